//! Round-trip properties of every operation of the committed crate, model-driven.
//!
//! For each operation of `model/elasticache.json` and each case (a fixed seed per case):
//!
//! * **outputs**: a random output value is generated as JSON from the Smithy model (optional
//!   members present, absent or `null`; lists empty or not; enums known or not; integers
//!   at their extremes; timestamps anywhere in years 1–9999 with 0–9 fractional digits;
//!   Unicode strings with XML syntax, whitespace, astral characters). The test writes the
//!   awsQuery XML response for it itself (`<OpResponse><OpResult>…` with the model's
//!   `xmlName`s, list item names and `xmlFlattened`, text escaped in varying ways:
//!   entities, character references, CDATA, comments inside text; members in model or
//!   shuffled order; unknown elements; indentation), parses it with the generated parser
//!   and compares with the JSON read through the crate's `serde` feature: `parse(xml(x)) == x`.
//! * **inputs**: a random input value (required members always present) is serialized with
//!   the generated serializer, the form body is decoded back into JSON by walking the model
//!   (`Tags.Tag.1.Key`, `Tags=` for an empty list), every key of the body must be consumed,
//!   in model order, and `serde(decode(serialize(x))) == x`.
//!
//! `ROUNDTRIP_CASES` (default 200) sets the cases per operation and direction,
//! `ROUNDTRIP_SEED` the base seed. A failure prints the operation, the seed, the value and
//! the wire text.

use std::collections::BTreeMap;
use std::fmt::{Debug, Write as _};
use std::path::Path;
use std::time::Instant;

use elasticache::operation as op;
use elasticache::rt::serde::de::DeserializeOwned;
use elasticache::Operation;
use serde_json::{json, Map, Value};

// ---------------------------------------------------------------------------------------
// Randomness

/// splitmix64: deterministic, seedable.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    /// True with probability `percent`/100.
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

// ---------------------------------------------------------------------------------------
// The Smithy model

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Dir {
    Input,
    Output,
}

enum Kind<'m> {
    Structure(&'m Map<String, Value>),
    /// A list: its member's target and item element name (`member` unless `xmlName`).
    List(&'m str, String),
    String,
    Enum(Vec<&'m str>),
    Integer(i64, i64),
    Boolean,
    Timestamp,
    Blob,
}

struct Model {
    shapes: Map<String, Value>,
    namespace: String,
}

fn traits(v: &Value) -> Option<&Map<String, Value>> {
    v.get("traits").and_then(Value::as_object)
}

fn has_trait(v: &Value, name: &str) -> bool {
    traits(v).is_some_and(|t| t.contains_key(name))
}

fn xml_name(v: &Value) -> Option<&str> {
    traits(v)?.get("smithy.api#xmlName")?.as_str()
}

impl Model {
    fn load() -> Self {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../model/elasticache.json");
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let mut model: Value = serde_json::from_str(&text).expect("the model is JSON");
        let Value::Object(shapes) = model["shapes"].take() else {
            panic!("the model has no shapes")
        };
        let namespace = shapes
            .values()
            .find(|s| s["type"] == "service")
            .and_then(|s| s["traits"]["smithy.api#xmlNamespace"]["uri"].as_str())
            .expect("the service has an xmlNamespace")
            .to_owned();
        Self { shapes, namespace }
    }

    fn shape(&self, id: &str) -> &Value {
        self.shapes
            .get(id)
            .unwrap_or_else(|| panic!("no shape {id}"))
    }

    fn kind(&self, id: &str) -> Kind<'_> {
        let ty = match id.strip_prefix("smithy.api#") {
            Some(prelude) => prelude.trim_start_matches("Primitive").to_ascii_lowercase(),
            None => self.shape(id)["type"]
                .as_str()
                .expect("a shape type")
                .to_owned(),
        };
        match ty.as_str() {
            "structure" => Kind::Structure(
                self.shape(id)["members"]
                    .as_object()
                    .expect("structure members"),
            ),
            "list" => {
                let member = &self.shape(id)["member"];
                assert!(
                    !has_trait(self.shape(id), "smithy.api#xmlFlattened"),
                    "{id}: flattened list shape"
                );
                Kind::List(
                    member["target"].as_str().expect("list target"),
                    xml_name(member).unwrap_or("member").to_owned(),
                )
            }
            "string" => Kind::String,
            "enum" => Kind::Enum(
                self.shape(id)["members"]
                    .as_object()
                    .expect("enum members")
                    .iter()
                    .map(|(name, m)| {
                        traits(m)
                            .and_then(|t| t.get("smithy.api#enumValue"))
                            .and_then(Value::as_str)
                            .unwrap_or(name)
                    })
                    .collect(),
            ),
            "byte" => Kind::Integer(i8::MIN.into(), i8::MAX.into()),
            "short" => Kind::Integer(i16::MIN.into(), i16::MAX.into()),
            "integer" => Kind::Integer(i32::MIN.into(), i32::MAX.into()),
            "long" => Kind::Integer(i64::MIN, i64::MAX),
            "boolean" => Kind::Boolean,
            "timestamp" => {
                if let Some(format) =
                    traits(self.shape(id)).and_then(|t| t.get("smithy.api#timestampFormat"))
                {
                    panic!("{id}: timestampFormat {format} is not handled by this test yet");
                }
                Kind::Timestamp
            }
            "blob" => Kind::Blob,
            other => panic!(
                "{id}: the model has a {other} shape; teach tests/roundtrip.rs its wire form"
            ),
        }
    }

    /// The member's wire name, and whether it is a flattened list.
    fn member_wire<'v>(name: &'v str, member: &'v Value) -> (&'v str, bool) {
        assert!(
            !has_trait(member, "smithy.api#timestampFormat"),
            "member {name}: timestampFormat is not handled by this test yet"
        );
        (
            xml_name(member).unwrap_or(name),
            has_trait(member, "smithy.api#xmlFlattened"),
        )
    }
}

// ---------------------------------------------------------------------------------------
// Random values, as the JSON the crate's serde feature reads

const XML_SPECIAL: &[char] = &['<', '>', '&', '"', '\'', ';', '#', ']', '='];
const WHITESPACE: &[char] = &[' ', '\t', '\n', '\r', '\u{a0}', '\u{2028}', '\u{3000}'];
const FORM_SPECIAL: &[char] = &['&', '=', '+', '%', '?', '/', '.', '~', '*', '\0', '\u{1f}'];

fn random_char(rng: &mut Rng, dir: Dir) -> char {
    loop {
        let c = match rng.below(10) {
            0..=3 => char::from(b' ' + rng.below(95) as u8),
            4 => *rng.pick(XML_SPECIAL),
            5 => *rng.pick(WHITESPACE),
            6 if dir == Dir::Input => *rng.pick(FORM_SPECIAL),
            6 => *rng.pick(&['é', 'ß', 'ø', '\u{7f}', '\u{85}']),
            7 => char::from_u32(0x80 + rng.below(0x780) as u32).unwrap_or('x'),
            8 => char::from_u32(0x800 + rng.below(0xF800) as u32).unwrap_or('y'),
            _ => char::from_u32(0x1_0000 + rng.below(0x10_0000) as u32).unwrap_or('z'),
        };
        // XML 1.0 has no way to write the other C0 controls, U+FFFE or U+FFFF at all.
        let xml_legal = !matches!(c, '\0'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}');
        if dir == Dir::Input || xml_legal {
            return c;
        }
    }
}

fn random_string(rng: &mut Rng, dir: Dir) -> String {
    match rng.below(12) {
        0 => String::new(),
        1 => " ".repeat(1 + rng.below(3) as usize),
        2 => "a".repeat(200 + rng.below(300) as usize),
        _ => (0..rng.below(24)).map(|_| random_char(rng, dir)).collect(),
    }
}

fn days_to_civil(days: i64) -> (i64, u32, u32) {
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// A random instant as `(seconds, nanoseconds)`, years 1 to 9999.
fn random_instant(rng: &mut Rng) -> (i64, u32) {
    const MIN: i64 = -62_135_596_800; // 0001-01-01T00:00:00Z
    const MAX: i64 = 253_402_300_799; // 9999-12-31T23:59:59Z
    let secs = match rng.below(6) {
        0 => *rng.pick(&[MIN, MAX, 0, -1, 951_782_400, 1_700_000_000]),
        1 => 1_500_000_000 + rng.below(500_000_000) as i64,
        _ => MIN + rng.below((MAX - MIN + 1) as u64) as i64,
    };
    let nanos = match rng.below(5) {
        0 | 1 => 0,
        2 => rng.below(1000) as u32 * 1_000_000,
        3 => rng.below(1_000_000) as u32 * 1000,
        _ => rng.below(1_000_000_000) as u32,
    };
    (secs, nanos)
}

/// RFC 3339 text for an instant: fractional digits as given (`digits` ≥ the needed ones),
/// `Z` or `+00:00`.
fn rfc3339(secs: i64, nanos: u32, digits: usize, offset_form: bool) -> String {
    let (y, mo, d) = days_to_civil(secs.div_euclid(86_400));
    let s = secs.rem_euclid(86_400);
    let mut out = format!(
        "{y:04}-{mo:02}-{d:02}T{:02}:{:02}:{:02}",
        s / 3600,
        s / 60 % 60,
        s % 60
    );
    if digits > 0 {
        let frac = format!("{nanos:09}");
        out.push('.');
        out.push_str(&frac[..digits.min(9)]);
        for _ in 9..digits {
            out.push('0');
        }
    }
    out.push_str(if offset_form { "+00:00" } else { "Z" });
    out
}

fn needed_digits(nanos: u32) -> usize {
    if nanos == 0 {
        return 0;
    }
    let text = format!("{nanos:09}");
    text.trim_end_matches('0').len()
}

const BASE64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

fn base64(bytes: &[u8]) -> String {
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, &b)| acc | u32::from(b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(BASE64[(n >> (18 - 6 * i) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

struct Gen<'m> {
    model: &'m Model,
    dir: Dir,
}

impl Gen<'_> {
    /// A random value of shape `id`. `nonempty`: a structure gets at least one member (an
    /// input structure without members is not on the wire at all, so cannot round-trip).
    fn value(&self, rng: &mut Rng, id: &str, depth: usize, nonempty: bool) -> Value {
        match self.model.kind(id) {
            Kind::Structure(members) => {
                let mut obj = Map::new();
                let forced = nonempty.then(|| rng.below(members.len().max(1) as u64) as usize);
                for (i, (name, member)) in members.iter().enumerate() {
                    let required =
                        self.dir == Dir::Input && has_trait(member, "smithy.api#required");
                    let present = required
                        || forced == Some(i)
                        || (depth < 4 && rng.chance(if depth == 0 { 70 } else { 55 }));
                    let target = member["target"].as_str().expect("member target");
                    if present {
                        let flattened = has_trait(member, "smithy.api#xmlFlattened");
                        let v = self.value(rng, target, depth + 1, self.dir == Dir::Input);
                        // A flattened empty list has no wire form: it is absent.
                        let v = if flattened && v == json!([]) {
                            Value::Null
                        } else {
                            v
                        };
                        obj.insert(name.clone(), v);
                    } else if rng.chance(30) {
                        obj.insert(name.clone(), Value::Null);
                    }
                }
                Value::Object(obj)
            }
            Kind::List(target, _) => {
                let len = if depth > 5 { 0 } else { rng.below(5) };
                let items: Vec<Value> = (0..len)
                    .map(|_| self.value(rng, target, depth + 1, self.dir == Dir::Input))
                    .collect();
                Value::Array(items)
            }
            Kind::String => Value::String(random_string(rng, self.dir)),
            Kind::Enum(values) => {
                if rng.chance(80) {
                    json!(rng.pick(&values))
                } else {
                    Value::String(random_string(rng, self.dir))
                }
            }
            Kind::Integer(min, max) => {
                let v = match rng.below(3) {
                    0 => *rng.pick(&[min, max, 0, -1, 1]),
                    1 => rng.below(1000) as i64,
                    _ => {
                        let span = (max as i128 - min as i128 + 1) as u128;
                        (min as i128 + (u128::from(rng.next()) % span) as i128) as i64
                    }
                };
                json!(v)
            }
            Kind::Boolean => json!(rng.chance(50)),
            Kind::Timestamp => {
                let (secs, nanos) = random_instant(rng);
                json!(rfc3339(secs, nanos, needed_digits(nanos), false))
            }
            Kind::Blob => {
                let bytes: Vec<u8> = (0..rng.below(40)).map(|_| rng.next() as u8).collect();
                json!(base64(&bytes))
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// The XML response writer

struct XmlWriter<'m, 'r> {
    model: &'m Model,
    rng: &'r mut Rng,
    out: String,
    unknown: usize,
}

impl XmlWriter<'_, '_> {
    fn gap(&mut self) {
        if self.rng.chance(15) {
            let n = self.rng.below(4) as usize;
            self.out.push('\n');
            self.out.push_str(&"  ".repeat(n));
        }
    }

    /// Escaped character data, written one of several equivalent ways.
    fn text(&mut self, s: &str) {
        let cdata_ok = !s.contains("]]>") && !s.contains('\r');
        match self.rng.below(6) {
            0 if cdata_ok && !s.is_empty() => {
                self.out.push_str("<![CDATA[");
                self.out.push_str(s);
                self.out.push_str("]]>");
            }
            1 if !s.is_empty() => {
                // A comment between two halves of the text.
                let mid = s
                    .char_indices()
                    .map(|(i, _)| i)
                    .nth(s.chars().count() / 2)
                    .unwrap_or(0);
                self.escaped(&s[..mid], false);
                self.out.push_str("<!-- a comment -->");
                self.escaped(&s[mid..], false);
            }
            2 => self.escaped(s, true),
            _ => self.escaped(s, false),
        }
    }

    fn escaped(&mut self, s: &str, char_refs: bool) {
        for c in s.chars() {
            match c {
                '<' => self.out.push_str("&lt;"),
                '>' => self.out.push_str("&gt;"),
                '&' => self.out.push_str("&amp;"),
                '"' if self.rng.chance(50) => self.out.push_str("&quot;"),
                '\'' if self.rng.chance(50) => self.out.push_str("&apos;"),
                // A raw CR would be turned into LF by any conforming parser.
                '\r' => self.out.push_str("&#13;"),
                c if char_refs && (!c.is_ascii_alphanumeric() || self.rng.chance(20)) => {
                    if self.rng.chance(50) {
                        let _ = write!(self.out, "&#{};", u32::from(c));
                    } else {
                        let _ = write!(self.out, "&#x{:X};", u32::from(c));
                    }
                }
                c => self.out.push(c),
            }
        }
    }

    fn element(&mut self, name: &str, id: &str, v: &Value) {
        self.gap();
        let empty_text = v.as_str() == Some("");
        let empty_list = v.as_array().is_some_and(Vec::is_empty);
        if (empty_text || empty_list) && self.rng.chance(50) {
            let _ = write!(self.out, "<{name}/>");
            return;
        }
        let _ = write!(self.out, "<{name}>");
        self.content(id, v);
        let _ = write!(self.out, "</{name}>");
    }

    fn content(&mut self, id: &str, v: &Value) {
        match self.model.kind(id) {
            Kind::Structure(members) => self.structure(members, v),
            Kind::List(target, item) => {
                for x in v.as_array().expect("a list value") {
                    self.element(&item, target, x);
                }
                self.gap();
            }
            Kind::String | Kind::Enum(_) | Kind::Blob => {
                self.text(v.as_str().expect("a string value"));
            }
            Kind::Integer(..) | Kind::Boolean => {
                let _ = write!(self.out, "{v}");
            }
            Kind::Timestamp => {
                let instant: elasticache::DateTime =
                    serde_json::from_value(v.clone()).expect("a timestamp");
                let (secs, nanos) = (instant.secs(), instant.subsec_nanos());
                let digits = needed_digits(nanos) + self.rng.below(4) as usize;
                let offset = self.rng.chance(20);
                let text = rfc3339(secs, nanos, digits.min(9), offset);
                self.out.push_str(&text);
            }
        }
    }

    fn structure(&mut self, members: &Map<String, Value>, v: &Value) {
        let obj = v.as_object().expect("a structure value");
        let mut order: Vec<(&String, &Value)> = members.iter().collect();
        if self.rng.chance(30) {
            for i in (1..order.len()).rev() {
                order.swap(i, self.rng.below(i as u64 + 1) as usize);
            }
        }
        for (name, member) in order {
            if self.rng.chance(5) {
                self.unknown += 1;
                let n = self.unknown;
                let _ = write!(
                    self.out,
                    "<Unknown{n} a=\"1\"><Deep><Tags/>x &amp; y</Deep></Unknown{n}>"
                );
            }
            let Some(value) = obj.get(name).filter(|x| !x.is_null()) else {
                continue;
            };
            let (wire, flattened) = Model::member_wire(name, member);
            let target = member["target"].as_str().expect("member target");
            if flattened {
                let Kind::List(item_target, _) = self.model.kind(target) else {
                    panic!("{name}: xmlFlattened on a non-list")
                };
                for x in value.as_array().expect("a list value") {
                    self.element(wire, item_target, x);
                }
            } else {
                self.element(wire, target, value);
            }
        }
        self.gap();
    }

    fn response(mut self, operation: &str, output: &str, v: &Value) -> String {
        if self.rng.chance(50) {
            self.out
                .push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        }
        let ns = self.model.namespace.clone();
        let _ = write!(self.out, "<{operation}Response xmlns=\"{ns}\">");
        self.gap();
        let Kind::Structure(members) = self.model.kind(output) else {
            panic!("{output} is not a structure")
        };
        let _ = write!(self.out, "<{operation}Result>");
        self.structure(members, v);
        let _ = write!(self.out, "</{operation}Result>");
        self.gap();
        self.out.push_str(
            "<ResponseMetadata><RequestId>0d1e2f3a-4b5c-6d7e-8f90-a1b2c3d4e5f6</RequestId></ResponseMetadata>",
        );
        let _ = writeln!(self.out, "</{operation}Response>");
        self.out
    }
}

// ---------------------------------------------------------------------------------------
// The form body reader

struct FormReader<'m> {
    model: &'m Model,
    pairs: BTreeMap<String, String>,
    /// Keys in the order the model walk consumed them.
    consumed: Vec<String>,
}

impl FormReader<'_> {
    fn take(&mut self, key: &str) -> Option<String> {
        let v = self.pairs.remove(key)?;
        self.consumed.push(key.to_owned());
        Some(v)
    }

    fn has_prefix(&self, prefix: &str) -> bool {
        let dotted = format!("{prefix}.");
        self.pairs
            .range(prefix.to_owned()..)
            .next()
            .is_some_and(|(k, _)| k == prefix || k.starts_with(&dotted))
            || self
                .pairs
                .range(dotted.clone()..)
                .next()
                .is_some_and(|(k, _)| k.starts_with(&dotted))
    }

    fn join(prefix: &str, seg: &str) -> String {
        if prefix.is_empty() {
            seg.to_owned()
        } else {
            format!("{prefix}.{seg}")
        }
    }

    /// The value of shape `id` at `key`, or `None` when nothing of it is in the body.
    fn value(&mut self, id: &str, key: &str) -> Option<Value> {
        match self.model.kind(id) {
            Kind::Structure(members) => {
                if !key.is_empty() && !self.has_prefix(key) {
                    return None;
                }
                let mut obj = Map::new();
                for (name, member) in members {
                    let (wire, flattened) = Model::member_wire(name, member);
                    let target = member["target"].as_str().expect("member target");
                    let member_key = Self::join(key, wire);
                    let v = if flattened {
                        let Kind::List(item_target, _) = self.model.kind(target) else {
                            panic!("{name}: xmlFlattened on a non-list")
                        };
                        self.list_items(item_target, &member_key)
                    } else {
                        self.value(target, &member_key)
                    };
                    if let Some(v) = v {
                        obj.insert(name.clone(), v);
                    }
                }
                Some(Value::Object(obj))
            }
            Kind::List(target, item) => {
                if self.pairs.get(key).is_some_and(String::is_empty) {
                    self.take(key);
                    return Some(json!([]));
                }
                self.list_items(target, &Self::join(key, &item))
            }
            Kind::String | Kind::Enum(_) | Kind::Timestamp | Kind::Blob => {
                self.take(key).map(Value::String)
            }
            Kind::Integer(..) => self.take(key).map(|text| {
                json!(text
                    .parse::<i64>()
                    .unwrap_or_else(|e| panic!("{key}={text:?} is not an integer: {e}")))
            }),
            Kind::Boolean => self.take(key).map(|text| match text.as_str() {
                "true" => json!(true),
                "false" => json!(false),
                other => panic!("{key}={other:?} is not a boolean"),
            }),
        }
    }

    /// Items `key.1`, `key.2`, … for as long as the body has them.
    fn list_items(&mut self, target: &str, key: &str) -> Option<Value> {
        let mut items = Vec::new();
        loop {
            let item_key = format!("{key}.{}", items.len() + 1);
            if !self.has_prefix(&item_key) {
                break;
            }
            let v = self
                .value(target, &item_key)
                .unwrap_or_else(|| panic!("{item_key}: an item with nothing in it"));
            items.push(v);
        }
        (!items.is_empty()).then_some(Value::Array(items))
    }
}

// ---------------------------------------------------------------------------------------
// The properties

fn strip_nulls(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .filter(|(_, x)| !x.is_null())
                .map(|(k, x)| (k.clone(), strip_nulls(x)))
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(strip_nulls).collect()),
        other => other.clone(),
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

struct Run {
    model: Model,
    cases: u64,
    seed: u64,
    checked: u64,
}

impl Run {
    fn io(&self, name: &str) -> (String, String) {
        let id = format!("com.amazonaws.elasticache#{name}");
        let shape = self.model.shape(&id);
        let target = |io: &str| {
            shape[io]["target"]
                .as_str()
                .unwrap_or_else(|| panic!("{name} has no {io}"))
                .to_owned()
        };
        (target("input"), target("output"))
    }

    fn check<O>(&mut self)
    where
        O: Operation,
        O::Input: DeserializeOwned + PartialEq + Debug,
        O::Output: DeserializeOwned + PartialEq + Debug,
        O::Error: Debug,
    {
        let (input_id, output_id) = self.io(O::NAME);
        let op_seed = O::NAME.bytes().fold(self.seed, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x100_0000_01B3)
        });
        for case in 0..self.cases {
            let seed = op_seed ^ case;
            self.output_case::<O>(&output_id, seed);
            self.input_case::<O>(&input_id, seed);
            self.checked += 2;
        }
    }

    fn output_case<O>(&self, output_id: &str, seed: u64)
    where
        O: Operation,
        O::Output: DeserializeOwned + PartialEq + Debug,
        O::Error: Debug,
    {
        let mut rng = Rng(seed);
        let gen = Gen {
            model: &self.model,
            dir: Dir::Output,
        };
        let value = gen.value(&mut rng, output_id, 0, false);
        let expected: O::Output = serde_json::from_value(value.clone()).unwrap_or_else(|e| {
            panic!(
                "{} output seed {seed}: serde cannot read {value}: {e}",
                O::NAME
            )
        });
        let writer = XmlWriter {
            model: &self.model,
            rng: &mut rng,
            out: String::new(),
            unknown: 0,
        };
        let xml = writer.response(O::NAME, output_id, &value);
        match O::parse_response(200, xml.as_bytes()) {
            Ok(parsed) => assert!(
                parsed == expected,
                "{} output seed {seed}: parse(xml(x)) != x\nxml: {xml}\nexpected: {expected:#?}\nparsed: {parsed:#?}",
                O::NAME
            ),
            Err(e) => panic!(
                "{} output seed {seed}: the parser refused a valid response: {e:?}\nxml: {xml}\nvalue: {value}",
                O::NAME
            ),
        }
    }

    fn input_case<O>(&self, input_id: &str, seed: u64)
    where
        O: Operation,
        O::Input: DeserializeOwned + PartialEq + Debug,
    {
        let mut rng = Rng(seed.rotate_left(17));
        let gen = Gen {
            model: &self.model,
            dir: Dir::Input,
        };
        let value = gen.value(&mut rng, input_id, 0, false);
        let input: O::Input = serde_json::from_value(value.clone()).unwrap_or_else(|e| {
            panic!(
                "{} input seed {seed}: serde cannot read {value}: {e}",
                O::NAME
            )
        });
        let request = O::build_request(&input);
        let body = std::str::from_utf8(request.body()).expect("a form body is ASCII");
        let fail = |what: String| -> ! {
            panic!(
                "{} input seed {seed}: {what}\nbody: {body}\nvalue: {value}",
                O::NAME
            )
        };
        let pairs = conformance::fuzz::decode_form(body).unwrap_or_else(|e| fail(e));
        let mut keys: Vec<String> = Vec::new();
        let mut map = BTreeMap::new();
        for (i, (k, v)) in pairs.into_iter().enumerate() {
            match (i, k.as_str()) {
                (0, "Action") if v == O::NAME => continue,
                (1, "Version") if v == elasticache::API_VERSION => continue,
                (0 | 1, _) => fail(format!("pair {i} is {k}={v}")),
                _ => {}
            }
            if map.insert(k.clone(), v).is_some() {
                fail(format!("key {k} is sent twice"));
            }
            keys.push(k);
        }
        let mut reader = FormReader {
            model: &self.model,
            pairs: map,
            consumed: Vec::new(),
        };
        let decoded = reader.value(input_id, "").unwrap_or_else(|| json!({}));
        if !reader.pairs.is_empty() {
            fail(format!("keys the model does not have: {:?}", reader.pairs));
        }
        if reader.consumed != keys {
            fail(format!(
                "keys not in model order: sent {keys:?}, model order {:?}",
                reader.consumed
            ));
        }
        let back: O::Input = serde_json::from_value(decoded.clone())
            .unwrap_or_else(|e| fail(format!("serde cannot read the decoded body {decoded}: {e}")));
        if back != input {
            fail(format!(
                "decode(serialize(x)) != x\nexpected: {}\ndecoded:  {decoded}",
                strip_nulls(&value)
            ));
        }
    }
}

#[test]
fn every_operation_round_trips() {
    let started = Instant::now();
    let mut run = Run {
        model: Model::load(),
        cases: env_number("ROUNDTRIP_CASES", 200),
        seed: env_number("ROUNDTRIP_SEED", 0x00C0_FFEE),
        checked: 0,
    };
    run.check::<op::copy_serverless_cache_snapshot::CopyServerlessCacheSnapshot>();
    run.check::<op::copy_snapshot::CopySnapshot>();
    run.check::<op::create_cache_cluster::CreateCacheCluster>();
    run.check::<op::create_serverless_cache_snapshot::CreateServerlessCacheSnapshot>();
    run.check::<op::create_snapshot::CreateSnapshot>();
    run.check::<op::delete_cache_cluster::DeleteCacheCluster>();
    run.check::<op::delete_serverless_cache_snapshot::DeleteServerlessCacheSnapshot>();
    run.check::<op::delete_snapshot::DeleteSnapshot>();
    run.check::<op::describe_cache_clusters::DescribeCacheClusters>();
    run.check::<op::describe_serverless_cache_snapshots::DescribeServerlessCacheSnapshots>();
    run.check::<op::describe_snapshots::DescribeSnapshots>();
    run.check::<op::export_serverless_cache_snapshot::ExportServerlessCacheSnapshot>();

    // Every operation of the model is checked above (a new one fails here until added).
    let operations = run
        .model
        .shapes
        .values()
        .filter(|s| s["type"] == "operation")
        .count() as u64;
    assert_eq!(
        run.checked,
        operations * run.cases * 2,
        "an operation of the model is not checked"
    );
    eprintln!(
        "roundtrip: {operations} operations x {} cases x (output, input) = {} checks, {:.1}s",
        run.cases,
        run.checked,
        started.elapsed().as_secs_f64()
    );
}

#[test]
fn the_writers_follow_the_wire_rules() {
    // The test's own helpers, against values worked out by hand.
    assert_eq!(rfc3339(0, 0, 0, false), "1970-01-01T00:00:00Z");
    assert_eq!(
        rfc3339(-62_135_596_800, 0, 0, false),
        "0001-01-01T00:00:00Z"
    );
    assert_eq!(
        rfc3339(253_402_300_799, 5, 9, true),
        "9999-12-31T23:59:59.000000005+00:00"
    );
    assert_eq!(
        rfc3339(951_782_400, 120_000_000, 4, false),
        "2000-02-29T00:00:00.1200Z"
    );
    assert_eq!(needed_digits(120_000_000), 2);
    assert_eq!(base64(b"foob"), "Zm9vYg==");
    assert_eq!(base64(b"foo"), "Zm9v");
}
