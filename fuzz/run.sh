#!/usr/bin/env bash
# Runs every cargo-fuzz target (or those named as arguments) for FUZZ_SECONDS seconds each
# (default 60) and prints, per target, executions, libFuzzer's coverage (cov: edges, ft:
# features), the corpus size and the crashes found.
#
#   fuzz/run.sh                          # every target, 60 s each
#   FUZZ_SECONDS=300 fuzz/run.sh response_ok
#
# cargo-fuzz needs a nightly compiler; on a stable toolchain the script sets
# RUSTC_BOOTSTRAP=1, which lets stable rustc take the nightly flags (-Zsanitizer=address)
# cargo-fuzz passes. Install cargo-fuzz with `cargo install cargo-fuzz`.
#
# New inputs go to fuzz/work/<target>/ (not committed); the committed seeds in
# fuzz/corpus/<target>/ are read, never written. A crash is saved by libFuzzer in
# fuzz/artifacts/<target>/; replay it with `cargo fuzz run <target> <file>` or add it to
# fuzz/corpus/<target>/ so that `cargo test -p conformance --test fuzz_corpus` runs it.
# With CARGO_TARGET_DIR set, the instrumented build goes to $CARGO_TARGET_DIR/cargo-fuzz.
set -euo pipefail
cd "$(dirname "$0")"

seconds=${FUZZ_SECONDS:-60}
if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "run.sh: cargo-fuzz is not installed (cargo install cargo-fuzz)" >&2
    exit 2
fi
if ! rustc --version | grep -q nightly; then
    export RUSTC_BOOTSTRAP=1
fi
target_dir=()
if [[ -n "${CARGO_TARGET_DIR:-}" ]]; then
    target_dir=(--target-dir "$CARGO_TARGET_DIR/cargo-fuzz")
fi

if [[ $# -gt 0 ]]; then
    targets=("$@")
else
    mapfile -t targets < <(cargo fuzz list)
fi

cargo fuzz build "${target_dir[@]}"
mkdir -p work logs
summary=()
failed=0
for t in "${targets[@]}"; do
    mkdir -p "work/$t" "artifacts/$t"
    dict=()
    case $t in response_*) dict=(-dict=xml.dict) ;; esac
    log="logs/$t.log"
    echo "== $t: ${seconds}s"
    set +e
    cargo fuzz run "${target_dir[@]}" "$t" "work/$t" "corpus/$t" -- \
        -max_total_time="$seconds" -timeout=10 -print_final_stats=1 "${dict[@]}" \
        >"$log" 2>&1
    status=$?
    set -e
    execs=$(grep -o 'stat::number_of_executed_units: [0-9]*' "$log" | grep -o '[0-9]*$' || true)
    last=$(grep -E '^#[0-9]+' "$log" | tail -1 || true)
    cov=$(grep -o 'cov: [0-9]*' <<<"$last" | grep -o '[0-9]*$' || true)
    ft=$(grep -o 'ft: [0-9]*' <<<"$last" | grep -o '[0-9]*$' || true)
    corp=$(grep -o 'corp: [0-9]*/[0-9]*[a-zA-Z]*' <<<"$last" | cut -d' ' -f2 || true)
    crashes=$(find "artifacts/$t" -type f | wc -l)
    line="$t: exit $status, ${execs:-?} execs in ${seconds}s, cov: ${cov:-?} ft: ${ft:-?}, corpus ${corp:-?}, crashes ${crashes} (artifacts/$t)"
    echo "$line"
    if [[ $status -ne 0 || $crashes -gt 0 ]]; then
        failed=1
        grep -E -A12 'panicked at|ERROR: libFuzzer|SUMMARY' "$log" | head -40 || true
    fi
    summary+=("$line")
done
echo "== summary (logs in fuzz/logs/)"
printf '%s\n' "${summary[@]}"
exit $failed
