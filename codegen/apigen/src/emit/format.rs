//! Printing (syn + prettyplease) and rustfmt over the generated Rust files, so generated crates
//! pass `cargo fmt --check` like hand-written ones (prettyplease's output is close, not
//! identical), and the digest manifest that lets a generation reuse what the last one formatted.
//!
//! Few rustfmt runs over a temporary copy of the files: each run through the rustup proxy
//! costs tens of milliseconds, so one run per file dominated `apigen generate`. A missing or
//! failing rustfmt is an error, also when no file needs it: output that depends on the machine
//! would make `generate --check` machine-dependent.
//!
//! The output is its own cache. Next to the crates, [`MANIFEST`] records for each Rust file the
//! SHA-256 of what it is printed from ([`input_digest`]: the printer's identity, the header and
//! the token text) and of its formatted content, and the `rustfmt --version` that formatted
//! them. A generation into the same root ([`Previous`]) takes a file whose input digest is
//! recorded from disk as it is, without printing or formatting, when rustfmt is the same and
//! the file still hashes to the recorded content digest; anything else (a changed token
//! stream, a hand edit, a deleted file, another rustfmt) is printed and formatted again. Nothing
//! depends on paths or modification times, so a clean clone reuses the committed files, and
//! the manifest itself is an output `--check` compares like the others.

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

/// Name of the digest manifest, in the directory that holds the crates (`generated/` in this
/// repository, the `--out` directory otherwise).
pub const MANIFEST: &str = "apigen-format.lock";

/// The printing code's dependencies whose versions change its output. A test checks them
/// against Cargo.lock.
const PRINTER_CRATES: &str = "prettyplease 0.2.37, syn 2.0.119";

/// What the text printed from a token stream depends on besides the tokens: the versions of
/// syn and prettyplease, and this file (the header and the blank lines between items are added
/// here), so an edit of the printing code prints every file afresh.
fn printer_identity() -> &'static [u8; 32] {
    static ID: std::sync::OnceLock<[u8; 32]> = std::sync::OnceLock::new();
    ID.get_or_init(|| {
        digest(&[
            PRINTER_CRATES.as_bytes(),
            &[0],
            include_str!("format.rs").as_bytes(),
        ])
    })
}

/// The input digest of a Rust file: SHA-256 of the printer's identity, the header and the
/// token text (streamed into the hash, not collected into a string first).
pub fn input_digest(header: &str, tokens: &proc_macro2::TokenStream) -> [u8; 32] {
    use sha2::{Digest, Sha256};
    use std::fmt::Write;
    struct Hashing<'a>(&'a mut Sha256);
    impl Write for Hashing<'_> {
        fn write_str(&mut self, s: &str) -> std::fmt::Result {
            self.0.update(s.as_bytes());
            Ok(())
        }
    }
    let mut h = Sha256::new();
    h.update(printer_identity());
    h.update([0]);
    h.update(header.as_bytes());
    h.update([0]);
    // Writing into a hash cannot fail.
    let _ = write!(Hashing(&mut h), "{tokens}");
    h.finalize().into()
}

/// A Rust file of `header` (as `//!` lines) and `tokens`, printed with prettyplease (not yet
/// formatted by rustfmt).
pub fn print(header: &str, tokens: proc_macro2::TokenStream) -> Result<String, syn::Error> {
    let file: syn::File = syn::parse2(tokens)?;
    let mut out = String::new();
    for line in header.lines() {
        out.push_str("//!");
        if !line.is_empty() {
            out.push(' ');
            out.push_str(line);
        }
        out.push('\n');
    }
    out.push('\n');
    out.push_str(&space_items(&prettyplease::unparse(&file)));
    Ok(out)
}

/// prettyplease's output with a blank line between consecutive items (functions, types,
/// impls, modules, consts; not between the `use` lines of a group), as a person writes them.
fn space_items(text: &str) -> String {
    const ITEM_STARTS: &[&str] = &[
        "///",
        "#[",
        "pub ",
        "pub(",
        "impl ",
        "impl<",
        "fn ",
        "async fn ",
        "const ",
        "static ",
        "mod ",
        "struct ",
        "enum ",
        "trait ",
        "type ",
        "use ",
        "unsafe ",
        "apigen_runtime::service_client!",
    ];
    let indent = |l: &str| l.len() - l.trim_start().len();
    let is_use = |l: &str| {
        let l = l.trim_start();
        l.starts_with("use ") || l.starts_with("pub use ")
    };
    let lines: Vec<&str> = text.lines().collect();
    let mut out = String::with_capacity(text.len() + text.len() / 16);
    // Per indentation: whether the last item started there is a `use`.
    let mut last_use: Vec<bool> = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let trimmed = line.trim_start();
        let depth = indent(line);
        if i > 0 && ITEM_STARTS.iter().any(|s| trimmed.starts_with(s)) {
            let prev = lines[i - 1];
            let ends_item = matches!(prev.trim_end().chars().last(), Some('}' | ';'))
                && !prev.trim_start().starts_with("//");
            let prev_was_use = last_use.get(depth).copied().unwrap_or(false);
            if ends_item && indent(prev) == depth && !(prev_was_use && is_use(line)) {
                out.push('\n');
            }
        }
        if ITEM_STARTS.iter().any(|s| trimmed.starts_with(s))
            && !trimmed.starts_with("///")
            && !trimmed.starts_with("#[")
        {
            if last_use.len() <= depth {
                last_use.resize(depth + 1, false);
            }
            last_use[depth] = is_use(line);
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// One formatted file in the manifest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    /// [`input_digest`] of what the file was printed from.
    pub input: [u8; 32],
    /// SHA-256 of the file's formatted content.
    pub output: [u8; 32],
}

/// The digest manifest ([`MANIFEST`]): which rustfmt formatted the files, and per file (path
/// relative to the output root, `/`-separated) its [`Entry`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Manifest {
    /// `rustfmt --version`.
    pub rustfmt: String,
    pub entries: std::collections::BTreeMap<String, Entry>,
}

const MANIFEST_HEADER: &str = "\
# Digests of the generated Rust files (`apigen generate`), like a lock file: per file the
# SHA-256 of what it is printed from (printer, header, tokens) and of its formatted content.
# A file whose two digests still match is reused as it is instead of printed and formatted
# again (with the same rustfmt as below). Generated by apigen. Do not edit.
";

impl Manifest {
    /// The manifest's text: the header, `rustfmt <version>`, then `<input> <output> <path>`
    /// per file in path order.
    pub fn render(&self) -> String {
        let mut out = String::from(MANIFEST_HEADER);
        out.push_str(&format!("rustfmt: {}\n", self.rustfmt));
        for (path, e) in &self.entries {
            out.push_str(&format!("{} {} {path}\n", hex(&e.input), hex(&e.output)));
        }
        out
    }

    /// A manifest [`render`](Self::render) wrote; `None` for anything else (hand-edited
    /// beyond reading: it is then only rewritten).
    pub fn parse(text: &str) -> Option<Manifest> {
        let mut lines = text.lines().filter(|l| !l.starts_with('#'));
        let rustfmt = lines.next()?.strip_prefix("rustfmt: ")?.to_owned();
        let mut entries = std::collections::BTreeMap::new();
        for line in lines {
            let mut parts = line.splitn(3, ' ');
            let input = unhex(parts.next()?)?;
            let output = unhex(parts.next()?)?;
            let path = parts.next().filter(|p| !p.is_empty())?;
            entries.insert(path.to_owned(), Entry { input, output });
        }
        Some(Manifest { rustfmt, entries })
    }
}

/// What an earlier generation into the same output root left: its manifest, and the files it
/// names. Files are reused only when it was formatted by the rustfmt at hand.
#[derive(Debug, Default)]
pub struct Previous {
    root: PathBuf,
    recorded: Option<Manifest>,
    /// Whether `recorded` was formatted by this rustfmt.
    same_rustfmt: bool,
    /// Input digest → path of a file printed from it (with the same rustfmt).
    by_input: std::collections::HashMap<[u8; 32], String>,
}

impl Previous {
    /// Nothing to reuse: every file is printed and formatted.
    pub fn none() -> Self {
        Self::default()
    }

    /// The manifest at `root/manifest` and the files under `root`; nothing to reuse when it is
    /// missing, malformed or written with another rustfmt than `rustfmt` (its `--version`).
    pub fn read(root: &Path, manifest: &Path, rustfmt: &str) -> Self {
        let recorded = std::fs::read_to_string(root.join(manifest))
            .ok()
            .and_then(|t| Manifest::parse(&t));
        let same_rustfmt = recorded.as_ref().is_some_and(|m| m.rustfmt == rustfmt);
        let by_input = recorded
            .iter()
            .filter(|_| same_rustfmt)
            .flat_map(|m| &m.entries)
            .map(|(path, e)| (e.input, path.clone()))
            .collect();
        Previous {
            root: root.to_owned(),
            recorded,
            same_rustfmt,
            by_input,
        }
    }

    /// The formatted text printed from `input` before, with its digest, when a file printed
    /// from it still holds exactly what was formatted then (a hand-edited, truncated or deleted
    /// file is printed and formatted again).
    pub fn reuse(&self, input: &[u8; 32]) -> Option<(String, [u8; 32])> {
        let path = self.by_input.get(input)?;
        let output = self.recorded.as_ref()?.entries.get(path)?.output;
        let bytes = std::fs::read(self.root.join(path)).ok()?;
        if digest(&[&bytes]) != output {
            return None;
        }
        Some((String::from_utf8(bytes).ok()?, output))
    }

    /// The manifest after a generation that produced the Rust files of `entries`, formatted by
    /// `rustfmt`. Kept from the recorded one, when formatted by the same rustfmt: the entries
    /// of files outside `owned` (the directories this generation writes alone) that it does not
    /// produce and that still exist (the crates of another generation into the same
    /// directory). When the entries are the recorded ones, the recorded rustfmt stays too: a
    /// rustfmt that formats every file the same way does not make the manifest stale.
    pub fn next(
        &self,
        rustfmt: &str,
        mut entries: std::collections::BTreeMap<String, Entry>,
        owned: &[PathBuf],
    ) -> Manifest {
        if let Some(m) = self.recorded.as_ref().filter(|_| self.same_rustfmt) {
            for (path, e) in &m.entries {
                let p = Path::new(path);
                if !entries.contains_key(path)
                    && !owned.iter().any(|o| p.starts_with(o))
                    && self.root.join(p).is_file()
                {
                    entries.insert(path.clone(), *e);
                }
            }
        }
        let rustfmt = match &self.recorded {
            Some(m) if m.entries == entries => m.rustfmt.clone(),
            _ => rustfmt.to_owned(),
        };
        Manifest { rustfmt, entries }
    }
}

fn digest(parts: &[&[u8]]) -> [u8; 32] {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    for p in parts {
        h.update(p);
    }
    h.finalize().into()
}

/// SHA-256 of `bytes`.
pub fn sha256(bytes: &[u8]) -> [u8; 32] {
    digest(&[bytes])
}

/// A digest as lower-case hex (the lock's and the stamp's text form).
pub(crate) fn hex(d: &[u8; 32]) -> String {
    d.iter().map(|b| format!("{b:02x}")).collect()
}

/// [`hex`] read back; `None` unless 64 hex digits.
pub(crate) fn unhex(s: &str) -> Option<[u8; 32]> {
    if s.len() != 64 || !s.is_ascii() {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, b) in out.iter_mut().enumerate() {
        *b = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).ok()?;
    }
    Some(out)
}

/// The rustfmt to run and its `--version`, found once per process (finding it may cost a
/// `rustup` process, and the version a rustfmt run).
struct Tools {
    rustfmt: std::ffi::OsString,
    version: Result<String, (std::io::ErrorKind, String)>,
}

fn tools() -> &'static Tools {
    static TOOLS: std::sync::OnceLock<Tools> = std::sync::OnceLock::new();
    TOOLS.get_or_init(|| {
        let rustfmt = find_rustfmt();
        let version = version_of(&rustfmt).map_err(|e| (e.kind(), e.to_string()));
        Tools { rustfmt, version }
    })
}

fn version_of(rustfmt: &std::ffi::OsStr) -> std::io::Result<String> {
    let out = Command::new(rustfmt)
        .arg("--version")
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()?;
    let version = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    if !out.status.success() || version.is_empty() || version.contains('\n') {
        return Err(std::io::Error::other(format!(
            "`{} --version` failed",
            rustfmt.to_string_lossy()
        )));
    }
    Ok(version)
}

/// `rustfmt --version` of the rustfmt that formats the generated files: part of what the
/// manifest records. An error when rustfmt cannot be run, whether or not a file needs it.
pub fn rustfmt_version() -> Result<&'static str, FormatError> {
    match &tools().version {
        Ok(v) => Ok(v),
        Err((kind, msg)) => Err(FormatError::Missing(std::io::Error::new(
            *kind,
            msg.clone(),
        ))),
    }
}

/// Finds rustfmt and its version on another thread now, so that work overlaps what comes
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
    fn the_printer_versions_are_those_in_cargo_lock() {
        let lock =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../Cargo.lock"))
                .unwrap();
        let version = |name: &str, major: &str| {
            lock.split("[[package]]")
                .filter(|p| p.contains(&format!("\nname = \"{name}\"\n")))
                .find_map(|p| {
                    let v = p.split("\nversion = \"").nth(1)?.split('"').next()?;
                    v.starts_with(major).then(|| v.to_owned())
                })
                .unwrap_or_else(|| panic!("{name} {major} in Cargo.lock"))
        };
        assert_eq!(
            PRINTER_CRATES,
            format!(
                "prettyplease {}, syn {}",
                version("prettyplease", "0.2."),
                version("syn", "2.")
            ),
            "a printing crate changed: update PRINTER_CRATES so every file is printed afresh"
        );
    }

    #[test]
    fn the_input_digest_is_of_the_header_and_the_token_text() {
        let a = quote::quote! { pub fn f() -> u8 { 1 } };
        let b = quote::quote! { pub fn f() -> u8 { 2 } };
        assert_eq!(input_digest("h", &a), input_digest("h", &a.clone()));
        assert_ne!(input_digest("h", &a), input_digest("h", &b));
        assert_ne!(input_digest("h", &a), input_digest("g", &a));
        // The token text streamed into the hash is the token stream's `Display`.
        let text = a.to_string();
        assert_eq!(
            input_digest("h", &a),
            digest(&[printer_identity(), &[0], b"h", &[0], text.as_bytes()])
        );
    }

    #[test]
    fn the_manifest_reads_back_what_it_writes_and_rejects_anything_else() {
        let mut m = Manifest {
            rustfmt: "rustfmt 1.0.0-stable (abc 2026-01-01)".into(),
            ..Default::default()
        };
        m.entries.insert(
            "a-client/src/lib.rs".into(),
            Entry {
                input: sha256(b"in"),
                output: sha256(b"out"),
            },
        );
        m.entries.insert(
            "a models/src/lib.rs".into(),
            Entry {
                input: sha256(b"in2"),
                output: sha256(b"out2"),
            },
        );
        let text = m.render();
        assert!(
            text.contains("\nrustfmt: rustfmt 1.0.0-stable (abc 2026-01-01)\n"),
            "{text}"
        );
        assert_eq!(Manifest::parse(&text), Some(m));
        for bad in [
            "",
            "rustfmt 1.0\n",
            "rustfmt: x\nzz 00 a.rs\n",
            &format!("rustfmt: x\n{} {}\n", hex(&sha256(b"")), hex(&sha256(b""))),
        ] {
            assert_eq!(Manifest::parse(bad), None, "{bad:?}");
        }
    }

    /// A root holding one formatted file and the manifest that names it.
    fn planted(rustfmt: &str, input: [u8; 32], contents: &str) -> TempDir {
        let root = TempDir::new().unwrap();
        std::fs::create_dir_all(root.0.join("c/src")).unwrap();
        std::fs::write(root.0.join("c/src/lib.rs"), contents).unwrap();
        let mut m = Manifest {
            rustfmt: rustfmt.into(),
            ..Default::default()
        };
        m.entries.insert(
            "c/src/lib.rs".into(),
            Entry {
                input,
                output: sha256(contents.as_bytes()),
            },
        );
        std::fs::write(root.0.join(MANIFEST), m.render()).unwrap();
        root
    }

    #[test]
    fn a_file_is_reused_only_for_the_same_tokens_rustfmt_and_content() {
        let tokens = quote::quote! { pub fn f() -> u8 { 1 } };
        let input = input_digest("h", &tokens);
        let formatted = "//! h\n\npub fn f() -> u8 {\n    1\n}\n";
        let root = planted("rustfmt 1", input, formatted);
        let previous = Previous::read(&root.0, Path::new(MANIFEST), "rustfmt 1");
        assert_eq!(
            previous.reuse(&input),
            Some((formatted.to_owned(), sha256(formatted.as_bytes())))
        );
        // A changed token stream is printed and formatted again.
        let other = quote::quote! { pub fn f() -> u8 { 2 } };
        assert_eq!(previous.reuse(&input_digest("h", &other)), None);
        // Another rustfmt: nothing is reused.
        let upgraded = Previous::read(&root.0, Path::new(MANIFEST), "rustfmt 2");
        assert_eq!(upgraded.reuse(&input), None);
        // A hand edit of the file (its entry still there): not reused.
        std::fs::write(root.0.join("c/src/lib.rs"), format!("{formatted}// mine\n")).unwrap();
        assert_eq!(previous.reuse(&input), None);
        // Deleted: not reused either.
        std::fs::remove_file(root.0.join("c/src/lib.rs")).unwrap();
        assert_eq!(previous.reuse(&input), None);
        // No manifest: nothing.
        let fresh = TempDir::new().unwrap();
        assert_eq!(
            Previous::read(&fresh.0, Path::new(MANIFEST), "rustfmt 1").reuse(&input),
            None
        );
    }

    #[test]
    fn the_next_manifest_keeps_the_recorded_rustfmt_only_for_the_same_entries() {
        let input = sha256(b"tokens");
        let formatted = "fn f() {}\n";
        let root = planted("rustfmt 1", input, formatted);
        let entry = Entry {
            input,
            output: sha256(formatted.as_bytes()),
        };
        let same: std::collections::BTreeMap<_, _> =
            [("c/src/lib.rs".to_owned(), entry)].into_iter().collect();
        let owned = [PathBuf::from("c")];
        // rustfmt 2 formats the file the same way: the manifest stays as it is.
        let previous = Previous::read(&root.0, Path::new(MANIFEST), "rustfmt 2");
        assert_eq!(
            previous.next("rustfmt 2", same.clone(), &owned).rustfmt,
            "rustfmt 1"
        );
        // Changed entries name the rustfmt that formatted them.
        let mut changed = same.clone();
        changed.insert("c/src/main.rs".into(), entry);
        assert_eq!(
            previous.next("rustfmt 2", changed, &owned).rustfmt,
            "rustfmt 2"
        );
        // Entries of another generation's crates (not owned here, still on disk) stay; those of
        // this generation's directories that it no longer produces go.
        let previous = Previous::read(&root.0, Path::new(MANIFEST), "rustfmt 1");
        let next = previous.next("rustfmt 1", Default::default(), &[PathBuf::from("d")]);
        assert_eq!(next.entries, same);
        assert!(previous
            .next("rustfmt 1", Default::default(), &owned)
            .entries
            .is_empty());
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
