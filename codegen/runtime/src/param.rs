//! Operation parameters as data. A generated encoder lists its request's members as
//! `(wire name, &dyn Param)` pairs and makes one call ([`crate::rpc::RpcRequest::encode`],
//! [`crate::rest::RestRequest::encode`]); how each kind of value is written lives here, once,
//! instead of one generic builder call per member in every client crate (which the compiler
//! instantiated and type-checked per call).
//!
//! Implemented for every member type the generator emits: `String`, `i32`, `i64`, `f64`,
//! `bool`, the models' string enums (through [`crate::wire_enum!`]), `Option<_>` of those (an
//! absent value is not sent), and the wrappers that say how a structured value is encoded:
//! [`Flat`] (Alibaba repeat lists and objects, `Name.1.Key`), [`JsonText`] / [`JsonList`]
//! (parameters typed "String (JSON)"), [`Csv`] (`a,b`) and [`Repeat`] (`name=a&name=b`).

use std::fmt::Display;

use serde::Serialize;

use crate::error::Error;

/// A value of one operation parameter.
pub trait Param {
    /// Appends what this value sends under `name` to `out`: nothing for an absent optional
    /// value, one pair for a scalar, several for a flattened list.
    fn write(&self, name: &str, out: &mut Vec<(String, String)>) -> Result<(), Error>;
}

macro_rules! display_param {
    ($($t:ty),*) => {$(
        impl Param for $t {
            fn write(&self, name: &str, out: &mut Vec<(String, String)>) -> Result<(), Error> {
                out.push((name.to_owned(), self.to_string()));
                Ok(())
            }
        }
    )*};
}

display_param!(String, str, i32, i64, u64, f64, bool);

impl<T: Param> Param for Option<T> {
    fn write(&self, name: &str, out: &mut Vec<(String, String)>) -> Result<(), Error> {
        match self {
            Some(v) => v.write(name, out),
            None => Ok(()),
        }
    }
}

/// A string enum of the models (see [`crate::wire_enum!`]): sent as its wire value.
pub fn write_str(value: &str, name: &str, out: &mut Vec<(String, String)>) -> Result<(), Error> {
    out.push((name.to_owned(), value.to_owned()));
    Ok(())
}

/// A structured value flattened the Alibaba RPC way: lists as `Name.1`, `Name.2`, …, objects
/// as `Name.Field`, recursively (`Tag.1.Key=k&Tag.1.Value=v`); `null` members are skipped.
#[derive(Debug, Clone, Copy)]
pub struct Flat<'a, T>(pub &'a T);

impl<T: Serialize> Param for Flat<'_, T> {
    fn write(&self, name: &str, out: &mut Vec<(String, String)>) -> Result<(), Error> {
        let v = serde_json::to_value(self.0)
            .map_err(|e| Error::InvalidRequest(format!("parameter {name}: {e}")))?;
        crate::rpc::flatten_value(name, &v, out);
        Ok(())
    }
}

/// A parameter whose value is the JSON text of the value.
#[derive(Debug, Clone, Copy)]
pub struct JsonText<'a, T>(pub &'a T);

impl<'a, T> JsonText<'a, T> {
    /// The JSON text of an optional value: nothing when absent.
    pub fn opt(value: &'a Option<T>) -> Option<Self> {
        value.as_ref().map(JsonText)
    }
}

impl<T: Serialize> Param for JsonText<'_, T> {
    fn write(&self, name: &str, out: &mut Vec<(String, String)>) -> Result<(), Error> {
        let s = serde_json::to_string(self.0)
            .map_err(|e| Error::InvalidRequest(format!("parameter {name}: {e}")))?;
        out.push((name.to_owned(), s));
        Ok(())
    }
}

/// A list sent as its JSON text (`["a","b"]`); an empty list is not sent.
#[derive(Debug, Clone, Copy)]
pub struct JsonList<'a, T>(pub &'a [T]);

impl<T: Serialize> Param for JsonList<'_, T> {
    fn write(&self, name: &str, out: &mut Vec<(String, String)>) -> Result<(), Error> {
        if self.0.is_empty() {
            return Ok(());
        }
        JsonText(&self.0).write(name, out)
    }
}

/// A list sent as one comma-separated value (`a,b`); an empty list is not sent.
#[derive(Debug, Clone, Copy)]
pub struct Csv<'a, T>(pub &'a [T]);

impl<T: Display> Param for Csv<'_, T> {
    fn write(&self, name: &str, out: &mut Vec<(String, String)>) -> Result<(), Error> {
        if self.0.is_empty() {
            return Ok(());
        }
        let joined: Vec<String> = self.0.iter().map(|v| v.to_string()).collect();
        out.push((name.to_owned(), joined.join(",")));
        Ok(())
    }
}

/// A list sent as the parameter repeated, once per element (`name=a&name=b`).
#[derive(Debug, Clone, Copy)]
pub struct Repeat<'a, T>(pub &'a [T]);

impl<T: Display> Param for Repeat<'_, T> {
    fn write(&self, name: &str, out: &mut Vec<(String, String)>) -> Result<(), Error> {
        for v in self.0 {
            out.push((name.to_owned(), v.to_string()));
        }
        Ok(())
    }
}

/// Writes every `(name, value)` pair to `out`, in order.
pub fn write_all(
    params: &[(&str, &dyn Param)],
    out: &mut Vec<(String, String)>,
) -> Result<(), Error> {
    for (name, value) in params {
        value.write(name, out)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(params: &[(&str, &dyn Param)]) -> Vec<(String, String)> {
        let mut out = Vec::new();
        write_all(params, &mut out).unwrap();
        out
    }

    fn p(name: &str, value: &str) -> (String, String) {
        (name.to_owned(), value.to_owned())
    }

    #[test]
    fn scalars_options_and_lists() {
        let none: Option<String> = None;
        let tags = vec![serde_json::json!({"Key": "k", "Value": null})];
        let ids = vec!["a".to_string(), "b".to_string()];
        let empty: Vec<String> = Vec::new();
        let opt_json: Option<Vec<i32>> = Some(vec![]);
        assert_eq!(
            pairs(&[
                ("S", &"x".to_string()),
                ("I", &-3i32),
                ("F", &1.0f64),
                ("B", &true),
                ("None", &none),
                ("Some", &Some(7i64)),
                ("Tag", &Flat(&tags)),
                ("J", &JsonList(&ids)),
                ("JEmpty", &JsonList(&empty)),
                ("JOpt", &JsonText::opt(&opt_json)),
                ("C", &Csv(&ids)),
                ("CEmpty", &Csv(&empty)),
                ("R", &Repeat(&ids)),
            ]),
            vec![
                p("S", "x"),
                p("I", "-3"),
                p("F", "1"),
                p("B", "true"),
                p("Some", "7"),
                p("Tag.1.Key", "k"),
                p("J", r#"["a","b"]"#),
                p("JOpt", "[]"),
                p("C", "a,b"),
                p("R", "a"),
                p("R", "b"),
            ]
        );
    }
}
