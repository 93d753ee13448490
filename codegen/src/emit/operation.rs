//! One file per operation: the marker type with its sans-IO `Operation` impl,
//! the input and output structures, the request serializer, the response
//! parser and the operation's error enum.

use super::{errors, examples, item_docs, shapes, structures_in, Scope};
use crate::ir::{HostPrefixPart, Ir, Operation, Placement, Protocol};
use crate::smithy;
use proc_macro2::TokenStream;
use quote::quote;

/// The tokens of `operation/<module>.rs`.
pub fn module(ir: &Ir, op: &Operation) -> TokenStream {
    let here = Placement::Operation(op.module.clone());
    let scope = Scope::new(ir, here.clone());
    let op_name = op.type_name.ident();
    let error_name = op.error_name.ident();
    let wire = &op.name;
    let response = format!("{wire}Response");
    let result_el = format!("{wire}Result");
    let result = scope.std("Result");
    let string = scope.std("String");
    let vec = scope.std("Vec");

    let input_ty = op
        .input
        .as_ref()
        .map_or(quote!(()), |id| scope.type_path(id));
    let output_ty = op
        .output
        .as_ref()
        .map_or(quote!(()), |id| scope.type_path(id));
    let capacity = 64
        + 48 * op
            .input
            .as_ref()
            .and_then(|i| ir.structure(i))
            .map_or(0, |s| s.members.len());
    let capacity_lit = proc_macro2::Literal::usize_unsuffixed(capacity);
    let writer = quote! {
        crate::rt::query::QueryWriter::new(#wire, crate::API_VERSION, SIZE.get())
            .idempotency_tokens(options.idempotency_token_source())
    };
    let serialize_body = if op.input.is_some() {
        quote! {
            let mut w = #writer;
            crate::rt::query::QuerySerialize::serialize(input, &mut w);
        }
    } else {
        quote! {
            let _ = input;
            let w = #writer;
        }
    };
    let output_members = op
        .output
        .as_ref()
        .and_then(|id| ir.structure(id))
        .map(|s| s.members.len());
    let parse_ok = match output_members {
        // An output without members has nothing to read: the body may even be empty.
        Some(0) => quote! {
            crate::rt::xml::parse_empty_response(body, #response)
                .map(|()| <#output_ty as ::core::default::Default>::default())
        },
        Some(_) => match ir.service.protocol {
            Protocol::AwsQuery => {
                quote!(crate::rt::xml::parse_response(body, #response, #result_el))
            }
            Protocol::Ec2Query => quote!(crate::rt::xml::parse_unwrapped_response(body, #response)),
        },
        None => quote!(crate::rt::xml::parse_empty_response(body, #response)),
    };
    let gzip = op.gzip;
    let signed = (!op.signed).then(|| {
        quote! {
            /// Requests go out unsigned: by the model's auth traits (the service's auth
            /// schemes, `smithy.api#auth`, `smithy.api#optionalAuth`) this operation is called
            /// without authentication.
            const SIGNED: bool = false;
        }
    });
    let host_prefix = host_prefix(ir, op);

    let mut op_docs = op
        .docs
        .clone()
        .unwrap_or_else(|| format!("The `{wire}` operation."));
    let example_docs = examples::doctests(ir, op);
    if !example_docs.is_empty() {
        op_docs.push_str("\n\n");
        op_docs.push_str(&example_docs);
    }
    let docs = item_docs(Some(&op_docs), "", &op.id);
    let alias_names: Vec<String> = [&op.input_alias, &op.output_alias]
        .into_iter()
        .flatten()
        // rustdoc resolves these module docs beside the outer `mod` docs: full paths, which
        // it cannot resolve through a raw module name (`r#loop`).
        .map(|a| {
            if op.module.raw {
                format!("`{}`", a.text)
            } else {
                format!(
                    "[`{}`](crate::operation::{}::{})",
                    a.text, op.module.text, a.text
                )
            }
        })
        .collect();
    let also = if alias_names.is_empty() {
        String::new()
    } else {
        format!(" (also named {})", alias_names.join(" and "))
    };
    let module_doc = format!(
        " The `{wire}` operation: its input and output{also}, the request serializer, the response parser and its errors."
    );
    let aliases = [
        (&op.input_alias, &op.input, "input"),
        (&op.output_alias, &op.output, "output"),
    ]
    .into_iter()
    .filter_map(|(alias, id, which)| {
        let (alias, id) = (alias.as_ref()?, id.as_ref()?);
        let target = scope.type_path(id);
        let link = ir.structure(id).map_or(String::new(), |s| {
            if s.placement == here {
                format!(" [`{}`]", s.name.text)
            } else {
                format!(" [`{}`]({})", s.name.text, super::doc_link(&s.placement, &s.name))
            }
        });
        let doc = format!(
            " The {which} of `{wire}`,{link} under the name every operation module gives its {which}."
        );
        let alias = alias.ident();
        Some(quote!(#[doc = #doc] pub type #alias = #target;))
    });

    let variants = op.errors.iter().map(|id| {
        let s = ir.structure(id);
        let name = s.map(|s| s.name.ident());
        let path = scope.type_path(id);
        let code = s
            .and_then(|s| s.error.as_ref())
            .map_or(String::new(), |e| e.code.clone());
        let link = s.map_or(String::new(), |s| super::doc_link(&s.placement, &s.name));
        let doc = format!(
            " The service answered with code `{code}`: see [`{}`]({link}).",
            smithy::shape_name(id)
        );
        quote!(#[doc = #doc] #name(#path),)
    });
    let names: Vec<_> = op
        .errors
        .iter()
        .filter_map(|id| ir.structure(id))
        .map(|s| s.name.ident())
        .collect();
    // A `match` rather than `raw.modeled().map(Self::Variant)`, whose closure and
    // `Result::map` would be compiled once per (operation, error) pair, and rather than `?`,
    // whose `Try` and `From` calls each arm would make the compiler resolve and check again.
    let err = scope.std("Err");
    let ok = scope.std("Ok");
    let dispatch = op.errors.iter().filter_map(|id| ir.structure(id)).map(|s| {
        let name = s.name.ident();
        let code = s.error.as_ref().map_or(String::new(), |e| e.code.clone());
        quote!(#code => match raw.modeled() {
            #ok(e) => Self::#name(e),
            #err(e) => return #err(e),
        },)
    });
    let error_doc = format!(" The errors `{wire}` can return.");
    let (option, some, none) = (scope.std("Option"), scope.std("Some"), scope.std("None"));
    let (modeled_arg, modeled_fn) = if op.errors.is_empty() {
        (quote!(|_| #ok(#none)), quote!())
    } else {
        let doc = format!(" The modelled error with the code of `raw`, or `None` for a code `{wire}` does not model.");
        (
            quote!(#error_name::modeled),
            quote! {
                impl #error_name {
                    #[doc = #doc]
                    fn modeled(raw: &crate::rt::RawError<'_>) -> #result<#option<Self>, crate::rt::ResponseError> {
                        let error = match raw.code() {
                            #(#dispatch)*
                            _ => return #ok(#none),
                        };
                        #ok(#some(error))
                    }
                }
            },
        )
    };

    let variant_decls: Vec<TokenStream> = variants.collect();
    let error_enum = errors::error_enum(&error_name, &error_doc, &variant_decls, &names);
    let structs = structures_in(ir, &here).map(|s| shapes::structure(&scope, s));
    let request_doc =
        format!(" Serializes a `{wire}` request body (`application/x-www-form-urlencoded`).");
    let parse_doc = match ir.service.protocol {
        Protocol::AwsQuery => format!(
            " Parses the HTTP status and body of a `{wire}` response: `<{response}><{result_el}>…` on success, `<ErrorResponse>` otherwise."
        ),
        Protocol::Ec2Query => format!(
            " Parses the HTTP status and body of a `{wire}` response: `<{response}>…` on success, `<Response><Errors>` otherwise."
        ),
    };

    quote! {
        #![doc = #module_doc]

        #docs
        #[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
        pub struct #op_name;

        impl crate::rt::Operation for #op_name {
            const NAME: &'static str = #wire;
            type Input = #input_ty;
            type Output = #output_ty;
            type Error = #error_name;
            #signed

            fn build_request(input: &Self::Input) -> crate::rt::http::Request<#vec<u8>> {
                request(input, &crate::rt::RequestOptions::default())
            }

            fn build_request_with(
                input: &Self::Input,
                options: &crate::rt::RequestOptions,
            ) -> #result<crate::rt::http::Request<#vec<u8>>, crate::rt::EndpointError> {
                options.resolve(request(input, options), #host_prefix)
            }

            fn parse_response(status: u16, body: &[u8]) -> #result<Self::Output, Self::Error> {
                parse_response(status, body)
            }
        }

        #(#aliases)*

        #[doc = #request_doc]
        pub fn serialize_request(input: &#input_ty) -> #string {
            serialize(input, &crate::rt::RequestOptions::default())
        }

        fn request(input: &#input_ty, options: &crate::rt::RequestOptions) -> crate::rt::http::Request<#vec<u8>> {
            crate::rt::operation::form_request_with(serialize(input, options), options, #gzip)
        }

        fn serialize(input: &#input_ty, options: &crate::rt::RequestOptions) -> #string {
            // Remembers the largest body so far, so the buffer is allocated once.
            static SIZE: crate::rt::query::SizeHint = crate::rt::query::SizeHint::new(#capacity_lit);
            #serialize_body
            let body = w.finish();
            SIZE.record(body.len());
            body
        }

        #[doc = #parse_doc]
        pub fn parse_response(status: u16, body: &[u8]) -> #result<#output_ty, #error_name> {
            crate::rt::error::parse_response(status, body, #modeled_arg, |body| #parse_ok)
        }

        #(#structs)*

        #error_enum

        #modeled_fn

        impl From<#error_name> for crate::Error {
            fn from(e: #error_name) -> Self {
                use #error_name as E;
                match e {
                    #(E::#names(e) => Self::#names(e),)*
                    E::Unhandled(meta) => Self::Unhandled(meta),
                    E::Unparseable(e) => Self::Unparseable(e),
                }
            }
        }
    }
}

/// The host prefix argument of `RequestOptions::resolve`: `""`, a literal, or the literal
/// parts and checked input labels joined.
fn host_prefix(ir: &Ir, op: &Operation) -> TokenStream {
    let Some(parts) = &op.host_prefix else {
        return quote!("");
    };
    let input = op.input.as_ref().and_then(|id| ir.structure(id));
    let pieces: Vec<TokenStream> = parts
        .iter()
        .map(|part| match part {
            HostPrefixPart::Literal(text) => quote!(#text),
            HostPrefixPart::Label(name) => {
                let member = input.and_then(|s| s.members.iter().find(|m| &m.name == name));
                match member {
                    Some(m) => {
                        let field = m.field.ident();
                        let value = if m.optional {
                            quote!(input.#field.as_deref())
                        } else {
                            quote!(::core::option::Option::Some(input.#field.as_str()))
                        };
                        quote!(crate::rt::endpoint::host_label(#name, #value)?)
                    }
                    None => quote!(compile_error!("host label member not found")),
                }
            }
        })
        .collect();
    if let [HostPrefixPart::Literal(text)] = parts.as_slice() {
        return quote!(#text);
    }
    quote!(&[#(#pieces),*].concat())
}
