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
use crate::spec::model::{Body, Encoding, Field, Location, Operation, TypeDef, TypeExpr};
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

/// Whether a parameter is Huawei's `{domain_id}` path placeholder of global services (optional
/// in the models like [`is_project_id`]: the client fills it with the account's domain id).
pub fn is_domain_id(p: &Field) -> bool {
    p.location == Some(Location::Path) && p.name == "domain_id"
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

/// The request members of `op` (runs the emitter; used by the client and test emitters).
pub fn request_members(op: &Operation, model: &OpModel) -> Vec<Member> {
    let mut registry = Registry::default();
    let mut e = OpEmitter::new(op, &mut registry);
    e.request(model);
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
pub fn emit(sm: &super::lower::ServiceModel) -> TokenStream {
    let mut registry = Registry::default();
    let mut ops = Vec::new();
    for o in &sm.operations {
        let (op, model) = (o.op, &o.model);
        let mut e = OpEmitter::new(op, &mut registry);
        e.request(model);
        e.response(model);
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
                id,
                wire,
                kind: if body.required {
                    Kind::Required
                } else {
                    Kind::Opt
                },
                decoder: None,
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
        // Built with `new` and the setters, never by struct literal outside the crate: a
        // parameter the vendor adds as optional is then an addition, not a breaking change
        // (what `apigen diff` and cargo-semver-checks call it; `scripts/semver-check.sh`).
        let doc = quote! { #doc #[non_exhaustive] };
        self.items.push(Item::Plain(struct_item(
            &name,
            doc,
            derives,
            !any_required,
            &fields,
        )));
        self.items.push(Item::Plain(constructors(
            &name,
            &members,
            "A request with the required parameters; set optional ones with the setters.",
        )));
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
                let (fields, _) = self.struct_fields(&b.fields, Side::Response);
                self.items.push(Item::Plain(struct_item(
                    &name,
                    quote! { #doc #[non_exhaustive] },
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
                    #[non_exhaustive]
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

    /// The fields of a struct, and its members as `new` and the setters take them (request side).
    #[allow(clippy::type_complexity)]
    fn struct_fields(
        &mut self,
        fields: &[Field],
        side: Side,
    ) -> (Vec<Decl>, Vec<(String, TokenStream, bool, bool)>) {
        let mut scope = Scope::default();
        if side == Side::Request {
            // `new` and the setters share the namespace of the fields.
            scope.unique("new".into());
        }
        let mut members = Vec::new();
        let decls = fields
            .iter()
            .map(|f| {
                let rust = scope.unique(names::field(&f.name));
                let wrapped = matches!((&f.list_wrapper, &f.ty), (Some(_), TypeExpr::Array(_)));
                let (ty, elem) = match (&f.list_wrapper, &f.ty) {
                    (Some(wrapper), TypeExpr::Array(_)) => {
                        let ty = self.wrapper(f, wrapper, side);
                        (ty.clone(), ty)
                    }
                    (None, TypeExpr::Array(inner)) => {
                        let elem =
                            self.rust_type(inner, &f.fields, &f.name, side, &f.enum_values, None);
                        (quote! { Vec<#elem> }, elem)
                    }
                    _ => {
                        let ty = self.rust_type(
                            &f.ty,
                            &f.fields,
                            &f.name,
                            side,
                            &f.enum_values,
                            f.encoding,
                        );
                        (ty.clone(), ty)
                    }
                };
                let is_vec = !wrapped && matches!(f.ty, TypeExpr::Array(_));
                members.push((rust.clone(), elem, f.required, is_vec));
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
            .collect();
        (decls, members)
    }

    /// A nested struct's item: `#[non_exhaustive]`, so a member the vendor adds is an addition
    /// for Rust callers too. Built with `Default` and its public fields on the response side;
    /// on the request side with `new(required…)` and the setters, like a request.
    fn nested_struct(
        &self,
        ident: &proc_macro2::Ident,
        doc: TokenStream,
        side: Side,
        fields: &[Decl],
        members: &[(String, TokenStream, bool, bool)],
    ) -> TokenStream {
        let doc = quote! { #doc #[non_exhaustive] };
        // `Default` on both sides: decoding a request starts from its members' defaults.
        let mut tokens = struct_item(
            ident,
            doc,
            quote! { Debug, Clone, PartialEq, Default },
            true,
            fields,
        );
        if side == Side::Response {
            return tokens;
        }
        tokens.extend(constructors(
            ident,
            members,
            "A value with the required members; set optional ones with the setters.",
        ));
        tokens
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
            id: format_ident!("items"),
            wire: wrapper.to_string(),
            kind: Kind::Field,
            decoder: Some("List"),
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
        let (decls, members) = self.struct_fields(fields, side);
        let doc = doc_lines(&if description.is_empty() {
            self.where_used(hint, side)
        } else {
            description.to_string()
        });
        let tokens = self.nested_struct(&ident, doc, side, &decls, &members);
        self.close(id, tokens);
        quote! { #ident }
    }

    /// The doc of an object the document does not describe: where it occurs.
    fn where_used(&self, name: &str, side: Side) -> String {
        let side = match side {
            Side::Request => "request",
            Side::Response => "response",
        };
        format!("The `{name}` object of the `{}` {side}.", self.op.id)
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
        let (decls, members) = self.struct_fields(&fields, side);
        let doc = doc_lines(&if description.is_empty() {
            self.where_used(name, side)
        } else {
            description
        });
        let tokens = self.nested_struct(&ident, doc, side, &decls, &members);
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
        let values = variants.iter().map(|(id, value, _)| quote! { #id: #value });
        let doc = doc_lines(&format!(
            "Values of `{hint}`. Values the document does not list are kept in `Unknown`."
        ));
        self.close(
            id,
            quote! {
                #doc
                #[non_exhaustive]
                #[derive(Debug, Clone, PartialEq, Eq, Hash)]
                pub enum #ident {
                    #(#decls)*
                    /// A value the document does not list (kept as sent).
                    Unknown(String),
                }
                apigen_runtime::wire_enum!(#ident { #(#values),* });
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

/// The tolerant decoder of a response field: the name of an `apigen_runtime::decode` wrapper
/// type (`None`: the field type's own `Deserialize`).
fn response_decoder(ty: &TypeExpr, is_enum: bool) -> Option<&'static str> {
    let scalar = |t: &TypeExpr| match t {
        TypeExpr::String if is_enum => None,
        TypeExpr::String => Some("string"),
        TypeExpr::Integer | TypeExpr::Long | TypeExpr::Number | TypeExpr::Boolean => Some("number"),
        _ => None,
    };
    Some(match ty {
        TypeExpr::Array(inner) => match (scalar(inner), &**inner) {
            (Some(_), _) => "ListLenient",
            (None, TypeExpr::Array(_) | TypeExpr::Map(_)) => return None,
            (None, _) => "List",
        },
        t => match scalar(t)? {
            "string" => "StringLenientOpt",
            _ => "LenientOpt",
        },
    })
}

/// `new(required…)` and one chainable setter per optional member.
fn constructors(
    name: &proc_macro2::Ident,
    members: &[(String, TokenStream, bool, bool)],
    doc: &str,
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

/// How [`apigen_runtime::wire_object!`] writes and reads a member (the `decode::Members`
/// method of the same name).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    /// Always written; decoding fails without it.
    Required,
    /// Always written; may be missing on decoding.
    Field,
    /// `Option`: left out when `None`.
    Opt,
    /// `Vec`: left out when empty.
    List,
}

impl Kind {
    fn method(self) -> proc_macro2::Ident {
        format_ident!(
            "{}",
            match self {
                Kind::Required | Kind::Field => "field",
                Kind::Opt => "opt",
                Kind::List => "list",
            }
        )
    }
}

/// One struct field: its declaration and its line in `wire_object!`.
struct Decl {
    field: TokenStream,
    id: proc_macro2::Ident,
    wire: String,
    kind: Kind,
    /// The `apigen_runtime::decode` wrapper type it is decoded through, if any.
    decoder: Option<&'static str>,
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
    decoder: Option<&'static str>,
    is_vec: bool,
) -> Decl {
    let id = ident(rust);
    let doc = doc_lines(doc);
    let (field, kind, decoder) = match side {
        Side::Request if required => (quote! { #doc pub #id: #ty, }, Kind::Required, None),
        Side::Request if is_vec => (quote! { #doc pub #id: #ty, }, Kind::List, None),
        Side::Request => (quote! { #doc pub #id: Option<#ty>, }, Kind::Opt, None),
        // A list the vendors null out decodes as empty.
        Side::Response if is_vec => (
            quote! { #doc pub #id: #ty, },
            Kind::List,
            decoder.or(Some("NullAsDefault")),
        ),
        Side::Response => (quote! { #doc pub #id: Option<#ty>, }, Kind::Opt, decoder),
    };
    Decl {
        field,
        id,
        wire: wire.to_string(),
        kind,
        decoder,
    }
}

/// A struct with `Serialize`, `Deserialize` and `decode::Object` through
/// `apigen_runtime::wire_object!`: one line per member (wire name, how it is written, its
/// tolerant decoder), which expands to a fraction of the code serde's derives emit.
fn struct_item(
    name: &proc_macro2::Ident,
    doc: TokenStream,
    derives: TokenStream,
    default: bool,
    decls: &[Decl],
) -> TokenStream {
    let fields = decls.iter().map(|d| &d.field);
    let members = decls.iter().map(|d| {
        let id = &d.id;
        let method = d.kind.method();
        let wire = &d.wire;
        match d.decoder {
            Some(decoder) => {
                let decoder = format_ident!("{}", decoder);
                quote! { #id: #method(#wire, #decoder) }
            }
            None => quote! { #id: #method(#wire) },
        }
    });
    let required: Vec<&String> = decls
        .iter()
        .filter(|d| d.kind == Kind::Required)
        .map(|d| &d.wire)
        .collect();
    let required = if required.is_empty() {
        quote! {}
    } else {
        quote! { , required = [#(#required),*] }
    };
    // A struct deriving `Default` starts decoding from it (`..Default::default()`), others
    // from every member's default.
    let from_default = if default && !decls.is_empty() {
        quote! { , ..Default::default() }
    } else {
        quote! {}
    };
    quote! {
        #doc
        #[derive(#derives)]
        pub struct #name { #(#fields)* }
        apigen_runtime::wire_object!(#name { #(#members),* #from_default } #required);
    }
}

/// Rustdoc for a field: description, enum values, constraints, default, source line.
fn doc_of_field(f: &Field) -> String {
    let mut doc = f.description.clone();
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
    if is_domain_id(f) {
        doc.push_str(
            "\n\nWhen not set, the client uses the domain id of its credentials \
             (`Credentials::with_domain_id`, or `HUAWEICLOUD_SDK_DOMAIN_ID`), else looks it up \
             through IAM (global services).",
        );
    }
    if let Some(l) = f.line {
        doc.push_str(&format!("\n\nDocument line {l}."));
    }
    if f.description.is_empty() {
        // The member's name alone would only repeat the field name.
        doc.insert_str(0, "Not described in the document.");
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
