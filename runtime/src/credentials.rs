//! AWS credentials and where the client finds them.
//!
//! [`Credentials`] are an access key id, a secret access key and, for temporary
//! credentials, a session token. Besides passing them explicitly, the client reads
//! them the way the AWS CLI and SDKs do, first match wins:
//!
//! 1. the environment: `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`;
//! 2. the shared credentials file (`AWS_SHARED_CREDENTIALS_FILE`, default
//!    `~/.aws/credentials`), section `[PROFILE]`;
//! 3. the shared config file (`AWS_CONFIG_FILE`, default `~/.aws/config`), section
//!    `[profile PROFILE]` (or `[default]`),
//!
//! where `PROFILE` is the one chosen in the builder, else `AWS_PROFILE`, else `default`.
//! Only static keys are read from the files; profiles that assume a role, use SSO or run
//! a credential process are reported as unsupported rather than skipped silently.
//!
//! The files are INI documents as botocore reads them (Python's `RawConfigParser`):
//! `[section]` headers, `key = value` or `key: value` lines (keys are case-insensitive),
//! whole-line comments starting with `#` or `;`, indented lines continuing the previous
//! value, no inline comments; a duplicate section or key is an error.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

/// An access key pair, with a session token for temporary credentials.
///
/// `Debug` shows only the access key id.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    access_key_id: String,
    secret_access_key: String,
    session_token: Option<String>,
}

impl Credentials {
    /// Credentials from their parts.
    pub fn new(
        access_key_id: impl Into<String>,
        secret_access_key: impl Into<String>,
        session_token: Option<String>,
    ) -> Self {
        Self {
            access_key_id: access_key_id.into(),
            secret_access_key: secret_access_key.into(),
            session_token,
        }
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
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"** redacted **")
            .field(
                "session_token",
                &self.session_token.as_ref().map(|_| "** redacted **"),
            )
            .finish()
    }
}

/// Why credentials or a profile setting could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialsError {
    message: String,
}

impl CredentialsError {
    pub(crate) fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
        }
    }
}

impl fmt::Display for CredentialsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for CredentialsError {}

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
        let error = |what: &str| CredentialsError::new(format!("{name}:{line_no}: {what}"));
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

/// Reads the environment through `env` (tests pass a map; the client passes
/// `std::env::var`).
pub(crate) type Env<'a> = &'a dyn Fn(&str) -> Option<String>;

/// The home directory: `HOME`, else `USERPROFILE`, else `HOMEDRIVE` + `HOMEPATH`.
fn home(env: Env<'_>) -> Option<PathBuf> {
    let non_empty = |k: &str| env(k).filter(|v| !v.is_empty());
    non_empty("HOME")
        .or_else(|| non_empty("USERPROFILE"))
        .or_else(|| {
            Some(format!(
                "{}{}",
                non_empty("HOMEDRIVE")?,
                non_empty("HOMEPATH")?
            ))
        })
        .map(PathBuf::from)
}

/// `var`'s value, or `~/.aws/<default>`; a leading `~/` is the home directory.
fn file_path(env: Env<'_>, var: &str, default: &str) -> Option<PathBuf> {
    let path = env(var)
        .filter(|v| !v.is_empty())
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
        Err(e) => Err(CredentialsError::new(format!(
            "cannot read {}: {e}",
            path.display()
        ))),
    }
}

/// What the shared files say about one profile.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Profile {
    /// The profile's name.
    pub name: String,
    /// Whether the profile was found in either file.
    pub found: bool,
    /// Its static credentials, if it has them.
    pub credentials: Option<Credentials>,
    /// `region` from the config file.
    pub region: Option<String>,
    /// Where it was looked for (for error messages).
    pub searched: Vec<PathBuf>,
}

/// Settings whose presence means the profile gets credentials some other way.
const OTHER_SOURCES: &[&str] = &[
    "role_arn",
    "sso_session",
    "sso_start_url",
    "credential_process",
    "web_identity_token_file",
];

/// Static credentials from one section, or `None` if it has no access key.
fn section_credentials(
    section: &BTreeMap<String, String>,
    where_: &str,
) -> Result<Option<Credentials>, CredentialsError> {
    let get = |k: &str| section.get(k).filter(|v| !v.is_empty());
    match (get("aws_access_key_id"), get("aws_secret_access_key")) {
        (Some(id), Some(secret)) => Ok(Some(Credentials::new(
            id.clone(),
            secret.clone(),
            get("aws_session_token")
                .or_else(|| get("aws_security_token"))
                .cloned(),
        ))),
        (None, None) => match OTHER_SOURCES.iter().find(|k| section.contains_key(**k)) {
            Some(k) => Err(CredentialsError::new(format!(
                "{where_} gets its credentials through `{k}`, which this client does not support; \
                 set AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY or pass credentials explicitly"
            ))),
            None => Ok(None),
        },
        (Some(_), None) => Err(CredentialsError::new(format!(
            "{where_} has aws_access_key_id but no aws_secret_access_key"
        ))),
        (None, Some(_)) => Err(CredentialsError::new(format!(
            "{where_} has aws_secret_access_key but no aws_access_key_id"
        ))),
    }
}

/// Loads `profile` (default: `AWS_PROFILE`, else `default`) from the shared credentials
/// and config files.
pub(crate) fn load_profile(
    env: Env<'_>,
    profile: Option<&str>,
) -> Result<Profile, CredentialsError> {
    let name = profile
        .map(str::to_owned)
        .or_else(|| env("AWS_PROFILE").filter(|p| !p.is_empty()))
        .unwrap_or_else(|| "default".to_owned());
    let mut out = Profile {
        name: name.clone(),
        ..Profile::default()
    };
    if let Some(path) = file_path(env, "AWS_SHARED_CREDENTIALS_FILE", "credentials") {
        let sections = read_sections(&path)?;
        if let Some(section) = sections.get(&name) {
            out.found = true;
            let where_ = format!("profile [{name}] of {}", path.display());
            out.credentials = section_credentials(section, &where_)?;
        }
        out.searched.push(path);
    }
    if let Some(path) = file_path(env, "AWS_CONFIG_FILE", "config") {
        let sections = read_sections(&path)?;
        let wanted = format!("profile {name}");
        // `[default]` may also be written `[profile default]`; other profiles need the prefix.
        let section = sections
            .iter()
            .find(|(k, _)| k.split_whitespace().collect::<Vec<_>>() == ["profile", name.as_str()])
            .map(|(_, v)| v)
            .or_else(|| {
                (name == "default")
                    .then(|| sections.get("default"))
                    .flatten()
            });
        if let Some(section) = section {
            out.found = true;
            out.region = section.get("region").filter(|r| !r.is_empty()).cloned();
            if out.credentials.is_none() {
                let where_ = format!("[{wanted}] of {}", path.display());
                out.credentials = section_credentials(section, &where_)?;
            }
        }
        out.searched.push(path);
    }
    Ok(out)
}

/// Credentials from `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN`:
/// `None` when neither key variable is set, an error when only one is.
pub(crate) fn from_env_vars(env: Env<'_>) -> Result<Option<Credentials>, CredentialsError> {
    let get = |k: &str| env(k).filter(|v| !v.is_empty());
    match (get("AWS_ACCESS_KEY_ID"), get("AWS_SECRET_ACCESS_KEY")) {
        (Some(id), Some(secret)) => Ok(Some(Credentials::new(
            id,
            secret,
            get("AWS_SESSION_TOKEN").or_else(|| get("AWS_SECURITY_TOKEN")),
        ))),
        (None, None) => Ok(None),
        (Some(_), None) => Err(CredentialsError::new(
            "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not",
        )),
        (None, Some(_)) => Err(CredentialsError::new(
            "AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

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

    fn env_of(vars: &[(&str, &str)]) -> HashMap<String, String> {
        vars.iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn environment_variables() {
        let vars = env_of(&[
            ("AWS_ACCESS_KEY_ID", "AKID"),
            ("AWS_SECRET_ACCESS_KEY", "SECRET"),
            ("AWS_SESSION_TOKEN", "TOKEN"),
        ]);
        let env = |k: &str| vars.get(k).cloned();
        let c = from_env_vars(&env)
            .unwrap_or_else(|e| panic!("{e}"))
            .unwrap_or_else(|| panic!("no credentials"));
        assert_eq!(
            (c.access_key_id(), c.secret_access_key(), c.session_token()),
            ("AKID", "SECRET", Some("TOKEN"))
        );
        let none = |_: &str| None;
        assert_eq!(from_env_vars(&none), Ok(None));
        let half = |k: &str| (k == "AWS_ACCESS_KEY_ID").then(|| "AKID".to_owned());
        assert!(from_env_vars(&half).is_err());
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

    #[test]
    fn profiles_from_the_shared_files() {
        let dir = TempDir::new("profiles");
        dir.write(
            "credentials",
            "[default]\naws_access_key_id = AKID_DEFAULT\naws_secret_access_key = S1\n\
             [dev]\naws_access_key_id=AKID_DEV\naws_secret_access_key=S2\naws_session_token=T2\n\
             [broken]\naws_access_key_id = ONLY\n\
             [role]\nrole_arn = arn:aws:iam::123456789012:role/x\n",
        );
        dir.write(
            "config",
            "[default]\nregion = us-west-2\n[profile dev]\nregion = eu-west-1\n\
             [profile cfg]\naws_access_key_id = AKID_CFG\naws_secret_access_key = S3\n",
        );
        let vars = env_of(&[("HOME", &dir.0.display().to_string())]);
        // Files found through HOME (~/.aws/…) need the .aws folder; use the variables instead.
        let mut vars = vars;
        vars.insert(
            "AWS_SHARED_CREDENTIALS_FILE".into(),
            dir.0.join("credentials").display().to_string(),
        );
        vars.insert(
            "AWS_CONFIG_FILE".into(),
            dir.0.join("config").display().to_string(),
        );
        let env = |k: &str| vars.get(k).cloned();

        let p = load_profile(&env, None).unwrap_or_else(|e| panic!("{e}"));
        assert!(p.found);
        assert_eq!(p.name, "default");
        assert_eq!(p.region.as_deref(), Some("us-west-2"));
        assert_eq!(
            p.credentials.as_ref().map(Credentials::access_key_id),
            Some("AKID_DEFAULT")
        );

        let p = load_profile(&env, Some("dev")).unwrap_or_else(|e| panic!("{e}"));
        let c = p
            .credentials
            .unwrap_or_else(|| panic!("dev has credentials"));
        assert_eq!(
            (c.access_key_id(), c.session_token()),
            ("AKID_DEV", Some("T2"))
        );
        assert_eq!(p.region.as_deref(), Some("eu-west-1"));

        // Credentials in the config file are used when the credentials file has none.
        let p = load_profile(&env, Some("cfg")).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            p.credentials.as_ref().map(Credentials::access_key_id),
            Some("AKID_CFG")
        );

        let missing = load_profile(&env, Some("nope")).unwrap_or_else(|e| panic!("{e}"));
        assert!(!missing.found && missing.credentials.is_none());
        assert_eq!(missing.searched.len(), 2);

        let e = load_profile(&env, Some("broken")).expect_err("partial keys");
        assert!(e.to_string().contains("no aws_secret_access_key"), "{e}");
        let e = load_profile(&env, Some("role")).expect_err("role profiles");
        assert!(e.to_string().contains("role_arn"), "{e}");

        // AWS_PROFILE picks the profile when the caller does not.
        let mut with_profile = vars.clone();
        with_profile.insert("AWS_PROFILE".into(), "dev".into());
        let env = |k: &str| with_profile.get(k).cloned();
        let p = load_profile(&env, None).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(p.name, "dev");
    }

    #[test]
    fn default_paths_are_under_home() {
        let dir = TempDir::new("home");
        std::fs::create_dir_all(dir.0.join(".aws")).unwrap_or_else(|e| panic!("{e}"));
        dir.write(
            ".aws/credentials",
            "[default]\naws_access_key_id = AKID_HOME\naws_secret_access_key = S\n",
        );
        let vars = env_of(&[("HOME", &dir.0.display().to_string())]);
        let env = |k: &str| vars.get(k).cloned();
        let p = load_profile(&env, None).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            p.credentials.as_ref().map(Credentials::access_key_id),
            Some("AKID_HOME")
        );
        assert_eq!(p.searched[0], dir.0.join(".aws/credentials"));
        // A variable with `~/` is relative to the home directory too.
        let vars = env_of(&[
            ("HOME", &dir.0.display().to_string()),
            ("AWS_SHARED_CREDENTIALS_FILE", "~/.aws/credentials"),
        ]);
        let env = |k: &str| vars.get(k).cloned();
        let p = load_profile(&env, None).unwrap_or_else(|e| panic!("{e}"));
        assert!(p.credentials.is_some());
    }
}
