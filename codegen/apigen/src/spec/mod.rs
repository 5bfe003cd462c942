//! The spec: model (IR), loading with located errors, and semantic validation.
pub mod model;
