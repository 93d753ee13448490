//! Endpoints: the scheme, host and base path requests are sent to, and the host prefixes that
//! operations with `smithy.api#endpoint` put in front of the host (`foo.{Label}.`), with
//! the labels taken from the input and checked to be valid host labels.

use http::uri::{Authority, Scheme, Uri};
use std::fmt;

/// Where requests go: `https://example.com`, or with a base path, `https://example.com/custom`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    scheme: Scheme,
    authority: Authority,
    /// The base path without its trailing `/` (empty for `https://example.com/`).
    path: String,
}

impl Endpoint {
    /// Parses an absolute `http` or `https` URI with a host and no query or fragment.
    pub fn parse(uri: &str) -> Result<Self, EndpointError> {
        let err = |why: &str| EndpointError(format!("invalid endpoint {uri:?}: {why}"));
        let parsed: Uri = uri.parse().map_err(|e| err(&format!("{e}")))?;
        let scheme = parsed
            .scheme()
            .cloned()
            .ok_or_else(|| err("it has no scheme (https://…)"))?;
        if scheme != Scheme::HTTPS && scheme != Scheme::HTTP {
            return Err(err("the scheme must be http or https"));
        }
        let authority = parsed
            .authority()
            .cloned()
            .ok_or_else(|| err("it has no host"))?;
        if authority.host().is_empty() || authority.as_str().contains('@') {
            return Err(err("it needs a host and no user information"));
        }
        if parsed.query().is_some() || uri.contains('#') {
            return Err(err("it may not have a query or fragment"));
        }
        Ok(Self {
            scheme,
            authority,
            path: parsed.path().trim_end_matches('/').to_owned(),
        })
    }

    /// The host, without port.
    pub fn host(&self) -> &str {
        self.authority.host()
    }

    /// The absolute URI of `path_and_query` (which starts with `/`) below this endpoint, with
    /// `host_prefix` put in front of the host.
    pub fn uri(&self, host_prefix: &str, path_and_query: &str) -> Result<Uri, EndpointError> {
        let authority = if host_prefix.is_empty() {
            self.authority.clone()
        } else {
            format!("{host_prefix}{}", self.authority)
                .parse::<Authority>()
                .map_err(|e| EndpointError(format!("invalid host prefix {host_prefix:?}: {e}")))?
        };
        Uri::builder()
            .scheme(self.scheme.clone())
            .authority(authority)
            .path_and_query(format!("{}{path_and_query}", self.path))
            .build()
            .map_err(|e| EndpointError(format!("cannot build the request URI: {e}")))
    }
}

impl std::str::FromStr for Endpoint {
    type Err = EndpointError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

/// An endpoint that cannot be used, or a host label that is not a valid part of a host name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointError(String);

impl EndpointError {
    /// An error with this message.
    pub fn new(message: impl Into<String>) -> Self {
        Self(message.into())
    }

    /// The message (for an error rule of an endpoint rule set, exactly the rule's).
    pub fn message(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for EndpointError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for EndpointError {}

/// Checks the value of the input member `member` (which has `smithy.api#hostLabel`) before it
/// becomes part of the host: one or more dot-separated labels of 1 to 63 ASCII letters, digits
/// and hyphens, none starting or ending with a hyphen. An unset member is an error too.
pub fn host_label<'v>(member: &str, value: Option<&'v str>) -> Result<&'v str, EndpointError> {
    let Some(value) = value else {
        return Err(EndpointError(format!(
            "{member} is not set, and the host name needs it"
        )));
    };
    let valid_label = |l: &str| {
        (1..=63).contains(&l.len())
            && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            && !l.starts_with('-')
            && !l.ends_with('-')
    };
    if value.split('.').all(valid_label) {
        Ok(value)
    } else {
        Err(EndpointError(format!(
            "{member} = {value:?} cannot be part of a host name (letters, digits, hyphens and dots only)"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_prefix_host_and_paths() {
        let e = Endpoint::parse("https://example.com").expect("valid");
        assert_eq!(e.host(), "example.com");
        assert_eq!(
            e.uri("", "/").expect("uri").to_string(),
            "https://example.com/"
        );
        assert_eq!(
            e.uri("foo.bar.", "/").expect("uri").to_string(),
            "https://foo.bar.example.com/"
        );
        let e = Endpoint::parse("http://localhost:8080/custom/").expect("valid");
        assert_eq!(
            e.uri("a.", "/?x=1").expect("uri").to_string(),
            "http://a.localhost:8080/custom/?x=1"
        );
    }

    #[test]
    fn rejects_unusable_endpoints() {
        for bad in [
            "example.com",
            "/path",
            "ftp://example.com",
            "https://example.com/?q=1",
            "https://user@example.com",
            "https://example.com/#f",
            "",
        ] {
            assert!(Endpoint::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn host_labels() {
        for good in ["bar", "a-b", "a.b", "0", "x".repeat(63).as_str()] {
            assert_eq!(host_label("m", Some(good)), Ok(good));
        }
        for bad in [
            "",
            "-a",
            "a-",
            "a..b",
            "a/b",
            "a b",
            "é",
            "x".repeat(64).as_str(),
        ] {
            let e = host_label("Label", Some(bad)).expect_err(bad);
            assert!(e.to_string().starts_with("Label = "), "{e}");
        }
        assert!(host_label("Label", None).is_err());
    }
}
