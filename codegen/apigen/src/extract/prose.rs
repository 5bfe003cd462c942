//! Facts the description prose states beyond the table's cells: value lists written as
//! sentences, fixed values, defaults and limits, in the documents' Chinese and English.
//!
//! One rule per phrase family; each rule reads the description (HTML removed) and says
//! what it found, and [`apply`] fills in only what the table's own reading left empty, so
//! the cells (name, type, required, nesting) are never touched. Every capture is reported
//! as a note at the row's document line, named by its rule.
//!
//! Read conservatively: the mock servers validate requests against these facts, so a rule
//! fires only on a phrase that clearly states them, and a value list that leaves out the
//! row's own example value (doc-vs-service drift: `Instance, Topic, Consumer Group` with
//! the example `instance`) is not taken as an enum.

use super::Diagnostics;
use crate::spec::model::{Constraints, EnumValue, Field, Spec, TypeExpr};
use regex::Regex;
use std::sync::LazyLock;

/// What one rule read from a description.
#[derive(Debug, Clone, PartialEq)]
pub enum Fact {
    /// A closed value list.
    Enum(Vec<String>),
    /// A fixed value (`Fixed value: default.`, `Set it to application/json`).
    Fixed(String),
    /// A default as printed.
    Default(String),
    /// A boolean default stated in words (`默认关闭`, `默认不开启公网`).
    BoolDefault(bool),
    /// Length or numeric limits.
    Limits(Constraints),
}

/// A rule: its name (used in notes and counts) and its reader.
pub struct Rule {
    pub name: &'static str,
    pub read: fn(&str) -> Option<Fact>,
}

/// The rules, in the order they are tried.
pub const RULES: &[Rule] = &[
    Rule {
        name: "fixed-value",
        read: fixed_value,
    },
    Rule {
        name: "default-sentence",
        read: default_sentence,
    },
    Rule {
        name: "default-in-words",
        read: bool_default,
    },
    Rule {
        name: "value-or-list",
        read: value_or_list,
    },
    Rule {
        name: "length-range",
        read: length_range,
    },
    Rule {
        name: "length-maximum",
        read: length_maximum,
    },
    Rule {
        name: "at-least",
        read: at_least,
    },
];

fn re(p: &str) -> Regex {
    Regex::new(p).expect("prose rule regex")
}

/// A token that can be a wire value (`application/json;charset=UTF-8`, `HMAC-SHA1`, `1.0`).
fn token(s: &str) -> Option<String> {
    let t = s
        .trim()
        .trim_matches(['*', '`', '"', '“', '”', '\''])
        .trim_end_matches(['.', '。', ',', '，'])
        .trim();
    let ok = !t.is_empty()
        && t.len() <= 64
        && t.chars()
            .all(|c| c.is_ascii_alphanumeric() || "_.-/:;=+@".contains(c));
    ok.then(|| t.to_string())
}

/// `Fixed value: default.` (CSE `project_id`), `Set it to application/json .` /
/// `Set the value to HMAC-SHA1.` (headers, Alibaba signature parameters), `Currently,
/// only query is supported.`, `当前仅支持X86`.
pub fn fixed_value(text: &str) -> Option<Fact> {
    static FIXED: LazyLock<Regex> = LazyLock::new(|| {
        re(
            r"(?:Fixed value|固定值|固定为)\s*[:：]?\s*(\S+?)\s*(?:[。]|\.(?:\s|$)|$)|Set (?:it|the value) to\s+(\S+?)\s*(?:\.(?:\s|$)|$)|[Oo]nly\s+(\S+)\s+is supported|当前仅支持\s*([A-Za-z0-9_.\-]+)",
        )
    });
    let c = FIXED.captures(text)?;
    let v = (1..=4).find_map(|i| c.get(i))?.as_str();
    token(v).map(Fact::Fixed)
}

/// `its default value is application/json`, `The default value is 10`.
pub fn default_sentence(text: &str) -> Option<Fact> {
    static DEF: LazyLock<Regex> =
        LazyLock::new(|| re(r"(?i)\bdefault value is\s+(\S+?)\s*(?:[.,;](?:\s|$)|$)"));
    let c = DEF.captures(text)?;
    token(&c[1]).map(Fact::Default)
}

/// `默认关闭`, `默认不开启公网`, `默认不自动续订` (off) and `默认开启` (on): for Boolean fields.
pub fn bool_default(text: &str) -> Option<Fact> {
    static OFF: LazyLock<Regex> =
        LazyLock::new(|| re(r"默认(?:关闭|不开启|不自动|为关闭|不启用|未开启)"));
    static ON: LazyLock<Regex> = LazyLock::new(|| re(r"默认(?:开启|启用|为开启)"));
    if OFF.is_match(text) {
        Some(Fact::BoolDefault(false))
    } else if ON.is_match(text) {
        Some(Fact::BoolDefault(true))
    } else {
        None
    }
}

/// `Value: push or pull.` (CSE `healthCheck.mode`), `Values: A, B, or C.`,
/// `Valid values: A, B, and C.` — a sentence of plain tokens joined by commas and
/// or/and, ending the sentence.
pub fn value_or_list(text: &str) -> Option<Fact> {
    static LIST: LazyLock<Regex> = LazyLock::new(|| {
        re(
            r"(?:\bValues?|Valid values|Options)\s*:\s*([A-Za-z0-9_.\-/]+(?:\s*,\s*[A-Za-z0-9_.\-/]+)*,?\s+(?:or|and)\s+[A-Za-z0-9_.\-/]+)\s*(?:\.(?:\s|$)|$)",
        )
    });
    let c = LIST.captures(text)?;
    let items: Vec<String> = c[1]
        .split([','])
        .flat_map(|p| p.split(" or ").flat_map(|q| q.split(" and ")))
        .filter_map(|s| {
            let s = s.trim();
            let s = s
                .strip_prefix("or ")
                .or_else(|| s.strip_prefix("and "))
                .unwrap_or(s);
            (!s.is_empty()).then(|| token(s)).flatten()
        })
        .collect();
    (items.len() >= 2).then_some(Fact::Enum(items))
}

/// `1 to 64 characters`, `长度为4~64`, `长度为4-64`, `8-32个字符`.
pub fn length_range(text: &str) -> Option<Fact> {
    static LEN: LazyLock<Regex> = LazyLock::new(|| {
        re(
            r"(?:^|[^0-9.])(\d+)\s*(?:to|-|~|～|–|到|至)\s*(\d+)\s*(?:characters|个字符|位字符|字符)|长度为\s*(\d+)\s*(?:-|~|～|–|到|至)\s*(\d+)",
        )
    });
    let c = LEN.captures(text)?;
    let (lo, hi) = match (c.get(1), c.get(2)) {
        (Some(a), Some(b)) => (a.as_str(), b.as_str()),
        _ => (c.get(3)?.as_str(), c.get(4)?.as_str()),
    };
    let (lo, hi): (u64, u64) = (lo.parse().ok()?, hi.parse().ok()?);
    (lo <= hi).then(|| {
        Fact::Limits(Constraints {
            min_length: Some(lo),
            max_length: Some(hi),
            ..Constraints::default()
        })
    })
}

/// `a maximum of 1024 characters`, `up to 128 characters`, `最多64个字符`.
pub fn length_maximum(text: &str) -> Option<Fact> {
    static MAX: LazyLock<Regex> = LazyLock::new(|| {
        re(
            r"(?:maximum of|up to|at most|no more than|最多|不超过)\s*(\d+)\s*(?:characters|个字符|字符)",
        )
    });
    let c = MAX.captures(text)?;
    Some(Fact::Limits(Constraints {
        max_length: Some(c[1].parse().ok()?),
        ..Constraints::default()
    }))
}

/// `大于等于0`, `不小于1` (numbers).
pub fn at_least(text: &str) -> Option<Fact> {
    static MIN: LazyLock<Regex> = LazyLock::new(|| re(r"(?:大于等于|不小于|≥)\s*(-?\d+)"));
    let c = MIN.captures(text)?;
    Some(Fact::Limits(Constraints {
        minimum: Some(c[1].parse().ok()?),
        ..Constraints::default()
    }))
}

/// How many facts each rule added, for the per-document summary.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Census {
    pub enums: usize,
    pub defaults: usize,
    pub limits: usize,
}

/// Whether a field is sent (request side) or received: request-side value lists must
/// hold the row's example.
#[derive(Clone, Copy, PartialEq)]
enum Side {
    Request,
    Response,
}

/// Fill in what the prose of every field's description states and the table reading
/// left empty; one note per capture at the field's line.
pub fn apply(spec: &mut Spec, diags: &mut Diagnostics) -> Census {
    let mut census = Census::default();
    let mut visit = |f: &mut Field, side: Side| apply_field(f, side, diags, &mut census);
    for f in &mut spec.service.common_parameters {
        walk(f, Side::Request, &mut visit);
    }
    for op in &mut spec.operations {
        for f in &mut op.parameters {
            walk(f, Side::Request, &mut visit);
        }
        if let Some(b) = &mut op.body {
            for f in &mut b.fields {
                walk(f, Side::Request, &mut visit);
            }
        }
        for r in &mut op.responses {
            for f in &mut r.headers {
                walk(f, Side::Response, &mut visit);
            }
            if let Some(b) = &mut r.body {
                for f in &mut b.fields {
                    walk(f, Side::Response, &mut visit);
                }
            }
        }
        // Named types may serve the request: read them as request-side.
        for t in op.types.values_mut() {
            for f in &mut t.fields {
                walk(f, Side::Request, &mut visit);
            }
        }
    }
    census
}

fn walk(f: &mut Field, side: Side, visit: &mut dyn FnMut(&mut Field, Side)) {
    visit(f, side);
    for m in &mut f.fields {
        walk(m, side, visit);
    }
}

fn is_scalar(t: &TypeExpr) -> bool {
    matches!(
        t,
        TypeExpr::String | TypeExpr::Integer | TypeExpr::Long | TypeExpr::Number
    )
}

fn apply_field(f: &mut Field, side: Side, diags: &mut Diagnostics, census: &mut Census) {
    if f.description.is_empty() {
        return;
    }
    let line = f.line.map(|l| l as usize);
    let text = f.description.clone();
    for rule in RULES {
        let Some(fact) = (rule.read)(&text) else {
            continue;
        };
        let what = match fact {
            Fact::Fixed(v) | Fact::Default(v) => {
                if f.default.is_some() || !matches!(f.ty, TypeExpr::String) {
                    continue;
                }
                f.default = Some(serde_json::Value::String(v.clone()));
                census.defaults += 1;
                format!("default `{v}`")
            }
            Fact::BoolDefault(b) => {
                if f.default.is_some() || f.ty != TypeExpr::Boolean {
                    continue;
                }
                f.default = Some(serde_json::Value::Bool(b));
                census.defaults += 1;
                format!("default `{b}`")
            }
            Fact::Enum(values) => {
                if !f.enum_values.is_empty() || !is_scalar(&f.ty) {
                    continue;
                }
                if side == Side::Request {
                    if let Some(ex) = &f.example {
                        if !values.iter().any(|v| v == ex) {
                            diags.note(
                                line,
                                format!(
                                    "`{}`: the prose lists {} but the example sends `{ex}`; not taken as an enum",
                                    f.name,
                                    values.join(", ")
                                ),
                            );
                            continue;
                        }
                    }
                }
                if f.ty != TypeExpr::String && values.iter().any(|v| v.parse::<f64>().is_err()) {
                    continue;
                }
                f.enum_values = values
                    .iter()
                    .map(|v| EnumValue {
                        value: v.clone(),
                        description: String::new(),
                    })
                    .collect();
                census.enums += 1;
                format!("enum {}", values.join(", "))
            }
            Fact::Limits(c) => {
                let lengths = c.min_length.is_some() || c.max_length.is_some();
                let ok = if lengths {
                    f.ty == TypeExpr::String
                        && f.constraints.min_length.is_none()
                        && f.constraints.max_length.is_none()
                } else {
                    matches!(f.ty, TypeExpr::Integer | TypeExpr::Long | TypeExpr::Number)
                        && f.constraints.minimum.is_none()
                        && f.constraints.maximum.is_none()
                };
                if !ok {
                    continue;
                }
                let k = &mut f.constraints;
                k.min_length = k.min_length.or(c.min_length);
                k.max_length = k.max_length.or(c.max_length);
                k.minimum = k.minimum.or(c.minimum);
                census.limits += 1;
                limits_text(&c)
            }
        };
        diags.note(
            line,
            format!("`{}`: prose rule `{}`: {what}", f.name, rule.name),
        );
    }
}

fn limits_text(c: &Constraints) -> String {
    let mut parts = Vec::new();
    if let Some(v) = c.min_length {
        parts.push(format!("min_length {v}"));
    }
    if let Some(v) = c.max_length {
        parts.push(format!("max_length {v}"));
    }
    if let Some(v) = c.minimum {
        parts.push(format!("minimum {v}"));
    }
    parts.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixed(v: &str) -> Option<Fact> {
        Some(Fact::Fixed(v.into()))
    }

    #[test]
    fn fixed_values() {
        // CSE L761 `project_id`, L766 `Content-Type`; alikafka common parameters.
        assert_eq!(
            fixed_value("Project ID. Fixed value: default."),
            fixed("default")
        );
        assert_eq!(
            fixed_value("Request body type or format. Set it to application/json;charset=UTF-8 ."),
            fixed("application/json;charset=UTF-8")
        );
        assert_eq!(
            fixed_value(
                "The encryption method of the signature string. Set the value to HMAC-SHA1."
            ),
            fixed("HMAC-SHA1")
        );
        assert_eq!(
            fixed_value("The version of the signature encryption algorithm. Set the value to 1.0."),
            fixed("1.0")
        );
        assert_eq!(
            fixed_value("Operation type. Currently, only query is supported."),
            fixed("query")
        );
        assert_eq!(
            fixed_value("实例规格架构类型。当前仅支持X86。"),
            fixed("X86")
        );
        assert_eq!(fixed_value("Set it to whatever you like, e.g. a b"), None);
        assert_eq!(fixed_value("Instance name."), None);
    }

    #[test]
    fn defaults() {
        // CSE L249.
        assert_eq!(
            default_sentence(
                "This field is mandatory and its default value is application/json. Other"
            ),
            Some(Fact::Default("application/json".into()))
        );
        // DMS L3088, L549, L581.
        assert_eq!(
            bool_default("是否开启同步复制, 开启后, ……否则不生效, 默认关闭。"),
            Some(Fact::BoolDefault(false))
        );
        assert_eq!(
            bool_default("是否开启公网访问功能。默认不开启公网。"),
            Some(Fact::BoolDefault(false))
        );
        assert_eq!(
            bool_default("是否自动续订。默认不自动续订。"),
            Some(Fact::BoolDefault(false))
        );
        assert_eq!(bool_default("是否开启。"), None);
    }

    #[test]
    fn value_lists_in_sentences() {
        // CSE L5721 `healthCheck.mode`.
        assert_eq!(
            value_or_list("Heartbeat mode. Value: push or pull."),
            Some(Fact::Enum(vec!["push".into(), "pull".into()]))
        );
        assert_eq!(
            value_or_list("Valid values: a, b, and c."),
            Some(Fact::Enum(vec!["a".into(), "b".into(), "c".into()]))
        );
        // Prose after the colon is not a value list.
        assert_eq!(
            value_or_list("Value: the name of the instance or its ID."),
            None
        );
    }

    #[test]
    fn limits() {
        let lim = |min: Option<u64>, max: Option<u64>| {
            Some(Fact::Limits(Constraints {
                min_length: min,
                max_length: max,
                ..Constraints::default()
            }))
        };
        // DMS L543, L1284, L7122; CSE L7476.
        assert_eq!(length_range("实例名称。长度为4~64"), lim(Some(4), Some(64)));
        assert_eq!(
            length_range("名称。长度为4-64个字符"),
            lim(Some(4), Some(64))
        );
        assert_eq!(length_range("密码。8-32个字符"), lim(Some(8), Some(32)));
        assert_eq!(
            length_range("The name contains 3 to 24 characters."),
            lim(Some(3), Some(24))
        );
        assert_eq!(length_range("版本1.1-2.0"), None);
        assert_eq!(
            length_maximum("Description. It can contain a maximum of 1024 characters."),
            lim(None, Some(1024))
        );
        assert_eq!(
            length_maximum("The tag value can be up to 128 characters long."),
            lim(None, Some(128))
        );
        assert_eq!(
            at_least("偏移量，大于等于0。"),
            Some(Fact::Limits(Constraints {
                minimum: Some(0.0),
                ..Constraints::default()
            }))
        );
    }

    fn field(desc: &str, ty: TypeExpr, example: Option<&str>) -> Field {
        let mut f = Field::new("f", ty);
        f.description = desc.into();
        f.example = example.map(str::to_string);
        f.line = Some(7);
        f
    }

    #[test]
    fn apply_fills_only_what_the_table_left_empty_and_notes_the_line() {
        let mut diags = Diagnostics::default();
        let mut census = Census::default();
        let mut f = field(
            "Heartbeat mode. Value: push or pull.",
            TypeExpr::String,
            Some("push"),
        );
        apply_field(&mut f, Side::Request, &mut diags, &mut census);
        assert_eq!(f.enum_values.len(), 2);
        assert_eq!(diags.items[0].line, Some(7));
        assert!(diags.items[0].message.contains("value-or-list"));
        // An example outside the list: doc-vs-service drift, no enum.
        let mut f = field(
            "Valid values: Instance, Topic, and Group.",
            TypeExpr::String,
            Some("instance"),
        );
        apply_field(&mut f, Side::Request, &mut diags, &mut census);
        assert!(f.enum_values.is_empty());
        // A length on an integer is not a string length; a word default only on booleans.
        let mut f = field("长度为4~64, 默认关闭", TypeExpr::Integer, None);
        apply_field(&mut f, Side::Request, &mut diags, &mut census);
        assert!(f.constraints.is_empty() && f.default.is_none());
        // A table-read limit stays.
        let mut f = field("1 to 64 characters", TypeExpr::String, None);
        f.constraints.max_length = Some(32);
        apply_field(&mut f, Side::Request, &mut diags, &mut census);
        assert_eq!(f.constraints.max_length, Some(32));
        assert_eq!(census.enums, 1);
    }
}

/// Table example values keep the spaces of the PDF's cell wraps
/// (`54973C90-F379- 4372-9AA5- 053A3F7****`, `https://myoss .oss-cn- zhangjiakou. aliyuncs.com/ webDemo.jar`).
/// A value is joined when the operation's own examples print it unbroken, or when every
/// space in it touches a `-`, `.`, `/` or `_` (where a wrap breaks a token, never prose).
pub fn unwrap_example_values(spec: &mut Spec, diags: &mut Diagnostics) -> usize {
    let mut joined = 0;
    for op in &mut spec.operations {
        let mut printed: std::collections::HashSet<String> = std::collections::HashSet::new();
        let examples = op
            .responses
            .iter()
            .flat_map(|r| r.examples.iter())
            .chain(op.request_examples.iter());
        for ex in examples {
            if let Some(j) = &ex.json {
                collect_strings(j, &mut printed);
            }
            for v in ex.params.values() {
                printed.insert(v.clone());
            }
        }
        let mut visit = |f: &mut Field, _: Side| {
            let Some(ex) = &f.example else { return };
            if !ex.contains(' ') {
                return;
            }
            let unbroken: String = ex.split_whitespace().collect();
            if printed.contains(&unbroken) || wrap_spaces_only(ex) {
                diags.note(
                    f.line.map(|l| l as usize),
                    format!("`{}`: example `{ex}` joined across its line wraps", f.name),
                );
                f.example = Some(unbroken);
                joined += 1;
            }
        };
        for f in &mut op.parameters {
            walk(f, Side::Request, &mut visit);
        }
        for r in &mut op.responses {
            if let Some(b) = &mut r.body {
                for f in &mut b.fields {
                    walk(f, Side::Response, &mut visit);
                }
            }
        }
        for t in op.types.values_mut() {
            for f in &mut t.fields {
                walk(f, Side::Response, &mut visit);
            }
        }
    }
    joined
}

fn collect_strings(v: &serde_json::Value, out: &mut std::collections::HashSet<String>) {
    match v {
        serde_json::Value::String(s) => {
            out.insert(s.clone());
        }
        serde_json::Value::Array(a) => a.iter().for_each(|x| collect_strings(x, out)),
        serde_json::Value::Object(m) => m.values().for_each(|x| collect_strings(x, out)),
        _ => {}
    }
}

/// Every space sits next to a `-`, `.`, `/` or `_` and the value holds no `: `, `, `.
fn wrap_spaces_only(s: &str) -> bool {
    let b: Vec<char> = s.chars().collect();
    !s.contains(": ")
        && !s.contains(", ")
        && b.iter().enumerate().all(|(i, c)| {
            *c != ' '
                || [i.checked_sub(1), Some(i + 1)]
                    .iter()
                    .flatten()
                    .any(|&j| b.get(j).is_some_and(|n| "-./_".contains(*n)))
        })
}

#[cfg(test)]
mod unwrap_tests {
    use super::*;

    #[test]
    fn wrap_spaces() {
        // retailcloud DeployApp `DeployPacketUrl` (L2838), MSE ListAlarmRules `RequestId`.
        assert!(wrap_spaces_only(
            "https://myoss .oss-cn- zhangjiakou. aliyuncs.com/ webDemo.jar"
        ));
        assert!(wrap_spaces_only("54973C90-F379- 4372-9AA5- 053A3F7****"));
        assert!(wrap_spaces_only("79a8ab31-32ce -4d27-a006- 339a5eae3b6e"));
        // Real spaces stay.
        assert!(!wrap_spaces_only("2020-07-31 11:36:08"));
        assert!(!wrap_spaces_only("operation success."));
        assert!(!wrap_spaces_only("请求失败: xxx"));
        assert!(!wrap_spaces_only("spdb,sys, test20181221, test-20181228"));
    }
}
