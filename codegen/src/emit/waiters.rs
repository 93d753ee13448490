//! `src/waiters.rs` (feature `client`): a type per waiter implementing the runtime's
//! `WaiterSpec`, whose `matches` is the waiter's acceptors with their JMESPath expressions
//! compiled to Rust; and the client's `wait_until_…` methods.
//!
//! A compiled expression evaluates to an `Option` (`None` is JMESPath's `null`) of `&str`
//! (strings and enums), `bool`, `f64` (numbers), `&Structure`, or a `Vec` of those. Each
//! node is evaluated on a "current value" held in a variable (`_c0` is the root); a
//! projection binds each item to a new one. The pieces that are not plain Rust are the
//! runtime's `rt::waiter::jmespath` helpers.

use super::{doc_attrs, inner_doc_attrs, Scope};
use crate::ir::{AcceptorState, Comparator, Ir, Matcher, Operation, Waiter};
use crate::jmespath::{Access, Cmp, Expr, Item, Literal as Lit, Typed};
use proc_macro2::{Ident, Literal, TokenStream};
use quote::{format_ident, quote};

/// The runtime helpers' path.
fn jm() -> TokenStream {
    quote!(crate::rt::waiter::jmespath)
}

fn some(x: TokenStream) -> TokenStream {
    quote!(::core::option::Option::Some(#x))
}

/// A Markdown code span holding `text`, whatever backticks it has.
pub fn code(text: &str) -> String {
    let mut longest = 0;
    let mut run = 0;
    for c in text.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    if longest == 0 {
        return format!("`{text}`");
    }
    let fence = "`".repeat(longest + 1);
    format!("{fence} {text} {fence}")
}

/// The matcher in Markdown (paths in code spans).
fn matcher_markdown(m: &Matcher) -> String {
    match m {
        Matcher::Path {
            input_output,
            path,
            comparator,
            expected,
            ..
        } => format!(
            "{} {} {} {}",
            if *input_output {
                "inputOutput"
            } else {
                "output"
            },
            code(path),
            comparator.name(),
            code(&format!("{expected:?}"))
        ),
        Matcher::Success(true) => "any output (`success: true`)".to_owned(),
        Matcher::Success(false) => "any error (`success: false`)".to_owned(),
        Matcher::ErrorType { name, codes } => {
            let codes: Vec<String> = codes.iter().map(|c| code(c)).collect();
            format!(
                "errorType {}: an error response with code {}",
                code(name),
                codes.join(" or ")
            )
        }
    }
}

fn state_name(s: AcceptorState) -> &'static str {
    match s {
        AcceptorState::Success => "success",
        AcceptorState::Failure => "failure",
        AcceptorState::Retry => "retry",
    }
}

fn op_of<'a>(ir: &'a Ir, w: &Waiter) -> Option<&'a Operation> {
    ir.operations.iter().find(|o| o.id == w.operation)
}

/// The waiter in Markdown: its documentation, the delays and the acceptors.
fn waiter_docs(op: &Operation, w: &Waiter) -> String {
    let mut text = w
        .docs
        .clone()
        .unwrap_or_else(|| format!("Waits with `{}` for the `{}` state.", op.name, w.name));
    text.push_str(&format!(
        "\n\nPolls `{}` until an acceptor ends the wait, sleeping between polls at least {} s \
         and, with exponential backoff and jitter, at most {} s (the model's `minDelay` and \
         `maxDelay`). The acceptors, in order; the first that matches decides:\n",
        op.name, w.min_delay, w.max_delay
    ));
    for (i, a) in w.acceptors.iter().enumerate() {
        text.push_str(&format!(
            "\n{i}. {}: {}",
            state_name(a.state),
            matcher_markdown(&a.matcher)
        ));
    }
    text.push_str(
        "\n\nAn error response that no acceptor matches ends the wait with \
         `WaiterError::UnexpectedError`; an output that none matches is polled again.",
    );
    text
}

/// The `wait_until_…` method of the client.
pub fn client_method(scope: &Scope<'_>, w: &Waiter) -> TokenStream {
    let Some(op) = op_of(scope.ir, w) else {
        return quote!();
    };
    let method = w.method.ident();
    let ty = w.type_name.ident();
    let (param, arg) = match &op.input {
        Some(id) => {
            let t = scope.type_path(id);
            (quote!(input: #t,), quote!(input))
        }
        None => (quote!(), quote!(())),
    };
    let mut text = waiter_docs(op, w);
    text.push_str(&format!(
        "\n\nThe wait ends at the latest when `max_wait` leaves no time for another poll \
         (`WaiterError::TimedOut`, with the last response). Await the returned \
         [`Waiter`](crate::waiters::Waiter), after changing its delays \
         ([`min_delay`](crate::waiters::Waiter::min_delay), \
         [`max_delay`](crate::waiters::Waiter::max_delay)) if you like: `Ok` holds the \
         [`Finished`](crate::waiters::Finished) wait with the success acceptor and the last \
         response; a [`WaiterError`](crate::waiters::WaiterError) says what ended it \
         otherwise. See [`waiters::{}`](crate::waiters::{}).",
        w.type_name.text, w.type_name.text
    ));
    let docs = doc_attrs(&text);
    let deprecated = w.deprecated.then(|| quote!(#[deprecated]));
    quote! {
        #docs
        #deprecated
        pub fn #method(&self, #param max_wait: ::core::time::Duration) -> crate::rt::waiter::Waiter<crate::waiters::#ty> {
            crate::rt::waiter::Waiter::new(self.handle.clone(), #arg, max_wait)
        }
    }
}

/// The tokens of `src/waiters.rs`.
pub fn waiters_rs(ir: &Ir) -> TokenStream {
    let scope = Scope::outside(ir);
    let module_docs = inner_doc_attrs(&format!(
        "The waiters of {} (feature `client`): one type per waiter of the model, used through \
         the client's `wait_until_…` methods, and the runtime's waiter types they return.",
        ir.service.sdk_id
    ));
    let items = ir.waiters.iter().filter_map(|w| {
        let op = op_of(ir, w)?;
        Some(waiter(&scope, op, w))
    });
    quote! {
        #module_docs

        pub use crate::rt::waiter::{
            Acceptor, AcceptorState, Finished, Matched, VirtualClock, Waiter, WaiterClock,
            WaiterError, WaiterResult, WaiterSpec,
        };

        #(#items)*
    }
}

fn waiter(scope: &Scope<'_>, op: &Operation, w: &Waiter) -> TokenStream {
    let ty = w.type_name.ident();
    let module = op.module.ident();
    let marker = op.type_name.ident();
    let operation = quote!(crate::operation::#module::#marker);
    let input = op
        .input
        .as_ref()
        .map_or(quote!(()), |id| scope.type_path(id));
    let name = &w.name;
    let (min, max) = (w.min_delay, w.max_delay);
    let acceptors = w.acceptors.iter().map(|a| {
        let state = format_ident!(
            "{}",
            match a.state {
                AcceptorState::Success => "Success",
                AcceptorState::Failure => "Failure",
                AcceptorState::Retry => "Retry",
            }
        );
        let matcher = a.describe();
        quote!(Acceptor { state: AcceptorState::#state, matcher: #matcher })
    });
    let uses_input = w.acceptors.iter().any(|a| {
        matches!(
            a.matcher,
            Matcher::Path {
                input_output: true,
                ..
            }
        )
    });
    let input_param = if uses_input {
        format_ident!("input")
    } else {
        format_ident!("_input")
    };
    let checks = w
        .acceptors
        .iter()
        .enumerate()
        .map(|(i, a)| acceptor(i, &a.matcher));
    let mut text = waiter_docs(op, w);
    text.push_str(&format!(
        "\n\nUsed by [`Client::{m}`](crate::client::Client::{m}).",
        m = w.method.text
    ));
    let docs = doc_attrs(&text);
    quote! {
        #docs
        #[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
        pub struct #ty;

        impl WaiterSpec for #ty {
            type Operation = #operation;
            const NAME: &'static str = #name;
            const MIN_DELAY: ::core::time::Duration = ::core::time::Duration::from_secs(#min);
            const MAX_DELAY: ::core::time::Duration = ::core::time::Duration::from_secs(#max);
            const ACCEPTORS: &'static [Acceptor] = &[#(#acceptors),*];

            fn matches(
                #input_param: &#input,
                response: &crate::rt::waiter::Response<#operation>,
            ) -> ::core::option::Option<usize> {
                #(#checks)*
                ::core::option::Option::None
            }
        }
    }
}

/// `if <acceptor i matches> { return Some(i); }`.
fn acceptor(i: usize, m: &Matcher) -> TokenStream {
    let jm = jm();
    let found = quote!(return ::core::option::Option::Some(#i););
    match m {
        Matcher::Success(true) => quote! { if response.is_ok() { #found } },
        Matcher::Success(false) => quote! { if response.is_err() { #found } },
        Matcher::ErrorType { codes, .. } => quote! {
            if matches!(
                response.as_ref().err().and_then(|e| e.code()),
                ::core::option::Option::Some(#(#codes)|*)
            ) {
                #found
            }
        },
        Matcher::Path {
            input_output,
            expr,
            comparator,
            expected,
            ..
        } => {
            let mut cx = Compiler { next: 1 };
            let root = format_ident!("_c0");
            let value = cx.value(expr, &root);
            let compare = match comparator {
                Comparator::StringEquals => quote!(#jm::string_equals(#value, #expected)),
                Comparator::BooleanEquals => {
                    let b = expected == "true";
                    quote!(#jm::boolean_equals(#value, #b))
                }
                Comparator::AllStringEquals => quote!(#jm::all_string_equals(#value, #expected)),
                Comparator::AnyStringEquals => quote!(#jm::any_string_equals(#value, #expected)),
            };
            let bind = if *input_output {
                quote! {
                    let io = (input, output);
                    let #root = ::core::option::Option::Some(&io);
                }
            } else {
                quote!(let #root = ::core::option::Option::Some(output);)
            };
            quote! {
                if let ::core::result::Result::Ok(output) = response {
                    #bind
                    let matched = #compare;
                    if matched { #found }
                }
            }
        }
    }
}

/// Compiles typed expressions; `next` numbers the variables.
struct Compiler {
    next: usize,
}

impl Compiler {
    fn fresh(&mut self, prefix: &str) -> Ident {
        let n = self.next;
        self.next += 1;
        format_ident!("_{}{}", prefix, n)
    }

    /// Tokens of type `Option<R>` for `t` evaluated on the current value `cur`.
    fn value(&mut self, t: &Typed, cur: &Ident) -> TokenStream {
        let jm = jm();
        match &t.expr {
            Expr::Current => quote!(#jm::current(&#cur)),
            Expr::Field {
                field,
                optional,
                access,
                ..
            } => {
                let s = self.fresh("s");
                let f = field.ident();
                let (is_option, read) = match access {
                    Access::RootInput => (false, quote!(#s.0)),
                    Access::RootOutput => (false, quote!(#s.1)),
                    Access::Str if *optional => (true, quote!(#s.#f.as_deref())),
                    Access::Str => (false, quote!(#s.#f.as_str())),
                    Access::Enum if *optional => (true, quote!(#s.#f.as_ref().map(|e| e.as_str()))),
                    Access::Enum => (false, quote!(#s.#f.as_str())),
                    Access::IntEnum if *optional => {
                        (true, quote!(#s.#f.as_ref().map(|e| #jm::number(e.value()))))
                    }
                    Access::IntEnum => (false, quote!(#jm::number(#s.#f.value()))),
                    Access::Bool => (*optional, quote!(#s.#f)),
                    Access::Num if *optional => (true, quote!(#s.#f.map(#jm::number))),
                    Access::Num => (false, quote!(#jm::number(#s.#f))),
                    Access::Struct { boxed: true } if *optional => (true, quote!(#s.#f.as_deref())),
                    Access::Struct { boxed: false } if *optional => (true, quote!(#s.#f.as_ref())),
                    Access::Struct { boxed: true } => (false, quote!(&*#s.#f)),
                    Access::Struct { boxed: false } => (false, quote!(&#s.#f)),
                    Access::List(item) if *optional => {
                        let l = self.fresh("l");
                        let items = self.collect(&quote!(#l), item);
                        (true, quote!(#s.#f.as_ref().map(|#l| #items)))
                    }
                    Access::List(item) => (false, self.collect(&quote!(#s.#f), item)),
                };
                if is_option {
                    quote!(#cur.and_then(|#s| #read))
                } else {
                    quote!(#cur.map(|#s| #read))
                }
            }
            Expr::Literal(lit) => match lit {
                Lit::Str(s) => some(quote!(#s)),
                Lit::Bool(b) => some(quote!(#b)),
                Lit::Num(n) => {
                    let abs = Literal::f64_suffixed(n.abs());
                    if *n < 0.0 {
                        some(quote!(-#abs))
                    } else {
                        some(quote!(#abs))
                    }
                }
                Lit::Null => quote!(::core::option::Option::<()>::None),
            },
            Expr::Index { base, index } => {
                let b = self.value(base, cur);
                let l = self.fresh("l");
                let abs = Literal::i128_unsuffixed(i128::from(*index).abs());
                let i = if *index < 0 {
                    quote!(-#abs)
                } else {
                    quote!(#abs)
                };
                quote!(#b.and_then(|#l| #jm::index(#l, #i)))
            }
            Expr::Flatten { base, nested } => {
                let b = self.value(base, cur);
                if *nested {
                    let l = self.fresh("l");
                    quote!(#b.map(|#l| #l.into_iter().flatten().collect::<::std::vec::Vec<_>>()))
                } else {
                    b
                }
            }
            Expr::Project { base, filter, then } => {
                let b = self.value(base, cur);
                if filter.is_none() && then.expr == Expr::Current {
                    return b;
                }
                let l = self.fresh("l");
                let filter = filter.as_ref().map(|cond| {
                    let x = self.fresh("x");
                    let c = self.fresh("c");
                    let test = self.truth(cond, &c);
                    quote! {
                        .filter(|#x| {
                            let #c = ::core::option::Option::Some(#jm::current(#x));
                            #test
                        })
                    }
                });
                let map = (then.expr != Expr::Current).then(|| {
                    let x = self.fresh("x");
                    let c = self.fresh("c");
                    let v = self.value(then, &c);
                    quote! {
                        .filter_map(|#x| {
                            let #c = ::core::option::Option::Some(#x);
                            #v
                        })
                    }
                });
                quote!(#b.map(|#l| #l.into_iter() #filter #map .collect::<::std::vec::Vec<_>>()))
            }
            Expr::Pipe { left, right } => {
                let l = self.value(left, cur);
                let c = self.fresh("c");
                let r = self.value(right, &c);
                quote!({
                    let #c = #l;
                    #r
                })
            }
            Expr::Compare { op, left, right } => {
                use crate::jmespath::JType;
                let null = |t: &Typed| t.ty == JType::Null;
                match op {
                    Cmp::Eq | Cmp::Ne => {
                        let eq = *op == Cmp::Eq;
                        if null(left) && null(right) {
                            return some(quote!(#eq));
                        }
                        if null(left) || null(right) {
                            let other = if null(left) { right } else { left };
                            let v = self.value(other, cur);
                            return if eq {
                                some(quote!(#v.is_none()))
                            } else {
                                some(quote!(#v.is_some()))
                            };
                        }
                        let l = self.value(left, cur);
                        let r = self.value(right, cur);
                        if eq {
                            some(quote!(#l == #r))
                        } else {
                            some(quote!(#l != #r))
                        }
                    }
                    _ => {
                        let l = self.value(left, cur);
                        let r = self.value(right, cur);
                        let test = format_ident!(
                            "{}",
                            match op {
                                Cmp::Lt => "lt",
                                Cmp::Le => "le",
                                Cmp::Gt => "gt",
                                _ => "ge",
                            }
                        );
                        quote!(#jm::order(#l, #r, <f64 as ::core::cmp::PartialOrd>::#test))
                    }
                }
            }
            Expr::And(a, b) | Expr::Or(a, b) => {
                let x = self.fresh("v");
                let va = self.value(a, cur);
                let vb = self.value(b, cur);
                if matches!(t.expr, Expr::And(..)) {
                    quote!({
                        let #x = #va;
                        if #jm::truthy(&#x) { #vb } else { #x }
                    })
                } else {
                    quote!({
                        let #x = #va;
                        if #jm::truthy(&#x) { #x } else { #vb }
                    })
                }
            }
            Expr::Not(_) => {
                let test = self.truth(t, cur);
                some(test)
            }
            Expr::Length { arg, list } => {
                let v = self.value(arg, cur);
                if *list {
                    quote!(#jm::list_length(#v))
                } else {
                    quote!(#jm::str_length(#v))
                }
            }
            Expr::Contains {
                subject,
                search,
                list,
            } => {
                let s = self.value(subject, cur);
                let x = self.value(search, cur);
                if *list {
                    quote!(#jm::list_contains(#s, #x))
                } else {
                    quote!(#jm::str_contains(#s, #x))
                }
            }
        }
    }

    /// Tokens of type `bool`: the JMESPath truth of `t` on `cur`. Parentheses only where
    /// Rust's precedence needs them (`||` inside `&&`, `&&` or `||` under `!`).
    fn truth(&mut self, t: &Typed, cur: &Ident) -> TokenStream {
        let grouped = |this: &mut Self, inner: &Typed, around: &[fn(&Expr) -> bool]| {
            let tokens = this.truth(inner, cur);
            if around.iter().any(|f| f(&inner.expr)) {
                quote!((#tokens))
            } else {
                tokens
            }
        };
        let is_or: fn(&Expr) -> bool = |e| matches!(e, Expr::Or(..));
        let is_and: fn(&Expr) -> bool = |e| matches!(e, Expr::And(..));
        match &t.expr {
            Expr::And(a, b) => {
                let a = grouped(self, a, &[is_or]);
                let b = grouped(self, b, &[is_or]);
                quote!(#a && #b)
            }
            Expr::Or(a, b) => {
                let a = self.truth(a, cur);
                let b = self.truth(b, cur);
                quote!(#a || #b)
            }
            Expr::Not(a) => {
                let a = grouped(self, a, &[is_or, is_and]);
                quote!(!#a)
            }
            _ => {
                let jm = jm();
                let v = self.value(t, cur);
                quote!(#jm::truthy(&#v))
            }
        }
    }

    /// Tokens of type `Vec<R>`: the items of the list `list` (a `&Vec<T>` expression).
    fn collect(&mut self, list: &TokenStream, item: &Item) -> TokenStream {
        let jm = jm();
        let x = self.fresh("i");
        let map = match item {
            Item::Struct => quote!(),
            Item::Bool => quote!(.copied()),
            Item::Str | Item::Enum => quote!(.map(|#x| #x.as_str())),
            Item::IntEnum => quote!(.map(|#x| #jm::number(#x.value()))),
            Item::Num => quote!(.map(|#x| #jm::number(*#x))),
            Item::List(inner) => {
                let inner = self.collect(&quote!(#x), inner);
                quote!(.map(|#x| #inner))
            }
        };
        quote!(#list.iter() #map .collect::<::std::vec::Vec<_>>())
    }
}

#[cfg(test)]
mod tests {
    use super::code;

    #[test]
    fn code_spans_hold_backticks() {
        assert_eq!(code("a[].b"), "`a[].b`");
        assert_eq!(code("length(a) == `0`"), "`` length(a) == `0` ``");
        assert_eq!(code("x ``y``"), "``` x ``y`` ```");
    }
}
