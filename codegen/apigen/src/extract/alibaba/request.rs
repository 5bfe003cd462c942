//! Request-parameter tables: the `Action` row, repeat lists (`InstanceId.N`,
//! `Tag.N.Key`/`Tag.N.Value`) and `Json`-typed parameters.

use super::super::examples::parse_json_lenient;
use super::super::tables::{Row, Table};
use super::super::text::{
    clean_name, parse_description, parse_required, parse_type, strip_html, DocType, Item,
};
use crate::severity::Severity;
use crate::spec::model::{Encoding, Field, Location, TypeExpr};
use serde_json::Value;

/// The columns of an Alibaba parameter table.
#[derive(Debug, Clone, Copy)]
pub struct Columns {
    pub name: Option<usize>,
    pub ty: Option<usize>,
    pub required: Option<usize>,
    pub example: Option<usize>,
    pub description: Option<usize>,
}

impl Columns {
    pub fn of(t: &Table) -> Columns {
        Columns {
            name: t.column(&["名称", "Parameter", "参数"]).or(Some(0)),
            ty: t.column(&["类型", "Type"]),
            required: t.column(&["是否必选", "是否必须", "Required"]),
            example: t.column(&["示例值", "Example"]),
            description: t.column(&["描述", "Description", "说明"]),
        }
    }
}

/// A doubt met while reading a request table.
#[derive(Debug, Clone, PartialEq)]
pub struct Doubt {
    pub line: usize,
    pub message: String,
    pub severity: Severity,
}

/// The outcome of reading an operation's request rows.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Request {
    pub parameters: Vec<Field>,
    /// The `Action` row's example value and line, when there is an `Action` row.
    pub action: Option<(String, usize)>,
    pub doubts: Vec<Doubt>,
}

/// Convert a value as printed into a JSON value of the field's type (for defaults).
pub fn typed_value(ty: &TypeExpr, s: &str) -> Value {
    let s = s.trim();
    match ty {
        TypeExpr::Integer | TypeExpr::Long => s
            .parse::<i64>()
            .map(Value::from)
            .unwrap_or_else(|_| Value::String(s.into())),
        TypeExpr::Number => s
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map(Value::Number)
            .unwrap_or_else(|| Value::String(s.into())),
        TypeExpr::Boolean => match s.to_ascii_lowercase().as_str() {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            _ => Value::String(s.into()),
        },
        _ => Value::String(s.into()),
    }
}

/// A field from one row: name as printed (spaces removed), description hints, example,
/// doc type, line. The type is the scalar type when there is one, else `string`.
pub fn base_field(row: &Row, cols: &Columns) -> (Field, DocType) {
    let name = clean_name(row.cell(cols.name));
    let doc_type_text = strip_html(row.cell(cols.ty));
    let doc_type = parse_type(&doc_type_text);
    let ty = match &doc_type {
        DocType::Scalar(t) => t.clone(),
        _ => TypeExpr::String,
    };
    let info = parse_description(row.cell(cols.description));
    let mut f = Field::new(name, ty);
    let example = strip_html(row.cell(cols.example));
    f.example = (!example.is_empty()).then_some(example);
    f.default = info.default.as_deref().map(|d| typed_value(&f.ty, d));
    f.description = info.text;
    f.enum_values = info.enum_values;
    f.constraints = info.constraints;
    // `范围限制：1~9` on a number (MSE `InstanceCount`) is its range, not an item count.
    if matches!(f.ty, TypeExpr::Integer | TypeExpr::Long | TypeExpr::Number)
        && matches!(doc_type, DocType::Scalar(_))
    {
        let c = &mut f.constraints;
        if let (Some(lo), Some(hi)) = (c.min_items.take(), c.max_items.take()) {
            c.minimum = c.minimum.or(Some(lo as f64));
            c.maximum = c.maximum.or(Some(hi as f64));
        }
    }
    f.deprecated = info.deprecated;
    f.doc_type = doc_type_text;
    f.line = Some(row.line as u32);
    (f, doc_type)
}

/// Element type of a `Json` parameter, from its example (`["SMS","DING_ROBOT"]` →
/// `array<string>`); `string` when the example says nothing.
fn json_type(example: Option<&str>) -> TypeExpr {
    let Some(Ok(v)) = example.map(parse_json_lenient) else {
        return TypeExpr::String;
    };
    fn of(v: &Value) -> TypeExpr {
        match v {
            Value::Bool(_) => TypeExpr::Boolean,
            Value::Number(n) if n.is_i64() || n.is_u64() => TypeExpr::Integer,
            Value::Number(_) => TypeExpr::Number,
            Value::String(_) | Value::Null => TypeExpr::String,
            Value::Object(_) => TypeExpr::Object,
            Value::Array(items) => {
                let inner: Vec<TypeExpr> = items.iter().map(of).collect();
                match inner.first() {
                    Some(first) if inner.iter().all(|t| t == first) => {
                        TypeExpr::array(first.clone())
                    }
                    Some(_) => TypeExpr::array(TypeExpr::Any),
                    None => TypeExpr::array(TypeExpr::String),
                }
            }
        }
    }
    of(&v)
}

/// Read an operation's request rows.
pub fn read(rows: &[&Row], cols: &Columns) -> Request {
    let mut out = Request::default();
    for row in rows {
        let (mut f, doc_type) = base_field(row, cols);
        let line = row.line;
        let required = parse_required(row.cell(cols.required));
        if required.is_none() {
            out.doubts.push(Doubt {
                line,
                message: format!(
                    "required cell `{}` of `{}` is not 是/否/Yes/No",
                    row.cell(cols.required),
                    f.name
                ),
                severity: Severity::Warning,
            });
        }
        f.required = required.unwrap_or(false);
        f.location = Some(Location::Query);
        if f.name.is_empty() {
            out.doubts.push(Doubt {
                line,
                message: "request row without a name; dropped".into(),
                severity: Severity::Warning,
            });
            continue;
        }
        if f.name == "Action" {
            // The Action row is the operation id, not a parameter.
            if let Some((_, first)) = &out.action {
                out.doubts.push(Doubt {
                    line,
                    message: format!("second `Action` row (first at line {first})"),
                    severity: Severity::Warning,
                });
            }
            out.action = Some((f.example.clone().unwrap_or_default(), line));
            continue;
        }
        match &doc_type {
            DocType::Json => {
                f.encoding = Some(Encoding::Json);
                f.ty = json_type(f.example.as_deref());
            }
            DocType::Scalar(_) => {}
            DocType::RepeatList => {}
            other => out.doubts.push(Doubt {
                line,
                message: format!(
                    "request parameter `{}` has type `{}` ({other:?})",
                    f.name, f.doc_type
                ),
                severity: Severity::Warning,
            }),
        }
        let parts: Vec<&str> = f.name.split('.').collect();
        match parts.as_slice() {
            // `InstanceId.N`: a list of scalars.
            [base, "N"] => {
                let elem = match &doc_type {
                    DocType::Scalar(t) => t.clone(),
                    DocType::Array {
                        item: Item::Scalar(t),
                    } => t.clone(),
                    _ => TypeExpr::String,
                };
                f.name = base.to_string();
                f.ty = TypeExpr::array(elem);
                f.encoding = Some(Encoding::RepeatList);
                out.parameters.push(f);
            }
            // `Tag.N.Key`: a member of a list of objects; members gather under `Tag`.
            [base, "N", member] => {
                let base = base.to_string();
                let mut member_field = f.clone();
                member_field.name = member.to_string();
                member_field.location = None;
                // `Valid values of N: 1 to 20` on `Tag.N.Key` counts the list's items.
                let items = (
                    member_field.constraints.min_items.take(),
                    member_field.constraints.max_items.take(),
                );
                let list = match out.parameters.iter().position(|p| {
                    p.name == base
                        && p.encoding == Some(Encoding::RepeatList)
                        && p.ty == TypeExpr::array(TypeExpr::Object)
                }) {
                    Some(i) => {
                        let list = &mut out.parameters[i];
                        list.required |= member_field.required;
                        list.fields.push(member_field);
                        list
                    }
                    None => {
                        let mut list = Field::new(base, TypeExpr::array(TypeExpr::Object));
                        list.location = Some(Location::Query);
                        list.encoding = Some(Encoding::RepeatList);
                        list.required = member_field.required;
                        list.doc_type = format!("{}.N.*", list.name);
                        list.line = Some(line as u32);
                        list.fields.push(member_field);
                        out.parameters.push(list);
                        out.parameters.last_mut().expect("just pushed")
                    }
                };
                let c = &mut list.constraints;
                c.min_items = c.min_items.or(items.0);
                c.max_items = c.max_items.or(items.1);
            }
            _ => {
                if parts.len() > 1 {
                    out.doubts.push(Doubt {
                        line,
                        message: format!(
                            "dotted parameter name `{}` is not a repeat list (`X.N`, `X.N.Y`)",
                            f.name
                        ),
                        severity: Severity::Warning,
                    });
                }
                if doc_type == DocType::RepeatList {
                    f.ty = TypeExpr::array(TypeExpr::String);
                    f.encoding = Some(Encoding::RepeatList);
                    out.doubts.push(Doubt {
                        line,
                        message: format!("`{}` is typed RepeatList but has no `.N` suffix", f.name),
                        severity: Severity::Warning,
                    });
                }
                out.parameters.push(f);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::tables::Document;

    fn params(table: &str) -> Request {
        let doc = Document::new(table);
        let t = &doc.tables()[0];
        let rows: Vec<&Row> = t.rows.iter().collect();
        read(&rows, &Columns::of(t))
    }

    #[test]
    fn repeat_lists() {
        let r = params(
            "Parameter\tType\tRequired\tExample\tDescription\n\
             Action\tString\tYes\tGetInstanceList\tx\n\
             InstanceId.N\tRepeatList\tNo\ta\tThe ID.\n\
             Tag.N.Key\tString\tNo\tk\tThe key.\n\
             Tag.N.Value\tString\tYes.\tv\tThe value.\n\
             Port.N\tInteger\tNo\t1\tPorts.\n",
        );
        let p = &r.parameters;
        assert_eq!(p.len(), 3);
        assert_eq!(
            (p[0].name.as_str(), p[0].ty.to_string(), p[0].encoding),
            (
                "InstanceId",
                "array<string>".into(),
                Some(Encoding::RepeatList)
            )
        );
        assert_eq!(
            (p[1].name.as_str(), p[1].ty.to_string()),
            ("Tag", "array<object>".into())
        );
        assert_eq!(
            p[1].fields
                .iter()
                .map(|f| f.name.as_str())
                .collect::<Vec<_>>(),
            vec!["Key", "Value"]
        );
        assert!(p[1].required);
        assert_eq!(p[2].ty.to_string(), "array<integer>");
        assert!(r.doubts.is_empty());
    }

    #[test]
    fn item_counts_land_on_the_list_and_number_ranges_on_the_number() {
        // alikafka TagResources (L2668 ff.), MSE CreateCluster `InstanceCount` (L3151).
        let r = params(
            "Parameter\tType\tRequired\tExample\tDescription\n\
             Tag.N.Key\tString\tYes\tk\tThe key of tag N. Valid values of N: 1 to 20\n\
             Tag.N.Value\tString\tNo\tv\tThe value of tag N. Valid values of N: 1 to 20\n\
             InstanceCount\tInteger\tYes\t3\t实例数。范围限制：1~9\n",
        );
        let tag = &r.parameters[0];
        assert_eq!(
            (tag.constraints.min_items, tag.constraints.max_items),
            (Some(1), Some(20))
        );
        assert!(tag.fields.iter().all(|m| m.constraints.is_empty()));
        let count = &r.parameters[1].constraints;
        assert_eq!((count.minimum, count.maximum), (Some(1.0), Some(9.0)));
        assert_eq!((count.min_items, count.max_items), (None, None));
    }

    #[test]
    fn action_row_is_not_a_parameter() {
        let r = params("名称\t类型\t是否必选\t示例值\t描述\nAction\tString\t是\tCreateZnode\t系统规定参数。\nPath\tString\t否\t/zk\t路径。\n");
        assert_eq!(r.action, Some(("CreateZnode".to_string(), 2)));
        assert_eq!(r.parameters.len(), 1);
        assert_eq!(r.parameters[0].location, Some(Location::Query));
        let none = params("名称\t类型\t是否必选\t示例值\t描述\nClusterId\tString\t是\tc\t集群。\n");
        assert_eq!(none.action, None);
    }

    #[test]
    fn json_parameter_type_from_example() {
        let r = params("名称\t类型\t是否必选\t示例值\t描述\nAlertWay\tJson\t是\t[\"SMS\",\"DING_ROBOT\"]\t方式。\n");
        assert_eq!(r.parameters[0].ty.to_string(), "array<string>");
        assert_eq!(r.parameters[0].encoding, Some(Encoding::Json));
    }

    #[test]
    fn split_names_are_joined() {
        let r = params("名称\t类型\t是否必选\t示例值\t描述\nUserRoles.N. RoleName\tString\t是\tOwner\t角色。\nProtocolList .N\tRepeatList\t否\tTCP\t协议。\n");
        assert_eq!(r.parameters[0].name, "UserRoles");
        assert_eq!(r.parameters[0].fields[0].name, "RoleName");
        assert_eq!(r.parameters[1].name, "ProtocolList");
    }
}
