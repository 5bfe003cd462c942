#!/usr/bin/env bash
# The main job: extract every document in specs/sources/ into specs/<service>.yaml
# (applying specs/corrections/<service>.yaml), lint all specs, generate the crates under
# generated/ from them, then build and start the five mock servers on 127.0.0.1 (signature
# verification on with the key testid:testsecret) and serve until Ctrl-C.
#
#   scripts/main.sh [--no-mocks] [--verbose]
#     --no-mocks  stop after generating
#     --verbose   show every step's full output (else one summary line per step; the full
#                 output of each step is in target/main/<step>.log, and shown when it fails)
set -euo pipefail
cd "$(dirname "$0")/.."

no_mocks=0
verbose=0
for arg in "$@"; do
  case "$arg" in
    --no-mocks) no_mocks=1 ;;
    --verbose | -v) verbose=1 ;;
    -h | --help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "main.sh: unknown argument $arg (try --help)" >&2; exit 2 ;;
  esac
done

logs=target/main
mkdir -p "$logs"
steps=$((no_mocks ? 4 : 6))
n=0

# step NAME DESCRIPTION COMMAND…: runs COMMAND with its output in target/main/NAME.log, showing
# the elapsed seconds while it runs (on a terminal), then one line: ok and the time, or the log
# and exit on failure. With --verbose the output streams as it comes.
step() {
  local name="$1" what="$2"
  shift 2
  n=$((n + 1))
  local log="$logs/$name.log" start=$SECONDS
  local label
  label="$(printf '[%d/%d] %s' "$n" "$steps" "$what")"
  if ((verbose)); then
    echo "$label"
    "$@" 2>&1 | tee "$log"
    local rc=${PIPESTATUS[0]}
    ((rc == 0)) || { echo "$label: FAILED (exit $rc)" >&2; exit "$rc"; }
    return
  fi
  "$@" >"$log" 2>&1 &
  local pid=$!
  if [[ -t 1 ]]; then
    while kill -0 "$pid" 2>/dev/null; do
      printf '\r%s … %ds' "$label" $((SECONDS - start))
      sleep 1
    done
  fi
  local rc=0
  wait "$pid" || rc=$?
  [[ -t 1 ]] && printf '\r\033[K'
  if ((rc != 0)); then
    echo "$label: FAILED (exit $rc); output ($log):" >&2
    tail -n 40 "$log" >&2
    exit "$rc"
  fi
  printf '%s: %s (%ds)\n' "$label" "$(summary "$name" "$log")" $((SECONDS - start))
}

# The one-line result of a step, from its log.
summary() {
  local name="$1" log="$2"
  case "$name" in
    extract)
      local warnings
      warnings=$(grep -c ': warning: ' "$log" || true)
      printf '%s specs written, %s warnings' "$(grep -c '^wrote ' "$log" || true)" "$warnings"
      ;;
    lint)
      # Per spec: `specs/x.yaml: x: N operations, …`; errors make lint fail.
      local ops
      ops=$(grep -o '[0-9]* operations' "$log" | awk '{s += $1} END {print s + 0}')
      printf '%s specs, %s operations, %s warnings' \
        "$(grep -c 'operations' "$log" || true)" "$ops" "$(grep -c ': warning: ' "$log" || true)"
      ;;
    generate) tail -n 1 "$log" ;;
    *) echo ok ;;
  esac
}

step build "build apigen (release)" cargo build --release -q -p apigen
step extract "extract the documents in specs/sources/" ./target/release/apigen extract-all
step lint "lint specs/*.yaml" bash -c './target/release/apigen lint specs/*.yaml'
step generate "generate generated/ and openapi/" ./target/release/apigen generate
((verbose)) || echo "each step's full output: $logs/<step>.log (or run with --verbose)"
((no_mocks)) && exit 0

services=(mse retailcloud alikafka cse dms-kafka)
step mocks-build "build the five mock binaries (release)" \
  cargo build --release -q $(printf -- '-p %s-mock ' "${services[@]}")
mocks=target/mocks
mkdir -p "$mocks"
pids=()
trap 'kill "${pids[@]}" 2>/dev/null; wait 2>/dev/null' EXIT INT TERM
n=$((n + 1))
for svc in "${services[@]}"; do
  "./target/release/$svc-mock" --credentials testid:testsecret >"$mocks/$svc.out" 2>"$mocks/$svc.err" &
  pids+=($!)
done
printf '[%d/%d] mock servers (credentials testid:testsecret; logs in %s):\n' "$n" "$steps" "$mocks"
for svc in "${services[@]}"; do
  for _ in $(seq 100); do
    [[ -s "$mocks/$svc.out" ]] && break
    sleep 0.1
  done
  printf '  %-12s http://%s\n' "$svc" "$(head -n1 "$mocks/$svc.out")"
done
echo "mocks running; recorded requests at <url>/_apigen/requests; Ctrl-C stops them"
wait
