"""`st` (schemathesis CLI) with one work-around for a bug of the pinned version.

schemathesis 4.32.5 analyses resource dependencies when it loads a document, even with the
stateful phase off, and its `_is_interesting_schema` assumes `type` is a string: an OpenAPI 3.1
type list inside `anyOf` (`{"type": ["array", "null"]}`, valid and used by the lenient response
schemas of openapi/*.json) raises `TypeError: unhashable type: 'list'` and aborts the run. The
wrapper reduces a type list to its one non-null member before the check (a list of several
types is a primitive union: not a resource). Nothing else is changed.
"""

import sys

from schemathesis.specs.openapi.stateful.dependencies import schemas as _schemas

_original = _schemas._is_interesting_schema


def _is_interesting_schema(schema):
    ty = schema.get("type") if isinstance(schema, dict) else None
    if isinstance(ty, list):
        members = [t for t in ty if t != "null"]
        if len(members) != 1:
            return False
        schema = {**schema, "type": members[0]}
    return _original(schema)


_schemas._is_interesting_schema = _is_interesting_schema

from schemathesis.cli import schemathesis  # noqa: E402

if __name__ == "__main__":
    sys.exit(schemathesis())
