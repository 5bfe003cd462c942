#!/usr/bin/env bash
# Re-records tests/wire/<service>.json: what the vendors' official SDKs send for every operation
# they share with the specs (tests/interop/record_wire.py says how the requests are built and
# captured). The Rust side, generated/<svc>-client/tests/wire.rs, replays the fixtures without
# Python; run this only after an SDK bump or a spec change, and review the diff.
#
# Usage: scripts/record-wire.sh [service…] [--only Operation…] [--check]
#   --check: record into a temporary directory and exit 1 when a checked-in fixture is stale
#   (scripts/test.sh runs this; skips, loudly, without python3/venv/pip like sdk-interop.sh).
#
# Uses the pinned SDKs of scripts/sdk-interop.sh (venv under target/interop-venv). Clock, nonces,
# user agents and multipart boundaries are frozen, so an unchanged SDK and spec give identical files.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
target="${CARGO_TARGET_DIR:-$root/target}"
bash "$root/scripts/sdk-interop.sh" --setup-only >&2
if [[ ! -x "$target/interop-venv/bin/python" ]]; then
  echo "SKIPPED record-wire: no SDK virtualenv (see the sdk-interop message above)" >&2
  exit 0
fi
exec "$target/interop-venv/bin/python" "$root/tests/interop/record_wire.py" "$@"
