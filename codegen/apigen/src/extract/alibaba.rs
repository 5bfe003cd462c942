//! Alibaba RPC documents (MSE, retailcloud, Alibaba Kafka).
use super::{tables::Document, Diagnostics, DocKind};
use crate::spec::model::Spec;

pub fn extract(_doc: &Document, _kind: DocKind, _diags: &mut Diagnostics) -> Spec {
    todo!("alibaba extractor")
}
