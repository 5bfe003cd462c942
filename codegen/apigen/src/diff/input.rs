//! One side of a diff, as named on the command line: a spec file (`.yaml`), a document
//! (`.txt`, extracted on the fly with its service's corrections), or a git revision of
//! either (`HEAD~3:specs/dms-kafka.yaml`, read with `git show`).

use crate::extract::files::{self, CorrectionsChoice, Extracted};
use crate::spec::{load, model::Spec};
use std::path::Path;
use std::process::Command;

use super::DiffError;

/// One side, loaded.
#[derive(Debug)]
pub enum Side {
    /// A spec file.
    Spec(Spec),
    /// A document, extracted (with what the extraction found, for the caller to report).
    Document(Extracted),
}

impl Side {
    pub fn spec(&self) -> &Spec {
        match self {
            Side::Spec(s) => s,
            Side::Document(x) => &x.extraction.spec,
        }
    }
}

/// Load one side. Errors say which argument and why (they become exit code 2).
pub fn load(arg: &str) -> Result<Side, DiffError> {
    let path = Path::new(arg);
    if path.is_file() {
        return if is_document(arg) {
            let x = files::extract_file(path, CorrectionsChoice::Default, false)?;
            Ok(Side::Document(x))
        } else {
            load::parse_file(path)
                .map(Side::Spec)
                .map_err(|e| DiffError::Input(e.to_string()))
        };
    }
    match arg.split_once(':') {
        Some((rev, file)) if !rev.is_empty() && !file.is_empty() => load_revision(arg, rev, file),
        _ => Err(DiffError::Input(format!(
            "{arg}: no such file (nor a `revision:path`)"
        ))),
    }
}

fn is_document(name: &str) -> bool {
    name.ends_with(".txt")
}

/// The text of `file` at `rev`, via `git show rev:file`.
fn git_show(rev: &str, file: &str) -> Result<String, DiffError> {
    let spec = format!("{rev}:{file}");
    let out = Command::new("git")
        .args(["show", &spec])
        .output()
        .map_err(|e| DiffError::Input(format!("{spec}: cannot run git: {e}")))?;
    if !out.status.success() {
        let why = String::from_utf8_lossy(&out.stderr);
        return Err(DiffError::Input(format!(
            "{spec}: not a file, and git cannot show it: {}",
            why.trim()
        )));
    }
    String::from_utf8(out.stdout).map_err(|_| DiffError::Input(format!("{spec}: not UTF-8 text")))
}

fn load_revision(arg: &str, rev: &str, file: &str) -> Result<Side, DiffError> {
    let text = git_show(rev, file)?;
    if !is_document(file) {
        return load::parse_str(arg, &text)
            .map(Side::Spec)
            .map_err(|e| DiffError::Input(e.to_string()));
    }
    // A document at a revision is extracted with the corrections of that same revision,
    // when it has them.
    let doc = Path::new(file);
    let service = files::detect_service(Path::new(arg), &text)?;
    let corrections = files::default_corrections(doc, service).and_then(|p| {
        let p = p.to_string_lossy().replace('\\', "/");
        git_show(rev, &p).ok().map(|t| (p, t))
    });
    let x = files::extract_text(
        doc,
        &text,
        corrections
            .as_ref()
            .map(|(p, t)| (Path::new(p.as_str()), t.as_str())),
        false,
    )?;
    Ok(Side::Document(x))
}
