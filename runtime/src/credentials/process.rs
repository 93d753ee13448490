//! `credential_process`: credentials printed by a program the profile names.

use super::json::Json;
use super::{from_json, Credentials, CredentialsError, ProvideCredentials, ProvideFuture};

/// Runs a command (through `sh -c`, or `cmd /C` on Windows) and reads credentials from its
/// standard output, a JSON object: `"Version": 1`, `AccessKeyId`, `SecretAccessKey`, and for
/// temporary credentials `SessionToken` and `Expiration` (RFC 3339). A command that fails
/// gives an error with its exit status and the start of its standard error; its standard
/// output, which may hold a secret, never appears in an error.
#[derive(Debug, Clone)]
pub struct ProcessProvider {
    command: String,
    /// Where the command came from, for errors (`profile [dev] credential_process`).
    origin: String,
}

impl ProcessProvider {
    /// A provider running `command`.
    pub fn new(command: impl Into<String>) -> Self {
        Self::with_origin(command, "credential_process")
    }

    pub(crate) fn with_origin(command: impl Into<String>, origin: impl Into<String>) -> Self {
        Self {
            command: command.into(),
            origin: origin.into(),
        }
    }

    fn run(command: &str) -> std::io::Result<std::process::Output> {
        #[cfg(windows)]
        let mut child = {
            let mut c = std::process::Command::new("cmd");
            c.arg("/C").arg(command);
            c
        };
        #[cfg(not(windows))]
        let mut child = {
            let mut c = std::process::Command::new("sh");
            c.arg("-c").arg(command);
            c
        };
        child.stdin(std::process::Stdio::null()).output()
    }

    async fn fetch(&self) -> Result<Credentials, CredentialsError> {
        let command = self.command.clone();
        let output = tokio::task::spawn_blocking(move || Self::run(&command))
            .await
            .map_err(|e| CredentialsError::failed(format!("{}: {e}", self.origin)))?
            .map_err(|e| {
                CredentialsError::failed(format!(
                    "{}: cannot run `{}`: {e}",
                    self.origin, self.command
                ))
            })?;
        if !output.status.success() {
            let stderr = String::from_utf8_lossy(&output.stderr);
            let stderr = stderr.trim();
            let excerpt: String = stderr.chars().take(300).collect();
            let more = if excerpt.len() < stderr.len() {
                "…"
            } else {
                ""
            };
            return Err(CredentialsError::failed(format!(
                "{}: `{}` failed ({}){}",
                self.origin,
                self.command,
                output.status,
                if excerpt.is_empty() {
                    String::new()
                } else {
                    format!(": {excerpt}{more}")
                }
            )));
        }
        let what = format!("the output of {} `{}`", self.origin, self.command);
        let value = Json::parse(&output.stdout).map_err(|e| {
            // The message gives the line and column, never the text.
            CredentialsError::failed(format!("{what} is not JSON: {e}"))
        })?;
        match value.get("Version").and_then(Json::as_i64) {
            Some(1) => {}
            _ => {
                return Err(CredentialsError::failed(format!(
                    "{what} needs \"Version\": 1"
                )))
            }
        }
        from_json(
            &value,
            [
                "AccessKeyId",
                "SecretAccessKey",
                "SessionToken",
                "Expiration",
            ],
            &what,
        )
    }
}

impl ProvideCredentials for ProcessProvider {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        Box::pin(self.fetch())
    }
}
