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
    /// A closed value list: each value with its description as printed (may be empty).
    Enum(Vec<(String, String)>),
    /// How many items a list takes (`Valid values of N: 1 to 20`).
    Items(u64, u64),
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
        name: "value-colon-list",
        read: value_colon_list,
    },
    Rule {
        name: "label-value-pairs",
        read: label_value_pairs,
    },
    Rule {
        name: "marked-value-list",
        read: marked_value_list,
    },
    Rule {
        name: "slash-list",
        read: slash_list,
    },
    Rule {
        name: "value-or-list",
        read: value_or_list,
    },
    Rule {
        name: "item-count",
        read: item_count,
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
    let items: Vec<(String, String)> = c[1]
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
        .map(|v| (v, String::new()))
        .collect();
    (items.len() >= 2).then_some(Fact::Enum(items))
}

/// Words that end a value list when they appear as `Word:` (`Note: …`), or belong to its
/// lead (`Valid values:`), never values.
const NOT_VALUES: &[&str] = &[
    "Note", "NOTE", "Notice", "Example", "Examples", "e.g", "Default", "default", "Unit", "Range",
    "Minimum", "Maximum", "Format", "Length", "length", "values", "Values", "value", "Value",
    "Options", "Type", "Remarks",
];

/// Whether the text before a list introduces it: nothing, a sentence or clause end, or a
/// colon (`取值范围：`, `包含以下状态：`, `Valid values:`, `权限类型。`).
fn introduces(lead: &str) -> bool {
    let lead = lead.trim_end_matches([' ', '•', '·', '●', '>']);
    lead.is_empty() || lead.ends_with([':', '：', '。', '.', '，', ','])
}

/// English descriptions state a list only after a marker or as bullets.
fn english_marker(lead: &str) -> bool {
    static M: LazyLock<Regex> = LazyLock::new(|| {
        re(
            r"(?i)(?:valid values|range|values|options|following (?:values|statuses|states)|the value can be(?: one of)?)\s*[:：]\s*[•·●]?\s*$",
        )
    });
    M.is_match(lead)
}

/// `VALUE: description` items, one after another: DMS `access_policy` (`all: 拥有发布、订阅权限;
/// pub: 拥有发布权限; sub: 拥有订阅权限。`), retailcloud `PauseType` (`取值范围： > first：第一批暂停；
/// … each：…； none：…`), DMS consumer-group `state` (`包含以下状态： • Dead: … • Empty: …`),
/// retailcloud `AccountStatus` (`· Unavailable：不可用； · Available：可用。`), alikafka
/// `SpecType` (`Valid values: professional: Professional Edition normal: Standard Edition
/// Note: …`). A value is an ASCII token starting a clause, its colon followed by a space or
/// a Chinese character (so `HH:mm`, `22:00` and `https://` are not items). English text
/// needs a marker (`Valid values:`) before the first item.
pub fn value_colon_list(text: &str) -> Option<Fact> {
    static ITEM: LazyLock<Regex> =
        LazyLock::new(|| re(r"(?:^|[\s•·●>；;，,。(（])([A-Za-z0-9][A-Za-z0-9_.\-]*)\s*[:：]"));
    let han = |c: char| ('\u{4e00}'..='\u{9fff}').contains(&c);
    let mut items: Vec<(usize, usize, String)> = Vec::new(); // (token start, after colon, value)
    for c in ITEM.captures_iter(text) {
        let (Some(t), Some(all)) = (c.get(1), c.get(0)) else {
            continue;
        };
        // The colon is followed by a space or a Chinese character.
        if !text[all.end()..].starts_with(|c: char| c.is_whitespace() || han(c)) {
            continue;
        }
        let after = all.end();
        let value = t.as_str().trim_end_matches('.').to_string();
        if items.is_empty() && NOT_VALUES.contains(&value.as_str()) {
            continue; // part of the lead (`Valid values:`)
        }
        if NOT_VALUES.contains(&value.as_str()) {
            // `Note: …` ends the list.
            items.push((t.start(), after, String::new()));
            break;
        }
        items.push((t.start(), after, value));
    }
    if items.last().is_some_and(|i| i.2.is_empty()) {
        let stop = items.pop().map(|i| i.0);
        return colon_items(text, &items, stop);
    }
    colon_items(text, &items, None)
}

fn colon_items(text: &str, items: &[(usize, usize, String)], stop: Option<usize>) -> Option<Fact> {
    if items.len() < 2 {
        return None;
    }
    let lead = &text[..items[0].0];
    if !introduces(lead) {
        return None;
    }
    let han = text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
    if !han && !english_marker(lead) {
        return None;
    }
    let mut out: Vec<(String, String)> = Vec::new();
    for (i, (_, after, value)) in items.iter().enumerate() {
        let end = items.get(i + 1).map(|n| n.0).or(stop).unwrap_or(text.len());
        let raw = text[*after..end].trim();
        if i + 1 < items.len() && raw.chars().count() > 100 {
            return None; // prose with an incidental colon, not a list
        }
        let desc = raw
            .split(['；', ';', '。', '•', '·', '●'])
            .next()
            .unwrap_or("")
            .trim()
            .trim_end_matches(['，', ',', '.', ' '])
            .to_string();
        if desc.is_empty() || out.iter().any(|(v, _)| v == value) {
            return None;
        }
        out.push((value.clone(), desc));
    }
    Some(Fact::Enum(out))
}

/// `说明：VALUE` pairs, the label first: retailcloud `EnvType` (`环境类型，测试：test，正式：online`),
/// `DeployStepList.Status` (`处理中: PROCESSING, 成功: SUCCESS, 失败: FAIL`). The pairs follow
/// one another with only a separator between them and end the text or its sentence.
pub fn label_value_pairs(text: &str) -> Option<Fact> {
    static PAIR: LazyLock<Regex> = LazyLock::new(|| {
        re(r"(\p{Han}{1,8})\s*[:：]\s*([A-Za-z0-9][A-Za-z0-9_.\-]*)\s*([，,；;、]|。|$)")
    });
    // Labels that name a property, not a value (`单位：GB，范围：1`).
    const PROPERTY: &[&str] = &[
        "值", "单位", "范围", "格式", "长度", "示例", "例如", "默认", "类型", "说明",
    ];
    let mut out: Vec<(String, String)> = Vec::new();
    let mut last_end: Option<usize> = None;
    for c in PAIR.captures_iter(text) {
        let whole = c.get(0)?;
        if let Some(e) = last_end {
            if whole.start() != e {
                break; // not adjacent: another sentence
            }
        }
        let label = &c[1];
        if PROPERTY.iter().any(|p| label.contains(p)) {
            return None;
        }
        if out.iter().any(|(v, _)| v == &c[2]) {
            return None;
        }
        out.push((c[2].to_string(), label.to_string()));
        let sep = &c[3];
        if sep == "。" || sep.is_empty() {
            last_end = None;
            break;
        }
        last_end =
            Some(whole.end() + text[whole.end()..].len() - text[whole.end()..].trim_start().len());
    }
    if last_end.is_some() {
        // The run went on into something that is not a pair.
        return None;
    }
    (out.len() >= 2).then_some(Fact::Enum(out))
}

/// Bare values after a marker: bullets (alikafka `ResourceType` `Valid values: • Instance •
/// Topic • Consumer Group`, CSE `environment` `Range: • development • testing • acceptance •
/// production You can use …`, retailcloud `PageSize` `取值: · 30; · 50; · 100;`), numbers
/// (`可取值（大小写敏感）： 1. Owner 2. PE 3. Dev 4. Test`), commas (`可取值： DING_TALK , TAOBAO`,
/// `当前有两种类型：TAOBAO, DING_TALK`, `取值支持1.1.0、2.3.0和2.7。`) or a run of lower-case words
/// ended by a sentence (`Range: development testing acceptance production You can …`).
pub fn marked_value_list(text: &str) -> Option<Fact> {
    static MARK: LazyLock<Regex> = LazyLock::new(|| {
        re(
            r"(?:Valid values|Range|可取值(?:（[^）]*）)?|取值(?:范围|如下|支持)?|当前有\S{1,3}种类型)\s*[:：]?\s*",
        )
    });
    let m = MARK.find(text)?;
    if text[m.end()..].starts_with("of ") {
        return None; // `Valid values of N` counts items
    }
    let rest = &text[m.end()..];
    let tok = |s: &str| -> Option<String> {
        let s = s
            .trim()
            .trim_end_matches(['；', ';', ',', '，', '。', '.'])
            .trim();
        let ok = !s.is_empty()
            && s.len() <= 64
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c))
            && !["to", "or", "and"].contains(&s);
        ok.then(|| s.to_string())
    };
    let values: Vec<String> = if rest.starts_with(['•', '·', '●']) {
        let parts: Vec<&str> = rest
            .split(['•', '·', '●'])
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .collect();
        let mut v = Vec::new();
        for (i, p) in parts.iter().enumerate() {
            match tok(p) {
                Some(t) => v.push(t),
                None if i + 1 == parts.len() => {
                    // The last bullet runs into the next sentence: `production You can use …`,
                    // `100; 默认值: 30.`
                    let (first, after) = p.split_once(' ').unwrap_or((p, ""));
                    let sentence = after.split_whitespace().count() >= 3
                        && after.starts_with(|c: char| c.is_ascii_uppercase())
                        || after.starts_with(|c: char| !c.is_ascii());
                    v.push(tok(first).filter(|_| sentence)?);
                }
                None => return None,
            }
        }
        v
    } else if rest.starts_with(|c: char| c.is_ascii_digit())
        && rest.contains("2. ")
        && rest.starts_with("1. ")
    {
        static NUM: LazyLock<Regex> = LazyLock::new(|| re(r"(?:^|\s)\d+\.\s+(\S+)"));
        let v: Vec<String> = NUM.captures_iter(rest).filter_map(|c| tok(&c[1])).collect();
        let n = NUM.captures_iter(rest).count();
        if n != v.len() || !NUM.replace_all(rest, "").trim().is_empty() {
            return None;
        }
        v
    } else {
        static COMMA: LazyLock<Regex> = LazyLock::new(|| {
            re(
                r"^([A-Za-z0-9][A-Za-z0-9_.\-]*(?:\s*[,，、]\s*[A-Za-z0-9][A-Za-z0-9_.\-]*)*(?:\s*(?:和|或|, or|or|and)\s*[A-Za-z0-9][A-Za-z0-9_.\-]*)?)\s*(?:[。；;]|\.(?:\s|$)|$|默认)",
            )
        });
        static RUN: LazyLock<Regex> = LazyLock::new(|| {
            re(r"^((?:[a-z][a-z0-9_\-]*\s+){1,}[a-z][a-z0-9_\-]*)\s+[A-Z][a-z]+\s+\S+\s+\S+")
        });
        if let Some(c) = COMMA.captures(rest) {
            c[1].split([',', '，', '、'])
                .flat_map(|p| p.split(['和', '或']))
                .flat_map(|p| p.split(" or ").flat_map(|q| q.split(" and ")))
                .map(|p| {
                    tok(p
                        .trim()
                        .trim_start_matches("or ")
                        .trim_start_matches("and "))
                })
                .collect::<Option<Vec<_>>>()?
        } else if let Some(c) = RUN.captures(rest) {
            c[1].split_whitespace()
                .map(tok)
                .collect::<Option<Vec<_>>>()?
        } else {
            return None;
        }
    };
    let mut out: Vec<(String, String)> = Vec::new();
    for v in values {
        if out.iter().any(|(o, _)| *o == v) {
            return None;
        }
        out.push((v, String::new()));
    }
    (out.len() >= 2).then_some(Fact::Enum(out))
}

/// `配置类型: dynamic/static` (DMS `config_type`): the whole description a label and a
/// slash list of lower-case words.
pub fn slash_list(text: &str) -> Option<Fact> {
    static SLASH: LazyLock<Regex> = LazyLock::new(|| {
        re(r"^[^:：/]{1,16}[:：]\s*([a-z][a-z0-9_]*(?:/[a-z][a-z0-9_]*)+)\s*[。.]?$")
    });
    let c = SLASH.captures(text.trim())?;
    let v: Vec<(String, String)> = c[1]
        .split('/')
        .map(|s| (s.to_string(), String::new()))
        .collect();
    Some(Fact::Enum(v))
}

/// `Valid values of N: 1 to 20` / `Valid values of N: • 1 to 20` (alikafka `Tag.N.Key`,
/// `TagKey.N`): the count of a repeat list's items, for the list.
pub fn item_count(text: &str) -> Option<Fact> {
    static N: LazyLock<Regex> =
        LazyLock::new(|| re(r"Valid values of N\s*[:：]\s*[•·]?\s*(\d+)\s*(?:to|-|~)\s*(\d+)"));
    let c = N.captures(text)?;
    let (lo, hi): (u64, u64) = (c[1].parse().ok()?, c[2].parse().ok()?);
    (lo <= hi).then_some(Fact::Items(lo, hi))
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

/// `a maximum of 1024 characters`, `up to 128 characters`, `最多64个字符`, `Maximum
/// characters: 64` (CSE `vpcId`).
pub fn length_maximum(text: &str) -> Option<Fact> {
    static MAX: LazyLock<Regex> = LazyLock::new(|| {
        re(
            r"(?:maximum of|up to|at most|no more than|最多|不超过)\s*(\d+)\s*(?:characters|个字符|字符)|Maximum characters\s*[:：]\s*(\d+)",
        )
    });
    let c = MAX.captures(text)?;
    let n = c.get(1).or_else(|| c.get(2))?.as_str();
    Some(Fact::Limits(Constraints {
        max_length: Some(n.parse().ok()?),
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

/// A list the text calls open: `包括但不限于如下地域` (MSE `Region`), `such as`, `例如`.
pub fn open_list(text: &str) -> bool {
    static OPEN: LazyLock<Regex> = LazyLock::new(|| {
        re(r"(?i)不限于|not limited to|such as|for example|e\.g\.|例如|比如|包括但")
    });
    OPEN.is_match(text)
}

fn string_or_strings(t: &TypeExpr) -> bool {
    match t {
        TypeExpr::String => true,
        TypeExpr::Array(inner) => **inner == TypeExpr::String,
        _ => false,
    }
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
                let names: Vec<&str> = values.iter().map(|(v, _)| v.as_str()).collect();
                // Scalars and lists of them (the values are the items'); a Boolean's list
                // only when it is `true`/`false` with their meanings.
                let fits = match &f.ty {
                    TypeExpr::Array(inner) => is_scalar(inner),
                    TypeExpr::Boolean => names.iter().all(|v| *v == "true" || *v == "false"),
                    t => is_scalar(t),
                };
                if !f.enum_values.is_empty() || !fits {
                    continue;
                }
                if open_list(&text) {
                    diags.note(
                        line,
                        format!(
                            "`{}`: the prose lists {} as examples (`包括但不限于`, `such as`); not taken as an enum",
                            f.name,
                            names.join(", ")
                        ),
                    );
                    continue;
                }
                if side == Side::Request {
                    if let Some(ex) = &f.example {
                        if !names.contains(&ex.as_str()) {
                            diags.note(
                                line,
                                format!(
                                    "`{}`: the prose lists {} but the example sends `{ex}`; not taken as an enum",
                                    f.name,
                                    names.join(", ")
                                ),
                            );
                            continue;
                        }
                    }
                }
                let item = match &f.ty {
                    TypeExpr::Array(inner) => inner.as_ref(),
                    t => t,
                };
                if matches!(item, TypeExpr::Integer | TypeExpr::Long | TypeExpr::Number)
                    && names.iter().any(|v| v.parse::<f64>().is_err())
                {
                    continue;
                }
                f.enum_values = values
                    .iter()
                    .map(|(v, d)| EnumValue {
                        value: v.clone(),
                        description: d.clone(),
                    })
                    .collect();
                census.enums += 1;
                format!("enum {}", names.join(", "))
            }
            Fact::Items(lo, hi) => {
                let k = &mut f.constraints;
                if !matches!(f.ty, TypeExpr::Array(_))
                    || k.min_items.is_some()
                    || k.max_items.is_some()
                {
                    continue;
                }
                k.min_items = Some(lo);
                k.max_items = Some(hi);
                census.limits += 1;
                format!("min_items {lo}, max_items {hi}")
            }
            Fact::Limits(c) => {
                let lengths = c.min_length.is_some() || c.max_length.is_some();
                let ok = if lengths {
                    // On a list of strings the length is each item's (as the emitters read it).
                    string_or_strings(&f.ty)
                        && f.constraints.min_length.is_none()
                        && f.constraints.max_length.is_none()
                } else {
                    // Numbers, and numbers the document types String (DMS `offset`, as its
                    // `limit` carries the table's range).
                    matches!(
                        f.ty,
                        TypeExpr::Integer | TypeExpr::Long | TypeExpr::Number | TypeExpr::String
                    ) && f.constraints.minimum.is_none()
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

    fn bare(v: &[&str]) -> Option<Fact> {
        Some(Fact::Enum(
            v.iter().map(|s| (s.to_string(), String::new())).collect(),
        ))
    }

    #[track_caller]
    fn values(f: Option<Fact>) -> Vec<String> {
        match f {
            Some(Fact::Enum(v)) => v.into_iter().map(|(v, _)| v).collect(),
            other => panic!("not an enum: {other:?}"),
        }
    }

    #[test]
    fn value_colon_lists() {
        // DMS L3921 `access_policy` (the `、` inside an item's description).
        let f = value_colon_list(
            "权限类型。 all: 拥有发布、订阅权限; pub: 拥有发布权限; sub: 拥有订阅权限。",
        );
        assert_eq!(
            f,
            Some(Fact::Enum(vec![
                ("all".into(), "拥有发布、订阅权限".into()),
                ("pub".into(), "拥有发布权限".into()),
                ("sub".into(), "拥有订阅权限".into()),
            ]))
        );
        // retailcloud L2844 `PauseType`.
        assert_eq!(
            values(value_colon_list("分批发布暂停方式。取值范围： > first：第一批暂停；第一批发布完 成后暂停发布； each：每批暂停；每个批次发布完 成后都暂停发布； none：不暂停；每个批次发布完成 后自动发布下一批次，中间不暂停； 默认为none。建议使用first或 each，可有效降低一次变更有问题 而导致服务不可用的风险。")),
            ["first", "each", "none"]
        );
        // DMS L1661 `state`: a status list without `<li>`.
        assert_eq!(
            values(value_colon_list("消费组状态。包含以下状态： • Dead: 消费组内没有任何成员，且没有任何元数据。 • Empty: 消费组内没有任何成员，存在元数据。 • PreparingRebalance: 准备开启rebalance。 • CompletingRebalance: 所有成员加入group。 • Stable: 消费组内成员可正常消费。")),
            ["Dead", "Empty", "PreparingRebalance", "CompletingRebalance", "Stable"]
        );
        // retailcloud L6862 `AccountStatus`; MSE L1549 `OpenSuperAcl`.
        assert_eq!(
            values(value_colon_list(
                "账号状态： · Unavailable：不可用； · Available：可用。"
            )),
            ["Unavailable", "Available"]
        );
        assert_eq!(
            values(value_colon_list(
                "超级权限开关，取值如下： • true：打开 • false：关闭"
            )),
            ["true", "false"]
        );
        // retailcloud L330 (no lead); DMS L556, L563 (dotted values).
        assert_eq!(
            values(value_colon_list(
                "stateless: 无状态应用, stateful: 有状态应用"
            )),
            ["stateless", "stateful"]
        );
        assert_eq!(
            values(value_colon_list("磁盘的容量到达容量阈值后，对于消息的处理策略。 取值如下： produce_reject: 表示拒绝消息写入。 time_base: 表示自动删除最老消息。")),
            ["produce_reject", "time_base"]
        );
        assert_eq!(
            values(value_colon_list("存储IO规格。 取值范围： dms.physical.storage.high.v2: 使用高IO的磁盘类型。 dms.physical.storage.ultra.v2: 使用超高IO的磁盘类型。 如何选择磁盘类型请参考《云硬盘 用户指南》的“磁盘类型及性能介绍”。")),
            ["dms.physical.storage.high.v2", "dms.physical.storage.ultra.v2"]
        );
        // retailcloud L614, L1115 (`value:label` without spaces).
        assert_eq!(
            values(value_colon_list("环境类型: 0:测试;1:正式")),
            ["0", "1"]
        );
        assert_eq!(
            values(value_colon_list("环境类型: test:测试; online:正式")),
            ["test", "online"]
        );
        // alikafka L880: English after a marker, `Note:` ends the list; L1035 bullets.
        assert_eq!(
            values(value_colon_list("The edition of the Message Queue for Apache Kafka instance. Valid values: professional: Professional Edition normal: Standard Edition Note: A Message Queue for Apache Kafka instance can only be upgraded from the Standard Edition to the Professional Edition.")),
            ["professional", "normal"]
        );
        assert_eq!(
            values(value_colon_list("The deployment mode of the Message Queue for Apache Kafka instance. Valid values: • 4: Instance of the Internet and VPC type • 5: Instance of the VPC type")),
            ["4", "5"]
        );
        // Not lists: English without a marker, times, URLs, one item.
        assert_eq!(
            value_colon_list("Heartbeat interval. Unit: s. Maximum length: 64"),
            None
        );
        assert_eq!(
            value_colon_list("维护时间窗开始时间，格式为HH:mm。 开始时间必须为22:00、02:00。"),
            None
        );
        assert_eq!(
            value_colon_list("值为hostname[:port]。 https://a.b 说明: x"),
            None
        );
        assert_eq!(
            value_colon_list("The deployment mode. Valid values: 5 : Instance of the VPC type"),
            None
        );
    }

    #[test]
    fn label_value_lists() {
        // retailcloud L1027 `EnvType`, L3631 `DeployStepList.Status`.
        assert_eq!(
            label_value_pairs("环境类型，测试：test，正式：online"),
            Some(Fact::Enum(vec![
                ("test".into(), "测试".into()),
                ("online".into(), "正式".into())
            ]))
        );
        assert_eq!(
            values(label_value_pairs(
                "当前步骤的状态, 处理中: PROCESSING, 成功: SUCCESS, 失败: FAIL"
            )),
            ["PROCESSING", "SUCCESS", "FAIL"]
        );
        // Properties, not values.
        assert_eq!(
            label_value_pairs("消息存储空间，单位：GB，范围：100。"),
            None
        );
        assert_eq!(
            label_value_pairs("用户类型。当前有两种类型：TAOBAO, DING_TALK"),
            None
        );
    }

    #[test]
    fn marked_value_lists() {
        // alikafka L2722 (the last item is two words: not a list), CSE L5529, L5662.
        assert_eq!(
            marked_value_list("The type of the resource. The value is an enumerated value. Valid values: • Instance • Topic • Consumer Group"),
            None
        );
        assert_eq!(
            values(marked_value_list("Microservice environment. Range: • development • testing • acceptance • production You can use the API for uploading schemas in batches to add or modify an existing schema only when the value is development , testing , or acceptance .")),
            ["development", "testing", "acceptance", "production"]
        );
        assert_eq!(
            values(marked_value_list("Microservice environment. Range: development testing acceptance production You can use the API for uploading schemas in batches. Default Value: development")),
            ["development", "testing", "acceptance", "production"]
        );
        // retailcloud L7187, L150, L231, L1779; DMS L5725.
        assert_eq!(
            values(marked_value_list(
                "每页记录数, 取值: · 30; · 50; · 100; 默认值: 30."
            )),
            ["30", "50", "100"]
        );
        assert_eq!(
            values(marked_value_list(
                "用户角色名称。可取值（大小写敏感）： 1. Owner 2. PE 3. Dev 4. Test"
            )),
            ["Owner", "PE", "Dev", "Test"]
        );
        assert_eq!(
            values(marked_value_list("用户类型，可取值： DING_TALK , TAOBAO")),
            ["DING_TALK", "TAOBAO"]
        );
        assert_eq!(
            values(marked_value_list(
                "用户类型。当前有两种类型：TAOBAO, DING_TALK"
            )),
            ["TAOBAO", "DING_TALK"]
        );
        assert_eq!(
            values(marked_value_list(
                "消息引擎的版本。取值支持1.1.0、2.3.0和2.7。"
            )),
            ["1.1.0", "2.3.0", "2.7"]
        );
        // Ranges and prose are not lists.
        assert_eq!(
            marked_value_list("The number of partitions in the topic. Valid values: 1 to 48 We recommend that you set the number of partitions to a multiple of 6."),
            None
        );
        assert_eq!(
            marked_value_list("公网带宽，单位：Mbps。 取值范围：0~5000，其中0表示不接入公网。"),
            None
        );
        assert_eq!(marked_value_list("Valid values of N: 1 to 20"), None);
    }

    #[test]
    fn slash_lists_and_item_counts() {
        // DMS L3217.
        assert_eq!(
            slash_list("配置类型: dynamic/static"),
            bare(&["dynamic", "static"])
        );
        assert_eq!(
            slash_list("消息体的类型: application/json。"),
            bare(&["application", "json"])
        );
        assert_eq!(slash_list("资源配置 如4核8G(I/O优化)"), None);
        // alikafka L2666 `TagKey.N`, L2726.
        assert_eq!(
            item_count("The key of tag N to be unbound from the resource. Valid values of N: • 1 to 20 • This parameter cannot be an empty string."),
            Some(Fact::Items(1, 20))
        );
        assert_eq!(
            item_count("Valid values of N: 1 to 20 This parameter can be"),
            Some(Fact::Items(1, 20))
        );
        assert_eq!(item_count("Valid values: 1 to 20"), None);
    }

    #[test]
    fn value_lists_in_sentences() {
        // CSE L5721 `healthCheck.mode`.
        assert_eq!(
            value_or_list("Heartbeat mode. Value: push or pull."),
            bare(&["push", "pull"])
        );
        assert_eq!(
            value_or_list("Valid values: a, b, and c."),
            bare(&["a", "b", "c"])
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
            length_maximum("VPC ID. Maximum characters: 64"),
            lim(None, Some(64))
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
        // MSE L1788 `Region`: an open list is no enum.
        let mut f = field(
            "集群所在地域，包括但不限于如下地域： cn-hangzhou ：杭州 cn-beijing ：北京 cn-shanghai ：上海",
            TypeExpr::String,
            Some("cn-hangzhou"),
        );
        apply_field(&mut f, Side::Request, &mut diags, &mut census);
        assert!(f.enum_values.is_empty());
        // alikafka L2666 `TagKey.N`: the count on the list, the length on each item.
        let mut f = field(
            "The key of tag N to be unbound from the resource. Valid values of N: • 1 to 20 • This parameter cannot be an empty string. • It can be up to 128 characters in length.",
            TypeExpr::Array(Box::new(TypeExpr::String)),
            None,
        );
        apply_field(&mut f, Side::Request, &mut diags, &mut census);
        assert_eq!(
            (
                f.constraints.min_items,
                f.constraints.max_items,
                f.constraints.max_length
            ),
            (Some(1), Some(20), Some(128))
        );
        // DMS L793 `sasl_enabled_mechanisms`: the values of a list's items; L798 a Boolean's.
        let mut f = field(
            "开启SASL后使用的认证机制。 • PLAIN: 简单的用户名密码校验。 • SCRAM-SHA-512: 用户凭证校验，安全性比PLAIN机制更高。",
            TypeExpr::Array(Box::new(TypeExpr::String)),
            None,
        );
        apply_field(&mut f, Side::Response, &mut diags, &mut census);
        assert_eq!(f.enum_values.len(), 2);
        let mut f = field(
            "实例扩容时用于区分老实例与新实例。 • true: 新创建的实例，允许磁盘动态扩容不需要重启。 • false: 老实例",
            TypeExpr::Boolean,
            None,
        );
        apply_field(&mut f, Side::Response, &mut diags, &mut census);
        assert_eq!(f.enum_values[1].description, "老实例");
        let mut f = field("状态： · A：甲； · B：乙。", TypeExpr::Boolean, None);
        apply_field(&mut f, Side::Response, &mut diags, &mut census);
        assert!(f.enum_values.is_empty());
        // DMS L740 `offset`, typed String like its `limit`.
        let mut f = field(
            "偏移量，表示从此偏移量开始查询，offset大于等于0。",
            TypeExpr::String,
            None,
        );
        apply_field(&mut f, Side::Request, &mut diags, &mut census);
        assert_eq!(f.constraints.minimum, Some(0.0));
        // A length on an integer is not a string length; a word default only on booleans.
        let mut f = field("长度为4~64, 默认关闭", TypeExpr::Integer, None);
        apply_field(&mut f, Side::Request, &mut diags, &mut census);
        assert!(f.constraints.is_empty() && f.default.is_none());
        // A table-read limit stays.
        let mut f = field("1 to 64 characters", TypeExpr::String, None);
        f.constraints.max_length = Some(32);
        apply_field(&mut f, Side::Request, &mut diags, &mut census);
        assert_eq!(f.constraints.max_length, Some(32));
        assert_eq!(census.enums, 3);
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
