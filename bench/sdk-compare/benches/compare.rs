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
//! signed request). `bench/sdk-compare/run.sh` runs this three times and prints the ratios
//! of every run with the load average.

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
use elasticache::operation::copy_snapshot::{self, CopySnapshot, CopySnapshotMessage};
use elasticache::Operation;

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

/// Splits a form body into sorted, decoded (key, value) pairs.
fn form_pairs(body: &[u8]) -> Vec<(String, String)> {
    let body = std::str::from_utf8(body).expect("a form body is ASCII");
    let decode = |s: &str| {
        let bytes = s.as_bytes();
        let mut out = Vec::with_capacity(bytes.len());
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'%' {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).expect("ASCII");
                out.push(u8::from_str_radix(hex, 16).expect("a %XX escape"));
                i += 3;
            } else {
                out.push(if bytes[i] == b'+' { b' ' } else { bytes[i] });
                i += 1;
            }
        }
        String::from_utf8(out).expect("UTF-8 values")
    };
    let mut pairs: Vec<_> = body
        .split('&')
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(k), decode(v))
        })
        .collect();
    pairs.sort();
    pairs
}

// ---------------------------------------------------------------------------

/// The SDK's query writer driven the way aws-sdk-elasticache's generated
/// `shape_copy_snapshot_input::ser_copy_snapshot_input_input_input` and `shape_tag::ser_tag`
/// drive it.
fn smithy_query_body(input: &CopySnapshotMessage) -> String {
    let mut out = String::new();
    let mut writer = aws_smithy_query::QueryWriter::new(&mut out, "CopySnapshot", "2015-02-02");
    writer
        .prefix("SourceSnapshotName")
        .string(&input.source_snapshot_name);
    writer
        .prefix("TargetSnapshotName")
        .string(&input.target_snapshot_name);
    let scope = writer.prefix("TargetBucket");
    if let Some(v) = &input.target_bucket {
        scope.string(v);
    }
    let scope = writer.prefix("KmsKeyId");
    if let Some(v) = &input.kms_key_id {
        scope.string(v);
    }
    let scope = writer.prefix("Tags");
    if let Some(tags) = &input.tags {
        let mut list = scope.start_list(false, Some("Tag"));
        for tag in tags {
            let mut entry = list.entry();
            let scope = entry.prefix("Key");
            if let Some(v) = &tag.key {
                scope.string(v);
            }
            let scope = entry.prefix("Value");
            if let Some(v) = &tag.value {
                scope.string(v);
            }
        }
        list.finish();
    }
    writer.finish();
    out
}

fn serialize(c: &mut Criterion) {
    let input = data::copy_snapshot_input();
    let ours = copy_snapshot::serialize_request(&input);
    let writer = smithy_query_body(&input);
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
        b.iter(|| smithy_query_body(black_box(&input)));
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

fn quick_xml_events(body: &[u8]) -> usize {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_reader(body);
    let mut count = 0;
    loop {
        match reader.read_event() {
            Ok(Event::Start(_) | Event::Text(_)) => count += 1,
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!("the benchmark body is well-formed XML: {e}"),
        }
    }
    count
}

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
        quick_xml_events(body) > 100,
        "the baseline sees the whole body"
    );

    let mut group = c.benchmark_group("parse/copy_snapshot");
    short(&mut group);
    group.throughput(Throughput::Bytes(body.len() as u64));
    group.bench_function("ours", |b| {
        b.iter(|| copy_snapshot::parse_response(200, black_box(body)));
    });
    group.bench_function("quick-xml-events", |b| {
        b.iter(|| quick_xml_events(black_box(body)));
    });
    group.bench_function("sdk", |b| {
        b.iter(|| de.deserialize_nonstreaming_with_config(black_box(&response), &cfg));
    });
    group.finish();
}

// ---------------------------------------------------------------------------

fn call(c: &mut Criterion) {
    use elasticache::client::{Client, Config, Credentials};
    use smithy_query_runtime::client::test_transport::{CannedResponse, InMemoryTransport};

    let body = data::copy_snapshot_response().into_bytes();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("a tokio runtime");

    // Ours: the generated client, its configuration and the in-memory transport.
    let canned = body.clone();
    let transport = InMemoryTransport::from_fn(move |_| CannedResponse::new(200, canned.clone()));
    let config = Config::builder()
        .region("eu-west-1")
        .credentials(Credentials::new("AKIDEXAMPLE", "secret", None))
        .transport(transport.clone())
        .build()
        .expect("the configuration is valid");
    let ours = Client::new(&config).expect("the client is made");
    let input = data::copy_snapshot_input();
    let out = runtime
        .block_on(ours.copy_snapshot(input.clone()))
        .expect("our call succeeds");
    assert_eq!(
        out.snapshot.and_then(|s| s.node_snapshots).map(|n| n.len()),
        Some(3)
    );
    let sent = transport.take_requests();
    assert!(sent.len() == 1 && sent[0].header("authorization").is_some());

    // The SDK: its client with the canned HTTP client its own tests use.
    let canned = body.clone();
    let http_client = aws_smithy_http_client::test_util::infallible_client_fn(move |request| {
        assert!(request.headers().contains_key("authorization"), "signed");
        http::Response::builder()
            .status(200)
            .body(SdkBody::from(canned.clone()))
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
    let sdk_call = |client: &sdk::Client| {
        let mut call = client
            .copy_snapshot()
            .source_snapshot_name(data::SOURCE)
            .target_snapshot_name(data::TARGET)
            .target_bucket(data::BUCKET)
            .kms_key_id(data::KMS_KEY_ID);
        for (k, v) in data::TAGS {
            call = call.tags(sdk::types::Tag::builder().key(k).value(v).build());
        }
        call.send()
    };
    let out = runtime
        .block_on(sdk_call(&theirs))
        .expect("the SDK's call succeeds");
    assert_eq!(
        out.snapshot.and_then(|s| s.node_snapshots).map(|n| n.len()),
        Some(3)
    );

    let mut group = c.benchmark_group("call/copy_snapshot");
    short(&mut group);
    group.bench_function("ours", |b| {
        b.iter(|| {
            // The input is built inside the timed part on both sides.
            let input = data::copy_snapshot_input();
            let out = runtime.block_on(ours.copy_snapshot(black_box(input)));
            // The record would grow by one request per iteration.
            drop(transport.take_requests());
            out
        });
    });
    group.bench_function("sdk", |b| {
        b.iter(|| runtime.block_on(sdk_call(black_box(&theirs))));
    });
    group.finish();
}

// ---------------------------------------------------------------------------

fn short(group: &mut BenchmarkGroup<'_, criterion::measurement::WallTime>) {
    group
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
}

criterion_group!(benches, serialize, parse, call);
criterion_main!(benches);
