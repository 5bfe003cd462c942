//! A third protocol, for tests only: it shows that a protocol is one implementation of
//! [`ProtocolRules`] and that the generator's consumers of the seam (validation, diff
//! matching, round-trip cases, the stateful inference, the client encoder) follow it without
//! an edit. "Toy query": `GET|POST /api/<Operation>`, parameters in the query, errors as
//! `{"error": …, "detail": …}`, every operation identified by its id.

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
use crate::spec::model::{Example, Field, Location, Method, Operation, Spec};
use crate::spec::validate::Problem;

pub struct ToyQuery;

impl ProtocolRules for ToyQuery {
    fn name(&self) -> &'static str {
        "toy-query"
    }
    fn check_parameter(&self, p: &Field, at: &str, out: &mut Vec<Problem>) {
        if p.location != Some(Location::Query) {
            out.push(Problem::error(
                format!("{at}.in"),
                "toy: query parameters only",
            ));
        }
    }
    fn check_operation(&self, op: &Operation, at: &str, out: &mut Vec<Problem>) {
        if op.path != format!("/api/{}", op.id) {
            out.push(Problem::error(
                format!("{at}.path"),
                "toy: the path is /api/<id>",
            ));
        }
    }
    fn is_idempotent(&self, op: &Operation) -> bool {
        op.method == Method::Get
    }
    fn doc_call_note(&self, _op: &Operation) -> String {
        String::new()
    }
    fn encoder(&self, _: &Spec, op: &Operation, model: &OpModel, idempotent: bool) -> TokenStream {
        let id = &op.id;
        let path = &op.path;
        let names = model.params.iter().map(|(_, p)| &p.name);
        let fields = model
            .params
            .iter()
            .map(|(r, _)| proc_macro2::Ident::new(r, proc_macro2::Span::call_site()));
        quote! {
            let mut req = PreparedRequest::new(#id, "GET", #path);
            req.idempotent = #idempotent;
            #( req.query.push((#names.to_owned(), r.#fields.to_string())); )*
            Ok(req)
        }
    }
    fn response_classifier(&self) -> TokenStream {
        quote! { apigen_runtime::classify::HttpStatus }
    }
    fn client_setup(&self, _: &Spec) -> ClientSetup {
        ClientSetup {
            endpoint_rule: "toy.example".into(),
            credentials_from_env: quote! { Credentials::default() },
            default_scheme: "None",
            extra_items: quote! {},
            default_chain: quote! { Credentials::default() },
            scope: None,
        }
    }
    fn request_example_test(&self, _: &ExampleCheck<'_>) -> Result<TokenStream, super::Skip> {
        Err("toy examples are not checked".into())
    }
    fn readme_request(&self, op: &Operation) -> String {
        format!("`{}`", op.id)
    }
    fn example_region(&self) -> &'static str {
        "toy-1"
    }
    fn credentials_env_doc(&self) -> &'static str {
        "nothing"
    }
    fn readme_signing(&self, _: &str, _: &str) -> String {
        "Requests are not signed.".into()
    }
    fn front_door(&self) -> TokenStream {
        quote! { wrap_rest }
    }
    fn server_service(&self, _: &Spec) -> ServerService {
        ServerService {
            ty: quote! { RestService },
            new: quote! { RestService::new("TOY") },
            doc: "The routes serving `api`.",
        }
    }
    fn wire(&self) -> WireProtocol {
        WireProtocol::HuaweiRest
    }
    fn round_trip_request(
        &self,
        o: &OperationModel,
        _: Option<&Example>,
        case: &mut Map<String, Value>,
    ) {
        let query: Vec<(String, String)> =
            o.op.parameters
                .iter()
                .filter(|p| p.required)
                .map(|p| (p.name.clone(), p.example.clone().unwrap_or_default()))
                .collect();
        case.insert("source".into(), json!("sampled"));
        case.insert("query".into(), json!(query));
    }
    fn case_tokens(&self) -> CaseTokens {
        CaseTokens {
            field: quote! { query: Vec<(String, String)>, },
            decode: quote! { validate::rpc_input(op, &Params(case.query.clone())) },
        }
    }
    fn test_credentials(&self, credentials: TokenStream) -> TokenStream {
        credentials
    }
    fn stateful_roles(&self, spec: &Spec) -> Vec<(usize, String, Action)> {
        // `New<X>` creates and `All<X>` lists resource `x`.
        let mut out = Vec::new();
        for (i, op) in spec.operations.iter().enumerate() {
            if let Some(r) = op.id.strip_prefix("New") {
                out.push((i, r.to_lowercase(), Action::Create));
            } else if let Some(r) = op.id.strip_prefix("All") {
                out.push((i, r.to_lowercase(), Action::List));
            }
        }
        out
    }
    fn resource_identity(
        &self,
        _: &Operation,
        _: Option<&Operation>,
        _: &[(usize, Action)],
        _: &Spec,
    ) -> ResourceIdentity {
        (Some("Name".into()), Vec::new(), None)
    }
    fn member_id(&self, _: &Operation, resource_id: Option<&String>) -> Option<String> {
        resource_id.cloned()
    }
    fn openapi_path(&self, op: &Operation, _: &str) -> String {
        op.path.clone()
    }
    fn path_carried_params(&self) -> &'static [&'static str] {
        &[]
    }
    fn openapi_extensions(&self, _: &Operation, _: &str) -> Vec<(&'static str, Value)> {
        Vec::new()
    }
    fn auth_headers(&self) -> &'static [&'static str] {
        &[]
    }
    fn gateway_error_fields(&self) -> ErrorFields {
        ErrorFields {
            code: "error",
            message: "detail",
            request_id: "trace",
        }
    }
    fn diff_identity(&self, op: &Operation) -> String {
        op.id.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::model::Spec;

    fn spec(ops: &str) -> Spec {
        let yaml = format!(
            "format: 1\nservice: {{name: toy, title: Toy, vendor: huawei, protocol: huawei-rest,\n  \
             source: {{document: d, title: t, revision: r, sha256: x}}}}\noperations:\n{ops}"
        );
        yaml_serde::from_str(&yaml).unwrap_or_else(|e| panic!("{e}\n{yaml}"))
    }

    const OPS: &str =
        "  - {id: NewBox, title: t, source: {line: 1}, method: POST, path: /api/NewBox,
     parameters: [{name: Name, type: string, in: query, required: true, example: b1}]}
  - {id: AllBox, title: t, source: {line: 2}, method: GET, path: /box}
";

    #[test]
    fn validation_follows_the_protocol() {
        let s = spec(OPS);
        let mut out = Vec::new();
        for (i, op) in s.operations.iter().enumerate() {
            crate::spec::validate::check_operation(
                &mut out,
                &format!("operations[#{i}]"),
                op,
                &ToyQuery,
            );
        }
        let found: Vec<(String, String)> = out.into_iter().map(|p| (p.at, p.message)).collect();
        assert_eq!(
            found,
            [(
                "operations[#1].path".to_string(),
                "toy: the path is /api/<id>".to_string()
            )]
        );
    }

    #[test]
    fn diff_matches_by_the_protocols_identity() {
        let old = spec(OPS);
        let mut new = old.clone();
        new.operations[1].path = "/api/AllBox".into();
        new.operations.reverse();
        let m = crate::diff::compare::match_operations(&old.operations, &new.operations, &ToyQuery);
        // By id (the toy's identity) despite the new path and order; not flagged as by-id.
        assert_eq!(m.old_of_new, [Some((1, false)), Some((0, false))]);
    }

    #[test]
    fn round_trip_cases_and_stateful_plans_follow_the_protocol() {
        let s = spec(OPS);
        let plans = crate::infer::stateful::infer_with(&s, &ToyQuery);
        let sm = crate::emit::lower::lower_as("", &s, &ToyQuery, plans.clone());
        let case = crate::emit::mock::case(&sm.operations[0], &ToyQuery);
        assert_eq!(case["query"], json!([["Name", "b1"]]));
        assert_eq!(plans["NewBox"].action, Action::Create);
        assert_eq!(plans["NewBox"].id.as_deref(), Some("Name"));
        assert_eq!(plans["AllBox"].action, Action::List);
    }

    #[test]
    fn the_encoder_is_the_protocols() {
        let s = spec(OPS);
        let op = &s.operations[0];
        let model = crate::emit::models::op_model(op);
        let body = ToyQuery.encoder(&s, op, &model, ToyQuery.is_idempotent(op));
        let f: syn::Block = syn::parse2(quote! {{ #body }}).expect("a block");
        let text = quote! { #f }.to_string();
        assert!(
            text.contains("\"/api/NewBox\"") && text.contains("idempotent = false"),
            "{text}"
        );
    }
}
