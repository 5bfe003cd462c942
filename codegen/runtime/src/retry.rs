//! Retry policy: exponential backoff with full jitter on throttling, 429/503 and connection
//! errors, honouring `Retry-After`; off for non-idempotent calls unless asked.

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
        }
    }
}

/// Whether a vendor error code means "slow down, then try again".
pub fn is_throttling_code(code: &str) -> bool {
    code.starts_with("Throttling")
        || code == "ServiceUnavailable"
        || code == "RequestLimitExceeded"
        || code == "Busy"
        || code.ends_with(".Throttling")
        || code == "APIGW.0308" // Huawei API gateway: request throttled
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
        match err {
            // A connection that was never established did not reach the service: always safe.
            Error::Transport { connect: true, .. } => true,
            Error::Transport { .. } => may_repeat,
            Error::Timeout(_) => may_repeat && self.retry_timeouts,
            Error::Service(s) => {
                if !may_repeat {
                    return false;
                }
                if let (Some(after), true) = (s.retry_after, self.honour_retry_after) {
                    if after > self.max_retry_after {
                        return false;
                    }
                }
                s.status == 429
                    || s.status == 503
                    || s.code.as_deref().is_some_and(is_throttling_code)
            }
            _ => false,
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
        assert!(
            !p.should_retry(&svc(429, None), 1, false),
            "non-idempotent: off by default"
        );
        let asked = RetryPolicy {
            retry_non_idempotent: true,
            ..RetryPolicy::default()
        };
        assert!(asked.should_retry(&svc(429, None), 1, false));
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
