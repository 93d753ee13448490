//! Fuzz targets: functions of arbitrary bytes that must never panic.
//!
//! `fuzz/fuzz_targets/*.rs` (cargo-fuzz, libFuzzer) and `tests/fuzz_corpus.rs` (stable,
//! `cargo test`) call the same functions, so a crash found by either is reproduced by the
//! other. A panic is a bug: either in the code under test or, for the round-trip target, a
//! broken property (the panic message says which).
//!
//! The generator's model loader has a target too, but it lives in
//! `tests/support/fuzz_loader.rs` (included by path), so that this library does not depend
//! on the generator.

use elasticache::operation::{
    copy_serverless_cache_snapshot, copy_snapshot, create_cache_cluster,
    create_serverless_cache_snapshot, create_snapshot, delete_cache_cluster,
    delete_serverless_cache_snapshot, delete_snapshot, describe_cache_clusters,
    describe_serverless_cache_snapshots, describe_snapshots, export_serverless_cache_snapshot,
};
use elasticache::types::{AzMode, Tag};

/// Runs `$body` once per operation module of the crate, with `$m` bound to the module.
macro_rules! each_operation {
    ($m:ident => $body:block) => {{
        {
            use copy_serverless_cache_snapshot as $m;
            $body
        }
        {
            use copy_snapshot as $m;
            $body
        }
        {
            use create_cache_cluster as $m;
            $body
        }
        {
            use create_serverless_cache_snapshot as $m;
            $body
        }
        {
            use create_snapshot as $m;
            $body
        }
        {
            use delete_cache_cluster as $m;
            $body
        }
        {
            use delete_serverless_cache_snapshot as $m;
            $body
        }
        {
            use delete_snapshot as $m;
            $body
        }
        {
            use describe_cache_clusters as $m;
            $body
        }
        {
            use describe_serverless_cache_snapshots as $m;
            $body
        }
        {
            use describe_snapshots as $m;
            $body
        }
        {
            use export_serverless_cache_snapshot as $m;
            $body
        }
    }};
}

/// The statuses [`response_error`] picks from with its first byte.
pub const ERROR_STATUSES: [u16; 6] = [400, 403, 404, 429, 500, 503];

/// Target `response_ok`: `data` as the body of an HTTP 200 answer to every operation of the
/// crate (CopySnapshot, DescribeCacheClusters, DescribeSnapshots, CreateCacheCluster and the
/// eight others). Each parse must return (`Ok` or `Err`), and what it returns must format
/// (`Debug`, and `Display` of an error and of the crate-wide error it converts into).
pub fn response_ok(data: &[u8]) {
    each_operation!(m => {
        match m::parse_response(200, data) {
            Ok(output) => {
                std::hint::black_box(format!("{output:?}"));
            }
            Err(e) => {
                std::hint::black_box(format!("{e} {e:?} {:?}", e.code()));
                let e: elasticache::Error = e.into();
                std::hint::black_box(format!("{e}"));
            }
        }
    });
}

/// Target `response_error`: the first byte picks an error status from [`ERROR_STATUSES`],
/// the rest is the body. Every operation must turn it into an error (never an output, never
/// a panic) whose code, message and request id, `Display` and conversion into the
/// crate-wide error work.
pub fn response_error(data: &[u8]) {
    let Some((&first, body)) = data.split_first() else {
        return;
    };
    let status = ERROR_STATUSES[usize::from(first) % ERROR_STATUSES.len()];
    each_operation!(m => {
        match m::parse_response(status, body) {
            Ok(output) => panic!("HTTP {status} parsed as an output: {output:?}"),
            Err(e) => {
                std::hint::black_box(format!(
                    "{e} {e:?} {:?} {:?} {:?}",
                    e.code(),
                    e.message(),
                    e.request_id()
                ));
                let e: elasticache::Error = e.into();
                std::hint::black_box(format!("{e}"));
            }
        }
    });
}

/// Target `form_round_trip`: builds a CopySnapshot input and a CreateCacheCluster input from
/// `data` (strings of arbitrary Unicode, optional members, empty and non-empty lists, enums
/// known and unknown, integers), serializes each with the generated serializer, decodes the
/// form body (percent escapes, `+`) and panics unless the decoded pairs are exactly the ones
/// put in, in model order: no parameter injected, lost or changed.
pub fn form_round_trip(data: &[u8]) {
    let mut src = Source::new(data);
    copy_snapshot_round_trip(&mut src);
    create_cache_cluster_round_trip(&mut src);
}

fn copy_snapshot_round_trip(src: &mut Source<'_>) {
    let mut input = copy_snapshot::CopySnapshotInput::new(src.string(), src.string());
    input.target_bucket = src.option(Source::string);
    input.kms_key_id = src.option(Source::string);
    input.tags = src.option(Source::tags);

    let mut expected = Expected::new("CopySnapshot");
    expected.push("SourceSnapshotName", &input.source_snapshot_name);
    expected.push("TargetSnapshotName", &input.target_snapshot_name);
    expected.opt("TargetBucket", input.target_bucket.as_deref());
    expected.opt("KmsKeyId", input.kms_key_id.as_deref());
    expected.tags(input.tags.as_deref());

    check_body(&copy_snapshot::serialize_request(&input), &expected.0);
}

fn create_cache_cluster_round_trip(src: &mut Source<'_>) {
    let mut input = create_cache_cluster::CreateCacheClusterInput::new(src.string());
    input.az_mode = src.option(|s| AzMode::from(s.enum_value(AzMode::VALUES)));
    input.preferred_availability_zones = src.option(Source::strings);
    input.num_cache_nodes = src.option(Source::int);
    input.cache_security_group_names = src.option(Source::strings);
    input.security_group_ids = src.option(Source::strings);
    input.tags = src.option(Source::tags);
    input.port = src.option(Source::int);
    input.auto_minor_version_upgrade = src.option(|s| s.byte() & 1 == 1);

    let mut expected = Expected::new("CreateCacheCluster");
    expected.push("CacheClusterId", &input.cache_cluster_id);
    if let Some(mode) = &input.az_mode {
        expected.push("AZMode", mode.as_str());
    }
    let zones = input.preferred_availability_zones.as_deref();
    expected.list(
        "PreferredAvailabilityZones",
        "PreferredAvailabilityZone",
        zones,
    );
    expected.opt(
        "NumCacheNodes",
        input.num_cache_nodes.map(|n| n.to_string()).as_deref(),
    );
    let names = input.cache_security_group_names.as_deref();
    expected.list("CacheSecurityGroupNames", "CacheSecurityGroupName", names);
    let ids = input.security_group_ids.as_deref();
    expected.list("SecurityGroupIds", "SecurityGroupId", ids);
    expected.tags(input.tags.as_deref());
    expected.opt("Port", input.port.map(|n| n.to_string()).as_deref());
    let upgrade = input.auto_minor_version_upgrade.map(|b| b.to_string());
    expected.opt("AutoMinorVersionUpgrade", upgrade.as_deref());

    check_body(
        &create_cache_cluster::serialize_request(&input),
        &expected.0,
    );
}

/// The pairs a body must decode to, in order.
struct Expected(Vec<(String, String)>);

impl Expected {
    fn new(action: &str) -> Self {
        Self(vec![
            ("Action".into(), action.into()),
            ("Version".into(), elasticache::API_VERSION.into()),
        ])
    }

    fn push(&mut self, key: &str, value: &str) {
        self.0.push((key.into(), value.into()));
    }

    fn opt(&mut self, key: &str, value: Option<&str>) {
        if let Some(v) = value {
            self.push(key, v);
        }
    }

    /// A wrapped list of strings: `key=` when empty, else `key.member.N`.
    fn list(&mut self, key: &str, member: &str, items: Option<&[String]>) {
        match items {
            None => {}
            Some([]) => self.push(key, ""),
            Some(items) => {
                for (i, item) in items.iter().enumerate() {
                    self.push(&format!("{key}.{member}.{}", i + 1), item);
                }
            }
        }
    }

    fn tags(&mut self, tags: Option<&[Tag]>) {
        match tags {
            None => {}
            Some([]) => self.push("Tags", ""),
            Some(tags) => {
                for (i, tag) in tags.iter().enumerate() {
                    let n = i + 1;
                    self.opt(&format!("Tags.Tag.{n}.Key"), tag.key.as_deref());
                    self.opt(&format!("Tags.Tag.{n}.Value"), tag.value.as_deref());
                }
            }
        }
    }
}

/// Panics unless `body` is a well-formed form body (only unreserved characters, `%XX`
/// escapes, `+`, `=` and `&`) that decodes to exactly `expected`.
fn check_body(body: &str, expected: &[(String, String)]) {
    if let Some(c) = body
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || "-_.~%+=&".contains(*c)))
    {
        panic!("the form body has the raw character {c:?}: {body}");
    }
    let decoded = match decode_form(body) {
        Ok(pairs) => pairs,
        Err(e) => panic!("the serializer wrote a body that does not decode ({e}): {body}"),
    };
    if decoded != expected {
        let first = decoded
            .iter()
            .zip(expected)
            .position(|(a, b)| a != b)
            .unwrap_or(decoded.len().min(expected.len()));
        panic!(
            "the form body does not decode to the input: at pair {first} got {:?}, expected {:?} \
             ({} pairs decoded, {} expected)\nbody: {body}",
            decoded.get(first),
            expected.get(first),
            decoded.len(),
            expected.len()
        );
    }
}

/// Splits an `application/x-www-form-urlencoded` body into decoded `(key, value)` pairs, in
/// order. Unlike [`crate::decode_form`] it never panics: a pair without `=`, a bad escape or
/// bytes that are not UTF-8 are errors.
pub fn decode_form(body: &str) -> Result<Vec<(String, String)>, String> {
    body.split('&')
        .map(|pair| {
            let (k, v) = pair
                .split_once('=')
                .ok_or_else(|| format!("pair {pair:?} has no `=`"))?;
            Ok((form_decode(k)?, form_decode(v)?))
        })
        .collect()
}

/// Decodes one form-encoded component: `%XX` escapes and `+` for a space.
pub fn form_decode(s: &str) -> Result<String, String> {
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
                    .filter(|h| h.bytes().all(|b| b.is_ascii_hexdigit()))
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                    .ok_or_else(|| format!("bad escape at byte {i} of {s:?}"))?;
                out.push(hex);
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).map_err(|e| format!("{s:?} decodes to bytes that are not UTF-8: {e}"))
}

/// Characters that tend to break encoders: form and XML syntax, whitespace, controls,
/// multi-byte and astral characters, the replacement character, a byte-order mark.
const INTERESTING: &[char] = &[
    '&',
    '=',
    '+',
    '%',
    ' ',
    '.',
    '~',
    '*',
    '/',
    '?',
    '#',
    '<',
    '>',
    '"',
    '\'',
    ';',
    '\0',
    '\t',
    '\n',
    '\r',
    '\u{7f}',
    '\u{80}',
    '\u{a0}',
    'é',
    '\u{2028}',
    '☃',
    '\u{feff}',
    '\u{fffd}',
    '\u{ffff}',
    '😀',
    '\u{10ffff}',
    'a',
    'Z',
    '0',
    '-',
    '_',
];

/// Values drawn from the fuzzer's bytes; past the end, every draw is zero.
#[derive(Debug)]
pub struct Source<'a> {
    data: &'a [u8],
}

impl<'a> Source<'a> {
    /// A source over `data`.
    pub fn new(data: &'a [u8]) -> Self {
        Self { data }
    }

    /// The next byte (0 once the data is used up).
    pub fn byte(&mut self) -> u8 {
        match self.data.split_first() {
            Some((&b, rest)) => {
                self.data = rest;
                b
            }
            None => 0,
        }
    }

    fn take(&mut self, n: usize) -> &'a [u8] {
        let (head, rest) = self.data.split_at(n.min(self.data.len()));
        self.data = rest;
        head
    }

    /// A string of up to 31 units, in one of three encodings picked by a byte: the bytes as
    /// (lossy) UTF-8, each byte an index into a table of troublesome characters, or each
    /// three bytes a code point anywhere in Unicode.
    pub fn string(&mut self) -> String {
        let head = self.byte();
        let len = usize::from(head >> 3);
        let bytes = self.take(match head % 4 {
            2 => len * 3,
            _ => len,
        });
        match head % 4 {
            0 | 3 => String::from_utf8_lossy(bytes).into_owned(),
            1 => bytes
                .iter()
                .map(|&b| INTERESTING[usize::from(b) % INTERESTING.len()])
                .collect(),
            _ => bytes
                .chunks(3)
                .filter_map(|c| {
                    let v = c.iter().fold(0u32, |acc, &b| acc << 8 | u32::from(b));
                    char::from_u32(v % 0x11_0000)
                })
                .collect(),
        }
    }

    /// `Some(f(self))` or `None`, by one byte.
    pub fn option<T>(&mut self, f: impl FnOnce(&mut Self) -> T) -> Option<T> {
        (self.byte() & 1 == 1).then(|| f(self))
    }

    /// An `i32`, often an extreme.
    pub fn int(&mut self) -> i32 {
        match self.byte() % 4 {
            0 => [0, -1, 1, i32::MIN, i32::MAX][usize::from(self.byte()) % 5],
            _ => i32::from_le_bytes([self.byte(), self.byte(), self.byte(), self.byte()]),
        }
    }

    /// A list of up to 7 strings (possibly empty).
    pub fn strings(&mut self) -> Vec<String> {
        (0..self.byte() % 8).map(|_| self.string()).collect()
    }

    /// A list of up to 7 tags, each with or without a key and a value.
    pub fn tags(&mut self) -> Vec<Tag> {
        (0..self.byte() % 8)
            .map(|_| {
                let mut tag = Tag::new();
                tag.key = self.option(Source::string);
                tag.value = self.option(Source::string);
                tag
            })
            .collect()
    }

    /// One of `known` or, one time in four, any string.
    pub fn enum_value(&mut self, known: &[&str]) -> String {
        let b = self.byte();
        match known.get(usize::from(b >> 2) % known.len().max(1)) {
            Some(v) if b % 4 != 0 => (*v).to_owned(),
            _ => self.string(),
        }
    }
}
