//! Manifests and READMEs of generated crates, from the askama templates in `templates/`.

use askama::Template;

/// `Cargo.toml` of a generated crate.
#[derive(Template)]
#[template(path = "crate/Cargo.toml", escape = "none")]
pub struct CargoToml<'a> {
    pub spec_path: &'a str,
    pub name: &'a str,
    pub version: &'a str,
    pub description: &'a str,
    pub bins: Vec<String>,
    /// Dependency lines (`serde = { workspace = true }`).
    pub dependencies: Vec<String>,
    pub dev_dependencies: Vec<String>,
}

/// `README.md` of a generated crate.
#[derive(Template)]
#[template(path = "crate/README.md", escape = "none")]
pub struct Readme<'a> {
    pub name: &'a str,
    pub summary: &'a str,
    pub spec_path: &'a str,
    pub title: &'a str,
    pub revision: &'a str,
    /// Markdown specific to the crate kind (usage example, operation table).
    pub body: String,
}

/// Render a template; the templates are compiled in, so rendering cannot fail on input.
pub fn render(t: &impl Template) -> String {
    let mut s = t.render().expect("templates render");
    if !s.ends_with('\n') {
        s.push('\n');
    }
    s
}
