#!/usr/bin/env bash
# The mock page (/_apigen/) in headless Chromium: installs the browser and playwright-core if
# needed (scripts/install-browser.sh), builds apigen, and runs tests/browser/mock_page.test.mjs
# (node's test runner). The screenshot is kept at target/mock-page.png.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-browser.sh
cargo build -q -p apigen
mkdir -p target
APIGEN_BIN="$PWD/target/debug/apigen" SCREENSHOT="$PWD/target/mock-page.png" \
  node --test tests/browser/mock_page.test.mjs
