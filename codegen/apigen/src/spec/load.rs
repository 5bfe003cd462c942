//! YAML ⇄ IR. Every loading error carries file, line and column.
//!
//! Loading has three stages, each with its own [`ErrorKind`]:
//!
//! 1. reading: the file must exist and be UTF-8 ([`read_file`]);
//! 2. parsing: the YAML must be well formed and have the model's shape ([`parse_str`]);
//!    `yaml_serde` reports where, and what it expected;
//! 3. validation: [`validate`](super::validate::validate) finds semantic problems and
//!    names each by a *spec path* (`operations[CreateTopic].parameters[Tag]`); a
//!    [`Locator`] maps that path back to a line and column of the YAML text.
//!
//! [`load_str`] and [`load_file`] run all three and fail on any error-level problem.

// `LoadError` is 128 bytes (file, position, path, message, further errors). Loading fails
// at most once per file, so boxing it would only make every caller's code noisier.
#![allow(clippy::result_large_err)]

use super::model::Spec;
use super::validate::{self, Problem};
use std::fmt;
use std::path::Path;

/// First line of every spec file written by [`to_yaml`]: lets YAML editors that use
/// `yaml-language-server` validate and complete the file against `specs/spec.schema.json`.
/// It is a YAML comment, so loading ignores it.
pub const SCHEMA_COMMENT: &str = "# yaml-language-server: $schema=spec.schema.json";

/// Which stage of loading failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The file could not be read.
    Io,
    /// The file is not UTF-8 text.
    Encoding,
    /// The text is not well-formed YAML (or is empty).
    Syntax,
    /// Well-formed YAML that does not have the spec model's shape (wrong type, unknown or
    /// missing key, bad type expression).
    Shape,
    /// The spec has the right shape but fails validation.
    Semantic,
}

/// A loading error, located in the file where possible.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadError {
    pub file: String,
    /// 1-based line.
    pub line: Option<usize>,
    /// 1-based column (in characters).
    pub column: Option<usize>,
    pub kind: ErrorKind,
    /// Spec path of a semantic problem (`operations[X].parameters[Y]`).
    pub at: Option<String>,
    /// What is wrong and what was expected.
    pub message: String,
    /// Further errors in the same file (validation reports all of them).
    pub more: Box<[LoadError]>,
}

impl LoadError {
    fn new(
        file: &str,
        kind: ErrorKind,
        pos: Option<(usize, usize)>,
        message: impl Into<String>,
    ) -> LoadError {
        LoadError {
            file: file.to_string(),
            line: pos.map(|p| p.0),
            column: pos.map(|p| p.1),
            kind,
            at: None,
            message: message.into(),
            more: Box::default(),
        }
    }

    /// This error and the further ones, in file order.
    pub fn all(&self) -> impl Iterator<Item = &LoadError> {
        std::iter::once(self).chain(self.more.iter())
    }

    fn fmt_one(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:", self.file)?;
        if let Some(l) = self.line {
            write!(f, "{l}:")?;
            if let Some(c) = self.column {
                write!(f, "{c}:")?;
            }
        }
        write!(f, " {}: ", crate::severity::Severity::Error)?;
        if let Some(at) = &self.at {
            write!(f, "{at}: ")?;
        }
        f.write_str(&self.message)
    }
}

/// `file:line:col: error: [path: ]message`, one line per error.
impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.fmt_one(f)?;
        for e in self.more.iter() {
            f.write_str("\n")?;
            e.fmt_one(f)?;
        }
        Ok(())
    }
}

impl std::error::Error for LoadError {}

/// Read a spec file as text. Non-UTF-8 content is an [`ErrorKind::Encoding`] error at
/// the first bad byte.
pub fn read_file(path: &Path) -> Result<String, LoadError> {
    let file = path.display().to_string();
    let bytes = std::fs::read(path)
        .map_err(|e| LoadError::new(&file, ErrorKind::Io, None, e.to_string()))?;
    match String::from_utf8(bytes) {
        Ok(text) => Ok(text),
        Err(e) => {
            let bytes = e.as_bytes();
            let good = e.utf8_error().valid_up_to();
            // The prefix up to `good` is valid UTF-8 by definition.
            let prefix = std::str::from_utf8(&bytes[..good]).unwrap_or("");
            let (line, column) = line_column(prefix, good);
            let byte = bytes.get(good).copied().unwrap_or(0);
            Err(LoadError::new(
                &file,
                ErrorKind::Encoding,
                Some((line, column)),
                format!("invalid UTF-8 (byte 0x{byte:02X}): expected a UTF-8 YAML text"),
            ))
        }
    }
}

/// Parse and validate a spec file; fails on unreadable files, malformed YAML, a wrong
/// shape, or any error-level validation problem.
pub fn load_file(path: &Path) -> Result<Spec, LoadError> {
    let text = read_file(path)?;
    load_str(&path.display().to_string(), &text)
}

/// Parse a spec file without semantic validation (see [`parse_str`]).
pub fn parse_file(path: &Path) -> Result<Spec, LoadError> {
    let text = read_file(path)?;
    parse_str(&path.display().to_string(), &text)
}

/// Parse and validate spec text; `file` names it in errors. Warnings do not fail.
pub fn load_str(file: &str, text: &str) -> Result<Spec, LoadError> {
    let spec = parse_str(file, text)?;
    let errors: Vec<Problem> = validate::validate(&spec)
        .into_iter()
        .filter(Problem::is_error)
        .collect();
    let mut located = locate_problems(file, text, &errors)
        .into_iter()
        .map(|p| LoadError {
            file: p.file,
            line: p.line,
            column: p.column,
            kind: ErrorKind::Semantic,
            at: Some(p.problem.at),
            message: p.problem.message,
            more: Box::default(),
        });
    match located.next() {
        None => Ok(spec),
        Some(mut first) => {
            first.more = located.collect();
            Err(first)
        }
    }
}

/// Parse spec text into the model: YAML syntax and shape only, no semantic checks.
pub fn parse_str(file: &str, text: &str) -> Result<Spec, LoadError> {
    if is_blank(text) {
        return Err(LoadError::new(
            file,
            ErrorKind::Syntax,
            Some((1, 1)),
            "empty spec: expected a mapping with keys `format`, `service`, `operations`",
        ));
    }
    yaml_serde::from_str::<Spec>(text).map_err(|e| {
        // Tell syntax from shape: a text any YAML value can be read from is well formed.
        // Deserialising stops at the first error, which can be a shape error met before a
        // syntax error further on; the syntax error is then the one to report.
        let (kind, e) = match yaml_serde::from_str::<serde::de::IgnoredAny>(text) {
            Ok(_) => (ErrorKind::Shape, e),
            Err(syntax) => (ErrorKind::Syntax, syntax),
        };
        let mut message = yaml_message(&e);
        let mut pos = e.location().map(|l| (l.line(), l.column()));
        // libyaml's reader errors give a byte offset instead of a line and column.
        if let Some((head, offset)) = message.rsplit_once(" at position ") {
            if let Ok(offset) = offset.trim().parse::<usize>() {
                pos = Some(line_column(text, offset));
                message = head.to_string();
            }
        }
        if message == "recursion limit exceeded" {
            message.push_str(": the YAML nests deeper than 128 levels");
        }
        if pos.is_none() && message.contains("more than one document") {
            pos = second_document(text);
        }
        LoadError::new(file, kind, pos, message)
    })
}

/// 1-based line and column (in characters) of a byte offset; offsets inside a character
/// or past the end are moved back to the nearest character boundary.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut end = offset.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let prefix = &text[..end];
    let line = prefix.matches('\n').count() + 1;
    let column = prefix.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    (line, column)
}

/// Where the second YAML document of `text` starts.
fn second_document(text: &str) -> Option<(usize, usize)> {
    use saphyr_parser::{Event, Parser};
    let mut starts = 0;
    for item in Parser::new_from_str(text) {
        let (event, span) = item.ok()?;
        if let Event::DocumentStart(_) = event {
            starts += 1;
            if starts == 2 {
                return Some((span.start.line(), span.start.col() + 1));
            }
        }
    }
    None
}

/// Only whitespace and comments.
fn is_blank(text: &str) -> bool {
    text.lines().all(|l| {
        let l = l.trim_start_matches('\u{feff}').trim();
        l.is_empty() || l.starts_with('#')
    })
}

/// `yaml_serde`'s message without its ` at line L column C` tail (the location is
/// reported separately, in `file:line:col` form).
fn yaml_message(e: &yaml_serde::Error) -> String {
    let text = e.to_string();
    let Some(loc) = e.location() else { return text };
    let tail = format!(" at line {} column {}", loc.line(), loc.column());
    match text.find(&tail) {
        Some(i) => format!("{}{}", &text[..i], &text[i + tail.len()..]),
        None => text,
    }
}

/// Serialise a spec to YAML, starting with [`SCHEMA_COMMENT`]. Deterministic: struct
/// field order, ordered maps.
pub fn to_yaml(spec: &Spec) -> String {
    // The model has only string map keys and plain data, which YAML can always express.
    let body = yaml_serde::to_string(spec).expect("a spec always serialises");
    // YAML 1.1 readers (PyYAML) would read `2019-05-31` as a date, `22:00:00` as a number.
    let body = super::yaml11::quote_ambiguous(&body);
    format!("{SCHEMA_COMMENT}\n{body}")
}

/// A validation problem with the file position of the spec path it names.
#[derive(Debug, Clone, PartialEq)]
pub struct LocatedProblem {
    pub file: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub problem: Problem,
}

/// `file:line:col: error|warning: path: message`.
impl fmt::Display for LocatedProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:", self.file)?;
        if let (Some(l), Some(c)) = (self.line, self.column) {
            write!(f, "{l}:{c}:")?;
        }
        write!(f, " {}", self.problem)
    }
}

/// Locate each problem's spec path in `text` (the YAML the spec was parsed from).
pub fn locate_problems(file: &str, text: &str, problems: &[Problem]) -> Vec<LocatedProblem> {
    let locator = Locator::new(text);
    problems
        .iter()
        .map(|p| {
            let pos = locator.locate(&p.at);
            LocatedProblem {
                file: file.to_string(),
                line: pos.map(|p| p.0),
                column: pos.map(|p| p.1),
                problem: p.clone(),
            }
        })
        .collect()
}

/// Maps spec paths to positions in a YAML text.
///
/// The text is read once with a marked-event YAML parser into a tree of nodes that keep
/// their 1-based line and column. A path is resolved against that tree the way the
/// corrections engine resolves it against the spec:
///
/// - `key` (or `["key"]`) on a mapping: the value of that key;
/// - `[sel]` on a sequence: the first element whose `id`, `name`, `status`, `line`,
///   `value` or `code` equals `sel` (quote as `["a.b"]` when it holds dots or brackets);
/// - `[#N]` on a sequence: the element at 0-based index N.
///
/// An unresolvable path gives the position of its deepest resolvable prefix, so a
/// problem about a missing key points at the object that lacks it.
pub struct Locator {
    root: Option<Node>,
}

#[derive(Debug)]
struct Node {
    line: usize,
    column: usize,
    kind: NodeKind,
}

#[derive(Debug)]
enum NodeKind {
    Scalar(String),
    Seq(Vec<Node>),
    /// Key node and value node, in file order.
    Map(Vec<(Node, Node)>),
}

/// Deeper documents than this are not indexed (yaml_serde refuses them anyway).
const MAX_DEPTH: usize = 512;

/// Keys that identify an element of a list, in the order they are tried.
const IDENTITY_KEYS: [&str; 6] = ["id", "name", "status", "line", "value", "code"];

/// One segment of a spec path.
#[derive(Debug, Clone, PartialEq)]
pub enum Segment {
    /// `key`: a mapping key.
    Key(String),
    /// `[sel]`: a selector (element of a sequence, or key of a mapping).
    Select(String),
    /// `[#N]`: a sequence index.
    Index(usize),
}

/// Split a spec path into segments. Unparseable rests are dropped (the caller then
/// locates the parsed prefix).
pub fn parse_path(path: &str) -> Vec<Segment> {
    let mut out = Vec::new();
    let mut rest = path.trim();
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix('.') {
            rest = r;
            continue;
        }
        if let Some(r) = rest.strip_prefix('[') {
            let (sel, after) = if let Some(q) = r.strip_prefix('"') {
                match q.find("\"]") {
                    Some(close) => (q[..close].to_string(), &q[close + 2..]),
                    None => break,
                }
            } else {
                match r.find(']') {
                    Some(close) => (r[..close].to_string(), &r[close + 1..]),
                    None => break,
                }
            };
            match sel.strip_prefix('#').and_then(|n| n.parse::<usize>().ok()) {
                Some(i) => out.push(Segment::Index(i)),
                None => out.push(Segment::Select(sel)),
            }
            rest = after;
            continue;
        }
        let end = rest.find(['.', '[']).unwrap_or(rest.len());
        out.push(Segment::Key(rest[..end].to_string()));
        rest = &rest[end..];
    }
    out
}

impl Locator {
    /// Index `text`. A text the event parser cannot read gives a locator that finds
    /// nothing (every lookup returns `None`).
    pub fn new(text: &str) -> Locator {
        Locator {
            root: build_tree(text),
        }
    }

    /// 1-based (line, column) of the node `path` names, or of its deepest existing
    /// ancestor; `None` only when the text could not be indexed.
    pub fn locate(&self, path: &str) -> Option<(usize, usize)> {
        let root = self.root.as_ref()?;
        let mut node = root;
        // Position of the last resolved segment: the key for collections (the value of
        // a block collection starts on the next line), the value for scalars.
        let mut pos = (root.line, root.column);
        for seg in parse_path(path) {
            let next = match (&node.kind, &seg) {
                (NodeKind::Map(entries), Segment::Key(k) | Segment::Select(k)) => entries
                    .iter()
                    .find(|(key, _)| matches!(&key.kind, NodeKind::Scalar(s) if s == k))
                    .map(|(key, value)| {
                        let p = match value.kind {
                            NodeKind::Scalar(_) => (value.line, value.column),
                            _ => (key.line, key.column),
                        };
                        (value, p)
                    }),
                (NodeKind::Seq(items), Segment::Index(i)) => {
                    items.get(*i).map(|n| (n, (n.line, n.column)))
                }
                (NodeKind::Seq(items), Segment::Select(sel)) => items
                    .iter()
                    .find(|item| identifies(item, sel))
                    .map(|n| (n, (n.line, n.column))),
                _ => None,
            };
            match next {
                Some((n, p)) => {
                    node = n;
                    pos = p;
                }
                None => break,
            }
        }
        Some(pos)
    }
}

/// Whether a sequence element is the one `sel` selects.
fn identifies(item: &Node, sel: &str) -> bool {
    let NodeKind::Map(entries) = &item.kind else {
        return false;
    };
    IDENTITY_KEYS.iter().any(|id| {
        entries.iter().any(|(k, v)| {
            matches!(&k.kind, NodeKind::Scalar(s) if s == id)
                && matches!(&v.kind, NodeKind::Scalar(s) if s == sel)
        })
    })
}

/// Read the first YAML document of `text` into a node tree.
fn build_tree(text: &str) -> Option<Node> {
    use saphyr_parser::{Event, Parser};

    enum Frame {
        Seq(Node),
        Map(Node, Option<Node>),
    }
    // Attach a finished node to its parent frame; returns it when there is no parent.
    fn attach(stack: &mut [Frame], node: Node) -> Option<Node> {
        match stack.last_mut() {
            None => Some(node),
            Some(Frame::Seq(parent)) => {
                if let NodeKind::Seq(items) = &mut parent.kind {
                    items.push(node);
                }
                None
            }
            Some(Frame::Map(parent, pending)) => {
                match pending.take() {
                    None => *pending = Some(node),
                    Some(key) => {
                        if let NodeKind::Map(entries) = &mut parent.kind {
                            entries.push((key, node));
                        }
                    }
                }
                None
            }
        }
    }

    let mut stack: Vec<Frame> = Vec::new();
    for item in Parser::new_from_str(text) {
        let (event, span) = item.ok()?;
        let (line, column) = (span.start.line(), span.start.col() + 1);
        let done = match event {
            Event::Scalar(value, ..) => Node {
                line,
                column,
                kind: NodeKind::Scalar(value.into_owned()),
            },
            Event::Alias(_) => Node {
                line,
                column,
                kind: NodeKind::Scalar(String::new()),
            },
            Event::SequenceStart(..) | Event::MappingStart(..) => {
                if stack.len() >= MAX_DEPTH {
                    return None;
                }
                let seq = matches!(event, Event::SequenceStart(..));
                stack.push(if seq {
                    Frame::Seq(Node {
                        line,
                        column,
                        kind: NodeKind::Seq(Vec::new()),
                    })
                } else {
                    Frame::Map(
                        Node {
                            line,
                            column,
                            kind: NodeKind::Map(Vec::new()),
                        },
                        None,
                    )
                });
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => match stack.pop()? {
                Frame::Seq(n) | Frame::Map(n, _) => n,
            },
            Event::DocumentEnd | Event::StreamEnd => break,
            _ => continue,
        };
        if let Some(root) = attach(&mut stack, done) {
            return Some(root);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "\
# yaml-language-server: $schema=spec.schema.json
format: 1
operations:
  - id: A
    parameters:
      - name: x
        type: string
      - name: Tag.N
        type: array<object>
  - id: B
    types:
      Obj: {fields: [{name: k, type: strin}]}
";

    #[test]
    fn paths_parse() {
        assert_eq!(
            parse_path("operations[A].parameters[\"Tag.N\"].json[#2].x"),
            vec![
                Segment::Key("operations".into()),
                Segment::Select("A".into()),
                Segment::Key("parameters".into()),
                Segment::Select("Tag.N".into()),
                Segment::Key("json".into()),
                Segment::Index(2),
                Segment::Key("x".into()),
            ]
        );
        // Unclosed brackets stop parsing; nothing panics.
        assert_eq!(parse_path("a[\"b"), vec![Segment::Key("a".into())]);
        assert_eq!(parse_path("a[b"), vec![Segment::Key("a".into())]);
        assert_eq!(parse_path(""), vec![]);
    }

    #[test]
    fn locates_block_and_flow_nodes() {
        let loc = Locator::new(TEXT);
        assert_eq!(loc.locate(""), Some((2, 1)));
        assert_eq!(loc.locate("format"), Some((2, 9)));
        assert_eq!(loc.locate("operations[A]"), Some((4, 5)));
        assert_eq!(
            loc.locate("operations[A].parameters[x].type"),
            Some((7, 15))
        );
        assert_eq!(
            loc.locate("operations[A].parameters[\"Tag.N\"]"),
            Some((8, 9))
        );
        assert_eq!(loc.locate("operations[A].parameters"), Some((5, 5)));
        assert_eq!(loc.locate("operations[#1]"), Some((10, 5)));
        assert_eq!(
            loc.locate("operations[B].types.Obj.fields[k].type"),
            Some((12, 38))
        );
        assert_eq!(loc.locate("operations[B].types[Obj]"), Some((12, 7)));
    }

    #[test]
    fn unresolvable_paths_give_the_deepest_ancestor() {
        let loc = Locator::new(TEXT);
        assert_eq!(
            loc.locate("operations[A].parameters[nope].type"),
            Some((5, 5))
        );
        assert_eq!(loc.locate("operations[Z]"), Some((3, 1)));
        assert_eq!(loc.locate("operations[#9]"), Some((3, 1)));
        assert_eq!(loc.locate("format.deeper"), Some((2, 9)));
    }

    #[test]
    fn junk_gives_no_locator_and_no_panic() {
        assert_eq!(Locator::new("a: [").locate("a"), None);
        assert_eq!(Locator::new("").locate("a"), None);
        let deep = "[".repeat(10_000);
        assert_eq!(Locator::new(&deep).locate("a"), None);
    }

    #[test]
    fn messages_lose_their_location_tail() {
        let e = parse_str("t.yaml", "format: 1\nservice: [\n").unwrap_err();
        assert_eq!(e.kind, ErrorKind::Syntax);
        assert!(!e.message.contains(" at line "), "{}", e.message);
        assert!(e.line.is_some());
    }

    #[test]
    fn to_yaml_starts_with_the_schema_comment_and_round_trips() {
        let spec: Spec = yaml_serde::from_str(
            "format: 1\nservice: {name: s, title: S, vendor: huawei, protocol: huawei-rest,\n  \
             source: {document: d, title: t, revision: r, sha256: x}}\noperations: []\n",
        )
        .unwrap();
        let yaml = to_yaml(&spec);
        assert!(yaml.starts_with(&format!("{SCHEMA_COMMENT}\n")));
        assert_eq!(parse_str("t", &yaml).unwrap(), spec);
        assert_eq!(to_yaml(&parse_str("t", &yaml).unwrap()), yaml);
    }
}
