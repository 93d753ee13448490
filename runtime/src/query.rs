//! awsQuery request bodies: `Action=Op&Version=V&Key.Path=value&…`, form-urlencoded.
//!
//! [`QueryWriter`] holds two strings: the body being built and the key path of the member
//! being written, used as a stack (`push` returns a mark, `pop` truncates back to it). Values
//! are percent-encoded straight into the body, so writing a member costs no allocation beyond
//! the body's own growth: integers, timestamps and blobs are formatted through stack buffers.

use super::{Blob, DateTime};
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use std::fmt::Write as _;

/// Builds an awsQuery form body.
#[derive(Debug, Clone)]
pub struct QueryWriter {
    buf: String,
    /// `&` followed by the key of the member being written and a `.` (`&Tags.Tag.1.`), or
    /// only `&` at the top level: a member `Key` is then written as `key` + `Key=`.
    key: String,
    tokens: fn() -> String,
}

impl QueryWriter {
    /// Starts a body `Action=<action>&Version=<version>`. `capacity` pre-sizes the buffer.
    pub fn new(action: &str, version: &str, capacity: usize) -> Self {
        let mut buf = String::with_capacity(capacity.max(18 + action.len() + version.len()));
        buf.push_str("Action=");
        encode_into(action, &mut buf);
        buf.push_str("&Version=");
        encode_into(version, &mut buf);
        Self {
            buf,
            key: {
                let mut key = String::with_capacity(64);
                key.push('&');
                key
            },
            tokens: super::idempotency::random_token,
        }
    }

    /// Makes the tokens of idempotency-token members left unset with `source` (by default
    /// [`random_token`](super::idempotency::random_token)).
    #[must_use]
    pub fn idempotency_tokens(mut self, source: fn() -> String) -> Self {
        self.tokens = source;
        self
    }

    /// A fresh idempotency token, for a member the caller left unset.
    pub fn idempotency_token(&self) -> String {
        (self.tokens)()
    }

    /// The finished body.
    pub fn finish(self) -> String {
        self.buf
    }

    /// Appends `seg` to the current key (after a `.` unless the key is empty) and returns a
    /// mark of the key before, to hand to [`pop`](Self::pop). `seg` must already be URL-safe
    /// (the generator only passes member names); it is appended as is. An empty `seg` leaves
    /// the key as it is (a list nested in a list is written at its item's key).
    #[inline]
    pub fn push(&mut self, seg: &str) -> usize {
        let mark = self.key.len();
        if seg.is_empty() {
            // A collection nested directly in another is written at the current key.
            return mark;
        }
        self.key.push_str(seg);
        self.key.push('.');
        mark
    }

    /// Appends a list or map position: `.N`, or `N` when the key is empty. Returns the mark.
    #[inline]
    pub fn push_index(&mut self, index: usize) -> usize {
        let mark = self.key.len();
        push_decimal(&mut self.key, index as u64);
        self.key.push('.');
        mark
    }

    /// Restores the key to a mark returned by [`push`](Self::push) or
    /// [`push_index`](Self::push_index). A mark that no push returned is ignored.
    #[inline]
    pub fn pop(&mut self, mark: usize) {
        // The leading `&` is never removed.
        if mark >= 1 && self.key.is_char_boundary(mark) {
            self.key.truncate(mark);
        }
    }

    /// Writes `&<key>=<encoded value>` for the current key.
    #[inline]
    pub fn write<V: QueryValue + ?Sized>(&mut self, v: &V) {
        self.start_pair();
        v.write_value(&mut self.buf);
    }

    /// Writes `&<key>=`, which is how awsQuery sends an empty list.
    #[inline]
    pub fn write_empty(&mut self) {
        self.start_pair();
    }

    /// Writes the scalar member `seg`: the same as `push(seg)`, `write(v)`, `pop`, but the
    /// key is written straight into the body.
    #[inline]
    pub fn value<V: QueryValue + ?Sized>(&mut self, seg: &str, v: &V) {
        self.buf.push_str(&self.key);
        self.buf.push_str(seg);
        self.buf.push('=');
        v.write_value(&mut self.buf);
    }

    /// Writes the structure member `seg`: `push(seg)`, `s.serialize(self)`, `pop`.
    pub fn structure<S: QuerySerialize + ?Sized>(&mut self, seg: &str, s: &S) {
        let mark = self.push(seg);
        s.serialize(self);
        self.pop(mark);
    }

    /// Writes the list member `seg`. With `member = Some("Tag")` the items go to `seg.Tag.N`;
    /// with `None` (a flattened list) to `seg.N`. N counts from 1, and an item for which `f`
    /// writes nothing still takes its number. An empty list writes `&seg=`.
    pub fn list<T>(
        &mut self,
        seg: &str,
        member: Option<&str>,
        items: &[T],
        mut f: impl FnMut(&mut Self, &T),
    ) {
        let mark = self.open_list(seg, member, items.is_empty());
        for (i, item) in items.iter().enumerate() {
            let item_mark = self.push_index(i + 1);
            f(self, item);
            self.pop(item_mark);
        }
        self.pop(mark);
    }

    /// The part of [`list`](Self::list) that does not depend on the item type: pushes
    /// `seg` (and `member`), or writes `&seg=` for an empty list. Returns the mark to pop.
    #[inline]
    fn open_list(&mut self, seg: &str, member: Option<&str>, empty: bool) -> usize {
        let mark = self.push(seg);
        if empty {
            self.write_empty();
        } else if let Some(member) = member {
            self.push(member);
        }
        mark
    }

    /// Writes the list member `seg` the ec2Query way: items at `seg.N`, N counting from 1
    /// (an item for which `f` writes nothing still takes its number), and an empty list
    /// writes nothing at all.
    pub fn flat_list<T>(&mut self, seg: &str, items: &[T], mut f: impl FnMut(&mut Self, &T)) {
        if items.is_empty() {
            return;
        }
        let mark = self.push(seg);
        for (i, item) in items.iter().enumerate() {
            let item_mark = self.push_index(i + 1);
            f(self, item);
            self.pop(item_mark);
        }
        self.pop(mark);
    }

    /// Writes the map member `seg`: entry N goes to `seg.entry.N.<key_name>` and
    /// `seg.entry.N.<value_name>`, or `seg.N.…` when `flattened`. N counts from 1. An empty map
    /// writes nothing at all.
    #[allow(clippy::too_many_arguments)]
    pub fn map<'m, K: 'm + ?Sized, V: 'm>(
        &mut self,
        seg: &str,
        flattened: bool,
        key_name: &str,
        value_name: &str,
        entries: impl IntoIterator<Item = (&'m K, &'m V)>,
        mut fk: impl FnMut(&mut Self, &K),
        mut fv: impl FnMut(&mut Self, &V),
    ) {
        let mark = self.push(seg);
        if !flattened {
            self.push("entry");
        }
        for (i, (k, v)) in entries.into_iter().enumerate() {
            let entry_mark = self.push_index(i + 1);
            let field_mark = self.push(key_name);
            fk(self, k);
            self.pop(field_mark);
            self.push(value_name);
            fv(self, v);
            self.pop(entry_mark);
        }
        self.pop(mark);
    }

    /// `&<key>=`: the key without its trailing `.`.
    #[inline]
    fn start_pair(&mut self) {
        let key = self.key.strip_suffix('.').unwrap_or(&self.key);
        self.buf.push_str(key);
        self.buf.push('=');
    }
}

/// Remembers how large an operation's bodies get, so that the next body is allocated once
/// at the right size instead of growing. Shared by all calls of one operation (a `static`).
#[derive(Debug)]
pub struct SizeHint(std::sync::atomic::AtomicUsize);

impl SizeHint {
    /// Hints above this are not remembered: one huge request should not make every later
    /// buffer huge.
    pub const MAX: usize = 16 * 1024;

    /// A hint starting at `initial` bytes.
    pub const fn new(initial: usize) -> Self {
        Self(std::sync::atomic::AtomicUsize::new(initial))
    }

    /// The capacity to allocate for the next body.
    pub fn get(&self) -> usize {
        self.0.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Records the length of a finished body.
    pub fn record(&self, len: usize) {
        self.0
            .fetch_max(len.min(Self::MAX), std::sync::atomic::Ordering::Relaxed);
    }
}

/// A scalar that can be a form value.
pub trait QueryValue {
    /// Appends the value's percent-encoded text to `out`.
    fn write_value(&self, out: &mut String);
}

/// A structure that writes its members under the writer's current key.
pub trait QuerySerialize {
    /// Writes every set member, each under `w`'s current key plus the member's name.
    fn serialize(&self, w: &mut QueryWriter);
}

impl QueryValue for str {
    #[inline]
    fn write_value(&self, out: &mut String) {
        encode_into(self, out);
    }
}

impl QueryValue for String {
    #[inline]
    fn write_value(&self, out: &mut String) {
        encode_into(self, out);
    }
}

impl<T: QueryValue + ?Sized> QueryValue for &T {
    #[inline]
    fn write_value(&self, out: &mut String) {
        (**self).write_value(out);
    }
}

impl QueryValue for bool {
    #[inline]
    fn write_value(&self, out: &mut String) {
        out.push_str(if *self { "true" } else { "false" });
    }
}

macro_rules! unsigned_value {
    ($($t:ty),*) => {$(
        impl QueryValue for $t {
            #[inline]
            fn write_value(&self, out: &mut String) {
                push_decimal(out, u64::from(*self));
            }
        }
    )*};
}
unsigned_value!(u8, u16, u32, u64);

macro_rules! signed_value {
    ($($t:ty),*) => {$(
        impl QueryValue for $t {
            #[inline]
            fn write_value(&self, out: &mut String) {
                if *self < 0 {
                    out.push('-');
                }
                push_decimal(out, u64::from(self.unsigned_abs()));
            }
        }
    )*};
}
signed_value!(i8, i16, i32, i64);

macro_rules! float_value {
    ($($t:ty),*) => {$(
        impl QueryValue for $t {
            /// Rust's shortest round-trip form (never an exponent), or `NaN`, `Infinity`,
            /// `-Infinity`. None of these characters needs encoding.
            fn write_value(&self, out: &mut String) {
                if self.is_nan() {
                    out.push_str("NaN");
                } else if self.is_infinite() {
                    out.push_str(if *self > 0.0 { "Infinity" } else { "-Infinity" });
                } else {
                    // Writing into a String cannot fail.
                    let _ = write!(out, "{self}");
                }
            }
        }
    )*};
}
float_value!(f32, f64);

impl QueryValue for DateTime {
    /// The date-time form with each `:` written as `%3A`.
    fn write_value(&self, out: &mut String) {
        let _ = self.write_date_time_with(out, "%3A");
    }
}

impl QueryValue for Blob {
    /// Standard base64 with padding, percent-encoded, produced through a stack buffer.
    fn write_value(&self, out: &mut String) {
        // 768 input bytes -> exactly 1024 base64 characters; only the last chunk is padded.
        let mut encoded = [0u8; 1024];
        for chunk in self.as_bytes().chunks(768) {
            if let Ok(n) = STANDARD.encode_slice(chunk, &mut encoded) {
                let text = encoded.get(..n).unwrap_or_default();
                encode_into(std::str::from_utf8(text).unwrap_or_default(), out);
            }
        }
    }
}

/// Whether a byte is an RFC 3986 unreserved character, which is written as is.
static UNRESERVED: [bool; 256] = {
    let mut table = [false; 256];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        table[i] = b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~');
        i += 1;
    }
    table
};

const HEX: &[u8; 16] = b"0123456789ABCDEF";

/// Percent-encodes `s` (UTF-8) into `out`: `A-Z a-z 0-9 - _ . ~` are kept, every other byte
/// becomes `%XX` with uppercase hex (a space is `%20`). The leading run of kept bytes (often
/// the whole value) is found eight bytes at a time and copied at once; the rest is encoded
/// through a table of encoded forms, without a branch per byte.
#[inline]
pub fn encode_into(s: &str, out: &mut String) {
    let bytes = s.as_bytes();
    let safe_len = unreserved_prefix_len(bytes);
    let (Some(safe), Some(rest)) = (s.get(..safe_len), bytes.get(safe_len..)) else {
        return;
    };
    out.push_str(safe);
    if !rest.is_empty() {
        encode_rest(rest, out);
    }
}

/// Every byte's encoded form: the byte itself or `%XX` in the low three bytes (first
/// character lowest), and its length, 1 or 3, in the high byte.
static ENCODED: [u32; 256] = {
    let mut table = [0u32; 256];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        table[i] = if UNRESERVED[i] {
            1 << 24 | b as u32
        } else {
            3 << 24
                | (HEX[(b & 0xF) as usize] as u32) << 16
                | (HEX[(b >> 4) as usize] as u32) << 8
                | b'%' as u32
        };
        i += 1;
    }
    table
};

/// Encodes bytes where kept and encoded ones mix (ARNs, text with spaces, non-ASCII), 32 at
/// a time into a stack buffer. Each byte is one table load and one four-byte store, and the
/// position moves by the length the table gives: no branch per byte to mispredict, and the
/// loop's only dependency from byte to byte is that addition.
fn encode_rest(bytes: &[u8], out: &mut String) {
    const CHUNK: usize = 32;
    // 32 bytes encode to at most 96; a store at position p writes p..p + 4, and p < 128.
    let mut buf = [0u8; 128 + 4];
    for chunk in bytes.chunks(CHUNK) {
        let mut len = 0usize;
        for &b in chunk {
            let encoded = ENCODED[usize::from(b)];
            let at = len & 127;
            if let Some(slot) = buf.get_mut(at..at + 4) {
                slot.copy_from_slice(&encoded.to_le_bytes());
            }
            len += (encoded >> 24) as usize;
        }
        // Only kept (ASCII) bytes and `%XX` were written, so this is always text.
        if let Ok(text) = std::str::from_utf8(buf.get(..len).unwrap_or_default()) {
            out.push_str(text);
        }
    }
}

/// The length of the leading run of unreserved bytes. Eight bytes are tested per step with a
/// single branch.
#[inline]
fn unreserved_prefix_len(bytes: &[u8]) -> usize {
    let mut len = 0;
    for chunk in bytes.chunks_exact(8) {
        if !chunk
            .iter()
            .fold(true, |all, &b| all & UNRESERVED[usize::from(b)])
        {
            break;
        }
        len += 8;
    }
    let tail = bytes.get(len..).unwrap_or_default();
    len + tail
        .iter()
        .position(|&b| !UNRESERVED[usize::from(b)])
        .unwrap_or(tail.len())
}

/// Appends `n` in decimal: one character below 10 (most list positions), otherwise via a
/// stack buffer.
#[inline]
fn push_decimal(out: &mut String, mut n: u64) {
    if n < 10 {
        out.push(char::from(b'0' + n as u8));
        return;
    }
    let mut buf = [0u8; 20];
    let mut start = buf.len();
    loop {
        start -= 1;
        buf[start] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for &digit in &buf[start..] {
        out.push(char::from(digit));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Tag {
        key: &'static str,
        value: &'static str,
    }

    impl QuerySerialize for Tag {
        fn serialize(&self, w: &mut QueryWriter) {
            w.value("Key", self.key);
            w.value("Value", self.value);
        }
    }

    struct CopySnapshot {
        source: &'static str,
        target: &'static str,
        bucket: Option<&'static str>,
        tags: Vec<Tag>,
    }

    impl QuerySerialize for CopySnapshot {
        fn serialize(&self, w: &mut QueryWriter) {
            w.value("SourceSnapshotName", self.source);
            w.value("TargetSnapshotName", self.target);
            if let Some(bucket) = self.bucket {
                w.value("TargetBucket", bucket);
            }
            w.list("Tags", Some("Tag"), &self.tags, |w, t| t.serialize(w));
        }
    }

    fn body(input: &impl QuerySerialize) -> String {
        let mut w = QueryWriter::new("CopySnapshot", "2015-02-02", 256);
        input.serialize(&mut w);
        w.finish()
    }

    fn value_of(v: &(impl QueryValue + ?Sized)) -> String {
        let mut s = String::new();
        v.write_value(&mut s);
        s
    }

    #[test]
    fn copy_snapshot_with_tags() {
        let input = CopySnapshot {
            source: "my-source-snapshot",
            target: "my-target-snapshot",
            bucket: Some("my-bucket"),
            tags: vec![
                Tag {
                    key: "env",
                    value: "prod",
                },
                Tag {
                    key: "team",
                    value: "cache ops/α",
                },
            ],
        };
        assert_eq!(
            body(&input),
            "Action=CopySnapshot&Version=2015-02-02&SourceSnapshotName=my-source-snapshot\
             &TargetSnapshotName=my-target-snapshot&TargetBucket=my-bucket\
             &Tags.Tag.1.Key=env&Tags.Tag.1.Value=prod\
             &Tags.Tag.2.Key=team&Tags.Tag.2.Value=cache%20ops%2F%CE%B1"
        );
    }

    #[test]
    fn empty_list_is_sent_as_empty_value() {
        let input = CopySnapshot {
            source: "a",
            target: "b",
            bucket: None,
            tags: vec![],
        };
        assert_eq!(
            body(&input),
            "Action=CopySnapshot&Version=2015-02-02&SourceSnapshotName=a&TargetSnapshotName=b&Tags="
        );
    }

    #[test]
    fn flattened_and_nested_lists() {
        let mut w = QueryWriter::new("A", "1", 0);
        w.list("Ids", None, &["x", "y z"], |w, v| w.write(v));
        w.list("Nums", Some("member"), &[3i32, -4], |w, v| w.write(v));
        let outer = w.push("Top");
        w.list("Grid", Some("member"), &[vec![1u8, 2], vec![]], |w, row| {
            w.list("Row", None, row, |w, v| w.write(v));
        });
        w.pop(outer);
        assert_eq!(
            w.finish(),
            "Action=A&Version=1&Ids.1=x&Ids.2=y%20z&Nums.member.1=3&Nums.member.2=-4\
             &Top.Grid.member.1.Row.1=1&Top.Grid.member.1.Row.2=2&Top.Grid.member.2.Row="
        );
    }

    #[test]
    fn ec2_lists_are_flat_and_an_empty_one_is_not_sent() {
        let mut w = QueryWriter::new("DescribeInstances", "2016-11-15", 0);
        w.flat_list("InstanceId", &["i-1", ""], |w, v| w.write(v));
        let empty: [&str; 0] = [];
        w.flat_list("Owner", &empty, |w, v| w.write(v));
        let filters: [(Option<&str>, &[&str]); 3] = [
            (None, &[]),
            (Some("tag:Name"), &[]),
            (Some("n"), &["a b", "c"]),
        ];
        w.flat_list("Filter", &filters, |w, (name, values)| {
            if let Some(name) = name {
                w.value("Name", *name);
            }
            w.flat_list("Value", values, |w, v| w.write(v));
        });
        assert_eq!(
            w.finish(),
            "Action=DescribeInstances&Version=2016-11-15&InstanceId.1=i-1&InstanceId.2=\
             &Filter.2.Name=tag%3AName&Filter.3.Name=n&Filter.3.Value.1=a%20b&Filter.3.Value.2=c"
        );
    }

    #[test]
    fn item_that_writes_nothing_still_advances_the_index() {
        let mut w = QueryWriter::new("A", "1", 0);
        let items = [Some("a"), None, Some("c")];
        w.list("L", Some("member"), &items, |w, item| {
            if let Some(v) = item {
                w.write(v);
            }
        });
        assert_eq!(w.finish(), "Action=A&Version=1&L.member.1=a&L.member.3=c");
    }

    #[test]
    fn maps() {
        let entries = [("k1".to_string(), 1u32), ("k 2".to_string(), 2)];
        let mut w = QueryWriter::new("A", "1", 0);
        w.map(
            "Attrs",
            false,
            "Name",
            "Value",
            entries.iter().map(|(k, v)| (k, v)),
            |w, k| w.write(k),
            |w, v| w.write(v),
        );
        w.map(
            "Flat",
            true,
            "key",
            "value",
            entries.iter().map(|(k, v)| (k.as_str(), v)),
            |w, k| w.write(k),
            |w, v| w.write(v),
        );
        let empty: [(&str, &u32); 0] = [];
        w.map(
            "Empty",
            false,
            "key",
            "value",
            empty,
            |w, k| w.write(k),
            |w, v| w.write(v),
        );
        assert_eq!(
            w.finish(),
            "Action=A&Version=1&Attrs.entry.1.Name=k1&Attrs.entry.1.Value=1\
             &Attrs.entry.2.Name=k%202&Attrs.entry.2.Value=2\
             &Flat.1.key=k1&Flat.1.value=1&Flat.2.key=k%202&Flat.2.value=2"
        );
    }

    #[test]
    fn map_of_structures() {
        let tags = [Tag {
            key: "a",
            value: "b",
        }];
        let mut w = QueryWriter::new("A", "1", 0);
        w.map(
            "M",
            false,
            "key",
            "value",
            tags.iter().map(|t| (t.key, t)),
            |w, k| w.write(k),
            |w, t| t.serialize(w),
        );
        assert_eq!(
            w.finish(),
            "Action=A&Version=1&M.entry.1.key=a&M.entry.1.value.Key=a&M.entry.1.value.Value=b"
        );
    }

    #[test]
    fn key_stack() {
        let mut w = QueryWriter::new("A", "1", 0);
        let m0 = w.push_index(10);
        w.write("root-index");
        let m1 = w.push("X");
        let m2 = w.push_index(0);
        w.write_empty();
        w.pop(m2);
        w.structure(
            "S",
            &Tag {
                key: "k",
                value: "v",
            },
        );
        w.pop(m1);
        w.pop(m0);
        w.value("After", &true);
        w.pop(1000); // a stale mark is ignored
        assert_eq!(
            w.finish(),
            "Action=A&Version=1&10=root-index&10.X.0=&10.X.S.Key=k&10.X.S.Value=v&After=true"
        );
    }

    #[test]
    fn action_and_version_are_encoded() {
        assert_eq!(
            QueryWriter::new("Do It", "1/2", 0).finish(),
            "Action=Do%20It&Version=1%2F2"
        );
    }

    #[test]
    fn encodes_all_printable_ascii() {
        let printable: String = (0x20u8..0x7f).map(char::from).collect();
        let mut out = String::new();
        encode_into(&printable, &mut out);
        assert_eq!(
            out,
            "%20%21%22%23%24%25%26%27%28%29%2A%2B%2C-.%2F0123456789%3A%3B%3C%3D%3E%3F\
             %40ABCDEFGHIJKLMNOPQRSTUVWXYZ%5B%5C%5D%5E_%60abcdefghijklmnopqrstuvwxyz%7B%7C%7D~"
        );
    }

    /// The obvious per-byte encoder, to check the fast one against.
    fn reference_encode(s: &str) -> String {
        s.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                    char::from(b).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect()
    }

    #[test]
    fn matches_reference_encoder_at_every_offset() {
        let pieces = [
            "abcdefgh",
            "x",
            " ",
            "é",
            "/",
            "~._-",
            "😀",
            "0123456789",
            "%",
            "+",
        ];
        for len in 0..40 {
            for start in 0..pieces.len() {
                let s: String = (0..len)
                    .map(|i| pieces[(start + i * 7 + i / 3) % pieces.len()])
                    .collect();
                assert_eq!(value_of(s.as_str()), reference_encode(&s), "{s:?}");
                let mut out = String::from("prefix&");
                encode_into(&s, &mut out);
                assert_eq!(out, format!("prefix&{}", reference_encode(&s)));
            }
        }
        for b in 0u8..=0x7f {
            let s = format!("abcdefghij{}", char::from(b));
            assert_eq!(value_of(s.as_str()), reference_encode(&s));
        }
    }

    #[test]
    fn encodes_controls_and_unicode() {
        assert_eq!(value_of("a\nb\t\u{0}\u{7f}"), "a%0Ab%09%00%7F");
        assert_eq!(value_of("é€😀"), "%C3%A9%E2%82%AC%F0%9F%98%80");
        assert_eq!(value_of("xé"), "x%C3%A9");
        assert_eq!(value_of(""), "");
        assert_eq!(value_of(&String::from("a+b")), "a%2Bb");
    }

    #[test]
    fn integers_and_bools() {
        assert_eq!(value_of(&0u8), "0");
        assert_eq!(value_of(&u64::MAX), "18446744073709551615");
        assert_eq!(value_of(&i64::MIN), "-9223372036854775808");
        assert_eq!(value_of(&i8::MIN), "-128");
        assert_eq!(value_of(&-7i16), "-7");
        assert_eq!(value_of(&6379i32), "6379");
        assert_eq!(value_of(&65535u16), "65535");
        assert_eq!(value_of(&4_000_000_000u32), "4000000000");
        assert_eq!(value_of(&true), "true");
        assert_eq!(value_of(&false), "false");
        assert_eq!(value_of(&&&5u64), "5");
    }

    #[test]
    fn floats() {
        assert_eq!(value_of(&1.5f64), "1.5");
        assert_eq!(value_of(&1.0f64), "1");
        assert_eq!(value_of(&-0.25f64), "-0.25");
        assert_eq!(value_of(&0.1f64), "0.1");
        assert_eq!(value_of(&0.1f32), "0.1");
        assert_eq!(value_of(&1e21f64), "1000000000000000000000");
        assert_eq!(value_of(&5e-7f64), "0.0000005");
        assert_eq!(value_of(&f64::NAN), "NaN");
        assert_eq!(value_of(&f64::INFINITY), "Infinity");
        assert_eq!(value_of(&f64::NEG_INFINITY), "-Infinity");
        assert_eq!(value_of(&f32::NAN), "NaN");
        assert_eq!(value_of(&f32::INFINITY), "Infinity");
        assert_eq!(value_of(&f32::NEG_INFINITY), "-Infinity");
    }

    #[test]
    fn timestamps_and_blobs() {
        assert_eq!(
            value_of(&DateTime::from_secs(1_704_164_645)),
            "2024-01-02T03%3A04%3A05Z"
        );
        assert_eq!(
            value_of(&DateTime::from_millis(1_500)),
            "1970-01-01T00%3A00%3A01.5Z"
        );
        assert_eq!(value_of(&Blob::from("foo")), "Zm9v");
        assert_eq!(value_of(&Blob::from("f")), "Zg%3D%3D");
        assert_eq!(value_of(&Blob::new(vec![0xfb, 0xff, 0xbf])), "%2B%2F%2B%2F");
        assert_eq!(value_of(&Blob::default()), "");
        // Spans several stack chunks: same result as encoding the whole base64 string.
        let big = Blob::new(
            (0..5000u32)
                .map(|i| (i * 7 % 251) as u8)
                .collect::<Vec<u8>>(),
        );
        let mut expected = String::new();
        encode_into(&big.to_base64(), &mut expected);
        assert_eq!(value_of(&big), expected);
    }

    #[test]
    fn nested_lists_are_written_at_the_item_key() {
        let mut w = QueryWriter::new("Op", "1", 0);
        let outer = vec![vec!["a".to_owned(), "b".to_owned()], vec![]];
        w.list("Outer", Some("member"), &outer, |w, inner| {
            w.list("", Some("member"), inner, |w, s| w.write(s.as_str()));
        });
        assert_eq!(
            w.finish(),
            "Action=Op&Version=1&Outer.member.1.member.1=a&Outer.member.1.member.2=b&Outer.member.2="
        );
    }

    #[test]
    fn size_hint_grows_to_the_largest_body_up_to_a_cap() {
        let hint = SizeHint::new(100);
        hint.record(40);
        assert_eq!(hint.get(), 100);
        hint.record(700);
        assert_eq!(hint.get(), 700);
        hint.record(1 << 30);
        assert_eq!(hint.get(), SizeHint::MAX);
    }

    #[test]
    fn idempotency_tokens_come_from_the_source() {
        let w = QueryWriter::new("A", "1", 0);
        let (a, b) = (w.idempotency_token(), w.idempotency_token());
        assert_eq!((a.len(), b.len()), (36, 36));
        assert_ne!(a, b);
        let w = w.idempotency_tokens(|| "fixed".to_owned());
        assert_eq!(w.idempotency_token(), "fixed");
        assert_eq!(w.finish(), "Action=A&Version=1");
    }
}
