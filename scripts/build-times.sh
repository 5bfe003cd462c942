#!/usr/bin/env bash
# Cold debug-build time of each generated client crate on this machine, and its cost per
# operation. Dependencies (runtime, reqwest, the models crate) are built first; then, for each
# client, only that crate is cleaned and rebuilt (`cargo clean -p`), so the figure is the
# crate's own compile time. Models crates are measured the same way.
#
# Usage: scripts/build-times.sh [--release]
set -euo pipefail
cd "$(dirname "$0")/.."
profile=()
[[ "${1:-}" == "--release" ]] && profile=(--release)

services=(mse retailcloud alikafka cse dms-kafka)
cargo build -q "${profile[@]}" $(printf -- '-p %s-client ' "${services[@]}")

now() { date +%s.%N; }
printf '%-22s %5s %9s %10s\n' crate ops seconds ms/op
total_ops=0
total_s=0
for svc in "${services[@]}"; do
  ops=$(grep -cE '^- id: ' "specs/$svc.yaml")
  for kind in models client; do
    crate="$svc-$kind"
    cargo clean -q "${profile[@]}" -p "$crate"
    t0=$(now)
    cargo build -q "${profile[@]}" -p "$crate"
    t1=$(now)
    s=$(echo "$t1 - $t0" | bc -l)
    if [[ $kind == models ]]; then
      # a rebuilt models crate makes the client stale; rebuild it so the client step below
      # measures the client alone
      cargo build -q "${profile[@]}" -p "$svc-client"
    fi
    printf '%-22s %5d %9.2f %10.1f\n' "$crate" "$ops" "$s" "$(echo "$s * 1000 / $ops" | bc -l)"
    if [[ $kind == client ]]; then
      total_ops=$((total_ops + ops))
      total_s=$(echo "$total_s + $s" | bc -l)
    fi
  done
done
printf '%-22s %5d %9.2f %10.1f\n' "all clients" "$total_ops" "$total_s" "$(echo "$total_s * 1000 / $total_ops" | bc -l)"
