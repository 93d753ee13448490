//! `credential_process`, run for real: a script prints the JSON document, or fails.

#![cfg(all(feature = "client", unix))]

use smithy_query_runtime::credentials::{
    CredentialsErrorKind, DefaultChain, Env, ProcessProvider, ProfileProvider, ProvideCredentials,
};
use std::path::PathBuf;
use std::time::{Duration, SystemTime};

struct Dir(PathBuf);

impl Dir {
    fn new(tag: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("rt-process-{tag}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        Self(dir)
    }

    fn write(&self, name: &str, text: &str) -> String {
        let path = self.0.join(name);
        std::fs::write(&path, text).expect("write");
        path.display().to_string()
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[tokio::test]
async fn a_script_prints_the_credentials() {
    let dir = Dir::new("ok");
    let script = dir.write(
        "creds.sh",
        "#!/bin/sh\n# The arguments arrive as the profile wrote them.\n\
         printf '{\"Version\": 1, \"AccessKeyId\": \"ASIAPROC\", \"SecretAccessKey\": \"proc-secret\", \
         \"SessionToken\": \"proc-token-%s\", \"Expiration\": \"2030-01-02T03:04:05Z\"}' \"$1\"\n",
    );
    let c = ProcessProvider::new(format!("sh {script} arg-1"))
        .provide_credentials()
        .await
        .expect("credentials");
    assert_eq!(c.access_key_id(), "ASIAPROC");
    assert_eq!(c.secret_access_key(), "proc-secret");
    assert_eq!(c.session_token(), Some("proc-token-arg-1"));
    assert_eq!(
        c.expiry(),
        Some(SystemTime::UNIX_EPOCH + Duration::from_secs(1_893_553_445))
    );

    // Through a profile of the default chain.
    let config = dir.write(
        "config",
        &format!("[profile tool]\ncredential_process = sh {script} from-profile\n"),
    );
    let env = Env::from_pairs([
        ("AWS_CONFIG_FILE", config.as_str()),
        ("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials"),
        ("AWS_PROFILE", "tool"),
    ]);
    let c = DefaultChain::builder()
        .env(env)
        .build()
        .provide_credentials()
        .await
        .expect("chain");
    assert_eq!(c.session_token(), Some("proc-token-from-profile"));
}

#[tokio::test]
async fn failures_are_clear_and_keep_secrets_out() {
    let dir = Dir::new("bad");
    let failing = dir.write(
        "fail.sh",
        "#!/bin/sh\necho '{\"SecretAccessKey\": \"leaked-secret\"}'\necho 'token expired, run login' >&2\nexit 3\n",
    );
    let e = ProcessProvider::new(format!("sh {failing}"))
        .provide_credentials()
        .await
        .expect_err("exit 3");
    let text = e.to_string();
    assert_eq!(e.kind(), CredentialsErrorKind::Failed);
    assert!(
        text.contains("exit status: 3") && text.ends_with(": token expired, run login"),
        "{text}"
    );
    assert!(!text.contains("leaked-secret"), "{text}");

    for (name, output, expected) in [
        (
            "v2.sh",
            r#"{"Version": 2, "AccessKeyId": "A", "SecretAccessKey": "S"}"#,
            "needs \"Version\": 1",
        ),
        (
            "nosecret.sh",
            r#"{"Version": 1, "AccessKeyId": "A"}"#,
            "has no `SecretAccessKey`",
        ),
        ("garbage.sh", "secret-garbage", "is not JSON"),
        (
            "badtime.sh",
            r#"{"Version": 1, "AccessKeyId": "A", "SecretAccessKey": "S", "Expiration": "tomorrow"}"#,
            "`Expiration` is not an RFC 3339 time",
        ),
    ] {
        let script = dir.write(name, &format!("#!/bin/sh\nprintf '%s' '{output}'\n"));
        let e = ProcessProvider::new(format!("sh {script}"))
            .provide_credentials()
            .await
            .expect_err(name);
        assert!(e.to_string().contains(expected), "{name}: {e}");
        assert!(!e.to_string().contains("secret-garbage"), "{e}");
    }

    // From a profile, the error names it.
    let config = dir.write(
        "config",
        &format!("[default]\ncredential_process = sh {failing}\n"),
    );
    let env = Env::from_pairs([
        ("AWS_CONFIG_FILE", config.as_str()),
        ("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials"),
    ]);
    let e = ProfileProvider::new(env, None, None)
        .provide_credentials()
        .await
        .expect_err("profile");
    assert!(
        e.to_string()
            .starts_with("profile `default` credential_process: `sh "),
        "{e}"
    );
}
