//! The answers of a generated mock: per operation the documented response example, else a
//! value generated from the response shape (deterministic for a seed); in stateful mode the
//! resource store's view first (see [`super::stateful`]).

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Map, Value};

use crate::schema::{Kind, OperationSchema, ServiceSchema, Shape};
use crate::server::ApiError;

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
    seed: u64,
    stateful: Option<Stateful>,
    /// The generated value per operation, built on first use: generation is deterministic for
    /// the seed, and building it (schema description, then value) on every request made it the
    /// bulk of a mock's CPU time under load.
    generated: BTreeMap<String, OnceLock<Value>>,
}

fn generated_cells(schema: &ServiceSchema) -> BTreeMap<String, OnceLock<Value>> {
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
                seed,
                stateful: None,
                generated: generated_cells(schema),
            }),
        }
    }

    /// Turns stateful mode on with the inferred `plans` (operation id → what it does to which
    /// resource).
    pub fn stateful(self, plans: BTreeMap<String, Plan>) -> Self {
        let engine = Stateful::new(plans, self.inner.seed);
        self.with_state(engine)
    }

    /// Turns stateful mode on with `engine` (its plans, lifecycle clock and persistence).
    pub fn with_state(self, engine: Stateful) -> Self {
        let inner = Inner {
            schema: self.inner.schema,
            examples: self.inner.examples.clone(),
            seed: self.inner.seed,
            stateful: Some(engine),
            generated: generated_cells(self.inner.schema),
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

    /// A value generated from `operation`'s response shape (deterministic for the seed).
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
                Some((op, shape)) => super::generate(&shape_schema(shape, op), self.inner.seed),
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
        use super::conform::conform_response;
        let op = self
            .inner
            .schema
            .operation(operation)
            .ok_or_else(|| ApiError::internal(format!("no operation {operation}")))?;
        if let Some(st) = &self.inner.stateful {
            if let Some(v) = st.apply(operation, input, || self.default_body(operation))? {
                return conform_response(op, &v).map_err(ApiError::internal);
            }
        }
        if let Some(v) = self.example(operation) {
            if let Ok(r) = conform_response(op, v) {
                return Ok(r);
            }
        }
        let fallback = json!({});
        let generated = self.generated_ref(operation).unwrap_or(&fallback);
        conform_response(op, generated).map_err(|e| {
            ApiError::internal(format!("generated answer of {operation} does not fit: {e}"))
        })
    }

    /// The typed answer of `operation` to `request`: the stateful view when it applies, else
    /// the documented example, else a generated value — the first that fits `Resp`.
    pub fn answer<Req: Serialize, Resp: DeserializeOwned>(
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

/// The JSON-Schema-like description [`super::generate`] reads, for `shape` (named types of `op`
/// resolved, nesting bounded).
pub fn shape_schema(shape: &Shape, op: &OperationSchema) -> Value {
    to_schema(shape, op, 0)
}

fn to_schema(shape: &Shape, op: &OperationSchema, depth: usize) -> Value {
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
            return match shape.reference.as_ref().and_then(|r| op.types.get(r)) {
                Some(t) if depth < 8 => to_schema(t, op, depth + 1),
                _ => json!({"type": "object"}),
            }
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
    if !shape.fields.is_empty() && depth < 8 {
        let props: Map<String, Value> = shape
            .fields
            .iter()
            .map(|f| (f.name.clone(), to_schema(&f.shape, op, depth + 1)))
            .collect();
        s.insert("properties".into(), Value::Object(props));
    }
    if let (Kind::Array, Some(items)) = (shape.kind, &shape.items) {
        s.insert("items".into(), to_schema(items, op, depth + 1));
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

    #[derive(serde::Deserialize, Debug, PartialEq)]
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
        // Another seed gives another value; an unknown operation gives `{}`.
        let other = Answers::new(s, BTreeMap::new(), 6);
        assert_eq!(
            other.generated("GetTopicList"),
            super::super::generate(&shape_schema(op.response.as_ref().unwrap(), op), 6)
        );
        assert_eq!(answers.generated("Nope"), json!({}));
        assert!(answers.answer::<_, Resp>("Nope", &json!({})).is_err());
    }
}
