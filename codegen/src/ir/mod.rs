//! Stage 2: the validated intermediate representation.
//!
//! [`lower`] takes a resolved [`Model`](crate::smithy::Model) and the selected
//! operations, and decides everything once: the closure of shapes, Rust names
//! beside wire names, nullability, where each type lives, error codes, boxing of
//! recursive members, and name collisions (which are errors). No tokens here.

mod lower;
pub mod rules;

pub use lower::lower;

use crate::naming::RustName;
use serde::Serialize;
use serde_json::Value;

/// How required members become Rust types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub enum Nullability {
    /// Required members of input-only structures are plain fields, taken by the
    /// constructor; `clientOptional` is not honoured. Everything else is `Option`.
    #[default]
    Strict,
    /// As `Strict`, but a member with `clientOptional` is an `Option` too (as
    /// AWS SDKs generate it).
    ClientOptional,
}

/// The whole generated crate, decided.
#[derive(Debug, Clone, Serialize)]
pub struct Ir {
    /// The service.
    pub service: Service,
    /// The selected operations, in the order of the service's `operations`.
    pub operations: Vec<Operation>,
    /// Every structure and union in the closure, sorted by shape id.
    pub structures: Vec<Structure>,
    /// Every enum and intEnum in the closure, sorted by shape id.
    pub enums: Vec<Enum>,
    /// The waiters (`smithy.waiters#waitable`) of the selected operations, in operation
    /// order and then model order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub waiters: Vec<Waiter>,
    /// The service's `smithy.rules#endpointRuleSet`, lowered and checked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub endpoint_rules: Option<rules::RuleSet>,
    /// The service's `smithy.rules#endpointTests`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub endpoint_tests: Vec<rules::EndpointTest>,
}

/// One waiter of `smithy.waiters#waitable`, validated, with its expressions typed.
#[derive(Debug, Clone, Serialize)]
pub struct Waiter {
    /// The waiter's name in the model (`CacheClusterAvailable`).
    pub name: String,
    /// Its type in the `waiters` module.
    pub type_name: RustName,
    /// The client method (`wait_until_cache_cluster_available`).
    pub method: RustName,
    /// The operation polled (shape id).
    pub operation: String,
    /// Documentation as Markdown.
    pub docs: Option<String>,
    /// `minDelay` in seconds (default 2).
    pub min_delay: u64,
    /// `maxDelay` in seconds (default 120).
    pub max_delay: u64,
    /// `deprecated`.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub deprecated: bool,
    /// The acceptors, in model order.
    pub acceptors: Vec<Acceptor>,
}

/// One acceptor of a waiter.
#[derive(Debug, Clone, Serialize)]
pub struct Acceptor {
    /// What a match does.
    pub state: AcceptorState,
    /// When it matches.
    pub matcher: Matcher,
}

/// What a matching acceptor does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum AcceptorState {
    /// The wait succeeds.
    Success,
    /// The wait fails.
    Failure,
    /// The operation is polled again.
    Retry,
}

/// An acceptor's matcher.
#[derive(Debug, Clone, Serialize)]
pub enum Matcher {
    /// `output` (or `inputOutput`, when `input_output`): a JMESPath expression on the
    /// output (or on `{input, output}`) compared with an expected value.
    Path {
        /// Whether the expression sees `{input, output}`.
        input_output: bool,
        /// The expression as written.
        path: String,
        /// The compiled expression.
        expr: crate::jmespath::Typed,
        /// How its value is compared.
        comparator: Comparator,
        /// The expected value as written.
        expected: String,
    },
    /// `success`: `true` matches any output, `false` any error.
    Success(bool),
    /// `errorType`: an error response with one of these codes (the name as written, and the
    /// awsQuery code of the operation's error shape of that name, if different).
    ErrorType {
        /// The name as written.
        name: String,
        /// The codes that match.
        codes: Vec<String>,
    },
}

/// A comparator of a path matcher.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Comparator {
    /// A string equal to the expected one.
    StringEquals,
    /// A boolean equal to the expected one.
    BooleanEquals,
    /// A non-empty list of strings, all equal to the expected one.
    AllStringEquals,
    /// A list of strings, one of them equal to the expected one.
    AnyStringEquals,
}

impl Comparator {
    /// The comparator's name in the model.
    pub fn name(self) -> &'static str {
        match self {
            Comparator::StringEquals => "stringEquals",
            Comparator::BooleanEquals => "booleanEquals",
            Comparator::AllStringEquals => "allStringEquals",
            Comparator::AnyStringEquals => "anyStringEquals",
        }
    }
}

impl Acceptor {
    /// The matcher in words: `output Path comparator "expected"`, `success true`,
    /// `errorType Name`.
    pub fn describe(&self) -> String {
        match &self.matcher {
            Matcher::Path {
                input_output,
                path,
                comparator,
                expected,
                ..
            } => format!(
                "{} `{path}` {} {expected:?}",
                if *input_output {
                    "inputOutput"
                } else {
                    "output"
                },
                comparator.name()
            ),
            Matcher::Success(v) => format!("success {v}"),
            Matcher::ErrorType { name, .. } => format!("errorType {name}"),
        }
    }
}

/// The wire protocol of a service: both send form-encoded `POST`s and read XML; they differ
/// in request key names and lists, the response wrapper and the error envelope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Protocol {
    /// `aws.protocols#awsQuery`: keys from `xmlName` (else the member name), lists as
    /// `Name.member.N` unless `xmlFlattened`, an empty list sent as `Name=`, responses inside
    /// `<{Op}Result>`, errors in `<ErrorResponse>`, codes from `awsQueryError`.
    AwsQuery,
    /// `aws.protocols#ec2Query`: keys from `ec2QueryName`, else the capitalised `xmlName`,
    /// else the capitalised member name; every list flattened (`Name.N`) and an empty one
    /// not sent; the output's members straight inside `<{Op}Response>`; errors in
    /// `<Response><Errors>`.
    Ec2Query,
}

impl Protocol {
    /// The protocol trait's shape id.
    pub fn trait_id(self) -> &'static str {
        match self {
            Protocol::AwsQuery => crate::smithy::traits::AWS_QUERY,
            Protocol::Ec2Query => crate::smithy::traits::EC2_QUERY,
        }
    }
}

/// The service shape.
#[derive(Debug, Clone, Serialize)]
pub struct Service {
    /// Shape id.
    pub id: String,
    /// Crate (package) name.
    pub crate_name: String,
    /// `aws.api#service` sdkId, or the shape name.
    pub sdk_id: String,
    /// The wire protocol, from the service's protocol trait.
    pub protocol: Protocol,
    /// API version sent as `Version`.
    pub version: String,
    /// The XML namespace of responses.
    pub xml_namespace: Option<String>,
    /// SigV4 signing name.
    pub signing_name: Option<String>,
    /// Endpoint prefix.
    pub endpoint_prefix: Option<String>,
    /// Documentation as Markdown.
    pub docs: Option<String>,
}

/// One operation.
#[derive(Debug, Clone, Serialize)]
pub struct Operation {
    /// Shape id.
    pub id: String,
    /// Wire name (`Action=`).
    pub name: String,
    /// Module name (`copy_snapshot`).
    pub module: RustName,
    /// The operation's marker type (`CopySnapshot`).
    pub type_name: RustName,
    /// The error enum (`CopySnapshotError`).
    pub error_name: RustName,
    /// The alias `{Op}Input` for the input structure in the operation's module, unless the
    /// operation has no input or its input structure already has that name there.
    pub input_alias: Option<RustName>,
    /// The alias `{Op}Output` for the output structure, likewise.
    pub output_alias: Option<RustName>,
    /// Input structure id.
    pub input: Option<String>,
    /// Output structure id.
    pub output: Option<String>,
    /// Modelled error structure ids, in model order.
    pub errors: Vec<String>,
    /// Documentation as Markdown.
    pub docs: Option<String>,
    /// `smithy.api#examples`.
    pub examples: Vec<Example>,
    /// `smithy.api#endpoint` `hostPrefix`, split into literal text and input labels.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host_prefix: Option<Vec<HostPrefixPart>>,
    /// Whether `smithy.api#requestCompression` asks for gzip.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub gzip: bool,
    /// `smithy.test#httpRequestTests` that apply to clients.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub request_tests: Vec<RequestTest>,
    /// `smithy.test#httpResponseTests` that apply to clients, on the operation and on
    /// its error structures (those carry `error`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub response_tests: Vec<ResponseTest>,
    /// Whether the client may repeat the call after an attempt that may have reached the
    /// service.
    pub retry_safety: RetrySafety,
    /// `smithy.api#paginated`, with the service's defaults merged in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub paginated: Option<Paginated>,
    /// Whether requests are signed with SigV4 (`Operation::SIGNED`): `false` when the
    /// operation's effective auth schemes are empty (`smithy.api#auth: []`, or a service
    /// without auth schemes), or hold none this client speaks and the operation has
    /// `smithy.api#optionalAuth`. See `lower/auth.rs` for the whole rule.
    #[serde(skip_serializing_if = "is_true")]
    pub signed: bool,
}

fn is_true(b: &bool) -> bool {
    *b
}

/// Whether an operation may be repeated after an attempt that may have reached the
/// service (awsQuery calls are all `POST`s, so only the model or the name can say).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum RetrySafety {
    /// `smithy.api#readonly`.
    ReadOnly,
    /// No trait, but the name starts with `Describe` or `List`: AWS's naming rule for
    /// read-only operations (most AWS models, ElastiCache's included, carry no
    /// `readonly` traits).
    ReadOnlyByName,
    /// `smithy.api#idempotent`.
    Idempotent,
    /// None of the above: a repeat may act twice.
    NotSafe,
}

/// A paginated operation: which members carry the tokens, the page size and the items.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Paginated {
    /// The input member the next page's token goes into (never required).
    pub input_token: PathStep,
    /// The path of the output member holding the next token (`Marker`, or
    /// `Result.NextToken` through nested structures).
    pub output_token: Vec<PathStep>,
    /// The input member that sets the page size, if any.
    pub page_size: Option<PathStep>,
    /// The path of the output list holding each page's items, if any.
    pub items: Option<Vec<PathStep>>,
    /// The type of one item.
    pub item: Option<Ty>,
}

/// One member on a path through structures.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PathStep {
    /// Smithy member name.
    pub member: String,
    /// Rust field name.
    pub field: RustName,
}

/// A piece of an endpoint host prefix (`foo.{label}.`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum HostPrefixPart {
    /// Text sent as is.
    Literal(String),
    /// The value of the input member with this Smithy name (it has `smithy.api#hostLabel`).
    Label(String),
}

/// One `smithy.test#httpRequestTests` case: the request a client must send for `params`.
#[derive(Debug, Clone, Serialize)]
pub struct RequestTest {
    /// Test id (`QuerySimpleInputParamsStrings`).
    pub id: String,
    /// Documentation.
    pub docs: Option<String>,
    /// The input, as the trait's JSON.
    pub params: Value,
    /// Expected method.
    pub method: String,
    /// Expected path (with any endpoint path).
    pub uri: String,
    /// The endpoint host (and path) the client is configured with.
    pub host: Option<String>,
    /// The host the request must be sent to.
    pub resolved_host: Option<String>,
    /// Expected `key=value` query parameters, each as written in the trait.
    pub query_params: Vec<String>,
    /// Query parameter names that must be absent.
    pub forbid_query_params: Vec<String>,
    /// Query parameter names that must be present.
    pub require_query_params: Vec<String>,
    /// Expected headers and their values.
    pub headers: Vec<(String, String)>,
    /// Headers that must be absent.
    pub forbid_headers: Vec<String>,
    /// Headers that must be present, with any value.
    pub require_headers: Vec<String>,
    /// Expected body.
    pub body: Option<String>,
    /// How to compare the body (`application/x-www-form-urlencoded`; none: byte for byte).
    pub body_media_type: Option<String>,
}

/// One `smithy.test#httpResponseTests` case: what a client must parse a response into.
#[derive(Debug, Clone, Serialize)]
pub struct ResponseTest {
    /// Test id.
    pub id: String,
    /// Documentation.
    pub docs: Option<String>,
    /// The error structure this case is declared on; `None` for the operation's output.
    pub error: Option<String>,
    /// The expected output or error members, as the trait's JSON.
    pub params: Value,
    /// HTTP status.
    pub code: u16,
    /// Response headers.
    pub headers: Vec<(String, String)>,
    /// Response body (empty when absent).
    pub body: String,
    /// The body's media type.
    pub body_media_type: Option<String>,
    /// `vendorParams` (for awsQuery errors: the expected `code` and `type`).
    pub vendor_params: Value,
}

/// One `smithy.api#examples` entry.
#[derive(Debug, Clone, Serialize)]
pub struct Example {
    /// Title.
    pub title: String,
    /// Documentation (plain text).
    pub docs: Option<String>,
    /// Input document.
    pub input: Option<Value>,
    /// Output document.
    pub output: Option<Value>,
}

/// Where a generated type lives.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Placement {
    /// In `operation::<module>`: the input or output of that one operation.
    Operation(RustName),
    /// In `types`.
    Types,
    /// In `error`.
    Errors,
}

/// Which way a structure travels.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Directions {
    /// Reached from an operation input: needs a serializer.
    pub input: bool,
    /// Reached from an output or error: needs a deserializer.
    pub output: bool,
}

/// A structure, or a union (`kind`).
#[derive(Debug, Clone, Serialize)]
pub struct Structure {
    /// Shape id.
    pub id: String,
    /// Rust type name.
    pub name: RustName,
    /// Where it lives.
    pub placement: Placement,
    /// Which way it travels.
    pub directions: Directions,
    /// Members in model order.
    pub members: Vec<Member>,
    /// Error details, for error structures.
    pub error: Option<ErrorInfo>,
    /// Documentation as Markdown.
    pub docs: Option<String>,
    /// `smithy.api#sensitive` on the structure itself: `Debug` prints none of it.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub sensitive: bool,
    /// A structure, or a union (a Rust enum with a variant per member).
    #[serde(skip_serializing_if = "StructureKind::is_structure")]
    pub kind: StructureKind,
}

/// What a [`Structure`] is on the Rust side.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum StructureKind {
    /// A struct with a field per member.
    Structure,
    /// A Smithy union: an enum with a variant per member (each holds its value; none is an
    /// `Option`, and one targeting `smithy.api#Unit` holds nothing), plus a variant for a
    /// member this model does not know.
    Union {
        /// That extra variant: `Unknown`, or `UnknownValue` when a member takes `Unknown`.
        unknown: RustName,
    },
}

impl StructureKind {
    fn is_structure(&self) -> bool {
        *self == StructureKind::Structure
    }
}

impl Structure {
    /// The name of the extra variant, when this is a union.
    pub fn union_unknown(&self) -> Option<&RustName> {
        match &self.kind {
            StructureKind::Union { unknown } => Some(unknown),
            StructureKind::Structure => None,
        }
    }

    /// Whether this is a union.
    pub fn is_union(&self) -> bool {
        self.union_unknown().is_some()
    }

    /// Whether any member is a plain (required) field.
    pub fn has_required(&self) -> bool {
        self.members.iter().any(|m| !m.optional)
    }

    /// Whether `Debug` must hide some of it: the structure is sensitive, or a member is.
    pub fn redacts(&self) -> bool {
        self.sensitive || self.members.iter().any(|m| m.sensitive)
    }
}

/// Error traits of an error structure.
#[derive(Debug, Clone, Serialize)]
pub struct ErrorInfo {
    /// The awsQuery code (`awsQueryError.code`, else the shape name).
    pub code: String,
    /// HTTP status (`awsQueryError.httpResponseCode`, else `httpError`, else 400/500).
    pub status: u16,
    /// `client` or `server`.
    pub fault: String,
}

/// A structure member.
#[derive(Debug, Clone, Serialize)]
pub struct Member {
    /// Smithy member name.
    pub name: String,
    /// Rust field name.
    pub field: RustName,
    /// Form key segment, already URL-safe.
    pub query_name: String,
    /// XML element (or attribute) name.
    pub xml_name: String,
    /// Whether the member is an XML attribute.
    pub xml_attribute: bool,
    /// Whether the field is an `Option`.
    pub optional: bool,
    /// Whether the value is boxed (recursion).
    pub boxed: bool,
    /// The type.
    pub ty: Ty,
    /// Documentation as Markdown.
    pub docs: Option<String>,
    /// Deprecation message, if deprecated.
    pub deprecated: Option<String>,
    /// `smithy.api#idempotencyToken`: filled with a fresh token when left unset.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub idempotency_token: bool,
    /// Whether the value is sensitive (`smithy.api#sensitive` on the member, its target, or
    /// the items, keys or values of its list or map target): `Debug` prints a placeholder.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub sensitive: bool,
}

impl Member {
    /// The Rust variant name of a union member (`UpperCamel`).
    pub fn variant(&self) -> RustName {
        crate::naming::camel(&self.name)
    }
}

/// Timestamp wire formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum TimestampFormat {
    /// RFC 3339 date-time.
    DateTime,
    /// Seconds since the epoch.
    EpochSeconds,
    /// IMF-fixdate.
    HttpDate,
}

/// A member type.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Ty {
    /// `String`.
    String,
    /// `bool`.
    Boolean,
    /// `i8`.
    Byte,
    /// `i16`.
    Short,
    /// `i32`.
    Integer,
    /// `i64`.
    Long,
    /// `f32`.
    Float,
    /// `f64`.
    Double,
    /// A timestamp with its wire format.
    Timestamp(TimestampFormat),
    /// Bytes.
    Blob,
    /// An enum, by shape id.
    Enum(String),
    /// A structure, by shape id.
    Structure(String),
    /// A list.
    List(Box<List>),
    /// A map.
    Map(Box<Map>),
    /// `smithy.api#Unit`: no value. Only a union member has it (a variant without data).
    Unit,
}

/// A list type.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct List {
    /// Item type.
    pub item: Ty,
    /// Name of each item (`member` or the member's xmlName), URL-safe.
    pub item_name: String,
    /// The local name of each item's XML element (`member`, or the member's xmlName without
    /// a namespace prefix): what the response parser matches items by.
    pub item_element: String,
    /// Whether the list is flattened into its parent.
    pub flattened: bool,
}

/// A map type.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Map {
    /// Key type.
    pub key: Ty,
    /// Value type.
    pub value: Ty,
    /// Key element name.
    pub key_name: String,
    /// The local name of the key's XML element (`key`, or the key's xmlName without a
    /// namespace prefix): what the response parser matches.
    pub key_element: String,
    /// Value element name.
    pub value_name: String,
    /// The local name of the value's XML element (`value`, or its xmlName without a prefix).
    pub value_element: String,
    /// Whether the map is flattened into its parent.
    pub flattened: bool,
}

/// An enum or intEnum.
#[derive(Debug, Clone, Serialize)]
pub struct Enum {
    /// Shape id.
    pub id: String,
    /// Rust type name.
    pub name: RustName,
    /// Whether it is an intEnum.
    pub int: bool,
    /// Variants in model order.
    pub variants: Vec<Variant>,
    /// Name of the catch-all variant (`Unknown`, or `UnknownValue` when a
    /// member already takes `Unknown`).
    pub unknown: RustName,
    /// Documentation as Markdown.
    pub docs: Option<String>,
    /// `smithy.api#sensitive` on the enum: `Debug` prints a placeholder, not the value.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub sensitive: bool,
}

/// An enum variant.
#[derive(Debug, Clone, Serialize)]
pub struct Variant {
    /// Smithy member name.
    pub member: String,
    /// Rust variant name.
    pub name: RustName,
    /// Wire value (string, or the integer as text for intEnums).
    pub value: String,
    /// Documentation as Markdown.
    pub docs: Option<String>,
}

impl Serialize for RustName {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.source())
    }
}

impl Ir {
    /// The structure with this id.
    pub fn structure(&self, id: &str) -> Option<&Structure> {
        // Sorted by id (`lower` builds them from an ordered map): EC2 has thousands.
        self.structures
            .binary_search_by(|s| s.id.as_str().cmp(id))
            .ok()
            .map(|i| &self.structures[i])
    }

    /// The enum with this id.
    pub fn enumeration(&self, id: &str) -> Option<&Enum> {
        self.enums
            .binary_search_by(|e| e.id.as_str().cmp(id))
            .ok()
            .map(|i| &self.enums[i])
    }

    /// Whether any generated type's `Debug` redacts something.
    pub fn has_sensitive(&self) -> bool {
        self.structures.iter().any(Structure::redacts) || self.enums.iter().any(|e| e.sensitive)
    }
}
