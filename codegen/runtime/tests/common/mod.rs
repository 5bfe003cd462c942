//! Requests shared by the official-SDK comparison and the golden vectors: built with the
//! runtime's own builders and signed with a fixed time and nonce.

#![allow(dead_code)]

use apigen_runtime::clock::UtcTime;
use apigen_runtime::request::{sign_request, PreparedRequest, SignContext};
use apigen_runtime::rest::{ArrayStyle, Multipart, RestRequest};
use apigen_runtime::rpc::RpcRequest;
use apigen_runtime::{Credentials, SignatureScheme};
use serde_json::{json, Value};

/// A signed request and the signature we computed.
pub struct Case {
    pub id: &'static str,
    pub scheme: SignatureScheme,
    pub host: &'static str,
    pub req: PreparedRequest,
    /// Form parameters (v1 signs them with the query).
    pub form: Vec<(String, String)>,
    pub ak: &'static str,
    pub sk: &'static str,
    pub signature: String,
}

impl Case {
    pub fn scheme_name(&self) -> &'static str {
        match self.scheme {
            SignatureScheme::AlibabaV1 => "alibaba_v1",
            SignatureScheme::AlibabaV3 => "alibaba_v3",
            SignatureScheme::HuaweiAkSk => "huawei",
            _ => "none",
        }
    }

    /// The JSON description `sdk_sign.py` reads.
    pub fn to_json(&self) -> Value {
        let mut query: Vec<(String, String)> = self.req.query.clone();
        if self.scheme == SignatureScheme::AlibabaV1 {
            query.retain(|(k, _)| k != "Signature");
            query.extend(self.form.iter().cloned());
        }
        use base64::Engine as _;
        json!({
            "id": self.id,
            "scheme": self.scheme_name(),
            "method": self.req.method,
            "host": self.host,
            "path": self.req.path,
            "query": query,
            "headers": self.req.headers.iter().filter(|(k, _)| !k.eq_ignore_ascii_case("authorization")).collect::<Vec<_>>(),
            "body_b64": base64::engine::general_purpose::STANDARD.encode(&self.req.body),
            "access_key_id": self.ak,
            "access_key_secret": self.sk,
        })
    }
}

const NONCE: &str = "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf";

fn time() -> UtcTime {
    UtcTime::parse_iso8601("2024-04-16T09:53:41Z").unwrap()
}

fn sign(
    id: &'static str,
    scheme: SignatureScheme,
    host: &'static str,
    mut req: PreparedRequest,
    creds: Credentials,
) -> Case {
    let form = req.form.clone();
    sign_request(
        &mut req,
        &SignContext {
            scheme,
            credentials: &creds,
            host,
            base_path: "",
            time: time(),
            nonce: NONCE,
        },
    )
    .unwrap();
    let signature = match scheme {
        SignatureScheme::AlibabaV1 => req
            .query
            .iter()
            .find(|(k, _)| k == "Signature")
            .unwrap()
            .1
            .clone(),
        _ => {
            let auth = apigen_runtime::sign::header(&req.headers, "authorization").unwrap();
            auth.rsplit_once("Signature=").unwrap().1.to_owned()
        }
    };
    let ak = creds.access_key.as_ref().unwrap();
    Case {
        id,
        scheme,
        host,
        req,
        form,
        ak: Box::leak(ak.id.clone().into_boxed_str()),
        sk: Box::leak(ak.secret.clone().into_boxed_str()),
        signature,
    }
}

#[derive(serde::Serialize)]
struct Tag {
    #[serde(rename = "Key")]
    key: &'static str,
    #[serde(rename = "Value")]
    value: &'static str,
}

fn rpc_tricky() -> RpcRequest {
    RpcRequest::new("CreateTopic", "2019-09-16")
        .param("RegionId", "cn-hangzhou")
        .param("InstanceId", "alikafka_post-cn-v0h1fgs2****")
        .param("Topic", "topic a*b~c")
        .param("Remark", "中文 备注 & = + / %")
        .flat(
            "Tag",
            &vec![
                Tag {
                    key: "env",
                    value: "prod test",
                },
                Tag {
                    key: "团队",
                    value: "a*b",
                },
            ],
        )
        .unwrap()
        .json(
            "Config",
            &json!({"retention.ms": "3600000", "list": [1, "二"]}),
        )
        .unwrap()
}

/// Every comparison case.
pub fn cases() -> Vec<Case> {
    let ali = || Credentials::access_key("testid", "testsecret");
    let ali_sts = || {
        let mut c = Credentials::access_key("LTAI5tExampleId", "kX0~secret*with/chars");
        if let Some(ak) = c.access_key.as_mut() {
            ak.security_token = Some("CAIS+sts/token==".into());
        }
        c
    };
    let hw = || {
        Credentials::access_key("HPUAEXAMPLEAK", "EXAMPLEsk0123456789abcdef")
            .with_project_id("0a1b2c3d4e5f")
    };
    let kafka = "alikafka.cn-hangzhou.aliyuncs.com";
    let dms = "dms.cn-north-4.myhuaweicloud.com";
    let cse = "cse.cn-north-4.myhuaweicloud.com";

    let mut out = vec![
        sign("v1-post-form-tricky", SignatureScheme::AlibabaV1, kafka, rpc_tricky().into_prepared(), ali()),
        sign(
            "v1-get-query-tricky",
            SignatureScheme::AlibabaV1,
            kafka,
            RpcRequest::new("GetInstanceList", "2019-09-16")
                .get()
                .param("RegionId", "cn-hangzhou")
                .param("Filter", "a b*c~d+e=f&g/h?i")
                .flat("InstanceId", &["alikafka_pre-1", "alikafka_pre-2"])
                .unwrap()
                .into_prepared(),
            ali(),
        ),
        sign(
            "v1-get-sts-token",
            SignatureScheme::AlibabaV1,
            "mse.cn-hangzhou.aliyuncs.com",
            RpcRequest::new("ListClusters", "2019-05-31")
                .get()
                .param("RegionId", "cn-hangzhou")
                .param("ClusterAliasName", "集群 1")
                .param("PageNum", 1)
                .into_prepared(),
            ali_sts(),
        ),
        sign("v3-rpc-post-form", SignatureScheme::AlibabaV3, kafka, rpc_tricky().into_prepared(), ali()),
        sign(
            "v3-rpc-get-query",
            SignatureScheme::AlibabaV3,
            kafka,
            RpcRequest::new("GetInstanceList", "2019-09-16")
                .get()
                .param("RegionId", "cn-hangzhou")
                .param("Filter", "a b*c~d 杭州")
                .flat("InstanceId", &["x", "y"])
                .unwrap()
                .into_prepared(),
            ali_sts(),
        ),
        sign(
            "v3-roa-json",
            SignatureScheme::AlibabaV3,
            "cs.cn-hangzhou.aliyuncs.com",
            RestRequest::new("DescribeClusterDetail", "POST", "/clusters/{ClusterId}/attach")
                .path("ClusterId", "c 1*~")
                .query("region", "cn hangzhou")
                .json(&json!({"name": "名字", "n": 1}))
                .unwrap()
                .into_prepared()
                .unwrap(),
            ali(),
        ),
        sign(
            "huawei-get-query-arrays",
            SignatureScheme::HuaweiAkSk,
            dms,
            RestRequest::new("ListInstancesDetails", "GET", "/v2/{project_id}/instances")
                .path("project_id", "0a1b2c3d4e5f")
                .query("engine", "kafka")
                .query("name", "实例 a*b~c")
                .query_array("status", ["RUNNING", "CREATING", "A B"], ArrayStyle::Repeat)
                .query("offset", 0)
                .query("limit", 10)
                .header("Content-Type", "application/json")
                .into_prepared()
                .unwrap(),
            hw(),
        ),
        sign(
            "huawei-post-json",
            SignatureScheme::HuaweiAkSk,
            dms,
            RestRequest::new("CreateInstanceByEngine", "POST", "/v2/{engine}/{project_id}/instances")
                .path("engine", "kafka")
                .path("project_id", "0a1b2c3d4e5f")
                .json(&json!({"name": "kafka-实例", "engine_version": "2.7", "tags": [{"key": "a b", "value": "*~"}]}))
                .unwrap()
                .into_prepared()
                .unwrap(),
            hw(),
        ),
        sign(
            "huawei-put-escaped-path-underscore-header",
            SignatureScheme::HuaweiAkSk,
            cse,
            RestRequest::new("UpdateKie", "PUT", "/v1/{project_id}/kie/kv/{kv_id}")
                .path("project_id", "default")
                .path("kv_id", "a b/c*~")
                .header("x-engine-id", "engine 1")
                .header("x_engine_id", "not signed")
                .json(&json!({"value": "v"}))
                .unwrap()
                .into_prepared()
                .unwrap(),
            hw(),
        ),
        sign(
            "huawei-multipart-upload",
            SignatureScheme::HuaweiAkSk,
            cse,
            RestRequest::new("UploadKieFile", "POST", "/v1/{project_id}/kie/file")
                .path("project_id", "default")
                .query("override", "force")
                .multipart(
                    Multipart::with_boundary("apigen-boundary")
                        .text("label", "app:x")
                        .file("upload_file", "配置.zip", "application/zip", b"PK\x03\x04zip".to_vec()),
                )
                .into_prepared()
                .unwrap(),
            hw(),
        ),
    ];
    // Huawei GET without a Content-Type header and with an empty query.
    out.push(sign(
        "huawei-get-minimal",
        SignatureScheme::HuaweiAkSk,
        cse,
        RestRequest::new("ListEngines", "GET", "/v2/{project_id}/enginemgr/engines")
            .path("project_id", "p")
            .into_prepared()
            .unwrap(),
        Credentials::access_key("AK", "SK"),
    ));
    out
}
