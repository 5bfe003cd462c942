//! Request and response examples of one operation.

use super::outline::{status_marker, Part};
use crate::extract::examples::{parse_json_lenient, Block};
use crate::extract::tables::Document;
use crate::extract::Diagnostics;
use crate::spec::model::{Example, ExampleFormat, Method, Response};
use indexmap::IndexMap;
use regex::Regex;
use std::sync::LazyLock;

static REQUEST_LINE: LazyLock<Regex> = LazyLock::new(|| {
    // A `{placeholder}` in the URL may hold spaces (`https://{Service center address}/v4/token`).
    Regex::new(r#"^[`"'“]?\s*(GET|POST|PUT|DELETE|PATCH|HEAD)\s+((?:\{[^{}\s][^{}]*\}|[^\s{])+)"#)
        .expect("regex")
});

/// `METHOD https://{endpoint}/v2/...` → (method, target without scheme and host).
pub fn request_line(line: &str) -> Option<(Method, String)> {
    let c = REQUEST_LINE.captures(line.trim())?;
    let method = Method::parse(&c[1])?;
    let url = c[2].trim_end_matches(['`', '"', '\'', '”']);
    let target = match url.split_once("://") {
        Some((_, rest)) => rest
            .find('/')
            .map(|i| rest[i..].to_string())
            .unwrap_or_else(|| "/".into()),
        None if url.starts_with('/') => url.to_string(),
        // `{endpoint}/v4/...` without a scheme.
        None => url
            .find('/')
            .map(|i| url[i..].to_string())
            .unwrap_or_else(|| url.to_string()),
    };
    Some((method, target))
}

/// A path wrapped after a `/` continues on the next line (`…/microservices/⏎e0f0da…`): one
/// word, no JSON, no header, no form pair.
fn continues_path(target: &str, next: &str) -> bool {
    let n = next.trim();
    !target.contains('?')
        && target.ends_with('/')
        && !n.is_empty()
        && !n.contains(char::is_whitespace)
        && !n.starts_with(['{', '[', '/'])
        && !n.contains([':', '=', '&', '"'])
}

/// A form body printed after the request line (`a=1&b=&c=x`): the pairs in order, or
/// `None` when the line is not one.
fn form_pairs(target: &str, line: &str) -> Option<IndexMap<String, String>> {
    let l = line.trim();
    if target.contains('?')
        || l.is_empty()
        || l.contains(char::is_whitespace)
        || l.starts_with(['{', '['])
    {
        return None;
    }
    let mut out = IndexMap::new();
    for pair in l.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=')?;
        if k.is_empty()
            || !k
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'))
        {
            return None;
        }
        out.insert(k.to_string(), v.to_string());
    }
    (!out.is_empty()).then_some(out)
}

fn in_part(part_at: &dyn Fn(usize) -> Part, line: usize, p: Part) -> bool {
    part_at(line) == p
}

/// A wrapped query string continues the request line: no spaces, has `=`/`&`.
fn continues_query(target: &str, next: &str) -> bool {
    let n = next.trim();
    target.contains('?')
        && !n.is_empty()
        && !n.contains(char::is_whitespace)
        && (n.contains('=') || n.starts_with('&'))
}

/// Request examples: request lines (outside or inside fences) and the JSON after them.
pub fn requests(
    doc: &Document,
    start: usize,
    end: usize,
    part_at: &dyn Fn(usize) -> Part,
    blocks: &[Block],
    diags: &mut Diagnostics,
) -> Vec<Example> {
    let mut out: Vec<Example> = Vec::new();
    let mut title = String::new();
    let mut awaiting_body = false;
    let mut n = start;
    while n <= end {
        if !in_part(part_at, n, Part::ExampleRequest) {
            n += 1;
            continue;
        }
        if let Some(b) = blocks.iter().find(|b| b.line == n) {
            let text = b.text.trim();
            let mut lines = text.lines();
            let first = lines.clone().next().unwrap_or("");
            if let Some((method, target)) = request_line(first) {
                lines.next();
                let mut target = target;
                let rest: Vec<&str> = lines.collect();
                let mut i = 0;
                while i < rest.len()
                    && (continues_query(&target, rest[i]) || continues_path(&target, rest[i]))
                {
                    target.push_str(rest[i].trim());
                    i += 1;
                }
                let form = rest.get(i).and_then(|l| form_pairs(&target, l));
                if form.is_some() {
                    i += 1;
                }
                // Header lines (`Name: value`) before the body.
                while i < rest.len() && !rest[i].trim_start().starts_with(['{', '[']) {
                    i += 1;
                }
                let body = rest[i.min(rest.len())..].join("\n");
                let mut ex = http_example(b.line, std::mem::take(&mut title), method, target);
                if let Some(form) = form {
                    ex.params = form;
                }
                awaiting_body = body.trim().is_empty() && ex.params.is_empty();
                if !body.trim().is_empty() {
                    set_json(&mut ex, &body, b.line, diags);
                }
                out.push(ex);
            } else if awaiting_body && out.last().is_some() {
                if let Some(ex) = out.last_mut() {
                    set_json(ex, text, b.line, diags);
                }
                awaiting_body = false;
            } else if !text.is_empty() {
                out.push(json_example(
                    b.line,
                    std::mem::take(&mut title),
                    text,
                    diags,
                ));
            }
            n = b.end + 1;
            continue;
        }
        let l = doc.line(n).trim();
        if let Some((method, mut target)) = request_line(l) {
            let mut m = n + 1;
            while m <= end
                && (continues_query(&target, doc.line(m)) || continues_path(&target, doc.line(m)))
            {
                target.push_str(doc.line(m).trim());
                m += 1;
            }
            out.push(http_example(n, std::mem::take(&mut title), method, target));
            awaiting_body = true;
            n = m;
            continue;
        }
        if !l.is_empty() && l != "Example Request" && l != "请求示例" && l != "无" && l != "None"
        {
            title = l.trim_start_matches(['-', '•', ' ']).trim().to_string();
        }
        n += 1;
    }
    out
}

fn http_example(line: usize, title: String, method: Method, target: String) -> Example {
    Example {
        format: ExampleFormat::Http,
        line: line as u32,
        title,
        method: Some(method),
        target: Some(target),
        params: IndexMap::new(),
        json: None,
        raw: None,
        mismatch: None,
    }
}

/// A JSON example at `line` titled `title`: the body `text` (see [`set_json`]).
fn json_example(line: usize, title: String, text: &str, diags: &mut Diagnostics) -> Example {
    let mut ex = Example {
        format: ExampleFormat::Json,
        line: line as u32,
        title,
        method: None,
        target: None,
        params: IndexMap::new(),
        json: None,
        raw: None,
        mismatch: None,
    };
    set_json(&mut ex, text, line, diags);
    ex
}

fn set_json(ex: &mut Example, text: &str, line: usize, diags: &mut Diagnostics) {
    let t = text.trim();
    if t.starts_with(['{', '[']) {
        match parse_json_lenient(t) {
            Ok(v) => ex.json = Some(v),
            Err(e) => {
                diags.warn(line, format!("example is not JSON ({e}); kept as raw text"));
                ex.raw = Some(text.to_string());
            }
        }
    } else {
        ex.raw = Some(text.to_string());
        if ex.format == ExampleFormat::Json {
            ex.format = ExampleFormat::Text;
        }
    }
}

/// Response examples: fenced blocks after `Status code: NNN` markers (V1 pages have no
/// markers: their examples belong to the first listed status).
#[allow(clippy::too_many_arguments)]
pub fn responses(
    doc: &Document,
    start: usize,
    end: usize,
    part_at: &dyn Fn(usize) -> Part,
    blocks: &[Block],
    default_status: u16,
    responses: &mut Vec<Response>,
    diags: &mut Diagnostics,
) {
    let mut status = default_status;
    let mut title = String::new();
    let mut n = start;
    while n <= end {
        if !in_part(part_at, n, Part::ExampleResponse) {
            n += 1;
            continue;
        }
        if let Some(b) = blocks.iter().find(|b| b.line == n) {
            let ex = json_example(b.line, std::mem::take(&mut title), &b.text, diags);
            let r = match responses.iter().position(|r| r.status == status) {
                Some(i) => &mut responses[i],
                None => {
                    diags.note(
                        b.line,
                        format!("example for status {status}, which the operation does not list"),
                    );
                    responses.push(Response {
                        status,
                        description: String::new(),
                        headers: Vec::new(),
                        body: None,
                        examples: Vec::new(),
                    });
                    let last = responses.len() - 1;
                    &mut responses[last]
                }
            };
            r.examples.push(ex);
            n = b.end + 1;
            continue;
        }
        let l = doc.line(n).trim();
        if let Some(s) = status_marker(l) {
            status = s;
            title.clear();
        } else if !l.is_empty()
            && !matches!(
                l,
                "Example Response" | "Example Responses" | "响应示例" | "响应样例" | "无" | "None"
            )
        {
            title = l.to_string();
        }
        n += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_lines() {
        assert_eq!(
            request_line("POST https://{endpoint}/v2/{project_id}/instances").unwrap(),
            (Method::Post, "/v2/{project_id}/instances".to_string())
        );
        assert_eq!(
            request_line("`GET https://{endpoint}/v1/x`").unwrap().1,
            "/v1/x"
        );
        assert_eq!(
            request_line("PUT /v4/default/registry/x").unwrap().1,
            "/v4/default/registry/x"
        );
        assert!(request_line("OK").is_none());
    }

    /// CSE 7.2.1 prints its host as a placeholder with spaces; the target is the path.
    #[test]
    fn placeholder_host_with_spaces() {
        assert_eq!(
            request_line("POST https://{Service center address}/v4/token").unwrap(),
            (Method::Post, "/v4/token".to_string())
        );
    }

    fn one_request(text: &str) -> Vec<Example> {
        let doc = Document::new(text);
        let blocks = crate::extract::examples::join_fences(&doc, &doc.fences());
        let mut diags = Diagnostics::default();
        let part = |_: usize| Part::ExampleRequest;
        requests(&doc, 1, doc.len(), &part, &blocks, &mut diags)
    }

    /// CSE 7.3.2: the path wraps after its last `/`.
    #[test]
    fn wrapped_path_is_joined() {
        let ex = one_request(
            "```\nDELETE https://{endpoint}/v4/p1/registry/microservices/\ne0f0da07\n```\n",
        );
        assert_eq!(ex.len(), 1);
        assert_eq!(
            ex[0].target.as_deref(),
            Some("/v4/p1/registry/microservices/e0f0da07")
        );
    }

    /// CSE 6.2/6.3: a form body after the request line becomes the example's parameters.
    #[test]
    fn form_body_is_kept() {
        let ex = one_request(
            "Request form data example:\n\n```\nPOST https://{endpoint}/v1/{project_id}/nacos/v1/console/namespaces\n\
             customNamespaceId=namespace_id&namespaceName=namespace_name&namespaceDesc=&namespaceId=\n```\n",
        );
        assert_eq!(ex.len(), 1);
        assert_eq!(
            ex[0].target.as_deref(),
            Some("/v1/{project_id}/nacos/v1/console/namespaces")
        );
        let pairs: Vec<(&str, &str)> = ex[0]
            .params
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        assert_eq!(
            pairs,
            [
                ("customNamespaceId", "namespace_id"),
                ("namespaceName", "namespace_name"),
                ("namespaceDesc", ""),
                ("namespaceId", "")
            ]
        );
        assert!(ex[0].json.is_none() && ex[0].raw.is_none());
    }
}
