//! Waiters: call a describe (or filtered list) operation until a resource reaches a state.
//!
//! A generated client has one thin method per waiter its spec yields
//! (`client.wait_until_instance_running(&request, &WaiterConfig::default())`); each names a
//! [`Waiter`] — its acceptor table: which response field holds the state, which values end the
//! wait as a success or a failure, which ones the document says come first, which error codes
//! mean "gone" — and hands [`wait`] (or [`wait_until_gone`]) the call to repeat. There is one
//! polling loop, here. It polls at once, then after a delay that doubles from
//! [`WaiterConfig::min_delay`] up to [`WaiterConfig::max_delay`], each delay drawn from its upper
//! half (jitter, so many waiters started together do not poll in step; a
//! [`WaiterConfig::seed`] makes the draws repeatable), and ends:
//!
//! * with the response, when the field has a value and every value is a success value;
//! * with [`WaitError::Failed`] as soon as one value is a failure value (a resource that failed
//!   to create will not become ready: no point waiting out the timeout);
//! * with [`WaitError::TimedOut`] once [`WaiterConfig::timeout`] has passed since the first call
//!   (the last poll is made at the deadline, not skipped), naming the last state seen and the
//!   last transient error, if the last poll failed;
//! * with [`WaitError::Call`] when a call fails with an error that waiting does not cure (bad
//!   credentials, a wrong id, a bad parameter).
//!
//! | The poll answers | `wait` | `wait_until_gone` |
//! |------------------|--------|-------------------|
//! | every value of the field a success value | success: the response | keep polling (not deleted yet) |
//! | a failure value | [`WaitError::Failed`] | [`WaitError::Failed`] |
//! | a documented pending value ([`Waiter::retry`]), another value, none yet (empty list, missing or `null` field) | keep polling | keep polling |
//! | a filtered list without the resource ([`Waiter::lists`]) | keep polling | success |
//! | one of the not-found codes ([`Waiter::not_found`]) | [`WaitError::Call`] | success |
//! | a transient error: connection failure, timeout, HTTP 429/500/502/503/504, a throttling or "unavailable" code | keep polling (the client's own retries ran out; the wait has time left) | keep polling |
//! | any other error | [`WaitError::Call`] | [`WaitError::Call`] |
//!
//! Time is `tokio::time`, so tests run waiters under a paused clock without real sleeps.

use crate::error::Error;
use serde::Serialize;
use serde_json::Value;
use std::future::Future;
use std::time::Duration;

/// What a spec says about one waiter: where the state is and which values end the wait.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Waiter {
    /// Name (`instance_running`), for messages.
    pub name: &'static str,
    /// Path of the state in the response, by wire names: dotted, `[]` after a list
    /// (`status`, `InstanceList.InstanceVO[].ServiceStatus`).
    pub field: &'static str,
    /// Values that end the wait successfully (all values of the field must be one). Numbers and
    /// booleans are compared by their JSON text (`5`).
    pub success: &'static [&'static str],
    /// Values that end it with [`WaitError::Failed`] (any value being one).
    pub failure: &'static [&'static str],
    /// Values the document says a resource passes through first (`CREATING`): polling goes on,
    /// as it does for a value in none of the lists (a state the document does not name).
    pub retry: &'static [&'static str],
    /// Error codes with which the service says the resource does not exist: the success of a
    /// deletion waiter; a failed call for the others.
    pub not_found: &'static [&'static str],
}

/// Where a response leaves the waiter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum State {
    /// Every value is a success value.
    Success,
    /// A value is a failure value.
    Failure(String),
    /// Keep polling; the first value that is not a success value, if any.
    Pending(Option<String>),
}

/// Whether a failed call may succeed when repeated later: the connection was not made or
/// broke, the call timed out, or the service was throttling or unavailable (HTTP 429, 500, 502,
/// 503, 504, or a throttling/unavailable code as [`crate::retry`] lists them). A waiter keeps
/// polling through these; the describe calls it repeats only read.
pub fn is_transient(error: &Error) -> bool {
    crate::retry::Transience::of(error).is_some()
}

impl Waiter {
    /// The state of one response (as JSON with wire names).
    pub fn classify(&self, response: &Value) -> State {
        let mut values = Vec::new();
        collect(response, &segments(self.field), &mut values);
        if let Some(bad) = values.iter().find(|v| self.failure.contains(&v.as_str())) {
            return State::Failure(bad.clone());
        }
        match values.iter().find(|v| !self.success.contains(&v.as_str())) {
            None if !values.is_empty() => State::Success,
            other => State::Pending(other.cloned()),
        }
    }

    /// Whether the state is read from a list's items (a list filtered by the resource's id
    /// stands for the describe a service lacks: Alibaba Kafka's `GetInstanceList`).
    pub fn lists(&self) -> bool {
        self.field.contains("[]")
    }

    /// Whether `error` is the service saying the resource does not exist.
    pub fn is_not_found(&self, error: &Error) -> bool {
        error
            .as_service()
            .and_then(|s| s.code.as_deref())
            .is_some_and(|code| self.not_found.contains(&code))
    }
}

/// `a.b[].c` → `[("a", false), ("b", true), ("c", false)]`.
fn segments(path: &str) -> Vec<(&str, bool)> {
    path.split('.')
        .filter(|s| !s.is_empty())
        .map(|s| match s.strip_suffix("[]") {
            Some(name) => (name, true),
            None => (s, false),
        })
        .collect()
}

fn collect(v: &Value, path: &[(&str, bool)], out: &mut Vec<String>) {
    let Some(((name, list), rest)) = path.split_first() else {
        match v {
            Value::Null => {}
            Value::String(s) => out.push(s.clone()),
            Value::Array(items) => items.iter().for_each(|i| collect(i, &[], out)),
            other => out.push(other.to_string()),
        }
        return;
    };
    let Some(next) = v.get(name) else { return };
    match (list, next) {
        (true, Value::Array(items)) => items.iter().for_each(|i| collect(i, rest, out)),
        // Alibaba's XML-converted JSON gives a one-element list as the element itself.
        _ => collect(next, rest, out),
    }
}

/// How long and how often a waiter polls.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WaiterConfig {
    /// Give up when this much time has passed since the first call.
    pub timeout: Duration,
    /// Delay before the second poll (before jitter); it doubles with each poll.
    pub min_delay: Duration,
    /// Upper bound of the delay.
    pub max_delay: Duration,
    /// Seed of the jitter's random draws (`None`: a fresh seed per wait). With a seed, and
    /// tokio's paused clock, a wait polls at the same instants every run.
    pub seed: Option<u64>,
}

impl Default for WaiterConfig {
    /// 30 minutes (a Kafka instance or a microservice engine takes minutes to create),
    /// polling after 5 s, 10 s, 20 s, … up to once a minute (each less up to half, for jitter).
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(30 * 60),
            min_delay: Duration::from_secs(5),
            max_delay: Duration::from_secs(60),
            seed: None,
        }
    }
}

impl WaiterConfig {
    /// The default delays with another timeout.
    pub fn with_timeout(timeout: Duration) -> Self {
        Self {
            timeout,
            ..Self::default()
        }
    }

    /// Other delays (`min` is raised to 1 ms, `max` to `min`).
    pub fn delays(mut self, min: Duration, max: Duration) -> Self {
        self.min_delay = min.max(Duration::from_millis(1));
        self.max_delay = max.max(self.min_delay);
        self
    }

    /// Repeatable jitter: the draws come from `seed`.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = Some(seed);
        self
    }

    /// The delay after poll `n` (1-based) before jitter.
    pub fn delay(&self, n: u32) -> Duration {
        let factor = 1u32.checked_shl(n.saturating_sub(1)).unwrap_or(u32::MAX);
        self.min_delay.saturating_mul(factor).min(self.max_delay)
    }

    /// The delay after poll `n` with jitter: in the upper half of [`WaiterConfig::delay`],
    /// `fraction` (0–1) of the way up.
    pub fn jittered(&self, n: u32, fraction: f64) -> Duration {
        let full = self.delay(n);
        full / 2 + full.mul_f64(fraction.clamp(0.0, 1.0) / 2.0)
    }
}

/// Why a waiter stopped without success.
#[derive(Debug, thiserror::Error)]
pub enum WaitError {
    /// The resource reached a failure state.
    #[error("waiter {waiter}: the resource is {state:?}, a failure state")]
    Failed {
        /// The waiter.
        waiter: &'static str,
        /// The failure value seen.
        state: String,
    },
    /// The timeout passed before a success state.
    #[error(
        "waiter {waiter}: gave up after {polls} polls in {elapsed:?}; last state {last_state:?}{}",
        last_error.as_ref().map(|e| format!("; the last poll failed: {e}")).unwrap_or_default()
    )]
    TimedOut {
        /// The waiter.
        waiter: &'static str,
        /// Calls made.
        polls: u32,
        /// Time since the first call.
        elapsed: Duration,
        /// The last value seen that was not a success value (`None`: no value was seen).
        last_state: Option<String>,
        /// The transient error of the last poll, when it failed.
        #[source]
        last_error: Option<Error>,
    },
    /// A call failed.
    #[error("waiter {waiter}: {source}")]
    Call {
        /// The waiter.
        waiter: &'static str,
        /// The call's error.
        #[source]
        source: Error,
    },
}

impl WaitError {
    /// The call's error, if a call failed.
    pub fn as_call(&self) -> Option<&Error> {
        match self {
            WaitError::Call { source, .. } => Some(source),
            _ => None,
        }
    }

    /// The state the waiter saw last: the failure value, or the last pending value when it
    /// timed out (`None` for a failed call, or when no value was seen).
    pub fn last_state(&self) -> Option<&str> {
        match self {
            WaitError::Failed { state, .. } => Some(state),
            WaitError::TimedOut { last_state, .. } => last_state.as_deref(),
            WaitError::Call { .. } => None,
        }
    }
}

/// Polls `call` until `waiter` says the response is a success (returned) or a failure, or the
/// timeout passes (see the module docs).
pub async fn wait<T, F, Fut>(
    waiter: &Waiter,
    config: &WaiterConfig,
    mut call: F,
) -> Result<T, WaitError>
where
    T: Serialize,
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, Error>>,
{
    match poll(waiter, config, Goal::State, &mut call).await? {
        Some(response) => Ok(response),
        // `poll` answers `None` only for `Goal::Gone`.
        None => unreachable!("a state waiter ends with a response"),
    }
}

/// Polls `call` until the service answers that the resource does not exist (one of
/// [`Waiter::not_found`]), with the same failure values, delays and timeout as [`wait`]
/// (a resource whose deletion failed will not go away).
pub async fn wait_until_gone<T, F, Fut>(
    waiter: &Waiter,
    config: &WaiterConfig,
    mut call: F,
) -> Result<(), WaitError>
where
    T: Serialize,
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, Error>>,
{
    poll(waiter, config, Goal::Gone, &mut call)
        .await
        .map(|_| ())
}

/// What ends a wait successfully.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Goal {
    /// A success value of the field.
    State,
    /// A not-found answer.
    Gone,
}

/// The loop of both waiters: `Ok(Some(response))` on a success state (goal `State`),
/// `Ok(None)` on a not-found answer (goal `Gone`).
async fn poll<T, F, Fut>(
    waiter: &Waiter,
    config: &WaiterConfig,
    goal: Goal,
    call: &mut F,
) -> Result<Option<T>, WaitError>
where
    T: Serialize,
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, Error>>,
{
    let gone = goal == Goal::Gone;
    let start = tokio::time::Instant::now();
    let mut polls = 0u32;
    let mut rng = match config.seed {
        Some(seed) => fastrand::Rng::with_seed(seed),
        None => fastrand::Rng::new(),
    };
    let mut last_state = None;
    loop {
        polls = polls.saturating_add(1);
        let last_error = match call().await {
            Err(e) if gone && waiter.is_not_found(&e) => return Ok(None),
            Err(e) if is_transient(&e) => {
                tracing::debug!(waiter = waiter.name, polls, error = %e, "waiter: transient error, polling on");
                Some(e)
            }
            Err(source) => {
                return Err(WaitError::Call {
                    waiter: waiter.name,
                    source,
                })
            }
            Ok(response) => {
                let json = serde_json::to_value(&response).unwrap_or(Value::Null);
                // A list filtered by the resource's id that no longer holds it: gone.
                if gone && waiter.lists() && json_state(waiter, &json).is_none() {
                    return Ok(None);
                }
                last_state = match waiter.classify(&json) {
                    State::Success if !gone => return Ok(Some(response)),
                    // Still there, in its final state: a deletion not yet seen.
                    State::Success => json_state(waiter, &json),
                    State::Failure(state) => {
                        return Err(WaitError::Failed {
                            waiter: waiter.name,
                            state,
                        })
                    }
                    State::Pending(state) => state,
                };
                None
            }
        };
        let elapsed = start.elapsed();
        let Some(remaining) = config.timeout.checked_sub(elapsed).filter(|r| !r.is_zero()) else {
            return Err(WaitError::TimedOut {
                waiter: waiter.name,
                polls,
                elapsed,
                last_state,
                last_error,
            });
        };
        let delay = config.jittered(polls, rng.f64());
        tokio::time::sleep(delay.min(remaining)).await;
    }
}

/// The first value of the waiter's field (for a deletion waiter's messages).
fn json_state(waiter: &Waiter, json: &Value) -> Option<String> {
    let mut values = Vec::new();
    collect(json, &segments(waiter.field), &mut values);
    values.into_iter().next()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ServiceError;
    use serde_json::json;
    use std::cell::RefCell;
    use std::collections::VecDeque;

    const RUNNING: Waiter = Waiter {
        name: "instance_running",
        field: "InstanceList.InstanceVO[].ServiceStatus",
        success: &["5"],
        failure: &["15"],
        retry: &["0", "1"],
        not_found: &[],
    };

    const TOP: Waiter = Waiter {
        name: "instance_running",
        field: "status",
        success: &["RUNNING"],
        failure: &["FAULTY"],
        retry: &["CREATING"],
        not_found: &["DMS.00404022"],
    };

    #[test]
    fn states_from_nested_lists_and_scalars() {
        let list = |s: Value| json!({"InstanceList": {"InstanceVO": s}});
        assert_eq!(
            RUNNING.classify(&list(json!([{"ServiceStatus": 5}]))),
            State::Success
        );
        // A single element where a list is expected (Alibaba's XML-converted JSON).
        assert_eq!(
            RUNNING.classify(&list(json!({"ServiceStatus": "5"}))),
            State::Success
        );
        assert_eq!(
            RUNNING.classify(&list(json!([{"ServiceStatus": 5}, {"ServiceStatus": 1}]))),
            State::Pending(Some("1".into()))
        );
        assert_eq!(
            RUNNING.classify(&list(json!([{"ServiceStatus": 1}, {"ServiceStatus": 15}]))),
            State::Failure("15".into())
        );
        assert_eq!(RUNNING.classify(&list(json!([]))), State::Pending(None));
        assert_eq!(RUNNING.classify(&json!({})), State::Pending(None));
        assert_eq!(TOP.classify(&json!({"status": "RUNNING"})), State::Success);
        assert_eq!(TOP.classify(&json!({"status": null})), State::Pending(None));
        assert_eq!(
            TOP.classify(&json!({"status": "running"})),
            State::Pending(Some("running".into())),
            "values are compared exactly, as the service spells them"
        );
    }

    #[test]
    fn delays_double_up_to_the_bound() {
        let c = WaiterConfig::default();
        let secs: Vec<u64> = (1..=6).map(|n| c.delay(n).as_secs()).collect();
        assert_eq!(secs, [5, 10, 20, 40, 60, 60]);
        assert_eq!(c.delay(200), Duration::from_secs(60));
        let c = WaiterConfig::with_timeout(Duration::ZERO).delays(Duration::ZERO, Duration::ZERO);
        assert_eq!(c.min_delay, Duration::from_millis(1));
        assert_eq!(c.max_delay, Duration::from_millis(1));
    }

    /// A describe call answering the scripted results in turn and recording when it was called
    /// (on the paused tokio clock, milliseconds since the start).
    struct Script {
        answers: RefCell<VecDeque<Result<Value, Error>>>,
        calls: RefCell<Vec<u128>>,
        start: tokio::time::Instant,
    }

    impl Script {
        fn new(answers: Vec<Result<Value, Error>>) -> Self {
            Self {
                answers: RefCell::new(answers.into()),
                calls: RefCell::new(Vec::new()),
                start: tokio::time::Instant::now(),
            }
        }

        async fn call(&self) -> Result<Value, Error> {
            self.calls
                .borrow_mut()
                .push(self.start.elapsed().as_millis());
            let next = self.answers.borrow_mut().pop_front();
            next.unwrap_or_else(|| Ok(json!({"status": "CREATING"})))
        }

        fn calls(&self) -> Vec<u128> {
            self.calls.borrow().clone()
        }
    }

    fn status(s: &str) -> Result<Value, Error> {
        Ok(json!({"status": s, "name": "k1"}))
    }

    fn service_error(code: &str) -> Error {
        service_error_with(404, code)
    }

    fn service_error_with(status: u16, code: &str) -> Error {
        Error::Service(ServiceError {
            status,
            code: Some(code.into()),
            message: Some("This instance does not exist.".into()),
            request_id: None,
            retry_after: None,
            body_excerpt: String::new(),
        })
    }

    fn config(timeout_s: u64) -> WaiterConfig {
        WaiterConfig::with_timeout(Duration::from_secs(timeout_s))
            .delays(Duration::from_secs(2), Duration::from_secs(8))
    }

    #[tokio::test(start_paused = true)]
    async fn ends_with_the_response_once_the_state_is_a_success() {
        let s = Script::new(vec![
            status("CREATING"),
            status("CREATING"),
            status("RUNNING"),
        ]);
        let out = wait(&TOP, &config(600), || s.call()).await.unwrap();
        assert_eq!(out, json!({"status": "RUNNING", "name": "k1"}));
        let calls = s.calls();
        assert_eq!(calls.len(), 3);
        assert_eq!(calls[0], 0, "the first poll is immediate");
        // Jitter: each delay is in the upper half of 2 s, then of 4 s.
        let gaps: Vec<u128> = calls.windows(2).map(|w| w[1] - w[0]).collect();
        assert!((1000..=2000).contains(&gaps[0]), "{gaps:?}");
        assert!((2000..=4000).contains(&gaps[1]), "{gaps:?}");
    }

    #[tokio::test(start_paused = true)]
    async fn a_failure_value_ends_the_wait_at_once() {
        let s = Script::new(vec![
            status("CREATING"),
            status("FAULTY"),
            status("RUNNING"),
        ]);
        let err = wait(&TOP, &config(600), || s.call()).await.unwrap_err();
        assert!(
            matches!(&err, WaitError::Failed { waiter: "instance_running", state } if state == "FAULTY"),
            "{err:?}"
        );
        assert_eq!(s.calls().len(), 2);
    }

    #[tokio::test(start_paused = true)]
    async fn gives_up_at_the_timeout_after_a_last_poll_at_the_deadline() {
        let s = Script::new(vec![]);
        let err = wait(&TOP, &config(30), || s.call()).await.unwrap_err();
        let WaitError::TimedOut {
            polls,
            elapsed,
            last_state,
            last_error,
            ..
        } = &err
        else {
            panic!("{err:?}")
        };
        assert_eq!(last_state.as_deref(), Some("CREATING"));
        assert!(last_error.is_none(), "{last_error:?}");
        assert_eq!(err.last_state(), Some("CREATING"));
        assert_eq!(
            *elapsed,
            Duration::from_secs(30),
            "the last poll is at the deadline"
        );
        let calls = s.calls();
        assert_eq!(*polls as usize, calls.len());
        assert_eq!(*calls.last().unwrap(), 30_000);
        // Delays grow to the 8 s bound: 2, 4, 8, 8 … (each 50–100 %): at least 5 polls in 30 s.
        assert!((5..=15).contains(&calls.len()), "{calls:?}");
        assert!(
            err.to_string().contains("last state Some(\"CREATING\")"),
            "{err}"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_failed_call_ends_the_wait_with_its_error() {
        let s = Script::new(vec![status("CREATING"), Err(service_error("DMS.00404022"))]);
        let err = wait(&TOP, &config(600), || s.call()).await.unwrap_err();
        let source = err.as_call().expect("a call error");
        assert_eq!(
            source.as_service().and_then(|e| e.code.as_deref()),
            Some("DMS.00404022")
        );
        assert_eq!(s.calls().len(), 2);
    }

    #[tokio::test(start_paused = true)]
    async fn a_missing_or_null_field_keeps_polling() {
        let s = Script::new(vec![
            Ok(json!({"name": "k1"})),
            Ok(json!({"status": null})),
            Ok(json!({"InstanceList": {"InstanceVO": []}})),
            status("RUNNING"),
        ]);
        wait(&TOP, &config(600), || s.call()).await.unwrap();
        assert_eq!(s.calls().len(), 4);
        let s = Script::new(vec![
            Ok(json!({"InstanceList": {"InstanceVO": []}})),
            Ok(json!({"InstanceList": {"InstanceVO": [{"ServiceStatus": 1}]}})),
            Ok(json!({"InstanceList": {"InstanceVO": [{"ServiceStatus": 5}]}})),
        ]);
        wait(&RUNNING, &config(600), || s.call()).await.unwrap();
        assert_eq!(s.calls().len(), 3);
    }

    #[tokio::test(start_paused = true)]
    async fn a_deletion_waiter_ends_when_the_service_answers_not_found() {
        let s = Script::new(vec![
            status("RUNNING"),
            status("DELETING"),
            Err(service_error("DMS.00404022")),
        ]);
        wait_until_gone(&TOP, &config(600), || s.call())
            .await
            .unwrap();
        assert_eq!(s.calls().len(), 3);
        // Another error code is a failed call, not a deletion.
        let s = Script::new(vec![Err(service_error("DMS.00400026"))]);
        let err = wait_until_gone(&TOP, &config(600), || s.call())
            .await
            .unwrap_err();
        assert!(err.as_call().is_some(), "{err:?}");
        // A failure state (a deletion that failed) ends it too.
        let s = Script::new(vec![status("DELETING"), status("FAULTY")]);
        let err = wait_until_gone(&TOP, &config(600), || s.call())
            .await
            .unwrap_err();
        assert!(matches!(err, WaitError::Failed { .. }), "{err:?}");
    }

    #[tokio::test(start_paused = true)]
    async fn a_deletion_waiter_on_a_filtered_list_ends_when_the_list_no_longer_holds_it() {
        let s = Script::new(vec![
            Ok(json!({"InstanceList": {"InstanceVO": [{"ServiceStatus": 5}]}})),
            Ok(json!({"InstanceList": {"InstanceVO": []}})),
        ]);
        wait_until_gone(&RUNNING, &config(600), || s.call())
            .await
            .unwrap();
        assert_eq!(s.calls().len(), 2);
        // A describe answer without the status is no deletion.
        let s = Script::new(vec![Ok(json!({"status": null}))]);
        let err = wait_until_gone(&TOP, &config(0), || s.call())
            .await
            .unwrap_err();
        assert!(matches!(err, WaitError::TimedOut { .. }), "{err:?}");
    }

    fn connect_failure() -> Error {
        Error::Transport {
            message: "connection refused".into(),
            connect: true,
            source: None,
        }
    }

    #[test]
    fn transient_errors_are_those_waiting_may_cure() {
        assert!(is_transient(&connect_failure()));
        assert!(is_transient(&Error::Timeout(Duration::from_secs(30))));
        for status in [429, 500, 502, 503, 504] {
            assert!(is_transient(&service_error_with(status, "X")), "{status}");
        }
        assert!(is_transient(&service_error_with(400, "Throttling.User")));
        assert!(is_transient(&service_error_with(200, "ServiceUnavailable")));
        assert!(is_transient(&service_error_with(429, "APIGW.0308")));
        assert!(!is_transient(&service_error_with(404, "DMS.00404022")));
        assert!(!is_transient(&service_error_with(403, "APIGW.0301")));
        assert!(!is_transient(&Error::Credentials(
            crate::credentials::CredentialsError::NoAccessKey
        )));
        assert!(!is_transient(&Error::InvalidRequest(
            crate::RequestError::EmptyRegion
        )));
    }

    #[tokio::test(start_paused = true)]
    async fn transient_errors_keep_it_polling() {
        let s = Script::new(vec![
            status("CREATING"),
            Err(service_error_with(503, "SYS.0503")),
            Err(connect_failure()),
            Err(service_error_with(400, "Throttling.User")),
            status("RUNNING"),
        ]);
        let out = wait(&TOP, &config(600), || s.call()).await.unwrap();
        assert_eq!(out["status"], "RUNNING");
        assert_eq!(s.calls().len(), 5);
        // A deletion waiter too, until the not-found answer.
        let s = Script::new(vec![
            Err(Error::Timeout(Duration::from_secs(30))),
            status("DELETING"),
            Err(service_error_with(502, "Bad Gateway")),
            Err(service_error("DMS.00404022")),
        ]);
        wait_until_gone(&TOP, &config(600), || s.call())
            .await
            .unwrap();
        assert_eq!(s.calls().len(), 4);
    }

    #[tokio::test(start_paused = true)]
    async fn a_timeout_after_transient_errors_names_the_last_state_and_error() {
        let mut answers = vec![status("CREATING")];
        answers.extend((0..50).map(|_| Err(service_error_with(503, "SYS.0503"))));
        let s = Script::new(answers);
        let err = wait(&TOP, &config(20), || s.call()).await.unwrap_err();
        let WaitError::TimedOut {
            last_state,
            last_error: Some(last_error),
            ..
        } = &err
        else {
            panic!("{err:?}")
        };
        assert_eq!(
            last_state.as_deref(),
            Some("CREATING"),
            "the last state seen"
        );
        assert_eq!(last_error.as_service().map(|e| e.status), Some(503));
        let text = err.to_string();
        assert!(
            text.contains("last state Some(\"CREATING\")") && text.contains("the last poll failed"),
            "{text}"
        );
        assert!(std::error::Error::source(&err).is_some());
    }

    /// The instants (ms) at which a waiter that never succeeds polls, with `seed`.
    async fn poll_times(seed: u64) -> Vec<u128> {
        let s = Script::new(vec![]);
        let c = WaiterConfig::with_timeout(Duration::from_secs(40))
            .delays(Duration::from_secs(1), Duration::from_secs(8))
            .seed(seed);
        wait(&TOP, &c, || s.call()).await.unwrap_err();
        s.calls()
    }

    #[tokio::test(start_paused = true)]
    async fn backoff_doubles_to_the_bound_with_jitter_repeatable_by_seed() {
        let calls = poll_times(7).await;
        let gaps: Vec<u128> = calls.windows(2).map(|w| w[1] - w[0]).collect();
        // 1, 2, 4, 8, 8 … s, each drawn from the upper half; the last one cut at the deadline.
        let bounds = [
            1000u128, 2000, 4000, 8000, 8000, 8000, 8000, 8000, 8000, 8000,
        ];
        for (i, gap) in gaps[..gaps.len() - 1].iter().enumerate() {
            assert!(
                (bounds[i] / 2..=bounds[i]).contains(gap),
                "gap {i} is {gap} ms, not in the upper half of {} ms: {gaps:?}",
                bounds[i]
            );
        }
        assert!(gaps.len() >= 5, "{gaps:?}");
        assert_eq!(
            *calls.last().unwrap(),
            40_000,
            "the last poll at the deadline"
        );
        // The same seed, the same instants; another seed, other ones.
        assert_eq!(poll_times(7).await, calls);
        assert_ne!(poll_times(8).await, calls);
        let c = WaiterConfig::default();
        assert_eq!(c.jittered(1, 0.0), Duration::from_millis(2500));
        assert_eq!(c.jittered(1, 1.0), Duration::from_secs(5));
        assert_eq!(c.jittered(9, 0.5), Duration::from_secs(45));
    }
}
