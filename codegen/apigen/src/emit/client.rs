//! The `<service>-client` crate: a `Client` with one async method per operation, the per-op
//! `encode` functions behind them, and the generated example tests.
//!
//! Per-operation code is kept thin for compile time: each method is one call of the generic
//! runtime executor with the result of a non-generic `encode::<op>` function, which only
//! chains runtime encoder calls. The methods are plain functions returning the executor's
//! future (`impl Future + '_`; the request is encoded when the method is called), not
//! `async fn`s: an `async fn` wrapper is one more state machine per operation, and type
//! checking those was 60% of a client crate's build (mse-client 2.27 → 0.90 s CPU). Models live in the `<service>-models` crate (compiled once,
//! shared with server and mock crates).

use super::lower::{ident, ServiceModel};
use super::models::{self, doc_lines, Member};
use super::names::{self, Scope};
use crate::protocol::{ExampleCheck, ProtocolRules, Skip};
use crate::spec::model::{
    Encoding, Example, ExampleFormat, Field, Location, Method, Operation, Pagination, Spec,
    TypeExpr,
};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// Names the `Client` itself uses; operation methods get a suffix on collision.
pub(crate) const RESERVED: &[&str] = &[
    "new",
    "from_region",
    "from_endpoint",
    "from_env",
    "config_for",
    "config_for_region",
    "config_for_endpoint",
    "config_with_endpoints",
    "endpoints",
    "inner",
];

/// The rustdoc of an operation's method (client, server trait): title, description, the HTTP
/// line (and `Action` for RPC), the source section, and deprecation.
pub fn operation_doc(op: &Operation, protocol: &dyn ProtocolRules) -> String {
    // Alibaba titles are the action name, which the method name already says.
    let mut doc = if op.title == op.id {
        String::new()
    } else {
        format!("{}\n\n", op.title)
    };
    if !op.description.is_empty() && op.description != op.title {
        doc.push_str(&op.description);
        doc.push_str("\n\n");
    }
    if !op.restrictions.is_empty() {
        doc.push_str(&format!("# Restrictions\n\n{}\n\n", op.restrictions));
    }
    let action = protocol.doc_call_note(op);
    doc.push_str(&format!(
        "`{} {}`{action}. Source: section {}, line {} of the document.",
        op.method, op.path, op.source.section, op.source.line
    ));
    if op.deprecated {
        doc.push_str("\n\nThe document marks this operation as deprecated.");
        if let Some(r) = &op.replaced_by {
            doc.push_str(&format!(" Replacement: `{r}`."));
        }
    }
    doc
}

fn api_version(spec: &Spec, op: &Operation) -> String {
    op.version
        .clone()
        .or_else(|| spec.service.api_versions.first().cloned())
        .unwrap_or_default()
}

fn is_scalar_param(f: &Field) -> bool {
    f.ty.is_scalar()
}

/// `src/lib.rs` of the client crate.
pub fn emit_lib(sm: &ServiceModel) -> TokenStream {
    let spec = sm.spec;
    let svc = &spec.service;
    let models_crate = &sm.names.models_crate;
    let protocol = sm.protocol;
    let classifier = protocol.response_classifier();
    let product = svc.product_code.clone().unwrap_or_else(|| svc.name.clone());
    let version_doc = svc.api_versions.join(", ");
    let mut methods = Vec::new();
    let mut encoders = Vec::new();
    let mut operation_impls = Vec::new();
    // Operations of another product (`service.products`): their own client, in a module.
    let mut product_items: Vec<(String, Vec<TokenStream>, Vec<TokenStream>)> = svc
        .products
        .iter()
        .map(|p| (p.code.clone(), Vec::new(), Vec::new()))
        .collect();
    for o in &sm.operations {
        let (op, mname, model) = (o.op, &o.method, &o.model);
        let (methods, operation_impls) = match product_items
            .iter_mut()
            .find(|(code, _, _)| op.product.as_deref() == Some(code.as_str()))
        {
            Some((_, m, i)) => (m, i),
            None => (&mut methods, &mut operation_impls),
        };
        let (module, req, resp) = (&o.module, &o.request, &o.response);
        let m = &o.method_ident;
        let enc = &o.method_ident;
        let mut doc = o.doc.clone();
        let idempotent = o.idempotent;
        if !idempotent {
            doc.push_str(
                "\n\nNot idempotent: not retried unless `RetryPolicy::retry_non_idempotent` is set.",
            );
        }
        let doc = doc_lines(&doc);
        methods.push(quote! {
            #doc
            pub fn #m(&self, request: &#models_crate::#module::#req) -> impl std::future::Future<Output = Result<#models_crate::#module::#resp, Error>> + '_ {
                self.inner.execute(encode::#enc(request), RESPONSES)
            }
        });
        operation_impls.push(quote! {
            impl Operation for #models_crate::#module::#req {
                type Output = #models_crate::#module::#resp;
                fn encode(&self) -> Result<apigen_runtime::PreparedRequest, Error> {
                    encode::#enc(self)
                }
            }
        });
        if let Some(p) = &op.pagination {
            methods.push(pages_method(op, p, mname, models_crate, model));
        }
        let body = protocol.encoder(spec, op, model, idempotent);
        let edoc = doc_lines(&format!(
            "Encodes a `{}` request (`{} {}`).",
            op.id, op.method, op.path
        ));
        let r = if model.params.is_empty() && model.body.is_none() {
            format_ident!("_r")
        } else {
            format_ident!("r")
        };
        encoders.push(quote! {
            #edoc
            pub fn #enc(#r: &#models_crate::#module::#req) -> Result<PreparedRequest, Error> {
                #body
            }
        });
    }

    // The request builders the encoders use, imported only where used.
    let encoder_tokens = quote! { #(#encoders)* };
    let uses = |module: &str, names: &[&str]| {
        let used: Vec<proc_macro2::Ident> = names
            .iter()
            .filter(|n| super::mentions(&encoder_tokens, n))
            .map(|n| format_ident!("{}", n))
            .collect();
        let module = format_ident!("{}", module);
        match used.as_slice() {
            [] => quote! {},
            [one] => quote! { use apigen_runtime::#module::#one; },
            many => quote! { use apigen_runtime::#module::{#(#many),*}; },
        }
    };
    let encode_uses = [
        uses("param", &["Csv", "Flat", "JsonList", "JsonText", "Repeat"]),
        uses(
            "rest",
            &["Body", "In", "Multipart", "RestOperation", "RestRequest"],
        ),
        uses("rpc", &["RpcMethod", "RpcOperation", "RpcRequest"]),
    ];

    let crate::protocol::ClientSetup {
        endpoint_rule: default_rule,
        credentials_from_env: ctor_env,
        default_scheme,
        extra_items: version_const,
        default_chain: chain,
        scope,
    } = protocol.client_setup(spec);
    let endpoints = endpoint_table(spec, &default_rule);
    let endpoint_rule = &endpoints.rule;
    let (regions, hosts): (Vec<_>, Vec<_>) = endpoints.regions.iter().cloned().unzip();
    let service_name = &svc.name;
    let endpoints_doc = doc_lines(&endpoints.doc);
    let product_doc = format!(" Product code used in the regional endpoint (`{product}`).");
    let decl = ClientDecl {
        scheme: default_scheme,
        env: &ctor_env,
        chain: &chain,
        scope,
    };
    let product_modules: Vec<TokenStream> = product_items
        .iter()
        .filter_map(|(code, methods, impls)| {
            let p = svc.products.iter().find(|p| &p.code == code)?;
            Some(product_module(sm, p, methods, impls, &decl))
        })
        .collect();
    let (waiters_module, waiter_methods) = super::waiters::client_items(sm);
    let client_doc = ClientDoc {
        title: &svc.title,
        api_versions: &version_doc,
    };
    let client_impl = client_impl(
        &decl,
        &Endpoints {
            doc: &endpoints_doc,
            service: service_name,
            rule: endpoint_rule,
            regions: &regions,
            hosts: &hosts,
        },
        &client_doc,
        &quote! { #(#methods)* #(#waiter_methods)* },
    );
    quote! {
        #![warn(missing_docs)]

        pub use #models_crate as models;
        pub use apigen_runtime::{ClientConfig, Credentials, Endpoint, EndpointResolver, EndpointTable, Error, Network, RegionalClient, RetryPolicy, SignatureScheme};
        pub use apigen_runtime::credentials::{self, SharedCredentialsProvider};
        pub use apigen_runtime::{CallOptions, Output, WaitError, WaiterConfig};

        #[doc = #product_doc]
        pub const PRODUCT: &str = #product;

        /// How answers report failures (an HTTP error status; Alibaba RPC also in 2xx bodies).
        const RESPONSES: &dyn apigen_runtime::ResponseClassifier = &#classifier;
        #version_const

        #client_impl

        #waiters_module

        #(#operation_impls)*

        #(#product_modules)*

        /// Per-operation request encoders: request model → [`apigen_runtime::PreparedRequest`].
        pub mod encode {
            use apigen_runtime::{Error, PreparedRequest};
            #(#encode_uses)*

            #encoder_tokens
        }
    }
}

/// `pub mod <code>` of a client crate: the client of another product's operations that the
/// document prints (`service.products`), with the product's endpoints; requests carry the
/// product's API version (the operations' `version`).
fn product_module(
    sm: &ServiceModel,
    p: &crate::spec::model::Product,
    methods: &[TokenStream],
    operation_impls: &[TokenStream],
    service: &ClientDecl<'_>,
) -> TokenStream {
    let module = format_ident!("{}", heck::ToSnakeCase::to_snake_case(p.code.as_str()));
    let (code, title, version) = (&p.code, &p.title, &p.api_version);
    let rule = &p.endpoints.rule;
    let (regions, hosts): (Vec<String>, Vec<String>) = p
        .endpoints
        .regions
        .iter()
        .map(|(r, h)| (r.clone(), h.clone()))
        .unzip();
    let module_doc = doc_lines(&format!(
        "{title} (`{code}`): the operations of chapter \"{}\", which the document prints but \
         {title} serves. Their own client, with {title}'s endpoints and API version \
         `{version}`; `{}::Client` does not send them.",
        p.group, sm.names.client_crate
    ));
    let endpoints_doc = doc_lines(&format!(
        "Where {title} is served: the hosts of {} listed regions and the rule `{rule}` for \
         the others (`service.products` of the spec, from its corrections).",
        regions.len()
    ));
    let client_doc = ClientDoc {
        title,
        api_versions: version,
    };
    let decl = ClientDecl {
        scope: None,
        ..*service
    };
    let client_impl = client_impl(
        &decl,
        &Endpoints {
            doc: &endpoints_doc,
            service: code,
            rule,
            regions: &regions,
            hosts: &hosts,
        },
        &client_doc,
        &quote! { #(#methods)* },
    );
    quote! {
        #module_doc
        pub mod #module {
            use super::*;

            /// Product code used in the regional endpoint.
            pub const PRODUCT: &str = #code;

            /// API version sent as `Version`.
            pub const API_VERSION: &str = #version;

            #client_impl

            #(#operation_impls)*
        }
    }
}

/// What a generated `Client` (the service's own or a printed product's) states for the
/// runtime's `service_client!`: the rest of the impl comes from there.
struct ClientDecl<'a> {
    /// The default `SignatureScheme` variant (the runtime documents it).
    scheme: &'static str,
    /// `Credentials` from the environment (may use `?`).
    env: &'a TokenStream,
    /// The vendor's default provider chain.
    chain: &'a TokenStream,
    /// The credentials scope when not the default (`Domain`: a global service).
    scope: Option<&'static str>,
}

/// What a client's rustdoc says from the spec (the runtime writes the rest).
struct ClientDoc<'a> {
    title: &'a str,
    api_versions: &'a str,
}

/// The `ENDPOINTS` table of a client: region hosts and the rule for the others.
struct Endpoints<'a> {
    doc: &'a TokenStream,
    service: &'a str,
    rule: &'a str,
    regions: &'a [String],
    hosts: &'a [String],
}

/// A client's `ENDPOINTS` table, the runtime's `service_client!` call (the `Client` struct
/// documented by `client_doc`, its `RegionalClient` impl with the protocol's scheme doc, its
/// `Operation` trait, constructors and per-call helpers), then the client's `methods`.
fn client_impl(
    d: &ClientDecl<'_>,
    endpoints: &Endpoints<'_>,
    client_doc: &ClientDoc<'_>,
    methods: &TokenStream,
) -> TokenStream {
    let Endpoints {
        doc: endpoints_doc,
        service,
        rule,
        regions,
        hosts,
    } = endpoints;
    let ClientDecl {
        scheme,
        env,
        chain,
        scope,
    } = d;
    let ClientDoc {
        title,
        api_versions,
    } = client_doc;
    let scheme = format_ident!("{}", scheme);
    let scope = scope.map(|s| {
        let s = format_ident!("{}", s);
        quote! { scope = #s, }
    });
    quote! {
        #endpoints_doc
        pub static ENDPOINTS: EndpointTable = EndpointTable {
            service: #service,
            rule: #rule,
            regions: &[#((#regions, #hosts)),*],
        };

        apigen_runtime::service_client!(
            Client,
            title = #title,
            api_versions = #api_versions,
            endpoints = ENDPOINTS,
            scheme = #scheme,
            #scope
            env_credentials = #env,
            default_chain = #chain,
        );

        impl Client {
            #methods
        }
    }
}

/// The endpoint data a client carries: the spec's `service.endpoints`, else the vendor's
/// usual pattern for the product code (`<product>.<region>.aliyuncs.com`,
/// `<service>.<region>.myhuaweicloud.com`).
pub struct EndpointData {
    pub rule: String,
    pub regions: Vec<(String, String)>,
    pub doc: String,
}

pub fn endpoint_table(spec: &Spec, default_rule: &str) -> EndpointData {
    let svc = &spec.service;
    match &svc.endpoints {
        Some(e) => {
            let from = match &e.source {
                Some(s) => format!("the document (line {}) and the spec's corrections", s.line),
                None => "the spec's corrections (external facts naming their source)".to_string(),
            };
            EndpointData {
                rule: e.rule.clone(),
                regions: e
                    .regions
                    .iter()
                    .map(|(r, h)| (r.clone(), h.clone()))
                    .collect(),
                doc: match e.regions.len() {
                    0 => format!(
                        "Where {} is served: no region is listed, every region gets the rule \
                         `{}` (`service.endpoints` of the spec, from {from}).",
                        svc.name, e.rule
                    ),
                    n => format!(
                        "Where {} is served: the hosts of {n} listed regions and the rule `{}` \
                         for the others (`service.endpoints` of the spec, from {from}).",
                        svc.name, e.rule
                    ),
                },
            }
        }
        None => {
            let rule = default_rule.to_string();
            EndpointData {
                doc: format!(
                    "Where {} is served: the spec lists no endpoints, so every region gets the \
                     vendor's usual rule `{rule}`.",
                    svc.name
                ),
                rule,
                regions: Vec::new(),
            }
        }
    }
}

pub(crate) fn rpc_encoder(
    spec: &Spec,
    op: &Operation,
    model: &models::OpModel,
    idempotent: bool,
) -> TokenStream {
    let action = &op.id;
    let version = api_version(spec, op);
    let method = if op.method == Method::Get {
        quote! { RpcMethod::Get }
    } else {
        quote! { RpcMethod::Post }
    };
    let mut params = Vec::new();
    for (rust, p) in &model.params {
        let id = ident(rust);
        let name = &p.name;
        let value = match (p.encoding, is_scalar_param(p), p.required) {
            (Some(Encoding::Json), _, _) if matches!(p.ty, TypeExpr::Array(_)) => {
                quote! { &JsonList(&r.#id) }
            }
            (Some(Encoding::Json), _, true) => quote! { &JsonText(&r.#id) },
            (Some(Encoding::Json), _, false) => quote! { &JsonText::opt(&r.#id) },
            (Some(Encoding::Csv), _, _) => quote! { &Csv(&r.#id) },
            // Scalars and enums; an absent optional one is not sent.
            (_, true, _) => quote! { &r.#id },
            // Repeat lists and objects: flattened as `Name.1`, `Name.1.Key`.
            (_, false, _) => quote! { &Flat(&r.#id) },
        };
        params.push(quote! { (#name, #value) });
    }
    quote! {
        RpcRequest::encode(
            RpcOperation { action: #action, version: #version, method: #method, idempotent: #idempotent },
            &[#(#params),*],
        )
    }
}

pub(crate) fn rest_encoder(op: &Operation, model: &models::OpModel) -> TokenStream {
    let id_str = &op.id;
    let method = op.method.as_str();
    let path = &op.path;
    let mut params = Vec::new();
    for (rust, p) in &model.params {
        let id = ident(rust);
        let name = &p.name;
        let is_vec = matches!(p.ty, TypeExpr::Array(_));
        let location = p.location.unwrap_or(Location::Query);
        let value = match (location, is_vec) {
            (Location::Header, true) => quote! { &Csv(&r.#id) },
            (Location::Path | Location::Header, false) => quote! { &r.#id },
            (_, true) if p.encoding == Some(Encoding::Csv) => quote! { &Csv(&r.#id) },
            (_, true) => quote! { &Repeat(&r.#id) },
            (_, false) if p.ty.is_scalar() => quote! { &r.#id },
            // Objects in the query: the documents have none; send JSON text.
            (_, false) => quote! { &JsonText(&r.#id) },
        };
        let at = match location {
            Location::Path => quote! { In::Path },
            Location::Header => quote! { In::Header },
            _ => quote! { In::Query },
        };
        params.push(quote! { (#at, #name, #value) });
    }
    let mut prelude = quote! {};
    let body = match (&model.body, &op.body) {
        (Some(rust), Some(body)) if body.content_type.starts_with("multipart/") => {
            let id = ident(rust);
            let mut scope = Scope::default();
            let mut parts = Vec::new();
            for f in &body.fields {
                let fid = ident(&scope.unique(names::field(&f.name)));
                let name = &f.name;
                let part = match (&f.ty, f.required) {
                    (TypeExpr::File, true) => quote! { form = form.file_part(#name, &b.#fid); },
                    (TypeExpr::File, false) => {
                        quote! { if let Some(v) = &b.#fid { form = form.file_part(#name, v); } }
                    }
                    (_, true) => quote! { form = form.text(#name, &b.#fid); },
                    (_, false) => {
                        quote! { if let Some(v) = &b.#fid { form = form.text(#name, v); } }
                    }
                };
                parts.push(part);
            }
            let form = quote! {
                #[allow(unused_mut)]
                let mut form = Multipart::new();
                #(#parts)*
                Body::Multipart(form)
            };
            prelude = if body.required {
                quote! { let body = { let b = &r.#id; #form }; }
            } else {
                quote! { let body = match &r.#id { Some(b) => { #form } None => Body::Empty }; }
            };
            quote! { body }
        }
        (Some(rust), Some(body)) => {
            let id = ident(rust);
            if body.required {
                quote! { Body::Json(&r.#id) }
            } else {
                quote! { match &r.#id { Some(b) => Body::Json(b), None => Body::Empty } }
            }
        }
        _ => quote! { Body::Empty },
    };
    quote! {
        #prelude
        RestRequest::encode(
            RestOperation { id: #id_str, method: #method, path: #path },
            &[#(#params),*],
            #body,
        )
    }
}

/// Reads a page parameter of the request as `Option<u64>`.
fn read_u64(p: &Field, id: &proc_macro2::Ident) -> TokenStream {
    match (&p.ty, p.required) {
        (TypeExpr::String, true) => quote! { request.#id.trim().parse::<u64>().ok() },
        (TypeExpr::String, false) => {
            quote! { request.#id.as_deref().and_then(|v| v.trim().parse::<u64>().ok()) }
        }
        (_, true) => quote! { u64::try_from(request.#id).ok() },
        (_, false) => quote! { request.#id.and_then(|v| u64::try_from(v).ok()) },
    }
}

/// Writes a `u64` (`n`) into a page parameter of `r`.
fn write_u64(p: &Field, id: &proc_macro2::Ident, n: &proc_macro2::Ident) -> TokenStream {
    let v = match &p.ty {
        TypeExpr::String => quote! { #n.to_string() },
        TypeExpr::Long => quote! { i64::try_from(#n).unwrap_or(i64::MAX) },
        _ => quote! { i32::try_from(#n).unwrap_or(i32::MAX) },
    };
    if p.required {
        quote! { r.#id = #v; }
    } else {
        quote! { r.#id = Some(#v); }
    }
}

fn find_param<'m>(model: &'m models::OpModel, name: &str) -> Option<&'m (String, Field)> {
    model.params.iter().find(|(_, p)| p.name == name)
}

fn default_u64(p: &Field) -> Option<u64> {
    match p.default.as_ref()? {
        serde_json::Value::Number(n) => n.as_u64(),
        serde_json::Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn pages_method(
    op: &Operation,
    pagination: &Pagination,
    mname: &str,
    models_crate: &proc_macro2::Ident,
    model: &models::OpModel,
) -> TokenStream {
    let module = format_ident!("{}", model.module);
    let req = format_ident!("{}", model.request);
    let resp = format_ident!("{}", model.response);
    let enc = ident(mname);
    let pages = format_ident!("{}_pages", mname.trim_start_matches("r#"));
    let opt = |s: &Option<String>| match s {
        Some(v) => quote! { Some(#v) },
        None => quote! { None },
    };
    let n = format_ident!("n");
    let size = format_ident!("size");
    let (style, fields, apply) = match pagination {
        Pagination::PageNumber {
            page,
            size: size_name,
            total,
            items,
        }
        | Pagination::OffsetLimit {
            offset: page,
            limit: size_name,
            total,
            items,
        } => {
            let (Some((prust, pp)), Some((srust, sp))) =
                (find_param(model, page), find_param(model, size_name))
            else {
                return quote! {};
            };
            let (pid, sid) = (ident(prust), ident(srust));
            let (first_default, variant) = match pagination {
                Pagination::PageNumber { .. } => (1u64, quote! { PageNumber }),
                _ => (0u64, quote! { OffsetLimit }),
            };
            let size_default = default_u64(sp).unwrap_or(10);
            let read_first = read_u64(pp, &pid);
            let read_size = read_u64(sp, &sid);
            let write_first = write_u64(pp, &pid, &n);
            let write_size = write_u64(sp, &sid, &size);
            let style = match pagination {
                Pagination::PageNumber { .. } => quote! {
                    PageStyle::PageNumber {
                        first: #read_first.unwrap_or(#first_default),
                        size: #read_size.unwrap_or(#size_default),
                    }
                },
                _ => quote! {
                    PageStyle::OffsetLimit {
                        start: #read_first.unwrap_or(#first_default),
                        limit: #read_size.unwrap_or(#size_default),
                    }
                },
            };
            let (items, total) = (opt(items), opt(total));
            let fields = quote! { PageFields { items: #items, total: #total, next_marker: None } };
            let field_names = match pagination {
                Pagination::PageNumber { .. } => quote! { number: n, size },
                _ => quote! { offset: n, limit: size },
            };
            let apply = quote! {
                if let PageRequest::#variant { #field_names } = page {
                    #write_first
                    #write_size
                }
            };
            (style, fields, apply)
        }
        Pagination::Marker {
            marker,
            next_marker,
            limit,
            items,
        } => {
            let Some((mrust, mp)) = find_param(model, marker) else {
                return quote! {};
            };
            let mid = ident(mrust);
            let set_marker = if mp.required {
                quote! { r.#mid = m; }
            } else {
                quote! { r.#mid = Some(m); }
            };
            let items = opt(items);
            let next = next_marker.clone();
            let size = match limit.as_ref().and_then(|l| find_param(model, l)) {
                Some((_, lp)) => {
                    let v = default_u64(lp).unwrap_or(10);
                    quote! { Some(#v) }
                }
                None => quote! { None },
            };
            (
                quote! { PageStyle::Marker { start: None, size: #size } },
                quote! { PageFields { items: #items, total: None, next_marker: Some(#next) } },
                quote! {
                    if let PageRequest::Marker { marker: Some(m), .. } = page {
                        #set_marker
                    }
                },
            )
        }
    };
    let doc = doc_lines(&format!(
        "Every page of `{}`, as a stream of responses (one per page), starting from the page the \
         request names. Stops at a short or empty page, or when the reported total is reached.",
        op.id
    ));
    quote! {
        #doc
        pub fn #pages<'a>(
            &'a self,
            request: &'a #models_crate::#module::#req,
        ) -> impl apigen_runtime::paginate::Stream<Item = Result<#models_crate::#module::#resp, Error>> + 'a {
            use apigen_runtime::paginate::{PageFields, PageRequest, PageStyle};
            let style = #style;
            apigen_runtime::paginate::pages(style, #fields, move |page| {
                let mut r = request.clone();
                #apply
                self.inner.execute(encode::#enc(&r), RESPONSES)
            })
        }
    }
}

/// A value literal of a scalar type from an example's text; `None` when it cannot be one.
fn scalar_literal(ty: &TypeExpr, text: &str) -> Option<TokenStream> {
    Some(match ty {
        TypeExpr::String => quote! { #text },
        // The value must print back as the example does (`0000` cannot).
        TypeExpr::Integer => {
            let v: i32 = text.parse().ok()?;
            if v.to_string() != text {
                return None;
            }
            quote! { #v }
        }
        TypeExpr::Long => {
            let v: i64 = text.parse().ok()?;
            if v.to_string() != text {
                return None;
            }
            quote! { #v }
        }
        TypeExpr::Number => {
            let v: f64 = text.parse().ok()?;
            if v.to_string() != text {
                return None;
            }
            quote! { #v }
        }
        TypeExpr::Boolean => match text.trim() {
            "true" => quote! { true },
            "false" => quote! { false },
            _ => return None,
        },
        _ => return None,
    })
}

/// A [`Skip`] with a formatted reason.
macro_rules! skip {
    ($($why:tt)*) => {
        Skip(format!($($why)*))
    };
}

/// Whether an example value can be expressed in the request model so that encoding it gives
/// the same JSON back (types match, no unknown, null or empty-list members, required ones set).
fn conforms(
    op: &Operation,
    v: &serde_json::Value,
    ty: &TypeExpr,
    fields: &[Field],
    at: &str,
) -> Result<(), Skip> {
    use serde_json::Value as V;
    let bad = |what: &str| Err(skip!("`{at}` is {what} where the table says {ty}"));
    match (ty, v) {
        (TypeExpr::String, V::String(_)) => Ok(()),
        (TypeExpr::Integer | TypeExpr::Long, V::Number(n)) if n.is_i64() => Ok(()),
        (TypeExpr::Number, V::Number(_)) => Ok(()),
        (TypeExpr::Boolean, V::Bool(_)) => Ok(()),
        (TypeExpr::Any, _) => Ok(()),
        (TypeExpr::Object, V::Object(_)) if fields.is_empty() => Ok(()),
        (TypeExpr::Object, V::Object(m)) => object_conforms(op, m, fields, at),
        (TypeExpr::Named(n), V::Object(m)) => match op.types.get(n) {
            Some(t) => object_conforms(op, m, &t.fields, at),
            None => Ok(()),
        },
        (TypeExpr::Array(inner), V::Array(items)) => items
            .iter()
            .enumerate()
            .try_for_each(|(i, x)| conforms(op, x, inner, fields, &format!("{at}[{i}]"))),
        (TypeExpr::Map(inner), V::Object(m)) => m
            .iter()
            .try_for_each(|(k, x)| conforms(op, x, inner, fields, &format!("{at}.{k}"))),
        (_, V::String(_)) => bad("a string"),
        (_, V::Number(_)) => bad("a number"),
        (_, V::Bool(_)) => bad("a boolean"),
        (_, V::Null) => bad("null"),
        (_, V::Array(_)) => bad("a list"),
        (_, V::Object(_)) => bad("an object"),
    }
}

fn object_conforms(
    op: &Operation,
    m: &serde_json::Map<String, serde_json::Value>,
    fields: &[Field],
    at: &str,
) -> Result<(), Skip> {
    for (k, v) in m {
        let path = if at.is_empty() {
            k.clone()
        } else {
            format!("{at}.{k}")
        };
        let f = fields
            .iter()
            .find(|f| f.name == *k)
            .ok_or_else(|| format!("`{path}` is not in the table"))?;
        if f.list_wrapper.is_some() {
            return Err(skip!("`{path}` is a wrapped list"));
        }
        match v {
            serde_json::Value::Null => return Err(skip!("`{path}` is null")),
            serde_json::Value::Array(a) if a.is_empty() && !f.required => {
                return Err(skip!("`{path}` is an empty list, which the encoder omits"))
            }
            _ => {}
        }
        conforms(op, v, &f.ty, &f.fields, &path)?;
    }
    if let Some(f) = fields
        .iter()
        .find(|f| f.required && !m.contains_key(&f.name))
    {
        return Err(skip!("the example omits the required member `{}`", f.name));
    }
    Ok(())
}

/// Builds `XRequest::new(..).setter(..)` from named values; `Err` says why it cannot.
fn request_literal(
    op: &Operation,
    model: &models::OpModel,
    members: &[Member],
    mut value_of: impl FnMut(&Field, &Member) -> Result<Option<TokenStream>, Skip>,
    body: Option<TokenStream>,
) -> Result<TokenStream, Skip> {
    let req = format_ident!("{}", model.request);
    let mut args = Vec::new();
    let mut setters = Vec::new();
    for m in members {
        let v = if Some(&m.rust) == model.body.as_ref() {
            body.clone()
        } else {
            let (_, f) = model
                .params
                .iter()
                .find(|(r, _)| *r == m.rust)
                .ok_or_else(|| format!("no parameter for {}", m.rust))?;
            value_of(f, m)?
        };
        let id = ident(&m.rust);
        match (v, m.required) {
            (Some(v), true) => args.push(v),
            (None, true) => {
                return Err(skip!(
                    "the example omits the required `{}`",
                    m.rust.trim_start_matches("r#")
                ))
            }
            (Some(v), false) => setters.push(quote! { .#id(#v) }),
            (None, false) => {}
        }
    }
    let _ = op;
    Ok(quote! { #req::new(#(#args),*) #(#setters)* })
}

/// A literal for `m` from RPC example parameters (`Name`, `Name.1`, `Name.1.Key`).
fn rpc_value(
    f: &Field,
    m: &Member,
    params: &indexmap::IndexMap<String, String>,
    used: &mut Vec<String>,
) -> Result<Option<TokenStream>, Skip> {
    if let Some(text) = params.get(&f.name) {
        used.push(f.name.clone());
        if f.encoding == Some(Encoding::Json) {
            let elem = &m.elem;
            let v: serde_json::Value =
                serde_json::from_str(text).map_err(|e| format!("`{}` is not JSON: {e}", f.name))?;
            let json = serde_json::to_string(&v).unwrap_or_default();
            if json != *text {
                return Err(skip!("`{}` is not printed compactly", f.name));
            }
            let ty = if m.is_vec {
                quote! { Vec<#elem> }
            } else {
                quote! { #elem }
            };
            let json = super::json_literal(&v);
            return Ok(Some(
                quote! { serde_json::from_str::<#ty>(#json).expect("example value") },
            ));
        }
        if m.is_vec {
            return Err(skip!("`{}` is a list but printed as one value", f.name));
        }
        if !f.enum_values.is_empty() && f.ty == TypeExpr::String {
            return Ok(Some(quote! { #text }));
        }
        return scalar_literal(&f.ty, text)
            .map(Some)
            .ok_or_else(|| skip!("`{}={text}` does not fit type {}", f.name, f.ty));
    }
    // Repeat list members: `Name.N` or `Name.N.Key`.
    let prefix = format!("{}.", f.name);
    let mut items: Vec<(usize, Option<String>, String)> = Vec::new();
    for (k, v) in params {
        if let Some(rest) = k.strip_prefix(&prefix) {
            let (idx, key) = match rest.split_once('.') {
                Some((i, key)) => (i, Some(key.to_string())),
                None => (rest, None),
            };
            let idx: usize = idx
                .parse()
                .map_err(|_| format!("`{k}`: index is not a number"))?;
            items.push((idx, key, v.clone()));
            used.push(k.clone());
        }
    }
    if items.is_empty() {
        return Ok(None);
    }
    let mut list: Vec<serde_json::Value> = Vec::new();
    for (idx, key, v) in items {
        if idx == 0 {
            return Err(skip!("`{}` index 0", f.name));
        }
        while list.len() < idx {
            list.push(serde_json::Value::Null);
        }
        let slot = &mut list[idx - 1];
        match key {
            None => *slot = serde_json::Value::String(v),
            Some(key) => {
                if !slot.is_object() {
                    *slot = serde_json::json!({});
                }
                let member = f.fields.iter().find(|m| m.name == key);
                let value = match member.map(|m| &m.ty) {
                    Some(TypeExpr::String) => serde_json::Value::String(v),
                    Some(t @ (TypeExpr::Integer | TypeExpr::Long | TypeExpr::Boolean)) => {
                        let parsed: serde_json::Value = serde_json::from_str(&v).map_err(|_| {
                            format!("`{}.{idx}.{key}={v}` does not fit {t}", f.name)
                        })?;
                        let printed = parsed.to_string();
                        if printed != v {
                            return Err(skip!("`{}.{idx}.{key}={v}` does not print back", f.name));
                        }
                        parsed
                    }
                    _ => return Err(skip!("`{}.{idx}.{key}`: member not in the table", f.name)),
                };
                slot[key] = value;
            }
        }
    }
    if list.iter().any(|v| v.is_null()) {
        return Err(skip!("`{}` skips an index", f.name));
    }
    for (i, item) in list.iter().enumerate() {
        if let Some(obj) = item.as_object() {
            if let Some(m) = f
                .fields
                .iter()
                .find(|m| m.required && !obj.contains_key(&m.name))
            {
                return Err(skip!(
                    "`{}.{}` omits the required member `{}`",
                    f.name,
                    i + 1,
                    m.name
                ));
            }
        }
    }
    let elem = &m.elem;
    let json = super::json_literal(&serde_json::Value::Array(list.clone()));
    if matches!(f.ty.element(), TypeExpr::String) || f.fields.is_empty() {
        // Scalars: typed literals.
        let lits: Result<Vec<TokenStream>, Skip> = list
            .iter()
            .map(|v| {
                let t = v.as_str().unwrap_or_default();
                scalar_literal(f.ty.element(), t)
                    .ok_or_else(|| skip!("`{}` item `{t}` does not fit", f.name))
            })
            .collect();
        let lits = lits?;
        return Ok(Some(quote! { [#(#lits),*] }));
    }
    Ok(Some(
        quote! { serde_json::from_str::<Vec<#elem>>(#json).expect("example value") },
    ))
}

/// Splits an example target into path and query pairs (raw, as printed).
fn split_target(target: &str) -> (String, Vec<(String, String)>) {
    let target = target.trim().trim_end_matches('\'');
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let pairs = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (k.to_string(), v.to_string())
        })
        .collect();
    (path.to_string(), pairs)
}

/// One request example as test statements, or the reason it is skipped.
fn request_example_test(
    sm: &ServiceModel,
    op: &Operation,
    model: &models::OpModel,
    members: &[Member],
    enc: &proc_macro2::Ident,
    ex: &Example,
) -> Result<TokenStream, Skip> {
    if let Some(m) = &ex.mismatch {
        return Err(skip!("marked as not matching the tables: {m}"));
    }
    sm.protocol.request_example_test(&ExampleCheck {
        spec: sm.spec,
        op,
        model,
        members,
        encoder: enc,
        example: ex,
    })
}

/// An Alibaba RPC request example: the encoded query/form pairs equal the example's.
pub(crate) fn rpc_example_test(check: &ExampleCheck<'_>) -> Result<TokenStream, Skip> {
    let ExampleCheck {
        spec,
        op,
        model,
        members,
        encoder: enc,
        example: ex,
    } = *check;
    let module = format_ident!("{}", model.module);
    if ex.format != ExampleFormat::Http || ex.params.is_empty() {
        return Err("not an HTTP example with parameters".into());
    }
    let common: Vec<&str> = spec
        .service
        .common_parameters
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    let params: indexmap::IndexMap<String, String> = ex
        .params
        .iter()
        .filter(|(k, _)| *k != "Action" && !common.contains(&k.as_str()) && !k.starts_with('<'))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let mut used = Vec::new();
    let lit = request_literal(
        op,
        model,
        members,
        |f, m| rpc_value(f, m, &params, &mut used),
        None,
    )?;
    if let Some(extra) = params.keys().find(|k| !used.contains(k)) {
        return Err(skip!("the example sends `{extra}`, which the table lacks"));
    }
    let action = &op.id;
    let mut expected = vec![quote! { ("Action", #action) }];
    for (k, v) in ex.params.iter().filter(|(k, _)| params.contains_key(*k)) {
        expected.push(quote! { (#k, #v) });
    }
    Ok(quote! {
        {
            use #module::*;
            let request = #lit;
            let encoded = encode::#enc(&request).expect("encodes");
            apigen_runtime::examples::check_rpc(&encoded, &[#(#expected),*]).unwrap();
        }
    })
}

/// A Huawei REST request example: the encoded method, path, query and body equal the
/// example's.
pub(crate) fn rest_example_test(check: &ExampleCheck<'_>) -> Result<TokenStream, Skip> {
    let ExampleCheck {
        op,
        model,
        members,
        encoder: enc,
        example: ex,
        ..
    } = *check;
    let module = format_ident!("{}", model.module);
    let (path, query) = match (&ex.format, &ex.target) {
        (ExampleFormat::Http, Some(t)) => split_target(t),
        (ExampleFormat::Json, None) => {
            // A body-only example: the path is the template with placeholders.
            (op.path.clone(), Vec::new())
        }
        _ => return Err("no request line".into()),
    };
    let method = ex.method.unwrap_or(op.method);
    if method != op.method {
        return Err(skip!("the example uses {method}, the table {}", op.method));
    }
    let path_values = op
        .path_template()
        .match_path(&path)
        .ok_or_else(|| format!("the example path `{path}` does not match `{}`", op.path))?;
    let body = match (&ex.json, &op.body) {
        (Some(j), Some(b)) if !b.content_type.starts_with("multipart/") => {
            conforms(op, j, &b.ty, &b.fields, "")?;
            let json = super::json_literal(j);
            let m = members
                .iter()
                .find(|m| Some(&m.rust) == model.body.as_ref())
                .ok_or("no body member")?;
            let ty = &m.elem;
            Some((
                quote! { serde_json::from_str::<#ty>(#json).expect("example body") },
                json,
            ))
        }
        (Some(_), Some(_)) => return Err("multipart body".into()),
        (Some(_), None) => return Err("the example has a body the table lacks".into()),
        (None, _) => None,
    };
    let mut used = Vec::new();
    let lit = request_literal(
        op,
        model,
        members,
        |f, m| {
            let text = match f.location {
                Some(Location::Path) => path_values
                    .iter()
                    .find(|(n, _)| *n == f.name)
                    .map(|(_, v)| v.to_string()),
                Some(Location::Query) => {
                    let vals: Vec<&String> = query
                        .iter()
                        .filter(|(k, _)| *k == f.name)
                        .map(|(_, v)| v)
                        .collect();
                    if vals.is_empty() {
                        None
                    } else if m.is_vec {
                        used.push(f.name.clone());
                        let lits: Result<Vec<TokenStream>, Skip> = vals
                            .iter()
                            .map(|t| {
                                scalar_literal(f.ty.element(), t)
                                    .ok_or_else(|| skip!("`{}={t}` does not fit", f.name))
                            })
                            .collect();
                        let lits = lits?;
                        return Ok(Some(quote! { [#(#lits),*] }));
                    } else if vals.len() > 1 {
                        return Err(skip!("`{}` repeated", f.name));
                    } else {
                        used.push(f.name.clone());
                        Some(vals[0].clone())
                    }
                }
                // The examples print no headers (and the check compares none): a
                // required one takes the table's example value, else a placeholder.
                Some(Location::Header) if m.required => Some(
                    f.example
                        .clone()
                        .filter(|e| !e.trim().is_empty())
                        .unwrap_or_else(|| format!("{{{}}}", f.name)),
                ),
                _ => None,
            };
            let Some(text) = text else { return Ok(None) };
            if !f.enum_values.is_empty() && f.ty == TypeExpr::String {
                return Ok(Some(quote! { #text }));
            }
            scalar_literal(&f.ty, &text)
                .map(Some)
                .ok_or_else(|| skip!("`{}={text}` does not fit type {}", f.name, f.ty))
        },
        body.as_ref().map(|(b, _)| b.clone()),
    )?;
    if let Some((k, _)) = query.iter().find(|(k, _)| !used.contains(k)) {
        return Err(skip!("the example sends `{k}`, which the table lacks"));
    }
    let method = method.as_str();
    let q = query.iter().map(|(k, v)| quote! { (#k, #v) });
    let body_check = match &body {
        Some((_, json)) => quote! { Some(#json) },
        None => quote! { None },
    };
    Ok(quote! {
        {
            use #module::*;
            let request = #lit;
            let encoded = encode::#enc(&request).expect("encodes");
            apigen_runtime::examples::check_rest(&encoded, #method, #path, &[#(#q),*], #body_check).unwrap();
        }
    })
}

/// `tests/examples.rs`: one test per operation (response examples decode without dropping a
/// field; request examples are reproduced by the encoder), and counts for the report.
pub struct TestFile {
    pub tokens: TokenStream,
    pub tests: usize,
    pub request_checked: usize,
    pub request_skipped: usize,
    pub response_checked: usize,
    pub response_skipped: usize,
}

pub fn emit_tests(sm: &ServiceModel) -> TestFile {
    let client_crate = &sm.names.client_crate;
    let mut tests = Vec::new();
    let mut out = TestFile {
        tokens: TokenStream::new(),
        tests: 0,
        request_checked: 0,
        request_skipped: 0,
        response_checked: 0,
        response_skipped: 0,
    };
    for o in &sm.operations {
        let (op, mname, model, members) = (o.op, &o.method, &o.model, &o.members);
        let (enc, module, resp) = (&o.method_ident, &o.module, &o.response);
        let mut stmts = Vec::new();
        let mut notes = Vec::new();
        let success = op.success_response();
        for r in &op.responses {
            for ex in &r.examples {
                if ex.format != ExampleFormat::Json {
                    continue;
                }
                let Some(json) = &ex.json else { continue };
                if Some(r) != success {
                    notes.push(format!(
                        "Skipped: the HTTP {} example (line {}) is not the success response.",
                        r.status, ex.line
                    ));
                    out.response_skipped += 1;
                    continue;
                }
                if let Some(m) = &ex.mismatch {
                    notes.push(format!(
                        "Skipped: response example at line {} ({m}).",
                        ex.line
                    ));
                    out.response_skipped += 1;
                    continue;
                }
                let text =
                    super::raw_string(&serde_json::to_string_pretty(json).unwrap_or_default());
                let msg = format!("response example at line {}", ex.line);
                stmts.push(quote! {
                    if let Err(e) = apigen_runtime::decode::check_example::<#module::#resp>(#text) {
                        panic!("{}: {}", #msg, e);
                    }
                });
                out.response_checked += 1;
            }
        }
        for ex in &op.request_examples {
            match request_example_test(sm, op, model, members, enc, ex) {
                Ok(t) => {
                    stmts.push(t);
                    out.request_checked += 1;
                }
                Err(why) => {
                    notes.push(format!(
                        "Skipped: request example at line {}: {why}.",
                        ex.line
                    ));
                    out.request_skipped += 1;
                }
            }
        }
        let name = format_ident!("{}", mname.trim_start_matches("r#"));
        let mut doc = format!(
            "`{}` (section {}): documented examples.",
            op.id, op.source.section
        );
        for n in &notes {
            doc.push_str("\n\n");
            doc.push_str(n);
        }
        if stmts.is_empty() {
            // Nothing to check: keep the reasons in the file, no empty test.
            let doc = doc_lines(&doc);
            tests.push(quote! {
                #doc
                #[allow(dead_code)]
                const #name: () = ();
            });
            continue;
        }
        let doc = doc_lines(&doc);
        tests.push(quote! {
            #doc
            #[test]
            fn #name() {
                #(#stmts)*
            }
        });
        out.tests += 1;
    }
    let models = &sm.names.models_crate;
    let tests_tokens = quote! { #(#tests)* };
    let use_encode =
        super::mentions(&tests_tokens, "encode").then(|| quote! { use #client_crate::encode; });
    let use_models = (out.tests > 0).then(|| quote! { use #models::*; });
    out.tokens = quote! {
        #![allow(non_upper_case_globals)] // skipped operations keep their notes in a named const
        #use_encode
        #use_models
        #(#tests)*
    };
    out
}
