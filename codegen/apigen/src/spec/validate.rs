//! Semantic checks a spec must pass beyond its YAML shape.
use super::model::Spec;
use std::fmt;

#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub error: bool,
    /// Where in the spec (`operations[X].parameters[Y]`).
    pub at: String,
    pub message: String,
}

impl Problem {
    pub fn is_error(&self) -> bool {
        self.error
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sev = if self.error { "error" } else { "warning" };
        write!(f, "{sev}: {}: {}", self.at, self.message)
    }
}

pub fn validate(_spec: &Spec) -> Vec<Problem> {
    Vec::new()
}

/// One line of counts for `apigen lint`.
pub fn summary(path: &str, spec: &Spec) -> String {
    format!("{path}: {} operations", spec.operations.len())
}
