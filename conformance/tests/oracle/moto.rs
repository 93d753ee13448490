//! A moto server for end-to-end tests: started on a free loopback port with the oracle's
//! `moto_server.sh`, stopped again by `Drop` (also when an assertion fails). moto records
//! every request it receives (`MOTO_ENABLE_RECORDING`), which is how a test counts what a
//! client sent, independently of the client.
//!
//! The including test declares the oracle locator as `mod oracle;` beside this module.

#![allow(dead_code)] // Each test binary uses its own part of this module.

use base64::Engine as _;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::{Command, Stdio};

/// A running moto server; stopped on drop.
pub struct Moto {
    pid: String,
    port: u16,
    script: PathBuf,
    recording: PathBuf,
    log: PathBuf,
}

impl Moto {
    pub fn start() -> Self {
        let python = super::oracle::python();
        let venv = std::env::var_os("ORACLE_VENV")
            .map_or_else(|| super::oracle::venv_of(&python), PathBuf::from);
        let script = super::oracle::dir().join("moto_server.sh");
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .unwrap_or_else(|e| panic!("no free port: {e}"));
        let tmp = std::env::temp_dir();
        let recording = tmp.join(format!("e2e-moto-{port}-{}.jsonl", std::process::id()));
        let log = tmp.join(format!("e2e-moto-{port}-{}.log", std::process::id()));
        let _ = std::fs::remove_file(&recording);
        let output = Command::new("bash")
            .arg(&script)
            .args(["start", &port.to_string()])
            .arg(&log)
            .env("ORACLE_VENV", &venv)
            .env("MOTO_ENABLE_RECORDING", "1")
            .env("MOTO_RECORDER_FILEPATH", &recording)
            .stdin(Stdio::null())
            .output()
            .unwrap_or_else(|e| panic!("cannot run {}: {e}", script.display()));
        assert!(
            output.status.success(),
            "moto did not start ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
        let pid = String::from_utf8_lossy(&output.stdout).trim().to_owned();
        assert!(
            !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()),
            "moto_server.sh printed {pid:?}, not a PID"
        );
        println!("moto {pid} on port {port}, log {}", log.display());
        Self {
            pid,
            port,
            script,
            recording,
            log,
        }
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The requests moto received so far, in order (its readiness probes left out).
    pub fn requests(&self) -> Vec<Recorded> {
        let text = std::fs::read_to_string(&self.recording).unwrap_or_default();
        let mut out = Vec::new();
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let entry: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
            // moto_server.sh's readiness probe (GET /moto-api/) is recorded too.
            if entry["url"]
                .as_str()
                .unwrap_or_default()
                .contains("/moto-api/")
            {
                continue;
            }
            let body = entry["body"].as_str().unwrap_or_default();
            let body = if entry["body_encoded"].as_bool() == Some(true) {
                base64::engine::general_purpose::STANDARD
                    .decode(body)
                    .map(|b| String::from_utf8_lossy(&b).into_owned())
                    .unwrap_or_else(|e| panic!("{e}"))
            } else {
                body.to_owned()
            };
            let action = body
                .split('&')
                .find_map(|pair| pair.strip_prefix("Action="))
                .unwrap_or("(none)")
                .to_owned();
            out.push(Recorded {
                action,
                body,
                headers: entry["headers"].clone(),
            });
        }
        out
    }

    /// How many requests moto received so far, by `Action`.
    pub fn actions(&self) -> BTreeMap<String, usize> {
        let mut counts = BTreeMap::new();
        for r in self.requests() {
            *counts.entry(r.action).or_insert(0) += 1;
        }
        counts
    }

    pub fn count(&self, action: &str) -> usize {
        self.actions().get(action).copied().unwrap_or(0)
    }
}

/// One request as moto recorded it.
#[derive(Debug, Clone)]
pub struct Recorded {
    /// The form body's `Action`, or `(none)`.
    pub action: String,
    /// The form body.
    pub body: String,
    /// The request headers, as moto wrote them.
    pub headers: Value,
}

impl Recorded {
    /// The value of header `name` (any case), if moto recorded it as a string.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .as_object()?
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .and_then(|(_, v)| v.as_str())
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let stopped = Command::new("bash")
            .arg(&self.script)
            .args(["stop", &self.pid])
            .stdin(Stdio::null())
            .status();
        if !matches!(stopped, Ok(s) if s.success()) {
            eprintln!("could not stop moto {}: {stopped:?}", self.pid);
        }
        if std::thread::panicking() {
            eprintln!("moto's log: {}", self.log.display());
        } else {
            let _ = std::fs::remove_file(&self.log);
        }
        let _ = std::fs::remove_file(&self.recording);
    }
}
