//! An in-memory [`Transport`] for tests: canned responses instead of a network, and a
//! record of every request the client sent.
//!
//! A whole client call (build, sign, send, read, parse, retry) runs over it without a socket;
//! it still needs a tokio runtime, for the client's timers. In outline (this is not a doctest,
//! since a copy of the runtime vendored into a generated crate has no `smithy_query_runtime`
//! to import; `conformance/tests/client_in_memory.rs` runs the same calls):
//!
//! ```text
//! use smithy_query_runtime::client::test_transport::{CannedResponse, InMemoryTransport};
//! use smithy_query_runtime::client::{Config, Credentials};
//!
//! // Two answers, given in order: a 503, then a 200.
//! let transport = InMemoryTransport::from_responses([
//!     CannedResponse::new(503, "<html>busy</html>"),
//!     CannedResponse::new(200, "<Response/>").header("x-amzn-requestid", "42"),
//! ]);
//! let config = Config::builder()
//!     .region("us-east-1")
//!     .credentials(Credentials::new("AKID", "SECRET", None))
//!     .transport(transport.clone()) // clones share the responses and the record
//!     .build()?;
//! // … make a client from `config`, call it, then look at what it sent:
//! for request in transport.requests() {
//!     println!("{} {} ({} bytes)", request.method, request.uri, request.body.len());
//! }
//! ```

use super::{Transport, TransportFailure, TransportFuture, TransportResponse};
use http::{HeaderMap, HeaderName, HeaderValue, Method, Uri};
use std::collections::VecDeque;
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

/// A request as the transport received it: signed, with its absolute URI.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct RecordedRequest {
    /// The method (`POST` for every query-protocol operation).
    pub method: Method,
    /// The absolute URI.
    pub uri: Uri,
    /// Every header, `Authorization` and `X-Amz-Date` included.
    pub headers: HeaderMap,
    /// The body (the form, for query-protocol operations).
    pub body: Vec<u8>,
}

impl RecordedRequest {
    /// The value of header `name`, if it is present and text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The body as text (lossy).
    pub fn body_str(&self) -> std::borrow::Cow<'_, str> {
        String::from_utf8_lossy(&self.body)
    }
}

/// A response to give back: status, headers and body, or a transport failure.
#[derive(Debug)]
pub struct CannedResponse {
    outcome: Result<(u16, HeaderMap, Vec<u8>), TransportFailure>,
}

impl CannedResponse {
    /// A response with `status` and `body` and no headers.
    pub fn new(status: u16, body: impl Into<Vec<u8>>) -> Self {
        Self {
            outcome: Ok((status, HeaderMap::new(), body.into())),
        }
    }

    /// The transport fails instead of answering (e.g.
    /// [`TransportFailure::not_connected`] for a refused connection).
    pub fn failure(failure: TransportFailure) -> Self {
        Self {
            outcome: Err(failure),
        }
    }

    /// Adds a header. Panics when `name` or `value` is not a valid header name or value
    /// (this is test code; the values are literals).
    pub fn header(mut self, name: &str, value: &str) -> Self {
        if let Ok((_, headers, _)) = &mut self.outcome {
            let name = HeaderName::from_bytes(name.as_bytes())
                .unwrap_or_else(|e| panic!("header name {name:?}: {e}"));
            let value = HeaderValue::from_str(value)
                .unwrap_or_else(|e| panic!("header value {value:?}: {e}"));
            headers.append(name, value);
        }
        self
    }
}

type Responder = dyn Fn(&RecordedRequest) -> CannedResponse + Send + Sync;

enum Answers {
    Queue(Mutex<VecDeque<CannedResponse>>),
    Fn(Box<Responder>),
}

struct State {
    answers: Answers,
    requests: Mutex<Vec<RecordedRequest>>,
}

/// A [`Transport`] that answers from memory and records every request.
///
/// Cloning it shares the answers and the record: give one clone to
/// [`ConfigBuilder::transport`](super::ConfigBuilder::transport) and read the requests from
/// another.
#[derive(Clone)]
pub struct InMemoryTransport {
    state: Arc<State>,
}

impl fmt::Debug for InMemoryTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let answers = match &self.state.answers {
            Answers::Queue(q) => format!("{} canned", lock(q).len()),
            Answers::Fn(_) => "fn".to_owned(),
        };
        f.debug_struct("InMemoryTransport")
            .field("answers", &answers)
            .field("requests", &lock(&self.state.requests).len())
            .finish()
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panicking test thread leaves plain data behind; it is still usable.
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl InMemoryTransport {
    /// Answers requests with `responses`, in order, one each; a request after the last one
    /// fails as [`TransportFailure::not_connected`].
    pub fn from_responses(responses: impl IntoIterator<Item = CannedResponse>) -> Self {
        Self::with(Answers::Queue(Mutex::new(responses.into_iter().collect())))
    }

    /// Answers every request with what `respond` returns for it.
    pub fn from_fn(
        respond: impl Fn(&RecordedRequest) -> CannedResponse + Send + Sync + 'static,
    ) -> Self {
        Self::with(Answers::Fn(Box::new(respond)))
    }

    fn with(answers: Answers) -> Self {
        Self {
            state: Arc::new(State {
                answers,
                requests: Mutex::new(Vec::new()),
            }),
        }
    }

    /// Every request received so far, oldest first.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.state.requests).clone()
    }

    /// Every request received so far, oldest first, leaving the record empty (a long-running
    /// test or benchmark keeps it from growing).
    pub fn take_requests(&self) -> Vec<RecordedRequest> {
        std::mem::take(&mut *lock(&self.state.requests))
    }

    /// How many requests were received.
    pub fn request_count(&self) -> usize {
        lock(&self.state.requests).len()
    }

    /// How many canned responses are left (0 for a transport made with
    /// [`from_fn`](Self::from_fn)).
    pub fn remaining(&self) -> usize {
        match &self.state.answers {
            Answers::Queue(q) => lock(q).len(),
            Answers::Fn(_) => 0,
        }
    }

    fn answer(
        &self,
        request: http::Request<Vec<u8>>,
    ) -> Result<TransportResponse, TransportFailure> {
        let (parts, body) = request.into_parts();
        let recorded = RecordedRequest {
            method: parts.method,
            uri: parts.uri,
            headers: parts.headers,
            body,
        };
        let canned = match &self.state.answers {
            Answers::Queue(q) => lock(q).pop_front(),
            Answers::Fn(respond) => Some(respond(&recorded)),
        };
        lock(&self.state.requests).push(recorded);
        let (status, headers, body) = canned
            .ok_or_else(|| {
                TransportFailure::not_connected("the in-memory transport has no response left")
            })?
            .outcome?;
        Ok(TransportResponse {
            status,
            headers,
            body: body.into(),
        })
    }
}

impl Transport for InMemoryTransport {
    fn send(&self, request: http::Request<Vec<u8>>) -> TransportFuture<'_> {
        let answer = self.answer(request);
        Box::pin(std::future::ready(answer))
    }
}

#[cfg(test)]
mod tests {
    use super::super::TransportFailureKind;
    use super::*;

    fn request(body: &str) -> http::Request<Vec<u8>> {
        http::Request::builder()
            .method("POST")
            .uri("https://elasticache.us-east-1.amazonaws.com/")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body.as_bytes().to_vec())
            .unwrap_or_else(|e| panic!("{e}"))
    }

    async fn body_of(response: TransportResponse) -> Vec<u8> {
        let mut body = response.body;
        let mut out = Vec::new();
        while let Some(chunk) = body.next_chunk().await {
            out.extend(chunk.unwrap_or_else(|e| panic!("{e}")));
        }
        out
    }

    #[tokio::test]
    async fn answers_in_order_and_records_requests() {
        let transport = InMemoryTransport::from_responses([
            CannedResponse::new(503, "busy"),
            CannedResponse::new(200, "<ok/>").header("x-amzn-requestid", "42"),
        ]);
        let clone = transport.clone();
        let first = clone
            .send(request("Action=A"))
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(first.status, 503);
        assert_eq!(body_of(first).await, b"busy");
        let second = clone
            .send(request("Action=B"))
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(second.status, 200);
        assert_eq!(second.headers["x-amzn-requestid"], "42");
        assert_eq!(body_of(second).await, b"<ok/>");
        assert_eq!(transport.remaining(), 0);

        // Out of answers: a failure that never reached a service.
        let third = clone.send(request("Action=C")).await;
        assert!(
            matches!(&third, Err(e) if e.kind() == TransportFailureKind::NotConnected),
            "{third:?}"
        );

        let requests = transport.requests();
        assert_eq!(transport.request_count(), 3);
        let bodies: Vec<_> = requests.iter().map(|r| r.body_str().into_owned()).collect();
        assert_eq!(bodies, ["Action=A", "Action=B", "Action=C"]);
        assert_eq!(requests[0].method, Method::POST);
        assert_eq!(
            requests[0].uri,
            "https://elasticache.us-east-1.amazonaws.com/"
        );
        assert_eq!(
            requests[0].header("content-type"),
            Some("application/x-www-form-urlencoded")
        );
    }

    #[tokio::test]
    async fn a_closure_answers_from_the_request() {
        let transport = InMemoryTransport::from_fn(|r| {
            CannedResponse::new(200, format!("echo {}", r.body_str()))
        });
        for body in ["one", "two"] {
            let response = transport
                .send(request(body))
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(body_of(response).await, format!("echo {body}").as_bytes());
        }
        assert_eq!(transport.request_count(), 2);
        assert_eq!(transport.remaining(), 0);
        assert!(format!("{transport:?}").contains("requests: 2"));
        assert_eq!(transport.take_requests().len(), 2);
        assert_eq!(transport.request_count(), 0);
    }

    #[tokio::test]
    async fn canned_failures_keep_their_kind() {
        let transport = InMemoryTransport::from_responses([
            CannedResponse::failure(TransportFailure::maybe_sent("reset")),
            CannedResponse::failure(TransportFailure::connect_timeout("slow")),
        ]);
        let kinds: Vec<_> = [
            transport.send(request("")).await,
            transport.send(request("")).await,
        ]
        .into_iter()
        .map(|r| r.map(|_| ()).map_err(|e| e.kind()))
        .collect();
        assert_eq!(
            kinds,
            [
                Err(TransportFailureKind::MaybeSent),
                Err(TransportFailureKind::ConnectTimeout)
            ]
        );
    }
}
