//! `runtime/src/rules/partitions.rs` from a partition table (botocore's `partitions.json`,
//! the data of the rules engine's `aws.partition`). `cargo xtask partitions` writes it, and a
//! test checks that the checked-in file is what the table gives, so the two cannot drift.

use crate::{Error, Result};
use serde_json::Value;
use std::fmt::Write as _;

/// The Rust source of the partition table in `json`; `source` names it in errors.
pub fn partitions_rs(source: &str, json: &str) -> Result<String> {
    let table: Value =
        serde_json::from_str(json).map_err(|e| Error::new(source, format!("not JSON: {e}")))?;
    let err = |path: &str, what: &str| Error::new(format!("{source}: {path}"), what.to_owned());
    let version = table["version"]
        .as_str()
        .ok_or_else(|| err("version", "must be a string"))?;
    let partitions = table["partitions"]
        .as_array()
        .filter(|p| !p.is_empty())
        .ok_or_else(|| err("partitions", "must be a list of at least one partition"))?;
    let mut out = String::new();
    out.push_str(HEADER);
    let _ = writeln!(
        out,
        "/// The table's `version`.\npub const VERSION: &str = {version:?};\n"
    );
    out.push_str(
        "/// The partitions, in the table's order (the first is the one of unknown regions).\n\
         pub static PARTITIONS: &[Partition] = &[\n",
    );
    for (i, p) in partitions.iter().enumerate() {
        let at = |field: &str| format!("partitions[{i}].{field}");
        let text = |v: &Value, field: &str| {
            v.as_str()
                .map(str::to_owned)
                .ok_or_else(|| err(&at(field), "must be a string"))
        };
        let flag = |v: &Value, field: &str| {
            v.as_bool()
                .ok_or_else(|| err(&at(field), "must be a boolean"))
        };
        let o = &p["outputs"];
        let _ = writeln!(out, "    Partition {{");
        let _ = writeln!(out, "        id: {:?},", text(&p["id"], "id")?);
        let _ = writeln!(
            out,
            "        region_regex: {:?},",
            text(&p["regionRegex"], "regionRegex")?
        );
        let _ = writeln!(out, "        regions: &[");
        let regions = p["regions"]
            .as_object()
            .ok_or_else(|| err(&at("regions"), "must be an object"))?;
        for (name, region) in regions {
            let keys: Vec<&String> = region
                .as_object()
                .ok_or_else(|| err(&at(&format!("regions.{name}")), "must be an object"))?
                .keys()
                .collect();
            if keys.iter().any(|k| *k != "description") {
                return Err(err(
                    &at(&format!("regions.{name}")),
                    "has keys other than `description`, which the runtime's table cannot hold",
                ));
            }
            let description = match region.get("description") {
                Some(d) => format!(
                    "Some({:?})",
                    text(d, &format!("regions.{name}.description"))?
                ),
                None => "None".to_owned(),
            };
            let _ = writeln!(out, "            ({name:?}, {description}),");
        }
        let _ = writeln!(out, "        ],");
        let known = [
            "dnsSuffix",
            "dualStackDnsSuffix",
            "implicitGlobalRegion",
            "name",
            "supportsDualStack",
            "supportsFIPS",
        ];
        let outputs = o
            .as_object()
            .ok_or_else(|| err(&at("outputs"), "must be an object"))?;
        if let Some(k) = outputs.keys().find(|k| !known.contains(&k.as_str())) {
            return Err(err(
                &at(&format!("outputs.{k}")),
                "is an output the runtime's table does not know",
            ));
        }
        let _ = writeln!(out, "        outputs: PartitionOutputs {{");
        let _ = writeln!(
            out,
            "            name: {:?},",
            text(&o["name"], "outputs.name")?
        );
        let _ = writeln!(
            out,
            "            dns_suffix: {:?},",
            text(&o["dnsSuffix"], "outputs.dnsSuffix")?
        );
        let _ = writeln!(
            out,
            "            dual_stack_dns_suffix: {:?},",
            text(&o["dualStackDnsSuffix"], "outputs.dualStackDnsSuffix")?
        );
        let _ = writeln!(
            out,
            "            implicit_global_region: {:?},",
            text(&o["implicitGlobalRegion"], "outputs.implicitGlobalRegion")?
        );
        let _ = writeln!(
            out,
            "            supports_fips: {},",
            flag(&o["supportsFIPS"], "outputs.supportsFIPS")?
        );
        let _ = writeln!(
            out,
            "            supports_dual_stack: {},",
            flag(&o["supportsDualStack"], "outputs.supportsDualStack")?
        );
        let _ = writeln!(out, "        }},");
        let _ = writeln!(out, "    }},");
    }
    out.push_str("];\n");
    Ok(out)
}

const HEADER: &str = "\
// @generated by `cargo xtask partitions` from ../shared/models/partitions.json (botocore's
// partition table). Do not edit: change the table and run the command again.

//! The AWS partitions, the data of the endpoint rules' `aws.partition`: for each partition
//! its region pattern, its regions and what rules read of it (DNS suffixes, FIPS and dual-stack
//! support).

/// One partition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Partition {
    /// `aws`, `aws-cn` …
    pub id: &'static str,
    /// The pattern (Python `re` syntax) of the partition's region names.
    pub region_regex: &'static str,
    /// The partition's regions, with their descriptions.
    pub regions: &'static [(&'static str, Option<&'static str>)],
    /// What `aws.partition` returns for it.
    pub outputs: PartitionOutputs,
}

/// The attributes of a partition that rules read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PartitionOutputs {
    /// `name`.
    pub name: &'static str,
    /// `dnsSuffix`.
    pub dns_suffix: &'static str,
    /// `dualStackDnsSuffix`.
    pub dual_stack_dns_suffix: &'static str,
    /// `implicitGlobalRegion`.
    pub implicit_global_region: &'static str,
    /// `supportsFIPS`.
    pub supports_fips: bool,
    /// `supportsDualStack`.
    pub supports_dual_stack: bool,
}

";
