//! Extraction speed: all five documents, with their corrections, text → spec.
use apigen::extract::{self, corrections::CorrectionsFile, DocKind};
use criterion::{criterion_group, criterion_main, Criterion};
use std::path::PathBuf;

/// A document: its path, its text, and its corrections file (path, parsed).
type Input = (String, String, Option<(String, CorrectionsFile)>);

fn documents() -> Vec<Input> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../specs");
    let mut docs: Vec<_> = std::fs::read_dir(root.join("sources"))
        .expect("specs/sources")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    docs.sort();
    docs.into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).expect("document");
            let name = DocKind::detect(&text)
                .expect("known document")
                .service_name();
            let corr = root.join("corrections").join(format!("{name}.yaml"));
            let corrections = std::fs::read_to_string(&corr).ok().map(|t| {
                (
                    corr.display().to_string(),
                    CorrectionsFile::parse("corrections", &t).expect("corrections"),
                )
            });
            (p.display().to_string(), text, corrections)
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let docs = documents();
    c.bench_function("extract all five documents", |b| {
        b.iter(|| {
            for (path, text, corr) in &docs {
                let corr = corr.as_ref().map(|(p, f)| (p.as_str(), f));
                std::hint::black_box(extract::extract(path, text, corr).expect("extracts"));
            }
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
