//! The EC2 instance metadata service (IMDS), version 2 only.
//!
//! Every read goes with a session token from `PUT /latest/api/token` (TTL six hours, kept
//! and renewed a minute before it lapses, and fetched again when the service answers 401).
//! Timeouts are short (one second to connect and one for each exchange) and an unreachable
//! service is not retried, so off EC2 the default chain moves on in about a second.

use super::cache::{SystemClock, TimeSource};
use super::http::{Failure, Http};
use super::json::Json;
use super::{from_json, Credentials, CredentialsError, Env, ProvideCredentials, ProvideFuture};
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

const DEFAULT_ENDPOINT_V4: &str = "http://169.254.169.254";
const DEFAULT_ENDPOINT_V6: &str = "http://[fd00:ec2::254]";
const TOKEN_TTL: Duration = Duration::from_secs(21_600);
const CREDENTIALS_PATH: &str = "/latest/meta-data/iam/security-credentials/";

/// A client of the instance metadata service; clones share the session token.
#[derive(Clone)]
pub struct ImdsClient {
    inner: Arc<Inner>,
}

struct Inner {
    endpoint: String,
    disabled: bool,
    http: Result<Http, String>,
    clock: Arc<dyn TimeSource>,
    /// The session token and when to stop using it.
    token: tokio::sync::Mutex<Option<(String, SystemTime)>>,
}

impl fmt::Debug for ImdsClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ImdsClient")
            .field("endpoint", &self.inner.endpoint)
            .field("disabled", &self.inner.disabled)
            .finish_non_exhaustive()
    }
}

impl ImdsClient {
    /// The default timeout for connecting and for each exchange.
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(1);

    /// A client configured by the environment: `AWS_EC2_METADATA_DISABLED=true` turns it
    /// off; `AWS_EC2_METADATA_SERVICE_ENDPOINT` overrides the endpoint, else
    /// `AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE=IPv6` picks `http://[fd00:ec2::254]` over
    /// `http://169.254.169.254`.
    pub fn from_env(env: &Env) -> Self {
        let endpoint = env
            .non_empty("AWS_EC2_METADATA_SERVICE_ENDPOINT")
            .unwrap_or_else(|| {
                match env.non_empty("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE") {
                    Some(mode) if mode.trim().eq_ignore_ascii_case("ipv6") => DEFAULT_ENDPOINT_V6,
                    _ => DEFAULT_ENDPOINT_V4,
                }
                .to_owned()
            });
        let disabled = env
            .non_empty("AWS_EC2_METADATA_DISABLED")
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"));
        Self::with_settings(
            &endpoint,
            Self::DEFAULT_TIMEOUT,
            Arc::new(SystemClock),
            disabled,
        )
    }

    /// A client of the service at `endpoint` (`http://host[:port]`), with `timeout` for
    /// connecting and for each exchange, reading the time from `clock`.
    pub fn new(endpoint: &str, timeout: Duration, clock: Arc<dyn TimeSource>) -> Self {
        Self::with_settings(endpoint, timeout, clock, false)
    }

    fn with_settings(
        endpoint: &str,
        timeout: Duration,
        clock: Arc<dyn TimeSource>,
        disabled: bool,
    ) -> Self {
        Self {
            inner: Arc::new(Inner {
                endpoint: endpoint.trim_end_matches('/').to_owned(),
                disabled,
                http: Http::new(timeout),
                clock,
                token: tokio::sync::Mutex::new(None),
            }),
        }
    }

    /// The endpoint.
    pub fn endpoint(&self) -> &str {
        &self.inner.endpoint
    }

    fn request(
        &self,
        method: http::Method,
        path: &str,
        header: (&'static str, &str),
    ) -> Result<http::Request<Vec<u8>>, CredentialsError> {
        http::Request::builder()
            .method(method)
            .uri(format!("{}{path}", self.inner.endpoint))
            .header(header.0, header.1)
            .body(Vec::new())
            .map_err(|e| {
                CredentialsError::invalid(format!(
                    "instance metadata endpoint {}: {e}",
                    self.inner.endpoint
                ))
            })
    }

    async fn send(
        &self,
        request: http::Request<Vec<u8>>,
    ) -> Result<(u16, Vec<u8>), CredentialsError> {
        let http = self
            .inner
            .http
            .as_ref()
            .map_err(|e| CredentialsError::failed(format!("instance metadata client: {e}")))?;
        http.send(request).await.map_err(|e| match e {
            Failure::Unreachable(why) => CredentialsError::not_loaded(format!(
                "no instance metadata service at {} ({why})",
                self.inner.endpoint
            )),
            Failure::Broken(why) => CredentialsError::failed(format!(
                "instance metadata service at {}: {why}",
                self.inner.endpoint
            )),
        })
    }

    /// A session token: the kept one while it lasts, else a new one.
    async fn token(&self, renew: bool) -> Result<String, CredentialsError> {
        let mut token = self.inner.token.lock().await;
        let now = self.inner.clock.now();
        if let Some((value, until)) = token.as_ref() {
            if !renew && now < *until {
                return Ok(value.clone());
            }
        }
        let ttl = TOKEN_TTL.as_secs().to_string();
        let request = self.request(
            http::Method::PUT,
            "/latest/api/token",
            ("x-aws-ec2-metadata-token-ttl-seconds", &ttl),
        )?;
        let (status, body) = self.send(request).await?;
        match status {
            200 => {
                let value = String::from_utf8(body)
                    .ok()
                    .filter(|v| !v.is_empty() && http::HeaderValue::from_str(v).is_ok())
                    .ok_or_else(|| {
                        CredentialsError::failed(
                            "the instance metadata service sent an unusable session token",
                        )
                    })?;
                *token = Some((value.clone(), now + TOKEN_TTL - Duration::from_secs(60)));
                Ok(value)
            }
            403 => Err(CredentialsError::not_loaded(
                "the instance metadata service refused a session token (403): it is disabled \
                 on this instance or blocks IMDSv2",
            )),
            404 | 405 => Err(CredentialsError::not_loaded(format!(
                "the instance metadata service at {} does not offer IMDSv2 session tokens \
                 ({status}); IMDSv1 is not used",
                self.inner.endpoint
            ))),
            _ => Err(CredentialsError::failed(format!(
                "the instance metadata service answered {status} to the session token request"
            ))),
        }
    }

    /// Reads `path` (`/latest/meta-data/…`) as text.
    pub async fn get(&self, path: &str) -> Result<String, CredentialsError> {
        if self.inner.disabled {
            return Err(CredentialsError::not_loaded(
                "the instance metadata service is disabled (AWS_EC2_METADATA_DISABLED)",
            ));
        }
        let mut renew = false;
        let mut server_errors = 0;
        loop {
            let token = self.token(renew).await?;
            let request = self.request(
                http::Method::GET,
                path,
                ("x-aws-ec2-metadata-token", &token),
            )?;
            let (status, body) = self.send(request).await?;
            match status {
                200 => {
                    return String::from_utf8(body).map_err(|_| {
                        CredentialsError::failed(format!("instance metadata {path} is not UTF-8"))
                    })
                }
                // The token lapsed or the service restarted: one new token, then give up.
                401 if !renew => renew = true,
                404 => {
                    return Err(CredentialsError::not_loaded(format!(
                        "instance metadata has no {path} (404)"
                    )))
                }
                500..=599 if server_errors == 0 => server_errors += 1,
                _ => {
                    return Err(CredentialsError::failed(format!(
                        "the instance metadata service answered {status} for {path}"
                    )))
                }
            }
        }
    }

    /// The instance's region (`/latest/meta-data/placement/region`).
    pub async fn region(&self) -> Result<String, CredentialsError> {
        let region = self.get("/latest/meta-data/placement/region").await?;
        Ok(region.trim().to_owned())
    }

    /// The credentials of the instance profile's role.
    pub async fn credentials(&self) -> Result<Credentials, CredentialsError> {
        let roles = self.get(CREDENTIALS_PATH).await?;
        let role = roles
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty())
            .ok_or_else(|| {
                CredentialsError::not_loaded("this instance has no instance profile role")
            })?;
        let text = self.get(&format!("{CREDENTIALS_PATH}{role}")).await?;
        let what = format!("the instance metadata credentials of role `{role}`");
        let value = Json::parse(text.as_bytes())
            .map_err(|e| CredentialsError::failed(format!("{what} are not JSON: {e}")))?;
        match value.get("Code").and_then(Json::as_str) {
            Some("Success") | None => {}
            Some(code) => return Err(CredentialsError::failed(format!("{what}: Code is {code}"))),
        }
        from_json(
            &value,
            ["AccessKeyId", "SecretAccessKey", "Token", "Expiration"],
            &what,
        )
    }
}

/// Credentials of the EC2 instance profile, through an [`ImdsClient`].
#[derive(Debug, Clone)]
pub struct ImdsProvider {
    client: ImdsClient,
}

impl ImdsProvider {
    /// A provider using `client`.
    pub fn new(client: ImdsClient) -> Self {
        Self { client }
    }

    /// The client.
    pub fn client(&self) -> &ImdsClient {
        &self.client
    }
}

impl ProvideCredentials for ImdsProvider {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        Box::pin(self.client.credentials())
    }
}
