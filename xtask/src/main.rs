//! `cargo xtask codegen [--check] [--model PATH]... [--out DIR] [--operations A,B,…]
//! [--crate-name NAME] [--service SHAPE_ID] [--protocol-tests] [--runtime path|version[=REQ]|vendor]`
//!
//!
//! `cargo xtask partitions [--check] [--table PATH]`: writes `runtime/src/rules/partitions.rs`
//! from botocore's partition table (`../shared/models/partitions.json`).
//!
//! Exit codes: 0 done (or fresh), 1 `--check` found stale files, 2 bad input
//! (missing file, invalid JSON, invalid model), with one message on stderr.

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("codegen") => run_codegen(&args[1..]),
        Some("partitions") => run_partitions(&args[1..]),
        _ => {
            eprintln!("{}", xtask::USAGE);
            ExitCode::from(2)
        }
    }
}

fn run_codegen(args: &[String]) -> ExitCode {
    let parsed = match xtask::parse_args(args) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let root = xtask::workspace_root();
    let report = match xtask::codegen(&root, &parsed) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            eprintln!("nothing was written");
            return ExitCode::from(2);
        }
    };
    let ms = report.elapsed.as_secs_f64() * 1000.0;
    if parsed.check {
        if report.is_fresh() {
            println!(
                "generated code is fresh: {} files unchanged ({ms:.0} ms)",
                report.unchanged
            );
            return ExitCode::SUCCESS;
        }
        eprintln!("generated code is stale:");
        for f in &report.updated {
            eprintln!("  changed: {f}");
        }
        for f in &report.removed {
            eprintln!("  orphan:  {f}");
        }
        eprintln!("run `cargo xtask codegen` and commit the result");
        return ExitCode::from(1);
    }
    for f in &report.updated {
        println!("updated   {f}");
    }
    for f in &report.removed {
        println!("removed   {f}");
    }
    println!(
        "{} updated, {} unchanged, {} removed in {ms:.0} ms",
        report.updated.len(),
        report.unchanged,
        report.removed.len()
    );
    ExitCode::SUCCESS
}

fn run_partitions(args: &[String]) -> ExitCode {
    let mut check = false;
    let mut table = None;
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--check" => check = true,
            "--table" => match it.next() {
                Some(path) => table = Some(std::path::PathBuf::from(path)),
                None => {
                    eprintln!("error: --table needs a value");
                    return ExitCode::from(2);
                }
            },
            other => {
                eprintln!("error: unknown argument `{other}`\nusage: cargo xtask partitions [--check] [--table PATH]");
                return ExitCode::from(2);
            }
        }
    }
    let root = xtask::workspace_root();
    match xtask::partitions(&root, table.as_deref(), check) {
        Ok(true) => {
            println!("{} is fresh", xtask::PARTITIONS_RS);
            ExitCode::SUCCESS
        }
        Ok(false) if check => {
            eprintln!(
                "{} is stale: run `cargo xtask partitions` and commit the result",
                xtask::PARTITIONS_RS
            );
            ExitCode::from(1)
        }
        Ok(false) => {
            println!("updated   {}", xtask::PARTITIONS_RS);
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}
