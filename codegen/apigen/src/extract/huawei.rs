//! Huawei REST documents (CSE, DMS Kafka).
use super::{tables::Document, Diagnostics, DocKind};
use crate::spec::model::Spec;

pub fn extract(_doc: &Document, _kind: DocKind, _diags: &mut Diagnostics) -> Spec {
    todo!("huawei extractor")
}
