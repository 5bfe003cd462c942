//! `apigen diff` rules on small hand-made specs: each rule reports exactly its ids,
//! swapping old and new gives the mirror ids, a spec diffed with itself reports nothing,
//! and every rule in the registry has a case here.

use apigen::diff::{self, report, rules, Diff};
use apigen::spec::model::*;
use serde_json::json;
use std::collections::BTreeMap;

fn field(name: &str, ty: &str, required: bool) -> Field {
    let mut f = Field::new(name, TypeExpr::parse(ty).expect("type"));
    f.required = required;
    f
}

fn param(name: &str, loc: Location, ty: &str, required: bool) -> Field {
    let mut f = field(name, ty, required);
    f.location = Some(loc);
    f
}

fn body(fields: Vec<Field>) -> Body {
    Body {
        content_type: "application/json".into(),
        ty: TypeExpr::Object,
        required: true,
        description: String::new(),
        fields,
    }
}

fn response(status: u16, fields: Option<Vec<Field>>) -> Response {
    Response {
        status,
        description: String::new(),
        headers: Vec::new(),
        body: fields.map(body),
        examples: Vec::new(),
    }
}

fn operation(id: &str, method: Method, path: &str, section: &str, line: u32) -> Operation {
    Operation {
        id: id.into(),
        title: id.into(),
        source: SourceRef {
            section: section.into(),
            line,
        },
        description: String::new(),
        restrictions: String::new(),
        method,
        path: path.into(),
        version: None,
        product: None,
        group: String::new(),
        deprecated: false,
        replaced_by: None,
        pagination: None,
        parameters: Vec::new(),
        body: None,
        responses: Vec::new(),
        types: BTreeMap::new(),
        request_examples: Vec::new(),
        errors: Vec::new(),
    }
}

/// A small REST service: one read operation with parameters of every kind and a nested
/// response, one create operation with a body.
fn base() -> Spec {
    let mut show = operation(
        "ShowInstance",
        Method::Get,
        "/v2/{project_id}/instances/{instance_id}",
        "5.1.3",
        100,
    );
    let mut limit = param("limit", Location::Query, "integer", false);
    limit.default = Some(json!(10));
    limit.constraints.minimum = Some(1.0);
    limit.constraints.maximum = Some(50.0);
    let mut mode = param("mode", Location::Query, "string", false);
    mode.enum_values = vec![enum_value("fast"), enum_value("safe")];
    mode.constraints.max_length = Some(16);
    show.parameters = vec![
        param("project_id", Location::Path, "string", true),
        param("instance_id", Location::Path, "string", true),
        limit,
        mode,
    ];
    let mut status = field("status", "string", true);
    status.enum_values = vec![enum_value("RUNNING"), enum_value("STOPPED")];
    let mut detail = field("detail", "object", false);
    detail.fields = vec![field("size", "integer", false)];
    show.responses = vec![
        response(
            200,
            Some(vec![
                field("id", "string", true),
                status,
                field("tags", "array<Tag>", false),
                detail,
            ]),
        ),
        response(404, None),
    ];
    show.types.insert(
        "Tag".into(),
        TypeDef {
            description: String::new(),
            source: None,
            fields: vec![
                field("key", "string", true),
                field("value", "string", false),
            ],
        },
    );
    let mut create = operation(
        "CreateInstance",
        Method::Post,
        "/v2/{project_id}/instances",
        "5.1.1",
        50,
    );
    create.parameters = vec![param("project_id", Location::Path, "string", true)];
    let mut name = field("name", "string", true);
    name.constraints.max_length = Some(64);
    create.body = Some(body(vec![name, field("spec", "string", false)]));
    create.responses = vec![response(
        200,
        Some(vec![field("instance_id", "string", true)]),
    )];
    Spec {
        format: FORMAT_VERSION,
        service: Service {
            name: "demo".into(),
            title: "Demo".into(),
            vendor: Vendor::Huawei,
            protocol: Protocol::HuaweiRest,
            product_code: None,
            api_versions: vec!["v2".into()],
            endpoint: Some("demo.{region}.example.com".into()),
            endpoints: None,
            products: Vec::new(),
            auth: vec![AuthScheme::HuaweiToken { section: None }],
            common_parameters: Vec::new(),
            error_format: None,
            error_codes: vec![ErrorCode {
                status: Some(400),
                code: "DMS.001".into(),
                message: String::new(),
                description: String::new(),
                solution: String::new(),
                line: None,
            }],
            status_codes: Vec::new(),
            source: Source {
                document: "specs/sources/demo.txt".into(),
                title: "Demo".into(),
                revision: "1".into(),
                sha256: String::new(),
                corrections: None,
            },
            external_facts: Vec::new(),
        },
        operations: vec![create, show],
    }
}

fn enum_value(v: &str) -> EnumValue {
    EnumValue {
        value: v.into(),
        description: String::new(),
    }
}

fn show(s: &mut Spec) -> &mut Operation {
    s.operations
        .iter_mut()
        .find(|o| o.id == "ShowInstance")
        .expect("ShowInstance")
}

fn create(s: &mut Spec) -> &mut Operation {
    s.operations
        .iter_mut()
        .find(|o| o.id == "CreateInstance")
        .expect("CreateInstance")
}

fn show_param<'a>(s: &'a mut Spec, name: &str) -> &'a mut Field {
    show(s)
        .parameters
        .iter_mut()
        .find(|p| p.name == name)
        .expect("parameter")
}

fn show_200(s: &mut Spec) -> &mut Vec<Field> {
    &mut show(s).responses[0].body.as_mut().expect("200 body").fields
}

fn create_body(s: &mut Spec) -> &mut Vec<Field> {
    &mut create(s).body.as_mut().expect("body").fields
}

fn none(_: &mut Spec) {}

fn with_endpoints(s: &mut Spec) {
    s.service.endpoints = Some(apigen::spec::model::Endpoints {
        rule: "demo.{region_id}.example.com".into(),
        regions: [
            ("eu-1".to_string(), "demo.eu-1.example.com".to_string()),
            ("r-2".to_string(), "demo.r-2.example.com".to_string()),
        ]
        .into(),
        source: None,
        global: false,
    });
}

/// One rule's case: edits turning the base spec into old and new, and the exact ids the
/// diff must report (sorted; repeated ids repeated).
struct Case {
    rule: &'static str,
    old: fn(&mut Spec),
    new: fn(&mut Spec),
    expect: &'static [&'static str],
}

const fn case(
    rule: &'static str,
    old: fn(&mut Spec),
    new: fn(&mut Spec),
    expect: &'static [&'static str],
) -> Case {
    Case {
        rule,
        old,
        new,
        expect,
    }
}

#[rustfmt::skip]
fn cases() -> Vec<Case> {
    vec![
        case("endpoint-changed", none, |s| s.service.endpoint = Some("x.example.com".into()), &["endpoint-changed"]),
        case("endpoint-rule-changed", with_endpoints, |s| {
            with_endpoints(s);
            s.service.endpoints.as_mut().unwrap().rule = "demo.{region_id}.example.net".into();
        }, &["endpoint-rule-changed"]),
        // eu-1 moves to its own host; r-2 leaves the list but the rule gives it the same host.
        case("region-endpoint-changed", with_endpoints, |s| {
            with_endpoints(s);
            let e = s.service.endpoints.as_mut().unwrap();
            e.regions.insert("eu-1".into(), "demo.example.eu".into());
            e.regions.remove("r-2");
        }, &["region-endpoint-changed"]),
        case("service-scope-changed", with_endpoints, |s| {
            with_endpoints(s);
            s.service.endpoints.as_mut().unwrap().global = true;
        }, &["service-scope-changed"]),
        case("auth-scheme-added", none, |s| s.service.auth.push(AuthScheme::HuaweiAkSk { section: None }), &["auth-scheme-added"]),
        case("auth-scheme-removed", none, |s| s.service.auth.clear(), &["auth-scheme-removed"]),
        case("api-version-added", none, |s| s.service.api_versions.push("v3".into()), &["api-version-added"]),
        case("api-version-removed", none, |s| s.service.api_versions.clear(), &["api-version-removed"]),
        case("error-code-added", none, |s| {
            let mut e = s.service.error_codes[0].clone();
            e.code = "DMS.002".into();
            s.service.error_codes.push(e);
        }, &["error-code-added"]),
        case("error-code-removed", none, |s| s.service.error_codes.clear(), &["error-code-removed"]),
        case("service-title-changed", none, |s| s.service.title = "Demo 2".into(), &["service-title-changed"]),
        case("operation-added", none, |s| {
            let mut op = s.operations[1].clone();
            op.id = "DeleteInstance".into();
            op.method = Method::Delete;
            s.operations.push(op);
        }, &["operation-added"]),
        case("operation-removed", none, |s| { s.operations.remove(0); }, &["operation-removed"]),
        case("operation-deprecated", none, |s| show(s).deprecated = true, &["operation-deprecated"]),
        case("operation-undeprecated", |s| show(s).deprecated = true, none, &["operation-undeprecated"]),
        // Same id, new method: matched by id.
        case("operation-method-changed", none, |s| show(s).method = Method::Post, &["operation-method-changed"]),
        // Same id, new path: matched by id; the path parameters keep their names.
        case("operation-path-changed", none, |s| show(s).path = "/v3/{project_id}/instances/{instance_id}".into(), &["operation-path-changed"]),
        // Same method and path (parameter names aside), new id: matched by identity.
        case("operation-id-changed", none, |s| show(s).id = "GetInstance".into(), &["operation-id-changed"]),
        case("operation-version-changed", none, |s| show(s).version = Some("2023-01-01".into()), &["operation-version-changed"]),
        case("operation-title-changed", none, |s| show(s).title = "Show one instance".into(), &["operation-title-changed"]),
        case("operation-description-changed", none, |s| show(s).description = "Shows an instance.".into(), &["operation-description-changed"]),
        case("operation-restrictions-changed", none, |s| show(s).restrictions = "Only in version 2.3.X.".into(), &["operation-restrictions-changed"]),
        case("required-request-parameter-added", none, |s| create_body(s).push(field("flavor", "string", true)), &["required-request-parameter-added"]),
        case("optional-request-parameter-added", none, |s| show(s).parameters.push(param("offset", Location::Query, "integer", false)), &["optional-request-parameter-added"]),
        case("required-request-parameter-removed", none, |s| { create_body(s).remove(0); }, &["required-request-parameter-removed"]),
        case("optional-request-parameter-removed", none, |s| { create_body(s).remove(1); }, &["optional-request-parameter-removed"]),
        case("request-parameter-became-required", none, |s| show_param(s, "limit").required = true, &["request-parameter-became-required"]),
        case("request-parameter-became-optional", none, |s| create_body(s)[0].required = false, &["request-parameter-became-optional"]),
        case("request-parameter-type-changed", none, |s| show_param(s, "limit").ty = TypeExpr::Long, &["request-parameter-type-changed"]),
        case("request-parameter-location-changed", none, |s| show_param(s, "limit").location = Some(Location::Header), &["request-parameter-location-changed"]),
        case("request-parameter-encoding-changed", none, |s| show_param(s, "mode").encoding = Some(Encoding::Csv), &["request-parameter-encoding-changed"]),
        case("request-parameter-default-changed", none, |s| show_param(s, "limit").default = Some(json!(20)), &["request-parameter-default-changed"]),
        case("request-parameter-enum-value-added", none, |s| show_param(s, "mode").enum_values.push(enum_value("slow")), &["request-parameter-enum-value-added"]),
        case("request-parameter-enum-value-removed", none, |s| { show_param(s, "mode").enum_values.pop(); }, &["request-parameter-enum-value-removed"]),
        case("request-parameter-constraint-tightened", none, |s| {
            let p = show_param(s, "limit");
            p.constraints.maximum = Some(20.0);
            p.constraints.minimum = Some(2.0);
        }, &["request-parameter-constraint-tightened", "request-parameter-constraint-tightened"]),
        case("request-parameter-constraint-loosened", none, |s| create_body(s)[0].constraints.max_length = None, &["request-parameter-constraint-loosened"]),
        case("request-parameter-pattern-changed", none, |s| show_param(s, "mode").constraints.pattern = Some("^[a-z]+$".into()), &["request-parameter-pattern-changed"]),
        case("request-parameter-deprecated", none, |s| show_param(s, "mode").deprecated = true, &["request-parameter-deprecated"]),
        case("request-parameter-undeprecated", |s| show_param(s, "mode").deprecated = true, none, &["request-parameter-undeprecated"]),
        // Same path template, parameter renamed: matched by position, not reported as
        // removed + added.
        case("path-parameter-renamed", none, |s| {
            show(s).path = "/v2/{project_id}/instances/{id}".into();
            show_param(s, "instance_id").name = "id".into();
        }, &["path-parameter-renamed"]),
        case("request-parameter-description-changed", none, |s| show_param(s, "limit").description = "Page size.".into(), &["request-parameter-description-changed"]),
        case("request-body-content-type-changed", none, |s| create(s).body.as_mut().expect("body").content_type = "multipart/form-data".into(), &["request-body-content-type-changed"]),
        case("response-status-added", none, |s| show(s).responses.push(response(403, None)), &["response-status-added"]),
        case("response-status-removed", none, |s| { show(s).responses.pop(); }, &["response-status-removed"]),
        case("response-status-description-changed", none, |s| show(s).responses[1].description = "Not found.".into(), &["response-status-description-changed"]),
        case("response-field-added", none, |s| show_200(s).push(field("created", "string", false)), &["response-field-added"]),
        case("response-field-removed", none, |s| { show_200(s).remove(0); }, &["response-field-removed"]),
        case("response-field-type-changed", none, |s| show_200(s)[0].ty = TypeExpr::Integer, &["response-field-type-changed"]),
        case("response-field-became-required", none, |s| show_200(s)[2].required = true, &["response-field-became-required"]),
        case("response-field-became-optional", none, |s| show_200(s)[0].required = false, &["response-field-became-optional"]),
        case("response-field-enum-value-added", none, |s| show_200(s)[1].enum_values.push(enum_value("FROZEN")), &["response-field-enum-value-added"]),
        case("response-field-enum-value-removed", none, |s| { show_200(s)[1].enum_values.pop(); }, &["response-field-enum-value-removed"]),
        case("response-field-constraint-tightened", none, |s| show_200(s)[0].constraints.max_length = Some(36), &["response-field-constraint-tightened"]),
        case("response-field-constraint-loosened", none, |s| show_200(s)[1].enum_values.clear(), &["response-field-constraint-loosened"]),
        case("response-field-deprecated", none, |s| show_200(s)[2].deprecated = true, &["response-field-deprecated"]),
        case("response-field-undeprecated", |s| show_200(s)[2].deprecated = true, none, &["response-field-undeprecated"]),
        case("response-field-description-changed", none, |s| show_200(s)[0].description = "Instance id.".into(), &["response-field-description-changed"]),
        case("response-body-content-type-changed", none, |s| show(s).responses[0].body.as_mut().expect("body").content_type = "text/plain".into(), &["response-body-content-type-changed"]),
    ]
}

fn ids(changes: &[diff::Change]) -> Vec<&'static str> {
    let mut v: Vec<&'static str> = changes.iter().map(|c| c.id).collect();
    v.sort();
    v
}

fn specs(c: &Case) -> (Spec, Spec) {
    let (mut old, mut new) = (base(), base());
    (c.old)(&mut old);
    (c.new)(&mut new);
    (old, new)
}

#[test]
fn each_rule_reports_exactly_its_ids() {
    let mut failures = Vec::new();
    for c in cases() {
        let (old, new) = specs(&c);
        let got = ids(&diff::diff(&old, &new));
        let mut want = c.expect.to_vec();
        want.sort();
        if got != want {
            failures.push(format!("{}: expected {want:?}, got {got:?}", c.rule));
        }
        assert!(
            c.expect.contains(&c.rule),
            "case {} does not expect its own rule",
            c.rule
        );
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_rule_in_the_registry_has_a_case() {
    let cases = cases();
    let missing: Vec<&str> = rules::RULES
        .iter()
        .map(|r| r.id)
        .filter(|id| !cases.iter().any(|c| c.rule == *id))
        .collect();
    assert!(missing.is_empty(), "rules without a case: {missing:?}");
}

#[test]
fn swapping_old_and_new_gives_the_mirror() {
    let mut failures = Vec::new();
    for c in cases() {
        let (old, new) = specs(&c);
        let got = ids(&diff::diff(&new, &old));
        let mut want = Vec::new();
        for id in c.expect {
            match rules::get(id).mirror {
                rules::Mirror::Rule(m) => want.push(m),
                rules::Mirror::Itself => want.push(*id),
                // Deliberately one-directional: nothing to check.
                rules::Mirror::OneWay(_) => continue,
            }
        }
        want.sort();
        if got != want {
            failures.push(format!(
                "{} swapped: expected {want:?}, got {got:?}",
                c.rule
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_spec_diffed_with_itself_reports_nothing() {
    assert_eq!(diff::diff(&base(), &base()), vec![]);
    for c in cases() {
        let (old, new) = specs(&c);
        assert_eq!(diff::diff(&old, &old), vec![], "{}", c.rule);
        assert_eq!(diff::diff(&new, &new), vec![], "{}", c.rule);
    }
}

#[test]
fn operations_are_matched_by_identity_not_order() {
    let old = base();
    let mut new = base();
    new.operations.reverse();
    for op in &mut new.operations {
        op.source.section = format!("9.{}", op.source.line);
        op.source.line += 1000;
    }
    assert_eq!(diff::diff(&old, &new), vec![]);
}

#[test]
fn nested_changes_are_reported_at_their_dotted_path() {
    let old = base();
    let mut new = base();
    show(&mut new).types.get_mut("Tag").expect("Tag").fields[1].ty = TypeExpr::Integer;
    show_200(&mut new)[3]
        .fields
        .push(field("unit", "string", false));
    let changes = diff::diff(&old, &new);
    let got: Vec<(&str, &str)> = changes.iter().map(|c| (c.id, c.path.as_str())).collect();
    assert_eq!(
        got,
        vec![
            ("response-field-type-changed", "200.tags[].value"),
            ("response-field-added", "200.detail.unit"),
        ]
    );
    assert_eq!(changes[0].operation.as_deref(), Some("ShowInstance"));
}

#[test]
fn a_removed_and_an_added_field_of_one_type_get_a_rename_hint() {
    let old = base();
    let mut new = base();
    create_body(&mut new)[1].name = "flavor".into();
    let changes = diff::diff(&old, &new);
    let got: Vec<(&str, &str, Option<&str>)> = changes
        .iter()
        .map(|c| (c.id, c.path.as_str(), c.hint.as_deref()))
        .collect();
    assert_eq!(
        got,
        vec![
            (
                "optional-request-parameter-added",
                "flavor",
                Some("possibly renamed from `spec`")
            ),
            (
                "optional-request-parameter-removed",
                "spec",
                Some("possibly renamed to `flavor`")
            ),
        ]
    );
}

#[test]
fn a_moved_operation_keeps_its_parameters_by_name() {
    // Path changes and a path parameter renamed in the same edit: matched by id, so the
    // renamed parameter shows as removed + added with a hint.
    let old = base();
    let mut new = base();
    show(&mut new).path = "/v3/{project_id}/servers/{server_id}".into();
    show_param(&mut new, "instance_id").name = "server_id".into();
    let got: Vec<&str> = diff::diff(&old, &new).iter().map(|c| c.id).collect();
    assert_eq!(
        got,
        vec![
            "operation-path-changed",
            "required-request-parameter-added",
            "required-request-parameter-removed"
        ]
    );
}

#[test]
fn rpc_operations_are_matched_by_action() {
    let mut old = base();
    old.service.protocol = Protocol::AlibabaRpc;
    for op in &mut old.operations {
        op.path = "/".into();
        op.method = Method::Post;
    }
    let mut new = old.clone();
    new.operations[0].method = Method::Get;
    new.operations[1].id = "DescribeInstance".into();
    let got = ids(&diff::diff(&old, &new));
    assert_eq!(
        got,
        vec![
            "operation-added",
            "operation-method-changed",
            "operation-removed"
        ]
    );
}

#[test]
fn changes_carry_both_source_sections() {
    let old = base();
    let mut new = base();
    show(&mut new).source.section = "5.2.1".into();
    show_param(&mut new, "limit").required = true;
    show_param(&mut new, "limit").line = Some(321);
    let d = Diff::new("old", &old, "new", &new);
    let v: serde_json::Value = serde_json::from_str(&report::json(&d)).expect("json");
    let c = &v["changes"][0];
    assert_eq!(c["id"], "request-parameter-became-required");
    assert_eq!(c["operation"], "ShowInstance");
    assert_eq!(c["path"], "limit");
    assert_eq!(c["direction"], "request");
    assert_eq!(c["severity"], "breaking");
    assert_eq!(c["old"], json!(false));
    assert_eq!(c["new"], json!(true));
    assert_eq!(c["old_source"], json!({"section": "5.1.3", "line": 100}));
    assert_eq!(c["new_source"], json!({"section": "5.2.1", "line": 321}));
    assert_eq!(
        v["summary"],
        json!({"breaking": 1, "non_breaking": 0, "docs": 0})
    );
    assert_eq!(v["old"]["service"], "demo");
}

#[test]
fn reports_are_deterministic_and_uncoloured_unless_asked() {
    let all: Vec<Case> = cases();
    let mut old = base();
    let mut new = base();
    for c in &all[..all.len() / 2] {
        (c.old)(&mut old);
    }
    for c in &all {
        // Skip edits that remove what a later edit looks up.
        if !c.rule.ends_with("removed") && c.rule != "operation-id-changed" {
            (c.new)(&mut new);
        }
    }
    let a = Diff::new("a", &old, "b", &new);
    let b = Diff::new("a", &old, "b", &new);
    assert!(a.changes.len() > 20);
    for (x, y) in [
        (report::text(&a, false), report::text(&b, false)),
        (report::markdown(&a), report::markdown(&b)),
        (report::json(&a), report::json(&b)),
    ] {
        assert_eq!(x, y);
    }
    assert!(!report::text(&a, false).contains('\x1b'));
    assert!(report::text(&a, true).contains("\x1b[31m"));
}

#[test]
fn other_places_fields_live_use_the_same_rules() {
    let old = base();
    let mut new = base();
    // A service-wide common parameter: no operation.
    let mut common_old = old.clone();
    common_old.service.common_parameters.push(param(
        "X-Auth-Token",
        Location::Header,
        "string",
        false,
    ));
    let mut common_new = common_old.clone();
    common_new.service.common_parameters[0].required = true;
    let changes = diff::diff(&common_old, &common_new);
    assert_eq!(ids(&changes), vec!["request-parameter-became-required"]);
    assert_eq!(changes[0].operation, None);
    assert_eq!(changes[0].path, "X-Auth-Token");

    // A query parameter moving into the body is one parameter changing location.
    let limit = show(&mut new).parameters.remove(2);
    let mut moved = limit.clone();
    moved.location = None;
    show(&mut new).body = Some(body(vec![moved]));
    // A response header.
    show(&mut new).responses[0]
        .headers
        .push(field("X-Request-Id", "string", false));
    let got: Vec<(&str, String)> = diff::diff(&old, &new)
        .iter()
        .map(|c| (c.id, c.path.clone()))
        .collect();
    assert_eq!(
        got,
        vec![
            ("request-parameter-location-changed", "limit".to_string()),
            (
                "response-field-added",
                "200.headers.X-Request-Id".to_string()
            ),
        ]
    );
}

#[test]
fn array_bodies_are_walked_through_their_items() {
    let mut old = base();
    let body = create(&mut old).body.as_mut().expect("body");
    body.ty = TypeExpr::array(TypeExpr::Object);
    let mut new = old.clone();
    create_body(&mut new)[0].ty = TypeExpr::Integer;
    let got: Vec<(&str, String)> = diff::diff(&old, &new)
        .iter()
        .map(|c| (c.id, c.path.clone()))
        .collect();
    assert_eq!(
        got,
        vec![("request-parameter-type-changed", "body[].name".to_string())]
    );
    // And an object body becoming an array is one type change of the body.
    let got = ids(&diff::diff(&base(), &old));
    assert_eq!(got, vec!["request-parameter-type-changed"]);
}

#[test]
fn recursive_named_types_terminate() {
    let mut old = base();
    show(&mut old)
        .types
        .get_mut("Tag")
        .expect("Tag")
        .fields
        .push(field("children", "array<Tag>", false));
    let mut new = old.clone();
    show(&mut new).types.get_mut("Tag").expect("Tag").fields[0].ty = TypeExpr::Integer;
    let changes = diff::diff(&old, &new);
    // The change is seen at every depth followed, and the walk stops.
    assert!(
        changes.len() > 3 && changes.len() < 100,
        "{}",
        changes.len()
    );
    assert_eq!(changes[0].path, "200.tags[].key");
    assert_eq!(changes[1].path, "200.tags[].children[].key");
}

/// `docs/semver.md`: one row per rule of the registry, with its severity, its Rust API rating
/// and the bump the two call for, as `apigen generate --previous` applies them.
#[test]
fn the_semver_table_lists_every_rule_with_its_ratings() {
    use apigen::emit::release::Bump;
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/semver.md");
    let text = std::fs::read_to_string(path).expect("docs/semver.md");
    let mut rows = BTreeMap::new();
    for line in text.lines().filter(|l| l.starts_with("| `")) {
        let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
        assert!(cells.len() >= 4, "short row: {line}");
        let id = cells[0].trim_matches('`');
        assert!(
            rows.insert(id.to_string(), (cells[1], cells[2], cells[3]))
                .is_none(),
            "{id} has two rows"
        );
    }
    let mut failures = Vec::new();
    for r in rules::RULES {
        let want = (
            r.severity.as_str(),
            r.rust_api.as_str(),
            Bump::of_change(r.severity, r.rust_api).as_str(),
        );
        match rows.remove(r.id) {
            None => failures.push(format!("{}: no row", r.id)),
            Some(got) if got != want => failures.push(format!(
                "{}: the table says {got:?}, the registry {want:?}",
                r.id
            )),
            Some(_) => {}
        }
    }
    failures.extend(rows.keys().map(|id| format!("{id}: not a rule")));
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A change's Rust API rating is its rule's, except where the value decides: a value list
/// appearing or vanishing changes the member's type, and a move into or out of the body moves
/// the field to another struct.
#[test]
fn rust_api_ratings_follow_the_generated_code() {
    use apigen::emit::release::Bump;
    use rules::RustApi;
    let rated = |c: &Case| {
        let (old, new) = specs(c);
        diff::diff(&old, &new)
            .into_iter()
            .map(|ch| (ch.id, ch.rust_api))
            .collect::<Vec<_>>()
    };
    for c in cases() {
        for (id, api) in rated(&c) {
            let rule = rules::get(id);
            let refined = matches!(
                id,
                "request-parameter-constraint-tightened"
                    | "request-parameter-constraint-loosened"
                    | "response-field-constraint-tightened"
                    | "response-field-constraint-loosened"
                    | "request-parameter-location-changed"
            );
            if !refined {
                assert_eq!(api, rule.rust_api, "{}: {id}", c.rule);
            }
        }
    }
    // `new` loses an argument: a wire-compatible change that is a major release.
    let b = rules::get("request-parameter-became-optional");
    assert_eq!(b.severity, rules::Severity::NonBreaking);
    assert_eq!(Bump::of_change(b.severity, b.rust_api), Bump::Major);

    let mut old = base();
    let mut new = base();
    let p = |enums: &[&str]| {
        let mut f = param("Mode", Location::Query, "string", false);
        f.enum_values = enums.iter().map(|v| enum_value(v)).collect();
        f
    };
    old.operations[0].parameters.push(p(&[]));
    new.operations[0].parameters.push(p(&["a", "b"]));
    let changes = diff::diff(&old, &new);
    assert_eq!(changes.len(), 1, "{changes:?}");
    assert_eq!(changes[0].id, "request-parameter-constraint-tightened");
    assert_eq!(changes[0].rust_api, RustApi::Incompatible);
    let bound = |max: u64| {
        let mut f = param("Mode", Location::Query, "string", false);
        f.constraints.max_length = Some(max);
        f
    };
    old.operations[0].parameters.pop();
    new.operations[0].parameters.pop();
    old.operations[0].parameters.push(bound(64));
    new.operations[0].parameters.push(bound(32));
    let changes = diff::diff(&old, &new);
    assert_eq!(changes.len(), 1, "{changes:?}");
    assert_eq!(changes[0].rust_api, RustApi::Unchanged);
}
