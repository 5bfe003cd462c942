//! Comparing encoded requests with the documents' request examples (generated tests).
//!
//! Query and form parameters are compared as the document prints them: raw `name=value` pairs
//! joined with `&`, in the example's order (the signers sort parameters anyway, so the order
//! on the wire carries no meaning; the example's order makes the comparison readable). Every
//! parameter the encoder adds must appear in the example and the other way round.

use crate::request::PreparedRequest;
use crate::sign::percent_decode;

/// How an encoded request or a decoded response differs from the document's example.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ExampleError {
    /// Query or form parameters differ (both printed as `name=value&…`, in the example's order).
    #[error("parameters differ:\n  encoded: {encoded}\n  example: {example}")]
    Parameters {
        /// What the encoder gave.
        encoded: String,
        /// What the example shows.
        example: String,
    },
    /// The HTTP method differs.
    #[error("method {encoded} != example {example}")]
    Method {
        /// The encoder's method.
        encoded: String,
        /// The example's method.
        example: String,
    },
    /// The path (escapes decoded) differs.
    #[error("path {encoded} != example {example}")]
    Path {
        /// The encoder's path, escapes decoded.
        encoded: String,
        /// The example's path.
        example: String,
    },
    /// The example's request body is not JSON.
    #[error("example body: {0}")]
    ExampleBody(#[source] serde_json::Error),
    /// The encoded request body is not JSON.
    #[error("encoded body is not JSON: {0}")]
    EncodedBody(#[source] serde_json::Error),
    /// The JSON bodies differ.
    #[error("body differs:\n  encoded: {encoded}\n  example: {example}")]
    Body {
        /// The encoded body.
        encoded: Box<serde_json::Value>,
        /// The example's body.
        example: Box<serde_json::Value>,
    },
    /// A response example that is not JSON ([`crate::decode::check_example`]).
    #[error("example: {0}")]
    ResponseJson(#[source] serde_json::Error),
    /// A response example the model does not decode.
    #[error("decode: {0}")]
    Decode(#[source] serde_json::Error),
    /// The decoded model does not encode again.
    #[error("re-encode: {0}")]
    Reencode(#[source] serde_json::Error),
    /// Members of the response example the model loses (JSON paths such as `Data.Items[0].Id`).
    #[error("fields the model drops: {}", fields.join(", "))]
    Dropped {
        /// The paths of the lost members.
        fields: Vec<String>,
    },
}

fn join(pairs: &[(String, String)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&")
}

/// Orders `got` like `expected` (stable; names the example lacks go last) and compares the
/// printed forms byte for byte.
fn compare_pairs(
    mut got: Vec<(String, String)>,
    expected: &[(&str, &str)],
) -> Result<(), ExampleError> {
    got.sort_by_key(|(k, _)| {
        expected
            .iter()
            .position(|(e, _)| e == k)
            .unwrap_or(usize::MAX)
    });
    let want: Vec<(String, String)> = expected
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let (encoded, example) = (join(&got), join(&want));
    if encoded == example {
        Ok(())
    } else {
        Err(ExampleError::Parameters { encoded, example })
    }
}

/// Checks an Alibaba RPC request against an example's parameters (with `Action`, without
/// the common parameters).
pub fn check_rpc(req: &PreparedRequest, expected: &[(&str, &str)]) -> Result<(), ExampleError> {
    let mut got = Vec::new();
    if let Some(rpc) = req.protocol.rpc() {
        got.push(("Action".to_owned(), rpc.action.to_string()));
    }
    got.extend(req.query.iter().cloned());
    got.extend(req.form.iter().cloned());
    compare_pairs(got, expected)
}

/// Checks a REST request against an example: method, path (escapes decoded), query pairs and
/// JSON body (compared as JSON values; `None` when the example shows no body).
pub fn check_rest(
    req: &PreparedRequest,
    method: &str,
    path: &str,
    query: &[(&str, &str)],
    body: Option<&str>,
) -> Result<(), ExampleError> {
    if req.method != method {
        return Err(ExampleError::Method {
            encoded: req.method.to_string(),
            example: method.to_owned(),
        });
    }
    let got_path = percent_decode(&req.path);
    if got_path != path {
        return Err(ExampleError::Path {
            encoded: got_path,
            example: path.to_owned(),
        });
    }
    compare_pairs(req.query.clone(), query)?;
    if let Some(body) = body {
        let example: serde_json::Value =
            serde_json::from_str(body).map_err(ExampleError::ExampleBody)?;
        let encoded: serde_json::Value =
            serde_json::from_slice(&req.body).map_err(ExampleError::EncodedBody)?;
        if encoded != example {
            return Err(ExampleError::Body {
                encoded: Box::new(encoded),
                example: Box::new(example),
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rest::RestRequest;
    use crate::rpc::RpcRequest;

    #[test]
    fn rpc_pairs_follow_the_example_order() {
        let r = RpcRequest::new("X", "1")
            .param("B", 2)
            .param("A", "x y")
            .into_prepared();
        assert!(check_rpc(&r, &[("Action", "X"), ("A", "x y"), ("B", "2")]).is_ok());
        assert!(check_rpc(&r, &[("Action", "X"), ("A", "x y")]).is_err());
        assert!(check_rpc(&r, &[("Action", "X"), ("A", "x"), ("B", "2")]).is_err());
    }

    #[test]
    fn rest_path_query_body() {
        let r = RestRequest::new("X", "POST", "/v2/{p}/x")
            .path("p", "{p}")
            .query("a", 1)
            .json(&serde_json::json!({"k": [1]}))
            .unwrap()
            .into_prepared()
            .unwrap();
        assert!(check_rest(&r, "POST", "/v2/{p}/x", &[("a", "1")], Some(r#"{"k":[1]}"#)).is_ok());
        assert!(check_rest(&r, "PUT", "/v2/{p}/x", &[("a", "1")], None).is_err());
        assert!(check_rest(&r, "POST", "/v2/{p}/x", &[("a", "1")], Some(r#"{"k":[2]}"#)).is_err());
    }

    /// Each kind of difference says what the encoder gave and what the example shows.
    #[test]
    fn differences_carry_both_sides() {
        use std::error::Error as _;
        let r = RpcRequest::new("X", "1").param("A", "x y").into_prepared();
        let e = check_rpc(&r, &[("Action", "X"), ("A", "x")]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "parameters differ:\n  encoded: Action=X&A=x y\n  example: Action=X&A=x"
        );
        let r = RestRequest::new("X", "POST", "/v2/{p}/x")
            .path("p", "a b")
            .into_prepared()
            .unwrap();
        let e = check_rest(&r, "POST", "/v2/a/x", &[], None).unwrap_err();
        assert!(
            matches!(&e, ExampleError::Path { encoded, example } if encoded == "/v2/a b/x" && example == "/v2/a/x"),
            "{e:?}"
        );
        let e = check_rest(&r, "GET", "/v2/a b/x", &[], None).unwrap_err();
        assert_eq!(e.to_string(), "method POST != example GET");
        // A bodyless request compared with an example body: the encoded side is not JSON.
        let e = check_rest(&r, "POST", "/v2/a b/x", &[], Some("{}")).unwrap_err();
        assert!(matches!(e, ExampleError::EncodedBody(_)), "{e:?}");
        assert!(e.to_string().starts_with("encoded body is not JSON: "));
        let e = check_rest(&r, "POST", "/v2/a b/x", &[], Some("{oops")).unwrap_err();
        assert!(matches!(e, ExampleError::ExampleBody(_)), "{e:?}");
        assert_eq!(
            e.source().unwrap().to_string(),
            "key must be a string at line 1 column 2"
        );
    }

    /// A response example the model cannot carry: what is wrong, down to the dropped members.
    #[test]
    fn bad_response_examples() {
        use crate::decode::check_example;
        #[derive(serde::Deserialize, serde::Serialize, Debug)]
        struct Resp {
            #[serde(rename = "Id", default)]
            id: Option<String>,
            #[serde(rename = "Count", default)]
            count: Option<u32>,
        }
        assert!(check_example::<Resp>(r#"{"Id": "a"}"#).is_ok());
        let e = check_example::<Resp>(r#"{"Id": "a", "Extra": {"X": 1}}"#).unwrap_err();
        assert!(
            matches!(&e, ExampleError::Dropped { fields } if fields == &["Extra"]),
            "{e:?}"
        );
        assert_eq!(e.to_string(), "fields the model drops: Extra");
        let e = check_example::<Resp>(r#"{"Count": "many"}"#).unwrap_err();
        assert!(matches!(e, ExampleError::Decode(_)), "{e:?}");
        assert!(e
            .to_string()
            .starts_with("decode: invalid type: string \"many\""));
        let e = check_example::<Resp>("{").unwrap_err();
        assert!(matches!(e, ExampleError::ResponseJson(_)), "{e:?}");
        assert!(e.to_string().starts_with("example: EOF while parsing"));
    }
}
