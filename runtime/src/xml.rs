//! A pull reader for awsQuery XML responses, on top of quick-xml's borrowed (zero-copy) events.
//!
//! Generated deserializers walk a document with [`XmlReader::next_child`] and read leaves with
//! [`XmlReader::read`]; everything they do not know is [`skip`](XmlReader::skip)ped. The
//! reader keeps the names of the open elements (borrowed from the document) so that every
//! [`XmlError`] names where it happened, e.g. `/CopySnapshotResponse/CopySnapshotResult/Port`.
//!
//! Security: a DOCTYPE is skipped and never expanded; only the five predefined entities and
//! character references are decoded, any other `&name;` is an error; nesting is limited to
//! [`XmlReader::MAX_DEPTH`] levels.
//!
//! What a document is allowed to be, so that a hostile or broken server cannot make a small
//! body into a large value or a large error:
//!
//! - **Encoding**: UTF-8 only. A declaration naming another encoding, a UTF-16 byte-order mark
//!   or bytes that are not UTF-8 are errors; so is a character XML 1.0 forbids (U+0000, the
//!   other C0 controls except tab, line feed and carriage return, U+FFFE, U+FFFF), raw or as a
//!   character reference.
//! - **Lists and maps** take only the children named like their items (`member`, the list's
//!   `xmlName`, or `entry`); any other child is skipped, as an unknown member is.
//! - **Expansion budget**: every list item and map entry a document creates is charged its
//!   in-memory size (`size_of` of the item). A document may create at most
//!   [`XmlReader::EXPANSION_FACTOR`] times its own length, and at least
//!   [`XmlReader::MIN_EXPANSION`] bytes, of items; past that it is an error. Real responses
//!   expand far less than their text (an item's XML is larger than the item).
//! - **Duplicates**: a structure member, a `…Result` element or a map key may appear once; a
//!   second occurrence is an error naming its path. Flattened list members and the items of
//!   lists repeat by design.
//! - **Error text**: element names, entity names and values quoted in an error are cut to
//!   64 characters, and quick-xml's own messages to 256, so an error stays small whatever
//!   the document holds.

use super::{Blob, DateTime, UnknownVariant};
use quick_xml::encoding::EncodingError;
use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::{BytesRef, BytesStart, BytesText, Event};
use quick_xml::Reader;
use std::borrow::Cow;
use std::collections::btree_map::{BTreeMap, Entry};
use std::fmt;

/// Why an XML document could not be read, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XmlError {
    path: String,
    message: String,
}

impl XmlError {
    /// An error at `path` (element names joined by `/`, starting with `/`).
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            message: message.into(),
        }
    }

    /// The path of the element where the error happened, e.g. `/OpResponse/OpResult/Port`.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// What went wrong.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for XmlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "at {}: {}", self.path, self.message)
    }
}

impl std::error::Error for XmlError {}

/// A start tag: the element's local name (any namespace prefix stripped) and its attributes.
#[derive(Debug, Clone)]
pub struct Start<'a> {
    tag: BytesStart<'a>,
    /// Where the local name starts in the qualified name: after the prefix's `:`, or 0.
    local: usize,
}

impl<'a> Start<'a> {
    fn new(tag: BytesStart<'a>) -> Self {
        // Once per element, where quick-xml's `local_name` would search again on every call.
        // Nearly every name has no prefix: find that out first, and only then look for the
        // `:` (a byte loop would mispredict where each name ends).
        let name = tag.name().into_inner();
        let local = if any_byte(name, |b| b == b':') {
            name.iter()
                .position(|&b| b == b':')
                .map_or(0, |colon| colon + 1)
        } else {
            0
        };
        Self { tag, local }
    }

    /// The local name: `Foo` for both `<Foo>` and `<a:Foo>`.
    #[inline]
    pub fn local_name(&self) -> &[u8] {
        let name = self.tag.name().into_inner();
        name.get(self.local..).unwrap_or(name)
    }

    /// The unescaped value of the attribute whose local name is `local_name`, if present.
    /// Errors (malformed attributes, unknown entities) carry the path `<element>/@<attribute>`.
    pub fn attr(&self, local_name: &str) -> Result<Option<String>, XmlError> {
        let err = |message: String| {
            let element = name_excerpt(self.local_name());
            XmlError::new(format!("{element}/@{local_name}"), bounded(message))
        };
        for attr in self.tag.attributes() {
            let attr = attr.map_err(|e| err(format!("malformed attribute: {e}")))?;
            if attr.key.local_name().as_ref() == local_name.as_bytes() {
                let value = attr
                    .decode_and_unescape_value(self.tag.decoder())
                    .map_err(|e| err(format!("invalid attribute value: {e}")))?;
                if let Some(c) = value.chars().find(|c| !is_xml_char(*c)) {
                    return Err(err(format!(
                        "character U+{:04X} is not allowed in an XML document",
                        u32::from(c)
                    )));
                }
                return Ok(Some(value.into_owned()));
            }
        }
        Ok(None)
    }
}

/// The member a union element held: one the model knows, or one it does not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UnionMember<T> {
    /// A member of the model, read.
    Known(T),
    /// An element the model has no member for, with its name.
    Unknown(UnknownVariant),
}

/// A pull reader over one XML document held in memory.
pub struct XmlReader<'a> {
    reader: Reader<&'a [u8]>,
    /// The local names of the open elements, outermost first; its length is the depth. They
    /// borrow from the document, and only become a `String` (lossy UTF-8, joined by `/`) when
    /// an error is reported.
    path: Vec<Cow<'a, [u8]>>,
    /// The innermost open element was self-closing (`<X/>`): its end is still to be consumed.
    pending_empty: bool,
    root_read: bool,
    /// Bytes of list items and map entries this document may still create.
    budget: usize,
    /// The document, after any byte order mark.
    document: &'a [u8],
    /// The document, when all of it is UTF-8 (checked once, up front): text is then sliced
    /// from it instead of each piece being checked again.
    utf8: Option<&'a str>,
}

impl fmt::Debug for XmlReader<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("XmlReader")
            .field("path", &self.error("").path)
            .field("position", &self.reader.buffer_position())
            .finish_non_exhaustive()
    }
}

impl<'a> XmlReader<'a> {
    /// The deepest element nesting accepted (the root is depth 1); deeper is an error.
    pub const MAX_DEPTH: usize = 64;

    /// How many times its own length a document may expand into list items and map entries.
    pub const EXPANSION_FACTOR: usize = 8;

    /// The expansion budget of a document shorter than `MIN_EXPANSION / EXPANSION_FACTOR`.
    pub const MIN_EXPANSION: usize = 8 << 20;

    /// A reader over `body`. Nothing is read until [`root`](Self::root).
    pub fn new(body: &'a [u8]) -> Self {
        let budget = body
            .len()
            .saturating_mul(Self::EXPANSION_FACTOR)
            .max(Self::MIN_EXPANSION);
        let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
        let utf8 = std::str::from_utf8(body).ok();
        let mut reader = Reader::from_reader(body);
        let config = reader.config_mut();
        config.trim_text(false);
        config.check_end_names = true;
        config.expand_empty_elements = false;
        Self {
            reader,
            path: Vec::with_capacity(16),
            pending_empty: false,
            root_read: false,
            budget,
            document: body,
            utf8,
        }
    }

    /// Skips the prolog (XML declaration, comments, whitespace, processing instructions, and a
    /// DOCTYPE, which is never expanded) and reads the root start tag; the reader is then
    /// inside the root. An empty body, text before the root, or malformed markup is an error.
    pub fn root(&mut self) -> Result<Start<'a>, XmlError> {
        if self.root_read {
            return Err(self.error("the root element was already read"));
        }
        let rest = self.reader.get_ref();
        if rest.starts_with(b"\xFF\xFE") || rest.starts_with(b"\xFE\xFF") {
            return Err(self.error("the document is UTF-16; only UTF-8 is accepted"));
        }
        loop {
            match self.reader.read_event() {
                Ok(Event::Start(tag)) => return self.enter_root(tag, false),
                Ok(Event::Empty(tag)) => return self.enter_root(tag, true),
                Ok(Event::Decl(decl)) => {
                    if let Some(encoding) = decl.encoding() {
                        let encoding = encoding.map_err(|e| self.malformed(&e.into()))?;
                        if !is_utf8_label(&encoding) {
                            return Err(self.error(format!(
                                "the document declares encoding {}; only UTF-8 is accepted",
                                name_excerpt(&encoding)
                            )));
                        }
                    }
                }
                Ok(Event::Comment(_) | Event::PI(_) | Event::DocType(_)) => {}
                Ok(Event::Text(text)) if is_whitespace(&text) => {}
                Ok(Event::Eof) => return Err(self.error("no root element: the document is empty")),
                Ok(Event::End(_)) => return Err(self.error("end tag before the root element")),
                Ok(_) => {
                    return Err(self.error("not an XML document: text before the root element"))
                }
                Err(e) => return Err(self.malformed(&e)),
            }
        }
    }

    /// Inside the current element: skips text, comments and processing instructions and
    /// returns the next child's start tag (the reader is then inside that child), or `None`
    /// when the current element's end tag is reached (the reader is then back in the parent).
    /// A self-closing `<X/>` child is returned like any other and reads as empty.
    #[inline]
    pub fn next_child(&mut self) -> Result<Option<Start<'a>>, XmlError> {
        let child = self.advance()?;
        if child.is_none() {
            self.leave();
        }
        Ok(child)
    }

    /// Consumes the rest of the current element, whatever it contains, through its end tag.
    pub fn skip(&mut self) -> Result<(), XmlError> {
        self.check_open()?;
        if !std::mem::take(&mut self.pending_empty) {
            let mut nested = 0usize;
            loop {
                match self.reader.read_event() {
                    Ok(Event::Start(_)) => {
                        nested += 1;
                        if self.path.len() + nested > Self::MAX_DEPTH {
                            return Err(self.too_deep());
                        }
                    }
                    Ok(Event::End(_)) if nested == 0 => break,
                    Ok(Event::End(_)) => nested -= 1,
                    Ok(Event::Eof) => return Err(self.unexpected_eof()),
                    Ok(Event::Decl(_) | Event::DocType(_)) => return Err(self.misplaced_prolog()),
                    Ok(Event::Text(t)) => self.check_chars(&t)?,
                    Ok(Event::CData(t)) => self.check_chars(&t)?,
                    Ok(_) => {}
                    Err(e) => return Err(self.malformed(&e)),
                }
            }
        }
        self.leave();
        Ok(())
    }

    /// Reads the current element's text content and consumes it through its end tag.
    /// Entities and character references are decoded, CDATA sections included and comments
    /// dropped; whitespace is kept exactly. A child element is an error. `<X/>` and `<X></X>`
    /// give `""`. Borrows from the document unless decoding was needed.
    pub fn text(&mut self) -> Result<Cow<'a, str>, XmlError> {
        let text = self.text_inside()?;
        self.leave();
        Ok(text)
    }

    /// [`text`](Self::text), then [`XmlValue::parse_xml`]; a parse failure becomes an error at
    /// this element's path.
    pub fn read<T: XmlValue>(&mut self) -> Result<T, XmlError> {
        let text = self.text_inside()?;
        let value = T::parse_xml_owned(text).map_err(|message| self.error(message));
        self.leave();
        value
    }

    /// Like [`read`](Self::read), with a custom parser for the text (timestamps in a
    /// non-default format); its error becomes an error at this element's path.
    pub fn read_with<T>(
        &mut self,
        parse: impl FnOnce(&str) -> Result<T, String>,
    ) -> Result<T, XmlError> {
        let text = self.text_inside()?;
        let value = parse(&text).map_err(|message| self.error(message));
        self.leave();
        value
    }

    /// Reads a structure from the current element's children, through its end tag.
    pub fn structure<T: XmlDeserialize>(&mut self) -> Result<T, XmlError> {
        T::deserialize(self)
    }

    /// Reads the value of a member that may appear once into `slot`: a second occurrence
    /// of the member is an error at its path.
    pub fn once<T>(
        &mut self,
        slot: &mut Option<T>,
        f: impl FnOnce(&mut Self) -> Result<T, XmlError>,
    ) -> Result<(), XmlError> {
        if slot.is_some() {
            return Err(self.duplicate());
        }
        // A `match` rather than `?`: this is instantiated for every member type of a
        // generated crate, and `?` would bring its own instances along.
        match f(self) {
            Ok(value) => {
                *slot = Some(value);
                Ok(())
            }
            Err(e) => Err(e),
        }
    }

    /// The error for a second occurrence of an element that may appear only once.
    pub(crate) fn duplicate(&self) -> XmlError {
        self.error("duplicate element: it may appear only once here")
    }

    /// [`once`](Self::once) with [`read`](Self::read): a scalar member. Generic over the
    /// value type only, where a closure would make one instance per member.
    pub fn once_value<T: XmlValue>(&mut self, slot: &mut Option<T>) -> Result<(), XmlError> {
        self.once(slot, Self::read)
    }

    /// [`once`](Self::once) with [`structure`](Self::structure): a structure member.
    pub fn once_structure<T: XmlDeserialize>(
        &mut self,
        slot: &mut Option<T>,
    ) -> Result<(), XmlError> {
        self.once(slot, T::deserialize)
    }

    /// Reads a union (the current element) through its end tag: it must hold exactly one
    /// member element. `member` is called inside that child with its local name; for a name it
    /// knows it reads the value and returns `Some`, for any other it returns `None` without
    /// reading, and the element is skipped and kept as [`UnionMember::Unknown`] (as botocore
    /// does: a member newer than the model). No member element, or a second one (another
    /// member, or the same one again), is an error at the union's path, as in botocore.
    pub fn union<T>(
        &mut self,
        member: impl FnOnce(&mut Self, &[u8]) -> Result<Option<T>, XmlError>,
    ) -> Result<UnionMember<T>, XmlError> {
        let Some(first) = self.advance()? else {
            let e = self.error("a union needs one member element, and this one has none");
            self.leave();
            return Err(e);
        };
        let value = match member(self, first.local_name())? {
            Some(v) => UnionMember::Known(v),
            None => {
                let name = String::from_utf8_lossy(first.local_name()).into_owned();
                self.skip()?;
                UnionMember::Unknown(UnknownVariant::new(name))
            }
        };
        if let Some(second) = self.advance()? {
            self.skip()?;
            return Err(self.error(format!(
                "a union holds exactly one member element, and this one has <{}> and <{}>",
                name_excerpt(first.local_name()),
                name_excerpt(second.local_name())
            )));
        }
        self.leave();
        Ok(value)
    }

    /// Charges `bytes` of parsed output against the document's expansion budget.
    pub fn charge(&mut self, bytes: usize) -> Result<(), XmlError> {
        match self.budget.checked_sub(bytes) {
            Some(rest) => {
                self.budget = rest;
                Ok(())
            }
            None => Err(self.error(format!(
                "the document expands into more than {} times its size (at least {} MiB) of \
                 list items and map entries",
                Self::EXPANSION_FACTOR,
                Self::MIN_EXPANSION >> 20
            ))),
        }
    }

    /// A wrapped list: each child of the current element named `item_name` is one item, read
    /// by `f` (which must consume it); other children are skipped. Consumes through the end
    /// tag; `<L/>` or whitespace-only content gives an empty `Vec`.
    pub fn list<T>(
        &mut self,
        item_name: &str,
        mut f: impl FnMut(&mut Self) -> Result<T, XmlError>,
    ) -> Result<Vec<T>, XmlError> {
        let mut items = Vec::new();
        while let Some(child) = self.next_child()? {
            if child.local_name() == item_name.as_bytes() {
                self.charge(std::mem::size_of::<T>())?;
                items.push(f(self)?);
            } else {
                self.skip()?;
            }
        }
        Ok(items)
    }

    /// One item of a flattened list (the current element), read by `f` and appended to the
    /// list in `slot`.
    pub fn item<T>(
        &mut self,
        slot: &mut Option<Vec<T>>,
        f: impl FnOnce(&mut Self) -> Result<T, XmlError>,
    ) -> Result<(), XmlError> {
        self.charge(std::mem::size_of::<T>())?;
        let item = f(self)?;
        slot.get_or_insert_with(Vec::new).push(item);
        Ok(())
    }

    /// A wrapped map: each `<entry>` child of the current element holds a `key_name` and a
    /// `value_name` element, read by `fk` and `fv`; other children are skipped. An entry
    /// missing either, or a key already read, is an error.
    pub fn map<K: Ord, V>(
        &mut self,
        key_name: &str,
        value_name: &str,
        mut fk: impl FnMut(&mut Self) -> Result<K, XmlError>,
        mut fv: impl FnMut(&mut Self) -> Result<V, XmlError>,
    ) -> Result<BTreeMap<K, V>, XmlError> {
        let mut entries = None;
        while let Some(child) = self.next_child()? {
            if child.local_name() == b"entry" {
                self.map_entry(&mut entries, key_name, value_name, &mut fk, &mut fv)?;
            } else {
                self.skip()?;
            }
        }
        Ok(entries.unwrap_or_default())
    }

    /// One map entry (the current element) holding a `key_name` and a `value_name` child
    /// (others are skipped), inserted into the map in `slot`. Used directly for flattened
    /// maps, whose entries are repeated elements. A key already in the map is an error.
    pub fn map_entry<K: Ord, V>(
        &mut self,
        slot: &mut Option<BTreeMap<K, V>>,
        key_name: &str,
        value_name: &str,
        mut fk: impl FnMut(&mut Self) -> Result<K, XmlError>,
        mut fv: impl FnMut(&mut Self) -> Result<V, XmlError>,
    ) -> Result<(), XmlError> {
        self.charge(std::mem::size_of::<(K, V)>())?;
        let (mut key, mut value) = (None, None);
        while let Some(child) = self.advance()? {
            let name = child.local_name();
            if name == key_name.as_bytes() {
                self.once(&mut key, &mut fk)?;
            } else if name == value_name.as_bytes() {
                self.once(&mut value, &mut fv)?;
            } else {
                self.skip()?;
            }
        }
        // Checked before leaving, so the error names the entry.
        let result = match (key, value) {
            (Some(k), Some(v)) => match slot.get_or_insert_with(BTreeMap::new).entry(k) {
                Entry::Occupied(_) => Err(self.error(format!("duplicate map key in <{key_name}>"))),
                Entry::Vacant(entry) => {
                    entry.insert(v);
                    Ok(())
                }
            },
            (None, _) => Err(self.error(format!("map entry without a <{key_name}> element"))),
            (_, None) => Err(self.error(format!("map entry without a <{value_name}> element"))),
        };
        self.leave();
        result
    }

    /// Completes the document: consumes whatever is left of the open elements, then checks
    /// that only whitespace, comments and processing instructions follow the root.
    pub fn finish(&mut self) -> Result<(), XmlError> {
        if !self.root_read {
            return Err(self.error("no root element was read"));
        }
        while !self.path.is_empty() {
            self.skip()?;
        }
        loop {
            match self.reader.read_event() {
                Ok(Event::Eof) => return Ok(()),
                Ok(Event::Comment(_) | Event::PI(_)) => {}
                Ok(Event::Text(text)) if is_whitespace(&text) => {}
                Ok(Event::Start(_) | Event::Empty(_)) => {
                    return Err(self.error("a second root element"))
                }
                Ok(_) => return Err(self.error("content after the root element")),
                Err(e) => return Err(self.malformed(&e)),
            }
        }
    }

    /// An error at the current path (`/` outside the root). Each element name in the path is
    /// cut to 64 characters.
    pub fn error(&self, message: impl Into<String>) -> XmlError {
        if self.path.is_empty() {
            return XmlError::new("/", message);
        }
        let mut path = String::with_capacity(self.path.iter().map(|n| n.len() + 1).sum());
        for name in &self.path {
            path.push('/');
            path.push_str(&name_excerpt(name));
        }
        XmlError::new(path, message)
    }

    /// Checks the root's local name; the error names the root found.
    fn expect_root(&mut self, name: &str) -> Result<(), XmlError> {
        let root = self.root()?;
        if root.local_name() == name.as_bytes() {
            return Ok(());
        }
        let found = name_excerpt(root.local_name());
        Err(self.error(format!(
            "expected the root element <{name}>, found <{found}>"
        )))
    }

    /// Like `next_child`, but on reaching the end tag does not leave the element.
    fn advance(&mut self) -> Result<Option<Start<'a>>, XmlError> {
        self.check_open()?;
        if std::mem::take(&mut self.pending_empty) {
            return Ok(None);
        }
        loop {
            match self.reader.read_event() {
                Ok(Event::Start(tag)) => return self.enter(tag, false).map(Some),
                Ok(Event::Empty(tag)) => return self.enter(tag, true).map(Some),
                Ok(Event::End(_)) => return Ok(None),
                Ok(Event::Eof) => return Err(self.unexpected_eof()),
                Ok(Event::Decl(_) | Event::DocType(_)) => return Err(self.misplaced_prolog()),
                // Text (mixed content), CDATA, references, comments and PIs between children.
                Ok(_) => {}
                Err(e) => return Err(self.malformed(&e)),
            }
        }
    }

    /// Like `text`, but does not leave the element (so errors can still name it).
    fn text_inside(&mut self) -> Result<Cow<'a, str>, XmlError> {
        self.check_open()?;
        if std::mem::take(&mut self.pending_empty) {
            return Ok(Cow::Borrowed(""));
        }
        let mut text = Cow::Borrowed("");
        loop {
            let piece = match self.reader.read_event() {
                Ok(Event::Text(t)) => self.text_piece(&t, || t.decode())?,
                Ok(Event::CData(t)) => self.text_piece(&t, || t.decode())?,
                Ok(Event::GeneralRef(r)) => match self.resolve_reference(&r)? {
                    Reference::Char(c) => {
                        text.to_mut().push(c);
                        continue;
                    }
                    Reference::Entity(s) => Cow::Borrowed(s),
                },
                Ok(Event::End(_)) => return Ok(text),
                Ok(Event::Comment(_) | Event::PI(_)) => continue,
                Ok(Event::Start(tag) | Event::Empty(tag)) => {
                    let name = name_excerpt(tag.local_name().into_inner());
                    return Err(self.error(format!("unexpected element <{name}> in text content")));
                }
                Ok(Event::Decl(_) | Event::DocType(_)) => return Err(self.misplaced_prolog()),
                Ok(Event::Eof) => return Err(self.unexpected_eof()),
                Err(e) => return Err(self.malformed(&e)),
            };
            if text.is_empty() {
                text = piece;
            } else {
                text.to_mut().push_str(&piece);
            }
        }
    }

    /// A text or CDATA piece as text, after checking its characters. When the whole document
    /// is known to be UTF-8 and `raw` is a piece of it, the piece is sliced from the document
    /// (the same bytes, found by their position) instead of being checked again; otherwise
    /// (a document that is not UTF-8, or a piece quick-xml had to copy) `decode` decodes it.
    #[inline]
    fn text_piece(
        &self,
        raw: &[u8],
        decode: impl FnOnce() -> Result<Cow<'a, str>, EncodingError>,
    ) -> Result<Cow<'a, str>, XmlError> {
        self.check_chars(raw)?;
        let in_document = self
            .utf8
            .and_then(|doc| doc.get(position_in(doc.as_bytes(), raw)?));
        match in_document {
            Some(text) => Ok(Cow::Borrowed(text)),
            None => decode().map_err(|e| self.error(bounded(e.to_string()))),
        }
    }

    fn resolve_reference(&self, r: &BytesRef<'_>) -> Result<Reference, XmlError> {
        match r.resolve_char_ref() {
            Ok(Some(c)) if is_xml_char(c) => Ok(Reference::Char(c)),
            Ok(Some(c)) => Err(self.error(format!(
                "character reference to U+{:04X}, which XML 1.0 does not allow",
                u32::from(c)
            ))),
            Ok(None) => std::str::from_utf8(r)
                .ok()
                .and_then(resolve_predefined_entity)
                .map(Reference::Entity)
                .ok_or_else(|| self.error(format!("unknown entity &{};", name_excerpt(r)))),
            Err(e) => Err(self.error(bounded(format!(
                "invalid character reference &{};: {e}",
                name_excerpt(r)
            )))),
        }
    }

    /// Fails on a raw character XML 1.0 does not allow: a C0 control other than tab, line
    /// feed and carriage return, or U+FFFE / U+FFFF (`EF BF BE` / `EF BF BF` in UTF-8).
    #[inline]
    fn check_chars(&self, raw: &[u8]) -> Result<(), XmlError> {
        // Nearly all text has neither a control character nor the lead byte 0xEF: find that
        // out first, and only then look closer.
        if !any_byte(raw, |b| b < 0x20 || b == 0xEF) {
            return Ok(());
        }
        self.check_chars_slow(raw)
    }

    fn check_chars_slow(&self, raw: &[u8]) -> Result<(), XmlError> {
        let bad = raw.iter().enumerate().find_map(|(i, &b)| match b {
            b'\t' | b'\n' | b'\r' => None,
            0..=0x1F => Some(u32::from(b)),
            0xEF if raw.get(i + 1) == Some(&0xBF)
                && matches!(raw.get(i + 2), Some(0xBE | 0xBF)) =>
            {
                Some(0xFFFE + u32::from(raw[i + 2] - 0xBE))
            }
            _ => None,
        });
        match bad {
            None => Ok(()),
            Some(c) => Err(self.error(format!(
                "character U+{c:04X} is not allowed in an XML document"
            ))),
        }
    }

    fn enter_root(&mut self, tag: BytesStart<'a>, empty: bool) -> Result<Start<'a>, XmlError> {
        self.root_read = true;
        self.enter(tag, empty)
    }

    fn enter(&mut self, tag: BytesStart<'a>, empty: bool) -> Result<Start<'a>, XmlError> {
        if self.path.len() >= Self::MAX_DEPTH {
            return Err(self.too_deep());
        }
        let start = Start::new(tag);
        // The name is a piece of the document, found again by its position; a copy only if
        // quick-xml did not hand out a piece of it, which a reader over a slice never does.
        let name = start.local_name();
        let document = self.document;
        self.path.push(
            match position_in(document, name).and_then(|at| document.get(at)) {
                Some(name) => Cow::Borrowed(name),
                None => Cow::Owned(name.to_vec()),
            },
        );
        self.pending_empty = empty;
        Ok(start)
    }

    #[inline]
    fn leave(&mut self) {
        self.path.pop();
    }

    #[inline]
    fn check_open(&self) -> Result<(), XmlError> {
        if self.path.is_empty() {
            return Err(self.error("not inside an element"));
        }
        Ok(())
    }

    fn malformed(&self, e: &quick_xml::Error) -> XmlError {
        self.error(bounded(format!("malformed XML: {e}")))
    }

    fn unexpected_eof(&self) -> XmlError {
        self.error("unexpected end of document")
    }

    fn too_deep(&self) -> XmlError {
        self.error(format!(
            "elements nested more than {} deep",
            Self::MAX_DEPTH
        ))
    }

    fn misplaced_prolog(&self) -> XmlError {
        self.error("XML declaration or DOCTYPE inside an element")
    }
}

enum Reference {
    Char(char),
    Entity(&'static str),
}

/// Whether any byte of `bytes` is a `hit`, tested eight bytes per step and without a branch
/// per byte (the tail too): for the scans that nearly always find nothing.
#[inline]
fn any_byte(bytes: &[u8], hit: impl Fn(u8) -> bool) -> bool {
    let any = |bytes: &[u8]| bytes.iter().fold(false, |any, &b| any | hit(b));
    let mut chunks = bytes.chunks_exact(8);
    chunks.by_ref().any(any) || any(chunks.remainder())
}

/// Where `piece` lies in `document`, if it is a piece of it (by address: the same bytes, not
/// equal ones).
fn position_in(document: &[u8], piece: &[u8]) -> Option<std::ops::Range<usize>> {
    let start = (piece.as_ptr() as usize).checked_sub(document.as_ptr() as usize)?;
    let end = start.checked_add(piece.len())?;
    (end <= document.len()).then_some(start..end)
}

/// Whether `c` is a `Char` of XML 1.0.
fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// Whether an `encoding` declaration names UTF-8 (or ASCII, a subset of it).
fn is_utf8_label(label: &[u8]) -> bool {
    ["utf-8", "utf8", "us-ascii", "ascii"]
        .iter()
        .any(|l| label.eq_ignore_ascii_case(l.as_bytes()))
}

/// An element, attribute or entity name for an error message: lossy UTF-8, cut to 64
/// characters (plus `…`).
pub(crate) fn name_excerpt(name: &[u8]) -> Cow<'_, str> {
    const MAX: usize = 64;
    let text = String::from_utf8_lossy(&name[..name.len().min(MAX * 4)]);
    match text.char_indices().nth(MAX) {
        None if name.len() <= MAX * 4 => text,
        None => Cow::Owned(format!("{text}…")),
        Some((cut, _)) => Cow::Owned(format!("{}…", &text[..cut])),
    }
}

/// A message cut to 256 characters (plus `…`).
fn bounded(message: String) -> String {
    const MAX: usize = 256;
    match message.char_indices().nth(MAX) {
        None => message,
        Some((cut, _)) => format!("{}…", &message[..cut]),
    }
}

fn is_whitespace(text: &BytesText<'_>) -> bool {
    text.iter()
        .all(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
}

/// A scalar read from an element's text.
pub trait XmlValue: Sized {
    /// Parses the element's text; the error message becomes an [`XmlError`] at the element.
    fn parse_xml(text: &str) -> Result<Self, String>;

    /// Parses text the reader has already decoded. The default borrows it for
    /// [`parse_xml`](Self::parse_xml); `String` overrides it to reuse an owned buffer.
    fn parse_xml_owned(text: Cow<'_, str>) -> Result<Self, String> {
        Self::parse_xml(&text)
    }
}

impl XmlValue for String {
    fn parse_xml(text: &str) -> Result<Self, String> {
        Ok(text.to_owned())
    }

    fn parse_xml_owned(text: Cow<'_, str>) -> Result<Self, String> {
        Ok(text.into_owned())
    }
}

fn trim(text: &str) -> &str {
    text.trim_matches(|c: char| c.is_ascii_whitespace())
}

impl XmlValue for bool {
    fn parse_xml(text: &str) -> Result<Self, String> {
        match trim(text) {
            "true" => Ok(true),
            "false" => Ok(false),
            _ => Err(format!(
                "expected true or false, found {}",
                super::error::excerpt(text)
            )),
        }
    }
}

macro_rules! parse_number {
    ($what:literal: $($t:ty),*) => {$(
        impl XmlValue for $t {
            fn parse_xml(text: &str) -> Result<Self, String> {
                trim(text).parse().map_err(|e| {
                    let text = super::error::excerpt(text);
                    format!(concat!("invalid ", $what, " (", stringify!($t), ") {}: {}"), text, e)
                })
            }
        }
    )*};
}
parse_number!("integer": i8, i16, i32, i64, u8, u16, u32, u64);
// Rust's float syntax also accepts `NaN`, `inf`, `-inf`, `Infinity` and `-Infinity`.
parse_number!("number": f32, f64);

impl XmlValue for DateTime {
    fn parse_xml(text: &str) -> Result<Self, String> {
        DateTime::parse_date_time(trim(text)).map_err(|e| e.to_string())
    }
}

impl XmlValue for Blob {
    fn parse_xml(text: &str) -> Result<Self, String> {
        Blob::from_base64(text).map_err(|e| e.to_string())
    }
}

/// A structure read from the children of the current element.
pub trait XmlDeserialize: Sized {
    /// Reads the current element's children through its end tag (unknown ones skipped).
    fn deserialize(r: &mut XmlReader<'_>) -> Result<Self, XmlError>;
}

/// Parses an awsQuery success body `<{response}><{result}>…</{result}>…</{response}>`.
///
/// The root's local name must be `response`; `T` is read from its child `result` (other
/// children, such as `ResponseMetadata`, are skipped). A missing `result` is an error at
/// `/{response}/{result}`.
pub fn parse_response<T: XmlDeserialize>(
    body: &[u8],
    response: &str,
    result: &str,
) -> Result<T, XmlError> {
    let mut r = XmlReader::new(body);
    r.expect_root(response)?;
    let mut output = None;
    while let Some(child) = r.next_child()? {
        if child.local_name() == result.as_bytes() {
            r.once(&mut output, T::deserialize)?;
        } else {
            r.skip()?;
        }
    }
    r.finish()?;
    output.ok_or_else(|| {
        XmlError::new(
            format!("/{response}/{result}"),
            format!("missing <{result}> element"),
        )
    })
}

/// Parses an ec2Query success body `<{response}>…</{response}>`: `T` is read from the root's
/// own children, so elements `T` does not model (the `<requestId>` every ec2Query response
/// carries, for one) are skipped. The root's local name must be `response`.
pub fn parse_unwrapped_response<T: XmlDeserialize>(
    body: &[u8],
    response: &str,
) -> Result<T, XmlError> {
    let mut r = XmlReader::new(body);
    r.expect_root(response)?;
    let output = T::deserialize(&mut r)?;
    r.finish()?;
    Ok(output)
}

/// Parses the body of an operation without output (or whose output has no members): an
/// empty or whitespace-only body is fine; otherwise checks the root's local name and that the
/// document is well formed.
pub fn parse_empty_response(body: &[u8], response: &str) -> Result<(), XmlError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(());
    }
    let mut r = XmlReader::new(body);
    r.expect_root(response)?;
    r.skip()?;
    r.finish()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[derive(Debug, Default, PartialEq)]
    struct Snapshot {
        name: Option<String>,
        port: Option<i32>,
        created: Option<DateTime>,
        tags: Option<Vec<String>>,
        attrs: Option<BTreeMap<String, i64>>,
        flat: Option<BTreeMap<String, String>>,
        items: Option<Vec<String>>,
        nested: Option<Box<Snapshot>>,
    }

    impl XmlDeserialize for Snapshot {
        fn deserialize(r: &mut XmlReader<'_>) -> Result<Self, XmlError> {
            let mut s = Snapshot::default();
            while let Some(child) = r.next_child()? {
                match child.local_name() {
                    b"SnapshotName" => r.once(&mut s.name, |r| r.read())?,
                    b"Port" => r.once(&mut s.port, |r| r.read())?,
                    b"Created" => r.once(&mut s.created, |r| r.read())?,
                    b"Tags" => r.once(&mut s.tags, |r| r.list("member", |r| r.read()))?,
                    b"Attrs" => r.once(&mut s.attrs, |r| {
                        r.map("key", "value", |r| r.read(), |r| r.read())
                    })?,
                    b"Flat" => r.map_entry(&mut s.flat, "K", "V", |r| r.read(), |r| r.read())?,
                    b"Item" => r.item(&mut s.items, |r| r.read())?,
                    b"Nested" => r.once(&mut s.nested, |r| r.structure().map(Box::new))?,
                    _ => r.skip()?,
                }
            }
            Ok(s)
        }
    }

    #[derive(Debug, PartialEq)]
    struct CopySnapshotResult {
        snapshot: Option<Snapshot>,
    }

    impl XmlDeserialize for CopySnapshotResult {
        fn deserialize(r: &mut XmlReader<'_>) -> Result<Self, XmlError> {
            let mut snapshot = None;
            while let Some(child) = r.next_child()? {
                match child.local_name() {
                    b"Snapshot" => snapshot = Some(r.structure()?),
                    _ => r.skip()?,
                }
            }
            Ok(Self { snapshot })
        }
    }

    fn parse(body: &str) -> Result<CopySnapshotResult, XmlError> {
        parse_response(
            body.as_bytes(),
            "CopySnapshotResponse",
            "CopySnapshotResult",
        )
    }

    fn parse_snapshot(inner: &str) -> Result<Snapshot, XmlError> {
        let body = format!(
            "<CopySnapshotResponse><CopySnapshotResult><Snapshot>{inner}</Snapshot>\
             </CopySnapshotResult></CopySnapshotResponse>"
        );
        parse(&body).map(|r| r.snapshot.unwrap())
    }

    fn err_of<T: fmt::Debug>(r: Result<T, XmlError>) -> (String, String) {
        let e = r.unwrap_err();
        (e.path().to_owned(), e.message().to_owned())
    }

    fn text_of(doc: &str) -> Result<String, XmlError> {
        let mut r = XmlReader::new(doc.as_bytes());
        r.root()?;
        let text = r.text()?.into_owned();
        r.finish()?;
        Ok(text)
    }

    const FULL: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<CopySnapshotResponse xmlns="http://elasticache.amazonaws.com/doc/2015-02-02/">
  <CopySnapshotResult>
    <Snapshot>
      <SnapshotName>my-snapshot</SnapshotName>
      <Port>6379</Port>
      <Created>2024-01-02T03:04:05.123Z</Created>
      <Unknown><Deep><Deeper a="1">x</Deeper></Deep></Unknown>
      <Tags><member>a</member><member>b &amp; c</member></Tags>
      <Attrs><entry><key>k1</key><value>1</value></entry><entry><value>2</value><key>k2</key></entry></Attrs>
      <Flat><K>a</K><V>b</V></Flat>
      <Flat><V>d</V><Extra/><K>c</K></Flat>
      <Nested><Port>1</Port></Nested>
    </Snapshot>
  </CopySnapshotResult>
  <ResponseMetadata><RequestId>abc-123</RequestId></ResponseMetadata>
</CopySnapshotResponse>
"#;

    #[test]
    fn parses_a_full_response() {
        let s = parse(FULL).unwrap().snapshot.unwrap();
        assert_eq!(s.name.as_deref(), Some("my-snapshot"));
        assert_eq!(s.port, Some(6379));
        assert_eq!(s.created, Some(DateTime::from_millis(1_704_164_645_123)));
        assert_eq!(s.tags, Some(vec!["a".to_owned(), "b & c".to_owned()]));
        assert_eq!(
            s.attrs,
            Some([("k1".to_owned(), 1), ("k2".to_owned(), 2)].into())
        );
        assert_eq!(
            s.flat,
            Some(
                [
                    ("a".to_owned(), "b".to_owned()),
                    ("c".to_owned(), "d".to_owned())
                ]
                .into()
            )
        );
        assert_eq!(s.nested.unwrap().port, Some(1));
    }

    #[test]
    fn ec2_output_members_sit_in_the_root() {
        let body = "<?xml version=\"1.0\"?>\n<DescribeResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\">\
            <requestId>r-1</requestId><SnapshotName>s</SnapshotName><Port>1</Port>\
            <DescribeResult><Port>2</Port></DescribeResult></DescribeResponse>";
        let s: Snapshot = parse_unwrapped_response(body.as_bytes(), "DescribeResponse").unwrap();
        assert_eq!(s.name.as_deref(), Some("s"));
        // A wrapper is an unknown element like any other (botocore reads nothing from it).
        assert_eq!(s.port, Some(1));
        let e = parse_unwrapped_response::<Snapshot>(
            b"<Response><Errors><Error><Code>X</Code></Error></Errors></Response>",
            "DescribeResponse",
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "at /Response: expected the root element <DescribeResponse>, found <Response>"
        );
        let e = parse_unwrapped_response::<Snapshot>(
            b"<DescribeResponse><Port>1</Port><Port>2</Port></DescribeResponse>",
            "DescribeResponse",
        )
        .unwrap_err();
        assert_eq!(e.path(), "/DescribeResponse/Port");
    }

    #[test]
    fn wrong_root() {
        let e = parse("<OtherResponse><CopySnapshotResult/></OtherResponse>").unwrap_err();
        assert_eq!(e.path(), "/OtherResponse");
        assert_eq!(
            e.to_string(),
            "at /OtherResponse: expected the root element <CopySnapshotResponse>, found <OtherResponse>"
        );
    }

    #[test]
    fn missing_result_wrapper() {
        let e =
            parse("<CopySnapshotResponse><ResponseMetadata/></CopySnapshotResponse>").unwrap_err();
        assert_eq!(e.path(), "/CopySnapshotResponse/CopySnapshotResult");
        assert_eq!(e.message(), "missing <CopySnapshotResult> element");
        let e = parse("<CopySnapshotResponse/>").unwrap_err();
        assert_eq!(e.path(), "/CopySnapshotResponse/CopySnapshotResult");
    }

    #[test]
    fn empty_result_elements() {
        let r =
            parse("<CopySnapshotResponse><CopySnapshotResult/></CopySnapshotResponse>").unwrap();
        assert_eq!(r, CopySnapshotResult { snapshot: None });
        let s = parse_snapshot("<SnapshotName/><Tags/><Attrs></Attrs><Nested/>").unwrap();
        assert_eq!(s.name.as_deref(), Some(""));
        assert_eq!(s.tags, Some(vec![]));
        assert_eq!(s.attrs, Some(BTreeMap::new()));
        assert_eq!(s.nested, Some(Box::default()));
        let s = parse_snapshot("<Tags>\n   \n</Tags><Flat><K/><V/></Flat>").unwrap();
        assert_eq!(s.tags, Some(vec![]));
        assert_eq!(s.flat, Some([(String::new(), String::new())].into()));
    }

    #[test]
    fn truncated_at_each_depth() {
        let cases = [
            ("<CopySnapshotResponse>", "/CopySnapshotResponse"),
            (
                "<CopySnapshotResponse><CopySnapshotResult>",
                "/CopySnapshotResponse/CopySnapshotResult",
            ),
            (
                "<CopySnapshotResponse><CopySnapshotResult><Snapshot>",
                "/CopySnapshotResponse/CopySnapshotResult/Snapshot",
            ),
            (
                "<CopySnapshotResponse><CopySnapshotResult><Snapshot><Port>63",
                "/CopySnapshotResponse/CopySnapshotResult/Snapshot/Port",
            ),
            (
                "<CopySnapshotResponse><CopySnapshotResult><Snapshot><Unknown><a><b>",
                "/CopySnapshotResponse/CopySnapshotResult/Snapshot/Unknown",
            ),
            (
                "<CopySnapshotResponse><CopySnapshotResult><Snapshot></Snapshot>",
                "/CopySnapshotResponse/CopySnapshotResult",
            ),
            (
                "<CopySnapshotResponse><CopySnapshotResult></CopySnapshotResult>",
                "/CopySnapshotResponse",
            ),
        ];
        for (doc, path) in cases {
            assert_eq!(
                err_of(parse(doc)),
                (path.to_owned(), "unexpected end of document".to_owned()),
                "{doc}"
            );
        }
        // Cut inside a tag: malformed rather than EOF, still with the path.
        let (path, message) = err_of(parse("<CopySnapshotResponse><CopySnapshotResult><Snap"));
        assert_eq!(path, "/CopySnapshotResponse/CopySnapshotResult");
        assert!(message.starts_with("malformed XML: "), "{message}");
    }

    #[test]
    fn non_xml_bodies() {
        let html = "<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head><body>oops</body></html>";
        assert_eq!(
            err_of(parse(html)),
            (
                "/html".to_owned(),
                "expected the root element <CopySnapshotResponse>, found <html>".to_owned()
            )
        );
        let lower = "<!doctype html><html><body><br></body></html>";
        assert_eq!(err_of(parse(lower)).0, "/html");
        assert_eq!(
            err_of(parse("Service Unavailable")),
            (
                "/".to_owned(),
                "not an XML document: text before the root element".to_owned()
            )
        );
        assert_eq!(
            err_of(parse("")),
            (
                "/".to_owned(),
                "no root element: the document is empty".to_owned()
            )
        );
        assert_eq!(
            err_of(parse("  \n ")).1,
            "no root element: the document is empty"
        );
        assert_eq!(err_of(parse("{\"message\":\"nope\"}")).0, "/");
        assert!(err_of(parse("\u{0}\u{1}<<>>"))
            .1
            .starts_with("not an XML document"));
        assert!(parse_empty_response(b"\xff\xfe<", "X").is_err());
        assert_eq!(parse_empty_response(b"", "X"), Ok(()));
        assert_eq!(parse_empty_response(b" \r\n\t", "X"), Ok(()));
        assert!(parse_empty_response(b"<Y/>", "X").is_err());
    }

    #[test]
    fn mismatched_end_tag() {
        let (path, message) = err_of(parse_snapshot("<Port>1</Prt>"));
        assert_eq!(
            path,
            "/CopySnapshotResponse/CopySnapshotResult/Snapshot/Port"
        );
        assert!(message.starts_with("malformed XML: "), "{message}");
        assert!(message.contains("Prt"), "{message}");
        let (path, _) = err_of(parse_snapshot("<Unknown><a></b></Unknown>"));
        assert_eq!(
            path,
            "/CopySnapshotResponse/CopySnapshotResult/Snapshot/Unknown"
        );
    }

    #[test]
    fn depth_limit() {
        let doc = |depth: usize| "<a>".repeat(depth) + &"</a>".repeat(depth);
        let read_all = |doc: &str| {
            let mut r = XmlReader::new(doc.as_bytes());
            r.root()?;
            while r.next_child()?.is_some() {}
            r.finish()
        };
        assert!(read_all(&doc(XmlReader::MAX_DEPTH)).is_ok());
        let e = read_all(&doc(XmlReader::MAX_DEPTH + 1)).unwrap_err();
        assert_eq!(e.message(), "elements nested more than 64 deep");
        assert_eq!(e.path(), "/a".repeat(64));
        // The limit also holds inside skipped subtrees.
        let e = parse_snapshot(&doc(70)).unwrap_err();
        assert_eq!(e.message(), "elements nested more than 64 deep");
        assert_eq!(
            e.path(),
            "/CopySnapshotResponse/CopySnapshotResult/Snapshot/a"
        );
        // Descending one level at a time with next_child hits the limit at the 65th element.
        let deep = doc(100);
        let mut r = XmlReader::new(deep.as_bytes());
        r.root().unwrap();
        let mut depth = 1;
        let e = loop {
            match r.next_child() {
                Ok(Some(_)) => depth += 1,
                Ok(None) => panic!("ended early"),
                Err(e) => break e,
            }
        };
        assert_eq!(depth, 64);
        assert_eq!(e.message(), "elements nested more than 64 deep");
    }

    #[test]
    fn unknown_entity_is_an_error() {
        let (path, message) = err_of(parse_snapshot("<SnapshotName>a&foo;b</SnapshotName>"));
        assert_eq!(
            path,
            "/CopySnapshotResponse/CopySnapshotResult/Snapshot/SnapshotName"
        );
        assert_eq!(message, "unknown entity &foo;");
    }

    #[test]
    fn doctype_entities_are_never_expanded() {
        let doc = r#"<?xml version="1.0"?>
<!DOCTYPE CopySnapshotResponse [
  <!ENTITY xxe SYSTEM "file:///etc/passwd">
  <!ENTITY boom "boom">
]>
<CopySnapshotResponse><CopySnapshotResult><Snapshot><SnapshotName>&boom;</SnapshotName></Snapshot></CopySnapshotResult></CopySnapshotResponse>"#;
        assert_eq!(
            err_of(parse(doc)),
            (
                "/CopySnapshotResponse/CopySnapshotResult/Snapshot/SnapshotName".to_owned(),
                "unknown entity &boom;".to_owned()
            )
        );
        let doc = doc.replace("&boom;", "&xxe;");
        assert_eq!(err_of(parse(&doc)).1, "unknown entity &xxe;");
        // Without references the DOCTYPE is simply skipped.
        let doc = doc.replace("&xxe;", "ok");
        assert_eq!(
            parse(&doc).unwrap().snapshot.unwrap().name.as_deref(),
            Some("ok")
        );
    }

    #[test]
    fn text_decoding() {
        assert_eq!(text_of("<a>plain</a>").unwrap(), "plain");
        assert_eq!(
            text_of("<a>&lt;&gt;&amp;&quot;&apos;</a>").unwrap(),
            "<>&\"'"
        );
        assert_eq!(
            text_of("<a>caf&#xE9; &#233;t&#xe9;</a>").unwrap(),
            "café été"
        );
        assert_eq!(
            text_of("<a><![CDATA[<not> &amp; markup]]></a>").unwrap(),
            "<not> &amp; markup"
        );
        assert_eq!(text_of("<a>x<![CDATA[y]]>z</a>").unwrap(), "xyz");
        assert_eq!(
            text_of("<a>x<!-- note -->y<?pi data?>z</a>").unwrap(),
            "xyz"
        );
        assert_eq!(
            text_of("<a>  two\n\tlines \r\n </a>").unwrap(),
            "  two\n\tlines \r\n "
        );
        assert_eq!(text_of("<a></a>").unwrap(), "");
        assert_eq!(text_of("<a/>").unwrap(), "");
        assert_eq!(text_of("\u{feff}<a>bom</a>").unwrap(), "bom");
        assert!(text_of("<a>&#0;</a>").is_err());
        assert!(text_of("<a>&#xZZ;</a>").is_err());
        assert!(text_of("<a>dangling & amp</a>").is_err());
        let e = text_of("<a>x<b>y</b></a>").unwrap_err();
        assert_eq!(
            (e.path(), e.message()),
            ("/a", "unexpected element <b> in text content")
        );
    }

    #[test]
    fn text_that_is_not_utf8() {
        // The whole document is not UTF-8, so each text is checked on its own: the good one
        // reads as before (borrowed), the bad one is an error at its own element.
        let mut r = XmlReader::new(b"<a><b>ok \xC3\xA9</b><c>x\xFFy</c><d>later</d></a>");
        r.root().unwrap();
        r.next_child().unwrap();
        assert!(matches!(r.text().unwrap(), Cow::Borrowed("ok é")));
        r.next_child().unwrap();
        let e = r.text().unwrap_err();
        assert_eq!(e.path(), "/a/c");
        // The same text in a UTF-8 document reads from the document, in CDATA too.
        let mut r = XmlReader::new("<a><b>ok é</b><c><![CDATA[x<y]]></c></a>".as_bytes());
        r.root().unwrap();
        r.next_child().unwrap();
        assert!(matches!(r.text().unwrap(), Cow::Borrowed("ok é")));
        r.next_child().unwrap();
        assert!(matches!(r.text().unwrap(), Cow::Borrowed("x<y")));
        assert!(r.next_child().unwrap().is_none());
        r.finish().unwrap();
    }

    #[test]
    fn text_borrows_when_nothing_to_decode() {
        let mut r = XmlReader::new(b"<a><b>plain</b><c>a&amp;b</c><d/></a>");
        r.root().unwrap();
        r.next_child().unwrap();
        assert!(matches!(r.text().unwrap(), Cow::Borrowed("plain")));
        r.next_child().unwrap();
        assert!(matches!(r.text().unwrap(), Cow::Owned(s) if s == "a&b"));
        r.next_child().unwrap();
        assert!(matches!(r.text().unwrap(), Cow::Borrowed("")));
        assert!(r.next_child().unwrap().is_none());
        r.finish().unwrap();
    }

    #[test]
    fn namespace_prefixes_are_stripped() {
        let doc = r#"<a:CopySnapshotResponse xmlns:a="urn:x"><a:CopySnapshotResult><b:Snapshot xmlns:b="urn:y"><b:Port>7</b:Port></b:Snapshot></a:CopySnapshotResult></a:CopySnapshotResponse>"#;
        assert_eq!(parse(doc).unwrap().snapshot.unwrap().port, Some(7));
        let (path, _) = err_of(parse(&doc.replace(">7<", ">x<")));
        assert_eq!(
            path,
            "/CopySnapshotResponse/CopySnapshotResult/Snapshot/Port"
        );
        // The colon before, at and after the edges of the eight-byte steps of the scan, and
        // a byte order mark in front (the path's names are found in the document after it).
        for prefix in [
            "abcdefg",
            "abcdefgh",
            "abcdefghi",
            "abcdefghijklmnop",
            "a.b-c_d.e",
        ] {
            let doc = doc.replace("b:", &format!("{prefix}:"));
            assert_eq!(parse(&doc).unwrap().snapshot.unwrap().port, Some(7));
            let doc = format!("\u{FEFF}{}", doc.replace(">7<", ">x<"));
            let (path, _) = err_of(parse(&doc));
            assert_eq!(
                path, "/CopySnapshotResponse/CopySnapshotResult/Snapshot/Port",
                "{prefix}"
            );
        }
    }

    #[test]
    fn self_closing_elements() {
        let mut r = XmlReader::new(b"<r><a/><b x='1'/><c><d/></c></r>");
        assert_eq!(r.root().unwrap().local_name(), b"r");
        assert_eq!(r.next_child().unwrap().unwrap().local_name(), b"a");
        assert!(r.next_child().unwrap().is_none());
        let b = r.next_child().unwrap().unwrap();
        assert_eq!(b.attr("x").unwrap().as_deref(), Some("1"));
        r.skip().unwrap();
        assert_eq!(r.next_child().unwrap().unwrap().local_name(), b"c");
        assert_eq!(r.next_child().unwrap().unwrap().local_name(), b"d");
        assert_eq!(r.error("here").path(), "/r/c/d");
        assert!(r.next_child().unwrap().is_none());
        assert!(r.next_child().unwrap().is_none());
        assert!(r.next_child().unwrap().is_none());
        r.finish().unwrap();
        // A self-closing root.
        assert!(parse_empty_response(b"<DeleteResponse/>", "DeleteResponse").is_ok());
    }

    #[test]
    fn value_parse_errors_name_the_element() {
        let e = parse_snapshot("<Port>not-a-port</Port>").unwrap_err();
        assert_eq!(
            e.path(),
            "/CopySnapshotResponse/CopySnapshotResult/Snapshot/Port"
        );
        assert_eq!(
            e.message(),
            "invalid integer (i32) \"not-a-port\": invalid digit found in string"
        );
        let e = parse_snapshot("<Nested><Port>99999999999</Port></Nested>").unwrap_err();
        assert_eq!(
            e.path(),
            "/CopySnapshotResponse/CopySnapshotResult/Snapshot/Nested/Port"
        );
        assert!(e.message().contains("too large"), "{e}");
        let e = parse_snapshot("<Created>yesterday</Created>").unwrap_err();
        assert_eq!(
            e.path(),
            "/CopySnapshotResponse/CopySnapshotResult/Snapshot/Created"
        );
        let e = parse_snapshot("<Tags><member>a</member><member><x/></member></Tags>").unwrap_err();
        assert_eq!(
            e.path(),
            "/CopySnapshotResponse/CopySnapshotResult/Snapshot/Tags/member"
        );
    }

    #[test]
    fn read_with_a_custom_parser() {
        let mut r = XmlReader::new(
            b"<r><a> 1515531081.5 </a><b>Tue, 29 Apr 2014 18:30:38 GMT</b><c>x</c></r>",
        );
        r.root().unwrap();
        let epoch = |t: &str| DateTime::parse_epoch_seconds(t.trim()).map_err(|e| e.to_string());
        r.next_child().unwrap();
        assert_eq!(
            r.read_with(epoch).unwrap(),
            DateTime::from_millis(1_515_531_081_500)
        );
        r.next_child().unwrap();
        let http = |t: &str| DateTime::parse_http_date(t).map_err(|e| e.to_string());
        assert_eq!(
            r.read_with(http).unwrap(),
            DateTime::from_secs(1_398_796_238)
        );
        r.next_child().unwrap();
        let e = r.read_with(epoch).unwrap_err();
        assert_eq!(e.path(), "/r/c");
        assert_eq!(
            e.message(),
            "invalid epoch-seconds timestamp \"x\": expected digits"
        );
        assert!(r.next_child().unwrap().is_none());
        r.finish().unwrap();
    }

    #[test]
    fn map_entry_errors() {
        let e = parse_snapshot("<Attrs><entry><key>k</key></entry></Attrs>").unwrap_err();
        assert_eq!(
            e.path(),
            "/CopySnapshotResponse/CopySnapshotResult/Snapshot/Attrs/entry"
        );
        assert_eq!(e.message(), "map entry without a <value> element");
        let e = parse_snapshot("<Attrs><entry><value>1</value></entry></Attrs>").unwrap_err();
        assert_eq!(e.message(), "map entry without a <key> element");
        let e = parse_snapshot("<Flat/>").unwrap_err();
        assert_eq!(
            e.path(),
            "/CopySnapshotResponse/CopySnapshotResult/Snapshot/Flat"
        );
        assert_eq!(e.message(), "map entry without a <K> element");
    }

    #[test]
    fn trailing_content() {
        let ok = "<CopySnapshotResponse><CopySnapshotResult/></CopySnapshotResponse>\n<!-- c --><?pi?>\n";
        assert!(parse(ok).is_ok());
        let e = parse("<CopySnapshotResponse><CopySnapshotResult/></CopySnapshotResponse><x/>")
            .unwrap_err();
        assert_eq!((e.path(), e.message()), ("/", "a second root element"));
        let e = parse("<CopySnapshotResponse><CopySnapshotResult/></CopySnapshotResponse>junk")
            .unwrap_err();
        assert_eq!(e.message(), "content after the root element");
        assert!(
            parse("<CopySnapshotResponse><CopySnapshotResult/></CopySnapshotResponse></x>")
                .is_err()
        );
    }

    #[test]
    fn misuse_is_an_error_not_a_panic() {
        let mut r = XmlReader::new(b"<a/>");
        assert_eq!(
            r.next_child().unwrap_err().message(),
            "not inside an element"
        );
        assert_eq!(
            r.finish().unwrap_err().message(),
            "no root element was read"
        );
        r.root().unwrap();
        assert_eq!(
            r.root().unwrap_err().message(),
            "the root element was already read"
        );
        assert!(r.next_child().unwrap().is_none());
        assert!(r.skip().is_err());
        assert!(r.text().is_err());
        r.finish().unwrap();
        r.finish().unwrap();
    }

    #[test]
    fn finish_consumes_unread_elements() {
        let mut r = XmlReader::new(b"<a><b><c>1</c></b><d/></a>");
        r.root().unwrap();
        r.next_child().unwrap();
        r.finish().unwrap();
        let mut r = XmlReader::new(b"<a><b><c>1</c></b><d>");
        r.root().unwrap();
        r.next_child().unwrap();
        assert_eq!(r.finish().unwrap_err().path(), "/a");
    }

    #[test]
    fn attributes() {
        let mut r = XmlReader::new(br#"<a x:id="1 &amp; 2" plain='v' bad="&nope;"/>"#);
        let a = r.root().unwrap();
        assert_eq!(a.attr("id").unwrap().as_deref(), Some("1 & 2"));
        assert_eq!(a.attr("plain").unwrap().as_deref(), Some("v"));
        assert_eq!(a.attr("missing").unwrap(), None);
        assert_eq!(a.attr("bad").unwrap_err().path(), "a/@bad");
        let mut r = XmlReader::new(br#"<a x="1" x="2"/>"#);
        assert!(r.root().unwrap().attr("y").is_err());
    }

    #[test]
    fn scalar_values() {
        assert_eq!(bool::parse_xml(" true\n"), Ok(true));
        assert_eq!(bool::parse_xml("false"), Ok(false));
        assert_eq!(
            bool::parse_xml("True"),
            Err("expected true or false, found \"True\"".to_owned())
        );
        assert_eq!(i8::parse_xml("-128"), Ok(-128));
        assert!(i8::parse_xml("128").is_err());
        assert!(u8::parse_xml("-1").is_err());
        assert_eq!(u64::parse_xml(" 18446744073709551615 "), Ok(u64::MAX));
        assert!(u64::parse_xml("18446744073709551616").is_err());
        assert_eq!(i64::parse_xml("\t-9223372036854775808"), Ok(i64::MIN));
        assert_eq!(i16::parse_xml("7"), Ok(7));
        assert_eq!(u16::parse_xml("65535"), Ok(65535));
        assert_eq!(u32::parse_xml("42"), Ok(42));
        assert!(i32::parse_xml("").is_err());
        assert!(i32::parse_xml("1.0").is_err());
        assert_eq!(f64::parse_xml(" 1.5 "), Ok(1.5));
        assert_eq!(f64::parse_xml("1e3"), Ok(1000.0));
        assert!(f64::parse_xml("NaN").unwrap().is_nan());
        assert_eq!(f64::parse_xml("Infinity"), Ok(f64::INFINITY));
        assert_eq!(f64::parse_xml("-Infinity"), Ok(f64::NEG_INFINITY));
        assert_eq!(f64::parse_xml("inf"), Ok(f64::INFINITY));
        assert_eq!(f64::parse_xml("-inf"), Ok(f64::NEG_INFINITY));
        assert_eq!(f32::parse_xml("0.1"), Ok(0.1f32));
        assert!(f32::parse_xml("Infinity").unwrap().is_infinite());
        assert!(f64::parse_xml("one").is_err());
        assert_eq!(String::parse_xml(" keep "), Ok(" keep ".to_owned()));
        assert_eq!(
            DateTime::parse_xml(" 1970-01-01T00:00:01Z\n"),
            Ok(DateTime::from_secs(1))
        );
        assert_eq!(Blob::parse_xml("Zm9v\n"), Ok(Blob::from("foo")));
        assert!(Blob::parse_xml("Zm9").is_err());
        let long = "9".repeat(10_000);
        assert!(i32::parse_xml(&long).unwrap_err().len() < 200);
    }

    #[test]
    fn empty_response() {
        let body = b"<DeleteResponse xmlns=\"urn:x\"><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></DeleteResponse>";
        assert!(parse_empty_response(body, "DeleteResponse").is_ok());
        assert_eq!(
            parse_empty_response(body, "OtherResponse")
                .unwrap_err()
                .path(),
            "/DeleteResponse"
        );
        let e = parse_empty_response(b"<DeleteResponse><x>", "DeleteResponse").unwrap_err();
        assert_eq!(
            (e.path(), e.message()),
            ("/DeleteResponse", "unexpected end of document")
        );
    }

    #[test]
    fn error_display() {
        let e = XmlError::new("/A/B", "bad");
        assert_eq!(e.to_string(), "at /A/B: bad");
        assert_eq!(XmlReader::new(b"").error("x").to_string(), "at /: x");
    }

    #[test]
    fn list_items_are_matched_by_name() {
        let s = parse_snapshot("<Tags><a/><member>x</member><b>y</b><member>z</member></Tags>")
            .unwrap();
        assert_eq!(s.tags, Some(vec!["x".to_owned(), "z".to_owned()]));
        let s = parse_snapshot("<Attrs><item><key>k</key><value>1</value></item></Attrs>").unwrap();
        assert_eq!(s.attrs, Some(BTreeMap::new()));
        // Many unknown children: an empty list, and nothing charged.
        let inner = format!("<Tags>{}</Tags>", "<a/>".repeat(100_000));
        assert_eq!(parse_snapshot(&inner).unwrap().tags, Some(vec![]));
    }

    #[test]
    fn expansion_is_bounded() {
        // Each empty item costs size_of::<String>() = 24 bytes for 17 bytes of XML: within
        // the budget while the document is small, over it when the items are cheaper still.
        let items = |n: usize| format!("<Tags>{}</Tags>", "<member/>".repeat(n));
        let s = parse_snapshot(&items(1000)).unwrap();
        assert_eq!(s.tags.map(|t| t.len()), Some(1000));
        let n = XmlReader::MIN_EXPANSION / std::mem::size_of::<String>() + 1;
        let body = items(n);
        assert!(body.len() * XmlReader::EXPANSION_FACTOR > XmlReader::MIN_EXPANSION);
        // 9 bytes of XML per 24-byte item is below the factor of 8: accepted.
        assert!(parse_snapshot(&body).is_ok());
        // A reader with a budget it cannot afford stops at the item that exceeds it.
        let body = format!(
            "<R><Tags>{}</Tags></R>",
            "<member/>".repeat(XmlReader::MIN_EXPANSION / 24 + 1)
        );
        let mut r = XmlReader::new(body.as_bytes());
        r.budget = XmlReader::MIN_EXPANSION;
        r.root().unwrap();
        r.next_child().unwrap();
        let e = r.list("member", |r| r.read::<String>()).unwrap_err();
        assert_eq!(e.path(), "/R/Tags/member");
        assert!(
            e.message().contains("expands into more than 8 times"),
            "{e}"
        );
    }

    /// A union of a string `S` and an integer `N`, read as generated code reads one.
    fn parse_union(inner: &str) -> Result<UnionMember<Result<String, i32>>, XmlError> {
        let body = format!("<R><U>{inner}</U><After>1</After></R>");
        let mut r = XmlReader::new(body.as_bytes());
        r.root()?;
        let mut out = None;
        while let Some(child) = r.next_child()? {
            match child.local_name() {
                b"U" => r.once(&mut out, |r| {
                    r.union(|r, name| match name {
                        b"S" => r.read().map(|s| Some(Ok(s))),
                        b"N" => r.read().map(|n| Some(Err(n))),
                        _ => Ok(None),
                    })
                })?,
                _ => r.skip()?,
            }
        }
        r.finish()?;
        Ok(out.unwrap())
    }

    #[test]
    fn unions_hold_one_member() {
        assert_eq!(
            parse_union("<S>a</S>").unwrap(),
            UnionMember::Known(Ok("a".to_owned()))
        );
        assert_eq!(
            parse_union(" <x:N>7</x:N> ").unwrap(),
            UnionMember::Known(Err(7))
        );
        match parse_union("<New><Deep>1</Deep></New>").unwrap() {
            UnionMember::Unknown(u) => assert_eq!(u.name(), "New"),
            other => panic!("{other:?}"),
        }
        for (inner, message) in [
            (
                "",
                "a union needs one member element, and this one has none",
            ),
            (
                " text ",
                "a union needs one member element, and this one has none",
            ),
            (
                "<S>a</S><N>1</N>",
                "a union holds exactly one member element, and this one has <S> and <N>",
            ),
            (
                "<S>a</S><S>b</S>",
                "a union holds exactly one member element, and this one has <S> and <S>",
            ),
            (
                "<New/><S>a</S>",
                "a union holds exactly one member element, and this one has <New> and <S>",
            ),
        ] {
            let e = parse_union(inner).unwrap_err();
            assert_eq!((e.path(), e.message()), ("/R/U", message), "{inner}");
        }
        // A member's own error keeps its path.
        let e = parse_union("<N>x</N>").unwrap_err();
        assert_eq!(e.path(), "/R/U/N");
    }

    #[test]
    fn duplicates_are_errors() {
        for (inner, path) in [
            ("<Port>1</Port><Port>2</Port>", "/CopySnapshotResponse/CopySnapshotResult/Snapshot/Port"),
            ("<Tags/><Tags><member>a</member></Tags>", "/CopySnapshotResponse/CopySnapshotResult/Snapshot/Tags"),
            ("<Nested/><Nested/>", "/CopySnapshotResponse/CopySnapshotResult/Snapshot/Nested"),
            (
                "<Attrs><entry><key>k</key><value>1</value></entry><entry><key>k</key><value>2</value></entry></Attrs>",
                "/CopySnapshotResponse/CopySnapshotResult/Snapshot/Attrs/entry",
            ),
            (
                "<Flat><K>a</K><V>1</V></Flat><Flat><K>a</K><V>2</V></Flat>",
                "/CopySnapshotResponse/CopySnapshotResult/Snapshot/Flat",
            ),
            (
                "<Attrs><entry><key>k</key><key>j</key><value>1</value></entry></Attrs>",
                "/CopySnapshotResponse/CopySnapshotResult/Snapshot/Attrs/entry/key",
            ),
        ] {
            let e = parse_snapshot(inner).unwrap_err();
            assert_eq!(e.path(), path, "{inner}");
            assert!(e.message().contains("duplicate"), "{inner}: {e}");
        }
        // Flattened list members repeat by design.
        let s = parse_snapshot("<Item>a</Item><Port>1</Port><Item>b</Item>").unwrap();
        assert_eq!(s.items, Some(vec!["a".to_owned(), "b".to_owned()]));
        // So does the result wrapper rule: a second `…Result` is an error, not ignored.
        let e = parse(
            "<CopySnapshotResponse><CopySnapshotResult/><CopySnapshotResult/></CopySnapshotResponse>",
        )
        .unwrap_err();
        assert_eq!(e.path(), "/CopySnapshotResponse/CopySnapshotResult");
    }

    #[test]
    fn characters_xml_forbids_are_errors() {
        for (inner, what) in [
            ("<SnapshotName>a\u{0}b</SnapshotName>", "U+0000"),
            ("<SnapshotName>\u{1}</SnapshotName>", "U+0001"),
            ("<SnapshotName><![CDATA[\u{1F}]]></SnapshotName>", "U+001F"),
            ("<SnapshotName>\u{FFFE}</SnapshotName>", "U+FFFE"),
            ("<SnapshotName>&#0;</SnapshotName>", "not permitted"),
            ("<SnapshotName>&#x1;</SnapshotName>", "U+0001"),
            ("<SnapshotName>&#xFFFF;</SnapshotName>", "U+FFFF"),
            ("<Unknown>\u{0}</Unknown>", "U+0000"),
        ] {
            let e = parse_snapshot(inner).unwrap_err();
            assert!(e.message().contains(what), "{inner:?}: {e}");
        }
        let s =
            parse_snapshot("<SnapshotName>\ta\r\n&#x9;&#xD7FF;\u{10000}</SnapshotName>").unwrap();
        assert_eq!(s.name.as_deref(), Some("\ta\r\n\t\u{D7FF}\u{10000}"));
    }

    #[test]
    fn only_utf8_documents() {
        let body = |decl: &str| {
            format!("{decl}<CopySnapshotResponse><CopySnapshotResult/></CopySnapshotResponse>")
        };
        for decl in [
            "",
            "<?xml version=\"1.0\"?>",
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
            "<?xml version='1.0' encoding='utf-8'?>",
            "<?xml version=\"1.0\" encoding=\"US-ASCII\"?>",
        ] {
            assert!(parse(&body(decl)).is_ok(), "{decl}");
        }
        for decl in [
            "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>",
            "<?xml version=\"1.0\" encoding=\"UTF-16\"?>",
        ] {
            let e = parse(&body(decl)).unwrap_err();
            assert!(
                e.message().contains("only UTF-8 is accepted"),
                "{decl}: {e}"
            );
        }
        let utf16: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("<a/>".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        let e = parse_response::<CopySnapshotResult>(&utf16, "a", "b").unwrap_err();
        assert!(e.message().contains("UTF-16"), "{e}");
    }

    #[test]
    fn error_text_is_bounded() {
        let long = "N".repeat(1 << 20);
        // A huge element name on the path, in "found <X>", in an unknown entity and in a
        // mismatched end tag: every message stays small.
        let bodies = [
            format!("<CopySnapshotResponse><CopySnapshotResult><{long}><Port>x</Port>"),
            format!("<{long}/>"),
            format!("<CopySnapshotResponse><CopySnapshotResult><Snapshot><SnapshotName>&{long};</SnapshotName></Snapshot></CopySnapshotResult></CopySnapshotResponse>"),
            format!("<CopySnapshotResponse><{long}></x></CopySnapshotResponse>"),
        ];
        for body in &bodies {
            let e = parse(body).unwrap_err();
            let text = e.to_string();
            assert!(text.len() < 1024, "{} bytes: {}…", text.len(), &text[..200]);
            assert!(text.contains("NNNN…"), "{text}");
        }
    }
}
