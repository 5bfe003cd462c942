//! The answers of a generated mock: per operation the documented response example, else a
//! value generated from the response shape (deterministic for a seed); in stateful mode the
//! resource store's view first (see [`super::stateful`]).

use std::collections::BTreeMap;
use std::sync::Arc;

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
            }),
        }
    }

    /// Turns stateful mode on with the inferred `plans` (operation id → what it does to which
    /// resource).
    pub fn stateful(self, plans: BTreeMap<String, Plan>) -> Self {
        let inner = Inner {
            schema: self.inner.schema,
            examples: self.inner.examples.clone(),
            seed: self.inner.seed,
            stateful: Some(Stateful::new(plans, self.inner.seed)),
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
        match self.inner.schema.operation(operation) {
            Some(op) => match &op.response {
                Some(shape) => super::generate(&shape_schema(shape, op), self.inner.seed),
                None => json!({}),
            },
            None => json!({}),
        }
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
        serde_json::from_value(self.generated(operation)).map_err(|e| {
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
