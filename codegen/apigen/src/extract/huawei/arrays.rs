//! A field the table types as one value whose every example prints a list.
//!
//! Huawei tables write `MicroService object` where the JSON examples (and the plural name)
//! show `"providers": [ {...}, ... ]`: the table's "Array of" was lost. When every example
//! that has the field prints an array (at least one does) and the name is a plural, the
//! field is a list of the table's type. One disagreeing example keeps the table's word, and
//! so does a singular name: CSE's flavor `spec` is printed as a list once, but is one
//! `EngineSpec` (the name, and the vendor's SDK, say so).

use crate::extract::Diagnostics;
use crate::spec::model::{Field, Operation, TypeDef, TypeExpr};
use serde_json::Value;
use std::collections::BTreeMap;

/// Where a field lives: a response body (by index), the request body, or a named type.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Scope {
    Response(usize),
    Request,
    Type(String),
}

/// Retype fields whose examples are all arrays; a note at the table row for each.
pub fn lists_from_examples(op: &mut Operation, diags: &mut Diagnostics) {
    let mut found: Vec<(Scope, String)> = Vec::new();
    for (i, r) in op.responses.iter().enumerate() {
        let Some(b) = &r.body else { continue };
        let vals: Vec<&Value> = r.examples.iter().filter_map(|e| e.json.as_ref()).collect();
        visit(
            &b.fields,
            &vals,
            Scope::Response(i),
            &op.types,
            0,
            &mut found,
        );
    }
    if let Some(b) = &op.body {
        let vals: Vec<&Value> = op
            .request_examples
            .iter()
            .filter_map(|e| e.json.as_ref())
            .collect();
        visit(&b.fields, &vals, Scope::Request, &op.types, 0, &mut found);
    }
    found.dedup();
    for (scope, name) in found {
        let fields = match &scope {
            Scope::Response(i) => op.responses[*i].body.as_mut().map(|b| &mut b.fields),
            Scope::Request => op.body.as_mut().map(|b| &mut b.fields),
            Scope::Type(t) => op.types.get_mut(t).map(|d| &mut d.fields),
        };
        let Some(f) = fields.and_then(|fs| fs.iter_mut().find(|f| f.name == name)) else {
            continue;
        };
        let was = f.ty.clone();
        f.ty = TypeExpr::array(was.clone());
        diags.note(
            f.line.map(|l| l as usize),
            format!(
                "`{}` is typed `{}` but every example prints a list: typed {}",
                f.name, f.doc_type, f.ty
            ),
        );
    }
}

/// `providers`, `tags`, `instanceList`; not `status`, `address`, `spec`.
fn plural(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    (n.ends_with('s') && !n.ends_with("ss") && !n.ends_with("us")) || n.ends_with("list")
}

fn retypable(t: &TypeExpr) -> bool {
    matches!(
        t,
        TypeExpr::Named(_)
            | TypeExpr::Object
            | TypeExpr::String
            | TypeExpr::Integer
            | TypeExpr::Long
            | TypeExpr::Number
            | TypeExpr::Boolean
    )
}

fn visit(
    fields: &[Field],
    vals: &[&Value],
    scope: Scope,
    types: &BTreeMap<String, TypeDef>,
    depth: usize,
    found: &mut Vec<(Scope, String)>,
) {
    // Named types may refer to themselves; the documents nest a few levels at most.
    if depth > 8 || vals.is_empty() {
        return;
    }
    for f in fields {
        let seen: Vec<&Value> = vals
            .iter()
            .filter_map(|v| v.as_object()?.get(&f.name))
            .filter(|v| !v.is_null())
            .collect();
        if seen.is_empty() {
            continue;
        }
        let all_lists = seen.iter().all(|v| v.is_array());
        let shape_fits = seen
            .iter()
            .flat_map(|v| v.as_array().into_iter().flatten())
            .all(|item| match &f.ty {
                TypeExpr::Named(_) | TypeExpr::Object => item.is_object(),
                TypeExpr::String => item.is_string(),
                TypeExpr::Boolean => item.is_boolean(),
                _ => item.is_number(),
            });
        if all_lists && plural(&f.name) && retypable(&f.ty) && shape_fits {
            found.push((scope.clone(), f.name.clone()));
        }
        let inner: Vec<&Value> = seen
            .iter()
            .flat_map(|v| match v {
                Value::Array(items) => items.iter().collect::<Vec<_>>(),
                other => vec![*other],
            })
            .collect();
        if let TypeExpr::Named(n) = f.ty.element() {
            if let Some(d) = types.get(n) {
                visit(
                    &d.fields,
                    &inner,
                    Scope::Type(n.clone()),
                    types,
                    depth + 1,
                    found,
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::model::{Body, Example, ExampleFormat, Response};

    fn field(name: &str, ty: TypeExpr) -> Field {
        let mut f = Field::new(name, ty);
        f.doc_type = "MicroService object".into();
        f
    }

    fn op_with(example: Value) -> Operation {
        let yaml = "id: Q\ntitle: Q\nsource: {section: '1', line: 1}\nmethod: GET\npath: /q\n";
        let mut op: Operation = yaml_serde::from_str(yaml).expect("operation");
        op.types.insert(
            "Microservice".into(),
            TypeDef {
                description: String::new(),
                source: None,
                fields: vec![field("tags", TypeExpr::String)],
            },
        );
        op.responses.push(Response {
            status: 200,
            description: "OK".into(),
            headers: Vec::new(),
            body: Some(Body {
                content_type: "application/json".into(),
                ty: TypeExpr::Object,
                required: false,
                description: String::new(),
                fields: vec![
                    field("providers", TypeExpr::Named("Microservice".into())),
                    field("total", TypeExpr::Integer),
                ],
            }),
            examples: vec![Example {
                format: ExampleFormat::Json,
                line: 9,
                title: String::new(),
                method: None,
                target: None,
                params: Default::default(),
                json: Some(example),
                raw: None,
                mismatch: None,
            }],
        });
        op
    }

    fn types_of(op: &Operation) -> Vec<String> {
        let b = op.responses[0].body.as_ref().unwrap();
        let mut out: Vec<String> = b.fields.iter().map(|f| f.ty.to_string()).collect();
        out.extend(
            op.types["Microservice"]
                .fields
                .iter()
                .map(|f| f.ty.to_string()),
        );
        out
    }

    /// CSE 7.6.1 QueryAllProvidersOfMicroservice: `providers` printed as a list.
    #[test]
    fn an_object_printed_as_a_list_is_a_list() {
        let mut op = op_with(serde_json::json!({
            "providers": [{"tags": ["a", "b"]}, {"tags": ["c"]}],
            "total": 2
        }));
        let mut d = Diagnostics::default();
        lists_from_examples(&mut op, &mut d);
        assert_eq!(
            types_of(&op),
            ["array<Microservice>", "integer", "array<string>"]
        );
        assert_eq!(d.items.len(), 2);
    }

    #[test]
    fn an_object_printed_as_an_object_stays() {
        let mut op = op_with(serde_json::json!({"providers": {"tags": "a"}, "total": [1]}));
        let mut d = Diagnostics::default();
        lists_from_examples(&mut op, &mut d);
        // `providers` is one object here; `total` is no plural, whatever the example says.
        assert_eq!(types_of(&op), ["Microservice", "integer", "string"]);
        assert!(d.items.is_empty());
    }

    #[test]
    fn a_list_of_the_wrong_items_stays() {
        let mut op = op_with(serde_json::json!({"providers": ["x"], "total": 1}));
        let mut d = Diagnostics::default();
        lists_from_examples(&mut op, &mut d);
        assert_eq!(types_of(&op), ["Microservice", "integer", "string"]);
        assert!(d.items.is_empty());
    }
}
