//! The `<service>-mock` crate: the server trait implemented with the documented examples (or
//! values generated from the response shapes), request recording and overrides, an optional
//! stateful mode, a `<service>-mock` binary, and the round-trip test that drives every
//! operation through the generated client with signature verification on.
//!
//! Data the mock answers with is written next to the code (`src/examples.json`,
//! `src/stateful.json`) rather than as Rust literals, to keep the crate cheap to compile.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use super::lower::{OperationModel, Plans, ServiceModel};
use super::server::{op_idents, OpIdents};
use crate::protocol::ProtocolRules;

use crate::spec::model::{
    Encoding, Example, ExampleFormat, Field, Location, Operation, Spec, TypeExpr,
};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// The documented JSON success examples of `op`, first to last.
fn success_examples(op: &Operation) -> impl Iterator<Item = &crate::spec::model::Example> {
    let status = super::schema::success_status(op);
    op.responses
        .iter()
        .filter(move |r| r.status == status)
        .flat_map(|r| &r.examples)
        .filter(|e| e.format == ExampleFormat::Json && e.json.is_some())
}

/// The documented success example of `op` that fits its table (the body the mock answers), if
/// any. One the spec marks `mismatch` is not answered as it is (see [`mismatched_example`]).
pub fn response_example(op: &Operation) -> Option<&Value> {
    success_examples(op)
        .find(|e| e.mismatch.is_none())
        .and_then(|e| e.json.as_ref())
}

/// The documented success example of `op` that disagrees with its table, when no example
/// fits: the mock answers the table's generated value with this example's fitting values
/// (`apigen_runtime::mock::answers::fit_example`), so a client decodes every member the table
/// has instead of an example whose unknown keys the response type would drop.
pub fn mismatched_example(op: &Operation) -> Option<&Value> {
    if response_example(op).is_some() {
        return None;
    }
    success_examples(op)
        .find(|e| e.mismatch.is_some())
        .and_then(|e| e.json.as_ref())
}

/// `src/examples.json`: operation id → documented response body.
pub fn examples_json(spec: &Spec) -> String {
    by_operation(spec, response_example)
}

/// Pretty JSON of operation id → the body `pick` chooses, for the operations it chooses one.
fn by_operation(spec: &Spec, pick: fn(&Operation) -> Option<&Value>) -> String {
    let map: BTreeMap<&str, &Value> = spec
        .operations
        .iter()
        .filter_map(|op| pick(op).map(|v| (op.id.as_str(), v)))
        .collect();
    pretty(&map)
}

/// `src/openapi.json`: the OpenAPI document of the spec, shown on the mock's page.
pub fn openapi_json(sm: &ServiceModel) -> String {
    // Compact: the page parses it, people read `openapi/<service>.json` (the same document).
    let mut s = serde_json::to_string(&crate::emit::openapi::export(sm)).unwrap_or_default();
    s.push('\n');
    s
}

/// `src/mismatched.json`: operation id → documented response body that disagrees with its
/// table (answered only where it fits the table).
pub fn mismatched_json(spec: &Spec) -> String {
    by_operation(spec, mismatched_example)
}

/// `src/stateful.json`: the inferred plans.
pub fn stateful_json(plans: &Plans) -> String {
    pretty(plans)
}

fn pretty<T: serde::Serialize>(v: &T) -> String {
    let mut s = serde_json::to_string_pretty(v).unwrap_or_default();
    s.push('\n');
    s
}

/// `src/lib.rs` of the mock crate.
pub fn emit_lib(sm: &ServiceModel) -> TokenStream {
    let spec = sm.spec;
    let server = format_ident!("{}_server", spec.service.name.replace('-', "_"));
    let models = format_ident!("models");
    let api = format_ident!("{}", sm.names.trait_name);
    let mock = format_ident!("{}", sm.names.mock_name);
    let wrap = sm.protocol.front_door();
    let mut methods = Vec::new();
    for (op, names) in spec.operations.iter().zip(op_idents(sm)) {
        let OpIdents {
            method: m,
            module,
            request: req,
            response: resp,
        } = names;
        let id = &op.id;
        let doc = format!("Answers `{id}`.");
        methods.push(quote! {
            #[doc = #doc]
            fn #m(
                &self,
                request: #models::#module::#req,
                _call: Call,
            ) -> impl Future<Output = Result<#models::#module::#resp, ApiError>> + Send {
                std::future::ready(self.answers.answer(#id, &request))
            }
        });
    }
    let title = &spec.service.title;
    let struct_doc = super::models::doc_lines(&format!(
        "A mock of {title}: answers every operation with its documented example (or a value \
         generated from the response shape, deterministic for the seed), after checking the \
         request against the spec like the server stub does.\n\n\
         It records every request and lets a test override any operation through \
         [`Self::recorder`] (fixed response, vendor error, closure, delay, failure rate). \
         Clones share the recorder and the state."
    ));
    quote! {
        #![warn(missing_docs)]

        use std::collections::BTreeMap;
        use std::future::Future;
        use std::sync::OnceLock;

        use apigen_runtime::mock::{Answers, Mock, Plan};
        use apigen_runtime::server::{spawn_test_server, ApiError, Call, Router, TestServer, Verifier};
        pub use #server::{self as server, models, #api};

        /// Documented response bodies by operation, read from `examples.json` once.
        pub fn examples() -> &'static BTreeMap<String, serde_json::Value> {
            static EXAMPLES: OnceLock<BTreeMap<String, serde_json::Value>> = OnceLock::new();
            // Written by `apigen generate` with this file; the crate's tests read it.
            EXAMPLES.get_or_init(|| {
                serde_json::from_str(include_str!("examples.json"))
                    .unwrap_or_else(|e| panic!("examples.json does not parse: {e}"))
            })
        }

        /// Documented response bodies that disagree with their tables (the spec marks them
        /// `mismatch`), read from `mismatched.json` once: answered as the table's generated
        /// value with the example's values where they fit it.
        pub fn mismatched_examples() -> &'static BTreeMap<String, serde_json::Value> {
            static MISMATCHED: OnceLock<BTreeMap<String, serde_json::Value>> = OnceLock::new();
            MISMATCHED.get_or_init(|| {
                serde_json::from_str(include_str!("mismatched.json"))
                    .unwrap_or_else(|e| panic!("mismatched.json does not parse: {e}"))
            })
        }

        /// The service's OpenAPI document (the JSON text of `openapi/<service>.json`), shown
        /// on the mock's page at `/_apigen/`.
        pub fn openapi() -> &'static str {
            include_str!("openapi.json")
        }

        /// What `--stateful` does per operation (inferred from the spec; see the README).
        pub fn plans() -> BTreeMap<String, Plan> {
            serde_json::from_str(include_str!("stateful.json"))
                .unwrap_or_else(|e| panic!("stateful.json does not parse: {e}"))
        }

        #struct_doc
        #[derive(Debug, Clone)]
        pub struct #mock {
            answers: Answers,
            recorder: Mock,
        }

        impl Default for #mock {
            fn default() -> Self {
                Self::new()
            }
        }

        impl #mock {
            /// A stateless mock with seed 0.
            pub fn new() -> Self {
                Self::with_seed(0)
            }

            /// A stateless mock whose generated values and failure draws come from `seed`.
            pub fn with_seed(seed: u64) -> Self {
                Self {
                    answers: Answers::new(server::schema(), examples().clone(), seed)
                        .with_mismatched(mismatched_examples().clone()),
                    recorder: Mock::new(seed),
                }
            }

            /// Stateful mode: create, list, describe, update and delete operations of the same
            /// resource see each other's effects (the plans are [`plans`]).
            pub fn stateful(mut self) -> Self {
                self.answers = self.answers.stateful(plans());
                self
            }

            /// Stateful mode with `engine` (built on [`plans`], with its own lifecycle clock or
            /// state file: `Stateful::new(plans(), seed).with_lifecycle(…)`).
            pub fn with_state(mut self, engine: apigen_runtime::mock::Stateful) -> Self {
                self.answers = self.answers.with_state(engine);
                self
            }

            /// The recorder: requests received, and per-operation overrides.
            pub fn recorder(&self) -> &Mock {
                &self.recorder
            }

            /// The answers (documented examples, generated values, the stateful store).
            pub fn answers(&self) -> &Answers {
                &self.answers
            }

            /// The router: the service (recording and overrides around every operation) plus
            /// the `/_apigen/requests` and `/_apigen/reset` admin routes and the mock's page at
            /// `/_apigen/` (requests, hit counts, state, the OpenAPI document). Without state,
            /// the service answers each operation from its answer rendered once.
            pub fn router(&self, verifier: Option<Verifier>) -> Router {
                self.recorder
                    .#wrap(server::service(self.clone()).constant_answers(self.answers.clone()))
                    .verifier(verifier)
                    .into_router()
                    .merge(self.recorder.admin_router())
                    .merge(apigen_runtime::mock::page::router(
                        &self.recorder,
                        &self.answers,
                        Some(openapi()),
                    ))
            }

            /// Serves the mock on 127.0.0.1 on a free port, in the background (use the
            /// returned server's `base_url`; it stops when dropped).
            pub async fn start(&self, verifier: Option<Verifier>) -> std::io::Result<TestServer> {
                spawn_test_server(self.router(verifier)).await
            }
        }

        impl #api for #mock {
            #(#methods)*
        }
    }
}

/// `src/main.rs` of the mock crate: the `<service>-mock` binary.
pub fn emit_main(sm: &ServiceModel) -> TokenStream {
    let spec = sm.spec;
    let krate = format_ident!("{}_mock", spec.service.name.replace('-', "_"));
    let mock = format_ident!("{}", sm.names.mock_name);
    let program = format!("{}-mock", spec.service.name);
    let failed = format!("{program}: {{e}}");
    quote! {
        use std::process::ExitCode;

        use apigen_runtime::server::cli::{self, CliArgs};
        use #krate::#mock;

        // Answering is allocation-heavy (JSON values in and out); glibc's allocator spent a
        // third of the mock's time in malloc/free and arena locks under load.
        #[global_allocator]
        static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

        #[tokio::main]
        async fn main() -> ExitCode {
            let args = match CliArgs::parse(std::env::args().skip(1), #program) {
                Ok(a) => a,
                Err(e) => return e.exit(""),
            };
            let mut mock = #mock::with_seed(args.seed);
            mock.recorder().set_validation(args.validation);
            match apigen_runtime::mock::Stateful::from_cli(#krate::plans(), &args) {
                Ok(Some(engine)) => mock = mock.with_state(engine),
                Ok(None) => {}
                Err(e) => return e.exit(#program),
            }
            match cli::run(&args, mock.router(args.verifier.clone())).await {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!(#failed);
                    ExitCode::FAILURE
                }
            }
        }
    }
}

/// One round-trip case: the request (RPC: wire pairs; REST: members by wire name) and where
/// it came from.
pub(crate) fn case(o: &OperationModel, protocol: &dyn ProtocolRules) -> Value {
    let op = o.op;
    let documented = op.request_examples.iter().find(|e| e.mismatch.is_none());
    let mut out = Map::new();
    out.insert("op".into(), json!(op.id));
    protocol.round_trip_request(o, documented, &mut out);
    if let Some(v) = response_example(op) {
        out.insert("response".into(), v.clone());
    }
    Value::Object(out)
}

fn case_fields(o: &OperationModel) -> Vec<Field> {
    o.model.params.iter().map(|(_, p)| p.clone()).collect()
}

/// An RPC case's request: wire pairs (the documented example's, completed with sampled
/// required parameters), and `documented` or `sampled`.
pub(crate) fn rpc_case_params(
    o: &OperationModel,
    documented: Option<&Example>,
) -> (&'static str, Vec<(String, String)>) {
    let op = o.op;
    let fields = case_fields(o);
    let mut pairs: Vec<(String, String)> = Vec::new();
    let mut source = "sampled";
    if let Some(ex) = documented.filter(|e| !e.params.is_empty()) {
        source = "documented";
        for (k, v) in &ex.params {
            let base = k.split('.').next().unwrap_or(k);
            if !apigen_runtime::rpc::is_common_param(base) && fields.iter().any(|f| f.name == base)
            {
                pairs.push((k.clone(), v.clone()));
            }
        }
    }
    for f in &fields {
        let present = pairs
            .iter()
            .any(|(k, _)| k == &f.name || k.starts_with(&format!("{}.", f.name)));
        if f.required && !present {
            let v = sample(f, op, 0);
            if f.encoding == Some(Encoding::Json) {
                pairs.push((f.name.clone(), v.to_string()));
            } else {
                flatten(&f.name, &v, &mut pairs);
            }
        }
    }
    (source, pairs)
}

/// A REST case's request: members by wire name (required and path parameters sampled, the
/// body documented where the example is usable), and `documented` or `sampled`.
pub(crate) fn rest_case_input(
    o: &OperationModel,
    documented: Option<&Example>,
) -> (&'static str, Map<String, Value>) {
    let (op, model) = (o.op, &o.model);
    let fields = case_fields(o);
    let mut input = Map::new();
    let mut source = "sampled";
    for f in &fields {
        if f.required || f.location == Some(Location::Path) {
            input.insert(f.name.clone(), sample(f, op, 0));
        }
    }
    if let (Some(b), Some(key)) = (&op.body, &model.body) {
        let key = key.trim_start_matches("r#").to_owned();
        let body = match documented.and_then(|e| e.json.clone()) {
            Some(j) if !b.content_type.starts_with("multipart/") => {
                source = "documented";
                Some(j)
            }
            _ if b.required => Some(sample_type(&b.ty, &b.fields, op, 0)),
            _ => None,
        };
        if let Some(body) = body {
            input.insert(key, body);
        }
    }
    (source, input)
}

/// `tests/cases.json`: one round-trip case per operation.
pub fn cases_json(sm: &ServiceModel) -> String {
    let cases: Vec<Value> = sm.operations.iter().map(|o| case(o, sm.protocol)).collect();
    pretty(&cases)
}

/// `Name.1.Key=value` pairs of a sampled value.
fn flatten(name: &str, v: &Value, out: &mut Vec<(String, String)>) {
    match v {
        Value::Object(m) => {
            for (k, item) in m {
                flatten(&format!("{name}.{k}"), item, out);
            }
        }
        Value::Array(a) => {
            for (i, item) in a.iter().enumerate() {
                flatten(&format!("{name}.{}", i + 1), item, out);
            }
        }
        Value::String(s) => out.push((name.to_owned(), s.clone())),
        other => out.push((name.to_owned(), other.to_string())),
    }
}

/// A valid value for a required member: the table's example, else the first documented
/// value, else a value of the type within the stated limits.
fn sample(f: &Field, op: &Operation, depth: usize) -> Value {
    if f.ty.is_scalar() {
        if let Some(e) = f.enum_values.first() {
            return scalar_from_text(&e.value, &f.ty);
        }
        if let Some(ex) = f.example.as_deref().filter(|e| !e.trim().is_empty()) {
            let v = scalar_from_text(ex.trim(), &f.ty);
            if fits(&v, f) {
                return v;
            }
        }
        let c = &f.constraints;
        return match f.ty {
            TypeExpr::Integer | TypeExpr::Long => {
                json!(c.minimum.map(|m| m.ceil() as i64).unwrap_or(1))
            }
            TypeExpr::Number => json!(c.minimum.unwrap_or(1.0)),
            TypeExpr::Boolean => json!(true),
            _ => {
                let mut s = if c.minimum.is_some() {
                    c.minimum
                        .map(|m| (m.ceil() as i64).to_string())
                        .unwrap_or_default()
                } else {
                    format!("{}-1", f.name.to_lowercase().replace(['.', ' '], "-"))
                };
                if let Some(max) = c.max_length {
                    s = s.chars().take(max.max(1) as usize).collect();
                }
                while (s.chars().count() as u64) < c.min_length.unwrap_or(0) {
                    s.push('x');
                }
                json!(s)
            }
        };
    }
    sample_type(&f.ty, &f.fields, op, depth)
}

fn fits(v: &Value, f: &Field) -> bool {
    let c = &f.constraints;
    match v {
        Value::String(s) => {
            let n = s.chars().count() as u64;
            c.min_length.is_none_or(|m| m <= n) && c.max_length.is_none_or(|m| n <= m)
        }
        Value::Number(n) => {
            let x = n.as_f64().unwrap_or(0.0);
            c.minimum.is_none_or(|m| x >= m) && c.maximum.is_none_or(|m| x <= m)
        }
        Value::Null => false,
        _ => true,
    }
}

fn scalar_from_text(t: &str, ty: &TypeExpr) -> Value {
    match ty {
        TypeExpr::Integer | TypeExpr::Long => t.parse::<i64>().map(Value::from).unwrap_or(json!(1)),
        TypeExpr::Number => t.parse::<f64>().ok().map(Value::from).unwrap_or(json!(1.0)),
        TypeExpr::Boolean => json!(!t.eq_ignore_ascii_case("false")),
        _ => json!(t),
    }
}

fn sample_type(ty: &TypeExpr, fields: &[Field], op: &Operation, depth: usize) -> Value {
    if depth > 6 {
        return json!({});
    }
    let object = |fields: &[Field]| {
        let m: Map<String, Value> = fields
            .iter()
            .filter(|f| f.required)
            .map(|f| (f.name.clone(), sample(f, op, depth + 1)))
            .collect();
        Value::Object(m)
    };
    match ty {
        TypeExpr::Array(inner) => {
            let item = match &**inner {
                t if t.is_scalar() => {
                    let mut f = Field::new("item", t.clone());
                    f.fields = fields.to_vec();
                    sample(&f, op, depth + 1)
                }
                t => sample_type(t, fields, op, depth + 1),
            };
            json!([item])
        }
        TypeExpr::Map(_) | TypeExpr::Any => json!({}),
        TypeExpr::Object => object(fields),
        TypeExpr::Named(n) => match op.types.get(n) {
            Some(t) => object(&t.fields),
            None => json!({}),
        },
        TypeExpr::File => {
            json!({"filename": "upload.json", "content_type": "application/json", "data": b"{\"data\":[]}".to_vec()})
        }
        t => sample(&Field::new("value", t.clone()), op, depth + 1),
    }
}

/// `tests/roundtrip.rs` of the mock crate.
pub fn emit_roundtrip(sm: &ServiceModel) -> TokenStream {
    let spec = sm.spec;
    let mock_crate = format_ident!("{}_mock", spec.service.name.replace('-', "_"));
    let client_crate = &sm.names.client_crate;
    let mock = format_ident!("{}", sm.names.mock_name);
    let protocol = sm.protocol;
    let credentials = protocol.test_credentials(quote! { Credentials::access_key(KEY_ID, SECRET) });
    let crate::protocol::CaseTokens {
        field: case_fields,
        decode,
        ..
    } = protocol.case_tokens();
    let use_params =
        super::mentions(&decode, "Params").then(|| quote! { use apigen_runtime::server::Params; });
    let mut calls = Vec::new();
    for o in &sm.operations {
        let m = format_ident!("{}", o.method.trim_start_matches("r#"));
        let id = &o.op.id;
        // Another product's operation goes through that product's client.
        let c = match &o.op.product {
            Some(code) => format_ident!("{}", heck::ToSnakeCase::to_snake_case(code.as_str())),
            None => format_ident!("c"),
        };
        calls.push(quote! {
            #id => check(case, &mut failures, |r| async move { #c.#m(&r).await }).await,
        });
    }
    let product_clients: Vec<TokenStream> = spec
        .service
        .products
        .iter()
        .map(|p| {
            let module = format_ident!("{}", heck::ToSnakeCase::to_snake_case(p.code.as_str()));
            let owned = format_ident!("{}_client", module);
            quote! {
                let #owned = #client_crate::#module::Client::from_endpoint(&server.base_url, #credentials).expect("client");
                let #module = &#owned;
            }
        })
        .collect();
    let n = spec.operations.len();
    let first = sm
        .operations
        .iter()
        .find(|o| o.op.product.is_none())
        .map(|o| format_ident!("{}", o.method.trim_start_matches("r#")))
        .unwrap_or_else(|| format_ident!("new"));
    quote! {
        use std::future::Future;

        use apigen_runtime::server::validate;
        #use_params
        use apigen_runtime::server::Verifier;
        use apigen_runtime::Credentials;
        use #client_crate::{Client, RegionalClient};
        use #mock_crate::#mock;
        use serde::de::DeserializeOwned;

        const KEY_ID: &str = "roundtrip-key";
        const SECRET: &str = "roundtrip-secret";

        #[derive(serde::Deserialize)]
        struct Case {
            op: String,
            source: String,
            #[serde(default)]
            #case_fields
            #[serde(default)]
            response: Option<serde_json::Value>,
        }

        /// Builds the request of `case`, calls the client, and compares the answer with the
        /// documented response (when the document has one that fits the model).
        async fn check<Req, Resp, F, Fut>(case: &Case, failures: &mut Vec<String>, call: F)
        where
            Req: DeserializeOwned,
            Resp: DeserializeOwned + serde::Serialize + PartialEq + std::fmt::Debug,
            F: FnOnce(Req) -> Fut,
            Fut: Future<Output = Result<Resp, apigen_runtime::Error>>,
        {
            let op = #mock_crate::server::schema().operation(&case.op).expect("operation in schema");
            let request: Req = match #decode
                .and_then(|v| validate::into_model(&case.op, v))
            {
                Ok(r) => r,
                Err(e) => {
                    failures.push(format!("{} ({} request) does not build: {e}", case.op, case.source));
                    return;
                }
            };
            match call(request).await {
                Err(e) => failures.push(format!("{} ({} request): {e}", case.op, case.source)),
                Ok(got) => {
                    // The RPC front door adds a `RequestId` to answers whose example lacks one, as
                    // the Alibaba gateway does.
                    let mut documented = case.response.clone();
                    if let (Some(serde_json::Value::Object(m)), Ok(serde_json::Value::Object(g))) =
                        (documented.as_mut(), serde_json::to_value(&got))
                    {
                        if let (false, Some(id)) = (m.contains_key("RequestId"), g.get("RequestId")) {
                            m.insert("RequestId".to_owned(), id.clone());
                        }
                    }
                    let expected = documented.as_ref().and_then(|v| Resp::deserialize(v).ok());
                    if let Some(expected) = expected {
                        if got != expected {
                            failures.push(format!(
                                "{}: answer differs from the documented example\n  got:      {got:?}\n  expected: {expected:?}",
                                case.op
                            ));
                        }
                    }
                }
            }
        }

        #[tokio::test]
        async fn every_operation_round_trips_through_the_client_with_signatures_verified() {
            let mock = #mock::new();
            let server = mock
                .start(Some(Verifier::new(KEY_ID, SECRET)))
                .await
                .expect("mock starts");
            let client = Client::from_endpoint(&server.base_url, #credentials).expect("client");
            let c = &client;
            #(#product_clients)*
            let cases: Vec<Case> = serde_json::from_str(include_str!("cases.json")).expect("cases.json");
            assert_eq!(cases.len(), #n);
            let mut failures = Vec::new();
            for case in &cases {
                match case.op.as_str() {
                    #(#calls)*
                    other => failures.push(format!("unknown operation {other}")),
                }
            }
            assert!(failures.is_empty(), "{} of {} operations failed:\n{}", failures.len(), cases.len(), failures.join("\n"));
            assert_eq!(mock.recorder().requests().len(), cases.len(), "every call reached the mock");
        }

        #[tokio::test]
        async fn a_wrong_secret_is_rejected() {
            let mock = #mock::new();
            let server = mock.start(Some(Verifier::new(KEY_ID, SECRET))).await.expect("mock starts");
            let wrong = Credentials::access_key(KEY_ID, "not-the-secret");
            let client = Client::from_endpoint(&server.base_url, wrong).expect("client");
            let cases: Vec<Case> = serde_json::from_str(include_str!("cases.json")).expect("cases.json");
            let mut failures = Vec::new();
            let c = &client;
            check(&cases[0], &mut failures, |r| async move { c.#first(&r).await }).await;
            assert_eq!(failures.len(), 1, "the call must fail");
            assert!(mock.recorder().requests().is_empty(), "no handler ran");
        }
    }
}

/// `tests/stateful.rs` of the mock crate: every inferred resource with a create and a list is
/// created, listed, described, deleted and listed again through the stateful answers, with
/// the round-trip cases' requests.
pub fn emit_stateful_test(sm: &ServiceModel) -> TokenStream {
    let (spec, plans) = (sm.spec, &sm.plans);
    let mock_crate = format_ident!("{}_mock", spec.service.name.replace('-', "_"));
    let mock = format_ident!("{}", sm.names.mock_name);
    let resources = plans
        .values()
        .filter(|p| p.action == apigen_runtime::schema::Action::List && p.items.is_some())
        .map(|p| p.resource.clone())
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    let creatable = plans
        .values()
        .filter(|p| p.action == apigen_runtime::schema::Action::Create)
        .count();
    let http = http_stateful_test(sm);
    let through = client_stateful_test(sm, creatable);
    quote! {
        use apigen_runtime::mock::testing::{self, Cases};
        use #mock_crate::{plans, server, #mock};
        use serde_json::Value;

        /// The round-trip cases, whose requests the runs send.
        fn cases() -> Cases<'static> {
            Cases::new(server::schema(), include_str!("cases.json"))
        }

        #http

        #through

        #[test]
        fn every_inferred_resource_sees_its_own_effects() {
            let exercised = testing::own_effects(&plans(), &cases(), || #mock::new().stateful().answers().clone());
            assert_eq!(exercised.len(), #resources, "resources exercised: {exercised:?}");
            assert!(!exercised.is_empty());
        }

        /// Over HTTP, per resource: parallel creates, every page once, describes and updates
        /// reflected, duplicate creates and missing ids refused with the documented errors.
        #[tokio::test]
        async fn every_resource_behaves_like_the_service_over_http() {
            let mock = #mock::new().stateful();
            let running = mock.start(None).await.expect("mock starts");
            let exercised = apigen_runtime::mock::stateful_check::check_resources(
                &running.base_url,
                server::schema(),
                &plans(),
                include_str!("cases.json"),
            )
            .await
            .unwrap_or_else(|problems| panic!("{} problems:\n{problems}", problems.len()));
            assert_eq!(exercised, #creatable, "resources exercised");
        }

        #[test]
        fn stateless_mode_ignores_creates() {
            let mock = #mock::new();
            assert!(mock.answers().state().is_none());
        }
    }
}

/// The stateful acceptance run through the generated client: a `Caller` with one arm per
/// operation of an inferred resource (the typed method; the page stream for a paged list), and
/// the test that runs `stateful_check` with it against the signed mock.
fn client_stateful_test(sm: &ServiceModel, creatable: usize) -> TokenStream {
    let ops: Vec<&OperationModel> = sm
        .operations
        .iter()
        .filter(|o| sm.plans.contains_key(&o.op.id))
        .collect();
    if ops.is_empty() {
        return quote! {};
    }
    let client_crate = &sm.names.client_crate;
    let mock = format_ident!("{}", sm.names.mock_name);
    let credentials = sm
        .protocol
        .test_credentials(quote! { testing::credentials() });
    let calls = ops.iter().map(|o| {
        let (id, m) = (&o.op.id, &o.method_ident);
        quote! { #id => answer(c.#m(&model(op, input)?).await), }
    });
    let paged: Vec<TokenStream> = ops
        .iter()
        .filter(|o| o.op.pagination.is_some())
        .map(|o| {
            let id = &o.op.id;
            let m = format_ident!("{}_pages", o.method.trim_start_matches("r#"));
            quote! { #id => Box::pin(async move { collect_pages(c.#m(&model(op, input)?), limit).await }), }
        })
        .collect();
    let pages = if paged.is_empty() {
        quote! {
            fn pages<'a>(&'a self, _: &'a str, _: Value, _: usize) -> Option<stateful_check::Call<'a, Vec<Value>>> {
                None
            }
        }
    } else {
        quote! {
            fn pages<'a>(&'a self, op: &'a str, input: Value, limit: usize) -> Option<stateful_check::Call<'a, Vec<Value>>> {
                use stateful_check::{collect_pages, model};
                let c = &self.0;
                let read: stateful_check::Call<'a, Vec<Value>> = match op {
                    #(#paged)*
                    _ => return None,
                };
                Some(read)
            }
        }
    };
    quote! {
        use apigen_runtime::mock::stateful_check;

        /// The generated client's typed methods by operation id, for the acceptance run.
        struct Typed(#client_crate::Client);

        impl stateful_check::Caller for Typed {
            fn call<'a>(&'a self, op: &'a str, input: Value) -> stateful_check::Call<'a, Value> {
                use stateful_check::{answer, model};
                let c = &self.0;
                Box::pin(async move {
                    match op {
                        #(#calls)*
                        _ => Err(stateful_check::CallError::client(format!("{op} is no resource operation"))),
                    }
                })
            }

            #pages
        }

        /// The same run through the generated client with signatures verified: typed requests
        /// and answers, the client's error codes, and every paged list read through the client's
        /// own page stream (alone and while other calls create and delete).
        #[tokio::test]
        async fn every_resource_behaves_like_the_service_through_the_client() {
            let mock = #mock::new().stateful();
            let running = mock.start(Some(testing::verifier())).await.expect("mock starts");
            let exercised = stateful_check::check_resources_through(
                &Typed(testing::client_of(&running, #credentials)),
                server::schema(),
                &plans(),
                include_str!("cases.json"),
            )
            .await
            .unwrap_or_else(|problems| panic!("{} problems:\n{problems}", problems.len()));
            assert_eq!(exercised, #creatable, "resources exercised");
        }
    }
}

/// The HTTP half of the stateful tests: the resource with the most operations is created,
/// listed, described and deleted through the generated client against the running stateful
/// mock, with signatures verified (e.g. alikafka topics, Huawei Kafka instances).
fn http_stateful_test(sm: &ServiceModel) -> TokenStream {
    use apigen_runtime::schema::Action;
    let (spec, plans) = (sm.spec, &sm.plans);
    let mut by_resource: BTreeMap<&str, Vec<(&String, &apigen_runtime::schema::Plan)>> =
        BTreeMap::new();
    for (op, p) in plans {
        by_resource
            .entry(p.resource.as_str())
            .or_default()
            .push((op, p));
    }
    let Some((_, members)) = by_resource
        .into_iter()
        .filter(|(_, m)| {
            // Not a resource of an API the document marks deprecated (Huawei Kafka's V1).
            let current = m.iter().all(|(op, _)| {
                spec.operations
                    .iter()
                    .any(|o| &o.id == *op && !o.deprecated)
            });
            current
                && m.iter()
                    .any(|(_, p)| p.action == Action::List && p.items.is_some())
                && m.iter().any(|(_, p)| {
                    p.action == Action::Create && (p.id.is_some() || p.id_out.is_some())
                })
        })
        .max_by_key(|(r, m)| (m.len(), std::cmp::Reverse(*r)))
    else {
        return quote! {};
    };
    let find = |a: Action| members.iter().find(|(_, p)| p.action == a).copied();
    let idents = op_idents(sm);
    let method_of = |op: &str| {
        let i = spec.operations.iter().position(|o| o.id == op).unwrap_or(0);
        let OpIdents {
            method,
            module,
            request,
            ..
        } = &idents[i];
        (method.clone(), quote! { #module::#request })
    };
    let client_crate = &sm.names.client_crate;
    let mock = format_ident!("{}", sm.names.mock_name);
    let credentials = sm
        .protocol
        .test_credentials(quote! { testing::credentials() });
    let (Some((create_op, _)), Some((list_op, list_plan))) = (
        find(Action::Create),
        find(Action::List).filter(|(_, p)| p.items.is_some()),
    ) else {
        return quote! {};
    };
    let (create_m, create_req) = method_of(create_op);
    let (list_m, list_req) = method_of(list_op);
    let items = list_plan.items.clone().unwrap_or_default();
    let by_id = |a: Action| {
        find(a).and_then(|(op, plan)| {
            let key = plan.id.clone()?;
            let (m, req) = method_of(op);
            Some((op.clone(), key, m, req))
        })
    };
    let get = by_id(Action::Get).map(|(op, key, m, req)| {
        quote! {
            if let Some(id) = &id {
                let r: #req = cases.scoped(&plans, #op, &create.scope, &created_in, Some((#key, id)));
                client.#m(&r).await.unwrap_or_else(|e| panic!("{} after {}: {e}", #op, #create_op));
            }
        }
    });
    let delete = by_id(Action::Delete).map(|(op, key, m, req)| {
        quote! {
            if let Some(id) = &id {
                let r: #req = cases.scoped(&plans, #op, &create.scope, &created_in, Some((#key, id)));
                client.#m(&r).await.unwrap_or_else(|e| panic!("{}: {e}", #op));
                assert_eq!(listed().await, 0, "{} then {}", #op, #list_op);
                let again = client.#m(&r).await.expect_err("a deleted resource is gone");
                let want = plans[#op].not_found.as_ref().map_or(404, |e| e.status);
                assert_eq!(again.as_service().map(|s| s.status), Some(want), "{again}");
            }
        }
    });
    // The id: named by the create's request, or answered by it (only needed to describe or
    // delete the resource).
    let id_binding = if get.is_some() || delete.is_some() {
        quote! { let id = testing::created_id(create, &created_in, &created); }
    } else {
        quote! { let _ = created; }
    };
    let name = format_ident!(
        "over_http_{}_sees_its_own_creates",
        members[0]
            .1
            .resource
            .replace(|c: char| !c.is_ascii_alphanumeric(), "_")
            .trim_matches('_')
            // A test name is snake case (`v3.0/OS-USER/users`).
            .to_ascii_lowercase()
    );
    quote! {
        #[tokio::test]
        async fn #name() {
            use #client_crate::models::*;
            let mock = #mock::new().stateful();
            let running = mock.start(Some(testing::verifier())).await.expect("mock starts");
            let client: #client_crate::Client = testing::client_of(&running, #credentials);
            let (plans, cases) = (plans(), cases());
            let create = &plans[#create_op];
            let created_in = cases.input(#create_op);
            let r: #create_req = cases.scoped(&plans, #create_op, &[], &created_in, None);
            let created = client.#create_m(&r).await.unwrap();
            let created = serde_json::to_value(&created).unwrap();
            #id_binding
            let listed = || async {
                let r: #list_req = cases.scoped(&plans, #list_op, &create.scope, &created_in, None);
                let answer = serde_json::to_value(client.#list_m(&r).await.unwrap()).unwrap();
                testing::path(&answer, #items).and_then(Value::as_array).map_or(0, Vec::len)
            };
            assert_eq!(listed().await, 1, "{} then {}", #create_op, #list_op);
            #get
            #delete
        }
    }
}

/// `tests/bad_requests.rs` of the mock crate: for every operation, the valid round-trip request
/// with a required parameter left out, and with a wrong-typed value, must get the vendor's 4xx
/// error naming it; unknown operations, broken JSON and oversized bodies get vendor 4xx answers;
/// nothing gets a 5xx.
pub fn emit_bad_requests_test(sm: &ServiceModel) -> TokenStream {
    let mock_crate = format_ident!("{}_mock", sm.spec.service.name.replace('-', "_"));
    let mock = format_ident!("{}", sm.names.mock_name);
    quote! {
        use #mock_crate::{server, #mock};

        #[tokio::test]
        async fn faulty_requests_get_vendor_4xx_answers_and_never_5xx() {
            let mock = #mock::new();
            let running = mock.start(None).await.expect("mock starts");
            let checked = apigen_runtime::mock::conformance::faulty_requests(
                &running.base_url,
                server::schema(),
                include_str!("cases.json"),
            )
            .await
            .unwrap_or_else(|problems| panic!("{} problems:\n{problems}", problems.len()));
            assert!(checked > 0, "no parameter fault was checked");
            assert!(mock.recorder().requests().len() >= server::schema().operations.len());
        }
    }
}

/// The README body of a mock crate.
pub fn readme_body(sm: &ServiceModel) -> String {
    let (spec, plans) = (sm.spec, &sm.plans);
    let svc = &spec.service.name;
    let mock = &sm.names.mock_name;
    let documented = spec
        .operations
        .iter()
        .filter(|o| response_example(o).is_some())
        .count();
    super::manifest::render(&super::manifest::MockUsage {
        svc,
        krate: &svc.replace('-', "_"),
        mock,
        operations: spec.operations.len(),
        documented,
        stateful_table: super::plans_table::table(plans),
    })
}
