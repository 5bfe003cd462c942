//! Documented examples: joining fences a page break split, and reading the JSON the
//! documents print (which is often not quite JSON: trailing commas, comments, unquoted
//! keys, strings broken by a page wrap, stray page numbers).

use super::tables::{Document, Fence};

/// A fenced example after joining page-split fences.
#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    /// Line of the first opening fence.
    pub line: usize,
    /// Line of the last closing fence.
    pub end: usize,
    pub text: String,
}

/// Join fences separated only by blank lines (or a lone page number) when the first one
/// is not complete on its own (brackets unbalanced), as a page break leaves them.
///
/// The PDF conversion also *closes* a JSON example at a page break: the first part ends
/// with closing brackets it made up, the second part starts mid-object (`"key": …`, `},`).
/// Such a continuation is joined by dropping as many of the made-up closing lines as it
/// takes for the whole to read as JSON (none when nothing fits: the parts stay apart).
pub fn join_fences(doc: &Document, fences: &[Fence]) -> Vec<Block> {
    let mut out: Vec<Block> = Vec::new();
    // Blocks joined from a closed part and its continuation.
    let mut continued: Vec<bool> = Vec::new();
    for f in fences {
        if let Some(prev) = out.last_mut() {
            let gap_blank = doc.range(prev.end + 1, f.start - 1).all(|(_, l)| {
                l.trim().is_empty()
                    || (l.trim().len() <= 4 && l.trim().chars().all(|c| c.is_ascii_digit()))
            });
            if gap_blank && !balanced(&prev.text) && looks_structured(&prev.text) {
                prev.text.push('\n');
                prev.text.push_str(&f.text);
                prev.end = f.end;
                continue;
            }
            if gap_blank && continues_json(&f.text) {
                if let Some(joined) = join_closed_json(&prev.text, &f.text) {
                    prev.text = joined;
                    prev.end = f.end;
                    if let Some(c) = continued.last_mut() {
                        *c = true;
                    }
                    continue;
                }
            }
        }
        out.push(Block {
            line: f.start,
            end: f.end,
            text: f.text.clone(),
        });
        continued.push(false);
    }
    for (block, _) in out.iter_mut().zip(continued).filter(|(_, c)| *c) {
        if parse_json_lenient(&block.text).is_err() {
            if let Some(closed) = close_json(&block.text) {
                if parse_json_lenient(&closed).is_ok() {
                    block.text = closed;
                }
            }
        }
    }
    out
}

/// A fence that starts mid-object: a `"key":` member or a closing bracket, which no
/// example starts with on its own.
fn continues_json(text: &str) -> bool {
    let first = text.trim_start();
    if first.starts_with(['}', ']']) {
        return true;
    }
    let Some(rest) = first.strip_prefix('"') else {
        return false;
    };
    let mut state = StringState {
        in_str: true,
        esc: false,
    };
    let close = rest.char_indices().find(|&(_, c)| {
        state.outside(c);
        !state.in_str
    });
    close.is_some_and(|(i, _)| rest[i + 1..].trim_start().starts_with(':'))
}

/// `first` (closed by the conversion) continued by `second`: drop 0, 1, … trailing lines
/// of `first` that hold only closing brackets until the joined text reads as JSON, or
/// as the start of JSON that a later part (or [`close_json`]) completes.
fn join_closed_json(first: &str, second: &str) -> Option<String> {
    let lines: Vec<&str> = first.trim_end().lines().collect();
    let closers = lines
        .iter()
        .rev()
        .take_while(|l| {
            let t = l.trim();
            !t.is_empty() && t.chars().all(|c| matches!(c, '}' | ']' | ',' | ' '))
        })
        .count();
    // A request example's fence may start with its request line; the JSON follows it.
    let json_start = lines
        .iter()
        .position(|l| l.trim_start().starts_with(['{', '[']))?;
    (0..=closers.min(lines.len() - json_start)).find_map(|k| {
        let body = lines[json_start..lines.len() - k].join("\n");
        let joined = format!("{body}\n{second}");
        let reads = parse_json_lenient(&joined).is_ok()
            || close_json(&joined).is_some_and(|closed| parse_json_lenient(&closed).is_ok());
        reads.then(|| format!("{}\n{second}", lines[..lines.len() - k].join("\n")))
    })
}

/// `text` with the closing brackets it lacks appended (a page break lost the last ones);
/// `None` when it is balanced already or its brackets do not nest.
fn close_json(text: &str) -> Option<String> {
    let mut open: Vec<char> = Vec::new();
    let mut strings = StringState::default();
    for c in text.chars() {
        if strings.outside(c) {
            match c {
                '{' => open.push('}'),
                '[' => open.push(']'),
                '}' | ']' if open.pop() != Some(c) => return None,
                _ => {}
            }
        }
    }
    if open.is_empty() || strings.in_str {
        return None;
    }
    let mut out = text.trim_end().to_string();
    for c in open.iter().rev() {
        out.push('\n');
        out.push(*c);
    }
    Some(out)
}

fn looks_structured(text: &str) -> bool {
    let t = text.trim_start();
    t.starts_with('{') || t.starts_with('[') || t.starts_with('<') || t.contains('{')
}

/// Whether `{}`/`[]` (outside strings) and XML open/close tags are balanced.
fn balanced(text: &str) -> bool {
    let t = text.trim();
    if let Some(xml) = t.strip_prefix('<') {
        // XML: compare the root open tag with the last close tag.
        let root = xml
            .split(|c: char| c == '>' || c.is_whitespace())
            .next()
            .unwrap_or("");
        return t.ends_with(&format!("</{root}>")) || t.ends_with("/>");
    }
    let mut depth: i64 = 0;
    let mut strings = StringState::default();
    for c in t.chars() {
        if strings.outside(c) {
            match c {
                '{' | '[' => depth += 1,
                '}' | ']' => depth -= 1,
                _ => {}
            }
        }
    }
    depth <= 0
}

/// Parse JSON as the documents print it. Strict JSON first; then a repaired copy read
/// as JSON5 (trailing commas, comments, unquoted keys); the error is the strict one.
pub fn parse_json_lenient(text: &str) -> Result<serde_json::Value, NotJson> {
    let strict = match serde_json::from_str::<serde_json::Value>(text) {
        Ok(v) => return Ok(v),
        Err(e) => e,
    };
    let repaired = repair(text);
    if let Ok(v) = serde_json::from_str::<serde_json::Value>(&repaired) {
        return Ok(v);
    }
    json5::from_str::<serde_json::Value>(&repaired).map_err(|_| NotJson(strict))
}

/// An example that does not read as JSON even leniently: the strict parser's error (with its
/// line and column in the example).
#[derive(Debug, thiserror::Error)]
#[error("not JSON: {0}")]
pub struct NotJson(pub serde_json::Error);

/// Mechanical repairs: drop lone page-number lines, re-join strings a line wrap split,
/// drop trailing commas before a closing bracket.
fn repair(text: &str) -> String {
    let mut lines: Vec<String> = Vec::new();
    for l in text.lines() {
        let t = l.trim();
        if !t.is_empty()
            && t.len() <= 3
            && t.chars().all(|c| c.is_ascii_digit())
            && !lines.is_empty()
        {
            // A page number inside a value list would be followed by a comma; skip only bare ones.
            continue;
        }
        if t.is_empty() {
            continue;
        }
        // A string left open at the end of the previous line continues here.
        if let Some(prev) = lines.last_mut() {
            if open_string(prev) {
                prev.push_str(t);
                continue;
            }
        }
        lines.push(l.to_string());
    }
    let joined = lines.join("\n");
    // Trailing commas.
    let mut out = String::with_capacity(joined.len());
    let chars: Vec<char> = joined.chars().collect();
    let mut strings = StringState::default();
    for (i, &c) in chars.iter().enumerate() {
        if strings.outside(c) && c == ',' {
            let next = chars[i + 1..].iter().find(|c| !c.is_whitespace());
            if matches!(next, Some('}') | Some(']') | None) {
                continue;
            }
        }
        out.push(c);
    }
    out
}

/// Whether a line ends inside a string literal.
fn open_string(line: &str) -> bool {
    let mut strings = StringState::default();
    line.chars().for_each(|c| {
        strings.outside(c);
    });
    strings.in_str
}

/// Tracks JSON string literals (with escapes) over a stream of characters.
#[derive(Default)]
struct StringState {
    in_str: bool,
    esc: bool,
}

impl StringState {
    /// Feed one character; true when it stands outside any string literal (quotes
    /// themselves count as inside).
    fn outside(&mut self, c: char) -> bool {
        if self.in_str {
            match (self.esc, c) {
                (true, _) => self.esc = false,
                (false, '\\') => self.esc = true,
                (false, '"') => self.in_str = false,
                _ => {}
            }
            false
        } else if c == '"' {
            self.in_str = true;
            false
        } else {
            true
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn trailing_commas_and_comments() {
        assert_eq!(
            parse_json_lenient("{\"a\": 1, /* x */ \"b\": [1,2,],}").unwrap(),
            json!({"a":1,"b":[1,2]})
        );
    }

    #[test]
    fn string_split_by_line_wrap() {
        let v = parse_json_lenient("{\"id\": \"worker-k8s-for-cs-c6fd\n7804fcb\"}").unwrap();
        assert_eq!(
            v,
            json!({"id": "worker-k8s-for-cs-c67804fcb".replace("c67", "c6fd7")})
        );
    }

    #[test]
    fn unquoted_keys() {
        assert_eq!(
            parse_json_lenient("{regionId: \"X\"}").unwrap(),
            json!({"regionId":"X"})
        );
    }

    #[test]
    fn page_split_fences_are_joined() {
        let doc = Document::new("```\n{\n  \"a\": 1,\n```\n\n```\n  \"b\": 2\n}\n```\n");
        let blocks = join_fences(&doc, &doc.fences());
        assert_eq!(blocks.len(), 1);
        assert_eq!(blocks[0].line, 1);
        assert_eq!(
            parse_json_lenient(&blocks[0].text).unwrap(),
            json!({"a":1,"b":2})
        );
    }

    #[test]
    fn fences_the_conversion_closed_are_joined() {
        // CSE QueryInformationAboutAllMicroservices (L5591 ff.): the first part ends with
        // three made-up closers, the second part continues inside the first service.
        let doc = Document::new(
            "```\n{\n  \"services\": [\n    {\n      \"a\": \"1\",\n    }\n  ]\n}\n```\n\n\
             ```\n\n    \"b\": \"2\"\n  },\n  {\n    \"a\": \"3\"\n  }\n  ]\n```\n",
        );
        let blocks = join_fences(&doc, &doc.fences());
        assert_eq!(blocks.len(), 1);
        assert_eq!(
            parse_json_lenient(&blocks[0].text).unwrap(),
            json!({"services": [{"a": "1", "b": "2"}, {"a": "3"}]})
        );
        // DMS CreateInstanceTopic (L3118 ff.): `} ],` is real, only the last `}` made up.
        let doc = Document::new(
            "```\n{\n  \"t\": [ {\n    \"n\": 1\n  } ],\n}\n```\n\n```\n\"d\" : \"\"  \n}\n```\n",
        );
        let blocks = join_fences(&doc, &doc.fences());
        assert_eq!(blocks.len(), 1);
        assert_eq!(
            parse_json_lenient(&blocks[0].text).unwrap(),
            json!({"t": [{"n": 1}], "d": ""})
        );
    }

    #[test]
    fn an_example_in_four_parts_is_joined() {
        // DMS ListInstanceExtend (L2785-3080): the first part closed, the second open.
        let doc = Document::new(
            "```\n{\n \"a\": [ {\n  \"b\": {\n   \"c\": 1\n  }\n } ]\n}\n```\n\n\
             ```\n\n  },\n  \"d\": [ {\n   \"e\": 2\n  } ],\n\n```\n\n\
             ```\n\n  \"f\": 3\n } ]\n}\n```\n",
        );
        let blocks = join_fences(&doc, &doc.fences());
        assert_eq!(blocks.len(), 1, "{blocks:?}");
        assert_eq!(
            parse_json_lenient(&blocks[0].text).unwrap(),
            json!({"a": [{"b": {"c": 1}, "d": [{"e": 2}], "f": 3}]})
        );
    }

    #[test]
    fn unrelated_fences_stay_apart() {
        // A second example that is not JSON-continuable stays its own block.
        let doc = Document::new("```\n{\"a\": 1}\n```\n\n```\n\"x\": {\n```\n");
        assert_eq!(join_fences(&doc, &doc.fences()).len(), 2);
    }

    #[test]
    fn complete_fences_stay_apart() {
        let doc = Document::new("```\n{}\n```\n\n```\n{}\n```\n");
        assert_eq!(join_fences(&doc, &doc.fences()).len(), 2);
    }
}
