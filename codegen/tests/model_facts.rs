//! Checks that the hand-documented subset model in `model/elasticache.json`
//! carries exactly the same facts as the published ElastiCache Smithy model.
//!
//! Facts are everything except documentation: shape ids, shape types,
//! member names and their order, member targets, and every trait other than
//! `smithy.api#documentation` and `smithy.api#examples`. Documentation must be
//! present everywhere in our model and must be our own text.
//!
//! This test only uses `serde_json` (with `preserve_order`, so member order is
//! kept) and `std`; it does not depend on the codegen library.

use std::collections::{BTreeSet, HashSet};
use std::path::PathBuf;

use serde_json::{Map, Value};

const DOC: &str = "smithy.api#documentation";
const EXAMPLES: &str = "smithy.api#examples";
const WAITABLE: &str = "smithy.waiters#waitable";

/// Traits on the service shape that must match the published service.
const SERVICE_TRAITS: &[&str] = &[
    "aws.protocols#awsQuery",
    "smithy.api#xmlNamespace",
    "aws.auth#sigv4",
    "aws.api#service",
];

/// The operations our subset is meant to contain.
const EXPECTED_OPERATIONS: &[&str] = &[
    "com.amazonaws.elasticache#CopyServerlessCacheSnapshot",
    "com.amazonaws.elasticache#CopySnapshot",
    "com.amazonaws.elasticache#CreateCacheCluster",
    "com.amazonaws.elasticache#CreateServerlessCacheSnapshot",
    "com.amazonaws.elasticache#CreateSnapshot",
    "com.amazonaws.elasticache#DeleteCacheCluster",
    "com.amazonaws.elasticache#DeleteServerlessCacheSnapshot",
    "com.amazonaws.elasticache#DeleteSnapshot",
    "com.amazonaws.elasticache#DescribeCacheClusters",
    "com.amazonaws.elasticache#DescribeServerlessCacheSnapshots",
    "com.amazonaws.elasticache#DescribeSnapshots",
    "com.amazonaws.elasticache#ExportServerlessCacheSnapshot",
];

/// Number of shapes (including the operations, excluding the service) in the closure.
const EXPECTED_CLOSURE_SIZE: usize = 125;

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn our_model_path() -> PathBuf {
    manifest_dir().join("../model/elasticache.json")
}

fn published_model_path() -> PathBuf {
    manifest_dir().join("../../shared/models/elasticache.json")
}

fn load(path: &PathBuf, what: &str) -> Value {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => panic!(
            "{what} model could not be read: looked at {} ({e}). \
             This test compares against it and must not pass without it.",
            path.display()
        ),
    };
    match serde_json::from_str(&text) {
        Ok(v) => v,
        Err(e) => panic!("{what} model at {} is not valid JSON: {e}", path.display()),
    }
}

fn ours() -> Value {
    load(&our_model_path(), "our")
}

fn published() -> Value {
    load(&published_model_path(), "published")
}

fn shapes(model: &Value) -> &Map<String, Value> {
    model
        .get("shapes")
        .and_then(Value::as_object)
        .expect("model has no `shapes` object")
}

/// The (single) service shape of our model: (id, shape).
fn our_service(model: &Value) -> (String, Value) {
    let services: Vec<(&String, &Value)> = shapes(model)
        .iter()
        .filter(|(_, s)| s.get("type").and_then(Value::as_str) == Some("service"))
        .collect();
    assert_eq!(
        services.len(),
        1,
        "expected exactly one service shape in our model, found {:?}",
        services
            .iter()
            .map(|(id, _)| id.as_str())
            .collect::<Vec<_>>()
    );
    (services[0].0.clone(), services[0].1.clone())
}

fn targets_of(list: Option<&Value>) -> Vec<String> {
    list.and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(|r| r.get("target").and_then(Value::as_str))
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

fn operation_ids(service: &Value) -> Vec<String> {
    targets_of(service.get("operations"))
}

/// Every shape id directly referenced by a shape.
fn references(shape: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for key in ["input", "output", "member", "key", "value"] {
        if let Some(t) = shape
            .get(key)
            .and_then(|r| r.get("target"))
            .and_then(Value::as_str)
        {
            out.push(t.to_owned());
        }
    }
    out.extend(targets_of(shape.get("errors")));
    if let Some(members) = shape.get("members").and_then(Value::as_object) {
        for m in members.values() {
            if let Some(t) = m.get("target").and_then(Value::as_str) {
                out.push(t.to_owned());
            }
        }
    }
    out
}

/// Transitive closure of `roots` within `model`, skipping prelude shapes
/// (`smithy.api#...`) that are not defined in the model.
fn closure(model: &Value, roots: &[String]) -> BTreeSet<String> {
    let all = shapes(model);
    let mut seen = BTreeSet::new();
    let mut stack: Vec<String> = roots.to_vec();
    while let Some(id) = stack.pop() {
        if seen.contains(&id) {
            continue;
        }
        match all.get(&id) {
            Some(shape) => {
                seen.insert(id);
                stack.extend(references(shape));
            }
            None => assert!(
                id.starts_with("smithy.api#"),
                "published model references `{id}` but does not define it"
            ),
        }
    }
    seen
}

/// The closure of our service's operations, computed in the published model.
fn published_closure(ours: &Value, published: &Value) -> BTreeSet<String> {
    let (_, service) = our_service(ours);
    closure(published, &operation_ids(&service))
}

/// Traits of a shape or member, minus documentation and examples (and the documentation
/// of each waiter: our own words, like the rest).
fn fact_traits(node: &Value) -> Map<String, Value> {
    node.get("traits")
        .and_then(Value::as_object)
        .map(|t| {
            t.iter()
                .filter(|(k, _)| k.as_str() != DOC && k.as_str() != EXAMPLES)
                .map(|(k, v)| {
                    let mut v = v.clone();
                    if k == WAITABLE {
                        if let Some(waiters) = v.as_object_mut() {
                            for w in waiters.values_mut() {
                                if let Some(w) = w.as_object_mut() {
                                    w.remove("documentation");
                                }
                            }
                        }
                    }
                    (k.clone(), v)
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The documentation of each waiter of a shape, by waiter name.
fn waiter_docs(node: &Value) -> Vec<(String, String)> {
    node.get("traits")
        .and_then(|t| t.get(WAITABLE))
        .and_then(Value::as_object)
        .map(|waiters| {
            waiters
                .iter()
                .filter_map(|(name, w)| {
                    let doc = w.get("documentation")?.as_str()?;
                    Some((name.clone(), doc.to_owned()))
                })
                .collect()
        })
        .unwrap_or_default()
}

fn doc_of(node: &Value) -> Option<&str> {
    node.get("traits")
        .and_then(|t| t.get(DOC))
        .and_then(Value::as_str)
}

/// Compare trait maps key by key, reporting each difference under `place`.
fn diff_traits(place: &str, ours: &Value, published: &Value, problems: &mut Vec<String>) {
    let a = fact_traits(ours);
    let b = fact_traits(published);
    let keys: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    for k in keys {
        match (a.get(k), b.get(k)) {
            (Some(x), Some(y)) if x == y => {}
            (Some(x), Some(y)) => {
                problems.push(format!("{place}: trait `{k}` is {x}, published has {y}"))
            }
            (Some(x), None) => problems.push(format!(
                "{place}: trait `{k}` = {x} is not in the published model"
            )),
            (None, Some(y)) => problems.push(format!("{place}: trait `{k}` = {y} is missing")),
            (None, None) => unreachable!(),
        }
    }
}

/// Every member-like node of a shape: named members, list `member`, map `key`/`value`.
/// Returns (label, node) pairs in model order.
fn member_nodes(shape: &Value) -> Vec<(String, &Value)> {
    let mut out = Vec::new();
    if let Some(members) = shape.get("members").and_then(Value::as_object) {
        for (name, m) in members {
            out.push((name.clone(), m));
        }
    }
    for key in ["member", "key", "value"] {
        if let Some(m) = shape.get(key) {
            out.push((format!("<{key}>"), m));
        }
    }
    out
}

fn report(what: &str, problems: Vec<String>) {
    assert!(
        problems.is_empty(),
        "{what}: {} problem(s)\n  - {}",
        problems.len(),
        problems.join("\n  - ")
    );
}

#[test]
fn published_model_is_present() {
    let path = published_model_path();
    assert!(
        path.is_file(),
        "published ElastiCache model not found; looked at {}",
        path.display()
    );
    let published = published();
    let (id, _) = our_service(&ours());
    assert!(
        shapes(&published).contains_key(&id),
        "published model at {} does not define our service `{id}`",
        path.display()
    );
}

#[test]
fn our_model_is_smithy_2_and_sorted() {
    let ours = ours();
    assert_eq!(
        ours.get("smithy").and_then(Value::as_str),
        Some("2.0"),
        "our model must declare smithy 2.0"
    );
    let ids: Vec<&String> = shapes(&ours).keys().collect();
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(
        ids, sorted,
        "shapes in our model are not sorted by shape id"
    );
}

#[test]
fn service_shape_matches_published() {
    let ours = ours();
    let published = published();
    let (id, svc) = our_service(&ours);
    let pub_svc = shapes(&published)
        .get(&id)
        .unwrap_or_else(|| panic!("published model has no service `{id}`"));
    let mut problems = Vec::new();
    if pub_svc.get("type") != Some(&Value::from("service")) {
        problems.push(format!("published `{id}` is not a service"));
    }
    if svc.get("version") != pub_svc.get("version") {
        problems.push(format!(
            "service version is {:?}, published has {:?}",
            svc.get("version"),
            pub_svc.get("version")
        ));
    }
    for t in SERVICE_TRAITS {
        let a = svc.get("traits").and_then(|x| x.get(*t));
        let b = pub_svc.get("traits").and_then(|x| x.get(*t));
        if b.is_none() {
            problems.push(format!("published service lacks trait `{t}`"));
        } else if a != b {
            problems.push(format!("service trait `{t}` is {a:?}, published has {b:?}"));
        }
    }
    let mut ops = operation_ids(&svc);
    ops.sort();
    if ops != EXPECTED_OPERATIONS {
        problems.push(format!(
            "service operations are {ops:?}, expected {EXPECTED_OPERATIONS:?}"
        ));
    }
    let pub_ops: HashSet<String> = operation_ids(pub_svc).into_iter().collect();
    for op in &ops {
        if !pub_ops.contains(op) {
            problems.push(format!(
                "operation `{op}` is not bound to the published service"
            ));
        }
    }
    // The endpoint rules are the published ones, without the parameters' documentation.
    let mut rules = pub_svc
        .get("traits")
        .and_then(|t| t.get("smithy.rules#endpointRuleSet"))
        .cloned();
    if let Some(params) = rules
        .as_mut()
        .and_then(|r| r.get_mut("parameters"))
        .and_then(Value::as_object_mut)
    {
        for p in params.values_mut() {
            if let Some(p) = p.as_object_mut() {
                p.remove("documentation");
            }
        }
    }
    if svc
        .get("traits")
        .and_then(|t| t.get("smithy.rules#endpointRuleSet"))
        != rules.as_ref()
    {
        problems.push(
            "our endpoint rule set differs from the published one (without parameter docs)"
                .to_owned(),
        );
    }
    if doc_of(&svc).is_none() {
        problems.push("our service has no documentation".to_owned());
    }
    report("service shape", problems);
}

#[test]
fn closure_shape_ids_match() {
    let ours = ours();
    let published = published();
    let expected = published_closure(&ours, &published);
    let actual: BTreeSet<String> = shapes(&ours)
        .iter()
        .filter(|(_, s)| s.get("type").and_then(Value::as_str) != Some("service"))
        .map(|(id, _)| id.clone())
        .collect();
    let mut problems = Vec::new();
    for id in expected.difference(&actual) {
        problems.push(format!(
            "`{id}` is reachable in the published model but missing from ours"
        ));
    }
    for id in actual.difference(&expected) {
        problems.push(format!(
            "`{id}` is in our model but not in the published closure"
        ));
    }
    report("closure shape ids", problems);
    assert_eq!(
        expected.len(),
        EXPECTED_CLOSURE_SIZE,
        "published closure size changed: {expected:?}"
    );
}

#[test]
fn shape_types_and_properties_match() {
    let ours = ours();
    let published = published();
    let pub_shapes = shapes(&published);
    let mut problems = Vec::new();
    for id in published_closure(&ours, &published) {
        let Some(our) = shapes(&ours).get(&id) else {
            problems.push(format!("`{id}` missing from our model"));
            continue;
        };
        let theirs = &pub_shapes[&id];
        if our.get("type") != theirs.get("type") {
            problems.push(format!(
                "`{id}`: type is {:?}, published has {:?}",
                our.get("type"),
                theirs.get("type")
            ));
        }
        // Non-member, non-trait properties: input, output, errors, mixins, ...
        let skip = ["type", "traits", "members", "member", "key", "value"];
        let keys: BTreeSet<&String> = our
            .as_object()
            .into_iter()
            .flat_map(|o| o.keys())
            .chain(theirs.as_object().into_iter().flat_map(|o| o.keys()))
            .filter(|k| !skip.contains(&k.as_str()))
            .collect();
        for k in keys {
            if our.get(k) != theirs.get(k) {
                problems.push(format!(
                    "`{id}`: property `{k}` is {:?}, published has {:?}",
                    our.get(k),
                    theirs.get(k)
                ));
            }
        }
    }
    report("shape types and properties", problems);
}

#[test]
fn shape_traits_match() {
    let ours = ours();
    let published = published();
    let mut problems = Vec::new();
    for id in published_closure(&ours, &published) {
        let Some(our) = shapes(&ours).get(&id) else {
            problems.push(format!("`{id}` missing from our model"));
            continue;
        };
        diff_traits(
            &format!("`{id}`"),
            our,
            &shapes(&published)[&id],
            &mut problems,
        );
    }
    report("shape-level traits", problems);
}

#[test]
fn members_match_in_order() {
    let ours = ours();
    let published = published();
    let mut problems = Vec::new();
    for id in published_closure(&ours, &published) {
        let Some(our) = shapes(&ours).get(&id) else {
            problems.push(format!("`{id}` missing from our model"));
            continue;
        };
        let theirs = &shapes(&published)[&id];
        let a = member_nodes(our);
        let b = member_nodes(theirs);
        let a_names: Vec<&str> = a.iter().map(|(n, _)| n.as_str()).collect();
        let b_names: Vec<&str> = b.iter().map(|(n, _)| n.as_str()).collect();
        if a_names != b_names {
            problems.push(format!(
                "`{id}`: members are {a_names:?}, published has {b_names:?}"
            ));
            continue;
        }
        for ((name, m), (_, pm)) in a.iter().zip(b.iter()) {
            let place = format!("`{id}${name}`");
            if m.get("target") != pm.get("target") {
                problems.push(format!(
                    "{place}: target is {:?}, published has {:?}",
                    m.get("target"),
                    pm.get("target")
                ));
            }
            diff_traits(&place, m, pm, &mut problems);
        }
    }
    report("members", problems);
}

#[test]
fn every_shape_and_member_is_documented() {
    let ours = ours();
    let mut problems = Vec::new();
    for (id, shape) in shapes(&ours) {
        match doc_of(shape) {
            Some(d) if !d.trim().is_empty() => {}
            _ => problems.push(format!("`{id}` has no documentation")),
        }
        for (name, m) in member_nodes(shape) {
            match doc_of(m) {
                Some(d) if !d.trim().is_empty() => {}
                _ => problems.push(format!("`{id}${name}` has no documentation")),
            }
        }
    }
    report("documentation coverage", problems);
}

#[test]
fn documentation_is_our_own() {
    let ours = ours();
    let published = published();
    let pub_shapes = shapes(&published);
    let mut problems = Vec::new();
    for (id, shape) in shapes(&ours) {
        let Some(theirs) = pub_shapes.get(id) else {
            continue;
        };
        if let (Some(a), Some(b)) = (doc_of(shape), doc_of(theirs)) {
            if a.trim() == b.trim() {
                problems.push(format!(
                    "`{id}`: documentation is identical to the published text"
                ));
            }
        }
        let their_waiters = waiter_docs(theirs);
        for (name, doc) in waiter_docs(shape) {
            if their_waiters
                .iter()
                .any(|(n, d)| *n == name && d.trim() == doc.trim())
            {
                problems.push(format!(
                    "`{id}` waiter `{name}`: documentation is identical to the published text"
                ));
            }
        }
        let their_members = member_nodes(theirs);
        for (name, m) in member_nodes(shape) {
            let Some((_, pm)) = their_members.iter().find(|(n, _)| *n == name) else {
                continue;
            };
            if let (Some(a), Some(b)) = (doc_of(m), doc_of(pm)) {
                if a.trim() == b.trim() {
                    problems.push(format!(
                        "`{id}${name}`: documentation is identical to the published text"
                    ));
                }
            }
        }
    }
    report("documentation originality", problems);
}

#[test]
fn operations_have_examples() {
    let ours = ours();
    let published = published();
    let mut problems = Vec::new();
    for op in EXPECTED_OPERATIONS {
        let examples = shapes(&ours)
            .get(*op)
            .and_then(|s| s.get("traits"))
            .and_then(|t| t.get(EXAMPLES))
            .and_then(Value::as_array);
        let Some(examples) = examples else {
            problems.push(format!("`{op}` has no examples"));
            continue;
        };
        for (i, ex) in examples.iter().enumerate() {
            for key in ["title", "documentation", "input", "output"] {
                if ex.get(key).is_none() {
                    problems.push(format!("`{op}` example {i} lacks `{key}`"));
                }
            }
        }
        // Where the published model has examples, titles, inputs and outputs are data
        // and must carry over; the prose must be ours.
        let pub_examples = shapes(&published)
            .get(*op)
            .and_then(|s| s.get("traits"))
            .and_then(|t| t.get(EXAMPLES))
            .and_then(Value::as_array);
        if let Some(pub_examples) = pub_examples {
            if pub_examples.len() != examples.len() {
                problems.push(format!(
                    "`{op}`: {} examples, published has {}",
                    examples.len(),
                    pub_examples.len()
                ));
            }
            for (i, (a, b)) in examples.iter().zip(pub_examples).enumerate() {
                for key in ["title", "input", "output", "error"] {
                    if a.get(key) != b.get(key) {
                        problems.push(format!(
                            "`{op}` example {i}: `{key}` differs from published"
                        ));
                    }
                }
                if a.get("documentation").is_some()
                    && a.get("documentation") == b.get("documentation")
                {
                    problems.push(format!(
                        "`{op}` example {i}: documentation is identical to the published text"
                    ));
                }
            }
        }
    }
    report("operation examples", problems);
}
