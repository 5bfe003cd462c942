//! Spec-driven faulty requests against a running server or mock (feature `mock` with `client`):
//! what the generated mock crates' `tests/bad_requests.rs` run.
//!
//! For every operation, the valid request of its round-trip case must succeed; the same request
//! without each required parameter, and with a wrong-typed value for each numeric or boolean
//! parameter, must get the vendor's error body with a 4xx status naming the parameter. Then
//! protocol faults: an unknown action or path, a wrong API version, broken JSON bodies, an
//! oversized body. Nothing may get a 5xx.

use serde_json::{Map, Value};

use crate::schema::{Kind, OperationSchema, ParamLocation, ParamSchema, Protocol, ServiceSchema};
use crate::server::validate;

/// Sends every faulty request to the server at `base_url` (no signature verification) and
/// returns how many parameter faults were checked, or every broken expectation.
///
/// `cases_json` is the mock crate's `tests/cases.json`: per operation `op` and the valid request
/// as `params` (RPC wire pairs) or `input` (REST members by wire name, body under its key).
pub async fn faulty_requests(
    base_url: &str,
    schema: &ServiceSchema,
    cases_json: &str,
) -> Result<usize, Findings> {
    let (run, cases) = Run::new(base_url, schema, cases_json)?;
    run.all(&cases).await
}

/// Sends the valid request of every case (in order) and returns, per case, the operation, the
/// status and the body (JSON, or a string when it is not JSON): for comparing two servers of the
/// same spec, such as a compiled mock and `apigen mock`.
pub async fn valid_answers(
    base_url: &str,
    schema: &ServiceSchema,
    cases_json: &str,
) -> Result<Vec<(String, u16, Value)>, Findings> {
    let (run, cases) = Run::new(base_url, schema, cases_json)?;
    let mut out = Vec::new();
    let mut problems = Vec::new();
    for case in &cases {
        let Some(op) = case["op"].as_str().and_then(|id| schema.operation(id)) else {
            problems.push(Finding::UnknownOperation { case: case.clone() });
            continue;
        };
        match run.valid_input(op, case) {
            Ok(input) => {
                let (status, body) = run.send(op, &input).await;
                out.push((op.id.clone(), status, body));
            }
            Err(e) => problems.push(e.into()),
        }
    }
    Findings::of(problems).map(|()| out)
}

/// One broken expectation of a conformance run ([`faulty_requests`], [`valid_answers`]) or a
/// stateful one ([`super::stateful_check`]). `Display` is the line the run reports.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Finding {
    /// `tests/cases.json` is not a list of cases.
    #[error("cases.json: {0}")]
    Cases(#[source] serde_json::Error),
    /// A case names an operation the schema lacks.
    #[error("unknown operation in {case}")]
    UnknownOperation {
        /// The case.
        case: Value,
    },
    /// A case's request is not one its operation accepts (the case is at fault).
    #[error(transparent)]
    Case(#[from] CaseError),
    /// The valid request of a case did not succeed.
    #[error("{op}: the valid request failed: {status} {body}")]
    ValidRequestFailed {
        /// The operation.
        op: String,
        /// The answer's status.
        status: u16,
        /// The answer's body (a string when it is not JSON).
        body: Value,
    },
    /// The error answering a faulty request does not name the parameter at fault.
    #[error("{probe}: the error does not name the parameter: {error}")]
    ParameterUnnamed {
        /// The faulty request (`CreateTopic without it `Topic``).
        probe: String,
        /// The error's code and message.
        error: String,
    },
    /// A faulty request did not get a vendor error with a 4xx status.
    #[error("{probe}: expected a vendor 4xx error, got {status} {body}")]
    NotVendorError {
        /// The faulty request.
        probe: String,
        /// The answer's status.
        status: u16,
        /// The answer's body.
        body: Value,
    },
    /// A protocol fault got a vendor error with another code.
    #[error("{probe}: expected {expected}, got {error}")]
    WrongCode {
        /// The faulty request (its query).
        probe: String,
        /// The code the vendor answers (`InvalidAction.NotFound`).
        expected: &'static str,
        /// The error's code and message.
        error: String,
    },
    /// A protocol fault got a vendor error with another status.
    #[error("{probe}: expected {expected}, got {status}")]
    WrongStatus {
        /// The faulty request (`oversized body`).
        probe: String,
        /// The status the vendor answers.
        expected: u16,
        /// The status answered.
        status: u16,
    },
    /// A stateful plan of an operation the schema lacks.
    #[error("plan of unknown operation {op}")]
    UnknownPlan {
        /// The operation.
        op: String,
    },
    /// A resource of a stateful mock that does not behave as the service's would: what the
    /// stateful run saw.
    #[error("{resource}: {problem}")]
    Resource {
        /// The resource (`v2/instances`).
        resource: String,
        /// What was expected and what happened.
        problem: String,
    },
}

/// Every broken expectation of a run, in the order found: `Display` gives one a line.
#[derive(Debug, Default)]
pub struct Findings(pub Vec<Finding>);

impl Findings {
    /// `Ok` when there are none.
    pub(crate) fn of(found: Vec<Finding>) -> Result<(), Self> {
        match found.is_empty() {
            true => Ok(()),
            false => Err(Self(found)),
        }
    }
}

impl std::ops::Deref for Findings {
    type Target = [Finding];
    fn deref(&self) -> &[Finding] {
        &self.0
    }
}

impl std::fmt::Display for Findings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, finding) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{finding}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Findings {}

/// A request as the checks vary it: RPC wire pairs, or REST members by wire name.
/// A conformance case whose request is not one the operation accepts (the case, not the mock,
/// is at fault).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CaseError {
    /// RPC: the case's `params` are not name/value pairs.
    #[error("{op}: params: {source}")]
    Params {
        /// The operation.
        op: String,
        /// Why.
        #[source]
        source: serde_json::Error,
    },
    /// REST: the case's input breaks the operation's schema.
    #[error("{op}: {source}")]
    Input {
        /// The operation.
        op: String,
        /// The schema's refusal.
        #[source]
        source: crate::server::ApiError,
    },
}

#[derive(Clone, Debug)]
pub(crate) enum Input {
    Rpc(Vec<(String, String)>),
    Rest(Map<String, Value>),
}

pub(crate) struct Run<'a> {
    pub(crate) http: reqwest::Client,
    pub(crate) base: String,
    pub(crate) schema: &'a ServiceSchema,
    pub(crate) problems: Vec<Finding>,
}

impl<'a> Run<'a> {
    /// A run against the server at `base_url`, and the cases of `cases_json` (`tests/cases.json`).
    pub(crate) fn new(
        base_url: &str,
        schema: &'a ServiceSchema,
        cases_json: &str,
    ) -> Result<(Self, Vec<Value>), Findings> {
        let cases =
            serde_json::from_str(cases_json).map_err(|e| Findings(vec![Finding::Cases(e)]))?;
        let run = Run {
            http: reqwest::Client::new(),
            base: base_url.trim_end_matches('/').to_owned(),
            schema,
            problems: Vec::new(),
        };
        Ok((run, cases))
    }
    async fn all(mut self, cases: &[Value]) -> Result<usize, Findings> {
        let mut checked = 0;
        for case in cases {
            let Some(op) = case["op"].as_str().and_then(|id| self.schema.operation(id)) else {
                self.problems
                    .push(Finding::UnknownOperation { case: case.clone() });
                continue;
            };
            let valid = match self.valid_input(op, case) {
                Ok(v) => v,
                Err(e) => {
                    self.problems.push(e.into());
                    continue;
                }
            };
            let (status, body) = self.send(op, &valid).await;
            if !(200..300).contains(&status) {
                self.problems.push(Finding::ValidRequestFailed {
                    op: op.id.clone(),
                    status,
                    body,
                });
                continue;
            }
            for p in op.params.iter().filter(|p| p.required) {
                if let Some(missing) = without(&valid, p) {
                    let (status, body) = self.send(op, &missing).await;
                    self.expect_naming(status, &body, op, p, "without it");
                    checked += 1;
                }
            }
            let typed = |p: &&ParamSchema| {
                matches!(
                    p.shape.kind,
                    Kind::Integer | Kind::Long | Kind::Number | Kind::Boolean
                ) && p.location != ParamLocation::Path
            };
            for p in op.params.iter().filter(typed) {
                let wrong = with_text(&valid, p, "not-a-value");
                let (status, body) = self.send(op, &wrong).await;
                self.expect_naming(status, &body, op, p, "with `not-a-value`");
                checked += 1;
            }
        }
        self.protocol_faults().await;
        Findings::of(self.problems).map(|()| checked)
    }

    /// The case's request; REST bodies are normalized as a typed client would send them (the
    /// documents print some numbers as text).
    pub(crate) fn valid_input(
        &self,
        op: &OperationSchema,
        case: &Value,
    ) -> Result<Input, CaseError> {
        match self.schema.protocol {
            Protocol::AlibabaRpc => serde_json::from_value(case["params"].clone())
                .map(Input::Rpc)
                .map_err(|source| CaseError::Params {
                    op: op.id.clone(),
                    source,
                }),
            Protocol::HuaweiRest => {
                let wire = case["input"].as_object().cloned().unwrap_or_default();
                validate::value_input(op, &wire)
                    .map(|v| Input::Rest(v.as_object().cloned().unwrap_or_default()))
                    .map_err(|source| CaseError::Input {
                        op: op.id.clone(),
                        source,
                    })
            }
        }
    }

    fn expect_naming(
        &mut self,
        status: u16,
        body: &Value,
        op: &OperationSchema,
        p: &ParamSchema,
        how: &str,
    ) {
        let probe = format!("{} {how} `{}`", op.id, p.name);
        if let Some(error) = self.vendor_error(status, body, &probe) {
            if !error.contains(&p.name) {
                self.problems
                    .push(Finding::ParameterUnnamed { probe, error });
            }
        }
    }

    /// The `code message` of a vendor error body with a 4xx status; records a problem otherwise.
    fn vendor_error(&mut self, status: u16, body: &Value, probe: &str) -> Option<String> {
        let (code, message) = match self.schema.protocol {
            Protocol::AlibabaRpc => ("Code", "Message"),
            Protocol::HuaweiRest => ("error_code", "error_msg"),
        };
        let text = |k: &str| body.get(k).and_then(Value::as_str).map(str::to_owned);
        match (text(code), text(message)) {
            (Some(c), Some(m)) if (400..500).contains(&status) => Some(format!("{c} {m}")),
            _ => {
                self.problems.push(Finding::NotVendorError {
                    probe: probe.to_owned(),
                    status,
                    body: body.clone(),
                });
                None
            }
        }
    }

    async fn protocol_faults(&mut self) {
        let big_len = 9 * 1024 * 1024;
        match self.schema.protocol {
            Protocol::AlibabaRpc => {
                let version = self.schema.version.clone();
                for (query, expected) in [
                    (
                        format!("Action=NoSuchAction&Version={version}"),
                        "InvalidAction.NotFound",
                    ),
                    (
                        "Action=NoSuchAction&Version=1999-01-01".to_owned(),
                        "InvalidVersion",
                    ),
                ] {
                    let (status, body) =
                        raw(self.http.get(format!("{}/?{query}", self.base))).await;
                    if let Some(err) = self.vendor_error(status, &body, &query) {
                        if !err.starts_with(expected) {
                            self.problems.push(Finding::WrongCode {
                                probe: query,
                                expected,
                                error: err,
                            });
                        }
                    }
                }
                let big = format!("A={}", "x".repeat(big_len));
                let req = self
                    .http
                    .post(format!("{}/", self.base))
                    .header("content-type", "application/x-www-form-urlencoded")
                    .body(big);
                self.expect_status(req, 413, "oversized body").await;
            }
            Protocol::HuaweiRest => {
                let req = self.http.get(format!("{}/no/such/path", self.base));
                self.expect_status(req, 404, "unknown path").await;
                let schema = self.schema;
                for op in &schema.operations {
                    let Some(b) = &op.body else { continue };
                    if b.content_type.starts_with("multipart/") {
                        continue;
                    }
                    let req = self
                        .request(op, &filled_path(&op.path))
                        .header("content-type", "application/json")
                        .body("{\"broken\": ");
                    let (status, body) = raw(req).await;
                    self.vendor_error(status, &body, &format!("{}: broken JSON", op.id));
                }
                if let Some(op) = schema.operations.iter().find(|o| o.body.is_some()) {
                    let req = self
                        .request(op, &filled_path(&op.path))
                        .header("content-type", "application/json")
                        .body("x".repeat(big_len));
                    self.expect_status(req, 413, "oversized body").await;
                }
            }
        }
    }

    async fn expect_status(&mut self, req: reqwest::RequestBuilder, want: u16, what: &str) {
        let (status, body) = raw(req).await;
        if self.vendor_error(status, &body, what).is_some() && status != want {
            self.problems.push(Finding::WrongStatus {
                probe: what.to_owned(),
                expected: want,
                status,
            });
        }
    }

    fn request(&self, op: &OperationSchema, path: &str) -> reqwest::RequestBuilder {
        let method =
            reqwest::Method::from_bytes(op.method.as_bytes()).unwrap_or(reqwest::Method::GET);
        self.http.request(method, format!("{}{path}", self.base))
    }

    pub(crate) async fn send(&self, op: &OperationSchema, input: &Input) -> (u16, Value) {
        match input {
            Input::Rpc(pairs) => {
                let mut form = vec![
                    ("Action".to_owned(), op.id.clone()),
                    (
                        "Version".to_owned(),
                        op.version
                            .clone()
                            .unwrap_or_else(|| self.schema.version.clone()),
                    ),
                ];
                form.extend(pairs.iter().cloned());
                let req = self
                    .http
                    .post(format!("{}/", self.base))
                    .header("content-type", "application/x-www-form-urlencoded")
                    .body(crate::rpc::encode_pairs(&form));
                raw(req).await
            }
            Input::Rest(members) => raw(self.rest_request(op, members)).await,
        }
    }

    /// A REST call built from the wire members: path placeholders, query and header values,
    /// and the body (JSON, or multipart with file members as file parts).
    fn rest_request(
        &self,
        op: &OperationSchema,
        input: &Map<String, Value>,
    ) -> reqwest::RequestBuilder {
        let mut path = op.path.clone();
        let mut query = Vec::new();
        let mut headers = Vec::new();
        for p in &op.params {
            let Some(v) = input.get(&p.name) else {
                continue;
            };
            match p.location {
                ParamLocation::Path => {
                    path = path.replace(
                        &format!("{{{}}}", p.name),
                        &crate::sign::percent_encode(&text(v)),
                    )
                }
                ParamLocation::Header => headers.push((p.name.clone(), text(v))),
                _ => match v {
                    Value::Array(items) => {
                        query.extend(items.iter().map(|i| (p.name.clone(), text(i))))
                    }
                    v => query.push((p.name.clone(), text(v))),
                },
            }
        }
        if !query.is_empty() {
            path.push(if path.contains('?') { '&' } else { '?' });
            path.push_str(&crate::rpc::encode_pairs(&query));
        }
        let mut req = self.request(op, &path);
        for (k, v) in headers {
            req = req.header(k, v);
        }
        if let Some(b) = op.body.as_ref() {
            if let Some(body) = input.get(&b.key) {
                req = if b.content_type.starts_with("multipart/") {
                    req.header("content-type", "multipart/form-data; boundary=apigen-test")
                        .body(multipart(body))
                } else {
                    req.header("content-type", "application/json")
                        .body(body.to_string())
                };
            }
        }
        req
    }
}

pub(crate) fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The path with every placeholder bound to `x`.
fn filled_path(template: &str) -> String {
    template
        .split('/')
        .map(|s| if s.starts_with('{') { "x" } else { s })
        .collect::<Vec<_>>()
        .join("/")
}

fn without(valid: &Input, p: &ParamSchema) -> Option<Input> {
    match valid {
        Input::Rpc(pairs) => {
            let prefix = format!("{}.", p.name);
            let kept: Vec<(String, String)> = pairs
                .iter()
                .filter(|(k, _)| *k != p.name && !k.starts_with(&prefix))
                .cloned()
                .collect();
            (kept.len() < pairs.len()).then_some(Input::Rpc(kept))
        }
        // A path placeholder cannot be left out: the route would differ.
        Input::Rest(_) if p.location == ParamLocation::Path => None,
        Input::Rest(members) => {
            let mut out = members.clone();
            out.remove(&p.name).map(|_| Input::Rest(out))
        }
    }
}

fn with_text(valid: &Input, p: &ParamSchema, value: &str) -> Input {
    match without(valid, p).unwrap_or_else(|| valid.clone()) {
        Input::Rpc(mut pairs) => {
            pairs.push((p.name.clone(), value.to_owned()));
            Input::Rpc(pairs)
        }
        Input::Rest(mut members) => {
            members.insert(p.name.clone(), Value::String(value.to_owned()));
            Input::Rest(members)
        }
    }
}

/// A multipart body: file members (`{filename, content_type, data}`) as file parts, others as
/// text parts.
fn multipart(body: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    for (name, v) in body.as_object().into_iter().flatten() {
        out.extend_from_slice(b"--apigen-test\r\n");
        match (v.get("filename"), v.get("data")) {
            (Some(f), Some(Value::Array(data))) => {
                out.extend_from_slice(
                    format!(
                        "Content-Disposition: form-data; name=\"{name}\"; filename=\"{}\"\r\nContent-Type: application/octet-stream\r\n\r\n",
                        f.as_str().unwrap_or("f")
                    )
                    .as_bytes(),
                );
                out.extend(data.iter().filter_map(Value::as_u64).map(|b| b as u8));
            }
            _ => out.extend_from_slice(
                format!(
                    "Content-Disposition: form-data; name=\"{name}\"\r\n\r\n{}",
                    text(v)
                )
                .as_bytes(),
            ),
        }
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"--apigen-test--\r\n");
    out
}

/// Sends `req`; the status and the body as JSON (or as a string when it is not JSON). A
/// transport failure is a status 0.
async fn raw(req: reqwest::RequestBuilder) -> (u16, Value) {
    match req.send().await {
        Ok(resp) => {
            let status = resp.status().as_u16();
            let text = resp.text().await.unwrap_or_default();
            (
                status,
                serde_json::from_str(&text).unwrap_or(Value::String(text)),
            )
        }
        Err(e) => (0, Value::String(e.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::FutureExt;

    fn schema() -> ServiceSchema {
        ServiceSchema::from_json(
            r#"{"service": "t", "protocol": "alibaba-rpc", "version": "2020-01-01",
                "operations": [{"id": "GetTopicList", "method": "POST", "path": "/",
                                "success_status": 200, "params": []}]}"#,
        )
        .unwrap()
    }

    /// Findings are typed, and read as the run's lines always did.
    #[test]
    fn findings_are_typed_and_read_as_lines() {
        let s = schema();
        let broken = faulty_requests("http://127.0.0.1:9", &s, "not json")
            .now_or_never()
            .expect("no call made")
            .unwrap_err();
        assert!(matches!(broken[..], [Finding::Cases(_)]), "{broken:?}");
        assert!(broken.to_string().starts_with("cases.json: "), "{broken}");
        let cases = r#"[{"op": "Nope"}, {"op": "Gone"}]"#;
        let unknown = valid_answers("http://127.0.0.1:9", &s, cases)
            .now_or_never()
            .expect("no call made")
            .unwrap_err();
        assert!(matches!(
            unknown[..],
            [
                Finding::UnknownOperation { .. },
                Finding::UnknownOperation { .. }
            ]
        ));
        assert_eq!(
            unknown.to_string(),
            "unknown operation in {\"op\":\"Nope\"}\nunknown operation in {\"op\":\"Gone\"}"
        );
        let plans = [(
            "Nope".to_owned(),
            crate::schema::Plan::new("topic", crate::schema::Action::List),
        )]
        .into();
        let stateful = super::super::stateful_check::check_resources("", &s, &plans, "[]")
            .now_or_never()
            .expect("no call made")
            .unwrap_err();
        assert!(matches!(&stateful[..], [Finding::UnknownPlan { op }] if op == "Nope"));
        assert_eq!(stateful.to_string(), "plan of unknown operation Nope");
    }
}
