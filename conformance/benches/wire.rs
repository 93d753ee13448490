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
//!   with temporary credentials; a fresh copy of the request per iteration.
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
use elasticache::operation::copy_snapshot::{self, CopySnapshotMessage};
use elasticache::types::Tag;

// ---------------------------------------------------------------------------
// serialize/copy_snapshot

/// A realistic `CopySnapshot` input: every member set, 10 tags, a few of them with
/// spaces, reserved characters and non-ASCII text.
fn copy_snapshot_input() -> CopySnapshotMessage {
    let tags = [
        ("env", "prod"),
        ("team", "payments-platform"),
        ("cost-center", "CC-10422"),
        ("owner", "jane.doe@example.com"),
        ("service", "session cache"),
        ("description", "Nightly copy for DR / eu-west-1 → us-east-1"),
        ("Name", "Sessions & carts (primary)"),
        ("compliance", "pci-dss"),
        ("Projekt", "Größenänderung 2024"),
        (
            "backup:source-resource",
            "arn:aws:elasticache:eu-west-1:123456789012:replicationgroup:sessions-prod",
        ),
    ];
    CopySnapshotMessage::new(
        "automatic.sessions-prod-2024-06-30-03-00",
        "sessions-prod-dr-copy-2024-06-30",
    )
    .target_bucket("acme-elasticache-exports-eu-west-1")
    .kms_key_id("arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab")
    .tags(tags.iter().map(|(k, v)| Tag::new().key(*k).value(*v)))
}

/// The baseline: `aws_smithy_query::QueryWriter` used exactly as the AWS SDK's
/// generated serializer for `CopySnapshot` uses it (one `prefix` per member, the
/// `Tags` list as `Tags.Tag.N`, each tag written like `shape_tag::ser_tag`).
fn sdk_serialize(input: &CopySnapshotMessage) -> String {
    let mut out = String::new();
    let mut writer = aws_smithy_query::QueryWriter::new(&mut out, "CopySnapshot", "2015-02-02");
    // The SDK's input members are all `Option`s; ours has the two required ones bare.
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
            let entry = list.entry();
            sdk_ser_tag(entry, tag);
        }
        list.finish();
    }
    writer.finish();
    out
}

/// The SDK's `protocol_serde::shape_tag::ser_tag`.
fn sdk_ser_tag(mut writer: aws_smithy_query::QueryValueWriter<'_>, tag: &Tag) {
    let scope = writer.prefix("Key");
    if let Some(v) = &tag.key {
        scope.string(v);
    }
    let scope = writer.prefix("Value");
    if let Some(v) = &tag.value {
        scope.string(v);
    }
}

fn serialize(c: &mut Criterion) {
    let input = copy_snapshot_input();
    let ours = copy_snapshot::serialize_request(&input);
    let baseline = sdk_serialize(&input);
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
        b.iter(|| sdk_serialize(black_box(&input)));
    });
    group.finish();
}

// ---------------------------------------------------------------------------
// parse/copy_snapshot

/// One `<NodeSnapshot>` of a three-shard cluster-mode replication group.
fn node_snapshot(shard: u32, az: &str, replica_azs: [&str; 2]) -> String {
    format!(
        r#"          <NodeSnapshot>
            <CacheClusterId>sessions-prod-000{shard}-001</CacheClusterId>
            <NodeGroupId>000{shard}</NodeGroupId>
            <CacheNodeId>0001</CacheNodeId>
            <NodeGroupConfiguration>
              <NodeGroupId>000{shard}</NodeGroupId>
              <Slots>{slots}</Slots>
              <ReplicaCount>2</ReplicaCount>
              <PrimaryAvailabilityZone>{az}</PrimaryAvailabilityZone>
              <ReplicaAvailabilityZones>
                <AvailabilityZone>{r0}</AvailabilityZone>
                <AvailabilityZone>{r1}</AvailabilityZone>
              </ReplicaAvailabilityZones>
              <PrimaryOutpostArn>arn:aws:outposts:eu-west-1:123456789012:outpost/op-0ab1c2d3e4f5a6b7{shard}</PrimaryOutpostArn>
              <ReplicaOutpostArns>
                <OutpostArn>arn:aws:outposts:eu-west-1:123456789012:outpost/op-1ab1c2d3e4f5a6b7{shard}</OutpostArn>
                <OutpostArn>arn:aws:outposts:eu-west-1:123456789012:outpost/op-2ab1c2d3e4f5a6b7{shard}</OutpostArn>
              </ReplicaOutpostArns>
            </NodeGroupConfiguration>
            <CacheSize>{size} MB</CacheSize>
            <CacheNodeCreateTime>2024-01-15T09:4{shard}:12.118Z</CacheNodeCreateTime>
            <SnapshotCreateTime>2024-06-30T03:00:4{shard}Z</SnapshotCreateTime>
          </NodeSnapshot>
"#,
        slots = ["0-5461", "5462-10922", "10923-16383"][(shard - 1) as usize],
        r0 = replica_azs[0],
        r1 = replica_azs[1],
        size = 1024 + shard * 37,
    )
}

/// A successful `CopySnapshot` response as ElastiCache sends it: pretty-printed, the
/// 2015-02-02 namespace, every `Snapshot` member and `ResponseMetadata`.
fn copy_snapshot_response() -> String {
    let nodes: String = [
        (1, "eu-west-1a", ["eu-west-1b", "eu-west-1c"]),
        (2, "eu-west-1b", ["eu-west-1c", "eu-west-1a"]),
        (3, "eu-west-1c", ["eu-west-1a", "eu-west-1b"]),
    ]
    .iter()
    .map(|(shard, az, replicas)| node_snapshot(*shard, az, *replicas))
    .collect();
    format!(
        r#"<CopySnapshotResponse xmlns="http://elasticache.amazonaws.com/doc/2015-02-02/">
  <CopySnapshotResult>
    <Snapshot>
      <SnapshotName>sessions-prod-dr-copy-2024-06-30</SnapshotName>
      <ReplicationGroupId>sessions-prod</ReplicationGroupId>
      <ReplicationGroupDescription>Sessions &amp; carts – production (Größe: 3 shards)</ReplicationGroupDescription>
      <CacheClusterId>sessions-prod-0001-001</CacheClusterId>
      <SnapshotStatus>creating</SnapshotStatus>
      <SnapshotSource>manual</SnapshotSource>
      <CacheNodeType>cache.r7g.large</CacheNodeType>
      <Engine>redis</Engine>
      <EngineVersion>7.1.0</EngineVersion>
      <NumCacheNodes>9</NumCacheNodes>
      <PreferredAvailabilityZone>eu-west-1a</PreferredAvailabilityZone>
      <PreferredOutpostArn>arn:aws:outposts:eu-west-1:123456789012:outpost/op-0ab1c2d3e4f5a6b71</PreferredOutpostArn>
      <CacheClusterCreateTime>2024-01-15T09:41:12.118Z</CacheClusterCreateTime>
      <PreferredMaintenanceWindow>sun:05:00-sun:06:00</PreferredMaintenanceWindow>
      <TopicArn>arn:aws:sns:eu-west-1:123456789012:elasticache-events</TopicArn>
      <Port>6379</Port>
      <CacheParameterGroupName>default.redis7.cluster.on</CacheParameterGroupName>
      <CacheSubnetGroupName>sessions-prod-subnets</CacheSubnetGroupName>
      <VpcId>vpc-0a1b2c3d4e5f67890</VpcId>
      <AutoMinorVersionUpgrade>true</AutoMinorVersionUpgrade>
      <SnapshotRetentionLimit>7</SnapshotRetentionLimit>
      <SnapshotWindow>03:00-04:00</SnapshotWindow>
      <NumNodeGroups>3</NumNodeGroups>
      <AutomaticFailover>enabled</AutomaticFailover>
      <NodeSnapshots>
{nodes}      </NodeSnapshots>
      <KmsKeyId>arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab</KmsKeyId>
      <ARN>arn:aws:elasticache:eu-west-1:123456789012:snapshot:sessions-prod-dr-copy-2024-06-30</ARN>
      <DataTiering>disabled</DataTiering>
    </Snapshot>
  </CopySnapshotResult>
  <ResponseMetadata>
    <RequestId>5e2c1f0a-8b7d-4c3e-9f6a-2d1b0c9e8f7a</RequestId>
  </ResponseMetadata>
</CopySnapshotResponse>
"#
    )
}

/// The baseline: pull every event from quick-xml, count the `Start` and `Text` ones,
/// and do nothing else (no unescaping, no allocation).
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
