//! IAM Identity Center (SSO) profiles: role credentials for the token `aws sso login` left
//! in `~/.aws/sso/cache`.
//!
//! The token is read, not refreshed: when it has expired the error says to log in again.

use super::http::Http;
use super::json::Json;
use super::profile::{home, ProfileFiles};
use super::{from_json, Credentials, CredentialsError, Env};
use std::path::PathBuf;
use std::time::{Duration, SystemTime};

/// What an SSO profile names.
#[derive(Debug, Clone)]
pub(crate) struct SsoSettings {
    profile: String,
    /// The `sso-session` name, or the start URL for legacy profiles: the cache key.
    cache_key: String,
    /// How to log in again, for the expired-token error.
    login: String,
    region: String,
    account_id: String,
    role_name: String,
}

fn encode(s: &str) -> String {
    let mut out = String::new();
    super::super::query::encode_into(s, &mut out);
    out
}

impl SsoSettings {
    pub(crate) fn of(files: &ProfileFiles, profile: &str) -> Result<Self, CredentialsError> {
        let get = |k: &str| files.get(profile, k).map(str::to_owned);
        let need = |k: &str| {
            get(k).ok_or_else(|| {
                CredentialsError::invalid(format!("SSO profile `{profile}` has no {k}"))
            })
        };
        let (cache_key, login, region) = match get("sso_session") {
            Some(session) => {
                let settings = files.sso_session(&session).ok_or_else(|| {
                    CredentialsError::invalid(format!(
                        "profile `{profile}` has sso_session `{session}`, but there is no \
                         [sso-session {session}] in {}",
                        files.searched_text()
                    ))
                })?;
                let region = settings
                    .get("sso_region")
                    .map(|r| r.trim().to_owned())
                    .filter(|r| !r.is_empty())
                    .ok_or_else(|| {
                        CredentialsError::invalid(format!(
                            "[sso-session {session}] has no sso_region"
                        ))
                    })?;
                let login = format!("aws sso login --sso-session {session}");
                (session, login, region)
            }
            None => (
                need("sso_start_url")?,
                format!("aws sso login --profile {profile}"),
                need("sso_region")?,
            ),
        };
        Ok(Self {
            profile: profile.to_owned(),
            cache_key,
            login,
            region,
            account_id: need("sso_account_id")?,
            role_name: need("sso_role_name")?,
        })
    }

    fn cache_file(&self, env: &Env) -> Option<PathBuf> {
        let sha1 = ring::digest::digest(
            &ring::digest::SHA1_FOR_LEGACY_USE_ONLY,
            self.cache_key.as_bytes(),
        );
        let name = super::super::sigv4::hex(sha1.as_ref());
        Some(
            home(env)?
                .join(".aws/sso/cache")
                .join(format!("{name}.json")),
        )
    }

    pub(crate) async fn credentials(&self, env: &Env) -> Result<Credentials, CredentialsError> {
        let what = format!("SSO profile `{}`", self.profile);
        let path = self.cache_file(env).ok_or_else(|| {
            CredentialsError::invalid(format!("{what}: no home directory for ~/.aws/sso/cache"))
        })?;
        let text = std::fs::read_to_string(&path).map_err(|e| {
            CredentialsError::failed(format!(
                "{what}: no cached SSO token at {} ({e}); run `{}`",
                path.display(),
                self.login
            ))
        })?;
        let token = Json::parse(text.as_bytes()).map_err(|e| {
            CredentialsError::failed(format!("{what}: {} is not JSON: {e}", path.display()))
        })?;
        let access_token = token
            .get("accessToken")
            .and_then(Json::as_str)
            .filter(|t| http::HeaderValue::from_str(t).is_ok())
            .ok_or_else(|| {
                CredentialsError::failed(format!(
                    "{what}: {} has no usable accessToken",
                    path.display()
                ))
            })?;
        let expires = token
            .get("expiresAt")
            .and_then(Json::as_str)
            .and_then(|t| super::super::time::DateTime::parse_date_time(t).ok())
            .and_then(|t| SystemTime::try_from(t).ok());
        if expires.is_none_or(|t| t <= SystemTime::now()) {
            return Err(CredentialsError::failed(format!(
                "{what}: the SSO token has expired or has no expiresAt; run `{}`",
                self.login
            )));
        }
        let endpoint = env
            .non_empty("AWS_ENDPOINT_URL_SSO")
            .or_else(|| env.non_empty("AWS_ENDPOINT_URL"))
            .unwrap_or_else(|| format!("https://portal.sso.{}.amazonaws.com", self.region));
        let url = format!(
            "{}/federation/credentials?account_id={}&role_name={}",
            endpoint.trim_end_matches('/'),
            encode(&self.account_id),
            encode(&self.role_name)
        );
        let request = http::Request::get(&url)
            .header("x-amz-sso_bearer_token", access_token)
            .body(Vec::new())
            .map_err(|e| CredentialsError::invalid(format!("{what}: {url}: {e}")))?;
        let http = Http::new(Duration::from_secs(5)).map_err(CredentialsError::failed)?;
        let (status, body) = http
            .send(request)
            .await
            .map_err(|e| CredentialsError::failed(format!("{what}: GetRoleCredentials: {e}")))?;
        if status != 200 {
            return Err(CredentialsError::failed(format!(
                "{what}: GetRoleCredentials for role `{}` in account {} answered {status}",
                self.role_name, self.account_id
            )));
        }
        let value = Json::parse(&body).map_err(|e| {
            CredentialsError::failed(format!(
                "{what}: GetRoleCredentials answer is not JSON: {e}"
            ))
        })?;
        let role = value.get("roleCredentials").cloned().unwrap_or_default();
        from_json(
            &role,
            [
                "accessKeyId",
                "secretAccessKey",
                "sessionToken",
                "expiration",
            ],
            &format!("{what}: roleCredentials"),
        )
    }
}
