//! JMESPath text → [`Ast`]: a tokenizer and a Pratt parser with JMESPath's binding powers,
//! for the whole grammar (what the type checker does not support is rejected there, with a
//! reason, not here as a syntax error).

use serde_json::Value;

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Cmp {
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

impl Cmp {
    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            Cmp::Eq => "==",
            Cmp::Ne => "!=",
            Cmp::Lt => "<",
            Cmp::Le => "<=",
            Cmp::Gt => ">",
            Cmp::Ge => ">=",
        }
    }
}

/// A parsed JMESPath expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Ast {
    /// The current node, implied (the right side of a projection with nothing after it).
    Identity,
    /// `@`
    Current,
    /// `name` or `"name"`.
    Field(String),
    /// `left.right`: `right` evaluated on the result of `left`.
    Sub(Box<Ast>, Box<Ast>),
    /// `left[i]`.
    Index(Box<Ast>, i64),
    /// `left[start:stop:step]`.
    Slice(Box<Ast>),
    /// A list projection (`left[*]…`, `left[]…`, `left[start:stop]…`): `right` on each item
    /// of `left`, `null`s dropped.
    Projection(Box<Ast>, Box<Ast>),
    /// An object projection (`left.*…`, `*…`).
    ObjectProjection(Box<Ast>, Box<Ast>),
    /// `left[?condition]right`.
    Filter(Box<Ast>, Box<Ast>, Box<Ast>),
    /// `left[]` before its projection: lists in `left` spliced into it.
    Flatten(Box<Ast>),
    /// `` `json` `` or `'raw string'`.
    Literal(Value),
    /// `left op right`.
    Compare(Cmp, Box<Ast>, Box<Ast>),
    /// `left && right`.
    And(Box<Ast>, Box<Ast>),
    /// `left || right`.
    Or(Box<Ast>, Box<Ast>),
    /// `!expr`.
    Not(Box<Ast>),
    /// `left | right`.
    Pipe(Box<Ast>, Box<Ast>),
    /// `name(args…)`.
    Call(String, Vec<Ast>),
    /// `[a, b]`.
    MultiList(Vec<Ast>),
    /// `{k: a, …}`.
    MultiHash(Vec<(String, Ast)>),
    /// `&expr`.
    ExpRef(Box<Ast>),
}

/// A syntax error: what, and the character (from 1) where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// The position, counted in characters from 1.
    pub column: usize,
    /// What is wrong.
    pub message: String,
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    Quoted(String),
    Raw(String),
    Literal(Value),
    Number(i64),
    Dot,
    Star,
    Flatten,
    Filter,
    LBracket,
    RBracket,
    LBrace,
    RBrace,
    LParen,
    RParen,
    Comma,
    Colon,
    Pipe,
    Or,
    And,
    Not,
    Cmp(Cmp),
    At,
    Amp,
    Eof,
}

impl Tok {
    /// JMESPath's binding powers.
    fn power(&self) -> u8 {
        match self {
            Tok::Pipe => 1,
            Tok::Or => 2,
            Tok::And => 3,
            Tok::Cmp(_) => 5,
            Tok::Flatten => 9,
            Tok::Star => 20,
            Tok::Filter => 21,
            Tok::Dot => 40,
            Tok::Not => 45,
            Tok::LBrace => 50,
            Tok::LBracket => 55,
            Tok::LParen => 60,
            _ => 0,
        }
    }

    fn describe(&self) -> String {
        match self {
            Tok::Ident(s) => format!("identifier `{s}`"),
            Tok::Quoted(s) => format!("identifier {s:?}"),
            Tok::Raw(s) => format!("raw string '{s}'"),
            Tok::Literal(v) => format!("literal `{v}`"),
            Tok::Number(n) => format!("number {n}"),
            Tok::Eof => "the end of the expression".to_owned(),
            Tok::Cmp(c) => format!("`{}`", c.symbol()),
            other => format!(
                "`{}`",
                match other {
                    Tok::Dot => ".",
                    Tok::Star => "*",
                    Tok::Flatten => "[]",
                    Tok::Filter => "[?",
                    Tok::LBracket => "[",
                    Tok::RBracket => "]",
                    Tok::LBrace => "{",
                    Tok::RBrace => "}",
                    Tok::LParen => "(",
                    Tok::RParen => ")",
                    Tok::Comma => ",",
                    Tok::Colon => ":",
                    Tok::Pipe => "|",
                    Tok::Or => "||",
                    Tok::And => "&&",
                    Tok::Not => "!",
                    Tok::At => "@",
                    _ => "&",
                }
            ),
        }
    }
}

fn tokens(text: &str) -> Result<Vec<(Tok, usize)>, SyntaxError> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    let err = |at: usize, message: String| SyntaxError {
        column: at + 1,
        message,
    };
    while i < chars.len() {
        let c = chars[i];
        let start = i;
        let next = chars.get(i + 1).copied();
        let tok = match c {
            ' ' | '\t' | '\n' | '\r' => {
                i += 1;
                continue;
            }
            'a'..='z' | 'A'..='Z' | '_' => {
                while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '_') {
                    i += 1;
                }
                out.push((Tok::Ident(chars[start..i].iter().collect()), start));
                continue;
            }
            '0'..='9' | '-' => {
                i += 1;
                while i < chars.len() && chars[i].is_ascii_digit() {
                    i += 1;
                }
                let digits: String = chars[start..i].iter().collect();
                let n = digits
                    .parse()
                    .map_err(|_| err(start, format!("`{digits}` is not a usable integer")))?;
                out.push((Tok::Number(n), start));
                continue;
            }
            '"' | '\'' | '`' => {
                let close = c;
                i += 1;
                let mut body = String::new();
                loop {
                    match chars.get(i) {
                        None => return Err(err(start, format!("unclosed `{close}`"))),
                        Some('\\') if chars.get(i + 1) == Some(&close) => {
                            if close == '"' {
                                body.push('\\');
                            }
                            body.push(close);
                            i += 2;
                        }
                        Some('\\') if close == '\'' && chars.get(i + 1) == Some(&'\\') => {
                            body.push('\\');
                            i += 2;
                        }
                        Some('\\') if close == '"' => {
                            body.push('\\');
                            if let Some(&escaped) = chars.get(i + 1) {
                                body.push(escaped);
                            }
                            i += 2;
                        }
                        Some(&ch) if ch == close => {
                            i += 1;
                            break;
                        }
                        Some(&ch) => {
                            body.push(ch);
                            i += 1;
                        }
                    }
                }
                let tok =
                    match close {
                        '"' => Tok::Quoted(
                            serde_json::from_str(&format!("\"{body}\""))
                                .map_err(|e| err(start, format!("bad quoted identifier: {e}")))?,
                        ),
                        '\'' => Tok::Raw(body),
                        _ => Tok::Literal(serde_json::from_str(body.trim()).map_err(|e| {
                            err(start, format!("literal `{body}` is not JSON: {e}"))
                        })?),
                    };
                out.push((tok, start));
                continue;
            }
            '[' => match next {
                Some(']') => {
                    i += 2;
                    Tok::Flatten
                }
                Some('?') => {
                    i += 2;
                    Tok::Filter
                }
                _ => {
                    i += 1;
                    Tok::LBracket
                }
            },
            '|' | '&' if next == Some(c) => {
                i += 2;
                if c == '|' {
                    Tok::Or
                } else {
                    Tok::And
                }
            }
            '!' | '<' | '>' | '=' if next == Some('=') => {
                i += 2;
                Tok::Cmp(match c {
                    '!' => Cmp::Ne,
                    '<' => Cmp::Le,
                    '>' => Cmp::Ge,
                    _ => Cmp::Eq,
                })
            }
            _ => {
                i += 1;
                match c {
                    '.' => Tok::Dot,
                    '*' => Tok::Star,
                    ']' => Tok::RBracket,
                    '{' => Tok::LBrace,
                    '}' => Tok::RBrace,
                    '(' => Tok::LParen,
                    ')' => Tok::RParen,
                    ',' => Tok::Comma,
                    ':' => Tok::Colon,
                    '|' => Tok::Pipe,
                    '&' => Tok::Amp,
                    '!' => Tok::Not,
                    '<' => Tok::Cmp(Cmp::Lt),
                    '>' => Tok::Cmp(Cmp::Gt),
                    '@' => Tok::At,
                    '=' => return Err(err(start, "`=` must be `==`".to_owned())),
                    other => return Err(err(start, format!("unexpected character {other:?}"))),
                }
            }
        };
        out.push((tok, start));
    }
    out.push((Tok::Eof, chars.len()));
    Ok(out)
}

/// Parses a JMESPath expression.
pub fn parse(text: &str) -> Result<Ast, SyntaxError> {
    let mut p = Parser {
        toks: tokens(text)?,
        pos: 0,
    };
    let ast = p.expression(0)?;
    match p.peek() {
        Tok::Eof => Ok(ast),
        other => Err(p.error(format!(
            "unexpected {} after a complete expression",
            other.describe()
        ))),
    }
}

struct Parser {
    toks: Vec<(Tok, usize)>,
    pos: usize,
}

fn boxed(a: Ast) -> Box<Ast> {
    Box::new(a)
}

impl Parser {
    fn peek(&self) -> &Tok {
        self.toks.get(self.pos).map_or(&Tok::Eof, |(t, _)| t)
    }

    fn peek2(&self) -> &Tok {
        self.toks.get(self.pos + 1).map_or(&Tok::Eof, |(t, _)| t)
    }

    fn next(&mut self) -> Tok {
        let tok = self.peek().clone();
        if self.pos < self.toks.len() {
            self.pos += 1;
        }
        tok
    }

    fn error(&self, message: String) -> SyntaxError {
        SyntaxError {
            column: self.toks.get(self.pos).map_or(0, |(_, at)| *at) + 1,
            message,
        }
    }

    fn expect(&mut self, want: &Tok) -> Result<(), SyntaxError> {
        if self.peek() == want {
            self.next();
            Ok(())
        } else {
            Err(self.error(format!(
                "expected {}, found {}",
                want.describe(),
                self.peek().describe()
            )))
        }
    }

    fn expression(&mut self, rbp: u8) -> Result<Ast, SyntaxError> {
        let at = self.pos;
        let tok = self.next();
        let mut left = self.nud(tok, at)?;
        while rbp < self.peek().power() {
            let tok = self.next();
            left = self.led(tok, left)?;
        }
        Ok(left)
    }

    fn nud(&mut self, tok: Tok, at: usize) -> Result<Ast, SyntaxError> {
        Ok(match tok {
            Tok::Literal(v) => Ast::Literal(v),
            Tok::Raw(s) => Ast::Literal(Value::String(s)),
            Tok::Ident(s) => Ast::Field(s),
            Tok::Quoted(s) => {
                if *self.peek() == Tok::LParen {
                    return Err(self.error("a quoted identifier cannot name a function".into()));
                }
                Ast::Field(s)
            }
            Tok::Star => {
                let right = if *self.peek() == Tok::RBracket {
                    Ast::Identity
                } else {
                    self.projection_rhs(Tok::Star.power())?
                };
                Ast::ObjectProjection(boxed(Ast::Identity), boxed(right))
            }
            Tok::Filter => self.filter(Ast::Identity)?,
            Tok::LBrace => self.multi_hash()?,
            Tok::LParen => {
                let inner = self.expression(0)?;
                self.expect(&Tok::RParen)?;
                inner
            }
            Tok::Flatten => {
                let right = self.projection_rhs(Tok::Flatten.power())?;
                Ast::Projection(boxed(Ast::Flatten(boxed(Ast::Identity))), boxed(right))
            }
            Tok::Not => Ast::Not(boxed(self.expression(Tok::Not.power())?)),
            Tok::LBracket => self.bracket(Ast::Identity, true)?,
            Tok::At => Ast::Current,
            Tok::Amp => Ast::ExpRef(boxed(self.expression(0)?)),
            other => {
                self.pos = at;
                return Err(self.error(format!("unexpected {}", other.describe())));
            }
        })
    }

    fn led(&mut self, tok: Tok, left: Ast) -> Result<Ast, SyntaxError> {
        Ok(match tok {
            Tok::Dot => {
                if *self.peek() == Tok::Star {
                    self.next();
                    let right = self.projection_rhs(Tok::Dot.power())?;
                    Ast::ObjectProjection(boxed(left), boxed(right))
                } else {
                    Ast::Sub(boxed(left), boxed(self.dot_rhs(Tok::Dot.power())?))
                }
            }
            Tok::Pipe => Ast::Pipe(boxed(left), boxed(self.expression(Tok::Pipe.power())?)),
            Tok::Or => Ast::Or(boxed(left), boxed(self.expression(Tok::Or.power())?)),
            Tok::And => Ast::And(boxed(left), boxed(self.expression(Tok::And.power())?)),
            Tok::Cmp(c) => Ast::Compare(c, boxed(left), boxed(self.expression(5)?)),
            Tok::LParen => {
                let Ast::Field(name) = left else {
                    return Err(self.error("only a name can be called as a function".into()));
                };
                let mut args = Vec::new();
                while *self.peek() != Tok::RParen {
                    args.push(self.expression(0)?);
                    if *self.peek() == Tok::Comma {
                        self.next();
                    } else if *self.peek() != Tok::RParen {
                        return Err(self.error(format!(
                            "expected `,` or `)` in the arguments of `{name}`, found {}",
                            self.peek().describe()
                        )));
                    }
                }
                self.next();
                Ast::Call(name, args)
            }
            Tok::Filter => self.filter(left)?,
            Tok::Flatten => {
                let right = self.projection_rhs(Tok::Flatten.power())?;
                Ast::Projection(boxed(Ast::Flatten(boxed(left))), boxed(right))
            }
            Tok::LBracket => self.bracket(left, false)?,
            other => return Err(self.error(format!("unexpected {}", other.describe()))),
        })
    }

    /// After `[`: an index, a slice, `*]` or (at the start of an expression) a multi-select
    /// list.
    fn bracket(&mut self, left: Ast, start: bool) -> Result<Ast, SyntaxError> {
        match self.peek() {
            Tok::Number(_) | Tok::Colon => {
                let mut parts: Vec<Option<i64>> = vec![None];
                loop {
                    match self.next() {
                        Tok::Number(n) => {
                            let last = parts.len() - 1;
                            if parts[last].is_some() {
                                return Err(self.error("two numbers in a row".into()));
                            }
                            parts[last] = Some(n);
                        }
                        Tok::Colon if parts.len() < 3 => parts.push(None),
                        Tok::RBracket => break,
                        other => {
                            return Err(self.error(format!(
                                "unexpected {} in an index or slice",
                                other.describe()
                            )))
                        }
                    }
                }
                match parts.as_slice() {
                    [Some(n)] => Ok(Ast::Index(boxed(left), *n)),
                    [None] => Err(self.error("empty index".into())),
                    _ => {
                        let right = self.projection_rhs(Tok::Star.power())?;
                        Ok(Ast::Projection(
                            boxed(Ast::Slice(boxed(left))),
                            boxed(right),
                        ))
                    }
                }
            }
            Tok::Star if *self.peek2() == Tok::RBracket => {
                self.next();
                self.next();
                let right = self.projection_rhs(Tok::Star.power())?;
                Ok(Ast::Projection(boxed(left), boxed(right)))
            }
            _ if start => self.multi_list(),
            other => Err(self.error(format!(
                "expected a number, `:` or `*]` after `[`, found {}",
                other.describe()
            ))),
        }
    }

    fn filter(&mut self, left: Ast) -> Result<Ast, SyntaxError> {
        let condition = self.expression(0)?;
        self.expect(&Tok::RBracket)?;
        let right = if *self.peek() == Tok::Flatten {
            Ast::Identity
        } else {
            self.projection_rhs(Tok::Filter.power())?
        };
        Ok(Ast::Filter(boxed(left), boxed(condition), boxed(right)))
    }

    fn projection_rhs(&mut self, rbp: u8) -> Result<Ast, SyntaxError> {
        match self.peek() {
            t if t.power() < 10 => Ok(Ast::Identity),
            Tok::LBracket | Tok::Filter => self.expression(rbp),
            Tok::Dot => {
                self.next();
                self.dot_rhs(rbp)
            }
            other => Err(self.error(format!(
                "unexpected {} after a projection",
                other.describe()
            ))),
        }
    }

    fn dot_rhs(&mut self, rbp: u8) -> Result<Ast, SyntaxError> {
        match self.peek() {
            Tok::Ident(_) | Tok::Quoted(_) | Tok::Star => self.expression(rbp),
            Tok::LBracket => {
                self.next();
                self.multi_list()
            }
            Tok::LBrace => {
                self.next();
                self.multi_hash()
            }
            other => Err(self.error(format!(
                "expected a name, `*`, `[` or `{{` after `.`, found {}",
                other.describe()
            ))),
        }
    }

    fn multi_list(&mut self) -> Result<Ast, SyntaxError> {
        let mut items = Vec::new();
        loop {
            items.push(self.expression(0)?);
            match self.next() {
                Tok::Comma => {}
                Tok::RBracket => return Ok(Ast::MultiList(items)),
                other => {
                    return Err(self.error(format!(
                        "expected `,` or `]` in a multi-select list, found {}",
                        other.describe()
                    )))
                }
            }
        }
    }

    fn multi_hash(&mut self) -> Result<Ast, SyntaxError> {
        let mut pairs = Vec::new();
        loop {
            let key = match self.next() {
                Tok::Ident(k) | Tok::Quoted(k) => k,
                other => {
                    return Err(self.error(format!(
                        "expected a key in a multi-select hash, found {}",
                        other.describe()
                    )))
                }
            };
            self.expect(&Tok::Colon)?;
            pairs.push((key, self.expression(0)?));
            match self.next() {
                Tok::Comma => {}
                Tok::RBrace => return Ok(Ast::MultiHash(pairs)),
                other => {
                    return Err(self.error(format!(
                        "expected `,` or `}}` in a multi-select hash, found {}",
                        other.describe()
                    )))
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Ast::*;

    fn f(s: &str) -> Box<Ast> {
        Box::new(Field(s.into()))
    }

    fn ok(text: &str) -> Ast {
        parse(text).unwrap_or_else(|e| panic!("{text}: {e:?}"))
    }

    #[test]
    fn projections_and_flattens_nest_as_in_jmespath() {
        assert_eq!(
            ok("CacheClusters[].CacheClusterStatus"),
            Projection(
                Box::new(Flatten(f("CacheClusters"))),
                f("CacheClusterStatus")
            )
        );
        // `[]` ends the projection before it: flatten of a projection, projected again.
        assert_eq!(
            ok("Reservations[].Instances[].State.Name"),
            Projection(
                Box::new(Flatten(Box::new(Projection(
                    Box::new(Flatten(f("Reservations"))),
                    f("Instances")
                )))),
                Box::new(Sub(f("State"), f("Name")))
            )
        );
        assert_eq!(ok("a[*].b"), Projection(f("a"), f("b")));
        assert_eq!(
            ok("a[*].b[0]"),
            Projection(f("a"), Box::new(Index(f("b"), 0)))
        );
        assert_eq!(
            ok("a[?b == 'x'].c"),
            Filter(
                f("a"),
                Box::new(Compare(
                    Cmp::Eq,
                    f("b"),
                    Box::new(Literal(Value::String("x".into())))
                )),
                f("c")
            )
        );
        assert_eq!(ok("a[-1]"), Index(f("a"), -1));
        assert!(matches!(ok("a[1:2]"), Projection(_, _)));
        assert!(matches!(ok("a.*"), ObjectProjection(_, _)));
    }

    #[test]
    fn operators_bind_as_in_jmespath() {
        assert_eq!(
            ok("length(DBInstances) == `0`"),
            Compare(
                Cmp::Eq,
                Box::new(Call("length".into(), vec![Field("DBInstances".into())])),
                Box::new(Literal(Value::from(0)))
            )
        );
        assert_eq!(
            ok("!a && b || c"),
            Or(Box::new(And(Box::new(Not(f("a"))), f("b"))), f("c"))
        );
        assert_eq!(ok("a | b.c"), Pipe(f("a"), Box::new(Sub(f("b"), f("c")))));
        assert_eq!(ok("(a || b).c"), Sub(Box::new(Or(f("a"), f("b"))), f("c")));
        assert_eq!(ok("\"quoted name\""), Field("quoted name".into()));
        assert_eq!(ok("'it\\'s'"), Literal(Value::String("it's".into())));
        assert_eq!(ok("`\"a\\`b\"`"), Literal(Value::String("a`b".into())));
        assert_eq!(
            ok("contains(a, `true`)"),
            Call(
                "contains".into(),
                vec![Field("a".into()), Literal(Value::Bool(true))]
            )
        );
        assert!(matches!(ok("{x: a, y: b}"), MultiHash(_)));
        assert!(matches!(ok("a.[b, c]"), Sub(_, _)));
    }

    #[test]
    fn syntax_errors_say_where() {
        for (text, column, part) in [
            ("a.", 3, "after `.`"),
            ("a[", 3, "expected a number"),
            ("a = b", 3, "`=` must be `==`"),
            ("`{`", 1, "is not JSON"),
            ("a b", 3, "after a complete expression"),
            ("'open", 1, "unclosed"),
            ("a[?b", 5, "expected `]`"),
            ("f(a b)", 5, "expected `,` or `)`"),
            ("a # b", 3, "unexpected character"),
        ] {
            let e = parse(text).err().unwrap_or_else(|| panic!("{text} parsed"));
            assert_eq!(e.column, column, "{text}: {e:?}");
            assert!(e.message.contains(part), "{text}: {e:?}");
        }
    }
}
