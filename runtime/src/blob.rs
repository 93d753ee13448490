//! [`Blob`]: opaque binary data. On the wire (query values, XML text, serde) it travels as
//! standard base64 with padding.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use std::fmt;

/// Binary data, such as a Smithy `blob` member.
#[derive(Clone, PartialEq, Eq, Hash, Debug, Default)]
pub struct Blob(Vec<u8>);

impl Blob {
    /// Wraps bytes.
    pub fn new(bytes: impl Into<Vec<u8>>) -> Self {
        Self(bytes.into())
    }

    /// The bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// Unwraps the bytes.
    pub fn into_inner(self) -> Vec<u8> {
        self.0
    }

    /// Standard base64 (`+`, `/`) with `=` padding.
    pub fn to_base64(&self) -> String {
        STANDARD.encode(&self.0)
    }

    /// Decodes standard base64 with padding. ASCII whitespace anywhere in the input (line
    /// breaks from pretty-printed XML, for instance) is ignored.
    pub fn from_base64(s: &str) -> Result<Blob, BlobDecodeError> {
        let decoded = if s.bytes().any(|b| b.is_ascii_whitespace()) {
            let compact: Vec<u8> = s.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
            STANDARD.decode(compact)
        } else {
            STANDARD.decode(s)
        };
        decoded.map(Blob).map_err(|e| BlobDecodeError {
            message: e.to_string(),
        })
    }
}

impl From<Vec<u8>> for Blob {
    fn from(bytes: Vec<u8>) -> Self {
        Self(bytes)
    }
}

impl From<&[u8]> for Blob {
    fn from(bytes: &[u8]) -> Self {
        Self(bytes.to_vec())
    }
}

impl From<&str> for Blob {
    fn from(s: &str) -> Self {
        Self(s.as_bytes().to_vec())
    }
}

impl AsRef<[u8]> for Blob {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

/// Text that is not valid standard base64.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlobDecodeError {
    message: String,
}

impl fmt::Display for BlobDecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid base64: {}", self.message)
    }
}

impl std::error::Error for BlobDecodeError {}

#[cfg(feature = "serde")]
mod serde_impl {
    use super::Blob;
    use serde::de::{Error, Visitor};
    use std::fmt;

    impl serde::Serialize for Blob {
        fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            serializer.serialize_str(&self.to_base64())
        }
    }

    impl<'de> serde::Deserialize<'de> for Blob {
        fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            deserializer.deserialize_str(BlobVisitor)
        }
    }

    struct BlobVisitor;

    impl Visitor<'_> for BlobVisitor {
        type Value = Blob;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a base64 string")
        }

        fn visit_str<E: Error>(self, v: &str) -> Result<Blob, E> {
            Blob::from_base64(v).map_err(E::custom)
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn conversions() {
        let b = Blob::new(vec![1u8, 2, 3]);
        assert_eq!(b.as_bytes(), &[1, 2, 3]);
        assert_eq!(b.as_ref(), &[1, 2, 3]);
        assert_eq!(Blob::from(&[1u8, 2, 3][..]), b);
        assert_eq!(Blob::from(vec![1u8, 2, 3]), b);
        assert_eq!(Blob::from("hi").into_inner(), b"hi".to_vec());
        assert_eq!(Blob::default().as_bytes(), b"");
    }

    #[test]
    fn base64_round_trip() {
        assert_eq!(Blob::from("").to_base64(), "");
        assert_eq!(Blob::from("f").to_base64(), "Zg==");
        assert_eq!(Blob::from("fo").to_base64(), "Zm8=");
        assert_eq!(Blob::from("foo").to_base64(), "Zm9v");
        assert_eq!(Blob::new(vec![0xfb, 0xff, 0xbf]).to_base64(), "+/+/");
        for len in 0..40u8 {
            let b = Blob::new((0..len).map(|i| i.wrapping_mul(37)).collect::<Vec<u8>>());
            assert_eq!(Blob::from_base64(&b.to_base64()).unwrap(), b);
        }
    }

    #[test]
    fn decode_ignores_whitespace() {
        assert_eq!(
            Blob::from_base64(" Zm9v\n YmFy\r\n\t").unwrap(),
            Blob::from("foobar")
        );
        assert_eq!(Blob::from_base64("Zg =\n=").unwrap(), Blob::from("f"));
    }

    #[test]
    fn decode_errors() {
        for bad in ["Zg", "Zm9v!", "Zm9v-_", "Z", "Zg==Zg=="] {
            assert!(Blob::from_base64(bad).is_err(), "{bad:?} should not decode");
        }
        let e = Blob::from_base64("Zm9v!").unwrap_err();
        assert!(e.to_string().starts_with("invalid base64: "), "{e}");
    }

    #[cfg(feature = "serde")]
    #[test]
    fn serde_as_base64() {
        let b = Blob::from("foo");
        assert_eq!(serde_json::to_string(&b).unwrap(), "\"Zm9v\"");
        assert_eq!(serde_json::from_str::<Blob>("\"Zm9v\"").unwrap(), b);
        assert!(serde_json::from_str::<Blob>("\"Zm9\"").is_err());
        assert!(serde_json::from_str::<Blob>("[1,2]").is_err());
    }
}
