//! The command line shared by generated server and mock binaries:
//! `--listen ADDR` (default `127.0.0.1:0`), `--credentials ID:SECRET` (turns signature
//! verification on), `--seed N` (generated values and failure draws), `--stateful`,
//! `--lifecycle CLOCK` and `--state FILE` (stateful mocks; both imply `--stateful`),
//! `--validation strict|report` (mocks: what a request that breaks the spec gets).
//! [`run`] binds, prints the bound address (`127.0.0.1:PORT`) as the first line of standard
//! output, and serves until Ctrl-C / SIGTERM.

use std::io::Write as _;

use axum::Router;

use super::Verifier;

/// Parsed arguments.
#[derive(Debug, Clone)]
pub struct CliArgs {
    /// Address to bind.
    pub listen: String,
    /// Verification, when `--credentials` was given.
    pub verifier: Option<Verifier>,
    /// Seed of generated values and failure draws.
    pub seed: u64,
    /// Whether `--stateful` was given (or implied by `--lifecycle` or `--state`).
    pub stateful: bool,
    /// `--lifecycle`: how long stateful resources stay in each lifecycle state (`instant`,
    /// `realistic`, a duration, `resource=duration` entries; see
    /// `apigen_runtime::mock::LifecycleClock::parse`).
    pub lifecycle: Option<String>,
    /// `--state FILE`: where a stateful mock keeps its state across restarts.
    pub state: Option<std::path::PathBuf>,
    /// `--validation`: strict (vendor 4xx, the default) or report (answer anyway, record the
    /// violations); see [`super::validate::Validation`].
    pub validation: super::validate::Validation,
}

impl Default for CliArgs {
    fn default() -> Self {
        Self {
            listen: "127.0.0.1:0".to_owned(),
            verifier: None,
            seed: 0,
            stateful: false,
            lifecycle: None,
            state: None,
            validation: super::validate::Validation::Strict,
        }
    }
}

/// Usage text for `--help` and errors; `program` is the binary name.
pub fn usage(program: &str) -> String {
    format!(
        "usage: {program} [--listen ADDR] [--credentials ID:SECRET] [--seed N] [--stateful] [--lifecycle CLOCK] [--state FILE] [--validation MODE]\n\
         \x20 --listen ADDR            address to bind (default 127.0.0.1:0); the bound address is printed first\n\
         \x20 --credentials ID:SECRET  verify request signatures with this access key\n\
         \x20 --seed N                 seed of generated values and failure draws (default 0)\n\
         \x20 --stateful               let create/list/delete operations see each other's effects\n\
         \x20 --lifecycle CLOCK        stateful: time in each lifecycle state: instant (default), realistic (3s),\n\
         \x20                          a duration (500ms, 2s) or resource=duration entries, comma-separated\n\
         \x20 --state FILE             stateful: load the state from FILE and save every change to it (atomically)\n\
         \x20 --validation MODE        strict (default): a request that breaks the spec gets the vendor's 4xx;\n\
         \x20                          report: answered anyway, violations recorded and sent in x-apigen-violations"
    )
}

/// Why the command line was refused, or `--help`; `Display` is the text to print.
///
/// The binary prints [`CliError::Help`] on standard output and exits 0, anything else on
/// standard error and exits 2 ([`CliError::exit`]).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CliError {
    /// `-h` / `--help`: the usage text.
    #[error("{usage}")]
    Help {
        /// The usage text.
        usage: String,
    },
    /// A flag given without its value.
    #[error("{flag} needs a value\n{usage}")]
    MissingValue {
        /// The flag (`--listen`).
        flag: &'static str,
        /// The usage text.
        usage: String,
    },
    /// `--credentials` not of the form `ID:SECRET`.
    #[error("--credentials must be ID:SECRET")]
    Credentials,
    /// `--seed` not an unsigned integer.
    #[error("--seed must be an integer, got {value:?}")]
    Seed {
        /// What was given.
        value: String,
        /// The parser's reason.
        #[source]
        source: std::num::ParseIntError,
    },
    /// `--validation` neither `strict` nor `report`.
    #[error("--validation must be strict or report, got {value:?}")]
    Validation {
        /// What was given.
        value: String,
    },
    /// An argument that is no flag of the binary.
    #[error("unknown argument {arg:?}\n{usage}")]
    Unknown {
        /// The argument as given.
        arg: String,
        /// The usage text.
        usage: String,
    },
    /// `--lifecycle` is not a lifecycle clock ([`crate::mock::LifecycleClock::parse`]).
    #[cfg(feature = "mock")]
    #[error("--lifecycle: {0}")]
    Lifecycle(#[source] crate::mock::ClockError),
    /// `--state`: the state file cannot be read or is not one.
    #[cfg(feature = "mock")]
    #[error("--state: {0}")]
    State(#[source] crate::mock::StateFileError),
}

impl CliError {
    /// The exit status the binary ends with: 0 for `--help`, 2 (a usage error) otherwise.
    pub fn exit_status(&self) -> u8 {
        match self {
            CliError::Help { .. } => 0,
            _ => 2,
        }
    }

    /// Prints the error as a binary does (`--help` on standard output, anything else on
    /// standard error, after `prefix` when it is not empty) and gives the exit code.
    pub fn exit(&self, prefix: &str) -> std::process::ExitCode {
        match self {
            CliError::Help { .. } => println!("{self}"),
            _ if prefix.is_empty() => eprintln!("{self}"),
            _ => eprintln!("{prefix}: {self}"),
        }
        std::process::ExitCode::from(self.exit_status())
    }
}

impl CliArgs {
    /// Parses arguments (without the program name). `--help` gives [`CliError::Help`].
    pub fn parse(args: impl IntoIterator<Item = String>, program: &str) -> Result<Self, CliError> {
        let mut out = Self::default();
        let mut it = args.into_iter();
        while let Some(arg) = it.next() {
            // Both `--flag value` and `--flag=value`.
            let (flag, inline) = match arg.split_once('=') {
                Some((f, v)) if f.starts_with("--") => (f.to_owned(), Some(v.to_owned())),
                _ => (arg.clone(), None),
            };
            let mut value = |flag: &'static str| {
                inline
                    .clone()
                    .or_else(|| it.next())
                    .ok_or_else(|| CliError::MissingValue {
                        flag,
                        usage: usage(program),
                    })
            };
            match flag.as_str() {
                "--listen" => out.listen = value("--listen")?,
                "--credentials" => {
                    let v = value("--credentials")?;
                    out.verifier = Some(Verifier::parse(&v).ok_or(CliError::Credentials)?);
                }
                "--seed" => {
                    let v = value("--seed")?;
                    out.seed = v
                        .parse()
                        .map_err(|source| CliError::Seed { value: v, source })?;
                }
                "--stateful" => out.stateful = true,
                "--lifecycle" => {
                    out.lifecycle = Some(value("--lifecycle")?);
                    out.stateful = true;
                }
                "--state" => {
                    out.state = Some(value("--state")?.into());
                    out.stateful = true;
                }
                "--validation" => {
                    let v = value("--validation")?;
                    out.validation = super::validate::Validation::parse(&v)
                        .ok_or(CliError::Validation { value: v })?;
                }
                "-h" | "--help" => {
                    return Err(CliError::Help {
                        usage: usage(program),
                    })
                }
                other => {
                    return Err(CliError::Unknown {
                        arg: other.to_owned(),
                        usage: usage(program),
                    })
                }
            }
        }
        Ok(out)
    }
}

/// Binds `args.listen`, prints the bound address as the first output line, and serves `router`
/// until Ctrl-C or SIGTERM (finishing requests in flight).
pub async fn run(args: &CliArgs, router: Router) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(&args.listen).await?;
    let addr = listener.local_addr()?;
    let mut stdout = std::io::stdout();
    writeln!(stdout, "{addr}")?;
    stdout.flush()?;
    super::serve(listener, router, super::shutdown_signal()).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<CliArgs, CliError> {
        CliArgs::parse(args.iter().map(|s| s.to_string()), "x-mock")
    }

    fn refused(args: &[&str]) -> String {
        let e = parse(args).unwrap_err();
        assert_eq!(e.exit_status(), 2, "{e}");
        e.to_string()
    }

    #[test]
    fn parses_flags_in_both_spellings() {
        let a = parse(&[
            "--listen",
            "0.0.0.0:9000",
            "--credentials=ak:sk",
            "--seed",
            "7",
            "--stateful",
        ])
        .unwrap();
        assert_eq!(a.listen, "0.0.0.0:9000");
        assert!(a.verifier.is_some() && a.stateful && a.seed == 7);
        let d = parse(&[]).unwrap();
        assert_eq!(
            (d.listen.as_str(), d.seed, d.stateful),
            ("127.0.0.1:0", 0, false)
        );
        assert!(d.verifier.is_none());
        assert!(refused(&["--listen"]).starts_with("--listen needs a value\nusage: x-mock"));
        assert!(parse(&["--credentials", "nocolon"]).is_err());
        assert!(parse(&["--seed", "x"]).is_err());
        assert!(refused(&["--bogus"]).contains("usage"));
        assert_eq!(d.validation, crate::server::validate::Validation::Strict);
        let r = parse(&["--validation", "report"]).unwrap();
        assert_eq!(r.validation, crate::server::validate::Validation::Report);
        assert_eq!(
            refused(&["--validation=loose"]),
            "--validation must be strict or report, got \"loose\""
        );
        let help = parse(&["--help"]).unwrap_err();
        assert!(help.to_string().starts_with("usage: x-mock"));
        assert_eq!(help.exit_status(), 0);
        let s = parse(&["--lifecycle=realistic", "--state", "/tmp/s.json"]).unwrap();
        assert!(s.stateful && s.lifecycle.as_deref() == Some("realistic"));
        assert_eq!(
            s.state.as_deref(),
            Some(std::path::Path::new("/tmp/s.json"))
        );
    }

    /// Every refusal is a usage error (exit 2) whose text names the argument and what it
    /// should be, with the typed cause underneath where there is one.
    #[test]
    fn bad_arguments_exit_2_with_the_message() {
        use std::error::Error as _;
        assert_eq!(
            refused(&["--credentials", "nocolon"]),
            "--credentials must be ID:SECRET"
        );
        let seed = parse(&["--seed=-3"]).unwrap_err();
        assert_eq!(seed.to_string(), "--seed must be an integer, got \"-3\"");
        assert!(matches!(&seed, CliError::Seed { value, .. } if value == "-3"));
        assert_eq!(
            seed.source().map(|s| s.to_string()).as_deref(),
            Some("invalid digit found in string")
        );
        assert_eq!(seed.exit_status(), 2);
        let unknown = refused(&["--listen", "[::1]:0", "serve"]);
        assert!(unknown.starts_with("unknown argument \"serve\"\nusage: x-mock [--listen ADDR]"));
        assert!(matches!(
            parse(&["--state"]).unwrap_err(),
            CliError::MissingValue {
                flag: "--state",
                ..
            }
        ));
    }
}
