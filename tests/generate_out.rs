//! `apigen generate SPEC --out DIR` as a user runs it: into a temporary directory outside the
//! repository, with the runtime by path and a package-name prefix; then the generated crates
//! are built and their own tests (documented examples, round trip through the client against
//! the mock with signatures verified, bad requests, stateful mode) run there.
//!
//! The same workspace holds the crates of a global Huawei service (the IAM-like fixture
//! `tests/corpus/global-iam.yaml`; none of the five documents has one) and a user's crate
//! (`tests/global_service`) whose test calls that service's generated client against two of
//! its generated mocks, one standing in for IAM: the domain id looked up once, `X-Domain-Id`
//! sent signed, `{domain_id}` filled, no project id.
//!
//! Like `consume_as_user.rs` it stays offline and fast: the workspace `Cargo.lock` pins every
//! registry dependency, and the build goes to the same directory under the workspace target
//! (`target/consume-as-user`), so dependencies are compiled once for both tests.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("workspace root")
}

fn apigen(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_apigen"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("apigen runs")
}

#[test]
fn generated_crates_build_and_pass_their_tests_in_a_users_directory() {
    let root = workspace_root();
    let dir = tempfile::tempdir().expect("temporary directory");
    assert!(!dir.path().starts_with(&root));
    // The spec is given as a file outside the repository, as a user's would be.
    let spec = dir.path().join("kafka.yaml");
    std::fs::copy(root.join("specs/alikafka.yaml"), &spec).unwrap();
    std::fs::copy(
        root.join("tests/corpus/global-iam.yaml"),
        dir.path().join("global-iam.yaml"),
    )
    .unwrap();
    let runtime = root.join("codegen/runtime");
    let args = [
        "generate",
        "kafka.yaml",
        "global-iam.yaml",
        "--out",
        "crates",
        "--runtime-path",
        runtime.to_str().unwrap(),
        "--prefix",
        "acme-",
        "--workspace",
    ];
    let out = apigen(dir.path(), &args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let crates = dir.path().join("crates");
    let mut names: Vec<String> = std::fs::read_dir(&crates)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "Cargo.toml",
            "acme-alikafka-client",
            "acme-alikafka-mock",
            "acme-alikafka-models",
            "acme-alikafka-server",
            "acme-iamlet-client",
            "acme-iamlet-mock",
            "acme-iamlet-models",
            "acme-iamlet-server",
            "apigen-format.lock",
            "apigen.yaml",
            "openapi"
        ]
    );
    let manifest = std::fs::read_to_string(crates.join("acme-alikafka-client/Cargo.toml")).unwrap();
    assert!(
        manifest.contains("name = \"acme-alikafka-client\""),
        "{manifest}"
    );
    assert!(
        manifest.contains("name = \"alikafka_client\""),
        "{manifest}"
    );
    // The runtime dependency names the runtime given, absolute or relative to the crate (which
    // one depends on how much the two paths share, e.g. both under /tmp in a CI clone).
    let runtime_line = manifest
        .lines()
        .find(|l| l.starts_with("apigen-runtime = "))
        .unwrap_or_else(|| panic!("no runtime dependency in {manifest}"));
    let runtime_dep = runtime_line
        .split("path = \"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_else(|| panic!("no path in {runtime_line}"));
    assert_eq!(
        crates
            .join("acme-alikafka-client")
            .join(runtime_dep)
            .canonicalize()
            .unwrap(),
        runtime.canonicalize().unwrap(),
        "{runtime_line}"
    );
    // The same input gives the same files: `--check` finds nothing stale, and a file of the
    // user's next to the crates is left alone by a regeneration.
    std::fs::write(crates.join("acme-alikafka-mock/NOTES.md"), "mine").unwrap();
    let mut check = args.to_vec();
    check.push("--check");
    let out = apigen(dir.path(), &check);
    assert_eq!(
        out.status.code(),
        Some(1),
        "an extra file in a generated crate is stale"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("NOTES.md"));
    std::fs::write(crates.join("README.md"), "the user's").unwrap();
    assert!(apigen(dir.path(), &args).status.success());
    assert!(!crates.join("acme-alikafka-mock/NOTES.md").exists());
    assert_eq!(
        std::fs::read_to_string(crates.join("README.md")).unwrap(),
        "the user's"
    );
    assert!(apigen(dir.path(), &check).status.success());

    // The user's crate calling the global service joins the workspace.
    let user = crates.join("global-user");
    std::fs::create_dir_all(user.join("tests")).unwrap();
    for file in ["Cargo.toml", "tests/global.rs"] {
        std::fs::copy(
            root.join("tests/global_service").join(file),
            user.join(file),
        )
        .unwrap();
    }
    let workspace = std::fs::read_to_string(crates.join("Cargo.toml")).unwrap();
    assert!(workspace.contains("members = [\n"), "{workspace}");
    let workspace = workspace.replace("members = [\n", "members = [\n    \"global-user\",\n");
    std::fs::write(crates.join("Cargo.toml"), workspace).unwrap();

    std::fs::copy(root.join("Cargo.lock"), crates.join("Cargo.lock")).unwrap();
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"))
        .join("consume-as-user");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let started = Instant::now();
    let out = Command::new(cargo)
        .args(["test", "--offline", "--workspace"])
        .current_dir(&crates)
        .env("CARGO_TARGET_DIR", &target)
        .output()
        .expect("cargo runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "the generated crates failed their tests ({})\nstdout:\n{stdout}\nstderr:\n{stderr}",
        out.status
    );
    // Every generated test suite ran: per service the client's examples and the mock's four
    // suites; and the user's call of the global service.
    let passed = stdout.matches("test result: ok.").count();
    assert!(passed >= 11, "only {passed} test suites ran:\n{stdout}");
    assert!(
        stdout.contains("test a_global_client_looks_the_domain_up_once_and_sends_it_signed ... ok"),
        "the global service's call did not run:\n{stdout}"
    );
    let warnings: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("warning"))
        .collect();
    assert!(
        warnings.is_empty(),
        "the generated crates compile with warnings:\n{stderr}"
    );
    eprintln!(
        "generate_out: build and test took {:.1} s (target {})",
        started.elapsed().as_secs_f64(),
        target.display()
    );
}
