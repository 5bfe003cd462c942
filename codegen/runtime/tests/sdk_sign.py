"""Signs request descriptions with the vendors' official Python SDK signers.

Run through scripts/sdk-signers.sh (which installs the SDKs in a virtualenv). Reads a JSON array
of cases on stdin:

    {"id": "...", "scheme": "alibaba_v1" | "alibaba_v3" | "huawei",
     "method": "GET", "host": "...", "path": "/...",
     "query": [[name, value], ...],       # raw values; for alibaba_v1 every signed parameter
     "headers": [[name, value], ...],     # raw values, as the request sends them
     "body_b64": "...",
     "access_key_id": "...", "access_key_secret": "..."}

and prints a JSON array of {"id": ..., "results": [{"signer": ..., "signature": ..., ...}]},
one result per official implementation of the scheme.
"""

import base64
import json
import sys
from types import SimpleNamespace


def alibaba_v1(case):
    # aliyun-python-sdk-core: the composer that RpcRequest uses (module-private helpers; the
    # public get_signed_url adds its own nonce and timestamp, which a comparison cannot use).
    from aliyunsdkcore.auth.composer import rpc_signature_composer as composer
    # alibabacloud-openapi-util: what the Tea-based SDKs use for SignatureVersion 1.0.
    from alibabacloud_openapi_util.client import Client as OpenApiUtil

    params = {k: v for k, v in case["query"] if k != "Signature"}
    sts = getattr(composer, "__compose_string_to_sign")(case["method"], dict(params))
    sig = getattr(composer, "__get_signature")(sts, case["access_key_secret"])
    sig2 = OpenApiUtil.get_rpcsignature(dict(params), case["method"], case["access_key_secret"])
    return [
        {"signer": "aliyun-python-sdk-core", "string_to_sign": sts, "signature": sig},
        {"signer": "alibabacloud-openapi-util", "signature": sig2},
    ]


def alibaba_v3(case):
    from alibabacloud_openapi_util import client as util_module
    from alibabacloud_openapi_util.client import Client as OpenApiUtil

    headers = {k.lower(): v for k, v in case["headers"] if k.lower() != "authorization"}
    request = SimpleNamespace(
        method=case["method"],
        pathname=case["path"],
        query={k: v for k, v in case["query"]},
        headers=headers,
    )
    payload = headers.get("x-acs-content-sha256")
    auth = OpenApiUtil.get_authorization(
        request, "ACS3-HMAC-SHA256", payload, case["access_key_id"], case["access_key_secret"]
    )
    canon_headers, signed = util_module.get_canonicalized_headers(headers)
    canonical = "\n".join(
        [
            request.method,
            request.pathname or "/",
            util_module.get_canonical_query_string(request.query),
            canon_headers,
            signed,
            payload,
        ]
    )
    signature = auth.rsplit("Signature=", 1)[1]
    return [
        {
            "signer": "alibabacloud-openapi-util",
            "canonical_request": canonical,
            "authorization": auth,
            "signature": signature,
        }
    ]


def huawei(case):
    from huaweicloudsdkcore.sdk_request import SdkRequest
    from huaweicloudsdkcore.signer.signer import Signer

    headers = {k: v for k, v in case["headers"] if k.lower() != "authorization"}
    body = base64.b64decode(case.get("body_b64", ""))
    request = SdkRequest(
        method=case["method"],
        schema="https",
        host=case["host"],
        resource_path=case["path"],
        query_params=[(k, v) for k, v in case["query"]],
        header_params=headers,
        body=body if body else "",
    )
    signer = Signer(SimpleNamespace(ak=case["access_key_id"], sk=case["access_key_secret"]))
    signed = signer.sign(request)
    auth = signed.header_params["Authorization"]
    signature = auth.rsplit("Signature=", 1)[1]
    return [{"signer": "huaweicloudsdkcore", "authorization": auth, "signature": signature}]


SCHEMES = {"alibaba_v1": alibaba_v1, "alibaba_v3": alibaba_v3, "huawei": huawei}


def main():
    cases = json.load(sys.stdin)
    out = []
    for case in cases:
        out.append({"id": case["id"], "results": SCHEMES[case["scheme"]](case)})
    json.dump(out, sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
