//! Request signers and verifiers.
//!
//! Every signer is a pure function over a [`SignInput`] (method, host, path, query, headers, body,
//! time, nonce) and returns every intermediate step (canonical request, string to sign,
//! signature), so golden tests can pin each step. The same functions back the verifiers that
//! server and mock crates use to check received requests.

pub mod alibaba_v1;
pub mod alibaba_v3;
pub mod huawei;
pub mod verify;

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

/// Which signature scheme a client uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignatureScheme {
    /// Alibaba Cloud RPC signature version 1.0 (`HMAC-SHA1`, `Signature` query parameter).
    AlibabaV1,
    /// Alibaba Cloud V3 signature (`ACS3-HMAC-SHA256`, `x-acs-*` headers), used by the current SDKs.
    AlibabaV3,
    /// Huawei Cloud AK/SK signature (`SDK-HMAC-SHA256`, `X-Sdk-Date`).
    HuaweiAkSk,
    /// Huawei Cloud IAM token (`X-Auth-Token`), no signature.
    HuaweiToken,
    /// No authentication (tests, local mocks).
    None,
}

/// The rustdoc of a generated client's `DEFAULT_SCHEME` (see [`crate::service_client!`]): what
/// signing with the scheme means for the client, written once here for every client of a
/// protocol rather than in each crate. The optional second argument is the credentials
/// scope of a Huawei client (`Domain`: a global service).
///
/// ```
/// assert!(apigen_runtime::scheme_doc!(AlibabaV1).contains("HMAC-SHA1"));
/// assert!(apigen_runtime::scheme_doc!(HuaweiAkSk, Domain).contains("domain id"));
/// ```
#[macro_export]
macro_rules! scheme_doc {
    (AlibabaV1) => {
        "Alibaba RPC signature v1 (`HMAC-SHA1`) by default; set `config.scheme = \
         SignatureScheme::AlibabaV3` for `ACS3-HMAC-SHA256`."
    };
    (AlibabaV3) => {
        "Alibaba V3 signature (`ACS3-HMAC-SHA256`) by default; set `config.scheme = \
         SignatureScheme::AlibabaV1` for `HMAC-SHA1`."
    };
    (HuaweiAkSk $(, Project)?) => {
        "Huawei AK/SK signing when the credentials hold an access key, else the IAM token \
         (`X-Auth-Token`); without a project id, the project of `region` is looked up through \
         IAM."
    };
    (HuaweiAkSk, Domain) => {
        "Huawei AK/SK signing when the credentials hold an access key, else the IAM token \
         (`X-Auth-Token`); a global service: requests carry the account's domain id \
         (`X-Domain-Id`), looked up through IAM when none is given."
    };
    (HuaweiToken $(, $scope:ident)?) => {
        "The Huawei IAM token (`X-Auth-Token`), no signature."
    };
    (None $(, $scope:ident)?) => {
        "Unsigned."
    };
}

/// A request as the signers see it. Query values and header values are raw (not percent-encoded);
/// `path` is the request path as sent on the wire (already escaped by the REST encoder).
#[derive(Debug, Clone, Copy)]
pub struct SignInput<'a> {
    /// HTTP method, upper case (`GET`, `POST`, …).
    pub method: &'a str,
    /// Host name (with port when not the default one), as in the `Host` header.
    pub host: &'a str,
    /// Request path as sent, starting with `/`.
    pub path: &'a str,
    /// Query parameters, raw values, in request order (signers sort them).
    pub query: &'a [(String, String)],
    /// Request headers, raw values.
    pub headers: &'a [(String, String)],
    /// Request body bytes (empty for none).
    pub body: &'a [u8],
}

/// Bytes that stay unescaped under RFC 3986 percent-encoding: `A-Z a-z 0-9 - _ . ~`.
const RFC3986: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// Like [`RFC3986`] but keeps `/` (for paths).
const RFC3986_PATH: &percent_encoding::AsciiSet = &RFC3986.remove(b'/');

/// Percent-encodes `s` per RFC 3986 (UTF-8 bytes; only `A-Z a-z 0-9 - _ . ~` stay as they are,
/// space becomes `%20`), as both the Alibaba and the Huawei signatures require.
pub fn percent_encode(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, RFC3986).to_string()
}

/// Appends the RFC 3986 encoding of `s` to `out` (no intermediate allocation).
pub fn percent_encode_into(out: &mut String, s: &str) {
    for part in percent_encoding::utf8_percent_encode(s, RFC3986) {
        out.push_str(part);
    }
}

/// Percent-encodes a path, keeping `/` separators.
pub fn percent_encode_path(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, RFC3986_PATH).to_string()
}

/// `k1=v1&k2=v2` in the given order, names and values RFC 3986-encoded: a query string, an
/// `application/x-www-form-urlencoded` body, and (sorted) every signer's canonical query.
pub fn encode_pairs<'a>(pairs: impl IntoIterator<Item = &'a (String, String)>) -> String {
    let mut out = String::new();
    for (i, (k, v)) in pairs.into_iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        percent_encode_into(&mut out, k);
        out.push('=');
        percent_encode_into(&mut out, v);
    }
    out
}

/// The canonical query of every scheme: pairs sorted by name (byte order, which is
/// code-point order), then by value so repeated names are deterministic, then encoded as by
/// [`encode_pairs`].
pub fn canonical_query<'a>(pairs: impl IntoIterator<Item = &'a (String, String)>) -> String {
    let mut sorted: Vec<&(String, String)> = pairs.into_iter().collect();
    sorted.sort_unstable_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
    encode_pairs(sorted)
}

/// Decodes `%XY` escapes (lossy on invalid UTF-8); `+` is left alone (RFC 3986, not forms).
pub fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

/// Lower-case hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[(b >> 4) as usize] as char);
        s.push(DIGITS[(b & 15) as usize] as char);
    }
    s
}

/// Hex SHA-256 of `data`.
pub fn sha256_hex(data: &[u8]) -> String {
    hex(&Sha256::digest(data))
}

/// HMAC-SHA256 of `data` under `key`.
pub fn hmac_sha256(key: &[u8], data: &[u8]) -> [u8; 32] {
    // HMAC accepts keys of any length, so `new_from_slice` cannot fail.
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(data);
    mac.finalize().into_bytes().into()
}

/// Constant-time comparison of two strings (for signature checks).
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Every step of an HMAC-SHA256 header signature (Alibaba V3, Huawei AK/SK), so golden tests
/// and verifiers can pin each one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderSignature {
    /// The canonical request.
    pub canonical_request: String,
    /// Signed header names, `;`-separated.
    pub signed_headers: String,
    /// `<algorithm>\n[<date>\n]<hex sha256(canonical request)>`.
    pub string_to_sign: String,
    /// Hex HMAC-SHA256 signature.
    pub signature: String,
    /// The full `Authorization` header value.
    pub authorization: String,
}

/// The parts of a canonical request the two HMAC-SHA256 schemes share, one per line.
pub(crate) struct Canonical<'a> {
    pub method: &'a str,
    pub uri: &'a str,
    pub query: String,
    pub headers_block: String,
    pub signed_headers: String,
    pub payload_hash: String,
}

/// Signs `canonical`: the string to sign is `scope` (the algorithm, and the date where the
/// scheme puts it) and the canonical request's hash on the next line; `authorization` writes
/// the header value from the signed header names and the signature.
pub(crate) fn sign_canonical(
    canonical: Canonical<'_>,
    scope: &str,
    secret: &str,
    authorization: impl FnOnce(&str, &str) -> String,
) -> HeaderSignature {
    let Canonical {
        method,
        uri,
        query,
        headers_block,
        signed_headers,
        payload_hash,
    } = canonical;
    let canonical_request =
        format!("{method}\n{uri}\n{query}\n{headers_block}\n{signed_headers}\n{payload_hash}");
    let string_to_sign = format!("{scope}\n{}", sha256_hex(canonical_request.as_bytes()));
    let signature = hex(&hmac_sha256(secret.as_bytes(), string_to_sign.as_bytes()));
    let authorization = authorization(&signed_headers, &signature);
    HeaderSignature {
        canonical_request,
        signed_headers,
        string_to_sign,
        signature,
        authorization,
    }
}

/// The parts of an `Authorization` header of the form
/// `ALGORITHM <Key>=<id>, SignedHeaders=<names>, Signature=<hex>` (Alibaba V3 names the key
/// `Credential`, Huawei `Access`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authorization {
    /// The access key id.
    pub access_key_id: String,
    /// Signed header names as sent.
    pub signed_headers: String,
    /// Hex signature.
    pub signature: String,
}

/// Parses an `Authorization` header of `algorithm` whose key id is `key_field=` (see
/// [`Authorization`]); `None` when another algorithm or a part is missing.
pub fn parse_authorization(value: &str, algorithm: &str, key_field: &str) -> Option<Authorization> {
    let rest = value.trim().strip_prefix(algorithm)?.trim_start();
    let (mut ak, mut sh, mut sig) = (None, None, None);
    for part in rest.split(',') {
        let (k, v) = part.trim().split_once('=')?;
        match k {
            "SignedHeaders" => sh = Some(v.to_owned()),
            "Signature" => sig = Some(v.to_owned()),
            k if k == key_field => ak = Some(v.to_owned()),
            _ => {}
        }
    }
    Some(Authorization {
        access_key_id: ak?,
        signed_headers: sh?,
        signature: sig?,
    })
}

/// Looks up a header case-insensitively (first match).
pub fn header<'h>(headers: &'h [(String, String)], name: &str) -> Option<&'h str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// A fresh random nonce in UUID v4 text form (what the official SDKs send).
pub fn new_nonce() -> String {
    uuid_text(true, b"0123456789abcdef")
}

/// A random UUID v4 in text form: with its dashes or as 32 digits, in the given digits
/// (lower- or upper-case). Written straight into one string (a request id per request).
pub(crate) fn uuid_text(dashes: bool, digits: &[u8; 16]) -> String {
    let a = fastrand::u64(..);
    let b = fastrand::u64(..);
    // Version 4 and RFC 4122 variant bits, so servers that parse it as a UUID accept it.
    let a = (a & 0xffff_ffff_ffff_0fff) | 0x0000_0000_0000_4000;
    let b = (b & 0x3fff_ffff_ffff_ffff) | 0x8000_0000_0000_0000;
    let bits = (u128::from(a) << 64) | u128::from(b);
    let mut out = String::with_capacity(36);
    for i in 0..32 {
        if dashes && matches!(i, 8 | 12 | 16 | 20) {
            out.push('-');
        }
        let digit = (bits >> (124 - 4 * i)) & 0xf;
        out.push(char::from(digits[digit as usize]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3986_encoding_keeps_only_unreserved() {
        assert_eq!(percent_encode("a b*c~d-_.e/f+g"), "a%20b%2Ac~d-_.e%2Ff%2Bg");
        assert_eq!(percent_encode("杭州"), "%E6%9D%AD%E5%B7%9E");
        assert_eq!(percent_encode_path("/v2/a b/c"), "/v2/a%20b/c");
        assert_eq!(percent_decode("a%20b%2Fc+"), "a b/c+");
    }

    #[test]
    fn nonce_is_uuid_v4_shaped() {
        let n = new_nonce();
        assert_eq!(n.len(), 36);
        assert_eq!(&n[14..15], "4");
        assert!(matches!(&n[19..20], "8" | "9" | "a" | "b"));
        assert_ne!(n, new_nonce());
        let upper = uuid_text(true, b"0123456789ABCDEF");
        assert_eq!(upper, upper.to_ascii_uppercase());
        assert_eq!(&upper[14..15], "4");
        assert!(upper.split('-').map(str::len).eq([8, 4, 4, 4, 12]));
        let plain = uuid_text(false, b"0123456789abcdef");
        assert_eq!(plain.len(), 32);
        assert_eq!(&plain[12..13], "4");
        assert!(plain
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
    }

    #[test]
    fn constant_time_eq_compares() {
        assert!(constant_time_eq("abc", "abc"));
        assert!(!constant_time_eq("abc", "abd"));
        assert!(!constant_time_eq("abc", "ab"));
    }
}
