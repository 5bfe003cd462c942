#!/usr/bin/env bash
# The main job: extract every document in specs/sources/ into specs/<service>.yaml
# (applying specs/corrections/<service>.yaml), then lint all specs.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q -p apigen
./target/release/apigen extract-all
./target/release/apigen lint specs/*.yaml
