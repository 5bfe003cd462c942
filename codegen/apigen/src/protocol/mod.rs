//! The generator's seam per vendor protocol: everything apigen decides differently for
//! Alibaba RPC and Huawei REST is a method of [`ProtocolRules`], implemented once per
//! protocol ([`alibaba_rpc`], [`huawei_rest`]) and looked up through [`rules`], the one
//! registry. No other module compares a spec's protocol with a constant.
//!
//! What a protocol decides, by layer:
//! - spec validation: where parameters may live, what the path must be;
//! - client: how a request is encoded, what is idempotent, how the client is constructed
//!   (endpoint, credentials, default signature), how responses are classified, how a
//!   documented request example is checked;
//! - server and mock: the front door (`wrap_rpc`/`wrap_rest`), how a round-trip case carries
//!   its request, the test credentials;
//! - stateful mock: which operations form a resource and how it is identified;
//! - OpenAPI export: the path, extensions, security-adjacent headers, gateway error fields;
//! - diff: how an operation is identified across versions.
//!
//! A third protocol adds one module here implementing the trait and one line in [`rules`]
//! (plus its runtime signer and classifier); see `docs/ARCHITECTURE.md`.

pub mod alibaba_rpc;
pub mod huawei_rest;
#[cfg(test)]
mod toy;

use apigen_runtime::schema::{Action, Protocol as WireProtocol};
use proc_macro2::TokenStream;
use serde_json::{Map, Value};

use crate::emit::lower::OperationModel;
use crate::emit::models::{Member, OpModel};
use crate::spec::model::{Example, Field, Operation, Protocol, Spec};
use crate::spec::validate::Problem;

/// The field names of the error body a vendor's gateway answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ErrorFields {
    pub code: &'static str,
    pub message: &'static str,
    pub request_id: &'static str,
}

/// How a generated client is constructed for a protocol.
pub struct ClientSetup {
    /// Host template (`{region_id}`, `{network}`) for regions when the spec has no
    /// `service.endpoints`: the vendor's usual pattern for the product code.
    pub endpoint_rule: String,
    /// `Credentials` expression from the environment (may use `?`).
    pub credentials_from_env: TokenStream,
    /// The default `SignatureScheme` variant (its rustdoc is the runtime's `scheme_doc!`).
    pub default_scheme: &'static str,
    /// Items added to the crate root (constants).
    pub extra_items: TokenStream,
    /// The vendor's default credentials provider chain (an `impl ProvideCredentials`).
    pub default_chain: TokenStream,
    /// The credentials scope when not the default (`Domain`: a global Huawei service).
    pub scope: Option<&'static str>,
}

/// The runtime service type a server crate builds its routes on.
pub struct ServerService {
    /// The type (`RpcService`).
    pub ty: TokenStream,
    /// Expression creating an empty one.
    pub new: TokenStream,
    /// Rustdoc of `service()`.
    pub doc: &'static str,
}

/// What a round-trip test needs to know about how a case carries its request.
pub struct CaseTokens {
    /// Field of the `Case` struct holding the request.
    pub field: TokenStream,
    /// Expression turning `case` into the validated request for `op` (round trip).
    pub decode: TokenStream,
}

/// Why a documented request example is not reproduced as a test: not a failure, the reason
/// the generated test states (`Skipped: request example at line N: …`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Skip(pub String);

impl From<String> for Skip {
    fn from(why: String) -> Self {
        Skip(why)
    }
}

impl From<&str> for Skip {
    fn from(why: &str) -> Self {
        Skip(why.to_owned())
    }
}

/// Inputs of checking one documented request example.
pub struct ExampleCheck<'a> {
    pub spec: &'a Spec,
    pub op: &'a Operation,
    pub model: &'a OpModel,
    pub members: &'a [Member],
    pub encoder: &'a proc_macro2::Ident,
    pub example: &'a Example,
}

/// A resource's identity in the stateful mock: `(id, scope, id_out)`.
pub type ResourceIdentity = (Option<String>, Vec<String>, Option<String>);

/// One vendor protocol, as the generator sees it.
pub trait ProtocolRules: Sync {
    /// The spec's name of the protocol (`alibaba-rpc`).
    fn name(&self) -> &'static str;

    // ---- spec validation ----

    /// Problems of one request parameter that only this protocol forbids (`at`: its spec path).
    fn check_parameter(&self, p: &Field, at: &str, out: &mut Vec<Problem>);
    /// Problems of one operation that only this protocol forbids (`at` is its spec path).
    fn check_operation(&self, op: &Operation, at: &str, out: &mut Vec<Problem>);
    /// Whether a service may be global (`service.endpoints.global`: signed with the account's
    /// domain id instead of a project's, Huawei's `GlobalCredentials`).
    fn has_global_services(&self) -> bool {
        false
    }

    // ---- client ----

    /// Whether repeating the call is harmless (the executor retries only those).
    fn is_idempotent(&self, op: &Operation) -> bool;
    /// Text added to the HTTP line of an operation's rustdoc (`` (`Action=X`)``).
    fn doc_call_note(&self, op: &Operation) -> String;
    /// The body of `encode::<op>`: request model `r` → `PreparedRequest`.
    fn encoder(
        &self,
        spec: &Spec,
        op: &Operation,
        model: &OpModel,
        idempotent: bool,
    ) -> TokenStream;
    /// The `apigen_runtime::ResponseClassifier` of the protocol's answers (a unit struct).
    fn response_classifier(&self) -> TokenStream;
    /// Endpoint, credentials and default signature of the generated `Client`.
    fn client_setup(&self, spec: &Spec) -> ClientSetup;
    /// A documented request example as test statements, or why it is skipped.
    fn request_example_test(&self, check: &ExampleCheck<'_>) -> Result<TokenStream, Skip>;

    // ---- README of the client crate ----

    /// The "Request" cell of an operation in the README table.
    fn readme_request(&self, op: &Operation) -> String;
    /// The region of the README's example.
    fn example_region(&self) -> &'static str;
    /// The environment variables `Credentials::from_env` reads, for the README.
    fn credentials_env_doc(&self) -> &'static str;
    /// The README paragraph on signing and errors (rendered from `templates/protocol/`).
    fn readme_signing(&self, krate: &str, region: &str) -> String;

    // ---- server, mock and their tests ----

    /// The runtime front door wrapping a handler (`wrap_rpc`/`wrap_rest`).
    fn front_door(&self) -> TokenStream;
    /// The runtime service of the server crate.
    fn server_service(&self, spec: &Spec) -> ServerService;
    /// The wire protocol written into `schema.json`.
    fn wire(&self) -> WireProtocol;
    /// Adds the request of `op`'s round-trip case (and its `source`) to `case`.
    fn round_trip_request(
        &self,
        o: &OperationModel,
        documented: Option<&Example>,
        case: &mut Map<String, Value>,
    );
    /// How the round-trip and stateful tests read a case's request.
    fn case_tokens(&self) -> CaseTokens;
    /// `credentials` completed with what this protocol's calls need (Huawei: a project id).
    fn test_credentials(&self, credentials: TokenStream) -> TokenStream;

    // ---- stateful mock ----

    /// `(operation index, resource, action)` of every operation taking part in a resource.
    fn stateful_roles(&self, spec: &Spec) -> Vec<(usize, String, Action)>;
    /// Id, scope and output id of a resource, from its create, list and member operations.
    fn resource_identity(
        &self,
        create: &Operation,
        list: Option<&Operation>,
        members: &[(usize, Action)],
        spec: &Spec,
    ) -> ResourceIdentity;
    /// The id parameter of a get/update/delete member, given the resource's id.
    fn member_id(&self, op: &Operation, resource_id: Option<&String>) -> Option<String>;

    // ---- OpenAPI export ----

    /// The OpenAPI path of an operation whose API version is `version`.
    fn openapi_path(&self, op: &Operation, version: &str) -> String;
    /// Common parameters carried by the OpenAPI path itself, not exported as parameters.
    fn path_carried_params(&self) -> &'static [&'static str];
    /// Extensions added to each exported operation.
    fn openapi_extensions(&self, op: &Operation, version: &str) -> Vec<(&'static str, Value)>;
    /// Header parameters that are authentication (a security scheme says them).
    fn auth_headers(&self) -> &'static [&'static str];
    /// The error body of the vendor's gateway (used when the document has none).
    fn gateway_error_fields(&self) -> ErrorFields;

    // ---- diff ----

    /// The identity of an operation across versions of a spec.
    fn diff_identity(&self, op: &Operation) -> String;
}

/// The registry: the rules of each protocol of the spec format.
pub fn rules(protocol: Protocol) -> &'static dyn ProtocolRules {
    match protocol {
        Protocol::AlibabaRpc => &alibaba_rpc::AlibabaRpc,
        Protocol::HuaweiRest => &huawei_rest::HuaweiRest,
    }
}

/// The rules of `spec`'s protocol.
pub fn of(spec: &Spec) -> &'static dyn ProtocolRules {
    rules(spec.service.protocol)
}

/// The product code the endpoint pattern starts with (`mse`, `dms`), else the service name.
pub(crate) fn product(spec: &Spec) -> String {
    spec.service
        .product_code
        .clone()
        .unwrap_or_else(|| spec.service.name.clone())
}
