//! The generic server side of generated server-stub and mock crates (feature `server`).
//!
//! * [`rpc::RpcService`]: the Alibaba RPC front door (`GET`/`POST /` dispatched by `Action`, and
//!   `/rpc/{version}/{action}`), one boxed async handler per action;
//! * [`rest::RestService`]: the Huawei REST front door, one handler per method and path template;
//! * [`errors`]: [`ApiError`] and its vendor renderings ([`Flavor`]);
//! * [`params`]: typed reading of parameters (scalars, repeat lists, JSON strings);
//! * [`validate`]: spec-driven reading and checking of a call's parameters into the request
//!   model's serde form (from a [`crate::schema::OperationSchema`]);
//! * [`auth::Verifier`]: signature verification (Alibaba v1/V3, Huawei AK/SK) with skew and replay
//!   checks;
//! * [`serve`], [`spawn_test_server`], [`shutdown_signal`]: running a router; [`cli`]: the
//!   `--listen`/`--credentials`/`--seed` command line of generated binaries.
//!
//! Every client fault is answered with the vendor's error body and a 4xx status; a handler panic
//! becomes a vendor 500 body, never a dropped connection.
//!
//! What a generated server crate does with it (one handler per operation):
//!
//! ```
//! use apigen_runtime::server::{RpcRequest, RpcService, Verifier};
//! use serde_json::json;
//!
//! let router = RpcService::new("2019-09-16")
//!     .handler("GetTopicList", |r: RpcRequest| async move {
//!         let instance: String = r.required("InstanceId")?;
//!         let page: Option<i32> = r.optional("CurrentPage")?;
//!         Ok(json!({"Success": true, "InstanceId": instance, "CurrentPage": page}))
//!     })
//!     .verifier(Verifier::parse("ak:sk"))
//!     .into_router();
//! # let _ = router;
//! ```

pub mod auth;
pub mod cli;
pub mod errors;
pub mod params;
pub mod rest;
pub mod rpc;
pub mod validate;
pub mod xml;

use std::future::Future;
use std::net::SocketAddr;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, Request, Uri};
/// The router type generated crates return (re-exported so they need no axum dependency).
pub use axum::Router;
use futures_util::FutureExt as _;

pub use auth::Verifier;
pub use errors::{ApiError, ErrorKind, Flavor};
pub use params::{check_enum, check_items, check_length, check_range, FromParam, Params};
pub use rest::{FormPart, RestRequest, RestResponse, RestService};
pub use rpc::{Prepared, RpcAnswer, RpcRequest, RpcService};

use crate::sign::verify::Verified;
use crate::sign::SignInput;

/// What a typed handler learns about a call beyond its parameters.
#[derive(Debug, Clone, Default)]
pub struct Call {
    /// Operation (action) name.
    pub operation: String,
    /// The request id the answer carries.
    pub request_id: String,
    /// Request headers (lower-case names).
    pub headers: Vec<(String, String)>,
    /// The signer, when signature verification is on.
    pub verified: Option<Verified>,
}

impl Call {
    /// A header value (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        crate::sign::header(&self.headers, name)
    }
}

/// Answers that do not depend on the request — a stateless mock's ([`crate::mock::Answers`]
/// without state): given to a front door ([`RpcService::constant_answers`],
/// [`RestService::constant_answers`]), the typed operations answer them without calling the
/// handler, from the response serialized once per operation, after the request has been read
/// and checked as usual. The handler is still called for every operation this gives `None`
/// for, and when no candidate decodes into the response model.
///
/// Under load, turning the same typed answer into a `Value` (or bytes) on every request was
/// the largest part of a mock's own time.
pub trait ConstantAnswers: Send + Sync + 'static {
    /// The values the answer of `operation` is decoded from, the first that fits the response
    /// model winning; `None` when the answer depends on the request. Asked once per
    /// operation: the front door keeps what it made of the answer, or that there is none.
    fn constant(&self, operation: &str) -> Option<Vec<&serde_json::Value>>;
}

/// The constant answers a front door was given, shared with the typed handlers registered
/// before (set once).
pub(crate) type ConstantSlot = Arc<std::sync::OnceLock<Arc<dyn ConstantAnswers>>>;

/// The response `Resp` decoded once from `op`'s constant candidates and rendered by `render`,
/// kept in `cache`; `None` when there are no constant answers or the operation's answer is
/// not constant (or fits no candidate).
pub(crate) fn constant_answer<Resp, T>(
    slot: &ConstantSlot,
    cache: &std::sync::OnceLock<Option<T>>,
    operation: &str,
    render: impl FnOnce(Resp) -> Option<T>,
) -> Option<T>
where
    Resp: serde::de::DeserializeOwned,
    T: Clone,
{
    let answers = slot.get()?;
    cache
        .get_or_init(|| {
            let candidates = answers.constant(operation)?;
            let resp = candidates
                .into_iter()
                .find_map(|v| Resp::deserialize(v).ok())?;
            render(resp)
        })
        .clone()
}

/// Default largest accepted request body (8 MiB).
pub const DEFAULT_BODY_LIMIT: usize = 8 * 1024 * 1024;

/// A boxed handler future (what generated code registers, via the services' `handler` methods).
pub type BoxFuture<T> = std::pin::Pin<Box<dyn Future<Output = T> + Send + 'static>>;

/// Settings shared by both front doors.
#[derive(Debug, Clone)]
pub struct ServerOptions {
    /// Largest accepted body in bytes; larger requests get a vendor 413.
    pub body_limit: usize,
    /// Signature verification; `None` accepts unsigned requests.
    pub verifier: Option<Verifier>,
}

impl Default for ServerOptions {
    fn default() -> Self {
        Self {
            body_limit: DEFAULT_BODY_LIMIT,
            verifier: None,
        }
    }
}

/// The request as it arrived — method, target, headers, body — shared (cheap clones: one
/// reference count) by the handler's view of the call and a mock's record of it, which reads
/// its parameters only when a test asks.
///
/// It keeps its own compact copy of the head (one buffer) rather than hyper's `Uri` and
/// `HeaderMap`: their bytes are slices of the connection's read buffer, and a record holding
/// them kept that whole buffer (8 kB or more) alive, so every request made hyper allocate a
/// fresh one — under load, fresh pages and their zeroing were a fifth of a mock's time, and
/// the recorder's 10,000 records held over 100 MB.
#[derive(Debug, Clone)]
pub struct Received(Arc<ReceivedParts>);

#[derive(Debug)]
struct ReceivedParts {
    method: Method,
    /// The path and query, then each header as name and value, in one buffer.
    text: Box<str>,
    /// End of the path in `text`, and of the query.
    path_end: usize,
    query_end: Option<usize>,
    /// `(name end, value end)` of each header in `text`, after the target.
    headers: Box<[(usize, usize)]>,
    body: Bytes,
}

/// Bodies up to this size are copied (they are slices of the connection's read buffer too);
/// a larger one has its own buffer.
const COPIED_BODY: usize = 64 * 1024;

impl Received {
    /// A request made of these parts.
    pub fn new(method: Method, uri: &Uri, headers: &HeaderMap, body: Bytes) -> Self {
        let path = uri.path();
        let query = uri.query();
        let size = path.len()
            + query.map_or(0, str::len)
            + headers
                .iter()
                .map(|(k, v)| k.as_str().len() + v.len())
                .sum::<usize>();
        let mut text = String::with_capacity(size);
        text.push_str(path);
        let path_end = text.len();
        let query_end = query.map(|q| {
            text.push_str(q);
            text.len()
        });
        let mut ends = Vec::with_capacity(headers.len());
        for (k, v) in headers {
            text.push_str(k.as_str());
            let name_end = text.len();
            text.push_str(&String::from_utf8_lossy(v.as_bytes()));
            ends.push((name_end, text.len()));
        }
        let body = if body.len() <= COPIED_BODY {
            Bytes::copy_from_slice(&body)
        } else {
            body
        };
        Self(Arc::new(ReceivedParts {
            method,
            text: text.into_boxed_str(),
            path_end,
            query_end,
            headers: ends.into_boxed_slice(),
            body,
        }))
    }

    /// The method.
    pub fn method(&self) -> &Method {
        &self.0.method
    }

    /// The path as received (a [`crate::mock::Mount`] prefix removed).
    pub fn path(&self) -> &str {
        &self.0.text[..self.0.path_end]
    }

    /// The query as received, without `?`.
    pub fn query(&self) -> Option<&str> {
        self.0
            .query_end
            .map(|end| &self.0.text[self.0.path_end..end])
    }

    /// The body.
    pub fn body(&self) -> &Bytes {
        &self.0.body
    }

    /// The headers as (lower-case name, value) pairs, as handlers see them.
    pub fn header_pairs(&self) -> Vec<(String, String)> {
        let p = &*self.0;
        let mut start = p.query_end.unwrap_or(p.path_end);
        p.headers
            .iter()
            .map(|&(name_end, value_end)| {
                let pair = (
                    p.text[start..name_end].to_owned(),
                    p.text[name_end..value_end].to_owned(),
                );
                start = value_end;
                pair
            })
            .collect()
    }
}

impl Default for Received {
    fn default() -> Self {
        Self::new(
            Method::GET,
            &Uri::default(),
            &HeaderMap::new(),
            Bytes::new(),
        )
    }
}

fn header_pairs(headers: &HeaderMap) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().to_owned(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect()
}

/// Whether a body of this `Content-Type` is `application/x-www-form-urlencoded`.
pub(crate) fn is_form(content_type: Option<&str>) -> bool {
    content_type.is_some_and(|ct| starts_with_ignore_case(ct.trim_start(), FORM_TYPE))
}

const FORM_TYPE: &str = "application/x-www-form-urlencoded";

/// Whether `s` starts with `prefix`, ASCII case ignored (no lower-cased copy).
pub(crate) fn starts_with_ignore_case(s: &str, prefix: &str) -> bool {
    s.as_bytes()
        .get(..prefix.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(prefix.as_bytes()))
}

/// A request read off the wire: head, body within the limit, headers as pairs.
#[derive(Debug)]
pub(crate) struct Incoming {
    /// The head.
    pub parts: Parts,
    pub headers: Vec<(String, String)>,
    pub host: String,
    pub query: Vec<(String, String)>,
    pub body: Bytes,
    received: Option<Received>,
}

impl Incoming {
    /// Reads `req`, failing with a 413 when the body exceeds `limit`.
    pub async fn read(req: Request<Body>, limit: usize) -> Result<Self, (Self, ApiError)> {
        let (parts, body) = req.into_parts();
        let headers = header_pairs(&parts.headers);
        let host = crate::sign::header(&headers, "host")
            .map(str::to_owned)
            .or_else(|| parts.uri.authority().map(|a| a.to_string()))
            .unwrap_or_default();
        let query = parts
            .uri
            .query()
            .map(crate::rpc::parse_form)
            .unwrap_or_default();
        let declared = crate::sign::header(&headers, "content-length")
            .and_then(|v| v.trim().parse::<u64>().ok());
        let mut me = Self {
            parts,
            headers,
            host,
            query,
            body: Bytes::new(),
            received: None,
        };
        if declared.is_some_and(|n| n > limit as u64) {
            return Err((me, ApiError::payload_too_large(limit)));
        }
        match axum::body::to_bytes(body, limit).await {
            Ok(b) => {
                me.received = Some(Received::new(
                    me.parts.method.clone(),
                    &me.parts.uri,
                    &me.parts.headers,
                    b.clone(),
                ));
                me.body = b;
                Ok(me)
            }
            // A chunked body over the limit (or a broken upload) ends here.
            Err(_) => Err((me, ApiError::payload_too_large(limit))),
        }
    }

    /// A header value (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        crate::sign::header(&self.headers, name)
    }

    /// The request as received (shared).
    pub fn received(&self) -> Received {
        self.received.clone().unwrap_or_default()
    }

    /// Whether the body is `application/x-www-form-urlencoded`.
    pub fn is_form(&self) -> bool {
        is_form(self.header("content-type"))
    }

    /// The signers' view of the request.
    pub fn sign_input(&self) -> SignInput<'_> {
        SignInput {
            method: self.parts.method.as_str(),
            host: &self.host,
            path: self.parts.uri.path(),
            query: &self.query,
            headers: &self.headers,
            body: &self.body,
        }
    }
}

/// Runs a handler future, turning a panic into [`ApiError::internal`].
pub(crate) async fn guarded<T>(fut: BoxFuture<Result<T, ApiError>>) -> Result<T, ApiError> {
    match AssertUnwindSafe(fut).catch_unwind().await {
        Ok(r) => r,
        Err(panic) => {
            let why = panic
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "handler panicked".to_owned());
            tracing::error!(panic = %why, "handler panicked");
            Err(ApiError::internal("handler panicked"))
        }
    }
}

/// Serves `router` on `listener` until `shutdown` completes, then finishes the requests in
/// flight (graceful shutdown).
pub async fn serve(
    listener: tokio::net::TcpListener,
    router: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router)
        .with_graceful_shutdown(shutdown)
        .await
}

/// Completes on Ctrl-C, or SIGTERM on Unix (for [`serve`] in binaries).
pub async fn shutdown_signal() {
    let ctrl_c = async {
        // If the handler cannot be installed, wait forever rather than stop at once.
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}

/// A server running in the background on 127.0.0.1 (see [`spawn_test_server`]).
#[derive(Debug)]
pub struct TestServer {
    /// `http://127.0.0.1:<port>`.
    pub base_url: String,
    /// The bound address.
    pub addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
}

impl TestServer {
    /// Stops accepting, lets requests in flight finish, and waits for the server task.
    pub async fn shutdown(mut self) -> std::io::Result<()> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        match self.task.take() {
            Some(t) => t
                .await
                .unwrap_or_else(|e| Err(std::io::Error::other(e.to_string()))),
            None => Ok(()),
        }
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// Binds 127.0.0.1 on a free port and serves `router` in a background task (for tests and
/// embedded mocks). Must be called inside a Tokio runtime.
pub async fn spawn_test_server(router: Router) -> std::io::Result<TestServer> {
    spawn_on("127.0.0.1:0", router).await
}

/// Like [`spawn_test_server`] on a chosen address (`--listen`).
pub async fn spawn_on(addr: &str, router: Router) -> std::io::Result<TestServer> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let addr = listener.local_addr()?;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(serve(listener, router, async move {
        let _ = stopped.await;
    }));
    Ok(TestServer {
        base_url: format!("http://{addr}"),
        addr,
        stop: Some(stop),
        task: Some(task),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_bodies_are_told_by_their_content_type_in_any_case() {
        for ct in [
            "application/x-www-form-urlencoded",
            "Application/X-WWW-Form-Urlencoded; charset=UTF-8",
            "  application/x-www-form-urlencoded",
        ] {
            assert!(is_form(Some(ct)), "{ct}");
        }
        for ct in ["application/json", "application/x-www-form", "", "é"] {
            assert!(!is_form(Some(ct)), "{ct}");
        }
        assert!(!is_form(None));
    }

    /// The record's copy of the head reads back as the request had it.
    #[test]
    fn received_keeps_path_query_headers_and_body() {
        let mut headers = HeaderMap::new();
        headers.insert("host", "h.example:80".parse().unwrap());
        headers.append("x-a", "1".parse().unwrap());
        headers.append("x-a", "2".parse().unwrap());
        let uri: Uri = "/v2/p/instances?limit=10&name=a%20b".parse().unwrap();
        let rx = Received::new(Method::POST, &uri, &headers, Bytes::from_static(b"{}"));
        assert_eq!(rx.method(), Method::POST);
        assert_eq!(rx.path(), "/v2/p/instances");
        assert_eq!(rx.query(), Some("limit=10&name=a%20b"));
        assert_eq!(rx.body().as_ref(), b"{}");
        let pairs = |v: &[(&str, &str)]| {
            v.iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            rx.header_pairs(),
            pairs(&[("host", "h.example:80"), ("x-a", "1"), ("x-a", "2")])
        );
        let bare = Received::new(
            Method::GET,
            &"/".parse().unwrap(),
            &HeaderMap::new(),
            Bytes::new(),
        );
        assert_eq!((bare.path(), bare.query()), ("/", None));
        assert!(bare.header_pairs().is_empty());
    }
}
