//! Every waiter of every model in `../shared/models` lowers, its JMESPath type-checked: the awsQuery
//! models through the normal lowering, and EC2 (ec2Query, which the generator does not
//! support yet) with its protocol trait swapped for awsQuery in memory, so that the
//! JMESPath compiler is not what stops EC2's 43 waiters once the protocol is supported.

use codegen::Options;
use serde_json::Value;
use std::path::PathBuf;

fn models() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/models")
}

/// The operations with waiters and the number of waiters, from the JSON.
fn waitable(model: &Value) -> (Vec<String>, usize) {
    let mut ops = Vec::new();
    let mut count = 0;
    for (id, shape) in model["shapes"].as_object().into_iter().flatten() {
        if let Some(w) = shape["traits"]["smithy.waiters#waitable"].as_object() {
            ops.push(id.rsplit('#').next().unwrap_or(id).to_owned());
            count += w.len();
        }
    }
    (ops, count)
}

fn lower(name: &str, edit: impl Fn(&mut Value)) -> (usize, usize) {
    let path = models().join(format!("{name}.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut model: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}"));
    edit(&mut model);
    let (operations, count) = waitable(&model);
    let options = Options {
        operations: Some(operations),
        ..Options::default()
    };
    let ir = codegen::load(&format!("{name}.json"), &model.to_string(), &options)
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    (ir.waiters.len(), count)
}

#[test]
fn every_awsquery_waiter_lowers() {
    for (name, expected) in [
        ("elasticache", 4),
        ("iam", 4),
        ("rds", 10),
        ("cloudformation", 10),
        ("sts", 0),
        ("sns", 0),
    ] {
        assert_eq!(lower(name, |_| {}), (expected, expected), "{name}");
    }
}

#[test]
fn every_ec2_waiter_type_checks_once_the_protocol_is_supported() {
    let (lowered, in_json) = lower("ec2", |model| {
        for shape in model["shapes"]
            .as_object_mut()
            .into_iter()
            .flatten()
            .map(|(_, s)| s)
        {
            if shape["type"] == "service" {
                if let Some(traits) = shape["traits"].as_object_mut() {
                    traits.remove("aws.protocols#ec2Query");
                    traits.insert(
                        "aws.protocols#awsQuery".into(),
                        Value::Object(Default::default()),
                    );
                }
            }
        }
    });
    assert_eq!((lowered, in_json), (43, 43));
}
