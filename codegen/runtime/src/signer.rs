//! One [`Signer`] per signature scheme: what each adds to a prepared request (protocol
//! parameters, headers, the signature). The signature algorithms themselves are the pure
//! functions in [`crate::sign`]; [`SignatureScheme::signer`] is the registry.

use crate::error::Error;
use crate::request::{sign_input, PreparedRequest, SignContext};
use crate::sign::{alibaba_v1, alibaba_v3, huawei, SignatureScheme};

/// Adds a scheme's authentication to a request whose path, body and content type are final.
pub trait Signer: Send + Sync {
    /// Signs `req` in place; `form` holds the form parameters already moved into the body
    /// (schemes that sign them as parameters need them).
    fn sign(
        &self,
        req: &mut PreparedRequest,
        form: &[(String, String)],
        ctx: &SignContext<'_>,
    ) -> Result<(), Error>;
}

impl SignatureScheme {
    /// The signer of this scheme.
    pub fn signer(self) -> &'static dyn Signer {
        match self {
            SignatureScheme::AlibabaV1 => &AlibabaV1Signer,
            SignatureScheme::AlibabaV3 => &AlibabaV3Signer,
            SignatureScheme::HuaweiAkSk => &HuaweiAkSkSigner,
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
    fn sign(
        &self,
        req: &mut PreparedRequest,
        form: &[(String, String)],
        ctx: &SignContext<'_>,
    ) -> Result<(), Error> {
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
        let s = alibaba_v1::sign(&req.method, req.query.iter().chain(form.iter()), &ak.secret);
        req.query
            .push((alibaba_v1::SIGNATURE_PARAM.to_owned(), s.signature));

        Ok(())
    }
}

/// Alibaba `ACS3-HMAC-SHA256`: `x-acs-*` headers and an `Authorization` header.
#[derive(Debug, Clone, Copy)]
pub struct AlibabaV3Signer;

impl Signer for AlibabaV3Signer {
    fn sign(
        &self,
        req: &mut PreparedRequest,
        _form: &[(String, String)],
        ctx: &SignContext<'_>,
    ) -> Result<(), Error> {
        let ak = ctx.credentials.require_access_key()?;
        let (action, version) = match req.protocol.rpc() {
            Some(r) => (&*r.action, &*r.version),
            None => ("", ""),
        };
        let extra = alibaba_v3::prepare_headers(
            ctx.host,
            action,
            version,
            &req.body,
            ak.security_token.as_deref(),
            ctx.time,
            ctx.nonce,
        );
        authorize(req, extra, |input| {
            alibaba_v3::sign(input, &ak.id, &ak.secret).authorization
        });
        Ok(())
    }
}

/// Huawei `SDK-HMAC-SHA256`: `X-Sdk-Date` (and project/security-token headers) and an
/// `Authorization` header; credentials with an IAM token but no access key are sent as
/// [`HuaweiTokenSigner`] does.
#[derive(Debug, Clone, Copy)]
pub struct HuaweiAkSkSigner;

impl Signer for HuaweiAkSkSigner {
    fn sign(
        &self,
        req: &mut PreparedRequest,
        form: &[(String, String)],
        ctx: &SignContext<'_>,
    ) -> Result<(), Error> {
        // Credentials holding only an IAM token (no access key) authenticate with the token.
        if ctx.credentials.access_key.is_none() && ctx.credentials.auth_token.is_some() {
            return HuaweiTokenSigner.sign(req, form, ctx);
        }
        let ak = ctx.credentials.require_access_key()?;
        let extra = huawei::prepare_headers(
            ctx.host,
            req.content_type.as_deref(),
            req.body.len(),
            ctx.credentials.project_id.as_deref(),
            ak.security_token.as_deref(),
            ctx.time,
        );
        authorize(req, extra, |input| {
            huawei::sign(input, &ak.id, &ak.secret).authorization
        });
        Ok(())
    }
}

/// Huawei IAM token: `X-Auth-Token` (and `X-Project-Id`), no signature.
#[derive(Debug, Clone, Copy)]
pub struct HuaweiTokenSigner;

impl Signer for HuaweiTokenSigner {
    fn sign(
        &self,
        req: &mut PreparedRequest,
        _form: &[(String, String)],
        ctx: &SignContext<'_>,
    ) -> Result<(), Error> {
        let token = ctx
            .credentials
            .auth_token
            .as_deref()
            .ok_or_else(|| Error::Credentials("an IAM token is required".into()))?;
        req.set_header(huawei::TOKEN_HEADER, token);
        if let Some(p) = &ctx.credentials.project_id {
            req.set_header(huawei::PROJECT_ID_HEADER, p.clone());
        }

        Ok(())
    }
}

/// No authentication (tests, local mocks).
#[derive(Debug, Clone, Copy)]
pub struct Unsigned;

impl Signer for Unsigned {
    fn sign(
        &self,
        _req: &mut PreparedRequest,
        _form: &[(String, String)],
        _ctx: &SignContext<'_>,
    ) -> Result<(), Error> {
        Ok(())
    }
}

/// Sets the scheme's `headers`, then the `Authorization` header computed over the request as
/// it then is (the header-signing schemes: Alibaba V3, Huawei AK/SK).
fn authorize(
    req: &mut PreparedRequest,
    headers: Vec<(String, String)>,
    authorization: impl FnOnce(&crate::sign::SignInput<'_>) -> String,
) {
    for (k, v) in headers {
        req.set_header(&k, v);
    }
    let value = authorization(&sign_input(req));
    req.set_header("Authorization", value);
}
