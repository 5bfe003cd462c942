#!/usr/bin/env bash
# Every test: formatting, lints, unit and integration tests, and freshness of the
# checked-in specs. CI runs exactly this (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."
# generated/ is formatted by prettyplease, then rustfmt (apigen generate), so one check covers all.
cargo fmt --all -- --check
cargo clippy --workspace --all-targets -q -- -D warnings
cargo test --workspace -q
# The vendors' official Python SDKs against the generated mock servers (venv under target/;
# skips, loudly, only without python3/venv/pip).
bash scripts/sdk-interop.sh
# The same SDK calls against `apigen mock` (the specs served without compiling a mock).
bash scripts/sdk-interop.sh --apigen-mock
# Install apigen, then extract, generate, build and mock one service in a directory outside the
# repository, and call the mock with the generated client (issue 15's acceptance routine).
bash scripts/out-of-tree.sh
# The mock page (/_apigen/) in headless Chromium, with a screenshot check (installs Debian's
# chromium and the pinned playwright-core when missing: scripts/install-browser.sh).
bash scripts/test-browser.sh
# `cargo package`, verified, for the runtime and every generated crate (all five specs, --out).
bash scripts/package.sh
# Versions from the spec diff against cargo-semver-checks: an added optional parameter and a
# parameter made required (installs the pinned cargo-semver-checks once, outside the clone).
bash scripts/semver-check.sh
# The SDK requests the wire-level differential test replays (tests/wire/) are what the pinned
# SDKs send for the current specs.
bash scripts/record-wire.sh --check
# The mock servers against their OpenAPI documents with schemathesis (PyPI, in a venv).
if python3 -c 'import venv, ensurepip' 2>/dev/null; then
  bash scripts/schemathesis.sh
else
  echo "SKIPPED: scripts/schemathesis.sh (needs python3 with venv and ensurepip)" >&2
fi
# The documents' diagnostics are long; show them only when the check fails.
mkdir -p target
if ! cargo run -q -p apigen -- extract-all --check -v 2>target/extract-diagnostics.log; then
  grep -v ': note: ' target/extract-diagnostics.log >&2
  exit 1
fi
cargo run -q -p apigen -- generate --check
cargo run -q -p apigen -- lint specs/*.yaml
