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
    pub alibaba: bool,
    pub region: &'a str,
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
pub fn client_readme_body(spec: &crate::spec::model::Spec) -> String {
    use crate::spec::model::Protocol;
    let names = super::client::method_names(spec);
    let alibaba = spec.service.protocol == Protocol::AlibabaRpc;
    let pick = spec
        .operations
        .iter()
        .zip(&names)
        .filter(|(op, _)| !op.deprecated)
        .min_by_key(|(op, _)| {
            let m = super::models::op_model(op);
            m.params.iter().filter(|(_, p)| p.required).count() + usize::from(m.body.is_some()) * 10
        });
    let (method, module, request, args) = match pick {
        Some((op, name)) => {
            let m = super::models::op_model(op);
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
            (name.clone(), m.module, m.request, args.join(", "))
        }
        None => Default::default(),
    };
    let rows = spec
        .operations
        .iter()
        .zip(&names)
        .map(|(op, n)| {
            (
                n.clone(),
                if alibaba {
                    format!("`{}` ({})", op.id, op.method)
                } else {
                    format!("`{} {}`", op.method, op.path)
                },
                op.source.section.clone(),
            )
        })
        .collect();
    let krate = format!("{}_client", spec.service.name.replace('-', "_"));
    render(&ClientUsage {
        krate: &krate,
        alibaba,
        region: if alibaba { "cn-hangzhou" } else { "cn-north-4" },
        method: &method,
        module: &module,
        request: &request,
        args,
        operations: spec.operations.len(),
        rows,
    })
}
