//! The doc-revision workflow end to end, as the README describes it: a new revision of a
//! document arrives (edited the way a vendor revision changes it), `apigen extract` reports
//! the corrections it no longer needs, and `apigen diff` against the checked-in spec reports
//! exactly the changes made, classified. The MSE case below goes through stale corrections
//! and the Markdown report; every one of the five documents then gets a revision kept
//! outside `specs/sources/` (extracted from the project root, so the project's corrections
//! apply) and a layout-only revision (re-wrapped prose, moved page breaks, extra blank
//! lines, CRLF) that must give the same spec.

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

// ---------------------------------------------------------------------------------------
// Every document: a content revision (extract → diff names exactly the edits) and layout
// revisions (the same spec as from the original).

/// One document's synthetic revision.
struct Revision {
    doc: &'static str,
    service: &'static str,
    /// `(from, to)`: the first occurrence of `from` (which must exist) becomes `to`.
    edits: &'static [(&'static str, &'static str)],
    /// An operation added: the section from the heading line `copy` to the line before
    /// `copy_until` is copied, `renames` applied to the copy, and inserted before the
    /// line `insert_before`.
    copy: &'static str,
    copy_until: &'static str,
    insert_before: &'static str,
    renames: &'static [(&'static str, &'static str)],
    /// What `apigen diff` must report: `(id, operation, path)`.
    expected: &'static [(&'static str, &'static str, &'static str)],
}

/// The start of the line that is exactly `line` (the first such line).
fn line_at(text: &str, line: &str) -> usize {
    let mut at = 0;
    for l in text.split_inclusive('\n') {
        if l.trim_end_matches(['\n', '\r']) == line {
            return at;
        }
        at += l.len();
    }
    panic!("the document has no line {line:?}")
}

fn revise_doc(original: &str, r: &Revision) -> String {
    let mut text = original.to_string();
    for (from, to) in r.edits {
        edit(&mut text, from, to);
    }
    let start = line_at(&text, r.copy);
    let end = start + line_at(&text[start..], r.copy_until);
    let mut section = text[start..end].to_string();
    for (from, to) in r.renames {
        assert!(section.contains(from), "the copied section lacks {from:?}");
        section = section.replace(from, to);
    }
    let at = line_at(&text, r.insert_before);
    text.insert_str(at, &section);
    text
}

const REVISIONS: &[Revision] = &[
    Revision {
        doc: "alibaba-mse-api-20210223.txt",
        service: "mse",
        edits: &[
            // An optional parameter added (DeleteZnode).
            (
                "Path\tString\t是\t/zookeeper\t节点路径。\n",
                "Path\tString\t是\t/zookeeper\t节点路径。\nRecursive\tBoolean\t否\tfalse\t是否递归删除。\n",
            ),
            // A parameter becomes required and one changes type (CreateZnode).
            (
                "Path\tString\t否\t/zookeeper\t节点路径。",
                "Path\tString\t是\t/zookeeper\t节点路径。",
            ),
            (
                "Data\tString\t否\tdata\t节点数据。",
                "Data\tInteger\t否\tdata\t节点数据。",
            ),
            // Rows move across a page break (CreateZnode's response): no change.
            (
                "Name\tString\tmse-bc1a29b0-160230875****-reg-center-0-1\t节点名称。\n",
                "Name\tString\tmse-bc1a29b0-160230875****-reg-center-0-1\t节点名称。\n\n名称\t类型\t示例值\t描述\n",
            ),
        ],
        copy: "## 6.3. DeleteZnode",
        copy_until: "## 6.4. ListZnodeChildren",
        insert_before: "# 7. 集群管理",
        renames: &[("DeleteZnode", "PurgeZnode"), ("## 6.3.", "## 6.16.")],
        expected: &[
            ("operation-added", "PurgeZnode", ""),
            ("optional-request-parameter-added", "DeleteZnode", "Recursive"),
            ("request-parameter-became-required", "CreateZnode", "Path"),
            ("request-parameter-type-changed", "CreateZnode", "Data"),
        ],
    },
    Revision {
        doc: "alibaba-retailcloud-jushita-openapi-20200220.txt",
        service: "retailcloud",
        edits: &[
            (
                "SlbAPId\tLong\t是\t123\tSLB接入id。\n",
                "SlbAPId\tLong\t是\t123\tSLB接入id。\nForce\tBoolean\t否\ttrue\t是否强制删除。\n",
            ),
            (
                "PageSize\tInteger\t否\t20\t每页条数（默认20）",
                "PageSize\tInteger\t是\t20\t每页条数（默认20）",
            ),
            (
                "PageNumber\tInteger\t否\t1\t当前页\n",
                "PageNumber\tLong\t否\t1\t当前页\n",
            ),
            // ListApp's response split over a page after `Data`.
            (
                "Data\tArray\t\t查询结果数据\n",
                "Data\tArray\t\t查询结果数据\n\n名称\t类型\t示例值\t描述\n",
            ),
        ],
        copy: "3.1.3 DeleteSlbAP",
        copy_until: "3.1.4 DescribeSlbAPDetail",
        insert_before: "3.2 Service管理",
        renames: &[("DeleteSlbAP", "PurgeSlbAP"), ("3.1.3 ", "3.1.6 ")],
        expected: &[
            ("operation-added", "PurgeSlbAP", ""),
            ("optional-request-parameter-added", "DeleteSlbAP", "Force"),
            ("request-parameter-became-required", "ListApp", "PageSize"),
            ("request-parameter-type-changed", "ListApp", "PageNumber"),
        ],
    },
    Revision {
        doc: "alibaba-alikafka-api-20201111.txt",
        service: "alikafka",
        edits: &[
            (
                "InstanceId\tString\tYes\talikafka_post-cn-mp91inkw****\tThe ID of the Message Queue for Apache Kafka instance whose IP address whitelist you want to obtain.\n",
                "InstanceId\tString\tYes\talikafka_post-cn-mp91inkw****\tThe ID of the Message Queue for Apache Kafka instance whose IP address whitelist you want to obtain.\nAllowedListType\tString\tNo\tvpc\tThe type of the whitelist.\n",
            ),
            (
                "SpecType\tString\tNo\tprofessional",
                "SpecType\tString\tYes\tprofessional",
            ),
            (
                "<li><b>1</b>:SSD</li> </ul>",
                "<li><b>1</b>:SSD</li> <li><b>2</b>:ESSD</li> </ul>",
            ),
            (
                "PortRange\tString\t9092/9092\tThe port number range corresponding to the IP address whitelist. Set the value to <b>9092/9092</b> .\n",
                "PortRange\tString\t9092/9092\tThe port number range corresponding to the IP address whitelist. Set the value to <b>9092/9092</b> .\n\nParameter\tType\tExample\tDescription\n",
            ),
        ],
        copy: "# 10.6. DeleteInstance",
        copy_until: "## 10.7. GetAllowedIpList",
        insert_before: "# 11.Topic",
        renames: &[("DeleteInstance", "ReleaseInstance"), ("# 10.6. ", "# 10.9. ")],
        expected: &[
            ("operation-added", "ReleaseInstance", ""),
            ("optional-request-parameter-added", "GetAllowedIpList", "AllowedListType"),
            ("request-parameter-became-required", "CreatePrePayOrder", "SpecType"),
            ("request-parameter-enum-value-added", "CreatePrePayOrder", "DiskType"),
            // The value list is printed in the description.
            ("request-parameter-description-changed", "CreatePrePayOrder", "DiskType"),
        ],
    },
    Revision {
        doc: "huawei-cse-api-20260106.txt",
        service: "cse",
        edits: &[
            (
                "env\tNo\tString\tEnvironment information about the instance.\n",
                "env\tNo\tInteger\tEnvironment information about the instance.\nversion\tNo\tString\tInstance version.\n",
            ),
            (
                "tags\tNo\tString\tTag. When there are multiple tags, separate them using commas (.). Regular expression: <code>",
                "tags\tYes\tString\tTag. When there are multiple tags, separate them using commas (.). Regular expression: <code>",
            ),
            // The query table split over a page after `serviceName`.
            (
                "\\$</code>\ntags\tYes\tString",
                "\\$</code>\n\nParameter\tMandatory\tType\tDescription\ntags\tYes\tString",
            ),
        ],
        copy: "7.5.7 Sending Heartbeat Information",
        copy_until: "7.5.8 Querying a Microservice Instance by Filter Criteria",
        insert_before: "7.6 Dependency",
        renames: &[
            ("7.5.7 Sending Heartbeat Information", "7.5.10 Sending Liveness Information"),
            ("/heartbeat", "/liveness"),
        ],
        // The new section's heading is not in the contents: taken with a warning.
        expected: &[
            ("operation-added", "SendLivenessInformation", ""),
            (
                "optional-request-parameter-added",
                "QueryMicroserviceInstanceByFilterCriteria",
                "version",
            ),
            (
                "request-parameter-became-required",
                "QueryMicroserviceInstanceByFilterCriteria",
                "tags",
            ),
            (
                "request-parameter-type-changed",
                "QueryMicroserviceInstanceByFilterCriteria",
                "env",
            ),
        ],
    },
    Revision {
        doc: "huawei-dms-kafka-api-20230719.txt",
        service: "dms-kafka",
        edits: &[
            (
                "start\t否\tInteger\t开启查询的任务编号。\nlimit\t否\tInteger\t查询的任务个数。\n",
                "start\t是\tInteger\t开启查询的任务编号。\n\n参数\t是否必选\t参数类型\t描述\nlimit\t否\tString\t查询的任务个数。\ntype\t否\tString\t任务类型。\n",
            ),
            // The page break that split this table (before `end_time`) is gone.
            (
                "格式为YYYYMMDDHHmmss。\n\n参数\t是否必选\t参数类型\t描述\nend_time",
                "格式为YYYYMMDDHHmmss。\nend_time",
            ),
        ],
        copy: "5.7.3 删除后台任务管理中的指定记录",
        copy_until: "5.8 标签管理",
        insert_before: "5.8 标签管理",
        renames: &[
            ("5.7.3 删除后台任务管理中的指定记录", "5.7.4 删除实例的全部后台任务记录"),
            ("/tasks/{task_id}", "/tasks"),
        ],
        expected: &[
            ("operation-added", "DeleteInstanceTasks", ""),
            ("optional-request-parameter-added", "ListInstanceTasks", "type"),
            ("request-parameter-became-required", "ListInstanceTasks", "start"),
            ("request-parameter-type-changed", "ListInstanceTasks", "limit"),
        ],
    },
];

fn run_ok(args: &[&str], dir: &Path) -> String {
    let out = apigen(args, dir);
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(out.status.success(), "apigen {args:?} failed:\n{stderr}");
    stderr
}

fn diff_changes(old: &Path, new: &Path) -> BTreeSet<(String, String, String)> {
    let out = apigen(
        &[
            "diff",
            old.to_str().unwrap(),
            new.to_str().unwrap(),
            "--format",
            "json",
        ],
        &repo(),
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("diff JSON: {e}: {}", String::from_utf8_lossy(&out.stderr)));
    report["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let s = |k: &str| c[k].as_str().unwrap_or("").to_string();
            (s("id"), s("operation"), s("path"))
        })
        .collect()
}

/// The user's workflow on a revision kept outside `specs/sources/`, run from the project
/// root: `extract` finds the project's corrections (none goes stale: the edits do not touch
/// what they correct), and `diff` against the checked-in spec names exactly the edits.
#[test]
fn a_revision_of_every_document_is_extracted_and_diffed() {
    let tmp = tempfile::tempdir().unwrap();
    for r in REVISIONS {
        let original = std::fs::read_to_string(repo().join("specs/sources").join(r.doc)).unwrap();
        let doc = tmp.path().join(r.doc);
        std::fs::write(&doc, revise_doc(&original, r)).unwrap();
        let new = tmp.path().join(format!("{}.yaml", r.service));
        let stderr = run_ok(
            &[
                "extract",
                doc.to_str().unwrap(),
                "-o",
                new.to_str().unwrap(),
            ],
            &repo(),
        );
        assert!(
            !stderr.contains("no corrections file") && stderr.contains("; 0 stale corrections"),
            "{}: the corrections should be found and all still apply:\n{stderr}",
            r.service
        );
        let spec = std::fs::read_to_string(&new).unwrap();
        assert!(
            spec.contains(&format!(
                "corrections: specs/corrections/{}.yaml",
                r.service
            )),
            "{}: the spec does not name its corrections",
            r.service
        );
        let old = repo().join("specs").join(format!("{}.yaml", r.service));
        let expected: BTreeSet<(String, String, String)> = r
            .expected
            .iter()
            .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
            .collect();
        assert_eq!(diff_changes(&old, &new), expected, "{}", r.service);
    }
}

/// A spec as a JSON value without what a layout change may move: document lines and the
/// source block (path, hash).
fn layout_free(path: &Path) -> serde_json::Value {
    fn strip(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::Object(m) => {
                m.remove("line");
                m.values_mut().for_each(strip);
            }
            serde_json::Value::Array(a) => a.iter_mut().for_each(strip),
            _ => {}
        }
    }
    let text = std::fs::read_to_string(path).unwrap();
    let mut v: serde_json::Value = yaml_serde::from_str(&text).unwrap();
    v["service"].as_object_mut().unwrap().remove("source");
    strip(&mut v);
    v
}

/// Where two values first differ (a JSON pointer and both values), if they do.
fn first_difference(a: &serde_json::Value, b: &serde_json::Value, at: &str) -> Option<String> {
    use serde_json::Value;
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            x.keys()
                .chain(y.keys())
                .find_map(|k| match (x.get(k), y.get(k)) {
                    (Some(u), Some(v)) => first_difference(u, v, &format!("{at}/{k}")),
                    _ => Some(format!("{at}/{k}: present on one side only")),
                })
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => x
            .iter()
            .zip(y)
            .enumerate()
            .find_map(|(i, (u, v))| first_difference(u, v, &format!("{at}/{i}"))),
        _ if a == b => None,
        _ => Some(format!("{at}: {a} != {b}")),
    }
}

fn is_table_row(l: &str) -> bool {
    l.contains('\t')
}

/// A deterministic choice in `0..n` from a line's position (no random crate needed).
fn pick(seed: usize, n: usize) -> usize {
    (seed.wrapping_mul(2654435761) >> 7) % n.max(1)
}

/// Layout changes a new conversion of the same document makes: prose re-wrapped (long
/// lines split at a word, or between two CJK characters), page breaks at other rows (the
/// header printed again after a blank line: existing breaks joined, new ones cut, so a
/// table is split over a page), extra blank lines, and CRLF line ends.
fn relayout(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let mut out: Vec<String> = Vec::new();
    let mut in_fence = false;
    let mut i = 0;
    while i < lines.len() {
        let l = lines[i];
        if l.trim_start().starts_with("```") {
            in_fence = !in_fence;
            out.push(l.to_string());
            i += 1;
            continue;
        }
        if !in_fence && is_table_row(l) {
            // A table: its header, and its rows with page breaks joined.
            let header = l;
            let mut rows: Vec<&str> = Vec::new();
            // Data rows above each page break of the original.
            let mut breaks: Vec<usize> = Vec::new();
            let mut j = i + 1;
            loop {
                while j < lines.len() && is_table_row(lines[j]) {
                    rows.push(lines[j]);
                    j += 1;
                }
                breaks.push(rows.iter().filter(|r| !r.starts_with("----")).count());
                // A page break: blank lines, then the same header again.
                let mut k = j;
                while k < lines.len() && lines[k].trim().is_empty() {
                    k += 1;
                }
                if k > j && k < lines.len() && lines[k] == header {
                    j = k + 1;
                    continue;
                }
                break;
            }
            out.push(header.to_string());
            let data = rows.iter().filter(|r| !r.starts_with("----")).count();
            // One break, at a row where the original had none.
            let cut = (0..data)
                .map(|k| 1 + (pick(i, data) + k) % data.max(1))
                .find(|c| *c < data && !breaks.contains(c))
                .filter(|_| data >= 3)
                .unwrap_or(usize::MAX);
            let mut seen = 0;
            for r in rows {
                if !r.starts_with("----") {
                    if seen == cut {
                        out.push(String::new());
                        out.push(header.to_string());
                    }
                    seen += 1;
                }
                out.push(r.to_string());
            }
            i = j;
            continue;
        }
        if l.trim().is_empty() {
            // Extra blank lines (one with spaces), inside examples too.
            out.push(String::new());
            out.push("  ".to_string());
            i += 1;
            continue;
        }
        let t = l.trim_start();
        let structural = in_fence
            || t.starts_with('#')
            || t.starts_with(['-', '*', '<', '|', '&', '•', '·'])
            || t.starts_with(|c: char| c.is_ascii_digit())
            || t.split_whitespace()
                .next()
                .is_some_and(|w| ["GET", "POST", "PUT", "DELETE", "PATCH"].contains(&w))
            || t.starts_with("http");
        let chars: Vec<char> = l.chars().collect();
        if structural || chars.len() < 60 {
            out.push(l.to_string());
            i += 1;
            continue;
        }
        // Re-wrap near the middle: at a space, or between two CJK characters.
        let cjk = |c: char| ('\u{4e00}'..='\u{9fff}').contains(&c);
        let mid = chars.len() / 2;
        let cut = (0..mid - 10)
            .flat_map(|d| [mid + d, mid - d])
            .find_map(|p| {
                if chars[p] == ' ' && chars[p - 1] != ' ' && chars[p + 1] != ' ' {
                    Some((p, p + 1))
                } else if cjk(chars[p - 1]) && cjk(chars[p]) {
                    Some((p, p))
                } else {
                    None
                }
            });
        match cut {
            Some((a, b)) => {
                out.push(chars[..a].iter().collect());
                out.push(chars[b..].iter().collect());
            }
            None => out.push(l.to_string()),
        }
        i += 1;
    }
    let mut text = out.join("\r\n");
    text.push_str("\r\n");
    text
}

#[test]
fn relayout_changes_the_text_it_should() {
    let text = "## 1.1. Op\n\nYou can call this operation to create a subscription Message Queue for Apache Kafka instance.\n\nN\tT\na\tb\nc\td\n\nN\tT\ne\tf\n```\n{\n\n}\n```\n";
    let got = relayout(text);
    assert!(
        got.contains("\r\nYou can call this operation to create a subscription\r\nMessage Queue")
    );
    assert!(got.contains("\r\n  \r\n"));
    // The page break moved: still four rows under one repeated header.
    assert_eq!(got.matches("N\tT").count(), 2);
    assert!(!got.contains("c\td\r\n\r\n  \r\nN\tT"));
}

/// Layout changes alone give the same spec as the original (lines aside).
#[test]
fn a_relayout_of_every_document_gives_the_same_spec() {
    let tmp = tempfile::tempdir().unwrap();
    for r in REVISIONS {
        let original = std::fs::read_to_string(repo().join("specs/sources").join(r.doc)).unwrap();
        let doc = tmp.path().join(r.doc);
        std::fs::write(&doc, relayout(&original)).unwrap();
        let new = tmp.path().join(format!("{}.yaml", r.service));
        run_ok(
            &[
                "extract",
                doc.to_str().unwrap(),
                "-o",
                new.to_str().unwrap(),
            ],
            &repo(),
        );
        let old = repo().join("specs").join(format!("{}.yaml", r.service));
        if let Some(d) = first_difference(&layout_free(&old), &layout_free(&new), "") {
            panic!("{}: the relayout changed the spec at {d}", r.service);
        }
    }
}
