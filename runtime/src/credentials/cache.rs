//! The credentials cache: one refresh at a time, ahead of expiry.

use super::{Credentials, CredentialsError, ProvideCredentials, SharedCredentialsProvider};
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::{Duration, SystemTime};

/// Where the cache (and the metadata client's token) read the time. Tests pass a
/// [`ManualClock`] to move time without sleeping.
pub trait TimeSource: fmt::Debug + Send + Sync {
    /// The current time.
    fn now(&self) -> SystemTime;
}

/// The system clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl TimeSource for SystemClock {
    fn now(&self) -> SystemTime {
        SystemTime::now()
    }
}

/// A clock that moves only when told to; clones share the same time.
#[derive(Debug, Clone)]
pub struct ManualClock(Arc<Mutex<SystemTime>>);

impl ManualClock {
    /// A clock showing `now`.
    pub fn new(now: SystemTime) -> Self {
        Self(Arc::new(Mutex::new(now)))
    }

    /// Moves the clock forward.
    pub fn advance(&self, by: Duration) {
        let mut now = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        *now += by;
    }

    /// Sets the clock.
    pub fn set(&self, to: SystemTime) {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner) = to;
    }
}

impl TimeSource for ManualClock {
    fn now(&self) -> SystemTime {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Keeps the credentials a provider gave until shortly before they expire.
///
/// - Credentials without an expiry are kept for good.
/// - Temporary ones are refreshed once the time is within the buffer (5 minutes, as the AWS
///   SDKs do) plus a random jitter of up to a minute of their expiry, so that a fleet of
///   clients started together does not refresh together.
/// - Callers that find the credentials due while a refresh is running wait for it and share
///   its result: 100 concurrent calls cause one call to the provider.
/// - A refresh that fails while the old credentials have not yet expired returns the old
///   ones (the next call tries again); once they have expired, the error.
///
/// Cloning a cache shares it.
#[derive(Clone)]
pub struct CredentialsCache {
    inner: Arc<Inner>,
}

struct Inner {
    provider: SharedCredentialsProvider,
    clock: Arc<dyn TimeSource>,
    buffer: Duration,
    max_jitter: Duration,
    current: RwLock<Option<Cached>>,
    refreshing: tokio::sync::Mutex<()>,
    refreshes: AtomicU64,
}

#[derive(Clone)]
struct Cached {
    credentials: Credentials,
    /// When to fetch again; `None`: never.
    refresh_at: Option<SystemTime>,
}

impl fmt::Debug for CredentialsCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CredentialsCache")
            .field("provider", &self.inner.provider)
            .field("buffer", &self.inner.buffer)
            .field("refreshes", &self.refreshes())
            .finish_non_exhaustive()
    }
}

impl CredentialsCache {
    /// The refresh buffer before expiry.
    pub const DEFAULT_BUFFER: Duration = Duration::from_secs(300);
    /// The largest random extra added to the buffer.
    pub const DEFAULT_MAX_JITTER: Duration = Duration::from_secs(60);

    /// A cache in front of `provider`, on the system clock.
    pub fn new(provider: SharedCredentialsProvider) -> Self {
        Self::with_clock(provider, Arc::new(SystemClock))
    }

    /// A cache in front of `provider`, reading the time from `clock`.
    pub fn with_clock(provider: SharedCredentialsProvider, clock: Arc<dyn TimeSource>) -> Self {
        Self::with_settings(
            provider,
            clock,
            Self::DEFAULT_BUFFER,
            Self::DEFAULT_MAX_JITTER,
        )
    }

    /// A cache with its own refresh buffer and jitter.
    pub fn with_settings(
        provider: SharedCredentialsProvider,
        clock: Arc<dyn TimeSource>,
        buffer: Duration,
        max_jitter: Duration,
    ) -> Self {
        Self {
            inner: Arc::new(Inner {
                provider,
                clock,
                buffer,
                max_jitter,
                current: RwLock::new(None),
                refreshing: tokio::sync::Mutex::new(()),
                refreshes: AtomicU64::new(0),
            }),
        }
    }

    /// The provider behind the cache.
    pub fn provider(&self) -> &SharedCredentialsProvider {
        &self.inner.provider
    }

    /// How many times the provider has been asked.
    pub fn refreshes(&self) -> u64 {
        self.inner.refreshes.load(Ordering::Relaxed)
    }

    /// Forgets the cached credentials: the next call asks the provider.
    pub fn invalidate(&self) {
        *self
            .inner
            .current
            .write()
            .unwrap_or_else(PoisonError::into_inner) = None;
    }

    fn fresh(&self, now: SystemTime) -> Option<Credentials> {
        let current = self
            .inner
            .current
            .read()
            .unwrap_or_else(PoisonError::into_inner);
        current
            .as_ref()
            .filter(|c| c.refresh_at.is_none_or(|at| now < at))
            .map(|c| c.credentials.clone())
    }

    /// Credentials to sign with: the cached ones while they are fresh, else new ones from
    /// the provider.
    pub async fn credentials(&self) -> Result<Credentials, CredentialsError> {
        if let Some(credentials) = self.fresh(self.inner.clock.now()) {
            return Ok(credentials);
        }
        let _refreshing = self.inner.refreshing.lock().await;
        // Another caller may have refreshed while this one waited.
        let now = self.inner.clock.now();
        if let Some(credentials) = self.fresh(now) {
            return Ok(credentials);
        }
        self.inner.refreshes.fetch_add(1, Ordering::Relaxed);
        let fetched = self
            .inner
            .provider
            .provide_credentials()
            .await
            .and_then(|c| c.check("the credentials provider").map(|()| c));
        match fetched {
            Ok(credentials) => {
                let refresh_at = credentials.expiry().map(|expiry| {
                    let jitter = jitter(self.inner.max_jitter);
                    expiry
                        .checked_sub(self.inner.buffer + jitter)
                        .unwrap_or(SystemTime::UNIX_EPOCH)
                });
                *self
                    .inner
                    .current
                    .write()
                    .unwrap_or_else(PoisonError::into_inner) = Some(Cached {
                    credentials: credentials.clone(),
                    refresh_at,
                });
                Ok(credentials)
            }
            Err(error) => {
                let current = self
                    .inner
                    .current
                    .read()
                    .unwrap_or_else(PoisonError::into_inner);
                match current.as_ref() {
                    Some(c) if c.credentials.expiry().is_none_or(|e| now < e) => {
                        Ok(c.credentials.clone())
                    }
                    _ => Err(error),
                }
            }
        }
    }
}

/// A random duration in `0..=max`, whole milliseconds.
fn jitter(max: Duration) -> Duration {
    let max_ms = u64::try_from(max.as_millis()).unwrap_or(u64::MAX);
    if max_ms == 0 {
        return Duration::ZERO;
    }
    Duration::from_millis(super::super::client::random_u64() % (max_ms + 1))
}

#[cfg(test)]
mod tests {
    use super::super::ProvideFuture;
    use super::*;
    use std::sync::atomic::AtomicUsize;

    /// Hands out `ASIA<n>` credentials valid for an hour from the clock's time, or fails
    /// when told to; counts calls; each call takes a little while, so concurrent callers
    /// overlap.
    #[derive(Debug)]
    struct Counting {
        clock: ManualClock,
        calls: AtomicUsize,
        fail: std::sync::atomic::AtomicBool,
    }

    impl ProvideCredentials for Counting {
        fn provide_credentials(&self) -> ProvideFuture<'_> {
            Box::pin(async move {
                let n = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
                tokio::task::yield_now().await;
                tokio::time::sleep(Duration::from_millis(20)).await;
                if self.fail.load(Ordering::SeqCst) {
                    return Err(CredentialsError::failed("the provider is down"));
                }
                Ok(
                    Credentials::new(format!("ASIA{n}"), "secret", Some("token".into()))
                        .with_expiry(Some(self.clock.now() + Duration::from_secs(3600))),
                )
            })
        }
    }

    fn setup() -> (ManualClock, Arc<Counting>, CredentialsCache) {
        let clock = ManualClock::new(SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000));
        let provider = Arc::new(Counting {
            clock: clock.clone(),
            calls: AtomicUsize::new(0),
            fail: false.into(),
        });
        #[derive(Debug)]
        struct ByRef(Arc<Counting>);
        impl ProvideCredentials for ByRef {
            fn provide_credentials(&self) -> ProvideFuture<'_> {
                self.0.provide_credentials()
            }
        }
        let cache = CredentialsCache::with_clock(
            SharedCredentialsProvider::new(ByRef(Arc::clone(&provider))),
            Arc::new(clock.clone()),
        );
        (clock, provider, cache)
    }

    async fn key(cache: &CredentialsCache) -> String {
        cache
            .credentials()
            .await
            .unwrap_or_else(|e| panic!("{e}"))
            .access_key_id()
            .to_owned()
    }

    #[tokio::test]
    async fn refreshes_before_expiry_not_after() {
        let (clock, provider, cache) = setup();
        assert_eq!(key(&cache).await, "ASIA1");
        // 53 minutes on: 7 minutes left, more than the buffer plus the largest jitter.
        clock.advance(Duration::from_secs(53 * 60));
        assert_eq!(key(&cache).await, "ASIA1");
        // 55 minutes: inside the 5-minute buffer whatever the jitter.
        clock.advance(Duration::from_secs(2 * 60));
        assert_eq!(key(&cache).await, "ASIA2");
        assert_eq!(provider.calls.load(Ordering::SeqCst), 2);
        assert_eq!(cache.refreshes(), 2);
    }

    #[tokio::test]
    async fn concurrent_callers_share_one_refresh() {
        let (clock, provider, cache) = setup();
        assert_eq!(key(&cache).await, "ASIA1");
        clock.advance(Duration::from_secs(2 * 3600));
        let calls: Vec<_> = (0..100)
            .map(|_| {
                let cache = cache.clone();
                tokio::spawn(async move { key(&cache).await })
            })
            .collect();
        for call in calls {
            assert_eq!(call.await.unwrap_or_else(|e| panic!("{e}")), "ASIA2");
        }
        assert_eq!(provider.calls.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn failed_refresh_keeps_unexpired_credentials() {
        let (clock, provider, cache) = setup();
        assert_eq!(key(&cache).await, "ASIA1");
        provider.fail.store(true, Ordering::SeqCst);
        // In the buffer but not expired: the old credentials still work.
        clock.advance(Duration::from_secs(57 * 60));
        assert_eq!(key(&cache).await, "ASIA1");
        // Expired: the error.
        clock.advance(Duration::from_secs(5 * 60));
        let e = cache.credentials().await.expect_err("expired");
        assert_eq!(e.message(), "the provider is down");
        provider.fail.store(false, Ordering::SeqCst);
        assert_eq!(key(&cache).await, "ASIA4");
    }

    #[tokio::test]
    async fn unusable_credentials_are_refused() {
        let cache = CredentialsCache::new(SharedCredentialsProvider::new(Credentials::new(
            "AKID", "", None,
        )));
        let e = cache.credentials().await.expect_err("empty secret");
        assert_eq!(
            e.message(),
            "the credentials provider gave an empty secret access key"
        );
    }

    #[tokio::test]
    async fn long_term_keys_are_fetched_once() {
        let cache = CredentialsCache::new(SharedCredentialsProvider::new(Credentials::new(
            "AKID", "secret", None,
        )));
        for _ in 0..3 {
            assert_eq!(key(&cache).await, "AKID");
        }
        assert_eq!(cache.refreshes(), 1);
        cache.invalidate();
        assert_eq!(key(&cache).await, "AKID");
        assert_eq!(cache.refreshes(), 2);
    }
}
