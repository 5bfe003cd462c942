//! The Huawei REST front door with a small hand-written service, driven by the runtime's own
//! client (AK/SK signatures) and by raw HTTP requests: routing, path/query/header parameters,
//! JSON and multipart bodies, status codes, vendor errors, body limits, panics, signatures.

mod server_common;

use apigen_runtime::clock::UtcTime;
use apigen_runtime::rest::{ArrayStyle, Multipart, RestRequest as Call};
use apigen_runtime::server::{
    spawn_test_server, ApiError, RestRequest, RestResponse, RestService, Verifier,
};
use apigen_runtime::SignatureScheme;
use serde::Deserialize;
use serde_json::{json, Value};
use server_common::*;

#[derive(Debug, Deserialize)]
struct CreateBody {
    name: String,
    partition_num: i32,
    #[serde(default)]
    tags: Vec<Value>,
}

fn service() -> RestService {
    RestService::new("DMS")
        .route(
            "GET",
            "/v2/{project_id}/instances/{instance_id}",
            "ShowInstance",
            200,
            |r: RestRequest| async move {
                let project: String = r.path_param("project_id")?;
                let id: String = r.path_param("instance_id")?;
                let limit: Option<i32> = r.query("limit")?;
                let ids: Vec<String> = r.query_list("ids")?;
                let lang: Option<String> = r.header("X-Language")?;
                Ok(
                    json!({"project": project, "id": id, "limit": limit, "ids": ids, "lang": lang})
                        .into(),
                )
            },
        )
        .route(
            "GET",
            "/v2/{project_id}/instances/count",
            "CountInstances",
            200,
            |_r: RestRequest| async move { Ok(json!({"count": 3}).into()) },
        )
        .route(
            "POST",
            "/v2/{project_id}/instances",
            "CreateInstance",
            200,
            |r: RestRequest| async move {
                let b: CreateBody = r.body()?;
                if b.partition_num < 1 {
                    return Err(ApiError::invalid_parameter(
                        "partition_num",
                        "must be at least 1",
                    ));
                }
                Ok(RestResponse::json(
                    201,
                    json!({"instance_id": format!("{}-1", b.name), "tags": b.tags.len()}),
                ))
            },
        )
        .route(
            "DELETE",
            "/v2/{project_id}/instances/{instance_id}",
            "DeleteInstance",
            204,
            |_r: RestRequest| async move { Ok(RestResponse::default()) },
        )
        .route(
            "POST",
            "/v2/{project_id}/instances/{instance_id}/action?action=restart",
            "RestartInstance",
            200,
            |r: RestRequest| async move {
                Ok(json!({"restarted": r.path_param::<String>("instance_id")?}).into())
            },
        )
        .route(
            "POST",
            "/v2/{project_id}/instances/{instance_id}/action",
            "OtherAction",
            200,
            |_r: RestRequest| async move { Ok(json!({"other": true}).into()) },
        )
        .route(
            "POST",
            "/v2/{project_id}/files",
            "UploadFile",
            200,
            |r: RestRequest| async move {
                let f = r.file("file")?;
                let desc = r
                    .part("desc")
                    .map(|p| String::from_utf8_lossy(&p.data).into_owned());
                Ok(json!({"filename": f.filename, "size": f.data.len(), "desc": desc}).into())
            },
        )
        .route(
            "GET",
            "/v2/{project_id}/boom",
            "Boom",
            200,
            |_r: RestRequest| async move {
                if fastrand::u8(..) < 255 {
                    panic!("handler bug");
                }
                Ok(json!({}).into())
            },
        )
        .body_limit(64 * 1024)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn routes_parameters_bodies_and_statuses() {
    let s = spawn_test_server(service().into_router()).await.unwrap();
    let u = &s.base_url;
    let a = raw(
        "GET",
        &format!("{u}/v2/p1/instances/a%20b?limit=5&ids=x&ids=y,z"),
        &[("X-Language", "en-us")],
        Vec::<u8>::new(),
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.text);
    assert_eq!(
        a.json(),
        json!({"project": "p1", "id": "a b", "limit": 5, "ids": ["x", "y", "z"], "lang": "en-us"})
    );
    let rid = a.header("x-request-id").unwrap();
    assert_eq!(rid.len(), 32);
    // A literal segment wins over a placeholder, whatever the registration order.
    assert_eq!(
        get(&format!("{u}/v2/p1/instances/count")).await.json()["count"],
        3
    );
    // Fixed query parameters select the route.
    let a = raw(
        "POST",
        &format!("{u}/v2/p1/instances/i1/action?action=restart"),
        &[],
        "",
    )
    .await;
    assert_eq!(a.json()["restarted"], "i1", "{}", a.text);
    let a = raw(
        "POST",
        &format!("{u}/v2/p1/instances/i1/action?action=stop"),
        &[],
        "",
    )
    .await;
    assert_eq!(a.json()["other"], true, "{}", a.text);

    let a = raw(
        "POST",
        &format!("{u}/v2/p1/instances"),
        &[("content-type", "application/json")],
        r#"{"name":"k","partition_num":3,"tags":[{"key":"a"}]}"#,
    )
    .await;
    assert_eq!(a.status, 201, "{}", a.text);
    assert_eq!(a.json(), json!({"instance_id": "k-1", "tags": 1}));

    let a = raw("DELETE", &format!("{u}/v2/p1/instances/i1"), &[], "").await;
    assert_eq!((a.status, a.text.as_str()), (204, ""));

    let (ct, body) = Multipart::new()
        .text("desc", "hello")
        .file("file", "a.txt", "text/plain", vec![7u8; 3000])
        .encode();
    let a = raw(
        "POST",
        &format!("{u}/v2/p1/files"),
        &[("content-type", &ct)],
        body,
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.text);
    assert_eq!(
        a.json(),
        json!({"filename": "a.txt", "size": 3000, "desc": "hello"})
    );
    s.shutdown().await.unwrap();
}

/// Method, URL, headers, body, expected status and code.
type Case<'a> = (
    &'a str,
    String,
    &'a [(&'a str, &'a str)],
    &'a str,
    u16,
    &'a str,
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn client_faults_get_huawei_error_bodies_and_never_5xx() {
    let s = spawn_test_server(service().into_router()).await.unwrap();
    let u = &s.base_url;
    let json_ct = [("content-type", "application/json")];
    let cases: Vec<Case> = vec![
        (
            "GET",
            format!("{u}/v2/p1/nothing"),
            &[],
            "",
            404,
            "APIGW.0101",
        ),
        (
            "PATCH",
            format!("{u}/v2/p1/instances/i1"),
            &[],
            "",
            404,
            "APIGW.0101",
        ),
        (
            "GET",
            format!("{u}/v2/p1/instances/i1?limit=many"),
            &[],
            "",
            400,
            "DMS.00400000",
        ),
        (
            "POST",
            format!("{u}/v2/p1/instances"),
            &json_ct,
            "{\"name\": ",
            400,
            "DMS.00400001",
        ),
        (
            "POST",
            format!("{u}/v2/p1/instances"),
            &json_ct,
            "[1,2]",
            400,
            "DMS.00400001",
        ),
        (
            "POST",
            format!("{u}/v2/p1/instances"),
            &json_ct,
            r#"{"name":"k","partition_num":"x"}"#,
            400,
            "DMS.00400001",
        ),
        (
            "POST",
            format!("{u}/v2/p1/instances"),
            &json_ct,
            r#"{"name":"k","partition_num":0}"#,
            400,
            "DMS.00400000",
        ),
        (
            "POST",
            format!("{u}/v2/p1/instances"),
            &json_ct,
            "",
            400,
            "DMS.00400000",
        ),
        (
            "POST",
            format!("{u}/v2/p1/files"),
            &[("content-type", "multipart/form-data; boundary=X")],
            "--X\r\nbroken",
            400,
            "DMS.00400001",
        ),
        (
            "POST",
            format!("{u}/v2/p1/files"),
            &[("content-type", "multipart/form-data")],
            "",
            400,
            "DMS.00400001",
        ),
    ];
    for (method, url, headers, body, status, code) in cases {
        let a = raw(method, &url, headers, body.to_owned()).await;
        assert_huawei_error(&a, status, code);
    }
    let big = format!(
        "{{\"name\":\"{}\",\"partition_num\":1}}",
        "x".repeat(100_000)
    );
    let a = raw("POST", &format!("{u}/v2/p1/instances"), &json_ct, big).await;
    assert_huawei_error(&a, 413, "APIGW.0201");
    let (status, text) = chunked_post(s.addr, "/v2/p1/instances", 40 * 4096).await;
    assert_eq!(status, 413, "{text}");

    let a = get(&format!("{u}/v2/p1/boom")).await;
    assert_huawei_error(&a, 500, "DMS.00500000");
    assert_eq!(get(&format!("{u}/v2/p1/instances/count")).await.status, 200);
    s.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn aksk_signatures_are_verified_when_credentials_are_configured() {
    let svc = service().verifier(Some(Verifier::new("ak", "sk")));
    let s = spawn_test_server(svc.into_router()).await.unwrap();
    let u = s.base_url.clone();
    let c = client(&u, SignatureScheme::HuaweiAkSk, "sk");
    let v: Value = c
        .send_json(
            Call::new(
                "ShowInstance",
                "GET",
                "/v2/{project_id}/instances/{instance_id}",
            )
            .path("project_id", "p1")
            .path("instance_id", "a/b")
            .query_array("ids", ["x", "y z"], ArrayStyle::Repeat)
            .into_prepared()
            .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(v["id"], "a/b");
    assert_eq!(v["ids"], json!(["x", "y z"]));
    let v: Value = c
        .send_json(
            Call::new("CreateInstance", "POST", "/v2/{project_id}/instances")
                .path("project_id", "p1")
                .json(&json!({"name": "n", "partition_num": 1}))
                .unwrap()
                .into_prepared()
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(v["instance_id"], "n-1");
    let up = Call::new("UploadFile", "POST", "/v2/{project_id}/files")
        .path("project_id", "p1")
        .multipart(Multipart::new().file(
            "file",
            "f.bin",
            "application/octet-stream",
            vec![1u8; 10],
        ))
        .into_prepared()
        .unwrap();
    let v: Value = c.send_json(up).await.unwrap();
    assert_eq!(v["size"], 10);

    let bad = client(&u, SignatureScheme::HuaweiAkSk, "wrong");
    let req = Call::new(
        "ShowInstance",
        "GET",
        "/v2/{project_id}/instances/{instance_id}",
    )
    .path("project_id", "p1")
    .path("instance_id", "i1")
    .into_prepared()
    .unwrap();
    let e = bad.send(req.clone()).await.unwrap_err();
    let se = e.as_service().expect("service error");
    assert_eq!((se.status, se.code.as_deref()), (401, Some("APIGW.0301")));

    let (signed, first) = send_signed(
        &u,
        req.clone(),
        SignatureScheme::HuaweiAkSk,
        "sk",
        now(),
        "",
    )
    .await;
    assert_eq!(first.status, 200, "{}", first.text);
    // SDK-HMAC-SHA256 has no nonce: the identical signed request again (an SDK retry, a poll
    // within the same second) is accepted, as by the vendor's gateway.
    let again = send_prepared(&u, &signed).await;
    assert_eq!(again.status, 200, "{}", again.text);
    let old = UtcTime(now().0 - 3600);
    let (_, stale) = send_signed(&u, req.clone(), SignatureScheme::HuaweiAkSk, "sk", old, "").await;
    assert_huawei_error(&stale, 401, "APIGW.0301");
    assert!(
        stale.json()["error_msg"]
            .as_str()
            .unwrap()
            .contains("expired"),
        "{}",
        stale.text
    );
    assert_huawei_error(
        &get(&format!("{u}/v2/p1/instances/i1")).await,
        401,
        "APIGW.0301",
    );
    s.shutdown().await.unwrap();
}
