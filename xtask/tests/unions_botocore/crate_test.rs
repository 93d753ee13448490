//! Copied into the crate generated from `codegen/tests/fixtures/ok/unions.json` by
//! `xtask/tests/unions_botocore.rs`, beside `cases.json`: botocore's answers for random
//! inputs and responses of `Put`, and for hand-written bodies. Each input, read with serde,
//! must serialize to the form pairs botocore sent; each body must parse to botocore's value
//! (the output's serde JSON without its `null`s), or fail where botocore failed.

use fixture_unions::operation::put::{self, PutInput};
use fixture_unions::rt::test_support::form_pairs;
use serde_json::Value;
use std::collections::BTreeMap;

/// `v` without the `null` members of its objects (serde writes unset members as `null`;
/// botocore leaves them out).
fn without_nulls(v: Value) -> Value {
    match v {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k, without_nulls(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(without_nulls).collect()),
        other => other,
    }
}

/// Counts the member names of the `Value` unions in `v` (its `Value`, the items of its
/// `Values`, and what they nest).
fn count_members(v: &Value, seen: &mut BTreeMap<String, usize>) {
    fn union(u: &Value, seen: &mut BTreeMap<String, usize>) {
        if let Some((name, inner)) = u.as_object().and_then(|o| o.iter().next()) {
            *seen.entry(name.clone()).or_default() += 1;
            if name == "Nested" {
                union(inner, seen);
            }
        }
    }
    union(&v["Value"], seen);
    for item in v["Values"].as_array().into_iter().flatten() {
        union(item, seen);
    }
}

#[test]
fn agrees_with_botocore() {
    let cases: Vec<Value> =
        serde_json::from_str(include_str!("cases.json")).unwrap_or_else(|e| panic!("{e}"));
    let mut failures = Vec::new();
    let mut tally: BTreeMap<&str, usize> = BTreeMap::new();
    let mut inputs_seen = BTreeMap::new();
    let mut outputs_seen = BTreeMap::new();
    for case in &cases {
        let kind = case["kind"].as_str().unwrap_or_default();
        *tally.entry(kind).or_default() += 1;
        match kind {
            "input" => {
                count_members(&case["params"], &mut inputs_seen);
                let input: PutInput = match serde_json::from_value(case["params"].clone()) {
                    Ok(i) => i,
                    Err(e) => {
                        failures.push(format!(
                            "seed {}: serde cannot read the input: {e}",
                            case["seed"]
                        ));
                        continue;
                    }
                };
                let ours = form_pairs(&put::serialize_request(&input));
                let theirs = form_pairs(case["body"].as_str().unwrap_or_default());
                if ours != theirs {
                    failures.push(format!(
                        "seed {}: input {}\n  ours     {ours:?}\n  botocore {theirs:?}",
                        case["seed"], case["params"]
                    ));
                }
            }
            _ => {
                let body = case["body"].as_str().unwrap_or_default();
                let expected = &case["expected"];
                count_members(expected, &mut outputs_seen);
                match (
                    put::parse_response(200, body.as_bytes()),
                    expected.is_null(),
                ) {
                    (Ok(out), false) => {
                        let ours = without_nulls(
                            serde_json::to_value(&out).unwrap_or_else(|e| panic!("{e}")),
                        );
                        if &ours != expected {
                            failures.push(format!(
                                "{kind} {}: {body}\n  ours     {ours}\n  botocore {expected}",
                                case["seed"]
                            ));
                        }
                    }
                    (Err(_), true) => {}
                    (Ok(out), true) => {
                        failures.push(format!("botocore rejects {body}, we read {out:?}"))
                    }
                    (Err(e), false) => {
                        failures.push(format!("{body}: botocore reads {expected}, we fail: {e}"))
                    }
                }
            }
        }
    }
    println!("cases: {tally:?}");
    println!("Value members in inputs: {inputs_seen:?}");
    println!("Value members in outputs: {outputs_seen:?}");
    assert!(
        failures.is_empty(),
        "{} of {} cases differ:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
    // Every member of the union was exercised both ways.
    for seen in [&inputs_seen, &outputs_seen] {
        for member in [
            "Text", "Number", "At", "Tags", "Pair", "Nested", "Nothing", "Secret", "Renamed",
        ] {
            assert!(seen.contains_key(member), "{member} never seen: {seen:?}");
        }
    }
}
