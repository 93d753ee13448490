//! Fuzz target `model_loader`: the generator's model loader on arbitrary bytes.
//!
//! Kept out of the `conformance` library (which does not depend on the generator) and
//! included by path instead, by `tests/fuzz_corpus.rs` and by `fuzz/fuzz_targets/model_loader.rs`.

/// `data` as a model: `codegen::load` must return `Ok` or `Err`, never panic, and its error
/// must format. Bytes that are not UTF-8 are read lossily, so they still reach the JSON parser.
pub fn model_loader(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    match codegen::load("fuzz.json", &text, &codegen::Options::default()) {
        Ok(ir) => {
            std::hint::black_box(ir.operations.len());
        }
        Err(e) => {
            std::hint::black_box(e.to_string());
        }
    }
}
