//! Parameter tables of one operation: column mapping by header text, the role of each
//! table (from its caption and the part of the page it is in) and the resolution of
//! nested type references, scoped to the operation.

use super::outline::Part;
use super::types::{clean_name, parse_cell_type, CellType};
use crate::extract::tables::{Row, Table};
use crate::extract::text::parse_required;
use crate::extract::text::{parse_description, typed_default};
use crate::extract::Diagnostics;
use crate::spec::model::{Field, SourceRef, TypeDef, TypeExpr};
use regex::Regex;
use std::collections::BTreeMap;
use std::sync::LazyLock;

static TABLE_REF: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:表|Table)\s*(\d+-\d+)").expect("regex"));

/// What a table of an operation holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Path,
    Query,
    Header,
    FormData,
    Body,
    /// V1: path and query parameters in one table; the URI template decides.
    UriMixed,
    ResponseBody,
    ResponseHeader,
    /// A nested type (captioned with the type's or the field's name).
    Nested,
    /// The closing `Status Code | Description` table.
    Status,
    /// Rows with no caption of their own that do not continue a table (lost pages).
    Orphan,
}

/// Column indexes, found by header text (the two DMS V1 orders differ).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Columns {
    pub name: Option<usize>,
    pub mandatory: Option<usize>,
    pub ty: Option<usize>,
    pub description: Option<usize>,
}

impl Columns {
    pub fn of(t: &Table) -> Columns {
        Columns {
            name: t.column(&["Parameter", "参数", "名称", "Name", "参数名"]),
            mandatory: t.column(&["Mandatory", "是否必选", "必选", "Required"]),
            ty: t.column(&["Type", "参数类型", "类型"]),
            description: t.column(&["Description", "描述", "说明"]),
        }
    }

    /// A parameter table has at least a name and a type column.
    pub fn is_parameter_table(&self) -> bool {
        self.name.is_some() && self.ty.is_some()
    }
}

/// Whether a table is a `Status Code | Description` list.
pub fn is_status_table(t: &Table) -> bool {
    let h0 = t.header.first().map(|s| s.trim()).unwrap_or("");
    (h0 == "Status Code" || h0 == "状态码")
        && t.column(&["Description", "描述"]).is_some()
        && t.header.len() == 2
}

/// A table of the operation with its role and context.
#[derive(Debug, Clone)]
pub struct OpTable<'a> {
    pub table: &'a Table,
    pub role: Role,
    /// Status of the `Status code: NNN` marker above it (response tables).
    pub status: Option<u16>,
    /// Name the caption gives a nested table (`GetKieConfigs`, V1 `results 参数说明` → `results`).
    pub name: String,
    pub fields: Vec<RawField>,
}

/// A row read into a field, with its type reference not yet resolved.
#[derive(Debug, Clone)]
pub struct RawField {
    pub field: Field,
    pub cell: CellType,
    /// Table numbers the description points at (`请参见表7-41`).
    pub table_refs: Vec<String>,
}

/// Decide a table's role from its caption title and the part of the page.
pub fn role_of(t: &Table, part: Part, has_response_body: bool) -> (Role, String) {
    if is_status_table(t) {
        return (Role::Status, String::new());
    }
    let Some(cap) = &t.caption else {
        return (Role::Orphan, String::new());
    };
    let title = cap.title.trim();
    let sq: String = title
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_lowercase();
    let starts = |p: &str| sq.starts_with(p);
    let role = if starts("pathparameter") || starts("路径参数") {
        Role::Path
    } else if starts("queryparameter") || starts("query参数") {
        Role::Query
    } else if starts("requestheaderparameter") || starts("请求header参数") {
        Role::Header
    } else if starts("formdataparameter") {
        Role::FormData
    } else if starts("requestbodyparameter")
        || sq == "bodyparameters"
        || sq == "bodyparameter"
        || starts("请求body参数")
    {
        Role::Body
    } else if starts("responsebodyparameter") || starts("响应body参数") || sq == "响应参数说明"
    {
        Role::ResponseBody
    } else if starts("responseheaderparameter") || starts("响应header参数") {
        Role::ResponseHeader
    } else if sq == "参数说明" {
        match part {
            Part::Uri | Part::Preamble | Part::Function => Role::UriMixed,
            Part::Request => Role::Body,
            _ if !has_response_body => Role::ResponseBody,
            _ => Role::Nested,
        }
    } else {
        Role::Nested
    };
    let name = if role == Role::Nested {
        title
            .strip_suffix("参数说明")
            .unwrap_or(title)
            .trim()
            .to_string()
    } else {
        String::new()
    };
    (role, name)
}

/// Read the rows of a parameter table.
pub fn read_rows(t: &Table, diags: &mut Diagnostics) -> Vec<RawField> {
    let cols = Columns::of(t);
    let mut out = Vec::new();
    for row in &t.rows {
        if is_header_repeat(t, row) {
            continue;
        }
        match read_row(row, &cols) {
            Some(f) => out.push(f),
            None => diags.warn(
                row.line,
                format!(
                    "table row without a parameter name: `{}`",
                    row.cells.join(" | ")
                ),
            ),
        }
    }
    out
}

fn is_header_repeat(t: &Table, row: &Row) -> bool {
    row.cells == t.header
}

fn read_row(row: &Row, cols: &Columns) -> Option<RawField> {
    let name = clean_name(row.cell(cols.name));
    if name.is_empty() {
        return None;
    }
    let raw_type = row.cell(cols.ty).to_string();
    let cell = parse_cell_type(&raw_type);
    let raw_desc = row.cell(cols.description);
    let info = parse_description(raw_desc);
    let mut f = Field::new(name, cell.expr.clone());
    f.required = cols
        .mandatory
        .and_then(|_| parse_required(row.cell(cols.mandatory)))
        .unwrap_or(false);
    f.description = info.text;
    f.enum_values = info.enum_values;
    f.default = info
        .default
        .as_deref()
        .and_then(|d| typed_default(d, &cell.expr));
    f.constraints = info.constraints;
    f.deprecated = info.deprecated;
    f.doc_type = raw_type;
    f.line = u32::try_from(row.line).ok();
    let table_refs = TABLE_REF
        .captures_iter(raw_desc)
        .map(|c| c[1].to_string())
        .collect();
    Some(RawField {
        field: f,
        cell,
        table_refs,
    })
}

/// Resolve nested references of all tables of one operation and return the named types.
/// Lookup is per operation only: a type table is found by name (exact, then ignoring case
/// and spaces — split names such as `EngineRbacP wd`), by a table number the description
/// or the type names (`Array of Table 6-5`, `请参见表7-41`), or for V1 untyped containers
/// by field name (`results`, `instance` for `instances`) or, failing that, the next
/// unnamed nested table. Among several tables of that name the nearest one after the
/// referencing row wins (DMS 5.9.4 defines `queues` and `partitions` twice).
///
/// Type names: the caption's name when it is an identifier, otherwise the name of the
/// first field that refers to it. Two different tables with one name: the later one is
/// renamed `name_2`, `name_3`…; a table identical to an earlier one of that name reuses it.
pub fn resolve_types(
    tables: &mut [OpTable<'_>],
    diags: &mut Diagnostics,
) -> BTreeMap<String, TypeDef> {
    let nested: Vec<usize> = (0..tables.len())
        .filter(|&i| tables[i].role == Role::Nested)
        .collect();
    // Tables before the first response table are the request's: a response field never
    // takes one of them (a revision's `Array of objects` without its own table would
    // otherwise get the members of a request table of the same name).
    let response_start = tables
        .iter()
        .filter(|t| matches!(t.role, Role::ResponseBody | Role::ResponseHeader))
        .map(|t| t.table.header_line)
        .min();
    let response_side = |t: &OpTable<'_>| {
        matches!(t.role, Role::ResponseBody | Role::ResponseHeader)
            || (t.role == Role::Nested && response_start.is_some_and(|s| t.table.header_line > s))
    };
    // (table index, field index) → nested table index.
    let mut links: Vec<((usize, usize), usize)> = Vec::new();
    let mut claimed_unnamed: Vec<usize> = Vec::new();
    for ti in 0..tables.len() {
        if matches!(tables[ti].role, Role::Status | Role::Orphan) {
            continue;
        }
        for fi in 0..tables[ti].fields.len() {
            let rf = &tables[ti].fields[fi];
            let row_line = rf.field.line.unwrap_or(0) as usize;
            let fname = rf.field.name.clone();
            let wants = rf.cell.reference.is_some() || rf.cell.untyped_container;
            if !wants {
                continue;
            }
            let mut cands: Vec<usize> = Vec::new();
            // 1. Table number in the type or the description.
            let mut numbers: Vec<String> = rf.table_refs.clone();
            if let Some(r) = &rf.cell.reference {
                if let Some(n) = r.strip_prefix("Table ") {
                    numbers.insert(0, n.trim().to_string());
                }
            }
            for n in &numbers {
                cands.extend(nested.iter().copied().filter(|&k| {
                    tables[k]
                        .table
                        .caption
                        .as_ref()
                        .is_some_and(|c| &c.number == n)
                }));
                if !cands.is_empty() {
                    break;
                }
            }
            // 2. By name.
            if cands.is_empty() {
                if let Some(r) = &rf.cell.reference {
                    let key = squash_lower(r);
                    cands.extend(
                        nested
                            .iter()
                            .copied()
                            .filter(|&k| squash_lower(&tables[k].name) == key),
                    );
                }
            }
            // 3. V1 untyped containers: by field name, then the next unnamed nested table.
            if cands.is_empty() && rf.cell.untyped_container {
                let key = squash_lower(&fname);
                cands.extend(nested.iter().copied().filter(|&k| {
                    let n = squash_lower(&tables[k].name);
                    !n.is_empty() && (n == key || format!("{n}s") == key)
                }));
                if cands.is_empty() {
                    if let Some(&k) = nested.iter().find(|&&k| {
                        tables[k].name.is_empty()
                            && tables[k].table.header_line > row_line
                            && !claimed_unnamed.contains(&k)
                    }) {
                        claimed_unnamed.push(k);
                        cands.push(k);
                    }
                }
            }
            if response_side(&tables[ti]) {
                cands.retain(|&k| response_side(&tables[k]));
            }
            let chosen = cands
                .iter()
                .copied()
                .find(|&k| tables[k].table.header_line > row_line)
                .or_else(|| cands.iter().copied().rfind(|&k| k != ti));
            match chosen {
                Some(k) if k != ti => links.push(((ti, fi), k)),
                _ => {
                    if let Some(r) = &rf.cell.reference {
                        diags.warn(
                            row_line,
                            format!("`{fname}`: type `{r}` has no table in this operation"),
                        );
                    }
                }
            }
        }
    }
    // Name the nested tables.
    let mut keys: BTreeMap<usize, String> = BTreeMap::new();
    let mut referenced: Vec<usize> = links.iter().map(|(_, k)| *k).collect();
    referenced.sort_unstable();
    for &k in &nested {
        let first_ref = links
            .iter()
            .find(|(_, t)| *t == k)
            .map(|((ti, fi), _)| tables[*ti].fields[*fi].field.name.clone());
        let base = ident(&tables[k].name)
            .or_else(|| first_ref.as_deref().and_then(ident))
            .unwrap_or_else(|| {
                format!(
                    "type_{}",
                    tables[k]
                        .table
                        .caption
                        .as_ref()
                        .map(|c| c.number.replace('-', "_"))
                        .unwrap_or_default()
                )
            });
        if referenced.binary_search(&k).is_err() {
            diags.warn(
                tables[k].table.header_line,
                format!(
                    "nested table `{}` is not referenced by any field of this operation",
                    tables[k].name
                ),
            );
        }
        keys.insert(k, base);
    }
    // Rewrite references, then build the type definitions.
    for ((ti, fi), k) in &links {
        let key = keys.get(k).cloned().unwrap_or_default();
        let f = &mut tables[*ti].fields[*fi].field;
        f.ty = retarget(&f.ty, &key);
    }
    // Unresolved references become plain objects.
    for (ti, t) in tables.iter_mut().enumerate() {
        for (fi, rf) in t.fields.iter_mut().enumerate() {
            if links.iter().any(|((a, b), _)| *a == ti && *b == fi) {
                continue;
            }
            let f = &mut rf.field;
            if contains_named(&f.ty) {
                f.ty = retarget(&f.ty, "");
            }
        }
    }
    // Final names: a different table under a taken name is renamed `name_2`…; an
    // identical one shares the name.
    let mut final_keys: BTreeMap<usize, String> = BTreeMap::new();
    let mut taken: BTreeMap<String, usize> = BTreeMap::new();
    for &k in &nested {
        let base = keys.get(&k).cloned().unwrap_or_default();
        let mut key = base.clone();
        let mut n = 1;
        while let Some(&other) = taken.get(&key) {
            if same_fields(&tables[other].fields, &tables[k].fields) {
                break;
            }
            n += 1;
            key = format!("{base}_{n}");
        }
        taken.entry(key.clone()).or_insert(k);
        final_keys.insert(k, key);
    }
    if final_keys != keys {
        for ((ti, fi), k) in &links {
            if let Some(key) = final_keys.get(k) {
                let f = &mut tables[*ti].fields[*fi].field;
                f.ty = retarget(&f.ty, key);
            }
        }
    }
    let mut types: BTreeMap<String, TypeDef> = BTreeMap::new();
    for &k in &nested {
        let key = final_keys.get(&k).cloned().unwrap_or_default();
        let fields: Vec<Field> = tables[k].fields.iter().map(|r| r.field.clone()).collect();
        types.entry(key).or_insert_with(|| TypeDef {
            description: String::new(),
            source: Some(SourceRef {
                section: String::new(),
                line: u32::try_from(tables[k].table.header_line).unwrap_or(0),
            }),
            fields,
        });
    }
    types
}

fn same_fields(a: &[RawField], b: &[RawField]) -> bool {
    a.len() == b.len()
        && a.iter().zip(b).all(|(x, y)| {
            x.field.name == y.field.name
                && x.field.ty == y.field.ty
                && x.field.description == y.field.description
        })
}

fn squash_lower(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace() && *c != '<' && *c != '>')
        .collect::<String>()
        .to_lowercase()
}

/// An identifier made from a caption name (spaces removed), if it is one.
fn ident(s: &str) -> Option<String> {
    let t: String = s
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '<' && *c != '>')
        .collect();
    let ok = !t.is_empty()
        && t.chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && t.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.');
    ok.then_some(t)
}

fn contains_named(t: &TypeExpr) -> bool {
    matches!(t.element(), TypeExpr::Named(_))
}

/// Point the innermost element of `t` at `key`; an unresolved (empty) key becomes `object`.
/// An untyped container (`Array`, `Object`) gets `key` as its element.
fn retarget(t: &TypeExpr, key: &str) -> TypeExpr {
    match t {
        TypeExpr::Array(i) => TypeExpr::array(retarget(i, key)),
        TypeExpr::Map(i) => TypeExpr::map(retarget(i, key)),
        TypeExpr::Named(_) | TypeExpr::Object if !key.is_empty() => {
            TypeExpr::Named(key.to_string())
        }
        TypeExpr::Named(_) => TypeExpr::Object,
        other => other.clone(),
    }
}

/// Turn raw fields into spec fields.
pub fn fields(raw: &[RawField]) -> Vec<Field> {
    raw.iter().map(|r| r.field.clone()).collect()
}
