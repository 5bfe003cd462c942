//! How serious a finding about input is, one scale for everything that reads input: the
//! extractor's diagnostics about a document (the Alibaba table checks' findings and doubts
//! carry it too, not a `warning: bool`), spec validation (`apigen lint`), loading errors, the
//! extraction run's notices and the report's stale-correction lines. (`apigen diff` rates
//! changes by their effect on clients — `diff::rules::Severity`: docs, non-breaking,
//! breaking — a different question; `--fail-on` is a threshold on that same scale.)

use std::fmt;

/// A finding's severity, least serious first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Worth knowing; nothing is wrong.
    Note,
    /// Suspicious, but the input is usable.
    Warning,
    /// The input is wrong.
    Error,
}

impl Severity {
    /// `note`, `warning`, `error`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
