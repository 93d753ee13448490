//! A differential harness: a generated awsQuery crate against botocore.
//!
//! The oracle (`../shared/oracle`, see its README) wraps botocore's own query
//! serializer and parser and runs in `batch` mode (one Python process, JSON
//! lines). For every operation handed to [`Harness::check`] and every seed it
//! generates
//!
//! * a random input, which both sides serialize; the bodies are compared as
//!   decoded form pairs, in order;
//! * a random success response, which our parser must read into the value
//!   botocore read;
//! * a random modelled error response and a random unmodelled one, whose
//!   code, message, request id and error variant must match botocore's.
//!
//! Comparisons follow the Smithy model the crate was generated from, walked
//! beside the JSON: timestamps compare as instants (botocore writes six
//! fractional digits, the crate as few as it needs: quirk S4) and doubles
//! numerically, `NaN` and `±Infinity` included (S5, P6), so the oracle's
//! exotic values stay on. Output members whose element name comes from a
//! botocore shape-level `locationName` (quirk P8, ElastiCache's
//! `LogDeliveryConfigurations`) follow the Smithy model: with no
//! [`Config::wire_names`] the oracle runs with `smithy_safe` and never writes
//! them (the published-models test); with them, it writes them under botocore's
//! name and the body is rewritten to the Smithy name before we parse it (the
//! committed crate's test).
//!
//! Where botocore's model and the Smithy model differ, `smithy_diff.py`
//! (run once, when the harness starts) says how, and the harness sorts its
//! findings in two:
//!
//! * **version drift**, where something exists on one side only (an
//!   operation, a member, an error an operation lists, `required` on an input
//!   member, enum values): accepted, and every adjustment it causes is
//!   counted and printed (a botocore-only member is removed from the random
//!   params or from botocore's parse, a botocore-only operation error maps
//!   to the crate's `Unhandled`, an input the Smithy model cannot build
//!   because it requires a member botocore left out is skipped). For
//!   ElastiCache the findings must also equal [`ELASTICACHE_DRIFT`], written
//!   out by hand (see [`DriftCheck`]);
//! * **wire differences** (member wire names, list member and map key/value
//!   names, flattening, types, timestamp formats, the result wrapper, error
//!   codes, statuses and types): each must be listed in
//!   [`WIRE_DIFFERENCES`] with the reason it does not make the comparison
//!   wrong, or the harness fails at start. An entry that matches nothing
//!   fails too, so the list cannot go stale.
//!
//! The oracle works at the protocol level (`serialize`, `parse`): the
//! botocore client handlers (IAM's policy-document decoding, CloudFormation
//! `GetTemplate`'s JSON decoding, RDS `SourceRegion`/`PreSignedUrl`,
//! idempotency tokens filled in) only run with `via_client`, which the
//! harness never sets, and the oracle's random inputs always carry an
//! idempotency token and never RDS's `SourceRegion`.
//!
//! This file is a module of several test crates, included with `#[path]`:
//! `conformance/tests/differential.rs` (the committed crate) and the test
//! that `xtask/tests/published_models.rs` writes into each crate it
//! generates. The crate under test is `service`: each test crate names it at
//! its root with `extern crate <crate> as service;`.

#![allow(dead_code)]

#[path = "../oracle/mod.rs"]
mod oracle;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Debug;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::Instant;

use serde_json::{json, Map, Value};
use service::rt::serde::de::{Deserialize, DeserializeOwned};
use service::rt::serde::Serialize;

/// Failing cases printed per (operation, kind).
const SHOWN_FAILURES: usize = 3;
/// Differing paths printed per failing case.
const SHOWN_DIFFERENCES: usize = 10;

/// Which way a botocore-only member travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Direction {
    Input,
    Output,
}

/// One difference between botocore 1.44.5's model and the Smithy model that
/// comes from their versions, not from either implementation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Drift {
    /// A structure member only botocore has. Inputs: removed from the random
    /// params before either side serializes them. Outputs: removed from
    /// botocore's parse (the crate skips the element as unknown).
    Member {
        structure: &'static str,
        member: &'static str,
        direction: Direction,
    },
    /// An error botocore lists for the operation and the Smithy model does
    /// not: the crate reports it as `Unhandled` (with the same code, message
    /// and request id), botocore by its shape.
    Error {
        operation: &'static str,
        error: &'static str,
    },
    /// An input member the Smithy model requires and botocore does not: a
    /// random input without it cannot be built with the crate's types, so
    /// the case is skipped (and counted).
    Required {
        structure: &'static str,
        member: &'static str,
    },
}

const fn input(structure: &'static str, member: &'static str) -> Drift {
    Drift::Member {
        structure,
        member,
        direction: Direction::Input,
    }
}

const fn output(structure: &'static str, member: &'static str) -> Drift {
    Drift::Member {
        structure,
        member,
        direction: Direction::Output,
    }
}

const fn error(operation: &'static str, error: &'static str) -> Drift {
    Drift::Error { operation, error }
}

/// botocore 1.44.5 against the published ElastiCache Smithy model
/// (`shared/models/elasticache.json`), written out by hand from
/// `smithy_diff.py elasticache <model> --json`: its "member only in
/// botocore", "operation error only in botocore" and "required" findings,
/// each with the Smithy structure the finding's path leads to. Its other
/// findings are the two operations only botocore has (PrepareMigration,
/// StopMigration: not in the crate, so not tested) and the P8 wire names
/// (see [`WIRE_DIFFERENCES`]). Shape names are unqualified. The harness
/// derives the same adjustments from `smithy_diff.py` and checks them
/// against this table ([`DriftCheck`]), so it can neither go stale nor hide
/// a difference.
pub const ELASTICACHE_DRIFT: &[Drift] = &[
    input("CompleteMigrationMessage", "ServerlessCacheName"),
    input("CreateGlobalReplicationGroupMessage", "Tags"),
    input("CreateReplicationGroupMessage", "Durability"),
    input("CreateServerlessCacheRequest", "ConnectionType"),
    input("CreateServerlessCacheRequest", "Integrations"),
    input("ModifyReplicationGroupMessage", "Durability"),
    input("StartMigrationMessage", "ServerlessCacheName"),
    input("StartMigrationMessage", "AutoCutover"),
    input("StartMigrationMessage", "ClearTargetCacheData"),
    output("CompleteMigrationResponse", "ServerlessCache"),
    output("StartMigrationResponse", "ServerlessCache"),
    output("ReplicationGroup", "StorageEncryptionType"),
    output("ReplicationGroup", "Durability"),
    output("ReplicationGroup", "EffectiveDurability"),
    output("Snapshot", "Durability"),
    output("ServerlessCache", "StorageEncryptionType"),
    output("ServerlessCache", "ConnectionType"),
    output("ServerlessCache", "Migration"),
    output("ServerlessCache", "Integrations"),
    error("AddTagsToResource", "GlobalReplicationGroupNotFoundFault"),
    error("AddTagsToResource", "InvalidParameterValueException"),
    error("CompleteMigration", "InvalidCacheClusterStateFault"),
    error("CompleteMigration", "InvalidParameterCombinationException"),
    error("CompleteMigration", "InvalidParameterValueException"),
    error("CompleteMigration", "InvalidServerlessCacheStateFault"),
    error("CompleteMigration", "MigrationHealthFault"),
    error("CompleteMigration", "ServerlessCacheNotFoundFault"),
    error("CompleteMigration", "ServerlessCacheNotUnderMigrationFault"),
    error(
        "CreateGlobalReplicationGroup",
        "TagQuotaPerResourceExceeded",
    ),
    error("ListTagsForResource", "GlobalReplicationGroupNotFoundFault"),
    error("ListTagsForResource", "InvalidParameterValueException"),
    error(
        "RemoveTagsFromResource",
        "GlobalReplicationGroupNotFoundFault",
    ),
    error("RemoveTagsFromResource", "InvalidParameterValueException"),
    error("StartMigration", "InvalidCacheClusterStateFault"),
    error("StartMigration", "InvalidParameterCombinationException"),
    error("StartMigration", "InvalidServerlessCacheStateFault"),
    error("StartMigration", "MigrationHealthFault"),
    error("StartMigration", "ServerlessCacheNotFoundFault"),
    error("StartMigration", "ServerlessCacheNotUnderMigrationFault"),
    error("TestMigration", "InvalidCacheClusterStateFault"),
    error("TestMigration", "InvalidParameterCombinationException"),
    Drift::Required {
        structure: "CompleteMigrationMessage",
        member: "ReplicationGroupId",
    },
    Drift::Required {
        structure: "StartMigrationMessage",
        member: "ReplicationGroupId",
    },
    Drift::Required {
        structure: "StartMigrationMessage",
        member: "CustomerNodeEndpointList",
    },
];

/// How the version drift derived from `smithy_diff.py` is checked.
#[derive(Debug, Clone, Copy)]
pub enum DriftCheck {
    /// Accepted as found; every adjustment is counted and printed.
    Derived,
    /// Must equal this hand-written table (the model is the one the table
    /// was written from).
    Table(&'static [Drift]),
    /// Must be part of this table (a model restricted to some operations
    /// finds only the drift of those).
    WithinTable(&'static [Drift]),
}

/// A wire difference between botocore's model and the Smithy model that the
/// harness accepts, with the reason the comparison stays right.
#[derive(Debug, Clone, Copy)]
pub struct WireDifference {
    /// botocore's service name.
    pub service: &'static str,
    /// The `smithy_diff.py` finding kind (`member wire name`, `error type` …).
    pub kind: &'static str,
    /// The finding's `where` (for member wire names, any path: one entry
    /// covers every path to the same member), and both sides' values.
    pub place: &'static str,
    pub botocore: &'static str,
    pub smithy: &'static str,
    pub reason: &'static str,
}

/// Every wire difference between botocore 1.44.5 and the models in
/// `shared/models` that is neither fixed in the generator nor version drift.
pub const WIRE_DIFFERENCES: &[WireDifference] = &[
    WireDifference {
        service: "elasticache",
        kind: "member wire name",
        place: "PendingModifiedValues.LogDeliveryConfigurations",
        botocore: "PendingLogDeliveryConfiguration",
        smithy: "LogDeliveryConfigurations",
        reason: "quirk P8: botocore takes the element name from a shape-level locationName that \
                 the Smithy model does not have; the crate follows the Smithy model, and the \
                 oracle either never writes the member (smithy_safe) or its body is rewritten \
                 to the Smithy name (Config::wire_names)",
    },
    WireDifference {
        service: "sns",
        kind: "error type",
        place: "error InternalErrorException",
        botocore: "Sender",
        smithy: "Receiver",
        reason: "the crate reads <Type> from the response body and never uses the model's \
                 fault (smithy.api#error server/client), so the difference cannot change a parse",
    },
    WireDifference {
        service: "iam",
        kind: "error type",
        place: "error ServiceFailureException",
        botocore: "Sender",
        smithy: "Receiver",
        reason: "as for SNS InternalErrorException: <Type> comes from the body, not the model",
    },
    WireDifference {
        service: "iam",
        kind: "error type",
        place: "error PolicyEvaluationException",
        botocore: "Sender",
        smithy: "Receiver",
        reason: "as for SNS InternalErrorException: <Type> comes from the body, not the model",
    },
];

impl WireDifference {
    fn matches(&self, service: &str, finding: &Value) -> bool {
        let text = |key: &str| match &finding[key] {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        let place = text("where");
        self.service == service
            && self.kind == text("kind")
            && self.botocore == text("botocore")
            && self.smithy == text("smithy")
            && (place == self.place || place.ends_with(&format!(".{}", self.place)))
    }
}

/// `smithy_diff.py` kinds that are version drift: something on one side only.
const DRIFT_KINDS: &[&str] = &[
    "operation only in botocore",
    "operation only in smithy",
    "member only in botocore",
    "member only in smithy",
    "operation error only in botocore",
    "operation error only in smithy",
    "required",
    "enum values",
];

/// The version drift between botocore and the Smithy model under test, as
/// the harness applies it.
#[derive(Debug, Default)]
struct DriftSet {
    /// (structure, member, direction) that only botocore has.
    members: BTreeSet<(String, String, Direction)>,
    /// (operation, error shape) that only botocore lists.
    errors: BTreeSet<(String, String)>,
    /// (structure, member) whose `required` differs.
    required: BTreeSet<(String, String)>,
    /// Operations only the Smithy model has: botocore cannot answer for them.
    smithy_only_operations: BTreeSet<String>,
    /// Findings per kind, for the summary line.
    counts: BTreeMap<String, usize>,
}

impl DriftSet {
    fn has_member(&self, structure: &str, member: &str, direction: Direction) -> bool {
        self.members
            .contains(&(structure.to_owned(), member.to_owned(), direction))
    }

    fn has_error(&self, operation: &str, error: &str) -> bool {
        self.errors
            .contains(&(operation.to_owned(), error.to_owned()))
    }

    /// The entries in [`Drift`]'s terms, as sortable lines.
    fn lines(&self) -> Vec<String> {
        let mut lines: Vec<String> = self
            .members
            .iter()
            .map(|(s, m, d)| format!("{d:?} {s}${m}"))
            .chain(self.errors.iter().map(|(o, e)| format!("error {o}!{e}")))
            .chain(
                self.required
                    .iter()
                    .map(|(s, m)| format!("required {s}${m}")),
            )
            .collect();
        lines.sort();
        lines
    }
}

/// Runs `smithy_diff.py` for the service and the Smithy model, accepts its
/// version drift and fails on any wire difference [`WIRE_DIFFERENCES`] does
/// not list (and on any entry of that list that matches nothing, unless the
/// model is restricted to some operations).
fn derive_drift(config: &Config, python: &Path, model: &Smithy) -> DriftSet {
    let script = config.oracle_dir.join("smithy_diff.py");
    let output = Command::new(python)
        .arg(&script)
        .arg(config.service)
        .arg(&config.smithy_model)
        .arg("--json")
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", script.display()));
    assert!(
        output.status.success(),
        "{} {} {} failed: {}",
        script.display(),
        config.service,
        config.smithy_model.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    let findings: Vec<Value> = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "smithy_diff.py {} printed no JSON list: {e}",
            config.service
        )
    });
    let mut drift = DriftSet::default();
    let mut unlisted = Vec::new();
    let mut used = vec![false; WIRE_DIFFERENCES.len()];
    for finding in &findings {
        let kind = finding["kind"]
            .as_str()
            .unwrap_or_else(|| panic!("smithy_diff.py finding without a kind: {finding}"));
        let place = finding["where"].as_str().unwrap_or_default();
        if model.ec2 && kind == "resultWrapper" && finding["botocore"].is_null() {
            // smithy_diff.py takes the Smithy side's wrapper to be awsQuery's
            // `{Op}Result`; under ec2Query neither side has one (E7).
            *drift
                .counts
                .entry("ec2Query outputs without a result wrapper on both sides".into())
                .or_default() += 1;
            continue;
        }
        if !DRIFT_KINDS.contains(&kind) {
            match WIRE_DIFFERENCES
                .iter()
                .position(|w| w.matches(config.service, finding))
            {
                Some(i) => used[i] = true,
                None => unlisted.push(finding.to_string()),
            }
            continue;
        }
        *drift.counts.entry(kind.to_owned()).or_default() += 1;
        match kind {
            "member only in botocore" => {
                let (structure, member, direction) = model.resolve_member_path(place);
                drift.members.insert((structure, member, direction));
            }
            "required" => {
                let (structure, member, _) = model.resolve_member_path(place);
                drift.required.insert((structure, member));
            }
            "operation error only in botocore" => {
                let (operation, error) = place.split_once(" !").unwrap_or_else(|| {
                    panic!("smithy_diff.py: operation error without ` !`: {finding}")
                });
                drift
                    .errors
                    .insert((operation.to_owned(), error.to_owned()));
            }
            "operation only in smithy" => {
                drift.smithy_only_operations.insert(place.to_owned());
            }
            // Nothing to adjust: botocore never generates what it does not
            // have, operations only botocore has are not in the crate, and
            // the crate's enums keep values they do not know.
            _ => {}
        }
    }
    assert!(
        unlisted.is_empty(),
        "{}: botocore's model and {} differ on the wire where WIRE_DIFFERENCES (in \
         conformance/tests/support/differential.rs) says nothing; fix the generator or list \
         each with its reason:\n{}",
        config.service,
        config.smithy_model.display(),
        unlisted.join("\n")
    );
    let stale: Vec<String> = WIRE_DIFFERENCES
        .iter()
        .zip(&used)
        .filter(|(w, used)| w.service == config.service && !**used)
        .map(|(w, _)| format!("{w:?}"))
        .collect();
    if !matches!(config.drift, DriftCheck::WithinTable(_)) {
        assert!(
            stale.is_empty(),
            "{}: WIRE_DIFFERENCES entries that smithy_diff.py no longer finds:\n{}",
            config.service,
            stale.join("\n")
        );
    }
    let derived = drift.lines();
    match config.drift {
        DriftCheck::Derived => {}
        DriftCheck::Table(table) => {
            assert_eq!(
                drift_lines(table),
                derived,
                "{}: the drift table (left) is not what smithy_diff.py finds (right)",
                config.service
            );
        }
        DriftCheck::WithinTable(table) => {
            let table = drift_lines(table);
            let missing: Vec<&String> = derived.iter().filter(|d| !table.contains(d)).collect();
            assert!(
                missing.is_empty(),
                "{}: smithy_diff.py finds drift the table does not have: {missing:?}",
                config.service
            );
        }
    }
    eprintln!(
        "differential: {}: smithy_diff.py found {} differences: {} version drift ({} adjustments \
         to apply), {} listed wire differences",
        config.service,
        findings.len(),
        drift.counts.values().sum::<usize>(),
        derived.len(),
        used.iter().filter(|u| **u).count()
    );
    drift
}

fn drift_lines(table: &[Drift]) -> Vec<String> {
    let mut lines: Vec<String> = table
        .iter()
        .map(|d| match d {
            Drift::Member {
                structure,
                member,
                direction,
            } => format!("{direction:?} {structure}${member}"),
            Drift::Error { operation, error } => format!("error {operation}!{error}"),
            Drift::Required { structure, member } => format!("required {structure}${member}"),
        })
        .collect();
    lines.sort();
    lines
}

/// Where things are and how much to run.
#[derive(Debug, Clone)]
pub struct Config {
    /// botocore's service name (`elasticache`).
    pub service: &'static str,
    /// The Smithy JSON AST the crate under test was generated from.
    pub smithy_model: PathBuf,
    /// The folder holding `query_oracle.py` and `setup.sh`.
    pub oracle_dir: PathBuf,
    /// Seeds per (operation, kind), unless [`Harness::check_seeds`] says otherwise.
    pub seeds: u64,
    /// Output members whose element name botocore takes from a shape-level
    /// `locationName` (quirk P8). Empty: the oracle runs with `smithy_safe`
    /// and never writes them. Otherwise it writes them under botocore's
    /// name and the body is rewritten to the Smithy name before we parse it,
    /// so the member is still compared.
    pub wire_names: &'static [WireName],
    /// How the version drift `smithy_diff.py` finds is checked.
    pub drift: DriftCheck,
}

/// An output member that botocore reads under another element name than the
/// Smithy model (quirk P8).
#[derive(Debug, Clone, Copy)]
pub struct WireName {
    /// The Smithy structure (unqualified) and member.
    pub structure: &'static str,
    pub member: &'static str,
    /// The element name botocore reads and its oracle writes.
    pub botocore: &'static str,
    /// The element name of the Smithy model, which the crate reads.
    pub smithy: &'static str,
}

/// The seed count in environment variable `var`, or `default` when unset.
pub fn seeds_from_env(var: &str, default: u64) -> u64 {
    match std::env::var(var) {
        Ok(text) => text
            .trim()
            .parse()
            .unwrap_or_else(|e| panic!("{var}={text:?} is not a seed count: {e}")),
        Err(_) => default,
    }
}

/// The running comparison: the oracle process, the model, the tallies.
pub struct Harness {
    config: Config,
    oracle: Oracle,
    model: Smithy,
    tallies: Vec<Tally>,
    /// Operations skipped because botocore does not have them.
    skipped_operations: Vec<&'static str>,
    started: Instant,
}

impl Harness {
    /// Starts the oracle and sorts what `smithy_diff.py` finds between
    /// botocore's model and the Smithy model (see the module docs). A
    /// missing or broken oracle, an unlisted wire difference or a drift
    /// table that does not match fails the test.
    pub fn start(config: Config) -> Self {
        let mut model = Smithy::load(&config.smithy_model);
        for w in config.wire_names {
            let name = model.xml_name(w.structure, w.member).unwrap_or_else(|| {
                panic!(
                    "wire name entry {}${}: no such member",
                    w.structure, w.member
                )
            });
            assert_eq!(
                name, w.smithy,
                "wire name entry {}${}: the Smithy model calls it <{name}>",
                w.structure, w.member
            );
        }
        let oracle = Oracle::start(&config.oracle_dir);
        model.drift = derive_drift(&config, &oracle.python, &model);
        Self {
            config,
            oracle,
            model,
            tallies: Vec::new(),
            skipped_operations: Vec::new(),
            started: Instant::now(),
        }
    }

    /// Runs every kind of case for the operation `O`, with the configured
    /// number of seeds.
    pub fn check<O>(&mut self)
    where
        O: service::Operation,
        O::Input: DeserializeOwned,
        O::Output: Serialize + Debug,
        O::Error: Debug + Into<service::Error>,
    {
        self.check_seeds::<O>(self.config.seeds);
    }

    /// Runs every kind of case for the operation `O`, `seeds` of each.
    pub fn check_seeds<O>(&mut self, seeds: u64)
    where
        O: service::Operation,
        O::Input: DeserializeOwned,
        O::Output: Serialize + Debug,
        O::Error: Debug + Into<service::Error>,
    {
        if self.model.drift.smithy_only_operations.contains(O::NAME) {
            self.skipped_operations.push(O::NAME);
            return;
        }
        let input = self.check_inputs::<O>(seeds);
        let output = self.check_outputs::<O>(seeds);
        let modelled = self.check_errors::<O>(seeds, false);
        let unmodelled = self.check_errors::<O>(seeds, true);
        self.tallies.extend([input, output, modelled, unmodelled]);
    }

    /// Prints the summary and fails if any case failed.
    pub fn finish(self) {
        let Harness {
            config,
            oracle,
            model,
            tallies,
            skipped_operations,
            started,
        } = self;
        drop(oracle);
        let counts: Vec<String> = model
            .drift
            .counts
            .iter()
            .map(|(kind, n)| format!("{n} {kind}"))
            .collect();
        eprintln!(
            "differential: version drift from smithy_diff.py: {}",
            if counts.is_empty() {
                "none".to_owned()
            } else {
                counts.join(", ")
            }
        );
        if !skipped_operations.is_empty() {
            eprintln!(
                "differential: skipped (only in the Smithy model, botocore has no answer): {}",
                skipped_operations.join(", ")
            );
        }
        let operations = tallies.len() / 4;
        let mut seeds: Vec<usize> = tallies.iter().map(|t| t.seeds).collect();
        seeds.sort_unstable();
        seeds.dedup();
        let seeds: Vec<String> = seeds.iter().map(usize::to_string).collect();
        eprintln!(
            "differential: {operations} operations, {} seeds per kind{}, {:.1}s",
            seeds.join(" or "),
            if config.wire_names.is_empty() {
                ", smithy_safe"
            } else {
                ", P8 names rewritten"
            },
            started.elapsed().as_secs_f64()
        );
        let mut kinds: BTreeMap<&str, Totals> = BTreeMap::new();
        for tally in &tallies {
            let totals = kinds.entry(tally.kind).or_default();
            totals.add(tally);
        }
        for (kind, totals) in &kinds {
            eprintln!("differential {kind}: {}", totals.summary());
        }
        // One machine-readable line for scoreboards: mismatches/cases per kind.
        let score: Vec<String> = kinds
            .iter()
            .map(|(kind, t)| format!("{}={}/{}", kind.replace(' ', "-"), t.mismatches, t.cases))
            .collect();
        eprintln!("differential-score {} {}", config.service, score.join(" "));
        let failed: Vec<&Tally> = tallies.iter().filter(|t| !t.failures.is_empty()).collect();
        for tally in &failed {
            eprintln!("\n=== {} ===", tally.summary());
            for failure in tally.failures.iter().take(SHOWN_FAILURES) {
                eprintln!("{failure}\n");
            }
        }
        assert!(
            failed.is_empty(),
            "the crate disagrees with botocore in {} of {} (operation, kind) groups; see above",
            failed.len(),
            tallies.len()
        );
    }

    fn requests(&self, cmd: &str, operation: &str, seeds: u64, extra: &Value) -> Vec<Value> {
        (0..seeds)
            .map(|seed| {
                let mut request = json!({
                    "cmd": cmd,
                    "service": self.config.service,
                    "operation": operation,
                    "seed": seed,
                    "smithy_safe": self.config.wire_names.is_empty(),
                });
                if let (Some(request), Some(extra)) = (request.as_object_mut(), extra.as_object()) {
                    request.extend(extra.clone());
                }
                request
            })
            .collect()
    }

    /// Our request body against botocore's for the same random params.
    fn check_inputs<O>(&mut self, seeds: u64) -> Tally
    where
        O: service::Operation,
        O::Input: DeserializeOwned,
    {
        let mut tally = Tally::new(O::NAME, "input", seeds);
        let input_shape = self.model.io_shape(O::NAME, "input");
        let mut params =
            self.oracle
                .call_all(&self.requests("random-input", O::NAME, seeds, &json!({})));
        for p in &mut params {
            if let Some(shape) = &input_shape {
                tally.drift += self.model.strip_drift(shape, p, Direction::Input);
            }
        }
        let serialize: Vec<Value> = params
            .iter()
            .map(|params| {
                json!({
                    "cmd": "serialize",
                    "service": self.config.service,
                    "operation": O::NAME,
                    "params": params,
                    "model_order": true,
                })
            })
            .collect();
        let serialized = self.oracle.call_all(&serialize);

        for (seed, (params, answer)) in params.iter().zip(&serialized).enumerate() {
            if let Some(member) = input_shape
                .as_deref()
                .and_then(|shape| self.model.missing_required_drift(shape, params))
            {
                tally.skipped += 1;
                tally.skipped_members.insert(member);
                continue;
            }
            tally.cases += 1;
            let theirs = answer["body"]
                .as_str()
                .unwrap_or_else(|| panic!("oracle serialize answer without a body: {answer}"));
            let input = O::Input::deserialize(JsonDeserializer(params.clone())).or_else(|e| {
                // An operation without input takes `()`.
                if params.as_object().is_some_and(Map::is_empty) {
                    O::Input::deserialize(JsonDeserializer(Value::Null)).map_err(|_| e)
                } else {
                    Err(e)
                }
            });
            let input = match input {
                Ok(input) => input,
                Err(e) => {
                    tally.fail(
                        seed,
                        format!(
                            "the oracle's params do not deserialize: {e}\n  params:   {params}"
                        ),
                    );
                    continue;
                }
            };
            let request = O::build_request(&input);
            let ours = String::from_utf8_lossy(request.body()).into_owned();
            if ours == theirs {
                tally.identical += 1;
                continue;
            }
            let mut kinds = BTreeMap::new();
            if let Some(shape) = &input_shape {
                self.model.form_kinds(shape, params, "", &mut kinds);
            }
            let difference = match (decode_form(&ours), decode_form(theirs)) {
                (Ok(ours), Ok(theirs)) => first_pair_difference(&ours, &theirs, &kinds),
                (Err(e), _) => Some(format!("our body is not a valid form: {e}")),
                (_, Err(e)) => Some(format!("botocore's body is not a valid form: {e}")),
            };
            if let Some(difference) = difference {
                tally.fail(
                    seed,
                    format!(
                        "{difference}\n  params:   {params}\n  ours:     {ours}\n  botocore: {theirs}"
                    ),
                );
            }
        }
        tally
    }

    /// Our parse of a random success response against botocore's.
    fn check_outputs<O>(&mut self, seeds: u64) -> Tally
    where
        O: service::Operation,
        O::Output: Serialize + Debug,
        O::Error: Debug,
    {
        let mut tally = Tally::new(O::NAME, "output", seeds);
        let output_shape = self.model.io_shape(O::NAME, "output");
        let answers =
            self.oracle
                .call_all(&self.requests("random-output", O::NAME, seeds, &json!({})));
        for (seed, answer) in answers.iter().enumerate() {
            tally.cases += 1;
            let (status, body) = status_and_body(answer);
            let renamed = rename_elements(body, self.config.wire_names);
            if renamed != body {
                tally.renamed += 1;
            }
            let body = renamed.as_str();
            let mut expected = answer.get("expected").cloned().unwrap_or_else(|| {
                panic!("oracle random-output answer without expected: {answer}")
            });
            if let Some(shape) = &output_shape {
                tally.drift += self
                    .model
                    .strip_drift(shape, &mut expected, Direction::Output);
            }
            let output = match O::parse_response(status, body.as_bytes()) {
                Ok(output) => output,
                Err(e) => {
                    tally.fail(
                        seed,
                        format!("parse_response({status}) failed: {e:?}\n  body: {body}"),
                    );
                    continue;
                }
            };
            let ours = match output.serialize(JsonSerializer) {
                // An operation without output gives `()`; botocore `{}`.
                Ok(Value::Null) => json!({}),
                Ok(v) => v,
                Err(e) => panic!("cannot turn our output {output:?} into JSON: {e}"),
            };
            let mut differences = Vec::new();
            match &output_shape {
                Some(shape) => {
                    self.model
                        .compare(Some(shape), "$", &ours, &expected, &mut differences)
                }
                None => self
                    .model
                    .compare(None, "$", &ours, &expected, &mut differences),
            }
            if !differences.is_empty() {
                let shown: Vec<String> = differences
                    .iter()
                    .take(SHOWN_DIFFERENCES)
                    .map(|d| format!("    {d}"))
                    .collect();
                tally.fail(
                    seed,
                    format!(
                        "{} differing paths (ours vs botocore):\n{}\n  body: {body}",
                        differences.len(),
                        shown.join("\n")
                    ),
                );
            }
        }
        tally
    }

    /// Our reading of a random error response against botocore's.
    fn check_errors<O>(&mut self, seeds: u64, unmodelled: bool) -> Tally
    where
        O: service::Operation,
        O::Output: Debug,
        O::Error: Debug + Into<service::Error>,
    {
        let kind = if unmodelled {
            "unmodelled error"
        } else {
            "error"
        };
        let mut tally = Tally::new(O::NAME, kind, seeds);
        let answers = self.oracle.call_all(&self.requests(
            "random-error",
            O::NAME,
            seeds,
            &json!({ "unmodeled": unmodelled }),
        ));
        for (seed, answer) in answers.iter().enumerate() {
            tally.cases += 1;
            let (status, body) = status_and_body(answer);
            let expected = &answer["expected"];
            let error = &expected["Error"];
            let want_code = error["Code"].as_str();
            let want_message = error.get("Message").and_then(Value::as_str);
            // botocore maps the code to a shape; no shape means unmodelled.
            let mut want_variant = expected["ErrorShape"].as_str().unwrap_or("Unhandled");
            if self.model.drift.has_error(O::NAME, want_variant)
                && !self.model.operation_has_error(O::NAME, want_variant)
            {
                want_variant = "Unhandled";
                tally.drift += 1;
            }
            // Not part of botocore's error dict: the one the oracle wrote.
            let want_request_id = answer["request_id"].as_str();

            let err = match O::parse_response(status, body.as_bytes()) {
                Ok(output) => {
                    tally.fail(
                        seed,
                        format!(
                            "parsed as a success: {output:?}\n  status: {status}\n  body: {body}"
                        ),
                    );
                    continue;
                }
                Err(err) => err,
            };
            let debug = format!("{err:?}");
            let variant = debug.split_once('(').map_or(debug.as_str(), |(v, _)| v);
            let mut problems = Vec::new();
            // Variants are shape names in UpperCamelCase, which folds
            // acronyms (`InvalidVPCNetworkStateFault` is
            // `InvalidVpcNetworkStateFault`); no two error shapes differ
            // only in case, so this still identifies the shape.
            if !variant.eq_ignore_ascii_case(want_variant) {
                problems.push(format!("variant: ours {variant}, botocore {want_variant}"));
            }
            let err: service::Error = err.into();
            let meta = err.meta();
            let code = meta.map(|m| m.code.as_str());
            let message = meta.and_then(|m| m.message.as_deref());
            let request_id = meta.and_then(|m| m.request_id.as_deref());
            if code != want_code {
                problems.push(format!("code: ours {code:?}, botocore {want_code:?}"));
            }
            if message != want_message {
                problems.push(format!(
                    "message: ours {message:?}, botocore {want_message:?}"
                ));
            }
            if request_id != want_request_id {
                problems.push(format!(
                    "request id: ours {request_id:?}, in body {want_request_id:?}"
                ));
            }
            if !problems.is_empty() {
                tally.fail(
                    seed,
                    format!(
                        "{}\n  ours:     {debug}\n  botocore: {expected}\n  status: {status}\n  body: {body}",
                        problems.join("\n  ")
                    ),
                );
            }
        }
        tally
    }
}

fn status_and_body(answer: &Value) -> (u16, &str) {
    let status = answer["status"]
        .as_u64()
        .and_then(|s| u16::try_from(s).ok())
        .unwrap_or_else(|| panic!("oracle answer without a valid status: {answer}"));
    let body = answer["body"]
        .as_str()
        .unwrap_or_else(|| panic!("oracle answer without a body: {answer}"));
    (status, body)
}

// ---------------------------------------------------------------------------
// Results
// ---------------------------------------------------------------------------

/// Cases and failures of one (operation, kind).
struct Tally {
    operation: &'static str,
    kind: &'static str,
    /// Seeds run (cases plus skipped).
    seeds: usize,
    cases: usize,
    /// Request bodies equal to botocore's byte for byte (inputs).
    identical: usize,
    /// Version-drift adjustments made (members removed, variants mapped).
    drift: usize,
    /// Bodies with a [`WireName`] element renamed (outputs).
    renamed: usize,
    /// Cases skipped by a [`Drift::Required`] entry (inputs).
    skipped: usize,
    /// The members whose absence caused the skips.
    skipped_members: std::collections::BTreeSet<String>,
    failures: Vec<String>,
}

impl Tally {
    fn new(operation: &'static str, kind: &'static str, seeds: u64) -> Self {
        Self {
            operation,
            kind,
            seeds: usize::try_from(seeds).unwrap_or(usize::MAX),
            cases: 0,
            identical: 0,
            drift: 0,
            renamed: 0,
            skipped: 0,
            skipped_members: Default::default(),
            failures: Vec::new(),
        }
    }

    fn fail(&mut self, seed: usize, detail: String) {
        self.failures.push(format!(
            "[{} {} seed {seed}] {detail}",
            self.operation, self.kind
        ));
    }

    fn summary(&self) -> String {
        format!(
            "differential {} {}: {} cases, {} mismatches",
            self.operation,
            self.kind,
            self.cases,
            self.failures.len()
        )
    }
}

/// Sums over the operations of one kind.
#[derive(Default)]
struct Totals {
    operations: usize,
    cases: usize,
    mismatches: usize,
    identical: usize,
    drift: usize,
    renamed: usize,
    skipped: usize,
    skipped_members: std::collections::BTreeSet<String>,
}

impl Totals {
    fn add(&mut self, t: &Tally) {
        self.operations += 1;
        self.cases += t.cases;
        self.mismatches += t.failures.len();
        self.identical += t.identical;
        self.drift += t.drift;
        self.renamed += t.renamed;
        self.skipped += t.skipped;
        self.skipped_members
            .extend(t.skipped_members.iter().cloned());
    }

    fn summary(&self) -> String {
        let mut line = format!(
            "{} operations, {} cases, {} mismatches",
            self.operations, self.cases, self.mismatches
        );
        if self.identical > 0 {
            line.push_str(&format!(", {} bodies byte-identical", self.identical));
        }
        if self.drift > 0 {
            line.push_str(&format!(", {} version-drift adjustments", self.drift));
        }
        if self.renamed > 0 {
            line.push_str(&format!(
                ", {} bodies with botocore's element name rewritten to the Smithy one (P8)",
                self.renamed
            ));
        }
        if self.skipped > 0 {
            let members: Vec<&str> = self.skipped_members.iter().map(String::as_str).collect();
            line.push_str(&format!(
                ", {} skipped (absent, and required only by the Smithy model: {})",
                self.skipped,
                members.join(", ")
            ));
        }
        line
    }
}

// ---------------------------------------------------------------------------
// The Smithy model, walked beside the JSON
// ---------------------------------------------------------------------------

/// How a target shape is compared or written.
enum Kind<'m> {
    Structure(&'m Map<String, Value>, &'m str),
    List(&'m str, &'m Value),
    Map(&'m Value),
    Timestamp,
    Float,
    Double,
    Other,
}

struct Smithy {
    shapes: Map<String, Value>,
    /// Operation name -> shape id.
    operations: BTreeMap<String, String>,
    /// Version drift against botocore, set once `smithy_diff.py` has run.
    drift: DriftSet,
    /// The service speaks ec2Query (form keys E1, E2), not awsQuery.
    ec2: bool,
}

impl Smithy {
    fn load(path: &Path) -> Self {
        let text = std::fs::read_to_string(path)
            .unwrap_or_else(|e| panic!("cannot read the Smithy model {}: {e}", path.display()));
        let doc: Value = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("the Smithy model {} is not JSON: {e}", path.display()));
        let shapes = doc["shapes"]
            .as_object()
            .cloned()
            .unwrap_or_else(|| panic!("{} has no shapes", path.display()));
        let operations = shapes
            .iter()
            .filter(|(_, s)| s["type"] == "operation")
            .map(|(id, _)| (short(id).to_owned(), id.clone()))
            .collect();
        let ec2 = shapes
            .values()
            .any(|s| s["type"] == "service" && s["traits"].get("aws.protocols#ec2Query").is_some());
        Self {
            shapes,
            operations,
            drift: DriftSet::default(),
            ec2,
        }
    }

    /// The input or output structure of an operation, if it has one.
    fn io_shape(&self, operation: &str, io: &str) -> Option<String> {
        let id = self
            .operations
            .get(operation)
            .unwrap_or_else(|| panic!("the Smithy model has no operation {operation}"));
        self.shapes[id][io]["target"]
            .as_str()
            .filter(|t| *t != "smithy.api#Unit")
            .map(str::to_owned)
    }

    /// The XML element name of a structure member (`xmlName`, else its name).
    fn xml_name(&self, structure: &str, member: &str) -> Option<String> {
        let (_, shape) = self.shapes.iter().find(|(id, _)| short(id) == structure)?;
        let m = shape["members"].get(member)?;
        let name = m["traits"]["smithy.api#xmlName"].as_str().unwrap_or(member);
        Some(name.to_owned())
    }

    fn operation_has_error(&self, operation: &str, error: &str) -> bool {
        self.operations.get(operation).is_some_and(|id| {
            self.shapes[id]["errors"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|e| e["target"].as_str().map(short) == Some(error))
        })
    }

    fn kind<'m>(&'m self, target: &'m str) -> Kind<'m> {
        if let Some(prelude) = target.strip_prefix("smithy.api#") {
            return match prelude {
                "Timestamp" => Kind::Timestamp,
                "Float" | "PrimitiveFloat" => Kind::Float,
                "Double" | "PrimitiveDouble" => Kind::Double,
                _ => Kind::Other,
            };
        }
        let Some(shape) = self.shapes.get(target) else {
            return Kind::Other;
        };
        match shape["type"].as_str().unwrap_or_default() {
            "structure" | "union" => match shape["members"].as_object() {
                Some(members) => Kind::Structure(members, short(target)),
                None => Kind::Other,
            },
            "list" | "set" => {
                let member = &shape["member"];
                Kind::List(member["target"].as_str().unwrap_or_default(), member)
            }
            "map" => Kind::Map(shape),
            "timestamp" => Kind::Timestamp,
            "float" => Kind::Float,
            "double" => Kind::Double,
            _ => Kind::Other,
        }
    }

    /// The structure and member a `smithy_diff.py` path such as
    /// `CopySnapshot output.Snapshot.Durability` leads to, and its direction.
    fn resolve_member_path(&self, place: &str) -> (String, String, Direction) {
        let (operation, rest) = place.split_once(' ').unwrap_or((place, ""));
        let (io, path) = rest.split_once('.').unwrap_or((rest, ""));
        let direction = if io == "input" {
            Direction::Input
        } else {
            Direction::Output
        };
        let mut shape = self
            .io_shape(operation, io)
            .unwrap_or_else(|| panic!("{place}: the operation has no {io}"));
        let segments: Vec<&str> = path.split('.').collect();
        let (last, walk) = segments.split_last().unwrap_or((&"", &[]));
        // A segment is a member name followed by `[]` (list member),
        // `{key}` or `{value}` (map parts), in the order they are walked.
        let step = |shape: &str, part: &str| -> String {
            self.shapes
                .get(shape)
                .and_then(|s| s[part]["target"].as_str())
                .unwrap_or_else(|| panic!("{place}: no {part} in {shape}"))
                .to_owned()
        };
        for seg in walk {
            let split = seg.find(['[', '{']).unwrap_or(seg.len());
            let (name, mut suffixes) = seg.split_at(split);
            shape = self
                .shapes
                .get(&shape)
                .and_then(|s| s["members"][name]["target"].as_str())
                .unwrap_or_else(|| panic!("{place}: no member {name} in {shape}"))
                .to_owned();
            while !suffixes.is_empty() {
                let (part, rest) = if let Some(rest) = suffixes.strip_prefix("[]") {
                    ("member", rest)
                } else if let Some(rest) = suffixes.strip_prefix("{key}") {
                    ("key", rest)
                } else if let Some(rest) = suffixes.strip_prefix("{value}") {
                    ("value", rest)
                } else {
                    panic!("{place}: cannot read the path segment {seg}")
                };
                shape = step(&shape, part);
                suffixes = rest;
            }
        }
        (short(&shape).to_owned(), (*last).to_owned(), direction)
    }

    /// Removes [`Drift::Member`] members from `value` (of shape `target`) in
    /// `direction`; returns how many it removed.
    fn strip_drift(&self, target: &str, value: &mut Value, direction: Direction) -> usize {
        match (self.kind(target), value) {
            (Kind::Structure(members, name), Value::Object(object)) => {
                let before = object.len();
                object.retain(|key, _| {
                    members.contains_key(key) || !self.drift.has_member(name, key, direction)
                });
                let mut removed = before - object.len();
                for (key, child) in object.iter_mut() {
                    if let Some(t) = members.get(key).and_then(|m| m["target"].as_str()) {
                        removed += self.strip_drift(t, child, direction);
                    }
                }
                removed
            }
            (Kind::List(item, _), Value::Array(items)) => items
                .iter_mut()
                .map(|i| self.strip_drift(item, i, direction))
                .sum(),
            (Kind::Map(shape), Value::Object(object)) => {
                let t = shape["value"]["target"].as_str().unwrap_or_default();
                object
                    .values_mut()
                    .map(|v| self.strip_drift(t, v, direction))
                    .sum()
            }
            _ => 0,
        }
    }

    /// The first [`Drift::Required`] member absent from the params of `target`.
    fn missing_required_drift(&self, target: &str, params: &Value) -> Option<String> {
        let Kind::Structure(_, name) = self.kind(target) else {
            return None;
        };
        self.drift
            .required
            .iter()
            .find(|(structure, member)| structure == name && params.get(member).is_none())
            .map(|(structure, member)| format!("{structure}${member}"))
    }

    /// The decoded form key of every scalar in `value` (of shape `target`),
    /// with how its value compares: awsQuery's key rules (member `xmlName`,
    /// list `member` or the list member's `xmlName`, `.N` from 1, flattened
    /// lists without the member segment, `entry.N.key`/`.value` for maps),
    /// or ec2Query's (E1, E2: `ec2QueryName` or the capitalized `xmlName`,
    /// every list `Name.N`).
    fn form_kinds<'m>(
        &'m self,
        target: &'m str,
        value: &Value,
        key: &str,
        out: &mut BTreeMap<String, Scalar>,
    ) {
        let join = |a: &str, b: &str| {
            if a.is_empty() {
                b.to_owned()
            } else {
                format!("{a}.{b}")
            }
        };
        match (self.kind(target), value) {
            (Kind::Structure(members, _), Value::Object(object)) => {
                for (name, child) in object {
                    let Some(m) = members.get(name) else { continue };
                    let traits = &m["traits"];
                    let seg = if self.ec2 {
                        // E1: ec2QueryName, else xmlName with an upper-case first letter.
                        traits["aws.protocols#ec2QueryName"]
                            .as_str()
                            .map(str::to_owned)
                            .or_else(|| traits["smithy.api#xmlName"].as_str().map(upper_first))
                            .unwrap_or_else(|| name.clone())
                    } else {
                        traits["smithy.api#xmlName"]
                            .as_str()
                            .unwrap_or(name)
                            .to_owned()
                    };
                    let seg = seg.as_str();
                    let t = m["target"].as_str().unwrap_or_default();
                    // E2: ec2Query lists are always `Name.N`.
                    let flattened = self.ec2 || traits.get("smithy.api#xmlFlattened").is_some();
                    match (self.kind(t), child) {
                        (Kind::List(item, member), Value::Array(items)) => {
                            let base = if flattened {
                                join(key, seg)
                            } else {
                                let item_name = member["traits"]["smithy.api#xmlName"]
                                    .as_str()
                                    .unwrap_or("member");
                                join(&join(key, seg), item_name)
                            };
                            for (i, v) in items.iter().enumerate() {
                                self.form_kinds(item, v, &join(&base, &(i + 1).to_string()), out);
                            }
                        }
                        _ => self.form_kinds(t, child, &join(key, seg), out),
                    }
                }
            }
            (Kind::Map(shape), Value::Object(object)) => {
                let name = |part: &str| {
                    shape[part]["traits"]["smithy.api#xmlName"]
                        .as_str()
                        .unwrap_or(part)
                        .to_owned()
                };
                let t = shape["value"]["target"].as_str().unwrap_or_default();
                for (i, v) in object.values().enumerate() {
                    let entry = join(&join(key, "entry"), &(i + 1).to_string());
                    self.form_kinds(t, v, &join(&entry, &name("value")), out);
                }
            }
            (Kind::Timestamp, _) => {
                out.insert(key.to_owned(), Scalar::Timestamp);
            }
            (Kind::Float | Kind::Double, _) => {
                out.insert(key.to_owned(), Scalar::Double);
            }
            _ => {}
        }
    }

    /// Differences between our JSON and botocore's for a value of `target`
    /// (`None`: compare as plain JSON).
    fn compare(
        &self,
        target: Option<&str>,
        path: &str,
        ours: &Value,
        theirs: &Value,
        out: &mut Vec<String>,
    ) {
        let kind = target.map_or(Kind::Other, |t| self.kind(t));
        match (kind, ours, theirs) {
            (Kind::Structure(members, _), Value::Object(a), Value::Object(b)) => {
                let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
                keys.sort();
                keys.dedup();
                for key in keys {
                    let child = format!("{path}.{key}");
                    let t = members.get(key).and_then(|m| m["target"].as_str());
                    match (a.get(key), b.get(key)) {
                        (Some(x), Some(y)) => self.compare(t, &child, x, y, out),
                        (Some(x), None) => {
                            out.push(format!("{child}: ours {x}, botocore <absent>"))
                        }
                        (None, Some(y)) => {
                            out.push(format!("{child}: ours <absent>, botocore {y}"))
                        }
                        (None, None) => {}
                    }
                }
            }
            (Kind::List(item, _), Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
                for (i, (x, y)) in a.iter().zip(b).enumerate() {
                    self.compare(Some(item), &format!("{path}[{i}]"), x, y, out);
                }
            }
            (Kind::Map(shape), Value::Object(a), Value::Object(b)) if a.len() == b.len() => {
                let t = shape["value"]["target"].as_str();
                for (key, x) in a {
                    match b.get(key) {
                        Some(y) => self.compare(t, &format!("{path}{{{key}}}"), x, y, out),
                        None => out.push(format!("{path}{{{key}}}: ours {x}, botocore <absent>")),
                    }
                }
            }
            (Kind::Timestamp, Value::String(a), Value::String(b)) => {
                if parse_instant(a).is_none() || parse_instant(a) != parse_instant(b) {
                    out.push(format!("{path}: ours {a}, botocore {b} (as instants)"));
                }
            }
            (Kind::Double, a, b) if same_double(a, b) => {}
            (Kind::Float, a, b) if same_float(a, b) => {}
            (_, a, b) if a == b => {}
            (_, a, b) => out.push(format!("{path}: ours {a}, botocore {b}")),
        }
    }
}

/// `body` with each [`WireName`]'s botocore element renamed to the Smithy one.
fn rename_elements(body: &str, names: &[WireName]) -> String {
    let mut body = body.to_owned();
    for w in names {
        for (from, to) in [
            (format!("<{}>", w.botocore), format!("<{}>", w.smithy)),
            (format!("</{}>", w.botocore), format!("</{}>", w.smithy)),
            (format!("<{}/>", w.botocore), format!("<{}/>", w.smithy)),
        ] {
            if body.contains(&from) {
                body = body.replace(&from, &to);
            }
        }
    }
    body
}

fn upper_first(s: &str) -> String {
    let mut chars = s.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

fn short(id: &str) -> &str {
    id.rsplit_once('#').map_or(id, |(_, name)| name)
}

/// How a form value compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scalar {
    Timestamp,
    Double,
}

/// A double written as a JSON number or as `NaN`, `Infinity`, `-Infinity`.
fn double(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => text_double(s),
        _ => None,
    }
}

/// Python `float()` spellings of a double (quirk P6), plus Rust's.
fn text_double(s: &str) -> Option<f64> {
    match s.trim().to_ascii_lowercase().as_str() {
        "nan" => Some(f64::NAN),
        "infinity" | "inf" | "+infinity" | "+inf" => Some(f64::INFINITY),
        "-infinity" | "-inf" => Some(f64::NEG_INFINITY),
        t => t.parse().ok(),
    }
}

fn same_double(a: &Value, b: &Value) -> bool {
    match (double(a), double(b)) {
        (Some(x), Some(y)) => (x.is_nan() && y.is_nan()) || x == y,
        _ => false,
    }
}

/// A float member: botocore keeps Python's double, the crate an `f32`.
fn same_float(a: &Value, b: &Value) -> bool {
    match (double(a), double(b)) {
        (Some(x), Some(y)) => (x.is_nan() && y.is_nan()) || x as f32 == y as f32,
        _ => false,
    }
}

/// Seconds and nanoseconds of an RFC 3339 timestamp (`Z` or an offset).
fn parse_instant(s: &str) -> Option<(i64, u32)> {
    let b = s.as_bytes();
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let t = s.get(r)?;
        t.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| t.parse().ok())?
    };
    if b.len() < 20
        || b[4] != b'-'
        || b[7] != b'-'
        || b[10] != b'T'
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, mi, sec) = (num(11..13)?, num(14..16)?, num(17..19)?);
    let mut rest = &s[19..];
    let mut nanos = 0u32;
    if let Some(frac) = rest.strip_prefix('.') {
        let n = frac.bytes().take_while(u8::is_ascii_digit).count();
        let digits: String = frac[..n]
            .chars()
            .chain("000000000".chars())
            .take(9)
            .collect();
        nanos = digits.parse().ok()?;
        rest = &frac[n..];
    }
    let offset = match rest {
        "Z" | "z" => 0,
        _ => {
            let sign = match rest.as_bytes().first()? {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let (oh, om) = rest[1..].split_once(':')?;
            sign * (oh.parse::<i64>().ok()? * 3600 + om.parse::<i64>().ok()? * 60)
        }
    };
    // Days from civil (proleptic Gregorian).
    let yy = if mo <= 2 { y - 1 } else { y };
    let era = yy.div_euclid(400);
    let yoe = yy - era * 400;
    let doy = (153 * ((mo + 9) % 12) + 2) / 5 + d - 1;
    let days = era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468;
    Some((days * 86_400 + h * 3600 + mi * 60 + sec - offset, nanos))
}

// ---------------------------------------------------------------------------
// Form bodies
// ---------------------------------------------------------------------------

/// Splits an `application/x-www-form-urlencoded` body into decoded pairs.
fn decode_form(body: &str) -> Result<Vec<(String, String)>, String> {
    if body.is_empty() {
        return Ok(Vec::new());
    }
    body.split('&')
        .map(|pair| {
            let (key, value) = pair
                .split_once('=')
                .ok_or_else(|| format!("pair {pair:?} has no '='"))?;
            Ok((percent_decode(key)?, percent_decode(value)?))
        })
        .collect()
}

/// Form decoding: `+` is a space, `%XX` a byte, and the bytes must be UTF-8.
fn percent_decode(text: &str) -> Result<String, String> {
    let mut bytes = Vec::with_capacity(text.len());
    let mut rest = text.as_bytes();
    while let Some((&byte, tail)) = rest.split_first() {
        rest = tail;
        match byte {
            b'+' => bytes.push(b' '),
            b'%' => {
                let hex = rest
                    .get(..2)
                    .and_then(|hex| std::str::from_utf8(hex).ok())
                    .and_then(|hex| u8::from_str_radix(hex, 16).ok())
                    .ok_or_else(|| format!("bad percent escape in {text:?}"))?;
                bytes.push(hex);
                rest = &rest[2..];
            }
            _ => bytes.push(byte),
        }
    }
    String::from_utf8(bytes).map_err(|e| format!("{text:?} does not decode to UTF-8: {e}"))
}

/// The first pair that differs: keys exactly, values as text, except that a
/// timestamp compares as an instant and a double numerically.
fn first_pair_difference(
    ours: &[(String, String)],
    theirs: &[(String, String)],
    kinds: &BTreeMap<String, Scalar>,
) -> Option<String> {
    for (i, ((ka, va), (kb, vb))) in ours.iter().zip(theirs).enumerate() {
        let same = ka == kb
            && (va == vb
                || match kinds.get(ka) {
                    Some(Scalar::Timestamp) => {
                        parse_instant(va).is_some() && parse_instant(va) == parse_instant(vb)
                    }
                    Some(Scalar::Double) => match (text_double(va), text_double(vb)) {
                        (Some(x), Some(y)) => (x.is_nan() && y.is_nan()) || x == y,
                        _ => false,
                    },
                    None => false,
                });
        if !same {
            return Some(format!(
                "pair #{}: ours {:?}, botocore {:?}",
                i + 1,
                ours[i],
                theirs[i]
            ));
        }
    }
    (ours.len() != theirs.len()).then(|| {
        format!(
            "ours has {} pairs, botocore {}; first extra: {:?}",
            ours.len(),
            theirs.len(),
            ours.get(theirs.len()).or_else(|| theirs.get(ours.len()))
        )
    })
}

// ---------------------------------------------------------------------------
// Our values as JSON, non-finite doubles included
// ---------------------------------------------------------------------------

/// `serde_json::to_value`, except that NaN and ±infinity become the strings
/// `"NaN"`, `"Infinity"` and `"-Infinity"` (as the oracle writes them)
/// instead of `null`, so a wrong non-finite value cannot hide, and that unset
/// (`None`) members are left out, as botocore leaves them out.
pub struct JsonSerializer;

#[derive(Debug)]
pub struct JsonError(String);

impl std::fmt::Display for JsonError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for JsonError {}

impl service::rt::serde::ser::Error for JsonError {
    fn custom<T: std::fmt::Display>(msg: T) -> Self {
        JsonError(msg.to_string())
    }
}

fn float_json(v: f64) -> Value {
    if v.is_nan() {
        json!("NaN")
    } else if v.is_infinite() {
        json!(if v > 0.0 { "Infinity" } else { "-Infinity" })
    } else {
        json!(v)
    }
}

mod json_ser {
    use super::{float_json, JsonError, JsonSerializer};
    use serde_json::{Map, Value};
    use service::rt::serde::ser::{self, Impossible, Serialize};

    type Result<T> = std::result::Result<T, JsonError>;

    fn unsupported<T>(what: &str) -> Result<T> {
        Err(JsonError(format!(
            "{what} does not occur in generated types"
        )))
    }

    pub struct Seq(Vec<Value>);
    pub struct Object(Map<String, Value>, Option<String>);

    impl ser::Serializer for JsonSerializer {
        type Ok = Value;
        type Error = JsonError;
        type SerializeSeq = Seq;
        type SerializeTuple = Seq;
        type SerializeTupleStruct = Impossible<Value, JsonError>;
        type SerializeTupleVariant = Impossible<Value, JsonError>;
        type SerializeMap = Object;
        type SerializeStruct = Object;
        type SerializeStructVariant = Impossible<Value, JsonError>;

        fn serialize_bool(self, v: bool) -> Result<Value> {
            Ok(Value::Bool(v))
        }
        fn serialize_i8(self, v: i8) -> Result<Value> {
            Ok(v.into())
        }
        fn serialize_i16(self, v: i16) -> Result<Value> {
            Ok(v.into())
        }
        fn serialize_i32(self, v: i32) -> Result<Value> {
            Ok(v.into())
        }
        fn serialize_i64(self, v: i64) -> Result<Value> {
            Ok(v.into())
        }
        fn serialize_u8(self, v: u8) -> Result<Value> {
            Ok(v.into())
        }
        fn serialize_u16(self, v: u16) -> Result<Value> {
            Ok(v.into())
        }
        fn serialize_u32(self, v: u32) -> Result<Value> {
            Ok(v.into())
        }
        fn serialize_u64(self, v: u64) -> Result<Value> {
            Ok(v.into())
        }
        fn serialize_f32(self, v: f32) -> Result<Value> {
            Ok(float_json(f64::from(v)))
        }
        fn serialize_f64(self, v: f64) -> Result<Value> {
            Ok(float_json(v))
        }
        fn serialize_char(self, v: char) -> Result<Value> {
            Ok(Value::String(v.to_string()))
        }
        fn serialize_str(self, v: &str) -> Result<Value> {
            Ok(Value::String(v.to_owned()))
        }
        fn serialize_bytes(self, _: &[u8]) -> Result<Value> {
            unsupported("bytes")
        }
        fn serialize_none(self) -> Result<Value> {
            Ok(Value::Null)
        }
        fn serialize_some<T: ?Sized + Serialize>(self, v: &T) -> Result<Value> {
            v.serialize(self)
        }
        fn serialize_unit(self) -> Result<Value> {
            Ok(Value::Null)
        }
        fn serialize_unit_struct(self, _: &'static str) -> Result<Value> {
            Ok(Value::Null)
        }
        fn serialize_unit_variant(self, _: &'static str, _: u32, v: &'static str) -> Result<Value> {
            Ok(Value::String(v.to_owned()))
        }
        fn serialize_newtype_struct<T: ?Sized + Serialize>(
            self,
            _: &'static str,
            v: &T,
        ) -> Result<Value> {
            v.serialize(self)
        }
        fn serialize_newtype_variant<T: ?Sized + Serialize>(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: &T,
        ) -> Result<Value> {
            unsupported("newtype variants")
        }
        fn serialize_seq(self, len: Option<usize>) -> Result<Seq> {
            Ok(Seq(Vec::with_capacity(len.unwrap_or(0))))
        }
        fn serialize_tuple(self, len: usize) -> Result<Seq> {
            Ok(Seq(Vec::with_capacity(len)))
        }
        fn serialize_tuple_struct(
            self,
            _: &'static str,
            _: usize,
        ) -> Result<Self::SerializeTupleStruct> {
            unsupported("tuple structs")
        }
        fn serialize_tuple_variant(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: usize,
        ) -> Result<Self::SerializeTupleVariant> {
            unsupported("tuple variants")
        }
        fn serialize_map(self, _: Option<usize>) -> Result<Object> {
            Ok(Object(Map::new(), None))
        }
        fn serialize_struct(self, _: &'static str, _: usize) -> Result<Object> {
            Ok(Object(Map::new(), None))
        }
        fn serialize_struct_variant(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: usize,
        ) -> Result<Self::SerializeStructVariant> {
            unsupported("struct variants")
        }
    }

    impl ser::SerializeSeq for Seq {
        type Ok = Value;
        type Error = JsonError;
        fn serialize_element<T: ?Sized + Serialize>(&mut self, v: &T) -> Result<()> {
            self.0.push(v.serialize(JsonSerializer)?);
            Ok(())
        }
        fn end(self) -> Result<Value> {
            Ok(Value::Array(self.0))
        }
    }

    impl ser::SerializeTuple for Seq {
        type Ok = Value;
        type Error = JsonError;
        fn serialize_element<T: ?Sized + Serialize>(&mut self, v: &T) -> Result<()> {
            ser::SerializeSeq::serialize_element(self, v)
        }
        fn end(self) -> Result<Value> {
            ser::SerializeSeq::end(self)
        }
    }

    impl ser::SerializeMap for Object {
        type Ok = Value;
        type Error = JsonError;
        fn serialize_key<T: ?Sized + Serialize>(&mut self, key: &T) -> Result<()> {
            match key.serialize(JsonSerializer)? {
                Value::String(k) => {
                    self.1 = Some(k);
                    Ok(())
                }
                other => Err(JsonError(format!("map key {other} is not a string"))),
            }
        }
        fn serialize_value<T: ?Sized + Serialize>(&mut self, v: &T) -> Result<()> {
            let key = self
                .1
                .take()
                .ok_or_else(|| JsonError("map value without a key".into()))?;
            self.0.insert(key, v.serialize(JsonSerializer)?);
            Ok(())
        }
        fn end(self) -> Result<Value> {
            Ok(Value::Object(self.0))
        }
    }

    impl ser::SerializeStruct for Object {
        type Ok = Value;
        type Error = JsonError;
        fn serialize_field<T: ?Sized + Serialize>(
            &mut self,
            key: &'static str,
            v: &T,
        ) -> Result<()> {
            // An unset member serializes as `null`; botocore leaves it out. (Only `None`
            // gives `null` here: no generated field is a unit.)
            match v.serialize(JsonSerializer)? {
                Value::Null => {}
                value => {
                    self.0.insert(key.to_owned(), value);
                }
            }
            Ok(())
        }
        fn end(self) -> Result<Value> {
            Ok(Value::Object(self.0))
        }
    }
}

// ---------------------------------------------------------------------------
// The oracle's params as our values, non-finite doubles included
// ---------------------------------------------------------------------------

/// `serde_json::Value` as a deserializer, except that a float or double also
/// accepts the strings `"NaN"`, `"Infinity"` and `"-Infinity"`, which is how
/// the oracle writes non-finite doubles (JSON has no literal for them): the
/// counterpart of [`JsonSerializer`]. Nested arrays and objects are read
/// through it too; a union's value (read by `Value` itself) is not.
pub struct JsonDeserializer(pub Value);

mod json_de {
    use super::{text_double, JsonDeserializer};
    use serde_json::{Map, Value};
    use service::rt::serde::de::{self, IntoDeserializer, Visitor};
    use service::rt::serde::forward_to_deserialize_any;

    type Result<T> = std::result::Result<T, serde_json::Error>;

    impl JsonDeserializer {
        fn non_finite(&self) -> Option<f64> {
            match &self.0 {
                Value::String(s) => text_double(s).filter(|x| !x.is_finite()),
                _ => None,
            }
        }
    }

    impl<'de> de::Deserializer<'de> for JsonDeserializer {
        type Error = serde_json::Error;

        fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
            match self.0 {
                Value::Array(items) => visitor.visit_seq(Seq(items.into_iter())),
                Value::Object(map) => visitor.visit_map(Object(map.into_iter(), None)),
                other => de::Deserializer::deserialize_any(other, visitor),
            }
        }

        fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
            match self.non_finite() {
                Some(x) => visitor.visit_f64(x),
                None => self.deserialize_any(visitor),
            }
        }

        fn deserialize_f32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
            match self.non_finite() {
                // Rounding to f32 keeps NaN and the infinities.
                Some(x) => visitor.visit_f32(x as f32),
                None => self.deserialize_any(visitor),
            }
        }

        fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
            match self.0 {
                Value::Null => visitor.visit_none(),
                other => visitor.visit_some(JsonDeserializer(other)),
            }
        }

        fn deserialize_newtype_struct<V: Visitor<'de>>(
            self,
            _: &'static str,
            visitor: V,
        ) -> Result<V::Value> {
            visitor.visit_newtype_struct(self)
        }

        fn deserialize_enum<V: Visitor<'de>>(
            self,
            name: &'static str,
            variants: &'static [&'static str],
            visitor: V,
        ) -> Result<V::Value> {
            de::Deserializer::deserialize_enum(self.0, name, variants, visitor)
        }

        forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 char str string bytes byte_buf
            unit unit_struct seq tuple tuple_struct map struct identifier ignored_any
        }
    }

    struct Seq(std::vec::IntoIter<Value>);

    impl<'de> de::SeqAccess<'de> for Seq {
        type Error = serde_json::Error;

        fn next_element_seed<T: de::DeserializeSeed<'de>>(
            &mut self,
            seed: T,
        ) -> Result<Option<T::Value>> {
            self.0
                .next()
                .map(|v| seed.deserialize(JsonDeserializer(v)))
                .transpose()
        }
    }

    struct Object(
        <Map<String, Value> as IntoIterator>::IntoIter,
        Option<Value>,
    );

    impl<'de> de::MapAccess<'de> for Object {
        type Error = serde_json::Error;

        fn next_key_seed<K: de::DeserializeSeed<'de>>(
            &mut self,
            seed: K,
        ) -> Result<Option<K::Value>> {
            match self.0.next() {
                Some((key, value)) => {
                    self.1 = Some(value);
                    seed.deserialize(key.into_deserializer()).map(Some)
                }
                None => Ok(None),
            }
        }

        fn next_value_seed<V: de::DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value> {
            let value = self
                .1
                .take()
                .ok_or_else(|| <serde_json::Error as de::Error>::custom("a value without a key"))?;
            seed.deserialize(JsonDeserializer(value))
        }
    }
}

// ---------------------------------------------------------------------------
// The oracle process
// ---------------------------------------------------------------------------

/// `query_oracle.py batch`: JSON lines in, one JSON line out per request.
struct Oracle {
    python: PathBuf,
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: BufReader<ChildStdout>,
    next_id: u64,
}

impl Oracle {
    fn start(dir: &Path) -> Self {
        assert!(
            dir.join("query_oracle.py").is_file(),
            "the botocore oracle is missing: {} has no query_oracle.py. \
             The differential test needs it and cannot pass without it.",
            dir.display()
        );
        let python = oracle::python_in(dir);
        let script = dir.join("query_oracle.py");
        let mut child = Command::new(&python)
            .arg(&script)
            .arg("batch")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "cannot start the oracle ({} {} batch): {e}",
                    python.display(),
                    script.display()
                )
            });
        let stdin = child.stdin.take().expect("the oracle's stdin is piped");
        let stdout = child.stdout.take().expect("the oracle's stdout is piped");
        Self {
            python,
            child,
            stdin: Some(stdin),
            stdout: BufReader::new(stdout),
            next_id: 0,
        }
    }

    /// Sends every request (from a writer thread, so neither pipe can fill
    /// up and block), then returns each `result` in order. An `ok: false`
    /// answer means the oracle itself failed, which fails the test.
    fn call_all(&mut self, requests: &[Value]) -> Vec<Value> {
        let first_id = self.next_id;
        self.next_id += requests.len() as u64;
        let lines: Vec<String> = requests
            .iter()
            .zip(first_id..)
            .map(|(request, id)| {
                let mut request = request.clone();
                request["id"] = json!(id);
                serde_json::to_string(&request).expect("oracle requests serialize to JSON")
            })
            .collect();
        let stdin = self.stdin.as_mut().expect("the oracle's stdin is open");
        let stdout = &mut self.stdout;

        std::thread::scope(|scope| {
            let writer = scope.spawn(move || -> std::io::Result<()> {
                for line in &lines {
                    stdin.write_all(line.as_bytes())?;
                    stdin.write_all(b"\n")?;
                }
                stdin.flush()
            });
            let answers = requests
                .iter()
                .zip(first_id..)
                .map(|(request, id)| read_answer(stdout, request, id))
                .collect();
            writer
                .join()
                .expect("the oracle writer thread panicked")
                .expect("cannot write to the oracle");
            answers
        })
    }
}

fn read_answer(stdout: &mut BufReader<ChildStdout>, request: &Value, id: u64) -> Value {
    let mut line = String::new();
    let read = stdout
        .read_line(&mut line)
        .unwrap_or_else(|e| panic!("cannot read the oracle's answer to {request}: {e}"));
    assert!(
        read > 0,
        "the oracle exited before answering {request} (see its stderr above)"
    );
    let answer: Value = serde_json::from_str(&line)
        .unwrap_or_else(|e| panic!("the oracle's answer is not JSON ({e}): {line}"));
    assert_eq!(
        answer["id"],
        json!(id),
        "the oracle answered out of order: {line}"
    );
    if answer["ok"] != json!(true) {
        panic!(
            "the oracle failed on {request}: {}",
            answer["error"].as_str().unwrap_or(&line)
        );
    }
    answer
        .get("result")
        .cloned()
        .unwrap_or_else(|| panic!("oracle answer without a result: {line}"))
}

impl Drop for Oracle {
    fn drop(&mut self) {
        // Closing stdin ends the batch loop; then reap the process.
        drop(self.stdin.take());
        let _ = self.child.wait();
    }
}
