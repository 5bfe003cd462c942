//! apigen: cloud API reference documents → YAML specs → Rust crates.
pub mod cli;
pub mod diff;
pub mod emit;
pub mod error;
pub mod extract;
pub mod infer;
pub mod inspect;
pub mod mock;
pub mod protocol;
pub mod severity;
pub mod spec;
pub mod words;
