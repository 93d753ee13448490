//! The data the wire benchmarks share: a `CopySnapshot` input and a 6 KB response body.
//! Included with `#[path]` by `conformance/benches/wire.rs` and by the SDK comparison kit
//! (`bench/sdk-compare`), so both measure the same bytes.

use elasticache::operation::copy_snapshot::CopySnapshotMessage;
use elasticache::types::Tag;

/// The tags of [`copy_snapshot_input`], as (key, value) pairs.
pub const TAGS: [(&str, &str); 10] = [
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

/// The input's `SourceSnapshotName`, `TargetSnapshotName`, `TargetBucket` and `KmsKeyId`.
pub const SOURCE: &str = "automatic.sessions-prod-2024-06-30-03-00";
pub const TARGET: &str = "sessions-prod-dr-copy-2024-06-30";
pub const BUCKET: &str = "acme-elasticache-exports-eu-west-1";
pub const KMS_KEY_ID: &str =
    "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

/// A realistic `CopySnapshot` input: every member set, 10 tags, a few of them with
/// spaces, reserved characters and non-ASCII text.
pub fn copy_snapshot_input() -> CopySnapshotMessage {
    CopySnapshotMessage::new(SOURCE, TARGET)
        .target_bucket(BUCKET)
        .kms_key_id(KMS_KEY_ID)
        .tags(TAGS.iter().map(|(k, v)| Tag::new().key(*k).value(*v)))
}

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
pub fn copy_snapshot_response() -> String {
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
