#!/usr/bin/env python3
"""Interop, stateful: the vendors' official Python SDKs drive the stateful mocks.

Run through scripts/sdk-interop.sh (pinned SDKs in a virtualenv, mock binaries built). Each mock
is started with `--stateful` and signature verification on (`--credentials AK:SK`), and per
service at least one resource goes through its whole life as the SDK's users would see it:

- N creates, each named by the client where the document lets it choose the name;
- the list paged with a small page size: every created item exactly once, the total as created
  (where the resource's list pages);
- a describe (where the document has one) or the listed item showing the members the create
  sent;
- a second create of a taken name: the SDK raises its exception carrying the conflict code and
  status of the mock's plan (the document's own error where it lists one);
- every delete succeeds; the list is empty after, and a describe or second delete of a deleted
  one raises the SDK's exception with the plan's not-found code and status;
- a list with nothing in the store decodes, in the SDK's model, as an empty list (`[]`), not as
  a missing member (`None`): response lists are written even when empty, as the services'
  documented answers show them (`"unavailable_zones" : [ ]`, `"TagVO": []`).

Then, on a fresh store per service, every paged list of the mock's plans (page number/size or
offset/limit; 16 lists) is read page by page through the SDK, as its users page: 7 created one by
one, then 7 more created at once while pages are read, then (where the client names the
resource or a member must be unique) 7 identical creates at once — exactly one succeeds; after
each, every created item exactly once in pages of 3, no page longer than asked, the total as
created. Nothing is written per operation: the plans (stateful.json), the requests (cases.json)
and the SDK calls the sweep finds by introspection (sdk_sweep.py).

Expected codes come from generated/<svc>-mock/src/stateful.json (what `apigen resources` prints),
so a change of the document's error tables moves the expectation with it. Prints one line per
check and `N passed, M failed`; exits 1 on any failure.
"""

import argparse
import json
import os
import sys
import time
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import sdk_interop as base  # noqa: E402 - the Mock process, configs and result table
from sdk_interop import AK, PROJECT, REGION, SK  # noqa: E402,F401

ROOT = base.ROOT
N = 7
PAGE = 3


def plan(service, operation):
    with open(os.path.join(ROOT, "generated", f"{service}-mock", "src", "stateful.json")) as f:
        return json.load(f)[operation]


def documented(service, operation, which, fallback_status, fallback_code):
    answer = plan(service, operation).get(which)
    if answer:
        return answer["status"], answer["code"]
    return fallback_status, fallback_code


def conflict(service, operation):
    return documented(service, operation, "conflict", 409, "ResourceAlreadyExists")


def not_found(service, operation):
    return documented(service, operation, "not_found", 404, "ResourceNotFound")


def case(service, operation):
    """The mock's own request case of `operation` (wire names)."""
    with open(os.path.join(ROOT, "generated", f"{service}-mock", "tests", "cases.json")) as f:
        for c in json.load(f):
            if c["op"] == operation:
                return c
    raise KeyError(operation)


def rpc_params(service, operation, **over):
    """The case's RPC parameters as a tea model's map: `UserRoles.1.RoleName` becomes a list of
    objects, `X.1` a list."""
    out = {}
    for k, v in case(service, operation)["params"]:
        parts = k.split(".")
        if len(parts) == 1:
            out[k] = v
        elif len(parts) == 2 and parts[1].isdigit():
            out.setdefault(parts[0], []).append(v)
        elif len(parts) == 3 and parts[1].isdigit():
            items = out.setdefault(parts[0], [])
            i = int(parts[1]) - 1
            while len(items) <= i:
                items.append({})
            items[i][parts[2]] = v
    out.update(over)
    return out


def hw_model(module, cls_name, data):
    """A Huawei SDK model from wire-named `data` (nested models followed by `openapi_types`)."""
    cls = getattr(module, cls_name)
    by_wire = {w: a for a, w in cls.attribute_map.items()}
    kwargs = {}
    for k, v in data.items():
        attr = by_wire.get(k)
        if attr is None:
            continue
        ty = cls.openapi_types.get(attr, "str")
        if isinstance(v, dict) and hasattr(module, ty):
            v = hw_model(module, ty, v)
        elif isinstance(v, list) and ty.startswith("list[") and hasattr(module, ty[5:-1]):
            v = [hw_model(module, ty[5:-1], x) if isinstance(x, dict) else x for x in v]
        kwargs[attr] = v
    return cls(**kwargs)


def expect_error(call, want, vendor):
    """The call raises the SDK's exception with the wanted (status, code)."""
    want_status, want_code = want
    try:
        call()
    except Exception as e:  # noqa: BLE001
        if vendor == "alibaba":
            status = getattr(e, "status_code", None) or getattr(e, "statusCode", None)
            code = getattr(e, "code", None)
        else:
            status = getattr(e, "status_code", None)
            code = getattr(e, "error_code", None)
        if status != want_status or str(code) != want_code:
            raise AssertionError(
                f"want HTTP {want_status} {want_code}, the SDK raised {base.describe_error(e)}"
            ) from e
        return f"{type(e).__name__}: HTTP {status} {code}"
    raise AssertionError(f"accepted; want HTTP {want_status} {want_code}")


def exactly_once(seen, created):
    if sorted(seen) != sorted(created):
        raise AssertionError(f"paging gave {sorted(seen)}, created {sorted(created)}")
    return f"{len(seen)} items in pages of {PAGE}, each once"


def empty_list(value, what):
    """The SDK decoded `what` of an empty store as an empty list (not `None`)."""
    if value != [] or not isinstance(value, list):
        raise AssertionError(f"{what} of an empty store decodes as {value!r}, want []")
    return f"{what} == []"


def page_through(fetch):
    """Pages with `fetch(page_index) -> (ids, total)` until a short page."""
    seen, k = [], 0
    while k < 2 * N:
        ids, total = fetch(k)
        if total is not None and int(total) != N:
            raise AssertionError(f"page {k} reports total {total}, created {N}")
        if len(ids) > PAGE:
            raise AssertionError(f"page {k} holds {len(ids)} items, asked for {PAGE}")
        seen += ids
        if len(ids) < PAGE:
            break
        k += 1
    return seen


def flow(results, svc, steps):
    """Runs the steps in order; after the first failure the rest are reported as skipped."""
    broken = None
    for name, fn in steps:
        if broken:
            results.run(svc, name, lambda b=broken: (_ for _ in ()).throw(AssertionError(f"skipped after {b}")))
            continue
        before = len(results.rows)
        results.run(svc, name, fn)
        if not results.rows[before][2]:
            broken = name


# ---------------------------------------------------------------------------------------------
# Alibaba


def alikafka(results, address):
    from alibabacloud_alikafka20190916 import models as m
    from alibabacloud_alikafka20190916.client import Client

    svc = "alikafka"
    c = Client(base.alibaba_config(address, SK, False))
    inst = "alikafka_pre-cn-interop01"
    names = [f"interop-topic-{i:02}" for i in range(N)]

    def create(name):
        return c.create_topic(
            m.CreateTopicRequest(instance_id=inst, region_id=REGION, topic=name, remark=f"remark of {name}")
        )

    def creates():
        for n in names:
            base.body_map(create(n))
        return f"{N} topics created"

    def fetch(k):
        b = base.body_map(
            c.get_topic_list(
                m.GetTopicListRequest(
                    instance_id=inst, region_id=REGION, current_page=str(k + 1), page_size=str(PAGE)
                )
            )
        )
        items = b.topic_list.topic_vo if b.topic_list else []
        return [t.topic for t in items], b.total

    def empty():
        b = base.body_map(
            c.get_topic_list(m.GetTopicListRequest(instance_id=inst, region_id=REGION, current_page="1", page_size="10"))
        )
        return empty_list(b.topic_list.topic_vo if b.topic_list else None, "TopicList.TopicVO")

    def listed_fields():
        b = base.body_map(
            c.get_topic_list(m.GetTopicListRequest(instance_id=inst, region_id=REGION, current_page="1", page_size="20"))
        )
        for t in b.topic_list.topic_vo:
            if t.remark != f"remark of {t.topic}":
                raise AssertionError(f"{t.topic} listed with remark {t.remark!r}")
        return "every listed topic shows the remark it was created with"

    def deletes():
        for n in names:
            base.body_map(c.delete_topic(m.DeleteTopicRequest(instance_id=inst, region_id=REGION, topic=n)))
        left, total = fetch(0)
        if left or int(total) != 0:
            raise AssertionError(f"after the deletes the list holds {left} (total {total})")
        return f"{N} deleted, list empty"

    gone = lambda: c.delete_topic(m.DeleteTopicRequest(instance_id=inst, region_id=REGION, topic=names[0]))  # noqa: E731
    flow(
        results,
        svc,
        [
            ("topic: GetTopicList of an empty store", empty),
            ("topic: CreateTopic ×7", creates),
            ("topic: GetTopicList paged", lambda: exactly_once(page_through(fetch), names)),
            ("topic: listed items show the sent Remark", listed_fields),
            ("topic: duplicate CreateTopic", lambda: expect_error(lambda: create(names[0]), conflict(svc, "CreateTopic"), "alibaba")),
            ("topic: DeleteTopic all", deletes),
            ("topic: DeleteTopic of a deleted one", lambda: expect_error(gone, not_found(svc, "DeleteTopic"), "alibaba")),
        ],
    )


def mse(results, address):
    from alibabacloud_mse20190531 import models as m
    from alibabacloud_mse20190531.client import Client

    svc = "mse"
    c = Client(base.alibaba_config(address, SK, False))
    ids = []

    def creates():
        for i in range(N):
            req = m.CreateClusterRequest().from_map(rpc_params(svc, "CreateCluster", InstanceCount=str(3 + i)))
            b = base.body_map(c.create_cluster(req))
            if not b.instance_id:
                raise AssertionError("CreateCluster answered no InstanceId")
            ids.append(b.instance_id)
        if len(set(ids)) != N:
            raise AssertionError(f"ids repeat: {ids}")
        return f"{N} clusters, ids like {ids[0]}"

    def fetch(k):
        b = base.body_map(c.list_clusters(m.ListClustersRequest(page_num=k + 1, page_size=PAGE, region_id=REGION)))
        return [x.instance_id for x in b.data or []], b.total_count

    def empty():
        b = base.body_map(c.list_clusters(m.ListClustersRequest(page_num=1, page_size=10, region_id=REGION)))
        return empty_list(b.data, "ListClusters Data")

    def describe():
        for i, id_ in enumerate(ids):
            b = base.body_map(c.query_cluster_detail(m.QueryClusterDetailRequest(instance_id=id_)))
            if b.data.instance_id != id_ or b.data.instance_count != 3 + i:
                raise AssertionError(f"{id_} described as {b.data.instance_id} with InstanceCount {b.data.instance_count}")
        return "each described with its id and the InstanceCount sent"

    def update():
        base.body_map(c.update_cluster(m.UpdateClusterRequest(instance_id=ids[0], cluster_alias_name="interop-alias")))
        b = base.body_map(c.query_cluster_detail(m.QueryClusterDetailRequest(instance_id=ids[0])))
        if b.data.cluster_alias_name != "interop-alias":
            raise AssertionError(f"ClusterAliasName is {b.data.cluster_alias_name!r} after UpdateCluster")
        return "ClusterAliasName updated"

    def znode(path):
        return c.create_znode(m.CreateZnodeRequest(cluster_id="mse-interop", path=path, data="v1"))

    def duplicate():
        base.body_map(znode("/interop"))
        return expect_error(lambda: znode("/interop"), conflict(svc, "CreateZnode"), "alibaba")

    def deletes():
        for id_ in ids:
            base.body_map(c.delete_cluster(m.DeleteClusterRequest(instance_id=id_)))
        left, total = fetch(0)
        if left or int(total) != 0:
            raise AssertionError(f"after the deletes the list holds {left}")
        return f"{N} deleted, list empty"

    flow(
        results,
        svc,
        [
            ("cluster: ListClusters of an empty store", empty),
            ("cluster: CreateCluster ×7", creates),
            ("cluster: ListClusters paged", lambda: exactly_once(page_through(fetch), ids)),
            ("cluster: QueryClusterDetail", describe),
            ("cluster: UpdateCluster reflected", update),
            ("znode: duplicate CreateZnode", duplicate),
            ("cluster: DeleteCluster all", deletes),
            (
                "cluster: QueryClusterDetail of a deleted one",
                lambda: expect_error(
                    lambda: c.query_cluster_detail(m.QueryClusterDetailRequest(instance_id=ids[0])),
                    not_found(svc, "QueryClusterDetail"),
                    "alibaba",
                ),
            ),
        ],
    )


def retailcloud(results, address):
    from alibabacloud_retailcloud20180313 import models as m
    from alibabacloud_retailcloud20180313.client import Client

    svc = "retailcloud"
    c = Client(base.alibaba_config(address, SK, False))
    cluster = "interop-cluster"
    names = [f"interop-pv-{i:02}" for i in range(N)]

    def create(name):
        req = m.CreatePersistentVolumeRequest().from_map(
            rpc_params(svc, "CreatePersistentVolume", Name=name, ClusterInstanceId=cluster)
        )
        return c.create_persistent_volume(req)

    def creates():
        for n in names:
            base.body_map(create(n))
        return f"{N} volumes created"

    def fetch(k):
        b = base.body_map(
            c.list_persistent_volume(
                m.ListPersistentVolumeRequest(cluster_instance_id=cluster, page_number=k + 1, page_size=PAGE)
            )
        )
        return [x.name for x in b.data or []], b.total_count

    def empty():
        b = base.body_map(
            c.list_persistent_volume(m.ListPersistentVolumeRequest(cluster_instance_id=cluster, page_number=1, page_size=10))
        )
        return empty_list(b.data, "ListPersistentVolume Data")

    app_ids = []

    def app_lifecycle():
        req = m.CreateAppRequest().from_map(rpc_params(svc, "CreateApp", Title="interop-app"))
        b = base.body_map(c.create_app(req))
        app_ids.append(b.result.app_id)
        d = base.body_map(c.describe_app_detail(m.DescribeAppDetailRequest(app_id=b.result.app_id)))
        if d.result.app_id != b.result.app_id or d.result.title != "interop-app":
            raise AssertionError(f"described as {d.result.app_id} {d.result.title!r}")
        return f"app {b.result.app_id} described with its Title"

    def deletes():
        for n in names:
            base.body_map(
                c.delete_persistent_volume(
                    m.DeletePersistentVolumeRequest(cluster_instance_id=cluster, persistent_volume_name=n)
                )
            )
        base.body_map(c.delete_app_detail(m.DeleteAppDetailRequest(app_id=app_ids[0])))
        left, total = fetch(0)
        if left or int(total) != 0:
            raise AssertionError(f"after the deletes the list holds {left}")
        return f"{N} volumes and the app deleted, list empty"

    gone = lambda: c.delete_persistent_volume(  # noqa: E731
        m.DeletePersistentVolumeRequest(cluster_instance_id=cluster, persistent_volume_name=names[0])
    )
    flow(
        results,
        svc,
        [
            ("persistentvolume: ListPersistentVolume of an empty store", empty),
            ("persistentvolume: CreatePersistentVolume ×7", creates),
            ("persistentvolume: ListPersistentVolume paged", lambda: exactly_once(page_through(fetch), names)),
            (
                "persistentvolume: duplicate CreatePersistentVolume",
                lambda: expect_error(lambda: create(names[0]), conflict(svc, "CreatePersistentVolume"), "alibaba"),
            ),
            ("app: CreateApp, DescribeAppDetail", app_lifecycle),
            ("persistentvolume, app: deletes", deletes),
            (
                "persistentvolume: DeletePersistentVolume of a deleted one",
                lambda: expect_error(gone, not_found(svc, "DeletePersistentVolume"), "alibaba"),
            ),
            (
                "app: DescribeAppDetail of a deleted one",
                lambda: expect_error(
                    lambda: c.describe_app_detail(m.DescribeAppDetailRequest(app_id=app_ids[0])),
                    not_found(svc, "DescribeAppDetail"),
                    "alibaba",
                ),
            ),
        ],
    )


# ---------------------------------------------------------------------------------------------
# Huawei


def cse(results, address):
    from huaweicloudsdkcse.v1 import CseClient
    from huaweicloudsdkcse.v1 import model as m

    svc = "cse"
    c = base.huawei_client(CseClient, address, SK)
    engine, project = "interop-engine", "interop-eps"
    ids = [f"interop-ns-{i:02}" for i in range(N)]

    def create(ns):
        return c.create_nacos_namespaces(
            m.CreateNacosNamespacesRequest(
                x_engine_id=engine, x_enterprise_project_id=project, custom_namespace_id=ns, namespace_name=f"name of {ns}"
            )
        )

    def creates():
        for ns in ids:
            base.ok_status(create(ns))
        return f"{N} namespaces created"

    def listed(k, limit=PAGE):
        r = c.list_nacos_namespaces(
            m.ListNacosNamespacesRequest(x_engine_id=engine, x_enterprise_project_id=project, offset=k * PAGE, limit=limit)
        )
        base.ok_status(r)
        body = json.loads(r.raw_content) if getattr(r, "raw_content", None) else json.loads(r.body)
        return body.get("data") or []

    def fetch(k):
        return [x["namespace"] for x in listed(k)], None

    def empty():
        r = c.list_nacos_namespaces(
            m.ListNacosNamespacesRequest(x_engine_id=engine, x_enterprise_project_id=project, offset=0, limit=10)
        )
        base.ok_status(r)
        body = json.loads(r.raw_content) if getattr(r, "raw_content", None) else json.loads(r.body)
        engines = c.list_engines(m.ListEnginesRequest(offset=0, limit="10"))
        base.ok_status(engines)
        return f"{empty_list(body.get('data'), 'nacos namespaces data')}, {empty_list(engines.data, 'ListEngines data')}"

    def all_at_zero():
        # The document: "0 indicates that all results are displayed on one page" (L4877).
        got = sorted(x["namespace"] for x in listed(0, limit=0))
        if got != sorted(ids):
            raise AssertionError(f"limit=0 lists {got}, want all {N}")
        return f"limit=0: all {len(got)} on one page"

    def shown():
        for x in listed(0, limit=20):
            if x.get("namespaceShowName") != f"name of {x['namespace']}":
                raise AssertionError(f"{x['namespace']} listed with namespaceShowName {x.get('namespaceShowName')!r}")
        return "every listed namespace shows the name it was created with"

    def engine_lifecycle():
        body = case(svc, "CreateMicroserviceEngine")["input"]["body"]
        body = dict(body, name="interop-engine-1")
        r = c.create_engine(m.CreateEngineRequest(x_enterprise_project_id=project, body=hw_model(m, "EngineCreateReq", body)))
        base.ok_status(r)
        s = c.show_engine(m.ShowEngineRequest(x_enterprise_project_id=project, engine_id=r.id))
        base.ok_status(s)
        if s.id != r.id or s.name != "interop-engine-1":
            raise AssertionError(f"engine {r.id} described as {s.id} {s.name!r}")
        dup = expect_error(
            lambda: c.create_engine(m.CreateEngineRequest(x_enterprise_project_id=project, body=hw_model(m, "EngineCreateReq", body))),
            conflict(svc, "CreateMicroserviceEngine"),
            "huawei",
        )
        base.ok_status(c.delete_engine(m.DeleteEngineRequest(x_enterprise_project_id=project, engine_id=r.id)))
        miss = expect_error(
            lambda: c.show_engine(m.ShowEngineRequest(x_enterprise_project_id=project, engine_id=r.id)),
            not_found(svc, "QueryMicroserviceEngineDetails"),
            "huawei",
        )
        return f"engine created, described (status {s.status}), duplicate name: {dup}; deleted, then {miss}"

    def deletes():
        for ns in ids:
            base.ok_status(
                c.delete_nacos_namespaces(
                    m.DeleteNacosNamespacesRequest(x_engine_id=engine, x_enterprise_project_id=project, namespace_id=ns)
                )
            )
        left = listed(0)
        if left:
            raise AssertionError(f"after the deletes the list holds {left}")
        return f"{N} deleted, list empty"

    gone = lambda: c.delete_nacos_namespaces(  # noqa: E731
        m.DeleteNacosNamespacesRequest(x_engine_id=engine, x_enterprise_project_id=project, namespace_id=ids[0])
    )
    flow(
        results,
        svc,
        [
            ("nacos namespace, engine: lists of an empty store", empty),
            ("nacos namespace: create ×7", creates),
            ("nacos namespace: list paged", lambda: exactly_once(page_through(fetch), ids)),
            ("nacos namespace: list with limit=0 holds all", all_at_zero),
            ("nacos namespace: listed items show the sent name", shown),
            (
                "nacos namespace: duplicate create",
                lambda: expect_error(lambda: create(ids[0]), conflict(svc, "CreateNacosNamespace"), "huawei"),
            ),
            ("engine: create, show, duplicate name, delete, gone", engine_lifecycle),
            ("nacos namespace: delete all", deletes),
            ("nacos namespace: delete of a deleted one", lambda: expect_error(gone, not_found(svc, "DeleteNacosNamespace"), "huawei")),
        ],
    )


def dms_kafka(results, address):
    from huaweicloudsdkkafka.v2 import KafkaClient
    from huaweicloudsdkkafka.v2 import model as m

    svc = "dms-kafka"
    c = base.huawei_client(KafkaClient, address, SK)
    names = [f"interop-kafka-{i:02}" for i in range(N)]
    ids = []

    def create(name):
        body = dict(case(svc, "CreateInstance")["input"]["body"], name=name, engine="kafka")
        return c.create_instance_by_engine(
            m.CreateInstanceByEngineRequest(engine="kafka", body=hw_model(m, "CreateInstanceByEngineReq", body))
        )

    def creates():
        for n in names:
            r = create(n)
            base.ok_status(r)
            ids.append(r.instance_id)
        return f"{N} instances, ids like {ids[0]}"

    def fetch(k):
        r = c.list_instances(m.ListInstancesRequest(engine="kafka", offset=str(k * PAGE), limit=str(PAGE)))
        base.ok_status(r)
        return [x.instance_id for x in r.instances or []], r.instance_num

    def empty():
        r = c.list_instances(m.ListInstancesRequest(engine="kafka"))
        base.ok_status(r)
        t = c.list_instance_topics(m.ListInstanceTopicsRequest(instance_id="5ad7ca8e-0000-4000-8000-00000000abcd"))
        base.ok_status(t)
        return f"{empty_list(r.instances, 'ListInstances instances')}, {empty_list(t.topics, 'ListInstanceTopics topics')}"

    def describe():
        for id_, n in zip(ids, names):
            r = c.show_instance(m.ShowInstanceRequest(instance_id=id_))
            base.ok_status(r)
            if r.instance_id != id_ or r.name != n:
                raise AssertionError(f"{id_} described as {r.instance_id} {r.name!r}")
        return "each described with its id and the name sent"

    def filtered():
        r = c.list_instances(m.ListInstancesRequest(engine="kafka", name=names[2], exact_match_name="true"))
        base.ok_status(r)
        got = [x.name for x in r.instances or []]
        if got != [names[2]]:
            raise AssertionError(f"ListInstances name={names[2]} lists {got}")
        return f"name filter lists exactly {got}"

    inst = "5ad7ca8e-0000-4000-8000-00000000abcd"

    def topic(name):
        return c.create_instance_topic(
            m.CreateInstanceTopicRequest(instance_id=inst, body=m.CreateInstanceTopicReq(id=name, partition=3, replication=3))
        )

    def topics():
        base.ok_status(topic("interop-orders"))
        r = c.list_instance_topics(m.ListInstanceTopicsRequest(instance_id=inst))
        base.ok_status(r)
        got = [t.name for t in r.topics or []]
        if got != ["interop-orders"]:
            raise AssertionError(f"topics listed: {got}")
        dup = expect_error(lambda: topic("interop-orders"), conflict(svc, "CreateInstanceTopic"), "huawei")
        delete = lambda: c.batch_delete_instance_topic(  # noqa: E731
            m.BatchDeleteInstanceTopicRequest(instance_id=inst, body=m.BatchDeleteInstanceTopicReq(topics=["interop-orders"]))
        )
        base.ok_status(delete())
        miss = expect_error(delete, not_found(svc, "DeleteInstanceTopics"), "huawei")
        return f"topic listed by the name sent; duplicate: {dup}; deleted, then {miss}"

    def deletes():
        for id_ in ids:
            base.ok_status(c.delete_instance(m.DeleteInstanceRequest(instance_id=id_)))
        left, total = fetch(0)
        if left or int(total) != 0:
            raise AssertionError(f"after the deletes the list holds {left}")
        return f"{N} deleted, list empty"

    flow(
        results,
        svc,
        [
            ("instance, topic: lists of an empty store", empty),
            ("instance: CreateInstanceByEngine ×7", creates),
            ("instance: ListInstances paged", lambda: exactly_once(page_through(fetch), ids)),
            ("instance: ShowInstance", describe),
            ("instance: ListInstances filtered by name", filtered),
            (
                "instance: duplicate name",
                lambda: expect_error(lambda: create(names[0]), conflict(svc, "CreateInstance"), "huawei"),
            ),
            ("topic: create, list, duplicate, delete, gone", topics),
            ("instance: DeleteInstance all", deletes),
            (
                "instance: ShowInstance of a deleted one",
                lambda: expect_error(
                    lambda: c.show_instance(m.ShowInstanceRequest(instance_id=ids[0])), not_found(svc, "ShowInstance"), "huawei"
                ),
            ),
        ],
    )


# ---------------------------------------------------------------------------------------------
# Every paged list, through the SDK (no per-operation code: the plans of stateful.json, the
# requests of cases.json, the SDK calls the sweep finds by introspection)


def _sweep():
    import sdk_sweep  # noqa: E402 - the SDK introspection and request building of the sweep

    return sdk_sweep


def _param(op, name):
    return next((p for p in op.get("parameters", []) if p["name"] == name), None)


def _dig(body, path):
    for part in (path or "").split("."):
        if not part:
            continue
        if not isinstance(body, dict):
            return None
        body = body.get(part)
    return body


class SdkCaller:
    """Calls operation `op_id` of `svc` through the official SDK with a logical request value
    (the sweep's: wire names; REST split into path/query/header/body)."""

    def __init__(self, svc, address):
        sw = _sweep()
        self.sw, self.svc, self.address = sw, svc, address
        self.spec = sw.Spec(svc)
        self.ops = {o["id"]: o for o in self.spec.ops}
        if svc not in sw.SDKS:
            sw.SDKS[svc] = sw.AlibabaSdk(svc) if svc in sw.ALIBABA else sw.HuaweiSdk(svc)
        self.sdk = sw.SDKS[svc]
        self.rest = svc not in sw.ALIBABA

    def request(self, op_id):
        op, case = self.ops[op_id], self.spec.cases.get(op_id)
        if case is None:
            return None
        return self.sw.rest_request(op, case) if self.rest else self.sw.rpc_request(op, case)

    def set(self, op_id, value, name, v):
        """Sets member `name` where the operation takes it (RPC: the parameter; REST: its
        location, else a top-level body member)."""
        op = self.ops[op_id]
        p = _param(op, name)
        if p is not None and p.get("type") in ("integer", "long") and isinstance(v, str) and v.isdigit():
            v = int(v)
        if not self.rest:
            value[name] = v
            return
        if p is not None and p["in"] in ("path", "query", "header"):
            value[p["in"]][name] = v
        elif isinstance(value.get("body"), dict):
            value["body"][name] = v

    def drop(self, value, names):
        """Leaves out members `names` (the list's filters: a page of everything)."""
        for name in names:
            if self.rest:
                for loc in ("query", "header"):
                    value[loc].pop(name, None)
            else:
                value.pop(name, None)

    def get(self, op_id, value, name):
        if not self.rest:
            return value.get(name)
        for loc in ("path", "query", "header"):
            if name in value[loc]:
                return value[loc][name]
        return (value.get("body") or {}).get(name) if isinstance(value.get("body"), dict) else None

    def call(self, op_id, value):
        """(status, wire-keyed answer) as the SDK decoded it; the SDK's exception on a refusal."""
        sw, op = self.sw, self.ops[op_id]
        if self.rest:
            typed_call = self.sdk.route(self.svc, op) is not None
            fn = sw.huawei_typed if typed_call else sw.huawei_generic
            status, body, _, _ = fn(self.sdk, self.spec, op, value, self.address, SK)
            # A response model of one raw `body` text (CSE's nacos namespaces): its JSON.
            if isinstance(body, dict) and set(body) == {"body"} and isinstance(body["body"], str):
                try:
                    body = json.loads(body["body"])
                except ValueError:
                    # The SDK keeps str() of what it decoded: read the answer as sent, through
                    # the SDK's own transport (a list: sending it again changes nothing).
                    if op["method"] != "GET":
                        raise
                    status, body, _, _ = sw.huawei_generic(self.sdk, self.spec, op, value, self.address, SK)
        else:
            fn = sw.alibaba_typed if op_id in self.sdk.methods else sw.alibaba_generic
            status, body, _, _ = fn(self.sdk, self.spec, op, value, self.address, SK, False)
        if not 200 <= int(status) < 300:
            raise AssertionError(f"{op_id}: HTTP {status} {body}")
        return status, body


def paged_lists(svc):
    """(list operation, its plan, create operation, create plan) of every paged list."""
    with open(os.path.join(ROOT, "generated", f"{svc}-mock", "src", "stateful.json")) as f:
        plans = json.load(f)
    out = []
    for op_id, p in sorted(plans.items()):
        if p["action"] != "list" or p.get("paging", {}).get("style") not in ("page-number", "offset-limit"):
            continue
        create = next(((o, q) for o, q in sorted(plans.items()) if q["resource"] == p["resource"] and q["action"] == "create"), None)
        if create:
            out.append((op_id, p, *create))
    return out


def sdk_paging(results, svc, address):
    """Each paged list read page by page through the SDK, `PAGE` items a page: N created one by
    one, then N more at once while pages are read, then N identical creates at once where the
    client names the resource; each time every created item exactly once, the total as created,
    no page longer than asked."""
    from concurrent.futures import ThreadPoolExecutor

    caller = SdkCaller(svc, address)
    for list_op, lplan, create_op, cplan in paged_lists(svc):
        paging = lplan["paging"]
        base_list = caller.request(list_op)
        base_create = caller.request(create_op)
        if base_list is not None:
            caller.drop(base_list, lplan.get("filters") or {})
        if base_list is None or base_create is None:
            results.run(svc, f"{list_op}: paged through the SDK", lambda: (_ for _ in ()).throw(AssertionError("no request case")))
            continue
        scope = {k: caller.get(list_op, base_list, k) for k in lplan.get("scope", []) if k != "project_id"}
        id_name = cplan.get("id")
        renames = lplan.get("renames") or {}
        out = cplan.get("id_out")
        # The listed member holding the id: the create's id member (as the list renames it), or
        # the last part of where the create answers a fresh one.
        item_key = renames.get(id_name, id_name) if id_name else (renames.get(out.split(".")[-1], out.split(".")[-1]) if out else None)
        tag = f"pg{zlib.crc32(list_op.encode()) % 1000:03}"
        created = []

        def create(i):
            value = json.loads(json.dumps(base_create))
            for k, v in scope.items():
                if v is not None:
                    caller.set(create_op, value, k, v)
            number = (_param(caller.ops[create_op], id_name or "") or {}).get("type") in ("integer", "long")
            name = f"{700 + int(tag[2:]) * 100 + i}" if number else f"{tag}-{i:02}"
            for member in ([id_name] if id_name else []) + list(cplan.get("unique") or []) + list(cplan.get("key") or []):
                caller.set(create_op, value, member, name)
            _, body = caller.call(create_op, value)
            if id_name:
                return name
            return str(_dig(body, out)) if out else None

        def page(k, size=PAGE):
            value = json.loads(json.dumps(base_list))
            if paging["style"] == "page-number":
                members = [(paging["page"], k + 1), (paging["size"], size)]
            else:
                members = [(paging["offset"], k * size), (paging["limit"], size)]
            for m, v in members:
                p = _param(caller.ops[list_op], m)
                caller.set(list_op, value, m, str(v) if p is not None and p.get("type") == "string" else v)
            _, body = caller.call(list_op, value)
            items = _dig(body, lplan.get("items")) or []
            if len(items) > size:
                raise AssertionError(f"page {k} holds {len(items)} items, asked for {size}")
            total = _dig(body, lplan["total"]) if lplan.get("total") else None
            return items, total

        def read_all():
            seen, total_seen, k = [], None, 0
            while k < 4 * N:
                items, total = page(k)
                seen += items
                total_seen = total if total is not None else total_seen
                if len(items) < PAGE:
                    break
                k += 1
            return seen, total_seen

        def check(want_ids, phase):
            seen, total = read_all()
            if total is not None and int(total) != len(want_ids):
                raise AssertionError(f"{phase}: total {total}, created {len(want_ids)}")
            if len(seen) != len(want_ids):
                raise AssertionError(f"{phase}: paging gave {len(seen)} items, created {len(want_ids)}")
            if item_key and None not in want_ids:
                got = sorted(str(x.get(item_key)) for x in seen)
                if got != sorted(want_ids):
                    raise AssertionError(
                        f"{phase}: paging gave {item_key} {got}, created {sorted(want_ids)}"
                        f" (listed members: {sorted(seen[0]) if seen else []})"
                    )
            else:
                keys = [json.dumps(x, sort_keys=True) for x in seen]
                full = [json.dumps(x, sort_keys=True) for x in (page(0, size=50)[0])]
                if sorted(keys) != sorted(full):
                    raise AssertionError(f"{phase}: the pages differ from the one-page list")
            return f"{len(seen)} in pages of {PAGE}, each once" + (f", total {total}" if total is not None else "")

        def sequential():
            created.extend(create(i) for i in range(N))
            return check(created, "after 7 creates")

        def race():
            with ThreadPoolExecutor(max_workers=2 * N) as pool:
                made = [pool.submit(create, N + i) for i in range(N)]
                pages = [pool.submit(read_all) for _ in range(3)]
                for f in pages:
                    for_ids, _ = f.result()
                    if item_key:
                        ids = [str(x.get(item_key)) for x in for_ids]
                        if len(ids) != len(set(ids)):
                            raise AssertionError(f"a page read during the creates repeats an item: {sorted(ids)}")
                created.extend(f.result() for f in made)
            return check(created, "after 7 concurrent creates")

        def contended():
            # Seven identical creates at once: exactly one resource, the others refused.
            def attempt():
                try:
                    return create(2 * N)
                except Exception as e:  # noqa: BLE001
                    return e
            with ThreadPoolExecutor(max_workers=N) as pool:
                outcomes = list(pool.map(lambda _: attempt(), range(N)))
            made = [o for o in outcomes if not isinstance(o, Exception)]
            if len(made) != 1:
                raise AssertionError(f"{len(made)} of {N} identical concurrent creates succeeded: {outcomes}")
            created.append(made[0])
            return f"1 of {N} identical creates succeeded; " + check(created, "after the contended create")

        steps = [
            (f"{list_op}: {N} {create_op}, paged through the SDK", sequential),
            (f"{list_op}: {N} concurrent {create_op} while paging", race),
        ]
        if id_name or cplan.get("unique"):
            steps.append((f"{list_op}: {N} identical concurrent {create_op}", contended))
        flow(results, svc, steps)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bin-dir", default=os.path.join(ROOT, "target", "debug"))
    ap.add_argument("--only", action="append", help="run only these services")
    args = ap.parse_args()
    plan_ = [
        ("alikafka", alikafka),
        ("mse", mse),
        ("retailcloud", retailcloud),
        ("cse", cse),
        ("dms-kafka", dms_kafka),
    ]
    if args.only:
        plan_ = [p for p in plan_ if p[0] in args.only]
    results = base.Results()
    t0 = time.monotonic()
    for svc, run in plan_:
        binary = os.path.join(args.bin_dir, f"{svc}-mock")
        try:
            mock = base.Mock(binary, f"{svc}-stateful", extra=["--stateful"])
        except Exception as e:  # noqa: BLE001
            results.run(svc, "start stateful mock", lambda e=e: (_ for _ in ()).throw(e), operation=False)
            continue
        try:
            print(f"{svc}: stateful mock on {mock.address}", flush=True)
            run(results, mock.address)
        finally:
            mock.stop()
        # Every paged list, on a fresh store.
        try:
            mock = base.Mock(binary, f"{svc}-paging", extra=["--stateful"])
        except Exception as e:  # noqa: BLE001
            results.run(svc, "start stateful mock", lambda e=e: (_ for _ in ()).throw(e), operation=False)
            continue
        try:
            print(f"{svc}: every paged list through the SDK, stateful mock on {mock.address}", flush=True)
            sdk_paging(results, svc, mock.address)
        finally:
            mock.stop()
    n_ok = sum(1 for r in results.rows if r[2])
    n_bad = len(results.rows) - n_ok
    print(f"time: {time.monotonic() - t0:.1f}s")
    print(f"{n_ok} passed, {n_bad} failed")
    return 1 if n_bad or not results.rows else 0


if __name__ == "__main__":
    sys.exit(main())
