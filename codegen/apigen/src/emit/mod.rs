//! Emitters: spec IR → generated crates under `generated/`.
//!
//! Each service gets a `<service>-models` crate (request/response types, no HTTP stack) and
//! a `<service>-client` crate. Rust is built with quote! and formatted with prettyplease;
//! manifests and READMEs come from the askama templates in `templates/`.

pub mod client;
pub mod format;
pub mod layout;
pub mod lower;
pub mod manifest;
pub mod mock;
pub mod models;
pub mod names;
pub mod openapi;
pub mod options;
pub mod plans_table;
pub mod release;
pub mod schema;
pub mod server;
pub mod stamp;
pub mod timings;
pub mod types;
pub mod waiters;
pub mod wire;

pub use layout::{Layout, RuntimeDep};
pub use lower::{lower, LowerError, OperationModel, ServiceModel};

use crate::error::IoError;
use crate::spec::{load, model::Spec};
use proc_macro2::TokenStream;
use std::path::{Path, PathBuf};

/// Why `apigen generate` could not produce or write the crates.
#[derive(Debug, thiserror::Error)]
pub enum GenerateError {
    /// Reading `specs/` or writing an output file.
    #[error(transparent)]
    Io(#[from] IoError),
    /// A spec does not load (file, line, what was expected).
    #[error(transparent)]
    Spec(Box<load::LoadError>),
    /// A spec's resource file does not fit it.
    #[error(transparent)]
    Lower(#[from] LowerError),
    /// rustfmt is missing or failed: the output would depend on the machine.
    #[error(transparent)]
    Format(#[from] format::FormatError),
    /// The generator printed Rust that does not parse (a generator bug).
    #[error("generated code does not parse: {0}")]
    Unparsable(#[from] syn::Error),
    /// A generator thread panicked (a generator bug).
    #[error("the generator panicked on `{0}`")]
    Panicked(String),
}

impl From<load::LoadError> for GenerateError {
    fn from(e: load::LoadError) -> Self {
        GenerateError::Spec(Box::new(e))
    }
}

/// One generated file, relative to the repository root.
#[derive(Debug, Clone, PartialEq)]
pub struct GeneratedFile {
    pub path: PathBuf,
    pub contents: String,
}

/// A raw string literal (`r#"…"#`, with as many `#` as the text needs) so JSON and other
/// quoted text in generated code reads as written instead of escaped.
pub fn raw_string(text: &str) -> proc_macro2::Literal {
    let mut hashes = String::new();
    while text.contains(&format!("\"{hashes}")) {
        hashes.push('#');
    }
    let lit = format!("r{hashes}\"{text}\"{hashes}");
    match lit.parse::<proc_macro2::Literal>() {
        Ok(l) => l,
        // A text a raw string cannot hold (a lone `\r`): an ordinary escaped literal.
        Err(_) => proc_macro2::Literal::string(text),
    }
}

/// A JSON value as a raw string literal: compact when short, else pretty-printed over lines.
pub fn json_literal(value: &serde_json::Value) -> proc_macro2::Literal {
    let compact = serde_json::to_string(value).unwrap_or_default();
    if compact.len() <= 60 {
        raw_string(&compact)
    } else {
        raw_string(&serde_json::to_string_pretty(value).unwrap_or(compact))
    }
}

/// Whether `tokens` mention the identifier `name` (for imports only where they are used).
pub fn mentions(tokens: &TokenStream, name: &str) -> bool {
    tokens.clone().into_iter().any(|t| match t {
        proc_macro2::TokenTree::Ident(i) => i == name,
        proc_macro2::TokenTree::Group(g) => mentions(&g.stream(), name),
        _ => false,
    })
}

/// A spec to generate from.
#[derive(Debug, Clone)]
pub struct SpecInput {
    /// How the generated crates name it: `specs/<file>` in this repository, the file name out
    /// of tree (so output does not depend on where it ran).
    pub name: String,
    /// Where it was read from: its reviewed resource file is looked up beside it, not
    /// relative to the working directory.
    pub path: PathBuf,
    pub spec: Spec,
}

/// Load every `specs/*.yaml` under `root`, sorted by file name.
pub fn load_specs(root: &Path) -> Result<Vec<SpecInput>, GenerateError> {
    let dir = root.join("specs");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map_err(|e| IoError::new(&dir, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    paths.sort();
    let named: Vec<(String, PathBuf)> = paths
        .into_iter()
        .map(|p| {
            let rel = format!(
                "specs/{}",
                p.file_name().unwrap_or_default().to_string_lossy()
            );
            (rel, p)
        })
        .collect();
    load_inputs(&named)
}

/// Load the specs at the given paths, each under the name the generated crates give it, in
/// parallel (one thread per spec: parsing YAML is most of `generate`'s loading); the order
/// stays, and the first failing spec (in that order) is the error.
pub fn load_inputs(named: &[(String, PathBuf)]) -> Result<Vec<SpecInput>, GenerateError> {
    std::thread::scope(|scope| {
        let handles: Vec<_> = named
            .iter()
            .map(|(name, p)| {
                let spec = scope.spawn(move || {
                    timings::time(timings::Phase::Load, || {
                        load::load_file(p).map_err(Box::new)
                    })
                });
                (name, p, spec)
            })
            .collect();
        handles
            .into_iter()
            .map(|(name, p, h)| match h.join() {
                Ok(spec) => Ok(SpecInput {
                    name: name.clone(),
                    path: p.clone(),
                    spec: spec.map_err(GenerateError::Spec)?,
                }),
                Err(_) => Err(GenerateError::Panicked(name.clone())),
            })
            .collect()
    })
}

/// Asks the kernel for ordinary pages instead of transparent huge pages for the rest of this
/// process (`generate`: short-lived, many threads). mimalloc marks its arenas for huge pages,
/// and every first touch of one zeroes 2 MiB: that zeroing was about 30% of `generate`'s own
/// CPU time (clear_page in the profile), for memory mostly never used. Children (rustfmt)
/// inherit the setting; glibc's malloc does not ask for huge pages anyway.
pub fn small_pages() {
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE takes integer arguments and touches no memory of ours; a
    // kernel without it returns an error, which changes nothing.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

/// Everything `apigen generate` writes into this repository, in a fixed order, printing and
/// formatting every file.
pub fn generate(specs: &[SpecInput]) -> Result<Vec<GeneratedFile>, GenerateError> {
    generate_with(specs, &Layout::in_repo())
}

/// Everything `apigen generate` writes for `layout`, in a fixed order (paths relative to the
/// output root), printing and formatting every file.
pub fn generate_with(
    specs: &[SpecInput],
    layout: &Layout,
) -> Result<Vec<GeneratedFile>, GenerateError> {
    Ok(generate_in(specs, layout, &format::Previous::none(), None)?.files)
}

/// [`generate_with`] into the output root `root`: a Rust file the last generation there
/// formatted from the same tokens, with the same rustfmt, and that is unchanged on disk is
/// taken as it is (see [`format`]).
pub fn generate_at(
    specs: &[SpecInput],
    layout: &Layout,
    root: &Path,
) -> Result<Vec<GeneratedFile>, GenerateError> {
    Ok(generate_stamped(specs, layout, root)?.files)
}

/// What a generation into an output root gives: the files, and the [`stamp`] that records
/// them (to be written once they are on disk).
#[derive(Debug)]
pub struct Generation {
    pub files: Vec<GeneratedFile>,
    pub stamp: stamp::Stamp,
}

/// [`generate_at`], also taking from disk whole every service whose inputs the local
/// [`stamp`] under `root` records and whose files are still what it wrote.
pub fn generate_stamped(
    specs: &[SpecInput],
    layout: &Layout,
    root: &Path,
) -> Result<Generation, GenerateError> {
    let rustfmt = format::rustfmt_version()?;
    let (previous, recorded) = timings::time(timings::Phase::Reuse, || {
        (
            format::Previous::read(root, &manifest_path(layout), rustfmt),
            stamp::Stamp::read(root, &manifest_path(layout)),
        )
    });
    generate_in(specs, layout, &previous, Some((&recorded, root)))
}

/// Where the digest manifest of `layout`'s crates is, relative to the output root.
pub fn manifest_path(layout: &Layout) -> PathBuf {
    layout.crates_dir.join(format::MANIFEST)
}

/// Services are generated in parallel (one thread each; the order of the result is the order
/// of `specs`), and each thread formats its service's Rust files with one rustfmt run, so
/// rustfmt of one service overlaps the emitting of the next. With a stamp (and the output
/// root it is under), a service it records with unchanged inputs and files is read back from
/// disk instead. The digest manifest comes last.
fn generate_in(
    specs: &[SpecInput],
    layout: &Layout,
    previous: &format::Previous,
    recorded: Option<(&stamp::Stamp, &Path)>,
) -> Result<Generation, GenerateError> {
    // Also when no file needs formatting: the manifest names it.
    let rustfmt = format::rustfmt_version()?;
    type Stamped = (ServiceOutput, Option<[u8; 32]>);
    let per_spec: Vec<Result<Stamped, GenerateError>> = std::thread::scope(|scope| {
        let handles: Vec<_> = specs
            .iter()
            .map(|input| {
                scope.spawn(move || {
                    let key = recorded.and_then(|_| {
                        timings::time(timings::Phase::Reuse, || {
                            stamp::service_key(input, layout, rustfmt)
                        })
                    });
                    let reused = recorded.zip(key.as_ref()).and_then(|((stamp, root), key)| {
                        timings::time(timings::Phase::Reuse, || stamp.reuse(key, root))
                    });
                    match reused {
                        Some(output) => Ok((output, key)),
                        None => Ok((service_files(input, layout, previous)?, key)),
                    }
                })
            })
            .collect();
        handles
            .into_iter()
            .zip(specs)
            .map(|(h, input)| {
                h.join()
                    .unwrap_or_else(|_| Err(GenerateError::Panicked(input.name.clone())))
            })
            .collect()
    });
    let mut files = Vec::new();
    let mut entries = std::collections::BTreeMap::new();
    let mut next_stamp = stamp::Stamp::default();
    for output in per_spec {
        let (output, key) = output?;
        if let Some(key) = key {
            next_stamp.record(key, &output);
        }
        let (f, e) = output;
        files.extend(f);
        for (path, entry) in e {
            entries.insert(path.to_string_lossy().replace('\\', "/"), entry);
        }
    }
    let owned = if layout.in_repo {
        vec![layout.crates_dir.clone()]
    } else {
        crate_dirs(&files)
    };
    let manifest = previous.next(rustfmt, entries, &owned).render();
    next_stamp.manifest = format::sha256(manifest.as_bytes());
    files.push(file(manifest_path(layout), manifest));
    Ok(Generation {
        files,
        stamp: next_stamp,
    })
}

/// The files of one service and the manifest entries of its Rust files.
pub(crate) type ServiceOutput = (Vec<GeneratedFile>, Vec<(PathBuf, format::Entry)>);

/// The crates and the OpenAPI export of one service, formatted, and the manifest entries of
/// its Rust files.
fn service_files(
    input: &SpecInput,
    layout: &Layout,
    previous: &format::Previous,
) -> Result<ServiceOutput, GenerateError> {
    use timings::{time, Phase};
    let (spec_path, spec) = (input.name.as_str(), &input.spec);
    let sm = time(Phase::Lower, || {
        lower::lower_at(spec_path, &input.path, spec)
    })?;
    let c = Ctx {
        spec_path,
        spec,
        sm: &sm,
        layout,
        previous,
        rust: Default::default(),
    };
    let mut files = time(Phase::Emit, || -> Result<_, GenerateError> {
        let mut files = Vec::new();
        files.extend(models_crate(&c)?);
        files.extend(client_crate(&c)?);
        files.extend(server_crate(&c)?);
        files.extend(mock_crate(&c)?);
        for kind in ["models", "client", "server", "mock"] {
            files.extend(c.changelog(kind));
        }
        // The OpenAPI export is an output like the crates: regenerated and checked together.
        files.push(GeneratedFile {
            path: layout
                .openapi_dir
                .join(format!("{}.json", spec.service.name)),
            contents: openapi::to_json_string(&openapi::export(&sm)),
        });
        Ok(files)
    })?;
    let rust = c.rust.into_inner();
    // The printed files, formatted together (taken out of `files` and put back).
    let pending: Vec<usize> = (0..files.len())
        .filter(|&i| rust.get(&files[i].path).is_some_and(|r| r.output.is_none()))
        .collect();
    let mut printed: Vec<GeneratedFile> = pending
        .iter()
        .map(|&i| {
            file(
                files[i].path.clone(),
                std::mem::take(&mut files[i].contents),
            )
        })
        .collect();
    time(Phase::Rustfmt, || format::rustfmt_all(&mut printed, 1))?;
    for (f, &i) in printed.into_iter().zip(&pending) {
        files[i].contents = f.contents;
    }
    let entries = time(Phase::Reuse, || {
        files
            .iter()
            .filter_map(|f| {
                let r = rust.get(&f.path)?;
                let output = r
                    .output
                    .unwrap_or_else(|| format::sha256(f.contents.as_bytes()));
                Some((
                    f.path.clone(),
                    format::Entry {
                        input: r.input,
                        output,
                    },
                ))
            })
            .collect()
    });
    Ok((files, entries))
}

/// A `[workspace]` manifest listing the crates of `files` (`apigen generate --workspace`).
pub fn workspace_manifest(files: &[GeneratedFile]) -> GeneratedFile {
    let mut members: Vec<String> = files
        .iter()
        .filter(|f| f.path.file_name().is_some_and(|n| n == "Cargo.toml"))
        .filter_map(|f| f.path.parent())
        .map(|d| d.to_string_lossy().replace('\\', "/"))
        .collect();
    members.sort();
    let mut text = String::from(WORKSPACE_MARKER);
    text.push_str("\n[workspace]\nresolver = \"2\"\nmembers = [\n");
    for m in members {
        text.push_str(&format!("    \"{m}\",\n"));
    }
    text.push_str("]\n");
    GeneratedFile {
        path: PathBuf::from("Cargo.toml"),
        contents: text,
    }
}

/// First line of a workspace manifest apigen wrote (and may overwrite).
pub const WORKSPACE_MARKER: &str =
    "# Generated by apigen (`apigen generate --workspace`): the generated crates as one workspace.";

/// What every crate emitter needs: the spec, where it was read from, its lowered model, and
/// the layout.
struct Ctx<'a> {
    spec_path: &'a str,
    spec: &'a Spec,
    sm: &'a ServiceModel<'a>,
    layout: &'a Layout,
    /// What the last generation into the output root formatted.
    previous: &'a format::Previous,
    /// The Rust files emitted so far, by path.
    rust: std::cell::RefCell<std::collections::HashMap<PathBuf, RustFile>>,
}

/// How a Rust file was obtained.
struct RustFile {
    /// [`format::input_digest`] of its header and tokens.
    input: [u8; 32],
    /// The content digest of a file reused from the last generation; `None`: printed now, to
    /// be formatted.
    output: Option<[u8; 32]>,
}

impl Ctx<'_> {
    /// The Rust file at `path` of `header` (as `//!` lines) and `tokens`: reused from the last
    /// generation when it formatted the same, else printed with prettyplease (rustfmt runs over
    /// all printed files of the service at once, in [`service_files`]).
    fn rust_file(
        &self,
        path: PathBuf,
        header: &str,
        tokens: TokenStream,
    ) -> Result<GeneratedFile, GenerateError> {
        use timings::{nested, Phase};
        nested(Phase::Emit, Phase::Print, || {
            let (input, reused) = nested(Phase::Print, Phase::Reuse, || {
                let input = format::input_digest(header, &tokens);
                (input, self.previous.reuse(&input))
            });
            let (contents, output) = match reused {
                Some((text, output)) => (text, Some(output)),
                None => (format::print(header, tokens)?, None),
            };
            self.rust
                .borrow_mut()
                .insert(path.clone(), RustFile { input, output });
            Ok(file(path, contents))
        })
    }

    fn svc(&self) -> &str {
        &self.spec.service.name
    }

    fn dir(&self, kind: &str) -> PathBuf {
        self.layout.crate_dir(self.svc(), kind)
    }

    fn runtime(&self, kind: &str, extra: &str) -> String {
        self.layout.runtime_dep(&self.dir(kind), extra)
    }

    fn sibling(&self, kind: &str) -> String {
        self.layout.sibling_dep(self.svc(), kind, self.version())
    }

    /// The version of the service's crates.
    fn version(&self) -> &str {
        self.layout
            .releases
            .get(self.svc())
            .map(|r| r.version.as_str())
            .unwrap_or(release::INITIAL_VERSION)
    }

    /// `CHANGELOG.md` of a crate, when the layout records releases.
    fn changelog(&self, kind: &str) -> Option<GeneratedFile> {
        let r = self.layout.releases.get(self.svc())?;
        Some(file(
            self.dir(kind).join("CHANGELOG.md"),
            r.changelog.clone(),
        ))
    }

    fn manifest(
        &self,
        kind: &str,
        description: &str,
        bins: Vec<String>,
        dependencies: Vec<String>,
        dev_dependencies: Vec<String>,
    ) -> String {
        let name = self.layout.package(self.svc(), kind);
        let meta = &self.layout.meta;
        let release = self.layout.releases.get(self.svc());
        let mut keywords: Vec<String> = [
            self.svc(),
            match self.spec.service.vendor {
                crate::spec::model::Vendor::Alibaba => "alibaba-cloud",
                crate::spec::model::Vendor::Huawei => "huawei-cloud",
            },
            "api",
            kind,
        ]
        .iter()
        .filter_map(|k| manifest::keyword(k))
        .collect();
        keywords.dedup();
        let categories: &[&str] = match kind {
            "client" => &["api-bindings", "web-programming::http-client"],
            "server" => &["api-bindings", "web-programming::http-server"],
            "mock" => &["development-tools::testing", "web-programming::http-server"],
            _ => &["api-bindings"],
        };
        // What a package holds: sources, tests (their data included), README and changelog.
        let mut include = vec!["/Cargo.toml", "/README.md", "/src/**", "/tests/**"];
        if release.is_some() {
            include.insert(2, "/CHANGELOG.md");
        }
        manifest::render(&manifest::CargoToml {
            spec_path: self.spec_path,
            name: &name,
            lib_name: self.layout.lib_name(self.svc(), kind),
            version: self.version(),
            description: manifest::toml_str(description),
            license: manifest::toml_str(&meta.license),
            repository: meta.repository.as_deref().map(manifest::toml_str),
            homepage: meta.homepage.as_deref().map(manifest::toml_str),
            keywords: manifest::toml_list(&keywords),
            categories: manifest::toml_list(categories),
            include: manifest::toml_list(&include),
            publish: !self.layout.in_repo,
            bins,
            dependencies,
            dev_dependencies,
            spec_sha256: release.map(|r| r.spec_sha256.as_str()),
            api_generation: release::API_GENERATION,
        })
    }

    fn readme(&self, kind: &str, summary: &str, body: String) -> String {
        let name = self.layout.package(self.svc(), kind);
        manifest::render(&manifest::Readme {
            name: &name,
            summary,
            spec_path: self.spec_path,
            in_repo: self.layout.in_repo,
            title: &self.spec.service.source.title,
            revision: &self.spec.service.source.revision,
            body,
        })
    }
}

fn models_crate(c: &Ctx) -> Result<Vec<GeneratedFile>, GenerateError> {
    let (spec_path, spec) = (c.spec_path, c.spec);
    let dir = c.dir("models");
    let description = format!("Request and response models of {}", spec.service.title);
    let cargo = c.manifest(
        "models",
        &description,
        vec![],
        vec![
            c.runtime("models", "default-features = false"),
            "serde = { version = \"1\", features = [\"derive\"] }".into(),
            "serde_json = \"1\"".into(),
        ],
        vec![],
    );
    let header = format!(
        "Request and response models of {} ({} operations).\n\nEvery struct and enum is `#[non_exhaustive]`, so a parameter, member, field or value the vendor adds is an addition here too: build requests and their nested types with `new(required…)` and the setters, responses (in a server or a test) from `Default` and their public fields (`let mut r = XResponse::default(); r.field = Some(…);`), and match enums with a wildcard arm.\n\nGenerated by apigen from `{spec_path}`. Do not edit.",
        spec.service.title,
        spec.operations.len()
    );
    let lib = c.rust_file(dir.join("src/lib.rs"), &header, models::emit(c.sm))?;
    let readme = c.readme(
        "models",
        &description,
        "Plain data types shared by the client, server and mock crates.".into(),
    );
    Ok(vec![
        file(dir.join("Cargo.toml"), cargo),
        file(dir.join("README.md"), readme),
        lib,
    ])
}

fn client_crate(c: &Ctx) -> Result<Vec<GeneratedFile>, GenerateError> {
    let (spec_path, spec) = (c.spec_path, c.spec);
    let dir = c.dir("client");
    let description = format!("Async client of {}", spec.service.title);
    let cargo = c.manifest(
        "client",
        &description,
        vec![],
        vec![
            c.runtime("client", ""),
            c.sibling("models"),
            "serde_json = \"1\"".into(),
        ],
        vec![],
    );
    let others: Vec<String> = spec
        .service
        .products
        .iter()
        .map(|p| {
            let n = spec
                .operations
                .iter()
                .filter(|o| o.product.as_deref() == Some(p.code.as_str()))
                .count();
            format!("; {n} of {} in [`{}`]", p.title, p.code)
        })
        .collect();
    let header = format!(
        "Async client of {} ({} operations{}).\n\nGenerated by apigen from `{spec_path}`. Do not edit.",
        spec.service.title,
        spec.operations.len(),
        others.concat()
    );
    let lib = c.rust_file(dir.join("src/lib.rs"), &header, client::emit_lib(c.sm))?;
    let tests = client::emit_tests(c.sm);
    let test_header = format!(
        "Documented examples of `{spec_path}`: {} response examples decoded, {} request examples \
         reproduced ({} and {} skipped, reasons on each test).\n\nGenerated by apigen. Do not edit.",
        tests.response_checked, tests.request_checked, tests.response_skipped, tests.request_skipped
    );
    let test_file = c.rust_file(dir.join("tests/examples.rs"), &test_header, tests.tokens)?;
    let readme = c.readme("client", &description, manifest::client_readme_body(c.sm));
    let mut files = vec![
        file(dir.join("Cargo.toml"), cargo),
        file(dir.join("README.md"), readme),
        lib,
        test_file,
    ];
    if c.layout.in_repo {
        // The recorded SDK requests live in this repository (tests/wire/), not in users' trees.
        let svc = c.svc();
        files.push(c.rust_file(
            dir.join("tests/wire.rs"),
            &format!(
                "Wire-level differential test: the requests the official SDK sent for the \
                 operations it shares with `{spec_path}` (`tests/wire/{svc}.json`, recorded by \
                 `scripts/record-wire.sh`) against this client's `encode` functions.\n\n\
                 Generated by apigen. Do not edit."
            ),
            wire::emit_wire_test(c.sm),
        )?);
    }
    Ok(files)
}

fn file(path: PathBuf, contents: String) -> GeneratedFile {
    GeneratedFile { path, contents }
}

fn server_crate(c: &Ctx) -> Result<Vec<GeneratedFile>, GenerateError> {
    let (spec_path, spec) = (c.spec_path, c.spec);
    let svc = c.svc();
    let dir = c.dir("server");
    let description = format!("Server stub (axum) of {}", spec.service.title);
    let cargo = c.manifest(
        "server",
        &description,
        vec![],
        vec![
            c.runtime(
                "server",
                "default-features = false, features = [\"server\"]",
            ),
            c.sibling("models"),
        ],
        vec![],
    );
    let header = format!(
        "Server stub of {} ({} operations): implement [`{}`] and serve [`router`].\n\nGenerated by apigen from `{spec_path}`. Do not edit.",
        spec.service.title,
        spec.operations.len(),
        c.sm.names.trait_name,
    );
    let readme = c.readme(
        "server",
        &description,
        format!(
            "Implement `{svc_trait}` (every method defaults to the vendor's `NotImplemented` error) and serve \
             `{krate}::router(my_impl, verifier)` with axum. Requests are checked against the spec \
             (`src/schema.json`) before your method runs; faults get the vendor's 4xx error body.",
            svc_trait = c.sm.names.trait_name,
            krate = format!("{svc}_server").replace('-', "_"),
        ),
    );
    Ok(vec![
        file(dir.join("Cargo.toml"), cargo),
        file(dir.join("README.md"), readme),
        c.rust_file(dir.join("src/lib.rs"), &header, server::emit_lib(c.sm))?,
        file(dir.join("src/schema.json"), schema::to_json(&schema::service_schema(c.sm))),
        c.rust_file(
            dir.join("tests/server.rs"),
            "The schema and the router of the generated server stub.\n\nGenerated by apigen. Do not edit.", server::emit_tests(c.sm),
        )?,
    ])
}

fn mock_crate(c: &Ctx) -> Result<Vec<GeneratedFile>, GenerateError> {
    let (spec_path, spec) = (c.spec_path, c.spec);
    let svc = c.svc();
    let name = format!("{svc}-mock");
    let dir = c.dir("mock");
    let description = format!("Mock server of {}", spec.service.title);
    let cargo = c.manifest(
        "mock",
        &description,
        vec![c.layout.package(svc, "mock")],
        vec![
            c.runtime("mock", "default-features = false, features = [\"mock\"]"),
            c.sibling("server"),
            "serde_json = \"1\"".into(),
            "tokio = { version = \"1\", features = [\"rt-multi-thread\", \"macros\"] }".into(),
            "mimalloc = { version = \"0.1\", default-features = false }".into(),
        ],
        vec![
            c.runtime("mock", "features = [\"mock\"]"),
            c.sibling("client"),
            "serde = { version = \"1\", features = [\"derive\"] }".into(),
        ],
    );
    let header = format!(
        "Mock of {} ({} operations): [`{}`], embeddable in tests or run as the `{name}` binary.\n\nGenerated by apigen from `{spec_path}`. Do not edit.",
        spec.service.title,
        spec.operations.len(),
        c.sm.names.mock_name,
    );
    let readme = c.readme("mock", &description, mock::readme_body(c.sm));
    let mut files = vec![
        file(dir.join("Cargo.toml"), cargo),
        file(dir.join("README.md"), readme),
        c.rust_file(dir.join("src/lib.rs"), &header, mock::emit_lib(c.sm))?,
        c.rust_file(
            dir.join("src/main.rs"),
            &format!("The `{name}` binary: serves the mock until Ctrl-C or SIGTERM.\n\nGenerated by apigen. Do not edit."), mock::emit_main(c.sm),
        )?,
        file(dir.join("src/examples.json"), mock::examples_json(spec)),
        file(dir.join("src/mismatched.json"), mock::mismatched_json(spec)),
        file(dir.join("src/stateful.json"), mock::stateful_json(&c.sm.plans)),
        file(dir.join("src/openapi.json"), mock::openapi_json(c.sm)),
        file(dir.join("tests/cases.json"), mock::cases_json(c.sm)),
        c.rust_file(
            dir.join("tests/bad_requests.rs"),
            "Faulty requests against the mock: vendor-format 4xx answers, never 5xx.\n\nGenerated by apigen. Do not edit.", mock::emit_bad_requests_test(c.sm),
        )?,
        c.rust_file(
            dir.join("tests/stateful.rs"),
            "Stateful mode: each inferred resource sees its own creates and deletes.\n\nGenerated by apigen. Do not edit.", mock::emit_stateful_test(c.sm),
        )?,
        c.rust_file(
            dir.join("tests/roundtrip.rs"),
            "Round trip: every operation through the generated client against the mock, with signature\nverification on.\n\nGenerated by apigen. Do not edit.", mock::emit_roundtrip(c.sm),
        )?,
    ];
    if let Some(tokens) = waiters::emit_test(c.sm) {
        files.push(c.rust_file(
            dir.join("tests/waiters.rs"),
            "Waiters: each `wait_until_*` method of the generated client against the stateful mock, whose\nlifecycle states last a few hundred milliseconds.\n\nGenerated by apigen. Do not edit.", tokens,
        )?);
    }
    Ok(files)
}

/// Files under `generated/` that differ from `files` or that `files` does not produce.
pub fn stale_files(root: &Path, files: &[GeneratedFile]) -> Vec<PathBuf> {
    stale_files_in(root, files, &[PathBuf::from("generated")])
}

/// Files that differ from `files`, and files under `owned` (directories relative to `root`
/// that apigen writes alone) that `files` does not produce.
pub fn stale_files_in(root: &Path, files: &[GeneratedFile], owned: &[PathBuf]) -> Vec<PathBuf> {
    let mut stale: Vec<PathBuf> = files
        .iter()
        .filter(|f| {
            std::fs::read_to_string(root.join(&f.path)).ok().as_deref() != Some(f.contents.as_str())
        })
        .map(|f| f.path.clone())
        .collect();
    let mut on_disk = Vec::new();
    for dir in owned {
        collect_files(&root.join(dir), root, &mut on_disk);
    }
    for p in on_disk {
        if !files.iter().any(|f| f.path == p) {
            stale.push(p);
        }
    }
    stale.sort();
    stale.dedup();
    stale
}

/// The crate directories among `files` (what `--out` owns: stale files in them are removed).
pub fn crate_dirs(files: &[GeneratedFile]) -> Vec<PathBuf> {
    files
        .iter()
        .filter(|f| f.path.file_name().is_some_and(|n| n == "Cargo.toml"))
        .filter_map(|f| f.path.parent().map(Path::to_path_buf))
        .filter(|d| !d.as_os_str().is_empty())
        .collect()
}

fn collect_files(dir: &Path, root: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            if p.file_name().is_some_and(|n| n == "target") {
                continue;
            }
            collect_files(&p, root, out);
        } else if let Ok(rel) = p.strip_prefix(root) {
            out.push(rel.to_path_buf());
        }
    }
}

/// Write `files` under `root`, removing generated files that are no longer produced.
pub fn write(root: &Path, files: &[GeneratedFile]) -> Result<(), IoError> {
    write_in(root, files, &[PathBuf::from("generated")])
}

/// Write `files` under `root`, removing files under `owned` that are no longer produced.
pub fn write_in(root: &Path, files: &[GeneratedFile], owned: &[PathBuf]) -> Result<(), IoError> {
    for stale in stale_files_in(root, files, owned) {
        if !files.iter().any(|f| f.path == stale) {
            let _ = std::fs::remove_file(root.join(&stale));
        }
    }
    for f in files {
        let p = root.join(&f.path);
        if let Some(dir) = p.parent() {
            crate::error::create_dir_all(dir)?;
        }
        if std::fs::read_to_string(&p).ok().as_deref() != Some(f.contents.as_str()) {
            crate::error::write(&p, &f.contents)?;
        }
    }
    Ok(())
}
