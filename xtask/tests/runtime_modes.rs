//! How generated crates get the runtime (`--runtime path|version|vendor`), and the
//! workspace of several models.
//!
//! The vendored crate is generated outside this workspace and must build, lint, test (its
//! example doctests) and document on its own: nothing of this repository is reachable
//! from it. The path form is built by `fixture_crates_build.rs` (crates in a temporary
//! directory that reach `runtime/` through a relative path) and `multi_service.rs`.

mod support;

use std::path::Path;
use support::{cargo, copy_lockfile, read};
use xtask::{codegen, parse_args, relative_path, workspace_root, CodegenArgs, RuntimeArg};

fn args(list: &[&str]) -> Result<CodegenArgs, xtask::TaskError> {
    parse_args(&list.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>())
}

#[test]
fn runtime_and_model_arguments() {
    assert_eq!(args(&[]).map(|a| a.runtime).ok(), Some(RuntimeArg::Path));
    assert_eq!(
        args(&["--runtime", "vendor"]).map(|a| a.runtime).ok(),
        Some(RuntimeArg::Vendor)
    );
    assert_eq!(
        args(&["--runtime", "version"]).map(|a| a.runtime).ok(),
        Some(RuntimeArg::Version("0.1.0".into()))
    );
    assert_eq!(
        args(&["--runtime", "version=0.1"]).map(|a| a.runtime).ok(),
        Some(RuntimeArg::Version("0.1".into()))
    );
    let e = args(&["--runtime", "copy"]).expect_err("unknown mode");
    assert!(e.0.contains("`copy`"), "{e}");
    let e = args(&["--model", "a.json", "--model", "b.json"]).expect_err("no --out");
    assert!(e.0.contains("--out"), "{e}");
    let e = args(&[
        "--model",
        "a.json",
        "--model",
        "b.json",
        "--out",
        "x",
        "--crate-name",
        "c",
    ])
    .expect_err("one name for two crates");
    assert!(e.0.contains("--crate-name"), "{e}");
}

#[test]
fn relative_paths() {
    let rel = |a: &str, b: &str| relative_path(Path::new(a), Path::new(b));
    assert_eq!(rel("/w/generated", "/w/runtime"), Path::new("../runtime"));
    assert_eq!(
        rel("/w/target/x/y", "/w/runtime"),
        Path::new("../../../runtime")
    );
    assert_eq!(rel("/w", "/w/runtime"), Path::new("runtime"));
    assert_eq!(rel("/w/runtime", "/w/runtime"), Path::new("."));
}

/// The manifest of the crate generated into `out` with these extra arguments.
fn manifest_of(out: &Path, extra: &[&str]) -> String {
    let mut list = vec!["--out", out.to_str().unwrap_or_default()];
    list.extend_from_slice(extra);
    let parsed = args(&list).unwrap_or_else(|e| panic!("{e}"));
    codegen(&workspace_root(), &parsed).unwrap_or_else(|e| panic!("{e}"));
    read(&out.join("Cargo.toml"))
}

#[test]
fn manifests_name_the_runtime_as_asked() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let root = workspace_root();

    // Inside the repository: a relative path, beside the version.
    let inside = root.join("target/runtime-modes/path");
    let toml = manifest_of(&inside, &[]);
    assert!(
        toml.contains(r#"smithy-query-runtime = { path = "../../../runtime", version = "0.1.0", default-features = false }"#),
        "{toml}"
    );
    assert!(!inside.join("src/rt").exists());

    let toml = manifest_of(&dir.path().join("version"), &["--runtime", "version=0.1"]);
    assert!(
        toml.contains(r#"smithy-query-runtime = { version = "0.1", default-features = false }"#),
        "{toml}"
    );

    let vendored = dir.path().join("vendor");
    let toml = manifest_of(&vendored, &["--runtime", "vendor"]);
    assert!(!toml.contains("smithy-query-runtime"), "{toml}");
    assert!(
        toml.contains("quick-xml = ") && toml.contains("\n[workspace]\n"),
        "{toml}"
    );
    assert!(vendored.join("src/rt/mod.rs").exists());
    let lib = read(&vendored.join("src/lib.rs"));
    assert!(lib.contains("pub mod rt;"), "{lib}");
    // Switching back to the shared runtime removes the copy.
    manifest_of(&vendored, &[]);
    assert!(!vendored.join("src/rt").exists());

    // Protocol tests need the shared runtime's test support.
    let e = args(&[
        "--out",
        dir.path().join("pt").to_str().unwrap_or_default(),
        "--runtime",
        "vendor",
        "--protocol-tests",
    ])
    .and_then(|a| codegen(&root, &a))
    .expect_err("vendored protocol tests");
    assert!(e.0.contains("test_support"), "{e}");
}

#[test]
fn workspace_of_several_models() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let root = workspace_root();
    let model = root.join("model/elasticache.json");
    let out = dir.path().join("ws");
    let parsed = args(&[
        "--model",
        model.to_str().unwrap_or_default(),
        "--model",
        root.join("codegen/tests/fixtures/ok/lists.json")
            .to_str()
            .unwrap_or_default(),
        "--out",
        out.to_str().unwrap_or_default(),
    ])
    .unwrap_or_else(|e| panic!("{e}"));
    let report = codegen(&root, &parsed).unwrap_or_else(|e| panic!("{e}"));
    assert!(report.updated.contains(&"Cargo.toml".to_owned()));
    assert!(report
        .updated
        .contains(&"elasticache/src/lib.rs".to_owned()));
    let toml = read(&out.join("Cargo.toml"));
    assert!(
        toml.starts_with("# @generated by `cargo xtask codegen` from "),
        "{toml}"
    );
    assert!(
        toml.contains("[workspace.dependencies]\nsmithy-query-runtime = { path = "),
        "{toml}"
    );
    // Regenerating is a no-op; --check agrees.
    let again = codegen(
        &root,
        &CodegenArgs {
            check: true,
            ..parsed.clone()
        },
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert!(again.is_fresh(), "{again:?}");

    // The same model twice makes two crates with one name.
    let twice = args(&[
        "--model",
        model.to_str().unwrap_or_default(),
        "--model",
        model.to_str().unwrap_or_default(),
        "--out",
        dir.path().join("twice").to_str().unwrap_or_default(),
    ])
    .unwrap_or_else(|e| panic!("{e}"));
    let e = codegen(&root, &twice).expect_err("duplicate crate");
    assert!(e.0.contains("both make a crate named `elasticache`"), "{e}");
    assert!(
        !dir.path().join("twice").exists(),
        "nothing is written on error"
    );
}

#[test]
fn vendored_crate_builds_on_its_own() {
    // Outside this workspace: nothing of the repository is reachable from there.
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let out = dir.path().join("elasticache");
    let toml = manifest_of(&out, &["--runtime", "vendor"]);
    assert!(!toml.contains("path ="), "{toml}");
    copy_lockfile(&workspace_root(), &out);
    let target = workspace_root().join("target/fixture-crates");
    let (_, clippy) = cargo(
        &out,
        &target,
        &[
            "clippy",
            "--all-targets",
            "--all-features",
            "--",
            "-D",
            "warnings",
        ],
        &[],
    );
    let (_, test) = cargo(&out, &target, &["test", "--all-features"], &[]);
    let (_, doc) = cargo(&out, &target, &["doc", "--no-deps", "--all-features"], &[]);
    println!(
        "vendored crate: clippy {:.1}s, tests {:.1}s, doc {:.1}s",
        clippy.as_secs_f64(),
        test.as_secs_f64(),
        doc.as_secs_f64()
    );
}

/// A sans-IO user of the generated crate with only its `sigv4` feature: the program builds a
/// request, signs it and parses a response, and its dependency tree holds none of the
/// client's stack.
#[test]
fn sans_io_consumer_signs_without_the_client_stack() {
    let root = workspace_root();
    let dir = root.join("target/runtime-modes/sans-io");
    support::write_if_changed(
        &dir.join("Cargo.toml"),
        r#"[package]
name = "sans-io-consumer"
version = "0.0.0"
edition = "2021"
publish = false

[workspace]

[dependencies]
elasticache = { path = "../../../generated", default-features = false, features = ["sigv4"] }
"#,
    );
    support::write_if_changed(
        &dir.join("src/main.rs"),
        r#"use elasticache::operation::copy_snapshot::{self, CopySnapshot, CopySnapshotMessage};
use elasticache::rt::credentials::Credentials;
use elasticache::rt::sigv4::{self, SigningParams};
use elasticache::rt::{Endpoint, RequestOptions};
use elasticache::Operation;
use std::time::{Duration, UNIX_EPOCH};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let input = CopySnapshotMessage::new("source", "target");
    let options = RequestOptions::new()
        .endpoint(Endpoint::parse("https://elasticache.eu-west-1.amazonaws.com")?);
    let mut request = CopySnapshot::build_request_with(&input, &options)?;
    let credentials = Credentials::new("AKIDEXAMPLE", "SECRET", None);
    let signature = sigv4::sign(
        &mut request,
        &SigningParams {
            credentials: &credentials,
            region: "eu-west-1",
            service: elasticache::SIGNING_NAME,
            time: UNIX_EPOCH + Duration::from_secs(1_440_938_160),
        },
    )?;
    println!("authorization: {}", signature.authorization);
    println!("x-amz-date: {:?}", request.headers().get("x-amz-date"));
    let body = b"<CopySnapshotResponse><CopySnapshotResult><Snapshot><SnapshotName>target</SnapshotName>\
        </Snapshot></CopySnapshotResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata>\
        </CopySnapshotResponse>";
    let output = copy_snapshot::parse_response(200, body)?;
    println!("snapshot: {:?}", output.snapshot.and_then(|s| s.snapshot_name));
    Ok(())
}
"#,
    );
    copy_lockfile(&root, &dir);
    let target = root.join("target/fixture-crates");

    let (run, _) = cargo(&dir, &target, &["run", "--quiet"], &[]);
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(
        stdout.contains(
            "authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/eu-west-1/\
             elasticache/aws4_request, SignedHeaders=content-length;content-type;host;x-amz-date, \
             Signature="
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains("x-amz-date: Some(\"20150830T123600Z\")"),
        "{stdout}"
    );
    assert!(stdout.contains("snapshot: Some(\"target\")"), "{stdout}");

    // Every package of the build, whatever the edge kind.
    let (tree, _) = cargo(
        &dir,
        &target,
        &["tree", "--prefix", "none", "--edges", "all", "--offline"],
        &[],
    );
    let tree = String::from_utf8_lossy(&tree.stdout);
    let packages: std::collections::BTreeSet<&str> = tree
        .lines()
        .filter_map(|line| line.split_whitespace().next())
        .collect();
    for expected in ["elasticache", "smithy-query-runtime", "hmac-sha256"] {
        assert!(
            packages.contains(expected),
            "{expected} missing: {packages:?}"
        );
    }
    // The crates themselves and their families (`hyper-util`, `tokio-rustls`, …).
    for unwanted in ["hyper", "rustls", "ring", "tokio"] {
        let family = |p: &&str| *p == unwanted || p.starts_with(&format!("{unwanted}-"));
        let found: Vec<&str> = packages.iter().copied().filter(family).collect();
        assert!(found.is_empty(), "{found:?} in the sans-IO build: {tree}");
    }
    println!("sans-IO consumer: {} packages", packages.len());
}
