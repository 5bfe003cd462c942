#!/usr/bin/env bash
# The main job: extract every document in specs/sources/ into specs/<service>.yaml
# (applying specs/corrections/<service>.yaml), lint all specs, generate the crates under
# generated/ from them, then build and start the five mock servers on 127.0.0.1 (signature
# verification on with the key testid:testsecret) and serve until Ctrl-C.
#
#   scripts/main.sh [--no-mocks]     # --no-mocks: stop after generating
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q -p apigen
./target/release/apigen extract-all
./target/release/apigen lint specs/*.yaml
./target/release/apigen generate
[[ "${1:-}" == "--no-mocks" ]] && exit 0

services=(mse retailcloud alikafka cse dms-kafka)
cargo build --release -q $(printf -- '-p %s-mock ' "${services[@]}")
logs=target/mocks
mkdir -p "$logs"
pids=()
trap 'kill "${pids[@]}" 2>/dev/null; wait 2>/dev/null' EXIT INT TERM
for svc in "${services[@]}"; do
  "./target/release/$svc-mock" --credentials testid:testsecret > "$logs/$svc.out" 2> "$logs/$svc.err" &
  pids+=($!)
done
for svc in "${services[@]}"; do
  for _ in $(seq 100); do
    [[ -s "$logs/$svc.out" ]] && break
    sleep 0.1
  done
  printf '%-12s http://%s  (credentials testid:testsecret)\n' "$svc" "$(head -n1 "$logs/$svc.out")"
done
echo "mocks running; recorded requests at <url>/_apigen/requests; Ctrl-C stops them"
wait
