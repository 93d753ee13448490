//! Stage 1: a lossless view of a Smithy 2.0 JSON AST document.
//!
//! Shapes keep their model order (an [`IndexMap`]), traits are kept as raw JSON
//! values keyed by trait id and read through typed accessors, and unknown trait
//! ids pass through untouched: AWS models carry traits whose definitions are not
//! in the file. An unknown shape *type* is an error. `apply` shapes and mixins are
//! resolved by [`Model::parse`], so later stages see each shape complete.

mod resolve;

use crate::error::{Error, Result};
use indexmap::IndexMap;
use serde::Deserialize;
use serde_json::Value;

/// Trait ids this generator reads.
pub mod traits {
    #![allow(missing_docs)]
    pub const DOCUMENTATION: &str = "smithy.api#documentation";
    pub const REQUIRED: &str = "smithy.api#required";
    pub const CLIENT_OPTIONAL: &str = "smithy.api#clientOptional";
    pub const DEFAULT: &str = "smithy.api#default";
    pub const ENUM_VALUE: &str = "smithy.api#enumValue";
    pub const ERROR: &str = "smithy.api#error";
    pub const HTTP_ERROR: &str = "smithy.api#httpError";
    pub const XML_NAME: &str = "smithy.api#xmlName";
    pub const XML_FLATTENED: &str = "smithy.api#xmlFlattened";
    pub const XML_ATTRIBUTE: &str = "smithy.api#xmlAttribute";
    pub const XML_NAMESPACE: &str = "smithy.api#xmlNamespace";
    pub const TIMESTAMP_FORMAT: &str = "smithy.api#timestampFormat";
    pub const EXAMPLES: &str = "smithy.api#examples";
    pub const MIXIN: &str = "smithy.api#mixin";
    pub const DEPRECATED: &str = "smithy.api#deprecated";
    pub const IDEMPOTENCY_TOKEN: &str = "smithy.api#idempotencyToken";
    pub const PAGINATED: &str = "smithy.api#paginated";
    pub const WAITABLE: &str = "smithy.waiters#waitable";
    pub const READONLY: &str = "smithy.api#readonly";
    pub const IDEMPOTENT: &str = "smithy.api#idempotent";
    pub const ENDPOINT: &str = "smithy.api#endpoint";
    pub const HOST_LABEL: &str = "smithy.api#hostLabel";
    pub const REQUEST_COMPRESSION: &str = "smithy.api#requestCompression";
    pub const HTTP_REQUEST_TESTS: &str = "smithy.test#httpRequestTests";
    pub const HTTP_RESPONSE_TESTS: &str = "smithy.test#httpResponseTests";
    pub const AWS_QUERY: &str = "aws.protocols#awsQuery";
    pub const AWS_QUERY_ERROR: &str = "aws.protocols#awsQueryError";
    pub const EC2_QUERY: &str = "aws.protocols#ec2Query";
    pub const EC2_QUERY_NAME: &str = "aws.protocols#ec2QueryName";
    pub const AWS_SERVICE: &str = "aws.api#service";
    pub const SIGV4: &str = "aws.auth#sigv4";
    pub const SENSITIVE: &str = "smithy.api#sensitive";
    pub const AUTH: &str = "smithy.api#auth";
    pub const OPTIONAL_AUTH: &str = "smithy.api#optionalAuth";
    pub const AUTH_DEFINITION: &str = "smithy.api#authDefinition";
    pub const ENDPOINT_RULE_SET: &str = "smithy.rules#endpointRuleSet";
    pub const ENDPOINT_TESTS: &str = "smithy.rules#endpointTests";
}

/// A parsed model: its shapes in file order, with `apply` and mixins resolved.
#[derive(Debug, Clone)]
pub struct Model {
    /// The `smithy` version string (`2.0`).
    pub version: String,
    /// Shapes by absolute shape id, in the order of the file.
    pub shapes: IndexMap<String, Shape>,
}

/// The shape types of Smithy 2.0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub enum ShapeType {
    Blob,
    Boolean,
    String,
    Byte,
    Short,
    Integer,
    Long,
    Float,
    Double,
    BigInteger,
    BigDecimal,
    Timestamp,
    Document,
    Enum,
    IntEnum,
    List,
    Set,
    Map,
    Structure,
    Union,
    Service,
    Resource,
    Operation,
    Apply,
}

/// A reference to another shape: `{"target": "ns#Name"}`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Target {
    /// The absolute shape id referred to.
    pub target: String,
}

/// A member of an aggregate shape.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Member {
    /// The absolute id of the member's target shape.
    pub target: String,
    /// The member's traits, by trait id.
    #[serde(default)]
    pub traits: IndexMap<String, Value>,
}

/// One shape of the model. Fields a shape type does not use stay empty.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Shape {
    /// The shape's type.
    #[serde(rename = "type")]
    pub kind: ShapeType,
    /// Traits by trait id.
    #[serde(default)]
    pub traits: IndexMap<String, Value>,
    /// Members of structures, unions, enums and intEnums, in model order.
    #[serde(default)]
    pub members: IndexMap<String, Member>,
    /// The member of a list or set.
    pub member: Option<Member>,
    /// The key of a map.
    pub key: Option<Member>,
    /// The value of a map.
    pub value: Option<Member>,
    /// Mixins applied to this shape.
    #[serde(default)]
    pub mixins: Vec<Target>,
    /// An operation's input.
    pub input: Option<Target>,
    /// An operation's output.
    pub output: Option<Target>,
    /// An operation's errors (also a service's common errors).
    #[serde(default)]
    pub errors: Vec<Target>,
    /// A service's or resource's operations.
    #[serde(default)]
    pub operations: Vec<Target>,
    /// A service's or resource's resources.
    #[serde(default)]
    pub resources: Vec<Target>,
    /// A service's version.
    pub version: Option<String>,
    /// Lifecycle operations and the like of resources, kept as raw JSON.
    #[serde(flatten)]
    pub other: IndexMap<String, Value>,
}

#[derive(Deserialize)]
struct Document {
    smithy: String,
    #[serde(default)]
    shapes: IndexMap<String, Shape>,
}

impl Model {
    /// Parses and resolves a JSON AST document. `file` names it in errors; JSON
    /// syntax errors carry line and column.
    pub fn parse(file: &str, json: &str) -> Result<Model> {
        let doc: Document = serde_json::from_str(json).map_err(|e| {
            let what = match e.classify() {
                serde_json::error::Category::Data => "not a Smithy JSON AST document",
                _ => "invalid JSON",
            };
            Error::new(
                format!("{file}:{}:{}", e.line(), e.column()),
                format!("{what}: {e}"),
            )
        })?;
        if !doc.smithy.starts_with('2') && !doc.smithy.starts_with('1') {
            return Err(Error::new(
                file,
                format!("unsupported Smithy IDL version {:?}", doc.smithy),
            ));
        }
        for id in doc.shapes.keys() {
            if !id.contains('#') {
                return Err(Error::new(
                    format!("{file}: shape {id:?}"),
                    "a shape id must be absolute (`namespace#Name`)",
                ));
            }
        }
        let shapes = resolve::resolve(doc.shapes)?;
        Ok(Model {
            version: doc.smithy,
            shapes,
        })
    }

    /// The shape with this id, or an error naming who referred to it.
    pub fn shape(&self, id: &str, referrer: &str) -> Result<&Shape> {
        self.shapes.get(id).ok_or_else(|| {
            Error::new(
                referrer,
                format!("refers to `{id}`, which is not a shape of the model"),
            )
        })
    }

    /// The service shapes of the model.
    pub fn services(&self) -> impl Iterator<Item = (&String, &Shape)> {
        self.shapes
            .iter()
            .filter(|(_, s)| s.kind == ShapeType::Service)
    }
}

/// Typed reads of trait values.
pub trait Traits {
    /// The raw traits.
    fn traits(&self) -> &IndexMap<String, Value>;

    /// Whether the trait is present.
    fn has(&self, id: &str) -> bool {
        self.traits().contains_key(id)
    }

    /// A trait whose value is a string (`documentation`, `xmlName`, `error` …).
    fn string_trait(&self, id: &str) -> Option<&str> {
        self.traits().get(id).and_then(Value::as_str)
    }

    /// A string field of an object-valued trait (`awsQueryError.code` …).
    fn trait_field(&self, id: &str, field: &str) -> Option<&Value> {
        self.traits().get(id).and_then(|v| v.get(field))
    }
}

impl Traits for Shape {
    fn traits(&self) -> &IndexMap<String, Value> {
        &self.traits
    }
}

impl Traits for Member {
    fn traits(&self) -> &IndexMap<String, Value> {
        &self.traits
    }
}

/// The name part of a shape id (`ns#Name` → `Name`; `ns#Name$member` → `Name`).
pub fn shape_name(id: &str) -> &str {
    let name = id.split_once('#').map_or(id, |(_, n)| n);
    name.split_once('$').map_or(name, |(n, _)| n)
}

/// The namespace of a shape id.
pub fn namespace(id: &str) -> &str {
    id.split_once('#').map_or("", |(ns, _)| ns)
}
