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

    fn huawei(&self) -> bool {
        matches!(self.service, "cse" | "dms-kafka")
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
const DESCRIPTION: &[&str] = &["描述", "Description", "说明"];

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

    enum_value_added(b, &lines, &mut plan, &mut used);
    operation_edits(b, &lines, &mut plan, &mut used);

    plan
}

/// A value added to a request parameter's list of values in its description (the item
/// before the last copied with a new value): the enum gains it, the description changes.
fn enum_value_added(b: &Base, lines: &[String], plan: &mut Plan, used: &mut HashSet<String>) {
    for op in b.free_ops().into_iter().filter(|o| !used.contains(&o.id)) {
        let body = op.body.iter().flat_map(|b| &b.fields);
        for f in op.parameters.iter().chain(body) {
            let Some(line) = f.line else { continue };
            let row = line as usize - 1;
            let values: Vec<&str> = f.enum_values.iter().map(|e| e.value.as_str()).collect();
            if f.ty != TypeExpr::String
                || values.len() < 2
                || values.iter().any(|v| v.len() < 2)
                || plan.replace.contains_key(&row)
                || lines[row].matches('\t').count() < 2
            {
                continue;
            }
            let dc = col(lines, row, DESCRIPTION);
            let desc = cells(&lines[row])[dc].to_string();
            let (prev, last) = (values[values.len() - 2], values[values.len() - 1]);
            if desc.matches(prev).count() != 1 || desc.matches(last).count() != 1 {
                continue;
            }
            let (a, z) = (desc.find(prev).unwrap(), desc.find(last).unwrap());
            if a >= z {
                continue;
            }
            let new = if values.iter().all(|v| v.chars().all(|c| c.is_ascii_digit())) {
                let max: u64 = values
                    .iter()
                    .filter_map(|v| v.parse().ok())
                    .max()
                    .unwrap_or(0);
                (max + 1).to_string()
            } else {
                format!("{last}_v2")
            };
            let item = desc[a..z].replacen(prev, &new, 1);
            let revised = format!("{}{item}{}", &desc[..z], &desc[z..]);
            plan.set(row, with_cell(&lines[row], dc, &revised));
            used.insert(op.id.clone());
            plan.expect(
                "enum value added",
                "request-parameter-enum-value-added",
                &op.id,
                &f.name,
            );
            plan.expect(
                "enum value added",
                "request-parameter-description-changed",
                &op.id,
                &f.name,
            );
            return;
        }
    }
    panic!(
        "{}: no parameter with a list of values to extend",
        b.service
    );
}

/// The number of a heading with its last part counted on (`6.15` → `6.16`).
fn next_number(number: &str) -> String {
    let (head, last) = number.rsplit_once('.').unwrap_or(("", number));
    let n: u32 = last.parse().unwrap();
    if head.is_empty() {
        (n + 1).to_string()
    } else {
        format!("{head}.{}", n + 1)
    }
}

/// An operation added (the last of a chapter copied under a new name: the Action for
/// RPC, the title and path for REST), one removed, one renamed (RPC: a new Action;
/// REST: a new title for the same method and path).
fn operation_edits(b: &Base, lines: &[String], plan: &mut Plan, used: &mut HashSet<String>) {
    let ops = &b.spec().operations;
    let free: Vec<&Operation> = b
        .free_ops()
        .into_iter()
        .filter(|o| !used.contains(&o.id))
        .filter(|o| {
            !ops.iter().any(|p| p.replaced_by.as_deref() == Some(&o.id)) && o.replaced_by.is_none()
        })
        .collect();
    let untouched = |(s, e): (usize, usize), plan: &Plan| {
        (s..e).all(|i| !plan.replace.contains_key(&i) && !plan.after.contains_key(&i))
    };
    let rpc = !b.huawei();
    // Added: the last operation of its chapter, copied after it.
    let last_of_chapter = |o: &&&Operation| {
        let i = ops.iter().position(|p| p.id == o.id).unwrap();
        ops.get(i + 1).is_none_or(|n| n.group != o.group)
    };
    let x = *free
        .iter()
        .filter(last_of_chapter)
        .find(|o| untouched(section(b, lines, o), plan))
        .expect("an operation to copy");
    let (s, e) = section(b, lines, x);
    let (number, _) = heading_number(&lines[s]).unwrap();
    let mut copy: Vec<String> = lines[s..e].to_vec();
    copy[0] = copy[0].replacen(&number, &next_number(&number), 1);
    let new_id = if rpc {
        let id = format!("Batch{}", x.id);
        for l in &mut copy {
            *l = l.replace(&x.id, &id);
        }
        id
    } else {
        copy[0] = if b.chinese() {
            copy[0].replacen(&x.title, &format!("批量{}", x.title), 1)
        } else {
            copy[0].replacen(&x.title, &format!("{} in Batches", x.title), 1)
        };
        let path = format!("{}/batch", x.path);
        for l in &mut copy[1..] {
            *l = l.replace(&x.path, &path);
        }
        "*".to_string()
    };
    let mut block = vec![String::new()];
    block.extend(copy);
    // Keep the document's blank line between sections.
    plan.insert_after(e - 1, block);
    plan.expect("operation added", "operation-added", &new_id, "");
    used.insert(x.id.clone());

    // Removed.
    let y = *free
        .iter()
        .filter(|o| !used.contains(&o.id))
        .nth(free.len() / 3)
        .expect("an operation to remove");
    let (s, e) = section(b, lines, y);
    assert!(untouched((s, e), plan));
    for i in s..e {
        plan.remove(i);
    }
    plan.expect("operation removed", "operation-removed", &y.id, "");
    used.insert(y.id.clone());

    // Renamed.
    let z = *free
        .iter()
        .filter(|o| !used.contains(&o.id))
        .nth(free.len() / 2)
        .expect("an operation to rename");
    let (s, e) = section(b, lines, z);
    assert!(untouched((s, e), plan));
    if rpc {
        let id = format!("{}V2", z.id);
        for (i, line) in lines.iter().enumerate().take(e).skip(s) {
            let l = line.replace(&z.id, &id);
            if l != *line {
                plan.set(i, l);
            }
        }
        plan.expect("operation renamed", "operation-removed", &z.id, "");
        plan.expect("operation renamed", "operation-added", &id, "");
    } else {
        let title = if b.chinese() {
            format!("{}（新）", z.title)
        } else {
            format!("{} in Detail", z.title)
        };
        plan.set(s, lines[s].replacen(&z.title, &title, 1));
        // Matched by method and path: the same operation, retitled. An id made from an
        // English title follows it (reported, breaking); one made from the path stays.
        let id = if b.chinese() { z.id.as_str() } else { "*" };
        plan.expect("section renamed", "operation-title-changed", id, "");
        if !b.chinese() {
            plan.expect("section renamed", "operation-id-changed", id, "");
        }
    }
    used.insert(z.id.clone());
}

/// `(rule, operation, path)` sets: what was expected and not reported, and the reverse.
fn compare_sets(plan: &Plan, got: &BTreeSet<(String, String, String)>) -> Option<String> {
    // `*` as the operation: any operation not named by another expectation.
    let named: BTreeSet<_> = plan.expected.iter().map(|(_, c)| c.clone()).collect();
    let mut unmatched: BTreeSet<_> = got
        .iter()
        .filter(|c| !named.contains(*c))
        .cloned()
        .collect();
    let mut msg = String::new();
    for (edit, c) in &plan.expected {
        if c.1 == "*" {
            let hit = unmatched.iter().find(|g| g.0 == c.0 && g.2 == c.2).cloned();
            match hit {
                Some(h) => {
                    unmatched.remove(&h);
                }
                None => msg.push_str(&format!("  missing ({edit}): {c:?}\n")),
            }
        } else if !got.contains(c) {
            msg.push_str(&format!("  missing ({edit}): {c:?}\n"));
        }
    }
    for c in &unmatched {
        msg.push_str(&format!("  unexpected: {c:?}\n"));
    }
    (!msg.is_empty()).then_some(msg)
}

/// The content edits alone (in today's layout): what the diff names, if not exactly them.
fn content_only_failure(b: &Base, plan: &Plan) -> Option<String> {
    let x = b.extract(&join(&plan.apply(&b.lines())));
    compare_sets(plan, &changes(b.spec(), &x.spec))
}

// ---------------------------------------------------------------------------------------
// Layout revisions: another export of the same document. Each must give the same spec
// (lines, section numbers and the source block aside).

/// Blocks of consecutive tab-separated lines outside fences: `(header, rows)` (0-based).
fn blocks(lines: &[String]) -> Vec<(usize, Vec<usize>)> {
    let mut out = Vec::new();
    let mut in_fence = false;
    let mut i = 0;
    while i < lines.len() {
        if lines[i].trim_start().starts_with("```") {
            in_fence = !in_fence;
        }
        if in_fence || !lines[i].contains('\t') {
            i += 1;
            continue;
        }
        let h = i;
        i += 1;
        let mut rows = Vec::new();
        while i < lines.len() && lines[i].contains('\t') {
            rows.push(i);
            i += 1;
        }
        out.push((h, rows));
    }
    out
}

/// Parameter tables: a name, a type and a description column.
fn parameter_blocks(lines: &[String]) -> Vec<(usize, Vec<usize>)> {
    blocks(lines)
        .into_iter()
        .filter(|(h, _)| {
            let c = cells(&lines[*h]);
            column(&c, NAME).is_some()
                && column(&c, TYPE).is_some()
                && column(&c, DESCRIPTION).is_some()
        })
        .collect()
}

fn is_header(lines: &[String], i: usize, headers: &HashSet<String>) -> bool {
    headers.contains(&lines[i])
}

/// Every line that is the header of some parameter table.
fn header_lines(lines: &[String]) -> HashSet<String> {
    parameter_blocks(lines)
        .into_iter()
        .map(|(h, _)| lines[h].clone())
        .collect()
}

/// Rows of parameter tables whose last cell (the description) is long enough to wrap.
fn wrappable_rows(lines: &[String]) -> Vec<usize> {
    let headers = header_lines(lines);
    parameter_blocks(lines)
        .into_iter()
        .flat_map(|(h, rows)| {
            let width = cells(&lines[h]).len();
            let last_is_description = column(&cells(&lines[h]), DESCRIPTION) == Some(width - 1);
            rows.into_iter()
                .filter(move |_| last_is_description)
                .map(move |r| (r, width))
        })
        .filter(|&(r, width)| {
            !is_header(lines, r, &headers)
                && cells(&lines[r]).len() == width
                && split_point(cells(&lines[r])[width - 1]).is_some()
        })
        .map(|(r, _)| r)
        .collect()
}

/// Where a wrap could break a cell's text: at a space between words, or between two CJK
/// characters, near the middle; `(end of the first part, start of the second)` in bytes.
fn split_point(text: &str) -> Option<(usize, usize)> {
    let cjk = |c: char| ('\u{4e00}'..='\u{9fff}').contains(&c);
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    if chars.len() < 30 || text.contains('<') {
        return None;
    }
    let mid = chars.len() / 2;
    (0..mid - 5).flat_map(|d| [mid + d, mid - d]).find_map(|p| {
        let (at, c) = chars[p];
        // A space between CJK characters is lost in a wrap: not a place to test.
        let word = |c: char| {
            c != ' '
                && !cjk(c)
                && !('\u{3000}'..='\u{303f}').contains(&c)
                && !('\u{ff00}'..='\u{ffef}').contains(&c)
        };
        if c == ' ' && word(chars[p - 1].1) && word(chars[p + 1].1) {
            Some((at, at + 1))
        } else if cjk(chars[p - 1].1) && cjk(c) {
            Some((at, at))
        } else {
            None
        }
    })
}

/// A named layout change.
struct Layout {
    name: &'static str,
    apply: fn(&Base, Vec<String>) -> Vec<String>,
}

const LAYOUTS: &[Layout] = &[
    Layout {
        name: "descriptions wrapped onto a line of their own",
        apply: |_, mut lines| {
            let rows = wrappable_rows(&lines);
            for &r in rows.iter().step_by(7).rev() {
                let l = lines[r].clone();
                let (head, desc) = l.rsplit_once('\t').unwrap();
                let (a, z) = split_point(desc).unwrap();
                lines[r] = format!("{head}\t{}", &desc[..a]);
                lines.insert(r + 1, desc[z..].to_string());
            }
            lines
        },
    },
    Layout {
        name: "a description split over a page break",
        apply: |_, mut lines| {
            // The rest after a page number and the header printed again; and, elsewhere,
            // as a row of empty cells but the description (the other way exports print it).
            let rows = wrappable_rows(&lines);
            for (k, &r) in rows
                .iter()
                .skip(3)
                .step_by(11)
                .enumerate()
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
            {
                let header = lines[header_of(&lines, r)].clone();
                let width = cells(&header).len();
                let l = lines[r].clone();
                let (head, desc) = l.rsplit_once('\t').unwrap();
                let (a, z) = split_point(desc).unwrap();
                lines[r] = format!("{head}\t{}", &desc[..a]);
                let rest = if k % 2 == 0 {
                    desc[z..].to_string()
                } else {
                    format!("{}{}", "\t".repeat(width - 1), &desc[z..])
                };
                for (d, extra) in ["", "42", "", &header, &rest].into_iter().enumerate() {
                    lines.insert(r + 1 + d, extra.to_string());
                }
            }
            lines
        },
    },
    Layout {
        name: "columns in another order",
        apply: |_, mut lines| {
            // Type and description swapped, in every parameter table.
            for (h, rows) in parameter_blocks(&lines) {
                let hc = cells(&lines[h]);
                let (t, d) = (
                    column(&hc, TYPE).unwrap(),
                    column(&hc, DESCRIPTION).unwrap(),
                );
                let width = hc.len();
                for i in std::iter::once(h).chain(rows) {
                    let mut c: Vec<String> = lines[i].split('\t').map(str::to_string).collect();
                    if c.len() == width {
                        c.swap(t, d);
                        lines[i] = c.join("\t");
                    }
                }
            }
            lines
        },
    },
    Layout {
        name: "two tables spaced apart instead of tab-separated",
        apply: |_, mut lines| {
            let tables = parameter_blocks(&lines);
            for (h, rows) in [&tables[tables.len() / 3], &tables[2 * tables.len() / 3]] {
                for i in std::iter::once(*h).chain(rows.iter().copied()) {
                    lines[i] = lines[i].replace('\t', &" ".repeat(2 + i % 3));
                }
            }
            lines
        },
    },
    Layout {
        name: "headers in the vendor's other language",
        apply: |b, mut lines| {
            let map: &[(&str, &str)] = if b.huawei() {
                &[
                    ("参数", "Parameter"),
                    ("是否必选", "Mandatory"),
                    ("参数类型", "Type"),
                    ("描述", "Description"),
                ]
            } else {
                &[
                    ("名称", "Parameter"),
                    ("类型", "Type"),
                    ("是否必选", "Required"),
                    ("示例值", "Example"),
                    ("描述", "Description"),
                ]
            };
            let headers = header_lines(&lines);
            for l in lines.iter_mut().filter(|l| headers.contains(*l)) {
                let translated: Vec<String> = l
                    .split('\t')
                    .map(|c| {
                        map.iter()
                            .find_map(|(zh, en)| {
                                if b.chinese() {
                                    (c.trim() == *zh).then_some(*en)
                                } else {
                                    (c.trim() == *en).then_some(*zh)
                                }
                            })
                            .unwrap_or(c)
                            .to_string()
                    })
                    .collect();
                *l = translated.join("\t");
            }
            lines
        },
    },
    Layout {
        name: "an empty example column inserted",
        apply: |b, mut lines| {
            let name = if b.chinese() { "示例值" } else { "Example" };
            for (h, rows) in parameter_blocks(&lines) {
                let hc = cells(&lines[h]);
                if column(&hc, &["示例值", "Example", "示例"]).is_some() {
                    continue;
                }
                let t = column(&hc, TYPE).unwrap();
                let width = hc.len();
                for i in std::iter::once(h).chain(rows) {
                    let mut c: Vec<String> = lines[i].split('\t').map(str::to_string).collect();
                    if c.len() == width {
                        c.insert(
                            t + 1,
                            if i == h {
                                name.to_string()
                            } else {
                                String::new()
                            },
                        );
                        lines[i] = c.join("\t");
                    }
                }
            }
            lines
        },
    },
    Layout {
        name: "cells padded with full-width and no-break spaces",
        apply: |_, mut lines| {
            for (h, rows) in parameter_blocks(&lines) {
                for i in std::iter::once(h).chain(rows) {
                    lines[i] = lines[i]
                        .split('\t')
                        .enumerate()
                        .map(|(k, c)| match k % 3 {
                            0 => format!("{c}\u{3000}"),
                            1 => format!("\u{a0}{c}"),
                            _ => format!(" {c} "),
                        })
                        .collect::<Vec<_>>()
                        .join("\t");
                }
            }
            lines
        },
    },
    Layout {
        name: "chapters renumbered after a new chapter before the API chapters",
        apply: |b, lines| renumber(b, lines),
    },
    Layout {
        name: "a new document version and date on the title page",
        apply: |b, mut lines| {
            for (from, to) in revision_edits(b) {
                let i = lines
                    .iter()
                    .position(|l| l.trim() == *from)
                    .unwrap_or_else(|| panic!("{}: no title-page line {from:?}", b.service));
                lines[i] = lines[i].replace(from, to);
            }
            lines
        },
    },
    Layout {
        name: "a byte-order mark and CRLF line ends",
        apply: |_, mut lines| {
            lines[0] = format!("\u{feff}{}", lines[0]);
            for l in &mut lines {
                l.push('\r');
            }
            lines
        },
    },
];

/// The title-page lines that carry the document's version and date, and what a revision
/// next year prints instead.
fn revision_edits(b: &Base) -> &'static [(&'static str, &'static str)] {
    match b.service {
        "mse" => &[("文档版本：20210223", "文档版本：20220301")],
        "retailcloud" => &[("文档版本：20200220", "文档版本：20210315")],
        "alikafka" => &[("Document Version: 20201111", "Document Version: 20211111")],
        "cse" => &[
            ("Issue 01", "Issue 02"),
            ("Date 2026-01-06", "Date 2027-01-06"),
        ],
        _ => &[
            ("文档版本 03", "文档版本 04"),
            ("发布日期 2023-07-19", "发布日期 2024-07-19"),
        ],
    }
}

/// The revision the title page of [`revision_edits`] states, as the spec records it.
fn revised_revision(b: &Base) -> &'static str {
    match b.service {
        "mse" => "20220301",
        "retailcloud" => "20210315",
        "alikafka" => "20211111",
        "cse" => "Issue 02 (2027-01-06)",
        _ => "文档版本 04 (2024-07-19)",
    }
}

/// Chapters from the first one holding operations on are numbered one more (headings and
/// contents entries), and a new chapter takes the freed number before them.
fn renumber(b: &Base, mut lines: Vec<String>) -> Vec<String> {
    let first_op = &b.spec().operations[0];
    let chapter: u32 = first_op
        .source
        .section
        .split('.')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let re = regex::Regex::new(r"^(#*\s*)(\d+)((?:\.\d+)*\.?\s*\S.*)$").unwrap();
    let blank = |lines: &[String], i: usize| lines.get(i).is_none_or(|l| l.trim().is_empty());
    let mut in_fence = false;
    let mut chapter_line = None;
    for i in 0..lines.len() {
        if lines[i].trim_start().starts_with("```") {
            in_fence = !in_fence;
            continue;
        }
        let toc = lines[i].contains('\t')
            && lines[i]
                .rsplit('\t')
                .next()
                .is_some_and(|p| !p.is_empty() && p.trim().chars().all(|c| c.is_ascii_digit()));
        let heading =
            !lines[i].contains('\t') && (i == 0 || blank(&lines, i - 1)) && blank(&lines, i + 1);
        if in_fence || !(toc || heading) {
            continue;
        }
        let Some(c) = re.captures(&lines[i]) else {
            continue;
        };
        let n: u32 = c[2].parse().unwrap();
        if n < chapter || n > 40 {
            continue;
        }
        let subsection =
            c[3].starts_with('.') && c[3][1..].starts_with(|ch: char| ch.is_ascii_digit());
        if heading && n == chapter && !subsection && chapter_line.is_none() {
            chapter_line = Some(i);
        }
        lines[i] = format!("{}{}{}", &c[1], n + 1, &c[3]);
    }
    let at = chapter_line.unwrap_or_else(|| panic!("{}: no chapter {chapter} heading", b.service));
    let prefix = if lines[at].starts_with('#') { "# " } else { "" };
    let dot = if b.huawei() { "" } else { "." };
    let (title, text) = if b.chinese() {
        ("新增功能", "本章介绍本版本新增的功能。")
    } else {
        ("What's New", "This chapter describes what this issue adds.")
    };
    let chapter_text = [
        format!("{prefix}{chapter}{dot} {title}"),
        String::new(),
        text.to_string(),
        String::new(),
    ];
    for (k, l) in chapter_text.into_iter().enumerate() {
        lines.insert(at + k, l);
    }
    lines
}

/// A spec as JSON without what a layout change may move: lines, section numbers and the
/// source block.
fn layout_free(spec: &Spec) -> serde_json::Value {
    fn strip(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::Object(m) => {
                m.remove("line");
                m.remove("section");
                m.values_mut().for_each(strip);
            }
            serde_json::Value::Array(a) => a.iter_mut().for_each(strip),
            _ => {}
        }
    }
    let mut v = serde_json::to_value(spec).unwrap();
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
        (Value::Array(x), Value::Array(y)) => {
            let names = |v: &[Value]| -> Vec<String> {
                v.iter()
                    .map(|e| {
                        e.get("name")
                            .or(e.get("id"))
                            .map_or_else(|| e.to_string(), |n| n.to_string())
                    })
                    .collect()
            };
            Some(format!("{at}: {:?} != {:?}", names(x), names(y)))
        }
        _ if a == b => None,
        _ => Some(format!("{at}: {a} != {b}")),
    }
}

/// The layout change's spec differs from today's: where.
fn layout_difference(b: &Base, text: &str) -> Option<String> {
    let x = b.extract(text);
    first_difference(&layout_free(b.spec()), &layout_free(&x.spec), "")
}

/// Applied together, in this order; the others go alone (the column order moves the
/// description away from the last column, where wrapped rests join; a table spaced apart
/// must be pointed out at its header line).
const TOGETHER: &[&str] = &[
    "headers in the vendor's other language",
    "an empty example column inserted",
    "cells padded with full-width and no-break spaces",
    "descriptions wrapped onto a line of their own",
    "a description split over a page break",
    "chapters renumbered after a new chapter before the API chapters",
    "a new document version and date on the title page",
    "a byte-order mark and CRLF line ends",
];

fn layout(name: &str) -> &'static Layout {
    LAYOUTS.iter().find(|l| l.name == name).unwrap()
}

fn dump(b: &Base, what: &str, text: &str) {
    if let Ok(dir) = std::env::var("REVISION_DUMP") {
        let path = format!("{dir}/{}-{}.txt", b.service, what.replace(' ', "-"));
        std::fs::write(path, text).unwrap();
    }
}

/// All layout changes at once must give today's spec (but the revision on the title
/// page); when they do not, each alone names the culprit.
#[test]
fn layout_changes_give_the_same_spec() {
    assert_eq!(TOGETHER.len() + 2, LAYOUTS.len());
    each_document(|b| {
        let mut lines = b.lines();
        for name in TOGETHER {
            lines = (layout(name).apply)(b, lines);
        }
        let text = join(&lines);
        dump(b, "layout", &text);
        let x = b.extract(&text);
        assert_eq!(
            x.spec.service.source.revision,
            revised_revision(b),
            "{}",
            b.service
        );
        let mut failures = Vec::new();
        if first_difference(&layout_free(b.spec()), &layout_free(&x.spec), "").is_some() {
            for name in TOGETHER {
                let text = join(&(layout(name).apply)(b, b.lines()));
                if let Some(d) = layout_difference(b, &text) {
                    failures.push(format!("  {name}: {d}"));
                }
            }
            assert!(
                !failures.is_empty(),
                "{}: the layout changes only fail together",
                b.service
            );
        }
        for name in [
            "columns in another order",
            "two tables spaced apart instead of tab-separated",
        ] {
            let lines = (layout(name).apply)(b, b.lines());
            let x = b.extract(&join(&lines));
            if let Some(d) = first_difference(&layout_free(b.spec()), &layout_free(&x.spec), "") {
                failures.push(format!("  {name}: {d}"));
            }
            // A table read from runs of spaces is pointed out at its header.
            for (n, l) in lines.iter().enumerate() {
                let spaced = !l.contains('\t') && {
                    let words: Vec<&str> = l
                        .split("  ")
                        .map(str::trim)
                        .filter(|w| !w.is_empty())
                        .collect();
                    words.len() >= 3
                        && words.iter().all(|w| {
                            [
                                NAME,
                                TYPE,
                                DESCRIPTION,
                                REQUIRED,
                                &["示例值", "Example"][..],
                            ]
                            .iter()
                            .any(|names| column(&[w], names).is_some())
                        })
                };
                let noted = x
                    .diagnostics
                    .iter()
                    .any(|d| d.line == Some(n + 1) && d.message.contains("runs of spaces"));
                if spaced && !noted {
                    failures.push(format!("  {name}: no note at line {}", n + 1));
                }
            }
        }
        assert!(
            failures.is_empty(),
            "{}: layout changes altered the spec:\n{}",
            b.service,
            failures.join("\n")
        );
    });
}

/// The revision next year: the content edits in another export's layout. The diff still
/// names exactly the edits, and the spec still generates.
#[test]
fn content_edits_in_a_new_layout_show_as_exactly_their_changes() {
    each_document(|b| {
        let plan = content_plan(b);
        let mut lines = plan.apply(&b.lines());
        for name in TOGETHER {
            lines = (layout(name).apply)(b, lines);
        }
        let text = join(&lines);
        dump(b, "content-and-layout", &text);
        let x = b.extract(&text);
        let got = changes(b.spec(), &x.spec);
        if let Some(msg) = compare_sets(&plan, &got) {
            let alone = match content_only_failure(b, &plan) {
                Some(m) => format!("in today's layout too:\n{m}"),
                None => "in today's layout they do: the new layout is at fault".to_string(),
            };
            panic!(
                "{}: the diff does not name exactly the edits:\n{msg}{alone}",
                b.service
            );
        }
        generates(b.service, &x.spec);
    });
}
