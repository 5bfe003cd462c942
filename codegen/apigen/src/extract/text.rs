//! Cell text: HTML removal, and the hints descriptions carry (enum values, defaults,
//! ranges, lengths, patterns) in both languages.

use crate::spec::model::{Constraints, EnumValue};

/// What a description cell says beyond its prose.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DescriptionInfo {
    /// The description with HTML removed and whitespace folded.
    pub text: String,
    pub enum_values: Vec<EnumValue>,
    /// Default value as printed.
    pub default: Option<String>,
    pub constraints: Constraints,
}

/// Parse a description cell.
pub fn parse_description(raw: &str) -> DescriptionInfo {
    DescriptionInfo { text: strip_html(raw), ..Default::default() }
}

/// Remove HTML tags and fold whitespace.
pub fn strip_html(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut in_tag = false;
    for c in raw.chars() {
        match c {
            '<' if !in_tag => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}
