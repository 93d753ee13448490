//! Helpers shared by the tests that generate a crate and build it with cargo.

#![allow(dead_code)] // Each test binary uses its own part of this module.

use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

pub fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// Writes `contents` unless the file already holds exactly that.
pub fn write_if_changed(path: &Path, contents: &str) {
    if std::fs::read(path).is_ok_and(|old| old == contents.as_bytes()) {
        return;
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("{}: {e}", parent.display()));
    }
    std::fs::write(path, contents).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
}

/// Runs cargo in `dir` and returns its output and how long it took; fails
/// the test (with the end of its output) when cargo fails.
pub fn cargo(
    dir: &Path,
    target: &Path,
    args: &[&str],
    envs: &[(&str, &Path)],
) -> (Output, Duration) {
    let start = Instant::now();
    let mut command = Command::new(env!("CARGO"));
    command
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .env("RUSTDOCFLAGS", "-D warnings");
    for (key, value) in envs {
        command.env(key, value);
    }
    let out = command
        .output()
        .unwrap_or_else(|e| panic!("cannot run cargo: {e}"));
    let elapsed = start.elapsed();
    if !out.status.success() {
        let tail = |bytes: &[u8]| {
            let text = String::from_utf8_lossy(bytes).into_owned();
            let lines: Vec<&str> = text.lines().collect();
            lines[lines.len().saturating_sub(300)..].join("\n")
        };
        panic!(
            "`cargo {}` failed in {}:\n--- stdout (end)\n{}\n--- stderr (end)\n{}",
            args.join(" "),
            dir.display(),
            tail(&out.stdout),
            tail(&out.stderr)
        );
    }
    (out, elapsed)
}

/// Copies this workspace's `Cargo.lock` into `dir`, so a generated crate builds
/// with the same dependency versions (unchanged bytes are not rewritten, which
/// keeps later builds incremental).
pub fn copy_lockfile(workspace: &Path, dir: &Path) {
    write_if_changed(
        &dir.join("Cargo.lock"),
        &read(&workspace.join("Cargo.lock")),
    );
}
