#!/usr/bin/env bash
# apigen as a user runs it, outside this repository (the acceptance routine of issue 15):
#
#   1. install the `apigen` binary (cargo install --path codegen/apigen);
#   2. in an empty directory outside the repository: copy one document and its corrections,
#      `apigen extract` them into a spec;
#   3. `apigen generate` the spec's crates there, against this checkout's runtime by path;
#   4. build them, and a small crate of the user's own that calls the service with the
#      generated client;
#   5. start `apigen mock` on the spec (signatures verified, stateful) and run that crate
#      against it: CreateTopic, then GetTopicList must list the new topic, then DeleteTopic.
#
# Usage: scripts/out-of-tree.sh [DIR]   (default: a new temporary directory, removed after)
#
# Offline and quick on a second run: the workspace Cargo.lock pins every registry dependency
# (--offline), the install reuses the workspace's debug build (--debug, target/), and the crates
# build into target/consume-as-user, shared with tests/consume_as_user.rs and
# tests/generate_out.rs. Prints one line per step; exits non-zero on the first failure.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
target="${CARGO_TARGET_DIR:-$root/target}"
cargo="${CARGO:-cargo}"
doc="alibaba-alikafka-api-20201111.txt"
service="alikafka"

if [[ $# -ge 1 ]]; then
  work="$1"
  mkdir -p "$work"
  keep=1
else
  work="$(mktemp -d "${TMPDIR:-/tmp}/apigen-out-of-tree.XXXXXX")"
  keep=0
fi
work="$(cd "$work" && pwd)"
case "$work/" in
  "$root"/*) echo "out-of-tree: $work is inside the repository" >&2; exit 2 ;;
esac
if [[ -n "$(ls -A "$work")" ]]; then
  echo "out-of-tree: $work is not empty" >&2
  exit 2
fi

mock_pid=""
cleanup() {
  if [[ -n "$mock_pid" ]]; then kill "$mock_pid" 2>/dev/null || true; wait "$mock_pid" 2>/dev/null || true; fi
  if [[ $keep == 0 ]]; then rm -rf "$work"; fi
}
trap cleanup EXIT

step() { printf 'out-of-tree: %s\n' "$*"; }

step "1/5 install apigen into $target/out-of-tree/bin"
"$cargo" install --quiet --offline --debug --force --locked \
  --path "$root/codegen/apigen" --root "$target/out-of-tree" --target-dir "$target" 2>&1 \
  | grep -v '^warning: be sure to add' >&2 || true
apigen="$target/out-of-tree/bin/apigen"
[[ -x "$apigen" ]] || { echo "out-of-tree: install failed" >&2; exit 1; }

cd "$work"
step "2/5 extract $doc with its corrections in $work"
cp "$root/specs/sources/$doc" "$root/specs/corrections/$service.yaml" .
mv "$service.yaml" corrections.yaml
"$apigen" extract "$doc" --corrections corrections.yaml -o "$service.yaml" 2>extract.log \
  || { cat extract.log >&2; exit 1; }
"$apigen" lint "$service.yaml" | head -1

step "3/5 generate the crates into $work/crates (runtime by path)"
"$apigen" generate "$service.yaml" --out crates --runtime-path "$root/codegen/runtime" --workspace

# The user's own crate: the generated client against whatever endpoint it is given.
mkdir -p app/src
cat >app/Cargo.toml <<EOF
[package]
name = "kafka-app"
version = "0.1.0"
edition = "2021"
publish = false

[dependencies]
alikafka-client = { path = "../crates/alikafka-client" }
tokio = { version = "1", features = ["rt-multi-thread", "macros"] }

[workspace]
EOF
cat >app/src/main.rs <<'EOF'
use alikafka_client::models::{create_topic, delete_topic, get_topic_list};
use alikafka_client::{Client, Credentials, RegionalClient};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let endpoint = std::env::args().nth(1).ok_or("usage: kafka-app ENDPOINT")?;
    let client = Client::from_endpoint(&endpoint, Credentials::access_key("user-key", "user-secret"))?;
    let instance = "alikafka_post-cn-user";
    client
        .create_topic(&create_topic::CreateTopicRequest::new(instance, "cn-hangzhou", "user topic", "orders"))
        .await?;
    let list = client
        .get_topic_list(&get_topic_list::GetTopicListRequest::new("1", instance, "10").region_id("cn-hangzhou"))
        .await?;
    let topics: Vec<String> = list
        .topic_list
        .map(|l| l.items.into_iter().filter_map(|t| t.topic).collect())
        .unwrap_or_default();
    println!("topics: {}", topics.join(","));
    client
        .delete_topic(&delete_topic::DeleteTopicRequest::new(instance, "cn-hangzhou", "orders"))
        .await?;
    Ok(())
}
EOF
cp "$root/Cargo.lock" crates/Cargo.lock
cp "$root/Cargo.lock" app/Cargo.lock

step "4/5 build the generated crates and the user's crate"
export CARGO_TARGET_DIR="$target/consume-as-user"
(cd crates && "$cargo" build --quiet --offline --workspace)
(cd app && "$cargo" build --quiet --offline)

step "5/5 apigen mock $service.yaml (signatures verified, stateful) and the client against it"
"$apigen" mock "$service.yaml" --listen 127.0.0.1:0 --credentials user-key:user-secret --stateful >mock.out 2>mock.log &
mock_pid=$!
for _ in $(seq 100); do
  [[ -s mock.out ]] && break
  kill -0 "$mock_pid" 2>/dev/null || { cat mock.log >&2; exit 1; }
  sleep 0.1
done
url="$(awk 'NR==1 {print $2}' mock.out)"
[[ "$url" == http://* ]] || { echo "out-of-tree: apigen mock printed $(cat mock.out)" >&2; exit 1; }
out="$("$CARGO_TARGET_DIR/debug/kafka-app" "$url")"
echo "$out"
[[ "$out" == "topics: orders" ]] || { echo "out-of-tree: expected 'topics: orders'" >&2; exit 1; }
recorded="$(curl -fsS "$url/_apigen/requests" 2>/dev/null | grep -o '"operation":"[A-Za-z]*"' | tr '\n' ' ' || true)"
step "ok: the mock recorded ${recorded:-(curl not available)}"
