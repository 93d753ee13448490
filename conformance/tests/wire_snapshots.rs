//! Snapshots reviewers read when the wire format changes: request bodies, and
//! what responses (good, erroneous and broken) parse into.

use elasticache::operation::copy_serverless_cache_snapshot::{
    self as serverless, CopyServerlessCacheSnapshotRequest,
};
use elasticache::operation::copy_snapshot::{self, CopySnapshotMessage};
use elasticache::types::Tag;

#[test]
fn request_bodies() {
    let bodies = [
        copy_snapshot::serialize_request(&CopySnapshotMessage::new("src", "dst")),
        copy_snapshot::serialize_request(
            &CopySnapshotMessage::new("a b&c=d", "é☃😀~*")
                .target_bucket("")
                .tags([Tag::new(), Tag::new().key("k")]),
        ),
        serverless::serialize_request(
            &CopyServerlessCacheSnapshotRequest::new("my-serverless-cache-snapshot", "copy")
                .kms_key_id("alias/x")
                .tags([Tag::new().key("team").value("cache ops")]),
        ),
    ];
    insta::assert_snapshot!(bodies.join("\n"));
}

#[test]
fn http_request() {
    use elasticache::Operation;
    let req = copy_snapshot::CopySnapshot::build_request(&CopySnapshotMessage::new("a", "b"));
    let headers: Vec<String> = req
        .headers()
        .iter()
        .map(|(k, v)| format!("{k}: {}", v.to_str().unwrap_or("<binary>")))
        .collect();
    insta::assert_snapshot!(format!(
        "{} {}\n{}\n\n{}",
        req.method(),
        req.uri(),
        headers.join("\n"),
        String::from_utf8_lossy(req.body())
    ));
}

const SNAPSHOT_XML: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<CopySnapshotResponse xmlns="http://elasticache.amazonaws.com/doc/2015-02-02/">
  <CopySnapshotResult>
    <Snapshot>
      <SnapshotName>copy &amp; more</SnapshotName>
      <Port>6379</Port>
      <AutoMinorVersionUpgrade>true</AutoMinorVersionUpgrade>
      <AutomaticFailover>enabled</AutomaticFailover>
      <DataTiering>some-future-value</DataTiering>
      <CacheClusterCreateTime>2026-11-22T00:07:39.107410Z</CacheClusterCreateTime>
      <NodeSnapshots/>
      <SomethingNew><Nested>ignored</Nested></SomethingNew>
    </Snapshot>
  </CopySnapshotResult>
  <ResponseMetadata><RequestId>5f1c2b9e-0000-4c1d-9b4a-6a3e2f1d0c9b</RequestId></ResponseMetadata>
</CopySnapshotResponse>"#;

#[test]
fn parsed_success() {
    insta::assert_debug_snapshot!(copy_snapshot::parse_response(200, SNAPSHOT_XML.as_bytes()));
}

#[test]
fn parsed_serverless_success() {
    let xml = "<CopyServerlessCacheSnapshotResponse><CopyServerlessCacheSnapshotResult><ServerlessCacheSnapshot><ServerlessCacheSnapshotName>s</ServerlessCacheSnapshotName><CreateTime>2024-01-02T03:04:05Z</CreateTime><ServerlessCacheConfiguration><Engine>valkey</Engine></ServerlessCacheConfiguration></ServerlessCacheSnapshot></CopyServerlessCacheSnapshotResult></CopyServerlessCacheSnapshotResponse>";
    insta::assert_debug_snapshot!(serverless::parse_response(200, xml.as_bytes()));
}

#[test]
fn parsed_errors() {
    let cases: [(u16, &str); 7] = [
        (404, "<ErrorResponse><Error><Type>Sender</Type><Code>SnapshotNotFoundFault</Code><Message>Snapshot x not found.</Message></Error><RequestId>req-1</RequestId></ErrorResponse>"),
        (400, "<ErrorResponse><Error><Type>Sender</Type><Code>InvalidSnapshotState</Code><Message>busy</Message></Error><RequestId>req-2</RequestId></ErrorResponse>"),
        (400, "<ErrorResponse><Error><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>req-3</RequestId></ErrorResponse>"),
        (500, "<!doctype html>\n<html><head><title>500 Internal Server Error</title></head><body><h1>Internal Server Error</h1></body></html>"),
        (200, "<CopySnapshotResponse><CopySnapshotResult><Snapshot><SnapshotName>x</SnapshotName>"),
        (200, "<DeleteSnapshotResponse><DeleteSnapshotResult/></DeleteSnapshotResponse>"),
        (200, "<CopySnapshotResponse><ResponseMetadata/></CopySnapshotResponse>"),
    ];
    let rendered: Vec<String> = cases
        .iter()
        .map(
            |(status, body)| match copy_snapshot::parse_response(*status, body.as_bytes()) {
                Ok(v) => format!("HTTP {status}: Ok({v:?})"),
                Err(e) => format!("HTTP {status}: {e}\n  {e:?}"),
            },
        )
        .collect();
    insta::assert_snapshot!(rendered.join("\n\n"));
}

#[test]
fn errors_convert_into_the_crate_error() {
    let body = b"<ErrorResponse><Error><Code>SnapshotNotFoundFault</Code><Message>gone</Message></Error><RequestId>r</RequestId></ErrorResponse>";
    let err = copy_snapshot::parse_response(404, body).expect_err("an error response");
    let any: elasticache::Error = err.into();
    assert!(matches!(any, elasticache::Error::SnapshotNotFoundFault(_)));
    assert_eq!(any.code(), Some("SnapshotNotFoundFault"));
}

#[test]
fn serde_reads_the_api_reference_json() {
    let json = r#"{"SourceServerlessCacheSnapshotName": "my-serverless-cache-snapshot",
                   "TargetServerlessCacheSnapshotName": "my-serverless-cache-snapshot-copy"}"#;
    let input: CopyServerlessCacheSnapshotRequest =
        serde_json::from_str(json).expect("valid input");
    assert_eq!(
        input,
        CopyServerlessCacheSnapshotRequest::new(
            "my-serverless-cache-snapshot",
            "my-serverless-cache-snapshot-copy"
        )
    );
    let missing = serde_json::from_str::<CopyServerlessCacheSnapshotRequest>(
        r#"{"SourceServerlessCacheSnapshotName": "a"}"#,
    );
    assert!(missing.is_err(), "a required member is required");
}

#[test]
fn serde_round_trips_with_model_names() {
    use elasticache::operation::copy_snapshot::CopySnapshotResult;
    use elasticache::types::{NodeSnapshot, Snapshot};
    let output = CopySnapshotResult::new().snapshot(
        Snapshot::new()
            .snapshot_name("s")
            .arn("arn:aws:elasticache:us-east-1:123456789012:snapshot:s")
            .port(6379)
            .node_snapshots([NodeSnapshot::new().cache_node_id("0001")]),
    );
    let json = serde_json::to_value(&output).expect("serializes");
    // Model names: PascalCase from the struct's rule, `ARN` from a rename of its own.
    let snapshot = &json["Snapshot"];
    assert_eq!(snapshot["SnapshotName"], "s");
    assert_eq!(
        snapshot["ARN"],
        "arn:aws:elasticache:us-east-1:123456789012:snapshot:s"
    );
    assert_eq!(snapshot["NodeSnapshots"][0]["CacheNodeId"], "0001");
    // Unset members are `null`, and read back as unset.
    assert_eq!(snapshot.get("Engine"), Some(&serde_json::Value::Null));
    let back: CopySnapshotResult = serde_json::from_value(json).expect("deserializes");
    assert_eq!(back, output);
    // Members left out read as unset too.
    let sparse: CopySnapshotResult =
        serde_json::from_str(r#"{"Snapshot": {"ARN": "a"}}"#).expect("deserializes");
    assert_eq!(
        sparse,
        CopySnapshotResult::new().snapshot(Snapshot::new().arn("a"))
    );
}

#[test]
fn operations_name_their_input_and_output_uniformly() {
    use elasticache::operation::describe_snapshots::{
        DescribeSnapshotsInput, DescribeSnapshotsListMessage, DescribeSnapshotsMessage,
        DescribeSnapshotsOutput,
    };
    let input: DescribeSnapshotsInput = DescribeSnapshotsMessage::new().max_records(20);
    let output: DescribeSnapshotsOutput = DescribeSnapshotsListMessage::new().marker("m");
    assert_eq!(input.max_records, Some(20));
    assert_eq!(output.marker.as_deref(), Some("m"));
    let _: copy_snapshot::CopySnapshotInput = CopySnapshotMessage::new("a", "b");
}
