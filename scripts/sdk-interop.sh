#!/usr/bin/env bash
# Interop with real clients nobody here wrote: the vendors' official Python SDKs against the
# generated mock servers, signature verification on (tests/interop/sdk_interop.py says what is
# called and checked).
#
# Usage: scripts/sdk-interop.sh [--setup-only] [--apigen-mock] [-- args for both scripts, e.g. --only cse]
#
# --apigen-mock: the same calls against `apigen mock specs/<svc>.yaml` (served from the spec, no
# compiled mock) instead of the <svc>-mock binaries.
#
# Three runs: tests/interop/sdk_interop.py (hand-picked calls, decoded values compared with the
# documented examples), tests/interop/sdk_sweep.py (every operation of the five documents,
# built automatically from the SDKs' request models and the specs' examples) and
# tests/interop/sdk_stateful.py (the `--stateful` mocks: resources created, paged, described,
# refused as duplicates and deleted through the SDKs, errors decoded as the SDKs' exceptions).
#
# Creates (once) a virtualenv under target/interop-venv with the pinned SDKs, builds the five
# mock binaries (cargo build -p <svc>-mock) and runs the test. Skips, loudly and with exit 0,
# only when python3 or its venv/pip are not available; anything else that goes wrong fails.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
target="${CARGO_TARGET_DIR:-$root/target}"
venv="$target/interop-venv"
python="${PYTHON:-python3}"
cargo="${CARGO:-cargo}"
# Pinned so the run is reproducible; bump deliberately. The five service SDKs, and the runtime
# libraries that decide what goes on the wire (signers, request building, transport).
packages=(
  "alibabacloud-mse20190531==6.24.0"
  "alibabacloud-retailcloud20180313==2.0.24"
  "alibabacloud-alikafka20190916==2.16.0"
  "alibabacloud-cms20190101==4.0.10"
  "huaweicloudsdkcse==3.1.219"
  "huaweicloudsdkkafka==3.1.219"
  "alibabacloud-tea-openapi==0.4.6"
  "alibabacloud-tea==0.4.3"
  "alibabacloud-tea-util==0.3.15"
  "alibabacloud-openapi-util==0.2.4"
  "darabonba-core==1.0.9"
  "huaweicloudsdkcore==3.1.219"
  "requests==2.34.2"
  "urllib3==2.8.0"
  "pyyaml==6.0.4"
)
services=(mse retailcloud alikafka cse dms-kafka)
stamp="$venv/.apigen-installed"
want="${packages[*]}"

skip() {
  echo "SKIPPED sdk-interop: $*" >&2
  echo "SKIPPED sdk-interop: $*"
  exit 0
}

if ! "$python" --version >/dev/null 2>&1; then
  skip "$python not found"
fi
if [[ ! -x "$venv/bin/python" ]]; then
  echo "sdk-interop: creating virtualenv $venv" >&2
  mkdir -p "$target"
  if ! "$python" -m venv "$venv" >&2; then
    rm -rf "$venv"
    skip "$python -m venv failed (venv/ensurepip missing)"
  fi
fi
if ! "$venv/bin/python" -m pip --version >/dev/null 2>&1; then
  skip "pip is not available in $venv"
fi
if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$want" ]]; then
  echo "sdk-interop: installing ${packages[*]}" >&2
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "${packages[@]}" >&2
  printf '%s' "$want" >"$stamp"
fi
if [[ "${1:-}" == "--setup-only" ]]; then
  exit 0
fi
if [[ "${1:-}" == "--apigen-mock" ]]; then
  shift
  echo "sdk-interop: building apigen (the SDKs call apigen mock)" >&2
  (cd "$root" && "$cargo" build -q -p apigen)
  export APIGEN_MOCK="$target/debug/apigen"
fi
[[ "${1:-}" == "--" ]] && shift

# The endpoint fixture tests/endpoints.rs checks the clients against must be what these pinned
# SDKs resolve (tests/interop/sdk_endpoints.py rewrites it after a bump).
"$venv/bin/python" "$root/tests/interop/sdk_endpoints.py" --check

if [[ -z "${APIGEN_MOCK:-}" ]]; then
  build=()
  for s in "${services[@]}"; do build+=(-p "$s-mock"); done
  echo "sdk-interop: building ${services[*]/%/-mock}" >&2
  (cd "$root" && "$cargo" build -q "${build[@]}")
fi

status=0
"$venv/bin/python" "$root/tests/interop/sdk_interop.py" --bin-dir "$target/debug" "$@" || status=1
"$venv/bin/python" "$root/tests/interop/sdk_sweep.py" --bin-dir "$target/debug" "$@" || status=1
"$venv/bin/python" "$root/tests/interop/sdk_stateful.py" --bin-dir "$target/debug" "$@" || status=1
exit "$status"
