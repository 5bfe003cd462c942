//! The HTTP executor: sign, send, retry, decode, with a `tracing` span per call.
//!
//! Settings live in [`ClientConfig`] (endpoint, credentials provider, retries, timeouts,
//! [`Transport`]); [`CallOptions`] override some of them for one call; [`Interceptor`]s see
//! every attempt; [`Client::execute_with`] returns the typed body with the status, headers
//! and request id ([`Output`]).

use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant, SystemTime};

use serde::de::DeserializeOwned;
use tracing::Instrument as _;

use crate::classify::ResponseClassifier;
use crate::clock::UtcTime;
use crate::credentials::huawei::{self, Scope};
use crate::credentials::{CachedProvider, Credentials, ProviderContext, SharedCredentialsProvider};
use crate::endpoint::Endpoint;
use crate::error::{service_error, Error};
use crate::request::{sign_request, PreparedRequest, SignContext};
use crate::retry::{RetryBudget, RetryPolicy, SUCCESS_REFUND};
use crate::sign::{new_nonce, SignatureScheme};

/// How connections are made: trust roots, client certificate, proxy, read timeout.
#[derive(Debug, Clone)]
pub struct Transport {
    /// Trust the operating system's certificate store (rustls-native-certs). Default on.
    pub system_roots: bool,
    /// Trust the Mozilla roots compiled in (webpki-roots), the fallback where the system
    /// store is empty or unreadable. Default on.
    pub webpki_roots: bool,
    /// Further trusted CA certificates, PEM (a TLS-inspecting corporate proxy's CA, a private
    /// cloud's CA). A PEM may hold several certificates.
    pub root_certificates_pem: Vec<Vec<u8>>,
    /// Client certificate and private key, PEM, for mutual TLS.
    pub client_identity_pem: Option<Vec<u8>>,
    /// Proxy for every request (`http://proxy:3128`, `socks5://…` is not enabled); `None`:
    /// the `HTTPS_PROXY`/`HTTP_PROXY`/`NO_PROXY` variables when `env_proxy` is on.
    pub proxy: Option<String>,
    /// Hosts that bypass `proxy`: the `NO_PROXY` syntax (`localhost,.internal,10.0.0.0/8`).
    pub no_proxy: Option<String>,
    /// Honour the proxy environment variables when `proxy` is unset. Default on.
    pub env_proxy: bool,
    /// Longest wait for the next bytes of a response (`None`: only the attempt timeout).
    pub read_timeout: Option<Duration>,
}

impl Default for Transport {
    fn default() -> Self {
        Self {
            system_roots: true,
            webpki_roots: true,
            root_certificates_pem: Vec::new(),
            client_identity_pem: None,
            proxy: None,
            no_proxy: None,
            env_proxy: true,
            read_timeout: None,
        }
    }
}

impl Transport {
    /// Adds a trusted CA (PEM).
    pub fn with_root_certificate_pem(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.root_certificates_pem.push(pem.into());
        self
    }

    /// Sets the client certificate and key (PEM) for mutual TLS.
    pub fn with_client_identity_pem(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.client_identity_pem = Some(pem.into());
        self
    }

    /// Sends every request through `url`, except to the hosts of `no_proxy`.
    pub fn with_proxy(mut self, url: impl Into<String>, no_proxy: Option<&str>) -> Self {
        self.proxy = Some(url.into());
        self.no_proxy = no_proxy.map(str::to_owned);
        self
    }

    /// Builds the reqwest client.
    pub fn build(
        &self,
        connect_timeout: Duration,
        user_agent: &str,
    ) -> Result<reqwest::Client, Error> {
        let bad = |what: &str, e: reqwest::Error| Error::InvalidRequest(format!("{what}: {e}"));
        let mut b = reqwest::Client::builder()
            .connect_timeout(connect_timeout)
            .user_agent(user_agent)
            .tls_built_in_native_certs(self.system_roots)
            .tls_built_in_webpki_certs(self.webpki_roots);
        for pem in &self.root_certificates_pem {
            for cert in
                reqwest::Certificate::from_pem_bundle(pem).map_err(|e| bad("CA certificate", e))?
            {
                b = b.add_root_certificate(cert);
            }
        }
        if let Some(pem) = &self.client_identity_pem {
            b = b.identity(
                reqwest::Identity::from_pem(pem).map_err(|e| bad("client certificate", e))?,
            );
        }
        match &self.proxy {
            Some(url) => {
                let p = reqwest::Proxy::all(url.as_str())
                    .map_err(|e| bad("proxy", e))?
                    .no_proxy(
                        self.no_proxy
                            .as_deref()
                            .and_then(reqwest::NoProxy::from_string),
                    );
                b = b.proxy(p);
            }
            None if !self.env_proxy => b = b.no_proxy(),
            None => {}
        }
        if let Some(t) = self.read_timeout {
            b = b.read_timeout(t);
        }
        b.build().map_err(|e| bad("HTTP client", e))
    }
}

/// Sees every attempt of every call: add headers before signing, log or measure answers.
pub trait Interceptor: Send + Sync + fmt::Debug {
    /// Called before each attempt is signed (so headers added here are signed too).
    fn before_attempt(&self, _req: &mut PreparedRequest, _attempt: u32) -> Result<(), Error> {
        Ok(())
    }

    /// Called after each attempt, with its answer or error.
    fn after_attempt(&self, _attempt: &AttemptInfo<'_>) {}
}

/// What an [`Interceptor`] learns about a finished attempt.
#[derive(Debug)]
pub struct AttemptInfo<'a> {
    /// Operation name.
    pub operation: &'a str,
    /// 1-based attempt number.
    pub attempt: u32,
    /// The answer's status and headers (headers only for successes), when there was one.
    pub response: Option<(u16, &'a [(String, String)])>,
    /// The error, when the attempt failed.
    pub error: Option<&'a Error>,
    /// How long the attempt took.
    pub elapsed: Duration,
}

/// The constructors every generated service client shares: settings and clients for a region
/// (through the service's endpoint table), an endpoint resolver, or an explicit endpoint URL.
///
/// A generated client implements the two constants and [`RegionalClient::new`]; everything
/// else comes from here. Bring the trait into scope (`use <svc>_client::RegionalClient;`) to
/// call `Client::from_region(..)` and the other constructors.
pub trait RegionalClient: Sized {
    /// Where the service is served: listed region hosts and the rule for the others.
    const ENDPOINTS: &'static crate::endpoint::EndpointTable;
    /// The signature scheme of [`RegionalClient::config_for`] (settings may name another).
    const DEFAULT_SCHEME: SignatureScheme;
    /// Regional (project id) or global (domain id) service; see [`ClientConfig::scope`].
    const SCOPE: Scope = Scope::Project;

    /// A client with explicit settings.
    fn new(config: ClientConfig) -> Result<Self, Error>;

    /// Settings for `endpoint` with this service's default signature scheme (no region:
    /// add `.with_region(region)` where the client needs it, e.g. Huawei's project lookup).
    fn config_for(
        endpoint: Endpoint,
        credentials: impl Into<SharedCredentialsProvider>,
    ) -> ClientConfig {
        ClientConfig::new(endpoint, credentials, Self::DEFAULT_SCHEME).with_scope(Self::SCOPE)
    }

    /// Settings for `region` on the public network: the host [`RegionalClient::ENDPOINTS`]
    /// lists for it, else its rule. A region that is empty or not a region id gives a host
    /// that fails at the first call; [`RegionalClient::endpoints`] checks, picks a network and
    /// takes per-region overrides.
    fn config_for_region(
        region: &str,
        credentials: impl Into<SharedCredentialsProvider>,
    ) -> ClientConfig {
        Self::config_for(
            Endpoint::https(Self::ENDPOINTS.public_host(region)),
            credentials,
        )
        .with_region(region)
    }

    /// Settings for `region` through `endpoints` (a network, per-region overrides):
    /// `Client::config_with_endpoints(&Client::endpoints().network(Network::Vpc), region,
    /// credentials)`. Fails when `region` is not a region id or the service has no such
    /// network.
    fn config_with_endpoints(
        endpoints: &crate::endpoint::EndpointResolver,
        region: &str,
        credentials: impl Into<SharedCredentialsProvider>,
    ) -> Result<ClientConfig, Error> {
        Ok(Self::config_for(endpoints.resolve(region)?, credentials).with_region(region))
    }

    /// Settings for an explicit endpoint URL (`https://host[:port][/prefix]`).
    fn config_for_endpoint(
        url: &str,
        credentials: impl Into<SharedCredentialsProvider>,
    ) -> Result<ClientConfig, Error> {
        Ok(Self::config_for(Endpoint::from_url(url)?, credentials))
    }

    /// This service's endpoint resolver over [`RegionalClient::ENDPOINTS`]:
    /// `.network(Network::Vpc)`, `.region_override(region, endpoint)`, `.resolve(region)`.
    fn endpoints() -> crate::endpoint::EndpointResolver {
        crate::endpoint::EndpointResolver::new(Self::ENDPOINTS)
    }

    /// A client for the regional endpoint of `region` with the default settings.
    fn from_region(
        region: &str,
        credentials: impl Into<SharedCredentialsProvider>,
    ) -> Result<Self, Error> {
        Self::new(Self::config_for_region(region, credentials))
    }

    /// A client for an explicit endpoint URL with the default settings.
    fn from_endpoint(
        url: &str,
        credentials: impl Into<SharedCredentialsProvider>,
    ) -> Result<Self, Error> {
        Self::new(Self::config_for_endpoint(url, credentials)?)
    }
}

/// What every generated service client shares: its `Client` struct (a newtype around the
/// runtime [`Client`] in a field `inner`, `Debug` and `Clone`), its [`RegionalClient`] impl
/// over the crate's endpoint table and default signature scheme, its `Operation` trait (a
/// request model: how it is encoded, what it answers) and the inherent constructors and
/// per-call helpers `new`, `from_env`, `from_default_credentials`, `config`, `with_options`,
/// and `call` (which reads answers through the calling module's `RESPONSES` classifier).
///
/// A generated crate states only what comes from its spec: the struct's name, the service's
/// title and API versions (for its rustdoc), the endpoint table (a `static` in scope), the default signature
/// scheme (a [`SignatureScheme`] variant), the credentials scope of a global service
/// (`scope = Domain`, optional), the credentials from the environment (an expression that may
/// use `?`) and the vendor's default provider chain; its operation methods go in an
/// `impl Client` of its own. The rustdoc (the struct's, the `RegionalClient` impl's, the
/// scheme's from [`scheme_doc!`](crate::scheme_doc)) is written here, once, for
/// every client.
///
/// ```ignore
/// apigen_runtime::service_client!(
///     Client,
///     title = "微服务引擎",
///     api_versions = "2019-05-31",
///     endpoints = ENDPOINTS,
///     scheme = AlibabaV1,
///     env_credentials = Credentials::alibaba_from_env()?,
///     default_chain = apigen_runtime::credentials::alibaba::default_chain(),
/// );
/// ```
#[macro_export]
macro_rules! service_client {
    (
        $client:ident,
        title = $title:literal,
        api_versions = $versions:literal,
        endpoints = $endpoints:ident,
        scheme = $scheme:ident,
        $(scope = $scope:ident,)?
        env_credentials = $env:expr,
        default_chain = $chain:expr $(,)?
    ) => {
        #[doc = concat!(
            "Client of ", $title, " (API versions ", $versions, "): one async method per operation."
        )]
        #[doc = ""]
        #[doc = "Cheap to clone; clones share the connection pool."]
        #[derive(Debug, Clone)]
        pub struct $client {
            inner: $crate::Client,
        }

        #[doc = concat!(
            "The constructors of [`RegionalClient`] for this client \
             (`", stringify!($client), "::from_region`, `", stringify!($client),
            "::config_for_region`, `", stringify!($client), "::endpoints`, …): regions resolve \
             through [`", stringify!($endpoints), "`] (its listed hosts, else its rule)."
        )]
        impl $crate::RegionalClient for $client {
            const ENDPOINTS: &'static $crate::EndpointTable = &$endpoints;
            #[doc = $crate::scheme_doc!($scheme $(, $scope)?)]
            const DEFAULT_SCHEME: $crate::SignatureScheme = $crate::SignatureScheme::$scheme;
            $(
                /// Requests carry the account's scope: `Domain` for a global service (its
                /// domain id), `Project` for a regional one.
                const SCOPE: $crate::credentials::huawei::Scope =
                    $crate::credentials::huawei::Scope::$scope;
            )?

        fn new(config: $crate::ClientConfig) -> Result<Self, $crate::Error> {
                $client::new(config)
            }
        }

        /// A request model of this client: how it is encoded and what it answers
        #[doc = concat!("(for [`", stringify!($client), "::call`]).")]
        pub trait Operation {
            /// The response model.
            type Output: $crate::serde::de::DeserializeOwned;
            /// Encodes the request.
            fn encode(&self) -> Result<$crate::PreparedRequest, $crate::Error>;
        }

        impl $client {
            /// A client with explicit settings.
            pub fn new(config: $crate::ClientConfig) -> Result<Self, $crate::Error> {
                Ok(Self {
                    inner: $crate::Client::new(config)?,
                })
            }

            /// A client for `region` with credentials from the environment variables the
            /// official SDKs read.
            pub fn from_env(region: &str) -> Result<Self, $crate::Error> {
                <Self as $crate::RegionalClient>::from_region(region, $env)
            }

            /// A client for `region` with credentials from the vendor's default provider chain
            /// (environment, profile files, instance metadata, OIDC token files, role
            /// assumption; see `apigen_runtime::credentials`), fetched at the first call and
            /// refreshed before they expire.
            pub fn from_default_credentials(region: &str) -> Result<Self, $crate::Error> {
                <Self as $crate::RegionalClient>::from_region(
                    region,
                    $crate::credentials::SharedCredentialsProvider::new($chain),
                )
            }

            /// The settings.
            pub fn config(&self) -> &$crate::ClientConfig {
                self.inner.config()
            }

            /// A handle on the same client (connections, credentials cache, retry budget) whose
            /// calls use `options` (timeout, retries, extra headers).
            pub fn with_options(&self, options: $crate::CallOptions) -> Self {
                Self {
                    inner: self.inner.with_options(options),
                }
            }

            /// Calls the operation of `request` with per-call `options`, returning the typed
            /// answer with its HTTP status, headers and request id.
            pub async fn call<O: Operation>(
                &self,
                request: &O,
                options: &$crate::CallOptions,
            ) -> Result<$crate::Output<O::Output>, $crate::Error> {
                self.inner
                    .execute_with(request.encode(), RESPONSES, options)
                    .await
            }
        }
    };
}

/// Client settings shared by every call of a service client.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// Where to send requests.
    pub endpoint: Endpoint,
    /// Where credentials come from: static [`Credentials`], a vendor's default chain
    /// ([`crate::credentials::alibaba::default_chain`], [`crate::credentials::huawei::default_chain`])
    /// or your own [`crate::credentials::ProvideCredentials`]. The client caches them and
    /// refreshes them before they expire.
    pub credentials: SharedCredentialsProvider,
    /// Signature scheme.
    pub scheme: SignatureScheme,
    /// Retry policy.
    pub retry: RetryPolicy,
    /// Timeout of one attempt (connect, send, and read the whole body).
    pub timeout: Duration,
    /// Connection timeout (a connection not made in time is a connect failure, retried).
    pub connect_timeout: Duration,
    /// Deadline of a whole call: attempts and the waits between them (`None`: no limit).
    pub overall_timeout: Option<Duration>,
    /// `User-Agent` header.
    pub user_agent: String,
    /// Region of the endpoint (Huawei: the project id is looked up by it when none is given).
    pub region: Option<String>,
    /// Huawei: whether the service is regional (requests carry the project id, `X-Project-Id`)
    /// or global (the account's domain id, `X-Domain-Id`), as the SDK's `BasicCredentials` and
    /// `GlobalCredentials`. A missing id is looked up through IAM (by region for a project).
    pub scope: Scope,
    /// IAM base URL of the Huawei project and domain lookups (default
    /// `HUAWEICLOUD_SDK_IAM_ENDPOINT`, else `https://iam.<region>.myhuaweicloud.com` for a
    /// project, `https://iam.myhuaweicloud.com` for the domain).
    pub iam_endpoint: Option<String>,
    /// TLS, proxy and read-timeout settings of the built-in HTTP client.
    pub transport: Transport,
    /// Your own HTTP client (connection pool, TLS, proxy settings); when set, `transport`,
    /// `connect_timeout` and `user_agent` are the client's business, the attempt and overall
    /// timeouts still apply.
    pub http_client: Option<reqwest::Client>,
    /// Hooks run around every attempt, in order.
    pub interceptors: Vec<Arc<dyn Interceptor>>,
}

impl ClientConfig {
    /// Settings with 30 s attempt timeout, 10 s connect timeout, 120 s overall deadline and the
    /// default retry policy.
    pub fn new(
        endpoint: Endpoint,
        credentials: impl Into<SharedCredentialsProvider>,
        scheme: SignatureScheme,
    ) -> Self {
        Self {
            endpoint,
            credentials: credentials.into(),
            scheme,
            retry: RetryPolicy::default(),
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            overall_timeout: Some(Duration::from_secs(120)),
            user_agent: concat!("apigen-runtime/", env!("CARGO_PKG_VERSION")).to_owned(),
            region: None,
            scope: Scope::Project,
            iam_endpoint: None,
            transport: Transport::default(),
            http_client: None,
            interceptors: Vec::new(),
        }
    }

    /// Sets the region (see [`ClientConfig::region`]).
    pub fn with_region(mut self, region: &str) -> Self {
        self.region = (!region.is_empty()).then(|| region.to_owned());
        self
    }

    /// Sets the scope (see [`ClientConfig::scope`]).
    pub fn with_scope(mut self, scope: Scope) -> Self {
        self.scope = scope;
        self
    }

    /// Adds an interceptor.
    pub fn with_interceptor(mut self, interceptor: impl Interceptor + 'static) -> Self {
        self.interceptors.push(Arc::new(interceptor));
        self
    }
}

/// Settings of one call, overriding the client's.
#[derive(Debug, Clone, Default)]
pub struct CallOptions {
    /// Attempt timeout.
    pub timeout: Option<Duration>,
    /// Overall deadline.
    pub overall_timeout: Option<Duration>,
    /// Retry policy (`RetryPolicy::none()` for a single attempt).
    pub retry: Option<RetryPolicy>,
    /// Extra headers, signed with the request.
    pub headers: Vec<(String, String)>,
}

impl CallOptions {
    /// No overrides.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the attempt timeout.
    pub fn timeout(mut self, t: Duration) -> Self {
        self.timeout = Some(t);
        self
    }

    /// Sets the overall deadline.
    pub fn overall_timeout(mut self, t: Duration) -> Self {
        self.overall_timeout = Some(t);
        self
    }

    /// Sets the retry policy.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// Adds a header.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }
}

/// A raw successful response.
#[derive(Debug, Clone)]
pub struct Response {
    /// HTTP status.
    pub status: u16,
    /// Response headers (lower-case names).
    pub headers: Vec<(String, String)>,
    /// Body bytes.
    pub body: Vec<u8>,
    /// Request id (`x-acs-request-id`, `X-Request-Id`), when the service sent one in a header.
    pub request_id: Option<String>,
    /// Attempts it took.
    pub attempts: u32,
}

impl Response {
    /// Decodes the body as JSON (tolerantly where the model says so).
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, Error> {
        decode_body(self)
    }

    /// A header value (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        crate::sign::header(&self.headers, name)
    }
}

/// A typed body with the status, headers and request id of the answer that carried it.
#[derive(Debug, Clone)]
pub struct Output<T> {
    /// The decoded body.
    pub body: T,
    /// HTTP status.
    pub status: u16,
    /// Response headers (lower-case names).
    pub headers: Vec<(String, String)>,
    /// Attempts it took.
    pub attempts: u32,
    request_id: Option<String>,
}

impl<T> Output<T> {
    /// The request id: from the `x-acs-request-id` / `X-Request-Id` header, else the body's
    /// `RequestId`.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// A header value (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        crate::sign::header(&self.headers, name)
    }

    /// The body alone.
    pub fn into_inner(self) -> T {
        self.body
    }
}

/// Decodes a response body into `T`: the one step of a generated client's call that depends
/// on the response type.
pub fn decode_body<T: DeserializeOwned>(resp: &Response) -> Result<T, Error> {
    crate::decode::decode_json(resp.status, &resp.body)
}

/// The untyped future of a call ([`Client::execute_raw`]): boxed, so it is compiled once, in
/// the runtime, whatever the operation.
pub type RawCall<'a> = Pin<Box<dyn Future<Output = Result<Response, Error>> + Send + 'a>>;

/// The future of [`Client::execute`] and [`Client::execute_with`]: the raw call, then its body
/// decoded into `T`, alone (`S` = [`BodyOnly`]) or as an [`Output`] keeping the status,
/// headers and request id (`S` = [`WithOutput`], [`CallOutput`]).
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct Call<'a, T, S = BodyOnly> {
    raw: RawCall<'a>,
    body: PhantomData<fn() -> (T, S)>,
}

/// The future of [`Client::execute_with`].
pub type CallOutput<'a, T> = Call<'a, T, WithOutput>;

/// A [`Call`] resolving to the decoded body alone.
#[derive(Debug)]
pub enum BodyOnly {}

/// A [`Call`] resolving to an [`Output`]: the body with the status, headers and request id.
#[derive(Debug)]
pub enum WithOutput {}

impl<T, S> fmt::Debug for Call<'_, T, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Call")
    }
}

impl<T, S> Call<'_, T, S> {
    /// Polls the raw call and decodes the answer (the one `poll` of both shapes).
    fn poll_decoded(&mut self, cx: &mut Context<'_>) -> Poll<Result<(T, Response), Error>>
    where
        T: DeserializeOwned,
    {
        self.raw
            .as_mut()
            .poll(cx)
            .map(|r| r.and_then(|resp| Ok((decode_body(&resp)?, resp))))
    }
}

// One impl per shape rather than one over a shape trait: resolving the trait's output type
// for every generated method cost the client crates 0.8% more rustc instructions.
impl<T: DeserializeOwned> Future for Call<'_, T, BodyOnly> {
    type Output = Result<T, Error>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.poll_decoded(cx).map(|r| r.map(|(body, _)| body))
    }
}

impl<T: DeserializeOwned> Future for Call<'_, T, WithOutput> {
    type Output = Result<Output<T>, Error>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.poll_decoded(cx)
            .map(|r| r.map(|(body, resp)| Output::new(body, resp)))
    }
}

impl<T> Output<T> {
    /// `body` with the status, headers and request id of `resp` (the request id from the
    /// headers, else the body's `RequestId`).
    fn new(body: T, resp: Response) -> Self {
        let request_id = resp
            .request_id
            .or_else(|| crate::error::parse_error_fields(&resp.body).2);
        Output {
            body,
            status: resp.status,
            headers: resp.headers,
            attempts: resp.attempts,
            request_id,
        }
    }
}

/// The executor every generated client wraps. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Client {
    http: reqwest::Client,
    config: Arc<ClientConfig>,
    credentials: Arc<CachedProvider>,
    /// Huawei project ids (per access key id and region) and domain ids (per access key id,
    /// region empty) found through IAM.
    scope_ids: Arc<tokio::sync::Mutex<HashMap<(String, String), String>>>,
    budget: Arc<RetryBudget>,
    /// Options this handle applies to every call (see [`Client::with_options`]).
    options: Arc<CallOptions>,
}

impl Client {
    /// Builds a client (one connection pool per client).
    pub fn new(config: ClientConfig) -> Result<Self, Error> {
        let http = match &config.http_client {
            Some(c) => c.clone(),
            None => config
                .transport
                .build(config.connect_timeout, &config.user_agent)?,
        };
        Ok(Self {
            http,
            credentials: Arc::new(CachedProvider::new(config.credentials.clone())),
            config: Arc::new(config),
            scope_ids: Arc::default(),
            budget: Arc::default(),
            options: Arc::default(),
        })
    }

    /// A handle on the same client (pool, credentials cache, retry budget) that applies
    /// `options` to every call.
    pub fn with_options(&self, options: CallOptions) -> Self {
        Self {
            options: Arc::new(options),
            ..self.clone()
        }
    }

    /// The retry budget shared by this client's calls.
    pub fn retry_budget(&self) -> &RetryBudget {
        &self.budget
    }

    /// The credentials the next attempt signs with (cached; refreshed before they expire).
    pub async fn credentials(&self) -> Result<Credentials, Error> {
        self.credentials.provide().await
    }

    /// Credentials for `req`: from the provider, with the Huawei ids of the client's
    /// [`Scope`]: a regional client drops the domain id and looks the project id up through
    /// IAM (once per access key and region) when the request needs one and none is given; a
    /// global client drops the project id and looks the domain id up (once per access key).
    ///
    /// Returns a boxed `Send` future: the lookup is itself a call of this executor, and the
    /// explicit type ends the recursion of the compiler's `Send` inference.
    fn credentials_for<'a>(
        &'a self,
        req: &'a PreparedRequest,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<Credentials, Error>> + Send + 'a>>
    {
        Box::pin(self.credentials_for_inner(req))
    }

    async fn credentials_for_inner(&self, req: &PreparedRequest) -> Result<Credentials, Error> {
        let mut creds = self.credentials.provide().await?;
        let huawei = matches!(
            self.config.scheme,
            SignatureScheme::HuaweiAkSk | SignatureScheme::HuaweiToken
        );
        if !huawei {
            return Ok(creds);
        }
        let missing = |id: &Option<String>| id.as_deref().unwrap_or_default().is_empty();
        let region = match self.config.scope {
            Scope::Domain => {
                creds.project_id = None;
                if !missing(&creds.domain_id) {
                    return Ok(creds);
                }
                String::new()
            }
            Scope::Project => {
                creds.domain_id = None;
                match &self.config.region {
                    Some(r)
                        if missing(&creds.project_id)
                            && req.path.contains(crate::rest::PROJECT_ID_PLACEHOLDER) =>
                    {
                        r.clone()
                    }
                    // Without a region the signer reports the missing project id.
                    _ => return Ok(creds),
                }
            }
        };
        let key_id = creds
            .access_key
            .as_ref()
            .map(|k| k.id.clone())
            .unwrap_or_default();
        // Held across the lookup: concurrent first calls wait for one IAM call.
        let mut cache = self.scope_ids.lock().await;
        let id = match cache.entry((key_id, region)) {
            std::collections::hash_map::Entry::Occupied(e) => e.get().clone(),
            std::collections::hash_map::Entry::Vacant(slot) => {
                let mut ctx = ProviderContext::new().with_http_client(self.http.clone());
                ctx.iam_endpoint = self.config.iam_endpoint.clone();
                let region = &slot.key().1;
                let id = if region.is_empty() {
                    let id = huawei::lookup_domain_id(&ctx, &creds).await?;
                    tracing::info!("Huawei domain id found through IAM");
                    id
                } else {
                    let id = huawei::lookup_project_id(&ctx, &creds, region).await?;
                    tracing::info!(region = %region, "Huawei project id found through IAM");
                    id
                };
                slot.insert(id).clone()
            }
        };
        match self.config.scope {
            Scope::Domain => creds.domain_id = Some(id),
            Scope::Project => creds.project_id = Some(id),
        }
        Ok(creds)
    }

    /// The settings.
    pub fn config(&self) -> &ClientConfig {
        &self.config
    }

    /// Sends `req` with retries and returns the successful response, or the last error.
    pub async fn send(&self, req: PreparedRequest) -> Result<Response, Error> {
        let options = self.options.clone();
        self.send_with(req, &options).await
    }

    /// [`Client::send`] with per-call options (on top of the handle's own).
    pub async fn send_with(
        &self,
        req: PreparedRequest,
        options: &CallOptions,
    ) -> Result<Response, Error> {
        let span = tracing::info_span!(
            "apigen.call",
            operation = %req.operation,
            method = %req.method,
            attempt = tracing::field::Empty,
            request_id = tracing::field::Empty,
            status = tracing::field::Empty,
        );
        self.send_inner(req, options).instrument(span).await
    }

    /// Sends `req` and decodes the JSON body into `T`.
    pub async fn send_json<T: DeserializeOwned>(&self, req: PreparedRequest) -> Result<T, Error> {
        self.send(req).await?.json()
    }

    /// The one call path of generated clients: sends the encoded request, asks the
    /// protocol's classifier whether the answer reports a failure in its body (Alibaba
    /// in-band errors), and decodes the body into `T`.
    ///
    /// Everything but the decoding is one non-generic future ([`Client::execute_raw`]), so
    /// an operation costs its client crate one small [`Call::poll`], not a state machine.
    pub fn execute<'a, T: DeserializeOwned>(
        &'a self,
        req: Result<PreparedRequest, Error>,
        classifier: &'a dyn ResponseClassifier,
    ) -> Call<'a, T> {
        Call {
            raw: self.execute_raw(req, classifier, None),
            body: PhantomData,
        }
    }

    /// [`Client::execute`] with per-call options, keeping status, headers and request id.
    pub fn execute_with<'a, T: DeserializeOwned>(
        &'a self,
        req: Result<PreparedRequest, Error>,
        classifier: &'a dyn ResponseClassifier,
        options: &'a CallOptions,
    ) -> CallOutput<'a, T> {
        Call {
            raw: self.execute_raw(req, classifier, Some(options)),
            body: PhantomData,
        }
    }

    /// The untyped part of [`Client::execute`]: sends the request (with `options`, else the
    /// handle's own) and turns a failure the classifier finds in a 2xx body into
    /// [`Error::Service`]; the response's body is left undecoded.
    pub fn execute_raw<'a>(
        &'a self,
        req: Result<PreparedRequest, Error>,
        classifier: &'a dyn ResponseClassifier,
        options: Option<&'a CallOptions>,
    ) -> RawCall<'a> {
        Box::pin(async move {
            let req = req?;
            let resp = match options {
                Some(options) => self.send_with(req, options).await?,
                None => {
                    let options = self.options.clone();
                    self.send_with(req, &options).await?
                }
            };
            if let Some(mut e) = classifier.failure(resp.status, &resp.body) {
                if e.request_id.is_none() {
                    e.request_id = resp.request_id.clone();
                }
                return Err(Error::Service(e));
            }
            Ok(resp)
        })
    }

    async fn send_inner(
        &self,
        req: PreparedRequest,
        call: &CallOptions,
    ) -> Result<Response, Error> {
        let cfg = &*self.config;
        let policy = call
            .retry
            .as_ref()
            .or(self.options.retry.as_ref())
            .unwrap_or(&cfg.retry);
        let attempt_timeout = call.timeout.or(self.options.timeout).unwrap_or(cfg.timeout);
        let overall = call
            .overall_timeout
            .or(self.options.overall_timeout)
            .or(cfg.overall_timeout);
        let deadline = overall.map(|d| (Instant::now() + d, d));
        let mut req = req;
        for (k, v) in self.options.headers.iter().chain(&call.headers) {
            req.set_header(k, v.clone());
        }
        let mut attempt = 1u32;
        let mut retry_cost = 0u32;
        loop {
            let span = tracing::Span::current();
            span.record("attempt", attempt);
            // Each attempt ends by its own timeout or the overall deadline, whichever is first.
            let (limit, cut_by_deadline) = match deadline {
                Some((at, overall)) => {
                    let left = at.saturating_duration_since(Instant::now());
                    if left < attempt_timeout {
                        (left, Some(overall))
                    } else {
                        (attempt_timeout, None)
                    }
                }
                None => (attempt_timeout, None),
            };
            let started = Instant::now();
            let result = match tokio::time::timeout(limit, self.attempt(&req, attempt)).await {
                Ok(r) => r,
                Err(_) => Err(Error::Timeout(cut_by_deadline.unwrap_or(limit))),
            };
            let response = match &result {
                Ok(r) => Some((r.status, r.headers.as_slice())),
                Err(Error::Service(s)) => Some((s.status, &[][..])),
                Err(_) => None,
            };
            for i in &cfg.interceptors {
                i.after_attempt(&AttemptInfo {
                    operation: &req.operation,
                    attempt,
                    response,
                    error: result.as_ref().err(),
                    elapsed: started.elapsed(),
                });
            }
            let err = match result {
                Ok(mut resp) => {
                    resp.attempts = attempt;
                    if let Some(id) = &resp.request_id {
                        span.record("request_id", id.as_str());
                    }
                    span.record("status", resp.status);
                    self.budget.refund(if attempt == 1 {
                        SUCCESS_REFUND
                    } else {
                        retry_cost
                    });
                    return Ok(resp);
                }
                Err(e) => e,
            };
            if let Some(s) = err.as_service() {
                span.record("status", s.status);
                if let Some(id) = &s.request_id {
                    span.record("request_id", id.as_str());
                }
            }
            if cut_by_deadline.is_some() && matches!(err, Error::Timeout(_)) {
                return Err(err);
            }
            if !policy.should_retry(&err, attempt, req.idempotent) {
                tracing::debug!(error = %err, attempt, "call failed");
                return Err(err);
            }
            let retry_after = err.as_service().and_then(|s| s.retry_after);
            let wait = policy.backoff(attempt, retry_after);
            if let Some((at, _)) = deadline {
                if Instant::now() + wait >= at {
                    tracing::debug!(error = %err, attempt, "no time left before the deadline to retry");
                    return Err(err);
                }
            }
            let cost = RetryBudget::cost_of(&err);
            if policy.budget && !self.budget.try_acquire(cost) {
                tracing::warn!(error = %err, attempt, "retry budget exhausted; not retrying");
                return Err(err);
            }
            retry_cost = if policy.budget { cost } else { 0 };
            tracing::info!(error = %err, attempt, wait_ms = wait.as_millis() as u64, "retrying");
            tokio::time::sleep(wait).await;
            attempt += 1;
        }
    }

    async fn attempt(&self, original: &PreparedRequest, attempt: u32) -> Result<Response, Error> {
        let cfg = &*self.config;
        let mut req = original.clone();
        for i in &cfg.interceptors {
            i.before_attempt(&mut req, attempt)?;
        }
        let credentials = self.credentials_for(&req).await?;
        let nonce = new_nonce();
        sign_request(
            &mut req,
            &SignContext {
                scheme: cfg.scheme,
                credentials: &credentials,
                host: &cfg.endpoint.host,
                base_path: &cfg.endpoint.base_path,
                time: UtcTime::now(),
                nonce: &nonce,
            },
        )?;
        // `req.path` now carries the endpoint's base path: it is part of what was signed.
        let mut url = format!(
            "{}://{}{}",
            cfg.endpoint.scheme, cfg.endpoint.host, req.path
        );
        if !req.query.is_empty() {
            url.push('?');
            url.push_str(&req.query_string());
        }
        let method = reqwest::Method::from_bytes(req.method.as_bytes())
            .map_err(|e| Error::InvalidRequest(format!("method {}: {e}", req.method)))?;
        let mut builder = self.http.request(method, url);
        for (k, v) in &req.headers {
            // reqwest derives Host from the URL (same value the signer used).
            if !k.eq_ignore_ascii_case("host") {
                builder = builder.header(k.as_str(), v.as_str());
            }
        }
        if !req.body.is_empty() {
            builder = builder.body(std::mem::take(&mut req.body));
        }
        let phases = (cfg.connect_timeout, cfg.transport.read_timeout);
        let resp = builder.send().await.map_err(|e| map_reqwest(e, phases))?;
        let status = resp.status().as_u16();
        let headers: Vec<(String, String)> = resp
            .headers()
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_owned(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        let body = resp
            .bytes()
            .await
            .map_err(|e| map_reqwest(e, phases))?
            .to_vec();
        let lookup = |name: &str| crate::sign::header(&headers, name).map(str::to_owned);
        if !(200..300).contains(&status) {
            return Err(Error::Service(service_error(
                status,
                lookup,
                &body,
                SystemTime::now(),
            )));
        }
        let request_id = lookup("x-acs-request-id").or_else(|| lookup("x-request-id"));
        Ok(Response {
            status,
            headers,
            body,
            request_id,
            attempts: 0,
        })
    }
}

/// Maps a reqwest error: a connect timeout is a connect failure (the request was not sent, so
/// it is retried like one) naming the connect timeout; a read timeout is a [`Error::Timeout`]
/// of the read timeout.
fn map_reqwest(e: reqwest::Error, (connect, read): (Duration, Option<Duration>)) -> Error {
    if e.is_timeout() && e.is_connect() {
        return Error::Transport {
            message: format!("connection not established within {connect:?} (connect timeout)"),
            connect: true,
            source: Some(Box::new(e)),
        };
    }
    if e.is_timeout() {
        return Error::Timeout(read.unwrap_or(connect));
    }
    Error::Transport {
        message: e.to_string(),
        connect: e.is_connect(),
        source: Some(Box::new(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The futures generated methods return stay `Send` (spawnable on a multi-threaded
    /// runtime), as the `async fn`s they replaced were.
    #[test]
    fn call_futures_are_send() {
        fn send<T: Send>(_: &T) {}
        let client = Client::new(ClientConfig::new(
            Endpoint::https("example.invalid"),
            Credentials::access_key("id", "secret"),
            SignatureScheme::AlibabaV1,
        ))
        .unwrap();
        let bad = || Err(Error::InvalidRequest("not sent".into()));
        let call = client.execute::<serde_json::Value>(bad(), &crate::classify::HttpStatus);
        send(&call);
        let options = CallOptions::new();
        let with =
            client.execute_with::<serde_json::Value>(bad(), &crate::classify::HttpStatus, &options);
        send(&with);
        // An encoding failure is the call's error, without sending anything.
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        assert!(matches!(rt.block_on(call), Err(Error::InvalidRequest(_))));
        assert!(matches!(rt.block_on(with), Err(Error::InvalidRequest(_))));
    }
}
