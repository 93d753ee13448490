//! The shared config and credentials files, and the credentials a profile describes.
//!
//! The files are INI documents as botocore reads them (Python's `RawConfigParser`):
//! `[section]` headers, `key = value` or `key: value` lines (keys are case-insensitive),
//! whole-line comments starting with `#` or `;`, indented lines continuing the previous
//! value, no inline comments; a duplicate section or key is an error.

use super::container::ContainerProvider;
use super::imds::{ImdsClient, ImdsProvider};
use super::process::ProcessProvider;
use super::sts::{missing_sts, session_name, AssumeRoleRequest, Sts, WebIdentityProvider};
use super::{
    Credentials, CredentialsError, CredentialsErrorKind, Env, EnvironmentProvider,
    ProvideCredentials, ProvideFuture,
};
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The sections of an INI document: section name → (lowercased key → value).
pub type Sections = BTreeMap<String, BTreeMap<String, String>>;

/// Parses a shared credentials or config file. `name` (the path) appears in errors,
/// with the line number.
pub fn parse_ini(name: &str, text: &str) -> Result<Sections, CredentialsError> {
    let mut sections = Sections::new();
    let mut current: Option<String> = None;
    // The key whose value indented lines continue.
    let mut last_key: Option<String> = None;
    for (index, raw) in text.lines().enumerate() {
        let line_no = index + 1;
        let error = |what: &str| CredentialsError::invalid(format!("{name}:{line_no}: {what}"));
        let trimmed = raw.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with(';') {
            continue;
        }
        let indented = raw.starts_with([' ', '\t']);
        if indented {
            if let (Some(section), Some(key)) = (&current, &last_key) {
                if let Some(value) = sections.get_mut(section).and_then(|s| s.get_mut(key)) {
                    value.push('\n');
                    value.push_str(trimmed);
                    continue;
                }
            }
        }
        if let Some(rest) = trimmed.strip_prefix('[') {
            let Some(end) = rest.rfind(']') else {
                return Err(error("a section header needs a closing `]`"));
            };
            let section = &rest[..end];
            if section.is_empty() {
                return Err(error("empty section name"));
            }
            if sections.contains_key(section) {
                return Err(error(&format!("section [{section}] appears twice")));
            }
            sections.insert(section.to_owned(), BTreeMap::new());
            current = Some(section.to_owned());
            last_key = None;
            continue;
        }
        let Some(section) = &current else {
            return Err(error("a setting before the first [section] header"));
        };
        let Some(split) = trimmed.find(['=', ':']) else {
            return Err(error("expected `key = value`"));
        };
        let key = trimmed[..split].trim().to_lowercase();
        let value = trimmed[split + 1..].trim().to_owned();
        if key.is_empty() {
            return Err(error("a setting without a name"));
        }
        let entries = sections.entry(section.clone()).or_default();
        if entries.contains_key(&key) {
            return Err(error(&format!("`{key}` is set twice in [{section}]")));
        }
        entries.insert(key.clone(), value);
        last_key = Some(key);
    }
    Ok(sections)
}

/// The home directory: `HOME`, else `USERPROFILE`, else `HOMEDRIVE` + `HOMEPATH`.
pub(crate) fn home(env: &Env) -> Option<PathBuf> {
    env.non_empty("HOME")
        .or_else(|| env.non_empty("USERPROFILE"))
        .or_else(|| {
            Some(format!(
                "{}{}",
                env.non_empty("HOMEDRIVE")?,
                env.non_empty("HOMEPATH")?
            ))
        })
        .map(PathBuf::from)
}

/// `var`'s value, or `~/.aws/<default>`; a leading `~/` is the home directory.
fn file_path(env: &Env, var: &str, default: &str) -> Option<PathBuf> {
    let path = env
        .non_empty(var)
        .unwrap_or_else(|| format!("~/.aws/{default}"));
    match path.strip_prefix("~/").or_else(|| path.strip_prefix("~\\")) {
        Some(rest) => home(env).map(|h| h.join(rest)),
        None => Some(PathBuf::from(path)),
    }
}

/// The sections of the file at `path`; a missing file has none.
fn read_sections(path: &Path) -> Result<Sections, CredentialsError> {
    match std::fs::read_to_string(path) {
        Ok(text) => parse_ini(&path.display().to_string(), &text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Sections::new()),
        Err(e) => Err(CredentialsError::invalid(format!(
            "cannot read {}: {e}",
            path.display()
        ))),
    }
}

/// One profile's settings: lowercased key → value.
pub type Settings = BTreeMap<String, String>;

/// The shared config and credentials files, read once.
#[derive(Clone, Default)]
pub struct ProfileFiles {
    /// Profile name → settings, merged from both files.
    profiles: BTreeMap<String, Settings>,
    /// `[sso-session NAME]` sections of the config file.
    sso_sessions: BTreeMap<String, Settings>,
    /// `[services NAME]` sections of the config file.
    services: BTreeMap<String, Settings>,
    /// The files read (or looked for), in order.
    searched: Vec<PathBuf>,
}

impl fmt::Debug for ProfileFiles {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Settings hold secrets; show only what there is.
        f.debug_struct("ProfileFiles")
            .field("profiles", &self.profiles.keys().collect::<Vec<_>>())
            .field("searched", &self.searched)
            .finish_non_exhaustive()
    }
}

impl ProfileFiles {
    /// Reads the files `env` points at: `AWS_CONFIG_FILE` (default `~/.aws/config`) and
    /// `AWS_SHARED_CREDENTIALS_FILE` (default `~/.aws/credentials`). Missing files are
    /// empty; a malformed one is an error with its path and line.
    pub fn load(env: &Env) -> Result<Self, CredentialsError> {
        let mut files = Self::default();
        if let Some(path) = file_path(env, "AWS_CONFIG_FILE", "config") {
            for (section, settings) in read_sections(&path)? {
                let words: Vec<&str> = section.split_whitespace().collect();
                match words.as_slice() {
                    ["default"] => files.merge("default", settings, false),
                    ["profile", name] => files.merge(name, settings, false),
                    ["sso-session", name] => {
                        files.sso_sessions.insert((*name).to_owned(), settings);
                    }
                    ["services", name] => {
                        files.services.insert((*name).to_owned(), settings);
                    }
                    // Other sections are not profiles.
                    _ => {}
                }
            }
            files.searched.push(path);
        }
        if let Some(path) = file_path(env, "AWS_SHARED_CREDENTIALS_FILE", "credentials") {
            for (section, settings) in read_sections(&path)? {
                files.merge(section.trim(), settings, true);
            }
            files.searched.push(path);
        }
        Ok(files)
    }

    fn merge(&mut self, name: &str, settings: Settings, wins: bool) {
        let profile = self.profiles.entry(name.to_owned()).or_default();
        for (key, value) in settings {
            if wins || !profile.contains_key(&key) {
                profile.insert(key, value);
            }
        }
    }

    /// The settings of profile `name`.
    pub fn profile(&self, name: &str) -> Option<&Settings> {
        self.profiles.get(name)
    }

    /// The settings of `[sso-session NAME]`.
    pub(crate) fn sso_session(&self, name: &str) -> Option<&Settings> {
        self.sso_sessions.get(name)
    }

    /// A sub-setting of `[services SECTION]`: `key` of the block that `service` (the
    /// service's id, lowercased, spaces as `_`: `sts`, `elasticache`) opens there, written as
    ///
    /// ```ini
    /// [services my-endpoints]
    /// sts =
    ///   endpoint_url = http://localhost:4566
    /// ```
    pub fn service_setting(&self, section: &str, service: &str, key: &str) -> Option<&str> {
        let block = self.services.get(section)?.get(service)?;
        block.lines().find_map(|line| {
            let (k, v) = line.split_once('=')?;
            (k.trim().eq_ignore_ascii_case(key))
                .then(|| v.trim())
                .filter(|v| !v.is_empty())
        })
    }

    /// The files read, for messages.
    pub fn searched(&self) -> &[PathBuf] {
        &self.searched
    }

    /// `where` for error messages: the files, comma-separated.
    pub(crate) fn searched_text(&self) -> String {
        self.searched
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// A non-empty setting of profile `name`.
    pub fn get(&self, name: &str, key: &str) -> Option<&str> {
        self.profiles
            .get(name)
            .and_then(|p| p.get(key))
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
    }

    /// The profile to use: `explicit`, else `AWS_PROFILE`, else `default`; and whether it
    /// was named (a named profile must exist).
    pub fn selected(env: &Env, explicit: Option<&str>) -> (String, bool) {
        match explicit
            .map(str::to_owned)
            .or_else(|| env.non_empty("AWS_PROFILE"))
        {
            Some(name) => (name.trim().to_owned(), true),
            None => ("default".to_owned(), false),
        }
    }

    /// Static keys of a profile: `None` when it has neither key, an error when it has one.
    fn static_keys(&self, name: &str) -> Result<Option<Credentials>, CredentialsError> {
        let get = |k: &str| self.get(name, k).map(str::to_owned);
        match (get("aws_access_key_id"), get("aws_secret_access_key")) {
            (Some(id), Some(secret)) => {
                let credentials = Credentials::new(
                    id,
                    secret,
                    get("aws_session_token").or_else(|| get("aws_security_token")),
                );
                credentials
                    .check(&format!("profile `{name}`"))
                    .map(|()| Some(credentials))
            }
            (None, None) => Ok(None),
            (Some(_), None) => Err(CredentialsError::invalid(format!(
                "profile `{name}` has aws_access_key_id but no aws_secret_access_key"
            ))),
            (None, Some(_)) => Err(CredentialsError::invalid(format!(
                "profile `{name}` has aws_secret_access_key but no aws_access_key_id"
            ))),
        }
    }

    /// How profile `name` gets its credentials.
    pub(crate) fn plan(&self, name: &str, named: bool) -> Result<Plan, CredentialsError> {
        let mut visited: Vec<String> = Vec::new();
        let mut roles = Vec::new();
        let mut current = name.to_owned();
        let base = loop {
            if self.profile(&current).is_none() {
                return Err(match visited.last() {
                    None if named => CredentialsError::invalid(format!(
                        "profile `{current}` is in none of {}",
                        self.searched_text()
                    )),
                    None => CredentialsError::not_loaded(format!(
                        "profile `{current}` is in none of {}",
                        self.searched_text()
                    )),
                    Some(parent) => CredentialsError::invalid(format!(
                        "profile `{parent}` has source_profile `{current}`, which is in none of {}",
                        self.searched_text()
                    )),
                });
            }
            let is_source = !visited.is_empty();
            visited.push(current.clone());
            let get = |k: &str| self.get(&current, k).map(str::to_owned);
            if is_source {
                if let Some(credentials) = self.static_keys(&current)? {
                    break Base::Static(credentials);
                }
            }
            if let Some(role_arn) = get("role_arn") {
                if let Some(token_file) = get("web_identity_token_file") {
                    break Base::WebIdentity {
                        token_file,
                        role_arn,
                        session_name: get("role_session_name"),
                    };
                }
                let step = RoleStep {
                    profile: current.clone(),
                    role_arn,
                    session_name: get("role_session_name"),
                    external_id: get("external_id"),
                    duration_seconds: match get("duration_seconds") {
                        Some(d) => Some(d.parse::<i32>().map_err(|_| {
                            CredentialsError::invalid(format!(
                                "profile `{current}`: duration_seconds `{d}` is not a number"
                            ))
                        })?),
                        None => None,
                    },
                    region: get("region"),
                };
                if get("mfa_serial").is_some() {
                    return Err(CredentialsError::invalid(format!(
                        "profile `{current}` needs an MFA code (mfa_serial), which this client \
                         cannot prompt for"
                    )));
                }
                match (get("source_profile"), get("credential_source")) {
                    (Some(_), Some(_)) => {
                        return Err(CredentialsError::invalid(format!(
                            "profile `{current}` has both source_profile and credential_source; \
                             it may have one"
                        )))
                    }
                    (Some(source), None) => {
                        roles.push(step);
                        if source == current {
                            // A profile that is its own source signs with its own keys.
                            match self.static_keys(&current)? {
                                Some(credentials) => break Base::Static(credentials),
                                None => {
                                    return Err(CredentialsError::invalid(format!(
                                        "profile `{current}` is its own source_profile but has \
                                         no static keys"
                                    )))
                                }
                            }
                        }
                        if visited.contains(&source) {
                            visited.push(source);
                            return Err(CredentialsError::invalid(format!(
                                "the source_profile settings form a cycle: {}",
                                visited
                                    .iter()
                                    .map(|p| format!("`{p}`"))
                                    .collect::<Vec<_>>()
                                    .join(" -> ")
                            )));
                        }
                        current = source;
                        continue;
                    }
                    (None, Some(source)) => {
                        roles.push(step);
                        break Base::Source(match source.as_str() {
                            "Environment" => CredentialSource::Environment,
                            "Ec2InstanceMetadata" => CredentialSource::Ec2InstanceMetadata,
                            "EcsContainer" => CredentialSource::EcsContainer,
                            other => {
                                return Err(CredentialsError::invalid(format!(
                                    "profile `{current}`: credential_source `{other}` is not one \
                                     of Environment, Ec2InstanceMetadata, EcsContainer"
                                )))
                            }
                        });
                    }
                    (None, None) => {
                        return Err(CredentialsError::invalid(format!(
                            "profile `{current}` has role_arn but neither source_profile nor \
                             credential_source"
                        )))
                    }
                }
            }
            if get("web_identity_token_file").is_some() {
                return Err(CredentialsError::invalid(format!(
                    "profile `{current}` has web_identity_token_file but no role_arn"
                )));
            }
            if let Some(credentials) = self.static_keys(&current)? {
                break Base::Static(credentials);
            }
            if let Some(command) = get("credential_process") {
                break Base::Process(command);
            }
            if get("sso_session").is_some() || get("sso_start_url").is_some() {
                break Base::Sso(super::sso::SsoSettings::of(self, &current)?);
            }
            return Err(if is_source {
                CredentialsError::invalid(format!(
                    "source profile `{current}` (of `{}`) has no credentials",
                    visited[visited.len() - 2]
                ))
            } else {
                CredentialsError::not_loaded(format!("profile `{current}` has no credentials"))
            });
        };
        roles.reverse();
        Ok(Plan {
            base_profile: current,
            base,
            roles,
        })
    }
}

/// How a profile's credentials are obtained: a base, then roles assumed in order.
#[derive(Debug)]
pub(crate) struct Plan {
    pub(crate) base_profile: String,
    pub(crate) base: Base,
    /// Innermost first: the first is assumed with the base credentials.
    pub(crate) roles: Vec<RoleStep>,
}

#[derive(Debug)]
pub(crate) enum Base {
    Static(Credentials),
    Process(String),
    WebIdentity {
        token_file: String,
        role_arn: String,
        session_name: Option<String>,
    },
    Source(CredentialSource),
    Sso(super::sso::SsoSettings),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CredentialSource {
    Environment,
    Ec2InstanceMetadata,
    EcsContainer,
}

#[derive(Debug)]
pub(crate) struct RoleStep {
    pub(crate) profile: String,
    pub(crate) role_arn: String,
    pub(crate) session_name: Option<String>,
    pub(crate) external_id: Option<String>,
    pub(crate) duration_seconds: Option<i32>,
    pub(crate) region: Option<String>,
}

/// The credentials of a profile of the shared files, read again at every refresh so that
/// edits and rotated tokens are picked up.
///
/// A profile's settings are those of `[NAME]` in the credentials file over those of
/// `[profile NAME]` (or `[default]`) in the config file. What a profile gives, first match:
///
/// 1. `role_arn` with `web_identity_token_file`: web identity federation;
/// 2. `role_arn` with `source_profile` (whose credentials are resolved the same way, so roles
///    chain; a profile naming itself uses its own static keys) or with `credential_source`
///    (`Environment`, `Ec2InstanceMetadata`, `EcsContainer`): `AssumeRole`;
/// 3. static keys (`aws_access_key_id`, `aws_secret_access_key`, `aws_session_token`);
/// 4. `credential_process`;
/// 5. `sso_session` (or the legacy `sso_start_url`) with `sso_account_id` and
///    `sso_role_name`: the role credentials of an SSO login.
///
/// As in botocore and the AWS SDKs, a *source* profile with static keys ends the chain even
/// when it also has a `role_arn`. A cycle of `source_profile`s, a `source_profile` that is in
/// neither file and a `role_arn` with no source are errors naming the profiles.
#[derive(Clone)]
pub struct ProfileProvider {
    env: Env,
    profile: Option<String>,
    sts: Option<Arc<dyn Sts>>,
    imds: ImdsClient,
}

impl fmt::Debug for ProfileProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProfileProvider")
            .field("profile", &self.profile)
            .field("sts", &self.sts.is_some())
            .finish_non_exhaustive()
    }
}

impl ProfileProvider {
    /// The profile `profile` names, else `AWS_PROFILE`, else `default`, of the files `env`
    /// points at. `sts` assumes roles; without it, role profiles are an error.
    pub fn new(env: Env, profile: Option<String>, sts: Option<Arc<dyn Sts>>) -> Self {
        let imds = ImdsClient::from_env(&env);
        Self {
            env,
            profile,
            sts,
            imds,
        }
    }

    /// With another metadata client for `credential_source = Ec2InstanceMetadata`.
    #[must_use]
    pub fn imds(mut self, client: ImdsClient) -> Self {
        self.imds = client;
        self
    }

    async fn fetch(&self) -> Result<Credentials, CredentialsError> {
        let files = ProfileFiles::load(&self.env)?;
        let (name, named) = ProfileFiles::selected(&self.env, self.profile.as_deref());
        let plan = files.plan(&name, named)?;
        // From here on the profile is what the user asked for: a failure is not a reason
        // for a chain to try something else.
        let applies = |e: CredentialsError| match e.kind() {
            CredentialsErrorKind::NotLoaded => CredentialsError::failed(e.message().to_owned()),
            _ => e,
        };
        let base_profile = &plan.base_profile;
        let mut credentials = match plan.base {
            Base::Static(c) => c,
            Base::Process(command) => ProcessProvider::with_origin(
                command,
                format!("profile `{base_profile}` credential_process"),
            )
            .provide_credentials()
            .await
            .map_err(applies)?,
            Base::WebIdentity {
                token_file,
                role_arn,
                session_name,
            } => WebIdentityProvider::new(token_file, role_arn, session_name, self.sts.clone())
                .origin(
                    format!("profile `{base_profile}` web_identity_token_file"),
                    files.get(base_profile, "region").map(str::to_owned),
                )
                .provide_credentials()
                .await
                .map_err(applies)?,
            Base::Source(source) => {
                let result = match source {
                    CredentialSource::Environment => {
                        EnvironmentProvider::with_env(self.env.clone()).credentials()
                    }
                    CredentialSource::Ec2InstanceMetadata => {
                        ImdsProvider::new(self.imds.clone())
                            .provide_credentials()
                            .await
                    }
                    CredentialSource::EcsContainer => {
                        ContainerProvider::new(self.env.clone())
                            .provide_credentials()
                            .await
                    }
                };
                result.map_err(|e| {
                    applies(e.context(format!(
                        "profile `{base_profile}` credential_source {source:?}"
                    )))
                })?
            }
            Base::Sso(settings) => settings.credentials(&self.env).await.map_err(applies)?,
        };
        for step in plan.roles {
            let sts = self
                .sts
                .as_ref()
                .ok_or_else(|| missing_sts(&format!("profile `{}` (role_arn)", step.profile)))?;
            let mut request = AssumeRoleRequest::new(
                &step.role_arn,
                step.session_name.unwrap_or_else(session_name),
            );
            request.external_id = step.external_id;
            request.duration_seconds = step.duration_seconds;
            request.region = step.region;
            credentials = sts.assume_role(credentials, request).await.map_err(|e| {
                applies(e.context(format!(
                    "profile `{}`: AssumeRole {}",
                    step.profile, step.role_arn
                )))
            })?;
        }
        Ok(credentials)
    }
}

impl ProvideCredentials for ProfileProvider {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        Box::pin(self.fetch())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ini(text: &str) -> Sections {
        parse_ini("test", text).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn parses_sections_keys_and_comments() {
        let s = ini(
            "# comment\n; another\n\n[default]\naws_access_key_id = AKID\nAWS_Secret_Access_Key=se=cret # not a comment\n\
             [profile dev]\nregion: eu-west-1\n  \n",
        );
        assert_eq!(s.len(), 2);
        assert_eq!(s["default"]["aws_access_key_id"], "AKID");
        // Keys are case-insensitive; values keep `=` and `#` after the first delimiter.
        assert_eq!(
            s["default"]["aws_secret_access_key"],
            "se=cret # not a comment"
        );
        assert_eq!(s["profile dev"]["region"], "eu-west-1");
    }

    #[test]
    fn indented_lines_continue_a_value() {
        let s = ini("[default]\ns3 =\n  max_concurrent_requests = 20\nregion = us-east-1\n");
        assert_eq!(s["default"]["s3"], "\nmax_concurrent_requests = 20");
        assert_eq!(s["default"]["region"], "us-east-1");
    }

    #[test]
    fn rejects_malformed_files_with_a_line_number() {
        for (text, line, what) in [
            ("aws_access_key_id = x\n", 1, "before the first"),
            ("[default\n", 1, "closing"),
            ("[a]\n[b]\n[a]\n", 3, "twice"),
            ("[a]\nk = 1\nk = 2\n", 3, "twice"),
            ("[a]\njust words\n", 2, "key = value"),
            ("[]\n", 1, "empty section"),
        ] {
            let e = parse_ini("f.ini", text).expect_err(text).to_string();
            assert!(e.starts_with(&format!("f.ini:{line}: ")), "{e}");
            assert!(e.contains(what), "{e}");
        }
    }

    /// A directory under the system temp dir, removed on drop.
    struct TempDir(PathBuf);

    impl TempDir {
        fn new(tag: &str) -> Self {
            let dir = std::env::temp_dir().join(format!(
                "rt-credentials-{tag}-{}-{:?}",
                std::process::id(),
                std::thread::current().id()
            ));
            std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
            Self(dir)
        }

        fn write(&self, name: &str, text: &str) -> PathBuf {
            let path = self.0.join(name);
            std::fs::write(&path, text).unwrap_or_else(|e| panic!("{e}"));
            path
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn files(config: &str, credentials: &str) -> (TempDir, Env) {
        let dir = TempDir::new("plan");
        let config = dir.write("config", config);
        let credentials = dir.write("credentials", credentials);
        let env = Env::from_pairs([
            ("AWS_CONFIG_FILE", config.display().to_string()),
            (
                "AWS_SHARED_CREDENTIALS_FILE",
                credentials.display().to_string(),
            ),
        ]);
        (dir, env)
    }

    fn plan(env: &Env, name: &str) -> Result<Plan, CredentialsError> {
        ProfileFiles::load(env)
            .unwrap_or_else(|e| panic!("{e}"))
            .plan(name, true)
    }

    #[test]
    fn role_chains_resolve_to_a_base_and_steps() {
        let (_dir, env) = files(
            "[profile top]\nrole_arn = arn:aws:iam::1:role/top\nsource_profile = middle\nregion = eu-west-1\n\
             [profile middle]\nrole_arn = arn:aws:iam::1:role/middle\nsource_profile = base\nexternal_id = x-1\n\
             [profile self]\nrole_arn = arn:aws:iam::1:role/self\nsource_profile = self\n\
             [profile env]\nrole_arn = arn:aws:iam::1:role/env\ncredential_source = Environment\n\
             [profile web]\nrole_arn = arn:aws:iam::1:role/web\nweb_identity_token_file = /tmp/token\n\
             [profile proc]\ncredential_process = echo hi\n",
            "[base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = S\n\
             [self]\naws_access_key_id = AKIDSELF\naws_secret_access_key = S\n",
        );
        let p = plan(&env, "top").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(p.base_profile, "base");
        assert!(matches!(&p.base, Base::Static(c) if c.access_key_id() == "AKIDBASE"));
        let arns: Vec<_> = p.roles.iter().map(|r| r.role_arn.as_str()).collect();
        assert_eq!(
            arns,
            ["arn:aws:iam::1:role/middle", "arn:aws:iam::1:role/top"]
        );
        assert_eq!(p.roles[0].external_id.as_deref(), Some("x-1"));
        assert_eq!(p.roles[1].region.as_deref(), Some("eu-west-1"));

        let p = plan(&env, "self").unwrap_or_else(|e| panic!("{e}"));
        assert!(matches!(&p.base, Base::Static(c) if c.access_key_id() == "AKIDSELF"));
        assert_eq!(p.roles.len(), 1);
        let p = plan(&env, "env").unwrap_or_else(|e| panic!("{e}"));
        assert!(matches!(
            p.base,
            Base::Source(CredentialSource::Environment)
        ));
        let p = plan(&env, "web").unwrap_or_else(|e| panic!("{e}"));
        assert!(matches!(p.base, Base::WebIdentity { .. }) && p.roles.is_empty());
        let p = plan(&env, "proc").unwrap_or_else(|e| panic!("{e}"));
        assert!(matches!(&p.base, Base::Process(c) if c == "echo hi"));
    }

    #[test]
    fn broken_chains_name_the_profiles() {
        let (_dir, env) = files(
            "[profile a]\nrole_arn = arn:aws:iam::1:role/a\nsource_profile = b\n\
             [profile b]\nrole_arn = arn:aws:iam::1:role/b\nsource_profile = c\n\
             [profile c]\nrole_arn = arn:aws:iam::1:role/c\nsource_profile = a\n\
             [profile orphan]\nrole_arn = arn:aws:iam::1:role/o\nsource_profile = nowhere\n\
             [profile sourceless]\nrole_arn = arn:aws:iam::1:role/s\n\
             [profile both]\nrole_arn = arn:aws:iam::1:role/s\nsource_profile = a\ncredential_source = Environment\n\
             [profile empty-source]\nrole_arn = arn:aws:iam::1:role/e\nsource_profile = empty\n\
             [profile empty]\nregion = us-east-1\n\
             [profile half]\naws_access_key_id = AKID\n",
            "",
        );
        let message = |name: &str| plan(&env, name).expect_err(name).to_string();
        assert_eq!(
            message("a"),
            "the source_profile settings form a cycle: `a` -> `b` -> `c` -> `a`"
        );
        let orphan = message("orphan");
        assert!(
            orphan
                .starts_with("profile `orphan` has source_profile `nowhere`, which is in none of "),
            "{orphan}"
        );
        assert!(message("sourceless").contains("neither source_profile nor credential_source"));
        assert!(message("both").contains("both source_profile and credential_source"));
        assert_eq!(
            message("empty-source"),
            "source profile `empty` (of `empty-source`) has no credentials"
        );
        assert!(message("half").contains("no aws_secret_access_key"));
        assert!(message("missing").starts_with("profile `missing` is in none of "));
        // An unnamed default profile that is absent is simply not there.
        let e = ProfileFiles::load(&env)
            .unwrap_or_else(|e| panic!("{e}"))
            .plan("default", false)
            .expect_err("no default");
        assert_eq!(e.kind(), CredentialsErrorKind::NotLoaded);
    }

    #[test]
    fn credentials_file_settings_win_and_sections_merge() {
        let (_dir, env) = files(
            "[default]\nregion = us-west-2\naws_access_key_id = FROMCONFIG\naws_secret_access_key = S\n\
             [services dev]\nsts =\n  endpoint_url = http://localhost\n[sso-session s]\nsso_region = us-east-1\n",
            "[default]\naws_access_key_id = FROMCREDENTIALS\naws_secret_access_key = S\n",
        );
        let files = ProfileFiles::load(&env).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            files.get("default", "aws_access_key_id"),
            Some("FROMCREDENTIALS")
        );
        assert_eq!(files.get("default", "region"), Some("us-west-2"));
        assert!(files.profile("dev").is_none());
        assert_eq!(files.searched().len(), 2);
        assert!(!format!("{files:?}").contains("FROMCREDENTIALS"));
    }

    #[test]
    fn default_paths_are_under_home() {
        let dir = TempDir::new("home");
        std::fs::create_dir_all(dir.0.join(".aws")).unwrap_or_else(|e| panic!("{e}"));
        dir.write(
            ".aws/credentials",
            "[default]\naws_access_key_id = AKID_HOME\naws_secret_access_key = S\n",
        );
        let home = dir.0.display().to_string();
        let env = Env::from_pairs([("HOME", home.as_str())]);
        let files = ProfileFiles::load(&env).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(files.get("default", "aws_access_key_id"), Some("AKID_HOME"));
        assert_eq!(files.searched()[1], dir.0.join(".aws/credentials"));
        let env = Env::from_pairs([
            ("HOME", home.as_str()),
            ("AWS_SHARED_CREDENTIALS_FILE", "~/.aws/credentials"),
        ]);
        let files = ProfileFiles::load(&env).unwrap_or_else(|e| panic!("{e}"));
        assert!(files.get("default", "aws_access_key_id").is_some());
    }
}
