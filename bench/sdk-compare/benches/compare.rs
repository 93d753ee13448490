//! Ours against the AWS SDK for Rust (aws-sdk-elasticache), on the same `CopySnapshot` input
//! and the same 6 KB response body (`conformance/benches/data/copy_snapshot.rs`).
//!
//! - `serialize/copy_snapshot`
//!   - `ours`: the form body (`copy_snapshot::serialize_request`);
//!   - `aws-smithy-query`: the SDK's query writer driven as the SDK's generated
//!     `shape_copy_snapshot_input` drives it (the body alone, like `ours`);
//!   - `ours-request`: the whole `http::Request` (`Operation::build_request`);
//!   - `sdk-request`: the SDK's own request serializer, taken from the operation's runtime
//!     plugin (`CopySnapshot::new().config()`), which makes its `HttpRequest`.
//! - `parse/copy_snapshot`
//!   - `ours`: `copy_snapshot::parse_response` into the typed output;
//!   - `quick-xml-events`: a bare quick-xml event loop over the body (no unescaping, no
//!     allocation): the floor of any parser built on quick-xml;
//!   - `sdk`: the SDK's own response deserializer from the same runtime plugin.
//! - `call/copy_snapshot`
//!   - `ours`: `client.copy_snapshot(input).await` through the generated client over the
//!     runtime's in-memory transport (build, sign, send, read, parse);
//!   - `sdk`: `client.copy_snapshot()….send().await` with the SDK's `infallible_client_fn`
//!     answering, static credentials and a region: its whole orchestrator (endpoint rules,
//!     interceptors, SigV4, retries, deserialization).
//!
//! Each routine is checked before it is timed (same form pairs, same parsed values, one
//! signed request). After criterion's groups, `paired` measures each target ratio with
//! alternating batches (see `paired_ratio`). `bench/sdk-compare/run.sh` runs this three times
//! and prints both kinds of ratio of every run with the load average.

// The SDK's `SdkError` is what its `send()` returns; its size is not ours to change.
#![allow(clippy::result_large_err)]

use std::hint::black_box;
use std::time::Duration;

use aws_sdk_elasticache as sdk;
use aws_smithy_runtime_api::client::interceptors::context::Input;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::runtime_plugin::RuntimePlugin;
use aws_smithy_runtime_api::client::ser_de::{
    DeserializeResponse, SerializeRequest, SharedRequestSerializer, SharedResponseDeserializer,
};
use aws_smithy_types::body::SdkBody;
use aws_smithy_types::config_bag::{ConfigBag, FrozenLayer};
use criterion::{criterion_group, criterion_main, BenchmarkGroup, Criterion, Throughput};
use elasticache::operation::copy_snapshot::{self, CopySnapshot};
use elasticache::Operation;

#[path = "../../../conformance/benches/data/baselines.rs"]
mod baselines;
#[path = "../../../conformance/benches/data/copy_snapshot.rs"]
mod data;

/// The SDK's input with the same members as `data::copy_snapshot_input()`.
fn sdk_input() -> sdk::operation::copy_snapshot::CopySnapshotInput {
    let mut builder = sdk::operation::copy_snapshot::CopySnapshotInput::builder()
        .source_snapshot_name(data::SOURCE)
        .target_snapshot_name(data::TARGET)
        .target_bucket(data::BUCKET)
        .kms_key_id(data::KMS_KEY_ID);
    for (k, v) in data::TAGS {
        builder = builder.tags(sdk::types::Tag::builder().key(k).value(v).build());
    }
    builder.build().expect("every required member is set")
}

/// The configuration layer of the SDK's `CopySnapshot` runtime plugin, which holds the
/// operation's serializer and deserializer for its orchestrator.
fn sdk_operation_layer() -> FrozenLayer {
    sdk::operation::copy_snapshot::CopySnapshot::new()
        .config()
        .expect("the operation plugin has a config layer")
}

/// A form body's decoded (key, value) pairs, sorted (the runtime's test decoder).
fn form_pairs(body: &[u8]) -> Vec<(String, String)> {
    let body = std::str::from_utf8(body).expect("a form body is ASCII");
    let mut pairs = smithy_query_runtime::test_support::form_pairs(body)
        .unwrap_or_else(|e| panic!("a well-formed form body: {e}"));
    // The decoder skips empty segments; a body with one (`a=1&&b=2`) is not what any
    // serializer here should send.
    assert_eq!(
        pairs.len(),
        body.split('&').count(),
        "an empty pair in {body:?}"
    );
    pairs.sort();
    pairs
}

// ---------------------------------------------------------------------------

fn serialize(c: &mut Criterion) {
    let input = data::copy_snapshot_input();
    let ours = copy_snapshot::serialize_request(&input);
    let writer = baselines::smithy_query_body(&input);
    let ours_request = CopySnapshot::build_request(&input);
    let layer = sdk_operation_layer();
    let ser = layer
        .load::<SharedRequestSerializer>()
        .expect("a request serializer");
    let sdk_request = ser
        .serialize_input(Input::erase(sdk_input()), &mut ConfigBag::base())
        .expect("the SDK serializes the input");
    let sdk_body = sdk_request.body().bytes().expect("an in-memory body");
    let expected = form_pairs(ours.as_bytes());
    assert_eq!(
        form_pairs(writer.as_bytes()),
        expected,
        "aws-smithy-query's body"
    );
    assert_eq!(
        form_pairs(sdk_body),
        expected,
        "the SDK's serializer's body"
    );
    assert_eq!(
        form_pairs(ours_request.body()),
        expected,
        "our request's body"
    );

    let mut group = c.benchmark_group("serialize/copy_snapshot");
    short(&mut group);
    group.throughput(Throughput::Bytes(ours.len() as u64));
    group.bench_function("ours", |b| {
        b.iter(|| copy_snapshot::serialize_request(black_box(&input)));
    });
    group.bench_function("aws-smithy-query", |b| {
        b.iter(|| baselines::smithy_query_body(black_box(&input)));
    });
    group.bench_function("ours-request", |b| {
        b.iter(|| CopySnapshot::build_request(black_box(&input)));
    });
    let sdk_input = sdk_input();
    group.bench_function("sdk-request", |b| {
        // The serializer takes its input by value, as the orchestrator hands it over; the
        // clone is made outside the timed part.
        b.iter_batched(
            || Input::erase(sdk_input.clone()),
            |erased| ser.serialize_input(erased, &mut ConfigBag::base()),
            criterion::BatchSize::SmallInput,
        );
    });
    group.finish();
}

// ---------------------------------------------------------------------------

fn sdk_response(body: &[u8]) -> HttpResponse {
    HttpResponse::new(
        200.try_into().expect("a valid status"),
        SdkBody::from(body.to_vec()),
    )
}

fn parse(c: &mut Criterion) {
    let body = data::copy_snapshot_response();
    let body = body.as_bytes();
    let layer = sdk_operation_layer();
    let de = layer
        .load::<SharedResponseDeserializer>()
        .expect("a response deserializer");
    let response = sdk_response(body);
    let cfg = ConfigBag::base();

    let ours = copy_snapshot::parse_response(200, body)
        .expect("our parser accepts the body")
        .snapshot
        .expect("a snapshot");
    let theirs = de
        .deserialize_nonstreaming_with_config(&response, &cfg)
        .expect("the SDK accepts the body")
        .downcast::<sdk::operation::copy_snapshot::CopySnapshotOutput>()
        .expect("the operation's output")
        .snapshot
        .expect("a snapshot");
    // The same values on both sides, members of every kind: text, entity, number, bool,
    // timestamp, nested lists.
    assert_eq!(ours.snapshot_name, theirs.snapshot_name);
    assert_eq!(
        ours.replication_group_description,
        theirs.replication_group_description
    );
    assert_eq!(ours.port, theirs.port);
    assert_eq!(ours.num_node_groups, theirs.num_node_groups);
    assert_eq!(
        ours.auto_minor_version_upgrade,
        theirs.auto_minor_version_upgrade
    );
    assert_eq!(
        ours.cache_cluster_create_time
            .map(|t| (t.secs(), t.subsec_nanos())),
        theirs
            .cache_cluster_create_time
            .map(|t| (t.secs(), t.subsec_nanos()))
    );
    let (ours_nodes, their_nodes) = (
        ours.node_snapshots.expect("node snapshots"),
        theirs.node_snapshots.expect("node snapshots"),
    );
    assert_eq!(ours_nodes.len(), 3);
    assert_eq!(ours_nodes.len(), their_nodes.len());
    for (a, b) in ours_nodes.iter().zip(&their_nodes) {
        assert_eq!(a.cache_size, b.cache_size);
        let (a, b) = (
            a.node_group_configuration.as_ref().expect("configuration"),
            b.node_group_configuration.as_ref().expect("configuration"),
        );
        assert_eq!(a.replica_availability_zones, b.replica_availability_zones);
        assert_eq!(a.replica_outpost_arns, b.replica_outpost_arns);
    }
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
    group.bench_function("sdk", |b| {
        b.iter(|| de.deserialize_nonstreaming_with_config(black_box(&response), &cfg));
    });
    group.finish();
}

// ---------------------------------------------------------------------------

/// Both clients, each answering from a canned copy of the same response body, on one
/// current-thread tokio runtime.
struct Calls {
    runtime: tokio::runtime::Runtime,
    ours: elasticache::client::Client,
    transport: smithy_query_runtime::client::test_transport::InMemoryTransport,
    theirs: sdk::Client,
}

impl Calls {
    fn new() -> Self {
        use elasticache::client::{Client, Config, Credentials};
        use smithy_query_runtime::client::test_transport::{CannedResponse, InMemoryTransport};

        let body = data::copy_snapshot_response().into_bytes();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .expect("a tokio runtime");

        // Ours: the generated client, its configuration and the in-memory transport.
        let canned = body.clone();
        let transport =
            InMemoryTransport::from_fn(move |_| CannedResponse::new(200, canned.clone()));
        let config = Config::builder()
            .region("eu-west-1")
            .credentials(Credentials::new("AKIDEXAMPLE", "secret", None))
            .transport(transport.clone())
            .build()
            .expect("the configuration is valid");
        let ours = Client::new(&config).expect("the client is made");

        // The SDK: its client with the canned HTTP client its own tests use.
        let http_client = aws_smithy_http_client::test_util::infallible_client_fn(move |request| {
            assert!(request.headers().contains_key("authorization"), "signed");
            http::Response::builder()
                .status(200)
                .body(SdkBody::from(body.clone()))
                .expect("a valid response")
        });
        let sdk_config = sdk::Config::builder()
            .behavior_version(sdk::config::BehaviorVersion::latest())
            .region(sdk::config::Region::new("eu-west-1"))
            .credentials_provider(sdk::config::Credentials::new(
                "AKIDEXAMPLE",
                "secret",
                None,
                None,
                "static",
            ))
            .http_client(http_client)
            .build();
        let theirs = sdk::Client::from_conf(sdk_config);
        Self {
            runtime,
            ours,
            transport,
            theirs,
        }
    }

    /// One call of ours; the input is built inside, as the SDK's fluent builder is.
    fn ours(
        &self,
    ) -> Result<
        copy_snapshot::CopySnapshotResult,
        elasticache::client::Error<copy_snapshot::CopySnapshotError>,
    > {
        let input = data::copy_snapshot_input();
        let out = self
            .runtime
            .block_on(self.ours.copy_snapshot(black_box(input)));
        // The transport records every request; the record would grow by one per call.
        drop(self.transport.take_requests());
        out
    }

    /// One call of the SDK's.
    fn sdk(
        &self,
    ) -> Result<
        sdk::operation::copy_snapshot::CopySnapshotOutput,
        sdk::error::SdkError<sdk::operation::copy_snapshot::CopySnapshotError>,
    > {
        let mut call = black_box(&self.theirs)
            .copy_snapshot()
            .source_snapshot_name(data::SOURCE)
            .target_snapshot_name(data::TARGET)
            .target_bucket(data::BUCKET)
            .kms_key_id(data::KMS_KEY_ID);
        for (k, v) in data::TAGS {
            call = call.tags(sdk::types::Tag::builder().key(k).value(v).build());
        }
        self.runtime.block_on(call.send())
    }
}

fn call(c: &mut Criterion) {
    let calls = Calls::new();
    let out = calls.ours().expect("our call succeeds");
    assert_eq!(
        out.snapshot.and_then(|s| s.node_snapshots).map(|n| n.len()),
        Some(3)
    );
    let out = calls.sdk().expect("the SDK's call succeeds");
    assert_eq!(
        out.snapshot.and_then(|s| s.node_snapshots).map(|n| n.len()),
        Some(3)
    );
    // One signed request reached our transport.
    calls
        .runtime
        .block_on(calls.ours.copy_snapshot(data::copy_snapshot_input()))
        .expect("our call succeeds");
    let sent = calls.transport.take_requests();
    assert!(sent.len() == 1 && sent[0].header("authorization").is_some());

    let mut group = c.benchmark_group("call/copy_snapshot");
    short(&mut group);
    group.bench_function("ours", |b| b.iter(|| calls.ours()));
    group.bench_function("sdk", |b| b.iter(|| calls.sdk()));
    group.finish();
}

// ---------------------------------------------------------------------------
// Paired ratios

/// Times `ours` and `baseline` in alternating batches of about half a millisecond each (the
/// order flips every pair) and returns the quartiles of `baseline / ours` over the pairs.
///
/// On a shared machine the speed of the whole machine drifts by tens of percent within
/// seconds; criterion times one routine for seconds and then the other, so its two medians
/// can come from different machines. Two batches half a millisecond apart see the same one,
/// so each pair's ratio is measured under the same conditions, and the median over many
/// pairs is the figure to compare with a target.
fn paired_ratio(mut ours: impl FnMut(), mut baseline: impl FnMut()) -> [f64; 3] {
    use std::time::Instant;
    const PAIRS: usize = 600;
    let batch = |f: &mut dyn FnMut(), n: u32| {
        let start = Instant::now();
        for _ in 0..n {
            f();
        }
        start.elapsed().as_secs_f64()
    };
    // Warm up, then size each side's batch to about 0.5 ms.
    let mut sizes = [1u32; 2];
    for (size, f) in sizes
        .iter_mut()
        .zip([&mut ours as &mut dyn FnMut(), &mut baseline])
    {
        while batch(f, *size) < 0.5e-3 {
            *size *= 2;
        }
    }
    let mut ratios: Vec<f64> = (0..PAIRS)
        .map(|i| {
            let (o, b) = if i % 2 == 0 {
                let o = batch(&mut ours, sizes[0]);
                (o, batch(&mut baseline, sizes[1]))
            } else {
                let b = batch(&mut baseline, sizes[1]);
                (batch(&mut ours, sizes[0]), b)
            };
            (b / f64::from(sizes[1])) / (o / f64::from(sizes[0]))
        })
        .collect();
    ratios.sort_by(f64::total_cmp);
    [ratios[PAIRS / 4], ratios[PAIRS / 2], ratios[3 * PAIRS / 4]]
}

/// Prints `label: median [q1 – q3]` of [`paired_ratio`], in a form `run.sh` reads; only
/// under `cargo bench` (a `cargo test --benches` smoke run skips it, and so does a
/// `--profile-time` run, which profiles criterion's routines).
fn print_paired(label: &str, ours: impl FnMut(), baseline: impl FnMut()) {
    let args: Vec<String> = std::env::args().collect();
    if !args.iter().any(|a| a == "--bench") || args.iter().any(|a| a == "--profile-time") {
        return;
    }
    let [q1, median, q3] = paired_ratio(ours, baseline);
    println!("paired {label}: {median:.3} [{q1:.3} - {q3:.3}]");
}

fn paired(_: &mut Criterion) {
    let input = data::copy_snapshot_input();
    print_paired(
        "serialize aws-smithy-query/ours",
        || {
            black_box(copy_snapshot::serialize_request(black_box(&input)));
        },
        || {
            black_box(baselines::smithy_query_body(black_box(&input)));
        },
    );
    let layer = sdk_operation_layer();
    let ser = layer
        .load::<SharedRequestSerializer>()
        .expect("a request serializer");
    let sdk_input = sdk_input();
    print_paired(
        "serialize sdk-request/ours-request",
        || {
            black_box(CopySnapshot::build_request(black_box(&input)));
        },
        || {
            // The clone of the SDK's input is inside its batch: it takes its input by value.
            let erased = Input::erase(sdk_input.clone());
            let _ = black_box(ser.serialize_input(erased, &mut ConfigBag::base()));
        },
    );

    let body = data::copy_snapshot_response();
    let body = body.as_bytes();
    print_paired(
        "parse quick-xml-events/ours",
        || {
            let _ = black_box(copy_snapshot::parse_response(200, black_box(body)));
        },
        || {
            black_box(baselines::quick_xml_events(black_box(body)));
        },
    );
    let de = layer
        .load::<SharedResponseDeserializer>()
        .expect("a response deserializer");
    let response = sdk_response(body);
    let cfg = ConfigBag::base();
    print_paired(
        "parse sdk/ours",
        || {
            let _ = black_box(copy_snapshot::parse_response(200, black_box(body)));
        },
        || {
            let _ = black_box(de.deserialize_nonstreaming_with_config(black_box(&response), &cfg));
        },
    );

    let calls = Calls::new();
    print_paired(
        "call sdk/ours",
        || {
            let _ = black_box(calls.ours());
        },
        || {
            let _ = black_box(calls.sdk());
        },
    );
}

// ---------------------------------------------------------------------------

/// Longer than criterion's defaults: run-to-run noise on shared machines is the error that
/// matters here, and the whole file still takes under two minutes.
fn short(group: &mut BenchmarkGroup<'_, criterion::measurement::WallTime>) {
    group
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(5));
}

criterion_group!(benches, serialize, parse, call, paired);
criterion_main!(benches);
