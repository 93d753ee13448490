#![no_main]

#[path = "../../conformance/tests/support/fuzz_loader.rs"]
mod fuzz_loader;

libfuzzer_sys::fuzz_target!(|data: &[u8]| fuzz_loader::model_loader(data));
