//! Credentials from STS: assuming a role, and web identity federation.

use super::{Credentials, CredentialsError, Env, ProvideCredentials, ProvideFuture, REDACTED};
use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

/// The STS calls the role providers make. `smithy-query-config` implements it with the STS
/// crate this project generates; implement it yourself to route them elsewhere.
pub trait Sts: fmt::Debug + Send + Sync {
    /// `AssumeRole`, signed with `source`.
    fn assume_role(&self, source: Credentials, request: AssumeRoleRequest) -> ProvideFuture<'_>;

    /// `AssumeRoleWithWebIdentity`, which is sent unsigned.
    fn assume_role_with_web_identity(&self, request: WebIdentityRequest) -> ProvideFuture<'_>;
}

/// The parameters of `AssumeRole`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct AssumeRoleRequest {
    /// The role to assume.
    pub role_arn: String,
    /// The session name (`role_session_name`, else generated).
    pub role_session_name: String,
    /// `external_id` of the profile.
    pub external_id: Option<String>,
    /// `duration_seconds` of the profile.
    pub duration_seconds: Option<i32>,
    /// The region to call STS in (the profile's `region`), if the profile has one.
    pub region: Option<String>,
}

impl AssumeRoleRequest {
    /// A request for `role_arn` with `role_session_name`.
    pub fn new(role_arn: impl Into<String>, role_session_name: impl Into<String>) -> Self {
        Self {
            role_arn: role_arn.into(),
            role_session_name: role_session_name.into(),
            external_id: None,
            duration_seconds: None,
            region: None,
        }
    }
}

/// The parameters of `AssumeRoleWithWebIdentity`. `Debug` hides the token.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct WebIdentityRequest {
    /// The role to assume.
    pub role_arn: String,
    /// The session name.
    pub role_session_name: String,
    /// The OIDC token read from the token file.
    pub web_identity_token: String,
    /// The region to call STS in, if known.
    pub region: Option<String>,
}

impl WebIdentityRequest {
    /// A request for `role_arn` with `role_session_name` and a token.
    pub fn new(
        role_arn: impl Into<String>,
        role_session_name: impl Into<String>,
        web_identity_token: impl Into<String>,
    ) -> Self {
        Self {
            role_arn: role_arn.into(),
            role_session_name: role_session_name.into(),
            web_identity_token: web_identity_token.into(),
            region: None,
        }
    }
}

impl fmt::Debug for WebIdentityRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebIdentityRequest")
            .field("role_arn", &self.role_arn)
            .field("role_session_name", &self.role_session_name)
            .field("web_identity_token", &REDACTED)
            .field("region", &self.region)
            .finish()
    }
}

/// A session name for a role session the user did not name.
pub(crate) fn session_name() -> String {
    let millis = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis());
    format!("smithy-query-{millis}")
}

pub(crate) fn missing_sts(what: &str) -> CredentialsError {
    CredentialsError::invalid(format!(
        "{what} needs STS to assume the role, and this chain has no STS client: build the \
         configuration with `smithy_query_config::load()` (or give the chain an `Sts`)"
    ))
}

/// Web identity federation (EKS IRSA and others): `AssumeRoleWithWebIdentity` with the
/// token in a file, re-read at every refresh since it rotates.
///
/// From the environment: `AWS_WEB_IDENTITY_TOKEN_FILE`, `AWS_ROLE_ARN` and
/// `AWS_ROLE_SESSION_NAME` (else a generated name).
#[derive(Clone)]
pub struct WebIdentityProvider {
    token_file: PathBuf,
    role_arn: String,
    session_name: String,
    region: Option<String>,
    sts: Option<Arc<dyn Sts>>,
    origin: String,
}

impl fmt::Debug for WebIdentityProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebIdentityProvider")
            .field("token_file", &self.token_file)
            .field("role_arn", &self.role_arn)
            .field("session_name", &self.session_name)
            .field("origin", &self.origin)
            .finish_non_exhaustive()
    }
}

impl WebIdentityProvider {
    /// A provider for `role_arn` with the token in `token_file`.
    pub fn new(
        token_file: impl Into<PathBuf>,
        role_arn: impl Into<String>,
        session_name: Option<String>,
        sts: Option<Arc<dyn Sts>>,
    ) -> Self {
        Self {
            token_file: token_file.into(),
            role_arn: role_arn.into(),
            session_name: session_name.unwrap_or_else(self::session_name),
            region: None,
            sts,
            origin: "web identity".to_owned(),
        }
    }

    pub(crate) fn origin(mut self, origin: impl Into<String>, region: Option<String>) -> Self {
        self.origin = origin.into();
        self.region = region;
        self
    }

    /// The provider the environment variables describe: `NotLoaded` when
    /// `AWS_WEB_IDENTITY_TOKEN_FILE` is unset, `Invalid` when `AWS_ROLE_ARN` is missing.
    pub fn from_env(env: &Env, sts: Option<Arc<dyn Sts>>) -> Result<Self, CredentialsError> {
        let Some(file) = env.non_empty("AWS_WEB_IDENTITY_TOKEN_FILE") else {
            return Err(CredentialsError::not_loaded(
                "AWS_WEB_IDENTITY_TOKEN_FILE is not set",
            ));
        };
        let Some(role) = env.non_empty("AWS_ROLE_ARN") else {
            return Err(CredentialsError::invalid(
                "AWS_WEB_IDENTITY_TOKEN_FILE is set but AWS_ROLE_ARN is not",
            ));
        };
        Ok(Self::new(
            file.trim(),
            role.trim(),
            env.non_empty("AWS_ROLE_SESSION_NAME"),
            sts,
        )
        .origin("AWS_WEB_IDENTITY_TOKEN_FILE", None))
    }

    async fn fetch(&self) -> Result<Credentials, CredentialsError> {
        let sts = self.sts.as_ref().ok_or_else(|| missing_sts(&self.origin))?;
        let token = std::fs::read_to_string(&self.token_file).map_err(|e| {
            CredentialsError::invalid(format!(
                "{}: cannot read the token file {}: {e}",
                self.origin,
                self.token_file.display()
            ))
        })?;
        let token = token.trim();
        if token.is_empty() {
            return Err(CredentialsError::invalid(format!(
                "{}: the token file {} is empty",
                self.origin,
                self.token_file.display()
            )));
        }
        let mut request = WebIdentityRequest::new(&self.role_arn, &self.session_name, token);
        request.region.clone_from(&self.region);
        sts.assume_role_with_web_identity(request)
            .await
            .map_err(|e| {
                e.context(format!(
                    "{}: AssumeRoleWithWebIdentity {}",
                    self.origin, self.role_arn
                ))
            })
    }
}

impl ProvideCredentials for WebIdentityProvider {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        Box::pin(self.fetch())
    }
}
