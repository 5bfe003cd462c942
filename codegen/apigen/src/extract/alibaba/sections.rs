//! Where things are in an Alibaba document: numbered headings, operation sections and
//! the chapters that group them.
//!
//! Headings carry markdown markers inconsistently (`## 6.1. CreateZnode`, `# 6.12. UpdateAcl`,
//! plain `1.1.1 CreateApp`), so a heading is recognised by its number, not its markup. An
//! operation heading is a numbered heading whose title is a single Action-like identifier
//! *and* whose section holds a request-parameter table (that rules out `16.1. Introduction`
//! and numbered list items in prose). The table of contents is skipped because its lines
//! carry tab-separated page numbers.

use super::super::tables::{Document, Table};
use regex::Regex;
use std::sync::LazyLock;

pub use super::super::tables::Heading;

/// One operation's section.
#[derive(Debug, Clone, PartialEq)]
pub struct OpSection {
    pub heading: Heading,
    /// Last line of the section (inclusive).
    pub end: usize,
    /// Title of the enclosing chapter or sub-chapter (`实例管理`, `应用基础信息`).
    pub group: String,
    /// Number of the enclosing chapter heading, when found.
    pub group_number: Option<String>,
}

static HEADING: LazyLock<Regex> =
    // The number ends at a dot or a space: a page number (`42`) between two halves of a
    // table is not chapter 4.
    LazyLock::new(|| {
        Regex::new(r"^\s*#{0,6}\s*(\d{1,2}(?:\.\d{1,2})*)(?:\.\s*|\s+)(\S.*?)\s*$").unwrap()
    });
static ACTION: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^[A-Z][A-Za-z0-9]+$").unwrap());

/// Parse a heading-looking line (no tabs, not a TOC entry with dot leaders).
pub fn parse_heading(line: &str, n: usize) -> Option<Heading> {
    if line.contains('\t') || line.contains("....") || line.contains("-----") {
        return None;
    }
    let c = HEADING.captures(line)?;
    let title = c[2]
        .trim_matches(|ch: char| ch == '*' || ch.is_whitespace())
        .to_string();
    if title.is_empty() {
        return None;
    }
    Some(Heading {
        line: n,
        number: c[1].to_string(),
        title,
    })
}

/// Whether a table is an operation's request table (has both a required and an example column).
pub fn is_request_table(t: &Table) -> bool {
    t.column(&["是否必选", "Required"]).is_some() && t.column(&["示例值", "Example"]).is_some()
}

/// Whether a table is a response table (example column, no required column, a type column).
pub fn is_response_table(t: &Table) -> bool {
    t.column(&["是否必选", "Required", "是否必须"]).is_none()
        && t.column(&["示例值", "Example"]).is_some()
        && t.column(&["类型", "Type"]).is_some()
}

/// Whether a table lists error codes.
pub fn is_error_table(t: &Table) -> bool {
    t.column(&["错误码", "Error code"]).is_some() && t.column(&["类型", "Type"]).is_none()
}

/// Lines inside fences (fenced text is never a heading).
fn fenced_lines(doc: &Document) -> Vec<bool> {
    let mut inside = vec![false; doc.len() + 2];
    for f in doc.fences() {
        for slot in inside.iter_mut().take(f.end + 1).skip(f.start) {
            *slot = true;
        }
    }
    inside
}

/// All numbered headings outside fences.
pub fn headings(doc: &Document) -> Vec<Heading> {
    let fenced = fenced_lines(doc);
    doc.range(1, doc.len())
        .filter(|(n, _)| !fenced.get(*n).copied().unwrap_or(false))
        .filter_map(|(n, l)| parse_heading(l, n))
        .collect()
}

/// The operation sections of a document, in order.
pub fn operations(doc: &Document, tables: &[Table]) -> Vec<OpSection> {
    let all = headings(doc);
    let candidates: Vec<&Heading> = all
        .iter()
        .filter(|h| h.number.contains('.') && ACTION.is_match(&h.title))
        .collect();
    // Keep candidates that own a request table before the next candidate.
    let mut ops: Vec<Heading> = Vec::new();
    for (i, h) in candidates.iter().enumerate() {
        let next = candidates
            .get(i + 1)
            .map(|n| n.line)
            .unwrap_or(doc.len() + 1);
        if tables
            .iter()
            .any(|t| t.header_line > h.line && t.header_line < next && is_request_table(t))
        {
            ops.push((*h).clone());
        }
    }
    // Chapter headings: the nearest heading before an operation whose number is a proper
    // prefix of the operation's number (`6` or `1.1` for `1.1.1`). Only those (and the
    // operations) end a section, so numbered prose lists do not cut one short.
    let mut groups: Vec<Option<&Heading>> = Vec::new();
    for op in &ops {
        let parents: Vec<String> = parent_numbers(&op.number);
        let g = all
            .iter()
            .filter(|h| h.line < op.line && parents.contains(&h.number))
            .max_by_key(|h| (h.number.len(), h.line));
        groups.push(g);
    }
    let mut boundaries: Vec<usize> = ops.iter().map(|o| o.line).collect();
    boundaries.extend(groups.iter().flatten().map(|g| g.line));
    // Chapters without operations (16.1 Introduction is a sub-section, but `# 16.` is the
    // chapter) also end the previous operation: any heading at chapter level (no dot).
    boundaries.extend(
        all.iter()
            .filter(|h| !h.number.contains('.') && ops.first().is_some_and(|o| h.line > o.line))
            .map(|h| h.line),
    );
    // Non-operation sub-sections that are siblings of operations (`16.1. Introduction`).
    boundaries.extend(
        all.iter()
            .filter(|h| h.number.contains('.') && !ACTION.is_match(&h.title))
            .filter(|h| ops.iter().any(|o| sibling_numbers(&o.number, &h.number)))
            .map(|h| h.line),
    );
    boundaries.sort_unstable();
    boundaries.dedup();
    ops.into_iter()
        .zip(groups)
        .map(|(h, g)| {
            let end = boundaries
                .iter()
                .find(|b| **b > h.line)
                .map(|b| b - 1)
                .unwrap_or(doc.len());
            OpSection {
                end,
                group: g.map(|g| g.title.clone()).unwrap_or_default(),
                group_number: g.map(|g| g.number.clone()),
                heading: h,
            }
        })
        .collect()
}

/// `1.1.1` → [`1.1`, `1`].
fn parent_numbers(number: &str) -> Vec<String> {
    let parts: Vec<&str> = number.split('.').collect();
    (1..parts.len())
        .rev()
        .map(|k| parts[..k].join("."))
        .collect()
}

/// Same depth and same parent (`16.1` and `16.2`).
fn sibling_numbers(a: &str, b: &str) -> bool {
    let pa = parent_numbers(a);
    let pb = parent_numbers(b);
    a != b && pa.len() == pb.len() && pa.first() == pb.first()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heading_forms() {
        assert_eq!(
            parse_heading("## 6.1. CreateZnode", 3).unwrap().number,
            "6.1"
        );
        assert_eq!(parse_heading("# 6.实例管理", 3).unwrap().title, "实例管理");
        assert_eq!(
            parse_heading("1.1.1 CreateApp", 3).unwrap().title,
            "CreateApp"
        );
        assert!(parse_heading("6.1. CreateZnode\t16", 3).is_none());
        assert!(parse_heading("6.7 GetRdsBackUp.....172", 3).is_none());
        assert!(parse_heading("42", 3).is_none());
        assert_eq!(
            parse_heading("# 10.Instances", 3).unwrap().title,
            "Instances"
        );
    }

    #[test]
    fn operations_need_a_request_table() {
        let text = "# 2.Topics\n\n## 2.1. Introduction\n\nsome text\n\n## 2.2. GetTopic\n\nParameter\tType\tRequired\tExample\tDescription\nAction\tString\tYes\tGetTopic\tx\n\n# 3.Other\n\ntext\n";
        let doc = Document::new(text);
        let ops = operations(&doc, &doc.tables());
        assert_eq!(ops.len(), 1);
        assert_eq!(ops[0].heading.title, "GetTopic");
        assert_eq!(ops[0].group, "Topics");
        assert_eq!(ops[0].end, 11);
    }
}
