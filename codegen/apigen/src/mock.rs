//! `apigen mock SPEC…`: the mock of each spec served straight from the YAML, no compile step.
//!
//! The data a generated mock crate carries (`src/schema.json`, `src/examples.json`,
//! `src/stateful.json`) is computed here in memory by the same emitters, and served by the
//! runtime's data-driven mock (`apigen_runtime::mock::DataMock`): the same validation, answers,
//! signature verification, recording and stateful engine as the compiled mocks.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use apigen_runtime::mock::{DataMock, Mount};
use apigen_runtime::schema::{Protocol, ServiceSchema};
use apigen_runtime::server::{Router, Verifier};

use crate::emit::ServiceModel;
use crate::spec::{load, model::Spec};

/// Default listening address of `apigen mock` (all services on one port).
pub const DEFAULT_LISTEN: &str = "127.0.0.1:4010";

/// What to serve and how.
#[derive(Debug, Clone)]
pub struct MockOptions {
    /// Spec files.
    pub specs: Vec<PathBuf>,
    /// Address of the shared port, or of the first service with `port_each`.
    pub listen: String,
    /// One port per service (the listen port, then the next ones; port 0: free ports).
    pub port_each: bool,
    /// Stateful mode.
    pub stateful: bool,
    /// Signature verification.
    pub verifier: Option<Verifier>,
    /// Seed of generated values and failure draws.
    pub seed: u64,
    /// What a request that breaks the spec gets (strict 4xx, or answered and reported).
    pub validation: apigen_runtime::server::validate::Validation,
}

/// Why `apigen mock` cannot serve.
#[derive(Debug, thiserror::Error)]
pub enum MockError {
    /// A spec does not load (file, line, what was expected).
    #[error(transparent)]
    Spec(Box<load::LoadError>),
    #[error("{}: service `{service}` is given twice", .path.display())]
    SameService { path: PathBuf, service: String },
    /// A spec's resource file does not fit it.
    #[error(transparent)]
    Lower(#[from] crate::emit::LowerError),
    #[error("cannot start the runtime: {0}")]
    Runtime(std::io::Error),
    #[error("--listen {0:?}: expected HOST:PORT")]
    NoPort(String),
    #[error("--listen {0:?}: the port is not a number")]
    BadPort(String),
    #[error("--listen {addr}: {source}")]
    Bind {
        addr: String,
        source: std::io::Error,
    },
    /// Serving stopped on an I/O error.
    #[error("serving: {0}")]
    Serve(#[from] std::io::Error),
    /// A server task panicked or was cancelled.
    #[error("server task: {0}")]
    Task(#[from] tokio::task::JoinError),
}

impl From<load::LoadError> for MockError {
    fn from(e: load::LoadError) -> Self {
        MockError::Spec(Box::new(e))
    }
}

/// The data mock of `spec` (what its generated mock crate serves).
pub fn data_mock(spec: &Spec, seed: u64, stateful: bool) -> DataMock {
    data_mock_of(&crate::emit::lower::lower_inferred(spec), seed, stateful)
}

/// The data mock of a lowered spec.
fn data_mock_of(sm: &ServiceModel, seed: u64, stateful: bool) -> DataMock {
    let spec = sm.spec;
    // The schema lives as long as the process, as the generated crates' `static` one does.
    let schema: &'static ServiceSchema =
        Box::leak(Box::new(crate::emit::schema::service_schema(sm)));
    let examples: BTreeMap<String, serde_json::Value> =
        serde_json::from_str(&crate::emit::mock::examples_json(spec)).unwrap_or_default();
    let prefix = match schema.protocol {
        Protocol::HuaweiRest => crate::emit::server::huawei_code_prefix(spec),
        Protocol::AlibabaRpc => String::new(),
    };
    let mismatched: BTreeMap<String, serde_json::Value> =
        serde_json::from_str(&crate::emit::mock::mismatched_json(spec)).unwrap_or_default();
    // Lives as long as the process, as the compiled mocks' embedded one does.
    let openapi: &'static str = Box::leak(crate::emit::mock::openapi_json(sm).into_boxed_str());
    let mock = DataMock::new(schema, examples, seed, prefix)
        .with_mismatched(mismatched)
        .with_openapi(openapi);
    if stateful {
        mock.stateful(sm.plans.clone())
    } else {
        mock
    }
}

/// The data mock of the spec at `spec_path`, its stateful plans settled by the resource file
/// beside it (`resources/<name>.yaml`) as `apigen generate` settles the compiled mock's.
pub fn data_mock_at(
    spec_path: &Path,
    spec: &Spec,
    seed: u64,
    stateful: bool,
) -> Result<DataMock, crate::emit::LowerError> {
    let path = spec_path.to_string_lossy();
    let sm = crate::emit::lower(&path, spec)?;
    Ok(data_mock_of(&sm, seed, stateful))
}

/// Loads the specs (every error with its file and line) and checks service names are distinct.
pub fn load_specs(paths: &[PathBuf]) -> Result<Vec<Spec>, MockError> {
    let mut specs: Vec<Spec> = Vec::new();
    for p in paths {
        let spec = load::load_file(p)?;
        if specs.iter().any(|s| s.service.name == spec.service.name) {
            return Err(MockError::SameService {
                path: p.clone(),
                service: spec.service.name,
            });
        }
        specs.push(spec);
    }
    Ok(specs)
}

/// `apigen mock`: binds, prints one line per service (`<service> <base URL>`), serves until
/// Ctrl-C or SIGTERM.
pub fn run(opts: MockOptions) -> Result<ExitCode, MockError> {
    let specs = load_specs(&opts.specs)?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(MockError::Runtime)?;
    rt.block_on(serve(opts, specs))?;
    Ok(ExitCode::SUCCESS)
}

async fn serve(opts: MockOptions, specs: Vec<Spec>) -> Result<(), MockError> {
    let mocks: Vec<DataMock> = specs
        .iter()
        .zip(&opts.specs)
        .map(|(s, path)| data_mock_at(path, s, opts.seed, opts.stateful))
        .collect::<Result<_, crate::emit::LowerError>>()?;
    for m in &mocks {
        m.recorder().set_validation(opts.validation);
    }
    let routers: Vec<(String, Router)> = mocks
        .iter()
        .map(|m| (m.name().to_owned(), m.router(opts.verifier.clone())))
        .collect();
    let mut stdout = std::io::stdout();
    let mut tasks = tokio::task::JoinSet::new();
    let bind = |addr: String| async move {
        tokio::net::TcpListener::bind(&addr)
            .await
            .map_err(|source| MockError::Bind { addr, source })
    };
    if opts.port_each {
        let (host, port) = split_port(&opts.listen)?;
        for (i, (name, router)) in routers.into_iter().enumerate() {
            let port = if port == 0 { 0 } else { port + i as u16 };
            let listener = bind(format!("{host}:{port}")).await?;
            let addr = listener.local_addr()?;
            let _ = writeln!(stdout, "{name} http://{addr}");
            tasks.spawn(apigen_runtime::server::serve(
                listener,
                router,
                apigen_runtime::server::shutdown_signal(),
            ));
        }
    } else {
        let listener = bind(opts.listen.clone()).await?;
        let addr = listener.local_addr()?;
        let single = routers.len() == 1;
        for (name, _) in &routers {
            if single {
                let _ = writeln!(stdout, "{name} http://{addr}");
            } else {
                let _ = writeln!(stdout, "{name} http://{addr}/{name}");
            }
        }
        tasks.spawn(apigen_runtime::server::serve(
            listener,
            Mount::new(routers).into_router(),
            apigen_runtime::server::shutdown_signal(),
        ));
    }
    let _ = stdout.flush();
    while let Some(done) = tasks.join_next().await {
        match done {
            Ok(Ok(())) => {}
            Ok(Err(e)) => return Err(e.into()),
            Err(e) => return Err(e.into()),
        }
    }
    Ok(())
}

fn split_port(listen: &str) -> Result<(String, u16), MockError> {
    let (host, port) = listen
        .rsplit_once(':')
        .ok_or_else(|| MockError::NoPort(listen.to_owned()))?;
    let port = port
        .parse()
        .map_err(|_| MockError::BadPort(listen.to_owned()))?;
    Ok((host.to_owned(), port))
}
