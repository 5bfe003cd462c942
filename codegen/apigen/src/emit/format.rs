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
    format_with(&tools().rustfmt, files, runs)
}

/// [`rustfmt_all`], reusing rustfmt's earlier output for the same printed text from `cache`
/// (directory `cache/<group>/`, one file per entry; entries of `group` that this call did not use
/// are removed, so the cache holds one generation per group). A cache that cannot be read or
/// written only costs the formatting. Files [`print_cached`] took from the cache of the same
/// thread's [`begin`] are final already; the others it printed are stored under their tokens.
pub fn rustfmt_cached(
    files: &mut [GeneratedFile],
    runs: usize,
    cache: &Path,
    group: &str,
) -> Result<(), FormatError> {
    let session = SESSION.with(|s| s.borrow_mut().take());
    let tools = tools();
    let rustfmt = &tools.rustfmt;
    let Some(identity) = &tools.rustfmt_identity else {
        // Not found: formatting reports it.
        return format_with(rustfmt, files, runs);
    };
    let dir = cache.join(group);
    let (finals, pending, mut used) = match session {
        Some(s) if s.dir == dir => (s.finals, s.pending, s.used),
        _ => Default::default(),
    };
    let rust: Vec<usize> = (0..files.len())
        .filter(|&i| files[i].path.extension().is_some_and(|e| e == "rs"))
        .filter(|&i| !finals.contains(&digest(&[files[i].contents.as_bytes()])))
        .collect();
    let keys: Vec<String> = rust
        .iter()
        .map(|&i| {
            hex(&digest(&[
                identity.as_bytes(),
                &[0],
                files[i].contents.as_bytes(),
            ]))
        })
        .collect();
    // Token-level keys of the printed files, to store their formatted text under.
    let token_keys: Vec<Option<String>> = rust
        .iter()
        .map(|&i| {
            pending
                .get(&digest(&[files[i].contents.as_bytes()]))
                .cloned()
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
        for (f, &n) in missing.into_iter().zip(&missing_at) {
            files[rust[n]].contents = f.contents;
        }
    }
    if std::fs::create_dir_all(&dir).is_ok() {
        for (n, &i) in rust.iter().enumerate() {
            if missing_at.contains(&n) {
                store(&dir, &keys[n], &files[i].contents);
            }
            // A token entry names the printed text's entry on its first line, so a run that
            // takes the file from the tokens keeps that one too (for a rebuilt apigen).
            if let Some(key) = &token_keys[n] {
                store(&dir, key, &format!("{}\n{}", keys[n], files[i].contents));
            }
        }
    }
    used.extend(keys);
    if let Ok(entries) = std::fs::read_dir(&dir) {
        let used: std::collections::BTreeSet<&str> = used.iter().map(String::as_str).collect();
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

/// Writes an entry whole under a temporary name, then renames it: a reader never sees part.
fn store(dir: &Path, key: &str, text: &str) {
    let tmp = dir.join(format!("{key}.{}.tmp", std::process::id()));
    if std::fs::write(&tmp, text).is_ok() {
        let _ = std::fs::rename(&tmp, dir.join(key));
    }
    let _ = std::fs::remove_file(&tmp);
}

fn digest(parts: &[&[u8]]) -> [u8; 32] {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    for p in parts {
        h.update(p);
    }
    h.finalize().into()
}

fn hex(d: &[u8; 32]) -> String {
    d.iter().map(|b| format!("{b:02x}")).collect()
}

/// The token-level cache of one thread while it generates one group (service): printing a
/// token stream (syn + prettyplease) was the largest cost left once rustfmt was cached.
struct Session {
    dir: PathBuf,
    /// apigen's and rustfmt's identities: a rebuilt apigen prints differently.
    identity: String,
    /// Digests of the texts taken from the cache (formatted already).
    finals: std::collections::HashSet<[u8; 32]>,
    /// Digest of a printed text → the key of its tokens.
    pending: std::collections::HashMap<[u8; 32], String>,
    /// Token-level keys used.
    used: Vec<String>,
}

thread_local! {
    static SESSION: std::cell::RefCell<Option<Session>> = const { std::cell::RefCell::new(None) };
}

/// Start caching printed files by their tokens on this thread, for [`rustfmt_cached`] with the
/// same `cache` and `group` (which ends it). Without an identity for apigen's executable or
/// rustfmt, nothing is cached at this level.
pub fn begin(cache: &Path, group: &str) {
    let identity = tools().printing.clone();
    SESSION.with(|s| {
        *s.borrow_mut() = identity.map(|identity| Session {
            dir: cache.join(group),
            identity,
            finals: Default::default(),
            pending: Default::default(),
            used: Vec::new(),
        });
    });
}

/// The formatted file of `header` and `tokens` from the cache when this thread's session has
/// it; else `print()`'s text, stored formatted by [`rustfmt_cached`].
pub fn print_cached<E>(
    header: &str,
    tokens: proc_macro2::TokenStream,
    print: impl FnOnce(proc_macro2::TokenStream) -> Result<String, E>,
) -> Result<String, E> {
    let key = SESSION.with(|s| {
        s.borrow().as_ref().map(|s| {
            let text = tokens.to_string();
            let key = hex(&digest(&[
                b"tokens\0",
                s.identity.as_bytes(),
                &[0],
                header.as_bytes(),
                &[0],
                text.as_bytes(),
            ]));
            (s.dir.join(&key), key)
        })
    });
    let Some((path, key)) = key else {
        return print(tokens);
    };
    let entry = std::fs::read_to_string(&path).ok().and_then(|e| {
        let (printed_key, text) = e.split_once('\n')?;
        Some((printed_key.to_owned(), text.to_owned()))
    });
    let (text, hit) = match entry {
        Some((printed_key, t)) => (t, Some(printed_key)),
        None => (print(tokens)?, None),
    };
    let d = digest(&[text.as_bytes()]);
    SESSION.with(|s| {
        if let Some(s) = s.borrow_mut().as_mut() {
            match hit {
                Some(printed_key) => {
                    s.finals.insert(d);
                    s.used.push(printed_key);
                }
                None => {
                    s.pending.insert(d, key.clone());
                }
            }
            s.used.push(key);
        }
    });
    Ok(text)
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

/// The rustfmt to run and the identities the cache keys hold, found once per process (each
/// costs file look-ups, and finding rustfmt a `rustup` process).
struct Tools {
    rustfmt: std::ffi::OsString,
    /// [`identity`] of `rustfmt`; `None` when it cannot be found.
    rustfmt_identity: Option<String>,
    /// apigen's executable's and rustfmt's identities, for the files printed from tokens (a
    /// rebuilt apigen prints differently); `None` when either is unknown.
    printing: Option<String>,
}

fn tools() -> &'static Tools {
    static TOOLS: std::sync::OnceLock<Tools> = std::sync::OnceLock::new();
    TOOLS.get_or_init(|| {
        let rustfmt = find_rustfmt();
        let rustfmt_identity = identity(&rustfmt);
        let exe = std::env::current_exe().ok();
        let printing = exe
            .as_deref()
            .and_then(|e| identity(e.as_os_str()))
            .zip(rustfmt_identity.clone())
            .map(|(a, r)| format!("{a}\0{r}"));
        Tools {
            rustfmt,
            rustfmt_identity,
            printing,
        }
    })
}

/// Finds rustfmt and the identities on another thread now, so that work overlaps what comes
/// before formatting (loading the specs) instead of waiting in front of it.
pub fn prefetch() {
    std::thread::spawn(|| {
        tools();
    });
}

/// The rustfmt to run: `$RUSTFMT` when set; else the one beside `$CARGO` (set for `cargo run`:
/// the toolchain's own, the binary `cargo fmt` runs, found without a process); else the active
/// toolchain's binary as `rustup which rustfmt` names it (asked once: each run through the rustup
/// proxy costs it again); else `rustfmt` from `PATH`.
fn find_rustfmt() -> std::ffi::OsString {
    if let Some(p) = std::env::var_os("RUSTFMT").filter(|p| !p.is_empty()) {
        return p;
    }
    let beside_cargo = std::env::var_os("CARGO")
        .map(PathBuf::from)
        .and_then(|c| {
            Some(
                c.parent()?
                    .join(format!("rustfmt{}", std::env::consts::EXE_SUFFIX)),
            )
        })
        .filter(|p| p.is_file());
    if let Some(p) = beside_cargo {
        return p.into_os_string();
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
    fn a_file_printed_from_the_same_tokens_comes_from_the_cache_formatted() {
        let cache = TempDir::new().unwrap();
        let tokens = || quote::quote! { pub fn f() -> u8 { 1 } };
        let print =
            |t: proc_macro2::TokenStream| Ok::<_, std::convert::Infallible>(format!("{t}\n"));
        begin(&cache.0, "svc");
        let printed = print_cached("h", tokens(), print).unwrap();
        let mut files = vec![GeneratedFile {
            path: "a/src/lib.rs".into(),
            contents: printed,
        }];
        rustfmt_cached(&mut files, 1, &cache.0, "svc").unwrap();
        assert_eq!(files[0].contents, "pub fn f() -> u8 {\n    1\n}\n");
        // Two entries: the printed text's (rustfmt level) and the tokens' (both formatted).
        let dir = cache.0.join("svc");
        let entries: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        assert_eq!(entries.len(), 2, "{entries:?}");
        let formatted = "pub fn f() -> u8 {\n    1\n}\n";
        let printed_entry = entries
            .iter()
            .find(|p| std::fs::read_to_string(p).unwrap() == formatted)
            .expect("the printed text's entry")
            .clone();
        let printed_key = printed_entry
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let token_entry = entries
            .iter()
            .find(|p| **p != printed_entry)
            .unwrap()
            .clone();
        assert_eq!(
            std::fs::read_to_string(&token_entry).unwrap(),
            format!("{printed_key}\n{formatted}")
        );
        // The next run does not print the same tokens, and what the entry holds is final:
        // planted text comes back as it is, not formatted again; the printed text's entry
        // it names is kept.
        std::fs::write(
            &token_entry,
            format!("{printed_key}\npub fn  planted( ) {{}}\n"),
        )
        .unwrap();
        begin(&cache.0, "svc");
        let text = print_cached(
            "h",
            tokens(),
            |_| -> Result<String, std::convert::Infallible> { panic!("printed again") },
        )
        .unwrap();
        assert_eq!(text, "pub fn  planted( ) {}\n");
        let mut files = vec![GeneratedFile {
            path: "a/src/lib.rs".into(),
            contents: text,
        }];
        rustfmt_cached(&mut files, 1, &cache.0, "svc").unwrap();
        assert_eq!(files[0].contents, "pub fn  planted( ) {}\n");
        assert!(printed_entry.is_file() && token_entry.is_file());
        // Another header is another file: printed.
        begin(&cache.0, "svc");
        assert_eq!(
            print_cached("other", tokens(), print).unwrap(),
            format!("{}\n", tokens())
        );
        // Without a session nothing is cached.
        SESSION.with(|s| *s.borrow_mut() = None);
        assert_eq!(
            print_cached("h", tokens(), print).unwrap(),
            format!("{}\n", tokens())
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
