//! Semantic checks a spec must pass beyond its YAML shape.
//!
//! Each [`Problem`] names its place by a *spec path* in the syntax of the corrections
//! engine (`operations[CreateTopic].parameters[Tag].type`), so a problem can be located in
//! the YAML (see [`Locator`](super::load::Locator)) and fixed by a correction with the same
//! path. Elements of lists are selected by their `id`/`name`/`status`/`line`; `[#N]` (a
//! 0-based index) is used where that is missing or not unique, and `["a.b"]` quotes a
//! selector holding dots or brackets.

use super::model::{
    Body, Encoding, Endpoints, Example, Field, Operation, Spec, TypeExpr, FORMAT_VERSION,
};
use crate::severity::Severity;
use apigen_runtime::loose;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// One finding of [`validate`].
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// Error (the spec is wrong) or warning (suspicious, but usable).
    pub severity: Severity,
    /// Where in the spec (`operations[X].parameters[Y]`).
    pub at: String,
    pub message: String,
}

impl Problem {
    pub fn error(at: impl Into<String>, message: impl Into<String>) -> Problem {
        Problem {
            severity: Severity::Error,
            at: at.into(),
            message: message.into(),
        }
    }
    pub fn warning(at: impl Into<String>, message: impl Into<String>) -> Problem {
        Problem {
            severity: Severity::Warning,
            at: at.into(),
            message: message.into(),
        }
    }
    pub fn is_error(&self) -> bool {
        self.severity >= Severity::Error
    }
}

/// `error|warning: path: message`.
impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}: {}", self.severity, self.at, self.message)
    }
}

/// Run every semantic check; problems come in spec order (operation by operation).
pub fn validate(spec: &Spec) -> Vec<Problem> {
    let mut out = Vec::new();
    if spec.format != FORMAT_VERSION {
        out.push(Problem::error(
            "format",
            format!(
                "unsupported format {}: expected {FORMAT_VERSION}",
                spec.format
            ),
        ));
    }
    if spec.service.name.trim().is_empty() {
        out.push(Problem::error("service.name", "empty service name"));
    }
    let common = selectors(
        spec.service
            .common_parameters
            .iter()
            .map(|f| f.name.as_str()),
    );
    for (f, sel) in spec.service.common_parameters.iter().zip(&common) {
        check_field(
            &mut out,
            &format!("service.common_parameters{sel}"),
            f,
            None,
        );
    }
    for (list, name) in [(&spec.service.error_codes, "error_codes")] {
        for (i, e) in list.iter().enumerate() {
            if let Some(s) = e.status {
                if !(100..=599).contains(&s) {
                    out.push(Problem::error(
                        format!("service.{name}[#{i}].status"),
                        format!("status {s} is not an HTTP status (100-599)"),
                    ));
                }
            }
        }
    }
    if let Some(e) = &spec.service.endpoints {
        check_endpoints(&mut out, e);
        let protocol = crate::protocol::of(spec);
        if e.global && !protocol.has_global_services() {
            out.push(Problem::error(
                "service.endpoints.global",
                format!(
                    "{} has no global services (expected no `global`: it names Huawei's \
                     domain-scoped services)",
                    protocol.name()
                ),
            ));
        }
    }

    let codes: Vec<&str> = spec
        .service
        .products
        .iter()
        .map(|p| p.code.as_str())
        .collect();
    for (p, sel) in spec
        .service
        .products
        .iter()
        .zip(selectors(codes.iter().copied()))
    {
        check_endpoints_at(
            &mut out,
            &format!("service.products{sel}.endpoints"),
            &p.endpoints,
        );
        if Some(p.code.as_str()) == spec.service.product_code.as_deref()
            || p.code == spec.service.name
        {
            out.push(Problem::error(
                format!("service.products{sel}.code"),
                format!(
                    "`{}` is this service's own code (a product here is another one)",
                    p.code
                ),
            ));
        }
    }

    let ids: Vec<&str> = spec.operations.iter().map(|o| o.id.as_str()).collect();
    let sels = selectors(ids.iter().copied());
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, (op, sel)) in spec.operations.iter().zip(&sels).enumerate() {
        let at = format!("operations{sel}");
        if op.id.trim().is_empty() {
            out.push(Problem::error(format!("{at}.id"), "empty operation id"));
        } else if let Some(first) = seen.get(op.id.as_str()) {
            out.push(Problem::error(
                format!("{at}.id"),
                format!(
                    "duplicate operation id `{}` (first at operations[#{first}])",
                    op.id
                ),
            ));
        } else {
            seen.insert(&op.id, i);
        }
        if let Some(code) = &op.product {
            match spec.product_of(op) {
                None => out.push(Problem::error(
                    format!("{at}.product"),
                    format!("no product `{code}` in service.products"),
                )),
                Some(p) if op.version.as_deref() != Some(p.api_version.as_str()) => {
                    out.push(Problem::error(
                        format!("{at}.version"),
                        format!(
                            "an operation of `{code}` is sent with its API version `{}`",
                            p.api_version
                        ),
                    ))
                }
                Some(_) => {}
            }
        }
        if let Some(r) = &op.replaced_by {
            if !ids.contains(&r.as_str()) {
                out.push(Problem::warning(
                    format!("{at}.replaced_by"),
                    format!("no operation `{r}` in this spec"),
                ));
            }
        }
        check_operation(
            &mut out,
            &at,
            op,
            crate::protocol::rules(spec.service.protocol),
        );
    }
    out.extend(check_examples(spec));
    out
}

/// `service.endpoints`: the rule is a host with only `{region_id}` and `{network}` in it; the
/// listed regions are region ids with host names.
fn check_endpoints(out: &mut Vec<Problem>, e: &Endpoints) {
    check_endpoints_at(out, "service.endpoints", e);
}

fn check_endpoints_at(out: &mut Vec<Problem>, path: &str, e: &Endpoints) {
    let plain = e.rule.replace("{region_id}", "r").replace("{network}", "");
    if let Err(why) = check_host(&plain) {
        out.push(Problem::error(
            format!("{path}.rule"),
            format!(
                "`{}`: {why} (a host name; placeholders `{{region_id}}`, `{{network}}`)",
                e.rule
            ),
        ));
    }
    for (region, host) in &e.regions {
        let at = format!("{path}.regions{}", key_segment(region));
        if region.is_empty()
            || !region
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
        {
            out.push(Problem::error(
                &at,
                format!("`{region}` is not a region id (lower-case letters, digits, `-`, `_`)"),
            ));
        }
        if let Err(why) = check_host(host) {
            out.push(Problem::error(&at, format!("`{host}`: {why}")));
        }
    }
}

/// What is wrong with an endpoint's host name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
enum HostError {
    #[error("a host name is expected, without a scheme")]
    Scheme,
    #[error("a host name has at least two labels")]
    OneLabel,
    #[error("bad label `{0}`")]
    BadLabel(String),
    #[error("label `{0}` holds characters other than letters, digits, `-`")]
    Characters(String),
}

/// A DNS host name: dot-separated labels of letters, digits and `-`, no scheme or path.
fn check_host(host: &str) -> Result<(), HostError> {
    if host.contains("://") {
        return Err(HostError::Scheme);
    }
    let labels: Vec<&str> = host.split('.').collect();
    if labels.len() < 2 {
        return Err(HostError::OneLabel);
    }
    for l in labels {
        if l.is_empty() || l.starts_with('-') || l.ends_with('-') {
            return Err(HostError::BadLabel(l.to_string()));
        }
        if !l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
            return Err(HostError::Characters(l.to_string()));
        }
    }
    Ok(())
}

/// The `[sel]` path segment for each element of a list whose identities are `names`.
fn selectors<'a>(names: impl Iterator<Item = &'a str>) -> Vec<String> {
    let names: Vec<&str> = names.collect();
    names
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let unique = names.iter().filter(|m| *m == n).count() == 1;
            if n.is_empty() || !unique || n.contains("\"]") {
                format!("[#{i}]")
            } else if n.contains(['.', '[', ']', '"']) || n.starts_with('#') {
                format!("[\"{n}\"]")
            } else {
                format!("[{n}]")
            }
        })
        .collect()
}

/// `.key`, or `["key"]` for keys that would not read back as one segment.
fn key_segment(k: &str) -> String {
    if !k.is_empty()
        && k.chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
    {
        format!(".{k}")
    } else {
        format!("[\"{k}\"]")
    }
}

pub(crate) fn check_operation(
    out: &mut Vec<Problem>,
    at: &str,
    op: &Operation,
    protocol: &dyn crate::protocol::ProtocolRules,
) {
    let types = &op.types;
    // Path template and path parameters.
    let placeholders = match op.path_template().checked_placeholders() {
        Ok(p) => p,
        Err(e) => {
            out.push(Problem::error(format!("{at}.path"), e.to_string()));
            Vec::new()
        }
    };
    if !op.path.starts_with('/') {
        out.push(Problem::error(
            format!("{at}.path"),
            format!("path `{}` must start with `/`", op.path),
        ));
    }
    let psels = selectors(op.parameters.iter().map(|f| f.name.as_str()));
    for name in &placeholders {
        let declared = op
            .parameters
            .iter()
            .any(|p| p.location == Some(super::model::Location::Path) && &p.name == name);
        if !declared {
            out.push(Problem::error(
                format!("{at}.path"),
                format!("`{{{name}}}` in the path has no parameter `{name}` with `in: path`"),
            ));
        }
    }
    let mut seen_params: BTreeSet<(String, Option<super::model::Location>)> = BTreeSet::new();
    for (p, sel) in op.parameters.iter().zip(&psels) {
        let pat = format!("{at}.parameters{sel}");
        match p.location {
            None => out.push(Problem::error(
                &pat,
                "request parameter without `in` (query, path, header, body, form or file)",
            )),
            Some(super::model::Location::Path) => {
                if !placeholders.contains(&p.name.as_str()) {
                    out.push(Problem::error(
                        &pat,
                        format!(
                            "path parameter `{}` is not in the path `{}`",
                            p.name, op.path
                        ),
                    ));
                }
                if !p.required {
                    out.push(Problem::error(
                        format!("{pat}.required"),
                        "path parameters are required",
                    ));
                }
            }
            Some(_) => {}
        }
        if !seen_params.insert((p.name.clone(), p.location)) {
            out.push(Problem::error(
                &pat,
                format!("parameter `{}` is declared twice", p.name),
            ));
        }
        protocol.check_parameter(p, &pat, out);
        check_field(out, &pat, p, Some(types));
    }
    protocol.check_operation(op, at, out);
    if let Some(body) = &op.body {
        check_body(out, &format!("{at}.body"), body, types);
    }

    // Responses.
    let rsels = selectors(
        op.responses
            .iter()
            .map(|r| r.status.to_string())
            .collect::<Vec<_>>()
            .iter()
            .map(String::as_str),
    );
    let mut statuses = BTreeSet::new();
    for (r, sel) in op.responses.iter().zip(&rsels) {
        let rat = format!("{at}.responses{sel}");
        if !(100..=599).contains(&r.status) {
            out.push(Problem::error(
                format!("{rat}.status"),
                format!("status {} is not an HTTP status (100-599)", r.status),
            ));
        }
        if !statuses.insert(r.status) {
            out.push(Problem::error(
                format!("{rat}.status"),
                format!("status {} is listed twice", r.status),
            ));
        }
        let hsels = selectors(r.headers.iter().map(|f| f.name.as_str()));
        for (h, hsel) in r.headers.iter().zip(&hsels) {
            check_field(out, &format!("{rat}.headers{hsel}"), h, Some(types));
        }
        if let Some(body) = &r.body {
            check_body(out, &format!("{rat}.body"), body, types);
        }
    }

    // Named types: fields valid, every reference resolves, every type used.
    for (name, def) in types {
        let tat = format!("{at}.types{}", key_segment(name));
        check_fields(out, &format!("{tat}.fields"), &def.fields, Some(types));
    }
    let used = reachable_types(op);
    for name in types.keys() {
        if !used.contains(name.as_str()) {
            out.push(Problem::warning(
                format!("{at}.types{}", key_segment(name)),
                format!("type `{name}` is not used by the operation"),
            ));
        }
    }
}

fn check_body(
    out: &mut Vec<Problem>,
    at: &str,
    body: &Body,
    types: &BTreeMap<String, super::model::TypeDef>,
) {
    check_type_ref(out, &format!("{at}.type"), &body.ty, types);
    if !body.fields.is_empty() && !matches!(body.ty.element(), TypeExpr::Object) {
        out.push(Problem::error(
            format!("{at}.fields"),
            format!("`fields` given but the body's type is `{}`; inline members need `object`, `array<object>` or `map<object>`", body.ty),
        ));
    }
    check_fields(out, &format!("{at}.fields"), &body.fields, Some(types));
}

fn check_fields(
    out: &mut Vec<Problem>,
    at: &str,
    fields: &[Field],
    types: Option<&BTreeMap<String, super::model::TypeDef>>,
) {
    let sels = selectors(fields.iter().map(|f| f.name.as_str()));
    for (f, sel) in fields.iter().zip(&sels) {
        let fat = format!("{at}{sel}");
        if fields.iter().filter(|g| g.name == f.name).count() > 1 && !f.name.is_empty() {
            out.push(Problem::error(
                &fat,
                format!("member `{}` is listed more than once", f.name),
            ));
        }
        check_field(out, &fat, f, types);
    }
}

/// Checks of one field and its inline members. `types` is `None` for service-level
/// fields, which cannot name operation types.
fn check_field(
    out: &mut Vec<Problem>,
    at: &str,
    f: &Field,
    types: Option<&BTreeMap<String, super::model::TypeDef>>,
) {
    if f.name.trim().is_empty() {
        out.push(Problem::error(format!("{at}.name"), "empty name"));
    }
    match types {
        Some(t) => check_type_ref(out, &format!("{at}.type"), &f.ty, t),
        None => {
            if let TypeExpr::Named(n) = f.ty.element() {
                out.push(Problem::error(
                    format!("{at}.type"),
                    format!("unknown type `{n}`: service-level fields cannot use named types"),
                ));
            }
        }
    }
    if !f.fields.is_empty() && !matches!(f.ty.element(), TypeExpr::Object) {
        out.push(Problem::error(
            format!("{at}.fields"),
            format!("`fields` given but the type is `{}`; inline members need `object`, `array<object>` or `map<object>`", f.ty),
        ));
    }
    if f.encoding == Some(Encoding::RepeatList) && !matches!(f.ty, TypeExpr::Array(_)) {
        out.push(Problem::error(
            format!("{at}.encoding"),
            format!(
                "`repeat-list` encoding needs an array type, found `{}`",
                f.ty
            ),
        ));
    }
    if f.list_wrapper.is_some() && !matches!(f.ty, TypeExpr::Array(_)) {
        out.push(Problem::error(
            format!("{at}.list_wrapper"),
            format!("`list_wrapper` needs an array type, found `{}`", f.ty),
        ));
    }
    // Enum values and defaults must fit the (element) type.
    let elem = f.ty.element();
    if !f.enum_values.is_empty() {
        if !elem.is_scalar() {
            out.push(Problem::error(
                format!("{at}.enum"),
                format!("enum values on the non-scalar type `{}`", f.ty),
            ));
        } else {
            let mut seen = BTreeSet::new();
            for (i, e) in f.enum_values.iter().enumerate() {
                if !scalar_text_fits(elem, &e.value) {
                    out.push(Problem::error(
                        format!("{at}.enum[#{i}]"),
                        format!("enum value `{}` does not fit the type `{elem}`", e.value),
                    ));
                }
                if !seen.insert(e.value.as_str()) {
                    out.push(Problem::warning(
                        format!("{at}.enum[#{i}]"),
                        format!("enum value `{}` is listed twice", e.value),
                    ));
                }
            }
        }
    }
    if let Some(d) = &f.default {
        let mut ctx = Checker {
            types: types.unwrap_or(&EMPTY_TYPES),
            out: Vec::new(),
            depth: 0,
        };
        ctx.value(d, &f.ty, &f.fields, None, &format!("{at}.default"));
        if !ctx.out.is_empty() {
            out.push(Problem::error(
                format!("{at}.default"),
                format!("default {d} does not fit the type `{}`", f.ty),
            ));
        } else if elem.is_scalar() && !f.enum_values.is_empty() {
            let text = match d {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            if !f.enum_values.iter().any(|e| e.value == text) {
                out.push(Problem::warning(
                    format!("{at}.default"),
                    format!("default `{text}` is not one of the enum values"),
                ));
            }
        }
    }
    let c = &f.constraints;
    let pairs = [
        (
            c.min_length.map(|v| v as f64),
            c.max_length.map(|v| v as f64),
            "min_length",
            "max_length",
        ),
        (c.minimum, c.maximum, "minimum", "maximum"),
        (
            c.min_items.map(|v| v as f64),
            c.max_items.map(|v| v as f64),
            "min_items",
            "max_items",
        ),
    ];
    for (lo, hi, lo_name, hi_name) in pairs {
        if let (Some(lo), Some(hi)) = (lo, hi) {
            if lo > hi {
                out.push(Problem::error(
                    format!("{at}.constraints"),
                    format!("{lo_name} {lo} is greater than {hi_name} {hi}"),
                ));
            }
        }
    }
    if let Some(p) = &c.pattern {
        if let Err(e) = regex::Regex::new(p) {
            out.push(Problem::warning(
                format!("{at}.constraints.pattern"),
                format!("pattern does not compile: {e}"),
            ));
        }
    }
    check_fields(out, &format!("{at}.fields"), &f.fields, types);
}

static EMPTY_TYPES: BTreeMap<String, super::model::TypeDef> = BTreeMap::new();

fn check_type_ref(
    out: &mut Vec<Problem>,
    at: &str,
    ty: &TypeExpr,
    types: &BTreeMap<String, super::model::TypeDef>,
) {
    if let TypeExpr::Named(n) = ty.element() {
        if !types.contains_key(n) {
            let known: Vec<&str> = types.keys().map(String::as_str).collect();
            let hint = if known.is_empty() {
                "the operation defines no types".to_string()
            } else {
                format!("the operation's types are: {}", list(&known))
            };
            out.push(Problem::error(at, format!("unknown type `{n}`; {hint}")));
        }
    }
}

/// Names of the operation's types reachable from its parameters, body and responses.
fn reachable_types(op: &Operation) -> BTreeSet<&str> {
    fn collect<'a>(fields: &'a [Field], names: &mut Vec<&'a str>) {
        for f in fields {
            if let TypeExpr::Named(n) = f.ty.element() {
                names.push(n);
            }
            collect(&f.fields, names);
        }
    }
    let mut pending: Vec<&str> = Vec::new();
    collect(&op.parameters, &mut pending);
    let bodies = op
        .body
        .iter()
        .chain(op.responses.iter().filter_map(|r| r.body.as_ref()));
    for b in bodies {
        if let TypeExpr::Named(n) = b.ty.element() {
            pending.push(n);
        }
        collect(&b.fields, &mut pending);
    }
    for r in &op.responses {
        collect(&r.headers, &mut pending);
    }
    let mut seen = BTreeSet::new();
    while let Some(n) = pending.pop() {
        if seen.insert(n) {
            if let Some(def) = op.types.get(n) {
                collect(&def.fields, &mut pending);
            }
        }
    }
    seen
}

/// Whether a scalar written as text (an enum value) is a value of `ty`.
fn scalar_text_fits(ty: &TypeExpr, s: &str) -> bool {
    let s = s.trim();
    match ty {
        TypeExpr::Integer | TypeExpr::Long => s.parse::<i128>().is_ok(),
        TypeExpr::Number => s.parse::<f64>().is_ok(),
        TypeExpr::Boolean => s.eq_ignore_ascii_case("true") || s.eq_ignore_ascii_case("false"),
        _ => true,
    }
}

fn list(names: &[&str]) -> String {
    const MAX: usize = 12;
    let mut s = names
        .iter()
        .take(MAX)
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ");
    if names.len() > MAX {
        s.push_str(&format!(" and {} more", names.len() - MAX));
    }
    s
}

/// Check every JSON example against the shape it documents: response examples against
/// their response's body, request examples with a JSON body against the operation's body.
/// Examples with `mismatch` set are skipped (a reviewed correction says why).
///
/// The check is as loose as the vendors and the runtime's decoder (`apigen_runtime::loose`:
/// numbers may come as strings and strings as numbers or booleans, booleans as `"true"`/`"false"`,
/// blank strings as absent values), a single
/// element (object or scalar) where an array is expected (Alibaba's XML-to-JSON quirk), and a `list_wrapper` field shows
/// its list as `{"<wrapper>": [...]}`. Missing keys and `null` are fine; a key the tables
/// do not list is an error, so the tables must be complete.
pub fn check_examples(spec: &Spec) -> Vec<Problem> {
    let mut out = Vec::new();
    let sels = selectors(spec.operations.iter().map(|o| o.id.as_str()));
    for (op, sel) in spec.operations.iter().zip(&sels) {
        let at = format!("operations{sel}");
        let rsels = selectors(
            op.responses
                .iter()
                .map(|r| r.status.to_string())
                .collect::<Vec<_>>()
                .iter()
                .map(String::as_str),
        );
        for (r, rsel) in op.responses.iter().zip(&rsels) {
            let rat = format!("{at}.responses{rsel}");
            check_example_list(
                &mut out,
                op,
                &format!("{rat}.examples"),
                &r.examples,
                r.body.as_ref(),
            );
        }
        check_example_list(
            &mut out,
            op,
            &format!("{at}.request_examples"),
            &op.request_examples,
            op.body.as_ref(),
        );
    }
    out
}

fn check_example_list(
    out: &mut Vec<Problem>,
    op: &Operation,
    at: &str,
    examples: &[Example],
    body: Option<&Body>,
) {
    let lines: Vec<String> = examples.iter().map(|e| e.line.to_string()).collect();
    let sels = selectors(lines.iter().map(String::as_str));
    for (ex, sel) in examples.iter().zip(&sels) {
        let (Some(json), None) = (&ex.json, &ex.mismatch) else {
            continue;
        };
        let eat = format!("{at}{sel}.json");
        let Some(body) = body else {
            if !json.is_null() && json != &Value::Object(Default::default()) {
                out.push(Problem::warning(
                    eat,
                    "JSON example, but no body is described",
                ));
            }
            continue;
        };
        let mut ctx = Checker {
            types: &op.types,
            out: Vec::new(),
            depth: 0,
        };
        ctx.value(json, &body.ty, &body.fields, None, &eat);
        const MAX: usize = 20;
        let n = ctx.out.len();
        out.extend(ctx.out.into_iter().take(MAX));
        if n > MAX {
            out.push(Problem::error(
                eat,
                format!("… and {} more mismatches in this example", n - MAX),
            ));
        }
    }
}

/// Loose structural check of a JSON value against a type with inline fields.
struct Checker<'a> {
    types: &'a BTreeMap<String, super::model::TypeDef>,
    out: Vec<Problem>,
    depth: usize,
}

/// JSON nesting deeper than this is not checked (no real example comes close).
const MAX_VALUE_DEPTH: usize = 64;

impl Checker<'_> {
    fn value(
        &mut self,
        v: &Value,
        ty: &TypeExpr,
        fields: &[Field],
        wrapper: Option<&str>,
        at: &str,
    ) {
        if v.is_null() || self.depth > MAX_VALUE_DEPTH {
            return;
        }
        self.depth += 1;
        self.value_inner(v, ty, fields, wrapper, at);
        self.depth -= 1;
    }

    fn value_inner(
        &mut self,
        v: &Value,
        ty: &TypeExpr,
        fields: &[Field],
        wrapper: Option<&str>,
        at: &str,
    ) {
        match ty {
            TypeExpr::Any | TypeExpr::File => {}
            // How loosely: `apigen_runtime::loose`, the policy the decoder follows.
            TypeExpr::String => {
                if !loose::accepts_string(v) {
                    self.mismatch(at, "string", v);
                }
            }
            TypeExpr::Integer | TypeExpr::Long => {
                if !loose::accepts_integer(v) {
                    self.mismatch(at, &ty.to_string(), v);
                }
            }
            TypeExpr::Number => {
                if !loose::accepts_number(v) {
                    self.mismatch(at, "number", v);
                }
            }
            TypeExpr::Boolean => {
                if !loose::accepts_boolean(v) {
                    self.mismatch(at, "boolean", v);
                }
            }
            TypeExpr::Object => self.object(v, fields, at),
            TypeExpr::Named(n) => {
                let types = self.types;
                // An unknown name is reported by the type-reference check.
                if let Some(def) = types.get(n) {
                    self.object(v, &def.fields, at);
                }
            }
            TypeExpr::Map(inner) => match v {
                Value::Object(map) => {
                    for (k, item) in map {
                        self.value(
                            item,
                            inner,
                            fields,
                            None,
                            &format!("{at}{}", key_segment(k)),
                        );
                    }
                }
                _ => self.mismatch(at, "map (a JSON object)", v),
            },
            TypeExpr::Array(inner) => {
                if let Some(w) = wrapper {
                    // `{"<wrapper>": [...]}` around the list.
                    match v {
                        Value::Object(map) => {
                            for (k, item) in map {
                                let kat = format!("{at}{}", key_segment(k));
                                if k == w {
                                    self.list(item, inner, fields, true, &kat);
                                } else {
                                    self.out.push(Problem::error(
                                        kat,
                                        format!("unknown key `{k}`; the list is wrapped in `{w}`"),
                                    ));
                                }
                            }
                        }
                        _ => self.mismatch(
                            at,
                            &format!("`{{\"{w}\": [...]}}` (list wrapped in `{w}`)"),
                            v,
                        ),
                    }
                } else {
                    self.list(v, inner, fields, false, at);
                }
            }
        }
    }

    /// A list: an array, or a single element where the vendor's XML-to-JSON conversion
    /// dropped the array (objects always; scalars inside a list wrapper).
    fn list(&mut self, v: &Value, inner: &TypeExpr, fields: &[Field], wrapped: bool, at: &str) {
        match v {
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    self.value(item, inner, fields, None, &format!("{at}[#{i}]"));
                }
            }
            Value::Object(_)
                if matches!(
                    inner,
                    TypeExpr::Object | TypeExpr::Named(_) | TypeExpr::Map(_) | TypeExpr::Any
                ) =>
            {
                self.value(v, inner, fields, None, at)
            }
            // A one-element list collapsed to its element (the same XML-to-JSON quirk).
            _ if (wrapped || inner.is_scalar()) && !v.is_object() && !v.is_null() => {
                self.value(v, inner, fields, None, at)
            }
            _ => self.mismatch(at, &format!("array<{inner}>"), v),
        }
    }

    fn object(&mut self, v: &Value, fields: &[Field], at: &str) {
        let Value::Object(map) = v else {
            self.mismatch(at, "object", v);
            return;
        };
        if fields.is_empty() {
            return; // free-form object
        }
        for (k, item) in map {
            let kat = format!("{at}{}", key_segment(k));
            match fields.iter().find(|f| &f.name == k) {
                Some(f) => self.value(item, &f.ty, &f.fields, f.list_wrapper.as_deref(), &kat),
                None => {
                    let known: Vec<&str> = fields.iter().map(|f| f.name.as_str()).collect();
                    self.out.push(Problem::error(
                        kat,
                        format!("unknown key `{k}`; the table lists {}", list(&known)),
                    ));
                }
            }
        }
    }

    fn mismatch(&mut self, at: &str, expected: &str, found: &Value) {
        let kind = match found {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
        };
        let mut shown = found.to_string();
        if shown.chars().count() > 40 {
            shown = shown.chars().take(40).collect::<String>() + "…";
        }
        self.out.push(Problem::error(
            at,
            format!("expected {expected}, found {kind} {shown}"),
        ));
    }
}

/// Counts of a spec, in one line: what `apigen lint` prints per file.
pub fn summary(path: &str, spec: &Spec) -> String {
    fn count(fields: &[Field]) -> usize {
        fields.iter().map(|f| 1 + count(&f.fields)).sum()
    }
    let ops = &spec.operations;
    let parameters: usize = ops
        .iter()
        .map(|o| count(&o.parameters) + o.body.as_ref().map_or(0, |b| count(&b.fields)))
        .sum();
    let response_fields: usize = ops
        .iter()
        .map(|o| {
            o.responses
                .iter()
                .map(|r| r.body.as_ref().map_or(0, |b| count(&b.fields)))
                .sum::<usize>()
                + o.types.values().map(|t| count(&t.fields)).sum::<usize>()
        })
        .sum();
    let types: usize = ops.iter().map(|o| o.types.len()).sum();
    let examples: Vec<&Example> = ops
        .iter()
        .flat_map(|o| {
            o.request_examples
                .iter()
                .chain(o.responses.iter().flat_map(|r| r.examples.iter()))
        })
        .collect();
    let parsed = examples
        .iter()
        .filter(|e| e.json.is_some() || !e.params.is_empty() || e.target.is_some())
        .count();
    let raw = examples.len() - parsed;
    let errors = spec.service.error_codes.len() + ops.iter().map(|o| o.errors.len()).sum::<usize>();
    let deprecated = ops.iter().filter(|o| o.deprecated).count();
    format!(
        "{path}: {}: {} operations, {parameters} parameters, {response_fields} response fields, {types} named types, \
         {} examples ({parsed} parsed, {raw} raw), {errors} error codes, {deprecated} deprecated",
        spec.service.name,
        ops.len(),
        examples.len(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example check reads loose values exactly as the runtime's policy table says.
    #[test]
    fn examples_are_as_loose_as_the_policy_table() {
        use apigen_runtime::loose::{Expected, CASES};
        let types = BTreeMap::new();
        for &(expected, json, accepted) in CASES {
            let ty = match expected {
                Expected::Integer => TypeExpr::Integer,
                Expected::Number => TypeExpr::Number,
                Expected::Boolean => TypeExpr::Boolean,
                Expected::String => TypeExpr::String,
            };
            let mut c = Checker {
                types: &types,
                out: Vec::new(),
                depth: 0,
            };
            c.value(&serde_json::from_str(json).unwrap(), &ty, &[], None, "x");
            assert_eq!(
                c.out.is_empty(),
                accepted,
                "{expected:?} {json}: {:?}",
                c.out
            );
        }
    }

    fn spec(protocol: &str, ops: &str) -> Spec {
        let yaml = format!(
            "format: 1\nservice: {{name: s, title: S, vendor: huawei, protocol: {protocol},\n  \
             source: {{document: d, title: t, revision: r, sha256: x}}}}\noperations:\n{ops}"
        );
        yaml_serde::from_str(&yaml).unwrap_or_else(|e| panic!("{e}\n{yaml}"))
    }

    /// `(error?, path, message)` of every problem, for compact assertions.
    fn found(s: &Spec) -> Vec<(bool, String, String)> {
        validate(s)
            .into_iter()
            .map(|p| (p.is_error(), p.at, p.message))
            .collect()
    }

    /// An operation whose 200 response has `fields` (YAML list) and one JSON example.
    fn with_example(fields: &str, types: &str, json: &str) -> Spec {
        spec(
            "alibaba-rpc",
            &format!(
                "  - id: Op
    title: t
    source: {{line: 1}}
    method: POST
    path: /
    responses:
      - status: 200
        body: {{content_type: application/json, type: object, fields: {fields}}}
        examples: [{{format: json, line: 9, json: {json}}}]
    types: {types}
"
            ),
        )
    }

    #[test]
    fn examples_are_checked_loosely_where_vendors_are_loose() {
        let s = with_example(
            "[{name: N, type: integer}, {name: S, type: string}, {name: B, type: boolean}, \
             {name: F, type: number}, {name: L, type: 'array<Item>', list_wrapper: Item}, \
             {name: One, type: 'array<Item>'}, {name: Free, type: object}, {name: M, type: 'map<Item>'}]",
            "{Item: {fields: [{name: Id, type: long}]}}",
            "{N: '12', S: 12, B: 'False', F: '1.5e3', L: {Item: {Id: 1}}, One: {Id: '2'}, \
              Free: {anything: [1]}, M: {a: {Id: 3}}, Missing: null}",
        );
        // Only the unknown (null-valued) key is reported: null is fine, unknown keys are not.
        assert_eq!(
            found(&s),
            [(
                true,
                "operations[Op].responses[200].examples[9].json.Missing".to_string(),
                "unknown key `Missing`; the table lists `N`, `S`, `B`, `F`, `L`, `One`, `Free`, `M`".to_string()
            )]
        );
    }

    #[test]
    fn examples_are_strict_elsewhere() {
        let s = with_example(
            "[{name: N, type: integer}, {name: S, type: string}, {name: L, type: 'array<Item>', list_wrapper: Item}, \
             {name: W, type: 'array<string>', list_wrapper: V}, {name: A, type: 'array<Item>'}]",
            "{Item: {fields: [{name: Id, type: long}]}}",
            "{N: '1.5', S: [true], L: [{Id: 1}], W: {X: [a]}, A: single}",
        );
        let msgs: Vec<String> = found(&s)
            .into_iter()
            .map(|(_, at, m)| format!("{at}: {m}"))
            .collect();
        let p = "operations[Op].responses[200].examples[9].json";
        assert_eq!(
            msgs,
            [
                format!("{p}.N: expected integer, found string \"1.5\""),
                format!("{p}.S: expected string, found array [true]"),
                format!("{p}.L: expected `{{\"Item\": [...]}}` (list wrapped in `Item`), found array [{{\"Id\":1}}]"),
                format!("{p}.W.X: unknown key `X`; the list is wrapped in `V`"),
                format!("{p}.A: expected array<Item>, found string \"single\""),
            ]
        );
    }

    #[test]
    fn wrapped_scalars_may_come_single_and_mismatch_marked_examples_are_skipped() {
        let s = with_example(
            "[{name: W, type: 'array<string>', list_wrapper: V}]",
            "{}",
            "{W: {V: only}}",
        );
        assert_eq!(found(&s), []);
        let mut s = with_example("[{name: N, type: integer}]", "{}", "{N: x}");
        assert_eq!(check_examples(&s).len(), 1);
        s.operations[0].responses[0].examples[0].mismatch =
            Some("the document's example is for another API".into());
        assert_eq!(check_examples(&s), []);
    }

    #[test]
    fn request_bodies_are_checked_and_bodiless_examples_warned() {
        let s = spec(
            "huawei-rest",
            "  - id: Create
    title: t
    source: {line: 1}
    method: POST
    path: /x
    body: {content_type: application/json, type: 'array<object>', fields: [{name: n, type: integer}]}
    request_examples: [{format: json, line: 3, json: [{n: 1}, {n: two}]}]
    responses:
      - status: 204
        examples: [{format: json, line: 5, json: {a: 1}}]
",
        );
        assert_eq!(
            found(&s),
            [
                (
                    false,
                    "operations[Create].responses[204].examples[5].json".to_string(),
                    "JSON example, but no body is described".to_string()
                ),
                (
                    true,
                    "operations[Create].request_examples[3].json[#1].n".to_string(),
                    "expected integer, found string \"two\"".to_string()
                ),
            ]
        );
    }

    #[test]
    fn types_references_and_use() {
        let s = spec(
            "huawei-rest",
            "  - id: Get
    title: t
    source: {line: 1}
    method: GET
    path: /x
    responses:
      - status: 200
        body: {content_type: application/json, type: Tree}
    types:
      Tree: {fields: [{name: kids, type: 'array<Tree>'}, {name: leaf, type: Leaf}]}
      Leaf: {fields: [{name: v, type: 'map<Missing>'}]}
      Orphan: {fields: [{name: o, type: Orphan}]}
",
        );
        assert_eq!(
            found(&s),
            [
                (
                    true,
                    "operations[Get].types.Leaf.fields[v].type".to_string(),
                    "unknown type `Missing`; the operation's types are: `Leaf`, `Orphan`, `Tree`"
                        .to_string()
                ),
                (
                    false,
                    "operations[Get].types.Orphan".to_string(),
                    "type `Orphan` is not used by the operation".to_string()
                ),
            ]
        );
    }

    #[test]
    fn parameters_paths_and_protocol_rules() {
        let s = spec(
            "alibaba-rpc",
            "  - id: A
    title: t
    source: {line: 1}
    method: POST
    path: /a/{id}}
    parameters:
      - {name: id, in: path, type: string, required: true}
      - {name: Tag.N, type: string}
      - {name: Tag.N, in: query, type: string}
      - {name: Tag.N, in: query, type: string}
      - {name: P, in: query, type: integer, default: 5, enum: [{value: '1'}, {value: '2'}], constraints: {minimum: 3, maximum: 2}}
      - {name: Q, in: query, type: boolean, default: maybe, list_wrapper: X}
    body: {content_type: application/json, type: string, fields: [{name: x, type: string}]}
",
        );
        let got: Vec<String> = found(&s)
            .into_iter()
            .map(|(e, at, m)| format!("{}|{at}|{m}", if e { "E" } else { "W" }))
            .collect();
        assert_eq!(
            got,
            [
                "E|operations[A].path|unbalanced `}` in path `/a/{id}}`",
                "E|operations[A].parameters[id]|path parameter `id` is not in the path `/a/{id}}`",
                "E|operations[A].parameters[id].in|RPC operations take query or form parameters, not path or body parameters",
                "E|operations[A].parameters[#1]|request parameter without `in` (query, path, header, body, form or file)",
                "E|operations[A].parameters[#3]|parameter `Tag.N` is declared twice",
                "W|operations[A].parameters[P].default|default `5` is not one of the enum values",
                "E|operations[A].parameters[P].constraints|minimum 3 is greater than maximum 2",
                "E|operations[A].parameters[Q].list_wrapper|`list_wrapper` needs an array type, found `boolean`",
                "E|operations[A].parameters[Q].default|default \"maybe\" does not fit the type `boolean`",
                "E|operations[A].path|RPC operations use the path `/`, found `/a/{id}}`",
                "E|operations[A].body|RPC operations take query or form parameters, not a body",
                "E|operations[A].body.fields|`fields` given but the body's type is `string`; inline members need `object`, `array<object>` or `map<object>`",
            ]
        );
    }

    #[test]
    fn selectors_quote_and_fall_back_to_indexes() {
        assert_eq!(
            selectors(["a", "Tag.N", "", "b", "b", "#x"].into_iter()),
            ["[a]", "[\"Tag.N\"]", "[#2]", "[#3]", "[#4]", "[\"#x\"]"]
        );
    }

    #[test]
    fn summary_counts() {
        let s = with_example(
            "[{name: L, type: 'array<Item>', fields: []}]",
            "{Item: {fields: [{name: Id, type: long}]}}",
            "{L: []}",
        );
        assert_eq!(
            summary("x.yaml", &s),
            "x.yaml: s: 1 operations, 0 parameters, 2 response fields, 1 named types, 1 examples (1 parsed, 0 raw), \
             0 error codes, 0 deprecated"
        );
    }
}
