#!/usr/bin/env python3
"""The endpoint every official SDK resolves, for every region it lists: tests/interop/sdk-endpoints.json.

Run with the interop virtualenv (scripts/sdk-interop.sh creates it, with the pinned SDKs):

    target/interop-venv/bin/python tests/interop/sdk_endpoints.py          # rewrite the fixture
    target/interop-venv/bin/python tests/interop/sdk_endpoints.py --check  # exit 1 if stale

The hosts are not read from the SDKs' data by hand: each one is what the SDK itself resolves.

- Alibaba (alibabacloud-mse20190531, -retailcloud20180313, -alikafka20190916, and -cms20190101
  for the CloudMonitor operations of the Kafka document): the SDK client is
  constructed with `Config(region_id=…, network=…)` and its `_endpoint` read, so the answer is the
  SDK's own order (the client's `_endpoint_map` first, then `_endpoint_rule` with the network).
  Regions: every region any of the three clients' endpoint maps lists (a service without a map
  entry for a region is still served there by its rule), plus two regions no SDK lists, to pin the
  rule. Networks: `public` and `vpc`.
- Huawei (huaweicloudsdkcse, huaweicloudsdkkafka): `<Service>Region.value_of(region)` for every
  region of the SDK's region file (`static_fields`), environment overrides
  (`HUAWEICLOUD_SDK_REGION_*`) removed first. The SDKs refuse regions they do not list.

tests/endpoints.rs checks `Client::config_for_region(region, …).endpoint` of every generated
client against every entry; scripts/sdk-interop.sh runs `--check` so the fixture follows the
pinned SDK releases.
"""

import argparse
import importlib.metadata
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FIXTURE = os.path.join(ROOT, "tests", "interop", "sdk-endpoints.json")

ALIBABA = [
    # (spec service name, SDK distribution, client module)
    ("mse", "alibabacloud-mse20190531", "alibabacloud_mse20190531.client"),
    ("retailcloud", "alibabacloud-retailcloud20180313", "alibabacloud_retailcloud20180313.client"),
    ("alikafka", "alibabacloud-alikafka20190916", "alibabacloud_alikafka20190916.client"),
    # The CloudMonitor operations of the Alibaba Kafka document (alikafka_client::cms).
    ("alikafka/cms", "alibabacloud-cms20190101", "alibabacloud_cms20190101.client"),
]
HUAWEI = [
    ("cse", "huaweicloudsdkcse", "huaweicloudsdkcse.v1.region.cse_region", "CseRegion"),
    ("dms-kafka", "huaweicloudsdkkafka", "huaweicloudsdkkafka.v2.region.kafka_region", "KafkaRegion"),
]
NETWORKS = ["public", "vpc"]
# Regions no SDK lists: the rule decides (syntactically ordinary, deliberately not real).
UNLISTED = ["xx-unlisted-1", "zz-test-9"]


def alibaba(entries, sources):
    import importlib

    from alibabacloud_tea_openapi.models import Config

    clients = {}
    regions = set()
    for name, dist, module in ALIBABA:
        cls = importlib.import_module(module).Client
        clients[name] = cls
        sources[name] = f"{dist} {importlib.metadata.version(dist)}"
        probe = cls(Config(region_id="cn-hangzhou", access_key_id="x", access_key_secret="y"))
        regions.update((getattr(probe, "_endpoint_map", None) or {}).keys())
    for name, _, _ in ALIBABA:
        cls = clients[name]
        for region in sorted(regions) + UNLISTED:
            for network in NETWORKS:
                c = cls(Config(region_id=region, network=network, access_key_id="x", access_key_secret="y"))
                entries.append(
                    {
                        "service": name,
                        "region": region,
                        "network": network,
                        "listed": region in regions,
                        "host": c._endpoint,
                    }
                )


def huawei(entries, sources):
    import importlib

    for key in [k for k in os.environ if k.startswith("HUAWEICLOUD_SDK_REGION")]:
        del os.environ[key]
    for name, dist, module, cls_name in HUAWEI:
        cls = getattr(importlib.import_module(module), cls_name)
        sources[name] = f"{dist} {importlib.metadata.version(dist)}"
        for region in sorted(cls.static_fields):
            endpoints = cls.value_of(region).endpoints
            host = endpoints[0].split("://", 1)[-1].rstrip("/")
            entries.append(
                {"service": name, "region": region, "network": "public", "listed": True, "host": host}
            )


def build():
    entries, sources = [], {}
    alibaba(entries, sources)
    huawei(entries, sources)
    return {
        "generated_by": "tests/interop/sdk_endpoints.py",
        "sources": sources,
        "endpoints": entries,
    }


def tables():
    """The SDKs' own endpoint data (what specs/corrections/*.yaml record), for review on a bump."""
    import importlib

    from alibabacloud_tea_openapi.models import Config

    out = {}
    for name, dist, module in ALIBABA:
        c = importlib.import_module(module).Client(
            Config(region_id="cn-hangzhou", access_key_id="x", access_key_secret="y")
        )
        out[name] = {
            "source": f"{dist} {importlib.metadata.version(dist)}",
            "endpoint_rule": c._endpoint_rule,
            "endpoint_map": dict(sorted((getattr(c, "_endpoint_map", None) or {}).items())),
        }
    for name, dist, module, cls_name in HUAWEI:
        cls = getattr(importlib.import_module(module), cls_name)
        out[name] = {
            "source": f"{dist} {importlib.metadata.version(dist)}",
            "regions": {r: [e.split("://", 1)[-1] for e in cls.static_fields[r].endpoints] for r in sorted(cls.static_fields)},
        }
    return out


def render(data):
    # One entry per line: reviewable diffs when an SDK release changes a host.
    lines = ["{", f'  "generated_by": {json.dumps(data["generated_by"])},']
    lines.append(f'  "sources": {json.dumps(data["sources"], sort_keys=True)},')
    lines.append('  "endpoints": [')
    body = [f"    {json.dumps(e, sort_keys=True)}" for e in data["endpoints"]]
    lines.append(",\n".join(body))
    lines.append("  ]")
    lines.append("}")
    return "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--check", action="store_true", help="fail if the fixture is stale")
    ap.add_argument("-o", "--output", default=FIXTURE)
    ap.add_argument("--tables", action="store_true", help="print the SDKs' endpoint data instead")
    args = ap.parse_args()
    if args.tables:
        print(json.dumps(tables(), indent=2))
        return 0
    text = render(build())
    if args.check:
        try:
            with open(args.output, encoding="utf-8") as f:
                old = f.read()
        except FileNotFoundError:
            old = ""
        if old != text:
            print(
                f"sdk-endpoints: {os.path.relpath(args.output, ROOT)} is stale against the installed SDKs; "
                "rerun tests/interop/sdk_endpoints.py",
                file=sys.stderr,
            )
            return 1
        n = text.count('"service"')
        print(f"sdk-endpoints: {n} (service, region, network) entries match the installed SDKs")
        return 0
    with open(args.output, "w", encoding="utf-8") as f:
        f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
