//! Building and signing one request per scheme (aim: under 5 µs each).

use apigen_runtime::clock::UtcTime;
use apigen_runtime::request::{sign_request, SignContext};
use apigen_runtime::rest::RestRequest;
use apigen_runtime::rpc::RpcRequest;
use apigen_runtime::{Credentials, SignatureScheme};
use criterion::{black_box, criterion_group, criterion_main, Criterion};

fn rpc(scheme: SignatureScheme, creds: &Credentials) -> String {
    let mut req = RpcRequest::new("GetInstanceList", "2019-09-16")
        .param("RegionId", black_box("cn-hangzhou"))
        .param("InstanceId", black_box("alikafka_post-cn-v0h1fgs2xxxx"))
        .param("OrderId", black_box("订单 1"))
        .idempotent(true)
        .into_prepared();
    sign_request(
        &mut req,
        &SignContext {
            scheme,
            credentials: creds,
            host: "alikafka.cn-hangzhou.aliyuncs.com",
            base_path: "",
            time: UtcTime(1_713_261_221),
            nonce: "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf",
        },
    )
    .unwrap();
    req.query_string()
}

fn rest(creds: &Credentials) -> String {
    let mut req = RestRequest::new("ListInstances", "GET", "/v2/{project_id}/instances")
        .path("project_id", black_box("0a1b2c3d4e5f"))
        .query("engine", black_box("kafka"))
        .query("offset", 0)
        .query("limit", 10)
        .header("Content-Type", "application/json")
        .into_prepared()
        .unwrap();
    sign_request(
        &mut req,
        &SignContext {
            scheme: SignatureScheme::HuaweiAkSk,
            credentials: creds,
            host: "dms.cn-north-4.myhuaweicloud.com",
            base_path: "",
            time: UtcTime(1_713_261_221),
            nonce: "",
        },
    )
    .unwrap();
    req.query_string()
}

fn bench(c: &mut Criterion) {
    let ali = Credentials::access_key("testid", "testsecret");
    let hw = Credentials::access_key("HPUAEXAMPLEAK", "EXAMPLEsk").with_project_id("0a1b2c3d4e5f");
    c.bench_function("build+sign alibaba_v1 rpc", |b| {
        b.iter(|| rpc(SignatureScheme::AlibabaV1, &ali))
    });
    c.bench_function("build+sign alibaba_v3 rpc", |b| {
        b.iter(|| rpc(SignatureScheme::AlibabaV3, &ali))
    });
    c.bench_function("build+sign huawei rest", |b| b.iter(|| rest(&hw)));
}

criterion_group!(benches, bench);
criterion_main!(benches);
