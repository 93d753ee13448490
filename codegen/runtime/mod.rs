//! Runtime support for the generated awsQuery client, shared by every operation.
//!
//! - [`query`]: writes request bodies (`Action=…&Version=…&Member.Path=value`).
//! - [`xml`]: a pull reader for response documents, with path-naming errors.
//! - [`error`]: parses `<ErrorResponse>` bodies into [`ErrorMeta`] / [`RawError`].
//! - [`time`] and [`blob`]: the [`DateTime`] and [`Blob`] value types.
//! - [`operation`]: the sans-IO [`Operation`] trait, [`RequestOptions`] and the form `POST`
//!   request; [`endpoint`] (endpoints and host prefixes), [`idempotency`] (tokens for members
//!   left unset) and [`compression`] (gzip bodies) serve it.
//!
//! Nothing above performs I/O; the caller sends requests with the HTTP client of its choice.
//! With the `client` feature, the async client's machinery is here too: `client` (config,
//! sending, errors), `credentials`, `sigv4` (signing), `retry` (policy and backoff) and
//! `paginate` (paginators).

pub mod blob;
#[cfg(feature = "client")]
pub mod client;
pub mod compression;
#[cfg(feature = "client")]
pub mod credentials;
pub mod endpoint;
pub mod error;
pub mod idempotency;
pub mod operation;
#[cfg(feature = "client")]
pub mod paginate;
pub mod query;
#[cfg(feature = "client")]
pub mod retry;
#[cfg(feature = "client")]
pub mod sigv4;
pub mod time;
pub mod xml;

pub use self::time::DateTime;
pub use blob::Blob;
pub use error::{ErrorMeta, RawError, ResponseError};
pub use endpoint::{Endpoint, EndpointError};
pub use operation::{Operation, RequestOptions};

/// The `http` crate, re-exported so generated code can name `crate::rt::http`.
pub use ::http;
/// The `serde` crate, re-exported so generated derives can use `crate::rt::serde`.
#[cfg(feature = "serde")]
pub use ::serde;
