//! The JSON of credential documents: instance metadata and container endpoint credentials,
//! `credential_process` output, a cached SSO token and SSO's role credentials.
//!
//! These are small flat objects read once per refresh, so a value tree is all they need. The
//! reader accepts exactly what RFC 8259 allows, as `serde_json` does (the tests compare the
//! two on generated and corrupted documents): UTF-8 text, no trailing commas or comments,
//! no leading zeros, no numbers past the largest `f64`, no control characters or lone
//! surrogates in strings, nesting at most [`MAX_DEPTH`] deep. A name that appears twice in an object keeps its last value.
//! Numbers are kept as written; [`Json::as_i64`] reads the integers that fit an `i64`.

use std::fmt;

/// The deepest nesting of arrays and objects accepted: serde_json's, which refuses a 128th
/// level.
pub(crate) const MAX_DEPTH: usize = 127;

/// A JSON value.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) enum Json {
    #[default]
    Null,
    Bool(bool),
    /// The number as the document wrote it (its grammar checked).
    Number(String),
    String(String),
    Array(Vec<Json>),
    /// Members in document order, repeated names included.
    Object(Vec<(String, Json)>),
}

/// Why a document is not JSON, and where (1-based line and column, in bytes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct JsonError {
    message: &'static str,
    line: usize,
    column: usize,
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} at line {} column {}",
            self.message, self.line, self.column
        )
    }
}

impl std::error::Error for JsonError {}

impl Json {
    /// Parses a whole document: one value, with only whitespace around it.
    pub(crate) fn parse(text: &[u8]) -> Result<Json, JsonError> {
        let mut parser = Parser { text, pos: 0 };
        let value = parser.value(0)?;
        parser.whitespace();
        if parser.pos < text.len() {
            return Err(parser.error("trailing characters"));
        }
        Ok(value)
    }

    /// The value of member `name` of an object (the last one, if it repeats).
    pub(crate) fn get(&self, name: &str) -> Option<&Json> {
        match self {
            Json::Object(members) => members.iter().rev().find(|(n, _)| n == name).map(|m| &m.1),
            _ => None,
        }
    }

    /// The text of a string.
    pub(crate) fn as_str(&self) -> Option<&str> {
        match self {
            Json::String(s) => Some(s),
            _ => None,
        }
    }

    /// An integer written without fraction or exponent that fits an `i64`. `-0`, which
    /// serde_json reads as a float, is not one.
    pub(crate) fn as_i64(&self) -> Option<i64> {
        match self {
            Json::Number(n) if n != "-0" && !n.contains(['.', 'e', 'E']) => n.parse().ok(),
            _ => None,
        }
    }
}

struct Parser<'a> {
    text: &'a [u8],
    pos: usize,
}

impl Parser<'_> {
    fn error(&self, message: &'static str) -> JsonError {
        let before = &self.text[..self.pos.min(self.text.len())];
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let column = before.len()
            - before
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |i| i + 1);
        JsonError {
            message,
            line,
            column: column + 1,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.text.get(self.pos).copied()
    }

    fn whitespace(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    /// Skips whitespace, then steps over `byte` if it comes next.
    fn eat(&mut self, byte: u8) -> bool {
        self.whitespace();
        let next = self.peek() == Some(byte);
        if next {
            self.pos += 1;
        }
        next
    }

    fn literal(&mut self, word: &'static [u8], value: Json) -> Result<Json, JsonError> {
        for &expected in word {
            if self.peek() != Some(expected) {
                return Err(self.error("invalid literal"));
            }
            self.pos += 1;
        }
        Ok(value)
    }

    fn value(&mut self, depth: usize) -> Result<Json, JsonError> {
        self.whitespace();
        match self.peek() {
            None => Err(self.error("end of document where a value was expected")),
            Some(b'n') => self.literal(b"null", Json::Null),
            Some(b't') => self.literal(b"true", Json::Bool(true)),
            Some(b'f') => self.literal(b"false", Json::Bool(false)),
            Some(b'"') => self.string().map(Json::String),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(b'[') => {
                let depth = self.enter(depth)?;
                let mut items = Vec::new();
                if self.eat(b']') {
                    return Ok(Json::Array(items));
                }
                loop {
                    items.push(self.value(depth)?);
                    if self.eat(b']') {
                        return Ok(Json::Array(items));
                    }
                    if !self.eat(b',') {
                        return Err(self.error("expected `,` or `]`"));
                    }
                }
            }
            Some(b'{') => {
                let depth = self.enter(depth)?;
                let mut members = Vec::new();
                if self.eat(b'}') {
                    return Ok(Json::Object(members));
                }
                loop {
                    self.whitespace();
                    if self.peek() != Some(b'"') {
                        return Err(self.error("expected a member name"));
                    }
                    let name = self.string()?;
                    if !self.eat(b':') {
                        return Err(self.error("expected `:`"));
                    }
                    members.push((name, self.value(depth)?));
                    if self.eat(b'}') {
                        return Ok(Json::Object(members));
                    }
                    if !self.eat(b',') {
                        return Err(self.error("expected `,` or `}`"));
                    }
                }
            }
            Some(_) => Err(self.error("expected a value")),
        }
    }

    /// Steps over `[` or `{`, one level deeper.
    fn enter(&mut self, depth: usize) -> Result<usize, JsonError> {
        if depth >= MAX_DEPTH {
            return Err(self.error("nested too deeply"));
        }
        self.pos += 1;
        Ok(depth + 1)
    }

    fn digits(&mut self) -> usize {
        let start = self.pos;
        while let Some(b'0'..=b'9') = self.peek() {
            self.pos += 1;
        }
        self.pos - start
    }

    fn number(&mut self) -> Result<Json, JsonError> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => {
                self.pos += 1;
                if let Some(b'0'..=b'9') = self.peek() {
                    return Err(self.error("a number with a leading zero"));
                }
            }
            Some(b'1'..=b'9') => {
                self.digits();
            }
            _ => return Err(self.error("a number without digits")),
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if self.digits() == 0 {
                return Err(self.error("a number without digits after `.`"));
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            if self.digits() == 0 {
                return Err(self.error("a number without digits in its exponent"));
            }
        }
        // Only ASCII digits and signs were stepped over.
        let text = String::from_utf8_lossy(&self.text[start..self.pos]).into_owned();
        // A number past the largest `f64` is refused, as serde_json refuses it.
        if text.parse::<f64>().is_ok_and(f64::is_infinite) {
            return Err(self.error("a number out of range"));
        }
        Ok(Json::Number(text))
    }

    /// A string, from its opening quote through its closing one.
    fn string(&mut self) -> Result<String, JsonError> {
        self.pos += 1;
        let mut out = Vec::new();
        loop {
            let run = self.pos;
            while let Some(b) = self.peek() {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.pos += 1;
            }
            out.extend_from_slice(&self.text[run..self.pos]);
            match self.peek() {
                None => return Err(self.error("end of document inside a string")),
                Some(b'"') => {
                    self.pos += 1;
                    break;
                }
                Some(b'\\') => {
                    self.pos += 1;
                    let c = self.escape()?;
                    let mut buf = [0; 4];
                    out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                }
                Some(_) => return Err(self.error("a control character in a string")),
            }
        }
        String::from_utf8(out).map_err(|_| self.error("a string that is not UTF-8"))
    }

    /// The character of an escape, after its backslash.
    fn escape(&mut self) -> Result<char, JsonError> {
        let Some(b) = self.peek() else {
            return Err(self.error("end of document inside an escape"));
        };
        self.pos += 1;
        Ok(match b {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let first = self.hex4()?;
                match first {
                    0xD800..=0xDBFF => {
                        if self.text.get(self.pos..self.pos + 2) != Some(b"\\u") {
                            return Err(self.error("a lone leading surrogate"));
                        }
                        self.pos += 2;
                        let second = self.hex4()?;
                        if !(0xDC00..=0xDFFF).contains(&second) {
                            return Err(self.error("a leading surrogate without its trailing one"));
                        }
                        let c = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00);
                        char::from_u32(c).ok_or_else(|| self.error("an invalid escape"))?
                    }
                    0xDC00..=0xDFFF => return Err(self.error("a lone trailing surrogate")),
                    c => char::from_u32(c).ok_or_else(|| self.error("an invalid escape"))?,
                }
            }
            _ => return Err(self.error("an invalid escape")),
        })
    }

    fn hex4(&mut self) -> Result<u32, JsonError> {
        let mut value = 0;
        for _ in 0..4 {
            let digit = match self.peek() {
                Some(b @ b'0'..=b'9') => b - b'0',
                Some(b @ b'a'..=b'f') => b - b'a' + 10,
                Some(b @ b'A'..=b'F') => b - b'A' + 10,
                _ => return Err(self.error("an escape that is not four hex digits")),
            };
            self.pos += 1;
            value = value * 16 + u32::from(digit);
        }
        Ok(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Our value as serde_json's, to compare the two readers.
    fn to_serde(value: &Json) -> serde_json::Value {
        match value {
            Json::Null => serde_json::Value::Null,
            Json::Bool(b) => serde_json::Value::Bool(*b),
            Json::Number(n) => serde_json::from_str(n).expect("a checked number"),
            Json::String(s) => serde_json::Value::String(s.clone()),
            Json::Array(items) => serde_json::Value::Array(items.iter().map(to_serde).collect()),
            Json::Object(members) => {
                let mut map = serde_json::Map::new();
                for (name, value) in members {
                    map.insert(name.clone(), to_serde(value));
                }
                serde_json::Value::Object(map)
            }
        }
    }

    /// Both readers accept `text` or both refuse it, and agree on the value.
    fn same_as_serde(text: &[u8]) {
        let ours = Json::parse(text);
        let theirs = serde_json::from_slice::<serde_json::Value>(text);
        match (&ours, &theirs) {
            (Ok(a), Ok(b)) => assert_eq!(&to_serde(a), b, "{:?}", String::from_utf8_lossy(text)),
            (Err(_), Err(_)) => {}
            _ => panic!(
                "{:?}: ours {ours:?}, serde_json {theirs:?}",
                String::from_utf8_lossy(text)
            ),
        }
    }

    #[test]
    fn credential_documents() {
        let doc = br#"{"Code":"Success","LastUpdated":"2026-12-01T00:00:00Z","Type":"AWS-HMAC",
            "AccessKeyId":"ASIA","SecretAccessKey":"s\/e\"c","Token":"t\u00e9","Expiration":"2026-12-01T06:00:00Z"}"#;
        let v = Json::parse(doc).expect("a document");
        assert_eq!(v.get("Code").and_then(Json::as_str), Some("Success"));
        assert_eq!(
            v.get("SecretAccessKey").and_then(Json::as_str),
            Some("s/e\"c")
        );
        assert_eq!(v.get("Token").and_then(Json::as_str), Some("té"));
        assert_eq!(v.get("Missing"), None);
        let sso = br#"{"roleCredentials":{"accessKeyId":"A","expiration":1764547200000}}"#;
        let v = Json::parse(sso).expect("a document");
        let role = v.get("roleCredentials").expect("roleCredentials");
        assert_eq!(
            role.get("expiration").and_then(Json::as_i64),
            Some(1_764_547_200_000)
        );
        let v = Json::parse(br#"{"Version": 1, "a": 1, "a": 2}"#).expect("a document");
        assert_eq!(v.get("Version").and_then(Json::as_i64), Some(1));
        assert_eq!(
            v.get("a").and_then(Json::as_i64),
            Some(2),
            "the last of a repeated name"
        );
    }

    #[test]
    fn integers() {
        for (text, expected) in [
            ("0", Some(0)),
            ("-1", Some(-1)),
            ("-0", None),
            ("1.0", None),
            ("1e3", None),
            ("9223372036854775807", Some(i64::MAX)),
            ("9223372036854775808", None),
            ("-9223372036854775808", Some(i64::MIN)),
            ("-9223372036854775809", None),
        ] {
            let ours = Json::parse(text.as_bytes()).expect("a number").as_i64();
            let theirs = serde_json::from_str::<serde_json::Value>(text)
                .expect("a number")
                .as_i64();
            assert_eq!(ours, expected, "{text}");
            assert_eq!(ours, theirs, "{text}");
        }
    }

    #[test]
    fn errors_name_line_and_column() {
        let e = Json::parse(b"{\n  \"a\": tru\n}").expect_err("not JSON");
        assert_eq!(e.to_string(), "invalid literal at line 2 column 11");
        let deep = "[".repeat(MAX_DEPTH + 1);
        assert_eq!(
            Json::parse(deep.as_bytes()).expect_err("too deep").message,
            "nested too deeply"
        );
        assert!(Json::parse(b"").is_err());
    }

    #[test]
    fn agrees_with_serde_json_on_edge_cases() {
        let cases: &[&[u8]] = &[
            b"",
            b" ",
            b"null",
            b" true ",
            b"false",
            b"nul",
            b"truex",
            b"0",
            b"-0",
            b"01",
            b"-",
            b"1.",
            b".5",
            b"+1",
            b"1e",
            b"1e+",
            b"1E-5",
            b"-0.0e0",
            b"1.5e308",
            b"1e400",
            b"\"\"",
            b"\"a",
            b"\"\\u00\"",
            b"\"\\ud83d\\ude00\"",
            b"\"\\ud83d\"",
            b"\"\\ude00\"",
            b"\"\\ud83d\\u0041\"",
            b"\"\\x\"",
            b"\"\t\"",
            b"\"\x7f\"",
            b"\"\xff\"",
            b"\"\xc3\xa9\"",
            b"[]",
            b"[,]",
            b"[1,]",
            b"[1 2]",
            b"{}",
            b"{,}",
            b"{\"a\"}",
            b"{\"a\":}",
            b"{\"a\":1,}",
            b"{a:1}",
            b"{\"a\":1}x",
            b"[1]]",
            b"\xef\xbb\xbf{}",
            b"{} // c",
            b"\x0c1",
            b"[\"\\/\\b\\f\\n\\r\\t\"]",
        ];
        for case in cases {
            same_as_serde(case);
        }
        same_as_serde("[".repeat(MAX_DEPTH).as_bytes());
        same_as_serde(format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH)).as_bytes());
        same_as_serde(
            format!("{}{}", "[".repeat(MAX_DEPTH + 1), "]".repeat(MAX_DEPTH + 1)).as_bytes(),
        );
    }

    /// A small deterministic generator (xorshift), so failures reproduce.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
    }

    fn document(rng: &mut Rng, depth: usize, out: &mut Vec<u8>) {
        const SCALARS: &[&str] = &[
            "null",
            "true",
            "false",
            "0",
            "-12",
            "3.25",
            "1e-7",
            "-0",
            "18446744073709551616",
            "\"AccessKeyId\"",
            "\"a\\\"b\\\\c\\n\"",
            "\"\\u00e9\\ud83d\\ude00\"",
            "\"é\"",
            "\"\"",
        ];
        match rng.below(if depth > 4 { 1 } else { 4 }) {
            0 => out.extend_from_slice(SCALARS[rng.below(SCALARS.len())].as_bytes()),
            1 => {
                out.push(b'[');
                for i in 0..rng.below(4) {
                    if i > 0 {
                        out.push(b',');
                    }
                    document(rng, depth + 1, out);
                }
                out.push(b']');
            }
            _ => {
                out.push(b'{');
                for i in 0..rng.below(5) {
                    if i > 0 {
                        out.extend_from_slice(b", ");
                    }
                    let names: [&[u8]; 4] =
                        [b"\"Token\"", b"\"Expiration\"", b"\"a\"", b"\"\\u0041\""];
                    out.extend_from_slice(names[rng.below(names.len())]);
                    out.extend_from_slice(b": ");
                    document(rng, depth + 1, out);
                }
                out.push(b'}');
            }
        }
    }

    /// Generated documents, whole and with one byte changed, inserted or removed: both
    /// readers agree on every one.
    #[test]
    fn agrees_with_serde_json_on_generated_documents() {
        const BYTES: &[u8] = b"{}[],:\"\\ -+.eE0123456789tnfua\x00\x1f\x7f\xc3\xff\n";
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        for _ in 0..20_000 {
            let mut doc = Vec::new();
            document(&mut rng, 0, &mut doc);
            same_as_serde(&doc);
            if doc.is_empty() {
                continue;
            }
            let at = rng.below(doc.len());
            let byte = BYTES[rng.below(BYTES.len())];
            match rng.below(3) {
                0 => doc[at] = byte,
                1 => doc.insert(at, byte),
                _ => {
                    doc.remove(at);
                }
            }
            same_as_serde(&doc);
        }
    }
}
