#!/usr/bin/env bash
# Property-based tests of the five mock servers against their exported OpenAPI documents
# with schemathesis (PyPI, pinned; in a venv under target/schemathesis-venv):
# no 5xx, every response conforms to its documented status and schema, and requests that
# violate the document are rejected with 4xx. Bounded: a few examples per operation and a
# timeout per service. Usage: scripts/schemathesis.sh [service ...]   (default: all five)
# ST_MAX_EXAMPLES / ST_TIMEOUT override the budget.
set -euo pipefail
cd "$(dirname "$0")/.."
pin='schemathesis==4.32.5'
venv=target/schemathesis-venv
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
if [ "$("$venv/bin/python" -c 'import importlib.metadata as m; print(m.version("schemathesis"))' 2>/dev/null)" != "${pin#*==}" ]; then
    "$venv/bin/pip" install -q --disable-pip-version-check "$pin"
fi
services=(mse retailcloud alikafka cse dms-kafka)
cargo build -q $(printf -- '-p %s-mock ' "${services[@]}")
exec "$venv/bin/python" scripts/schemathesis_run.py "$venv/bin/python" "$@"
