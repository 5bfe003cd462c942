//! One [`Signer`] per signature scheme: what each adds to a prepared request (protocol
//! parameters, headers, the signature). The signature algorithms themselves are the pure
//! functions in [`crate::sign`]; [`SignatureScheme::signer`] is the registry.

use crate::credentials::AccessKey;
use crate::error::Error;
use crate::request::{sign_input, PreparedRequest, SignContext};
use crate::sign::{alibaba_v1, alibaba_v3, huawei, SignInput, SignatureScheme};

/// Adds a scheme's authentication to a request whose path, body and content type are final
/// (form parameters are in the body and still listed in `req.form`, for the schemes that sign
/// them as parameters).
pub trait Signer: Send + Sync {
    /// Signs `req` in place.
    fn sign(&self, req: &mut PreparedRequest, ctx: &SignContext<'_>) -> Result<(), Error>;
}

impl SignatureScheme {
    /// The signer of this scheme.
    pub fn signer(self) -> &'static dyn Signer {
        match self {
            SignatureScheme::AlibabaV1 => &AlibabaV1Signer,
            SignatureScheme::AlibabaV3 => &ALIBABA_V3,
            SignatureScheme::HuaweiAkSk => &HUAWEI_AK_SK,
            SignatureScheme::HuaweiToken => &HuaweiTokenSigner,
            SignatureScheme::None => &Unsigned,
        }
    }
}

/// Alibaba RPC signature v1: `Action`/`Version`/`Format` and the common parameters in the
/// query, `Signature` (HMAC-SHA1 over query and form) last.
#[derive(Debug, Clone, Copy)]
pub struct AlibabaV1Signer;

impl Signer for AlibabaV1Signer {
    fn sign(&self, req: &mut PreparedRequest, ctx: &SignContext<'_>) -> Result<(), Error> {
        let ak = ctx.credentials.require_access_key()?;
        if let Some(rpc) = req.protocol.rpc() {
            req.query.push(("Action".into(), rpc.action.to_string()));
            req.query.push(("Version".into(), rpc.version.to_string()));
            req.query.push(("Format".into(), "JSON".into()));
        }
        req.query.extend(alibaba_v1::common_params(
            &ak.id,
            ak.security_token.as_deref(),
            ctx.time,
            ctx.nonce,
        ));
        let params = req.query.iter().chain(req.form.iter());
        let s = alibaba_v1::sign(&req.method, params, &ak.secret);
        req.query
            .push((alibaba_v1::SIGNATURE_PARAM.to_owned(), s.signature));
        Ok(())
    }
}

/// A scheme that sets its own headers, then an `Authorization` header computed over the
/// request as it then is: Alibaba `ACS3-HMAC-SHA256` and Huawei `SDK-HMAC-SHA256`.
#[derive(Debug, Clone, Copy)]
pub struct AuthorizationSigner {
    /// The headers the scheme adds before signing.
    headers: fn(&PreparedRequest, &AccessKey, &SignContext<'_>) -> Vec<(String, String)>,
    /// The `Authorization` value over the request with those headers.
    authorization: fn(&SignInput<'_>, &AccessKey) -> String,
    /// Credentials holding only an IAM token (no access key) are sent as
    /// [`HuaweiTokenSigner`] does (Huawei).
    token_fallback: bool,
}

/// Alibaba `ACS3-HMAC-SHA256`: `x-acs-*` headers and an `Authorization` header.
pub const ALIBABA_V3: AuthorizationSigner = AuthorizationSigner {
    headers: |req, ak, ctx| {
        let (action, version) = match req.protocol.rpc() {
            Some(r) => (&*r.action, &*r.version),
            None => ("", ""),
        };
        alibaba_v3::prepare_headers(
            ctx.host,
            action,
            version,
            &req.body,
            ak.security_token.as_deref(),
            ctx.time,
            ctx.nonce,
        )
    },
    authorization: |input, ak| alibaba_v3::sign(input, &ak.id, &ak.secret).authorization,
    token_fallback: false,
};

/// Huawei `SDK-HMAC-SHA256`: `X-Sdk-Date`, the project or domain id and security-token
/// headers, and an `Authorization` header. Credentials with an IAM token but no access key
/// are sent as [`HuaweiTokenSigner`] does.
pub const HUAWEI_AK_SK: AuthorizationSigner = AuthorizationSigner {
    headers: |req, ak, ctx| {
        huawei::prepare_headers(
            ctx.host,
            req.content_type.as_deref(),
            req.body.len(),
            huawei::ScopeIds::of(ctx.credentials),
            ak.security_token.as_deref(),
            ctx.time,
        )
    },
    authorization: |input, ak| huawei::sign(input, &ak.id, &ak.secret).authorization,
    token_fallback: true,
};

impl Signer for AuthorizationSigner {
    fn sign(&self, req: &mut PreparedRequest, ctx: &SignContext<'_>) -> Result<(), Error> {
        let creds = ctx.credentials;
        if self.token_fallback && creds.access_key.is_none() && creds.auth_token.is_some() {
            return HuaweiTokenSigner.sign(req, ctx);
        }
        let ak = ctx.credentials.require_access_key()?;
        for (k, v) in (self.headers)(req, ak, ctx) {
            req.set_header(&k, v);
        }
        let value = (self.authorization)(&sign_input(req), ak);
        req.set_header("Authorization", value);
        Ok(())
    }
}

/// Huawei IAM token: `X-Auth-Token` (and `X-Project-Id` or `X-Domain-Id`), no signature.
#[derive(Debug, Clone, Copy)]
pub struct HuaweiTokenSigner;

impl Signer for HuaweiTokenSigner {
    fn sign(&self, req: &mut PreparedRequest, ctx: &SignContext<'_>) -> Result<(), Error> {
        let token = ctx
            .credentials
            .auth_token
            .as_deref()
            .ok_or(Error::Credentials(
                crate::credentials::CredentialsError::NoAuthToken,
            ))?;
        req.set_header(huawei::TOKEN_HEADER, token);
        for (k, v) in huawei::ScopeIds::of(ctx.credentials).headers() {
            req.set_header(k, v);
        }
        Ok(())
    }
}

/// No authentication (tests, local mocks).
#[derive(Debug, Clone, Copy)]
pub struct Unsigned;

impl Signer for Unsigned {
    fn sign(&self, _req: &mut PreparedRequest, _ctx: &SignContext<'_>) -> Result<(), Error> {
        Ok(())
    }
}
