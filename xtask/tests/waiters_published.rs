//! Every waiter of every awsQuery model in `../shared/models` generates and compiles.
//!
//! Each model that has waiters (ElastiCache, IAM, RDS, CloudFormation; STS and SNS have
//! none) is generated restricted to the operations its waiters poll (`--operations`, which
//! keeps the build small) into one workspace, `target/waiters-published/services/`, and
//! the workspace is linted with `cargo clippy --all-targets --all-features -D warnings`
//! (every acceptor's JMESPath expression is compiled Rust in the crates' `waiters.rs`) and
//! documented with `cargo doc -D warnings`. The
//! number of waiters in each crate's IR must equal the number in the model's JSON, counted
//! without the generator, and the numbers the models have today.

mod support;

use serde_json::Value;
use std::time::Instant;
use support::{cargo, copy_lockfile, read, write_if_changed};
use xtask::{codegen, workspace_root, CodegenArgs};

/// The awsQuery models with waiters, and how many each has.
const MODELS: &[(&str, usize)] = &[
    ("elasticache", 4),
    ("iam", 4),
    ("rds", 10),
    ("cloudformation", 10),
];

/// The awsQuery models without waiters.
const WITHOUT: &[&str] = &["sts", "sns"];

/// Operations with `smithy.waiters#waitable`, and the number of waiters, from the JSON.
fn waitable(model: &Value) -> (Vec<String>, usize) {
    let mut ops = Vec::new();
    let mut count = 0;
    if let Some(shapes) = model.get("shapes").and_then(Value::as_object) {
        for (id, shape) in shapes {
            if let Some(waiters) = shape
                .get("traits")
                .and_then(|t| t.get("smithy.waiters#waitable"))
                .and_then(Value::as_object)
            {
                ops.push(id.rsplit('#').next().unwrap_or(id).to_owned());
                count += waiters.len();
            }
        }
    }
    (ops, count)
}

#[test]
fn every_published_awsquery_waiter_generates_and_compiles() {
    let root = workspace_root();
    let models = root.join("../shared/models");
    let base = root.join("target/waiters-published");
    let services = base.join("services");

    for name in WITHOUT {
        let json: Value = serde_json::from_str(&read(&models.join(format!("{name}.json"))))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            waitable(&json).1,
            0,
            "{name} has waiters now: add it to MODELS"
        );
    }

    let start = Instant::now();
    let mut members = Vec::new();
    let mut summary = Vec::new();
    for (name, expected) in MODELS {
        let path = models.join(format!("{name}.json"));
        let text = read(&path);
        let json: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}"));
        let (operations, count) = waitable(&json);
        assert_eq!(count, *expected, "{name}: waiters in the model's JSON");
        let options = codegen::Options {
            operations: Some(operations.clone()),
            ..codegen::Options::default()
        };
        let ir = codegen::load(&format!("{name}.json"), &text, &options)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(ir.waiters.len(), count, "{name}: waiters in the IR");
        let acceptors: usize = ir.waiters.iter().map(|w| w.acceptors.len()).sum();
        summary.push(format!(
            "{name} {} waiters ({acceptors} acceptors) on {} operations",
            ir.waiters.len(),
            operations.len()
        ));

        let out = services.join(name);
        codegen(
            &root,
            &CodegenArgs {
                models: vec![path],
                out: Some(out.clone()),
                operations: Some(operations),
                ..CodegenArgs::default()
            },
        )
        .unwrap_or_else(|e| panic!("{name}: {e}"));
        // A member of the workspace below, not a workspace of its own.
        let manifest = out.join("Cargo.toml");
        let manifest_text = read(&manifest);
        write_if_changed(&manifest, &manifest_text.replace("\n[workspace]\n", "\n"));
        let waiters_rs = read(&out.join("src/waiters.rs"));
        for w in &ir.waiters {
            assert!(
                waiters_rs.contains(&format!("pub struct {};", w.type_name.text)),
                "{name}: no type for waiter {}",
                w.name
            );
        }
        members.push(format!("\"{name}\""));
    }
    let generation = start.elapsed();
    write_if_changed(
        &services.join("Cargo.toml"),
        &format!(
            "[workspace]\nresolver = \"2\"\nmembers = [{}]\n",
            members.join(", ")
        ),
    );
    copy_lockfile(&root, &services);
    let (_, build) = cargo(
        &services,
        &base.join("target"),
        &[
            "clippy",
            "--quiet",
            "--workspace",
            "--all-targets",
            "--all-features",
            "--",
            "-D",
            "warnings",
        ],
        &[],
    );
    // The waiters' documentation (model text, acceptor lists, links) too.
    let (_, doc) = cargo(
        &services,
        &base.join("target"),
        &[
            "doc",
            "--quiet",
            "--workspace",
            "--no-deps",
            "--all-features",
        ],
        &[],
    );
    eprintln!(
        "waiters-published: {}; generation {:.1}s, clippy -D warnings {:.1}s, doc -D warnings {:.1}s",
        summary.join("; "),
        generation.as_secs_f64(),
        build.as_secs_f64(),
        doc.as_secs_f64()
    );
}
