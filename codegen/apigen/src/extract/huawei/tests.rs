//! Tests of the Huawei extractor on small inline fragments.

use super::extract;
use crate::extract::tables::Document;
use crate::extract::{Diagnostics, DocKind};
use crate::spec::model::{Location, Spec, TypeExpr};

fn run(text: &str) -> (Spec, Diagnostics) {
    let doc = Document::new(text);
    let mut d = Diagnostics::default();
    let spec = extract(&doc, DocKind::DmsKafka, &mut d);
    (spec, d)
}

/// A two-operation DMS-style fragment: V1 (type before mandatory, path+query in one table)
/// and V2 (mandatory before type), both with a nested `results` table of different fields.
const FRAGMENT: &str = "目录\n\n5.1.1 查询实例\t1\n7.1.1.6 查询所有实例列表\t2\n\n\
5.1.1 查询实例\n\n功能介绍\n\n查询实例。\n\nURI\n\nGET /v2/{project_id}/instances/{instance_id}\n\n\
表 5-1 路径参数\n\n参数\t是否必选\t参数类型\t描述\nproject_id\t是\tString\t项目ID。\ninstance_id\t是\tString\t实例ID。\n\n\
响应参数\n\n状态码： 200\n\n表 5-2 响应 Body 参数\n\n参数\t参数类型\t描述\nresults\tArray of results objects\t结果。\n\n\
表 5-3 results\n\n参数\t参数类型\t描述\nname\tString\t名称。\nsize\tInteger\t大小。\n\n\
响应示例\n\n状态码： 200\n\n成功。\n\n```\n{\"results\": [{\"name\": \"a\", \"size\": 1}]}\n```\n\n\
状态码\n\n状态码\t描述\n200\t成功。\n\n\
7.1.1.6 查询所有实例列表\n\n说明\n\n当前页面API为历史版本API，未来可能停止维护。请使用[查询实例](#)。\n\n功能介绍\n\n查询。\n\nURI\n\n\
GET /v1.0/{project_id}/instances?\nengine={engine}&name={name}\n\n表 7-19 参数说明\n\n参数\t类型\t必选\t说明\n\
project_id\tString\t是\t项目ID。\nengine\tString\t否\t引擎。\nname\tString\t否\t名称。\n\n\
响应消息\n\n响应参数\n\n表 7-20 参数说明\n\n参数\t类型\t说明\nresults\tArray\t列表。\n\n\
表 7-21 results 参数说明\n\n参数\t类型\t说明\nid\tString\tID。\n\n状态码\n\n表 7-22 状态码\n\n状态码\t描述\n200\t查询成功。\n";

#[test]
fn columns_by_header_text_in_both_orders_and_v1_path_query_split() {
    let (spec, _) = run(FRAGMENT);
    assert_eq!(spec.operations.len(), 2);
    let v1 = &spec.operations[1];
    let loc = |n: &str| {
        v1.parameters
            .iter()
            .find(|f| f.name == n)
            .and_then(|f| f.location)
    };
    assert_eq!(loc("project_id"), Some(Location::Path));
    assert_eq!(loc("engine"), Some(Location::Query));
    assert_eq!(loc("name"), Some(Location::Query));
    // V1 order `参数 类型 必选 说明`: the type column is the second one.
    let p = v1
        .parameters
        .iter()
        .find(|f| f.name == "project_id")
        .unwrap();
    assert_eq!(p.ty, TypeExpr::String);
    assert!(p.required);
    assert_eq!(v1.path, "/v1.0/{project_id}/instances");
}

#[test]
fn nested_types_are_per_operation() {
    let (spec, _) = run(FRAGMENT);
    let v2 = &spec.operations[0].types["results"];
    let v1 = &spec.operations[1].types["results"];
    assert_eq!(
        v2.fields
            .iter()
            .map(|f| f.name.as_str())
            .collect::<Vec<_>>(),
        ["name", "size"]
    );
    assert_eq!(
        v1.fields
            .iter()
            .map(|f| f.name.as_str())
            .collect::<Vec<_>>(),
        ["id"]
    );
    let body = spec.operations[1].responses[0].body.as_ref().unwrap();
    assert_eq!(body.fields[0].ty.to_string(), "array<results>");
}

#[test]
fn ids_deprecation_and_replacement() {
    let (spec, _) = run(FRAGMENT);
    assert_eq!(spec.operations[0].id, "ShowInstance");
    assert_eq!(spec.operations[1].id, "ListInstancesV1");
    assert!(spec.operations[1].deprecated);
    assert_eq!(
        spec.operations[1].replaced_by.as_deref(),
        Some("ShowInstance")
    );
    assert_eq!(spec.operations[0].version.as_deref(), Some("v2"));
}

#[test]
fn status_markers_and_examples() {
    let (spec, _) = run(FRAGMENT);
    let r = &spec.operations[0].responses;
    assert_eq!(r.len(), 1);
    assert_eq!(r[0].status, 200);
    assert_eq!(r[0].description, "成功。");
    assert_eq!(r[0].examples[0].title, "成功。");
    assert!(r[0].examples[0].json.is_some());
}

const CSE: &str = "Contents\n\n5.2.1 Listing Things\t1\n5.2.2 Deleting a Thing\t2\n\n\
5.2.1 Listing Things\n\nURI\n\nGET /v3/{project_id}/things\n\nTable 5-1 Path parameter\n\n\
Parameter\tMandatory\tType\tDescription\nproject_id\tYes\tString\tProject.\n\n\
Response\n\nStatus code: 200\n\nTable 5-2 Response body parameter\n\nParameter\tType\tDescription\n\
<i>[Array]</i>\tArray of Thing objects\tThings.\n\nTable 5-3 Thing\n\nParameter\tType\tDescription\nid\tString\tID.\n\n\
Status Code\n\nStatus Code\tDescription\n200\tOK\n400\tBad Request\n\n\
5.2.2 Deleting a Thing\n\nURI\n\nDELETE /v3/{project_id}/things/{thing_id}\n\nTable 5-4 Path parameter\n\n\
Parameter\tMandatory\tType\tDescription\nproject_id\tYes\tString\tProject.\n\n\
Table 5-7 Request header parameters\n\nParameter\tMandatory\tType\tDescription\nX-Auth-Token\tYes\tString\tToken.\n\n\
Parameter\tType\tDescription\nstatus\tString\tLost row.\n";

#[test]
fn top_level_array_and_status_table() {
    let (spec, _) = run(CSE);
    let op = &spec.operations[0];
    assert_eq!(op.id, "ListThings");
    let r = &op.responses;
    assert_eq!(r.iter().map(|r| r.status).collect::<Vec<_>>(), [200, 400]);
    let b = r[0].body.as_ref().unwrap();
    assert_eq!(b.ty.to_string(), "array<Thing>");
    assert!(b.fields.is_empty());
    assert!(r[1].body.is_none());
}

#[test]
fn lost_pages_are_reported() {
    let (_, d) = run(CSE);
    let msgs: Vec<String> = d.items.iter().map(|i| i.to_string()).collect();
    assert!(
        msgs.iter().any(|m| m.contains("jumps from 5-4 to 5-7")),
        "{msgs:?}"
    );
    assert!(msgs.iter().any(|m| m.contains("no caption")), "{msgs:?}");
    assert!(
        msgs.iter().any(|m| m.contains("`{thing_id}` has no row")),
        "{msgs:?}"
    );
}

#[test]
fn garbage_does_not_panic() {
    let (spec, d) = run("5.1 标题\t\nURI\n\n获取 /x\n表 -\n\t\t\n```\n{\n");
    assert!(spec.operations.is_empty());
    assert!(!d.items.is_empty());
}

#[test]
fn snapshot_v1_operation() {
    let (spec, _) = run(FRAGMENT);
    insta::assert_yaml_snapshot!(spec.operations[1]);
}

#[test]
fn snapshot_v2_operation() {
    let (spec, _) = run(FRAGMENT);
    insta::assert_yaml_snapshot!(spec.operations[0]);
}

#[test]
fn snapshot_top_level_array_operation() {
    let (spec, _) = run(CSE);
    insta::assert_yaml_snapshot!(spec.operations[0]);
}

/// CSE 7.3.x: a "Restrictions" subsection after the function text is its own field, not
/// part of the description; "None" means there are none.
#[test]
fn restrictions_are_not_description() {
    let section = |n: u32, restr: &str| {
        format!(
            "5.1.{n} Op {n}\n\nFunction\n\nThis API is used to do {n}.\n\nRestrictions\n\n{restr}\n\n\
             URI\n\nGET /v4/{{project_id}}/r{n}\n\n表 5-{n} 路径参数\n\n参数\t是否必选\t参数类型\t描述\n\
             project_id\t是\tString\t项目ID。\n\n响应参数\n\n状态码： 200\n\n状态码\n\n状态码\t描述\n200\t成功。\n\n"
        )
    };
    let text = format!(
        "目录\n\n5.1.1 Op 1\t1\n5.1.2 Op 2\t2\n\n{}{}",
        section(1, "The TESTING state is supported only in version 2.3.X."),
        section(2, "None")
    );
    let (spec, _) = run(&text);
    assert_eq!(spec.operations.len(), 2);
    assert_eq!(spec.operations[0].description, "This API is used to do 1.");
    assert_eq!(
        spec.operations[0].restrictions,
        "The TESTING state is supported only in version 2.3.X."
    );
    assert_eq!(spec.operations[1].description, "This API is used to do 2.");
    assert_eq!(spec.operations[1].restrictions, "");
}

/// DMS §3.2 prints its auth labels with a space (`Token 认证`, `AK/SK 认证`); CSE writes
/// them in English. Both give the token and AK/SK schemes.
#[test]
fn auth_labels_with_and_without_spaces() {
    use crate::spec::model::AuthScheme;
    for (text, token, aksk) in [
        ("3.2 认证鉴权\n\n调用接口有如下两种认证方式。\n\nToken 认证\n\n说明\n\nAK/SK 认证\n\n说明\n", 5, 9),
        ("3.2 Authentication\n\nToken-based Authentication\n\ntext\n\nAK/SK-based Authentication\n\ntext\n", 3, 7),
    ] {
        let doc = Document::new(text);
        let headings = super::outline::headings(&doc);
        let auth = super::service::auth(&doc, &headings);
        assert!(
            matches!(
                auth.as_slice(),
                [AuthScheme::HuaweiToken { section: Some(t) }, AuthScheme::HuaweiAkSk { section: Some(a) }]
                    if t.line == token && a.line == aksk
            ),
            "{text}: {auth:?}"
        );
    }
}

/// A revision's DMS operation: the request body's `partitions` has its own table; the
/// response's `partitions` (`Array of objects`) has none. The response field must not take
/// the request-side table (its members are paths the document never states).
#[test]
fn a_response_field_never_takes_a_request_table() {
    let text = "目录\n\n5.1.1 修改分区\t1\n\n\
5.1.1 修改分区\n\n功能介绍\n\n修改分区。\n\nURI\n\nPOST /v2/{project_id}/topics\n\n\
表 5-1 路径参数\n\n参数\t是否必选\t参数类型\t描述\nproject_id\t是\tString\t项目ID。\n\n\
请求参数\n\n表 5-2 请求Body参数\n\n参数\t是否必选\t参数类型\t描述\npartitions\t是\tArray of partitions objects\t分区。\n\n\
表 5-3 partitions\n\n参数\t是否必选\t参数类型\t描述\npartition\t是\tInteger\t分区号。\nreplicas\t是\tArray of integers\t副本。\n\n\
响应参数\n\n状态码： 200\n\n表 5-4 响应 Body 参数\n\n参数\t参数类型\t描述\npartitions\tArray of objects\t分区。\n\n\
状态码\n\n状态码\t描述\n200\t成功。\n";
    let (spec, _) = run(text);
    assert_eq!(spec.operations.len(), 1);
    let op = &spec.operations[0];
    let req = &op.body.as_ref().unwrap().fields[0];
    assert_eq!(req.ty.to_string(), "array<partitions>");
    let resp = &op.responses[0].body.as_ref().unwrap().fields[0];
    assert_eq!(resp.name, "partitions");
    assert!(
        !matches!(resp.ty.element(), TypeExpr::Named(_)) && resp.fields.is_empty(),
        "response `partitions` took a request table: {:?}",
        resp.ty
    );
}
