//! Alibaba Cloud RPC: `GET|POST /?Action=X&Version=Y&…`, parameters in the query or a form
//! body, signature v1 (or V3) over them, errors in the body (`Code`/`Message`, sometimes
//! with HTTP 200 and `"Success": false`).

use apigen_runtime::schema::{Action, Protocol as WireProtocol};
use proc_macro2::TokenStream;
use quote::quote;
use serde_json::{json, Map, Value};

use super::{
    CaseTokens, ClientSetup, ErrorFields, ExampleCheck, ProtocolRules, ResourceIdentity,
    ServerService,
};
use crate::emit::lower::OperationModel;
use crate::emit::models::OpModel;
use crate::emit::{client, manifest, mock};
use crate::infer::stateful;
use crate::spec::model::{Example, Field, Location, Operation, Spec};
use crate::spec::validate::Problem;

/// RPC actions that only read (safe to retry). Everything else (Create*, Delete*, Modify*, …)
/// is marked non-idempotent so the executor does not repeat it unless asked.
const READ_PREFIXES: &[&str] = &[
    "Describe", "List", "Get", "Query", "Check", "Show", "Search",
];

/// The Alibaba RPC rules.
pub struct AlibabaRpc;

impl ProtocolRules for AlibabaRpc {
    fn name(&self) -> &'static str {
        "alibaba-rpc"
    }

    fn check_parameter(&self, p: &Field, at: &str, out: &mut Vec<Problem>) {
        if matches!(p.location, Some(Location::Path | Location::Body)) {
            out.push(Problem::error(
                format!("{at}.in"),
                "RPC operations take query or form parameters, not path or body parameters",
            ));
        }
    }

    fn check_operation(&self, op: &Operation, at: &str, out: &mut Vec<Problem>) {
        if op.path != "/" {
            out.push(Problem::error(
                format!("{at}.path"),
                format!("RPC operations use the path `/`, found `{}`", op.path),
            ));
        }
        if op.body.is_some() {
            out.push(Problem::error(
                format!("{at}.body"),
                "RPC operations take query or form parameters, not a body",
            ));
        }
    }

    fn is_idempotent(&self, op: &Operation) -> bool {
        READ_PREFIXES.iter().any(|p| op.id.starts_with(p))
    }

    fn doc_call_note(&self, op: &Operation) -> String {
        format!(" (`Action={}`)", op.id)
    }

    fn encoder(
        &self,
        spec: &Spec,
        op: &Operation,
        model: &OpModel,
        idempotent: bool,
    ) -> TokenStream {
        client::rpc_encoder(spec, op, model, idempotent)
    }

    fn response_classifier(&self) -> TokenStream {
        quote! { apigen_runtime::classify::AlibabaInBand }
    }

    fn client_setup(&self, spec: &Spec) -> ClientSetup {
        let v = spec
            .service
            .api_versions
            .first()
            .cloned()
            .unwrap_or_default();
        ClientSetup {
            // The Alibaba SDKs' `regional` endpoint rule (alibabacloud-tea-openapi
            // `get_endpoint_rules`), for specs that list no endpoints.
            endpoint_rule: format!(
                "{}{{network}}.{{region_id}}.aliyuncs.com",
                super::product(spec)
            ),
            credentials_from_env: quote! { Credentials::alibaba_from_env()? },
            default_scheme: "AlibabaV1",
            extra_items: quote! {
                /// API version sent as `Version`.
                pub const API_VERSION: &str = #v;
            },
            default_chain: quote! { apigen_runtime::credentials::alibaba::default_chain() },
            scope: None,
        }
    }

    fn request_example_test(&self, check: &ExampleCheck<'_>) -> Result<TokenStream, super::Skip> {
        client::rpc_example_test(check)
    }

    fn readme_request(&self, op: &Operation) -> String {
        format!("`{}` ({})", op.id, op.method)
    }

    fn example_region(&self) -> &'static str {
        "cn-hangzhou"
    }

    fn credentials_env_doc(&self) -> &'static str {
        "ALIBABA_CLOUD_ACCESS_KEY_ID / ALIBABA_CLOUD_ACCESS_KEY_SECRET"
    }

    fn readme_signing(&self, krate: &str, region: &str) -> String {
        manifest::render_signing(&manifest::AlibabaRpcSigning { krate, region })
    }

    fn front_door(&self) -> TokenStream {
        quote! { wrap_rpc }
    }

    fn server_service(&self, _spec: &Spec) -> ServerService {
        ServerService {
            ty: quote! { RpcService },
            new: quote! { RpcService::new(schema().version.clone()) },
            doc: "The RPC dispatch table serving `api` (`GET`/`POST /` by `Action`, and \
                  `/rpc/{version}/{action}`). Add a verifier or a body limit, then call `into_router`.",
        }
    }

    fn wire(&self) -> WireProtocol {
        WireProtocol::AlibabaRpc
    }

    fn round_trip_request(
        &self,
        o: &OperationModel,
        documented: Option<&Example>,
        case: &mut Map<String, Value>,
    ) {
        let (source, pairs) = mock::rpc_case_params(o, documented);
        case.insert("source".into(), json!(source));
        case.insert("params".into(), json!(pairs));
    }

    fn case_tokens(&self) -> CaseTokens {
        CaseTokens {
            field: quote! { params: Vec<(String, String)>, },
            decode: quote! { validate::rpc_input(op, &Params(case.params.clone())) },
        }
    }

    fn test_credentials(&self, credentials: TokenStream) -> TokenStream {
        credentials
    }

    fn stateful_roles(&self, spec: &Spec) -> Vec<(usize, String, Action)> {
        stateful::rpc_roles(spec)
    }

    fn resource_identity(
        &self,
        create: &Operation,
        list: Option<&Operation>,
        members: &[(usize, Action)],
        spec: &Spec,
    ) -> ResourceIdentity {
        stateful::rpc_identity(create, list, members, spec)
    }

    fn member_id(&self, _op: &Operation, resource_id: Option<&String>) -> Option<String> {
        resource_id.cloned()
    }

    fn openapi_path(&self, op: &Operation, version: &str) -> String {
        format!("/rpc/{version}/{}", op.id)
    }

    fn path_carried_params(&self) -> &'static [&'static str] {
        &["Action", "Version"]
    }

    fn openapi_extensions(&self, op: &Operation, version: &str) -> Vec<(&'static str, Value)> {
        vec![
            ("x-alibaba-action", json!(op.id)),
            ("x-alibaba-version", json!(version)),
        ]
    }

    fn auth_headers(&self) -> &'static [&'static str] {
        &[]
    }

    fn gateway_error_fields(&self) -> ErrorFields {
        ErrorFields {
            code: "Code",
            message: "Message",
            request_id: "RequestId",
        }
    }

    fn diff_identity(&self, op: &Operation) -> String {
        op.id.clone()
    }
}
