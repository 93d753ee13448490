//! Checks that generated Smithy protocol tests call (feature `test-support`): what a request
//! must look like according to a `smithy.test#httpRequestTests` case. The tests hand over the
//! request's parts as plain strings and bytes, so the checks need nothing but `std`; with `client`
//! on, `block_on` runs a client call in such a test. A check
//! that fails panics with every difference it found, as a test assertion does.

/// What a request test case expects.
#[derive(Debug)]
pub struct Expected<'a> {
    /// `method`.
    pub method: &'a str,
    /// `uri`: the path, compared exactly.
    pub uri: &'a str,
    /// The host the request must go to: `resolvedHost`, else the host of `host`.
    pub host: Option<&'a str>,
    /// `queryParams`: `name` or `name=value`, as they appear in the query string.
    pub query_params: &'a [&'a str],
    /// `forbidQueryParams`.
    pub forbid_query_params: &'a [&'a str],
    /// `requireQueryParams`.
    pub require_query_params: &'a [&'a str],
    /// `headers`: names compared without case, values exactly.
    pub headers: &'a [(&'a str, &'a str)],
    /// `forbidHeaders`.
    pub forbid_headers: &'a [&'a str],
    /// `requireHeaders`.
    pub require_headers: &'a [&'a str],
    /// `body`.
    pub body: Option<&'a str>,
    /// `bodyMediaType`: `application/x-www-form-urlencoded` compares decoded key/value pairs;
    /// none compares the bytes.
    pub body_media_type: Option<&'a str>,
}

/// The parts of a built request.
#[derive(Debug, Clone)]
pub struct Actual<'a> {
    /// The method.
    pub method: &'a str,
    /// The URI as text: absolute (`https://host/path?query`) or a path.
    pub uri: &'a str,
    /// Every header, names lowercase, values as text.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: &'a [u8],
}

impl Actual<'_> {
    /// The values of header `name` (any case), joined with `, ` as HTTP allows.
    pub fn header(&self, name: &str) -> Option<String> {
        let values: Vec<&str> = self
            .headers
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect();
        (!values.is_empty()).then(|| values.join(", "))
    }
}

/// Splits a URI into host (without port; `None` for a bare path), path and query.
fn split_uri(uri: &str) -> (Option<&str>, &str, &str) {
    let (host, rest) = match uri.split_once("://") {
        Some((_, after)) => {
            let end = after.find(['/', '?']).unwrap_or(after.len());
            let authority = &after[..end];
            let host = authority.rsplit_once(':').map_or(authority, |(h, _)| h);
            (Some(host), &after[end..])
        }
        None => (None, uri),
    };
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    (host, if path.is_empty() { "/" } else { path }, query)
}

/// Panics with every way `actual` differs from `expected`.
pub fn check_request(actual: &Actual<'_>, expected: &Expected<'_>) {
    let mut problems = Vec::new();
    if actual.method != expected.method {
        problems.push(format!(
            "method: expected {}, sent {}",
            expected.method, actual.method
        ));
    }
    let (host, path, query) = split_uri(actual.uri);
    if path != expected.uri {
        problems.push(format!("path: expected {:?}, sent {path:?}", expected.uri));
    }
    if let Some(want) = expected.host {
        if host != Some(want) {
            problems.push(format!("host: expected {want:?}, sent {host:?}"));
        }
    }
    let params: Vec<&str> = query.split('&').filter(|p| !p.is_empty()).collect();
    for want in expected.query_params {
        if !params.contains(want) {
            problems.push(format!("query: {want:?} missing from {query:?}"));
        }
    }
    let name_of = |p: &str| p.split_once('=').map_or(p, |(k, _)| k).to_owned();
    for name in expected.forbid_query_params {
        if params.iter().any(|p| name_of(p) == *name) {
            problems.push(format!("query: {name:?} is forbidden"));
        }
    }
    for name in expected.require_query_params {
        if !params.iter().any(|p| name_of(p) == *name) {
            problems.push(format!("query: {name:?} is required"));
        }
    }
    for (name, want) in expected.headers {
        match actual.header(name) {
            Some(value) if value == *want => {}
            // Deliberate: we send `application/x-www-form-urlencoded; charset=utf-8`, as
            // botocore does (and as this project's contract says). UTF-8 is the only charset a
            // form body can have, so the parameter adds no information; any other parameter or
            // media type still fails.
            Some(value)
                if name.eq_ignore_ascii_case("content-type")
                    && value
                        .strip_suffix("; charset=utf-8")
                        .is_some_and(|media| media == *want) => {}
            Some(value) => {
                problems.push(format!("header {name}: expected {want:?}, sent {value:?}"))
            }
            None => problems.push(format!("header {name}: expected {want:?}, not sent")),
        }
    }
    for name in expected.forbid_headers {
        if let Some(value) = actual.header(name) {
            problems.push(format!("header {name} is forbidden, sent {value:?}"));
        }
    }
    for name in expected.require_headers {
        if actual.header(name).is_none() {
            problems.push(format!("header {name} is required, not sent"));
        }
    }
    if let Some(length) = actual.header("content-length") {
        if length != actual.body.len().to_string() {
            problems.push(format!(
                "Content-Length {length} but the body has {} bytes",
                actual.body.len()
            ));
        }
    }
    if let Some(want) = expected.body {
        if actual.header("content-encoding").is_some() {
            problems.push("the body is content-encoded and cannot be compared".to_owned());
        } else {
            check_body(actual.body, want, expected.body_media_type, &mut problems);
        }
    }
    assert!(
        problems.is_empty(),
        "the request differs from the test case:\n  {}\nsent: {} {}\n{}\n\n{}",
        problems.join("\n  "),
        actual.method,
        actual.uri,
        actual
            .headers
            .iter()
            .map(|(k, v)| format!("{k}: {v}"))
            .collect::<Vec<_>>()
            .join("\n"),
        String::from_utf8_lossy(actual.body)
    );
}

fn check_body(body: &[u8], want: &str, media_type: Option<&str>, problems: &mut Vec<String>) {
    match media_type {
        Some("application/x-www-form-urlencoded") => {
            let sent = match std::str::from_utf8(body)
                .map_err(|e| e.to_string())
                .and_then(form_pairs)
            {
                Ok(pairs) => pairs,
                Err(e) => {
                    problems.push(format!("the body is not a form: {e}"));
                    return;
                }
            };
            let expected = match form_pairs(want) {
                Ok(pairs) => pairs,
                Err(e) => {
                    problems.push(format!("the test case's body is not a form: {e}"));
                    return;
                }
            };
            let mut sent_sorted = sent.clone();
            sent_sorted.sort();
            let mut expected_sorted = expected.clone();
            expected_sorted.sort();
            if sent_sorted != expected_sorted {
                let missing: Vec<_> = expected.iter().filter(|p| !sent.contains(p)).collect();
                let extra: Vec<_> = sent.iter().filter(|p| !expected.contains(p)).collect();
                problems.push(format!(
                    "form body: missing {missing:?}, unexpected {extra:?}"
                ));
            }
        }
        None => {
            if body != want.as_bytes() {
                problems.push(format!(
                    "body: expected {want:?}, sent {:?}",
                    String::from_utf8_lossy(body)
                ));
            }
        }
        Some(other) => problems.push(format!("no comparison for bodies of type {other}")),
    }
}

/// The percent-decoded `(key, value)` pairs of a form body (`+` is a space), in order.
pub fn form_pairs(body: &str) -> Result<Vec<(String, String)>, String> {
    body.split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            Ok((percent_decode(k)?, percent_decode(v)?))
        })
        .collect()
}

fn percent_decode(text: &str) -> Result<String, String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = text
                    .get(i + 1..i + 3)
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                    .ok_or_else(|| format!("bad escape in {text:?}"))?;
                out.push(hex);
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).map_err(|e| format!("{text:?} is not UTF-8 once decoded: {e}"))
}

/// Checks that `compressed` is a gzip member holding exactly `plain`, from its header and its
/// trailer (the CRC-32 and length of the uncompressed data), without inflating it.
pub fn check_gzip_of(compressed: &[u8], plain: &[u8]) {
    assert!(
        compressed.len() >= 18 && compressed[..3] == [0x1f, 0x8b, 0x08],
        "not a gzip stream (magic 1f 8b, method 8): {:02x?}",
        &compressed[..compressed.len().min(10)]
    );
    let trailer = &compressed[compressed.len() - 8..];
    let crc = u32::from_le_bytes([trailer[0], trailer[1], trailer[2], trailer[3]]);
    let size = u32::from_le_bytes([trailer[4], trailer[5], trailer[6], trailer[7]]);
    assert_eq!(
        u64::from(size),
        plain.len() as u64 & 0xFFFF_FFFF,
        "the gzip trailer's length is not the uncompressed body's"
    );
    assert_eq!(
        crc,
        crc32(plain),
        "the gzip trailer's CRC-32 is not the uncompressed body's"
    );
}

/// CRC-32 (IEEE 802.3, reflected, as gzip uses it), bit by bit.
fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// Runs `future` to completion on a current-thread tokio runtime with I/O and timers: for
/// the tests of a generated crate that call its client, since a generated crate has no tokio
/// dependency of its own (feature `client` too).
#[cfg(feature = "client")]
pub fn block_on<F: std::future::Future>(future: F) -> F::Output {
    match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime.block_on(future),
        Err(e) => panic!("cannot start a tokio runtime: {e}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn support_checks_work() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(
            form_pairs("a=b+c&d=%2F&e").expect("valid"),
            vec![
                ("a".to_owned(), "b c".to_owned()),
                ("d".to_owned(), "/".to_owned()),
                ("e".to_owned(), String::new())
            ]
        );
        assert_eq!(
            split_uri("https://foo.example.com:443/custom/?x=1"),
            (Some("foo.example.com"), "/custom/", "x=1")
        );
        assert_eq!(split_uri("/"), (None, "/", ""));
        let actual = Actual {
            method: "POST",
            uri: "/",
            headers: vec![("content-type".to_owned(), "a".to_owned())],
            body: b"B=2&A=1",
        };
        let mut expected = Expected {
            method: "POST",
            uri: "/",
            host: None,
            query_params: &[],
            forbid_query_params: &[],
            require_query_params: &[],
            headers: &[("Content-Type", "a")],
            forbid_headers: &["X"],
            require_headers: &[],
            body: Some("A=1&B=2"),
            body_media_type: Some("application/x-www-form-urlencoded"),
        };
        check_request(&actual, &expected);
        expected.body = Some("A=1&B=3");
        let mismatch = std::panic::catch_unwind(|| check_request(&actual, &expected));
        assert!(mismatch.is_err(), "a different form value must fail");

        // Content-Type: a `charset=utf-8` parameter is accepted, any other difference is not.
        expected.body = Some("A=1&B=2");
        expected.headers = &[("Content-Type", "application/x-www-form-urlencoded")];
        let with_type = |value: &str| Actual {
            headers: vec![("content-type".to_owned(), value.to_owned())],
            ..actual.clone()
        };
        check_request(
            &with_type("application/x-www-form-urlencoded; charset=utf-8"),
            &expected,
        );
        for wrong in [
            "application/x-www-form-urlencoded; charset=latin1",
            "text/plain; charset=utf-8",
        ] {
            let actual = with_type(wrong);
            let mismatch = std::panic::catch_unwind(|| check_request(&actual, &expected));
            assert!(mismatch.is_err(), "{wrong} must fail");
        }
    }
}
