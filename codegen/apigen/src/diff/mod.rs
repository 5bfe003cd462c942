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
use clap::ValueEnum;
use compare::Loc;
use rules::{Direction, Severity};
use serde::Serialize;
use serde_json::Value;
use std::process::ExitCode;

/// One classified change.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    /// Rule id from the registry.
    pub id: &'static str,
    pub severity: Severity,
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

    /// Whether any change is at or above `level`.
    pub fn fails(&self, level: FailOn) -> bool {
        let min = match level {
            FailOn::Breaking => Severity::Breaking,
            FailOn::NonBreaking => Severity::NonBreaking,
        };
        self.changes.iter().any(|c| c.severity >= min)
    }
}

/// Output format of `apigen diff`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Markdown,
    Json,
}

/// The least severity that makes `apigen diff` exit with 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Breaking,
    NonBreaking,
}

/// `apigen diff <old> <new>`: exit 0 when nothing reaches `fail_on`, 1 when something
/// does; errors (bad input) are returned and become exit 2.
pub fn run(
    old: &str,
    new: &str,
    format: Format,
    fail_on: Option<FailOn>,
) -> Result<ExitCode, String> {
    let old_spec = input::load(old)?;
    let new_spec = input::load(new)?;
    if old_spec.service.name != new_spec.service.name {
        return Err(format!(
            "`{old}` is service `{}` but `{new}` is service `{}`: a diff compares two versions \
             of one service",
            old_spec.service.name, new_spec.service.name
        ));
    }
    let d = Diff::new(old, &old_spec, new, &new_spec);
    let out = match format {
        Format::Text => {
            use std::io::IsTerminal;
            let colour = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
            report::text(&d, colour)
        }
        Format::Markdown => report::markdown(&d),
        Format::Json => report::json(&d),
    };
    print!("{out}");
    Ok(match fail_on {
        Some(level) if d.fails(level) => ExitCode::from(1),
        _ => ExitCode::SUCCESS,
    })
}
