#!/usr/bin/env bash
# One program that calls ElastiCache, STS and SNS, built against crates generated two ways:
#   shared:   the three crates depend on the one runtime crate (smithy-query-runtime);
#   vendored: each crate carries its own copy of the runtime (--runtime vendor).
# For each layout: clean debug build, clean release build (wall and CPU time), and the size of
# the stripped release binary. Layouts are interleaved round by round (ROUNDS, default 2) so a
# change in machine load hits both. Prints every measurement, the medians and the ratios
# vendored / shared.
#
#   bash bench/runtime-sharing.sh            # from the repository root; needs ../shared/models
#   ROUNDS=3 WORK=/tmp/rs bash bench/runtime-sharing.sh
#
# This is a benchmark, not a test: it takes about 10 minutes per round on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
ROUNDS="${ROUNDS:-2}"
WORK="${WORK:-$ROOT/target/bench-runtime-sharing}"
MODELS="$ROOT/../shared/models"
mkdir -p "$WORK"

cargo build --quiet --release -p xtask
XTASK="$ROOT/target/release/xtask"

layouts=(shared vendored)
for layout in "${layouts[@]}"; do
    extra=()
    [ "$layout" = vendored ] && extra=(--runtime vendor)
    "$XTASK" codegen --model "$MODELS/elasticache.json" --model "$MODELS/sts.json" \
        --model "$MODELS/sns.json" --out "$WORK/$layout/services" "${extra[@]}" >/dev/null
    mkdir -p "$WORK/$layout/app/src"
    cat >"$WORK/$layout/app/Cargo.toml" <<TOML
[package]
name = "three-services"
version = "0.0.0"
edition = "2021"
publish = false

[workspace]

[dependencies]
elasticache = { path = "../services/elasticache" }
sts = { path = "../services/sts" }
sns = { path = "../services/sns" }
tokio = { version = "1", features = ["macros", "rt"] }

[profile.release]
strip = false
TOML
    # The same source for both layouts: each client is made from its own crate's paths, which
    # name the same runtime types when the runtime is shared.
    cat >"$WORK/$layout/app/src/main.rs" <<'RUST'
macro_rules! client {
    ($krate:ident, $endpoint:expr) => {{
        let config = $krate::client::Config::builder()
            .region("us-east-1")
            .endpoint_url($endpoint)
            .credentials($krate::client::Credentials::new("AKID", "SECRET", None))
            .build()?;
        $krate::Client::new(&config)?
    }};
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let endpoint = std::env::args().nth(1).unwrap_or_else(|| "http://127.0.0.1:5000".into());
    let ec = client!(elasticache, endpoint.as_str());
    let sts = client!(sts, endpoint.as_str());
    let sns = client!(sns, endpoint.as_str());
    let who = sts
        .get_caller_identity(sts::operation::get_caller_identity::GetCallerIdentityRequest::new())
        .await?;
    let topic = sns
        .create_topic(sns::operation::create_topic::CreateTopicInput::new("bench"))
        .await?;
    let clusters = ec
        .describe_cache_clusters(
            elasticache::operation::describe_cache_clusters::DescribeCacheClustersMessage::new(),
        )
        .await?;
    println!("{:?} {:?} {:?}", who.account, topic.topic_arn, clusters.cache_clusters.map(|c| c.len()));
    Ok(())
}
RUST
    cp "$ROOT/Cargo.lock" "$WORK/$layout/app/Cargo.lock"
    (cd "$WORK/$layout/app" && cargo fetch --quiet)
done

# seconds (wall), seconds (user+sys) of a clean build
measure() {
    local layout="$1" profile="$2" target="$WORK/$1/target-$2"
    rm -rf "$target"
    local flag=()
    [ "$profile" = release ] && flag=(--release)
    local t="$WORK/time.txt"
    (cd "$WORK/$layout/app" && CARGO_TARGET_DIR="$target" /usr/bin/time -f "%e %U %S" -o "$t" \
        cargo build --quiet --offline "${flag[@]}")
    awk '{ printf "%.1f %.1f\n", $1, $2 + $3 }' "$t"
}

results="$WORK/results.txt"
: >"$results"
printf 'load average before: %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
for round in $(seq 1 "$ROUNDS"); do
    # Alternate which layout goes first.
    order=("${layouts[@]}")
    [ $((round % 2)) -eq 0 ] && order=(vendored shared)
    for layout in "${order[@]}"; do
        read -r dw dc < <(measure "$layout" debug)
        read -r rw rc < <(measure "$layout" release)
        bin="$WORK/$layout/target-release/release/three-services"
        strip -o "$WORK/$layout/stripped" "$bin"
        size=$(stat -c %s "$WORK/$layout/stripped")
        units=$(ls "$WORK/$layout/target-release/release/deps/"*.rlib | wc -l)
        printf '%s %s %s %s %s %s %s %s\n' "$round" "$layout" "$dw" "$dc" "$rw" "$rc" "$size" "$units" >>"$results"
        printf 'round %s %-8s debug %6.1fs wall %6.1fs cpu | release %6.1fs wall %6.1fs cpu | stripped %9d bytes | %s rlibs | load %s\n' \
            "$round" "$layout" "$dw" "$dc" "$rw" "$rc" "$size" "$units" "$(cut -d' ' -f1 /proc/loadavg)"
    done
done

python3 - "$results" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
cols = {"debug wall s": 2, "debug cpu s": 3, "release wall s": 4, "release cpu s": 5, "stripped bytes": 6}
med = {}
for layout in ("shared", "vendored"):
    for name, i in cols.items():
        med[layout, name] = statistics.median(float(r[i]) for r in rows if r[1] == layout)
print(f"\nmedians over {len(rows) // 2} round(s):")
print(f"{'':16}{'shared':>14}{'vendored':>14}{'vendored/shared':>17}")
for name in cols:
    s, v = med["shared", name], med["vendored", name]
    print(f"{name:16}{s:14.1f}{v:14.1f}{v / s:17.2f}")
PY
