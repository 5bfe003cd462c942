//! Errors shared by the layers: a file operation that failed, with the path it failed on.
//!
//! Each layer has its own error enum (`CorrectionsError`, `GenerateError`, `ReleaseError`,
//! `MockError`, `DiffError`, …) so a caller can act on the kind; the CLI is the only place
//! that turns them into text. They name the file (and line, where input is at fault) in their
//! `Display`, so the text the CLI prints says where to look.

use std::path::{Path, PathBuf};

/// A file or directory could not be read or written.
#[derive(Debug, thiserror::Error)]
#[error("{path}: {source}", path = .path.display())]
pub struct IoError {
    pub path: PathBuf,
    #[source]
    pub source: std::io::Error,
}

impl IoError {
    pub fn new(path: impl Into<PathBuf>, source: std::io::Error) -> IoError {
        IoError {
            path: path.into(),
            source,
        }
    }

    /// Whether the file is not there (as opposed to unreadable).
    pub fn is_not_found(&self) -> bool {
        self.source.kind() == std::io::ErrorKind::NotFound
    }
}

/// `std::fs::read_to_string` with the path in the error.
pub fn read(path: &Path) -> Result<String, IoError> {
    std::fs::read_to_string(path).map_err(|e| IoError::new(path, e))
}

/// `std::fs::write` with the path in the error.
pub fn write(path: &Path, contents: impl AsRef<[u8]>) -> Result<(), IoError> {
    std::fs::write(path, contents).map_err(|e| IoError::new(path, e))
}

/// `std::fs::create_dir_all` with the path in the error.
pub fn create_dir_all(path: &Path) -> Result<(), IoError> {
    std::fs::create_dir_all(path).map_err(|e| IoError::new(path, e))
}
