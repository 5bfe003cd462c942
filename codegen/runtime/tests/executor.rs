//! The executor against a scripted HTTP/1.1 server on 127.0.0.1: retries on throttling,
//! Retry-After, no retries for non-idempotent calls, timeouts, error-body mapping, malformed
//! bodies, connection errors. The server also verifies every signature it receives.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use apigen_runtime::clock::UtcTime;
use apigen_runtime::rest::RestRequest;
use apigen_runtime::rpc::{parse_form, RpcRequest};
use apigen_runtime::sign::verify::{self, ReplayCache, VerifyConfig};
use apigen_runtime::sign::SignInput;
use apigen_runtime::{
    Client, ClientConfig, Credentials, Endpoint, Error, RetryPolicy, SignatureScheme,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

#[derive(Clone)]
struct Reply {
    status: u16,
    headers: Vec<(&'static str, String)>,
    body: String,
    delay: Duration,
}

fn reply(status: u16, body: &str) -> Reply {
    Reply {
        status,
        headers: vec![("Content-Type", "application/json".into())],
        body: body.to_owned(),
        delay: Duration::ZERO,
    }
}

#[derive(Debug, Clone)]
struct Seen {
    method: String,
    path: String,
    query: Vec<(String, String)>,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    /// Result of verifying the signature on the server side.
    verified: Result<(), String>,
}

struct Server {
    url: String,
    seen: Arc<Mutex<Vec<Seen>>>,
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Serves `script` in order (one reply per connection; the last one repeats).
async fn serve(script: Vec<Reply>) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let seen2 = seen.clone();
    let replay = Arc::new(ReplayCache::default());
    tokio::spawn(async move {
        let mut n = 0usize;
        loop {
            let Ok((mut sock, _)) = listener.accept().await else {
                return;
            };
            let r = script[n.min(script.len() - 1)].clone();
            n += 1;
            let seen = seen2.clone();
            let replay = replay.clone();
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 4096];
                let head_end = loop {
                    let k = sock.read(&mut chunk).await.unwrap_or(0);
                    if k == 0 {
                        return;
                    }
                    buf.extend_from_slice(&chunk[..k]);
                    if let Some(i) = find(&buf, b"\r\n\r\n") {
                        break i + 4;
                    }
                };
                let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
                let mut lines = head.split("\r\n");
                let mut first = lines.next().unwrap().split(' ');
                let method = first.next().unwrap().to_owned();
                let target = first.next().unwrap().to_owned();
                let headers: Vec<(String, String)> = lines
                    .filter_map(|l| l.split_once(':'))
                    .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
                    .collect();
                let len: usize = apigen_runtime::sign::header(&headers, "content-length")
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(0);
                while buf.len() < head_end + len {
                    let k = sock.read(&mut chunk).await.unwrap_or(0);
                    if k == 0 {
                        break;
                    }
                    buf.extend_from_slice(&chunk[..k]);
                }
                let body = buf[head_end..].to_vec();
                let (path, qs) = target.split_once('?').unwrap_or((&target, ""));
                let query = parse_form(qs);
                let verified = verify_request(&method, path, &query, &headers, &body, &replay);
                seen.lock().unwrap().push(Seen {
                    method,
                    path: path.to_owned(),
                    query,
                    headers,
                    body,
                    verified,
                });
                tokio::time::sleep(r.delay).await;
                let mut out = format!(
                    "HTTP/1.1 {} X\r\nContent-Length: {}\r\nConnection: close\r\n",
                    r.status,
                    r.body.len()
                );
                for (k, v) in &r.headers {
                    out.push_str(&format!("{k}: {v}\r\n"));
                }
                out.push_str("\r\n");
                out.push_str(&r.body);
                let _ = sock.write_all(out.as_bytes()).await;
                let _ = sock.shutdown().await;
            });
        }
    });
    Server {
        url: format!("http://{addr}"),
        seen,
    }
}

fn verify_request(
    method: &str,
    path: &str,
    query: &[(String, String)],
    headers: &[(String, String)],
    body: &[u8],
    replay: &ReplayCache,
) -> Result<(), String> {
    let form = if apigen_runtime::sign::header(headers, "content-type")
        .is_some_and(|c| c.starts_with("application/x-www-form-urlencoded"))
    {
        parse_form(&String::from_utf8_lossy(body))
    } else {
        Vec::new()
    };
    let input = SignInput {
        method,
        host: apigen_runtime::sign::header(headers, "host").unwrap_or_default(),
        path,
        query,
        headers,
        body,
    };
    let lookup = |ak: &str| match ak {
        "testid" => Some("testsecret".to_owned()),
        "HWAK" => Some("HWSK".to_owned()),
        _ => None,
    };
    verify::verify_any(
        &input,
        &form,
        lookup,
        UtcTime::now(),
        &VerifyConfig::default(),
        Some(replay),
    )
    .map(|_| ())
    .map_err(|e| e.to_string())
}

fn client(url: &str, scheme: SignatureScheme, retry: RetryPolicy, timeout: Duration) -> Client {
    let creds = match scheme {
        SignatureScheme::HuaweiAkSk => {
            Credentials::access_key("HWAK", "HWSK").with_project_id("p1")
        }
        _ => Credentials::access_key("testid", "testsecret"),
    };
    let mut cfg = ClientConfig::new(Endpoint::from_url(url).unwrap(), creds, scheme);
    cfg.retry = retry;
    cfg.timeout = timeout;
    Client::new(cfg).unwrap()
}

fn fast_retry() -> RetryPolicy {
    RetryPolicy {
        base_delay: Duration::from_millis(5),
        max_delay: Duration::from_millis(20),
        ..RetryPolicy::default()
    }
}

#[derive(Debug, serde::Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Listed {
    request_id: String,
    #[serde(deserialize_with = "apigen_runtime::decode::lenient")]
    total: u32,
}

#[tokio::test]
async fn throttled_then_success_v1_and_v3() {
    for scheme in [SignatureScheme::AlibabaV1, SignatureScheme::AlibabaV3] {
        let srv = serve(vec![
            reply(400, r#"{"RequestId":"R-1","Code":"Throttling.User","Message":"Request was denied due to user flow control."}"#),
            reply(200, r#"{"RequestId":"R-2","Total":"3"}"#),
        ])
        .await;
        let c = client(&srv.url, scheme, fast_retry(), Duration::from_secs(5));
        let req = RpcRequest::new("GetInstanceList", "2019-09-16")
            .param("RegionId", "cn-hangzhou")
            .param("Name", "实例 a*b~")
            .idempotent(true)
            .into_prepared();
        let resp = c.send(req).await.unwrap();
        assert_eq!(resp.attempts, 2);
        let listed: Listed = resp.json().unwrap();
        assert_eq!((listed.request_id.as_str(), listed.total), ("R-2", 3));
        let seen = srv.seen.lock().unwrap().clone();
        assert_eq!(seen.len(), 2);
        for s in &seen {
            assert_eq!(s.method, "POST");
            assert_eq!(s.path, "/");
            assert_eq!(s.verified, Ok(()), "{scheme:?}: server-side verification");
        }
        // Every attempt is re-signed with a fresh nonce (else the replay check would reject it).
        let nonce = |s: &Seen| {
            s.query
                .iter()
                .find(|(k, _)| k == "SignatureNonce")
                .map(|(_, v)| v.clone())
                .or_else(|| {
                    apigen_runtime::sign::header(&s.headers, "x-acs-signature-nonce")
                        .map(str::to_owned)
                })
                .unwrap()
        };
        assert_ne!(nonce(&seen[0]), nonce(&seen[1]));
        if scheme == SignatureScheme::AlibabaV1 {
            assert!(seen[0]
                .query
                .iter()
                .any(|(k, v)| k == "Format" && v == "JSON"));
            assert!(seen[0]
                .query
                .iter()
                .any(|(k, v)| k == "Action" && v == "GetInstanceList"));
        } else {
            assert_eq!(
                apigen_runtime::sign::header(&seen[0].headers, "x-acs-action"),
                Some("GetInstanceList")
            );
        }
        assert!(String::from_utf8_lossy(&seen[0].body).contains("Name=%E5%AE%9E%E4%BE%8B%20a%2Ab~"));
    }
}

#[tokio::test]
async fn retry_after_is_honoured() {
    let mut busy = reply(503, r#"{"error_code":"DMS.00500000","error_msg":"busy"}"#);
    busy.headers.push(("Retry-After", "1".into()));
    let srv = serve(vec![busy, reply(200, "{}")]).await;
    let c = client(
        &srv.url,
        SignatureScheme::HuaweiAkSk,
        fast_retry(),
        Duration::from_secs(5),
    );
    let req = RestRequest::new(
        "ShowInstance",
        "GET",
        "/v2/{project_id}/instances/{instance_id}",
    )
    .path("project_id", "p1")
    .path("instance_id", "i 1")
    .into_prepared()
    .unwrap();
    let start = Instant::now();
    let resp = c.send(req).await.unwrap();
    assert!(
        start.elapsed() >= Duration::from_millis(950),
        "waited {:?}",
        start.elapsed()
    );
    assert_eq!(resp.attempts, 2);
    let seen = srv.seen.lock().unwrap().clone();
    assert_eq!(seen[0].path, "/v2/p1/instances/i%201");
    assert_eq!(
        apigen_runtime::sign::header(&seen[0].headers, "x-project-id"),
        Some("p1")
    );
    for s in &seen {
        assert_eq!(s.verified, Ok(()), "Huawei server-side verification");
    }
}

#[tokio::test]
async fn non_idempotent_calls_are_not_retried_unless_asked() {
    // Throttling is refused before the operation runs: retried even for a create.
    let srv = serve(vec![
        reply(429, r#"{"Code":"Throttling","Message":"slow down"}"#),
        reply(200, "{}"),
    ])
    .await;
    let c = client(
        &srv.url,
        SignatureScheme::AlibabaV1,
        fast_retry(),
        Duration::from_secs(5),
    );
    let req = RpcRequest::new("CreateTopic", "2019-09-16")
        .param("Topic", "t")
        .into_prepared();
    assert_eq!(c.send(req).await.unwrap().attempts, 2);

    // A 503 may come after the operation ran: not repeated for a create.
    let srv = serve(vec![
        reply(
            503,
            r#"{"Code":"ServiceUnavailable","Message":"try later","RequestId":"R-9"}"#,
        ),
        reply(200, "{}"),
    ])
    .await;
    let c = client(
        &srv.url,
        SignatureScheme::AlibabaV1,
        fast_retry(),
        Duration::from_secs(5),
    );
    let create = || {
        RpcRequest::new("CreateTopic", "2019-09-16")
            .param("Topic", "t")
            .into_prepared()
    };
    let err = c.send(create()).await.unwrap_err();
    let s = err.as_service().expect("service error");
    assert_eq!(
        (s.status, s.code.as_deref(), s.request_id.as_deref()),
        (503, Some("ServiceUnavailable"), Some("R-9"))
    );
    assert_eq!(srv.seen.lock().unwrap().len(), 1);

    let srv = serve(vec![
        reply(429, r#"{"Code":"Throttling"}"#),
        reply(200, "{}"),
    ])
    .await;
    let asked = client(
        &srv.url,
        SignatureScheme::AlibabaV1,
        RetryPolicy {
            retry_non_idempotent: true,
            ..fast_retry()
        },
        Duration::from_secs(5),
    );
    assert_eq!(asked.send(create()).await.unwrap().attempts, 2);
}

#[tokio::test]
async fn timeout_is_reported() {
    let mut slow = reply(200, "{}");
    slow.delay = Duration::from_secs(3);
    let srv = serve(vec![slow]).await;
    let c = client(
        &srv.url,
        SignatureScheme::AlibabaV1,
        RetryPolicy::none(),
        Duration::from_millis(200),
    );
    let start = Instant::now();
    let err = c
        .send(
            RpcRequest::new("ListClusters", "2019-05-31")
                .get()
                .idempotent(true)
                .into_prepared(),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Timeout(d) if d == Duration::from_millis(200)),
        "{err:?}"
    );
    assert!(start.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn timeouts_are_retried_for_idempotent_calls() {
    let mut slow = reply(200, "{}");
    slow.delay = Duration::from_secs(3);
    let srv = serve(vec![slow, reply(200, r#"{"RequestId":"ok","Total":1}"#)]).await;
    let c = client(
        &srv.url,
        SignatureScheme::AlibabaV1,
        fast_retry(),
        Duration::from_millis(300),
    );
    let req = RpcRequest::new("ListClusters", "2019-05-31")
        .get()
        .idempotent(true)
        .into_prepared();
    let listed: Listed = c.send_json(req).await.unwrap();
    assert_eq!(listed.request_id, "ok");
}

#[tokio::test]
async fn malformed_body_is_a_decode_error_with_excerpt() {
    let srv = serve(vec![reply(
        200,
        "<html><body>gateway says hi</body></html>",
    )])
    .await;
    let c = client(
        &srv.url,
        SignatureScheme::AlibabaV1,
        RetryPolicy::none(),
        Duration::from_secs(5),
    );
    let err = c
        .send_json::<Listed>(RpcRequest::new("ListClusters", "2019-05-31").into_prepared())
        .await
        .unwrap_err();
    match err {
        Error::Decode {
            status,
            excerpt,
            message,
        } => {
            assert_eq!(status, 200);
            assert_eq!(excerpt, "<html><body>gateway says hi</body></html>");
            assert!(!message.is_empty());
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn an_unset_project_id_comes_from_the_credentials() {
    let srv = serve(vec![reply(200, r#"{"instances":[]}"#)]).await;
    let c = client(
        &srv.url,
        SignatureScheme::HuaweiAkSk,
        fast_retry(),
        Duration::from_secs(5),
    );
    let req = RestRequest::new("ListInstances", "GET", "/v2/{project_id}/instances")
        .into_prepared()
        .unwrap();
    c.send(req.clone()).await.unwrap();
    let seen = srv.seen.lock().unwrap()[0].clone();
    assert_eq!(seen.path, "/v2/p1/instances");
    assert_eq!(seen.verified, Ok(()));
    // Without one in the credentials the call fails before anything is sent.
    let mut cfg = ClientConfig::new(
        Endpoint::from_url(&srv.url).unwrap(),
        Credentials::access_key("HWAK", "HWSK"),
        SignatureScheme::HuaweiAkSk,
    );
    cfg.retry = fast_retry();
    let err = Client::new(cfg).unwrap().send(req).await.unwrap_err();
    assert!(
        matches!(
            &err,
            Error::InvalidRequest(apigen_runtime::RequestError::Unresolved { placeholder, .. })
                if *placeholder == apigen_runtime::rest::PROJECT_ID_PLACEHOLDER
        ) && err.to_string().contains("project_id"),
        "{err}"
    );
    assert_eq!(srv.seen.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn an_endpoint_path_prefix_is_sent_and_signed() {
    for scheme in [
        SignatureScheme::AlibabaV1,
        SignatureScheme::AlibabaV3,
        SignatureScheme::HuaweiAkSk,
    ] {
        let srv = serve(vec![reply(200, r#"{"RequestId":"r","Total":1}"#)]).await;
        let c = client(
            &format!("{}/gateway/", srv.url),
            scheme,
            fast_retry(),
            Duration::from_secs(5),
        );
        let req = if scheme == SignatureScheme::HuaweiAkSk {
            RestRequest::new("ListThings", "GET", "/v2/{project_id}/things")
                .path("project_id", "p1")
                .into_prepared()
                .unwrap()
        } else {
            RpcRequest::new("ListThings", "2019-09-16").into_prepared()
        };
        c.send(req).await.unwrap();
        let seen = srv.seen.lock().unwrap()[0].clone();
        assert!(
            seen.path.starts_with("/gateway/"),
            "{scheme:?}: {}",
            seen.path
        );
        assert_eq!(
            seen.verified,
            Ok(()),
            "{scheme:?}: signed over the prefixed path"
        );
    }
}

#[tokio::test]
async fn huawei_error_bodies_map_to_service_errors() {
    let mut bad = reply(
        400,
        r#"{"errorCode":"400001","errorMessage":"Invalid parameter(s)","detail":"name"}"#,
    );
    bad.headers.push(("X-Request-Id", "hw-req-1".into()));
    let srv = serve(vec![bad]).await;
    let c = client(
        &srv.url,
        SignatureScheme::HuaweiAkSk,
        fast_retry(),
        Duration::from_secs(5),
    );
    let req = RestRequest::new(
        "CreateMicroService",
        "POST",
        "/v4/{project_id}/registry/microservices",
    )
    .path("project_id", "default")
    .json(&serde_json::json!({"service": {"serviceName": "a b"}}))
    .unwrap()
    .into_prepared()
    .unwrap();
    let err = c.send(req).await.unwrap_err();
    let s = err.as_service().unwrap();
    assert_eq!(s.status, 400);
    assert_eq!(s.code.as_deref(), Some("400001"));
    assert_eq!(s.message.as_deref(), Some("Invalid parameter(s)"));
    assert_eq!(s.request_id.as_deref(), Some("hw-req-1"));
    assert_eq!(srv.seen.lock().unwrap().len(), 1, "400 is not retried");
    assert_eq!(srv.seen.lock().unwrap()[0].verified, Ok(()));
}

#[tokio::test]
async fn connection_errors_are_transport_errors_and_retried() {
    // Bind then drop a listener to get a port nobody listens on.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let c = client(
        &format!("http://127.0.0.1:{port}"),
        SignatureScheme::AlibabaV1,
        fast_retry(),
        Duration::from_secs(5),
    );
    let err = c
        .send(RpcRequest::new("CreateTopic", "2019-09-16").into_prepared())
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Transport { connect: true, .. }),
        "{err:?}"
    );
}

#[tokio::test]
async fn token_auth_sends_x_auth_token() {
    let srv = serve(vec![reply(200, "{}")]).await;
    let mut cfg = ClientConfig::new(
        Endpoint::from_url(&srv.url).unwrap(),
        Credentials::token("tok-123").with_project_id("p9"),
        SignatureScheme::HuaweiToken,
    );
    cfg.retry = RetryPolicy::none();
    let c = Client::new(cfg).unwrap();
    let req = RestRequest::new("ListEngines", "GET", "/v2/{project_id}/enginemgr/engines")
        .path("project_id", "p9")
        .into_prepared()
        .unwrap();
    c.send(req).await.unwrap();
    let seen = srv.seen.lock().unwrap().clone();
    assert_eq!(
        apigen_runtime::sign::header(&seen[0].headers, "x-auth-token"),
        Some("tok-123")
    );
    assert_eq!(
        apigen_runtime::sign::header(&seen[0].headers, "x-project-id"),
        Some("p9")
    );
    assert!(apigen_runtime::sign::header(&seen[0].headers, "authorization").is_none());
}
