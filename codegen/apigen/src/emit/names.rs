//! Rust names for spec names: types in PascalCase, fields and methods in snake_case,
//! keywords escaped, collisions resolved deterministically.

use heck::{ToPascalCase, ToSnakeCase};
use std::collections::BTreeSet;

/// Words Rust reserves; a field named `type` becomes `r#type`.
const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern", "false", "fn",
    "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "static",
    "struct", "super", "trait", "true", "type", "unsafe", "use", "where", "while", "abstract", "become", "box", "do",
    "final", "macro", "override", "priv", "typeof", "unsized", "virtual", "yield", "try", "gen",
];

/// Keywords that cannot be raw identifiers.
const NOT_RAW: &[&str] = &["self", "Self", "super", "crate", "_"];

/// Turn any wire name into something heck can case: drop characters that are not
/// alphanumeric (`[Array]`, `<header>`, `Tag.N.Key`), keep word boundaries.
fn words(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with(' ') {
            out.push(' ');
        }
    }
    out.trim().to_string()
}

/// `instance_id`, `r#type`; a name starting with a digit gets a `_` prefix.
pub fn field(name: &str) -> String {
    let mut s = words(name).to_snake_case();
    if s.is_empty() {
        s = "value".into();
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert(0, '_');
    }
    if NOT_RAW.contains(&s.as_str()) {
        s.push('_');
    } else if KEYWORDS.contains(&s.as_str()) {
        s.insert_str(0, "r#");
    }
    s
}

/// `InstanceVo`, `GetKieConfigs`; a name starting with a digit gets a `V` prefix.
pub fn type_name(name: &str) -> String {
    let mut s = words(name).to_pascal_case();
    if s.is_empty() {
        s = "Value".into();
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert(0, 'V');
    }
    if s == "Self" {
        s.push('_');
    }
    s
}

/// An enum variant for an enum value (`PLAIN` → `Plain`, `1` → `V1`, `cn-hangzhou` → `CnHangzhou`).
pub fn variant(value: &str) -> String {
    let s = type_name(value);
    if s == "Unknown" {
        "Unknown_".into()
    } else {
        s
    }
}

/// Hands out names unique within one scope, adding `2`, `3`, ... on collision.
#[derive(Debug, Default)]
pub struct Scope {
    taken: BTreeSet<String>,
}

impl Scope {
    pub fn unique(&mut self, wanted: String) -> String {
        if self.taken.insert(wanted.clone()) {
            return wanted;
        }
        let base = wanted.trim_start_matches("r#").to_string();
        (2..).map(|i| format!("{base}{i}")).find(|c| self.taken.insert(c.clone())).expect("some suffix is free")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cases_and_keywords() {
        assert_eq!(field("InstanceId"), "instance_id");
        assert_eq!(field("type"), "r#type");
        assert_eq!(field("self"), "self_");
        assert_eq!(field("[Array]"), "array");
        assert_eq!(field("X-Auth-Token"), "x_auth_token");
        assert_eq!(field("2fa"), "_2fa");
        assert_eq!(type_name("InstanceVO"), "InstanceVo");
        assert_eq!(type_name("get kie configs"), "GetKieConfigs");
        assert_eq!(variant("1"), "V1");
        assert_eq!(variant("cn-hangzhou"), "CnHangzhou");
        assert_eq!(variant("SCRAM-SHA-512"), "ScramSha512");
    }

    #[test]
    fn scope_resolves_collisions() {
        let mut s = Scope::default();
        assert_eq!(s.unique("data".into()), "data");
        assert_eq!(s.unique("data".into()), "data2");
        assert_eq!(s.unique("data".into()), "data3");
    }
}
