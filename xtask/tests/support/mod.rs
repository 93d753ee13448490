//! Helpers shared by the tests that generate a crate and build it with cargo.

#![allow(dead_code)] // Each test binary uses its own part of this module.

use std::path::{Path, PathBuf};
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

/// `cargo ARGS` in `dir`, with `target` as its target directory and rustdoc warnings denied:
/// what every cargo run of these tests starts from.
pub fn cargo_command(dir: &Path, target: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO"));
    command
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .env("RUSTDOCFLAGS", "-D warnings");
    command
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
    let mut command = cargo_command(dir, target, args);
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

/// Writes the program crate `name` into `app`, a workspace of its own: `main_rs`, and a
/// manifest with `dependencies` (TOML lines, paths relative to `app`) beside this
/// repository's runtime with its client and tokio. Builds it into `target` with warnings
/// denied, and returns the executable and the build time.
pub fn build_program(
    root: &Path,
    app: &Path,
    name: &str,
    dependencies: &str,
    main_rs: &str,
    target: &Path,
) -> (PathBuf, Duration) {
    let runtime = codegen::emit::crate_files::toml_string(&root.join("runtime").to_string_lossy());
    write_if_changed(
        &app.join("Cargo.toml"),
        &format!(
            "[package]\nname = \"{name}\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
             [workspace]\n\n[dependencies]\n{dependencies}\
             smithy-query-runtime = {{ path = {runtime}, features = [\"client\"] }}\n\
             tokio = {{ version = \"1\", features = [\"macros\", \"rt\"] }}\n"
        ),
    );
    write_if_changed(&app.join("src/main.rs"), main_rs);
    copy_lockfile(root, app);
    let (_, build_time) = cargo(
        app,
        target,
        &[
            "build",
            "--quiet",
            "--config",
            "build.rustflags=[\"-D\", \"warnings\"]",
        ],
        &[],
    );
    (target.join("debug").join(name), build_time)
}

/// Runs `exe ENDPOINT` with no `AWS_ENDPOINT_URL*` override from the environment, fails the
/// test (with the program's output) unless it succeeds, and returns its stdout.
pub fn run_program(exe: &Path, endpoint: &str) -> String {
    let mut command = Command::new(exe);
    command.arg(endpoint);
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("AWS_ENDPOINT_URL") {
            command.env_remove(key);
        }
    }
    let out = command
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", exe.display()));
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "the program failed ({}):\n{stdout}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}
