//! `apigen mock` (the runtime's data-driven mock, fed from the spec in memory) against the
//! compiled mock crates: the same data, the same answer to every operation's request, stateless
//! and stateful, and the compiled mocks' conformance suite (`apigen_runtime::mock::conformance`)
//! passes against it.

use std::path::Path;

use apigen_runtime::mock::{conformance, DataMock};
use apigen_runtime::schema::ServiceSchema;
use apigen_runtime::server::{spawn_test_server, Router};
use serde_json::Value;

struct Compiled {
    service: &'static str,
    schema: &'static ServiceSchema,
    examples: &'static std::collections::BTreeMap<String, Value>,
    plans: std::collections::BTreeMap<String, apigen_runtime::mock::Plan>,
    router: fn(bool) -> Router,
    cases: &'static str,
}

macro_rules! compiled {
    ($svc:literal, $krate:ident, $mock:ident) => {
        Compiled {
            service: $svc,
            schema: $krate::server::schema(),
            examples: $krate::examples(),
            plans: $krate::plans(),
            router: |stateful| {
                let m = $krate::$mock::with_seed(0);
                let m = if stateful { m.stateful() } else { m };
                m.router(None)
            },
            cases: include_str!(concat!("../generated/", $svc, "-mock/tests/cases.json")),
        }
    };
}

fn compiled() -> Vec<Compiled> {
    vec![
        compiled!("alikafka", alikafka_mock, AlikafkaMock),
        compiled!("mse", mse_mock, MseMock),
        compiled!("retailcloud", retailcloud_mock, RetailcloudMock),
        compiled!("cse", cse_mock, CseMock),
        compiled!("dms-kafka", dms_kafka_mock, DmsKafkaMock),
    ]
}

fn spec(service: &str) -> apigen::spec::model::Spec {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../specs")
        .join(format!("{service}.yaml"));
    apigen::spec::load::load_file(&path).expect("spec loads")
}

/// The body without the per-request ids (random in both mocks).
fn without_request_ids(mut v: Value) -> Value {
    if let Value::Object(m) = &mut v {
        m.remove("RequestId");
        m.remove("request_id");
        // The answering server's address.
        m.remove("HostId");
    }
    v
}

async fn answers(router: Router, schema: &ServiceSchema, cases: &str) -> Vec<(String, u16, Value)> {
    let server = spawn_test_server(router).await.expect("server starts");
    conformance::valid_answers(&server.base_url, schema, cases)
        .await
        .unwrap_or_else(|p| panic!("{p}"))
        .into_iter()
        .map(|(op, status, body)| (op, status, without_request_ids(body)))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn apigen_mock_answers_every_operation_as_the_compiled_mock_does() {
    let mut differences = Vec::new();
    let mut compared = 0;
    for c in compiled() {
        let spec = spec(c.service);
        // The data apigen computes in memory is what the generated crate carries.
        assert_eq!(
            &apigen::emit::schema::service_schema(&apigen::emit::lower::lower_inferred(&spec)),
            c.schema,
            "{}: schema",
            c.service
        );
        let data = apigen::mock::data_mock(&spec, 0, false);
        assert_eq!(data.answers().schema(), c.schema);
        for op in &c.schema.operations {
            assert_eq!(
                data.answers().example(&op.id),
                c.examples.get(&op.id),
                "{}",
                op.id
            );
        }
        let spec_path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../specs")
            .join(format!("{}.yaml", c.service));
        assert_eq!(
            apigen::infer::plans_for(&spec_path, &spec).unwrap(),
            c.plans,
            "{}: plans",
            c.service
        );

        for stateful in [false, true] {
            let dynamic = apigen::mock::data_mock_at(&spec_path, &spec, 0, stateful)
                .unwrap()
                .router(None);
            let want = answers((c.router)(stateful), c.schema, c.cases).await;
            let got = answers(dynamic, c.schema, c.cases).await;
            assert_eq!(want.len(), got.len());
            for (w, g) in want.iter().zip(&got) {
                compared += 1;
                if w != g {
                    differences.push(format!(
                        "{} {} (stateful: {stateful}):\n  compiled: {} {}\n  apigen mock: {} {}",
                        c.service, w.0, w.1, w.2, g.1, g.2
                    ));
                }
            }
        }
    }
    assert!(compared >= 2 * 256, "{compared} answers compared");
    assert!(
        differences.is_empty(),
        "{} of {compared} answers differ:\n{}",
        differences.len(),
        differences.join("\n")
    );
}

// Single-threaded, as the generated `tests/bad_requests.rs` runs the suite.
#[tokio::test]
async fn the_compiled_mocks_conformance_suite_passes_against_apigen_mock() {
    for c in compiled() {
        let spec = spec(c.service);
        let mock: DataMock = apigen::mock::data_mock(&spec, 0, false);
        let server = spawn_test_server(mock.router(None)).await.unwrap();
        let cases = apigen::emit::mock::cases_json(&apigen::emit::lower::lower_inferred(&spec));
        assert_eq!(cases, c.cases, "{}: cases", c.service);
        let checked = conformance::faulty_requests(&server.base_url, c.schema, &cases)
            .await
            .unwrap_or_else(|p| panic!("{}: {p}", c.service));
        assert!(checked > 0, "{}", c.service);
        // Every request was recorded under its operation.
        assert!(mock.recorder().requests().len() > checked);
    }
}

/// A plain HTTP/1.1 GET; the status and the body.
fn get(addr: &str, path: &str, host: &str) -> (u16, String) {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(addr).expect("connects");
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut text = String::new();
    s.read_to_string(&mut text).unwrap();
    let status = text[9..12].parse().unwrap_or(0);
    let body = text
        .split_once("\r\n\r\n")
        .map(|x| x.1)
        .unwrap_or("")
        .to_owned();
    (status, body)
}

/// Stops the mock process when the test ends, however it ends.
struct Child(std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn the_command_serves_several_specs_on_one_port_by_path_prefix_and_host() {
    use std::io::BufRead;
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut child = Child(
        std::process::Command::new(env!("CARGO_BIN_EXE_apigen"))
            .args([
                "mock",
                "alikafka.yaml",
                "dms-kafka.yaml",
                "--listen",
                "127.0.0.1:0",
            ])
            .args(["--credentials", "ak:sk", "--stateful"])
            .current_dir(root.join("specs"))
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("apigen mock starts"),
    );
    let mut lines = std::io::BufReader::new(child.0.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    let second = lines.next().unwrap().unwrap();
    let (name, url) = first.split_once(' ').unwrap();
    assert_eq!(name, "alikafka");
    let addr = url
        .strip_prefix("http://")
        .and_then(|u| u.strip_suffix("/alikafka"))
        .unwrap_or_else(|| panic!("{first}"))
        .to_owned();
    assert_eq!(second, format!("dms-kafka http://{addr}/dms-kafka"));
    // Signatures are verified: an unsigned call gets the vendor's 4xx, by prefix and by host.
    let q = "/?Action=GetTopicList&Version=2019-09-16&InstanceId=i-1&CurrentPage=1&PageSize=10";
    let (status, body) = get(&addr, &format!("/alikafka{q}"), "127.0.0.1");
    assert!((400..500).contains(&status), "{status} {body}");
    assert!(body.contains("\"Code\""), "{body}");
    let (status, body) = get(&addr, "/v2/p/instances", "dms-kafka.localhost");
    assert!((400..500).contains(&status), "{status} {body}");
    assert!(body.contains("error_code"), "{body}");
    // Each service has its own recorder.
    let (status, body) = get(&addr, "/dms-kafka/_apigen/requests", "127.0.0.1");
    assert_eq!(status, 200, "{body}");
    // Neither host nor prefix names a service: a 404 naming the services.
    let (status, body) = get(&addr, "/nope", "127.0.0.1");
    assert_eq!(status, 404);
    assert!(body.contains("alikafka, dms-kafka"), "{body}");
}
