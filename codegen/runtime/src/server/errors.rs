//! Vendor-format error answers.
//!
//! An [`ApiError`] is vendor-neutral: a [`ErrorKind`], an HTTP status, a code and a message.
//! [`Flavor`] renders it the way the vendor's gateway does:
//!
//! * Alibaba: `{"RequestId","HostId","Code","Message","Recommend"}` (or the same fields under an
//!   `<Error>` root when the request asked for `Format=XML`), codes such as `MissingParameter`,
//!   `InvalidParameter`, `InvalidAction.NotFound`, `SignatureDoesNotMatch`;
//! * Huawei: `{"error_code","error_msg","request_id"}`, gateway codes `APIGW.0101` (no such API),
//!   `APIGW.0301` (authentication), `APIGW.0308` (throttling), `APIGW.0201` (malformed request)
//!   and service-style codes `<PREFIX>.00400000` for parameter validation.
//!
//! Client faults are always 4xx; only [`ApiError::internal`] (handler failure or panic) is 5xx.

use axum::body::{Body, Bytes};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

use crate::sign::verify::VerifyError;

use super::xml;

/// What went wrong, independent of the vendor (the [`Flavor`] picks the vendor code).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// A required parameter is absent or empty.
    MissingParameter,
    /// A parameter has the wrong type, an unknown enum value or violates a constraint.
    InvalidParameter,
    /// The request body is not valid JSON (or not the expected shape).
    MalformedBody,
    /// No operation matches the action / method and path.
    NotFound,
    /// The `Version` is not the one this service implements.
    InvalidVersion,
    /// Signature verification failed (see [`ApiError::from_verify`]).
    Auth,
    /// Too many requests.
    Throttling,
    /// The request body exceeds the configured limit.
    PayloadTooLarge,
    /// The handler failed or panicked.
    Internal,
    /// A service-specific error with an explicit code (handlers, mock overrides).
    Service,
}

/// An error answer. Build it with the constructors; render it with [`Flavor::render`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// Vendor-neutral category.
    pub kind: ErrorKind,
    /// HTTP status.
    pub status: u16,
    /// Alibaba-style code (`MissingParameter`, …); Huawei rendering maps it from `kind` unless
    /// `kind` is [`ErrorKind::Service`], whose code is used as given.
    pub code: String,
    /// Human-readable message.
    pub message: String,
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "HTTP {} {}: {}", self.status, self.code, self.message)
    }
}

impl std::error::Error for ApiError {}

impl ApiError {
    fn new(kind: ErrorKind, status: u16, code: &str, message: String) -> Self {
        Self {
            kind,
            status,
            code: code.to_owned(),
            message,
        }
    }

    /// 400 `MissingParameter` (Alibaba's wording).
    pub fn missing_parameter(name: &str) -> Self {
        Self::new(
            ErrorKind::MissingParameter,
            400,
            "MissingParameter",
            format!("The input parameter \"{name}\" that is mandatory for processing this request is not supplied."),
        )
    }

    /// 400 `InvalidParameter`: `why` says what is wrong with `name`.
    pub fn invalid_parameter(name: &str, why: impl std::fmt::Display) -> Self {
        Self::new(
            ErrorKind::InvalidParameter,
            400,
            "InvalidParameter",
            format!("The specified parameter \"{name}\" is not valid: {why}"),
        )
    }

    /// 400: the body is not valid JSON or not the expected shape.
    pub fn malformed_body(why: impl std::fmt::Display) -> Self {
        Self::new(
            ErrorKind::MalformedBody,
            400,
            "InvalidParameter",
            format!("The request body is not valid: {why}"),
        )
    }

    /// 404 `InvalidAction.NotFound` for an unknown RPC action.
    pub fn action_not_found(action: &str) -> Self {
        Self::new(
            ErrorKind::NotFound,
            404,
            "InvalidAction.NotFound",
            format!("Specified api \"{action}\" is not found, please check your url and method."),
        )
    }

    /// 404 `InvalidApi.NotFound` for an unknown method and path.
    pub fn api_not_found(method: &str, path: &str) -> Self {
        Self::new(
            ErrorKind::NotFound,
            404,
            "InvalidApi.NotFound",
            format!("The API {method} {path} does not exist."),
        )
    }

    /// 400 `InvalidVersion`.
    pub fn invalid_version(got: &str, expected: &str) -> Self {
        Self::new(
            ErrorKind::InvalidVersion,
            400,
            "InvalidVersion",
            format!("Specified parameter Version \"{got}\" is not valid; this service implements {expected}."),
        )
    }

    /// 400 `Throttling.User`.
    pub fn throttling() -> Self {
        Self::new(
            ErrorKind::Throttling,
            400,
            "Throttling.User",
            "Request was denied due to user flow control.".to_owned(),
        )
    }

    /// 413: the body exceeds `limit` bytes.
    pub fn payload_too_large(limit: usize) -> Self {
        Self::new(
            ErrorKind::PayloadTooLarge,
            413,
            "RequestEntityTooLarge",
            format!("The request body exceeds the limit of {limit} bytes."),
        )
    }

    /// 501 `NotImplemented`: the server stub does not implement `operation` (the default body of
    /// every method of a generated server trait).
    pub fn not_implemented(operation: &str) -> Self {
        Self::service(
            501,
            "NotImplemented",
            format!("The operation {operation} is not implemented by this server."),
        )
    }

    /// 500 `InternalError` (handler failure or panic; never used for client faults).
    pub fn internal(why: impl std::fmt::Display) -> Self {
        Self::new(
            ErrorKind::Internal,
            500,
            "InternalError",
            format!("The request processing has failed due to some unknown error: {why}"),
        )
    }

    /// A service-specific error with an explicit status and code (used verbatim for both vendors).
    pub fn service(status: u16, code: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            kind: ErrorKind::Service,
            status,
            code: code.into(),
            message: message.into(),
        }
    }

    /// The Alibaba answer to a failed signature check (codes and statuses as the Alibaba gateway
    /// uses them).
    pub fn from_verify(e: &VerifyError) -> Self {
        let (status, code, message) = match e {
            VerifyError::Missing(what) => (
                400,
                "IncompleteSignature",
                format!("The request signature does not conform to Aliyun standards: missing {what}."),
            ),
            VerifyError::Unsupported(what) => (
                400,
                "IncompleteSignature",
                format!("The request signature does not conform to Aliyun standards: unsupported {what:?}."),
            ),
            VerifyError::UnsignedHeader(h) => (
                400,
                "IncompleteSignature",
                format!("The request signature does not conform to Aliyun standards: header {h} must be signed."),
            ),
            VerifyError::UnknownAccessKey(_) => (
                404,
                "InvalidAccessKeyId.NotFound",
                "Specified access key is not found.".to_owned(),
            ),
            VerifyError::BadTimestamp(t) => (
                400,
                "InvalidTimeStamp.Format",
                format!("Specified time stamp or date value {t:?} is not well formatted."),
            ),
            VerifyError::Skew(_) => (
                400,
                "InvalidTimeStamp.Expired",
                "Specified time stamp or date value is expired.".to_owned(),
            ),
            VerifyError::Replay(_) => (
                400,
                "SignatureNonceUsed",
                "Specified signature nonce was used already.".to_owned(),
            ),
            VerifyError::BodyHash => (
                400,
                "SignatureDoesNotMatch",
                "The x-acs-content-sha256 header does not match the request body.".to_owned(),
            ),
            VerifyError::SignatureMismatch { string_to_sign } => (
                400,
                "SignatureDoesNotMatch",
                format!("Specified signature is not matched with our calculation. server string to sign is:{string_to_sign}"),
            ),
        };
        Self::new(ErrorKind::Auth, status, code, message)
    }
}

/// How errors (and request ids) look for one vendor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Flavor {
    /// Alibaba Cloud POP gateway.
    Alibaba,
    /// Huawei Cloud API gateway; `service_prefix` forms validation codes (`DMS` gives
    /// `DMS.00400000`).
    Huawei {
        /// Service code prefix such as `DMS` or `SVCSTG`.
        service_prefix: String,
    },
}

impl Flavor {
    /// The header carrying the request id.
    pub fn request_id_header(&self) -> &'static str {
        match self {
            Flavor::Alibaba => "x-acs-request-id",
            Flavor::Huawei { .. } => "X-Request-Id",
        }
    }

    /// A fresh request id: an upper-case UUID for Alibaba, 32 hex digits for Huawei.
    pub fn new_request_id(&self) -> String {
        match self {
            Flavor::Alibaba => crate::sign::uuid_text(true, b"0123456789ABCDEF"),
            Flavor::Huawei { .. } => crate::sign::uuid_text(false, b"0123456789abcdef"),
        }
    }

    /// The status and the vendor code of `e`.
    pub fn status_and_code(&self, e: &ApiError) -> (u16, String) {
        match self {
            Flavor::Alibaba => (e.status, e.code.clone()),
            Flavor::Huawei { service_prefix } => {
                let code = match e.kind {
                    ErrorKind::Service => e.code.clone(),
                    ErrorKind::MissingParameter
                    | ErrorKind::InvalidParameter
                    | ErrorKind::InvalidVersion => format!("{service_prefix}.00400000"),
                    ErrorKind::MalformedBody => format!("{service_prefix}.00400001"),
                    ErrorKind::NotFound => "APIGW.0101".to_owned(),
                    ErrorKind::Auth => "APIGW.0301".to_owned(),
                    ErrorKind::Throttling => "APIGW.0308".to_owned(),
                    ErrorKind::PayloadTooLarge => "APIGW.0201".to_owned(),
                    ErrorKind::Internal => format!("{service_prefix}.00500000"),
                };
                let status = match e.kind {
                    // The Huawei gateway answers 401 to every authentication failure and 429 to
                    // throttling.
                    ErrorKind::Auth => 401,
                    ErrorKind::Throttling => 429,
                    _ => e.status,
                };
                (status, code)
            }
        }
    }

    /// The JSON error body.
    pub fn body(&self, e: &ApiError, request_id: &str, host: &str) -> Value {
        let (_, code) = self.status_and_code(e);
        match self {
            Flavor::Alibaba => json!({
                "RequestId": request_id,
                "HostId": host,
                "Code": code,
                "Message": e.message,
                "Recommend": format!("https://api.aliyun.com/troubleshoot?q={code}"),
            }),
            Flavor::Huawei { .. } => json!({
                "error_code": code,
                "error_msg": if e.kind == ErrorKind::Auth {
                    // The Huawei gateway's wording, with the verifier's reason.
                    format!("Incorrect IAM authentication information: {}", e.message)
                } else {
                    e.message.clone()
                },
                "request_id": request_id,
            }),
        }
    }

    /// The complete HTTP answer for `e`; `xml` selects the Alibaba `Format=XML` rendering.
    pub fn render(&self, e: &ApiError, request_id: &str, host: &str, xml: bool) -> Response {
        let (status, _) = self.status_and_code(e);
        let body = self.body(e, request_id, host);
        let mut resp = if xml && *self == Flavor::Alibaba {
            xml_response(xml::to_xml("Error", &body))
        } else {
            json_response(&body)
        };
        *resp.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST);
        set_header(&mut resp, self.request_id_header(), request_id);
        resp
    }
}

/// A `200 OK` JSON answer.
pub fn json_response(v: &Value) -> Response {
    let text = serde_json::to_string(v).unwrap_or_else(|_| "null".to_owned());
    let mut r = text.into_response();
    set_header(&mut r, "content-type", JSON_CONTENT_TYPE);
    r
}

/// A `200 OK` XML answer.
pub fn xml_response(text: String) -> Response {
    let mut r = text.into_response();
    set_header(&mut r, "content-type", XML_CONTENT_TYPE);
    r
}

/// The `Content-Type` of JSON answers.
pub const JSON_CONTENT_TYPE: &str = "application/json;charset=utf-8";
/// The `Content-Type` of XML answers.
pub const XML_CONTENT_TYPE: &str = "text/xml;charset=utf-8";

/// A `200 OK` answer of `body` (already rendered) with `content_type`.
pub fn bytes_response(body: Bytes, content_type: &'static str) -> Response {
    let mut r = Body::from(body).into_response();
    r.headers_mut()
        .insert("content-type", HeaderValue::from_static(content_type));
    r
}

/// Sets a header, ignoring values that are not valid header text.
pub fn set_header(resp: &mut Response, name: &'static str, value: &str) {
    if let Ok(v) = HeaderValue::from_str(value) {
        resp.headers_mut().insert(name, v);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn huawei_maps_kinds_to_gateway_and_service_codes() {
        let f = Flavor::Huawei {
            service_prefix: "DMS".into(),
        };
        let e = ApiError::missing_parameter("name");
        assert_eq!(f.status_and_code(&e), (400, "DMS.00400000".into()));
        let auth = ApiError::from_verify(&VerifyError::Replay("n".into()));
        assert_eq!(f.status_and_code(&auth), (401, "APIGW.0301".into()));
        assert_eq!(
            Flavor::Alibaba.status_and_code(&auth),
            (400, "SignatureNonceUsed".into())
        );
        let own = ApiError::service(409, "DMS.00409001", "exists");
        assert_eq!(f.status_and_code(&own), (409, "DMS.00409001".into()));
        let b = f.body(&e, "rid", "h");
        assert_eq!(b["error_code"], "DMS.00400000");
        assert_eq!(b["request_id"], "rid");
    }

    #[test]
    fn request_ids_have_vendor_shapes() {
        let a = Flavor::Alibaba.new_request_id();
        assert_eq!(a.len(), 36);
        assert_eq!(a, a.to_ascii_uppercase());
        let h = Flavor::Huawei {
            service_prefix: "X".into(),
        }
        .new_request_id();
        assert_eq!(h.len(), 32);
        assert!(h.chars().all(|c| c.is_ascii_hexdigit()));
    }
}
