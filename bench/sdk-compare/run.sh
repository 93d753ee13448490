#!/usr/bin/env bash
# Runs the comparison benchmarks (benches/compare.rs) RUNS times (default 3) and prints, for
# each run, every routine's criterion median and the ratios the performance targets are
# stated in, computed within that run twice: from criterion's medians, and as paired ratios
# (alternating batches; the figure to read against a target), with the load average before
# and after the run.
#
#   bash bench/sdk-compare/run.sh                  # from anywhere; builds first (release)
#   RUNS=1 bash bench/sdk-compare/run.sh
#
# Builds into target/sdk-compare of the repository unless CARGO_TARGET_DIR is set. Needs the
# network once, for the SDK's crates. Not part of CI.
set -euo pipefail
cd "$(dirname "$0")"
ROOT="$(cd ../.. && pwd)"
RUNS="${RUNS:-3}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target/sdk-compare}"
export CARGO_TERM_COLOR=never

cargo bench --bench compare --no-run 2>&1 | grep -E '^(error|warning)' || true
echo "$(rustc --version); aws-sdk-elasticache $(cargo tree --quiet --depth 1 -e normal,dev --prefix none 2>/dev/null | sed -n 's/^aws-sdk-elasticache v\([^ ]*\).*/\1/p' | head -n 1); $(nproc) cores"

for run in $(seq 1 "$RUNS"); do
    before="$(cut -d' ' -f1-3 /proc/loadavg)"
    rm -rf "$CARGO_TARGET_DIR/criterion"
    cargo bench --bench compare -- --noplot >"$CARGO_TARGET_DIR/compare-run-$run.log" 2>&1 || {
        cat "$CARGO_TARGET_DIR/compare-run-$run.log" >&2
        exit 1
    }
    after="$(cut -d' ' -f1-3 /proc/loadavg)"
    echo
    echo "run $run of $RUNS (load average before: $before; after: $after)"
    python3 - "$CARGO_TARGET_DIR/criterion" "$CARGO_TARGET_DIR/compare-run-$run.log" <<'PY'
import json, pathlib, re, sys
root = pathlib.Path(sys.argv[1])
paired = {}
for line in open(sys.argv[2]):
    m = re.match(r"paired (.+): ([0-9.]+) \[([0-9.]+) - ([0-9.]+)\]", line)
    if m:
        paired[m.group(1)] = tuple(float(x) for x in m.group(2, 3, 4))
median = {}
for f in root.glob("*/*/new/estimates.json"):
    bench = json.loads((f.parent / "benchmark.json").read_text())
    median[(bench["group_id"], bench["function_id"])] = json.loads(f.read_text())["median"]["point_estimate"]
def fmt(ns):
    return f"{ns / 1000:9.2f} µs" if ns >= 1000 else f"{ns:9.1f} ns"
for (group, function), ns in sorted(median.items()):
    print(f"  {group:26} {function:18} {fmt(ns)}")
def ratio(label, group, a, b, target):
    if (group, a) in median and (group, b) in median:
        r = median[(group, b)] / median[(group, a)]
        print(f"  {label:58} {r:6.2f}  (target {target})")
print("  ratios of the criterion medians (this run):")
ratio("serialize: aws-smithy-query writer / ours (x faster)", "serialize/copy_snapshot", "ours", "aws-smithy-query", ">= 6")
ratio("serialize: SDK request serializer / ours build_request", "serialize/copy_snapshot", "ours-request", "sdk-request", "-")
if ("parse/copy_snapshot", "ours") in median:
    share = median[("parse/copy_snapshot", "quick-xml-events")] / median[("parse/copy_snapshot", "ours")]
    print(f"  {'parse: our throughput / bare quick-xml event loop':58} {share * 100:5.1f}%  (target >= 50%)")
ratio("parse: SDK deserializer / ours (x faster)", "parse/copy_snapshot", "ours", "sdk", ">= 3")
ratio("call: SDK send() / our client call (x faster)", "call/copy_snapshot", "ours", "sdk", ">= 5")
print("  paired ratios (median [quartiles] of 600 alternating ~0.5 ms batch pairs, this run):")
labels = {
    "serialize aws-smithy-query/ours": ("serialize: aws-smithy-query writer / ours (x faster)", ">= 6", 1),
    "serialize sdk-request/ours-request": ("serialize: SDK request serializer / ours build_request", "-", 1),
    "parse quick-xml-events/ours": ("parse: our throughput / bare quick-xml event loop", ">= 50%", 100),
    "parse sdk/ours": ("parse: SDK deserializer / ours (x faster)", ">= 3", 1),
    "call sdk/ours": ("call: SDK send() / our client call (x faster)", ">= 5", 1),
}
for key, (label, target, scale) in labels.items():
    if key in paired:
        m, q1, q3 = (v * scale for v in paired[key])
        unit = "%" if scale == 100 else ""
        print(f"  {label:58} {m:6.2f}{unit} [{q1:.2f} - {q3:.2f}]  (target {target})")
PY
done
