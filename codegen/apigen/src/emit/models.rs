//! Request and response models of one service: the `<service>-models` crate.
//!
//! One module per operation holds its `…Request`, `…Response` and the nested types both
//! need; the root re-exports the request and response types. Models are plain data:
//! no HTTP client, so a server or mock user does not compile reqwest. Response fields are
//! all optional and decoded leniently (the vendors send numbers as strings, single objects
//! for lists, XML-style list wrappers): the document is not a promise the service keeps.

use super::names::{self, Scope};
use crate::spec::model::{Body, Encoding, Field, Location, Operation, Spec, TypeDef, TypeExpr};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use std::collections::BTreeMap;

/// Whether a type is read from the wire (lenient, all optional) or written to it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Side {
    Request,
    Response,
}

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

pub fn op_model(op: &Operation) -> OpModel {
    let mut scope = Scope::default();
    let params = op.parameters.iter().map(|p| (scope.unique(names::field(&p.name)), p.clone())).collect();
    let body = op.body.as_ref().map(|_| scope.unique("body".into()));
    OpModel {
        module: names::field(&op.id).trim_start_matches("r#").to_string(),
        request: format!("{}Request", names::type_name(&op.id)),
        response: format!("{}Response", names::type_name(&op.id)),
        params,
        body,
    }
}

/// Emit `src/lib.rs` of the models crate.
pub fn emit(spec: &Spec) -> TokenStream {
    let mut modules = Vec::new();
    let mut exports = Vec::new();
    for op in &spec.operations {
        let model = op_model(op);
        let module = format_ident!("{}", model.module);
        let (req, resp) = (format_ident!("{}", model.request), format_ident!("{}", model.response));
        let items = OpEmitter::new(op).emit(&model);
        let doc = doc_lines(&format!("Models of `{}`: {}", op.id, op.title));
        modules.push(quote! {
            #doc
            pub mod #module {
                #[allow(unused_imports)]
                use super::*;
                #(#items)*
            }
        });
        exports.push(quote! { pub use #module::{#req, #resp}; });
    }
    quote! {
        #(#exports)*
        #(#modules)*
    }
}

/// Turns one operation's fields into Rust items, naming nested types uniquely in its module.
struct OpEmitter<'a> {
    op: &'a Operation,
    scope: Scope,
    items: Vec<TokenStream>,
    /// Named types already emitted per side: spec name → Rust name.
    named: BTreeMap<(String, bool), String>,
}

impl<'a> OpEmitter<'a> {
    fn new(op: &'a Operation) -> Self {
        let mut scope = Scope::default();
        scope.unique(format!("{}Request", names::type_name(&op.id)));
        scope.unique(format!("{}Response", names::type_name(&op.id)));
        OpEmitter { op, scope, items: Vec::new(), named: BTreeMap::new() }
    }

    fn emit(mut self, model: &OpModel) -> Vec<TokenStream> {
        self.request(model);
        self.response(model);
        self.items
    }

    fn request(&mut self, model: &OpModel) {
        let name = format_ident!("{}", model.request);
        let mut fields = Vec::new();
        for (rust, p) in &model.params {
            let ty = self.rust_type(&p.ty, &p.fields, &p.name, Side::Request, p.enum_values.as_slice(), p.encoding);
            fields.push(field_tokens(rust, &p.name, ty, p.required, Side::Request, &doc_of_field(p)));
        }
        if let (Some(rust), Some(body)) = (&model.body, &self.op.body) {
            let ty = self.body_type(body, &format!("{}Body", names::type_name(&self.op.id)), Side::Request);
            let doc = if body.description.is_empty() { "Request body.".to_string() } else { body.description.clone() };
            let ident = ident(rust);
            let doc = doc_lines(&doc);
            fields.push(if body.required {
                quote! { #doc pub #ident: #ty, }
            } else {
                quote! { #doc #[serde(default, skip_serializing_if = "Option::is_none")] pub #ident: Option<#ty>, }
            });
        }
        let doc = doc_lines(&format!(
            "Request of `{}` ({}).\n\n{}\n\nSource: section {}, line {}.",
            self.op.id, self.op.title, self.op.description, self.op.source.section, self.op.source.line
        ));
        self.items.push(quote! {
            #doc
            #[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
            pub struct #name { #(#fields)* }
        });
    }

    fn response(&mut self, model: &OpModel) {
        let name = format_ident!("{}", model.response);
        let success = self.op.success_response();
        let body = success.and_then(|r| r.body.as_ref());
        let doc = doc_lines(&format!(
            "Response of `{}` (HTTP {}).",
            self.op.id,
            success.map(|r| r.status).unwrap_or(200)
        ));
        match body {
            Some(b) if matches!(b.ty, TypeExpr::Object) || !b.fields.is_empty() && !matches!(b.ty, TypeExpr::Array(_)) => {
                let fields = self.struct_fields(&b.fields, Side::Response);
                self.items.push(quote! {
                    #doc
                    #[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
                    pub struct #name { #(#fields)* }
                });
            }
            Some(b) => {
                // A top-level array (or other non-object) body: a transparent newtype.
                let ty = self.body_type(b, &format!("{}Item", names::type_name(&self.op.id)), Side::Response);
                self.items.push(quote! {
                    #doc
                    #[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
                    #[serde(transparent)]
                    pub struct #name(pub #ty);
                });
            }
            None => {
                self.items.push(quote! {
                    #doc
                    ///
                    /// The document describes no body for this response.
                    #[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
                    pub struct #name {}
                });
            }
        }
    }

    /// The Rust type of a body (object → a struct named `hint`).
    fn body_type(&mut self, body: &Body, hint: &str, side: Side) -> TokenStream {
        if matches!(body.ty, TypeExpr::Object) && !body.fields.is_empty() {
            return self.object(hint, &body.fields, side, &body.description);
        }
        self.rust_type(&body.ty, &body.fields, hint, side, &[], None)
    }

    fn struct_fields(&mut self, fields: &[Field], side: Side) -> Vec<TokenStream> {
        let mut scope = Scope::default();
        fields
            .iter()
            .map(|f| {
                let rust = scope.unique(names::field(&f.name));
                let ty = match (&f.list_wrapper, &f.ty) {
                    (Some(wrapper), TypeExpr::Array(_)) => self.wrapper(f, wrapper, side),
                    _ => self.rust_type(&f.ty, &f.fields, &f.name, side, &f.enum_values, f.encoding),
                };
                field_tokens(&rust, &f.name, ty, f.required, side, &doc_of_field(f))
            })
            .collect()
    }

    /// A list the wire wraps in an XML-style element (`"InstanceList": {"InstanceVO": [...]}`):
    /// a struct with the one wrapped member, so both decoding and encoding keep the shape.
    fn wrapper(&mut self, f: &Field, wrapper: &str, side: Side) -> TokenStream {
        let list = self.rust_type(&f.ty, &f.fields, wrapper, side, &f.enum_values, None);
        let name = self.scope.unique(format!("{}List", names::type_name(&f.name)));
        let ident = format_ident!("{}", name);
        let doc = doc_lines(&format!("The `{wrapper}` wrapper around the list `{}`.", f.name));
        let member_doc = doc_lines(&format!("The `{wrapper}` items."));
        self.items.push(quote! {
            #doc
            #[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
            pub struct #ident {
                #member_doc
                #[serde(rename = #wrapper, default, deserialize_with = "apigen_runtime::decode::lenient_list")]
                pub items: #list,
            }
        });
        quote! { #ident }
    }

    /// Emit a struct for an inline or named object and return its name.
    fn object(&mut self, hint: &str, fields: &[Field], side: Side, description: &str) -> TokenStream {
        let name = self.scope.unique(names::type_name(hint));
        let ident = format_ident!("{}", name);
        let members = self.struct_fields(fields, side);
        let doc = doc_lines(if description.is_empty() { hint } else { description });
        self.items.push(quote! {
            #doc
            #[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
            pub struct #ident { #(#members)* }
        });
        quote! { #ident }
    }

    fn named(&mut self, name: &str, side: Side) -> TokenStream {
        let key = (name.to_string(), side == Side::Request);
        if let Some(done) = self.named.get(&key) {
            let ident = format_ident!("{}", done);
            return quote! { #ident };
        }
        let Some(TypeDef { fields, description, .. }) = self.op.types.get(name).cloned() else {
            return quote! { serde_json::Value };
        };
        // Reserve the name first so recursive references terminate.
        let rust = self.scope.unique(names::type_name(name));
        self.named.insert(key, rust.clone());
        let ident = format_ident!("{}", rust);
        let members = self.struct_fields(&fields, side);
        let doc = doc_lines(if description.is_empty() { name } else { &description });
        self.items.push(quote! {
            #doc
            #[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
            pub struct #ident { #(#members)* }
        });
        quote! { #ident }
    }

    fn rust_type(
        &mut self,
        ty: &TypeExpr,
        fields: &[Field],
        hint: &str,
        side: Side,
        enums: &[crate::spec::model::EnumValue],
        encoding: Option<Encoding>,
    ) -> TokenStream {
        let _ = encoding;
        match ty {
            TypeExpr::String if !enums.is_empty() => self.enumeration(hint, enums),
            TypeExpr::String => quote! { String },
            TypeExpr::Integer => quote! { i32 },
            TypeExpr::Long => quote! { i64 },
            TypeExpr::Number => quote! { f64 },
            TypeExpr::Boolean => quote! { bool },
            TypeExpr::Object if !fields.is_empty() => self.object(hint, fields, side, ""),
            TypeExpr::Object | TypeExpr::Any => quote! { serde_json::Value },
            TypeExpr::File => quote! { apigen_runtime::File },
            TypeExpr::Array(inner) => {
                let inner = self.rust_type(inner, fields, hint, side, enums, None);
                quote! { Vec<#inner> }
            }
            TypeExpr::Map(inner) => {
                let inner = self.rust_type(inner, fields, hint, side, enums, None);
                quote! { std::collections::BTreeMap<String, #inner> }
            }
            TypeExpr::Named(n) => self.named(n, side),
        }
    }

    /// A string enum that keeps values the document does not list.
    fn enumeration(&mut self, hint: &str, values: &[crate::spec::model::EnumValue]) -> TokenStream {
        let name = self.scope.unique(names::type_name(hint));
        let ident = format_ident!("{}", name);
        let mut vscope = Scope::default();
        vscope.unique("Unknown".into());
        let variants: Vec<(proc_macro2::Ident, &str, &str)> = values
            .iter()
            .map(|v| (format_ident!("{}", vscope.unique(names::variant(&v.value))), v.value.as_str(), v.description.as_str()))
            .collect();
        let decls = variants.iter().map(|(id, value, desc)| {
            let doc = doc_lines(&if desc.is_empty() { format!("`{value}`") } else { format!("`{value}`: {desc}") });
            quote! { #doc #id, }
        });
        let to_str = variants.iter().map(|(id, value, _)| quote! { #ident::#id => #value, });
        let from_str = variants.iter().map(|(id, value, _)| quote! { #value => #ident::#id, });
        let doc = doc_lines(&format!("Values of `{hint}`. Values the document does not list are kept in `Unknown`."));
        self.items.push(quote! {
            #doc
            #[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
            pub enum #ident {
                #(#decls)*
                /// A value the document does not list (kept as sent).
                #[default]
                Unknown(String),
            }
            impl #ident {
                /// The value as sent on the wire.
                pub fn as_str(&self) -> &str {
                    match self {
                        #(#to_str)*
                        #ident::Unknown(s) => s.as_str(),
                    }
                }
            }
            impl From<&str> for #ident {
                fn from(s: &str) -> Self {
                    match s {
                        #(#from_str)*
                        other => #ident::Unknown(other.to_string()),
                    }
                }
            }
            impl std::fmt::Display for #ident {
                fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    f.write_str(self.as_str())
                }
            }
            impl serde::Serialize for #ident {
                fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                    s.serialize_str(self.as_str())
                }
            }
            impl<'de> serde::Deserialize<'de> for #ident {
                fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                    apigen_runtime::decode::lenient_string(d).map(|s| #ident::from(s.as_str()))
                }
            }
        });
        quote! { #ident }
    }
}

fn ident(rust: &str) -> proc_macro2::Ident {
    match rust.strip_prefix("r#") {
        Some(raw) => proc_macro2::Ident::new_raw(raw, proc_macro2::Span::call_site()),
        None => format_ident!("{}", rust),
    }
}

/// One struct field: wire name, optionality, lenient decoding on responses.
fn field_tokens(rust: &str, wire: &str, ty: TokenStream, required: bool, side: Side, doc: &str) -> TokenStream {
    let id = ident(rust);
    let doc = doc_lines(doc);
    let is_vec = ty.to_string().starts_with("Vec <");
    match side {
        Side::Request if required => quote! {
            #doc
            #[serde(rename = #wire)]
            pub #id: #ty,
        },
        Side::Request if is_vec => quote! {
            #doc
            #[serde(rename = #wire, default, skip_serializing_if = "Vec::is_empty")]
            pub #id: #ty,
        },
        Side::Request => quote! {
            #doc
            #[serde(rename = #wire, default, skip_serializing_if = "Option::is_none")]
            pub #id: Option<#ty>,
        },
        Side::Response if is_vec => quote! {
            #doc
            #[serde(rename = #wire, default, deserialize_with = "apigen_runtime::decode::lenient_list", skip_serializing_if = "Vec::is_empty")]
            pub #id: #ty,
        },
        Side::Response => quote! {
            #doc
            #[serde(rename = #wire, default, deserialize_with = "apigen_runtime::decode::lenient", skip_serializing_if = "Option::is_none")]
            pub #id: Option<#ty>,
        },
    }
}

/// Rustdoc for a field: description, enum values, constraints, default, source line.
fn doc_of_field(f: &Field) -> String {
    let mut doc = if f.description.is_empty() { format!("`{}`.", f.name) } else { f.description.clone() };
    if let Some(d) = &f.default {
        doc.push_str(&format!("\n\nDefault: `{d}`."));
    }
    let c = &f.constraints;
    let mut limits = Vec::new();
    if let Some(v) = c.min_length {
        limits.push(format!("min length {v}"));
    }
    if let Some(v) = c.max_length {
        limits.push(format!("max length {v}"));
    }
    if let Some(v) = c.minimum {
        limits.push(format!("minimum {v}"));
    }
    if let Some(v) = c.maximum {
        limits.push(format!("maximum {v}"));
    }
    if !limits.is_empty() {
        doc.push_str(&format!("\n\nConstraints: {}.", limits.join(", ")));
    }
    if f.encoding == Some(Encoding::RepeatList) {
        doc.push_str(&format!("\n\nSent as a repeat list (`{}.1`, `{}.2`, ...).", f.name, f.name));
    }
    if let Some(Location::Header) = f.location {
        doc.push_str(&format!("\n\nHTTP header `{}`.", f.name));
    }
    if let Some(l) = f.line {
        doc.push_str(&format!("\n\nDocument line {l}."));
    }
    doc
}

/// `#[doc = "..."]` attributes, one per line, escaping nothing rustdoc would misread.
pub fn doc_lines(text: &str) -> TokenStream {
    let lines: Vec<String> = text.trim().lines().map(|l| format!(" {}", l.trim_end())).collect();
    quote! { #(#[doc = #lines])* }
}
