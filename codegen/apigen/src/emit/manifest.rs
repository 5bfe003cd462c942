//! Manifests and READMEs of generated crates, from the askama templates in `templates/`.

use askama::Template;

/// `Cargo.toml` of a generated crate.
#[derive(Template)]
#[template(path = "crate/Cargo.toml", escape = "none")]
pub struct CargoToml<'a> {
    pub spec_path: &'a str,
    pub name: &'a str,
    /// `[lib] name`, when it differs from the package name's.
    pub lib_name: Option<String>,
    pub version: &'a str,
    /// TOML strings (quoted and escaped by [`toml_str`]), like `license` and the URLs.
    pub description: String,
    pub license: String,
    pub repository: Option<String>,
    pub homepage: Option<String>,
    /// Comma-separated TOML strings.
    pub keywords: String,
    pub categories: String,
    pub include: String,
    /// `false` writes `publish = false` (the crates of this repository's `generated/`).
    pub publish: bool,
    pub bins: Vec<String>,
    /// Dependency lines (`serde = { workspace = true }`).
    pub dependencies: Vec<String>,
    pub dev_dependencies: Vec<String>,
    /// Recorded in `[package.metadata.apigen]` for `apigen generate --previous`.
    pub spec_sha256: Option<&'a str>,
    /// `release::API_GENERATION`, recorded beside the spec hash.
    pub api_generation: u32,
}

/// `s` as a TOML basic string, quotes included.
pub fn toml_str(s: &str) -> String {
    let mut out = String::from("\"");
    for ch in s.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Comma-separated TOML strings.
pub fn toml_list<S: AsRef<str>>(items: &[S]) -> String {
    items
        .iter()
        .map(|s| toml_str(s.as_ref()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A crates.io keyword made of `s` when it is one (at most 20 ASCII letters, digits, `-` or
/// `_`, starting with a letter).
pub fn keyword(s: &str) -> Option<String> {
    let k = s.to_ascii_lowercase();
    let ok = !k.is_empty()
        && k.len() <= 20
        && k.starts_with(|c: char| c.is_ascii_alphabetic())
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    ok.then_some(k)
}

/// `README.md` of a generated crate.
#[derive(Template)]
#[template(path = "crate/README.md", escape = "none")]
pub struct Readme<'a> {
    pub name: &'a str,
    pub summary: &'a str,
    pub spec_path: &'a str,
    /// In this repository: link the spec and apigen's README.
    pub in_repo: bool,
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

/// The usage section of a client crate's README.
#[derive(Template)]
#[template(path = "crate/client-usage.md", escape = "none")]
pub struct ClientUsage<'a> {
    pub krate: &'a str,
    pub region: &'a str,
    /// The environment variables `Client::from_env` reads.
    pub credentials_env: &'a str,
    /// The protocol's paragraph on signing and errors.
    pub signing: String,
    pub method: &'a str,
    pub module: &'a str,
    pub request: &'a str,
    pub args: String,
    pub operations: usize,
    /// `(method, HTTP line, section)` rows of the operation table.
    pub rows: Vec<(String, String, String)>,
}

/// The usage section of a mock crate's README.
#[derive(Template)]
#[template(path = "crate/mock-usage.md", escape = "none")]
pub struct MockUsage<'a> {
    pub svc: &'a str,
    pub krate: &'a str,
    pub mock: &'a str,
    pub operations: usize,
    pub documented: usize,
    pub stateful_table: String,
}

/// README body of a client crate: a short example (the first operation whose required
/// parameters all have documented examples) and the operation table.
pub fn client_readme_body(sm: &super::lower::ServiceModel) -> String {
    let (spec, protocol) = (sm.spec, sm.protocol);
    let pick = sm
        .operations
        .iter()
        .filter(|o| !o.op.deprecated)
        .min_by_key(|o| {
            let m = &o.model;
            m.params.iter().filter(|(_, p)| p.required).count() + usize::from(m.body.is_some()) * 10
        });
    let (method, module, request, args) = match pick {
        Some(o) => {
            let m = &o.model;
            let args: Vec<String> = m
                .params
                .iter()
                .filter(|(_, p)| p.required)
                .map(|(_, p)| {
                    let ex = p.example.clone().unwrap_or_else(|| format!("<{}>", p.name));
                    if p.ty.is_scalar() && p.ty != crate::spec::model::TypeExpr::String {
                        ex
                    } else {
                        format!("{ex:?}")
                    }
                })
                .collect();
            (
                o.method.clone(),
                m.module.clone(),
                m.request.clone(),
                args.join(", "),
            )
        }
        None => Default::default(),
    };
    let rows = sm
        .operations
        .iter()
        .map(|o| {
            (
                // Another product's operations are methods of its module's client.
                match &o.op.product {
                    Some(code) => format!("{code}::Client::{}", o.method),
                    None => o.method.clone(),
                },
                protocol.readme_request(o.op),
                o.op.source.section.clone(),
            )
        })
        .collect();
    let krate = format!("{}_client", spec.service.name.replace('-', "_"));
    let region = protocol.example_region();
    render(&ClientUsage {
        krate: &krate,
        region,
        credentials_env: protocol.credentials_env_doc(),
        signing: protocol.readme_signing(&krate, region),
        method: &method,
        module: &module,
        request: &request,
        args,
        operations: spec.operations.len(),
        rows,
    })
}

/// The signing paragraph of an Alibaba RPC client's README.
#[derive(Template)]
#[template(path = "protocol/alibaba-rpc/client-signing.md", escape = "none")]
pub struct AlibabaRpcSigning<'a> {
    pub krate: &'a str,
    pub region: &'a str,
}

/// The signing paragraph of a Huawei REST client's README.
#[derive(Template)]
#[template(path = "protocol/huawei-rest/client-signing.md", escape = "none")]
pub struct HuaweiRestSigning<'a> {
    pub krate: &'a str,
    pub region: &'a str,
}

/// A protocol's README paragraph, without surrounding blank lines.
pub fn render_signing(t: &impl Template) -> String {
    t.render().expect("templates render").trim().to_owned()
}
