//! AWS Signature Version 4, header form, as botocore's `SigV4Auth` computes it.
//!
//! [`sign`] adds `X-Amz-Date`, `X-Amz-Security-Token` (temporary credentials), `Host` and
//! `Authorization` to a request whose URI is absolute. The rules, each matching botocore:
//!
//! - canonical URI: the path with dot segments and repeated slashes removed, then
//!   percent-encoded except for unreserved characters and `/` (an empty path is `/`);
//! - canonical query: the `&`-separated pairs of the URI's query, sorted, as sent;
//! - signed headers: every header except the hop-by-hop and tracing ones in
//!   [`UNSIGNED_HEADERS`], names lowercased and sorted, repeated headers joined with `,`,
//!   values trimmed with inner runs of whitespace collapsed to one space;
//! - `Host`: the URI's host, lowercased, with the port unless it is the scheme's default;
//! - payload: the hex SHA-256 of the body;
//! - key: `HMAC("AWS4" + secret, date)` → region → service → `aws4_request`; [`sign_cached`]
//!   keeps it in a [`SigningKeyCache`] until the credentials, day, region or service change.
//!
//! SHA-256 and HMAC-SHA256 come from `ring` when the `client` feature is on: the client links
//! it for TLS anyway, and its code uses the CPU's SHA instructions where there are any. With
//! `sigv4` alone they come from `hmac-sha256`, portable Rust in one small crate without
//! dependencies, so a sans-IO build needs neither the client nor its TLS stack. That code is
//! several times slower per byte (a few microseconds per signature); the signature is the same.
//!
//! # Signing without the client
//!
//! With only the `sigv4` feature (no `client`), a sans-IO caller builds a request with an
//! absolute URI, signs it, sends it with any HTTP stack and parses the answer:
//!
//! ```text
//! use elasticache::operation::copy_snapshot::{self, CopySnapshot, CopySnapshotMessage};
//! use elasticache::rt::credentials::Credentials;
//! use elasticache::rt::sigv4::{self, SigningParams};
//! use elasticache::rt::{Endpoint, RequestOptions};
//! use elasticache::Operation;
//!
//! let input = CopySnapshotMessage::new("source", "target");
//! let endpoint = Endpoint::parse("https://elasticache.eu-west-1.amazonaws.com")?;
//! let mut request = CopySnapshot::build_request_with(&input, &RequestOptions::new().endpoint(endpoint))?;
//! let credentials = Credentials::new("AKID", "SECRET", None);
//! sigv4::sign(&mut request, &SigningParams {
//!     credentials: &credentials,
//!     region: "eu-west-1",
//!     service: elasticache::SIGNING_NAME,
//!     time: std::time::SystemTime::now(),
//! })?;
//! // … send `request`, then:
//! let output = copy_snapshot::parse_response(status, &body);
//! ```

use super::credentials::Credentials;
use super::time::DateTime;
use http::header::{HeaderName, HeaderValue, AUTHORIZATION, HOST};
use http::Request;
use std::fmt;
use std::time::SystemTime;

/// Headers never signed: they may be changed or added by proxies and HTTP stacks.
pub const UNSIGNED_HEADERS: &[&str] = &[
    "baggage",
    "connection",
    "expect",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "traceparent",
    "tracestate",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "user-agent",
    "x-amzn-trace-id",
];

const X_AMZ_DATE: HeaderName = HeaderName::from_static("x-amz-date");
const X_AMZ_SECURITY_TOKEN: HeaderName = HeaderName::from_static("x-amz-security-token");

/// What a signature is computed for.
#[derive(Debug, Clone, Copy)]
pub struct SigningParams<'a> {
    /// The credentials.
    pub credentials: &'a Credentials,
    /// The region, e.g. `us-east-1`.
    pub region: &'a str,
    /// The signing name of the service, e.g. `elasticache`.
    pub service: &'a str,
    /// The signing time (sub-second parts are ignored).
    pub time: SystemTime,
}

/// The intermediate values of a signature, for diagnostics and tests.
///
/// `Debug` hides the session token, which the canonical request carries as the
/// `x-amz-security-token` header.
#[derive(Clone, PartialEq, Eq)]
pub struct Signature {
    /// The canonical request.
    pub canonical_request: String,
    /// The string to sign.
    pub string_to_sign: String,
    /// The hex signature.
    pub signature: String,
    /// The `Authorization` header value.
    pub authorization: String,
}

impl fmt::Debug for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let canonical_request: Vec<String> = self
            .canonical_request
            .split('\n')
            .map(|line| match line.split_once(':') {
                Some((name, _)) if name == X_AMZ_SECURITY_TOKEN.as_str() => {
                    format!("{name}:{}", super::credentials::REDACTED)
                }
                _ => line.to_owned(),
            })
            .collect();
        f.debug_struct("Signature")
            .field("canonical_request", &canonical_request.join("\n"))
            .field("string_to_sign", &self.string_to_sign)
            .field("signature", &self.signature)
            .field("authorization", &self.authorization)
            .finish()
    }
}

/// A request that cannot be signed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SigningError {
    message: String,
}

impl fmt::Display for SigningError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot sign the request: {}", self.message)
    }
}

impl std::error::Error for SigningError {}

fn error(message: impl Into<String>) -> SigningError {
    SigningError {
        message: message.into(),
    }
}

/// `YYYYMMDDTHHMMSSZ` for `time`.
pub fn amz_date(time: SystemTime) -> Result<String, SigningError> {
    let secs = DateTime::from(time).secs();
    let text = DateTime::from_secs_and_nanos(secs, 0).fmt_date_time();
    let compact: String = text.chars().filter(|c| !matches!(c, '-' | ':')).collect();
    if compact.len() != 16 {
        return Err(error(format!("signing time {text} is out of range")));
    }
    Ok(compact)
}

/// Signs `request` in place: sets `X-Amz-Date`, `X-Amz-Security-Token` (when the
/// credentials have a session token), `Host` (when absent) and `Authorization`,
/// replacing earlier values of those headers (so a retry can be signed again).
pub fn sign(
    request: &mut Request<Vec<u8>>,
    params: &SigningParams<'_>,
) -> Result<Signature, SigningError> {
    sign_with(request, params, None)
}

/// [`sign`], taking the signing key from `cache` when it holds the key of the same
/// credentials, day, region and service (and leaving the new one there otherwise). The key
/// is four HMACs of the secret; it changes once a day per region and service, so a client
/// that signs many requests derives it about once a day.
pub fn sign_cached(
    request: &mut Request<Vec<u8>>,
    params: &SigningParams<'_>,
    cache: &SigningKeyCache,
) -> Result<Signature, SigningError> {
    sign_with(request, params, Some(cache))
}

fn sign_with(
    request: &mut Request<Vec<u8>>,
    params: &SigningParams<'_>,
    cache: Option<&SigningKeyCache>,
) -> Result<Signature, SigningError> {
    let timestamp = amz_date(params.time)?;
    let date = &timestamp[..8];
    let headers = request.headers_mut();
    headers.remove(AUTHORIZATION);
    headers.insert(X_AMZ_DATE, header_value(&timestamp)?);
    headers.remove(X_AMZ_SECURITY_TOKEN);
    if let Some(token) = params.credentials.session_token() {
        request
            .headers_mut()
            .insert(X_AMZ_SECURITY_TOKEN, header_value(token)?);
    }
    if !request.headers().contains_key(HOST) {
        let host = host_header(request.uri())?;
        request.headers_mut().insert(HOST, header_value(&host)?);
    }

    let names = signed_header_names(request);
    let signed_headers = names.join(";");
    let canonical_request = canonical_request(request, &names, &signed_headers)?;
    let scope = format!("{date}/{}/{}/aws4_request", params.region, params.service);
    let mut string_to_sign = String::with_capacity(32 + timestamp.len() + scope.len() + 64);
    string_to_sign.push_str("AWS4-HMAC-SHA256\n");
    string_to_sign.push_str(&timestamp);
    string_to_sign.push('\n');
    string_to_sign.push_str(&scope);
    string_to_sign.push('\n');
    hex_into(&sha256(canonical_request.as_bytes()), &mut string_to_sign);
    let key = match cache {
        Some(cache) => cache.key(params, date),
        None => signing_key(params, date),
    };
    let signature = hex(&hmac_sha256(&key, string_to_sign.as_bytes()));
    let authorization = format!(
        "AWS4-HMAC-SHA256 Credential={}/{scope}, SignedHeaders={signed_headers}, Signature={signature}",
        params.credentials.access_key_id(),
    );
    request
        .headers_mut()
        .insert(AUTHORIZATION, header_value(&authorization)?);
    Ok(Signature {
        canonical_request,
        string_to_sign,
        signature,
        authorization,
    })
}

/// `HMAC("AWS4" + secret, date)` → region → service → `aws4_request`.
fn signing_key(params: &SigningParams<'_>, date: &str) -> [u8; 32] {
    let secret = format!("AWS4{}", params.credentials.secret_access_key());
    let mut key = hmac_sha256(secret.as_bytes(), date.as_bytes());
    for part in [params.region, params.service, "aws4_request"] {
        key = hmac_sha256(&key, part.as_bytes());
    }
    key
}

/// The last signing key [`sign_cached`] derived, with what it was derived from. One entry:
/// a client signs with one set of credentials for one region and service at a time, and a
/// change of any of them (new credentials, a new day) replaces it.
///
/// The entry holds the secret access key it was derived from, as the credentials do; `Debug`
/// shows neither.
#[derive(Default)]
pub struct SigningKeyCache {
    last: std::sync::Mutex<Option<CachedKey>>,
}

struct CachedKey {
    access_key_id: String,
    secret: String,
    date: String,
    region: String,
    service: String,
    key: [u8; 32],
}

impl CachedKey {
    fn matches(&self, params: &SigningParams<'_>, date: &str) -> bool {
        self.date == date
            && self.region == params.region
            && self.service == params.service
            && self.access_key_id == params.credentials.access_key_id()
            && self.secret == params.credentials.secret_access_key()
    }
}

impl SigningKeyCache {
    /// An empty cache.
    pub fn new() -> Self {
        Self::default()
    }

    fn key(&self, params: &SigningParams<'_>, date: &str) -> [u8; 32] {
        // A panic elsewhere while the lock was held cannot leave a wrong key behind: the
        // entry is replaced whole.
        let mut last = self
            .last
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(cached) = last.as_ref().filter(|c| c.matches(params, date)) {
            return cached.key;
        }
        let key = signing_key(params, date);
        *last = Some(CachedKey {
            access_key_id: params.credentials.access_key_id().to_owned(),
            secret: params.credentials.secret_access_key().to_owned(),
            date: date.to_owned(),
            region: params.region.to_owned(),
            service: params.service.to_owned(),
            key,
        });
        key
    }
}

impl fmt::Debug for SigningKeyCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKeyCache").finish_non_exhaustive()
    }
}

fn header_value(text: &str) -> Result<HeaderValue, SigningError> {
    HeaderValue::from_str(text).map_err(|_| error(format!("{text:?} is not a valid header value")))
}

/// SHA-256 of `data` (`ring` with the client, `hmac-sha256` without: see the module docs).
#[cfg(feature = "client")]
fn sha256(data: &[u8]) -> [u8; 32] {
    let mut out = [0; 32];
    out.copy_from_slice(ring::digest::digest(&ring::digest::SHA256, data).as_ref());
    out
}

/// SHA-256 of `data` (`ring` with the client, `hmac-sha256` without: see the module docs).
#[cfg(not(feature = "client"))]
fn sha256(data: &[u8]) -> [u8; 32] {
    hmac_sha256::Hash::hash(data)
}

/// HMAC-SHA256 of `message` under `key`, which may have any length.
#[cfg(feature = "client")]
fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, key);
    let mut out = [0; 32];
    out.copy_from_slice(ring::hmac::sign(&key, message).as_ref());
    out
}

/// HMAC-SHA256 of `message` under `key`, which may have any length.
#[cfg(not(feature = "client"))]
fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    hmac_sha256::HMAC::mac(message, key)
}

/// `bytes` as lowercase hex.
pub(crate) fn hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    hex_into(bytes, &mut out);
    out
}

/// Appends `bytes` as lowercase hex to `out`.
fn hex_into(bytes: &[u8], out: &mut String) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    out.reserve(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0xf)]));
    }
}

/// The `Host` header for `uri`: lowercase host, and the port unless it is the default
/// one of the scheme (80 for `http`, 443 for `https`).
pub fn host_header(uri: &http::Uri) -> Result<String, SigningError> {
    let host = uri
        .host()
        .ok_or_else(|| error(format!("the URI {uri} has no host")))?
        .to_ascii_lowercase();
    let default_port = match uri.scheme_str() {
        Some("http") => Some(80),
        Some("https") => Some(443),
        _ => None,
    };
    Ok(match uri.port_u16() {
        Some(port) if Some(port) != default_port => format!("{host}:{port}"),
        _ => host,
    })
}

/// The lowercase names of the signed headers, sorted and deduplicated.
fn signed_header_names(request: &Request<Vec<u8>>) -> Vec<&str> {
    let mut names: Vec<&str> = request
        .headers()
        .keys()
        .map(HeaderName::as_str)
        .filter(|n| !UNSIGNED_HEADERS.contains(n))
        .collect();
    names.sort_unstable();
    names.dedup();
    names
}

/// The canonical request; `names` are [`signed_header_names`], `signed_headers` the same
/// joined with `;`.
fn canonical_request(
    request: &Request<Vec<u8>>,
    names: &[&str],
    signed_headers: &str,
) -> Result<String, SigningError> {
    let mut out = String::with_capacity(256);
    out.push_str(request.method().as_str());
    out.push('\n');
    out.push_str(&canonical_uri(request.uri().path()));
    out.push('\n');
    out.push_str(&canonical_query(request.uri().query().unwrap_or("")));
    out.push('\n');
    for &name in names {
        out.push_str(name);
        out.push(':');
        for (i, value) in request.headers().get_all(name).iter().enumerate() {
            let text = value
                .to_str()
                .map_err(|_| error(format!("header {name} is not visible ASCII")))?;
            if i > 0 {
                out.push(',');
            }
            // Trimmed, inner runs of whitespace collapsed to one space.
            for (j, word) in text.split_ascii_whitespace().enumerate() {
                if j > 0 {
                    out.push(' ');
                }
                out.push_str(word);
            }
        }
        out.push('\n');
    }
    out.push('\n');
    out.push_str(signed_headers);
    out.push('\n');
    hex_into(&sha256(request.body()), &mut out);
    Ok(out)
}

/// The path without dot segments or empty segments (a trailing `/` is kept), then
/// percent-encoded except for unreserved characters and `/`.
fn canonical_uri(path: &str) -> String {
    if path.is_empty() {
        return "/".to_owned();
    }
    let mut segments: Vec<&str> = Vec::new();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            s => segments.push(s),
        }
    }
    let mut normalized = String::with_capacity(path.len());
    if path.starts_with('/') {
        normalized.push('/');
    }
    normalized.push_str(&segments.join("/"));
    if path.ends_with('/') && !segments.is_empty() {
        normalized.push('/');
    }
    let mut out = String::with_capacity(normalized.len());
    for b in normalized.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The query's `key=value` pairs sorted by key, then value, without re-encoding.
fn canonical_query(query: &str) -> String {
    if query.is_empty() {
        return String::new();
    }
    let mut pairs: Vec<(&str, &str)> = query
        .split('&')
        .map(|pair| pair.split_once('=').unwrap_or((pair, "")))
        .collect();
    pairs.sort_unstable();
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, UNIX_EPOCH};

    /// The credentials and time of AWS's published SigV4 test suite
    /// (`20150830T123600Z`, region `us-east-1`, service `service`).
    fn suite_credentials() -> Credentials {
        Credentials::new(
            "AKIDEXAMPLE",
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            None,
        )
    }

    fn suite_time() -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(1_440_938_160)
    }

    fn suite_request(
        method: &str,
        uri: &str,
        headers: &[(&str, &str)],
        body: &str,
    ) -> Request<Vec<u8>> {
        let mut request = Request::new(body.as_bytes().to_vec());
        *request.method_mut() = method.parse().unwrap_or_else(|e| panic!("{e}"));
        *request.uri_mut() = uri.parse().unwrap_or_else(|e| panic!("{e}"));
        for (name, value) in headers {
            request.headers_mut().append(
                HeaderName::from_bytes(name.as_bytes()).unwrap_or_else(|e| panic!("{e}")),
                HeaderValue::from_str(value).unwrap_or_else(|e| panic!("{e}")),
            );
        }
        request
    }

    fn sign_suite(request: &mut Request<Vec<u8>>, service: &str) -> Signature {
        let credentials = suite_credentials();
        sign(
            request,
            &SigningParams {
                credentials: &credentials,
                region: "us-east-1",
                service,
                time: suite_time(),
            },
        )
        .unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn amz_date_format() {
        assert_eq!(amz_date(suite_time()).as_deref(), Ok("20150830T123600Z"));
        assert_eq!(
            amz_date(suite_time() + Duration::from_millis(999)).as_deref(),
            Ok("20150830T123600Z")
        );
    }

    // The expected signatures below are the published answers of AWS's SigV4 test suite
    // (`aws-sig-v4-test-suite`) and of the IAM `ListUsers` example in AWS's SigV4
    // documentation; conformance/tests/sigv4_botocore.rs compares against botocore itself.

    #[test]
    fn suite_get_vanilla() {
        let mut r = suite_request("GET", "https://example.amazonaws.com/", &[], "");
        let s = sign_suite(&mut r, "service");
        assert_eq!(
            s.authorization,
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, \
             SignedHeaders=host;x-amz-date, \
             Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
        );
        assert_eq!(r.headers()[HOST], "example.amazonaws.com");
        assert_eq!(r.headers()[X_AMZ_DATE], "20150830T123600Z");
        assert_eq!(r.headers()[AUTHORIZATION], s.authorization.as_str());
    }

    #[test]
    fn suite_post_vanilla() {
        let mut r = suite_request("POST", "https://example.amazonaws.com/", &[], "");
        let s = sign_suite(&mut r, "service");
        assert_eq!(
            s.signature,
            "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"
        );
    }

    #[test]
    fn suite_post_x_www_form_urlencoded() {
        let mut r = suite_request(
            "POST",
            "https://example.amazonaws.com/",
            &[("content-type", "application/x-www-form-urlencoded")],
            "Param1=value1",
        );
        let s = sign_suite(&mut r, "service");
        assert_eq!(
            s.canonical_request,
            "POST\n/\n\ncontent-type:application/x-www-form-urlencoded\nhost:example.amazonaws.com\n\
             x-amz-date:20150830T123600Z\n\ncontent-type;host;x-amz-date\n\
             9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e"
        );
        assert_eq!(
            s.signature,
            "ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a"
        );
    }

    #[test]
    fn iam_list_users_example() {
        let mut r = suite_request(
            "GET",
            "https://iam.amazonaws.com/?Action=ListUsers&Version=2010-05-08",
            &[(
                "content-type",
                "application/x-www-form-urlencoded; charset=utf-8",
            )],
            "",
        );
        let s = sign_suite(&mut r, "iam");
        assert_eq!(
            s.string_to_sign,
            "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/iam/aws4_request\n\
             f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59"
        );
        assert_eq!(
            s.signature,
            "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7"
        );
    }

    #[test]
    fn session_token_is_sent_and_signed() {
        let credentials = Credentials::new("AKID", "SECRET", Some("TOKEN".to_owned()));
        let mut r = suite_request("POST", "http://127.0.0.1:5000/", &[], "Action=X");
        let s = sign(
            &mut r,
            &SigningParams {
                credentials: &credentials,
                region: "us-east-1",
                service: "svc",
                time: suite_time(),
            },
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(r.headers()[X_AMZ_SECURITY_TOKEN], "TOKEN");
        assert_eq!(r.headers()[HOST], "127.0.0.1:5000");
        assert!(
            s.authorization
                .contains("SignedHeaders=host;x-amz-date;x-amz-security-token,"),
            "{}",
            s.authorization
        );
    }

    #[test]
    fn debug_hides_the_session_token() {
        let credentials = Credentials::new("AKID", "SECRET", Some("SESSION-TOKEN-VALUE".into()));
        let mut request = Request::post("https://sts.amazonaws.com/")
            .body(b"Action=GetCallerIdentity".to_vec())
            .unwrap_or_else(|e| panic!("{e}"));
        let signature = sign(
            &mut request,
            &SigningParams {
                credentials: &credentials,
                region: "us-east-1",
                service: "sts",
                time: suite_time(),
            },
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert!(signature.canonical_request.contains("SESSION-TOKEN-VALUE"));
        let debug = format!("{signature:?}");
        assert!(
            !debug.contains("SESSION-TOKEN-VALUE") && !debug.contains("SECRET"),
            "{debug}"
        );
        assert!(
            debug.contains("x-amz-security-token:** redacted **"),
            "{debug}"
        );
    }

    #[test]
    fn signing_again_replaces_the_old_signature() {
        let mut r = suite_request("POST", "https://example.amazonaws.com/", &[], "");
        let first = sign_suite(&mut r, "service");
        let second = sign_suite(&mut r, "service");
        assert_eq!(first, second);
        assert_eq!(r.headers().get_all(AUTHORIZATION).iter().count(), 1);
        assert_eq!(r.headers().get_all(X_AMZ_DATE).iter().count(), 1);
    }

    #[test]
    fn a_cached_key_signs_as_a_fresh_one() {
        // One cache across changes of every input the key depends on: each signature must
        // equal the uncached one, so a stale key is never used.
        let cache = SigningKeyCache::new();
        let a = suite_credentials();
        let b = Credentials::new("AKIDEXAMPLE", "another-secret", None);
        let c = Credentials::new(
            "AKIDOTHER",
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            None,
        );
        let day = Duration::from_secs(86_400);
        let cases = [
            (&a, "us-east-1", "service", suite_time()),
            (
                &a,
                "us-east-1",
                "service",
                suite_time() + Duration::from_secs(60),
            ),
            (&a, "us-east-1", "service", suite_time() + day),
            (&a, "eu-west-1", "service", suite_time() + day),
            (&a, "eu-west-1", "iam", suite_time() + day),
            (&b, "eu-west-1", "iam", suite_time() + day),
            (&c, "eu-west-1", "iam", suite_time() + day),
            (&a, "us-east-1", "service", suite_time()),
        ];
        for (credentials, region, service, time) in cases {
            let params = SigningParams {
                credentials,
                region,
                service,
                time,
            };
            let mut fresh = suite_request("POST", "https://example.amazonaws.com/", &[], "a=b");
            let mut cached = fresh.clone();
            let expected = sign(&mut fresh, &params).unwrap_or_else(|e| panic!("{e}"));
            let got = sign_cached(&mut cached, &params, &cache).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(got, expected, "{region} {service} {time:?}");
            assert_eq!(cached.headers(), fresh.headers());
        }
        let debug = format!("{cache:?}");
        assert!(
            !debug.contains("EXAMPLEKEY") && !debug.contains("another-secret"),
            "{debug}"
        );
    }

    #[test]
    fn canonical_pieces() {
        assert_eq!(canonical_uri(""), "/");
        assert_eq!(canonical_uri("/"), "/");
        assert_eq!(canonical_uri("/a//b/./c/../d/"), "/a/b/d/");
        assert_eq!(canonical_uri("/../"), "/");
        assert_eq!(canonical_uri("/a b/%41~"), "/a%20b/%2541~");
        assert_eq!(canonical_query("b=2&a=1&a=0&c"), "a=0&a=1&b=2&c=");
        let uri: http::Uri = "HTTPS://Example.COM:443/"
            .parse()
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(host_header(&uri).as_deref(), Ok("example.com"));
        let uri: http::Uri = "http://[::1]:8080/"
            .parse()
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(host_header(&uri).as_deref(), Ok("[::1]:8080"));
    }

    #[test]
    fn header_values_are_trimmed_and_repeated_headers_joined() {
        let mut r = suite_request(
            "GET",
            "https://example.amazonaws.com/",
            &[
                ("my-header1", "  value1  "),
                ("my-header2", "a   b \t c"),
                ("my-header1", "value2"),
                ("user-agent", "not signed"),
            ],
            "",
        );
        let s = sign_suite(&mut r, "service");
        assert!(
            s.canonical_request
                .contains("my-header1:value1,value2\nmy-header2:a b c\nx-amz-date:"),
            "{}",
            s.canonical_request
        );
        assert!(!s.canonical_request.contains("user-agent"));
    }
}
