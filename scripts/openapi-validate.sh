#!/usr/bin/env bash
# Validate the exported OpenAPI documents (openapi/*.json) with validators we did not write:
#   1. openapi-spec-validator (PyPI): each document is valid OpenAPI 3.1;
#   2. jsonschema (PyPI, Draft 2020-12, the dialect of OpenAPI 3.1): every documented JSON
#      response example validates against its response schema, except examples the spec
#      marks `x-mismatch` (known not to match the document's tables).
# The tools live in a venv under target/openapi-venv (created on first use).
# Usage: scripts/openapi-validate.sh [file.json ...]   (default: openapi/*.json)
set -euo pipefail
cd "$(dirname "$0")/.."
venv=target/openapi-venv
mkdir -p target
# Tests run this script in parallel: one of them creates the venv, the others wait for it.
exec 9>target/openapi-venv.lock
flock 9
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
if ! "$venv/bin/python" -c 'import openapi_spec_validator, jsonschema, referencing' 2>/dev/null; then
    "$venv/bin/pip" install -q --disable-pip-version-check 'openapi-spec-validator==0.9.0' 'jsonschema==4.26.0'
fi
flock -u 9
if [ $# -eq 0 ]; then
    set -- openapi/*.json
fi
exec "$venv/bin/python" scripts/openapi_validate.py "$@"
