//! Alibaba RPC documents (MSE, retailcloud/聚石塔, Alibaba Kafka) → spec.
//!
//! Layout facts used here are inventoried in SURVEY §2, §3 and §5: one numbered heading per
//! operation (the Action name), a request table (`名称 类型 是否必选 示例值 描述` /
//! `Parameter Type Required Example Description`), a flattened response table, a request
//! sample URL and XML/JSON success examples. Service-wide facts (version, endpoint,
//! signature, common parameters) come from the chapters before the first operation.

pub mod checks;
pub mod nesting;
pub mod request;
pub mod samples;
pub mod sections;

use super::examples::{join_fences, Block};
use super::tables::{Document, Row, Table};
use super::text::{clean_name, parse_required, strip_html, DocType, Item};
use super::{Diagnostics, DocKind};
use crate::spec::model::{
    AuthScheme, Body, Encoding, Endpoints, ErrorCode, ErrorFormat, Example, ExampleFormat, Field,
    Location, Method, Operation, Pagination, Protocol, Response, Service, Source, SourceRef, Spec,
    TypeExpr, Vendor, FORMAT_VERSION,
};
use nesting::{Entry, EntryKind};
use regex::Regex;
use request::Columns;
use samples::BlockKind;
use sections::OpSection;
use serde_json::Value;
use std::collections::BTreeMap;
use std::sync::LazyLock;

static DATE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\b(\d{4}-\d{2}-\d{2})\b").unwrap());
static IDENT: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^[A-Za-z_][A-Za-z0-9_.]*$").unwrap());

/// Extract the spec of an Alibaba RPC document.
pub fn extract(doc: &Document, kind: DocKind, diags: &mut Diagnostics) -> Spec {
    let tables = doc.tables();
    let blocks = join_fences(doc, &doc.fences());
    let ops = sections::operations(doc, &tables);
    if ops.is_empty() {
        diags.error(
            None,
            "no operation sections found (numbered Action headings with a request table)",
        );
    }
    let first_op = ops.first().map(|o| o.heading.line).unwrap_or(doc.len() + 1);
    let mut service = service(doc, kind, &tables, first_op, diags);
    let method = request_method(doc, first_op);
    let sorted = kind == DocKind::Mse;
    let mut operations = Vec::new();
    for s in &ops {
        let op = operation(
            doc,
            s,
            &tables,
            &blocks,
            method,
            sorted,
            &service.common_parameters,
            diags,
        );
        for e in &op.errors {
            if !service
                .error_codes
                .iter()
                .any(|c| c.code == e.code && c.status == e.status)
            {
                service.error_codes.push(e.clone());
            }
        }
        operations.push(op);
    }
    Spec {
        format: FORMAT_VERSION,
        service,
        operations,
    }
}

/// The HTTP method to record. The MSE and retailcloud samples are query-string URLs with
/// no method stated, which is a GET; Alibaba Kafka's "Sample requests" chapter builds and
/// sends a POST (`HTTP_METHOD = "POST"`), so its operations record POST.
fn request_method(doc: &Document, first_op: usize) -> Method {
    static HTTP_METHOD: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r#"HTTP_METHOD\s*=\s*"([A-Z]+)""#).unwrap());
    doc.range(1, first_op.saturating_sub(1))
        .find_map(|(_, l)| HTTP_METHOD.captures(l).and_then(|c| Method::parse(&c[1])))
        .unwrap_or(Method::Get)
}

// ---------------------------------------------------------------------------------------
// Service

fn service(
    doc: &Document,
    kind: DocKind,
    tables: &[Table],
    first_op: usize,
    diags: &mut Diagnostics,
) -> Service {
    let (title, doc_title, revision) = title_page(doc, diags);
    let common = common_parameters(tables, first_op, diags);
    let mut api_versions: Vec<String> = Vec::new();
    if let Some(v) = common.iter().find(|f| f.name == "Version") {
        if let Some(c) = DATE.captures(&v.description) {
            api_versions.push(c[1].to_string());
        }
    }
    // The request-structure prose states the version too; it must agree.
    for (n, l) in doc.range(1, first_op.saturating_sub(1)) {
        if (l.contains("API版本") || l.contains("The API version")) && !l.contains('\t') {
            if let Some(c) = DATE.captures(l) {
                if !api_versions.iter().any(|v| v == &c[1]) {
                    if api_versions.is_empty() {
                        api_versions.push(c[1].to_string());
                    } else {
                        diags.warn(
                            n,
                            format!(
                                "API version {} differs from the common-parameter table's {}",
                                &c[1],
                                api_versions.join(", ")
                            ),
                        );
                    }
                }
            }
        }
    }
    if api_versions.is_empty() {
        diags.warn(None, "the document states no API version");
    }
    let (endpoint, endpoints) = endpoints(doc, tables, first_op, diags);
    if endpoint.is_none() {
        diags.warn(None, "the document states no endpoint");
    }
    // The RPC endpoint host starts with the product code (`mse.cn-hangzhou.aliyuncs.com`).
    let product_code = endpoint
        .as_deref()
        .and_then(|e| e.split('.').next())
        .map(str::to_string);
    let auth = signature_section(doc, first_op)
        .map(|section| {
            vec![AuthScheme::AlibabaSignatureV1 {
                section: Some(section),
            }]
        })
        .unwrap_or_default();
    if auth.is_empty() {
        diags.warn(None, "the document describes no request signature");
    }
    // The common-response chapters (MSE 4, alikafka 8) print only `RequestId`: an error
    // body's `Code`/`Message` are stated only when the chapter names them; otherwise the
    // error format is an external fact (a correction naming its source).
    let error_format = common_response_section(doc, first_op)
        .filter(|s| names_error_fields(doc, s.line as usize, first_op))
        .map(|section| ErrorFormat {
            code_field: "Code".into(),
            message_field: "Message".into(),
            request_id_field: Some("RequestId".into()),
            example: None,
            section: Some(section),
        });
    Service {
        name: kind.service_name().to_string(),
        title,
        vendor: Vendor::Alibaba,
        protocol: Protocol::AlibabaRpc,
        product_code,
        api_versions,
        endpoint,
        endpoints,
        products: Vec::new(),
        auth,
        common_parameters: common,
        error_format,
        error_codes: Vec::new(),
        status_codes: Vec::new(),
        source: Source {
            document: String::new(),
            title: doc_title,
            revision,
            sha256: String::new(),
            corrections: None,
        },
        external_facts: Vec::new(),
    }
}

/// `(product title, document title lines, revision)` from the title page: the lines above
/// `文档版本：…` / `Document Version: …`.
fn title_page(doc: &Document, diags: &mut Diagnostics) -> (String, String, String) {
    let mut lines: Vec<String> = Vec::new();
    let mut revision = String::new();
    for (n, l) in doc.range(1, 60) {
        let t = l.trim().trim_start_matches('#').trim();
        if t.contains("文档版本") || t.to_ascii_lowercase().contains("document version") {
            revision = t
                .rsplit([':', '：'])
                .next()
                .unwrap_or("")
                .trim()
                .to_string();
            if revision.is_empty() {
                diags.warn(n, "document version line without a value");
            }
            break;
        }
        if !t.is_empty() {
            lines.push(t.to_string());
        }
    }
    let doc_title = lines.join(" ");
    // Product title: drop vendor branding and the document-type line; a line that merely
    // repeats the start of a later one (`聚石塔` before `聚石塔OpenAPI`) is dropped too.
    const BRAND: &[&str] = &["阿里云", "alibaba cloud", "aliyun"];
    const DOC_TYPE: &[&str] = &["api参考", "api reference"];
    let kept: Vec<&String> = lines
        .iter()
        .filter(|l| {
            !BRAND.contains(&l.to_lowercase().as_str())
                && !DOC_TYPE.contains(&l.to_lowercase().as_str())
        })
        .collect();
    let mut product: Vec<String> = Vec::new();
    for (i, l) in kept.iter().enumerate() {
        if kept[i + 1..]
            .iter()
            .any(|later| later.starts_with(l.as_str()))
        {
            continue;
        }
        product.push(l.to_string());
    }
    let title = product.join(" ");
    if revision.is_empty() {
        diags.warn(None, "no document version on the title page");
    }
    (title, doc_title, revision)
}

/// The common request-parameter table: the first table before the operations with a
/// required column that lists `AccessKeyId` (a revision may give it an example column),
/// else the first such table without an example column.
fn common_parameters(tables: &[Table], first_op: usize, diags: &mut Diagnostics) -> Vec<Field> {
    let before = |t: &&Table| {
        t.header_line < first_op && t.column(&["是否必须", "是否必选", "Required"]).is_some()
    };
    let lists_access_key = |t: &&Table| {
        let name = t.column(&["名称", "Parameter", "参数"]).or(Some(0));
        t.rows.iter().any(|r| r.cell(name) == "AccessKeyId")
    };
    let Some(t) = tables
        .iter()
        .filter(before)
        .find(lists_access_key)
        .or_else(|| {
            tables
                .iter()
                .filter(before)
                .find(|t| t.column(&["示例值", "Example"]).is_none())
        })
    else {
        diags.note(None, "no common-parameter table");
        return Vec::new();
    };
    let cols = Columns::of(t);
    t.rows
        .iter()
        .map(|row| {
            let (mut f, doc_type) = request::base_field(row, &cols);
            if !matches!(doc_type, DocType::Scalar(_)) {
                diags.warn(
                    row.line,
                    format!("common parameter `{}` has type `{}`", f.name, f.doc_type),
                );
            }
            match parse_required(row.cell(cols.required)) {
                Some(r) => f.required = r,
                None => diags.warn(
                    row.line,
                    format!("required cell of `{}` is not 是/否/Yes/No", f.name),
                ),
            }
            f.location = Some(Location::Query);
            f
        })
        .collect()
}

/// The endpoint the document states: the host pattern `mse.[RegionId].aliyuncs.com` from
/// the prose, or the pattern every row of a `Region / RegionId / Domain` table follows; and the
/// regions those tables list with their hosts (`service.endpoints`).
fn endpoints(
    doc: &Document,
    tables: &[Table],
    first_op: usize,
    diags: &mut Diagnostics,
) -> (Option<String>, Option<Endpoints>) {
    static PROSE: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"([a-z0-9-]+)\.[\[<{]RegionId[\]>}]\.aliyuncs\.com").unwrap());
    let mut prose = None;
    for (n, l) in doc.range(1, first_op.saturating_sub(1)) {
        if let Some(c) = PROSE.captures(l) {
            prose = Some((format!("{}.{{region_id}}.aliyuncs.com", &c[1]), n));
            break;
        }
    }
    let mut patterns: Vec<String> = Vec::new();
    let mut regions: BTreeMap<String, String> = BTreeMap::new();
    // The fullest table is cited; the others (often partial copies) only add rows.
    let mut cited: Option<(usize, usize)> = None;
    for t in tables.iter().filter(|t| t.header_line < first_op) {
        let (Some(region), Some(domain)) = (
            t.column(&["RegionId", "Region ID"]),
            t.column(&["Domain", "域名"]),
        ) else {
            continue;
        };
        if !matches!(cited, Some((_, rows)) if rows >= t.rows.len()) {
            cited = Some((t.header_line, t.rows.len()));
        }
        for r in &t.rows {
            let (id, host) = (r.cell(Some(region)), r.cell(Some(domain)));
            if id.is_empty() || host.is_empty() {
                continue;
            }
            if host.contains(id) {
                patterns.push(host.replacen(id, "{region_id}", 1));
            }
            match regions.get(id) {
                Some(known) if known != host => diags.warn(
                    Some(r.line),
                    format!("region {id} is listed with two hosts: {known} and {host}"),
                ),
                Some(_) => {}
                None => {
                    regions.insert(id.to_string(), host.to_string());
                }
            }
        }
    }
    patterns.sort();
    patterns.dedup();
    let (rule, line) = match (prose, cited) {
        (Some((rule, line)), _) => (rule, line),
        (None, Some((line, _))) if patterns.len() == 1 => (patterns.remove(0), line),
        _ => return (None, None),
    };
    let endpoints = Endpoints {
        rule: rule.clone(),
        regions,
        source: Some(SourceRef {
            section: String::new(),
            line: line as u32,
        }),
        global: false,
    };
    (Some(rule), Some(endpoints))
}

/// The signature chapter (`3. 签名机制`, `7.Request signatures`), when it describes the
/// HMAC-SHA1 v1 scheme.
fn signature_section(doc: &Document, first_op: usize) -> Option<SourceRef> {
    let hs = sections::headings(doc);
    let h = hs
        .iter()
        .filter(|h| h.line < first_op && !h.number.contains('.'))
        .find(|h| {
            let t = h.title.to_lowercase();
            t.contains("签名") || t.contains("signature")
        })?;
    // The chapter ends at the next chapter number (numbered list items restart at 1).
    let following = h
        .number
        .parse::<u32>()
        .map(|n| (n + 1).to_string())
        .unwrap_or_default();
    let next = hs
        .iter()
        .find(|n| n.line > h.line && n.number == following)
        .map(|n| n.line)
        .unwrap_or(first_op);
    let text: String = doc
        .range(h.line, next)
        .map(|(_, l)| l)
        .collect::<Vec<_>>()
        .join("\n");
    (text.contains("HMAC-SHA1") && text.contains("SignatureVersion")).then(|| SourceRef {
        section: h.number.clone(),
        line: h.line as u32,
    })
}

/// The common-response section (`公共返回参数`, `Common response parameters`), numbered by
/// its chapter.
/// Whether the common-response chapter from `line` (to its next heading) names the error
/// body's `Code` and `Message` fields.
fn names_error_fields(doc: &Document, line: usize, first_op: usize) -> bool {
    let word = |l: &str, w: &str| {
        l.split(|c: char| !c.is_ascii_alphanumeric())
            .any(|t| t == w)
    };
    let chapter: Vec<&str> = doc
        .range(line + 1, first_op.saturating_sub(1))
        .map(|(_, l)| l)
        .take_while(|l| !l.starts_with("# ") && !l.starts_with("## "))
        .collect();
    chapter.iter().any(|l| word(l, "Code")) && chapter.iter().any(|l| word(l, "Message"))
}

fn common_response_section(doc: &Document, first_op: usize) -> Option<SourceRef> {
    let (line, _) = doc.range(1, first_op.saturating_sub(1)).find(|(_, l)| {
        let t = l.trim().trim_start_matches('#').trim();
        t == "公共返回参数" || t.eq_ignore_ascii_case("Common response parameters")
    })?;
    let chapter = sections::headings(doc)
        .into_iter()
        .rfind(|h| h.line < line && !h.number.contains('.'));
    Some(SourceRef {
        section: chapter.map(|c| c.number).unwrap_or_default(),
        line: line as u32,
    })
}

// ---------------------------------------------------------------------------------------
// Operations

#[allow(clippy::too_many_arguments)]
fn operation(
    doc: &Document,
    s: &OpSection,
    tables: &[Table],
    blocks: &[Block],
    method: Method,
    sorted: bool,
    common: &[Field],
    diags: &mut Diagnostics,
) -> Operation {
    let h = &s.heading;
    let id = h.title.clone();
    let in_span = |line: usize| line > h.line && line <= s.end;
    let span_tables: Vec<&Table> = tables.iter().filter(|t| in_span(t.header_line)).collect();

    // Chapters about another product (Alibaba Kafka's "Cloud Monitor resource reports")
    // keep their operations, but the service's API version does not apply to them.
    let folded_group: String = s
        .group
        .to_lowercase()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    if folded_group.contains("cloudmonitor") {
        diags.note(h.line, format!("`{id}` is a CloudMonitor operation (chapter `{}`): the service's API version and endpoint do not apply; the document states neither for it", s.group));
    }

    // Request parameters.
    let (req_rows, cols) = section_rows(
        &span_tables,
        sections::is_request_table,
        "request",
        &id,
        Columns {
            name: Some(0),
            ty: Some(1),
            required: Some(2),
            example: Some(3),
            description: Some(4),
        },
        diags,
    );
    let req = request::read(&req_rows, &cols);
    for d in &req.doubts {
        diags.push(d.severity, d.line, d.message.clone());
    }
    match &req.action {
        None => diags.note(
            h.line,
            format!("`{id}` has no `Action` row; the operation id comes from the heading"),
        ),
        Some((value, line)) if clean_name(value) != id => diags.warn(
            *line,
            format!("`Action` row value `{value}` differs from the heading `{id}`"),
        ),
        _ => {}
    }

    // Examples. A fence that continues the example before it (a page break closed it
    // early: a JSON tail that does not start with a bracket, an XML tail whose close tags
    // match nothing) is joined to it.
    let mut joined: Vec<Block> = Vec::new();
    for b in blocks.iter().filter(|b| in_span(b.line)) {
        if let Some(prev) = joined.last_mut() {
            let gap_blank = doc
                .range(prev.end + 1, b.line.saturating_sub(1))
                .all(|(_, l)| {
                    let t = l.trim();
                    t.is_empty() || (t.len() <= 4 && t.chars().all(|c| c.is_ascii_digit()))
                });
            let (prev_kind, kind) = (samples::kind_of(&prev.text), samples::kind_of(&b.text));
            let continues = match (prev_kind, kind) {
                (BlockKind::Json, BlockKind::Other) => true,
                (BlockKind::Xml, BlockKind::Other) => true,
                (BlockKind::Xml, BlockKind::Xml) => samples::xml_tree_counted(&b.text).1 > 0,
                _ => false,
            };
            if gap_blank && continues {
                diags.note(
                    b.line,
                    "fence continues the example above it (page break); joined",
                );
                prev.text.push('\n');
                prev.text.push_str(&b.text);
                prev.end = b.end;
                continue;
            }
        }
        joined.push(b.clone());
    }
    let span_blocks: Vec<&Block> = joined.iter().collect();
    let mut request_examples: Vec<Example> = Vec::new();
    for b in span_blocks
        .iter()
        .filter(|b| samples::kind_of(&b.text) == BlockKind::Request)
    {
        let sample = samples::parse_request(b, method);
        for p in &sample.problems {
            diags.warn(b.line, format!("request example: {p}"));
        }
        match &sample.action {
            Some(a) if a != &id => diags.warn(
                b.line,
                format!("request example sends Action `{a}`, the heading says `{id}`"),
            ),
            None => diags.warn(b.line, "request example without `Action`"),
            _ => {}
        }
        let names: Vec<String> = sample.example.params.keys().cloned().collect();
        let mut findings = Vec::new();
        checks::request_names(&req.parameters, common, &names, b.line, &mut findings);
        report(diags, findings);
        let mut ex = sample.example;
        ex.title = samples::label_before(doc, b.line);
        request_examples.push(ex);
    }

    // Response.
    let (resp_rows, rcols) = section_rows(
        &span_tables,
        sections::is_response_table,
        "response",
        &id,
        Columns {
            name: Some(0),
            ty: Some(1),
            required: None,
            example: Some(2),
            description: Some(3),
        },
        diags,
    );
    let entries: Vec<Entry> = resp_rows
        .iter()
        .map(|r| response_entry(r, &rcols, diags))
        .collect();
    let row_names: Vec<String> = entries.iter().map(|e| e.field.name.clone()).collect();

    let mut examples: Vec<Example> = Vec::new();
    let mut bodies: Vec<(Value, &'static str)> = Vec::new();
    let mut json_checks: Vec<(usize, Value)> = Vec::new();
    for b in span_blocks.iter() {
        let label = samples::label_before(doc, b.line);
        match samples::kind_of(&b.text) {
            BlockKind::Json => {
                let parsed = samples::parse_json_sample(&b.text, &row_names);
                let mut ex = Example {
                    format: ExampleFormat::Json,
                    line: b.line as u32,
                    title: label,
                    method: None,
                    target: None,
                    params: Default::default(),
                    json: None,
                    raw: None,
                    mismatch: None,
                };
                match parsed.value {
                    Some(v) => {
                        if let Some(w) = &parsed.unwrapped {
                            diags.note(b.line, format!("JSON example wrapped in `{{\"{w}\": …}}`; the inner body is stored"));
                        }
                        bodies.push((v.clone(), "JSON"));
                        json_checks.push((b.line, v.clone()));
                        ex.json = Some(v);
                    }
                    None => {
                        diags.warn(
                            b.line,
                            format!(
                                "JSON example does not parse ({}); stored as text",
                                parsed.error.unwrap_or_default()
                            ),
                        );
                        ex.raw = Some(b.text.trim().to_string());
                    }
                }
                examples.push(ex);
            }
            BlockKind::Xml => {
                let (tree, stray) = samples::xml_tree_counted(&b.text);
                if stray == 0 {
                    let (body, _) = samples::xml_body(tree, &row_names);
                    bodies.push((body, "XML"));
                } else {
                    diags.note(b.line, format!("XML example has {stray} unmatched close tag(s); not used to decide nesting"));
                }
                examples.push(Example {
                    format: ExampleFormat::Xml,
                    line: b.line as u32,
                    title: label,
                    method: None,
                    target: None,
                    params: Default::default(),
                    json: None,
                    raw: Some(b.text.trim().to_string()),
                    mismatch: None,
                });
            }
            _ => {}
        }
    }
    let example_values: Vec<Value> = bodies.iter().map(|(v, _)| v.clone()).collect();
    let (fields, doubts) = nesting::rebuild(entries, &example_values, sorted);
    for d in doubts {
        diags.push(d.severity, d.line, d.message);
    }
    let mut findings = Vec::new();
    let body_refs: Vec<(Value, &str)> = bodies.iter().map(|(v, s)| (v.clone(), *s)).collect();
    checks::response_names(&fields, &body_refs, "", &mut findings);
    for f in findings.iter_mut().filter(|f| f.line.is_none()) {
        f.line = Some(h.line);
    }
    report(diags, findings);
    for (line, v) in &json_checks {
        let problems = checks::example_problems(&fields, v);
        if !problems.is_empty() {
            diags.warn(
                *line,
                format!(
                    "JSON example disagrees with the table ({}): {}",
                    problems.len(),
                    problems.join("; ")
                ),
            );
        }
    }
    if resp_rows.is_empty() {
        diags.warn(h.line, format!("`{id}` has no response table"));
    }

    // Error codes.
    let mut errors = Vec::new();
    for t in span_tables.iter().filter(|t| sections::is_error_table(t)) {
        let status = t.column(&["HttpCode", "HTTP status code", "HTTP状态码"]);
        let code = t.column(&["错误码", "Error code"]);
        let message = t.column(&["错误信息", "Error message"]);
        let desc = t.column(&["描述", "Description"]);
        for r in &t.rows {
            let status_text = r.cell(status);
            let status_value = status_text.parse::<u16>().ok();
            if status_value.is_none() && !status_text.is_empty() {
                diags.warn(
                    r.line,
                    format!("HTTP status `{status_text}` is not a number"),
                );
            }
            errors.push(ErrorCode {
                status: status_value,
                code: clean_name(r.cell(code)),
                message: strip_html(r.cell(message)),
                description: strip_html(r.cell(desc)),
                solution: String::new(),
                line: Some(r.line as u32),
            });
        }
    }

    let pagination = pagination(&req.parameters, &fields);
    Operation {
        id: id.clone(),
        title: h.title.clone(),
        source: SourceRef {
            section: h.number.clone(),
            line: h.line as u32,
        },
        description: first_paragraph(doc, h.line, s.end),
        restrictions: String::new(),
        method,
        path: "/".into(),
        version: None,
        product: None,
        group: s.group.clone(),
        deprecated: false,
        replaced_by: None,
        pagination,
        parameters: req.parameters,
        body: None,
        responses: vec![Response {
            status: 200,
            description: String::new(),
            headers: Vec::new(),
            body: Some(Body {
                content_type: "application/json".into(),
                ty: TypeExpr::Object,
                required: false,
                description: String::new(),
                fields,
            }),
            examples,
        }],
        types: Default::default(),
        request_examples,
        errors,
    }
}

/// The rows of an operation's `what` tables (those `is_kind` picks; several are read as one,
/// with a note) and their columns (`default` where there is no table).
fn section_rows<'t>(
    tables: &[&'t Table],
    is_kind: fn(&Table) -> bool,
    what: &str,
    id: &str,
    default: Columns,
    diags: &mut Diagnostics,
) -> (Vec<&'t Row>, Columns) {
    let picked: Vec<&Table> = tables.iter().copied().filter(|t| is_kind(t)).collect();
    if picked.len() > 1 {
        diags.note(
            picked[1].header_line,
            format!("`{id}` has {} {what} tables; read as one", picked.len()),
        );
    }
    let rows = picked.iter().flat_map(|t| t.rows.iter()).collect();
    let cols = picked.first().map_or(default, |t| Columns::of(t));
    (rows, cols)
}

fn report(diags: &mut Diagnostics, findings: Vec<checks::Finding>) {
    for f in findings {
        diags.push(f.severity, f.line, f.message);
    }
}

/// The first prose line after the heading (skipping the `调试`/`Debugging` boilerplate).
fn first_paragraph(doc: &Document, heading: usize, end: usize) -> String {
    for (_, l) in doc.range(heading + 1, end) {
        let t = l.trim();
        if t.is_empty() || t.starts_with('#') || t.contains('\t') || t.starts_with("```") {
            if t.starts_with('#') {
                break;
            }
            continue;
        }
        if matches!(t, "调试" | "Debugging" | "请求参数") {
            break;
        }
        return strip_html(t);
    }
    String::new()
}

/// One response row as a nesting entry.
fn response_entry(row: &Row, cols: &Columns, diags: &mut Diagnostics) -> Entry {
    let raw_name = strip_html(row.cell(cols.name));
    let marked_child = raw_name.starts_with('↳');
    let (mut field, doc_type) = request::base_field(row, cols);
    if marked_child {
        field.name = field.name.trim_start_matches('↳').to_string();
    }
    let example_empty = field.example.is_none();
    let type_empty = doc_type == DocType::Empty;
    let kind = if type_empty && example_empty && !IDENT.is_match(&field.name) {
        // Prose in the name column: keep the text as printed.
        field.name = raw_name.clone();
        EntryKind::Note
    } else if type_empty && example_empty && field.description.is_empty() {
        EntryKind::Wrapper
    } else if example_empty
        && matches!(
            doc_type,
            DocType::Object { .. } | DocType::Array { .. } | DocType::Map { .. } | DocType::Empty
        )
    {
        EntryKind::Container
    } else {
        EntryKind::Leaf
    };
    if kind == EntryKind::Leaf {
        field.ty = match &doc_type {
            DocType::Scalar(t) => t.clone(),
            DocType::Json => {
                field.encoding = Some(Encoding::Json);
                TypeExpr::String
            }
            DocType::Array {
                item: Item::Scalar(t),
            } => TypeExpr::array(t.clone()),
            DocType::Array { .. } => TypeExpr::array(TypeExpr::String),
            DocType::Map {
                value: Item::Scalar(t),
            } => TypeExpr::map(t.clone()),
            DocType::Map { .. } => TypeExpr::map(map_value_from_example(field.example.as_deref())),
            DocType::Object { .. } => TypeExpr::Object,
            DocType::RepeatList => TypeExpr::array(TypeExpr::String),
            DocType::File => TypeExpr::File,
            DocType::Empty => {
                diags.warn(
                    row.line,
                    format!(
                        "response field `{}` has no type; read as string",
                        field.name
                    ),
                );
                TypeExpr::String
            }
        };
    }
    if IDENT.is_match(&field.name) || kind == EntryKind::Note {
        // ok
    } else {
        diags.warn(
            row.line,
            format!("response field name `{}` is not an identifier", field.name),
        );
    }
    Entry {
        field,
        doc_type,
        kind,
        marked_child,
    }
}

/// Map value type from an example like `[int]` / `[string]` (MSE's only hint).
fn map_value_from_example(example: Option<&str>) -> TypeExpr {
    let inner = example.map(|e| {
        e.trim()
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_ascii_lowercase()
    });
    match inner.as_deref() {
        Some("int") | Some("integer") => TypeExpr::Integer,
        Some("string") => TypeExpr::String,
        _ => TypeExpr::Any,
    }
}

/// Page-number pagination: `PageNumber`/`PageNum`/`CurrentPage` + `PageSize` request
/// parameters; total and items from the response (first list found, breadth first).
fn pagination(params: &[Field], fields: &[Field]) -> Option<Pagination> {
    let page = params.iter().find(|p| {
        matches!(
            p.name.as_str(),
            "PageNumber" | "PageNum" | "CurrentPage" | "PageNo"
        )
    })?;
    let size = params.iter().find(|p| p.name == "PageSize")?;
    let mut queue: Vec<(String, &Field)> = fields.iter().map(|f| (f.name.clone(), f)).collect();
    let mut total = None;
    let mut items = None;
    let mut i = 0;
    while i < queue.len() {
        let (path, f) = (queue[i].0.clone(), queue[i].1);
        if total.is_none()
            && matches!(
                f.name.as_str(),
                "TotalCount" | "Total" | "TotalSize" | "TotalNum"
            )
            && f.ty.is_scalar()
        {
            total = Some(path.clone());
        }
        if items.is_none() && matches!(f.ty, TypeExpr::Array(_)) {
            items = Some(path.clone());
        }
        if !matches!(f.ty, TypeExpr::Array(_)) {
            for c in &f.fields {
                queue.push((format!("{path}.{}", c.name), c));
            }
        }
        i += 1;
    }
    Some(Pagination::PageNumber {
        page: page.name.clone(),
        size: size.name.clone(),
        total,
        items,
    })
}

#[cfg(test)]
mod tests;
