//! Differential test of the generated `elasticache` crate against botocore,
//! through the harness in `support/differential.rs` (shared with
//! `xtask/tests/published_models.rs`, which runs every operation of every
//! published model the same way).
//!
//! For every operation of the committed crate and every seed: a random input
//! that both sides serialize, a random success response that both parse, and
//! a random modelled and unmodelled error response. Version drift between
//! botocore's model and the Smithy model comes from `smithy_diff.py` and must
//! be part of the harness's `ELASTICACHE_DRIFT` table (the published-models
//! test checks that the table is exactly what it finds for the full model).
//!
//! Quirk P8: botocore reads `PendingModifiedValues.LogDeliveryConfigurations`
//! from `<PendingLogDeliveryConfiguration>`, the Smithy model from
//! `<LogDeliveryConfigurations>`. The crate follows the Smithy model; here
//! the oracle's body is rewritten to the Smithy name before we parse it, so
//! the value must still equal the one botocore read under its own name.
//!
//! `DIFF_SEEDS` sets the number of seeds for CopySnapshot and
//! CopyServerlessCacheSnapshot (default 500); `DIFF_SEEDS_EXTRA` sets it for
//! every other operation (default 100, to keep CI time reasonable).
//! `ORACLE_PY` selects the Python interpreter; otherwise the oracle's
//! `setup.sh` provides a venv. A missing or broken oracle fails the test.

// The crate under test, by the name the harness uses.
extern crate elasticache as service;

#[path = "support/differential.rs"]
mod differential;

use differential::{seeds_from_env, Config, DriftCheck, Harness, WireName, ELASTICACHE_DRIFT};
use elasticache::operation::*;
use std::path::Path;

/// See the module docs (quirk P8).
const WIRE_NAMES: &[WireName] = &[WireName {
    structure: "PendingModifiedValues",
    member: "LogDeliveryConfigurations",
    botocore: "PendingLogDeliveryConfiguration",
    smithy: "LogDeliveryConfigurations",
}];

#[test]
fn differential_against_botocore() {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let seeds = seeds_from_env("DIFF_SEEDS", 500);
    let mut harness = Harness::start(Config {
        service: "elasticache",
        smithy_model: manifest.join("../model/elasticache.json"),
        oracle_dir: manifest.join("../../shared/oracle"),
        seeds: seeds_from_env("DIFF_SEEDS_EXTRA", 100),
        wire_names: WIRE_NAMES,
        // The committed model has 12 of the published model's operations,
        // so it finds part of the published model's drift.
        drift: DriftCheck::WithinTable(ELASTICACHE_DRIFT),
    });
    harness.check_seeds::<copy_snapshot::CopySnapshot>(seeds);
    harness.check_seeds::<copy_serverless_cache_snapshot::CopyServerlessCacheSnapshot>(seeds);
    harness.check::<create_snapshot::CreateSnapshot>();
    harness.check::<describe_snapshots::DescribeSnapshots>();
    harness.check::<delete_snapshot::DeleteSnapshot>();
    harness.check::<create_serverless_cache_snapshot::CreateServerlessCacheSnapshot>();
    harness.check::<describe_serverless_cache_snapshots::DescribeServerlessCacheSnapshots>();
    harness.check::<delete_serverless_cache_snapshot::DeleteServerlessCacheSnapshot>();
    harness.check::<export_serverless_cache_snapshot::ExportServerlessCacheSnapshot>();
    harness.check::<create_cache_cluster::CreateCacheCluster>();
    harness.check::<describe_cache_clusters::DescribeCacheClusters>();
    harness.check::<delete_cache_cluster::DeleteCacheCluster>();
    harness.finish();
}
