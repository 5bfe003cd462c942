//! The generated crates used the way a user would: a crate of its own, outside the workspace,
//! with path dependencies on `generated/alikafka-client` and `generated/alikafka-mock`. The crate
//! is the snippet of README.md ("Using the generated crates from your own crate"), so the
//! documentation is what gets built and run.
//!
//! To stay fast and offline it reuses the workspace's `Cargo.lock` (`--offline`, no registry
//! access) and builds into a dedicated directory under the workspace target directory, so after
//! the first run only the small crate itself is compiled.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

const SECTION: &str = "## Using the generated crates from your own crate";
const PLACEHOLDER: &str = "/path/to/apigen";

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The first fenced block of `lang` in the README section.
fn snippet(readme: &str, lang: &str) -> String {
    let start = readme
        .find(SECTION)
        .unwrap_or_else(|| panic!("README.md has no section {SECTION:?}"));
    let section = &readme[start..];
    let section = match section[SECTION.len()..].find("\n## ") {
        Some(end) => &section[..SECTION.len() + end],
        None => section,
    };
    let open = format!("```{lang}\n");
    let from = section
        .find(&open)
        .unwrap_or_else(|| panic!("no ```{lang} block in the README section"))
        + open.len();
    let len = section[from..]
        .find("```")
        .expect("the README code block is closed");
    section[from..from + len].to_owned()
}

#[test]
fn a_crate_outside_the_workspace_builds_against_the_generated_crates_and_runs() {
    let root = workspace_root()
        .canonicalize()
        .expect("workspace root exists");
    let readme = std::fs::read_to_string(root.join("README.md")).expect("README.md");
    let manifest = snippet(&readme, "toml");
    let main = snippet(&readme, "rust");
    assert!(
        manifest.contains(PLACEHOLDER),
        "the README manifest should use {PLACEHOLDER} for the checkout"
    );
    let root_str = root.to_str().expect("workspace path is UTF-8");
    let manifest = manifest.replace(PLACEHOLDER, root_str);

    let dir = tempfile::tempdir().expect("temporary directory");
    // Outside the workspace, so cargo must not find the workspace's Cargo.toml above it.
    assert!(!dir.path().starts_with(&root));
    std::fs::create_dir(dir.path().join("src")).unwrap();
    std::fs::write(dir.path().join("Cargo.toml"), manifest).unwrap();
    std::fs::write(dir.path().join("src/main.rs"), main).unwrap();
    // The workspace lock file pins every registry dependency to a version already downloaded.
    std::fs::copy(root.join("Cargo.lock"), dir.path().join("Cargo.lock")).unwrap();

    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"))
        .join("consume-as-user");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    // The user's credentials: a profile file in a temporary HOME, found by the default chain.
    let home = tempfile::tempdir().expect("temporary HOME");
    std::fs::create_dir(home.path().join(".alibabacloud")).unwrap();
    std::fs::write(
        home.path().join(".alibabacloud/credentials"),
        "[default]\ntype = access_key\naccess_key_id = my-key\naccess_key_secret = my-secret\n",
    )
    .unwrap();
    // cargo and rustup keep finding their own homes although HOME moves.
    let real_home = std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_default();
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| real_home.join(".cargo"));
    let rustup_home = std::env::var_os("RUSTUP_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| real_home.join(".rustup"));
    let started = Instant::now();
    let mut cmd = Command::new(cargo);
    cmd.args(["run", "--offline", "--quiet"])
        .current_dir(dir.path())
        .env("CARGO_TARGET_DIR", &target)
        .env("CARGO_HOME", cargo_home)
        .env("RUSTUP_HOME", rustup_home)
        .env("HOME", home.path())
        .env("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true");
    for (k, _) in std::env::vars_os() {
        if k.to_string_lossy().starts_with("ALIBABA_CLOUD_")
            && k != "ALIBABA_CLOUD_ECS_METADATA_DISABLED"
        {
            cmd.env_remove(&k);
        }
    }
    let out = cmd.output().expect("cargo runs");
    let took = started.elapsed();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "the user crate failed ({})\nstdout:\n{stdout}\nstderr:\n{stderr}",
        out.status
    );
    assert_eq!(stdout.trim(), "topics: test2,test1", "stderr:\n{stderr}");
    // Reported, not asserted: the first run compiles the dependencies into the dedicated
    // target directory; later runs compile only the user crate.
    eprintln!(
        "consume_as_user: build and run took {:.1} s (target {})",
        took.as_secs_f64(),
        target.display()
    );
}
