//! Alibaba Cloud V3 signature (`ACS3-HMAC-SHA256`), the scheme the current official SDKs send.
//!
//! ```text
//! CanonicalRequest = METHOD \n CanonicalURI \n CanonicalQuery \n CanonicalHeaders \n
//!                    SignedHeaders \n HashedPayload
//! StringToSign     = "ACS3-HMAC-SHA256" \n hex(sha256(CanonicalRequest))
//! Signature        = hex(HMAC-SHA256(secret, StringToSign))
//! Authorization: ACS3-HMAC-SHA256 Credential=<ak>,SignedHeaders=<h1;h2>,Signature=<sig>
//! ```
//! The signed headers are `host`, `content-type` and every `x-acs-*` header (lower-cased, sorted;
//! values trimmed, repeated values joined by `,`). `HashedPayload` is `x-acs-content-sha256`,
//! the hex SHA-256 of the body. The RPC operation name and version travel in `x-acs-action` and
//! `x-acs-version`; parameters stay in the query (or form body).

use super::{header, sha256_hex, SignInput};
use crate::clock::UtcTime;

/// The algorithm name.
pub const ALGORITHM: &str = "ACS3-HMAC-SHA256";

/// Every step of a V3 signature (the string to sign is
/// `ACS3-HMAC-SHA256\n<hex sha256(canonical request)>`).
pub type V3Signature = super::HeaderSignature;

/// The `x-acs-*` headers (and `host`) a V3 request carries before signing. `action` and `version`
/// are empty for ROA-style (path-based) APIs, which omit those headers.
pub fn prepare_headers(
    host: &str,
    action: &str,
    version: &str,
    body: &[u8],
    security_token: Option<&str>,
    time: UtcTime,
    nonce: &str,
) -> Vec<(String, String)> {
    let mut h = Vec::with_capacity(8);
    h.push(("host".to_owned(), host.to_owned()));
    if !action.is_empty() {
        h.push(("x-acs-action".to_owned(), action.to_owned()));
    }
    if !version.is_empty() {
        h.push(("x-acs-version".to_owned(), version.to_owned()));
    }
    h.push(("x-acs-date".to_owned(), time.iso8601()));
    h.push(("x-acs-signature-nonce".to_owned(), nonce.to_owned()));
    h.push(("x-acs-content-sha256".to_owned(), sha256_hex(body)));
    if let Some(t) = security_token {
        h.push(("x-acs-security-token".to_owned(), t.to_owned()));
    }
    h
}

/// Whether a (lower-cased) header name is signed.
pub fn is_signed_header(lower: &str) -> bool {
    lower == "host" || lower == "content-type" || lower.starts_with("x-acs-")
}

/// Canonical query: pairs sorted by name then value, names and values RFC 3986-encoded
/// ([`super::canonical_query`]).
pub fn canonical_query(query: &[(String, String)]) -> String {
    super::canonical_query(query)
}

/// Canonical headers block (each line ends with `\n`) and the signed header list.
pub fn canonical_headers(headers: &[(String, String)]) -> (String, String) {
    canonical_headers_by(headers, is_signed_header)
}

/// [`canonical_headers`] over the headers whose lower-cased name passes `signed` (a verifier
/// passes the client's `SignedHeaders` list).
pub fn canonical_headers_by(
    headers: &[(String, String)],
    signed: impl Fn(&str) -> bool,
) -> (String, String) {
    let mut lowered: Vec<(String, &str)> = headers
        .iter()
        .map(|(k, v)| (k.to_ascii_lowercase(), v.trim()))
        .filter(|(k, _)| signed(k))
        .collect();
    lowered.sort_unstable();
    let mut block = String::new();
    let mut names = String::new();
    let mut i = 0;
    while i < lowered.len() {
        let name = &lowered[i].0;
        let mut j = i;
        block.push_str(name);
        block.push(':');
        while j < lowered.len() && &lowered[j].0 == name {
            if j > i {
                block.push(',');
            }
            block.push_str(lowered[j].1);
            j += 1;
        }
        block.push('\n');
        if !names.is_empty() {
            names.push(';');
        }
        names.push_str(name);
        i = j;
    }
    (block, names)
}

/// Signs a request whose headers already hold the `x-acs-*` headers (see [`prepare_headers`]).
pub fn sign(input: &SignInput<'_>, access_key_id: &str, access_key_secret: &str) -> V3Signature {
    sign_by(input, access_key_id, access_key_secret, is_signed_header)
}

/// [`sign`] over the headers whose lower-cased name passes `signed`.
pub fn sign_by(
    input: &SignInput<'_>,
    access_key_id: &str,
    access_key_secret: &str,
    signed: impl Fn(&str) -> bool,
) -> V3Signature {
    let payload_hash = match header(input.headers, "x-acs-content-sha256") {
        Some(h) => h.to_owned(),
        None => sha256_hex(input.body),
    };
    let (headers_block, signed_headers) = canonical_headers_by(input.headers, signed);
    let uri = if input.path.is_empty() {
        "/"
    } else {
        input.path
    };
    super::sign_canonical(
        super::Canonical {
            method: input.method,
            uri,
            query: canonical_query(input.query),
            headers_block,
            signed_headers,
            payload_hash,
        },
        ALGORITHM,
        access_key_secret,
        |signed_headers, signature| {
            format!(
                "{ALGORITHM} Credential={access_key_id},SignedHeaders={signed_headers},Signature={signature}"
            )
        },
    )
}

/// The parts of a V3 `Authorization` header.
pub type V3Authorization = super::Authorization;

/// Parses `ACS3-HMAC-SHA256 Credential=…,SignedHeaders=…,Signature=…`.
pub fn parse_authorization(value: &str) -> Option<V3Authorization> {
    super::parse_authorization(value, ALGORITHM, "Credential")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_headers_filter_sort_and_join() {
        let h = vec![
            ("X-Acs-Version".to_owned(), " 2019-09-16 ".to_owned()),
            (
                "Host".to_owned(),
                "alikafka.cn-hangzhou.aliyuncs.com".to_owned(),
            ),
            ("User-Agent".to_owned(), "x".to_owned()),
            ("x-acs-date".to_owned(), "b".to_owned()),
            ("x-acs-date".to_owned(), "a".to_owned()),
        ];
        let (block, names) = canonical_headers(&h);
        assert_eq!(
            block,
            "host:alikafka.cn-hangzhou.aliyuncs.com\nx-acs-date:a,b\nx-acs-version:2019-09-16\n"
        );
        assert_eq!(names, "host;x-acs-date;x-acs-version");
    }

    #[test]
    fn authorization_round_trips() {
        let a = parse_authorization(
            "ACS3-HMAC-SHA256 Credential=ak,SignedHeaders=host;x-acs-date,Signature=abc",
        )
        .unwrap();
        assert_eq!(a.access_key_id, "ak");
        assert_eq!(a.signed_headers, "host;x-acs-date");
        assert_eq!(a.signature, "abc");
        assert!(parse_authorization("SDK-HMAC-SHA256 Access=x").is_none());
    }
}
