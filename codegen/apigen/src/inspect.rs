//! `apigen inspect`: a flat listing of a spec for people and tools.
use crate::spec::model::Spec;
use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct Listing {
    pub service: String,
    pub operations: Vec<()>,
}

impl Listing {
    pub fn of(spec: &Spec) -> Listing {
        Listing {
            service: spec.service.name.clone(),
            operations: Vec::new(),
        }
    }
    pub fn to_text(&self) -> String {
        String::new()
    }
}
