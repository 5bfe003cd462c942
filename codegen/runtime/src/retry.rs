//! Retry policy: which failures are retried, how long to wait, the overall deadline and the
//! retry budget.
//!
//! | Failure | Retried? | Idempotent calls | Non-idempotent calls |
//! |---------|----------|------------------|----------------------|
//! | Connection not established (DNS, refused, TLS handshake, connect timeout) | always: the request never reached the service | yes | yes |
//! | HTTP 429, Alibaba `Throttling*` / `*.Throttling` / `RequestLimitExceeded` / `Busy`, Huawei `APIGW.0308` (throttled) | the gateway refused before the operation ran | yes | yes |
//! | HTTP 500, 502, 503, 504; Alibaba `ServiceUnavailable`, `InternalError`, `ServiceTimeout` | the operation may or may not have run | yes | only with `retry_non_idempotent` |
//! | Read failure after sending (reset, read timeout), attempt timeout | the operation may have run | yes (`retry_timeouts`) | only with `retry_non_idempotent` |
//! | Other 4xx (bad parameter, auth), decode errors, invalid requests, missing credentials | no: repeating gives the same answer | no | no |
//!
//! Waits: `Retry-After` (seconds or an HTTP date) or Alibaba's `x-acs-retry-after`
//! (milliseconds, as `alibabacloud_tea_openapi` `Utils.get_throttling_time_left` reads it) win,
//! capped by `max_retry_after` (a longer ask ends the retries); otherwise exponential backoff
//! from `base_delay` doubling up to `max_delay`, with full jitter.
//!
//! Limits: `max_attempts` per call; the client's overall deadline
//! ([`crate::ClientConfig::overall_timeout`]) across attempts and waits (no retry whose wait
//! would pass it); and a [`RetryBudget`] shared by all calls of a client, the token bucket of
//! the AWS SDKs' "standard" retry mode (500 tokens, a retry costs 5, a retry after a timeout 10,
//! a success returns the retry's cost, or 1 when it needed none), so a failing service is not
//! hammered by every caller retrying.

use std::sync::Mutex;
use std::time::{Duration, SystemTime};

use crate::error::Error;

/// When and how long to wait before retrying.
#[derive(Debug, Clone)]
pub struct RetryPolicy {
    /// Total attempts including the first (1 disables retries).
    pub max_attempts: u32,
    /// Backoff before the first retry; doubles per attempt.
    pub base_delay: Duration,
    /// Upper bound of a single backoff.
    pub max_delay: Duration,
    /// Randomise each backoff uniformly in `[0, backoff]` ("full jitter"), so clients throttled
    /// together do not retry together.
    pub jitter: bool,
    /// Wait what the service's `Retry-After` asks (capped by `max_retry_after`).
    pub honour_retry_after: bool,
    /// Longest `Retry-After` honoured; a longer one ends the retries.
    pub max_retry_after: Duration,
    /// Retry calls that are not idempotent (POST RPC actions that create things) too.
    pub retry_non_idempotent: bool,
    /// Retry after a timeout (idempotent calls only, unless `retry_non_idempotent`).
    pub retry_timeouts: bool,
    /// Take every retry from the client's [`RetryBudget`] (and give up when it is empty).
    pub budget: bool,
}

impl Default for RetryPolicy {
    /// 3 attempts, 200 ms base, 10 s cap, jitter, Retry-After up to 60 s, idempotent calls only.
    fn default() -> Self {
        Self {
            max_attempts: 3,
            base_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(10),
            jitter: true,
            honour_retry_after: true,
            max_retry_after: Duration::from_secs(60),
            retry_non_idempotent: false,
            retry_timeouts: true,
            budget: true,
        }
    }
}

/// Capacity of the [`RetryBudget`] (AWS SDK standard mode `INITIAL_RETRY_TOKENS`).
pub const BUDGET_CAPACITY: u32 = 500;
/// Tokens a retry takes (`RETRY_COST`).
pub const RETRY_COST: u32 = 5;
/// Tokens a retry after a timeout takes (`RETRY_TIMEOUT_COST`).
pub const TIMEOUT_RETRY_COST: u32 = 10;
/// Tokens a success without retries returns (`NO_RETRY_INCREMENT`).
pub const SUCCESS_REFUND: u32 = 1;

/// A token bucket limiting retries across all calls of a client.
#[derive(Debug)]
pub struct RetryBudget {
    tokens: Mutex<u32>,
    capacity: u32,
}

impl Default for RetryBudget {
    fn default() -> Self {
        Self::new(BUDGET_CAPACITY)
    }
}

impl RetryBudget {
    /// A full bucket of `capacity` tokens.
    pub fn new(capacity: u32) -> Self {
        Self {
            tokens: Mutex::new(capacity),
            capacity,
        }
    }

    /// Tokens left.
    pub fn available(&self) -> u32 {
        *self.tokens.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Takes `cost` tokens for a retry; `false` (and nothing taken) when too few are left.
    pub fn try_acquire(&self, cost: u32) -> bool {
        let mut t = self.tokens.lock().unwrap_or_else(|e| e.into_inner());
        if *t < cost {
            return false;
        }
        *t -= cost;
        true
    }

    /// Returns tokens after a success (never above the capacity).
    pub fn refund(&self, amount: u32) {
        let mut t = self.tokens.lock().unwrap_or_else(|e| e.into_inner());
        *t = (*t + amount).min(self.capacity);
    }

    /// The cost of retrying after `err`.
    pub fn cost_of(err: &Error) -> u32 {
        match err {
            Error::Timeout(_) => TIMEOUT_RETRY_COST,
            _ => RETRY_COST,
        }
    }
}

/// Whether a vendor error code means "temporarily unavailable" (Alibaba `ServiceUnavailable`,
/// `InternalError`), which may follow a partial execution: retried for idempotent calls.
pub fn is_unavailable_code(code: &str) -> bool {
    matches!(
        code,
        "ServiceUnavailable" | "InternalError" | "ServiceTimeout"
    )
}

/// Whether a vendor error code means "slow down, then try again".
pub fn is_throttling_code(code: &str) -> bool {
    code.starts_with("Throttling")
        || code == "RequestLimitExceeded"
        || code == "Busy"
        || code.ends_with(".Throttling")
        || code == "APIGW.0308" // Huawei API gateway: request throttled
}

/// Why a failed call may succeed when made again later (the retry table above); `None` for an
/// error repeating does not cure. The client's retries and the waiters both classify by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transience {
    /// The connection was never established: the request did not reach the service.
    NotConnected,
    /// The connection broke after the request was sent.
    Broken,
    /// The attempt timed out.
    TimedOut,
    /// HTTP 429 or a throttling code: refused before the operation ran.
    Throttled,
    /// HTTP 500, 502, 503, 504 or an unavailable code: the operation may or may not have run.
    Unavailable,
}

impl Transience {
    /// The class of `err`, `None` when repeating it would not help.
    pub fn of(err: &Error) -> Option<Self> {
        match err {
            Error::Transport { connect: true, .. } => Some(Self::NotConnected),
            Error::Transport { .. } => Some(Self::Broken),
            Error::Timeout(_) => Some(Self::TimedOut),
            Error::Service(s) => {
                if s.status == 429 || s.code.as_deref().is_some_and(is_throttling_code) {
                    Some(Self::Throttled)
                } else if matches!(s.status, 500 | 502 | 503 | 504)
                    || s.code.as_deref().is_some_and(is_unavailable_code)
                {
                    Some(Self::Unavailable)
                } else {
                    None
                }
            }
            _ => None,
        }
    }
}

impl RetryPolicy {
    /// A policy that never retries.
    pub fn none() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// Whether `err`, after `attempt` attempts (1-based), should be retried.
    pub fn should_retry(&self, err: &Error, attempt: u32, idempotent: bool) -> bool {
        if attempt >= self.max_attempts {
            return false;
        }
        let may_repeat = idempotent || self.retry_non_idempotent;
        if let Error::Service(s) = err {
            if let (Some(after), true) = (s.retry_after, self.honour_retry_after) {
                if after > self.max_retry_after {
                    return false;
                }
            }
        }
        match Transience::of(err) {
            // A connection that was never established did not reach the service: always safe.
            Some(Transience::NotConnected) => true,
            Some(Transience::Broken) => may_repeat,
            Some(Transience::TimedOut) => may_repeat && self.retry_timeouts,
            // Throttling is refused before the operation runs: safe for any call.
            Some(Transience::Throttled) => true,
            Some(Transience::Unavailable) => may_repeat,
            None => false,
        }
    }

    /// How long to wait before attempt `attempt + 1` (`attempt` is 1-based, so the first retry
    /// waits about `base_delay`). A `Retry-After` wins over the computed backoff.
    pub fn backoff(&self, attempt: u32, retry_after: Option<Duration>) -> Duration {
        if let (Some(after), true) = (retry_after, self.honour_retry_after) {
            return after.min(self.max_retry_after);
        }
        let exp = attempt.saturating_sub(1).min(30);
        let ceiling = self
            .base_delay
            .saturating_mul(1u32 << exp)
            .min(self.max_delay);
        if self.jitter {
            let nanos = ceiling.as_nanos().min(u128::from(u64::MAX)) as u64;
            Duration::from_nanos(fastrand::u64(0..=nanos))
        } else {
            ceiling
        }
    }
}

/// Parses Alibaba's `x-acs-retry-after`: a positive number of milliseconds.
pub fn parse_acs_retry_after(value: &str) -> Option<Duration> {
    match value.trim().parse::<u64>() {
        Ok(ms) if ms > 0 => Some(Duration::from_millis(ms)),
        _ => None,
    }
}

/// Parses a `Retry-After` value: delay seconds or an HTTP date (relative to `now`).
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let v = value.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = httpdate::parse_http_date(v).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ServiceError;

    fn svc(status: u16, code: Option<&str>) -> Error {
        Error::Service(ServiceError {
            status,
            code: code.map(str::to_owned),
            message: None,
            request_id: None,
            retry_after: None,
            body_excerpt: String::new(),
        })
    }

    #[test]
    fn classifies_retryable_errors() {
        let p = RetryPolicy::default();
        assert!(p.should_retry(&svc(429, None), 1, true));
        assert!(p.should_retry(&svc(503, None), 1, true));
        assert!(p.should_retry(&svc(400, Some("Throttling.User")), 1, true));
        assert!(p.should_retry(&svc(500, Some("ServiceUnavailable")), 2, true));
        assert!(!p.should_retry(&svc(500, Some("ServiceUnavailable")), 3, true));
        assert!(!p.should_retry(&svc(400, Some("InvalidParameter")), 1, true));
        for status in [500, 502, 503, 504] {
            assert!(p.should_retry(&svc(status, None), 1, true), "{status}");
            assert!(
                !p.should_retry(&svc(status, None), 1, false),
                "{status} non-idempotent: off by default"
            );
        }
        assert!(!p.should_retry(&svc(501, None), 1, true));
        assert!(
            p.should_retry(&svc(429, None), 1, false),
            "throttled: refused before running, retried for any call"
        );
        assert!(p.should_retry(&svc(400, Some("Throttling.User")), 1, false));
        assert!(p.should_retry(&svc(429, Some("APIGW.0308")), 1, false));
        let asked = RetryPolicy {
            retry_non_idempotent: true,
            ..RetryPolicy::default()
        };
        assert!(asked.should_retry(&svc(502, None), 1, false));
        let read = Error::Transport {
            message: "reset".into(),
            connect: false,
            source: None,
        };
        assert!(p.should_retry(&read, 1, true));
        assert!(!p.should_retry(&read, 1, false));
        assert!(p.should_retry(&Error::Timeout(Duration::from_secs(1)), 1, true));
        assert!(!p.should_retry(&Error::Timeout(Duration::from_secs(1)), 1, false));
        assert!(!p.should_retry(
            &Error::Credentials(crate::credentials::CredentialsError::NoAccessKey),
            1,
            true
        ));
        let connect = Error::Transport {
            message: "refused".into(),
            connect: true,
            source: None,
        };
        assert!(p.should_retry(&connect, 1, false));
        assert!(!RetryPolicy::none().should_retry(&connect, 1, true));
    }

    #[test]
    fn backoff_grows_caps_and_honours_retry_after() {
        let p = RetryPolicy {
            jitter: false,
            ..RetryPolicy::default()
        };
        assert_eq!(p.backoff(1, None), Duration::from_millis(200));
        assert_eq!(p.backoff(2, None), Duration::from_millis(400));
        assert_eq!(p.backoff(20, None), Duration::from_secs(10));
        assert_eq!(
            p.backoff(1, Some(Duration::from_secs(3))),
            Duration::from_secs(3)
        );
        let j = RetryPolicy::default();
        for _ in 0..100 {
            assert!(j.backoff(3, None) <= Duration::from_millis(800));
        }
    }

    #[test]
    fn budget_takes_and_refunds_tokens() {
        let b = RetryBudget::new(12);
        assert!(b.try_acquire(RETRY_COST));
        assert!(!b.try_acquire(TIMEOUT_RETRY_COST), "7 left");
        assert!(b.try_acquire(RETRY_COST));
        assert_eq!(b.available(), 2);
        b.refund(100);
        assert_eq!(b.available(), 12, "capped at the capacity");
        assert_eq!(
            RetryBudget::cost_of(&Error::Timeout(Duration::ZERO)),
            TIMEOUT_RETRY_COST
        );
    }

    #[test]
    fn parses_acs_retry_after_milliseconds() {
        assert_eq!(
            parse_acs_retry_after("1500"),
            Some(Duration::from_millis(1500))
        );
        assert_eq!(parse_acs_retry_after("0"), None);
        assert_eq!(parse_acs_retry_after("-3"), None);
        assert_eq!(parse_acs_retry_after("soon"), None);
    }

    #[test]
    fn parses_retry_after_both_forms() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000_000);
        assert_eq!(parse_retry_after(" 5 ", now), Some(Duration::from_secs(5)));
        let later = httpdate::fmt_http_date(now + Duration::from_secs(30));
        assert_eq!(
            parse_retry_after(&later, now),
            Some(Duration::from_secs(30))
        );
        assert_eq!(parse_retry_after("soon", now), None);
    }
}
