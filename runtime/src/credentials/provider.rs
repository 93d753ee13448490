//! What the providers share: the [`ProvideCredentials`] trait, the environment they read
//! ([`Env`]), the [`EnvironmentProvider`], and the reading of credentials documents
//! (feature `client`).

use super::json::Json;
use super::{Credentials, CredentialsError};
use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::SystemTime;

/// The future a provider returns.
pub type ProvideFuture<'a> =
    Pin<Box<dyn Future<Output = Result<Credentials, CredentialsError>> + Send + 'a>>;

/// Something that finds credentials. Implement it to plug in a source of your own; the
/// client calls it through a [`CredentialsCache`](super::CredentialsCache), so it need not cache.
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
fn parse_expiration(text: &str, what: &str) -> Result<SystemTime, CredentialsError> {
    super::super::time::DateTime::parse_date_time(text)
        .ok()
        .and_then(|t| SystemTime::try_from(t).ok())
        .ok_or_else(|| {
            CredentialsError::failed(format!("{what}: `Expiration` is not an RFC 3339 time"))
        })
}

/// Credentials from a JSON object with the given field names; `what` names the document
/// in errors. Values are never put in messages.
pub(crate) fn from_json(
    value: &Json,
    fields: [&str; 4],
    what: &str,
) -> Result<Credentials, CredentialsError> {
    let [id_field, secret_field, token_field, expiry_field] = fields;
    let object @ Json::Object(_) = value else {
        return Err(CredentialsError::failed(format!(
            "{what} is not a JSON object"
        )));
    };
    let string = |field: &str, required: bool| -> Result<Option<String>, CredentialsError> {
        match object.get(field) {
            Some(Json::String(s)) => Ok(Some(s.clone())),
            None | Some(Json::Null) if !required => Ok(None),
            None | Some(Json::Null) => {
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
        Some(Json::String(s)) => Some(parse_expiration(s, what)?),
        // SSO gives milliseconds since the epoch.
        Some(n @ Json::Number(_)) => match n.as_i64() {
            Some(ms) => SystemTime::try_from(super::super::time::DateTime::from_millis(ms)).ok(),
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
    use crate::credentials::CredentialsErrorKind;

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
    fn env_debug_hides_values() {
        let env = Env::from_pairs([("AWS_SECRET_ACCESS_KEY", "SECRET")]);
        assert!(!format!("{env:?}").contains("SECRET"));
    }

    #[test]
    fn credentials_documents() {
        let json = |text: &str| Json::parse(text.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
        let doc = json(
            r#"{"AccessKeyId": "ASIA1", "SecretAccessKey": "SECRET", "Token": "TOKEN",
                "Expiration": "2026-11-30T12:00:00Z"}"#,
        );
        let fields = ["AccessKeyId", "SecretAccessKey", "Token", "Expiration"];
        let c = from_json(&doc, fields, "the document").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(c.session_token(), Some("TOKEN"));
        assert_eq!(
            c.expiry().map(crate::DateTime::from),
            Some(crate::DateTime::from_secs(1_796_040_000))
        );
        let bad = json(r#"{"AccessKeyId": "ASIA1", "Token": "SECRET-TOKEN"}"#);
        let e = from_json(&bad, fields, "the document").expect_err("no secret");
        assert_eq!(e.message(), "the document has no `SecretAccessKey`");
        let bad =
            json(r#"{"AccessKeyId": "A", "SecretAccessKey": "SECRET", "Expiration": "soon"}"#);
        let e = from_json(&bad, fields, "the document").expect_err("bad time");
        assert!(!e.message().contains("SECRET") && e.message().contains("Expiration"));
    }
}
