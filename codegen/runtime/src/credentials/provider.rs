//! The provider trait every credential source implements, and its shared handle.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use super::Credentials;
use crate::error::Error;

/// The future a provider returns (boxed so the trait stays object-safe and generated clients
/// compile one call path, not one per provider type).
pub type CredentialsFuture<'a> =
    Pin<Box<dyn Future<Output = Result<Credentials, Error>> + Send + 'a>>;

/// A source of credentials: static keys, a profile file, the instance metadata service, STS…
///
/// Implement it to plug in your own source (a vault, a sidecar). A client calls it before every
/// attempt through a [`super::CachedProvider`], so an implementation may fetch every time and
/// report [`Credentials::expires_at`]; the cache decides when to ask again.
///
/// ```
/// use apigen_runtime::credentials::{CredentialsFuture, ProvideCredentials};
/// use apigen_runtime::Credentials;
///
/// #[derive(Debug)]
/// struct FromVault;
///
/// impl ProvideCredentials for FromVault {
///     fn provide_credentials(&self) -> CredentialsFuture<'_> {
///         Box::pin(async { Ok(Credentials::access_key("id-from-vault", "secret")) })
///     }
/// }
/// ```
pub trait ProvideCredentials: Send + Sync + fmt::Debug {
    /// Fetches (or returns) credentials.
    fn provide_credentials(&self) -> CredentialsFuture<'_>;
}

impl ProvideCredentials for Credentials {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        let c = self.clone();
        Box::pin(async move { Ok(c) })
    }
}

/// A cheap-to-clone handle on any provider.
#[derive(Clone)]
pub struct SharedCredentialsProvider(Arc<dyn ProvideCredentials>);

impl SharedCredentialsProvider {
    /// Wraps a provider.
    pub fn new(provider: impl ProvideCredentials + 'static) -> Self {
        Self(Arc::new(provider))
    }

    /// Asks the provider for credentials.
    pub async fn provide(&self) -> Result<Credentials, Error> {
        self.0.provide_credentials().await
    }
}

impl fmt::Debug for SharedCredentialsProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl ProvideCredentials for SharedCredentialsProvider {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        self.0.provide_credentials()
    }
}

impl From<Credentials> for SharedCredentialsProvider {
    fn from(c: Credentials) -> Self {
        Self::new(c)
    }
}

impl From<super::ChainProvider> for SharedCredentialsProvider {
    fn from(c: super::ChainProvider) -> Self {
        Self::new(c)
    }
}

impl From<super::CachedProvider> for SharedCredentialsProvider {
    fn from(c: super::CachedProvider) -> Self {
        Self::new(c)
    }
}

impl From<Arc<dyn ProvideCredentials>> for SharedCredentialsProvider {
    fn from(p: Arc<dyn ProvideCredentials>) -> Self {
        Self(p)
    }
}

/// A provider made from an async closure (see [`provide_credentials_fn`]).
pub struct FnProvider<F>(F);

impl<F> fmt::Debug for FnProvider<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("FnProvider")
    }
}

/// A provider from a closure returning a future:
/// `provide_credentials_fn(|| async { Ok(Credentials::access_key("id", "secret")) })`.
pub fn provide_credentials_fn<F, Fut>(f: F) -> FnProvider<F>
where
    F: Fn() -> Fut + Send + Sync,
    Fut: Future<Output = Result<Credentials, Error>> + Send + 'static,
{
    FnProvider(f)
}

impl<F, Fut> ProvideCredentials for FnProvider<F>
where
    F: Fn() -> Fut + Send + Sync,
    Fut: Future<Output = Result<Credentials, Error>> + Send + 'static,
{
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        Box::pin((self.0)())
    }
}

/// `impl ProvideCredentials` for providers whose inherent `async fn fetch(&self)` gets fresh
/// credentials (the caching is the client's [`super::CachedProvider`]).
macro_rules! provide_by_fetch {
    ($($provider:ty),+ $(,)?) => {$(
        impl $crate::credentials::ProvideCredentials for $provider {
            fn provide_credentials(&self) -> $crate::credentials::CredentialsFuture<'_> {
                Box::pin(self.fetch())
            }
        }
    )+};
}
pub(crate) use provide_by_fetch;
