//! The lowered model of one service: everything the emitters need that is derived from the
//! spec, computed once per spec by [`lower`] and read by every emitter (models, client,
//! server, mock, OpenAPI export, READMEs).
//!
//! What is decided here is decided once: the Rust names of the service (trait, mock, crates),
//! each operation's method name (unique in the client), models module and types, its request
//! parameters with Rust field names, its rustdoc, its idempotency, the request members as the
//! client's tests see them, the stateful mock's plans (inferred, then settled by the
//! service's resource file) and the client's waiters drawn from them. An emitter that needs one of these reads it from
//! [`ServiceModel`]; none recomputes it.

use std::collections::BTreeMap;
use std::path::Path;

use apigen_runtime::schema::Plan;
use proc_macro2::Ident;
use quote::format_ident;

use super::models::{self, Member, OpModel};
use super::names::{self, Scope};
use super::types::{OpTypes, TypeSpace};
use crate::protocol::ProtocolRules;
use crate::spec::model::{Operation, Spec};

/// The stateful plans by operation id.
pub type Plans = BTreeMap<String, Plan>;

/// One service, lowered.
pub struct ServiceModel<'s> {
    /// Where the spec was read from (relative to the repository root), for headers and docs.
    pub spec_path: &'s str,
    pub spec: &'s Spec,
    /// The rules of the spec's protocol.
    pub protocol: &'static dyn ProtocolRules,
    pub names: ServiceNames,
    /// One per operation, in spec order.
    pub operations: Vec<OperationModel<'s>>,
    /// The nested types of the models, keyed by structure (each operation's own types are in
    /// [`OperationModel::types`]).
    pub types: TypeSpace,
    /// The stateful mock's plans by operation id.
    pub plans: Plans,
    /// The client's waiters (from the plans' describe operations and lifecycles).
    pub waiters: Vec<super::waiters::WaiterDef>,
}

/// The Rust names of a service.
#[derive(Debug, Clone)]
pub struct ServiceNames {
    /// The spec's service name (`dms-kafka`).
    pub service: String,
    /// The server trait (`DmsKafkaApi`).
    pub trait_name: String,
    /// The mock type (`DmsKafkaMock`).
    pub mock_name: String,
    /// Library names of the crates (`dms_kafka_models`, `dms_kafka_client`).
    pub models_crate: Ident,
    pub client_crate: Ident,
}

/// One operation, lowered.
pub struct OperationModel<'s> {
    pub op: &'s Operation,
    /// The client method (and encoder) name, unique in the client (maybe `r#type`).
    pub method: String,
    /// The method as an identifier (raw when `method` is).
    pub method_ident: Ident,
    /// Module, request and response type names and parameters with Rust field names.
    pub model: OpModel,
    /// `model.module`, `model.request`, `model.response` as identifiers.
    pub module: Ident,
    pub request: Ident,
    pub response: Ident,
    /// The rustdoc of the operation's client and server methods (without the idempotency
    /// note the client adds).
    pub doc: String,
    /// Whether repeating the call is harmless (the protocol decides).
    pub idempotent: bool,
    /// The request and response types and the nested types the module names.
    pub types: OpTypes,
    /// The request struct's members as `new`, the setters and the generated tests see them.
    pub members: Vec<Member>,
}

/// Why a spec could not be lowered.
#[derive(Debug, thiserror::Error)]
pub enum LowerError {
    /// The service's resource file is unreadable or does not fit the spec.
    #[error(transparent)]
    Resources(#[from] crate::infer::resources::ResourcesError),
}

/// Lowers the spec read from `spec_path`: the stateful plans are inferred and then settled by
/// the service's resource file (`specs/resources/<service>.yaml`, next to the spec).
pub fn lower<'s>(spec_path: &'s str, spec: &'s Spec) -> Result<ServiceModel<'s>, LowerError> {
    lower_at(spec_path, Path::new(spec_path), spec)
}

/// [`lower`] of a spec named `name` in the output and read from `path` (its resource file is
/// the one beside `path`).
pub fn lower_at<'s>(
    name: &'s str,
    path: &Path,
    spec: &'s Spec,
) -> Result<ServiceModel<'s>, LowerError> {
    let plans = crate::infer::plans_for(path, spec)?;
    Ok(lower_with_plans(name, spec, plans))
}

/// Lowers `spec` with the stateful plans inference alone gives (no resource file is read).
pub fn lower_inferred(spec: &Spec) -> ServiceModel<'_> {
    lower_with_plans("", spec, crate::infer::infer(spec))
}

/// Lowers `spec` with the given stateful plans (no resource file is read).
pub fn lower_with_plans<'s>(spec_path: &'s str, spec: &'s Spec, plans: Plans) -> ServiceModel<'s> {
    lower_as(spec_path, spec, crate::protocol::of(spec), plans)
}

/// Lowers `spec` under explicit protocol rules (a protocol not in the registry, in tests).
pub fn lower_as<'s>(
    spec_path: &'s str,
    spec: &'s Spec,
    protocol: &'static dyn ProtocolRules,
    plans: Plans,
) -> ServiceModel<'s> {
    let service = spec.service.name.clone();
    let type_base = names::type_name(&service);
    let lib_base = service.replace('-', "_");
    let names = ServiceNames {
        trait_name: format!("{type_base}Api"),
        mock_name: format!("{type_base}Mock"),
        models_crate: format_ident!("{lib_base}_models"),
        client_crate: format_ident!("{lib_base}_client"),
        service,
    };
    let op_models: Vec<OpModel> = spec.operations.iter().map(models::op_model).collect();
    let (types, op_types) = super::types::build(spec.operations.iter().zip(&op_models));
    let operations = spec
        .operations
        .iter()
        .zip(method_names(spec))
        .zip(op_models.into_iter().zip(op_types))
        .map(|((op, method), (model, types))| OperationModel {
            op,
            method_ident: ident(&method),
            method,
            module: format_ident!("{}", model.module),
            request: format_ident!("{}", model.request),
            response: format_ident!("{}", model.response),
            doc: super::client::operation_doc(op, protocol),
            idempotent: protocol.is_idempotent(op),
            members: models::request_members(&types),
            types,
            model,
        })
        .collect();
    let waiters = super::waiters::lower(spec, &plans);
    ServiceModel {
        spec_path,
        spec,
        protocol,
        names,
        operations,
        types,
        plans,
        waiters,
    }
}

/// Rust method name of each operation, unique in the client (the client's own method names
/// are taken first).
fn method_names(spec: &Spec) -> Vec<String> {
    let mut scope = Scope::default();
    for r in super::client::RESERVED {
        scope.unique((*r).into());
    }
    spec.operations
        .iter()
        .map(|op| scope.unique(names::field(&op.id)))
        .collect()
}

/// An identifier for a Rust name that may be raw (`r#type`).
pub fn ident(rust: &str) -> Ident {
    match rust.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, proc_macro2::Span::call_site()),
        None => format_ident!("{}", rust),
    }
}
