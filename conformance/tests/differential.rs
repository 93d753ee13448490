//! Differential test of the generated `elasticache` crate against botocore.
//!
//! The oracle (`../shared/oracle`, see its README) wraps botocore's own query
//! serializer and parser. For every operation under test and every seed it
//! generates
//!
//! * a random input, which both sides serialize (compared as decoded form
//!   pairs, in order);
//! * a random success response, which our parser must turn into exactly the
//!   output botocore parsed (compared as canonical JSON);
//! * a random modelled error response and a random unmodelled one, whose code,
//!   message, request id and error variant must match botocore's reading.
//!
//! Members that botocore's (newer) model has and the Smithy model in
//! `model/elasticache.json` does not are listed in [`MODEL_DRIFT`]; they are
//! removed from botocore's expected output, and the summary says how often.
//!
//! `DIFF_SEEDS` sets the number of seeds (default 500). `ORACLE_PY` selects
//! the Python interpreter; otherwise the oracle's `setup.sh` provides a venv.
//! A missing or broken oracle fails the test.

use std::fmt::Debug;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::Instant;

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};

const SERVICE: &str = "elasticache";
const DEFAULT_SEEDS: u64 = 500;
/// Failing cases printed per (operation, kind).
const SHOWN_FAILURES: usize = 5;
/// Differing paths printed per failing output case.
const SHOWN_DIFFERENCES: usize = 10;

/// An output member botocore 1.44.5 parses but the Smithy model the crate is
/// generated from does not have, so the crate skips it as an unknown element.
struct ModelDrift {
    operation: &'static str,
    /// Where the member sits in the operation's output JSON.
    path: &'static [&'static str],
    /// The Smithy structure and member that would carry it.
    shape: &'static str,
    member: &'static str,
}

/// See `shared/oracle/smithy-diff-elasticache.txt` ("CopySnapshot
/// output.Snapshot.Durability: botocore=\"Durability\" smithy=null").
/// An entry stops applying as soon as the model gains the member.
const MODEL_DRIFT: &[ModelDrift] = &[ModelDrift {
    operation: "CopySnapshot",
    path: &["Snapshot", "Durability"],
    shape: "com.amazonaws.elasticache#Snapshot",
    member: "Durability",
}];

// ---------------------------------------------------------------------------
// The operations under test
// ---------------------------------------------------------------------------

/// What the test needs from a generated operation module.
trait Subject {
    /// botocore's operation name.
    const NAME: &'static str;
    type Input: DeserializeOwned;
    type Output: Serialize + Debug;
    type Error: ErrorView;
    fn serialize_request(input: &Self::Input) -> String;
    fn parse_response(status: u16, body: &[u8]) -> Result<Self::Output, Self::Error>;
}

/// The accessors every generated error enum has.
trait ErrorView: Debug {
    fn code(&self) -> Option<&str>;
    fn message(&self) -> Option<&str>;
    fn request_id(&self) -> Option<&str>;

    /// The enum variant, read from the `Debug` output (`Variant(..)`).
    fn variant(&self) -> String {
        let debug = format!("{self:?}");
        match debug.split_once('(') {
            Some((variant, _)) => variant.to_owned(),
            None => debug,
        }
    }
}

macro_rules! subject {
    ($marker:ident, $name:literal, $module:ident, $input:ident, $output:ident, $error:ident) => {
        struct $marker;

        impl Subject for $marker {
            const NAME: &'static str = $name;
            type Input = elasticache::operation::$module::$input;
            type Output = elasticache::operation::$module::$output;
            type Error = elasticache::operation::$module::$error;

            fn serialize_request(input: &Self::Input) -> String {
                elasticache::operation::$module::serialize_request(input)
            }

            fn parse_response(status: u16, body: &[u8]) -> Result<Self::Output, Self::Error> {
                elasticache::operation::$module::parse_response(status, body)
            }
        }

        impl ErrorView for elasticache::operation::$module::$error {
            fn code(&self) -> Option<&str> {
                self.code()
            }
            fn message(&self) -> Option<&str> {
                self.message()
            }
            fn request_id(&self) -> Option<&str> {
                self.request_id()
            }
        }
    };
}

subject!(
    CopySnapshot,
    "CopySnapshot",
    copy_snapshot,
    CopySnapshotMessage,
    CopySnapshotResult,
    CopySnapshotError
);
subject!(
    CopyServerlessCacheSnapshot,
    "CopyServerlessCacheSnapshot",
    copy_serverless_cache_snapshot,
    CopyServerlessCacheSnapshotRequest,
    CopyServerlessCacheSnapshotResponse,
    CopyServerlessCacheSnapshotError
);

// ---------------------------------------------------------------------------
// The test
// ---------------------------------------------------------------------------

#[test]
fn differential_against_botocore() {
    let started = Instant::now();
    let seeds = seed_count();
    let mut oracle = Oracle::start();

    let mut tallies = check_operation::<CopySnapshot>(&mut oracle, seeds);
    tallies.extend(check_operation::<CopyServerlessCacheSnapshot>(
        &mut oracle,
        seeds,
    ));
    drop(oracle);

    for tally in &tallies {
        eprintln!("{}", tally.summary());
    }
    eprintln!(
        "differential: {seeds} seeds per kind, {:.1}s",
        started.elapsed().as_secs_f64()
    );

    let failed: Vec<&Tally> = tallies.iter().filter(|t| !t.failures.is_empty()).collect();
    for tally in &failed {
        eprintln!("\n=== {} ===", tally.summary());
        for failure in tally.failures.iter().take(SHOWN_FAILURES) {
            eprintln!("{failure}\n");
        }
    }
    assert!(
        failed.is_empty(),
        "the generated crate disagrees with botocore in {} of {} (operation, kind) groups; see above",
        failed.len(),
        tallies.len()
    );
}

fn seed_count() -> u64 {
    match std::env::var("DIFF_SEEDS") {
        Ok(text) => text
            .trim()
            .parse()
            .unwrap_or_else(|e| panic!("DIFF_SEEDS={text:?} is not a seed count: {e}")),
        Err(_) => DEFAULT_SEEDS,
    }
}

fn check_operation<S: Subject>(oracle: &mut Oracle, seeds: u64) -> Vec<Tally> {
    vec![
        check_inputs::<S>(oracle, seeds),
        check_outputs::<S>(oracle, seeds),
        check_errors::<S>(oracle, seeds, false),
        check_errors::<S>(oracle, seeds, true),
    ]
}

/// One oracle request per seed: `{"cmd": cmd, "service", "operation", "seed", ..extra}`.
fn generate<S: Subject>(oracle: &mut Oracle, cmd: &str, seeds: u64, extra: &Value) -> Vec<Value> {
    let requests: Vec<Value> = (0..seeds)
        .map(|seed| {
            let mut request = json!({
                "cmd": cmd,
                "service": SERVICE,
                "operation": S::NAME,
                "seed": seed,
            });
            if let (Some(request), Some(extra)) = (request.as_object_mut(), extra.as_object()) {
                request.extend(extra.clone());
            }
            request
        })
        .collect();
    oracle.call_all(&requests)
}

/// Our request body against botocore's for the same random params.
fn check_inputs<S: Subject>(oracle: &mut Oracle, seeds: u64) -> Tally {
    let mut tally = Tally::new(S::NAME, "input");
    let params = generate::<S>(oracle, "random-input", seeds, &json!({}));
    let serialize_requests: Vec<Value> = params
        .iter()
        .map(|params| {
            json!({
                "cmd": "serialize",
                "service": SERVICE,
                "operation": S::NAME,
                "params": params,
                "model_order": true,
            })
        })
        .collect();
    let serialized = oracle.call_all(&serialize_requests);

    for (seed, (params, answer)) in params.iter().zip(&serialized).enumerate() {
        tally.cases += 1;
        let theirs = answer["body"]
            .as_str()
            .unwrap_or_else(|| panic!("oracle serialize answer without a body: {answer}"));
        let input: S::Input = match serde_json::from_value(params.clone()) {
            Ok(input) => input,
            Err(e) => {
                tally.fail(
                    seed,
                    format!("the oracle's params do not deserialize: {e}\n  params:   {params}"),
                );
                continue;
            }
        };
        let ours = S::serialize_request(&input);
        if ours == theirs {
            tally.identical += 1;
            continue;
        }
        // The bodies differ as text; they may still carry the same pairs
        // (percent-encoding style). These operations have no timestamp
        // inputs, so values are compared as plain decoded strings.
        let difference = match (decode_form(&ours), decode_form(theirs)) {
            (Ok(ours), Ok(theirs)) => first_pair_difference(&ours, &theirs),
            (Err(e), _) => Some(format!("our body is not a valid form: {e}")),
            (_, Err(e)) => Some(format!("botocore's body is not a valid form: {e}")),
        };
        if let Some(difference) = difference {
            tally.fail(
                seed,
                format!(
                    "{difference}\n  params:   {params}\n  ours:     {ours}\n  botocore: {theirs}"
                ),
            );
        }
    }
    tally
}

/// Our parse of a random success response against botocore's.
fn check_outputs<S: Subject>(oracle: &mut Oracle, seeds: u64) -> Tally {
    let mut tally = Tally::new(S::NAME, "output");
    let answers = generate::<S>(oracle, "random-output", seeds, &json!({}));
    let drift = active_model_drift(S::NAME);

    for (seed, answer) in answers.iter().enumerate() {
        tally.cases += 1;
        let (status, body) = status_and_body(answer);
        let mut expected = answer
            .get("expected")
            .cloned()
            .unwrap_or_else(|| panic!("oracle random-output answer without expected: {answer}"));
        for entry in &drift {
            if remove_path(&mut expected, entry.path) {
                tally.drift_ignored += 1;
            }
        }
        let output = match S::parse_response(status, body.as_bytes()) {
            Ok(output) => output,
            Err(e) => {
                tally.fail(
                    seed,
                    format!("parse_response({status}) failed: {e:?}\n  body: {body}"),
                );
                continue;
            }
        };
        let ours = serde_json::to_value(&output)
            .unwrap_or_else(|e| panic!("cannot serialize our output {output:?} to JSON: {e}"));
        if ours != expected {
            let mut differences = Vec::new();
            json_differences("$", &ours, &expected, &mut differences);
            let shown: Vec<String> = differences
                .iter()
                .take(SHOWN_DIFFERENCES)
                .map(|d| format!("    {d}"))
                .collect();
            tally.fail(
                seed,
                format!(
                    "{} differing paths (ours vs botocore):\n{}\n  body: {body}",
                    differences.len(),
                    shown.join("\n")
                ),
            );
        }
    }
    tally
}

/// Our reading of a random error response against botocore's.
fn check_errors<S: Subject>(oracle: &mut Oracle, seeds: u64, unmodeled: bool) -> Tally {
    let kind = if unmodeled {
        "unmodeled error"
    } else {
        "error"
    };
    let mut tally = Tally::new(S::NAME, kind);
    let answers = generate::<S>(
        oracle,
        "random-error",
        seeds,
        &json!({ "unmodeled": unmodeled }),
    );

    for (seed, answer) in answers.iter().enumerate() {
        tally.cases += 1;
        let (status, body) = status_and_body(answer);
        let expected = &answer["expected"];
        let error = &expected["Error"];
        let want_code = error["Code"].as_str();
        let want_message = error.get("Message").and_then(Value::as_str);
        // botocore maps the code to a shape; no shape means an unmodelled error.
        let want_variant = expected["ErrorShape"].as_str().unwrap_or("Unhandled");
        // The request id is not part of botocore's error dict; the generator
        // reports the one it wrote into the body.
        let want_request_id = answer["request_id"].as_str();

        let err = match S::parse_response(status, body.as_bytes()) {
            Ok(output) => {
                tally.fail(
                    seed,
                    format!("parsed as a success: {output:?}\n  status: {status}\n  body: {body}"),
                );
                continue;
            }
            Err(err) => err,
        };
        let mut problems = Vec::new();
        let variant = err.variant();
        if variant != want_variant {
            problems.push(format!("variant: ours {variant}, botocore {want_variant}"));
        }
        if err.code() != want_code {
            problems.push(format!(
                "code: ours {:?}, botocore {want_code:?}",
                err.code()
            ));
        }
        if err.message() != want_message {
            problems.push(format!(
                "message: ours {:?}, botocore {want_message:?}",
                err.message()
            ));
        }
        if err.request_id() != want_request_id {
            problems.push(format!(
                "request id: ours {:?}, in body {want_request_id:?}",
                err.request_id()
            ));
        }
        if !problems.is_empty() {
            tally.fail(
                seed,
                format!(
                    "{}\n  ours:     {err:?}\n  botocore: {expected}\n  status: {status}\n  body: {body}",
                    problems.join("\n  ")
                ),
            );
        }
    }
    tally
}

fn status_and_body(answer: &Value) -> (u16, &str) {
    let status = answer["status"]
        .as_u64()
        .and_then(|s| u16::try_from(s).ok())
        .unwrap_or_else(|| panic!("oracle answer without a valid status: {answer}"));
    let body = answer["body"]
        .as_str()
        .unwrap_or_else(|| panic!("oracle answer without a body: {answer}"));
    (status, body)
}

// ---------------------------------------------------------------------------
// Results
// ---------------------------------------------------------------------------

/// Cases and failures of one (operation, kind).
struct Tally {
    operation: &'static str,
    kind: &'static str,
    cases: usize,
    /// Request bodies equal to botocore's byte for byte (input kind only).
    identical: usize,
    /// Expected outputs that lost a [`MODEL_DRIFT`] member (output kind only).
    drift_ignored: usize,
    failures: Vec<String>,
}

impl Tally {
    fn new(operation: &'static str, kind: &'static str) -> Self {
        Self {
            operation,
            kind,
            cases: 0,
            identical: 0,
            drift_ignored: 0,
            failures: Vec::new(),
        }
    }

    fn fail(&mut self, seed: usize, detail: String) {
        self.failures.push(format!(
            "[{} {} seed {seed}] {detail}",
            self.operation, self.kind
        ));
    }

    fn summary(&self) -> String {
        let mut line = format!(
            "differential {} {}: {} cases, {} mismatches",
            self.operation,
            self.kind,
            self.cases,
            self.failures.len()
        );
        if self.kind == "input" {
            line.push_str(&format!(" ({} bodies byte-identical)", self.identical));
        }
        if self.drift_ignored > 0 {
            line.push_str(&format!(
                " ({} with a botocore-only member removed, see MODEL_DRIFT)",
                self.drift_ignored
            ));
        }
        line
    }
}

/// Paths where two JSON values differ, as `path: ours X, botocore Y`.
fn json_differences(path: &str, ours: &Value, theirs: &Value, out: &mut Vec<String>) {
    match (ours, theirs) {
        (Value::Object(ours), Value::Object(theirs)) => {
            let mut keys: Vec<&String> = ours.keys().chain(theirs.keys()).collect();
            keys.sort();
            keys.dedup();
            for key in keys {
                let child = format!("{path}.{key}");
                match (ours.get(key), theirs.get(key)) {
                    (Some(a), Some(b)) => json_differences(&child, a, b, out),
                    (Some(a), None) => out.push(format!("{child}: ours {a}, botocore <absent>")),
                    (None, Some(b)) => out.push(format!("{child}: ours <absent>, botocore {b}")),
                    (None, None) => {}
                }
            }
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
            for (i, (a, b)) in a.iter().zip(b).enumerate() {
                json_differences(&format!("{path}[{i}]"), a, b, out);
            }
        }
        _ if ours != theirs => out.push(format!("{path}: ours {ours}, botocore {theirs}")),
        _ => {}
    }
}

/// The [`MODEL_DRIFT`] entries of `operation` whose member the Smithy model
/// still lacks.
fn active_model_drift(operation: &str) -> Vec<&'static ModelDrift> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../model/elasticache.json");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read the Smithy model {}: {e}", path.display()));
    let model: Value = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("the Smithy model {} is not JSON: {e}", path.display()));
    MODEL_DRIFT
        .iter()
        .filter(|entry| entry.operation == operation)
        .filter(|entry| {
            let members = &model["shapes"][entry.shape]["members"];
            assert!(
                members.is_object(),
                "MODEL_DRIFT names {}, which the Smithy model does not have",
                entry.shape
            );
            let missing = members.get(entry.member).is_none();
            if !missing {
                eprintln!(
                    "note: the model now has {}${}; its MODEL_DRIFT entry no longer applies",
                    entry.shape, entry.member
                );
            }
            missing
        })
        .collect()
}

/// Removes the member at `path` (object keys) and says whether it was there.
fn remove_path(value: &mut Value, path: &[&str]) -> bool {
    match path {
        [] => false,
        [last] => value
            .as_object_mut()
            .is_some_and(|object| object.remove(*last).is_some()),
        [first, rest @ ..] => value
            .get_mut(*first)
            .is_some_and(|child| remove_path(child, rest)),
    }
}

// ---------------------------------------------------------------------------
// Form bodies
// ---------------------------------------------------------------------------

/// Splits an `application/x-www-form-urlencoded` body into decoded pairs.
fn decode_form(body: &str) -> Result<Vec<(String, String)>, String> {
    if body.is_empty() {
        return Ok(Vec::new());
    }
    body.split('&')
        .map(|pair| {
            let (key, value) = pair
                .split_once('=')
                .ok_or_else(|| format!("pair {pair:?} has no '='"))?;
            Ok((percent_decode(key)?, percent_decode(value)?))
        })
        .collect()
}

/// Form decoding: `+` is a space, `%XX` a byte, and the bytes must be UTF-8.
fn percent_decode(text: &str) -> Result<String, String> {
    let mut bytes = Vec::with_capacity(text.len());
    let mut rest = text.as_bytes();
    while let Some((&byte, tail)) = rest.split_first() {
        rest = tail;
        match byte {
            b'+' => bytes.push(b' '),
            b'%' => {
                let hex = rest
                    .get(..2)
                    .and_then(|hex| std::str::from_utf8(hex).ok())
                    .and_then(|hex| u8::from_str_radix(hex, 16).ok())
                    .ok_or_else(|| format!("bad percent escape in {text:?}"))?;
                bytes.push(hex);
                rest = &rest[2..];
            }
            _ => bytes.push(byte),
        }
    }
    String::from_utf8(bytes).map_err(|e| format!("{text:?} does not decode to UTF-8: {e}"))
}

fn first_pair_difference(ours: &[(String, String)], theirs: &[(String, String)]) -> Option<String> {
    let position = ours.iter().zip(theirs).position(|(a, b)| a != b);
    match position {
        Some(i) => Some(format!(
            "pair #{}: ours {:?}, botocore {:?}",
            i + 1,
            ours[i],
            theirs[i]
        )),
        None if ours.len() != theirs.len() => Some(format!(
            "ours has {} pairs, botocore {}; first extra: {:?}",
            ours.len(),
            theirs.len(),
            ours.get(theirs.len()).or_else(|| theirs.get(ours.len()))
        )),
        None => None,
    }
}

// ---------------------------------------------------------------------------
// The oracle process
// ---------------------------------------------------------------------------

/// `query_oracle.py batch`: JSON lines in, one JSON line out per request.
struct Oracle {
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: BufReader<ChildStdout>,
    next_id: u64,
}

impl Oracle {
    fn start() -> Self {
        let dir = oracle_dir();
        let python = oracle_python(&dir);
        let script = dir.join("query_oracle.py");
        let mut child = Command::new(&python)
            .arg(&script)
            .arg("batch")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "cannot start the oracle ({} {} batch): {e}",
                    python.display(),
                    script.display()
                )
            });
        let stdin = child.stdin.take().expect("the oracle's stdin is piped");
        let stdout = child.stdout.take().expect("the oracle's stdout is piped");
        Self {
            child,
            stdin: Some(stdin),
            stdout: BufReader::new(stdout),
            next_id: 0,
        }
    }

    /// Sends every request (from a writer thread, so neither pipe can fill
    /// up and block), then returns each `result` in order. An `ok: false`
    /// answer means the oracle itself failed, which fails the test.
    fn call_all(&mut self, requests: &[Value]) -> Vec<Value> {
        let first_id = self.next_id;
        self.next_id += requests.len() as u64;
        let lines: Vec<String> = requests
            .iter()
            .zip(first_id..)
            .map(|(request, id)| {
                let mut request = request.clone();
                request["id"] = json!(id);
                serde_json::to_string(&request).expect("oracle requests serialize to JSON")
            })
            .collect();
        let stdin = self.stdin.as_mut().expect("the oracle's stdin is open");
        let stdout = &mut self.stdout;

        std::thread::scope(|scope| {
            let writer = scope.spawn(move || -> std::io::Result<()> {
                for line in &lines {
                    stdin.write_all(line.as_bytes())?;
                    stdin.write_all(b"\n")?;
                }
                stdin.flush()
            });
            let answers = requests
                .iter()
                .zip(first_id..)
                .map(|(request, id)| read_answer(stdout, request, id))
                .collect();
            writer
                .join()
                .expect("the oracle writer thread panicked")
                .expect("cannot write to the oracle");
            answers
        })
    }
}

fn read_answer(stdout: &mut BufReader<ChildStdout>, request: &Value, id: u64) -> Value {
    let mut line = String::new();
    let read = stdout
        .read_line(&mut line)
        .unwrap_or_else(|e| panic!("cannot read the oracle's answer to {request}: {e}"));
    assert!(
        read > 0,
        "the oracle exited before answering {request} (see its stderr above)"
    );
    let answer: Value = serde_json::from_str(&line)
        .unwrap_or_else(|e| panic!("the oracle's answer is not JSON ({e}): {line}"));
    assert_eq!(
        answer["id"],
        json!(id),
        "the oracle answered out of order: {line}"
    );
    if answer["ok"] != json!(true) {
        panic!(
            "the oracle failed on {request}: {}",
            answer["error"].as_str().unwrap_or(&line)
        );
    }
    answer
        .get("result")
        .cloned()
        .unwrap_or_else(|| panic!("oracle answer without a result: {line}"))
}

impl Drop for Oracle {
    fn drop(&mut self) {
        // Closing stdin ends the batch loop; then reap the process.
        drop(self.stdin.take());
        let _ = self.child.wait();
    }
}

fn oracle_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/oracle");
    assert!(
        dir.join("query_oracle.py").is_file(),
        "the botocore oracle is missing: {} has no query_oracle.py. \
         The differential test needs it and cannot pass without it.",
        dir.display()
    );
    dir
}

/// `$ORACLE_PY`, or the venv that the oracle's idempotent `setup.sh` prints.
fn oracle_python(dir: &Path) -> PathBuf {
    if let Some(python) = std::env::var_os("ORACLE_PY") {
        return PathBuf::from(python);
    }
    let setup = dir.join("setup.sh");
    let output = Command::new(&setup)
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("cannot run the oracle setup {}: {e}", setup.display()));
    assert!(
        output.status.success(),
        "the oracle setup {} failed ({}); set ORACLE_PY to a Python with botocore 1.44.5.\n{}",
        setup.display(),
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    let venv = stdout
        .lines()
        .map(str::trim)
        .rfind(|line| !line.is_empty())
        .unwrap_or_else(|| panic!("the oracle setup {} printed no venv path", setup.display()));
    let python = Path::new(venv).join("bin/python");
    assert!(
        python.exists(),
        "the oracle setup printed venv {venv}, but {} does not exist",
        python.display()
    );
    python
}
