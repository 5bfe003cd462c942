#!/usr/bin/env bash
# Wall and CPU time of `apigen generate` for the five specs (release build, hyperfine), in a
# clean `git archive` copy of the repository, in the four situations users meet:
#   check     `generate --check` right after a clone (every file reused through the lock)
#   change    `generate` after a one-description change of specs/cse.yaml (the generation
#             before it is not measured)
#   cold      `generate` with generated/apigen-format.lock deleted (every file printed and
#             formatted again)
#   out       `generate specs/*.yaml --out NEW` into a new directory (what a new user sees first)
# Records the load average before and after: the machine is shared, and wall times move with it.
# CPU = user + sys of apigen and its rustfmt processes (hyperfine's User and System).
#
# Usage: scripts/bench-generate.sh [RUNS]   (default 10; writes target/bench-generate/*.json)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-10}
repo=$(pwd)
command -v hyperfine >/dev/null || { echo "hyperfine is needed (apt-get install hyperfine)" >&2; exit 1; }
cargo build -q --release -p apigen
bin=$repo/target/release/apigen
out=$repo/target/bench-generate
rm -rf "$out"
mkdir -p "$out"
copy=$(mktemp -d)
trap 'rm -rf "$copy"' EXIT
git archive HEAD | tar -x -C "$copy"
(cd "$copy" && git init -q . && git add -A && git -c user.name=bench -c user.email=bench@localhost commit -qm base)
"$bin" generate --root "$copy" --check

# Preparation commands (hyperfine -N runs them without a shell too, so they are scripts).
cat >"$out/restore.sh" <<EOF
#!/bin/sh
cd "$copy" && git checkout -q -- . && rm -rf new
EOF
# The generation before the edit is not measured: it leaves the local stamp (emit/stamp.rs)
# that describes what is on disk, as a user's last generation does.
cat >"$out/change.sh" <<EOF
#!/bin/sh
"$out/restore.sh" && "$bin" generate --root "$copy" 2>/dev/null && sed -i '0,/^  description: This API is used to import kie configurations\\.\$/s//  description: This API is used to import the kie configurations./' "$copy/specs/cse.yaml"
EOF
cat >"$out/cold.sh" <<EOF
#!/bin/sh
"$out/restore.sh" && rm "$copy/generated/apigen-format.lock"
EOF
chmod +x "$out"/*.sh
"$out/change.sh"
if git -C "$copy" diff --quiet -- specs/cse.yaml; then
  echo "bench-generate: the one-description change no longer applies to specs/cse.yaml" >&2
  exit 1
fi
"$out/restore.sh"

echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
cd "$copy"
hyperfine -N -w 1 -r "$runs" --export-json "$out/check.json" -n check \
  --prepare "$out/restore.sh" "$bin generate --check"
hyperfine -N -w 1 -r "$runs" --export-json "$out/change.json" -n change \
  --prepare "$out/change.sh" "$bin generate"
hyperfine -N -w 1 -r "$runs" --export-json "$out/cold.json" -n cold \
  --prepare "$out/cold.sh" "$bin generate"
specs=$(ls specs/*.yaml | tr '\n' ' ')
hyperfine -N -w 1 -r "$runs" --export-json "$out/out.json" -n out \
  --prepare "$out/restore.sh" "$bin generate $specs --out new --runtime-path $repo/codegen/runtime"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
# Where the time goes (CPU per phase), once per situation.
for case in change cold; do
  "$out/$case.sh"
  echo "--timings, $case:"
  "$bin" generate --timings 2>&1 | grep -v '^generated '
done
"$out/restore.sh"
