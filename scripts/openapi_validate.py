"""Checks behind scripts/openapi-validate.sh (see there). Exit 1 on any failure."""
import json
import sys

from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match
from openapi_spec_validator import validate
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012


def short(text, limit=300):
    return text if len(text) <= limit else text[:limit] + "…"


def pointer(*parts):
    """JSON pointer of a location in the document."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def examples(doc):
    """(where, schema pointer, value) of every checked JSON response example."""
    for path, item in doc.get("paths", {}).items():
        for method, op in item.items():
            if not isinstance(op, dict) or "responses" not in op:
                continue
            for status, resp in op["responses"].items():
                for media_type, media in resp.get("content", {}).items():
                    if "json" not in media_type or "schema" not in media:
                        continue
                    at = pointer("paths", path, method, "responses", status, "content",
                                 media_type, "schema")
                    for name, ex in media.get("examples", {}).items():
                        if "value" not in ex or "x-mismatch" in ex:
                            continue
                        where = f"{method.upper()} {path} {status} {name}"
                        yield where, at, ex["value"]


def main(files):
    failed = 0
    for f in files:
        with open(f, encoding="utf-8") as fh:
            doc = json.load(fh)
        try:
            validate(doc)
        except Exception as e:  # the validator's own error types vary by version
            print(f"{f}: invalid OpenAPI: {e}")
            failed += 1
            continue
        # Each schema is checked by reference into the document, so its `#/components/...`
        # references resolve against the document.
        resource = Resource.from_contents(doc, default_specification=DRAFT202012)
        registry = Registry().with_resource("urn:doc", resource)
        checked = bad = 0
        for where, at, value in examples(doc):
            checked += 1
            v = Draft202012Validator({"$ref": "urn:doc#" + at}, registry=registry)
            error = best_match(v.iter_errors(value))
            if error is not None:
                bad += 1
                loc = "/".join(str(p) for p in error.absolute_path)
                print(f"{f}: {where}: example at /{loc}: {short(error.message)}")
        ops = sum(
            1 for item in doc.get("paths", {}).values() for k in item if k in
            ("get", "post", "put", "delete", "patch", "head", "options"))
        print(f"{f}: valid OpenAPI {doc.get('openapi')}; {ops} operations; "
              f"{checked} response examples checked, {bad} failing")
        failed += bad
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
