//! Hostile servers and hostile bytes, measured: what a response can make this process
//! allocate.
//!
//! One test, so that nothing else runs in this process while it measures: the peak resident
//! set (`VmHWM` in `/proc/self/status`, reset through `/proc/self/clear_refs` before each
//! case) must stay within a small multiple of the configured limit or of the input.
//!
//! 1. A server on loopback that streams an endless chunked body: the call ends with
//!    `Error::ResponseTooLarge` (limit and status) once the limit is passed.
//! 2. A `Content-Length` over the limit: the same error at once, the body never read.
//! 3. 16 MB of `<Snapshots><a/><a/>…`: unknown elements are skipped, so the list is empty.
//! 4. 11 MB of `<Snapshot/>` items: the parse stops at its expansion budget with an error.

use elasticache::client::{Client, Config, Credentials, Error};
use elasticache::operation::describe_snapshots::{self, DescribeSnapshotsMessage};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const MIB: usize = 1 << 20;

/// A size field of `/proc/self/status` (`VmHWM`: the peak resident set since the last
/// reset; `VmRSS`: the resident set now), in bytes (Linux only).
fn status_bytes(field: &str) -> Option<usize> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    let kib: usize = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// Runs `f` and returns its result and how far the peak resident set rose above the
/// resident set at the start. `None` where the kernel does not let the peak be reset.
fn measured<T>(f: impl FnOnce() -> T) -> (T, Option<usize>) {
    let reset = std::fs::write("/proc/self/clear_refs", "5").is_ok();
    let before = status_bytes("VmRSS:");
    let out = f();
    let grown = match (reset, before, status_bytes("VmHWM:")) {
        (true, Some(before), Some(peak)) => Some(peak.saturating_sub(before)),
        _ => None,
    };
    (out, grown)
}

/// Serves one connection: reads the request head, then answers with `head` and, if
/// `endless`, chunks of 64 KiB until the client goes away (or 30 s pass).
async fn serve(listener: TcpListener, head: &'static str, endless: bool) -> usize {
    let Ok((mut socket, _)) = listener.accept().await else {
        return 0;
    };
    let mut buf = vec![0u8; 64 * 1024];
    let mut seen = Vec::new();
    while !seen.windows(4).any(|w| w == b"\r\n\r\n") {
        match socket.read(&mut buf).await {
            Ok(0) | Err(_) => return 0,
            Ok(n) => seen.extend_from_slice(&buf[..n]),
        }
    }
    if socket.write_all(head.as_bytes()).await.is_err() {
        return 0;
    }
    let mut sent = 0;
    if endless {
        let chunk = format!("{:x}\r\n{}\r\n", 64 * 1024, "<a/>".repeat(16 * 1024));
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if socket.write_all(chunk.as_bytes()).await.is_err() {
                break;
            }
            sent += 64 * 1024;
        }
    }
    sent
}

async fn call_with_limit(
    head: &'static str,
    endless: bool,
    limit: usize,
) -> (Error<describe_snapshots::DescribeSnapshotsError>, usize) {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let port = listener
        .local_addr()
        .unwrap_or_else(|e| panic!("{e}"))
        .port();
    let server = tokio::spawn(serve(listener, head, endless));
    let config = Config::builder()
        .region("us-east-1")
        .endpoint_url(format!("http://127.0.0.1:{port}"))
        .credentials(Credentials::new("AKID", "SECRET", None))
        .max_response_size(limit)
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    let client = Client::new(&config).unwrap_or_else(|e| panic!("{e}"));
    let result = client
        .describe_snapshots(DescribeSnapshotsMessage::new())
        .await;
    drop(client);
    drop(config);
    let error = result.expect_err("the body is over the limit");
    let sent = server.await.unwrap_or(0);
    (error, sent)
}

#[test]
fn hostile_responses_stay_within_memory_bounds() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("{e}"));

    // 1. An endless chunked body.
    let limit = 8 * MIB;
    let ((error, sent), grown) = measured(|| {
        runtime.block_on(call_with_limit(
            "HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nTransfer-Encoding: chunked\r\n\r\n",
            true,
            limit,
        ))
    });
    match &error {
        Error::ResponseTooLarge(e) => {
            assert_eq!(
                (e.limit(), e.status(), e.declared_length()),
                (limit, 200, None)
            );
        }
        other => panic!("expected ResponseTooLarge, got {other}"),
    }
    assert!(sent >= limit, "the server sent only {sent} bytes");
    println!(
        "endless body: stopped after the server sent {} MiB; peak RSS grew {} MiB (limit {} MiB)",
        sent / MIB,
        grown.map_or("?".to_owned(), |g| (g / MIB).to_string()),
        limit / MIB
    );
    if let Some(grown) = grown {
        assert!(
            grown < 4 * limit,
            "peak RSS grew {grown} bytes for a {limit}-byte limit"
        );
    }
    assert!(
        error
            .to_string()
            .contains("larger than the 8388608-byte limit"),
        "{error}"
    );

    // 2. A declared length over the limit is refused before reading.
    let ((error, _), _) = measured(|| {
        runtime.block_on(call_with_limit(
            "HTTP/1.1 200 OK\r\nContent-Length: 10737418240\r\n\r\n",
            false,
            limit,
        ))
    });
    match error {
        Error::ResponseTooLarge(e) => assert_eq!(e.declared_length(), Some(10 << 30)),
        other => panic!("expected ResponseTooLarge, got {other}"),
    }

    // 3. Four million unknown elements where list items belong: an empty list.
    let body = format!(
        "<DescribeSnapshotsResponse><DescribeSnapshotsResult><Snapshots>{}</Snapshots></DescribeSnapshotsResult></DescribeSnapshotsResponse>",
        "<a/>".repeat(4_000_000)
    );
    let (parsed, grown) = measured(|| describe_snapshots::parse_response(200, body.as_bytes()));
    let snapshots = parsed.unwrap_or_else(|e| panic!("{e}")).snapshots;
    assert_eq!(snapshots.map(|s| s.len()), Some(0));
    println!(
        "{} MB of unknown list children: 0 items; peak RSS grew {} MiB",
        body.len() / 1_000_000,
        grown.map_or("?".to_owned(), |g| (g / MIB).to_string())
    );
    if let Some(grown) = grown {
        assert!(
            grown < body.len(),
            "peak RSS grew {grown} bytes for {} bytes",
            body.len()
        );
    }

    // 4. A million empty items: the parse stops at the expansion budget.
    let body = format!(
        "<DescribeSnapshotsResponse><DescribeSnapshotsResult><Snapshots>{}</Snapshots></DescribeSnapshotsResult></DescribeSnapshotsResponse>",
        "<Snapshot/>".repeat(1_000_000)
    );
    let (parsed, grown) = measured(|| describe_snapshots::parse_response(200, body.as_bytes()));
    let error = parsed.expect_err("over the expansion budget");
    let text = error.to_string();
    assert!(
        text.contains("/Snapshots/Snapshot") && text.contains("expands into more than 8 times"),
        "{text}"
    );
    println!(
        "{} MB of <Snapshot/>: {text:.160}…; peak RSS grew {} MiB",
        body.len() / 1_000_000,
        grown.map_or("?".to_owned(), |g| (g / MIB).to_string())
    );
    if let Some(grown) = grown {
        // The items may take 8x the body; the Vec holding them up to twice that.
        assert!(
            grown < 20 * body.len(),
            "peak RSS grew {grown} bytes for {} bytes",
            body.len()
        );
    }
}
