//! What the providers read from the process: environment variables and the home directory.
//! Injectable, so tests (and users who configure from elsewhere) need not touch `std::env`.

use std::collections::HashMap;
use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

type Lookup = Arc<dyn Fn(&str) -> Option<String> + Send + Sync>;

/// Environment variables and home directory seen by the credential providers.
#[derive(Clone)]
pub struct Environment {
    vars: Lookup,
}

impl fmt::Debug for Environment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Environment")
    }
}

impl Default for Environment {
    fn default() -> Self {
        Self::process()
    }
}

impl Environment {
    /// The process environment (`std::env::var`).
    pub fn process() -> Self {
        Self {
            vars: Arc::new(|k| std::env::var(k).ok()),
        }
    }

    /// A fixed set of variables (nothing else is set; `HOME` among them, if wanted).
    pub fn from_pairs<K: Into<String>, V: Into<String>>(
        pairs: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        let map: HashMap<String, String> = pairs
            .into_iter()
            .map(|(k, v)| (k.into(), v.into()))
            .collect();
        Self {
            vars: Arc::new(move |k| map.get(k).cloned()),
        }
    }

    /// Any lookup function.
    pub fn from_fn(f: impl Fn(&str) -> Option<String> + Send + Sync + 'static) -> Self {
        Self { vars: Arc::new(f) }
    }

    /// A variable, `None` when unset or blank (the SDKs treat empty as unset).
    pub fn var(&self, name: &str) -> Option<String> {
        (self.vars)(name).filter(|v| !v.trim().is_empty())
    }

    /// Whether a variable is set to `true` (case-insensitive), as the SDKs test their switches.
    pub fn flag(&self, name: &str) -> bool {
        self.var(name)
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"))
    }

    /// The home directory: `HOME`, else `USERPROFILE` (Windows), as both SDKs look it up.
    pub fn home(&self) -> Option<PathBuf> {
        self.var("HOME")
            .or_else(|| self.var("USERPROFILE"))
            .map(PathBuf::from)
    }
}
