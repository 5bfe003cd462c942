//! Request and response models of one service: the `<service>-models` crate.
//!
//! One module per operation holds its `…Request`, `…Response` and the nested types both
//! need; the root re-exports the request and response types. A nested type that occurs more
//! than once with the same definition is emitted once in a shared module (`types`) and
//! re-exported by each operation module under the name it has there.
//!
//! For build cost, structs implement `Serialize` and `Deserialize` through two small runtime
//! helpers (`apigen_runtime::decode::{Members, object}`) rather than serde's derives: the
//! derives made up about three quarters of a models crate's build time.
//!
//! Models are plain data: no HTTP client, so a server or mock user does not compile reqwest.
//! Response fields are all optional and decoded leniently (the vendors send numbers as
//! strings, single objects for lists, XML-style list wrappers): the document is not a promise
//! the service keeps.

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

/// Headers the runtime sets itself (authentication and content negotiation), which the
/// documents list per operation; they are not operation data, so models leave them out.
pub const TRANSPORT_HEADERS: &[&str] = &["x-auth-token", "content-type", "accept"];

/// Whether a parameter is Huawei's `{project_id}` path placeholder (optional in the models: the
/// client takes it from the credentials when a request leaves it out).
pub fn is_project_id(p: &Field) -> bool {
    p.location == Some(Location::Path) && p.name == "project_id"
}

/// Whether a parameter is one of [`TRANSPORT_HEADERS`].
pub fn is_transport_header(p: &Field) -> bool {
    p.location == Some(Location::Header)
        && TRANSPORT_HEADERS
            .iter()
            .any(|h| h.eq_ignore_ascii_case(p.name.trim()))
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
            if is_project_id(&p) {
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

/// The request members of `op` (runs the emitter; used by the client and test emitters).
pub fn request_members(op: &Operation) -> Vec<Member> {
    let model = op_model(op);
    let mut registry = Registry::default();
    let mut e = OpEmitter::new(op, &mut registry);
    e.request(&model);
    let members = std::mem::take(&mut e.members);
    members
        .into_iter()
        .map(|m| Member {
            elem: e.local(&m.elem),
            ..m
        })
        .collect()
}

/// Emit `src/lib.rs` of the models crate.
///
/// Nested types that occur more than once with the same Rust definition (the same fields,
/// wire names, decoders and field descriptions) are emitted once, in a shared module, and
/// re-exported under their local name by each operation module that uses them, so every
/// `<op>::<Type>` path stays valid while the crate compiles each distinct type once.
pub fn emit(spec: &Spec) -> TokenStream {
    let mut registry = Registry::default();
    let mut ops = Vec::new();
    for op in &spec.operations {
        let model = op_model(op);
        let mut e = OpEmitter::new(op, &mut registry);
        e.request(&model);
        e.response(&model);
        let OpEmitter { items, locals, .. } = e;
        ops.push((op, model, items, locals));
    }

    let module_names: Vec<&str> = ops.iter().map(|(_, m, _, _)| m.module.as_str()).collect();
    let shared_mod = ["types", "shared_types", "shared_models"]
        .into_iter()
        .find(|n| !module_names.contains(n))
        .unwrap_or("apigen_shared_types");
    let shared_ident = format_ident!("{}", shared_mod);
    // Canonical names in the shared module: the first local name, made unique there.
    let mut scope = prelude_scope();
    let mut canonical: BTreeMap<usize, proc_macro2::Ident> = BTreeMap::new();
    let mut shared_items = Vec::new();
    for members in registry.classes.iter().filter(|c| c.len() > 1) {
        let first = members[0];
        let name = scope.unique(registry.nodes[first].local.clone());
        canonical.insert(registry.nodes[first].class, format_ident!("{}", name));
    }
    for members in registry.classes.iter().filter(|c| c.len() > 1) {
        let tokens: Vec<TokenStream> = members
            .iter()
            .map(|&n| registry.nodes[n].tokens.clone().unwrap_or_default())
            .collect();
        shared_items.push(substitute(merge_docs(&tokens), &|id| {
            canonical.get(&registry.nodes[id].class).cloned()
        }));
    }

    let mut modules = Vec::new();
    let mut exports = Vec::new();
    for (op, model, items, locals) in ops {
        let module = format_ident!("{}", model.module);
        let (req, resp) = (
            format_ident!("{}", model.request),
            format_ident!("{}", model.response),
        );
        let mut uses = Vec::new();
        let mut own = Vec::new();
        for item in items {
            match item {
                Item::Node(id) => {
                    let local = format_ident!("{}", locals[&id]);
                    match canonical.get(&registry.nodes[id].class) {
                        Some(c) if *c == local => {
                            uses.push(quote! { pub use super::#shared_ident::#c; })
                        }
                        Some(c) => {
                            uses.push(quote! { pub use super::#shared_ident::#c as #local; })
                        }
                        None => own.push(substitute(
                            registry.nodes[id].tokens.clone().unwrap_or_default(),
                            &|n| locals.get(&n).map(|l| format_ident!("{}", l)),
                        )),
                    }
                }
                Item::Plain(tokens) => own.push(substitute(tokens, &|n| {
                    locals.get(&n).map(|l| format_ident!("{}", l))
                })),
            }
        }
        let doc = doc_lines(&format!("Models of `{}`: {}", op.id, op.title));
        modules.push(quote! {
            #doc
            pub mod #module {
                #[allow(unused_imports)]
                use super::*;
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
             member in other words, its description follows the first.",
        );
        quote! {
            #doc
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

/// One item of an operation module: a nested type (maybe shared) or the request/response code.
enum Item {
    Node(usize),
    Plain(TokenStream),
}

/// A nested type as emitted the first time, with placeholders for the types it refers to.
struct Node {
    /// Name in the operation module that created it.
    local: String,
    /// The item tokens, `__T<id>` standing for type `id` (itself included); `None` while its
    /// members are still being emitted.
    tokens: Option<TokenStream>,
    /// Index into [`Registry::classes`].
    class: usize,
}

/// Nested types of one service, grouped by definition.
#[derive(Default)]
struct Registry {
    nodes: Vec<Node>,
    /// Definition key → class index.
    keys: BTreeMap<String, usize>,
    /// Class → its nodes, in creation order.
    classes: Vec<Vec<usize>>,
}

impl Registry {
    fn open(&mut self, local: String) -> usize {
        self.nodes.push(Node {
            local,
            tokens: None,
            class: usize::MAX,
        });
        self.nodes.len() - 1
    }

    /// Record the tokens of node `id` and group it with the nodes of the same definition.
    ///
    /// The key is the definition without docs, with the type's own name and the types it
    /// refers to replaced by their classes: fields, wire names, types, serde attributes and
    /// variants must be equal. Docs are merged instead ([`merge_docs`]): the documents
    /// describe the same member in different words per operation, and a type that differs
    /// only there is one type on the wire. A type that refers to a type still being emitted
    /// (recursion through another type) is keyed by its own id: it is never merged.
    fn close(&mut self, id: usize, tokens: TokenStream) {
        let unique = std::cell::Cell::new(false);
        let keyed = substitute(tokens.clone(), &|n| {
            if n == id {
                return Some(format_ident!("__Self"));
            }
            match &self.nodes[n] {
                Node {
                    tokens: Some(_),
                    class,
                    ..
                } => Some(format_ident!("__C{}", class)),
                _ => {
                    unique.set(true);
                    None
                }
            }
        });
        let key = if unique.get() {
            format!("unique {id}")
        } else {
            definition_key(&keyed)
        };
        let next = self.classes.len();
        let class = *self.keys.entry(key).or_insert(next);
        if class == next {
            self.classes.push(Vec::new());
        }
        self.classes[class].push(id);
        let node = &mut self.nodes[id];
        node.tokens = Some(tokens);
        node.class = class;
    }
}

/// The text of an item without its docs.
fn definition_key(tokens: &TokenStream) -> String {
    let mut out = String::new();
    key_text(tokens, &mut out);
    out
}

fn key_text(tokens: &TokenStream, out: &mut String) {
    use proc_macro2::{Delimiter, TokenTree};
    let mut iter = tokens.clone().into_iter().peekable();
    while let Some(tt) = iter.next() {
        if let (TokenTree::Punct(p), Some(TokenTree::Group(g))) = (&tt, iter.peek()) {
            if p.as_char() == '#' && is_doc(g) {
                iter.next();
                continue;
            }
        }
        match tt {
            TokenTree::Group(g) => {
                let (open, close) = match g.delimiter() {
                    Delimiter::Parenthesis => ("(", ")"),
                    Delimiter::Brace => ("{", "}"),
                    Delimiter::Bracket => ("[", "]"),
                    Delimiter::None => ("", ""),
                };
                out.push_str(open);
                key_text(&g.stream(), out);
                out.push_str(close);
            }
            tt => {
                out.push(' ');
                out.push_str(&tt.to_string());
            }
        }
    }
}

/// The first of `copies` (the same item but for docs), each member doc followed by the
/// descriptions other copies give it where they differ.
///
/// Docs are compared as runs of consecutive `#[doc]` attributes, which line up between copies
/// because every type, field and variant has one. The type's own doc (the first run) is
/// the first copy's; a copy's `Document line N.` only says where it was found and is dropped.
fn merge_docs(copies: &[TokenStream]) -> TokenStream {
    let mut runs: Vec<Vec<Vec<proc_macro2::Literal>>> = Vec::new();
    for copy in copies {
        let mut r = Vec::new();
        doc_runs(copy, &mut r);
        runs.push(r);
    }
    let Some(first) = runs.first() else {
        return TokenStream::new();
    };
    let aligned = runs.iter().all(|r| r.len() == first.len());
    let text = |l: &proc_macro2::Literal| l.to_string();
    let merged: Vec<TokenStream> = (0..first.len())
        .map(|k| {
            let mut lines = first[k].clone();
            if k > 0 && aligned {
                let described = |run: &[proc_macro2::Literal]| -> Vec<proc_macro2::Literal> {
                    let mut d: Vec<proc_macro2::Literal> = run
                        .iter()
                        .filter(|l| !text(l).contains("Document line "))
                        .cloned()
                        .collect();
                    while d.last().is_some_and(|l| text(l) == "\" \"") {
                        d.pop();
                    }
                    d
                };
                let own = described(&first[k]);
                // The first copy's document line (and anything after its description) goes last.
                let tail = lines.split_off(own.len().min(lines.len()));
                let mut seen: Vec<Vec<String>> = vec![own.iter().map(text).collect()];
                for other in &runs[1..] {
                    let d = described(&other[k]);
                    let key: Vec<String> = d.iter().map(text).collect();
                    if d.is_empty() || seen.contains(&key) {
                        continue;
                    }
                    seen.push(key);
                    lines.push(proc_macro2::Literal::string(" "));
                    lines.push(proc_macro2::Literal::string(
                        " Another operation describes it as:",
                    ));
                    lines.extend(d);
                }
                lines.extend(tail);
            }
            quote! { #(#[doc = #lines])* }
        })
        .collect();
    let mut merged = merged.into_iter();
    replace_doc_runs(&copies[0], &mut merged)
}

/// The runs of consecutive doc attributes in `tokens`, depth first, as their literals.
fn doc_runs(tokens: &TokenStream, out: &mut Vec<Vec<proc_macro2::Literal>>) {
    use proc_macro2::TokenTree;
    let mut iter = tokens.clone().into_iter().peekable();
    let mut run: Option<Vec<proc_macro2::Literal>> = None;
    while let Some(tt) = iter.next() {
        if let (TokenTree::Punct(p), Some(TokenTree::Group(g))) = (&tt, iter.peek()) {
            if p.as_char() == '#' && is_doc(g) {
                let lit = g.stream().into_iter().find_map(|t| match t {
                    TokenTree::Literal(l) => Some(l),
                    _ => None,
                });
                run.get_or_insert_with(Vec::new).extend(lit);
                iter.next();
                continue;
            }
        }
        out.extend(run.take());
        if let TokenTree::Group(g) = tt {
            doc_runs(&g.stream(), out);
        }
    }
    out.extend(run.take());
}

/// `tokens` with each run of doc attributes replaced by the next of `runs`.
fn replace_doc_runs(
    tokens: &TokenStream,
    runs: &mut impl Iterator<Item = TokenStream>,
) -> TokenStream {
    use proc_macro2::TokenTree;
    let mut out = TokenStream::new();
    let mut iter = tokens.clone().into_iter().peekable();
    let mut in_run = false;
    while let Some(tt) = iter.next() {
        if let (TokenTree::Punct(p), Some(TokenTree::Group(g))) = (&tt, iter.peek()) {
            if p.as_char() == '#' && is_doc(g) {
                if !in_run {
                    out.extend(runs.next());
                    in_run = true;
                }
                iter.next();
                continue;
            }
        }
        in_run = false;
        match tt {
            TokenTree::Group(g) => {
                let mut group =
                    proc_macro2::Group::new(g.delimiter(), replace_doc_runs(&g.stream(), runs));
                group.set_span(g.span());
                out.extend([TokenTree::Group(group)]);
            }
            tt => out.extend([tt]),
        }
    }
    out
}

fn is_doc(g: &proc_macro2::Group) -> bool {
    g.delimiter() == proc_macro2::Delimiter::Bracket
        && matches!(g.stream().into_iter().next(), Some(proc_macro2::TokenTree::Ident(i)) if i == "doc")
}

/// Replace the `__T<id>` placeholders in `tokens` by `name(id)` (kept when `None`).
fn substitute(
    tokens: TokenStream,
    name: &dyn Fn(usize) -> Option<proc_macro2::Ident>,
) -> TokenStream {
    use proc_macro2::TokenTree;
    tokens
        .into_iter()
        .map(|tt| match tt {
            TokenTree::Group(g) => {
                let mut group =
                    proc_macro2::Group::new(g.delimiter(), substitute(g.stream(), name));
                group.set_span(g.span());
                TokenTree::Group(group)
            }
            TokenTree::Ident(i) => match placeholder_id(&i).and_then(name) {
                Some(n) => TokenTree::Ident(n),
                None => TokenTree::Ident(i),
            },
            tt => tt,
        })
        .collect()
}

fn placeholder(id: usize) -> proc_macro2::Ident {
    format_ident!("__T{}", id)
}

fn placeholder_id(i: &proc_macro2::Ident) -> Option<usize> {
    i.to_string().strip_prefix("__T")?.parse().ok()
}

/// A scope holding the prelude names generated code uses unqualified, so a type named after
/// a field (`Result`, `Data`…) cannot shadow them: those become `Result2`.
fn prelude_scope() -> Scope {
    let mut scope = Scope::default();
    for prelude in [
        "Result", "Option", "Vec", "String", "Box", "Some", "None", "Ok", "Err", "Default", "From",
        "Into", "Self_",
    ] {
        scope.unique(prelude.into());
    }
    scope
}

/// Turns one operation's fields into Rust items, naming nested types uniquely in its module.
///
/// Nested types are registered in the service's [`Registry`] and referred to by placeholders
/// (`__T<id>`) until the module is written, when each becomes its local or shared name.
struct OpEmitter<'a, 'r> {
    op: &'a Operation,
    scope: Scope,
    items: Vec<Item>,
    members: Vec<Member>,
    /// Named types already emitted per side: spec name → placeholder.
    named: BTreeMap<(String, bool), proc_macro2::Ident>,
    registry: &'r mut Registry,
    /// Node id → name in this module.
    locals: BTreeMap<usize, String>,
}

impl<'a, 'r> OpEmitter<'a, 'r> {
    fn new(op: &'a Operation, registry: &'r mut Registry) -> Self {
        let mut scope = prelude_scope();
        scope.unique(format!("{}Request", names::type_name(&op.id)));
        scope.unique(format!("{}Response", names::type_name(&op.id)));
        OpEmitter {
            op,
            scope,
            items: Vec::new(),
            members: Vec::new(),
            named: BTreeMap::new(),
            registry,
            locals: BTreeMap::new(),
        }
    }

    /// Start a nested type named (uniquely in this module) after `hint`; its placeholder.
    fn open(&mut self, hint: String) -> (usize, proc_macro2::Ident) {
        let local = self.scope.unique(hint);
        let id = self.registry.open(local.clone());
        self.locals.insert(id, local);
        (id, placeholder(id))
    }

    /// Finish nested type `id` with its item tokens.
    fn close(&mut self, id: usize, tokens: TokenStream) {
        self.registry.close(id, tokens);
        self.items.push(Item::Node(id));
    }

    /// `tokens` with this module's names for its nested types.
    fn local(&self, tokens: &TokenStream) -> TokenStream {
        substitute(tokens.clone(), &|n| {
            self.locals.get(&n).map(|l| format_ident!("{}", l))
        })
    }

    fn request(&mut self, model: &OpModel) {
        let name = format_ident!("{}", model.request);
        let mut fields = Vec::new();
        // (field, element type, required, is a list) for `new` and the setters.
        let mut members: Vec<(String, TokenStream, bool, bool)> = Vec::new();
        for (rust, p) in &model.params {
            let (ty, elem, is_vec) = match &p.ty {
                TypeExpr::Array(inner) => {
                    let elem = self.rust_type(
                        inner,
                        &p.fields,
                        &p.name,
                        Side::Request,
                        p.enum_values.as_slice(),
                        p.encoding,
                    );
                    (quote! { Vec<#elem> }, elem, true)
                }
                _ => {
                    let ty = self.rust_type(
                        &p.ty,
                        &p.fields,
                        &p.name,
                        Side::Request,
                        p.enum_values.as_slice(),
                        p.encoding,
                    );
                    (ty.clone(), ty, false)
                }
            };
            members.push((rust.clone(), elem, p.required, is_vec));
            fields.push(field_tokens(
                rust,
                &p.name,
                ty,
                p.required,
                Side::Request,
                &doc_of_field(p),
                None,
                is_vec,
            ));
        }
        if let (Some(rust), Some(body)) = (&model.body, &self.op.body) {
            let ty = self.body_type(
                body,
                &format!("{}Body", names::type_name(&self.op.id)),
                Side::Request,
            );
            let doc = if body.description.is_empty() {
                "Request body.".to_string()
            } else {
                body.description.clone()
            };
            members.push((rust.clone(), ty.clone(), body.required, false));
            let id = ident(rust);
            // serde's name for the member: the field name without `r#`.
            let wire = rust.trim_start_matches("r#").to_string();
            let doc = doc_lines(&doc);
            fields.push(Decl {
                field: if body.required {
                    quote! { #doc pub #id: #ty, }
                } else {
                    quote! { #doc pub #id: Option<#ty>, }
                },
                arm: quote! { #wire => self.#id = map.next_value()?, },
                ser: if body.required {
                    quote! { m.field(#wire, &self.#id)?; }
                } else {
                    quote! { m.opt(#wire, &self.#id)?; }
                },
                required: body.required.then_some(wire),
                id,
            });
        }
        let restrictions = if self.op.restrictions.is_empty() {
            String::new()
        } else {
            format!("# Restrictions\n\n{}\n\n", self.op.restrictions)
        };
        let doc = doc_lines(&format!(
            "Request of `{}` ({}).\n\n{}\n\n{restrictions}Source: section {}, line {}.",
            self.op.id,
            self.op.title,
            self.op.description,
            self.op.source.section,
            self.op.source.line
        ));
        // Required parameters are enforced by `new`; a request without any has `Default`.
        let any_required = members.iter().any(|m| m.2);
        let derive_default = if any_required {
            quote! {}
        } else {
            quote! { , Default }
        };
        let derives = quote! { Debug, Clone, PartialEq #derive_default };
        self.items.push(Item::Plain(struct_item(
            &name,
            doc,
            derives,
            !any_required,
            &fields,
        )));
        self.items.push(Item::Plain(constructors(&name, &members)));
        self.members = members
            .into_iter()
            .map(|(rust, elem, required, is_vec)| Member {
                rust,
                elem,
                required,
                is_vec,
            })
            .collect();
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
            Some(b)
                if matches!(b.ty, TypeExpr::Object)
                    || !b.fields.is_empty() && !matches!(b.ty, TypeExpr::Array(_)) =>
            {
                let fields = self.struct_fields(&b.fields, Side::Response);
                self.items.push(Item::Plain(struct_item(
                    &name,
                    doc,
                    quote! { Debug, Clone, PartialEq, Default },
                    true,
                    &fields,
                )));
            }
            Some(b) => {
                // A top-level array (or other non-object) body: a transparent newtype.
                let ty = self.body_type(
                    b,
                    &format!("{}Item", names::type_name(&self.op.id)),
                    Side::Response,
                );
                self.items.push(Item::Plain(quote! {
                    #doc
                    #[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
                    #[serde(transparent)]
                    pub struct #name(pub #ty);
                }));
            }
            None => {
                let doc = quote! {
                    #doc
                    ///
                    /// The document describes no body for this response.
                };
                self.items.push(Item::Plain(struct_item(
                    &name,
                    doc,
                    quote! { Debug, Clone, PartialEq, Default },
                    true,
                    &[],
                )));
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

    fn struct_fields(&mut self, fields: &[Field], side: Side) -> Vec<Decl> {
        let mut scope = Scope::default();
        fields
            .iter()
            .map(|f| {
                let rust = scope.unique(names::field(&f.name));
                let wrapped = matches!((&f.list_wrapper, &f.ty), (Some(_), TypeExpr::Array(_)));
                let ty = match (&f.list_wrapper, &f.ty) {
                    (Some(wrapper), TypeExpr::Array(_)) => self.wrapper(f, wrapper, side),
                    _ => {
                        self.rust_type(&f.ty, &f.fields, &f.name, side, &f.enum_values, f.encoding)
                    }
                };
                let is_vec = !wrapped && matches!(f.ty, TypeExpr::Array(_));
                let with = if wrapped {
                    None
                } else {
                    response_decoder(&f.ty, !f.enum_values.is_empty())
                };
                field_tokens(
                    &rust,
                    &f.name,
                    ty,
                    f.required,
                    side,
                    &doc_of_field(f),
                    with,
                    is_vec,
                )
            })
            .collect()
    }

    /// A list the wire wraps in an XML-style element (`"InstanceList": {"InstanceVO": [...]}`):
    /// a struct with the one wrapped member, so both decoding and encoding keep the shape.
    fn wrapper(&mut self, f: &Field, wrapper: &str, side: Side) -> TokenStream {
        let list = self.rust_type(&f.ty, &f.fields, wrapper, side, &f.enum_values, None);
        let (id, ident) = self.open(format!("{}List", names::type_name(&f.name)));
        let doc = doc_lines(&format!(
            "The `{wrapper}` wrapper around the list `{}`.",
            f.name
        ));
        let member_doc = doc_lines(&format!("The `{wrapper}` items."));
        let decl = Decl {
            field: quote! {
                #member_doc
                pub items: #list,
            },
            arm: quote! {
                #wrapper => self.items = map.next_value::<apigen_runtime::decode::List<_>>()?.0,
            },
            ser: quote! { m.field(#wrapper, &self.items)?; },
            id: format_ident!("items"),
            required: None,
        };
        let tokens = struct_item(
            &ident,
            doc,
            quote! { Debug, Clone, PartialEq, Default },
            true,
            &[decl],
        );
        self.close(id, tokens);
        quote! { #ident }
    }

    /// Emit a struct for an inline or named object and return its name.
    fn object(
        &mut self,
        hint: &str,
        fields: &[Field],
        side: Side,
        description: &str,
    ) -> TokenStream {
        let (id, ident) = self.open(names::type_name(hint));
        let members = self.struct_fields(fields, side);
        let doc = doc_lines(if description.is_empty() {
            hint
        } else {
            description
        });
        let tokens = struct_item(
            &ident,
            doc,
            quote! { Debug, Clone, PartialEq, Default },
            true,
            &members,
        );
        self.close(id, tokens);
        quote! { #ident }
    }

    fn named(&mut self, name: &str, side: Side) -> TokenStream {
        let key = (name.to_string(), side == Side::Request);
        if let Some(done) = self.named.get(&key) {
            return quote! { #done };
        }
        let Some(TypeDef {
            fields,
            description,
            ..
        }) = self.op.types.get(name).cloned()
        else {
            return quote! { serde_json::Value };
        };
        // Reserve the name first so recursive references terminate.
        let (id, ident) = self.open(names::type_name(name));
        self.named.insert(key, ident.clone());
        let members = self.struct_fields(&fields, side);
        let doc = doc_lines(if description.is_empty() {
            name
        } else {
            &description
        });
        let tokens = struct_item(
            &ident,
            doc,
            quote! { Debug, Clone, PartialEq, Default },
            true,
            &members,
        );
        self.close(id, tokens);
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
        let (id, ident) = self.open(names::type_name(hint));
        let mut vscope = Scope::default();
        vscope.unique("Unknown".into());
        let variants: Vec<(proc_macro2::Ident, &str, &str)> = values
            .iter()
            .map(|v| {
                (
                    format_ident!("{}", vscope.unique(names::variant(&v.value))),
                    v.value.as_str(),
                    v.description.as_str(),
                )
            })
            .collect();
        let decls = variants.iter().map(|(id, value, desc)| {
            let doc = doc_lines(&if desc.is_empty() {
                format!("`{value}`")
            } else {
                format!("`{value}`: {desc}")
            });
            quote! { #doc #id, }
        });
        let to_str = variants
            .iter()
            .map(|(id, value, _)| quote! { #ident::#id => #value, });
        let from_str = variants
            .iter()
            .map(|(id, value, _)| quote! { #value => #ident::#id, });
        let doc = doc_lines(&format!(
            "Values of `{hint}`. Values the document does not list are kept in `Unknown`."
        ));
        self.close(
            id,
            quote! {
                #doc
                #[derive(Debug, Clone, PartialEq, Eq, Hash)]
                pub enum #ident {
                    #(#decls)*
                    /// A value the document does not list (kept as sent).
                    Unknown(String),
                }
                impl Default for #ident {
                    /// An empty `Unknown` (structs holding the enum derive `Default`).
                    fn default() -> Self {
                        #ident::Unknown(String::new())
                    }
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
                        apigen_runtime::decode::string_lenient(d).map(|s| #ident::from(s.as_str()))
                    }
                }
            },
        );
        quote! { #ident }
    }
}

fn ident(rust: &str) -> proc_macro2::Ident {
    match rust.strip_prefix("r#") {
        Some(raw) => proc_macro2::Ident::new_raw(raw, proc_macro2::Span::call_site()),
        None => format_ident!("{}", rust),
    }
}

/// The tolerant decoder of a response field as an `apigen_runtime::decode` wrapper type
/// (`None`: the field type's own `Deserialize`).
fn response_decoder(ty: &TypeExpr, is_enum: bool) -> Option<TokenStream> {
    let scalar = |t: &TypeExpr| match t {
        TypeExpr::String if is_enum => None,
        TypeExpr::String => Some("string"),
        TypeExpr::Integer | TypeExpr::Long | TypeExpr::Number | TypeExpr::Boolean => Some("number"),
        _ => None,
    };
    Some(match ty {
        TypeExpr::Array(inner) => match (scalar(inner), &**inner) {
            (Some(_), _) => quote! { apigen_runtime::decode::ListLenient<_> },
            (None, TypeExpr::Array(_) | TypeExpr::Map(_)) => return None,
            (None, _) => quote! { apigen_runtime::decode::List<_> },
        },
        t => match scalar(t)? {
            "string" => quote! { apigen_runtime::decode::StringLenientOpt },
            _ => quote! { apigen_runtime::decode::LenientOpt<_> },
        },
    })
}

/// `new(required…)` and one chainable setter per optional member.
fn constructors(
    name: &proc_macro2::Ident,
    members: &[(String, TokenStream, bool, bool)],
) -> TokenStream {
    let arg_ty = |elem: &TokenStream, is_vec: bool| {
        if is_vec {
            quote! { impl IntoIterator<Item = impl Into<#elem>> }
        } else {
            quote! { impl Into<#elem> }
        }
    };
    let value = |id: &proc_macro2::Ident, is_vec: bool| {
        if is_vec {
            quote! { #id.into_iter().map(Into::into).collect() }
        } else {
            quote! { #id.into() }
        }
    };
    let mut args = Vec::new();
    let mut inits = Vec::new();
    let mut setters = Vec::new();
    for (rust, elem, required, is_vec) in members {
        let id = ident(rust);
        if *required {
            let ty = arg_ty(elem, *is_vec);
            let v = value(&id, *is_vec);
            args.push(quote! { #id: #ty });
            inits.push(quote! { #id: #v, });
        } else {
            let ty = arg_ty(elem, *is_vec);
            let v = value(&id, *is_vec);
            let wire = if *is_vec {
                quote! { #v }
            } else {
                quote! { Some(#v) }
            };
            inits.push(if *is_vec {
                quote! { #id: Vec::new(), }
            } else {
                quote! { #id: None, }
            });
            let doc = format!(" Sets `{}`.", rust.trim_start_matches("r#"));
            setters.push(quote! {
                #[doc = #doc]
                pub fn #id(mut self, #id: #ty) -> Self {
                    self.#id = #wire;
                    self
                }
            });
        }
    }
    let many = if args.len() > 7 {
        quote! { #[allow(clippy::too_many_arguments)] // one argument per required parameter of the document
        }
    } else {
        quote! {}
    };
    quote! {
        impl #name {
            /// A request with the required parameters; set optional ones with the setters.
            #many
            pub fn new(#(#args),*) -> Self {
                Self { #(#inits)* }
            }
            #(#setters)*
        }
    }
}

/// One struct field: its declaration and its arm in `Object::member`.
struct Decl {
    field: TokenStream,
    arm: TokenStream,
    /// Its statement in `Serialize::serialize` (`m.opt("Name", &self.name)?;`).
    ser: TokenStream,
    id: proc_macro2::Ident,
    /// The wire name, when the member must be present.
    required: Option<String>,
}

/// One struct field: wire name, optionality, lenient decoding on responses.
#[allow(clippy::too_many_arguments)] // plain data in, tokens out
fn field_tokens(
    rust: &str,
    wire: &str,
    ty: TokenStream,
    required: bool,
    side: Side,
    doc: &str,
    with: Option<TokenStream>,
    is_vec: bool,
) -> Decl {
    let id = ident(rust);
    let doc = doc_lines(doc);
    let plain = quote! { #wire => self.#id = map.next_value()?, };
    let (field, arm, ser) = match side {
        Side::Request if required => (
            quote! { #doc pub #id: #ty, },
            plain,
            quote! { m.field(#wire, &self.#id)?; },
        ),
        Side::Request if is_vec => (
            quote! { #doc pub #id: #ty, },
            plain,
            quote! { m.list(#wire, &self.#id)?; },
        ),
        Side::Request => (
            quote! { #doc pub #id: Option<#ty>, },
            plain,
            quote! { m.opt(#wire, &self.#id)?; },
        ),
        Side::Response => {
            // A list the vendors null out decodes as empty.
            let with = with
                .or_else(|| is_vec.then(|| quote! { apigen_runtime::decode::NullAsDefault<_> }));
            let arm = match with {
                Some(w) => quote! { #wire => self.#id = map.next_value::<#w>()?.0, },
                None => plain,
            };
            if is_vec {
                (
                    quote! { #doc pub #id: #ty, },
                    arm,
                    quote! { m.list(#wire, &self.#id)?; },
                )
            } else {
                (
                    quote! { #doc pub #id: Option<#ty>, },
                    arm,
                    quote! { m.opt(#wire, &self.#id)?; },
                )
            }
        }
    };
    Decl {
        field,
        arm,
        ser,
        id,
        required: (side == Side::Request && required).then(|| wire.to_string()),
    }
}

/// A struct with `Serialize` and `Deserialize` through `apigen_runtime::decode::{Members,
/// object}`: a fraction of the code serde's derives emit (see `decode::Object`), the wire
/// names and what is left out when empty kept the same.
/// `default`: the struct derives `Default`, so decoding starts from it.
fn struct_item(
    name: &proc_macro2::Ident,
    doc: TokenStream,
    derives: TokenStream,
    default: bool,
    decls: &[Decl],
) -> TokenStream {
    let fields = decls.iter().map(|d| &d.field);
    let empty = if default {
        quote! { Self::default() }
    } else {
        let ids = decls.iter().map(|d| &d.id);
        quote! { Self { #(#ids: Default::default(),)* } }
    };
    let required: Vec<&String> = decls.iter().filter_map(|d| d.required.as_ref()).collect();
    let required = if required.is_empty() {
        quote! {}
    } else {
        quote! { const REQUIRED: &'static [&'static str] = &[#(#required),*]; }
    };
    let member = if decls.is_empty() {
        quote! {
            fn member<'de, A: serde::de::MapAccess<'de>>(&mut self, _: &str, _: &mut A) -> Result<bool, A::Error> {
                Ok(false)
            }
        }
    } else {
        let arms = decls.iter().map(|d| &d.arm);
        quote! {
            fn member<'de, A: serde::de::MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<bool, A::Error> {
                match key {
                    #(#arms)*
                    _ => return Ok(false),
                }
                Ok(true)
            }
        }
    };
    let sers = decls.iter().map(|d| &d.ser);
    let m = if decls.is_empty() {
        quote! { m }
    } else {
        quote! { mut m }
    };
    quote! {
        #doc
        #[derive(#derives)]
        pub struct #name { #(#fields)* }
        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let #m = apigen_runtime::decode::Members::new(s)?;
                #(#sers)*
                m.end()
            }
        }
        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                apigen_runtime::decode::object(d)
            }
        }
        impl apigen_runtime::decode::Object for #name {
            #required
            fn empty() -> Self {
                #empty
            }
            #member
        }
    }
}

/// Rustdoc for a field: description, enum values, constraints, default, source line.
fn doc_of_field(f: &Field) -> String {
    let mut doc = if f.description.is_empty() {
        format!("`{}`.", f.name)
    } else {
        f.description.clone()
    };
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
        doc.push_str(&format!(
            "\n\nSent as a repeat list (`{}.1`, `{}.2`, ...).",
            f.name, f.name
        ));
    }
    if let Some(Location::Header) = f.location {
        doc.push_str(&format!("\n\nHTTP header `{}`.", f.name));
    }
    if is_project_id(f) {
        doc.push_str(
            "\n\nWhen not set, the client uses the project id of its credentials \
             (`Credentials::with_project_id`, or `HUAWEICLOUD_SDK_PROJECT_ID`).",
        );
    }
    if let Some(l) = f.line {
        doc.push_str(&format!("\n\nDocument line {l}."));
    }
    doc
}

/// `#[doc = "..."]` attributes, one per line, escaping nothing rustdoc would misread.
pub fn doc_lines(text: &str) -> TokenStream {
    let lines: Vec<String> = text
        .trim()
        .lines()
        .map(|l| format!(" {}", l.trim_end()))
        .collect();
    quote! { #(#[doc = #lines])* }
}
