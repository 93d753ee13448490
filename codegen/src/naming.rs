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

/// The struct-level `#[serde(rename_all = "…")]` rules the generator uses: members of
/// Smithy models are named in PascalCase or camelCase.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SerdeRule {
    /// No `rename_all`: serde uses the field name as it is.
    None,
    /// `rename_all = "PascalCase"`.
    PascalCase,
    /// `rename_all = "camelCase"`.
    CamelCase,
}

impl SerdeRule {
    /// Every rule, in the order that breaks ties.
    pub const ALL: [SerdeRule; 3] = [SerdeRule::None, SerdeRule::PascalCase, SerdeRule::CamelCase];

    /// The `rename_all` value, if any.
    pub fn attr(self) -> Option<&'static str> {
        match self {
            SerdeRule::None => None,
            SerdeRule::PascalCase => Some("PascalCase"),
            SerdeRule::CamelCase => Some("camelCase"),
        }
    }

    /// The name serde gives the field `field` (written without `r#`: serde strips it) under
    /// this rule, computed as serde_derive's `RenameRule::apply_to_field` does: PascalCase
    /// drops each `_` and ASCII-uppercases the character after it and the first character;
    /// camelCase then ASCII-lowercases the first byte. (heck's conversions are not the same
    /// function: they split words differently and change non-ASCII letters.) `None` where
    /// serde_derive would panic (camelCase of a field starting with a non-ASCII character).
    pub fn apply(self, field: &str) -> Option<String> {
        match self {
            SerdeRule::None => Some(field.to_owned()),
            SerdeRule::PascalCase => {
                let mut pascal = String::with_capacity(field.len());
                let mut capitalize = true;
                for ch in field.chars() {
                    if ch == '_' {
                        capitalize = true;
                    } else if capitalize {
                        pascal.push(ch.to_ascii_uppercase());
                        capitalize = false;
                    } else {
                        pascal.push(ch);
                    }
                }
                Some(pascal)
            }
            SerdeRule::CamelCase => {
                let pascal = SerdeRule::PascalCase.apply(field)?;
                let first = pascal.get(..1)?;
                Some(first.to_ascii_lowercase() + pascal.get(1..)?)
            }
        }
    }

    /// The rule under which the most fields get their wire name, given `(field, wire)`
    /// pairs; ties go to the earlier rule of [`SerdeRule::ALL`]. A rule that cannot be
    /// applied to every field is not chosen.
    pub fn best<'a>(fields: impl IntoIterator<Item = (&'a str, &'a str)> + Clone) -> SerdeRule {
        let mut best = (SerdeRule::None, 0);
        for rule in SerdeRule::ALL {
            let mut hits = 0;
            let mut usable = true;
            for (field, wire) in fields.clone() {
                match rule.apply(field) {
                    Some(name) => hits += usize::from(name == wire),
                    None => usable = false,
                }
            }
            if usable && hits > best.1 {
                best = (rule, hits);
            }
        }
        best.0
    }
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
    fn serde_rules() {
        let pascal = [
            ("kms_key_id", "KmsKeyId"),
            ("s3_bucket_name", "S3BucketName"),
            ("i_pv6_address", "IPv6Address"),
            ("_1st_value", "1stValue"),
            ("type", "Type"),
            ("self_", "Self"),
            ("a__b", "AB"),
            ("é_x", "éX"),
        ];
        for (field, want) in pascal {
            assert_eq!(
                SerdeRule::PascalCase.apply(field).as_deref(),
                Some(want),
                "{field}"
            );
        }
        assert_eq!(
            SerdeRule::CamelCase.apply("kms_key_id").as_deref(),
            Some("kmsKeyId")
        );
        assert_eq!(SerdeRule::CamelCase.apply("é_x"), None);
        assert_eq!(SerdeRule::None.apply("r_type").as_deref(), Some("r_type"));

        let pairs = [
            ("kms_key_id", "KmsKeyId"),
            ("message", "message"),
            ("arn", "ARN"),
            ("tags", "Tags"),
        ];
        assert_eq!(SerdeRule::best(pairs), SerdeRule::PascalCase);
        // A tie goes to the earlier rule.
        assert_eq!(SerdeRule::best([("a", "a"), ("b", "B")]), SerdeRule::None);
        assert_eq!(SerdeRule::best([("message", "message")]), SerdeRule::None);
        assert_eq!(
            SerdeRule::best([("key_id", "keyId"), ("value", "value")]),
            SerdeRule::CamelCase
        );
        assert_eq!(SerdeRule::best([("a", "X")]), SerdeRule::None);
        assert_eq!(SerdeRule::best([]), SerdeRule::None);
    }

    /// serde's own PascalCase, on a raw identifier, digits and an acronym, agrees with
    /// [`SerdeRule::apply`].
    #[test]
    fn serde_rules_match_serde() {
        #[derive(serde::Serialize, Default)]
        #[serde(rename_all = "PascalCase")]
        struct Pascal {
            r#type: u8,
            s3_bucket_name: u8,
            i_pv6_address: u8,
            _1st_value: u8,
            self_: u8,
            r#match: u8,
        }
        #[derive(serde::Serialize, Default)]
        #[serde(rename_all = "camelCase")]
        struct Camel {
            r#type: u8,
            kms_key_id: u8,
        }
        let keys = |v: serde_json::Value| -> Vec<String> {
            v.as_object()
                .map(|o| o.keys().cloned().collect())
                .unwrap_or_default()
        };
        let fields = [
            "type",
            "s3_bucket_name",
            "i_pv6_address",
            "_1st_value",
            "self_",
            "match",
        ];
        let ours: Vec<String> = fields
            .iter()
            .filter_map(|f| SerdeRule::PascalCase.apply(f))
            .collect();
        let pascal = serde_json::to_value(Pascal::default()).unwrap_or_default();
        assert_eq!(keys(pascal), ours);
        let ours: Vec<String> = ["type", "kms_key_id"]
            .iter()
            .filter_map(|f| SerdeRule::CamelCase.apply(f))
            .collect();
        let camel = serde_json::to_value(Camel::default()).unwrap_or_default();
        assert_eq!(keys(camel), ours);
    }

    #[test]
    fn form_key_encoding() {
        assert!(url_safe("Tags.Tag"));
        assert!(!url_safe("a b"));
        assert_eq!(url_encode("a b/é"), "a%20b%2F%C3%A9");
    }
}
