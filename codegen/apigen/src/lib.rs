//! apigen: cloud API reference documents → YAML specs → Rust crates.
pub mod extract;
pub mod spec;
