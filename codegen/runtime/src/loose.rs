//! How leniently loose vendor data is read: the one policy. The runtime's decoder
//! ([`crate::decode`]), apigen's check of documented examples and its OpenAPI export (response
//! schemas) all take it from here, so what one accepts the others accept.
//!
//! | expected | accepted besides the JSON type itself |
//! |---|---|
//! | integer, long | a number without a fraction (`3.0`, `Long.MAX_VALUE` printed through a double); a string of an integer, trimmed, signed or not, optionally ending in `.0` (`"200"`, `" 7 "`, `"1.0"`) |
//! | number | a string of a finite number, trimmed (`"1.5"`, `"2e3"`) |
//! | boolean | `"true"` / `"false"` in any case, trimmed |
//! | string | a number or a boolean (`"HttpCode": 202`), read as its JSON text |
//! | any scalar but a string | a blank string, read like `null` (absent) |
//!
//! Documented cases: Alibaba Kafka types `Code` as Integer but sends `"200"`; MSE types
//! `HttpCode` as String but shows `202`; booleans arrive as `"true"`. Lists (a single element
//! where a list is expected, wrapped lists) are the decoder's and the schema's business.

use std::borrow::Cow;

use serde_json::Value;

/// The texts a loose scalar string is tried as, in order: trimmed, lower-cased (booleans
/// written `"True"`), and without a trailing `.0` (integers written `"1.0"`). None for the
/// words Rust would read as non-finite numbers (`NaN`, `inf`, `infinity`).
pub fn text_forms(s: &str) -> impl Iterator<Item = Cow<'_, str>> {
    let t = s.trim();
    let word = t.trim_start_matches(['+', '-']).to_ascii_lowercase();
    let t = if matches!(word.as_str(), "nan" | "inf" | "infinity") {
        ""
    } else {
        t
    };
    let lowered = t
        .bytes()
        .any(|b| b.is_ascii_uppercase())
        .then(|| Cow::Owned(t.to_ascii_lowercase()));
    let integral = t.strip_suffix(".0").map(Cow::Borrowed);
    (!t.is_empty())
        .then_some(Cow::Borrowed(t))
        .into_iter()
        .chain(lowered)
        .chain(integral)
}

/// Whether a string is blank: read like `null` where a non-string scalar is expected.
pub fn is_blank(s: &str) -> bool {
    s.trim().is_empty()
}

/// Whether `v` reads as an integer.
pub fn accepts_integer(v: &Value) -> bool {
    match v {
        Value::Number(n) => {
            n.is_i64() || n.is_u64() || n.as_f64().is_some_and(|f| f.fract() == 0.0)
        }
        Value::String(s) => is_blank(s) || text_forms(s).any(|t| t.parse::<i128>().is_ok()),
        _ => false,
    }
}

/// Whether `v` reads as a number.
pub fn accepts_number(v: &Value) -> bool {
    match v {
        Value::Number(_) => true,
        Value::String(s) => is_blank(s) || text_forms(s).any(|t| finite(&t).is_some()),
        _ => false,
    }
}

/// Whether `v` reads as a boolean.
pub fn accepts_boolean(v: &Value) -> bool {
    match v {
        Value::Bool(_) => true,
        Value::String(s) => is_blank(s) || text_forms(s).any(|t| t.parse::<bool>().is_ok()),
        _ => false,
    }
}

/// Whether `v` reads as a string.
pub fn accepts_string(v: &Value) -> bool {
    matches!(v, Value::String(_) | Value::Number(_) | Value::Bool(_))
}

fn finite(t: &str) -> Option<f64> {
    t.parse::<f64>().ok().filter(|f| f.is_finite())
}

/// The string form of an integer as a JSON Schema `pattern` (blank allowed, like `null`).
pub const INTEGER_PATTERN: &str = r"^\s*([+-]?[0-9]+(\.0)?)?\s*$";
/// The string form of a number as a JSON Schema `pattern` (blank allowed, like `null`).
pub const NUMBER_PATTERN: &str = r"^\s*([+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?)?\s*$";
/// The string form of a boolean as a JSON Schema `pattern` (blank allowed, like `null`).
pub const BOOLEAN_PATTERN: &str = r"^\s*([Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee])?\s*$";

/// What a loose value is expected to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expected {
    /// Integer or long.
    Integer,
    /// Number.
    Number,
    /// Boolean.
    Boolean,
    /// String.
    String,
}

impl Expected {
    /// Whether `v` reads as this.
    pub fn accepts(self, v: &Value) -> bool {
        match self {
            Expected::Integer => accepts_integer(v),
            Expected::Number => accepts_number(v),
            Expected::Boolean => accepts_boolean(v),
            Expected::String => accepts_string(v),
        }
    }

    /// The `pattern` of this type's string form in a lenient schema (`None`: any string).
    pub fn pattern(self) -> Option<&'static str> {
        match self {
            Expected::Integer => Some(INTEGER_PATTERN),
            Expected::Number => Some(NUMBER_PATTERN),
            Expected::Boolean => Some(BOOLEAN_PATTERN),
            Expected::String => None,
        }
    }
}

/// The policy as a table: (expected, JSON value, accepted). The runtime's tests run it through
/// [`Expected::accepts`] and the decoder, apigen's through the example check and the OpenAPI
/// patterns.
pub const CASES: &[(Expected, &str, bool)] = &[
    (Expected::Integer, "7", true),
    (Expected::Integer, "-7", true),
    (Expected::Integer, "3.0", true),
    (Expected::Integer, "9223372036854776000", true),
    (Expected::Integer, "3.5", false),
    (Expected::Integer, r#""200""#, true),
    (Expected::Integer, r#"" 7 ""#, true),
    (Expected::Integer, r#""+7""#, true),
    (Expected::Integer, r#""1.0""#, true),
    (Expected::Integer, r#""1.5""#, false),
    (Expected::Integer, r#""12abc""#, false),
    (Expected::Integer, r#""""#, true),
    (Expected::Integer, "true", false),
    (Expected::Integer, "[1]", false),
    (Expected::Number, "1.5", true),
    (Expected::Number, r#""1.5""#, true),
    (Expected::Number, r#"" 2e3 ""#, true),
    (Expected::Number, r#"".5""#, true),
    (Expected::Number, r#""NaN""#, false),
    (Expected::Number, r#""inf""#, false),
    (Expected::Number, r#""1,5""#, false),
    (Expected::Number, r#""""#, true),
    (Expected::Number, "false", false),
    (Expected::Boolean, "true", true),
    (Expected::Boolean, r#""true""#, true),
    (Expected::Boolean, r#""FALSE""#, true),
    (Expected::Boolean, r#"" True ""#, true),
    (Expected::Boolean, r#""yes""#, false),
    (Expected::Boolean, r#""1""#, false),
    (Expected::Boolean, "1", false),
    (Expected::Boolean, r#""""#, true),
    (Expected::String, r#""x""#, true),
    (Expected::String, "202", true),
    (Expected::String, "true", true),
    (Expected::String, "{}", false),
    (Expected::String, "[]", false),
];

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Deserialize)]
    struct I(#[serde(deserialize_with = "crate::decode::lenient_opt")] Option<i64>);
    #[derive(Deserialize)]
    struct F(#[serde(deserialize_with = "crate::decode::lenient_opt")] Option<f64>);
    #[derive(Deserialize)]
    struct B(#[serde(deserialize_with = "crate::decode::lenient_opt")] Option<bool>);
    #[derive(Deserialize)]
    struct S(#[serde(deserialize_with = "crate::decode::string_lenient_opt")] Option<String>);

    /// The table, the predicates and the decoder agree row by row.
    #[test]
    fn the_decoder_reads_what_the_policy_accepts() {
        for &(expected, json, accepted) in CASES {
            let v: Value = serde_json::from_str(json).unwrap();
            assert_eq!(expected.accepts(&v), accepted, "{expected:?} {json}");
            let decoded = match expected {
                Expected::Integer => serde_json::from_str::<I>(json).is_ok(),
                Expected::Number => serde_json::from_str::<F>(json).is_ok(),
                Expected::Boolean => serde_json::from_str::<B>(json).is_ok(),
                Expected::String => serde_json::from_str::<S>(json).is_ok(),
            };
            assert_eq!(decoded, accepted, "decoder, {expected:?} {json}");
        }
    }

    #[test]
    fn decoded_values() {
        let i = |j: &str| serde_json::from_str::<I>(j).unwrap().0;
        assert_eq!(i(r#""1.0""#), Some(1));
        assert_eq!(i("3.0"), Some(3));
        assert_eq!(i(r#"" ""#), None);
        assert_eq!(i("9223372036854776000"), Some(i64::MAX));
        let b = |j: &str| serde_json::from_str::<B>(j).unwrap().0;
        assert_eq!(b(r#"" True ""#), Some(true));
        assert_eq!(
            serde_json::from_str::<F>(r#"" 2e3 ""#).unwrap().0,
            Some(2000.0)
        );
        assert_eq!(
            serde_json::from_str::<S>("202").unwrap().0.as_deref(),
            Some("202")
        );
    }
}
