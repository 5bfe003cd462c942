#!/usr/bin/env bash
# Installs what the mock page's browser test needs, when missing: Debian's Chromium and
# ChromeDriver (apt-get, no recommended packages) and playwright-core (npm, pinned in
# tests/browser/package-lock.json; it drives the system Chromium and downloads no browser).
# Idempotent: a second run installs nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
  if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
    echo "install-browser: chromium missing and cannot apt-get install it (not root / no apt)" >&2
    exit 1
  fi
  echo "install-browser: apt-get install chromium chromium-driver" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    chromium chromium-driver >/dev/null
fi
if [ ! -d tests/browser/node_modules/playwright-core ]; then
  echo "install-browser: npm ci (playwright-core)" >&2
  (cd tests/browser && npm ci --no-audit --no-fund --silent)
fi
