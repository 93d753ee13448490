//! awsQuery error responses.
//!
//! A failed call answers with `<ErrorResponse><Error><Type/><Code/><Message/>…</Error>
//! <RequestId/></ErrorResponse>` (or the older `<Response><Errors><Error>…</Error></Errors>
//! <RequestID/></Response>`). [`parse_error_response`] extracts the common fields into
//! [`ErrorMeta`]; the generated code then matches on the code and, for modelled errors, reads
//! the extra members with [`RawError::deserialize`]. A body that cannot be understood at all
//! becomes a [`ResponseError`].

use super::xml::{XmlDeserialize, XmlError, XmlReader};
use std::fmt;

/// What an awsQuery error response said.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ErrorMeta {
    /// The error code, e.g. `CacheClusterNotFound`.
    pub code: String,
    /// The human-readable message, if any.
    pub message: Option<String>,
    /// `Sender` or `Receiver`, if given.
    pub error_type: Option<String>,
    /// The request id, if given.
    pub request_id: Option<String>,
    /// The HTTP status code.
    pub status: u16,
}

impl fmt::Display for ErrorMeta {
    /// `{code}: {message} (request id: {id}, HTTP {status})`, leaving out absent parts.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.code.is_empty() {
            "unknown error"
        } else {
            &self.code
        })?;
        if let Some(message) = &self.message {
            write!(f, ": {message}")?;
        }
        match (&self.request_id, self.status) {
            (Some(id), 0) => write!(f, " (request id: {id})"),
            (Some(id), status) => write!(f, " (request id: {id}, HTTP {status})"),
            (None, 0) => Ok(()),
            (None, status) => write!(f, " (HTTP {status})"),
        }
    }
}

impl std::error::Error for ErrorMeta {}

/// A response that could not be understood.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseError {
    status: u16,
    body_start: String,
    source: XmlError,
}

/// How much of an unparseable body [`ResponseError`] keeps.
const BODY_START_LEN: usize = 256;

impl ResponseError {
    /// Records the status, the first 256 bytes of `body` (lossy UTF-8, never cutting a
    /// character in half) and the parse error.
    pub fn new(status: u16, body: &[u8], source: XmlError) -> Self {
        let mut end = body.len().min(BODY_START_LEN);
        // Back up over UTF-8 continuation bytes so the cut falls between characters.
        let mut steps = 0;
        while end < body.len() && steps < 3 && body.get(end).is_some_and(|b| b & 0xC0 == 0x80) {
            end -= 1;
            steps += 1;
        }
        let start = body.get(..end).unwrap_or_default();
        Self {
            status,
            body_start: String::from_utf8_lossy(start).into_owned(),
            source,
        }
    }

    /// The HTTP status code.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The beginning of the body, for diagnostics.
    pub fn body_start(&self) -> &str {
        &self.body_start
    }

    /// Why the body could not be parsed.
    pub fn xml_error(&self) -> &XmlError {
        &self.source
    }
}

impl fmt::Display for ResponseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "could not parse the HTTP {} response: {}; body starts with {:?}",
            self.status, self.source, self.body_start
        )
    }
}

impl std::error::Error for ResponseError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

/// Which of the two error documents a body is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Form {
    /// `<ErrorResponse><Error>…`
    ErrorResponse,
    /// `<Response><Errors><Error>…`
    Response,
}

/// A parsed error response: its metadata, plus the body so that the `<Error>` element can be
/// read again for the members of a modelled error.
#[derive(Clone)]
pub struct RawError<'a> {
    meta: ErrorMeta,
    form: Form,
    body: &'a [u8],
}

impl fmt::Debug for RawError<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RawError")
            .field("meta", &self.meta)
            .field("body_len", &self.body.len())
            .finish()
    }
}

impl<'a> RawError<'a> {
    /// The error code.
    pub fn code(&self) -> &str {
        &self.meta.code
    }

    /// All the metadata.
    pub fn meta(&self) -> &ErrorMeta {
        &self.meta
    }

    /// Takes the metadata.
    pub fn into_meta(self) -> ErrorMeta {
        self.meta
    }

    /// Deserializes `T` from the children of the `<Error>` element (`T` skips the ones it does
    /// not know, including `Code`, `Type` and `Message` if it does not model them). Errors
    /// name the full path, e.g. `/ErrorResponse/Error/Member`.
    pub fn deserialize<T: XmlDeserialize>(&self) -> Result<T, ResponseError> {
        self.read_error_element()
            .map_err(|e| ResponseError::new(self.meta.status, self.body, e))
    }

    fn read_error_element<T: XmlDeserialize>(&self) -> Result<T, XmlError> {
        let mut r = XmlReader::new(self.body);
        r.root()?;
        if self.form == Form::Response {
            enter_child(&mut r, b"Errors")?;
        }
        enter_child(&mut r, b"Error")?;
        T::deserialize(&mut r)
    }
}

/// Moves into the first child named `name` of the current element.
fn enter_child(r: &mut XmlReader<'_>, name: &[u8]) -> Result<(), XmlError> {
    while let Some(child) = r.next_child()? {
        if child.local_name() == name {
            return Ok(());
        }
        r.skip()?;
    }
    let name = String::from_utf8_lossy(name);
    Err(r.error(format!("missing <{name}> element")))
}

/// Parses an awsQuery error body: `<ErrorResponse><Error><Type/><Code/><Message/>…</Error>
/// <RequestId/></ErrorResponse>`, or `<Response><Errors><Error>…</Error></Errors><RequestID/>
/// </Response>`. Element order is free and unknown elements are skipped; when several
/// `<Error>` elements are present the first is used. A missing `<Code>`, another root, broken
/// XML or a non-XML body gives a [`ResponseError`].
pub fn parse_error_response(status: u16, body: &[u8]) -> Result<RawError<'_>, ResponseError> {
    match parse_meta(status, body) {
        Ok((meta, form)) => Ok(RawError { meta, form, body }),
        Err(e) => Err(ResponseError::new(status, body, e)),
    }
}

fn parse_meta(status: u16, body: &[u8]) -> Result<(ErrorMeta, Form), XmlError> {
    let mut r = XmlReader::new(body);
    let form = match r.root()?.local_name() {
        b"ErrorResponse" => Form::ErrorResponse,
        b"Response" => Form::Response,
        other => {
            let other = String::from_utf8_lossy(other).into_owned();
            let message = format!("expected the root element <ErrorResponse>, found <{other}>");
            return Err(r.error(message));
        }
    };
    let mut meta = ErrorMeta {
        status,
        ..ErrorMeta::default()
    };
    let mut found = false;
    while let Some(child) = r.next_child()? {
        match (form, child.local_name()) {
            (Form::ErrorResponse, b"Error") if !found => {
                read_error_fields(&mut r, &mut meta)?;
                found = true;
            }
            (Form::Response, b"Errors") => {
                while let Some(error) = r.next_child()? {
                    if !found && error.local_name() == b"Error" {
                        read_error_fields(&mut r, &mut meta)?;
                        found = true;
                    } else {
                        r.skip()?;
                    }
                }
            }
            (_, b"RequestId" | b"RequestID") => meta.request_id = Some(r.read()?),
            _ => r.skip()?,
        }
    }
    r.finish()?;
    let error_path = match form {
        Form::ErrorResponse => "/ErrorResponse/Error",
        Form::Response => "/Response/Errors/Error",
    };
    if !found {
        return Err(XmlError::new(error_path, "missing <Error> element"));
    }
    if meta.code.is_empty() {
        return Err(XmlError::new(
            format!("{error_path}/Code"),
            "missing error code",
        ));
    }
    Ok((meta, form))
}

fn read_error_fields(r: &mut XmlReader<'_>, meta: &mut ErrorMeta) -> Result<(), XmlError> {
    while let Some(child) = r.next_child()? {
        match child.local_name() {
            b"Code" => meta.code = r.text()?.trim().to_owned(),
            b"Message" | b"message" => meta.message = Some(r.read()?),
            b"Type" => meta.error_type = Some(r.text()?.trim().to_owned()),
            _ => r.skip()?,
        }
    }
    Ok(())
}

/// `s` quoted for an error message, cut to 64 characters (plus `…`) so that a huge value does
/// not make a huge message.
pub(crate) fn excerpt(s: &str) -> String {
    const MAX: usize = 64;
    match s.char_indices().nth(MAX) {
        None => format!("{s:?}"),
        Some((cut, _)) => format!("{:?}…", s.get(..cut).unwrap_or_default()),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    const ERROR: &str = r#"<ErrorResponse xmlns="http://elasticache.amazonaws.com/doc/2015-02-02/">
  <Error>
    <Type>Sender</Type>
    <Code>SnapshotNotFoundFault</Code>
    <Message>Snapshot my-snap not found.</Message>
    <SnapshotName>my-snap</SnapshotName>
  </Error>
  <RequestId>f2c6d4a0-1234</RequestId>
</ErrorResponse>"#;

    #[derive(Debug, PartialEq)]
    struct SnapshotNotFound {
        message: Option<String>,
        snapshot_name: Option<String>,
    }

    impl XmlDeserialize for SnapshotNotFound {
        fn deserialize(r: &mut XmlReader<'_>) -> Result<Self, XmlError> {
            let (mut message, mut snapshot_name) = (None, None);
            while let Some(child) = r.next_child()? {
                match child.local_name() {
                    b"Message" => message = Some(r.read()?),
                    b"SnapshotName" => snapshot_name = Some(r.read()?),
                    _ => r.skip()?,
                }
            }
            Ok(Self {
                message,
                snapshot_name,
            })
        }
    }

    #[derive(Debug)]
    struct WithPort {
        _port: Option<u16>,
    }

    impl XmlDeserialize for WithPort {
        fn deserialize(r: &mut XmlReader<'_>) -> Result<Self, XmlError> {
            let mut port = None;
            while let Some(child) = r.next_child()? {
                match child.local_name() {
                    b"Port" => port = Some(r.read()?),
                    _ => r.skip()?,
                }
            }
            Ok(Self { _port: port })
        }
    }

    #[test]
    fn parses_error_response() {
        let raw = parse_error_response(404, ERROR.as_bytes()).unwrap();
        assert_eq!(raw.code(), "SnapshotNotFoundFault");
        let expected = ErrorMeta {
            code: "SnapshotNotFoundFault".to_owned(),
            message: Some("Snapshot my-snap not found.".to_owned()),
            error_type: Some("Sender".to_owned()),
            request_id: Some("f2c6d4a0-1234".to_owned()),
            status: 404,
        };
        assert_eq!(raw.meta(), &expected);
        assert_eq!(
            raw.deserialize::<SnapshotNotFound>().unwrap(),
            SnapshotNotFound {
                message: Some("Snapshot my-snap not found.".to_owned()),
                snapshot_name: Some("my-snap".to_owned()),
            }
        );
        assert_eq!(raw.into_meta(), expected);
    }

    #[test]
    fn parses_response_errors_form() {
        let body = "<Response><Errors><Error><Code>Throttling</Code><Message>Rate exceeded</Message>\
                    <SnapshotName>s</SnapshotName></Error></Errors><RequestID>r-1</RequestID></Response>";
        let raw = parse_error_response(400, body.as_bytes()).unwrap();
        assert_eq!(raw.code(), "Throttling");
        assert_eq!(raw.meta().message.as_deref(), Some("Rate exceeded"));
        assert_eq!(raw.meta().request_id.as_deref(), Some("r-1"));
        assert_eq!(raw.meta().error_type, None);
        let modelled = raw.deserialize::<SnapshotNotFound>().unwrap();
        assert_eq!(modelled.snapshot_name.as_deref(), Some("s"));
    }

    #[test]
    fn element_order_is_free() {
        let body = "<ErrorResponse><RequestId>id</RequestId><Extra><x/></Extra>\
                    <Error><Message>m</Message><Unknown/><Code>\n  C  \n</Code></Error></ErrorResponse>";
        let raw = parse_error_response(500, body.as_bytes()).unwrap();
        assert_eq!(raw.code(), "C");
        assert_eq!(raw.meta().request_id.as_deref(), Some("id"));
        assert_eq!(raw.meta().to_string(), "C: m (request id: id, HTTP 500)");
    }

    #[test]
    fn deserialize_errors_name_the_path() {
        let body = "<ErrorResponse><Error><Code>C</Code><Port>x</Port></Error></ErrorResponse>";
        let raw = parse_error_response(400, body.as_bytes()).unwrap();
        let e = raw.deserialize::<WithPort>().unwrap_err();
        assert_eq!(e.status(), 400);
        assert_eq!(e.xml_error().path(), "/ErrorResponse/Error/Port");
    }

    #[test]
    fn missing_code() {
        let e = parse_error_response(
            400,
            b"<ErrorResponse><Error><Message>m</Message></Error></ErrorResponse>",
        )
        .unwrap_err();
        assert_eq!(e.xml_error().path(), "/ErrorResponse/Error/Code");
        assert_eq!(e.xml_error().message(), "missing error code");
        let e = parse_error_response(
            400,
            b"<ErrorResponse><Error><Code> </Code></Error></ErrorResponse>",
        )
        .unwrap_err();
        assert_eq!(e.xml_error().message(), "missing error code");
        let e = parse_error_response(
            400,
            b"<ErrorResponse><RequestId>1</RequestId></ErrorResponse>",
        )
        .unwrap_err();
        assert_eq!(e.xml_error().path(), "/ErrorResponse/Error");
        let e = parse_error_response(400, b"<Response><Errors/></Response>").unwrap_err();
        assert_eq!(e.xml_error().path(), "/Response/Errors/Error");
    }

    #[test]
    fn wrong_root_and_broken_bodies() {
        let e = parse_error_response(503, b"<html><body>Service Unavailable</body></html>")
            .unwrap_err();
        assert_eq!(e.status(), 503);
        assert_eq!(e.xml_error().path(), "/html");
        assert_eq!(
            e.to_string(),
            "could not parse the HTTP 503 response: at /html: expected the root element \
             <ErrorResponse>, found <html>; body starts with \"<html><body>Service Unavailable</body></html>\""
        );
        let e = parse_error_response(502, b"Bad Gateway").unwrap_err();
        assert_eq!(e.body_start(), "Bad Gateway");
        assert_eq!(e.xml_error().path(), "/");
        let e = parse_error_response(500, b"").unwrap_err();
        assert_eq!(e.body_start(), "");
        let e = parse_error_response(400, b"<ErrorResponse><Error><Code>C</Code>").unwrap_err();
        assert_eq!(e.xml_error().path(), "/ErrorResponse/Error");
        assert_eq!(e.xml_error().message(), "unexpected end of document");
        let e = parse_error_response(
            400,
            b"<ErrorResponse><Error><Code>C</Code></Error></ErrorResponse><x/>",
        );
        assert!(e.is_err());
        let e = parse_error_response(1, b"").unwrap_err();
        assert!(std::error::Error::source(&e).unwrap().is::<XmlError>());
    }

    #[test]
    fn body_start_is_cut_at_a_char_boundary() {
        let ascii = "a".repeat(300);
        let e = ResponseError::new(500, ascii.as_bytes(), XmlError::new("/", "x"));
        assert_eq!(e.body_start(), "a".repeat(256));
        // 'é' is two bytes: 255 ASCII bytes then 'é' straddles the 256-byte cut.
        let straddle = "a".repeat(255) + "éé";
        let e = ResponseError::new(500, straddle.as_bytes(), XmlError::new("/", "x"));
        assert_eq!(e.body_start(), "a".repeat(255));
        let exact = "a".repeat(254) + "é" + "zzz";
        let e = ResponseError::new(500, exact.as_bytes(), XmlError::new("/", "x"));
        assert_eq!(e.body_start(), "a".repeat(254) + "é");
        let binary = [0xffu8; 300];
        let e = ResponseError::new(500, &binary, XmlError::new("/", "x"));
        assert_eq!(e.body_start().chars().count(), 256);
        let e = ResponseError::new(500, &[0x80u8; 300], XmlError::new("/", "x"));
        assert_eq!(e.body_start().chars().count(), 253);
    }

    #[test]
    fn meta_display() {
        let mut meta = ErrorMeta {
            code: "InvalidParameterValue".to_owned(),
            message: Some("bad".to_owned()),
            error_type: None,
            request_id: Some("r1".to_owned()),
            status: 400,
        };
        assert_eq!(
            meta.to_string(),
            "InvalidParameterValue: bad (request id: r1, HTTP 400)"
        );
        meta.message = None;
        assert_eq!(
            meta.to_string(),
            "InvalidParameterValue (request id: r1, HTTP 400)"
        );
        meta.request_id = None;
        assert_eq!(meta.to_string(), "InvalidParameterValue (HTTP 400)");
        meta.status = 0;
        assert_eq!(meta.to_string(), "InvalidParameterValue");
        meta.request_id = Some("r2".to_owned());
        assert_eq!(meta.to_string(), "InvalidParameterValue (request id: r2)");
        assert_eq!(ErrorMeta::default().to_string(), "unknown error");
    }

    #[test]
    fn excerpts() {
        assert_eq!(excerpt("a\"b"), "\"a\\\"b\"");
        let long = "é".repeat(100);
        assert_eq!(excerpt(&long), format!("{:?}…", "é".repeat(64)));
        assert_eq!(excerpt(&"x".repeat(64)), format!("{:?}", "x".repeat(64)));
    }
}
