#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| conformance::fuzz::form_round_trip(data));
