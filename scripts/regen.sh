#!/usr/bin/env bash
# Regenerate every derived file from the documents, corrections and generator: specs/*.yaml,
# generated/ and openapi/*.json, and the SDK requests of the wire-level differential test
# (tests/wire/*.json, recorded from the specs' values with the pinned SDKs; skipped, loudly,
# without python3/venv/pip). Run after changing the extractor, a correction or an emitter
# (and after merging branches that did): the checked-in outputs must equal what this gives.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p target
cargo build -q -p apigen
apigen=./target/debug/apigen
"$apigen" extract-all 2>target/extract-diagnostics.log || { grep -v ': note: ' target/extract-diagnostics.log >&2; exit 1; }
"$apigen" generate
for spec in specs/*.yaml; do
  svc="$(basename "$spec" .yaml)"
  "$apigen" openapi "$spec" -o "openapi/$svc.json"
done
bash scripts/record-wire.sh >/dev/null
