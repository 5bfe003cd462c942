//! JSON Schema of the spec format, generated from the Rust model.
use super::model::Spec;

pub fn json_schema() -> String {
    let schema = schemars::schema_for!(Spec);
    serde_json::to_string_pretty(&schema).expect("schema serialises")
}
