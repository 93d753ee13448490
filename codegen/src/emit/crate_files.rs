//! The crate around the operations: `Cargo.toml`, `lib.rs`, `types.rs`,
//! `error.rs` and `operation/mod.rs`.

use super::{doc_attrs, inner_doc_attrs, runtime, shapes, structures_in, Scope};
use crate::ir::{Ir, Placement, Protocol};
use crate::{Options, Runtime};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// `Cargo.toml` of the generated crate. It names its own dependency versions so
/// that it builds outside this workspace too.
pub fn cargo_toml(ir: &Ir, header: &str, options: &Options) -> String {
    let name = &ir.service.crate_name;
    let sdk = &ir.service.sdk_id;
    let protocol = match ir.service.protocol {
        Protocol::AwsQuery => "awsQuery",
        Protocol::Ec2Query => "ec2Query",
    };
    let workspace = if options.standalone {
        "\n[workspace]\n"
    } else {
        ""
    };
    // The client is on by default; so is compression where the model asks for it.
    let default = if ir.operations.iter().any(|o| o.gzip) {
        "[\"client\", \"gzip\"]"
    } else {
        "[\"client\"]"
    };
    let (features, dependencies) = match &options.runtime {
        Runtime::Vendor => (
            VENDORED_FEATURES.to_owned(),
            VENDORED_DEPENDENCIES.to_owned(),
        ),
        shared => {
            let rt = runtime::CRATE_NAME;
            let source = runtime_source(shared);
            // A workspace dependency carries its own `default-features = false`.
            let no_defaults = if matches!(shared, Runtime::Workspace) {
                ""
            } else {
                ", default-features = false"
            };
            let test_support = if options.protocol_tests {
                format!(
                    "\n[dev-dependencies]\n\
                     # The checks the generated protocol tests call.\n\
                     {rt} = {{ {source}, features = [\"test-support\"] }}\n"
                )
            } else {
                String::new()
            };
            (
                format!(
                    "# Serialize / Deserialize with the model's member names.\n\
                     serde = [\"{rt}/serde\"]\n\
                     # gzip request bodies of operations with `smithy.api#requestCompression`.\n\
                     gzip = [\"{rt}/gzip\"]\n\
                     # SigV4 signing of the requests `Operation::build_request_with` makes, without\n\
                     # the client (`rt::sigv4::sign`, `rt::credentials::Credentials`): pure Rust, no\n\
                     # async runtime or TLS; see the runtime's `sigv4` feature.\n\
                     sigv4 = [\"{rt}/sigv4\"]\n\
                     # The async client (`client::Client`): HTTP/1.1 over hyper with rustls on tokio,\n\
                     # SigV4 signing (`rt::sigv4` too, hashing with ring), retries, paginators; see\n\
                     # the runtime's `client` feature.\n\
                     client = [\"{rt}/client\"]\n"
                ),
                format!(
                    "# Everything generated code names is reached through `rt`, this crate's\n\
                     # re-export of the runtime that every generated service crate shares.\n\
                     {rt} = {{ {source}{no_defaults} }}\n{test_support}"
                ),
            )
        }
    };
    format!(
        r#"{header}
[package]
name = "{name}"
version = "0.1.0"
edition = "2024"
rust-version = "1.85"
description = "Typed {sdk} requests, responses and errors for the {protocol} protocol (generated from its Smithy model)"
license = "Apache-2.0"
publish = false

[features]
default = {default}
{features}
[dependencies]
{dependencies}
[package.metadata.docs.rs]
all-features = true
{workspace}"#
    )
}

/// Where a crate depending on the runtime finds it, as the fields of its dependency entry
/// without features: `path = "…", version = "…"`, `version = "…"` or `workspace = true`
/// (`Vendor`, which has no dependency, gives the workspace form too).
pub fn runtime_source(runtime: &Runtime) -> String {
    match runtime {
        Runtime::Path(path) => format!(
            "path = {}, version = \"{}\"",
            toml_string(path),
            runtime::VERSION
        ),
        Runtime::Version(req) => format!("version = {}", toml_string(req)),
        Runtime::Workspace | Runtime::Vendor => "workspace = true".to_owned(),
    }
}

/// `s` as a TOML basic string, quoted and escaped.
pub fn toml_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The features of a crate with the runtime copied into `src/rt/`.
const VENDORED_FEATURES: &str = r#"# Serialize / Deserialize with the model's member names.
serde = ["dep:serde"]
# gzip request bodies of operations with `smithy.api#requestCompression`.
gzip = ["dep:flate2"]
# SigV4 signing of the requests `Operation::build_request_with` makes, without the client
# (`rt::sigv4::sign`, `rt::credentials::Credentials`): pure Rust (`hmac-sha256`), no async
# runtime or TLS.
sigv4 = ["dep:hmac-sha256"]
# The async client (`client::Client`): HTTP/1.1 over hyper with rustls (ring, webpki
# roots) on tokio, SigV4 signing (`rt::sigv4` too, hashing with ring), retries, paginators.
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
# Credentials providers of the AWS SDK for Rust as providers of this client.
aws-sdk-credentials = ["client", "dep:aws-credential-types"]
# `rt::test_support`: the checks generated Smithy protocol tests call.
test-support = []
"#;

/// The dependencies of a crate with the runtime copied into `src/rt/`: the runtime's own.
const VENDORED_DEPENDENCIES: &str = r#"# The runtime is copied into src/rt/ (`--runtime vendor`); these are its dependencies.
base64 = "0.22"
flate2 = { version = "1", optional = true }
http = "1"
quick-xml = "0.38"
serde = { version = "1", features = ["derive"], optional = true }
# sigv4 without the client
hmac-sha256 = { version = "1.1", optional = true }
# client
futures-core = { version = "0.3", default-features = false, optional = true }
http-body-util = { version = "0.1", optional = true }
hyper-rustls = { version = "0.27", default-features = false, features = ["http1", "ring", "tls12"], optional = true }
hyper-util = { version = "0.1", default-features = false, features = ["client-legacy", "http1", "tokio"], optional = true }
ring = { version = "0.17", default-features = false, optional = true }
rustls = { version = "0.23", default-features = false, features = ["ring", "std", "tls12"], optional = true }
tokio = { version = "1", default-features = false, features = ["rt", "sync", "time"], optional = true }
webpki-roots = { version = "1", optional = true }
aws-credential-types = { version = "1", optional = true }
"#;

/// `src/lib.rs`. `vendored`: the runtime is the module `src/rt/`, not the shared crate.
pub fn lib_rs(ir: &Ir, vendored: bool) -> TokenStream {
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
         {}{}- [`rt`]: {}\n\n\
         Required input members are constructor arguments, optional ones chained setters. Output \
         members are all `Option`s: a server may leave anything out, and parsing never invents \
         a value. Lists keep absent (`None`) apart from empty (`Some(vec![])`).\n\n\
         Every operation implements [`Operation`]: `build_request` gives an [`http::Request`](rt::http) \
         (`POST /`, form body) and `parse_response` turns a status and body into the typed output or error, \
         so any HTTP stack can carry the calls; feature `sigv4` signs them without the client \
         (`rt::sigv4::sign`, for the service [`SIGNING_NAME`]).{}\n\n\
         Generated from the Smithy model of `{}` by `cargo xtask codegen`.",
        if ir.endpoint_rules.is_some() {
            "- [`endpoint`]: the model's endpoint rules and `resolve_endpoint`.\n"
        } else {
            ""
        },
        if ir.waiters.is_empty() {
            ""
        } else {
            "- `waiters` (feature `client`): one type per waiter of the model; the client's \
             `wait_until_…` methods poll an operation until the resource reaches a state.\n"
        },
        if vendored {
            "the runtime the generated code is built on (form writer, XML reader, timestamps, \
             the client's machinery), copied into this crate."
        } else {
            "the runtime the generated code is built on (form writer, XML reader, timestamps, \
             the client's machinery): the `smithy-query-runtime` crate, shared by every \
             generated service crate, so [`DateTime`], [`Blob`], errors' [`ErrorMeta`](rt::ErrorMeta) \
             and the client's `Config` are the same types in all of them."
        },
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
    let signing_name = super::client::signing_name(&ir.service);
    let namespace = ir.service.xml_namespace.clone().unwrap_or_default();
    let rt = if vendored {
        quote!(
            pub mod rt;
        )
    } else {
        let krate = format_ident!("{}", runtime::CRATE_NAME.replace('-', "_"));
        quote!(pub use ::#krate as rt;)
    };
    let redacted = ir.has_sensitive().then(shapes::redacted_helper);
    let endpoint = ir.endpoint_rules.is_some().then(|| {
        quote!(
            pub mod endpoint;
        )
    });
    let waiters = (!ir.waiters.is_empty()).then(|| {
        quote! {
            #[cfg(feature = "client")]
            pub mod waiters;
        }
    });
    quote! {
        #doc_tokens
        #![forbid(unsafe_code)]
        #![warn(missing_docs)]

        #[cfg(feature = "client")]
        pub mod client;
        #endpoint
        pub mod error;
        pub mod operation;
        #rt
        pub mod types;
        #waiters

        #[cfg(feature = "client")]
        pub use client::Client;
        pub use error::Error;
        pub use rt::{Blob, DateTime, Operation};

        /// The API version every request sends as `Version`.
        pub const API_VERSION: &str = #version;

        /// The XML namespace of the service's responses.
        pub const XML_NAMESPACE: &str = #namespace;

        /// The name requests are signed for with SigV4 (the `service` of
        /// `rt::sigv4::SigningParams`, feature `sigv4`), unless the endpoint names another.
        pub const SIGNING_NAME: &str = #signing_name;

        #redacted
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
