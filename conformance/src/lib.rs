#![doc = include_str!("../../README.md")]
//!
//! (This crate holds the wire tests of the generated crate; the README above is
//! its documentation, so the README's example runs as a doctest.)

/// Splits a form body into percent-decoded `(key, value)` pairs, in order (the runtime's
/// protocol-test decoder, so both kinds of test read bodies one way).
///
/// A test helper: it panics on a malformed escape or on bytes that are not UTF-8.
pub fn decode_form(body: &str) -> Vec<(String, String)> {
    smithy_query_runtime::test_support::form_pairs(body).unwrap_or_else(|e| panic!("{e}"))
}

pub mod fuzz;
