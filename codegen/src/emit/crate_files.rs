//! The crate around the operations: `Cargo.toml`, `lib.rs`, `types.rs`,
//! `error.rs`, `operation/mod.rs`, and the runtime copied into `rt/`.

use super::{doc_attrs, inner_doc_attrs, shapes, structures_in, Scope};
use crate::ir::{Ir, Placement};
use proc_macro2::TokenStream;
use quote::quote;

/// The hand-written runtime, copied into `src/rt/` of every generated crate.
pub const RUNTIME: &[(&str, &str)] = &[
    ("mod.rs", include_str!("../../runtime/mod.rs")),
    ("query.rs", include_str!("../../runtime/query.rs")),
    ("xml.rs", include_str!("../../runtime/xml.rs")),
    ("time.rs", include_str!("../../runtime/time.rs")),
    ("blob.rs", include_str!("../../runtime/blob.rs")),
    ("error.rs", include_str!("../../runtime/error.rs")),
    ("operation.rs", include_str!("../../runtime/operation.rs")),
    ("endpoint.rs", include_str!("../../runtime/endpoint.rs")),
    (
        "idempotency.rs",
        include_str!("../../runtime/idempotency.rs"),
    ),
    (
        "compression.rs",
        include_str!("../../runtime/compression.rs"),
    ),
    ("client.rs", include_str!("../../runtime/client.rs")),
    (
        "credentials.rs",
        include_str!("../../runtime/credentials.rs"),
    ),
    ("sigv4.rs", include_str!("../../runtime/sigv4.rs")),
    ("retry.rs", include_str!("../../runtime/retry.rs")),
    ("paginate.rs", include_str!("../../runtime/paginate.rs")),
];

/// `Cargo.toml` of the generated crate. It names its own dependency versions so
/// that it builds outside this workspace too.
pub fn cargo_toml(ir: &Ir, header: &str, standalone: bool) -> String {
    let name = &ir.service.crate_name;
    let sdk = &ir.service.sdk_id;
    let workspace = if standalone { "\n[workspace]\n" } else { "" };
    // The client is on by default; so is compression where the model asks for it.
    let default = if ir.operations.iter().any(|o| o.gzip) {
        "[\"client\", \"gzip\"]"
    } else {
        "[\"client\"]"
    };
    format!(
        r#"{header}
[package]
name = "{name}"
version = "0.1.0"
edition = "2021"
rust-version = "1.85"
description = "Typed {sdk} requests, responses and errors for the awsQuery protocol (generated from its Smithy model)"
license = "Apache-2.0"
publish = false

[features]
default = {default}
# Serialize / Deserialize with the model's member names.
serde = ["dep:serde"]
# gzip request bodies of operations with `smithy.api#requestCompression`.
gzip = ["dep:flate2"]
# The async client (`client::Client`): HTTP/1.1 over hyper with rustls (ring, webpki
# roots) on tokio, SigV4 signing, retries, paginators.
client = [
    "dep:futures-core",
    "dep:http-body-util",
    "dep:hyper-rustls",
    "dep:hyper-util",
    "dep:ring",
    "dep:rustls",
    "dep:tokio",
    "dep:webpki-roots",
]

[dependencies]
base64 = "0.22"
flate2 = {{ version = "1", optional = true }}
http = "1"
quick-xml = "0.38"
serde = {{ version = "1", features = ["derive"], optional = true }}
# client
futures-core = {{ version = "0.3", default-features = false, optional = true }}
http-body-util = {{ version = "0.1", optional = true }}
hyper-rustls = {{ version = "0.27", default-features = false, features = ["http1", "ring", "tls12"], optional = true }}
hyper-util = {{ version = "0.1", default-features = false, features = ["client-legacy", "http1", "tokio"], optional = true }}
ring = {{ version = "0.17", optional = true }}
rustls = {{ version = "0.23", default-features = false, features = ["ring", "std", "tls12"], optional = true }}
tokio = {{ version = "1", default-features = false, features = ["time"], optional = true }}
webpki-roots = {{ version = "1", optional = true }}

[dev-dependencies]
serde_json = "1"

[package.metadata.docs.rs]
all-features = true
{workspace}"#
    )
}

/// `src/lib.rs`.
pub fn lib_rs(ir: &Ir) -> TokenStream {
    let mut docs = format!("# {}\n\n", ir.service.sdk_id);
    if let Some(d) = &ir.service.docs {
        docs.push_str(d);
        docs.push_str("\n\n");
    }
    let first = ir.operations.first();
    docs.push_str(&format!(
        "## Layout\n\n\
         - `client` (feature `client`, on by default): the async `Client`, with one method per \
         operation, SigV4 signing, retries and paginators.\n\
         - [`operation`]: one module per operation with its input, output (also under the \
         uniform names `{{Op}}Input` and `{{Op}}Output`), request serializer \
         (`serialize_request`), response parser (`parse_response`) and error enum.\n\
         - [`types`]: structures and enums shared between operations.\n\
         - [`error`]: the modelled errors and [`Error`], which every operation error converts into.\n\
         - [`rt`]: the small runtime the generated code is built on (form writer, XML reader, timestamps).\n\n\
         Required input members are constructor arguments, optional ones chained setters. Output \
         members are all `Option`s: a server may leave anything out, and parsing never invents \
         a value. Lists keep absent (`None`) apart from empty (`Some(vec![])`).\n\n\
         Every operation implements [`Operation`]: `build_request` gives an [`http::Request`](rt::http) \
         (`POST /`, form body) and `parse_response` turns a status and body into the typed output or error, \
         so any HTTP stack can carry the calls.{}\n\n\
         Generated from the Smithy model of `{}` by `cargo xtask codegen`.",
        first.map_or(String::new(), |op| format!(
            " See [`{}`](operation::{}::{}) for an example.",
            op.name,
            op.module.source(),
            op.type_name.source()
        )),
        ir.service.id
    ));
    let doc_tokens = inner_doc_attrs(&docs);
    let version = &ir.service.version;
    let namespace = ir.service.xml_namespace.clone().unwrap_or_default();
    quote! {
        #doc_tokens
        #![forbid(unsafe_code)]
        #![warn(missing_docs)]

        #[cfg(feature = "client")]
        pub mod client;
        pub mod error;
        pub mod operation;
        pub mod rt;
        pub mod types;

        #[cfg(feature = "client")]
        pub use client::Client;
        pub use error::Error;
        pub use rt::{Blob, DateTime, Operation};

        /// The API version every request sends as `Version`.
        pub const API_VERSION: &str = #version;

        /// The XML namespace of the service's responses.
        pub const XML_NAMESPACE: &str = #namespace;
    }
}

/// `src/types.rs`.
pub fn types_rs(ir: &Ir) -> TokenStream {
    let scope = Scope::new(ir, Placement::Types);
    let structs = structures_in(ir, &Placement::Types).map(|s| shapes::structure(&scope, s));
    let enums = ir.enums.iter().map(|e| shapes::enumeration(&scope, e));
    quote! {
        //! Structures and enums shared by the operations.
        #(#structs)*
        #(#enums)*
    }
}

/// `src/error.rs`: the modelled error structures and the crate-wide `Error`.
pub fn error_rs(ir: &Ir) -> TokenStream {
    let scope = Scope::new(ir, Placement::Errors);
    let errors: Vec<_> = structures_in(ir, &Placement::Errors).collect();
    let structs = errors.iter().map(|s| shapes::structure(&scope, s));
    let names: Vec<_> = errors.iter().map(|s| s.name.ident()).collect();
    let variants: Vec<TokenStream> = errors
        .iter()
        .map(|s| {
            let code = s.error.as_ref().map_or("", |e| e.code.as_str());
            let docs = doc_attrs(&format!("Code `{code}`: see [`{}`].", s.name.text));
            let name = s.name.ident();
            quote!(#docs #name(#name),)
        })
        .collect();
    let error_enum = super::errors::error_enum(
        &quote::format_ident!("Error"),
        " Any error of any operation of this crate.",
        &variants,
        &names,
    );
    quote! {
        //! The errors the service models, and [`Error`], which every operation's
        //! error enum converts into.

        pub use crate::rt::{ErrorMeta, ResponseError};

        #(#structs)*

        #error_enum
    }
}

/// `src/operation/mod.rs`.
pub fn operation_mod_rs(ir: &Ir) -> TokenStream {
    let mods = ir.operations.iter().map(|op| {
        let m = op.module.ident();
        let doc = format!(" The `{}` operation.", op.name);
        quote!(#[doc = #doc] pub mod #m;)
    });
    quote! {
        //! One module per operation.
        #(#mods)*
    }
}
