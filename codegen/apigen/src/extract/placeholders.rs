//! Examples that print a type placeholder instead of a value.
//!
//! Alibaba pages print `"Metadata": "[string]"` (or `[int]`) for a map whose table example
//! cell is the same placeholder: the example says "a value of this type", not a string
//! where a map belongs. It is no contradiction of the tables, but no value either, so the
//! example is marked as not checkable (`mismatch`, naming the placeholder) instead of failing
//! `lint` and the generated example tests. A placeholder where the field is a plain string
//! is a valid string and stays checked; any other misfit still fails `lint`.

use crate::extract::Diagnostics;
use crate::spec::model::{Example, Field, Operation, Spec, TypeDef, TypeExpr};
use serde_json::Value;
use std::collections::BTreeMap;

/// `[string]`, `[int]`, `[long]`, `[boolean]`, `[object]`, `[array]`, `[map]`, … .
pub fn type_placeholder(s: &str) -> bool {
    let Some(inner) = s.trim().strip_prefix('[').and_then(|r| r.strip_suffix(']')) else {
        return false;
    };
    matches!(
        inner.trim().to_ascii_lowercase().as_str(),
        "string"
            | "int"
            | "integer"
            | "long"
            | "double"
            | "float"
            | "number"
            | "boolean"
            | "bool"
            | "object"
            | "array"
            | "map"
            | "list"
    )
}

/// Mark every example that prints a type placeholder for a non-string field.
pub fn mark(spec: &mut Spec, diags: &mut Diagnostics) -> usize {
    let mut marked = 0;
    for op in &mut spec.operations {
        let Operation {
            responses,
            request_examples,
            body,
            types,
            ..
        } = op;
        for r in responses.iter_mut() {
            if let Some(b) = &r.body {
                marked += mark_list(&mut r.examples, &b.ty, &b.fields, types, diags);
            }
        }
        if let Some(b) = body {
            marked += mark_list(request_examples, &b.ty, &b.fields, types, diags);
        }
    }
    marked
}

fn mark_list(
    examples: &mut [Example],
    ty: &TypeExpr,
    fields: &[Field],
    types: &BTreeMap<String, TypeDef>,
    diags: &mut Diagnostics,
) -> usize {
    let mut n = 0;
    for ex in examples.iter_mut().filter(|e| e.mismatch.is_none()) {
        let Some(json) = &ex.json else { continue };
        if let Some((path, text, want)) = find(json, ty, fields, types, "", 0) {
            let why = format!(
                "the example prints the type placeholder `{text}` for `{path}` ({want}), not a value"
            );
            diags.note(ex.line as usize, why.clone());
            ex.mismatch = Some(why);
            n += 1;
        }
    }
    n
}

/// The first placeholder string where a non-string value belongs: (path, text, type).
fn find(
    v: &Value,
    ty: &TypeExpr,
    fields: &[Field],
    types: &BTreeMap<String, TypeDef>,
    path: &str,
    depth: usize,
) -> Option<(String, String, String)> {
    if depth > 32 {
        return None;
    }
    match (v, ty) {
        (Value::String(s), t) if *t != TypeExpr::String && type_placeholder(s) => {
            Some((path.to_string(), s.clone(), t.to_string()))
        }
        (Value::Array(items), TypeExpr::Array(inner)) => items
            .iter()
            .find_map(|i| find(i, inner, fields, types, path, depth + 1)),
        (Value::Object(m), TypeExpr::Map(inner)) => m
            .values()
            .find_map(|i| find(i, inner, fields, types, path, depth + 1)),
        // An object where a list is declared: the XML-to-JSON quirk (or a list wrapper).
        (Value::Object(_), TypeExpr::Array(inner)) => {
            find(v, inner, fields, types, path, depth + 1)
        }
        (Value::Object(m), TypeExpr::Object | TypeExpr::Named(_)) => {
            let members: &[Field] = match ty {
                TypeExpr::Named(n) => types.get(n).map(|d| d.fields.as_slice()).unwrap_or(&[]),
                _ => fields,
            };
            m.iter().find_map(|(k, item)| {
                let f = members.iter().find(|f| &f.name == k)?;
                let sub = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                // A wrapped list (`{"TagVO": [...]}`): look inside the wrapper.
                let item = match (&f.list_wrapper, item) {
                    (Some(w), Value::Object(o)) => o.get(w).unwrap_or(item),
                    _ => item,
                };
                find(item, &f.ty, &f.fields, types, &sub, depth + 1)
            })
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::model::Spec;
    use crate::spec::validate::check_examples as check_examples_for_test;

    /// A revision's new MSE operation in the ListEurekaInstances template: `Metadata` is a
    /// `Map` (table example `[string]`) and the JSON example prints `"[string]"`.
    const SPEC: &str = "format: 1
service: {name: mse, title: MSE, vendor: alibaba, protocol: alibaba-rpc,
  source: {document: d, title: t, revision: r, sha256: x}}
operations:
- id: ListNewInstances
  title: ListNewInstances
  source: {section: '9.1', line: 10}
  method: POST
  path: /
  responses:
  - status: 200
    body:
      content_type: application/json
      type: object
      fields:
      - name: Data
        type: object
        fields:
        - {name: Metadata, type: map<string>, example: '[string]'}
        - {name: Name, type: string}
        - {name: Port, type: integer}
    examples:
    - format: json
      line: 20
      json: {Data: {Metadata: '[string]', Name: '[string]', Port: 8091}}
";

    fn spec(json_override: Option<&str>) -> Spec {
        let text = match json_override {
            Some(j) => SPEC.replace(
                "json: {Data: {Metadata: '[string]', Name: '[string]', Port: 8091}}",
                j,
            ),
            None => SPEC.to_string(),
        };
        yaml_serde::from_str(&text).expect("spec")
    }

    #[test]
    fn placeholders() {
        for p in ["[string]", "[int]", "[Long]", " [boolean] ", "[object]"] {
            assert!(type_placeholder(p), "{p}");
        }
        for p in ["string", "[foo]", "[]", "[1,2]", "[string"] {
            assert!(!type_placeholder(p), "{p}");
        }
    }

    #[test]
    fn a_map_printed_as_its_placeholder_is_marked_and_lint_passes() {
        let mut s = spec(None);
        // Before: the example fails the check (what made `generate` refuse the spec).
        assert!(!check_examples_for_test(&s).is_empty());
        let mut d = Diagnostics::default();
        assert_eq!(mark(&mut s, &mut d), 1);
        let ex = &s.operations[0].responses[0].examples[0];
        assert!(
            ex.mismatch
                .as_deref()
                .unwrap()
                .contains("`[string]` for `Data.Metadata` (map<string>)"),
            "{:?}",
            ex.mismatch
        );
        assert!(check_examples_for_test(&s).is_empty());
    }

    #[test]
    fn a_string_placeholder_and_real_misfits_are_left_to_lint() {
        // `Name: "[string]"` is a valid string: nothing to mark.
        let mut s = spec(Some("json: {Data: {Name: '[string]', Port: 8091}}"));
        let mut d = Diagnostics::default();
        assert_eq!(mark(&mut s, &mut d), 0);
        assert!(check_examples_for_test(&s).is_empty());
        // A real contradiction (a word where the map belongs) is not a placeholder.
        let mut s = spec(Some("json: {Data: {Metadata: 'none', Port: 8091}}"));
        assert_eq!(mark(&mut s, &mut d), 0);
        assert!(!check_examples_for_test(&s).is_empty());
    }
}
