//! The Rust types of one service's models as a type space keyed by structure, computed once
//! by [`build`] (from [`super::lower`]) and read by the models emitter and, for the request
//! members, by the client's.
//!
//! Every nested type an operation needs (an inline object, a named type of the document, an
//! enum, an XML-style list wrapper) is an occurrence with a name in that operation's module.
//! Occurrences with the same structure are one [`NamedType`] with one [`TypeId`]: the same
//! fields with the same Rust names, wire names, types (referenced types by their `TypeId`),
//! ways of being written and tolerant decoders, the same builder (`new` and setters) or
//! variants. Docs are not structure: a type's doc is its first occurrence's, and a member that
//! another occurrence describes in other words keeps those words too ([`Doc`]), because the
//! documents describe the same member differently per operation.
//!
//! A type that refers to itself is keyed with a marker for "itself", so equal recursive types
//! still meet; a type that refers to another type not yet complete (recursion through another
//! type) is unique and never shared. Building is one pass in spec order, so ids, names and
//! output are deterministic.

use std::collections::BTreeMap;

use super::models::OpModel;
use super::names::{self, Scope};
use crate::spec::model::{
    Body, Encoding, EnumValue, Field, Location, Operation, TypeDef, TypeExpr,
};

/// Whether a type is read from the wire (lenient, all optional) or written to it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Side {
    Request,
    Response,
}

/// The index of a distinct nested type in its [`TypeSpace`].
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct TypeId(usize);

impl TypeId {
    pub fn index(self) -> usize {
        self.0
    }
}

/// A reference to a nested type: which type, and the name the referring module knows it by
/// (an operation module may know one type under several names, one per occurrence).
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct TypeRef {
    pub id: TypeId,
    pub local: String,
}

/// The Rust type of a field (or list element, map value, response newtype).
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Debug)]
pub enum Ty<R = TypeRef> {
    String,
    I32,
    I64,
    F64,
    Bool,
    /// `serde_json::Value`: any JSON (objects without members, untyped values).
    Value,
    /// `apigen_runtime::File`.
    File,
    Vec(Box<Ty<R>>),
    /// `BTreeMap<String, _>`.
    Map(Box<Ty<R>>),
    /// A nested type.
    Named(R),
}

impl<R> Ty<R> {
    fn map<S>(&self, f: &mut impl FnMut(&R) -> S) -> Ty<S> {
        match self {
            Ty::String => Ty::String,
            Ty::I32 => Ty::I32,
            Ty::I64 => Ty::I64,
            Ty::F64 => Ty::F64,
            Ty::Bool => Ty::Bool,
            Ty::Value => Ty::Value,
            Ty::File => Ty::File,
            Ty::Vec(t) => Ty::Vec(Box::new(t.map(f))),
            Ty::Map(t) => Ty::Map(Box::new(t.map(f))),
            Ty::Named(r) => Ty::Named(f(r)),
        }
    }
}

/// How `apigen_runtime::wire_object!` writes and reads a member (the `decode::Members`
/// method of the same name).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
pub enum Kind {
    /// Always written; decoding fails without it.
    Required,
    /// Always written; may be missing on decoding (response-side lists too, written as `[]`
    /// when empty).
    Field,
    /// `Option`: left out when `None`.
    Opt,
    /// `Vec` of a request-side struct: left out when empty (an absent list is one not sent).
    List,
}

/// How `new` and the setters take a member of a request-side struct.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
pub struct Setter {
    /// An argument of `new` (else a setter).
    pub required: bool,
    /// Taken as `impl IntoIterator<Item = impl Into<Elem>>`.
    pub is_vec: bool,
}

/// The doc lines of a member or variant (each as `doc_lines` writes it, with its leading
/// space), and the other descriptions other occurrences of its type give it.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct Doc {
    pub lines: Vec<String>,
    /// Descriptions (without their document line) that differ from this one and each other.
    pub also: Vec<Vec<String>>,
}

impl Doc {
    fn new(text: &str) -> Doc {
        Doc {
            lines: text_lines(text),
            also: Vec::new(),
        }
    }

    /// The lines that describe the member: without `Document line N.`, which only says where
    /// one occurrence was found, and without trailing blank lines.
    fn described(lines: &[String]) -> Vec<String> {
        let mut d: Vec<String> = lines
            .iter()
            .filter(|l| !l.contains("Document line "))
            .cloned()
            .collect();
        while d.last().is_some_and(|l| l == " ") {
            d.pop();
        }
        d
    }

    /// Keep another occurrence's description if it says something else.
    fn absorb(&mut self, other: &Doc) {
        let d = Self::described(&other.lines);
        if d.is_empty() || d == Self::described(&self.lines) || self.also.contains(&d) {
            return;
        }
        self.also.push(d);
    }

    /// The lines to write: the own description, each other description after a note, then
    /// the own document line.
    pub fn rendered(&self) -> Vec<String> {
        if self.also.is_empty() {
            return self.lines.clone();
        }
        let own = Self::described(&self.lines).len().min(self.lines.len());
        let mut out = self.lines[..own].to_vec();
        for d in &self.also {
            out.push(" ".into());
            out.push(" Another operation describes it as:".into());
            out.extend(d.iter().cloned());
        }
        out.extend(self.lines[own..].iter().cloned());
        out
    }
}

/// The doc lines `text` is written as: one per line, each with a leading space.
pub fn text_lines(text: &str) -> Vec<String> {
    text.trim()
        .lines()
        .map(|l| format!(" {}", l.trim_end()))
        .collect()
}

/// One member of a struct.
#[derive(Clone, PartialEq, Debug)]
pub struct FieldDef<R = TypeRef> {
    /// Rust field name (maybe `r#type`).
    pub rust: String,
    /// Wire name.
    pub wire: String,
    /// The declared type (inside `Option` when `kind` is [`Kind::Opt`]).
    pub ty: Ty<R>,
    pub kind: Kind,
    /// The `apigen_runtime::decode` wrapper type it is decoded through, if any.
    pub decoder: Option<&'static str>,
    pub doc: Doc,
    /// How the builder takes it (request-side structs only).
    pub setter: Option<Setter>,
}

impl<R> FieldDef<R> {
    /// The type `new` and its setter convert into: the list element for a list, else the type.
    pub fn elem(&self) -> &Ty<R> {
        match (&self.ty, self.setter) {
            (Ty::Vec(inner), Some(Setter { is_vec: true, .. })) => inner,
            (ty, _) => ty,
        }
    }
}

/// A struct: its members and whether it is built with `new(required…)` and setters.
#[derive(Clone, PartialEq, Debug)]
pub struct StructDef<R = TypeRef> {
    pub fields: Vec<FieldDef<R>>,
    pub builder: bool,
}

/// One value of a string enum.
#[derive(Clone, PartialEq, Debug)]
pub struct Variant {
    pub rust: String,
    /// The wire value.
    pub value: String,
    pub doc: Doc,
}

/// One occurrence of a type: the operation (its index in the spec) and its name there.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Use {
    pub op: usize,
    pub local: String,
}

/// One distinct nested type.
#[derive(Clone, Debug)]
pub struct NamedType {
    /// The type's own doc lines (its first occurrence's).
    pub doc: Vec<String>,
    pub shape: Shape,
    /// Its occurrences, in spec order.
    pub uses: Vec<Use>,
    /// Its name in the shared module, when it occurs more than once.
    pub shared: Option<String>,
}

/// The distinct nested types of one service.
#[derive(Clone, Debug, Default)]
pub struct TypeSpace {
    types: Vec<NamedType>,
    /// The module holding the shared types (`types`, unless an operation module has that name).
    pub shared_module: String,
}

impl TypeSpace {
    pub fn get(&self, id: TypeId) -> &NamedType {
        &self.types[id.0]
    }

    pub fn len(&self) -> usize {
        self.types.len()
    }

    pub fn is_empty(&self) -> bool {
        self.types.is_empty()
    }

    /// The types that occur more than once, in id order, with their shared names.
    pub fn shared(&self) -> impl Iterator<Item = (TypeId, &NamedType, &str)> {
        self.types
            .iter()
            .enumerate()
            .filter_map(|(i, t)| Some((TypeId(i), t, t.shared.as_deref()?)))
    }
}

/// What a nested type is.
#[derive(Clone, PartialEq, Debug)]
pub enum Shape<R = TypeRef> {
    Struct(StructDef<R>),
    /// The XML-style element a list is wrapped in (`"InstanceList": {"InstanceVO": [...]}`):
    /// a struct with the one member `items`, so decoding and encoding keep the shape.
    Wrapper(FieldDef<R>),
    /// A string enum that keeps unlisted values (`Unknown(String)`).
    Enum(Vec<Variant>),
}

/// An operation's response type.
#[derive(Clone, Debug)]
pub enum ResponseDef<R = TypeRef> {
    /// A struct of the body's members.
    Struct(StructDef<R>),
    /// A transparent newtype around a non-object body (a top-level array).
    Newtype(Ty<R>),
    /// The document describes no body: a struct without members.
    Empty,
}

/// The types of one operation's module.
#[derive(Clone, Debug)]
pub struct OpTypes<R = TypeRef> {
    /// The nested types the request needs, in the order they are written (inner first).
    pub request_types: Vec<R>,
    pub request: StructDef<R>,
    /// The nested types the response needs (written after the request), in the same order.
    pub response_types: Vec<R>,
    pub response: ResponseDef<R>,
}

/// The type space of `ops` (each with its model, in spec order) and each operation's types.
pub fn build<'a>(
    ops: impl IntoIterator<Item = (&'a Operation, &'a OpModel)>,
) -> (TypeSpace, Vec<OpTypes>) {
    let mut space = Builder::default();
    let mut ops_types = Vec::new();
    let mut modules = Vec::new();
    for (index, (op, model)) in ops.into_iter().enumerate() {
        modules.push(model.module.clone());
        let mut b = OpBuilder::new(op, index, &mut space);
        let request = b.request(model);
        let request_types = std::mem::take(&mut b.closed);
        let response = b.response();
        let response_types = std::mem::take(&mut b.closed);
        ops_types.push(OpTypes {
            request_types,
            request,
            response_types,
            response,
        });
    }
    space.finish(&modules, ops_types)
}

/// A scope holding the prelude names generated code uses unqualified, so a type named after
/// a field (`Result`, `Data`…) cannot shadow them: those become `Result2`.
pub fn prelude_scope() -> Scope {
    let mut scope = Scope::default();
    for prelude in [
        "Result", "Option", "Vec", "String", "Box", "Some", "None", "Ok", "Err", "Default", "From",
        "Into", "Self_",
    ] {
        scope.unique(prelude.into());
    }
    scope
}

/// A reference while building: the occurrence (node) it names.
type NodeId = usize;

/// A reference in a structural key.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum KeyRef {
    /// The type being keyed.
    Own,
    Type(TypeId),
}

/// A member in a structural key: Rust name, wire name, type, kind, decoder, setter.
type FieldKey = (
    String,
    String,
    Ty<KeyRef>,
    Kind,
    Option<&'static str>,
    Option<Setter>,
);

/// What makes two types one: everything but docs and names.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Key {
    Struct {
        builder: bool,
        fields: Vec<FieldKey>,
    },
    Wrapper(FieldKey),
    Enum(Vec<(String, String)>),
    /// Refers to another type not yet complete: never merged (the occurrence's node).
    Unique(NodeId),
}

/// An occurrence while building.
struct Node {
    op: usize,
    local: String,
    /// Its type once complete.
    ty: Option<TypeId>,
}

/// A distinct type while building (references by node).
struct Pending {
    doc: Vec<String>,
    shape: Shape<NodeId>,
    uses: Vec<NodeId>,
}

#[derive(Default)]
struct Builder {
    nodes: Vec<Node>,
    types: Vec<Pending>,
    keys: BTreeMap<Key, TypeId>,
}

impl Builder {
    fn open(&mut self, op: usize, local: String) -> NodeId {
        self.nodes.push(Node {
            op,
            local,
            ty: None,
        });
        self.nodes.len() - 1
    }

    /// Complete occurrence `node`: it joins the type of the same structure, or starts one.
    fn close(&mut self, node: NodeId, doc: Vec<String>, shape: Shape<NodeId>) {
        let key = self.key(node, &shape);
        let next = TypeId(self.types.len());
        let id = *self.keys.entry(key).or_insert(next);
        if id == next {
            self.types.push(Pending {
                doc,
                shape,
                uses: vec![node],
            });
        } else {
            let t = &mut self.types[id.0];
            t.uses.push(node);
            absorb_docs(&mut t.shape, &shape);
        }
        self.nodes[node].ty = Some(id);
    }

    fn key(&self, node: NodeId, shape: &Shape<NodeId>) -> Key {
        let mut unique = false;
        let key = {
            let mut key_ref = |n: &NodeId| {
                if *n == node {
                    return KeyRef::Own;
                }
                match self.nodes[*n].ty {
                    Some(t) => KeyRef::Type(t),
                    None => {
                        unique = true;
                        KeyRef::Own
                    }
                }
            };
            let mut field = |f: &FieldDef<NodeId>| -> FieldKey {
                (
                    f.rust.clone(),
                    f.wire.clone(),
                    f.ty.map(&mut key_ref),
                    f.kind,
                    f.decoder,
                    f.setter,
                )
            };
            match shape {
                Shape::Struct(s) => Key::Struct {
                    builder: s.builder,
                    fields: s.fields.iter().map(&mut field).collect(),
                },
                Shape::Wrapper(f) => Key::Wrapper(field(f)),
                Shape::Enum(vs) => Key::Enum(
                    vs.iter()
                        .map(|v| (v.rust.clone(), v.value.clone()))
                        .collect(),
                ),
            }
        };
        if unique {
            Key::Unique(node)
        } else {
            key
        }
    }

    /// The type space with references resolved, shared types named, and each operation's
    /// types.
    fn finish(self, modules: &[String], ops: Vec<OpTypes<NodeId>>) -> (TypeSpace, Vec<OpTypes>) {
        let nodes = &self.nodes;
        // Every occurrence is completed by the builder function that opened it.
        let resolve = |n: &NodeId| TypeRef {
            id: nodes[*n].ty.expect("every occurrence is complete"),
            local: nodes[*n].local.clone(),
        };
        let shared_module = ["types", "shared_types", "shared_models"]
            .into_iter()
            .find(|n| !modules.iter().any(|m| m == n))
            .unwrap_or("apigen_shared_types")
            .to_string();
        // Shared names: the first occurrence's local name, made unique in the shared module.
        let mut scope = prelude_scope();
        let types = self
            .types
            .iter()
            .map(|p| NamedType {
                doc: p.doc.clone(),
                shape: p.shape.map(&mut |n| resolve(n)),
                uses: p
                    .uses
                    .iter()
                    .map(|&n| Use {
                        op: nodes[n].op,
                        local: nodes[n].local.clone(),
                    })
                    .collect(),
                shared: (p.uses.len() > 1).then(|| scope.unique(nodes[p.uses[0]].local.clone())),
            })
            .collect();
        let ops = ops
            .into_iter()
            .map(|o| OpTypes {
                request_types: o.request_types.iter().map(resolve).collect(),
                request: o.request.map(&mut |n| resolve(n)),
                response_types: o.response_types.iter().map(resolve).collect(),
                response: match &o.response {
                    ResponseDef::Struct(s) => ResponseDef::Struct(s.map(&mut |n| resolve(n))),
                    ResponseDef::Newtype(t) => ResponseDef::Newtype(t.map(&mut |n| resolve(n))),
                    ResponseDef::Empty => ResponseDef::Empty,
                },
            })
            .collect();
        (
            TypeSpace {
                types,
                shared_module,
            },
            ops,
        )
    }
}

impl<R> FieldDef<R> {
    fn map<S>(&self, f: &mut impl FnMut(&R) -> S) -> FieldDef<S> {
        FieldDef {
            rust: self.rust.clone(),
            wire: self.wire.clone(),
            ty: self.ty.map(f),
            kind: self.kind,
            decoder: self.decoder,
            doc: self.doc.clone(),
            setter: self.setter,
        }
    }
}

impl<R> StructDef<R> {
    fn map<S>(&self, f: &mut impl FnMut(&R) -> S) -> StructDef<S> {
        StructDef {
            fields: self.fields.iter().map(|x| x.map(f)).collect(),
            builder: self.builder,
        }
    }
}

impl<R> Shape<R> {
    fn map<S>(&self, f: &mut impl FnMut(&R) -> S) -> Shape<S> {
        match self {
            Shape::Struct(s) => Shape::Struct(s.map(f)),
            Shape::Wrapper(x) => Shape::Wrapper(x.map(f)),
            Shape::Enum(vs) => Shape::Enum(vs.clone()),
        }
    }
}

/// Keep the descriptions `other` (the same structure) gives the members of `shape`.
fn absorb_docs<R>(shape: &mut Shape<R>, other: &Shape<R>) {
    match (shape, other) {
        (Shape::Struct(a), Shape::Struct(b)) => {
            for (x, y) in a.fields.iter_mut().zip(&b.fields) {
                x.doc.absorb(&y.doc);
            }
        }
        (Shape::Wrapper(x), Shape::Wrapper(y)) => x.doc.absorb(&y.doc),
        (Shape::Enum(a), Shape::Enum(b)) => {
            for (x, y) in a.iter_mut().zip(b) {
                x.doc.absorb(&y.doc);
            }
        }
        _ => {}
    }
}

/// Walks one operation's fields, naming its nested types uniquely in its module.
struct OpBuilder<'a, 'b> {
    op: &'a Operation,
    index: usize,
    scope: Scope,
    /// Named types already met per side: (spec name, request side) → occurrence.
    named: BTreeMap<(String, bool), NodeId>,
    space: &'b mut Builder,
    /// Occurrences completed since last taken, in order.
    closed: Vec<NodeId>,
}

impl<'a, 'b> OpBuilder<'a, 'b> {
    fn new(op: &'a Operation, index: usize, space: &'b mut Builder) -> Self {
        let mut scope = prelude_scope();
        scope.unique(format!("{}Request", names::type_name(&op.id)));
        scope.unique(format!("{}Response", names::type_name(&op.id)));
        OpBuilder {
            op,
            index,
            scope,
            named: BTreeMap::new(),
            space,
            closed: Vec::new(),
        }
    }

    /// Start a nested type named (uniquely in this module) after `hint`.
    fn open(&mut self, hint: String) -> NodeId {
        let local = self.scope.unique(hint);
        self.space.open(self.index, local)
    }

    fn close(&mut self, node: NodeId, doc: Vec<String>, shape: Shape<NodeId>) {
        self.space.close(node, doc, shape);
        self.closed.push(node);
    }

    fn request(&mut self, model: &OpModel) -> StructDef<NodeId> {
        let mut fields = Vec::new();
        for (rust, p) in &model.params {
            let (ty, is_vec) = match &p.ty {
                TypeExpr::Array(inner) => {
                    let elem =
                        self.rust_type(inner, &p.fields, &p.name, Side::Request, &p.enum_values);
                    (Ty::Vec(Box::new(elem)), true)
                }
                ty => (
                    self.rust_type(ty, &p.fields, &p.name, Side::Request, &p.enum_values),
                    false,
                ),
            };
            fields.push(field_def(
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
        let op = self.op;
        if let (Some(rust), Some(body)) = (&model.body, &op.body) {
            let ty = self.body_type(
                body,
                &format!("{}Body", names::type_name(&op.id)),
                Side::Request,
            );
            let doc = if body.description.is_empty() {
                "Request body."
            } else {
                body.description.as_str()
            };
            fields.push(FieldDef {
                rust: rust.clone(),
                // serde's name for the member: the field name without `r#`.
                wire: rust.trim_start_matches("r#").to_string(),
                ty,
                kind: if body.required {
                    Kind::Required
                } else {
                    Kind::Opt
                },
                decoder: None,
                doc: Doc::new(doc),
                // A list body is taken whole.
                setter: Some(Setter {
                    required: body.required,
                    is_vec: false,
                }),
            });
        }
        StructDef {
            fields,
            builder: true,
        }
    }

    fn response(&mut self) -> ResponseDef<NodeId> {
        let op = self.op;
        match op.success_response().and_then(|r| r.body.as_ref()) {
            Some(b)
                if matches!(b.ty, TypeExpr::Object)
                    || !b.fields.is_empty() && !matches!(b.ty, TypeExpr::Array(_)) =>
            {
                ResponseDef::Struct(StructDef {
                    fields: self.struct_fields(&b.fields, Side::Response),
                    builder: false,
                })
            }
            Some(b) => ResponseDef::Newtype(self.body_type(
                b,
                &format!("{}Item", names::type_name(&op.id)),
                Side::Response,
            )),
            None => ResponseDef::Empty,
        }
    }

    /// The Rust type of a body (object → a struct named `hint`).
    fn body_type(&mut self, body: &Body, hint: &str, side: Side) -> Ty<NodeId> {
        if matches!(body.ty, TypeExpr::Object) && !body.fields.is_empty() {
            return self.object(hint, &body.fields, side, &body.description);
        }
        self.rust_type(&body.ty, &body.fields, hint, side, &[])
    }

    /// The members of a struct (`new` and the setters share the namespace of the fields on
    /// the request side).
    fn struct_fields(&mut self, fields: &[Field], side: Side) -> Vec<FieldDef<NodeId>> {
        let mut scope = Scope::default();
        if side == Side::Request {
            scope.unique("new".into());
        }
        let mut out = Vec::new();
        for f in fields {
            let rust = scope.unique(names::field(&f.name));
            let wrapped = matches!((&f.list_wrapper, &f.ty), (Some(_), TypeExpr::Array(_)));
            let ty = match (&f.list_wrapper, &f.ty) {
                (Some(wrapper), TypeExpr::Array(_)) => self.wrapper(f, wrapper, side),
                (None, TypeExpr::Array(inner)) => Ty::Vec(Box::new(self.rust_type(
                    inner,
                    &f.fields,
                    &f.name,
                    side,
                    &f.enum_values,
                ))),
                (_, ty) => self.rust_type(ty, &f.fields, &f.name, side, &f.enum_values),
            };
            let is_vec = !wrapped && matches!(f.ty, TypeExpr::Array(_));
            let decoder = if wrapped {
                None
            } else {
                response_decoder(&f.ty, !f.enum_values.is_empty())
            };
            out.push(field_def(
                &rust,
                &f.name,
                ty,
                f.required,
                side,
                &doc_of_field(f),
                decoder,
                is_vec,
            ));
        }
        out
    }

    /// A list the wire wraps in an XML-style element.
    fn wrapper(&mut self, f: &Field, wrapper: &str, side: Side) -> Ty<NodeId> {
        let list = self.rust_type(&f.ty, &f.fields, wrapper, side, &f.enum_values);
        let node = self.open(format!("{}List", names::type_name(&f.name)));
        let doc = text_lines(&format!(
            "The `{wrapper}` wrapper around the list `{}`.",
            f.name
        ));
        let items = FieldDef {
            rust: "items".into(),
            wire: wrapper.to_string(),
            ty: list,
            kind: Kind::Field,
            decoder: Some("List"),
            doc: Doc::new(&format!("The `{wrapper}` items.")),
            setter: None,
        };
        self.close(node, doc, Shape::Wrapper(items));
        Ty::Named(node)
    }

    /// A struct for an inline object.
    fn object(
        &mut self,
        hint: &str,
        fields: &[Field],
        side: Side,
        description: &str,
    ) -> Ty<NodeId> {
        let node = self.open(names::type_name(hint));
        let fields = self.struct_fields(fields, side);
        let doc = text_lines(&if description.is_empty() {
            self.where_used(hint, side)
        } else {
            description.to_string()
        });
        self.nested(node, doc, fields, side);
        Ty::Named(node)
    }

    /// Complete a nested struct: built with `new(required…)` and the setters on the request
    /// side, from `Default` and its public fields on the response side.
    fn nested(
        &mut self,
        node: NodeId,
        doc: Vec<String>,
        fields: Vec<FieldDef<NodeId>>,
        side: Side,
    ) {
        let shape = Shape::Struct(StructDef {
            fields,
            builder: side == Side::Request,
        });
        self.close(node, doc, shape);
    }

    /// The doc of an object the document does not describe: where it occurs.
    fn where_used(&self, name: &str, side: Side) -> String {
        let side = match side {
            Side::Request => "request",
            Side::Response => "response",
        };
        format!("The `{name}` object of the `{}` {side}.", self.op.id)
    }

    /// A named type of the document (once per side in an operation; recursion refers back).
    fn named(&mut self, name: &str, side: Side) -> Ty<NodeId> {
        let key = (name.to_string(), side == Side::Request);
        if let Some(&done) = self.named.get(&key) {
            return Ty::Named(done);
        }
        let op = self.op;
        let Some(TypeDef {
            fields,
            description,
            ..
        }) = op.types.get(name)
        else {
            return Ty::Value;
        };
        // Reserve the name first so recursive references terminate.
        let node = self.open(names::type_name(name));
        self.named.insert(key, node);
        let fields = self.struct_fields(fields, side);
        let doc = text_lines(&if description.is_empty() {
            self.where_used(name, side)
        } else {
            description.clone()
        });
        self.nested(node, doc, fields, side);
        Ty::Named(node)
    }

    fn rust_type(
        &mut self,
        ty: &TypeExpr,
        fields: &[Field],
        hint: &str,
        side: Side,
        enums: &[EnumValue],
    ) -> Ty<NodeId> {
        match ty {
            TypeExpr::String if !enums.is_empty() => self.enumeration(hint, enums),
            TypeExpr::String => Ty::String,
            TypeExpr::Integer => Ty::I32,
            TypeExpr::Long => Ty::I64,
            TypeExpr::Number => Ty::F64,
            TypeExpr::Boolean => Ty::Bool,
            TypeExpr::Object if !fields.is_empty() => self.object(hint, fields, side, ""),
            TypeExpr::Object | TypeExpr::Any => Ty::Value,
            TypeExpr::File => Ty::File,
            TypeExpr::Array(inner) => {
                Ty::Vec(Box::new(self.rust_type(inner, fields, hint, side, enums)))
            }
            TypeExpr::Map(inner) => {
                Ty::Map(Box::new(self.rust_type(inner, fields, hint, side, enums)))
            }
            TypeExpr::Named(n) => self.named(n, side),
        }
    }

    /// A string enum that keeps values the document does not list.
    fn enumeration(&mut self, hint: &str, values: &[EnumValue]) -> Ty<NodeId> {
        let node = self.open(names::type_name(hint));
        let mut vscope = Scope::default();
        vscope.unique("Unknown".into());
        let variants = values
            .iter()
            .map(|v| Variant {
                rust: vscope.unique(names::variant(&v.value)),
                value: v.value.clone(),
                doc: Doc::new(&if v.description.is_empty() {
                    format!("`{}`", v.value)
                } else {
                    format!("`{}`: {}", v.value, v.description)
                }),
            })
            .collect();
        let doc = text_lines(&format!(
            "Values of `{hint}`. Values the document does not list are kept in `Unknown`."
        ));
        self.close(node, doc, Shape::Enum(variants));
        Ty::Named(node)
    }
}

/// One struct member: how it is written and read on its side.
#[allow(clippy::too_many_arguments)] // plain data in, one member out
fn field_def(
    rust: &str,
    wire: &str,
    ty: Ty<NodeId>,
    required: bool,
    side: Side,
    doc: &str,
    decoder: Option<&'static str>,
    is_vec: bool,
) -> FieldDef<NodeId> {
    let (kind, decoder, setter) = match side {
        Side::Request => (
            if required {
                Kind::Required
            } else if is_vec {
                Kind::List
            } else {
                Kind::Opt
            },
            None,
            Some(Setter { required, is_vec }),
        ),
        // A response list is always written, `[]` when empty, as the documents' response
        // examples show the services do (`"unavailable_zones" : [ ]`, `"TagVO": []`): an SDK
        // user reads `[]`, not `None`, from a mock's empty list. A list the vendors null out
        // decodes as empty.
        Side::Response if is_vec => (Kind::Field, decoder.or(Some("NullAsDefault")), None),
        Side::Response => (Kind::Opt, decoder, None),
    };
    FieldDef {
        rust: rust.to_string(),
        wire: wire.to_string(),
        ty,
        kind,
        decoder,
        doc: Doc::new(doc),
        setter,
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
    if super::models::is_project_id(f) {
        doc.push_str(
            "\n\nWhen not set, the client uses the project id of its credentials \
             (`Credentials::with_project_id`, or `HUAWEICLOUD_SDK_PROJECT_ID`).",
        );
    }
    if super::models::is_domain_id(f) {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::model::Spec;

    fn spec(ops: &str) -> Spec {
        let yaml = format!(
            "format: 1\nservice: {{name: toy, title: Toy, vendor: huawei, protocol: huawei-rest,\n  \
             source: {{document: d, title: t, revision: r, sha256: x}}}}\noperations:\n{ops}"
        );
        yaml_serde::from_str(&yaml).unwrap_or_else(|e| panic!("{e}\n{yaml}"))
    }

    /// An operation `id` whose one query parameter `Tag` is a list of objects with `members`.
    fn op_with(id: &str, members: &str) -> String {
        format!(
            "  - {{id: {id}, title: t, source: {{line: 1}}, method: GET, path: /{id},
     parameters: [{{name: Tag, in: query, type: 'array<object>', fields: [{members}]}}]}}\n"
        )
    }

    fn space_of(s: &Spec) -> (TypeSpace, Vec<OpTypes>) {
        let models: Vec<OpModel> = s
            .operations
            .iter()
            .map(super::super::models::op_model)
            .collect();
        build(s.operations.iter().zip(&models))
    }

    /// The type of the request's first member (list element or the member's type).
    fn first_member(t: &OpTypes) -> TypeId {
        match t.request.fields[0].elem() {
            Ty::Named(r) => r.id,
            other => panic!("not a nested type: {other:?}"),
        }
    }

    #[test]
    fn same_structure_is_one_type_with_merged_descriptions() {
        let s = spec(&format!(
            "{}{}",
            op_with(
                "A",
                "{name: Key, type: string, description: The key., line: 10}"
            ),
            op_with(
                "B",
                "{name: Key, type: string, description: The tag key., line: 20}"
            ),
        ));
        let (space, ops) = space_of(&s);
        assert_eq!(first_member(&ops[0]), first_member(&ops[1]));
        let t = space.get(first_member(&ops[0]));
        assert_eq!(t.uses.len(), 2);
        assert_eq!(t.shared.as_deref(), Some("Tag"));
        let Shape::Struct(def) = &t.shape else {
            panic!("not a struct: {:?}", t.shape)
        };
        assert_eq!(
            def.fields[0].doc.rendered(),
            [
                " The key.",
                " ",
                " Another operation describes it as:",
                " The tag key.",
                " ",
                " Document line 10."
            ]
        );
        assert_eq!(space.shared_module, "types");
    }

    #[test]
    fn a_different_wire_name_is_another_type() {
        // Both members are `key` in Rust; only the wire name differs.
        let s = spec(&format!(
            "{}{}",
            op_with("A", "{name: Key, type: string}"),
            op_with("B", "{name: key, type: string}"),
        ));
        let (space, ops) = space_of(&s);
        assert_ne!(first_member(&ops[0]), first_member(&ops[1]));
        assert!(space.shared().next().is_none());
    }

    #[test]
    fn a_different_variant_is_another_type() {
        let s = spec(&format!(
            "{}{}{}",
            op_with(
                "A",
                "{name: Kind, type: string, enum: [{value: a}, {value: b}]}"
            ),
            op_with(
                "B",
                "{name: Kind, type: string, enum: [{value: a}, {value: c}]}"
            ),
            op_with(
                "C",
                "{name: Kind, type: string, enum: [{value: a}, {value: b}]}"
            ),
        ));
        let (space, ops) = space_of(&s);
        let kind = |t: &OpTypes| t.request_types[0].id;
        assert!(matches!(space.get(kind(&ops[0])).shape, Shape::Enum(_)));
        assert_ne!(kind(&ops[0]), kind(&ops[1]));
        assert_eq!(kind(&ops[0]), kind(&ops[2]));
        // The objects holding them differ by the enum's id alone.
        assert_ne!(first_member(&ops[0]), first_member(&ops[1]));
        assert_eq!(first_member(&ops[0]), first_member(&ops[2]));
    }

    #[test]
    fn a_different_decoder_is_another_type() {
        let field = |decoder| FieldDef {
            rust: "n".into(),
            wire: "N".into(),
            ty: Ty::I32,
            kind: Kind::Opt,
            decoder,
            doc: Doc::default(),
            setter: None,
        };
        let shape = |decoder| {
            Shape::Struct(StructDef {
                fields: vec![field(decoder)],
                builder: false,
            })
        };
        let mut b = Builder::default();
        let nodes: Vec<NodeId> = (0..3).map(|i| b.open(i, "N".into())).collect();
        b.close(nodes[0], vec![], shape(Some("LenientOpt")));
        b.close(nodes[1], vec![], shape(None));
        b.close(nodes[2], vec![], shape(Some("LenientOpt")));
        let ids: Vec<Option<TypeId>> = b.nodes.iter().map(|n| n.ty).collect();
        assert_eq!(ids, [Some(TypeId(0)), Some(TypeId(1)), Some(TypeId(0))]);
    }

    #[test]
    fn request_and_response_copies_stay_apart() {
        // The same object as a request parameter (built with `new` and setters, strict) and
        // in a response (lenient decoders, no builder).
        let s = spec(
            "  - {id: A, title: t, source: {line: 1}, method: POST, path: /a,
     parameters: [{name: Item, in: query, type: object, fields: [{name: Size, type: integer}]}],
     responses: [{status: 200, body: {content_type: application/json, type: object,
       fields: [{name: Item, type: object, fields: [{name: Size, type: integer}]}]}}]}\n",
        );
        let (space, ops) = space_of(&s);
        let (req, resp) = (&ops[0].request_types[0], &ops[0].response_types[0]);
        assert_ne!(req.id, resp.id);
        assert_eq!((req.local.as_str(), resp.local.as_str()), ("Item", "Item2"));
        assert_eq!(space.len(), 2);
    }

    #[test]
    fn response_lists_are_always_written_request_lists_only_when_sent() {
        // The same object with a list member in the request and in the response: the response
        // copy writes `[]` for an empty list (as the services answer), the request copy leaves
        // an empty list out (not sent).
        let s = spec(
            "  - {id: A, title: t, source: {line: 1}, method: POST, path: /a,
     parameters: [{name: Item, in: query, type: object, fields: [{name: Ids, type: 'array<string>'}]}],
     responses: [{status: 200, body: {content_type: application/json, type: object,
       fields: [{name: Ids, type: 'array<string>'},
                {name: Item, type: object, fields: [{name: Ids, type: 'array<string>'}]}]}}]}\n",
        );
        let (space, ops) = space_of(&s);
        let kind_of_ids = |id: TypeId| match &space.get(id).shape {
            Shape::Struct(def) => def.fields[0].kind,
            _ => panic!("not a struct"),
        };
        let (req, resp) = (&ops[0].request_types[0], &ops[0].response_types[0]);
        assert_eq!(kind_of_ids(req.id), Kind::List);
        assert_eq!(kind_of_ids(resp.id), Kind::Field);
        let ResponseDef::Struct(top) = &ops[0].response else {
            panic!("not a struct")
        };
        assert_eq!(top.fields[0].kind, Kind::Field);
    }

    #[test]
    fn recursive_types_terminate_and_equal_ones_meet() {
        // `Node` refers to itself; `Left` and `Right` to each other.
        let op = |id: &str| {
            format!(
                "  - {{id: {id}, title: t, source: {{line: 1}}, method: GET, path: /{id},
     parameters: [{{name: Root, in: query, type: Node}}, {{name: Pair, in: query, type: Left}}],
     types: {{Node: {{fields: [{{name: Children, type: 'array<Node>'}}]}},
       Left: {{fields: [{{name: Right, type: Right}}]}},
       Right: {{fields: [{{name: Left, type: Left}}]}}}}}}\n"
            )
        };
        let s = spec(&format!("{}{}", op("A"), op("B")));
        let (space, ops) = space_of(&s);
        let node = |t: &OpTypes| t.request.fields[0].elem().clone();
        let Ty::Named(a) = node(&ops[0]) else {
            panic!("not a nested type")
        };
        // The same self-recursive structure in both operations: one type, referring to itself.
        assert_eq!(node(&ops[0]), {
            let Ty::Named(b) = node(&ops[1]) else {
                panic!("not a nested type")
            };
            Ty::Named(TypeRef {
                local: a.local.clone(),
                ..b
            })
        });
        let Shape::Struct(def) = &space.get(a.id).shape else {
            panic!("not a struct")
        };
        assert_eq!(def.fields[0].ty, Ty::Vec(Box::new(Ty::Named(a.clone()))));
        // Recursion through another type is never merged: four distinct types for the pairs.
        let pairs: Vec<TypeId> = ops
            .iter()
            .flat_map(|t| t.request_types.iter().filter(|r| r.local != "Node"))
            .map(|r| r.id)
            .collect();
        assert_eq!(pairs.len(), 4);
        let mut distinct = pairs.clone();
        distinct.sort();
        distinct.dedup();
        assert_eq!(distinct.len(), 4, "{pairs:?}");
    }
}
