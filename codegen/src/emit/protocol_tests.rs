//! Smithy protocol compliance tests: `tests/protocol_tests.rs` of the generated crate, one
//! `#[test]` per client case of `smithy.test#httpRequestTests` (module `requests`) and
//! `smithy.test#httpResponseTests` (module `responses`, including cases declared on error
//! structures), emitted when [`Options::protocol_tests`](crate::Options::protocol_tests) is set.
//!
//! A request test builds the input from the case's `params` with the generated constructor and
//! setters, builds the request with the endpoint of the case's `host` and idempotency tokens
//! from an all-zero random source, and hands its parts to the hand-written checks of
//! [`SUPPORT`] (method, path, host, query, headers, body compared as a form). A response test
//! parses the case's status and body and compares the result with the value built from
//! `params`; for an error it also checks the variant and the code and type of `vendorParams`.

use super::absolute_path;
use crate::error::{Error, Result};
use crate::ir::{Ir, Operation, Placement, RequestTest, ResponseTest, Ty};
use crate::naming;
use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};
use serde_json::Value;
use std::collections::BTreeSet;

/// Whether the IR has any protocol test case.
pub fn has_tests(ir: &Ir) -> bool {
    ir.operations
        .iter()
        .any(|o| !o.request_tests.is_empty() || !o.response_tests.is_empty())
}

/// The tokens of `tests/protocol_tests.rs`.
pub fn file(ir: &Ir) -> Result<TokenStream> {
    let cx = Cx {
        ir,
        krate: {
            let k = format_ident!("{}", ir.service.crate_name.replace('-', "_"));
            quote!(#k)
        },
    };
    let mut requests = Vec::new();
    let mut responses = Vec::new();
    let mut request_names = BTreeSet::new();
    let mut response_names = BTreeSet::new();
    for op in &ir.operations {
        for t in &op.request_tests {
            let name = unique_name(&mut request_names, &t.id)?;
            requests.push(cx.request_test(op, t, &name)?);
        }
        for t in &op.response_tests {
            let name = unique_name(&mut response_names, &t.id)?;
            responses.push(cx.response_test(op, t, &name)?);
        }
    }
    let doc = format!(
        " Smithy protocol tests of `{}`: {} request and {} response cases that apply to clients.",
        ir.service.id,
        requests.len(),
        responses.len()
    );
    let krate = &cx.krate;
    Ok(quote! {
        #![doc = #doc]
        //!
        //! Generated from the model's `smithy.test#httpRequestTests` and
        //! `smithy.test#httpResponseTests` traits.

        /// Each case builds a request and checks it against the case.
        mod requests {
            use #krate::rt::test_support as support;
            #(#requests)*
        }

        /// Each case parses a response and compares it with the case's `params`.
        mod responses {
            #(#responses)*
        }
    })
}

fn unique_name(seen: &mut BTreeSet<String>, id: &str) -> Result<proc_macro2::Ident> {
    let name = naming::snake(id);
    if !seen.insert(name.text.clone()) {
        return Err(Error::new(
            id,
            format!(
                "two protocol test cases are both named `{}` in Rust",
                name.text
            ),
        ));
    }
    Ok(name.ident())
}

fn doc_lines(docs: Option<&str>, id: &str, on: &str) -> TokenStream {
    let mut text = docs.map(str::trim).unwrap_or_default().to_owned();
    if !text.is_empty() {
        text.push_str("\n\n");
    }
    text.push_str(&format!("Smithy test case `{id}` on `{on}`."));
    super::doc_attrs(&text)
}

struct Cx<'ir> {
    ir: &'ir Ir,
    krate: TokenStream,
}

impl Cx<'_> {
    fn op_paths(&self, op: &Operation) -> (TokenStream, TokenStream) {
        let krate = &self.krate;
        let module = op.module.ident();
        let ty = op.type_name.ident();
        (
            quote!(#krate::operation::#module::#ty),
            quote!(#krate::operation::#module),
        )
    }

    fn request_test(
        &self,
        op: &Operation,
        t: &RequestTest,
        name: &proc_macro2::Ident,
    ) -> Result<TokenStream> {
        let at = format!("{} (request test {})", op.id, t.id);
        let krate = &self.krate;
        let (op_path, _) = self.op_paths(op);
        let input = match &op.input {
            Some(id) => self.value(&Ty::Structure(id.clone()), &t.params, &at)?,
            None if t.params.as_object().is_none_or(|o| o.is_empty()) => quote!(()),
            None => {
                return Err(Error::new(
                    at,
                    "params given for an operation without input",
                ))
            }
        };
        let endpoint = t.host.as_ref().map(|host| {
            let uri = format!("https://{host}");
            quote! {
                .endpoint(
                    #krate::rt::Endpoint::parse(#uri)
                        .expect("the case's host is a valid endpoint"),
                )
            }
        });
        let host = t.resolved_host.clone().or_else(|| {
            t.host
                .as_ref()
                .map(|h| h.split('/').next().unwrap_or(h).to_owned())
        });
        let host = opt_str(host.as_deref());
        match t.body_media_type.as_deref() {
            None | Some("application/x-www-form-urlencoded") => {}
            Some(other) => {
                return Err(Error::new(
                    at,
                    format!(
                    "no comparison for request bodies of type {other}: an awsQuery body is a form"
                ),
                ))
            }
        }
        let (method, uri) = (&t.method, &t.uri);
        let strs = |v: &[String]| quote!(&[#(#v),*]);
        let query_params = strs(&t.query_params);
        let forbid_query_params = strs(&t.forbid_query_params);
        let require_query_params = strs(&t.require_query_params);
        let forbid_headers = strs(&t.forbid_headers);
        let require_headers = strs(&t.require_headers);
        let headers = t.headers.iter().map(|(k, v)| quote!((#k, #v)));
        let body = opt_str(t.body.as_deref());
        let media = opt_str(t.body_media_type.as_deref());
        let gzip_check = op.gzip.then(|| {
            quote! {
                if actual.header("content-encoding").as_deref() == Some("gzip") {
                    let plain = <#op_path as #krate::Operation>::build_request_with(
                        &input,
                        &options.clone().disable_request_compression(),
                    )
                    .expect("the request builds");
                    support::check_gzip_of(request.body(), plain.body());
                }
            }
        });
        let docs = doc_lines(t.docs.as_deref(), &t.id, &op.id);
        Ok(quote! {
            #docs
            #[test]
            fn #name() {
                let input = #input;
                // The suite expects the token an all-zero random source gives.
                let options = #krate::rt::RequestOptions::new()
                    .idempotency_tokens(|| #krate::rt::idempotency::uuid_v4([0; 16]))
                    #endpoint;
                let request = <#op_path as #krate::Operation>::build_request_with(&input, &options)
                    .expect("the request builds");
                let uri = request.uri().to_string();
                let actual = support::Actual {
                    method: request.method().as_str(),
                    uri: &uri,
                    headers: request
                        .headers()
                        .iter()
                        .map(|(k, v)| (k.as_str().to_owned(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
                        .collect(),
                    body: request.body(),
                };
                support::check_request(
                    &actual,
                    &support::Expected {
                        method: #method,
                        uri: #uri,
                        host: #host,
                        query_params: #query_params,
                        forbid_query_params: #forbid_query_params,
                        require_query_params: #require_query_params,
                        headers: &[#(#headers),*],
                        forbid_headers: #forbid_headers,
                        require_headers: #require_headers,
                        body: #body,
                        body_media_type: #media,
                    },
                );
                #gzip_check
            }
        })
    }

    fn response_test(
        &self,
        op: &Operation,
        t: &ResponseTest,
        name: &proc_macro2::Ident,
    ) -> Result<TokenStream> {
        let krate = &self.krate;
        let (op_path, module_path) = self.op_paths(op);
        let code = Literal::u16_unsuffixed(t.code);
        let body = &t.body;
        let on = t.error.as_deref().unwrap_or(&op.id);
        let at = format!("{on} (response test {})", t.id);
        let docs = doc_lines(t.docs.as_deref(), &t.id, on);
        let parse = quote! {
            let result = <#op_path as #krate::Operation>::parse_response(#code, #body.as_bytes());
        };
        let check = match &t.error {
            Some(error_id) => {
                let s = self
                    .ir
                    .structure(error_id)
                    .ok_or_else(|| Error::new(&at, "the error structure is not generated"))?;
                let info = s
                    .error
                    .as_ref()
                    .ok_or_else(|| Error::new(&at, "not an error structure"))?;
                let variant = s.name.ident();
                let error_enum = op.error_name.ident();
                let expected = self.value(&Ty::Structure(error_id.clone()), &t.params, &at)?;
                let vendor_code = t.vendor_params.get("code").and_then(Value::as_str);
                let want_code = vendor_code.unwrap_or(&info.code);
                let want_type = t
                    .vendor_params
                    .get("type")
                    .and_then(Value::as_str)
                    .map(|ty| quote!(assert_eq!(error.meta.error_type.as_deref(), Some(#ty));));
                let shown = s.name.text.clone();
                quote! {
                    #parse
                    let mut error = match result {
                        Err(#module_path::#error_enum::#variant(e)) => e,
                        other => panic!("expected the {} error, got {other:?}", #shown),
                    };
                    assert_eq!(error.meta.code, #want_code);
                    #want_type
                    assert_eq!(error.meta.status, #code);
                    // The members are compared without the envelope's metadata.
                    *error.meta = ::std::default::Default::default();
                    let expected = #expected;
                    assert_eq!(error, expected);
                }
            }
            None => match &op.output {
                Some(out) => {
                    let mut nan = false;
                    let expected =
                        self.value_nan(&Ty::Structure(out.clone()), &t.params, &at, &mut nan)?;
                    let compare = if nan {
                        // NaN is unequal to itself: compare the printed values instead.
                        quote!(assert_eq!(format!("{output:?}"), format!("{expected:?}"));)
                    } else {
                        quote!(assert_eq!(output, expected);)
                    };
                    quote! {
                        #parse
                        let output = match result {
                            Ok(output) => output,
                            Err(e) => panic!("expected the output, got the error {e}"),
                        };
                        let expected = #expected;
                        #compare
                    }
                }
                None => {
                    if t.params.as_object().is_some_and(|o| !o.is_empty()) {
                        return Err(Error::new(
                            at,
                            "params given for an operation without output",
                        ));
                    }
                    quote! {
                        #parse
                        if let Err(e) = result {
                            panic!("expected success, got the error {e}");
                        }
                    }
                }
            },
        };
        Ok(quote! {
            #docs
            #[test]
            fn #name() {
                #check
            }
        })
    }

    /// The public path of a generated structure or enum.
    fn path(&self, id: &str, at: &str) -> Result<TokenStream> {
        match (self.ir.structure(id), self.ir.enumeration(id)) {
            (Some(s), _) => Ok(absolute_path(&self.krate, &s.placement, &s.name)),
            (None, Some(e)) => Ok(absolute_path(&self.krate, &Placement::Types, &e.name)),
            (None, None) => Err(Error::new(at, format!("`{id}` is not generated"))),
        }
    }

    fn value(&self, ty: &Ty, v: &Value, at: &str) -> Result<TokenStream> {
        self.value_nan(ty, v, at, &mut false)
    }

    /// An expression of exactly the Rust type of `ty` holding `v`; sets `nan` when a NaN is
    /// among the values.
    fn value_nan(&self, ty: &Ty, v: &Value, at: &str, nan: &mut bool) -> Result<TokenStream> {
        let krate = &self.krate;
        let bad = || Error::new(at, format!("params value {v} does not fit {ty:?}"));
        Ok(match ty {
            Ty::String => {
                let s = v.as_str().ok_or_else(bad)?;
                quote!(::std::string::String::from(#s))
            }
            Ty::Enum(id) => {
                let path = self.path(id, at)?;
                match v {
                    Value::String(s) => quote!(#path::from(#s)),
                    Value::Number(n) => {
                        let n = n
                            .as_i64()
                            .and_then(|n| i32::try_from(n).ok())
                            .ok_or_else(bad)?;
                        quote!(#path::from(#n))
                    }
                    _ => return Err(bad()),
                }
            }
            Ty::Boolean => {
                let b = v.as_bool().ok_or_else(bad)?;
                quote!(#b)
            }
            Ty::Byte => int_lit(v, bad, |n| i8::try_from(n).ok().map(Literal::i8_suffixed))?,
            Ty::Short => int_lit(v, bad, |n| i16::try_from(n).ok().map(Literal::i16_suffixed))?,
            Ty::Integer => int_lit(v, bad, |n| i32::try_from(n).ok().map(Literal::i32_suffixed))?,
            Ty::Long => int_lit(v, bad, |n| Some(Literal::i64_suffixed(n)))?,
            Ty::Float | Ty::Double => {
                let prim = if *ty == Ty::Float {
                    quote!(f32)
                } else {
                    quote!(f64)
                };
                match v {
                    Value::String(s) if s == "NaN" => {
                        *nan = true;
                        quote!(#prim::NAN)
                    }
                    Value::String(s) if s == "Infinity" => quote!(#prim::INFINITY),
                    Value::String(s) if s == "-Infinity" => quote!(#prim::NEG_INFINITY),
                    Value::Number(n) => {
                        let x = n.as_f64().ok_or_else(bad)?;
                        if *ty == Ty::Float {
                            // The model's value is written for an f32.
                            #[allow(clippy::cast_possible_truncation)]
                            let lit = Literal::f32_suffixed(x as f32);
                            quote!(#lit)
                        } else {
                            let lit = Literal::f64_suffixed(x);
                            quote!(#lit)
                        }
                    }
                    _ => return Err(bad()),
                }
            }
            Ty::Timestamp(_) => {
                let Value::Number(n) = v else {
                    return Err(bad());
                };
                let (secs, nanos) = epoch_parts(&n.to_string()).ok_or_else(bad)?;
                if nanos == 0 {
                    quote!(#krate::DateTime::from_secs(#secs))
                } else {
                    quote!(#krate::DateTime::from_secs_and_nanos(#secs, #nanos))
                }
            }
            Ty::Blob => {
                let s = v.as_str().ok_or_else(bad)?;
                quote!(#krate::Blob::from(#s))
            }
            Ty::Structure(id) => {
                let s = self
                    .ir
                    .structure(id)
                    .ok_or_else(|| Error::new(at, format!("`{id}` is not generated")))?;
                let obj = v.as_object().ok_or_else(bad)?;
                for key in obj.keys() {
                    if !s.members.iter().any(|m| &m.name == key) {
                        return Err(Error::new(at, format!("`{id}` has no member `{key}`")));
                    }
                }
                let path = self.path(id, at)?;
                if s.is_union() {
                    // `{"Member": value}`: the variant holding that member.
                    let [(key, mv)] = obj.iter().collect::<Vec<_>>()[..] else {
                        return Err(Error::new(
                            at,
                            format!("params value {v} of the union `{id}` must have one member"),
                        ));
                    };
                    let m = s.members.iter().find(|m| &m.name == key).ok_or_else(bad)?;
                    let ident = m.variant().ident();
                    if m.ty == Ty::Unit {
                        return Ok(quote!(#path::#ident));
                    }
                    let value = self.value_nan(&m.ty, mv, at, nan)?;
                    return Ok(if m.boxed {
                        quote!(#path::#ident(::std::boxed::Box::new(#value)))
                    } else {
                        quote!(#path::#ident(#value))
                    });
                }
                let mut args = Vec::new();
                for m in s.members.iter().filter(|m| !m.optional) {
                    let mv = obj.get(&m.name).ok_or_else(|| {
                        Error::new(at, format!("params lack the required member `{}`", m.name))
                    })?;
                    args.push(self.value_nan(&m.ty, mv, at, nan)?);
                }
                let mut setters = Vec::new();
                for m in s.members.iter().filter(|m| m.optional) {
                    if let Some(mv) = obj.get(&m.name) {
                        let field = m.field.ident();
                        let value = self.value_nan(&m.ty, mv, at, nan)?;
                        setters.push(quote!(.#field(#value)));
                    }
                }
                let allow = s
                    .members
                    .iter()
                    .any(|m| m.deprecated.is_some())
                    .then(|| quote!(#[allow(deprecated)]));
                match allow {
                    Some(allow) => {
                        quote!({ #allow let v = #path::new(#(#args),*) #(#setters)*; v })
                    }
                    None => quote!(#path::new(#(#args),*) #(#setters)*),
                }
            }
            Ty::Unit => quote!(()),
            Ty::List(l) => {
                let items = v
                    .as_array()
                    .ok_or_else(bad)?
                    .iter()
                    .map(|i| self.value_nan(&l.item, i, at, nan))
                    .collect::<Result<Vec<_>>>()?;
                quote!(::std::vec![#(#items),*])
            }
            Ty::Map(m) => {
                let obj = v.as_object().ok_or_else(bad)?;
                if obj.is_empty() {
                    quote!(::std::collections::BTreeMap::new())
                } else {
                    let mut entries = Vec::new();
                    for (k, val) in obj {
                        let key = self.value_nan(&m.key, &Value::String(k.clone()), at, nan)?;
                        let val = self.value_nan(&m.value, val, at, nan)?;
                        entries.push(quote!((#key, #val)));
                    }
                    quote!(::std::collections::BTreeMap::from([#(#entries),*]))
                }
            }
        })
    }
}

fn int_lit(
    v: &Value,
    bad: impl Fn() -> Error,
    lit: impl Fn(i64) -> Option<Literal>,
) -> Result<TokenStream> {
    let lit = v.as_i64().and_then(lit).ok_or_else(bad)?;
    Ok(quote!(#lit))
}

fn opt_str(s: Option<&str>) -> TokenStream {
    match s {
        Some(s) => quote!(Some(#s)),
        None => quote!(None),
    }
}

/// Seconds and nanoseconds of a non-negative JSON number of epoch seconds, read from its text
/// (`946845296.123` → 946845296 s and 123 000 000 ns) so no float rounding creeps in.
fn epoch_parts(text: &str) -> Option<(i64, u32)> {
    if text.contains(['e', 'E']) {
        return None;
    }
    let (whole, frac) = text.split_once('.').unwrap_or((text, ""));
    let secs: i64 = whole.parse().ok()?;
    if frac.len() > 9 || !frac.bytes().all(|b| b.is_ascii_digit()) || (secs < 0 && !frac.is_empty())
    {
        return None;
    }
    let nanos = if frac.is_empty() {
        0
    } else {
        format!("{frac:0<9}").parse().ok()?
    };
    Some((secs, nanos))
}

#[cfg(test)]
mod tests {
    use super::epoch_parts;

    #[test]
    fn epoch_parts_read_the_text() {
        assert_eq!(epoch_parts("1398796238"), Some((1_398_796_238, 0)));
        assert_eq!(
            epoch_parts("946845296.123"),
            Some((946_845_296, 123_000_000))
        );
        assert_eq!(epoch_parts("1.000000001"), Some((1, 1)));
        assert_eq!(epoch_parts("-5"), Some((-5, 0)));
        assert_eq!(epoch_parts("-5.5"), None);
        assert_eq!(epoch_parts("1e9"), None);
        assert_eq!(epoch_parts("1.0000000001"), None);
    }
}
