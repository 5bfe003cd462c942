//! What credential providers share to reach their services (metadata service, STS, IAM):
//! the environment, an HTTP client, overridable base URLs, and a small call helper built on
//! the runtime's own executor (so signing, error parsing and retries are the same as a
//! service call's).

use std::time::{Duration, SystemTime};

use super::environment::Environment;
use super::profile::cred_err;
use super::{Credentials, CredentialsError};
use crate::client::{Client, ClientConfig, Response};
use crate::clock::UtcTime;
use crate::endpoint::Endpoint;
use crate::error::Error;
use crate::retry::RetryPolicy;
use crate::sign::SignatureScheme;

/// Settings every provider of a chain shares. The base URLs default to the vendors' services;
/// tests (and private clouds) point them elsewhere.
#[derive(Debug, Clone, Default)]
pub struct ProviderContext {
    /// Variables and home directory to read.
    pub env: Environment,
    /// HTTP client for the credential services (`None`: one built per provider).
    pub http_client: Option<reqwest::Client>,
    /// Instance metadata service base URL (Alibaba `http://100.100.100.200`, Huawei
    /// `http://169.254.169.254`).
    pub metadata_endpoint: Option<String>,
    /// STS base URL (Alibaba `AssumeRole`/`AssumeRoleWithOIDC`, Huawei `assume-with-oidc`).
    pub sts_endpoint: Option<String>,
    /// Huawei IAM base URL (project lookup, id-token exchange).
    pub iam_endpoint: Option<String>,
}

impl ProviderContext {
    /// The process environment and the vendors' default service URLs.
    pub fn new() -> Self {
        Self::default()
    }

    /// Reads `env` instead of the process environment.
    pub fn with_env(mut self, env: Environment) -> Self {
        self.env = env;
        self
    }

    /// Uses `client` for every credential service call.
    pub fn with_http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// Overrides the metadata service base URL.
    pub fn with_metadata_endpoint(mut self, url: impl Into<String>) -> Self {
        self.metadata_endpoint = Some(url.into());
        self
    }

    /// Overrides the STS base URL.
    pub fn with_sts_endpoint(mut self, url: impl Into<String>) -> Self {
        self.sts_endpoint = Some(url.into());
        self
    }

    /// Overrides the Huawei IAM base URL.
    pub fn with_iam_endpoint(mut self, url: impl Into<String>) -> Self {
        self.iam_endpoint = Some(url.into());
        self
    }

    /// An executor for `base` (a URL, or a bare host meaning `https://host`) signing with
    /// `scheme` over `credentials`, with the given timeouts and number of attempts.
    pub(crate) fn client(
        &self,
        base: &str,
        credentials: impl Into<super::SharedCredentialsProvider>,
        scheme: SignatureScheme,
        (connect_timeout, timeout): (Duration, Duration),
        attempts: u32,
    ) -> Result<Client, Error> {
        let endpoint = if base.contains("://") {
            Endpoint::from_url(base)?
        } else {
            Endpoint::https(base)
        };
        let mut config = ClientConfig::new(endpoint, credentials, scheme);
        config.connect_timeout = connect_timeout;
        config.timeout = timeout;
        config.retry = RetryPolicy {
            max_attempts: attempts,
            ..RetryPolicy::default()
        };
        config.http_client = self.http_client.clone();
        Client::new(config)
    }
}

/// Parses an expiry such as `2024-05-01T08:00:00Z` or `2024-05-01T08:00:00.000000Z`.
pub(crate) fn parse_expiry(s: &str, source: &str) -> Result<SystemTime, Error> {
    UtcTime::parse_iso8601(s.trim())
        .map(UtcTime::to_system_time)
        .ok_or_else(|| cred_err(source, format!("bad expiration {s:?}")))
}

/// A string member of a JSON object.
pub(crate) fn str_field<'a>(v: &'a serde_json::Value, names: &[&str]) -> Option<&'a str> {
    names
        .iter()
        .find_map(|n| v.get(*n).and_then(|x| x.as_str()))
        .filter(|s| !s.is_empty())
}

/// Temporary keys out of a JSON object, naming `source` in errors.
pub(crate) fn temporary_keys(
    v: &serde_json::Value,
    source: &str,
    id: &[&str],
    secret: &[&str],
    token: &[&str],
    expiry: &[&str],
) -> Result<Credentials, Error> {
    let missing = |what: &str| cred_err(source, format!("the answer has no {what}"));
    let id = str_field(v, id).ok_or_else(|| missing("access key id"))?;
    let secret = str_field(v, secret).ok_or_else(|| missing("access key secret"))?;
    let token = str_field(v, token).ok_or_else(|| missing("security token"))?;
    let expires_at = match str_field(v, expiry) {
        Some(e) => Some(parse_expiry(e, source)?),
        None => None,
    };
    Ok(Credentials::temporary(id, secret, token, expires_at))
}

/// Reads a token file (OIDC, id token) trimmed; an empty file is an error.
pub(crate) async fn read_token_file(path: &str, what: &'static str) -> Result<String, Error> {
    let text = tokio::fs::read_to_string(path).await.map_err(|source| {
        Error::Credentials(CredentialsError::TokenFile {
            what,
            path: path.to_owned(),
            source,
        })
    })?;
    let t = text.trim();
    if t.is_empty() {
        return Err(Error::Credentials(CredentialsError::EmptyTokenFile {
            what,
            path: path.to_owned(),
        }));
    }
    Ok(t.to_owned())
}

/// The JSON body of a response.
pub(crate) fn json_body(resp: &Response, source: &str) -> Result<serde_json::Value, Error> {
    serde_json::from_slice(&resp.body).map_err(|e| {
        cred_err(
            source,
            format!(
                "answer is not JSON ({e}): {}",
                crate::error::excerpt(&resp.body)
            ),
        )
    })
}
