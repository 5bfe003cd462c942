//! The Alibaba `Format=XML` rendering of a JSON answer: one element per object member, a list
//! member repeated once per item under its own name (`"Region": [a, b]` gives
//! `<Region>a</Region><Region>b</Region>`), `null` as an empty element.

use serde_json::Value;

const DECLARATION: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>";

/// Renders `v` under a `<root>` element, with the XML declaration.
pub fn to_xml(root: &str, v: &Value) -> String {
    let mut out = String::from(DECLARATION);
    element(&mut out, root, v);
    out
}

/// Where the members of an object rendered by [`to_xml`] under `root` begin: the length of
/// the declaration and the root's opening tag.
pub fn members_offset(root: &str) -> usize {
    DECLARATION.len() + element_name(root).len() + 2
}

/// `<name>text</name>` with `text` escaped (one member, as [`to_xml`] renders a string).
pub fn text_element(name: &str, text: &str) -> String {
    let mut out = String::new();
    element(&mut out, name, &Value::String(text.to_owned()));
    out
}

fn element(out: &mut String, name: &str, v: &Value) {
    let name = element_name(name);
    if let Value::Array(items) = v {
        for item in items {
            element(out, &name, item);
        }
        return;
    }
    out.push('<');
    out.push_str(&name);
    out.push('>');
    match v {
        Value::Null | Value::Array(_) => {}
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&n.to_string()),
        Value::String(s) => escape_into(out, s),
        Value::Object(fields) => {
            for (k, item) in fields {
                element(out, k, item);
            }
        }
    }
    out.push_str("</");
    out.push_str(&name);
    out.push('>');
}

/// A valid XML name: characters outside `[A-Za-z0-9_.-]` (and a leading digit, dot or dash)
/// become `_`, so arbitrary map keys cannot break the document.
fn element_name(name: &str) -> String {
    let mut s: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '_' | '-' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if s.is_empty() || s.starts_with(|c: char| c.is_ascii_digit() || c == '-' || c == '.') {
        s.insert(0, '_');
    }
    s
}

fn escape_into(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Control characters other than tab and newlines are not allowed in XML 1.0.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_repeat_and_text_is_escaped() {
        let v = serde_json::json!({
            "RequestId": "R",
            "Regions": {"Region": [{"RegionId": "cn"}, {"RegionId": "a<b&\"c\""}]},
            "Total": 2, "Ok": true, "None": null, "1bad key": "x"
        });
        assert_eq!(
            to_xml("DescribeRegionsResponse", &v),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><DescribeRegionsResponse><RequestId>R</RequestId>\
             <Regions><Region><RegionId>cn</RegionId></Region><Region><RegionId>a&lt;b&amp;&quot;c&quot;</RegionId></Region></Regions>\
             <Total>2</Total><Ok>true</Ok><None></None><_1bad_key>x</_1bad_key></DescribeRegionsResponse>"
        );
        let text = to_xml("A b", &v);
        assert!(text[..members_offset("A b")].ends_with("<A_b>"));
        assert!(text[members_offset("A b")..].starts_with("<RequestId>R</RequestId>"));
        assert_eq!(text_element("R", "a<b"), "<R>a&lt;b</R>");
    }
}
