//! End to end: the generated client against moto's ElastiCache emulator.
//!
//! Starts `moto.server` on a free loopback port with the oracle's
//! `moto_server.sh` (stopped again by a guard, also when an assertion fails)
//! and walks a lifecycle through the typed client: clusters, snapshots,
//! paginators, the HTML 500 pages moto answers unimplemented actions with, and
//! a modelled error. moto records every request it receives
//! (`MOTO_ENABLE_RECORDING`), which is how the test counts what the client sent,
//! independently of the client.

#[path = "oracle/moto.rs"]
mod moto;
mod oracle;

use elasticache::client::{Client, Config, Credentials, Error, RetryConfig};
use elasticache::operation::copy_serverless_cache_snapshot::CopyServerlessCacheSnapshotRequest;
use elasticache::operation::copy_snapshot::CopySnapshotMessage;
use elasticache::operation::create_cache_cluster::CreateCacheClusterMessage;
use elasticache::operation::create_snapshot::CreateSnapshotMessage;
use elasticache::operation::delete_cache_cluster::DeleteCacheClusterMessage;
use elasticache::operation::delete_snapshot::DeleteSnapshotMessage;
use elasticache::operation::describe_cache_clusters::DescribeCacheClustersMessage;
use elasticache::operation::describe_snapshots::{
    DescribeSnapshotsError, DescribeSnapshotsMessage,
};
use elasticache::types::Snapshot;
use moto::Moto;
use std::time::Duration;

fn client(moto: &Moto) -> Client {
    let config = Config::builder()
        .region("us-east-1")
        .endpoint_url(moto.url())
        .credentials(Credentials::new("testing", "testing", None))
        .attempt_timeout(Duration::from_secs(30))
        // Generous on purpose: a retry storm would show in moto's request counts.
        .retry(
            RetryConfig::default()
                .max_attempts(5)
                .initial_backoff(Duration::from_millis(20)),
        )
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    Client::new(&config).unwrap_or_else(|e| panic!("{e}"))
}

const CLUSTER: &str = "e2e-cluster";
const SNAPSHOTS: [&str; 5] = [
    "e2e-snap-0",
    "e2e-snap-1",
    "e2e-snap-2",
    "e2e-snap-3",
    "e2e-snap-4",
];

fn assert_snapshot_fields(s: &Snapshot, name: &str) {
    assert_eq!(s.snapshot_name.as_deref(), Some(name));
    assert_eq!(s.cache_cluster_id.as_deref(), Some(CLUSTER), "{name}");
    assert_eq!(s.snapshot_status.as_deref(), Some("available"), "{name}");
    assert_eq!(s.snapshot_source.as_deref(), Some("manual"), "{name}");
    assert_eq!(s.engine.as_deref(), Some("redis"), "{name}");
    assert_eq!(
        s.cache_node_type.as_deref(),
        Some("cache.t3.micro"),
        "{name}"
    );
    assert_eq!(s.num_cache_nodes, Some(1), "{name}");
    let arn = s.arn.as_deref().unwrap_or_default();
    assert!(
        arn.starts_with("arn:aws:elasticache:us-east-1:")
            && arn.ends_with(&format!(":snapshot:{name}")),
        "{name}: ARN {arn:?}"
    );
}

#[tokio::test(flavor = "current_thread")]
async fn lifecycle_against_moto() {
    let moto = Moto::start();
    let client = client(&moto);

    // (1) CreateCacheCluster, then DescribeCacheClusters shows it.
    let created = client
        .create_cache_cluster(
            CreateCacheClusterMessage::new(CLUSTER)
                .engine("redis")
                .cache_node_type("cache.t3.micro")
                .num_cache_nodes(1),
        )
        .await
        .unwrap_or_else(|e| panic!("CreateCacheCluster: {e}"));
    let cluster = created
        .cache_cluster
        .unwrap_or_else(|| panic!("no CacheCluster"));
    assert_eq!(cluster.cache_cluster_id.as_deref(), Some(CLUSTER));
    assert_eq!(cluster.engine.as_deref(), Some("redis"));
    let described = client
        .describe_cache_clusters(DescribeCacheClustersMessage::new().cache_cluster_id(CLUSTER))
        .await
        .unwrap_or_else(|e| panic!("DescribeCacheClusters: {e}"));
    let clusters = described.cache_clusters.unwrap_or_default();
    assert_eq!(clusters.len(), 1);
    assert_eq!(clusters[0].cache_cluster_id.as_deref(), Some(CLUSTER));
    assert_eq!(
        clusters[0].cache_node_type.as_deref(),
        Some("cache.t3.micro")
    );
    assert_eq!(clusters[0].num_cache_nodes, Some(1));
    println!("(1) cluster {CLUSTER} created and described");

    // moto paginates DescribeCacheClusters: four more clusters, two per page.
    for i in 1..5 {
        client
            .create_cache_cluster(
                CreateCacheClusterMessage::new(format!("e2e-extra-{i}"))
                    .engine("redis")
                    .cache_node_type("cache.t3.micro")
                    .num_cache_nodes(1),
            )
            .await
            .unwrap_or_else(|e| panic!("CreateCacheCluster {i}: {e}"));
    }
    let before = moto.count("DescribeCacheClusters");
    let mut pages =
        client.describe_cache_clusters_pages(DescribeCacheClustersMessage::new().max_records(2));
    let mut sizes = Vec::new();
    let mut ids = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page.unwrap_or_else(|e| panic!("DescribeCacheClusters page: {e}"));
        let items = page.cache_clusters.unwrap_or_default();
        sizes.push(items.len());
        ids.extend(items.into_iter().filter_map(|c| c.cache_cluster_id));
    }
    assert_eq!(sizes, [2, 2, 1], "five clusters, two per page");
    ids.sort();
    assert_eq!(
        ids,
        [
            CLUSTER,
            "e2e-extra-1",
            "e2e-extra-2",
            "e2e-extra-3",
            "e2e-extra-4"
        ]
    );
    assert_eq!(
        moto.count("DescribeCacheClusters") - before,
        3,
        "one request per page"
    );
    println!("(1) DescribeCacheClusters paginator: pages of {sizes:?}");

    // (2) Several snapshots of the cluster, read back through the paginator.
    for name in SNAPSHOTS {
        let made = client
            .create_snapshot(CreateSnapshotMessage::new(name).cache_cluster_id(CLUSTER))
            .await
            .unwrap_or_else(|e| panic!("CreateSnapshot {name}: {e}"));
        let snapshot = made.snapshot.unwrap_or_else(|| panic!("no Snapshot"));
        assert_snapshot_fields(&snapshot, name);
    }
    assert_eq!(moto.count("CreateSnapshot"), SNAPSHOTS.len());
    let before = moto.count("DescribeSnapshots");
    let input = DescribeSnapshotsMessage::new()
        .cache_cluster_id(CLUSTER)
        .max_records(2);
    let pages = client
        .describe_snapshots_pages(input.clone())
        .try_collect()
        .await
        .unwrap_or_else(|e| panic!("DescribeSnapshots: {e}"));
    let requests = moto.count("DescribeSnapshots") - before;
    assert_eq!(requests, pages.len(), "one request per page");
    let mut snapshots = client
        .describe_snapshots_pages(input.clone())
        .items()
        .try_collect()
        .await
        .unwrap_or_else(|e| panic!("DescribeSnapshots items: {e}"));
    snapshots.sort_by(|a, b| a.snapshot_name.cmp(&b.snapshot_name));
    assert_eq!(snapshots.len(), SNAPSHOTS.len());
    for (snapshot, name) in snapshots.iter().zip(SNAPSHOTS) {
        assert_snapshot_fields(snapshot, name);
    }
    // moto 5.2.5 ignores MaxRecords for DescribeSnapshots and answers with every
    // snapshot and the Marker it was sent: starting from a marker, the repeated
    // token ends the listing after one page instead of looping.
    let before = moto.count("DescribeSnapshots");
    let resumed = client
        .describe_snapshots_pages(input.marker("resume-here"))
        .try_collect()
        .await
        .unwrap_or_else(|e| panic!("DescribeSnapshots from a marker: {e}"));
    assert_eq!(resumed.len(), 1);
    assert_eq!(
        resumed[0].marker.as_deref(),
        Some("resume-here"),
        "moto echoes the marker"
    );
    assert_eq!(moto.count("DescribeSnapshots") - before, 1);
    println!(
        "(2) {} snapshots through the paginator in {} page(s); an echoed marker stops after 1",
        snapshots.len(),
        pages.len()
    );

    // (3) CopySnapshot: moto has not implemented it and answers with an HTML 500 page.
    let before = moto.count("CopySnapshot");
    match client
        .copy_snapshot(CopySnapshotMessage::new(SNAPSHOTS[0], "e2e-copy"))
        .await
    {
        Err(Error::Unparseable(e)) => {
            assert_eq!(e.status(), 500);
            assert!(
                e.body_start()
                    .to_ascii_lowercase()
                    .starts_with("<!doctype html>"),
                "{:?}",
                e.body_start()
            );
            println!("(3) CopySnapshot: {e}");
        }
        other => panic!("CopySnapshot: expected an unparseable HTTP 500, got {other:?}"),
    }
    assert_eq!(
        moto.count("CopySnapshot") - before,
        1,
        "an unparseable 500 of a non-idempotent call is not retried"
    );

    // (4) DeleteSnapshot, then DescribeSnapshots of that name: SnapshotNotFoundFault.
    let deleted = client
        .delete_snapshot(DeleteSnapshotMessage::new(SNAPSHOTS[4]))
        .await
        .unwrap_or_else(|e| panic!("DeleteSnapshot: {e}"));
    assert_eq!(
        deleted.snapshot.and_then(|s| s.snapshot_name).as_deref(),
        Some(SNAPSHOTS[4])
    );
    let before = moto.count("DescribeSnapshots");
    match client
        .describe_snapshots(DescribeSnapshotsMessage::new().snapshot_name(SNAPSHOTS[4]))
        .await
    {
        Err(Error::Service(DescribeSnapshotsError::SnapshotNotFoundFault(fault))) => {
            let expected = format!("Snapshot {} not found.", SNAPSHOTS[4]);
            assert_eq!(fault.meta.code, "SnapshotNotFoundFault");
            assert_eq!(fault.meta.message.as_deref(), Some(expected.as_str()));
            assert_eq!(fault.meta.status, 404);
            let id = fault.meta.request_id.as_deref().unwrap_or_default();
            // moto's request ids are 52 random letters and digits.
            assert_eq!(id.len(), 52, "{id:?}");
            assert!(id.bytes().all(|b| b.is_ascii_alphanumeric()), "{id:?}");
            println!("(4) DescribeSnapshots after DeleteSnapshot: {fault}");
        }
        other => panic!("expected SnapshotNotFoundFault, got {other:?}"),
    }
    assert_eq!(
        moto.count("DescribeSnapshots") - before,
        1,
        "a 404 fault is not retried"
    );

    // (5) CopyServerlessCacheSnapshot: the same HTML 500 treatment.
    let before = moto.count("CopyServerlessCacheSnapshot");
    match client
        .copy_serverless_cache_snapshot(CopyServerlessCacheSnapshotRequest::new(
            "serverless-a",
            "serverless-b",
        ))
        .await
    {
        Err(Error::Unparseable(e)) => {
            assert_eq!(e.status(), 500);
            assert!(e
                .body_start()
                .to_ascii_lowercase()
                .starts_with("<!doctype html>"));
            println!(
                "(5) CopyServerlessCacheSnapshot: HTTP {} not parsed, not retried",
                e.status()
            );
        }
        other => panic!("CopyServerlessCacheSnapshot: expected an unparseable 500, got {other:?}"),
    }
    assert_eq!(moto.count("CopyServerlessCacheSnapshot") - before, 1);

    // Clean up through the client too.
    let gone = client
        .delete_cache_cluster(DeleteCacheClusterMessage::new(CLUSTER))
        .await
        .unwrap_or_else(|e| panic!("DeleteCacheCluster: {e}"));
    assert_eq!(
        gone.cache_cluster
            .and_then(|c| c.cache_cluster_id)
            .as_deref(),
        Some(CLUSTER)
    );

    let actions = moto.actions();
    println!("requests moto received: {actions:?}");
    let total: usize = actions.values().sum();
    // 5 CreateCacheCluster, 1 + 3 DescribeCacheClusters, 5 CreateSnapshot, two full
    // DescribeSnapshots listings + 1 from a marker + 1 lookup, and 1 each of CopySnapshot,
    // DeleteSnapshot, CopyServerlessCacheSnapshot and DeleteCacheCluster.
    let snapshot_listings = 2 * pages.len() + 1 + 1;
    let expected = 5 + 1 + 3 + 5 + snapshot_listings + 1 + 1 + 1 + 1;
    assert_eq!(total, expected, "{actions:?}");
}

/// The sleeps of a wait on the model's delays (15 s to 120 s): each between the minimum and
/// that attempt's ceiling, but the last, which may be cut so that no sleep passes the
/// maximum wait.
fn check_model_delays(sleeps: &[Duration]) {
    let min = Duration::from_secs(15);
    let max = Duration::from_secs(120);
    for (i, d) in sleeps.iter().enumerate() {
        let ceiling = (min * (1u32 << i.min(10))).min(max);
        assert!(*d <= ceiling, "sleep {i} of {sleeps:?} is over {ceiling:?}");
        if i + 1 < sleeps.len() {
            assert!(*d >= min, "sleep {i} of {sleeps:?} is under {min:?}");
        }
    }
}

#[tokio::test(flavor = "current_thread")]
async fn waiters_against_moto() {
    use elasticache::waiters::{VirtualClock, WaiterError};
    use std::sync::Arc;
    const NAME: &str = "e2e-waited";

    let moto = Moto::start();
    let client = client(&moto);
    let describe = || DescribeCacheClustersMessage::new().cache_cluster_id(NAME);
    client
        .create_cache_cluster(
            CreateCacheClusterMessage::new(NAME)
                .engine("redis")
                .cache_node_type("cache.t3.micro")
                .num_cache_nodes(1),
        )
        .await
        .unwrap_or_else(|e| panic!("CreateCacheCluster: {e}"));

    // moto answers `available` at once: one poll, no sleep.
    let clock = VirtualClock::new();
    let available = client
        .wait_until_cache_cluster_available(describe(), Duration::from_secs(600))
        .clock(Arc::new(clock.clone()))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(available.attempts, 1);
    assert_eq!(available.acceptor.map(|m| m.index), Some(0));
    assert!(clock.sleeps().is_empty());
    assert_eq!(moto.count("DescribeCacheClusters"), 1);

    client
        .delete_cache_cluster(DeleteCacheClusterMessage::new(NAME))
        .await
        .unwrap_or_else(|e| panic!("DeleteCacheCluster: {e}"));

    // moto keeps the cluster `deleting` for good, so the wait ends at the maximum wait,
    // with `deleting` as the last status. On the virtual clock the model's delays cost
    // nothing: polls at 0 s, then after each sleep, the last 15 s (minDelay) before the end.
    let clock = VirtualClock::new();
    let max_wait = Duration::from_secs(300);
    let result = client
        .wait_until_cache_cluster_deleted(describe(), max_wait)
        .clock(Arc::new(clock.clone()))
        .await;
    let polls = moto.count("DescribeCacheClusters") - 1;
    let sleeps = clock.sleeps();
    match &result {
        Err(e @ WaiterError::TimedOut(f)) => {
            let status = f
                .output()
                .and_then(|o| o.cache_clusters.as_ref())
                .and_then(|c| c.first())
                .and_then(|c| c.cache_cluster_status.as_deref());
            assert_eq!(status, Some("deleting"), "{e}");
            assert_eq!(f.attempts as usize, polls);
            assert_eq!(f.elapsed, max_wait - Duration::from_secs(15));
            println!("deleted waiter on moto: {e}; sleeps {sleeps:?}");
        }
        Err(e) => panic!("expected a time-out, got {e}"),
        Ok(f) => panic!(
            "expected a time-out, got success after {} polls",
            f.attempts
        ),
    }
    assert_eq!(sleeps.len() + 1, polls);
    assert_eq!(
        sleeps.iter().sum::<Duration>(),
        max_wait - Duration::from_secs(15)
    );
    check_model_delays(&sleeps);

    // The same on tokio's clock with small delays: the sleeps really happen, and the wait
    // stops one minimum delay before the maximum wait.
    let before = moto.count("DescribeCacheClusters");
    let started = std::time::Instant::now();
    let result = client
        .wait_until_cache_cluster_deleted(describe(), Duration::from_millis(1000))
        .min_delay(Duration::from_millis(100))
        .max_delay(Duration::from_millis(100))
        .await;
    let took = started.elapsed();
    let polls = moto.count("DescribeCacheClusters") - before;
    match result {
        Err(WaiterError::TimedOut(f)) => {
            assert_eq!(f.attempts as usize, polls);
            assert!(f.elapsed >= Duration::from_millis(900), "{:?}", f.elapsed);
        }
        other => panic!("expected a time-out, got {:?}", other.map(|f| f.attempts)),
    }
    // 100 ms sleeps plus a request each within 900 ms: at most 10 polls.
    assert!((2..=10).contains(&polls), "{polls} polls in {took:?}");
    assert!(took < Duration::from_secs(5), "{took:?}");
}
