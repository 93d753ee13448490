//! The fuzz targets on stable: every target of `fuzz/` (see `conformance::fuzz`) over its
//! committed seed corpus (`fuzz/corpus/<target>/`) and over pseudo-random mutations of it
//! (bit flips, byte changes, truncations, splices of two seeds, duplicated and deleted
//! runs, inserted `<`, `&`, NUL, `]]>`, `<!--`, `&#`), from a fixed seed, so a failure
//! reproduces. `FUZZ_ITERATIONS` (default 2000) is the number of mutated inputs per target;
//! `FUZZ_SEED` changes the seed. A panic fails the test, names the target and writes the
//! input to `target/tmp/fuzz-crash-<target>-<n>`, which `cargo fuzz run <target> <file>`
//! replays.
//!
//! The model loader also gets structural mutations of the seed models (members removed,
//! values of another JSON type, shape references redirected), which reach the model
//! validation far more often than byte mutations of JSON do.

#[path = "support/fuzz_loader.rs"]
mod fuzz_loader;

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::time::Instant;

use conformance::fuzz;
use serde_json::Value;

/// A splitmix64 generator: small, deterministic, good enough to pick mutations.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// In `0..n` (`n > 0`).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn env_number(var: &str, default: u64) -> u64 {
    match std::env::var(var) {
        Ok(text) => text
            .trim()
            .parse()
            .unwrap_or_else(|e| panic!("{var}={text:?} is not a number: {e}")),
        Err(_) => default,
    }
}

fn corpus(target: &str) -> Vec<Vec<u8>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../fuzz/corpus")
        .join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("no seed corpus at {}: {e}", dir.display()))
        .map(|entry| entry.expect("a directory entry").path())
        .collect();
    files.sort();
    let seeds: Vec<Vec<u8>> = files
        .iter()
        .map(|f| std::fs::read(f).unwrap_or_else(|e| panic!("{}: {e}", f.display())))
        .collect();
    assert!(
        seeds.len() >= 5,
        "{}: only {} seeds",
        dir.display(),
        seeds.len()
    );
    seeds
}

const TOKENS: &[&[u8]] = &[
    b"<",
    b"&",
    b"\0",
    b"]]>",
    b"<!--",
    b"&#",
    b"&#x",
    b"/>",
    b"</",
    b"<![CDATA[",
    b"\"",
    b"\xff",
    b"\xe2\x98",
    b"&amp;",
    b"<?xml",
    b"<!DOCTYPE",
    b"%",
    b"+",
    b"=",
    b"{",
    b"[",
    b"\\u",
];

/// One to four stacked mutations of a seed.
fn mutate(rng: &mut Rng, seeds: &[Vec<u8>]) -> Vec<u8> {
    let mut data = seeds[rng.below(seeds.len())].clone();
    for _ in 0..1 + rng.below(4) {
        let len = data.len();
        let at = if len == 0 { 0 } else { rng.below(len + 1) };
        match rng.below(9) {
            0 if len > 0 => {
                let i = rng.below(len);
                data[i] ^= 1 << rng.below(8);
            }
            1 if len > 0 => {
                let i = rng.below(len);
                data[i] = rng.next() as u8;
            }
            2 => data.truncate(at),
            3 => {
                let other = &seeds[rng.below(seeds.len())];
                let from = rng.below(other.len() + 1);
                data.truncate(at);
                data.extend_from_slice(&other[from..]);
            }
            4 => {
                let token = TOKENS[rng.below(TOKENS.len())];
                data.splice(at..at, token.iter().copied());
            }
            5 if len > 0 => {
                let end = (at + 1 + rng.below(64)).min(len);
                let start = at.min(end);
                data.drain(start..end);
            }
            6 if len > 0 => {
                let start = rng.below(len);
                let end = (start + 1 + rng.below(256)).min(len);
                let run = data[start..end].to_vec();
                data.splice(at..at, run);
            }
            7 => {
                let n = 1 + rng.below(16);
                let bytes: Vec<u8> = (0..n).map(|_| rng.next() as u8).collect();
                data.splice(at..at, bytes);
            }
            _ => {
                if len > 0 {
                    let i = rng.below(len);
                    data[i] = *b"<>&;/\"'=]".get(rng.below(9)).expect("in range");
                }
            }
        }
    }
    data
}

/// Structural mutations of a JSON model: one to three edits at random places.
fn mutate_model(rng: &mut Rng, seeds: &[Value]) -> Vec<u8> {
    let mut model = seeds[rng.below(seeds.len())].clone();
    let mut ids: Vec<String> = Vec::new();
    if let Some(shapes) = model.get("shapes").and_then(Value::as_object) {
        ids.extend(shapes.keys().cloned());
    }
    ids.push("smithy.api#String".into());
    ids.push("com.example#Missing".into());
    for _ in 0..1 + rng.below(3) {
        edit_random_place(rng, &mut model, &ids, 0);
    }
    serde_json::to_vec(&model).expect("a JSON value serializes")
}

fn random_value(rng: &mut Rng, ids: &[String]) -> Value {
    match rng.below(9) {
        0 => Value::Null,
        1 => Value::Bool(rng.below(2) == 1),
        2 => serde_json::json!(-1),
        3 => serde_json::json!(1e300),
        4 => serde_json::json!([]),
        5 => serde_json::json!({}),
        6 => serde_json::json!(""),
        7 => Value::String(ids[rng.below(ids.len())].clone()),
        _ => serde_json::json!({ "target": ids[rng.below(ids.len())] }),
    }
}

fn edit_random_place(rng: &mut Rng, value: &mut Value, ids: &[String], depth: usize) {
    let descend = depth < 6 && rng.below(5) != 0;
    match value {
        Value::Object(map) if !map.is_empty() => {
            let key = map
                .keys()
                .nth(rng.below(map.len()))
                .expect("in range")
                .clone();
            if descend {
                let child = map.get_mut(&key).expect("present");
                return edit_random_place(rng, child, ids, depth + 1);
            }
            match rng.below(3) {
                0 => {
                    map.remove(&key);
                }
                1 => {
                    map.insert(key, random_value(rng, ids));
                }
                _ => {
                    let copy = map[&key].clone();
                    map.insert(format!("{key}{}", rng.below(3)), copy);
                }
            }
        }
        Value::Array(items) if !items.is_empty() => {
            let i = rng.below(items.len());
            if descend {
                return edit_random_place(rng, &mut items[i], ids, depth + 1);
            }
            if rng.below(2) == 0 {
                items.remove(i);
            } else {
                items[i] = random_value(rng, ids);
            }
        }
        other => *other = random_value(rng, ids),
    }
}

/// Runs `f` on `input`; on a panic, saves the input and fails with the target's name.
fn run_one(target: &str, n: usize, input: &[u8], f: fn(&[u8])) {
    if let Err(panic) = catch_unwind(AssertUnwindSafe(|| f(input))) {
        let message = panic
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| panic.downcast_ref::<&str>().copied())
            .unwrap_or("(no message)");
        let file = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("fuzz-crash-{target}-{n}"));
        std::fs::write(&file, input).expect("writes the crashing input");
        panic!(
            "fuzz target {target} panicked on input {n} ({} bytes, saved to {}): {message}\ninput: {:?}",
            input.len(),
            file.display(),
            String::from_utf8_lossy(&input[..input.len().min(400)])
        );
    }
}

fn check_target(target: &str, f: fn(&[u8]), iterations: u64) {
    let started = Instant::now();
    let seeds = corpus(target);
    for (n, seed) in seeds.iter().enumerate() {
        run_one(target, n, seed, f);
    }
    let mut rng = Rng(env_number("FUZZ_SEED", 0x5EED) ^ target.len() as u64);
    for n in 0..iterations as usize {
        run_one(target, seeds.len() + n, &mutate(&mut rng, &seeds), f);
    }
    eprintln!(
        "fuzz_corpus: {target}: {} seeds + {iterations} mutations, {:.2}s",
        seeds.len(),
        started.elapsed().as_secs_f64()
    );
}

fn iterations() -> u64 {
    env_number("FUZZ_ITERATIONS", 2000)
}

#[test]
fn response_ok() {
    check_target("response_ok", fuzz::response_ok, iterations());
}

#[test]
fn response_error() {
    check_target("response_error", fuzz::response_error, iterations());
}

#[test]
fn form_round_trip() {
    check_target("form_round_trip", fuzz::form_round_trip, iterations());
    // Inputs the mutator rarely makes: long runs of one byte value, for every value.
    for b in 0..=255u8 {
        run_one(
            "form_round_trip",
            100_000 + usize::from(b),
            &[b; 300],
            fuzz::form_round_trip,
        );
    }
}

#[test]
fn model_loader() {
    // The loader takes milliseconds per model in a debug build, so byte mutations get a
    // tenth of the iterations and structural ones another tenth.
    let iterations = iterations().div_ceil(10);
    check_target("model_loader", fuzz_loader::model_loader, iterations);
    let started = Instant::now();
    let seeds: Vec<Value> = corpus("model_loader")
        .iter()
        .map(|bytes| serde_json::from_slice(bytes).expect("a seed model is JSON"))
        .collect();
    let mut rng = Rng(env_number("FUZZ_SEED", 0x5EED) ^ 0x10AD);
    for n in 0..iterations as usize {
        let input = mutate_model(&mut rng, &seeds);
        run_one(
            "model_loader",
            200_000 + n,
            &input,
            fuzz_loader::model_loader,
        );
    }
    eprintln!(
        "fuzz_corpus: model_loader: {iterations} structural mutations, {:.2}s",
        started.elapsed().as_secs_f64()
    );
}

/// The decoder the round-trip target checks bodies with refuses what is not a form body.
#[test]
fn form_decoder_is_strict() {
    assert_eq!(
        fuzz::decode_form("A=1&B=x+y%26%3D").expect("decodes"),
        [("A".into(), "1".into()), ("B".into(), "x y&=".into())] as [(String, String); 2]
    );
    assert!(fuzz::decode_form("A=%4").is_err());
    assert!(fuzz::decode_form("A=%+1").is_err());
    assert!(fuzz::decode_form("A").is_err());
    assert!(fuzz::decode_form("A=%FF").is_err());
}
