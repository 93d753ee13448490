//! The type checker: [`Ast`] + the IR's structures → [`Typed`], or the reason the
//! expression cannot be compiled.

use super::parse::{parse, Ast, Cmp};
use super::{Access, Expr, Item, JType, Literal, Typed};
use crate::ir::{Enum, Structure, Ty};
use serde_json::Value;

/// What an expression is evaluated on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Root {
    /// The output structure (`output` matchers).
    Output(String),
    /// `{input, output}` (`inputOutput` matchers).
    InputOutput {
        /// The input structure.
        input: String,
        /// The output structure.
        output: String,
    },
}

/// Parses `text` and types it on `root`; the error says what is wrong (and where, for
/// syntax errors).
pub fn check(
    text: &str,
    root: &Root,
    structures: &[Structure],
    enums: &[Enum],
) -> Result<Typed, String> {
    let ast = parse(text)
        .map_err(|e| format!("syntax error at character {}: {}", e.column, e.message))?;
    let root = match root {
        Root::Output(id) => JType::Struct(id.clone()),
        Root::InputOutput { input, output } => JType::InputOutput {
            input: input.clone(),
            output: output.clone(),
        },
    };
    Checker { structures, enums }.typed(&ast, &root)
}

struct Checker<'a> {
    structures: &'a [Structure],
    enums: &'a [Enum],
}

fn node(expr: Expr, ty: JType) -> Typed {
    Typed { expr, ty }
}

fn b(t: Typed) -> Box<Typed> {
    Box::new(t)
}

/// Whether JMESPath truth of a value of this type can be computed.
fn truthable(ty: &JType) -> bool {
    !matches!(ty, JType::Struct(_) | JType::InputOutput { .. })
}

impl Checker<'_> {
    fn typed(&self, ast: &Ast, cur: &JType) -> Result<Typed, String> {
        match ast {
            Ast::Identity | Ast::Current => Ok(node(Expr::Current, cur.clone())),
            Ast::Field(name) => self.field(name, cur),
            Ast::Sub(left, right) | Ast::Pipe(left, right) => {
                let left = self.typed(left, cur)?;
                if left.ty == JType::Mixed {
                    return Err(format!(
                        "the value before `{}` is {}; use it only as a condition",
                        if matches!(ast, Ast::Sub(..)) {
                            "."
                        } else {
                            "|"
                        },
                        left.ty.describe()
                    ));
                }
                let right = self.typed(right, &left.ty)?;
                let ty = right.ty.clone();
                // `a.b` reads member `b` of `a` directly.
                Ok(node(
                    Expr::Pipe {
                        left: b(left),
                        right: b(right),
                    },
                    ty,
                ))
            }
            Ast::Index(base, index) => {
                let base = self.typed(base, cur)?;
                let JType::List(item) = base.ty.clone() else {
                    return Err(format!(
                        "`[{index}]` indexes {}, not a list",
                        base.ty.describe()
                    ));
                };
                Ok(node(
                    Expr::Index {
                        base: b(base),
                        index: *index,
                    },
                    *item,
                ))
            }
            Ast::Slice(_) => Err("slices (`[start:stop:step]`) are not supported".into()),
            Ast::ObjectProjection(..) => Err(
                "object projections (`*`) are not supported: a structure's members have \
                 different types; name the member instead"
                    .into(),
            ),
            Ast::MultiList(_) | Ast::MultiHash(_) => {
                Err("multi-select lists and hashes are not supported".into())
            }
            Ast::ExpRef(_) => Err("expression references (`&expr`) are not supported".into()),
            Ast::Flatten(base) => {
                let base = self.typed(base, cur)?;
                let JType::List(item) = base.ty.clone() else {
                    return Err(format!("`[]` flattens {}, not a list", base.ty.describe()));
                };
                let (nested, ty) = match *item {
                    JType::List(inner) => (true, JType::List(inner)),
                    other => (false, JType::List(Box::new(other))),
                };
                Ok(node(
                    Expr::Flatten {
                        base: b(base),
                        nested,
                    },
                    ty,
                ))
            }
            Ast::Projection(base, then) => self.project(base, None, then, cur),
            Ast::Filter(base, condition, then) => self.project(base, Some(condition), then, cur),
            Ast::Literal(value) => literal(value),
            Ast::Compare(op, left, right) => self.compare(*op, left, right, cur),
            Ast::And(left, right) | Ast::Or(left, right) => {
                let left = self.typed(left, cur)?;
                let right = self.typed(right, cur)?;
                let what = if matches!(ast, Ast::And(..)) {
                    "&&"
                } else {
                    "||"
                };
                for side in [&left, &right] {
                    if !truthable(&side.ty) {
                        return Err(format!(
                            "`{what}` needs the truth of {}, which is not supported",
                            side.ty.describe()
                        ));
                    }
                }
                let ty = if left.ty == right.ty {
                    left.ty.clone()
                } else {
                    JType::Mixed
                };
                let expr = if what == "&&" {
                    Expr::And(b(left), b(right))
                } else {
                    Expr::Or(b(left), b(right))
                };
                Ok(node(expr, ty))
            }
            Ast::Not(inner) => {
                let inner = self.typed(inner, cur)?;
                if !truthable(&inner.ty) {
                    return Err(format!(
                        "`!` needs the truth of {}, which is not supported",
                        inner.ty.describe()
                    ));
                }
                Ok(node(Expr::Not(b(inner)), JType::Bool))
            }
            Ast::Call(name, args) => self.call(name, args, cur),
        }
    }

    fn field(&self, name: &str, cur: &JType) -> Result<Typed, String> {
        let (id, ty) = match cur {
            JType::InputOutput { input, output } => {
                return match name {
                    "input" => Ok(node(
                        Expr::Field {
                            member: name.into(),
                            field: crate::naming::snake(name),
                            optional: false,
                            access: Access::RootInput,
                        },
                        JType::Struct(input.clone()),
                    )),
                    "output" => Ok(node(
                        Expr::Field {
                            member: name.into(),
                            field: crate::naming::snake(name),
                            optional: false,
                            access: Access::RootOutput,
                        },
                        JType::Struct(output.clone()),
                    )),
                    other => Err(format!(
                        "an inputOutput expression starts with `input` or `output`, not `{other}`"
                    )),
                };
            }
            JType::Struct(id) => (id, cur),
            other => {
                return Err(format!(
                    "`{name}` is read from {}, which has no members",
                    other.describe()
                ))
            }
        };
        let structure = self
            .structures
            .iter()
            .find(|s| &s.id == id)
            .ok_or_else(|| format!("structure `{id}` is not in the generated crate"))?;
        if structure.is_union() {
            return Err(format!(
                "`{name}` is read from the union `{id}`; paths into unions are not supported"
            ));
        }
        let member = structure
            .members
            .iter()
            .find(|m| m.name == name)
            .ok_or_else(|| {
                format!(
                    "{} has no member `{name}` (it has: {})",
                    ty.describe(),
                    structure
                        .members
                        .iter()
                        .map(|m| m.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            })?;
        let at = format!("member `{name}` of {}", ty.describe());
        let (access, jty) = match &member.ty {
            Ty::Structure(target) => (
                Access::Struct {
                    boxed: member.boxed,
                },
                JType::Struct(target.clone()),
            ),
            Ty::List(list) => {
                let (item, jty) = self.item(&list.item, &at)?;
                (Access::List(item), JType::List(Box::new(jty)))
            }
            other => {
                let (item, jty) = self.item(other, &at)?;
                let access = match item {
                    Item::Str => Access::Str,
                    Item::Enum => Access::Enum,
                    Item::IntEnum => Access::IntEnum,
                    Item::Bool => Access::Bool,
                    _ => Access::Num,
                };
                (access, jty)
            }
        };
        Ok(node(
            Expr::Field {
                member: name.into(),
                field: member.field.clone(),
                optional: member.optional,
                access,
            },
            jty,
        ))
    }

    /// How a value of type `ty` (a list item, or a scalar member) is represented.
    fn item(&self, ty: &Ty, at: &str) -> Result<(Item, JType), String> {
        Ok(match ty {
            Ty::String => (Item::Str, JType::Str),
            Ty::Boolean => (Item::Bool, JType::Bool),
            Ty::Byte | Ty::Short | Ty::Integer | Ty::Long | Ty::Float | Ty::Double => {
                (Item::Num, JType::Num)
            }
            Ty::Enum(id) => {
                let int = self
                    .enums
                    .iter()
                    .find(|e| &e.id == id)
                    .is_some_and(|e| e.int);
                if int {
                    (Item::IntEnum, JType::Num)
                } else {
                    (Item::Enum, JType::Str)
                }
            }
            Ty::Structure(id) => (Item::Struct, JType::Struct(id.clone())),
            Ty::List(list) => {
                let (item, jty) = self.item(&list.item, at)?;
                (Item::List(Box::new(item)), JType::List(Box::new(jty)))
            }
            Ty::Map(_) => return Err(format!("{at} is (or holds) a map; maps are not supported")),
            Ty::Unit => return Err(format!("{at} is a union member without data")),
            Ty::Timestamp(_) => {
                return Err(format!(
                    "{at} is (or holds) a timestamp; timestamps are not supported"
                ))
            }
            Ty::Blob => {
                return Err(format!(
                    "{at} is (or holds) a blob; blobs are not supported"
                ))
            }
        })
    }

    fn project(
        &self,
        base: &Ast,
        condition: Option<&Ast>,
        then: &Ast,
        cur: &JType,
    ) -> Result<Typed, String> {
        let base = self.typed(base, cur)?;
        let JType::List(item) = base.ty.clone() else {
            return Err(format!(
                "a projection (`[*]`, `[]`, `[?…]`) needs a list, and this is {}",
                base.ty.describe()
            ));
        };
        let filter = match condition {
            None => None,
            Some(c) => {
                let c = self.typed(c, &item)?;
                if !truthable(&c.ty) {
                    return Err(format!(
                        "a filter needs a condition whose truth can be computed, not {}",
                        c.ty.describe()
                    ));
                }
                Some(b(c))
            }
        };
        let then = self.typed(then, &item)?;
        if matches!(then.ty, JType::Mixed | JType::Null) {
            return Err(format!(
                "each item of a projection would be {}; the generator needs one type",
                then.ty.describe()
            ));
        }
        let ty = JType::List(Box::new(then.ty.clone()));
        Ok(node(
            Expr::Project {
                base: b(base),
                filter,
                then: b(then),
            },
            ty,
        ))
    }

    fn compare(&self, op: Cmp, left: &Ast, right: &Ast, cur: &JType) -> Result<Typed, String> {
        let left = self.typed(left, cur)?;
        let right = self.typed(right, cur)?;
        let sym = op.symbol();
        for side in [&left, &right] {
            if matches!(
                side.ty,
                JType::Mixed | JType::Struct(_) | JType::InputOutput { .. }
            ) {
                return Err(format!(
                    "`{sym}` cannot compare {}; compare its members",
                    side.ty.describe()
                ));
            }
        }
        match op {
            Cmp::Eq | Cmp::Ne => {
                if left.ty != right.ty && left.ty != JType::Null && right.ty != JType::Null {
                    return Err(format!(
                        "`{sym}` compares {} with {}: never equal",
                        left.ty.describe(),
                        right.ty.describe()
                    ));
                }
            }
            _ => {
                if left.ty != JType::Num || right.ty != JType::Num {
                    return Err(format!(
                        "`{sym}` orders numbers only (JMESPath gives null otherwise), not {} and {}",
                        left.ty.describe(),
                        right.ty.describe()
                    ));
                }
            }
        }
        Ok(node(
            Expr::Compare {
                op,
                left: b(left),
                right: b(right),
            },
            JType::Bool,
        ))
    }

    fn call(&self, name: &str, args: &[Ast], cur: &JType) -> Result<Typed, String> {
        let args = args
            .iter()
            .map(|a| self.typed(a, cur))
            .collect::<Result<Vec<_>, _>>()?;
        match (name, args.as_slice()) {
            ("length", [arg]) => {
                let list = match &arg.ty {
                    JType::Str => false,
                    JType::List(_) => true,
                    other => {
                        return Err(format!(
                            "`length` takes a string or a list, not {}",
                            other.describe()
                        ))
                    }
                };
                Ok(node(
                    Expr::Length {
                        arg: b(arg.clone()),
                        list,
                    },
                    JType::Num,
                ))
            }
            ("contains", [subject, search]) => {
                let list = match (&subject.ty, &search.ty) {
                    (JType::List(item), t) if **item == *t => true,
                    (JType::Str, JType::Str) => false,
                    (s, t) => {
                        return Err(format!(
                            "`contains` takes a list and an item of its type, or two strings; \
                             not {} and {}",
                            s.describe(),
                            t.describe()
                        ))
                    }
                };
                Ok(node(
                    Expr::Contains {
                        subject: b(subject.clone()),
                        search: b(search.clone()),
                        list,
                    },
                    JType::Bool,
                ))
            }
            ("length", _) | ("contains", _) => Err(format!(
                "`{name}` takes {} argument(s), not {}",
                if name == "length" { 1 } else { 2 },
                args.len()
            )),
            _ => Err(format!(
                "function `{name}` is not supported (supported: length, contains)"
            )),
        }
    }
}

fn literal(value: &Value) -> Result<Typed, String> {
    Ok(match value {
        Value::String(s) => node(Expr::Literal(Literal::Str(s.clone())), JType::Str),
        Value::Bool(v) => node(Expr::Literal(Literal::Bool(*v)), JType::Bool),
        Value::Null => node(Expr::Literal(Literal::Null), JType::Null),
        Value::Number(n) => {
            let n = n
                .as_f64()
                .ok_or_else(|| format!("literal {n} is not a usable number"))?;
            node(Expr::Literal(Literal::Num(n)), JType::Num)
        }
        other => {
            return Err(format!(
                "literal `{other}`: only strings, numbers, booleans and null are supported"
            ))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::Ir;

    const OUTPUT: &str = "example.waiters#DescribeJobsOutput";

    fn ir() -> Ir {
        crate::load(
            "waiters.json",
            include_str!("../../tests/fixtures/ok/waiters.json"),
            &crate::Options::default(),
        )
        .unwrap_or_else(|e| panic!("{e}"))
    }

    fn ty(ir: &Ir, text: &str) -> Result<JType, String> {
        check(
            text,
            &Root::Output(OUTPUT.into()),
            &ir.structures,
            &ir.enums,
        )
        .map(|t| t.ty)
    }

    fn list(t: JType) -> JType {
        JType::List(Box::new(t))
    }

    #[test]
    fn paths_into_unions_are_errors() {
        let ir = crate::load(
            "unions.json",
            include_str!("../../tests/fixtures/ok/unions.json"),
            &crate::Options::default(),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let root = Root::Output("example.unions#PutOutput".into());
        let ty = |text: &str| check(text, &root, &ir.structures, &ir.enums).map(|t| t.ty);
        let value = "example.unions#Value";
        assert_eq!(ty("Value"), Ok(JType::Struct(value.into())));
        for (text, member) in [("Value.Text", "Text"), ("Values[].Nested.Number", "Nested")] {
            assert_eq!(
                ty(text),
                Err(format!(
                    "`{member}` is read from the union `{value}`; paths into unions are not supported"
                )),
                "{text}"
            );
        }
    }

    #[test]
    fn expressions_get_their_static_types() {
        let ir = ir();
        let job = JType::Struct("example.waiters#Job".into());
        for (text, want) in [
            ("Jobs", list(job.clone())),
            ("Jobs[]", list(job.clone())),
            ("Jobs[*]", list(job.clone())),
            ("Jobs[].State", list(JType::Str)),
            ("Jobs[].Priority", list(JType::Num)),
            ("Jobs[].Tags", list(list(JType::Str))),
            ("Jobs[].Tags[]", list(JType::Str)),
            ("Groups", list(list(job.clone()))),
            ("Groups[]", list(job.clone())),
            ("Groups[].Id", list(JType::Str)),
            ("Groups[*][*].Id", list(list(JType::Str))),
            ("Jobs[0]", job.clone()),
            ("Jobs[-1].Owner.Name", JType::Str),
            ("Jobs[?State == 'done']", list(job.clone())),
            ("Jobs[?Steps[?Done]].Id | [0]", JType::Str),
            ("length(Jobs) == `0`", JType::Bool),
            ("length(Summary.Message)", JType::Num),
            ("contains(Jobs[].Id, 'a')", JType::Bool),
            ("contains(Summary.Message, 'a')", JType::Bool),
            ("!Ready", JType::Bool),
            ("Ready && Summary.Message", JType::Mixed),
            ("Summary.Message || 'x'", JType::Str),
            ("Summary.Total >= `1.5`", JType::Bool),
            ("Summary.Message == `null`", JType::Bool),
            ("@", JType::Struct(OUTPUT.into())),
            ("\"Ready\"", JType::Bool),
            ("`\"x\"`", JType::Str),
            ("(Summary).Total", JType::Num),
        ] {
            assert_eq!(ty(&ir, text), Ok(want), "{text}");
        }
        let io = check(
            "input.Wanted == output.Jobs[0].Id",
            &Root::InputOutput {
                input: "example.waiters#DescribeJobsInput".into(),
                output: OUTPUT.into(),
            },
            &ir.structures,
            &ir.enums,
        );
        assert_eq!(io.map(|t| t.ty), Ok(JType::Bool));
    }

    #[test]
    fn what_cannot_be_compiled_is_rejected_with_a_reason() {
        let ir = ir();
        for (text, reason) in [
            ("Nope", "a structure (`DescribeJobsOutput`) has no member `Nope` (it has: Jobs, Summary, Ready, Groups)"),
            ("Jobs[].Nope", "a structure (`Job`) has no member `Nope`"),
            ("Ready.Value", "`Value` is read from a boolean, which has no members"),
            ("Summary[*]", "a projection (`[*]`, `[]`, `[?…]`) needs a list, and this is a structure (`Summary`)"),
            ("Summary[]", "`[]` flattens a structure (`Summary`), not a list"),
            ("Ready[0]", "`[0]` indexes a boolean, not a list"),
            ("Jobs[0:2]", "slices (`[start:stop:step]`) are not supported"),
            ("Summary.*", "object projections (`*`) are not supported"),
            ("[Ready, Summary]", "multi-select lists and hashes are not supported"),
            ("{a: Ready}", "multi-select lists and hashes are not supported"),
            ("sort_by(Jobs, &Id)", "expression references (`&expr`) are not supported"),
            ("keys(Summary)", "function `keys` is not supported (supported: length, contains)"),
            ("length(Ready)", "`length` takes a string or a list, not a boolean"),
            ("length(Jobs, Jobs)", "`length` takes 1 argument(s), not 2"),
            ("contains(Jobs[].Id, `1`)", "`contains` takes a list and an item of its type, or two strings; not a list of strings and a number"),
            ("Ready == 'true'", "`==` compares a boolean with a string: never equal"),
            ("Summary.Message > 'a'", "`>` orders numbers only (JMESPath gives null otherwise), not a string and a string"),
            ("Summary == Summary", "`==` cannot compare a structure (`Summary`); compare its members"),
            ("!Summary", "`!` needs the truth of a structure (`Summary`), which is not supported"),
            ("Jobs[?Owner]", "a filter needs a condition whose truth can be computed, not a structure (`Owner`)"),
            ("(Ready || Summary.Total).x", "the value before `.` is an `&&`/`||` of values of different types; use it only as a condition"),
            ("`[1]`", "literal `[1]`: only strings, numbers, booleans and null are supported"),
            ("input.Wanted", "a structure (`DescribeJobsOutput`) has no member `input`"),
            ("Jobs[", "syntax error at character 6: expected a number, `:` or `*]` after `[`, found the end of the expression"),
            ("Ready ==", "syntax error at character 9: unexpected the end of the expression"),
        ] {
            match ty(&ir, text) {
                Ok(t) => panic!("{text} was accepted as {t:?}"),
                Err(e) => assert!(e.starts_with(reason), "{text}: {e}"),
            }
        }
        let io = check(
            "Jobs",
            &Root::InputOutput {
                input: "example.waiters#DescribeJobsInput".into(),
                output: OUTPUT.into(),
            },
            &ir.structures,
            &ir.enums,
        );
        assert_eq!(
            io.map(|t| t.ty),
            Err("an inputOutput expression starts with `input` or `output`, not `Jobs`".into())
        );
    }
}
