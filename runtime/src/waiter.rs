//! Waiters (feature `client`): call an operation again and again until the answer says
//! that a resource reached the state the caller waits for, as Smithy's
//! `smithy.waiters#waitable` trait describes.
//!
//! A generated crate has one type per waiter of its model implementing [`WaiterSpec`]: the
//! operation it polls, the model's `minDelay` and `maxDelay`, its acceptors in model order,
//! and a `matches` function (the acceptors' matchers, their JMESPath expressions compiled to
//! Rust by the generator). Its client has a `wait_until_…` method per waiter returning a
//! [`Waiter`]; awaiting it runs the loop:
//!
//! 1. call the operation ([`Handle::call`], with its retries);
//! 2. the first acceptor that matches decides: `success` ends with [`Finished`], `failure`
//!    with [`WaiterError::Failure`], `retry` polls again; when none matches, an error
//!    response ends with [`WaiterError::UnexpectedError`] and an output polls again;
//! 3. before polling again, sleep as [`delay`] says: exponential backoff from the minimum
//!    delay with jitter, capped at the maximum delay, and never past the caller's maximum
//!    wait; when no further poll fits, end with [`WaiterError::TimedOut`], which keeps the
//!    last response.
//!
//! Every ending carries the last response, the number of polls and the time spent. Time is
//! read and slept through a [`WaiterClock`]: the tokio clock by default, a [`VirtualClock`]
//! in tests, so a test of a fifteen-second delay does not take fifteen seconds.

use super::client::{random_u64, ClientOperation, Error, Handle};
use super::error::ErrorEnum;
use super::operation::Operation;
use std::fmt;
use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

/// What happens when an acceptor matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AcceptorState {
    /// The waiter ends successfully.
    Success,
    /// The waiter ends with [`WaiterError::Failure`].
    Failure,
    /// The waiter polls again.
    Retry,
}

impl fmt::Display for AcceptorState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Success => "success",
            Self::Failure => "failure",
            Self::Retry => "retry",
        })
    }
}

/// One acceptor of a waiter, as the model states it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Acceptor {
    /// What a match does.
    pub state: AcceptorState,
    /// The matcher in words (`output CacheClusters[].CacheClusterStatus allStringEquals
    /// "available"`), for messages.
    pub matcher: &'static str,
}

/// The answer to one poll: the operation's output or the error the call ended with.
pub type Response<O> = Result<<O as Operation>::Output, Error<<O as Operation>::Error>>;

/// One waiter of a model (generated): the operation it polls, its delays and acceptors.
pub trait WaiterSpec: 'static {
    /// The operation polled.
    type Operation: ClientOperation;
    /// The waiter's name in the model (`CacheClusterAvailable`).
    const NAME: &'static str;
    /// The model's `minDelay` (2 s when the model says nothing).
    const MIN_DELAY: Duration;
    /// The model's `maxDelay` (120 s when the model says nothing).
    const MAX_DELAY: Duration;
    /// The acceptors, in model order.
    const ACCEPTORS: &'static [Acceptor];
    /// The index in [`ACCEPTORS`](Self::ACCEPTORS) of the first acceptor that matches this
    /// response to `input`, if any.
    fn matches(
        input: &<Self::Operation as Operation>::Input,
        response: &Response<Self::Operation>,
    ) -> Option<usize>;
}

// ---------------------------------------------------------------------------
// Time
// ---------------------------------------------------------------------------

/// A sleep in progress.
pub type Sleep = Pin<Box<dyn Future<Output = ()> + Send>>;

/// Where a waiter reads the time and sleeps between polls.
pub trait WaiterClock: fmt::Debug + Send + Sync {
    /// Monotonic time since an origin of the clock's choosing.
    fn now(&self) -> Duration;
    /// Sleeps for `delay`.
    fn sleep(&self, delay: Duration) -> Sleep;
}

/// The tokio clock (`tokio::time`); the default.
#[derive(Debug, Clone, Copy)]
pub struct TokioClock {
    origin: tokio::time::Instant,
}

impl TokioClock {
    /// A clock whose origin is now.
    pub fn new() -> Self {
        Self {
            origin: tokio::time::Instant::now(),
        }
    }
}

impl Default for TokioClock {
    fn default() -> Self {
        Self::new()
    }
}

impl WaiterClock for TokioClock {
    fn now(&self) -> Duration {
        self.origin.elapsed()
    }

    fn sleep(&self, delay: Duration) -> Sleep {
        Box::pin(tokio::time::sleep(delay))
    }
}

/// A clock for tests: a sleep returns at once and moves the clock forward by its length,
/// and every sleep is recorded. Clones share the time and the record.
#[derive(Debug, Clone, Default)]
pub struct VirtualClock {
    state: Arc<Mutex<VirtualState>>,
}

#[derive(Debug, Default)]
struct VirtualState {
    now: Duration,
    sleeps: Vec<Duration>,
}

impl VirtualClock {
    /// A clock at zero that has not slept.
    pub fn new() -> Self {
        Self::default()
    }

    /// Moves the clock forward without sleeping (time a poll takes, say).
    pub fn advance(&self, by: Duration) {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        state.now = state.now.saturating_add(by);
    }

    /// Every sleep so far, in order.
    pub fn sleeps(&self) -> Vec<Duration> {
        self.state
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .sleeps
            .clone()
    }
}

impl WaiterClock for VirtualClock {
    fn now(&self) -> Duration {
        self.state
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .now
    }

    fn sleep(&self, delay: Duration) -> Sleep {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        state.now = state.now.saturating_add(delay);
        state.sleeps.push(delay);
        Box::pin(std::future::ready(()))
    }
}

/// The sleep before poll `attempt + 1`, after `attempt` (≥ 1) polls, with `remaining` time
/// left of the maximum wait and `random` a uniformly random number; `None` when no further
/// poll fits.
///
/// This is the algorithm of Smithy's waiter specification: the ceiling is
/// `min_delay · 2^(attempt − 1)`, but `max_delay` from the attempt where that would pass it
/// on (the specification's `attemptCeiling`); the delay is uniformly random between
/// `min_delay` and the ceiling; and when sleeping that long would leave `min_delay` or less,
/// the waiter sleeps `remaining − min_delay` instead, for one last poll. With `min_delay` or
/// less remaining there is no further poll.
pub fn delay(
    min_delay: Duration,
    max_delay: Duration,
    attempt: u32,
    remaining: Duration,
    random: u64,
) -> Option<Duration> {
    if remaining <= min_delay {
        return None;
    }
    let exponent = attempt.saturating_sub(1).min(62);
    let ceiling = min_delay
        .checked_mul(1 << exponent.min(31))
        .and_then(|d| d.checked_mul(1 << exponent.saturating_sub(31)))
        .unwrap_or(Duration::MAX)
        .min(max_delay)
        .max(min_delay);
    let spread = u64::try_from((ceiling - min_delay).as_nanos()).unwrap_or(u64::MAX);
    // `random % (spread + 1)` is within [0, spread]; the bias is irrelevant here.
    let jitter = match spread.checked_add(1) {
        Some(n) => random % n,
        None => random,
    };
    let delay = min_delay.saturating_add(Duration::from_nanos(jitter));
    if remaining.saturating_sub(delay) <= min_delay {
        Some(remaining - min_delay)
    } else {
        Some(delay)
    }
}

// ---------------------------------------------------------------------------
// Outcomes
// ---------------------------------------------------------------------------

/// The acceptor that ended a wait.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Matched {
    /// Its index in the model's list of acceptors (from 0).
    pub index: usize,
    /// The acceptor.
    pub acceptor: Acceptor,
}

impl fmt::Display for Matched {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} acceptor #{} ({})",
            self.acceptor.state, self.index, self.acceptor.matcher
        )
    }
}

/// How a wait ended: the waiter, the acceptor that decided (none for an error no acceptor
/// matches and for a wait that ran out of time), the last response, the number of polls and
/// the time from the first poll to the end.
#[non_exhaustive]
pub struct Finished<O: Operation> {
    /// The waiter's name in the model.
    pub waiter: &'static str,
    /// The acceptor that ended the wait.
    pub acceptor: Option<Matched>,
    /// The last response.
    pub response: Response<O>,
    /// Polls made.
    pub attempts: u32,
    /// Time from the first poll to the end, on the waiter's clock.
    pub elapsed: Duration,
}

impl<O: Operation> Finished<O> {
    /// The last output, if the last poll returned one.
    pub fn output(&self) -> Option<&O::Output> {
        self.response.as_ref().ok()
    }

    /// The last error, if the last poll ended with one.
    pub fn error(&self) -> Option<&Error<O::Error>> {
        self.response.as_ref().err()
    }
}

impl<O> fmt::Debug for Finished<O>
where
    O: Operation,
    O::Output: fmt::Debug,
    O::Error: fmt::Debug,
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Finished")
            .field("waiter", &self.waiter)
            .field("acceptor", &self.acceptor)
            .field("response", &self.response)
            .field("attempts", &self.attempts)
            .field("elapsed", &self.elapsed)
            .finish()
    }
}

/// Why a wait did not succeed.
#[non_exhaustive]
pub enum WaiterError<O: Operation> {
    /// A `failure` acceptor matched.
    Failure(Box<Finished<O>>),
    /// A poll ended with an error (an error response, a transport failure, a timeout …)
    /// that no acceptor matches.
    UnexpectedError(Box<Finished<O>>),
    /// The maximum wait left no time for another poll; the last response is kept.
    TimedOut(Box<Finished<O>>),
    /// The delays asked for cannot work: a zero minimum delay, or a minimum above the
    /// maximum. Nothing was sent.
    InvalidDelays {
        /// The minimum delay.
        min_delay: Duration,
        /// The maximum delay.
        max_delay: Duration,
    },
}

impl<O: Operation> WaiterError<O> {
    /// How the wait ended, unless no poll was made.
    pub fn finished(&self) -> Option<&Finished<O>> {
        match self {
            Self::Failure(f) | Self::UnexpectedError(f) | Self::TimedOut(f) => Some(f),
            Self::InvalidDelays { .. } => None,
        }
    }

    /// The last response, unless no poll was made.
    pub fn last_response(&self) -> Option<&Response<O>> {
        self.finished().map(|f| &f.response)
    }
}

impl<O> fmt::Debug for WaiterError<O>
where
    O: Operation,
    O::Output: fmt::Debug,
    O::Error: fmt::Debug,
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Failure(x) => f.debug_tuple("Failure").field(x).finish(),
            Self::UnexpectedError(x) => f.debug_tuple("UnexpectedError").field(x).finish(),
            Self::TimedOut(x) => f.debug_tuple("TimedOut").field(x).finish(),
            Self::InvalidDelays {
                min_delay,
                max_delay,
            } => f
                .debug_struct("InvalidDelays")
                .field("min_delay", min_delay)
                .field("max_delay", max_delay)
                .finish(),
        }
    }
}

impl<O> fmt::Display for WaiterError<O>
where
    O: Operation,
    O::Error: fmt::Display,
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let polls = |x: &Finished<O>| {
            format!(
                "after {} poll{} of {} in {:.1?}",
                x.attempts,
                if x.attempts == 1 { "" } else { "s" },
                O::NAME,
                x.elapsed
            )
        };
        match self {
            Self::Failure(x) => match &x.acceptor {
                Some(m) => write!(f, "waiter {} failed: {m} matched {}", x.waiter, polls(x)),
                None => write!(f, "waiter {} failed {}", x.waiter, polls(x)),
            },
            Self::UnexpectedError(x) => {
                write!(
                    f,
                    "waiter {} stopped on an error no acceptor matches {}",
                    x.waiter,
                    polls(x)
                )?;
                if let Err(e) = &x.response {
                    write!(f, ": {e}")?;
                }
                Ok(())
            }
            Self::TimedOut(x) => {
                write!(
                    f,
                    "waiter {} ran out of time {}; the last poll ",
                    x.waiter,
                    polls(x)
                )?;
                match &x.response {
                    Ok(_) => f.write_str("returned an output no acceptor ended the wait on"),
                    Err(e) => write!(f, "failed: {e}"),
                }
            }
            Self::InvalidDelays {
                min_delay,
                max_delay,
            } => write!(
                f,
                "waiter delays must satisfy 0 < minimum ≤ maximum; got minimum {min_delay:?} and maximum {max_delay:?}"
            ),
        }
    }
}

impl<O> std::error::Error for WaiterError<O>
where
    O: Operation,
    O::Output: fmt::Debug,
    O::Error: std::error::Error + 'static,
{
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self.last_response() {
            Some(Err(e)) => Some(e),
            _ => None,
        }
    }
}

/// What awaiting a [`Waiter`] gives.
pub type WaiterResult<O> = Result<Finished<O>, WaiterError<O>>;

// ---------------------------------------------------------------------------
// The waiter
// ---------------------------------------------------------------------------

/// A wait ready to run: await it (it is [`IntoFuture`]) or call [`wait`](Self::wait).
///
/// The maximum wait is the caller's; the delays default to the model's and can be changed
/// before awaiting.
pub struct Waiter<W: WaiterSpec> {
    handle: Handle,
    input: <W::Operation as Operation>::Input,
    max_wait: Duration,
    min_delay: Duration,
    max_delay: Duration,
    clock: Option<Arc<dyn WaiterClock>>,
}

impl<W: WaiterSpec> fmt::Debug for Waiter<W> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Waiter")
            .field("waiter", &W::NAME)
            .field("operation", &<W::Operation as Operation>::NAME)
            .field("max_wait", &self.max_wait)
            .field("min_delay", &self.min_delay)
            .field("max_delay", &self.max_delay)
            .field("clock", &self.clock)
            .finish_non_exhaustive()
    }
}

impl<W: WaiterSpec> Waiter<W> {
    /// A wait of at most `max_wait` for `input`, polling through `handle`.
    pub fn new(
        handle: Handle,
        input: <W::Operation as Operation>::Input,
        max_wait: Duration,
    ) -> Self {
        Self {
            handle,
            input,
            max_wait,
            min_delay: W::MIN_DELAY,
            max_delay: W::MAX_DELAY,
            clock: None,
        }
    }

    /// The shortest sleep between polls (the model's `minDelay` unless set).
    pub fn min_delay(mut self, delay: Duration) -> Self {
        self.min_delay = delay;
        self
    }

    /// The longest sleep between polls (the model's `maxDelay` unless set).
    pub fn max_delay(mut self, delay: Duration) -> Self {
        self.max_delay = delay;
        self
    }

    /// Reads the time and sleeps through `clock` instead of tokio's clock.
    pub fn clock(mut self, clock: Arc<dyn WaiterClock>) -> Self {
        self.clock = Some(clock);
        self
    }

    /// Polls until an acceptor ends the wait, an error no acceptor matches arrives or the
    /// maximum wait leaves no time for another poll.
    pub async fn wait(self) -> WaiterResult<W::Operation>
    where
        <W::Operation as Operation>::Error: ErrorEnum,
    {
        let Self {
            handle,
            input,
            max_wait,
            min_delay,
            max_delay,
            clock,
        } = self;
        let clock = clock.unwrap_or_else(|| Arc::new(TokioClock::new()));
        let input = &input;
        let handle = &handle;
        run::<W::Operation, _, _>(
            W::NAME,
            W::ACCEPTORS,
            Delays {
                min_delay,
                max_delay,
                max_wait,
            },
            &*clock,
            || handle.call::<W::Operation>(input),
            |response| W::matches(input, response),
        )
        .await
    }
}

impl<W> IntoFuture for Waiter<W>
where
    W: WaiterSpec,
    <W::Operation as Operation>::Input: Send + Sync + 'static,
    <W::Operation as Operation>::Output: Send + 'static,
    <W::Operation as Operation>::Error: ErrorEnum + Send + 'static,
{
    type Output = WaiterResult<W::Operation>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.wait())
    }
}

/// The delays and the maximum wait of one run.
#[derive(Debug, Clone, Copy)]
struct Delays {
    min_delay: Duration,
    max_delay: Duration,
    max_wait: Duration,
}

/// The loop, over any way to poll (the client's call in [`Waiter::wait`], a script in the
/// tests below).
async fn run<O, P, F>(
    waiter: &'static str,
    acceptors: &'static [Acceptor],
    delays: Delays,
    clock: &dyn WaiterClock,
    mut poll: P,
    matches: impl Fn(&Response<O>) -> Option<usize>,
) -> WaiterResult<O>
where
    O: Operation,
    P: FnMut() -> F,
    F: Future<Output = Response<O>>,
{
    let Delays {
        min_delay,
        max_delay,
        max_wait,
    } = delays;
    if min_delay.is_zero() || min_delay > max_delay {
        return Err(WaiterError::InvalidDelays {
            min_delay,
            max_delay,
        });
    }
    let start = clock.now();
    let mut attempts = 0u32;
    loop {
        attempts = attempts.saturating_add(1);
        let response = poll().await;
        let matched = matches(&response).and_then(|index| {
            acceptors
                .get(index)
                .map(|&acceptor| Matched { index, acceptor })
        });
        let elapsed = clock.now().saturating_sub(start);
        let finished = |acceptor, response| {
            Box::new(Finished {
                waiter,
                acceptor,
                response,
                attempts,
                elapsed,
            })
        };
        match matched.map(|m| m.acceptor.state) {
            Some(AcceptorState::Success) => return Ok(*finished(matched, response)),
            Some(AcceptorState::Failure) => {
                return Err(WaiterError::Failure(finished(matched, response)))
            }
            Some(AcceptorState::Retry) => {}
            None if response.is_err() => {
                return Err(WaiterError::UnexpectedError(finished(None, response)))
            }
            None => {}
        }
        let remaining = max_wait.saturating_sub(elapsed);
        match delay(min_delay, max_delay, attempts, remaining, random_u64()) {
            Some(d) => clock.sleep(d).await,
            None => return Err(WaiterError::TimedOut(finished(None, response))),
        }
    }
}

// ---------------------------------------------------------------------------
// What the generated matchers call
// ---------------------------------------------------------------------------

/// The pieces the generator's compiled JMESPath expressions and comparators are made of.
///
/// A compiled expression yields an `Option` (`None` is JMESPath's `null`) of a string
/// (`&str`, enums by their wire value), a `bool`, a number (`f64`), a structure reference or
/// a `Vec` of those (a list, or a projection, which drops `null`s).
pub mod jmespath {
    /// JMESPath truth: `false`, `null`, `""` and `[]` are false; everything else true.
    pub trait Truthy {
        /// Whether the value is true.
        fn truthy(&self) -> bool;
    }

    impl Truthy for &str {
        fn truthy(&self) -> bool {
            !self.is_empty()
        }
    }

    impl Truthy for bool {
        fn truthy(&self) -> bool {
            *self
        }
    }

    impl Truthy for f64 {
        fn truthy(&self) -> bool {
            true
        }
    }

    impl Truthy for () {
        fn truthy(&self) -> bool {
            false
        }
    }

    impl<T> Truthy for Vec<T> {
        fn truthy(&self) -> bool {
            !self.is_empty()
        }
    }

    /// Whether `value` is true (`null` is false).
    pub fn truthy<T: Truthy>(value: &Option<T>) -> bool {
        value.as_ref().is_some_and(Truthy::truthy)
    }

    /// A copy of the current node, to use it more than once.
    pub fn current<T: Clone>(value: &T) -> T {
        value.clone()
    }

    /// A number of any of the model's numeric types, as JMESPath sees it.
    pub trait Number: Copy {
        /// The value as an `f64`.
        fn number(self) -> f64;
    }

    macro_rules! lossless {
        ($($t:ty),*) => {$(
            impl Number for $t {
                fn number(self) -> f64 {
                    f64::from(self)
                }
            }
        )*};
    }
    lossless!(i8, i16, i32, f32, f64);

    impl Number for i64 {
        #[allow(clippy::cast_precision_loss)]
        fn number(self) -> f64 {
            // Beyond 2^53 the nearest double: what a JSON reader would make of it too.
            self as f64
        }
    }

    impl Number for usize {
        #[allow(clippy::cast_precision_loss)]
        fn number(self) -> f64 {
            self as f64
        }
    }

    /// `n` as a JMESPath number.
    pub fn number<N: Number>(n: N) -> f64 {
        n.number()
    }

    /// `list[i]`; a negative `i` counts from the end.
    pub fn index<T>(list: Vec<T>, i: i64) -> Option<T> {
        let len = i64::try_from(list.len()).ok()?;
        let at = if i < 0 { len.checked_add(i)? } else { i };
        usize::try_from(at)
            .ok()
            .and_then(|at| list.into_iter().nth(at))
    }

    /// `length(s)` of a string: its code points.
    pub fn str_length(s: Option<&str>) -> Option<f64> {
        s.map(|s| number(s.chars().count()))
    }

    /// `length(list)`.
    pub fn list_length<T>(list: Option<Vec<T>>) -> Option<f64> {
        list.map(|l| number(l.len()))
    }

    /// `contains(list, value)`; `null` for a subject that is not a list.
    pub fn list_contains<T: PartialEq>(list: Option<Vec<T>>, value: Option<T>) -> Option<bool> {
        let list = list?;
        Some(value.is_some_and(|v| list.contains(&v)))
    }

    /// `contains(string, part)`; `null` for a subject that is not a string.
    pub fn str_contains(s: Option<&str>, part: Option<&str>) -> Option<bool> {
        let s = s?;
        Some(part.is_some_and(|p| s.contains(p)))
    }

    /// An ordering comparison of two numbers: `null` unless both are numbers.
    pub fn order(
        left: Option<f64>,
        right: Option<f64>,
        test: fn(&f64, &f64) -> bool,
    ) -> Option<bool> {
        Some(test(&left?, &right?))
    }

    /// The `stringEquals` comparator.
    pub fn string_equals(value: Option<&str>, expected: &str) -> bool {
        value == Some(expected)
    }

    /// The `booleanEquals` comparator.
    pub fn boolean_equals(value: Option<bool>, expected: bool) -> bool {
        value == Some(expected)
    }

    /// The `allStringEquals` comparator: a non-empty list whose every item is `expected`
    /// (an empty list does not match, as in the AWS SDKs).
    pub fn all_string_equals(value: Option<Vec<&str>>, expected: &str) -> bool {
        value.is_some_and(|v| !v.is_empty() && v.iter().all(|s| *s == expected))
    }

    /// The `anyStringEquals` comparator: a list with at least one item equal to `expected`.
    pub fn any_string_equals(value: Option<Vec<&str>>, expected: &str) -> bool {
        value.is_some_and(|v| v.contains(&expected))
    }
}

#[cfg(test)]
mod tests {
    use super::super::error::{ErrorMeta, ErrorVariant, ResponseError};
    use super::*;
    use std::collections::VecDeque;

    const S: Duration = Duration::from_secs(1);

    #[test]
    fn delays_grow_from_min_to_max_with_jitter() {
        let (min, max) = (2 * S, 20 * S);
        let far = 10_000 * S;
        // The smallest random number gives the minimum each time.
        for attempt in 1..10 {
            assert_eq!(delay(min, max, attempt, far, 0), Some(min));
        }
        // The largest gives the ceiling: 2, 4, 8, 16, then 20 for good.
        let ceilings: Vec<u64> = (1..8)
            .map(|a| {
                let nanos = u64::try_from((max - min).as_nanos()).unwrap_or(0);
                // `random % (spread + 1)` is the spread for random = spread.
                let ceiling = (min * (1 << (a - 1))).min(max);
                let spread = u64::try_from((ceiling - min).as_nanos()).unwrap_or(0);
                assert!(spread <= nanos);
                delay(min, max, a, far, spread).map_or(0, |d| d.as_secs())
            })
            .collect();
        assert_eq!(ceilings, [2, 4, 8, 16, 20, 20, 20]);
        // Any random number stays within [min, ceiling].
        for (attempt, random) in [(3, u64::MAX), (4, 12_345_678_901), (40, 7), (u32::MAX, 99)] {
            let d = delay(min, max, attempt, far, random).unwrap_or_default();
            assert!(d >= min && d <= max, "{attempt} {random}: {d:?}");
            if attempt == 3 {
                assert!(d <= 8 * S, "{d:?}");
            }
        }
    }

    #[test]
    fn never_sleeps_past_the_maximum_wait() {
        let (min, max) = (2 * S, 20 * S);
        // 10 s left and a 16 s delay drawn: sleep 8 s, for one last poll 2 s before the end.
        let spread = u64::try_from((14 * S).as_nanos()).unwrap_or(0);
        assert_eq!(delay(min, max, 4, 10 * S, spread), Some(8 * S));
        // A delay that would leave exactly min_delay is cut the same way.
        assert_eq!(delay(min, max, 1, 4 * S, 0), Some(2 * S));
        assert_eq!(delay(min, max, 1, 5 * S, 0), Some(2 * S));
        // min_delay or less left: no further poll.
        assert_eq!(delay(min, max, 1, 2 * S, 0), None);
        assert_eq!(delay(min, max, 1, Duration::ZERO, 0), None);
        // Just over min_delay left: a short last sleep.
        assert_eq!(
            delay(min, max, 1, 2 * S + Duration::from_millis(1), 0),
            Some(Duration::from_millis(1))
        );
    }

    #[test]
    fn equal_delays_have_no_jitter() {
        for random in [0, 1, u64::MAX] {
            assert_eq!(delay(S, S, 5, 100 * S, random), Some(S));
        }
    }

    // A scripted operation for the loop.

    #[derive(Debug)]
    struct Poll;

    #[derive(Debug, PartialEq)]
    struct Failed(ErrorMeta);

    impl fmt::Display for Failed {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(&self.0.code)
        }
    }

    impl std::error::Error for Failed {}

    impl ErrorEnum for Failed {
        fn unhandled(meta: ErrorMeta) -> Self {
            Failed(meta)
        }
        fn unparseable(error: ResponseError) -> Self {
            Failed(ErrorMeta {
                code: error.to_string(),
                ..ErrorMeta::default()
            })
        }
        fn variant(&self) -> ErrorVariant<'_> {
            ErrorVariant::Unhandled(&self.0)
        }
        fn into_unparseable(self) -> Result<ResponseError, Self> {
            Err(self)
        }
    }

    impl Operation for Poll {
        const NAME: &'static str = "Poll";
        type Input = ();
        type Output = &'static str;
        type Error = Failed;
        fn build_request(_: &()) -> http::Request<Vec<u8>> {
            http::Request::new(Vec::new())
        }
        fn build_request_with(
            _: &(),
            _: &super::super::operation::RequestOptions,
        ) -> Result<http::Request<Vec<u8>>, super::super::endpoint::EndpointError> {
            Ok(http::Request::new(Vec::new()))
        }
        fn parse_response(_: u16, _: &[u8]) -> Result<&'static str, Failed> {
            Err(Failed(ErrorMeta::default()))
        }
    }

    const ACCEPTORS: &[Acceptor] = &[
        Acceptor {
            state: AcceptorState::Success,
            matcher: "output is done",
        },
        Acceptor {
            state: AcceptorState::Failure,
            matcher: "output is broken",
        },
        Acceptor {
            state: AcceptorState::Retry,
            matcher: "errorType Busy",
        },
    ];

    fn matches(r: &Response<Poll>) -> Option<usize> {
        match r {
            Ok("done") => Some(0),
            Ok("broken") => Some(1),
            Err(e) if e.code() == Some("Busy") => Some(2),
            _ => None,
        }
    }

    fn busy(code: &str) -> Response<Poll> {
        Err(Error::Service(Failed(ErrorMeta {
            code: code.to_owned(),
            ..ErrorMeta::default()
        })))
    }

    /// Runs the loop over `script` (one response per poll) on a virtual clock where each
    /// poll takes `poll_time`.
    fn script(
        responses: Vec<Response<Poll>>,
        delays: Delays,
        poll_time: Duration,
    ) -> (WaiterResult<Poll>, VirtualClock, usize) {
        let clock = VirtualClock::new();
        let left = Mutex::new(VecDeque::from(responses));
        let polled = Mutex::new(0usize);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap_or_else(|e| panic!("{e}"));
        let result = runtime.block_on(run::<Poll, _, _>(
            "Test",
            ACCEPTORS,
            delays,
            &clock,
            || {
                clock.advance(poll_time);
                *polled.lock().unwrap_or_else(PoisonError::into_inner) += 1;
                let next = left
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .pop_front()
                    .unwrap_or(Ok("pending"));
                std::future::ready(next)
            },
            matches,
        ));
        let polled = *polled.lock().unwrap_or_else(PoisonError::into_inner);
        (result, clock, polled)
    }

    const FAST: Delays = Delays {
        min_delay: S,
        max_delay: S,
        max_wait: Duration::from_secs(100),
    };

    #[test]
    fn acceptors_decide_in_order() {
        let (r, clock, n) = script(
            vec![Ok("pending"), busy("Busy"), Ok("done")],
            FAST,
            Duration::ZERO,
        );
        let done = r.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((done.attempts, n), (3, 3));
        assert_eq!(done.acceptor.map(|m| m.index), Some(0));
        assert_eq!(done.output(), Some(&"done"));
        assert_eq!(clock.sleeps(), [S, S]);

        let (r, _, _) = script(vec![Ok("broken")], FAST, Duration::ZERO);
        match r {
            Err(WaiterError::Failure(f)) => {
                assert_eq!(f.acceptor.map(|m| m.index), Some(1));
                assert_eq!(f.attempts, 1);
            }
            other => panic!("{:?}", other.map(|f| f.attempts)),
        }

        let (r, _, _) = script(vec![busy("Busy"), busy("Other")], FAST, Duration::ZERO);
        match &r {
            Err(e @ WaiterError::UnexpectedError(f)) => {
                assert_eq!(f.attempts, 2);
                assert!(f.acceptor.is_none());
                let text = e.to_string();
                assert!(
                    text.contains("no acceptor matches after 2 polls of Poll"),
                    "{text}"
                );
                assert!(text.ends_with("service error: Other"), "{text}");
            }
            other => panic!("{:?}", other.as_ref().map(|f| f.attempts)),
        }
    }

    #[test]
    fn running_out_of_time_keeps_the_last_response() {
        // Polls at 0, 1, …, 8 s, then a last one at 9 s (1 s before the end), then no time.
        let delays = Delays {
            max_wait: 10 * S,
            ..FAST
        };
        let (r, clock, n) = script(vec![], delays, Duration::ZERO);
        match &r {
            Err(e @ WaiterError::TimedOut(f)) => {
                assert_eq!((f.attempts, n), (10, 10));
                assert_eq!(f.output(), Some(&"pending"));
                assert_eq!(f.elapsed, 9 * S);
                assert!(
                    e.to_string().contains("ran out of time after 10 polls"),
                    "{e}"
                );
            }
            other => panic!("{:?}", other.as_ref().map(|f| f.attempts)),
        }
        assert_eq!(clock.sleeps(), vec![S; 9]);
        // Polls that take time count against the maximum wait.
        let (r, clock, _) = script(vec![], delays, Duration::from_millis(1500));
        let sleeps = clock.sleeps();
        assert_eq!(
            r.err().and_then(|e| e.finished().map(|f| f.attempts)),
            Some(4)
        );
        assert_eq!(sleeps.len(), 3);
        assert!(clock.now() <= 10 * S, "{:?}", clock.now());
    }

    #[test]
    fn bad_delays_poll_nothing() {
        for (min, max) in [(Duration::ZERO, S), (2 * S, S)] {
            let delays = Delays {
                min_delay: min,
                max_delay: max,
                max_wait: S,
            };
            let (r, _, n) = script(vec![], delays, Duration::ZERO);
            assert_eq!(n, 0);
            match r {
                Err(e @ WaiterError::InvalidDelays { .. }) => {
                    assert!(e.to_string().contains("0 < minimum ≤ maximum"), "{e}");
                }
                other => panic!("{:?}", other.map(|f| f.attempts)),
            }
        }
    }

    #[test]
    fn jmespath_helpers() {
        use jmespath::*;
        assert!(!truthy::<&str>(&None) && !truthy(&Some("")) && truthy(&Some("x")));
        assert!(!truthy(&Some(Vec::<f64>::new())) && truthy(&Some(vec![0.0])));
        assert!(!truthy(&Some(false)) && truthy(&Some(0.0)) && !truthy(&Some(())));
        assert_eq!(index(vec![1, 2, 3], -1), Some(3));
        assert_eq!(index(vec![1, 2, 3], 0), Some(1));
        assert_eq!(index(vec![1, 2, 3], 3), None);
        assert_eq!(index(vec![1, 2, 3], -4), None);
        assert_eq!(str_length(Some("héllo")), Some(5.0));
        assert_eq!(list_length(Some(vec![1, 2])), Some(2.0));
        assert_eq!(list_contains(Some(vec!["a"]), Some("a")), Some(true));
        assert_eq!(list_contains(Some(vec!["a"]), None), Some(false));
        assert_eq!(list_contains::<&str>(None, Some("a")), None);
        assert_eq!(str_contains(Some("abc"), Some("bc")), Some(true));
        assert_eq!(order(Some(1.0), Some(2.0), f64::lt), Some(true));
        assert_eq!(order(None, Some(2.0), f64::lt), None);
        assert!(all_string_equals(Some(vec!["a", "a"]), "a"));
        assert!(!all_string_equals(Some(vec![]), "a"));
        assert!(!all_string_equals(Some(vec!["a", "b"]), "a"));
        assert!(!all_string_equals(None, "a"));
        assert!(any_string_equals(Some(vec!["b", "a"]), "a"));
        assert!(!any_string_equals(Some(vec![]), "a"));
        assert!(string_equals(Some("a"), "a") && !string_equals(None, "a"));
        assert!(boolean_equals(Some(false), false) && !boolean_equals(None, false));
        assert_eq!(number(i64::MAX), 9.223_372_036_854_776e18);
    }
}
