#!/usr/bin/env bash
# The release workflow against cargo-semver-checks (issue 15): the version `apigen generate
# --previous` gives a regeneration must be one cargo-semver-checks accepts for the crates'
# public API, and the bump must be needed.
#
# In a temporary directory, from the MSE document and its corrections:
#   v1  the document as it is                              → crates at 0.1.0
#   v2  CreateZnode gains an optional parameter            → minor (0.x: patch), 0.1.0 → 0.1.1
#   v3  CreateZnode's ClusterId becomes required           → major (0.x: minor), 0.1.1 → 0.2.0
#   v4  CreateZnode's response Data gains a field, and
#       CreateCluster's NetType a value                    → minor,              0.2.0 → 0.2.1
#   v5  CreateZnode's ClusterId becomes optional again     → major (`new` loses an argument;
#                                                            harmless on the wire), 0.2.1 → 0.3.0
# and from the CSE document:
#   c1  the document as it is                              → crates at 0.1.0
#   c2  ExportKieConfigurations' body gains an optional
#       member (its body type was shared with
#       DeleteAllConfigurations': the share splits)        → minor,              0.1.0 → 0.1.1
# For each revision cargo-semver-checks compares the regenerated crates with the previous
# release's (versions as apigen wrote them) and must pass; for the major ones it must also fail
# when told the release is only a minor one (0.x: a patch-level bump), naming the changed
# constructor, so the major bump was needed. CHANGELOG.md must carry the diff's rule ids. v2 and
# v3 check models and client; the later revisions touch only the models crate's API, so only it
# is checked (each crate checked costs two rustdoc builds).
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
cp "$root/specs/sources/huawei-cse-api-20260106.txt" cse.txt
cp "$root/specs/corrections/cse.yaml" cse-corrections.yaml
extract() { "$apigen" extract mse.txt --corrections corrections.yaml -o "$1" 2>/dev/null || fail "extract $1"; }
version_of() { sed -n 's/^version = "\(.*\)"$/\1/p' "${2:-crates}/${1:-mse}-models/Cargo.toml" | head -1; }
# Replace the first line equal to $1 (which must exist) by the lines $2, in document $3 (mse.txt).
revise() {
  python3 - "$1" "$2" "${3:-mse.txt}" <<'PY' || fail "revise: the document no longer has the line"
import sys
old, new, doc = sys.argv[1], sys.argv[2], sys.argv[3]
lines = open(doc, encoding="utf-8").read().split("\n")
i = lines.index(old)
lines[i:i + 1] = new.split("\n")
open(doc, "w", encoding="utf-8").write("\n".join(lines))
PY
}
# semver BASELINE [cargo-semver-checks options]; SEMVER_DIR and SEMVER_PACKAGES pick the crates.
semver() {
  # Builds rustdoc JSON of both versions; the shared target keeps dependencies between runs.
  local packages=()
  for p in ${SEMVER_PACKAGES:-mse-models mse-client}; do packages+=(-p "$p"); done
  CARGO_TARGET_DIR="$target/semver-checks" cargo semver-checks --manifest-path "${SEMVER_DIR:-crates}/Cargo.toml" \
    "${packages[@]}" --baseline-root "$1" "${@:2}"
}
# The too-small claim: as a minor release cargo-semver-checks must reject it, naming lint $2.
rejects_minor() {
  if semver base --release-type minor >"$1-minor.log" 2>&1; then
    cat "$1-minor.log" >&2; fail "cargo-semver-checks found nothing breaking in $1: the major bump was not needed"
  fi
  grep -q "$2" "$1-minor.log" || { cat "$1-minor.log" >&2; fail "$1 as a minor release fails, but not for $2"; }
  step "$1: as a minor release cargo-semver-checks rejects it ($2)"
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
rejects_minor v3 method_parameter_count_changed
rm -rf base && cp -r crates base
t_more=$SECONDS
export SEMVER_PACKAGES="mse-models"

step "v4: CreateZnode's response Data gains a field; CreateCluster's NetType a value"
revise $'Name\tString\tmse-bc1a29b0-160230875****-reg-center-0-1\t节点名称。' \
  $'Name\tString\tmse-bc1a29b0-160230875****-reg-center-0-1\t节点名称。\nOwner\tString\tadmin\t节点所有者。'
revise $'NetType\tString\t是\tprivatenet\t网络类型，取值如下： <ul style="list-style-type: none"> <li>privatenet：表示专有网络。</li> <li>pubnet：表示公网。</li> </ul>' \
  $'NetType\tString\t是\tprivatenet\t网络类型，取值如下： <ul style="list-style-type: none"> <li>privatenet：表示专有网络。</li> <li>pubnet：表示公网。</li> <li>anynet：表示任意网络。</li> </ul>'
extract mse-v4.yaml
gen mse-v4.yaml --previous mse-v3.yaml 2>v4.log || { cat v4.log >&2; fail "generate v4"; }
cat v4.log
for id in response-field-added request-parameter-enum-value-added; do
  grep -q "$id" crates/mse-models/CHANGELOG.md || fail "v4 changelog lacks $id"
done
[[ "$(version_of)" == 0.2.1 ]] || fail "v4 is $(version_of), expected 0.2.1"
semver base >v4-semver.log 2>&1 || { cat v4-semver.log >&2; fail "cargo-semver-checks rejects 0.2.1 for v4"; }
step "v4: cargo-semver-checks accepts 0.2.0 -> 0.2.1"
rm -rf base && cp -r crates base

step "v5: CreateZnode's ClusterId becomes optional again"
revise $'ClusterId\tString\t是\tmse-09k1q11****\t集群ID。' $'ClusterId\tString\t否\tmse-09k1q11****\t集群ID。'
extract mse-v5.yaml
gen mse-v5.yaml --previous mse-v4.yaml 2>v5.log || { cat v5.log >&2; fail "generate v5"; }
cat v5.log
grep -q 'request-parameter-became-optional' crates/mse-models/CHANGELOG.md || fail "v5 changelog lacks the parameter made optional"
[[ "$(version_of)" == 0.3.0 ]] || fail "v5 is $(version_of), expected 0.3.0"
semver base >v5-semver.log 2>&1 || { cat v5-semver.log >&2; fail "cargo-semver-checks rejects 0.3.0 for v5"; }
step "v5: cargo-semver-checks accepts 0.2.1 -> 0.3.0"
rejects_minor v5 method_parameter_count_changed

step "c1: CSE: extract and generate"
cse_extract() { "$apigen" extract cse.txt --corrections cse-corrections.yaml -o "$1" 2>/dev/null || fail "extract $1"; }
cse_extract cse-c1.yaml
"$apigen" generate cse-c1.yaml --out cse-crates --runtime-path "$root/codegen/runtime" --workspace
cp "$root/Cargo.lock" cse-crates/Cargo.lock
rm -rf base && cp -r cse-crates base
export SEMVER_DIR=cse-crates SEMVER_PACKAGES="cse-models"
step "c2: ExportKieConfigurations' body gains an optional member"
revise $'ids\tYes\tArray of strings\tSet of configuration item IDs.' \
  $'ids\tYes\tArray of strings\tSet of configuration item IDs.\nlabel\tNo\tString\tLabel of the configuration items to export.' cse.txt
cse_extract cse-c2.yaml
"$apigen" generate cse-c2.yaml --out cse-crates --runtime-path "$root/codegen/runtime" --previous cse-c1.yaml 2>c2.log \
  || { cat c2.log >&2; fail "generate c2"; }
cat c2.log
grep -q 'optional-request-parameter-added' cse-crates/cse-models/CHANGELOG.md || fail "c2 changelog lacks the body member"
[[ "$(version_of cse cse-crates)" == 0.1.1 ]] || fail "c2 is $(version_of cse cse-crates), expected 0.1.1"
semver base >c2-semver.log 2>&1 || { cat c2-semver.log >&2; fail "cargo-semver-checks rejects 0.1.1 for c2"; }
step "c2: cargo-semver-checks accepts 0.1.0 -> 0.1.1"
step "ok ($((SECONDS - start)) s; v4, v5, c1 and c2 took $((SECONDS - t_more)) s)"
