//! Type cells of Huawei parameter tables, read into a type expression plus the name of
//! the nested table it refers to (resolved later, per operation).
//!
//! Local shim until the shared `text::parse_type` lands on main; only the vocabulary of
//! the two Huawei documents (SURVEY §4.5, §6.4, §7) is handled here.

use once_cell::sync::Lazy;
use regex::Regex;
use crate::spec::model::TypeExpr;

/// A parsed type cell.
#[derive(Debug, Clone, PartialEq)]
pub struct CellType {
    /// The type; references are `Named(<raw name>)` placeholders until resolved.
    pub expr: TypeExpr,
    /// Name of the nested type the cell refers to (as printed, spaces kept).
    pub reference: Option<String>,
    /// A container with no element type (`Array`, `Object`, `Array<Object>`): V1 tables
    /// link these to a nested table by field name or position.
    pub untyped_container: bool,
}

impl CellType {
    fn plain(expr: TypeExpr) -> CellType {
        CellType { expr, reference: None, untyped_container: false }
    }
}

/// Read a type cell such as `Array of GetKieConfigs objects`, `EngineRbacP wd object`,
/// `Map<String,Endpoint>`, `List< SingleKieInfo >`, `Array`, `Integer`.
pub fn parse_cell_type(raw: &str) -> CellType {
    // `<header> object` names a map-key placeholder; `Map<String,X>` is no HTML either.
    let text = raw.replace("<header>", "header").replace("<tag>", "tag");
    let t = strip_known_tags(&text);
    let lower = t.to_ascii_lowercase();
    if let Some(s) = scalar(&lower) {
        return CellType::plain(s);
    }
    match lower.as_str() {
        "" => return CellType::plain(TypeExpr::Any),
        "object" | "map" | "map object" | "json" => {
            return CellType { expr: TypeExpr::Object, reference: None, untyped_container: true }
        }
        "array" | "array<object>" | "list" | "array of objects" => {
            return CellType { expr: TypeExpr::array(TypeExpr::Object), reference: None, untyped_container: true }
        }
        _ => {}
    }
    // `Array of X objects` / `Array of X object` / `Array of X`.
    if let Some(rest) = strip_prefix_ci(&t, "array of ") {
        let inner = rest.trim();
        let inner = strip_suffix_ci(inner, " objects").or_else(|| strip_suffix_ci(inner, " object")).unwrap_or(inner);
        return wrap(element(inner), TypeExpr::array);
    }
    // `List<X>` / `Array<X>`.
    for p in ["list<", "array<"] {
        if let Some(rest) = strip_prefix_ci(&t, p) {
            let inner = rest.trim_end().trim_end_matches('>').trim();
            return wrap(element(inner), TypeExpr::array);
        }
    }
    // `Map<String,X>`.
    if let Some(rest) = strip_prefix_ci(&t, "map<") {
        let inner = rest.trim_end().trim_end_matches('>');
        let value = inner.split_once(',').map(|(_, v)| v).unwrap_or(inner).trim();
        return wrap(element(value), TypeExpr::map);
    }
    // `X object`, split forms `EngineRbacP wd object`.
    let name = strip_suffix_ci(&t, " object").unwrap_or(&t).trim();
    element(name)
}

fn wrap(inner: CellType, f: fn(TypeExpr) -> TypeExpr) -> CellType {
    CellType { expr: f(inner.expr), reference: inner.reference, untyped_container: false }
}

/// An element: a scalar spelling, or a reference to a nested type.
fn element(name: &str) -> CellType {
    let lower = name.to_ascii_lowercase();
    let singular = lower.strip_suffix('s').unwrap_or(&lower);
    if let Some(s) = scalar(&lower).or_else(|| scalar(singular)) {
        return CellType::plain(s);
    }
    if lower == "object" || lower == "objects" {
        return CellType::plain(TypeExpr::Object);
    }
    let placeholder: String = name.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
    let placeholder = if placeholder.is_empty() || placeholder.starts_with(|c: char| c.is_ascii_digit()) {
        format!("T{placeholder}")
    } else {
        placeholder
    };
    CellType { expr: TypeExpr::Named(placeholder), reference: Some(name.to_string()), untyped_container: false }
}

fn scalar(lower: &str) -> Option<TypeExpr> {
    Some(match lower {
        "string" | "str" => TypeExpr::String,
        "integer" | "int" | "int32" => TypeExpr::Integer,
        "long" | "int64" => TypeExpr::Long,
        "number" | "float" | "double" | "bigdecimal" => TypeExpr::Number,
        "boolean" | "bool" => TypeExpr::Boolean,
        "file" => TypeExpr::File,
        _ => return None,
    })
}

fn strip_prefix_ci<'a>(s: &'a str, p: &str) -> Option<&'a str> {
    let head = s.get(..p.len())?;
    head.eq_ignore_ascii_case(p).then(|| &s[p.len()..])
}

fn strip_suffix_ci<'a>(s: &'a str, p: &str) -> Option<&'a str> {
    let cut = s.len().checked_sub(p.len())?;
    let tail = s.get(cut..)?;
    tail.eq_ignore_ascii_case(p).then(|| &s[..cut])
}

/// `是`/`Yes` → true, `否`/`No` → false; a condition may follow (`否 使用AK/SK认证时…`).
pub fn parse_required(cell: &str) -> Option<bool> {
    let t = strip_known_tags(cell);
    let first = t.split(|c: char| c.is_whitespace() || c == '.' || c == '。' || c == ',').next().unwrap_or("");
    match first.to_ascii_lowercase().as_str() {
        "是" | "yes" | "true" | "必选" => Some(true),
        "否" | "no" | "false" | "可选" => Some(false),
        _ => None,
    }
}

/// A parameter name as printed, with HTML removed and PDF-wrap spaces taken out of
/// identifiers (`externalEntry point` → `externalEntrypoint`).
pub fn clean_name(cell: &str) -> String {
    // `<header>`, `<tag>`: map-key placeholders, not HTML.
    let raw = cell.trim();
    if is_placeholder(raw) {
        return raw.to_string();
    }
    let t = strip_known_tags(cell).replace('\\', "");
    if t.chars().all(|c| c.is_ascii()) {
        t.split_whitespace().collect()
    } else {
        t
    }
}

/// Remove HTML tags of the kinds the documents use (`<i>`, `<ul …>`, `<br>`…) and fold
/// whitespace, leaving generic brackets (`Map<String,X>`, `List< SingleKieInfo >`) alone.
pub fn strip_known_tags(raw: &str) -> String {
    static TAG: Lazy<Regex> = Lazy::new(|| {
        Regex::new(r"(?i)</?\s*(i|b|p|br|ul|ol|li|code|span|div|strong|em|a|sup|sub|pre|font)(\s[^>]*)?/?>").expect("regex")
    });
    TAG.replace_all(raw, " ").split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A map-key placeholder name such as `<header>` (a table of one such row is a map).
pub fn is_placeholder(name: &str) -> bool {
    name.len() > 2
        && name.starts_with('<')
        && name.ends_with('>')
        && name[1..name.len() - 1].chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !matches!(&name[1..name.len() - 1], "i" | "b" | "p" | "br" | "ul" | "li" | "code")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vocabulary() {
        let t = parse_cell_type("Array of GetKieConfigs objects");
        assert_eq!(t.expr.to_string(), "array<GetKieConfigs>");
        assert_eq!(t.reference.as_deref(), Some("GetKieConfigs"));
        assert_eq!(parse_cell_type("Array of strings").expr.to_string(), "array<string>");
        assert_eq!(parse_cell_type("Map<String,String>").expr.to_string(), "map<string>");
        assert_eq!(parse_cell_type("Map<String,Endpoint>").reference.as_deref(), Some("Endpoint"));
        assert_eq!(parse_cell_type("EngineRbacP wd object").reference.as_deref(), Some("EngineRbacP wd"));
        assert_eq!(parse_cell_type("EngineRbacP wd object").expr.to_string(), "EngineRbacPwd");
        assert_eq!(parse_cell_type("List< SingleKieInfo >").expr.to_string(), "array<SingleKieInfo>");
        assert!(parse_cell_type("Array").untyped_container);
        assert!(parse_cell_type("Array<Object>").untyped_container);
        assert_eq!(parse_cell_type("Array of Table 6-5").reference.as_deref(), Some("Table 6-5"));
        assert_eq!(parse_cell_type("<header> object").reference.as_deref(), Some("header"));
        assert_eq!(parse_cell_type("double").expr, TypeExpr::Number);
    }

    #[test]
    fn required_and_names() {
        assert_eq!(parse_required("否 使用AK/SK认证时该字段必选。"), Some(false));
        assert_eq!(parse_required("Yes"), Some(true));
        assert_eq!(parse_required("-"), None);
        assert_eq!(clean_name("externalEntry point"), "externalEntrypoint");
        assert_eq!(clean_name("<i>[Array]</i>"), "[Array]");
        assert_eq!(clean_name("\\$timestamp"), "$timestamp");
        assert_eq!(clean_name("<header>"), "<header>");
    }
}
