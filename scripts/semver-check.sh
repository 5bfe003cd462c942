#!/usr/bin/env bash
# The release workflow against cargo-semver-checks (issue 15): the version `apigen generate
# --previous` gives a regeneration must be one cargo-semver-checks accepts for the crates'
# public API, and the bump must be needed.
#
# In a temporary directory, from the MSE document and its corrections:
#   v1  the document as it is                      → crates at 0.1.0
#   v2  CreateZnode gains an optional parameter    → apigen: non-breaking, 0.1.0 → 0.1.1
#   v3  CreateZnode's ClusterId becomes required   → apigen: breaking,     0.1.1 → 0.2.0
# For v2 and v3, cargo-semver-checks compares the regenerated mse-models and mse-client with
# the previous release's (versions as apigen wrote them) and must pass; for v3 it must also
# fail when told the release is only a minor one (0.x: a patch-level bump), naming the changed
# constructor, so the major bump was needed. CHANGELOG.md must carry the diff's rule ids.
#
# cargo-semver-checks is installed once (pinned, --locked) into a per-version tools directory
# outside the clone (see `tools=` below), then reused.
# Usage: scripts/semver-check.sh [DIR]   (default: a new temporary directory, removed after)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
target="${CARGO_TARGET_DIR:-$root/target}"
cargo="${CARGO:-cargo}"
semver_version="0.51.0"
# Outside the clone, so CI's fresh clone on this machine reuses what a session installed (the
# install is about 10 minutes on 2 cores, a check run well under one); APIGEN_TOOLS moves it.
tools="${APIGEN_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/apigen/tools}/cargo-semver-checks-$semver_version"
doc="alibaba-mse-api-20210223.txt"
if [[ $# -ge 1 ]]; then
  work="$1"; mkdir -p "$work"; keep=1
else
  work="$(mktemp -d "${TMPDIR:-/tmp}/apigen-semver.XXXXXX")"; keep=0
fi
work="$(cd "$work" && pwd)"
cleanup() { if [[ $keep == 0 ]]; then rm -rf "$work"; fi; }
trap cleanup EXIT
step() { printf 'semver-check: %s\n' "$*"; }
fail() { echo "semver-check: FAILED: $*" >&2; exit 1; }
start=$SECONDS

if ! "$tools/bin/cargo-semver-checks" semver-checks --version 2>/dev/null | grep -qF "$semver_version"; then
  step "installing cargo-semver-checks $semver_version into $tools (once; cached there)"
  t0=$SECONDS
  CARGO_TARGET_DIR="$work/tools-build" "$cargo" install --quiet --locked \
    "cargo-semver-checks@$semver_version" --root "$tools" 2>"$work/install.log" \
    || { tail -20 "$work/install.log" >&2; fail "install of cargo-semver-checks"; }
  step "installed in $((SECONDS - t0)) s"
fi
export PATH="$tools/bin:$PATH"

"$cargo" build -q --offline -p apigen
apigen="$target/debug/apigen"
cd "$work"
cp "$root/specs/sources/$doc" mse.txt
cp "$root/specs/corrections/mse.yaml" corrections.yaml
extract() { "$apigen" extract mse.txt --corrections corrections.yaml -o "$1" 2>/dev/null || fail "extract $1"; }
version_of() { sed -n 's/^version = "\(.*\)"$/\1/p' "crates/mse-models/Cargo.toml" | head -1; }
# Replace the first line equal to $1 (which must exist) by the lines $2.
revise() {
  python3 - "$1" "$2" <<'PY' || fail "revise: the document no longer has the line"
import sys
old, new = sys.argv[1], sys.argv[2]
lines = open("mse.txt", encoding="utf-8").read().split("\n")
i = lines.index(old)
lines[i:i + 1] = new.split("\n")
open("mse.txt", "w", encoding="utf-8").write("\n".join(lines))
PY
}
semver() {
  # Builds rustdoc JSON of both versions; the shared target keeps dependencies between runs.
  CARGO_TARGET_DIR="$target/semver-checks" cargo semver-checks --manifest-path crates/Cargo.toml \
    -p mse-models -p mse-client --baseline-root "$1" "${@:2}"
}

step "v1: extract and generate (runtime by path)"
extract mse-v1.yaml
gen() { "$apigen" generate "$@" --out crates --runtime-path "$root/codegen/runtime"; }
gen mse-v1.yaml --workspace
cp "$root/Cargo.lock" crates/Cargo.lock
[[ "$(version_of)" == 0.1.0 ]] || fail "v1 is $(version_of), expected 0.1.0"
rm -rf base && cp -r crates base

step "v2: CreateZnode gains an optional parameter"
revise $'Data\tString\t否\tdata\t节点数据。' $'Data\tString\t否\tdata\t节点数据。\nOwner\tString\t否\tadmin\t节点所有者。'
extract mse-v2.yaml
gen mse-v2.yaml --previous mse-v1.yaml 2>v2.log || { cat v2.log >&2; fail "generate v2"; }
cat v2.log
[[ "$(version_of)" == 0.1.1 ]] || fail "v2 is $(version_of), expected 0.1.1"
grep -q 'optional-request-parameter-added' crates/mse-client/CHANGELOG.md || fail "v2 changelog lacks the added parameter"
gen mse-v2.yaml --previous mse-v1.yaml --check || fail "regenerating v2 is not idempotent"
semver base >v2-semver.log 2>&1 || { cat v2-semver.log >&2; fail "cargo-semver-checks rejects 0.1.1 for v2"; }
step "v2: cargo-semver-checks accepts 0.1.0 -> 0.1.1 ($(grep -c 'Checking' v2-semver.log) crates)"
rm -rf base && cp -r crates base

step "v3: CreateZnode's ClusterId becomes required"
revise $'ClusterId\tString\t否\tmse-09k1q11****\t集群ID。' $'ClusterId\tString\t是\tmse-09k1q11****\t集群ID。'
extract mse-v3.yaml
gen mse-v3.yaml --previous mse-v2.yaml 2>v3.log || { cat v3.log >&2; fail "generate v3"; }
cat v3.log
[[ "$(version_of)" == 0.2.0 ]] || fail "v3 is $(version_of), expected 0.2.0"
grep -q 'request-parameter-became-required' crates/mse-models/CHANGELOG.md || fail "v3 changelog lacks the required parameter"
grep -q '^## 0.1.1' crates/mse-models/CHANGELOG.md || fail "v3 changelog lost the 0.1.1 section"
semver base >v3-semver.log 2>&1 || { cat v3-semver.log >&2; fail "cargo-semver-checks rejects 0.2.0 for v3"; }
step "v3: cargo-semver-checks accepts 0.1.1 -> 0.2.0"
if semver base --release-type minor >v3-minor.log 2>&1; then
  cat v3-minor.log >&2; fail "cargo-semver-checks found nothing breaking in v3: the major bump was not needed"
fi
grep -q 'method_parameter_count_changed' v3-minor.log || { cat v3-minor.log >&2; fail "v3 as a minor release fails, but not for the changed constructor"; }
step "v3: as a minor release cargo-semver-checks rejects it (method_parameter_count_changed)"
step "ok ($((SECONDS - start)) s)"
