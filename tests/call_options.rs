//! Per-call options and typed outputs through the generated clients' own methods, against the
//! generated mocks (issue 14): `with_options` headers reach the service signed, its timeout and
//! retry policy replace the client's, and `call` returns status, headers and the request id
//! beside the typed body. An RPC service (Alibaba Kafka) and a REST one (Huawei Kafka).

use std::time::{Duration, Instant};

use apigen_runtime::server::Verifier;
use apigen_runtime::{Credentials, Error, RetryPolicy};

const KEY: &str = "options-key";
const SECRET: &str = "options-secret";

/// A listener that accepts connections and never answers.
async fn silent() -> (String, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let task = tokio::spawn(async move {
        let mut open = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            open.push(socket);
        }
    });
    (url, task)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rpc_client_options_and_outputs() {
    use alikafka_client::models::get_instance_list::GetInstanceListRequest;
    use alikafka_client::{CallOptions, RegionalClient};
    let mock = alikafka_mock::AlikafkaMock::with_seed(1);
    let server = mock.start(Some(Verifier::new(KEY, SECRET))).await.unwrap();
    let client = alikafka_client::Client::from_endpoint(
        &server.base_url,
        Credentials::access_key(KEY, SECRET),
    )
    .unwrap();
    let request = GetInstanceListRequest::new("cn-hangzhou");

    // `with_options`: the extra header is sent (and signed: the mock verifies signatures).
    let tagged = client.with_options(CallOptions::new().header("x-acme-trace", "t-1"));
    tagged.get_instance_list(&request).await.unwrap();
    // The plain handle sends no such header.
    client.get_instance_list(&request).await.unwrap();
    let recorded = mock.recorder().requests_of("GetInstanceList");
    assert_eq!(recorded.len(), 2);
    let trace = |i: usize| {
        recorded[i]
            .headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("x-acme-trace"))
            .map(|(_, v)| v.clone())
    };
    assert_eq!(trace(0).as_deref(), Some("t-1"));
    assert_eq!(trace(1), None);

    // `call`: the typed body with status, headers and the request id the mock answered with.
    let out = client.call(&request, &CallOptions::new()).await.unwrap();
    assert_eq!(out.status, 200);
    assert_eq!(out.attempts, 1);
    let answered = mock.recorder().requests_of("GetInstanceList");
    assert_eq!(
        out.request_id(),
        Some(answered.last().unwrap().request_id.as_str())
    );
    assert!(out.header("content-type").is_some(), "{:?}", out.headers);

    // A per-call timeout and a single attempt replace the client's 30 s with retries.
    let (url, _task) = silent().await;
    let stuck = alikafka_client::Client::from_endpoint(&url, Credentials::access_key(KEY, SECRET))
        .unwrap()
        .with_options(
            CallOptions::new()
                .timeout(Duration::from_millis(200))
                .retry(RetryPolicy::none()),
        );
    let t = Instant::now();
    let err = stuck.get_instance_list(&request).await.unwrap_err();
    assert!(matches!(err, Error::Timeout(_)), "{err}");
    assert!(t.elapsed() < Duration::from_secs(5), "{:?}", t.elapsed());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rest_client_options_and_outputs() {
    use dms_kafka_client::models::list_instances::ListInstancesRequest;
    use dms_kafka_client::{CallOptions, RegionalClient};
    let mock = dms_kafka_mock::DmsKafkaMock::with_seed(1);
    let server = mock.start(Some(Verifier::new(KEY, SECRET))).await.unwrap();
    let client = dms_kafka_client::Client::from_endpoint(
        &server.base_url,
        Credentials::access_key(KEY, SECRET).with_project_id("project-1"),
    )
    .unwrap();
    let request = ListInstancesRequest::new();

    let tagged = client.with_options(CallOptions::new().header("x-acme-trace", "t-2"));
    tagged.list_instances(&request).await.unwrap();
    let recorded = mock.recorder().requests_of("ListInstances");
    assert_eq!(recorded.len(), 1);
    assert!(
        recorded[0]
            .headers
            .iter()
            .any(|(k, v)| k.eq_ignore_ascii_case("x-acme-trace") && v == "t-2"),
        "{:?}",
        recorded[0].headers
    );
    assert!(
        recorded[0].path.contains("/project-1/"),
        "{}",
        recorded[0].path
    );

    let out = client.call(&request, &CallOptions::new()).await.unwrap();
    assert_eq!(out.status, 200);
    let answered = mock.recorder().requests_of("ListInstances");
    // Huawei answers the request id in `X-Request-Id`.
    assert_eq!(
        out.request_id(),
        Some(answered.last().unwrap().request_id.as_str())
    );
    assert_eq!(out.header("x-request-id"), out.request_id());
}
