//! Wire benchmarks: the generated crate against a baseline, measured in the same run
//! on the same data.
//!
//! - `serialize/copy_snapshot`: our `serialize_request` against `aws-smithy-query`'s
//!   `QueryWriter` driven the way aws-sdk-elasticache's generated
//!   `protocol_serde::shape_copy_snapshot_input` / `shape_tag` drive it.
//! - `parse/copy_snapshot`: our `parse_response` (typed output, unescaped strings,
//!   numbers and timestamps) against a bare quick-xml event loop over the same bytes
//!   that only counts events: the floor any quick-xml based parser sits on.
//!
//! - `sign/copy_snapshot`: SigV4 signing alone (canonical request, string to sign, signing
//!   key, `Authorization`) of the `CopySnapshot` request, built once with an absolute URI,
//!   with temporary credentials; a fresh copy of the request per iteration. `ours` derives
//!   the signing key each time; `ours-cached-key` takes it from a `SigningKeyCache`, as the
//!   client does.
//!
//! - `call/copy_snapshot`: one whole `client.copy_snapshot(input).await` of the generated
//!   client (build, sign, send, read, parse, on a current-thread tokio runtime) over the
//!   runtime's in-memory transport, which answers with the same response body: the
//!   client's own cost per call, without a network.
//!
//! Run with `cargo bench -p conformance --bench wire`; `cargo test -p conformance
//! --benches` runs the checks and each routine once.

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkGroup, Criterion, Throughput};
use elasticache::operation::copy_snapshot;

#[path = "data/baselines.rs"]
mod baselines;
#[path = "data/copy_snapshot.rs"]
mod data;
use data::{copy_snapshot_input, copy_snapshot_response};

// ---------------------------------------------------------------------------
// serialize/copy_snapshot

fn serialize(c: &mut Criterion) {
    let input = copy_snapshot_input();
    let ours = copy_snapshot::serialize_request(&input);
    let baseline = baselines::smithy_query_body(&input);
    assert_eq!(
        conformance::decode_form(&ours),
        conformance::decode_form(&baseline),
        "ours and the SDK's QueryWriter must send the same key/value pairs\nours:     {ours}\nbaseline: {baseline}"
    );

    let mut group = c.benchmark_group("serialize/copy_snapshot");
    short(&mut group);
    group.throughput(Throughput::Bytes(ours.len() as u64));
    group.bench_function("ours", |b| {
        b.iter(|| copy_snapshot::serialize_request(black_box(&input)));
    });
    group.throughput(Throughput::Bytes(baseline.len() as u64));
    group.bench_function("aws-smithy-query", |b| {
        b.iter(|| baselines::smithy_query_body(black_box(&input)));
    });
    group.finish();
}

// ---------------------------------------------------------------------------
// parse/copy_snapshot

fn parse(c: &mut Criterion) {
    let body = copy_snapshot_response();
    let body = body.as_bytes();

    let parsed = copy_snapshot::parse_response(200, body).expect("our parser accepts the body");
    let snapshot = parsed.snapshot.as_ref().expect("the body has a Snapshot");
    assert_eq!(
        snapshot.node_snapshots.as_ref().map(Vec::len),
        Some(3),
        "all three NodeSnapshots are parsed"
    );
    assert_eq!(
        snapshot.replication_group_description.as_deref(),
        Some("Sessions & carts – production (Größe: 3 shards)"),
        "entities are unescaped"
    );
    assert_eq!(snapshot.port, Some(6379));
    assert!(
        baselines::quick_xml_events(body) > 100,
        "the baseline sees the whole body"
    );

    let mut group = c.benchmark_group("parse/copy_snapshot");
    short(&mut group);
    group.throughput(Throughput::Bytes(body.len() as u64));
    group.bench_function("ours", |b| {
        b.iter(|| copy_snapshot::parse_response(200, black_box(body)));
    });
    group.bench_function("quick-xml-events", |b| {
        b.iter(|| baselines::quick_xml_events(black_box(body)));
    });
    group.finish();
}

// ---------------------------------------------------------------------------
// sign/copy_snapshot
// ---------------------------------------------------------------------------

fn sign(c: &mut Criterion) {
    use elasticache::client::Credentials;
    use elasticache::Operation;
    use smithy_query_runtime::sigv4::{self, SigningParams};

    let mut request = copy_snapshot::CopySnapshot::build_request(&copy_snapshot_input());
    *request.uri_mut() = "https://elasticache.eu-west-1.amazonaws.com/"
        .parse()
        .expect("a valid URI");
    let credentials = Credentials::new("ASIAEXAMPLE", "secret", Some("session-token".into()));
    let params = SigningParams {
        credentials: &credentials,
        region: "eu-west-1",
        service: "elasticache",
        time: std::time::UNIX_EPOCH + Duration::from_secs(1_440_938_160),
    };
    let signed = sigv4::sign(&mut request.clone(), &params).expect("the request is signable");
    assert_eq!(
        signed.authorization,
        "AWS4-HMAC-SHA256 Credential=ASIAEXAMPLE/20150830/eu-west-1/elasticache/aws4_request, \
         SignedHeaders=content-length;content-type;host;x-amz-date;x-amz-security-token, \
         Signature=af232fc855d263373bcf345960959d8efdbcc3d1082c732ddd9ba3557752bf7f",
        "the signature is the one the ring-based signer gave"
    );

    let mut group = c.benchmark_group("sign/copy_snapshot");
    short(&mut group);
    group.throughput(Throughput::Bytes(request.body().len() as u64));
    group.bench_function("ours", |b| {
        b.iter_batched_ref(
            || request.clone(),
            |r| sigv4::sign(r, black_box(&params)),
            criterion::BatchSize::SmallInput,
        );
    });
    // As the client signs: the signing key comes from a cache that already holds it.
    let cache = sigv4::SigningKeyCache::new();
    let cached =
        sigv4::sign_cached(&mut request.clone(), &params, &cache).expect("the request is signable");
    assert_eq!(cached, signed, "a cached key gives the same signature");
    group.bench_function("ours-cached-key", |b| {
        b.iter_batched_ref(
            || request.clone(),
            |r| sigv4::sign_cached(r, black_box(&params), &cache),
            criterion::BatchSize::SmallInput,
        );
    });
    group.finish();
}

// ---------------------------------------------------------------------------
// call/copy_snapshot
// ---------------------------------------------------------------------------

fn call(c: &mut Criterion) {
    use elasticache::client::{Client, Config, Credentials};
    use smithy_query_runtime::client::test_transport::{CannedResponse, InMemoryTransport};

    let body = copy_snapshot_response().into_bytes();
    let transport = InMemoryTransport::from_fn(move |_| CannedResponse::new(200, body.clone()));
    let config = Config::builder()
        .region("eu-west-1")
        .credentials(Credentials::new("AKIDEXAMPLE", "secret", None))
        .transport(transport.clone())
        .build()
        .expect("the configuration is valid");
    let client = Client::new(&config).expect("the client is made");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("a tokio runtime");
    let input = copy_snapshot_input();

    let out = runtime
        .block_on(client.copy_snapshot(input.clone()))
        .expect("the call succeeds");
    assert_eq!(
        out.snapshot.and_then(|s| s.node_snapshots).map(|n| n.len()),
        Some(3),
        "the whole response is parsed"
    );
    let sent = transport.take_requests();
    assert!(
        sent.len() == 1 && sent[0].header("authorization").is_some(),
        "one signed request"
    );

    let mut group = c.benchmark_group("call/copy_snapshot");
    short(&mut group);
    group.bench_function("in-memory", |b| {
        b.iter(|| {
            let out = runtime.block_on(client.copy_snapshot(black_box(input.clone())));
            // The record would grow by one request per iteration.
            drop(transport.take_requests());
            out
        });
    });
    group.finish();
}

// ---------------------------------------------------------------------------

/// Short runs: the whole file takes well under a minute on two cores.
fn short(group: &mut BenchmarkGroup<'_, criterion::measurement::WallTime>) {
    group
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
}

criterion_group!(benches, serialize, parse, sign, call);
criterion_main!(benches);
