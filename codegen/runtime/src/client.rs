//! The HTTP executor: sign, send, retry, decode, with a `tracing` span per call.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use serde::de::DeserializeOwned;
use tracing::Instrument as _;

use crate::classify::ResponseClassifier;
use crate::clock::UtcTime;
use crate::credentials::{CachedProvider, Credentials, ProviderContext, SharedCredentialsProvider};
use crate::endpoint::Endpoint;
use crate::error::{service_error, Error};
use crate::request::{sign_request, PreparedRequest, SignContext};
use crate::retry::RetryPolicy;
use crate::sign::{new_nonce, SignatureScheme};

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
    /// Connection timeout.
    pub connect_timeout: Duration,
    /// `User-Agent` header.
    pub user_agent: String,
    /// Region of the endpoint (Huawei: the project id is looked up by it when none is given).
    pub region: Option<String>,
    /// IAM base URL of the Huawei project lookup (default `HUAWEICLOUD_SDK_IAM_ENDPOINT`, else
    /// `https://iam.<region>.myhuaweicloud.com`).
    pub iam_endpoint: Option<String>,
    /// Your own HTTP client (connection pool, TLS, proxy settings); when set, the timeouts
    /// above still apply per attempt but `connect_timeout` and `user_agent` are the client's.
    pub http_client: Option<reqwest::Client>,
}

impl ClientConfig {
    /// Settings with 30 s attempt timeout, 10 s connect timeout and the default retry policy.
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
            user_agent: concat!("apigen-runtime/", env!("CARGO_PKG_VERSION")).to_owned(),
            region: None,
            iam_endpoint: None,
            http_client: None,
        }
    }

    /// Sets the region (see [`ClientConfig::region`]).
    pub fn with_region(mut self, region: &str) -> Self {
        self.region = (!region.is_empty()).then(|| region.to_owned());
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
        crate::decode::decode_json(self.status, &self.body)
    }

    /// A header value (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        crate::sign::header(&self.headers, name)
    }
}

/// The executor every generated client wraps. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Client {
    http: reqwest::Client,
    config: Arc<ClientConfig>,
    credentials: Arc<CachedProvider>,
    /// Huawei project ids found through IAM, per (access key id, region).
    project_ids: Arc<tokio::sync::Mutex<HashMap<(String, String), String>>>,
}

impl Client {
    /// Builds a client (one connection pool per client).
    pub fn new(config: ClientConfig) -> Result<Self, Error> {
        let http = match &config.http_client {
            Some(c) => c.clone(),
            None => reqwest::Client::builder()
                .connect_timeout(config.connect_timeout)
                .user_agent(config.user_agent.clone())
                .build()
                .map_err(|e| Error::InvalidRequest(format!("HTTP client: {e}")))?,
        };
        Ok(Self {
            http,
            credentials: Arc::new(CachedProvider::new(config.credentials.clone())),
            config: Arc::new(config),
            project_ids: Arc::default(),
        })
    }

    /// The credentials the next attempt signs with (cached; refreshed before they expire).
    pub async fn credentials(&self) -> Result<Credentials, Error> {
        self.credentials.provide().await
    }

    /// Credentials for `req`: from the provider, with the Huawei project id looked up through
    /// IAM (once per access key and region) when the request needs one and none is given.
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
        let region = match &self.config.region {
            Some(r) if huawei && creds.project_id.is_none() => r.clone(),
            // Without a region the signer reports the missing project id.
            _ => return Ok(creds),
        };
        if req.path.contains(crate::rest::PROJECT_ID_PLACEHOLDER) {
            let key_id = creds
                .access_key
                .as_ref()
                .map(|k| k.id.clone())
                .unwrap_or_default();
            let mut cache = self.project_ids.lock().await;
            let key = (key_id, region.clone());
            let id = match cache.get(&key) {
                Some(id) => id.clone(),
                None => {
                    let mut ctx = ProviderContext::new().with_http_client(self.http.clone());
                    ctx.iam_endpoint = self.config.iam_endpoint.clone();
                    let id = crate::credentials::huawei::lookup_project_id(&ctx, &creds, &region)
                        .await?;
                    tracing::info!(region = %region, "Huawei project id found through IAM");
                    cache.insert(key, id.clone());
                    id
                }
            };
            creds.project_id = Some(id);
        }
        Ok(creds)
    }

    /// The settings.
    pub fn config(&self) -> &ClientConfig {
        &self.config
    }

    /// Sends `req` with retries and returns the successful response, or the last error.
    pub async fn send(&self, req: PreparedRequest) -> Result<Response, Error> {
        let span = tracing::info_span!(
            "apigen.call",
            operation = %req.operation,
            method = %req.method,
            attempt = tracing::field::Empty,
            request_id = tracing::field::Empty,
            status = tracing::field::Empty,
        );
        self.send_inner(req).instrument(span).await
    }

    /// Sends `req` and decodes the JSON body into `T`.
    pub async fn send_json<T: DeserializeOwned>(&self, req: PreparedRequest) -> Result<T, Error> {
        self.send(req).await?.json()
    }

    /// The one call path of generated clients: sends the encoded request, asks the
    /// protocol's classifier whether the answer reports a failure in its body (Alibaba
    /// in-band errors), and decodes the body into `T`.
    pub async fn execute<T: DeserializeOwned>(
        &self,
        req: Result<PreparedRequest, Error>,
        classifier: &dyn ResponseClassifier,
    ) -> Result<T, Error> {
        let resp = self.send(req?).await?;
        if let Some(mut e) = classifier.failure(resp.status, &resp.body) {
            if e.request_id.is_none() {
                e.request_id = resp.request_id.clone();
            }
            return Err(Error::Service(e));
        }
        resp.json()
    }

    async fn send_inner(&self, req: PreparedRequest) -> Result<Response, Error> {
        let policy = &self.config.retry;
        let mut attempt = 1u32;
        loop {
            let span = tracing::Span::current();
            span.record("attempt", attempt);
            let result = self.attempt(&req).await;
            let err = match result {
                Ok(mut resp) => {
                    resp.attempts = attempt;
                    if let Some(id) = &resp.request_id {
                        span.record("request_id", id.as_str());
                    }
                    span.record("status", resp.status);
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
            if !policy.should_retry(&err, attempt, req.idempotent) {
                tracing::debug!(error = %err, attempt, "call failed");
                return Err(err);
            }
            let retry_after = err.as_service().and_then(|s| s.retry_after);
            let wait = policy.backoff(attempt, retry_after);
            tracing::info!(error = %err, attempt, wait_ms = wait.as_millis() as u64, "retrying");
            tokio::time::sleep(wait).await;
            attempt += 1;
        }
    }

    async fn attempt(&self, original: &PreparedRequest) -> Result<Response, Error> {
        let cfg = &*self.config;
        let credentials = self.credentials_for(original).await?;
        let mut req = original.clone();
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
        let timeout = cfg.timeout;
        let exchange = async {
            let resp = builder.send().await.map_err(map_reqwest)?;
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
            let body = resp.bytes().await.map_err(map_reqwest)?.to_vec();
            Ok::<_, Error>((status, headers, body))
        };
        let (status, headers, body) = tokio::time::timeout(timeout, exchange)
            .await
            .map_err(|_| Error::Timeout(timeout))??;
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

fn map_reqwest(e: reqwest::Error) -> Error {
    if e.is_timeout() {
        return Error::Timeout(Duration::ZERO);
    }
    Error::Transport {
        message: e.to_string(),
        connect: e.is_connect(),
        source: Some(Box::new(e)),
    }
}
