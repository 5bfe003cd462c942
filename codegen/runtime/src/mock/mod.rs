//! Mock support for generated mock crates (feature `mock`).
//!
//! * [`Mock`]: records every request ([`Recorded`]) and applies per-operation overrides — a
//!   fixed response, a vendor error, a closure, a delay, a failure rate drawn from a seeded RNG
//!   (deterministic across runs) — around the default behaviour (the documented example).
//!   [`Mock::wrap_rpc`] / [`Mock::wrap_rest`] install it around every handler of a service.
//! * [`Store`]: an in-memory resource store for `--stateful` mocks; [`Mock::admin_router`]:
//!   `/_apigen/requests` and `/_apigen/reset` for tests in another process.
//! * [`Answers`]: what a generated mock answers per operation — the documented example, a
//!   value generated from the response shape, or (stateful mode) the store's view.
//! * `conformance` (with feature `client`): the spec-driven faulty requests the generated mock
//!   crates' tests send; `testing`: what their stateful and waiter tests share (the cases read
//!   once, requests built from them, a signed client of a mock).
//! * [`generate`]: a deterministic value built from a small JSON-Schema-like description, for
//!   operations without a documented example.

pub mod answers;
pub mod conform;
#[cfg(feature = "client")]
pub mod conformance;
pub mod dynamic;
pub mod page;
pub mod stateful;
#[cfg(feature = "client")]
pub mod stateful_check;
#[cfg(feature = "client")]
pub mod testing;
#[cfg(feature = "client")]
pub mod waiter_check;

pub use answers::{shape_schema, Answers};
pub use dynamic::{DataMock, Mount};
pub use stateful::{Action, ClockError, LifecycleClock, Plan, StateFileError, Stateful, Store};

use std::collections::{BTreeMap, VecDeque};
use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime};

use serde_json::{json, Map, Value};

use crate::server::rest::{RestHandler, RestResponse};
use crate::server::rpc::{RpcAnswer, RpcHandler};
use crate::server::validate::{Outcome, Validation};
use crate::server::{ApiError, Received, RestService, RpcService};

/// One received request.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Recorded {
    /// Operation (action) name.
    pub operation: String,
    /// HTTP method.
    pub method: String,
    /// Request path.
    pub path: String,
    /// RPC parameters (query + form) or REST query and path parameters, in order.
    pub params: Vec<(String, String)>,
    /// JSON body (REST), if any.
    pub body: Option<Value>,
    /// Request headers.
    pub headers: Vec<(String, String)>,
    /// When it arrived (serialized as Unix milliseconds).
    #[serde(serialize_with = "unix_millis")]
    pub time: SystemTime,
    /// The request id it was answered with.
    pub request_id: String,
    /// The status answered and the violations of the spec found (serialized as `status` and
    /// `violations`, each violation with the document line of the rule it breaks).
    #[serde(flatten)]
    pub outcome: Outcome,
}

fn unix_millis<S: serde::Serializer>(t: &SystemTime, s: S) -> Result<S::Ok, S::Error> {
    let ms = t
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0);
    s.serialize_u64(ms)
}

/// A record as the recorder keeps it: a [`Recorded`] given to [`Mock::call`], or the request as
/// received, whose parameters, headers and body are read only when a test asks for the record
/// (recording a request copied its parameters and headers on every call: under load, a tenth
/// of a mock's own time).
#[derive(Debug)]
enum Entry {
    Ready(Recorded),
    Raw(Raw),
}

#[derive(Debug)]
struct Raw {
    operation: Arc<str>,
    /// REST: the path parameters of the matched route (`None` for RPC).
    path_params: Option<Vec<(String, String)>>,
    received: Received,
    time: SystemTime,
    request_id: String,
    outcome: Outcome,
}

impl Entry {
    fn operation(&self) -> &str {
        match self {
            Entry::Ready(r) => &r.operation,
            Entry::Raw(r) => &r.operation,
        }
    }

    /// The record, read from the request when it was kept raw.
    fn recorded(&self) -> Recorded {
        match self {
            Entry::Ready(r) => r.clone(),
            Entry::Raw(r) => r.recorded(),
        }
    }

    /// `f` applied to the record (read first when kept raw).
    fn with<T>(&self, f: impl FnOnce(&Recorded) -> T) -> T {
        match self {
            Entry::Ready(r) => f(r),
            Entry::Raw(r) => f(&r.recorded()),
        }
    }
}

impl Raw {
    /// What the front doors' handlers saw: RPC parameters are the query then the form body,
    /// REST ones the path parameters then the query, and a REST JSON body is parsed again.
    fn recorded(&self) -> Recorded {
        let rx = &self.received;
        let headers = rx.header_pairs();
        let content_type = crate::sign::header(&headers, "content-type");
        let query = rx.query().map(crate::rpc::parse_form).unwrap_or_default();
        let (path, params, body) = match &self.path_params {
            None => {
                let mut params = query;
                if crate::server::is_form(content_type) {
                    params.extend(crate::rpc::parse_form(&String::from_utf8_lossy(rx.body())));
                }
                ("/".to_owned(), params, None)
            }
            Some(path_params) => {
                let mut params = path_params.clone();
                params.extend(query);
                let body =
                    crate::server::rest::json_body(content_type, rx.body()).and_then(Result::ok);
                (rx.path().to_owned(), params, body)
            }
        };
        Recorded {
            operation: self.operation.to_string(),
            method: rx.method().as_str().to_owned(),
            path,
            params,
            body,
            headers,
            time: self.time,
            request_id: self.request_id.clone(),
            outcome: self.outcome.clone(),
        }
    }
}

impl Recorded {
    /// The first parameter named `name`.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Path of the record listing (see [`Mock::admin_router`]).
pub const ADMIN_REQUESTS: &str = "/_apigen/requests";
/// Path of the reset endpoint (see [`Mock::admin_router`]).
pub const ADMIN_RESET: &str = "/_apigen/reset";

/// An override closure.
pub type MockFn = Arc<dyn Fn(&Recorded) -> Result<Value, ApiError> + Send + Sync>;

/// What an override answers.
#[derive(Clone)]
pub enum Behavior {
    /// This body (REST: with the route's success status).
    Fixed(Value),
    /// This error.
    Error(ApiError),
    /// Whatever the closure returns for the request.
    Closure(MockFn),
}

impl std::fmt::Debug for Behavior {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Behavior::Fixed(v) => f.debug_tuple("Fixed").field(v).finish(),
            Behavior::Error(e) => f.debug_tuple("Error").field(e).finish(),
            Behavior::Closure(_) => f.write_str("Closure(..)"),
        }
    }
}

/// The overrides of one operation.
#[derive(Debug, Clone, Default)]
pub struct Override {
    /// Replaces the default answer.
    pub behavior: Option<Behavior>,
    /// Waits this long before answering.
    pub delay: Option<Duration>,
    /// Answers this error with this probability (0.0–1.0) instead of the normal answer.
    pub failure: Option<(f64, ApiError)>,
}

/// How many requests a [`Mock`] keeps (the most recent ones): older records are dropped so a
/// mock under sustained load (or a long-running mock binary) does not grow without bound — it
/// grew by about 1.2 kB per request. [`Mock::count`] stays exact.
pub const RECORD_LIMIT: usize = 10_000;

struct State {
    /// The most recent [`RECORD_LIMIT`] requests.
    records: VecDeque<Arc<Entry>>,
    /// Requests per operation since the last reset, including dropped records.
    counts: BTreeMap<String, usize>,
    overrides: BTreeMap<String, Override>,
    rng: fastrand::Rng,
}

/// Recorder and overrides shared by every handler of a mock service. Cheap to clone.
#[derive(Clone)]
pub struct Mock {
    state: Arc<Mutex<State>>,
    /// The validation mode: [`Validation::Report`] when set (read on every request, so not
    /// behind the state's lock).
    report: Arc<AtomicBool>,
}

impl std::fmt::Debug for Mock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let s = self.lock();
        f.debug_struct("Mock")
            .field("records", &s.records.len())
            .field("overrides", &s.overrides)
            .finish()
    }
}

impl Default for Mock {
    fn default() -> Self {
        Self::new(0)
    }
}

impl Mock {
    /// A mock whose failure-rate draws come from an RNG seeded with `seed`.
    pub fn new(seed: u64) -> Self {
        Self {
            state: Arc::new(Mutex::new(State {
                records: VecDeque::new(),
                counts: BTreeMap::new(),
                overrides: BTreeMap::new(),
                rng: fastrand::Rng::with_seed(seed),
            })),
            report: Arc::new(AtomicBool::new(false)),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panicking handler cannot leave the state inconsistent (every update is one push or
        // insert), so a poisoned lock is still usable.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn edit(&self, operation: &str, f: impl FnOnce(&mut Override)) {
        f(self
            .lock()
            .overrides
            .entry(operation.to_owned())
            .or_default());
    }

    /// How the wrapped handlers treat requests that break the spec (`--validation`; strict
    /// by default). Kept by [`Self::reset_all`].
    pub fn set_validation(&self, mode: Validation) {
        self.report
            .store(mode == Validation::Report, Ordering::Relaxed);
    }

    /// The validation mode.
    pub fn validation(&self) -> Validation {
        if self.report.load(Ordering::Relaxed) {
            Validation::Report
        } else {
            Validation::Strict
        }
    }

    /// Answers `operation` with `body`.
    pub fn respond(&self, operation: &str, body: Value) {
        self.edit(operation, |o| o.behavior = Some(Behavior::Fixed(body)));
    }

    /// Answers `operation` with `error`.
    pub fn fail(&self, operation: &str, error: ApiError) {
        self.edit(operation, |o| o.behavior = Some(Behavior::Error(error)));
    }

    /// Answers `operation` with whatever `f` returns.
    pub fn with(
        &self,
        operation: &str,
        f: impl Fn(&Recorded) -> Result<Value, ApiError> + Send + Sync + 'static,
    ) {
        self.edit(operation, |o| {
            o.behavior = Some(Behavior::Closure(Arc::new(f)))
        });
    }

    /// Delays every answer of `operation`.
    pub fn delay(&self, operation: &str, delay: Duration) {
        self.edit(operation, |o| o.delay = Some(delay));
    }

    /// Makes `operation` answer `error` with probability `rate`.
    pub fn failure_rate(&self, operation: &str, rate: f64, error: ApiError) {
        self.edit(operation, |o| {
            o.failure = Some((rate.clamp(0.0, 1.0), error))
        });
    }

    /// Removes the overrides of `operation`.
    pub fn reset(&self, operation: &str) {
        self.lock().overrides.remove(operation);
    }

    /// Removes every override and record.
    pub fn reset_all(&self) {
        let mut s = self.lock();
        s.overrides.clear();
        s.records.clear();
        s.counts.clear();
    }

    /// Every recorded request, oldest first (the most recent [`RECORD_LIMIT`]).
    pub fn requests(&self) -> Vec<Recorded> {
        self.entries(|_| true)
            .iter()
            .map(|e| e.recorded())
            .collect()
    }

    /// The recorded requests of `operation` (among the most recent [`RECORD_LIMIT`]).
    pub fn requests_of(&self, operation: &str) -> Vec<Recorded> {
        self.entries(|e| e.operation() == operation)
            .iter()
            .map(|e| e.recorded())
            .collect()
    }

    /// The entries `keep` selects, oldest first (read outside the lock).
    fn entries(&self, keep: impl Fn(&Entry) -> bool) -> Vec<Arc<Entry>> {
        self.lock()
            .records
            .iter()
            .filter(|e| keep(e))
            .cloned()
            .collect()
    }

    /// How many requests `operation` received since the last reset (exact, also beyond
    /// [`RECORD_LIMIT`]).
    pub fn count(&self, operation: &str) -> usize {
        self.lock().counts.get(operation).copied().unwrap_or(0)
    }

    /// The last request of `operation`.
    pub fn last(&self, operation: &str) -> Option<Recorded> {
        let entry = self
            .lock()
            .records
            .iter()
            .rev()
            .find(|e| e.operation() == operation)
            .cloned();
        entry.map(|e| e.recorded())
    }

    /// Records `req` and answers it: the override if any (after its delay and failure draw),
    /// else `default`.
    pub async fn call<F>(&self, req: Recorded, default: F) -> Result<Option<Value>, ApiError>
    where
        F: Future<Output = Result<Option<Value>, ApiError>>,
    {
        self.answer(Entry::Ready(req), default, Some).await
    }

    /// Records `entry` and answers it: the override if any (after its delay and failure draw;
    /// a body override made a `T` by `fixed`), else `default`.
    async fn answer<T, F>(
        &self,
        entry: Entry,
        default: F,
        fixed: impl FnOnce(Value) -> T,
    ) -> Result<T, ApiError>
    where
        F: Future<Output = Result<T, ApiError>>,
    {
        // Shared between the record and a closure override, so recording does not copy it.
        let entry = Arc::new(entry);
        let (ov, fails) = {
            let mut s = self.lock();
            let operation = entry.operation();
            let ov = s.overrides.get(operation).cloned().unwrap_or_default();
            let fails = match &ov.failure {
                Some((rate, _)) => s.rng.f64() < *rate,
                None => false,
            };
            match s.counts.get_mut(operation) {
                Some(n) => *n += 1,
                None => {
                    s.counts.insert(operation.to_owned(), 1);
                }
            }
            if s.records.len() >= RECORD_LIMIT {
                s.records.pop_front();
            }
            s.records.push_back(entry.clone());
            (ov, fails)
        };
        if let Some(d) = ov.delay {
            tokio::time::sleep(d).await;
        }
        if fails {
            if let Some((_, e)) = ov.failure {
                return Err(e);
            }
        }
        match ov.behavior {
            Some(Behavior::Fixed(v)) => Ok(fixed(v)),
            Some(Behavior::Error(e)) => Err(e),
            Some(Behavior::Closure(f)) => entry.with(|r| f(r)).map(fixed),
            None => default.await,
        }
    }

    /// Routes for tests in another process (the mock binaries): `GET /_apigen/requests` lists
    /// the records as JSON, `POST /_apigen/reset` clears records and overrides. Merge it with a
    /// service router: `svc.into_router().merge(mock.admin_router())`.
    pub fn admin_router(&self) -> axum::Router {
        let list = self.clone();
        let reset = self.clone();
        axum::Router::new()
            .route(
                ADMIN_REQUESTS,
                axum::routing::get(move || {
                    let m = list.clone();
                    async move {
                        let v = serde_json::to_value(m.requests()).unwrap_or(Value::Null);
                        crate::server::errors::json_response(&v)
                    }
                }),
            )
            .route(
                ADMIN_RESET,
                axum::routing::post(move || {
                    let m = reset.clone();
                    async move {
                        m.reset_all();
                        crate::server::errors::json_response(&json!({"reset": true}))
                    }
                }),
            )
    }

    /// Wraps every handler of `svc` with recording and overrides.
    pub fn wrap_rpc(&self, svc: RpcService) -> RpcService {
        svc.wrap(|action, inner: RpcHandler| {
            let mock = self.clone();
            let action: Arc<str> = action.into();
            Arc::new(move |mut req| {
                let mock = mock.clone();
                let inner = inner.clone();
                req.validation = mock.validation();
                let entry = Entry::Raw(Raw {
                    operation: action.clone(),
                    path_params: None,
                    received: req.received.clone(),
                    time: SystemTime::now(),
                    request_id: req.request_id.clone(),
                    outcome: req.outcome.clone(),
                });
                Box::pin(async move {
                    mock.answer(entry, async move { inner(req).await }, RpcAnswer::Value)
                        .await
                })
            })
        })
    }

    /// Wraps every handler of `svc` with recording and overrides.
    pub fn wrap_rest(&self, svc: RestService) -> RestService {
        svc.wrap(|operation, inner: RestHandler| {
            let mock = self.clone();
            let operation: Arc<str> = operation.into();
            Arc::new(move |mut req| {
                let mock = mock.clone();
                let inner = inner.clone();
                req.validation = mock.validation();
                let entry = Entry::Raw(Raw {
                    operation: operation.clone(),
                    path_params: Some(req.path_params.clone()),
                    received: req.received.clone(),
                    time: SystemTime::now(),
                    request_id: req.request_id.clone(),
                    outcome: req.outcome.clone(),
                });
                Box::pin(async move {
                    // The default answer keeps its status and headers; overrides give a body
                    // with the route's success status.
                    mock.answer(entry, async move { inner(req).await }, |body| {
                        RestResponse {
                            body: Some(body),
                            ..RestResponse::default()
                        }
                    })
                    .await
                })
            })
        })
    }
}

/// A deterministic value for `schema`, seeded by `seed`.
///
/// The description is a subset of JSON Schema: `type` (`object`, `array`, `string`, `integer`,
/// `number`, `boolean`), `properties`, `items`, `enum`, `format` (`date-time`), `minimum`,
/// `maximum`, `minItems`, `maxLength`, `example`/`default` (used as given). Unknown or missing
/// types give a string. The same schema and seed always give the same value.
pub fn generate(schema: &Value, seed: u64) -> Value {
    let mut rng = fastrand::Rng::with_seed(seed);
    gen(schema, "value", &mut rng, 0)
}

fn gen(schema: &Value, name: &str, rng: &mut fastrand::Rng, depth: usize) -> Value {
    let Value::Object(s) = schema else {
        return json!(format!("{name}-{}", rng.u32(..1000)));
    };
    if let Some(v) = s.get("example").or_else(|| s.get("default")) {
        return v.clone();
    }
    if let Some(Value::Array(choices)) = s.get("enum") {
        if !choices.is_empty() {
            return choices[rng.usize(..choices.len())].clone();
        }
    }
    let ty = s.get("type").and_then(Value::as_str).unwrap_or("string");
    let num = |key: &str| s.get(key).and_then(Value::as_f64);
    match ty {
        "object" => {
            let mut out = Map::new();
            // Nesting is bounded so a self-similar description cannot recurse without end.
            if depth < 8 {
                if let Some(Value::Object(props)) = s.get("properties") {
                    for (k, sub) in props {
                        out.insert(k.clone(), gen(sub, k, rng, depth + 1));
                    }
                }
            }
            Value::Object(out)
        }
        "array" => {
            let min = s
                .get("minItems")
                .and_then(Value::as_u64)
                .unwrap_or(1)
                .min(16) as usize;
            let n = min.max(1) + rng.usize(..2);
            let items = s.get("items").cloned().unwrap_or(Value::Null);
            if depth >= 8 {
                return json!([]);
            }
            Value::Array((0..n).map(|_| gen(&items, name, rng, depth + 1)).collect())
        }
        "integer" => {
            let lo = num("minimum").unwrap_or(0.0).max(i64::MIN as f64) as i64;
            let hi = num("maximum")
                .unwrap_or(lo as f64 + 100.0)
                .min(i64::MAX as f64) as i64;
            json!(if hi > lo { rng.i64(lo..=hi) } else { lo })
        }
        "number" => {
            let lo = num("minimum").unwrap_or(0.0);
            let hi = num("maximum").unwrap_or(lo + 100.0);
            let x = lo + (hi - lo).max(0.0) * rng.f64();
            json!((x * 100.0).round() / 100.0)
        }
        "boolean" => json!(rng.bool()),
        _ => {
            if s.get("format").and_then(Value::as_str) == Some("date-time") {
                let t = crate::clock::UtcTime(1_700_000_000 + rng.i64(0..100_000_000));
                return json!(t.iso8601());
            }
            let mut v = format!("{name}-{:04}", rng.u32(..10_000));
            if let Some(max) = s.get("maxLength").and_then(Value::as_u64) {
                v = v.chars().take(max.max(1) as usize).collect();
            }
            json!(v)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn recorded(operation: &str, n: usize) -> Recorded {
        Recorded {
            operation: operation.to_owned(),
            method: "GET".to_owned(),
            path: "/".to_owned(),
            params: vec![("N".to_owned(), n.to_string())],
            body: None,
            headers: Vec::new(),
            time: SystemTime::UNIX_EPOCH,
            request_id: n.to_string(),
            outcome: Outcome::default(),
        }
    }

    #[tokio::test]
    async fn records_keep_the_most_recent_and_counts_stay_exact() {
        let mock = Mock::new(0);
        let seen = Arc::new(Mutex::new(Vec::new()));
        let seen2 = seen.clone();
        mock.with("B", move |r| {
            seen2.lock().unwrap().push(r.request_id.clone());
            Ok(json!({}))
        });
        for n in 0..RECORD_LIMIT + 5 {
            let op = if n % 2 == 0 { "A" } else { "B" };
            let out = mock.call(recorded(op, n), async { Ok(Some(json!(1))) });
            assert!(out.await.is_ok());
        }
        let records = mock.requests();
        assert_eq!(records.len(), RECORD_LIMIT);
        // The five oldest were dropped; the newest is last.
        assert_eq!(records[0].request_id, "5");
        assert_eq!(
            records[RECORD_LIMIT - 1].request_id,
            (RECORD_LIMIT + 4).to_string()
        );
        assert_eq!(mock.count("A") + mock.count("B"), RECORD_LIMIT + 5);
        assert_eq!(mock.count("B"), (RECORD_LIMIT + 5) / 2);
        assert_eq!(
            mock.requests_of("A").len() + mock.requests_of("B").len(),
            RECORD_LIMIT
        );
        assert_eq!(
            mock.last("A").unwrap().param("N"),
            Some(&*(RECORD_LIMIT + 4).to_string())
        );
        // The closure override saw every request of its operation.
        assert_eq!(seen.lock().unwrap().len(), mock.count("B"));
        mock.reset_all();
        assert_eq!((mock.count("A"), mock.requests().len()), (0, 0));
    }

    #[test]
    fn generated_values_follow_the_schema_and_the_seed() {
        let schema = json!({"type": "object", "properties": {
            "Name": {"type": "string", "maxLength": 6},
            "Count": {"type": "integer", "minimum": 5, "maximum": 7},
            "Ratio": {"type": "number"},
            "On": {"type": "boolean"},
            "Kind": {"enum": ["a", "b"]},
            "At": {"type": "string", "format": "date-time"},
            "Fixed": {"type": "string", "example": "ex"},
            "Tags": {"type": "array", "minItems": 2, "items": {"type": "object", "properties": {"Key": {"type": "string"}}}}
        }});
        let a = generate(&schema, 7);
        assert_eq!(a, generate(&schema, 7));
        assert_ne!(a, generate(&schema, 8));
        assert!(a["Name"].as_str().unwrap().chars().count() <= 6);
        assert!((5..=7).contains(&a["Count"].as_i64().unwrap()));
        assert!(a["Ratio"].is_number() && a["On"].is_boolean());
        assert!(matches!(a["Kind"].as_str(), Some("a" | "b")));
        assert!(a["At"].as_str().unwrap().ends_with('Z'));
        assert_eq!(a["Fixed"], "ex");
        assert!(a["Tags"].as_array().unwrap().len() >= 2);
        assert!(a["Tags"][0]["Key"].is_string());
    }
}
