//! Seeded random malformed requests against both front doors, with and without signature
//! verification: every answer is a vendor-format 4xx (or a 2xx), never a 5xx, and the server
//! keeps serving.

mod server_common;

use apigen_runtime::server::{
    spawn_test_server, RestRequest, RestService, RpcRequest, RpcService, Verifier,
};
use serde_json::{json, Value};
use server_common::*;

const V: &str = "2019-09-16";

fn rpc() -> RpcService {
    RpcService::new(V)
        .handler("GetThing", |r: RpcRequest| async move {
            let id: String = r.required("Id")?;
            let n: Option<i64> = r.optional("N")?;
            let tags: Option<Vec<Value>> = r.flat("Tag")?;
            let cfg: Option<Value> = r.json("Config")?;
            Ok(json!({"Id": id, "N": n, "Tags": tags, "Config": cfg}))
        })
        .body_limit(16 * 1024)
}

fn rest() -> RestService {
    RestService::new("SVCSTG")
        .route(
            "POST",
            "/v1/{project_id}/things/{id}",
            "PutThing",
            200,
            |r: RestRequest| async move {
                let id: i32 = r.path_param("id")?;
                let limit: Option<u32> = r.query("limit")?;
                let body: Value = r.body()?;
                Ok(json!({"id": id, "limit": limit, "body": body}).into())
            },
        )
        .body_limit(16 * 1024)
}

const PIECES: &[&str] = &[
    "",
    "=",
    "&",
    "%",
    "%Z",
    "%FF",
    "%E4%B8",
    "+",
    "..",
    ".",
    "/",
    "//",
    "?",
    "#",
    "Action",
    "GetThing",
    "Version",
    V,
    "Id",
    "N",
    "Tag",
    "Tag.1",
    "Tag.1.Key",
    "Tag.x.1",
    "Config",
    "{",
    "[1,",
    "\"",
    "limit",
    "-1",
    "99999999999999999999",
    "1e3",
    "nan",
    "true",
    "杭州",
    "\u{0}",
    "\u{7f}",
    "a b",
    "Format",
    "XML",
    "Signature",
    "Timestamp",
    "2000-01-01T00:00:00Z",
    "AccessKeyId",
    "SignatureNonce",
];

fn junk(rng: &mut fastrand::Rng, n: usize) -> String {
    let mut s = String::new();
    for _ in 0..rng.usize(0..n) {
        s.push_str(PIECES[rng.usize(..PIECES.len())]);
        if rng.bool() {
            s.push(['=', '&', '.', '/'][rng.usize(..4)]);
        }
    }
    s
}

fn url_safe(s: &str) -> String {
    // Keep the junk but make it a valid request target: escape what HTTP forbids.
    s.chars()
        .map(|c| match c {
            ' ' => "%20".to_owned(),
            '#' => "%23".to_owned(),
            c if c.is_ascii_control() || !c.is_ascii() => {
                apigen_runtime::sign::percent_encode(&c.to_string())
            }
            c => c.to_string(),
        })
        .collect()
}

async fn hammer(base: &str, rest_paths: bool, seed: u64) {
    let mut rng = fastrand::Rng::with_seed(seed);
    // Mostly methods and paths that reach a handler, so the parameter readers see the junk.
    let methods = ["GET", "POST", "POST", "GET", "POST", "PUT", "PATCH"];
    let cts = [
        "application/x-www-form-urlencoded",
        "application/json",
        "multipart/form-data; boundary=zz",
        "text/plain",
        "",
    ];
    for i in 0..150 {
        let path = if rest_paths {
            [
                "/v1/p/things/1",
                "/v1/p/things/x",
                "/v1//things/2",
                "/v1/p/things/1/",
            ][rng.usize(..4)]
            .to_owned()
        } else {
            ["/", "/rpc/2019-09-16/GetThing", "/rpc/x", "/", "/"][rng.usize(..5)].to_owned()
        };
        let valid = if rng.bool() {
            format!("Action=GetThing&Version={V}&Id=1&limit=2&")
        } else {
            String::new()
        };
        let url = format!("{base}{path}?{valid}{}", url_safe(&junk(&mut rng, 8)));
        let method = methods[rng.usize(..methods.len())];
        let ct = cts[rng.usize(..cts.len())];
        let body = match rng.usize(..4) {
            0 => junk(&mut rng, 12),
            1 => format!("{{\"a\": {}", junk(&mut rng, 4)),
            2 => "--zz\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\nx\r\n--zz--\r\n"
                .to_owned(),
            3 if rng.usize(..4) == 0 => "x".repeat(rng.usize(0..40_000)),
            _ => format!("{{\"Id\": {}}}", rng.i32(..)),
        };
        let mut headers: Vec<(&str, &str)> = Vec::new();
        if !ct.is_empty() {
            headers.push(("content-type", ct));
        }
        let auth;
        if rng.bool() {
            auth = [
                "ACS3-HMAC-SHA256 Credential=ak",
                "SDK-HMAC-SHA256 Access=ak, SignedHeaders=host, Signature=00",
                "Basic x",
                "",
            ][rng.usize(..4)];
            headers.push(("authorization", auth));
            headers.push(("x-acs-date", "2020-13-45T99:00:00Z"));
            headers.push(("x-sdk-date", "garbage"));
        }
        if rng.bool() {
            headers.push(("x-acs-action", "GetThing"));
            headers.push(("x-acs-version", V));
        }
        let a = raw(method, &url, &headers, body).await;
        assert!(
            a.status < 500,
            "request {i} ({method} {url}, {ct}) got {}: {}",
            a.status,
            a.text
        );
        if a.status >= 400 {
            let v = a.json();
            assert!(
                v.get("Code").is_some() || v.get("error_code").is_some(),
                "not a vendor body: {}",
                a.text
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn random_malformed_requests_never_get_5xx() {
    for verify in [false, true] {
        let v = verify.then(|| Verifier::new("ak", "sk"));
        let r = spawn_test_server(rpc().verifier(v.clone()).into_router())
            .await
            .unwrap();
        let h = spawn_test_server(rest().verifier(v).into_router())
            .await
            .unwrap();
        hammer(&r.base_url, false, 11).await;
        hammer(&h.base_url, true, 12).await;
        // Still serving.
        let ok = get(&format!("{}/?Action=GetThing&Version={V}&Id=1", r.base_url)).await;
        assert_eq!(ok.status, if verify { 400 } else { 200 }, "{}", ok.text);
        r.shutdown().await.unwrap();
        h.shutdown().await.unwrap();
    }
}
