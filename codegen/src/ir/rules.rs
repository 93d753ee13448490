//! The service's `smithy.rules#endpointRuleSet`, lowered and checked, and its
//! `smithy.rules#endpointTests`.
//!
//! Lowering resolves every variable reference to a slot (parameters first, then each
//! `assign`), parses templates (`{Region}`, `{PartitionResult#dnsSuffix}`) and `getAttr`
//! paths, and type-checks the whole tree the way the Smithy rules engine specifies:
//! known functions with the right number and types of arguments, references only to
//! variables in scope, optional values (parameters without a default, `getAttr` of an
//! index, …) used where a value is needed only after an `isSet` (or an `assign`) has
//! proved them set. Every error names the service shape and the rule's path
//! (`rules[3].rules[0].conditions[1]`).

use crate::error::{Error, Result};
use crate::naming::{self, RustName};
use serde::Serialize;
use serde_json::{Map, Value};

/// Rule trees nest at most this deep (the published models need 4).
const MAX_DEPTH: usize = 64;

/// A lowered rule set.
#[derive(Debug, Clone, Serialize)]
pub struct RuleSet {
    /// The parameters, in model order (their slots are their indices).
    pub params: Vec<Param>,
    /// The top-level rules.
    pub rules: Vec<Rule>,
    /// Parameters plus assignments.
    pub slots: u16,
}

/// One parameter.
#[derive(Debug, Clone, Serialize)]
pub struct Param {
    /// Its name in the rules.
    pub name: String,
    /// The field of the generated `Params` struct.
    pub field: RustName,
    /// Its type.
    pub ty: ParamType,
    /// `builtIn`.
    pub built_in: Option<String>,
    /// `required`.
    pub required: bool,
    /// `default`.
    pub default: Option<Literal>,
    /// `documentation`.
    pub docs: Option<String>,
}

/// A parameter's type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ParamType {
    /// `string`
    String,
    /// `boolean`
    Boolean,
    /// `stringArray`
    StringArray,
}

/// A parameter's default.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Literal {
    /// A string.
    Str(String),
    /// A boolean.
    Bool(bool),
    /// Strings.
    StrArray(Vec<String>),
}

/// A rule.
#[derive(Debug, Clone, Serialize)]
pub struct Rule {
    /// Its conditions.
    pub conditions: Vec<Condition>,
    /// What it does.
    pub kind: RuleKind,
}

/// The kinds of rule.
#[derive(Debug, Clone, Serialize)]
pub enum RuleKind {
    /// An endpoint.
    Endpoint {
        /// The URL.
        url: Expr,
        /// Properties in model order.
        properties: Vec<(String, Expr)>,
        /// Headers and their values.
        headers: Vec<(String, Vec<Expr>)>,
    },
    /// An error with this message.
    Error(Expr),
    /// Nested rules.
    Tree(Vec<Rule>),
}

/// A condition.
#[derive(Debug, Clone, Serialize)]
pub struct Condition {
    /// The function.
    pub function: Function,
    /// Its arguments.
    pub args: Vec<Expr>,
    /// The slot its result is assigned to.
    pub assign: Option<u16>,
}

/// The functions the runtime's engine knows (the same list as `rules::Function` there).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[allow(missing_docs)]
pub enum Function {
    IsSet,
    Not,
    GetAttr,
    BooleanEquals,
    StringEquals,
    Substring,
    UriEncode,
    ParseUrl,
    IsValidHostLabel,
    AwsPartition,
    AwsParseArn,
    AwsIsVirtualHostableS3Bucket,
}

impl Function {
    const ALL: [(Function, &'static str); 12] = [
        (Self::IsSet, "isSet"),
        (Self::Not, "not"),
        (Self::GetAttr, "getAttr"),
        (Self::BooleanEquals, "booleanEquals"),
        (Self::StringEquals, "stringEquals"),
        (Self::Substring, "substring"),
        (Self::UriEncode, "uriEncode"),
        (Self::ParseUrl, "parseURL"),
        (Self::IsValidHostLabel, "isValidHostLabel"),
        (Self::AwsPartition, "aws.partition"),
        (Self::AwsParseArn, "aws.parseArn"),
        (
            Self::AwsIsVirtualHostableS3Bucket,
            "aws.isVirtualHostableS3Bucket",
        ),
    ];

    /// The name rule sets use.
    pub fn name(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(f, _)| *f == self)
            .map_or("?", |(_, n)| n)
    }

    /// The variant's name in the runtime's `rules::Function`.
    pub fn variant(self) -> &'static str {
        match self {
            Self::IsSet => "IsSet",
            Self::Not => "Not",
            Self::GetAttr => "GetAttr",
            Self::BooleanEquals => "BooleanEquals",
            Self::StringEquals => "StringEquals",
            Self::Substring => "Substring",
            Self::UriEncode => "UriEncode",
            Self::ParseUrl => "ParseUrl",
            Self::IsValidHostLabel => "IsValidHostLabel",
            Self::AwsPartition => "AwsPartition",
            Self::AwsParseArn => "AwsParseArn",
            Self::AwsIsVirtualHostableS3Bucket => "AwsIsVirtualHostableS3Bucket",
        }
    }
}

/// An expression.
#[derive(Debug, Clone, Serialize)]
pub enum Expr {
    /// A string with its template parts.
    Str(Vec<Part>),
    /// A boolean.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// An array.
    Array(Vec<Expr>),
    /// A record.
    Record(Vec<(String, Expr)>),
    /// A variable.
    Ref(u16),
    /// A `getAttr` path.
    Path(Vec<Step>),
    /// A call.
    Call(Function, Vec<Expr>),
}

/// A piece of a template.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Part {
    /// Text.
    Text(String),
    /// A variable.
    Var(u16),
    /// An attribute of a variable.
    Attr(u16, Vec<Step>),
}

/// A `getAttr` step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Step {
    /// A field.
    Key(String),
    /// An item.
    Index(usize),
}

/// One `smithy.rules#endpointTests` case.
#[derive(Debug, Clone, Serialize)]
pub struct EndpointTest {
    /// `documentation`.
    pub docs: Option<String>,
    /// The parameters it sets, by rule-set name, with their JSON values.
    pub params: Vec<(String, Value)>,
    /// What must come out.
    pub expect: Expect,
}

/// The outcome a test expects.
#[derive(Debug, Clone, Serialize)]
pub enum Expect {
    /// This endpoint.
    Endpoint {
        /// URL.
        url: String,
        /// Properties (JSON object).
        properties: Map<String, Value>,
        /// Headers.
        headers: Vec<(String, Vec<String>)>,
    },
    /// An error with exactly this message.
    Error(String),
}

// ---------------------------------------------------------------------------
// Types
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Eq)]
enum Type {
    String,
    Bool,
    Int,
    Array(Box<Type>),
    /// A record with these fields (the results of `aws.partition`, `parseURL`,
    /// `aws.parseArn`, and literal records).
    Record(Vec<(&'static str, Type)>),
    /// A record whose fields are not known (literal records in properties).
    AnyRecord,
}

impl Type {
    fn name(&self) -> String {
        match self {
            Self::String => "string".into(),
            Self::Bool => "boolean".into(),
            Self::Int => "integer".into(),
            Self::Array(t) => format!("array of {}", t.name()),
            Self::Record(_) | Self::AnyRecord => "record".into(),
        }
    }

    fn partition() -> Self {
        Self::Record(vec![
            ("name", Self::String),
            ("dnsSuffix", Self::String),
            ("dualStackDnsSuffix", Self::String),
            ("implicitGlobalRegion", Self::String),
            ("supportsFIPS", Self::Bool),
            ("supportsDualStack", Self::Bool),
        ])
    }

    fn url() -> Self {
        Self::Record(vec![
            ("scheme", Self::String),
            ("authority", Self::String),
            ("path", Self::String),
            ("normalizedPath", Self::String),
            ("isIp", Self::Bool),
        ])
    }

    fn arn() -> Self {
        Self::Record(vec![
            ("partition", Self::String),
            ("service", Self::String),
            ("region", Self::String),
            ("accountId", Self::String),
            ("resourceId", Self::Array(Box::new(Self::String))),
        ])
    }
}

/// A type and whether the value may be unset.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Typed {
    ty: Type,
    optional: bool,
}

/// A variable in scope.
#[derive(Debug, Clone)]
struct Var {
    name: String,
    slot: u16,
    ty: Typed,
}

struct Lowering<'a> {
    service: &'a str,
    slots: u16,
}

impl Lowering<'_> {
    fn err(&self, path: &str, message: impl Into<String>) -> Error {
        Error::new(
            format!("{} smithy.rules#endpointRuleSet {path}", self.service),
            message.into(),
        )
    }
}

/// Lowers the service's rule set; `None` when it has none.
pub fn lower(service_id: &str, rule_set: Option<&Value>) -> Result<Option<RuleSet>> {
    let Some(rule_set) = rule_set else {
        return Ok(None);
    };
    let cx = &mut Lowering {
        service: service_id,
        slots: 0,
    };
    let obj = rule_set
        .as_object()
        .ok_or_else(|| cx.err("", "must be an object"))?;
    match obj.get("version").and_then(Value::as_str) {
        Some(v) if v == "1.0" || v.starts_with("1.") => {}
        other => {
            return Err(cx.err(
                "version",
                format!("rules engine version {other:?} is not supported (1.x is)"),
            ))
        }
    }
    let params_json = obj
        .get("parameters")
        .and_then(Value::as_object)
        .ok_or_else(|| cx.err("parameters", "must be an object"))?;
    let mut params = Vec::new();
    let mut scope = Vec::new();
    for (name, p) in params_json {
        let at = format!("parameters.{name}");
        let ty = match p.get("type").and_then(Value::as_str) {
            Some(t) if t.eq_ignore_ascii_case("string") => ParamType::String,
            Some(t) if t.eq_ignore_ascii_case("boolean") => ParamType::Boolean,
            Some(t) if t.eq_ignore_ascii_case("stringArray") => ParamType::StringArray,
            other => {
                return Err(cx.err(
                    &at,
                    format!("type {other:?} is not string, boolean or stringArray"),
                ))
            }
        };
        let default = match p.get("default") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) if ty == ParamType::String => Some(Literal::Str(s.clone())),
            Some(Value::Bool(b)) if ty == ParamType::Boolean => Some(Literal::Bool(*b)),
            Some(Value::Array(items)) if ty == ParamType::StringArray => Some(Literal::StrArray(
                items
                    .iter()
                    .map(|i| i.as_str().map(str::to_owned))
                    .collect::<Option<_>>()
                    .ok_or_else(|| cx.err(&at, "a stringArray default holds only strings"))?,
            )),
            Some(other) => {
                return Err(cx.err(&at, format!("default {other} does not fit its type")))
            }
        };
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(cx.err(&at, "a parameter name is letters, digits and `_`"));
        }
        let field = naming::snake(name);
        if let Some(clash) = params.iter().find(|q: &&Param| q.field.text == field.text) {
            return Err(cx.err(
                &at,
                format!("its Rust name `{}` is also {}'s", field.text, clash.name),
            ));
        }
        let required = p.get("required").and_then(Value::as_bool).unwrap_or(false);
        let slot = cx.slots;
        cx.slots += 1;
        scope.push(Var {
            name: name.clone(),
            slot,
            ty: Typed {
                ty: match ty {
                    ParamType::String => Type::String,
                    ParamType::Boolean => Type::Bool,
                    ParamType::StringArray => Type::Array(Box::new(Type::String)),
                },
                optional: default.is_none(),
            },
        });
        params.push(Param {
            name: name.clone(),
            field,
            ty,
            built_in: p.get("builtIn").and_then(Value::as_str).map(str::to_owned),
            required,
            default,
            docs: p
                .get("documentation")
                .and_then(Value::as_str)
                .map(str::to_owned),
        });
    }
    let rules = lower_rules(cx, obj.get("rules"), "rules", &scope, 0)?;
    Ok(Some(RuleSet {
        params,
        rules,
        slots: cx.slots,
    }))
}

fn lower_rules(
    cx: &mut Lowering<'_>,
    rules: Option<&Value>,
    at: &str,
    scope: &[Var],
    depth: usize,
) -> Result<Vec<Rule>> {
    if depth > MAX_DEPTH {
        return Err(cx.err(at, format!("rules nest deeper than {MAX_DEPTH} levels")));
    }
    let rules = rules
        .and_then(Value::as_array)
        .ok_or_else(|| cx.err(at, "must be a list of rules"))?;
    let mut out = Vec::with_capacity(rules.len());
    for (i, rule) in rules.iter().enumerate() {
        out.push(lower_rule(cx, rule, &format!("{at}[{i}]"), scope, depth)?);
    }
    Ok(out)
}

fn lower_rule(
    cx: &mut Lowering<'_>,
    rule: &Value,
    at: &str,
    scope: &[Var],
    depth: usize,
) -> Result<Rule> {
    let mut scope = scope.to_vec();
    let conditions_json = match rule.get("conditions") {
        None => &[][..],
        Some(c) => c
            .as_array()
            .map(Vec::as_slice)
            .ok_or_else(|| cx.err(&format!("{at}.conditions"), "must be a list"))?,
    };
    let mut conditions = Vec::new();
    for (i, c) in conditions_json.iter().enumerate() {
        let c_at = format!("{at}.conditions[{i}]");
        let (function, args, result) = lower_call(cx, c, &c_at, &scope)?;
        // A condition holds only with a value, so what it proves set stays set.
        if function == Function::IsSet {
            if let Some(Expr::Ref(slot)) = args.first() {
                if let Some(v) = scope.iter_mut().rev().find(|v| v.slot == *slot) {
                    v.ty.optional = false;
                }
            }
        }
        let assign = match c.get("assign") {
            None => None,
            Some(Value::String(name)) => {
                if scope.iter().any(|v| v.name == *name) {
                    return Err(cx.err(
                        &format!("{c_at}.assign"),
                        format!("`{name}` is already defined here"),
                    ));
                }
                let slot = cx.slots;
                cx.slots = cx
                    .slots
                    .checked_add(1)
                    .ok_or_else(|| cx.err(&c_at, "more than 65535 variables"))?;
                scope.push(Var {
                    name: name.clone(),
                    slot,
                    ty: Typed {
                        ty: result.ty,
                        optional: false,
                    },
                });
                Some(slot)
            }
            Some(_) => return Err(cx.err(&format!("{c_at}.assign"), "must be a string")),
        };
        conditions.push(Condition {
            function,
            args,
            assign,
        });
    }
    let kind = match rule.get("type").and_then(Value::as_str) {
        Some("tree") => RuleKind::Tree(lower_rules(
            cx,
            rule.get("rules"),
            &format!("{at}.rules"),
            &scope,
            depth + 1,
        )?),
        Some("error") => {
            let e_at = format!("{at}.error");
            let message = rule
                .get("error")
                .ok_or_else(|| cx.err(&e_at, "an error rule needs `error`"))?;
            let (expr, ty) = lower_expr(cx, message, &e_at, &scope)?;
            expect(cx, &e_at, &ty, &Type::String)?;
            RuleKind::Error(expr)
        }
        Some("endpoint") => {
            let e_at = format!("{at}.endpoint");
            let endpoint = rule
                .get("endpoint")
                .and_then(Value::as_object)
                .ok_or_else(|| cx.err(&e_at, "an endpoint rule needs an `endpoint` object"))?;
            let url_at = format!("{e_at}.url");
            let url = endpoint
                .get("url")
                .ok_or_else(|| cx.err(&url_at, "is missing"))?;
            let (url, ty) = lower_expr(cx, url, &url_at, &scope)?;
            expect(cx, &url_at, &ty, &Type::String)?;
            let mut properties = Vec::new();
            if let Some(props) = endpoint.get("properties") {
                let props = props
                    .as_object()
                    .ok_or_else(|| cx.err(&format!("{e_at}.properties"), "must be an object"))?;
                for (key, value) in props {
                    let p_at = format!("{e_at}.properties.{key}");
                    let (expr, ty) = lower_expr(cx, value, &p_at, &scope)?;
                    if ty.optional {
                        return Err(cx.err(&p_at, "may be unset here"));
                    }
                    properties.push((key.clone(), expr));
                }
            }
            let mut headers = Vec::new();
            if let Some(hs) = endpoint.get("headers") {
                let hs = hs
                    .as_object()
                    .ok_or_else(|| cx.err(&format!("{e_at}.headers"), "must be an object"))?;
                for (name, values) in hs {
                    let h_at = format!("{e_at}.headers.{name}");
                    if name.is_empty()
                        || !name
                            .bytes()
                            .all(|b| b.is_ascii_alphanumeric() || b"-_!#$%&'*+.^`|~".contains(&b))
                    {
                        return Err(cx.err(&h_at, "is not a valid header name"));
                    }
                    let values = values
                        .as_array()
                        .ok_or_else(|| cx.err(&h_at, "must be a list of strings"))?;
                    let mut exprs = Vec::new();
                    for (i, v) in values.iter().enumerate() {
                        let v_at = format!("{h_at}[{i}]");
                        let (expr, ty) = lower_expr(cx, v, &v_at, &scope)?;
                        expect(cx, &v_at, &ty, &Type::String)?;
                        exprs.push(expr);
                    }
                    headers.push((name.clone(), exprs));
                }
            }
            RuleKind::Endpoint {
                url,
                properties,
                headers,
            }
        }
        other => {
            return Err(cx.err(
                &format!("{at}.type"),
                format!("rule type {other:?} is not tree, endpoint or error"),
            ))
        }
    };
    Ok(Rule { conditions, kind })
}

/// Checks that a value of `got` can be used where a `want` is needed.
fn expect(cx: &Lowering<'_>, at: &str, got: &Typed, want: &Type) -> Result<()> {
    if got.optional {
        return Err(cx.err(
            at,
            format!(
                "this {} may be unset here: test it with isSet (or assign it) in an enclosing condition first",
                got.ty.name()
            ),
        ));
    }
    let fits = match (want, &got.ty) {
        (Type::AnyRecord, Type::Record(_) | Type::AnyRecord) => true,
        (want, got) => want == got,
    };
    if fits {
        Ok(())
    } else {
        Err(cx.err(
            at,
            format!("is a {} where a {} is needed", got.ty.name(), want.name()),
        ))
    }
}

fn lower_call(
    cx: &mut Lowering<'_>,
    call: &Value,
    at: &str,
    scope: &[Var],
) -> Result<(Function, Vec<Expr>, Typed)> {
    let name = call
        .get("fn")
        .and_then(Value::as_str)
        .ok_or_else(|| cx.err(at, "a function call needs `fn`"))?;
    let function = Function::ALL
        .iter()
        .find(|(_, n)| *n == name)
        .map(|(f, _)| *f)
        .ok_or_else(|| {
            cx.err(
                at,
                format!(
                    "unknown function `{name}` (known: {})",
                    Function::ALL
                        .iter()
                        .map(|(_, n)| *n)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )
        })?;
    let argv = call
        .get("argv")
        .and_then(Value::as_array)
        .ok_or_else(|| cx.err(at, "a function call needs `argv`, a list"))?;
    let arity = match function {
        Function::IsSet
        | Function::Not
        | Function::UriEncode
        | Function::ParseUrl
        | Function::AwsPartition
        | Function::AwsParseArn => 1,
        Function::GetAttr
        | Function::BooleanEquals
        | Function::StringEquals
        | Function::IsValidHostLabel
        | Function::AwsIsVirtualHostableS3Bucket => 2,
        Function::Substring => 4,
    };
    if argv.len() != arity {
        return Err(cx.err(
            at,
            format!("{name} takes {arity} argument(s), not {}", argv.len()),
        ));
    }
    let arg_at = |i: usize| format!("{at}.argv[{i}]");
    if function == Function::GetAttr {
        let (target, target_ty) = lower_expr(cx, &argv[0], &arg_at(0), scope)?;
        let path = argv[1]
            .as_str()
            .ok_or_else(|| cx.err(&arg_at(1), "getAttr's path must be a literal string"))?;
        let steps = parse_path(path)
            .ok_or_else(|| cx.err(&arg_at(1), format!("`{path}` is not a getAttr path")))?;
        let ty = path_type(cx, &arg_at(1), &target_ty, &steps)?;
        return Ok((function, vec![target, Expr::Path(steps)], ty));
    }
    let mut args = Vec::with_capacity(arity);
    let mut types = Vec::with_capacity(arity);
    for (i, a) in argv.iter().enumerate() {
        let (expr, ty) = lower_expr(cx, a, &arg_at(i), scope)?;
        args.push(expr);
        types.push(ty);
    }
    let want = |i: usize, ty: Type| expect(cx, &arg_at(i), &types[i], &ty);
    let result = |ty: Type, optional: bool| Typed { ty, optional };
    let typed = match function {
        Function::IsSet => result(Type::Bool, false),
        Function::Not | Function::BooleanEquals => {
            for i in 0..arity {
                want(i, Type::Bool)?;
            }
            result(Type::Bool, false)
        }
        Function::StringEquals => {
            want(0, Type::String)?;
            want(1, Type::String)?;
            result(Type::Bool, false)
        }
        Function::Substring => {
            want(0, Type::String)?;
            want(1, Type::Int)?;
            want(2, Type::Int)?;
            want(3, Type::Bool)?;
            result(Type::String, true)
        }
        Function::UriEncode => {
            want(0, Type::String)?;
            result(Type::String, false)
        }
        Function::ParseUrl => {
            want(0, Type::String)?;
            result(Type::url(), true)
        }
        Function::IsValidHostLabel | Function::AwsIsVirtualHostableS3Bucket => {
            want(0, Type::String)?;
            want(1, Type::Bool)?;
            result(Type::Bool, false)
        }
        Function::AwsPartition => {
            want(0, Type::String)?;
            result(Type::partition(), true)
        }
        Function::AwsParseArn => {
            want(0, Type::String)?;
            result(Type::arn(), true)
        }
        Function::GetAttr => unreachable_getattr(cx, at)?,
    };
    Ok((function, args, typed))
}

fn unreachable_getattr(cx: &Lowering<'_>, at: &str) -> Result<Typed> {
    Err(cx.err(at, "getAttr is lowered apart"))
}

/// `a.b[2]` → `Key(a), Key(b), Index(2)`; `None` when malformed.
fn parse_path(path: &str) -> Option<Vec<Step>> {
    let mut steps = Vec::new();
    for part in path.split('.') {
        let (name, index) = match part.split_once('[') {
            Some((name, rest)) => {
                let digits = rest.strip_suffix(']')?;
                if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                    return None;
                }
                (name, Some(digits.parse::<usize>().ok()?))
            }
            None => (part, None),
        };
        if !name.is_empty() {
            if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                return None;
            }
            steps.push(Step::Key(name.to_owned()));
        } else if index.is_none() {
            return None;
        }
        if let Some(i) = index {
            steps.push(Step::Index(i));
        }
    }
    (!steps.is_empty()).then_some(steps)
}

/// The type at the end of `steps` below a value of type `target`.
fn path_type(cx: &Lowering<'_>, at: &str, target: &Typed, steps: &[Step]) -> Result<Typed> {
    let mut ty = target.ty.clone();
    let mut optional = target.optional;
    for step in steps {
        ty = match (step, &ty) {
            (Step::Key(k), Type::Record(fields)) => fields
                .iter()
                .find(|(name, _)| *name == k.as_str())
                .map(|(_, t)| t.clone())
                .ok_or_else(|| {
                    cx.err(
                        at,
                        format!(
                            "the record has no attribute `{k}` (it has {})",
                            fields
                                .iter()
                                .map(|(n, _)| *n)
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    )
                })?,
            (Step::Index(_), Type::Array(item)) => {
                optional = true;
                (**item).clone()
            }
            (step, ty) => {
                return Err(cx.err(at, format!("cannot take {step:?} of a {}", ty.name())))
            }
        };
    }
    Ok(Typed { ty, optional })
}

fn lower_expr(
    cx: &mut Lowering<'_>,
    value: &Value,
    at: &str,
    scope: &[Var],
) -> Result<(Expr, Typed)> {
    let plain = |ty: Type| Typed {
        ty,
        optional: false,
    };
    Ok(match value {
        Value::String(s) => (Expr::Str(template(cx, s, at, scope)?), plain(Type::String)),
        Value::Bool(b) => (Expr::Bool(*b), plain(Type::Bool)),
        Value::Number(n) => {
            let i = n
                .as_i64()
                .ok_or_else(|| cx.err(at, format!("{n} is not an integer")))?;
            (Expr::Int(i), plain(Type::Int))
        }
        Value::Array(items) => {
            let mut out = Vec::new();
            let mut item_ty = None;
            for (i, item) in items.iter().enumerate() {
                let (expr, ty) = lower_expr(cx, item, &format!("{at}[{i}]"), scope)?;
                if ty.optional {
                    return Err(cx.err(&format!("{at}[{i}]"), "may be unset here"));
                }
                item_ty.get_or_insert(ty.ty);
                out.push(expr);
            }
            (
                Expr::Array(out),
                plain(Type::Array(Box::new(item_ty.unwrap_or(Type::String)))),
            )
        }
        Value::Object(obj) if obj.contains_key("ref") => {
            let name = obj["ref"]
                .as_str()
                .ok_or_else(|| cx.err(at, "`ref` must be a string"))?;
            let var = lookup(cx, at, scope, name)?;
            (Expr::Ref(var.slot), var.ty.clone())
        }
        Value::Object(obj) if obj.contains_key("fn") => {
            if obj.contains_key("assign") {
                return Err(cx.err(at, "only a condition can `assign`"));
            }
            let (function, args, ty) = lower_call(cx, value, at, scope)?;
            (Expr::Call(function, args), ty)
        }
        Value::Object(obj) => {
            let mut fields = Vec::new();
            for (k, v) in obj {
                let f_at = format!("{at}.{k}");
                let (expr, ty) = lower_expr(cx, v, &f_at, scope)?;
                if ty.optional {
                    return Err(cx.err(&f_at, "may be unset here"));
                }
                fields.push((k.clone(), expr));
            }
            (Expr::Record(fields), plain(Type::AnyRecord))
        }
        Value::Null => return Err(cx.err(at, "null is not a value rules can use")),
    })
}

fn lookup<'s>(cx: &Lowering<'_>, at: &str, scope: &'s [Var], name: &str) -> Result<&'s Var> {
    scope.iter().rev().find(|v| v.name == name).ok_or_else(|| {
        cx.err(
            at,
            format!(
                "`{name}` is not defined here (in scope: {})",
                scope
                    .iter()
                    .map(|v| v.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )
    })
}

/// Splits a templated string into text and references; `{{` and `}}` are braces.
fn template(cx: &Lowering<'_>, s: &str, at: &str, scope: &[Var]) -> Result<Vec<Part>> {
    let mut parts = Vec::new();
    let mut text = String::new();
    let mut rest = s;
    while let Some(i) = rest.find(['{', '}']) {
        text.push_str(&rest[..i]);
        let brace = &rest[i..];
        if let Some(r) = brace.strip_prefix("{{") {
            text.push('{');
            rest = r;
            continue;
        }
        if let Some(r) = brace.strip_prefix("}}") {
            text.push('}');
            rest = r;
            continue;
        }
        if brace.starts_with('}') {
            return Err(cx.err(at, format!("unmatched `}}` in the template {s:?}")));
        }
        let close = brace
            .find('}')
            .ok_or_else(|| cx.err(at, format!("unclosed `{{` in the template {s:?}")))?;
        let inner = &brace[1..close];
        rest = &brace[close + 1..];
        if !text.is_empty() {
            parts.push(Part::Text(std::mem::take(&mut text)));
        }
        let (name, path) = match inner.split_once('#') {
            Some((n, p)) => (n, Some(p)),
            None => (inner, None),
        };
        let var = lookup(cx, at, scope, name)?;
        let part = match path {
            None => {
                expect(cx, at, &var.ty, &Type::String)?;
                Part::Var(var.slot)
            }
            Some(path) => {
                let steps = parse_path(path).ok_or_else(|| {
                    cx.err(at, format!("`{path}` in the template {s:?} is not a path"))
                })?;
                let ty = path_type(cx, at, &var.ty, &steps)?;
                expect(cx, at, &ty, &Type::String)?;
                Part::Attr(var.slot, steps)
            }
        };
        parts.push(part);
    }
    text.push_str(rest);
    if !text.is_empty() || parts.is_empty() {
        parts.push(Part::Text(text));
    }
    Ok(parts)
}

/// Reads `smithy.rules#endpointTests`; every parameter a case sets must be one of the rule
/// set's.
pub fn tests(
    service_id: &str,
    rules: Option<&RuleSet>,
    value: Option<&Value>,
) -> Result<Vec<EndpointTest>> {
    let Some(value) = value else {
        return Ok(Vec::new());
    };
    let err = |at: &str, m: &str| {
        Error::new(
            format!("{service_id} smithy.rules#endpointTests {at}"),
            m.to_owned(),
        )
    };
    let Some(rules) = rules else {
        return Err(err(
            "",
            "the service has tests but no smithy.rules#endpointRuleSet",
        ));
    };
    let cases = value
        .get("testCases")
        .and_then(Value::as_array)
        .ok_or_else(|| err("testCases", "must be a list"))?;
    let mut out = Vec::new();
    for (i, case) in cases.iter().enumerate() {
        let at = format!("testCases[{i}]");
        let mut params = Vec::new();
        if let Some(ps) = case.get("params") {
            for (name, v) in ps
                .as_object()
                .ok_or_else(|| err(&format!("{at}.params"), "must be an object"))?
            {
                let Some(param) = rules.params.iter().find(|p| p.name == *name) else {
                    return Err(err(
                        &format!("{at}.params.{name}"),
                        "is not a parameter of the rule set",
                    ));
                };
                let fits = matches!(
                    (param.ty, v),
                    (ParamType::String, Value::String(_))
                        | (ParamType::Boolean, Value::Bool(_))
                        | (ParamType::StringArray, Value::Array(_))
                );
                if !fits {
                    return Err(err(&format!("{at}.params.{name}"), "does not fit its type"));
                }
                params.push((name.clone(), v.clone()));
            }
        }
        let e = &case["expect"];
        let expect = if let Some(message) = e.get("error") {
            Expect::Error(
                message
                    .as_str()
                    .ok_or_else(|| err(&format!("{at}.expect.error"), "must be a string"))?
                    .to_owned(),
            )
        } else if let Some(endpoint) = e.get("endpoint") {
            let url = endpoint["url"]
                .as_str()
                .ok_or_else(|| err(&format!("{at}.expect.endpoint.url"), "must be a string"))?
                .to_owned();
            let properties = match endpoint.get("properties") {
                None => Map::new(),
                Some(p) => p.as_object().cloned().ok_or_else(|| {
                    err(
                        &format!("{at}.expect.endpoint.properties"),
                        "must be an object",
                    )
                })?,
            };
            let mut headers = Vec::new();
            if let Some(hs) = endpoint.get("headers").and_then(Value::as_object) {
                for (name, values) in hs {
                    let values = values
                        .as_array()
                        .and_then(|vs| vs.iter().map(|v| v.as_str().map(str::to_owned)).collect())
                        .ok_or_else(|| {
                            err(
                                &format!("{at}.expect.endpoint.headers.{name}"),
                                "must be a list of strings",
                            )
                        })?;
                    headers.push((name.clone(), values));
                }
            }
            Expect::Endpoint {
                url,
                properties,
                headers,
            }
        } else {
            return Err(err(&format!("{at}.expect"), "needs `endpoint` or `error`"));
        };
        out.push(EndpointTest {
            docs: case
                .get("documentation")
                .and_then(Value::as_str)
                .map(str::to_owned),
            params,
            expect,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn rules_with(rules: Value) -> Value {
        json!({
            "version": "1.0",
            "parameters": {
                "Region": {"type": "String", "builtIn": "AWS::Region"},
                "UseFIPS": {"type": "Boolean", "required": true, "default": false}
            },
            "rules": rules
        })
    }

    fn error_of(rules: Value) -> String {
        match lower("ns#Svc", Some(&rules_with(rules))) {
            Ok(_) => panic!("lowered"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn lowers_refs_templates_and_assignments_to_slots() {
        let set = lower(
            "ns#Svc",
            Some(&rules_with(json!([{
                "type": "tree",
                "conditions": [
                    {"fn": "isSet", "argv": [{"ref": "Region"}]},
                    {"fn": "aws.partition", "argv": [{"ref": "Region"}], "assign": "P"}
                ],
                "rules": [{
                    "type": "endpoint",
                    "conditions": [],
                    "endpoint": {"url": "https://x.{Region}.{P#dnsSuffix}{{}}", "properties": {}, "headers": {}}
                }]
            }]))),
        )
        .unwrap_or_else(|e| panic!("{e}"))
        .unwrap_or_else(|| panic!("no rules"));
        assert_eq!(set.slots, 3);
        let RuleKind::Tree(inner) = &set.rules[0].kind else {
            panic!("not a tree")
        };
        let RuleKind::Endpoint {
            url: Expr::Str(parts),
            ..
        } = &inner[0].kind
        else {
            panic!("not an endpoint")
        };
        assert_eq!(
            parts,
            &vec![
                Part::Text("https://x.".into()),
                Part::Var(0),
                Part::Text(".".into()),
                Part::Attr(2, vec![Step::Key("dnsSuffix".into())]),
                Part::Text("{}".into()),
            ]
        );
    }

    #[test]
    fn bad_rules_are_located_errors() {
        let e = error_of(
            json!([{"type": "error", "conditions": [{"fn": "frobnicate", "argv": []}], "error": "x"}]),
        );
        assert!(e.starts_with("ns#Svc smithy.rules#endpointRuleSet rules[0].conditions[0]: unknown function `frobnicate`"), "{e}");
        let e = error_of(
            json!([{"type": "error", "conditions": [{"fn": "not", "argv": [true, false]}], "error": "x"}]),
        );
        assert!(
            e.contains("rules[0].conditions[0]: not takes 1 argument(s), not 2"),
            "{e}"
        );
        let e = error_of(
            json!([{"type": "error", "conditions": [{"fn": "isSet", "argv": [{"ref": "Nope"}]}], "error": "x"}]),
        );
        assert!(
            e.contains("rules[0].conditions[0].argv[0]: `Nope` is not defined here"),
            "{e}"
        );
        let e = error_of(
            json!([{"type": "error", "conditions": [{"fn": "booleanEquals", "argv": [{"ref": "Region"}, true]}], "error": "x"}]),
        );
        assert!(e.contains("argv[0]"), "{e}");
        // Region has no default: it needs an isSet first.
        let e = error_of(
            json!([{"type": "error", "conditions": [{"fn": "stringEquals", "argv": [{"ref": "Region"}, "a"]}], "error": "x"}]),
        );
        assert!(e.contains("may be unset here"), "{e}");
        let e = error_of(json!([{"type": "error", "conditions": [], "error": "{Missing}"}]));
        assert!(
            e.contains("rules[0].error: `Missing` is not defined here"),
            "{e}"
        );
        let e = error_of(json!([{
            "type": "tree",
            "conditions": [{"fn": "aws.partition", "argv": ["us-east-1"], "assign": "P"}],
            "rules": [{"type": "error", "conditions": [], "error": "{P#nope}"}]
        }]));
        assert!(
            e.contains("rules[0].rules[0].error: the record has no attribute `nope`"),
            "{e}"
        );
        // An assignment is visible to later conditions and children, not to siblings.
        let e = error_of(json!([
            {"type": "tree", "conditions": [{"fn": "aws.partition", "argv": ["a"], "assign": "P"}], "rules": []},
            {"type": "error", "conditions": [], "error": "{P#name}"}
        ]));
        assert!(e.contains("rules[1].error: `P` is not defined here"), "{e}");
        let e = error_of(json!([{"type": "banana"}]));
        assert!(
            e.contains("rules[0].type: rule type Some(\"banana\")"),
            "{e}"
        );
        let e = error_of(json!([{"type": "endpoint", "endpoint": {"url": "https://{Region"}}]));
        assert!(e.contains("unclosed"), "{e}");
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let mut rules = json!([{"type": "error", "error": "x"}]);
        for _ in 0..200 {
            rules = json!([{"type": "tree", "rules": rules}]);
        }
        assert!(error_of(rules).contains("nest deeper than 64"));
    }

    #[test]
    fn test_params_must_be_rule_set_params() {
        let set = lower("ns#Svc", Some(&rules_with(json!([])))).unwrap_or_else(|e| panic!("{e}"));
        let t = json!({"testCases": [{"params": {"Bogus": 1}, "expect": {"error": "x"}}], "version": "1.0"});
        let e = tests("ns#Svc", set.as_ref(), Some(&t)).expect_err("unknown param");
        assert!(e.to_string().contains("testCases[0].params.Bogus"), "{e}");
    }
}
