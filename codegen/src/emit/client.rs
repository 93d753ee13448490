//! `src/client.rs` (feature `client`): the async `Client` with one method per
//! operation and a `…_pages` paginator per paginated operation, plus the glue that
//! connects each operation to the hand-written client runtime (`rt::client`,
//! `rt::paginate`): its retry safety and where its pagination tokens and items live.

use super::{doc_attrs, Scope};
use crate::ir::{Ir, Operation, PathStep, RetrySafety};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// The endpoint prefix: the model's, else the signing name, else the crate name.
fn endpoint_prefix(service: &crate::ir::Service) -> String {
    service
        .endpoint_prefix
        .clone()
        .or_else(|| service.signing_name.clone())
        .unwrap_or_else(|| service.crate_name.clone())
}

/// The SigV4 signing name: the model's, else the endpoint prefix.
pub(super) fn signing_name(service: &crate::ir::Service) -> String {
    service
        .signing_name
        .clone()
        .unwrap_or_else(|| endpoint_prefix(service))
}

/// The tokens of `src/client.rs`.
pub fn client_rs(ir: &Ir) -> TokenStream {
    let scope = Scope::outside(ir);
    let service = &ir.service;
    let endpoint_prefix = endpoint_prefix(service);
    let signing_name = signing_name(service);
    let sdk = &service.sdk_id;

    let where_to = if ir.endpoint_rules.is_some() {
        format!(
            "Requests are signed with SigV4 (signing name `{signing_name}`, unless the endpoint \
             says otherwise) and sent to the endpoint the model's rules give for the \
             configuration ([`crate::endpoint`]), resolved when the client is made."
        )
    } else {
        format!(
            "Requests are signed with SigV4 (signing name `{signing_name}`) and sent to \
             `https://{endpoint_prefix}.{{region}}.amazonaws.com` unless an endpoint URL is \
             configured."
        )
    };
    let service_id = &service.sdk_id;
    let rules = if ir.endpoint_rules.is_some() {
        quote!(::core::option::Option::Some(&crate::endpoint::RULE_SET))
    } else {
        quote!(::core::option::Option::None)
    };
    let methods = ir.operations.iter().map(|op| method(&scope, op));
    let waiters = ir
        .waiters
        .iter()
        .map(|w| super::waiters::client_method(&scope, w));
    let impls = ir.operations.iter().map(|op| glue(&scope, op));
    let example = ir.operations.first().map_or(String::new(), |op| {
        format!(" See [`Client::{}`] for one of them.", op.module.source())
    });
    let module_docs = super::inner_doc_attrs(&format!(
        "The async {sdk} client (feature `client`).\n\n\
         Build a [`Config`] (explicitly, or with [`Config::from_env`] from the environment and \
         the shared AWS files), make a [`Client`] from it, and call one async method per \
         operation. `Config` is the runtime's, so one configuration serves the clients of \
         every generated service crate, and they share its connection pool and credentials. \
         Each method takes the operation's input and returns its output or an \
         [`Error`] that keeps the operation's typed error apart from unparseable responses, \
         transport failures and timeouts.{example} Paginated operations also have a \
         `…_pages` method returning [`Pages`], a stream of pages whose `items()` is a stream \
         of their items.\n\n\
         {where_to} Failed attempts are retried as described in [`crate::rt::retry`]."
    ));
    let client_docs = doc_attrs(&format!(
        "The {sdk} client: cheap to clone, and all clones share one connection pool.\n\n\
         Calls need a tokio runtime."
    ));
    quote! {
        #module_docs

        pub use crate::rt::client::{
            Config, ConfigBuilder, ConfigError, Error, ResponseTooLargeError, TimeoutError,
            TimeoutKind, TransportError,
        };
        pub use crate::rt::credentials::Credentials;
        pub use crate::rt::paginate::{Items, Pages};
        pub use crate::rt::retry::RetryConfig;

        /// The service's id, endpoint prefix, endpoint rules and signing name, and this crate's
        /// name and version.
        pub const SERVICE: crate::rt::client::ServiceInfo = crate::rt::client::ServiceInfo {
            service_id: #service_id,
            endpoint_prefix: #endpoint_prefix,
            endpoint_rules: #rules,
            signing_name: crate::SIGNING_NAME,
            crate_name: env!("CARGO_PKG_NAME"),
            crate_version: env!("CARGO_PKG_VERSION"),
        };

        #client_docs
        #[derive(Debug, Clone)]
        pub struct Client {
            handle: crate::rt::client::Handle,
        }

        impl Client {
            /// A client that sends through `config`: clients of any service made from the
            /// same [`Config`] share its connection pool and credentials. Fails only when the
            /// service's endpoint for the configured region is not a usable URL.
            pub fn new(config: &Config) -> ::core::result::Result<Self, ConfigError> {
                ::core::result::Result::Ok(Self {
                    handle: crate::rt::client::Handle::new(config, &SERVICE)?,
                })
            }

            /// A client configured from the environment (see [`ConfigBuilder::from_env`]).
            /// To share one configuration between several services, build a [`Config`] once
            /// and pass it to each client's [`new`](Self::new).
            pub fn from_env() -> ::core::result::Result<Self, ConfigError> {
                Self::new(&Config::from_env()?)
            }

            /// The configuration.
            pub fn config(&self) -> &Config {
                self.handle.config()
            }

            /// The untyped handle, for calling an operation through its marker type
            /// (`client.handle().call::<Op>(&input)`).
            pub fn handle(&self) -> &crate::rt::client::Handle {
                &self.handle
            }

            #(#methods)*

            #(#waiters)*
        }

        #(#impls)*
    }
}

/// Path from the crate root to a generated operation item.
fn op_item(op: &Operation, name: &proc_macro2::Ident) -> TokenStream {
    let m = op.module.ident();
    quote!(crate::operation::#m::#name)
}

/// The first paragraph of the operation's documentation.
fn summary(op: &Operation) -> String {
    op.docs
        .as_deref()
        .and_then(|d| d.split("\n\n").map(str::trim).find(|p| !p.is_empty()))
        .map_or_else(|| format!("Calls `{}`.", op.name), str::to_owned)
}

fn retry_note(op: &Operation) -> &'static str {
    match op.retry_safety {
        RetrySafety::ReadOnly => {
            "Retried after throttling, connection failures, timeouts and 5xx errors (the model marks it read-only)."
        }
        RetrySafety::ReadOnlyByName => {
            "Retried after throttling, connection failures, timeouts and 5xx errors (its name marks it read-only)."
        }
        RetrySafety::Idempotent => {
            "Retried after throttling, connection failures, timeouts and 5xx errors (the model marks it idempotent)."
        }
        RetrySafety::NotSafe => {
            "Retried only when the service proves it did nothing (throttling) or the connection was never made: after a 5xx error or a timeout the call may have taken effect."
        }
    }
}

/// The async method of one operation, and its `…_pages` method if it is paginated.
fn method(scope: &Scope<'_>, op: &Operation) -> TokenStream {
    let name = op.module.ident();
    let marker = op_item(op, &op.type_name.ident());
    let error = op_item(op, &op.error_name.ident());
    let output = op
        .output
        .as_ref()
        .map_or(quote!(()), |id| scope.type_path(id));
    // rustdoc cannot resolve raw identifiers (`r#loop`) in link paths.
    let sends = if op.module.raw || op.type_name.raw {
        format!("`{}`", op.name)
    } else {
        format!(
            "[`{}`](crate::operation::{}::{})",
            op.name, op.module.text, op.type_name.text
        )
    };
    // The input and output under their uniform names (`{Op}Input`, `{Op}Output`).
    let io_name = |alias: &Option<crate::naming::RustName>, id: &Option<String>| {
        let name = alias.as_ref().map(|a| a.text.clone()).or_else(|| {
            id.as_ref()
                .and_then(|id| scope.ir.structure(id))
                .map(|s| s.name.text.clone())
        })?;
        Some(if op.module.raw {
            format!("`{name}`")
        } else {
            format!("[`{name}`](crate::operation::{}::{name})", op.module.text)
        })
    };
    let io = match (
        io_name(&op.input_alias, &op.input),
        io_name(&op.output_alias, &op.output),
    ) {
        (Some(i), Some(o)) => format!(" Takes {i}, returns {o}."),
        (Some(i), None) => format!(" Takes {i}."),
        (None, Some(o)) => format!(" Returns {o}."),
        (None, None) => String::new(),
    };
    let docs = doc_attrs(&format!(
        "{}\n\nSends {sends}.{io} {}",
        summary(op),
        retry_note(op)
    ));
    let (param, arg) = match &op.input {
        Some(id) => {
            let ty = scope.type_path(id);
            (quote!(input: #ty), quote!(&input))
        }
        None => (quote!(), quote!(&())),
    };
    let call = quote! {
        #docs
        pub async fn #name(&self, #param) -> ::core::result::Result<#output, Error<#error>> {
            self.handle.call::<#marker>(#arg).await
        }
    };
    let Some(paginated) = &op.paginated else {
        return call;
    };
    let pages = format_ident!("{}_pages", op.module.text);
    let input = op
        .input
        .as_ref()
        .map_or(quote!(()), |id| scope.type_path(id));
    let path = |steps: &[PathStep]| {
        steps
            .iter()
            .map(|s| s.member.as_str())
            .collect::<Vec<_>>()
            .join(".")
    };
    let mut text = format!(
        "The pages of `{}`: sends `input`, then again with `{}` set to each page's `{}`, until a \
         page has none (or repeats one already sent).",
        op.name,
        paginated.input_token.member,
        path(&paginated.output_token)
    );
    if let Some(size) = &paginated.page_size {
        text.push_str(&format!(
            " Set `{}` on the input to choose the page size.",
            size.field.source()
        ));
    }
    if let Some(items) = &paginated.items {
        text.push_str(&format!(
            " [`Pages::items`] gives the items of `{}` instead.",
            path(items)
        ));
    }
    let docs = doc_attrs(&text);
    quote! {
        #call

        #docs
        pub fn #pages(&self, input: #input) -> Pages<#marker> {
            self.handle.pages(input)
        }
    }
}

/// `ClientOperation` and, for paginated operations, `Paginated` and `PaginatedItems` impls
/// (the client reads error metadata through the error enum's `ErrorEnum` impl).
fn glue(scope: &Scope<'_>, op: &Operation) -> TokenStream {
    let marker = op_item(op, &op.type_name.ident());
    let safety = format_ident!(
        "{}",
        match op.retry_safety {
            RetrySafety::ReadOnly | RetrySafety::ReadOnlyByName => "ReadOnly",
            RetrySafety::Idempotent => "Idempotent",
            RetrySafety::NotSafe => "NotSafe",
        }
    );
    let mut out = quote! {
        impl crate::rt::client::ClientOperation for #marker {
            const RETRY_SAFETY: crate::rt::retry::RetrySafety = crate::rt::retry::RetrySafety::#safety;
        }
    };
    let (Some(paginated), Some(input_id), Some(output_id)) = (&op.paginated, &op.input, &op.output)
    else {
        return out;
    };
    let input = scope.type_path(input_id);
    let output = scope.type_path(output_id);
    let token = paginated.input_token.field.ident();
    let output_token = borrow_path(&paginated.output_token);
    out.extend(quote! {
        impl crate::rt::paginate::Paginated for #marker {
            fn input_token(input: &#input) -> ::core::option::Option<&str> {
                input.#token.as_deref()
            }

            fn set_input_token(input: &mut #input, token: ::core::option::Option<::std::string::String>) {
                input.#token = token;
            }

            fn output_token(output: &#output) -> ::core::option::Option<&str> {
                #output_token
            }
        }
    });
    if let (Some(items), Some(item)) = (&paginated.items, &paginated.item) {
        let item_ty = scope.rust_ty(item);
        let take = take_path(items);
        out.extend(quote! {
            impl crate::rt::paginate::PaginatedItems for #marker {
                type Item = #item_ty;

                fn items(output: #output) -> ::std::vec::Vec<#item_ty> {
                    #take.unwrap_or_default()
                }
            }
        });
    }
    out
}

/// `output.a.as_ref().and_then(|v| v.b.as_deref())`: a borrowed string at the end of a
/// path of optional members (every output member is an `Option`).
fn borrow_path(steps: &[PathStep]) -> TokenStream {
    let Some((last, init)) = steps.split_last() else {
        return quote!(::core::option::Option::None);
    };
    let last = last.field.ident();
    let Some((first, middle)) = init.split_first() else {
        return quote!(output.#last.as_deref());
    };
    let first = first.field.ident();
    let middle = middle.iter().map(|s| {
        let f = s.field.ident();
        quote!(.and_then(|v| v.#f.as_ref()))
    });
    quote!(output.#first.as_ref() #(#middle)* .and_then(|v| v.#last.as_deref()))
}

/// `output.a.and_then(|v| v.b)`: the value at the end of a path of optional members,
/// moved out of the output.
fn take_path(steps: &[PathStep]) -> TokenStream {
    let Some((first, rest)) = steps.split_first() else {
        return quote!(::core::option::Option::None);
    };
    let first = first.field.ident();
    let rest = rest.iter().map(|s| {
        let f = s.field.ident();
        quote!(.and_then(|v| v.#f))
    });
    quote!(output.#first #(#rest)*)
}
