//! A provider that tries several in order, the shape of every official default chain.

use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::provider::{CredentialsFuture, ProvideCredentials, SharedCredentialsProvider};
use super::Credentials;
use crate::error::Error;

const NONE_YET: usize = usize::MAX;

/// Tries its providers in order and returns the first credentials one of them gives.
///
/// Like `alibabacloud-credentials`' `DefaultCredentialsProvider` (`reuse_last_provider_enabled`),
/// once a provider has answered, later calls (refreshes) go straight to it; if it then fails,
/// the chain is walked again. The error lists why each provider failed.
pub struct ChainProvider {
    name: &'static str,
    providers: Vec<(&'static str, SharedCredentialsProvider)>,
    last: AtomicUsize,
}

impl fmt::Debug for ChainProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.providers.iter().map(|(n, _)| *n).collect();
        f.debug_struct("ChainProvider")
            .field("name", &self.name)
            .field("providers", &names)
            .finish()
    }
}

impl ChainProvider {
    /// An empty chain called `name` (used in error messages).
    pub fn new(name: &'static str) -> Self {
        Self {
            name,
            providers: Vec::new(),
            last: AtomicUsize::new(NONE_YET),
        }
    }

    /// Appends a provider.
    pub fn with(mut self, name: &'static str, provider: impl ProvideCredentials + 'static) -> Self {
        self.providers
            .push((name, SharedCredentialsProvider::new(provider)));
        self
    }

    /// Names of the providers, in order.
    pub fn provider_names(&self) -> Vec<&'static str> {
        self.providers.iter().map(|(n, _)| *n).collect()
    }

    /// The name of the provider that answered last, if any did.
    pub fn last_used(&self) -> Option<&'static str> {
        self.providers
            .get(self.last.load(Ordering::Relaxed))
            .map(|(n, _)| *n)
    }

    /// Credentials from the first provider that has some.
    pub async fn provide(&self) -> Result<Credentials, Error> {
        let last = self.last.load(Ordering::Relaxed);
        if let Some((name, p)) = self.providers.get(last) {
            match p.provide().await {
                Ok(c) => return Ok(c),
                Err(e) => {
                    tracing::debug!(provider = name, error = %e, "last credentials provider failed; walking the chain");
                }
            }
        }
        let mut tried = Vec::new();
        for (i, (name, p)) in self.providers.iter().enumerate() {
            match p.provide().await {
                Ok(c) => {
                    self.last.store(i, Ordering::Relaxed);
                    tracing::debug!(provider = name, chain = self.name, "credentials found");
                    return Ok(c);
                }
                Err(e) => tried.push((*name, e)),
            }
        }
        Err(Error::Credentials(super::CredentialsError::Chain {
            chain: self.name,
            tried,
        }))
    }
}

impl ProvideCredentials for ChainProvider {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        Box::pin(self.provide())
    }
}
