//! [`UnknownVariant`]: what a generated union holds when the service sent a member that the
//! model the crate was generated from does not have (a member added later).
//!
//! Only the response parser makes one ([`XmlReader::union`](super::xml::XmlReader::union)),
//! so a value holding it always came from a server; code using a generated crate can read it
//! but not build one. Sending it writes nothing.

use std::fmt;

/// A union member this version of the model does not know: the local name of the element
/// the service sent. Its content is not kept (the model says nothing about its type).
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UnknownVariant {
    name: String,
}

impl UnknownVariant {
    /// The member element's local name, as sent: `NewMember` for `<NewMember>…</NewMember>`.
    pub fn name(&self) -> &str {
        &self.name
    }

    pub(crate) fn new(name: String) -> Self {
        Self { name }
    }
}

impl fmt::Debug for UnknownVariant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("UnknownVariant").field(&self.name).finish()
    }
}

#[cfg(feature = "serde")]
mod serde_impl {
    use super::UnknownVariant;
    use serde::ser::SerializeMap;

    /// As botocore reports an unknown union member: `{"name": "<element name>"}` (under the
    /// key `SDK_UNKNOWN_MEMBER`, which the union's derive supplies). There is no
    /// `Deserialize`: a document cannot make one.
    impl serde::Serialize for UnknownVariant {
        fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let mut map = serializer.serialize_map(Some(1))?;
            map.serialize_entry("name", &self.name)?;
            map.end()
        }
    }
}

/// serde for a union variant without data (a member targeting `smithy.api#Unit`): botocore
/// represents it as an empty object, `{"Member": {}}`, and so do generated crates.
#[cfg(feature = "serde")]
pub mod unit_variant {
    use serde::de::{Deserializer, IgnoredAny, MapAccess, Visitor};
    use serde::ser::{SerializeMap, Serializer};
    use std::fmt;

    /// Writes `{}`.
    pub fn serialize<S: Serializer>(serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_map(Some(0))?.end()
    }

    /// Reads `{}` (or `null`); an object with members is an error.
    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(Empty)
    }

    struct Empty;

    impl<'de> Visitor<'de> for Empty {
        type Value = ();

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an empty object")
        }

        fn visit_unit<E: serde::de::Error>(self) -> Result<(), E> {
            Ok(())
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
            match map.next_key::<IgnoredAny>()? {
                None => Ok(()),
                Some(_) => Err(serde::de::Error::custom(
                    "a union member without data is an empty object",
                )),
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_name() {
        let u = UnknownVariant::new("NewMember".to_owned());
        assert_eq!(u.name(), "NewMember");
        assert_eq!(format!("{u:?}"), "UnknownVariant(\"NewMember\")");
        assert_eq!(u.clone(), u);
    }

    #[cfg(feature = "serde")]
    #[test]
    fn serde_forms() {
        let u = UnknownVariant::new("NewMember".to_owned());
        assert_eq!(
            serde_json::to_string(&u).unwrap(),
            r#"{"name":"NewMember"}"#
        );
        let mut out = Vec::new();
        unit_variant::serialize(&mut serde_json::Serializer::new(&mut out)).unwrap();
        assert_eq!(out, b"{}");
        for ok in ["{}", "null"] {
            let mut de = serde_json::Deserializer::from_str(ok);
            unit_variant::deserialize(&mut de).unwrap();
        }
        for bad in [r#"{"a":1}"#, "1", "[]"] {
            let mut de = serde_json::Deserializer::from_str(bad);
            assert!(unit_variant::deserialize(&mut de).is_err(), "{bad}");
        }
    }
}
