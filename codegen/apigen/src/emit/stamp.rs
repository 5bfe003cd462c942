//! Whole services taken from disk when nothing they are generated from changed.
//!
//! The digest manifest ([`super::format`]) spares printing and formatting an unchanged file,
//! but not building its tokens: telling whether a file changed means emitting it. The stamp
//! spares that too. It is a local record (in the user's cache directory, one file per output
//! root, never in the output: it names this machine's generator build) of the last
//! generation into an output root: per service, the
//! digest of everything the service's files are generated from — the generator build (the
//! SHA-256 of the running executable), the rustfmt version, the layout, the spec's name, the
//! spec's bytes and its resource file's bytes — and every file it wrote, with the SHA-256 of
//! its content (and of its tokens, for the manifest). The digest manifest is an input as well
//! (a file is taken from disk when the manifest names its tokens), so the stamp holds only
//! while the manifest on disk is the one written with it. A service whose digest is recorded
//! is read back from disk when every one of its files still hashes to what was written; one
//! changed, hand-edited or deleted file, and the service is generated as usual (so `--check`
//! still names an edited file). Nothing is trusted that is not re-verified: a stale or
//! malformed stamp only costs the generation it would have spared.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::format::{self, hex, unhex};
use super::{GeneratedFile, Layout, SpecInput};

/// Where the stamp of the output root `root` is: `$XDG_CACHE_HOME/apigen/stamps/` (else
/// `~/.cache/apigen/stamps/`), named by the SHA-256 of the root's canonical path. `None`
/// without a cache directory: nothing is then reused or recorded.
pub fn path(root: &Path) -> Option<PathBuf> {
    let cache = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| {
            std::env::var_os("HOME")
                .map(PathBuf::from)
                .filter(|p| p.is_absolute())
                .map(|h| h.join(".cache"))
        })?;
    let root = std::fs::canonicalize(root).unwrap_or_else(|_| super::layout::absolute(root));
    let name = hex(&format::sha256(root.to_string_lossy().as_bytes()));
    Some(cache.join("apigen/stamps").join(name))
}

/// SHA-256 of the running executable: what identifies the generator build (its code, its
/// dependencies, its templates). `None` when it cannot be read: nothing is then reused.
pub fn generator() -> Option<[u8; 32]> {
    static ID: std::sync::OnceLock<Option<[u8; 32]>> = std::sync::OnceLock::new();
    *ID.get_or_init(|| {
        let exe = std::env::current_exe().ok()?;
        let bytes = std::fs::read(exe).ok()?;
        Some(format::sha256(&bytes))
    })
}

/// Hashes the executable on another thread now, while the specs load.
pub fn prefetch() {
    std::thread::spawn(generator);
}

/// The digest of everything `input`'s files are generated from with `layout`, by this
/// generator build and `rustfmt`; `None` when a part cannot be read.
pub fn service_key(input: &SpecInput, layout: &Layout, rustfmt: &str) -> Option<[u8; 32]> {
    use sha2::{Digest, Sha256};
    let generator = generator()?;
    let spec = std::fs::read(&input.path).ok()?;
    let resources_path = crate::infer::resources::path_for(&input.path);
    let resources = match std::fs::read(&resources_path) {
        Ok(b) => Some(b),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(_) => return None,
    };
    let mut h = Sha256::new();
    let mut part = |bytes: &[u8]| {
        h.update((bytes.len() as u64).to_le_bytes());
        h.update(bytes);
    };
    part(b"apigen service stamp 1");
    part(&generator);
    part(rustfmt.as_bytes());
    // The layout's Debug text names every field (runtime, prefix, metadata, releases).
    part(format!("{layout:?}").as_bytes());
    part(input.name.as_bytes());
    part(&spec);
    match &resources {
        Some(b) => part(b),
        None => part(b"no resource file"),
    }
    Some(h.finalize().into())
}

/// One file a service wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StampedFile {
    /// Relative to the output root, `/`-separated.
    pub path: String,
    /// SHA-256 of its content.
    pub output: [u8; 32],
    /// A Rust file's [`format::input_digest`] (its manifest entry).
    pub input: Option<[u8; 32]>,
}

/// The stamp: the digest manifest the generation left (a file is taken from disk when the
/// manifest names its tokens, so the manifest is an input too: the stamp holds only while the
/// manifest on disk is the one written with it), and per service key the files the service
/// wrote, in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stamp {
    /// SHA-256 of the digest manifest's content.
    pub manifest: [u8; 32],
    pub services: BTreeMap<[u8; 32], Vec<StampedFile>>,
}

const HEADER: &str = "\
# apigen generate: what the last generation into this directory wrote, per service (a local
# cache of this machine's generator build; not committed). See emit/stamp.rs.
";

impl Stamp {
    /// The stamp under `root`, or an empty one when it is missing or malformed, or when the
    /// digest manifest at `root/manifest` is not the one it was written with.
    pub fn read(root: &Path, manifest: &Path) -> Stamp {
        let Some(stamp) = path(root)
            .and_then(|p| std::fs::read_to_string(p).ok())
            .and_then(|t| Stamp::parse(&t))
        else {
            return Stamp::default();
        };
        match std::fs::read(root.join(manifest)) {
            Ok(m) if format::sha256(&m) == stamp.manifest => stamp,
            _ => Stamp::default(),
        }
    }

    /// The stamp's text: `manifest <digest>`, then `service <key>` lines, each followed by
    /// its files' `file <output> <input or -> <path>` lines.
    pub fn render(&self) -> String {
        let mut out = String::from(HEADER);
        out.push_str(&format!("manifest {}\n", hex(&self.manifest)));
        for (key, files) in &self.services {
            out.push_str(&format!("service {}\n", hex(key)));
            for f in files {
                let input = f.input.as_ref().map_or_else(|| "-".to_owned(), hex);
                out.push_str(&format!("file {} {input} {}\n", hex(&f.output), f.path));
            }
        }
        out
    }

    /// A stamp [`render`](Self::render) wrote; `None` for anything else.
    pub fn parse(text: &str) -> Option<Stamp> {
        let mut lines = text.lines().filter(|l| !l.starts_with('#'));
        let mut stamp = Stamp {
            manifest: unhex(lines.next()?.strip_prefix("manifest ")?)?,
            ..Default::default()
        };
        let mut current: Option<&mut Vec<StampedFile>> = None;
        for line in lines {
            if let Some(key) = line.strip_prefix("service ") {
                current = Some(stamp.services.entry(unhex(key)?).or_default());
            } else if let Some(rest) = line.strip_prefix("file ") {
                let mut parts = rest.splitn(3, ' ');
                let output = unhex(parts.next()?)?;
                let input = match parts.next()? {
                    "-" => None,
                    d => Some(unhex(d)?),
                };
                let path = parts.next().filter(|p| !p.is_empty())?.to_owned();
                current.as_mut()?.push(StampedFile {
                    path,
                    output,
                    input,
                });
            } else {
                return None;
            }
        }
        Some(stamp)
    }

    /// The files of the service with `key` as they are on disk under `root`, with the
    /// manifest entries of its Rust files, when every one still holds what was written.
    pub fn reuse(&self, key: &[u8; 32], root: &Path) -> Option<super::ServiceOutput> {
        let recorded = self.services.get(key)?;
        let mut files = Vec::with_capacity(recorded.len());
        let mut entries = Vec::new();
        for f in recorded {
            let path = PathBuf::from(&f.path);
            let bytes = std::fs::read(root.join(&path)).ok()?;
            if format::sha256(&bytes) != f.output {
                return None;
            }
            if let Some(input) = f.input {
                entries.push((
                    path.clone(),
                    format::Entry {
                        input,
                        output: f.output,
                    },
                ));
            }
            files.push(GeneratedFile {
                path,
                contents: String::from_utf8(bytes).ok()?,
            });
        }
        Some((files, entries))
    }

    /// Records what the service with `key` wrote.
    pub fn record(&mut self, key: [u8; 32], output: &super::ServiceOutput) {
        let (files, entries) = output;
        let inputs: std::collections::HashMap<&Path, [u8; 32]> = entries
            .iter()
            .map(|(p, e)| (p.as_path(), e.input))
            .collect();
        let stamped = files
            .iter()
            .map(|f| StampedFile {
                path: f.path.to_string_lossy().replace('\\', "/"),
                output: format::sha256(f.contents.as_bytes()),
                input: inputs.get(f.path.as_path()).copied(),
            })
            .collect();
        self.services.insert(key, stamped);
    }

    /// Writes the stamp under `root` (best effort: it is only a cache), through a temporary
    /// file renamed over it, so a generation running at the same time reads one whole stamp.
    pub fn write(&self, root: &Path) {
        let Some(path) = path(root) else {
            return;
        };
        if let Some(dir) = path.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        let tmp = path.with_extension(format!("{}.tmp", std::process::id()));
        if std::fs::write(&tmp, self.render()).is_ok() && std::fs::rename(&tmp, &path).is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stamp_reads_back_what_it_writes_and_rejects_anything_else() {
        let mut s = Stamp::default();
        s.services.insert(
            format::sha256(b"key"),
            vec![
                StampedFile {
                    path: "a-models/src/lib.rs".into(),
                    output: format::sha256(b"out"),
                    input: Some(format::sha256(b"in")),
                },
                StampedFile {
                    path: "a models/README.md".into(),
                    output: format::sha256(b"readme"),
                    input: None,
                },
            ],
        );
        assert_eq!(Stamp::parse(&s.render()), Some(s));
        let manifest = format!("manifest {}\n", hex(&[0; 32]));
        for bad in [
            "",
            "x\n",
            &format!("{manifest}file 00 - a\n"),
            &format!("{manifest}file {} - a\n", hex(&[0; 32])),
        ] {
            assert_eq!(Stamp::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn a_service_is_reused_only_when_every_file_is_as_written() {
        let root = tempfile::tempdir().unwrap();
        let files = vec![
            GeneratedFile {
                path: "c/src/lib.rs".into(),
                contents: "pub fn f() {}\n".into(),
            },
            GeneratedFile {
                path: "c/README.md".into(),
                contents: "# c\n".into(),
            },
        ];
        for f in &files {
            let p = root.path().join(&f.path);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, &f.contents).unwrap();
        }
        let entry = format::Entry {
            input: format::sha256(b"tokens"),
            output: format::sha256(files[0].contents.as_bytes()),
        };
        let output = (files.clone(), vec![(PathBuf::from("c/src/lib.rs"), entry)]);
        let key = format::sha256(b"key");
        let manifest = Path::new("apigen-format.lock");
        std::fs::write(root.path().join(manifest), "manifest\n").unwrap();
        let mut stamp = Stamp {
            manifest: format::sha256(b"manifest\n"),
            ..Default::default()
        };
        stamp.record(key, &output);
        stamp.write(root.path());
        let stamp = Stamp::read(root.path(), manifest);
        assert_eq!(stamp.reuse(&key, root.path()), Some(output));
        // The digest manifest is an input too: another one, and the stamp does not hold.
        std::fs::write(root.path().join(manifest), "edited\n").unwrap();
        assert_eq!(Stamp::read(root.path(), manifest), Stamp::default());
        // Another key (a changed spec, layout or generator): nothing.
        assert_eq!(stamp.reuse(&format::sha256(b"other"), root.path()), None);
        // A hand edit of any file, or a deleted one: the service is generated again.
        std::fs::write(root.path().join("c/README.md"), "# mine\n").unwrap();
        assert_eq!(stamp.reuse(&key, root.path()), None);
        std::fs::write(root.path().join("c/README.md"), "# c\n").unwrap();
        assert!(stamp.reuse(&key, root.path()).is_some());
        std::fs::remove_file(root.path().join("c/src/lib.rs")).unwrap();
        assert_eq!(stamp.reuse(&key, root.path()), None);
        if let Some(p) = path(root.path()) {
            let _ = std::fs::remove_file(p);
        }
    }
}
