#!/usr/bin/env python3
"""Records what the vendors' official SDKs put on the wire, for the wire-level differential test.

Run through scripts/record-wire.sh (pinned SDKs in target/interop-venv). For every operation that
a spec (generated/<svc>-server/src/schema.json, the wire schema of specs/<svc>.yaml) shares with
the official SDK, this builds one logical request automatically: the SDK request model's fields,
matched to the spec's parameters by name, with values from the spec's examples (or, without one,
a value of the spec's type). It sends that request through the SDK, which builds, encodes and
signs it with its own code, and captures the HTTP request at the transport layer
(`requests.Session.send`, under both tea and huaweicloudsdkcore): nothing leaves the process.

Clock and nonces are frozen, so a re-recording gives a byte-identical file. Alibaba operations
are recorded twice, with the SDK's default signer (V3, ACS3-HMAC-SHA256) and with
`signature_algorithm='v2'` (RPC v1, HMAC-SHA1). MSE operations that the current SDK release no
longer has go through the SDK client's generic `call_api` (tea's signer and transport) with every
parameter in the query, as the SDK's generated RPC methods send them.

Writes tests/wire/<svc>.json: per operation the logical request as the generated client's model
takes it (`input`, wire names of the spec), the spec parameters the SDK model cannot carry and
the SDK fields the spec lacks, and the captured requests. The Rust side
(apigen_runtime::wire, generated/<svc>-client/tests/wire.rs) replays them against
`encode::<op>` without Python.
"""

import argparse
import base64
import datetime as _dt
import inspect
import json
import os
import re
import sys
import urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
AK = "wire-access-key"
SK = "wire-secret-0123456789"
PROJECT = "0a1b2c3d4e5f60718293a4b5c6d7e8f9"
REGION = "cn-hangzhou"
# RFC 6761 reserves .test: the requests never leave the process (see Capture).
HOST = "wire.test"
UPLOAD = b'{"data":[{"key1":"value1"}]}'
SIGNING_HEADERS = {"authorization", "x-sdk-date", "host", "x-auth-token"}
FROZEN = _dt.datetime(2026, 1, 2, 3, 4, 5)
FROZEN_ISO = "2026-01-02T03:04:05Z"

SDKS = {
    "mse": ("alibabacloud_mse20190531", "alibabacloud-mse20190531"),
    "retailcloud": ("alibabacloud_retailcloud20180313", "alibabacloud-retailcloud20180313"),
    "alikafka": ("alibabacloud_alikafka20190916", "alibabacloud-alikafka20190916"),
    "cse": ("huaweicloudsdkcse", "huaweicloudsdkcse"),
    "dms-kafka": ("huaweicloudsdkkafka", "huaweicloudsdkkafka"),
}


def version_of(dist):
    from importlib.metadata import version

    return version(dist)


# ---------------------------------------------------------------------------------------------
# Transport capture and frozen clock


class Capture:
    """Replaces requests.Session.send: records the prepared request, answers 200 with `body`."""

    def __init__(self):
        self.seen = []
        self.answer = b"{}"

    def install(self):
        import requests

        cap = self

        def send(session, prepared, **kwargs):
            cap.seen.append(prepared)
            resp = requests.Response()
            resp.status_code = 200
            resp._content = cap.answer
            resp.headers["Content-Type"] = "application/json"
            resp.headers["X-Request-Id"] = "wire"
            resp.url = prepared.url
            resp.request = prepared
            resp.reason = "OK"
            resp.encoding = "utf-8"
            return resp

        requests.Session.send = send

    def take(self):
        seen, self.seen = self.seen, []
        return seen


class Nonces:
    """Deterministic nonces: one per recorded call."""

    current = "wire-nonce"


def freeze_clock():
    from alibabacloud_tea_openapi.utils import Utils

    Utils.get_timestamp = staticmethod(lambda: FROZEN_ISO)
    Utils.get_nonce = staticmethod(lambda: Nonces.current)
    Utils.get_date_utcstring = staticmethod(lambda: "Fri, 02 Jan 2026 03:04:05 GMT")

    import huaweicloudsdkcore.signer.signer as hw_signer

    class FrozenDatetime(_dt.datetime):
        @classmethod
        def utcnow(cls):
            return FROZEN

        @classmethod
        def now(cls, tz=None):
            return FROZEN if tz is None else FROZEN.replace(tzinfo=_dt.timezone.utc).astimezone(tz)

    hw_signer.datetime = FrozenDatetime

    # User agents carry the machine's platform and Python version, and Huawei's a random
    # application id (stored under $HOME): fixed here, in each SDK's own format.
    Utils._Utils__get_default_agent = staticmethod(
        lambda: "AlibabaCloud (Linux; x86_64) Python/3 Core/0.4.3 TeaDSL/2"
    )
    import huaweicloudsdkcore.http.user_agent as hw_agent

    hw_agent.user_agent_string = "os/Linux python/3 impl/CPython"

    # Multipart boundaries are random (uuid4): fixed.
    import uuid

    import requests_toolbelt.multipart.encoder as toolbelt

    toolbelt.uuid4 = lambda: uuid.UUID(int=0x5749524557495245)


def request_record(prepared):
    url = urllib.parse.urlsplit(prepared.url)
    body = prepared.body
    if body is None:
        body = b""
    if hasattr(body, "to_string"):  # requests_toolbelt MultipartEncoder
        body = body.to_string()
    if isinstance(body, str):
        body = body.encode("utf-8")
    rec = {
        "method": prepared.method,
        "path": url.path or "/",
        "query": url.query,
        "headers": dict(sorted((k.lower(), v) for k, v in prepared.headers.items())),
    }
    try:
        rec["body"] = body.decode("utf-8")
    except UnicodeDecodeError:
        rec["body_base64"] = base64.b64encode(body).decode("ascii")
    return rec


# ---------------------------------------------------------------------------------------------
# Values from the spec


def load_schema(svc):
    with open(os.path.join(ROOT, "generated", f"{svc}-server", "src", "schema.json"), encoding="utf-8") as f:
        return json.load(f)


def norm_name(n):
    return re.sub(r"[^a-z0-9]", "", n.lower())


def scalar(shape, name):
    t = shape.get("type")
    ex = shape.get("example")
    enum = shape.get("enum")
    if enum:
        if ex is not None and str(ex) in [str(e) for e in enum]:
            ex = next(e for e in enum if str(e) == str(ex))
        else:
            ex = enum[0]
    if t in ("integer", "long"):
        try:
            return int(str(ex)) if ex is not None else 1
        except ValueError:
            return 1
    if t in ("number", "float", "double"):
        try:
            if isinstance(ex, float) and ex.is_integer():
                ex = int(ex)  # the schema keeps a Float's example as 100.0; the document prints 100
            if ex is not None and re.fullmatch(r"-?\d+", str(ex)):
                return int(str(ex))  # the example as printed (100, not 100.0)
            return float(str(ex)) if ex is not None else 1.5
        except ValueError:
            return 1.5
    if t == "boolean":
        if isinstance(ex, bool):
            return ex
        if str(ex).lower() in ("true", "false"):
            return str(ex).lower() == "true"
        return True
    if ex is None:
        return f"{name}-1"
    if isinstance(ex, (dict, list)):
        return json.dumps(ex, ensure_ascii=False, separators=(",", ":"))
    return str(ex)


def second(value, shape, types, depth=0):
    """Another member of a list of objects: free-text strings get a `-2` suffix (enumerated and
    formatted ones stay), so the two members differ."""
    if shape.get("type") == "ref":
        return second(value, types.get(shape.get("ref"), {}), types, depth + 1) if depth < 6 else value
    if isinstance(value, dict):
        fields = {f["name"]: f for f in shape.get("fields") or []}
        return {k: second(v, fields.get(k, {}), types, depth + 1) for k, v in value.items()}
    if isinstance(value, str) and shape.get("type") == "string" and not shape.get("enum") and not value.startswith(("{", "[")):
        return value + "-2"
    return value


def spec_value(shape, name, types, depth=0):
    """A value of `shape` (wire schema), from its example where it has one."""
    t = shape.get("type")
    if t == "ref":
        target = types.get(shape.get("ref"), {"type": "object"})
        if depth > 6:
            return None
        return spec_value(target, name, types, depth + 1)
    if t == "array":
        items = shape.get("items") or {"type": "string"}
        ex = shape.get("example")
        if isinstance(ex, list) and ex and all(not isinstance(x, (dict, list)) for x in ex):
            return [scalar(dict(items, example=x), name) for x in ex[:2]]
        one = spec_value(items, name, types, depth + 1)
        if one is None:
            return None
        if isinstance(one, str):
            return [one, one[:-1] + "2" if one.endswith("1") else one + "-2"]
        if isinstance(one, dict):
            # Two members, so repeat lists show their second index (`Tag.2.Key`).
            return [one, second(one, items, types)]
        return [one, one]
    if t == "object":
        fields = shape.get("fields")
        if not fields:
            ex = shape.get("example")
            return ex if isinstance(ex, dict) else {"key": "value"}
        out = {}
        for f in fields:
            v = spec_value(f, f["name"], types, depth + 1)
            if v is not None:
                out[f["name"]] = v
        return out
    if t == "map":
        v = spec_value(shape.get("items") or {"type": "string"}, "value", types, depth + 1)
        return {"key": v}
    if t in ("file", "binary"):
        # The generated models' File: name, media type and bytes.
        return {"filename": "upload.json", "content_type": "application/json", "data": list(UPLOAD)}
    if t == "any":
        return "any-1"
    return scalar(shape, name)


# ---------------------------------------------------------------------------------------------
# Alibaba (tea)


_TO_MAP = re.compile(r"result\['([^']+)'\]\s*=\s*(?:self\.(\w+)|\[\]|\{\}|dict\(\))")
_IF_ATTR = re.compile(r"if self\.(\w+) is not None")


def tea_fields(cls):
    """[(wire name, attribute, annotation)] of a tea model, from its to_map and __init__."""
    src = inspect.getsource(cls.to_map)
    lines = src.splitlines()
    ann = {}
    for p in list(inspect.signature(cls.__init__).parameters.values())[1:]:
        ann[p.name] = ann_str(p.annotation)
    out = []
    for i, line in enumerate(lines):
        m = _TO_MAP.search(line)
        if not m:
            continue
        wire, attr = m.group(1), m.group(2)
        if attr is None:
            for nxt in lines[i + 1 : i + 3]:
                a = _IF_ATTR.search(nxt)
                if a:
                    attr = a.group(1)
                    break
        if attr and attr in ann and all(w != wire for w, _, _ in out):
            out.append((wire, attr, ann[attr]))
    return out


def ann_str(a):
    """An annotation as text without module prefixes (`List[Tag]`)."""
    if isinstance(a, str):
        text = a
    elif isinstance(a, type):
        text = a.__name__
    else:
        text = str(a)
    return re.sub(r"(?:\w+\.)+(\w+)", r"\1", text)


def tea_type(ann, models):
    """('scalar', py) | ('list', inner) | ('dict', None) | ('model', cls)"""
    ann = ann.strip()
    m = re.fullmatch(r"List\[(.*)\]", ann)
    if m:
        return ("list", tea_type(m.group(1), models))
    if ann.startswith("Dict"):
        return ("dict", None)
    m = re.fullmatch(r"(?:\w+\.)?(\w+)", ann)
    if m and m.group(1) not in ("str", "int", "bool", "float", "Any") and hasattr(getattr(models, m.group(1), None), "to_map"):
        return ("model", getattr(models, m.group(1)))
    return ("scalar", {"str": str, "int": int, "bool": bool, "float": float}.get(ann, None))


def to_scalar(v, py):
    if py is str:
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, (dict, list)):
            return json.dumps(v, ensure_ascii=False, separators=(",", ":"))
        return str(v)
    if py is int and isinstance(v, str):
        try:
            return int(v)
        except ValueError:
            return v
    if py is bool and isinstance(v, str):
        return v.lower() == "true"
    return v


def tea_value(v, kind, models):
    """Converts a spec-typed value into what the SDK model field of `kind` holds."""
    k, inner = kind
    if k == "scalar":
        return to_scalar(v, inner)
    if k == "list":
        if isinstance(v, str):
            try:
                v = json.loads(v)
            except ValueError:
                v = [v]
        if not isinstance(v, list):
            v = [v]
        return [tea_value(x, inner, models) for x in v]
    if k == "dict":
        if isinstance(v, str):
            try:
                return json.loads(v)
            except ValueError:
                return {"value": v}
        return v
    cls = inner
    if isinstance(v, str):
        try:
            v = json.loads(v)
        except ValueError:
            return None
    if isinstance(v, list):
        v = v[0] if v else {}
    if not isinstance(v, dict):
        return None
    obj = cls()
    for wire, attr, ann in tea_fields(cls):
        key = match_key(wire, v)
        if key is not None:
            setattr(obj, attr, tea_value(v[key], tea_type(ann, models), models))
    return obj


def prune(v, kind, members):
    """The part of the logical value `v` that the SDK field of `kind` carries: object members
    the SDK model lacks are dropped (the SDK could not send them), recursively. `members(cls)`
    gives [(wire name, sub-kind)] of an SDK model class."""
    k, inner = kind
    if k == "list" and isinstance(v, list):
        return [prune(x, inner, members) for x in v]
    if k == "model" and isinstance(v, dict):
        out = {}
        for wire, sub in members(inner):
            key = match_key(wire, v)
            if key is not None:
                out[key] = prune(v[key], sub, members)
        return out
    if k == "model" and isinstance(v, list):
        return [prune(x, kind, members) for x in v]
    return v


def tea_members(models):
    return lambda cls: [(w, tea_type(a, models)) for w, _, a in tea_fields(cls)]


def hw_members(model_mod):
    return lambda cls: [(w, hw_type(cls.openapi_types[a], model_mod)) for a, w in cls.attribute_map.items()]


def match_key(wire, values):
    if wire in values:
        return wire
    n = norm_name(wire)
    for k in values:
        if norm_name(k) == n:
            return k
    return None


def tea_methods(client_cls):
    """{Action: method name} of a tea client."""
    out = {}
    for name, fn in inspect.getmembers(client_cls, inspect.isfunction):
        if not name.endswith("_with_options") or name.endswith("_async"):
            continue
        m = re.search(r"action\s*=\s*'(\w+)'", inspect.getsource(fn))
        if m:
            out[m.group(1)] = name[: -len("_with_options")]
    return out


def alibaba_config(v1):
    from alibabacloud_tea_openapi import models as open_api_models

    kw = dict(access_key_id=AK, access_key_secret=SK, endpoint=HOST, protocol="http", region_id=REGION)
    if v1:
        kw["signature_algorithm"] = "v2"
    return open_api_models.Config(**kw)


def record_alibaba(svc, cap, only):
    pkg, _ = SDKS[svc]
    client_mod = __import__(f"{pkg}.client", fromlist=["Client"])
    models = __import__(f"{pkg}.models", fromlist=["x"])
    schema = load_schema(svc)
    methods = tea_methods(client_mod.Client)
    clients = {s: client_mod.Client(alibaba_config(s == "v1")) for s in ("v3", "v1")}
    cap.answer = b'{"RequestId":"wire"}'
    ops = []
    for op in schema["operations"]:
        action = op["id"]
        if only and action not in only:
            continue
        method = methods.get(action)
        types = op.get("types") or {}
        spec_params = {p["name"]: p for p in op.get("params", [])}
        values = {}
        for p in op.get("params", []):
            v = spec_value(p, p["name"], types)
            if v is not None:
                values[p["name"]] = v
        entry = {"op": action}
        if method is None:
            # In the document, not in this SDK release (MSE: the doc-era releases had it): sent
            # through the SDK client's generic call, tea's signer and transport.
            entry["via"] = "call_api"
            entry["input"] = values
            encoded = {}
            for k, v in values.items():
                if spec_params[k].get("encoding") == "json" and not isinstance(v, str):
                    # "String (JSON)" parameters: tea's `json` style, as the SDK's *_shrink fields.
                    encoded[k] = json.dumps(v, ensure_ascii=False, separators=(",", ":"))
                else:
                    encoded[k] = v
            # Another product's operation (CloudMonitor's in the Kafka document) carries its version.
            version = op.get("version") or schema["version"]
            calls = {s: (lambda c, s=s, v=version: generic_rpc(c, action, v, encoded)) for s in clients}
        else:
            fn = getattr(client_mod.Client, method + "_with_options")
            req_ann = list(inspect.signature(fn).parameters.values())[1].annotation
            req_cls = tea_type(ann_str(req_ann), models)[1]
            fields = tea_fields(req_cls)
            obj = req_cls()
            used = {}
            for wire, attr, ann in fields:
                key = match_key(wire, values)
                if key is None:
                    continue
                kind = tea_type(ann, models)
                used[key] = prune(values[key], kind, tea_members(models))
                setattr(obj, attr, tea_value(values[key], kind, models))
            entry["sdk_method"] = method
            entry["input"] = used
            spec_only = sorted(set(spec_params) - set(used))
            sdk_only = sorted(w for w, _, _ in fields if match_key(w, values) is None)
            if spec_only:
                entry["spec_only"] = spec_only
            if sdk_only:
                entry["sdk_only"] = sdk_only
            calls = {s: (lambda c, obj=obj, method=method: getattr(c, method)(obj)) for s in clients}
        entry["requests"] = {}
        for signer, client in clients.items():
            Nonces.current = f"wire-{svc}-{action}-{signer}"
            cap.take()
            err = None
            try:
                calls[signer](client)
            except Exception as e:  # noqa: BLE001 - the answer is fake; only the request matters
                err = f"{type(e).__name__}: {str(e)[:200]}"
            seen = cap.take()
            if not seen:
                raise RuntimeError(f"{svc} {action} [{signer}]: the SDK sent nothing ({err})")
            entry["requests"][signer] = request_record(seen[0])
        ops.append(entry)
    return ops


def generic_rpc(client, action, version, values):
    from alibabacloud_tea_openapi import utils_models as open_api_util_models
    from alibabacloud_tea_openapi.utils import Utils
    from darabonba.runtime import RuntimeOptions

    query = {}
    for k, v in values.items():
        query[k] = v
    req = open_api_util_models.OpenApiRequest(query=Utils.query(query))
    params = open_api_util_models.Params(
        action=action,
        version=version,
        protocol="HTTPS",
        pathname="/",
        method="POST",
        auth_type="AK",
        style="RPC",
        req_body_type="formData",
        body_type="json",
    )
    return client.call_api(params, req, RuntimeOptions())


# ---------------------------------------------------------------------------------------------
# Huawei


def hw_type(t, model_mod):
    t = t.strip()
    if t == "file":
        return ("file", None)
    m = re.fullmatch(r"list\[(.*)\]", t)
    if m:
        return ("list", hw_type(m.group(1), model_mod))
    if t.startswith("dict("):
        return ("dict", None)
    py = {"str": str, "int": int, "bool": bool, "float": float, "object": None}.get(t, "model")
    if py == "model":
        cls = getattr(model_mod, t, None)
        if cls is None:
            return ("scalar", None)
        return ("model", cls)
    return ("scalar", py)


def hw_value(v, kind, model_mod):
    k, inner = kind
    if k == "file":
        from huaweicloudsdkcore.http.formdata import FormFile

        path = os.path.join(os.environ["HOME"], v.get("filename", "upload.bin"))
        with open(path, "wb") as f:
            f.write(bytes(v.get("data", [])))
        return FormFile(open(path, "rb"), v.get("content_type"))
    if k == "scalar":
        return to_scalar(v, inner)
    if k == "list":
        if not isinstance(v, list):
            v = [v]
        return [hw_value(x, inner, model_mod) for x in v]
    if k == "dict":
        return v if isinstance(v, dict) else {"key": v}
    cls = inner
    if isinstance(v, list):
        v = v[0] if v else {}
    if not isinstance(v, dict):
        return None
    obj = cls()
    for attr, wire in cls.attribute_map.items():
        key = match_key(wire, v)
        if key is not None:
            setattr(obj, attr, hw_value(v[key], hw_type(cls.openapi_types[attr], model_mod), model_mod))
    return obj


def path_key(method, path):
    return method.upper() + " " + re.sub(r"\{[^}]*\}", "{}", path.rstrip("/"))


def huawei_methods(client_cls):
    """{(METHOD path-with-{}): method name} of a huaweicloudsdk client."""
    out = {}
    for name, fn in inspect.getmembers(client_cls):
        if not (name.startswith("_") and name.endswith("_http_info")):
            continue
        src = inspect.getsource(fn)
        m = re.search(r'"method": "(\w+)",\s*"resource_path": "([^"]+)"', src)
        if m:
            out[path_key(m.group(1), m.group(2))] = name[1 : -len("_http_info")]
    return out


def literal_segments(key):
    method, path = key.split(" ", 1)
    segs = [seg for seg in path.split("/") if seg]
    return method, segs.count("{}"), sorted(seg for seg in segs if seg != "{}")


def same_resource(op, methods):
    """The SDK method whose path has the same method and the same literal segments in another
    order, with the spec's `{engine}` placeholder read as its only value `kafka` (the document
    writes `/v2/kafka/{project_id}/…` and `/v2/{engine}/{project_id}/…` where the SDK has
    `/v2/{project_id}/kafka/…`): the same resource, its path drifted; the wire test shows the
    difference. Only a unique match counts."""
    path = op["path"].replace("{engine}", "kafka")
    want = literal_segments(path_key(op["method"], path))
    found = [m for k, m in methods.items() if literal_segments(k) == want]
    return found[0] if len(found) == 1 else None


def record_huawei(svc, cap, only):
    from huaweicloudsdkcore.auth.credentials import BasicCredentials

    if svc == "cse":
        from huaweicloudsdkcse.v1 import CseClient as client_cls
        from huaweicloudsdkcse.v1 import model as model_mod
    else:
        from huaweicloudsdkkafka.v2 import KafkaClient as client_cls
        from huaweicloudsdkkafka.v2 import model as model_mod
    client = (
        client_cls.new_builder()
        .with_credentials(BasicCredentials(AK, SK, PROJECT))
        .with_endpoint(f"http://{HOST}")
        .build()
    )
    schema = load_schema(svc)
    methods = huawei_methods(client_cls)
    cap.answer = b"{}"
    ops = []
    for op in schema["operations"]:
        if only and op["id"] not in only:
            continue
        method = methods.get(path_key(op["method"], op["path"]))
        if method is None:
            method = same_resource(op, methods)
        types = op.get("types") or {}
        values = {}
        for p in op.get("params", []):
            if p["name"] == "project_id":
                # The SDK fills it from the credentials; so does the generated client.
                continue
            if p["in"] == "header" and p["name"].lower() in SIGNING_HEADERS:
                # Set by the signer (CSE's registry documents an `Authorization: Bearer` header
                # for RBAC engines; with AK/SK signing the signature takes its place).
                continue
            v = spec_value(p, p["name"], types)
            if v is not None:
                values[p["name"]] = v
        body = op.get("body")
        if body:
            v = spec_value(body, "body", types)
            if v is not None:
                values[body["key"]] = v
        if method is None:
            # Not in this SDK: huaweicloudsdkcore's generic request (the SDK's signer and
            # transport), the parameters placed where the spec puts them.
            if body and not body.get("content_type", "").startswith("application/json"):
                continue  # multipart uploads need the SDK's own file model
            entry = {"op": op["id"], "via": "do_http_request", "input": values}
            call = lambda: generic_huawei(client, op, values)  # noqa: E731
        else:
            entry, call = sdk_huawei_call(client, client_cls, model_mod, op, method, values, body, methods)
        cap.take()
        err = None
        try:
            call()
        except Exception as e:  # noqa: BLE001
            err = f"{type(e).__name__}: {str(e)[:200]}"
        seen = cap.take()
        if not seen:
            raise RuntimeError(f"{svc} {op['id']}: the SDK sent nothing ({err})")
        entry["requests"] = {"huawei": request_record(seen[0])}
        ops.append(entry)
    return ops


def generic_huawei(client, op, values):
    from huaweicloudsdkcore.sdk_response import SdkResponse

    class RawResponse(SdkResponse):
        openapi_types = {}
        attribute_map = {}

    path_params, query, headers = {}, [], {}
    body = None
    for p in op.get("params", []):
        if p["name"] not in values:
            continue
        v = values[p["name"]]
        if p["in"] == "path":
            path_params[p["name"]] = v
        elif p["in"] == "query":
            items = v if isinstance(v, list) else [v]
            if p.get("encoding") == "csv":
                items = [",".join(str(x) for x in items)]
            for x in items:
                query.append((p["name"], to_scalar(x, str)))
        elif p["in"] == "header":
            headers[p["name"]] = to_scalar(v, str)
    b = op.get("body")
    if b and b["key"] in values:
        body = values[b["key"]]
    headers.setdefault("Content-Type", "application/json")
    return client.do_http_request(
        method=op["method"],
        resource_path=op["path"],
        path_params=path_params,
        query_params=query,
        header_params=headers,
        body=body,
        post_params={},
        cname=None,
        response_type=RawResponse,
        response_headers=[],
        collection_formats={},
        request_type=None,
    )


def sdk_huawei_call(client, client_cls, model_mod, op, method, values, body, methods):
    fn = getattr(client_cls, method)
    req_name = re.search(r"huaweicloudsdk\w+\.v\d+\.(\w+Request)", fn.__doc__ or "")
    req_cls = getattr(model_mod, req_name.group(1))
    obj = req_cls()
    used = {}
    spec_body_key = body["key"] if body else None
    for attr, wire in req_cls.attribute_map.items():
        if attr == "body" and spec_body_key in values:
            key = spec_body_key
        else:
            key = match_key(wire, {k: v for k, v in values.items() if k != spec_body_key})
        if key is None:
            continue
        kind = hw_type(req_cls.openapi_types[attr], model_mod)
        used[key] = prune(values[key], kind, hw_members(model_mod))
        setattr(obj, attr, hw_value(values[key], kind, model_mod))
    if "{engine}" in op["path"] and "engine" not in used and not path_key(op["method"], op["path"]) in methods:
        # The SDK's path has the engine fixed (`…/kafka/…`, see same_resource).
        used["engine"] = "kafka"
    entry = {"op": op["id"], "sdk_method": method, "input": used}
    spec_only = sorted(set(values) - set(used))
    sdk_only = sorted(
        w for a, w in req_cls.attribute_map.items() if a != "body" and match_key(w, values) is None
    )
    if spec_only:
        entry["spec_only"] = spec_only
    if sdk_only:
        entry["sdk_only"] = sdk_only
    return entry, lambda: getattr(client, method)(obj)


# ---------------------------------------------------------------------------------------------


def main():
    # huaweicloudsdkcore stores an application id under $HOME when first imported.
    os.environ["HOME"] = os.path.join(ROOT, "target", "record-wire-home")
    os.makedirs(os.environ["HOME"], exist_ok=True)
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("services", nargs="*", default=list(SDKS))
    ap.add_argument("--only", action="append", help="record only these operations")
    ap.add_argument("--out-dir", default=os.path.join(ROOT, "tests", "wire"))
    ap.add_argument(
        "--check",
        action="store_true",
        help="record into a temporary directory and fail when a checked-in fixture differs",
    )
    args = ap.parse_args()
    checked_in = args.out_dir
    if args.check:
        import tempfile

        args.out_dir = tempfile.mkdtemp(prefix="record-wire-")
    cap = Capture()
    cap.install()
    freeze_clock()
    os.makedirs(args.out_dir, exist_ok=True)
    for svc in args.services:
        pkg, dist = SDKS[svc]
        if svc in ("cse", "dms-kafka"):
            ops = record_huawei(svc, cap, args.only)
            runtime = f"huaweicloudsdkcore {version_of('huaweicloudsdkcore')}"
            signers = ["huawei"]
        else:
            ops = record_alibaba(svc, cap, args.only)
            runtime = f"alibabacloud-tea-openapi {version_of('alibabacloud-tea-openapi')}"
            signers = ["v3", "v1"]
        doc = {
            "service": svc,
            "sdk": f"{dist} {version_of(dist)}",
            "runtime": runtime,
            "recorded_by": "scripts/record-wire.sh (tests/interop/record_wire.py)",
            "credentials": {"access_key_id": AK, "secret": SK, "project_id": PROJECT},
            "signers": signers,
            "operations": ops,
        }
        path = os.path.join(args.out_dir, f"{svc}.json")
        with open(path, "w", encoding="utf-8") as f:
            json.dump(doc, f, ensure_ascii=False, indent=1, sort_keys=False)
            f.write("\n")
        print(f"{svc}: {len(ops)} operations recorded -> {os.path.relpath(path, ROOT)}")
    if args.check:
        stale = []
        for svc in args.services:
            fresh = os.path.join(args.out_dir, f"{svc}.json")
            kept = os.path.join(checked_in, f"{svc}.json")
            with open(fresh, "rb") as a:
                new_bytes = a.read()
            try:
                with open(kept, "rb") as b:
                    old_bytes = b.read()
            except FileNotFoundError:
                old_bytes = None
            if new_bytes != old_bytes:
                stale.append(os.path.relpath(kept, ROOT))
        import shutil

        shutil.rmtree(args.out_dir, ignore_errors=True)
        if stale:
            print(f"stale: {', '.join(stale)} (re-record with scripts/record-wire.sh and review the diff)")
            return 1
        print("fixtures are fresh")
    return 0


if __name__ == "__main__":
    sys.exit(main())
