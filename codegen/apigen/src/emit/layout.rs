//! Where generated crates go and what they depend on: the repository's own `generated/` (the
//! default of `apigen generate`) or a user's directory (`apigen generate SPEC… --out DIR`), with
//! the runtime taken by path, from git or by version requirement, and package names optionally
//! prefixed.

use std::path::{Component, Path, PathBuf};

/// How generated crates depend on `apigen-runtime`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RuntimeDep {
    /// A local checkout of the runtime (absolute, or relative to the output directory).
    Path(PathBuf),
    /// A git repository holding the runtime (cargo finds the package by name in it).
    Git {
        url: String,
        /// `rev`, `tag` or `branch`, with its value.
        pin: Option<(&'static str, String)>,
    },
    /// A version requirement on a registry (`0.1`, `=0.1.3`).
    Version(String),
}

/// The version of the runtime this apigen was built with (and whose API it generates for).
pub const RUNTIME_VERSION: &str = apigen_runtime::VERSION;

impl Default for RuntimeDep {
    /// The release of the runtime this apigen generates for, from the registry.
    fn default() -> Self {
        RuntimeDep::Version(RUNTIME_VERSION.to_owned())
    }
}

/// Where and how `apigen generate` lays out the crates.
#[derive(Debug, Clone)]
pub struct Layout {
    /// Directory of the crates, relative to the output root (`generated` in the repository,
    /// empty for `--out DIR`, whose root is DIR).
    pub crates_dir: PathBuf,
    /// Directory of the OpenAPI exports, relative to the output root.
    pub openapi_dir: PathBuf,
    /// Prefix of every package name (`acme-` gives `acme-mse-client`). The Rust crate name stays
    /// `mse_client` (`[lib] name`), so code and docs read the same with any prefix.
    pub prefix: String,
    /// The runtime dependency; a relative path is relative to the output root.
    pub runtime: RuntimeDep,
    /// Whether the crates live in this repository (READMEs link to the spec and to apigen).
    pub in_repo: bool,
    /// Package metadata of every crate (license, repository, homepage).
    pub meta: PackageMeta,
    /// Version and changelog per service name; a service not listed is at
    /// [`INITIAL_VERSION`](super::release::INITIAL_VERSION) without a changelog (the
    /// repository's `generated/`).
    pub releases: std::collections::BTreeMap<String, super::release::Release>,
}

/// Package metadata the user chooses for the generated crates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackageMeta {
    /// SPDX license expression.
    pub license: String,
    pub repository: Option<String>,
    pub homepage: Option<String>,
}

/// The license of apigen, and the default of the crates it generates.
pub const LICENSE: &str = "Apache-2.0";

impl Default for PackageMeta {
    fn default() -> Self {
        Self {
            license: LICENSE.to_owned(),
            repository: None,
            homepage: None,
        }
    }
}

impl Layout {
    /// `generated/` and `openapi/` of this repository, runtime by path `codegen/runtime`.
    pub fn in_repo() -> Self {
        Self {
            crates_dir: PathBuf::from("generated"),
            openapi_dir: PathBuf::from("openapi"),
            prefix: String::new(),
            runtime: RuntimeDep::Path(PathBuf::from("codegen/runtime")),
            in_repo: true,
            meta: PackageMeta::default(),
            releases: Default::default(),
        }
    }

    /// Crates directly under the output directory (`--out DIR`).
    pub fn out_of_tree(runtime: RuntimeDep, prefix: &str) -> Self {
        Self {
            crates_dir: PathBuf::new(),
            openapi_dir: PathBuf::from("openapi"),
            prefix: prefix.to_owned(),
            runtime,
            in_repo: false,
            meta: PackageMeta::default(),
            releases: Default::default(),
        }
    }

    /// Package name of a generated crate (`<prefix><service>-<kind>`).
    pub fn package(&self, service: &str, kind: &str) -> String {
        format!("{}{service}-{kind}", self.prefix)
    }

    /// The crate's directory, relative to the output root.
    pub fn crate_dir(&self, service: &str, kind: &str) -> PathBuf {
        self.crates_dir.join(self.package(service, kind))
    }

    /// `[lib] name` when the package name does not give `<service>_<kind>` already.
    pub fn lib_name(&self, service: &str, kind: &str) -> Option<String> {
        (!self.prefix.is_empty()).then(|| format!("{service}-{kind}").replace('-', "_"))
    }

    /// The dependency line on the runtime with `extra` settings (`default-features = false, …`),
    /// for a crate in `crate_dir`.
    pub fn runtime_dep(&self, crate_dir: &Path, extra: &str) -> String {
        let source = match &self.runtime {
            RuntimeDep::Path(p) => {
                let path = if p.is_absolute() {
                    p.clone()
                } else {
                    relative_from(crate_dir, p)
                };
                // Packaging replaces a path by the version; both are given so the crate can be
                // published as generated.
                format!(
                    "version = \"{RUNTIME_VERSION}\", path = \"{}\"",
                    toml_path(&path)
                )
            }
            RuntimeDep::Git { url, pin } => match pin {
                Some((k, v)) => format!("git = \"{url}\", {k} = \"{v}\""),
                None => format!("git = \"{url}\""),
            },
            RuntimeDep::Version(req) => format!("version = \"{req}\""),
        };
        let extra = if extra.is_empty() {
            String::new()
        } else {
            format!(", {extra}")
        };
        format!("apigen-runtime = {{ {source}{extra} }}")
    }

    /// The dependency line on a sibling generated crate (`kind` of `service`), by the name the
    /// generated code uses (`mse-models`) whatever the package is called.
    pub fn sibling_dep(&self, service: &str, kind: &str, version: &str) -> String {
        let key = format!("{service}-{kind}");
        let package = self.package(service, kind);
        let rename = if package == key {
            String::new()
        } else {
            format!(", package = \"{package}\"")
        };
        format!("{key} = {{ version = \"{version}\", path = \"../{package}\"{rename} }}")
    }
}

/// `target` (relative to the output root) as seen from `from` (also relative to the root).
fn relative_from(from: &Path, target: &Path) -> PathBuf {
    let depth = from
        .components()
        .filter(|c| matches!(c, Component::Normal(_)))
        .count();
    let mut out = PathBuf::new();
    for _ in 0..depth {
        out.push("..");
    }
    out.join(target)
}

/// A path as TOML text (forward slashes, quotes and backslashes escaped).
fn toml_path(p: &Path) -> String {
    p.to_string_lossy().replace('\\', "/").replace('"', "\\\"")
}

/// `path` as an absolute, lexically normalized path (relative paths against the current
/// directory); the path need not exist.
pub fn absolute(path: &Path) -> PathBuf {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    };
    let mut out = PathBuf::new();
    for c in joined.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// `target` relative to `base` (both absolute and normalized), e.g. for writing a path
/// dependency that survives moving the output directory together with the runtime.
pub fn relative_to(target: &Path, base: &Path) -> PathBuf {
    let t: Vec<_> = target.components().collect();
    let b: Vec<_> = base.components().collect();
    let common = t.iter().zip(&b).take_while(|(x, y)| x == y).count();
    // Sharing only the root (`/tmp/out` and `/work/apigen`): the absolute path reads better
    // and survives moving the output directory.
    if common <= 1 {
        return target.to_path_buf();
    }
    let mut out = PathBuf::new();
    for _ in common..b.len() {
        out.push("..");
    }
    for c in &t[common..] {
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dependency_lines_follow_the_layout() {
        let repo = Layout::in_repo();
        let dir = repo.crate_dir("mse", "client");
        assert_eq!(dir, PathBuf::from("generated/mse-client"));
        assert_eq!(
            repo.runtime_dep(&dir, "default-features = false"),
            format!("apigen-runtime = {{ version = \"{RUNTIME_VERSION}\", path = \"../../codegen/runtime\", default-features = false }}")
        );
        assert_eq!(
            repo.sibling_dep("mse", "models", "0.1.0"),
            "mse-models = { version = \"0.1.0\", path = \"../mse-models\" }"
        );
        assert_eq!(repo.lib_name("mse", "client"), None);

        let git = Layout::out_of_tree(
            RuntimeDep::Git {
                url: "https://example.org/apigen.git".into(),
                pin: Some(("tag", "v0.1.0".into())),
            },
            "acme-",
        );
        let dir = git.crate_dir("dms-kafka", "mock");
        assert_eq!(dir, PathBuf::from("acme-dms-kafka-mock"));
        assert_eq!(
            git.runtime_dep(&dir, ""),
            "apigen-runtime = { git = \"https://example.org/apigen.git\", tag = \"v0.1.0\" }"
        );
        assert_eq!(
            git.sibling_dep("dms-kafka", "server", "1.2.0"),
            "dms-kafka-server = { version = \"1.2.0\", path = \"../acme-dms-kafka-server\", package = \"acme-dms-kafka-server\" }"
        );
        assert_eq!(
            git.lib_name("dms-kafka", "mock").as_deref(),
            Some("dms_kafka_mock")
        );
        let version = Layout::out_of_tree(RuntimeDep::Version("=0.1.0".into()), "");
        assert_eq!(
            version.runtime_dep(Path::new("mse-models"), "features = [\"mock\"]"),
            "apigen-runtime = { version = \"=0.1.0\", features = [\"mock\"] }"
        );
    }

    #[test]
    fn relative_paths() {
        assert_eq!(
            relative_to(Path::new("/a/b/runtime"), Path::new("/a/c/out")),
            PathBuf::from("../../b/runtime")
        );
        assert_eq!(
            relative_to(Path::new("/work/runtime"), Path::new("/tmp/out")),
            PathBuf::from("/work/runtime")
        );
        assert_eq!(absolute(Path::new("/a/./b/../c")), PathBuf::from("/a/c"));
    }
}
