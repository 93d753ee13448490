//! `src/endpoint.rs` (crates whose model has `smithy.rules#endpointRuleSet`): the rule set as
//! `const` data for the runtime's engine (`rt::rules`), a typed `Params` struct and
//! `resolve_endpoint`; and the tests made from `smithy.rules#endpointTests`.

use crate::ir::rules::{
    Condition, EndpointTest, Expect, Expr, Literal, Param, ParamType, Part, Rule, RuleKind,
    RuleSet, Step,
};
use crate::ir::Ir;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

/// The tokens of `src/endpoint.rs`; `None` when the model has no rule set.
pub fn endpoint_rs(ir: &Ir) -> Option<TokenStream> {
    let rules = ir.endpoint_rules.as_ref()?;
    let service = &ir.service.id;
    let rule_set = rule_set(service, rules);
    let fields = rules.params.iter().map(|p| {
        let name = p.field.ident();
        let ty = field_ty(p);
        let docs = super::doc_attrs(&param_docs(p));
        quote!(#docs pub #name: #ty,)
    });
    let defaults = rules.params.iter().map(|p| {
        let name = p.field.ident();
        let value = match &p.default {
            None => quote!(::core::option::Option::None),
            Some(Literal::Bool(b)) => quote!(#b),
            Some(Literal::Str(s)) => quote!(::std::string::String::from(#s)),
            Some(Literal::StrArray(items)) => {
                quote!(::std::vec![#(::std::string::String::from(#items)),*])
            }
        };
        quote!(#name: #value,)
    });
    let setters = rules.params.iter().map(|p| {
        let name = p.field.ident();
        let docs = super::doc_attrs(&format!("Sets `{}`.", p.name));
        let (arg, value) = match p.ty {
            ParamType::Boolean => (quote!(bool), quote!(value)),
            ParamType::String => (
                quote!(impl ::core::convert::Into<::std::string::String>),
                quote!(value.into()),
            ),
            ParamType::StringArray => (
                quote!(::std::vec::Vec<::std::string::String>),
                quote!(value),
            ),
        };
        let value = if p.default.is_some() {
            value
        } else {
            quote!(::core::option::Option::Some(#value))
        };
        quote! {
            #docs
            pub fn #name(mut self, value: #arg) -> Self {
                self.#name = #value;
                self
            }
        }
    });
    let values = rules.params.iter().map(|p| {
        let name = p.field.ident();
        let one = |v: TokenStream| match p.ty {
            ParamType::Boolean => quote!(Value::Bool(#v)),
            ParamType::String => quote!(Value::Str(::std::string::String::from(#v))),
            ParamType::StringArray => quote!(Value::Array(
                #v.iter().map(|s| Value::Str(s.clone())).collect()
            )),
        };
        if p.default.is_some() {
            let v = match p.ty {
                ParamType::Boolean => one(quote!(self.#name)),
                _ => one(quote!(&*self.#name)),
            };
            quote!(::core::option::Option::Some(#v))
        } else {
            let v = match p.ty {
                ParamType::StringArray => one(quote!(v)),
                _ => one(quote!(v.as_str())),
            };
            quote!(self.#name.as_ref().map(|v| #v))
        }
    });
    let module_docs = super::inner_doc_attrs(&format!(
        "Endpoint resolution: the model's `smithy.rules#endpointRuleSet` as data for the \
         runtime's rules engine ([`crate::rt::rules`]), checked when this crate was generated.\n\n\
         Fill [`Params`] and call [`resolve_endpoint`] to learn the URL, the signing name and \
         region ([`ResolvedEndpoint::auth_scheme`]) and any headers a request to `{}` needs; \
         no I/O and no `client` feature needed. The async client does this once, when it is \
         made, with the region, FIPS, dual-stack and endpoint settings of its configuration.",
        ir.service.sdk_id
    ));
    Some(quote! {
        #module_docs

        use crate::rt::rules::{
            Call, Condition, EndpointTemplate, Expr, Function, Literal, Param, ParamType, Part,
            Rule, RuleKind, RuleSet, Step, Value,
        };
        pub use crate::rt::rules::{AuthScheme, ResolvedEndpoint};
        pub use crate::rt::EndpointError;

        /// The rule set, lowered.
        pub static RULE_SET: RuleSet = #rule_set;

        /// The parameters of the endpoint rules. `new()` gives each its default; the
        /// setters set one.
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct Params {
            #(#fields)*
        }

        #[allow(clippy::derivable_impls)] // Derivable only when every default is the type's.
        impl ::core::default::Default for Params {
            fn default() -> Self {
                Self { #(#defaults)* }
            }
        }

        impl Params {
            /// Every parameter at its default (unset when it has none).
            pub fn new() -> Self {
                Self::default()
            }

            #(#setters)*

            /// The values in the rule set's order, for the engine.
            fn values(&self) -> ::std::vec::Vec<::core::option::Option<Value>> {
                ::std::vec![#(#values),*]
            }
        }

        /// Resolves the endpoint for `params`: the endpoint the first matching rule gives, or
        /// the error a rule raises (the model's message, as is).
        pub fn resolve_endpoint(params: &Params) -> ::core::result::Result<ResolvedEndpoint, EndpointError> {
            crate::rt::rules::resolve(&RULE_SET, params.values())
        }
    })
}

fn field_ty(p: &Param) -> TokenStream {
    let base = match p.ty {
        ParamType::Boolean => quote!(bool),
        ParamType::String => quote!(::std::string::String),
        ParamType::StringArray => quote!(::std::vec::Vec<::std::string::String>),
    };
    if p.default.is_some() {
        base
    } else {
        quote!(::core::option::Option<#base>)
    }
}

fn param_docs(p: &Param) -> String {
    let mut text = format!("`{}`", p.name);
    if let Some(b) = &p.built_in {
        text.push_str(&format!(" (built-in `{b}`)"));
    }
    text.push_str(match &p.default {
        Some(_) => ": has a default.",
        None if p.required => ": required.",
        None => ": unset by default.",
    });
    text
}

fn rule_set(service: &str, rules: &RuleSet) -> TokenStream {
    let params = rules.params.iter().map(|p| {
        let name = &p.name;
        let ty = format_ident!(
            "{}",
            match p.ty {
                ParamType::String => "String",
                ParamType::Boolean => "Boolean",
                ParamType::StringArray => "StringArray",
            }
        );
        let built_in = option(p.built_in.as_ref().map(|b| quote!(#b)));
        let required = p.required;
        let default = option(p.default.as_ref().map(|d| match d {
            Literal::Str(s) => quote!(Literal::Str(#s)),
            Literal::Bool(b) => quote!(Literal::Bool(#b)),
            Literal::StrArray(items) => quote!(Literal::StrArray(&[#(#items),*])),
        }));
        quote!(Param { name: #name, ty: ParamType::#ty, built_in: #built_in, required: #required, default: #default })
    });
    let top = rule_list(&rules.rules);
    let slots = int(rules.slots);
    quote! {
        RuleSet { service: #service, params: &[#(#params),*], rules: #top, slots: #slots }
    }
}

/// An integer without a type suffix (`4`, not `4u16`).
fn int(n: impl Into<i128>) -> proc_macro2::Literal {
    proc_macro2::Literal::i128_unsuffixed(n.into())
}

fn option(t: Option<TokenStream>) -> TokenStream {
    match t {
        Some(t) => quote!(::core::option::Option::Some(#t)),
        None => quote!(::core::option::Option::None),
    }
}

fn rule_list(rules: &[Rule]) -> TokenStream {
    let rules = rules.iter().map(rule);
    quote!(&[#(#rules),*])
}

fn rule(r: &Rule) -> TokenStream {
    let conditions = r.conditions.iter().map(condition);
    let kind = match &r.kind {
        RuleKind::Tree(rules) => {
            let rules = rule_list(rules);
            quote!(RuleKind::Tree(#rules))
        }
        RuleKind::Error(message) => {
            let message = expr(message);
            quote!(RuleKind::Error(#message))
        }
        RuleKind::Endpoint {
            url,
            properties,
            headers,
        } => {
            let url = expr(url);
            let properties = properties.iter().map(|(k, v)| {
                let v = expr(v);
                quote!((#k, #v))
            });
            let headers = headers.iter().map(|(name, values)| {
                let values = values.iter().map(expr);
                quote!((#name, &[#(#values),*]))
            });
            quote!(RuleKind::Endpoint(EndpointTemplate {
                url: #url,
                properties: &[#(#properties),*],
                headers: &[#(#headers),*],
            }))
        }
    };
    quote!(Rule { conditions: &[#(#conditions),*], kind: #kind })
}

fn condition(c: &Condition) -> TokenStream {
    let call = call(c.function, &c.args);
    let assign = option(c.assign.map(|s| {
        let s = int(s);
        quote!(#s)
    }));
    quote!(Condition { call: #call, assign: #assign })
}

fn call(function: crate::ir::rules::Function, args: &[Expr]) -> TokenStream {
    let f = format_ident!("{}", function.variant());
    let args = args.iter().map(expr);
    quote!(Call { function: Function::#f, args: &[#(#args),*] })
}

fn steps(path: &[Step]) -> TokenStream {
    let steps = path.iter().map(|s| match s {
        Step::Key(k) => quote!(Step::Key(#k)),
        Step::Index(i) => {
            let i = int(i64::try_from(*i).unwrap_or(i64::MAX));
            quote!(Step::Index(#i))
        }
    });
    quote!(&[#(#steps),*])
}

fn expr(e: &Expr) -> TokenStream {
    match e {
        Expr::Str(parts) => {
            let parts = parts.iter().map(|p| match p {
                Part::Text(t) => quote!(Part::Text(#t)),
                Part::Var(slot) => {
                    let slot = int(*slot);
                    quote!(Part::Var(#slot))
                }
                Part::Attr(slot, path) => {
                    let slot = int(*slot);
                    let path = steps(path);
                    quote!(Part::Attr(#slot, #path))
                }
            });
            quote!(Expr::Str(&[#(#parts),*]))
        }
        Expr::Bool(b) => quote!(Expr::Bool(#b)),
        Expr::Int(i) => {
            let i = int(*i);
            quote!(Expr::Int(#i))
        }
        Expr::Array(items) => {
            let items = items.iter().map(expr);
            quote!(Expr::Array(&[#(#items),*]))
        }
        Expr::Record(fields) => {
            let fields = fields.iter().map(|(k, v)| {
                let v = expr(v);
                quote!((#k, #v))
            });
            quote!(Expr::Record(&[#(#fields),*]))
        }
        Expr::Ref(slot) => {
            let slot = int(*slot);
            quote!(Expr::Ref(#slot))
        }
        Expr::Path(path) => {
            let path = steps(path);
            quote!(Expr::Path(#path))
        }
        Expr::Call(function, args) => {
            let call = call(*function, args);
            quote!(Expr::Call(&#call))
        }
    }
}

// ---------------------------------------------------------------------------
// Tests from `smithy.rules#endpointTests`
// ---------------------------------------------------------------------------

/// The helpers the test modules call (`check_endpoint`, `check_error`), once per test file;
/// `rt` is the path of the runtime there.
pub fn test_helpers(rt: &TokenStream) -> TokenStream {
    quote! {
        use #rt::rules::{ResolvedEndpoint, Value};
        use #rt::EndpointError;

        /// Records with their fields sorted, at every depth: rules and tests may list them
        /// in different orders.
        fn sorted(value: Value) -> Value {
            match value {
                Value::Record(mut fields) => {
                    fields.sort_by(|a, b| a.0.cmp(&b.0));
                    Value::Record(fields.into_iter().map(|(k, v)| (k, sorted(v))).collect())
                }
                Value::Array(items) => Value::Array(items.into_iter().map(sorted).collect()),
                other => other,
            }
        }

        fn check_endpoint(
            got: ::core::result::Result<ResolvedEndpoint, EndpointError>,
            url: &str,
            properties: Value,
            mut headers: ::std::vec::Vec<(::std::string::String, ::std::vec::Vec<::std::string::String>)>,
        ) {
            let got = got.unwrap_or_else(|e| panic!("expected the endpoint {url}, got the error {e:?}"));
            assert_eq!(got.url, url);
            assert_eq!(sorted(Value::Record(got.properties)), sorted(properties), "properties");
            let mut got_headers = got.headers;
            got_headers.sort();
            headers.sort();
            assert_eq!(got_headers, headers, "headers");
        }

        fn check_error(got: ::core::result::Result<ResolvedEndpoint, EndpointError>, message: &str) {
            match got {
                Ok(endpoint) => panic!("expected the error {message:?}, got {endpoint:?}"),
                Err(e) => assert_eq!(e.message(), message),
            }
        }
    }
}

/// A test module `name` with a `#[test]` per case of the model's `smithy.rules#endpointTests`;
/// `endpoint` is the path of the crate's endpoint module there, and the helpers of
/// [`test_helpers`] are in the parent module.
pub fn test_module(ir: &Ir, name: &str, endpoint: &TokenStream) -> Option<TokenStream> {
    let rules = ir.endpoint_rules.as_ref()?;
    let name = format_ident!("{}", name);
    let cases = ir
        .endpoint_tests
        .iter()
        .enumerate()
        .map(|(i, case)| test_case(rules, i, case));
    Some(quote! {
        mod #name {
            #[allow(unused_imports)]
            use super::Value;
            use #endpoint::{resolve_endpoint, Params};

            #(#cases)*
        }
    })
}

fn test_case(rules: &RuleSet, i: usize, case: &EndpointTest) -> TokenStream {
    let name = format_ident!("case_{i:03}");
    let docs = super::doc_attrs(case.docs.as_deref().unwrap_or("A test case."));
    let setters = case.params.iter().filter_map(|(param, value)| {
        let p = rules.params.iter().find(|p| p.name == *param)?;
        let setter = p.field.ident();
        let arg = match value {
            Value::Bool(b) => quote!(#b),
            Value::String(s) => quote!(#s),
            Value::Array(items) => {
                let items = items.iter().map(|i| i.as_str().unwrap_or_default());
                quote!(::std::vec![#(::std::string::String::from(#items)),*])
            }
            _ => return None,
        };
        Some(quote!(.#setter(#arg)))
    });
    let check = match &case.expect {
        Expect::Error(message) => quote!(super::check_error(got, #message);),
        Expect::Endpoint {
            url,
            properties,
            headers,
        } => {
            let properties = json_value(&Value::Object(properties.clone()));
            let headers = headers.iter().map(|(name, values)| {
                quote!((::std::string::String::from(#name), ::std::vec![#(::std::string::String::from(#values)),*]))
            });
            quote!(super::check_endpoint(got, #url, #properties, ::std::vec![#(#headers),*]);)
        }
    };
    quote! {
        #docs
        #[test]
        fn #name() {
            let params = Params::new() #(#setters)*;
            let got = resolve_endpoint(&params);
            #check
        }
    }
}

/// A JSON value as the runtime's `Value`.
fn json_value(v: &Value) -> TokenStream {
    match v {
        Value::Null => quote!(Value::Record(::std::vec::Vec::new())),
        Value::Bool(b) => quote!(Value::Bool(#b)),
        Value::Number(n) => {
            let i = n.as_i64().unwrap_or_default();
            quote!(Value::Int(#i))
        }
        Value::String(s) => quote!(Value::Str(::std::string::String::from(#s))),
        Value::Array(items) => {
            let items = items.iter().map(json_value);
            quote!(Value::Array(::std::vec![#(#items),*]))
        }
        Value::Object(fields) => {
            let fields = fields.iter().map(|(k, v)| {
                let v = json_value(v);
                quote!((::std::string::String::from(#k), #v))
            });
            quote!(Value::Record(::std::vec![#(#fields),*]))
        }
    }
}
