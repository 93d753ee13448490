//! Smithy's awsQuery protocol compliance suite (`aws.protocoltests.query#AwsQuery`, in
//! `../shared/protocol-tests/awsquery-protocol-tests.json`), run against a client this
//! generator makes from it.
//!
//! The suite's crate, with `tests/protocol_tests.rs` emitted from the model's
//! `smithy.test#httpRequestTests` and `smithy.test#httpResponseTests`, is generated into
//! `target/awsquery-suite` (a test artefact, not part of `generated/`) and tested there with
//! this workspace's `Cargo.lock` and its own target directory, so later runs are incremental.
//! Every client case of the suite must pass: one that fails, is skipped or is missing fails
//! this test.

mod support;

use serde_json::Value;
use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::Path;
use std::process::Command;
use xtask::{codegen, workspace_root, CodegenArgs};

/// How many of the suite's cases apply to clients, per trait.
fn client_cases(model: &Value, trait_id: &str) -> usize {
    model["shapes"]
        .as_object()
        .into_iter()
        .flatten()
        .filter_map(|(_, shape)| shape["traits"][trait_id].as_array())
        .flatten()
        .filter(|case| case["appliesTo"].as_str() != Some("server"))
        .count()
}

#[derive(Debug, Default)]
struct Tally {
    passed: usize,
    failed: Vec<String>,
    skipped: usize,
}

#[test]
fn awsquery_protocol_compliance_suite() {
    let root = workspace_root();
    let suite = root.join("../shared/protocol-tests/awsquery-protocol-tests.json");
    let text = std::fs::read_to_string(&suite).unwrap_or_else(|e| {
        panic!(
            "the awsQuery protocol test suite must be at {}: {e}",
            suite.display()
        )
    });
    let model: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}"));
    let expected_requests = client_cases(&model, "smithy.test#httpRequestTests");
    let expected_responses = client_cases(&model, "smithy.test#httpResponseTests");
    assert!(
        expected_requests > 0 && expected_responses > 0,
        "the suite has no client test cases"
    );

    let out = root.join("target/awsquery-suite");
    codegen(
        &root,
        &CodegenArgs {
            models: vec![suite],
            out: Some(out.clone()),
            crate_name: Some("awsquery_suite".to_owned()),
            protocol_tests: true,
            ..CodegenArgs::default()
        },
    )
    .unwrap_or_else(|e| panic!("generating the suite's crate: {e}"));
    support::copy_lockfile(&root, &out);

    let output = Command::new(env!("CARGO"))
        .args(["test", "--test", "protocol_tests", "--no-fail-fast"])
        .current_dir(&out)
        .env(
            "CARGO_TARGET_DIR",
            root.join("target/awsquery-suite-target"),
        )
        .env("CARGO_TERM_COLOR", "never")
        .output()
        .unwrap_or_else(|e| panic!("cannot run cargo: {e}"));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);

    let mut tallies: BTreeMap<&str, Tally> = BTreeMap::new();
    for line in stdout.lines() {
        let Some(rest) = line.strip_prefix("test ") else {
            continue;
        };
        let Some((name, result)) = rest.split_once(" ... ") else {
            continue;
        };
        let Some((kind, _)) = name.split_once("::") else {
            continue;
        };
        if kind != "requests" && kind != "responses" {
            continue;
        }
        let tally = tallies.entry(kind).or_default();
        match result.trim() {
            "ok" => tally.passed += 1,
            r if r.starts_with("ignored") => tally.skipped += 1,
            _ => tally.failed.push(name.to_owned()),
        }
    }
    let requests = tallies.remove("requests").unwrap_or_default();
    let responses = tallies.remove("responses").unwrap_or_default();
    let skipped = requests.skipped + responses.skipped;
    // Straight to stderr, past the test harness's capture, so every run shows it.
    let _ = writeln!(
        std::io::stderr(),
        "awsQuery compliance: requests {}/{expected_requests} passed, responses {}/{expected_responses} passed, skipped {skipped}",
        requests.passed, responses.passed
    );
    let failed: Vec<&String> = requests.failed.iter().chain(&responses.failed).collect();
    assert!(
        output.status.success() && failed.is_empty(),
        "failed: {failed:?}\n{stdout}\n{stderr}"
    );
    assert_eq!(skipped, 0, "skipped cases count as failures\n{stdout}");
    assert_eq!(
        (requests.passed, responses.passed),
        (expected_requests, expected_responses),
        "every client case of the suite must run and pass\n{stdout}"
    );
    check_generated_not_in_workspace(&out);
}

/// The suite's crate stays out of `generated/` and out of this workspace.
fn check_generated_not_in_workspace(out: &Path) {
    let manifest = std::fs::read_to_string(out.join("Cargo.toml")).unwrap_or_default();
    assert!(
        manifest.contains("\n[workspace]\n"),
        "the suite's crate must be a workspace of its own"
    );
}
