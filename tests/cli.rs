//! The built `apigen` binary: `lint` exit codes and messages, `inspect` output,
//! `schema --check`, and each kind of bad input reported with its file (and line).

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

/// Runs apigen expecting bad input: exit 2, no panic; the standard error.
fn rejected(args: &[&str]) -> String {
    let out = apigen(args);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
    assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    stderr
}

#[test]
fn a_malformed_corrections_file_is_reported_with_its_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let c = dir.path().join("c.yaml");
    std::fs::write(&c, "service: mse\ncorrections:\n- {at: x, sett: 1}\n").unwrap();
    let c = c.to_string_lossy().into_owned();
    let stderr = rejected(&[
        "extract",
        "specs/sources/alibaba-mse-api-20210223.txt",
        "--corrections",
        &c,
    ]);
    assert!(
        stderr.starts_with(&format!(
            "error: {c}:3:11: corrections[0]: unknown field `sett`"
        )),
        "{stderr}"
    );
}

#[test]
fn a_resource_file_that_is_malformed_or_stale_is_reported_with_its_file() {
    let dir = tempfile::tempdir().unwrap();
    let specs = dir.path().join("specs");
    std::fs::create_dir_all(specs.join("resources")).unwrap();
    std::fs::copy(
        root().join("tests/corpus/good-rpc.yaml"),
        specs.join("good-rpc.yaml"),
    )
    .unwrap();
    let spec = specs.join("good-rpc.yaml").to_string_lossy().into_owned();
    let resources = specs.join("resources/good-rpc.yaml");
    let file = resources.to_string_lossy().into_owned();
    // A misspelt key: the parser's line and column.
    std::fs::write(
        &resources,
        "service: kafkalet\nresources:\n- resource: x\n  reson: y\n",
    )
    .unwrap();
    let stderr = rejected(&["resources", &spec]);
    assert!(
        stderr.starts_with(&format!(
            "error: {file}:4:3: resources[0]: unknown field `reson`"
        )),
        "{stderr}"
    );
    // An entry without evidence, and one naming a resource the inference does not have.
    std::fs::write(
        &resources,
        "service: kafkalet\nresources:\n- resource: x\n  reason: ''\n",
    )
    .unwrap();
    let stderr = rejected(&["resources", &spec]);
    assert_eq!(
        stderr.trim_end(),
        format!("error: {file}: resource \"x\": every entry needs its evidence in `reason`")
    );
    std::fs::write(
        &resources,
        "service: kafkalet\nresources:\n- resource: nope\n  reason: r\n",
    )
    .unwrap();
    let stderr = rejected(&["resources", &spec]);
    assert_eq!(
        stderr.trim_end(),
        format!("error: {file}: resource \"nope\": no such inferred resource (stale entry?)")
    );
    // The same file stops `apigen mock` and `apigen openapi` of that spec.
    assert_eq!(rejected(&["openapi", &spec]), stderr);
    assert_eq!(rejected(&["mock", &spec]), stderr);
}

#[test]
fn recorded_options_that_do_not_parse_or_name_no_runtime_are_reported_with_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let options = dir.path().join("apigen.yaml");
    let file = options.to_string_lossy().into_owned();
    let out = dir.path().to_string_lossy().into_owned();
    std::fs::write(&options, "runtime:\n  path: x\nprefx: a\n").unwrap();
    let stderr = rejected(&["generate", "--out", &out, "tests/corpus/good-rpc.yaml"]);
    assert!(
        stderr.starts_with(&format!("error: {file}: unknown field `prefx`")),
        "{stderr}"
    );
    assert!(stderr.contains("at line 3 column 1"), "{stderr}");
    std::fs::write(
        &options,
        "runtime:\n  path: x\n  version: '1'\nprefix: a\nlicense: MIT\nworkspace: false\n",
    )
    .unwrap();
    let stderr = rejected(&["generate", "--out", &out, "tests/corpus/good-rpc.yaml"]);
    assert!(
        stderr.starts_with(&format!(
            "error: {file}: `runtime` takes one of `path`, `git`"
        )),
        "{stderr}"
    );
}

#[test]
fn generate_reports_a_bad_spec_and_a_misplaced_previous_spec() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_string_lossy().into_owned();
    let stderr = rejected(&[
        "generate",
        "--out",
        &out,
        "tests/corpus/bad-specs/syntax-error.yaml",
    ]);
    assert!(
        stderr.starts_with(
            "error: tests/corpus/bad-specs/syntax-error.yaml:11:12: error: mapping values are not allowed"
        ),
        "{stderr}"
    );
    let stderr = rejected(&[
        "generate",
        "--out",
        &out,
        "--previous",
        "tests/corpus/good-rest.yaml",
        "tests/corpus/good-rpc.yaml",
    ]);
    assert_eq!(
        stderr.trim_end(),
        "error: --previous tests/corpus/good-rest.yaml: service `queuelet` is not among the specs generated"
    );
    let stderr = rejected(&[
        "generate",
        "--out",
        &out,
        "--runtime-git",
        "x",
        "--runtime-pin",
        "foo",
        "tests/corpus/good-rpc.yaml",
    ]);
    assert!(
        stderr.contains(
            "'--runtime-pin <RUNTIME_PIN>': expected rev=…, tag=… or branch=…, got \"foo\""
        ),
        "{stderr}"
    );
}

#[test]
fn mock_reports_a_service_given_twice_and_a_bad_listen_address() {
    let stderr = rejected(&[
        "mock",
        "tests/corpus/good-rpc.yaml",
        "tests/corpus/good-rpc.yaml",
    ]);
    assert_eq!(
        stderr.trim_end(),
        "error: tests/corpus/good-rpc.yaml: service `kafkalet` is given twice"
    );
    let stderr = rejected(&[
        "mock",
        "--port-each",
        "--listen",
        "nonsense",
        "tests/corpus/good-rpc.yaml",
    ]);
    assert_eq!(
        stderr.trim_end(),
        "error: --listen \"nonsense\": expected HOST:PORT"
    );
    let stderr = rejected(&["mock", "tests/corpus/bad-specs/syntax-error.yaml"]);
    assert!(
        stderr.starts_with("error: tests/corpus/bad-specs/syntax-error.yaml:11:12: error: "),
        "{stderr}"
    );
}

/// `generate` reads everything under `--root` or beside the given specs, wherever it runs:
/// the reviewed resource files (`specs/resources/<service>.yaml`) that settle the waiters and
/// the stateful plans were read relative to the working directory, so from elsewhere the
/// output lost them.
#[test]
fn generate_reads_the_resource_files_beside_the_specs_from_any_directory() {
    let elsewhere = std::env::temp_dir().join(format!("apigen-cwd-{}", std::process::id()));
    std::fs::create_dir_all(&elsewhere).unwrap();
    let repo = root().canonicalize().unwrap();
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_apigen"))
            .args(args)
            .current_dir(&elsewhere)
            .output()
            .expect("apigen runs")
    };
    let check = run(&["generate", "--check", "--root", repo.to_str().unwrap()]);
    assert_eq!(
        check.status.code(),
        Some(0),
        "{}{}",
        text(&check.stdout),
        text(&check.stderr)
    );
    let out = elsewhere.join("out");
    let spec = repo.join("specs/alikafka.yaml");
    let gen = run(&[
        "generate",
        "--out",
        out.to_str().unwrap(),
        "--runtime-path",
        repo.join("codegen/runtime").to_str().unwrap(),
        spec.to_str().unwrap(),
    ]);
    assert_eq!(gen.status.code(), Some(0), "{}", text(&gen.stderr));
    let client = std::fs::read_to_string(out.join("alikafka-client/src/lib.rs")).unwrap();
    let _ = std::fs::remove_dir_all(&elsewhere);
    // The instance waiter exists only where the resource file settles its states.
    assert!(
        client.contains("pub fn wait_until_instance_running"),
        "the out-of-tree client lost the waiters its resource file settles"
    );
}
