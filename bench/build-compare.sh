#!/usr/bin/env bash
# What it costs to build a program that calls ElastiCache CopySnapshot, four ways:
#   ours-sansio  the crate generated from the full ElastiCache model, default features off,
#                `sigv4` on: build the request, sign it, parse a canned response;
#   ours-client  the same crate with its default features (the async client): one call to a
#                local endpoint (the program is built, not run);
#   sdk-minimal  aws-sdk-elasticache without default features, with `rt-tokio` and
#                `behavior-version-latest`: a client from a static configuration, one call
#                (no HTTP client is compiled in, as in ours-sansio there is none);
#   sdk-default  aws-sdk-elasticache and aws-config with their default features: the
#                configuration from the default chain, one call.
# Each is built clean in debug and in release, in a target directory of its own, and the
# variants are interleaved round by round (ROUNDS, default 2; the order rotates) so that a
# change in machine load hits all of them. Measured per build: wall time, CPU time (user +
# sys of `cargo build` and everything it ran), crates compiled (`Compiling` lines), the peak
# RSS of the largest rustc (a RUSTC_WRAPPER runs each rustc under /usr/bin/time), and for
# release the size of the stripped binary. Dependencies are downloaded before the first
# build (`cargo fetch`), so no build waits on the network.
#
# Prints every measurement, the medians, and the ratios ours-sansio / sdk-minimal and
# ours-client / sdk-default, with the load averages before and after.
#
#   bash bench/build-compare.sh                      # from the repository root; needs ../shared
#   ROUNDS=1 WORK=/tmp/bc bash bench/build-compare.sh
#   VARIANTS="ours-sansio sdk-minimal" PROFILES=debug bash bench/build-compare.sh
#
# Our crates are built from the committed HEAD (a `git archive` copy under WORK), so edits
# made while it runs do not leak into the measurement. This is a benchmark, not a test, and
# not part of CI: one round takes about an hour on 2 busy cores.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
ROUNDS="${ROUNDS:-2}"
WORK="${WORK:-$ROOT/target/bench-build-compare}"
MODEL="$ROOT/../shared/models/elasticache.json"
# The AWS SDK versions compared against (crates.io, November 2026).
SDK_ELASTICACHE_VERSION="1.129.0"
AWS_CONFIG_VERSION="1.13.0"
TOKIO_VERSION="1.48"

# VARIANTS / PROFILES pick a subset (space-separated), e.g. VARIANTS=ours-sansio PROFILES=debug.
read -r -a variants <<<"${VARIANTS:-ours-sansio ours-client sdk-minimal sdk-default}"
read -r -a profiles <<<"${PROFILES:-debug release}"
mkdir -p "$WORK"
export CARGO_TERM_COLOR=never
# Cargo keeps incremental caches only for workspace members and path dependencies. Our crate
# is a path dependency here, where a user's copy from a registry would be built without them,
# as the SDK's crates are: builds run without incremental caches, so that both sides build
# their service crate the same way (for the SDK variants this changes only the tiny program).
export CARGO_INCREMENTAL=0

load() { cut -d' ' -f1-3 /proc/loadavg; }
LOAD_BEFORE="$(load)"

# --- our crate, generated from HEAD --------------------------------------------------------
commit="$(git rev-parse --short HEAD)"
[ -z "$(git status --porcelain --untracked-files=no)" ] ||
    echo "note: the working tree has uncommitted changes; measuring HEAD ($commit) without them"
rm -rf "$WORK/repo" "$WORK/src"
mkdir -p "$WORK/repo" "$WORK/src"
git archive HEAD | tar -x -C "$WORK/repo"
# The copy's xtask knows the copy as its workspace, so the generated crate points at the copy's
# runtime.
(cd "$WORK/repo" && CARGO_TARGET_DIR="$WORK/xtask-target" cargo build --quiet --release -p xtask)
"$WORK/xtask-target/release/xtask" codegen --model "$MODEL" --out "$WORK/src/elasticache" >/dev/null

# --- the four programs ---------------------------------------------------------------------
app() { # name, dependencies (TOML lines), main.rs on stdin
    local dir="$WORK/$1/app"
    mkdir -p "$dir/src"
    cat >"$dir/src/main.rs"
    cat >"$dir/Cargo.toml" <<TOML
[package]
name = "copy-snapshot-$1"
version = "0.0.0"
edition = "2021"
publish = false

[workspace]

[dependencies]
$2

[profile.release]
strip = false
TOML
}

app ours-sansio 'elasticache = { path = "../../src/elasticache", default-features = false, features = ["sigv4"] }' <<'RUST'
use elasticache::operation::copy_snapshot::{self, CopySnapshot, CopySnapshotMessage};
use elasticache::rt::credentials::Credentials;
use elasticache::rt::sigv4::{self, SigningParams};
use elasticache::rt::{Endpoint, RequestOptions};
use elasticache::Operation;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let input = CopySnapshotMessage::new("source", "target");
    let options = RequestOptions::new().endpoint(Endpoint::parse("http://127.0.0.1:5000")?);
    let mut request = CopySnapshot::build_request_with(&input, &options)?;
    let credentials = Credentials::new("AKID", "SECRET", None);
    sigv4::sign(
        &mut request,
        &SigningParams {
            credentials: &credentials,
            region: "us-east-1",
            service: elasticache::SIGNING_NAME,
            time: std::time::SystemTime::now(),
        },
    )?;
    let body = b"<CopySnapshotResponse><CopySnapshotResult><Snapshot><SnapshotName>target</SnapshotName>\
        </Snapshot></CopySnapshotResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata>\
        </CopySnapshotResponse>";
    let output = copy_snapshot::parse_response(200, body)?;
    println!("{:?} {:?}", request.headers().get("authorization"), output.snapshot.and_then(|s| s.snapshot_name));
    Ok(())
}
RUST

app ours-client "elasticache = { path = \"../../src/elasticache\" }
tokio = { version = \"$TOKIO_VERSION\", features = [\"macros\", \"rt\"] }" <<'RUST'
use elasticache::client::{Client, ConfigBuilder};
use elasticache::operation::copy_snapshot::CopySnapshotMessage;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let endpoint = std::env::args().nth(1).unwrap_or_else(|| "http://127.0.0.1:5000".into());
    // Region and credentials from the environment and the shared files, as aws-config does.
    let config = ConfigBuilder::from_env()?.endpoint_url(endpoint).build()?;
    let client = Client::new(&config)?;
    let out = client.copy_snapshot(CopySnapshotMessage::new("source", "target")).await?;
    println!("{:?}", out.snapshot.and_then(|s| s.snapshot_name));
    Ok(())
}
RUST

app sdk-minimal "aws-sdk-elasticache = { version = \"=$SDK_ELASTICACHE_VERSION\", default-features = false, features = [\"rt-tokio\", \"behavior-version-latest\"] }
tokio = { version = \"$TOKIO_VERSION\", features = [\"macros\", \"rt\"] }" <<'RUST'
use aws_sdk_elasticache::config::{Credentials, Region};
use aws_sdk_elasticache::{Client, Config};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let endpoint = std::env::args().nth(1).unwrap_or_else(|| "http://127.0.0.1:5000".into());
    let config = Config::builder()
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new("AKID", "SECRET", None, None, "static"))
        .endpoint_url(endpoint)
        .build();
    let client = Client::from_conf(config);
    let out = client
        .copy_snapshot()
        .source_snapshot_name("source")
        .target_snapshot_name("target")
        .send()
        .await?;
    println!("{:?}", out.snapshot.and_then(|s| s.snapshot_name));
    Ok(())
}
RUST

app sdk-default "aws-config = \"=$AWS_CONFIG_VERSION\"
aws-sdk-elasticache = \"=$SDK_ELASTICACHE_VERSION\"
tokio = { version = \"$TOKIO_VERSION\", features = [\"macros\", \"rt\"] }" <<'RUST'
use aws_config::BehaviorVersion;
use aws_sdk_elasticache::Client;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let endpoint = std::env::args().nth(1).unwrap_or_else(|| "http://127.0.0.1:5000".into());
    let config = aws_config::defaults(BehaviorVersion::latest())
        .endpoint_url(endpoint)
        .load()
        .await;
    let client = Client::new(&config);
    let out = client
        .copy_snapshot()
        .source_snapshot_name("source")
        .target_snapshot_name("target")
        .send()
        .await?;
    println!("{:?}", out.snapshot.and_then(|s| s.snapshot_name));
    Ok(())
}
RUST

# Our programs resolve against this repository's lock file; the SDK's once, here, for every round.
cp "$ROOT/Cargo.lock" "$WORK/ours-sansio/app/Cargo.lock"
cp "$ROOT/Cargo.lock" "$WORK/ours-client/app/Cargo.lock"
for v in "${variants[@]}"; do
    (cd "$WORK/$v/app" && cargo fetch --quiet)
done

# Each rustc's peak RSS (KiB), one line per rustc, in $RSS_LOG.
cat >"$WORK/rustc-rss.sh" <<'SH'
#!/bin/sh
exec /usr/bin/time -f "%M" -a -o "$RSS_LOG" "$@"
SH
chmod +x "$WORK/rustc-rss.sh"

echo "our crate: $(($(ls "$WORK/src/elasticache/src/operation" | wc -l) - 1)) operations, generated at $commit"
for v in "${variants[@]}"; do
    printf '%-12s ' "$v"
    (cd "$WORK/$v/app" && cargo tree --offline --quiet -e normal --prefix none --no-dedupe 2>/dev/null |
        sed 's/ (\*)//; s/ (proc-macro)//' | sort -u | wc -l | tr '\n' ' ')
    echo "crates in its tree (normal dependencies)"
done
echo "SDK versions: aws-sdk-elasticache $SDK_ELASTICACHE_VERSION, aws-config $AWS_CONFIG_VERSION; $(rustc --version)"
for v in "${variants[@]}"; do
    [[ "$v" == sdk-* ]] || continue
    (cd "$WORK/$v/app" && cargo tree --offline --quiet --depth 1 --prefix none 2>/dev/null | sed "s/^/  $v: /")
done

# One clean build: prints "wall cpu crates peak_rss_kib stripped_bytes".
measure() {
    local v="$1" profile="$2" target="$WORK/$1/target-$2"
    rm -rf "$target"
    local flag=() t="$WORK/time.txt" log="$WORK/build.log"
    [ "$profile" = release ] && flag=(--release)
    export RSS_LOG="$WORK/rss.txt"
    : >"$RSS_LOG"
    (cd "$WORK/$v/app" && CARGO_TARGET_DIR="$target" RUSTC_WRAPPER="$WORK/rustc-rss.sh" \
        /usr/bin/time -f "%e %U %S" -o "$t" cargo build --offline "${flag[@]}" >"$log" 2>&1) || {
        cat "$log" >&2
        return 1
    }
    local crates rss size=0
    crates=$(grep -c '^ *Compiling ' "$log")
    rss=$(sort -n "$RSS_LOG" | tail -n 1)
    if [ "$profile" = release ]; then
        strip -o "$WORK/$v/stripped" "$target/release/copy-snapshot-$v"
        size=$(stat -c %s "$WORK/$v/stripped")
    fi
    rm -rf "$target" # a dozen target directories would not fit on every disk
    awk -v c="$crates" -v r="$rss" -v s="$size" '{ printf "%.1f %.1f %d %d %d\n", $1, $2 + $3, c, r, s }' "$t"
}

results="$WORK/results.txt"
: >"$results"
echo
echo "load average before: $LOAD_BEFORE"
for round in $(seq 1 "$ROUNDS"); do
    # Rotate the order, so no variant always builds first (or last).
    shift_by=$(((round - 1) % ${#variants[@]}))
    order=("${variants[@]:shift_by}" "${variants[@]:0:shift_by}")
    for v in "${order[@]}"; do
        for profile in "${profiles[@]}"; do
            measure "$v" "$profile" >"$WORK/measure.txt" # a failed build ends the script
            read -r wall cpu crates rss size <"$WORK/measure.txt"
            printf '%s %s %s %s %s %s %s %s\n' "$round" "$v" "$profile" "$wall" "$cpu" "$crates" "$rss" "$size" >>"$results"
            printf 'round %s %-12s %-7s wall %7.1fs  cpu %7.1fs  crates %4d  rustc peak %5d MiB  stripped %9s  load %s\n' \
                "$round" "$v" "$profile" "$wall" "$cpu" "$crates" $((rss / 1024)) \
                "$([ "$size" -gt 0 ] && echo "$size B" || echo -)" "$(cut -d' ' -f1 /proc/loadavg)"
        done
    done
done
echo "load average after: $(load)"

python3 - "$results" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
order = ["ours-sansio", "ours-client", "sdk-minimal", "sdk-default"]
variants = [v for v in order if any(r[1] == v for r in rows)]
profiles = [p for p in ("debug", "release") if any(r[2] == p for r in rows)]
metrics = [("wall s", 3), ("cpu s", 4), ("crates", 5), ("rustc MiB", 6), ("stripped KiB", 7)]
pairs = [(a, b, f"{a[5:]}/{b[4:]}"[:11], target)
         for a, b, target in (("ours-sansio", "sdk-minimal", 0.10), ("ours-client", "sdk-default", 0.20))
         if a in variants and b in variants]
def med(v, profile, i):
    vals = [float(r[i]) for r in rows if r[1] == v and r[2] == profile]
    m = statistics.median(vals)
    return m / 1024 if i in (6, 7) else m
rounds = len({r[0] for r in rows})
print(f"\nmedians over {rounds} round(s)")
for profile in profiles:
    print(f"\n{profile:14}" + "".join(f"{v:>13}" for v in variants)
          + "".join(f"{label:>12}" for _, _, label, _ in pairs))
    for name, i in metrics:
        if name == "stripped KiB" and profile == "debug":
            continue
        m = {v: med(v, profile, i) for v in variants}
        print(f"{name:14}" + "".join(f"{m[v]:13.1f}" for v in variants)
              + "".join(f"{m[a] / m[b]:12.3f}" for a, b, _, _ in pairs))
if pairs:
    print("\ntargets: ours-sansio / sdk-minimal <= 0.10, ours-client / sdk-default <= 0.20 (CPU time)")
for profile in profiles:
    for a, b, _, target in pairs:
        r = med(a, profile, 4) / med(b, profile, 4)
        print(f"  {profile:8} cpu  {a} / {b} {r:.3f} ({'met' if r <= target else 'not met'})")
PY
