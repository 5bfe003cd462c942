//! The answers of a generated mock: per operation the documented response example, else a
//! value generated from the response shape (deterministic for a seed); in stateful mode the
//! resource store's view first (see [`super::stateful`]).
//!
//! A documented example that disagrees with its table (the spec marks it `mismatch`) is never
//! answered as it is: decoded into the all-optional response type, the keys the table does not
//! have would vanish and the documented fields never appear, so a client would decode an
//! answer without the fields it reads. Such an example is [`Answers::with_mismatched`]: the
//! answer is the value generated from the table, with the example's values wherever its keys
//! and kinds fit the table ([`fit_example`]).

use std::any::Any;
use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Map, Value};

use crate::schema::{Kind, OperationSchema, ServiceSchema, Shape};
use crate::server::{ApiError, Prepared};

use super::stateful::{Plan, Stateful};

/// Answers of one mock service. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Answers {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    schema: &'static ServiceSchema,
    examples: BTreeMap<String, Value>,
    /// Documented examples that disagree with their tables (see the module doc).
    mismatched: BTreeMap<String, Value>,
    seed: u64,
    stateful: Option<Stateful>,
    /// The generated value per operation, built on first use: generation is deterministic for
    /// the seed, and building it (schema description, then value) on every request made it the
    /// bulk of a mock's CPU time under load.
    generated: BTreeMap<String, OnceLock<Value>>,
    /// The stateless typed answer per operation, decoded once (from the example or the
    /// generated value, whichever [`Answers::answer`] picks): decoding it from the JSON tree on
    /// every request was most of a stateless mock's own CPU time. Keyed by operation; the
    /// value is the response model (`Resp`) behind `Any`.
    typed: BTreeMap<String, OnceLock<Arc<dyn Any + Send + Sync>>>,
    /// The stateless answer per operation as mocks served from data give it (conformed to the
    /// response shape) and its JSON bytes, built once: conforming the example and serializing
    /// it again on every request was most of such a mock's own CPU time.
    conformed: BTreeMap<String, OnceLock<Result<Conformed, StatelessError>>>,
}

/// Why an operation has no stateless answer (kept with the operation's cell; answered as an
/// internal error).
#[derive(Debug, thiserror::Error)]
enum StatelessError {
    /// Neither the example nor the generated value fits the response shape.
    #[error("generated answer of {operation} does not fit: {source}")]
    Unfit {
        operation: String,
        #[source]
        source: super::conform::ConformError,
    },
    /// The conformed value does not serialize.
    #[error("{0}")]
    Json(#[source] serde_json::Error),
}

/// A stateless answer of a mock served from data, as a value and as JSON bytes.
#[derive(Debug, Clone)]
pub struct Conformed {
    /// The answer as the response model would give it back.
    pub value: Value,
    /// `value` serialized (compact JSON).
    pub json: axum::body::Bytes,
    /// The RPC answer (JSON and XML texts rendered once), made on first use.
    rpc: OnceLock<Arc<Prepared>>,
}

impl Conformed {
    /// The answer as the RPC front door renders it, prepared once and shared.
    pub fn rpc(&self) -> Arc<Prepared> {
        self.rpc
            .get_or_init(|| Arc::new(Prepared::with_json(self.value.clone(), self.json.clone())))
            .clone()
    }
}

/// What [`Answers::answer_conformed`] gives: the stateful view (computed for this request) or
/// the operation's stateless answer (shared).
#[derive(Debug)]
pub enum AnswerOf<'a> {
    /// The stateful store's view, for this request.
    Stateful(Value),
    /// The operation's answer without state, the same for every request.
    Stateless(&'a Conformed),
}

fn generated_cells<T>(schema: &ServiceSchema) -> BTreeMap<String, OnceLock<T>> {
    schema
        .operations
        .iter()
        .map(|o| (o.id.clone(), OnceLock::new()))
        .collect()
}

impl Answers {
    /// Answers for `schema` from `examples` (operation id → documented response body).
    pub fn new(
        schema: &'static ServiceSchema,
        examples: BTreeMap<String, Value>,
        seed: u64,
    ) -> Self {
        Self {
            inner: Arc::new(Inner {
                schema,
                examples,
                mismatched: BTreeMap::new(),
                seed,
                stateful: None,
                generated: generated_cells(schema),
                typed: generated_cells(schema),
                conformed: generated_cells(schema),
            }),
        }
    }

    /// Documented examples (operation id → body) that disagree with their tables: answered as
    /// the table's generated value with the example's fitting values (see the module doc).
    pub fn with_mismatched(self, mismatched: BTreeMap<String, Value>) -> Self {
        let inner = Inner {
            schema: self.inner.schema,
            examples: self.inner.examples.clone(),
            mismatched,
            seed: self.inner.seed,
            stateful: self.inner.stateful.clone(),
            generated: generated_cells(self.inner.schema),
            typed: generated_cells(self.inner.schema),
            conformed: generated_cells(self.inner.schema),
        };
        Self {
            inner: Arc::new(inner),
        }
    }

    /// Turns stateful mode on with the inferred `plans` (operation id → what it does to which
    /// resource).
    pub fn stateful(self, plans: BTreeMap<String, Plan>) -> Self {
        let engine = Stateful::new(plans, self.inner.seed);
        self.with_state(engine)
    }

    /// Turns stateful mode on with `engine` (its plans, lifecycle clock and persistence),
    /// reading paging members as the service's schema documents them
    /// ([`Stateful::with_schema`]).
    pub fn with_state(self, engine: Stateful) -> Self {
        let inner = Inner {
            schema: self.inner.schema,
            examples: self.inner.examples.clone(),
            mismatched: self.inner.mismatched.clone(),
            seed: self.inner.seed,
            stateful: Some(engine.with_schema(self.inner.schema)),
            generated: generated_cells(self.inner.schema),
            typed: generated_cells(self.inner.schema),
            conformed: generated_cells(self.inner.schema),
        };
        Self {
            inner: Arc::new(inner),
        }
    }

    /// The service schema.
    pub fn schema(&self) -> &'static ServiceSchema {
        self.inner.schema
    }

    /// The stateful engine, when on.
    pub fn state(&self) -> Option<&Stateful> {
        self.inner.stateful.as_ref()
    }

    /// The documented example of `operation`, if any.
    pub fn example(&self, operation: &str) -> Option<&Value> {
        self.inner.examples.get(operation)
    }

    /// The default body of `operation`: its documented example, else a generated value.
    pub fn default_body(&self, operation: &str) -> Value {
        if let Some(v) = self.example(operation) {
            return v.clone();
        }
        self.generated(operation)
    }

    /// A value generated from `operation`'s response shape (deterministic for the seed), with
    /// the fitting values of a mismatched documented example.
    pub fn generated(&self, operation: &str) -> Value {
        self.generated_ref(operation)
            .cloned()
            .unwrap_or_else(|| json!({}))
    }

    /// The cached generated value of `operation`; `None` for an operation not in the schema.
    fn generated_ref(&self, operation: &str) -> Option<&Value> {
        let cell = self.inner.generated.get(operation)?;
        Some(cell.get_or_init(|| {
            match self
                .inner
                .schema
                .operation(operation)
                .and_then(|op| Some((op, op.response.as_ref()?)))
            {
                Some((op, shape)) => {
                    let generated = super::generate(&shape_schema(shape, op), self.inner.seed);
                    match self.inner.mismatched.get(operation) {
                        Some(example) => fit_example(generated, example),
                        None => generated,
                    }
                }
                None => json!({}),
            }
        }))
    }

    /// The answer of `operation` to `input` (the request's checked serde form, as
    /// [`crate::server::validate`] gives it) without response types, equal to what
    /// [`Self::answer`] gives re-serialized: the stateful view when it applies, else the
    /// documented example, else a generated value — the first that fits the response shape,
    /// each as the response model would give it back ([`super::conform`]). What mocks served
    /// from data ([`super::dynamic`]) answer.
    pub fn answer_value(&self, operation: &str, input: &Value) -> Result<Value, ApiError> {
        Ok(match self.answer_conformed(operation, input)? {
            AnswerOf::Stateful(v) => v,
            AnswerOf::Stateless(c) => c.value.clone(),
        })
    }

    /// [`Self::answer_value`] without copying the stateless answer: the stateful view when it
    /// applies, else the operation's stateless answer, conformed and serialized once.
    pub fn answer_conformed(
        &self,
        operation: &str,
        input: &Value,
    ) -> Result<AnswerOf<'_>, ApiError> {
        use super::conform::conform_response;
        let op = self
            .inner
            .schema
            .operation(operation)
            .ok_or_else(|| ApiError::internal(format!("no operation {operation}")))?;
        if let Some(st) = &self.inner.stateful {
            if let Some(v) = st.apply(operation, input, || self.default_body(operation))? {
                return conform_response(op, &v)
                    .map(AnswerOf::Stateful)
                    .map_err(ApiError::internal);
            }
        }
        let cell = self
            .inner
            .conformed
            .get(operation)
            .ok_or_else(|| ApiError::internal(format!("no operation {operation}")))?;
        let conformed = cell.get_or_init(|| {
            let value = match self.example(operation).map(|v| conform_response(op, v)) {
                Some(Ok(r)) => r,
                _ => {
                    let fallback = json!({});
                    let generated = self.generated_ref(operation).unwrap_or(&fallback);
                    conform_response(op, generated).map_err(|source| StatelessError::Unfit {
                        operation: operation.to_owned(),
                        source,
                    })?
                }
            };
            let json = serde_json::to_vec(&value).map_err(StatelessError::Json)?;
            Ok(Conformed {
                value,
                json: json.into(),
                rpc: OnceLock::new(),
            })
        });
        conformed
            .as_ref()
            .map(AnswerOf::Stateless)
            .map_err(ApiError::internal)
    }

    /// The typed answer of `operation` to `request`: the stateful view when it applies, else
    /// the documented example, else a generated value — the first that fits `Resp`.
    ///
    /// Without state the answer only depends on the operation: it is decoded once and cloned.
    pub fn answer<Req: Serialize, Resp: DeserializeOwned + Clone + Send + Sync + 'static>(
        &self,
        operation: &str,
        request: &Req,
    ) -> Result<Resp, ApiError> {
        if let Some(st) = &self.inner.stateful {
            let input = serde_json::to_value(request).map_err(ApiError::internal)?;
            if let Some(v) = st.apply(operation, &input, || self.default_body(operation))? {
                return serde_json::from_value(v).map_err(ApiError::internal);
            }
        }
        let Some(cell) = self.inner.typed.get(operation) else {
            return self.decode_answer(operation);
        };
        if let Some(r) = cell.get().and_then(|a| a.downcast_ref::<Resp>()) {
            return Ok(r.clone());
        }
        let r: Resp = self.decode_answer(operation)?;
        // Another response type for the same operation (a caller's own model) is decoded each
        // time; the first one decoded is kept.
        let _ = cell.set(Arc::new(r.clone()));
        Ok(r)
    }

    /// The stateless answer decoded into `Resp`: the documented example when it fits, else
    /// the generated value.
    fn decode_answer<Resp: DeserializeOwned>(&self, operation: &str) -> Result<Resp, ApiError> {
        if let Some(v) = self.example(operation) {
            if let Ok(r) = Resp::deserialize(v) {
                return Ok(r);
            }
        }
        let fallback = json!({});
        let generated = self.generated_ref(operation).unwrap_or(&fallback);
        Resp::deserialize(generated).map_err(|e| {
            ApiError::internal(format!("generated answer of {operation} does not fit: {e}"))
        })
    }
}

/// Without state, every operation's typed answer is the documented example or the generated
/// value, whichever first decodes into the response model — the same for every request, so
/// the front doors render it once ([`crate::server::ConstantAnswers`]); the generated mocks
/// give their answers to their service this way.
impl crate::server::ConstantAnswers for Answers {
    fn constant(&self, operation: &str) -> Option<Vec<&Value>> {
        if self.inner.stateful.is_some() || !self.inner.generated.contains_key(operation) {
            return None;
        }
        // As `decode_answer` tries them.
        Some(
            self.example(operation)
                .into_iter()
                .chain(self.generated_ref(operation))
                .collect(),
        )
    }
}

/// `generated` (a value with every member of the table) with `example`'s values wherever the
/// example has the same key and a value of the same kind (object, list, scalar; `null` keeps
/// the generated value); the example's
/// other keys are left out, as the spec's `mismatch` note on the example says. A list takes the
/// example's items, each fitted to the generated first item; a single object where the table
/// has a list (XML-converted JSON) counts as a one-item list.
pub fn fit_example(generated: Value, example: &Value) -> Value {
    match (generated, example) {
        (Value::Object(mut g), Value::Object(e)) => {
            for (k, slot) in g.iter_mut() {
                if let Some(ev) = e.get(k) {
                    *slot = fit_example(std::mem::take(slot), ev);
                }
            }
            Value::Object(g)
        }
        (Value::Array(g), Value::Array(e)) if !e.is_empty() => {
            let template = g.into_iter().next().unwrap_or(Value::Null);
            Value::Array(
                e.iter()
                    .map(|item| fit_example(template.clone(), item))
                    .collect(),
            )
        }
        (Value::Array(g), e @ Value::Object(_)) => {
            let template = g.into_iter().next().unwrap_or(Value::Null);
            Value::Array(vec![fit_example(template, e)])
        }
        // A value of another kind (or `null`) where the table has members: the table's.
        (g @ (Value::Object(_) | Value::Array(_)), _) => g,
        (g, Value::Object(_) | Value::Array(_) | Value::Null) => g,
        (_, e) => e.clone(),
    }
}

/// The JSON-Schema-like description [`super::generate`] reads, for `shape` (named types of `op`
/// resolved, nesting bounded).
pub fn shape_schema(shape: &Shape, op: &OperationSchema) -> Value {
    to_schema(shape, op, 0, &mut Vec::new())
}

/// How deep a description goes (members, list items and named types each count one). Deep
/// enough for the documents' answers (Huawei Kafka `group.members[].assignment[].partitions[]`
/// is 9 through its named types; at 8 the items came out `{}`); a named type is not expanded
/// inside itself, so a self-referencing type stays small.
const SCHEMA_DEPTH: usize = 16;

fn to_schema<'a>(
    shape: &'a Shape,
    op: &'a OperationSchema,
    depth: usize,
    expanding: &mut Vec<&'a str>,
) -> Value {
    let mut s = Map::new();
    if let Some(e) = &shape.example {
        s.insert("example".into(), e.clone());
    }
    let ty = match shape.kind {
        Kind::String => "string",
        Kind::Integer | Kind::Long => "integer",
        Kind::Number => "number",
        Kind::Boolean => "boolean",
        Kind::Object | Kind::Map | Kind::Any | Kind::File => "object",
        Kind::Array => "array",
        Kind::Ref => {
            let Some((name, t)) = shape
                .reference
                .as_deref()
                .and_then(|r| Some((r, op.types.get(r)?)))
            else {
                return json!({"type": "object"});
            };
            if depth >= SCHEMA_DEPTH || expanding.contains(&name) {
                return json!({"type": "object"});
            }
            expanding.push(name);
            let out = to_schema(t, op, depth + 1, expanding);
            expanding.pop();
            return out;
        }
    };
    s.insert("type".into(), ty.into());
    if !shape.enum_values.is_empty() {
        let values: Vec<Value> = shape
            .enum_values
            .iter()
            .map(|v| match shape.kind {
                Kind::Integer | Kind::Long => v
                    .parse::<i64>()
                    .map(Value::from)
                    .unwrap_or(v.clone().into()),
                _ => Value::String(v.clone()),
            })
            .collect();
        s.insert("enum".into(), Value::Array(values));
    }
    let l = &shape.limits;
    if let Some(v) = l.minimum {
        s.insert("minimum".into(), json!(v));
    }
    if let Some(v) = l.maximum {
        s.insert("maximum".into(), json!(v));
    }
    if let Some(v) = l.max_length {
        s.insert("maxLength".into(), json!(v));
    }
    if let Some(v) = l.min_items {
        s.insert("minItems".into(), json!(v));
    }
    if !shape.fields.is_empty() && depth < SCHEMA_DEPTH {
        let props: Map<String, Value> = shape
            .fields
            .iter()
            .map(|f| {
                (
                    f.name.clone(),
                    to_schema(&f.shape, op, depth + 1, expanding),
                )
            })
            .collect();
        s.insert("properties".into(), Value::Object(props));
    }
    if let (Kind::Array, Some(items)) = (shape.kind, &shape.items) {
        s.insert("items".into(), to_schema(items, op, depth + 1, expanding));
    }
    let schema = Value::Object(s);
    match &shape.list_wrapper {
        // `{"InstanceVO": [...]}` as the vendor sends it.
        Some(w) if shape.kind == Kind::Array => {
            json!({"type": "object", "properties": { w.clone(): schema }})
        }
        _ => schema,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    fn schema() -> &'static ServiceSchema {
        let text = json!({
            "service": "t", "protocol": "alibaba-rpc", "version": "2019-09-16",
            "operations": [{
                "id": "GetTopicList", "method": "POST", "path": "/", "success_status": 200,
                "response": {"type": "object", "fields": [
                    {"name": "Total", "type": "integer"},
                    {"name": "Topics", "type": "array", "items": {"type": "string"}}
                ]}
            }]
        })
        .to_string();
        Box::leak(Box::new(ServiceSchema::from_json(&text).unwrap()))
    }

    #[derive(serde::Deserialize, Debug, Clone, PartialEq)]
    #[serde(rename_all = "PascalCase")]
    struct Resp {
        total: i64,
        topics: Vec<String>,
    }

    #[test]
    fn generated_answers_are_built_once_and_equal_a_fresh_generation() {
        let s = schema();
        let op = s.operation("GetTopicList").unwrap();
        let fresh = super::super::generate(&shape_schema(op.response.as_ref().unwrap(), op), 5);
        assert!(
            fresh["Total"].is_i64() && fresh["Topics"].is_array(),
            "{fresh}"
        );
        let answers = Answers::new(s, BTreeMap::new(), 5);
        // The cached value is the one generation gives, on every call and in typed answers.
        assert_eq!(answers.generated("GetTopicList"), fresh);
        assert_eq!(answers.generated("GetTopicList"), fresh);
        let typed: Resp = answers.answer("GetTopicList", &json!({})).unwrap();
        assert_eq!(typed, Resp::deserialize(&fresh).unwrap());
        // The typed answer is decoded once and then cloned: the same on the next call.
        let again: Resp = answers
            .answer("GetTopicList", &json!({"other": "request"}))
            .unwrap();
        assert_eq!(again, typed);
        // Another seed gives another value; an unknown operation gives `{}`.
        let other = Answers::new(s, BTreeMap::new(), 6);
        assert_eq!(
            other.generated("GetTopicList"),
            super::super::generate(&shape_schema(op.response.as_ref().unwrap(), op), 6)
        );
        assert_eq!(answers.generated("Nope"), json!({}));
        assert!(answers.answer::<_, Resp>("Nope", &json!({})).is_err());
    }

    #[test]
    fn the_stateless_answer_from_data_is_conformed_once_and_its_bytes_are_its_json() {
        let s = schema();
        let example = json!({"Total": "3", "Topics": ["a"], "Extra": 1});
        let answers = Answers::new(s, BTreeMap::from([("GetTopicList".into(), example)]), 5);
        let first = match answers
            .answer_conformed("GetTopicList", &json!({}))
            .unwrap()
        {
            AnswerOf::Stateless(c) => c,
            other => panic!("{other:?}"),
        };
        // The example as the response model gives it back (the string total is read as a
        // number, the unknown key dropped), and the bytes are that value's JSON.
        let expected =
            super::super::conform::conform_response(s.operation("GetTopicList").unwrap(), &{
                json!({"Total": "3", "Topics": ["a"], "Extra": 1})
            })
            .unwrap();
        assert_eq!(first.value, expected);
        assert_eq!(&first.json[..], serde_json::to_vec(&expected).unwrap());
        assert_eq!(
            answers.answer_value("GetTopicList", &json!({})).unwrap(),
            expected
        );
        // Another request gets the same cached answer (no new conform or serialization).
        let again = match answers
            .answer_conformed("GetTopicList", &json!({"x": 1}))
            .unwrap()
        {
            AnswerOf::Stateless(c) => c,
            other => panic!("{other:?}"),
        };
        assert!(std::ptr::eq(first, again));
        assert!(answers.answer_conformed("Nope", &json!({})).is_err());
    }

    fn leak(text: Value) -> &'static ServiceSchema {
        Box::leak(Box::new(
            ServiceSchema::from_json(&text.to_string()).unwrap(),
        ))
    }

    /// MSE CreateCluster (doc L1769): the example prints `Instanceld`, the table `InstanceId`.
    /// The old mock answered the example, the all-optional response type dropped the unknown
    /// key, and a client decoded no `InstanceId` at all.
    #[test]
    fn a_mismatched_example_is_answered_through_its_table_keeping_what_fits() {
        let s = leak(json!({
            "service": "t", "protocol": "alibaba-rpc", "version": "2019-05-31",
            "operations": [{
                "id": "CreateCluster", "method": "POST", "path": "/", "success_status": 200,
                "response": {"type": "object", "fields": [
                    {"name": "RequestId", "type": "string"},
                    {"name": "InstanceId", "type": "string"},
                    {"name": "Items", "type": "array", "list_wrapper": "Item",
                     "items": {"type": "object", "fields": [{"name": "Key", "type": "string"},
                                                           {"name": "Size", "type": "integer"}]}}
                ]}
            }]
        }));
        let example = json!({
            "RequestId": "abc", "Instanceld": "mse-1",
            "Items": {"Item": {"Key": "k"}}
        });
        let mismatched = BTreeMap::from([("CreateCluster".to_owned(), example.clone())]);
        let answers = Answers::new(s, BTreeMap::new(), 0).with_mismatched(mismatched);
        let body = answers.generated("CreateCluster");
        // Every member of the table is there ...
        assert!(body["InstanceId"].is_string(), "{body}");
        assert!(body["Items"]["Item"][0]["Size"].is_i64(), "{body}");
        // ... with the example's values where its keys fit the table, a single wrapped item
        // read as a one-item list, and the misprinted key not answered.
        assert_eq!(body["RequestId"], "abc");
        assert_eq!(body["Items"]["Item"][0]["Key"], "k");
        assert_eq!(body["Items"]["Item"].as_array().unwrap().len(), 1);
        assert!(body.get("Instanceld").is_none(), "{body}");
        assert_eq!(answers.default_body("CreateCluster"), body);
        // Without the mismatch the example itself is the answer (as before).
        let plain = Answers::new(
            s,
            BTreeMap::from([("CreateCluster".to_owned(), example.clone())]),
            0,
        );
        assert_eq!(plain.default_body("CreateCluster"), example);
    }

    #[test]
    fn fitting_keeps_the_table_where_the_example_has_another_kind_or_null() {
        let g = json!({"group": {"id": "g-1", "n": 3}, "list": [{"a": 1}], "s": "x"});
        let e = json!({"group": null, "id": "top-level", "list": "text", "s": 5});
        assert_eq!(
            fit_example(g, &e),
            json!({"group": {"id": "g-1", "n": 3}, "list": [{"a": 1}], "s": 5})
        );
    }

    /// Huawei Kafka ShowInstanceManagementGroup: `group.members[].assignment[].partitions[]`
    /// through three named types; the old depth bound (8, named types counted) answered the
    /// assignment items as `{}`.
    #[test]
    fn generated_answers_reach_deeply_nested_named_types() {
        let s = leak(json!({
            "service": "t", "protocol": "huawei-rest", "version": "v2",
            "operations": [{
                "id": "ShowGroup", "method": "GET", "path": "/g", "success_status": 200,
                "response": {"type": "object", "fields": [{"name": "group", "type": "ref", "ref": "Group"}]},
                "types": {
                    "Group": {"type": "object", "fields": [
                        {"name": "members", "type": "array", "items": {"type": "ref", "ref": "Member"}},
                        {"name": "parent", "type": "ref", "ref": "Group"}]},
                    "Member": {"type": "object", "fields": [
                        {"name": "assignment", "type": "array", "items": {"type": "ref", "ref": "Assignment"}}]},
                    "Assignment": {"type": "object", "fields": [
                        {"name": "topic", "type": "string"},
                        {"name": "partitions", "type": "array", "items": {"type": "integer"}}]}
                }
            }]
        }));
        let body = Answers::new(s, BTreeMap::new(), 0).generated("ShowGroup");
        let a = &body["group"]["members"][0]["assignment"][0];
        assert!(a["topic"].is_string(), "{body}");
        assert!(a["partitions"][0].is_i64(), "{body}");
        // A type inside itself is not expanded again (it stays small).
        assert_eq!(body["group"]["parent"], json!({}));
    }
}
