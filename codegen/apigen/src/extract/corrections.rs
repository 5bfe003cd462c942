//! Corrections: small, reviewed edits for what a parser cannot know.
//!
//! A corrections file (`specs/corrections/<service>.yaml`) is a list of edits applied to
//! the extracted spec. Each edit names its target by a path of names, not positions:
//!
//! ```yaml
//! service: alikafka
//! corrections:
//!   - at: operations[StartInstance].parameters[Instanceid]
//!     set: { name: InstanceId }
//!     reason: "OCR slip (lower-case l for I); the request example sends InstanceId"
//! ```
//!
//! A path is `key` or `key[selector]` segments joined by dots. A selector picks the element
//! of a list whose `id`, `name`, `status`, `value` or `code` equals it (quote it as `["a.b"]`
//! when it holds dots or brackets), or the N-th element with `#N` (examples have no name).
//! Nothing selects by document line: a new revision shifts lines, and every correction
//! would go stale with them. Actions: `set` (merge keys into the target object), `remove`,
//! `add` (append to the target list, or insert `after` a selector), `move_to` (take the
//! target out and append it to another list). `expect` guards an edit: the target's
//! current values must match, so an edit made for one revision of the text does not
//! silently apply to a changed one. `external` marks a fact the document does not state
//! and names its source.
//!
//! An edit whose target is gone, whose `expect` fails, or whose `set` changes nothing is
//! *stale*: reported, never silently dropped.

use crate::spec::model::{ExternalFact, Spec};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CorrectionsFile {
    /// Service the corrections belong to.
    pub service: String,
    #[serde(default)]
    pub corrections: Vec<Correction>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Correction {
    /// Target path (see module docs).
    pub at: String,
    /// Why the edit is needed (mandatory: corrections are reviewed).
    pub reason: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub set: Option<Map<String, Value>>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub remove: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub add: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub move_to: Option<String>,
    /// With `add`/`move_to`: insert after this selector instead of at the end.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expect: Option<Map<String, Value>>,
    /// Source of a fact the document does not state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external: Option<String>,
    /// Marks a table rebuilt from examples and sibling operations (lost pages).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub rebuilt: bool,
}

/// A correction that did not apply (or, from [`redundant_keys`], applies only in part).
#[derive(Debug, Clone, PartialEq)]
pub struct Stale {
    pub index: usize,
    pub at: String,
    pub why: EditError,
}

/// Why one correction does not apply: the file is read, the edit is reported stale.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum EditError {
    #[error("exactly one of set, remove, add, move_to is expected")]
    NotOneAction,
    #[error("bad path `{path}`: {why}")]
    BadPath { path: String, why: &'static str },
    #[error("empty path")]
    EmptyPath,
    /// The target (or a step towards it) is not in the spec.
    #[error("no `{0}` here")]
    Missing(String),
    #[error("no list `{0}` here")]
    MissingList(String),
    #[error("`{0}`: parent is not an object")]
    ParentNotObject(String),
    #[error("expected `{key}` to be {expected}, found {found}")]
    Unexpected {
        key: String,
        expected: Box<Value>,
        found: Box<Value>,
    },
    #[error("target is not an object")]
    NotAnObject,
    #[error("target is not a list")]
    NotAList,
    #[error("no element `{0}` to insert after")]
    NoAnchor(String),
    /// A `set` that changes nothing.
    #[error("the document already says this; the correction is no longer needed")]
    AlreadySaid,
    /// The edit applies but the result is not a spec (serde's message).
    #[error("edit gives an invalid spec: {0}")]
    InvalidSpec(String),
    /// A `set` some of whose keys already hold the value set (from [`redundant_keys`]).
    #[error(
        "sets {} to what the spec already holds; drop {}",
        .0.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", "),
        if .0.len() == 1 { "it" } else { "them" }
    )]
    PartlyRedundant(Vec<String>),
}

/// Why a corrections file cannot be used at all.
#[derive(Debug, thiserror::Error)]
pub enum CorrectionsError {
    /// Not YAML, or not a corrections file; with line and column where the parser knows them.
    #[error("{path}{}: {source}", match .location { Some((l, c)) => format!(":{l}:{c}"), None => String::new() })]
    Parse {
        path: String,
        location: Option<(usize, usize)>,
        source: yaml_serde::Error,
    },
    /// The spec could not be carried through the edits (a model the corrections cannot
    /// represent).
    #[error("applying corrections: {0}")]
    Model(#[from] serde_json::Error),
}

impl CorrectionsFile {
    /// Read a corrections file; errors carry line and column.
    pub fn parse(path: &str, text: &str) -> Result<CorrectionsFile, CorrectionsError> {
        yaml_serde::from_str(text).map_err(|source| CorrectionsError::Parse {
            path: path.to_string(),
            location: source.location().map(|l| (l.line(), l.column())),
            source,
        })
    }
}

/// The corrections whose `set` changes some keys but also sets others to what the spec
/// already holds at that point (the extractor now reads them): those keys can go. A `set`
/// that changes nothing at all is stale instead (see [`apply`]). Tables rebuilt from lost
/// pages (`rebuilt: true`) state whole objects and are not reported.
pub fn redundant_keys(spec: &Spec, file: &CorrectionsFile) -> Vec<Stale> {
    let Ok(mut root) = serde_json::to_value(spec) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (index, c) in file.corrections.iter().enumerate() {
        // A rebuilt table states the whole object on purpose.
        if let (Some(set), Ok(path), false) = (&c.set, parse_path(&c.at), c.rebuilt) {
            if let Ok(target) = resolve(&root, &path) {
                let same: Vec<&String> = set
                    .iter()
                    .filter(|(k, v)| target.get(k.as_str()).unwrap_or(&Value::Null) == *v)
                    .map(|(k, _)| k)
                    .collect();
                if !same.is_empty() && same.len() < set.len() {
                    out.push(Stale {
                        index,
                        at: c.at.clone(),
                        why: EditError::PartlyRedundant(same.into_iter().cloned().collect()),
                    });
                }
            }
        }
        let _ = apply_one(&mut root, c);
    }
    out
}

/// Apply `file` to `spec`; returns the corrections that did not apply.
pub fn apply(spec: &mut Spec, file: &CorrectionsFile) -> Result<Vec<Stale>, CorrectionsError> {
    let root = serde_json::to_value(&*spec)?;
    // Fast path: apply every edit, check the model's shape once. Only when the result is
    // not a valid spec, redo it checking after each edit to find the edit at fault.
    let (edited, mut stale, mut facts) = apply_all(root.clone(), file, false);
    let out = match serde_json::from_value::<Spec>(edited) {
        Ok(out) => out,
        Err(_) => {
            let (edited, s, f) = apply_all(root, file, true);
            (stale, facts) = (s, f);
            serde_json::from_value(edited)?
        }
    };
    *spec = out;
    spec.service.external_facts.append(&mut facts);
    Ok(stale)
}

/// Apply the edits in order; with `check_each`, an edit that breaks the model's shape is
/// undone and reported stale.
fn apply_all(
    mut root: Value,
    file: &CorrectionsFile,
    check_each: bool,
) -> (Value, Vec<Stale>, Vec<ExternalFact>) {
    let mut stale = Vec::new();
    let mut facts = Vec::new();
    for (index, c) in file.corrections.iter().enumerate() {
        // Only a move can fail half-way (taken out, then no place to put it).
        let before = (check_each || c.move_to.is_some()).then(|| root.clone());
        let outcome = apply_one(&mut root, c).and_then(|()| match check_each {
            true => serde_json::from_value::<Spec>(root.clone())
                .map(|_| ())
                .map_err(|e| EditError::InvalidSpec(e.to_string())),
            false => Ok(()),
        });
        match outcome {
            Ok(()) => {
                if let Some(src) = &c.external {
                    facts.extend(external_facts(c, src));
                }
            }
            Err(why) => {
                if let Some(before) = before {
                    root = before;
                }
                stale.push(Stale {
                    index,
                    at: c.at.clone(),
                    why,
                });
            }
        }
    }
    (root, stale, facts)
}

/// The facts an `external` correction supplies: each key it sets, or the value it adds.
fn external_facts(c: &Correction, source: &str) -> Vec<ExternalFact> {
    // A long value (a whole endpoint table) is named, not repeated: the spec holds it at
    // the fact's subject.
    let text = |v: &Value| match v {
        Value::String(s) => s.clone(),
        Value::Object(m) if v.to_string().len() > 160 && m.values().all(|v| !v.is_object()) => {
            format!("{} entries, as the spec holds them", m.len())
        }
        Value::Object(m) if v.to_string().len() > 160 => format!(
            "an object ({}), as the spec holds it",
            m.iter()
                .map(|(k, v)| match v {
                    Value::Object(inner) => format!("{k}: {} entries", inner.len()),
                    Value::Array(inner) => format!("{k}: {} items", inner.len()),
                    _ => k.clone(),
                })
                .collect::<Vec<_>>()
                .join(", ")
        ),
        other => other.to_string(),
    };
    let fact = |subject: String, v: &Value| ExternalFact {
        subject,
        value: text(v),
        source: source.to_string(),
    };
    let mut out: Vec<ExternalFact> = c
        .set
        .iter()
        .flatten()
        .map(|(k, v)| fact(format!("{}.{k}", c.at), v))
        .collect();
    out.extend(c.add.iter().map(|v| fact(c.at.clone(), v)));
    out
}

fn apply_one(root: &mut Value, c: &Correction) -> Result<(), EditError> {
    let actions = [
        c.set.is_some(),
        c.remove,
        c.add.is_some(),
        c.move_to.is_some(),
    ]
    .iter()
    .filter(|b| **b)
    .count();
    if actions != 1 {
        return Err(EditError::NotOneAction);
    }
    let path = parse_path(&c.at)?;
    if let Some(expect) = &c.expect {
        let target = resolve(root, &path)?;
        for (k, v) in expect {
            let found = target.get(k).cloned().unwrap_or(Value::Null);
            if &found != v {
                return Err(EditError::Unexpected {
                    key: k.clone(),
                    expected: Box::new(v.clone()),
                    found: Box::new(found),
                });
            }
        }
    }
    if let Some(set) = &c.set {
        let target = resolve_mut(root, &path)?;
        let obj = target.as_object_mut().ok_or(EditError::NotAnObject)?;
        let mut changed = false;
        for (k, v) in set {
            if obj.get(k) != Some(v) {
                changed = true;
                if v.is_null() {
                    obj.remove(k);
                } else {
                    obj.insert(k.clone(), v.clone());
                }
            }
        }
        if !changed {
            return Err(EditError::AlreadySaid);
        }
        return Ok(());
    }
    if c.remove {
        let (parent, last) = path.split_at(path.len() - 1);
        let container = resolve_mut(root, parent)?;
        return remove_segment(container, &last[0]).map(|_| ());
    }
    if let Some(value) = &c.add {
        let target = resolve_mut(root, &path)?;
        return insert(target, value.clone(), c.after.as_deref());
    }
    if let Some(dest) = &c.move_to {
        let dest = parse_path(dest)?;
        resolve(root, &dest)?;
        let (parent, last) = path.split_at(path.len() - 1);
        let container = resolve_mut(root, parent)?;
        let value = remove_segment(container, &last[0])?;
        let target = resolve_mut(root, &dest)?;
        return insert(target, value, c.after.as_deref());
    }
    Ok(())
}

fn insert(target: &mut Value, value: Value, after: Option<&str>) -> Result<(), EditError> {
    if target.is_null() {
        *target = Value::Array(Vec::new());
    }
    let list = target.as_array_mut().ok_or(EditError::NotAList)?;
    match after {
        None => list.push(value),
        Some(sel) => {
            let i = position(list, sel).ok_or_else(|| EditError::NoAnchor(sel.to_string()))?;
            list.insert(i + 1, value);
        }
    }
    Ok(())
}

#[derive(Debug, Clone, PartialEq)]
enum Segment {
    Key(String),
    Select(String, String),
}

fn parse_path(path: &str) -> Result<Vec<Segment>, EditError> {
    let bad = |why| EditError::BadPath {
        path: path.to_string(),
        why,
    };
    let mut out = Vec::new();
    let mut rest = path.trim();
    while !rest.is_empty() {
        let end = rest.find(['.', '[']).unwrap_or(rest.len());
        let key = &rest[..end];
        if key.is_empty() {
            return Err(bad("empty segment"));
        }
        rest = &rest[end..];
        if let Some(r) = rest.strip_prefix('[') {
            let (sel, after) = if let Some(r) = r.strip_prefix('"') {
                let close = r.find("\"]").ok_or_else(|| bad("unclosed [\""))?;
                (&r[..close], &r[close + 2..])
            } else {
                let close = r.find(']').ok_or_else(|| bad("unclosed ["))?;
                (&r[..close], &r[close + 1..])
            };
            out.push(Segment::Select(key.to_string(), sel.to_string()));
            rest = after;
        } else {
            out.push(Segment::Key(key.to_string()));
        }
        rest = rest.strip_prefix('.').unwrap_or(rest);
    }
    if out.is_empty() {
        return Err(EditError::EmptyPath);
    }
    Ok(out)
}

/// The element a selector picks: `#N` is the N-th (0-based) element, for elements that
/// have no name (examples); anything else matches an element's `id`, `name`, `status`,
/// `value` or `code`.
fn position(list: &[Value], sel: &str) -> Option<usize> {
    if let Some(index) = sel.strip_prefix('#') {
        return index.parse::<usize>().ok().filter(|i| *i < list.len());
    }
    list.iter().position(|e| matches_selector(e, sel))
}

fn matches_selector(v: &Value, sel: &str) -> bool {
    ["id", "name", "status", "value", "code"]
        .iter()
        .any(|k| match v.get(*k) {
            Some(Value::String(s)) => s == sel,
            Some(Value::Number(n)) => n.to_string() == sel,
            _ => false,
        })
}

fn resolve<'a>(root: &'a Value, path: &[Segment]) -> Result<&'a Value, EditError> {
    let mut cur = root;
    for seg in path {
        cur = match seg {
            Segment::Key(k) => cur.get(k).ok_or_else(|| EditError::Missing(k.clone()))?,
            Segment::Select(k, sel) => cur
                .get(k)
                .and_then(Value::as_array)
                .and_then(|l| position(l, sel).map(|i| &l[i]))
                .ok_or_else(|| EditError::Missing(format!("{k}[{sel}]")))?,
        };
    }
    Ok(cur)
}

fn resolve_mut<'a>(root: &'a mut Value, path: &[Segment]) -> Result<&'a mut Value, EditError> {
    let mut cur = root;
    for seg in path {
        cur = match seg {
            Segment::Key(k) => {
                let obj = cur
                    .as_object_mut()
                    .ok_or_else(|| EditError::ParentNotObject(k.clone()))?;
                // Absent optional members (skipped when empty) are created on demand.
                obj.entry(k.clone()).or_insert(Value::Null)
            }
            Segment::Select(k, sel) => cur
                .get_mut(k)
                .and_then(Value::as_array_mut)
                .and_then(|l| position(l, sel).map(move |i| &mut l[i]))
                .ok_or_else(|| EditError::Missing(format!("{k}[{sel}]")))?,
        };
    }
    Ok(cur)
}

fn remove_segment(container: &mut Value, seg: &Segment) -> Result<Value, EditError> {
    match seg {
        Segment::Key(k) => container
            .as_object_mut()
            .and_then(|o| o.remove(k))
            .ok_or_else(|| EditError::Missing(k.clone())),
        Segment::Select(k, sel) => {
            let list = container
                .get_mut(k)
                .and_then(Value::as_array_mut)
                .ok_or_else(|| EditError::MissingList(k.clone()))?;
            let i = position(list, sel).ok_or_else(|| EditError::Missing(format!("{k}[{sel}]")))?;
            Ok(list.remove(i))
        }
    }
}

#[cfg(test)]
mod redundant_tests {
    use super::*;

    #[test]
    fn a_set_key_the_spec_already_holds_is_reported() {
        let spec: Spec = yaml_serde::from_str(
            "format: 1\nservice: {name: s, title: S, vendor: alibaba, protocol: alibaba-rpc, source: {document: d, title: t, revision: r, sha256: x}}\noperations:\n- id: A\n  title: A\n  source: {line: 1}\n  method: GET\n  path: /\n  parameters:\n  - {name: K, in: query, type: string, enum: [{value: a}]}\n",
        )
        .expect("spec");
        let file = CorrectionsFile::parse(
            "c",
            "service: s\ncorrections:\n- {at: 'operations[A].parameters[K]', set: {enum: [{value: a}], required: true}, reason: r}\n- {at: 'operations[A].parameters[K]', set: {required: false}, reason: r}\n",
        )
        .expect("file");
        let r = redundant_keys(&spec, &file);
        assert_eq!(r.len(), 1, "{r:?}");
        assert_eq!(r[0].index, 0);
        assert_eq!(r[0].why, EditError::PartlyRedundant(vec!["enum".into()]));
        assert_eq!(
            r[0].why.to_string(),
            "sets `enum` to what the spec already holds; drop it"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Spec {
        let text = include_str!("../../../../tests/corpus/good-rpc.yaml");
        crate::spec::load::parse_str("good-rpc.yaml", text).expect("sample spec")
    }

    fn file(yaml: &str) -> CorrectionsFile {
        CorrectionsFile::parse(
            "c.yaml",
            &format!("service: kafkalet\ncorrections:\n{yaml}"),
        )
        .unwrap()
    }

    #[test]
    fn edits_apply_and_stale_ones_are_reported() {
        let mut spec = sample();
        let f = file(
            "- {at: 'operations[GetInstanceList].parameters[RegionId]', set: {name: Region}, reason: r}\n\
             - {at: 'operations[Nope].parameters[X]', set: {name: Y}, reason: gone}\n\
             - {at: 'operations[GetInstanceList].parameters[Region]', set: {name: Region}, reason: no-op}\n\
             - {at: 'service', set: {product_code: k2}, external: 'a price list', reason: ext}\n",
        );
        let stale = apply(&mut spec, &f).unwrap();
        assert_eq!(stale.iter().map(|s| s.index).collect::<Vec<_>>(), [1, 2]);
        assert_eq!(stale[0].why, EditError::Missing("operations[Nope]".into()));
        assert_eq!(stale[1].why, EditError::AlreadySaid);
        assert!(spec.operations[0]
            .parameters
            .iter()
            .any(|p| p.name == "Region"));
        assert_eq!(spec.service.product_code.as_deref(), Some("k2"));
        assert_eq!(
            spec.service.external_facts[0].subject,
            "service.product_code"
        );
    }

    #[test]
    fn an_edit_that_breaks_the_model_is_undone_alone() {
        let mut spec = sample();
        let f = file(
            "- {at: 'operations[GetInstanceList]', set: {method: FETCH}, reason: bad}\n\
             - {at: 'operations[GetInstanceList].parameters[RegionId]', set: {required: false}, reason: ok}\n",
        );
        let stale = apply(&mut spec, &f).unwrap();
        assert_eq!(stale.len(), 1);
        assert!(
            matches!(stale[0].why, EditError::InvalidSpec(_)),
            "{:?}",
            stale[0].why
        );
        assert!(
            stale[0].why.to_string().contains("invalid spec"),
            "{}",
            stale[0].why
        );
        assert!(!spec.operations[0].parameters[0].required);
    }

    #[test]
    fn index_selectors_pick_unnamed_elements() {
        let mut spec = sample();
        let f = file("- {at: 'operations[GetInstanceList].parameters[#1]', set: {description: second}, reason: r}\n");
        assert!(apply(&mut spec, &f).unwrap().is_empty());
        assert_eq!(spec.operations[0].parameters[1].description, "second");
        let f = file("- {at: 'operations[GetInstanceList].parameters[#99]', set: {description: x}, reason: r}\n");
        assert_eq!(apply(&mut spec, &f).unwrap().len(), 1);
    }

    #[test]
    fn paths_parse() {
        assert_eq!(
            parse_path("operations[A].parameters[\"Tag.N\"].name").unwrap(),
            vec![
                Segment::Select("operations".into(), "A".into()),
                Segment::Select("parameters".into(), "Tag.N".into()),
                Segment::Key("name".into())
            ]
        );
        assert_eq!(
            parse_path("a[b"),
            Err(EditError::BadPath {
                path: "a[b".into(),
                why: "unclosed ["
            })
        );
    }

    #[test]
    fn a_malformed_file_is_an_error_with_its_line_and_column() {
        let e = CorrectionsFile::parse("c.yaml", "service: s\ncorrections:\n- {at: x, sett: {}}\n")
            .unwrap_err();
        let CorrectionsError::Parse { location, .. } = &e else {
            panic!("{e:?}")
        };
        assert_eq!(location.map(|(line, _)| line), Some(3), "{e}");
        assert!(e.to_string().starts_with("c.yaml:3:"), "{e}");
        assert!(e.to_string().contains("sett"), "{e}");
    }
}

/// Where the corrections of a document were looked for, and which file was found.
#[derive(Debug, Clone, PartialEq)]
pub struct Lookup {
    pub found: Option<std::path::PathBuf>,
    /// Every candidate, in the order tried.
    pub tried: Vec<std::path::PathBuf>,
}

/// Find the corrections file of `service` for `document`: beside the `specs/sources/`
/// holding the document, else in the `specs/corrections/` of the working directory or the
/// nearest ancestor that has one (the project a user runs apigen in), so a revision kept
/// anywhere (`~/Downloads/new.txt`) gets the project's reviewed corrections.
pub fn locate(document: &std::path::Path, service: &str, cwd: &std::path::Path) -> Lookup {
    let file = format!("{service}.yaml");
    let mut tried = Vec::new();
    if let Some(specs) = document.parent().and_then(std::path::Path::parent) {
        tried.push(specs.join("corrections").join(&file));
    }
    for dir in cwd.ancestors() {
        let candidate = dir.join("specs").join("corrections").join(&file);
        let has_project = dir.join("specs").join("corrections").is_dir();
        if !tried.contains(&candidate) && (has_project || dir == cwd) {
            tried.push(candidate);
        }
        if has_project {
            break;
        }
    }
    let found = tried.iter().find(|p| p.is_file()).cloned();
    Lookup { found, tried }
}

#[cfg(test)]
mod lookup_tests {
    use super::*;
    use std::fs;
    use std::path::Path;

    fn scratch(name: &str) -> std::path::PathBuf {
        let d = std::env::temp_dir().join(format!("apigen-lookup-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&d);
        fs::create_dir_all(&d).unwrap();
        d
    }

    #[test]
    fn beside_the_document_first() {
        let root = scratch("beside");
        fs::create_dir_all(root.join("specs/sources")).unwrap();
        fs::create_dir_all(root.join("specs/corrections")).unwrap();
        fs::write(root.join("specs/corrections/mse.yaml"), "service: mse\n").unwrap();
        let l = locate(&root.join("specs/sources/x.txt"), "mse", Path::new("/"));
        assert_eq!(l.found, Some(root.join("specs/corrections/mse.yaml")));
        fs::remove_dir_all(root).unwrap();
    }

    #[test]
    fn a_revision_kept_elsewhere_gets_the_projects_corrections() {
        let root = scratch("elsewhere");
        let project = root.join("project");
        fs::create_dir_all(project.join("specs/corrections")).unwrap();
        fs::create_dir_all(project.join("codegen")).unwrap();
        fs::create_dir_all(root.join("Downloads")).unwrap();
        fs::write(project.join("specs/corrections/cse.yaml"), "service: cse\n").unwrap();
        let doc = root.join("Downloads/new-revision.txt");
        // From the project root and from a subdirectory of it.
        for cwd in [project.clone(), project.join("codegen")] {
            let l = locate(&doc, "cse", &cwd);
            assert_eq!(l.found, Some(project.join("specs/corrections/cse.yaml")));
        }
        // Outside any project: nothing found, and the candidates are named.
        let l = locate(&doc, "cse", &root.join("Downloads"));
        assert_eq!(l.found, None);
        assert!(l
            .tried
            .contains(&root.join("Downloads/specs/corrections/cse.yaml")));
        fs::remove_dir_all(root).unwrap();
    }
}
