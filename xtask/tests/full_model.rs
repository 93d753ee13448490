//! The full published ElastiCache model (`../shared/models/elasticache.json`:
//! every operation, its documentation HTML and examples) generates a crate
//! that passes `cargo clippy --all-targets -D warnings`, `cargo test` (its
//! unit tests, one doctest per `smithy.api#examples` entry, and a
//! differential test of every operation against botocore) and `cargo doc`
//! with `-D warnings`.
//!
//! Layout, all under the workspace's `target/` (never checked in):
//!
//! * `target/full-model/elasticache/`: the crate, written by `cargo xtask
//!   codegen --model … --out …`, which rewrites only files whose bytes
//!   changed, so a second run rebuilds nothing unless the generator changed;
//! * `…/elasticache/tests/support/differential.rs` and `tests/oracle/mod.rs`:
//!   copies of the harness and the oracle locator in `conformance/tests/`
//!   (the committed crate's differential test uses the same files), and `…/tests/differential.rs`, written here as
//!   tokens: one `harness.check::<Op>()` per operation of the model;
//! * `target/full-model/target/`: its `CARGO_TARGET_DIR`, so repeated runs
//!   are incremental. The workspace's `Cargo.lock` is copied in, so the
//!   dependency versions are the ones the workspace tested.
//!
//! `FULL_MODEL_SEEDS` sets the seeds per operation and kind (default 50);
//! `ORACLE_PY` selects the oracle's Python (otherwise its `setup.sh` makes a
//! venv). The timings are printed, never asserted.

mod support;

use std::path::Path;
use std::time::{Duration, Instant};
use support::{cargo, read, write_if_changed};

use codegen::Options;
use quote::{format_ident, quote};
use xtask::{codegen, workspace_root, CodegenArgs};

/// The differential test of the generated crate: every operation, through
/// the shared harness.
fn differential_test(ir: &codegen::ir::Ir) -> String {
    let krate = format_ident!("{}", ir.service.crate_name.replace('-', "_"));
    let service = ir
        .service
        .endpoint_prefix
        .clone()
        .unwrap_or_else(|| ir.service.crate_name.clone());
    let checks = ir.operations.iter().map(|op| {
        let module = op.module.ident();
        let ty = op.type_name.ident();
        quote!(harness.check::<#krate::operation::#module::#ty>();)
    });
    let tokens = quote! {
        //! Every operation of the crate against botocore, through the harness
        //! shared with `conformance/tests/differential.rs`. Run by
        //! `xtask/tests/full_model.rs`, which sets `DIFF_SMITHY_MODEL` and
        //! `DIFF_ORACLE_DIR`.

        #[path = "support/differential.rs"]
        mod differential;

        fn path_from_env(name: &str) -> std::path::PathBuf {
            std::env::var_os(name)
                .map(std::path::PathBuf::from)
                .unwrap_or_else(|| panic!("{name} is not set: run this test through xtask/tests/full_model.rs"))
        }

        #[test]
        fn every_operation_against_botocore() {
            let mut harness = differential::Harness::start(differential::Config {
                service: #service,
                smithy_model: path_from_env("DIFF_SMITHY_MODEL"),
                oracle_dir: path_from_env("DIFF_ORACLE_DIR"),
                seeds: differential::seeds_from_env("FULL_MODEL_SEEDS", 50),
                // P8: follow the Smithy model; the oracle never writes those members.
                wire_names: &[],
            });
            harness.verify_drift_table();
            #(#checks)*
            harness.finish();
        }
    };
    codegen::emit::file::render(
        "tests/differential.rs",
        "// Written by xtask/tests/full_model.rs for the full-model crate.\n",
        tokens,
    )
    .unwrap_or_else(|e| panic!("{e}"))
}

/// Doctests that passed, by the item they document (`operation::m::Type`).
fn passed_doctests(test_output: &str) -> Vec<String> {
    test_output
        .lines()
        .filter(|line| line.ends_with(" ... ok"))
        .filter_map(|line| line.strip_prefix("test src/"))
        .filter_map(|line| line.split(" - ").nth(1))
        .filter_map(|item| item.split(" (line ").next())
        .map(str::to_owned)
        .collect()
}

#[test]
fn full_model_crate_builds_lints_documents_and_matches_botocore() {
    let root = workspace_root();
    let model = root.join("../shared/models/elasticache.json");
    let oracle_dir = root.join("../shared/oracle");
    let dir = root.join("target/full-model");
    let krate = dir.join("elasticache");
    let target = dir.join("target");

    let start = Instant::now();
    let report = codegen(
        &root,
        &CodegenArgs {
            models: vec![model.clone()],
            out: Some(krate.clone()),
            ..CodegenArgs::default()
        },
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let generation = start.elapsed();

    let ir = codegen::load("elasticache.json", &read(&model), &Options::default())
        .unwrap_or_else(|e| panic!("{e}"));
    let examples: usize = ir.operations.iter().map(|op| op.examples.len()).sum();
    support::copy_lockfile(&root, &krate);
    // The harness reads the oracle's JSON: a dev-dependency of this test's, not of the crate.
    let manifest = krate.join("Cargo.toml");
    let toml = read(&manifest);
    if !toml.contains("\nserde_json = ") {
        let toml = toml.replace(
            "\n[package.metadata.docs.rs]",
            "\n[dev-dependencies]\nserde_json = \"1\"\n\n[package.metadata.docs.rs]",
        );
        std::fs::write(&manifest, toml).unwrap_or_else(|e| panic!("{e}"));
    }
    // The harness, and the oracle locator it includes from `../oracle/`.
    for file in ["support/differential.rs", "oracle/mod.rs"] {
        write_if_changed(
            &krate.join("tests").join(file),
            &read(&root.join("conformance/tests").join(file)),
        );
    }
    write_if_changed(
        &krate.join("tests/differential.rs"),
        &differential_test(&ir),
    );

    let envs: [(&str, &Path); 2] = [
        ("DIFF_SMITHY_MODEL", &model),
        ("DIFF_ORACLE_DIR", &oracle_dir),
    ];
    let (_, clippy) = cargo(
        &krate,
        &target,
        &[
            "clippy",
            "--all-targets",
            "--all-features",
            "--",
            "-D",
            "warnings",
        ],
        &envs,
    );
    let (test_out, test) = cargo(
        &krate,
        &target,
        &["test", "--all-features", "--", "--nocapture"],
        &envs,
    );
    let (_, doc) = cargo(
        &krate,
        &target,
        &["doc", "--no-deps", "--all-features"],
        &envs,
    );

    let stdout = String::from_utf8_lossy(&test_out.stdout);
    let stderr = String::from_utf8_lossy(&test_out.stderr);
    let doctests = passed_doctests(&stdout);
    for op in &ir.operations {
        let item = format!(
            "operation::{}::{}",
            op.module.source(),
            op.type_name.source()
        );
        let passed = doctests.iter().filter(|d| **d == item).count();
        assert_eq!(
            passed,
            op.examples.len(),
            "{}: {} examples in the model, {passed} passing doctests on {item}",
            op.name,
            op.examples.len()
        );
    }

    let secs = |d: Duration| d.as_secs_f64();
    eprintln!(
        "full model: {} operations, {} structures, {} enums; {} files updated, {} unchanged",
        ir.operations.len(),
        ir.structures.len(),
        ir.enums.len(),
        report.updated.len(),
        report.unchanged
    );
    eprintln!(
        "full model: generation {:.1}s, clippy {:.1}s, test {:.1}s (build, {examples}/{examples} example doctests, differential), doc {:.1}s",
        secs(generation),
        secs(clippy),
        secs(test),
        secs(doc)
    );
    for line in stderr.lines().chain(stdout.lines()) {
        if line.starts_with("differential") {
            eprintln!("full model: {line}");
        }
    }
}
