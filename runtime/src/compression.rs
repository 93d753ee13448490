//! Request compression for operations with `smithy.api#requestCompression`: a body at least
//! [`RequestOptions`](super::operation::RequestOptions)'s minimum size is sent gzip-compressed
//! with `Content-Encoding: gzip`.
//!
//! Compression needs the crate's `gzip` feature (on by default in crates whose model asks for
//! it). Without the feature bodies are sent as they are, which every server accepts.

/// Whether this build can compress (the `gzip` feature).
pub const GZIP_AVAILABLE: bool = cfg!(feature = "gzip");

/// `body` gzip-compressed, or `None` when the `gzip` feature is off.
#[cfg(feature = "gzip")]
pub fn gzip(body: &[u8]) -> Option<Vec<u8>> {
    use flate2::write::GzEncoder;
    use flate2::Compression;
    use std::io::Write as _;
    let mut encoder = GzEncoder::new(
        Vec::with_capacity(body.len() / 2 + 32),
        Compression::default(),
    );
    // Writing to a Vec cannot fail.
    encoder.write_all(body).ok()?;
    encoder.finish().ok()
}

/// `body` gzip-compressed, or `None` when the `gzip` feature is off.
#[cfg(not(feature = "gzip"))]
pub fn gzip(body: &[u8]) -> Option<Vec<u8>> {
    let _ = body;
    None
}

#[cfg(all(test, feature = "gzip"))]
mod tests {
    use super::*;
    use std::io::Read as _;

    #[test]
    fn round_trips_through_a_gzip_decoder() {
        let body = "Action=PutThing&Version=1&Data=".to_owned() + &"abc%0A".repeat(4000);
        let compressed = gzip(body.as_bytes()).expect("the gzip feature is on");
        assert_eq!(compressed[..3], [0x1f, 0x8b, 0x08]);
        assert!(compressed.len() < body.len() / 10);
        let mut plain = String::new();
        flate2::read::GzDecoder::new(compressed.as_slice())
            .read_to_string(&mut plain)
            .expect("valid gzip");
        assert_eq!(plain, body);
    }
}
