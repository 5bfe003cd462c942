//! The HTTP executor: sign, send, retry, decode, with a `tracing` span per call.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use serde::de::DeserializeOwned;
use tracing::Instrument as _;

use crate::classify::ResponseClassifier;
use crate::clock::UtcTime;
use crate::credentials::Credentials;
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
    /// Credentials.
    pub credentials: Credentials,
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
}

impl ClientConfig {
    /// Settings with 30 s attempt timeout, 10 s connect timeout and the default retry policy.
    pub fn new(endpoint: Endpoint, credentials: Credentials, scheme: SignatureScheme) -> Self {
        Self {
            endpoint,
            credentials,
            scheme,
            retry: RetryPolicy::default(),
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            user_agent: concat!("apigen-runtime/", env!("CARGO_PKG_VERSION")).to_owned(),
        }
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
}

impl Client {
    /// Builds a client (one connection pool per client).
    pub fn new(config: ClientConfig) -> Result<Self, Error> {
        let http = reqwest::Client::builder()
            .connect_timeout(config.connect_timeout)
            .user_agent(config.user_agent.clone())
            .build()
            .map_err(|e| Error::InvalidRequest(format!("HTTP client: {e}")))?;
        Ok(Self {
            http,
            config: Arc::new(config),
        })
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
        let mut req = original.clone();
        let nonce = new_nonce();
        sign_request(
            &mut req,
            &SignContext {
                scheme: cfg.scheme,
                credentials: &cfg.credentials,
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
