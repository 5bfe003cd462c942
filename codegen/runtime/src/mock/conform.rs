//! A response value as the generated response model would give it back, without the model:
//! decoded with the same tolerant helpers ([`crate::decode`]) the generated `Deserialize` impls
//! use, and encoded as their `Serialize` impls do (members in schema order, absent options left
//! out, lists always written — `[]` when empty or absent, as the services' own answers show
//! them —, undocumented members dropped).
//!
//! Typed mocks answer `Resp::deserialize(example)` re-serialized; mocks served from data
//! ([`super::dynamic`]) answer `conform(example)`, so both send the same bodies. Where the typed
//! decoding fails (a documented example that does not fit the model), this fails too, and the
//! caller falls back the same way.
//!
//! The mapping mirrors `apigen`'s models emitter: response members are optional; text members
//! decode with `StringLenientOpt`, numbers and booleans with `LenientOpt`, lists of scalars with
//! `ListLenient`, other lists with `List` (wrapper objects and lone elements accepted), a list
//! with an XML-style wrapper as a one-member object `{"TagVO": [...]}`, enums as lenient text,
//! free-form objects as they are; inside lists and maps elements decode strictly (plain serde).

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::decode::{self, LenientOpt, ListLenient, StringLenientOpt};
use crate::schema::{Kind, OperationSchema, Shape};

/// Why a value does not fit the response model (the typed decoding would fail the same way).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConformError {
    /// A value of another JSON type than the model's (`invalid type: string, expected a map`).
    #[error("invalid type: {found}, expected {expected}")]
    Type {
        /// What the value is (`null`, `boolean`, `number`, `string`, `sequence`, `map`).
        found: &'static str,
        /// What the model wants (`an object`, `a sequence`, `a map`).
        expected: &'static str,
    },
    /// A documented enum member that is not text, a number or a boolean.
    #[error("expected a string")]
    NotText,
    /// A scalar or list the model's own `Deserialize` refuses (serde's message).
    #[error(transparent)]
    Decode(#[from] serde_json::Error),
}

fn wrong_type(v: &Value, expected: &'static str) -> ConformError {
    ConformError::Type {
        found: kind_of(v),
        expected,
    }
}

/// Deepest nesting followed (the models' types are finite; schemas may reference themselves).
const MAX_DEPTH: usize = 32;

/// The body `Resp::deserialize(value)` re-serialized gives, for the response shape of `op`
/// (`None`: the operation documents no body, answered as `{}`).
pub fn conform_response(op: &OperationSchema, value: &Value) -> Result<Value, ConformError> {
    let Some(shape) = &op.response else {
        // A response struct without members.
        return match value {
            Value::Object(_) => Ok(Value::Object(Map::new())),
            other => Err(wrong_type(other, "an object")),
        };
    };
    let cx = Cx { op };
    match shape.kind {
        Kind::Object => cx.object(&shape.fields, value, 0),
        // A top-level array or other body: the model is a transparent newtype, decoded plainly.
        _ => cx.plain(shape, value, 0),
    }
}

struct Cx<'a> {
    op: &'a OperationSchema,
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "sequence",
        Value::Object(_) => "map",
    }
}

fn via<T: DeserializeOwned + serde::Serialize>(v: &Value) -> Result<Value, ConformError> {
    let t: T = serde_json::from_value(v.clone())?;
    serde_json::to_value(t).map_err(ConformError::from)
}

impl Cx<'_> {
    /// The named type's shape, for a [`Kind::Ref`].
    fn resolve<'s>(&'s self, shape: &'s Shape) -> &'s Shape {
        match (shape.kind, &shape.reference) {
            (Kind::Ref, Some(r)) => self.op.types.get(r).unwrap_or(shape),
            _ => shape,
        }
    }

    /// A struct: the documented members, in schema order, each as a response member.
    fn object(
        &self,
        fields: &[crate::schema::FieldShape],
        value: &Value,
        depth: usize,
    ) -> Result<Value, ConformError> {
        let Value::Object(m) = value else {
            return Err(wrong_type(value, "an object"));
        };
        if depth > MAX_DEPTH {
            return Ok(Value::Object(Map::new()));
        }
        let mut out = Map::new();
        for f in fields {
            if out.contains_key(&f.name) {
                continue;
            }
            let Some(v) = m.get(&f.name) else {
                // A response list (unless wrapped: that is an `Option`) is a `Vec`, written
                // even when empty.
                if f.shape.kind == Kind::Array && f.shape.list_wrapper.is_none() {
                    out.insert(f.name.clone(), Value::Array(Vec::new()));
                }
                continue;
            };
            if let Some(v) = self.member(&f.shape, v, depth + 1)? {
                out.insert(f.name.clone(), v);
            }
        }
        Ok(Value::Object(out))
    }

    /// A response member: `None` when the model leaves it out.
    fn member(
        &self,
        shape: &Shape,
        v: &Value,
        depth: usize,
    ) -> Result<Option<Value>, ConformError> {
        let scalar_enum = shape.kind == Kind::String && !shape.enum_values.is_empty();
        let some = |v: Value| Ok(Some(v));
        match shape.kind {
            Kind::String if scalar_enum => match v {
                Value::Null => Ok(None),
                v => some(enum_text(v)?),
            },
            Kind::String => opt(via_opt::<StringLenientOpt, String>(v, |x| x.0)?),
            Kind::Integer => opt(via_opt::<LenientOpt<i32>, i32>(v, |x| x.0)?),
            Kind::Long => opt(via_opt::<LenientOpt<i64>, i64>(v, |x| x.0)?),
            Kind::Number => opt(via_opt::<LenientOpt<f64>, f64>(v, |x| x.0)?),
            Kind::Boolean => opt(via_opt::<LenientOpt<bool>, bool>(v, |x| x.0)?),
            Kind::Array => {
                let items = shape.items.as_deref().cloned().unwrap_or_default();
                if let Some(wrapper) = &shape.list_wrapper {
                    // `Option<XList>`: a struct with the one wrapped member, always written.
                    return match v {
                        Value::Null => Ok(None),
                        Value::Object(m) => {
                            let list = match m.get(wrapper) {
                                Some(inner) => self.list(&items, inner, depth)?,
                                None => Vec::new(),
                            };
                            let mut out = Map::new();
                            out.insert(wrapper.clone(), Value::Array(list));
                            some(Value::Object(out))
                        }
                        other => Err(wrong_type(other, "an object")),
                    };
                }
                let list = match self.resolve(&items).kind {
                    Kind::Array | Kind::Map => match v {
                        // `NullAsDefault<Vec<_>>`.
                        Value::Null => Vec::new(),
                        Value::Array(a) => a
                            .iter()
                            .map(|e| self.plain(&items, e, depth + 1))
                            .collect::<Result<_, _>>()?,
                        other => return Err(wrong_type(other, "a sequence")),
                    },
                    _ => self.list(&items, v, depth)?,
                };
                // Written even when empty (`Members::field`).
                some(Value::Array(list))
            }
            Kind::Object if !shape.fields.is_empty() => match v {
                Value::Null => Ok(None),
                v => some(self.object(&shape.fields, v, depth)?),
            },
            Kind::Ref => match v {
                Value::Null => Ok(None),
                v => some(self.object(&self.resolve(shape).fields, v, depth)?),
            },
            Kind::Map => match v {
                Value::Null => Ok(None),
                v => some(self.plain(shape, v, depth)?),
            },
            // `Option<serde_json::Value>` (and files, which responses do not carry).
            Kind::Object | Kind::Any | Kind::File => match v {
                Value::Null => Ok(None),
                v => some(v.clone()),
            },
        }
    }

    /// `List` / `ListLenient`: wrapper objects and lone elements accepted, then each element.
    fn list(&self, items: &Shape, v: &Value, depth: usize) -> Result<Vec<Value>, ConformError> {
        let lenient_scalar = match items.kind {
            Kind::String => items.enum_values.is_empty(),
            Kind::Integer | Kind::Long | Kind::Number | Kind::Boolean => true,
            _ => false,
        };
        if lenient_scalar {
            let as_list = |v: &Value| -> Result<Value, ConformError> {
                match items.kind {
                    Kind::String => via::<ListLenientOf<String>>(v),
                    Kind::Integer => via::<ListLenientOf<i32>>(v),
                    Kind::Long => via::<ListLenientOf<i64>>(v),
                    Kind::Number => via::<ListLenientOf<f64>>(v),
                    _ => via::<ListLenientOf<bool>>(v),
                }
            };
            return match as_list(v)? {
                Value::Array(a) => Ok(a),
                _ => Ok(Vec::new()),
            };
        }
        decode::list_items(v.clone())
            .iter()
            .map(|e| self.plain(items, e, depth + 1))
            .collect()
    }

    /// An element decoded with the type's own `Deserialize` (no leniency for scalars).
    fn plain(&self, shape: &Shape, v: &Value, depth: usize) -> Result<Value, ConformError> {
        match shape.kind {
            Kind::String if !shape.enum_values.is_empty() => enum_text(v),
            Kind::String => via::<String>(v),
            Kind::Integer => via::<i32>(v),
            Kind::Long => via::<i64>(v),
            Kind::Number => via::<f64>(v),
            Kind::Boolean => via::<bool>(v),
            Kind::Object if !shape.fields.is_empty() => self.object(&shape.fields, v, depth),
            Kind::Ref => self.object(&self.resolve(shape).fields, v, depth),
            Kind::Object | Kind::Any | Kind::File => Ok(v.clone()),
            Kind::Array => {
                let items = shape.items.as_deref().cloned().unwrap_or_default();
                match v {
                    Value::Array(a) => a
                        .iter()
                        .map(|e| self.plain(&items, e, depth + 1))
                        .collect::<Result<Vec<_>, _>>()
                        .map(Value::Array),
                    other => Err(wrong_type(other, "a sequence")),
                }
            }
            Kind::Map => {
                let items = shape.items.as_deref().cloned().unwrap_or_default();
                match v {
                    Value::Object(m) => {
                        // A `BTreeMap`: keys come back sorted.
                        let mut keys: Vec<&String> = m.keys().collect();
                        keys.sort();
                        let mut out = Map::new();
                        for k in keys {
                            out.insert(k.clone(), self.plain(&items, &m[k], depth + 1)?);
                        }
                        Ok(Value::Object(out))
                    }
                    other => Err(wrong_type(other, "a map")),
                }
            }
        }
    }
}

/// A documented enum: kept as text (`string_lenient`; `null` is empty text).
fn enum_text(v: &Value) -> Result<Value, ConformError> {
    match v {
        Value::Null => Ok(Value::String(String::new())),
        Value::String(s) => Ok(Value::String(s.clone())),
        Value::Number(n) => Ok(Value::String(n.to_string())),
        Value::Bool(b) => Ok(Value::String(b.to_string())),
        _ => Err(ConformError::NotText),
    }
}

fn opt(v: Option<Value>) -> Result<Option<Value>, ConformError> {
    Ok(v)
}

/// Decodes `v` with the optional helper `W` and encodes what it holds.
fn via_opt<W: DeserializeOwned, T: serde::Serialize>(
    v: &Value,
    inner: impl FnOnce(W) -> Option<T>,
) -> Result<Option<Value>, ConformError> {
    let w: W = serde_json::from_value(v.clone())?;
    inner(w)
        .map(|t| serde_json::to_value(t).map_err(ConformError::from))
        .transpose()
}

/// `ListLenient<Vec<T>>` with the `Serialize` of the list it holds.
struct ListLenientOf<T>(Vec<T>);

impl<'de, T> serde::Deserialize<'de> for ListLenientOf<T>
where
    T: std::str::FromStr + DeserializeOwned,
    T::Err: std::fmt::Display,
{
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        ListLenient::<Vec<T>>::deserialize(d).map(|l| ListLenientOf(l.0))
    }
}

impl<T: serde::Serialize> serde::Serialize for ListLenientOf<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn schema_of(response: Value) -> OperationSchema {
        serde_json::from_value(json!({
            "id": "Op", "method": "GET", "path": "/", "success_status": 200,
            "response": response,
            "types": {"Tag": {"type": "object", "fields": [{"name": "Key", "type": "string"}]}}
        }))
        .unwrap()
    }

    #[test]
    fn members_decode_leniently_and_encode_as_the_models_do() {
        let op = schema_of(json!({"type": "object", "fields": [
            {"name": "Code", "type": "integer"},
            {"name": "HttpCode", "type": "string"},
            {"name": "Ratio", "type": "number"},
            {"name": "Ok", "type": "boolean"},
            {"name": "Kind", "type": "string", "enum": ["a"]},
            {"name": "Ids", "type": "array", "items": {"type": "long"}},
            {"name": "Empty", "type": "array", "items": {"type": "string"}},
            {"name": "Tags", "type": "array", "items": {"type": "ref", "ref": "Tag"}, "list_wrapper": "TagVO"},
            {"name": "Items", "type": "array", "items": {"type": "ref", "ref": "Tag"}},
            {"name": "Free", "type": "object"}
        ]}));
        let got = conform_response(
            &op,
            &json!({
                "Undocumented": 1, "Code": "200", "HttpCode": 202, "Ratio": 1, "Ok": "True",
                "Kind": 3, "Ids": ["1", 2], "Empty": [], "Tags": {"TagVO": {"Key": "k", "X": 1}},
                "Items": {"Key": 5}, "Free": {"any": [1]}
            }),
        )
        .unwrap();
        assert_eq!(
            got,
            json!({
                "Code": 200, "HttpCode": "202", "Ratio": 1.0, "Ok": true, "Kind": "3",
                "Ids": [1, 2], "Empty": [], "Tags": {"TagVO": [{"Key": "k"}]},
                "Items": [{"Key": "5"}], "Free": {"any": [1]}
            })
        );
        assert!(conform_response(&op, &json!({"Code": "x"})).is_err());
        assert!(conform_response(&op, &json!({"Code": 3_000_000_000u64})).is_err());
        assert_eq!(
            conform_response(&op, &json!({"Code": null, "Tags": {}, "Ids": null})).unwrap(),
            json!({"Ids": [], "Empty": [], "Tags": {"TagVO": []}, "Items": []})
        );
        let empty = schema_of(Value::Null);
        assert_eq!(
            conform_response(&empty, &json!({"a": 1})).unwrap(),
            json!({})
        );
    }

    /// What does not fit says why: a value of the wrong JSON type, an enum that is no text, or
    /// serde's refusal (with its error as the source).
    #[test]
    fn values_that_do_not_fit_say_why() {
        let op = schema_of(json!({"type": "object", "fields": [
            {"name": "Code", "type": "integer"},
            {"name": "Kind", "type": "string", "enum": ["a"]},
            {"name": "Tags", "type": "array", "items": {"type": "ref", "ref": "Tag"}, "list_wrapper": "TagVO"},
            {"name": "Grid", "type": "array", "items": {"type": "array", "items": {"type": "string"}}}
        ]}));
        let e = conform_response(&op, &json!([1])).unwrap_err();
        assert!(
            matches!(
                e,
                ConformError::Type {
                    found: "sequence",
                    expected: "an object"
                }
            ),
            "{e:?}"
        );
        assert_eq!(e.to_string(), "invalid type: sequence, expected an object");
        let e = conform_response(&op, &json!({"Tags": "x"})).unwrap_err();
        assert_eq!(e.to_string(), "invalid type: string, expected an object");
        let e = conform_response(&op, &json!({"Grid": {"a": 1}})).unwrap_err();
        assert_eq!(e.to_string(), "invalid type: map, expected a sequence");
        let e = conform_response(&op, &json!({"Kind": ["a"]})).unwrap_err();
        assert!(matches!(e, ConformError::NotText), "{e:?}");
        let e = conform_response(&op, &json!({"Code": "x"})).unwrap_err();
        let ConformError::Decode(serde) = &e else {
            panic!("{e:?}")
        };
        assert_eq!(e.to_string(), serde.to_string());
    }
}
