//! Versions and changelogs of generated crates (`apigen generate SPEC --out DIR --previous OLD`).
//!
//! A service's four crates are released together under one version. The version of a
//! regeneration follows `apigen diff OLD SPEC`: each change calls for the larger of the bumps
//! its severity (the wire) and its effect on the generated Rust API ask (an optional
//! parameter becoming required breaks callers on the wire; one becoming optional breaks
//! them in Rust, `new` losing an argument; `docs/semver.md` has the table for every rule),
//! and the largest decides, by cargo's reading of semantic versions (for `0.y.z`, `y` is the
//! major and `z` the minor number):
//!
//! | largest bump a change calls for | `x.y.z` (x ≥ 1) | `0.y.z` |
//! |---|---|---|
//! | major: breaking, or an incompatible Rust API | `(x+1).0.0` | `0.(y+1).0` |
//! | minor: non-breaking, or an additive Rust API | `x.(y+1).0` | `0.y.(z+1)` |
//! | patch: docs only, or none the diff names | `x.y.(z+1)` | `0.y.(z+1)` |
//!
//! What was released is recorded in the crates: the version in each `Cargo.toml`, the
//! SHA-256 of the spec it was generated from in `[package.metadata.apigen]`, and a
//! `CHANGELOG.md` with one section per release (the diff's entries, grouped by severity).
//! Regenerating from the spec already recorded keeps version and changelog, so generating
//! is idempotent, with or without `--previous`.

use crate::diff::{
    rules::{RustApi, Severity},
    Diff,
};
use crate::spec::{load, model::Spec};
use sha2::{Digest, Sha256};
use std::path::Path;

/// The version of a service's crates when nothing was released before.
pub const INITIAL_VERSION: &str = "0.1.0";

/// A service's release: what its crates' manifests and `CHANGELOG.md` say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Release {
    pub version: String,
    /// SHA-256 of the spec (its canonical YAML) the crates are generated from.
    pub spec_sha256: String,
    /// `CHANGELOG.md` of each of the service's crates.
    pub changelog: String,
}

/// Which part of the version a regeneration bumps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Bump {
    Patch,
    Minor,
    Major,
}

impl Bump {
    /// The bump one change calls for: the larger of what its severity (the wire) and its
    /// effect on the generated Rust API (what cargo-semver-checks sees) ask.
    pub fn of_change(severity: Severity, rust_api: RustApi) -> Bump {
        let wire = match severity {
            Severity::Breaking => Bump::Major,
            Severity::NonBreaking => Bump::Minor,
            Severity::Docs => Bump::Patch,
        };
        let api = match rust_api {
            RustApi::Incompatible => Bump::Major,
            RustApi::Additive => Bump::Minor,
            RustApi::Unchanged => Bump::Patch,
        };
        wire.max(api)
    }

    /// The bump the changes of `diff` call for: the largest of theirs.
    pub fn of(diff: &Diff) -> Bump {
        diff.changes
            .iter()
            .map(|c| Bump::of_change(c.severity, c.rust_api))
            .max()
            .unwrap_or(Bump::Patch)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Bump::Patch => "patch",
            Bump::Minor => "minor",
            Bump::Major => "major",
        }
    }
}

/// How many changes of `diff` are incompatible for the generated Rust API.
pub fn rust_incompatible(diff: &Diff) -> usize {
    diff.changes
        .iter()
        .filter(|c| c.rust_api == RustApi::Incompatible)
        .count()
}

/// `x.y.z` parsed (no pre-release or build metadata: apigen writes none).
fn parse(version: &str) -> Result<(u64, u64, u64), String> {
    let parts: Vec<&str> = version.trim().split('.').collect();
    let num = |s: &str| {
        s.parse::<u64>()
            .map_err(|_| format!("{version:?}: not a version of the form x.y.z"))
    };
    match parts.as_slice() {
        [x, y, z] => Ok((num(x)?, num(y)?, num(z)?)),
        _ => Err(format!("{version:?}: not a version of the form x.y.z")),
    }
}

/// The version after `bump` of `version`, by cargo's semver rules (see the module docs).
pub fn bumped(version: &str, bump: Bump) -> Result<String, String> {
    let (x, y, z) = parse(version)?;
    let (x, y, z) = match (bump, x) {
        (Bump::Major, 0) => (0, y + 1, 0),
        (Bump::Major, _) => (x + 1, 0, 0),
        (Bump::Minor, 0) => (0, y, z + 1),
        (Bump::Minor, _) => (x, y + 1, 0),
        (Bump::Patch, _) => (x, y, z + 1),
    };
    Ok(format!("{x}.{y}.{z}"))
}

/// SHA-256 (hex) of a spec's canonical YAML: equal for specs that generate the same crates.
pub fn spec_sha256(spec: &Spec) -> String {
    let digest = Sha256::digest(load::to_yaml(spec).as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// What a crate directory records of its last release: version, spec hash and changelog.
/// `None` when the directory holds no manifest apigen wrote.
pub fn recorded(crate_dir: &Path) -> Option<Release> {
    let manifest = std::fs::read_to_string(crate_dir.join("Cargo.toml")).ok()?;
    if !manifest.starts_with("# Generated by apigen") {
        return None;
    }
    let value = |key: &str| {
        manifest.lines().find_map(|l| {
            let rest = l.strip_prefix(key)?.trim_start().strip_prefix('=')?.trim();
            Some(rest.trim_matches('"').to_owned())
        })
    };
    Some(Release {
        version: value("version")?,
        spec_sha256: value("spec-sha256").unwrap_or_default(),
        changelog: std::fs::read_to_string(crate_dir.join("CHANGELOG.md")).unwrap_or_default(),
    })
}

/// The title and introduction of every changelog apigen writes.
fn changelog_head(service: &str) -> String {
    format!(
        "# Changelog of the `{service}` crates\n\n\
         Written by apigen (`apigen generate --out DIR --previous OLD_SPEC`) from `apigen diff` of \
         each regeneration; the most severe change decides the version (breaking, or incompatible \
         for the generated Rust API: major, or minor while 0.x; non-breaking or additive: minor, \
         or patch while 0.x; docs: patch). The models, client, server and mock crates share one \
         version.\n"
    )
}

/// The changelog sections (from the first `## `) of a changelog apigen wrote.
fn sections(changelog: &str) -> &str {
    if changelog.starts_with("## ") {
        return changelog;
    }
    changelog
        .find("\n## ")
        .map(|i| &changelog[i + 1..])
        .unwrap_or("")
}

fn heading(version: &str, spec: &Spec) -> String {
    let src = &spec.service.source;
    format!(
        "## {version}\n\nFrom `{}`, revision {} (spec SHA-256 `{}`).\n",
        src.document,
        src.revision,
        &spec_sha256(spec)[..12]
    )
}

/// The first release of a service's crates.
pub fn initial(spec: &Spec, version: &str) -> Release {
    let changelog = format!(
        "{}\n{}\nFirst release: {} operations.\n",
        changelog_head(&spec.service.name),
        heading(version, spec),
        spec.operations.len()
    );
    Release {
        version: version.to_owned(),
        spec_sha256: spec_sha256(spec),
        changelog,
    }
}

/// The release of `spec` after `previous` (what the crates record), `diff` being
/// `apigen diff` of the previous spec against `spec`. When the crates were generated from
/// `spec` already, `previous` stands (regenerating twice releases once).
pub fn next(
    previous: &Release,
    spec: &Spec,
    diff: &Diff,
) -> Result<(Release, Option<Bump>), String> {
    let sha = spec_sha256(spec);
    if previous.spec_sha256 == sha {
        return Ok((previous.clone(), None));
    }
    let bump = Bump::of(diff);
    let version = bumped(&previous.version, bump)?;
    let mut section = heading(&version, spec);
    let s = diff.summary;
    section.push_str(&format!(
        "\n{} breaking, {} non-breaking, {} docs; {} incompatible for the Rust API ({} bump; `apigen diff {} {}`).\n",
        s.breaking,
        s.non_breaking,
        s.docs,
        rust_incompatible(diff),
        bump.as_str(),
        diff.old.label,
        diff.new.label
    ));
    if diff.changes.is_empty() {
        section.push_str(
            "\nNo change `apigen diff` reports (the spec changed in what it does not compare, e.g. examples).\n",
        );
    }
    for (severity, title) in [
        (Severity::Breaking, "Breaking"),
        (Severity::NonBreaking, "Non-breaking"),
        (Severity::Docs, "Docs"),
    ] {
        let entries: Vec<_> = diff
            .changes
            .iter()
            .filter(|c| c.severity == severity)
            .collect();
        if entries.is_empty() {
            continue;
        }
        section.push_str(&format!("\n### {title}\n\n"));
        for c in entries {
            let mut line = String::from("- ");
            if let Some(op) = &c.operation {
                line.push_str(&format!("`{op}`"));
                if let Some(e) = &c.endpoint {
                    line.push_str(&format!(" (`{e}`)"));
                }
                line.push_str(": ");
            }
            if !c.path.is_empty() {
                line.push_str(&format!("`{}`: ", c.path));
            }
            line.push_str(&c.message.replace(['\n', '\r'], " "));
            if c.rust_api == RustApi::Incompatible && c.severity != Severity::Breaking {
                line.push_str(" (incompatible for the Rust API: a major release)");
            }
            line.push_str(&format!(" [`{}`]", c.id));
            section.push_str(&line);
            section.push('\n');
        }
    }
    let older = sections(&previous.changelog);
    let mut changelog = format!("{}\n{section}", changelog_head(&spec.service.name));
    if !older.is_empty() {
        changelog.push('\n');
        changelog.push_str(older);
    }
    Ok((
        Release {
            version,
            spec_sha256: sha,
            changelog,
        },
        Some(bump),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bumps_follow_cargo_semver() {
        assert_eq!(bumped("0.1.0", Bump::Major).unwrap(), "0.2.0");
        assert_eq!(bumped("0.1.3", Bump::Minor).unwrap(), "0.1.4");
        assert_eq!(bumped("0.1.3", Bump::Patch).unwrap(), "0.1.4");
        assert_eq!(bumped("1.4.2", Bump::Major).unwrap(), "2.0.0");
        assert_eq!(bumped("1.4.2", Bump::Minor).unwrap(), "1.5.0");
        assert_eq!(bumped("1.4.2", Bump::Patch).unwrap(), "1.4.3");
        assert!(bumped("1.4", Bump::Patch).is_err());
        assert!(bumped("1.4.x", Bump::Patch).is_err());
        assert!(bumped("1.4.2-rc.1", Bump::Patch).is_err());
    }

    #[test]
    fn sections_skip_the_head() {
        let text = format!("{}\n## 0.1.1\n\nx\n\n## 0.1.0\n\ny\n", changelog_head("s"));
        assert_eq!(sections(&text), "## 0.1.1\n\nx\n\n## 0.1.0\n\ny\n");
        assert_eq!(sections(""), "");
    }
}
