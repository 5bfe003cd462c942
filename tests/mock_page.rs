//! The mock page at `/_apigen/` and the JSON endpoints it reads, on a compiled mock and on
//! `apigen mock` (the page itself is tested in headless Chromium by
//! tests/browser/mock_page.test.mjs, run by scripts/test-browser.sh).

use std::path::Path;

use apigen_runtime::server::{spawn_test_server, Router};
use serde_json::Value;

fn get(addr: &str, path: &str) -> (u16, String, String) {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(addr).expect("connects");
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut text = String::new();
    s.read_to_string(&mut text).unwrap();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head[9..12].parse().unwrap_or(0);
    let ct = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-type:")
                .map(|v| v.trim().to_owned())
        })
        .unwrap_or_default();
    (status, ct, body.to_owned())
}

async fn check(label: &str, router: Router, stateful: bool) {
    let server = spawn_test_server(router).await.unwrap();
    let addr = server.addr.to_string();
    let call = "/?Action=GetTopicList&Version=2019-09-16&InstanceId=i-1&CurrentPage=1&PageSize=10";
    assert_eq!(get(&addr, call).0, 200, "{label}");
    assert_eq!(get(&addr, call).0, 200, "{label}");
    let (status, ct, html) = get(&addr, "/_apigen/");
    assert_eq!(status, 200, "{label}");
    assert!(ct.starts_with("text/html"), "{label}: {ct}");
    // Only the mock's own resources: no external script, style or font.
    assert!(
        html.contains("page.js") && !html.contains("http"),
        "{label}"
    );
    for (path, want) in [
        ("/_apigen/page.js", "javascript"),
        ("/_apigen/page.css", "text/css"),
    ] {
        let (status, ct, body) = get(&addr, path);
        assert_eq!(status, 200, "{label} {path}");
        assert!(
            ct.contains(want) && !body.is_empty(),
            "{label} {path}: {ct}"
        );
        assert!(
            !body.contains("http://") && !body.contains("https://"),
            "{label} {path}"
        );
    }
    let (_, _, stats) = get(&addr, "/_apigen/stats");
    let stats: Value = serde_json::from_str(&stats).unwrap();
    assert_eq!(stats["service"], "alikafka");
    assert_eq!(stats["counts"]["GetTopicList"], 2, "{label}");
    assert_eq!(stats["counts"]["CreateTopic"], 0, "{label}");
    assert_eq!(stats["stateful"], stateful);
    assert_eq!(stats["validation"], "strict");
    let (_, _, state) = get(&addr, "/_apigen/state");
    let state: Value = serde_json::from_str(&state).unwrap();
    assert_eq!(state.is_object(), stateful, "{label}: {state}");
    let (status, _, doc) = get(&addr, "/_apigen/openapi.json");
    assert_eq!(status, 200);
    let doc: Value = serde_json::from_str(&doc).unwrap();
    // The document the repository carries for the service (openapi/alikafka.json).
    let checked_in: Value = serde_json::from_str(
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../openapi/alikafka.json"),
        )
        .unwrap(),
    )
    .unwrap();
    assert_eq!(
        doc, checked_in,
        "{label}: the page's document is openapi/alikafka.json"
    );
    // The records carry the status.
    let (_, _, recs) = get(&addr, "/_apigen/requests");
    let recs: Value = serde_json::from_str(&recs).unwrap();
    assert_eq!(recs[0]["status"], 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_and_its_endpoints_on_both_mocks() {
    let compiled = alikafka_mock::AlikafkaMock::new();
    check("compiled", compiled.router(None), false).await;
    check(
        "compiled stateful",
        alikafka_mock::AlikafkaMock::new().stateful().router(None),
        true,
    )
    .await;
    let spec = apigen::spec::load::load_file(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("../../specs/alikafka.yaml"),
    )
    .unwrap();
    check(
        "apigen mock",
        apigen::mock::data_mock(&spec, 0, false).router(None),
        false,
    )
    .await;
    check(
        "apigen mock stateful",
        apigen::mock::data_mock(&spec, 0, true).router(None),
        true,
    )
    .await;
}
