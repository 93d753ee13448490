//! The client's SigV4 signatures are byte-identical to botocore's.
//!
//! Each case is a request the generated crate builds (or a hand-made one that
//! exercises a signing rule), with credentials and a fixed time. The runtime
//! signs it; botocore's `SigV4Auth.add_auth` signs the same method, URL, headers
//! and body at the same time (its clock, `botocore.auth.get_current_datetime`,
//! is replaced by the fixed time). The `Authorization`, `X-Amz-Date` and
//! `X-Amz-Security-Token` headers and the canonical request must be equal.
//! botocore runs at test time, through the oracle's venv (`ORACLE_PY` or the
//! oracle's `setup.sh`).

mod oracle;

use elasticache::operation::copy_snapshot::{CopySnapshot, CopySnapshotMessage};
use elasticache::rt::credentials::Credentials;
use elasticache::rt::http::header::{HeaderName, HeaderValue};
use elasticache::rt::http::Request;
use elasticache::rt::sigv4::{self, SigningParams};
use elasticache::rt::{Endpoint, RequestOptions};
use elasticache::types::Tag;
use elasticache::Operation;
use serde_json::{json, Value};
use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Signs each case with botocore: stdin is a JSON list of requests, stdout a JSON
/// list of the headers botocore added and its canonical request.
const BOTOCORE_SIGNER: &str = r#"
import datetime, json, sys
import botocore.auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

out = []
for case in json.load(sys.stdin):
    fixed = datetime.datetime.fromtimestamp(case["time"], datetime.timezone.utc).replace(tzinfo=None)
    botocore.auth.get_current_datetime = lambda *args, **kwargs: fixed
    request = AWSRequest(method=case["method"], url=case["url"], data=bytes.fromhex(case["body"]))
    for name, value in case["headers"]:
        request.headers[name] = value  # appends: repeated headers stay repeated
    credentials = Credentials(case["access_key"], case["secret_key"], case["token"])
    signer = botocore.auth.SigV4Auth(credentials, case["service"], case["region"])
    seen = []
    canonical = signer.canonical_request
    signer.canonical_request = lambda r: seen.append(canonical(r)) or seen[-1]
    signer.add_auth(request)
    out.append({
        "authorization": request.headers["Authorization"],
        "x-amz-date": request.headers["X-Amz-Date"],
        "x-amz-security-token": request.headers.get("X-Amz-Security-Token"),
        "canonical_request": seen[0],
    })
json.dump(out, sys.stdout)
"#;

struct Case {
    name: &'static str,
    request: Request<Vec<u8>>,
    credentials: Credentials,
    region: &'static str,
    service: &'static str,
    time: SystemTime,
}

fn copy_snapshot_request(endpoint: &str, input: &CopySnapshotMessage) -> Request<Vec<u8>> {
    let endpoint = Endpoint::parse(endpoint).unwrap_or_else(|e| panic!("{e}"));
    CopySnapshot::build_request_with(input, &RequestOptions::new().endpoint(endpoint))
        .unwrap_or_else(|e| panic!("{e}"))
}

fn header(request: &mut Request<Vec<u8>>, name: &str, value: &str) {
    request.headers_mut().append(
        HeaderName::from_bytes(name.as_bytes()).unwrap_or_else(|e| panic!("{e}")),
        HeaderValue::from_str(value).unwrap_or_else(|e| panic!("{e}")),
    );
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn cases() -> Vec<Case> {
    let at = |secs: u64| UNIX_EPOCH + Duration::from_secs(secs);
    let tricky = CopySnapshotMessage::new("my snapshot/1 é☃", "target~&=+*%")
        .target_bucket("bucket")
        .tags([Tag::new().key("team").value("cache ops")]);
    let plain = CopySnapshotMessage::new("a", "b");

    let mut with_headers =
        copy_snapshot_request("https://elasticache.eu-west-1.amazonaws.com", &plain);
    header(&mut with_headers, "user-agent", "elasticache-test/1.0");
    header(&mut with_headers, "x-custom", "  two   spaces\tand a tab  ");
    header(&mut with_headers, "x-repeated", "first");
    header(&mut with_headers, "x-repeated", "second");

    let mut with_query = Request::new(Vec::new());
    *with_query.uri_mut() = "https://example.amazonaws.com/a/./b/../c//d?Zeta=1&alpha=two&Zeta=0"
        .parse()
        .unwrap_or_else(|e| panic!("{e}"));

    vec![
        Case {
            name: "CopySnapshot, regional endpoint, long-term credentials",
            request: copy_snapshot_request("https://elasticache.us-east-1.amazonaws.com", &tricky),
            credentials: Credentials::new(
                "AKIDEXAMPLE",
                "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                None,
            ),
            region: "us-east-1",
            service: "elasticache",
            time: at(1_440_938_160),
        },
        Case {
            name: "CopySnapshot to moto on a loopback port, temporary credentials",
            request: copy_snapshot_request("http://127.0.0.1:5055", &tricky),
            credentials: Credentials::new(
                "ASIAEXAMPLE",
                "secret/with+slash=",
                Some("FwoGZXIvYXdzEJr//////////wEaDE+token=".to_owned()),
            ),
            region: "us-east-1",
            service: "elasticache",
            time: at(1_709_251_199), // 2024-02-29T23:59:59Z
        },
        Case {
            name: "endpoint with a base path and a default port",
            request: copy_snapshot_request("https://proxy.example.com:443/base/path/", &plain),
            credentials: Credentials::new("AKID", "SECRET", None),
            region: "eu-central-1",
            service: "elasticache",
            time: at(2_000_000_000),
        },
        Case {
            name: "extra, repeated and unsigned headers",
            request: with_headers,
            credentials: Credentials::new("AKID", "SECRET", Some("TOKEN".to_owned())),
            region: "eu-west-1",
            service: "elasticache",
            time: at(1_600_000_000),
        },
        Case {
            name: "GET with dot segments and an unsorted query",
            request: with_query,
            credentials: Credentials::new("AKID", "SECRET", None),
            region: "us-west-2",
            service: "service",
            time: at(1_500_000_000),
        },
    ]
}

#[test]
fn signatures_match_botocore() {
    let mut cases = cases();
    // What botocore gets: each request before signing.
    let inputs: Vec<Value> = cases
        .iter()
        .map(|c| {
            let headers: Vec<Value> = c
                .request
                .headers()
                .iter()
                .map(|(k, v)| json!([k.as_str(), v.to_str().unwrap_or_else(|e| panic!("{e}"))]))
                .collect();
            json!({
                "method": c.request.method().as_str(),
                "url": c.request.uri().to_string(),
                "headers": headers,
                "body": hex(c.request.body()),
                "access_key": c.credentials.access_key_id(),
                "secret_key": c.credentials.secret_access_key(),
                "token": c.credentials.session_token(),
                "region": c.region,
                "service": c.service,
                "time": c.time.duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or_default(),
            })
        })
        .collect();

    let python = oracle::python();
    let mut child = Command::new(&python)
        .args(["-c", BOTOCORE_SIGNER])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", python.display()));
    child
        .stdin
        .take()
        .unwrap_or_else(|| panic!("no stdin"))
        .write_all(Value::Array(inputs).to_string().as_bytes())
        .unwrap_or_else(|e| panic!("{e}"));
    let output = child.wait_with_output().unwrap_or_else(|e| panic!("{e}"));
    assert!(
        output.status.success(),
        "botocore signer failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let botocore: Vec<Value> =
        serde_json::from_slice(&output.stdout).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(botocore.len(), cases.len());

    let mut mismatches = Vec::new();
    for (case, theirs) in cases.iter_mut().zip(&botocore) {
        let ours = sigv4::sign(
            &mut case.request,
            &SigningParams {
                credentials: &case.credentials,
                region: case.region,
                service: case.service,
                time: case.time,
            },
        )
        .unwrap_or_else(|e| panic!("{}: {e}", case.name));
        let sent = |name: &str| {
            case.request
                .headers()
                .get(name)
                .map(|v| v.to_str().unwrap_or_default().to_owned())
        };
        let checks = [
            (
                "Authorization",
                Some(ours.authorization.clone()),
                &theirs["authorization"],
            ),
            (
                "sent Authorization",
                sent("authorization"),
                &theirs["authorization"],
            ),
            ("X-Amz-Date", sent("x-amz-date"), &theirs["x-amz-date"]),
            (
                "X-Amz-Security-Token",
                sent("x-amz-security-token"),
                &theirs["x-amz-security-token"],
            ),
            (
                "canonical request",
                Some(ours.canonical_request.clone()),
                &theirs["canonical_request"],
            ),
        ];
        for (what, ours, theirs) in checks {
            if ours.as_deref() != theirs.as_str() {
                mismatches.push(format!(
                    "{}: {what} differs\n  ours:     {ours:?}\n  botocore: {theirs}",
                    case.name
                ));
            }
        }
        println!("{}: {}", case.name, ours.authorization);
    }
    assert!(
        mismatches.is_empty(),
        "{} difference(s) from botocore:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
    println!(
        "{} of {} signatures identical to botocore's",
        cases.len(),
        cases.len()
    );
}
