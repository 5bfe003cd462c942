//! What the specs carry by source: fields with an enum, a default or limits, as the table
//! columns give them, as the prose rules ([`super::prose`]) add them, and as the reviewed
//! corrections change them. `apigen census` prints the table `specs/README.md` holds;
//! `tests/census.rs` fails when the README's copy is not what the extractor gives.

use super::files::ExtractFileError;
use crate::spec::model::{Field, Spec};

/// Fields carrying each fact in one spec.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub enums: usize,
    pub defaults: usize,
    pub limits: usize,
}

impl Counts {
    /// Count the fields of every parameter, body, response and named type.
    pub fn of(spec: &Spec) -> Counts {
        let mut c = Counts::default();
        let mut visit = |f: &Field| {
            c.enums += usize::from(!f.enum_values.is_empty());
            c.defaults += usize::from(f.default.is_some());
            c.limits += usize::from(!f.constraints.is_empty());
        };
        for f in &spec.service.common_parameters {
            walk(f, &mut visit);
        }
        for op in &spec.operations {
            let bodies = op
                .body
                .iter()
                .chain(op.responses.iter().filter_map(|r| r.body.as_ref()));
            let fields = op
                .parameters
                .iter()
                .chain(bodies.flat_map(|b| b.fields.iter()))
                .chain(op.responses.iter().flat_map(|r| r.headers.iter()))
                .chain(op.types.values().flat_map(|t| t.fields.iter()));
            for f in fields {
                walk(f, &mut visit);
            }
        }
        c
    }

    fn minus(self, o: Counts) -> [i64; 3] {
        [
            self.enums as i64 - o.enums as i64,
            self.defaults as i64 - o.defaults as i64,
            self.limits as i64 - o.limits as i64,
        ]
    }
}

fn walk(f: &Field, visit: &mut dyn FnMut(&Field)) {
    visit(f);
    for m in &f.fields {
        walk(m, visit);
    }
}

/// One document's counts at the three stages of extraction.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Sources {
    /// After reading the tables.
    pub table: Counts,
    /// After the prose rules.
    pub prose: Counts,
    /// After the corrections (the spec as written).
    pub corrected: Counts,
}

/// Document titles in the README's order and words.
fn title(service: &str) -> &str {
    match service {
        "mse" => "MSE",
        "retailcloud" => "retailcloud",
        "alikafka" => "Alibaba Kafka",
        "cse" => "CSE",
        "dms-kafka" => "DMS Kafka",
        other => other,
    }
}

/// The markdown table: per document, fields with each fact from the table columns, added
/// by the prose rules, and changed by corrections (signed), then the spec's total.
pub fn table(rows: &[(String, Sources)]) -> String {
    let signed = |v: i64| match v {
        0 => "0".to_string(),
        v if v > 0 => format!("+{v}"),
        v => format!("−{}", -v),
    };
    let mut out = String::from(
        "| document | enums: table | enums: prose | enums: corrections | enums in spec | defaults: table | defaults: prose | defaults: corrections | defaults in spec | limits: table | limits: prose | limits: corrections | limits in spec |\n\
         |---|---|---|---|---|---|---|---|---|---|---|---|---|\n",
    );
    let mut total = Sources::default();
    let add = |a: &mut Counts, b: Counts| {
        a.enums += b.enums;
        a.defaults += b.defaults;
        a.limits += b.limits;
    };
    let line = |name: &str, s: &Sources| {
        let prose = s.prose.minus(s.table);
        let corr = s.corrected.minus(s.prose);
        let t = [s.table.enums, s.table.defaults, s.table.limits];
        let f = [s.corrected.enums, s.corrected.defaults, s.corrected.limits];
        let cells: Vec<String> = (0..3)
            .flat_map(|i| {
                [
                    t[i].to_string(),
                    prose[i].to_string(),
                    signed(corr[i]),
                    f[i].to_string(),
                ]
            })
            .collect();
        format!("| {name} | {} |\n", cells.join(" | "))
    };
    for (service, s) in rows {
        out.push_str(&line(title(service), s));
        add(&mut total.table, s.table);
        add(&mut total.prose, s.prose);
        add(&mut total.corrected, s.corrected);
    }
    out.push_str(&line("**total**", &total));
    out
}

/// The services in the order the README lists them.
const ORDER: &[&str] = &["mse", "retailcloud", "alikafka", "cse", "dms-kafka"];

/// Extract every document of `root/specs/sources` with its corrections
/// (`root/specs/corrections/<service>.yaml`) and count; in the README's order.
pub fn of_repository(root: &std::path::Path) -> Result<Vec<(String, Sources)>, ExtractFileError> {
    let sources = root.join("specs").join("sources");
    let mut rows = Vec::new();
    let entries = std::fs::read_dir(&sources).map_err(|source| ExtractFileError::Read {
        path: sources.clone(),
        source,
    })?;
    for e in entries.flatten() {
        let p = e.path();
        if p.extension().is_none_or(|x| x != "txt") {
            continue;
        }
        let text = std::fs::read_to_string(&p).map_err(|source| ExtractFileError::Read {
            path: p.clone(),
            source,
        })?;
        let Some(kind) = super::DocKind::detect(&text) else {
            continue;
        };
        let name = kind.service_name();
        let corr = root
            .join("specs")
            .join("corrections")
            .join(format!("{name}.yaml"));
        let file = match std::fs::read_to_string(&corr) {
            Ok(t) => Some(super::corrections::CorrectionsFile::parse(
                &corr.display().to_string(),
                &t,
            )?),
            Err(_) => None,
        };
        let x = super::extract("document", &text, file.as_ref().map(|f| ("corrections", f)))
            .map_err(|source| ExtractFileError::Extract {
                document: p.display().to_string(),
                source,
            })?;
        rows.push((name.to_string(), *x.sources));
    }
    rows.sort_by_key(|(n, _)| ORDER.iter().position(|o| o == n).unwrap_or(ORDER.len()));
    Ok(rows)
}

/// A corrections file's edits by kind, each edit counted once (first kind that fits, in this
/// order): a fact the document does not state (`external`), a table rebuilt from examples
/// (`rebuilt`, lost pages), structure (`add`, `move_to`, `remove`), a name slip (`set` of
/// `name` alone), an example marked `mismatch`, a `type`, anything else.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Edits {
    pub total: usize,
    pub external: usize,
    pub rebuilt: usize,
    pub structure: usize,
    pub name: usize,
    pub mismatch: usize,
    pub types: usize,
    pub other: usize,
}

impl Edits {
    pub fn of(file: &super::corrections::CorrectionsFile) -> Edits {
        let mut e = Edits::default();
        for c in &file.corrections {
            e.total += 1;
            let set = c.set.as_ref();
            let sets = |k: &str| set.is_some_and(|m| m.contains_key(k));
            let kind = if c.external.is_some() {
                &mut e.external
            } else if c.rebuilt {
                &mut e.rebuilt
            } else if c.add.is_some() || c.move_to.is_some() || c.remove {
                &mut e.structure
            } else if set.is_some_and(|m| m.len() == 1) && sets("name") {
                &mut e.name
            } else if sets("mismatch") {
                &mut e.mismatch
            } else if sets("type") {
                &mut e.types
            } else {
                &mut e.other
            };
            *kind += 1;
        }
        e
    }

    fn cells(&self) -> [usize; 8] {
        [
            self.total,
            self.name,
            self.mismatch,
            self.structure,
            self.types,
            self.other,
            self.external,
            self.rebuilt,
        ]
    }
}

/// Each document's corrections file (`root/specs/corrections/<service>.yaml`) by kind of edit,
/// in the README's order; a service without a file has none.
pub fn edits_of_repository(
    root: &std::path::Path,
) -> Result<Vec<(String, Edits)>, ExtractFileError> {
    let mut rows = Vec::new();
    for service in ORDER {
        let p = root
            .join("specs")
            .join("corrections")
            .join(format!("{service}.yaml"));
        let edits = match std::fs::read_to_string(&p) {
            Ok(t) => Edits::of(&super::corrections::CorrectionsFile::parse(
                &p.display().to_string(),
                &t,
            )?),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Edits::default(),
            Err(source) => return Err(ExtractFileError::Read { path: p, source }),
        };
        rows.push((service.to_string(), edits));
    }
    Ok(rows)
}

/// The markdown table of corrections per document (`apigen census`, second table).
pub fn edits_table(rows: &[(String, Edits)]) -> String {
    let mut out = String::from(
        "| document | edits | name slips | examples marked `mismatch` | structure (add/move/remove) | type | other fields set | external facts | rebuilt (lost pages) |\n\
         |---|---|---|---|---|---|---|---|---|\n",
    );
    let mut total = [0usize; 8];
    for (service, e) in rows {
        let cells = e.cells();
        for (t, c) in total.iter_mut().zip(cells) {
            *t += c;
        }
        let cells: Vec<String> = cells.iter().map(|c| c.to_string()).collect();
        out.push_str(&format!("| {} | {} |\n", title(service), cells.join(" | ")));
    }
    let [first, rest @ ..] = total;
    let rest: Vec<String> = rest.iter().map(|c| c.to_string()).collect();
    out.push_str(&format!(
        "| **total** | **{first}** | {} |\n",
        rest.join(" | ")
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_are_counted_once_by_their_first_kind() {
        let file = super::super::corrections::CorrectionsFile::parse(
            "t.yaml",
            "service: mse\ncorrections:\n\
             - { at: a, reason: r, set: { name: B } }\n\
             - { at: a, reason: r, set: { name: B, type: string } }\n\
             - { at: a, reason: r, set: { mismatch: x } }\n\
             - { at: a, reason: r, set: { rule: x }, external: sdk }\n\
             - { at: a, reason: r, add: { name: C }, rebuilt: true }\n\
             - { at: a, reason: r, remove: true }\n",
        )
        .unwrap();
        let e = Edits::of(&file);
        assert_eq!(
            (
                e.total,
                e.name,
                e.types,
                e.mismatch,
                e.external,
                e.rebuilt,
                e.structure,
                e.other
            ),
            (6, 1, 1, 1, 1, 1, 1, 0)
        );
        let t = edits_table(&[("mse".into(), e)]);
        assert!(t.contains("| MSE | 6 | 1 | 1 | 1 | 1 | 0 | 1 | 1 |"), "{t}");
        assert!(t.contains("| **total** | **6** | 1 |"), "{t}");
    }

    #[test]
    fn table_shows_each_stage_and_the_total() {
        let c = |e, d, l| Counts {
            enums: e,
            defaults: d,
            limits: l,
        };
        let s = Sources {
            table: c(3, 1, 0),
            prose: c(5, 1, 2),
            corrected: c(4, 2, 2),
        };
        let t = table(&[("mse".into(), s), ("cse".into(), s)]);
        assert!(
            t.contains("| MSE | 3 | 2 | −1 | 4 | 1 | 0 | +1 | 2 | 0 | 2 | 0 | 2 |"),
            "{t}"
        );
        assert!(t.contains("| **total** | 6 | 4 | −2 | 8 |"), "{t}");
    }
}
