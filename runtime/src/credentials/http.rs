//! The small HTTP client the metadata and container providers use: short timeouts, small
//! bodies, no retries of its own.

use super::super::client::{http_client, HttpClient};
use super::error_chain;
use http_body_util::{BodyExt, Full, Limited};
use std::fmt;
use std::io::Cursor;
use std::time::Duration;

/// The largest body a credentials endpoint may send.
const MAX_BODY: usize = 64 << 10;

#[derive(Clone)]
pub(crate) struct Http {
    client: HttpClient,
    timeout: Duration,
}

impl fmt::Debug for Http {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Http")
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

/// Why an exchange failed.
#[derive(Debug)]
pub(crate) enum Failure {
    /// Nothing answered in time, or no connection could be made.
    Unreachable(String),
    /// An answer arrived but could not be read.
    Broken(String),
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Unreachable(m) | Self::Broken(m) => f.write_str(m),
        }
    }
}

impl Http {
    /// A client whose connections and exchanges each end after `timeout`.
    pub(crate) fn new(timeout: Duration) -> Result<Self, String> {
        let client = http_client(Some(timeout)).map_err(|e| e.to_string())?;
        Ok(Self { client, timeout })
    }

    /// Sends `request`; the status and body of the answer.
    pub(crate) async fn send(
        &self,
        request: http::Request<Vec<u8>>,
    ) -> Result<(u16, Vec<u8>), Failure> {
        let (parts, body) = request.into_parts();
        let request = http::Request::from_parts(parts, Full::new(Cursor::new(body)));
        let exchange = async {
            let response = self.client.request(request).await.map_err(|e| {
                if e.is_connect() {
                    Failure::Unreachable(format!("cannot connect: {}", error_chain(&e)))
                } else {
                    Failure::Broken(error_chain(&e))
                }
            })?;
            let status = response.status().as_u16();
            let body = Limited::new(response.into_body(), MAX_BODY)
                .collect()
                .await
                .map_err(|e| Failure::Broken(format!("reading the body: {e}")))?;
            Ok((status, body.to_bytes().to_vec()))
        };
        tokio::time::timeout(self.timeout, exchange)
            .await
            .unwrap_or_else(|_| {
                Err(Failure::Unreachable(format!(
                    "no answer within {} ms",
                    self.timeout.as_millis()
                )))
            })
    }
}
