//! The extractor: vendor document text → spec IR (+ corrections) with diagnostics.

pub mod alibaba;
pub mod census;
pub mod corrections;
pub mod examples;
pub mod files;
pub mod huawei;
pub mod placeholders;
pub mod prose;
pub mod report;
pub mod tables;
pub mod text;

use crate::spec::model::Spec;
use corrections::{CorrectionsFile, Stale};
use sha2::{Digest, Sha256};
use std::fmt;
use tables::Document;

/// Which of the known document families a text is. Each family has its own table
/// vocabulary (see SURVEY.md); detection reads the title page, not the file name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocKind {
    /// Alibaba Cloud MSE (Chinese, RPC).
    Mse,
    /// Alibaba retailcloud / 聚石塔 OpenAPI (Chinese, RPC).
    Retailcloud,
    /// Alibaba Message Queue for Apache Kafka (English, RPC).
    Alikafka,
    /// Huawei Cloud Service Engine (English, REST).
    Cse,
    /// Huawei DMS for Kafka (Chinese, REST, V2 + V1).
    DmsKafka,
}

impl DocKind {
    /// Recognise a document from its first lines.
    pub fn detect(text: &str) -> Option<DocKind> {
        // Whitespace folded: title pages wrap names (`Message Queue for Apache⏎Kafka`).
        let head: String = text
            .lines()
            .take(40)
            .flat_map(str::split_whitespace)
            .collect::<Vec<_>>()
            .join(" ");
        if head.contains("微服务引擎") {
            Some(DocKind::Mse)
        } else if head.contains("聚石塔") {
            Some(DocKind::Retailcloud)
        } else if head.contains("Message Queue for Apache Kafka") {
            Some(DocKind::Alikafka)
        } else if head.contains("Cloud Service Engine") {
            Some(DocKind::Cse)
        } else if head.contains("分布式消息服务") && head.contains("Kafka") {
            Some(DocKind::DmsKafka)
        } else {
            None
        }
    }

    /// The service name: spec file `specs/<name>.yaml`, crates `<name>-client`, ...
    pub fn service_name(self) -> &'static str {
        match self {
            DocKind::Mse => "mse",
            DocKind::Retailcloud => "retailcloud",
            DocKind::Alikafka => "alikafka",
            DocKind::Cse => "cse",
            DocKind::DmsKafka => "dms-kafka",
        }
    }

    pub fn is_alibaba(self) -> bool {
        matches!(
            self,
            DocKind::Mse | DocKind::Retailcloud | DocKind::Alikafka
        )
    }
}

pub use crate::severity::Severity;

/// A doubt about the document, pointing at its line.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub line: Option<usize>,
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sev = self.severity;
        match self.line {
            Some(l) => write!(f, "{l}: {sev}: {}", self.message),
            None => write!(f, "{sev}: {}", self.message),
        }
    }
}

/// Collects diagnostics while extracting.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    pub items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn push(
        &mut self,
        severity: Severity,
        line: impl Into<Option<usize>>,
        message: impl Into<String>,
    ) {
        self.items.push(Diagnostic {
            severity,
            line: line.into(),
            message: message.into(),
        });
    }
    pub fn warn(&mut self, line: impl Into<Option<usize>>, message: impl Into<String>) {
        self.items.push(Diagnostic {
            severity: Severity::Warning,
            line: line.into(),
            message: message.into(),
        });
    }
    pub fn note(&mut self, line: impl Into<Option<usize>>, message: impl Into<String>) {
        self.items.push(Diagnostic {
            severity: Severity::Note,
            line: line.into(),
            message: message.into(),
        });
    }
    pub fn error(&mut self, line: impl Into<Option<usize>>, message: impl Into<String>) {
        self.items.push(Diagnostic {
            severity: Severity::Error,
            line: line.into(),
            message: message.into(),
        });
    }
}

/// The result of extracting one document.
#[derive(Debug, Clone)]
pub struct Extraction {
    pub spec: Spec,
    pub diagnostics: Vec<Diagnostic>,
    /// Corrections that did not apply.
    pub stale: Vec<Stale>,
    /// What the description prose added (enums, defaults, limits).
    pub prose: prose::Census,
    /// Fields with an enum, default or limits after the tables, the prose and the corrections.
    pub sources: Box<census::Sources>,
    /// Corrections that apply but set keys to what the spec already holds (the extractor now
    /// reads them): drop those keys.
    pub redundant: Vec<Stale>,
}

#[derive(Debug)]
pub enum ExtractError {
    /// The text is not one of the document families the extractor knows.
    UnknownDocument,
    /// The corrections file is for another service.
    WrongCorrections {
        expected: String,
        found: String,
    },
    Corrections(corrections::CorrectionsError),
}

impl fmt::Display for ExtractError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExtractError::UnknownDocument => f.write_str(
                "not a known API reference (expected the MSE, retailcloud, Alibaba Kafka, CSE or DMS Kafka document)",
            ),
            ExtractError::WrongCorrections { expected, found } => {
                write!(f, "corrections are for service `{found}`, the document is `{expected}`")
            }
            ExtractError::Corrections(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for ExtractError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ExtractError::Corrections(e) => Some(e),
            _ => None,
        }
    }
}

/// Extract a spec from a document's text. `document` is the path recorded in the spec
/// (relative to the repository root); `corrections` is `(path, parsed file)`.
pub fn extract(
    document: &str,
    text: &str,
    corrections: Option<(&str, &CorrectionsFile)>,
) -> Result<Extraction, ExtractError> {
    // A byte-order mark (an editor's or exporter's) is not part of the title page.
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    let kind = DocKind::detect(body).ok_or(ExtractError::UnknownDocument)?;
    let doc = Document::new(body);
    let mut diags = Diagnostics::default();
    check_row_shapes(&doc, &mut diags);
    let mut spec = if kind.is_alibaba() {
        alibaba::extract(&doc, kind, &mut diags)
    } else {
        huawei::extract(&doc, kind, &mut diags)
    };
    let table_counts = census::Counts::of(&spec);
    let prose = prose::apply(&mut spec, &mut diags);
    let prose_counts = census::Counts::of(&spec);
    prose::unwrap_example_values(&mut spec, &mut diags);
    placeholders::mark(&mut spec, &mut diags);
    spec.service.source.document = document.to_string();
    spec.service.source.sha256 = format!("{:x}", Sha256::digest(text.as_bytes()));
    let mut stale = Vec::new();
    let mut redundant = Vec::new();
    if let Some((path, file)) = corrections {
        if file.service != spec.service.name {
            return Err(ExtractError::WrongCorrections {
                expected: spec.service.name.clone(),
                found: file.service.clone(),
            });
        }
        spec.service.source.corrections = Some(path.to_string());
        redundant = corrections::redundant_keys(&spec, file);
        stale = corrections::apply(&mut spec, file).map_err(ExtractError::Corrections)?;
    }
    assign_products(&mut spec);
    diags
        .items
        .sort_by_key(|d| (d.line.unwrap_or(0), d.severity));
    let sources = census::Sources {
        table: table_counts,
        prose: prose_counts,
        corrected: census::Counts::of(&spec),
    };
    Ok(Extraction {
        spec,
        diagnostics: diags.items,
        stale,
        prose,
        sources: Box::new(sources),
        redundant,
    })
}

/// Operations of another product's chapter (`service.products[].group`, from a reviewed
/// correction: the documents do not state the product's code, version or endpoints) belong
/// to it and are sent with its API version, a chapter added by a revision included.
fn assign_products(spec: &mut Spec) {
    let products = spec.service.products.clone();
    for op in &mut spec.operations {
        if let Some(p) = products.iter().find(|p| p.group == op.group) {
            op.product = Some(p.code.clone());
            op.version = Some(p.api_version.clone());
        }
    }
}

/// A row with more or fewer cells than its header is a broken table (a lost tab, a lost
/// page); the vendor extractors read cells by header name, so point at the row here once.
fn check_row_shapes(doc: &Document, diags: &mut Diagnostics) {
    for &line in doc.respaced_tables() {
        diags.note(
            line,
            "table printed with runs of spaces for tabs: read with the spaces as cell boundaries (check rows with empty cells)",
        );
    }
    for table in doc.tables() {
        for &line in &table.headerless_continuations {
            diags.warn(
                line,
                format!(
                    "the table of line {} continues here after a break without its header: read as its rows (check that no row was lost)",
                    table.header_line
                ),
            );
        }
        for row in &table.rows {
            if row.cells.len() != table.header.len() {
                diags.warn(
                    row.line,
                    format!(
                        "table row has {} cells, its header (line {}) has {}: a cell was lost or split",
                        row.cells.len(),
                        table.header_line,
                        table.header.len()
                    ),
                );
            }
        }
    }
}
