#!/usr/bin/env bash
# The main job: extract every document in specs/sources/ into specs/<service>.yaml
# (applying specs/corrections/<service>.yaml), lint all specs, then generate the crates under
# generated/ from them.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q -p apigen
./target/release/apigen extract-all
./target/release/apigen lint specs/*.yaml
./target/release/apigen generate
