#!/usr/bin/env bash
# `cargo package` for the runtime and for every generated crate, verification builds included,
# offline (issue 15: releasable crates).
#
#   1. `cargo package -p apigen-runtime`: the runtime's .crate, unpacked and built on its own
#      (target/package/apigen-runtime-<v>/ is exactly what the registry would serve);
#   2. `apigen generate specs/*.yaml --out DIR --runtime-version =<v> --workspace`: the crates
#      as a user publishes them (version requirements, no paths), all five services;
#   3. `cargo package --workspace` there. Cargo packages the crates in dependency order and
#      verifies each by building the unpacked .crate against the .crates packaged before it
#      (models before client before server before mock). The runtime is not on the registry
#      this machine can see, so the verification resolves `apigen-runtime` by a `[patch]` given
#      with `--config` that points at the runtime's unpacked package from step 1: the generated
#      packages are built against the runtime package, not against the source tree.
#
# Usage: scripts/package.sh [DIR]   (default: a new temporary directory, removed after)
# Offline: the workspace Cargo.lock pins the registry dependencies; verification builds share
# target/consume-as-user (the dependencies tests/consume_as_user.rs and scripts/out-of-tree.sh build). Prints one line per step.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
target="${CARGO_TARGET_DIR:-$root/target}"
cargo="${CARGO:-cargo}"
if [[ $# -ge 1 ]]; then
  work="$1"; mkdir -p "$work"; keep=1
else
  work="$(mktemp -d "${TMPDIR:-/tmp}/apigen-package.XXXXXX")"; keep=0
fi
work="$(cd "$work" && pwd)"
cleanup() { if [[ $keep == 0 ]]; then rm -rf "$work"; fi; }
trap cleanup EXIT
step() { printf 'package: %s\n' "$*"; }
start=$SECONDS

cd "$root"
version="$("$cargo" pkgid -p apigen-runtime --offline | sed 's/.*[#@]//')"
step "1/3 cargo package -p apigen-runtime ($version), verified"
"$cargo" package -p apigen-runtime --offline --allow-dirty --quiet --target-dir "$target" 2>"$work/runtime.log" \
  || { cat "$work/runtime.log" >&2; exit 1; }
unpacked="$target/package/apigen-runtime-$version"
[[ -f "$target/package/apigen-runtime-$version.crate" && -f "$unpacked/Cargo.toml" ]] \
  || { echo "package: no $unpacked" >&2; exit 1; }
# The licence text ships with the runtime (codegen/runtime/LICENSE links the repository's).
cmp -s LICENSE "$unpacked/LICENSE" || { echo "package: $unpacked/LICENSE is not the repository's LICENSE" >&2; exit 1; }

step "2/3 apigen generate specs/*.yaml --out $work/crates --runtime-version =$version"
"$cargo" build -q --offline -p apigen
"$target/debug/apigen" generate specs/*.yaml --out "$work/crates" --runtime-version "=$version" --workspace \
  --repository "https://example.org/acme/cloud-crates" --homepage "https://example.org/acme"
cp Cargo.lock "$work/crates/Cargo.lock"

step "3/3 cargo package --workspace there, each crate verified against the runtime's package"
# Cargo verifies each crate against those packaged before it through a temporary local registry
# and keeps their unpacked sources in $CARGO_HOME/registry/src/-<hash>/ (the hash of that registry's
# path), reusing them when name and version match: a second run after a generator change would
# verify against the first run's sources. Those unpacked copies are only ever such leftovers.
for stale in "${CARGO_HOME:-$HOME/.cargo}"/registry/src/-*/; do
  [[ -d $stale ]] && rm -rf "$stale"
done
(cd "$work/crates" && CARGO_TARGET_DIR="$target/consume-as-user" "$cargo" package --workspace --offline \
  --config "patch.crates-io.apigen-runtime.path='$unpacked'" 2>"$work/crates.log") \
  || { grep -v '^ *\(Compiling\|Packaging\|Packaged\|Verifying\|Updating\|Locking\|Adding\|Finished\|Archiving\)' "$work/crates.log" >&2; exit 1; }
n="$(grep -c '^ *Packaged' "$work/crates.log" || true)"
warnings="$(grep -c '^warning' "$work/crates.log" || true)"
step "ok: apigen-runtime and $n generated crates packaged and verified ($warnings warnings, $((SECONDS - start)) s)"
