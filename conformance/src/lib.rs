#![doc = include_str!("../../README.md")]
//!
//! (This crate holds the wire tests of the generated crate; the README above is
//! its documentation, so the README's example runs as a doctest.)

/// Splits a form body into percent-decoded `(key, value)` pairs, in order.
///
/// A test helper: it panics on a malformed escape or on bytes that are not UTF-8.
pub fn decode_form(body: &str) -> Vec<(String, String)> {
    body.split('&')
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect()
}

/// `application/x-www-form-urlencoded` decoding: `%XX` escapes, `+` for a space.
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = bytes
                    .get(i + 1..i + 3)
                    .and_then(|h| std::str::from_utf8(h).ok())
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                    .expect("a `%` is followed by two hex digits");
                out.push(hex);
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).expect("percent-decoded body is UTF-8")
}

pub mod fuzz;
