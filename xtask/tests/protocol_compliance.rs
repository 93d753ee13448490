//! Smithy's protocol compliance suites, each run against a client this generator makes from
//! it:
//!
//! * awsQuery: `aws.protocoltests.query#AwsQuery`, in
//!   `../shared/protocol-tests/awsquery-protocol-tests.json`;
//! * ec2Query: `aws.protocoltests.ec2#AwsEc2`, one of the services of
//!   `../shared/protocol-tests/smithy-aws-protocol-tests_model.json` (`--service`).
//!
//! Each suite's crate, with `tests/protocol_tests.rs` emitted from the model's
//! `smithy.test#httpRequestTests` and `smithy.test#httpResponseTests`, is generated into
//! `target/<suite>-suite` (a test artefact, not part of `generated/`) and tested there with
//! this workspace's `Cargo.lock` and one target directory the suites share, so later runs are
//! incremental. Every client case of the suite must pass: one that fails, is skipped or is
//! missing fails this test. The expected counts come from the model: the client cases on
//! shapes of the suite's namespace.

mod support;

use serde_json::Value;
use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::Path;
use std::process::Command;
use xtask::{codegen, workspace_root, CodegenArgs};

/// How many of the suite's cases apply to clients, per trait, on shapes whose id starts
/// with `namespace`.
fn client_cases(model: &Value, namespace: &str, trait_id: &str) -> usize {
    model["shapes"]
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(id, _)| id.starts_with(namespace))
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

/// One compliance suite: where it is and what to call it.
struct Suite {
    /// `awsquery`, `ec2query`: names the crate and its directory.
    name: &'static str,
    /// The protocol, for messages.
    protocol: &'static str,
    /// The model file, under `../shared/protocol-tests/`.
    file: &'static str,
    /// The service shape, when the file holds several.
    service: Option<&'static str>,
    /// The namespace prefix of the suite's shapes (`aws.protocoltests.ec2#`).
    namespace: &'static str,
}

#[test]
fn awsquery_protocol_compliance_suite() {
    run(&Suite {
        name: "awsquery",
        protocol: "awsQuery",
        file: "awsquery-protocol-tests.json",
        service: None,
        namespace: "aws.protocoltests.query#",
    });
}

#[test]
fn ec2query_protocol_compliance_suite() {
    run(&Suite {
        name: "ec2query",
        protocol: "ec2Query",
        file: "smithy-aws-protocol-tests_model.json",
        service: Some("aws.protocoltests.ec2#AwsEc2"),
        namespace: "aws.protocoltests.ec2#",
    });
}

fn run(suite_info: &Suite) {
    let root = workspace_root();
    let suite = root.join("../shared/protocol-tests").join(suite_info.file);
    let protocol = suite_info.protocol;
    let text = std::fs::read_to_string(&suite).unwrap_or_else(|e| {
        panic!(
            "the {protocol} protocol test suite must be at {}: {e}",
            suite.display()
        )
    });
    let model: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}"));
    let expected_requests =
        client_cases(&model, suite_info.namespace, "smithy.test#httpRequestTests");
    let expected_responses = client_cases(
        &model,
        suite_info.namespace,
        "smithy.test#httpResponseTests",
    );
    assert!(
        expected_requests > 0 && expected_responses > 0,
        "the {protocol} suite has no client test cases"
    );

    let out = root.join(format!("target/{}-suite", suite_info.name));
    codegen(
        &root,
        &CodegenArgs {
            models: vec![suite],
            out: Some(out.clone()),
            crate_name: Some(format!("{}_suite", suite_info.name)),
            service: suite_info.service.map(str::to_owned),
            protocol_tests: true,
            ..CodegenArgs::default()
        },
    )
    .unwrap_or_else(|e| panic!("generating the {protocol} suite's crate: {e}"));
    support::copy_lockfile(&root, &out);

    let output = Command::new(env!("CARGO"))
        .args(["test", "--test", "protocol_tests", "--no-fail-fast"])
        .current_dir(&out)
        .env(
            "CARGO_TARGET_DIR",
            root.join("target/protocol-suites-target"),
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
        "{protocol} compliance: requests {}/{expected_requests} passed, responses {}/{expected_responses} passed, skipped {skipped}",
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
