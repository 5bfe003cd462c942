#!/usr/bin/env bash
# Every test: formatting, lints, unit and integration tests, and freshness of the
# checked-in specs. CI runs exactly this (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."
# generated/ is formatted by prettyplease (apigen generate); rustfmt checks the hand-written crates.
cargo fmt -p apigen -p apigen-runtime -- --check
cargo clippy --workspace --all-targets -q -- -D warnings
cargo test --workspace -q
cargo run -q -p apigen -- extract-all --check
cargo run -q -p apigen -- generate --check
cargo run -q -p apigen -- lint specs/*.yaml
