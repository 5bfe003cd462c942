//! The rule registry: every reportable change is one row here, with a stable id, a
//! severity, a direction and its mirror. `compare` only states structural facts
//! ([`RawChange`]); [`classify`] is where a fact becomes a judgement (is a new enum
//! value breaking? is a smaller maximum tighter?), so the judgement can be read in one
//! place and changed without touching the tree walk.
//!
//! Severity is judged from the point of view of someone shipping a client crate built from
//! the spec: a change is `breaking` when a caller that worked against the old spec can
//! fail against the new one (a request the server now rejects, a response the client no
//! longer understands).
//!
//! Each rule also says what the change does to the Rust API of the crates apigen generates
//! ([`RustApi`]: unchanged, additive, incompatible), which is what cargo-semver-checks
//! compares. A release's version bump takes the larger of the two (`emit::release::Bump`); the
//! table in `docs/semver.md` lists both per rule and is checked against this registry.

use super::compare::{RawChange, Scope, What};
use serde::Serialize;
use serde_json::Value;
use std::fmt;

/// How bad a change is for an existing client.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    /// Only documentation text changed.
    Docs,
    /// Existing clients keep working.
    NonBreaking,
    /// An existing client can fail.
    Breaking,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Docs => "docs",
            Severity::NonBreaking => "non-breaking",
            Severity::Breaking => "breaking",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which side of the exchange a rule is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Direction {
    Request,
    Response,
    Both,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Request => "request",
            Direction::Response => "response",
            Direction::Both => "both",
        }
    }
}

/// What a change does to the public Rust API of the generated crates (models, client, server,
/// mock), as the generator writes them: every struct and enum of values is
/// `#[non_exhaustive]`; requests and their nested types are built with `new` taking the
/// required members and a setter per optional one, responses from `Default` and their public
/// fields; the shared `types` module is `#[doc(hidden)]` (the API is each operation module's
/// names, which stay when a revision merges or splits shared types).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RustApi {
    /// No public item changes shape (docs, wire details, values of constants).
    Unchanged,
    /// Items are added (a module, field, setter, method): code that compiled still does.
    Additive,
    /// An item is removed or changes shape (a field, a `new` argument, an enum variant, a
    /// type): code written against the previous crates can stop compiling.
    Incompatible,
}

impl RustApi {
    pub fn as_str(self) -> &'static str {
        match self {
            RustApi::Unchanged => "unchanged",
            RustApi::Additive => "additive",
            RustApi::Incompatible => "incompatible",
        }
    }
}

/// What a rule becomes when old and new are swapped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mirror {
    /// Another rule (`added` ↔ `removed`, `tightened` ↔ `loosened`).
    Rule(&'static str),
    /// The same rule (a change of value: old and new just swap).
    Itself,
    /// No mirror, deliberately; the text says why.
    OneWay(&'static str),
}

/// One row of the registry.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    /// Stable kebab-case id naming subject and action.
    pub id: &'static str,
    pub severity: Severity,
    /// The change's effect on the generated crates' Rust API (see [`rust_api`] for the
    /// changes whose effect depends on the value involved).
    pub rust_api: RustApi,
    pub direction: Direction,
    pub mirror: Mirror,
    /// Short human title, used as the start of each message.
    pub title: &'static str,
}

use Direction::{Both, Request, Response};
use Mirror::Itself;
use RustApi::{Additive, Incompatible, Unchanged};
use Severity::{Breaking, Docs, NonBreaking};

const fn rule(
    id: &'static str,
    severity: Severity,
    rust_api: RustApi,
    direction: Direction,
    mirror: Mirror,
    title: &'static str,
) -> Rule {
    Rule {
        id,
        severity,
        rust_api,
        direction,
        mirror,
        title,
    }
}

const fn m(id: &'static str) -> Mirror {
    Mirror::Rule(id)
}

/// Every rule, grouped by subject. Ids are stable: tools and CI filters match on them.
#[rustfmt::skip]
pub static RULES: &[Rule] = &[
    // --- service-wide ---
    rule("endpoint-changed", Breaking, Unchanged, Both, Itself, "endpoint changed"),
    // `service.endpoints`: where clients send requests for regions not listed / for one region.
    rule("endpoint-rule-changed", Breaking, Unchanged, Both, Itself, "endpoint rule for unlisted regions changed"),
    rule("region-endpoint-changed", Breaking, Unchanged, Both, Itself, "a region's endpoint host changed"),
    // Global services are signed with the account's domain id, regional ones with a project's;
    // the generated API is the same (`RegionalClient::SCOPE`).
    rule("service-scope-changed", Breaking, Unchanged, Request, Itself, "service became global or regional"),
    rule("auth-scheme-added", NonBreaking, Unchanged, Request, m("auth-scheme-removed"), "auth scheme added"),
    // Removing a scheme breaks clients that sign with it.
    rule("auth-scheme-removed", Breaking, Unchanged, Request, m("auth-scheme-added"), "auth scheme removed"),
    rule("api-version-added", NonBreaking, Unchanged, Both, m("api-version-removed"), "API version added"),
    rule("api-version-removed", Breaking, Unchanged, Both, m("api-version-added"), "API version removed"),
    rule("error-code-added", NonBreaking, Unchanged, Response, m("error-code-removed"), "error code added"),
    // Clients match on codes, but an unknown code is already an error: not breaking.
    rule("error-code-removed", NonBreaking, Unchanged, Response, m("error-code-added"), "error code removed"),
    rule("service-title-changed", Docs, Unchanged, Both, Itself, "service title changed"),
    // --- operations ---
    rule("operation-added", NonBreaking, Additive, Both, m("operation-removed"), "operation added"),
    rule("operation-removed", Breaking, Incompatible, Both, m("operation-added"), "operation removed"),
    rule("operation-deprecated", NonBreaking, Unchanged, Both, m("operation-undeprecated"), "operation deprecated"),
    rule("operation-undeprecated", NonBreaking, Unchanged, Both, m("operation-deprecated"), "operation no longer deprecated"),
    rule("operation-method-changed", Breaking, Unchanged, Request, Itself, "HTTP method changed"),
    rule("operation-path-changed", Breaking, Unchanged, Request, Itself, "path changed"),
    // The id names the generated method: renaming it breaks callers' code.
    rule("operation-id-changed", Breaking, Incompatible, Both, Itself, "operation id changed"),
    rule("operation-version-changed", Breaking, Unchanged, Request, Itself, "API version of the operation changed"),
    rule("operation-title-changed", Docs, Unchanged, Both, Itself, "operation title changed"),
    rule("operation-description-changed", Docs, Unchanged, Both, Itself, "operation description changed"),
    rule("operation-restrictions-changed", Docs, Unchanged, Both, Itself, "operation restrictions changed"),
    // --- request ---
    rule("required-request-parameter-added", Breaking, Incompatible, Request, m("required-request-parameter-removed"), "required request parameter added"),
    rule("optional-request-parameter-added", NonBreaking, Additive, Request, m("optional-request-parameter-removed"), "optional request parameter added"),
    // The server no longer reads it, and the generated setter disappears.
    rule("required-request-parameter-removed", Breaking, Incompatible, Request, m("required-request-parameter-added"), "required request parameter removed"),
    rule("optional-request-parameter-removed", Breaking, Incompatible, Request, m("optional-request-parameter-added"), "optional request parameter removed"),
    rule("request-parameter-became-required", Breaking, Incompatible, Request, m("request-parameter-became-optional"), "request parameter became required"),
    // On the wire callers may now omit it; in Rust `new` loses the argument.
    rule("request-parameter-became-optional", NonBreaking, Incompatible, Request, m("request-parameter-became-required"), "request parameter became optional"),
    rule("request-parameter-type-changed", Breaking, Incompatible, Request, Itself, "request parameter type changed"),
    rule("request-parameter-location-changed", Breaking, Unchanged, Request, Itself, "request parameter location changed"),
    rule("request-parameter-encoding-changed", Breaking, Unchanged, Request, Itself, "request parameter encoding changed"),
    // Callers that omit the parameter silently get different behaviour.
    rule("request-parameter-default-changed", Breaking, Unchanged, Request, Itself, "request parameter default changed"),
    rule("request-parameter-enum-value-added", NonBreaking, Additive, Request, m("request-parameter-enum-value-removed"), "request parameter accepts a new value"),
    rule("request-parameter-enum-value-removed", Breaking, Incompatible, Request, m("request-parameter-enum-value-added"), "request parameter no longer accepts a value"),
    rule("request-parameter-constraint-tightened", Breaking, Unchanged, Request, m("request-parameter-constraint-loosened"), "request parameter constraint tightened"),
    rule("request-parameter-constraint-loosened", NonBreaking, Unchanged, Request, m("request-parameter-constraint-tightened"), "request parameter constraint loosened"),
    // Two patterns cannot be ordered by strictness, so a change is a change.
    rule("request-parameter-pattern-changed", Breaking, Unchanged, Request, Itself, "request parameter pattern changed"),
    rule("request-parameter-deprecated", NonBreaking, Unchanged, Request, m("request-parameter-undeprecated"), "request parameter deprecated"),
    rule("request-parameter-undeprecated", NonBreaking, Unchanged, Request, m("request-parameter-deprecated"), "request parameter no longer deprecated"),
    // Path parameters are positional on the wire; in Rust the request's field is renamed.
    rule("path-parameter-renamed", NonBreaking, Incompatible, Request, Itself, "path parameter renamed"),
    rule("request-parameter-description-changed", Docs, Unchanged, Request, Itself, "request parameter description changed"),
    rule("request-body-content-type-changed", Breaking, Unchanged, Request, Itself, "request body content type changed"),
    // --- response ---
    rule("response-status-added", NonBreaking, Additive, Response, m("response-status-removed"), "response status added"),
    rule("response-status-removed", Breaking, Incompatible, Response, m("response-status-added"), "response status removed"),
    rule("response-status-description-changed", Docs, Unchanged, Response, Itself, "response status description changed"),
    rule("response-field-added", NonBreaking, Additive, Response, m("response-field-removed"), "response field added"),
    rule("response-field-removed", Breaking, Incompatible, Response, m("response-field-added"), "response field removed"),
    rule("response-field-type-changed", Breaking, Incompatible, Response, Itself, "response field type changed"),
    rule("response-field-became-required", NonBreaking, Unchanged, Response, m("response-field-became-optional"), "response field now always present"),
    // Code that reads the field unconditionally now meets its absence.
    rule("response-field-became-optional", Breaking, Unchanged, Response, m("response-field-became-required"), "response field may now be absent"),
    // A client matching on the values meets one it does not know.
    rule("response-field-enum-value-added", Breaking, Additive, Response, m("response-field-enum-value-removed"), "response field has a new value"),
    rule("response-field-enum-value-removed", NonBreaking, Incompatible, Response, m("response-field-enum-value-added"), "response field no longer returns a value"),
    // Narrower output never surprises a client; wider output can.
    rule("response-field-constraint-tightened", NonBreaking, Unchanged, Response, m("response-field-constraint-loosened"), "response field constraint tightened"),
    rule("response-field-constraint-loosened", Breaking, Unchanged, Response, m("response-field-constraint-tightened"), "response field constraint loosened"),
    rule("response-field-deprecated", NonBreaking, Unchanged, Response, m("response-field-undeprecated"), "response field deprecated"),
    rule("response-field-undeprecated", NonBreaking, Unchanged, Response, m("response-field-deprecated"), "response field no longer deprecated"),
    rule("response-field-description-changed", Docs, Unchanged, Response, Itself, "response field description changed"),
    rule("response-body-content-type-changed", Breaking, Unchanged, Response, Itself, "response body content type changed"),
];

/// The effect of one change on the generated Rust API: the rule's, except where it depends
/// on the value involved.
pub fn rust_api(rule: &Rule, raw: &RawChange) -> RustApi {
    let body = |v: &Value| v.as_str() == Some("body");
    match raw.what {
        // A value list appearing or vanishing turns the member's type from `String` into an
        // enum of the values, or back.
        What::ConstraintChanged("enum") => RustApi::Incompatible,
        // Moving into or out of the body moves the field between the request and its body struct.
        What::LocationChanged if body(&raw.old) || body(&raw.new) => RustApi::Incompatible,
        _ => rule.rust_api,
    }
}

/// The rule with this id. Panics on an unknown id: ids come from this file only.
pub fn get(id: &str) -> &'static Rule {
    RULES
        .iter()
        .find(|r| r.id == id)
        .unwrap_or_else(|| panic!("rule `{id}` is not in the registry"))
}

/// The id of the rule a structural fact falls under.
pub fn classify(raw: &RawChange) -> &'static str {
    let req = raw.scope == Scope::Request;
    let became = |yes: &'static str, no: &'static str| {
        if raw.new == Value::Bool(true) {
            yes
        } else {
            no
        }
    };
    match raw.what {
        What::EndpointChanged => "endpoint-changed",
        What::EndpointRuleChanged => "endpoint-rule-changed",
        What::RegionEndpointChanged => "region-endpoint-changed",
        What::ServiceScopeChanged => "service-scope-changed",
        What::AuthAdded => "auth-scheme-added",
        What::AuthRemoved => "auth-scheme-removed",
        What::ApiVersionAdded => "api-version-added",
        What::ApiVersionRemoved => "api-version-removed",
        What::ErrorCodeAdded => "error-code-added",
        What::ErrorCodeRemoved => "error-code-removed",
        What::ServiceTitleChanged => "service-title-changed",
        What::OperationAdded => "operation-added",
        What::OperationRemoved => "operation-removed",
        What::OperationDeprecatedChanged => {
            became("operation-deprecated", "operation-undeprecated")
        }
        What::MethodChanged => "operation-method-changed",
        What::PathChanged => "operation-path-changed",
        What::IdChanged => "operation-id-changed",
        What::VersionChanged => "operation-version-changed",
        What::TitleChanged => "operation-title-changed",
        What::OperationDescriptionChanged => "operation-description-changed",
        What::OperationRestrictionsChanged => "operation-restrictions-changed",
        What::StatusAdded => "response-status-added",
        What::StatusRemoved => "response-status-removed",
        What::StatusDescriptionChanged => "response-status-description-changed",
        What::ContentTypeChanged if req => "request-body-content-type-changed",
        What::ContentTypeChanged => "response-body-content-type-changed",
        What::FieldAdded { required } if req => {
            if required {
                "required-request-parameter-added"
            } else {
                "optional-request-parameter-added"
            }
        }
        What::FieldAdded { .. } => "response-field-added",
        What::FieldRemoved { required } if req => {
            if required {
                "required-request-parameter-removed"
            } else {
                "optional-request-parameter-removed"
            }
        }
        What::FieldRemoved { .. } => "response-field-removed",
        What::RequiredChanged if req => became(
            "request-parameter-became-required",
            "request-parameter-became-optional",
        ),
        What::RequiredChanged => became(
            "response-field-became-required",
            "response-field-became-optional",
        ),
        What::TypeChanged if req => "request-parameter-type-changed",
        What::TypeChanged => "response-field-type-changed",
        What::LocationChanged => "request-parameter-location-changed",
        What::EncodingChanged => "request-parameter-encoding-changed",
        What::DefaultChanged => "request-parameter-default-changed",
        What::PathParameterRenamed => "path-parameter-renamed",
        // Request: the server accepts more. Response: the client may meet a value it
        // does not know.
        What::EnumValueAdded if req => "request-parameter-enum-value-added",
        What::EnumValueAdded => "response-field-enum-value-added",
        What::EnumValueRemoved if req => "request-parameter-enum-value-removed",
        What::EnumValueRemoved => "response-field-enum-value-removed",
        What::ConstraintChanged(name) => {
            let tighter = is_tighter(name, &raw.old, &raw.new);
            match (req, tighter) {
                (true, true) => "request-parameter-constraint-tightened",
                (true, false) => "request-parameter-constraint-loosened",
                (false, true) => "response-field-constraint-tightened",
                (false, false) => "response-field-constraint-loosened",
            }
        }
        What::PatternChanged => "request-parameter-pattern-changed",
        What::DeprecatedChanged if req => became(
            "request-parameter-deprecated",
            "request-parameter-undeprecated",
        ),
        What::DeprecatedChanged => {
            became("response-field-deprecated", "response-field-undeprecated")
        }
        What::DescriptionChanged if req => "request-parameter-description-changed",
        What::DescriptionChanged => "response-field-description-changed",
    }
}

/// Whether going from `old` to `new` narrows the accepted values. A bound that appears is
/// tighter; one that disappears is looser. `enum` is a constraint too: a list of values
/// appearing where any value was accepted narrows it.
fn is_tighter(name: &str, old: &Value, new: &Value) -> bool {
    let (o, n) = (old.as_f64(), new.as_f64());
    if name == "enum" {
        return old.is_null() && !new.is_null();
    }
    match (o, n) {
        (None, Some(_)) => true,
        (Some(_), None) => false,
        (Some(o), Some(n)) if name.starts_with("min") => n > o,
        (Some(o), Some(n)) => n < o,
        (None, None) => false,
    }
}

/// The one-line message of a change: the rule's title and the values involved.
pub fn message(rule: &Rule, raw: &RawChange) -> String {
    let mut msg = rule.title.to_string();
    if let What::ConstraintChanged(name) = raw.what {
        msg.push_str(&format!(" ({name})"));
    }
    let value_change = rule.mirror == Mirror::Itself;
    match (&raw.old, &raw.new) {
        (Value::Null, Value::Null) => {}
        // A value appearing or vanishing: say so, rather than show one side alone.
        (Value::Null, n) if value_change => msg.push_str(&format!(": none → {}", show(n))),
        (o, Value::Null) if value_change => msg.push_str(&format!(": {} → none", show(o))),
        (Value::Null, n) => msg.push_str(&format!(": {}", show(n))),
        (o, Value::Null) => msg.push_str(&format!(": {}", show(o))),
        // A flag flip is said by the title already.
        (Value::Bool(_), Value::Bool(_)) => {}
        (o, n) => msg.push_str(&format!(": {} → {}", show(o), show(n))),
    }
    msg
}

/// A value shown in a message: bare strings, shortened on a char boundary.
fn show(v: &Value) -> String {
    let s = match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let s = s.replace('\n', " ");
    const MAX: usize = 80;
    if s.chars().count() > MAX {
        let cut: String = s.chars().take(MAX).collect();
        format!("`{cut}…`")
    } else {
        format!("`{s}`")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn ids_are_unique_kebab_case_and_mirrors_exist() {
        let mut seen = BTreeSet::new();
        for r in RULES {
            assert!(seen.insert(r.id), "duplicate rule id {}", r.id);
            assert!(
                r.id.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "{} is not kebab-case",
                r.id
            );
            if let Mirror::Rule(m) = r.mirror {
                let back = get(m);
                assert_eq!(
                    back.mirror,
                    Mirror::Rule(r.id),
                    "{} ↔ {m} is not symmetric",
                    r.id
                );
            }
        }
    }

    #[test]
    fn bounds_order() {
        use serde_json::json;
        assert!(is_tighter("max_length", &json!(64), &json!(32)));
        assert!(!is_tighter("max_length", &json!(32), &json!(64)));
        assert!(is_tighter("minimum", &json!(1), &json!(2)));
        assert!(is_tighter("maximum", &Value::Null, &json!(2)));
        assert!(!is_tighter("min_items", &json!(1), &Value::Null));
        assert!(is_tighter("enum", &Value::Null, &json!(["a"])));
    }

    #[test]
    fn long_values_are_cut_on_char_boundaries() {
        let long = "描述".repeat(100);
        let s = show(&Value::String(long));
        assert!(s.ends_with("…`"));
        assert_eq!(s.chars().count(), 80 + 3);
    }
}
