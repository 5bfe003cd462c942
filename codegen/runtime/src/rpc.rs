//! Alibaba RPC encoding: flat `name=value` parameters, repeat lists flattened as `Tag.1.Key`,
//! JSON-string parameters, and the `Action`/`Version`/`Format=JSON` + nonce/timestamp common
//! parameters (added at signing time, see [`crate::request::sign_request`]).

use std::borrow::Cow;
use std::fmt::Display;

use serde::Serialize;
use serde_json::Value;

use crate::error::Error;
use crate::param::Param;
use crate::request::{PreparedRequest, RequestProtocol, RpcInfo};
use crate::sign::percent_decode;

/// Protocol parameters of every RPC request that are not operation parameters, besides the
/// signature's own ([`crate::sign::alibaba_v1::SCHEME_PARAMS`]).
pub const PROTOCOL_PARAMS: &[&str] = &[
    "Action",
    "Version",
    "Format",
    "SecurityToken",
    "ResourceOwnerAccount",
];

/// Whether `name` is a common parameter (protocol or signature v1), not an operation's.
pub fn is_common_param(name: &str) -> bool {
    PROTOCOL_PARAMS.contains(&name) || crate::sign::alibaba_v1::SCHEME_PARAMS.contains(&name)
}

/// What identifies one RPC operation and how it is sent, for [`RpcRequest::encode`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RpcOperation {
    /// `Action`.
    pub action: &'static str,
    /// API version sent as `Version`.
    pub version: &'static str,
    /// How the parameters travel.
    pub method: RpcMethod,
    /// Whether repeating the call is harmless (read-only actions), enabling retries.
    pub idempotent: bool,
}

/// How an RPC call's parameters travel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RpcMethod {
    /// `GET`, every parameter in the query.
    Get,
    /// `POST`, the parameters in the form body.
    Post,
}

/// Builder of one RPC call.
#[derive(Debug, Clone)]
pub struct RpcRequest {
    action: Cow<'static, str>,
    version: Cow<'static, str>,
    method: Cow<'static, str>,
    params: Vec<(String, String)>,
    idempotent: bool,
}

impl RpcRequest {
    /// A `POST` call of `action` in API `version` (parameters go in the form body).
    pub fn new(
        action: impl Into<Cow<'static, str>>,
        version: impl Into<Cow<'static, str>>,
    ) -> Self {
        Self {
            action: action.into(),
            version: version.into(),
            method: Cow::Borrowed("POST"),
            params: Vec::new(),
            idempotent: false,
        }
    }

    /// The request of `op` with `params` (wire name and value, in order): what a generated
    /// encoder calls, once (see [`crate::param`]).
    pub fn encode(
        op: RpcOperation,
        params: &[(&str, &dyn Param)],
    ) -> Result<PreparedRequest, Error> {
        let mut q = RpcRequest::new(op.action, op.version).idempotent(op.idempotent);
        if op.method == RpcMethod::Get {
            q = q.get();
        }
        crate::param::write_all(params, &mut q.params)?;
        Ok(q.into_prepared())
    }

    /// Sends as `GET` with all parameters in the query (read-only actions).
    pub fn get(mut self) -> Self {
        self.method = Cow::Borrowed("GET");
        self
    }

    /// Marks the action as safe to repeat (read-only), enabling retries.
    pub fn idempotent(mut self, yes: bool) -> Self {
        self.idempotent = yes;
        self
    }

    /// Adds a scalar parameter (`bool` gives `true`/`false`).
    pub fn param(mut self, name: &str, value: impl Display) -> Self {
        self.params.push((name.to_owned(), value.to_string()));
        self
    }

    /// Adds a parameter when present.
    pub fn param_opt<V: Display>(self, name: &str, value: Option<V>) -> Self {
        match value {
            Some(v) => self.param(name, v),
            None => self,
        }
    }

    /// Adds a structured value flattened the RPC way: lists as `Name.1`, `Name.2`, …, objects as
    /// `Name.Field`, recursively (`Tag.1.Key=k&Tag.1.Value=v`). `null` members are skipped.
    pub fn flat(mut self, name: &str, value: &impl Serialize) -> Result<Self, Error> {
        let v = serde_json::to_value(value)
            .map_err(|e| Error::InvalidRequest(format!("parameter {name}: {e}")))?;
        flatten_value(name, &v, &mut self.params);
        Ok(self)
    }

    /// Adds a parameter whose value is the JSON text of `value` (parameters typed "String (JSON)").
    pub fn json(mut self, name: &str, value: &impl Serialize) -> Result<Self, Error> {
        let s = serde_json::to_string(value)
            .map_err(|e| Error::InvalidRequest(format!("parameter {name}: {e}")))?;
        self.params.push((name.to_owned(), s));
        Ok(self)
    }

    /// The operation parameters added so far, in order.
    pub fn params(&self) -> &[(String, String)] {
        &self.params
    }

    /// Finishes the builder.
    pub fn into_prepared(self) -> PreparedRequest {
        let mut req = PreparedRequest::new(self.action.clone(), self.method.clone(), "/");
        req.idempotent = self.idempotent;
        if self.method == "GET" {
            req.query = self.params;
        } else {
            req.form = self.params;
        }
        req.protocol = RequestProtocol::AlibabaRpc(RpcInfo {
            action: self.action,
            version: self.version,
        });
        req
    }
}

/// Flattens `v` under `prefix` into `out` (see [`RpcRequest::flat`]).
pub fn flatten_value(prefix: &str, v: &Value, out: &mut Vec<(String, String)>) {
    match v {
        Value::Null => {}
        Value::Bool(b) => out.push((prefix.to_owned(), b.to_string())),
        Value::Number(n) => out.push((prefix.to_owned(), n.to_string())),
        Value::String(s) => out.push((prefix.to_owned(), s.clone())),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                flatten_value(&format!("{prefix}.{}", i + 1), item, out);
            }
        }
        Value::Object(fields) => {
            for (k, item) in fields {
                flatten_value(&format!("{prefix}.{k}"), item, out);
            }
        }
    }
}

/// Encodes pairs as `a=1&b=2` with RFC 3986 escaping (valid for both query strings and
/// `application/x-www-form-urlencoded` bodies, and what the signers canonicalise).
pub fn encode_pairs(pairs: &[(String, String)]) -> String {
    crate::sign::encode_pairs(pairs)
}

/// Parses a query string or form body (`+` means space, as in HTML forms).
pub fn parse_form(body: &str) -> Vec<(String, String)> {
    body.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (
                percent_decode(&k.replace('+', " ")),
                percent_decode(&v.replace('+', " ")),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Serialize;

    #[derive(Serialize)]
    struct Tag {
        #[serde(rename = "Key")]
        key: &'static str,
        #[serde(rename = "Value", skip_serializing_if = "Option::is_none")]
        value: Option<&'static str>,
    }

    #[test]
    fn repeat_lists_flatten_with_one_based_indexes() {
        let r = RpcRequest::new("TagResources", "2019-09-16")
            .param("RegionId", "cn-hangzhou")
            .flat(
                "Tag",
                &vec![
                    Tag {
                        key: "env",
                        value: Some("prod"),
                    },
                    Tag {
                        key: "team",
                        value: None,
                    },
                ],
            )
            .unwrap()
            .flat("ResourceId", &["a", "b"])
            .unwrap();
        assert_eq!(
            encode_pairs(r.params()),
            "RegionId=cn-hangzhou&Tag.1.Key=env&Tag.1.Value=prod&Tag.2.Key=team&ResourceId.1=a&ResourceId.2=b"
        );
    }

    #[test]
    fn json_string_params_and_methods() {
        let r = RpcRequest::new("CreateTopic", "2019-09-16")
            .json("Config", &serde_json::json!({"a": [1, "x y"]}))
            .unwrap()
            .param_opt("Remark", None::<&str>)
            .param("Enable", true);
        let p = r.clone().into_prepared();
        assert_eq!(p.method, "POST");
        assert!(!p.idempotent);
        assert_eq!(
            encode_pairs(&p.form),
            "Config=%7B%22a%22%3A%5B1%2C%22x%20y%22%5D%7D&Enable=true"
        );
        let g = r.get().idempotent(true).into_prepared();
        assert_eq!(g.method, "GET");
        assert!(g.idempotent && g.form.is_empty() && g.query.len() == 2);
    }

    #[test]
    fn form_round_trip() {
        let pairs = vec![("a b".to_owned(), "杭州&=+*~".to_owned())];
        assert_eq!(parse_form(&encode_pairs(&pairs)), pairs);
        assert_eq!(
            parse_form("x=1+2&y"),
            vec![("x".into(), "1 2".into()), ("y".into(), "".into())]
        );
    }
}
