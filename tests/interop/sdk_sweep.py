#!/usr/bin/env python3
"""Sweep: every operation of the five documents, called through the vendors' official SDKs
against the generated mock servers with signature verification on.

Run through scripts/sdk-interop.sh (pinned SDKs in target/interop-venv, mock binaries built).
Nothing here is written per operation: for each operation of specs/<svc>.yaml

1. the SDK operation is found by introspection — Alibaba: the client method whose Params carry
   `action='<Action>'`, and the request class it takes; Huawei: the client's `_<name>_http_info`
   with the operation's method and path (path parameters' names ignored);
2. the logical request is the one the generated mock's round-trip test sends
   (generated/<svc>-mock/tests/cases.json: the document's example request where it has a usable
   one, else values built from the tables' examples and types), plus every optional parameter
   the table gives an example for;
3. that request is put into the SDK's own request model by wire name (Alibaba `from_map`, Huawei
   `attribute_map` / `openapi_types` through huaweicloudsdkcore's deserializer); a spec name the
   model lacks is matched to the model's field of the same name up to case and `_`/`-` (which is
   how an SDK user fills it), and reported;
4. the request is sent with the SDK's signer and transport — Alibaba with both signers (V3, the
   default, and RPC v1 with `signature_algorithm='v2'`), Huawei with AK/SK — to the mock started
   with `--credentials`; operations the current SDK lacks go through the SDK core's generic
   request (Alibaba `call_api`, Huawei `do_http_request`), signer and transport still the
   vendor's;
5. the call must be accepted (2xx) and the answer decoded by the SDK's response model; every
   field path of the document's response example (or, where the document has no example that
   fits its table, of the table) must be present after decoding;
6. the same call signed with a wrong secret must be rejected with the vendor's 4xx error.

Failures that are understood and not ours to fix (the SDK lacks a field the document has, …)
are listed in tests/interop/sweep_exceptions.json with the reason, the document line and the
SDK release; the sweep fails on any other failure and on a listed exception that no longer
happens. Prints the failures, a summary per service and `N calls, M failed`.
"""

import argparse
import importlib
import functools
import inspect
import io
import json
import os
import re
import sys
import time
import traceback

import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sdk_interop import AK, PROJECT, REGION, ROOT, SK, WRONG_SK, Mock, describe_error  # noqa: E402

try:
    from importlib.metadata import version as dist_version
except ImportError:  # pragma: no cover
    dist_version = None

ALIBABA = {
    "mse": ("alibabacloud_mse20190531", "alibabacloud-mse20190531"),
    "retailcloud": ("alibabacloud_retailcloud20180313", "alibabacloud-retailcloud20180313"),
    "alikafka": ("alibabacloud_alikafka20190916", "alibabacloud-alikafka20190916"),
}
HUAWEI = {
    "cse": ("huaweicloudsdkcse.v1", "CseClient", "huaweicloudsdkcse"),
    "dms-kafka": ("huaweicloudsdkkafka.v2", "KafkaClient", "huaweicloudsdkkafka"),
}
SERVICES = ["mse", "retailcloud", "alikafka", "cse", "dms-kafka"]

# Operations whose document path differs from the SDK's for the same operation (same title,
# request and response; matching is by method and path, so they are paired here). They are
# called through the SDK, as its users call them, on the SDK's path: where the mock serves only
# the document's path the call fails, and tests/interop/sweep_exceptions.json says why.
PATH_DRIFT = {
    # 5.x Kafka实例开始分区重平衡任务 (doc L2486: /v2/kafka/{project_id}/…)
    ("dms-kafka", "ReassignProjectInstance"): "create_kafka_reassignment_task",
    # 查询实例的扩容规格列表 (doc L2691: GET /v2/{engine}/{project_id}/…/extend)
    ("dms-kafka", "ListInstanceExtend"): "show_kafka_instance_extend_product_info",
}


def release(dist):
    try:
        return f"{dist} {dist_version(dist)}"
    except Exception:  # noqa: BLE001
        return dist


def norm_name(name):
    return re.sub(r"[_\-.]", "", name).lower()


def norm_path(path):
    return re.sub(r"\{[^}]*\}", "{}", path.rstrip("/") or "/")


# ---------------------------------------------------------------------------------------------
# The spec side


class TextDates(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """YAML without timestamps: `2019-05-31` (an API version) stays text, as the spec means it."""


TextDates.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in TextDates.yaml_implicit_resolvers.copy().items()
}


class Spec:
    def __init__(self, svc):
        with open(os.path.join(ROOT, "specs", f"{svc}.yaml"), encoding="utf-8") as f:
            self.doc = yaml.load(f, Loader=TextDates)
        self.svc = svc
        self.ops = self.doc["operations"]
        with open(os.path.join(ROOT, "generated", f"{svc}-mock", "tests", "cases.json"), encoding="utf-8") as f:
            self.cases = {c["op"]: c for c in json.load(f)}
        self.document = self.doc["service"]["source"]["document"]


def success(op):
    for r in op.get("responses", []):
        if 200 <= int(r["status"]) < 300:
            return r
    return None


def typed(value, ty):
    """A table example (text as printed) as a value of the spec type."""
    if not isinstance(value, str):
        return value
    try:
        if ty in ("integer", "long"):
            return int(value)
        if ty == "number":
            return float(value)
        if ty == "boolean" and value.lower() in ("true", "false"):
            return value.lower() == "true"
        if ty.startswith("array") or ty.startswith("map") or ty == "object":
            v = json.loads(value)
            if ty.startswith("array") and not isinstance(v, list):
                return [v]
            return v
    except ValueError:
        pass
    return value


def rpc_request(op, case):
    """Logical RPC request: {wire name: value} with repeat lists as lists (of dicts for objects)
    and JSON-string parameters parsed (the SDKs encode them themselves)."""
    params = {p["name"]: p for p in op.get("parameters", [])}
    out = {}
    for k, v in case.get("params", []):
        parts = k.split(".")
        base = parts[0]
        p = params.get(base)
        if p is None or p.get("encoding") != "repeat-list" or len(parts) == 1:
            if p is not None and p.get("encoding") == "json":
                try:
                    v = json.loads(v)
                except ValueError:
                    pass
            elif p is not None:
                v = typed(v, p["type"])
            out[k] = v
            continue
        items = out.setdefault(base, [])
        idx = int(parts[1]) - 1
        while len(items) <= idx:
            items.append({} if len(parts) > 2 else None)
        if len(parts) > 2:
            items[idx][".".join(parts[2:])] = v
        else:
            items[idx] = v
    for p in op.get("parameters", []):
        if p["name"] in out or "example" not in p or p["name"] in ("Action", "Version"):
            continue
        if p.get("encoding") == "repeat-list" or p.get("fields"):
            continue  # list members' examples are per member; the case covers required ones
        out[p["name"]] = typed(p["example"], p["type"])
    return out


def rest_request(op, case):
    """Logical REST request: {"path": {...}, "query": {...}, "header": {...}, "body": ...}."""
    inp = dict(case.get("input") or {})
    # cases.json keys are the models' field names (`x_engine_id`); the wire name is the spec's.
    by_norm = {norm_name(p["name"]): p for p in op.get("parameters", [])}
    body = (op.get("body") or {})
    out = {"path": {}, "query": {}, "header": {}, "body": typed_body(inp.pop("body", None), body, op.get("types"))}
    for k, v in inp.items():
        p = by_norm.get(norm_name(k))
        loc, name = (p["in"], p["name"]) if p else ("query", k)
        out.setdefault(loc, {})[name] = typed(v, p["type"]) if p else v
    for p in op.get("parameters", []):
        loc = p["in"]
        if loc not in ("query", "header") or p["name"] in out[loc] or "example" not in p:
            continue
        if loc == "header" and p["name"].lower() in ("x-auth-token", "content-type", "authorization", "x-project-id"):
            continue
        out[loc][p["name"]] = typed(p["example"], p["type"])
    return out


def typed_body(value, body, types, depth=0):
    """A JSON body with its scalars as the spec types them (cases.json keeps table examples as
    printed, which the generated models coerce and a raw JSON body would not)."""
    if value is None or depth > 8:
        return value
    ty = body.get("type", "object")
    inner = ty
    while True:
        m = re.fullmatch(r"(array|map)<(.+)>", inner)
        if not m:
            break
        inner = m.group(2)
    fields = body.get("fields") or ((types or {}).get(inner) or {}).get("fields")
    if isinstance(value, list):
        item = dict(body, type=inner)
        return [typed_body(v, item, types, depth + 1) for v in value]
    if isinstance(value, dict) and ty.startswith("map<"):
        item = dict(body, type=inner)
        return {k: typed_body(v, item, types, depth + 1) for k, v in value.items()}
    if isinstance(value, dict) and fields:
        by_name = {f["name"]: f for f in fields}
        return {k: typed_body(v, by_name[k], types, depth + 1) if k in by_name else v for k, v in value.items()}
    if isinstance(value, str) and inner in ("integer", "long", "number", "boolean"):
        return typed(value, inner)
    return value


def leaf_paths(value, prefix=""):
    """Field paths of a JSON value: objects' keys joined by '/', list items as '[]'; empty
    containers count as the field itself, `null` as nothing (it decodes to an absent value)."""
    out = set()
    if value is None:
        return out
    if isinstance(value, dict) and value:
        for k, v in value.items():
            out |= leaf_paths(v, f"{prefix}/{k}" if prefix else k)
    elif isinstance(value, list) and value:
        for v in value:
            out |= leaf_paths(v, f"{prefix}[]")
    elif prefix:
        out.add(prefix)
    return out


def present_paths(value, prefix=""):
    """Every path (inner nodes too) with a non-null value."""
    out = set()
    if value is None:
        return out
    if prefix:
        out.add(prefix)
    if isinstance(value, dict):
        for k, v in value.items():
            out |= present_paths(v, f"{prefix}/{k}" if prefix else k)
    elif isinstance(value, list):
        for v in value:
            out |= present_paths(v, f"{prefix}[]")
    return out


def single_item_tolerant(paths):
    """A one-element list may arrive as its element (XML-converted JSON): `a[]/b` also `a/b`."""
    return {p.replace("[]", "") for p in paths}


def table_paths(fields, types, prefix="", depth=0):
    out = set()
    for f in fields or []:
        path = f"{prefix}/{f['name']}" if prefix else f["name"]
        ty = f["type"]
        inner = ty
        arr = False
        while True:
            m = re.fullmatch(r"(array|map)<(.+)>", inner)
            if not m:
                break
            if m.group(1) == "map":
                break  # keys are the service's: the map itself is the field
            arr = True
            inner = m.group(2)
        if inner.startswith("map<"):
            out.add(path + ("[]" if arr else ""))
            continue
        if arr and f.get("list_wrapper"):
            path = f"{path}/{f['list_wrapper']}"
        if arr:
            path += "[]"
        sub = f.get("fields")
        if not sub and inner in (types or {}) and depth < 6:
            sub = types[inner].get("fields")
        if sub and depth < 6:
            out |= table_paths(sub, types, path, depth + 1) or {path}
        else:
            out.add(path)
    return out


def expected_fields(op):
    """(paths, where from, doc line): the fields a client of the operation reads."""
    r = success(op)
    if r is None:
        return set(), "no success response", op["source"]["line"]
    for ex in r.get("examples", []):
        if ex.get("format") == "json" and "json" in ex and "mismatch" not in ex:
            paths = {p for p in leaf_paths(ex["json"]) if not p.endswith("[]")}
            return paths, "example", ex["line"]
    body = r.get("body") or {}
    return table_paths(body.get("fields"), op.get("types")), "table", op["source"]["line"]


def missing_fields(expected, decoded):
    have = present_paths(decoded)
    have_loose = single_item_tolerant(have)
    return sorted(
        p for p in expected if p not in have and p.replace("[]", "") not in have_loose
    )


# ---------------------------------------------------------------------------------------------
# Alibaba


class AlibabaSdk:
    def __init__(self, svc):
        pkg, self.dist = ALIBABA[svc]
        self.client_mod = importlib.import_module(f"{pkg}.client")
        self.models = importlib.import_module(f"{pkg}.models")
        self.release = release(self.dist)
        src = inspect.getsource(self.client_mod)
        self.methods = {}
        for m in re.finditer(
            r"def (\w+)_with_options\(\s*self,\s*\w+: [\w.]+\.(\w+),.*?action ?= ?'(\w+)'", src, re.S
        ):
            self.methods.setdefault(m.group(3), (m.group(1), m.group(2)))

    def client(self, address, secret, v1):
        from alibabacloud_tea_openapi import models as open_api_models

        kw = dict(access_key_id=AK, access_key_secret=secret, endpoint=address, protocol="http", region_id=REGION)
        if v1:
            kw["signature_algorithm"] = "v2"
        return self.client_mod.Client(open_api_models.Config(**kw))


@functools.lru_cache(maxsize=None)
def model_fields(cls):
    """{wire name: (python attribute, annotation)} of a tea model: the wire names its from_map
    reads, each paired with the constructor argument of the same name up to case and `_`."""
    src = inspect.getsource(cls.from_map)
    ann = {}
    try:
        for name, p in inspect.signature(cls.__init__).parameters.items():
            a = p.annotation
            a = a if isinstance(a, str) else getattr(a, "__name__", None) if isinstance(a, type) else str(a)
            ann[name] = (a or "").replace("typing.", "")
    except (TypeError, ValueError):
        pass
    by_norm = {norm_name(k): k for k in ann if k != "self"}
    out = {}
    for wire in re.findall(r"m\.get\('([^']+)'\)", src):
        attr = by_norm.get(norm_name(wire))
        if attr is None:
            m = re.search(r"m\.get\('" + re.escape(wire) + r"'\) is not None:\s*\n\s*self\.(\w+)\s*=", src)
            attr = m.group(1) if m else None
        if attr is not None:
            out.setdefault(wire, (attr, ann.get(attr, "")))
    return out


def nested_model(models, annotation):
    """The model class an annotation names (`List[main_models.X]`, `X`), if any."""
    m = re.search(r"([A-Z]\w+)\]?$", annotation or "")
    if m and hasattr(models, m.group(1)):
        return getattr(models, m.group(1))
    return None


def fit_tea(models, cls, value, notes, where):
    """`value` ({spec wire name: v}) renamed to the model's wire names (exact, else equal up to
    case and separators) and converted to the annotated scalar types; names the model lacks are
    noted and dropped."""
    fields = model_fields(cls)
    by_norm = {norm_name(k): k for k in fields}
    out = {}
    for k, v in value.items():
        wire = k if k in fields else by_norm.get(norm_name(k))
        if wire is None:
            notes.append(f"{where}{k}: not in the SDK model {cls.__name__}")
            continue
        if wire != k:
            notes.append(f"{where}{k}: the SDK model names it {wire}")
        attr, ann = fields[wire]
        sub = nested_model(models, ann)
        if sub is not None and isinstance(v, list):
            v = [fit_tea(models, sub, x, notes, f"{where}{wire}.") if isinstance(x, dict) else x for x in v]
        elif sub is not None and isinstance(v, dict):
            v = fit_tea(models, sub, v, notes, f"{where}{wire}.")
        elif ann == "str" and isinstance(v, (list, dict)):
            v = json.dumps(v, ensure_ascii=False, separators=(",", ":"))
        elif ann == "str" and isinstance(v, bool):
            v = "true" if v else "false"
        elif ann == "str" and isinstance(v, (int, float)):
            v = str(v)
        elif ann in ("int", "float") and isinstance(v, str):
            try:
                v = int(v) if ann == "int" else float(v)
            except ValueError:
                pass
        elif ann.startswith(("List", "Dict")) and isinstance(v, str):
            try:
                v = json.loads(v)
            except ValueError:
                pass
        elif ann.startswith("List") and not isinstance(v, list):
            v = [v]
        out[wire] = v
    return out


def alibaba_typed(sdk, spec, op, value, address, secret, v1):
    method, req_cls_name = sdk.methods[op["id"]]
    req_cls = getattr(sdk.models, req_cls_name)
    notes = []
    wire = fit_tea(sdk.models, req_cls, value, notes, "")
    req = req_cls().from_map(wire)
    client = sdk.client(address, secret, v1)
    resp = getattr(client, method)(req)
    status = resp.status_code
    body = resp.body.to_map() if resp.body is not None else None
    body_cls = getattr(sdk.models, req_cls_name[: -len("Request")] + "ResponseBody", None)
    return status, body, notes, lambda path: tea_modelled(sdk.models, body_cls, path)


def alibaba_generic(sdk, spec, op, value, address, secret, v1):
    """The SDK client's own call_api: the operation as the SDK would describe it."""
    from alibabacloud_tea_openapi import utils_models as open_api_util_models
    from alibabacloud_tea_openapi.utils import Utils
    from darabonba.runtime import RuntimeOptions

    params = {p["name"]: p for p in op.get("parameters", [])}
    query = {}
    for k, v in value.items():
        p = params.get(k.split(".")[0])
        if p is not None and p.get("encoding") == "json" and not isinstance(v, str):
            v = Utils.array_to_string_with_specified_style(v, k, "json") if isinstance(v, list) else json.dumps(v)
        query[k] = v
    req = open_api_util_models.OpenApiRequest(query=Utils.query(query))
    version = (spec.doc["service"].get("api_versions") or [""])[0]
    call = open_api_util_models.Params(
        action=op["id"],
        version=op.get("version") or version,
        protocol="HTTP",
        pathname="/",
        method=op.get("method", "POST"),
        auth_type="AK",
        style="RPC",
        req_body_type="formData",
        body_type="json",
    )
    client = sdk.client(address, secret, v1)
    out = client.call_api(call, req, RuntimeOptions())
    return out.get("statusCode"), out.get("body"), [], None


# ---------------------------------------------------------------------------------------------
# Huawei


class HuaweiSdk:
    def __init__(self, svc):
        pkg, client_name, self.dist = HUAWEI[svc]
        mod = importlib.import_module(pkg)
        self.client_cls = getattr(mod, client_name)
        self.models = importlib.import_module(f"{pkg}.model")
        self.release = release(self.dist)
        src = inspect.getsource(importlib.import_module(self.client_cls.__module__))
        self.routes = {}
        for m in re.finditer(
            r'def _(\w+)_http_info\(cls, request\):\s*http_info = \{\s*"method": "(\w+)",\s*'
            r'"resource_path": "([^"]+)",\s*"request_type": [^,]+,\s*"response_type": "(\w+)"',
            src,
        ):
            name, method, path, resp = m.groups()
            self.routes.setdefault((method, norm_path(path)), (name, resp[: -len("Response")] + "Request", path))

    def client(self, address, secret):
        from huaweicloudsdkcore.auth.credentials import BasicCredentials

        return (
            self.client_cls.new_builder()
            .with_credentials(BasicCredentials(AK, secret, PROJECT))
            .with_endpoint(f"http://{address}")
            .build()
        )

    def route(self, svc, op):
        paired = PATH_DRIFT.get((svc, op["id"]))
        if paired:
            return next((r for r in self.routes.values() if r[0] == paired), None)
        return self.routes.get((op["method"], norm_path(op["path"])))


def hw_fit(models, type_name, value, notes, where):
    """A wire-keyed value renamed to the SDK model's wire names (exact, else equal up to case and
    separators); unknown names noted and dropped."""
    m = re.fullmatch(r"list\[(.+)\]", type_name or "")
    if m:
        items = value if isinstance(value, list) else [value]
        return [hw_fit(models, m.group(1), x, notes, where) for x in items]
    cls = getattr(models, type_name, None) if type_name else None
    if cls is None or not isinstance(value, dict) or not getattr(cls, "attribute_map", None):
        return value
    by_wire = {w: a for a, w in cls.attribute_map.items()}
    by_norm = {norm_name(w): w for w in by_wire}
    out = {}
    for k, v in value.items():
        wire = k if k in by_wire else by_norm.get(norm_name(k))
        if wire is None:
            notes.append(f"{where}{k}: not in the SDK model {cls.__name__}")
            continue
        if wire != k:
            notes.append(f"{where}{k}: the SDK model names it {wire}")
        out[wire] = hw_fit(models, cls.openapi_types.get(by_wire[wire]), v, notes, f"{where}{wire}.")
    return out


def hw_build(models, type_name, value):
    """The SDK's own request objects from a wire-keyed value (as the SDK's user builds them)."""
    if value is None:
        return None
    m = re.fullmatch(r"list\[(.+)\]", type_name or "")
    if m:
        return [hw_build(models, m.group(1), x) for x in (value if isinstance(value, list) else [value])]
    m = re.fullmatch(r"dict\(([^,]*), (.*)\)", type_name or "")
    if m and isinstance(value, dict):
        return {k: hw_build(models, m.group(2), v) for k, v in value.items()}
    if type_name == "FormFile":
        from huaweicloudsdkcore.http.formdata import FormFile

        data = value.get("data", []) if isinstance(value, dict) else value
        raw = bytes(data) if isinstance(data, list) else str(data).encode()
        ctype = value.get("content_type") if isinstance(value, dict) else None
        return FormFile(io.BytesIO(raw), ctype)
    prim = {"str": str, "int": int, "float": float, "bool": bool}
    if type_name in prim:
        try:
            if type_name == "bool" and isinstance(value, str):
                return value.lower() == "true"
            if type_name == "str" and isinstance(value, (dict, list)):
                return json.dumps(value, ensure_ascii=False)
            if type_name == "str" and isinstance(value, bool):
                return "true" if value else "false"
            return prim[type_name](value)
        except (TypeError, ValueError):
            return value
    cls = getattr(models, type_name or "", None)
    if cls is None or not getattr(cls, "attribute_map", None) or not isinstance(value, dict):
        return value
    by_wire = {w: a for a, w in cls.attribute_map.items()}
    return cls(**{by_wire[k]: hw_build(models, cls.openapi_types[by_wire[k]], v) for k, v in value.items() if k in by_wire})


def hw_modelled(models, type_name, path):
    """Whether the SDK's response model has a place for the field at `path` ('a/b[]/c')."""
    segs = [x for x in re.split(r"/|\[\]", path) if x]
    for i, seg in enumerate(segs):
        while True:
            m = re.fullmatch(r"list\[(.+)\]|dict\([^,]*, (.*)\)", type_name or "")
            if not m:
                break
            type_name = m.group(1) or m.group(2)
        cls = getattr(models, type_name or "", None)
        if cls is None or not getattr(cls, "attribute_map", None):
            return type_name in ("object", "dict") or cls is None and i > 0
        by_wire = {w: a for a, w in cls.attribute_map.items()}
        if seg not in by_wire:
            return False
        type_name = cls.openapi_types[by_wire[seg]]
    return True


def tea_modelled(models, cls, path):
    segs = [x for x in re.split(r"/|\[\]", path) if x]
    for seg in segs:
        if cls is None:
            return True  # a free-form value (Dict[str, Any], Any): whatever is there decodes
        fields = model_fields(cls)
        if seg not in fields:
            return False
        cls = nested_model(models, fields[seg][1])
    return True


def hw_wire(obj):
    """An SDK model (request or decoded response) as JSON keyed by wire names."""
    if isinstance(obj, list):
        return [hw_wire(x) for x in obj]
    if isinstance(obj, dict):
        return {k: hw_wire(v) for k, v in obj.items()}
    amap = getattr(type(obj), "attribute_map", None)
    if amap is None:
        return obj
    out = {}
    for attr, wire in amap.items():
        v = getattr(obj, attr, None)
        if v is not None:
            out[wire] = hw_wire(v)
    return out


def huawei_typed(sdk, spec, op, value, address, secret):
    name, req_name, _ = sdk.route(spec.svc, op)
    client = sdk.client(address, secret)
    notes = []
    flat = {}
    for loc in ("path", "query", "header"):
        for k, v in value[loc].items():
            if loc == "path" and k == "project_id":
                continue  # the SDK fills it from the credentials
            flat[k] = v
    if value["body"] is not None:
        flat["body"] = value["body"]
    cls = getattr(sdk.models, req_name)
    by_wire = {w: a for a, w in cls.attribute_map.items()}
    by_norm = {norm_name(w): w for w in by_wire}
    kwargs = {}
    for k, v in flat.items():
        wire = k if k in by_wire else by_norm.get(norm_name(k))
        if wire is None:
            notes.append(f"{k}: not in the SDK model {req_name}")
            continue
        if wire != k:
            notes.append(f"{k}: the SDK model names it {wire}")
        ty = cls.openapi_types[by_wire[wire]]
        fitted = hw_fit(sdk.models, ty, v, notes, f"{wire}." if wire == "body" else "")
        kwargs[by_wire[wire]] = hw_build(sdk.models, ty, fitted)
    req = cls(**kwargs)
    resp = getattr(client, name)(req)
    decoded = hw_wire(resp)
    resp_name = req_name[: -len("Request")] + "Response"
    return resp.status_code, decoded, notes, lambda path: hw_modelled(sdk.models, resp_name, path)


def huawei_generic(sdk, spec, op, value, address, secret, path=None):
    from huaweicloudsdkcore.sdk_response import SdkResponse

    class RawResponse(SdkResponse):
        openapi_types = {}
        attribute_map = {}

    client = sdk.client(address, secret)
    resource = path or op["path"]
    for k, v in value["path"].items():
        if k != "project_id":
            resource = resource.replace("{" + k + "}", str(v))
    headers = {"Content-Type": "application/json"}
    headers.update({k: str(v) for k, v in value["header"].items()})
    resp = client.do_http_request(
        method=op["method"],
        resource_path=resource,
        path_params={},
        query_params=[(k, v) for k, v in value["query"].items()],
        header_params=headers,
        body=value["body"],
        post_params={},
        cname=None,
        response_type=RawResponse,
        response_headers=[],
        collection_formats={},
        request_type=None,
    )
    raw = resp.raw_content
    return resp.status_code, (json.loads(raw) if raw else None), [], None


# ---------------------------------------------------------------------------------------------
# The sweep


class Row:
    def __init__(self, svc, op, signer, via, line):
        self.svc, self.op, self.signer, self.via, self.line = svc, op, signer, via, line
        self.accepted = False
        self.decoded = False
        self.expected = 0
        self.missing = []
        self.unmodelled = []
        self.rejected_bad_secret = None
        self.error = None
        self.notes = []
        self.source = ""

    @property
    def ok(self):
        return self.accepted and self.decoded and not self.missing and self.rejected_bad_secret is not False

    def key(self):
        return f"{self.svc} {self.op} [{self.signer}]"


def status_ok(status):
    return isinstance(status, int) and 200 <= status < 300


def vendor_4xx(e, vendor):
    if vendor == "alibaba":
        status = getattr(e, "status_code", None) or getattr(e, "statusCode", None)
        code = getattr(e, "code", None)
    else:
        status = getattr(e, "status_code", None)
        code = getattr(e, "error_code", None)
    return isinstance(status, int) and 400 <= status < 500 and bool(code)


def run_call(row, call, vendor, expected):
    try:
        status, body, notes, modelled = call(SK)
        row.notes += notes
        row.accepted = status_ok(status)
        if not row.accepted:
            row.error = f"HTTP {status}"
        else:
            row.decoded = True
            row.expected = len(expected)
            missing = missing_fields(expected, body)
            # A field the SDK release has no place for cannot be decoded whatever the mock
            # sends: counted apart (the SDK lags or leads the document), not a mock failure.
            row.unmodelled = [p for p in missing if modelled is not None and not modelled(p)]
            row.missing = [p for p in missing if p not in row.unmodelled]
    except Exception as e:  # noqa: BLE001 - every failure is reported, none aborts the run
        row.error = describe_error(e)
        if os.environ.get("INTEROP_TRACE"):
            traceback.print_exc()
    try:
        call(WRONG_SK)
        row.rejected_bad_secret = False
    except Exception as e:  # noqa: BLE001
        row.rejected_bad_secret = vendor_4xx(e, vendor)


def sweep_service(svc, mock, rows, only_ops):
    spec = Spec(svc)
    for op in spec.ops:
        if only_ops and op["id"] not in only_ops:
            continue
        case = spec.cases.get(op["id"])
        if case is None:
            continue
        expected, source, line = expected_fields(op)
        if svc in ALIBABA:
            sdk = SDKS[svc]
            value = rpc_request(op, case)
            typed_call = op["id"] in sdk.methods
            fn = alibaba_typed if typed_call else alibaba_generic
            for v1 in (False, True):
                row = Row(svc, op["id"], "v1" if v1 else "v3", "sdk" if typed_call else "call_api", op["source"]["line"])
                row.source = source
                run_call(
                    row,
                    lambda secret, v1=v1: fn(sdk, spec, op, value, mock.address, secret, v1),
                    "alibaba",
                    expected,
                )
                rows.append(row)
        else:
            sdk = SDKS[svc]
            value = rest_request(op, case)
            typed_call = sdk.route(svc, op) is not None
            via = "sdk" if typed_call else "do_http_request"
            row = Row(svc, op["id"], "ak/sk", via, op["source"]["line"])
            row.source = source
            if typed_call:
                call = lambda secret: huawei_typed(sdk, spec, op, value, mock.address, secret)  # noqa: E731
            else:
                call = lambda secret: huawei_generic(sdk, spec, op, value, mock.address, secret)  # noqa: E731
            if (svc, op["id"]) in PATH_DRIFT:
                row.notes.append(f"path drift: the SDK sends {sdk.route(svc, op)[2]}, the document has {op['path']}")
            run_call(row, call, "huawei", expected)
            rows.append(row)


SDKS = {}


EXCEPTIONS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "sweep_exceptions.json")


def write_exceptions(rows, old):
    out = []
    for r in rows:
        if r.ok:
            continue
        e = old.get(r.key()) or {
            "call": r.key(),
            "reason": "untriaged: "
            + (r.error or f"missing after decoding: {', '.join(r.missing)}")[:300],
            "line": r.line,
            "sdk": SDKS[r.svc].release,
        }
        out.append(e)
    with open(EXCEPTIONS, "w", encoding="utf-8") as f:
        json.dump({"exceptions": out}, f, indent=1, ensure_ascii=False)
        f.write("\n")


def load_exceptions():
    path = EXCEPTIONS
    if not os.path.exists(path):
        return {}
    with open(path, encoding="utf-8") as f:
        return {e["call"]: e for e in json.load(f)["exceptions"]}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bin-dir", default=os.path.join(ROOT, "target", "debug"))
    ap.add_argument("--only", action="append", help="run only these services")
    ap.add_argument("--op", action="append", help="run only these operations")
    ap.add_argument("--verbose", action="store_true", help="print every call")
    ap.add_argument("--json", help="write every row to this file")
    ap.add_argument(
        "--write-exceptions",
        action="store_true",
        help="rewrite sweep_exceptions.json with the current failures (listed reasons kept, new ones marked untriaged)",
    )
    args = ap.parse_args()

    services = [s for s in SERVICES if not args.only or s in args.only]
    for svc in services:
        SDKS[svc] = AlibabaSdk(svc) if svc in ALIBABA else HuaweiSdk(svc)
    exceptions = load_exceptions()
    rows = []
    t0 = time.monotonic()
    for svc in services:
        binary = os.path.join(args.bin_dir, f"{svc}-mock")
        mock = Mock(binary, f"{svc}-sweep")
        try:
            sweep_service(svc, mock, rows, set(args.op or []))
        finally:
            mock.stop()

    unexpected, listed, stale = [], [], []
    for r in rows:
        exc = exceptions.get(r.key())
        if r.ok and exc:
            stale.append(r)
        elif not r.ok and exc:
            listed.append((r, exc))
        elif not r.ok:
            unexpected.append(r)
        if args.verbose or (not r.ok and not exc):
            state = "ok  " if r.ok else ("LIST" if exc else "FAIL")
            detail = r.error or (f"missing {', '.join(r.missing)}" if r.missing else f"{r.expected} fields ({r.source})")
            if r.rejected_bad_secret is False:
                detail += "; a wrong secret was NOT rejected"
            print(f"  {state} {r.key()} via {r.via} (doc L{r.line}, {SDKS[r.svc].release}): {detail}")
            for n in r.notes if (args.verbose or not r.ok) else []:
                print(f"         note: {n}")

    print("\nsweep summary (calls: Alibaba once per signer, V3 and v1):")
    print("  service       ops  via SDK  via core  calls  accepted  decoded  fields present  not in SDK model  wrong secret rejected")
    for svc in services:
        rs = [r for r in rows if r.svc == svc]
        ops = {r.op for r in rs}
        typed_ops = {r.op for r in rs if r.via == "sdk"}
        exp = sum(r.expected for r in rs if r.decoded)
        miss = sum(len(r.missing) + len(r.unmodelled) for r in rs if r.decoded)
        unmodelled = sum(len(r.unmodelled) for r in rs if r.decoded)
        print(
            f"  {svc:<12} {len(ops):>4} {len(typed_ops):>8} {len(ops) - len(typed_ops):>9} {len(rs):>6}"
            f" {sum(r.accepted for r in rs):>9} {sum(r.decoded for r in rs):>8}"
            f" {exp - miss:>8}/{exp:<7} {unmodelled:>16} {sum(bool(r.rejected_bad_secret) for r in rs):>8}/{len(rs)}"
        )
    if listed:
        print(f"\nlisted exceptions ({len(listed)}, tests/interop/sweep_exceptions.json):")
        for r, exc in listed:
            print(f"  {r.key()}: {exc['reason']} (doc L{exc.get('line', r.line)}, {exc.get('sdk', SDKS[r.svc].release)})")
    for r in stale:
        print(f"  STALE exception {r.key()}: passes now; remove it from sweep_exceptions.json")
    if args.write_exceptions:
        write_exceptions(rows, exceptions)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump([r.__dict__ for r in rows], f, indent=1, default=str)
    print(f"time: {time.monotonic() - t0:.1f}s")
    print(f"{len(rows)} calls, {len(unexpected)} failed, {len(listed)} listed exceptions, {len(stale)} stale")
    return 1 if unexpected or stale else 0


if __name__ == "__main__":
    sys.exit(main())
