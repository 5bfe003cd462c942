//! Rebuilding nesting from a flattened response table.
//!
//! Alibaba response tables print every member on its own row with no depth marker: a
//! container row (`Struct`, `Array`, `Array of X`, `List`, `Map`, or untyped, always with an
//! empty example cell) is followed by its children, and nothing marks where they end. The
//! rules, in order of trust:
//!
//! 1. **The examples.** The operation's JSON and XML success examples show which keys sit
//!    under which container. A row goes to the innermost open level whose example has a key
//!    of that name (compared without case and with `l`/`I` folded, so OCR slips still match).
//! 2. **Sort order** (MSE only: every level of its tables is sorted ASCII-wise): a row that
//!    sorts before the last member of a level cannot belong to that level.
//! 3. **Children follow their container**: when nothing else decides, a row stays in the
//!    innermost open level.
//!
//! A level that already has a member of the same name cannot take another (`TotalDiff` at
//! two depths). Special rows: an untyped row with every other cell empty names the XML list
//! element of the container just opened (Alibaba Kafka `TopicVO`) and becomes that
//! container's `list_wrapper`; a row whose name is prose (`说明: 废弃…`) annotates the row
//! above it; a `↳` before a name marks a child explicitly.

use super::super::text::{DocType, Item};
use crate::severity::Severity;
use crate::spec::model::{Field, TypeExpr};
use serde_json::Value;

/// One response-table row, already read into a field (type still to be settled).
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub field: Field,
    pub doc_type: DocType,
    pub kind: EntryKind,
    /// A `↳` marker printed before the name.
    pub marked_child: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    Leaf,
    Container,
    /// The XML list element of the container above.
    Wrapper,
    /// Free text in the name column, annotating the previous row.
    Note,
}

/// A doubt met while nesting, with the doc line.
#[derive(Debug, Clone, PartialEq)]
pub struct Doubt {
    pub line: usize,
    pub message: String,
    pub severity: Severity,
}

#[derive(Debug)]
struct Node {
    entry: Entry,
    children: Vec<usize>,
    /// Example objects at this level (members of this container).
    objs: Vec<Value>,
    /// The container's example values as printed (before unwrapping lists).
    raw: Vec<Value>,
    list_wrapper: Option<String>,
    /// The example shows the container as a list (or as a wrapped list).
    example_is_list: bool,
}

/// Fold a name for matching: lower case, `l` read as `i`, punctuation dropped.
pub fn fold(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .map(|c| if c == 'l' { 'i' } else { c })
        .collect()
}

/// The value under `name` in an example object: exact key first, then folded.
pub fn lookup<'a>(obj: &'a Value, name: &str) -> Option<(&'a str, &'a Value)> {
    let m = obj.as_object()?;
    if let Some((k, v)) = m.get_key_value(name) {
        return Some((k.as_str(), v));
    }
    let f = fold(name);
    m.iter()
        .find(|(k, _)| fold(k) == f)
        .map(|(k, v)| (k.as_str(), v))
}

/// Rebuild the nesting of `entries`. `examples` are the example bodies (JSON value and XML
/// tree) of the whole response; `sorted` enables the sort-order rule.
pub fn rebuild(entries: Vec<Entry>, examples: &[Value], sorted: bool) -> (Vec<Field>, Vec<Doubt>) {
    let mut doubts = Vec::new();
    let root_objs: Vec<Value> = examples.iter().filter(|v| v.is_object()).cloned().collect();
    let mut nodes: Vec<Node> = vec![Node {
        entry: Entry {
            field: Field::new("", TypeExpr::Object),
            doc_type: DocType::Object { name: None },
            kind: EntryKind::Container,
            marked_child: false,
        },
        children: Vec::new(),
        objs: root_objs,
        raw: Vec::new(),
        list_wrapper: None,
        example_is_list: false,
    }];
    let mut stack: Vec<usize> = vec![0];
    let mut last: Option<usize> = None;

    for entry in entries {
        let line = entry.field.line.unwrap_or(0) as usize;
        match entry.kind {
            EntryKind::Note => {
                match last {
                    Some(prev) => {
                        let f = &mut nodes[prev].entry.field;
                        let note = entry.field.name.clone();
                        if f.description.is_empty() {
                            f.description = note;
                        } else {
                            f.description = format!("{} {}", f.description, note);
                        }
                        if entry.field.deprecated {
                            f.deprecated = true;
                        }
                        doubts.push(Doubt {
                            line,
                            message: format!(
                                "note row read as part of the description of `{}`",
                                f.name
                            ),
                            severity: Severity::Note,
                        });
                    }
                    None => doubts.push(Doubt {
                        line,
                        message: "note row before any field; dropped".into(),
                        severity: Severity::Warning,
                    }),
                }
                continue;
            }
            EntryKind::Wrapper => {
                let top = stack.last().copied().unwrap_or(0);
                if top != 0 && nodes[top].children.is_empty() {
                    let name = entry.field.name.clone();
                    if let Some(w) = nodes[top].list_wrapper.as_ref().filter(|w| **w != name) {
                        doubts.push(Doubt { line, message: format!("wrapper row `{name}` differs from the example's list element `{w}`"), severity: Severity::Warning });
                    }
                    let (objs, _, is_list) = descend(&nodes[top].raw, Some(&name), false);
                    let n = &mut nodes[top];
                    n.list_wrapper = Some(name);
                    n.objs = objs;
                    n.example_is_list |= is_list;
                } else {
                    doubts.push(Doubt {
                        line,
                        message: format!(
                            "untyped empty row `{}` does not follow a container; dropped",
                            entry.field.name
                        ),
                        severity: Severity::Warning,
                    });
                }
                continue;
            }
            EntryKind::Leaf | EntryKind::Container => {}
        }

        let name = entry.field.name.clone();
        let depth = if entry.marked_child {
            stack.len() - 1
        } else {
            choose_level(&nodes, &stack, &name, sorted, line, &mut doubts)
        };
        stack.truncate(depth + 1);
        let parent = stack[depth];
        let is_container = entry.kind == EntryKind::Container;
        let raw: Vec<Value> = nodes[parent]
            .objs
            .iter()
            .filter_map(|o| lookup(o, &name).map(|(_, v)| v.clone()))
            .collect();
        let wants_list = matches!(entry.doc_type, DocType::Array { .. } | DocType::Empty);
        let (objs, wrapper, is_list) = if is_container {
            descend(&raw, None, wants_list)
        } else {
            (Vec::new(), None, false)
        };
        let id = nodes.len();
        nodes.push(Node {
            entry,
            children: Vec::new(),
            objs,
            raw,
            list_wrapper: wrapper,
            example_is_list: is_list,
        });
        nodes[parent].children.push(id);
        if is_container {
            stack.push(id);
        }
        last = Some(id);
    }
    let fields = nodes[0]
        .children
        .clone()
        .into_iter()
        .map(|c| to_field(&nodes, c))
        .collect();
    (fields, doubts)
}

/// Pick the stack depth a row belongs to (0 = top level).
fn choose_level(
    nodes: &[Node],
    stack: &[usize],
    name: &str,
    sorted: bool,
    line: usize,
    doubts: &mut Vec<Doubt>,
) -> usize {
    let eligible = |depth: usize| -> bool {
        let n = &nodes[stack[depth]];
        if n.children
            .iter()
            .any(|c| nodes[*c].entry.field.name == name)
        {
            return false;
        }
        if sorted {
            if let Some(last) = n.children.last() {
                return nodes[*last].entry.field.name.as_str() < name;
            }
        }
        true
    };
    let claims = |depth: usize| {
        nodes[stack[depth]]
            .objs
            .iter()
            .any(|o| lookup(o, name).is_some())
    };
    for depth in (0..stack.len()).rev() {
        if eligible(depth) && claims(depth) {
            return depth;
        }
    }
    for depth in (0..stack.len()).rev() {
        if eligible(depth) {
            return depth;
        }
    }
    doubts.push(Doubt {
        line,
        message: format!(
            "`{name}` fits no open level (duplicate or out of order); put at the top level"
        ),
        severity: Severity::Warning,
    });
    0
}

/// The example objects inside a container's example values, and the list wrapper the JSON
/// shows (`{"InstanceVO": [...]}`) when the container is a list.
fn descend(
    raw: &[Value],
    wrapper: Option<&str>,
    wants_list: bool,
) -> (Vec<Value>, Option<String>, bool) {
    let mut detected: Option<String> = wrapper.map(str::to_string);
    if detected.is_none() && wants_list {
        for v in raw {
            if let Value::Object(m) = v {
                if m.len() == 1 {
                    if let Some((k, Value::Array(_))) = m.iter().next() {
                        detected = Some(k.clone());
                    }
                }
            }
        }
    }
    let mut objs = Vec::new();
    let mut is_list = false;
    for v in raw {
        let v = match (&detected, v) {
            (Some(w), Value::Object(_)) => match lookup(v, w) {
                Some((_, inner)) => inner,
                None => v,
            },
            _ => v,
        };
        match v {
            Value::Array(items) => {
                is_list = true;
                objs.extend(items.iter().filter(|i| i.is_object()).cloned());
            }
            Value::Object(_) => objs.push(v.clone()),
            _ => {}
        }
    }
    let wrapper_found = if wrapper.is_none() { detected } else { None };
    (objs, wrapper_found, is_list)
}

fn to_field(nodes: &[Node], id: usize) -> Field {
    let n = &nodes[id];
    let mut f = n.entry.field.clone();
    f.fields = n.children.iter().map(|c| to_field(nodes, *c)).collect();
    f.list_wrapper = n.list_wrapper.clone();
    if n.entry.kind == EntryKind::Container {
        let has_children = !f.fields.is_empty();
        f.ty = match &n.entry.doc_type {
            DocType::Array { item } => TypeExpr::array(match item {
                Item::Scalar(t) if !has_children => t.clone(),
                Item::Unknown if !has_children => TypeExpr::String,
                _ => TypeExpr::Object,
            }),
            DocType::Map { value } => TypeExpr::map(match value {
                Item::Scalar(t) => t.clone(),
                Item::Unknown if !has_children => TypeExpr::Any,
                _ => TypeExpr::Object,
            }),
            // Untyped parent rows: the example decides between list and object.
            DocType::Empty if n.list_wrapper.is_some() || n.example_is_list => {
                TypeExpr::array(TypeExpr::Object)
            }
            _ => TypeExpr::Object,
        };
    }
    f
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::text::parse_type;
    use serde_json::json;

    fn e(name: &str, ty: &str, example: &str, line: u32) -> Entry {
        let doc_type = parse_type(ty);
        let kind = if ty.is_empty() && example.is_empty() {
            EntryKind::Wrapper
        } else if example.is_empty()
            && matches!(
                doc_type,
                DocType::Object { .. } | DocType::Array { .. } | DocType::Map { .. }
            )
        {
            EntryKind::Container
        } else {
            EntryKind::Leaf
        };
        let mut f = Field::new(name, TypeExpr::String);
        f.line = Some(line);
        Entry {
            field: f,
            doc_type,
            kind,
            marked_child: false,
        }
    }

    fn shape(fields: &[Field]) -> String {
        fields
            .iter()
            .map(|f| {
                let mut s = format!("{}:{}", f.name, f.ty);
                if let Some(w) = &f.list_wrapper {
                    s.push_str(&format!("/{w}"));
                }
                if !f.fields.is_empty() {
                    s.push_str(&format!("{{{}}}", shape(&f.fields)));
                }
                s
            })
            .collect::<Vec<_>>()
            .join(",")
    }

    #[test]
    fn sorted_without_example_pops_on_order_break() {
        // MSE: Data{Data,Dir,Name,Path} then ErrorCode at the top level.
        let rows = vec![
            e("Data", "Struct", "", 1),
            e("Data", "String", "x", 2),
            e("Dir", "Boolean", "true", 3),
            e("Path", "String", "/", 4),
            e("ErrorCode", "String", "e", 5),
            e("Success", "Boolean", "true", 6),
        ];
        let (f, d) = rebuild(rows, &[], true);
        assert_eq!(
            shape(&f),
            "Data:object{Data:string,Dir:string,Path:string},ErrorCode:string,Success:string"
        );
        assert!(d.is_empty());
    }

    #[test]
    fn unsorted_without_example_keeps_children_inside() {
        let rows = vec![
            e("Code", "Integer", "0", 1),
            e("Data", "Array", "", 2),
            e("AppId", "Long", "1", 3),
            e("Title", "String", "t", 4),
        ];
        let (f, _) = rebuild(rows, &[], false);
        assert_eq!(
            shape(&f),
            "Code:string,Data:array<object>{AppId:string,Title:string}"
        );
    }

    #[test]
    fn example_decides_depth_of_siblings() {
        // Two sibling containers: the first one's children end where the example says.
        let rows = vec![
            e("Data", "Array", "", 1),
            e("CodePath", "Struct", "", 2),
            e("Url", "String", "u", 3),
            e("YamlConf", "Struct", "", 4),
            e("Text", "String", "t", 5),
            e("RequestId", "String", "r", 6),
        ];
        let ex = json!({"Data": [{"CodePath": {"Url": "u"}, "YamlConf": {"Text": "t"}}], "RequestId": "r"});
        let (f, _) = rebuild(rows, &[ex], false);
        assert_eq!(
            shape(&f),
            "Data:array<object>{CodePath:object{Url:string},YamlConf:object{Text:string}},RequestId:string"
        );
    }

    #[test]
    fn same_name_at_two_levels() {
        let rows = vec![
            e("Result", "Struct", "", 1),
            e("RequestId", "String", "a", 2),
            e("RequestId", "String", "b", 3),
        ];
        let (f, _) = rebuild(rows, &[], false);
        assert_eq!(
            shape(&f),
            "Result:object{RequestId:string},RequestId:string"
        );
    }

    #[test]
    fn wrapper_row_sets_list_wrapper() {
        let rows = vec![
            e("TopicList", "Array", "", 1),
            e("TopicVO", "", "", 2),
            e("Topic", "String", "t", 3),
            e("Tags", "Array", "", 4),
            e("TagVO", "", "", 5),
            e("Key", "String", "k", 6),
            e("Remark", "String", "r", 7),
            e("Total", "Integer", "2", 8),
        ];
        let ex = json!({"TopicList": {"TopicVO": [{"Topic": "t", "Tags": {"TagVO": []}, "Remark": "r"}]}, "Total": 2});
        let (f, _) = rebuild(rows, &[ex], false);
        assert_eq!(
            shape(&f),
            "TopicList:array<object>/TopicVO{Topic:string,Tags:array<object>/TagVO{Key:string},Remark:string},Total:string"
        );
    }

    #[test]
    fn list_wrapper_detected_from_example_without_wrapper_row() {
        let rows = vec![
            e("InstanceList", "Array", "", 1),
            e("InstanceId", "String", "i", 2),
            e("Zoneld", "String", "z", 3),
            e("Code", "Integer", "200", 4),
        ];
        let ex = json!({"InstanceList": {"InstanceVO": [{"InstanceId": "i", "ZoneId": "z"}]}, "Code": 200});
        let (f, _) = rebuild(rows, &[ex], false);
        assert_eq!(
            shape(&f),
            "InstanceList:array<object>/InstanceVO{InstanceId:string,Zoneld:string},Code:string"
        );
    }

    #[test]
    fn note_row_annotates_previous() {
        let mut note = e("说明:废弃", "", "", 3);
        note.kind = EntryKind::Note;
        note.field.deprecated = true;
        let rows = vec![e("ConfigMap", "String", "x", 2), note];
        let (f, d) = rebuild(rows, &[], false);
        assert_eq!(f.len(), 1);
        assert!(f[0].deprecated);
        assert_eq!(f[0].description, "说明:废弃");
        assert_eq!(d.len(), 1);
    }

    #[test]
    fn fold_matches_ocr_slips() {
        assert_eq!(fold("Instanceld"), fold("InstanceId"));
        assert_eq!(fold("Clusterid"), fold("ClusterId"));
        assert_ne!(fold("PubNetworkFloww"), fold("PubNetworkFlow"));
    }
}
