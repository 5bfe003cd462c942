//! What `apigen extract` prints: a compiler-style summary per document (counts by
//! severity and by kind, the few items that need a person) by default, every diagnostic
//! on request (`-v`, `--log FILE`).

use super::{Extraction, Severity};
use std::collections::BTreeMap;

/// Kinds of warning listed one per line in the summary; the rest are counted.
const KINDS_SHOWN: usize = 6;

/// A diagnostic's kind: its message with the quoted names and numbers blanked, so the
/// same doubt about different rows counts once (`name `…` differs from …`); only its
/// first clause (a list of findings counts as its first).
pub fn kind(message: &str) -> String {
    let message = message.split("; ").next().unwrap_or(message);
    let mut out = String::new();
    let mut in_quote = false;
    let mut last_digit = false;
    for c in message.chars() {
        if c == '`' {
            if !in_quote {
                out.push_str("`…`");
            }
            in_quote = !in_quote;
            continue;
        }
        if in_quote {
            continue;
        }
        if c.is_ascii_digit() {
            if !last_digit {
                out.push('N');
            }
            last_digit = true;
            continue;
        }
        last_digit = false;
        out.push(c);
    }
    out
}

/// The summary lines of one extraction: counts, then every error and stale correction
/// (they need a person), then warnings grouped by kind.
pub fn summary(document: &str, corrections: &str, x: &Extraction) -> Vec<String> {
    let count = |s: Severity| x.diagnostics.iter().filter(|d| d.severity == s).count();
    let mut out = vec![format!(
        "{document}: {} operations; {} errors, {} warnings, {} notes; prose added {} enums, {} defaults, {} limits; {} stale corrections{}",
        x.spec.operations.len(),
        count(Severity::Error),
        count(Severity::Warning),
        count(Severity::Note),
        x.prose.enums,
        x.prose.defaults,
        x.prose.limits,
        x.stale.len(),
        match x.redundant.len() {
            0 => String::new(),
            n => format!(", {n} partly redundant"),
        }
    )];
    for d in x
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
    {
        out.push(format!("{document}:{d}"));
    }
    corrections_lines(corrections, x, &mut out);
    let mut kinds: BTreeMap<String, (usize, Option<usize>)> = BTreeMap::new();
    for d in x
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Warning)
    {
        let e = kinds.entry(kind(&d.message)).or_insert((0, d.line));
        e.0 += 1;
    }
    let mut kinds: Vec<(String, (usize, Option<usize>))> = kinds.into_iter().collect();
    kinds.sort_by(|a, b| b.1 .0.cmp(&a.1 .0).then(a.0.cmp(&b.0)));
    for (k, (n, first)) in kinds.iter().take(KINDS_SHOWN) {
        let at = first
            .map(|l| format!(" (first at line {l})"))
            .unwrap_or_default();
        out.push(format!("  {n} × {}: {k}{at}", Severity::Warning));
    }
    if kinds.len() > KINDS_SHOWN {
        let rest: usize = kinds[KINDS_SHOWN..].iter().map(|(_, (n, _))| n).sum();
        out.push(format!(
            "  {rest} more warnings of {} other kinds",
            kinds.len() - KINDS_SHOWN
        ));
    }
    out
}

/// The stale and the partly redundant corrections of `x`, one line each.
fn corrections_lines(corrections: &str, x: &Extraction, out: &mut Vec<String>) {
    for (what, list) in [("stale", &x.stale), ("partly redundant", &x.redundant)] {
        for s in list {
            out.push(format!(
                "{corrections}: {}: {what} correction #{} at `{}`: {}",
                Severity::Warning,
                s.index + 1,
                s.at,
                s.why
            ));
        }
    }
}

/// Every diagnostic and stale correction, one per line.
pub fn details(document: &str, corrections: &str, x: &Extraction) -> Vec<String> {
    let mut out: Vec<String> = x
        .diagnostics
        .iter()
        .map(|d| format!("{document}:{d}"))
        .collect();
    corrections_lines(corrections, x, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_blank_names_and_numbers() {
        assert_eq!(
            kind("parameter `Clusterid` differs from `ClusterId` in the request example at line 665 (OCR slip or case?)"),
            "parameter `…` differs from `…` in the request example at line N (OCR slip or case?)"
        );
    }

    #[test]
    fn the_summary_is_short_and_names_what_needs_a_person() {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../specs/sources/huawei-cse-api-20260106.txt"
        ))
        .unwrap();
        let x = crate::extract::extract("cse.txt", &text, None).unwrap();
        let all = details("cse.txt", "c.yaml", &x);
        let short = summary("cse.txt", "c.yaml", &x);
        assert!(all.len() > 40, "{}", all.len());
        assert!(short.len() <= 2 + KINDS_SHOWN, "{short:#?}");
        assert!(
            short[0].starts_with("cse.txt: 66 operations; 0 errors, "),
            "{}",
            short[0]
        );
    }
}
