//! Service-wide facts: title, revision, product code, endpoint, auth, common headers,
//! error format, the appendix error and status code tables, and caption-gap checks.

use super::outline::Heading;
use super::types::clean_name;
use crate::extract::examples::{parse_json_lenient, Block};
use crate::extract::tables::{Document, Table};
use crate::extract::text::parse_required;
use crate::extract::text::{parse_description, strip_html};
use crate::extract::Diagnostics;
use crate::spec::model::{
    AuthScheme, ErrorCode, ErrorFormat, Field, Location, SourceRef, StatusCode, TypeExpr,
};
use regex::Regex;
use std::collections::BTreeMap;
use std::sync::LazyLock;

static IAM_ACTION: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"“([a-z][a-z0-9]*):[a-zA-Z]+:[a-zA-Z]+”").expect("regex"));
static ENDPOINT_VAR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\{([a-z]+)_endpoint\}").expect("regex"));
static HOST: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"https://(\{[A-Za-z_]+\})/").expect("regex"));
static BULLET_HEADER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^-\s+\*\*([A-Za-z0-9-]+)\*\*\s*[:：]\s*(.*)$").expect("regex"));

/// Title (first two text lines) and revision (`Issue 01 (2026-01-06)`).
pub fn title_and_revision(doc: &Document) -> (String, String) {
    let head: Vec<&str> = doc
        .range(1, 12.min(doc.len()))
        .map(|(_, l)| l.trim())
        .filter(|l| !l.is_empty())
        .collect();
    let title = head.iter().take(2).copied().collect::<Vec<_>>().join(" ");
    let issue = head
        .iter()
        .find(|l| l.starts_with("Issue") || l.starts_with("文档版本"))
        .copied()
        .unwrap_or("");
    let date = head
        .iter()
        .find_map(|l| {
            l.strip_prefix("Date")
                .or_else(|| l.strip_prefix("发布日期"))
        })
        .map(str::trim)
        .unwrap_or("");
    let revision = match (issue.is_empty(), date.is_empty()) {
        (false, false) => format!("{issue} ({date})"),
        (false, true) => issue.to_string(),
        _ => date.to_string(),
    };
    (title, revision)
}

/// The service code: the prefix of IAM actions the document quotes (`“dms:instance:create”`),
/// else the `{cse_endpoint}` style placeholder.
pub fn product_code(doc: &Document) -> Option<String> {
    let text: Vec<&str> = doc.range(1, doc.len()).map(|(_, l)| l).collect();
    text.iter()
        .find_map(|l| IAM_ACTION.captures(l).map(|c| c[1].to_string()))
        .or_else(|| {
            text.iter()
                .find_map(|l| ENDPOINT_VAR.captures(l).map(|c| c[1].to_string()))
        })
}

/// The host placeholder most request examples use (`{endpoint}`).
pub fn endpoint(doc: &Document) -> Option<String> {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for (_, l) in doc.range(1, doc.len()) {
        for c in HOST.captures_iter(l) {
            *counts.entry(c[1].to_string()).or_insert(0) += 1;
        }
    }
    counts.into_iter().max_by_key(|(_, n)| *n).map(|(h, _)| h)
}

fn section_of(headings: &[Heading], line: usize) -> String {
    headings
        .iter()
        .rfind(|h| h.line <= line)
        .map(|h| h.number.clone())
        .unwrap_or_default()
}

fn at(headings: &[Heading], line: usize) -> Option<SourceRef> {
    Some(SourceRef {
        section: section_of(headings, line),
        line: u32::try_from(line).unwrap_or(0),
    })
}

/// Auth schemes the text describes: token (`X-Auth-Token`), AK/SK signing, and the
/// engine's own `Authorization: Bearer` tokens (CSE 7.2.1).
pub fn auth(doc: &Document, headings: &[Heading]) -> Vec<AuthScheme> {
    // Labels compared without spaces: DMS prints `Token 认证` / `AK/SK 认证`.
    let find = |pred: &dyn Fn(&str) -> bool| {
        doc.range(1, doc.len())
            .find(|(_, l)| pred(&l.replace(' ', "")))
            .map(|(n, _)| n)
    };
    let mut out = Vec::new();
    if let Some(n) = find(&|l| l == "Token-basedAuthentication" || l == "Token认证") {
        out.push(AuthScheme::HuaweiToken {
            section: at(headings, n),
        });
    }
    if let Some(n) = find(&|l| l == "AK/SK-basedAuthentication" || l == "AK/SK认证") {
        out.push(AuthScheme::HuaweiAkSk {
            section: at(headings, n),
        });
    }
    if let Some(n) = find(&|l| l.starts_with("Authorization:Bearer")) {
        out.push(AuthScheme::Bearer {
            section: at(headings, n),
        });
    }
    out
}

/// Common request headers: the `名称 描述 是否必选 示例` table (DMS 表 3-2), or the bullet
/// list under the "Request Header" paragraph (CSE 3.1).
pub fn common_parameters(
    doc: &Document,
    tables: &[Table],
    before: usize,
    diags: &mut Diagnostics,
) -> Vec<Field> {
    let mut out = Vec::new();
    for t in tables.iter().filter(|t| t.header_line < before) {
        let title = t
            .caption
            .as_ref()
            .map(|c| c.title.replace(' ', ""))
            .unwrap_or_default();
        if !title.contains("公共请求消息头") {
            continue;
        }
        let (name, desc, req, ex) = (
            t.column(&["名称"]),
            t.column(&["描述"]),
            t.column(&["是否必选"]),
            t.column(&["示例"]),
        );
        for row in &t.rows {
            if row.cells == t.header {
                continue;
            }
            let mut f = Field::new(clean_name(row.cell(name)), TypeExpr::String);
            f.location = Some(Location::Header);
            let req_cell = strip_html(row.cell(req));
            f.required = parse_required(&req_cell).unwrap_or(false);
            let info = parse_description(row.cell(desc));
            f.description = info.text;
            // The mandatory cell may carry a condition (`否 使用AK/SK认证时该字段必选。`).
            if let Some((_, cond)) = req_cell.split_once(char::is_whitespace) {
                f.description = format!("{} {}", f.description, cond.trim())
                    .trim()
                    .to_string();
            }
            let example = strip_html(row.cell(ex));
            f.example = (!example.is_empty()).then_some(example);
            f.line = u32::try_from(row.line).ok();
            out.push(f);
        }
    }
    if !out.is_empty() {
        return out;
    }
    let Some(start) = doc
        .range(1, before)
        .find(|(_, l)| l.trim() == "Request Header")
        .map(|(n, _)| n)
    else {
        return out;
    };
    for (n, l) in doc.range(start + 1, before) {
        let t = l.trim();
        if t == "Request Body" || t.starts_with("```") {
            break;
        }
        if let Some(c) = BULLET_HEADER.captures(t) {
            let mut f = Field::new(c[1].to_string(), TypeExpr::String);
            f.location = Some(Location::Header);
            let desc = c[2].replace("**", "");
            f.required = desc.contains("This field is mandatory");
            let info = parse_description(&desc);
            f.description = info.text;
            f.default = info.default.map(serde_json::Value::String);
            f.line = u32::try_from(n).ok();
            out.push(f);
        }
    }
    if out.is_empty() {
        diags.note(
            start,
            "no common request headers found under `Request Header`",
        );
    }
    out
}

/// The error body shown in the "Response" chapter: a fenced object of exactly
/// `error_code` and `error_msg`.
pub fn error_format(
    doc: &Document,
    blocks: &[Block],
    headings: &[Heading],
    before: usize,
) -> Option<ErrorFormat> {
    let _ = doc;
    for b in blocks.iter().filter(|b| b.line < before) {
        let Ok(v) = parse_json_lenient(b.text.trim()) else {
            continue;
        };
        let Some(obj) = v.as_object() else { continue };
        if obj.len() == 2 && obj.contains_key("error_code") && obj.contains_key("error_msg") {
            return Some(ErrorFormat {
                code_field: "error_code".into(),
                message_field: "error_msg".into(),
                request_id_field: None,
                example: Some(v.clone()),
                section: at(headings, b.line),
            });
        }
    }
    None
}

/// Error-code tables of the appendix: a status column, an error-code column (codes split
/// by a PDF wrap are re-joined: `SVCSTG.0050 1134`, `DMS. 00400012`) and empty status
/// cells carrying the row above down (CSE 8.3 row spans).
pub fn error_codes(tables: &[Table], diags: &mut Diagnostics) -> Vec<ErrorCode> {
    let mut out: Vec<ErrorCode> = Vec::new();
    for t in tables {
        let status = t.column(&["Status Codes", "Status Code", "状态码"]);
        let code = t.column(&["Error Code", "错误码"]);
        let (Some(_), Some(_)) = (status, code) else {
            continue;
        };
        let msg = t.column(&["Error Message", "错误信息"]);
        let desc = t.column(&["Description", "描述"]);
        let sol = t.column(&["Solution", "处理措施"]);
        let mut carry: Option<u16> = None;
        for row in &t.rows {
            if row.cells == t.header {
                continue;
            }
            let s = row.cell(status);
            if !s.is_empty() {
                carry = s.parse().ok();
                if carry.is_none() {
                    diags.warn(
                        row.line,
                        format!("error-code row: status `{s}` is not a number"),
                    );
                }
            }
            let c: String = row.cell(code).split_whitespace().collect();
            if c.is_empty() {
                diags.warn(row.line, "error-code row without a code");
                continue;
            }
            if out.iter().any(|e| e.code == c) {
                diags.note(row.line, format!("error code `{c}` listed twice"));
            }
            out.push(ErrorCode {
                status: carry,
                code: c,
                message: strip_html(row.cell(msg)),
                description: strip_html(row.cell(desc)),
                solution: strip_html(row.cell(sol)),
                line: u32::try_from(row.line).ok(),
            });
        }
    }
    out
}

/// The appendix status-code table (`Status Code Message Description` / `状态码 编码 错误码说明`).
pub fn status_codes(tables: &[Table], diags: &mut Diagnostics) -> Vec<StatusCode> {
    let mut out: Vec<StatusCode> = Vec::new();
    for t in tables {
        let h = t.header_text();
        if h != "Status Code Message Description" && h != "状态码 编码 错误码说明" {
            continue;
        }
        for row in &t.rows {
            if row.cells == t.header {
                continue;
            }
            let Ok(status) = row.cell(Some(0)).parse::<u16>() else {
                diags.warn(
                    row.line,
                    format!("status-code row `{}` is not a number", row.cell(Some(0))),
                );
                continue;
            };
            let message = strip_html(row.cell(Some(1)));
            let message = if message == "-" {
                String::new()
            } else {
                message
            };
            out.push(StatusCode {
                status,
                message,
                description: strip_html(row.cell(Some(2))),
            });
        }
    }
    out
}

/// Table numbers must run without gaps inside a chapter; a gap means tables were lost
/// with a page (CSE 7.3.4, 7.3.7, 7.5.2, 7.5.4, 7.5.9, 7.7.4).
pub fn caption_gaps(tables: &[Table], diags: &mut Diagnostics) {
    let mut last: Option<(String, u32)> = None;
    for t in tables {
        let Some(c) = &t.caption else { continue };
        let Some((ch, n)) = c.number.split_once('-') else {
            continue;
        };
        let Ok(n) = n.parse::<u32>() else { continue };
        if let Some((pch, pn)) = &last {
            if pch == ch && n > pn + 1 {
                let missing = if n == pn + 2 {
                    format!("{ch}-{}", pn + 1)
                } else {
                    format!("{ch}-{} … {ch}-{}", pn + 1, n - 1)
                };
                diags.warn(c.line, format!("table numbering jumps from {ch}-{pn} to {ch}-{n}: table(s) {missing} are missing (lost page?)"));
            }
        }
        last = Some((ch.to_string(), n));
    }
}
