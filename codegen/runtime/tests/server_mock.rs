//! Mock support: recording, per-operation overrides (fixed answer, vendor error, closure, delay,
//! seeded failure rate) around RPC and REST services, and generated default answers.

mod server_common;

use std::time::{Duration, Instant};

use apigen_runtime::mock::{generate, Mock};
use apigen_runtime::server::{
    spawn_test_server, ApiError, RestRequest, RestResponse, RestService, RpcRequest, RpcService,
};
use serde_json::{json, Value};
use server_common::*;

const V: &str = "2019-09-16";

fn rpc_mock(mock: &Mock) -> RpcService {
    let schema = json!({"type": "object", "properties": {
        "Total": {"type": "integer", "minimum": 1, "maximum": 9},
        "Topics": {"type": "array", "items": {"type": "object", "properties": {"Name": {"type": "string"}}}}
    }});
    let svc = RpcService::new(V)
        .handler("GetInstanceList", |_r: RpcRequest| async move {
            Ok(json!({"Success": true, "InstanceList": {"InstanceVO": [{"InstanceId": "alikafka-1"}]}}))
        })
        .handler("GetTopicList", move |_r: RpcRequest| {
            let v = generate(&schema, 42);
            async move { Ok(v) }
        });
    mock.wrap_rpc(svc)
}

fn url(base: &str, action: &str, extra: &str) -> String {
    format!("{base}/?Action={action}&Version={V}{extra}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn records_requests_and_applies_overrides() {
    let mock = Mock::new(1);
    let s = spawn_test_server(rpc_mock(&mock).into_router())
        .await
        .unwrap();
    let u = &s.base_url;

    let a = get(&url(u, "GetInstanceList", "&RegionId=cn-hangzhou")).await;
    assert_eq!(
        a.json()["InstanceList"]["InstanceVO"][0]["InstanceId"],
        "alikafka-1"
    );
    let rec = mock.last("GetInstanceList").unwrap();
    assert_eq!(rec.param("RegionId"), Some("cn-hangzhou"));
    assert_eq!(rec.method, "GET");
    assert_eq!(
        Some(rec.request_id.as_str()),
        a.json()["RequestId"].as_str()
    );
    assert_eq!(mock.count("GetInstanceList"), 1);

    // Generated default answers are deterministic.
    let g1 = get(&url(u, "GetTopicList", "")).await.json();
    let g2 = get(&url(u, "GetTopicList", "")).await.json();
    assert_eq!(g1["Total"], g2["Total"]);
    assert!(g1["Topics"][0]["Name"].is_string());

    mock.respond("GetInstanceList", json!({"Success": false}));
    assert_eq!(
        get(&url(u, "GetInstanceList", "")).await.json()["Success"],
        false
    );

    mock.fail(
        "GetInstanceList",
        ApiError::service(403, "Forbidden.Instance", "no"),
    );
    assert_alibaba_error(
        &get(&url(u, "GetInstanceList", "")).await,
        403,
        "Forbidden.Instance",
    );

    mock.with("GetInstanceList", |r| {
        Ok(json!({"Echo": r.param("RegionId").unwrap_or("none")}))
    });
    assert_eq!(
        get(&url(u, "GetInstanceList", "&RegionId=x")).await.json()["Echo"],
        "x"
    );

    mock.reset("GetInstanceList");
    mock.delay("GetInstanceList", Duration::from_millis(200));
    let t = Instant::now();
    assert_eq!(get(&url(u, "GetInstanceList", "")).await.status, 200);
    assert!(t.elapsed() >= Duration::from_millis(200));

    assert_eq!(mock.requests().len(), 7);
    assert_eq!(mock.requests_of("GetTopicList").len(), 2);
    mock.reset_all();
    assert!(mock.requests().is_empty());
    s.shutdown().await.unwrap();
}

async fn failure_pattern(seed: u64) -> Vec<u16> {
    let mock = Mock::new(seed);
    mock.failure_rate("GetInstanceList", 0.5, ApiError::throttling());
    let s = spawn_test_server(rpc_mock(&mock).into_router())
        .await
        .unwrap();
    let mut out = Vec::new();
    for _ in 0..24 {
        out.push(get(&url(&s.base_url, "GetInstanceList", "")).await.status);
    }
    s.shutdown().await.unwrap();
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failure_rate_is_seeded_and_deterministic() {
    let a = failure_pattern(7).await;
    assert_eq!(a, failure_pattern(7).await);
    assert!(a.contains(&200) && a.contains(&400), "{a:?}");
    assert_ne!(a, failure_pattern(8).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rest_overrides_keep_the_route_status() {
    let mock = Mock::new(0);
    let svc = RestService::new("CSE").route(
        "POST",
        "/v1/{project_id}/engines",
        "CreateEngine",
        201,
        |r: RestRequest| async move {
            let name: String = r.body::<Value>()?["name"]
                .as_str()
                .unwrap_or("e")
                .to_owned();
            Ok(RestResponse::json(202, json!({"id": name})))
        },
    );
    let s = spawn_test_server(mock.wrap_rest(svc).into_router())
        .await
        .unwrap();
    let u = format!("{}/v1/p/engines?x=1", s.base_url);
    let a = raw(
        "POST",
        &u,
        &[("content-type", "application/json")],
        r#"{"name":"n"}"#,
    )
    .await;
    assert_eq!((a.status, a.json()), (202, json!({"id": "n"})));
    let rec = mock.last("CreateEngine").unwrap();
    assert_eq!(rec.body, Some(json!({"name": "n"})));
    assert_eq!(
        rec.params,
        vec![
            ("project_id".to_owned(), "p".to_owned()),
            ("x".to_owned(), "1".to_owned())
        ]
    );

    mock.respond("CreateEngine", json!({"id": "fixed"}));
    let a = raw("POST", &u, &[("content-type", "application/json")], "{}").await;
    assert_eq!((a.status, a.json()), (201, json!({"id": "fixed"})));
    mock.fail(
        "CreateEngine",
        ApiError::service(409, "SVCSTG.00409001", "exists"),
    );
    let a = raw("POST", &u, &[("content-type", "application/json")], "{}").await;
    assert_huawei_error(&a, 409, "SVCSTG.00409001");
    s.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admin_routes_list_and_reset_records() {
    let mock = Mock::new(0);
    let router = rpc_mock(&mock).into_router().merge(mock.admin_router());
    let s = spawn_test_server(router).await.unwrap();
    let u = &s.base_url;
    assert_eq!(
        get(&url(u, "GetInstanceList", "&Tag.1.Key=k")).await.status,
        200
    );
    let list = get(&format!("{u}/_apigen/requests")).await.json();
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["operation"], "GetInstanceList");
    assert!(list[0]["params"]
        .as_array()
        .unwrap()
        .contains(&json!(["Tag.1.Key", "k"])));
    assert!(list[0]["time"].as_u64().unwrap() > 1_600_000_000_000);
    // Vendor routing is untouched by the merge.
    assert_alibaba_error(
        &get(&format!("{u}/_apigen/other")).await,
        404,
        "InvalidApi.NotFound",
    );
    let a = raw("POST", &format!("{u}/_apigen/reset"), &[], "").await;
    assert_eq!(a.status, 200);
    assert!(mock.requests().is_empty());
    s.shutdown().await.unwrap();
}
