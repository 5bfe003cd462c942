//! Huawei Cloud AK/SK signature (`SDK-HMAC-SHA256`), per Huawei's API signing guide and the
//! official `huaweicloudsdkcore` signer:
//!
//! ```text
//! CanonicalRequest = METHOD \n CanonicalURI \n CanonicalQuery \n CanonicalHeaders \n
//!                    SignedHeaders \n hex(sha256(body))
//! StringToSign     = "SDK-HMAC-SHA256" \n <X-Sdk-Date> \n hex(sha256(CanonicalRequest))
//! Signature        = hex(HMAC-SHA256(SK, StringToSign))
//! Authorization: SDK-HMAC-SHA256 Access=<AK>, SignedHeaders=<h1;h2>, Signature=<sig>
//! ```
//! * the canonical URI is the decoded path, each segment RFC 3986-encoded, always ending in `/`;
//! * the canonical query is sorted by name then value, names and values RFC 3986-encoded;
//! * every header is signed except names containing `_` (lower-cased, sorted, values trimmed);
//! * like the SDK, bodies that are not JSON are sent with `X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD`,
//!   and that header's value replaces the body hash; an empty body hashes as the empty string.

use super::{header, percent_decode, percent_encode_into, sha256_hex, SignInput};
use crate::clock::UtcTime;

/// The algorithm name.
pub const ALGORITHM: &str = "SDK-HMAC-SHA256";
/// The date header.
pub const DATE_HEADER: &str = "X-Sdk-Date";
/// The payload-hash override header.
pub const CONTENT_SHA256_HEADER: &str = "X-Sdk-Content-Sha256";
/// Token authentication header.
pub const TOKEN_HEADER: &str = "X-Auth-Token";
/// Project id header (sub-projects; set whenever a project id is configured, as the SDK does).
pub const PROJECT_ID_HEADER: &str = "X-Project-Id";
/// Domain (account) id header of global services (`GlobalCredentials`).
pub const DOMAIN_ID_HEADER: &str = "X-Domain-Id";
/// Temporary-credential token header.
pub const SECURITY_TOKEN_HEADER: &str = "X-Security-Token";

/// Every step of a Huawei signature (the string to sign is
/// `SDK-HMAC-SHA256\n<date>\n<hex sha256(canonical request)>`).
pub type HuaweiSignature = super::HeaderSignature;

/// The project and domain ids a request is sent with: `X-Project-Id` (regional services,
/// `BasicCredentials`) and `X-Domain-Id` (global services, `GlobalCredentials`). The SDK's
/// credentials carry one or the other; [`crate::client::Client`] keeps only the one of the
/// service's [`crate::credentials::huawei::Scope`]. Both are signed like every header.
#[derive(Debug, Clone, Copy, Default)]
pub struct ScopeIds<'a> {
    /// Project id.
    pub project: Option<&'a str>,
    /// Domain (account) id.
    pub domain: Option<&'a str>,
}

impl<'a> ScopeIds<'a> {
    /// The ids `credentials` carry (empty ones are not sent).
    pub fn of(credentials: &'a crate::credentials::Credentials) -> Self {
        let set = |v: &'a Option<String>| v.as_deref().filter(|v| !v.is_empty());
        Self {
            project: set(&credentials.project_id),
            domain: set(&credentials.domain_id),
        }
    }

    /// The headers, project id first.
    pub fn headers(self) -> impl Iterator<Item = (&'static str, &'a str)> {
        let project = self.project.map(|p| (PROJECT_ID_HEADER, p));
        let domain = self.domain.map(|d| (DOMAIN_ID_HEADER, d));
        project.into_iter().chain(domain)
    }
}

/// Headers the signer adds before signing: `Host`, `X-Sdk-Date`, `X-Project-Id` /
/// `X-Domain-Id` and `X-Security-Token` when given, and `X-Sdk-Content-Sha256:
/// UNSIGNED-PAYLOAD` for a non-empty, non-JSON body (multipart uploads), as the official SDK
/// does.
pub fn prepare_headers(
    host: &str,
    content_type: Option<&str>,
    body_len: usize,
    ids: ScopeIds<'_>,
    security_token: Option<&str>,
    time: UtcTime,
) -> Vec<(String, String)> {
    let mut h = Vec::with_capacity(5);
    h.push(("Host".to_owned(), host.to_owned()));
    h.push((DATE_HEADER.to_owned(), time.basic()));
    for (k, v) in ids.headers() {
        h.push((k.to_owned(), v.to_owned()));
    }
    if let Some(t) = security_token {
        h.push((SECURITY_TOKEN_HEADER.to_owned(), t.to_owned()));
    }
    if let Some(ct) = content_type {
        if body_len > 0
            && !ct.starts_with("application/json")
            && !ct.starts_with("application/bson")
        {
            h.push((
                CONTENT_SHA256_HEADER.to_owned(),
                "UNSIGNED-PAYLOAD".to_owned(),
            ));
        }
    }
    h
}

/// Canonical URI: decode, re-encode each segment, ensure a trailing `/`.
pub fn canonical_uri(path: &str) -> String {
    let decoded = percent_decode(path);
    let mut out = String::with_capacity(decoded.len() + 8);
    for (i, seg) in decoded.split('/').enumerate() {
        if i > 0 {
            out.push('/');
        }
        percent_encode_into(&mut out, seg);
    }
    if !out.ends_with('/') {
        out.push('/');
    }
    out
}

/// Canonical query: sorted by name then value, RFC 3986-encoded.
pub fn canonical_query(query: &[(String, String)]) -> String {
    super::alibaba_v3::canonical_query(query)
}

/// Whether the signer signs a (lower-cased) header by default: every header except names
/// containing `_` (as the SDK) and `authorization` (so re-signing a signed request is stable).
pub fn default_signed(lower: &str) -> bool {
    !lower.contains('_') && lower != "authorization"
}

/// Canonical headers block (each line ends with `\n`) and signed header names. Names containing
/// `_` are not signed; for a repeated name the last value wins (as in the SDK).
pub fn canonical_headers(headers: &[(String, String)]) -> (String, String) {
    canonical_headers_by(headers, default_signed)
}

/// [`canonical_headers`] over the headers whose lower-cased name passes `signed` (a verifier
/// passes the client's `SignedHeaders` list).
pub fn canonical_headers_by(
    headers: &[(String, String)],
    signed: impl Fn(&str) -> bool,
) -> (String, String) {
    let mut lowered: Vec<(String, &str)> = Vec::with_capacity(headers.len());
    for (k, v) in headers {
        let k = k.to_ascii_lowercase();
        if !signed(&k) {
            continue;
        }
        match lowered.iter_mut().find(|(n, _)| *n == k) {
            Some(slot) => slot.1 = v.trim(),
            None => lowered.push((k, v.trim())),
        }
    }
    lowered.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let mut block = String::new();
    let mut names = String::new();
    for (i, (k, v)) in lowered.iter().enumerate() {
        block.push_str(k);
        block.push(':');
        block.push_str(v);
        block.push('\n');
        if i > 0 {
            names.push(';');
        }
        names.push_str(k);
    }
    (block, names)
}

/// Signs a request whose headers already hold `Host` and `X-Sdk-Date` (see [`prepare_headers`]).
/// A missing date header is treated as an empty date, which no server accepts.
pub fn sign(input: &SignInput<'_>, ak: &str, sk: &str) -> HuaweiSignature {
    sign_by(input, ak, sk, default_signed)
}

/// [`sign`] over the headers whose lower-cased name passes `signed`.
pub fn sign_by(
    input: &SignInput<'_>,
    ak: &str,
    sk: &str,
    signed: impl Fn(&str) -> bool,
) -> HuaweiSignature {
    let date = header(input.headers, DATE_HEADER).unwrap_or_default();
    let payload_hash = if input.body.is_empty() {
        sha256_hex(b"")
    } else if let Some(h) = header(input.headers, CONTENT_SHA256_HEADER) {
        h.to_owned()
    } else {
        sha256_hex(input.body)
    };
    let (headers_block, signed_headers) = canonical_headers_by(input.headers, signed);
    let method = input.method.to_ascii_uppercase();
    let uri = canonical_uri(input.path);
    super::sign_canonical(
        super::Canonical {
            method: &method,
            uri: &uri,
            query: canonical_query(input.query),
            headers_block,
            signed_headers,
            payload_hash,
        },
        &format!("{ALGORITHM}\n{date}"),
        sk,
        |signed_headers, signature| {
            format!(
                "{ALGORITHM} Access={ak}, SignedHeaders={signed_headers}, Signature={signature}"
            )
        },
    )
}

/// The parts of a Huawei `Authorization` header (`access_key_id` is `Access=`).
pub type HuaweiAuthorization = super::Authorization;

/// Parses `SDK-HMAC-SHA256 Access=…, SignedHeaders=…, Signature=…`.
pub fn parse_authorization(value: &str) -> Option<HuaweiAuthorization> {
    super::parse_authorization(value, ALGORITHM, "Access")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_uri_always_ends_with_slash_and_reencodes() {
        assert_eq!(canonical_uri("/v2/p1/instances"), "/v2/p1/instances/");
        assert_eq!(canonical_uri("/v2/a%20b/c/"), "/v2/a%20b/c/");
        assert_eq!(canonical_uri("/"), "/");
        assert_eq!(canonical_uri(""), "/");
        assert_eq!(canonical_uri("/x/杭州"), "/x/%E6%9D%AD%E5%B7%9E/");
    }

    #[test]
    fn headers_with_underscore_are_not_signed() {
        let h = vec![
            ("X-Sdk-Date".to_owned(), "20240416T095341Z".to_owned()),
            ("x_engine_id".to_owned(), "e".to_owned()),
            ("Content-Type".to_owned(), " application/json ".to_owned()),
            (
                "Host".to_owned(),
                "cse.cn-north-4.myhuaweicloud.com".to_owned(),
            ),
        ];
        let (block, names) = canonical_headers(&h);
        assert_eq!(names, "content-type;host;x-sdk-date");
        assert_eq!(
            block,
            "content-type:application/json\nhost:cse.cn-north-4.myhuaweicloud.com\nx-sdk-date:20240416T095341Z\n"
        );
    }

    #[test]
    fn non_json_bodies_are_unsigned_payload() {
        let h = prepare_headers(
            "h",
            Some("multipart/form-data; boundary=x"),
            3,
            ScopeIds::default(),
            None,
            UtcTime(0),
        );
        assert!(h
            .iter()
            .any(|(k, v)| k == CONTENT_SHA256_HEADER && v == "UNSIGNED-PAYLOAD"));
        let h = prepare_headers(
            "h",
            Some("application/json"),
            3,
            ScopeIds {
                project: Some("p"),
                domain: None,
            },
            None,
            UtcTime(0),
        );
        assert!(!h.iter().any(|(k, _)| k == CONTENT_SHA256_HEADER));
        assert!(h.iter().any(|(k, v)| k == PROJECT_ID_HEADER && v == "p"));
        assert!(!h.iter().any(|(k, _)| k == DOMAIN_ID_HEADER));
        let global = ScopeIds {
            project: None,
            domain: Some("d"),
        };
        let h = prepare_headers("h", None, 0, global, None, UtcTime(0));
        assert!(h.iter().any(|(k, v)| k == DOMAIN_ID_HEADER && v == "d"));
        assert!(!h.iter().any(|(k, _)| k == PROJECT_ID_HEADER));
    }

    #[test]
    fn authorization_parses() {
        let a = parse_authorization(
            "SDK-HMAC-SHA256 Access=AK, SignedHeaders=content-type;host;x-sdk-date, Signature=ff",
        )
        .unwrap();
        assert_eq!(a.access_key_id, "AK");
        assert_eq!(a.signed_headers, "content-type;host;x-sdk-date");
        assert_eq!(a.signature, "ff");
    }
}
