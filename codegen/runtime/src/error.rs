//! The one error type of every generated crate, and parsing of the vendors' error bodies.

use std::time::Duration;

use serde_json::Value;

/// Longest body excerpt kept in errors (characters).
pub const EXCERPT_CHARS: usize = 512;

/// Any failure of a call.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The request could not be sent or the response not received (DNS, TLS, connection reset…).
    #[error("transport error: {message}")]
    Transport {
        /// What failed.
        message: String,
        /// Whether the connection could not be established (always safe to retry).
        connect: bool,
        /// The underlying error.
        #[source]
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    },
    /// The call did not complete within the timeout.
    #[error("request timed out after {0:?}")]
    Timeout(Duration),
    /// The service answered with an error status.
    #[error(transparent)]
    Service(#[from] ServiceError),
    /// The response body does not match the expected shape.
    #[error("cannot decode response (HTTP {status}): {message}; body: {excerpt}")]
    Decode {
        /// HTTP status of the response.
        status: u16,
        /// The decoder's message (serde path and reason).
        message: String,
        /// The first [`EXCERPT_CHARS`] characters of the body.
        excerpt: String,
    },
    /// The request could not be built or sent as asked (bad endpoint, bad parameter): why, with
    /// the underlying error as its `source()`.
    #[error("invalid request: {0}")]
    InvalidRequest(#[source] RequestError),
    /// No usable credentials: which source, and why.
    #[error("credentials: {0}")]
    Credentials(#[source] crate::credentials::CredentialsError),
}

/// Why a request could not be built or sent as asked ([`Error::InvalidRequest`]).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RequestError {
    /// The operation's path cannot be filled from the request (an unset or empty path
    /// parameter).
    #[error("{method} {operation}: {source}")]
    Path {
        /// HTTP method.
        method: String,
        /// Operation name.
        operation: String,
        /// Which placeholder, and why.
        #[source]
        source: crate::rest::PathError,
    },
    /// A path placeholder filled from the client's context (`{project_id}`, `{domain_id}`)
    /// that neither the request nor the credentials give.
    #[error("{operation}: {how}")]
    Unresolved {
        /// Operation name.
        operation: String,
        /// The placeholder (`{project_id}`).
        placeholder: &'static str,
        /// How to give it.
        how: &'static str,
    },
    /// The JSON body does not serialize.
    #[error("{operation}: body: {source}")]
    Body {
        /// Operation name.
        operation: String,
        /// The serializer's error.
        #[source]
        source: serde_json::Error,
    },
    /// A structured (flattened or JSON-text) parameter does not serialize.
    #[error("parameter {name}: {source}")]
    Parameter {
        /// The parameter.
        name: String,
        /// The serializer's error.
        #[source]
        source: serde_json::Error,
    },
    /// An empty region id.
    #[error("empty region id")]
    EmptyRegion,
    /// A region id that is not one (letters, digits, `-` and `_`).
    #[error("region id {region:?}: expected letters, digits, `-` and `_`")]
    Region {
        /// What was given.
        region: String,
    },
    /// A network other than the public one for a service whose endpoints serve only that.
    #[error("{service} has no endpoints for network {network:?}; its endpoints serve the public network")]
    Network {
        /// The service.
        service: String,
        /// The network asked for.
        network: crate::endpoint::Network,
    },
    /// A network name that cannot stand in a host name.
    #[error("network name {name:?} is not a host label")]
    NetworkName {
        /// What was given.
        name: String,
    },
    /// An explicit endpoint URL without `scheme://`.
    #[error("endpoint {url:?} has no scheme")]
    NoScheme {
        /// The URL.
        url: String,
    },
    /// An explicit endpoint URL whose scheme is neither `http` nor `https`.
    #[error("endpoint {url:?}: scheme must be http or https")]
    Scheme {
        /// The URL.
        url: String,
    },
    /// An explicit endpoint URL without a usable host.
    #[error("endpoint {url:?}: bad host")]
    Host {
        /// The URL.
        url: String,
    },
    /// An HTTP method the HTTP client does not take.
    #[error("method {method}: {source}")]
    Method {
        /// The method.
        method: String,
        /// The HTTP client's error.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// The HTTP client cannot be built from its configuration (a CA or client certificate, a
    /// proxy).
    #[error("{what}: {source}")]
    HttpClient {
        /// What was being set (`CA certificate`, `client certificate`, `proxy`, `HTTP client`).
        what: &'static str,
        /// The HTTP client's error.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
}

impl From<RequestError> for Error {
    fn from(e: RequestError) -> Self {
        Error::InvalidRequest(e)
    }
}

impl Error {
    /// The service error, if this is one.
    pub fn as_service(&self) -> Option<&ServiceError> {
        match self {
            Error::Service(s) => Some(s),
            _ => None,
        }
    }

    /// A decode error for `body` with a char-safe excerpt.
    pub fn decode(status: u16, message: impl Into<String>, body: &[u8]) -> Self {
        Error::Decode {
            status,
            message: message.into(),
            excerpt: excerpt(body),
        }
    }
}

/// An error answer from the service.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("service error: HTTP {status}, code {code:?}: {message:?} (request id {request_id:?})")]
pub struct ServiceError {
    /// HTTP status code.
    pub status: u16,
    /// Vendor error code (`Code`, `error_code`, `errorCode`).
    pub code: Option<String>,
    /// Vendor message (`Message`, `error_msg`, `errorMessage`, …).
    pub message: Option<String>,
    /// Request id from the body or the response headers.
    pub request_id: Option<String>,
    /// Delay the service asked for (`x-acs-retry-after` in milliseconds, else `Retry-After`).
    pub retry_after: Option<Duration>,
    /// The first [`EXCERPT_CHARS`] characters of the body.
    pub body_excerpt: String,
}

/// The first [`EXCERPT_CHARS`] characters of `body` (lossy UTF-8, never split inside a char).
pub fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let mut out: String = text.chars().take(EXCERPT_CHARS).collect();
    if text.chars().nth(EXCERPT_CHARS).is_some() {
        out.push('…');
    }
    out
}

fn string_field(obj: &serde_json::Map<String, Value>, names: &[&str]) -> Option<String> {
    names.iter().find_map(|n| match obj.get(*n) {
        Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    })
}

/// Vendor error fields found in a JSON body: `(code, message, request_id)`.
///
/// Alibaba: `Code`, `Message`, `RequestId` (also `ErrorCode`/`ErrMsg`/`ErrorMsg`/`ErrorMessage`).
/// Huawei: `error_code`/`error_msg`, `errorCode`/`errorMessage`, `error_code`/`error_message`,
/// and the IAM shape `{"error": {"code": …, "message": …}}`.
pub fn parse_error_fields(body: &[u8]) -> (Option<String>, Option<String>, Option<String>) {
    let Ok(Value::Object(obj)) = serde_json::from_slice::<Value>(body) else {
        return (None, None, None);
    };
    let nested = match obj.get("error") {
        Some(Value::Object(e)) => Some(e),
        _ => None,
    };
    let code = string_field(
        &obj,
        &["Code", "code", "ErrorCode", "error_code", "errorCode"],
    )
    .or_else(|| nested.and_then(|e| string_field(e, &["code", "error_code"])));
    let message = string_field(
        &obj,
        &[
            "Message",
            "message",
            "ErrorMessage",
            "ErrMsg",
            "ErrorMsg",
            "error_msg",
            "error_message",
            "errorMessage",
        ],
    )
    .or_else(|| nested.and_then(|e| string_field(e, &["message", "error_msg"])));
    let request_id = string_field(&obj, &["RequestId", "request_id", "requestId"]);
    (code, message, request_id)
}

/// Alibaba RPC in-band failure: an HTTP 200 body with `"Success": false`, or (without a
/// `Success` member) a numeric `Code` other than `0`/`200`. Returns the service error for it.
pub fn alibaba_in_band_error(status: u16, body: &[u8]) -> Option<ServiceError> {
    let Ok(Value::Object(obj)) = serde_json::from_slice::<Value>(body) else {
        return None;
    };
    let failed = match obj.get("Success") {
        Some(Value::Bool(b)) => !b,
        Some(Value::String(s)) => s.eq_ignore_ascii_case("false"),
        Some(_) => false,
        None => match obj.get("Code") {
            Some(Value::Number(n)) => !matches!(n.as_i64(), Some(0 | 200)),
            Some(Value::String(s)) => s.trim().parse::<i64>().is_ok_and(|c| c != 0 && c != 200),
            _ => false,
        },
    };
    if !failed {
        return None;
    }
    let (code, message, request_id) = parse_error_fields(body);
    Some(ServiceError {
        status,
        code,
        message,
        request_id,
        retry_after: None,
        body_excerpt: excerpt(body),
    })
}

/// Builds the [`ServiceError`] for a non-success response. `header` looks up a response header
/// (case-insensitive); the request id falls back to `x-acs-request-id` / `X-Request-Id`.
pub fn service_error(
    status: u16,
    header: impl Fn(&str) -> Option<String>,
    body: &[u8],
    now: std::time::SystemTime,
) -> ServiceError {
    let (code, message, body_request_id) = parse_error_fields(body);
    let request_id = body_request_id
        .or_else(|| header("x-acs-request-id"))
        .or_else(|| header("x-request-id"));
    // Alibaba's x-acs-retry-after (milliseconds) is more precise than Retry-After.
    let retry_after = header("x-acs-retry-after")
        .and_then(|v| crate::retry::parse_acs_retry_after(&v))
        .or_else(|| header("retry-after").and_then(|v| crate::retry::parse_retry_after(&v, now)));
    ServiceError {
        status,
        code,
        message,
        request_id,
        retry_after,
        body_excerpt: excerpt(body),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_alibaba_error_body() {
        let (c, m, r) = parse_error_fields(
            br#"{"RequestId":"7A3B","HostId":"x","Code":"Throttling.User","Message":"Request was denied due to user flow control."}"#,
        );
        assert_eq!(c.as_deref(), Some("Throttling.User"));
        assert_eq!(
            m.as_deref(),
            Some("Request was denied due to user flow control.")
        );
        assert_eq!(r.as_deref(), Some("7A3B"));
    }

    #[test]
    fn parses_huawei_error_bodies() {
        let (c, m, _) = parse_error_fields(
            br#"{"error_msg": "Request body is invalid.", "error_code": "IAM.0011"}"#,
        );
        assert_eq!(
            (c.as_deref(), m.as_deref()),
            (Some("IAM.0011"), Some("Request body is invalid."))
        );
        let (c, m, _) = parse_error_fields(
            br#"{"errorCode":"400001","errorMessage":"Invalid parameter(s)","detail":"x"}"#,
        );
        assert_eq!(
            (c.as_deref(), m.as_deref()),
            (Some("400001"), Some("Invalid parameter(s)"))
        );
        let (c, m, _) =
            parse_error_fields(br#"{"error_code":"SVCSTG.00501134","error_message":"m"}"#);
        assert_eq!(
            (c.as_deref(), m.as_deref()),
            (Some("SVCSTG.00501134"), Some("m"))
        );
        let (c, m, _) = parse_error_fields(br#"{"error":{"code":"401","message":"The request you have made requires authentication."}}"#);
        assert_eq!(c.as_deref(), Some("401"));
        assert!(m.unwrap().starts_with("The request"));
        assert_eq!(parse_error_fields(b"<html>502</html>"), (None, None, None));
    }

    #[test]
    fn service_error_takes_request_id_and_retry_after_from_headers() {
        let e = service_error(
            503,
            |h| match h {
                "x-request-id" => Some("hw-1".into()),
                "retry-after" => Some("7".into()),
                _ => None,
            },
            b"busy",
            std::time::SystemTime::now(),
        );
        assert_eq!(e.request_id.as_deref(), Some("hw-1"));
        assert_eq!(e.retry_after, Some(Duration::from_secs(7)));
        assert_eq!(e.body_excerpt, "busy");
    }

    #[test]
    fn alibaba_in_band_failures() {
        let e = alibaba_in_band_error(
            200,
            br#"{"Success":false,"Code":"InvalidParameter","Message":"bad","RequestId":"r1"}"#,
        )
        .unwrap();
        assert_eq!(e.code.as_deref(), Some("InvalidParameter"));
        assert_eq!(e.request_id.as_deref(), Some("r1"));
        assert!(alibaba_in_band_error(200, br#"{"Success":true,"Code":200}"#).is_none());
        assert!(alibaba_in_band_error(200, br#"{"Code":0,"RequestId":"x"}"#).is_none());
        assert!(alibaba_in_band_error(200, br#"{"Code":"200"}"#).is_none());
        let e = alibaba_in_band_error(200, br#"{"Code":1001,"ErrMsg":"no app"}"#).unwrap();
        assert_eq!(e.message.as_deref(), Some("no app"));
        assert!(alibaba_in_band_error(200, b"[]").is_none());
    }

    #[test]
    fn excerpt_is_char_safe() {
        let body = "错".repeat(EXCERPT_CHARS + 3);
        let e = excerpt(body.as_bytes());
        assert_eq!(e.chars().count(), EXCERPT_CHARS + 1);
        assert!(e.ends_with('…'));
    }
}
