//! The built `apigen` binary: `lint` exit codes and messages, `inspect` output,
//! `schema --check`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn apigen(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_apigen"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("apigen runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn lint_reports_semantic_errors_with_location_and_exits_1() {
    let out = apigen(&["lint", "tests/corpus/bad-specs/missing-named-type.yaml"]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}{}", text(&out.stderr));
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(
        lines[0].starts_with("tests/corpus/bad-specs/missing-named-type.yaml: bad: 1 operations"),
        "{stdout}"
    );
    assert_eq!(
        &lines[1..],
        [
            "tests/corpus/bad-specs/missing-named-type.yaml:21:21: error: \
             operations[ListConfigs].responses[200].body.fields[data].type: \
             unknown type `KieConfig`; the operation's types are: `KieConfigs`",
            "tests/corpus/bad-specs/missing-named-type.yaml:23:7: warning: \
             operations[ListConfigs].types.KieConfigs: type `KieConfigs` is not used by the operation",
        ]
    );
}

#[test]
fn lint_exits_2_on_malformed_or_unreadable_files_and_goes_on() {
    let out = apigen(&[
        "lint",
        "tests/corpus/bad-specs/syntax-error.yaml",
        "tests/corpus/no-such-file.yaml",
        "tests/corpus/good-rest.yaml",
    ]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(
            "tests/corpus/bad-specs/syntax-error.yaml:11:12: error: mapping values are not allowed"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("tests/corpus/no-such-file.yaml: error: "),
        "{stderr}"
    );
    // The good file after the bad ones is still linted.
    assert!(text(&out.stdout).starts_with("tests/corpus/good-rest.yaml: queuelet: 2 operations"));
    assert!(!stderr.contains("panicked"));
}

#[test]
fn lint_of_good_specs_exits_0_with_counts() {
    let out = apigen(&[
        "lint",
        "tests/corpus/good-rpc.yaml",
        "tests/corpus/good-rest.yaml",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    assert_eq!(
        text(&out.stdout),
        "tests/corpus/good-rpc.yaml: kafkalet: 1 operations, 7 parameters, 10 response fields, 1 named types, \
         4 examples (3 parsed, 1 raw), 1 error codes, 0 deprecated\n\
         tests/corpus/good-rest.yaml: queuelet: 2 operations, 10 parameters, 13 response fields, 2 named types, \
         3 examples (3 parsed, 0 raw), 0 error codes, 0 deprecated\n"
    );
}

#[test]
fn no_bad_spec_makes_the_binary_panic() {
    for entry in std::fs::read_dir(root().join("tests/corpus/bad-specs")).unwrap() {
        let path = entry.unwrap().path();
        let p = path.to_string_lossy().into_owned();
        for args in [
            vec!["lint", &p],
            vec!["inspect", &p],
            vec!["inspect", "--format", "json", &p],
        ] {
            let out = apigen(&args);
            let code = out.status.code();
            assert!(
                matches!(code, Some(0..=2)),
                "{args:?}: {code:?} {}",
                text(&out.stderr)
            );
            assert!(
                !text(&out.stderr).contains("panicked"),
                "{args:?}: {}",
                text(&out.stderr)
            );
        }
    }
}

#[test]
fn inspect_json_has_the_documented_shape() {
    let out = apigen(&["inspect", "--format", "json", "tests/corpus/good-rpc.yaml"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["service"], "kafkalet");
    let op = &v["operations"][0];
    let keys: Vec<&str> = op.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, ["name", "method", "path", "request", "response"]);
    assert_eq!(op["name"], "GetInstanceList");
    assert_eq!(op["method"], "POST");
    assert_eq!(op["path"], "/");
    let req: Vec<String> = op["request"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        req,
        [
            "RegionId",
            "InstanceId.N",
            "Tag.N.Key",
            "Tag.N.Value",
            "OrderBy",
            "PageSize"
        ]
    );
    assert_eq!(
        op["request"][5],
        serde_json::json!({"name": "PageSize", "in": "query", "type": "integer", "required": false})
    );
    let paths: Vec<String> = op["response"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["path"].as_str().unwrap().to_string())
        .collect();
    assert!(
        paths.contains(&"InstanceList.InstanceVO[].Tags.TagVO[].Key".to_string()),
        "{paths:?}"
    );
    assert!(
        paths.contains(&"InstanceList.InstanceVO[].DiskSize".to_string()),
        "{paths:?}"
    );

    let out = apigen(&["inspect", "tests/corpus/good-rest.yaml"]);
    let listing = text(&out.stdout);
    assert!(
        listing.contains("    bss_param.charging_mode  body    string\n"),
        "{listing}"
    );
    assert!(
        listing.contains("    instances[].status  string\n"),
        "{listing}"
    );
}

#[test]
fn schema_check_passes_on_the_checked_in_schema_and_fails_on_a_stale_one() {
    let out = apigen(&["schema", "--check", "-o", "specs/spec.schema.json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let dir = tempfile::tempdir().unwrap();
    let stale = dir.path().join("stale.json");
    std::fs::write(&stale, "{}\n").unwrap();
    let out = apigen(&["schema", "--check", "-o", stale.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("stale"));
}

/// A revision kept outside `specs/sources/` (`apigen extract ~/Downloads/x.txt` run in the
/// project) gets the project's corrections; outside any project the run warns, naming the
/// file it looked for, and `--strict` fails.
#[test]
fn a_revision_kept_elsewhere_gets_the_projects_corrections_or_a_loud_warning() {
    let away = std::env::temp_dir().join(format!("apigen-downloads-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&away);
    std::fs::create_dir_all(&away).unwrap();
    let doc = away.join("new-revision.txt");
    std::fs::copy(
        root().join("specs/sources/alibaba-mse-api-20210223.txt"),
        &doc,
    )
    .unwrap();
    let doc_arg = doc.to_str().unwrap();

    let out = apigen(&["extract", doc_arg]);
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("corrections: specs/corrections/mse.yaml"),
        "{}",
        text(&out.stderr)
    );
    assert!(!text(&out.stderr).contains("no corrections file"));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    // Exactly what the checked-in spec holds, apart from the recorded document path.
    let checked_in = std::fs::read_to_string(root().join("specs/mse.yaml")).unwrap();
    assert_eq!(
        stdout.replace(doc_arg, "specs/sources/alibaba-mse-api-20210223.txt"),
        checked_in
    );

    for strict in [false, true] {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_apigen"));
        cmd.args(["extract", doc_arg]).current_dir(&away);
        if strict {
            cmd.arg("--strict");
        }
        let out = cmd.output().unwrap();
        let stderr = text(&out.stderr);
        assert!(
            stderr.contains("warning: no corrections file for `mse`")
                && stderr.contains(
                    &away
                        .join("specs/corrections/mse.yaml")
                        .display()
                        .to_string()
                ),
            "{stderr}"
        );
        assert_eq!(
            out.status.code(),
            Some(if strict { 1 } else { 0 }),
            "{stderr}"
        );
    }
    std::fs::remove_dir_all(&away).unwrap();
}
