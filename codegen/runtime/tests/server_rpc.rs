//! The Alibaba RPC front door with a small hand-written service, driven by the runtime's own
//! client (v1 and V3 signatures) and by raw HTTP requests: dispatch, version and action checks,
//! typed parameters, repeat lists, XML, body limits, panics, signatures, graceful shutdown.

mod server_common;

use std::time::Duration;

use apigen_runtime::clock::UtcTime;
use apigen_runtime::rpc::RpcRequest as Call;
use apigen_runtime::server::{spawn_test_server, ApiError, RpcRequest, RpcService, Verifier};
use apigen_runtime::{Error, SignatureScheme};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use server_common::*;

/// How many `Slow` calls have reached their handler (the graceful-shutdown test waits on it).
static SLOW_STARTED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

const VERSION: &str = "2019-09-16";

#[derive(Debug, Serialize, Deserialize, PartialEq)]
struct Tag {
    #[serde(rename = "Key")]
    key: String,
    #[serde(rename = "Value", default)]
    value: Option<String>,
}

fn service() -> RpcService {
    RpcService::new(VERSION)
        .handler("GetInstance", |r: RpcRequest| async move {
            let id: String = r.required("InstanceId")?;
            let size: Option<i32> = r.optional("PageSize")?;
            let enabled: Option<bool> = r.optional("Enabled")?;
            Ok(json!({"InstanceId": id, "PageSize": size, "Enabled": enabled, "Method": r.method}))
        })
        .handler("TagResources", |r: RpcRequest| async move {
            let ids: Vec<String> = r.list("ResourceId")?;
            let tags: Vec<Tag> = r.flat("Tag")?.unwrap_or_default();
            Ok(json!({"ResourceIds": ids, "Tags": tags}))
        })
        .handler("CreateTopic", |r: RpcRequest| async move {
            let config: Option<Value> = r.json("Config")?;
            Ok(json!({"Config": config, "Signer": r.verified.map(|v| v.access_key_id)}))
        })
        .handler("DescribeRegions", |_r: RpcRequest| async move {
            Ok(json!({"Regions": {"Region": [{"RegionId": "cn-hangzhou"}, {"RegionId": "cn-beijing"}]}}))
        })
        .handler("Slow", |_r: RpcRequest| async move {
            SLOW_STARTED.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            tokio::time::sleep(Duration::from_millis(300)).await;
            Ok(json!({"Done": true}))
        })
        .handler("Boom", |_r: RpcRequest| async move {
            if fastrand::u8(..) < 255 {
                panic!("handler bug");
            }
            Ok(json!({}))
        })
        .handler("Refuse", |_r: RpcRequest| async move {
            Err(ApiError::service(403, "Forbidden.RAM", "not allowed"))
        })
        .body_limit(64 * 1024)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dispatches_by_action_from_query_form_headers_and_rpc_route() {
    let s = spawn_test_server(service().into_router()).await.unwrap();
    let u = &s.base_url;

    let a = get(&format!(
        "{u}/?Action=GetInstance&Version={VERSION}&InstanceId=i-1&PageSize=5"
    ))
    .await;
    assert_eq!(a.status, 200, "{}", a.text);
    let v = a.json();
    assert_eq!(
        (v["InstanceId"].as_str(), v["PageSize"].as_i64()),
        (Some("i-1"), Some(5))
    );
    // RequestId comes first and matches the header.
    assert_eq!(v.as_object().unwrap().keys().next().unwrap(), "RequestId");
    assert_eq!(a.header("x-acs-request-id"), v["RequestId"].as_str());

    let a = post_form(
        &format!("{u}/"),
        &format!("Action=GetInstance&Version={VERSION}&InstanceId=i%202&Enabled=true"),
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.text);
    assert_eq!(a.json()["InstanceId"], "i 2");
    assert_eq!(a.json()["Enabled"], true);
    assert_eq!(a.json()["Method"], "POST");

    // V3: action and version in headers only.
    let a = raw(
        "POST",
        &format!("{u}/?InstanceId=i-3"),
        &[("x-acs-action", "GetInstance"), ("x-acs-version", VERSION)],
        Vec::<u8>::new(),
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.text);
    assert_eq!(a.json()["InstanceId"], "i-3");

    // The OpenAPI-friendly route, GET and POST.
    let a = get(&format!("{u}/rpc/{VERSION}/GetInstance?InstanceId=i-4")).await;
    assert_eq!(a.json()["InstanceId"], "i-4", "{}", a.text);
    let a = post_form(&format!("{u}/rpc/{VERSION}/GetInstance"), "InstanceId=i-5").await;
    assert_eq!(a.json()["InstanceId"], "i-5", "{}", a.text);
    let a = get(&format!("{u}/rpc/2000-01-01/GetInstance?InstanceId=i-4")).await;
    assert_alibaba_error(&a, 400, "InvalidVersion");
    s.shutdown().await.unwrap();
}

/// An action of another product (CloudMonitor's `DescribeMetricLast` in the Kafka document)
/// is answered under that product's version only; the service's own actions keep theirs.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_action_of_another_product_answers_under_its_own_version() {
    let svc = service()
        .handler("DescribeMetricLast", |_r: RpcRequest| async move {
            Ok(json!({"Period": "60"}))
        })
        .action_version("DescribeMetricLast", "2019-01-01");
    let s = spawn_test_server(svc.into_router()).await.unwrap();
    let u = &s.base_url;
    let a = get(&format!(
        "{u}/?Action=DescribeMetricLast&Version=2019-01-01"
    ))
    .await;
    assert_eq!(a.status, 200, "{}", a.text);
    assert_eq!(a.json()["Period"], "60");
    let a = get(&format!("{u}/rpc/2019-01-01/DescribeMetricLast")).await;
    assert_eq!(a.status, 200, "{}", a.text);
    let a = get(&format!("{u}/?Action=DescribeMetricLast&Version={VERSION}")).await;
    assert_alibaba_error(&a, 400, "InvalidVersion");
    assert!(a.text.contains("2019-01-01"), "{}", a.text);
    let a = get(&format!(
        "{u}/?Action=GetInstance&Version=2019-01-01&InstanceId=x"
    ))
    .await;
    assert_alibaba_error(&a, 400, "InvalidVersion");
    let a = get(&format!(
        "{u}/?Action=GetInstance&Version={VERSION}&InstanceId=x"
    ))
    .await;
    assert_eq!(a.status, 200, "{}", a.text);
    s.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn client_faults_get_alibaba_error_bodies_and_never_5xx() {
    let s = spawn_test_server(service().into_router()).await.unwrap();
    let u = &s.base_url;
    let cases: Vec<(String, Option<&str>, u16, &str)> = vec![
        (
            "/?Action=GetInstance&Version=2000-01-01&InstanceId=x".to_owned(),
            None,
            400,
            "InvalidVersion",
        ),
        (
            format!("/?Action=NoSuchThing&Version={VERSION}"),
            None,
            404,
            "InvalidAction.NotFound",
        ),
        (
            format!("/?Version={VERSION}"),
            None,
            400,
            "MissingParameter",
        ),
        (
            "/?Action=GetInstance".to_owned(),
            None,
            400,
            "MissingParameter",
        ),
        (
            format!("/?Action=GetInstance&Version={VERSION}"),
            None,
            400,
            "MissingParameter",
        ),
        (
            format!("/?Action=GetInstance&Version={VERSION}&InstanceId="),
            None,
            400,
            "MissingParameter",
        ),
        (
            format!("/?Action=GetInstance&Version={VERSION}&InstanceId=x&PageSize=ten"),
            None,
            400,
            "InvalidParameter",
        ),
        (
            format!("/?Action=GetInstance&Version={VERSION}&InstanceId=x&Enabled=yes"),
            None,
            400,
            "InvalidParameter",
        ),
        (
            format!("/?Action=TagResources&Version={VERSION}&Tag.1.Key=k&Tag.1.Key.2=x"),
            None,
            400,
            "InvalidParameter",
        ),
        (
            format!("/?Action=CreateTopic&Version={VERSION}&Config=%7Bnot-json"),
            None,
            400,
            "InvalidParameter",
        ),
        (
            format!("/?Action=Refuse&Version={VERSION}"),
            None,
            403,
            "Forbidden.RAM",
        ),
        ("/nothing/here".to_owned(), None, 404, "InvalidApi.NotFound"),
        (
            "/rpc/only-version".to_owned(),
            None,
            404,
            "InvalidApi.NotFound",
        ),
        // Garbage in the form body and the query is decoded leniently, never a crash.
        (
            "/?%ZZ=%E4%B8&&=&Action".to_owned(),
            Some("%FF%FE=%&&&"),
            400,
            "MissingParameter",
        ),
    ];
    for (path, form, status, code) in cases {
        let a = match form {
            Some(f) => post_form(&format!("{u}{path}"), f).await,
            None => get(&format!("{u}{path}")).await,
        };
        assert_alibaba_error(&a, status, code);
    }
    let a = raw(
        "PUT",
        &format!("{u}/?Action=GetInstance&Version={VERSION}"),
        &[],
        "x",
    )
    .await;
    assert_alibaba_error(&a, 404, "InvalidApi.NotFound");
    s.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn repeat_lists_json_strings_and_the_runtime_client() {
    let s = spawn_test_server(service().into_router()).await.unwrap();
    for scheme in [SignatureScheme::AlibabaV1, SignatureScheme::AlibabaV3] {
        let c = client(&s.base_url, scheme, "sk");
        let req = Call::new("TagResources", VERSION)
            .flat("ResourceId", &["r1", "r2", "r3"])
            .unwrap()
            .flat(
                "Tag",
                &vec![
                    Tag {
                        key: "env".into(),
                        value: Some("prod".into()),
                    },
                    Tag {
                        key: "team".into(),
                        value: None,
                    },
                ],
            )
            .unwrap();
        let v: Value = c.send_json(req.into_prepared()).await.unwrap();
        assert_eq!(v["ResourceIds"], json!(["r1", "r2", "r3"]), "{scheme:?}");
        assert_eq!(
            v["Tags"],
            json!([{"Key": "env", "Value": "prod"}, {"Key": "team", "Value": null}])
        );
        let v: Value = c
            .send_json(
                Call::new("CreateTopic", VERSION)
                    .json("Config", &json!({"a": [1, "x y"]}))
                    .unwrap()
                    .into_prepared(),
            )
            .await
            .unwrap();
        assert_eq!(v["Config"], json!({"a": [1, "x y"]}));
        // A GET through the client.
        let v: Value = c
            .send_json(
                Call::new("GetInstance", VERSION)
                    .param("InstanceId", "杭州")
                    .get()
                    .into_prepared(),
            )
            .await
            .unwrap();
        assert_eq!(v["InstanceId"], "杭州");
        // Errors arrive as the client's service error.
        let e = c
            .send(Call::new("GetInstance", VERSION).into_prepared())
            .await
            .unwrap_err();
        let se = e.as_service().expect("service error");
        assert_eq!(
            (se.status, se.code.as_deref()),
            (400, Some("MissingParameter"))
        );
        assert!(se.request_id.is_some());
    }
    s.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn format_xml_is_honoured_for_answers_and_errors() {
    let s = spawn_test_server(service().into_router()).await.unwrap();
    let u = &s.base_url;
    let a = get(&format!(
        "{u}/?Action=DescribeRegions&Version={VERSION}&Format=XML"
    ))
    .await;
    assert_eq!(a.status, 200);
    assert!(a.header("content-type").unwrap().starts_with("text/xml"));
    assert!(
        a.text.starts_with(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><DescribeRegionsResponse><RequestId>"
        ),
        "{}",
        a.text
    );
    assert!(a.text.contains("<Regions><Region><RegionId>cn-hangzhou</RegionId></Region><Region><RegionId>cn-beijing</RegionId></Region></Regions></DescribeRegionsResponse>"), "{}", a.text);
    let a = get(&format!("{u}/?Action=Nope&Version={VERSION}&Format=xml")).await;
    assert_eq!(a.status, 404);
    assert!(
        a.text.contains("<Error><RequestId>")
            && a.text.contains("<Code>InvalidAction.NotFound</Code>"),
        "{}",
        a.text
    );
    // JSON in any case is the default; any other Format is a 400, not a silent JSON answer.
    let a = get(&format!("{u}/rpc/{VERSION}/DescribeRegions?Format=json")).await;
    assert_eq!(a.status, 200, "{}", a.text);
    // An empty value is not the default either (schemathesis: `Format=` was answered 200).
    for bad in ["YAML", "JSON_", "%00", ""] {
        let a = get(&format!("{u}/rpc/{VERSION}/DescribeRegions?Format={bad}")).await;
        assert_eq!(a.status, 400, "{bad}: {}", a.text);
        assert_eq!(a.json()["Code"], "InvalidParameter", "{}", a.text);
    }
    s.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversized_bodies_and_panics_get_vendor_bodies() {
    let s = spawn_test_server(service().into_router()).await.unwrap();
    let u = &s.base_url;
    let big = format!(
        "Action=GetInstance&Version={VERSION}&InstanceId={}",
        "x".repeat(100_000)
    );
    let a = post_form(&format!("{u}/"), &big).await;
    assert_alibaba_error(&a, 413, "RequestEntityTooLarge");
    // Chunked (no Content-Length) over the limit.
    let (status, text) = chunked_post(s.addr, "/", 40 * 4096).await;
    assert_eq!(status, 413, "{text}");
    assert!(
        text.contains("\"Code\":\"RequestEntityTooLarge\""),
        "{text}"
    );

    let a = get(&format!("{u}/?Action=Boom&Version={VERSION}")).await;
    assert_alibaba_error(&a, 500, "InternalError");
    // Still serving after the panic.
    let a = get(&format!(
        "{u}/?Action=GetInstance&Version={VERSION}&InstanceId=ok"
    ))
    .await;
    assert_eq!(a.status, 200);
    s.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signatures_are_verified_when_credentials_are_configured() {
    let svc = service().verifier(Some(Verifier::new("ak", "sk")));
    let s = spawn_test_server(svc.into_router()).await.unwrap();
    let u = s.base_url.clone();

    // The runtime's client, v1 (GET and POST) and V3.
    for scheme in [SignatureScheme::AlibabaV1, SignatureScheme::AlibabaV3] {
        let c = client(&u, scheme, "sk");
        let v: Value = c
            .send_json(
                Call::new("CreateTopic", VERSION)
                    .param("Config", "{}")
                    .into_prepared(),
            )
            .await
            .unwrap_or_else(|e| panic!("{scheme:?}: {e}"));
        assert_eq!(v["Signer"], "ak");
        let v: Value = c
            .send_json(
                Call::new("GetInstance", VERSION)
                    .param("InstanceId", "a b")
                    .get()
                    .into_prepared(),
            )
            .await
            .unwrap();
        assert_eq!(v["InstanceId"], "a b");
        // Wrong secret.
        let bad = client(&u, scheme, "wrong");
        let e = bad
            .send(
                Call::new("GetInstance", VERSION)
                    .param("InstanceId", "x")
                    .into_prepared(),
            )
            .await
            .unwrap_err();
        match e {
            Error::Service(se) => {
                assert_eq!(
                    (se.status, se.code.as_deref()),
                    (400, Some("SignatureDoesNotMatch"))
                )
            }
            other => panic!("{other:?}"),
        }
    }

    for scheme in [SignatureScheme::AlibabaV1, SignatureScheme::AlibabaV3] {
        // Replay: the identical signed request twice.
        let req = Call::new("GetInstance", VERSION)
            .param("InstanceId", "r")
            .into_prepared();
        let n = nonce();
        let (signed, first) = send_signed(&u, req.clone(), scheme, "sk", now(), &n).await;
        assert_eq!(first.status, 200, "{scheme:?} {}", first.text);
        let again = send_prepared(&u, &signed).await;
        assert_alibaba_error(&again, 400, "SignatureNonceUsed");
        // Stale timestamp (an hour old), correctly signed.
        let old = UtcTime(now().0 - 3600);
        let (_, stale) = send_signed(&u, req.clone(), scheme, "sk", old, &nonce()).await;
        assert_alibaba_error(&stale, 400, "InvalidTimeStamp.Expired");
        // Wrong secret, signed by hand.
        let (_, wrong) = send_signed(&u, req.clone(), scheme, "nope", now(), &nonce()).await;
        assert_alibaba_error(&wrong, 400, "SignatureDoesNotMatch");
    }

    // Unsigned requests.
    let a = get(&format!(
        "{u}/?Action=GetInstance&Version={VERSION}&InstanceId=x"
    ))
    .await;
    assert_alibaba_error(&a, 400, "IncompleteSignature");
    let a = raw(
        "GET",
        &format!("{u}/?InstanceId=x"),
        &[
            ("x-acs-action", "GetInstance"),
            ("x-acs-version", VERSION),
            ("authorization", "ACS3-HMAC-SHA256 garbage"),
        ],
        Vec::<u8>::new(),
    )
    .await;
    assert!(a.status >= 400 && a.status < 500, "{}", a.text);
    s.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn graceful_shutdown_finishes_requests_in_flight() {
    let s = spawn_test_server(service().into_router()).await.unwrap();
    let url = format!("{}/?Action=Slow&Version={VERSION}", s.base_url);
    let before = SLOW_STARTED.load(std::sync::atomic::Ordering::SeqCst);
    let in_flight = tokio::spawn(async move { get(&url).await });
    // Shut down only once the handler runs: a fixed sleep raced the request under load.
    let started = tokio::time::Instant::now();
    while SLOW_STARTED.load(std::sync::atomic::Ordering::SeqCst) == before {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "Slow never started"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let addr = s.addr;
    s.shutdown().await.unwrap();
    let a = in_flight.await.unwrap();
    assert_eq!(a.status, 200);
    assert_eq!(a.json()["Done"], true);
    assert!(
        tokio::net::TcpStream::connect(addr).await.is_err(),
        "still accepting"
    );
}
