//! The `apigen` command line.

use crate::extract::{self, corrections::CorrectionsFile, DocKind, Severity};
use crate::spec::{load, model::Spec, validate};
use clap::{Parser, Subcommand, ValueEnum};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "apigen",
    version,
    about = "Cloud API reference documents → YAML specs → Rust crates"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Extract a spec from a vendor document (applies the service's corrections file).
    Extract {
        /// Document text (e.g. specs/sources/alibaba-mse-api-20210223.txt).
        document: PathBuf,
        /// Corrections file (default: specs/corrections/<service>.yaml when it exists).
        #[arg(long)]
        corrections: Option<PathBuf>,
        /// Write the spec here (default: standard output).
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// Treat warnings and stale corrections as failure.
        #[arg(long)]
        strict: bool,
        /// Do not apply any corrections file.
        #[arg(long, conflicts_with = "corrections")]
        no_corrections: bool,
    },
    /// Extract every document in specs/sources/ into specs/<service>.yaml.
    ExtractAll {
        /// Repository root (default: current directory).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Compare with the checked-in specs instead of writing; fail when they differ.
        #[arg(long)]
        check: bool,
        #[arg(long)]
        strict: bool,
    },
    /// Validate specs; print counts and diagnostics.
    Lint {
        #[arg(required = true)]
        specs: Vec<PathBuf>,
    },
    /// Flat listing of a spec's operations, parameters and response fields.
    Inspect {
        spec: PathBuf,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Print the JSON Schema of the spec format (specs/spec.schema.json).
    Schema {
        /// Write the schema here instead of standard output.
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// Compare with the file given by `-o` instead of writing; fail when it differs.
        #[arg(long, requires = "output")]
        check: bool,
    },
    /// Compare two versions of a service's spec and report each change by rule.
    ///
    /// Each side is a spec (`.yaml`), a document (`.txt`, extracted with the service's
    /// corrections) or a git revision of either (`HEAD~3:specs/x.yaml`).
    /// Exit codes: 0 nothing at or above `--fail-on`, 1 something is, 2 bad input.
    Diff {
        old: String,
        new: String,
        #[arg(long, value_enum, default_value_t = crate::diff::Format::Text)]
        format: crate::diff::Format,
        /// Exit with 1 when a change of this severity or worse is found.
        #[arg(long, value_enum)]
        fail_on: Option<crate::diff::FailOn>,
    },
    /// Export a spec as an OpenAPI 3.1 document (JSON).
    Openapi {
        spec: PathBuf,
        /// Write the document here (default: standard output).
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// Compare with the file given by `-o` instead of writing; fail when it differs.
        #[arg(long, requires = "output")]
        check: bool,
    },
    /// Generate the crates under generated/ from every spec in specs/.
    Generate {
        /// Repository root (default: current directory).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Compare with generated/ instead of writing; name the stale files and fail.
        #[arg(long)]
        check: bool,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Json,
}

/// Exit codes: 0 ok, 1 the check failed (diagnostics, stale output), 2 bad input/usage.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli.command) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

fn run(command: Command) -> Result<ExitCode, String> {
    match command {
        Command::Extract {
            document,
            corrections,
            output,
            strict,
            no_corrections,
        } => {
            let (spec, failed) =
                extract_one(&document, corrections.as_deref(), no_corrections, strict)?;
            let yaml = load::to_yaml(&spec);
            match output {
                Some(p) => write_file(&p, &yaml)?,
                None => print!("{yaml}"),
            }
            Ok(if failed {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            })
        }
        Command::ExtractAll {
            root,
            check,
            strict,
        } => extract_all(&root, check, strict),
        Command::Lint { specs } => Ok(lint(&specs)),
        Command::Inspect { spec, format } => {
            // Inspect only needs the shape; a spec with semantic errors is still listed.
            let spec = load::parse_file(&spec).map_err(|e| e.to_string())?;
            let listing = crate::inspect::Listing::of(&spec);
            match format {
                Format::Json => {
                    let json = serde_json::to_string_pretty(&listing).map_err(|e| e.to_string())?;
                    emit(&format!("{json}\n"))
                }
                Format::Text => emit(&listing.to_text()),
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Generate { root, check } => {
            let specs = crate::emit::load_specs(&root)?;
            let files = crate::emit::generate(&specs)?;
            if check {
                let stale = crate::emit::stale_files(&root, &files);
                for p in &stale {
                    eprintln!("stale: {} (run `apigen generate`)", p.display());
                }
                return Ok(if stale.is_empty() {
                    ExitCode::SUCCESS
                } else {
                    ExitCode::from(1)
                });
            }
            crate::emit::write(&root, &files)?;
            eprintln!("generated {} files from {} specs", files.len(), specs.len());
            Ok(ExitCode::SUCCESS)
        }
        Command::Openapi {
            spec,
            output,
            check,
        } => {
            let spec = load::load_file(&spec).map_err(|e| e.to_string())?;
            let text = crate::openapi::to_json_string(&crate::openapi::export(&spec));
            match (output, check) {
                (Some(p), true) => {
                    if std::fs::read_to_string(&p).unwrap_or_default() != text {
                        eprintln!("{}: stale: differs from `apigen openapi`", p.display());
                        return Ok(ExitCode::from(1));
                    }
                }
                (Some(p), false) => write_file(&p, &text)?,
                (None, _) => emit(&text),
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Schema { output, check } => {
            let schema = crate::spec::schema::json_schema();
            match (output, check) {
                (Some(p), true) => {
                    let current = std::fs::read_to_string(&p).unwrap_or_default();
                    if current != schema {
                        eprintln!("{}: stale: differs from `apigen schema`", p.display());
                        return Ok(ExitCode::from(1));
                    }
                }
                (Some(p), false) => write_file(&p, &schema)?,
                (None, _) => emit(&schema),
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Diff {
            old,
            new,
            format,
            fail_on,
        } => crate::diff::run(&old, &new, format, fail_on),
    }
}

/// Write to standard output; a closed pipe (`apigen inspect x | head`) is not an error,
/// and unlike `print!` it does not panic.
fn emit(text: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
}

/// `apigen lint`: per file a summary line and every problem as
/// `file:line:col: error|warning: path: message`. Exit 2 when a file is unreadable or
/// malformed (its error goes to standard error), else 1 when any problem is an error.
#[allow(clippy::result_large_err)] // see spec::load
fn lint(specs: &[PathBuf]) -> ExitCode {
    let mut worst = 0u8;
    for p in specs {
        let path = p.display().to_string();
        let parsed = load::read_file(p)
            .and_then(|text| load::parse_str(&path, &text).map(|spec| (text, spec)));
        let (text, spec) = match parsed {
            Ok(x) => x,
            Err(e) => {
                eprintln!("{e}");
                worst = 2;
                continue;
            }
        };
        let problems = validate::validate(&spec);
        let mut report = validate::summary(&path, &spec) + "\n";
        for located in load::locate_problems(&path, &text, &problems) {
            report.push_str(&format!("{located}\n"));
        }
        emit(&report);
        if problems.iter().any(|p| p.is_error()) {
            worst = worst.max(1);
        }
    }
    ExitCode::from(worst)
}

/// Extract one document; returns the spec and whether `--strict` finds it failed.
/// Diagnostics go to standard error as `document:line: severity: message`.
pub(crate) fn extract_one(
    document: &Path,
    corrections: Option<&Path>,
    no_corrections: bool,
    strict: bool,
) -> Result<(Spec, bool), String> {
    let text =
        std::fs::read_to_string(document).map_err(|e| format!("{}: {e}", document.display()))?;
    let service = detect_service(document, &text)?;
    let corrections_path = match (corrections, no_corrections) {
        (_, true) => None,
        (Some(p), _) => Some(p.to_path_buf()),
        (None, _) => default_corrections(document, service).filter(|p| p.exists()),
    };
    let corrections_text = match &corrections_path {
        Some(p) => Some(std::fs::read_to_string(p).map_err(|e| format!("{}: {e}", p.display()))?),
        None => None,
    };
    extract_text(
        document,
        &text,
        corrections_path.as_deref().zip(corrections_text.as_deref()),
        strict,
    )
}

/// The service a document describes, or an error naming the document.
pub(crate) fn detect_service(document: &Path, text: &str) -> Result<&'static str, String> {
    DocKind::detect(text)
        .map(DocKind::service_name)
        .ok_or_else(|| {
            format!(
                "{}: {}",
                document.display(),
                extract::ExtractError::UnknownDocument
            )
        })
}

/// `specs/corrections/<service>.yaml` next to the `specs/sources/` holding `document`.
pub(crate) fn default_corrections(document: &Path, service: &str) -> Option<PathBuf> {
    document
        .parent()
        .and_then(Path::parent)
        .map(|specs| specs.join("corrections").join(format!("{service}.yaml")))
}

/// Extract a document's text with a corrections file's text (both already read, so a
/// caller can take them from anywhere, e.g. a git revision). Returns the spec and whether
/// `strict` finds it failed; diagnostics go to standard error.
pub(crate) fn extract_text(
    document: &Path,
    text: &str,
    corrections: Option<(&Path, &str)>,
    strict: bool,
) -> Result<(Spec, bool), String> {
    let file = match corrections {
        Some((p, t)) => Some(CorrectionsFile::parse(&p.display().to_string(), t)?),
        None => None,
    };
    let doc_name = repo_relative(document);
    let corr_name = corrections.map(|(p, _)| repo_relative(p));
    let extraction = extract::extract(
        &doc_name,
        text,
        file.as_ref()
            .map(|f| (corr_name.as_deref().unwrap_or(""), f)),
    )
    .map_err(|e| format!("{}: {e}", document.display()))?;
    let mut failed = false;
    for d in &extraction.diagnostics {
        eprintln!("{}:{d}", document.display());
        failed |= strict && d.severity >= Severity::Warning;
    }
    for s in &extraction.stale {
        eprintln!(
            "{}: warning: stale correction #{} at `{}`: {}",
            corr_name.as_deref().unwrap_or("corrections"),
            s.index + 1,
            s.at,
            s.why
        );
        failed |= strict;
    }
    Ok((extraction.spec, failed))
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

fn extract_all(root: &Path, check: bool, strict: bool) -> Result<ExitCode, String> {
    let sources = root.join("specs").join("sources");
    let mut docs: Vec<PathBuf> = std::fs::read_dir(&sources)
        .map_err(|e| format!("{}: {e}", sources.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    docs.sort();
    let mut failed = false;
    for doc in docs {
        let text = std::fs::read_to_string(&doc).map_err(|e| format!("{}: {e}", doc.display()))?;
        let Some(kind) = DocKind::detect(&text) else {
            eprintln!("{}: skipped: not a known API reference", doc.display());
            continue;
        };
        let (spec, f) = extract_one(&doc, None, false, strict)?;
        let yaml = load::to_yaml(&spec);
        failed |= f;
        let out = root
            .join("specs")
            .join(format!("{}.yaml", kind.service_name()));
        if check {
            let current = std::fs::read_to_string(&out).unwrap_or_default();
            if current != yaml {
                eprintln!(
                    "{}: stale: differs from `apigen extract {}`",
                    out.display(),
                    doc.display()
                );
                failed = true;
            }
        } else {
            write_file(&out, &yaml)?;
            eprintln!("wrote {}", out.display());
        }
    }
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn write_file(p: &Path, text: &str) -> Result<(), String> {
    if let Some(dir) = p.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    std::fs::write(p, text).map_err(|e| format!("{}: {e}", p.display()))
}
