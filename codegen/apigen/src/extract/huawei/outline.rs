//! The outline of a Huawei document: numbered headings (checked against the table of
//! contents), operation sections (a heading whose body has a `URI` label followed by a
//! `METHOD /path` line) and the labelled parts inside an operation.

use crate::extract::tables::Document;
use crate::spec::model::Method;
use regex::Regex;
use std::collections::BTreeMap;
use std::sync::LazyLock;

static HEADING: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(\d+(?:\.\d+)*)\s+(\S.*)$").expect("regex"));
static STATUS_MARKER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:Status [Cc]ode|状态码)\s*[:：]\s*\**\s*(\d{3})\s*\**\s*\.?$").expect("regex")
});

pub use super::super::tables::Heading;

/// An operation's section: heading line to the line before the next heading.
#[derive(Debug, Clone, PartialEq)]
pub struct OpSection {
    pub heading: Heading,
    pub end: usize,
    /// Title of the parent heading (the group).
    pub group: String,
    /// Line of the `METHOD /path` line.
    pub uri_line: usize,
    pub method: Method,
    /// Path with any `?query` template still attached (wrapped lines joined).
    pub raw_path: String,
}

/// The labelled parts of an operation section.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Part {
    Preamble,
    Function,
    /// "Restrictions" after the function text (CSE): kept apart from the description.
    Restrictions,
    Uri,
    Request,
    Response,
    ExampleRequest,
    ExampleResponse,
    StatusCodes,
    ErrorCodes,
}

/// A label line starting a part, in either language (V1 pages use 请求消息/响应消息).
pub fn part_label(line: &str) -> Option<Part> {
    Some(match line.trim() {
        "Function" | "功能介绍" => Part::Function,
        "Restrictions" | "Constraints" | "约束与限制" | "使用限制" => Part::Restrictions,
        "URI" => Part::Uri,
        "Request" | "请求参数" | "请求消息" => Part::Request,
        "Response" | "响应参数" | "响应消息" => Part::Response,
        "Example Request" | "Example Requests" | "请求示例" => Part::ExampleRequest,
        "Example Response" | "Example Responses" | "响应示例" | "响应样例" => {
            Part::ExampleResponse
        }
        "Status Code" | "Status Codes" | "状态码" => Part::StatusCodes,
        "Error Code" | "Error Codes" | "错误码" => Part::ErrorCodes,
        _ => return None,
    })
}

/// `Status code: 200` / `状态码： 200` / `状态码：**200**` → 200.
pub fn status_marker(line: &str) -> Option<u16> {
    STATUS_MARKER
        .captures(line.trim())
        .and_then(|c| c[1].parse().ok())
}

/// For every line of an operation section, the part it is in (index = line - start).
pub fn parts(doc: &Document, start: usize, end: usize) -> Vec<Part> {
    let mut out = Vec::with_capacity(end.saturating_sub(start) + 1);
    let mut cur = Part::Preamble;
    let mut in_fence = false;
    for (_, l) in doc.range(start, end) {
        if l.trim_start().starts_with("```") {
            in_fence = !in_fence;
        } else if !in_fence {
            if let Some(p) = part_label(l) {
                cur = p;
            }
        }
        out.push(cur);
    }
    out
}

fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// All numbered headings. When the document has a table of contents (`5.2.1 Title<TAB>14`)
/// a body line is a heading only if the contents list it, which keeps numbered prose
/// (`200 OK`, list items) out; without contents, lines of two or more levels count.
#[cfg(test)]
pub fn headings(doc: &Document) -> Vec<Heading> {
    headings_and_unlisted(doc).0
}

/// [`headings`], and the lines of those the contents do not list.
pub fn headings_and_unlisted(doc: &Document) -> (Vec<Heading>, Vec<usize>) {
    let mut unlisted = Vec::new();
    let mut toc: BTreeMap<String, String> = BTreeMap::new();
    for (_, l) in doc.range(1, doc.len()) {
        let mut cells = l.split('\t');
        let (Some(first), Some(page)) = (cells.next(), cells.next()) else {
            continue;
        };
        if !page.trim().chars().all(|c| c.is_ascii_digit()) || page.trim().is_empty() {
            continue;
        }
        if let Some(c) = HEADING.captures(first.trim()) {
            toc.entry(c[1].to_string())
                .or_insert_with(|| squash(c[2].trim_end_matches(['.', '…', '·', ' '])));
        }
    }
    // Body lines that carry a number with a title: `(line, number, title)`.
    let mut candidates = Vec::new();
    let mut in_fence = false;
    for (n, l) in doc.range(1, doc.len()) {
        if l.trim_start().starts_with("```") {
            in_fence = !in_fence;
            continue;
        }
        if in_fence || l.contains('\t') {
            continue;
        }
        if let Some(c) = HEADING.captures(l.trim()) {
            candidates.push((n, c[1].to_string(), c[2].trim().to_string()));
        }
    }
    // Numbers whose heading the body prints as the contents list it.
    let printed_as_listed: std::collections::BTreeSet<String> = candidates
        .iter()
        .filter(|(_, number, title)| toc.get(number) == Some(&squash(title)))
        .map(|(_, number, _)| number.clone())
        .collect();
    let mut out: Vec<Heading> = Vec::new();
    for (n, number, title) in candidates {
        let ok = if toc.is_empty() {
            number.contains('.')
        } else {
            toc.get(&number) == Some(&squash(&title)) || {
                let taken = unlisted_sibling(&toc, &out, &number)
                    || (toc.contains_key(&number)
                        && retitled(doc, &printed_as_listed, &out, n, &number));
                if taken {
                    unlisted.push(n);
                }
                taken
            }
        };
        if ok {
            out.push(Heading {
                line: n,
                number,
                title,
            });
        }
    }
    (out, unlisted)
}

/// A heading the contents do not list but a revision added below a listed chapter
/// (`7.5.10` after `7.5.9`, the contents not updated): a dotted number whose parent
/// heading came before it, not yet used, and after the previous heading in number order.
/// Numbered prose has no dotted numbers in these documents, so this keeps it out still.
fn unlisted_sibling(toc: &BTreeMap<String, String>, seen: &[Heading], number: &str) -> bool {
    let Some((parent, _)) = number.rsplit_once('.') else {
        return false;
    };
    let key = |n: &str| -> Vec<u32> { n.split('.').filter_map(|p| p.parse().ok()).collect() };
    !toc.contains_key(number)
        && seen.iter().any(|h| h.number == parent)
        && !seen.iter().any(|h| h.number == number)
        && seen.last().is_some_and(|h| key(&h.number) < key(number))
}

/// A heading a revision retitled without the contents following (the contents list the
/// number under its old title): a dotted number on a line of its own between blank lines,
/// printed nowhere under the listed title, not yet used and after the previous heading in
/// number order.
fn retitled(
    doc: &Document,
    printed_as_listed: &std::collections::BTreeSet<String>,
    seen: &[Heading],
    line: usize,
    number: &str,
) -> bool {
    let key = |n: &str| -> Vec<u32> { n.split('.').filter_map(|p| p.parse().ok()).collect() };
    let blank = |n: usize| n == 0 || doc.line(n).trim().is_empty();
    number.contains('.')
        && !printed_as_listed.contains(number)
        && blank(line - 1)
        && blank(line + 1)
        && !seen.iter().any(|h| h.number == number)
        && seen.last().is_some_and(|h| key(&h.number) < key(number))
}

/// Operation sections in document order.
pub fn operations(doc: &Document, headings: &[Heading]) -> Vec<OpSection> {
    let titles: BTreeMap<&str, &str> = headings
        .iter()
        .map(|h| (h.number.as_str(), h.title.as_str()))
        .collect();
    let mut out = Vec::new();
    for (i, h) in headings.iter().enumerate() {
        let end = headings.get(i + 1).map(|n| n.line - 1).unwrap_or(doc.len());
        let Some((uri_line, method, raw_path)) = find_uri(doc, h.line + 1, end) else {
            continue;
        };
        let parent = h.number.rsplit_once('.').map(|(p, _)| p).unwrap_or("");
        let group = titles
            .get(parent)
            .map(|s| s.to_string())
            .unwrap_or_default();
        out.push(OpSection {
            heading: h.clone(),
            end,
            group,
            uri_line,
            method,
            raw_path,
        });
    }
    out
}

/// The `METHOD /path` line after the `URI` label; a query template wrapped onto the
/// next line (`...instances?` / `engine={engine}&...`) is joined.
fn find_uri(doc: &Document, start: usize, end: usize) -> Option<(usize, Method, String)> {
    let label = doc.range(start, end).find(|(_, l)| l.trim() == "URI")?.0;
    // The line may be fenced (CSE 5.3.8: the URI inside ``` fences).
    let (n, line) = doc
        .range(label + 1, end)
        .find(|(_, l)| !l.trim().is_empty() && !l.trim().starts_with("```"))?;
    let (m, path) = line.trim().split_once(char::is_whitespace)?;
    let method = Method::parse(m)?;
    let mut path: String = path.split_whitespace().collect();
    if path.ends_with('?') || path.ends_with('&') {
        if let Some((_, next)) = doc
            .range(n + 1, end)
            .find(|(_, l)| !l.trim().is_empty() && !l.trim().starts_with("```"))
        {
            let next = next.trim();
            if !next.contains(char::is_whitespace) && next.contains('=') {
                path.push_str(next);
            }
        }
    }
    Some((n, method, path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_markers() {
        assert_eq!(status_marker("Status code: 200"), Some(200));
        assert_eq!(status_marker("Status code: 200."), Some(200));
        assert_eq!(status_marker("状态码： 200"), Some(200));
        assert_eq!(status_marker("状态码: 204"), Some(204));
        assert_eq!(status_marker("状态码：**200**"), Some(200));
        assert_eq!(status_marker("状态码"), None);
        assert_eq!(status_marker("Status Code"), None);
    }

    #[test]
    fn a_heading_the_contents_do_not_list_is_taken_below_a_listed_parent() {
        let doc = Document::new(
            "7.5 Instance\t185\n7.5.1 Registering\t185\n\n7.5 Instance\n\n7.5.1 Registering\n\nURI\n\nPOST /v4/a\n\n7.5.2 Purging\n\nURI\n\nDELETE /v4/a\n\n200 OK\n\n7.5.2 Purging\n\n8.1.1 Elsewhere\n",
        );
        let numbers: Vec<String> = headings(&doc).into_iter().map(|h| h.number).collect();
        assert_eq!(numbers, ["7.5", "7.5.1", "7.5.2"]);
        assert_eq!(operations(&doc, &headings(&doc)).len(), 2);
    }

    #[test]
    fn a_retitled_heading_is_taken_when_the_contents_keep_the_old_title() {
        // 7.5.2 is listed as `Purging`, printed as `Deleting`; numbered prose between
        // text lines, or a number printed as listed elsewhere, stays out.
        let doc = Document::new(
            "7.5 Instance\t185\n7.5.1 Registering\t185\n7.5.2 Purging\t186\n7.5.3 Listing\t187\n\n7.5 Instance\n\n7.5.1 Registering\n\nURI\n\nPOST /v4/a\n\n7.5.2 Deleting\n\nURI\n\nDELETE /v4/a\ntext\n7.5.3 and later versions\n\n7.5.3 Listing\n\nURI\n\nGET /v4/a\n",
        );
        let (hs, unlisted) = headings_and_unlisted(&doc);
        let got: Vec<(&str, &str)> = hs
            .iter()
            .map(|h| (h.number.as_str(), h.title.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("7.5", "Instance"),
                ("7.5.1", "Registering"),
                ("7.5.2", "Deleting"),
                ("7.5.3", "Listing")
            ]
        );
        assert_eq!(unlisted, [14]);
    }

    #[test]
    fn wrapped_query_template_is_joined() {
        let doc = Document::new(
            "目录\n\n7.1.1.6 查询\t12\n\n7.1.1.6 查询\n\nURI\n\nGET /v1.0/{project_id}/instances?\nengine={engine}&name={name}\n\n表 7-19 参数说明\n",
        );
        let hs = headings(&doc);
        assert_eq!(hs.len(), 1);
        assert_eq!(hs[0].line, 5);
        let ops = operations(&doc, &hs);
        assert_eq!(
            ops[0].raw_path,
            "/v1.0/{project_id}/instances?engine={engine}&name={name}"
        );
        assert_eq!(ops[0].method, Method::Get);
    }
}
