//! The container credentials endpoint of ECS tasks and EKS pods (Pod Identity).

use super::http::{Failure, Http};
use super::json::Json;
use super::{from_json, CredentialsError, Env, ProvideCredentials, ProvideFuture};
use std::net::IpAddr;
use std::time::Duration;

const ECS_HOST: &str = "http://169.254.170.2";

/// Credentials from the container credentials endpoint:
///
/// - `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI`: a path on the ECS agent at
///   `http://169.254.170.2`;
/// - else `AWS_CONTAINER_CREDENTIALS_FULL_URI`: any `https` URL, or an `http` one whose host
///   is a loopback address or the ECS / EKS agent (`169.254.170.2`, `169.254.170.23`,
///   `fd00:ec2::23`); other hosts are refused, so a mistaken variable cannot send the
///   token elsewhere in the clear.
///
/// The `Authorization` header is the content of `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE`
/// (read at every fetch, since the agent rotates it), else
/// `AWS_CONTAINER_AUTHORIZATION_TOKEN`.
#[derive(Debug, Clone)]
pub struct ContainerProvider {
    env: Env,
    timeout: Duration,
}

impl ContainerProvider {
    /// The default timeout for connecting and for the exchange.
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(2);

    /// A provider configured by `env`.
    pub fn new(env: Env) -> Self {
        Self {
            env,
            timeout: Self::DEFAULT_TIMEOUT,
        }
    }

    /// With another timeout.
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The URL credentials come from, checked; `NotLoaded` when neither variable is set.
    pub fn url(&self) -> Result<String, CredentialsError> {
        if let Some(relative) = self.env.non_empty("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") {
            let path = relative.trim();
            let sep = if path.starts_with('/') { "" } else { "/" };
            return Ok(format!("{ECS_HOST}{sep}{path}"));
        }
        let Some(full) = self.env.non_empty("AWS_CONTAINER_CREDENTIALS_FULL_URI") else {
            return Err(CredentialsError::not_loaded(
                "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and AWS_CONTAINER_CREDENTIALS_FULL_URI \
                 are not set",
            ));
        };
        let full = full.trim().to_owned();
        let uri: http::Uri = full.parse().map_err(|e| {
            CredentialsError::invalid(format!(
                "AWS_CONTAINER_CREDENTIALS_FULL_URI is not a URL: {e}"
            ))
        })?;
        let host = uri.host().unwrap_or_default();
        match uri.scheme_str() {
            Some("https") if !host.is_empty() => Ok(full),
            Some("http") if allowed_http_host(host) => Ok(full),
            Some("http") => Err(CredentialsError::invalid(format!(
                "AWS_CONTAINER_CREDENTIALS_FULL_URI uses http with host `{host}`; plain http is \
                 allowed only to loopback addresses and the ECS/EKS agents (169.254.170.2, \
                 169.254.170.23, fd00:ec2::23)"
            ))),
            _ => Err(CredentialsError::invalid(
                "AWS_CONTAINER_CREDENTIALS_FULL_URI must be an http or https URL with a host",
            )),
        }
    }

    /// The authorization token, if one is configured.
    fn token(&self) -> Result<Option<String>, CredentialsError> {
        let token = match self.env.non_empty("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE") {
            Some(path) => Some(std::fs::read_to_string(path.trim()).map_err(|e| {
                CredentialsError::invalid(format!(
                    "cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE {}: {e}",
                    path.trim()
                ))
            })?),
            None => self.env.non_empty("AWS_CONTAINER_AUTHORIZATION_TOKEN"),
        };
        let token = token.map(|t| t.trim().to_owned());
        if token
            .as_deref()
            .is_some_and(|t| http::HeaderValue::from_str(t).is_err())
        {
            return Err(CredentialsError::invalid(
                "the container authorization token has characters not allowed in a header",
            ));
        }
        Ok(token)
    }

    async fn fetch(&self) -> Result<super::Credentials, CredentialsError> {
        let url = self.url()?;
        let token = self.token()?;
        let http = Http::new(self.timeout).map_err(CredentialsError::failed)?;
        let mut attempt = 0;
        loop {
            attempt += 1;
            let mut request = http::Request::get(&url).header("accept", "application/json");
            if let Some(token) = &token {
                request = request.header("authorization", token);
            }
            let request = request
                .body(Vec::new())
                .map_err(|e| CredentialsError::invalid(format!("container endpoint {url}: {e}")))?;
            let (status, body) = http.send(request).await.map_err(|e| match e {
                Failure::Unreachable(why) | Failure::Broken(why) => {
                    CredentialsError::failed(format!("container credentials endpoint {url}: {why}"))
                }
            })?;
            let value = Json::parse(&body).ok();
            match status {
                200..=299 => {
                    let value = value.ok_or_else(|| {
                        CredentialsError::failed(format!(
                            "the container credentials from {url} are not JSON"
                        ))
                    })?;
                    return from_json(
                        &value,
                        ["AccessKeyId", "SecretAccessKey", "Token", "Expiration"],
                        &format!("the container credentials from {url}"),
                    );
                }
                500..=599 if attempt < 2 => continue,
                _ => {
                    // The agent's error document says why (`{"code": …, "message": …}`).
                    let why = value
                        .as_ref()
                        .and_then(|v| v.get("message").or_else(|| v.get("Message")))
                        .and_then(Json::as_str)
                        .map(|m| format!(": {}", m.chars().take(200).collect::<String>()))
                        .unwrap_or_default();
                    return Err(CredentialsError::failed(format!(
                        "the container credentials endpoint {url} answered {status}{why}"
                    )));
                }
            }
        }
    }
}

/// Whether plain http may be used to reach `host`.
fn allowed_http_host(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    if host.eq_ignore_ascii_case("localhost") {
        return true;
    }
    match host.parse::<IpAddr>() {
        Ok(ip) if ip.is_loopback() => true,
        Ok(ip) => ["169.254.170.2", "169.254.170.23", "fd00:ec2::23"]
            .iter()
            .any(|agent| agent.parse::<IpAddr>().is_ok_and(|a| a == ip)),
        Err(_) => false,
    }
}

impl ProvideCredentials for ContainerProvider {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        Box::pin(self.fetch())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(vars: &[(&str, &str)]) -> Result<String, String> {
        ContainerProvider::new(Env::from_pairs(vars.iter().copied()))
            .url()
            .map_err(|e| e.to_string())
    }

    #[test]
    fn which_urls_are_allowed() {
        assert_eq!(
            url(&[(
                "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
                "/v2/credentials/abc"
            )]),
            Ok("http://169.254.170.2/v2/credentials/abc".into())
        );
        for ok in [
            "http://127.0.0.1:8080/creds",
            "http://127.1.2.3/creds",
            "http://localhost/creds",
            "http://[::1]:80/creds",
            "http://169.254.170.23/v1/credentials",
            "http://[fd00:ec2::23]/v1/credentials",
            "https://creds.example.com/x",
        ] {
            assert_eq!(
                url(&[("AWS_CONTAINER_CREDENTIALS_FULL_URI", ok)]),
                Ok(ok.into())
            );
        }
        for bad in [
            "http://example.com/creds",
            "http://10.0.0.1/",
            "ftp://127.0.0.1/",
            "nonsense",
        ] {
            let e = url(&[("AWS_CONTAINER_CREDENTIALS_FULL_URI", bad)]).expect_err(bad);
            assert!(e.contains("AWS_CONTAINER_CREDENTIALS_FULL_URI"), "{e}");
        }
        assert!(url(&[]).is_err());
    }
}
