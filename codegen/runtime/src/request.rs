//! The protocol-neutral prepared request, and signing it with any scheme.

use std::borrow::Cow;

use crate::clock::UtcTime;
use crate::credentials::Credentials;
use crate::error::{Error, RequestError};
use crate::rpc::encode_pairs;
use crate::sign::{self, SignInput, SignatureScheme};

/// Headers the HTTP stack sets itself on every request (content negotiation, framing and the
/// target host), which the documents list among an operation's parameters: they are not
/// operation data. A document's example `Content-Length: 3495` sent with a shorter body would
/// leave the server waiting. The one list apigen's models and OpenAPI export leave out.
pub const TRANSPORT_HEADERS: &[&str] = &["accept", "content-type", "content-length", "host"];

/// Whether `name` is one of [`TRANSPORT_HEADERS`] (ASCII case and surrounding blanks
/// ignored).
pub fn is_transport_header(name: &str) -> bool {
    let name = name.trim();
    TRANSPORT_HEADERS
        .iter()
        .any(|h| h.eq_ignore_ascii_case(name))
}

/// RPC identity of a request (Alibaba `Action` and `Version`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RpcInfo {
    /// Operation name (`Action`, `x-acs-action`).
    pub action: Cow<'static, str>,
    /// API version (`Version`, `x-acs-version`).
    pub version: Cow<'static, str>,
}

/// A request ready to sign and send. Query, form and header values are raw (unencoded); `path`
/// is already escaped (see [`crate::rest::RestRequest`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreparedRequest {
    /// Operation name for tracing and errors.
    pub operation: Cow<'static, str>,
    /// HTTP method, upper case.
    pub method: Cow<'static, str>,
    /// Escaped path starting with `/` (relative to the endpoint's base path).
    pub path: String,
    /// Query parameters, raw values.
    pub query: Vec<(String, String)>,
    /// Headers, raw values.
    pub headers: Vec<(String, String)>,
    /// Form parameters (RPC POST); when non-empty they become the body at signing time.
    pub form: Vec<(String, String)>,
    /// Body bytes (JSON, multipart, …); ignored when `form` is non-empty.
    pub body: Vec<u8>,
    /// `Content-Type` of `body`.
    pub content_type: Option<String>,
    /// Whether repeating the call is harmless (GET/PUT/DELETE, read-only RPC actions).
    pub idempotent: bool,
    /// The protocol the request speaks (and, for RPC, the operation identity it carries).
    pub protocol: RequestProtocol,
}

/// The protocol of a prepared request. The signers and the wire comparison read it; a REST
/// request is identified by its method and path, an RPC one by its [`RpcInfo`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum RequestProtocol {
    /// REST (Huawei): one route per method and path.
    #[default]
    Rest,
    /// Alibaba RPC: `Action`/`Version` dispatch.
    AlibabaRpc(RpcInfo),
}

impl RequestProtocol {
    /// The RPC identity, for an Alibaba RPC request.
    pub fn rpc(&self) -> Option<&RpcInfo> {
        match self {
            RequestProtocol::AlibabaRpc(info) => Some(info),
            RequestProtocol::Rest => None,
        }
    }

    /// The service protocol family this request belongs to.
    pub fn family(&self) -> crate::schema::Protocol {
        match self {
            RequestProtocol::AlibabaRpc(_) => crate::schema::Protocol::AlibabaRpc,
            RequestProtocol::Rest => crate::schema::Protocol::HuaweiRest,
        }
    }
}

impl PreparedRequest {
    /// An empty request for `method` and an escaped `path`.
    pub fn new(
        operation: impl Into<Cow<'static, str>>,
        method: impl Into<Cow<'static, str>>,
        path: impl Into<String>,
    ) -> Self {
        let method = method.into();
        let idempotent = matches!(&*method, "GET" | "HEAD" | "PUT" | "DELETE" | "OPTIONS");
        Self {
            operation: operation.into(),
            method,
            path: path.into(),
            query: Vec::new(),
            headers: Vec::new(),
            form: Vec::new(),
            body: Vec::new(),
            content_type: None,
            idempotent,
            protocol: RequestProtocol::Rest,
        }
    }

    /// The query string as sent (RFC 3986-encoded, in order, no leading `?`).
    pub fn query_string(&self) -> String {
        encode_pairs(&self.query)
    }

    /// Replaces or adds a header (case-insensitive name match).
    pub fn set_header(&mut self, name: &str, value: impl Into<String>) {
        let value = value.into();
        match self
            .headers
            .iter_mut()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
        {
            Some(slot) => slot.1 = value,
            None => self.headers.push((name.to_owned(), value)),
        }
    }
}

/// Signing inputs that change per attempt.
#[derive(Debug, Clone)]
pub struct SignContext<'a> {
    /// Scheme to use.
    pub scheme: SignatureScheme,
    /// Credentials.
    pub credentials: &'a Credentials,
    /// `Host` header value.
    pub host: &'a str,
    /// Endpoint base path, prepended to the request path.
    pub base_path: &'a str,
    /// Request time.
    pub time: UtcTime,
    /// Nonce (Alibaba).
    pub nonce: &'a str,
}

/// Finalises and signs `req` in place: fills the `{project_id}` / `{domain_id}` path
/// placeholders from the credentials, encodes form parameters into the body (they stay listed
/// in `req.form`), adds the protocol headers/parameters and the signature. Call once per
/// attempt (fresh time and nonce). The resulting `req.path` includes the endpoint base path.
pub fn sign_request(req: &mut PreparedRequest, ctx: &SignContext<'_>) -> Result<(), Error> {
    let ids = crate::sign::huawei::ScopeIds::of(ctx.credentials);
    fill_placeholder(
        req,
        crate::rest::PROJECT_ID_PLACEHOLDER,
        ids.project,
        || {
            "set project_id on the request or in the credentials (Credentials::with_project_id, \
         HUAWEICLOUD_SDK_PROJECT_ID), or the client's region to look it up through IAM"
        },
    )?;
    fill_placeholder(req, crate::rest::DOMAIN_ID_PLACEHOLDER, ids.domain, || {
        "set domain_id on the request or in the credentials (Credentials::with_domain_id, \
         HUAWEICLOUD_SDK_DOMAIN_ID), or use a global client to look it up through IAM"
    })?;
    if !ctx.base_path.is_empty() {
        req.path = format!("{}{}", ctx.base_path, req.path);
    }
    if !req.form.is_empty() {
        req.body = encode_pairs(&req.form).into_bytes();
        req.content_type = Some("application/x-www-form-urlencoded".to_owned());
    }
    if let Some(ct) = req.content_type.clone() {
        req.set_header("Content-Type", ct);
    }
    ctx.scheme.signer().sign(req, ctx)
}

/// Replaces `placeholder` in the path with `value` (percent-encoded); a missing value is an
/// error that says how to set it.
fn fill_placeholder(
    req: &mut PreparedRequest,
    placeholder: &'static str,
    value: Option<&str>,
    how: impl FnOnce() -> &'static str,
) -> Result<(), Error> {
    if !req.path.contains(placeholder) {
        return Ok(());
    }
    let value = value.ok_or_else(|| RequestError::Unresolved {
        operation: req.operation.to_string(),
        placeholder,
        how: how(),
    })?;
    req.path = req
        .path
        .replace(placeholder, &crate::sign::percent_encode(value));
    Ok(())
}

pub(crate) fn sign_input(req: &PreparedRequest) -> SignInput<'_> {
    SignInput {
        method: &req.method,
        host: sign::header(&req.headers, "host").unwrap_or_default(),
        path: &req.path,
        query: &req.query,
        headers: &req.headers,
        body: &req.body,
    }
}

/// The [`SignInput`] view of a (signed) prepared request, for verifiers and tests.
pub fn as_sign_input(req: &PreparedRequest) -> SignInput<'_> {
    sign_input(req)
}
