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
    let vendored = options.runtime == Runtime::Vendor;
    if vendored && options.protocol_tests {
        return Err(Error::new(
            model_name,
            "protocol tests call the shared runtime's `test_support` module: generate them \
             with a runtime dependency (a path, version or workspace runtime), not a vendored copy",
        ));
    }
    // Each Rust file is one job: its tokens are built and formatted on the same thread.
    // The largest files first, so that no thread is left with one of them at the end.
    let mut jobs: Vec<(String, EmitJob<'_>)> = vec![
        (
            "src/types.rs".into(),
            Box::new(|| Ok(crate_files::types_rs(ir))),
        ),
        (
            "src/client.rs".into(),
            Box::new(|| Ok(client::client_rs(ir))),
        ),
        (
            "src/lib.rs".into(),
            Box::new(move || Ok(crate_files::lib_rs(ir, vendored))),
        ),
        (
            "src/error.rs".into(),
            Box::new(|| Ok(crate_files::error_rs(ir))),
        ),
        (
            "src/operation/mod.rs".into(),
            Box::new(|| Ok(crate_files::operation_mod_rs(ir))),
        ),
    ];
    if ir.endpoint_rules.is_some() {
        jobs.push((
            "src/endpoint.rs".into(),
            Box::new(|| {
                emit::endpoint::endpoint_rs(ir)
                    .ok_or_else(|| Error::new("src/endpoint.rs", "generator bug: no rule set"))
            }),
        ));
    }
    if !ir.waiters.is_empty() {
        jobs.push((
            "src/waiters.rs".into(),
            Box::new(|| Ok(waiters::waiters_rs(ir))),
        ));
    }
    for op in &ir.operations {
        jobs.push((
            format!("src/operation/{}.rs", op.module.text),
            Box::new(move || Ok(operation::module(ir, op))),
        ));
    }
    if options.protocol_tests && protocol_tests::has_tests(ir) {
        jobs.push((
            "tests/protocol_tests.rs".into(),
            Box::new(|| protocol_tests::file(ir)),
        ));
    }
    let mut files = render_all(&jobs, &header)?;
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

/// Builds the tokens of one generated Rust file.
type EmitJob<'a> = Box<dyn Fn() -> Result<proc_macro2::TokenStream> + Sync + 'a>;

/// Runs every job and formats its file, on as many threads as the machine has (EC2's
/// 838 files format in a fraction of the time). Tokens never cross threads: a job's tokens
/// are built and formatted by the thread that runs it. The files come back in job order,
/// and the first failing job (in that order) is the error.
fn render_all(jobs: &[(String, EmitJob<'_>)], header: &str) -> Result<Vec<GeneratedFile>> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Mutex;

    let run = |(path, job): &(String, EmitJob<'_>)| -> Result<GeneratedFile> {
        let contents = file::render(path, header, job()?)?;
        Ok(GeneratedFile {
            path: path.clone(),
            contents,
        })
    };
    let workers = std::thread::available_parallelism()
        .map_or(1, std::num::NonZeroUsize::get)
        .min(jobs.len());
    if workers <= 1 {
        return jobs.iter().map(run).collect();
    }
    let next = AtomicUsize::new(0);
    let results: Vec<Mutex<Option<Result<GeneratedFile>>>> =
        jobs.iter().map(|_| Mutex::new(None)).collect();
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(job) = jobs.get(i) else { break };
                let result = run(job);
                if let Ok(mut slot) = results[i].lock() {
                    *slot = Some(result);
                }
            });
        }
    });
    results
        .into_iter()
        .zip(jobs)
        .map(|(slot, (path, _))| {
            slot.into_inner().ok().flatten().unwrap_or_else(|| {
                Err(Error::new(
                    path,
                    "generator bug: this file's job did not finish",
                ))
            })
        })
        .collect()
}
