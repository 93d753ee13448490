//! The async client core: configuration, sending, signing, retrying.
//!
//! The generated `client` module wraps a [`Handle`] in a typed `Client` with one method
//! per operation; everything that does not depend on the model is here:
//!
//! - [`Config`] / [`ConfigBuilder`]: region, endpoint, credentials, timeouts, retries,
//!   explicit or from the environment ([`ConfigBuilder::from_env`]);
//! - [`Handle::call`]: builds the sans-IO request, points it at the endpoint, signs it
//!   with SigV4, sends it through the configuration's [`Transport`] (by default HTTP/1.1,
//!   `hyper` with `rustls` on `tokio`), parses the response and retries as the [`retry`]
//!   rules allow;
//! - [`Transport`]: the seam between the client and the network, and [`test_transport`],
//!   an in-memory transport for tests that run a whole call without sockets;
//! - [`Error`]: what a call can fail with, keeping the operation's typed error apart from
//!   responses that could not be parsed, transport failures and timeouts.

pub use super::credentials::{Credentials, CredentialsError, ProvideCredentials};
use super::credentials::{
    CredentialsCache, DefaultChain, Env, ProfileFiles, SharedCredentialsProvider, Sts, TimeSource,
};
use super::endpoint::{Endpoint, EndpointError};
use super::error::{ErrorEnum, ErrorMeta, ResponseError};
use super::operation::{Operation, RequestOptions};
use super::paginate::{Pages, Paginated};
pub use super::retry::RetryConfig;
use super::retry::{self, Failure, RetrySafety};
use super::rules::{self, RuleSet, Value};
use super::sigv4::{self, SigningParams};
use futures_core::Stream;
use http::header::{HeaderName, HeaderValue, USER_AGENT};
use http::HeaderMap;
use http_body_util::{BodyExt, Full};
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use std::convert::Infallible;
use std::fmt;
use std::future::Future;
use std::io::Cursor;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, SystemTime};

pub mod test_transport;

/// What the generated code knows about the service.
#[derive(Debug, Clone, Copy)]
pub struct ServiceInfo {
    /// The service id (`aws.api#service` `sdkId`: `ElastiCache`, `STS`), which names the
    /// service's own endpoint settings: `AWS_ENDPOINT_URL_ELASTICACHE`, and `elasticache` in a
    /// `[services …]` section of the config file.
    pub service_id: &'static str,
    /// The endpoint prefix: without endpoint rules, the endpoint is
    /// `https://{prefix}.{region}.amazonaws.com`.
    pub endpoint_prefix: &'static str,
    /// The model's endpoint rules, which [`Handle::new`] resolves the endpoint with.
    pub endpoint_rules: Option<&'static RuleSet>,
    /// The SigV4 signing name.
    pub signing_name: &'static str,
    /// The generated crate's name and version, for the `User-Agent` header.
    pub crate_name: &'static str,
    /// See `crate_name`.
    pub crate_version: &'static str,
}

/// An operation the client can call: the sans-IO [`Operation`] plus whether it may be
/// repeated after an attempt that may have reached the service.
pub trait ClientOperation: Operation {
    /// From the model's `@readonly` / `@idempotent` traits (see [`RetrySafety`]).
    const RETRY_SAFETY: RetrySafety;
}

// ---------------------------------------------------------------------------
// Configuration
// ---------------------------------------------------------------------------

/// The configuration every service client is made from: region, endpoint override,
/// credentials, timeouts, retries, and the HTTP client with its connection pool and TLS
/// settings.
///
/// Build it once ([`Config::builder`] or [`Config::from_env`]) and make the client of each
/// service from it (`elasticache::Client::new(&config)`, `sts::Client::new(&config)` …):
/// those clients share this one configuration, one connection pool and one set of
/// credentials. Cloning a `Config` is cheap and shares the same state.
#[derive(Clone)]
pub struct Config {
    inner: Arc<Shared>,
}

/// What the clients made from one [`Config`] share.
struct Shared {
    region: String,
    endpoint_url: Option<String>,
    endpoints: EndpointSettings,
    /// `None`: anonymous, only operations the model marks `@auth([])` can be called.
    credentials: Option<CredentialsCache>,
    /// How the builder was told to find credentials, for `to_builder`.
    credentials_setting: CredentialsSetting,
    sts: Option<Arc<dyn Sts>>,
    time_source: Option<Arc<dyn TimeSource>>,
    connect_timeout: Option<Duration>,
    attempt_timeout: Option<Duration>,
    operation_timeout: Option<Duration>,
    retry: RetryConfig,
    max_response_size: usize,
    /// The builder's transport, if it was given one (kept for `to_builder`).
    custom_transport: Option<Arc<dyn Transport>>,
    transport: Arc<dyn Transport>,
}

/// The HTTP client every handle of a configuration sends through.
pub(crate) type HttpClient =
    hyper_util::client::legacy::Client<HttpsConnector<HttpConnector>, Body>;

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let c = &*self.inner;
        f.debug_struct("Config")
            .field("region", &c.region)
            .field("endpoint_url", &c.endpoint_url)
            .field("endpoints", &c.endpoints)
            .field("credentials", &c.credentials)
            .field("connect_timeout", &c.connect_timeout)
            .field("attempt_timeout", &c.attempt_timeout)
            .field("operation_timeout", &c.operation_timeout)
            .field("retry", &c.retry)
            .field("max_response_size", &c.max_response_size)
            .finish_non_exhaustive()
    }
}

impl Config {
    /// An empty builder.
    pub fn builder() -> ConfigBuilder {
        ConfigBuilder::default()
    }

    /// Region, endpoint and credentials from the environment and the shared AWS files
    /// (see [`ConfigBuilder::from_env`]).
    pub fn from_env() -> Result<Self, ConfigError> {
        ConfigBuilder::from_env()?.build()
    }

    /// A builder holding these settings, to derive a configuration that differs in some of
    /// them. The configuration it builds has a connection pool of its own (a transport given
    /// with [`ConfigBuilder::transport`] is kept, and shared).
    pub fn to_builder(&self) -> ConfigBuilder {
        let c = &*self.inner;
        ConfigBuilder {
            region: Some(c.region.clone()),
            endpoint_url: c.endpoint_url.clone(),
            endpoints: c.endpoints.clone(),
            credentials: c.credentials_setting.clone(),
            sts: c.sts.clone(),
            time_source: c.time_source.clone(),
            connect_timeout: c.connect_timeout,
            attempt_timeout: c.attempt_timeout,
            operation_timeout: c.operation_timeout,
            retry: c.retry,
            max_response_size: c.max_response_size,
            transport: c.custom_transport.clone(),
        }
    }

    /// The region.
    pub fn region(&self) -> &str {
        &self.inner.region
    }

    /// The endpoint override for every service, if any: the builder's
    /// [`endpoint_url`](ConfigBuilder::endpoint_url), else `AWS_ENDPOINT_URL`, else the
    /// profile's `endpoint_url`. A service may have its own:
    /// [`endpoint_url_for`](Self::endpoint_url_for).
    pub fn endpoint_url(&self) -> Option<&str> {
        let c = &*self.inner;
        c.endpoint_url
            .as_deref()
            .or(c.endpoints.env_url.as_deref())
            .or(c.endpoints.profile_url.as_deref())
    }

    /// The endpoint override of the service whose id is `service_id` (`STS`, `ElastiCache`),
    /// in the AWS SDKs' order: the builder's `endpoint_url`, `AWS_ENDPOINT_URL_<ID>` (the id
    /// in capitals, spaces as `_`), `AWS_ENDPOINT_URL`, `endpoint_url` in the service's block
    /// of the profile's `services` section, the profile's `endpoint_url`. Only the first
    /// counts when `ignore_configured_endpoint_urls` is set.
    pub fn endpoint_url_for(&self, service_id: &str) -> Option<String> {
        let c = &*self.inner;
        if let Some(url) = &c.endpoint_url {
            return Some(url.clone());
        }
        c.endpoints.for_service(service_id)
    }

    /// Whether requests go to FIPS endpoints (`AWS::UseFIPS`).
    pub fn use_fips(&self) -> bool {
        self.inner.endpoints.use_fips
    }

    /// Whether requests go to dual-stack (IPv4 and IPv6) endpoints (`AWS::UseDualStack`).
    pub fn use_dual_stack(&self) -> bool {
        self.inner.endpoints.use_dual_stack
    }

    /// Whether STS requests from the regions that had it go to the global endpoint
    /// `sts.amazonaws.com` (`AWS::STS::UseGlobalEndpoint`; `AWS_STS_REGIONAL_ENDPOINTS=legacy`).
    pub fn use_global_sts_endpoint(&self) -> bool {
        self.inner.endpoints.sts_global
    }

    /// The credentials requests are signed with, from the cache in front of the configured
    /// provider (fetched on first use and refreshed before they expire).
    pub async fn credentials(&self) -> Result<Credentials, CredentialsError> {
        match &self.inner.credentials {
            Some(cache) => cache.credentials().await,
            None => Err(CredentialsError::not_loaded(
                "this configuration has no credentials (set them with \
                 `ConfigBuilder::credentials` or `credentials_provider`, or build it with \
                 `from_env`)",
            )),
        }
    }

    /// The credentials cache, unless the configuration is anonymous.
    pub fn credentials_cache(&self) -> Option<&CredentialsCache> {
        self.inner.credentials.as_ref()
    }

    /// Limit for establishing a connection.
    pub fn connect_timeout(&self) -> Option<Duration> {
        self.inner.connect_timeout
    }

    /// Limit for one attempt (connect, send, receive the whole response).
    pub fn attempt_timeout(&self) -> Option<Duration> {
        self.inner.attempt_timeout
    }

    /// Limit for a whole call, retries and waits included.
    pub fn operation_timeout(&self) -> Option<Duration> {
        self.inner.operation_timeout
    }

    /// Retry settings.
    pub fn retry(&self) -> &RetryConfig {
        &self.inner.retry
    }

    /// The largest response body a call accepts, in bytes.
    pub fn max_response_size(&self) -> usize {
        self.inner.max_response_size
    }

    /// Whether `self` and `other` are the same configuration (one was cloned from the
    /// other, or both from a third), and so share one connection pool and one set of
    /// credentials.
    pub fn shares_state_with(&self, other: &Config) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner)
    }
}

/// Where a configuration gets its credentials.
#[derive(Debug, Clone)]
enum CredentialsSetting {
    /// Anonymous.
    None,
    /// Keys given to the builder.
    Static(Credentials),
    /// A provider given to the builder.
    Provider(SharedCredentialsProvider),
    /// The default chain, over `env`, with an optional profile name.
    Default { env: Env, profile: Option<String> },
}

/// Builds a [`Config`].
#[derive(Clone)]
pub struct ConfigBuilder {
    region: Option<String>,
    endpoint_url: Option<String>,
    endpoints: EndpointSettings,
    credentials: CredentialsSetting,
    sts: Option<Arc<dyn Sts>>,
    time_source: Option<Arc<dyn TimeSource>>,
    connect_timeout: Option<Duration>,
    attempt_timeout: Option<Duration>,
    operation_timeout: Option<Duration>,
    retry: RetryConfig,
    max_response_size: usize,
    transport: Option<Arc<dyn Transport>>,
}

impl fmt::Debug for ConfigBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConfigBuilder")
            .field("region", &self.region)
            .field("endpoint_url", &self.endpoint_url)
            .field("endpoints", &self.endpoints)
            .field("credentials", &self.credentials)
            .field("sts", &self.sts.is_some())
            .field("connect_timeout", &self.connect_timeout)
            .field("attempt_timeout", &self.attempt_timeout)
            .field("operation_timeout", &self.operation_timeout)
            .field("retry", &self.retry)
            .field("max_response_size", &self.max_response_size)
            .field("custom_transport", &self.transport.is_some())
            .finish_non_exhaustive()
    }
}

impl ConfigBuilder {
    /// The default limit for establishing a connection.
    pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
    /// The default limit for one attempt.
    pub const DEFAULT_ATTEMPT_TIMEOUT: Duration = Duration::from_secs(30);
    /// The default limit for a whole call, retries and waits included: a server that accepts
    /// connections and never answers costs a caller this long, not attempts × attempt timeout.
    pub const DEFAULT_OPERATION_TIMEOUT: Duration = Duration::from_secs(90);
    /// The default largest response body: far above any real query-protocol response (their
    /// pages are a few megabytes at most), small enough that a hostile server cannot exhaust
    /// memory.
    pub const DEFAULT_MAX_RESPONSE_SIZE: usize = 32 << 20;
}

impl Default for ConfigBuilder {
    /// No region, endpoint or credentials; connect timeout 10 s, attempt timeout 30 s,
    /// operation timeout 90 s, responses up to 32 MiB; [`RetryConfig::default`].
    fn default() -> Self {
        Self {
            region: None,
            endpoint_url: None,
            endpoints: EndpointSettings::default(),
            credentials: CredentialsSetting::None,
            sts: None,
            time_source: None,
            connect_timeout: Some(Self::DEFAULT_CONNECT_TIMEOUT),
            attempt_timeout: Some(Self::DEFAULT_ATTEMPT_TIMEOUT),
            operation_timeout: Some(Self::DEFAULT_OPERATION_TIMEOUT),
            retry: RetryConfig::default(),
            max_response_size: Self::DEFAULT_MAX_RESPONSE_SIZE,
            transport: None,
        }
    }
}

impl ConfigBuilder {
    /// A builder filled from the process environment:
    ///
    /// - region: `AWS_REGION`, else `AWS_DEFAULT_REGION`, else `region` of the profile in
    ///   the shared config file (`smithy_query_config::load()` also asks the EC2 instance
    ///   metadata service);
    /// - endpoints: `AWS_ENDPOINT_URL`, `AWS_ENDPOINT_URL_<SERVICE>` and, in the profile,
    ///   `endpoint_url` and the `services` section's blocks (see
    ///   [`Config::endpoint_url_for`]); none of them with
    ///   `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS` or `ignore_configured_endpoint_urls`;
    ///   `AWS_USE_FIPS_ENDPOINT` / `use_fips_endpoint`, `AWS_USE_DUALSTACK_ENDPOINT` /
    ///   `use_dualstack_endpoint`, `AWS_STS_REGIONAL_ENDPOINTS` / `sts_regional_endpoints`
    ///   (`regional`, the default, or `legacy`); variables win over the profile;
    /// - credentials: the [`DefaultChain`] (environment variables, the profile, web
    ///   identity, the container endpoint, the instance metadata service), consulted on
    ///   the first call that needs them;
    /// - profile: `AWS_PROFILE`, else `default` (a profile named by `AWS_PROFILE` must exist);
    /// - attempts: `AWS_MAX_ATTEMPTS` (at most [`RetryConfig::MAX_ATTEMPTS`]).
    ///
    /// Setters called afterwards override what was found. Profiles and variables that
    /// assume a role need an STS client: see [`sts`](Self::sts).
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_env_with(Env::process())
    }

    /// [`from_env`](Self::from_env) with another source of environment variables.
    pub fn from_env_with(env: Env) -> Result<Self, ConfigError> {
        let mut builder = Self {
            region: env
                .non_empty("AWS_REGION")
                .or_else(|| env.non_empty("AWS_DEFAULT_REGION")),
            ..Self::default()
        };
        if let Some(attempts) = env.non_empty("AWS_MAX_ATTEMPTS") {
            let attempts = attempts
                .trim()
                .parse::<u32>()
                .ok()
                .filter(|n| *n > 0)
                .ok_or_else(|| {
                    ConfigError::Invalid(format!(
                        "AWS_MAX_ATTEMPTS must be a positive integer, not {attempts:?}"
                    ))
                })?;
            builder.retry = builder.retry.max_attempts(attempts);
        }
        let (name, named) = ProfileFiles::selected(&env, None);
        let files = ProfileFiles::load(&env).map_err(ConfigError::Credentials)?;
        if named && files.profile(&name).is_none() {
            return Err(ConfigError::Credentials(CredentialsError::invalid(
                format!(
                    "AWS_PROFILE names profile `{name}`, which is in none of {}",
                    files.searched_text()
                ),
            )));
        }
        if builder.region.is_none() {
            builder.region = files.get(&name, "region").map(str::to_owned);
        }
        builder.endpoints = EndpointSettings::load(&env, &files, &name)?;
        builder.credentials = CredentialsSetting::Default { env, profile: None };
        Ok(builder)
    }

    /// The region set so far.
    pub fn get_region(&self) -> Option<&str> {
        self.region.as_deref()
    }

    /// The endpoint override set so far.
    pub fn get_endpoint_url(&self) -> Option<&str> {
        self.endpoint_url.as_deref()
    }

    /// The region, e.g. `us-east-1`.
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// Sends requests to `url` (`http://127.0.0.1:5000` for a local emulator, or a VPC
    /// endpoint) instead of the service's regional endpoint. Requests are still signed for
    /// the configured region.
    pub fn endpoint_url(mut self, url: impl Into<String>) -> Self {
        self.endpoint_url = Some(url.into());
        self
    }

    /// Sends requests to FIPS endpoints (the rules fail for a region whose partition has
    /// none).
    pub fn use_fips(mut self, on: bool) -> Self {
        self.endpoints.use_fips = on;
        self
    }

    /// Sends requests to dual-stack (IPv4 and IPv6) endpoints.
    pub fn use_dual_stack(mut self, on: bool) -> Self {
        self.endpoints.use_dual_stack = on;
        self
    }

    /// Sends STS requests from the regions that had it to the global endpoint
    /// `sts.amazonaws.com` (the legacy behaviour; the default is the regional endpoint).
    pub fn use_global_sts_endpoint(mut self, on: bool) -> Self {
        self.endpoints.sts_global = on;
        self
    }

    /// Drops the endpoint URLs found in the environment and the profile (`AWS_ENDPOINT_URL…`,
    /// `endpoint_url`, `services`), as `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS` does; an
    /// [`endpoint_url`](Self::endpoint_url) given to the builder still applies.
    pub fn ignore_configured_endpoint_urls(mut self) -> Self {
        self.endpoints.ignore_configured();
        self
    }

    /// Signs with these keys.
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = CredentialsSetting::Static(credentials);
        self
    }

    /// Signs with credentials from `provider` (one of [`credentials`](super::credentials)
    /// or your own), through a cache that refreshes them before they expire.
    pub fn credentials_provider(mut self, provider: impl ProvideCredentials + 'static) -> Self {
        self.credentials = CredentialsSetting::Provider(SharedCredentialsProvider::new(provider));
        self
    }

    /// No credentials: only operations the model marks `@auth([])` can be called (STS
    /// `AssumeRoleWithWebIdentity`, for one); others fail before sending.
    pub fn no_credentials(mut self) -> Self {
        self.credentials = CredentialsSetting::None;
        self
    }

    /// The STS client the default chain assumes roles with (`smithy-query-config` sets it).
    pub fn sts(mut self, sts: Arc<dyn Sts>) -> Self {
        self.sts = Some(sts);
        self
    }

    /// The clock the credentials cache reads (tests move a
    /// [`ManualClock`](super::credentials::ManualClock) instead of sleeping).
    pub fn time_source(mut self, clock: Arc<dyn TimeSource>) -> Self {
        self.time_source = Some(clock);
        self
    }

    /// Credentials (through the default chain) and, unless already set, the region of
    /// profile `name` of the shared files (`AWS_CONFIG_FILE` / `AWS_SHARED_CREDENTIALS_FILE`
    /// or their defaults under `~/.aws`). The profile must exist.
    pub fn profile(mut self, name: &str) -> Result<Self, ConfigError> {
        let env = match &self.credentials {
            CredentialsSetting::Default { env, .. } => env.clone(),
            _ => Env::process(),
        };
        let files = ProfileFiles::load(&env).map_err(ConfigError::Credentials)?;
        if files.profile(name).is_none() {
            return Err(ConfigError::Credentials(CredentialsError::invalid(
                format!("no profile `{name}` in {}", files.searched_text()),
            )));
        }
        if self.region.is_none() {
            self.region = files.get(name, "region").map(str::to_owned);
        }
        self.endpoints = EndpointSettings::load(&env, &files, name)?;
        self.credentials = CredentialsSetting::Default {
            env,
            profile: Some(name.to_owned()),
        };
        Ok(self)
    }

    /// Limit for establishing a connection (`None`: no limit).
    pub fn connect_timeout(mut self, timeout: impl Into<Option<Duration>>) -> Self {
        self.connect_timeout = timeout.into();
        self
    }

    /// Limit for one attempt: connecting, sending and reading the whole response.
    pub fn attempt_timeout(mut self, timeout: impl Into<Option<Duration>>) -> Self {
        self.attempt_timeout = timeout.into();
        self
    }

    /// Limit for a whole call, including retries and the waits between them.
    pub fn operation_timeout(mut self, timeout: impl Into<Option<Duration>>) -> Self {
        self.operation_timeout = timeout.into();
        self
    }

    /// Retry settings.
    pub fn retry(mut self, retry: RetryConfig) -> Self {
        self.retry = retry;
        self
    }

    /// The largest response body a call accepts, in bytes. A longer body ends the call with
    /// [`Error::ResponseTooLarge`] as soon as it goes past the limit (or at once, when its
    /// `Content-Length` says so); it is never read whole.
    pub fn max_response_size(mut self, bytes: usize) -> Self {
        self.max_response_size = bytes;
        self
    }

    /// Sends every request of the clients made from this configuration through `transport`
    /// instead of the default HTTP/1.1 client (`hyper` with `rustls`): another HTTP stack, a
    /// proxy, or [`test_transport::InMemoryTransport`] in tests. Those clients share it.
    /// Signing, retries, the time limits and the response size limit still apply; the connect
    /// timeout is the default transport's, another one enforces its own.
    pub fn transport(mut self, transport: impl Transport) -> Self {
        self.transport = Some(Arc::new(transport));
        self
    }

    /// Checks the settings: a region that is a valid host label, explicit keys usable in a
    /// signature (neither key empty, header-safe), an endpoint URL with `http` or `https`,
    /// a host, and no query, at most [`RetryConfig::MAX_ATTEMPTS`] attempts, and a
    /// response size limit above zero. Credentials from a provider are checked when
    /// fetched.
    pub fn build(self) -> Result<Config, ConfigError> {
        if self.retry.attempts() > RetryConfig::MAX_ATTEMPTS {
            return Err(ConfigError::Invalid(format!(
                "{} attempts per call is more than the {} this client allows",
                self.retry.attempts(),
                RetryConfig::MAX_ATTEMPTS
            )));
        }
        if self.max_response_size == 0 {
            return Err(ConfigError::Invalid(
                "the maximum response size must be above zero".to_owned(),
            ));
        }
        let region = self.region.ok_or(ConfigError::MissingRegion)?;
        if !is_host_label(&region) {
            return Err(ConfigError::Invalid(format!(
                "region {region:?} is not a valid host name label"
            )));
        }
        let provider = match &self.credentials {
            CredentialsSetting::None => None,
            CredentialsSetting::Static(c) => {
                c.check("the builder")
                    .map_err(|e| ConfigError::Invalid(e.to_string()))?;
                Some(SharedCredentialsProvider::new(c.clone()))
            }
            CredentialsSetting::Provider(p) => Some(p.clone()),
            CredentialsSetting::Default { env, profile } => {
                let mut chain = DefaultChain::builder().env(env.clone());
                if let Some(name) = profile {
                    chain = chain.profile(name.clone());
                }
                if let Some(sts) = &self.sts {
                    chain = chain.sts(Arc::clone(sts));
                }
                Some(SharedCredentialsProvider::new(chain.build()))
            }
        };
        let credentials = provider.map(|p| match &self.time_source {
            Some(clock) => CredentialsCache::with_clock(p, Arc::clone(clock)),
            None => CredentialsCache::new(p),
        });
        if let Some(url) = &self.endpoint_url {
            endpoint(url)?;
        }
        for url in self.endpoints.urls() {
            endpoint(url)?;
        }
        let transport: Arc<dyn Transport> = match &self.transport {
            Some(t) => Arc::clone(t),
            None => Arc::new(HyperTransport {
                client: http_client(self.connect_timeout)?,
            }),
        };
        Ok(Config {
            inner: Arc::new(Shared {
                region,
                endpoint_url: self.endpoint_url,
                endpoints: self.endpoints,
                credentials,
                credentials_setting: self.credentials,
                sts: self.sts,
                time_source: self.time_source,
                connect_timeout: self.connect_timeout,
                attempt_timeout: self.attempt_timeout,
                operation_timeout: self.operation_timeout,
                retry: self.retry,
                max_response_size: self.max_response_size,
                custom_transport: self.transport,
                transport,
            }),
        })
    }
}

/// The endpoint settings of the environment and the profile (the builder's `endpoint_url`
/// is kept apart: it is the one the ignore setting leaves in place).
#[derive(Debug, Clone, Default)]
struct EndpointSettings {
    use_fips: bool,
    use_dual_stack: bool,
    sts_global: bool,
    /// `AWS_ENDPOINT_URL`.
    env_url: Option<String>,
    /// The profile's `endpoint_url`.
    profile_url: Option<String>,
    /// Where service-specific URLs are looked up when a client is made: the environment
    /// (`AWS_ENDPOINT_URL_<SERVICE>`), and the files with the profile's `services` section.
    env: Option<Env>,
    services: Option<(ProfileFiles, String)>,
}

impl EndpointSettings {
    fn load(env: &Env, files: &ProfileFiles, profile: &str) -> Result<Self, ConfigError> {
        let setting = |var: &str, key: &str| match env.non_empty(var) {
            Some(v) => Some((v, var.to_owned())),
            None => files
                .get(profile, key)
                .map(|v| (v.to_owned(), format!("`{key}` of profile `{profile}`"))),
        };
        let flag = |var: &str, key: &str| -> Result<bool, ConfigError> {
            let Some((text, source)) = setting(var, key) else {
                return Ok(false);
            };
            match text.trim().to_ascii_lowercase().as_str() {
                "true" => Ok(true),
                "false" => Ok(false),
                _ => Err(ConfigError::Invalid(format!(
                    "{source} must be true or false, not {text:?}"
                ))),
            }
        };
        let mut settings = Self {
            use_fips: flag("AWS_USE_FIPS_ENDPOINT", "use_fips_endpoint")?,
            use_dual_stack: flag("AWS_USE_DUALSTACK_ENDPOINT", "use_dualstack_endpoint")?,
            ..Self::default()
        };
        if let Some((value, source)) =
            setting("AWS_STS_REGIONAL_ENDPOINTS", "sts_regional_endpoints")
        {
            settings.sts_global = match value.trim().to_ascii_lowercase().as_str() {
                "legacy" => true,
                "regional" => false,
                _ => {
                    return Err(ConfigError::Invalid(format!(
                        "{source} must be regional or legacy, not {value:?}"
                    )))
                }
            };
        }
        if flag(
            "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
            "ignore_configured_endpoint_urls",
        )? {
            return Ok(settings);
        }
        settings.env_url = env.non_empty("AWS_ENDPOINT_URL");
        settings.profile_url = files.get(profile, "endpoint_url").map(str::to_owned);
        settings.env = Some(env.clone());
        settings.services = files
            .get(profile, "services")
            .map(|section| (files.clone(), section.to_owned()));
        Ok(settings)
    }

    /// Forgets every configured URL.
    fn ignore_configured(&mut self) {
        self.env_url = None;
        self.profile_url = None;
        self.env = None;
        self.services = None;
    }

    /// The URLs that apply to every service, to check when the configuration is built.
    fn urls(&self) -> impl Iterator<Item = &String> {
        self.env_url.iter().chain(&self.profile_url)
    }

    /// The configured URL for the service `id`, in the SDKs' order.
    fn for_service(&self, id: &str) -> Option<String> {
        let env_name = format!(
            "AWS_ENDPOINT_URL_{}",
            id.trim().to_ascii_uppercase().replace([' ', '-'], "_")
        );
        let key = id.trim().to_ascii_lowercase().replace([' ', '-'], "_");
        self.env
            .as_ref()
            .and_then(|env| env.non_empty(&env_name))
            .or_else(|| self.env_url.clone())
            .or_else(|| {
                self.services.as_ref().and_then(|(files, section)| {
                    files
                        .service_setting(section, &key, "endpoint_url")
                        .map(str::to_owned)
                })
            })
            .or_else(|| self.profile_url.clone())
    }
}

/// The HTTP/1.1 client behind a [`Config`]: one connection pool and one TLS configuration
/// (rustls with the `ring` provider and Mozilla's roots) for every client made from it. It
/// needs no async runtime until a request is sent.
pub(crate) fn http_client(connect_timeout: Option<Duration>) -> Result<HttpClient, ConfigError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let tls = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| ConfigError::Invalid(format!("TLS setup failed: {e}")))?
        .with_root_certificates(rustls::RootCertStore {
            roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
        })
        .with_no_client_auth();
    let mut connector = HttpConnector::new();
    connector.enforce_http(false);
    connector.set_nodelay(true);
    connector.set_connect_timeout(connect_timeout);
    let https = hyper_rustls::HttpsConnectorBuilder::new()
        .with_tls_config(tls)
        .https_or_http()
        .enable_http1()
        .wrap_connector(connector);
    Ok(hyper_util::client::legacy::Client::builder(TokioExecutor::new()).build(https))
}

// ---------------------------------------------------------------------------
// Transport
// ---------------------------------------------------------------------------

/// An error of any kind, as transports report them.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// What [`Transport::send`] returns.
pub type TransportFuture<'a> =
    Pin<Box<dyn Future<Output = Result<TransportResponse, TransportFailure>> + Send + 'a>>;

/// The seam between the client and the network: sends one signed request and gives back the
/// status, the headers and a body that is read chunk by chunk.
///
/// The client does everything else: it builds, addresses and signs the request, applies the
/// attempt and operation timeouts around `send` and the body, counts the body against
/// [`Config::max_response_size`] as its chunks arrive (so a transport should stream the body
/// rather than buffer it), parses the response and decides about retries from the
/// [`TransportFailure`]'s kind. The default transport is HTTP/1.1 over `hyper` with `rustls`;
/// [`ConfigBuilder::transport`] replaces it, and [`test_transport`] has an in-memory one.
///
/// The trait is object safe: a configuration holds an `Arc<dyn Transport>` that every client
/// made from it shares.
pub trait Transport: Send + Sync + 'static {
    /// Sends `request` (absolute URI, signed headers, body) and resolves once the response's
    /// status and headers are in.
    fn send(&self, request: http::Request<Vec<u8>>) -> TransportFuture<'_>;
}

/// A shared transport is a transport (so one `Arc` can serve several configurations).
impl<T: Transport + ?Sized> Transport for Arc<T> {
    fn send(&self, request: http::Request<Vec<u8>>) -> TransportFuture<'_> {
        (**self).send(request)
    }
}

/// A response as a [`Transport`] delivers it: the body may still be arriving.
#[derive(Debug)]
pub struct TransportResponse {
    /// The HTTP status code.
    pub status: u16,
    /// The response headers (`Content-Length` over the size limit ends the call before the
    /// body is read).
    pub headers: HeaderMap,
    /// The body.
    pub body: ResponseBody,
}

impl TransportResponse {
    /// A response with `status`, no headers and `body`.
    pub fn new(status: u16, body: impl Into<ResponseBody>) -> Self {
        Self {
            status,
            headers: HeaderMap::new(),
            body: body.into(),
        }
    }
}

/// A response body, read in chunks: either complete already or a stream of chunks.
pub struct ResponseBody(BodyKind);

enum BodyKind {
    Complete(Option<Vec<u8>>),
    Stream(Pin<Box<dyn Stream<Item = Result<Vec<u8>, BoxError>> + Send>>),
}

impl fmt::Debug for ResponseBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            BodyKind::Complete(Some(b)) => write!(f, "ResponseBody({} bytes)", b.len()),
            BodyKind::Complete(None) => f.write_str("ResponseBody(read)"),
            BodyKind::Stream(_) => f.write_str("ResponseBody(stream)"),
        }
    }
}

impl ResponseBody {
    /// A body whose chunks come from `chunks`; an error there ends the attempt with a
    /// transport error that may have reached the service.
    pub fn from_stream(
        chunks: impl Stream<Item = Result<Vec<u8>, BoxError>> + Send + 'static,
    ) -> Self {
        Self(BodyKind::Stream(Box::pin(chunks)))
    }

    /// The next chunk; `None` at the end of the body.
    pub async fn next_chunk(&mut self) -> Option<Result<Vec<u8>, BoxError>> {
        match &mut self.0 {
            BodyKind::Complete(body) => body.take().map(Ok),
            BodyKind::Stream(stream) => {
                std::future::poll_fn(|cx| stream.as_mut().poll_next(cx)).await
            }
        }
    }
}

impl From<Vec<u8>> for ResponseBody {
    fn from(body: Vec<u8>) -> Self {
        Self(BodyKind::Complete(Some(body)))
    }
}

impl From<String> for ResponseBody {
    fn from(body: String) -> Self {
        body.into_bytes().into()
    }
}

impl From<&[u8]> for ResponseBody {
    fn from(body: &[u8]) -> Self {
        body.to_vec().into()
    }
}

impl From<&str> for ResponseBody {
    fn from(body: &str) -> Self {
        body.as_bytes().into()
    }
}

/// How far a failed [`Transport::send`] got, which decides whether the call may be retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportFailureKind {
    /// No connection was made (refused, no route, DNS, TLS handshake): nothing reached the
    /// service, so every operation may be retried.
    NotConnected,
    /// Establishing the connection took too long: nothing reached the service. The call
    /// reports it as a [`TimeoutKind::Connect`] timeout.
    ConnectTimeout,
    /// The connection was made and failed later: the request may have reached the service,
    /// so only operations safe to repeat are retried.
    MaybeSent,
}

/// A failed [`Transport::send`]: how far it got and why.
#[derive(Debug)]
pub struct TransportFailure {
    kind: TransportFailureKind,
    source: BoxError,
}

impl TransportFailure {
    /// A failure of `kind`, caused by `source`.
    pub fn new(kind: TransportFailureKind, source: impl Into<BoxError>) -> Self {
        Self {
            kind,
            source: source.into(),
        }
    }

    /// No connection was made ([`TransportFailureKind::NotConnected`]).
    pub fn not_connected(source: impl Into<BoxError>) -> Self {
        Self::new(TransportFailureKind::NotConnected, source)
    }

    /// The connection could not be made in time ([`TransportFailureKind::ConnectTimeout`]).
    pub fn connect_timeout(source: impl Into<BoxError>) -> Self {
        Self::new(TransportFailureKind::ConnectTimeout, source)
    }

    /// The request may have reached the service ([`TransportFailureKind::MaybeSent`]).
    pub fn maybe_sent(source: impl Into<BoxError>) -> Self {
        Self::new(TransportFailureKind::MaybeSent, source)
    }

    /// How far the request got.
    pub fn kind(&self) -> TransportFailureKind {
        self.kind
    }
}

impl fmt::Display for TransportFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.kind {
            TransportFailureKind::NotConnected => "no connection",
            TransportFailureKind::ConnectTimeout => "connect timeout",
            TransportFailureKind::MaybeSent => "connection failed",
        };
        write!(f, "{what}: {}", self.source)
    }
}

impl std::error::Error for TransportFailure {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&*self.source)
    }
}

/// The default transport: the configuration's HTTP/1.1 client.
struct HyperTransport {
    client: HttpClient,
}

impl Transport for HyperTransport {
    fn send(&self, request: http::Request<Vec<u8>>) -> TransportFuture<'_> {
        let (parts, body) = request.into_parts();
        let pending = self.client.request(http::Request::from_parts(
            parts,
            Full::new(Cursor::new(body)),
        ));
        Box::pin(async move {
            let response = pending.await.map_err(|e| {
                if !e.is_connect() {
                    TransportFailure::maybe_sent(e)
                } else if is_timeout(&e) {
                    TransportFailure::connect_timeout(e)
                } else {
                    TransportFailure::not_connected(e)
                }
            })?;
            let (parts, body) = response.into_parts();
            Ok(TransportResponse {
                status: parts.status.as_u16(),
                headers: parts.headers,
                body: ResponseBody::from_stream(DataFrames(body)),
            })
        })
    }
}

/// The data frames of an `http_body` body as a stream of chunks (trailers are skipped).
struct DataFrames<B>(B);

impl<B> Stream for DataFrames<B>
where
    B: BodyExt + Unpin,
    B::Data: Into<Vec<u8>>,
    B::Error: Into<BoxError>,
{
    type Item = Result<Vec<u8>, BoxError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let body = &mut self.get_mut().0;
        loop {
            let mut frame = body.frame();
            match Pin::new(&mut frame).poll(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Ready(Some(Err(e))) => return Poll::Ready(Some(Err(e.into()))),
                Poll::Ready(Some(Ok(frame))) => {
                    if let Ok(data) = frame.into_data() {
                        return Poll::Ready(Some(Ok(data.into())));
                    }
                }
            }
        }
    }
}

/// `^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$`
fn is_host_label(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.len() <= 63
        && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'-')
        && b.first().is_some_and(u8::is_ascii_alphanumeric)
        && b.last().is_some_and(u8::is_ascii_alphanumeric)
}

/// Parses and checks an endpoint URL.
fn endpoint(url: &str) -> Result<Endpoint, ConfigError> {
    Endpoint::parse(url).map_err(|e| ConfigError::InvalidEndpoint {
        url: url.to_owned(),
        reason: e.to_string(),
    })
}

/// The regional endpoint of a service: `https://{prefix}.{region}.amazonaws.com`
/// (`.amazonaws.com.cn` in the China regions).
pub fn default_endpoint(endpoint_prefix: &str, region: &str) -> String {
    let suffix = if region.starts_with("cn-") {
        "amazonaws.com.cn"
    } else {
        "amazonaws.com"
    };
    format!("https://{endpoint_prefix}.{region}.{suffix}")
}

/// A configuration that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigError {
    /// No region was set or found.
    MissingRegion,
    /// The shared files or a profile could not be read.
    Credentials(CredentialsError),
    /// The endpoint override is not usable.
    InvalidEndpoint {
        /// The URL given.
        url: String,
        /// Why it is not usable.
        reason: String,
    },
    /// Some other setting is invalid.
    Invalid(String),
    /// The service's endpoint rules give no endpoint for these settings (a FIPS endpoint in a
    /// partition without one, …), or one this client cannot use.
    Endpoint {
        /// The service id.
        service: String,
        /// Why (for an error rule, its message).
        reason: EndpointError,
    },
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MissingRegion => f.write_str(
                "no region: set one in the builder, AWS_REGION, or `region` in the shared config file",
            ),
            Self::Credentials(e) => write!(f, "cannot load credentials: {e}"),
            Self::InvalidEndpoint { url, reason } => {
                write!(f, "invalid endpoint URL {url:?}: {reason}")
            }
            Self::Invalid(message) => f.write_str(message),
            Self::Endpoint { service, reason } => {
                write!(f, "no usable {service} endpoint: {reason}")
            }
        }
    }
}

impl std::error::Error for ConfigError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Credentials(e) => Some(e),
            _ => None,
        }
    }
}

// ---------------------------------------------------------------------------
// Errors of a call
// ---------------------------------------------------------------------------

/// Why a call failed. `E` is the operation's error enum.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error<E> {
    /// The service answered with an error response: one of the operation's modelled
    /// errors, or its `Unhandled` variant (code, message, request id and status of any
    /// other error). Never the enum's `Unparseable` variant: that is [`Error::Unparseable`].
    Service(E),
    /// The response could not be parsed (an HTML error page, a truncated body …); it keeps
    /// the status and the start of the body.
    Unparseable(ResponseError),
    /// The request could not be sent or the response not received.
    Transport(TransportError),
    /// A time limit ran out.
    Timeout(TimeoutError),
    /// The response body was longer than the configured maximum
    /// ([`ConfigBuilder::max_response_size`]); it was not read past the limit.
    ResponseTooLarge(ResponseTooLargeError),
    /// No credentials to sign the request with: none configured, or the provider failed.
    /// Nothing was sent.
    Credentials(CredentialsError),
}

impl Error<Infallible> {
    /// The same error as an `Error<E>` of any operation: it holds no service error.
    fn widen<E>(self) -> Error<E> {
        match self {
            Self::Service(never) => match never {},
            Self::Unparseable(e) => Error::Unparseable(e),
            Self::Transport(e) => Error::Transport(e),
            Self::Timeout(e) => Error::Timeout(e),
            Self::ResponseTooLarge(e) => Error::ResponseTooLarge(e),
            Self::Credentials(e) => Error::Credentials(e),
        }
    }
}

impl<E> Error<E> {
    /// The service's error, if the service answered with one.
    pub fn service_error(&self) -> Option<&E> {
        match self {
            Self::Service(e) => Some(e),
            _ => None,
        }
    }

    /// Turns this into the service's error, if the service answered with one.
    pub fn into_service_error(self) -> Option<E> {
        match self {
            Self::Service(e) => Some(e),
            _ => None,
        }
    }
}

impl<E: ErrorEnum> Error<E> {
    /// The error response's metadata (code, message, request id, status), if the service
    /// answered with an error response.
    pub fn meta(&self) -> Option<&ErrorMeta> {
        self.service_error().and_then(|e| e.variant().meta())
    }

    /// The error code, if the service answered with an error response.
    pub fn code(&self) -> Option<&str> {
        self.meta().map(|m| m.code.as_str())
    }

    /// The request id, if the service answered with an error response that has one.
    pub fn request_id(&self) -> Option<&str> {
        self.meta().and_then(|m| m.request_id.as_deref())
    }
}

impl<E: fmt::Display> fmt::Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Service(e) => write!(f, "service error: {e}"),
            Self::Unparseable(e) => fmt::Display::fmt(e, f),
            Self::Transport(e) => fmt::Display::fmt(e, f),
            Self::Timeout(e) => fmt::Display::fmt(e, f),
            Self::ResponseTooLarge(e) => fmt::Display::fmt(e, f),
            Self::Credentials(e) => write!(f, "no credentials to sign with: {e}"),
        }
    }
}

impl<E: std::error::Error + 'static> std::error::Error for Error<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Service(e) => Some(e),
            Self::Unparseable(e) => Some(e),
            Self::Transport(e) => Some(e),
            Self::Timeout(e) => Some(e),
            Self::ResponseTooLarge(e) => Some(e),
            Self::Credentials(e) => Some(e),
        }
    }
}

/// A response body longer than the configured maximum.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResponseTooLargeError {
    limit: usize,
    status: u16,
    declared: Option<u64>,
}

impl ResponseTooLargeError {
    /// The configured maximum, in bytes.
    pub fn limit(&self) -> usize {
        self.limit
    }

    /// The HTTP status of the response.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The length the response announced in `Content-Length`, if it announced one over the
    /// limit (the body was then not read at all).
    pub fn declared_length(&self) -> Option<u64> {
        self.declared
    }
}

impl fmt::Display for ResponseTooLargeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the response (HTTP {}) is larger than the {}-byte limit",
            self.status, self.limit
        )?;
        if let Some(n) = self.declared {
            write!(f, " (Content-Length: {n})")?;
        }
        Ok(())
    }
}

impl std::error::Error for ResponseTooLargeError {}

/// The connection failed.
#[derive(Debug)]
pub struct TransportError {
    source: Box<dyn std::error::Error + Send + Sync>,
    sent: bool,
}

impl TransportError {
    /// Whether the request may have reached the service (the connection was established
    /// before it failed).
    pub fn may_have_reached_service(&self) -> bool {
        self.sent
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.sent {
            "the connection failed after the request was sent"
        } else {
            "could not send the request"
        })?;
        let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(&*self.source);
        while let Some(e) = cause {
            write!(f, ": {e}")?;
            cause = e.source();
        }
        Ok(())
    }
}

impl std::error::Error for TransportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&*self.source)
    }
}

/// Which time limit ran out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeoutKind {
    /// Establishing the connection (nothing was sent).
    Connect,
    /// One attempt (the request may have reached the service).
    Attempt,
    /// The whole call, retries included.
    Operation,
}

/// A time limit ran out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeoutError {
    kind: TimeoutKind,
    limit: Option<Duration>,
}

impl TimeoutError {
    /// Which limit.
    pub fn kind(&self) -> TimeoutKind {
        self.kind
    }

    /// The configured limit.
    pub fn limit(&self) -> Option<Duration> {
        self.limit
    }
}

impl fmt::Display for TimeoutError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.kind {
            TimeoutKind::Connect => "connecting",
            TimeoutKind::Attempt => "the attempt",
            TimeoutKind::Operation => "the call",
        };
        match self.limit {
            Some(limit) => write!(f, "{what} timed out after {limit:?}"),
            None => write!(f, "{what} timed out"),
        }
    }
}

impl std::error::Error for TimeoutError {}

// ---------------------------------------------------------------------------
// The handle
// ---------------------------------------------------------------------------

pub(crate) type Body = Full<Cursor<Vec<u8>>>;

/// A client of one service made from a [`Config`]; cheap to clone. Every handle made from
/// the same `Config` shares its connection pool and credentials.
#[derive(Clone)]
pub struct Handle {
    inner: Arc<Inner>,
}

struct Inner {
    config: Config,
    signing_name: String,
    signing_region: String,
    /// The signing key of the last credentials and day this handle signed with.
    signing_keys: sigv4::SigningKeyCache,
    /// Headers the endpoint rules ask every request to carry.
    headers: Vec<(HeaderName, HeaderValue)>,
    endpoint: Endpoint,
    options: RequestOptions,
    user_agent: HeaderValue,
}

impl fmt::Debug for Handle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Handle")
            .field("endpoint", &self.inner.endpoint)
            .field("signing_name", &self.inner.signing_name)
            .field("signing_region", &self.inner.signing_region)
            .field("config", &self.inner.config)
            .finish_non_exhaustive()
    }
}

impl Handle {
    /// A handle for `service` that sends through `config`'s connection pool. Needs no
    /// runtime; calls need a tokio runtime.
    ///
    /// The endpoint is resolved here, once: with the service's endpoint rules, from the
    /// configuration's region, FIPS, dual-stack and (for STS) global-endpoint settings and
    /// the service's endpoint override ([`Config::endpoint_url_for`]); the endpoint's
    /// `authSchemes` give the signing name and region. (None of the models this generator
    /// serves has operation context parameters, which would need a resolution per call.)
    /// Without rules, the endpoint is the override or `https://{prefix}.{region}.amazonaws.com`.
    /// Fails when the rules give an error or an endpoint that is not a usable URL.
    pub fn new(config: &Config, service: &ServiceInfo) -> Result<Self, ConfigError> {
        let endpoint_error = |reason: EndpointError| ConfigError::Endpoint {
            service: service.service_id.to_owned(),
            reason,
        };
        let mut signing_name = service.signing_name.to_owned();
        let mut signing_region = config.region().to_owned();
        let mut headers = Vec::new();
        let url = match service.endpoint_rules {
            None => config
                .endpoint_url_for(service.service_id)
                .unwrap_or_else(|| default_endpoint(service.endpoint_prefix, config.region())),
            Some(rule_set) => {
                let resolved =
                    rules::resolve(rule_set, built_ins(rule_set, config, service.service_id))
                        .map_err(endpoint_error)?;
                if let Some(scheme) = resolved.auth_scheme().map_err(endpoint_error)? {
                    if let Some(name) = scheme.signing_name {
                        signing_name = name;
                    }
                    if let Some(region) = scheme.signing_region {
                        signing_region = region;
                    }
                }
                for (name, values) in &resolved.headers {
                    let name = HeaderName::from_bytes(name.as_bytes()).map_err(|e| {
                        endpoint_error(EndpointError::new(format!("header {name:?}: {e}")))
                    })?;
                    for value in values {
                        let value = HeaderValue::from_str(value).map_err(|e| {
                            endpoint_error(EndpointError::new(format!(
                                "header {name}: {value:?}: {e}"
                            )))
                        })?;
                        headers.push((name.clone(), value));
                    }
                }
                resolved.url
            }
        };
        let endpoint = endpoint(&url)?;
        let options = RequestOptions::new().endpoint(endpoint.clone());
        let user_agent = HeaderValue::from_str(&format!(
            "{}/{} {}/{}",
            service.crate_name,
            service.crate_version,
            env!("CARGO_PKG_NAME"),
            env!("CARGO_PKG_VERSION")
        ))
        .map_err(|e| ConfigError::Invalid(format!("unusable User-Agent: {e}")))?;
        Ok(Self {
            inner: Arc::new(Inner {
                config: config.clone(),
                signing_name,
                signing_region,
                signing_keys: sigv4::SigningKeyCache::new(),
                headers,
                endpoint,
                options,
                user_agent,
            }),
        })
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// The endpoint requests go to.
    pub fn endpoint(&self) -> &Endpoint {
        &self.inner.endpoint
    }

    /// The name requests are signed for (the endpoint's, else the service's).
    pub fn signing_name(&self) -> &str {
        &self.inner.signing_name
    }

    /// The region requests are signed for (the endpoint's, else the configured one).
    pub fn signing_region(&self) -> &str {
        &self.inner.signing_region
    }

    /// Calls operation `O`: at most [`RetryConfig::attempts`] attempts, within the
    /// operation timeout. The request is built once (so every attempt carries the same
    /// idempotency tokens) and signed again for each attempt.
    pub async fn call<O>(&self, input: &O::Input) -> Result<O::Output, Error<O::Error>>
    where
        O: ClientOperation,
        O::Error: ErrorEnum,
    {
        let request = O::build_request_with(input, &self.inner.options).map_err(|e| {
            Error::Transport(TransportError {
                source: e.into(),
                sent: false,
            })
        })?;
        match self.inner.config.operation_timeout() {
            Some(limit) => tokio::time::timeout(limit, self.with_retries::<O>(&request))
                .await
                .unwrap_or(Err(Error::Timeout(TimeoutError {
                    kind: TimeoutKind::Operation,
                    limit: Some(limit),
                }))),
            None => self.with_retries::<O>(&request).await,
        }
    }

    /// Pages of a paginated operation, starting with `input`.
    pub fn pages<P>(&self, input: P::Input) -> Pages<P>
    where
        P: Paginated + 'static,
        P::Input: Clone + Send + Sync + 'static,
        P::Output: Send + 'static,
        P::Error: ErrorEnum + Send + 'static,
    {
        let handle = self.clone();
        Pages::new(
            input,
            Box::new(move |input: P::Input| {
                let handle = handle.clone();
                Box::pin(async move { handle.call::<P>(&input).await })
            }),
        )
    }

    async fn with_retries<O>(
        &self,
        request: &http::Request<Vec<u8>>,
    ) -> Result<O::Output, Error<O::Error>>
    where
        O: ClientOperation,
        O::Error: ErrorEnum,
    {
        let retry = *self.inner.config.retry();
        let mut attempt = 0;
        loop {
            attempt += 1;
            let error = match self.attempt::<O>(request).await {
                Ok(output) => return Ok(output),
                Err(Attempt::Unsendable(e)) => return Err(e),
                Err(Attempt::Failed(e)) => e,
            };
            let failure = match &error {
                Error::Service(e) => match e.variant().meta() {
                    Some(meta) => Failure::ErrorResponse {
                        status: meta.status,
                        code: &meta.code,
                    },
                    None => Failure::Unparseable { status: 0 },
                },
                Error::Unparseable(e) => Failure::Unparseable { status: e.status() },
                Error::Transport(e) if e.sent => Failure::MaybeSent,
                Error::Transport(_) => Failure::NotSent,
                Error::Timeout(t) if t.kind == TimeoutKind::Connect => Failure::NotSent,
                Error::Timeout(_) => Failure::MaybeSent,
                // The same request would bring the same body; credentials come from a
                // cache that has already tried to refresh them.
                Error::ResponseTooLarge(_) | Error::Credentials(_) => return Err(error),
            };
            if attempt >= retry.attempts() || !retry::should_retry(failure, O::RETRY_SAFETY) {
                return Err(error);
            }
            tokio::time::sleep(retry.backoff(attempt, random_u64())).await;
        }
    }

    /// One attempt: address, sign, send and read ([`exchange`](Self::exchange)), then parse.
    async fn attempt<O>(
        &self,
        template: &http::Request<Vec<u8>>,
    ) -> Result<O::Output, Attempt<O::Error>>
    where
        O: ClientOperation,
        O::Error: ErrorEnum,
    {
        let (status, body) = self
            .exchange(template, O::SIGNED)
            .await
            .map_err(|e| match e {
                Attempt::Failed(e) => Attempt::Failed(e.widen()),
                Attempt::Unsendable(e) => Attempt::Unsendable(e.widen()),
            })?;
        O::parse_response(status, &body).map_err(|e| {
            Attempt::Failed(match e.into_unparseable() {
                Ok(unparseable) => Error::Unparseable(unparseable),
                Err(e) => Error::Service(e),
            })
        })
    }

    /// The part of an attempt that is the same for every operation: address, sign (when
    /// `signed`), send, and read the status and body. Not generic, so a crate of hundreds of
    /// operations compiles it once, not once per operation.
    async fn exchange(
        &self,
        template: &http::Request<Vec<u8>>,
        signed: bool,
    ) -> Result<(u16, Vec<u8>), Attempt<Infallible>> {
        let inner = &*self.inner;
        let unsendable = |e: Box<dyn std::error::Error + Send + Sync>| {
            Attempt::Unsendable(Error::Transport(TransportError {
                source: e,
                sent: false,
            }))
        };
        let mut request = http::Request::new(template.body().clone());
        *request.method_mut() = template.method().clone();
        *request.uri_mut() = template.uri().clone();
        *request.headers_mut() = template.headers().clone();
        request
            .headers_mut()
            .insert(USER_AGENT, inner.user_agent.clone());
        for (name, value) in &inner.headers {
            request.headers_mut().append(name.clone(), value.clone());
        }
        if signed {
            let credentials = inner
                .config
                .credentials()
                .await
                .map_err(|e| Attempt::Unsendable(Error::Credentials(e)))?;
            sigv4::sign_cached(
                &mut request,
                &SigningParams {
                    credentials: &credentials,
                    region: &inner.signing_region,
                    service: &inner.signing_name,
                    time: SystemTime::now(),
                },
                &inner.signing_keys,
            )
            .map_err(|e| unsendable(e.into()))?;
        }
        let exchange = async {
            let mut response =
                inner
                    .config
                    .inner
                    .transport
                    .send(request)
                    .await
                    .map_err(|e| match e.kind {
                        TransportFailureKind::ConnectTimeout => Error::Timeout(TimeoutError {
                            kind: TimeoutKind::Connect,
                            limit: inner.config.connect_timeout(),
                        }),
                        kind => Error::Transport(TransportError {
                            sent: kind != TransportFailureKind::NotConnected,
                            source: e.source,
                        }),
                    })?;
            let status = response.status;
            let limit = inner.config.max_response_size();
            let too_large = |declared| {
                Error::ResponseTooLarge(ResponseTooLargeError {
                    limit,
                    status,
                    declared,
                })
            };
            let declared = response
                .headers
                .get(http::header::CONTENT_LENGTH)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<u64>().ok());
            if let Some(n) = declared.filter(|n| *n > limit as u64) {
                return Err(too_large(Some(n)));
            }
            // Counted chunk by chunk as they arrive: a longer body stops at the limit.
            let mut body = Vec::new();
            while let Some(chunk) = response.body.next_chunk().await {
                let chunk = chunk
                    .map_err(|source| Error::Transport(TransportError { source, sent: true }))?;
                if chunk.len() > limit - body.len() {
                    return Err(too_large(None));
                }
                if body.is_empty() {
                    body = chunk;
                } else {
                    body.extend_from_slice(&chunk);
                }
            }
            Ok((status, body))
        };
        let (status, body) = match inner.config.attempt_timeout() {
            Some(limit) => {
                tokio::time::timeout(limit, exchange)
                    .await
                    .unwrap_or(Err(Error::Timeout(TimeoutError {
                        kind: TimeoutKind::Attempt,
                        limit: Some(limit),
                    })))
            }
            None => exchange.await,
        }
        .map_err(Attempt::Failed)?;
        Ok((status, body))
    }
}

/// The values of a rule set's parameters that the configuration supplies, by `builtIn`:
/// `AWS::Region`, `AWS::UseFIPS`, `AWS::UseDualStack`, `SDK::Endpoint` (the service's endpoint
/// override) and `AWS::STS::UseGlobalEndpoint`. Other parameters are left unset (their
/// defaults apply).
fn built_ins(rule_set: &RuleSet, config: &Config, service_id: &str) -> Vec<Option<Value>> {
    rule_set
        .params
        .iter()
        .map(|p| match p.built_in {
            Some("AWS::Region") => Some(Value::from(config.region())),
            Some("AWS::UseFIPS") => Some(Value::Bool(config.use_fips())),
            Some("AWS::UseDualStack") => Some(Value::Bool(config.use_dual_stack())),
            Some("SDK::Endpoint") => config.endpoint_url_for(service_id).map(Value::Str),
            Some("AWS::STS::UseGlobalEndpoint") => {
                Some(Value::Bool(config.use_global_sts_endpoint()))
            }
            _ => None,
        })
        .collect()
}

/// How an attempt failed.
enum Attempt<E> {
    /// It may be retried.
    Failed(Error<E>),
    /// The request could not even be built or signed: retrying cannot help.
    Unsendable(Error<E>),
}

/// Whether an I/O timeout is somewhere in the error's chain.
fn is_timeout(e: &(dyn std::error::Error + 'static)) -> bool {
    let mut cause = Some(e);
    while let Some(e) = cause {
        if e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::TimedOut)
        {
            return true;
        }
        cause = e.source();
    }
    false
}

/// A random number for backoff jitter (not for secrets): the SipHash of nothing under a
/// fresh `RandomState`, whose keys std seeds from the system's randomness once per thread
/// and changes at every call, so processes, threads and calls all differ.
pub(crate) fn random_u64() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    std::collections::hash_map::RandomState::new()
        .build_hasher()
        .finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jitter_differs_from_call_to_call() {
        let values: std::collections::BTreeSet<u64> = (0..64).map(|_| random_u64()).collect();
        assert_eq!(values.len(), 64, "{values:?}");
        // Spread over the whole range, not only in the low bits.
        let high: std::collections::BTreeSet<u64> = values.iter().map(|v| v >> 56).collect();
        assert!(high.len() > 16, "{values:?}");
    }

    fn env_of(vars: &[(&str, &str)]) -> Env {
        Env::from_pairs(vars.iter().copied())
    }

    /// An environment whose shared files do not exist.
    const NO_FILES: [(&str, &str); 2] = [
        ("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials"),
        ("AWS_CONFIG_FILE", "/nonexistent/config"),
    ];

    #[tokio::test]
    async fn config_from_environment_variables() {
        let mut vars = NO_FILES.to_vec();
        vars.extend([
            ("AWS_REGION", "eu-west-1"),
            ("AWS_DEFAULT_REGION", "us-east-1"),
            ("AWS_ACCESS_KEY_ID", "AKID"),
            ("AWS_SECRET_ACCESS_KEY", "SECRET"),
            ("AWS_ENDPOINT_URL", "http://127.0.0.1:5000"),
            ("AWS_MAX_ATTEMPTS", "5"),
        ]);
        let config = ConfigBuilder::from_env_with(env_of(&vars))
            .and_then(ConfigBuilder::build)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(config.region(), "eu-west-1");
        let credentials = config.credentials().await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(credentials.access_key_id(), "AKID");
        assert_eq!(config.endpoint_url(), Some("http://127.0.0.1:5000"));
        assert_eq!(config.retry().attempts(), 5);
    }

    #[tokio::test]
    async fn missing_pieces_are_reported() {
        let e = ConfigBuilder::from_env_with(env_of(&NO_FILES))
            .and_then(ConfigBuilder::build)
            .expect_err("nothing set");
        assert_eq!(e, ConfigError::MissingRegion);
        let mut vars = NO_FILES.to_vec();
        vars.push(("AWS_DEFAULT_REGION", "us-east-1"));
        vars.push(("AWS_EC2_METADATA_DISABLED", "true"));
        // Credentials are looked for when first needed; the error lists the providers.
        let config = ConfigBuilder::from_env_with(env_of(&vars))
            .and_then(ConfigBuilder::build)
            .unwrap_or_else(|e| panic!("{e}"));
        let e = config.credentials().await.expect_err("no credentials");
        let text = e.to_string();
        assert!(
            text.contains("AWS_ACCESS_KEY_ID")
                && text.contains("/nonexistent/credentials")
                && text.contains("AWS_EC2_METADATA_DISABLED"),
            "{text}"
        );
        let anonymous = Config::builder()
            .region("us-east-1")
            .build()
            .unwrap_or_else(|e| panic!("{e}"));
        let e = anonymous.credentials().await.expect_err("anonymous");
        assert!(e.to_string().contains("no credentials"), "{e}");
        vars.push(("AWS_PROFILE", "nope"));
        let e = ConfigBuilder::from_env_with(env_of(&vars)).expect_err("unknown profile");
        assert!(e.to_string().contains("`nope`"), "{e}");
        vars.pop();
        vars.push(("AWS_MAX_ATTEMPTS", "zero"));
        assert!(ConfigBuilder::from_env_with(env_of(&vars)).is_err());
    }

    #[test]
    fn builder_checks_its_settings() {
        let base = || {
            Config::builder()
                .region("us-east-1")
                .credentials(Credentials::new("AKID", "SECRET", None))
        };
        assert!(base().build().is_ok());
        assert!(base().region("us east").build().is_err());
        assert!(base().region("-bad").build().is_err());
        for url in [
            "ftp://example.com",
            "https://example.com/?q=1",
            "not a url",
            "/relative",
        ] {
            match base().endpoint_url(url).build() {
                Err(ConfigError::InvalidEndpoint { .. }) => {}
                other => panic!("{url}: {other:?}"),
            }
        }
        for url in [
            "http://127.0.0.1:5000",
            "https://vpce-1.example.com/",
            "https://proxy.example.com/elasticache",
        ] {
            assert!(base().endpoint_url(url).build().is_ok(), "{url}");
        }
        let token = Credentials::new("AKID", "SECRET", Some("bad\ntoken".into()));
        assert!(base().credentials(token).build().is_err());
        // An empty secret cannot sign anything.
        let e = base()
            .credentials(Credentials::new("AKID", "", None))
            .build()
            .expect_err("empty secret");
        assert!(e.to_string().contains("empty secret access key"), "{e}");
    }

    #[test]
    fn defaults_bound_every_call() {
        let config = Config::builder()
            .region("us-east-1")
            .credentials(Credentials::new("AKID", "SECRET", None))
            .build()
            .unwrap_or_else(|e| panic!("{e}"));
        // A server that accepts and never answers costs the operation timeout, not
        // attempts × attempt timeout (3 × 60 s before).
        assert_eq!(config.operation_timeout(), Some(Duration::from_secs(90)));
        assert_eq!(config.attempt_timeout(), Some(Duration::from_secs(30)));
        assert_eq!(config.max_response_size(), 32 << 20);
        let worst = config.operation_timeout().unwrap_or(Duration::MAX);
        assert!(worst <= config.attempt_timeout().unwrap_or_default() * config.retry().attempts());
    }

    #[test]
    fn attempts_and_response_size_are_bounded() {
        let base = || {
            Config::builder()
                .region("us-east-1")
                .credentials(Credentials::new("AKID", "SECRET", None))
        };
        for attempts in [RetryConfig::MAX_ATTEMPTS + 1, u32::MAX] {
            let e = base()
                .retry(RetryConfig::default().max_attempts(attempts))
                .build()
                .expect_err("too many attempts");
            assert!(e.to_string().contains("more than the 20"), "{e}");
        }
        assert!(base()
            .retry(RetryConfig::default().max_attempts(RetryConfig::MAX_ATTEMPTS))
            .build()
            .is_ok());
        assert!(base().max_response_size(0).build().is_err());
        let mut vars = NO_FILES.to_vec();
        vars.extend([
            ("AWS_REGION", "eu-west-1"),
            ("AWS_ACCESS_KEY_ID", "AKID"),
            ("AWS_SECRET_ACCESS_KEY", "SECRET"),
            ("AWS_MAX_ATTEMPTS", "4294967295"),
        ]);
        let e = ConfigBuilder::from_env_with(env_of(&vars))
            .and_then(ConfigBuilder::build)
            .expect_err("AWS_MAX_ATTEMPTS too large");
        assert!(e.to_string().contains("4294967295 attempts"), "{e}");
    }

    #[tokio::test]
    async fn clients_of_one_config_share_its_state() {
        let config = Config::builder()
            .region("eu-west-1")
            .credentials(Credentials::new("AKID", "SECRET", None))
            .build()
            .unwrap_or_else(|e| panic!("{e}"));
        let service = |prefix| ServiceInfo {
            service_id: prefix,
            endpoint_rules: None,
            endpoint_prefix: prefix,
            signing_name: prefix,
            crate_name: "example",
            crate_version: "1.0.0",
        };
        let a = Handle::new(&config, &service("elasticache")).unwrap_or_else(|e| panic!("{e}"));
        let b = Handle::new(&config, &service("sts")).unwrap_or_else(|e| panic!("{e}"));
        assert!(a.config().shares_state_with(b.config()));
        assert_eq!(b.endpoint().host(), "sts.eu-west-1.amazonaws.com");
        assert_eq!(
            a.inner.user_agent,
            concat!(
                "example/1.0.0 smithy-query-runtime/",
                env!("CARGO_PKG_VERSION")
            )
        );
        // A configuration derived from another is a new one, with a pool of its own.
        let derived = config
            .to_builder()
            .region("us-east-1")
            .build()
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(!derived.shares_state_with(&config));
        let credentials = derived
            .credentials()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(credentials.access_key_id(), "AKID");
    }

    #[tokio::test]
    async fn secrets_stay_out_of_debug_and_errors() {
        const SECRET: &str = "wJalrXUtnFEMI-SECRET-MARKER";
        const TOKEN: &str = "FwoGZXIvYXdz-TOKEN-MARKER";
        let clean = |text: &str| {
            assert!(!text.contains(SECRET) && !text.contains(TOKEN), "{text}");
        };
        let builder = Config::builder()
            .region("us-east-1")
            .credentials(Credentials::new("AKIDVISIBLE", SECRET, Some(TOKEN.into())));
        clean(&format!("{builder:?}"));
        let config = builder.build().unwrap_or_else(|e| panic!("{e}"));
        clean(&format!("{config:?}"));
        assert!(format!("{config:?}").contains("AKIDVISIBLE"));
        let handle = Handle::new(
            &config,
            &ServiceInfo {
                service_id: "STS",
                endpoint_rules: None,
                endpoint_prefix: "sts",
                signing_name: "sts",
                crate_name: "example",
                crate_version: "1.0.0",
            },
        )
        .unwrap_or_else(|e| panic!("{e}"));
        clean(&format!("{handle:?}"));
        // Environment variables and the files' settings never reach a message.
        let env = env_of(&[
            ("AWS_SECRET_ACCESS_KEY", SECRET),
            ("AWS_SESSION_TOKEN", TOKEN),
            ("AWS_CONFIG_FILE", "/nonexistent/config"),
            ("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials"),
            ("AWS_REGION", "us-east-1"),
        ]);
        let builder = ConfigBuilder::from_env_with(env).unwrap_or_else(|e| panic!("{e}"));
        clean(&format!("{builder:?}"));
        let config = builder.build().unwrap_or_else(|e| panic!("{e}"));
        clean(&format!("{config:?}"));
        let e = config.credentials().await.expect_err("half a key pair");
        clean(&e.to_string());
        clean(&format!("{e:?}"));
        let call: Error<std::convert::Infallible> = Error::Credentials(e);
        clean(&call.to_string());
        clean(&format!("{call:?}"));
        // Keys refused by the builder are not echoed either.
        let e = Config::builder()
            .region("us-east-1")
            .credentials(Credentials::new(format!("{SECRET}\n"), SECRET, None))
            .build()
            .expect_err("a newline in the key id");
        clean(&e.to_string());
        clean(&format!("{e:?}"));
    }

    #[test]
    fn default_endpoints() {
        assert_eq!(
            default_endpoint("elasticache", "us-east-1"),
            "https://elasticache.us-east-1.amazonaws.com"
        );
        assert_eq!(
            default_endpoint("elasticache", "cn-north-1"),
            "https://elasticache.cn-north-1.amazonaws.com.cn"
        );
    }

    /// A config file in a fresh temporary directory, and an environment that reads it.
    fn with_config_file(name: &str, text: &str, vars: &[(&str, &str)]) -> Env {
        let dir = std::env::temp_dir().join(format!(
            "smithy-query-endpoints-{name}-{}",
            std::process::id()
        ));
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
        let config = dir.join("config");
        std::fs::write(&config, text).unwrap_or_else(|e| panic!("{e}"));
        let config = config.display().to_string();
        let mut all: Vec<(&str, &str)> = vec![
            ("AWS_CONFIG_FILE", config.as_str()),
            ("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials"),
            ("AWS_REGION", "eu-west-1"),
        ];
        all.extend_from_slice(vars);
        Env::from_pairs(all.iter().copied())
    }

    fn config_of(env: Env) -> Config {
        ConfigBuilder::from_env_with(env)
            .and_then(ConfigBuilder::build)
            .unwrap_or_else(|e| panic!("{e}"))
    }

    const PROFILE: &str = "[default]\nendpoint_url = http://profile:1\nservices = local\n\
        use_fips_endpoint = true\nsts_regional_endpoints = legacy\n\
        [services local]\nsts =\n  endpoint_url = http://profile-sts:2\n\
        elastic_cache =\n  endpoint_url = http://profile-ec:3\n";

    #[test]
    fn endpoint_urls_in_the_sdks_order() {
        // The profile alone: the service's block, else the profile's URL.
        let config = config_of(with_config_file("profile", PROFILE, &[]));
        assert_eq!(
            config.endpoint_url_for("STS").as_deref(),
            Some("http://profile-sts:2")
        );
        assert_eq!(
            config.endpoint_url_for("Elastic Cache").as_deref(),
            Some("http://profile-ec:3")
        );
        assert_eq!(
            config.endpoint_url_for("SNS").as_deref(),
            Some("http://profile:1")
        );
        assert_eq!(config.endpoint_url(), Some("http://profile:1"));
        assert!(config.use_fips() && !config.use_dual_stack());
        assert!(config.use_global_sts_endpoint());
        // Variables come first: the service's own, then the global one.
        let env = with_config_file(
            "vars",
            PROFILE,
            &[
                ("AWS_ENDPOINT_URL_STS", "http://env-sts:4"),
                ("AWS_ENDPOINT_URL", "http://env:5"),
                ("AWS_USE_FIPS_ENDPOINT", "false"),
                ("AWS_USE_DUALSTACK_ENDPOINT", "TRUE"),
                ("AWS_STS_REGIONAL_ENDPOINTS", "regional"),
            ],
        );
        let config = config_of(env.clone());
        assert_eq!(
            config.endpoint_url_for("STS").as_deref(),
            Some("http://env-sts:4")
        );
        assert_eq!(
            config.endpoint_url_for("SNS").as_deref(),
            Some("http://env:5")
        );
        assert_eq!(
            config.endpoint_url_for("Elastic Cache").as_deref(),
            Some("http://env:5")
        );
        assert!(!config.use_fips() && config.use_dual_stack());
        assert!(!config.use_global_sts_endpoint());
        // The builder's URL beats everything, and survives the ignore setting.
        let builder = ConfigBuilder::from_env_with(env.clone()).unwrap_or_else(|e| panic!("{e}"));
        let config = builder
            .clone()
            .endpoint_url("http://builder:6")
            .build()
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            config.endpoint_url_for("STS").as_deref(),
            Some("http://builder:6")
        );
        let config = builder
            .ignore_configured_endpoint_urls()
            .build()
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(config.endpoint_url_for("STS"), None);
        assert_eq!(config.endpoint_url(), None);
        let mut vars = vec![("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true")];
        let config = config_of(with_config_file("ignore", PROFILE, &vars));
        assert_eq!(config.endpoint_url_for("STS"), None);
        vars[0].1 = "maybe";
        let e = ConfigBuilder::from_env_with(with_config_file("bad", PROFILE, &vars))
            .expect_err("not a boolean");
        assert!(
            e.to_string()
                .contains("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"),
            "{e}"
        );
        let e = ConfigBuilder::from_env_with(with_config_file(
            "bad-sts",
            "[default]\nsts_regional_endpoints = global\n",
            &[],
        ))
        .expect_err("not regional or legacy");
        assert!(e.to_string().contains("sts_regional_endpoints"), "{e}");
    }

    mod rules_data {
        use super::super::super::rules::{
            Call, Condition, EndpointTemplate, Expr, Function, Param, ParamType, Part, Rule,
            RuleKind, RuleSet,
        };

        /// FIPS: an error. Otherwise `https://svc.{Region}.example`, signed as `other` in
        /// `us-east-1`, with a header; with an endpoint override, that URL.
        pub static RULES: RuleSet = RuleSet {
            service: "test#Svc",
            params: &[
                Param {
                    name: "Region",
                    ty: ParamType::String,
                    built_in: Some("AWS::Region"),
                    required: true,
                    default: None,
                },
                Param {
                    name: "UseFIPS",
                    ty: ParamType::Boolean,
                    built_in: Some("AWS::UseFIPS"),
                    required: true,
                    default: None,
                },
                Param {
                    name: "Endpoint",
                    ty: ParamType::String,
                    built_in: Some("SDK::Endpoint"),
                    required: false,
                    default: None,
                },
            ],
            rules: &[
                Rule {
                    conditions: &[Condition {
                        call: Call {
                            function: Function::IsSet,
                            args: &[Expr::Ref(2)],
                        },
                        assign: None,
                    }],
                    kind: RuleKind::Endpoint(EndpointTemplate {
                        url: Expr::Ref(2),
                        properties: &[],
                        headers: &[],
                    }),
                },
                Rule {
                    conditions: &[Condition {
                        call: Call {
                            function: Function::BooleanEquals,
                            args: &[Expr::Ref(1), Expr::Bool(true)],
                        },
                        assign: None,
                    }],
                    kind: RuleKind::Error(Expr::Str(&[Part::Text("no FIPS here")])),
                },
                Rule {
                    conditions: &[],
                    kind: RuleKind::Endpoint(EndpointTemplate {
                        url: Expr::Str(&[
                            Part::Text("https://svc."),
                            Part::Var(0),
                            Part::Text(".example"),
                        ]),
                        properties: &[(
                            "authSchemes",
                            Expr::Array(&[Expr::Record(&[
                                ("name", Expr::Str(&[Part::Text("sigv4")])),
                                ("signingName", Expr::Str(&[Part::Text("other")])),
                                ("signingRegion", Expr::Str(&[Part::Text("us-east-1")])),
                            ])]),
                        )],
                        headers: &[("x-test", &[Expr::Str(&[Part::Text("a")])])],
                    }),
                },
            ],
            slots: 3,
        };
    }

    #[test]
    fn handles_resolve_their_endpoint_from_the_rules() {
        let service = ServiceInfo {
            service_id: "Svc",
            endpoint_prefix: "svc",
            endpoint_rules: Some(&rules_data::RULES),
            signing_name: "svc",
            crate_name: "example",
            crate_version: "1.0.0",
        };
        let base = || {
            Config::builder()
                .region("eu-west-1")
                .credentials(Credentials::new("AKID", "SECRET", None))
        };
        let config = base().build().unwrap_or_else(|e| panic!("{e}"));
        let handle = Handle::new(&config, &service).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(handle.endpoint().host(), "svc.eu-west-1.example");
        assert_eq!(handle.signing_name(), "other");
        assert_eq!(handle.signing_region(), "us-east-1");
        assert_eq!(handle.inner.headers.len(), 1);
        // An override is `SDK::Endpoint`; the configured region signs.
        let config = base()
            .endpoint_url("http://127.0.0.1:5000")
            .build()
            .unwrap_or_else(|e| panic!("{e}"));
        let handle = Handle::new(&config, &service).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(handle.endpoint().host(), "127.0.0.1");
        assert_eq!(handle.signing_region(), "eu-west-1");
        assert_eq!(handle.signing_name(), "svc");
        // An error rule is the client's error, with the rule's message.
        let config = base()
            .use_fips(true)
            .build()
            .unwrap_or_else(|e| panic!("{e}"));
        let e = Handle::new(&config, &service).expect_err("FIPS");
        assert_eq!(e.to_string(), "no usable Svc endpoint: no FIPS here");
    }

    #[test]
    fn timeouts_are_found_in_error_chains() {
        #[derive(Debug)]
        struct Wrapper(std::io::Error);
        impl fmt::Display for Wrapper {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("wrapper")
            }
        }
        impl std::error::Error for Wrapper {
            fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
                Some(&self.0)
            }
        }
        let timed_out = Wrapper(std::io::Error::new(std::io::ErrorKind::TimedOut, "slow"));
        let refused = Wrapper(std::io::Error::new(
            std::io::ErrorKind::ConnectionRefused,
            "no",
        ));
        assert!(is_timeout(&timed_out));
        assert!(!is_timeout(&refused));
    }

    #[test]
    fn transport_error_display_walks_the_chain() {
        let e = TransportError {
            source: Box::new(std::io::Error::new(
                std::io::ErrorKind::ConnectionRefused,
                "connection refused",
            )),
            sent: false,
        };
        assert_eq!(
            e.to_string(),
            "could not send the request: connection refused"
        );
        assert!(!e.may_have_reached_service());
    }
}
