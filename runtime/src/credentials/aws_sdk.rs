//! Providers of the AWS SDK for Rust (`aws-config`, `aws-credential-types`) as providers of
//! this runtime (feature `aws-sdk-credentials`).

use super::{error_chain, Credentials, CredentialsError, ProvideCredentials, ProvideFuture};
use aws_credential_types::provider::error::CredentialsError as SdkError;
use aws_credential_types::provider::ProvideCredentials as SdkProvideCredentials;
use std::fmt;

/// Wraps a provider of the AWS SDK for Rust, so a configuration already set up with
/// `aws-config` (its default chain, an assume-role provider, SSO …) can sign this client's
/// requests (the unit test below builds a configuration this way; a copy of the runtime
/// vendored into a generated crate has no `smithy_query_runtime` to import, so this is not
/// a doctest):
///
/// ```text
/// let sdk_config = aws_config::load_from_env().await;
/// let config = Config::builder()
///     .region("us-east-1")
///     .credentials_provider(AwsSdkProvider::new(sdk_config.credentials_provider().unwrap()))
///     .build()?;
/// ```
///
/// The SDK provider's own caching (if any) stays in place; this client's cache sits in
/// front of it and honours the expiry it reports.
pub struct AwsSdkProvider<P> {
    provider: P,
}

impl<P> AwsSdkProvider<P> {
    /// Wraps `provider`.
    pub fn new(provider: P) -> Self {
        Self { provider }
    }
}

impl<P: fmt::Debug> fmt::Debug for AwsSdkProvider<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("AwsSdkProvider")
            .field(&self.provider)
            .finish()
    }
}

impl<P> ProvideCredentials for AwsSdkProvider<P>
where
    P: SdkProvideCredentials + fmt::Debug,
{
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        Box::pin(async move {
            let sdk = self.provider.provide_credentials().await.map_err(|e| {
                let message = format!("AWS SDK provider: {}", error_chain(&e));
                match e {
                    SdkError::CredentialsNotLoaded(_) => CredentialsError::not_loaded(message),
                    SdkError::InvalidConfiguration(_) => CredentialsError::invalid(message),
                    _ => CredentialsError::failed(message),
                }
            })?;
            let credentials = Credentials::new(
                sdk.access_key_id(),
                sdk.secret_access_key(),
                sdk.session_token().map(str::to_owned),
            )
            .with_expiry(sdk.expiry());
            credentials.check("the AWS SDK provider")?;
            Ok(credentials)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, SystemTime};

    #[tokio::test]
    async fn sdk_credentials_and_errors_carry_over() {
        let expiry = SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000);
        let sdk = aws_credential_types::Credentials::new(
            "ASIASDK",
            "sdk-secret",
            Some("sdk-token".into()),
            Some(expiry),
            "test",
        );
        let c = AwsSdkProvider::new(sdk)
            .provide_credentials()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (
                c.access_key_id(),
                c.secret_access_key(),
                c.session_token(),
                c.expiry()
            ),
            ("ASIASDK", "sdk-secret", Some("sdk-token"), Some(expiry))
        );

        // As a configuration's provider, through its cache.
        let sdk = aws_credential_types::Credentials::new("AKIDSDK", "s", None, None, "test");
        let config = super::super::super::client::Config::builder()
            .region("us-east-1")
            .credentials_provider(AwsSdkProvider::new(sdk))
            .build()
            .unwrap_or_else(|e| panic!("{e}"));
        let c = config.credentials().await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(c.access_key_id(), "AKIDSDK");

        #[derive(Debug)]
        struct Missing;
        impl SdkProvideCredentials for Missing {
            fn provide_credentials<'a>(
                &'a self,
            ) -> aws_credential_types::provider::future::ProvideCredentials<'a>
            where
                Self: 'a,
            {
                aws_credential_types::provider::future::ProvideCredentials::ready(Err(
                    SdkError::not_loaded("nothing here"),
                ))
            }
        }
        let e = AwsSdkProvider::new(Missing)
            .provide_credentials()
            .await
            .expect_err("not loaded");
        assert_eq!(e.kind(), super::super::CredentialsErrorKind::NotLoaded);
        assert!(e.message().contains("nothing here"), "{e}");
    }
}
