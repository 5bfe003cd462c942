//! The Huawei REST front door: one handler per method and path template
//! (`/v2/{project_id}/instances/{instance_id}`), with path, query and header parameters, JSON
//! bodies and multipart file parts.
//!
//! Routing is done here rather than by axum's router so that overlapping templates from a spec
//! never make route registration panic, and so that unmatched requests get the vendor's 404 body.
//! A path segment matches a literal before a placeholder; a template may end in `?k=v` to require
//! a fixed query parameter (`/instances/{id}/action?type=restart`).

use std::future::Future;
use std::sync::{Arc, OnceLock};

use axum::body::{Body, Bytes};
use axum::extract::{DefaultBodyLimit, FromRequest, Multipart, State};
use axum::http::{Request, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use super::errors::{
    bytes_response, json_response, set_header, ApiError, Flavor, JSON_CONTENT_TYPE,
};
use super::params::{parse_param, FromParam, Params};
use super::validate::{Outcome, Validation};
use super::{
    constant_answer, guarded, BoxFuture, Call, ConstantAnswers, ConstantSlot, Incoming, Received,
    ServerOptions, Verifier,
};
use crate::schema::OperationSchema;
use crate::sign::verify::Verified;
use crate::sign::SignInput;

/// One part of a multipart body.
#[derive(Debug, Clone)]
pub struct FormPart {
    /// Field name.
    pub name: String,
    /// File name, for file parts.
    pub filename: Option<String>,
    /// Part content type.
    pub content_type: Option<String>,
    /// Content.
    pub data: Bytes,
}

/// A decoded REST call, as handlers receive it.
#[derive(Debug, Clone)]
pub struct RestRequest {
    /// Operation name of the matched route.
    pub operation: String,
    /// HTTP method.
    pub method: String,
    /// Request path as received.
    pub path: String,
    /// Placeholder values, percent-decoded.
    pub path_params: Vec<(String, String)>,
    /// Query parameters in order (repeated names kept).
    pub query: Params,
    /// Headers (lower-case names).
    pub headers: Vec<(String, String)>,
    /// Raw body.
    pub body: Bytes,
    /// The body parsed as JSON (`None` when empty or multipart).
    pub json: Option<Value>,
    /// Multipart parts (file parameters and text fields).
    pub parts: Vec<FormPart>,
    /// The request id answered in `X-Request-Id`.
    pub request_id: String,
    /// The signer, when signature verification is on.
    pub verified: Option<Verified>,
    /// How the typed handlers treat a request that breaks the spec (a mock's recorder sets
    /// it; [`Validation::Strict`] otherwise).
    pub validation: Validation,
    /// Status and violations of this call, shared with the front door and the recorder.
    pub outcome: Outcome,
    /// The request as received (what a mock records, shared rather than copied).
    pub received: Received,
}

impl RestRequest {
    /// A path parameter.
    pub fn path_param<T: FromParam>(&self, name: &str) -> Result<T, ApiError> {
        match self.path_params.iter().find(|(k, _)| k == name) {
            Some((_, v)) if !v.is_empty() => parse_param(name, v),
            _ => Err(ApiError::missing_parameter(name)),
        }
    }

    /// An optional query parameter.
    pub fn query<T: FromParam>(&self, name: &str) -> Result<Option<T>, ApiError> {
        self.query.optional(name)
    }

    /// A required query parameter.
    pub fn query_required<T: FromParam>(&self, name: &str) -> Result<T, ApiError> {
        self.query.required(name)
    }

    /// A list-valued query parameter: repeated (`id=a&id=b`) or comma-separated (`id=a,b`).
    pub fn query_list<T: FromParam>(&self, name: &str) -> Result<Vec<T>, ApiError> {
        self.query
            .0
            .iter()
            .filter(|(k, _)| k == name)
            .flat_map(|(_, v)| v.split(','))
            .filter(|v| !v.is_empty())
            .map(|v| parse_param(name, v))
            .collect()
    }

    /// An optional header parameter.
    pub fn header<T: FromParam>(&self, name: &str) -> Result<Option<T>, ApiError> {
        match crate::sign::header(&self.headers, name) {
            Some(v) if !v.is_empty() => parse_param(name, v).map(Some),
            _ => Ok(None),
        }
    }

    /// A required header parameter.
    pub fn header_required<T: FromParam>(&self, name: &str) -> Result<T, ApiError> {
        self.header(name)?
            .ok_or_else(|| ApiError::missing_parameter(name))
    }

    /// The JSON body decoded into `T`; `MissingParameter` when there is none.
    pub fn body<T: DeserializeOwned>(&self) -> Result<T, ApiError> {
        self.body_opt()?
            .ok_or_else(|| ApiError::missing_parameter("body"))
    }

    /// The JSON body decoded into `T`, when there is one.
    pub fn body_opt<T: DeserializeOwned>(&self) -> Result<Option<T>, ApiError> {
        match &self.json {
            None => Ok(None),
            Some(v) => T::deserialize(v)
                .map(Some)
                .map_err(ApiError::malformed_body),
        }
    }

    /// A multipart part by field name.
    pub fn part(&self, name: &str) -> Option<&FormPart> {
        self.parts.iter().find(|p| p.name == name)
    }

    /// A required file part.
    pub fn file(&self, name: &str) -> Result<&FormPart, ApiError> {
        self.part(name)
            .ok_or_else(|| ApiError::missing_parameter(name))
    }
}

/// A successful answer.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RestResponse {
    /// Status; `None` uses the route's success status.
    pub status: Option<u16>,
    /// JSON body (`None` for an empty body, or when `raw` holds it).
    pub body: Option<Value>,
    /// The JSON body already serialized, used when `body` is `None`: typed handlers write their
    /// answer straight to bytes rather than build a `Value` first (under load, building the
    /// `Value` maps was a fifth of a mock's time).
    pub raw: Option<Bytes>,
    /// Extra response headers.
    pub headers: Vec<(String, String)>,
}

impl RestResponse {
    /// A JSON answer with an explicit status.
    pub fn json(status: u16, body: Value) -> Self {
        Self {
            status: Some(status),
            body: Some(body),
            ..Self::default()
        }
    }

    /// An empty answer (`204 No Content` and the like).
    pub fn empty(status: u16) -> Self {
        Self {
            status: Some(status),
            ..Self::default()
        }
    }
}

impl From<Value> for RestResponse {
    /// The route's success status with `body`.
    fn from(body: Value) -> Self {
        Self {
            body: Some(body),
            ..Self::default()
        }
    }
}

/// One operation's handler.
pub type RestHandler =
    Arc<dyn Fn(RestRequest) -> BoxFuture<Result<RestResponse, ApiError>> + Send + Sync>;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Literal(String),
    Param(String),
}

#[derive(Clone)]
struct Route {
    method: String,
    segments: Vec<Segment>,
    fixed_query: Vec<(String, String)>,
    operation: String,
    success_status: u16,
    handler: RestHandler,
}

/// Placeholder name → decoded value.
type Captures = Vec<(String, String)>;

/// The segments of a path (`/v2/a/b/` gives `v2`, `a`, `b`).
fn split_path(path: &str) -> std::str::Split<'_, char> {
    path.trim_matches('/').split('/')
}

impl Route {
    /// The route's score (literal segments and fixed query parameters matched) when `path`
    /// (of `count` segments) matches; nothing is allocated unless a segment is
    /// percent-encoded.
    fn score(&self, path: &str, count: usize, query: &Params) -> Option<usize> {
        if count != self.segments.len() {
            return None;
        }
        let mut literals = 0;
        for (want, got) in self.segments.iter().zip(split_path(path)) {
            match want {
                Segment::Literal(l) => {
                    if l != got && !(got.contains('%') && *l == crate::sign::percent_decode(got)) {
                        return None;
                    }
                    literals += 1;
                }
                Segment::Param(_) => {
                    if got.is_empty() {
                        return None;
                    }
                }
            }
        }
        for (k, v) in &self.fixed_query {
            if query.get(k) != Some(v.as_str()) {
                return None;
            }
        }
        Some(literals + self.fixed_query.len())
    }

    /// The placeholder values of a matching `path`, percent-decoded.
    fn captures(&self, path: &str) -> Captures {
        self.segments
            .iter()
            .zip(split_path(path))
            .filter_map(|(want, got)| match want {
                Segment::Param(name) => Some((name.clone(), crate::sign::percent_decode(got))),
                Segment::Literal(_) => None,
            })
            .collect()
    }
}

/// The routes of one Huawei service.
#[derive(Clone)]
pub struct RestService {
    flavor: Flavor,
    routes: Vec<Route>,
    options: ServerOptions,
    constant: ConstantSlot,
}

impl std::fmt::Debug for RestService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RestService")
            .field("flavor", &self.flavor)
            .field(
                "routes",
                &self
                    .routes
                    .iter()
                    .map(|r| format!("{} {}", r.method, r.operation))
                    .collect::<Vec<_>>(),
            )
            .field("options", &self.options)
            .finish()
    }
}

impl RestService {
    /// An empty service; `service_prefix` forms its validation error codes (`DMS.00400000`).
    pub fn new(service_prefix: impl Into<String>) -> Self {
        Self {
            flavor: Flavor::Huawei {
                service_prefix: service_prefix.into(),
            },
            routes: Vec::new(),
            options: ServerOptions::default(),
            constant: ConstantSlot::default(),
        }
    }

    /// Answers the typed operations whose answer is constant without calling their handlers
    /// (see [`ConstantAnswers`]): a stateless mock's answers, serialized once per operation.
    pub fn constant_answers(self, answers: impl ConstantAnswers) -> Self {
        let _ = self.constant.set(Arc::new(answers));
        self
    }

    /// Registers `handler` for `method` on `template`; `success_status` is the status the spec
    /// lists for success, used when the handler's [`RestResponse`] leaves it open.
    pub fn route<F, Fut>(
        self,
        method: &str,
        template: &str,
        operation: impl Into<String>,
        success_status: u16,
        handler: F,
    ) -> Self
    where
        F: Fn(RestRequest) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<RestResponse, ApiError>> + Send + 'static,
    {
        self.boxed_route(
            method,
            template,
            operation,
            success_status,
            Arc::new(move |r| Box::pin(handler(r))),
        )
    }

    /// Registers the typed handler of `op` on its method and path: path, query, header and body
    /// parameters are checked against the schema (vendor 4xx on a fault), decoded into `Req`,
    /// and the `Resp` answered with the operation's success status (no body when the spec
    /// documents none).
    pub fn operation<Req, Resp, F, Fut>(self, op: &'static OperationSchema, f: F) -> Self
    where
        Req: DeserializeOwned + Send + 'static,
        Resp: Serialize + DeserializeOwned + 'static,
        F: Fn(Req, Call) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<Resp, ApiError>> + Send + 'static,
    {
        let f = Arc::new(f);
        let constant = self.constant.clone();
        let cache: Arc<OnceLock<Option<Bytes>>> = Arc::default();
        self.route(
            &op.method,
            &op.path,
            op.id.clone(),
            op.success_status,
            move |r: RestRequest| {
                let input = super::validate::rest_checked(
                    op,
                    &r,
                    r.validation,
                    &r.outcome,
                    super::validate::Output::Build,
                )
                .and_then(|v| {
                    super::validate::into_model::<Req>(&op.id, v).map_err(|e| r.outcome.fault(e))
                });
                // (An operation without a documented body goes to its handler.)
                if input.is_ok() && op.response.is_some() {
                    let raw = constant_answer(&constant, &cache, &op.id, |resp: Resp| {
                        serde_json::to_vec(&resp).ok().map(Bytes::from)
                    });
                    if raw.is_some() {
                        let resp = RestResponse {
                            raw,
                            ..RestResponse::default()
                        };
                        return Box::pin(std::future::ready(Ok(resp)))
                            as BoxFuture<Result<RestResponse, ApiError>>;
                    }
                }
                let call = Call {
                    operation: r.operation,
                    request_id: r.request_id,
                    headers: r.headers,
                    verified: r.verified,
                };
                let f = f.clone();
                Box::pin(async move {
                    let resp = f(input?, call).await?;
                    let raw = match op.response {
                        None => None,
                        Some(_) => Some(Bytes::from(
                            serde_json::to_vec(&resp).map_err(ApiError::internal)?,
                        )),
                    };
                    Ok(RestResponse {
                        raw,
                        ..RestResponse::default()
                    })
                })
            },
        )
    }

    /// Registers an already boxed handler.
    pub fn boxed_route(
        mut self,
        method: &str,
        template: &str,
        operation: impl Into<String>,
        success_status: u16,
        handler: RestHandler,
    ) -> Self {
        let (path, fixed) = match template.split_once('?') {
            Some((p, q)) => (p, crate::rpc::parse_form(q)),
            None => (template, Vec::new()),
        };
        let segments = split_path(path)
            .map(
                |s| match s.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                    Some(name) => Segment::Param(name.trim().to_owned()),
                    None => Segment::Literal(s.to_owned()),
                },
            )
            .collect();
        self.routes.push(Route {
            method: method.to_ascii_uppercase(),
            segments,
            fixed_query: fixed,
            operation: operation.into(),
            success_status,
            handler,
        });
        self
    }

    /// Replaces every handler with `wrap(operation, handler)` (mocks: recording, overrides).
    pub fn wrap(mut self, wrap: impl Fn(&str, RestHandler) -> RestHandler) -> Self {
        for r in &mut self.routes {
            r.handler = wrap(&r.operation, r.handler.clone());
        }
        self
    }

    /// Turns signature verification on (or off with `None`).
    pub fn verifier(mut self, v: Option<Verifier>) -> Self {
        self.options.verifier = v;
        self
    }

    /// Sets the body size limit.
    pub fn body_limit(mut self, bytes: usize) -> Self {
        self.options.body_limit = bytes;
        self
    }

    /// `(method, template operation)` of every route, in registration order.
    pub fn operations(&self) -> impl Iterator<Item = (&str, &str)> {
        self.routes
            .iter()
            .map(|r| (r.method.as_str(), r.operation.as_str()))
    }

    /// The axum router answering every path (unmatched requests get `APIGW.0101`, 404).
    pub fn into_router(self) -> Router {
        Router::new()
            .fallback(dispatch)
            // The limit is enforced while reading the body; this lifts axum's own 2 MB default
            // for multipart, which would otherwise apply below the configured limit.
            .layer(DefaultBodyLimit::disable())
            .with_state(Arc::new(self))
    }

    /// The matching route with the most literal segments, and its captures.
    fn find(&self, method: &str, path: &str, query: &Params) -> Option<(&Route, Captures)> {
        let count = split_path(path).count();
        let mut best: Option<(usize, &Route)> = None;
        for r in self.routes.iter().filter(|r| r.method == method) {
            if let Some(score) = r.score(path, count, query) {
                if best.is_none_or(|(s, _)| score > s) {
                    best = Some((score, r));
                }
            }
        }
        best.map(|(_, r)| (r, r.captures(path)))
    }
}

fn is_json_like(content_type: Option<&str>) -> bool {
    match content_type {
        None => true,
        Some(ct) => {
            ct.as_bytes()
                .windows(4)
                .any(|w| w.eq_ignore_ascii_case(b"json"))
                || super::starts_with_ignore_case(ct, "text/plain")
        }
    }
}

/// Whether a body with this `Content-Type` is multipart.
fn is_multipart(content_type: Option<&str>) -> bool {
    content_type.is_some_and(|ct| super::starts_with_ignore_case(ct, "multipart/"))
}

/// The JSON body of a request: `None` when it is empty (blank), multipart or of another
/// content type, else the parsed JSON or the parse error.
pub(crate) fn json_body(
    content_type: Option<&str>,
    body: &[u8],
) -> Option<Result<Value, serde_json::Error>> {
    if is_multipart(content_type)
        || body.iter().all(u8::is_ascii_whitespace)
        || !is_json_like(content_type)
    {
        return None;
    }
    Some(serde_json::from_slice::<Value>(body))
}

async fn multipart_parts(inc: &Incoming) -> Result<Vec<FormPart>, ApiError> {
    let mut req = Request::new(Body::from(inc.body.clone()));
    *req.headers_mut() = inc.parts.headers.clone();
    let mut mp = Multipart::from_request(req, &())
        .await
        .map_err(|e| ApiError::malformed_body(e.body_text()))?;
    let mut parts = Vec::new();
    loop {
        match mp.next_field().await {
            Ok(Some(field)) => {
                let name = field.name().unwrap_or_default().to_owned();
                let filename = field.file_name().map(str::to_owned);
                let content_type = field.content_type().map(str::to_owned);
                let data = field
                    .bytes()
                    .await
                    .map_err(|e| ApiError::malformed_body(e.body_text()))?;
                parts.push(FormPart {
                    name,
                    filename,
                    content_type,
                    data,
                });
            }
            Ok(None) => return Ok(parts),
            Err(e) => return Err(ApiError::malformed_body(e.body_text())),
        }
    }
}

async fn dispatch(State(svc): State<Arc<RestService>>, req: Request<Body>) -> Response {
    let flavor = &svc.flavor;
    let request_id = flavor.new_request_id();
    let mut inc = match Incoming::read(req, svc.options.body_limit).await {
        Ok(i) => i,
        Err((inc, e)) => return flavor.render(&e, &request_id, &inc.host, false),
    };
    let host = std::mem::take(&mut inc.host);
    let fail = |e: ApiError| flavor.render(&e, &request_id, &host, false);
    let query = Params(std::mem::take(&mut inc.query));
    let method = inc.parts.method.as_str().to_owned();
    let path = inc.parts.uri.path().to_owned();
    let Some((route, path_params)) = svc.find(&method, &path, &query) else {
        return fail(ApiError::api_not_found(&method, &path));
    };
    let verified = match &svc.options.verifier {
        None => None,
        Some(v) => {
            let input = SignInput {
                query: &query.0,
                host: &host,
                ..inc.sign_input()
            };
            match v.verify(&input, &[]) {
                Ok(ok) => Some(ok),
                Err(e) => return fail(ApiError::from_verify(&e)),
            }
        }
    };
    let content_type = inc.header("content-type");
    let mut json = None;
    let mut parts = Vec::new();
    if is_multipart(content_type) {
        match multipart_parts(&inc).await {
            Ok(p) => parts = p,
            Err(e) => return fail(e),
        }
    } else {
        match json_body(content_type, &inc.body) {
            None => {}
            Some(Ok(v)) => json = Some(v),
            Some(Err(e)) => return fail(ApiError::malformed_body(e)),
        }
    }
    let call = RestRequest {
        operation: route.operation.clone(),
        method,
        path,
        path_params,
        query,
        received: inc.received(),
        headers: std::mem::take(&mut inc.headers),
        body: inc.body.clone(),
        json,
        parts,
        request_id: request_id.clone(),
        verified,
        validation: Validation::Strict,
        outcome: Outcome::default(),
    };
    let outcome = call.outcome.clone();
    let result = guarded((route.handler)(call)).await;
    outcome.set_status(match &result {
        Ok(r) => r.status.unwrap_or(route.success_status),
        Err(e) => e.status,
    });
    match result {
        Ok(r) => {
            let status = r.status.unwrap_or(route.success_status);
            let mut resp = match (&r.body, r.raw) {
                (Some(b), _) => json_response(b),
                (None, Some(raw)) => bytes_response(raw, JSON_CONTENT_TYPE),
                (None, None) => ().into_response(),
            };
            *resp.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
            for (k, v) in &r.headers {
                if let (Ok(k), Ok(v)) = (
                    axum::http::HeaderName::from_bytes(k.as_bytes()),
                    axum::http::HeaderValue::from_str(v),
                ) {
                    resp.headers_mut().insert(k, v);
                }
            }
            set_header(&mut resp, flavor.request_id_header(), &request_id);
            if let Some(v) = outcome.header_value() {
                set_header(&mut resp, super::validate::VIOLATIONS_HEADER, &v);
            }
            resp
        }
        Err(e) => fail(e),
    }
}
