//! Signature verification for server and mock crates: recompute the signature of a received
//! request with the secret of its access key, check the timestamp against a skew window and
//! reject replayed nonces.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::Duration;

use super::{alibaba_v1, alibaba_v3, constant_time_eq, header, huawei, sha256_hex, SignInput};
use crate::clock::UtcTime;

/// Why a request failed verification.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    /// A required parameter or header is absent.
    #[error("missing {0}")]
    Missing(&'static str),
    /// The request uses a scheme or algorithm this verifier does not handle.
    #[error("unsupported signature: {0}")]
    Unsupported(String),
    /// No secret is known for the access key.
    #[error("unknown access key {0}")]
    UnknownAccessKey(String),
    /// The timestamp does not parse.
    #[error("malformed timestamp {0:?}")]
    BadTimestamp(String),
    /// The timestamp is outside the allowed skew.
    #[error("timestamp {0} is outside the allowed clock skew")]
    Skew(String),
    /// The nonce was already used (Alibaba v1 and V3; Huawei's scheme has none).
    #[error("replayed request (nonce {0})")]
    Replay(String),
    /// A header that must be covered by the signature is not in `SignedHeaders`.
    #[error("header {0} must be signed")]
    UnsignedHeader(&'static str),
    /// The declared body hash does not match the body.
    #[error("body hash mismatch")]
    BodyHash,
    /// The signature does not match; `string_to_sign` is what the server computed (for debugging
    /// client signers, as the vendors' gateways report it).
    #[error("signature mismatch; server string to sign: {string_to_sign:?}")]
    SignatureMismatch {
        /// The string to sign the verifier computed.
        string_to_sign: String,
    },
}

/// Verification settings.
#[derive(Debug, Clone, Copy)]
pub struct VerifyConfig {
    /// Largest accepted difference between the request time and now (both directions).
    pub max_skew: Duration,
}

impl Default for VerifyConfig {
    /// 15 minutes, the window both vendors document.
    fn default() -> Self {
        Self {
            max_skew: Duration::from_secs(15 * 60),
        }
    }
}

/// A successfully verified request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    /// The scheme the request was signed with.
    pub scheme: super::SignatureScheme,
    /// The access key id that signed it.
    pub access_key_id: String,
}

/// A bounded in-memory set of recently seen nonces. Entries expire after `ttl` (set it to at
/// least twice the skew window); when full, the oldest entry is dropped, which the skew check
/// keeps safe for all but extreme request rates.
#[derive(Debug)]
pub struct ReplayCache {
    capacity: usize,
    ttl: Duration,
    inner: Mutex<ReplayInner>,
}

#[derive(Debug, Default)]
struct ReplayInner {
    seen: HashMap<String, i64>,
    order: VecDeque<(i64, String)>,
}

impl ReplayCache {
    /// A cache of at most `capacity` nonces, each kept for `ttl`.
    pub fn new(capacity: usize, ttl: Duration) -> Self {
        Self {
            capacity: capacity.max(1),
            ttl,
            inner: Mutex::new(ReplayInner::default()),
        }
    }

    /// Records `key` at `now`; returns `false` when it was already recorded and not expired.
    pub fn check_and_insert(&self, key: &str, now: UtcTime) -> bool {
        let mut g = match self.inner.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        };
        let inner = &mut *g;
        // Expire from the front: `order` is in insertion order, and expiry times grow with it
        // unless the clock goes backwards, in which case entries just live a little longer.
        loop {
            let drop_front = match inner.order.front() {
                Some((exp, _)) => *exp <= now.0 || inner.order.len() >= self.capacity,
                None => false,
            };
            if !drop_front {
                break;
            }
            if let Some((exp, k)) = inner.order.pop_front() {
                // A key re-inserted later has a newer expiry; keep that one.
                if inner.seen.get(&k) == Some(&exp) {
                    inner.seen.remove(&k);
                }
            }
        }
        if let Some(exp) = inner.seen.get(key) {
            if *exp > now.0 {
                return false;
            }
        }
        let exp = now.0 + self.ttl.as_secs() as i64;
        inner.seen.insert(key.to_owned(), exp);
        inner.order.push_back((exp, key.to_owned()));
        true
    }

    /// Number of remembered nonces.
    pub fn len(&self) -> usize {
        self.inner.lock().map(|g| g.seen.len()).unwrap_or(0)
    }

    /// Whether no nonce is remembered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Default for ReplayCache {
    /// 100 000 nonces for 30 minutes.
    fn default() -> Self {
        Self::new(100_000, Duration::from_secs(30 * 60))
    }
}

fn check_skew(t: UtcTime, raw: &str, now: UtcTime, cfg: &VerifyConfig) -> Result<(), VerifyError> {
    if (t.0 - now.0).unsigned_abs() > cfg.max_skew.as_secs() {
        return Err(VerifyError::Skew(raw.to_owned()));
    }
    Ok(())
}

fn param<'a>(params: &'a [(String, String)], name: &'static str) -> Result<&'a str, VerifyError> {
    params
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .ok_or(VerifyError::Missing(name))
}

/// Verifies an Alibaba RPC v1 request. `params` holds the query and form parameters together
/// (see [`crate::rpc::parse_form`]); `lookup` returns the secret of an access key id.
pub fn verify_alibaba_v1(
    method: &str,
    params: &[(String, String)],
    lookup: impl Fn(&str) -> Option<String>,
    now: UtcTime,
    cfg: &VerifyConfig,
    replay: Option<&ReplayCache>,
) -> Result<Verified, VerifyError> {
    let got = param(params, "Signature")?;
    let method_name = param(params, "SignatureMethod")?;
    if method_name != "HMAC-SHA1" {
        return Err(VerifyError::Unsupported(method_name.to_owned()));
    }
    let ak = param(params, "AccessKeyId")?;
    let ts = param(params, "Timestamp")?;
    let nonce = param(params, "SignatureNonce")?;
    let t = UtcTime::parse_iso8601(ts).ok_or_else(|| VerifyError::BadTimestamp(ts.to_owned()))?;
    check_skew(t, ts, now, cfg)?;
    let secret = lookup(ak).ok_or_else(|| VerifyError::UnknownAccessKey(ak.to_owned()))?;
    let s = alibaba_v1::sign(method, params, &secret);
    if !constant_time_eq(&s.signature, got) {
        return Err(VerifyError::SignatureMismatch {
            string_to_sign: s.string_to_sign,
        });
    }
    // Only a correctly signed request consumes its nonce, so forgeries cannot burn nonces.
    if let Some(cache) = replay {
        if !cache.check_and_insert(&format!("{ak}\n{nonce}"), now) {
            return Err(VerifyError::Replay(nonce.to_owned()));
        }
    }
    Ok(Verified {
        scheme: super::SignatureScheme::AlibabaV1,
        access_key_id: ak.to_owned(),
    })
}

fn signed_list_contains(list: &str, name: &str) -> bool {
    list.split(';').any(|h| h == name)
}

/// Verifies an Alibaba `ACS3-HMAC-SHA256` request (headers as received, including `Host`).
pub fn verify_alibaba_v3(
    input: &SignInput<'_>,
    lookup: impl Fn(&str) -> Option<String>,
    now: UtcTime,
    cfg: &VerifyConfig,
    replay: Option<&ReplayCache>,
) -> Result<Verified, VerifyError> {
    let auth =
        header(input.headers, "authorization").ok_or(VerifyError::Missing("Authorization"))?;
    let parsed = alibaba_v3::parse_authorization(auth)
        .ok_or_else(|| VerifyError::Unsupported(auth.chars().take(40).collect()))?;
    for required in [
        "host",
        "x-acs-date",
        "x-acs-signature-nonce",
        "x-acs-content-sha256",
    ] {
        if !signed_list_contains(&parsed.signed_headers, required) {
            return Err(VerifyError::UnsignedHeader(required));
        }
    }
    let ts = header(input.headers, "x-acs-date").ok_or(VerifyError::Missing("x-acs-date"))?;
    let t = UtcTime::parse_iso8601(ts).ok_or_else(|| VerifyError::BadTimestamp(ts.to_owned()))?;
    check_skew(t, ts, now, cfg)?;
    let nonce = header(input.headers, "x-acs-signature-nonce")
        .ok_or(VerifyError::Missing("x-acs-signature-nonce"))?;
    let declared = header(input.headers, "x-acs-content-sha256")
        .ok_or(VerifyError::Missing("x-acs-content-sha256"))?;
    if !declared.eq_ignore_ascii_case(&sha256_hex(input.body)) {
        return Err(VerifyError::BodyHash);
    }
    let secret = lookup(&parsed.access_key_id)
        .ok_or_else(|| VerifyError::UnknownAccessKey(parsed.access_key_id.clone()))?;
    let s = alibaba_v3::sign_by(input, &parsed.access_key_id, &secret, |h| {
        signed_list_contains(&parsed.signed_headers, h)
    });
    if s.signed_headers != parsed.signed_headers
        || !constant_time_eq(&s.signature, &parsed.signature)
    {
        return Err(VerifyError::SignatureMismatch {
            string_to_sign: s.string_to_sign,
        });
    }
    if let Some(cache) = replay {
        if !cache.check_and_insert(&format!("{}\n{nonce}", parsed.access_key_id), now) {
            return Err(VerifyError::Replay(nonce.to_owned()));
        }
    }
    Ok(Verified {
        scheme: super::SignatureScheme::AlibabaV3,
        access_key_id: parsed.access_key_id,
    })
}

/// Verifies a Huawei `SDK-HMAC-SHA256` request. The scheme has no nonce, so there is no replay
/// check beyond the skew window: `replay` is ignored. Two identical requests signed within the
/// same second (X-Sdk-Date has one-second resolution) are legitimate — the official SDKs send
/// them on a retry or in a polling loop, and the vendor's gateway accepts them.
pub fn verify_huawei(
    input: &SignInput<'_>,
    lookup: impl Fn(&str) -> Option<String>,
    now: UtcTime,
    cfg: &VerifyConfig,
    _replay: Option<&ReplayCache>,
) -> Result<Verified, VerifyError> {
    let auth =
        header(input.headers, "authorization").ok_or(VerifyError::Missing("Authorization"))?;
    let parsed = huawei::parse_authorization(auth)
        .ok_or_else(|| VerifyError::Unsupported(auth.chars().take(40).collect()))?;
    for required in ["host", "x-sdk-date"] {
        if !signed_list_contains(&parsed.signed_headers, required) {
            return Err(VerifyError::UnsignedHeader(required));
        }
    }
    let ts =
        header(input.headers, huawei::DATE_HEADER).ok_or(VerifyError::Missing("X-Sdk-Date"))?;
    let t = UtcTime::parse_basic(ts).ok_or_else(|| VerifyError::BadTimestamp(ts.to_owned()))?;
    check_skew(t, ts, now, cfg)?;
    if let Some(declared) = header(input.headers, huawei::CONTENT_SHA256_HEADER) {
        if declared != "UNSIGNED-PAYLOAD"
            && !input.body.is_empty()
            && !declared.eq_ignore_ascii_case(&sha256_hex(input.body))
        {
            return Err(VerifyError::BodyHash);
        }
    }
    let secret = lookup(&parsed.access_key_id)
        .ok_or_else(|| VerifyError::UnknownAccessKey(parsed.access_key_id.clone()))?;
    let s = huawei::sign_by(input, &parsed.access_key_id, &secret, |h| {
        signed_list_contains(&parsed.signed_headers, h)
    });
    if s.signed_headers != parsed.signed_headers
        || !constant_time_eq(&s.signature, &parsed.signature)
    {
        return Err(VerifyError::SignatureMismatch {
            string_to_sign: s.string_to_sign,
        });
    }
    Ok(Verified {
        scheme: super::SignatureScheme::HuaweiAkSk,
        access_key_id: parsed.access_key_id,
    })
}

/// Verifies whichever scheme the request uses: `Authorization` starting with
/// `ACS3-HMAC-SHA256` or `SDK-HMAC-SHA256`, else a `Signature` parameter (Alibaba v1).
/// `form` holds parameters decoded from a form body (empty when there is none).
pub fn verify_any(
    input: &SignInput<'_>,
    form: &[(String, String)],
    lookup: impl Fn(&str) -> Option<String>,
    now: UtcTime,
    cfg: &VerifyConfig,
    replay: Option<&ReplayCache>,
) -> Result<Verified, VerifyError> {
    match header(input.headers, "authorization") {
        Some(a) if a.trim_start().starts_with(alibaba_v3::ALGORITHM) => {
            verify_alibaba_v3(input, lookup, now, cfg, replay)
        }
        Some(a) if a.trim_start().starts_with(huawei::ALGORITHM) => {
            verify_huawei(input, lookup, now, cfg, replay)
        }
        Some(a) => Err(VerifyError::Unsupported(a.chars().take(40).collect())),
        None => {
            let mut all: Vec<(String, String)> = input.query.to_vec();
            all.extend_from_slice(form);
            verify_alibaba_v1(input.method, &all, lookup, now, cfg, replay)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replay_cache_rejects_repeats_until_expiry_and_stays_bounded() {
        let c = ReplayCache::new(3, Duration::from_secs(10));
        assert!(c.check_and_insert("a", UtcTime(0)));
        assert!(!c.check_and_insert("a", UtcTime(5)));
        assert!(c.check_and_insert("a", UtcTime(11)));
        for k in ["b", "c", "d", "e"] {
            assert!(c.check_and_insert(k, UtcTime(12)));
        }
        assert!(c.len() <= 3);
    }
}
