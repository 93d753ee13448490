//! The crate generated from `codegen/tests/fixtures/ok/unions.json` against botocore, whose
//! loader reads extra service models from `AWS_DATA_PATH`.
//!
//! 1. The fixture's Smithy JSON is converted here into a botocore `service-2.json` (a union
//!    is a structure with `"union": true`, `smithy.api#Unit` an empty structure, `xmlName`
//!    a `locationName`) under `target/unions-botocore/data/unions/2024-01-01/`.
//! 2. The oracle (`../shared/oracle/query_oracle.py batch`) answers, for each seed: a random
//!    input (`--portable`) and the body botocore sends for it; a random response and
//!    botocore's parse of it. It also parses bodies written here: a union member botocore's
//!    model does not have, and union elements with no member or two.
//! 3. The crate is generated into `target/unions-botocore/unions/` with the test in
//!    `unions_botocore/crate_test.rs` and the answers as `tests/cases.json`; `cargo test
//!    --features serde` there reads each input with serde, serializes it (the form pairs must
//!    equal botocore's), parses each body (the serde JSON of the output, without its `null`s,
//!    must equal botocore's parse, and a body botocore rejects must be rejected).
//!
//! `UNIONS_BOTOCORE_SEEDS` sets the number of seeds (default 200); `ORACLE_PY` the oracle's
//! Python (otherwise its `setup.sh` makes a venv).

mod support;

#[path = "../../conformance/tests/oracle/mod.rs"]
mod oracle;

use serde_json::{json, Map, Value};
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use support::{cargo, read, write_if_changed};
use xtask::{codegen, workspace_root, CodegenArgs};

/// The name botocore knows the fixture service by.
const SERVICE: &str = "unions";

fn short(id: &str) -> &str {
    id.rsplit('#').next().unwrap_or(id)
}

/// A member's botocore form, adding the prelude shapes it targets to `shapes`.
fn botocore_member(member: &Value, shapes: &mut Map<String, Value>) -> Value {
    let target = member["target"].as_str().unwrap_or_default();
    let name = match target {
        "smithy.api#Unit" => {
            shapes.insert("Unit".into(), json!({"type": "structure", "members": {}}));
            "Unit".to_owned()
        }
        t if t.starts_with("smithy.api#") => {
            let name = short(t);
            shapes.insert(name.into(), json!({"type": name.to_lowercase()}));
            name.to_owned()
        }
        t => short(t).to_owned(),
    };
    let mut out = json!({"shape": name});
    if let Some(xml_name) = member["traits"]["smithy.api#xmlName"].as_str() {
        out["locationName"] = json!(xml_name);
    }
    out
}

/// botocore's `service-2.json` for the fixture's Smithy JSON AST (the shapes it uses:
/// service, operations, structures, unions, lists and simple shapes).
fn botocore_model(smithy: &Value) -> Value {
    let mut shapes = Map::new();
    let mut operations = Map::new();
    let mut metadata = Value::Null;
    let all = smithy["shapes"].as_object().expect("shapes");
    for (id, shape) in all {
        let name = short(id);
        let traits = &shape["traits"];
        match shape["type"].as_str().unwrap_or_default() {
            "service" => {
                let version = shape["version"].as_str().expect("version");
                metadata = json!({
                    "apiVersion": version,
                    "endpointPrefix": SERVICE,
                    "protocol": "query",
                    "protocols": ["query"],
                    "serviceId": traits["aws.api#service"]["sdkId"],
                    "signatureVersion": "v4",
                    "signingName": traits["aws.auth#sigv4"]["name"],
                    "uid": format!("{SERVICE}-{version}"),
                    "xmlNamespace": traits["smithy.api#xmlNamespace"]["uri"],
                });
            }
            "operation" => {
                let io = |key: &str| short(shape[key]["target"].as_str().expect("io")).to_owned();
                operations.insert(
                    name.into(),
                    json!({
                        "name": name,
                        "http": {"method": "POST", "requestUri": "/"},
                        "input": {"shape": io("input")},
                        "output": {"shape": io("output"), "resultWrapper": format!("{name}Result")},
                    }),
                );
            }
            kind @ ("structure" | "union") => {
                let mut members = Map::new();
                let mut required = Vec::new();
                for (m, member) in shape["members"].as_object().expect("members") {
                    members.insert(m.clone(), botocore_member(member, &mut shapes));
                    if member["traits"].get("smithy.api#required").is_some() {
                        required.push(json!(m));
                    }
                }
                let mut out = json!({"type": "structure", "members": members});
                if kind == "union" {
                    out["union"] = json!(true);
                }
                if !required.is_empty() {
                    out["required"] = Value::Array(required);
                }
                shapes.insert(name.into(), out);
            }
            "list" => {
                let member = botocore_member(&shape["member"], &mut shapes);
                shapes.insert(name.into(), json!({"type": "list", "member": member}));
            }
            simple => {
                let mut out = json!({"type": simple});
                if traits.get("smithy.api#sensitive").is_some() {
                    out["sensitive"] = json!(true);
                }
                shapes.insert(name.into(), out);
            }
        }
    }
    json!({"version": "2.0", "metadata": metadata, "operations": operations, "shapes": shapes})
}

/// Bodies written here, for what random responses never hold: a member botocore's model
/// does not know (its parse names it), and union elements botocore rejects.
fn hand_written_bodies() -> Vec<String> {
    let wrap = |result: &str| {
        format!(
            "<PutResponse xmlns=\"https://example.com/unions/2024-01-01/\"><PutResult>{result}\
             </PutResult></PutResponse>"
        )
    };
    [
        "<Value><Later><Deep>1</Deep></Later></Value>",
        "<Values><member><Number>1</Number></member><member><Later/></member></Values>",
        "<Shape><Square>4</Square></Shape><Value><Nested><Later>x</Later></Nested></Value>",
        "<Value><Nothing/></Value>",
        "<Value><Nothing><Ignored>1</Ignored></Nothing></Value>",
        "<Value></Value>",
        "<Value/>",
        "<Value><Text>a</Text><Number>1</Number></Value>",
        "<Value><Later/><Text>b</Text></Value>",
        "<Values><member/></Values>",
    ]
    .iter()
    .map(|r| wrap(r))
    .collect()
}

/// Runs the oracle's `batch` over `requests` and returns its answers, in order.
fn batch(python: &Path, oracle_dir: &Path, data: &Path, requests: &[Value]) -> Vec<Value> {
    let mut child = Command::new(python)
        .arg(oracle_dir.join("query_oracle.py"))
        .arg("batch")
        .env("AWS_DATA_PATH", data)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", python.display()));
    let mut input = String::new();
    for r in requests {
        input.push_str(&r.to_string());
        input.push('\n');
    }
    let mut stdin = child.stdin.take().expect("stdin");
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child.wait_with_output().expect("oracle output");
    writer.join().expect("writer").expect("write to the oracle");
    assert!(
        out.status.success(),
        "the oracle failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let answers: Vec<Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    assert_eq!(answers.len(), requests.len(), "one answer per request");
    for (i, a) in answers.iter().enumerate() {
        assert_eq!(a["id"], json!(i), "answers in order");
    }
    answers
}

#[test]
fn unions_fixture_agrees_with_botocore() {
    let root = workspace_root();
    let seeds: u64 = std::env::var("UNIONS_BOTOCORE_SEEDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(200);
    let fixture = root.join("codegen/tests/fixtures/ok/unions.json");
    let smithy: Value = serde_json::from_str(&read(&fixture)).expect("fixture JSON");
    let base = root.join("target/unions-botocore");
    let data = base.join("data");
    let version = smithy["shapes"]["example.unions#UnionService"]["version"]
        .as_str()
        .expect("service version");
    let model = botocore_model(&smithy);
    write_if_changed(
        &data.join(SERVICE).join(version).join("service-2.json"),
        &serde_json::to_string_pretty(&model).expect("model JSON"),
    );

    // 1. The oracle's answers.
    let oracle_dir = root.join("../shared/oracle");
    let python = oracle::python_in(&oracle_dir);
    let op = |cmd: &str| json!({"cmd": cmd, "service": SERVICE, "operation": "Put"});
    let mut requests = Vec::new();
    for seed in 0..seeds {
        let mut r = op("random-input");
        r["seed"] = json!(seed);
        r["portable"] = json!(true);
        requests.push(r);
        let mut r = op("random-output");
        r["seed"] = json!(seed);
        r["portable"] = json!(true);
        requests.push(r);
    }
    let bodies = hand_written_bodies();
    for body in &bodies {
        let mut r = op("parse");
        r["body"] = json!(body);
        requests.push(r);
    }
    for (i, r) in requests.iter_mut().enumerate() {
        r["id"] = json!(i);
    }
    let answers = batch(&python, &oracle_dir, &data, &requests);
    let inputs: Vec<&Value> = answers
        .iter()
        .step_by(2)
        .take(seeds as usize)
        .map(|a| &a["result"])
        .collect();
    // The bodies botocore sends for those inputs.
    let mut serialize: Vec<Value> = inputs
        .iter()
        .map(|params| {
            let mut r = op("serialize");
            r["params"] = (*params).clone();
            r
        })
        .collect();
    for (i, r) in serialize.iter_mut().enumerate() {
        r["id"] = json!(i);
    }
    let sent = batch(&python, &oracle_dir, &data, &serialize);
    let mut cases = Vec::new();
    for (i, params) in inputs.iter().enumerate() {
        let body = sent[i]["result"]
            .as_str()
            .or_else(|| sent[i]["result"]["body"].as_str())
            .unwrap_or_else(|| panic!("seed {i}: botocore did not serialize: {}", sent[i]));
        cases.push(json!({"kind": "input", "seed": i, "params": params, "body": body}));
    }
    for (i, a) in answers
        .iter()
        .skip(1)
        .step_by(2)
        .take(seeds as usize)
        .enumerate()
    {
        let r = &a["result"];
        assert!(a["ok"] == json!(true), "seed {i}: {a}");
        cases.push(
            json!({"kind": "output", "seed": i, "body": r["body"], "expected": r["expected"]}),
        );
    }
    let mut rejected = 0;
    for (body, a) in bodies.iter().zip(&answers[2 * seeds as usize..]) {
        let expected = if a["ok"] == json!(true) {
            a["result"].clone()
        } else {
            rejected += 1;
            Value::Null
        };
        cases.push(json!({"kind": "parse", "body": body, "expected": expected}));
    }
    // The hand-written bodies botocore rejects: no member, two members.
    assert_eq!(rejected, 5, "botocore rejects the five bad union elements");

    // 2. The crate, its test and the answers.
    let out = base.join("unions");
    codegen(
        &root,
        &CodegenArgs {
            models: vec![fixture.clone()],
            out: Some(out.clone()),
            crate_name: Some("fixture_unions".into()),
            // For its dev-dependency on the runtime's `test-support` (`form_pairs`).
            protocol_tests: true,
            ..CodegenArgs::default()
        },
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let manifest = out.join("Cargo.toml");
    let text = read(&manifest).replace(
        "\n[dev-dependencies]\n",
        "\n[dev-dependencies]\nserde_json = \"1\"\n",
    );
    write_if_changed(&manifest, &text);
    write_if_changed(
        &out.join("tests/botocore.rs"),
        &read(&root.join("xtask/tests/unions_botocore/crate_test.rs")),
    );
    write_if_changed(
        &out.join("tests/cases.json"),
        &serde_json::to_string(&cases).expect("cases JSON"),
    );
    support::copy_lockfile(&root, &out);
    let (output, _) = cargo(
        &out,
        &base.join("target"),
        &[
            "test",
            "--no-default-features",
            "--features",
            "serde",
            "--test",
            "botocore",
            "--",
            "--nocapture",
        ],
        &[],
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    println!("{stdout}");
    assert!(
        stdout.contains("test result: ok. 1 passed"),
        "the crate's test did not run"
    );
}
