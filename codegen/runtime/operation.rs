//! The sans-IO shape of an operation: build an `http::Request`, parse a status and body.
//!
//! The generated client (or any HTTP stack the caller brings) sends the request from
//! [`Operation::build_request`] and hands the response to [`Operation::parse_response`].

use http::header::{HeaderValue, CONTENT_LENGTH, CONTENT_TYPE};
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

    /// Builds the HTTP request for `input`.
    fn build_request(input: &Self::Input) -> Request<Vec<u8>>;

    /// Parses an HTTP response: a 2xx status gives the output, anything else the error.
    fn parse_response(status: u16, body: &[u8]) -> Result<Self::Output, Self::Error>;
}

/// `POST /` with `Content-Type: application/x-www-form-urlencoded; charset=utf-8`,
/// `Content-Length` and `body`.
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

        fn parse_response(status: u16, body: &[u8]) -> Result<usize, u16> {
            if status == 200 {
                Ok(body.len())
            } else {
                Err(status)
            }
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
