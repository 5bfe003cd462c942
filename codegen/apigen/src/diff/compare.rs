//! Structural comparison of two specs: which operations correspond, and what differs
//! between them, stated as plain facts ([`RawChange`]). Nothing here judges whether a
//! change is breaking; `rules::classify` does that.
//!
//! Matching is by identity, never by position or section number: RPC operations by Action
//! name; REST operations by method + path with path-parameter names ignored, then (for the
//! ones left) by operation id, which reports a method or path change. Fields are matched by
//! name (and location), path parameters of the same path by their position in it.

use crate::spec::model::{
    Body, Field, Location, Method, Operation, SourceRef, Spec, TypeDef, TypeExpr,
};
use crate::spec::path::PathTemplate;
use serde::Serialize;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};

/// Which part of the spec a fact is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Service,
    Operation,
    Request,
    Response,
}

/// A structural fact. Field facts mean a request parameter in the `Request` scope and a
/// response field in the `Response` scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum What {
    EndpointChanged,
    EndpointRuleChanged,
    RegionEndpointChanged,
    ServiceScopeChanged,
    AuthAdded,
    AuthRemoved,
    ApiVersionAdded,
    ApiVersionRemoved,
    ErrorCodeAdded,
    ErrorCodeRemoved,
    ServiceTitleChanged,
    OperationAdded,
    OperationRemoved,
    OperationDeprecatedChanged,
    MethodChanged,
    PathChanged,
    IdChanged,
    VersionChanged,
    TitleChanged,
    OperationDescriptionChanged,
    OperationRestrictionsChanged,
    StatusAdded,
    StatusRemoved,
    StatusDescriptionChanged,
    ContentTypeChanged,
    FieldAdded {
        required: bool,
    },
    FieldRemoved {
        required: bool,
    },
    RequiredChanged,
    TypeChanged,
    LocationChanged,
    EncodingChanged,
    DefaultChanged,
    PathParameterRenamed,
    EnumValueAdded,
    EnumValueRemoved,
    /// A bound changed: `min_length`, `max_length`, `minimum`, `maximum`, `min_items`,
    /// `max_items`, or `enum` (a value list appearing or disappearing as a whole).
    ConstraintChanged(&'static str),
    PatternChanged,
    DeprecatedChanged,
    DescriptionChanged,
}

/// Where something is described in a document: the section, and the line of the row or
/// heading when known.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Loc {
    pub section: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
}

/// The operation a change belongs to (the new side's, or the old one's when removed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpRef {
    pub id: String,
    pub method: Method,
    pub path: String,
}

/// One structural difference.
#[derive(Debug, Clone, PartialEq)]
pub struct RawChange {
    pub scope: Scope,
    pub what: What,
    /// `None` for service-wide changes.
    pub operation: Option<OpRef>,
    /// Dotted path of the parameter or field (`tags[].key`; responses start with the
    /// status, `200.instances[].id`), the status for status changes, empty for the
    /// operation itself.
    pub path: String,
    pub old: Value,
    pub new: Value,
    pub old_source: Option<Loc>,
    pub new_source: Option<Loc>,
    /// A guess for the reader, e.g. that a removed and an added field are one renamed.
    pub hint: Option<String>,
}

/// Nesting deeper than this is not followed (guards against recursive named types).
const MAX_DEPTH: usize = 24;

static NO_TYPES: BTreeMap<String, TypeDef> = BTreeMap::new();

/// All differences from `old` to `new`: service-wide first, then operations in the new
/// spec's order, then the operations the new spec no longer has.
pub fn compare(old: &Spec, new: &Spec) -> Vec<RawChange> {
    let mut out = Vec::new();
    compare_service(old, new, &mut out);
    let protocol = crate::protocol::rules(new.service.protocol);
    let matching = match_operations(&old.operations, &new.operations, protocol);
    for (j, new_op) in new.operations.iter().enumerate() {
        match matching.old_of_new[j] {
            Some((i, by_id)) => compare_operation(&old.operations[i], new_op, by_id, &mut out),
            None => out.push(op_presence(new_op, What::OperationAdded, false)),
        }
    }
    for (i, old_op) in old.operations.iter().enumerate() {
        if !matching.old_matched[i] {
            out.push(op_presence(old_op, What::OperationRemoved, true));
        }
    }
    out
}

/// `/v2/{project_id}/instances/{instance_id}?x={x}` → `/v2/{}/instances/{}`.
pub fn normalize_path(path: &str) -> String {
    PathTemplate::new(path).normalized()
}

/// Names of a path template's parameters, in order (the query's left out).
fn path_param_names(path: &str) -> Vec<String> {
    PathTemplate::new(path)
        .route_placeholders()
        .into_iter()
        .map(|n| n.trim().to_string())
        .collect()
}

pub(crate) struct Matching {
    /// For each new operation: the old one it corresponds to, and whether it was found by
    /// id rather than by identity.
    pub(crate) old_of_new: Vec<Option<(usize, bool)>>,
    pub(crate) old_matched: Vec<bool>,
}

/// Pairs old and new operations by the protocol's identity (RPC: the Action; REST: method
/// and path with parameter names, query template and spaces removed), then, where the
/// identity is not the id, by id.
pub(crate) fn match_operations(
    old: &[Operation],
    new: &[Operation],
    protocol: &dyn crate::protocol::ProtocolRules,
) -> Matching {
    let mut old_of_new = vec![None; new.len()];
    let mut old_matched = vec![false; old.len()];
    // Identity first; equal identities pair in document order.
    let mut by_key: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (j, op) in new.iter().enumerate().rev() {
        by_key
            .entry(protocol.diff_identity(op))
            .or_default()
            .push(j);
    }
    for (i, op) in old.iter().enumerate() {
        if let Some(j) = by_key
            .get_mut(&protocol.diff_identity(op))
            .and_then(Vec::pop)
        {
            old_of_new[j] = Some((i, false));
            old_matched[i] = true;
        }
    }
    // Then by id: the same operation under a new method or path.
    for (i, op) in old.iter().enumerate() {
        if old_matched[i] || protocol.diff_identity(op) == op.id {
            continue;
        }
        if let Some(j) = (0..new.len()).find(|&j| old_of_new[j].is_none() && new[j].id == op.id) {
            old_of_new[j] = Some((i, true));
            old_matched[i] = true;
        }
    }
    Matching {
        old_of_new,
        old_matched,
    }
}

fn op_ref(op: &Operation) -> OpRef {
    OpRef {
        id: op.id.clone(),
        method: op.method,
        path: op.path.clone(),
    }
}

fn op_loc(op: &Operation) -> Loc {
    Loc {
        section: op.source.section.clone(),
        line: Some(op.source.line),
    }
}

fn op_presence(op: &Operation, what: What, removed: bool) -> RawChange {
    let v = json!(format!("{} {}", op.method, op.path));
    let (old, new) = if removed {
        (v, Value::Null)
    } else {
        (Value::Null, v)
    };
    RawChange {
        scope: Scope::Operation,
        what,
        operation: Some(op_ref(op)),
        path: String::new(),
        old,
        new,
        old_source: removed.then(|| op_loc(op)),
        new_source: (!removed).then(|| op_loc(op)),
        hint: None,
    }
}

/// `service.endpoints`, by effect: the rule for unlisted regions, and the public host each
/// region listed on either side resolves to (listed host, else the rule).
fn compare_endpoints(
    o: &crate::spec::model::Service,
    n: &crate::spec::model::Service,
    push: &mut impl FnMut(What, &str, Value, Value),
) {
    let rule = |s: &crate::spec::model::Service| s.endpoints.as_ref().map(|e| e.rule.clone());
    if rule(o) != rule(n) {
        push(
            What::EndpointRuleChanged,
            "endpoints.rule",
            json!(rule(o)),
            json!(rule(n)),
        );
    }
    let global = |s: &crate::spec::model::Service| s.endpoints.as_ref().is_some_and(|e| e.global);
    if global(o) != global(n) {
        push(
            What::ServiceScopeChanged,
            "endpoints.global",
            json!(global(o)),
            json!(global(n)),
        );
    }
    let host = |s: &crate::spec::model::Service, region: &str| {
        let e = s.endpoints.as_ref()?;
        Some(match e.regions.get(region) {
            Some(h) => h.clone(),
            None => e
                .rule
                .replace("{region_id}", region)
                .replace("{network}", ""),
        })
    };
    let regions: BTreeSet<&String> = [o, n]
        .iter()
        .filter_map(|s| s.endpoints.as_ref())
        .flat_map(|e| e.regions.keys())
        .collect();
    for r in regions {
        let (a, b) = (host(o, r), host(n, r));
        if a != b {
            push(
                What::RegionEndpointChanged,
                &format!("endpoints.regions.{r}"),
                json!(a),
                json!(b),
            );
        }
    }
}

fn compare_service(old: &Spec, new: &Spec, out: &mut Vec<RawChange>) {
    let (o, n) = (&old.service, &new.service);
    let mut push = |what, path: &str, old: Value, new: Value| {
        out.push(RawChange {
            scope: Scope::Service,
            what,
            operation: None,
            path: path.to_string(),
            old,
            new,
            old_source: None,
            new_source: None,
            hint: None,
        })
    };
    if o.title != n.title {
        push(
            What::ServiceTitleChanged,
            "",
            json!(o.title),
            json!(n.title),
        );
    }
    if o.endpoint != n.endpoint {
        push(
            What::EndpointChanged,
            "endpoint",
            json!(o.endpoint),
            json!(n.endpoint),
        );
    }
    compare_endpoints(o, n, &mut push);
    let kind = |a| {
        serde_json::to_value(a)
            .ok()
            .and_then(|v| v.get("kind").and_then(Value::as_str).map(str::to_string))
            .unwrap_or_default()
    };
    let old_auth: Vec<String> = o.auth.iter().map(kind).collect();
    let new_auth: Vec<String> = n.auth.iter().map(kind).collect();
    for (what, path, list, other) in [
        (What::AuthRemoved, "auth", &old_auth, &new_auth),
        (What::AuthAdded, "auth", &new_auth, &old_auth),
        (
            What::ApiVersionRemoved,
            "api_versions",
            &o.api_versions,
            &n.api_versions,
        ),
        (
            What::ApiVersionAdded,
            "api_versions",
            &n.api_versions,
            &o.api_versions,
        ),
    ] {
        let added = matches!(what, What::AuthAdded | What::ApiVersionAdded);
        for v in set_minus(list, other) {
            let (old, new) = if added {
                (Value::Null, json!(v))
            } else {
                (json!(v), Value::Null)
            };
            push(what, path, old, new);
        }
    }
    let old_codes: Vec<String> = o.error_codes.iter().map(|e| e.code.clone()).collect();
    let new_codes: Vec<String> = n.error_codes.iter().map(|e| e.code.clone()).collect();
    for c in set_minus(&new_codes, &old_codes) {
        push(What::ErrorCodeAdded, &c, Value::Null, json!(c));
    }
    for c in set_minus(&old_codes, &new_codes) {
        push(What::ErrorCodeRemoved, &c, json!(c), Value::Null);
    }
    let mut walk = Walk {
        out,
        op: None,
        old_types: &NO_TYPES,
        new_types: &NO_TYPES,
        old_src: None,
        new_src: None,
    };
    walk.list(
        Scope::Request,
        "",
        items_of(&o.common_parameters),
        items_of(&n.common_parameters),
        0,
        None,
    );
}

/// Members of `list` not in `other`, in `list` order, each once.
fn set_minus(list: &[String], other: &[String]) -> Vec<String> {
    let other: BTreeSet<&String> = other.iter().collect();
    let mut seen = BTreeSet::new();
    list.iter()
        .filter(|v| !other.contains(v) && seen.insert(*v))
        .cloned()
        .collect()
}

fn compare_operation(old: &Operation, new: &Operation, by_id: bool, out: &mut Vec<RawChange>) {
    let mut walk = Walk {
        out,
        op: Some(op_ref(new)),
        old_types: &old.types,
        new_types: &new.types,
        old_src: Some(&old.source),
        new_src: Some(&new.source),
    };
    if !by_id && old.id != new.id {
        walk.op_change(What::IdChanged, json!(old.id), json!(new.id));
    }
    if old.method != new.method {
        walk.op_change(
            What::MethodChanged,
            json!(old.method.as_str()),
            json!(new.method.as_str()),
        );
    }
    if normalize_path(&old.path) != normalize_path(&new.path) {
        walk.op_change(What::PathChanged, json!(old.path), json!(new.path));
    }
    if old.version != new.version {
        walk.op_change(What::VersionChanged, json!(old.version), json!(new.version));
    }
    if old.deprecated != new.deprecated {
        walk.op_change(
            What::OperationDeprecatedChanged,
            json!(old.deprecated),
            json!(new.deprecated),
        );
    }
    if old.title != new.title {
        walk.op_change(What::TitleChanged, json!(old.title), json!(new.title));
    }
    if old.description != new.description {
        walk.op_change(
            What::OperationDescriptionChanged,
            json!(old.description),
            json!(new.description),
        );
    }
    if old.restrictions != new.restrictions {
        walk.op_change(
            What::OperationRestrictionsChanged,
            json!(old.restrictions),
            json!(new.restrictions),
        );
    }

    // Request: parameters and the body's top-level fields are one namespace, so a
    // parameter moving from the query into the body is a location change.
    let is_array = |op: &Operation| {
        op.body
            .as_ref()
            .is_some_and(|b| matches!(b.ty, TypeExpr::Array(_)))
    };
    let (old_arr, new_arr) = (is_array(old), is_array(new));
    if let (Some(ob), Some(nb)) = (&old.body, &new.body) {
        if ob.content_type != nb.content_type {
            walk.push(
                Scope::Request,
                What::ContentTypeChanged,
                "body".into(),
                json!(ob.content_type),
                json!(nb.content_type),
                (None, None),
                (true, true),
            );
        }
        if !same_shape(&ob.ty, &nb.ty) {
            walk.push(
                Scope::Request,
                What::TypeChanged,
                "body".into(),
                json!(ob.ty.to_string()),
                json!(nb.ty.to_string()),
                (None, None),
                (true, true),
            );
        }
    }
    let (op_params, np_params) = (path_param_names(&old.path), path_param_names(&new.path));
    let positional = (normalize_path(&old.path) == normalize_path(&new.path))
        .then_some((op_params.as_slice(), np_params.as_slice()));
    if !old_arr && !new_arr {
        walk.list(
            Scope::Request,
            "",
            request_items(old, true),
            request_items(new, true),
            0,
            positional,
        );
    } else {
        walk.list(
            Scope::Request,
            "",
            request_items(old, false),
            request_items(new, false),
            0,
            positional,
        );
        if old_arr == new_arr {
            walk.list(
                Scope::Request,
                "body[]",
                body_fields(&old.body),
                body_fields(&new.body),
                0,
                None,
            );
        }
    }

    // Responses, by status.
    let mut old_used = vec![false; old.responses.len()];
    for nr in &new.responses {
        let status = nr.status.to_string();
        let Some(i) = (0..old.responses.len())
            .find(|&i| !old_used[i] && old.responses[i].status == nr.status)
        else {
            walk.push(
                Scope::Response,
                What::StatusAdded,
                status,
                Value::Null,
                json!(nr.status),
                (None, None),
                (false, true),
            );
            continue;
        };
        old_used[i] = true;
        let or = &old.responses[i];
        if or.description != nr.description {
            walk.push(
                Scope::Response,
                What::StatusDescriptionChanged,
                status.clone(),
                json!(or.description),
                json!(nr.description),
                (None, None),
                (true, true),
            );
        }
        walk.list(
            Scope::Response,
            &format!("{status}.headers"),
            or.headers.iter().map(Item::of).collect(),
            nr.headers.iter().map(Item::of).collect(),
            0,
            None,
        );
        let mut prefix = status.clone();
        if let (Some(ob), Some(nb)) = (&or.body, &nr.body) {
            if ob.content_type != nb.content_type {
                walk.push(
                    Scope::Response,
                    What::ContentTypeChanged,
                    status.clone(),
                    json!(ob.content_type),
                    json!(nb.content_type),
                    (None, None),
                    (true, true),
                );
            }
            if !same_shape(&ob.ty, &nb.ty) {
                walk.push(
                    Scope::Response,
                    What::TypeChanged,
                    status.clone(),
                    json!(ob.ty.to_string()),
                    json!(nb.ty.to_string()),
                    (None, None),
                    (true, true),
                );
                continue;
            }
            prefix.push_str(&container_suffix(&nb.ty));
        } else if let Some(b) = or.body.as_ref().or(nr.body.as_ref()) {
            prefix.push_str(&container_suffix(&b.ty));
        }
        walk.list(
            Scope::Response,
            &prefix,
            body_fields(&or.body),
            body_fields(&nr.body),
            0,
            None,
        );
    }
    for (i, or) in old.responses.iter().enumerate() {
        if !old_used[i] {
            walk.push(
                Scope::Response,
                What::StatusRemoved,
                or.status.to_string(),
                json!(or.status),
                Value::Null,
                (None, None),
                (true, false),
            );
        }
    }
}

fn items_of(fs: &[Field]) -> Vec<Item<'_>> {
    fs.iter().map(Item::of).collect()
}

fn body_fields(b: &Option<Body>) -> Vec<Item<'_>> {
    b.iter()
        .flat_map(|b| b.fields.iter().map(Item::of))
        .collect()
}

/// Parameters, and (with `with_body`) the body's top-level fields located in `body`.
fn request_items(op: &Operation, with_body: bool) -> Vec<Item<'_>> {
    let mut v = items_of(&op.parameters);
    if with_body {
        v.extend(body_fields(&op.body).into_iter().map(|i| Item {
            f: i.f,
            loc: Some(i.f.location.unwrap_or(Location::Body)),
        }));
    }
    v
}

/// A type with named types replaced by `object`: names are local labels, not wire facts.
/// (The definition [`same_shape`] implements; kept for its test.)
#[cfg(test)]
fn shape(t: &TypeExpr) -> String {
    match t {
        TypeExpr::Named(_) => "object".into(),
        TypeExpr::Array(i) => format!("array<{}>", shape(i)),
        TypeExpr::Map(i) => format!("map<{}>", shape(i)),
        other => other.to_string(),
    }
}

/// `shape(a) == shape(b)` without building strings (called for every field).
fn same_shape(a: &TypeExpr, b: &TypeExpr) -> bool {
    match (a, b) {
        (TypeExpr::Named(_) | TypeExpr::Object, TypeExpr::Named(_) | TypeExpr::Object) => true,
        (TypeExpr::Array(x), TypeExpr::Array(y)) | (TypeExpr::Map(x), TypeExpr::Map(y)) => {
            same_shape(x, y)
        }
        (TypeExpr::Named(_), _) | (_, TypeExpr::Named(_)) => false,
        _ => a == b,
    }
}

/// How many words two field names share (`connect_addresses` and `connect_address`: 2).
/// Words split at `_`, `-`, `.` and lower→upper case steps; a plural `s` is dropped.
fn shared_words(a: &str, b: &str) -> usize {
    fn words(s: &str) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        let mut cur = String::new();
        let mut prev_lower = false;
        for c in s.chars() {
            let boundary = !c.is_alphanumeric() || (c.is_uppercase() && prev_lower);
            if boundary && !cur.is_empty() {
                out.insert(std::mem::take(&mut cur));
            }
            if c.is_alphanumeric() {
                cur.extend(c.to_lowercase());
            }
            prev_lower = c.is_lowercase() || c.is_ascii_digit();
        }
        if !cur.is_empty() {
            out.insert(cur);
        }
        out.into_iter()
            .map(|w| crate::words::singular(&w))
            .collect()
    }
    words(a).intersection(&words(b)).count()
}

/// `[]` per array layer and `{}` per map layer, for paths into elements.
fn container_suffix(t: &TypeExpr) -> String {
    match t {
        TypeExpr::Array(i) => format!("[]{}", container_suffix(i)),
        TypeExpr::Map(i) => format!("{{}}{}", container_suffix(i)),
        _ => String::new(),
    }
}

fn join(parent: &str, name: &str) -> String {
    if parent.is_empty() {
        name.to_string()
    } else {
        format!("{parent}.{name}")
    }
}

/// A field with the location it is compared under.
#[derive(Clone, Copy)]
struct Item<'a> {
    f: &'a Field,
    loc: Option<Location>,
}

impl<'a> Item<'a> {
    fn of(f: &'a Field) -> Item<'a> {
        Item { f, loc: f.location }
    }
}

struct Walk<'a> {
    out: &'a mut Vec<RawChange>,
    op: Option<OpRef>,
    old_types: &'a BTreeMap<String, TypeDef>,
    new_types: &'a BTreeMap<String, TypeDef>,
    old_src: Option<&'a SourceRef>,
    new_src: Option<&'a SourceRef>,
}

impl<'a> Walk<'a> {
    fn loc(src: Option<&SourceRef>, line: Option<u32>) -> Loc {
        Loc {
            section: src.map(|s| s.section.clone()).unwrap_or_default(),
            line: line.or(src.map(|s| s.line)),
        }
    }

    /// Record a change; `lines` are the rows' lines, `present` says which sides have
    /// the subject (for the source sections).
    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        scope: Scope,
        what: What,
        path: String,
        old: Value,
        new: Value,
        lines: (Option<u32>, Option<u32>),
        present: (bool, bool),
    ) {
        let old_source = present.0.then(|| Self::loc(self.old_src, lines.0));
        let new_source = present.1.then(|| Self::loc(self.new_src, lines.1));
        self.out.push(RawChange {
            scope,
            what,
            operation: self.op.clone(),
            path,
            old,
            new,
            old_source: old_source.filter(|l| !l.section.is_empty() || l.line.is_some()),
            new_source: new_source.filter(|l| !l.section.is_empty() || l.line.is_some()),
            hint: None,
        });
    }

    fn op_change(&mut self, what: What, old: Value, new: Value) {
        self.push(
            Scope::Operation,
            what,
            String::new(),
            old,
            new,
            (None, None),
            (true, true),
        );
    }

    fn members<'t>(types: &'t BTreeMap<String, TypeDef>, f: &'t Field) -> &'t [Field] {
        if !f.fields.is_empty() {
            return &f.fields;
        }
        match f.ty.element() {
            TypeExpr::Named(n) => types.get(n).map(|t| t.fields.as_slice()).unwrap_or(&[]),
            _ => &[],
        }
    }

    /// Compare two sibling lists of fields under `parent`.
    fn list(
        &mut self,
        scope: Scope,
        parent: &str,
        old: Vec<Item<'_>>,
        new: Vec<Item<'_>>,
        depth: usize,
        positional: Option<(&[String], &[String])>,
    ) {
        if depth > MAX_DEPTH {
            return;
        }
        let mut new_of_old: Vec<Option<usize>> = vec![None; old.len()];
        let mut old_of_new: Vec<Option<usize>> = vec![None; new.len()];
        let mut renamed_path_params = Vec::new();
        // Path parameters of the same path template correspond by position.
        if let Some((op_names, np_names)) = positional {
            for (on, nn) in op_names.iter().zip(np_names) {
                let oi = (0..old.len()).find(|&i| {
                    new_of_old[i].is_none()
                        && old[i].loc == Some(Location::Path)
                        && old[i].f.name == *on
                });
                let ni = (0..new.len()).find(|&j| {
                    old_of_new[j].is_none()
                        && new[j].loc == Some(Location::Path)
                        && new[j].f.name == *nn
                });
                if let (Some(i), Some(j)) = (oi, ni) {
                    new_of_old[i] = Some(j);
                    old_of_new[j] = Some(i);
                    if on != nn {
                        renamed_path_params.push(j);
                    }
                }
            }
        }
        // Same name and location, then same name alone (a location change).
        for exact in [true, false] {
            for i in 0..old.len() {
                if new_of_old[i].is_some() {
                    continue;
                }
                let found = (0..new.len()).find(|&j| {
                    old_of_new[j].is_none()
                        && new[j].f.name == old[i].f.name
                        && (!exact || new[j].loc == old[i].loc)
                });
                if let Some(j) = found {
                    new_of_old[i] = Some(j);
                    old_of_new[j] = Some(i);
                }
            }
        }

        let added: Vec<usize> = (0..new.len())
            .filter(|&j| old_of_new[j].is_none())
            .collect();
        let removed: Vec<usize> = (0..old.len())
            .filter(|&i| new_of_old[i].is_none())
            .collect();
        // Rename hints: a removed and an added field of the same type whose names share a
        // word, or that are the only removed and added fields of that type here.
        let mut hint_new: BTreeMap<usize, String> = BTreeMap::new();
        let mut hint_old: BTreeMap<usize, String> = BTreeMap::new();
        let mut candidates = Vec::new();
        for &i in &removed {
            for &j in &added {
                if !same_shape(&new[j].f.ty, &old[i].f.ty) {
                    continue;
                }
                let score = shared_words(&old[i].f.name, &new[j].f.name);
                let only = removed
                    .iter()
                    .filter(|&&k| same_shape(&old[k].f.ty, &old[i].f.ty))
                    .count()
                    == 1
                    && added
                        .iter()
                        .filter(|&&k| same_shape(&new[k].f.ty, &new[j].f.ty))
                        .count()
                        == 1;
                if score > 0 || only {
                    candidates.push((std::cmp::Reverse(score), i, j));
                }
            }
        }
        candidates.sort();
        for (_, i, j) in candidates {
            if hint_old.contains_key(&i) || hint_new.contains_key(&j) {
                continue;
            }
            hint_new.insert(j, format!("possibly renamed from `{}`", old[i].f.name));
            hint_old.insert(i, format!("possibly renamed to `{}`", new[j].f.name));
        }

        for (j, n) in new.iter().enumerate() {
            let path = join(parent, &n.f.name);
            match old_of_new[j] {
                Some(i) => {
                    if renamed_path_params.contains(&j) {
                        self.push(
                            scope,
                            What::PathParameterRenamed,
                            path.clone(),
                            json!(old[i].f.name),
                            json!(n.f.name),
                            (old[i].f.line, n.f.line),
                            (true, true),
                        );
                    }
                    self.field(scope, &path, old[i], *n, depth);
                }
                None => {
                    self.push(
                        scope,
                        What::FieldAdded {
                            required: n.f.required,
                        },
                        path,
                        Value::Null,
                        json!(n.f.ty.to_string()),
                        (None, n.f.line),
                        (false, true),
                    );
                    self.out.last_mut().expect("just pushed").hint = hint_new.remove(&j);
                }
            }
        }
        for &i in &removed {
            let o = old[i];
            self.push(
                scope,
                What::FieldRemoved {
                    required: o.f.required,
                },
                join(parent, &o.f.name),
                json!(o.f.ty.to_string()),
                Value::Null,
                (o.f.line, None),
                (true, false),
            );
            self.out.last_mut().expect("just pushed").hint = hint_old.remove(&i);
        }
    }

    /// Compare one matched field, then its members.
    fn field(&mut self, scope: Scope, path: &str, old: Item<'_>, new: Item<'_>, depth: usize) {
        let (o, n) = (old.f, new.f);
        let lines = (o.line, n.line);
        let push = |w: &mut Self, what, ov: Value, nv: Value| {
            w.push(scope, what, path.to_string(), ov, nv, lines, (true, true));
        };
        if o.required != n.required {
            push(
                self,
                What::RequiredChanged,
                json!(o.required),
                json!(n.required),
            );
        }
        if scope == Scope::Request && old.loc != new.loc {
            push(
                self,
                What::LocationChanged,
                json!(old.loc.map(Location::as_str)),
                json!(new.loc.map(Location::as_str)),
            );
        }
        if o.deprecated != n.deprecated {
            push(
                self,
                What::DeprecatedChanged,
                json!(o.deprecated),
                json!(n.deprecated),
            );
        }
        if o.description != n.description {
            push(
                self,
                What::DescriptionChanged,
                json!(o.description),
                json!(n.description),
            );
        }
        if !same_shape(&o.ty, &n.ty) {
            // Members, bounds and values of a different type are not comparable.
            push(
                self,
                What::TypeChanged,
                json!(o.ty.to_string()),
                json!(n.ty.to_string()),
            );
            return;
        }
        if scope == Scope::Request {
            if o.encoding != n.encoding {
                push(
                    self,
                    What::EncodingChanged,
                    serde_json::to_value(o.encoding).unwrap_or_default(),
                    serde_json::to_value(n.encoding).unwrap_or_default(),
                );
            }
            if o.default != n.default {
                push(
                    self,
                    What::DefaultChanged,
                    o.default.clone().unwrap_or_default(),
                    n.default.clone().unwrap_or_default(),
                );
            }
        }
        // Enumerations: a list appearing or vanishing is a bound; otherwise per value.
        let ov: Vec<String> = o.enum_values.iter().map(|e| e.value.clone()).collect();
        let nv: Vec<String> = n.enum_values.iter().map(|e| e.value.clone()).collect();
        match (ov.is_empty(), nv.is_empty()) {
            _ if ov == nv => {}
            (true, true) => {}
            (true, false) | (false, true) => push(
                self,
                What::ConstraintChanged("enum"),
                if ov.is_empty() {
                    Value::Null
                } else {
                    json!(ov)
                },
                if nv.is_empty() {
                    Value::Null
                } else {
                    json!(nv)
                },
            ),
            (false, false) => {
                for v in set_minus(&nv, &ov) {
                    push(self, What::EnumValueAdded, Value::Null, json!(v));
                }
                for v in set_minus(&ov, &nv) {
                    push(self, What::EnumValueRemoved, json!(v), Value::Null);
                }
            }
        }
        let (oc, nc) = (&o.constraints, &n.constraints);
        let ints = [
            ("min_length", oc.min_length, nc.min_length),
            ("max_length", oc.max_length, nc.max_length),
            ("min_items", oc.min_items, nc.min_items),
            ("max_items", oc.max_items, nc.max_items),
        ];
        for (name, a, b) in ints {
            if a != b {
                push(self, What::ConstraintChanged(name), json!(a), json!(b));
            }
        }
        for (name, a, b) in [
            ("minimum", oc.minimum, nc.minimum),
            ("maximum", oc.maximum, nc.maximum),
        ] {
            if a != b {
                push(self, What::ConstraintChanged(name), json!(a), json!(b));
            }
        }
        if scope == Scope::Request && oc.pattern != nc.pattern {
            push(
                self,
                What::PatternChanged,
                json!(oc.pattern),
                json!(nc.pattern),
            );
        }
        let child = format!("{path}{}", container_suffix(&n.ty));
        let om: Vec<Item> = Self::members(self.old_types, o)
            .iter()
            .map(Item::of)
            .collect();
        let nm: Vec<Item> = Self::members(self.new_types, n)
            .iter()
            .map(Item::of)
            .collect();
        if !om.is_empty() || !nm.is_empty() {
            self.list(scope, &child, om, nm, depth + 1, None);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_identity_ignores_parameter_names_and_query() {
        assert_eq!(
            normalize_path("/v2/{project_id}/instances/{instance_id}"),
            normalize_path("/v2/{pid}/instances/{id}")
        );
        assert_eq!(
            normalize_path("/v1.0/{project_id}/instances?engine={engine}"),
            "/v1.0/{}/instances"
        );
        assert_eq!(
            normalize_path("/v2/ {project_id}/ instances/"),
            "/v2/{}/instances"
        );
        assert_eq!(
            path_param_names("/v2/{a}/x/{ b }?q={c}"),
            vec!["a".to_string(), "b".to_string()]
        );
        // Unbalanced braces do not panic.
        assert_eq!(path_param_names("/v2/{a"), Vec::<String>::new());
        assert_eq!(normalize_path("/v2/{a"), "/v2/{}");
    }

    #[test]
    fn field_names_share_words() {
        assert_eq!(shared_words("connect_addresses", "connect_address"), 2);
        assert_eq!(shared_words("partitionNum", "partition_num"), 2);
        assert_eq!(shared_words("specification", "engine"), 0);
        assert_eq!(shared_words("实例_名称", "实例"), 1);
        assert_eq!(shared_words("topics", "topic"), 1);
    }

    #[test]
    fn shapes_ignore_type_names() {
        assert_eq!(
            shape(&TypeExpr::array(TypeExpr::Named("A".into()))),
            shape(&TypeExpr::array(TypeExpr::Object))
        );
        assert_ne!(shape(&TypeExpr::Integer), shape(&TypeExpr::Long));
        let types = [
            TypeExpr::String,
            TypeExpr::Object,
            TypeExpr::Any,
            TypeExpr::Named("A".into()),
            TypeExpr::Named("B".into()),
            TypeExpr::array(TypeExpr::Named("A".into())),
            TypeExpr::array(TypeExpr::Object),
            TypeExpr::map(TypeExpr::Named("A".into())),
            TypeExpr::array(TypeExpr::String),
        ];
        for a in &types {
            for b in &types {
                assert_eq!(same_shape(a, b), shape(a) == shape(b), "{a} vs {b}");
            }
        }
    }
}
