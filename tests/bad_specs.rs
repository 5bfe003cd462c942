//! The broken-input corpus (`tests/corpus/bad-specs/`): every file fails to load with the
//! expected kind, `file:line:col` and message; the good samples load clean; and no input,
//! however mangled, makes loading, validation, location or inspection panic.

use apigen::inspect::Listing;
use apigen::spec::load::{self, ErrorKind};
use apigen::spec::validate;
use std::path::{Path, PathBuf};

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/corpus")
}

/// (file, kind, line, column, message fragment) of the first error of each bad spec.
const EXPECTED: &[(&str, ErrorKind, usize, usize, &str)] = &[
    (
        "bad-method.yaml",
        ErrorKind::Shape,
        12,
        13,
        "unknown variant `FETCH`, expected one of `GET`",
    ),
    (
        "bad-status.yaml",
        ErrorKind::Semantic,
        16,
        17,
        "status 200 is listed twice",
    ),
    (
        "bad-type-expr.yaml",
        ErrorKind::Shape,
        15,
        9,
        "expected a type (string, integer",
    ),
    (
        "binary-junk.yaml",
        ErrorKind::Encoding,
        3,
        9,
        "invalid UTF-8 (byte 0xFF)",
    ),
    (
        "comments-only.yaml",
        ErrorKind::Syntax,
        1,
        1,
        "empty spec: expected a mapping",
    ),
    (
        "control-chars.yaml",
        ErrorKind::Syntax,
        2,
        10,
        "control characters are not allowed",
    ),
    (
        "deep-nesting.yaml",
        ErrorKind::Shape,
        19,
        503,
        "recursion limit exceeded",
    ),
    (
        "duplicate-op-id.yaml",
        ErrorKind::Semantic,
        14,
        9,
        "duplicate operation id `ListTopics`",
    ),
    ("empty.yaml", ErrorKind::Syntax, 1, 1, "empty spec"),
    (
        "endpoint-host.yaml",
        ErrorKind::Semantic,
        10,
        20,
        "a host name is expected, without a scheme",
    ),
    (
        "enum-not-fitting.yaml",
        ErrorKind::Semantic,
        18,
        31,
        "enum value `ten` does not fit the type `integer`",
    ),
    (
        "example-unknown-key.yaml",
        ErrorKind::Semantic,
        32,
        26,
        "unknown key `value`; the table lists `key`",
    ),
    (
        "example-wrong-type.yaml",
        ErrorKind::Semantic,
        26,
        56,
        "expected boolean, found string \"yes\"",
    ),
    (
        "fields-on-scalar.yaml",
        ErrorKind::Semantic,
        20,
        11,
        "`fields` given but the type is `string`",
    ),
    (
        "global-alibaba.yaml",
        ErrorKind::Semantic,
        9,
        13,
        "alibaba-rpc has no global services",
    ),
    ("huge-number.yaml", ErrorKind::Shape, 15, 17, "expected u16"),
    (
        "missing-key.yaml",
        ErrorKind::Shape,
        9,
        5,
        "missing field `source`",
    ),
    (
        "missing-named-type.yaml",
        ErrorKind::Semantic,
        21,
        21,
        "unknown type `KieConfig`; the operation's types are: `KieConfigs`",
    ),
    (
        "path-param-not-required.yaml",
        ErrorKind::Semantic,
        15,
        9,
        "path parameters are required",
    ),
    (
        "repeat-list-on-string.yaml",
        ErrorKind::Semantic,
        18,
        19,
        "`repeat-list` encoding needs an array type",
    ),
    (
        "request-example-mismatch.yaml",
        ErrorKind::Semantic,
        25,
        11,
        "expected integer, found array [3]",
    ),
    (
        "rpc-path.yaml",
        ErrorKind::Semantic,
        13,
        11,
        "RPC operations use the path `/`",
    ),
    (
        "syntax-error.yaml",
        ErrorKind::Syntax,
        11,
        12,
        "mapping values are not allowed",
    ),
    (
        "top-level-list.yaml",
        ErrorKind::Shape,
        1,
        1,
        "invalid type: sequence, expected struct Spec",
    ),
    (
        "two-documents.yaml",
        ErrorKind::Syntax,
        9,
        1,
        "more than one document",
    ),
    (
        "unclosed-flow.yaml",
        ErrorKind::Syntax,
        12,
        11,
        "did not find expected ',' or '}', while parsing a flow mapping at line 11 column 13",
    ),
    (
        "undeclared-path-param.yaml",
        ErrorKind::Semantic,
        13,
        11,
        "`{instance_id}` in the path has no parameter",
    ),
    (
        "unknown-field.yaml",
        ErrorKind::Shape,
        18,
        9,
        "unknown field `requird`, expected one of `name`",
    ),
    (
        "wrong-type.yaml",
        ErrorKind::Shape,
        15,
        54,
        "invalid type: string \"maybe\", expected a boolean",
    ),
];

#[test]
fn every_bad_spec_fails_where_and_how_expected() {
    let mut failures = Vec::new();
    for (name, kind, line, column, fragment) in EXPECTED {
        let path = corpus().join("bad-specs").join(name);
        match load::load_file(&path) {
            Ok(_) => failures.push(format!("{name}: loaded without error")),
            Err(e) => {
                let got = (e.kind, e.line, e.column);
                if got != (*kind, Some(*line), Some(*column)) || !e.message.contains(fragment) {
                    failures.push(format!(
                        "{name}: expected {kind:?} at {line}:{column} containing {fragment:?}\n   got {:?} {e}",
                        e.kind
                    ));
                }
                // The display form starts with the file:line:col the brief promises.
                let shown = e.to_string();
                let prefix = format!("{}:{line}:{column}: error: ", path.display());
                if got.1.is_some() && !shown.starts_with(&prefix) {
                    failures.push(format!(
                        "{name}: display `{shown}` does not start with `{prefix}`"
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_corpus_file_has_an_expectation() {
    let mut files: Vec<String> = std::fs::read_dir(corpus().join("bad-specs"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    let listed: Vec<String> = EXPECTED.iter().map(|e| e.0.to_string()).collect();
    assert_eq!(files, listed, "tests/corpus/bad-specs and EXPECTED differ");
    assert!(files.len() >= 12);
}

#[test]
fn semantic_errors_are_all_reported_not_just_the_first() {
    let e = load::load_file(&corpus().join("bad-specs/bad-status.yaml")).unwrap_err();
    let all: Vec<String> = e
        .all()
        .map(|e| format!("{}:{}", e.line.unwrap(), e.message))
        .collect();
    assert_eq!(
        all,
        [
            "16:status 200 is listed twice",
            "17:status 999 is not an HTTP status (100-599)"
        ],
        "{e}"
    );
    assert_eq!(
        e.more[0].at.as_deref(),
        Some("operations[A].responses[999].status")
    );
}

#[test]
fn good_samples_load_without_any_problem() {
    for name in ["good-rpc.yaml", "good-rest.yaml"] {
        let path = corpus().join(name);
        let spec = load::load_file(&path).unwrap_or_else(|e| panic!("{e}"));
        let problems = validate::validate(&spec);
        assert!(problems.is_empty(), "{name}: {problems:#?}");
        // Round trip: what to_yaml writes loads back to the same spec.
        let yaml = load::to_yaml(&spec);
        assert!(yaml.starts_with(load::SCHEMA_COMMENT));
        assert_eq!(load::load_str(name, &yaml).unwrap(), spec);
    }
}

/// Everything a spec text goes through; must return, never panic.
fn exercise(text: &str) {
    let file = "mutant.yaml";
    if let Ok(spec) = load::parse_str(file, text) {
        let problems = validate::validate(&spec);
        let located = load::locate_problems(file, text, &problems);
        assert_eq!(located.len(), problems.len());
        let listing = Listing::of(&spec);
        let _ = listing.to_text();
        let _ = validate::summary(file, &spec);
        let _ = load::to_yaml(&spec);
    }
    let _ = load::load_str(file, text);
}

#[test]
fn mangled_specs_never_panic() {
    let mut n = 0;
    for name in ["good-rpc.yaml", "good-rest.yaml"] {
        let text = std::fs::read_to_string(corpus().join(name)).unwrap();
        // Every prefix (truncated files), at character boundaries.
        for (i, _) in text.char_indices().step_by(3) {
            exercise(&text[..i]);
            n += 1;
        }
        // Every line removed, and every line's indentation broken.
        let lines: Vec<&str> = text.lines().collect();
        for i in 0..lines.len() {
            let mut without = lines.clone();
            without.remove(i);
            exercise(&without.join("\n"));
            let mut shifted: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
            shifted[i] = format!(" {}", shifted[i]);
            exercise(&shifted.join("\n"));
            n += 2;
        }
        // Scalars replaced by values of other types.
        for junk in [
            "[]",
            "{}",
            "-1",
            "1e999",
            "99999999999999999999",
            "~",
            "\"\\u0000\"",
            "!!binary aGk=",
            "*nope",
            "&a x",
        ] {
            exercise(&text.replace(": string", &format!(": {junk}")));
            exercise(&text.replace("line: ", &format!("line: {junk} #")));
            n += 2;
        }
    }
    // Non-spec inputs.
    for junk in [
        "",
        "\u{feff}",
        "---",
        "...",
        "[",
        "{",
        "a: b: c",
        "- - -",
        "\t",
        "\u{0}",
        "é: ü",
        "format: 1\n",
        "? a\n: b",
    ] {
        exercise(junk);
        n += 1;
    }
    exercise(&"[".repeat(10_000));
    exercise(&format!("format: 1\nx: {}", "{a: ".repeat(5_000)));
    assert!(n > 500, "only {n} mutants");
}
