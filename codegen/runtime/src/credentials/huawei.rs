//! Huawei Cloud credential providers and their default chain, as `huaweicloudsdkcore`
//! (Python 3.1.219, `huaweicloudsdkcore/auth/provider.py` and `auth/internal.py`) defines them.
//!
//! [`default_chain`] (`CredentialProviderChain.get_basic_credential_provider_chain`) tries:
//!
//! | # | Provider | Configured by |
//! |---|----------|---------------|
//! | 1 | [`OidcStsProvider`] | `HUAWEICLOUD_OIDC_PROVIDER_URN`, `HUAWEICLOUD_OIDC_AGENCY_URN`, `HUAWEICLOUD_OIDC_ID_TOKEN` or `HUAWEICLOUD_OIDC_TOKEN_FILE` (+ `_SESSION_NAME`, `_DURATION_SECONDS`, `_POLICY`) → STS `POST /v5/agencies/assume-with-oidc` |
//! | 2 | [`EnvProvider`] | `HUAWEICLOUD_SDK_AK`, `HUAWEICLOUD_SDK_SK` (+ `_SECURITY_TOKEN`, `_PROJECT_ID`, `_DOMAIN_ID`), or `HUAWEICLOUD_SDK_IDP_ID` + `HUAWEICLOUD_SDK_ID_TOKEN_FILE` ([`IdpProvider`]) |
//! | 3 | [`ProfileProvider`] | `HUAWEICLOUD_SDK_CREDENTIALS_FILE`, else `~/.huaweicloud/credentials`, section `[basic]` (`[global]` for [`global_chain`]) |
//! | 4 | [`MetadataProvider`] | ECS metadata `GET /openstack/latest/securitykey` (token from `PUT /meta-data/latest/api/token`) |
//! | 5 | [`PodIdentityProvider`] | CCE pod identity: `HC_CONTAINER_CREDENTIALS_FULL_URI`, `HC_CONTAINER_AUTHORIZATION_TOKEN_FILE` |
//!
//! IAM calls go to `HUAWEICLOUD_SDK_IAM_ENDPOINT`, [`ProviderContext::iam_endpoint`], the
//! profile's `iam_endpoint`, else `https://iam.myhuaweicloud.com` (`IamHelper.DEFAULT_ENDPOINT`);
//! the regional project lookup uses `https://iam.<region>.myhuaweicloud.com`, the host every
//! region of the SDK's `auth/endpoint.py` table has. STS: `HUAWEICLOUD_SDK_STS_ENDPOINT`,
//! else `https://sts.cn-north-4.myhuaweicloud.com` (`StsHelper.DEFAULT_STS_ENDPOINT`).

use std::time::Duration;

use serde_json::{json, Value};

use super::chain::ChainProvider;
use super::fetch::{json_body, read_token_file, temporary_keys, ProviderContext};
use super::provider::{CredentialsFuture, ProvideCredentials, SharedCredentialsProvider};
use super::{AccessKey, Credentials, CredentialsError, HUAWEI_DOMAIN_ID, HUAWEI_PROJECT_ID};
use crate::client::Client;
use crate::error::Error;
use crate::request::PreparedRequest;
use crate::rest::RestRequest;
use crate::sign::SignatureScheme;

/// `HUAWEICLOUD_SDK_CREDENTIALS_FILE`: path of the credentials file.
pub const CREDENTIALS_FILE: &str = "HUAWEICLOUD_SDK_CREDENTIALS_FILE";
/// `HUAWEICLOUD_SDK_IDP_ID`: identity provider of an id-token file.
pub const IDP_ID: &str = "HUAWEICLOUD_SDK_IDP_ID";
/// `HUAWEICLOUD_SDK_ID_TOKEN_FILE`: the id-token (OIDC JWT) file.
pub const ID_TOKEN_FILE: &str = "HUAWEICLOUD_SDK_ID_TOKEN_FILE";
/// `HUAWEICLOUD_SDK_IAM_ENDPOINT`: IAM base URL.
pub const IAM_ENDPOINT: &str = "HUAWEICLOUD_SDK_IAM_ENDPOINT";
/// `HUAWEICLOUD_SDK_STS_ENDPOINT`: STS base URL.
pub const STS_ENDPOINT: &str = "HUAWEICLOUD_SDK_STS_ENDPOINT";
/// `HUAWEICLOUD_OIDC_PROVIDER_URN`.
pub const OIDC_PROVIDER_URN: &str = "HUAWEICLOUD_OIDC_PROVIDER_URN";
/// `HUAWEICLOUD_OIDC_AGENCY_URN`.
pub const OIDC_AGENCY_URN: &str = "HUAWEICLOUD_OIDC_AGENCY_URN";
/// `HUAWEICLOUD_OIDC_ID_TOKEN`: the token itself.
pub const OIDC_ID_TOKEN: &str = "HUAWEICLOUD_OIDC_ID_TOKEN";
/// `HUAWEICLOUD_OIDC_TOKEN_FILE`: a file holding the token.
pub const OIDC_TOKEN_FILE: &str = "HUAWEICLOUD_OIDC_TOKEN_FILE";
/// `HUAWEICLOUD_OIDC_SESSION_NAME` (default `oidc-sts-session`).
pub const OIDC_SESSION_NAME: &str = "HUAWEICLOUD_OIDC_SESSION_NAME";
/// `HUAWEICLOUD_OIDC_DURATION_SECONDS` (default 3600).
pub const OIDC_DURATION_SECONDS: &str = "HUAWEICLOUD_OIDC_DURATION_SECONDS";
/// `HUAWEICLOUD_OIDC_POLICY`.
pub const OIDC_POLICY: &str = "HUAWEICLOUD_OIDC_POLICY";
/// `HC_CONTAINER_CREDENTIALS_FULL_URI` (CCE pod identity).
pub const POD_CREDENTIALS_URI: &str = "HC_CONTAINER_CREDENTIALS_FULL_URI";
/// `HC_CONTAINER_AUTHORIZATION_TOKEN_FILE` (CCE pod identity).
pub const POD_TOKEN_FILE: &str = "HC_CONTAINER_AUTHORIZATION_TOKEN_FILE";

/// The ECS metadata service (`MetadataAccessor._METADATA_ENDPOINT`).
pub const METADATA_ENDPOINT: &str = "http://169.254.169.254";
/// Global IAM (`IamHelper.DEFAULT_ENDPOINT`).
pub const DEFAULT_IAM_ENDPOINT: &str = "https://iam.myhuaweicloud.com";
/// Default STS (`StsHelper.DEFAULT_STS_ENDPOINT`).
pub const DEFAULT_STS_ENDPOINT: &str = "https://sts.cn-north-4.myhuaweicloud.com";
/// Lifetime asked for temporary keys from an id token (`FederalAccessor`, 6 h).
pub const FEDERATED_DURATION_SECONDS: u32 = 6 * 60 * 60;

/// Which profile section and id the credentials carry: regional services use a project
/// (`BasicCredentials`, `[basic]`), global ones the account's domain (`GlobalCredentials`,
/// `[global]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Regional services (`X-Project-Id`).
    Project,
    /// Global services (`X-Domain-Id`).
    Domain,
}

impl Scope {
    fn section(self) -> &'static str {
        match self {
            Scope::Project => "basic",
            Scope::Domain => "global",
        }
    }
}

/// The default chain for regional services over the process environment.
pub fn default_chain() -> ChainProvider {
    default_chain_with(&ProviderContext::new(), Scope::Project)
}

/// The default chain for global services (`[global]` profile section).
pub fn global_chain() -> ChainProvider {
    default_chain_with(&ProviderContext::new(), Scope::Domain)
}

/// The default chain over `ctx`.
pub fn default_chain_with(ctx: &ProviderContext, scope: Scope) -> ChainProvider {
    ChainProvider::new("Huawei Cloud default")
        .with("oidc_sts", OidcStsProvider::from_env(ctx))
        .with("env", EnvProvider::new(ctx))
        .with("profile", ProfileProvider::new(ctx, scope))
        .with("metadata", MetadataProvider::new(ctx))
        .with("pod_identity", PodIdentityProvider::from_env(ctx))
}

use super::profile::{cred_err, home, ini_section, Described};

fn iam_endpoint(ctx: &ProviderContext, configured: Option<&str>) -> String {
    ctx.iam_endpoint
        .clone()
        .or_else(|| ctx.env.var(IAM_ENDPOINT))
        .or_else(|| configured.map(str::to_owned))
        .unwrap_or_else(|| DEFAULT_IAM_ENDPOINT.to_owned())
}

/// The IAM endpoint of the domain lookup and the token exchanges: [`ProviderContext::iam_endpoint`],
/// `HUAWEICLOUD_SDK_IAM_ENDPOINT`, else the global [`DEFAULT_IAM_ENDPOINT`] (`Iam.get_iam_endpoint`).
pub fn global_iam_endpoint(ctx: &ProviderContext) -> String {
    iam_endpoint(ctx, None)
}

/// The IAM endpoint for `region`'s project lookup.
pub fn regional_iam_endpoint(ctx: &ProviderContext, region: &str) -> String {
    ctx.iam_endpoint
        .clone()
        .or_else(|| ctx.env.var(IAM_ENDPOINT))
        .unwrap_or_else(|| {
            if region.is_empty() {
                DEFAULT_IAM_ENDPOINT.to_owned()
            } else {
                format!("https://iam.{region}.myhuaweicloud.com")
            }
        })
}

/// `StsAccessor._process_credential`: the keys under `credential` or `credentials`, named
/// `access`/`accessKeyId`/`access_key_id`, `secret`/…, `securitytoken`/…, and
/// `expires_at`/`expiration`.
fn process_credential(v: &Value, src: &str) -> Result<Credentials, Error> {
    let c = v
        .get("credential")
        .or_else(|| v.get("credentials"))
        .unwrap_or(v);
    temporary_keys(
        c,
        src,
        &["access", "accessKeyId", "access_key_id"],
        &["secret", "secretAccessKey", "secret_access_key"],
        &["securitytoken", "securityToken", "security_token"],
        &["expires_at", "expiration"],
    )
}

fn with_ids(mut c: Credentials, project: &Option<String>, domain: &Option<String>) -> Credentials {
    if c.project_id.is_none() {
        c.project_id = project.clone();
    }
    if c.domain_id.is_none() {
        c.domain_id = domain.clone();
    }
    c
}

// ---------------------------------------------------------------------------------------------

/// `EnvCredentialProvider`: AK/SK (+ token, project and domain ids) from the environment, or an
/// id-token file exchanged through IAM when `HUAWEICLOUD_SDK_IDP_ID` and
/// `HUAWEICLOUD_SDK_ID_TOKEN_FILE` are set (those win, as in the SDK).
#[derive(Debug, Clone)]
pub struct EnvProvider {
    ctx: ProviderContext,
}

impl EnvProvider {
    /// Reads `ctx.env` at every call.
    pub fn new(ctx: &ProviderContext) -> Self {
        Self { ctx: ctx.clone() }
    }

    async fn fetch(&self) -> Result<Credentials, Error> {
        let env = &self.ctx.env;
        if let (Some(idp), Some(file)) = (env.var(IDP_ID), env.var(ID_TOKEN_FILE)) {
            let mut p = IdpProvider::new(&self.ctx, idp, file);
            p.project_id = env.var(HUAWEI_PROJECT_ID);
            p.domain_id = env.var(HUAWEI_DOMAIN_ID);
            return p.fetch().await;
        }
        let c = Credentials::huawei_from_lookup(|k| env.var(k))?;
        if c.access_key.is_none() {
            return Err(cred_err(
                "env",
                "HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK are not set",
            ));
        }
        Ok(c)
    }
}

// ---------------------------------------------------------------------------------------------

/// `ProfileCredentialProvider`: the INI file `~/.huaweicloud/credentials`
/// (or `HUAWEICLOUD_SDK_CREDENTIALS_FILE`):
///
/// ```ini
/// [basic]
/// ak = …
/// sk = …
/// project_id = …        # optional: looked up through IAM by region when absent
/// security_token = …    # optional
/// iam_endpoint = …      # optional
/// # or: idp_id = …, id_token_file = …
///
/// [global]
/// ak = …
/// sk = …
/// domain_id = …
/// ```
#[derive(Debug)]
pub struct ProfileProvider {
    ctx: ProviderContext,
    scope: Scope,
    inner: Described,
}

impl ProfileProvider {
    /// Reads the section of `scope`.
    pub fn new(ctx: &ProviderContext, scope: Scope) -> Self {
        Self {
            ctx: ctx.clone(),
            scope,
            inner: Described::default(),
        }
    }

    fn load(&self) -> Result<SharedCredentialsProvider, Error> {
        const SRC: &str = "profile";
        let env = &self.ctx.env;
        let path = match env.var(CREDENTIALS_FILE) {
            Some(f) => std::path::PathBuf::from(f),
            None => home(env, SRC)?.join(".huaweicloud").join("credentials"),
        };
        let name = self.scope.section();
        let section = ini_section(&path, name, SRC)?;
        let get = |k: &str| {
            section
                .get(k)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        let project_id = get("project_id");
        let domain_id = get("domain_id");
        if let (Some(idp), Some(file)) = (get("idp_id"), get("id_token_file")) {
            let mut p = IdpProvider::new(&self.ctx, idp, file);
            p.iam_endpoint = iam_endpoint(&self.ctx, get("iam_endpoint").as_deref());
            p.project_id = project_id;
            p.domain_id = domain_id;
            return Ok(SharedCredentialsProvider::new(p));
        }
        match (get("ak"), get("sk")) {
            (Some(ak), Some(sk)) => {
                let mut key = AccessKey::new(ak, sk);
                key.security_token = get("security_token");
                Ok(Credentials {
                    access_key: Some(key),
                    project_id,
                    domain_id,
                    ..Credentials::default()
                }
                .into())
            }
            _ => Err(cred_err(
                SRC,
                format!(
                    "{}: [{name}] has neither ak & sk nor idp_id & id_token_file",
                    path.display()
                ),
            )),
        }
    }
}

impl ProvideCredentials for ProfileProvider {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        Box::pin(self.inner.provide(|| self.load()))
    }
}

// ---------------------------------------------------------------------------------------------

/// Temporary keys for an id token (`FederalAccessor`): `POST /v3.0/OS-AUTH/id-token/tokens`
/// with `X-Idp-Id` gives an unscoped token (`X-Subject-Token`), which
/// `POST /v3.0/OS-CREDENTIAL/securitytokens` turns into keys valid 6 h. The token file is read
/// again at every refresh.
#[derive(Debug, Clone)]
pub struct IdpProvider {
    ctx: ProviderContext,
    /// Identity provider id.
    pub idp_id: String,
    /// Id-token file.
    pub id_token_file: String,
    /// IAM base URL.
    pub iam_endpoint: String,
    /// Project id to attach.
    pub project_id: Option<String>,
    /// Domain id to attach.
    pub domain_id: Option<String>,
}

impl IdpProvider {
    /// For `idp_id` and a token file.
    pub fn new(ctx: &ProviderContext, idp_id: impl Into<String>, file: impl Into<String>) -> Self {
        Self {
            ctx: ctx.clone(),
            idp_id: idp_id.into(),
            id_token_file: file.into(),
            iam_endpoint: iam_endpoint(ctx, None),
            project_id: None,
            domain_id: None,
        }
    }

    async fn fetch(&self) -> Result<Credentials, Error> {
        const SRC: &str = "idp";
        let id_token = read_token_file(&self.id_token_file, "id token file").await?;
        let client = self.ctx.client(
            &self.iam_endpoint,
            Credentials::default(),
            SignatureScheme::None,
            (Duration::from_secs(5), Duration::from_secs(10)),
            2,
        )?;
        let req = RestRequest::new(
            "CreateTokenWithIdToken",
            "POST",
            "/v3.0/OS-AUTH/id-token/tokens",
        )
        .header("X-Idp-Id", &self.idp_id)
        .json(&json!({"auth": {"id_token": {"id": id_token}}}))?
        .into_prepared()?;
        let resp = client.send(req).await.map_err(|e| cred_err(SRC, e))?;
        let token = resp
            .header("x-subject-token")
            .ok_or_else(|| cred_err(SRC, "IAM answered without X-Subject-Token"))?
            .to_owned();
        let body = json!({"auth": {"identity": {"methods": ["token"],
            "token": {"id": token, "duration_seconds": FEDERATED_DURATION_SECONDS}}}});
        let req = RestRequest::new(
            "CreateTemporaryAccessKeyByToken",
            "POST",
            "/v3.0/OS-CREDENTIAL/securitytokens",
        )
        .json(&body)?
        .into_prepared()?;
        let resp = client.send(req).await.map_err(|e| cred_err(SRC, e))?;
        let c = process_credential(&json_body(&resp, SRC)?, SRC)?;
        Ok(with_ids(c, &self.project_id, &self.domain_id))
    }
}

// ---------------------------------------------------------------------------------------------

/// Temporary keys of the ECS agency from the metadata service (`MetadataAccessor`):
/// `PUT /meta-data/latest/api/token` (`X-Metadata-Token-Ttl-Seconds: 21600`; a 404/405/503
/// means the service has no tokens), then `GET /openstack/latest/securitykey` with
/// `X-Metadata-Token`, answering `{"credential": {"access", "secret", "securitytoken",
/// "expires_at"}}`. Timeouts are 3 s as in the SDK.
#[derive(Debug, Clone)]
pub struct MetadataProvider {
    ctx: ProviderContext,
    /// Metadata service base URL.
    pub endpoint: String,
}

impl MetadataProvider {
    /// The context's metadata endpoint, else `http://169.254.169.254`.
    pub fn new(ctx: &ProviderContext) -> Self {
        Self {
            ctx: ctx.clone(),
            endpoint: ctx
                .metadata_endpoint
                .clone()
                .unwrap_or_else(|| METADATA_ENDPOINT.to_owned()),
        }
    }

    async fn fetch(&self) -> Result<Credentials, Error> {
        const SRC: &str = "metadata";
        let client = self.ctx.client(
            &self.endpoint,
            Credentials::default(),
            SignatureScheme::None,
            (Duration::from_secs(3), Duration::from_secs(3)),
            1,
        )?;
        let mut token_req =
            PreparedRequest::new("GetMetadataToken", "PUT", "/meta-data/latest/api/token");
        token_req.set_header("X-Metadata-Token-Ttl-Seconds", "21600");
        let token = match client.send(token_req).await {
            Ok(r) => Some(String::from_utf8_lossy(&r.body).trim().to_owned()),
            Err(Error::Service(s)) if matches!(s.status, 404 | 405 | 503) => None,
            Err(e) => return Err(cred_err(SRC, format!("metadata token: {e}"))),
        };
        let mut req =
            PreparedRequest::new("GetSecurityKey", "GET", "/openstack/latest/securitykey");
        if let Some(t) = token {
            req.set_header("X-Metadata-Token", t);
        }
        let resp = client.send(req).await.map_err(|e| cred_err(SRC, e))?;
        let env = &self.ctx.env;
        let c = process_credential(&json_body(&resp, SRC)?, SRC)?;
        Ok(with_ids(
            c,
            &env.var(HUAWEI_PROJECT_ID),
            &env.var(HUAWEI_DOMAIN_ID),
        ))
    }
}

// ---------------------------------------------------------------------------------------------

/// `OidcStsCredentialProvider`: an OIDC id token exchanged at STS
/// `POST /v5/agencies/assume-with-oidc` for the agency's temporary keys.
#[derive(Debug, Clone)]
pub struct OidcStsProvider {
    ctx: ProviderContext,
}

impl OidcStsProvider {
    /// Reads the `HUAWEICLOUD_OIDC_*` variables at every call.
    pub fn from_env(ctx: &ProviderContext) -> Self {
        Self { ctx: ctx.clone() }
    }

    async fn fetch(&self) -> Result<Credentials, Error> {
        const SRC: &str = "oidc_sts";
        let env = &self.ctx.env;
        let need = |k: &str| {
            env.var(k)
                .ok_or_else(|| cred_err(SRC, format!("{k} is not set")))
        };
        let provider_urn = need(OIDC_PROVIDER_URN)?;
        let agency_urn = need(OIDC_AGENCY_URN)?;
        let id_token = match (env.var(OIDC_ID_TOKEN), env.var(OIDC_TOKEN_FILE)) {
            (Some(t), _) => t,
            (None, Some(f)) => read_token_file(&f, "OIDC token file").await?,
            _ => {
                return Err(cred_err(
                    SRC,
                    format!("{OIDC_ID_TOKEN} or {OIDC_TOKEN_FILE} is not set"),
                ))
            }
        };
        let duration: u64 = match env.var(OIDC_DURATION_SECONDS) {
            Some(d) => d.trim().parse().map_err(|_| {
                cred_err(
                    SRC,
                    format!("{OIDC_DURATION_SECONDS}={d:?} is not a number"),
                )
            })?,
            None => 3600,
        };
        let mut payload = json!({
            "provider_urn": provider_urn,
            "agency_urn": agency_urn,
            "agency_session_name": env.var(OIDC_SESSION_NAME).unwrap_or_else(|| "oidc-sts-session".into()),
            "id_token": id_token,
            "duration_seconds": duration,
        });
        if let Some(p) = env.var(OIDC_POLICY) {
            payload["policy"] = Value::String(p);
        }
        let sts = self
            .ctx
            .sts_endpoint
            .clone()
            .or_else(|| env.var(STS_ENDPOINT))
            .unwrap_or_else(|| DEFAULT_STS_ENDPOINT.to_owned());
        let client = self.ctx.client(
            &sts,
            Credentials::default(),
            SignatureScheme::None,
            (Duration::from_secs(5), Duration::from_secs(10)),
            2,
        )?;
        let req = RestRequest::new(
            "AssumeAgencyWithOidc",
            "POST",
            "/v5/agencies/assume-with-oidc",
        )
        .json(&payload)?
        .idempotent(true)
        .into_prepared()?;
        let resp = client.send(req).await.map_err(|e| cred_err(SRC, e))?;
        let c = process_credential(&json_body(&resp, SRC)?, SRC)?;
        Ok(with_ids(
            c,
            &env.var(HUAWEI_PROJECT_ID),
            &env.var(HUAWEI_DOMAIN_ID),
        ))
    }
}

// ---------------------------------------------------------------------------------------------

/// `PodIdentityCredentialProvider` (CCE): `POST <HC_CONTAINER_CREDENTIALS_FULL_URI>` with
/// `Authorization: <content of HC_CONTAINER_AUTHORIZATION_TOKEN_FILE>` and body `{}`.
#[derive(Debug, Clone)]
pub struct PodIdentityProvider {
    ctx: ProviderContext,
}

impl PodIdentityProvider {
    /// Reads the two variables at every call.
    pub fn from_env(ctx: &ProviderContext) -> Self {
        Self { ctx: ctx.clone() }
    }

    async fn fetch(&self) -> Result<Credentials, Error> {
        const SRC: &str = "pod_identity";
        let env = &self.ctx.env;
        let (Some(uri), Some(file)) = (env.var(POD_CREDENTIALS_URI), env.var(POD_TOKEN_FILE))
        else {
            return Err(cred_err(
                SRC,
                format!("{POD_CREDENTIALS_URI} and {POD_TOKEN_FILE} are not set"),
            ));
        };
        let token = read_token_file(&file, "pod identity token file").await?;
        let start = uri.find("://").map(|i| i + 3).unwrap_or(0);
        let split = uri[start..].find('/').map_or(uri.len(), |i| start + i);
        let (base, path) = uri.split_at(split);
        let client = self.ctx.client(
            base,
            Credentials::default(),
            SignatureScheme::None,
            (Duration::from_secs(5), Duration::from_secs(5)),
            1,
        )?;
        let mut req = PreparedRequest::new(
            "GetPodCredentials",
            "POST",
            if path.is_empty() { "/" } else { path },
        );
        req.set_header("Authorization", token);
        req.body = b"{}".to_vec();
        req.content_type = Some("application/json".into());
        let resp = client.send(req).await.map_err(|e| cred_err(SRC, e))?;
        let c = process_credential(&json_body(&resp, SRC)?, SRC)?;
        Ok(with_ids(
            c,
            &env.var(HUAWEI_PROJECT_ID),
            &env.var(HUAWEI_DOMAIN_ID),
        ))
    }
}

// ---------------------------------------------------------------------------------------------

/// Looks the project id of `region` up through IAM (`KeystoneListProjects`,
/// `GET /v3/projects?name=<region>`, signed with `credentials`), as `BasicCredentials.
/// process_auth_params` does when no project id is given. Exactly one project must match.
pub async fn lookup_project_id(
    ctx: &ProviderContext,
    credentials: &Credentials,
    region: &str,
) -> Result<String, Error> {
    if region.is_empty() {
        return Err(Error::Credentials(CredentialsError::NoRegion));
    }
    let client: Client = ctx.client(
        &regional_iam_endpoint(ctx, region),
        credentials.clone(),
        SignatureScheme::HuaweiAkSk,
        (Duration::from_secs(5), Duration::from_secs(10)),
        2,
    )?;
    let req = RestRequest::new("KeystoneListProjects", "GET", "/v3/projects")
        .query("name", region)
        .into_prepared()?;
    let resp = client.send(req).await.map_err(|e| {
        Error::Credentials(CredentialsError::ProjectLookup {
            region: region.to_owned(),
            source: Box::new(e),
        })
    })?;
    let trace = resp.header("x-iam-trace-id").unwrap_or("-").to_owned();
    let body = json_body(&resp, "KeystoneListProjects")?;
    let ids: Vec<&str> = body
        .get("projects")
        .and_then(Value::as_array)
        .map(|ps| ps.iter().filter_map(|p| p.get("id")?.as_str()).collect())
        .unwrap_or_default();
    match ids.as_slice() {
        [one] => Ok((*one).to_owned()),
        [] => Err(Error::Credentials(CredentialsError::NoProject {
            region: region.to_owned(),
            trace,
        })),
        many => Err(Error::Credentials(CredentialsError::SeveralProjects {
            region: region.to_owned(),
            projects: many.iter().map(|p| (*p).to_owned()).collect(),
            trace,
        })),
    }
}

/// Looks the account's domain id up through IAM (`KeystoneListAuthDomains`,
/// `GET /v3/auth/domains` on the global IAM endpoint, signed with `credentials`), as
/// `GlobalCredentials.process_auth_params` does when no domain id is given. Exactly one domain
/// must be listed.
pub async fn lookup_domain_id(
    ctx: &ProviderContext,
    credentials: &Credentials,
) -> Result<String, Error> {
    let client: Client = ctx.client(
        &global_iam_endpoint(ctx),
        credentials.clone(),
        SignatureScheme::HuaweiAkSk,
        (Duration::from_secs(5), Duration::from_secs(10)),
        2,
    )?;
    let req =
        RestRequest::new("KeystoneListAuthDomains", "GET", "/v3/auth/domains").into_prepared()?;
    let resp = client.send(req).await.map_err(|e| {
        Error::Credentials(CredentialsError::DomainLookup {
            source: Box::new(e),
        })
    })?;
    let trace = resp.header("x-iam-trace-id").unwrap_or("-").to_owned();
    let body = json_body(&resp, "KeystoneListAuthDomains")?;
    let ids: Vec<&str> = body
        .get("domains")
        .and_then(Value::as_array)
        .map(|ds| ds.iter().filter_map(|d| d.get("id")?.as_str()).collect())
        .unwrap_or_default();
    match ids.as_slice() {
        [one] => Ok((*one).to_owned()),
        other => Err(Error::Credentials(CredentialsError::DomainCount {
            count: other.len(),
            trace,
        })),
    }
}

super::provider::provide_by_fetch!(
    EnvProvider,
    IdpProvider,
    MetadataProvider,
    OidcStsProvider,
    PodIdentityProvider
);
