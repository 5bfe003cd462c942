//! Spec-driven reading and checking of requests: the parameters of a call, as described by an
//! [`OperationSchema`], become the serde form of the operation's request model (a JSON object
//! keyed by wire names), or the vendor's 4xx error naming the first faulty parameter.
//!
//! What is checked: presence of required parameters and members, types, documented enum values,
//! lengths, numeric ranges and item counts. Coercions are the lossless ones the vendors' own
//! gateways accept — numeric and boolean text where a number or boolean is expected (every RPC
//! parameter travels as text), a number where text is expected, one value where a list is
//! expected, a JSON or comma-separated string for a list — so requests from the official SDKs
//! pass while a wrong-typed value (`"abc"` for an integer, an object for a string) does not.
//! Those coercions apply to values that travel as text (query, form, path, header). JSON bodies
//! and JSON-string parameters are typed by their sender, so there a value must have the
//! documented JSON type, and `null` is not a value (a required member given `null` is missing;
//! an optional one must be left out).

use serde_json::{Map, Number, Value};

use super::errors::ApiError;
use super::params::Params;
use super::rest::RestRequest;
use crate::schema::{
    BodySchema, Kind, Limits, OperationSchema, ParamEncoding, ParamLocation, ParamSchema, Shape,
};

/// Deepest nesting of named types followed (a type that contains itself ends here).
const MAX_DEPTH: usize = 48;

/// Reads and checks the parameters of an RPC call (query and form, already merged).
pub fn rpc_input(op: &OperationSchema, params: &Params) -> Result<Value, ApiError> {
    let text = Checker { op, strict: false };
    let json = Checker { op, strict: true };
    let mut out = Map::new();
    for p in &op.params {
        let raw = rpc_raw(p, params)?;
        let cx = if p.encoding == Some(ParamEncoding::Json) {
            &json
        } else {
            &text
        };
        cx.put(&mut out, p, raw)?;
    }
    Ok(Value::Object(out))
}

/// Reads and checks the path, query and header parameters and the body of a REST call.
pub fn rest_input(op: &OperationSchema, req: &RestRequest) -> Result<Value, ApiError> {
    let text = Checker { op, strict: false };
    let mut out = Map::new();
    for p in &op.params {
        let raw = rest_raw(p, req);
        text.put(&mut out, p, raw)?;
    }
    if let Some(body) = &op.body {
        // Multipart fields are text; a JSON body is typed by its sender.
        let strict = !body.content_type.starts_with("multipart/");
        if let Some(v) = (Checker { op, strict }).body(body, req)? {
            out.insert(body.key.clone(), v);
        }
    }
    Ok(Value::Object(out))
}

/// Checks parameters given as a JSON object keyed by wire names (the body under the
/// [`BodySchema::key`]): how tests and tools build a request model from documented values.
pub fn value_input(op: &OperationSchema, wire: &Map<String, Value>) -> Result<Value, ApiError> {
    // Documented examples print numbers as text and the like: read them leniently.
    let cx = Checker { op, strict: false };
    let mut out = Map::new();
    for p in &op.params {
        cx.put(&mut out, p, wire.get(&p.name).cloned())?;
    }
    if let Some(b) = &op.body {
        match wire.get(&b.key) {
            None | Some(Value::Null) if b.required => {
                return Err(ApiError::missing_parameter("body"))
            }
            None | Some(Value::Null) => {}
            Some(v) => {
                let v = cx.value(v.clone(), &b.shape, "body", 0)?;
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

/// The raw value of an RPC parameter: text, or the structure rebuilt from `Name.1.Key` members.
fn rpc_raw(p: &ParamSchema, params: &Params) -> Result<Option<Value>, ApiError> {
    // An empty value counts as absent for text; for a number or boolean it is a wrong value.
    let text = |params: &Params| {
        params
            .get(&p.name)
            .filter(|v| !v.is_empty() || p.shape.kind != Kind::String)
            .map(|v| Value::String(v.to_owned()))
    };
    Ok(match (p.encoding, p.shape.kind) {
        (Some(ParamEncoding::Json), _) => match params.get(&p.name).filter(|v| !v.is_empty()) {
            None => None,
            Some(t) => Some(serde_json::from_str(t).map_err(|e| {
                ApiError::invalid_parameter(&p.name, format!("expected JSON text: {e}"))
            })?),
        },
        (Some(ParamEncoding::Csv), _) => text(params),
        (Some(ParamEncoding::RepeatList), _)
        | (_, Kind::Array | Kind::Object | Kind::Map | Kind::Ref) => params.unflatten(&p.name),
        _ => text(params),
    })
}

/// The raw value of a REST parameter (text; lists from repeated or comma-separated values).
fn rest_raw(p: &ParamSchema, req: &RestRequest) -> Option<Value> {
    // An empty value counts as absent for text; for a number or boolean it is a wrong value.
    let nonempty = |v: &str| {
        (!v.is_empty() || p.shape.kind != Kind::String).then(|| Value::String(v.to_owned()))
    };
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
            (!items.is_empty()).then_some(Value::Array(items))
        }
        ParamLocation::Query | ParamLocation::Form => req.query.get(&p.name).and_then(nonempty),
    }
}

struct Checker<'a> {
    op: &'a OperationSchema,
    /// JSON source: types must match exactly, `null` is not a value.
    strict: bool,
}

impl Checker<'_> {
    fn put(
        &self,
        out: &mut Map<String, Value>,
        p: &ParamSchema,
        raw: Option<Value>,
    ) -> Result<(), ApiError> {
        match raw {
            None | Some(Value::Null) if p.required => Err(ApiError::missing_parameter(&p.name)),
            None | Some(Value::Null) => Ok(()),
            Some(v) => {
                let v = self.value(v, &p.shape, &p.name, 0)?;
                out.insert(p.key().to_owned(), v);
                Ok(())
            }
        }
    }

    fn body(&self, b: &BodySchema, req: &RestRequest) -> Result<Option<Value>, ApiError> {
        if b.content_type.starts_with("multipart/") {
            if req.parts.is_empty() {
                return if b.required {
                    Err(ApiError::missing_parameter("body"))
                } else {
                    Ok(None)
                };
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
            return self
                .value(Value::Object(obj), &b.shape, "body", 0)
                .map(Some);
        }
        match &req.json {
            None if b.required => Err(ApiError::missing_parameter("body")),
            None => Ok(None),
            Some(v) => self.value(v.clone(), &b.shape, "body", 0).map(Some),
        }
    }

    /// Checks `v` against `shape`, returning it in the model's serde form.
    fn value(&self, v: Value, shape: &Shape, name: &str, depth: usize) -> Result<Value, ApiError> {
        if depth > MAX_DEPTH {
            return Ok(v);
        }
        let bad = |what: &str, v: &Value| {
            let shown: String = v.to_string().chars().take(64).collect();
            ApiError::invalid_parameter(name, format!("expected {what}, got {shown}"))
        };
        match shape.kind {
            Kind::Any => Ok(v),
            Kind::Ref => match shape.reference.as_ref().and_then(|r| self.op.types.get(r)) {
                Some(target) => self.value(v, target, name, depth + 1),
                None => Ok(v),
            },
            Kind::String => {
                let s = match v {
                    Value::String(s) => s,
                    Value::Number(n) if !self.strict => n.to_string(),
                    Value::Bool(b) if !self.strict => b.to_string(),
                    other => return Err(bad("a string", &other)),
                };
                check_enum(name, &s, &shape.enum_values)?;
                check_text(name, &s, &shape.limits)?;
                Ok(Value::String(s))
            }
            Kind::Integer | Kind::Long => {
                // Integral floats within range (`3.0`); beyond ±2^63 is an error, not a clamp.
                let in_range = |f: &f64| {
                    f.fract() == 0.0
                        && *f > -9.223_372_036_854_776e18
                        && *f < 9.223_372_036_854_776e18
                };
                let n = match &v {
                    Value::Number(n) => n
                        .as_i64()
                        .or_else(|| n.as_f64().filter(in_range).map(|f| f as i64)),
                    Value::String(s) if !self.strict => s.trim().parse::<i64>().ok(),
                    _ => None,
                }
                .ok_or_else(|| bad("an integer", &v))?;
                if shape.kind == Kind::Integer && i32::try_from(n).is_err() {
                    return Err(ApiError::invalid_parameter(
                        name,
                        format!("{n} is out of the 32-bit integer range"),
                    ));
                }
                check_enum(name, &n.to_string(), &shape.enum_values)?;
                check_range(name, n as f64, &shape.limits)?;
                Ok(Value::Number(n.into()))
            }
            Kind::Number => {
                let f = match &v {
                    Value::Number(n) => n.as_f64(),
                    Value::String(s) if !self.strict => {
                        s.trim().parse::<f64>().ok().filter(|f| f.is_finite())
                    }
                    _ => None,
                }
                .ok_or_else(|| bad("a number", &v))?;
                check_range(name, f, &shape.limits)?;
                Ok(Number::from_f64(f).map(Value::Number).unwrap_or(v))
            }
            Kind::Boolean => match &v {
                Value::Bool(b) => Ok(Value::Bool(*b)),
                Value::String(s) if !self.strict && s.trim().eq_ignore_ascii_case("true") => {
                    Ok(Value::Bool(true))
                }
                Value::String(s) if !self.strict && s.trim().eq_ignore_ascii_case("false") => {
                    Ok(Value::Bool(false))
                }
                _ => Err(bad("true or false", &v)),
            },
            Kind::File => match v {
                Value::Object(_) => Ok(v),
                other => Err(bad("a file part", &other)),
            },
            Kind::Object => self.object(v, shape, name, depth),
            Kind::Map => {
                let Value::Object(m) = self.parse_text(v, '{') else {
                    return Err(ApiError::invalid_parameter(name, "expected an object"));
                };
                let items = shape.items.as_deref();
                let mut out = Map::with_capacity(m.len());
                for (k, item) in m {
                    let item = match items {
                        Some(s) => self.value(item, s, &format!("{name}.{k}"), depth + 1)?,
                        None => item,
                    };
                    out.insert(k, item);
                }
                Ok(Value::Object(out))
            }
            Kind::Array => {
                let items: Vec<Value> = match self.parse_text(v, '[') {
                    Value::Array(a) => a,
                    other if self.strict => return Err(bad("a list", &other)),
                    // A comma-separated string for a list of scalars.
                    Value::String(s) if shape.items.as_deref().is_some_and(is_scalar) => s
                        .split(',')
                        .filter(|x| !x.is_empty())
                        .map(|x| Value::String(x.to_owned()))
                        .collect(),
                    // One value where a list is expected.
                    one => vec![one],
                };
                check_items(name, items.len(), &shape.limits)?;
                let Some(item_shape) = shape.items.as_deref() else {
                    return Ok(Value::Array(items));
                };
                items
                    .into_iter()
                    .enumerate()
                    .map(|(i, item)| {
                        self.value(item, item_shape, &format!("{name}.{}", i + 1), depth + 1)
                    })
                    .collect::<Result<Vec<_>, _>>()
                    .map(Value::Array)
            }
        }
    }

    /// Text that holds JSON of the expected kind (`[`/`{`) becomes that JSON (text sources only).
    fn parse_text(&self, v: Value, open: char) -> Value {
        match v {
            Value::String(s) if !self.strict && s.trim_start().starts_with(open) => {
                match serde_json::from_str(&s) {
                    Ok(parsed) => parsed,
                    Err(_) => Value::String(s),
                }
            }
            other => other,
        }
    }

    fn object(&self, v: Value, shape: &Shape, name: &str, depth: usize) -> Result<Value, ApiError> {
        let mut m = match self.parse_text(v, '{') {
            Value::Object(m) => m,
            other => {
                let shown: String = other.to_string().chars().take(64).collect();
                return Err(ApiError::invalid_parameter(
                    name,
                    format!("expected an object, got {shown}"),
                ));
            }
        };
        for f in &shape.fields {
            let member = if name == "body" {
                f.name.clone()
            } else {
                format!("{name}.{}", f.name)
            };
            match m.remove(&f.name) {
                None | Some(Value::Null) if f.required => {
                    return Err(ApiError::missing_parameter(&member))
                }
                Some(Value::Null) if self.strict => {
                    return Err(ApiError::invalid_parameter(
                        &member,
                        "null is not a value; leave the member out",
                    ))
                }
                None | Some(Value::Null) => {}
                Some(item) => {
                    let item = self.value(item, &f.shape, &member, depth + 1)?;
                    m.insert(f.name.clone(), item);
                }
            }
        }
        Ok(Value::Object(m))
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
    match s.trim().parse::<f64>() {
        Ok(f) if f.is_finite() => check_range(name, f, l),
        _ => Ok(()),
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
        Params(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
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

    #[test]
    fn json_sources_are_typed_strictly() {
        let s = schema();
        let op = s.operation("CreateTopic").unwrap();
        let strict = Checker { op, strict: true };
        let lenient = Checker { op, strict: false };
        let int = Shape::of(Kind::Long);
        assert!(strict.value(json!("3"), &int, "N", 0).is_err());
        assert_eq!(lenient.value(json!("3"), &int, "N", 0).unwrap(), json!(3));
        assert_eq!(strict.value(json!(3.0), &int, "N", 0).unwrap(), json!(3));
        // Beyond 64 bits is an error, never a clamp to i64::MAX.
        for beyond in ["9223372036854775808", "-9223372036854775809"] {
            let huge: Value = serde_json::from_str(beyond).unwrap();
            assert!(
                strict.value(huge.clone(), &int, "N", 0).is_err(),
                "{beyond}"
            );
            assert!(lenient.value(huge, &int, "N", 0).is_err(), "{beyond}");
        }
        let min: Value = serde_json::from_str("-9223372036854775808").unwrap();
        assert!(strict.value(min, &int, "N", 0).is_ok());
        let text = Shape::of(Kind::String);
        assert!(strict.value(json!(false), &text, "S", 0).is_err());
        assert!(strict.value(json!(1), &text, "S", 0).is_err());
        assert!(strict
            .value(json!("true"), &Shape::of(Kind::Boolean), "B", 0)
            .is_err());
        let list = Shape {
            kind: Kind::Array,
            items: Some(Box::new(Shape::of(Kind::String))),
            ..Shape::default()
        };
        assert!(strict.value(json!("a,b"), &list, "L", 0).is_err());
        assert!(strict.value(json!([false]), &list, "L", 0).is_err());
        let obj = Shape {
            kind: Kind::Object,
            fields: vec![FieldShape {
                name: "status".into(),
                required: false,
                shape: Shape::of(Kind::String),
            }],
            ..Shape::default()
        };
        let e = strict
            .value(json!({"status": null}), &obj, "body", 0)
            .unwrap_err();
        assert!(e.message.contains("status") && e.message.contains("null"));
        assert!(lenient
            .value(json!({"status": null}), &obj, "body", 0)
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

    #[test]
    fn objects_reject_wrong_kinds_and_self_reference_ends() {
        let op = OperationSchema {
            id: "X".into(),
            method: "POST".into(),
            path: "/".into(),
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
        assert!(cx.value(deep, &node, "body", 0).is_ok());
        assert!(cx.value(json!([1]), &node, "body", 0).is_err());
        assert!(cx
            .value(json!({"a": 1}), &Shape::of(Kind::String), "S", 0)
            .unwrap_err()
            .message
            .contains("a string"));
        assert_eq!(
            cx.value(json!(12), &Shape::of(Kind::String), "S", 0)
                .unwrap(),
            json!("12")
        );
    }
}
