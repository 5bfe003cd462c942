//! The exported OpenAPI documents (`openapi/<service>.json`): fresh (exactly what
//! `apigen openapi` gives for the checked-in specs), complete (every operation), and valid
//! by validators we did not write (`scripts/openapi-validate.sh`: openapi-spec-validator,
//! and jsonschema for every documented response example).

use apigen::emit::lower::lower_inferred;
use apigen::emit::openapi;
use apigen::spec::load;
use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The checked-in specs, by service name.
fn specs() -> Vec<(String, PathBuf)> {
    let mut out: Vec<(String, PathBuf)> = std::fs::read_dir(repo().join("specs"))
        .expect("specs/ is readable")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .map(|p| (p.file_stem().unwrap().to_string_lossy().to_string(), p))
        .collect();
    out.sort();
    out
}

#[test]
fn exported_documents_are_fresh() {
    let specs = specs();
    assert_eq!(specs.len(), 5, "five specs: {specs:?}");
    let mut stale = Vec::new();
    for (service, path) in &specs {
        let spec = load::load_file(path).unwrap_or_else(|e| panic!("{e}"));
        let text = openapi::to_json_string(&openapi::export(&lower_inferred(&spec)));
        let out = repo().join("openapi").join(format!("{service}.json"));
        if std::fs::read_to_string(&out).ok().as_deref() != Some(text.as_str()) {
            stale.push(format!(
                "{}: stale; run `apigen openapi specs/{service}.yaml -o openapi/{service}.json`",
                out.display()
            ));
        }
    }
    assert!(stale.is_empty(), "{}", stale.join("\n"));
}

#[test]
fn every_operation_is_exported_once() {
    for (service, path) in specs() {
        let spec = load::load_file(&path).unwrap_or_else(|e| panic!("{e}"));
        let doc = openapi::export(&lower_inferred(&spec));
        let mut ids: Vec<String> = Vec::new();
        for (p, item) in doc["paths"].as_object().unwrap() {
            for (method, op) in item.as_object().unwrap() {
                let id = op["operationId"].as_str().unwrap().to_string();
                let spec_op = spec
                    .operation(&id)
                    .unwrap_or_else(|| panic!("{service}: {id}"));
                assert_eq!(
                    method,
                    &openapi::method_key(spec_op.method),
                    "{service} {id}"
                );
                if spec.service.protocol == apigen::spec::model::Protocol::AlibabaRpc {
                    assert_eq!(op["x-alibaba-action"], id.as_str());
                    assert!(
                        p.starts_with("/rpc/") && p.ends_with(&format!("/{id}")),
                        "{p}"
                    );
                } else {
                    assert_eq!(p, &spec_op.path);
                }
                ids.push(id);
            }
        }
        assert_eq!(ids.len(), spec.operations.len(), "{service}");
        ids.sort();
        ids.dedup();
        assert_eq!(
            ids.len(),
            spec.operations.len(),
            "{service}: duplicate operationId"
        );
    }
}

fn has(cmd: &str) -> bool {
    Command::new(cmd)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Runs the independent validators. Skipped only where python3 is missing and this is not
/// CI (`CI=true`); in CI a missing python3 fails the test.
#[test]
fn independent_validators_accept_the_exports() {
    if !has("python3") && std::env::var("CI").as_deref() != Ok("true") {
        eprintln!("skipped: python3 not found (set CI=true to make this a failure)");
        return;
    }
    let script = repo().join("scripts/openapi-validate.sh");
    let out = Command::new("bash")
        .arg(&script)
        .current_dir(repo())
        .output()
        .expect("bash runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "{} failed:\n{stdout}\n{stderr}",
        script.display()
    );
    // One summary line per document, so a script that validated nothing cannot pass.
    let valid = stdout
        .lines()
        .filter(|l| l.contains(": valid OpenAPI 3.1"))
        .count();
    assert_eq!(valid, 5, "{stdout}");
    assert!(Path::new(&repo().join("openapi")).is_dir());
}

/// The validation script fails on a document whose response example does not match its
/// schema (so the check above can fail).
#[test]
fn validation_script_rejects_a_bad_example() {
    if !has("python3") && std::env::var("CI").as_deref() != Ok("true") {
        eprintln!("skipped: python3 not found");
        return;
    }
    let text = "format: 1
service:
  name: t
  title: T
  vendor: huawei
  protocol: huawei-rest
  source: {document: d.txt, title: T, revision: '1', sha256: x}
operations:
- id: Get
  title: Get
  source: {line: 1}
  method: GET
  path: /v1/things
  responses:
  - status: 200
    body: {content_type: application/json, type: object, fields: [{name: count, type: integer}]}
    examples:
    - {format: json, line: 5, json: {count: many}}
";
    let spec = load::parse_str("t.yaml", text).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bad.json");
    std::fs::write(
        &file,
        openapi::to_json_string(&openapi::export(&lower_inferred(&spec))),
    )
    .unwrap();
    let out = Command::new("bash")
        .arg(repo().join("scripts/openapi-validate.sh"))
        .arg(&file)
        .output()
        .expect("bash runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success(), "{stdout}");
    assert!(
        stdout.contains("/count") && stdout.contains("1 failing"),
        "{stdout}"
    );
}
