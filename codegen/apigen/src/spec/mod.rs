//! The spec: model (IR), loading with located errors, semantic validation, JSON Schema.
pub mod load;
pub mod model;
pub mod path;
pub mod schema;
pub mod validate;
pub mod yaml11;
