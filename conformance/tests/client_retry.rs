//! The client's retry rules, against a scripted HTTP server on a loopback port.
//!
//! Each test gives the server a list of replies, one per connection (every reply
//! closes its connection), calls one operation through the generated client and
//! checks the outcome and how many requests arrived. CopySnapshot is not
//! idempotent; DescribeSnapshots is read-only (by AWS's naming rule).

use elasticache::client::{Client, Config, Credentials, Error, RetryConfig, TimeoutKind};
use elasticache::operation::copy_snapshot::{CopySnapshotError, CopySnapshotMessage};
use elasticache::operation::describe_snapshots::{
    DescribeSnapshotsError, DescribeSnapshotsMessage,
};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// One scripted reply.
#[derive(Debug, Clone, Copy)]
enum Reply {
    /// Status and XML/HTML body.
    Respond(u16, &'static str),
    /// Read the request and never answer.
    Hang,
}

const THROTTLING: Reply = Reply::Respond(
    400,
    "<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>throttled</RequestId></ErrorResponse>",
);
const INTERNAL_FAILURE: Reply = Reply::Respond(
    500,
    "<ErrorResponse><Error><Type>Receiver</Type><Code>InternalFailure</Code><Message>oops</Message></Error><RequestId>failed</RequestId></ErrorResponse>",
);
const UNAVAILABLE: Reply = Reply::Respond(
    503,
    "<ErrorResponse><Error><Type>Receiver</Type><Code>ServiceUnavailable</Code></Error><RequestId>busy</RequestId></ErrorResponse>",
);
const HTML_500: Reply = Reply::Respond(
    500,
    "<!doctype html>\n<html><title>500 Internal Server Error</title></html>",
);
const HTML_503: Reply = Reply::Respond(
    503,
    "<html><body>503 Service Temporarily Unavailable</body></html>",
);
const COPIED: Reply = Reply::Respond(
    200,
    "<CopySnapshotResponse xmlns=\"http://elasticache.amazonaws.com/doc/2015-02-02/\"><CopySnapshotResult><Snapshot><SnapshotName>b</SnapshotName></Snapshot></CopySnapshotResult><ResponseMetadata><RequestId>ok</RequestId></ResponseMetadata></CopySnapshotResponse>",
);
const DESCRIBED: Reply = Reply::Respond(
    200,
    "<DescribeSnapshotsResponse xmlns=\"http://elasticache.amazonaws.com/doc/2015-02-02/\"><DescribeSnapshotsResult><Snapshots><Snapshot><SnapshotName>s1</SnapshotName></Snapshot></Snapshots></DescribeSnapshotsResult><ResponseMetadata><RequestId>ok</RequestId></ResponseMetadata></DescribeSnapshotsResponse>",
);

/// What the server saw of one request.
#[derive(Debug, Clone)]
struct Seen {
    head: String,
    body: String,
}

struct Server {
    url: String,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Server {
    async fn start(script: &[Reply]) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let url = format!(
            "http://{}",
            listener.local_addr().unwrap_or_else(|e| panic!("{e}"))
        );
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&seen);
        let script = script.to_vec();
        tokio::spawn(async move {
            let mut replies = script.into_iter();
            while let Ok((stream, _)) = listener.accept().await {
                let reply = replies
                    .next()
                    .unwrap_or(Reply::Respond(599, "the script has no more replies"));
                let log = Arc::clone(&log);
                tokio::spawn(handle(stream, reply, log));
            }
        });
        Self { url, seen }
    }

    fn requests(&self) -> Vec<Seen> {
        self.seen.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

async fn handle(mut stream: TcpStream, reply: Reply, log: Arc<Mutex<Vec<Seen>>>) {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let length = head
        .lines()
        .find_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse::<usize>().ok())
                .flatten()
        })
        .unwrap_or(0);
    while buf.len() < head_end + length {
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
    let body = String::from_utf8_lossy(&buf[head_end..head_end + length]).into_owned();
    log.lock()
        .unwrap_or_else(|e| e.into_inner())
        .push(Seen { head, body });
    match reply {
        Reply::Hang => tokio::time::sleep(Duration::from_secs(60)).await,
        Reply::Respond(status, body) => {
            let response = format!(
                "HTTP/1.1 {status} Scripted\r\nContent-Type: text/xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = stream.write_all(response.as_bytes()).await;
            let _ = stream.shutdown().await;
        }
    }
}

fn client(url: &str, attempts: u32) -> Client {
    let config = Config::builder()
        .region("us-east-1")
        .endpoint_url(url)
        .credentials(Credentials::new("AKID", "SECRET", None))
        .attempt_timeout(Duration::from_millis(500))
        .retry(
            RetryConfig::default()
                .max_attempts(attempts)
                .initial_backoff(Duration::from_millis(2)),
        )
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    Client::new(&config).unwrap_or_else(|e| panic!("{e}"))
}

fn copy() -> CopySnapshotMessage {
    CopySnapshotMessage::new("a", "b")
}

fn describe() -> DescribeSnapshotsMessage {
    DescribeSnapshotsMessage::new()
}

#[tokio::test]
async fn throttling_is_retried_even_for_a_non_idempotent_call() {
    let server = Server::start(&[THROTTLING, THROTTLING, COPIED]).await;
    let out = client(&server.url, 3)
        .copy_snapshot(copy())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        out.snapshot.and_then(|s| s.snapshot_name).as_deref(),
        Some("b")
    );
    let seen = server.requests();
    assert_eq!(seen.len(), 3);
    // Every attempt carries the same body and is signed.
    for s in &seen {
        assert_eq!(s.body, seen[0].body);
        assert!(s.body.starts_with("Action=CopySnapshot&"), "{}", s.body);
        let head = s.head.to_ascii_lowercase();
        assert!(
            head.contains("\r\nauthorization: aws4-hmac-sha256 credential=akid/"),
            "{head}"
        );
        assert!(head.contains("\r\nx-amz-date: "), "{head}");
        assert!(head.contains("\r\nhost: 127.0.0.1:"), "{head}");
    }
}

#[tokio::test]
async fn attempts_are_bounded() {
    let server = Server::start(&[THROTTLING, THROTTLING, COPIED]).await;
    match client(&server.url, 2).copy_snapshot(copy()).await {
        Err(Error::Service(CopySnapshotError::Unhandled(meta))) => {
            assert_eq!(meta.code, "Throttling");
            assert_eq!(meta.request_id.as_deref(), Some("throttled"));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn a_server_error_is_not_retried_for_a_non_idempotent_call() {
    let server = Server::start(&[INTERNAL_FAILURE, COPIED]).await;
    match client(&server.url, 3).copy_snapshot(copy()).await {
        Err(e @ Error::Service(_)) => {
            assert_eq!(e.code(), Some("InternalFailure"));
            assert_eq!(e.meta().map(|m| m.status), Some(500));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn server_errors_are_retried_for_a_read_only_call() {
    let server = Server::start(&[INTERNAL_FAILURE, UNAVAILABLE, DESCRIBED]).await;
    let out = client(&server.url, 3)
        .describe_snapshots(describe())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.snapshots.map(|s| s.len()), Some(1));
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn an_html_500_is_never_retried() {
    let server = Server::start(&[HTML_500, DESCRIBED]).await;
    match client(&server.url, 3).describe_snapshots(describe()).await {
        Err(Error::Unparseable(e)) => {
            assert_eq!(e.status(), 500);
            assert!(e.body_start().starts_with("<!doctype html>"));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn a_gateway_page_is_retried_for_a_read_only_call_only() {
    let server = Server::start(&[HTML_503, DESCRIBED]).await;
    client(&server.url, 3)
        .describe_snapshots(describe())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(server.requests().len(), 2);

    let server = Server::start(&[HTML_503, COPIED]).await;
    match client(&server.url, 3).copy_snapshot(copy()).await {
        Err(Error::Unparseable(e)) => assert_eq!(e.status(), 503),
        other => panic!("{other:?}"),
    }
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn an_attempt_timeout_is_retried_only_when_safe() {
    let server = Server::start(&[Reply::Hang, COPIED]).await;
    match client(&server.url, 3).copy_snapshot(copy()).await {
        Err(Error::Timeout(t)) => assert_eq!(t.kind(), TimeoutKind::Attempt),
        other => panic!("{other:?}"),
    }
    assert_eq!(server.requests().len(), 1);

    let server = Server::start(&[Reply::Hang, DESCRIBED]).await;
    client(&server.url, 3)
        .describe_snapshots(describe())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn the_operation_timeout_bounds_the_whole_call() {
    let server = Server::start(&[Reply::Hang, Reply::Hang, Reply::Hang]).await;
    let config = Config::builder()
        .region("us-east-1")
        .endpoint_url(&server.url)
        .credentials(Credentials::new("AKID", "SECRET", None))
        .attempt_timeout(Duration::from_secs(30))
        .operation_timeout(Duration::from_millis(300))
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    let client = Client::new(&config).unwrap_or_else(|e| panic!("{e}"));
    match client.describe_snapshots(describe()).await {
        Err(Error::Timeout(t)) => {
            assert_eq!(t.kind(), TimeoutKind::Operation);
            assert_eq!(t.limit(), Some(Duration::from_millis(300)));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn a_refused_connection_is_a_transport_error_that_never_reached_the_service() {
    // Bind and drop a listener: nothing listens on that port afterwards.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or_else(|e| panic!("{e}"));
    match client(&format!("http://127.0.0.1:{port}"), 2)
        .copy_snapshot(copy())
        .await
    {
        Err(Error::Transport(e)) => {
            assert!(!e.may_have_reached_service(), "{e}");
            assert!(
                e.to_string().starts_with("could not send the request"),
                "{e}"
            );
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_modelled_error_is_typed_and_not_retried() {
    let server = Server::start(&[
        Reply::Respond(
            404,
            "<ErrorResponse><Error><Type>Sender</Type><Code>SnapshotNotFoundFault</Code><Message>Snapshot s9 not found.</Message></Error><RequestId>req-9</RequestId></ErrorResponse>",
        ),
        DESCRIBED,
    ])
    .await;
    match client(&server.url, 3)
        .describe_snapshots(describe().snapshot_name("s9"))
        .await
    {
        Err(Error::Service(DescribeSnapshotsError::SnapshotNotFoundFault(e))) => {
            assert_eq!(e.meta.message.as_deref(), Some("Snapshot s9 not found."));
            assert_eq!(e.meta.request_id.as_deref(), Some("req-9"));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(server.requests().len(), 1);
}
