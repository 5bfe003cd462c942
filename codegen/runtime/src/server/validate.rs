//! Spec-driven reading and checking of requests: the parameters of a call, as described by an
//! [`OperationSchema`], become the serde form of the operation's request model (a JSON object
//! keyed by wire names), or the vendor's 4xx error naming the first faulty parameter.
//!
//! What is checked: presence of required parameters and members, types, documented enum values,
//! lengths, numeric ranges and item counts. Coercions are the lossless ones the vendors' own
//! gateways accept — numeric and boolean text where a number or boolean is expected (every RPC
//! parameter travels as text; read by the one tolerance policy, [`crate::loose`], as the
//! clients' decoder reads answers, with its two request exceptions: no blank numbers, no
//! integers beyond 64 bits), a number where text is expected, one value where a list is
//! expected, a JSON or comma-separated string for a list — so requests from the official SDKs
//! pass while a wrong-typed value (`"abc"` for an integer, an object for a string) does not.
//! Those coercions apply to values that travel as text (query, form, path, header). JSON bodies
//! and JSON-string parameters are typed by their sender, so there a value must have the
//! documented JSON type, and `null` is not a value (a required member given `null` is missing;
//! an optional one must be left out).

use std::cell::RefCell;
use std::sync::{Arc, Mutex};

use serde_json::{Map, Number, Value};

use super::errors::ApiError;
use super::params::Params;
use super::rest::RestRequest;
use crate::loose;
use crate::schema::{
    BodySchema, Kind, Limits, OperationSchema, ParamEncoding, ParamLocation, ParamSchema, Shape,
};

/// Deepest nesting of named types followed (a type that contains itself ends here).
const MAX_DEPTH: usize = 48;

/// How a server treats a request that breaks the spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Validation {
    /// The vendor's 4xx error naming the first fault (what the tests and the conformance
    /// suite expect; the default).
    #[default]
    Strict,
    /// Answer as if the request were valid — faulty optional values left out, faulty or
    /// missing required ones replaced by a placeholder of their documented type — and report
    /// every fault: in the recorded request and in the `x-apigen-violations` response header.
    /// For running a real application against a mock and seeing all it gets wrong at once.
    Report,
}

impl Validation {
    /// `strict` or `report`.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "strict" => Some(Self::Strict),
            "report" => Some(Self::Report),
            _ => None,
        }
    }
}

/// Name of the response header carrying the violations of a request answered in
/// [`Validation::Report`] mode: `<count>; <first violation>`.
pub const VIOLATIONS_HEADER: &str = "x-apigen-violations";

/// One way a request breaks the spec.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Violation {
    /// The parameter or member (`InstanceId`, `Tag.1.Key`, `body.name`), when one is named.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub parameter: String,
    /// The vendor error code it would be answered with (`MissingParameter`).
    pub code: String,
    /// The vendor error message.
    pub message: String,
    /// The line of the document (the table row) that states the broken rule.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
}

impl Violation {
    fn of(e: &ApiError) -> Self {
        Self {
            parameter: String::new(),
            code: e.code.clone(),
            message: e.message.clone(),
            line: None,
        }
    }

    /// One line for a header or a log: `InstanceId (L613): message`.
    pub fn summary(&self) -> String {
        let mut s = String::new();
        if !self.parameter.is_empty() {
            s.push_str(&self.parameter);
        }
        if let Some(l) = self.line {
            s.push_str(&format!(" (L{l})"));
        }
        if !s.is_empty() {
            s.push_str(": ");
        }
        s.push_str(&self.message);
        s
    }
}

/// What became of one call: its status and the violations found. Shared (cheap clones) by the
/// front door that answers it, the checks that find the violations, and the mock's record.
#[derive(Debug, Clone, Default)]
pub struct Outcome(Arc<Mutex<OutcomeData>>);

/// The content of an [`Outcome`].
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct OutcomeData {
    /// The HTTP status answered (set once the answer is made).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// Every violation found (in strict mode at most the one answered).
    pub violations: Vec<Violation>,
}

impl Outcome {
    fn lock(&self) -> std::sync::MutexGuard<'_, OutcomeData> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A copy of the content.
    pub fn get(&self) -> OutcomeData {
        self.lock().clone()
    }

    /// Records the answered status.
    pub fn set_status(&self, status: u16) {
        self.lock().status = Some(status);
    }

    /// Adds violations.
    pub fn add(&self, v: impl IntoIterator<Item = Violation>) {
        self.lock().violations.extend(v);
    }

    /// Records `e` (a fault found outside the parameter checks) and gives it back.
    pub fn fault(&self, e: ApiError) -> ApiError {
        self.add([Violation::of(&e)]);
        e
    }

    /// The [`VIOLATIONS_HEADER`] value when the call was answered with violations:
    /// `<count>; <first violation>` (printable ASCII, at most about 300 characters).
    pub fn header_value(&self) -> Option<String> {
        let d = self.lock();
        let first = d.violations.first()?;
        let text: String = first
            .summary()
            .chars()
            .map(|c| {
                if c.is_ascii_graphic() || c == ' ' {
                    c
                } else {
                    '?'
                }
            })
            .take(300)
            .collect();
        Some(format!("{}; {text}", d.violations.len()))
    }
}

impl PartialEq for Outcome {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0) || self.get() == other.get()
    }
}

impl serde::Serialize for Outcome {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.get().serialize(s)
    }
}

/// A fault while checking: the vendor error, and where (innermost named member, nearest
/// documented line).
#[derive(Debug)]
struct Fault {
    error: ApiError,
    parameter: Option<String>,
    line: Option<u32>,
}

impl From<ApiError> for Fault {
    fn from(error: ApiError) -> Self {
        Self {
            error,
            parameter: None,
            line: None,
        }
    }
}

impl Fault {
    fn at(mut self, name: &str, line: Option<u32>) -> Self {
        if self.parameter.is_none() {
            self.parameter = Some(name.to_owned());
        }
        if self.line.is_none() {
            self.line = line;
        }
        self
    }

    fn violation(&self) -> Violation {
        Violation {
            parameter: self.parameter.clone().unwrap_or_default(),
            line: self.line,
            ..Violation::of(&self.error)
        }
    }
}

type Checked<T> = Result<T, Fault>;

/// Runs `fill` with a text checker of `op` (the report sink of `mode`, giving what `output`
/// asks) over the input it builds, records what it found in `outcome`, and gives the input or
/// the (first) fault's error.
fn run(
    op: &OperationSchema,
    mode: Validation,
    outcome: &Outcome,
    output: Output,
    fill: impl FnOnce(&Checker<'_>, &mut Map<String, Value>) -> Checked<()>,
) -> Result<Value, ApiError> {
    let sink = RefCell::new(Vec::new());
    let text = Checker {
        op,
        strict: false,
        report: (mode == Validation::Report).then_some(&sink),
        output,
    };
    let mut input = Map::new();
    let out = fill(&text, &mut input).map(|()| text.done(Value::Object(input)));
    let found = sink.into_inner();
    match out {
        Ok(v) => {
            if !found.is_empty() {
                outcome.add(found);
            }
            Ok(v)
        }
        Err(f) => {
            outcome.add(found.into_iter().chain([f.violation()]));
            Err(f.error)
        }
    }
}

/// Reads and checks the parameters of an RPC call (query and form, already merged).
pub fn rpc_input(op: &OperationSchema, params: &Params) -> Result<Value, ApiError> {
    let outcome = Outcome::default();
    rpc_checked(op, params, Validation::Strict, &outcome, Output::Build)
}

/// What a check of a request gives besides its decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    /// The checked input: the request model's serde form.
    Build,
    /// `null`: the same checks and decisions (the same code, told not to build), for a caller
    /// whose answer does not depend on the request (a stateless mock). The parameters are read
    /// where they are, not copied into a `Value` tree.
    CheckOnly,
}

/// [`rpc_input`] in `mode`, recording violations in `outcome`, giving what `output` asks.
pub fn rpc_checked(
    op: &OperationSchema,
    params: &Params,
    mode: Validation,
    outcome: &Outcome,
    output: Output,
) -> Result<Value, ApiError> {
    run(op, mode, outcome, output, |text, out| {
        let json = Checker {
            strict: true,
            ..*text
        };
        for p in &op.params {
            let cx = if p.encoding == Some(ParamEncoding::Json) {
                &json
            } else {
                text
            };
            let raw = match rpc_raw(p, params) {
                Ok(raw) => raw,
                Err(e) => {
                    let f = Fault::from(e).at(&p.name, p.line);
                    if let Some(v) = cx.absorb(f, p.required, &p.shape)? {
                        cx.insert(out, p.key(), v);
                    }
                    continue;
                }
            };
            cx.put(out, p, raw.as_ref().map(Raw::view))?;
        }
        Ok(())
    })
}

/// Reads and checks the path, query and header parameters and the body of a REST call.
pub fn rest_input(op: &OperationSchema, req: &RestRequest) -> Result<Value, ApiError> {
    let outcome = Outcome::default();
    rest_checked(op, req, Validation::Strict, &outcome, Output::Build)
}

/// [`rest_input`] in `mode`, recording violations in `outcome`, giving what `output` asks
/// (with [`Output::CheckOnly`], parameters and the JSON body are checked where they are).
pub fn rest_checked(
    op: &OperationSchema,
    req: &RestRequest,
    mode: Validation,
    outcome: &Outcome,
    output: Output,
) -> Result<Value, ApiError> {
    run(op, mode, outcome, output, |text, out| {
        for p in &op.params {
            let raw = rest_raw(p, req);
            text.put(out, p, raw.as_ref().map(Raw::view))?;
        }
        if let Some(body) = &op.body {
            // Multipart fields are text; a JSON body is typed by its sender.
            let strict = !body.content_type.starts_with("multipart/");
            if let Some(v) = (Checker { strict, ..*text }).body(body, req)? {
                text.insert(out, &body.key, v);
            }
        }
        Ok(())
    })
}

/// Checks parameters given as a JSON object keyed by wire names (the body under the
/// [`BodySchema::key`]): how tests and tools build a request model from documented values.
pub fn value_input(op: &OperationSchema, wire: &Map<String, Value>) -> Result<Value, ApiError> {
    // Documented examples print numbers as text and the like: read them leniently.
    let cx = Checker {
        op,
        strict: false,
        report: None,
        output: Output::Build,
    };
    let mut out = Map::new();
    for p in &op.params {
        cx.put(&mut out, p, wire.get(&p.name).map(In::Json))
            .map_err(|f| f.error)?;
    }
    if let Some(b) = &op.body {
        match wire.get(&b.key) {
            None | Some(Value::Null) if b.required => {
                return Err(ApiError::missing_parameter("body"))
            }
            None | Some(Value::Null) => {}
            Some(v) => {
                let v = cx
                    .value(In::Json(v), &b.shape, "body", 0)
                    .map_err(|f| f.error)?;
                out.insert(b.key.clone(), v);
            }
        }
    }
    Ok(Value::Object(out))
}

/// Decodes checked input into the operation's request model. A failure here means the model is
/// stricter than the schema (an integer beyond the model's range, say): a client fault.
pub fn into_model<T: serde::de::DeserializeOwned>(op: &str, input: Value) -> Result<T, ApiError> {
    serde_json::from_value(input)
        .map_err(|e| ApiError::invalid_parameter(op, format!("the request does not fit: {e}")))
}

/// A value being checked, where it is: text as it travelled (query, form, path, header) or
/// JSON. Text is the same to the checks as a JSON string; it is only not copied into one.
#[derive(Debug, Clone, Copy)]
enum In<'v> {
    Text(&'v str),
    Json(&'v Value),
}

impl<'v> In<'v> {
    /// The text, for text and JSON strings.
    fn text(self) -> Option<&'v str> {
        match self {
            In::Text(s) => Some(s),
            In::Json(Value::String(s)) => Some(s),
            In::Json(_) => None,
        }
    }

    fn is_null(self) -> bool {
        matches!(self, In::Json(Value::Null))
    }

    fn to_value(self) -> Value {
        match self {
            In::Text(s) => Value::String(s.to_owned()),
            In::Json(v) => v.clone(),
        }
    }
}

/// A raw parameter value: borrowed text, or a structure rebuilt from the parameters.
enum Raw<'v> {
    Text(&'v str),
    Built(Value),
}

impl Raw<'_> {
    fn view(&self) -> In<'_> {
        match self {
            Raw::Text(s) => In::Text(s),
            Raw::Built(v) => In::Json(v),
        }
    }
}

/// The raw value of an RPC parameter: text, or the structure rebuilt from `Name.1.Key` members.
fn rpc_raw<'v>(p: &ParamSchema, params: &'v Params) -> Result<Option<Raw<'v>>, ApiError> {
    // An empty value counts as absent for text; for a number or boolean it is a wrong value.
    let text = |params: &'v Params| {
        params
            .get(&p.name)
            .filter(|v| !v.is_empty() || p.shape.kind != Kind::String)
            .map(Raw::Text)
    };
    Ok(match (p.encoding, p.shape.kind) {
        (Some(ParamEncoding::Json), _) => match params.get(&p.name).filter(|v| !v.is_empty()) {
            None => None,
            Some(t) => Some(Raw::Built(serde_json::from_str(t).map_err(|e| {
                ApiError::invalid_parameter(&p.name, format!("expected JSON text: {e}"))
            })?)),
        },
        (Some(ParamEncoding::Csv), _) => text(params),
        (Some(ParamEncoding::RepeatList), _)
        | (_, Kind::Array | Kind::Object | Kind::Map | Kind::Ref) => {
            // `Name` itself is text as it is (as `Params::unflatten` reads it); members
            // (`Name.1.Key`) are rebuilt.
            match params.get(&p.name) {
                Some(v) => Some(Raw::Text(v)),
                None => params.unflatten(&p.name).map(Raw::Built),
            }
        }
        _ => text(params),
    })
}

/// The raw value of a REST parameter (text; lists from repeated or comma-separated values).
fn rest_raw<'v>(p: &ParamSchema, req: &'v RestRequest) -> Option<Raw<'v>> {
    // An empty value counts as absent for text; for a number or boolean it is a wrong value.
    let nonempty =
        |v: &'v str| (!v.is_empty() || p.shape.kind != Kind::String).then_some(Raw::Text(v));
    match p.location {
        ParamLocation::Path => req
            .path_params
            .iter()
            .find(|(k, _)| *k == p.name)
            .and_then(|(_, v)| nonempty(v)),
        ParamLocation::Header => crate::sign::header(&req.headers, &p.name).and_then(nonempty),
        ParamLocation::Query | ParamLocation::Form if p.shape.kind == Kind::Array => {
            let items: Vec<Value> = req
                .query
                .0
                .iter()
                .filter(|(k, _)| *k == p.name)
                .flat_map(|(_, v)| v.split(','))
                .filter(|v| !v.is_empty())
                .map(|v| Value::String(v.to_owned()))
                .collect();
            (!items.is_empty()).then_some(Raw::Built(Value::Array(items)))
        }
        ParamLocation::Query | ParamLocation::Form => req.query.get(&p.name).and_then(nonempty),
    }
}

#[derive(Clone, Copy)]
struct Checker<'a> {
    op: &'a OperationSchema,
    /// JSON source: types must match exactly, `null` is not a value.
    strict: bool,
    /// Report mode: every fault is collected here and the value repaired instead.
    report: Option<&'a RefCell<Vec<Violation>>>,
    /// Whether the checked value is built (the request model's serde form); when not, the
    /// checks run alike and every value given back is `null`.
    output: Output,
}

/// A member of an object being checked with [`Output::Build`]: as it came, or checked. The
/// slots follow the moves of `Map::remove` and `Map::insert`, so the built object has the
/// member order the owned checker gave.
enum Slot<'v> {
    Came(&'v String, &'v Value),
    Checked(String, Value),
}

impl Slot<'_> {
    fn key(&self) -> &str {
        match self {
            Slot::Came(k, _) => k,
            Slot::Checked(k, _) => k,
        }
    }
}

impl Checker<'_> {
    fn build(&self) -> bool {
        self.output == Output::Build
    }

    /// `v` when building, else `null`.
    fn done(&self, v: Value) -> Value {
        if self.build() {
            v
        } else {
            Value::Null
        }
    }

    /// `v` as it is, when building.
    fn keep(&self, v: In<'_>) -> Value {
        if self.build() {
            v.to_value()
        } else {
            Value::Null
        }
    }

    fn insert(&self, out: &mut Map<String, Value>, key: &str, v: Value) {
        if self.build() {
            out.insert(key.to_owned(), v);
        }
    }

    /// A fault at a member boundary: in strict mode the error; in report mode it is recorded
    /// and the member left out (`Ok(None)`) or, when required, given a placeholder.
    fn absorb(&self, f: Fault, required: bool, shape: &Shape) -> Checked<Option<Value>> {
        match self.report {
            None => Err(f),
            Some(sink) => {
                sink.borrow_mut().push(f.violation());
                Ok(required.then(|| match self.build() {
                    true => self.placeholder(shape, 0),
                    false => Value::Null,
                }))
            }
        }
    }

    /// One member: absent (`None`, or `null` unless `null_faults`), required or not, checked.
    #[allow(clippy::too_many_arguments)]
    fn member(
        &self,
        raw: Option<In<'_>>,
        required: bool,
        null_faults: bool,
        shape: &Shape,
        name: &str,
        line: Option<u32>,
        depth: usize,
    ) -> Checked<Option<Value>> {
        let checked = match raw {
            None if required => Err(Fault::from(ApiError::missing_parameter(name))),
            Some(v) if v.is_null() && required => {
                Err(Fault::from(ApiError::missing_parameter(name)))
            }
            Some(v) if v.is_null() && null_faults => Err(Fault::from(ApiError::invalid_parameter(
                name,
                "null is not a value; leave the member out",
            ))),
            None => return Ok(None),
            Some(v) if v.is_null() => return Ok(None),
            Some(v) => self.value(v, shape, name, depth).map(Some),
        };
        match checked {
            Ok(v) => Ok(v),
            Err(f) => self.absorb(f.at(name, line), required, shape),
        }
    }

    fn put(
        &self,
        out: &mut Map<String, Value>,
        p: &ParamSchema,
        raw: Option<In<'_>>,
    ) -> Checked<()> {
        if let Some(v) = self.member(raw, p.required, false, &p.shape, &p.name, p.line, 0)? {
            self.insert(out, p.key(), v);
        }
        Ok(())
    }

    fn body(&self, b: &BodySchema, req: &RestRequest) -> Checked<Option<Value>> {
        if b.content_type.starts_with("multipart/") {
            if req.parts.is_empty() {
                return self.member(None, b.required, false, &b.shape, "body", None, 0);
            }
            let mut obj = Map::new();
            for part in &req.parts {
                let field = b.shape.fields.iter().find(|f| f.name == part.name);
                let is_file =
                    part.filename.is_some() || field.is_some_and(|f| f.shape.kind == Kind::File);
                let v = match is_file {
                    true => serde_json::json!({
                        "filename": part.filename.clone().unwrap_or_default(),
                        "content_type": part.content_type.clone()
                            .unwrap_or_else(|| "application/octet-stream".to_owned()),
                        "data": part.data.to_vec(),
                    }),
                    false => Value::String(String::from_utf8_lossy(&part.data).into_owned()),
                };
                obj.insert(part.name.clone(), v);
            }
            let v = Value::Object(obj);
            return self.member(
                Some(In::Json(&v)),
                b.required,
                false,
                &b.shape,
                "body",
                None,
                0,
            );
        }
        match &req.json {
            None => self.member(None, b.required, false, &b.shape, "body", None, 0),
            // A JSON `null` body is a wrong value, not an absent one.
            Some(v) => match self.value(In::Json(v), &b.shape, "body", 0) {
                Ok(v) => Ok(Some(v)),
                Err(f) => self.absorb(f.at("body", None), b.required, &b.shape),
            },
        }
    }

    /// Checks `v` against `shape`, giving it in the model's serde form (when building).
    fn value(&self, v: In<'_>, shape: &Shape, name: &str, depth: usize) -> Checked<Value> {
        if depth > MAX_DEPTH {
            return Ok(self.keep(v));
        }
        let bad = |what: &str, v: In<'_>| {
            let shown: String = v.to_value().to_string().chars().take(64).collect();
            Fault::from(ApiError::invalid_parameter(
                name,
                format!("expected {what}, got {shown}"),
            ))
        };
        match shape.kind {
            Kind::Any => Ok(self.keep(v)),
            Kind::Ref => match shape.reference.as_ref().and_then(|r| self.op.types.get(r)) {
                Some(target) => self.value(v, target, name, depth + 1),
                None => Ok(self.keep(v)),
            },
            Kind::String => {
                let s: std::borrow::Cow<'_, str> = match v.text() {
                    Some(s) => s.into(),
                    None if self.strict => return Err(bad("a string", v)),
                    // A number or boolean where text is expected, read as its JSON text.
                    None => match loose::string_of(v.to_value()) {
                        Some(s) => s.into(),
                        None => return Err(bad("a string", v)),
                    },
                };
                check_enum(name, &s, &shape.enum_values)?;
                check_text(name, &s, &shape.limits)?;
                Ok(if self.build() {
                    Value::String(s.into_owned())
                } else {
                    Value::Null
                })
            }
            Kind::Integer | Kind::Long => {
                // Integral floats within range (`3.0`); beyond ±2^63 is an error, not a clamp
                // (`loose::Expected::accepts_in_request`).
                let n = match (v, v.text()) {
                    (In::Json(j @ Value::Number(_)), _) => loose::request_integer(j),
                    (_, Some(s)) if !self.strict => loose::parse_text::<i64>(s),
                    _ => None,
                }
                .ok_or_else(|| bad("an integer", v))?;
                if shape.kind == Kind::Integer && i32::try_from(n).is_err() {
                    return Err(Fault::from(ApiError::invalid_parameter(
                        name,
                        format!("{n} is out of the 32-bit integer range"),
                    )));
                }
                if !shape.enum_values.is_empty() {
                    check_enum(name, &n.to_string(), &shape.enum_values)?;
                }
                check_range(name, n as f64, &shape.limits)?;
                Ok(self.done(Value::Number(n.into())))
            }
            Kind::Number => {
                let f = match (v, v.text()) {
                    (In::Json(Value::Number(n)), _) => n.as_f64(),
                    (_, Some(s)) if !self.strict => loose::parse_number(s),
                    _ => None,
                }
                .ok_or_else(|| bad("a number", v))?;
                check_range(name, f, &shape.limits)?;
                Ok(match Number::from_f64(f) {
                    Some(n) => self.done(Value::Number(n)),
                    None => self.keep(v),
                })
            }
            Kind::Boolean => match (v, v.text()) {
                (In::Json(Value::Bool(b)), _) => Ok(self.done(Value::Bool(*b))),
                (_, Some(s)) if !self.strict => loose::parse_text::<bool>(s)
                    .map(|b| self.done(Value::Bool(b)))
                    .ok_or_else(|| bad("true or false", v)),
                _ => Err(bad("true or false", v)),
            },
            Kind::File => match v {
                In::Json(Value::Object(_)) => Ok(self.keep(v)),
                other => Err(bad("a file part", other)),
            },
            Kind::Object => self.object(v, shape, name, depth),
            Kind::Map => {
                let parsed = self.parse_text(v, '{');
                let In::Json(Value::Object(m)) = parsed.as_ref().map_or(v, In::Json) else {
                    return Err(ApiError::invalid_parameter(name, "expected an object").into());
                };
                let items = shape.items.as_deref();
                let mut out = Map::new();
                for (k, item) in m {
                    let item = match items {
                        Some(s) => {
                            let member = format!("{name}.{k}");
                            match self.value(In::Json(item), s, &member, depth + 1) {
                                Ok(v) => v,
                                // Report mode leaves a faulty entry out.
                                Err(f) => {
                                    self.absorb(f.at(&member, None), false, s)?;
                                    continue;
                                }
                            }
                        }
                        None => self.keep(In::Json(item)),
                    };
                    self.insert(&mut out, k, item);
                }
                Ok(self.done(Value::Object(out)))
            }
            Kind::Array => {
                let parsed = self.parse_text(v, '[');
                let v = parsed.as_ref().map_or(v, In::Json);
                let items: Vec<In<'_>> = match v {
                    In::Json(Value::Array(a)) => a.iter().map(In::Json).collect(),
                    other if self.strict => return Err(bad("a list", other)),
                    // A comma-separated string for a list of scalars.
                    other => match other.text() {
                        Some(s) if shape.items.as_deref().is_some_and(is_scalar) => s
                            .split(',')
                            .filter(|x| !x.is_empty())
                            .map(In::Text)
                            .collect(),
                        // One value where a list is expected.
                        _ => vec![other],
                    },
                };
                check_items(name, items.len(), &shape.limits)?;
                let Some(item_shape) = shape.items.as_deref() else {
                    return Ok(self.done(Value::Array(
                        items.into_iter().map(|i| self.keep(i)).collect(),
                    )));
                };
                let mut out = Vec::new();
                for (i, item) in items.into_iter().enumerate() {
                    let member = format!("{name}.{}", i + 1);
                    match self.value(item, item_shape, &member, depth + 1) {
                        Ok(v) => {
                            if self.build() {
                                out.push(v);
                            }
                        }
                        // Report mode leaves a faulty item out.
                        Err(f) => {
                            self.absorb(f.at(&member, None), false, item_shape)?;
                        }
                    }
                }
                Ok(self.done(Value::Array(out)))
            }
        }
    }

    /// Text that holds JSON of the expected kind (`[`/`{`) parsed (text sources only); `None`
    /// when `v` is read as it is.
    fn parse_text(&self, v: In<'_>, open: char) -> Option<Value> {
        match v.text() {
            Some(s) if !self.strict && s.trim_start().starts_with(open) => {
                serde_json::from_str(s).ok()
            }
            _ => None,
        }
    }

    fn object(&self, v: In<'_>, shape: &Shape, name: &str, depth: usize) -> Checked<Value> {
        let parsed = self.parse_text(v, '{');
        let m = match parsed.as_ref().map_or(v, In::Json) {
            In::Json(Value::Object(m)) => m,
            other => {
                let shown: String = other.to_value().to_string().chars().take(64).collect();
                return Err(ApiError::invalid_parameter(
                    name,
                    format!("expected an object, got {shown}"),
                )
                .into());
            }
        };
        // Building: the members as they came, then moved as `Map::remove` (a swap with the
        // last) and `Map::insert` (at the end) move them.
        let mut slots: Vec<Slot<'_>> = if self.build() {
            m.iter().map(|(k, v)| Slot::Came(k, v)).collect()
        } else {
            Vec::new()
        };
        for f in &shape.fields {
            let member = if name == "body" {
                std::borrow::Cow::Borrowed(f.name.as_str())
            } else {
                format!("{name}.{}", f.name).into()
            };
            let taken = match self.build() {
                true => slots
                    .iter()
                    .position(|s| s.key() == f.name)
                    .map(|i| slots.swap_remove(i)),
                false => None,
            };
            let raw = match &taken {
                Some(Slot::Came(_, v)) => Some(In::Json(v)),
                Some(Slot::Checked(_, v)) => Some(In::Json(v)),
                None if self.build() => None,
                None => m.get(&f.name).map(In::Json),
            };
            let checked = self.member(
                raw,
                f.required,
                self.strict,
                &f.shape,
                &member,
                f.line,
                depth + 1,
            )?;
            if let (true, Some(item)) = (self.build(), checked) {
                slots.push(Slot::Checked(f.name.clone(), item));
            }
        }
        if !self.build() {
            return Ok(Value::Null);
        }
        Ok(Value::Object(
            slots
                .into_iter()
                .map(|s| match s {
                    Slot::Came(k, v) => (k.clone(), v.clone()),
                    Slot::Checked(k, v) => (k, v),
                })
                .collect(),
        ))
    }

    /// A value of `shape` standing in for a faulty or missing required one (report mode): the
    /// documented example, the first documented value, or the smallest value the limits allow.
    fn placeholder(&self, shape: &Shape, depth: usize) -> Value {
        let l = &shape.limits;
        let first_enum = shape.enum_values.first();
        match shape.kind {
            Kind::Any => Value::Null,
            Kind::Ref => match shape.reference.as_ref().and_then(|r| self.op.types.get(r)) {
                Some(t) if depth < 8 => self.placeholder(t, depth + 1),
                _ => Value::Object(Map::new()),
            },
            Kind::String => {
                if let Some(e) = first_enum {
                    return Value::String(e.clone());
                }
                if let Some(Value::String(e)) = &shape.example {
                    return Value::String(e.clone());
                }
                let min = l.min_length.unwrap_or(0) as usize;
                let max = l.max_length.map(|m| m as usize).unwrap_or(usize::MAX);
                let mut s = "placeholder".to_owned();
                while s.chars().count() < min {
                    s.push('x');
                }
                Value::String(s.chars().take(max.max(min)).collect())
            }
            Kind::Integer | Kind::Long => {
                if let Some(n) = first_enum.and_then(|e| e.parse::<i64>().ok()) {
                    return n.into();
                }
                if let Some(n) = shape.example.as_ref().and_then(Value::as_i64) {
                    return n.into();
                }
                let n = l.minimum.map(|m| m.ceil()).unwrap_or(0.0);
                let n = l.maximum.map(|m| n.min(m.floor())).unwrap_or(n);
                (n.clamp(i32::MIN as f64, i32::MAX as f64) as i64).into()
            }
            Kind::Number => {
                let f = l.minimum.unwrap_or(0.0);
                Number::from_f64(f)
                    .map(Value::Number)
                    .unwrap_or(Value::Null)
            }
            Kind::Boolean => Value::Bool(false),
            Kind::File => serde_json::json!({
                "filename": "", "content_type": "application/octet-stream", "data": []
            }),
            Kind::Map => Value::Object(Map::new()),
            Kind::Array => {
                let n = l.min_items.unwrap_or(0).min(4) as usize;
                let item = shape.items.as_deref();
                Value::Array(
                    (0..n)
                        .map(|_| item.map_or(Value::Null, |s| self.placeholder(s, depth + 1)))
                        .collect(),
                )
            }
            Kind::Object => {
                let mut m = Map::new();
                if depth < 8 {
                    for f in shape.fields.iter().filter(|f| f.required) {
                        m.insert(f.name.clone(), self.placeholder(&f.shape, depth + 1));
                    }
                }
                Value::Object(m)
            }
        }
    }
}

fn is_scalar(s: &Shape) -> bool {
    matches!(
        s.kind,
        Kind::String | Kind::Integer | Kind::Long | Kind::Number | Kind::Boolean
    )
}

/// Documented values match ignoring ASCII case: the documents themselves disagree on case
/// (alikafka's `ResourceType` table lists `Instance`, its example sends `instance`).
fn check_enum(name: &str, value: &str, allowed: &[String]) -> Result<(), ApiError> {
    if allowed.is_empty() || allowed.iter().any(|a| a.eq_ignore_ascii_case(value)) {
        return Ok(());
    }
    let allowed: Vec<&str> = allowed.iter().map(String::as_str).collect();
    super::params::check_enum(name, value, &allowed)
}

fn check_text(name: &str, s: &str, l: &Limits) -> Result<(), ApiError> {
    super::params::check_length(
        name,
        s,
        l.min_length.map(|n| n as usize),
        l.max_length.map(|n| n as usize),
    )?;
    // Some documents state a numeric range for a parameter they type as String
    // (`PartitionNum`, 1 to 48): check it when the text is a number.
    match loose::parse_number(s) {
        Some(f) => check_range(name, f, l),
        None => Ok(()),
    }
}

fn check_range(name: &str, f: f64, l: &Limits) -> Result<(), ApiError> {
    super::params::check_range(name, f, l.minimum, l.maximum)
}

fn check_items(name: &str, n: usize, l: &Limits) -> Result<(), ApiError> {
    super::params::check_items(
        name,
        n,
        l.min_items.map(|n| n as usize),
        l.max_items.map(|n| n as usize),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{FieldShape, Protocol, ServiceSchema};
    use serde_json::json;

    fn schema() -> ServiceSchema {
        ServiceSchema::from_json(
            &json!({
                "service": "t", "protocol": "alibaba-rpc", "version": "2019-09-16",
                "operations": [{
                    "id": "CreateTopic", "method": "POST", "path": "/", "success_status": 200,
                    "params": [
                        {"name": "InstanceId", "in": "query", "required": true, "type": "string"},
                        {"name": "PartitionNum", "in": "query", "type": "string",
                         "limits": {"minimum": 1.0, "maximum": 48.0}},
                        {"name": "PageSize", "in": "query", "type": "integer",
                         "limits": {"maximum": 100.0}},
                        {"name": "Type", "in": "query", "type": "string", "enum": ["normal", "compact"]},
                        {"name": "Tag", "in": "query", "type": "array", "encoding": "repeat-list",
                         "items": {"type": "ref", "ref": "Tag"}},
                        {"name": "Ids", "in": "query", "type": "array", "encoding": "repeat-list",
                         "items": {"type": "long"}},
                        {"name": "Config", "in": "query", "type": "object", "encoding": "json",
                         "fields": [{"name": "Enable", "type": "boolean", "required": true}]}
                    ],
                    "types": {"Tag": {"type": "object", "fields": [
                        {"name": "Key", "type": "string", "required": true},
                        {"name": "Value", "type": "string"}]}}
                }]
            })
            .to_string(),
        )
        .unwrap()
    }

    fn params(pairs: &[(&str, &str)]) -> Params {
        Params::of(pairs)
    }

    #[test]
    fn rpc_parameters_become_the_models_serde_form() {
        let s = schema();
        assert_eq!(s.protocol, Protocol::AlibabaRpc);
        let op = s.operation("CreateTopic").unwrap();
        let v = rpc_input(
            op,
            &params(&[
                ("InstanceId", "i-1"),
                ("PageSize", "20"),
                ("Tag.1.Key", "env"),
                ("Tag.1.Value", "prod"),
                ("Ids.2", "7"),
                ("Ids.1", "6"),
                ("Config", r#"{"Enable":true}"#),
            ]),
        )
        .unwrap();
        assert_eq!(
            v,
            json!({"InstanceId": "i-1", "PageSize": 20, "Tag": [{"Key": "env", "Value": "prod"}],
                   "Ids": [6, 7], "Config": {"Enable": true}})
        );
        // Lists also arrive as JSON text or comma-separated (some SDKs send them so).
        let v = rpc_input(op, &params(&[("InstanceId", "i"), ("Ids", "[1,2]")])).unwrap();
        assert_eq!(v["Ids"], json!([1, 2]));
        let v = rpc_input(op, &params(&[("InstanceId", "i"), ("Ids", "3,4")])).unwrap();
        assert_eq!(v["Ids"], json!([3, 4]));
    }

    #[test]
    fn faults_name_the_parameter() {
        let s = schema();
        let op = s.operation("CreateTopic").unwrap();
        let err = |pairs: &[(&str, &str)]| rpc_input(op, &params(pairs)).unwrap_err();
        let e = err(&[]);
        assert_eq!((e.status, e.code.as_str()), (400, "MissingParameter"));
        assert!(e.message.contains("InstanceId"));
        assert_eq!(err(&[("InstanceId", "")]).code, "MissingParameter");
        let e = err(&[("InstanceId", "i"), ("PageSize", "ten")]);
        assert_eq!(e.code, "InvalidParameter");
        assert!(e.message.contains("PageSize") && e.message.contains("an integer"));
        assert!(err(&[("InstanceId", "i"), ("PageSize", "101")])
            .message
            .contains("maximum"));
        assert!(err(&[("InstanceId", "i"), ("PageSize", "99999999999")])
            .message
            .contains("32-bit"));
        assert!(err(&[("InstanceId", "i"), ("PartitionNum", "49")])
            .message
            .contains("PartitionNum"));
        assert!(err(&[("InstanceId", "i"), ("Type", "other")])
            .message
            .contains("normal, compact"));
        let e = err(&[("InstanceId", "i"), ("Tag.1.Value", "v")]);
        assert_eq!(e.code, "MissingParameter");
        assert!(e.message.contains("Tag.1.Key"), "{}", e.message);
        assert!(err(&[("InstanceId", "i"), ("Ids.1", "x")])
            .message
            .contains("Ids.1"));
        assert!(err(&[("InstanceId", "i"), ("Config", "{")])
            .message
            .contains("JSON"));
        assert!(err(&[("InstanceId", "i"), ("Config", "{}")])
            .message
            .contains("Config.Enable"));
        assert!(
            err(&[("InstanceId", "i"), ("Config", r#"{"Enable":"maybe"}"#)])
                .message
                .contains("true or false")
        );
    }

    /// Checking without building takes the same decisions as building, in both modes: the
    /// same error, the same violations, for every case of the tests above.
    #[test]
    fn checking_without_building_decides_alike() {
        let s = schema();
        let op = s.operation("CreateTopic").unwrap();
        let cases: &[&[(&str, &str)]] = &[
            &[],
            &[("InstanceId", "")],
            &[("InstanceId", "i"), ("PageSize", "ten")],
            &[("InstanceId", "i"), ("PageSize", "101")],
            &[("InstanceId", "i"), ("PageSize", "99999999999")],
            &[("InstanceId", "i"), ("PageSize", "")],
            &[("InstanceId", "i"), ("PartitionNum", "49")],
            &[("InstanceId", "i"), ("PartitionNum", "abc")],
            &[("InstanceId", "i"), ("Type", "other")],
            &[("InstanceId", "i"), ("Type", "COMPACT")],
            &[("InstanceId", "i"), ("Tag.1.Value", "v")],
            &[("InstanceId", "i"), ("Tag.1.Key", "k"), ("Tag.2.Key", "")],
            &[("InstanceId", "i"), ("Tag", "x")],
            &[("InstanceId", "i"), ("Ids.1", "x")],
            &[("InstanceId", "i"), ("Ids.2", "7"), ("Ids.1", "6")],
            &[("InstanceId", "i"), ("Ids", "[1,2]")],
            &[("InstanceId", "i"), ("Ids", "[1,x]")],
            &[("InstanceId", "i"), ("Ids", "3,4")],
            &[("InstanceId", "i"), ("Ids", "3,,y")],
            &[("InstanceId", "i"), ("Config", "{")],
            &[("InstanceId", "i"), ("Config", "{}")],
            &[("InstanceId", "i"), ("Config", r#"{"Enable":"maybe"}"#)],
            &[
                ("InstanceId", "i"),
                ("Config", r#"{"Enable":true,"Other":[1]}"#),
            ],
            &[("InstanceId", "i"), ("Config", r#"{"Enable":null}"#)],
            &[("InstanceId", "i"), ("Config", "[]")],
            &[
                ("InstanceId", "i"),
                ("PageSize", "20"),
                ("CurrentPage", "1"),
            ],
        ];
        for &mode in &[Validation::Strict, Validation::Report] {
            for case in cases {
                let ps = params(case);
                let (built, checked) = (Outcome::default(), Outcome::default());
                let a = rpc_checked(op, &ps, mode, &built, Output::Build).map(drop);
                let b = rpc_checked(op, &ps, mode, &checked, Output::CheckOnly).map(drop);
                let key = |r: &Result<(), ApiError>| {
                    r.as_ref()
                        .map_err(|e| (e.code.clone(), e.message.clone()))
                        .copied()
                };
                assert_eq!(key(&a), key(&b), "{mode:?} {case:?}");
                assert_eq!(built.get(), checked.get(), "{mode:?} {case:?}");
            }
        }
        // JSON values (REST bodies, JSON-string parameters) through both checkers.
        let obj = Shape {
            kind: Kind::Object,
            fields: vec![
                FieldShape {
                    name: "status".into(),
                    required: true,
                    line: Some(3),
                    shape: Shape::of(Kind::Integer),
                },
                FieldShape {
                    name: "tags".into(),
                    required: false,
                    line: None,
                    shape: Shape {
                        kind: Kind::Array,
                        items: Some(Box::new(Shape::of(Kind::String))),
                        ..Shape::default()
                    },
                },
                FieldShape {
                    name: "meta".into(),
                    required: false,
                    line: None,
                    shape: Shape {
                        kind: Kind::Map,
                        items: Some(Box::new(Shape::of(Kind::Boolean))),
                        ..Shape::default()
                    },
                },
            ],
            ..Shape::default()
        };
        let values = [
            json!({"status": 1}),
            json!({"status": "1"}),
            json!({"status": null}),
            json!({}),
            json!({"status": 1, "tags": ["a", 2]}),
            json!({"status": 1, "tags": "a,b"}),
            json!({"status": 1, "meta": {"x": true, "y": "no"}}),
            json!({"status": 1.5}),
            json!({"status": 9_999_999_999_i64}),
            json!("text"),
            json!([1]),
        ];
        for strict in [true, false] {
            for report in [false, true] {
                for v in &values {
                    let (sink_a, sink_b) = (RefCell::new(vec![]), RefCell::new(vec![]));
                    let cx = |output, sink| Checker {
                        op,
                        strict,
                        report: report.then_some(sink),
                        output,
                    };
                    let a = cx(Output::Build, &sink_a).value(In::Json(v), &obj, "body", 0);
                    let b = cx(Output::CheckOnly, &sink_b).value(In::Json(v), &obj, "body", 0);
                    let key = |r: Checked<Value>| r.map(drop).map_err(|f| f.violation());
                    assert_eq!(key(a), key(b), "strict {strict}, report {report}: {v}");
                    assert_eq!(sink_a.into_inner(), sink_b.into_inner(), "{v}");
                }
            }
        }
    }

    /// Building keeps the member order the owned checker gave: members as they came, each
    /// checked one moved as `Map::remove` then `Map::insert` move it.
    #[test]
    fn built_objects_keep_the_member_order() {
        let s = schema();
        let op = s.operation("CreateTopic").unwrap();
        let field = |name: &str| FieldShape {
            name: name.into(),
            required: false,
            line: None,
            shape: Shape::of(Kind::Long),
        };
        let obj = Shape {
            kind: Kind::Object,
            fields: vec![field("a"), field("c")],
            ..Shape::default()
        };
        let cx = Checker {
            op,
            strict: false,
            report: None,
            output: Output::Build,
        };
        let v = json!({"a": "1", "b": 2, "c": "3", "d": 4});
        let mut want = v.as_object().unwrap().clone();
        for f in ["a", "c"] {
            let item = want.remove(f).unwrap();
            want.insert(
                f.to_owned(),
                json!(item.as_str().unwrap().parse::<i64>().unwrap()),
            );
        }
        let got = cx.value(In::Json(&v), &obj, "body", 0).unwrap();
        let keys = |m: &Map<String, Value>| m.keys().cloned().collect::<Vec<_>>();
        assert_eq!(keys(got.as_object().unwrap()), keys(&want));
        assert_eq!(got, Value::Object(want));
    }

    #[test]
    fn json_sources_are_typed_strictly() {
        let s = schema();
        let op = s.operation("CreateTopic").unwrap();
        let strict = Checker {
            op,
            strict: true,
            report: None,
            output: Output::Build,
        };
        let lenient = Checker {
            op,
            strict: false,
            report: None,
            output: Output::Build,
        };
        let int = Shape::of(Kind::Long);
        assert!(strict.value(In::Json(&json!("3")), &int, "N", 0).is_err());
        assert_eq!(
            lenient.value(In::Json(&json!("3")), &int, "N", 0).unwrap(),
            json!(3)
        );
        assert_eq!(
            strict.value(In::Json(&json!(3.0)), &int, "N", 0).unwrap(),
            json!(3)
        );
        // Beyond 64 bits is an error, never a clamp to i64::MAX.
        for beyond in ["9223372036854775808", "-9223372036854775809"] {
            let huge: Value = serde_json::from_str(beyond).unwrap();
            assert!(
                strict.value(In::Json(&huge.clone()), &int, "N", 0).is_err(),
                "{beyond}"
            );
            assert!(
                lenient.value(In::Json(&huge), &int, "N", 0).is_err(),
                "{beyond}"
            );
        }
        let min: Value = serde_json::from_str("-9223372036854775808").unwrap();
        assert!(strict.value(In::Json(&min), &int, "N", 0).is_ok());
        let text = Shape::of(Kind::String);
        assert!(strict
            .value(In::Json(&json!(false)), &text, "S", 0)
            .is_err());
        assert!(strict.value(In::Json(&json!(1)), &text, "S", 0).is_err());
        assert!(strict
            .value(In::Json(&json!("true")), &Shape::of(Kind::Boolean), "B", 0)
            .is_err());
        let list = Shape {
            kind: Kind::Array,
            items: Some(Box::new(Shape::of(Kind::String))),
            ..Shape::default()
        };
        assert!(strict
            .value(In::Json(&json!("a,b")), &list, "L", 0)
            .is_err());
        assert!(strict
            .value(In::Json(&json!([false])), &list, "L", 0)
            .is_err());
        let obj = Shape {
            kind: Kind::Object,
            fields: vec![FieldShape {
                name: "status".into(),
                required: false,
                line: None,
                shape: Shape::of(Kind::String),
            }],
            ..Shape::default()
        };
        let e = strict
            .value(In::Json(&json!({"status": null})), &obj, "body", 0)
            .unwrap_err()
            .error;
        assert!(e.message.contains("status") && e.message.contains("null"));
        assert!(lenient
            .value(In::Json(&json!({"status": null})), &obj, "body", 0)
            .is_ok());
        // JSON-string parameters are JSON sources too.
        let e = rpc_input(
            op,
            &params(&[("InstanceId", "i"), ("Config", r#"{"Enable":"true"}"#)]),
        )
        .unwrap_err();
        assert!(e.message.contains("Config.Enable"));
        // Empty text: absent for a string, a wrong value for an integer.
        assert!(rpc_input(op, &params(&[("InstanceId", "i"), ("Type", "")])).is_ok());
        assert!(rpc_input(op, &params(&[("InstanceId", "i"), ("PageSize", "")])).is_err());
    }

    /// The one tolerance policy's table, run through the checker of values that travel as text
    /// (and, for the table's strings, through an RPC parameter): the mock accepts what
    /// `loose::Expected::accepts_in_request` accepts — the table less blank numbers and
    /// integers beyond 64 bits.
    #[test]
    fn text_values_follow_the_one_tolerance_policy() {
        use crate::loose::{Expected, CASES};
        let s = schema();
        let op = s.operation("CreateTopic").unwrap();
        let lenient = Checker {
            op,
            strict: false,
            report: None,
            output: Output::Build,
        };
        let kind = |e: Expected| match e {
            Expected::Integer => Kind::Long,
            Expected::Number => Kind::Number,
            Expected::Boolean => Kind::Boolean,
            Expected::String => Kind::String,
        };
        for &(expected, json, _) in CASES {
            let v: Value = serde_json::from_str(json).unwrap();
            let want = expected.accepts_in_request(&v);
            let shape = Shape::of(kind(expected));
            let got = lenient.value(In::Json(&v.clone()), &shape, "P", 0).is_ok();
            assert_eq!(got, want, "{expected:?} {json}");
            let Value::String(text) = &v else { continue };
            // As an optional RPC parameter (an empty string is absent for text).
            let rpc = OperationSchema {
                params: vec![ParamSchema {
                    name: "P".into(),
                    location: ParamLocation::Query,
                    required: false,
                    encoding: None,
                    shape: shape.clone(),
                    line: None,
                    key: None,
                }],
                ..op.clone()
            };
            let got = rpc_input(&rpc, &params(&[("P", text)])).is_ok();
            let want = want || (expected == Expected::String && text.is_empty());
            assert_eq!(got, want, "RPC parameter, {expected:?} {json}");
        }
    }

    #[test]
    fn objects_reject_wrong_kinds_and_self_reference_ends() {
        let op = OperationSchema {
            id: "X".into(),
            method: "POST".into(),
            path: "/".into(),
            version: None,
            params: vec![],
            body: None,
            success_status: 200,
            response: None,
            types: [(
                "Node".to_owned(),
                Shape {
                    kind: Kind::Object,
                    fields: vec![FieldShape {
                        name: "Next".into(),
                        required: false,
                        line: None,
                        shape: Shape {
                            kind: Kind::Ref,
                            reference: Some("Node".into()),
                            ..Shape::default()
                        },
                    }],
                    ..Shape::default()
                },
            )]
            .into_iter()
            .collect(),
        };
        let cx = Checker {
            op: &op,
            strict: false,
            report: None,
            output: Output::Build,
        };
        let node = Shape {
            kind: Kind::Ref,
            reference: Some("Node".into()),
            ..Shape::default()
        };
        let mut deep = json!({});
        for _ in 0..200 {
            deep = json!({ "Next": deep });
        }
        assert!(cx.value(In::Json(&deep), &node, "body", 0).is_ok());
        assert!(cx.value(In::Json(&json!([1])), &node, "body", 0).is_err());
        assert!(cx
            .value(In::Json(&json!({"a": 1})), &Shape::of(Kind::String), "S", 0)
            .unwrap_err()
            .error
            .message
            .contains("a string"));
        assert_eq!(
            cx.value(In::Json(&json!(12)), &Shape::of(Kind::String), "S", 0)
                .unwrap(),
            json!("12")
        );
    }
}
