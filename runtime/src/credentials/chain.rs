//! Chains of providers, and the default chain.

use super::container::ContainerProvider;
use super::imds::{ImdsClient, ImdsProvider};
use super::profile::ProfileProvider;
use super::sts::{Sts, WebIdentityProvider};
use super::{
    Credentials, CredentialsError, CredentialsErrorKind, Env, EnvironmentProvider,
    ProvideCredentials, ProvideFuture, SharedCredentialsProvider,
};
use std::fmt;
use std::sync::Arc;

/// Asks providers in order and returns the first credentials.
///
/// A provider that does not apply ([`CredentialsErrorKind::NotLoaded`]) passes to the next;
/// any other error ends the search, since a source the user configured is broken. When no
/// provider has credentials, the error lists each one and why it gave up.
#[derive(Debug, Clone, Default)]
pub struct ChainProvider {
    providers: Vec<(String, SharedCredentialsProvider)>,
}

impl ChainProvider {
    /// An empty chain.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `provider`, called `name` in errors.
    #[must_use]
    pub fn or_else(
        mut self,
        name: impl Into<String>,
        provider: impl ProvideCredentials + 'static,
    ) -> Self {
        self.providers
            .push((name.into(), SharedCredentialsProvider::new(provider)));
        self
    }

    async fn fetch(&self) -> Result<Credentials, CredentialsError> {
        let mut reasons = Vec::new();
        for (name, provider) in &self.providers {
            match provider.provide_credentials().await {
                Ok(credentials) => return Ok(credentials),
                Err(e) if e.kind() == CredentialsErrorKind::NotLoaded => {
                    reasons.push(format!("\n  - {name}: {e}"));
                }
                Err(e) => return Err(e.context(name)),
            }
        }
        Err(CredentialsError::not_loaded(format!(
            "no credentials found; the providers tried, in order:{}",
            reasons.concat()
        )))
    }
}

impl ProvideCredentials for ChainProvider {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        Box::pin(self.fetch())
    }
}

/// Web identity from the environment, read at each call.
#[derive(Clone)]
struct EnvWebIdentity {
    env: Env,
    sts: Option<Arc<dyn Sts>>,
}

impl fmt::Debug for EnvWebIdentity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("EnvWebIdentity")
    }
}

impl ProvideCredentials for EnvWebIdentity {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        Box::pin(async move {
            WebIdentityProvider::from_env(&self.env, self.sts.clone())?
                .provide_credentials()
                .await
        })
    }
}

/// The container provider, skipped when neither of its variables is set.
#[derive(Debug, Clone)]
struct EnvContainer(ContainerProvider);

impl ProvideCredentials for EnvContainer {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        Box::pin(async move {
            self.0.url()?;
            // Configured: from here on failures are real, not a reason to move on.
            self.0
                .provide_credentials()
                .await
                .map_err(|e| match e.kind() {
                    CredentialsErrorKind::NotLoaded => {
                        CredentialsError::failed(e.message().to_owned())
                    }
                    _ => e,
                })
        })
    }
}

/// The chain the AWS SDKs use, in their order:
///
/// 1. environment variables ([`EnvironmentProvider`]);
/// 2. the selected profile of the shared files ([`ProfileProvider`]);
/// 3. web identity from `AWS_WEB_IDENTITY_TOKEN_FILE` / `AWS_ROLE_ARN`;
/// 4. the ECS / EKS container endpoint ([`ContainerProvider`]);
/// 5. the EC2 instance metadata service ([`ImdsProvider`]).
///
/// Nothing is read until credentials are first needed.
#[derive(Debug, Clone)]
pub struct DefaultChain {
    chain: ChainProvider,
}

impl DefaultChain {
    /// A builder.
    pub fn builder() -> DefaultChainBuilder {
        DefaultChainBuilder::default()
    }
}

impl ProvideCredentials for DefaultChain {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        self.chain.provide_credentials()
    }
}

/// Builds a [`DefaultChain`].
#[derive(Clone, Default)]
pub struct DefaultChainBuilder {
    env: Option<Env>,
    profile: Option<String>,
    sts: Option<Arc<dyn Sts>>,
    imds: Option<ImdsClient>,
}

impl fmt::Debug for DefaultChainBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DefaultChainBuilder")
            .field("env", &self.env)
            .field("profile", &self.profile)
            .field("sts", &self.sts.is_some())
            .field("imds", &self.imds)
            .finish()
    }
}

impl DefaultChainBuilder {
    /// Reads variables from `env` rather than the process environment.
    #[must_use]
    pub fn env(mut self, env: Env) -> Self {
        self.env = Some(env);
        self
    }

    /// Uses this profile rather than `AWS_PROFILE` / `default`.
    #[must_use]
    pub fn profile(mut self, name: impl Into<String>) -> Self {
        self.profile = Some(name.into());
        self
    }

    /// Assumes roles through `sts`.
    #[must_use]
    pub fn sts(mut self, sts: Arc<dyn Sts>) -> Self {
        self.sts = Some(sts);
        self
    }

    /// Uses this metadata client (another endpoint or clock).
    #[must_use]
    pub fn imds(mut self, client: ImdsClient) -> Self {
        self.imds = Some(client);
        self
    }

    /// The chain.
    pub fn build(self) -> DefaultChain {
        let env = self.env.unwrap_or_else(Env::process);
        let imds = self.imds.unwrap_or_else(|| ImdsClient::from_env(&env));
        let profile_name = self.profile.clone();
        let chain = ChainProvider::new()
            .or_else("environment", EnvironmentProvider::with_env(env.clone()))
            .or_else(
                "profile",
                ProfileProvider::new(env.clone(), profile_name, self.sts.clone())
                    .imds(imds.clone()),
            )
            .or_else(
                "web identity",
                EnvWebIdentity {
                    env: env.clone(),
                    sts: self.sts,
                },
            )
            .or_else("container", EnvContainer(ContainerProvider::new(env)))
            .or_else("instance metadata", ImdsProvider::new(imds));
        DefaultChain { chain }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn an_empty_environment_lists_every_provider() {
        let dir = std::env::temp_dir().join(format!("rt-chain-empty-{}", std::process::id()));
        let home = dir.display().to_string();
        let env = Env::from_pairs([
            ("HOME", home.as_str()),
            // Nothing listens on port 9 of loopback: refused at once.
            ("AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:9"),
        ]);
        let chain = DefaultChain::builder().env(env).build();
        let e = chain
            .provide_credentials()
            .await
            .expect_err("nothing configured");
        assert_eq!(e.kind(), CredentialsErrorKind::NotLoaded);
        let text = e.to_string();
        let names: Vec<&str> = text
            .lines()
            .skip(1)
            .filter_map(|l| l.trim_start().strip_prefix("- "))
            .filter_map(|l| l.split(':').next())
            .collect();
        assert_eq!(
            names,
            [
                "environment",
                "profile",
                "web identity",
                "container",
                "instance metadata"
            ],
            "{text}"
        );
        assert!(text.contains("AWS_ACCESS_KEY_ID"), "{text}");
        assert!(text.contains("profile `default` is in none of"), "{text}");
        assert!(text.contains("127.0.0.1:9"), "{text}");
    }

    #[tokio::test]
    async fn a_broken_source_stops_the_chain() {
        let env = Env::from_pairs([("AWS_ACCESS_KEY_ID", "AKID")]);
        let e = DefaultChain::builder()
            .env(env)
            .build()
            .provide_credentials()
            .await
            .expect_err("half a key pair");
        assert_eq!(
            e.to_string(),
            "environment: AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not"
        );
        let env = Env::from_pairs([
            ("AWS_WEB_IDENTITY_TOKEN_FILE", "/nonexistent/token"),
            ("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/r"),
            ("AWS_CONFIG_FILE", "/nonexistent/config"),
            ("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials"),
        ]);
        let e = DefaultChain::builder()
            .env(env)
            .build()
            .provide_credentials()
            .await
            .expect_err("no STS");
        assert!(e.to_string().contains("needs STS"), "{e}");
    }
}
