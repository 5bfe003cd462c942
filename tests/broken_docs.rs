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
