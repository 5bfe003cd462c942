//! The checked-in specs against their documents: every operation of every table of
//! contents is in its spec, the specs are exactly what `apigen extract` + corrections give,
//! every corrections entry still applies, and every spec passes validation (including the
//! documented examples against their response shapes).

use apigen::extract::{self, corrections::CorrectionsFile, DocKind};
use apigen::spec::{load, model::Spec, validate};
use std::collections::BTreeSet;
use std::path::PathBuf;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// What the test knows about each document: which table-of-contents chapters hold
/// operations, which TOC leaves are not operations, and how many operations there are.
struct DocCase {
    file: &'static str,
    service: &'static str,
    /// Section prefixes of the chapters that describe operations.
    chapters: &'static [&'static str],
    /// TOC leaves inside those chapters that are prose, not operations.
    not_operations: &'static [&'static str],
    operations: usize,
}

const CASES: &[DocCase] = &[
    DocCase {
        file: "alibaba-mse-api-20210223.txt",
        service: "mse",
        chapters: &["6.", "7.", "8.", "9."],
        not_operations: &[],
        operations: 30,
    },
    DocCase {
        file: "alibaba-retailcloud-jushita-openapi-20200220.txt",
        service: "retailcloud",
        chapters: &["1.", "2.", "3.", "4.", "5.", "6."],
        not_operations: &[],
        operations: 66,
    },
    DocCase {
        file: "alibaba-alikafka-api-20201111.txt",
        service: "alikafka",
        chapters: &["10.", "11.", "12.", "13.", "14.", "15.", "16."],
        not_operations: &["Introduction"],
        operations: 33,
    },
    DocCase {
        file: "huawei-cse-api-20260106.txt",
        service: "cse",
        chapters: &["5.", "6.", "7."],
        not_operations: &["API Calling"],
        operations: 66,
    },
    DocCase {
        file: "huawei-dms-kafka-api-20230719.txt",
        service: "dms-kafka",
        chapters: &["5.", "7."],
        not_operations: &[],
        operations: 61,
    },
];

/// A TOC entry: `6.1. CreateZnode<TAB>16`, `1.1.1 CreateApp.....<TAB>1`,
/// `5.2.1 Importing kie Configurations<TAB>14`, `12.1. DeleteConsumerGroup -----<TAB>69`.
fn toc_entry(line: &str) -> Option<(String, String)> {
    let (head, page) = line.rsplit_once('\t')?;
    if !page.trim().chars().all(|c| c.is_ascii_digit()) || page.trim().is_empty() {
        return None;
    }
    let head = head.trim().trim_end_matches(['.', '-', ' ']).trim();
    let (section, title) = head.split_once(' ')?;
    let section = section.trim_end_matches('.');
    if section.is_empty() || !section.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return None;
    }
    Some((section.to_string(), title.trim().to_string()))
}

/// The TOC: entries from the top of the document until the first section heading repeats.
fn toc(text: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for line in text.lines().take(200) {
        if let Some(e) = toc_entry(line) {
            if !out.iter().any(|(s, _)| *s == e.0) {
                out.push(e);
            }
        }
    }
    out
}

fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

fn load_spec(service: &str) -> Spec {
    let path = repo().join("specs").join(format!("{service}.yaml"));
    load::load_file(&path).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn every_toc_operation_is_in_its_spec() {
    let mut total = 0;
    for case in CASES {
        let text = std::fs::read_to_string(repo().join("specs/sources").join(case.file)).unwrap();
        let entries = toc(&text);
        let leaves: BTreeSet<(String, String)> = entries
            .iter()
            .filter(|(s, _)| case.chapters.iter().any(|c| s.starts_with(c)))
            .filter(|(s, _)| !entries.iter().any(|(o, _)| o.starts_with(&format!("{s}."))))
            .filter(|(_, t)| !case.not_operations.contains(&t.as_str()))
            .map(|(s, t)| (s.clone(), squash(t)))
            .collect();
        let spec = load_spec(case.service);
        let in_spec: BTreeSet<(String, String)> = spec
            .operations
            .iter()
            .map(|o| {
                (
                    o.source.section.trim_end_matches('.').to_string(),
                    squash(&o.title),
                )
            })
            .collect();
        let missing: Vec<_> = leaves.difference(&in_spec).collect();
        let extra: Vec<_> = in_spec.difference(&leaves).collect();
        assert!(missing.is_empty() && extra.is_empty(), "{}: TOC operations missing from the spec: {missing:?}; spec operations not in the TOC: {extra:?}", case.service);
        assert_eq!(spec.operations.len(), case.operations, "{}", case.service);
        total += spec.operations.len();
    }
    assert_eq!(total, 256);
}

#[test]
fn checked_in_specs_are_exactly_the_extraction() {
    for case in CASES {
        let doc = repo().join("specs/sources").join(case.file);
        let text = std::fs::read_to_string(&doc).unwrap();
        let kind = DocKind::detect(&text).expect("known document");
        assert_eq!(kind.service_name(), case.service);
        let corr_rel = format!("specs/corrections/{}.yaml", case.service);
        let corr_text = std::fs::read_to_string(repo().join(&corr_rel))
            .unwrap_or_else(|e| panic!("{corr_rel}: {e}"));
        let corrections = CorrectionsFile::parse(&corr_rel, &corr_text).unwrap();
        let doc_rel = format!("specs/sources/{}", case.file);
        let first = extract::extract(&doc_rel, &text, Some((&corr_rel, &corrections))).unwrap();
        assert!(
            first.stale.is_empty(),
            "{}: stale corrections: {:?}",
            case.service,
            first.stale
        );
        assert!(
            first.redundant.is_empty(),
            "{}: corrections setting keys the extractor now reads: {:?}",
            case.service,
            first.redundant
        );
        let yaml = load::to_yaml(&first.spec);
        let again = load::to_yaml(
            &extract::extract(&doc_rel, &text, Some((&corr_rel, &corrections)))
                .unwrap()
                .spec,
        );
        assert_eq!(
            yaml, again,
            "{}: extraction is not deterministic",
            case.service
        );
        let checked_in =
            std::fs::read_to_string(repo().join("specs").join(format!("{}.yaml", case.service)))
                .unwrap();
        assert!(
            checked_in == yaml,
            "specs/{}.yaml differs from `apigen extract {doc_rel}`: run `apigen extract-all`",
            case.service
        );
        // And the YAML reads back into the same model.
        assert_eq!(load::load_str("spec", &yaml).unwrap(), first.spec);
    }
}

#[test]
fn specs_validate_and_examples_match_their_shapes() {
    for case in CASES {
        let spec = load_spec(case.service);
        let problems: Vec<String> = validate::validate(&spec)
            .iter()
            .filter(|p| p.is_error())
            .map(|p| p.to_string())
            .collect();
        assert!(
            problems.is_empty(),
            "{}:\n{}",
            case.service,
            problems.join("\n")
        );
    }
}

#[test]
fn toc_reader_reads_all_layouts() {
    assert_eq!(
        toc_entry("6.1. CreateZnode\t16"),
        Some(("6.1".into(), "CreateZnode".into()))
    );
    assert_eq!(
        toc_entry("1.1.1 CreateApp.....\t1"),
        Some(("1.1.1".into(), "CreateApp".into()))
    );
    assert_eq!(
        toc_entry("12.1. DeleteConsumerGroup -----\t69"),
        Some(("12.1".into(), "DeleteConsumerGroup".into()))
    );
    assert_eq!(
        toc_entry("7.1.1.1 创建 Kafka 实例.....\t144"),
        Some(("7.1.1.1".into(), "创建 Kafka 实例".into()))
    );
    assert_eq!(toc_entry("Action\tString"), None);
}

/// YAML 1.1 readers (PyYAML) read plain `2019-05-31` as a date and `22:00:00` as 79200;
/// the written specs quote every such scalar, so every reader sees the same strings.
#[test]
fn specs_read_the_same_under_yaml_1_1() {
    for case in CASES {
        let path = repo().join("specs").join(format!("{}.yaml", case.service));
        let text = std::fs::read_to_string(&path).unwrap();
        let quoted = apigen::spec::yaml11::quote_ambiguous(&text);
        let misread: Vec<(usize, &str)> = text
            .lines()
            .zip(quoted.lines())
            .enumerate()
            .filter(|(_, (a, b))| a != b)
            .map(|(i, (a, _))| (i + 1, a))
            .collect();
        assert!(misread.is_empty(), "{}: {misread:?}", path.display());
    }
}

/// specs/README.md carries the corrections per document by kind, as `apigen census` counts
/// them, between its markers, exactly.
#[test]
fn readme_corrections_table_is_what_the_files_hold() {
    let rows = extract::census::edits_of_repository(&repo()).unwrap();
    let table = extract::census::edits_table(&rows);
    let readme = std::fs::read_to_string(repo().join("specs/README.md")).unwrap();
    let (begin, end) = (
        "<!-- corrections: apigen census -->\n",
        "<!-- /corrections -->",
    );
    let start = readme
        .find(begin)
        .expect("corrections marker in specs/README.md")
        + begin.len();
    let stop = start + readme[start..].find(end).expect("corrections end marker");
    assert!(
        readme[start..stop] == table,
        "specs/README.md corrections table is stale; replace it with the second table of `apigen census`:\n{table}"
    );
}

/// specs/README.md carries the census of `apigen census` (fields with enums, defaults and
/// limits by source) between its markers, exactly.
#[test]
fn readme_census_is_what_the_extractor_gives() {
    let rows = extract::census::of_repository(&repo()).unwrap();
    let table = extract::census::table(&rows);
    let readme = std::fs::read_to_string(repo().join("specs/README.md")).unwrap();
    let (begin, end) = ("<!-- census: apigen census -->\n", "<!-- /census -->");
    let start = readme
        .find(begin)
        .expect("census marker in specs/README.md")
        + begin.len();
    let stop = start + readme[start..].find(end).expect("census end marker");
    assert!(
        readme[start..stop] == table,
        "specs/README.md census is stale; replace it with the output of `apigen census`:\n{table}"
    );
}
