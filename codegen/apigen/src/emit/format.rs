//! rustfmt over the generated Rust files, so generated crates pass `cargo fmt --check` like
//! hand-written ones (prettyplease's output is close, not identical).
//!
//! Few rustfmt runs over a temporary copy of all files: each run through the rustup
//! proxy costs tens of milliseconds, so one run per file dominated `apigen generate`. A
//! missing or failing rustfmt is an error: output that depends on the machine would make
//! `generate --check` machine-dependent.
//!
//! With a cache directory ([`rustfmt_cached`]; `apigen generate` in a repository uses
//! `target/apigen-rustfmt/`), a printed file rustfmt already formatted is not formatted again:
//! the entry is keyed by the SHA-256 of the rustfmt binary's identity (path, size, modification
//! time) and the printed text, and holds rustfmt's output for it. rustfmt is deterministic, so
//! the output is the same as formatting again; a cold cache (a clean clone, CI) formats
//! everything. The rustfmt processes were half of `generate`'s CPU time.

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

/// [`rustfmt_all`], reusing rustfmt's earlier output for the same printed text from `cache`
/// (directory `cache/<group>/`, one file per entry; entries of `group` that this call did not use
/// are removed, so the cache holds one generation per group). A cache that cannot be read or
/// written only costs the formatting.
pub fn rustfmt_cached(
    files: &mut [GeneratedFile],
    runs: usize,
    cache: &Path,
    group: &str,
) -> Result<(), FormatError> {
    let rustfmt = rustfmt();
    let Some(identity) = identity(rustfmt) else {
        // Not found: formatting reports it.
        return format_with(rustfmt, files, runs);
    };
    let dir = cache.join(group);
    let rust: Vec<usize> = (0..files.len())
        .filter(|&i| files[i].path.extension().is_some_and(|e| e == "rs"))
        .collect();
    let keys: Vec<String> = rust
        .iter()
        .map(|&i| {
            use sha2::{Digest, Sha256};
            let mut h = Sha256::new();
            h.update(identity.as_bytes());
            h.update([0]);
            h.update(files[i].contents.as_bytes());
            h.finalize().iter().map(|b| format!("{b:02x}")).collect()
        })
        .collect();
    let mut missing: Vec<GeneratedFile> = Vec::new();
    let mut missing_at: Vec<usize> = Vec::new();
    for (n, &i) in rust.iter().enumerate() {
        match std::fs::read_to_string(dir.join(&keys[n])) {
            Ok(text) => files[i].contents = text,
            Err(_) => {
                missing.push(files[i].clone());
                missing_at.push(n);
            }
        }
    }
    if !missing.is_empty() {
        format_with(rustfmt, &mut missing, runs)?;
        if std::fs::create_dir_all(&dir).is_ok() {
            for (f, &n) in missing.iter().zip(&missing_at) {
                // Written whole under a temporary name, then renamed: a reader never sees part.
                let tmp = dir.join(format!("{}.{}.tmp", keys[n], std::process::id()));
                if std::fs::write(&tmp, &f.contents).is_ok() {
                    let _ = std::fs::rename(&tmp, dir.join(&keys[n]));
                }
                let _ = std::fs::remove_file(&tmp);
            }
        }
        for (f, &n) in missing.into_iter().zip(&missing_at) {
            files[rust[n]].contents = f.contents;
        }
    }
    if let Ok(entries) = std::fs::read_dir(&dir) {
        let used: std::collections::BTreeSet<&str> = keys.iter().map(String::as_str).collect();
        for e in entries.flatten() {
            let name = e.file_name();
            let name = name.to_string_lossy();
            if !name.ends_with(".tmp") && !used.contains(&*name) {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }
    Ok(())
}

/// What identifies the rustfmt binary's behaviour: its path, size and modification time
/// (a toolchain update replaces the file). `None` when it cannot be found.
fn identity(rustfmt: &std::ffi::OsStr) -> Option<String> {
    let path = PathBuf::from(rustfmt);
    let path = if path.components().count() > 1 {
        path
    } else {
        std::env::split_paths(&std::env::var_os("PATH")?)
            .map(|d| d.join(&path))
            .find(|p| p.is_file())?
    };
    let meta = std::fs::metadata(&path).ok()?;
    let modified = meta
        .modified()
        .ok()?
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?;
    Some(format!(
        "rustfmt {} {} {}.{:09}",
        path.display(),
        meta.len(),
        modified.as_secs(),
        modified.subsec_nanos()
    ))
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
    fn the_cache_gives_rustfmts_output_and_keeps_only_the_entries_last_used() {
        let cache = TempDir::new().unwrap();
        let file = |contents: &str| GeneratedFile {
            path: "a/src/lib.rs".into(),
            contents: contents.into(),
        };
        let mut first = vec![file("pub fn f( ) -> u8 { 1 }\n"), file("fn g(){}\n")];
        rustfmt_cached(&mut first, 1, &cache.0, "svc").unwrap();
        assert_eq!(first[0].contents, "pub fn f() -> u8 {\n    1\n}\n");
        assert_eq!(first[1].contents, "fn g() {}\n");
        let dir = cache.0.join("svc");
        let entries = || {
            let mut v: Vec<_> = std::fs::read_dir(&dir)
                .unwrap()
                .map(|e| e.unwrap().path())
                .collect();
            v.sort();
            v
        };
        assert_eq!(entries().len(), 2);
        // An entry is what is answered for the same text: planted output comes back unformatted
        // by rustfmt (so a hit really skips it) …
        for p in entries() {
            let text = std::fs::read_to_string(&p).unwrap();
            std::fs::write(&p, format!("// cached\n{text}")).unwrap();
        }
        let mut again = vec![file("pub fn f( ) -> u8 { 1 }\n")];
        rustfmt_cached(&mut again, 1, &cache.0, "svc").unwrap();
        assert_eq!(
            again[0].contents,
            "// cached\npub fn f() -> u8 {\n    1\n}\n"
        );
        // … and the entry of the file no longer generated is gone.
        assert_eq!(entries().len(), 1);
        // Other text is formatted, not taken from another entry.
        let mut other = vec![file("fn h( ) {}\n")];
        rustfmt_cached(&mut other, 1, &cache.0, "svc").unwrap();
        assert_eq!(other[0].contents, "fn h() {}\n");
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
