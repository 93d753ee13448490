//! awsQuery error responses.
//!
//! A failed call answers with `<ErrorResponse><Error><Type/><Code/><Message/>…</Error>
//! <RequestId/></ErrorResponse>` (or the older `<Response><Errors><Error>…</Error></Errors>
//! <RequestID/></Response>`). [`parse_error_response`] extracts the common fields into
//! [`ErrorMeta`]; the generated code then matches on the code and, for modelled errors, reads
//! the extra members with [`RawError::modeled`]. A body that cannot be understood at all
//! becomes a [`ResponseError`].
//!
//! The generated error types are thin: each modelled error structure implements
//! [`ModeledError`] (its code, name and metadata), each error enum implements [`ErrorEnum`]
//! (how to make its `Unhandled` and `Unparseable` variants, and which kind of error a value
//! is), and [`parse_response`] / [`parse_error`] do the rest for every operation.

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

    /// Reads the modelled error `T`: its members from the `<Error>` element, then the
    /// metadata, and its `message` member from the envelope's `<Message>` when the body had
    /// no element for that member (awsQuery sends `<Message>`, models name the member
    /// `message`).
    pub fn modeled<T: ModeledError>(&self) -> Result<T, ResponseError> {
        let mut e: T = self.deserialize()?;
        self.fill_message(e.message_mut());
        e.set_meta(self.meta.clone());
        Ok(e)
    }

    /// Sets a modelled `message` member that the body left unset to the envelope's message.
    fn fill_message(&self, message: Option<&mut Option<String>>) {
        if let Some(message @ None) = message {
            message.clone_from(&self.meta.message);
        }
    }

    fn read_error_element<T: XmlDeserialize>(&self) -> Result<T, XmlError> {
        let mut error = None;
        self.walk_body(&mut |r| r.once(&mut error, T::deserialize))?;
        error.ok_or_else(|| XmlError::new(self.form.error_path(), "missing <Error> element"))
    }

    /// Reads the body again and calls `error` inside its `<Error>` element (the one
    /// [`walk`] picks). Not generic, so it is compiled once rather than per error type.
    fn walk_body(
        &self,
        error: &mut dyn FnMut(&mut XmlReader<'a>) -> Result<(), XmlError>,
    ) -> Result<(), XmlError> {
        let mut r = XmlReader::new(self.body);
        r.root()?;
        walk(&mut r, self.form, error, &mut |r| r.skip())
    }
}

impl Form {
    /// The path of the error element in this form.
    fn error_path(self) -> &'static str {
        match self {
            Form::ErrorResponse => "/ErrorResponse/Error",
            Form::Response => "/Response/Errors/Error",
        }
    }
}

/// The one rule both readers of an error body follow, so they always agree on which
/// `<Error>` is the error: the root's children in order; in the `ErrorResponse` form its
/// `<Error>` child (a second one is an error), in the `Response` form the first `<Error>`
/// of any `<Errors>` child (a list: later ones are not read). `request_id` reads each
/// `RequestId` / `RequestID` child of the root; everything else is skipped. Consumes the
/// root through its end tag.
///
/// The two readers are trait objects: `walk` is compiled once, not once for each modelled
/// error type of a generated crate.
fn walk<'a>(
    r: &mut XmlReader<'a>,
    form: Form,
    error: &mut dyn FnMut(&mut XmlReader<'a>) -> Result<(), XmlError>,
    request_id: &mut dyn FnMut(&mut XmlReader<'a>) -> Result<(), XmlError>,
) -> Result<(), XmlError> {
    let mut found = false;
    while let Some(child) = r.next_child()? {
        match (form, child.local_name()) {
            (Form::ErrorResponse, b"Error") => {
                if found {
                    return Err(r.duplicate());
                }
                error(r)?;
                found = true;
            }
            (Form::Response, b"Errors") => {
                while let Some(item) = r.next_child()? {
                    if !found && item.local_name() == b"Error" {
                        error(r)?;
                        found = true;
                    } else {
                        r.skip()?;
                    }
                }
            }
            (_, b"RequestId" | b"RequestID") => request_id(r)?,
            _ => r.skip()?,
        }
    }
    Ok(())
}

/// Parses an awsQuery error body: `<ErrorResponse><Error><Type/><Code/><Message/>…</Error>
/// <RequestId/></ErrorResponse>`, or `<Response><Errors><Error>…</Error></Errors><RequestID/>
/// </Response>`. Element order is free and unknown elements are skipped. In the second form
/// `<Errors>` is a list and its first `<Error>` is the error; otherwise each element may appear
/// once (see the [`xml`](super::xml) module). A missing `<Code>`, another root, broken XML or
/// a non-XML body gives a [`ResponseError`].
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
            let other = super::xml::name_excerpt(other);
            let message = format!("expected the root element <ErrorResponse>, found <{other}>");
            return Err(r.error(message));
        }
    };
    let mut meta = ErrorMeta {
        status,
        ..ErrorMeta::default()
    };
    let mut fields = None;
    let mut request_id = None;
    walk(
        &mut r,
        form,
        &mut |r| r.once(&mut fields, read_error_fields),
        &mut |r| r.once(&mut request_id, |r| r.read()),
    )?;
    r.finish()?;
    let error_path = form.error_path();
    let Some(fields) = fields else {
        return Err(XmlError::new(error_path, "missing <Error> element"));
    };
    meta.request_id = request_id;
    meta.code = fields.code.unwrap_or_default();
    meta.message = fields.message.or(fields.lowercase_message);
    meta.error_type = fields.error_type;
    if meta.code.is_empty() {
        return Err(XmlError::new(
            format!("{error_path}/Code"),
            "missing error code",
        ));
    }
    Ok((meta, form))
}

/// `Code`, `Message` and `Type` of an `<Error>` element.
#[derive(Default)]
struct Fields {
    code: Option<String>,
    message: Option<String>,
    lowercase_message: Option<String>,
    error_type: Option<String>,
}

fn read_error_fields(r: &mut XmlReader<'_>) -> Result<Fields, XmlError> {
    let mut f = Fields::default();
    while let Some(child) = r.next_child()? {
        match child.local_name() {
            b"Code" => r.once(&mut f.code, |r| Ok(r.text()?.trim().to_owned()))?,
            b"Message" => r.once(&mut f.message, |r| r.read())?,
            // Some services spell it in lowercase; `Message` wins when both are present.
            b"message" => r.once(&mut f.lowercase_message, |r| r.read())?,
            b"Type" => r.once(&mut f.error_type, |r| Ok(r.text()?.trim().to_owned()))?,
            _ => r.skip()?,
        }
    }
    Ok(f)
}

/// A modelled error structure: its members are read from the `<Error>` element, and it keeps
/// the response's [`ErrorMeta`].
pub trait ModeledError: XmlDeserialize + std::error::Error + 'static {
    /// The code the service sends for this error.
    const CODE: &'static str;
    /// The shape name, which [`fmt_modeled`] shows for a value without metadata.
    const NAME: &'static str;
    /// The error response's metadata (empty for a value built by hand).
    fn meta(&self) -> &ErrorMeta;
    /// Replaces the metadata.
    fn set_meta(&mut self, meta: ErrorMeta);
    /// The modelled `message` member, if the error has one that is not read from `<Message>`
    /// itself: [`RawError::modeled`] fills it from the envelope's message when it is unset.
    fn message_mut(&mut self) -> Option<&mut Option<String>> {
        None
    }
}

/// The `Display` of a modelled error: its metadata (`{code}: {message} (request id: …)`), or
/// its shape name when it has no code (a value built by hand).
pub fn fmt_modeled<T: ModeledError>(e: &T, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    let meta = e.meta();
    if meta.code.is_empty() {
        f.write_str(T::NAME)
    } else {
        fmt::Display::fmt(meta, f)
    }
}

/// Which kind of error a value of an [`ErrorEnum`] is, borrowed from it.
#[derive(Debug, Clone, Copy)]
pub enum ErrorVariant<'a> {
    /// A modelled error structure, and its metadata.
    Modeled(&'a (dyn std::error::Error + 'static), &'a ErrorMeta),
    /// An error code the enum does not model.
    Unhandled(&'a ErrorMeta),
    /// A response that could not be parsed.
    Unparseable(&'a ResponseError),
}

impl<'a> ErrorVariant<'a> {
    /// The variant of a modelled error.
    pub fn modeled<T: ModeledError>(e: &'a T) -> Self {
        Self::Modeled(e, e.meta())
    }

    /// The error response's metadata, unless the response could not be parsed.
    pub fn meta(self) -> Option<&'a ErrorMeta> {
        match self {
            Self::Modeled(_, meta) | Self::Unhandled(meta) => Some(meta),
            Self::Unparseable(_) => None,
        }
    }

    /// The error code the service sent, unless the response could not be parsed.
    pub fn code(self) -> Option<&'a str> {
        self.meta().map(|m| m.code.as_str())
    }

    /// The error message the service sent, if any.
    pub fn message(self) -> Option<&'a str> {
        self.meta().and_then(|m| m.message.as_deref())
    }

    /// The request id the service sent, if any.
    pub fn request_id(self) -> Option<&'a str> {
        self.meta().and_then(|m| m.request_id.as_deref())
    }

    /// The `std::error::Error::source` of the enum: the parse failure of an unparseable
    /// response (a modelled or unhandled error is itself the cause).
    pub fn source(self) -> Option<&'a (dyn std::error::Error + 'static)> {
        match self {
            Self::Unparseable(e) => Some(e),
            Self::Modeled(..) | Self::Unhandled(_) => None,
        }
    }
}

impl fmt::Display for ErrorVariant<'_> {
    /// The modelled error's `Display`, the unhandled error's metadata, or the parse failure.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Modeled(e, _) => fmt::Display::fmt(e, f),
            Self::Unhandled(meta) => fmt::Display::fmt(meta, f),
            Self::Unparseable(e) => fmt::Display::fmt(e, f),
        }
    }
}

/// An error enum (an operation's, or the crate-wide `Error`): a variant per modelled error,
/// plus `Unhandled` and `Unparseable`.
pub trait ErrorEnum: Sized {
    /// The `Unhandled` variant: a code the enum does not model.
    fn unhandled(meta: ErrorMeta) -> Self;
    /// The `Unparseable` variant.
    fn unparseable(error: ResponseError) -> Self;
    /// Which kind of error `self` is.
    fn variant(&self) -> ErrorVariant<'_>;
    /// The parse failure, if `self` is the `Unparseable` variant; otherwise `self`.
    fn into_unparseable(self) -> Result<ResponseError, Self>;
}

/// Reads the modelled errors of one operation: the variant for the code of `raw`, `None` for
/// a code the operation does not model, or the failure to read the modelled error's members.
pub type ModeledErrors<E> = fn(&RawError<'_>) -> Result<Option<E>, ResponseError>;

/// Parses an error body into `E`: `modeled` gives the modelled error for the code, a code it
/// does not know becomes `E::unhandled`, and a body that is not an error response (or whose
/// modelled members cannot be read) becomes `E::unparseable`.
pub fn parse_error<E: ErrorEnum>(status: u16, body: &[u8], modeled: ModeledErrors<E>) -> E {
    let raw = match parse_error_response(status, body) {
        Ok(raw) => raw,
        Err(e) => return E::unparseable(e),
    };
    match modeled(&raw) {
        Ok(Some(e)) => e,
        Ok(None) => E::unhandled(raw.into_meta()),
        Err(e) => E::unparseable(e),
    }
}

/// Parses a response: a 2xx body with `output`, anything else with [`parse_error`]. A 2xx
/// body `output` cannot read becomes `E::unparseable`.
pub fn parse_response<T, E: ErrorEnum>(
    status: u16,
    body: &[u8],
    modeled: ModeledErrors<E>,
    output: impl FnOnce(&[u8]) -> Result<T, XmlError>,
) -> Result<T, E> {
    if !(200..300).contains(&status) {
        return Err(parse_error(status, body, modeled));
    }
    output(body).map_err(|e| E::unparseable(ResponseError::new(status, body, e)))
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
    fn both_readers_find_the_same_error() {
        // An empty <Errors> before the one holding the error: the envelope reader and the
        // member reader follow one rule, so the modelled members are read.
        let body = "<Response><Errors></Errors><Errors><Error><Code>SnapshotNotFoundFault</Code>\
                    <SnapshotName>s</SnapshotName></Error><Error><Code>Other</Code></Error></Errors>\
                    <RequestID>r-1</RequestID></Response>";
        let raw = parse_error_response(404, body.as_bytes()).unwrap();
        assert_eq!(raw.code(), "SnapshotNotFoundFault");
        assert_eq!(raw.meta().request_id.as_deref(), Some("r-1"));
        let e = raw.deserialize::<SnapshotNotFound>().unwrap();
        assert_eq!(e.snapshot_name.as_deref(), Some("s"));
        // In the ErrorResponse form <Error> may appear once.
        let body = "<ErrorResponse><Error><Code>A</Code></Error><Error><Code>B</Code></Error></ErrorResponse>";
        let e = parse_error_response(400, body.as_bytes()).unwrap_err();
        assert_eq!(e.xml_error().path(), "/ErrorResponse/Error");
        let body = "<ErrorResponse><Error><Code>A</Code><Code>B</Code></Error></ErrorResponse>";
        let e = parse_error_response(400, body.as_bytes()).unwrap_err();
        assert_eq!(e.xml_error().path(), "/ErrorResponse/Error/Code");
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

    /// A modelled error as the generator writes one: members, `meta`, and a `message` member
    /// read from `<message>` (so filled from `<Message>`).
    #[derive(Debug, Default, PartialEq)]
    struct NotFound {
        message: Option<String>,
        snapshot_name: Option<String>,
        meta: Box<ErrorMeta>,
    }

    impl XmlDeserialize for NotFound {
        fn deserialize(r: &mut XmlReader<'_>) -> Result<Self, XmlError> {
            let mut out = Self::default();
            while let Some(child) = r.next_child()? {
                match child.local_name() {
                    b"message" => out.message = Some(r.read()?),
                    b"SnapshotName" => out.snapshot_name = Some(r.read()?),
                    _ => r.skip()?,
                }
            }
            Ok(out)
        }
    }

    impl ModeledError for NotFound {
        const CODE: &'static str = "SnapshotNotFoundFault";
        const NAME: &'static str = "NotFound";
        fn meta(&self) -> &ErrorMeta {
            &self.meta
        }
        fn set_meta(&mut self, meta: ErrorMeta) {
            *self.meta = meta;
        }
        fn message_mut(&mut self) -> Option<&mut Option<String>> {
            Some(&mut self.message)
        }
    }

    impl fmt::Display for NotFound {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            fmt_modeled(self, f)
        }
    }

    impl std::error::Error for NotFound {}

    /// An error without a `message` member.
    #[derive(Debug, Default)]
    struct Bare {
        meta: Box<ErrorMeta>,
    }

    impl XmlDeserialize for Bare {
        fn deserialize(r: &mut XmlReader<'_>) -> Result<Self, XmlError> {
            while r.next_child()?.is_some() {
                r.skip()?;
            }
            Ok(Self::default())
        }
    }

    impl ModeledError for Bare {
        const CODE: &'static str = "Bare";
        const NAME: &'static str = "BareFault";
        fn meta(&self) -> &ErrorMeta {
            &self.meta
        }
        fn set_meta(&mut self, meta: ErrorMeta) {
            *self.meta = meta;
        }
    }

    impl fmt::Display for Bare {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            fmt_modeled(self, f)
        }
    }

    impl std::error::Error for Bare {}

    #[derive(Debug)]
    enum OpError {
        NotFound(NotFound),
        Bare(Bare),
        Unhandled(ErrorMeta),
        Unparseable(ResponseError),
    }

    impl ErrorEnum for OpError {
        fn unhandled(meta: ErrorMeta) -> Self {
            Self::Unhandled(meta)
        }
        fn unparseable(error: ResponseError) -> Self {
            Self::Unparseable(error)
        }
        fn variant(&self) -> ErrorVariant<'_> {
            match self {
                Self::NotFound(e) => ErrorVariant::modeled(e),
                Self::Bare(e) => ErrorVariant::modeled(e),
                Self::Unhandled(meta) => ErrorVariant::Unhandled(meta),
                Self::Unparseable(e) => ErrorVariant::Unparseable(e),
            }
        }
        fn into_unparseable(self) -> Result<ResponseError, Self> {
            match self {
                Self::Unparseable(e) => Ok(e),
                other => Err(other),
            }
        }
    }

    fn op_modeled(raw: &RawError<'_>) -> Result<Option<OpError>, ResponseError> {
        Ok(Some(match raw.code() {
            NotFound::CODE => OpError::NotFound(raw.modeled()?),
            "Bare" => OpError::Bare(raw.modeled()?),
            _ => return Ok(None),
        }))
    }

    #[test]
    fn modeled_errors_keep_meta_and_fill_message() {
        let raw = parse_error_response(404, ERROR.as_bytes()).unwrap();
        let e: NotFound = raw.modeled().unwrap();
        assert_eq!(e.snapshot_name.as_deref(), Some("my-snap"));
        // The body has `<Message>`, the member is read from `<message>`: filled from the meta.
        assert_eq!(e.message.as_deref(), Some("Snapshot my-snap not found."));
        assert_eq!(&*e.meta, raw.meta());
        assert_eq!(
            e.to_string(),
            "SnapshotNotFoundFault: Snapshot my-snap not found. (request id: f2c6d4a0-1234, HTTP 404)"
        );
        // A member of its own wins over the envelope's message.
        let body =
            "<ErrorResponse><Error><Code>SnapshotNotFoundFault</Code><message>member</message>\
                    <Message>envelope</Message></Error></ErrorResponse>";
        let raw = parse_error_response(400, body.as_bytes()).unwrap();
        let e: NotFound = raw.modeled().unwrap();
        assert_eq!(e.message.as_deref(), Some("member"));
        assert_eq!(e.meta.message.as_deref(), Some("envelope"));
        // Without any message both stay unset.
        let body =
            "<ErrorResponse><Error><Code>SnapshotNotFoundFault</Code></Error></ErrorResponse>";
        let e: NotFound = parse_error_response(400, body.as_bytes())
            .unwrap()
            .modeled()
            .unwrap();
        assert_eq!(e.message, None);
        // Built by hand: no code, so `Display` shows the shape name.
        assert_eq!(NotFound::default().to_string(), "NotFound");
        assert_eq!(Bare::default().to_string(), "BareFault");
    }

    #[test]
    fn parse_error_dispatches_on_the_code() {
        match parse_error::<OpError>(404, ERROR.as_bytes(), op_modeled) {
            OpError::NotFound(e) => assert_eq!(e.snapshot_name.as_deref(), Some("my-snap")),
            other => panic!("{other:?}"),
        }
        let body =
            b"<ErrorResponse><Error><Code>Bare</Code><Message>m</Message></Error></ErrorResponse>";
        let e = parse_error::<OpError>(400, body, op_modeled);
        assert!(matches!(e, OpError::Bare(_)));
        let variant = e.variant();
        assert_eq!(variant.meta().map(|m| m.code.as_str()), Some("Bare"));
        assert_eq!(variant.meta().and_then(|m| m.message.as_deref()), Some("m"));
        assert_eq!(variant.to_string(), "Bare: m (HTTP 400)");
        assert!(variant.source().is_none());

        let body = b"<ErrorResponse><Error><Code>Other</Code></Error><RequestId>r</RequestId></ErrorResponse>";
        let e = parse_error::<OpError>(500, body, op_modeled);
        let OpError::Unhandled(meta) = &e else {
            panic!("{e:?}")
        };
        assert_eq!(meta.request_id.as_deref(), Some("r"));
        assert_eq!(e.variant().to_string(), "Other (request id: r, HTTP 500)");
        assert!(e.variant().source().is_none());

        // Not an error response, or a modelled member that does not parse: unparseable.
        let e = parse_error::<OpError>(503, b"<html/>", op_modeled);
        assert!(matches!(e, OpError::Unparseable(_)));
        assert!(e.variant().meta().is_none());
        assert!(e.variant().source().unwrap().is::<ResponseError>());
        assert!(e
            .variant()
            .to_string()
            .starts_with("could not parse the HTTP 503 response"));
        let body = b"<ErrorResponse><Error><Code>SnapshotNotFoundFault</Code><SnapshotName><x/></SnapshotName></Error></ErrorResponse>";
        let OpError::Unparseable(e) = parse_error::<OpError>(400, body, op_modeled) else {
            panic!("expected unparseable")
        };
        assert_eq!(e.xml_error().path(), "/ErrorResponse/Error/SnapshotName");
        // An operation without modelled errors.
        let e = parse_error::<OpError>(404, ERROR.as_bytes(), |_| Ok(None));
        assert!(matches!(e, OpError::Unhandled(_)));
    }

    #[test]
    fn parse_response_splits_on_the_status() {
        let ok = |body: &[u8]| -> Result<usize, XmlError> {
            if body.starts_with(b"<ok") {
                Ok(body.len())
            } else {
                Err(XmlError::new("/", "not ok"))
            }
        };
        assert_eq!(
            parse_response::<_, OpError>(200, b"<ok/>", op_modeled, ok).unwrap(),
            5
        );
        assert_eq!(
            parse_response::<_, OpError>(299, b"<ok/>", op_modeled, ok).unwrap(),
            5
        );
        let e = parse_response::<_, OpError>(200, b"<no/>", op_modeled, ok).unwrap_err();
        let OpError::Unparseable(e) = e else {
            panic!("{e:?}")
        };
        assert_eq!((e.status(), e.body_start()), (200, "<no/>"));
        let e = parse_response::<_, OpError>(404, ERROR.as_bytes(), op_modeled, ok).unwrap_err();
        assert!(matches!(e, OpError::NotFound(_)));
        let e = parse_response::<_, OpError>(199, b"<ok/>", op_modeled, ok).unwrap_err();
        assert!(matches!(e, OpError::Unparseable(_)));
    }

    #[test]
    fn excerpts() {
        assert_eq!(excerpt("a\"b"), "\"a\\\"b\"");
        let long = "é".repeat(100);
        assert_eq!(excerpt(&long), format!("{:?}…", "é".repeat(64)));
        assert_eq!(excerpt(&"x".repeat(64)), format!("{:?}", "x".repeat(64)));
    }
}
