//! The `<service>-server` crate: a trait with one async method per operation (default body:
//! the vendor's `NotImplemented` error), and the router that reads, checks and decodes each
//! request against the spec (`src/schema.json`) before calling it.
//!
//! Per-operation code is one trait method and one registration line; reading and checking
//! parameters is data-driven in the runtime (`apigen_runtime::server::validate`), which keeps
//! these crates cheap to compile.

use std::collections::BTreeMap;

use super::lower::ServiceModel;
use super::models::doc_lines;
use crate::spec::model::Spec;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// The Huawei validation-code prefix (`DMS` for `DMS.00400000`): the prefix most of the
/// document's error codes carry, else the product code.
pub fn huawei_code_prefix(spec: &Spec) -> String {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for e in &spec.service.error_codes {
        if let Some((prefix, _)) = e.code.split_once('.') {
            *counts.entry(prefix).or_default() += 1;
        }
    }
    counts
        .into_iter()
        .max_by_key(|(p, n)| (*n, std::cmp::Reverse(*p)))
        .map(|(p, _)| p.to_owned())
        .unwrap_or_else(|| {
            spec.service
                .product_code
                .clone()
                .unwrap_or_else(|| spec.service.name.clone())
                .to_ascii_uppercase()
        })
}

/// The Rust names one operation's trait method uses: method, models module, request and
/// response types.
pub struct OpIdents {
    pub method: proc_macro2::Ident,
    pub module: proc_macro2::Ident,
    pub request: proc_macro2::Ident,
    pub response: proc_macro2::Ident,
}

/// [`OpIdents`] of every operation, in spec order (method names as the client's).
pub fn op_idents(sm: &ServiceModel) -> Vec<OpIdents> {
    sm.operations
        .iter()
        .map(|o| OpIdents {
            method: format_ident!("{}", o.method.trim_start_matches("r#")),
            module: o.module.clone(),
            request: o.request.clone(),
            response: o.response.clone(),
        })
        .collect()
}

/// `src/lib.rs` of the server crate.
pub fn emit_lib(sm: &ServiceModel) -> TokenStream {
    let spec = sm.spec;
    let models = &sm.names.models_crate;
    let api = format_ident!("{}", sm.names.trait_name);
    let protocol = sm.protocol;
    let mut methods = Vec::new();
    let mut registrations = Vec::new();
    for (o, names) in sm.operations.iter().zip(op_idents(sm)) {
        let op = o.op;
        let OpIdents {
            method: m,
            module,
            request: req,
            response: resp,
        } = names;
        let id = &op.id;
        let doc = doc_lines(&o.doc);
        methods.push(quote! {
            #doc
            fn #m(
                &self,
                request: #models::#module::#req,
                call: Call,
            ) -> impl Future<Output = Result<#models::#module::#resp, ApiError>> + Send {
                async move {
                    let _ = (request, call);
                    Err(ApiError::not_implemented(#id))
                }
            }
        });
        registrations.push(quote! {
            .operation(operation(#id), {
                let api = api.clone();
                move |request, call| {
                    let api = api.clone();
                    async move { api.#m(request, call).await }
                }
            })
        });
    }
    let title = &spec.service.title;
    let trait_doc = doc_lines(&format!(
        "The operations of {title}, one method per operation of the spec.\n\n\
         Implement the ones you serve: every method has a default body answering the vendor's \
         `NotImplemented` error (HTTP 501). Requests reach a method only after they have been \
         checked against the spec (required parameters, types, enums, stated limits); a faulty \
         request gets the vendor's 4xx error body without calling it."
    ));
    let crate::protocol::ServerService {
        ty: service_ty,
        new: new_service,
        doc: service_doc,
    } = protocol.server_service(spec);
    let service_doc = doc_lines(service_doc);
    quote! {
        #![warn(missing_docs)]

        use std::future::Future;
        use std::sync::{Arc, OnceLock};

        pub use apigen_runtime::server::{ApiError, Call, Router, Verifier, #service_ty};
        use apigen_runtime::schema::{OperationSchema, ServiceSchema};
        /// The request and response models (the `models` crate of this service).
        pub use #models as models;

        #trait_doc
        pub trait #api: Send + Sync + 'static {
            #(#methods)*
        }

        /// The wire description of every operation (parameters, types, limits, response
        /// shapes), read from `schema.json` once.
        pub fn schema() -> &'static ServiceSchema {
            static SCHEMA: OnceLock<ServiceSchema> = OnceLock::new();
            SCHEMA.get_or_init(|| {
                // Written by `apigen generate` together with this file; a test parses it.
                ServiceSchema::from_json(include_str!("schema.json"))
                    .unwrap_or_else(|e| panic!("schema.json does not parse: {e}"))
            })
        }

        fn operation(id: &str) -> &'static OperationSchema {
            schema()
                .operation(id)
                .unwrap_or_else(|| panic!("schema.json lacks operation {id}"))
        }

        #service_doc
        pub fn service<T: #api>(api: T) -> #service_ty {
            let api = Arc::new(api);
            #new_service
                #(#registrations)*
        }

        /// The axum router serving `api` (with signature verification when `verifier` is set).
        pub fn router<T: #api>(api: T, verifier: Option<Verifier>) -> Router {
            service(api).verifier(verifier).into_router()
        }
    }
}

/// `tests/server.rs` of the server crate: the schema parses and names every operation, and a
/// stub that implements nothing answers `NotImplemented`, while faulty requests never reach it.
pub fn emit_tests(sm: &ServiceModel) -> TokenStream {
    let spec = sm.spec;
    let krate = format_ident!("{}_server", spec.service.name.replace('-', "_"));
    let api = format_ident!("{}", sm.names.trait_name);
    let ids: Vec<&str> = spec.operations.iter().map(|o| o.id.as_str()).collect();
    let n = ids.len();
    quote! {
        use #krate::*;

        struct Unimplemented;
        impl #api for Unimplemented {}

        #[test]
        fn schema_describes_every_operation() {
            let s = schema();
            assert_eq!(s.operations.len(), #n);
            for id in [#(#ids),*] {
                assert!(s.operation(id).is_some(), "{id}");
            }
        }

        #[test]
        fn router_builds_with_every_operation() {
            let _ = router(Unimplemented, None);
        }
    }
}
