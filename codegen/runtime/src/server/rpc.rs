//! The Alibaba RPC front door.
//!
//! `GET /` (query) and `POST /` (query + `application/x-www-form-urlencoded` body) dispatch by
//! `Action` from the parameters (v1-signed requests) or from the `x-acs-action` header
//! (V3-signed ones), with `Version` / `x-acs-version` checked. `/rpc/{version}/{action}` maps to
//! the same dispatch for tools driven by an OpenAPI document. `Format=XML` answers in XML under
//! `<{Action}Response>`.

use std::collections::BTreeMap;
use std::future::Future;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::State;
use axum::http::{Method, Request};
use axum::response::Response;
use axum::Router;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Value};

use super::errors::{json_response, set_header, xml_response, ApiError, Flavor};
use super::params::{FromParam, Params};
use super::validate::{Outcome, Validation};
use super::{guarded, xml, BoxFuture, Call, Incoming, ServerOptions, Verifier};
use crate::schema::OperationSchema;
use crate::sign::verify::Verified;

/// A decoded RPC call, as handlers receive it.
#[derive(Debug, Clone)]
pub struct RpcRequest {
    /// The action (operation name).
    pub action: String,
    /// The API version the caller asked for (equal to the service's).
    pub version: String,
    /// `GET` or `POST`.
    pub method: String,
    /// Query then form parameters, in request order (common parameters included).
    pub params: Params,
    /// Request headers (lower-case names).
    pub headers: Vec<(String, String)>,
    /// The request id answered in `RequestId` and `x-acs-request-id`.
    pub request_id: String,
    /// The signer, when signature verification is on.
    pub verified: Option<Verified>,
    /// How the typed handlers treat a request that breaks the spec (a mock's recorder sets
    /// it; [`Validation::Strict`] otherwise).
    pub validation: Validation,
    /// Status and violations of this call, shared with the front door and the recorder.
    pub outcome: Outcome,
}

pub use crate::rpc::is_common_param;

impl RpcRequest {
    /// A required scalar parameter (see [`Params::required`]).
    pub fn required<T: FromParam>(&self, name: &str) -> Result<T, ApiError> {
        self.params.required(name)
    }

    /// An optional scalar parameter.
    pub fn optional<T: FromParam>(&self, name: &str) -> Result<Option<T>, ApiError> {
        self.params.optional(name)
    }

    /// A repeat list of scalars (`InstanceId.1`, `InstanceId.2`, …).
    pub fn list<T: FromParam>(&self, name: &str) -> Result<Vec<T>, ApiError> {
        self.params.list(name)
    }

    /// A repeat list of objects or a nested object (`Tag.1.Key`), decoded into `T`.
    pub fn flat<T: DeserializeOwned>(&self, name: &str) -> Result<Option<T>, ApiError> {
        self.params.flat(name)
    }

    /// A JSON-string parameter decoded into `T`.
    pub fn json<T: DeserializeOwned>(&self, name: &str) -> Result<Option<T>, ApiError> {
        self.params.json(name)
    }

    /// A header value (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        crate::sign::header(&self.headers, name)
    }

    /// The operation parameters (without the common ones, [`is_common_param`]), in request
    /// order.
    pub fn operation_params(&self) -> Vec<(String, String)> {
        self.params
            .0
            .iter()
            .filter(|(k, _)| !is_common_param(k))
            .cloned()
            .collect()
    }
}

/// One action's handler.
pub type RpcHandler = Arc<dyn Fn(RpcRequest) -> BoxFuture<Result<Value, ApiError>> + Send + Sync>;

/// A dispatch table of one API version: action → handler.
#[derive(Clone)]
pub struct RpcService {
    version: String,
    /// Actions answered under another API version than `version` (another product's).
    action_versions: BTreeMap<String, String>,
    handlers: BTreeMap<String, RpcHandler>,
    options: ServerOptions,
}

impl std::fmt::Debug for RpcService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RpcService")
            .field("version", &self.version)
            .field("actions", &self.handlers.keys().collect::<Vec<_>>())
            .field("options", &self.options)
            .finish()
    }
}

impl RpcService {
    /// An empty service implementing API `version` (e.g. `2019-09-16`).
    pub fn new(version: impl Into<String>) -> Self {
        Self {
            version: version.into(),
            action_versions: BTreeMap::new(),
            handlers: BTreeMap::new(),
            options: ServerOptions::default(),
        }
    }

    /// Registers the handler of `action`. The handler returns the response object; the
    /// dispatcher adds `RequestId` when it is missing.
    pub fn handler<F, Fut>(self, action: impl Into<String>, f: F) -> Self
    where
        F: Fn(RpcRequest) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<Value, ApiError>> + Send + 'static,
    {
        self.boxed_handler(action, Arc::new(move |r| Box::pin(f(r))))
    }

    /// Registers the typed handler of `op`: the call's parameters are checked against the
    /// schema (vendor 4xx on a fault), decoded into `Req`, and the `Resp` answered as JSON.
    pub fn operation<Req, Resp, F, Fut>(self, op: &'static OperationSchema, f: F) -> Self
    where
        Req: DeserializeOwned + Send + 'static,
        Resp: Serialize + 'static,
        F: Fn(Req, Call) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<Resp, ApiError>> + Send + 'static,
    {
        let f = Arc::new(f);
        let this = match &op.version {
            Some(v) => self.action_version(op.id.clone(), v.clone()),
            None => self,
        };
        this.handler(op.id.clone(), move |r: RpcRequest| {
            let input = super::validate::rpc_input_in(op, &r.params, r.validation, &r.outcome)
                .and_then(|v| {
                    super::validate::into_model::<Req>(&op.id, v).map_err(|e| r.outcome.fault(e))
                });
            let call = Call {
                operation: r.action,
                request_id: r.request_id,
                headers: r.headers,
                verified: r.verified,
            };
            let f = f.clone();
            async move {
                let resp = f(input?, call).await?;
                serde_json::to_value(resp).map_err(ApiError::internal)
            }
        })
    }

    /// Answers `action` under API `version` instead of the service's (an operation of another
    /// product: its calls carry that product's `Version`).
    pub fn action_version(mut self, action: impl Into<String>, version: impl Into<String>) -> Self {
        self.action_versions.insert(action.into(), version.into());
        self
    }

    /// Registers an already boxed handler.
    pub fn boxed_handler(mut self, action: impl Into<String>, h: RpcHandler) -> Self {
        self.handlers.insert(action.into(), h);
        self
    }

    /// Replaces every handler with `wrap(action, handler)` (mocks: recording, overrides).
    pub fn wrap(mut self, wrap: impl Fn(&str, RpcHandler) -> RpcHandler) -> Self {
        self.handlers = std::mem::take(&mut self.handlers)
            .into_iter()
            .map(|(a, h)| {
                let w = wrap(&a, h);
                (a, w)
            })
            .collect();
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

    /// The API version.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// The registered actions, sorted.
    pub fn actions(&self) -> impl Iterator<Item = &str> {
        self.handlers.keys().map(String::as_str)
    }

    /// The axum router answering every path (unknown paths get a vendor 404).
    pub fn into_router(self) -> Router {
        Router::new().fallback(dispatch).with_state(Arc::new(self))
    }
}

/// Where the action and version come from.
fn locate(inc: &Incoming, params: &Params) -> Result<(String, String), ApiError> {
    let path = inc.parts.uri.path();
    if let Some(rest) = path.strip_prefix("/rpc/") {
        let mut it = rest.trim_end_matches('/').split('/');
        return match (it.next(), it.next(), it.next()) {
            (Some(v), Some(a), None) if !v.is_empty() && !a.is_empty() => Ok((
                crate::sign::percent_decode(a),
                crate::sign::percent_decode(v),
            )),
            _ => Err(ApiError::api_not_found(inc.parts.method.as_str(), path)),
        };
    }
    if path != "/" {
        return Err(ApiError::api_not_found(inc.parts.method.as_str(), path));
    }
    // V3 requests carry the action in headers; v1 requests in the parameters.
    let action = inc
        .header("x-acs-action")
        .map(str::to_owned)
        .or_else(|| params.get("Action").map(str::to_owned))
        .filter(|a| !a.is_empty())
        .ok_or_else(|| ApiError::missing_parameter("Action"))?;
    let version = inc
        .header("x-acs-version")
        .map(str::to_owned)
        .or_else(|| params.get("Version").map(str::to_owned))
        .filter(|v| !v.is_empty())
        .ok_or_else(|| ApiError::missing_parameter("Version"))?;
    Ok((action, version))
}

async fn dispatch(State(svc): State<Arc<RpcService>>, req: Request<Body>) -> Response {
    let flavor = Flavor::Alibaba;
    let request_id = flavor.new_request_id();
    let inc = match Incoming::read(req, svc.options.body_limit).await {
        Ok(i) => i,
        Err((inc, e)) => return flavor.render(&e, &request_id, &inc.host, false),
    };
    let form = if inc.is_form() {
        crate::rpc::parse_form(&String::from_utf8_lossy(&inc.body))
    } else {
        Vec::new()
    };
    let mut params = Params(inc.query.clone());
    params.0.extend(form.iter().cloned());
    let format_sent = params.get("Format");
    let format = format_sent.unwrap_or_default();
    let xml_wanted = format.eq_ignore_ascii_case("xml");
    let fail = |e: ApiError| flavor.render(&e, &request_id, &inc.host, xml_wanted);
    // `Format` takes JSON (the default when it is absent) or XML in every Alibaba document;
    // anything else, an empty value included, is a client fault, not a request for the default.
    if format_sent.is_some() && !(xml_wanted || format.eq_ignore_ascii_case("json")) {
        return fail(ApiError::invalid_parameter(
            "Format",
            format_args!("{format:?} is neither JSON nor XML"),
        ));
    }

    if !matches!(inc.parts.method, Method::GET | Method::POST) {
        return fail(ApiError::api_not_found(
            inc.parts.method.as_str(),
            inc.parts.uri.path(),
        ));
    }
    let (action, version) = match locate(&inc, &params) {
        Ok(av) => av,
        Err(e) => return fail(e),
    };
    let expected = svc.action_versions.get(&action).unwrap_or(&svc.version);
    if &version != expected {
        return fail(ApiError::invalid_version(&version, expected));
    }
    let Some(handler) = svc.handlers.get(&action) else {
        return fail(ApiError::action_not_found(&action));
    };
    let verified = match &svc.options.verifier {
        None => None,
        Some(v) => match v.verify(&inc.sign_input(), &form) {
            Ok(ok) => Some(ok),
            Err(e) => return fail(ApiError::from_verify(&e)),
        },
    };
    let call = RpcRequest {
        action: action.clone(),
        version,
        method: inc.parts.method.as_str().to_owned(),
        params,
        headers: inc.headers.clone(),
        request_id: request_id.clone(),
        verified,
        validation: Validation::Strict,
        outcome: Outcome::default(),
    };
    let outcome = call.outcome.clone();
    let result = guarded(handler(call)).await;
    outcome.set_status(match &result {
        Ok(_) => 200,
        Err(e) => e.status,
    });
    match result {
        Ok(body) => {
            let body = with_request_id(body, &request_id);
            let mut resp = if xml_wanted {
                xml_response(xml::to_xml(&format!("{action}Response"), &body))
            } else {
                json_response(&body)
            };
            set_header(&mut resp, flavor.request_id_header(), &request_id);
            if let Some(v) = outcome.header_value() {
                set_header(&mut resp, super::validate::VIOLATIONS_HEADER, &v);
            }
            resp
        }
        Err(e) => fail(e),
    }
}

/// Puts `RequestId` first in an object answer that lacks it (Alibaba answers always carry one).
fn with_request_id(body: Value, request_id: &str) -> Value {
    match body {
        Value::Object(m) if !m.contains_key("RequestId") => {
            let mut out = Map::with_capacity(m.len() + 1);
            out.insert("RequestId".into(), Value::String(request_id.to_owned()));
            out.extend(m);
            Value::Object(out)
        }
        Value::Null => serde_json::json!({ "RequestId": request_id }),
        other => other,
    }
}
