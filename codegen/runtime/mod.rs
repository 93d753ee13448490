//! Runtime support for the generated awsQuery client, shared by every operation.
//!
//! - [`query`]: writes request bodies (`Action=…&Version=…&Member.Path=value`).
//! - [`xml`]: a pull reader for response documents, with path-naming errors.
//! - [`error`]: parses `<ErrorResponse>` bodies into [`ErrorMeta`] / [`RawError`].
//! - [`time`] and [`blob`]: the [`DateTime`] and [`Blob`] value types.
//! - [`operation`]: the sans-IO [`Operation`] trait and the form `POST` request.
//!
//! Nothing here performs I/O; the caller sends requests with the HTTP client of its choice.

pub mod blob;
pub mod error;
pub mod operation;
pub mod query;
pub mod time;
pub mod xml;

pub use self::time::DateTime;
pub use blob::Blob;
pub use error::{ErrorMeta, RawError, ResponseError};
pub use operation::Operation;

/// The `http` crate, re-exported so generated code can name `crate::rt::http`.
pub use ::http;
/// The `serde` crate, re-exported so generated derives can use `crate::rt::serde`.
#[cfg(feature = "serde")]
pub use ::serde;
