//! Rendering a [`Diff`]: text for a terminal (grouped by operation, coloured only when
//! asked), Markdown for a pull-request comment, JSON for tools. All three are pure
//! functions of the diff, so the same diff always gives the same bytes.

use super::compare::Loc;
use super::rules::Severity;
use super::{Change, Diff, Version};

/// Operation id and `METHOD path`; `None` for service-wide changes.
type GroupKey<'a> = Option<(&'a str, &'a str)>;

/// Changes grouped by operation, in order of first appearance. The key is the operation
/// id and its `METHOD path`, `None` for service-wide changes.
fn groups(d: &Diff) -> Vec<(GroupKey<'_>, Vec<&Change>)> {
    let mut out: Vec<(GroupKey, Vec<&Change>)> = Vec::new();
    for c in &d.changes {
        let key = c
            .operation
            .as_deref()
            .map(|id| (id, c.endpoint.as_deref().unwrap_or("")));
        match out.last_mut() {
            Some((k, list)) if *k == key => list.push(c),
            _ => out.push((key, vec![c])),
        }
    }
    out
}

fn version_line(v: &Version) -> String {
    let mut s = v.label.clone();
    let mut facts = Vec::new();
    if !v.revision.is_empty() {
        facts.push(format!("revision {}", v.revision));
    }
    facts.push(format!("{} operations", v.operations));
    s.push_str(&format!(" ({})", facts.join(", ")));
    s
}

fn summary_line(d: &Diff) -> String {
    let s = d.summary;
    format!(
        "{} breaking, {} non-breaking, {} docs",
        s.breaking, s.non_breaking, s.docs
    )
}

fn loc(l: &Option<Loc>) -> String {
    match l {
        None => "—".into(),
        Some(Loc { section, line }) => match (section.is_empty(), line) {
            (false, Some(n)) => format!("§{section} L{n}"),
            (false, None) => format!("§{section}"),
            (true, Some(n)) => format!("L{n}"),
            (true, None) => "—".into(),
        },
    }
}

fn sources(c: &Change) -> String {
    format!("{} → {}", loc(&c.old_source), loc(&c.new_source))
}

/// Plain text, grouped by operation. `colour` adds ANSI colours (the CLI asks for it only
/// when standard output is a terminal).
pub fn text(d: &Diff, colour: bool) -> String {
    let paint = |code: &str, s: &str| {
        if colour {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    };
    let mut out = String::new();
    out.push_str(&format!(
        "{}: {} → {}\n",
        d.new.service,
        version_line(&d.old),
        version_line(&d.new)
    ));
    if d.changes.is_empty() {
        out.push_str("no changes\n");
        return out;
    }
    out.push_str(&format!("{}\n", summary_line(d)));
    for (key, changes) in groups(d) {
        let head = match key {
            Some((id, endpoint)) => format!("{id}  {endpoint}"),
            None => "(service)".to_string(),
        };
        out.push_str(&format!("\n{}\n", paint("1", &head)));
        for c in changes {
            let sev = format!("{:<12}", c.severity.as_str());
            let sev = match c.severity {
                Severity::Breaking => paint("31", &sev),
                Severity::NonBreaking => paint("33", &sev),
                Severity::Docs => paint("36", &sev),
            };
            let path = if c.path.is_empty() {
                String::new()
            } else {
                format!("{}: ", c.path)
            };
            out.push_str(&format!(
                "  {sev} {}  {path}{}  [{}]\n",
                c.id,
                c.message,
                sources(c)
            ));
            if let Some(h) = &c.hint {
                out.push_str(&format!("  {:<12} hint: {h}\n", ""));
            }
        }
    }
    out
}

/// A Markdown table cell: no line breaks, no column separators.
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace(['\n', '\r'], " ")
}

/// Markdown for a pull-request comment: a summary, then one table per operation.
pub fn markdown(d: &Diff) -> String {
    let mut out = String::new();
    out.push_str(&format!("## API changes: `{}`\n\n", d.new.service));
    out.push_str(&format!(
        "- old: `{}`\n- new: `{}`\n\n",
        cell(&version_line(&d.old)),
        cell(&version_line(&d.new))
    ));
    if d.changes.is_empty() {
        out.push_str("No changes.\n");
        return out;
    }
    let s = d.summary;
    out.push_str(&format!(
        "**{} breaking**, {} non-breaking, {} docs\n",
        s.breaking, s.non_breaking, s.docs
    ));
    for (key, changes) in groups(d) {
        match key {
            Some((id, endpoint)) => {
                out.push_str(&format!("\n### `{id}` — `{}`\n\n", cell(endpoint)))
            }
            None => out.push_str("\n### Service\n\n"),
        }
        out.push_str("| severity | rule | path | change | source (old → new) |\n");
        out.push_str("|---|---|---|---|---|\n");
        for c in changes {
            let mut change = cell(&c.message);
            if let Some(h) = &c.hint {
                change.push_str(&format!(" _({})_", cell(h)));
            }
            let path = if c.path.is_empty() {
                String::new()
            } else {
                format!("`{}`", cell(&c.path))
            };
            out.push_str(&format!(
                "| {} | `{}` | {path} | {change} | {} |\n",
                c.severity.as_str(),
                c.id,
                sources(c)
            ));
        }
    }
    out
}

/// JSON: `{"old", "new", "changes", "summary"}`, pretty-printed.
pub fn json(d: &Diff) -> String {
    let mut s =
        serde_json::to_string_pretty(d).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    s.push('\n');
    s
}
