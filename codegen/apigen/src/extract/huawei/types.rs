//! Type cells of Huawei parameter tables, read into a type expression plus the name of
//! the nested table it refers to (resolved later, per operation).

use crate::extract::text::{self, parse_type, DocType, Item};
use crate::spec::model::TypeExpr;

/// A parsed type cell.
#[derive(Debug, Clone, PartialEq)]
pub struct CellType {
    /// The type; references are `Named(<identifier from the name>)` placeholders until resolved.
    pub expr: TypeExpr,
    /// Name of the nested type the cell refers to (as printed).
    pub reference: Option<String>,
    /// A container with no element type (`Array`, `Object`, `Array<Object>`): V1 tables
    /// link these to a nested table by field name, table number or position.
    pub untyped_container: bool,
}

impl CellType {
    fn plain(expr: TypeExpr) -> CellType {
        CellType {
            expr,
            reference: None,
            untyped_container: false,
        }
    }
}

/// Read a type cell such as `Array of GetKieConfigs objects`, `EngineRbacP wd object`,
/// `Map<String,Endpoint>`, `List< SingleKieInfo >`, `Array`, `Integer` (vocabulary from
/// the shared `text::parse_type`).
pub fn parse_cell_type(raw: &str) -> CellType {
    let untyped = |expr| CellType {
        expr,
        reference: None,
        untyped_container: true,
    };
    match parse_type(raw) {
        DocType::Scalar(t) => CellType::plain(t),
        DocType::Json => CellType::plain(TypeExpr::String),
        DocType::RepeatList => CellType::plain(TypeExpr::array(TypeExpr::String)),
        DocType::File => CellType::plain(TypeExpr::File),
        DocType::Empty => CellType::plain(TypeExpr::Any),
        DocType::Object { name: None } => untyped(TypeExpr::Object),
        DocType::Object { name: Some(n) } => named(&n, |t| t),
        DocType::Array { item } => match item {
            Item::Unknown | Item::Object => untyped(TypeExpr::array(TypeExpr::Object)),
            Item::Scalar(t) => CellType::plain(TypeExpr::array(t)),
            Item::Named(n) => named(&n, TypeExpr::array),
        },
        DocType::Map { value } => match value {
            Item::Unknown => untyped(TypeExpr::Object),
            Item::Object => CellType::plain(TypeExpr::map(TypeExpr::Object)),
            Item::Scalar(t) => CellType::plain(TypeExpr::map(t)),
            Item::Named(n) => named(&n, TypeExpr::map),
        },
    }
}

/// A reference to a nested type; the placeholder is an identifier made from its name.
fn named(name: &str, wrap: fn(TypeExpr) -> TypeExpr) -> CellType {
    let mut placeholder: String = name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    if placeholder.is_empty() || placeholder.starts_with(|c: char| c.is_ascii_digit()) {
        placeholder.insert(0, 'T');
    }
    CellType {
        expr: wrap(TypeExpr::Named(placeholder)),
        reference: Some(name.to_string()),
        untyped_container: false,
    }
}

/// A parameter name as printed, with HTML removed, PDF-wrap spaces taken out of
/// identifiers (`externalEntry point` → `externalEntrypoint`) and the PDF's escaping
/// backslash dropped (`\$timestamp` → `$timestamp`).
pub fn clean_name(cell: &str) -> String {
    text::clean_name(cell).replace('\\', "")
}

/// A map-key placeholder name such as `<header>` (a table of one such row is a map).
pub fn is_placeholder(name: &str) -> bool {
    name.len() > 2
        && name.starts_with('<')
        && name.ends_with('>')
        && name[1..name.len() - 1]
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vocabulary() {
        let t = parse_cell_type("Array of GetKieConfigs objects");
        assert_eq!(t.expr.to_string(), "array<GetKieConfigs>");
        assert_eq!(t.reference.as_deref(), Some("GetKieConfigs"));
        assert_eq!(
            parse_cell_type("Array of strings").expr.to_string(),
            "array<string>"
        );
        assert_eq!(
            parse_cell_type("Map<String,String>").expr.to_string(),
            "map<string>"
        );
        assert_eq!(
            parse_cell_type("Map<String,Endpoint>").reference.as_deref(),
            Some("Endpoint")
        );
        assert_eq!(
            parse_cell_type("EngineRbacP wd object").expr.to_string(),
            "EngineRbacPwd"
        );
        assert_eq!(
            parse_cell_type("List< SingleKieInfo >").expr.to_string(),
            "array<SingleKieInfo>"
        );
        assert!(parse_cell_type("Array").untyped_container);
        assert!(parse_cell_type("Array<Object>").untyped_container);
        assert_eq!(
            parse_cell_type("Array of Table 6-5").reference.as_deref(),
            Some("Table 6-5")
        );
        assert_eq!(
            parse_cell_type("<header> object").reference.as_deref(),
            Some("<header>")
        );
        assert_eq!(parse_cell_type("double").expr, TypeExpr::Number);
    }

    #[test]
    fn names() {
        assert_eq!(clean_name("externalEntry point"), "externalEntrypoint");
        assert_eq!(clean_name("<i>[Array]</i>"), "[Array]");
        assert_eq!(clean_name("\\$timestamp"), "$timestamp");
        assert_eq!(clean_name("<header>"), "<header>");
    }
}
