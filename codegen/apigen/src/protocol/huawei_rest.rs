//! Huawei Cloud REST: one method and path per operation, JSON bodies, AK/SK signing
//! (`SDK-HMAC-SHA256`) or an IAM token, errors as `error_code`/`error_msg` with an HTTP
//! error status.

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
use crate::spec::model::{Example, Field, Method, Operation, Spec};
use crate::spec::validate::Problem;

/// The Huawei REST rules.
pub struct HuaweiRest;

impl ProtocolRules for HuaweiRest {
    fn name(&self) -> &'static str {
        "huawei-rest"
    }

    fn check_parameter(&self, _p: &Field, _at: &str, _out: &mut Vec<Problem>) {}

    fn check_operation(&self, _op: &Operation, _at: &str, _out: &mut Vec<Problem>) {}

    fn has_global_services(&self) -> bool {
        true
    }

    fn is_idempotent(&self, op: &Operation) -> bool {
        !matches!(op.method, Method::Post | Method::Patch)
    }

    fn doc_call_note(&self, _op: &Operation) -> String {
        String::new()
    }

    fn encoder(
        &self,
        _spec: &Spec,
        op: &Operation,
        model: &OpModel,
        _idempotent: bool,
    ) -> TokenStream {
        client::rest_encoder(op, model)
    }

    fn response_classifier(&self) -> TokenStream {
        quote! { apigen_runtime::classify::HttpStatus }
    }

    fn client_setup(&self, spec: &Spec) -> ClientSetup {
        let global = spec.service.endpoints.as_ref().is_some_and(|e| e.global);
        let (default_chain, scope) = if global {
            (
                quote! { apigen_runtime::credentials::huawei::global_chain() },
                Some("Domain"),
            )
        } else {
            (
                quote! { apigen_runtime::credentials::huawei::default_chain() },
                None,
            )
        };
        ClientSetup {
            // Huawei's `<service>.<region>.myhuaweicloud.com`, for specs that list no endpoints.
            endpoint_rule: format!("{}.{{region_id}}.myhuaweicloud.com", super::product(spec)),
            credentials_from_env: quote! { Credentials::huawei_from_env()? },
            // AK/SK; credentials holding only an IAM token are sent as `X-Auth-Token`.
            default_scheme: "HuaweiAkSk",
            extra_items: quote! {},
            default_chain,
            scope,
        }
    }

    fn request_example_test(&self, check: &ExampleCheck<'_>) -> Result<TokenStream, super::Skip> {
        client::rest_example_test(check)
    }

    fn readme_request(&self, op: &Operation) -> String {
        format!("`{} {}`", op.method, op.path)
    }

    fn example_region(&self) -> &'static str {
        "cn-north-4"
    }

    fn credentials_env_doc(&self) -> &'static str {
        "HUAWEICLOUD_SDK_AK / HUAWEICLOUD_SDK_SK (or HUAWEICLOUD_AUTH_TOKEN)"
    }

    fn readme_signing(&self, krate: &str, region: &str) -> String {
        manifest::render_signing(&manifest::HuaweiRestSigning { krate, region })
    }

    fn front_door(&self) -> TokenStream {
        quote! { wrap_rest }
    }

    fn server_service(&self, spec: &Spec) -> ServerService {
        let prefix = crate::emit::server::huawei_code_prefix(spec);
        ServerService {
            ty: quote! { RestService },
            new: quote! { RestService::new(#prefix) },
            doc:
                "The routes serving `api`, one per method and path of the spec. Add a verifier or \
                  a body limit, then call `into_router`.",
        }
    }

    fn wire(&self) -> WireProtocol {
        WireProtocol::HuaweiRest
    }

    fn round_trip_request(
        &self,
        o: &OperationModel,
        documented: Option<&Example>,
        case: &mut Map<String, Value>,
    ) {
        let (source, input) = mock::rest_case_input(o, documented);
        case.insert("source".into(), json!(source));
        case.insert("input".into(), Value::Object(input));
    }

    fn case_tokens(&self) -> CaseTokens {
        CaseTokens {
            field: quote! { input: serde_json::Map<String, serde_json::Value>, },
            decode: quote! { validate::value_input(op, &case.input) },
        }
    }

    /// A project id and a domain id: a regional client sends the one, a global client the other
    /// (neither then asks IAM, which the generated tests do not run).
    fn test_credentials(&self, credentials: TokenStream) -> TokenStream {
        quote! { #credentials.with_project_id("project-1").with_domain_id("domain-1") }
    }

    fn stateful_roles(&self, spec: &Spec) -> Vec<(usize, String, Action)> {
        stateful::rest_roles(spec)
    }

    fn resource_identity(
        &self,
        create: &Operation,
        _list: Option<&Operation>,
        members: &[(usize, Action)],
        spec: &Spec,
    ) -> ResourceIdentity {
        stateful::rest_identity(create, members, spec)
    }

    fn member_id(&self, op: &Operation, _resource_id: Option<&String>) -> Option<String> {
        stateful::last_placeholder(&op.path)
    }

    fn openapi_path(&self, op: &Operation, _version: &str) -> String {
        op.path.clone()
    }

    fn path_carried_params(&self) -> &'static [&'static str] {
        &[]
    }

    fn openapi_extensions(&self, _op: &Operation, _version: &str) -> Vec<(&'static str, Value)> {
        Vec::new()
    }

    fn auth_headers(&self) -> &'static [&'static str] {
        &["X-Auth-Token"]
    }

    fn gateway_error_fields(&self) -> ErrorFields {
        ErrorFields {
            code: "error_code",
            message: "error_msg",
            request_id: "request_id",
        }
    }

    fn diff_identity(&self, op: &Operation) -> String {
        format!(
            "{} {}",
            op.method,
            crate::diff::compare::normalize_path(&op.path)
        )
    }
}

#[cfg(test)]
mod tests {
    use crate::emit::{client::emit_lib, lower::lower_inferred};

    /// A global service's client says so to the runtime (`RegionalClient::SCOPE`, whose
    /// requests then carry `X-Domain-Id`) and reads the `[global]` profile section; a regional
    /// one keeps the defaults.
    #[test]
    fn a_global_service_client_is_domain_scoped() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../specs/cse.yaml");
        let mut spec = crate::spec::load::load_file(std::path::Path::new(path)).unwrap();
        let regional = emit_lib(&lower_inferred(&spec)).to_string();
        assert!(!regional.contains("scope ="));
        assert!(regional.contains("huawei :: default_chain ()"));
        spec.service.endpoints.as_mut().unwrap().global = true;
        assert!(crate::spec::validate::validate(&spec).is_empty());
        let global = emit_lib(&lower_inferred(&spec)).to_string();
        // `service_client!` writes `const SCOPE = Scope::Domain` from this argument.
        assert!(
            global.contains("scheme = HuaweiAkSk , scope = Domain ,"),
            "{global}"
        );
        assert!(global.contains("huawei :: global_chain ()"));
        assert!(!global.contains("huawei :: default_chain ()"));
    }
}
