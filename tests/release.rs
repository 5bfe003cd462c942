//! `apigen generate --out DIR --previous OLD`: versions from the spec diff, the changelog, and
//! what generating again or from the wrong spec does. (cargo-semver-checks on the result:
//! `scripts/semver-check.sh`; `cargo package` of every crate: `scripts/package.sh`.)

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn apigen(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_apigen"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("apigen runs")
}

fn ok(out: &Output) -> String {
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "apigen failed: {err}");
    err
}

fn read(p: impl AsRef<Path>) -> String {
    std::fs::read_to_string(p.as_ref()).unwrap_or_else(|e| panic!("{}: {e}", p.as_ref().display()))
}

/// The first `version = "…"` of a manifest.
fn version(manifest: &str) -> &str {
    manifest
        .lines()
        .find_map(|l| l.strip_prefix("version = \""))
        .and_then(|v| v.strip_suffix('"'))
        .expect("a version line")
}

/// Replace the one occurrence of `from` in `text`.
fn edit(text: &str, from: &str, to: &str) -> String {
    assert_eq!(text.matches(from).count(), 1, "{from:?} occurs once");
    text.replacen(from, to, 1)
}

#[test]
fn versions_and_changelog_follow_the_diff() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let v1 = read(repo().join("tests/corpus/good-rpc.yaml"));
    std::fs::write(d.join("v1.yaml"), &v1).unwrap();
    let gen = |spec: &str, previous: Option<&str>| {
        let mut args = vec![
            "generate",
            spec,
            "--out",
            "crates",
            "--runtime-version",
            "0.1",
        ];
        if let Some(p) = previous {
            args.extend(["--previous", p]);
        }
        apigen(d, &args)
    };
    let manifest = || read(d.join("crates/kafkalet-models/Cargo.toml"));
    ok(&gen("v1.yaml", None));
    let m = manifest();
    assert_eq!(version(&m), "0.1.0");
    for field in [
        "license = \"Apache-2.0\"",
        "readme = \"README.md\"",
        "keywords = [",
        "categories = [",
        "include = [",
        "spec-sha256 = \"",
    ] {
        assert!(m.contains(field), "no {field} in\n{m}");
    }
    assert!(!m.contains("publish = false"), "{m}");
    let first = read(d.join("crates/kafkalet-client/CHANGELOG.md"));
    assert!(first.contains("## 0.1.0"), "{first}");
    // Siblings are required at the service's version.
    assert!(read(d.join("crates/kafkalet-client/Cargo.toml"))
        .contains("kafkalet-models = { version = \"0.1.0\", path = \"../kafkalet-models\" }"));

    // The spec changes but no --previous says so: refused, nothing written.
    let v2 = edit(
        &v1,
        "      - name: InstanceId\n        in: query\n        type: array<string>\n",
        "      - name: MaxResults\n        in: query\n        type: integer\n        description: Entries per page.\n      - name: InstanceId\n        in: query\n        type: array<string>\n",
    );
    std::fs::write(d.join("v2.yaml"), &v2).unwrap();
    let out = gen("v2.yaml", None);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--previous"));
    assert_eq!(version(&manifest()), "0.1.0");

    // An optional parameter: non-breaking, a patch while 0.x.
    let log = ok(&gen("v2.yaml", Some("v1.yaml")));
    assert!(log.contains("0.1.0 -> 0.1.1 (minor bump"), "{log}");
    assert_eq!(version(&manifest()), "0.1.1");
    let cl = read(d.join("crates/kafkalet-mock/CHANGELOG.md"));
    assert!(cl.contains("## 0.1.1"), "{cl}");
    assert!(cl.contains("### Non-breaking"), "{cl}");
    assert!(cl.contains("`GetInstanceList`"), "{cl}");
    assert!(cl.contains("[`optional-request-parameter-added`]"), "{cl}");
    assert!(cl.contains("`apigen diff v1.yaml v2.yaml`"), "{cl}");
    assert!(
        cl.find("## 0.1.1") < cl.find("## 0.1.0"),
        "newest first:\n{cl}"
    );
    // The same release again changes nothing; plain regeneration keeps it.
    let log = ok(&gen("v2.yaml", Some("v1.yaml")));
    assert!(log.contains("already generated from this spec"), "{log}");
    ok(&gen("v2.yaml", None));
    assert_eq!(version(&manifest()), "0.1.1");
    assert_eq!(read(d.join("crates/kafkalet-mock/CHANGELOG.md")), cl);

    // A --previous that is not what DIR was generated from is refused.
    let v3 = edit(
        &v2,
        "      - name: MaxResults\n        in: query\n        type: integer\n",
        "      - name: MaxResults\n        in: query\n        type: integer\n        required: true\n",
    );
    std::fs::write(d.join("v3.yaml"), &v3).unwrap();
    let out = gen("v3.yaml", Some("v1.yaml"));
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("another spec"));

    // A parameter that becomes required: breaking, the minor while 0.x.
    let log = ok(&gen("v3.yaml", Some("v2.yaml")));
    assert!(log.contains("0.1.1 -> 0.2.0 (major bump"), "{log}");
    let cl = read(d.join("crates/kafkalet-server/CHANGELOG.md"));
    assert!(cl.contains("### Breaking"), "{cl}");
    assert!(cl.contains("[`request-parameter-became-required`]"), "{cl}");
    for v in ["## 0.2.0", "## 0.1.1", "## 0.1.0"] {
        assert_eq!(cl.matches(v).count(), 1, "{v} once in\n{cl}");
    }
    assert!(read(d.join("crates/kafkalet-mock/Cargo.toml"))
        .contains("kafkalet-server = { version = \"0.2.0\""));
    // --check agrees with what was written.
    ok(&apigen(
        d,
        &[
            "generate",
            "v3.yaml",
            "--out",
            "crates",
            "--runtime-version",
            "0.1",
            "--previous",
            "v2.yaml",
            "--check",
        ],
    ));
}

#[test]
fn previous_needs_a_release_and_a_matching_service() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::copy(repo().join("tests/corpus/good-rpc.yaml"), d.join("v1.yaml")).unwrap();
    std::fs::copy(
        repo().join("tests/corpus/good-rest.yaml"),
        d.join("rest.yaml"),
    )
    .unwrap();
    let out = apigen(
        d,
        &[
            "generate",
            "v1.yaml",
            "--out",
            "crates",
            "--previous",
            "v1.yaml",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("generate the previous spec there first"));
    let out = apigen(
        d,
        &[
            "generate",
            "v1.yaml",
            "--out",
            "crates",
            "--previous",
            "rest.yaml",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is not among the specs"));
    let out = apigen(
        d,
        &["generate", "v1.yaml", "--out", "crates", "--license", ""],
    );
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn the_repository_crates_are_not_published() {
    let m = read(repo().join("generated/mse-client/Cargo.toml"));
    assert!(m.contains("publish = false"), "{m}");
    assert!(!m.contains("spec-sha256"), "{m}");
    assert!(!repo().join("generated/mse-client/CHANGELOG.md").exists());
}

/// The options given to `generate --out DIR` are recorded in DIR/apigen.yaml and reused by the
/// next generation into DIR, each unless the command line gives it again.
#[test]
fn generate_options_are_remembered_in_the_output_directory() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let v1 = read(repo().join("tests/corpus/good-rpc.yaml"));
    let v2 = edit(
        &v1,
        "      - name: InstanceId\n        in: query\n        type: array<string>\n",
        "      - name: MaxResults\n        in: query\n        type: integer\n      - name: InstanceId\n        in: query\n        type: array<string>\n",
    );
    std::fs::write(d.join("v1.yaml"), &v1).unwrap();
    std::fs::write(d.join("v2.yaml"), &v2).unwrap();
    ok(&apigen(
        d,
        &[
            "generate",
            "v1.yaml",
            "--out",
            "crates",
            "--runtime-git",
            "https://example.org/acme/apigen.git",
            "--runtime-pin",
            "tag=v0.1.0",
            "--prefix",
            "acme-",
            "--license",
            "MIT OR Apache-2.0",
            "--repository",
            "https://example.org/acme/crates",
            "--homepage",
            "https://example.org/acme",
            "--workspace",
        ],
    ));
    let recorded = read(d.join("crates/apigen.yaml"));
    for want in [
        "git: https://example.org/acme/apigen.git",
        "tag: v0.1.0",
        "prefix: acme-",
        "license: MIT OR Apache-2.0",
        "workspace: true",
    ] {
        assert!(recorded.contains(want), "no {want:?} in\n{recorded}");
    }
    let manifest = || read(d.join("crates/acme-kafkalet-client/Cargo.toml"));
    let first = manifest();

    // The release of the next revision names only the specs: everything else is as recorded.
    let log = ok(&apigen(
        d,
        &[
            "generate",
            "v2.yaml",
            "--out",
            "crates",
            "--previous",
            "v1.yaml",
        ],
    ));
    assert!(log.contains("0.1.0 -> 0.1.1"), "{log}");
    let m = manifest();
    assert_eq!(version(&m), "0.1.1");
    assert_eq!(
        m.replace("0.1.1", "0.1.0")
            .replace("v2.yaml", "v1.yaml")
            .lines()
            .filter(|l| !l.contains("spec-sha256"))
            .collect::<Vec<_>>(),
        first
            .lines()
            .filter(|l| !l.contains("spec-sha256"))
            .collect::<Vec<_>>(),
        "the manifest changed beyond version and spec hash"
    );
    for want in [
        "name = \"acme-kafkalet-client\"",
        "license = \"MIT OR Apache-2.0\"",
        "repository = \"https://example.org/acme/crates\"",
        "homepage = \"https://example.org/acme\"",
        "git = \"https://example.org/acme/apigen.git\", tag = \"v0.1.0\"",
    ] {
        assert!(m.contains(want), "no {want:?} in\n{m}");
    }
    assert!(read(d.join("crates/Cargo.toml")).contains("\"acme-kafkalet-client\""));
    assert_eq!(read(d.join("crates/apigen.yaml")), recorded);

    // An option given again replaces the recorded one, and is recorded in its place.
    ok(&apigen(
        d,
        &[
            "generate",
            "v2.yaml",
            "--out",
            "crates",
            "--runtime-version",
            "=0.1.0",
            "--license",
            "MIT",
        ],
    ));
    let m = manifest();
    assert!(m.contains("license = \"MIT\""), "{m}");
    assert!(m.contains("apigen-runtime = { version = \"=0.1.0\""), "{m}");
    assert!(
        m.contains("repository = \"https://example.org/acme/crates\""),
        "{m}"
    );
    let recorded = read(d.join("crates/apigen.yaml"));
    assert!(
        recorded.contains("version: =0.1.0") || recorded.contains("version: '=0.1.0'"),
        "{recorded}"
    );
    assert!(!recorded.contains("git"), "{recorded}");
    // --check reads the same options.
    ok(&apigen(
        d,
        &["generate", "v2.yaml", "--out", "crates", "--check"],
    ));

    // A recorded file that does not parse is an error naming it, not a silent default.
    std::fs::write(d.join("crates/apigen.yaml"), "runtime: [\n").unwrap();
    let out = apigen(d, &["generate", "v2.yaml", "--out", "crates"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("apigen.yaml"));
}

#[test]
fn crates_of_an_older_generator_get_a_major_release_from_the_same_spec() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(
        d.join("v1.yaml"),
        read(repo().join("tests/corpus/good-rpc.yaml")),
    )
    .unwrap();
    let gen = || {
        apigen(
            d,
            &[
                "generate",
                "v1.yaml",
                "--out",
                "crates",
                "--runtime-version",
                "0.1",
            ],
        )
    };
    ok(&gen());
    let models = d.join("crates/kafkalet-models/Cargo.toml");
    let m = read(&models);
    assert!(m.contains("\napi-generation = 2\n"), "{m}");
    // Crates from an apigen before API generations were recorded (generation 1).
    for krate in ["models", "client", "server", "mock"] {
        let p = d.join(format!("crates/kafkalet-{krate}/Cargo.toml"));
        std::fs::write(&p, edit(&read(&p), "api-generation = 2\n", "")).unwrap();
    }
    let log = ok(&gen());
    assert!(
        log.contains("0.1.0 -> 0.2.0 (major bump: generated by an older apigen"),
        "{log}"
    );
    let m = read(&models);
    assert_eq!(version(&m), "0.2.0");
    assert!(m.contains("\napi-generation = 2\n"), "{m}");
    let cl = read(d.join("crates/kafkalet-client/CHANGELOG.md"));
    assert!(cl.contains("## 0.2.0"), "{cl}");
    assert!(
        cl.contains("generated by an apigen of API generation 1, these by generation 2"),
        "{cl}"
    );
    // Regenerating by this apigen releases nothing new.
    let log = ok(&gen());
    assert!(!log.contains("->"), "{log}");
    assert_eq!(version(&read(&models)), "0.2.0");
}
