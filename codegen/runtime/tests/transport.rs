//! Transport, timeouts, retries and per-call options against servers on 127.0.0.1: a TLS
//! server with a private CA that requires client certificates, a proxy, silent and stalling
//! servers, the retry rules (5xx, throttling, `x-acs-retry-after`, `Retry-After`), the overall
//! deadline, the retry budget, interceptors, and typed outputs with status and request id.

mod fake;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use apigen_runtime::classify::HttpStatus;
use apigen_runtime::rest::RestRequest;
use apigen_runtime::rpc::RpcRequest;
use apigen_runtime::{
    AttemptInfo, CallOptions, Client, ClientConfig, Credentials, Endpoint, Error, Interceptor,
    PreparedRequest, RetryPolicy, SignatureScheme, Transport,
};
use fake::{answer, ok, start};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const CA: &[u8] = include_bytes!("tls/ca.pem");
const SERVER_CERT: &[u8] = include_bytes!("tls/server.pem");
const SERVER_KEY: &[u8] = include_bytes!("tls/server.key");
const CLIENT_CERT: &[u8] = include_bytes!("tls/client.pem");
const CLIENT_KEY: &[u8] = include_bytes!("tls/client.key");

fn config(url: &str) -> ClientConfig {
    let mut c = ClientConfig::new(
        Endpoint::from_url(url).unwrap(),
        Credentials::access_key("ak", "sk"),
        SignatureScheme::AlibabaV1,
    );
    c.retry = RetryPolicy {
        base_delay: Duration::from_millis(5),
        max_delay: Duration::from_millis(10),
        ..RetryPolicy::default()
    };
    c
}

fn get() -> PreparedRequest {
    RpcRequest::new("DescribeThings", "2020-01-01")
        .get()
        .idempotent(true)
        .into_prepared()
}

fn create() -> PreparedRequest {
    RpcRequest::new("CreateThing", "2020-01-01").into_prepared()
}

/// A TLS server trusting `CA` for client certificates; answers `200 {"tls":true}`.
async fn tls_server() -> String {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let mut roots = rustls::RootCertStore::empty();
    for c in CertificateDer::pem_slice_iter(CA) {
        roots.add(c.unwrap()).unwrap();
    }
    let verifier = rustls::server::WebPkiClientVerifier::builder_with_provider(
        Arc::new(roots),
        provider.clone(),
    )
    .build()
    .unwrap();
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(SERVER_CERT)
        .map(|c| c.unwrap())
        .collect();
    let key = PrivateKeyDer::from_pem_slice(SERVER_KEY).unwrap();
    let cfg = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_client_cert_verifier(verifier)
        .with_single_cert(certs, key)
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(cfg));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let Ok((sock, _)) = listener.accept().await else {
                return;
            };
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(sock).await else {
                    return;
                };
                let mut buf = [0u8; 4096];
                let _ = tls.read(&mut buf).await;
                let body = r#"{"tls":true}"#;
                let _ = tls
                    .write_all(
                        format!(
                            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                            body.len()
                        )
                        .as_bytes(),
                    )
                    .await;
                let _ = tls.shutdown().await;
            });
        }
    });
    format!("https://127.0.0.1:{}", addr.port())
}

#[tokio::test]
async fn custom_ca_and_client_certificate() {
    let url = tls_server().await;
    // The private CA is in neither the system store nor the webpki roots.
    let err = Client::new(config(&url))
        .unwrap()
        .send(get())
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Transport { connect: true, .. }),
        "{err}"
    );
    // Trusting the CA is not enough: the server wants a client certificate.
    let mut c = config(&url);
    c.retry = RetryPolicy::none();
    c.transport = Transport::default().with_root_certificate_pem(CA);
    let err = Client::new(c.clone())
        .unwrap()
        .send(get())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err}");
    let identity = [CLIENT_CERT, CLIENT_KEY].concat();
    c.transport = c.transport.with_client_identity_pem(identity);
    let resp = Client::new(c).unwrap().send(get()).await.unwrap();
    assert_eq!(resp.body, br#"{"tls":true}"#);
    // Bad PEM is an error when the client is built, not a panic.
    let mut bad = config(&url);
    bad.transport = Transport::default().with_client_identity_pem(b"not pem".to_vec());
    assert!(matches!(Client::new(bad), Err(Error::InvalidRequest(_))));
}

#[tokio::test]
async fn explicit_proxy_and_no_proxy() {
    let proxy = start(|s| {
        ok(format!(
            r#"{{"via":"proxy","host":"{}"}}"#,
            s.header("host").unwrap_or("")
        ))
    })
    .await;
    let mut c = config("http://service.example.invalid");
    c.transport = Transport::default().with_proxy(&proxy.url, None);
    let v: serde_json::Value = Client::new(c)
        .unwrap()
        .send(get())
        .await
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(v["via"], "proxy");
    assert_eq!(v["host"], "service.example.invalid");
    // no_proxy: direct to the service although the proxy is dead.
    let direct = start(|_| ok(r#"{"via":"direct"}"#)).await;
    let mut c = config(&direct.url);
    c.retry = RetryPolicy::none();
    c.transport = Transport::default().with_proxy("http://127.0.0.1:9", Some("127.0.0.1"));
    let v: serde_json::Value = Client::new(c)
        .unwrap()
        .send(get())
        .await
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(v["via"], "direct");
}

#[tokio::test]
async fn an_injected_http_client_is_used() {
    let srv = start(|s| {
        ok(format!(
            r#"{{"mark":"{}"}}"#,
            s.header("x-mark").unwrap_or("")
        ))
    })
    .await;
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("x-mark", "mine".parse().unwrap());
    let mut c = config(&srv.url);
    c.http_client = Some(
        reqwest::Client::builder()
            .default_headers(headers)
            .build()
            .unwrap(),
    );
    let v: serde_json::Value = Client::new(c)
        .unwrap()
        .send(get())
        .await
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(v["mark"], "mine");
}

/// Accepts connections and never says anything.
async fn silent() -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let n = Arc::new(AtomicUsize::new(0));
    let n2 = n.clone();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((s, _)) = listener.accept().await {
            n2.fetch_add(1, Ordering::SeqCst);
            held.push(s);
        }
    });
    (format!("127.0.0.1:{}", addr.port()), n)
}

#[tokio::test]
async fn connect_timeout_is_a_retried_connect_failure_naming_its_duration() {
    // TLS handshake never answered: the connection is not established in time.
    let (addr, accepted) = silent().await;
    let mut c = config(&format!("https://{addr}"));
    c.connect_timeout = Duration::from_millis(200);
    let t = Instant::now();
    let err = Client::new(c).unwrap().send(create()).await.unwrap_err();
    match &err {
        Error::Transport {
            connect: true,
            message,
            ..
        } => {
            assert!(
                message.contains("200ms") && message.contains("connect timeout"),
                "{message}"
            )
        }
        other => panic!("expected a connect failure, got {other}"),
    }
    assert!(!err.to_string().contains("0ns"));
    assert_eq!(
        accepted.load(Ordering::SeqCst),
        3,
        "retried, even for a create"
    );
    assert!(t.elapsed() < Duration::from_secs(3));
}

#[tokio::test]
async fn read_and_attempt_timeouts() {
    // Headers sent, body stalls: the read timeout fires.
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((mut s, _)) = listener.accept().await {
            let mut buf = [0u8; 4096];
            let _ = s.read(&mut buf).await;
            let _ = s
                .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{")
                .await;
            held.push(s);
        }
    });
    let mut c = config(&format!("http://{addr}"));
    c.retry = RetryPolicy::none();
    c.transport.read_timeout = Some(Duration::from_millis(150));
    let err = Client::new(c).unwrap().send(get()).await.unwrap_err();
    assert!(
        matches!(err, Error::Timeout(d) if d == Duration::from_millis(150)),
        "{err}"
    );

    // Nothing at all: the attempt timeout (per call) fires.
    let (addr, _) = silent().await;
    let client = Client::new(config(&format!("http://{addr}"))).unwrap();
    let opts = CallOptions::new()
        .timeout(Duration::from_millis(120))
        .retry(RetryPolicy::none());
    let err = client.send_with(get(), &opts).await.unwrap_err();
    assert!(
        matches!(err, Error::Timeout(d) if d == Duration::from_millis(120)),
        "{err}"
    );
}

#[tokio::test]
async fn overall_deadline_ends_retries() {
    let srv = start(|_| answer(503, r#"{"Code":"ServiceUnavailable"}"#)).await;
    let mut c = config(&srv.url);
    // Without the deadline these attempts and delays would take over 8 s.
    c.retry = RetryPolicy {
        max_attempts: 200,
        base_delay: Duration::from_millis(40),
        max_delay: Duration::from_millis(40),
        jitter: false,
        ..RetryPolicy::default()
    };
    c.overall_timeout = Some(Duration::from_millis(300));
    let t = Instant::now();
    let err = Client::new(c).unwrap().send(get()).await.unwrap_err();
    // The deadline ends the loop with the last answer, or cuts the attempt in flight (on a loaded
    // machine one attempt may outlast it).
    assert!(
        err.as_service().map(|s| s.status) == Some(503)
            || matches!(err, Error::Timeout(d) if d == Duration::from_millis(300)),
        "{err}"
    );
    assert!(t.elapsed() < Duration::from_secs(3), "{:?}", t.elapsed());
    let n = srv.requests().len();
    assert!((1..=8).contains(&n), "{n} attempts in 300 ms");

    // A slow attempt is cut at the deadline.
    let (addr, _) = silent().await;
    let mut c = config(&format!("http://{addr}"));
    c.overall_timeout = Some(Duration::from_millis(200));
    let err = Client::new(c).unwrap().send(get()).await.unwrap_err();
    assert!(
        matches!(err, Error::Timeout(d) if d == Duration::from_millis(200)),
        "{err}"
    );
}

#[tokio::test]
async fn server_errors_and_throttling_by_idempotency() {
    for status in [500, 502, 503, 504] {
        let n = Arc::new(AtomicUsize::new(0));
        let n2 = n.clone();
        let srv = start(move |_| {
            if n2.fetch_add(1, Ordering::SeqCst) == 0 {
                answer(status, "{}")
            } else {
                ok(r#"{"RequestId":"x"}"#)
            }
        })
        .await;
        let client = Client::new(config(&srv.url)).unwrap();
        assert_eq!(client.send(get()).await.unwrap().attempts, 2, "{status}");
        let failing = start(move |_| answer(status, "{}")).await;
        let client = Client::new(config(&failing.url)).unwrap();
        assert!(client.send(create()).await.is_err());
        assert_eq!(
            failing.requests().len(),
            1,
            "{status}: a create is not repeated"
        );
    }
    // Huawei gateway throttling (APIGW.0308 with 429) is retried for a POST.
    let n = Arc::new(AtomicUsize::new(0));
    let n2 = n.clone();
    let srv = start(move |_| {
        if n2.fetch_add(1, Ordering::SeqCst) == 0 {
            answer(
                429,
                r#"{"error_code":"APIGW.0308","error_msg":"throttled"}"#,
            )
        } else {
            ok("{}")
        }
    })
    .await;
    let mut c = config(&srv.url);
    c.scheme = SignatureScheme::HuaweiAkSk;
    let post = RestRequest::new("CreateInstance", "POST", "/v2/p/instances")
        .into_prepared()
        .unwrap();
    assert_eq!(
        Client::new(c).unwrap().send(post).await.unwrap().attempts,
        2
    );
}

#[tokio::test]
async fn retry_after_headers_are_honoured() {
    for (header, value, at_least) in [
        ("x-acs-retry-after", "250", Duration::from_millis(250)),
        ("Retry-After", "1", Duration::from_secs(1)),
    ] {
        let n = Arc::new(AtomicUsize::new(0));
        let n2 = n.clone();
        let srv = start(move |_| {
            if n2.fetch_add(1, Ordering::SeqCst) == 0 {
                answer(429, r#"{"Code":"Throttling.User"}"#).header(header, value)
            } else {
                ok("{}")
            }
        })
        .await;
        let t = Instant::now();
        let resp = Client::new(config(&srv.url))
            .unwrap()
            .send(get())
            .await
            .unwrap();
        assert_eq!(resp.attempts, 2);
        assert!(
            t.elapsed() >= at_least,
            "{header}: waited {:?}",
            t.elapsed()
        );
    }
}

#[tokio::test]
async fn the_retry_budget_stops_a_retry_storm_and_refills() {
    let srv = start(|_| answer(503, "{}")).await;
    let mut c = config(&srv.url);
    c.retry = RetryPolicy {
        max_attempts: 1000,
        base_delay: Duration::ZERO,
        max_delay: Duration::ZERO,
        ..RetryPolicy::default()
    };
    let client = Client::new(c).unwrap();
    assert_eq!(client.retry_budget().available(), 500);
    assert!(client.send(get()).await.is_err());
    assert_eq!(srv.requests().len(), 101, "500 tokens / 5 per retry");
    assert_eq!(client.retry_budget().available(), 0);
    // Another call gets its first attempt, but no retry.
    assert!(client.send(get()).await.is_err());
    assert_eq!(srv.requests().len(), 102);
    // Successes put tokens back.
    let okay = start(|_| ok("{}")).await;
    let mut c2 = config(&okay.url);
    c2.retry.budget = true;
    let fresh = Client::new(c2).unwrap();
    fresh.send(get()).await.unwrap();
    assert_eq!(fresh.retry_budget().available(), 500, "capped at capacity");
}

/// (attempt, status) of every attempt.
type Attempts = Arc<Mutex<Vec<(u32, Option<u16>)>>>;

#[derive(Debug, Default, Clone)]
struct Recorder {
    seen: Attempts,
}

impl Interceptor for Recorder {
    fn before_attempt(&self, req: &mut PreparedRequest, attempt: u32) -> Result<(), Error> {
        req.set_header("x-acs-attempt", attempt.to_string());
        Ok(())
    }
    fn after_attempt(&self, a: &AttemptInfo<'_>) {
        self.seen
            .lock()
            .unwrap()
            .push((a.attempt, a.response.map(|(s, _)| s)));
    }
}

#[tokio::test]
async fn interceptors_options_and_typed_outputs() {
    let n = Arc::new(AtomicUsize::new(0));
    let n2 = n.clone();
    let srv = start(move |s| {
        if n2.fetch_add(1, Ordering::SeqCst) == 0 {
            return answer(503, "{}");
        }
        ok(format!(
            r#"{{"attempt":"{}","tenant":"{}"}}"#,
            s.header("x-acs-attempt").unwrap_or(""),
            s.header("x-tenant").unwrap_or("")
        ))
        .header("X-Request-Id", "hw-req-1")
    })
    .await;
    let rec = Recorder::default();
    let mut c = config(&srv.url).with_interceptor(rec.clone());
    c.scheme = SignatureScheme::AlibabaV3;
    let client = Client::new(c).unwrap();
    let opts = CallOptions::new().header("x-tenant", "t1");
    let out = client
        .execute_with::<serde_json::Value>(Ok(get()), &HttpStatus, &opts)
        .await
        .unwrap();
    assert_eq!(out.body["attempt"], "2");
    assert_eq!(out.body["tenant"], "t1");
    assert_eq!(
        (out.status, out.attempts, out.request_id()),
        (200, 2, Some("hw-req-1"))
    );
    assert_eq!(*rec.seen.lock().unwrap(), [(1, Some(503)), (2, Some(200))]);
    // The header added per call was signed (V3 signs every x-acs-* and listed header).
    let last = srv.requests().last().unwrap().clone();
    let auth = last.header("authorization").unwrap().to_owned();
    assert!(auth.contains("x-acs-attempt"), "{auth}");
    // with_options: a handle that never retries.
    let failing = start(|_| answer(503, "{}")).await;
    let f = Client::new(config(&failing.url)).unwrap();
    let f_once = f.with_options(CallOptions::new().retry(RetryPolicy::none()));
    assert!(f_once.send(get()).await.is_err());
    assert_eq!(failing.requests().len(), 1);
}
