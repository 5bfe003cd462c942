//! What the profile-file providers share (Alibaba's INI file and CLI `config.json`, Huawei's
//! INI file): the home directory, one INI section, and keeping the provider a file describes.

use std::path::{Path, PathBuf};

use super::environment::Environment;
use super::{Credentials, SharedCredentialsProvider};
use crate::error::Error;

/// `"<source>: <message>"` as a credentials error.
pub(crate) fn cred_err(source: &str, msg: impl std::fmt::Display) -> Error {
    Error::Credentials(super::CredentialsError::Source {
        provider: source.to_owned(),
        reason: msg.to_string(),
    })
}

/// The home directory profile files live under.
pub(crate) fn home(env: &Environment, source: &str) -> Result<PathBuf, Error> {
    env.home()
        .ok_or_else(|| cred_err(source, "no home directory (HOME)"))
}

/// Section `[name]` of the INI file at `path`.
pub(crate) fn ini_section(path: &Path, name: &str, source: &str) -> Result<ini::Properties, Error> {
    let ini = ini::Ini::load_from_file(path)
        .map_err(|e| cred_err(source, format!("{}: {e}", path.display())))?;
    ini.section(Some(name))
        .cloned()
        .ok_or_else(|| cred_err(source, format!("{}: no section [{name}]", path.display())))
}

/// The provider a file describes: read at the first call, then kept (the file is not read
/// again; the provider it names refreshes as it does).
#[derive(Debug, Default)]
pub(crate) struct Described(tokio::sync::OnceCell<SharedCredentialsProvider>);

impl Described {
    /// Credentials from the described provider, `load`ing it at the first call.
    pub(crate) async fn provide(
        &self,
        load: impl FnOnce() -> Result<SharedCredentialsProvider, Error>,
    ) -> Result<Credentials, Error> {
        let inner = self.0.get_or_try_init(|| async { load() }).await?;
        inner.provide().await
    }
}
