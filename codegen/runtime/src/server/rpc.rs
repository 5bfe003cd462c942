//! The Alibaba RPC front door.
//!
//! `GET /` (query) and `POST /` (query + `application/x-www-form-urlencoded` body) dispatch by
//! `Action` from the parameters (v1-signed requests) or from the `x-acs-action` header
//! (V3-signed ones), with `Version` / `x-acs-version` checked. `/rpc/{version}/{action}` maps to
//! the same dispatch for tools driven by an OpenAPI document. `Format=XML` answers in XML under
//! `<{Action}Response>`.

use std::collections::BTreeMap;
use std::future::Future;
use std::sync::{Arc, OnceLock};

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{Method, Request};
use axum::response::Response;
use axum::Router;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Value};

use super::errors::{
    bytes_response, set_header, ApiError, Flavor, JSON_CONTENT_TYPE, XML_CONTENT_TYPE,
};
use super::params::{FromParam, Params};
use super::validate::{Outcome, Validation};
use super::{
    constant_answer, guarded, xml, BoxFuture, Call, ConstantAnswers, ConstantSlot, Incoming,
    Received, ServerOptions, Verifier,
};
use crate::schema::OperationSchema;
use crate::sign::verify::Verified;
use crate::sign::SignInput;

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
    /// The request as received (what a mock records, shared rather than copied).
    pub received: Received,
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
pub type RpcHandler =
    Arc<dyn Fn(RpcRequest) -> BoxFuture<Result<RpcAnswer, ApiError>> + Send + Sync>;

/// What an RPC handler answers. The front door adds `RequestId` first when the answer's
/// object lacks it and renders XML for `Format=XML`.
#[derive(Debug, Clone)]
pub enum RpcAnswer {
    /// A JSON value.
    Value(Value),
    /// A typed answer serialized straight to JSON text (no [`Value`] built on the way: under
    /// load, building its maps was the largest part of a mock's own time).
    Json(Bytes),
    /// An answer prepared once and shared by every request that gets it (a mock's stateless
    /// answer): its JSON and XML texts are built once.
    Prepared(Arc<Prepared>),
}

impl From<Value> for RpcAnswer {
    fn from(v: Value) -> Self {
        RpcAnswer::Value(v)
    }
}

/// An answer rendered once (see [`RpcAnswer::Prepared`]).
#[derive(Debug)]
pub struct Prepared {
    value: Value,
    json: Bytes,
    /// Whether `RequestId` must be added (an object without it, or `null`).
    needs_id: bool,
    /// The XML text under `<{Action}Response>`, built on the first XML request.
    xml: OnceLock<(String, Bytes)>,
}

impl Prepared {
    /// The answer `value`, serialized once.
    pub fn new(value: Value) -> Self {
        let json = Bytes::from(serde_json::to_vec(&value).unwrap_or_else(|_| b"null".to_vec()));
        Self::with_json(value, json)
    }

    /// The answer `value` with its JSON text already made (`json` must be `value` serialized).
    pub fn with_json(value: Value, json: Bytes) -> Self {
        let needs_id = match &value {
            Value::Object(m) => !m.contains_key("RequestId"),
            Value::Null => true,
            _ => false,
        };
        Self {
            value,
            json,
            needs_id,
            xml: OnceLock::new(),
        }
    }

    /// The answer as a value.
    pub fn value(&self) -> &Value {
        &self.value
    }

    fn json_with(&self, request_id: &str) -> Bytes {
        if self.needs_id {
            splice_request_id(&self.json, request_id)
        } else {
            self.json.clone()
        }
    }

    fn xml_with(&self, action: &str, request_id: &str) -> Bytes {
        let root = format!("{action}Response");
        let text = match self.xml.get() {
            Some((r, text)) if *r == root => text.clone(),
            Some(_) => Bytes::from(xml::to_xml(&root, &self.value)),
            None => {
                let text = Bytes::from(xml::to_xml(&root, &self.value));
                let _ = self.xml.set((root.clone(), text.clone()));
                text
            }
        };
        if !self.needs_id {
            return text;
        }
        let at = xml::members_offset(&root);
        let id = xml::text_element("RequestId", request_id);
        let mut out = Vec::with_capacity(text.len() + id.len());
        out.extend_from_slice(&text[..at]);
        out.extend_from_slice(id.as_bytes());
        out.extend_from_slice(&text[at..]);
        out.into()
    }
}

/// `json` (compact JSON text) with `"RequestId"` as the first member of its object (`null`
/// becomes `{"RequestId": …}`); other texts unchanged.
fn splice_request_id(json: &[u8], request_id: &str) -> Bytes {
    let id = serde_json::to_string(request_id).unwrap_or_else(|_| "\"\"".to_owned());
    let member = format!("\"RequestId\":{id}");
    match json.first() {
        Some(b'{') => {
            let rest = &json[1..];
            let mut out = Vec::with_capacity(json.len() + member.len() + 1);
            out.push(b'{');
            out.extend_from_slice(member.as_bytes());
            if rest.first() != Some(&b'}') {
                out.push(b',');
            }
            out.extend_from_slice(rest);
            out.into()
        }
        _ if json == b"null" => format!("{{{member}}}").into(),
        _ => Bytes::copy_from_slice(json),
    }
}

/// Whether the top level of the JSON text `json` is an object with a member `key`: read
/// without building the document, up to that member.
fn has_top_level_member(json: &[u8], key: &str) -> bool {
    use serde::de::{Deserializer as _, Error as _, IgnoredAny, MapAccess, Visitor};
    use std::cell::Cell;
    struct Finder<'k> {
        key: &'k str,
        found: &'k Cell<bool>,
    }
    struct Key<'k>(&'k str);
    impl<'de> serde::de::DeserializeSeed<'de> for Key<'_> {
        type Value = bool;
        fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
            d.deserialize_str(self)
        }
    }
    impl Visitor<'_> for Key<'_> {
        type Value = bool;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a key")
        }
        fn visit_str<E>(self, v: &str) -> Result<bool, E> {
            Ok(v == self.0)
        }
    }
    impl<'de> Visitor<'de> for Finder<'_> {
        type Value = ();
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("an object")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
            while let Some(hit) = map.next_key_seed(Key(self.key))? {
                if hit {
                    self.found.set(true);
                    // Stop reading: the rest of the document does not matter.
                    return Err(A::Error::custom("found"));
                }
                map.next_value::<IgnoredAny>()?;
            }
            Ok(())
        }
    }
    let found = Cell::new(false);
    let _ =
        serde_json::Deserializer::from_slice(json).deserialize_map(Finder { key, found: &found });
    found.get()
}

impl RpcAnswer {
    /// The JSON text answered, with `RequestId` added first when the object lacks it.
    fn json(self, request_id: &str) -> Bytes {
        match self {
            RpcAnswer::Value(v) => {
                let v = with_request_id(v, request_id);
                Bytes::from(serde_json::to_vec(&v).unwrap_or_else(|_| b"null".to_vec()))
            }
            RpcAnswer::Json(b) => {
                let object_or_null = b.first() == Some(&b'{') || *b == *b"null";
                if object_or_null && !has_top_level_member(&b, "RequestId") {
                    splice_request_id(&b, request_id)
                } else {
                    b
                }
            }
            RpcAnswer::Prepared(p) => p.json_with(request_id),
        }
    }

    /// The XML text answered under `<{action}Response>`.
    fn xml(self, action: &str, request_id: &str) -> Bytes {
        let v = match self {
            RpcAnswer::Value(v) => v,
            RpcAnswer::Json(b) => serde_json::from_slice(&b).unwrap_or(Value::Null),
            RpcAnswer::Prepared(p) => return p.xml_with(action, request_id),
        };
        Bytes::from(xml::to_xml(
            &format!("{action}Response"),
            &with_request_id(v, request_id),
        ))
    }
}

/// A dispatch table of one API version: action → handler.
#[derive(Clone)]
pub struct RpcService {
    version: String,
    /// Actions answered under another API version than `version` (another product's).
    action_versions: BTreeMap<String, String>,
    handlers: BTreeMap<String, RpcHandler>,
    options: ServerOptions,
    constant: ConstantSlot,
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
            constant: ConstantSlot::default(),
        }
    }

    /// Answers the typed operations whose answer is constant without calling their handlers
    /// (see [`ConstantAnswers`]): a stateless mock's answers, rendered once per operation.
    pub fn constant_answers(self, answers: impl ConstantAnswers) -> Self {
        let _ = self.constant.set(Arc::new(answers));
        self
    }

    /// Registers the handler of `action`. The handler returns the response object; the
    /// dispatcher adds `RequestId` when it is missing.
    pub fn handler<F, Fut>(self, action: impl Into<String>, f: F) -> Self
    where
        F: Fn(RpcRequest) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<Value, ApiError>> + Send + 'static,
    {
        self.boxed_handler(
            action,
            Arc::new(move |r| {
                let fut = f(r);
                Box::pin(async move { fut.await.map(RpcAnswer::Value) })
            }),
        )
    }

    /// Registers a handler of `action` answering an [`RpcAnswer`] (a prepared answer, JSON
    /// text, or a value).
    pub fn answer_handler<F, Fut>(self, action: impl Into<String>, f: F) -> Self
    where
        F: Fn(RpcRequest) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<RpcAnswer, ApiError>> + Send + 'static,
    {
        self.boxed_handler(action, Arc::new(move |r| Box::pin(f(r))))
    }

    /// Registers the typed handler of `op`: the call's parameters are checked against the
    /// schema (vendor 4xx on a fault), decoded into `Req`, and the `Resp` answered as JSON.
    pub fn operation<Req, Resp, F, Fut>(self, op: &'static OperationSchema, f: F) -> Self
    where
        Req: DeserializeOwned + Send + 'static,
        Resp: Serialize + DeserializeOwned + 'static,
        F: Fn(Req, Call) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<Resp, ApiError>> + Send + 'static,
    {
        let f = Arc::new(f);
        let this = match &op.version {
            Some(v) => self.action_version(op.id.clone(), v.clone()),
            None => self,
        };
        let constant = this.constant.clone();
        let cache: Arc<OnceLock<Option<Arc<Prepared>>>> = Arc::default();
        this.answer_handler(op.id.clone(), move |r: RpcRequest| {
            let input = super::validate::rpc_checked(
                op,
                &r.params,
                r.validation,
                &r.outcome,
                super::validate::Output::Build,
            )
            .and_then(|v| {
                super::validate::into_model::<Req>(&op.id, v).map_err(|e| r.outcome.fault(e))
            });
            if input.is_ok() {
                let prepared = constant_answer(&constant, &cache, &op.id, |resp: Resp| {
                    Some(Arc::new(Prepared::new(serde_json::to_value(resp).ok()?)))
                });
                if let Some(p) = prepared {
                    return Box::pin(std::future::ready(Ok(RpcAnswer::Prepared(p))))
                        as BoxFuture<Result<RpcAnswer, ApiError>>;
                }
            }
            let call = Call {
                operation: r.action,
                request_id: r.request_id,
                headers: r.headers,
                verified: r.verified,
            };
            let xml_wanted = wants_xml(&r.params);
            let f = f.clone();
            Box::pin(async move {
                let resp = f(input?, call).await?;
                // JSON straight to bytes; XML is rendered from the value.
                if xml_wanted {
                    serde_json::to_value(resp)
                        .map(RpcAnswer::Value)
                        .map_err(ApiError::internal)
                } else {
                    serde_json::to_vec(&resp)
                        .map(|b| RpcAnswer::Json(b.into()))
                        .map_err(ApiError::internal)
                }
            })
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

/// Whether the call asks for `Format=XML`.
fn wants_xml(params: &Params) -> bool {
    params
        .get("Format")
        .is_some_and(|f| f.eq_ignore_ascii_case("xml"))
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
    let mut inc = match Incoming::read(req, svc.options.body_limit).await {
        Ok(i) => i,
        Err((inc, e)) => return flavor.render(&e, &request_id, &inc.host, false),
    };
    let form = if inc.is_form() {
        crate::rpc::parse_form(&String::from_utf8_lossy(&inc.body))
    } else {
        Vec::new()
    };
    // Query then form, moved rather than copied; the query part stays for the signature check.
    let query_len = inc.query.len();
    let mut params = Params(std::mem::take(&mut inc.query));
    params.0.extend(form);
    let host = std::mem::take(&mut inc.host);
    let format_sent = params.get("Format");
    let format = format_sent.unwrap_or_default();
    let xml_wanted = format.eq_ignore_ascii_case("xml");
    let fail = |e: ApiError| flavor.render(&e, &request_id, &host, xml_wanted);
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
        Some(v) => {
            let (query, form) = params.0.split_at(query_len);
            let input = SignInput {
                query,
                host: &host,
                ..inc.sign_input()
            };
            match v.verify(&input, form) {
                Ok(ok) => Some(ok),
                Err(e) => return fail(ApiError::from_verify(&e)),
            }
        }
    };
    let call = RpcRequest {
        action: action.clone(),
        version,
        method: inc.parts.method.as_str().to_owned(),
        params,
        received: inc.received(),
        headers: std::mem::take(&mut inc.headers),
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
        Ok(answer) => {
            let mut resp = if xml_wanted {
                bytes_response(answer.xml(&action, &request_id), XML_CONTENT_TYPE)
            } else {
                bytes_response(answer.json(&request_id), JSON_CONTENT_TYPE)
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Every kind of answer renders as the value path does: `RequestId` first when missing.
    #[test]
    fn answers_render_alike_whichever_form_they_take() {
        for v in [
            json!({"Total": 2, "Items": [{"RequestId": "nested"}]}),
            json!({}),
            json!({"RequestId": "R0", "Total": 1}),
            json!({"Total": 1, "RequestId": "R0"}),
            json!({"Na\"me": "x", "RequestId\u{0}": 1}),
            Value::Null,
            json!([1, 2]),
            json!("text"),
        ] {
            let want_json = serde_json::to_vec(&with_request_id(v.clone(), "ID")).unwrap();
            let want_xml = xml::to_xml("OpResponse", &with_request_id(v.clone(), "ID"));
            let bytes = Bytes::from(serde_json::to_vec(&v).unwrap());
            let prepared = Arc::new(Prepared::new(v.clone()));
            for answer in [
                RpcAnswer::Value(v.clone()),
                RpcAnswer::Json(bytes.clone()),
                RpcAnswer::Prepared(prepared.clone()),
            ] {
                let got: Value = serde_json::from_slice(&answer.clone().json("ID")).unwrap();
                let want: Value = serde_json::from_slice(&want_json).unwrap();
                assert_eq!(got, want, "{v} as {answer:?}");
                // Twice: the prepared XML is built once, then shared.
                for _ in 0..2 {
                    let xml = answer.clone().xml("Op", "ID");
                    assert_eq!(std::str::from_utf8(&xml).unwrap(), want_xml, "{v}");
                }
            }
        }
    }

    struct Fixed(Value, bool);
    impl ConstantAnswers for Fixed {
        fn constant(&self, _: &str) -> Option<Vec<&Value>> {
            self.1.then(|| vec![&self.0])
        }
    }

    /// With constant answers, a typed operation answers the candidate rendered once and never
    /// calls its handler; without (or when the answer is not constant), the handler answers.
    #[tokio::test]
    async fn constant_answers_skip_the_handler() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let schema: &'static crate::schema::ServiceSchema = Box::leak(Box::new(
            crate::schema::ServiceSchema::from_json(
                &json!({"service": "t", "protocol": "alibaba-rpc", "version": "v",
                    "operations": [{"id": "Op", "method": "GET", "path": "/",
                        "success_status": 200, "response": {"type": "object"}}]})
                .to_string(),
            )
            .unwrap(),
        ));
        let op = schema.operation("Op").unwrap();
        for constant in [true, false] {
            let calls = Arc::new(AtomicUsize::new(0));
            let seen = calls.clone();
            let svc = RpcService::new("v")
                .operation(op, move |_: Value, _| {
                    seen.fetch_add(1, Ordering::Relaxed);
                    std::future::ready(Ok(json!({"From": "handler"})))
                })
                .constant_answers(Fixed(json!({"From": "constant"}), constant));
            let handler = svc.handlers.get("Op").unwrap().clone();
            for _ in 0..3 {
                let req = RpcRequest {
                    action: "Op".into(),
                    version: "v".into(),
                    method: "GET".into(),
                    params: Params::default(),
                    headers: vec![],
                    request_id: "ID".into(),
                    verified: None,
                    validation: Validation::Strict,
                    outcome: Outcome::default(),
                    received: Received::default(),
                };
                let answer = handler(req).await.unwrap();
                let body: Value = serde_json::from_slice(&answer.json("ID")).unwrap();
                let from = if constant { "constant" } else { "handler" };
                assert_eq!(body, json!({"RequestId": "ID", "From": from}));
            }
            assert_eq!(calls.load(Ordering::Relaxed), if constant { 0 } else { 3 });
        }
    }

    #[test]
    fn top_level_members_are_found_without_reading_nested_ones() {
        assert!(has_top_level_member(
            br#"{"A":1,"RequestId":"x"}"#,
            "RequestId"
        ));
        assert!(has_top_level_member(
            br#"{"Req\u0075estId":"x"}"#,
            "RequestId"
        ));
        assert!(!has_top_level_member(
            br#"{"A":{"RequestId":"x"}}"#,
            "RequestId"
        ));
        assert!(!has_top_level_member(
            br#"[{"RequestId":"x"}]"#,
            "RequestId"
        ));
        assert!(!has_top_level_member(b"null", "RequestId"));
        assert!(!has_top_level_member(b"{", "RequestId"));
    }
}
