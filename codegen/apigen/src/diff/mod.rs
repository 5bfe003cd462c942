//! `apigen diff`: what changed between two versions of a service's spec, rule by rule.
//!
//! - [`compare`] walks both specs and states structural facts;
//! - [`rules`] is the registry: each fact becomes a rule id with a severity and direction;
//! - [`report`] renders the result as text, Markdown or JSON;
//! - [`input`] turns a command-line argument (spec file, document, `rev:path`) into a spec.

pub mod compare;
pub mod input;
pub mod report;
pub mod rules;

use crate::spec::model::Spec;
use compare::Loc;
use rules::{Direction, RustApi, Severity};
use serde::Serialize;
use serde_json::Value;

/// One classified change.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    /// Rule id from the registry.
    pub id: &'static str,
    pub severity: Severity,
    /// What the change does to the generated crates' Rust API.
    pub rust_api: RustApi,
    pub direction: Direction,
    /// Operation id; `None` for service-wide changes.
    pub operation: Option<String>,
    pub path: String,
    pub message: String,
    pub old: Value,
    pub new: Value,
    /// Where the old version describes the subject.
    pub old_source: Option<Loc>,
    /// Where the new version describes the subject.
    pub new_source: Option<Loc>,
    pub hint: Option<String>,
    /// `METHOD path` of the operation, for grouping in reports.
    #[serde(skip)]
    pub endpoint: Option<String>,
}

/// Which version of the service a side of the diff is.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Version {
    /// What the user named (file, document or `rev:path`).
    pub label: String,
    pub service: String,
    pub document: String,
    pub revision: String,
    pub operations: usize,
}

impl Version {
    pub fn of(label: &str, spec: &Spec) -> Version {
        Version {
            label: label.to_string(),
            service: spec.service.name.clone(),
            document: spec.service.source.document.clone(),
            revision: spec.service.source.revision.clone(),
            operations: spec.operations.len(),
        }
    }
}

/// Counts by severity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub breaking: usize,
    pub non_breaking: usize,
    pub docs: usize,
}

/// The result of a diff.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Diff {
    pub old: Version,
    pub new: Version,
    pub changes: Vec<Change>,
    pub summary: Summary,
}

/// Compare two versions of a spec.
pub fn diff(old: &Spec, new: &Spec) -> Vec<Change> {
    compare::compare(old, new)
        .into_iter()
        .map(|raw| {
            let rule = rules::get(rules::classify(&raw));
            Change {
                id: rule.id,
                severity: rule.severity,
                rust_api: rules::rust_api(rule, &raw),
                direction: rule.direction,
                operation: raw.operation.as_ref().map(|o| o.id.clone()),
                path: raw.path.clone(),
                message: rules::message(rule, &raw),
                endpoint: raw
                    .operation
                    .as_ref()
                    .map(|o| format!("{} {}", o.method, o.path)),
                old: raw.old,
                new: raw.new,
                old_source: raw.old_source,
                new_source: raw.new_source,
                hint: raw.hint,
            }
        })
        .collect()
}

impl Diff {
    /// Diff two specs, labelled as the user named them.
    pub fn new(old_label: &str, old: &Spec, new_label: &str, new: &Spec) -> Diff {
        let changes = diff(old, new);
        let mut summary = Summary::default();
        for c in &changes {
            match c.severity {
                Severity::Breaking => summary.breaking += 1,
                Severity::NonBreaking => summary.non_breaking += 1,
                Severity::Docs => summary.docs += 1,
            }
        }
        Diff {
            old: Version::of(old_label, old),
            new: Version::of(new_label, new),
            changes,
            summary,
        }
    }

    /// Whether any change is at or above `level` (`--fail-on`: breaking or non-breaking).
    pub fn fails(&self, level: Severity) -> bool {
        self.changes.iter().any(|c| c.severity >= level)
    }
}

/// Output format of a diff report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Markdown,
    Json,
}

/// Why two versions could not be compared.
#[derive(Debug, thiserror::Error)]
pub enum DiffError {
    /// An argument names nothing loadable.
    #[error("{0}")]
    Input(String),
    /// A document side could not be extracted.
    #[error(transparent)]
    Extract(#[from] crate::extract::files::ExtractFileError),
    #[error(
        "`{old}` is service `{old_service}` but `{new}` is service `{new_service}`: a diff \
         compares two versions of one service"
    )]
    DifferentServices {
        old: String,
        old_service: String,
        new: String,
        new_service: String,
    },
}

/// What `apigen diff <old> <new>` found: the diff, the extractions of document sides (their
/// diagnostics are the caller's to report), and whether a change reaches `fail_on`.
#[derive(Debug)]
pub struct Outcome {
    pub diff: Diff,
    pub extracted: Vec<crate::extract::files::Extracted>,
    pub failed: bool,
}

impl Outcome {
    /// The report in `format` (`colour`: ANSI colours in the text form).
    pub fn render(&self, format: Format, colour: bool) -> String {
        match format {
            Format::Text => report::text(&self.diff, colour),
            Format::Markdown => report::markdown(&self.diff),
            Format::Json => report::json(&self.diff),
        }
    }
}

/// Loads both sides (spec files, documents, `rev:path`) and compares them.
pub fn run(old: &str, new: &str, fail_on: Option<Severity>) -> Result<Outcome, DiffError> {
    let old_side = input::load(old)?;
    let new_side = input::load(new)?;
    let (old_spec, new_spec) = (old_side.spec(), new_side.spec());
    if old_spec.service.name != new_spec.service.name {
        return Err(DiffError::DifferentServices {
            old: old.to_owned(),
            old_service: old_spec.service.name.clone(),
            new: new.to_owned(),
            new_service: new_spec.service.name.clone(),
        });
    }
    let diff = Diff::new(old, old_spec, new, new_spec);
    let failed = fail_on.is_some_and(|level| diff.fails(level));
    let extracted = [old_side, new_side]
        .into_iter()
        .filter_map(|s| match s {
            input::Side::Document(x) => Some(x),
            input::Side::Spec(_) => None,
        })
        .collect();
    Ok(Outcome {
        diff,
        extracted,
        failed,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec_file(service: &str) -> String {
        format!("{}/../../specs/{service}.yaml", env!("CARGO_MANIFEST_DIR"))
    }

    #[test]
    fn run_returns_the_outcome_and_typed_errors() {
        let mse = spec_file("mse");
        let same = run(&mse, &mse, Some(Severity::NonBreaking)).unwrap();
        assert!(same.diff.changes.is_empty() && !same.failed && same.extracted.is_empty());
        assert!(same.render(Format::Json, false).contains("\"changes\": []"));
        let e = run(&mse, &spec_file("cse"), None).unwrap_err();
        assert!(matches!(e, DiffError::DifferentServices { .. }), "{e}");
        let e = run("nowhere.yaml", &mse, None).unwrap_err();
        assert!(matches!(e, DiffError::Input(_)), "{e}");
    }
}
