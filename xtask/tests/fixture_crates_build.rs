//! Every fixture model generates a crate that passes `cargo clippy -D
//! warnings`, its own tests (with the protocol tests of fixtures that have
//! them, and the hand-written tests in `codegen/tests/fixtures/crate_tests/NAME.rs`
//! of fixtures that have one) and `cargo doc -D warnings`: the snapshots hold
//! code that really compiles, not just text.

mod support;

use support::cargo;
use xtask::{codegen, workspace_root, CodegenArgs};

#[test]
fn fixture_crates_compile_lint_and_document_clean() {
    let root = workspace_root();
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let fixtures = root.join("codegen/tests/fixtures/ok");
    let crate_tests = root.join("codegen/tests/fixtures/crate_tests");
    let mut members = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir(&fixtures)
        .unwrap_or_else(|e| panic!("{}: {e}", fixtures.display()))
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    entries.sort();
    for model in entries {
        let name = model
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("x")
            .to_owned();
        let out = dir.path().join(&name);
        codegen(
            &root,
            &CodegenArgs {
                models: vec![model.clone()],
                out: Some(out.clone()),
                crate_name: Some(format!("fixture_{name}")),
                protocol_tests: true,
                ..CodegenArgs::default()
            },
        )
        .unwrap_or_else(|e| panic!("{}: {e}", model.display()));
        let hand_written = crate_tests.join(format!("{name}.rs"));
        if hand_written.exists() {
            support::write_if_changed(
                &out.join("tests/hand_written.rs"),
                &support::read(&hand_written),
            );
        }
        // Members of the workspace below, not workspaces of their own; the hand-written
        // tests may check serde output as JSON.
        let manifest = out.join("Cargo.toml");
        let text = std::fs::read_to_string(&manifest).unwrap_or_else(|e| panic!("{e}"));
        let text = text.replace("\n[workspace]\n", "\n").replace(
            "\n[dev-dependencies]\n",
            "\n[dev-dependencies]\nserde_json = \"1\"\n",
        );
        std::fs::write(&manifest, text).unwrap_or_else(|e| panic!("{e}"));
        members.push(format!("\"{name}\""));
    }
    std::fs::write(
        dir.path().join("Cargo.toml"),
        format!(
            "[workspace]\nresolver = \"2\"\nmembers = [{}]\n",
            members.join(", ")
        ),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    // Same dependency versions as this workspace.
    support::copy_lockfile(&root, dir.path());
    let target = root.join("target/fixture-crates");
    cargo(
        dir.path(),
        &target,
        &[
            "clippy",
            "--workspace",
            "--all-targets",
            "--all-features",
            "--",
            "-D",
            "warnings",
        ],
        &[],
    );
    cargo(
        dir.path(),
        &target,
        &["test", "--workspace", "--all-features"],
        &[],
    );
    cargo(
        dir.path(),
        &target,
        &["doc", "--workspace", "--no-deps", "--all-features"],
        &[],
    );
}
