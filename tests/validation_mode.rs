//! `--validation strict|report` on both kinds of mock (the compiled mock crates and `apigen
//! mock`, one runtime): a request with a missing required parameter, a wrong-typed value or a
//! value outside the documented enum gets the vendor's 400 in strict mode; in report mode it is
//! answered as if it were valid, and every violation — with the line of the document's table
//! row that states the broken rule — is in the recorded request (`/_apigen/requests`) and in the
//! `x-apigen-violations` response header. For an RPC service (alikafka) and a REST one
//! (dms-kafka).

use std::path::Path;

use apigen_runtime::mock::Mock;
use apigen_runtime::server::validate::{Validation, VIOLATIONS_HEADER};
use apigen_runtime::server::{spawn_test_server, Router};
use serde_json::{json, Value};

fn root() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn spec(service: &str) -> apigen::spec::model::Spec {
    apigen::spec::load::load_file(&root().join("specs").join(format!("{service}.yaml")))
        .expect("spec loads")
}

/// Line `n` (1-based) of the spec's source document.
fn doc_line(service: &str, n: u32) -> String {
    let doc = spec(service).service.source.document;
    let text = std::fs::read_to_string(root().join(doc)).expect("document reads");
    text.lines()
        .nth(n as usize - 1)
        .unwrap_or_default()
        .to_owned()
}

struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// A plain HTTP/1.1 request (JSON body when given).
fn send(addr: &str, method: &str, path: &str, body: Option<&Value>) -> Answer {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(addr).expect("connects");
    let body = body.map(Value::to_string).unwrap_or_default();
    let ct = if body.is_empty() {
        String::new()
    } else {
        "Content-Type: application/json\r\n".to_owned()
    };
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\n{ct}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut text = String::new();
    s.read_to_string(&mut text).unwrap();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let mut lines = head.lines();
    let status = lines.next().unwrap_or("")[9..12].parse().unwrap_or(0);
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    Answer {
        status,
        headers,
        body: body.to_owned(),
    }
}

/// The last recorded request, as `/_apigen/requests` lists it.
fn last_record(addr: &str) -> Value {
    let a = send(addr, "GET", "/_apigen/requests", None);
    assert_eq!(a.status, 200, "{}", a.body);
    let all: Value = serde_json::from_str(&a.body).expect("records are JSON");
    all.as_array()
        .and_then(|a| a.last())
        .cloned()
        .expect("a record")
}

/// One faulty request and the parameter it breaks.
struct Fault {
    what: &'static str,
    parameter: &'static str,
    request: Request,
}

#[derive(Clone)]
enum Request {
    /// RPC: query parameters.
    Rpc(Vec<(&'static str, &'static str)>),
    /// REST: method, path, JSON body.
    Rest(&'static str, &'static str, Value),
}

impl Request {
    fn send(&self, addr: &str) -> Answer {
        match self {
            Request::Rpc(pairs) => {
                let q: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}={v}")).collect();
                send(addr, "GET", &format!("/?{}", q.join("&")), None)
            }
            Request::Rest(m, p, b) => send(addr, m, p, Some(b)),
        }
    }
}

/// alikafka CreatePrePayOrder: a valid call, then the three faults.
fn rpc_case() -> (Request, Vec<Fault>) {
    let base = vec![
        ("Action", "CreatePrePayOrder"),
        ("Version", "2019-09-16"),
        ("Format", "JSON"),
        ("RegionId", "cn-hangzhou"),
        ("DeployType", "4"),
        ("DiskSize", "900"),
        ("DiskType", "0"),
        ("IoMax", "20"),
        ("TopicQuota", "50"),
    ];
    let with = |name: &'static str, value: Option<&'static str>| {
        let mut p: Vec<_> = base.iter().filter(|(k, _)| *k != name).cloned().collect();
        if let Some(v) = value {
            p.push((name, v));
        }
        Request::Rpc(p)
    };
    let faults = vec![
        Fault {
            what: "missing required",
            parameter: "DiskSize",
            request: with("DiskSize", None),
        },
        Fault {
            what: "wrong type",
            parameter: "DeployType",
            request: with("DeployType", Some("four")),
        },
        Fault {
            what: "out of enum",
            parameter: "DiskType",
            request: with("DiskType", Some("7")),
        },
    ];
    (Request::Rpc(base), faults)
}

/// dms-kafka CreateInstance (JSON body): a valid call, then the three faults.
fn rest_case() -> (Request, Vec<Fault>) {
    let base = json!({
        "name": "kafka-1", "engine": "kafka", "engine_version": "2.7", "broker_num": 3,
        "storage_space": 600, "vpc_id": "v", "security_group_id": "g", "subnet_id": "s",
        "available_zones": ["az1"], "product_id": "p", "storage_spec_code": "dms.physical.storage.high.v2"
    });
    let path = "/v2/kafka/p1/instances";
    let with = |name: &str, value: Option<Value>| {
        let mut b = base.clone();
        match value {
            Some(v) => b[name] = v,
            None => {
                b.as_object_mut().unwrap().remove(name);
            }
        }
        Request::Rest("POST", path, b)
    };
    let faults = vec![
        Fault {
            what: "missing required",
            parameter: "name",
            request: with("name", None),
        },
        Fault {
            what: "wrong type",
            parameter: "broker_num",
            request: with("broker_num", Some(json!("three"))),
        },
        Fault {
            what: "out of enum",
            parameter: "engine_version",
            request: with("engine_version", Some(json!("9.9"))),
        },
    ];
    (Request::Rest("POST", path, base), faults)
}

/// All three faults in one request.
fn combined(valid: &Request) -> Request {
    match valid.clone() {
        Request::Rpc(p) => {
            let mut p: Vec<_> = p
                .into_iter()
                .filter(|(k, _)| !["DiskSize", "DeployType", "DiskType"].contains(k))
                .collect();
            p.extend([("DeployType", "four"), ("DiskType", "7")]);
            Request::Rpc(p)
        }
        Request::Rest(m, path, mut b) => {
            b.as_object_mut().unwrap().remove("name");
            b["broker_num"] = json!("three");
            b["engine_version"] = json!("9.9");
            Request::Rest(m, path, b)
        }
    }
}

/// The document line the schema records for `parameter` of `op` (a parameter or a body member).
fn line_of(service: &str, op: &str, parameter: &str) -> u32 {
    let spec = spec(service);
    let schema = apigen::emit::schema::service_schema(&apigen::emit::lower::lower_inferred(&spec));
    let op = schema.operation(op).expect("operation");
    op.params
        .iter()
        .find(|p| p.name == parameter)
        .and_then(|p| p.line)
        .or_else(|| {
            op.body
                .as_ref()
                .and_then(|b| b.shape.fields.iter().find(|f| f.name == parameter))
                .and_then(|f| f.line)
        })
        .unwrap_or_else(|| panic!("{parameter}: the schema carries no document line"))
}

async fn check(
    label: &str,
    service: &str,
    op: &str,
    router: Router,
    recorder: &Mock,
    case: (Request, Vec<Fault>),
) {
    let (valid, faults) = case;
    let server = spawn_test_server(router).await.expect("server starts");
    let addr = server.addr.to_string();
    for mode in [Validation::Strict, Validation::Report] {
        recorder.set_validation(mode);
        // A valid request: answered, no violations, no header, in both modes.
        let a = valid.send(&addr);
        assert_eq!(a.status, 200, "{label} {mode:?} valid: {}", a.body);
        assert_eq!(a.header(VIOLATIONS_HEADER), None, "{label}");
        let rec = last_record(&addr);
        assert_eq!(rec["operation"], op);
        assert_eq!(rec["status"], 200);
        assert_eq!(rec["violations"], json!([]), "{label}");

        for f in &faults {
            let what = format!("{label} {mode:?} {} {}", f.what, f.parameter);
            let line = line_of(service, op, f.parameter);
            // The line is the document's table row of that parameter.
            assert!(
                doc_line(service, line).contains(f.parameter),
                "{what}: L{line} is {:?}",
                doc_line(service, line)
            );
            let a = f.request.send(&addr);
            let rec = last_record(&addr);
            let violations = rec["violations"].as_array().cloned().unwrap_or_default();
            assert_eq!(violations.len(), 1, "{what}: {violations:?}");
            assert_eq!(violations[0]["parameter"], f.parameter, "{what}");
            assert_eq!(violations[0]["line"], line, "{what}");
            match mode {
                Validation::Strict => {
                    assert_eq!(a.status, 400, "{what}: {}", a.body);
                    assert!(a.body.contains(f.parameter), "{what}: {}", a.body);
                    assert_eq!(a.header(VIOLATIONS_HEADER), None, "{what}");
                    assert_eq!(rec["status"], 400, "{what}");
                }
                Validation::Report => {
                    assert_eq!(a.status, 200, "{what}: {}", a.body);
                    let h = a
                        .header(VIOLATIONS_HEADER)
                        .unwrap_or_else(|| panic!("{what}"));
                    assert!(h.starts_with("1; "), "{what}: {h}");
                    assert!(
                        h.contains(f.parameter) && h.contains(&format!("(L{line})")),
                        "{what}: {h}"
                    );
                    assert_eq!(rec["status"], 200, "{what}");
                    // The answer is the normal one (the documented example or generated body).
                    let body: Value = serde_json::from_str(&a.body).expect("JSON answer");
                    assert!(body.is_object(), "{what}: {body}");
                }
            }
        }
        // All three in one request: strict names the first, report all three.
        let a = combined(&valid).send(&addr);
        let rec = last_record(&addr);
        let n = rec["violations"].as_array().map_or(0, Vec::len);
        match mode {
            Validation::Strict => assert_eq!((a.status, n), (400, 1), "{label}: {}", a.body),
            Validation::Report => {
                assert_eq!((a.status, n), (200, 3), "{label}: {}", a.body);
                assert!(a.header(VIOLATIONS_HEADER).unwrap().starts_with("3; "));
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn strict_rejects_and_report_answers_and_records_on_the_compiled_mocks() {
    let m = alikafka_mock::AlikafkaMock::new();
    let r = m.router(None);
    check(
        "compiled alikafka",
        "alikafka",
        "CreatePrePayOrder",
        r,
        m.recorder(),
        rpc_case(),
    )
    .await;
    let m = dms_kafka_mock::DmsKafkaMock::new();
    let r = m.router(None);
    check(
        "compiled dms-kafka",
        "dms-kafka",
        "CreateInstance",
        r,
        m.recorder(),
        rest_case(),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn strict_rejects_and_report_answers_and_records_on_apigen_mock() {
    for (svc, op, case) in [
        ("alikafka", "CreatePrePayOrder", rpc_case()),
        ("dms-kafka", "CreateInstance", rest_case()),
    ] {
        let m = apigen::mock::data_mock(&spec(svc), 0, false);
        let r = m.router(None);
        check(
            &format!("apigen mock {svc}"),
            svc,
            op,
            r,
            m.recorder(),
            case,
        )
        .await;
    }
}

/// Stops the mock process when the test ends, however it ends.
struct Child(std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The flag itself, on the `apigen mock` command line.
#[test]
fn the_validation_flag_of_apigen_mock() {
    use std::io::BufRead;
    let mut child = Child(
        std::process::Command::new(env!("CARGO_BIN_EXE_apigen"))
            .args(["mock", "alikafka.yaml", "--listen", "127.0.0.1:0"])
            .args(["--validation", "report"])
            .current_dir(root().join("specs"))
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("apigen mock starts"),
    );
    let mut lines = std::io::BufReader::new(child.0.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    let addr = first
        .split_once(" http://")
        .map(|x| x.1.to_owned())
        .unwrap_or_else(|| panic!("{first}"));
    let (_, faults) = rpc_case();
    let a = faults[0].request.send(&addr);
    assert_eq!(a.status, 200, "{}", a.body);
    assert!(a.header(VIOLATIONS_HEADER).unwrap().contains("DiskSize"));
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_apigen"))
        .args(["mock", "alikafka.yaml", "--validation", "loose"])
        .current_dir(root().join("specs"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("strict or report"));
}
