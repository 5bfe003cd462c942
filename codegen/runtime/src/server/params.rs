//! Typed reading of string parameters (RPC query/form, REST path/query/header): scalars, repeat
//! lists (`InstanceId.1`, `Tag.1.Key`) and JSON-string parameters, with vendor errors.

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::errors::ApiError;

/// A scalar type a parameter can be read as.
pub trait FromParam: Sized {
    /// What the type expects, for error messages (`"an integer"`).
    const EXPECTED: &'static str;
    /// Parses the raw text; `None` when it is not a valid value.
    fn from_param(raw: &str) -> Option<Self>;
}

impl FromParam for String {
    const EXPECTED: &'static str = "a string";
    fn from_param(raw: &str) -> Option<Self> {
        Some(raw.to_owned())
    }
}

// Scalars are read by the one tolerance policy (`crate::loose`), as the request validation
// and the clients' decoder read them: trimmed, booleans in any case, integers also as `1.0`.
impl FromParam for bool {
    const EXPECTED: &'static str = "true or false";
    fn from_param(raw: &str) -> Option<Self> {
        crate::loose::parse_text(raw)
    }
}

macro_rules! from_param_via_from_str {
    ($($t:ty => $what:literal),* $(,)?) => {$(
        impl FromParam for $t {
            const EXPECTED: &'static str = $what;
            fn from_param(raw: &str) -> Option<Self> {
                crate::loose::parse_text(raw)
            }
        }
    )*};
}

from_param_via_from_str!(
    i32 => "an integer", i64 => "an integer", u32 => "a non-negative integer",
    u64 => "a non-negative integer",
);

impl FromParam for f64 {
    const EXPECTED: &'static str = "a number";
    fn from_param(raw: &str) -> Option<Self> {
        crate::loose::parse_number(raw)
    }
}

impl FromParam for f32 {
    const EXPECTED: &'static str = "a number";
    fn from_param(raw: &str) -> Option<Self> {
        crate::loose::parse_number(raw)
            .map(|f| f as f32)
            .filter(|f| f.is_finite())
    }
}

/// Parses `raw` as `T`, or the `InvalidParameter` error naming `name`.
pub fn parse_param<T: FromParam>(name: &str, raw: &str) -> Result<T, ApiError> {
    T::from_param(raw).ok_or_else(|| {
        let shown: String = raw.chars().take(64).collect();
        ApiError::invalid_parameter(name, format!("expected {}, got {shown:?}", T::EXPECTED))
    })
}

/// Decodes a JSON-string parameter (typed "String (JSON)" in the docs).
pub fn parse_json_param<T: DeserializeOwned>(name: &str, raw: &str) -> Result<T, ApiError> {
    serde_json::from_str(raw)
        .map_err(|e| ApiError::invalid_parameter(name, format!("expected JSON text: {e}")))
}

/// Checks that `value` is one of `allowed` (documented enum values).
pub fn check_enum(name: &str, value: &str, allowed: &[&str]) -> Result<(), ApiError> {
    if allowed.contains(&value) {
        return Ok(());
    }
    let shown: String = value.chars().take(64).collect();
    Err(ApiError::invalid_parameter(
        name,
        format!("{shown:?} is not one of {}", allowed.join(", ")),
    ))
}

/// Checks `min <= value <= max` (either bound optional).
pub fn check_range<T>(name: &str, value: T, min: Option<T>, max: Option<T>) -> Result<(), ApiError>
where
    T: PartialOrd + std::fmt::Display + Copy,
{
    if let Some(lo) = min {
        if value < lo {
            return Err(ApiError::invalid_parameter(
                name,
                format!("{value} is below the minimum {lo}"),
            ));
        }
    }
    if let Some(hi) = max {
        if value > hi {
            return Err(ApiError::invalid_parameter(
                name,
                format!("{value} is above the maximum {hi}"),
            ));
        }
    }
    Ok(())
}

/// Checks the length of `value` in characters (not bytes: the documents count characters).
pub fn check_length(
    name: &str,
    value: &str,
    min: Option<usize>,
    max: Option<usize>,
) -> Result<(), ApiError> {
    let n = value.chars().count();
    if min.is_some_and(|lo| n < lo) || max.is_some_and(|hi| n > hi) {
        let bounds = match (min, max) {
            (Some(lo), Some(hi)) => format!("{lo} to {hi}"),
            (Some(lo), None) => format!("at least {lo}"),
            (None, Some(hi)) => format!("at most {hi}"),
            (None, None) => String::new(),
        };
        return Err(ApiError::invalid_parameter(
            name,
            format!("length {n} is not {bounds} characters"),
        ));
    }
    Ok(())
}

/// Checks the number of items of a list parameter.
pub fn check_items(
    name: &str,
    len: usize,
    min: Option<usize>,
    max: Option<usize>,
) -> Result<(), ApiError> {
    if min.is_some_and(|lo| len < lo) || max.is_some_and(|hi| len > hi) {
        return Err(ApiError::invalid_parameter(
            name,
            format!("{len} items is outside the allowed count ({min:?}..={max:?})"),
        ));
    }
    Ok(())
}

/// Parameters in request order (query first, then form body). Lookups take the first match.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Params(pub Vec<(String, String)>);

impl Params {
    /// The parameters `pairs`, in order (tests).
    #[cfg(test)]
    pub(crate) fn of(pairs: &[(&str, &str)]) -> Self {
        Self(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    }

    /// The raw value of `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Whether `name` or any `name.…` member is present.
    pub fn contains(&self, name: &str) -> bool {
        self.0
            .iter()
            .any(|(k, _)| k == name || (k.starts_with(name) && k[name.len()..].starts_with('.')))
    }

    /// A required scalar: `MissingParameter` when absent or empty, `InvalidParameter` when it
    /// does not parse.
    pub fn required<T: FromParam>(&self, name: &str) -> Result<T, ApiError> {
        match self.get(name) {
            Some(v) if !v.is_empty() => parse_param(name, v),
            _ => Err(ApiError::missing_parameter(name)),
        }
    }

    /// An optional scalar (absent or empty gives `None`).
    pub fn optional<T: FromParam>(&self, name: &str) -> Result<Option<T>, ApiError> {
        match self.get(name) {
            Some(v) if !v.is_empty() => parse_param(name, v).map(Some),
            _ => Ok(None),
        }
    }

    /// A repeat list of scalars `Name.1`, `Name.2`, … in index order (gaps allowed).
    pub fn list<T: FromParam>(&self, name: &str) -> Result<Vec<T>, ApiError> {
        let mut items: Vec<(u32, &str, &str)> = Vec::new();
        for (k, v) in &self.0 {
            if let Some(idx) = k
                .strip_prefix(name)
                .and_then(|r| r.strip_prefix('.'))
                .and_then(|r| r.parse::<u32>().ok())
            {
                items.push((idx, k, v));
            }
        }
        items.sort_by_key(|(i, _, _)| *i);
        items
            .into_iter()
            .map(|(_, k, v)| parse_param(k, v))
            .collect()
    }

    /// The structure under `name` rebuilt from its flattened members (`Tag.1.Key=k` gives
    /// `[{"Key": "k"}]`): numeric segments make arrays (in index order), others objects;
    /// leaves stay strings. A plain `name=value` gives the string. `None` when absent.
    pub fn unflatten(&self, name: &str) -> Option<Value> {
        let mut root: Option<Value> = None;
        for (k, v) in &self.0 {
            if k == name {
                return Some(Value::String(v.clone()));
            }
            let Some(rest) = k.strip_prefix(name).and_then(|r| r.strip_prefix('.')) else {
                continue;
            };
            // At most MAX_SEGMENTS levels: a deeper name keeps its tail as one key, so a
            // hostile name (`A.b.b.b…`, 200 000 levels in a form body) cannot exhaust the
            // stack (found while extending the `rpc_decoder` fuzz target to this decoder).
            let segments: Vec<&str> = rest.splitn(MAX_SEGMENTS, '.').collect();
            insert_path(root.get_or_insert(Value::Null), &segments, v);
        }
        root.map(finish)
    }

    /// A structured (repeat-list or object) parameter decoded into `T` — generated models use
    /// lenient deserializers, so string leaves decode into numbers and booleans.
    pub fn flat<T: DeserializeOwned>(&self, name: &str) -> Result<Option<T>, ApiError> {
        match self.unflatten(name) {
            None => Ok(None),
            Some(v) => serde_json::from_value(v)
                .map(Some)
                .map_err(|e| ApiError::invalid_parameter(name, e)),
        }
    }

    /// A JSON-string parameter decoded into `T` (absent or empty gives `None`).
    pub fn json<T: DeserializeOwned>(&self, name: &str) -> Result<Option<T>, ApiError> {
        match self.get(name) {
            Some(v) if !v.is_empty() => parse_json_param(name, v).map(Some),
            _ => Ok(None),
        }
    }
}

/// Deepest nesting [`Params::unflatten`] builds; no documented parameter comes close
/// (`Tag.1.Key` is 2 levels below its name).
pub const MAX_SEGMENTS: usize = 32;

/// Numeric keys are collected in an object keyed by index while building (`#<n>` with
/// zero-padding so they sort), then turned into arrays by [`finish`].
fn insert_path(slot: &mut Value, segments: &[&str], leaf: &str) {
    let Some((first, rest)) = segments.split_first() else {
        if slot.is_null() {
            *slot = Value::String(leaf.to_owned());
        }
        return;
    };
    if !slot.is_object() {
        // A scalar already here (`A=1` and `A.B=2`): the structured form wins.
        *slot = Value::Object(Map::new());
    }
    let key = match first.parse::<u32>() {
        Ok(i) => format!("#{i:010}"),
        Err(_) => (*first).to_owned(),
    };
    if let Value::Object(m) = slot {
        insert_path(m.entry(key).or_insert(Value::Null), rest, leaf);
    }
}

fn finish(v: Value) -> Value {
    match v {
        Value::Object(m) => {
            if !m.is_empty() && m.keys().all(|k| k.starts_with('#')) {
                let mut items: Vec<(String, Value)> = m.into_iter().collect();
                items.sort_by(|a, b| a.0.cmp(&b.0));
                Value::Array(items.into_iter().map(|(_, v)| finish(v)).collect())
            } else {
                Value::Object(m.into_iter().map(|(k, v)| (k, finish(v))).collect())
            }
        }
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(pairs: &[(&str, &str)]) -> Params {
        Params::of(pairs)
    }

    #[test]
    fn unflatten_bounds_the_nesting_of_a_hostile_name() {
        // 200 000 levels overflowed the stack (process abort) before the bound.
        let deep = format!("A{}", ".b".repeat(200_000));
        let v = p(&[(&deep, "v")]).unflatten("A").unwrap();
        let mut depth = 0;
        let mut cur = &v;
        while let Some(next) = cur.get("b") {
            depth += 1;
            cur = next;
        }
        assert_eq!(depth, MAX_SEGMENTS - 1);
        let tail = cur.as_object().unwrap().keys().next().unwrap();
        assert_eq!(
            tail.len(),
            ".b".repeat(200_000 - MAX_SEGMENTS + 1).len() - 1
        );
    }

    #[test]
    fn scalars_missing_and_wrong_types() {
        let ps = p(&[
            ("PageSize", "10"),
            ("Enable", "TRUE"),
            ("Bad", "x1"),
            ("E", ""),
        ]);
        assert_eq!(ps.required::<i32>("PageSize").unwrap(), 10);
        assert!(ps.required::<bool>("Enable").unwrap());
        assert_eq!(ps.optional::<i64>("Nope").unwrap(), None);
        assert_eq!(ps.optional::<i64>("E").unwrap(), None);
        let e = ps.required::<i32>("E").unwrap_err();
        assert_eq!(e.code, "MissingParameter");
        let e = ps.required::<i64>("Bad").unwrap_err();
        assert_eq!((e.status, e.code.as_str()), (400, "InvalidParameter"));
        assert!(e.message.contains("an integer"), "{}", e.message);
    }

    #[test]
    fn repeat_lists_and_structures() {
        let ps = p(&[
            ("InstanceId.2", "b"),
            ("InstanceId.10", "c"),
            ("InstanceId.1", "a"),
            ("Tag.1.Key", "env"),
            ("Tag.1.Value", "prod"),
            ("Tag.2.Key", "team"),
            ("Conf.Sub.1", "x"),
            ("Size.1", "q"),
        ]);
        assert_eq!(ps.list::<String>("InstanceId").unwrap(), ["a", "b", "c"]);
        assert_eq!(
            ps.unflatten("Tag").unwrap(),
            serde_json::json!([{"Key": "env", "Value": "prod"}, {"Key": "team"}])
        );
        assert_eq!(
            ps.unflatten("Conf").unwrap(),
            serde_json::json!({"Sub": ["x"]})
        );
        assert!(ps.unflatten("Missing").is_none());
        assert!(ps.contains("Tag") && !ps.contains("Ta"));
        let e = ps.list::<i32>("Size").unwrap_err();
        assert!(e.message.contains("Size.1"));
    }

    #[test]
    fn constraint_checks() {
        assert!(check_enum("Type", "normal", &["normal", "compact"]).is_ok());
        let e = check_enum("Type", "x", &["normal", "compact"]).unwrap_err();
        assert!(e.message.contains("normal, compact"));
        assert!(check_range("Size", 5, Some(1), Some(10)).is_ok());
        assert!(check_range("Size", 0, Some(1), None).is_err());
        assert!(check_range("Size", 2.5, None, Some(2.0)).is_err());
        assert!(check_length("Name", "杭州", Some(2), Some(2)).is_ok());
        assert!(check_length("Name", "杭州x", None, Some(2)).is_err());
        assert!(check_items("Ids", 0, Some(1), None).is_err());
    }

    #[test]
    fn json_string_params() {
        let ps = p(&[("Config", r#"{"a":[1,2]}"#), ("Broken", "{")]);
        let v: Value = ps.json("Config").unwrap().unwrap();
        assert_eq!(v["a"][1], 2);
        assert_eq!(
            ps.json::<Value>("Broken").unwrap_err().code,
            "InvalidParameter"
        );
    }
}
