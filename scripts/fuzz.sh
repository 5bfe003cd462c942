#!/usr/bin/env bash
# Run every fuzz target for a set time (default 120 s each) with cargo-fuzz (libFuzzer).
#
#   scripts/fuzz.sh [seconds] [target ...]
#
# Targets: doc_tables, spec_loader, rpc_decoder, signature_verifiers (fuzz/fuzz_targets/).
# Needs `cargo install cargo-fuzz`. cargo-fuzz passes nightly-only flags (-Zsanitizer=address);
# on a stable toolchain RUSTC_BOOTSTRAP=1 lets stable rustc accept them, which is what this
# script does unless FUZZ_TOOLCHAIN names a nightly (`FUZZ_TOOLCHAIN=nightly`).
# Each run starts from the committed seeds (fuzz/seeds/<target>/) plus the inputs earlier
# runs found (fuzz/corpus/<target>/, not committed). A crash leaves its input in
# fuzz/artifacts/<target>/; copy it to fuzz/regressions/<target>/ so tests/fuzz_smoke.rs
# keeps checking it, then fix the bug. The summary line per target gives executions and
# executions per second. Exit status: 1 when any target crashed.
set -uo pipefail
cd "$(dirname "$0")/.."
secs=${1:-120}
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(doc_tables spec_loader rpc_decoder signature_verifiers)
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "cargo-fuzz is not installed: cargo install cargo-fuzz" >&2
    exit 2
fi
if [ -n "${FUZZ_TOOLCHAIN:-}" ]; then
    cargo=(cargo "+$FUZZ_TOOLCHAIN")
else
    export RUSTC_BOOTSTRAP=1
    cargo=(cargo)
fi
# FUZZ_JOBS=n runs n parallel jobs per target (libFuzzer writes their logs to fuzz-<n>.log).
extra=()
if [ "${FUZZ_JOBS:-1}" -gt 1 ]; then
    extra=(-jobs="$FUZZ_JOBS" -workers="$FUZZ_JOBS")
fi
failed=0
mkdir -p target/fuzz-logs
for t in "${targets[@]}"; do
    mkdir -p "fuzz/corpus/$t"
    log="target/fuzz-logs/$t.log"
    "${cargo[@]}" fuzz run -O "$t" "fuzz/corpus/$t" "fuzz/seeds/$t" -- \
        -max_total_time="$secs" -print_final_stats=1 "${extra[@]}" \
        >"$log" 2>&1
    rc=$?
    runs=$(grep -E '^stat::number_of_executed_units' "$log" | awk '{s+=$2} END {print s+0}')
    cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -1)
    if [ $rc -ne 0 ] && ! grep -q 'INFO: Seed:' "$log"; then
        # libFuzzer never started: the target did not build.
        failed=1
        echo "$t: BUILD FAILED (exit $rc); see $log"
    elif [ $rc -ne 0 ]; then
        failed=1
        echo "$t: CRASH (exit $rc) after $runs executions; see $log and fuzz/artifacts/$t/"
    else
        echo "$t: ok, $runs executions in ${secs}s ($((runs / secs))/s), $cov, corpus $(ls "fuzz/corpus/$t" | wc -l) files"
    fi
done
exit $failed
