//! Signature verification of received requests (Alibaba v1 and V3, Huawei AK/SK), on when a
//! service is given credentials.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::clock::UtcTime;
use crate::sign::verify::{verify_any, ReplayCache, Verified, VerifyConfig, VerifyError};
use crate::sign::SignInput;

/// Known access keys, the skew window and the nonce cache. Cheap to clone (shared cache).
#[derive(Clone)]
pub struct Verifier {
    keys: Arc<BTreeMap<String, String>>,
    config: VerifyConfig,
    replay: Arc<ReplayCache>,
    clock: Arc<dyn Fn() -> UtcTime + Send + Sync>,
}

impl std::fmt::Debug for Verifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Secrets stay out of logs.
        f.debug_struct("Verifier")
            .field("access_keys", &self.keys.keys().collect::<Vec<_>>())
            .field("config", &self.config)
            .finish()
    }
}

impl Verifier {
    /// A verifier accepting one access key.
    pub fn new(access_key_id: impl Into<String>, secret: impl Into<String>) -> Self {
        Self::with_keys([(access_key_id.into(), secret.into())])
    }

    /// A verifier accepting several access keys.
    pub fn with_keys(keys: impl IntoIterator<Item = (String, String)>) -> Self {
        Self {
            keys: Arc::new(keys.into_iter().collect()),
            config: VerifyConfig::default(),
            replay: Arc::new(ReplayCache::default()),
            clock: Arc::new(UtcTime::now),
        }
    }

    /// Parses `ID:SECRET` (the mock binaries' `--credentials` argument).
    pub fn parse(spec: &str) -> Option<Self> {
        let (id, secret) = spec.split_once(':')?;
        (!id.is_empty() && !secret.is_empty()).then(|| Self::new(id, secret))
    }

    /// Changes the skew window.
    pub fn config(mut self, config: VerifyConfig) -> Self {
        self.config = config;
        self
    }

    /// Replaces the clock (tests).
    pub fn clock(mut self, now: impl Fn() -> UtcTime + Send + Sync + 'static) -> Self {
        self.clock = Arc::new(now);
        self
    }

    /// Verifies a request; `form` holds the decoded form body parameters (RPC POST), if any.
    pub fn verify(
        &self,
        input: &SignInput<'_>,
        form: &[(String, String)],
    ) -> Result<Verified, VerifyError> {
        verify_any(
            input,
            form,
            |ak| self.keys.get(ak).cloned(),
            (self.clock)(),
            &self.config,
            Some(&self.replay),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_credentials_argument() {
        assert!(Verifier::parse("ak:sk").is_some());
        assert!(Verifier::parse("ak:").is_none());
        assert!(Verifier::parse("aksk").is_none());
        assert!(!format!("{:?}", Verifier::new("ak", "secret!")).contains("secret!"));
    }
}
