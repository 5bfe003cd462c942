//! The examples of an operation section: the `http(s)://[Endpoint]/?Action=X&...` request
//! sample, and the XML/JSON success responses (read leniently; XML is turned into a JSON-like
//! tree only to learn which keys sit at which level).

use super::super::examples::{parse_json_lenient, Block};
use super::super::tables::Document;
use crate::spec::model::{Example, ExampleFormat, Method};
use indexmap::IndexMap;
use serde_json::{Map, Value};

/// What a fenced block holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockKind {
    Request,
    Json,
    Xml,
    Other,
}

/// Classify a (joined) fenced block by its first characters.
pub fn kind_of(text: &str) -> BlockKind {
    let t = text.trim_start();
    if t.starts_with("http") && t.contains('?') {
        BlockKind::Request
    } else if t.starts_with('{') || t.starts_with('[') {
        BlockKind::Json
    } else if t.starts_with('<') {
        BlockKind::Xml
    } else {
        BlockKind::Other
    }
}

/// The short label printed above a block (`XML 格式`, `JSON format`), markup removed.
pub fn label_before(doc: &Document, line: usize) -> String {
    let mut n = line.saturating_sub(1);
    while n >= 1 && doc.line(n).trim().is_empty() {
        n -= 1;
    }
    let t = doc
        .line(n)
        .trim()
        .trim_start_matches('#')
        .trim()
        .trim_matches('*')
        .trim();
    let lower = t.to_ascii_lowercase();
    if t.chars().count() <= 20
        && (lower.contains("xml")
            || lower.contains("json")
            || t.contains("示例")
            || lower.contains("sample"))
    {
        t.to_string()
    } else {
        String::new()
    }
}

/// A parsed request sample.
#[derive(Debug, Clone, PartialEq)]
pub struct RequestSample {
    pub example: Example,
    /// The `Action` value the sample sends, when it has one.
    pub action: Option<String>,
    /// Problems met while reading (malformed separators), for diagnostics.
    pub problems: Vec<String>,
}

/// Parse `http(s)://[Endpoint]/?Action=X\n&A=1\n&<公共请求参数>`. Spaces after `?` and the
/// `Action/X` slip are tolerated (and reported); placeholders and `...` are skipped.
pub fn parse_request(block: &Block, method: Method) -> RequestSample {
    let mut problems = Vec::new();
    let text: String = block
        .text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n");
    let (head, query) = match text.split_once('?') {
        Some((h, q)) => (h.trim(), q),
        None => (text.as_str(), ""),
    };
    let target = match head.find("://") {
        Some(i) => {
            let after = &head[i + 3..];
            after
                .find('/')
                .map(|j| after[j..].to_string())
                .unwrap_or_else(|| "/".to_string())
        }
        None => "/".to_string(),
    };
    let mut params = IndexMap::new();
    let mut action = None;
    // Pairs are separated by `&` (one per printed line, usually).
    for piece in query.split(['&', '\n']) {
        let p = piece.trim();
        if p.is_empty() || p == "..." || p.starts_with('<') || p.starts_with('…') {
            continue;
        }
        let (k, v) = match p.split_once('=') {
            Some((k, v)) => (k.trim().to_string(), v.trim().to_string()),
            None => match p.split_once('/') {
                // `?Action/CreateApp`
                Some((k, v)) if k.trim() == "Action" => {
                    problems.push(format!("`{p}` uses `/` instead of `=`"));
                    (k.trim().to_string(), v.trim().to_string())
                }
                _ => {
                    problems.push(format!("`{p}` is not a name=value pair"));
                    continue;
                }
            },
        };
        if k == "Action" {
            action = Some(v.clone());
        }
        if params.contains_key(&k) {
            problems.push(format!("parameter `{k}` is repeated"));
        }
        params.insert(k, v);
    }
    if query.is_empty() {
        problems.push("no query string".into());
    }
    RequestSample {
        example: Example {
            format: ExampleFormat::Http,
            line: block.line as u32,
            title: String::new(),
            method: Some(method),
            target: Some(target),
            params,
            json: None,
            raw: Some(block.text.trim().to_string()),
            mismatch: None,
        },
        action,
        problems,
    }
}

/// A JSON response example, unwrapped from `{"<Op>Response": {...}}` when so wrapped.
#[derive(Debug, Clone, PartialEq)]
pub struct JsonSample {
    pub value: Option<Value>,
    /// The wrapper key removed, if any.
    pub unwrapped: Option<String>,
    pub error: Option<String>,
}

/// Parse a JSON example. `root_names` are the response table's top-level names: a single
/// key that is one of them is data, not an envelope.
pub fn parse_json_sample(text: &str, root_names: &[String]) -> JsonSample {
    match parse_json_lenient(text) {
        Ok(v) => {
            let (value, unwrapped) = unwrap_envelope(v, root_names);
            JsonSample {
                value: Some(value),
                unwrapped,
                error: None,
            }
        }
        Err(e) => JsonSample {
            value: None,
            unwrapped: None,
            error: Some(e.to_string()),
        },
    }
}

/// Remove a `{"XResponse": {...}}` envelope (single key ending in `Response`, object value,
/// not itself a table row).
pub fn unwrap_envelope(v: Value, root_names: &[String]) -> (Value, Option<String>) {
    if let Value::Object(m) = &v {
        if m.len() == 1 {
            if let Some((k, inner)) = m.iter().next() {
                if inner.is_object()
                    && k.ends_with("Response")
                    && !root_names.iter().any(|n| n == k)
                {
                    return (inner.clone(), Some(k.clone()));
                }
            }
        }
    }
    (v, None)
}

/// Read XML leniently into a JSON-like tree: elements with children become objects,
/// repeated names become arrays, leaves become strings. Handles tags split by line wraps
/// (`</Request⏎Id>`), skips declarations and comments, and recovers from unbalanced tags.
/// Several top-level elements (documents print XML without a root) become one object.
pub fn xml_tree(text: &str) -> Value {
    xml_tree_counted(text).0
}

/// [`xml_tree`], with the number of close tags that matched nothing open (a fragment a
/// page break cut off from its start).
pub fn xml_tree_counted(text: &str) -> (Value, usize) {
    let mut stray = 0;
    struct Open {
        name: String,
        children: Vec<(String, Value)>,
        text: String,
    }
    let mut stack: Vec<Open> = vec![Open {
        name: String::new(),
        children: Vec::new(),
        text: String::new(),
    }];
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] != '<' {
            if let Some(top) = stack.last_mut() {
                top.text.push(chars[i]);
            }
            i += 1;
            continue;
        }
        let Some(close) = chars[i..].iter().position(|c| *c == '>').map(|p| i + p) else {
            break;
        };
        let tag: String = chars[i + 1..close].iter().collect();
        i = close + 1;
        let tag = tag.trim();
        if tag.starts_with('?') || tag.starts_with('!') {
            continue;
        }
        let self_closing = tag.ends_with('/');
        let is_close = tag.starts_with('/');
        let name: String = tag
            .trim_start_matches('/')
            .trim_end_matches('/')
            .split(' ')
            .next()
            .unwrap_or("")
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        if name.is_empty() {
            continue;
        }
        if self_closing {
            if let Some(top) = stack.last_mut() {
                top.children.push((name, Value::String(String::new())));
            }
        } else if is_close {
            // Pop to the matching open element; ignore a close tag nothing matches.
            let found = stack.iter().rposition(|o| o.name == name);
            if found.is_none() {
                stray += 1;
            }
            if let Some(pos) = found {
                if pos == 0 {
                    continue;
                }
                while stack.len() > pos {
                    let Some(o) = stack.pop() else { break };
                    let value = finish(o.children, &o.text);
                    if let Some(parent) = stack.last_mut() {
                        parent.children.push((o.name, value));
                    }
                }
            }
        } else {
            stack.push(Open {
                name,
                children: Vec::new(),
                text: String::new(),
            });
        }
    }
    // Close whatever is left open.
    while stack.len() > 1 {
        let Some(o) = stack.pop() else { break };
        let value = finish(o.children, &o.text);
        if let Some(parent) = stack.last_mut() {
            parent.children.push((o.name, value));
        }
    }
    let root = stack
        .pop()
        .map(|o| finish(o.children, ""))
        .unwrap_or(Value::Null);
    let root = (root, stray);
    fn finish(children: Vec<(String, Value)>, text: &str) -> Value {
        if children.is_empty() {
            return Value::String(text.trim().to_string());
        }
        // Group by name in first-seen order; a repeated name is a list.
        let mut groups: IndexMap<String, Vec<Value>> = IndexMap::new();
        for (k, v) in children {
            groups.entry(k).or_default().push(v);
        }
        let mut m: Map<String, Value> = Map::new();
        for (k, mut vs) in groups {
            let v = if vs.len() == 1 {
                vs.remove(0)
            } else {
                Value::Array(vs)
            };
            m.insert(k, v);
        }
        Value::Object(m)
    }
    root
}

/// The body of an XML example: the children of its single root element when the root is
/// an envelope (not a top-level table row), else the whole fragment.
pub fn xml_body(tree: Value, root_names: &[String]) -> (Value, Option<String>) {
    if let Value::Object(m) = &tree {
        if m.len() == 1 {
            if let Some((k, inner)) = m.iter().next() {
                if inner.is_object() && !root_names.iter().any(|n| n.eq_ignore_ascii_case(k)) {
                    return (inner.clone(), Some(k.clone()));
                }
            }
        }
    }
    (tree, None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn block(text: &str) -> Block {
        Block {
            line: 10,
            end: 12,
            text: text.into(),
        }
    }

    #[test]
    fn request_sample_with_space_and_placeholder() {
        let s = parse_request(&block("http(s)://[Endpoint]/? Action=StartInstance\n&DeployModule=vpc\n&InstanceId=alikafka_post-cn-v0h1fgs2****\n&<Common request parameters>\n"), Method::Post);
        assert_eq!(s.action.as_deref(), Some("StartInstance"));
        assert_eq!(
            s.example.params.keys().collect::<Vec<_>>(),
            vec!["Action", "DeployModule", "InstanceId"]
        );
        assert_eq!(s.example.target.as_deref(), Some("/"));
        assert_eq!(s.example.method, Some(Method::Post));
        assert!(s.problems.is_empty());
    }

    #[test]
    fn request_sample_slash_slip_is_reported() {
        let s = parse_request(
            &block("http(s)://[Endpoint]/?Action/CreateApp\n&Title=mmw_test\n&<公共请求参数>"),
            Method::Get,
        );
        assert_eq!(s.action.as_deref(), Some("CreateApp"));
        assert_eq!(s.problems.len(), 1);
        assert_eq!(
            s.example.params.get("Title").map(String::as_str),
            Some("mmw_test")
        );
    }

    #[test]
    fn xml_tree_lists_and_split_tags() {
        let v = xml_tree(
            "<R><A>1</A><L><X><k>a</k></X><X><k>b</k></X></L><Request\nId>r</Request\nId></R>",
        );
        assert_eq!(
            v,
            json!({"R": {"A": "1", "L": {"X": [{"k": "a"}, {"k": "b"}]}, "RequestId": "r"}})
        );
        let (body, root) = xml_body(v, &["A".to_string()]);
        assert_eq!(root.as_deref(), Some("R"));
        assert_eq!(body["A"], json!("1"));
    }

    #[test]
    fn xml_without_root_and_broken_tags() {
        let v = xml_tree("<?xml version=\"1.0\"?>\n<Message>ok</Message>\n<Success>>true</Success>\n<Data><Id>1</I\nnstanceId></Data>");
        assert_eq!(v["Message"], json!("ok"));
        assert_eq!(v["Data"]["Id"], json!("1"));
        assert_eq!(xml_tree_counted("<A>1</A></Data>").1, 1);
    }

    #[test]
    fn json_envelope_unwrapped() {
        let s = parse_json_sample("{\"DeleteAclResponse\": {\"Code\": 200}}", &["Code".into()]);
        assert_eq!(s.value, Some(json!({"Code": 200})));
        assert_eq!(s.unwrapped.as_deref(), Some("DeleteAclResponse"));
    }
}
