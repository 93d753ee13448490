#!/usr/bin/env bash
# EC2 end to end: how long the generator takes on the full EC2 model (830 operations), and
# what the generated crate costs to build next to aws-sdk-ec2.
#
#   1. generation: wall and CPU time of a release xtask on ../shared/models/ec2.json;
#   2. clean debug builds, interleaved round by round (ROUNDS, default 1: these are big
#      crates), each in a target directory of its own:
#        ours-full     the crate generated from the whole model, default features (client);
#        ours-ten      a crate of ten operations (--operations, the list below), same features;
#        sdk-minimal   aws-sdk-ec2 without default features, with `rt-tokio`;
#        sdk-default   aws-sdk-ec2 with its default features (SDK_DEFAULT=0 leaves it out:
#                      it adds a TLS stack with aws-lc to the biggest crate of the lot);
#      each the library alone (`cargo build` of the crate, `cargo build -p aws-sdk-ec2`);
#   3. medians and the ratios ours-full / sdk-minimal (and / sdk-default).
#
#   bash bench/ec2-build.sh                       # from the repository root; needs ../shared
#   ROUNDS=2 SDK_DEFAULT=0 WORK=/tmp/ec2 bash bench/ec2-build.sh
#
# Dependencies are fetched before the first build, so downloads are not build time. This is a
# benchmark, not a test, and not part of CI.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
ROUNDS="${ROUNDS:-1}"
SDK_DEFAULT="${SDK_DEFAULT:-1}"
WORK="${WORK:-$ROOT/target/bench-ec2-build}"
MODEL="$ROOT/../shared/models/ec2.json"
SDK_EC2_VERSION="1.274.0" # crates.io, November 2026
TEN="RunInstances,DescribeInstances,TerminateInstances,StartInstances,StopInstances,DescribeVpcs,DescribeSubnets,CreateTags,DescribeSecurityGroups,DescribeImages"
export CARGO_TERM_COLOR=never
mkdir -p "$WORK"
printf 'load average before: %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"

cargo build --quiet --release -p xtask
XTASK="${CARGO_TARGET_DIR:-$ROOT/target}/release/xtask"

# --- generation ----------------------------------------------------------------------------
rm -rf "$WORK/ours-full" "$WORK/ours-ten"
/usr/bin/time -f "%e %U %S %M" -o "$WORK/gen-time.txt" \
    "$XTASK" codegen --model "$MODEL" --out "$WORK/ours-full/crate" >/dev/null
read -r gw gu gs gm <"$WORK/gen-time.txt"
files=$(find "$WORK/ours-full/crate/src" -name '*.rs' | wc -l)
lines=$(find "$WORK/ours-full/crate/src" -name '*.rs' -print0 | xargs -0 cat | wc -l)
printf 'generation of the full model: %.1fs wall, %.1fs cpu, %d MiB peak; %d files, %d lines of Rust\n' \
    "$gw" "$(awk -v u="$gu" -v s="$gs" 'BEGIN { print u + s }')" $((gm / 1024)) "$files" "$lines"
"$XTASK" codegen --model "$MODEL" --operations "$TEN" --out "$WORK/ours-ten/crate" >/dev/null
printf 'ten operations: %d lines of Rust\n' \
    "$(find "$WORK/ours-ten/crate/src" -name '*.rs' -print0 | xargs -0 cat | wc -l)"

# --- the SDK -------------------------------------------------------------------------------
sdk() { # variant, dependency line
    mkdir -p "$WORK/$1/crate/src"
    echo 'fn main() {}' >"$WORK/$1/crate/src/main.rs"
    cat >"$WORK/$1/crate/Cargo.toml" <<TOML
[package]
name = "ec2-$1"
version = "0.0.0"
edition = "2021"
publish = false

[workspace]

[dependencies]
$2
TOML
}
variants=(ours-full ours-ten sdk-minimal)
sdk sdk-minimal "aws-sdk-ec2 = { version = \"=$SDK_EC2_VERSION\", default-features = false, features = [\"rt-tokio\"] }"
if [ "$SDK_DEFAULT" = 1 ]; then
    sdk sdk-default "aws-sdk-ec2 = \"=$SDK_EC2_VERSION\""
    variants+=(sdk-default)
fi
for v in ours-full ours-ten; do cp "$ROOT/Cargo.lock" "$WORK/$v/crate/Cargo.lock"; done
for v in "${variants[@]}"; do (cd "$WORK/$v/crate" && cargo fetch --quiet); done
echo "aws-sdk-ec2 $SDK_EC2_VERSION; $(rustc --version); variants: ${variants[*]}"

# One clean debug build of the library: prints "wall cpu crates".
measure() {
    local v="$1" target="$WORK/$1/target" t="$WORK/time.txt" log="$WORK/build.log"
    local what=()
    [[ "$v" == sdk-* ]] && what=(-p aws-sdk-ec2)
    rm -rf "$target"
    (cd "$WORK/$v/crate" && CARGO_TARGET_DIR="$target" /usr/bin/time -f "%e %U %S" -o "$t" \
        cargo build --offline "${what[@]}" >"$log" 2>&1) || {
        cat "$log" >&2
        return 1
    }
    rm -rf "$target"
    awk -v c="$(grep -c '^ *Compiling ' "$log")" '{ printf "%.1f %.1f %d\n", $1, $2 + $3, c }' "$t"
}

results="$WORK/results.txt"
: >"$results"
for round in $(seq 1 "$ROUNDS"); do
    shift_by=$(((round - 1) % ${#variants[@]}))
    order=("${variants[@]:shift_by}" "${variants[@]:0:shift_by}")
    for v in "${order[@]}"; do
        measure "$v" >"$WORK/measure.txt" # a failed build ends the script
        read -r wall cpu crates <"$WORK/measure.txt"
        echo "$round $v $wall $cpu $crates" >>"$results"
        printf 'round %s %-12s debug wall %7.1fs  cpu %7.1fs  crates %4d  load %s\n' \
            "$round" "$v" "$wall" "$cpu" "$crates" "$(cut -d' ' -f1 /proc/loadavg)"
    done
done
printf 'load average after: %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"

python3 - "$results" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
variants = list(dict.fromkeys(r[1] for r in rows))
med = {(v, i): statistics.median(float(r[i]) for r in rows if r[1] == v) for v in variants for i in (2, 3, 4)}
print(f"\nmedians over {len({r[0] for r in rows})} round(s), clean debug builds")
print(f"{'':12}{'wall s':>10}{'cpu s':>10}{'crates':>8}")
for v in variants:
    print(f"{v:12}{med[v, 2]:10.1f}{med[v, 3]:10.1f}{med[v, 4]:8.0f}")
for base in ("sdk-minimal", "sdk-default"):
    if base in variants:
        for ours in ("ours-full", "ours-ten"):
            print(f"{ours} / {base}: wall {med[ours, 2] / med[base, 2]:.2f}, cpu {med[ours, 3] / med[base, 3]:.2f}")
PY
