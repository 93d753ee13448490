//! Loads a client [`Config`] the way the AWS SDKs do, with the STS client this project
//! generates (`smithy-query-sts`) behind the roles:
//!
//! ```no_run
//! # async fn example() -> Result<(), Box<dyn std::error::Error>> {
//! let config = smithy_query_config::load().await?;
//! // elasticache::Client::new(&config)?, smithy_query_sts::client::Client::new(&config)? …
//! # let _ = config;
//! # Ok(())
//! # }
//! ```
//!
//! - Region: `AWS_REGION`, `AWS_DEFAULT_REGION`, the profile's `region`, then the EC2
//!   instance metadata service.
//! - Credentials: the runtime's [`DefaultChain`](smithy_query_runtime::credentials::DefaultChain) (environment, profile, web identity,
//!   container, instance metadata), with [`StsClient`] to assume roles: `role_arn` profiles
//!   (with `source_profile` chains or `credential_source`), `web_identity_token_file`
//!   profiles and `AWS_WEB_IDENTITY_TOKEN_FILE`.
//! - STS endpoint: as for any service (`AWS_ENDPOINT_URL_STS`, `AWS_ENDPOINT_URL`, the
//!   profile's `services` section, else STS's endpoint rules).
//!
//! Nothing is fetched until the first call needs credentials, except the region when it
//! has to come from the instance metadata service.

#![forbid(unsafe_code)]

use smithy_query_runtime::client::{Config, ConfigBuilder, ConfigError};
use smithy_query_runtime::credentials::{
    AssumeRoleRequest, Credentials, CredentialsError, Env, ImdsClient, ProvideFuture, Sts,
    WebIdentityRequest,
};
use smithy_query_runtime::DateTime;
use smithy_query_sts::operation::assume_role::AssumeRoleRequest as StsAssumeRole;
use smithy_query_sts::operation::assume_role_with_web_identity::AssumeRoleWithWebIdentityRequest as StsWebIdentity;
use std::fmt;
use std::sync::Arc;
use std::time::SystemTime;

/// The region STS is called in when nothing else names one.
const FALLBACK_STS_REGION: &str = "us-east-1";

/// A configuration from the process environment (see the [crate docs](crate)).
pub async fn load() -> Result<Config, ConfigError> {
    builder(Env::process()).await?.build()
}

/// A builder filled from `env` (see the [crate docs](crate)), for settings to be added
/// before [`ConfigBuilder::build`].
pub async fn builder(env: Env) -> Result<ConfigBuilder, ConfigError> {
    let mut builder = ConfigBuilder::from_env_with(env.clone())?;
    if builder.get_region().is_none() {
        // Off EC2 this fails fast (see ImdsClient); the region then stays unset and
        // `build` says so.
        if let Ok(region) = ImdsClient::from_env(&env).region().await {
            builder = builder.region(region);
        }
    }
    let sts = StsClient::from_template(&builder);
    Ok(builder.sts(Arc::new(sts)))
}

/// Calls STS through `smithy-query-sts` for the credential providers that assume roles.
///
/// Each call uses a configuration made from a template of the loading one (endpoint,
/// timeouts, retries) with the source credentials of the step, or none for
/// `AssumeRoleWithWebIdentity`, which goes out unsigned.
#[derive(Clone)]
pub struct StsClient {
    template: ConfigBuilder,
    default_region: String,
}

impl fmt::Debug for StsClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StsClient")
            .field("endpoint_url", &self.template.get_endpoint_url())
            .field("default_region", &self.default_region)
            .finish()
    }
}

impl StsClient {
    /// STS for a configuration like `builder`: its region (else `us-east-1`), endpoint
    /// settings (which the runtime resolves for STS when the client is made), timeouts and
    /// retries.
    pub fn from_template(builder: &ConfigBuilder) -> Self {
        let template = builder.clone().no_credentials();
        Self {
            default_region: builder
                .get_region()
                .unwrap_or(FALLBACK_STS_REGION)
                .to_owned(),
            template,
        }
    }

    fn client(
        &self,
        region: Option<&str>,
        credentials: Option<Credentials>,
    ) -> Result<smithy_query_sts::client::Client, CredentialsError> {
        let mut builder = self
            .template
            .clone()
            .region(region.unwrap_or(&self.default_region));
        if let Some(credentials) = credentials {
            builder = builder.credentials(credentials);
        }
        let config = builder
            .build()
            .map_err(|e| CredentialsError::invalid(format!("STS client: {e}")))?;
        smithy_query_sts::client::Client::new(&config)
            .map_err(|e| CredentialsError::invalid(format!("STS client: {e}")))
    }
}

/// Runtime credentials from STS's `Credentials`.
fn credentials(
    out: Option<smithy_query_sts::types::Credentials>,
    operation: &str,
) -> Result<Credentials, CredentialsError> {
    let missing =
        |what: &str| CredentialsError::failed(format!("{operation} answered without {what}"));
    let c = out.ok_or_else(|| missing("Credentials"))?;
    let expiry = c
        .expiration
        .map(|t: DateTime| SystemTime::try_from(t))
        .transpose()
        .map_err(|_| {
            CredentialsError::failed(format!("{operation}: Expiration is out of range"))
        })?;
    let credentials = Credentials::new(
        c.access_key_id.ok_or_else(|| missing("AccessKeyId"))?,
        c.secret_access_key
            .ok_or_else(|| missing("SecretAccessKey"))?,
        Some(c.session_token.ok_or_else(|| missing("SessionToken"))?),
    )
    .with_expiry(expiry);
    credentials.check(operation)?;
    Ok(credentials)
}

/// A call failure as a credentials error: the service's code and message, or what went
/// wrong on the way. `Display` of these errors never carries a secret.
fn failed(e: &dyn fmt::Display) -> CredentialsError {
    CredentialsError::failed(e.to_string())
}

impl Sts for StsClient {
    fn assume_role(&self, source: Credentials, request: AssumeRoleRequest) -> ProvideFuture<'_> {
        Box::pin(async move {
            let client = self.client(request.region.as_deref(), Some(source))?;
            let mut input = StsAssumeRole::new(request.role_arn, request.role_session_name);
            input.external_id = request.external_id;
            input.duration_seconds = request.duration_seconds;
            let out = client.assume_role(input).await.map_err(|e| failed(&e))?;
            credentials(out.credentials, "AssumeRole")
        })
    }

    fn assume_role_with_web_identity(&self, request: WebIdentityRequest) -> ProvideFuture<'_> {
        Box::pin(async move {
            let client = self.client(request.region.as_deref(), None)?;
            let input = StsWebIdentity::new(
                request.role_arn,
                request.role_session_name,
                request.web_identity_token,
            );
            let out = client
                .assume_role_with_web_identity(input)
                .await
                .map_err(|e| failed(&e))?;
            credentials(out.credentials, "AssumeRoleWithWebIdentity")
        })
    }
}
