//! Broken documents: the extractor never panics, and a broken table gets a diagnostic that
//! points at the document line.

use apigen::extract::{self, Severity};
use std::path::PathBuf;

fn sources() -> Vec<(String, String)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../specs/sources");
    let mut out: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().to_string(),
                std::fs::read_to_string(&p).unwrap(),
            )
        })
        .collect();
    out.sort();
    out
}

/// A small deterministic generator (xorshift), so every run mutates the same way.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Mutations a bad conversion produces: lost lines, lost or extra tabs, truncation,
/// duplicated headers, stray fences, cut UTF-8 characters.
fn mutate(text: &str, rng: &mut Rng) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    for _ in 0..40 {
        let i = rng.below(lines.len());
        match rng.below(7) {
            0 => {
                lines.remove(i);
            }
            1 => lines[i] = lines[i].replacen('\t', " ", 1),
            2 => lines[i].push('\t'),
            3 => lines.insert(i, "```".into()),
            4 => {
                let l = lines[i].clone();
                lines.insert(i, l);
            }
            5 => {
                let cut: String = lines[i].chars().take(rng.below(20)).collect();
                lines[i] = cut;
            }
            _ => lines.insert(i, String::new()),
        }
        if lines.is_empty() {
            break;
        }
    }
    let mut out = lines.join("\n");
    if rng.below(3) == 0 {
        let keep = rng.below(out.len());
        out = out.chars().take(keep).collect();
    }
    out
}

#[test]
fn mutated_documents_never_panic() {
    let mut rng = Rng(0x5eed_1234_abcd_0001);
    for (name, text) in sources() {
        for round in 0..6 {
            let broken = mutate(&text, &mut rng);
            let result = std::panic::catch_unwind(|| extract::extract("doc.txt", &broken, None));
            assert!(
                result.is_ok(),
                "{name}: extractor panicked on mutation round {round}"
            );
        }
    }
}

#[test]
fn unknown_text_is_an_error_not_a_panic() {
    for text in [
        "",
        "\t\t\t",
        "hello\nworld",
        "\u{feff}```\n{",
        "名称\t类型\n\t\n",
    ] {
        assert!(extract::extract("x.txt", text, None).is_err());
    }
}

#[test]
fn a_lost_tab_is_reported_at_its_line() {
    for (name, text) in sources() {
        // Break the first data row of the first table with four or more columns.
        let lines: Vec<&str> = text.lines().collect();
        let cells = |l: &str| l.split('\t').count();
        let header = (0..lines.len() - 1)
            .find(|&i| cells(lines[i]) >= 4 && cells(lines[i + 1]) == cells(lines[i]))
            .expect("a table");
        let row = header + 1;
        let mut broken: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
        broken[row] = broken[row].replacen('\t', " ", 1);
        let extraction =
            extract::extract("doc.txt", &broken.join("\n"), None).expect("still a known document");
        let line = row + 1;
        assert!(
            extraction
                .diagnostics
                .iter()
                .any(|d| d.line == Some(line) && d.severity >= Severity::Warning),
            "{name}: no diagnostic at line {line} for a row that lost a cell"
        );
    }
}

/// What a table's rows become in a spec: per operation, its parameters' names and its body
/// and nested types as printed, line numbers left out (the break moves every line after it).
fn names(spec: &apigen::spec::model::Spec) -> Vec<(String, Vec<String>)> {
    let without_digits = |s: String| s.chars().filter(|c| !c.is_ascii_digit()).collect();
    spec.operations
        .iter()
        .map(|op| {
            let mut names: Vec<String> = op.parameters.iter().map(|f| f.name.clone()).collect();
            names.push(without_digits(format!("{:?}", op.body)));
            names.push(without_digits(format!("{:?}", op.types)));
            (op.id.clone(), names)
        })
        .collect()
}

#[test]
fn a_table_broken_without_its_header_keeps_its_rows_and_is_reported() {
    for (name, text) in sources() {
        let lines: Vec<&str> = text.lines().collect();
        let original = extract::extract("doc.txt", &text, None).expect("a known document");
        // Tables (outside fences) of three or more columns whose first three rows have the
        // header's width: break each of the first, middle and last after its second row.
        let mut tables = Vec::new();
        let mut in_fence = false;
        let width = |l: &str| l.split('\t').count();
        for i in 0..lines.len().saturating_sub(3) {
            if lines[i].trim_start().starts_with("```") {
                in_fence = !in_fence;
            }
            let w = width(lines[i]);
            if !in_fence
                && w >= 3
                && (i == 0 || !lines[i - 1].contains('\t'))
                && (1..=3).all(|k| width(lines[i + k]) == w)
            {
                tables.push(i);
            }
        }
        assert!(tables.len() >= 3, "{name}: tables to break");
        let picks = [
            tables[0],
            tables[tables.len() / 2],
            tables[tables.len() - 1],
        ];
        for header in picks {
            for gap in [&[""][..], &["", "17", ""][..]] {
                let row = header + 3; // the third data row, 0-based
                let mut broken: Vec<&str> = lines.clone();
                for (k, g) in gap.iter().enumerate() {
                    broken.insert(row + k, g);
                }
                let extraction = extract::extract("doc.txt", &broken.join("\n"), None)
                    .expect("still a known document");
                assert_eq!(
                    names(&extraction.spec),
                    names(&original.spec),
                    "{name}: rows lost after a break {gap:?} inside the table of line {}",
                    header + 1
                );
                let line = row + gap.len() + 1;
                assert!(
                    extraction.diagnostics.iter().any(|d| d.line == Some(line)
                        && d.severity >= Severity::Warning
                        && d.message.contains("without its header")),
                    "{name}: no warning at line {line}, where the table of line {} continues",
                    header + 1
                );
            }
        }
    }
}
