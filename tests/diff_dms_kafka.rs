//! Acceptance: the Huawei DMS Kafka document describes the same operations twice, as the
//! historical API V1 (chapter 7, `/v1.0/` paths, `deprecated: true`) and as API V2. An
//! "old" spec made of the V1 operations and a "new" one of their V2 counterparts are
//! diffed; the change ids are asserted and the Markdown report is checked in as
//! `docs/examples/dms-kafka-v1-to-v2.md` (regenerate with `UPDATE_EXAMPLES=1`).

use apigen::diff::{report, rules::Severity, Diff};
use apigen::spec::{load, model::Spec};
use std::collections::BTreeMap;
use std::path::PathBuf;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// (old, new): the V1 operations, each under its V2 counterpart's id (so the diff
/// matches them by id and reports the path change), and those counterparts, in V1 order.
/// A V1 operation's counterpart is its `replaced_by`, or the V2 operation of the same
/// title when the document names none (7.1.2.2 查询产品规格列表).
fn v1_and_v2() -> (Spec, Spec) {
    let spec = load::parse_file(&repo().join("specs/dms-kafka.yaml")).expect("dms-kafka spec");
    let v2: Vec<_> = spec.operations.iter().filter(|o| !o.deprecated).collect();
    let mut old = spec.clone();
    let mut new = spec.clone();
    old.operations.clear();
    new.operations.clear();
    for v1 in spec.operations.iter().filter(|o| o.deprecated) {
        assert!(v1.path.starts_with("/v1.0/"), "{}: {}", v1.id, v1.path);
        let counterpart = match &v1.replaced_by {
            Some(id) => v2.iter().find(|o| o.id == *id),
            None => v2.iter().find(|o| o.title == v1.title),
        };
        let v2op = counterpart.unwrap_or_else(|| panic!("{}: no V2 counterpart", v1.id));
        let mut op = v1.clone();
        op.id = v2op.id.clone();
        // In its own time V1 was current: deprecation is not what this diff is about.
        op.deprecated = false;
        op.replaced_by = None;
        old.operations.push(op);
        new.operations.push((*v2op).clone());
    }
    (old, new)
}

const OLD: &str = "specs/dms-kafka.yaml, chapter 7 (API V1)";
const NEW: &str = "specs/dms-kafka.yaml, chapter 5 (API V2)";

/// Per operation, the distinct rule ids of its breaking and non-breaking changes (docs
/// changes are many and wordy; the Markdown example shows them).
const EXPECTED: &[(&str, &[&str])] = &[
    (
        "ActionInstances",
        &[
            "operation-path-changed",
            "operation-version-changed",
            "optional-request-parameter-added",
            "optional-request-parameter-removed",
            "response-field-constraint-tightened",
            "response-status-removed",
        ],
    ),
    (
        "CreateInstance",
        &[
            "operation-path-changed",
            "operation-version-changed",
            "optional-request-parameter-added",
            "optional-request-parameter-removed",
            "request-parameter-became-optional",
            "request-parameter-constraint-loosened",
            "request-parameter-constraint-tightened",
            "request-parameter-default-changed",
            // V1 L5725 lists 1.1.0, 2.3.0 and 2.7 in prose; V2 L529 only 1.1.0 and 2.7.
            "request-parameter-enum-value-removed",
            "request-parameter-type-changed",
            "required-request-parameter-added",
            "required-request-parameter-removed",
        ],
    ),
    (
        "CreateInstanceTopic",
        &[
            "operation-path-changed",
            "operation-version-changed",
            "optional-request-parameter-added",
            "request-parameter-constraint-loosened",
            "request-parameter-constraint-tightened",
            "request-parameter-default-changed",
            "response-field-added",
            "response-field-constraint-tightened",
        ],
    ),
    (
        "DeleteInstance",
        &["operation-path-changed", "operation-version-changed"],
    ),
    (
        "DeleteInstanceTopics",
        &[
            "operation-path-changed",
            "operation-version-changed",
            "request-parameter-became-optional",
            "request-parameter-constraint-tightened",
        ],
    ),
    (
        "ListAvailableZones",
        &[
            "operation-path-changed",
            "operation-version-changed",
            "response-field-added",
            "response-field-constraint-loosened",
        ],
    ),
    (
        "ListInstanceTopics",
        &[
            "operation-path-changed",
            "operation-version-changed",
            "response-field-added",
            "response-field-removed",
        ],
    ),
    (
        "ListInstances",
        &[
            "operation-path-changed",
            "operation-version-changed",
            "optional-request-parameter-added",
            "optional-request-parameter-removed",
            "request-parameter-default-changed",
            "response-field-added",
            "response-field-removed",
        ],
    ),
    (
        "ListInstancesMaintainWindows",
        &["operation-path-changed", "operation-version-changed"],
    ),
    (
        "ListProducts",
        &[
            "operation-path-changed",
            "operation-version-changed",
            "optional-request-parameter-added",
            "request-parameter-default-changed",
            "request-parameter-location-changed",
            "response-field-added",
            "response-field-removed",
        ],
    ),
    (
        "ShowInstance",
        &[
            "operation-path-changed",
            "operation-version-changed",
            "response-field-added",
            "response-field-removed",
        ],
    ),
    (
        "UpdateInstance",
        &["operation-path-changed", "operation-version-changed"],
    ),
];

#[test]
#[rustfmt::skip]
fn v1_to_v2_reports_the_expected_changes() {
    let (old, new) = v1_and_v2();
    assert_eq!(old.operations.len(), 12);
    let d = Diff::new(OLD, &old, NEW, &new);
    let mut by_op: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for c in d.changes.iter().filter(|c| c.severity != Severity::Docs) {
        let ids = by_op.entry(c.operation.as_deref().unwrap_or("")).or_default();
        if !ids.contains(&c.id) {
            ids.push(c.id);
        }
    }
    for ids in by_op.values_mut() {
        ids.sort();
    }
    let want: BTreeMap<&str, Vec<&str>> =
        EXPECTED.iter().map(|(op, ids)| (*op, ids.to_vec())).collect();
    assert_eq!(by_op, want);

    // Facts the two chapters state, one by one.
    let has = |op: &str, id: &str, path: &str| {
        d.changes.iter().any(|c| c.operation.as_deref() == Some(op) && c.id == id && c.path == path)
    };
    // 5.1.1 puts the engine into the path: `POST /v2/{engine}/{project_id}/instances`.
    assert!(has("CreateInstance", "required-request-parameter-added", "engine"));
    // 7.1.2.2 `GET /v1.0/products?engine={engine}` → 5.9.3 `GET /v2/{engine}/products`.
    assert!(has("ListProducts", "request-parameter-location-changed", "engine"));
    // V1 lists instances with `connect_addresses`, V2 with `connect_address`.
    let renamed = d.changes.iter().find(|c| {
        c.operation.as_deref() == Some("ShowInstance") && c.path == "200.connect_address"
    });
    assert_eq!(
        renamed.and_then(|c| c.hint.as_deref()),
        Some("possibly renamed from `connect_addresses`")
    );
    // 7.1.1.5 documents 200 and 204; 5.1.6 only 200.
    assert!(has("ActionInstances", "response-status-removed", "204"));
    // Every pair is one operation under two paths: nothing added or removed.
    assert!(!d.changes.iter().any(|c| c.id == "operation-added" || c.id == "operation-removed"));
    assert_eq!(
        d.changes.iter().filter(|c| c.id == "operation-path-changed").count(),
        12
    );
}

#[test]
fn the_markdown_example_is_current() {
    let (old, new) = v1_and_v2();
    let md = report::markdown(&Diff::new(OLD, &old, NEW, &new));
    let path = repo().join("docs/examples/dms-kafka-v1-to-v2.md");
    if std::env::var_os("UPDATE_EXAMPLES").is_some() {
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(&path, &md).expect("write example");
    }
    let checked_in = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        checked_in == md,
        "{} is stale: run `UPDATE_EXAMPLES=1 cargo test -p apigen --test diff_dms_kafka`",
        path.display()
    );
}
