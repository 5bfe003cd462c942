//! `apigen inspect`: a flat listing of a spec for people and tools.
//!
//! JSON shape (stable; tools and tests read it):
//!
//! ```json
//! {"service": "cse",
//!  "operations": [{"name": "ListInstances", "method": "GET", "path": "/v2/{project_id}/instances",
//!                  "request": [{"name": "project_id", "in": "path", "type": "string", "required": true}],
//!                  "response": [{"path": "instances[].status", "type": "string"}]}]}
//! ```
//!
//! - request `name` is the wire name: Alibaba repeat lists are written `InstanceId.N`
//!   (scalars) and `Tag.N.Key` (members of objects; the list itself is not listed then);
//!   body members follow the parameters, dotted from the body root (`bss_param.charging_mode`,
//!   `tags[].key`) with `in` = `body` (`form`/`file` for multipart bodies);
//! - `type` is [`TypeExpr::kind`]: string, integer, long, number, boolean, object, array,
//!   map, file;
//! - response `path` is dotted from the body root of the first 2xx response, `[]` marking
//!   array items; a `list_wrapper` adds its wrapper segment
//!   (`InstanceList.InstanceVO[].Tags.TagVO[].Key`). Every member is listed, objects and
//!   arrays included, and named types are followed (a type met again inside itself is
//!   listed once, not expanded).

use crate::spec::model::{Encoding, Field, Location, Operation, Spec, TypeDef, TypeExpr};
use serde::Serialize;
use std::collections::BTreeMap;

/// The whole listing.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Listing {
    pub service: String,
    pub operations: Vec<OpListing>,
}

/// One operation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OpListing {
    pub name: String,
    pub method: String,
    pub path: String,
    pub request: Vec<RequestItem>,
    pub response: Vec<ResponseItem>,
}

/// One request parameter or body member.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RequestItem {
    pub name: String,
    #[serde(rename = "in")]
    pub location: String,
    #[serde(rename = "type")]
    pub ty: String,
    pub required: bool,
}

/// One member of the success response body.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ResponseItem {
    pub path: String,
    #[serde(rename = "type")]
    pub ty: String,
}

impl Listing {
    pub fn of(spec: &Spec) -> Listing {
        Listing {
            service: spec.service.name.clone(),
            operations: spec.operations.iter().map(OpListing::of).collect(),
        }
    }

    /// Readable aligned listing of the same content.
    pub fn to_text(&self) -> String {
        let mut out = format!("service: {}\n", self.service);
        for op in &self.operations {
            out.push_str(&format!("\n{} {} {}\n", op.name, op.method, op.path));
            if !op.request.is_empty() {
                out.push_str("  request:\n");
                let rows: Vec<[String; 4]> = op
                    .request
                    .iter()
                    .map(|r| {
                        let req = if r.required { "required" } else { "" };
                        [
                            r.name.clone(),
                            r.location.clone(),
                            r.ty.clone(),
                            req.to_string(),
                        ]
                    })
                    .collect();
                push_table(&mut out, &rows);
            }
            if !op.response.is_empty() {
                out.push_str("  response:\n");
                let rows: Vec<[String; 2]> = op
                    .response
                    .iter()
                    .map(|r| [r.path.clone(), r.ty.clone()])
                    .collect();
                push_table(&mut out, &rows);
            }
        }
        out
    }
}

/// Rows with columns padded to their widest cell (in characters), four spaces in.
fn push_table<const N: usize>(out: &mut String, rows: &[[String; N]]) {
    let mut widths = [0usize; N];
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    for row in rows {
        let mut line = String::from("    ");
        for (i, cell) in row.iter().enumerate() {
            line.push_str(cell);
            if i + 1 < N {
                line.push_str(&" ".repeat(widths[i] - cell.chars().count() + 2));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
}

impl OpListing {
    pub fn of(op: &Operation) -> OpListing {
        let mut request = Vec::new();
        for p in &op.parameters {
            let loc = p.location.unwrap_or(Location::Query).as_str();
            request_param(&mut request, &p.name, loc, p);
        }
        if let Some(body) = &op.body {
            let multipart = body.content_type.contains("multipart")
                || body.content_type.contains("form-urlencoded");
            let mut w = Walker {
                types: &op.types,
                stack: Vec::new(),
                items: Vec::new(),
            };
            w.members("", &body.ty, &body.fields);
            for (path, f) in w.items {
                let loc = match (multipart, f.ty.element()) {
                    (true, TypeExpr::File) => "file",
                    (true, _) => "form",
                    (false, _) => "body",
                };
                request.push(RequestItem {
                    name: path,
                    location: loc.into(),
                    ty: f.ty.kind().into(),
                    required: f.required,
                });
            }
        }
        let mut response = Vec::new();
        if let Some(body) = op.success_response().and_then(|r| r.body.as_ref()) {
            let mut w = Walker {
                types: &op.types,
                stack: Vec::new(),
                items: Vec::new(),
            };
            w.members("", &body.ty, &body.fields);
            response = w
                .items
                .into_iter()
                .map(|(path, f)| ResponseItem {
                    path,
                    ty: f.ty.kind().into(),
                })
                .collect();
        }
        OpListing {
            name: op.id.clone(),
            method: op.method.as_str().into(),
            path: op.path.clone(),
            request,
            response,
        }
    }
}

/// A request parameter under its wire name; repeat lists expand to `Name.N` or
/// `Name.N.Member` (recursively, for repeat lists inside repeat lists).
fn request_param(out: &mut Vec<RequestItem>, name: &str, loc: &str, f: &Field) {
    if f.encoding == Some(Encoding::RepeatList) {
        if let TypeExpr::Array(inner) = &f.ty {
            let base = format!("{name}.N");
            if !f.fields.is_empty() && matches!(**inner, TypeExpr::Object) {
                for m in &f.fields {
                    request_param(out, &format!("{base}.{}", m.name), loc, m);
                }
            } else {
                out.push(RequestItem {
                    name: base,
                    location: loc.into(),
                    ty: inner.kind().into(),
                    required: f.required,
                });
            }
            return;
        }
    }
    out.push(RequestItem {
        name: name.into(),
        location: loc.into(),
        ty: f.ty.kind().into(),
        required: f.required,
    });
}

/// Collects `(path, field)` for every member under a body, following named types.
struct Walker<'a> {
    types: &'a BTreeMap<String, TypeDef>,
    /// Named types being expanded (recursive types stop here).
    stack: Vec<&'a str>,
    items: Vec<(String, &'a Field)>,
}

impl<'a> Walker<'a> {
    /// Members of a value of type `ty` at `prefix` (`""` for the body root).
    fn members(&mut self, prefix: &str, ty: &'a TypeExpr, fields: &'a [Field]) {
        match ty {
            TypeExpr::Array(inner) => self.members(&format!("{prefix}[]"), inner, fields),
            TypeExpr::Map(inner) => self.members(&format!("{prefix}{{}}"), inner, fields),
            TypeExpr::Named(n) => {
                let types = self.types;
                if let Some((name, def)) = types.get_key_value(n) {
                    if self.stack.contains(&name.as_str()) {
                        return;
                    }
                    self.stack.push(name);
                    self.fields(prefix, &def.fields);
                    self.stack.pop();
                }
            }
            _ => self.fields(prefix, fields),
        }
    }

    fn fields(&mut self, prefix: &str, fields: &'a [Field]) {
        for f in fields {
            let mut path = if prefix.is_empty() {
                f.name.clone()
            } else {
                format!("{prefix}.{}", f.name)
            };
            if let Some(w) = &f.list_wrapper {
                path = format!("{path}.{w}");
            }
            self.items.push((path.clone(), f));
            if !matches!(f.ty.element(), TypeExpr::Object | TypeExpr::Named(_)) {
                continue;
            }
            self.members(&path, &f.ty, &f.fields);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(yaml: &str) -> Spec {
        crate::spec::load::parse_str("t.yaml", yaml).unwrap()
    }

    const HEAD: &str =
        "format: 1\nservice: {name: s, title: S, vendor: alibaba, protocol: alibaba-rpc,\n  \
                        source: {document: d, title: t, revision: r, sha256: x}}\n";

    #[test]
    fn repeat_lists_and_wrapped_response_lists() {
        let s = spec(&format!(
            "{HEAD}operations:
  - id: ListX
    title: t
    source: {{line: 1}}
    method: POST
    path: /
    parameters:
      - {{name: RegionId, in: query, type: string, required: true}}
      - {{name: InstanceId, in: query, type: 'array<string>', encoding: repeat-list}}
      - name: Tag
        in: query
        type: array<object>
        encoding: repeat-list
        fields:
          - {{name: Key, type: string, required: true}}
          - {{name: Value, type: string}}
    responses:
      - status: 200
        body:
          content_type: application/json
          type: object
          fields:
            - {{name: RequestId, type: string}}
            - name: InstanceList
              type: array<Inst>
              list_wrapper: InstanceVO
    types:
      Inst:
        fields:
          - {{name: Name, type: string}}
          - name: Tags
            type: array<object>
            list_wrapper: TagVO
            fields: [{{name: Key, type: string}}]
"
        ));
        let l = Listing::of(&s);
        let op = &l.operations[0];
        let names: Vec<&str> = op.request.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(
            names,
            ["RegionId", "InstanceId.N", "Tag.N.Key", "Tag.N.Value"]
        );
        assert_eq!(op.request[1].ty, "string");
        assert!(op.request[2].required && !op.request[3].required);
        let paths: Vec<(&str, &str)> = op
            .response
            .iter()
            .map(|r| (r.path.as_str(), r.ty.as_str()))
            .collect();
        assert_eq!(
            paths,
            [
                ("RequestId", "string"),
                ("InstanceList.InstanceVO", "array"),
                ("InstanceList.InstanceVO[].Name", "string"),
                ("InstanceList.InstanceVO[].Tags.TagVO", "array"),
                ("InstanceList.InstanceVO[].Tags.TagVO[].Key", "string"),
            ]
        );
        insta::assert_snapshot!(l.to_text(), @r"
        service: s

        ListX POST /
          request:
            RegionId      query  string  required
            InstanceId.N  query  string
            Tag.N.Key     query  string  required
            Tag.N.Value   query  string
          response:
            RequestId                                   string
            InstanceList.InstanceVO                     array
            InstanceList.InstanceVO[].Name              string
            InstanceList.InstanceVO[].Tags.TagVO        array
            InstanceList.InstanceVO[].Tags.TagVO[].Key  string
        ");
    }

    #[test]
    fn body_members_are_dotted_and_recursive_types_stop() {
        let s = spec(
            "format: 1\nservice: {name: s, title: S, vendor: huawei, protocol: huawei-rest,\n  \
             source: {document: d, title: t, revision: r, sha256: x}}\noperations:
  - id: Create
    title: t
    source: {line: 1}
    method: POST
    path: /v2/{project_id}/instances
    parameters:
      - {name: project_id, in: path, type: string, required: true}
    body:
      content_type: application/json
      type: object
      fields:
        - name: bss_param
          type: object
          fields: [{name: charging_mode, type: string, required: true}]
        - {name: tags, type: 'array<Tag>'}
    responses:
      - status: 400
        body: {content_type: application/json, type: object, fields: [{name: error_code, type: string}]}
      - status: 200
        body: {content_type: application/json, type: 'array<Node>'}
    types:
      Tag: {fields: [{name: key, type: string}]}
      Node: {fields: [{name: id, type: long}, {name: children, type: 'array<Node>'}]}
",
        );
        let json = serde_json::to_value(Listing::of(&s)).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"service": "s", "operations": [{
                "name": "Create", "method": "POST", "path": "/v2/{project_id}/instances",
                "request": [
                    {"name": "project_id", "in": "path", "type": "string", "required": true},
                    {"name": "bss_param", "in": "body", "type": "object", "required": false},
                    {"name": "bss_param.charging_mode", "in": "body", "type": "string", "required": true},
                    {"name": "tags", "in": "body", "type": "array", "required": false},
                    {"name": "tags[].key", "in": "body", "type": "string", "required": false},
                ],
                "response": [
                    {"path": "[].id", "type": "long"},
                    {"path": "[].children", "type": "array"},
                ],
            }]})
        );
    }
}
