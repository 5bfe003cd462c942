#!/usr/bin/env bash
# Signs requests with the vendors' official Python SDK signers, for comparison with apigen-runtime.
#
# Usage: scripts/sdk-signers.sh [--setup-only] < requests.json > signatures.json
#
# Creates (once) a virtualenv under target/sdk-venv with aliyun-python-sdk-core (Alibaba RPC v1),
# alibabacloud-openapi-util (Alibaba ACS3-HMAC-SHA256) and huaweicloudsdkcore (Huawei SDK-HMAC-SHA256),
# then runs codegen/runtime/tests/sdk_sign.py, which reads request descriptions as JSON on stdin and
# prints the official signatures as JSON on stdout. Setup output goes to stderr.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
target="${CARGO_TARGET_DIR:-$root/target}"
venv="$target/sdk-venv"
python="${PYTHON:-python3}"
# Pinned so the comparison is reproducible; bump deliberately.
packages=(
  "aliyun-python-sdk-core==2.16.1"
  "alibabacloud-openapi-util==0.2.4"
  "huaweicloudsdkcore==3.1.219"
)
stamp="$venv/.apigen-installed"
want="${packages[*]}"

if [[ ! -x "$venv/bin/python" ]]; then
  echo "sdk-signers: creating virtualenv $venv" >&2
  "$python" -m venv "$venv" >&2
fi
if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$want" ]]; then
  echo "sdk-signers: installing ${packages[*]}" >&2
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "${packages[@]}" >&2
  printf '%s' "$want" >"$stamp"
fi
if [[ "${1:-}" == "--setup-only" ]]; then
  exit 0
fi
exec "$venv/bin/python" "$root/codegen/runtime/tests/sdk_sign.py"
