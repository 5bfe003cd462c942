//! `tests/wire.rs` of a client crate: the wire-level differential test. The requests the
//! vendor's official SDK sent (`tests/wire/<service>.json` at the repository root, recorded by
//! `scripts/record-wire.sh`) are replayed against this client's `encode::<op>` functions by
//! `apigen_runtime::wire`; differences must be listed and argued in
//! `tests/wire/expected-differences.json`.

use proc_macro2::TokenStream;
use quote::quote;

use super::lower::ServiceModel;

pub fn emit_wire_test(sm: &ServiceModel) -> TokenStream {
    let svc = &sm.spec.service.name;
    let client_crate = &sm.names.client_crate;
    let arms = sm.operations.iter().map(|o| {
        let id = &o.op.id;
        let f = &o.method_ident;
        quote! { #id => encode_with(input, encode::#f), }
    });
    quote! {
        use apigen_runtime::wire::{encode_with, replay_service, EncodeError};
        use apigen_runtime::PreparedRequest;
        use #client_crate::encode;
        use std::path::Path;

        /// The client's encoding of operation `op` from its logical request (wire names).
        fn encode_op(op: &str, input: serde_json::Value) -> Option<Result<PreparedRequest, EncodeError>> {
            Some(match op {
                #(#arms)*
                _ => return None,
            })
        }

        #[test]
        fn requests_match_the_official_sdk_on_the_wire() {
            let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/wire");
            let report = replay_service(&dir, #svc, &encode_op).unwrap_or_else(|e| panic!("{e}"));
            println!("{}", report.summary());
            for d in &report.differences {
                println!("  {d}");
            }
            if let Err(e) = report.check_expected(&dir.join("expected-differences.json")) {
                panic!("{e}");
            }
        }
    }
}
