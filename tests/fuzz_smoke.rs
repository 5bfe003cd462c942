//! The fuzz targets' bodies (`fuzz/src/lib.rs`) over their seed corpora
//! (`fuzz/seeds/<target>/`) and over every input a fuzzer once crashed on
//! (`fuzz/regressions/<target>/`), so the normal test suite runs them without a fuzzer.

#[path = "../fuzz/src/lib.rs"]
#[allow(dead_code)]
mod bodies;

use std::path::PathBuf;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Files of `fuzz/<kind>/<target>/`, sorted; empty when the folder does not exist.
fn inputs(kind: &str, target: &str) -> Vec<PathBuf> {
    let dir = repo().join("fuzz").join(kind).join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    files.retain(|p| p.is_file());
    files.sort();
    files
}

fn run(target: &str, body: fn(&[u8])) {
    let seeds = inputs("seeds", target);
    assert!(!seeds.is_empty(), "fuzz/seeds/{target}/ has no seeds");
    for p in seeds.iter().chain(&inputs("regressions", target)) {
        let data = std::fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
        let name = p.display().to_string();
        // Name the input that fails, so a regression is easy to reproduce.
        let r = std::panic::catch_unwind(|| body(&data));
        assert!(r.is_ok(), "{target} failed on {name}");
    }
}

#[test]
fn doc_tables_seeds() {
    run("doc_tables", bodies::doc_tables);
}

#[test]
fn spec_loader_seeds() {
    run("spec_loader", bodies::spec_loader);
}

#[test]
fn rpc_decoder_seeds() {
    run("rpc_decoder", bodies::rpc_decoder);
}

#[test]
fn signature_verifiers_seeds() {
    run("signature_verifiers", bodies::signature_verifiers);
}

/// The signature seeds are requests signed at `bodies::NOW`; this writes them
/// (`cargo test -p apigen --test fuzz_smoke -- --ignored`), and the check below keeps them
/// verifying.
#[test]
#[ignore]
fn write_signature_seeds() {
    let dir = repo().join("fuzz/seeds/signature_verifiers");
    std::fs::create_dir_all(&dir).unwrap();
    for (name, bytes) in signed_seeds() {
        std::fs::write(dir.join(format!("seed-{name}")), bytes).unwrap();
    }
}

fn signed_seeds() -> Vec<(&'static str, Vec<u8>)> {
    use apigen_runtime::sign::{alibaba_v1, alibaba_v3, huawei, SignInput};
    let plain =
        |method: &str, path: &str, query: &[(&str, &str)], body: &[u8]| bodies::FuzzRequest {
            method: method.into(),
            host: "svc.cn-hangzhou.aliyuncs.com".into(),
            path: path.into(),
            query: query
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: body.to_vec(),
        };
    let mut out = Vec::new();

    let mut v1 = plain(
        "GET",
        "/",
        &[
            ("Action", "DescribeThing"),
            ("Version", "2019-09-16"),
            ("Tag.1.Key", "k v"),
        ],
        b"",
    );
    v1.query.extend(alibaba_v1::common_params(
        "fuzz-ak",
        None,
        bodies::NOW,
        "n1",
    ));
    let s = alibaba_v1::sign("GET", &v1.query, "fuzz-secret");
    v1.query.push(("Signature".into(), s.signature));
    out.push(("alibaba-v1", v1.to_bytes()));

    let mut v3 = plain("POST", "/", &[("RegionId", "cn-hangzhou")], b"{\"a\":1}");
    v3.headers.extend(alibaba_v3::prepare_headers(
        &v3.host,
        "DescribeThing",
        "2019-09-16",
        &v3.body,
        None,
        bodies::NOW,
        "n3",
    ));
    let input = SignInput {
        method: &v3.method,
        host: &v3.host,
        path: &v3.path,
        query: &v3.query,
        headers: &v3.headers,
        body: &v3.body,
    };
    let a = alibaba_v3::sign(&input, "fuzz-ak", "fuzz-secret").authorization;
    v3.headers.push(("Authorization".into(), a));
    out.push(("alibaba-v3", v3.to_bytes()));

    let mut hw = plain(
        "PUT",
        "/v2/p1/instances/i-1",
        &[("limit", "10")],
        b"{\"name\":\"x\"}",
    );
    hw.headers.extend(huawei::prepare_headers(
        &hw.host,
        Some("application/json"),
        hw.body.len(),
        huawei::ScopeIds {
            project: Some("p1"),
            domain: None,
        },
        None,
        bodies::NOW,
    ));
    let input = SignInput {
        method: &hw.method,
        host: &hw.host,
        path: &hw.path,
        query: &hw.query,
        headers: &hw.headers,
        body: &hw.body,
    };
    let a = huawei::sign(&input, "fuzz-ak", "fuzz-secret").authorization;
    hw.headers.push(("Authorization".into(), a));
    out.push(("huawei", hw.to_bytes()));
    out
}

/// The checked-in signature seeds are the ones `signed_seeds` writes, and each verifies:
/// a fuzzer starting from them reaches the full verification path.
#[test]
fn signature_seeds_are_signed_requests() {
    use apigen_runtime::sign::verify::{verify_any, VerifyConfig};
    for (name, bytes) in signed_seeds() {
        let p = repo().join(format!("fuzz/seeds/signature_verifiers/seed-{name}"));
        assert_eq!(
            std::fs::read(&p).ok().as_deref(),
            Some(bytes.as_slice()),
            "{} is stale",
            p.display()
        );
        let req = bodies::FuzzRequest::parse(&bytes);
        let r = verify_any(
            &req.input(),
            &[],
            |ak| (ak == "fuzz-ak").then(|| "fuzz-secret".to_string()),
            bodies::NOW,
            &VerifyConfig::default(),
            None,
        );
        assert!(r.is_ok(), "{name}: {r:?}");
    }
}
