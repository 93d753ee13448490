//! `smithy.waiters#waitable` → [`Waiter`]s: the trait checked as Smithy's waiter
//! specification says (names, delays, acceptors, matchers, comparators and their expected
//! values), and every JMESPath expression typed against the structures of the crate
//! ([`crate::jmespath::check`]).

use super::*;
use crate::jmespath::{self, JType, Root};

/// Names the `waiters` module re-exports from the runtime: no waiter type may take one.
pub(super) const WAITERS_MODULE_ITEMS: &[&str] = &[
    "Acceptor",
    "AcceptorState",
    "Finished",
    "Matched",
    "VirtualClock",
    "Waiter",
    "WaiterClock",
    "WaiterError",
    "WaiterResult",
    "WaiterSpec",
];

/// Waiters of the selected operations.
pub(super) fn waiters(
    model: &Model,
    operations: &[Operation],
    structures: &[Structure],
    enums: &[Enum],
) -> Result<Vec<Waiter>> {
    let mut out: Vec<Waiter> = Vec::new();
    for op in operations {
        let shape = model.shape(&op.id, "service")?;
        let Some(trait_value) = shape.traits.get(traits::WAITABLE) else {
            continue;
        };
        let Value::Object(map) = trait_value else {
            return Err(Error::new(
                &op.id,
                "smithy.waiters#waitable must be an object of waiters by name",
            ));
        };
        for (name, def) in map {
            let waiter = waiter(op, name, def, structures, enums)?;
            if let Some(other) = out
                .iter()
                .find(|w| w.name.eq_ignore_ascii_case(&waiter.name))
            {
                return Err(Error::new(
                    &op.id,
                    format!(
                        "waiter `{name}` has the name of waiter `{}` of `{}` (waiter names are \
                         unique in a service, ignoring case)",
                        other.name, other.operation
                    ),
                ));
            }
            out.push(waiter);
        }
    }
    Ok(out)
}

fn waiter(
    op: &Operation,
    name: &str,
    def: &Value,
    structures: &[Structure],
    enums: &[Enum],
) -> Result<Waiter> {
    let here = |msg: String| Error::new(&op.id, format!("waiter `{name}`: {msg}"));
    let mut chars = name.chars();
    let well_formed = chars.next().is_some_and(|c| c.is_ascii_uppercase())
        && chars.all(|c| c.is_ascii_alphanumeric());
    if !well_formed {
        return Err(here(
            "a waiter name starts with an uppercase ASCII letter and has only ASCII letters \
             and digits"
                .into(),
        ));
    }
    let Value::Object(def) = def else {
        return Err(here("must be an object".into()));
    };
    for key in def.keys() {
        if ![
            "documentation",
            "acceptors",
            "minDelay",
            "maxDelay",
            "deprecated",
            "tags",
        ]
        .contains(&key.as_str())
        {
            return Err(here(format!("unknown property `{key}`")));
        }
    }
    let delay = |key: &str, default: u64| -> Result<u64> {
        match def.get(key) {
            None => Ok(default),
            Some(v) => v.as_u64().filter(|d| *d >= 1).ok_or_else(|| {
                here(format!(
                    "`{key}` must be a whole number of seconds, at least 1"
                ))
            }),
        }
    };
    let min_delay = delay("minDelay", 2)?;
    let max_delay = delay("maxDelay", 120)?;
    if min_delay > max_delay {
        return Err(here(format!(
            "minDelay ({min_delay}) is greater than maxDelay ({max_delay})"
        )));
    }
    let docs = match def.get("documentation") {
        None => None,
        Some(Value::String(d)) => Some(crate::docs::to_markdown(d)),
        Some(_) => return Err(here("`documentation` must be a string".into())),
    };
    let deprecated = match def.get("deprecated") {
        None => false,
        Some(Value::Bool(d)) => *d,
        Some(_) => return Err(here("`deprecated` must be a boolean".into())),
    };
    let list = match def.get("acceptors") {
        Some(Value::Array(a)) if !a.is_empty() => a,
        _ => return Err(here("`acceptors` must be a non-empty list".into())),
    };
    let mut acceptors = Vec::new();
    for (i, a) in list.iter().enumerate() {
        let here = |msg: String| here(format!("acceptor {i}: {msg}"));
        let state = match a.get("state").and_then(Value::as_str) {
            Some("success") => AcceptorState::Success,
            Some("failure") => AcceptorState::Failure,
            Some("retry") => AcceptorState::Retry,
            other => {
                return Err(here(format!(
                    "`state` must be success, failure or retry, not {}",
                    other.map_or("missing".to_owned(), |s| format!("{s:?}"))
                )))
            }
        };
        let matcher = match a.get("matcher") {
            Some(Value::Object(m)) if m.len() == 1 => m,
            _ => {
                return Err(here(
                    "`matcher` must be an object with exactly one of output, inputOutput, \
                     success, errorType"
                        .into(),
                ))
            }
        };
        let matcher = match matcher.iter().next().map(|(k, v)| (k.as_str(), v)) {
            Some((kind @ ("output" | "inputOutput"), spec)) => {
                let input_output = kind == "inputOutput";
                let field = |key: &str| {
                    spec.get(key)
                        .and_then(Value::as_str)
                        .ok_or_else(|| here(format!("{kind} needs a string `{key}`")))
                };
                let path = field("path")?;
                let expected = field("expected")?;
                let comparator = match field("comparator")? {
                    "stringEquals" => Comparator::StringEquals,
                    "booleanEquals" => Comparator::BooleanEquals,
                    "allStringEquals" => Comparator::AllStringEquals,
                    "anyStringEquals" => Comparator::AnyStringEquals,
                    other => {
                        return Err(here(format!(
                            "unknown comparator `{other}` (stringEquals, booleanEquals, \
                             allStringEquals, anyStringEquals)"
                        )))
                    }
                };
                let Some(output) = &op.output else {
                    return Err(here(format!(
                        "{kind} matcher, but the operation has no output"
                    )));
                };
                let root = if input_output {
                    let Some(input) = &op.input else {
                        return Err(here(
                            "inputOutput matcher, but the operation has no input".into(),
                        ));
                    };
                    Root::InputOutput {
                        input: input.clone(),
                        output: output.clone(),
                    }
                } else {
                    Root::Output(output.clone())
                };
                let expr = jmespath::check(path, &root, structures, enums)
                    .map_err(|e| here(format!("JMESPath `{path}`: {e}")))?;
                let (wanted, fits) = match comparator {
                    Comparator::StringEquals => ("a string", expr.ty == JType::Str),
                    Comparator::BooleanEquals => ("a boolean", expr.ty == JType::Bool),
                    Comparator::AllStringEquals | Comparator::AnyStringEquals => (
                        "a list of strings",
                        expr.ty == JType::List(Box::new(JType::Str)),
                    ),
                };
                if !fits {
                    return Err(here(format!(
                        "JMESPath `{path}` is {}, but {} needs {wanted}",
                        expr.ty.describe(),
                        comparator.name()
                    )));
                }
                if comparator == Comparator::BooleanEquals && !["true", "false"].contains(&expected)
                {
                    return Err(here(format!(
                        "booleanEquals expects \"true\" or \"false\", not {expected:?}"
                    )));
                }
                Matcher::Path {
                    input_output,
                    path: path.to_owned(),
                    expr,
                    comparator,
                    expected: expected.to_owned(),
                }
            }
            Some(("success", Value::Bool(v))) => Matcher::Success(*v),
            Some(("success", _)) => return Err(here("`success` must be a boolean".into())),
            Some(("errorType", Value::String(error))) => {
                let mut codes = vec![error.clone()];
                for e in &op.errors {
                    if e == error || smithy::shape_name(e) == error {
                        if let Some(info) = structures
                            .iter()
                            .find(|s| &s.id == e)
                            .and_then(|s| s.error.as_ref())
                        {
                            if !codes.contains(&info.code) {
                                codes.push(info.code.clone());
                            }
                        }
                    }
                }
                Matcher::ErrorType {
                    name: error.clone(),
                    codes,
                }
            }
            Some(("errorType", _)) => return Err(here("`errorType` must be a string".into())),
            Some((other, _)) => {
                return Err(here(format!(
                    "unknown matcher `{other}` (output, inputOutput, success, errorType)"
                )))
            }
            None => return Err(here("`matcher` is empty".into())),
        };
        acceptors.push(Acceptor { state, matcher });
    }
    let type_name = naming::camel(name);
    if WAITERS_MODULE_ITEMS.contains(&type_name.text.as_str()) {
        return Err(here(format!(
            "its type `{}` would take the name of a runtime item the `waiters` module exports",
            type_name.text
        )));
    }
    Ok(Waiter {
        name: name.to_owned(),
        method: naming::snake(&format!("WaitUntil{name}")),
        type_name,
        operation: op.id.clone(),
        docs,
        min_delay,
        max_delay,
        deprecated,
        acceptors,
    })
}
