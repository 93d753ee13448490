//! When the client tries a call again, and how long it waits first.
//!
//! Every awsQuery call is a `POST`, so the client assumes a call has side effects unless
//! the model says otherwise (see [`RetrySafety`]). The rule that follows: a call is only
//! repeated when the failed attempt provably did nothing, or when doing it twice is
//! harmless.
//!
//! | what went wrong | retried |
//! | --- | --- |
//! | throttling error ([`THROTTLING_CODES`], or HTTP 429): the service refused the call | always |
//! | connection not established (connect error or connect timeout): nothing was sent | always |
//! | 5xx error response, or a transient code ([`TRANSIENT_CODES`]) | only retry-safe operations |
//! | connection lost or attempt timed out after sending | only retry-safe operations |
//! | unparseable 502/503/504 (an HTML page from a proxy or load balancer) | only retry-safe operations |
//! | any other unparseable response (e.g. an HTML 500 page) | never |
//! | any other error response | never |
//!
//! Waits grow exponentially with "full jitter": before attempt `n + 1` the client sleeps a
//! random time in `[0, min(max_backoff, initial_backoff × 2ⁿ⁻¹)]`.

use std::time::Duration;

/// Error codes that mean the service refused the call because of request rate.
pub const THROTTLING_CODES: &[&str] = &[
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "TooManyRequestsException",
    "ProvisionedThroughputExceededException",
    "TransactionInProgressException",
    "RequestLimitExceeded",
    "BandwidthLimitExceeded",
    "LimitExceededException",
    "RequestThrottled",
    "SlowDown",
    "PriorRequestNotComplete",
    "EC2ThrottledException",
];

/// Error codes of failures that may be transient but may also have happened after the
/// service acted.
pub const TRANSIENT_CODES: &[&str] = &[
    "RequestTimeout",
    "RequestTimeoutException",
    "InternalError",
    "InternalFailure",
    "ServiceUnavailable",
];

/// Whether an operation may be repeated after an attempt that may have reached the
/// service.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetrySafety {
    /// The model marks it `@readonly`, or its name says it only reads (`Describe…`,
    /// `List…`, AWS's naming rule for read-only operations).
    ReadOnly,
    /// The model marks it `@idempotent`.
    Idempotent,
    /// Neither: doing it twice may do twice what it does.
    NotSafe,
}

impl RetrySafety {
    /// Whether a repeat is harmless.
    pub fn is_safe(self) -> bool {
        !matches!(self, Self::NotSafe)
    }
}

/// How a failed attempt ended, as far as retrying is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure<'a> {
    /// An error response with this status and code.
    ErrorResponse {
        /// HTTP status.
        status: u16,
        /// The error code.
        code: &'a str,
    },
    /// A response that could not be parsed, with this status.
    Unparseable {
        /// HTTP status.
        status: u16,
    },
    /// The connection could not be established; nothing was sent.
    NotSent,
    /// The connection failed or timed out after the request may have been sent.
    MaybeSent,
}

/// Whether the failure proves the call was not carried out.
fn not_performed(failure: Failure<'_>) -> bool {
    match failure {
        Failure::ErrorResponse { status, code } => {
            status == 429 || THROTTLING_CODES.contains(&code)
        }
        Failure::NotSent => true,
        Failure::Unparseable { .. } | Failure::MaybeSent => false,
    }
}

/// Whether the failure may go away on its own.
fn transient(failure: Failure<'_>) -> bool {
    match failure {
        Failure::ErrorResponse { status, code } => {
            (500..600).contains(&status) || TRANSIENT_CODES.contains(&code)
        }
        Failure::Unparseable { status } => matches!(status, 502..=504),
        Failure::NotSent | Failure::MaybeSent => true,
    }
}

/// Whether an attempt that ended in `failure` should be tried again, for an operation
/// with `safety` (attempt limits are checked separately).
pub fn should_retry(failure: Failure<'_>, safety: RetrySafety) -> bool {
    not_performed(failure) || (safety.is_safe() && transient(failure))
}

/// Retry settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryConfig {
    max_attempts: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
}

impl Default for RetryConfig {
    /// 3 attempts, backoff from up to 100 ms, capped at 20 s.
    fn default() -> Self {
        Self {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(20),
        }
    }
}

impl RetryConfig {
    /// The most attempts a client accepts for one call ([`ConfigBuilder::build`] refuses
    /// more): with the default backoff, 20 attempts already wait up to about five minutes.
    ///
    /// [`ConfigBuilder::build`]: super::client::ConfigBuilder::build
    pub const MAX_ATTEMPTS: u32 = 20;

    /// No retries: every call is one attempt.
    pub fn disabled() -> Self {
        Self::default().max_attempts(1)
    }

    /// Attempts per call, including the first (at least 1, at most [`Self::MAX_ATTEMPTS`]:
    /// a configuration with more is refused when it is built).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The upper bound of the first wait.
    pub fn initial_backoff(mut self, backoff: Duration) -> Self {
        self.initial_backoff = backoff;
        self
    }

    /// The upper bound of any wait.
    pub fn max_backoff(mut self, backoff: Duration) -> Self {
        self.max_backoff = backoff;
        self
    }

    /// Attempts per call, including the first.
    pub fn attempts(&self) -> u32 {
        self.max_attempts
    }

    /// The wait before attempt `attempt + 1`, after `attempt` (≥ 1) attempts failed.
    /// `random` is a uniformly random `u64`.
    pub fn backoff(&self, attempt: u32, random: u64) -> Duration {
        let exponent = attempt.saturating_sub(1).min(30);
        let ceiling = self
            .initial_backoff
            .saturating_mul(1 << exponent)
            .min(self.max_backoff);
        let nanos = u64::try_from(ceiling.as_nanos()).unwrap_or(u64::MAX);
        if nanos == 0 {
            return Duration::ZERO;
        }
        // `random % (nanos + 1)` is within [0, nanos]; the bias is irrelevant here.
        Duration::from_nanos(random % nanos.saturating_add(1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAFE: RetrySafety = RetrySafety::ReadOnly;
    const UNSAFE: RetrySafety = RetrySafety::NotSafe;

    fn response(status: u16, code: &str) -> Failure<'_> {
        Failure::ErrorResponse { status, code }
    }

    #[test]
    fn throttling_is_retried_for_every_operation() {
        for code in [
            "Throttling",
            "ThrottlingException",
            "RequestLimitExceeded",
            "TooManyRequestsException",
        ] {
            assert!(should_retry(response(400, code), UNSAFE), "{code}");
            assert!(should_retry(response(400, code), SAFE), "{code}");
        }
        assert!(should_retry(response(429, "Whatever"), UNSAFE));
    }

    #[test]
    fn server_errors_are_retried_only_when_safe() {
        for failure in [
            response(500, "InternalFailure"),
            response(503, "ServiceUnavailable"),
            response(400, "RequestTimeout"),
            Failure::MaybeSent,
            Failure::Unparseable { status: 503 },
            Failure::Unparseable { status: 502 },
        ] {
            assert!(should_retry(failure, SAFE), "{failure:?}");
            assert!(
                should_retry(failure, RetrySafety::Idempotent),
                "{failure:?}"
            );
            assert!(!should_retry(failure, UNSAFE), "{failure:?}");
        }
    }

    #[test]
    fn connection_failures_before_sending_are_always_retried() {
        assert!(should_retry(Failure::NotSent, UNSAFE));
    }

    #[test]
    fn client_errors_and_unparseable_pages_are_never_retried() {
        for failure in [
            response(400, "InvalidParameterValue"),
            response(404, "SnapshotNotFoundFault"),
            Failure::Unparseable { status: 500 },
            Failure::Unparseable { status: 200 },
            Failure::Unparseable { status: 404 },
        ] {
            assert!(!should_retry(failure, SAFE), "{failure:?}");
            assert!(!should_retry(failure, UNSAFE), "{failure:?}");
        }
    }

    #[test]
    fn backoff_is_bounded_and_grows() {
        let config = RetryConfig::default()
            .initial_backoff(Duration::from_millis(100))
            .max_backoff(Duration::from_secs(1));
        let ms = |n: u64| Duration::from_millis(n);
        let nanos = |d: Duration| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX);
        // The ceiling doubles per attempt up to max_backoff; a random value equal to the
        // ceiling (in nanoseconds) gives the ceiling itself, one more wraps to zero.
        for (attempt, ceiling) in [
            (1, ms(100)),
            (2, ms(200)),
            (3, ms(400)),
            (4, ms(800)),
            (5, ms(1000)),
            (40, ms(1000)),
        ] {
            assert_eq!(
                config.backoff(attempt, nanos(ceiling)),
                ceiling,
                "attempt {attempt}"
            );
            assert_eq!(config.backoff(attempt, nanos(ceiling) + 1), Duration::ZERO);
            for random in [0, 1, 12_345_678_901, u64::MAX / 3, u64::MAX] {
                assert!(
                    config.backoff(attempt, random) <= ceiling,
                    "attempt {attempt}"
                );
            }
        }
        assert_eq!(config.backoff(1, 50_000_000), ms(50));
        assert_eq!(
            RetryConfig::default()
                .initial_backoff(Duration::ZERO)
                .backoff(4, 99),
            Duration::ZERO
        );
    }

    #[test]
    fn attempts_are_at_least_one() {
        assert_eq!(RetryConfig::default().attempts(), 3);
        assert_eq!(RetryConfig::default().max_attempts(0).attempts(), 1);
        assert_eq!(RetryConfig::disabled().attempts(), 1);
    }
}
