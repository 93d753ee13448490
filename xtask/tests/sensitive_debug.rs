//! At run time, `Debug` of every generated type with sensitive data hides it.
//!
//! STS and IAM (`../shared/models`) are generated into one workspace (`cargo xtask codegen
//! --model sts.json --model iam.json --out …`). From the IR, every structure whose `Debug`
//! redacts something gets a value built with the crate's constructor and setters, with a
//! distinct marker in every member that can carry one (strings, numbers, timestamps, blobs,
//! unknown enum values; lists, maps and nested structures filled in turn). A program built
//! against both crates formats each value with `{:?}` and checks that no marker below a
//! sensitive member (or inside a sensitive structure) appears, that every other marker
//! does, and that the placeholder does.
//!
//! The structures that redact are also counted from the models' JSON, without the
//! generator, and against the numbers the models give today: STS 5 (`Credentials` with
//! `SecretAccessKey`, the web identity, SAML and trade-in tokens), IAM 9 (passwords,
//! secret and private keys, MFA seeds).
//!
//! Layout, all under the workspace's `target/sensitive-debug/` (never checked in):
//! `services/` (the generated workspace), `check/` (the program, depending on both crates
//! without their `client` feature) and `target/`, their shared `CARGO_TARGET_DIR`, so a
//! rerun rebuilds only what changed.

mod support;

use codegen::ir::{Ir, Ty};
use codegen::Options;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::{json, Map, Value};
use std::collections::BTreeSet;
use std::process::Command;
use std::time::Instant;
use support::{cargo, copy_lockfile, read, write_if_changed};
use xtask::{codegen, workspace_root, CodegenArgs};

/// The models, and how many of their structures redact something.
const MODELS: &[(&str, usize)] = &[("sts", 5), ("iam", 9)];

/// Fills a structure's members with markers, remembering which must stay hidden.
struct Markers<'a> {
    ir: &'a Ir,
    next: u64,
    /// What the `Debug` text must not contain.
    hidden: Vec<String>,
    /// What it must contain.
    shown: Vec<String>,
    /// Sensitive values whose type cannot carry a marker (booleans, small integers).
    unmarked: Vec<String>,
}

impl Markers<'_> {
    fn note(&mut self, hidden: bool, needle: String) {
        if hidden {
            self.hidden.push(needle);
        } else {
            self.shown.push(needle);
        }
    }

    /// The JSON document of structure `id`: every member set, except one that would lead
    /// back to a structure being filled (always optional).
    fn structure(&mut self, id: &str, hidden: bool, stack: &mut Vec<String>) -> Value {
        let s = self
            .ir
            .structure(id)
            .unwrap_or_else(|| panic!("{id} is not a structure of the IR"));
        let hidden = hidden || s.sensitive;
        stack.push(id.to_owned());
        let mut members = Map::new();
        for m in &s.members {
            if innermost_structure(&m.ty).is_some_and(|t| stack.iter().any(|s| s == t)) {
                assert!(m.optional, "{id}${} is required and recursive", m.name);
                continue;
            }
            let at = format!("{id}${}", m.name);
            let value = self.value(&m.ty, hidden || m.sensitive, &at, stack);
            members.insert(m.name.clone(), value);
            if s.is_union() {
                // A union value holds one member.
                break;
            }
        }
        stack.pop();
        Value::Object(members)
    }

    fn value(&mut self, ty: &Ty, hidden: bool, at: &str, stack: &mut Vec<String>) -> Value {
        self.next += 1;
        let n = self.next;
        let text = format!("<mk-{n}>");
        // Seven digits for numbers, ten for instants: no needle is part of another.
        let number = 3_000_000 + n;
        match ty {
            Ty::String => {
                self.note(hidden, text.clone());
                Value::String(text)
            }
            Ty::Enum(id) if self.ir.enumeration(id).is_some_and(|e| e.int) => {
                self.note(hidden, number.to_string());
                json!(number)
            }
            // Not a known value: `Unknown("<mk-n>")`.
            Ty::Enum(_) => {
                self.note(hidden, text.clone());
                Value::String(text)
            }
            Ty::Integer | Ty::Long | Ty::Float | Ty::Double => {
                self.note(hidden, number.to_string());
                json!(number)
            }
            Ty::Timestamp(_) => {
                let secs = 1_900_000_000 + n;
                self.note(hidden, secs.to_string());
                json!(secs)
            }
            // `Blob([60, 109, …])`.
            Ty::Blob => {
                self.note(hidden, format!("{:?}", text.as_bytes()));
                Value::String(text)
            }
            Ty::Boolean | Ty::Byte | Ty::Short => {
                if hidden {
                    self.unmarked.push(at.to_owned());
                }
                if *ty == Ty::Boolean {
                    json!(true)
                } else {
                    json!(1)
                }
            }
            Ty::Structure(id) => self.structure(id, hidden, stack),
            Ty::Unit => json!({}),
            Ty::List(list) => json!([self.value(&list.item, hidden, at, stack)]),
            Ty::Map(map) => {
                let key = match self.value(&map.key, hidden, at, stack) {
                    Value::String(key) => key,
                    other => panic!("{at}: map key {other}"),
                };
                let mut entries = Map::new();
                entries.insert(key, self.value(&map.value, hidden, at, stack));
                Value::Object(entries)
            }
        }
    }
}

/// The structure a value of `ty` holds, through lists and maps.
fn innermost_structure(ty: &Ty) -> Option<&str> {
    match ty {
        Ty::Structure(id) => Some(id),
        Ty::List(list) => innermost_structure(&list.item),
        Ty::Map(map) => innermost_structure(&map.value),
        _ => None,
    }
}

/// The structures of the service's closure with sensitive data, from the model's JSON
/// alone: the structure carries `smithy.api#sensitive`, or a member does, or a member's
/// target does, or the member or target of a list (or the key or value of a map) a member
/// targets, however deep.
fn redacting_in_json(model: &Value) -> BTreeSet<String> {
    const SENSITIVE: &str = "smithy.api#sensitive";
    let shapes = &model["shapes"];
    let has = |v: &Value| v["traits"].get(SENSITIVE).is_some();
    fn target_sensitive(shapes: &Value, id: &str) -> bool {
        let shape = &shapes[id];
        if id.starts_with("smithy.api#") || shape.is_null() {
            return false;
        }
        if shape["traits"].get(SENSITIVE).is_some() {
            return true;
        }
        ["member", "key", "value"].iter().any(|k| {
            let m = &shape[*k];
            m["traits"].get(SENSITIVE).is_some()
                || m["target"]
                    .as_str()
                    .is_some_and(|t| target_sensitive(shapes, t))
        })
    }
    let mut stack: Vec<String> = Vec::new();
    for (_, shape) in shapes.as_object().into_iter().flatten() {
        match shape["type"].as_str() {
            Some("service") => {
                let errors = shape["errors"].as_array().into_iter().flatten();
                stack.extend(
                    errors
                        .filter_map(|e| e["target"].as_str())
                        .map(str::to_owned),
                );
            }
            Some("operation") => {
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
            _ => {}
        }
    }
    let mut seen = BTreeSet::new();
    let mut out = BTreeSet::new();
    while let Some(id) = stack.pop() {
        if id.starts_with("smithy.api#") || !seen.insert(id.clone()) {
            continue;
        }
        let shape = &shapes[&id];
        let members: Vec<&Value> = shape["members"]
            .as_object()
            .into_iter()
            .flat_map(|m| m.values())
            .collect();
        if shape["type"] == "structure"
            && (has(shape)
                || members.iter().any(|m| {
                    has(m)
                        || m["target"]
                            .as_str()
                            .is_some_and(|t| target_sensitive(shapes, t))
                }))
        {
            out.insert(id.clone());
        }
        let targets = members
            .iter()
            .map(|m| &m["target"])
            .chain(["member", "key", "value"].map(|k| &shape[k]["target"]));
        stack.extend(targets.filter_map(Value::as_str).map(str::to_owned));
    }
    out
}

/// The checks of one crate's redacting structures, as statements of the program's `main`.
fn checks(ir: &Ir) -> (Vec<TokenStream>, usize) {
    let krate = format_ident!("{}", ir.service.crate_name.replace('-', "_"));
    let krate = quote!(#krate);
    let mut out = Vec::new();
    let mut unmarked = Vec::new();
    for s in ir.structures.iter().filter(|s| s.redacts()) {
        let mut markers = Markers {
            ir,
            next: 0,
            hidden: Vec::new(),
            shown: Vec::new(),
            unmarked: Vec::new(),
        };
        let json = markers.structure(&s.id, false, &mut Vec::new());
        let expr = codegen::emit::examples::structure_expr(ir, &krate, &s.id, &json)
            .unwrap_or_else(|| panic!("{}: cannot build it from {json}", s.id));
        assert!(
            !markers.hidden.is_empty(),
            "{}: nothing sensitive set",
            s.id
        );
        let label = format!("{}::{}", ir.service.crate_name, s.name.text);
        let (hidden, shown) = (&markers.hidden, &markers.shown);
        out.push(quote! {
            let value = #expr;
            failures.extend(check(#label, &format!("{value:?}"), &[#(#hidden),*], &[#(#shown),*]));
        });
        unmarked.extend(markers.unmarked);
    }
    assert_eq!(
        unmarked,
        Vec::<String>::new(),
        "sensitive values this test cannot mark, so cannot check"
    );
    let count = out.len();
    (out, count)
}

/// The program: every check, then a summary line; it fails when any check did.
fn program(checks: &[TokenStream], total: usize) -> String {
    let placeholder = codegen::emit::shapes::REDACTED;
    let tokens = quote! {
        //! Formats a value of every generated type that has sensitive data and checks what
        //! its `Debug` shows. Written by `xtask/tests/sensitive_debug.rs`.

        #![allow(deprecated)]

        const PLACEHOLDER: &str = #placeholder;

        /// Whether `text` contains `needle`: as a whole run of digits for a number.
        fn contains(text: &str, needle: &str) -> bool {
            if needle.bytes().all(|b| b.is_ascii_digit()) {
                text.split(|c: char| !c.is_ascii_digit()).any(|run| run == needle)
            } else {
                text.contains(needle)
            }
        }

        fn check(ty: &str, text: &str, hidden: &[&str], shown: &[&str]) -> Vec<String> {
            let mut failures = Vec::new();
            for needle in hidden.iter().filter(|n| contains(text, n)) {
                failures.push(format!("{ty}: sensitive {needle} shown in {text}"));
            }
            for needle in shown.iter().filter(|n| !contains(text, n)) {
                failures.push(format!("{ty}: {needle} missing from {text}"));
            }
            if !text.contains(PLACEHOLDER) {
                failures.push(format!("{ty}: no placeholder in {text}"));
            }
            failures
        }

        fn main() {
            let mut failures: Vec<String> = Vec::new();
            #({ #checks })*
            for failure in &failures {
                eprintln!("{failure}");
            }
            println!("checked {} types, {} failures", #total, failures.len());
            if !failures.is_empty() {
                std::process::exit(1);
            }
        }
    };
    codegen::emit::file::render(
        "src/main.rs",
        "// Written by xtask/tests/sensitive_debug.rs.\n",
        tokens,
    )
    .unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn debug_of_every_sensitive_type_in_sts_and_iam_redacts_it() {
    let root = workspace_root();
    let models = root.join("../shared/models");
    let base = root.join("target/sensitive-debug");
    let services = base.join("services");

    let start = Instant::now();
    let report = codegen(
        &root,
        &CodegenArgs {
            models: MODELS
                .iter()
                .map(|(m, _)| models.join(format!("{m}.json")))
                .collect(),
            out: Some(services.clone()),
            ..CodegenArgs::default()
        },
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let mut all_checks = Vec::new();
    for (name, expected) in MODELS {
        let json = read(&models.join(format!("{name}.json")));
        let ir = codegen::load(&format!("{name}.json"), &json, &Options::default())
            .unwrap_or_else(|e| panic!("{e}"));
        let from_ir: BTreeSet<String> = ir
            .structures
            .iter()
            .filter(|s| s.redacts())
            .map(|s| s.id.clone())
            .collect();
        let model: Value = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(from_ir, redacting_in_json(&model), "{name}");
        let (checks, count) = checks(&ir);
        assert_eq!(count, *expected, "{name}: {from_ir:#?}");
        eprintln!("sensitive-debug: {name}: {count} structures redact: {from_ir:?}");
        all_checks.extend(checks);
    }
    let generation = start.elapsed();

    let check = base.join("check");
    let deps: String = MODELS
        .iter()
        .map(|(m, _)| format!("{m} = {{ path = \"../services/{m}\", default-features = false }}\n"))
        .collect();
    write_if_changed(
        &check.join("Cargo.toml"),
        &format!(
            "[package]\nname = \"sensitive-debug-check\"\nversion = \"0.0.0\"\nedition = \"2021\"\n\
             publish = false\n\n[workspace]\n\n[dependencies]\n{deps}"
        ),
    );
    write_if_changed(
        &check.join("src/main.rs"),
        &program(&all_checks, all_checks.len()),
    );
    copy_lockfile(&root, &check);
    let target = base.join("target");
    let (_, build) = cargo(
        &check,
        &target,
        &[
            "build",
            "--quiet",
            "--config",
            "build.rustflags=[\"-D\", \"warnings\"]",
        ],
        &[],
    );
    let exe = target.join("debug/sensitive-debug-check");
    let out = Command::new(&exe)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", exe.display()));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "redaction failed ({}):\n{stdout}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    let total: usize = MODELS.iter().map(|(_, n)| n).sum();
    assert_eq!(
        stdout.trim(),
        format!("checked {total} types, 0 failures"),
        "{stdout}"
    );
    eprintln!(
        "sensitive-debug: {} files updated, {} unchanged; generation {:.1}s, build {:.1}s; {}",
        report.updated.len(),
        report.unchanged,
        generation.as_secs_f64(),
        build.as_secs_f64(),
        stdout.trim()
    );
}
