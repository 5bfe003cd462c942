//! rustfmt over the generated Rust files, so generated crates pass `cargo fmt --check` like
//! hand-written ones (prettyplease's output is close, not identical).
//!
//! Few rustfmt runs over a temporary copy of all files: each run through the rustup
//! proxy costs tens of milliseconds, so one run per file dominated `apigen generate`. A
//! missing or failing rustfmt is an error: output that depends on the machine would make
//! `generate --check` machine-dependent.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::GeneratedFile;

/// Why the generated files could not be formatted.
#[derive(Debug, thiserror::Error)]
pub enum FormatError {
    #[error(
        "rustfmt is not available ({0}); generated code is formatted with the toolchain's \
         rustfmt (`rustup component add rustfmt`)"
    )]
    Missing(std::io::Error),
    #[error("rustfmt failed on generated code: {0}")]
    Failed(String),
    #[error("temporary copy for rustfmt at {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Formats every `.rs` file of `files` in place, with at most `runs` rustfmt processes at
/// once.
pub fn rustfmt_all(files: &mut [GeneratedFile], runs: usize) -> Result<(), FormatError> {
    format_with(rustfmt(), files, runs)
}

/// The rustfmt to run: `$RUSTFMT` when set, else the active toolchain's binary as
/// `rustup which rustfmt` names it (asked once per process: each run through the rustup
/// proxy costs it again), else `rustfmt` from `PATH`.
fn rustfmt() -> &'static std::ffi::OsStr {
    static RUSTFMT: std::sync::OnceLock<std::ffi::OsString> = std::sync::OnceLock::new();
    RUSTFMT.get_or_init(|| {
        if let Some(p) = std::env::var_os("RUSTFMT").filter(|p| !p.is_empty()) {
            return p;
        }
        Command::new("rustup")
            .args(["which", "rustfmt"])
            .stdin(Stdio::null())
            .stderr(Stdio::null())
            .output()
            .ok()
            .filter(|o| o.status.success())
            .and_then(|o| String::from_utf8(o.stdout).ok())
            .map(|s| PathBuf::from(s.trim()))
            .filter(|p| p.is_file())
            .map_or_else(|| "rustfmt".into(), PathBuf::into_os_string)
    })
}

fn format_with(
    rustfmt: &std::ffi::OsStr,
    files: &mut [GeneratedFile],
    runs: usize,
) -> Result<(), FormatError> {
    let rust: Vec<usize> = (0..files.len())
        .filter(|&i| files[i].path.extension().is_some_and(|e| e == "rs"))
        .collect();
    if rust.is_empty() {
        return Ok(());
    }
    let dir = TempDir::new()?;
    let mut paths = Vec::with_capacity(rust.len());
    for (n, &i) in rust.iter().enumerate() {
        let p = dir.0.join(format!("f{n}.rs"));
        std::fs::write(&p, &files[i].contents).map_err(|source| io(&p, source))?;
        paths.push(p);
    }
    // Balance the runs by size: largest file first onto the lightest run.
    let runs = runs.clamp(1, paths.len());
    let mut order: Vec<usize> = (0..paths.len()).collect();
    order.sort_by_key(|&n| std::cmp::Reverse(files[rust[n]].contents.len()));
    let mut batches: Vec<(usize, Vec<&Path>)> = vec![(0, Vec::new()); runs];
    for n in order {
        let lightest = (0..runs).min_by_key(|&b| batches[b].0).unwrap_or(0);
        batches[lightest].0 += files[rust[n]].contents.len();
        batches[lightest].1.push(&paths[n]);
    }
    let children: Vec<_> = batches
        .iter()
        .map(|(_, batch)| {
            Command::new(rustfmt)
                .args(["--edition", "2021", "--quiet"])
                .args(batch)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .map_err(FormatError::Missing)
        })
        .collect::<Result<_, _>>()?;
    for child in children {
        let out = child
            .wait_with_output()
            .map_err(|e| FormatError::Failed(e.to_string()))?;
        if !out.status.success() {
            return Err(FormatError::Failed(
                String::from_utf8_lossy(&out.stderr).trim().to_owned(),
            ));
        }
    }
    for (n, &i) in rust.iter().enumerate() {
        files[i].contents =
            std::fs::read_to_string(&paths[n]).map_err(|source| io(&paths[n], source))?;
    }
    Ok(())
}

fn io(path: &Path, source: std::io::Error) -> FormatError {
    FormatError::Io {
        path: path.to_owned(),
        source,
    }
}

/// A private temporary directory, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> Result<Self, FormatError> {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let p = std::env::temp_dir().join(format!("apigen-fmt-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&p).map_err(|source| io(&p, source))?;
        Ok(TempDir(p))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_every_rust_file_and_nothing_else() {
        let mut files = vec![
            GeneratedFile {
                path: "a/src/lib.rs".into(),
                contents: "pub fn f( ) -> u8 { 1 }\n".into(),
            },
            GeneratedFile {
                path: "a/README.md".into(),
                contents: "fn  g( ) {}\n".into(),
            },
            GeneratedFile {
                path: "b/tests/t.rs".into(),
                contents: "fn g(){let x=1;let _=x;}\n".into(),
            },
        ];
        rustfmt_all(&mut files, 2).unwrap();
        assert_eq!(files[0].contents, "pub fn f() -> u8 {\n    1\n}\n");
        assert_eq!(files[1].contents, "fn  g( ) {}\n");
        assert_eq!(
            files[2].contents,
            "fn g() {\n    let x = 1;\n    let _ = x;\n}\n"
        );
    }

    #[test]
    fn a_missing_rustfmt_is_an_error_not_other_output() {
        let mut files = vec![GeneratedFile {
            path: "x.rs".into(),
            contents: "fn f( ) {}\n".into(),
        }];
        let e = format_with("/nonexistent/rustfmt".as_ref(), &mut files, 1).unwrap_err();
        assert!(matches!(e, FormatError::Missing(_)), "{e}");
        assert!(
            e.to_string().contains("rustup component add rustfmt"),
            "{e}"
        );
    }

    #[test]
    fn code_rustfmt_rejects_is_an_error() {
        let mut files = vec![GeneratedFile {
            path: "x.rs".into(),
            contents: "fn (\n".into(),
        }];
        assert!(matches!(
            rustfmt_all(&mut files, 1),
            Err(FormatError::Failed(_))
        ));
    }
}
