//! The `apigen` command line.

use crate::extract::files::{self, CorrectionsChoice, Extracted};
use crate::spec::{load, model::Spec, validate};
use crate::{diff, extract};
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
    /// Print every extraction note and warning (default: a summary per document).
    #[arg(short, long, global = true)]
    verbose: bool,
    /// Also write every extraction diagnostic to this file.
    #[arg(long, global = true)]
    log: Option<PathBuf>,
}

/// How extraction diagnostics are reported (`-v`, `--log`), set once from the command line.
static REPORTING: std::sync::OnceLock<(bool, Option<PathBuf>)> = std::sync::OnceLock::new();

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
    /// Print the table of fields with enums, defaults and limits per document, by source
    /// (table columns, prose rules, corrections), and the corrections by kind of edit, as
    /// specs/README.md holds them.
    Census {
        /// Repository root (default: current directory).
        #[arg(long, default_value = ".")]
        root: PathBuf,
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
    /// List the resources the stateful mock infers from a spec (and its reviewed resource file,
    /// `specs/resources/<service>.yaml`): per operation its role, identity, scope, items,
    /// paging, documented errors and lifecycle. `--format json` prints the plans the mock runs.
    Resources {
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
        #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
        format: DiffFormat,
        /// Exit with 1 when a change of this severity or worse is found.
        #[arg(long, value_enum)]
        fail_on: Option<FailOn>,
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
    /// Serve the mock of each spec straight from the YAML (no compile step).
    ///
    /// Same validation, answers, signature verification, recording and stateful mode as the
    /// generated `<service>-mock` binaries. Prints one line per service, `<service> <base URL>`,
    /// then serves until Ctrl-C or SIGTERM. Several specs share one port (the service is chosen
    /// by the first label of the Host header, `mse.localhost:4010`, or by the first path
    /// segment, `/mse/…`), or get one port each with `--port-each`.
    Mock {
        #[arg(required = true)]
        specs: Vec<PathBuf>,
        /// Address to bind; with `--port-each`, the first service's (the next get the
        /// following ports; port 0: free ports).
        #[arg(long, default_value = crate::mock::DEFAULT_LISTEN)]
        listen: String,
        /// One port per service instead of one shared port.
        #[arg(long)]
        port_each: bool,
        /// Create/list/describe/update/delete operations see each other's effects.
        #[arg(long)]
        stateful: bool,
        /// Verify request signatures with this access key (`ID:SECRET`).
        #[arg(long, value_parser = parse_credentials)]
        credentials: Option<apigen_runtime::server::Verifier>,
        /// Seed of generated values and failure draws.
        #[arg(long, default_value_t = 0)]
        seed: u64,
        /// What a request that breaks the spec gets: `strict`, the vendor's 4xx error, or
        /// `report`, the normal answer, with every violation (and its document line) in the
        /// recorded request and the `x-apigen-violations` response header.
        #[arg(long, default_value = "strict", value_parser = parse_validation)]
        validation: apigen_runtime::server::validate::Validation,
    },
    /// Generate the crates: from the given specs into `--out DIR`, or (no specs) from every
    /// spec in specs/ into generated/ of the repository at `--root`.
    ///
    /// Per spec: `<prefix><service>-models`, `-client`, `-server` and `-mock` crate directories,
    /// and `openapi/<service>.json`. With `--out`, the runtime dependency is
    /// `--runtime-version` (default: this apigen's runtime release), `--runtime-path` or
    /// `--runtime-git`. The options given with `--out` are recorded in DIR/apigen.yaml; the
    /// next generation into DIR reuses those it is not given.
    Generate {
        /// Spec files (with `--out`); none: every specs/*.yaml under `--root`.
        #[arg(requires = "out")]
        specs: Vec<PathBuf>,
        /// Write the crates into this directory (created if needed).
        #[arg(long, requires = "specs")]
        out: Option<PathBuf>,
        /// Repository root (default: current directory), without `--out`.
        #[arg(long, default_value = ".", conflicts_with = "out")]
        root: PathBuf,
        /// The runtime from a local checkout (its `codegen/runtime` directory).
        #[arg(long, requires = "out", conflicts_with_all = ["runtime_git", "runtime_version"])]
        runtime_path: Option<PathBuf>,
        /// The runtime from a git repository (cargo finds `apigen-runtime` in it).
        #[arg(long, requires = "out", conflicts_with = "runtime_version")]
        runtime_git: Option<String>,
        /// With `--runtime-git`: pin a revision, tag or branch (`rev=abc123`, `tag=v0.1.0`).
        #[arg(long, requires = "runtime_git", value_parser = parse_pin)]
        runtime_pin: Option<(&'static str, String)>,
        /// The runtime from the registry by version requirement (default: this apigen's
        /// runtime release).
        #[arg(long, requires = "out")]
        runtime_version: Option<String>,
        /// Prefix of every package name (`acme-` gives `acme-mse-client`; the Rust crate name
        /// stays `mse_client`).
        #[arg(long, requires = "out")]
        prefix: Option<String>,
        /// Also write DIR/Cargo.toml, a workspace of the generated crates.
        #[arg(long, requires = "out")]
        workspace: bool,
        /// Release a regeneration: the spec DIR's crates were generated from (a file, a
        /// document or `rev:path`, as `apigen diff` takes). `apigen diff OLD SPEC` decides the
        /// version bump; CHANGELOG.md gains a section. Once per service.
        #[arg(long, requires = "out", value_name = "OLD_SPEC")]
        previous: Vec<String>,
        /// License (SPDX expression) of the generated crates (default: Apache-2.0, apigen's).
        #[arg(long, requires = "out")]
        license: Option<String>,
        /// `repository` URL of the generated crates' manifests.
        #[arg(long, requires = "out")]
        repository: Option<String>,
        /// `homepage` URL of the generated crates' manifests.
        #[arg(long, requires = "out")]
        homepage: Option<String>,
        /// Compare with what is on disk instead of writing; name the stale files and fail.
        #[arg(long)]
        check: bool,
        /// Print the time spent per phase (load, lower, emit, print, reuse, rustfmt, disk) to
        /// stderr.
        #[arg(long)]
        timings: bool,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Json,
}

/// `apigen diff --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum DiffFormat {
    Text,
    Markdown,
    Json,
}

/// `apigen diff --fail-on`: the least severity that makes the diff exit with 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum FailOn {
    Breaking,
    NonBreaking,
}

/// Exit codes: 0 ok, 1 the check failed (diagnostics, stale output), 2 bad input/usage.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Some(log) = &cli.log {
        if let Err(e) = std::fs::write(log, "") {
            eprintln!("error: {}: {e}", log.display());
            return ExitCode::from(2);
        }
    }
    let _ = REPORTING.set((cli.verbose, cli.log));
    match run(cli.command) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

/// Why a command could not run: the layers' typed errors, which the CLI alone turns into text
/// (`error: …` on standard error, exit code 2).
#[derive(Debug, thiserror::Error)]
enum CliError {
    #[error(transparent)]
    Io(#[from] crate::error::IoError),
    #[error(transparent)]
    Extract(#[from] crate::extract::files::ExtractFileError),
    #[error(transparent)]
    Resources(#[from] crate::infer::resources::ResourcesError),
    #[error(transparent)]
    Options(#[from] crate::emit::options::OptionsError),
    #[error(transparent)]
    Version(#[from] crate::emit::release::VersionError),
    #[error(transparent)]
    Release(#[from] crate::emit::release::ReleaseError),
    #[error(transparent)]
    Spec(Box<crate::spec::load::LoadError>),
    #[error(transparent)]
    Lower(#[from] crate::emit::LowerError),
    #[error(transparent)]
    Generate(#[from] crate::emit::GenerateError),
    #[error(transparent)]
    Diff(#[from] crate::diff::DiffError),
    #[error(transparent)]
    Mock(#[from] crate::mock::MockError),
    #[error("{}: no Cargo.toml (expected the runtime crate, codegen/runtime of an apigen checkout)", .0.display())]
    NoRuntimeCrate(PathBuf),
    #[error("{0:?}: not a usable git URL or version requirement")]
    BadRuntimeSource(String),
    #[error("two specs describe service `{0}`; generate them into different directories")]
    SameService(String),
    #[error("--{option}: {value:?} is not usable")]
    BadMeta { option: &'static str, value: String },
    #[error("{}: exists and was not written by apigen; add the generated crates to it instead of --workspace", .0.display())]
    ForeignWorkspace(PathBuf),
    #[error("--prefix {0:?}: a package-name prefix takes ASCII letters, digits, - and _, starting with a letter")]
    BadPrefix(String),
    /// Printing a listing as JSON.
    #[error("JSON output: {0}")]
    Json(#[from] serde_json::Error),
}

impl From<load::LoadError> for CliError {
    fn from(e: load::LoadError) -> Self {
        CliError::Spec(Box::new(e))
    }
}

fn run(command: Command) -> Result<ExitCode, CliError> {
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
        Command::Census { root } => {
            let rows = extract::census::of_repository(&root)?;
            let edits = extract::census::edits_of_repository(&root)?;
            emit(&format!(
                "{}\n{}",
                extract::census::table(&rows),
                extract::census::edits_table(&edits)
            ));
            Ok(ExitCode::SUCCESS)
        }
        Command::Lint { specs } => Ok(lint(&specs)),
        Command::Inspect { spec, format } => {
            // Inspect only needs the shape; a spec with semantic errors is still listed.
            let spec = load::parse_file(&spec)?;
            let listing = crate::inspect::Listing::of(&spec);
            match format {
                Format::Json => {
                    let json = serde_json::to_string_pretty(&listing)?;
                    emit(&format!("{json}\n"))
                }
                Format::Text => emit(&listing.to_text()),
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Resources { spec: path, format } => {
            let spec = load::load_file(&path)?;
            let plans = crate::infer::plans_for(&path, &spec)?;
            match format {
                Format::Json => {
                    let json = serde_json::to_string_pretty(&plans)?;
                    emit(&format!("{json}\n"))
                }
                Format::Text => emit(&crate::emit::plans_table::table(&plans)),
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Generate {
            specs,
            out,
            root,
            runtime_path,
            runtime_git,
            runtime_pin,
            runtime_version,
            prefix,
            workspace,
            previous,
            license,
            repository,
            homepage,
            check,
            timings,
        } => {
            use crate::emit::timings::{self, time, Phase};
            if timings {
                timings::enable();
            }
            crate::emit::small_pages();
            // rustfmt and the cache identities, found while the specs load.
            crate::emit::format::prefetch();
            crate::emit::stamp::prefetch();
            let report = |timings: bool| {
                if timings {
                    eprint!("{}", timings::report());
                }
            };
            let (root, specs, generation, owned) = match out {
                None => {
                    let specs = time(Phase::Load, || crate::emit::load_specs(&root))?;
                    // The files the last generation formatted from the same tokens, reused
                    // (see emit::format).
                    let generation = crate::emit::generate_stamped(
                        &specs,
                        &crate::emit::Layout::in_repo(),
                        &root,
                    )?;
                    (root, specs, generation, vec![PathBuf::from("generated")])
                }
                Some(out) => {
                    // What the last generation into DIR was given; the command line wins.
                    let recorded = crate::emit::options::load(&out)?;
                    let runtime = match (runtime_path, runtime_git, runtime_version) {
                        (Some(p), _, _) => {
                            let out_abs = crate::emit::layout::absolute(&out);
                            let rt = crate::emit::layout::absolute(&p);
                            if !rt.join("Cargo.toml").is_file() {
                                return Err(CliError::NoRuntimeCrate(p));
                            }
                            crate::emit::RuntimeDep::Path(crate::emit::layout::relative_to(
                                &rt, &out_abs,
                            ))
                        }
                        (None, Some(url), _) => crate::emit::RuntimeDep::Git {
                            url,
                            pin: runtime_pin,
                        },
                        (None, None, Some(req)) => crate::emit::RuntimeDep::Version(req),
                        (None, None, None) => match &recorded {
                            // `options::load` checked it names one.
                            Some(r) => r.runtime.dep().map_err(|source| {
                                crate::emit::options::OptionsError::Runtime {
                                    path: out.join(crate::emit::options::FILE),
                                    source,
                                }
                            })?,
                            None => crate::emit::RuntimeDep::default(),
                        },
                    };
                    let prefix = prefix
                        .or_else(|| recorded.as_ref().map(|r| r.prefix.clone()))
                        .unwrap_or_default();
                    let meta = recorded.as_ref().map(|r| r.meta()).unwrap_or_default();
                    let license = license.unwrap_or(meta.license);
                    let repository = repository.or(meta.repository);
                    let homepage = homepage.or(meta.homepage);
                    let workspace = workspace || recorded.as_ref().is_some_and(|r| r.workspace);
                    check_prefix(&prefix)?;
                    if let crate::emit::RuntimeDep::Git { url: t, .. }
                    | crate::emit::RuntimeDep::Version(t) = &runtime
                    {
                        if t.is_empty() || t.contains(['"', '\\', '\n']) {
                            return Err(CliError::BadRuntimeSource(t.clone()));
                        }
                    }
                    // Recorded by file name, so output does not depend on where it ran.
                    let named: Vec<(String, PathBuf)> = specs
                        .iter()
                        .map(|p| {
                            let name = p
                                .file_name()
                                .map(|n| n.to_string_lossy().into_owned())
                                .unwrap_or_else(|| p.display().to_string());
                            (name, p.clone())
                        })
                        .collect();
                    let specs = time(Phase::Load, || crate::emit::load_inputs(&named))?;
                    let mut seen = std::collections::BTreeSet::new();
                    for crate::emit::SpecInput { spec: s, .. } in &specs {
                        if !seen.insert(s.service.name.clone()) {
                            return Err(CliError::SameService(s.service.name.clone()));
                        }
                    }
                    let mut layout = crate::emit::Layout::out_of_tree(runtime, &prefix);
                    for (what, v) in [
                        ("license", Some(&license)),
                        ("repository", repository.as_ref()),
                        ("homepage", homepage.as_ref()),
                    ] {
                        if v.is_some_and(|v| v.trim().is_empty() || v.contains(['\n', '\r'])) {
                            return Err(CliError::BadMeta {
                                option: what,
                                value: v.cloned().unwrap_or_default(),
                            });
                        }
                    }
                    layout.meta = crate::emit::layout::PackageMeta {
                        license,
                        repository,
                        homepage,
                    };
                    layout.releases = releases(&out, &layout, &specs, &previous)?;
                    let mut generation = crate::emit::generate_stamped(&specs, &layout, &out)?;
                    let files = &mut generation.files;
                    let options = crate::emit::options::Recorded::new(
                        &layout.runtime,
                        &layout.prefix,
                        &layout.meta,
                        workspace,
                    );
                    files.push(crate::emit::GeneratedFile {
                        path: PathBuf::from(crate::emit::options::FILE),
                        contents: options.to_yaml(),
                    });
                    let owned = crate::emit::crate_dirs(files);
                    if workspace {
                        let manifest = out.join("Cargo.toml");
                        match std::fs::read_to_string(&manifest) {
                            Ok(t) if !t.starts_with(crate::emit::WORKSPACE_MARKER) => {
                                return Err(CliError::ForeignWorkspace(manifest))
                            }
                            _ => files.push(crate::emit::workspace_manifest(files)),
                        }
                    }
                    (out, specs, generation, owned)
                }
            };
            let files = &generation.files;
            if check {
                let stale = time(Phase::Disk, || {
                    crate::emit::stale_files_in(&root, files, &owned)
                });
                for p in &stale {
                    eprintln!("stale: {} (run `apigen generate`)", root.join(p).display());
                }
                report(timings);
                if !stale.is_empty() {
                    return Ok(ExitCode::from(1));
                }
                // What is on disk is what the stamp records: the next run may take it.
                generation.stamp.write(&root);
                return Ok(ExitCode::SUCCESS);
            }
            time(Phase::Disk, || crate::emit::write_in(&root, files, &owned))?;
            generation.stamp.write(&root);
            report(timings);
            eprintln!(
                "generated {} files from {} specs into {}",
                files.len(),
                specs.len(),
                root.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Mock {
            specs,
            listen,
            port_each,
            stateful,
            credentials,
            seed,
            validation,
        } => Ok(crate::mock::run(crate::mock::MockOptions {
            specs,
            listen,
            port_each,
            stateful,
            verifier: credentials,
            seed,
            validation,
        })?),
        Command::Openapi {
            spec,
            output,
            check,
        } => {
            let spec_path = spec.to_string_lossy().into_owned();
            let spec = load::load_file(&spec)?;
            let sm = crate::emit::lower(&spec_path, &spec)?;
            let text = crate::emit::openapi::to_json_string(&crate::emit::openapi::export(&sm));
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
        } => {
            let fail_on = fail_on.map(|f| match f {
                FailOn::Breaking => diff::rules::Severity::Breaking,
                FailOn::NonBreaking => diff::rules::Severity::NonBreaking,
            });
            let outcome = diff::run(&old, &new, fail_on)?;
            for x in &outcome.extracted {
                report_extraction(x)?;
            }
            let (format, colour) = match format {
                DiffFormat::Text => {
                    use std::io::IsTerminal;
                    let colour =
                        std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
                    (diff::Format::Text, colour)
                }
                DiffFormat::Markdown => (diff::Format::Markdown, false),
                DiffFormat::Json => (diff::Format::Json, false),
            };
            emit(&outcome.render(format, colour));
            Ok(if outcome.failed {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            })
        }
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
fn extract_one(
    document: &Path,
    corrections: Option<&Path>,
    no_corrections: bool,
    strict: bool,
) -> Result<(Spec, bool), CliError> {
    let choice = match (corrections, no_corrections) {
        (_, true) => CorrectionsChoice::None,
        (Some(p), _) => CorrectionsChoice::File(p),
        (None, _) => CorrectionsChoice::Default,
    };
    let extracted = files::extract_file(document, choice, strict)?;
    report_extraction(&extracted)?;
    Ok((extracted.extraction.spec, extracted.failed))
}

/// Prints what extracting a document found: the run's notices, then the summary (or with
/// `-v` every diagnostic) on standard error, every diagnostic to the `--log` file.
fn report_extraction(x: &Extracted) -> Result<(), crate::error::IoError> {
    let (verbose, log) = REPORTING.get().cloned().unwrap_or_default();
    let (doc, corr) = (x.document.as_str(), x.corrections_label());
    let details = extract::report::details(doc, corr, &x.extraction);
    if let Some(log) = log {
        use std::io::Write;
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(&log)
            .map_err(|e| crate::error::IoError::new(&log, e))?;
        for l in &details {
            writeln!(f, "{l}").map_err(|e| crate::error::IoError::new(&log, e))?;
        }
    }
    let lines = if verbose {
        details
    } else {
        let mut s = extract::report::summary(doc, corr, &x.extraction);
        if s.len() > 1 || !x.extraction.diagnostics.is_empty() {
            s.push("  (every diagnostic: `-v` or `--log FILE`)".to_string());
        }
        s
    };
    for n in &x.notices {
        eprintln!("{n}");
    }
    for l in lines {
        eprintln!("{l}");
    }
    Ok(())
}

fn extract_all(root: &Path, check: bool, strict: bool) -> Result<ExitCode, CliError> {
    let mut failed = false;
    for (doc, kind) in files::sources(root)? {
        let Some(kind) = kind else {
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

/// An option value clap's parsers reject (clap prints it with the option's name).
#[derive(Debug, thiserror::Error)]
enum ArgError {
    #[error("expected ID:SECRET")]
    Credentials,
    #[error("expected strict or report, got {0:?}")]
    Validation(String),
    #[error("expected rev=…, tag=… or branch=…, got {0:?}")]
    PinForm(String),
    #[error("{0:?}: expected rev, tag or branch")]
    PinKind(String),
    #[error("{0:?}: the value must be non-empty and have no quotes")]
    PinValue(String),
}

fn parse_credentials(s: &str) -> Result<apigen_runtime::server::Verifier, ArgError> {
    apigen_runtime::server::Verifier::parse(s).ok_or(ArgError::Credentials)
}

fn parse_validation(s: &str) -> Result<apigen_runtime::server::validate::Validation, ArgError> {
    apigen_runtime::server::validate::Validation::parse(s)
        .ok_or_else(|| ArgError::Validation(s.to_owned()))
}

/// `--runtime-pin rev=…|tag=…|branch=…`.
fn parse_pin(s: &str) -> Result<(&'static str, String), ArgError> {
    let (k, v) = s
        .split_once('=')
        .ok_or_else(|| ArgError::PinForm(s.to_owned()))?;
    let k = match k {
        "rev" => "rev",
        "tag" => "tag",
        "branch" => "branch",
        other => return Err(ArgError::PinKind(other.to_owned())),
    };
    if v.is_empty() || v.contains('"') {
        return Err(ArgError::PinValue(s.to_owned()));
    }
    Ok((k, v.to_owned()))
}

/// A package-name prefix: ASCII letters, digits, `-` and `_`, starting with a letter.
/// The version and changelog of each spec's crates in `out`: what they record, or the first
/// release, or (with a `--previous` spec of the service) the next release.
fn releases(
    out: &Path,
    layout: &crate::emit::Layout,
    specs: &[crate::emit::SpecInput],
    previous: &[String],
) -> Result<
    std::collections::BTreeMap<String, crate::emit::release::Release>,
    crate::emit::release::ReleaseError,
> {
    use crate::emit::release;
    let mut olds: Vec<(String, Spec)> = Vec::new();
    for arg in previous {
        let spec = crate::diff::input::load(arg)
            .map_err(|e| release::ReleaseError::PreviousInput {
                arg: arg.clone(),
                source: Box::new(e),
            })?
            .spec()
            .clone();
        if !specs
            .iter()
            .any(|s| s.spec.service.name == spec.service.name)
        {
            return Err(release::ReleaseError::PreviousUnknown {
                arg: arg.clone(),
                service: spec.service.name.clone(),
            });
        }
        if olds
            .iter()
            .any(|(_, o)| o.service.name == spec.service.name)
        {
            return Err(release::ReleaseError::PreviousTwice {
                arg: arg.clone(),
                service: spec.service.name.clone(),
            });
        }
        // Recorded in the changelog: a file by its name (not where it happened to be).
        let label = match Path::new(arg).file_name() {
            Some(n) if Path::new(arg).is_file() => n.to_string_lossy().into_owned(),
            _ => arg.clone(),
        };
        olds.push((label, spec));
    }
    let mut out_releases = std::collections::BTreeMap::new();
    for crate::emit::SpecInput { name, spec, .. } in specs {
        let svc = &spec.service.name;
        let dir = out.join(layout.crate_dir(svc, "models"));
        let recorded = release::recorded(&dir);
        let sha = release::spec_sha256(spec);
        let old = olds.iter().find(|(_, o)| o.service.name == *svc);
        let rel = match (recorded, old) {
            (None, None) => release::initial(spec, release::INITIAL_VERSION),
            (None, Some((label, _))) => {
                return Err(release::ReleaseError::NoPreviousCrates {
                    label: label.clone(),
                    dir,
                })
            }
            (Some(r), None) => {
                if !r.spec_sha256.is_empty() && r.spec_sha256 != sha {
                    return Err(release::ReleaseError::OtherSpec {
                        dir,
                        service: svc.clone(),
                        version: r.version,
                    });
                }
                if r.api_generation < release::API_GENERATION {
                    // Same spec, older generator: its Rust API changed, so release it anew.
                    let diff = crate::diff::Diff::new(name, spec, name, spec);
                    let (next, _) = release::next(&r, spec, &diff)?;
                    eprintln!(
                        "{svc}: {} -> {} (major bump: generated by an older apigen whose Rust API differs)",
                        r.version, next.version
                    );
                    next
                } else {
                    release::Release {
                        spec_sha256: sha,
                        ..r
                    }
                }
            }
            (Some(r), Some((label, old))) => {
                let old_sha = release::spec_sha256(old);
                if !r.spec_sha256.is_empty() && r.spec_sha256 != old_sha && r.spec_sha256 != sha {
                    return Err(release::ReleaseError::PreviousMismatch {
                        label: label.clone(),
                        dir,
                        recorded: r.spec_sha256[..r.spec_sha256.len().min(12)].to_owned(),
                        previous: old_sha[..12].to_owned(),
                    });
                }
                let diff = crate::diff::Diff::new(label, old, name, spec);
                let (next, bump) = release::next(&r, spec, &diff)?;
                match bump {
                    Some(b) => eprintln!(
                        "{svc}: {} -> {} ({} bump: {} breaking, {} non-breaking, {} docs; {} incompatible for the Rust API)",
                        r.version,
                        next.version,
                        b.as_str(),
                        diff.summary.breaking,
                        diff.summary.non_breaking,
                        diff.summary.docs,
                        release::rust_incompatible(&diff)
                    ),
                    None => eprintln!(
                        "{svc}: {} already generated from this spec; version stays",
                        r.version
                    ),
                }
                next
            }
        };
        out_releases.insert(svc.clone(), rel);
    }
    Ok(out_releases)
}

fn check_prefix(prefix: &str) -> Result<(), CliError> {
    let ok = prefix.is_empty()
        || (prefix.starts_with(|c: char| c.is_ascii_alphabetic())
            && prefix
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
    if ok {
        Ok(())
    } else {
        Err(CliError::BadPrefix(prefix.to_owned()))
    }
}

fn write_file(p: &Path, text: &str) -> Result<(), crate::error::IoError> {
    if let Some(dir) = p.parent() {
        crate::error::create_dir_all(dir)?;
    }
    crate::error::write(p, text)
}
