//! Extraction of document files: which service a document is, which corrections file goes
//! with it, and the extraction itself. Returns values and diagnostics; printing them is the
//! caller's (the CLI prints [`Extracted::notices`] and the extraction report, `apigen diff`
//! passes them on).

use std::path::{Path, PathBuf};

use super::corrections::CorrectionsFile;
use super::{DocKind, Extraction, Severity};

/// Which corrections file to apply to a document.
#[derive(Debug, Clone, Copy)]
pub enum CorrectionsChoice<'a> {
    /// The service's file found next to the document or under the working directory
    /// (`specs/corrections/<service>.yaml`); its absence is a warning.
    Default,
    /// This file.
    File(&'a Path),
    /// None, on purpose.
    None,
}

/// One document, extracted.
#[derive(Debug)]
pub struct Extracted {
    /// The document as named by the caller (`specs/sources/x.txt`).
    pub document: String,
    /// The corrections file applied, repository-relative (`specs/corrections/mse.yaml`).
    pub corrections: Option<String>,
    pub extraction: Extraction,
    /// Findings about the run itself (a missing corrections file), before the extraction's.
    pub notices: Vec<Notice>,
    /// Whether `strict` finds the extraction failed (warnings, stale corrections, no
    /// corrections file).
    pub failed: bool,
}

/// A finding about the extraction run (not about a line of the document).
#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    /// The document it is about.
    pub document: String,
    pub severity: Severity,
    pub message: String,
}

impl std::fmt::Display for Notice {
    /// `document: warning: message`, as the extraction diagnostics read.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}: {}", self.document, self.severity, self.message)
    }
}

impl Extracted {
    /// The corrections name used in report lines.
    pub fn corrections_label(&self) -> &str {
        self.corrections.as_deref().unwrap_or("corrections")
    }
}

/// Why a document could not be extracted.
#[derive(Debug, thiserror::Error)]
pub enum ExtractFileError {
    #[error("{path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{document}: {source}")]
    Extract {
        document: String,
        source: super::ExtractError,
    },
    #[error(transparent)]
    Corrections(#[from] super::corrections::CorrectionsError),
}

/// Extracts the document at `document` with `corrections`.
pub fn extract_file(
    document: &Path,
    corrections: CorrectionsChoice<'_>,
    strict: bool,
) -> Result<Extracted, ExtractFileError> {
    let text = read(document)?;
    let service = detect_service(document, &text)?;
    let mut notices = Vec::new();
    let corrections_path = match corrections {
        CorrectionsChoice::None => None,
        CorrectionsChoice::File(p) => Some(p.to_path_buf()),
        CorrectionsChoice::Default => {
            let cwd = std::env::current_dir().unwrap_or_default();
            let lookup = super::corrections::locate(document, service, &cwd);
            if lookup.found.is_none() {
                let tried: Vec<String> = lookup
                    .tried
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect();
                notices.push(Notice {
                    document: document.display().to_string(),
                    severity: Severity::Warning,
                    message: format!(
                        "no corrections file for `{service}` (looked for {}); the \
                         spec lacks the project's reviewed corrections. Run apigen in the \
                         project, pass --corrections FILE, or --no-corrections to mean it",
                        tried.join(", ")
                    ),
                });
            }
            lookup.found
        }
    };
    let corrections_text = match &corrections_path {
        Some(p) => Some(read(p)?),
        None => None,
    };
    let mut out = extract_text(
        document,
        &text,
        corrections_path.as_deref().zip(corrections_text.as_deref()),
        strict,
    )?;
    let missing = !notices.is_empty();
    if strict && missing {
        notices.push(Notice {
            document: document.display().to_string(),
            severity: Severity::Error,
            message: "--strict: extracted without corrections".to_owned(),
        });
        out.failed = true;
    }
    out.notices = notices;
    Ok(out)
}

fn read(path: &Path) -> Result<String, ExtractFileError> {
    std::fs::read_to_string(path).map_err(|source| ExtractFileError::Read {
        path: path.to_owned(),
        source,
    })
}

/// The service a document describes, or an error naming the document.
pub fn detect_service(document: &Path, text: &str) -> Result<&'static str, ExtractFileError> {
    DocKind::detect(text)
        .map(DocKind::service_name)
        .ok_or_else(|| ExtractFileError::Extract {
            document: document.display().to_string(),
            source: super::ExtractError::UnknownDocument,
        })
}

/// `specs/corrections/<service>.yaml` next to the `specs/sources/` holding `document`.
pub fn default_corrections(document: &Path, service: &str) -> Option<PathBuf> {
    document
        .parent()
        .and_then(Path::parent)
        .map(|specs| specs.join("corrections").join(format!("{service}.yaml")))
}

/// Extracts a document's text with a corrections file's text (both already read, so a
/// caller can take them from anywhere, e.g. a git revision).
pub fn extract_text(
    document: &Path,
    text: &str,
    corrections: Option<(&Path, &str)>,
    strict: bool,
) -> Result<Extracted, ExtractFileError> {
    let file = match corrections {
        Some((p, t)) => Some(CorrectionsFile::parse(&p.display().to_string(), t)?),
        None => None,
    };
    let doc_name = repo_relative(document);
    let corr_name = corrections.map(|(p, _)| repo_relative(p));
    let extraction = super::extract(
        &doc_name,
        text,
        file.as_ref()
            .map(|f| (corr_name.as_deref().unwrap_or(""), f)),
    )
    .map_err(|source| ExtractFileError::Extract {
        document: document.display().to_string(),
        source,
    })?;
    let failed = strict
        && (!extraction.stale.is_empty()
            || !extraction.redundant.is_empty()
            || extraction
                .diagnostics
                .iter()
                .any(|d| d.severity >= Severity::Warning));
    Ok(Extracted {
        document: document.display().to_string(),
        corrections: corr_name,
        extraction,
        notices: Vec::new(),
        failed,
    })
}

/// `specs/sources/x.txt` for any path that ends in it, so specs do not record where the
/// checkout lives.
fn repo_relative(p: &Path) -> String {
    let comps: Vec<_> = p
        .components()
        .map(|c| c.as_os_str().to_string_lossy().to_string())
        .collect();
    match comps.iter().rposition(|c| c == "specs") {
        Some(i) => comps[i..].join("/"),
        None => p.display().to_string(),
    }
}

/// The documents under `root/specs/sources/` (`*.txt`), sorted, each with the service it
/// describes (`None`: not a known API reference).
pub fn sources(root: &Path) -> Result<Vec<(PathBuf, Option<DocKind>)>, ExtractFileError> {
    let dir = root.join("specs").join("sources");
    let mut docs: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map_err(|source| ExtractFileError::Read {
            path: dir.clone(),
            source,
        })?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    docs.sort();
    docs.into_iter()
        .map(|d| {
            let text = read(&d)?;
            let kind = DocKind::detect(&text);
            Ok((d, kind))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mse_document() -> String {
        let p = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../specs/sources/alibaba-mse-api-20210223.txt");
        std::fs::read_to_string(p).expect("the MSE document")
    }

    #[test]
    fn the_project_corrections_are_found_and_reported_by_name() {
        // A document kept outside the project gets the corrections of the project the
        // working directory is in (this checkout); no notice then.
        let dir = tempfile::tempdir().unwrap();
        let doc = dir.path().join("mse.txt");
        std::fs::write(&doc, mse_document()).unwrap();
        let x = extract_file(&doc, CorrectionsChoice::Default, false).unwrap();
        assert!(x.notices.is_empty(), "{:?}", x.notices);
        assert_eq!(x.corrections.as_deref(), Some("specs/corrections/mse.yaml"));
        assert_eq!(x.extraction.spec.service.name, "mse");
        // Without corrections: nothing applied, nothing to report about the run.
        let x = extract_file(&doc, CorrectionsChoice::None, true).unwrap();
        assert!(x.notices.is_empty() && x.corrections.is_none());
    }

    #[test]
    fn an_unknown_document_is_an_error_naming_it() {
        let e = extract_text(Path::new("notes.txt"), "hello", None, false).unwrap_err();
        assert!(matches!(e, ExtractFileError::Extract { .. }));
        assert!(
            e.to_string()
                .starts_with("notes.txt: not a known API reference"),
            "{e}"
        );
    }
}
