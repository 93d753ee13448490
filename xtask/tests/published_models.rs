//! Every published model in `../shared/models` (the [`MODELS`] table) generates a crate
//! that builds with `-D warnings`, passes `cargo clippy -D warnings` (its library and its
//! test) and `cargo doc -D warnings`, runs one passing doctest per `smithy.api#examples` entry, and
//! agrees with botocore on every operation: random inputs serialized, random outputs
//! parsed, random modelled and unmodelled errors parsed (the harness in
//! `conformance/tests/support/differential.rs`, against the oracle in
//! `../shared/oracle`). It prints a scoreboard, one row per model, and fails on any
//! mismatch, any missing doctest, any lint or rustdoc warning.
//!
//! `PUBLISHED_MODELS_SEEDS` sets the seeds per operation and kind for every model (CI
//! leaves it unset: each model then runs its `ci_seeds` from [`MODELS`], chosen to keep
//! the whole `.ci/run` well inside its budget). `ORACLE_PY` selects the oracle's Python
//! (otherwise its `setup.sh` makes a venv). Timings are printed, never asserted. The
//! scoreboard is also written to `target/published-models/scoreboard.md`, which `.ci/run`
//! prints (`cargo test` hides a passing test's output).
//!
//! Layout, all under the workspace's `target/published-models/` (never checked in):
//!
//! * `services/`: one workspace of one crate per model, written by `cargo xtask codegen
//!   --model … --out services`, which rewrites only the files whose bytes changed;
//! * `services/<crate>/tests/`: the harness and the oracle locator copied from
//!   `conformance/tests/`, and `differential.rs`, written here: `extern crate <crate> as
//!   service;` and one `harness.check::<Op>()` per operation;
//! * `target/`: the workspace's `CARGO_TARGET_DIR`, so the runtime and the dependencies
//!   compile once for all the crates and reruns are incremental.
//!
//! The cargo steps run one model at a time (`-p <crate>`), so the scoreboard has a time
//! for each step of each model, and a failing model does not hide the others' results.
//! This test also covers every published waiter: each model is generated with all its
//! operations, so clippy and rustdoc see every `waiters.rs`; the waiters in the IR must be
//! the ones in the model's JSON, each with its type.

mod support;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Output;
use std::time::{Duration, Instant};
use support::{copy_lockfile, read, write_if_changed};

use quote::{format_ident, quote};
use serde_json::Value;
use xtask::{codegen, workspace_root, CodegenArgs};

/// One published model.
struct Model {
    /// The file stem in `../shared/models` and botocore's service name.
    name: &'static str,
    /// Seeds per operation and kind when `PUBLISHED_MODELS_SEEDS` is unset.
    ci_seeds: u64,
    /// The hand-written drift table of the harness the derived drift must equal, if any.
    drift_table: Option<&'static str>,
}

/// Every model in `../shared/models`, in scoreboard order. The CI seeds keep the
/// differential near a minute per model on a loaded 2-core machine (measured: about 200 to
/// 700 cases a second, four cases per operation and seed): 50 for the three smaller models,
/// 20 for the three with 90 to 176 operations.
const MODELS: &[Model] = &[
    Model {
        name: "elasticache",
        ci_seeds: 50,
        drift_table: Some("ELASTICACHE_DRIFT"),
    },
    Model {
        name: "sts",
        ci_seeds: 50,
        drift_table: None,
    },
    Model {
        name: "sns",
        ci_seeds: 50,
        drift_table: None,
    },
    Model {
        name: "iam",
        ci_seeds: 20,
        drift_table: None,
    },
    Model {
        name: "rds",
        ci_seeds: 20,
        drift_table: None,
    },
    Model {
        name: "cloudformation",
        ci_seeds: 20,
        drift_table: None,
    },
    Model {
        name: "ec2",
        ci_seeds: 3,
        drift_table: None,
    },
];

/// What the model's JSON says, counted without the generator.
struct Facts {
    operations: usize,
    shapes: usize,
    /// `smithy.api#examples` entries per operation name.
    examples: BTreeMap<String, usize>,
    waiters: usize,
}

fn facts(name: &str, json: &Value) -> Facts {
    let shapes = json["shapes"]
        .as_object()
        .unwrap_or_else(|| panic!("{name}: the model has no `shapes` object"));
    let mut examples = BTreeMap::new();
    let mut waiters = 0;
    for (id, shape) in shapes {
        if shape["type"] != "operation" {
            continue;
        }
        let op = id.rsplit_once('#').map_or(id.as_str(), |(_, n)| n);
        let traits = &shape["traits"];
        if let Some(list) = traits["smithy.api#examples"].as_array() {
            examples.insert(op.to_owned(), list.len());
        }
        if let Some(map) = traits["smithy.waiters#waitable"].as_object() {
            waiters += map.len();
        }
    }
    Facts {
        operations: shapes.values().filter(|s| s["type"] == "operation").count(),
        shapes: shapes.len(),
        examples,
        waiters,
    }
}

/// The crate's `tests/differential.rs`: every operation through the shared harness.
fn differential_test(ir: &codegen::ir::Ir, service: &str, table: Option<&str>) -> String {
    let krate = format_ident!("{}", ir.service.crate_name.replace('-', "_"));
    let drift = match table {
        Some(table) => {
            let table = format_ident!("{table}");
            quote!(differential::DriftCheck::Table(differential::#table))
        }
        None => quote!(differential::DriftCheck::Derived),
    };
    let checks = ir.operations.iter().map(|op| {
        let module = op.module.ident();
        let ty = op.type_name.ident();
        quote!(harness.check::<service::operation::#module::#ty>();)
    });
    let tokens = quote! {
        //! Every operation of the crate against botocore, through the harness shared with
        //! `conformance/tests/differential.rs`. Run by `xtask/tests/published_models.rs`,
        //! which sets `DIFF_SMITHY_MODEL`, `DIFF_ORACLE_DIR` and `DIFF_SEEDS`.

        extern crate #krate as service;

        #[path = "support/differential.rs"]
        mod differential;

        fn from_env(name: &str) -> String {
            std::env::var(name).unwrap_or_else(|_| {
                panic!("{name} is not set: run this test through xtask/tests/published_models.rs")
            })
        }

        #[test]
        fn every_operation_against_botocore() {
            let seeds = differential::seeds_from_env("DIFF_SEEDS", 0);
            assert!(seeds > 0, "DIFF_SEEDS is unset or 0: run this test through xtask/tests/published_models.rs");
            let mut harness = differential::Harness::start(differential::Config {
                service: #service,
                smithy_model: from_env("DIFF_SMITHY_MODEL").into(),
                oracle_dir: from_env("DIFF_ORACLE_DIR").into(),
                seeds,
                // P8: follow the Smithy model; the oracle never writes those members.
                wire_names: &[],
                drift: #drift,
            });
            #(#checks)*
            harness.finish();
        }
    };
    codegen::emit::file::render(
        "tests/differential.rs",
        "// Written by xtask/tests/published_models.rs.\n",
        tokens,
    )
    .unwrap_or_else(|e| panic!("{e}"))
}

/// One cargo step of one model.
struct Step {
    ok: bool,
    time: Duration,
    output: String,
}

/// Runs cargo without failing the test: the caller collects every model's results first.
fn cargo(dir: &Path, target: &Path, args: &[&str], envs: &[(&str, String)]) -> Step {
    let start = Instant::now();
    let mut command = support::cargo_command(dir, target, args);
    command
        // Warnings are errors in every build, here and in CI alike (one set of flags, so
        // the shared target directory is never rebuilt for a change of flags).
        .env("RUSTFLAGS", "-D warnings")
        // No debug info: these crates are checked, never debugged, and EC2's would make
        // every test binary and doctest slower to link and the target directory gigabytes
        // larger.
        .env("CARGO_PROFILE_DEV_DEBUG", "0")
        .env("CARGO_PROFILE_TEST_DEBUG", "0");
    for (key, value) in envs {
        command.env(key, value);
    }
    let out: Output = command
        .output()
        .unwrap_or_else(|e| panic!("cannot run cargo: {e}"));
    Step {
        ok: out.status.success(),
        time: start.elapsed(),
        output: format!(
            "{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    }
}

/// Doctests that passed, by the item they document (`operation::m::Type`), from lines
/// such as `test sts/src/operation/assume_role.rs - operation::assume_role::AssumeRole
/// (line 47) ... ok` (the path is relative to the workspace).
fn passed_doctests(test_output: &str) -> Vec<String> {
    test_output
        .lines()
        .filter_map(|line| line.strip_suffix(" ... ok")?.strip_prefix("test "))
        .filter_map(|line| line.split_once(" - "))
        .filter(|(file, _)| file.ends_with(".rs"))
        .filter_map(|(_, item)| item.split(" (line ").next())
        .map(str::to_owned)
        .collect()
}

/// The harness's `differential-score <service> kind=mismatches/cases …` line.
fn differential_score(service: &str, test_output: &str) -> Option<BTreeMap<String, (u64, u64)>> {
    let prefix = format!("differential-score {service} ");
    let line = test_output.lines().find_map(|l| l.strip_prefix(&prefix))?;
    line.split_whitespace()
        .map(|part| {
            let (kind, counts) = part.split_once('=')?;
            let (bad, all) = counts.split_once('/')?;
            Some((kind.to_owned(), (bad.parse().ok()?, all.parse().ok()?)))
        })
        .collect()
}

/// The last `n` lines of `text`.
fn tail(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

/// One scoreboard row.
struct Row {
    name: &'static str,
    ops: usize,
    shapes: usize,
    seeds: u64,
    generated: bool,
    gen_time: Duration,
    steps: Vec<(&'static str, Step)>,
    doctests: (usize, usize),
    score: Option<BTreeMap<String, (u64, u64)>>,
    problems: Vec<String>,
}

impl Row {
    fn step(&self, name: &str) -> Option<&Step> {
        self.steps.iter().find(|(n, _)| *n == name).map(|(_, s)| s)
    }

    fn mark(&self, name: &str) -> &'static str {
        match self.step(name) {
            Some(s) if s.ok => "ok",
            Some(_) => "FAIL",
            None => "-",
        }
    }

    fn secs(&self, name: &str) -> String {
        self.step(name)
            .map_or("-".into(), |s| format!("{:.0}", s.time.as_secs_f64()))
    }
}

const KINDS: [&str; 4] = ["input", "output", "error", "unmodelled-error"];

#[test]
fn published_models_generate_build_lint_document_and_match_botocore() {
    let started = Instant::now();
    let root = workspace_root();
    let models_dir = root.join("../shared/models");
    let oracle_dir = root.join("../shared/oracle");
    let base = root.join("target/published-models");
    let services = base.join("services");
    let target = base.join("target");
    // Never leave an earlier run's scoreboard behind for .ci/run to print.
    let _ = std::fs::remove_file(base.join("scoreboard.md"));
    let seeds_override = std::env::var("PUBLISHED_MODELS_SEEDS").ok().map(|text| {
        text.trim()
            .parse::<u64>()
            .ok()
            .filter(|n| *n > 0)
            .unwrap_or_else(|| {
                panic!("PUBLISHED_MODELS_SEEDS={text:?} is not a positive seed count")
            })
    });

    let models: Vec<&Model> = MODELS.iter().collect();

    // The IR of each model (crate name, operations, examples, waiters) and what its JSON
    // says without the generator.
    let mut rows = Vec::new();
    let mut irs = Vec::new();
    for m in &models {
        let path = models_dir.join(format!("{}.json", m.name));
        let text = read(&path);
        let json: Value = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()));
        let facts = facts(m.name, &json);
        let start = Instant::now();
        let ir = codegen::load(
            &format!("{}.json", m.name),
            &text,
            &codegen::Options::default(),
        )
        .unwrap_or_else(|e| panic!("{}: {e}", m.name));
        let mut problems = Vec::new();
        if ir.operations.len() != facts.operations {
            problems.push(format!(
                "{} operations in the JSON, {} in the crate",
                facts.operations,
                ir.operations.len()
            ));
        }
        for op in &ir.operations {
            let expected = facts.examples.get(&op.name).copied().unwrap_or(0);
            if op.examples.len() != expected {
                problems.push(format!(
                    "{}: {expected} examples in the JSON, {} in the IR",
                    op.name,
                    op.examples.len()
                ));
            }
        }
        if ir.waiters.len() != facts.waiters {
            problems.push(format!(
                "{} waiters in the JSON, {} in the IR",
                facts.waiters,
                ir.waiters.len()
            ));
        }
        rows.push(Row {
            name: m.name,
            ops: facts.operations,
            shapes: facts.shapes,
            seeds: seeds_override.unwrap_or(m.ci_seeds),
            generated: false,
            gen_time: start.elapsed(),
            steps: Vec::new(),
            doctests: (0, facts.examples.values().sum()),
            score: None,
            problems,
        });
        irs.push(ir);
    }

    // One workspace, one crate per model.
    let start = Instant::now();
    let report = codegen(
        &root,
        &CodegenArgs {
            models: models
                .iter()
                .map(|m| models_dir.join(format!("{}.json", m.name)))
                .collect(),
            out: Some(services.clone()),
            ..CodegenArgs::default()
        },
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let generation = start.elapsed();
    copy_lockfile(&root, &services);
    for ((m, ir), row) in models.iter().zip(&irs).zip(&mut rows) {
        let krate = services.join(&ir.service.crate_name);
        row.generated = krate.join("src/lib.rs").is_file();
        let waiters_rs = std::fs::read_to_string(krate.join("src/waiters.rs")).unwrap_or_default();
        for w in &ir.waiters {
            if !waiters_rs.contains(&format!("pub struct {};", w.type_name.text)) {
                row.problems.push(format!("no type for waiter {}", w.name));
            }
        }
        // The harness reads the oracle's JSON: a dev-dependency of the test's, not the crate's.
        let manifest = krate.join("Cargo.toml");
        let toml = read(&manifest);
        if !toml.contains("\nserde_json = ") {
            let toml = toml.replace(
                "\n[package.metadata.docs.rs]",
                "\n[dev-dependencies]\nserde_json = \"1\"\n\n[package.metadata.docs.rs]",
            );
            std::fs::write(&manifest, toml).unwrap_or_else(|e| panic!("{e}"));
        }
        for file in ["support/differential.rs", "oracle/mod.rs"] {
            write_if_changed(
                &krate.join("tests").join(file),
                &read(&root.join("conformance/tests").join(file)),
            );
        }
        write_if_changed(
            &krate.join("tests/differential.rs"),
            &differential_test(ir, m.name, m.drift_table),
        );
    }
    eprintln!(
        "published-models: generated {} crates in {:.1}s ({} files updated, {} unchanged)",
        irs.len(),
        generation.as_secs_f64(),
        report.updated.len(),
        report.unchanged
    );

    for ((m, ir), row) in models.iter().zip(&irs).zip(&mut rows) {
        if !row.generated {
            continue;
        }
        let krate = ir.service.crate_name.as_str();
        let envs = [
            (
                "DIFF_SMITHY_MODEL",
                models_dir
                    .join(format!("{}.json", m.name))
                    .display()
                    .to_string(),
            ),
            ("DIFF_ORACLE_DIR", oracle_dir.display().to_string()),
            ("DIFF_SEEDS", row.seeds.to_string()),
        ];
        // The crates have no unit tests: building the library's test harness would compile
        // each crate a second time (EC2: minutes), so the tests are the differential and
        // the doctests, named.
        let plan: [(&str, Vec<Vec<&str>>); 4] = [
            (
                "build",
                vec![vec![
                    "test",
                    "-p",
                    krate,
                    "--all-features",
                    "--no-run",
                    "--test",
                    "differential",
                ]],
            ),
            (
                "clippy",
                vec![vec![
                    "clippy",
                    "-p",
                    krate,
                    "--lib",
                    "--test",
                    "differential",
                    "--all-features",
                    "--",
                    "-D",
                    "warnings",
                ]],
            ),
            (
                "test",
                vec![
                    vec![
                        "test",
                        "-p",
                        krate,
                        "--all-features",
                        "--test",
                        "differential",
                        "--",
                        "--nocapture",
                    ],
                    vec!["test", "-p", krate, "--all-features", "--doc"],
                ],
            ),
            (
                "doc",
                vec![vec!["doc", "-p", krate, "--no-deps", "--all-features"]],
            ),
        ];
        for (name, commands) in plan {
            let mut step = Step {
                ok: true,
                time: Duration::ZERO,
                output: String::new(),
            };
            for args in commands {
                let part = cargo(&services, &target, &args, &envs);
                step.ok &= part.ok;
                step.time += part.time;
                step.output.push_str(&part.output);
            }
            eprintln!(
                "published-models: {} {name}: {} in {:.1}s",
                m.name,
                if step.ok { "ok" } else { "FAILED" },
                step.time.as_secs_f64()
            );
            let stop = name == "build" && !step.ok;
            row.steps.push((name, step));
            if stop {
                break;
            }
        }
        let test_output = row.step("test").map(|s| s.output.clone());
        if let Some(output) = test_output {
            let passed = passed_doctests(&output);
            for op in &ir.operations {
                let item = format!(
                    "operation::{}::{}",
                    op.module.source(),
                    op.type_name.source()
                );
                let got = passed.iter().filter(|d| **d == item).count();
                if got != op.examples.len() {
                    row.problems.push(format!(
                        "{}: {} examples, {got} passing doctests on {item}",
                        op.name,
                        op.examples.len()
                    ));
                }
            }
            row.doctests.0 = passed
                .iter()
                .filter(|d| d.starts_with("operation::"))
                .count();
            row.score = differential_score(m.name, &output);
            match &row.score {
                None => row
                    .problems
                    .push("the differential test printed no score".into()),
                Some(score) => {
                    for kind in KINDS {
                        match score.get(kind) {
                            None => row.problems.push(format!("no differential {kind} cases")),
                            Some((bad, _)) if *bad > 0 => row
                                .problems
                                .push(format!("{bad} differential {kind} mismatches")),
                            Some((_, 0)) => row
                                .problems
                                .push(format!("differential {kind}: no cases ran")),
                            Some(_) => {}
                        }
                    }
                }
            }
            for line in output.lines() {
                if line.starts_with("differential") && !line.starts_with("differential-score") {
                    eprintln!("published-models: {}: {line}", m.name);
                }
            }
        }
        for (name, step) in &row.steps {
            if !step.ok {
                row.problems.push(format!("cargo {name} failed"));
            }
        }
    }

    // The scoreboard.
    let mut table = vec![
        format!(
            "| model | ops | shapes | seeds | generated | built | clippy | doc | doctests | {} | seconds gen/build/clippy/test/doc |",
            KINDS.map(|k| format!("{k} mismatches/cases")).join(" | ")
        ),
        format!("|{}", "---|".repeat(10 + KINDS.len())),
    ];
    for row in &rows {
        let score = KINDS.map(|k| {
            row.score
                .as_ref()
                .and_then(|s| s.get(k))
                .map_or("-".to_owned(), |(bad, all)| format!("{bad}/{all}"))
        });
        table.push(format!(
            "| {} | {} | {} | {} | {} | {} | {} | {} | {}/{} | {} | {:.0}/{}/{}/{}/{} |",
            row.name,
            row.ops,
            row.shapes,
            row.seeds,
            if row.generated { "ok" } else { "FAIL" },
            row.mark("build"),
            row.mark("clippy"),
            row.mark("doc"),
            row.doctests.0,
            row.doctests.1,
            score.join(" | "),
            row.gen_time.as_secs_f64(),
            row.secs("build"),
            row.secs("clippy"),
            row.secs("test"),
            row.secs("doc"),
        ));
    }
    let scoreboard = format!(
        "published-models scoreboard ({} in {:.0}s):\n{}\n",
        if seeds_override.is_some() {
            "PUBLISHED_MODELS_SEEDS"
        } else {
            "CI seeds"
        },
        started.elapsed().as_secs_f64(),
        table.join("\n")
    );
    eprintln!("\n{scoreboard}");
    // `cargo test` shows a passing test's output only with `--nocapture`: .ci/run prints this.
    write_if_changed(&base.join("scoreboard.md"), &scoreboard);

    let failed: Vec<&Row> = rows.iter().filter(|r| !r.problems.is_empty()).collect();
    for row in &failed {
        eprintln!("=== {}: {}", row.name, row.problems.join("; "));
        for (name, step) in row.steps.iter().filter(|(_, s)| !s.ok) {
            eprintln!(
                "--- cargo {name} (end of output)\n{}",
                tail(&step.output, 150)
            );
        }
    }
    assert!(
        failed.is_empty(),
        "published models with problems: {} (see the scoreboard and the output above)",
        failed.iter().map(|r| r.name).collect::<Vec<_>>().join(", ")
    );
}
