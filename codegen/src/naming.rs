//! Every rule that turns a Smithy name into a Rust name lives here.
//!
//! - fields and modules: `snake_case`, acronyms folded (`ARN` → `arn`,
//!   `KmsKeyId` → `kms_key_id`);
//! - types and variants: `UpperCamelCase`;
//! - Rust keywords become raw identifiers (`r#type`), except `self`, `Self`,
//!   `super`, `crate` and `_`, which have no raw form and get a trailing `_`;
//! - a name starting with a digit gets a leading `_` (fields) or `V` (types).
//!
//! Collisions are not resolved here: the IR reports them as errors, because a
//! silently suffixed name would be API nobody chose.

use heck::{ToSnakeCase, ToUpperCamelCase};
use proc_macro2::{Ident, Span};

/// Keywords of every Rust edition up to 2024, strict and reserved.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Keywords that cannot be raw identifiers.
const NO_RAW: &[&str] = &["self", "Self", "super", "crate", "_"];

/// A Rust identifier as text: either plain or raw (`r#type`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RustName {
    /// The identifier without any `r#` prefix.
    pub text: String,
    /// Whether it must be written as a raw identifier.
    pub raw: bool,
}

impl RustName {
    fn new(text: String) -> Self {
        if NO_RAW.contains(&text.as_str()) {
            RustName {
                text: format!("{text}_"),
                raw: false,
            }
        } else {
            let raw = KEYWORDS.contains(&text.as_str());
            RustName { text, raw }
        }
    }

    /// The identifier token.
    pub fn ident(&self) -> Ident {
        if self.raw {
            Ident::new_raw(&self.text, Span::call_site())
        } else {
            Ident::new(&self.text, Span::call_site())
        }
    }

    /// How it is written in source (`r#type`).
    pub fn source(&self) -> String {
        if self.raw {
            format!("r#{}", self.text)
        } else {
            self.text.clone()
        }
    }
}

/// Keeps only characters valid in identifiers; other characters separate words.
fn clean(name: &str) -> String {
    name.chars()
        .map(|c| if c.is_alphanumeric() { c } else { '_' })
        .collect()
}

/// A struct field, function or module name.
pub fn snake(name: &str) -> RustName {
    let mut s = clean(name).to_snake_case();
    if s.is_empty() {
        s.push('_');
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert(0, '_');
    }
    RustName::new(s)
}

/// A type or enum variant name.
pub fn camel(name: &str) -> RustName {
    let mut s = clean(name).to_upper_camel_case();
    if s.is_empty() {
        s.push('V');
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert(0, 'V');
    }
    RustName::new(s)
}

/// Whether `seg` can be put into a form key unencoded.
pub fn url_safe(seg: &str) -> bool {
    seg.bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~'))
}

/// Percent-encodes a form key segment (done once, at generation time).
pub fn url_encode(seg: &str) -> String {
    let mut out = String::with_capacity(seg.len());
    for b in seg.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_case_fields() {
        let table = [
            ("KmsKeyId", "kms_key_id"),
            ("ARN", "arn"),
            ("SnapshotARN", "snapshot_arn"),
            ("CacheClusterId", "cache_cluster_id"),
            ("message", "message"),
            ("TStamp", "t_stamp"),
            ("IPv6Address", "i_pv6_address"),
            ("S3BucketName", "s3_bucket_name"),
            ("foo-bar", "foo_bar"),
            ("1stValue", "_1st_value"),
            ("type", "r#type"),
            ("Match", "r#match"),
            ("async", "r#async"),
            ("self", "self_"),
            ("Self", "self_"),
            ("super", "super_"),
            ("crate", "crate_"),
        ];
        for (input, want) in table {
            assert_eq!(snake(input).source(), want, "snake({input:?})");
        }
    }

    #[test]
    fn camel_case_types() {
        let table = [
            ("CopySnapshotMessage", "CopySnapshotMessage"),
            ("enabled", "Enabled"),
            ("ENABLED", "Enabled"),
            ("cache.m5.large", "CacheM5Large"),
            ("ipv4", "Ipv4"),
            ("dual_stack", "DualStack"),
            ("Self", "Self_"),
            ("1", "V1"),
            ("in progress", "InProgress"),
            ("", "V"),
        ];
        for (input, want) in table {
            assert_eq!(camel(input).source(), want, "camel({input:?})");
        }
    }

    #[test]
    fn idents_are_valid_tokens() {
        for name in ["type", "self", "1a", "ok"] {
            let _ = snake(name).ident();
            let _ = camel(name).ident();
        }
    }

    #[test]
    fn form_key_encoding() {
        assert!(url_safe("Tags.Tag"));
        assert!(!url_safe("a b"));
        assert_eq!(url_encode("a b/é"), "a%20b%2F%C3%A9");
    }
}
