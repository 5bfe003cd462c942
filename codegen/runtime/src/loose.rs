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
//!
//! **Requests.** The servers' request validation (`server::validate`, feature `server`)
//! reads values that travel as text (RPC query and form, REST path, query and header
//! parameters) by the same rules, with two exceptions a response may carry but a request may
//! not ([`Expected::accepts_in_request`]): a blank where a number or boolean is expected is a
//! wrong value rather than an absent one, and an integer beyond the 64-bit range is an error
//! rather than Java's `Long.MAX_VALUE` printed through a double. The exported OpenAPI request
//! schemas are strict (`type: integer`), so schemathesis sends both as data the server must
//! reject, and no client sends them.

use std::borrow::Cow;
use std::str::FromStr;

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

/// A loose scalar string read as `T` (an integer, a boolean): the first of its [`text_forms`]
/// that parses. `None` for a blank string.
pub fn parse_text<T: FromStr>(s: &str) -> Option<T> {
    text_forms(s).find_map(|t| t.parse().ok())
}

/// A loose string read as a finite number (`None` for `NaN`, infinities and blank strings).
pub fn parse_number(s: &str) -> Option<f64> {
    text_forms(s).find_map(|t| finite(&t))
}

/// A scalar read as a string: a string as it is, a number or boolean as its JSON text
/// (`202` gives `"202"`); `None` for `null`, lists and objects.
pub fn string_of(v: Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// `v` read as an integer a client sends (see the module doc, **Requests**): a JSON integer,
/// an integral number within 64 bits (`3.0`) or the text of one (`" 7 "`, `"1.0"`); `None`
/// for anything else, a blank string included.
pub fn request_integer(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64().or_else(|| n.as_f64().and_then(integral_i64)),
        Value::String(s) => parse_text::<i64>(s),
        _ => None,
    }
}

/// Whether `f` is an integral value an `i64` holds (`3.0`; not `2^63`, which is what
/// `i64::MAX` becomes through a double).
pub fn integral_i64(f: f64) -> Option<i64> {
    (f.fract() == 0.0 && f > -9.223_372_036_854_776e18 && f < 9.223_372_036_854_776e18)
        .then_some(f as i64)
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

    /// Whether `v`, sent by a client, reads as this (see the module doc, **Requests**): as
    /// [`Self::accepts`], except that a blank string is not a number or boolean and an integer
    /// must fit 64 bits.
    pub fn accepts_in_request(self, v: &Value) -> bool {
        match (self, v) {
            (Expected::String, v) => accepts_string(v),
            (Expected::Integer, v @ (Value::Number(_) | Value::String(_))) => {
                request_integer(v).is_some()
            }
            (Expected::Number, Value::String(s)) => parse_number(s).is_some(),
            (Expected::Boolean, Value::String(s)) => parse_text::<bool>(s).is_some(),
            (e, v) => e.accepts(v),
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

    /// A request is read by the table except for blanks and integers beyond 64 bits.
    #[test]
    fn requests_follow_the_table_but_for_blanks_and_overflow() {
        for &(expected, json, accepted) in CASES {
            let v: Value = serde_json::from_str(json).unwrap();
            let blank = v.as_str().is_some_and(is_blank) && expected != Expected::String;
            let overflow = v.is_u64() && !v.is_i64();
            let in_request = accepted && !blank && !overflow;
            assert_eq!(
                expected.accepts_in_request(&v),
                in_request,
                "{expected:?} {json}"
            );
        }
        assert_eq!(parse_text::<i64>(" +7 "), Some(7));
        assert_eq!(parse_text::<i64>("1.0"), Some(1));
        assert_eq!(parse_text::<bool>(" True "), Some(true));
        assert_eq!(parse_text::<i64>(""), None);
        assert_eq!(parse_number("inf"), None);
        assert_eq!(parse_text::<i64>("9223372036854775808"), None);
        assert_eq!(request_integer(&serde_json::json!(3.0)), Some(3));
        assert_eq!(request_integer(&serde_json::json!(" 7 ")), Some(7));
        assert_eq!(request_integer(&serde_json::json!(" ")), None);
        assert_eq!(request_integer(&serde_json::json!(u64::MAX)), None);
        assert_eq!(integral_i64(-3.0), Some(-3));
        assert_eq!(integral_i64(9.223_372_036_854_776e18), None);
        assert_eq!(string_of(serde_json::json!(202)).as_deref(), Some("202"));
        assert_eq!(string_of(serde_json::json!([])), None);
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
