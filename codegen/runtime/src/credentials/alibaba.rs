//! Alibaba Cloud credential providers and their default chain, as `alibabacloud-credentials`
//! (Python 1.0.12, `alibabacloud_credentials/provider/`; same order in credentials-go and
//! credentials-java) defines them.
//!
//! [`default_chain`] tries, in order:
//!
//! | # | Provider | Configured by |
//! |---|----------|---------------|
//! | 1 | [`EnvProvider`] | `ALIBABA_CLOUD_ACCESS_KEY_ID`, `ALIBABA_CLOUD_ACCESS_KEY_SECRET` (+ `ALIBABA_CLOUD_SECURITY_TOKEN`) |
//! | 2 | [`OidcRoleArnProvider`] (RRSA on ACK) | only when `ALIBABA_CLOUD_ROLE_ARN`, `ALIBABA_CLOUD_OIDC_PROVIDER_ARN` and `ALIBABA_CLOUD_OIDC_TOKEN_FILE` are all set |
//! | 3 | [`CliProfileProvider`] | `~/.aliyun/config.json` (profile `ALIBABA_CLOUD_PROFILE`, else `current`); off when `ALIBABA_CLOUD_CLI_PROFILE_DISABLED=true` |
//! | 4 | [`ProfileProvider`] | `ALIBABA_CLOUD_CREDENTIALS_FILE`, else `~/.alibabacloud/credentials` (credentials-go) or `~/.alibabacloud/credentials.ini` (Python, Java); section `ALIBABA_CLOUD_PROFILE`, else `default` |
//! | 5 | [`EcsRamRoleProvider`] | the ECS metadata service (IMDSv2 token first); role `ALIBABA_CLOUD_ECS_METADATA`, else the one attached; off when `ALIBABA_CLOUD_ECS_METADATA_DISABLED=true` |
//! | 6 | [`UriProvider`] | only when `ALIBABA_CLOUD_CREDENTIALS_URI` is set |
//!
//! STS calls go to `sts.aliyuncs.com`, or `sts[-vpc].<ALIBABA_CLOUD_STS_REGION>.aliyuncs.com`
//! (`-vpc` when `ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED=true`), or [`ProviderContext::sts_endpoint`].

use std::time::Duration;

use serde_json::Value;

use super::chain::ChainProvider;
use super::fetch::{json_body, read_token_file, str_field, temporary_keys, ProviderContext};
use super::provider::{CredentialsFuture, ProvideCredentials, SharedCredentialsProvider};
use super::{AccessKey, Credentials};
use crate::error::Error;
use crate::request::PreparedRequest;
use crate::rpc::RpcRequest;
use crate::sign::SignatureScheme;

/// `ALIBABA_CLOUD_PROFILE`: profile (section) name of both profile files.
pub const PROFILE: &str = "ALIBABA_CLOUD_PROFILE";
/// `ALIBABA_CLOUD_CREDENTIALS_FILE`: path of the INI credentials file.
pub const CREDENTIALS_FILE: &str = "ALIBABA_CLOUD_CREDENTIALS_FILE";
/// `ALIBABA_CLOUD_CLI_PROFILE_DISABLED=true` skips `~/.aliyun/config.json`.
pub const CLI_PROFILE_DISABLED: &str = "ALIBABA_CLOUD_CLI_PROFILE_DISABLED";
/// `ALIBABA_CLOUD_ROLE_ARN`: role to assume (OIDC, RAM role ARN).
pub const ROLE_ARN: &str = "ALIBABA_CLOUD_ROLE_ARN";
/// `ALIBABA_CLOUD_OIDC_PROVIDER_ARN`.
pub const OIDC_PROVIDER_ARN: &str = "ALIBABA_CLOUD_OIDC_PROVIDER_ARN";
/// `ALIBABA_CLOUD_OIDC_TOKEN_FILE`: the service-account token file RRSA mounts.
pub const OIDC_TOKEN_FILE: &str = "ALIBABA_CLOUD_OIDC_TOKEN_FILE";
/// `ALIBABA_CLOUD_ROLE_SESSION_NAME`.
pub const ROLE_SESSION_NAME: &str = "ALIBABA_CLOUD_ROLE_SESSION_NAME";
/// `ALIBABA_CLOUD_ECS_METADATA`: RAM role name of the instance.
pub const ECS_METADATA: &str = "ALIBABA_CLOUD_ECS_METADATA";
/// `ALIBABA_CLOUD_ECS_METADATA_DISABLED=true` skips the metadata service.
pub const ECS_METADATA_DISABLED: &str = "ALIBABA_CLOUD_ECS_METADATA_DISABLED";
/// `ALIBABA_CLOUD_IMDSV1_DISABLED=true`: no fallback to metadata calls without a token.
pub const IMDSV1_DISABLED: &str = "ALIBABA_CLOUD_IMDSV1_DISABLED";
/// `ALIBABA_CLOUD_CREDENTIALS_URI`: a URL answering with temporary keys.
pub const CREDENTIALS_URI: &str = "ALIBABA_CLOUD_CREDENTIALS_URI";
/// `ALIBABA_CLOUD_STS_REGION`: regional STS endpoint.
pub const STS_REGION: &str = "ALIBABA_CLOUD_STS_REGION";
/// `ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED=true`: `sts-vpc.<region>` endpoint.
pub const VPC_ENDPOINT_ENABLED: &str = "ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED";

/// The ECS metadata service (`EcsRamRoleCredentialsProvider.__metadata_service_host`).
pub const METADATA_ENDPOINT: &str = "http://100.100.100.200";
/// STS API version of `AssumeRole` / `AssumeRoleWithOIDC`.
pub const STS_VERSION: &str = "2015-04-01";
/// Default role session duration (seconds), as the SDK's `DEFAULT_DURATION_SECONDS`.
pub const DEFAULT_DURATION_SECONDS: u32 = 3600;
/// IMDSv2 token lifetime requested (`DEFAULT_METADATA_TOKEN_DURATION`).
pub const METADATA_TOKEN_TTL_SECONDS: u32 = 21_600;

/// The default chain (see the module table) over the process environment.
pub fn default_chain() -> ChainProvider {
    default_chain_with(&ProviderContext::new())
}

/// The default chain over `ctx` (environment, HTTP client and service URLs).
pub fn default_chain_with(ctx: &ProviderContext) -> ChainProvider {
    let env = &ctx.env;
    let mut chain = ChainProvider::new("Alibaba Cloud default").with("env", EnvProvider::new(ctx));
    if env.var(ROLE_ARN).is_some()
        && env.var(OIDC_PROVIDER_ARN).is_some()
        && env.var(OIDC_TOKEN_FILE).is_some()
    {
        chain = chain.with("oidc_role_arn", OidcRoleArnProvider::from_env(ctx));
    }
    chain = chain
        .with("cli_profile", CliProfileProvider::new(ctx))
        .with("profile", ProfileProvider::new(ctx));
    if !env.flag(ECS_METADATA_DISABLED) {
        chain = chain.with("ecs_ram_role", EcsRamRoleProvider::new(ctx));
    }
    if let Some(uri) = env.var(CREDENTIALS_URI) {
        chain = chain.with("credentials_uri", UriProvider::new(ctx, uri));
    }
    chain
}

use super::profile::{cred_err, home, ini_section, Described};

/// The STS base URL: explicit, else the context's, else from `ALIBABA_CLOUD_STS_REGION` and
/// `ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED`, else `sts.aliyuncs.com`.
fn sts_endpoint(ctx: &ProviderContext, region: Option<&str>, vpc: Option<bool>) -> String {
    if let Some(e) = &ctx.sts_endpoint {
        return e.clone();
    }
    let vpc = vpc.unwrap_or_else(|| ctx.env.flag(VPC_ENDPOINT_ENABLED));
    let prefix = if vpc { "sts-vpc" } else { "sts" };
    match region
        .map(str::to_owned)
        .or_else(|| ctx.env.var(STS_REGION))
    {
        Some(r) if !r.is_empty() => format!("https://{prefix}.{r}.aliyuncs.com"),
        _ => "https://sts.aliyuncs.com".to_owned(),
    }
}

// ---------------------------------------------------------------------------------------------

/// Keys from `ALIBABA_CLOUD_ACCESS_KEY_ID` / `_SECRET` (+ `_SECURITY_TOKEN`)
/// (`EnvironmentVariableCredentialsProvider`).
#[derive(Debug, Clone)]
pub struct EnvProvider {
    ctx: ProviderContext,
}

impl EnvProvider {
    /// Reads the variables of `ctx.env` at every call.
    pub fn new(ctx: &ProviderContext) -> Self {
        Self { ctx: ctx.clone() }
    }

    fn get(&self) -> Result<Credentials, Error> {
        let env = &self.ctx.env;
        Credentials::alibaba_from_lookup(|k| env.var(k))
    }
}

impl ProvideCredentials for EnvProvider {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        Box::pin(async move { self.get() })
    }
}

// ---------------------------------------------------------------------------------------------

/// Temporary keys from STS `AssumeRoleWithOIDC` for an OIDC token file (RRSA on ACK,
/// `OIDCRoleArnCredentialsProvider`). The call is anonymous: the token is the proof. The token
/// file is read again at every refresh (the kubelet rotates it).
#[derive(Debug, Clone)]
pub struct OidcRoleArnProvider {
    ctx: ProviderContext,
    /// `RoleArn`.
    pub role_arn: String,
    /// `OIDCProviderArn`.
    pub oidc_provider_arn: String,
    /// Path of the OIDC token file.
    pub token_file: String,
    /// `RoleSessionName` (default `apigen-<unix time>`, as the SDK's `credentials-python-<time>`).
    pub session_name: Option<String>,
    /// `DurationSeconds` (900 and up).
    pub duration_seconds: u32,
    /// `Policy` (JSON) narrowing the role.
    pub policy: Option<String>,
    /// STS base URL (default: see the module doc).
    pub sts_endpoint: String,
}

impl OidcRoleArnProvider {
    /// From `ALIBABA_CLOUD_ROLE_ARN`, `ALIBABA_CLOUD_OIDC_PROVIDER_ARN`,
    /// `ALIBABA_CLOUD_OIDC_TOKEN_FILE` and `ALIBABA_CLOUD_ROLE_SESSION_NAME` (read now).
    pub fn from_env(ctx: &ProviderContext) -> Self {
        let env = &ctx.env;
        Self::new(
            ctx,
            env.var(ROLE_ARN).unwrap_or_default(),
            env.var(OIDC_PROVIDER_ARN).unwrap_or_default(),
            env.var(OIDC_TOKEN_FILE).unwrap_or_default(),
        )
    }

    /// For explicit role, provider and token file.
    pub fn new(
        ctx: &ProviderContext,
        role_arn: impl Into<String>,
        oidc_provider_arn: impl Into<String>,
        token_file: impl Into<String>,
    ) -> Self {
        Self {
            ctx: ctx.clone(),
            role_arn: role_arn.into(),
            oidc_provider_arn: oidc_provider_arn.into(),
            token_file: token_file.into(),
            session_name: ctx.env.var(ROLE_SESSION_NAME),
            duration_seconds: DEFAULT_DURATION_SECONDS,
            policy: None,
            sts_endpoint: sts_endpoint(ctx, None, None),
        }
    }

    async fn fetch(&self) -> Result<Credentials, Error> {
        const SRC: &str = "oidc_role_arn";
        for (what, v) in [
            (ROLE_ARN, &self.role_arn),
            (OIDC_PROVIDER_ARN, &self.oidc_provider_arn),
            (OIDC_TOKEN_FILE, &self.token_file),
        ] {
            if v.is_empty() {
                return Err(cred_err(SRC, format!("{what} is not set")));
            }
        }
        check_duration(SRC, self.duration_seconds)?;
        let token = read_token_file(&self.token_file, "OIDC token file").await?;
        let client = self.ctx.client(
            &self.sts_endpoint,
            Credentials::default(),
            SignatureScheme::None,
            (Duration::from_secs(5), Duration::from_secs(10)),
            2,
        )?;
        // credentials-go sends the role parameters in a form body (the token is long); the
        // common parameters go in the query. Anonymous: no AccessKeyId, no Signature.
        let mut req = PreparedRequest::new("AssumeRoleWithOIDC", "POST", "/");
        req.query = vec![
            ("Action".into(), "AssumeRoleWithOIDC".into()),
            ("Format".into(), "JSON".into()),
            ("Version".into(), STS_VERSION.into()),
            ("Timestamp".into(), crate::clock::UtcTime::now().iso8601()),
        ];
        req.form = vec![
            ("DurationSeconds".into(), self.duration_seconds.to_string()),
            ("RoleArn".into(), self.role_arn.clone()),
            ("OIDCProviderArn".into(), self.oidc_provider_arn.clone()),
            ("OIDCToken".into(), token),
            ("RoleSessionName".into(), session_name(&self.session_name)),
        ];
        if let Some(p) = &self.policy {
            req.form.push(("Policy".into(), p.clone()));
        }
        req.idempotent = true;
        let resp = client.send(req).await.map_err(|e| cred_err(SRC, e))?;
        sts_credentials(&json_body(&resp, SRC)?, SRC)
    }
}

fn session_name(given: &Option<String>) -> String {
    given.clone().unwrap_or_else(|| {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or_default();
        format!("apigen-{secs}")
    })
}

fn check_duration(src: &str, secs: u32) -> Result<(), Error> {
    if secs < 900 {
        return Err(cred_err(
            src,
            format!("session duration {secs}s is below the 900s minimum"),
        ));
    }
    Ok(())
}

/// `{"Credentials": {"AccessKeyId", "AccessKeySecret", "SecurityToken", "Expiration"}}`.
fn sts_credentials(v: &Value, src: &str) -> Result<Credentials, Error> {
    let c = v
        .get("Credentials")
        .ok_or_else(|| cred_err(src, format!("no Credentials in the STS answer: {v}")))?;
    alibaba_keys(c, src)
}

/// Alibaba's temporary keys (STS and the metadata service): `AccessKeyId`, `AccessKeySecret`,
/// `SecurityToken`, `Expiration`.
fn alibaba_keys(v: &Value, src: &str) -> Result<Credentials, Error> {
    temporary_keys(
        v,
        src,
        &["AccessKeyId"],
        &["AccessKeySecret"],
        &["SecurityToken"],
        &["Expiration"],
    )
}

// ---------------------------------------------------------------------------------------------

/// Temporary keys from STS `AssumeRole`, signed (RPC v1) with the keys of a source provider
/// (`RamRoleArnCredentialsProvider`; also chained roles of the CLI's `ChainableRamRoleArn`).
#[derive(Debug, Clone)]
pub struct RamRoleArnProvider {
    ctx: ProviderContext,
    source: SharedCredentialsProvider,
    /// `RoleArn`.
    pub role_arn: String,
    /// `RoleSessionName` (default `apigen-<unix time>`).
    pub session_name: Option<String>,
    /// `DurationSeconds` (900 and up).
    pub duration_seconds: u32,
    /// `Policy` (JSON).
    pub policy: Option<String>,
    /// `ExternalId`.
    pub external_id: Option<String>,
    /// STS base URL.
    pub sts_endpoint: String,
}

impl RamRoleArnProvider {
    /// Assumes `role_arn` with the credentials of `source`.
    pub fn new(
        ctx: &ProviderContext,
        source: impl Into<SharedCredentialsProvider>,
        role_arn: impl Into<String>,
    ) -> Self {
        Self {
            ctx: ctx.clone(),
            source: source.into(),
            role_arn: role_arn.into(),
            session_name: ctx.env.var(ROLE_SESSION_NAME),
            duration_seconds: DEFAULT_DURATION_SECONDS,
            policy: None,
            external_id: None,
            sts_endpoint: sts_endpoint(ctx, None, None),
        }
    }

    /// Uses a regional (or VPC) STS endpoint unless the context overrides it.
    pub fn with_sts_region(mut self, region: Option<&str>, vpc: Option<bool>) -> Self {
        self.sts_endpoint = sts_endpoint(&self.ctx, region, vpc);
        self
    }

    async fn fetch(&self) -> Result<Credentials, Error> {
        const SRC: &str = "ram_role_arn";
        if self.role_arn.is_empty() {
            return Err(cred_err(SRC, "role ARN is empty"));
        }
        check_duration(SRC, self.duration_seconds)?;
        let client = self.ctx.client(
            &self.sts_endpoint,
            self.source.clone(),
            SignatureScheme::AlibabaV1,
            (Duration::from_secs(5), Duration::from_secs(10)),
            2,
        )?;
        let mut q = RpcRequest::new("AssumeRole", STS_VERSION)
            .get()
            .idempotent(true)
            .param("DurationSeconds", self.duration_seconds)
            .param("RoleArn", &self.role_arn)
            .param("RoleSessionName", session_name(&self.session_name));
        q = q.param_opt("Policy", self.policy.as_ref());
        q = q.param_opt("ExternalId", self.external_id.as_ref());
        let resp = client
            .send(q.into_prepared())
            .await
            .map_err(|e| cred_err(SRC, e))?;
        sts_credentials(&json_body(&resp, SRC)?, SRC)
    }
}

// ---------------------------------------------------------------------------------------------

/// Temporary keys of the instance's RAM role from the ECS metadata service
/// (`EcsRamRoleCredentialsProvider`):
///
/// 1. `PUT /latest/api/token` with `X-aliyun-ecs-metadata-token-ttl-seconds: 21600` (IMDSv2);
///    if that fails and `ALIBABA_CLOUD_IMDSV1_DISABLED` is not `true`, go on without a token;
/// 2. unless a role name is given, `GET /latest/meta-data/ram/security-credentials/` names it;
/// 3. `GET /latest/meta-data/ram/security-credentials/<role>` with
///    `X-aliyun-ecs-metadata-token` answers `{"Code": "Success", "AccessKeyId", …,
///    "Expiration"}`.
///
/// Timeouts are 1 s as in the SDK, so the chain moves on quickly off ECS.
#[derive(Debug, Clone)]
pub struct EcsRamRoleProvider {
    ctx: ProviderContext,
    /// Role name (`ALIBABA_CLOUD_ECS_METADATA`); `None`: ask the metadata service.
    pub role_name: Option<String>,
    /// Refuse metadata calls without a token.
    pub disable_imds_v1: bool,
    /// Metadata service base URL.
    pub endpoint: String,
}

const ECS_CREDENTIALS_PATH: &str = "/latest/meta-data/ram/security-credentials/";

impl EcsRamRoleProvider {
    /// Settings from `ALIBABA_CLOUD_ECS_METADATA` / `ALIBABA_CLOUD_IMDSV1_DISABLED` and the
    /// context's metadata endpoint.
    pub fn new(ctx: &ProviderContext) -> Self {
        Self {
            ctx: ctx.clone(),
            role_name: ctx.env.var(ECS_METADATA),
            disable_imds_v1: ctx.env.flag(IMDSV1_DISABLED),
            endpoint: ctx
                .metadata_endpoint
                .clone()
                .unwrap_or_else(|| METADATA_ENDPOINT.to_owned()),
        }
    }

    /// For an explicit role name.
    pub fn with_role_name(mut self, role: impl Into<String>) -> Self {
        self.role_name = Some(role.into());
        self
    }

    async fn fetch(&self) -> Result<Credentials, Error> {
        const SRC: &str = "ecs_ram_role";
        let client = self.ctx.client(
            &self.endpoint,
            Credentials::default(),
            SignatureScheme::None,
            (Duration::from_secs(1), Duration::from_secs(2)),
            1,
        )?;
        let mut token_req = PreparedRequest::new("GetMetadataToken", "PUT", "/latest/api/token");
        token_req.set_header(
            "X-aliyun-ecs-metadata-token-ttl-seconds",
            METADATA_TOKEN_TTL_SECONDS.to_string(),
        );
        let token = match client.send(token_req).await {
            Ok(r) => Some(String::from_utf8_lossy(&r.body).trim().to_owned()),
            Err(e) if self.disable_imds_v1 => {
                return Err(cred_err(SRC, format!("metadata token: {e}")))
            }
            Err(e) => {
                tracing::debug!(error = %e, "no IMDSv2 token; trying without");
                None
            }
        };
        let get = |path: String| {
            let mut r = PreparedRequest::new("GetRamRoleCredentials", "GET", path);
            if let Some(t) = &token {
                r.set_header("X-aliyun-ecs-metadata-token", t.clone());
            }
            r
        };
        let role = match &self.role_name {
            Some(r) => r.clone(),
            None => {
                let resp = client
                    .send(get(ECS_CREDENTIALS_PATH.to_owned()))
                    .await
                    .map_err(|e| cred_err(SRC, format!("role name: {e}")))?;
                let name = String::from_utf8_lossy(&resp.body).trim().to_owned();
                if name.is_empty() {
                    return Err(cred_err(SRC, "the instance has no RAM role"));
                }
                name
            }
        };
        let path = format!(
            "{ECS_CREDENTIALS_PATH}{}",
            crate::sign::percent_encode_path(&role)
        );
        let resp = client.send(get(path)).await.map_err(|e| cred_err(SRC, e))?;
        code_success_keys(&json_body(&resp, SRC)?, SRC)
    }
}

/// `{"Code": "Success", "AccessKeyId", "AccessKeySecret", "SecurityToken", "Expiration"}`
/// (metadata service and credentials URI).
fn code_success_keys(v: &Value, src: &str) -> Result<Credentials, Error> {
    if str_field(v, &["Code"]) != Some("Success") {
        return Err(cred_err(
            src,
            format!("answer without Code \"Success\": {v}"),
        ));
    }
    alibaba_keys(v, src)
}

// ---------------------------------------------------------------------------------------------

/// Temporary keys from a URL (`ALIBABA_CLOUD_CREDENTIALS_URI`, `URLCredentialsProvider`):
/// `GET <uri>` answers like the metadata service.
#[derive(Debug, Clone)]
pub struct UriProvider {
    ctx: ProviderContext,
    /// The URL.
    pub uri: String,
}

impl UriProvider {
    /// For `uri`.
    pub fn new(ctx: &ProviderContext, uri: impl Into<String>) -> Self {
        Self {
            ctx: ctx.clone(),
            uri: uri.into(),
        }
    }

    async fn fetch(&self) -> Result<Credentials, Error> {
        const SRC: &str = "credentials_uri";
        let (base, rest) = split_url(&self.uri).ok_or_else(|| cred_err(SRC, "bad URI"))?;
        let client = self.ctx.client(
            base,
            Credentials::default(),
            SignatureScheme::None,
            (Duration::from_secs(5), Duration::from_secs(10)),
            2,
        )?;
        let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
        let mut req = PreparedRequest::new(
            "GetCredentials",
            "GET",
            if path.is_empty() { "/" } else { path },
        );
        req.query = crate::rpc::parse_form(query);
        let resp = client.send(req).await.map_err(|e| cred_err(SRC, e))?;
        code_success_keys(&json_body(&resp, SRC)?, SRC)
    }
}

/// `scheme://host[:port]` and the rest (path and query) of a URL.
fn split_url(url: &str) -> Option<(&str, &str)> {
    let start = url.find("://")? + 3;
    let end = url[start..]
        .find(['/', '?'])
        .map_or(url.len(), |i| start + i);
    Some((&url[..end], &url[end..]))
}

// ---------------------------------------------------------------------------------------------

/// The INI credentials file (`ProfileCredentialsProvider`):
///
/// ```ini
/// [default]
/// type = access_key                 # or ram_role_arn, oidc_role_arn, ecs_ram_role
/// access_key_id = LTAI…
/// access_key_secret = …
/// # ram_role_arn: role_arn, role_session_name, policy (signs with the keys above)
/// # oidc_role_arn: role_arn, oidc_provider_arn, oidc_token_file_path, role_session_name, policy
/// # ecs_ram_role: role_name
/// ```
///
/// The file and section are read at the first call; the provider they describe is kept.
#[derive(Debug)]
pub struct ProfileProvider {
    ctx: ProviderContext,
    inner: Described,
}

impl ProfileProvider {
    /// Reads `ALIBABA_CLOUD_CREDENTIALS_FILE` or the home directory's file.
    pub fn new(ctx: &ProviderContext) -> Self {
        Self {
            ctx: ctx.clone(),
            inner: Described::default(),
        }
    }

    fn load(&self) -> Result<SharedCredentialsProvider, Error> {
        const SRC: &str = "profile";
        let env = &self.ctx.env;
        let candidates: Vec<std::path::PathBuf> = match env.var(CREDENTIALS_FILE) {
            Some(f) => vec![f.into()],
            None => {
                let home = home(env, SRC)?;
                vec![
                    home.join(".alibabacloud").join("credentials"),
                    home.join(".alibabacloud").join("credentials.ini"),
                ]
            }
        };
        let path = candidates
            .iter()
            .find(|p| p.is_file())
            .ok_or_else(|| cred_err(SRC, format!("no credentials file ({candidates:?})")))?;
        let name = env.var(PROFILE).unwrap_or_else(|| "default".to_owned());
        let section = ini_section(path, &name, SRC)?;
        // The SDK strips a trailing `# comment` from values.
        let get = |k: &str| {
            section
                .get(k)
                .map(|v| v.split('#').next().unwrap_or("").trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        let need = |k: &str| {
            get(k).ok_or_else(|| cred_err(SRC, format!("{}: [{name}] has no {k}", path.display())))
        };
        let keys = || -> Result<Credentials, Error> {
            Ok(Credentials {
                access_key: Some(AccessKey::new(
                    need("access_key_id")?,
                    need("access_key_secret")?,
                )),
                ..Credentials::default()
            })
        };
        let ctx = &self.ctx;
        Ok(match get("type").as_deref() {
            Some("access_key") => keys()?.into(),
            Some("ram_role_arn") => {
                let mut p = RamRoleArnProvider::new(ctx, keys()?, need("role_arn")?);
                p.session_name = get("role_session_name").or(p.session_name);
                p.policy = get("policy");
                SharedCredentialsProvider::new(p)
            }
            Some("oidc_role_arn") => {
                let mut p = OidcRoleArnProvider::new(
                    ctx,
                    need("role_arn")?,
                    need("oidc_provider_arn")?,
                    need("oidc_token_file_path")?,
                );
                p.session_name = get("role_session_name").or(p.session_name);
                p.policy = get("policy");
                SharedCredentialsProvider::new(p)
            }
            Some("ecs_ram_role") => {
                let mut p = EcsRamRoleProvider::new(ctx);
                p.role_name = get("role_name").or(p.role_name);
                SharedCredentialsProvider::new(p)
            }
            other => {
                return Err(cred_err(
                    SRC,
                    format!(
                        "{}: [{name}] has unsupported type {other:?} (access_key, ram_role_arn, \
                         oidc_role_arn, ecs_ram_role)",
                        path.display()
                    ),
                ))
            }
        })
    }
}

impl ProvideCredentials for ProfileProvider {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        Box::pin(self.inner.provide(|| self.load()))
    }
}

// ---------------------------------------------------------------------------------------------

/// A profile of the Alibaba Cloud CLI's `~/.aliyun/config.json` (`CLIProfileCredentialsProvider`):
/// `{"current": "default", "profiles": [{"name": "default", "mode": "AK", "access_key_id": …}]}`.
///
/// Modes: `AK`, `StsToken` (`sts_token`), `RamRoleArn` (`ram_role_arn`, `ram_session_name`,
/// `expired_seconds`, `policy`, `external_id`, `sts_region`, `enable_vpc`), `EcsRamRole`
/// (`ram_role_name`), `OIDC` (`ram_role_arn`, `oidc_provider_arn`, `oidc_token_file`,
/// `role_session_name`), `ChainableRamRoleArn` (`source_profile`). `CloudSSO`, `OAuth` and
/// `External` need interactive sign-in and are refused with an error.
#[derive(Debug)]
pub struct CliProfileProvider {
    ctx: ProviderContext,
    inner: Described,
}

impl CliProfileProvider {
    /// Reads `~/.aliyun/config.json`, profile `ALIBABA_CLOUD_PROFILE` or the file's `current`.
    pub fn new(ctx: &ProviderContext) -> Self {
        Self {
            ctx: ctx.clone(),
            inner: Described::default(),
        }
    }

    fn load(&self) -> Result<SharedCredentialsProvider, Error> {
        const SRC: &str = "cli_profile";
        let env = &self.ctx.env;
        if env.flag(CLI_PROFILE_DISABLED) {
            return Err(cred_err(SRC, format!("disabled by {CLI_PROFILE_DISABLED}")));
        }
        let path = home(env, SRC)?.join(".aliyun").join("config.json");
        let text = std::fs::read_to_string(&path)
            .map_err(|e| cred_err(SRC, format!("{}: {e}", path.display())))?;
        let config: Value = serde_json::from_str(&text)
            .map_err(|e| cred_err(SRC, format!("{}: {e}", path.display())))?;
        let name = env
            .var(PROFILE)
            .or_else(|| str_field(&config, &["current"]).map(str::to_owned))
            .ok_or_else(|| cred_err(SRC, format!("{}: no current profile", path.display())))?;
        cli_profile(&self.ctx, &config, &name, 0).map_err(|source| {
            Error::Credentials(super::CredentialsError::Profile {
                provider: SRC,
                path,
                source,
            })
        })
    }
}

/// A profile of the Alibaba CLI's `config.json` that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ProfileError {
    /// `source_profile` links more than eight profiles (or loops).
    #[error("source_profile chain too long at {profile:?}")]
    ChainTooLong {
        /// The profile reached when the chain was cut.
        profile: String,
    },
    /// No profile of that name.
    #[error("no profile {profile:?}")]
    NoProfile {
        /// The name looked for.
        profile: String,
    },
    /// The profile lacks a member its mode needs.
    #[error("profile {profile:?} has no {member}")]
    Missing {
        /// The profile.
        profile: String,
        /// The member (`access_key_secret`, `ram_role_arn`, …).
        member: &'static str,
    },
    /// A mode this runtime does not implement.
    #[error(
        "profile {profile:?}: mode {mode:?} is not supported (AK, StsToken, RamRoleArn, \
         ChainableRamRoleArn, EcsRamRole, OIDC)"
    )]
    UnsupportedMode {
        /// The profile.
        profile: String,
        /// Its `mode`.
        mode: String,
    },
}

fn cli_profile(
    ctx: &ProviderContext,
    config: &Value,
    name: &str,
    depth: usize,
) -> Result<SharedCredentialsProvider, ProfileError> {
    if depth > 8 {
        return Err(ProfileError::ChainTooLong {
            profile: name.to_owned(),
        });
    }
    let profile = config
        .get("profiles")
        .and_then(Value::as_array)
        .and_then(|ps| ps.iter().find(|p| str_field(p, &["name"]) == Some(name)))
        .ok_or_else(|| ProfileError::NoProfile {
            profile: name.to_owned(),
        })?;
    let get = |k: &str| str_field(profile, &[k]).map(str::to_owned);
    let need = |member: &'static str| {
        get(member).ok_or_else(|| ProfileError::Missing {
            profile: name.to_owned(),
            member,
        })
    };
    let num = |k: &str| profile.get(k).and_then(Value::as_u64).filter(|n| *n > 0);
    let keys = || -> Result<Credentials, ProfileError> {
        Ok(Credentials {
            access_key: Some(AccessKey::new(
                need("access_key_id")?,
                need("access_key_secret")?,
            )),
            ..Credentials::default()
        })
    };
    let role = |source: SharedCredentialsProvider| -> Result<RamRoleArnProvider, ProfileError> {
        let mut p = RamRoleArnProvider::new(ctx, source, need("ram_role_arn")?).with_sts_region(
            get("sts_region").as_deref(),
            profile.get("enable_vpc").and_then(Value::as_bool),
        );
        p.session_name = get("ram_session_name").or(p.session_name);
        if let Some(n) = num("expired_seconds") {
            p.duration_seconds = n.min(u64::from(u32::MAX)) as u32;
        }
        p.policy = get("policy");
        p.external_id = get("external_id");
        Ok(p)
    };
    let mode = get("mode").unwrap_or_default();
    Ok(match mode.as_str() {
        "AK" => keys()?.into(),
        "StsToken" => {
            let mut c = keys()?;
            if let Some(ak) = c.access_key.as_mut() {
                ak.security_token = Some(need("sts_token")?);
            }
            c.into()
        }
        "RamRoleArn" => SharedCredentialsProvider::new(role(keys()?.into())?),
        "ChainableRamRoleArn" => {
            let source = cli_profile(ctx, config, &need("source_profile")?, depth + 1)?;
            SharedCredentialsProvider::new(role(source)?)
        }
        "EcsRamRole" => {
            let mut p = EcsRamRoleProvider::new(ctx);
            p.role_name = get("ram_role_name").or(p.role_name);
            SharedCredentialsProvider::new(p)
        }
        "OIDC" => {
            let mut p = OidcRoleArnProvider::new(
                ctx,
                need("ram_role_arn")?,
                need("oidc_provider_arn")?,
                need("oidc_token_file")?,
            );
            p.session_name = get("role_session_name").or(p.session_name);
            if let Some(n) = num("expired_seconds") {
                p.duration_seconds = n.min(u64::from(u32::MAX)) as u32;
            }
            p.policy = get("policy");
            p.sts_endpoint = sts_endpoint(
                ctx,
                get("sts_region").as_deref(),
                profile.get("enable_vpc").and_then(Value::as_bool),
            );
            SharedCredentialsProvider::new(p)
        }
        other => {
            return Err(ProfileError::UnsupportedMode {
                profile: name.to_owned(),
                mode: other.to_owned(),
            })
        }
    })
}

impl ProvideCredentials for CliProfileProvider {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        Box::pin(self.inner.provide(|| self.load()))
    }
}

super::provider::provide_by_fetch!(
    OidcRoleArnProvider,
    RamRoleArnProvider,
    EcsRamRoleProvider,
    UriProvider
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_urls() {
        assert_eq!(
            split_url("http://127.0.0.1:8080/creds?x=1"),
            Some(("http://127.0.0.1:8080", "/creds?x=1"))
        );
        assert_eq!(split_url("http://h"), Some(("http://h", "")));
        assert_eq!(split_url("nope"), None);
    }

    #[test]
    fn sts_endpoint_follows_the_sdk_variables() {
        let ctx = |pairs: &[(&str, &str)]| {
            ProviderContext::new().with_env(super::super::Environment::from_pairs(
                pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())),
            ))
        };
        assert_eq!(
            sts_endpoint(&ctx(&[]), None, None),
            "https://sts.aliyuncs.com"
        );
        assert_eq!(
            sts_endpoint(&ctx(&[(STS_REGION, "cn-beijing")]), None, None),
            "https://sts.cn-beijing.aliyuncs.com"
        );
        assert_eq!(
            sts_endpoint(
                &ctx(&[(STS_REGION, "cn-beijing"), (VPC_ENDPOINT_ENABLED, "true")]),
                None,
                None
            ),
            "https://sts-vpc.cn-beijing.aliyuncs.com"
        );
        assert_eq!(
            sts_endpoint(&ctx(&[]), Some("cn-hangzhou"), Some(true)),
            "https://sts-vpc.cn-hangzhou.aliyuncs.com"
        );
    }
}
