//! AWS credentials: the value, the providers that find them, and the cache in front.
//!
//! [`Credentials`] are an access key id, a secret access key and, for temporary
//! credentials, a session token and an expiry. A [`ProvideCredentials`] finds them; the
//! client asks one through a [`CredentialsCache`], which keeps the last credentials until
//! shortly before they expire and makes concurrent callers share one refresh.
//!
//! The providers, each usable on its own:
//!
//! - [`Credentials`] themselves (static keys);
//! - [`EnvironmentProvider`]: `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` /
//!   `AWS_SESSION_TOKEN`;
//! - [`ProfileProvider`]: a profile of the shared config and credentials files, with static
//!   keys, `credential_process`, `role_arn` with `source_profile` (chains of them) or
//!   `credential_source`, `web_identity_token_file`, or SSO (a cached `sso_session` token);
//! - [`WebIdentityProvider`]: `AWS_WEB_IDENTITY_TOKEN_FILE` + `AWS_ROLE_ARN`;
//! - [`ContainerProvider`]: the ECS / EKS container credentials endpoint;
//! - [`ImdsProvider`]: the EC2 instance metadata service, IMDSv2;
//! - [`ChainProvider`]: the first of several that has credentials, and [`DefaultChain`], the
//!   order the AWS SDKs use.
//!
//! Assuming a role takes a call to STS. The runtime cannot depend on a generated STS crate,
//! so those providers call STS through the [`Sts`] trait; `smithy-query-config`
//! implements it with the STS crate this project generates and wires it into the default
//! chain. Without an [`Sts`], profiles and variables that need one report that clearly.
//!
//! No provider or error ever prints a secret: `Debug` of [`Credentials`] shows the access
//! key id only, and error messages name variables, files, profiles and fields, not values.

mod cache;
mod chain;
mod container;
mod http;
mod imds;
mod process;
mod profile;
mod sso;
mod sts;

pub use cache::{CredentialsCache, ManualClock, SystemClock, TimeSource};
pub use chain::{ChainProvider, DefaultChain, DefaultChainBuilder};
pub use container::ContainerProvider;
pub use imds::{ImdsClient, ImdsProvider};
pub use process::ProcessProvider;
pub use profile::{parse_ini, ProfileFiles, ProfileProvider, Sections};
pub use sts::{AssumeRoleRequest, Sts, WebIdentityProvider, WebIdentityRequest};

#[cfg(feature = "aws-sdk-credentials")]
mod aws_sdk;
#[cfg(feature = "aws-sdk-credentials")]
pub use aws_sdk::AwsSdkProvider;

use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::SystemTime;

/// What `Debug` and error messages print in place of a secret.
pub const REDACTED: &str = "** redacted **";

/// An access key pair, with a session token and an expiry for temporary credentials.
///
/// `Debug` shows only the access key id and the expiry.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    access_key_id: String,
    secret_access_key: String,
    session_token: Option<String>,
    expiry: Option<SystemTime>,
}

impl Credentials {
    /// Credentials from their parts, without an expiry.
    pub fn new(
        access_key_id: impl Into<String>,
        secret_access_key: impl Into<String>,
        session_token: Option<String>,
    ) -> Self {
        Self {
            access_key_id: access_key_id.into(),
            secret_access_key: secret_access_key.into(),
            session_token,
            expiry: None,
        }
    }

    /// These credentials, valid until `expiry`.
    #[must_use]
    pub fn with_expiry(mut self, expiry: Option<SystemTime>) -> Self {
        self.expiry = expiry;
        self
    }

    /// The access key id (`AKIA…` or `ASIA…`).
    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }

    /// The secret access key.
    pub fn secret_access_key(&self) -> &str {
        &self.secret_access_key
    }

    /// The session token of temporary credentials.
    pub fn session_token(&self) -> Option<&str> {
        self.session_token.as_deref()
    }

    /// When temporary credentials stop working; `None` for long-term keys.
    pub fn expiry(&self) -> Option<SystemTime> {
        self.expiry
    }

    /// Checks that the parts can be used in a signature: neither key empty, and the access
    /// key id and session token usable as HTTP header values. `source` names where they
    /// came from, for the error.
    pub fn check(&self, source: &str) -> Result<(), CredentialsError> {
        let header_safe = |v: &str| v.bytes().all(|b| b == b'\t' || (b' '..=b'~').contains(&b));
        let problem = if self.access_key_id.is_empty() {
            Some("an empty access key id")
        } else if self.secret_access_key.is_empty() {
            Some("an empty secret access key")
        } else if !header_safe(&self.access_key_id) {
            Some("an access key id with characters not allowed in an HTTP header")
        } else if self
            .session_token
            .as_deref()
            .is_some_and(|t| t.is_empty() || !header_safe(t))
        {
            Some("a session token that is empty or has characters not allowed in an HTTP header")
        } else {
            None
        };
        match problem {
            Some(problem) => Err(CredentialsError::invalid(format!(
                "{source} gave {problem}"
            ))),
            None => Ok(()),
        }
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &REDACTED)
            .field(
                "session_token",
                &self.session_token.as_ref().map(|_| REDACTED),
            )
            .field("expiry", &self.expiry.map(super::time::DateTime::from))
            .finish()
    }
}

/// How a provider failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum CredentialsErrorKind {
    /// The provider does not apply here (its variables are unset, no such profile, no
    /// metadata service answered): a chain moves on to the next provider.
    NotLoaded,
    /// The provider applies but its settings are wrong (a profile cycle, a partial key pair,
    /// a malformed file): a chain stops, since the user meant this source.
    Invalid,
    /// The provider applies and its settings look right, but getting credentials failed
    /// (STS refused, the process exited with an error, an endpoint answered with an error).
    Failed,
}

/// Why a provider gave no credentials. The message never contains a secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialsError {
    kind: CredentialsErrorKind,
    message: String,
}

impl CredentialsError {
    /// The provider does not apply (see [`CredentialsErrorKind::NotLoaded`]).
    pub fn not_loaded(message: impl Into<String>) -> Self {
        Self::with_kind(CredentialsErrorKind::NotLoaded, message)
    }

    /// The provider's settings are wrong (see [`CredentialsErrorKind::Invalid`]).
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::with_kind(CredentialsErrorKind::Invalid, message)
    }

    /// Getting credentials failed (see [`CredentialsErrorKind::Failed`]).
    pub fn failed(message: impl Into<String>) -> Self {
        Self::with_kind(CredentialsErrorKind::Failed, message)
    }

    fn with_kind(kind: CredentialsErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
        }
    }

    /// What kind of failure this is.
    pub fn kind(&self) -> CredentialsErrorKind {
        self.kind
    }

    /// The message.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// This error with `context` in front of its message.
    #[must_use]
    pub fn context(mut self, context: impl fmt::Display) -> Self {
        self.message = format!("{context}: {}", self.message);
        self
    }
}

impl fmt::Display for CredentialsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for CredentialsError {}

/// The future a provider returns.
pub type ProvideFuture<'a> =
    Pin<Box<dyn Future<Output = Result<Credentials, CredentialsError>> + Send + 'a>>;

/// Something that finds credentials. Implement it to plug in a source of your own; the
/// client calls it through a [`CredentialsCache`], so it need not cache.
pub trait ProvideCredentials: fmt::Debug + Send + Sync {
    /// Fetches credentials. Called again when the last ones are about to expire.
    fn provide_credentials(&self) -> ProvideFuture<'_>;
}

impl ProvideCredentials for Credentials {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        let credentials = self.clone();
        Box::pin(async move { Ok(credentials) })
    }
}

/// A provider behind an `Arc`, cheap to clone and share.
#[derive(Clone)]
pub struct SharedCredentialsProvider(Arc<dyn ProvideCredentials>);

impl SharedCredentialsProvider {
    /// Shares `provider`.
    pub fn new(provider: impl ProvideCredentials + 'static) -> Self {
        Self(Arc::new(provider))
    }
}

impl fmt::Debug for SharedCredentialsProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl ProvideCredentials for SharedCredentialsProvider {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        self.0.provide_credentials()
    }
}

/// Where providers read environment variables: the process environment, or a fixed map
/// (for tests, or to resolve credentials for another environment).
#[derive(Clone)]
pub struct Env(EnvSource);

#[derive(Clone)]
enum EnvSource {
    Process,
    Map(Arc<HashMap<String, String>>),
}

impl Env {
    /// The process environment, read at each lookup.
    pub fn process() -> Self {
        Self(EnvSource::Process)
    }

    /// A fixed set of variables.
    pub fn from_pairs<K: Into<String>, V: Into<String>>(
        pairs: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        Self(EnvSource::Map(Arc::new(
            pairs
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        )))
    }

    /// The variable's value, if it is set (empty values count as set).
    pub fn get(&self, name: &str) -> Option<String> {
        match &self.0 {
            EnvSource::Process => std::env::var(name).ok(),
            EnvSource::Map(map) => map.get(name).cloned(),
        }
    }

    /// The variable's value, if it is set and not blank.
    pub fn non_empty(&self, name: &str) -> Option<String> {
        self.get(name).filter(|v| !v.trim().is_empty())
    }
}

impl fmt::Debug for Env {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Variable values may be secrets; only say where they come from.
        match &self.0 {
            EnvSource::Process => f.write_str("Env(process)"),
            EnvSource::Map(map) => write!(f, "Env({} variables)", map.len()),
        }
    }
}

/// Credentials from `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN`
/// (or the older `AWS_SECURITY_TOKEN`).
#[derive(Debug, Clone)]
pub struct EnvironmentProvider {
    env: Env,
}

impl EnvironmentProvider {
    /// Reads the process environment.
    pub fn new() -> Self {
        Self::with_env(Env::process())
    }

    /// Reads `env`.
    pub fn with_env(env: Env) -> Self {
        Self { env }
    }

    /// The credentials, read now.
    pub fn credentials(&self) -> Result<Credentials, CredentialsError> {
        let get = |k: &str| self.env.non_empty(k);
        match (get("AWS_ACCESS_KEY_ID"), get("AWS_SECRET_ACCESS_KEY")) {
            (Some(id), Some(secret)) => {
                let credentials = Credentials::new(
                    id,
                    secret,
                    get("AWS_SESSION_TOKEN").or_else(|| get("AWS_SECURITY_TOKEN")),
                );
                credentials.check("the AWS_* variables")?;
                Ok(credentials)
            }
            (None, None) => Err(CredentialsError::not_loaded(
                "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set",
            )),
            (Some(_), None) => Err(CredentialsError::invalid(
                "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not",
            )),
            (None, Some(_)) => Err(CredentialsError::invalid(
                "AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not",
            )),
        }
    }
}

impl Default for EnvironmentProvider {
    fn default() -> Self {
        Self::new()
    }
}

impl ProvideCredentials for EnvironmentProvider {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        let result = self.credentials();
        Box::pin(async move { result })
    }
}

/// An error and its causes, `: `-separated (a cause whose text the message already holds is
/// not repeated).
pub(crate) fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut text = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        let more = c.to_string();
        if !text.contains(&more) {
            text.push_str(": ");
            text.push_str(&more);
        }
        cause = c.source();
    }
    text
}

/// Reads the `Expiration` of a credentials document (RFC 3339).
pub(crate) fn parse_expiration(text: &str, what: &str) -> Result<SystemTime, CredentialsError> {
    super::time::DateTime::parse_date_time(text)
        .ok()
        .and_then(|t| SystemTime::try_from(t).ok())
        .ok_or_else(|| {
            CredentialsError::failed(format!("{what}: `Expiration` is not an RFC 3339 time"))
        })
}

/// Credentials from a JSON object with the given field names; `what` names the document
/// in errors. Values are never put in messages.
pub(crate) fn from_json(
    value: &serde_json::Value,
    fields: [&str; 4],
    what: &str,
) -> Result<Credentials, CredentialsError> {
    let [id_field, secret_field, token_field, expiry_field] = fields;
    let Some(object) = value.as_object() else {
        return Err(CredentialsError::failed(format!(
            "{what} is not a JSON object"
        )));
    };
    let string = |field: &str, required: bool| -> Result<Option<String>, CredentialsError> {
        match object.get(field) {
            Some(serde_json::Value::String(s)) => Ok(Some(s.clone())),
            None | Some(serde_json::Value::Null) if !required => Ok(None),
            None | Some(serde_json::Value::Null) => {
                Err(CredentialsError::failed(format!("{what} has no `{field}`")))
            }
            Some(_) => Err(CredentialsError::failed(format!(
                "{what}: `{field}` is not a string"
            ))),
        }
    };
    let id = string(id_field, true)?.unwrap_or_default();
    let secret = string(secret_field, true)?.unwrap_or_default();
    let token = string(token_field, false)?;
    let expiry = match object.get(expiry_field) {
        Some(serde_json::Value::String(s)) => Some(parse_expiration(s, what)?),
        // SSO gives milliseconds since the epoch.
        Some(serde_json::Value::Number(n)) => match n.as_i64() {
            Some(ms) => SystemTime::try_from(super::time::DateTime::from_millis(ms)).ok(),
            None => None,
        },
        _ => None,
    };
    let credentials = Credentials::new(id, secret, token).with_expiry(expiry);
    credentials
        .check(what)
        .map_err(|e| CredentialsError::failed(e.message))?;
    Ok(credentials)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn environment_variables() {
        let env = Env::from_pairs([
            ("AWS_ACCESS_KEY_ID", "AKID"),
            ("AWS_SECRET_ACCESS_KEY", "SECRET"),
            ("AWS_SESSION_TOKEN", "TOKEN"),
        ]);
        let c = EnvironmentProvider::with_env(env)
            .credentials()
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (c.access_key_id(), c.secret_access_key(), c.session_token()),
            ("AKID", "SECRET", Some("TOKEN"))
        );
        let none = EnvironmentProvider::with_env(Env::from_pairs::<&str, &str>([]));
        assert_eq!(
            none.credentials().map_err(|e| e.kind()),
            Err(CredentialsErrorKind::NotLoaded)
        );
        let half = EnvironmentProvider::with_env(Env::from_pairs([("AWS_ACCESS_KEY_ID", "AKID")]));
        assert_eq!(
            half.credentials().map_err(|e| e.kind()),
            Err(CredentialsErrorKind::Invalid)
        );
    }

    #[test]
    fn debug_redacts_secrets() {
        let c = Credentials::new("AKID", "SECRET", Some("TOKEN".into()));
        let debug = format!("{c:?}");
        assert!(debug.contains("AKID"), "{debug}");
        assert!(
            !debug.contains("SECRET") && !debug.contains("TOKEN"),
            "{debug}"
        );
        let env = Env::from_pairs([("AWS_SECRET_ACCESS_KEY", "SECRET")]);
        assert!(!format!("{env:?}").contains("SECRET"));
    }

    #[test]
    fn empty_parts_are_refused() {
        for (id, secret, token) in [
            ("", "s", None),
            ("a", "", None),
            ("a", "s", Some("")),
            ("a\n", "s", None),
            ("a", "s", Some("t\r\n")),
        ] {
            let c = Credentials::new(id, secret, token.map(str::to_owned));
            let e = c.check("the test").expect_err(id);
            assert!(e.message().starts_with("the test gave "), "{e}");
        }
        assert!(Credentials::new("a", "s", Some("t".into()))
            .check("x")
            .is_ok());
    }

    #[test]
    fn credentials_documents() {
        let doc = serde_json::json!({
            "AccessKeyId": "ASIA1", "SecretAccessKey": "SECRET", "Token": "TOKEN",
            "Expiration": "2026-11-30T12:00:00Z"
        });
        let fields = ["AccessKeyId", "SecretAccessKey", "Token", "Expiration"];
        let c = from_json(&doc, fields, "the document").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(c.session_token(), Some("TOKEN"));
        assert_eq!(
            c.expiry().map(crate::DateTime::from),
            Some(crate::DateTime::from_secs(1_796_040_000))
        );
        let bad = serde_json::json!({"AccessKeyId": "ASIA1", "Token": "SECRET-TOKEN"});
        let e = from_json(&bad, fields, "the document").expect_err("no secret");
        assert_eq!(e.message(), "the document has no `SecretAccessKey`");
        let bad = serde_json::json!({"AccessKeyId": "A", "SecretAccessKey": "SECRET", "Expiration": "soon"});
        let e = from_json(&bad, fields, "the document").expect_err("bad time");
        assert!(!e.message().contains("SECRET") && e.message().contains("Expiration"));
    }
}
