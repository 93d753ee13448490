//! insta snapshots of the generator's output: one snapshot per emitted file
//! per fixture model (`tests/fixtures/ok`), the error message for each invalid
//! fixture (`tests/fixtures/err`), and the IR of the committed model.

use codegen::{GeneratedFile, Options};
use std::path::Path;

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// The files a fixture produces: all of them are its own, since the runtime is a
/// dependency (`Runtime::Path`), not a copy.
fn own_files(files: Vec<GeneratedFile>) -> Vec<GeneratedFile> {
    assert!(
        files.iter().all(|f| !f.path.starts_with("src/rt/")),
        "a crate with a runtime dependency carries no copy of it"
    );
    files
}

#[test]
fn fixtures_generate() {
    insta::glob!("fixtures/ok/*.json", |path| {
        let name = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("fixture");
        let model_name = format!("fixtures/ok/{name}.json");
        let options = Options {
            protocol_tests: true,
            ..Options::default()
        };
        let files =
            codegen::generate(&model_name, &read(path), &options).unwrap_or_else(|e| panic!("{e}"));
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

/// The published model (every operation, its HTML documentation and examples).
fn full_model() -> String {
    read(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/models/elasticache.json"))
}

#[test]
fn full_model_gives_every_example_a_doctest() {
    let json = full_model();
    let model: serde_json::Value = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}"));
    let files = codegen::generate("elasticache.json", &json, &Options::default())
        .unwrap_or_else(|e| panic!("{e}"));
    let shapes = model["shapes"].as_object().into_iter().flatten();
    let mut operations = 0;
    for (id, shape) in shapes.filter(|(_, s)| s["type"] == "operation") {
        operations += 1;
        let name = id.rsplit('#').next().unwrap_or(id);
        let module = codegen::naming::snake(name).text;
        let path = format!("src/operation/{module}.rs");
        let file = files
            .iter()
            .find(|f| f.path == path)
            .unwrap_or_else(|| panic!("no {path} for {id}"));
        let examples = shape["traits"]["smithy.api#examples"]
            .as_array()
            .map_or(0, Vec::len);
        assert_eq!(
            file.contents.matches("/// # Example: ").count(),
            examples,
            "{id}: every example must become a doctest"
        );
    }
    assert_eq!(
        files
            .iter()
            .filter(|f| f.path.starts_with("src/operation/") && f.path != "src/operation/mod.rs")
            .count(),
        operations
    );
}

/// Structures and enums reachable from `operations` (inputs, outputs and
/// errors), computed from the JSON without the generator.
fn closure(model: &serde_json::Value, operations: &[&str]) -> (Vec<String>, Vec<String>) {
    let shapes = &model["shapes"];
    let mut stack: Vec<String> = Vec::new();
    for (id, shape) in shapes.as_object().into_iter().flatten() {
        let name = id.rsplit('#').next().unwrap_or(id);
        if shape["type"] == "operation" && operations.contains(&name) {
            for key in ["input", "output"] {
                stack.extend(shape[key]["target"].as_str().map(str::to_owned));
            }
            let errors = shape["errors"].as_array().into_iter().flatten();
            stack.extend(
                errors
                    .filter_map(|e| e["target"].as_str())
                    .map(str::to_owned),
            );
        }
    }
    let (mut structures, mut enums) = (Vec::new(), Vec::new());
    let mut seen = std::collections::BTreeSet::new();
    while let Some(id) = stack.pop() {
        if id.starts_with("smithy.api#") || !seen.insert(id.clone()) {
            continue;
        }
        let shape = &shapes[&id];
        match shape["type"].as_str().unwrap_or_default() {
            "structure" => structures.push(id.clone()),
            "enum" | "intEnum" => enums.push(id.clone()),
            "string" if shape["traits"].get("smithy.api#enum").is_some() => enums.push(id.clone()),
            _ => {}
        }
        let members = shape["members"].as_object().into_iter().flatten();
        let targets = members
            .map(|(_, m)| &m["target"])
            .chain(["member", "key", "value"].map(|k| &shape[k]["target"]));
        if shape["type"] != "enum" && shape["type"] != "intEnum" {
            stack.extend(targets.filter_map(|t| t.as_str()).map(str::to_owned));
        }
    }
    structures.sort();
    enums.sort();
    (structures, enums)
}

#[test]
fn operation_subset_of_the_full_model_holds_only_its_closure() {
    let json = full_model();
    let model: serde_json::Value = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}"));
    let selected = ["DescribeEvents", "CreateReplicationGroup"];
    let options = Options {
        operations: Some(selected.iter().map(|s| (*s).to_owned()).collect()),
        ..Options::default()
    };
    let ir = codegen::load("elasticache.json", &json, &options).unwrap_or_else(|e| panic!("{e}"));
    // The service's order, not the order asked for.
    let names: Vec<&str> = ir.operations.iter().map(|o| o.name.as_str()).collect();
    assert_eq!(names, ["CreateReplicationGroup", "DescribeEvents"]);

    let (structures, enums) = closure(&model, &selected);
    let ir_structures: Vec<String> = ir.structures.iter().map(|s| s.id.clone()).collect();
    let ir_enums: Vec<String> = ir.enums.iter().map(|e| e.id.clone()).collect();
    assert_eq!(ir_structures, structures);
    assert_eq!(ir_enums, enums);
    // Far fewer than the whole model, which a subset must not drag in.
    let all = codegen::load("elasticache.json", &json, &Options::default())
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(ir.structures.len() * 3 < all.structures.len());
    assert!(ir.structure("com.amazonaws.elasticache#Snapshot").is_none());

    let files =
        codegen::emit_crate(&ir, "elasticache.json", &options).unwrap_or_else(|e| panic!("{e}"));
    let modules: Vec<&str> = files
        .iter()
        .map(|f| f.path.as_str())
        .filter(|p| p.starts_with("src/operation/"))
        .collect();
    assert_eq!(
        modules,
        [
            "src/operation/create_replication_group.rs",
            "src/operation/describe_events.rs",
            "src/operation/mod.rs",
        ]
    );
}
