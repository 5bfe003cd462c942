//! JSON Schema of the spec format, generated from the Rust model.
//!
//! The checked-in copy is `specs/spec.schema.json` (`apigen schema -o
//! specs/spec.schema.json`; a test fails when it is stale). Spec files point editors at it
//! with their first line, [`SCHEMA_COMMENT`](super::load::SCHEMA_COMMENT).
use super::model::Spec;

/// The schema as pretty-printed JSON, ending in a newline (the exact file content).
pub fn json_schema() -> String {
    let schema = schemars::schema_for!(Spec);
    // A schema is plain JSON data; serialising it cannot fail.
    let mut s = serde_json::to_string_pretty(&schema).expect("schema serialises");
    s.push('\n');
    s
}
