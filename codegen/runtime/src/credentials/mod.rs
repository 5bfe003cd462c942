//! Credentials: the values ([`Credentials`]) and, with the `client` feature, where they come
//! from ([`ProvideCredentials`], the vendors' default chains in [`alibaba`] and [`huawei`]).
//!
//! A client asks its provider for credentials before every attempt; the provider sits behind a
//! [`CachedProvider`] that keeps them until shortly before they expire and lets one caller
//! refresh at a time. Static credentials ([`Credentials`] itself) are a provider too.

use std::time::SystemTime;

use crate::error::Error;

#[cfg(feature = "client")]
mod cache;
#[cfg(feature = "client")]
mod chain;
#[cfg(feature = "client")]
mod environment;
#[cfg(feature = "client")]
mod fetch;
#[cfg(feature = "client")]
mod profile;
#[cfg(feature = "client")]
mod provider;

#[cfg(feature = "client")]
pub mod alibaba;
#[cfg(feature = "client")]
pub mod huawei;

#[cfg(feature = "client")]
pub use cache::CachedProvider;
#[cfg(feature = "client")]
pub use chain::ChainProvider;
#[cfg(feature = "client")]
pub use environment::Environment;
#[cfg(feature = "client")]
pub use fetch::ProviderContext;
#[cfg(feature = "client")]
pub use provider::{
    provide_credentials_fn, CredentialsFuture, FnProvider, ProvideCredentials,
    SharedCredentialsProvider,
};

/// Why no usable credentials were found ([`Error::Credentials`]).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CredentialsError {
    /// One source (provider) has none, or an unusable answer: which source, and why.
    #[error("{provider}: {reason}")]
    Source {
        /// The source, as the chains name it (`env`, `cli_profile`, `ecs_ram_role`, …).
        provider: String,
        /// Why it gave none.
        reason: String,
    },
    /// A profile of the Alibaba CLI's `config.json` that cannot be used.
    #[cfg(feature = "client")]
    #[error("{provider}: {}: {source}", path.display())]
    Profile {
        /// The source (`cli_profile`).
        provider: &'static str,
        /// The configuration file.
        path: std::path::PathBuf,
        /// What is wrong with the profile.
        #[source]
        source: alibaba::ProfileError,
    },
    /// Every provider of a chain failed: each one tried, in order, with its error.
    #[error("no provider of the {chain} chain has credentials ({})", tried_text(.tried))]
    Chain {
        /// The chain's name (`alibaba default`, `huawei default`).
        chain: &'static str,
        /// The providers tried and why each failed.
        tried: Vec<(&'static str, Error)>,
    },
    /// No variables of the environment source are set (`set ALIBABA_CLOUD_ACCESS_KEY_ID and
    /// ALIBABA_CLOUD_ACCESS_KEY_SECRET`).
    #[error("set {} and {}{}", .required[0], .required[1], or_text(*.or))]
    Environment {
        /// The variables that together give credentials.
        required: [&'static str; 2],
        /// The variable that gives them alone instead, if any (`HUAWEICLOUD_AUTH_TOKEN`).
        or: Option<&'static str>,
    },
    /// The signer needs an access key pair and the credentials have none (an IAM token only).
    #[error("an access key pair is required")]
    NoAccessKey,
    /// The signer needs an IAM token and the credentials have none.
    #[error("an IAM token is required")]
    NoAuthToken,
    /// A provider answered credentials that had already expired.
    #[error("{provider} returned credentials that have already expired")]
    Expired {
        /// The provider (its `Debug` form).
        provider: String,
    },
    /// A token file (OIDC, id token) that cannot be read.
    #[error("{what} {path}: {source}")]
    TokenFile {
        /// Which token (`OIDC token file`).
        what: &'static str,
        /// The file.
        path: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// A token file that is empty.
    #[error("{what} {path} is empty")]
    EmptyTokenFile {
        /// Which token.
        what: &'static str,
        /// The file.
        path: String,
    },
    /// A Huawei project id to look up through IAM without a region to look it up by.
    #[error(
        "no project id and no region to look it up by: set the project id \
         (Credentials::with_project_id, HUAWEICLOUD_SDK_PROJECT_ID) or the client's region"
    )]
    NoRegion,
    /// The IAM call looking up the project id of a region failed.
    #[error("project id of region {region:?} from IAM: {source}")]
    ProjectLookup {
        /// The region.
        region: String,
        /// The call's error.
        #[source]
        source: Box<Error>,
    },
    /// IAM lists no project of the region.
    #[error(
        "IAM knows no project of region {region:?} (X-IAM-Trace-Id {trace}); \
         set the project id explicitly"
    )]
    NoProject {
        /// The region.
        region: String,
        /// IAM's trace id (`-` when it sent none).
        trace: String,
    },
    /// IAM lists several projects of the region.
    #[error(
        "several projects match region {region:?}: {} (X-IAM-Trace-Id {trace}); \
         choose one with Credentials::with_project_id",
        .projects.join(", ")
    )]
    SeveralProjects {
        /// The region.
        region: String,
        /// The ids of the projects.
        projects: Vec<String>,
        /// IAM's trace id.
        trace: String,
    },
    /// The IAM call looking up the account's domain id failed.
    #[error("domain id from IAM: {source}")]
    DomainLookup {
        /// The call's error.
        #[source]
        source: Box<Error>,
    },
    /// IAM lists no domain, or several, for the credentials.
    #[error(
        "IAM lists {count} domains for these credentials, expected one (X-IAM-Trace-Id {trace}); \
         set the domain id (Credentials::with_domain_id, HUAWEICLOUD_SDK_DOMAIN_ID)"
    )]
    DomainCount {
        /// How many domains IAM listed.
        count: usize,
        /// IAM's trace id.
        trace: String,
    },
}

fn or_text(or: Option<&'static str>) -> String {
    or.map(|v| format!(" (or {v})")).unwrap_or_default()
}

fn tried_text(tried: &[(&'static str, Error)]) -> String {
    let parts: Vec<String> = tried.iter().map(|(n, e)| format!("{n}: {e}")).collect();
    parts.join("; ")
}

impl CredentialsError {
    /// The providers a chain tried, in order (empty for any other error).
    pub fn tried(&self) -> impl Iterator<Item = &'static str> + '_ {
        let tried: &[(&'static str, Error)] = match self {
            CredentialsError::Chain { tried, .. } => tried,
            _ => &[],
        };
        tried.iter().map(|(n, _)| *n)
    }
}

/// Alibaba Cloud AccessKey id variable (alibabacloud credentials provider).
pub const ALIBABA_ACCESS_KEY_ID: &str = "ALIBABA_CLOUD_ACCESS_KEY_ID";
/// Alibaba Cloud AccessKey secret variable.
pub const ALIBABA_ACCESS_KEY_SECRET: &str = "ALIBABA_CLOUD_ACCESS_KEY_SECRET";
/// Alibaba Cloud STS token variable.
pub const ALIBABA_SECURITY_TOKEN: &str = "ALIBABA_CLOUD_SECURITY_TOKEN";
/// Huawei Cloud AK variable (`huaweicloudsdkcore` `EnvCredentialProvider`).
pub const HUAWEI_AK: &str = "HUAWEICLOUD_SDK_AK";
/// Huawei Cloud SK variable.
pub const HUAWEI_SK: &str = "HUAWEICLOUD_SDK_SK";
/// Huawei Cloud project id variable.
pub const HUAWEI_PROJECT_ID: &str = "HUAWEICLOUD_SDK_PROJECT_ID";
/// Huawei Cloud domain (account) id variable, for global services.
pub const HUAWEI_DOMAIN_ID: &str = "HUAWEICLOUD_SDK_DOMAIN_ID";
/// Huawei Cloud temporary security token variable.
pub const HUAWEI_SECURITY_TOKEN: &str = "HUAWEICLOUD_SDK_SECURITY_TOKEN";
/// Huawei Cloud IAM token variable (not an SDK variable: the SDKs have no token auth; ours).
pub const HUAWEI_AUTH_TOKEN: &str = "HUAWEICLOUD_AUTH_TOKEN";

/// An access key pair, optionally with a temporary security token.
#[derive(Clone, PartialEq, Eq)]
pub struct AccessKey {
    /// Access key id (Alibaba `AccessKeyId`, Huawei AK).
    pub id: String,
    /// Access key secret (Alibaba `AccessKeySecret`, Huawei SK).
    pub secret: String,
    /// STS / temporary security token.
    pub security_token: Option<String>,
}

impl std::fmt::Debug for AccessKey {
    // Never print the secret or token.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AccessKey")
            .field("id", &self.id)
            .field("secret", &"***")
            .field(
                "security_token",
                &self.security_token.as_ref().map(|_| "***"),
            )
            .finish()
    }
}

impl AccessKey {
    /// A key pair from arguments.
    pub fn new(id: impl Into<String>, secret: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            secret: secret.into(),
            security_token: None,
        }
    }

    /// Adds a temporary security token.
    pub fn with_security_token(mut self, token: impl Into<String>) -> Self {
        self.security_token = Some(token.into());
        self
    }
}

/// Everything a client may need to authenticate.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Credentials {
    /// Access key pair (AK/SK signing).
    pub access_key: Option<AccessKey>,
    /// Huawei IAM token (`X-Auth-Token`).
    pub auth_token: Option<String>,
    /// Huawei project id (`X-Project-Id`, and the `{project_id}` path parameter).
    pub project_id: Option<String>,
    /// Huawei domain id (`X-Domain-Id`, global services).
    pub domain_id: Option<String>,
    /// When temporary credentials stop working (`None`: they do not expire).
    pub expires_at: Option<SystemTime>,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key", &self.access_key)
            .field("auth_token", &self.auth_token.as_ref().map(|_| "***"))
            .field("project_id", &self.project_id)
            .field("domain_id", &self.domain_id)
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

fn non_empty(v: Option<String>) -> Option<String> {
    v.filter(|s| !s.trim().is_empty())
}

impl Credentials {
    /// Credentials holding an access key pair.
    pub fn access_key(id: impl Into<String>, secret: impl Into<String>) -> Self {
        Self {
            access_key: Some(AccessKey::new(id, secret)),
            ..Self::default()
        }
    }

    /// Credentials holding a Huawei IAM token.
    pub fn token(token: impl Into<String>) -> Self {
        Self {
            auth_token: Some(token.into()),
            ..Self::default()
        }
    }

    /// Credentials holding temporary (STS) keys with their security token.
    pub fn temporary(
        id: impl Into<String>,
        secret: impl Into<String>,
        security_token: impl Into<String>,
        expires_at: Option<SystemTime>,
    ) -> Self {
        Self {
            access_key: Some(AccessKey::new(id, secret).with_security_token(security_token)),
            expires_at,
            ..Self::default()
        }
    }

    /// Sets the Huawei project id.
    pub fn with_project_id(mut self, project_id: impl Into<String>) -> Self {
        self.project_id = Some(project_id.into());
        self
    }

    /// Sets the Huawei domain (account) id.
    pub fn with_domain_id(mut self, domain_id: impl Into<String>) -> Self {
        self.domain_id = Some(domain_id.into());
        self
    }

    /// Alibaba credentials from `ALIBABA_CLOUD_ACCESS_KEY_ID` / `_SECRET` (+ `_SECURITY_TOKEN`).
    pub fn alibaba_from_env() -> Result<Self, Error> {
        Self::alibaba_from_lookup(|k| std::env::var(k).ok())
    }

    /// [`Credentials::alibaba_from_env`] over any variable lookup (testable).
    pub fn alibaba_from_lookup(var: impl Fn(&str) -> Option<String>) -> Result<Self, Error> {
        let id = non_empty(var(ALIBABA_ACCESS_KEY_ID));
        let secret = non_empty(var(ALIBABA_ACCESS_KEY_SECRET));
        match (id, secret) {
            (Some(id), Some(secret)) => Ok(Self {
                access_key: Some(AccessKey {
                    id,
                    secret,
                    security_token: non_empty(var(ALIBABA_SECURITY_TOKEN)),
                }),
                ..Self::default()
            }),
            _ => Err(Error::Credentials(CredentialsError::Environment {
                required: [ALIBABA_ACCESS_KEY_ID, ALIBABA_ACCESS_KEY_SECRET],
                or: None,
            })),
        }
    }

    /// Huawei credentials from `HUAWEICLOUD_SDK_AK` / `_SK` (+ `_PROJECT_ID`, `_DOMAIN_ID`,
    /// `_SECURITY_TOKEN`), or an IAM token from `HUAWEICLOUD_AUTH_TOKEN`.
    pub fn huawei_from_env() -> Result<Self, Error> {
        Self::huawei_from_lookup(|k| std::env::var(k).ok())
    }

    /// [`Credentials::huawei_from_env`] over any variable lookup (testable).
    pub fn huawei_from_lookup(var: impl Fn(&str) -> Option<String>) -> Result<Self, Error> {
        let access_key = match (non_empty(var(HUAWEI_AK)), non_empty(var(HUAWEI_SK))) {
            (Some(id), Some(secret)) => Some(AccessKey {
                id,
                secret,
                security_token: non_empty(var(HUAWEI_SECURITY_TOKEN)),
            }),
            _ => None,
        };
        let auth_token = non_empty(var(HUAWEI_AUTH_TOKEN));
        if access_key.is_none() && auth_token.is_none() {
            return Err(Error::Credentials(CredentialsError::Environment {
                required: [HUAWEI_AK, HUAWEI_SK],
                or: Some(HUAWEI_AUTH_TOKEN),
            }));
        }
        Ok(Self {
            access_key,
            auth_token,
            project_id: non_empty(var(HUAWEI_PROJECT_ID)),
            domain_id: non_empty(var(HUAWEI_DOMAIN_ID)),
            expires_at: None,
        })
    }

    /// The access key, or a credentials error naming what is missing.
    pub fn require_access_key(&self) -> Result<&AccessKey, Error> {
        self.access_key
            .as_ref()
            .ok_or(Error::Credentials(CredentialsError::NoAccessKey))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let m: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| m.get(k).cloned()
    }

    #[test]
    fn reads_alibaba_variables() {
        let c = Credentials::alibaba_from_lookup(env(&[
            (ALIBABA_ACCESS_KEY_ID, "id"),
            (ALIBABA_ACCESS_KEY_SECRET, "s"),
        ]))
        .unwrap();
        assert_eq!(c.require_access_key().unwrap().id, "id");
        assert!(Credentials::alibaba_from_lookup(env(&[(ALIBABA_ACCESS_KEY_ID, "id")])).is_err());
    }

    #[test]
    fn reads_huawei_variables_and_token() {
        let c = Credentials::huawei_from_lookup(env(&[
            (HUAWEI_AK, "ak"),
            (HUAWEI_SK, "sk"),
            (HUAWEI_PROJECT_ID, "p"),
        ]))
        .unwrap();
        assert_eq!(c.project_id.as_deref(), Some("p"));
        let t = Credentials::huawei_from_lookup(env(&[(HUAWEI_AUTH_TOKEN, "tok")])).unwrap();
        assert_eq!(t.auth_token.as_deref(), Some("tok"));
        assert!(Credentials::huawei_from_lookup(env(&[(HUAWEI_AK, " ")])).is_err());
    }

    /// Each failure is its own named case, with the text it always had.
    #[test]
    fn failures_are_named_cases_with_their_text() {
        let text = |r: Result<Credentials, Error>| match r {
            Err(Error::Credentials(e)) => (std::mem::discriminant(&e), e.to_string()),
            other => panic!("{other:?}"),
        };
        let (case, message) = text(Credentials::huawei_from_lookup(env(&[])));
        let want = CredentialsError::Environment {
            required: [HUAWEI_AK, HUAWEI_SK],
            or: Some(HUAWEI_AUTH_TOKEN),
        };
        assert_eq!(case, std::mem::discriminant(&want));
        assert_eq!(
            message,
            "set HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK (or HUAWEICLOUD_AUTH_TOKEN)"
        );
        let (_, message) = text(Credentials::alibaba_from_lookup(env(&[])));
        assert_eq!(
            message,
            "set ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET"
        );
        let token_only = Credentials::huawei_from_lookup(env(&[(HUAWEI_AUTH_TOKEN, "t")])).unwrap();
        assert!(matches!(
            token_only.require_access_key(),
            Err(Error::Credentials(CredentialsError::NoAccessKey))
        ));
        let several = CredentialsError::SeveralProjects {
            region: "cn-north-4".into(),
            projects: vec!["a".into(), "b".into()],
            trace: "t1".into(),
        };
        assert_eq!(
            several.to_string(),
            "several projects match region \"cn-north-4\": a, b (X-IAM-Trace-Id t1); \
             choose one with Credentials::with_project_id"
        );
    }

    #[test]
    fn debug_hides_secrets() {
        let c = Credentials::access_key("id", "topsecret");
        assert!(!format!("{c:?}").contains("topsecret"));
    }
}
