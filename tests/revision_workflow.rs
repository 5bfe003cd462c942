//! The doc-revision workflow end to end, as the README describes it: a new revision of a
//! document arrives (here: the MSE document edited the way a vendor revision changes it),
//! `apigen extract` reports the corrections it no longer needs, and `apigen diff` against
//! the checked-in spec reports exactly the changes made, classified.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const DOC: &str = "alibaba-mse-api-20210223.txt";

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn apigen(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_apigen"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("apigen runs")
}

/// Replace the first occurrence of `from` (which must exist) with `to`.
fn edit(text: &mut String, from: &str, to: &str) {
    let at = text
        .find(from)
        .unwrap_or_else(|| panic!("the document no longer contains {from:?}"));
    text.replace_range(at..at + from.len(), to);
}

/// The revision: each edit is one kind of change a vendor makes between revisions.
fn revise(original: &str) -> String {
    let mut text = original.to_string();
    // A parameter becomes required (CreateZnode's ClusterId, the first such row).
    edit(
        &mut text,
        "ClusterId\tString\t否\tmse-09k1q11****\t集群ID。",
        "ClusterId\tString\t是\tmse-09k1q11****\t集群ID。",
    );
    // A parameter changes type (CreateZnode's Data).
    edit(
        &mut text,
        "Data\tString\t否\tdata\t节点数据。",
        "Data\tInteger\t否\tdata\t节点数据。",
    );
    // A response field is removed (DeleteZnode's Data.Dir: the row after `节点数据列表。`).
    let dir_row = "Dir\tBoolean\ttrue\t节点列表信息，取值如下： <ul style=\"list-style-type: none\"> <li><code>true</code>：信息返回成功。</li> <li><code>false</code>：信息返回失败。</li> </ul>\n";
    edit(
        &mut text,
        &format!("节点数据列表。\n{dir_row}"),
        "节点数据列表。\n",
    );
    // The vendor fixes an OCR slip a correction used to fix: the correction goes stale.
    edit(&mut text, "Clusterid\tString\t是", "ClusterId\tString\t是");
    // An operation is added: a copy of DeleteZnode as PurgeZnode, at the end of chapter 6.
    let start = text
        .find("## 6.3. DeleteZnode")
        .expect("DeleteZnode section");
    let end = text[start..]
        .find("## 6.4.")
        .map(|e| start + e)
        .expect("next section");
    let purge = text[start..end]
        .replace("DeleteZnode", "PurgeZnode")
        .replace("## 6.3.", "## 6.16.");
    edit(&mut text, "# 7. 集群管理", &format!("{purge}# 7. 集群管理"));
    text
}

#[test]
fn a_new_revision_is_extracted_and_diffed() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    std::fs::create_dir_all(root.join("specs/sources")).unwrap();
    std::fs::create_dir_all(root.join("specs/corrections")).unwrap();
    let original = std::fs::read_to_string(repo().join("specs/sources").join(DOC)).unwrap();
    std::fs::write(root.join("specs/sources").join(DOC), revise(&original)).unwrap();
    std::fs::copy(
        repo().join("specs/corrections/mse.yaml"),
        root.join("specs/corrections/mse.yaml"),
    )
    .unwrap();
    std::fs::copy(repo().join("specs/mse.yaml"), root.join("old.yaml")).unwrap();

    // 1. extract: succeeds, reports the correction that no longer applies.
    let out = apigen(
        &["extract", &format!("specs/sources/{DOC}"), "-o", "new.yaml"],
        root,
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "extract failed: {stderr}");
    assert!(
        stderr.contains("stale correction")
            && stderr.contains("operations[ListZnodeChildren].parameters[Clusterid]"),
        "the fixed OCR slip should make its correction stale:\n{stderr}"
    );
    // --strict turns the stale correction into a failure.
    let strict = apigen(
        &[
            "extract",
            &format!("specs/sources/{DOC}"),
            "--strict",
            "-o",
            "strict.yaml",
        ],
        root,
    );
    assert_eq!(strict.status.code(), Some(1));

    // 2. diff against the checked-in spec: exactly the changes made, classified.
    let out = apigen(
        &[
            "diff",
            "old.yaml",
            "new.yaml",
            "--format",
            "json",
            "--fail-on",
            "breaking",
        ],
        root,
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "breaking changes must fail: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON report");
    let changes: BTreeSet<(String, String, String)> = report["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let s = |k: &str| c[k].as_str().unwrap_or("").to_string();
            (s("id"), s("operation"), s("path"))
        })
        .collect();
    let expected: BTreeSet<(String, String, String)> = [
        ("operation-added", "PurgeZnode", ""),
        (
            "request-parameter-became-required",
            "CreateZnode",
            "ClusterId",
        ),
        ("request-parameter-type-changed", "CreateZnode", "Data"),
        ("response-field-removed", "DeleteZnode", "200.Data.Dir"),
    ]
    .iter()
    .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
    .collect();
    assert_eq!(changes, expected);
    assert_eq!(report["summary"]["breaking"], 3, "{report:#}");

    // 3. The Markdown report names the operations for a pull-request comment.
    let md = apigen(
        &["diff", "old.yaml", "new.yaml", "--format", "markdown"],
        root,
    );
    let md = String::from_utf8_lossy(&md.stdout);
    for op in ["PurgeZnode", "CreateZnode", "DeleteZnode"] {
        assert!(md.contains(op), "markdown report lacks {op}:\n{md}");
    }
}
