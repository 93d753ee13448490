//! ElastiCache's two waiters against a scripted HTTP server on a loopback port, on a
//! virtual clock: the "deleted" waiter's success paths (which moto cannot show, since its
//! deleted clusters stay `deleting`), failure acceptors, an error no acceptor matches, and
//! a wait that runs out of time with the last response kept. Each reply closes its
//! connection; the server counts the requests.

use elasticache::client::{Client, Config, Credentials, RetryConfig};
use elasticache::operation::describe_cache_clusters::DescribeCacheClustersMessage;
use elasticache::waiters::{AcceptorState, VirtualClock, WaiterError};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// A DescribeCacheClusters answer with one cluster per status.
fn clusters(statuses: &[&str]) -> (u16, String) {
    let items: String = statuses
        .iter()
        .map(|s| {
            format!(
                "<CacheCluster><CacheClusterId>c</CacheClusterId><CacheClusterStatus>{s}</CacheClusterStatus></CacheCluster>"
            )
        })
        .collect();
    (
        200,
        format!(
            "<DescribeCacheClustersResponse xmlns=\"http://elasticache.amazonaws.com/doc/2015-02-02/\">\
             <DescribeCacheClustersResult><CacheClusters>{items}</CacheClusters></DescribeCacheClustersResult>\
             <ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></DescribeCacheClustersResponse>"
        ),
    )
}

fn error(status: u16, code: &str) -> (u16, String) {
    (
        status,
        format!(
            "<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>m</Message></Error>\
             <RequestId>e</RequestId></ErrorResponse>"
        ),
    )
}

/// Serves `script`, one reply per connection; returns the URL and the request count.
async fn serve(script: Vec<(u16, String)>) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let url = format!(
        "http://{}",
        listener.local_addr().unwrap_or_else(|e| panic!("{e}"))
    );
    let count = Arc::new(AtomicUsize::new(0));
    let seen = Arc::clone(&count);
    tokio::spawn(async move {
        let mut replies = script.into_iter();
        while let Ok((mut stream, _)) = listener.accept().await {
            let (status, body) = replies
                .next()
                .unwrap_or((599, "the script has no more replies".into()));
            seen.fetch_add(1, Ordering::SeqCst);
            let mut buf = Vec::new();
            let mut chunk = [0u8; 4096];
            let body_start = loop {
                if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                    break i + 4;
                }
                match stream.read(&mut chunk).await {
                    Ok(0) | Err(_) => return,
                    Ok(n) => buf.extend_from_slice(&chunk[..n]),
                }
            };
            let head = String::from_utf8_lossy(&buf[..body_start]).to_lowercase();
            let length: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse().ok())
                .unwrap_or(0);
            while buf.len() < body_start + length {
                match stream.read(&mut chunk).await {
                    Ok(0) | Err(_) => return,
                    Ok(n) => buf.extend_from_slice(&chunk[..n]),
                }
            }
            let reply = format!(
                "HTTP/1.1 {status} X\r\ncontent-type: text/xml\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = stream.write_all(reply.as_bytes()).await;
        }
    });
    (url, count)
}

fn client(url: &str) -> Client {
    let config = Config::builder()
        .region("us-east-1")
        .endpoint_url(url)
        .credentials(Credentials::new("AKID", "SECRET", None))
        .retry(RetryConfig::disabled())
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    Client::new(&config).unwrap_or_else(|e| panic!("{e}"))
}

fn input() -> DescribeCacheClustersMessage {
    DescribeCacheClustersMessage::new().cache_cluster_id("c")
}

const MAX_WAIT: Duration = Duration::from_secs(600);

#[tokio::test(flavor = "current_thread")]
async fn deleted_succeeds_when_the_cluster_is_not_found() {
    let (url, count) = serve(vec![
        clusters(&["deleting"]),
        clusters(&["deleting"]),
        error(404, "CacheClusterNotFound"),
    ])
    .await;
    let clock = VirtualClock::new();
    let done = client(&url)
        .wait_until_cache_cluster_deleted(input(), MAX_WAIT)
        .clock(Arc::new(clock.clone()))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((done.attempts, count.load(Ordering::SeqCst)), (3, 3));
    let matched = done.acceptor.unwrap_or_else(|| panic!("no acceptor"));
    assert_eq!(
        (matched.index, matched.acceptor.state),
        (1, AcceptorState::Success)
    );
    assert_eq!(matched.acceptor.matcher, "errorType CacheClusterNotFound");
    assert_eq!(
        done.error().and_then(|e| e.code()),
        Some("CacheClusterNotFound")
    );
    // Sleeps of 15–15 s, then 15–30 s: the model's minDelay, doubling.
    let sleeps = clock.sleeps();
    assert_eq!(sleeps.len(), 2);
    assert_eq!(sleeps[0], Duration::from_secs(15));
    assert!((Duration::from_secs(15)..=Duration::from_secs(30)).contains(&sleeps[1]));
}

#[tokio::test(flavor = "current_thread")]
async fn deleted_succeeds_when_every_cluster_reports_deleted() {
    let (url, _) = serve(vec![
        clusters(&["deleting", "deleted"]),
        clusters(&["deleted", "deleted"]),
    ])
    .await;
    let done = client(&url)
        .wait_until_cache_cluster_deleted(input(), MAX_WAIT)
        .clock(Arc::new(VirtualClock::new()))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        (done.attempts, done.acceptor.map(|m| m.index)),
        (2, Some(0))
    );
}

#[tokio::test(flavor = "current_thread")]
async fn available_retries_until_available_and_fails_on_deleting() {
    let (url, count) = serve(vec![
        clusters(&["creating"]),
        clusters(&["creating", "available"]),
        clusters(&["available", "available"]),
    ])
    .await;
    let done = client(&url)
        .wait_until_cache_cluster_available(input(), MAX_WAIT)
        .clock(Arc::new(VirtualClock::new()))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((done.attempts, count.load(Ordering::SeqCst)), (3, 3));

    let (url, _) = serve(vec![
        clusters(&["creating"]),
        clusters(&["available", "deleting"]),
    ])
    .await;
    match client(&url)
        .wait_until_cache_cluster_available(input(), MAX_WAIT)
        .clock(Arc::new(VirtualClock::new()))
        .await
    {
        Err(e @ WaiterError::Failure(_)) => {
            let f = e.finished().unwrap_or_else(|| panic!("no response"));
            assert_eq!((f.attempts, f.acceptor.map(|m| m.index)), (2, Some(2)));
            assert_eq!(
                e.to_string(),
                "waiter CacheClusterAvailable failed: failure acceptor #2 (output \
                 `CacheClusters[].CacheClusterStatus` anyStringEquals \"deleting\") matched \
                 after 2 polls of DescribeCacheClusters in 15.0s"
            );
        }
        other => panic!("{:?}", other.map(|f| f.attempts)),
    }
}

#[tokio::test(flavor = "current_thread")]
async fn an_error_no_acceptor_matches_ends_the_wait() {
    // CacheClusterNotFound ends "deleted" successfully, but "available" has no acceptor
    // for it.
    let (url, count) = serve(vec![error(404, "CacheClusterNotFound")]).await;
    match client(&url)
        .wait_until_cache_cluster_available(input(), MAX_WAIT)
        .clock(Arc::new(VirtualClock::new()))
        .await
    {
        Err(WaiterError::UnexpectedError(f)) => {
            assert_eq!(f.attempts, 1);
            assert_eq!(
                f.error().and_then(|e| e.code()),
                Some("CacheClusterNotFound")
            );
        }
        other => panic!("{:?}", other.map(|f| f.attempts)),
    }
    assert_eq!(count.load(Ordering::SeqCst), 1);
}

#[tokio::test(flavor = "current_thread")]
async fn time_out_keeps_the_last_response() {
    let (url, count) = serve(vec![clusters(&["creating"]); 40]).await;
    let clock = VirtualClock::new();
    let result = client(&url)
        .wait_until_cache_cluster_available(input(), Duration::from_secs(120))
        .clock(Arc::new(clock.clone()))
        .await;
    let sleeps = clock.sleeps();
    match &result {
        Err(e @ WaiterError::TimedOut(f)) => {
            // Sleeps never pass the maximum wait: the last poll is at 120 − 15 s.
            assert_eq!(f.elapsed, Duration::from_secs(105));
            assert_eq!(sleeps.iter().sum::<Duration>(), Duration::from_secs(105));
            assert_eq!(f.attempts as usize, sleeps.len() + 1);
            assert_eq!(count.load(Ordering::SeqCst), sleeps.len() + 1);
            let last = f
                .output()
                .and_then(|o| o.cache_clusters.as_ref())
                .and_then(|c| c.first())
                .and_then(|c| c.cache_cluster_status.as_deref());
            assert_eq!(last, Some("creating"));
            assert!(e.to_string().contains("ran out of time"), "{e}");
        }
        other => panic!("{:?}", other.as_ref().map(|f| f.attempts)),
    }
}
