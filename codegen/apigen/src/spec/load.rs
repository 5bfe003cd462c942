//! YAML ⇄ IR. Loading errors carry file, line and column.

use super::model::Spec;
use std::fmt;
use std::path::Path;

#[derive(Debug)]
pub struct LoadError {
    pub file: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.column) {
            (Some(l), Some(c)) => write!(f, "{}:{l}:{c}: {}", self.file, self.message),
            (Some(l), None) => write!(f, "{}:{l}: {}", self.file, self.message),
            _ => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

impl std::error::Error for LoadError {}

pub fn load_file(path: &Path) -> Result<Spec, LoadError> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| LoadError {
        file: file.clone(),
        line: None,
        column: None,
        message: e.to_string(),
    })?;
    load_str(&file, &text)
}

pub fn load_str(file: &str, text: &str) -> Result<Spec, LoadError> {
    serde_yaml::from_str(text).map_err(|e| LoadError {
        file: file.to_string(),
        line: e.location().map(|l| l.line()),
        column: e.location().map(|l| l.column()),
        message: e.to_string(),
    })
}

/// Serialise a spec to YAML (deterministic: struct order, ordered maps).
pub fn to_yaml(spec: &Spec) -> String {
    serde_yaml::to_string(spec).expect("a spec always serialises")
}
