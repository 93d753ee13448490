//! Endpoint rules: the engine that interprets a service's `smithy.rules#endpointRuleSet`
//! (Smithy rules engine 1.0) and resolves an endpoint from parameters. Sans-IO; no feature
//! needed.
//!
//! The generator lowers each model's rule set into a [`RuleSet`]: `const` data made of the
//! types below (rules, conditions, expressions with every reference already resolved to a
//! slot number), checked when the crate is generated: unknown functions, wrong arity or
//! argument types and references to variables not in scope are generation errors that name
//! the service and the rule. This module interprets that data. Why data and one engine,
//! rather than Rust code per rule set or the rule set's JSON read at run time:
//!
//! - one engine, tested once, serves every generated crate, and the crates share it;
//! - generated code is a tree of constants, which compiles fast however large the rule set
//!   (EC2's crate is large enough already) and adds no functions per service;
//! - mistakes in a model surface when the crate is generated, not when a request is sent,
//!   and nothing is parsed at run time (no JSON parser in the runtime).
//!
//! The functions of the standard library (`isSet`, `not`, `getAttr`, `booleanEquals`,
//! `stringEquals`, `substring`, `uriEncode`, `parseURL`, `isValidHostLabel`) and the AWS
//! ones (`aws.partition`, on [`partitions`], `aws.parseArn`,
//! `aws.isVirtualHostableS3Bucket`) are in `library.rs`.

mod library;
#[rustfmt::skip]
pub mod partitions;

use super::endpoint::EndpointError;
use std::fmt;

pub use library::{is_valid_host_label, partition};

/// The index of a variable while rules are evaluated: the parameters come first, in the
/// order of [`RuleSet::params`], then each `assign` of a condition has a slot of its own.
pub type Slot = u16;

/// A lowered `smithy.rules#endpointRuleSet`.
#[derive(Debug, Clone, Copy)]
pub struct RuleSet {
    /// The service shape the rules come from, for messages.
    pub service: &'static str,
    /// The parameters, in slot order.
    pub params: &'static [Param],
    /// The top-level rules, tried in order.
    pub rules: &'static [Rule],
    /// How many slots evaluation needs: the parameters and every `assign`.
    pub slots: u16,
}

/// One parameter of a rule set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Param {
    /// Its name in the rule set (`Region`).
    pub name: &'static str,
    /// Its type.
    pub ty: ParamType,
    /// The SDK setting that supplies it (`AWS::Region`, `SDK::Endpoint` …), if any.
    pub built_in: Option<&'static str>,
    /// Whether resolution fails when it has no value (after its default).
    pub required: bool,
    /// The value it has when none is given.
    pub default: Option<Literal>,
}

/// The type of a parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamType {
    /// `string`.
    String,
    /// `boolean`.
    Boolean,
    /// `stringArray`.
    StringArray,
}

impl ParamType {
    /// The rule set's name of the type.
    pub fn name(self) -> &'static str {
        match self {
            Self::String => "string",
            Self::Boolean => "boolean",
            Self::StringArray => "stringArray",
        }
    }
}

/// A constant parameter value (a default).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Literal {
    /// A string.
    Str(&'static str),
    /// A boolean.
    Bool(bool),
    /// An array of strings.
    StrArray(&'static [&'static str]),
}

impl Literal {
    /// As a run-time value.
    pub fn value(self) -> Value {
        match self {
            Self::Str(s) => Value::Str(s.to_owned()),
            Self::Bool(b) => Value::Bool(b),
            Self::StrArray(items) => {
                Value::Array(items.iter().map(|s| Value::Str((*s).to_owned())).collect())
            }
        }
    }
}

/// A rule: conditions, and what follows when they all hold.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    /// Evaluated in order; the first that is false (or has no value) ends the rule.
    pub conditions: &'static [Condition],
    /// What the rule does when its conditions hold.
    pub kind: RuleKind,
}

/// The three kinds of rule.
#[derive(Debug, Clone, Copy)]
pub enum RuleKind {
    /// Resolves to this endpoint.
    Endpoint(EndpointTemplate),
    /// Fails with this message (a string expression).
    Error(Expr),
    /// Tries these rules in order; if none applies, neither does this rule.
    Tree(&'static [Rule]),
}

/// The endpoint of an endpoint rule, before its templates are filled in.
#[derive(Debug, Clone, Copy)]
pub struct EndpointTemplate {
    /// The URL (a string expression).
    pub url: Expr,
    /// The properties (`authSchemes` …), in model order.
    pub properties: &'static [(&'static str, Expr)],
    /// Headers to send, each with its values (string expressions).
    pub headers: &'static [(&'static str, &'static [Expr])],
}

/// A condition: a function call, its result optionally bound to a slot.
#[derive(Debug, Clone, Copy)]
pub struct Condition {
    /// The call.
    pub call: Call,
    /// The slot of the `assign` name, if any.
    pub assign: Option<Slot>,
}

/// A function call.
#[derive(Debug, Clone, Copy)]
pub struct Call {
    /// The function.
    pub function: Function,
    /// Its arguments (the generator checked their number and types).
    pub args: &'static [Expr],
}

/// The functions of the rules engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Function {
    /// `isSet(value)`.
    IsSet,
    /// `not(bool)`.
    Not,
    /// `getAttr(value, path)`; the path is the second argument, a string lowered to
    /// [`Expr::Path`].
    GetAttr,
    /// `booleanEquals(a, b)`.
    BooleanEquals,
    /// `stringEquals(a, b)`.
    StringEquals,
    /// `substring(input, start, stop, reverse)`.
    Substring,
    /// `uriEncode(value)`.
    UriEncode,
    /// `parseURL(url)`.
    ParseUrl,
    /// `isValidHostLabel(value, allowSubDomains)`.
    IsValidHostLabel,
    /// `aws.partition(region)`.
    AwsPartition,
    /// `aws.parseArn(value)`.
    AwsParseArn,
    /// `aws.isVirtualHostableS3Bucket(value, allowSubDomains)`.
    AwsIsVirtualHostableS3Bucket,
}

impl Function {
    /// Every function, for the generator's table.
    pub const ALL: [Function; 12] = [
        Self::IsSet,
        Self::Not,
        Self::GetAttr,
        Self::BooleanEquals,
        Self::StringEquals,
        Self::Substring,
        Self::UriEncode,
        Self::ParseUrl,
        Self::IsValidHostLabel,
        Self::AwsPartition,
        Self::AwsParseArn,
        Self::AwsIsVirtualHostableS3Bucket,
    ];

    /// The name rule sets call it by.
    pub fn name(self) -> &'static str {
        match self {
            Self::IsSet => "isSet",
            Self::Not => "not",
            Self::GetAttr => "getAttr",
            Self::BooleanEquals => "booleanEquals",
            Self::StringEquals => "stringEquals",
            Self::Substring => "substring",
            Self::UriEncode => "uriEncode",
            Self::ParseUrl => "parseURL",
            Self::IsValidHostLabel => "isValidHostLabel",
            Self::AwsPartition => "aws.partition",
            Self::AwsParseArn => "aws.parseArn",
            Self::AwsIsVirtualHostableS3Bucket => "aws.isVirtualHostableS3Bucket",
        }
    }

    /// The function of this name.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.name() == name)
    }
}

/// An expression: a literal (with templates resolved to slots), a reference or a call.
#[derive(Debug, Clone, Copy)]
pub enum Expr {
    /// A string, possibly templated (`https://sts.{Region}.{PartitionResult#dnsSuffix}`).
    Str(&'static [Part]),
    /// A boolean.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// An array.
    Array(&'static [Expr]),
    /// A record.
    Record(&'static [(&'static str, Expr)]),
    /// The variable in a slot.
    Ref(Slot),
    /// A path of `getAttr` (`resourceId[2]`), already parsed.
    Path(&'static [Step]),
    /// A function call.
    Call(&'static Call),
}

/// A piece of a templated string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// Text as is (`{{` and `}}` already unescaped).
    Text(&'static str),
    /// The string in a slot (`{Region}`).
    Var(Slot),
    /// An attribute of the value in a slot (`{PartitionResult#dnsSuffix}`).
    Attr(Slot, &'static [Step]),
}

/// One step of a `getAttr` path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// A record's field.
    Key(&'static str),
    /// An array's item.
    Index(usize),
}

/// A value while rules are evaluated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// A string.
    Str(String),
    /// A boolean.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// An array.
    Array(Vec<Value>),
    /// A record, in insertion order.
    Record(Vec<(String, Value)>),
}

impl Value {
    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Self::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The boolean, if this is one.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Self::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// A record's field.
    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Self::Record(fields) => fields.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    fn type_name(&self) -> &'static str {
        match self {
            Self::Str(_) => "string",
            Self::Bool(_) => "boolean",
            Self::Int(_) => "integer",
            Self::Array(_) => "array",
            Self::Record(_) => "record",
        }
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Self::Str(s.to_owned())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Self::Str(s)
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Self::Bool(b)
    }
}

impl fmt::Display for Value {
    /// JSON, with record fields in order.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fn string(f: &mut fmt::Formatter<'_>, s: &str) -> fmt::Result {
            f.write_str("\"")?;
            for c in s.chars() {
                match c {
                    '"' => f.write_str("\\\"")?,
                    '\\' => f.write_str("\\\\")?,
                    c if u32::from(c) < 0x20 => write!(f, "\\u{:04x}", u32::from(c))?,
                    c => write!(f, "{c}")?,
                }
            }
            f.write_str("\"")
        }
        match self {
            Self::Str(s) => string(f, s),
            Self::Bool(b) => write!(f, "{b}"),
            Self::Int(i) => write!(f, "{i}"),
            Self::Array(items) => {
                f.write_str("[")?;
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(",")?;
                    }
                    write!(f, "{item}")?;
                }
                f.write_str("]")
            }
            Self::Record(fields) => {
                f.write_str("{")?;
                for (i, (k, v)) in fields.iter().enumerate() {
                    if i > 0 {
                        f.write_str(",")?;
                    }
                    string(f, k)?;
                    write!(f, ":{v}")?;
                }
                f.write_str("}")
            }
        }
    }
}

/// An endpoint the rules resolved to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedEndpoint {
    /// The URL.
    pub url: String,
    /// The properties, in the rule's order (`authSchemes` …).
    pub properties: Vec<(String, Value)>,
    /// Headers to send with every request, with their values.
    pub headers: Vec<(String, Vec<String>)>,
}

/// How to sign requests to a resolved endpoint, from its `authSchemes` property.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AuthScheme {
    /// `signingName`, if the scheme has one (else the service's own).
    pub signing_name: Option<String>,
    /// `signingRegion`, if the scheme has one (else the configured region).
    pub signing_region: Option<String>,
    /// `disableDoubleEncoding`: the path is not encoded twice in the canonical request.
    /// Query protocols always send the path `/`, so it makes no difference to them.
    pub disable_double_encoding: bool,
}

impl ResolvedEndpoint {
    /// A property.
    pub fn property(&self, name: &str) -> Option<&Value> {
        self.properties
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v)
    }

    /// The SigV4 scheme of `authSchemes`: `None` without the property, the `sigv4` entry
    /// when it lists one, and an error naming the schemes when it lists only others
    /// (`sigv4a`, …), which this client cannot sign for.
    pub fn auth_scheme(&self) -> Result<Option<AuthScheme>, EndpointError> {
        let Some(schemes) = self.property("authSchemes") else {
            return Ok(None);
        };
        let Value::Array(schemes) = schemes else {
            return Err(EndpointError::new(format!(
                "the endpoint {}'s authSchemes is a {}, not a list",
                self.url,
                schemes.type_name()
            )));
        };
        let names: Vec<&str> = schemes
            .iter()
            .map(|s| s.get("name").and_then(Value::as_str).unwrap_or("?"))
            .collect();
        let Some(sigv4) = schemes
            .iter()
            .find(|s| s.get("name").and_then(Value::as_str) == Some("sigv4"))
        else {
            return Err(EndpointError::new(format!(
                "the endpoint {} needs the auth scheme(s) {} and this client signs only with sigv4",
                self.url,
                names.join(", ")
            )));
        };
        let text = |key: &str| sigv4.get(key).and_then(Value::as_str).map(str::to_owned);
        Ok(Some(AuthScheme {
            signing_name: text("signingName"),
            signing_region: text("signingRegion"),
            disable_double_encoding: sigv4
                .get("disableDoubleEncoding")
                .and_then(Value::as_bool)
                .unwrap_or(false),
        }))
    }
}

/// Resolves an endpoint: `values` holds the parameters by name (any not given is unset).
/// An unknown name or a value of the wrong type is an error.
pub fn resolve_named(
    rule_set: &RuleSet,
    values: &[(&str, Value)],
) -> Result<ResolvedEndpoint, EndpointError> {
    let mut params = vec![None; rule_set.params.len()];
    for (name, value) in values {
        let i = rule_set
            .params
            .iter()
            .position(|p| p.name == *name)
            .ok_or_else(|| {
                EndpointError::new(format!(
                    "the endpoint rules of {} have no parameter {name}",
                    rule_set.service
                ))
            })?;
        params[i] = Some(value.clone());
    }
    resolve(rule_set, params)
}

/// Resolves an endpoint: `params` holds a value or `None` for each parameter, in the order of
/// [`RuleSet::params`]. Unset parameters take their defaults; a required parameter without a
/// value, a value of the wrong type, a rule that ends in an error and parameters no rule
/// matches are errors.
pub fn resolve(
    rule_set: &RuleSet,
    mut params: Vec<Option<Value>>,
) -> Result<ResolvedEndpoint, EndpointError> {
    if params.len() != rule_set.params.len() {
        return Err(EndpointError::new(format!(
            "the endpoint rules of {} take {} parameters, not {}",
            rule_set.service,
            rule_set.params.len(),
            params.len()
        )));
    }
    for (param, value) in rule_set.params.iter().zip(&mut params) {
        if value.is_none() {
            *value = param.default.map(Literal::value);
        }
        match value {
            None if param.required => {
                return Err(EndpointError::new(format!(
                    "the endpoint parameter {} is required and has no value",
                    param.name
                )))
            }
            None => {}
            Some(v) => {
                let fits = match (param.ty, &*v) {
                    (ParamType::String, Value::Str(_)) | (ParamType::Boolean, Value::Bool(_)) => {
                        true
                    }
                    (ParamType::StringArray, Value::Array(items)) => {
                        items.iter().all(|i| matches!(i, Value::Str(_)))
                    }
                    _ => false,
                };
                if !fits {
                    return Err(EndpointError::new(format!(
                        "the endpoint parameter {} must be a {}, not a {}",
                        param.name,
                        param.ty.name(),
                        v.type_name()
                    )));
                }
            }
        }
    }
    params.resize(usize::from(rule_set.slots).max(params.len()), None);
    let mut scope = Scope { slots: params };
    match scope.rules(rule_set.rules)? {
        Some(endpoint) => Ok(endpoint),
        None => Err(EndpointError::new(format!(
            "no endpoint rule of {} matches these parameters",
            rule_set.service
        ))),
    }
}

/// The variables while rules are evaluated. A slot assigned by a rule that then failed keeps
/// its value, but only that rule and its children can refer to it (the generator checks the
/// scopes), and they assign it again first.
struct Scope {
    slots: Vec<Option<Value>>,
}

/// An evaluation that cannot continue: the rules ended in an error rule, or the data is not
/// what the generator checked (which `resolve` reports rather than panicking).
type Eval<T> = Result<T, EndpointError>;

impl Scope {
    fn rules(&mut self, rules: &[Rule]) -> Eval<Option<ResolvedEndpoint>> {
        for rule in rules {
            if let Some(endpoint) = self.rule(rule)? {
                return Ok(Some(endpoint));
            }
        }
        Ok(None)
    }

    fn rule(&mut self, rule: &Rule) -> Eval<Option<ResolvedEndpoint>> {
        for condition in rule.conditions {
            let value = self.call(&condition.call)?;
            let holds = match &value {
                None | Some(Value::Bool(false)) => false,
                Some(_) => true,
            };
            if !holds {
                return Ok(None);
            }
            if let Some(slot) = condition.assign {
                *self.slot_mut(slot)? = value;
            }
        }
        match &rule.kind {
            RuleKind::Tree(rules) => self.rules(rules),
            RuleKind::Error(message) => {
                let message = self.string(message)?;
                Err(EndpointError::new(message))
            }
            RuleKind::Endpoint(endpoint) => {
                let url = self.string(&endpoint.url)?;
                let mut properties = Vec::with_capacity(endpoint.properties.len());
                for (key, expr) in endpoint.properties {
                    properties.push(((*key).to_owned(), self.value(expr)?));
                }
                let mut headers = Vec::with_capacity(endpoint.headers.len());
                for (name, values) in endpoint.headers {
                    let mut resolved = Vec::with_capacity(values.len());
                    for value in *values {
                        resolved.push(self.string(value)?);
                    }
                    headers.push(((*name).to_owned(), resolved));
                }
                Ok(Some(ResolvedEndpoint {
                    url,
                    properties,
                    headers,
                }))
            }
        }
    }

    fn slot(&self, slot: Slot) -> Eval<Option<&Value>> {
        self.slots
            .get(usize::from(slot))
            .map(Option::as_ref)
            .ok_or_else(|| EndpointError::new(format!("endpoint rules: no slot {slot}")))
    }

    fn slot_mut(&mut self, slot: Slot) -> Eval<&mut Option<Value>> {
        self.slots
            .get_mut(usize::from(slot))
            .ok_or_else(|| EndpointError::new(format!("endpoint rules: no slot {slot}")))
    }

    /// An expression that must have a value that is a string.
    fn string(&self, expr: &Expr) -> Eval<String> {
        match self.eval(expr)? {
            Some(Value::Str(s)) => Ok(s),
            other => Err(mismatch("a string", other.as_ref())),
        }
    }

    /// An expression that must have a value.
    fn value(&self, expr: &Expr) -> Eval<Value> {
        self.eval(expr)?.ok_or_else(|| mismatch("a value", None))
    }

    fn eval(&self, expr: &Expr) -> Eval<Option<Value>> {
        Ok(Some(match expr {
            Expr::Str(parts) => Value::Str(self.template(parts)?),
            Expr::Bool(b) => Value::Bool(*b),
            Expr::Int(i) => Value::Int(*i),
            Expr::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                for item in *items {
                    out.push(self.value(item)?);
                }
                Value::Array(out)
            }
            Expr::Record(fields) => {
                let mut out = Vec::with_capacity(fields.len());
                for (key, value) in *fields {
                    out.push(((*key).to_owned(), self.value(value)?));
                }
                Value::Record(out)
            }
            Expr::Ref(slot) => return Ok(self.slot(*slot)?.cloned()),
            Expr::Path(_) => return Err(mismatch("a value, not a getAttr path", None)),
            Expr::Call(call) => return self.call(call),
        }))
    }

    fn template(&self, parts: &[Part]) -> Eval<String> {
        let mut out = String::new();
        for part in parts {
            let value = match part {
                Part::Text(text) => {
                    out.push_str(text);
                    continue;
                }
                Part::Var(slot) => self.slot(*slot)?,
                Part::Attr(slot, path) => {
                    let value = self.slot(*slot)?;
                    value.and_then(|v| library::get_attr(v, path))
                }
            };
            match value {
                Some(Value::Str(s)) => out.push_str(s),
                other => return Err(mismatch("a string in a template", other)),
            }
        }
        Ok(out)
    }

    fn call(&self, call: &Call) -> Eval<Option<Value>> {
        let mut args = Vec::with_capacity(call.args.len());
        let mut path: &[Step] = &[];
        for arg in call.args {
            match arg {
                Expr::Path(steps) => path = steps,
                arg => args.push(self.eval(arg)?),
            }
        }
        library::call(call.function, &args, path)
    }
}

fn mismatch(wanted: &str, got: Option<&Value>) -> EndpointError {
    EndpointError::new(format!(
        "endpoint rules: expected {wanted}, got {}",
        got.map_or("no value", Value::type_name)
    ))
}
