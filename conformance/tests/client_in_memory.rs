//! The generated client over the runtime's in-memory transport: whole calls (build, sign,
//! send, read, parse, retry, paginate) without a socket, checked by what the transport
//! recorded and what the calls returned.

use elasticache::client::{Client, Config, Credentials, Error, RetryConfig};
use elasticache::operation::copy_snapshot::{CopySnapshotError, CopySnapshotMessage};
use elasticache::operation::describe_snapshots::DescribeSnapshotsMessage;
use smithy_query_runtime::client::test_transport::{
    CannedResponse, InMemoryTransport, RecordedRequest,
};
use smithy_query_runtime::client::TransportFailure;
use smithy_query_runtime::test_support::form_pairs;
use std::time::Duration;

const COPIED: &str = "<CopySnapshotResponse xmlns=\"http://elasticache.amazonaws.com/doc/2015-02-02/\"><CopySnapshotResult><Snapshot><SnapshotName>b</SnapshotName><SnapshotStatus>creating</SnapshotStatus></Snapshot></CopySnapshotResult><ResponseMetadata><RequestId>ok</RequestId></ResponseMetadata></CopySnapshotResponse>";
const UNAVAILABLE: &str = "<ErrorResponse><Error><Type>Receiver</Type><Code>ServiceUnavailable</Code></Error><RequestId>busy</RequestId></ErrorResponse>";
const NOT_FOUND: &str = "<ErrorResponse><Error><Type>Sender</Type><Code>SnapshotNotFoundFault</Code><Message>Snapshot a not found.</Message></Error><RequestId>404</RequestId></ErrorResponse>";

fn page(names: &[&str], marker: Option<&str>) -> CannedResponse {
    let snapshots: String = names
        .iter()
        .map(|n| format!("<Snapshot><SnapshotName>{n}</SnapshotName></Snapshot>"))
        .collect();
    let marker = marker.map_or(String::new(), |m| format!("<Marker>{m}</Marker>"));
    CannedResponse::new(
        200,
        format!(
            "<DescribeSnapshotsResponse xmlns=\"http://elasticache.amazonaws.com/doc/2015-02-02/\"><DescribeSnapshotsResult>{marker}<Snapshots>{snapshots}</Snapshots></DescribeSnapshotsResult><ResponseMetadata><RequestId>p</RequestId></ResponseMetadata></DescribeSnapshotsResponse>"
        ),
    )
    .header("content-type", "text/xml")
}

fn client(transport: &InMemoryTransport) -> Client {
    let config = Config::builder()
        .region("eu-west-1")
        .credentials(Credentials::new("AKIDEXAMPLE", "secret", None))
        // Short waits between attempts: the retry tests do not need to be slow.
        .retry(
            RetryConfig::default()
                .max_attempts(3)
                .initial_backoff(Duration::from_millis(1)),
        )
        .transport(transport.clone())
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    Client::new(&config).unwrap_or_else(|e| panic!("{e}"))
}

fn form(request: &RecordedRequest) -> Vec<(String, String)> {
    form_pairs(&request.body_str()).unwrap_or_else(|e| panic!("{e}"))
}

fn pair(k: &str, v: &str) -> (String, String) {
    (k.to_owned(), v.to_owned())
}

fn assert_signed(request: &RecordedRequest) {
    let auth = request.header("authorization").unwrap_or_default();
    assert!(
        auth.starts_with("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/")
            && auth.contains("/eu-west-1/elasticache/aws4_request")
            && auth.contains("Signature="),
        "{auth:?}"
    );
    assert!(request.header("x-amz-date").is_some());
}

#[tokio::test]
async fn copy_snapshot_is_signed_sent_and_parsed() {
    let transport = InMemoryTransport::from_responses([CannedResponse::new(200, COPIED)]);
    let out = client(&transport)
        .copy_snapshot(CopySnapshotMessage::new("a", "b").target_bucket("bucket"))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let snapshot = out.snapshot.unwrap_or_else(|| panic!("no snapshot"));
    assert_eq!(snapshot.snapshot_name.as_deref(), Some("b"));
    assert_eq!(snapshot.snapshot_status.as_deref(), Some("creating"));

    let requests = transport.requests();
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert_eq!(request.method, "POST");
    assert_eq!(
        request.uri.to_string(),
        "https://elasticache.eu-west-1.amazonaws.com/"
    );
    assert_eq!(
        request.header("content-type"),
        Some("application/x-www-form-urlencoded; charset=utf-8")
    );
    assert_signed(request);
    assert_eq!(
        form(request),
        [
            pair("Action", "CopySnapshot"),
            pair("Version", "2015-02-02"),
            pair("SourceSnapshotName", "a"),
            pair("TargetSnapshotName", "b"),
            pair("TargetBucket", "bucket"),
        ]
    );
}

#[tokio::test]
async fn modelled_errors_come_back_typed() {
    let transport = InMemoryTransport::from_responses([CannedResponse::new(404, NOT_FOUND)]);
    let result = client(&transport)
        .copy_snapshot(CopySnapshotMessage::new("a", "b"))
        .await;
    match result {
        Err(Error::Service(CopySnapshotError::SnapshotNotFoundFault(e))) => {
            assert_eq!(e.meta.request_id.as_deref(), Some("404"));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(transport.request_count(), 1);
}

#[tokio::test]
async fn describe_snapshots_pages_follow_the_marker() {
    let transport = InMemoryTransport::from_responses([
        page(&["s1", "s2"], Some("m1")),
        page(&["s3"], Some("m2")),
        page(&["s4"], None),
    ]);
    let mut items = client(&transport)
        .describe_snapshots_pages(DescribeSnapshotsMessage::new().max_records(2))
        .items();
    let mut names = Vec::new();
    while let Some(snapshot) = items.next().await {
        let snapshot = snapshot.unwrap_or_else(|e| panic!("{e}"));
        names.extend(snapshot.snapshot_name);
    }
    assert_eq!(names, ["s1", "s2", "s3", "s4"]);

    let requests = transport.requests();
    assert_eq!(requests.len(), 3);
    let markers: Vec<Option<String>> = requests
        .iter()
        .map(|r| {
            assert_signed(r);
            let form = form(r);
            assert!(
                form.contains(&pair("Action", "DescribeSnapshots")),
                "{form:?}"
            );
            assert!(form.contains(&pair("MaxRecords", "2")), "{form:?}");
            form.into_iter()
                .find(|(k, _)| k == "Marker")
                .map(|(_, v)| v)
        })
        .collect();
    assert_eq!(
        markers,
        [None, Some("m1".to_owned()), Some("m2".to_owned())]
    );
}

#[tokio::test]
async fn retry_rules_run_over_a_custom_transport() {
    // DescribeSnapshots only reads: a 503 is retried, and each attempt is signed anew.
    let transport = InMemoryTransport::from_responses([
        CannedResponse::new(503, UNAVAILABLE),
        page(&["s1"], None),
    ]);
    let out = client(&transport)
        .describe_snapshots(DescribeSnapshotsMessage::new())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.snapshots.map(|s| s.len()), Some(1));
    let requests = transport.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0].body, requests[1].body);
    requests.iter().for_each(assert_signed);

    // CopySnapshot is not idempotent: the same 503 ends the call after one attempt …
    let transport = InMemoryTransport::from_responses([
        CannedResponse::new(503, UNAVAILABLE),
        CannedResponse::new(200, COPIED),
    ]);
    let result = client(&transport)
        .copy_snapshot(CopySnapshotMessage::new("a", "b"))
        .await;
    assert!(matches!(result, Err(Error::Service(_))), "{result:?}");
    assert_eq!(transport.request_count(), 1);

    // … but a connection that was never made is retried for every operation.
    let transport = InMemoryTransport::from_responses([
        CannedResponse::failure(TransportFailure::not_connected("refused")),
        CannedResponse::new(200, COPIED),
    ]);
    client(&transport)
        .copy_snapshot(CopySnapshotMessage::new("a", "b"))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(transport.request_count(), 2);

    // A failure after the request may have arrived is not retried for it.
    let transport = InMemoryTransport::from_responses([
        CannedResponse::failure(TransportFailure::maybe_sent("reset")),
        CannedResponse::new(200, COPIED),
    ]);
    let result = client(&transport)
        .copy_snapshot(CopySnapshotMessage::new("a", "b"))
        .await;
    match result {
        Err(Error::Transport(e)) => assert!(e.may_have_reached_service(), "{e}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(transport.request_count(), 1);
}

#[tokio::test]
async fn the_size_limit_applies_to_a_custom_transport() {
    let transport = InMemoryTransport::from_responses([CannedResponse::new(200, COPIED)]);
    let config = Config::builder()
        .region("eu-west-1")
        .credentials(Credentials::new("AKIDEXAMPLE", "secret", None))
        .max_response_size(COPIED.len() - 1)
        .transport(transport.clone())
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    let result = Client::new(&config)
        .unwrap_or_else(|e| panic!("{e}"))
        .copy_snapshot(CopySnapshotMessage::new("a", "b"))
        .await;
    match result {
        Err(Error::ResponseTooLarge(e)) => assert_eq!(e.limit(), COPIED.len() - 1),
        other => panic!("{other:?}"),
    }
}
