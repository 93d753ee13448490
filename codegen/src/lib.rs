//! A Rust code generator for Smithy services that speak AWS's awsQuery protocol.
//!
//! [`generate`] turns a Smithy 2.0 JSON AST model into the files of a crate, in
//! three stages with hard boundaries:
//!
//! 1. [`smithy`]: a lossless serde view of the JSON AST (`apply` and mixins
//!    resolved);
//! 2. [`ir`]: the validated intermediate representation (closure, names,
//!    nullability, error codes, collisions);
//! 3. [`emit`]: pure functions from IR to tokens, formatted by `prettyplease`.
//!
//! The library does no I/O: the caller hands it the model text and gets back
//! paths and contents.

#![deny(missing_docs)]

pub mod docs;
pub mod emit;
pub mod error;
pub mod ir;
pub mod jmespath;
pub mod naming;
pub mod smithy;

pub use error::{Error, Result};
pub use ir::Nullability;

use emit::{client, crate_files, file, operation, protocol_tests, waiters};

/// What to generate.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Operations to generate, by name (`CopySnapshot`) or shape id. `None`:
    /// all of the service's.
    pub operations: Option<Vec<String>>,
    /// The crate name. `None`: the `aws.api#service` sdkId, lowercased.
    pub crate_name: Option<String>,
    /// The service shape, when the model has more than one.
    pub service: Option<String>,
    /// How required members become Rust types.
    pub nullability: Nullability,
    /// Add an empty `[workspace]` to `Cargo.toml`, so the crate builds on its
    /// own even inside another workspace's directory.
    pub standalone: bool,
    /// Emit `tests/protocol_tests.rs`: a test per client case of the model's
    /// `smithy.test#httpRequestTests` and `smithy.test#httpResponseTests`.
    pub protocol_tests: bool,
    /// How the crate gets its runtime.
    pub runtime: Runtime,
}

/// How a generated crate gets the runtime (`smithy-query-runtime`) its code is built on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Runtime {
    /// A dependency on the runtime crate at this path, relative to the generated crate's
    /// directory (with its version, so the crate can also be published).
    Path(String),
    /// A dependency on the published runtime by version requirement (`"0.1"`).
    Version(String),
    /// `smithy-query-runtime = { workspace = true }`: the crate is a member of a workspace
    /// whose `[workspace.dependencies]` says where the runtime is.
    Workspace,
    /// A copy of the runtime's sources in `src/rt/`, for a crate that must stand alone.
    /// Nothing is shared with other generated crates.
    Vendor,
}

impl Default for Runtime {
    /// The runtime crate beside the generated one, as in this repository (`../runtime`).
    fn default() -> Self {
        Runtime::Path("../runtime".to_owned())
    }
}

/// One generated file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    /// Path relative to the crate root, with `/` separators.
    pub path: String,
    /// The file's contents.
    pub contents: String,
}

/// Parses, validates and lowers a model into the IR.
///
/// `model_name` names the model in errors (`model/elasticache.json`).
pub fn load(model_name: &str, model_json: &str, options: &Options) -> Result<ir::Ir> {
    let model = smithy::Model::parse(model_name, model_json)?;
    ir::lower(&model, options)
}

/// Generates the crate's files from a model, sorted by path.
///
/// `model_name` appears in errors and in each file's `@generated` header.
pub fn generate(
    model_name: &str,
    model_json: &str,
    options: &Options,
) -> Result<Vec<GeneratedFile>> {
    let ir = load(model_name, model_json, options)?;
    emit_crate(&ir, model_name, options)
}

/// Emits the crate for an already lowered IR.
pub fn emit_crate(ir: &ir::Ir, model_name: &str, options: &Options) -> Result<Vec<GeneratedFile>> {
    let header = file::header(model_name);
    let mut files = Vec::new();
    let mut rust = |path: String, tokens| -> Result<()> {
        let contents = file::render(&path, &header, tokens)?;
        files.push(GeneratedFile { path, contents });
        Ok(())
    };
    let vendored = options.runtime == Runtime::Vendor;
    if vendored && options.protocol_tests {
        return Err(Error::new(
            model_name,
            "protocol tests call the shared runtime's `test_support` module: generate them \
             with a runtime dependency (a path, version or workspace runtime), not a vendored copy",
        ));
    }
    rust("src/lib.rs".into(), crate_files::lib_rs(ir, vendored))?;
    rust("src/client.rs".into(), client::client_rs(ir))?;
    rust("src/types.rs".into(), crate_files::types_rs(ir))?;
    if let Some(tokens) = emit::endpoint::endpoint_rs(ir) {
        rust("src/endpoint.rs".into(), tokens)?;
    }
    if !ir.waiters.is_empty() {
        rust("src/waiters.rs".into(), waiters::waiters_rs(ir))?;
    }
    rust("src/error.rs".into(), crate_files::error_rs(ir))?;
    rust(
        "src/operation/mod.rs".into(),
        crate_files::operation_mod_rs(ir),
    )?;
    for op in &ir.operations {
        rust(
            format!("src/operation/{}.rs", op.module.text),
            operation::module(ir, op),
        )?;
    }
    if options.protocol_tests && protocol_tests::has_tests(ir) {
        rust("tests/protocol_tests.rs".into(), protocol_tests::file(ir)?)?;
    }
    if vendored {
        for (path, contents) in emit::runtime::vendored_files()? {
            files.push(GeneratedFile { path, contents });
        }
    }
    files.push(GeneratedFile {
        path: "Cargo.toml".into(),
        contents: crate_files::cargo_toml(ir, &header.replace("//", "#"), options),
    });
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}
