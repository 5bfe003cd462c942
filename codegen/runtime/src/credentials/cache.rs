//! Caching in front of a provider: refresh shortly before expiry, one refresh at a time.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use super::provider::{CredentialsFuture, ProvideCredentials, SharedCredentialsProvider};
use super::Credentials;
use crate::error::Error;

/// Default margin before expiry at which credentials are refreshed: 15 minutes, the "stale
/// time" of `alibabacloud-credentials` (`RefreshCachedSupplier`, `expiration - 15 * 60`).
/// (`huaweicloudsdkcore` refreshes 40 minutes early; set [`CachedProvider::refresh_before`].)
pub const DEFAULT_REFRESH_MARGIN: Duration = Duration::from_secs(15 * 60);

type Clock = Arc<dyn Fn() -> SystemTime + Send + Sync>;

struct Cached {
    credentials: Credentials,
    /// From this instant on, the next call fetches again.
    stale_at: Option<SystemTime>,
}

/// Keeps the credentials of `inner` until `refresh_before` ahead of their expiry.
///
/// * Credentials without [`Credentials::expires_at`] are kept for good.
/// * A margin longer than half the credentials' lifetime is shortened to half of it, so short-
///   lived credentials are not fetched again on every call.
/// * Concurrent callers share one refresh: the first fetches, the others wait for its result.
/// * When a refresh fails while the cached credentials have not yet expired, those are used
///   (and the next call tries again), as the official SDKs do for the metadata service.
pub struct CachedProvider {
    inner: SharedCredentialsProvider,
    refresh_before: Duration,
    clock: Clock,
    state: tokio::sync::Mutex<Option<Cached>>,
}

impl fmt::Debug for CachedProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CachedProvider")
            .field("inner", &self.inner)
            .field("refresh_before", &self.refresh_before)
            .finish()
    }
}

impl CachedProvider {
    /// Caches `inner` with the [`DEFAULT_REFRESH_MARGIN`].
    pub fn new(inner: impl Into<SharedCredentialsProvider>) -> Self {
        Self {
            inner: inner.into(),
            refresh_before: DEFAULT_REFRESH_MARGIN,
            clock: Arc::new(SystemTime::now),
            state: tokio::sync::Mutex::new(None),
        }
    }

    /// Caches any provider value.
    pub fn wrap(inner: impl ProvideCredentials + 'static) -> Self {
        Self::new(SharedCredentialsProvider::new(inner))
    }

    /// Refreshes `margin` before expiry.
    pub fn refresh_before(mut self, margin: Duration) -> Self {
        self.refresh_before = margin;
        self
    }

    /// Uses `clock` instead of the system time (tests).
    pub fn with_clock(mut self, clock: impl Fn() -> SystemTime + Send + Sync + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// Forgets the cached credentials (the next call fetches).
    pub async fn invalidate(&self) {
        *self.state.lock().await = None;
    }

    /// Cached credentials, fetching them when none are cached or they are stale.
    pub async fn provide(&self) -> Result<Credentials, Error> {
        // Holding the lock across the fetch makes concurrent callers wait for one refresh.
        let mut slot = self.state.lock().await;
        let now = (self.clock)();
        if let Some(c) = slot.as_ref() {
            if !matches!(c.stale_at, Some(t) if now >= t) {
                return Ok(c.credentials.clone());
            }
        }
        match self.inner.provide().await {
            Ok(fresh) => {
                let stale_at = fresh.expires_at.map(|exp| {
                    let life = exp.duration_since(now).unwrap_or(Duration::ZERO);
                    exp.checked_sub(self.refresh_before.min(life / 2))
                        .unwrap_or(exp)
                });
                if let Some(exp) = fresh.expires_at {
                    if exp <= now {
                        return Err(Error::Credentials(super::CredentialsError::Expired {
                            provider: format!("{:?}", self.inner),
                        }));
                    }
                }
                *slot = Some(Cached {
                    credentials: fresh.clone(),
                    stale_at,
                });
                Ok(fresh)
            }
            Err(e) => match slot.as_ref() {
                Some(c) if c.credentials.expires_at.is_some_and(|exp| now < exp) => {
                    tracing::warn!(error = %e, "credentials refresh failed; using the cached ones until they expire");
                    Ok(c.credentials.clone())
                }
                _ => Err(e),
            },
        }
    }
}

impl ProvideCredentials for CachedProvider {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        Box::pin(self.provide())
    }
}
