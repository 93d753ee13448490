//! The baselines the wire benchmarks and the SDK comparison kit (`bench/sdk-compare`) both
//! measure against: the AWS SDK's query writer driven as its generated serializer drives it,
//! and a bare quick-xml event loop. Included with `#[path]` by both.

use elasticache::operation::copy_snapshot::CopySnapshotMessage;
use elasticache::types::Tag;

/// The baseline: `aws_smithy_query::QueryWriter` used exactly as the AWS SDK's
/// generated serializer for `CopySnapshot` uses it (one `prefix` per member, the
/// `Tags` list as `Tags.Tag.N`, each tag written like `shape_tag::ser_tag`).
pub fn smithy_query_body(input: &CopySnapshotMessage) -> String {
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
            ser_tag(entry, tag);
        }
        list.finish();
    }
    writer.finish();
    out
}

/// The SDK's `protocol_serde::shape_tag::ser_tag`.
fn ser_tag(mut writer: aws_smithy_query::QueryValueWriter<'_>, tag: &Tag) {
    let scope = writer.prefix("Key");
    if let Some(v) = &tag.key {
        scope.string(v);
    }
    let scope = writer.prefix("Value");
    if let Some(v) = &tag.value {
        scope.string(v);
    }
}

/// The baseline: pull every event from quick-xml, count the `Start` and `Text` ones,
/// and do nothing else (no unescaping, no allocation).
pub fn quick_xml_events(body: &[u8]) -> usize {
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
