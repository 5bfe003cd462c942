//! Cross-checks between tables and examples: name slips (`Instanceld`, `Zoneld`,
//! `Clusterid`), example keys the table lacks, and example values whose shape disagrees
//! with the table. They only report; fixes go into the corrections file.

use super::nesting::{fold, lookup};
use crate::severity::Severity;
use crate::spec::model::{Field, TypeExpr};
use serde_json::Value;

/// A finding with the document line it points at.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub line: Option<usize>,
    pub message: String,
    /// Warnings are likely errors in the document; the rest are notes (never `Error`).
    pub severity: Severity,
}

/// Compare response fields with the example bodies (JSON value, XML tree): a field whose
/// name matches an example key only after folding `l`/`I` (and case) is an OCR slip,
/// reported per field; names that differ from the example only by case are reported once
/// per operation (retailcloud's rds chapter prints lowerCamelCase examples for PascalCase
/// tables); a key no field matches is an example-only field. Findings that JSON and XML
/// share are reported once.
pub fn response_names(
    fields: &[Field],
    examples: &[(Value, &str)],
    path: &str,
    out: &mut Vec<Finding>,
) {
    let objs: Vec<(&Value, &str)> = examples.iter().map(|(v, src)| (v, *src)).collect();
    let mut raw = Vec::new();
    walk(fields, &objs, path, &mut raw);
    // Merge sources of identical findings, keeping first-seen order.
    let mut merged: Vec<(Raw, Vec<&str>)> = Vec::new();
    for (r, src) in raw {
        match merged.iter_mut().find(|(m, _)| *m == r) {
            Some((_, srcs)) => {
                if !srcs.contains(&src) {
                    srcs.push(src)
                }
            }
            None => merged.push((r, vec![src])),
        }
    }
    // An example key and a table name at the same level that no folding pairs but that
    // differ by at most two letters (`PubNetworkFloww`/`PubNetworkFlow`,
    // `InternetAddresses`/`InternetAddress`) are a likely slip too.
    let extras: Vec<(String, String)> = merged
        .iter()
        .filter_map(|(r, _)| match r {
            Raw::Extra { key, path } => Some((key.clone(), path.clone())),
            _ => None,
        })
        .collect();
    for (key, kpath) in extras {
        if let Some(f) = near_miss(fields, &kpath, &key) {
            merged.retain(
                |(r, _)| !matches!(r, Raw::Extra { key: k, path: p } if *k == key && *p == kpath),
            );
            out.push(Finding {
                line: f.line.map(|l| l as usize),
                message: format!(
                    "name `{}`{} is close to the example's `{key}` (slip?)",
                    f.name,
                    at(&kpath)
                ),
                severity: Severity::Warning,
            });
        }
    }
    let mut case_only: Vec<String> = Vec::new();
    for (r, srcs) in merged {
        let srcs = srcs.join("/");
        match r {
            Raw::Slip {
                line,
                name,
                key,
                path,
            } if name.to_lowercase() == key.to_lowercase() => {
                let _ = line;
                case_only.push(format!("`{}{name}`→`{key}`", prefix(&path)));
            }
            Raw::Slip {
                line,
                name,
                key,
                path,
            } => out.push(Finding {
                line,
                message: format!(
                    "name `{name}`{} differs from the {srcs} example's `{key}` (OCR slip?)",
                    at(&path)
                ),
                severity: Severity::Warning,
            }),
            Raw::Extra { key, path } => out.push(Finding {
                line: None,
                message: format!(
                    "the {srcs} example has `{key}`{} which the table does not list",
                    at(&path)
                ),
                severity: Severity::Note,
            }),
        }
    }
    if !case_only.is_empty() {
        out.push(Finding {
            line: None,
            message: format!(
                "{} response name(s) differ from the examples only by case: {}",
                case_only.len(),
                case_only.join(", ")
            ),
            severity: Severity::Warning,
        });
    }
}

/// The field at `path` (dotted) whose name is within two edits of `key`.
fn near_miss<'a>(fields: &'a [Field], path: &str, key: &str) -> Option<&'a Field> {
    let mut level = fields;
    if !path.is_empty() {
        for seg in path.split('.') {
            level = &level.iter().find(|f| f.name == seg)?.fields;
        }
    }
    level.iter().find(|f| {
        f.name != key
            && fold(&f.name) != fold(key)
            && edit_distance(&fold(&f.name), &fold(key)) <= 2
            && fold(key).chars().count() >= 8
    })
}

/// Levenshtein distance over chars.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[derive(Debug, Clone, PartialEq)]
enum Raw {
    Slip {
        line: Option<usize>,
        name: String,
        key: String,
        path: String,
    },
    Extra {
        key: String,
        path: String,
    },
}

fn prefix(path: &str) -> String {
    if path.is_empty() {
        String::new()
    } else {
        format!("{path}.")
    }
}

fn walk<'a>(
    fields: &[Field],
    objs: &[(&Value, &'a str)],
    path: &str,
    out: &mut Vec<(Raw, &'a str)>,
) {
    for (obj, src) in objs {
        let Some(m) = obj.as_object() else { continue };
        for f in fields {
            if m.contains_key(&f.name) {
                continue;
            }
            if let Some((k, _)) = lookup(obj, &f.name) {
                out.push((
                    Raw::Slip {
                        line: f.line.map(|l| l as usize),
                        name: f.name.clone(),
                        key: k.to_string(),
                        path: path.to_string(),
                    },
                    src,
                ));
            }
        }
        for k in m.keys() {
            if !fields.iter().any(|f| fold(&f.name) == fold(k)) {
                out.push((
                    Raw::Extra {
                        key: k.clone(),
                        path: path.to_string(),
                    },
                    src,
                ));
            }
        }
    }
    for f in fields.iter().filter(|f| !f.fields.is_empty()) {
        let mut inner: Vec<(&Value, &'a str)> = Vec::new();
        for (obj, src) in objs {
            let Some((_, v)) = lookup(obj, &f.name) else {
                continue;
            };
            let v = match (&f.list_wrapper, v) {
                (Some(w), Value::Object(_)) => lookup(v, w).map(|(_, x)| x).unwrap_or(v),
                _ => v,
            };
            match v {
                Value::Array(items) => {
                    inner.extend(items.iter().filter(|i| i.is_object()).map(|i| (i, *src)))
                }
                Value::Object(_) => inner.push((v, *src)),
                _ => {}
            }
        }
        let sub = if path.is_empty() {
            f.name.clone()
        } else {
            format!("{path}.{}", f.name)
        };
        walk(&f.fields, &inner, &sub, out);
    }
}

fn at(path: &str) -> String {
    if path.is_empty() {
        String::new()
    } else {
        format!(" (in `{path}`)")
    }
}

/// Shape problems of a JSON example against response fields. Tolerated, as the runtime
/// decodes loosely: numbers or `"true"`/`"false"` given as strings (and the reverse), a
/// single object where a list is expected, absent fields, `null`.
pub fn example_problems(fields: &[Field], value: &Value) -> Vec<String> {
    let mut out = Vec::new();
    check_object(fields, value, "", &mut out);
    out
}

fn check_object(fields: &[Field], value: &Value, path: &str, out: &mut Vec<String>) {
    let Some(m) = value.as_object() else {
        out.push(format!(
            "`{}`: expected an object, the example has {}",
            display(path),
            kind(value)
        ));
        return;
    };
    for (k, v) in m {
        let sub = if path.is_empty() {
            k.clone()
        } else {
            format!("{path}.{k}")
        };
        match fields.iter().find(|f| &f.name == k) {
            None => out.push(format!("`{sub}`: not in the table")),
            Some(f) => check_value(f, v, &sub, out),
        }
    }
}

fn check_value(f: &Field, v: &Value, path: &str, out: &mut Vec<String>) {
    if v.is_null() {
        return;
    }
    match &f.ty {
        TypeExpr::Array(inner) => {
            let v = match (&f.list_wrapper, v) {
                (Some(w), Value::Object(m)) if m.contains_key(w) => &m[w],
                (Some(w), Value::Object(_)) => {
                    out.push(format!("`{path}`: expected the list wrapper `{w}`"));
                    return;
                }
                _ => v,
            };
            let items: Vec<&Value> = match v {
                Value::Array(items) => items.iter().collect(),
                // A single element where a list is expected is tolerated.
                other => vec![other],
            };
            for (i, item) in items.iter().enumerate() {
                check_item(f, inner, item, &format!("{path}[{i}]"), out);
            }
        }
        TypeExpr::Map(_) => {
            if !v.is_object() && !v.is_string() {
                out.push(format!(
                    "`{path}`: expected a map, the example has {}",
                    kind(v)
                ));
            }
        }
        t => check_item(f, t, v, path, out),
    }
}

fn check_item(f: &Field, t: &TypeExpr, v: &Value, path: &str, out: &mut Vec<String>) {
    match t {
        TypeExpr::Object | TypeExpr::Named(_) => {
            if f.fields.is_empty() {
                if !v.is_object() {
                    out.push(format!(
                        "`{path}`: expected an object, the example has {}",
                        kind(v)
                    ));
                }
            } else {
                check_object(&f.fields, v, path, out);
            }
        }
        TypeExpr::Any => {}
        TypeExpr::Array(_) | TypeExpr::Map(_) => {
            // Nested lists are not used by these documents; accept what is there.
        }
        scalar => {
            if v.is_object() || v.is_array() {
                out.push(format!(
                    "`{path}`: expected {scalar}, the example has {}",
                    kind(v)
                ));
            }
        }
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

fn display(path: &str) -> &str {
    if path.is_empty() {
        "(body)"
    } else {
        path
    }
}

/// Request-sample parameters against the table: a sample name equal to a table name only
/// after folding is a slip; a sample name with no table match at all is reported too.
/// Names are compared by their base (`Tag.1.Key` → `Tag`).
pub fn request_names(
    params: &[Field],
    common: &[Field],
    sample: &[String],
    sample_line: usize,
    out: &mut Vec<Finding>,
) {
    for name in sample {
        let base = name.split('.').next().unwrap_or(name);
        if base == "Action" || params.iter().chain(common).any(|p| p.name == base) {
            continue;
        }
        match params.iter().find(|p| fold(&p.name) == fold(base)) {
            Some(p) => out.push(Finding {
                line: p.line.map(|l| l as usize),
                message: format!("parameter `{}` differs from `{base}` in the request example at line {sample_line} (OCR slip or case?)", p.name),
                severity: Severity::Warning,
            }),
            None => out.push(Finding {
                line: Some(sample_line),
                message: format!("the request example sends `{name}`, which the table does not list"),
                severity: Severity::Warning,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn field(name: &str, ty: &str, line: u32) -> Field {
        let mut f = Field::new(name, TypeExpr::parse(ty).unwrap());
        f.line = Some(line);
        f
    }

    #[test]
    fn ocr_slips_against_examples() {
        let mut list = field("InstanceList", "array<object>", 1);
        list.list_wrapper = Some("InstanceVO".into());
        list.fields = vec![field("Zoneld", "string", 2)];
        let ex = json!({"InstanceList": {"InstanceVO": [{"ZoneId": "z", "Vip": "v"}]}});
        let mut out = Vec::new();
        response_names(&[list], &[(ex, "JSON")], "", &mut out);
        assert_eq!(out.len(), 2);
        assert!(
            out[0].severity == Severity::Warning
                && out[0].line == Some(2)
                && out[0].message.contains("`ZoneId`")
        );
        // Case-only differences are summarised; JSON and XML findings merge.
        let ex2 = json!({"requestId": "r"});
        let mut out2 = Vec::new();
        response_names(
            &[field("RequestId", "string", 5)],
            &[(ex2.clone(), "JSON"), (ex2, "XML")],
            "",
            &mut out2,
        );
        assert_eq!(out2.len(), 1);
        assert!(out2[0].message.contains("only by case"));
        assert!(out[1].severity == Severity::Note && out[1].message.contains("`Vip`"));
    }

    #[test]
    fn near_misses_are_slips() {
        let mut data = field("Data", "object", 1);
        data.fields = vec![
            field("PubNetworkFloww", "string", 9),
            field("Cpu", "integer", 10),
        ];
        let ex = json!({"Data": {"PubNetworkFlow": "3", "Cpu": 1, "Vip": "x"}});
        let mut out = Vec::new();
        response_names(&[data], &[(ex, "JSON")], "", &mut out);
        assert_eq!(out.len(), 2, "{out:?}");
        assert!(out
            .iter()
            .any(|f| f.severity == Severity::Warning && f.line == Some(9)));
        assert!(out
            .iter()
            .any(|f| f.severity == Severity::Note && f.message.contains("`Vip`")));
    }

    #[test]
    fn request_slips() {
        let params = vec![
            field("Instanceid", "string", 7),
            field("Tag", "array<object>", 8),
        ];
        let mut out = Vec::new();
        request_names(
            &params,
            &[],
            &["InstanceId".into(), "Tag.1.Key".into(), "Foo".into()],
            20,
            &mut out,
        );
        assert_eq!(out.len(), 2);
        assert_eq!(out[0].line, Some(7));
        assert_eq!(out[1].line, Some(20));
    }

    #[test]
    fn example_shape_tolerances_and_problems() {
        let mut data = field("Data", "array<object>", 1);
        data.fields = vec![field("Id", "integer", 2)];
        let fields = vec![data, field("Code", "integer", 3)];
        // Single object for a list, number as string: tolerated.
        assert!(example_problems(&fields, &json!({"Data": {"Id": "1"}, "Code": "200"})).is_empty());
        let p = example_problems(
            &fields,
            &json!({"Data": [{"Id": 1, "X": 2}], "Code": {"a": 1}}),
        );
        assert_eq!(
            p,
            vec![
                "`Data[0].X`: not in the table",
                "`Code`: expected integer, the example has an object"
            ]
        );
    }
}
