//! Helpers of the server tests: raw HTTP exchanges and hand-signed requests.

#![allow(dead_code)]

use apigen_runtime::clock::UtcTime;
use apigen_runtime::request::{sign_request, PreparedRequest, SignContext};
use apigen_runtime::sign::new_nonce;
use apigen_runtime::{Client, ClientConfig, Credentials, Endpoint, RetryPolicy, SignatureScheme};
use serde_json::Value;

/// An answer as seen on the wire.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub text: String,
}

impl Answer {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

pub async fn raw(
    method: &str,
    url: &str,
    headers: &[(&str, &str)],
    body: impl Into<reqwest::Body>,
) -> Answer {
    let http = reqwest::Client::new();
    let mut b = http.request(reqwest::Method::from_bytes(method.as_bytes()).unwrap(), url);
    for (k, v) in headers {
        b = b.header(*k, *v);
    }
    let r = b.body(body).send().await.expect("request sent");
    Answer {
        status: r.status().as_u16(),
        headers: r.headers().clone(),
        text: r.text().await.unwrap_or_default(),
    }
}

pub async fn get(url: &str) -> Answer {
    raw("GET", url, &[], Vec::<u8>::new()).await
}

pub async fn post_form(url: &str, form: &str) -> Answer {
    raw(
        "POST",
        url,
        &[("content-type", "application/x-www-form-urlencoded")],
        form.to_owned(),
    )
    .await
}

/// Signs `req` for `base_url` at `time` with `nonce`, and sends it as is.
pub async fn send_signed(
    base_url: &str,
    mut req: PreparedRequest,
    scheme: SignatureScheme,
    secret: &str,
    time: UtcTime,
    nonce: &str,
) -> (PreparedRequest, Answer) {
    let host = base_url.trim_start_matches("http://").to_owned();
    sign_request(
        &mut req,
        &SignContext {
            scheme,
            credentials: &Credentials::access_key("ak", secret),
            host: &host,
            base_path: "",
            time,
            nonce,
        },
    )
    .unwrap();
    let a = send_prepared(base_url, &req).await;
    (req, a)
}

/// Sends an already signed request.
pub async fn send_prepared(base_url: &str, req: &PreparedRequest) -> Answer {
    let mut url = format!("{base_url}{}", req.path);
    if !req.query.is_empty() {
        url.push('?');
        url.push_str(&req.query_string());
    }
    let headers: Vec<(&str, &str)> = req
        .headers
        .iter()
        .filter(|(k, _)| !k.eq_ignore_ascii_case("host"))
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    raw(&req.method, &url, &headers, req.body.clone()).await
}

pub fn now() -> UtcTime {
    UtcTime::now()
}

pub fn nonce() -> String {
    new_nonce()
}

/// The runtime's own client, without retries.
pub fn client(base_url: &str, scheme: SignatureScheme, secret: &str) -> Client {
    let mut cfg = ClientConfig::new(
        Endpoint::from_url(base_url).unwrap(),
        Credentials::access_key("ak", secret),
        scheme,
    );
    cfg.retry = RetryPolicy::none();
    Client::new(cfg).unwrap()
}

/// Asserts an Alibaba error body with `code` and `status`, and the request id in both places.
pub fn assert_alibaba_error(a: &Answer, status: u16, code: &str) {
    assert_eq!(a.status, status, "{}", a.text);
    let v = a.json();
    assert_eq!(v["Code"], code, "{}", a.text);
    for field in ["RequestId", "HostId", "Message", "Recommend"] {
        assert!(v[field].is_string(), "{field} missing: {}", a.text);
    }
    assert_eq!(
        a.header("x-acs-request-id"),
        v["RequestId"].as_str(),
        "request id header"
    );
}

/// Asserts a Huawei error body with `code` and `status`.
pub fn assert_huawei_error(a: &Answer, status: u16, code: &str) {
    assert_eq!(a.status, status, "{}", a.text);
    let v = a.json();
    assert_eq!(v["error_code"], code, "{}", a.text);
    assert!(v["error_msg"].is_string(), "{}", a.text);
    assert_eq!(a.header("x-request-id"), v["request_id"].as_str());
}

/// POSTs `len` bytes with `Transfer-Encoding: chunked` over a raw connection; returns the status
/// and the whole answer text.
pub async fn chunked_post(addr: std::net::SocketAddr, path: &str, len: usize) -> (u16, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut sock = tokio::net::TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    );
    sock.write_all(head.as_bytes()).await.unwrap();
    let chunk = vec![b'a'; 4096];
    let mut sent = 0;
    while sent < len {
        let n = chunk.len().min(len - sent);
        // The server may answer and close before everything is sent.
        if sock
            .write_all(format!("{n:x}\r\n").as_bytes())
            .await
            .is_err()
            || sock.write_all(&chunk[..n]).await.is_err()
            || sock.write_all(b"\r\n").await.is_err()
        {
            break;
        }
        sent += n;
    }
    let _ = sock.write_all(b"0\r\n\r\n").await;
    let mut out = Vec::new();
    let _ = sock.read_to_end(&mut out).await;
    let text = String::from_utf8_lossy(&out).into_owned();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, text)
}
