//! `apigen diff` through the built binary: formats, exit codes (0 / 1 with `--fail-on` /
//! 2 for bad input), git revisions, and byte-identical output across runs.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn corpus(name: &str) -> String {
    repo()
        .join("tests/corpus/diff")
        .join(name)
        .display()
        .to_string()
}

fn apigen(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_apigen"))
        .current_dir(dir)
        .args(args)
        .output()
        .expect("run apigen")
}

fn code(o: &Output) -> i32 {
    o.status.code().expect("exit code")
}

#[test]
fn json_lists_the_changes_of_the_demo_revision() {
    let (v1, v2) = (corpus("demo-v1.yaml"), corpus("demo-v2.yaml"));
    let out = apigen(&repo(), &["diff", &v1, &v2, "--format", "json"]);
    assert_eq!(code(&out), 0, "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let ids: Vec<(&str, &str)> = v["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .map(|c| {
            (
                c["id"].as_str().unwrap_or(""),
                c["path"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        ids,
        vec![
            ("path-parameter-renamed", "id"),
            ("request-parameter-became-required", "limit"),
            ("response-field-enum-value-added", "200.status"),
            ("response-field-type-changed", "200.tags[].value"),
            ("required-request-parameter-added", "flavor"),
            ("operation-added", ""),
        ]
    );
    assert_eq!(
        v["summary"],
        serde_json::json!({"breaking": 4, "non_breaking": 2, "docs": 0})
    );
    for key in ["old", "new"] {
        assert_eq!(v[key]["service"], "demo");
    }
}

#[test]
fn fail_on_sets_exit_code_one() {
    let (v1, v2) = (corpus("demo-v1.yaml"), corpus("demo-v2.yaml"));
    let out = apigen(&repo(), &["diff", &v1, &v2, "--fail-on", "breaking"]);
    assert_eq!(code(&out), 1);
    let out = apigen(&repo(), &["diff", &v1, &v2, "--fail-on", "non-breaking"]);
    assert_eq!(code(&out), 1);
    // Nothing changed: nothing fails.
    let out = apigen(&repo(), &["diff", &v1, &v1, "--fail-on", "non-breaking"]);
    assert_eq!(code(&out), 0);
    assert!(String::from_utf8_lossy(&out.stdout).contains("no changes"));
}

#[test]
fn output_is_the_same_bytes_every_run_and_plain_when_piped() {
    let (v1, v2) = (corpus("demo-v1.yaml"), corpus("demo-v2.yaml"));
    for format in ["text", "markdown", "json"] {
        let a = apigen(&repo(), &["diff", &v1, &v2, "--format", format]);
        let b = apigen(&repo(), &["diff", &v1, &v2, "--format", format]);
        assert_eq!(a.stdout, b.stdout, "{format}");
        assert!(!a.stdout.contains(&0x1b), "{format}: colour on a pipe");
    }
}

#[test]
fn bad_input_exits_with_two_and_says_why() {
    let v1 = corpus("demo-v1.yaml");
    let tmp = tempfile::tempdir().expect("tempdir");
    let broken = tmp.path().join("broken.yaml");
    std::fs::write(&broken, "format: 1\nservice: [").expect("write");
    let unknown_doc = tmp.path().join("notes.txt");
    std::fs::write(&unknown_doc, "just some notes\n").expect("write");
    let cases: Vec<(Vec<String>, &str)> = vec![
        (
            vec![v1.clone(), "no/such/spec.yaml".into()],
            "no/such/spec.yaml: no such file",
        ),
        (
            vec![
                "no-such-revision-xyz:tests/corpus/diff/demo-v1.yaml".into(),
                v1.clone(),
            ],
            "git cannot show it",
        ),
        (
            vec![v1.clone(), corpus("other-service.yaml")],
            "is service `demo` but",
        ),
        (
            vec![v1.clone(), broken.display().to_string()],
            "broken.yaml:",
        ),
        (
            vec![unknown_doc.display().to_string(), v1.clone()],
            "not a known API reference",
        ),
    ];
    for (args, why) in cases {
        let mut all = vec!["diff".to_string()];
        all.extend(args.iter().cloned());
        all.extend(["--fail-on".into(), "breaking".into()]);
        let all: Vec<&str> = all.iter().map(String::as_str).collect();
        let out = apigen(&repo(), &all);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(code(&out), 2, "{args:?}: {err}");
        assert!(err.contains(why), "{args:?}: expected `{why}` in: {err}");
        assert!(out.stdout.is_empty(), "{args:?}: printed a report");
    }
}

#[test]
fn a_side_can_be_a_git_revision() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    let git = |args: &[&str]| {
        let ok = Command::new("git")
            .current_dir(dir)
            .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
            .args(["-c", "commit.gpgsign=false"])
            .args(args)
            .output()
            .expect("git")
            .status
            .success();
        assert!(ok, "git {args:?}");
    };
    git(&["init", "-q"]);
    std::fs::create_dir_all(dir.join("specs")).expect("mkdir");
    let spec = dir.join("specs/demo.yaml");
    std::fs::copy(corpus("demo-v1.yaml"), &spec).expect("copy");
    git(&["add", "."]);
    git(&["commit", "-q", "-m", "v1"]);
    std::fs::copy(corpus("demo-v2.yaml"), &spec).expect("copy");
    git(&["commit", "-q", "-am", "v2"]);
    let out = apigen(
        dir,
        &[
            "diff",
            "HEAD~1:specs/demo.yaml",
            "HEAD:specs/demo.yaml",
            "--format",
            "json",
        ],
    );
    assert_eq!(code(&out), 0, "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["summary"]["breaking"], 4);
    assert_eq!(v["old"]["label"], "HEAD~1:specs/demo.yaml");
    // The same file against the working tree: nothing changed.
    let out = apigen(dir, &["diff", "HEAD:specs/demo.yaml", "specs/demo.yaml"]);
    assert_eq!(code(&out), 0);
    assert!(String::from_utf8_lossy(&out.stdout).contains("no changes"));
}
