//! The generated output as its own cache (`emit::format`): the digest manifest next to the
//! crates names every Rust file; a regeneration takes an unchanged file from disk, and formats
//! again a file whose tokens changed or that was edited by hand (`--check` names it).

use std::path::{Path, PathBuf};
use std::process::Output;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn generate(dir: &Path, spec: &Path, out: &str, extra: &[&str]) -> Output {
    let runtime = root().join("codegen/runtime");
    std::process::Command::new(env!("CARGO_BIN_EXE_apigen"))
        .arg("generate")
        .arg(spec)
        .args(["--out", out, "--runtime-path"])
        .arg(&runtime)
        .args(extra)
        .current_dir(dir)
        .output()
        .expect("apigen runs")
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The manifest's entries: path → (input digest, output digest).
fn entries(manifest: &str) -> std::collections::BTreeMap<String, (String, String)> {
    manifest
        .lines()
        .filter(|l| !l.starts_with('#') && !l.starts_with("rustfmt: "))
        .map(|l| {
            let mut p = l.splitn(3, ' ');
            let (i, o, path) = (p.next().unwrap(), p.next().unwrap(), p.next().unwrap());
            (path.to_owned(), (i.to_owned(), o.to_owned()))
        })
        .collect()
}

fn rust_files(dir: &Path, base: &Path, out: &mut Vec<String>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, base, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(
                p.strip_prefix(base)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/"),
            );
        }
    }
}

fn ok(out: &Output) {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn unchanged_files_are_reused_and_edited_or_changed_ones_formatted_again() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let spec = dir.join("kafkalet.yaml");
    std::fs::copy(root().join("tests/corpus/good-rpc.yaml"), &spec).unwrap();
    ok(&generate(dir, &spec, "crates", &[]));
    let crates = dir.join("crates");
    let manifest_path = crates.join("apigen-format.lock");
    let manifest = std::fs::read_to_string(&manifest_path).unwrap();
    let recorded = entries(&manifest);
    // Every Rust file has its entry, with the digest of what is on disk.
    let mut rs = Vec::new();
    rust_files(&crates, &crates, &mut rs);
    rs.sort();
    assert_eq!(recorded.keys().cloned().collect::<Vec<_>>(), rs);
    for (path, (_, output)) in &recorded {
        assert_eq!(
            *output,
            sha256_hex(&std::fs::read(crates.join(path)).unwrap()),
            "{path}"
        );
    }
    let lib = crates.join("kafkalet-models/src/lib.rs");
    let formatted = std::fs::read_to_string(&lib).unwrap();
    ok(&generate(dir, &spec, "crates", &["--check"]));

    // An unchanged file is taken from disk, not printed and formatted again: planted content
    // with a matching digest entry comes back as it is.
    let planted = format!("{formatted}// planted\n");
    let forged = manifest.replace(
        &recorded["kafkalet-models/src/lib.rs"].1,
        &sha256_hex(planted.as_bytes()),
    );
    std::fs::write(&lib, &planted).unwrap();
    std::fs::write(&manifest_path, &forged).unwrap();
    ok(&generate(dir, &spec, "crates", &["--check"]));

    // A hand edit (the file's entry still names the formatted content): `--check` names the
    // file and nothing else, `generate` writes the formatted file back, the manifest stays.
    std::fs::write(&manifest_path, &manifest).unwrap();
    std::fs::write(&lib, &planted).unwrap();
    let check = generate(dir, &spec, "crates", &["--check"]);
    assert_eq!(check.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&check.stderr);
    assert!(stderr.contains("kafkalet-models/src/lib.rs"), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    ok(&generate(dir, &spec, "crates", &[]));
    assert_eq!(std::fs::read_to_string(&lib).unwrap(), formatted);
    assert_eq!(std::fs::read_to_string(&manifest_path).unwrap(), manifest);

    // A changed token stream is printed and formatted again: the result is what a generation
    // with nothing to reuse gives, and its entry records the new digests.
    // (Released as a new version: `--previous` names the spec the crates came from.)
    let old = dir.join("old.yaml");
    std::fs::copy(&spec, &old).unwrap();
    let edited = std::fs::read_to_string(&spec).unwrap().replace(
        "description: Lists instances.",
        "description: Lists the instances.",
    );
    std::fs::write(&spec, edited).unwrap();
    let previous = ["--previous", old.to_str().unwrap()];
    ok(&generate(dir, &spec, "crates", &previous));
    // The same release from nothing to reuse: the old crates, their manifest removed.
    ok(&generate(dir, &old, "fresh", &[]));
    let fresh = dir.join("fresh");
    std::fs::remove_file(fresh.join("apigen-format.lock")).unwrap();
    ok(&generate(dir, &spec, "fresh", &previous));
    let now = entries(&std::fs::read_to_string(&manifest_path).unwrap());
    assert_eq!(
        now,
        entries(&std::fs::read_to_string(fresh.join("apigen-format.lock")).unwrap())
    );
    for path in now.keys() {
        assert_eq!(
            std::fs::read_to_string(crates.join(path)).unwrap(),
            std::fs::read_to_string(fresh.join(path)).unwrap(),
            "{path}"
        );
    }
    let changed: Vec<&String> = now
        .iter()
        .filter(|(p, e)| recorded[*p] != **e)
        .map(|(p, _)| p)
        .collect();
    assert!(
        changed.contains(&&"kafkalet-models/src/lib.rs".to_owned()),
        "{changed:?}"
    );
    assert!(std::fs::read_to_string(&lib)
        .unwrap()
        .contains("Lists the instances."));
}

/// `--timings`' CPU time of the emit phase (building tokens, manifests, READMEs, exports).
fn emit_ms(out: &Output) -> f64 {
    let stderr = String::from_utf8_lossy(&out.stderr);
    stderr
        .lines()
        .find_map(|l| l.strip_prefix("emit "))
        .and_then(|l| l.trim().strip_suffix(" ms"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| panic!("no emit line in {stderr}"))
}

#[test]
fn an_unchanged_service_is_read_back_whole_and_an_edited_one_generated_again() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let cache = dir.join("cache");
    let spec = dir.join("kafkalet.yaml");
    std::fs::copy(root().join("tests/corpus/good-rpc.yaml"), &spec).unwrap();
    let run = |extra: &[&str]| {
        let runtime = root().join("codegen/runtime");
        std::process::Command::new(env!("CARGO_BIN_EXE_apigen"))
            .arg("generate")
            .arg(&spec)
            .args(["--out", "crates", "--runtime-path"])
            .arg(&runtime)
            .args(extra)
            .current_dir(dir)
            .env("XDG_CACHE_HOME", &cache)
            .output()
            .expect("apigen runs")
    };
    let first = run(&["--timings"]);
    ok(&first);
    assert!(emit_ms(&first) > 0.0);
    // The stamp is in the cache directory, not in the output.
    assert!(cache.join("apigen/stamps").read_dir().unwrap().count() == 1);
    let crates = dir.join("crates");
    let readme = crates.join("kafkalet-client/README.md");
    let written = std::fs::read_to_string(&readme).unwrap();
    // Nothing changed: the service is taken from disk, nothing is emitted.
    let again = run(&["--check", "--timings"]);
    ok(&again);
    assert_eq!(emit_ms(&again), 0.0);
    // A hand edit of a file that is not Rust (no manifest entry): `--check` names it, and
    // `generate` emits the service again and writes the file back.
    std::fs::write(&readme, format!("{written}mine\n")).unwrap();
    let check = run(&["--check"]);
    assert_eq!(check.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&check.stderr);
    assert!(stderr.contains("kafkalet-client/README.md"), "{stderr}");
    let fixed = run(&["--timings"]);
    ok(&fixed);
    assert!(emit_ms(&fixed) > 0.0);
    assert_eq!(std::fs::read_to_string(&readme).unwrap(), written);
    // A changed spec (released with `--previous`): generated again, and the output is what
    // it says.
    let old = dir.join("old.yaml");
    std::fs::copy(&spec, &old).unwrap();
    let edited = std::fs::read_to_string(&spec).unwrap().replace(
        "description: Lists instances.",
        "description: Lists the instances.",
    );
    std::fs::write(&spec, edited).unwrap();
    let changed = run(&["--timings", "--previous", old.to_str().unwrap()]);
    ok(&changed);
    assert!(emit_ms(&changed) > 0.0);
    assert!(
        std::fs::read_to_string(crates.join("kafkalet-models/src/lib.rs"))
            .unwrap()
            .contains("Lists the instances.")
    );
}
