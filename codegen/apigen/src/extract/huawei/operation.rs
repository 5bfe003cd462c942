//! One operation section → `Operation`.

use super::outline::{parts, status_marker, OpSection, Part};
use super::params::{fields, read_rows, resolve_types, role_of, Columns, OpTable, Role};
use super::samples;
use super::types::is_placeholder;
use crate::extract::examples::Block;
use crate::extract::tables::{Document, Table};
use crate::extract::text::strip_html;
use crate::extract::Diagnostics;
use crate::spec::model::{
    Body, Field, Location, Operation, Pagination, Response, SourceRef, TypeExpr,
};
use crate::words::is_version;

/// Everything a section yields before ids are assigned.
pub struct Built {
    pub op: Operation,
    /// Title of the replacement the page names (V1 pages: `请使用[创建实例]`).
    pub replacement_title: Option<String>,
    /// The page says it documents a historical API version.
    pub historical: bool,
}

const JSON: &str = "application/json";

/// Build an operation from its section.
pub fn build(
    doc: &Document,
    sec: &OpSection,
    all_tables: &[Table],
    blocks: &[Block],
    diags: &mut Diagnostics,
) -> Built {
    let start = sec.heading.line;
    let part_of = parts(doc, start, sec.end);
    let part_at = |line: usize| {
        part_of
            .get(line.saturating_sub(start))
            .copied()
            .unwrap_or(Part::Preamble)
    };

    // Path, query template, version.
    let (path, query_template) = match sec.raw_path.split_once('?') {
        Some((p, q)) => (p.to_string(), q.to_string()),
        None => (sec.raw_path.clone(), String::new()),
    };
    let query_names: Vec<String> = query_template
        .split('&')
        .filter_map(|kv| kv.split('=').next())
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    let version = path.split('/').find(|s| is_version(s)).map(str::to_string);

    // Description, deprecation.
    let mut description = Vec::new();
    let mut restrictions = Vec::new();
    let mut historical = false;
    let mut replacement_title = None;
    for (n, l) in doc.range(start + 1, sec.end) {
        let t = l.trim();
        if part_at(n) == Part::Function && !t.is_empty() && part_of_label(t).is_none() {
            description.push(strip_html(t));
        }
        if part_at(n) == Part::Restrictions && !t.is_empty() && part_of_label(t).is_none() {
            restrictions.push(strip_html(t));
        }
        if part_at(n) <= Part::Function && t.contains("历史版本API") {
            historical = true;
            if let Some(i) = t.find("请使用[") {
                let rest = &t[i + "请使用[".len()..];
                replacement_title = rest.split(']').next().map(|s| s.trim().to_string());
            }
        }
    }

    // Status markers in the response part.
    let markers: Vec<(usize, u16)> = doc
        .range(start, sec.end)
        .filter(|(n, _)| part_at(*n) == Part::Response)
        .filter_map(|(n, l)| status_marker(l).map(|s| (n, s)))
        .collect();

    // Tables of the section with their roles.
    let mut tables: Vec<OpTable> = Vec::new();
    let mut has_response_body = false;
    for t in all_tables
        .iter()
        .filter(|t| t.header_line > start && t.header_line <= sec.end)
    {
        let part = part_at(t.header_line);
        let (role, name) = role_of(t, part, has_response_body);
        let cols = Columns::of(t);
        if role != Role::Status && !cols.is_parameter_table() {
            diags.warn(
                t.header_line,
                format!(
                    "table with header `{}` is not understood here",
                    t.header_text()
                ),
            );
            continue;
        }
        if role == Role::ResponseBody {
            has_response_body = true;
        }
        let status = if matches!(role, Role::ResponseBody | Role::ResponseHeader) {
            markers
                .iter()
                .filter(|(l, _)| *l < t.header_line)
                .map(|(_, s)| *s)
                .next_back()
        } else {
            None
        };
        let rows = if role == Role::Status {
            Vec::new()
        } else {
            read_rows(t, diags)
        };
        if role == Role::Orphan {
            diags.warn(
                t.header_line,
                format!(
                    "{} row(s) under header `{}` with no caption: a table whose caption was lost with a page; not used",
                    t.rows.len(),
                    t.header_text()
                ),
            );
        }
        tables.push(OpTable {
            table: t,
            role,
            status,
            name,
            fields: rows,
        });
    }
    let types = resolve_types(&mut tables, diags);

    // Request parameters and body.
    let mut parameters: Vec<Field> = Vec::new();
    let mut body: Option<Body> = None;
    for t in &tables {
        let loc = match t.role {
            Role::Path => Some(Location::Path),
            Role::Query => Some(Location::Query),
            Role::Header => Some(Location::Header),
            _ => None,
        };
        if let Some(loc) = loc {
            for mut f in fields(&t.fields) {
                f.location = Some(loc);
                parameters.push(f);
            }
            continue;
        }
        match t.role {
            Role::UriMixed => {
                for mut f in fields(&t.fields) {
                    let in_path = path.contains(&format!("{{{}}}", f.name));
                    if !in_path && !query_names.is_empty() && !query_names.contains(&f.name) {
                        diags.note(f.line.map(|l| l as usize), format!("`{}` is in neither the path nor the query template; taken as query", f.name));
                    }
                    f.location = Some(if in_path {
                        Location::Path
                    } else {
                        Location::Query
                    });
                    parameters.push(f);
                }
            }
            Role::FormData => {
                let mut fs = fields(&t.fields);
                for f in fs.iter_mut() {
                    f.location = Some(if f.ty == TypeExpr::File {
                        Location::File
                    } else {
                        Location::Form
                    });
                }
                append_body(&mut body, "multipart/form-data", fs);
            }
            Role::Body => append_body(&mut body, JSON, fields(&t.fields)),
            _ => {}
        }
    }
    if let Some(b) = body.as_mut() {
        top_level_array(b);
        b.required = b.fields.iter().any(|f| f.required) || matches!(b.ty, TypeExpr::Array(_));
    }
    check_path_params(&path, &parameters, sec.uri_line, diags);

    // Responses: markers first, then the closing status table.
    let mut responses: Vec<Response> = Vec::new();
    for (_, s) in &markers {
        if !responses.iter().any(|r| r.status == *s) {
            responses.push(Response {
                status: *s,
                description: String::new(),
                headers: Vec::new(),
                body: None,
                examples: Vec::new(),
            });
        }
    }
    let mut listed: Vec<u16> = Vec::new();
    for t in tables.iter().filter(|t| t.role == Role::Status) {
        for row in &t.table.rows {
            let code = row.cell(Some(0));
            let Ok(status) = code.trim_matches('*').parse::<u16>() else {
                if row.cells != t.table.header {
                    diags.warn(
                        row.line,
                        format!("status table row `{code}` is not a status code"),
                    );
                }
                continue;
            };
            let desc = strip_html(row.cell(Some(1)));
            listed.push(status);
            match responses.iter_mut().find(|r| r.status == status) {
                Some(r) => r.description = desc,
                None => responses.push(Response {
                    status,
                    description: desc,
                    headers: Vec::new(),
                    body: None,
                    examples: Vec::new(),
                }),
            }
        }
    }
    for r in &responses {
        if !listed.is_empty() && !listed.contains(&r.status) {
            let line = markers
                .iter()
                .find(|(_, s)| *s == r.status)
                .map(|(l, _)| *l);
            diags.note(
                line,
                format!(
                    "status {} has a response table but is not in the closing status table",
                    r.status
                ),
            );
        }
    }
    let default_status = listed
        .first()
        .copied()
        .or_else(|| markers.first().map(|m| m.1))
        .unwrap_or(200);
    for t in &tables {
        if !matches!(t.role, Role::ResponseBody | Role::ResponseHeader) {
            continue;
        }
        let status = t.status.unwrap_or(default_status);
        let idx = match responses.iter().position(|r| r.status == status) {
            Some(i) => i,
            None => {
                responses.push(Response {
                    status,
                    description: String::new(),
                    headers: Vec::new(),
                    body: None,
                    examples: Vec::new(),
                });
                responses.len() - 1
            }
        };
        let r = &mut responses[idx];
        if t.role == Role::ResponseHeader {
            r.headers.extend(fields(&t.fields));
        } else {
            append_body(&mut r.body, JSON, fields(&t.fields));
        }
    }
    for r in responses.iter_mut() {
        if let Some(b) = r.body.as_mut() {
            top_level_array(b);
        }
    }

    // Examples.
    let request_examples = samples::requests(doc, start, sec.end, &part_at, blocks, diags);
    samples::responses(
        doc,
        start,
        sec.end,
        &part_at,
        blocks,
        default_status,
        &mut responses,
        diags,
    );

    let pagination = pagination(&parameters, &responses);
    let op = Operation {
        id: String::new(),
        title: sec.heading.title.clone(),
        source: SourceRef {
            section: sec.heading.number.clone(),
            line: u32::try_from(start).unwrap_or(0),
        },
        description: description.join("\n"),
        // "None" / "无": the document says there are none.
        restrictions: match restrictions.as_slice() {
            [only] if matches!(only.as_str(), "None" | "None." | "无" | "无。") => String::new(),
            _ => restrictions.join("\n"),
        },
        method: sec.method,
        path,
        version,
        product: None,
        group: sec.group.clone(),
        deprecated: historical,
        replaced_by: None,
        pagination,
        parameters,
        body,
        responses,
        types,
        request_examples,
        errors: Vec::new(),
    };
    let mut op = op;
    inline_placeholder_maps(&mut op);
    super::arrays::lists_from_examples(&mut op, diags);
    Built {
        op,
        replacement_title,
        historical,
    }
}

/// A nested table whose only row is a placeholder key (`<header>`, `<tag>`) describes a
/// map: references to it become `map<T>` of that row's type, and the table goes away.
fn inline_placeholder_maps(op: &mut Operation) {
    let maps: Vec<(String, TypeExpr)> = op
        .types
        .iter()
        .filter(|(_, d)| d.fields.len() == 1 && is_placeholder(&d.fields[0].name))
        .map(|(k, d)| (k.clone(), d.fields[0].ty.clone()))
        .collect();
    for (key, inner) in maps {
        op.types.remove(&key);
        visit_types(op, &mut |t| *t = replace_named(t, &key, &inner));
    }
}

fn replace_named(t: &TypeExpr, key: &str, with: &TypeExpr) -> TypeExpr {
    match t {
        TypeExpr::Array(i) => TypeExpr::array(replace_named(i, key, with)),
        TypeExpr::Map(i) => TypeExpr::map(replace_named(i, key, with)),
        TypeExpr::Named(n) if n == key => TypeExpr::map(with.clone()),
        other => other.clone(),
    }
}

/// Apply `f` to every type expression of an operation.
pub fn visit_types(op: &mut Operation, f: &mut dyn FnMut(&mut TypeExpr)) {
    let mut all: Vec<&mut Field> = op.parameters.iter_mut().collect();
    if let Some(b) = op.body.as_mut() {
        f(&mut b.ty);
        all.extend(b.fields.iter_mut());
    }
    for r in op.responses.iter_mut() {
        all.extend(r.headers.iter_mut());
        if let Some(b) = r.body.as_mut() {
            f(&mut b.ty);
            all.extend(b.fields.iter_mut());
        }
    }
    for d in op.types.values_mut() {
        all.extend(d.fields.iter_mut());
    }
    for fl in all {
        f(&mut fl.ty);
    }
}

fn part_of_label(t: &str) -> Option<Part> {
    super::outline::part_label(t)
}

fn append_body(body: &mut Option<Body>, content_type: &str, fs: Vec<Field>) {
    match body {
        Some(b) => b.fields.extend(fs),
        None => {
            *body = Some(Body {
                content_type: content_type.to_string(),
                ty: TypeExpr::Object,
                required: false,
                description: String::new(),
                fields: fs,
            })
        }
    }
}

/// A body table whose only row is a placeholder (`[Array]`, or `OK` typed as an array)
/// describes a top-level array: the body's type becomes that row's type.
pub fn top_level_array(b: &mut Body) {
    if b.fields.len() != 1 {
        return;
    }
    let f = &b.fields[0];
    let placeholder = f.name == "[Array]" || (f.name == "OK" && matches!(f.ty, TypeExpr::Array(_)));
    if placeholder && matches!(f.ty, TypeExpr::Array(_)) {
        b.ty = f.ty.clone();
        b.description = f.description.clone();
        b.fields.clear();
    }
}

/// Every `{param}` of the path should have a path-parameter row and vice versa.
fn check_path_params(path: &str, params: &[Field], line: usize, diags: &mut Diagnostics) {
    let in_path: Vec<&str> = path
        .split('/')
        .filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
        .collect();
    for p in &in_path {
        if !params
            .iter()
            .any(|f| f.location == Some(Location::Path) && f.name == *p)
        {
            diags.warn(
                line,
                format!("path parameter `{{{p}}}` has no row in a path-parameter table"),
            );
        }
    }
    for f in params.iter().filter(|f| f.location == Some(Location::Path)) {
        if !in_path.contains(&f.name.as_str()) {
            diags.warn(
                f.line.map(|l| l as usize),
                format!("path-parameter row `{}` is not in the URI `{path}`", f.name),
            );
        }
    }
}

/// Pagination from the query parameters the operation takes.
fn pagination(params: &[Field], responses: &[Response]) -> Option<Pagination> {
    let q: Vec<&str> = params
        .iter()
        .filter(|f| f.location == Some(Location::Query))
        .map(|f| f.name.as_str())
        .collect();
    let has = |n: &str| {
        q.iter()
            .copied()
            .find(|x| x.eq_ignore_ascii_case(n))
            .map(str::to_string)
    };
    let ok = responses
        .iter()
        .find(|r| (200..300).contains(&r.status))
        .and_then(|r| r.body.as_ref());
    let top: Vec<&Field> = ok.map(|b| b.fields.iter().collect()).unwrap_or_default();
    let total = top.iter().find(|f| {
        matches!(
            f.name.as_str(),
            "total" | "total_count" | "totalCount" | "count" | "instance_num" | "total_num"
        ) && f.ty.is_scalar()
    });
    let items = top.iter().find(|f| matches!(f.ty, TypeExpr::Array(_)));
    let total = total.map(|f| f.name.clone());
    let items = items.map(|f| f.name.clone());
    let limit = has("limit")
        .or_else(|| has("page_size"))
        .or_else(|| has("pageSize"));
    if let (Some(offset), Some(limit)) = (has("offset").or_else(|| has("start")), limit.clone()) {
        return Some(Pagination::OffsetLimit {
            offset,
            limit,
            total,
            items,
        });
    }
    if let (Some(page), Some(size)) = (
        has("page")
            .or_else(|| has("page_no"))
            .or_else(|| has("pageNo")),
        limit.clone(),
    ) {
        return Some(Pagination::PageNumber {
            page,
            size,
            total,
            items,
        });
    }
    if let Some(marker) = has("marker") {
        let next = top
            .iter()
            .find(|f| f.name.contains("marker"))
            .map(|f| f.name.clone())
            .unwrap_or_else(|| marker.clone());
        return Some(Pagination::Marker {
            marker,
            next_marker: next,
            limit,
            items,
        });
    }
    None
}
