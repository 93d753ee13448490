//! insta snapshots of the generator's output: one snapshot per emitted file
//! per fixture model (`tests/fixtures/ok`), the error message for each invalid
//! fixture (`tests/fixtures/err`), and the IR of the committed model.

use codegen::{GeneratedFile, Options};
use std::path::Path;

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// The files a fixture produces that are its own (the runtime copies are the
/// same for every model and are tested where they are written).
fn own_files(files: Vec<GeneratedFile>) -> Vec<GeneratedFile> {
    files
        .into_iter()
        .filter(|f| !f.path.starts_with("src/rt/"))
        .collect()
}

#[test]
fn fixtures_generate() {
    insta::glob!("fixtures/ok/*.json", |path| {
        let name = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("fixture");
        let model_name = format!("fixtures/ok/{name}.json");
        let files = codegen::generate(&model_name, &read(path), &Options::default())
            .unwrap_or_else(|e| panic!("{e}"));
        for f in own_files(files) {
            let snapshot_name = format!("{name}__{}", f.path.replace('/', "__"));
            insta::assert_snapshot!(snapshot_name, f.contents);
        }
    });
}

#[test]
fn invalid_fixtures_are_rejected_with_a_located_message() {
    insta::glob!("fixtures/err/*.json", |path| {
        let name = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("fixture");
        let model_name = format!("fixtures/err/{name}.json");
        match codegen::generate(&model_name, &read(path), &Options::default()) {
            Ok(_) => panic!("{model_name} should have been rejected"),
            Err(e) => insta::assert_snapshot!(e.to_string()),
        }
    });
}

#[test]
fn ir_of_the_committed_model() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../model/elasticache.json");
    let ir = codegen::load("model/elasticache.json", &read(&path), &Options::default())
        .unwrap_or_else(|e| panic!("{e}"));
    insta::assert_yaml_snapshot!(ir);
}

#[test]
fn generation_is_deterministic() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../model/elasticache.json");
    let json = read(&path);
    let a = codegen::generate("model/elasticache.json", &json, &Options::default());
    let b = codegen::generate("model/elasticache.json", &json, &Options::default());
    assert_eq!(a, b);
}

#[test]
fn bad_json_names_line_and_column() {
    let err = codegen::generate(
        "m.json",
        "{\n  \"smithy\": \"2.0\",\n  \"shapes\": {,}\n}",
        &Options::default(),
    )
    .expect_err("invalid JSON must be rejected");
    assert_eq!(err.location, "m.json:3:14");
    assert!(err.message.starts_with("invalid JSON"), "{err}");
}

#[test]
fn unknown_shape_type_is_an_error() {
    let json = r#"{"smithy":"2.0","shapes":{"a#B":{"type":"widget"}}}"#;
    let err = codegen::generate("m.json", json, &Options::default()).expect_err("must be rejected");
    assert!(err.message.contains("widget"), "{err}");
}

#[test]
fn unknown_operation_is_named() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../model/elasticache.json");
    let options = Options {
        operations: Some(vec!["NoSuchThing".into()]),
        ..Options::default()
    };
    let err = codegen::generate("model/elasticache.json", &read(&path), &options)
        .expect_err("must be rejected");
    assert_eq!(
        err.location,
        "com.amazonaws.elasticache#AmazonElastiCacheV9"
    );
    assert!(
        err.message.contains("NoSuchThing") && err.message.contains("CopySnapshot"),
        "{err}"
    );
}

#[test]
fn operation_subset_holds_only_its_closure() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../model/elasticache.json");
    let options = Options {
        operations: Some(vec!["CopyServerlessCacheSnapshot".into()]),
        ..Options::default()
    };
    let ir = codegen::load("model/elasticache.json", &read(&path), &options)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(ir.operations.len(), 1);
    assert!(ir
        .structure("com.amazonaws.elasticache#ServerlessCacheSnapshot")
        .is_some());
    assert!(ir.structure("com.amazonaws.elasticache#Snapshot").is_none());
    assert!(ir
        .structure("com.amazonaws.elasticache#SnapshotNotFoundFault")
        .is_none());
}
