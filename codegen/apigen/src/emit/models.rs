//! Request and response models of one service: the `<service>-models` crate.
//!
//! One module per operation holds its `…Request`, `…Response` and the nested types both
//! need; the root re-exports the request and response types. A nested type that occurs more
//! than once with the same definition is emitted once in a shared module (`types`) and
//! re-exported by each operation module under the name it has there.
//!
//! For build cost, structs implement `Serialize`, `Deserialize`, `Debug`, `Clone` and
//! `PartialEq` through `apigen_runtime::wire_object!` (a member table the runtime's
//! `codec` walks) rather than derives: the derives, then per-struct serde code, were most of
//! a models crate's build time.
//!
//! Models are plain data: no HTTP client, so a server or mock user does not compile reqwest.
//! Response fields are all optional and decoded leniently (the vendors send numbers as
//! strings, single objects for lists, XML-style list wrappers): the document is not a promise
//! the service keeps.

use super::names::{self, Scope};
use super::types::{
    text_lines, FieldDef, Kind, NamedType, OpTypes, ResponseDef, Shape, StructDef, Ty, TypeRef,
    TypeSpace,
};
use crate::spec::model::{Field, Location, Operation};
use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

/// The Rust model of one operation, as the client, server and mock emitters need it.
#[derive(Debug, Clone)]
pub struct OpModel {
    /// Module name (`create_topic`).
    pub module: String,
    pub request: String,
    pub response: String,
    /// Request parameters with their Rust field names, in spec order (non-body).
    pub params: Vec<(String, Field)>,
    /// Rust field name and type of the body, if any.
    pub body: Option<String>,
}

/// Huawei's IAM token header, which the client sets from the credentials: like the transport
/// headers ([`apigen_runtime::request::TRANSPORT_HEADERS`]) not operation data.
const TOKEN_HEADER: &str = "x-auth-token";

/// Whether a parameter is Huawei's `{project_id}` path placeholder (optional in the models: the
/// client takes it from the credentials when a request leaves it out).
pub fn is_project_id(p: &Field) -> bool {
    p.location == Some(Location::Path) && p.name == "project_id"
}

/// Whether a parameter is Huawei's `{domain_id}` path placeholder of global services (optional
/// in the models like [`is_project_id`]: the client fills it with the account's domain id).
pub fn is_domain_id(p: &Field) -> bool {
    p.location == Some(Location::Path) && p.name == "domain_id"
}

/// Whether a parameter is a header the runtime sets itself: a transport header
/// ([`apigen_runtime::request::is_transport_header`]) or the IAM token.
pub fn is_transport_header(p: &Field) -> bool {
    p.location == Some(Location::Header)
        && (apigen_runtime::request::is_transport_header(&p.name)
            || p.name.trim().eq_ignore_ascii_case(TOKEN_HEADER))
}

pub fn op_model(op: &Operation) -> OpModel {
    let mut scope = Scope::default();
    // `new` and the setters share the namespace of the fields.
    scope.unique("new".into());
    let params = op
        .parameters
        .iter()
        .filter(|p| !is_transport_header(p))
        .map(|p| {
            let mut p = p.clone();
            // `Authorization` is the engine's bearer token (CSE RBAC); signing sets it
            // otherwise, so it can never be a required argument.
            if p.location == Some(Location::Header) && p.name.eq_ignore_ascii_case("authorization")
            {
                p.required = false;
            }
            // Huawei's `{project_id}`: the client fills it from the credentials when the request
            // leaves it out, as the official SDKs do.
            if is_project_id(&p) || is_domain_id(&p) {
                p.required = false;
            }
            (scope.unique(names::field(&p.name)), p)
        })
        .collect();
    let body = op.body.as_ref().map(|_| scope.unique("body".into()));
    OpModel {
        module: names::field(&op.id).trim_start_matches("r#").to_string(),
        request: format!("{}Request", names::type_name(&op.id)),
        response: format!("{}Response", names::type_name(&op.id)),
        params,
        body,
    }
}

/// One member of a request struct, as `new`, the setters and the generated tests see it.
#[derive(Debug, Clone)]
pub struct Member {
    /// Rust field name (maybe `r#type`).
    pub rust: String,
    /// Element type for lists, else the field type (unqualified, inside the op module).
    pub elem: TokenStream,
    pub required: bool,
    pub is_vec: bool,
}

/// The request members of an operation, read from its lowered types.
pub fn request_members(types: &OpTypes) -> Vec<Member> {
    types
        .request
        .fields
        .iter()
        .filter_map(|f| {
            let s = f.setter?;
            Some(Member {
                rust: f.rust.clone(),
                elem: rust_type(f.elem(), &Names::Local),
                required: s.required,
                is_vec: s.is_vec,
            })
        })
        .collect()
}

/// How a referenced nested type is named where it is written.
enum Names<'s> {
    /// In an operation module: the name that module knows it by.
    Local,
    /// In the shared module: its shared name.
    Shared(&'s TypeSpace),
}

impl Names<'_> {
    fn of(&self, r: &TypeRef) -> Ident {
        match self {
            Names::Local => format_ident!("{}", r.local),
            // A shared type refers only to shared types (each occurrence brought its own copy
            // of what it refers to), so the fallback is never taken.
            Names::Shared(space) => {
                format_ident!("{}", space.get(r.id).shared.as_deref().unwrap_or(&r.local))
            }
        }
    }
}

/// Emit `src/lib.rs` of the models crate.
///
/// Nested types that occur more than once with the same structure (one [`TypeSpace`] entry)
/// are emitted once, in a shared module, and re-exported under their local name by each
/// operation module that uses them, so every `<op>::<Type>` path stays valid while the crate
/// compiles each distinct type once.
pub fn emit(sm: &super::lower::ServiceModel) -> TokenStream {
    let space = &sm.types;
    let shared_ident = format_ident!("{}", space.shared_module);
    let shared_items: Vec<TokenStream> = space
        .shared()
        .map(|(_, t, name)| nested_item(&format_ident!("{}", name), t, &Names::Shared(space)))
        .collect();

    let mut modules = Vec::new();
    let mut exports = Vec::new();
    for o in &sm.operations {
        let (op, types) = (o.op, &o.types);
        let (module, req, resp) = (&o.module, &o.request, &o.response);
        let mut uses = Vec::new();
        let mut own = Vec::new();
        let mut nested = |r: &TypeRef, own: &mut Vec<TokenStream>| {
            let local = format_ident!("{}", r.local);
            let t = space.get(r.id);
            match &t.shared {
                Some(c) if *c == r.local => {
                    uses.push(quote! { pub use super::#shared_ident::#local; })
                }
                Some(c) => {
                    let c = format_ident!("{}", c);
                    uses.push(quote! { pub use super::#shared_ident::#c as #local; })
                }
                None => own.push(nested_item(&local, t, &Names::Local)),
            }
        };
        for r in &types.request_types {
            nested(r, &mut own);
        }
        own.push(request_item(op, req, &types.request));
        for r in &types.response_types {
            nested(r, &mut own);
        }
        own.push(response_item(op, resp, &types.response));
        let doc = doc_lines(&format!("Models of `{}`: {}", op.id, op.title));
        modules.push(quote! {
            #doc
            pub mod #module {
                #(#uses)*
                #(#own)*
            }
        });
        exports.push(quote! { pub use #module::{#req, #resp}; });
    }
    let shared = if shared_items.is_empty() {
        quote! {}
    } else {
        let doc = doc_lines(
            "Nested types that several operation modules use, defined once here (each \
             operation module re-exports them under its own names).\n\nThe type's own doc and \
             document lines are those of its first use; where another operation describes a \
             member in other words, its description follows the first.\n\nHidden: which types \
             are shared changes with the spec, so the API is each operation module's names.",
        );
        quote! {
            #doc
            #[doc(hidden)]
            pub mod #shared_ident {
                #(#shared_items)*
            }
        }
    };
    quote! {
        #![warn(missing_docs)]
        #(#exports)*
        #shared
        #(#modules)*
    }
}

/// The request struct of `op` and its `new` and setters.
fn request_item(op: &Operation, name: &Ident, def: &StructDef) -> TokenStream {
    let restrictions = if op.restrictions.is_empty() {
        String::new()
    } else {
        format!("# Restrictions\n\n{}\n\n", op.restrictions)
    };
    let doc = doc_lines(&format!(
        "Request of `{}` ({}).\n\n{}\n\n{restrictions}Source: section {}, line {}.",
        op.id, op.title, op.description, op.source.section, op.source.line
    ));
    // Required parameters are enforced by `new`; a request without any has `Default`.
    let any_required = def
        .fields
        .iter()
        .any(|f| f.setter.is_some_and(|s| s.required));
    // Built with `new` and the setters, never by struct literal outside the crate: a
    // parameter the vendor adds as optional is then an addition, not a breaking change
    // (what `apigen diff` and cargo-semver-checks call it; `scripts/semver-check.sh`).
    let doc = quote! { #doc #[non_exhaustive] };
    let mut tokens = struct_item(name, doc, !any_required, &def.fields, &Names::Local);
    tokens.extend(constructors(
        name,
        &def.fields,
        &Names::Local,
        "A request with the required parameters; set optional ones with the setters.",
    ));
    tokens
}

/// The response type of `op`.
fn response_item(op: &Operation, name: &Ident, def: &ResponseDef) -> TokenStream {
    let status = op.success_response().map(|r| r.status).unwrap_or(200);
    let doc = doc_lines(&format!("Response of `{}` (HTTP {status}).", op.id));
    match def {
        ResponseDef::Struct(s) => struct_item(
            name,
            quote! { #doc #[non_exhaustive] },
            true,
            &s.fields,
            &Names::Local,
        ),
        ResponseDef::Newtype(ty) => {
            // A top-level array (or other non-object) body: a transparent newtype.
            let ty = rust_type(ty, &Names::Local);
            quote! {
                #doc
                #[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
                #[serde(transparent)]
                pub struct #name(pub #ty);
            }
        }
        ResponseDef::Empty => {
            let doc = quote! {
                #doc
                ///
                /// The document describes no body for this response.
                #[non_exhaustive]
            };
            struct_item(name, doc, true, &[], &Names::Local)
        }
    }
}

/// A nested type's item, named `name`.
fn nested_item(name: &Ident, t: &NamedType, names: &Names) -> TokenStream {
    let doc = doc_attrs(&t.doc);
    match &t.shape {
        // `#[non_exhaustive]`, so a member the vendor adds is an addition for Rust callers
        // too. Built with `Default` and its public fields on the response side; on the
        // request side with `new(required…)` and the setters, like a request. `Default` on
        // both sides: decoding a request starts from its members' defaults.
        Shape::Struct(s) => {
            let mut tokens = struct_item(
                name,
                quote! { #doc #[non_exhaustive] },
                true,
                &s.fields,
                names,
            );
            if s.builder {
                tokens.extend(constructors(
                    name,
                    &s.fields,
                    names,
                    "A value with the required members; set optional ones with the setters.",
                ));
            }
            tokens
        }
        Shape::Wrapper(items) => struct_item(name, doc, true, std::slice::from_ref(items), names),
        Shape::Enum(variants) => {
            let decls = variants.iter().map(|v| {
                let doc = doc_attrs(&v.doc.rendered());
                let id = format_ident!("{}", v.rust);
                quote! { #doc #id, }
            });
            let values = variants.iter().map(|v| {
                let id = format_ident!("{}", v.rust);
                let value = &v.value;
                quote! { #id: #value }
            });
            quote! {
                #doc
                #[non_exhaustive]
                #[derive(Debug, Clone, PartialEq, Eq, Hash)]
                pub enum #name {
                    #(#decls)*
                    /// A value the document does not list (kept as sent).
                    Unknown(String),
                }
                apigen_runtime::wire_enum!(#name { #(#values),* });
            }
        }
    }
}

/// The Rust type `ty` is written as.
fn rust_type(ty: &Ty, names: &Names) -> TokenStream {
    match ty {
        Ty::String => quote! { String },
        Ty::I32 => quote! { i32 },
        Ty::I64 => quote! { i64 },
        Ty::F64 => quote! { f64 },
        Ty::Bool => quote! { bool },
        Ty::Value => quote! { serde_json::Value },
        Ty::File => quote! { apigen_runtime::File },
        Ty::Vec(inner) => {
            let inner = rust_type(inner, names);
            quote! { Vec<#inner> }
        }
        Ty::Map(inner) => {
            let inner = rust_type(inner, names);
            quote! { std::collections::BTreeMap<String, #inner> }
        }
        Ty::Named(r) => {
            let n = names.of(r);
            quote! { #n }
        }
    }
}

fn ident(rust: &str) -> Ident {
    super::lower::ident(rust)
}

/// `new(required…)` and one chainable setter per optional member.
fn constructors(name: &Ident, fields: &[FieldDef], names: &Names, doc: &str) -> TokenStream {
    let mut args = Vec::new();
    let mut inits = Vec::new();
    let mut setters = Vec::new();
    for f in fields {
        let Some(setter) = f.setter else { continue };
        let id = ident(&f.rust);
        let elem = rust_type(f.elem(), names);
        let (ty, value) = if setter.is_vec {
            (
                quote! { impl IntoIterator<Item = impl Into<#elem>> },
                quote! { #id.into_iter().map(Into::into).collect() },
            )
        } else {
            (quote! { impl Into<#elem> }, quote! { #id.into() })
        };
        if setter.required {
            args.push(quote! { #id: #ty });
            inits.push(quote! { #id: #value, });
        } else {
            let wire = if setter.is_vec {
                quote! { #value }
            } else {
                quote! { Some(#value) }
            };
            inits.push(if setter.is_vec {
                quote! { #id: Vec::new(), }
            } else {
                quote! { #id: None, }
            });
            let doc = format!(" Sets `{}`.", f.rust.trim_start_matches("r#"));
            setters.push(quote! {
                #[doc = #doc]
                pub fn #id(mut self, #id: #ty) -> Self {
                    self.#id = #wire;
                    self
                }
            });
        }
    }
    let new_doc = format!(" {doc}");
    let many = if args.len() > 7 {
        quote! { #[allow(clippy::too_many_arguments)] // one argument per required parameter of the document
        }
    } else {
        quote! {}
    };
    quote! {
        impl #name {
            #[doc = #new_doc]
            #many
            pub fn new(#(#args),*) -> Self {
                Self { #(#inits)* }
            }
            #(#setters)*
        }
    }
}

/// How `wire_object!` writes a member (`apigen_runtime::codec::Kind`).
fn write_kind(kind: Kind) -> Ident {
    format_ident!(
        "{}",
        match kind {
            Kind::Required | Kind::Field => "Field",
            Kind::Opt => "Opt",
            Kind::List => "List",
        }
    )
}

/// A struct with its member table, `Serialize`, `Deserialize`, `Debug`, `Clone` and
/// `PartialEq` through `apigen_runtime::wire_object!`: one line per member (wire name, how it
/// is written, its tolerant decoder), which expands to a constant table and one-line impls
/// (no code per member; the runtime walks the table). Only `Default` is derived, where the
/// struct has one (`default`).
fn struct_item(
    name: &Ident,
    doc: TokenStream,
    default: bool,
    fields: &[FieldDef],
    names: &Names,
) -> TokenStream {
    let decls = fields.iter().map(|f| {
        let doc = doc_attrs(&f.doc.rendered());
        let id = ident(&f.rust);
        let ty = rust_type(&f.ty, names);
        if f.kind == Kind::Opt {
            quote! { #doc pub #id: Option<#ty>, }
        } else {
            quote! { #doc pub #id: #ty, }
        }
    });
    let members = fields.iter().map(|f| {
        let id = ident(&f.rust);
        let kind = write_kind(f.kind);
        let wire = &f.wire;
        let decoder = format_ident!("{}", f.decoder.unwrap_or("Plain"));
        quote! { #id: #kind(#wire, #decoder) }
    });
    let required: Vec<&String> = fields
        .iter()
        .filter(|f| f.kind == Kind::Required)
        .map(|f| &f.wire)
        .collect();
    let required = if required.is_empty() {
        quote! {}
    } else {
        quote! { , required = [#(#required),*] }
    };
    // A struct deriving `Default` starts decoding from it (`..Default::default()`), others
    // from every member's default.
    let from_default = if default && !fields.is_empty() {
        quote! { , ..Default::default() }
    } else {
        quote! {}
    };
    let derives = if default {
        quote! { #[derive(Default)] }
    } else {
        quote! {}
    };
    quote! {
        #doc
        #derives
        pub struct #name { #(#decls)* }
        apigen_runtime::wire_object!(#name { #(#members),* #from_default } #required);
    }
}

/// `#[doc = "..."]` attributes, one per line, escaping nothing rustdoc would misread.
pub fn doc_lines(text: &str) -> TokenStream {
    doc_attrs(&text_lines(text))
}

/// `#[doc = "..."]` attributes of lines as [`text_lines`] gives them.
fn doc_attrs(lines: &[String]) -> TokenStream {
    quote! { #(#[doc = #lines])* }
}
