//! A scriptable HTTP service on 127.0.0.1 (axum) standing in for the metadata services, STS
//! and IAM: a closure answers each request; every request is recorded.

#![allow(dead_code)]

use std::sync::{Arc, Mutex};

use apigen_runtime::rpc::parse_form;
use axum::body::Body;
use axum::extract::Request;
use axum::http::StatusCode;
use axum::response::Response;

/// One received request.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    pub path: String,
    pub query: Vec<(String, String)>,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Seen {
    pub fn header(&self, name: &str) -> Option<&str> {
        apigen_runtime::sign::header(&self.headers, name)
    }

    pub fn query(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Form body parameters.
    pub fn form(&self) -> Vec<(String, String)> {
        parse_form(&String::from_utf8_lossy(&self.body))
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or(serde_json::Value::Null)
    }
}

/// An answer.
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

pub fn ok(body: impl Into<String>) -> Answer {
    answer(200, body)
}

pub fn answer(status: u16, body: impl Into<String>) -> Answer {
    Answer {
        status,
        headers: vec![("content-type".into(), "application/json".into())],
        body: body.into(),
    }
}

impl Answer {
    pub fn header(mut self, k: &str, v: &str) -> Self {
        self.headers.push((k.into(), v.into()));
        self
    }
}

type Handler = Arc<dyn Fn(&Seen) -> Answer + Send + Sync>;

pub struct Fake {
    pub url: String,
    pub seen: Arc<Mutex<Vec<Seen>>>,
}

impl Fake {
    pub fn requests(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    pub fn count(&self, path: &str) -> usize {
        self.requests().iter().filter(|s| s.path == path).count()
    }
}

/// Starts a service answering with `handler`.
pub async fn start(handler: impl Fn(&Seen) -> Answer + Send + Sync + 'static) -> Fake {
    let handler: Handler = Arc::new(handler);
    let seen: Arc<Mutex<Vec<Seen>>> = Arc::default();
    let seen2 = seen.clone();
    let app = axum::Router::new().fallback(move |req: Request| {
        let handler = handler.clone();
        let seen = seen2.clone();
        async move {
            let (parts, body) = req.into_parts();
            let body = axum::body::to_bytes(body, 1 << 20)
                .await
                .unwrap_or_default()
                .to_vec();
            let s = Seen {
                method: parts.method.to_string(),
                path: parts.uri.path().to_owned(),
                query: parse_form(parts.uri.query().unwrap_or("")),
                headers: parts
                    .headers
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_owned()))
                    .collect(),
                body,
            };
            seen.lock().unwrap().push(s.clone());
            let a = handler(&s);
            let mut r = Response::builder().status(StatusCode::from_u16(a.status).unwrap());
            for (k, v) in &a.headers {
                r = r.header(k.as_str(), v.as_str());
            }
            r.body(Body::from(a.body)).unwrap()
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Fake {
        url: format!("http://{addr}"),
        seen,
    }
}

/// `YYYY-MM-DDThh:mm:ssZ` `secs` from now.
pub fn expiry_in(secs: i64) -> String {
    apigen_runtime::clock::UtcTime(apigen_runtime::clock::UtcTime::now().0 + secs).iso8601()
}
