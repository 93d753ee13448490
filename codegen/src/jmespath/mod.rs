//! JMESPath expressions of waiter acceptors, compiled at generation time.
//!
//! [`parse`] reads the whole JMESPath grammar; [`check`] types an expression against the
//! IR's structures and gives a [`Typed`] tree in which every node has a static type and
//! every member access knows its Rust field and how to read it. The emitter
//! (`emit/waiters.rs`) turns that tree into Rust that evaluates the expression on the
//! generated output (or input and output) types, with no JMESPath interpreter at run time.
//!
//! The types ([`JType`]): strings (enums count as strings, intEnums as numbers), booleans,
//! numbers, `null`, structures, lists of those, and the `{input, output}` pair of an
//! `inputOutput` matcher. Supported: members (`a.b`, `"quoted"`), `@`, list projections
//! (`[*]`, `[]` with its flattening of nested lists, filters `[?…]`), indexes (`[0]`,
//! `[-1]`), pipes, literals (`` `json` `` scalars and `'raw'` strings), comparisons (`==` and
//! `!=` between values of one type or with `null`; `<`, `<=`, `>`, `>=` between numbers),
//! `&&`, `||`, `!` (JMESPath truth), and the functions `length` (of a string or list) and
//! `contains` (of a list and an item of its type, or of two strings).
//!
//! Anything else is a generation error with the reason: object projections (`*`), slices,
//! multi-selects, other functions, maps, timestamps and blobs, the truth of a structure, a
//! member a structure does not have, a projection of something that is not a list, and
//! comparisons that are always false or always `null` because their types differ.

pub mod check;
pub mod parse;

pub use check::{check, Root};
pub use parse::{parse, Ast, Cmp};

use crate::naming::RustName;
use serde::Serialize;

/// The static type of a JMESPath value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum JType {
    /// A string or a string enum: `Option<&str>`.
    Str,
    /// `Option<bool>`.
    Bool,
    /// Any number, an intEnum, or a `length`: `Option<f64>`.
    Num,
    /// Only ever `null` (the literal).
    Null,
    /// A structure, by shape id: `Option<&T>`.
    Struct(String),
    /// A list (or a projection): `Option<Vec<R>>` of the item's representation.
    List(Box<JType>),
    /// The root of an `inputOutput` matcher: `Option<&(&Input, &Output)>`.
    InputOutput {
        /// The input structure's id.
        input: String,
        /// The output structure's id.
        output: String,
    },
    /// `a && b` or `a || b` whose sides have different types: only its truth can be used.
    Mixed,
}

impl JType {
    /// The type in words, for errors.
    pub fn describe(&self) -> String {
        match self {
            JType::Str => "a string".into(),
            JType::Bool => "a boolean".into(),
            JType::Num => "a number".into(),
            JType::Null => "null".into(),
            JType::Struct(id) => format!("a structure (`{}`)", crate::smithy::shape_name(id)),
            JType::List(item) => format!("a list of {}", item.describe_plural()),
            JType::InputOutput { .. } => "the {input, output} pair".into(),
            JType::Mixed => "an `&&`/`||` of values of different types".into(),
        }
    }

    fn describe_plural(&self) -> String {
        match self {
            JType::Str => "strings".into(),
            JType::Bool => "booleans".into(),
            JType::Num => "numbers".into(),
            JType::Struct(id) => format!("structures (`{}`)", crate::smithy::shape_name(id)),
            JType::List(item) => format!("lists of {}", item.describe_plural()),
            other => other.describe(),
        }
    }
}

/// A typed expression: what to compute, and its type.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Typed {
    /// The expression.
    pub expr: Expr,
    /// Its type.
    pub ty: JType,
}

/// How a member's value becomes its JMESPath representation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Access {
    /// A `String`.
    Str,
    /// A string enum (`as_str`).
    Enum,
    /// An intEnum (`value`).
    IntEnum,
    /// A `bool`.
    Bool,
    /// A number.
    Num,
    /// A structure (`boxed`: behind a `Box`).
    Struct {
        /// Whether the member is boxed.
        boxed: bool,
    },
    /// A list, with how each item is converted.
    List(Item),
    /// The input of an `inputOutput` root.
    RootInput,
    /// The output of an `inputOutput` root.
    RootOutput,
}

/// How one list item becomes its JMESPath representation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Item {
    /// `&String` → `&str`.
    Str,
    /// `&Enum` → `&str`.
    Enum,
    /// `&IntEnum` → `f64`.
    IntEnum,
    /// `&bool` → `bool`.
    Bool,
    /// A number → `f64`.
    Num,
    /// `&T` as is.
    Struct,
    /// A nested list.
    List(Box<Item>),
}

/// A node of a typed expression. Every node evaluates on "the current value" (the root, an
/// item of a projection, or the left side of a pipe).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Expr {
    /// The current value (`@`, or the implied right side of a projection).
    Current,
    /// A member of the current value (a structure, or the `inputOutput` pair).
    Field {
        /// The Smithy member name.
        member: String,
        /// The Rust field.
        field: RustName,
        /// Whether the field is an `Option`.
        optional: bool,
        /// How the value is read.
        access: Access,
    },
    /// A literal.
    Literal(Literal),
    /// `base[index]`.
    Index {
        /// A list.
        base: Box<Typed>,
        /// The index; negative from the end.
        index: i64,
    },
    /// `base` with nested lists spliced in (`nested`), or as is when its items are no lists.
    Flatten {
        /// A list.
        base: Box<Typed>,
        /// Whether the items are lists.
        nested: bool,
    },
    /// `then` on each item of `base` that passes `filter`; `null`s dropped.
    Project {
        /// A list.
        base: Box<Typed>,
        /// A condition on each item.
        filter: Option<Box<Typed>>,
        /// The value of each item.
        then: Box<Typed>,
    },
    /// `right` evaluated on the value of `left`.
    Pipe {
        /// The new current value.
        left: Box<Typed>,
        /// The result.
        right: Box<Typed>,
    },
    /// A comparison.
    Compare {
        /// The operator.
        op: Cmp,
        /// Left side.
        left: Box<Typed>,
        /// Right side.
        right: Box<Typed>,
    },
    /// `left && right`.
    And(Box<Typed>, Box<Typed>),
    /// `left || right`.
    Or(Box<Typed>, Box<Typed>),
    /// `!x`.
    Not(Box<Typed>),
    /// `length(x)` of a string (`false`) or a list (`true`).
    Length {
        /// The argument.
        arg: Box<Typed>,
        /// Whether it is a list.
        list: bool,
    },
    /// `contains(subject, search)` of a list (`true`) or a string (`false`).
    Contains {
        /// What is searched.
        subject: Box<Typed>,
        /// What is looked for.
        search: Box<Typed>,
        /// Whether the subject is a list.
        list: bool,
    },
}

/// A literal value.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Literal {
    /// A string.
    Str(String),
    /// A number.
    Num(f64),
    /// A boolean.
    Bool(bool),
    /// `null`.
    Null,
}
