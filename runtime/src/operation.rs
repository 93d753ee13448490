//! The sans-IO shape of an operation: build an `http::Request`, parse a status and body.
//!
//! The generated client (or any HTTP stack the caller brings) sends the request from
//! [`Operation::build_request`] (or [`Operation::build_request_with`], which takes an endpoint
//! and other [`RequestOptions`]) and hands the response to [`Operation::parse_response`].

use super::endpoint::{Endpoint, EndpointError};
use http::header::{HeaderValue, CONTENT_ENCODING, CONTENT_LENGTH, CONTENT_TYPE};
use http::{Method, Request};

/// One operation of the service, as sans-IO request building and response parsing.
pub trait Operation {
    /// The operation's name, e.g. `"CopySnapshot"`.
    const NAME: &'static str;
    /// The input structure.
    type Input;
    /// The output structure (`()` for operations without output).
    type Output;
    /// The operation's error type.
    type Error;
    /// Whether requests are signed with SigV4. `false` for operations the model leaves
    /// unauthenticated: `@auth([])` (STS `AssumeRoleWithWebIdentity`, `AssumeRoleWithSAML`,
    /// which carry their own proof of identity), a service with no auth scheme, or
    /// `@optionalAuth` with only schemes this client cannot use. They go out unsigned, so
    /// a client without credentials can call them.
    const SIGNED: bool = true;

    /// Builds the HTTP request for `input` with the default [`RequestOptions`]: `POST /` (a
    /// relative URI, so no host prefix), random idempotency tokens, compression as modelled.
    fn build_request(input: &Self::Input) -> Request<Vec<u8>>;

    /// Builds the HTTP request for `input` with `options`. With an endpoint the URI is
    /// absolute, below the endpoint's path, with the operation's host prefix (if it has one)
    /// in front of the host; that fails only for a host label that cannot be part of a host.
    fn build_request_with(
        input: &Self::Input,
        options: &RequestOptions,
    ) -> Result<Request<Vec<u8>>, EndpointError>;

    /// Parses an HTTP response: a 2xx status gives the output, anything else the error.
    fn parse_response(status: u16, body: &[u8]) -> Result<Self::Output, Self::Error>;
}

/// How a request is built, beyond its input.
#[derive(Debug, Clone)]
pub struct RequestOptions {
    endpoint: Option<Endpoint>,
    idempotency_tokens: fn() -> String,
    min_compression_size: Option<usize>,
}

impl Default for RequestOptions {
    /// No endpoint (a relative URI), random idempotency tokens, and compression of bodies of
    /// at least 10 240 bytes for operations that ask for it.
    fn default() -> Self {
        Self {
            endpoint: None,
            idempotency_tokens: super::idempotency::random_token,
            min_compression_size: Some(Self::DEFAULT_MIN_COMPRESSION_SIZE),
        }
    }
}

impl RequestOptions {
    /// The smallest body compressed by default, in bytes.
    pub const DEFAULT_MIN_COMPRESSION_SIZE: usize = 10_240;

    /// The default options.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sends requests to `endpoint` (absolute URIs, with host prefixes).
    #[must_use]
    pub fn endpoint(mut self, endpoint: Endpoint) -> Self {
        self.endpoint = Some(endpoint);
        self
    }

    /// Makes the token of each idempotency-token member left unset with `source` instead of
    /// [`random_token`](super::idempotency::random_token).
    #[must_use]
    pub fn idempotency_tokens(mut self, source: fn() -> String) -> Self {
        self.idempotency_tokens = source;
        self
    }

    /// Compresses bodies of at least `bytes` bytes (for operations that ask for compression).
    #[must_use]
    pub fn min_compression_size(mut self, bytes: usize) -> Self {
        self.min_compression_size = Some(bytes);
        self
    }

    /// Never compresses request bodies.
    #[must_use]
    pub fn disable_request_compression(mut self) -> Self {
        self.min_compression_size = None;
        self
    }

    /// The endpoint, if set.
    pub fn get_endpoint(&self) -> Option<&Endpoint> {
        self.endpoint.as_ref()
    }

    /// The source of idempotency tokens.
    pub fn idempotency_token_source(&self) -> fn() -> String {
        self.idempotency_tokens
    }

    /// Puts the request below the endpoint, if there is one, with `host_prefix` in front of its
    /// host; without an endpoint the request is returned as it is.
    pub fn resolve(
        &self,
        mut request: Request<Vec<u8>>,
        host_prefix: &str,
    ) -> Result<Request<Vec<u8>>, EndpointError> {
        if let Some(endpoint) = &self.endpoint {
            let path = request
                .uri()
                .path_and_query()
                .map_or("/", |p| p.as_str())
                .to_owned();
            *request.uri_mut() = endpoint.uri(host_prefix, &path)?;
        }
        Ok(request)
    }
}

/// `POST /` with `Content-Type: application/x-www-form-urlencoded; charset=utf-8` (as botocore
/// sends it), `Content-Length` and `body`.
pub fn form_request(body: String) -> Request<Vec<u8>> {
    let length = HeaderValue::from(body.len());
    // Built from parts rather than with `Request::builder`, so there is no failure to handle.
    let mut request = Request::new(body.into_bytes());
    *request.method_mut() = Method::POST;
    let headers = request.headers_mut();
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("application/x-www-form-urlencoded; charset=utf-8"),
    );
    headers.insert(CONTENT_LENGTH, length);
    request
}

/// [`form_request`], gzip-compressed (with `Content-Encoding: gzip`) when `gzip` is set (the
/// operation has `smithy.api#requestCompression`), the crate's `gzip` feature is on, and the
/// body is at least `options`' minimum compression size.
pub fn form_request_with(body: String, options: &RequestOptions, gzip: bool) -> Request<Vec<u8>> {
    let compress = gzip
        && options
            .min_compression_size
            .is_some_and(|min| body.len() >= min);
    if compress {
        if let Some(compressed) = super::compression::gzip(body.as_bytes()) {
            let mut request = form_request(String::new());
            let headers = request.headers_mut();
            headers.insert(CONTENT_LENGTH, HeaderValue::from(compressed.len()));
            headers.insert(CONTENT_ENCODING, HeaderValue::from_static("gzip"));
            *request.body_mut() = compressed;
            return request;
        }
    }
    form_request(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_a_form_post() {
        let request = form_request("Action=CopySnapshot&Version=2015-02-02".to_owned());
        assert_eq!(request.method(), Method::POST);
        assert_eq!(request.uri(), "/");
        assert_eq!(request.version(), http::Version::HTTP_11);
        assert_eq!(
            request.headers()[CONTENT_TYPE],
            "application/x-www-form-urlencoded; charset=utf-8"
        );
        assert_eq!(request.headers()[CONTENT_LENGTH], "38");
        assert_eq!(request.headers().len(), 2);
        assert_eq!(request.body(), b"Action=CopySnapshot&Version=2015-02-02");
    }

    #[test]
    fn empty_body() {
        let request = form_request(String::new());
        assert_eq!(request.headers()[CONTENT_LENGTH], "0");
        assert!(request.body().is_empty());
    }

    struct Echo;

    impl Operation for Echo {
        const NAME: &'static str = "Echo";
        type Input = String;
        type Output = usize;
        type Error = u16;

        fn build_request(input: &String) -> Request<Vec<u8>> {
            form_request(format!("Action={}&Version=1&Text={input}", Self::NAME))
        }

        fn build_request_with(
            input: &String,
            options: &RequestOptions,
        ) -> Result<Request<Vec<u8>>, EndpointError> {
            options.resolve(Self::build_request(input), "echo.")
        }

        fn parse_response(status: u16, body: &[u8]) -> Result<usize, u16> {
            if status == 200 {
                Ok(body.len())
            } else {
                Err(status)
            }
        }
    }

    #[test]
    fn options_resolve_against_the_endpoint() {
        let plain = Echo::build_request_with(&"hi".to_owned(), &RequestOptions::new())
            .expect("no endpoint, nothing to fail");
        assert_eq!(plain.uri(), "/");
        let endpoint = Endpoint::parse("https://example.com/base").expect("valid");
        let options = RequestOptions::new().endpoint(endpoint);
        let request = Echo::build_request_with(&"hi".to_owned(), &options).expect("valid");
        assert_eq!(request.uri(), "https://echo.example.com/base/");
        assert_eq!(request.body(), b"Action=Echo&Version=1&Text=hi");
    }

    #[test]
    fn compression_follows_the_options_and_the_feature() {
        let body = "x".repeat(RequestOptions::DEFAULT_MIN_COMPRESSION_SIZE);
        let small = form_request_with("x".repeat(100), &RequestOptions::new(), true);
        assert!(small.headers().get(CONTENT_ENCODING).is_none());
        let unmodelled = form_request_with(body.clone(), &RequestOptions::new(), false);
        assert_eq!(unmodelled.body(), body.as_bytes());
        assert!(unmodelled.headers().get(CONTENT_ENCODING).is_none());
        let disabled = RequestOptions::new().disable_request_compression();
        let off = form_request_with(body.clone(), &disabled, true);
        assert!(off.headers().get(CONTENT_ENCODING).is_none());
        assert_eq!(off.body(), body.as_bytes());
        let lowered = RequestOptions::new().min_compression_size(50);
        let on = form_request_with("x".repeat(100), &lowered, true);
        if super::super::compression::GZIP_AVAILABLE {
            assert_eq!(on.headers()[CONTENT_ENCODING], "gzip");
            assert_eq!(
                on.headers()[CONTENT_LENGTH],
                on.body().len().to_string().as_str()
            );
            assert_eq!(on.body()[..2], [0x1f, 0x8b]);
        } else {
            assert_eq!(on.body(), "x".repeat(100).as_bytes());
        }
    }

    #[test]
    fn trait_is_usable() {
        let request = Echo::build_request(&"hi".to_owned());
        assert_eq!(request.body(), b"Action=Echo&Version=1&Text=hi");
        assert_eq!(Echo::parse_response(200, b"abc"), Ok(3));
        assert_eq!(Echo::parse_response(500, b""), Err(500));
    }
}
