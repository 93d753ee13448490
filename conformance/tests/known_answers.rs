//! Bodies captured from aws-sdk-elasticache 1.129.0 for the same inputs. Ours
//! must decode to the same key/value pairs in the same order (the SDK writes a
//! space as `%20`, as we do; botocore writes `+`).

use elasticache::operation::copy_snapshot::{self, CopySnapshotMessage};
use elasticache::types::Tag;

use conformance::decode_form as decode;

const SDK_FULL: &str = "Action=CopySnapshot&Version=2015-02-02&SourceSnapshotName=my-source-snapshot&TargetSnapshotName=my-target-snapshot&TargetBucket=my-export-bucket&KmsKeyId=arn%3Aaws%3Akms%3Aus-east-1%3A123456789012%3Akey%2Fabcd-1234&Tags.Tag.1.Key=env&Tags.Tag.1.Value=prod&Tags.Tag.2.Key=team&Tags.Tag.2.Value=cache%20ops%2F%CE%B1";

const SDK_EMPTY_TAGS: &str =
    "Action=CopySnapshot&Version=2015-02-02&SourceSnapshotName=a&TargetSnapshotName=b&Tags=";

#[test]
fn copy_snapshot_with_everything_matches_the_sdk() {
    let input = CopySnapshotMessage::new("my-source-snapshot", "my-target-snapshot")
        .target_bucket("my-export-bucket")
        .kms_key_id("arn:aws:kms:us-east-1:123456789012:key/abcd-1234")
        .tags([
            Tag::new().key("env").value("prod"),
            Tag::new().key("team").value("cache ops/α"),
        ]);
    let body = copy_snapshot::serialize_request(&input);
    assert_eq!(decode(&body), decode(SDK_FULL));
    // We encode exactly as the SDK does, so the bytes agree too.
    assert_eq!(body, SDK_FULL);
}

#[test]
fn empty_tag_list_is_sent_as_a_bare_key() {
    let input = CopySnapshotMessage::new("a", "b").tags(Vec::<Tag>::new());
    let body = copy_snapshot::serialize_request(&input);
    assert_eq!(decode(&body), decode(SDK_EMPTY_TAGS));
    assert_eq!(body, SDK_EMPTY_TAGS);
}

#[test]
fn absent_tag_list_sends_nothing() {
    let body = copy_snapshot::serialize_request(&CopySnapshotMessage::new("a", "b"));
    assert_eq!(
        body,
        "Action=CopySnapshot&Version=2015-02-02&SourceSnapshotName=a&TargetSnapshotName=b"
    );
}

#[test]
fn decoding_treats_plus_and_percent_20_alike() {
    assert_eq!(
        decode("a=b+c&d=b%20c"),
        vec![("a".into(), "b c".into()), ("d".into(), "b c".into())]
    );
}
