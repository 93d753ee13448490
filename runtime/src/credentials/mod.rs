//! AWS credentials: the value, the providers that find them, and the cache in front.
//!
//! [`Credentials`] are an access key id, a secret access key and, for temporary
//! credentials, a session token and an expiry; they come with the `sigv4` feature, which
//! signs with them. The rest of this module needs the `client` feature.
//!
//! A [`ProvideCredentials`] finds credentials; the client asks one through a
//! [`CredentialsCache`], which keeps the last credentials until shortly before they expire
//! and makes concurrent callers share one refresh.
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

// Without `client` the links above name items that are not compiled.
#![cfg_attr(not(feature = "client"), allow(rustdoc::broken_intra_doc_links))]

#[cfg(feature = "client")]
mod cache;
#[cfg(feature = "client")]
mod chain;
#[cfg(feature = "client")]
mod container;
#[cfg(feature = "client")]
mod http;
#[cfg(feature = "client")]
mod imds;
#[cfg(feature = "client")]
mod json;
#[cfg(feature = "client")]
mod process;
#[cfg(feature = "client")]
mod profile;
#[cfg(feature = "client")]
mod provider;
#[cfg(feature = "client")]
mod sso;
#[cfg(feature = "client")]
mod sts;

#[cfg(feature = "client")]
pub use cache::{CredentialsCache, ManualClock, SystemClock, TimeSource};
#[cfg(feature = "client")]
pub use chain::{ChainProvider, DefaultChain, DefaultChainBuilder};
#[cfg(feature = "client")]
pub use container::ContainerProvider;
#[cfg(feature = "client")]
pub use imds::{ImdsClient, ImdsProvider};
#[cfg(feature = "client")]
pub use process::ProcessProvider;
#[cfg(feature = "client")]
pub use profile::{parse_ini, ProfileFiles, ProfileProvider, Sections};
#[cfg(feature = "client")]
pub(crate) use provider::{error_chain, from_json};
#[cfg(feature = "client")]
pub use provider::{
    Env, EnvironmentProvider, ProvideCredentials, ProvideFuture, SharedCredentialsProvider,
};
#[cfg(feature = "client")]
pub use sts::{AssumeRoleRequest, Sts, WebIdentityProvider, WebIdentityRequest};

#[cfg(feature = "aws-sdk-credentials")]
mod aws_sdk;
#[cfg(feature = "aws-sdk-credentials")]
pub use aws_sdk::AwsSdkProvider;

use std::fmt;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_redacts_secrets() {
        let c = Credentials::new("AKID", "SECRET", Some("TOKEN".into()));
        let debug = format!("{c:?}");
        assert!(debug.contains("AKID"), "{debug}");
        assert!(
            !debug.contains("SECRET") && !debug.contains("TOKEN"),
            "{debug}"
        );
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
}
