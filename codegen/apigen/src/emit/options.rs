//! The options `apigen generate SPEC… --out DIR` was given, recorded in `DIR/apigen.yaml` so
//! the next generation into DIR (a regeneration with `--previous`, typically) keeps the
//! runtime dependency, the package-name prefix and the package metadata without repeating
//! them. An option given on the command line replaces the recorded one.

use super::layout::{PackageMeta, RuntimeDep};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The file in DIR.
pub const FILE: &str = "apigen.yaml";

/// What `generate --out DIR` records.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Recorded {
    pub runtime: Runtime,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub prefix: String,
    pub license: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repository: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub homepage: Option<String>,
    /// Whether DIR/Cargo.toml, the crates' workspace, is written too.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub workspace: bool,
}

/// The runtime dependency as recorded: one of `path` (relative to DIR, as the manifests have
/// it), `git` (with at most one of `rev`, `tag`, `branch`) or `version`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Runtime {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub git: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rev: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub branch: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
}

impl Runtime {
    pub fn of(dep: &RuntimeDep) -> Runtime {
        match dep {
            RuntimeDep::Path(p) => Runtime {
                path: Some(p.to_string_lossy().replace('\\', "/")),
                ..Runtime::default()
            },
            RuntimeDep::Git { url, pin } => {
                let pinned = |kind: &str| {
                    pin.as_ref()
                        .filter(|(k, _)| *k == kind)
                        .map(|(_, v)| v.clone())
                };
                Runtime {
                    git: Some(url.clone()),
                    rev: pinned("rev"),
                    tag: pinned("tag"),
                    branch: pinned("branch"),
                    ..Runtime::default()
                }
            }
            RuntimeDep::Version(v) => Runtime {
                version: Some(v.clone()),
                ..Runtime::default()
            },
        }
    }

    /// The dependency; an error when the record names none, or more than one.
    pub fn dep(&self) -> Result<RuntimeDep, RuntimeChoiceError> {
        let pins: Vec<(&'static str, String)> = [
            ("rev", &self.rev),
            ("tag", &self.tag),
            ("branch", &self.branch),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.clone().map(|v| (k, v)))
        .collect();
        match (&self.path, &self.git, &self.version) {
            (Some(p), None, None) if pins.is_empty() => Ok(RuntimeDep::Path(PathBuf::from(p))),
            (None, Some(url), None) if pins.len() <= 1 => Ok(RuntimeDep::Git {
                url: url.clone(),
                pin: pins.into_iter().next(),
            }),
            (None, None, Some(v)) if pins.is_empty() => Ok(RuntimeDep::Version(v.clone())),
            _ => Err(RuntimeChoiceError),
        }
    }
}

impl Recorded {
    pub fn new(runtime: &RuntimeDep, prefix: &str, meta: &PackageMeta, workspace: bool) -> Self {
        Recorded {
            runtime: Runtime::of(runtime),
            prefix: prefix.to_owned(),
            license: meta.license.clone(),
            repository: meta.repository.clone(),
            homepage: meta.homepage.clone(),
            workspace,
        }
    }

    /// The package metadata recorded.
    pub fn meta(&self) -> PackageMeta {
        PackageMeta {
            license: self.license.clone(),
            repository: self.repository.clone(),
            homepage: self.homepage.clone(),
        }
    }

    /// The file's text: a comment saying what it is, then the options.
    pub fn to_yaml(&self) -> String {
        let body = yaml_serde::to_string(self).expect("options serialize");
        format!(
            "# Written by apigen (`apigen generate --out DIR`): the options the crates here were \
             generated with.\n# The next `apigen generate … --out DIR` reuses them; an option \
             given on its command line replaces the one here.\n{body}"
        )
    }
}

/// Why the recorded options cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum OptionsError {
    #[error(transparent)]
    Io(#[from] crate::error::IoError),
    /// The file is not what apigen writes (with the parser's line and column).
    #[error("{path}: {source} (written by `apigen generate --out`; fix or remove it)", path = .path.display())]
    Parse {
        path: PathBuf,
        source: yaml_serde::Error,
    },
    /// The file parses but names no runtime dependency, or more than one.
    #[error("{path}: {source} (written by `apigen generate --out`; fix or remove it)", path = .path.display())]
    Runtime {
        path: PathBuf,
        source: RuntimeChoiceError,
    },
}

/// A recorded `runtime` that names no dependency, or more than one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "`runtime` takes one of `path`, `git` (with at most one of `rev`, `tag`, `branch`) or `version`"
)]
pub struct RuntimeChoiceError;

/// The options recorded in `dir`, if any. A file that does not parse is an error naming it.
pub fn load(dir: &Path) -> Result<Option<Recorded>, OptionsError> {
    let path = dir.join(FILE);
    let text = match crate::error::read(&path) {
        Ok(t) => t,
        Err(e) if e.is_not_found() => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    let recorded: Recorded = match yaml_serde::from_str(&text) {
        Ok(r) => r,
        Err(source) => return Err(OptionsError::Parse { path, source }),
    };
    match recorded.runtime.dep() {
        Ok(_) => Ok(Some(recorded)),
        Err(source) => Err(OptionsError::Runtime { path, source }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runtime_round_trips() {
        for dep in [
            RuntimeDep::Path(PathBuf::from("../apigen/codegen/runtime")),
            RuntimeDep::Git {
                url: "https://example.org/apigen.git".into(),
                pin: Some(("tag", "v0.1.0".into())),
            },
            RuntimeDep::Git {
                url: "https://example.org/apigen.git".into(),
                pin: None,
            },
            RuntimeDep::Version("=0.1.0".into()),
        ] {
            let r = Recorded::new(&dep, "acme-", &PackageMeta::default(), true);
            let back: Recorded = yaml_serde::from_str(&r.to_yaml()).unwrap();
            assert_eq!(back, r);
            assert_eq!(back.runtime.dep().unwrap(), dep);
        }
    }
}
