//! Revisions nobody here has seen: from each of the five documents, derive plausible new
//! revisions (the kinds of edits a vendor makes, and the layouts another PDF export gives),
//! extract them with the project's corrections, and check that `extract → diff → generate`
//! holds up: the diff against today's extraction names exactly the change made (with the
//! rule the registry gives it), nothing else is lost, a layout-only change gives the same
//! spec, a broken table is a diagnostic at its line, and the spec still lowers and emits.
//!
//! Targets are chosen from today's spec (its row lines), not hard-coded, so the harness
//! follows the documents: operations and rows that a correction touches are left alone (a
//! correction is keyed by operation id and row name, and would go stale).

use apigen::extract::{self, corrections::CorrectionsFile, Extraction};
use apigen::spec::model::{Field, Location, Operation, Spec, TypeExpr};
use std::collections::{BTreeSet, HashSet};
use std::path::PathBuf;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

const DOCS: &[(&str, &str)] = &[
    ("alibaba-mse-api-20210223.txt", "mse"),
    (
        "alibaba-retailcloud-jushita-openapi-20200220.txt",
        "retailcloud",
    ),
    ("alibaba-alikafka-api-20201111.txt", "alikafka"),
    ("huawei-cse-api-20260106.txt", "cse"),
    ("huawei-dms-kafka-api-20230719.txt", "dms-kafka"),
];

/// One document as it is today: its text, corrections and extraction.
struct Base {
    doc: &'static str,
    service: &'static str,
    text: String,
    corrections: CorrectionsFile,
    /// Operation ids a correction names.
    corrected_ops: HashSet<String>,
    x: Extraction,
}

impl Base {
    fn load(doc: &'static str, service: &'static str) -> Base {
        let text = std::fs::read_to_string(repo().join("specs/sources").join(doc)).unwrap();
        let ctext =
            std::fs::read_to_string(repo().join(format!("specs/corrections/{service}.yaml")))
                .unwrap();
        let corrections = CorrectionsFile::parse(service, &ctext).unwrap();
        let re = regex::Regex::new(r"operations\[([^\]]+)\]").unwrap();
        let corrected_ops = re.captures_iter(&ctext).map(|c| c[1].to_string()).collect();
        let x = extract_with(doc, service, &corrections, &text);
        Base {
            doc,
            service,
            text,
            corrections,
            corrected_ops,
            x,
        }
    }

    fn extract(&self, text: &str) -> Extraction {
        extract_with(self.doc, self.service, &self.corrections, text)
    }

    fn spec(&self) -> &Spec {
        &self.x.spec
    }

    fn lines(&self) -> Vec<String> {
        self.text.lines().map(str::to_string).collect()
    }

    fn chinese(&self) -> bool {
        matches!(self.service, "mse" | "retailcloud" | "dms-kafka")
    }

    /// Operations no correction names, in document order.
    fn free_ops(&self) -> Vec<&Operation> {
        self.spec()
            .operations
            .iter()
            .filter(|o| !self.corrected_ops.contains(&o.id))
            .collect()
    }
}

fn extract_with(doc: &str, service: &str, corrections: &CorrectionsFile, text: &str) -> Extraction {
    extract::extract(
        &format!("specs/sources/{doc}"),
        text,
        Some((&format!("specs/corrections/{service}.yaml"), corrections)),
    )
    .unwrap_or_else(|e| panic!("{service}: the revision is not extracted: {e}"))
}

/// Today's five documents, extracted once for all the tests of this file.
fn bases() -> &'static [Base] {
    static BASES: std::sync::OnceLock<Vec<Base>> = std::sync::OnceLock::new();
    BASES.get_or_init(|| {
        std::thread::scope(|s| {
            let handles: Vec<_> = DOCS
                .iter()
                .map(|&(doc, service)| s.spawn(move || Base::load(doc, service)))
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        })
    })
}

/// Run `check` on every document, one thread each (a failure names its service).
fn each_document(check: impl Fn(&Base) + Sync) {
    std::thread::scope(|s| {
        let handles: Vec<_> = bases().iter().map(|b| s.spawn(|| check(b))).collect();
        let failed = handles
            .into_iter()
            .map(|h| h.join().is_err())
            .filter(|&e| e)
            .count();
        assert_eq!(failed, 0, "{failed} document(s) failed (see above)");
    });
}

/// `(rule id, operation, path)` of every change from `old` to `new`.
fn changes(old: &Spec, new: &Spec) -> BTreeSet<(String, String, String)> {
    apigen::diff::diff(old, new)
        .into_iter()
        .map(|c| {
            (
                c.id.to_string(),
                c.operation.unwrap_or_default(),
                c.path.clone(),
            )
        })
        .collect()
}

/// The spec still goes through the rest of the pipeline: no lint error, the YAML reads
/// back to the same spec, it lowers, and the client and models crates emit.
fn generates(label: &str, spec: &Spec) {
    let problems: Vec<String> = apigen::spec::validate::validate(spec)
        .into_iter()
        .filter(|p| p.is_error())
        .map(|p| p.to_string())
        .collect();
    assert!(problems.is_empty(), "{label}: lint errors: {problems:#?}");
    let yaml = apigen::spec::load::to_yaml(spec);
    let back = apigen::spec::load::load_str("revision.yaml", &yaml)
        .unwrap_or_else(|e| panic!("{label}: the written spec does not load: {e}"));
    assert!(back == *spec, "{label}: the spec does not survive its YAML");
    let sm = apigen::emit::lower::lower("specs/revision.yaml", spec)
        .unwrap_or_else(|e| panic!("{label}: lowering failed: {e}"));
    let lib = apigen::emit::client::emit_lib(&sm);
    syn::parse2::<syn::File>(lib).unwrap_or_else(|e| panic!("{label}: client lib: {e}"));
}

// ---------------------------------------------------------------------------------------
// Locating rows in the text.

/// Column names of each kind, in both languages of the vendors' documents.
const NAME: &[&str] = &["名称", "参数", "Parameter", "Name", "参数名"];
const TYPE: &[&str] = &["类型", "参数类型", "Type"];
const REQUIRED: &[&str] = &["是否必选", "是否必须", "必选", "Required", "Mandatory"];

fn column(header: &[&str], names: &[&str]) -> Option<usize> {
    header.iter().position(|h| {
        let h: String = h.chars().filter(|c| !c.is_whitespace()).collect();
        names.iter().any(|n| h.eq_ignore_ascii_case(n))
    })
}

/// The header row (0-based index) of the table whose row is line index `row`.
fn header_of(lines: &[String], row: usize) -> usize {
    let mut h = row;
    while h > 0 && lines[h - 1].contains('\t') {
        h -= 1;
    }
    h
}

fn cells(line: &str) -> Vec<&str> {
    line.split('\t').collect()
}

fn join(lines: &[String]) -> String {
    let mut t = lines.join("\n");
    t.push('\n');
    t
}

/// A request field printed on one row: where it is, how it is diffed.
#[derive(Clone, Debug)]
struct Target {
    op: String,
    /// Diff path (`Name`, or the body field's path).
    path: String,
    name: String,
    /// 0-based line index of its row.
    row: usize,
    required: bool,
    doc_type: String,
}

fn scalar(f: &Field) -> bool {
    matches!(
        f.ty,
        TypeExpr::String | TypeExpr::Integer | TypeExpr::Long | TypeExpr::Boolean
    ) && f.fields.is_empty()
        && f.enum_values.is_empty()
}

/// Scalar request fields of the free operations whose row is a plain table row with name,
/// type and required columns (query parameters; Huawei top-level body fields too).
fn request_targets(b: &Base) -> Vec<Target> {
    let lines = b.lines();
    let mut out = Vec::new();
    for op in b.free_ops() {
        let mut fields: Vec<(String, &Field)> = op
            .parameters
            .iter()
            .filter(|f| f.location == Some(Location::Query))
            .map(|f| (f.name.clone(), f))
            .collect();
        if let Some(body) = &op.body {
            fields.extend(body.fields.iter().map(|f| (f.name.clone(), f)));
        }
        for (path, f) in fields {
            let Some(line) = f.line else { continue };
            let row = line as usize - 1;
            if !scalar(f) || f.name == "Action" || row >= lines.len() {
                continue;
            }
            let h = header_of(&lines, row);
            let header = cells(&lines[h]);
            let rc = cells(&lines[row]);
            let (Some(n), Some(_), Some(_)) = (
                column(&header, NAME),
                column(&header, TYPE),
                column(&header, REQUIRED),
            ) else {
                continue;
            };
            if rc.len() != header.len() || rc[n].trim() != f.name {
                continue;
            }
            out.push(Target {
                op: op.id.clone(),
                path,
                name: f.name.clone(),
                row,
                required: f.required,
                doc_type: f.doc_type.clone(),
            });
        }
    }
    out
}

/// Top-level scalar response fields of the free operations (status 200 body).
fn response_targets(b: &Base) -> Vec<Target> {
    let lines = b.lines();
    let mut out = Vec::new();
    for op in b.free_ops() {
        let Some(r) = op.responses.first() else {
            continue;
        };
        let Some(body) = &r.body else { continue };
        for f in &body.fields {
            let Some(line) = f.line else { continue };
            let row = line as usize - 1;
            if !scalar(f) || row >= lines.len() {
                continue;
            }
            let h = header_of(&lines, row);
            let header = cells(&lines[h]);
            let rc = cells(&lines[row]);
            match column(&header, NAME) {
                Some(n) if rc.len() == header.len() && rc[n].trim() == f.name => {}
                _ => continue,
            }
            out.push(Target {
                op: op.id.clone(),
                path: format!("{}.{}", r.status, f.name),
                name: f.name.clone(),
                row,
                required: f.required,
                doc_type: f.doc_type.clone(),
            });
        }
    }
    out
}

// ---------------------------------------------------------------------------------------
// Edits: planned on today's lines, applied together (they touch distinct rows).

#[derive(Default)]
struct Plan {
    /// Row replaced (`None`: removed).
    replace: std::collections::HashMap<usize, Option<String>>,
    /// Lines inserted after a row.
    after: std::collections::HashMap<usize, Vec<String>>,
    /// What the diff must report, with the edit that causes it.
    expected: Vec<(String, (String, String, String))>,
}

impl Plan {
    fn touch(&self, row: usize) {
        assert!(
            !self.replace.contains_key(&row) && !self.after.contains_key(&row),
            "two edits on line {}",
            row + 1
        );
    }
    fn set(&mut self, row: usize, line: String) {
        self.touch(row);
        self.replace.insert(row, Some(line));
    }
    fn remove(&mut self, row: usize) {
        self.touch(row);
        self.replace.insert(row, None);
    }
    fn insert_after(&mut self, row: usize, lines: Vec<String>) {
        assert!(
            !self.after.contains_key(&row),
            "two insertions after line {}",
            row + 1
        );
        self.after.insert(row, lines);
    }
    fn expect(&mut self, edit: &str, id: &str, op: &str, path: &str) {
        self.expected.push((
            edit.to_string(),
            (id.to_string(), op.to_string(), path.to_string()),
        ));
    }
    fn apply(&self, lines: &[String]) -> Vec<String> {
        let mut out = Vec::with_capacity(lines.len() + 100);
        for (i, l) in lines.iter().enumerate() {
            match self.replace.get(&i) {
                Some(Some(r)) => out.push(r.clone()),
                Some(None) => {}
                None => out.push(l.clone()),
            }
            if let Some(extra) = self.after.get(&i) {
                out.extend(extra.iter().cloned());
            }
        }
        out
    }
}

fn yes_no(b: &Base, required: bool) -> &'static str {
    match (b.chinese(), required) {
        (true, true) => "是",
        (true, false) => "否",
        (false, true) => "Yes",
        (false, false) => "No",
    }
}

fn header_cells(lines: &[String], row: usize) -> Vec<String> {
    cells(&lines[header_of(lines, row)])
        .iter()
        .map(|c| c.trim().to_string())
        .collect()
}

fn col(lines: &[String], row: usize, names: &[&str]) -> usize {
    let h = header_cells(lines, row);
    let h: Vec<&str> = h.iter().map(String::as_str).collect();
    column(&h, names).expect("the column")
}

fn with_cell(line: &str, col: usize, value: &str) -> String {
    let mut c: Vec<String> = line.split('\t').map(str::to_string).collect();
    c[col] = value.to_string();
    c.join("\t")
}

/// A numbered heading line: `## 6.1. CreateZnode`, `5.7.3 删除…`, `# 7. 集群管理`.
fn heading_number(line: &str) -> Option<(String, String)> {
    static RE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"^(#*\s*)(\d+(?:\.\d+)*)(\.?\s*)(\S.*)$").unwrap()
    });
    if line.contains('\t') || line.chars().count() > 90 {
        return None;
    }
    let c = RE.captures(line)?;
    Some((c[2].to_string(), c[4].to_string()))
}

/// 0-based `[start, end)` of an operation's section: its heading up to the next operation's,
/// without the chapter headings and blank lines just before that one.
fn section(b: &Base, lines: &[String], op: &Operation) -> (usize, usize) {
    let start = op.source.line as usize - 1;
    let next = b
        .spec()
        .operations
        .iter()
        .map(|o| o.source.line as usize - 1)
        .filter(|&l| l > start)
        .min()
        .unwrap_or(lines.len());
    let mut end = next;
    while end > start + 1
        && (lines[end - 1].trim().is_empty()
            || heading_number(&lines[end - 1]).is_some_and(|(n, _)| {
                !n.contains('.')
                    || n.matches('.').count()
                        < heading_number(&lines[start]).map_or(0, |(m, _)| m.matches('.').count())
            }))
    {
        end -= 1;
    }
    (start, end)
}

/// Whether `word` appears in the section's text outside the row `row` (examples).
fn mentioned_elsewhere(lines: &[String], (s, e): (usize, usize), row: usize, word: &str) -> bool {
    (s..e).any(|i| i != row && lines[i].contains(word))
}

/// The content edits of one revision: parameters added, removed, renamed, retyped, made
/// (not) required; an enum value added; a response member added; operations added,
/// removed and renamed. Each on its own operation.
fn content_plan(b: &Base) -> Plan {
    let lines = b.lines();
    let mut plan = Plan::default();
    let mut used: HashSet<String> = HashSet::new();
    let req = request_targets(b);
    // Each edit on its own operation where the document has enough, else on its own row.
    let mut rows: HashSet<usize> = HashSet::new();
    let mut take =
        |pred: &dyn Fn(&Target) -> bool, used: &mut HashSet<String>, k: usize| -> Target {
            let fresh = |t: &&Target| !rows.contains(&t.row) && pred(t);
            let mut c: Vec<&Target> = req
                .iter()
                .filter(|t| !used.contains(&t.op))
                .filter(fresh)
                .collect();
            if c.is_empty() {
                c = req.iter().filter(fresh).collect();
            }
            assert!(!c.is_empty(), "{}: no target left", b.service);
            let t = c[k * 7919 % c.len()].clone();
            used.insert(t.op.clone());
            rows.insert(t.row);
            t
        };
    let op_of = |id: &str| b.spec().operations.iter().find(|o| o.id == id).unwrap();

    // A parameter added after another (optional).
    let t = take(&|_| true, &mut used, 1);
    let added = format!("{}2", t.name);
    let n = col(&lines, t.row, NAME);
    let rq = col(&lines, t.row, REQUIRED);
    let row = with_cell(&with_cell(&lines[t.row], n, &added), rq, yes_no(b, false));
    plan.insert_after(t.row, vec![row]);
    let path = t.path.replace(&t.name, &added);
    plan.expect(
        "parameter added",
        "optional-request-parameter-added",
        &t.op,
        &path,
    );

    // A parameter removed (one the section's examples do not show).
    let t = take(
        &|t| !mentioned_elsewhere(&lines, section(b, &lines, op_of(&t.op)), t.row, &t.name),
        &mut used,
        2,
    );
    plan.remove(t.row);
    let rule = if t.required {
        "required-request-parameter-removed"
    } else {
        "optional-request-parameter-removed"
    };
    plan.expect("parameter removed", rule, &t.op, &t.path);

    // A parameter renamed (one the examples do not show): removed and added.
    let t = take(
        &|t| !mentioned_elsewhere(&lines, section(b, &lines, op_of(&t.op)), t.row, &t.name),
        &mut used,
        3,
    );
    let renamed = format!("{}Name", t.name);
    plan.set(
        t.row,
        with_cell(&lines[t.row], col(&lines, t.row, NAME), &renamed),
    );
    let path = t.path.replace(&t.name, &renamed);
    let (gone, new) = if t.required {
        (
            "required-request-parameter-removed",
            "required-request-parameter-added",
        )
    } else {
        (
            "optional-request-parameter-removed",
            "optional-request-parameter-added",
        )
    };
    plan.expect("parameter renamed", gone, &t.op, &t.path);
    plan.expect("parameter renamed", new, &t.op, &path);

    // A parameter's type changed.
    let t = take(
        &|t| {
            t.doc_type.eq_ignore_ascii_case("string")
                && !mentioned_elsewhere(&lines, section(b, &lines, op_of(&t.op)), t.row, &t.name)
        },
        &mut used,
        4,
    );
    let tc = col(&lines, t.row, TYPE);
    plan.set(t.row, with_cell(&lines[t.row], tc, "Integer"));
    plan.expect(
        "type changed",
        "request-parameter-type-changed",
        &t.op,
        &t.path,
    );

    // Required flipped, both ways.
    for (k, required) in [(5, false), (6, true)] {
        let t = take(&|t| t.required == required, &mut used, k);
        let rc = col(&lines, t.row, REQUIRED);
        plan.set(t.row, with_cell(&lines[t.row], rc, yes_no(b, !required)));
        let rule = if required {
            "request-parameter-became-optional"
        } else {
            "request-parameter-became-required"
        };
        plan.expect("required flipped", rule, &t.op, &t.path);
    }

    // A response member added after another.
    let rt: Vec<Target> = response_targets(b)
        .into_iter()
        .filter(|t| !used.contains(&t.op))
        .collect();
    let t = rt[rt.len() / 3].clone();
    used.insert(t.op.clone());
    let added = format!("{}2", t.name);
    let n = col(&lines, t.row, NAME);
    plan.insert_after(t.row, vec![with_cell(&lines[t.row], n, &added)]);
    let path = t.path.replace(&t.name, &added);
    plan.expect(
        "response member added",
        "response-field-added",
        &t.op,
        &path,
    );

    plan
}

/// `(rule, operation, path)` sets: what was expected and not reported, and the reverse.
fn compare_sets(plan: &Plan, got: &BTreeSet<(String, String, String)>) -> Option<String> {
    let expected: BTreeSet<_> = plan.expected.iter().map(|(_, c)| c.clone()).collect();
    if &expected == got {
        return None;
    }
    let mut msg = String::new();
    for (edit, c) in &plan.expected {
        if !got.contains(c) {
            msg.push_str(&format!("  missing ({edit}): {c:?}\n"));
        }
    }
    for c in got.difference(&expected) {
        msg.push_str(&format!("  unexpected: {c:?}\n"));
    }
    Some(msg)
}

#[test]
fn content_edits_show_as_exactly_their_changes() {
    each_document(|b| {
        let service = b.service;
        let plan = content_plan(b);
        let text = join(&plan.apply(&b.lines()));
        let x = b.extract(&text);
        let got = changes(b.spec(), &x.spec);
        if let Some(msg) = compare_sets(&plan, &got) {
            panic!("{service}: the diff does not name exactly the edits:\n{msg}");
        }
        generates(service, &x.spec);
    });
}
