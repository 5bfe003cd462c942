//! Huawei REST documents (CSE, DMS Kafka): service facts from the front matter and the
//! appendix, operations from numbered sections with a `URI` line.
//!
//! Layout facts relied on (SURVEY §4, §6): an operation is a numbered heading listed in
//! the table of contents whose section has a `URI` label followed by `METHOD /path`; every
//! parameter table has a `Table x-y` / `表 x-y` caption that says where the parameters
//! travel, or names a nested type; response tables follow `Status code: NNN` markers;
//! columns are found by header text (DMS V1 puts the type before the mandatory flag).

mod arrays;
mod ids;
mod operation;
mod outline;
mod params;
mod samples;
mod service;
mod types;

#[cfg(test)]
mod tests;

use super::examples::join_fences;
use super::{tables::Document, Diagnostics, DocKind};
use crate::spec::model::{Protocol, Service, Source, Spec, Vendor, FORMAT_VERSION};
use std::collections::BTreeMap;

/// Extract a Huawei REST document.
pub fn extract(doc: &Document, kind: DocKind, diags: &mut Diagnostics) -> Spec {
    let tables = doc.tables();
    let blocks = join_fences(doc, &doc.fences());
    let (headings, unlisted) = outline::headings_and_unlisted(doc);
    for line in unlisted {
        diags.warn(
            line,
            "heading not in the table of contents as printed here (taken: a new or retitled section whose number follows the one before; check the contents)",
        );
    }
    let sections = outline::operations(doc, &headings);
    if sections.is_empty() {
        diags.error(
            None,
            "no operation found (no numbered section with a `URI` line)",
        );
    }
    service::caption_gaps(&tables, diags);

    let mut built: Vec<operation::Built> = sections
        .iter()
        .map(|s| operation::build(doc, s, &tables, &blocks, diags))
        .collect();
    assign_ids(&mut built, &sections, diags);
    link_replacements(&mut built, &sections, diags);

    let first_op_line = sections
        .first()
        .map(|s| s.heading.line)
        .unwrap_or(doc.len());
    let (title, revision) = service::title_and_revision(doc);
    let mut api_versions: Vec<String> = Vec::new();
    for b in &built {
        if let Some(v) = &b.op.version {
            if !api_versions.contains(v) {
                api_versions.push(v.clone());
            }
        }
    }
    let service = Service {
        name: kind.service_name().to_string(),
        title: title.clone(),
        vendor: Vendor::Huawei,
        protocol: Protocol::HuaweiRest,
        product_code: service::product_code(doc),
        api_versions,
        endpoint: service::endpoint(doc),
        endpoints: None,
        products: Vec::new(),
        auth: service::auth(doc, &headings),
        common_parameters: service::common_parameters(doc, &tables, first_op_line, diags),
        error_format: service::error_format(doc, &blocks, &headings, first_op_line),
        error_codes: service::error_codes(&tables, diags),
        status_codes: service::status_codes(&tables, diags),
        source: Source {
            document: String::new(),
            title,
            revision,
            sha256: String::new(),
            corrections: None,
        },
        external_facts: Vec::new(),
    };
    let spec = Spec {
        format: FORMAT_VERSION,
        service,
        operations: built.into_iter().map(|b| b.op).collect(),
    };
    ocr_names(&spec, diags);
    spec
}

/// OCR reads a capital `I` as `l` in names (`appld`, `serviceld`, `DelServicesRsplnfo`):
/// flag a name whose `ld`/`lds`/`lnfo` spelled with `I` is a name used elsewhere in the
/// document (tables or examples). Corrections fix them.
fn ocr_names(spec: &Spec, diags: &mut Diagnostics) {
    use crate::spec::model::Field;
    let mut names: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
    let mut rows: Vec<(String, Option<u32>)> = Vec::new();
    fn keys(v: &serde_json::Value, out: &mut std::collections::BTreeSet<String>) {
        match v {
            serde_json::Value::Object(m) => {
                for (k, x) in m {
                    out.insert(k.clone());
                    keys(x, out);
                }
            }
            serde_json::Value::Array(a) => a.iter().for_each(|x| keys(x, out)),
            _ => {}
        }
    }
    let mut visit = |fs: &[Field], names: &mut std::collections::BTreeSet<String>| {
        for f in fs {
            names.insert(f.name.clone());
            rows.push((f.name.clone(), f.line));
        }
    };
    for op in &spec.operations {
        visit(&op.parameters, &mut names);
        if let Some(b) = &op.body {
            visit(&b.fields, &mut names);
        }
        for r in &op.responses {
            if let Some(b) = &r.body {
                visit(&b.fields, &mut names);
            }
            for e in &r.examples {
                if let Some(j) = &e.json {
                    keys(j, &mut names);
                }
            }
        }
        for d in op.types.values() {
            visit(&d.fields, &mut names);
        }
        for e in &op.request_examples {
            if let Some(j) = &e.json {
                keys(j, &mut names);
            }
        }
    }
    for (name, line) in rows {
        for (bad, good) in [("ld", "Id"), ("lnfo", "Info")] {
            let Some(i) = name.rfind(bad) else { continue };
            let fixed = format!("{}{}{}", &name[..i], good, &name[i + bad.len()..]);
            if names.contains(&fixed) {
                diags.warn(line.map(|l| l as usize), format!("`{name}` looks like an OCR slip for `{fixed}` (spelled so elsewhere in the document)"));
            }
        }
    }
}

/// Ids by the rule in `ids`; historical (V1) pages get `V1`; clashes get `_2`, `_3`….
fn assign_ids(
    built: &mut [operation::Built],
    sections: &[outline::OpSection],
    diags: &mut Diagnostics,
) {
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for (b, s) in built.iter_mut().zip(sections) {
        let mut id = ids::id_from_title(&b.op.title)
            .unwrap_or_else(|| ids::id_from_path(s.method, &s.raw_path));
        if b.historical {
            id.push_str("V1");
        }
        let count = seen.entry(id.clone()).or_insert(0);
        *count += 1;
        if *count > 1 {
            diags.warn(
                s.heading.line,
                format!("operation id `{id}` is already taken; using `{id}_{count}`"),
            );
            id = format!("{id}_{count}");
        }
        b.op.id = id;
    }
}

/// V1 pages name their V2 replacement by title; resolve it to that operation's id.
fn link_replacements(
    built: &mut [operation::Built],
    sections: &[outline::OpSection],
    diags: &mut Diagnostics,
) {
    let squash = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    let current: Vec<(String, String)> = built
        .iter()
        .filter(|b| !b.historical)
        .map(|b| (squash(&b.op.title), b.op.id.clone()))
        .collect();
    for (b, s) in built.iter_mut().zip(sections) {
        if !b.historical {
            continue;
        }
        match &b.replacement_title {
            Some(t) => match current.iter().find(|(title, _)| *title == squash(t)) {
                Some((_, id)) => b.op.replaced_by = Some(id.clone()),
                None => diags.warn(
                    s.heading.line,
                    format!("replacement `{t}` is not an operation title of this document"),
                ),
            },
            None => diags.note(s.heading.line, "historical API page names no replacement"),
        }
    }
}
