//! Cell text shared by both vendors: names, required flags, the type vocabulary, HTML
//! removal, and the hints descriptions carry (enum values, defaults, ranges, lengths) in
//! Chinese and English.
//!
//! Hints are read conservatively: a value list counts as an enum only when every item looks
//! like a value (an identifier-like token), so prose lists stay prose. Regular expressions
//! are left in the description: the PDF conversion mangles them (`\$`, `$\wedge.*\$$`,
//! several patterns run together), and a wrong pattern would reject valid requests.

use crate::spec::model::{Constraints, EnumValue, TypeExpr};
use regex::Regex;
use std::sync::LazyLock;

/// What a description cell says beyond its prose.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DescriptionInfo {
    /// The description with HTML removed and whitespace folded.
    pub text: String,
    pub enum_values: Vec<EnumValue>,
    /// Default value as printed.
    pub default: Option<String>,
    pub constraints: Constraints,
    /// The description says the parameter is deprecated (废弃 / deprecated).
    pub deprecated: bool,
}

/// A type cell, normalised. See SURVEY §7 for the vocabulary of the five documents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DocType {
    /// String, Integer, Long, Boolean, Float, Double, number, int, ...
    Scalar(TypeExpr),
    /// Alibaba `Json`: a JSON document sent as a string.
    Json,
    /// Alibaba `RepeatList` (element type not stated: strings).
    RepeatList,
    /// `Struct`, `Object`, `X object`, or a bare type name (`SingleKieInfo`).
    Object { name: Option<String> },
    /// `Array`, `List`, `Array of X`, `Array of X objects`, `Array<Object>`, `List<String>`.
    Array { item: Item },
    /// `Map`, `Map object`, `Map<String,X>`.
    Map { value: Item },
    /// `File` (multipart upload).
    File,
    /// An empty type cell (XML wrapper rows, note rows).
    Empty,
}

/// Element type of an array or map.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    /// Not stated (`Array`, `List`, `Map`).
    Unknown,
    Scalar(TypeExpr),
    /// An object whose name is not given (`Array<Object>`).
    Object,
    /// A named type (`Array of GetKieConfigs objects` → `GetKieConfigs`; `Array of Table 6-5`).
    Named(String),
}

fn scalar(word: &str) -> Option<TypeExpr> {
    Some(match word.to_ascii_lowercase().as_str() {
        "string" | "strings" | "str" => TypeExpr::String,
        "integer" | "integers" | "int" | "int32" => TypeExpr::Integer,
        "long" | "longs" | "int64" => TypeExpr::Long,
        "float" | "double" | "doubles" | "number" | "numbers" => TypeExpr::Number,
        "boolean" | "booleans" | "bool" => TypeExpr::Boolean,
        _ => return None,
    })
}

fn item(word: &str) -> Item {
    let w = word.trim();
    if w.is_empty() {
        return Item::Unknown;
    }
    if let Some(t) = scalar(w) {
        return Item::Scalar(t);
    }
    if w.eq_ignore_ascii_case("object") || w.eq_ignore_ascii_case("objects") {
        return Item::Object;
    }
    // `Table 6-5` keeps its space: it names a caption, not a type.
    if w.starts_with("Table ") {
        return Item::Named(w.to_string());
    }
    Item::Named(w.split_whitespace().collect())
}

/// Normalise a type cell.
pub fn parse_type(cell: &str) -> DocType {
    let t = strip_html(cell);
    let t = t.trim();
    if t.is_empty() {
        return DocType::Empty;
    }
    let lower = t.to_ascii_lowercase();
    if let Some(s) = scalar(t) {
        return DocType::Scalar(s);
    }
    match lower.as_str() {
        "json" => return DocType::Json,
        "repeatlist" => return DocType::RepeatList,
        "struct" | "object" => return DocType::Object { name: None },
        "array" | "list" => {
            return DocType::Array {
                item: Item::Unknown,
            }
        }
        "map" | "map object" => {
            return DocType::Map {
                value: Item::Unknown,
            }
        }
        "file" => return DocType::File,
        _ => {}
    }
    // Generic forms: Array<X>, List<X>, List< X >, Map<String,X>.
    if let Some((head, rest)) = t.split_once('<') {
        let inner = rest.trim_end().trim_end_matches('>').trim();
        let head = head.trim().to_ascii_lowercase();
        if head == "array" || head == "list" {
            return DocType::Array { item: item(inner) };
        }
        if head == "map" {
            let value = inner.split_once(',').map(|(_, v)| v).unwrap_or(inner);
            return DocType::Map { value: item(value) };
        }
    }
    if let Some(rest) = strip_prefix_ci(t, "array of ").or_else(|| strip_prefix_ci(t, "list of ")) {
        let rest = rest.trim();
        let rest = strip_suffix_ci(rest, " objects")
            .or_else(|| strip_suffix_ci(rest, " object"))
            .unwrap_or(rest);
        return DocType::Array { item: item(rest) };
    }
    if let Some(rest) = strip_suffix_ci(t, " object").or_else(|| strip_suffix_ci(t, " objects")) {
        return DocType::Object {
            name: Some(rest.split_whitespace().collect()),
        };
    }
    // A bare type name (`SingleKieInfo`), possibly split by a PDF wrap.
    DocType::Object {
        name: Some(t.split_whitespace().collect()),
    }
}

fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &s[prefix.len()..])
}

fn strip_suffix_ci<'a>(s: &'a str, suffix: &str) -> Option<&'a str> {
    let cut = s.len().checked_sub(suffix.len())?;
    let tail = s.get(cut..)?;
    tail.eq_ignore_ascii_case(suffix).then(|| &s[..cut])
}

/// Read a required/mandatory cell: 是/否, Yes/No (also `Yes.`), true/false, 必选/可选.
/// Cells that add a condition ("否 使用AK/SK认证时该字段必选。") read by their first word.
pub fn parse_required(cell: &str) -> Option<bool> {
    let t = strip_html(cell);
    let first = t
        .split(|c: char| c.is_whitespace() || c == '，' || c == ',')
        .next()
        .unwrap_or("");
    let first = first.trim_end_matches(['.', '。']);
    match first.to_ascii_lowercase().as_str() {
        "是" | "yes" | "true" | "必选" | "必填" | "required" | "mandatory" | "y" => Some(true),
        "否" | "no" | "false" | "可选" | "optional" | "n" => Some(false),
        _ => None,
    }
}

/// An identifier cell as printed, with the spaces PDF line wraps left inside it removed
/// (`UserRoles.N. RoleName` → `UserRoles.N.RoleName`) and HTML removed (`<i>[Array]</i>`).
/// No real parameter name in the five documents contains a space.
pub fn clean_name(cell: &str) -> String {
    strip_html(cell)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

/// Remove the HTML tags the documents use and fold whitespace. Other `<...>` text is kept:
/// it is content (`Array<Object>`, the `<header>` map-key placeholder).
pub fn strip_html(raw: &str) -> String {
    static TAG: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)</?\s*(?:ul|ol|li|b|i|u|p|a|br|code|pre|div|span|strong|em|sup|sub|font|table|tr|td|th)(?:\s[^<>]*)?/?>").unwrap()
    });
    let no_tags = TAG.replace_all(raw, " ");
    let unescaped = no_tags
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
        .replace("&nbsp;", " ");
    unescaped.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Whether a token looks like an enum value rather than prose.
fn value_like(s: &str) -> bool {
    let s = s.trim();
    !s.is_empty()
        && s.chars().count() <= 64
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "_.-/:+*@".contains(c))
        && !s.ends_with(':')
}

/// Phrases that introduce a value list.
const ENUM_MARKERS: &[&str] = &[
    "取值如下",
    "枚举值",
    "可取值",
    "取值为",
    "取值：",
    "取值:",
    "Valid values",
    "Range:",
    "Range：",
    "Enumeration values",
    "可选值",
];

/// Parse a description cell.
pub fn parse_description(raw: &str) -> DescriptionInfo {
    let text = strip_html(raw);
    DescriptionInfo {
        enum_values: enum_values(raw, &text),
        default: default_value(&text),
        constraints: constraints(&text),
        deprecated: text.contains("废弃") || text.to_ascii_lowercase().contains("deprecated"),
        text,
    }
}

fn enum_values(raw: &str, text: &str) -> Vec<EnumValue> {
    // 1. Well-formed `<li>` lists (MSE, Alibaba Kafka): value in <b>/<code> or before a colon.
    if raw.contains("<li>")
        && ENUM_MARKERS
            .iter()
            .any(|m| raw.split("<li>").next().unwrap_or("").contains(m))
    {
        static LI: LazyLock<Regex> =
            LazyLock::new(|| Regex::new(r"(?s)<li>(.*?)(?:</li>|<li>|</ul>|$)").unwrap());
        static LEAD: LazyLock<Regex> = LazyLock::new(|| {
            Regex::new(r"^\s*<(?:b|code)>(.*?)</(?:b|code)>\s*[:：]?\s*(.*)$").unwrap()
        });
        let mut out = Vec::new();
        for cap in LI.captures_iter(raw) {
            let item = &cap[1];
            let (value, desc) = match LEAD.captures(item) {
                Some(c) => (
                    strip_html(&c[1]),
                    strip_html(&c[2]).trim_end_matches('。').to_string(),
                ),
                None => split_value(&strip_html(item)),
            };
            if !value_like(&value) {
                return Vec::new();
            }
            out.push(EnumValue {
                value,
                description: desc,
            });
        }
        return dedup(out);
    }
    // 2. Text after a marker: Huawei's `<ul>` without `<li>` (bullets or nothing between
    //    items), and plain lists separated by 、，；.
    //    Without a marker, a `<ul>` list whose every item is a value also counts
    //    (DMS: `<ul …> • true: 开启 • false: 未开启`); prose lists fail the value test.
    let marker = ENUM_MARKERS
        .iter()
        .filter_map(|m| text.find(m).map(|p| p + m.len()))
        .min();
    let after_list;
    let mut tail = match (marker, raw.find("<ul")) {
        (Some(pos), _) => &text[pos..],
        (None, Some(ul)) => {
            let rest = &raw[ul..];
            after_list = strip_html(rest.find('>').map_or(rest, |gt| &rest[gt + 1..]));
            after_list.as_str()
        }
        (None, None) => return Vec::new(),
    };
    for stop in ["Default Value", "Default value", "默认值", "缺省值", "。 "] {
        if let Some(p) = tail.find(stop) {
            tail = &tail[..p];
        }
    }
    let tail = tail.trim_start_matches([':', '：', ' ']).trim();
    if tail.is_empty() {
        return Vec::new();
    }
    let items: Vec<String> = if tail.contains(['•', '●', '·']) {
        tail.split(['•', '●', '·'])
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect()
    } else if tail.contains(['、', '；', ';', '，']) {
        tail.split(['、', '；', ';', '，'])
            .map(|s| s.trim().trim_end_matches(['。', '.']).to_string())
            .filter(|s| !s.is_empty())
            .collect()
    } else {
        split_runs(tail)
    };
    let mut out = Vec::new();
    for it in items {
        let (value, desc) = split_value(&it);
        if !value_like(&value) {
            return Vec::new();
        }
        out.push(EnumValue {
            value,
            description: desc,
        });
    }
    if out.is_empty() || (out.len() == 1 && !text.contains("取值：") && !text.contains("取值:"))
    {
        return Vec::new();
    }
    dedup(out)
}

/// Split `force: overwrites duplicate keys. abort: stops ...` into items at each
/// `token:`; without colons, a run of value-like words (`ForceDelete Rollback Retry`).
fn split_runs(tail: &str) -> Vec<String> {
    static KEY: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(?:^|\s)([A-Za-z0-9_.\-/]+)\s*[:：]\s").unwrap());
    let starts: Vec<usize> = KEY
        .captures_iter(tail)
        .filter_map(|c| c.get(1).map(|m| m.start()))
        .collect();
    if starts.first() == Some(&0) {
        let mut out = Vec::new();
        for (i, s) in starts.iter().enumerate() {
            let e = starts.get(i + 1).copied().unwrap_or(tail.len());
            out.push(tail[*s..e].trim().to_string());
        }
        return out;
    }
    // "JSON and XML"
    if let Some((a, b)) = tail.trim_end_matches('.').split_once(" and ") {
        if value_like(a) && value_like(b) {
            return vec![a.to_string(), b.to_string()];
        }
    }
    let words: Vec<&str> = tail.split_whitespace().collect();
    if words.len() >= 2
        && words
            .iter()
            .all(|w| value_like(w.trim_end_matches(['。', '.'])))
    {
        let n = words.len();
        return words
            .iter()
            .enumerate()
            .map(|(i, w)| {
                if i + 1 == n {
                    w.trim_end_matches(['。', '.']).to_string()
                } else {
                    w.to_string()
                }
            })
            .collect();
    }
    vec![tail.to_string()]
}

/// `value：description` / `value: description` / `value`.
fn split_value(item: &str) -> (String, String) {
    let item = item.trim();
    for sep in ['：', ':'] {
        if let Some((v, d)) = item.split_once(sep) {
            let v = v.trim().trim_matches(['`', '"', '“', '”']);
            if value_like(v) {
                return (
                    v.to_string(),
                    d.trim().trim_end_matches('。').trim().to_string(),
                );
            }
        }
    }
    if let Some((v, d)) = item.split_once(" (").or_else(|| item.split_once('（')) {
        if value_like(v) {
            return (
                v.trim().to_string(),
                d.trim_end_matches([')', '）']).trim().to_string(),
            );
        }
    }
    (
        item.trim_end_matches(['。', '.']).trim().to_string(),
        String::new(),
    )
}

fn dedup(list: Vec<EnumValue>) -> Vec<EnumValue> {
    let mut out: Vec<EnumValue> = Vec::new();
    for v in list {
        if !out.iter().any(|o| o.value == v.value) {
            out.push(v);
        }
    }
    out
}

fn default_value(text: &str) -> Option<String> {
    static DEFAULT: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r#"(?:Default [Vv]alue|默认值|缺省值)\s*(?:为|是|[:：])?\s*[“"']?([A-Za-z0-9_.\-]+)|默认为\s*[“"']?([A-Za-z0-9_.\-]+)|（默认([0-9]+)）"#).unwrap()
    });
    let c = DEFAULT.captures(text)?;
    let v = c.get(1).or_else(|| c.get(2)).or_else(|| c.get(3))?.as_str();
    let v = v.trim_end_matches('.');
    (!v.is_empty()).then(|| v.to_string())
}

fn num(s: &str) -> Option<f64> {
    s.parse().ok()
}

fn constraints(text: &str) -> Constraints {
    static LEN_RANGE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?:contains?|of|长度为|长度范围为?|长度[:：]?)\s*(\d+)\s*(?:to|-|~|～|–|到|至)\s*(\d+)\s*(?:characters|个字符|字符|位)").unwrap()
    });
    static MIN_LEN: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(?:最小长度|Minimum length)\s*[:：]?\s*(\d+)").unwrap());
    static MAX_LEN: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?:最大长度|Maximum length|max(?:imum)? length of|不超过)\s*[:：]?\s*(\d+)\s*(?:个)?(?:unicode)?\s*(?:字符|characters)?").unwrap()
    });
    static RANGE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?:取值范围|范围|Value range|Valid values|Range)\s*(?:为|是|[:：])?\s*[\[（(]?\s*(-?\d+(?:\.\d+)?)\s*(?:~|～|-|–|,|，|到|至|to)\s*(-?\d+(?:\.\d+)?)").unwrap()
    });
    static MIN: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?:最小值|Minimum value|Minimum)\s*[:：]\s*(-?\d+(?:\.\d+)?)").unwrap()
    });
    static MAX: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?:最大值|Maximum value|Maximum)\s*[:：]\s*(-?\d+(?:\.\d+)?)").unwrap()
    });
    static ITEMS: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?:Valid values of N|Array length|范围限制)\s*[:：]?\s*(\d+)\s*(?:to|-|~|～|–)\s*(\d+)").unwrap()
    });
    let mut c = Constraints::default();
    if let Some(m) = LEN_RANGE.captures(text) {
        c.min_length = m[1].parse().ok();
        c.max_length = m[2].parse().ok();
    }
    if let Some(m) = MIN_LEN.captures(text) {
        c.min_length = m[1].parse().ok();
    }
    if let Some(m) = MAX_LEN.captures(text) {
        if c.max_length.is_none() {
            c.max_length = m[1].parse().ok();
        }
    }
    if let Some(m) = ITEMS.captures(text) {
        c.min_items = m[1].parse().ok();
        c.max_items = m[2].parse().ok();
    } else if let Some(m) = RANGE.captures(text) {
        let (lo, hi) = (num(&m[1]), num(&m[2]));
        if let (Some(lo), Some(hi)) = (lo, hi) {
            if lo <= hi {
                c.minimum = Some(lo);
                c.maximum = Some(hi);
            }
        }
    }
    if let Some(m) = MIN.captures(text) {
        c.minimum = num(&m[1]);
    }
    if let Some(m) = MAX.captures(text) {
        c.maximum = num(&m[1]);
    }
    c
}

/// Convert a printed default to a JSON value of the field's type; `None` when it does not
/// fit the type (then the default stays in the description only).
pub fn typed_default(printed: &str, ty: &TypeExpr) -> Option<serde_json::Value> {
    use serde_json::Value;
    match ty {
        TypeExpr::Integer | TypeExpr::Long => printed.parse::<i64>().ok().map(Value::from),
        TypeExpr::Number => printed
            .parse::<f64>()
            .ok()
            .and_then(|f| serde_json::Number::from_f64(f).map(Value::Number)),
        TypeExpr::Boolean => match printed.to_ascii_lowercase().as_str() {
            "true" => Some(Value::Bool(true)),
            "false" => Some(Value::Bool(false)),
            _ => None,
        },
        TypeExpr::String => Some(Value::String(printed.to_string())),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(d: &DescriptionInfo) -> Vec<&str> {
        d.enum_values.iter().map(|v| v.value.as_str()).collect()
    }

    #[test]
    fn types() {
        assert_eq!(parse_type("String"), DocType::Scalar(TypeExpr::String));
        assert_eq!(parse_type("int"), DocType::Scalar(TypeExpr::Integer));
        assert_eq!(parse_type("double"), DocType::Scalar(TypeExpr::Number));
        assert_eq!(parse_type("RepeatList"), DocType::RepeatList);
        assert_eq!(parse_type("Json"), DocType::Json);
        assert_eq!(parse_type("Struct"), DocType::Object { name: None });
        assert_eq!(
            parse_type("Array of ZnodeModel"),
            DocType::Array {
                item: Item::Named("ZnodeModel".into())
            }
        );
        assert_eq!(
            parse_type("Array of GetKieConfigs objects"),
            DocType::Array {
                item: Item::Named("GetKieConfigs".into())
            }
        );
        assert_eq!(
            parse_type("Array of strings"),
            DocType::Array {
                item: Item::Scalar(TypeExpr::String)
            }
        );
        assert_eq!(
            parse_type("Array of integers"),
            DocType::Array {
                item: Item::Scalar(TypeExpr::Integer)
            }
        );
        assert_eq!(
            parse_type("Array<Object>"),
            DocType::Array { item: Item::Object }
        );
        assert_eq!(
            parse_type("List<String>"),
            DocType::Array {
                item: Item::Scalar(TypeExpr::String)
            }
        );
        assert_eq!(
            parse_type("List< SingleKieInfo >"),
            DocType::Array {
                item: Item::Named("SingleKieInfo".into())
            }
        );
        assert_eq!(
            parse_type("Map<String,String>"),
            DocType::Map {
                value: Item::Scalar(TypeExpr::String)
            }
        );
        assert_eq!(
            parse_type("Map<String,EntrypointItem>"),
            DocType::Map {
                value: Item::Named("EntrypointItem".into())
            }
        );
        assert_eq!(
            parse_type("EngineRbacP wd object"),
            DocType::Object {
                name: Some("EngineRbacPwd".into())
            }
        );
        assert_eq!(
            parse_type("SingleKieInfo"),
            DocType::Object {
                name: Some("SingleKieInfo".into())
            }
        );
        assert_eq!(
            parse_type("Array of Table 6-5"),
            DocType::Array {
                item: Item::Named("Table 6-5".into())
            }
        );
        assert_eq!(
            parse_type("Map object"),
            DocType::Map {
                value: Item::Unknown
            }
        );
        assert_eq!(parse_type("File"), DocType::File);
        assert_eq!(parse_type(""), DocType::Empty);
        assert_eq!(
            parse_type("Array"),
            DocType::Array {
                item: Item::Unknown
            }
        );
    }

    #[test]
    fn required_cells() {
        assert_eq!(parse_required("是"), Some(true));
        assert_eq!(parse_required("Yes."), Some(true));
        assert_eq!(parse_required("No"), Some(false));
        assert_eq!(
            parse_required("否 使用AK/SK认证时该字段必选。"),
            Some(false)
        );
        assert_eq!(parse_required("maybe"), None);
    }

    #[test]
    fn names_lose_wrap_spaces() {
        assert_eq!(clean_name("UserRoles.N. RoleName"), "UserRoles.N.RoleName");
        assert_eq!(
            clean_name("Persistent VolumeClai mId"),
            "PersistentVolumeClaimId"
        );
        assert_eq!(clean_name("<i>[Array]</i>"), "[Array]");
    }

    #[test]
    fn li_enums_mse() {
        let d = parse_description("请求结果，取值如下： <ul style=\"list-style-type: none\"> <li><code>true</code>：请求成功。</li> <li><code>false</code>：请求失败。</li> </ul>");
        assert_eq!(values(&d), ["true", "false"]);
        assert_eq!(d.enum_values[0].description, "请求成功");
        assert_eq!(
            d.text,
            "请求结果，取值如下： true ：请求成功。 false ：请求失败。"
        );
    }

    #[test]
    fn li_enums_alikafka() {
        let d = parse_description("Valid values: <ul style=\"list-style-type: none\"> <li><b>0</b>: Ultra disk</li> <li><b>1</b>:SSD</li> </ul>");
        assert_eq!(values(&d), ["0", "1"]);
        assert_eq!(d.enum_values[1].description, "SSD");
    }

    #[test]
    fn huawei_range_without_li() {
        let d = parse_description("Overwrite policy. Range: <ul style=\"list-style-type: none\"> force: overwrites duplicate keys. abort: stops the import if duplicate keys are found. skip: skips duplicate keys. Default Value: force");
        assert_eq!(values(&d), ["force", "abort", "skip"]);
        assert_eq!(d.default.as_deref(), Some("force"));
        let d = parse_description(
            "Type. Range: <ul style=\"list-style-type: none\"> • text • yaml • json",
        );
        assert_eq!(values(&d), ["text", "yaml", "json"]);
        let d = parse_description(
            "Action. Range: <ul style=\"list-style-type: none\"> ForceDelete Rollback Retry",
        );
        assert_eq!(values(&d), ["ForceDelete", "Rollback", "Retry"]);
    }

    #[test]
    fn chinese_plain_enums() {
        let d = parse_description("协议。枚举值： TCP、UDP、HTTP、HTTPS");
        assert_eq!(values(&d), ["TCP", "UDP", "HTTP", "HTTPS"]);
        let d = parse_description("枚举值： 0：不开启； 1：开启；");
        assert_eq!(values(&d), ["0", "1"]);
        assert_eq!(d.enum_values[1].description, "开启");
    }

    #[test]
    fn unmarked_ul_lists_of_values() {
        let d = parse_description(
            "是否开启。 <ul style=\"list-style-type: none\"> • true: 开启 • false: 未开启",
        );
        assert_eq!(values(&d), ["true", "false"]);
        let d = parse_description("策略。<ul style=\"list-style-type: none\"> produce_reject: 生产受限 time_base: 自动删除");
        assert_eq!(values(&d), ["produce_reject", "time_base"]);
        let d =
            parse_description("<ul style=\"list-style-type: none\"> • 大写字母• 小写字母• 数字");
        assert!(d.enum_values.is_empty());
    }

    #[test]
    fn prose_lists_are_not_enums() {
        let d = parse_description("<p>维护时间窗开始时间。</p> <ul style=\"list-style-type: none\"> 维护时间窗开始和结束时间必须为指定的时间段。 开始时间必须为22:00:00。");
        assert!(d.enum_values.is_empty());
        let d = parse_description("节点列表信息。");
        assert!(d.enum_values.is_empty());
    }

    #[test]
    fn defaults_and_ranges() {
        let d = parse_description("每页条数。默认值为10，取值范围为1~50。");
        assert_eq!(d.default.as_deref(), Some("10"));
        assert_eq!(
            (d.constraints.minimum, d.constraints.maximum),
            (Some(1.0), Some(50.0))
        );
        let d = parse_description("名称。最小长度: 1 最大长度: 64");
        assert_eq!(
            (d.constraints.min_length, d.constraints.max_length),
            (Some(1), Some(64))
        );
        let d = parse_description("Project ID. The value contains 1 to 64 characters.");
        assert_eq!(
            (d.constraints.min_length, d.constraints.max_length),
            (Some(1), Some(64))
        );
        let d = parse_description("Format. Valid values: JSON and XML. Default value: XML.");
        assert_eq!(d.default.as_deref(), Some("XML"));
        assert_eq!(values(&d), ["JSON", "XML"]);
        let d = parse_description("Tag keys. Valid values of N: 1 to 20");
        assert_eq!(
            (d.constraints.min_items, d.constraints.max_items),
            (Some(1), Some(20))
        );
        let d = parse_description("废弃，由ConfigMapList代替");
        assert!(d.deprecated);
    }

    #[test]
    fn typed_defaults() {
        assert_eq!(
            typed_default("10", &TypeExpr::Integer),
            Some(serde_json::json!(10))
        );
        assert_eq!(typed_default("abc", &TypeExpr::Integer), None);
        assert_eq!(
            typed_default("false", &TypeExpr::Boolean),
            Some(serde_json::json!(false))
        );
    }
}
