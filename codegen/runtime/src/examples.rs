//! Comparing encoded requests with the documents' request examples (generated tests).
//!
//! Query and form parameters are compared as the document prints them: raw `name=value` pairs
//! joined with `&`, in the example's order (the signers sort parameters anyway, so the order
//! on the wire carries no meaning; the example's order makes the comparison readable). Every
//! parameter the encoder adds must appear in the example and the other way round.

use crate::request::PreparedRequest;
use crate::sign::percent_decode;

fn join(pairs: &[(String, String)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&")
}

/// Orders `got` like `expected` (stable; names the example lacks go last) and compares the
/// printed forms byte for byte.
fn compare_pairs(mut got: Vec<(String, String)>, expected: &[(&str, &str)]) -> Result<(), String> {
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
    let (got, want) = (join(&got), join(&want));
    if got == want {
        Ok(())
    } else {
        Err(format!(
            "parameters differ:\n  encoded: {got}\n  example: {want}"
        ))
    }
}

/// Checks an Alibaba RPC request against an example's parameters (with `Action`, without
/// the common parameters).
pub fn check_rpc(req: &PreparedRequest, expected: &[(&str, &str)]) -> Result<(), String> {
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
) -> Result<(), String> {
    if req.method != method {
        return Err(format!("method {} != example {method}", req.method));
    }
    let got_path = percent_decode(&req.path);
    if got_path != path {
        return Err(format!("path {got_path} != example {path}"));
    }
    compare_pairs(req.query.clone(), query)?;
    if let Some(body) = body {
        let want: serde_json::Value =
            serde_json::from_str(body).map_err(|e| format!("example body: {e}"))?;
        let got: serde_json::Value = serde_json::from_slice(&req.body)
            .map_err(|e| format!("encoded body is not JSON: {e}"))?;
        if got != want {
            return Err(format!(
                "body differs:\n  encoded: {got}\n  example: {want}"
            ));
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
}
