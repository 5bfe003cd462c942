//! Mocks served from data alone: a [`ServiceSchema`], the documented answers and the stateful
//! plans — what a generated mock crate carries as `src/schema.json`, `src/examples.json` and
//! `src/stateful.json`, and what `apigen mock` computes from a spec in memory. No request or
//! response types are compiled: requests are read and checked by [`crate::server::validate`]
//! into their serde form (as the typed handlers do before decoding), answered by the same
//! [`Answers`] (documented example, generated value, stateful store), recorded by the same
//! [`Mock`], and served by the same front doors with the same signature verification.
//!
//! [`Mount`] puts several services on one listener: by the first label of the `Host` header
//! (`mse.localhost:4010`), by the first path segment (`/mse/...`, removed before dispatch), or,
//! with one service, everything.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, Uri};
use axum::response::Response;
use axum::Router;
use serde_json::Value;
use tower::ServiceExt as _;

use super::answers::AnswerOf;
use super::{Answers, Mock, Plan};
use crate::schema::{Protocol, ServiceSchema};
use crate::server::{
    validate, ApiError, RestResponse, RestService, RpcAnswer, RpcService, Verifier,
};

/// One service mocked from data. Clones share the recorder and the state.
#[derive(Debug, Clone)]
pub struct DataMock {
    answers: Answers,
    recorder: Mock,
    /// Huawei error-code prefix (`DMS` gives `DMS.00400000`); unused for RPC.
    code_prefix: String,
    /// The OpenAPI document shown on the page (`/_apigen/`).
    openapi: Option<&'static str>,
}

impl DataMock {
    /// A stateless mock of `schema` answering `examples` (operation id → documented body),
    /// generated values and failure draws from `seed`. `code_prefix` forms Huawei validation
    /// error codes (the generated server uses the same).
    pub fn new(
        schema: &'static ServiceSchema,
        examples: BTreeMap<String, Value>,
        seed: u64,
        code_prefix: impl Into<String>,
    ) -> Self {
        Self {
            answers: Answers::new(schema, examples, seed),
            recorder: Mock::new(seed),
            code_prefix: code_prefix.into(),
            openapi: None,
        }
    }

    /// The OpenAPI document (JSON text) the page at `/_apigen/` renders.
    pub fn with_openapi(mut self, document: &'static str) -> Self {
        self.openapi = Some(document);
        self
    }

    /// Documented bodies that disagree with their tables, answered where they fit the table
    /// (see [`Answers::with_mismatched`]).
    pub fn with_mismatched(mut self, mismatched: BTreeMap<String, Value>) -> Self {
        self.answers = self.answers.with_mismatched(mismatched);
        self
    }

    /// Stateful mode with these plans (see [`super::stateful`]).
    pub fn stateful(mut self, plans: BTreeMap<String, Plan>) -> Self {
        self.answers = self.answers.stateful(plans);
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

    /// The service name of the schema.
    pub fn name(&self) -> &str {
        &self.answers.schema().service
    }

    /// The router: every operation (recorded, overridable) plus the `/_apigen/` admin routes and
    /// page.
    pub fn router(&self, verifier: Option<Verifier>) -> Router {
        let schema = self.answers.schema();
        // Without state the answer does not depend on the input: checked where it is, no
        // input built.
        let output = match self.answers.state() {
            Some(_) => validate::Output::Build,
            None => validate::Output::CheckOnly,
        };
        let service = match schema.protocol {
            Protocol::AlibabaRpc => {
                let mut svc = RpcService::new(schema.version.clone());
                for op in &schema.operations {
                    let answers = self.answers.clone();
                    if let Some(v) = &op.version {
                        svc = svc.action_version(op.id.clone(), v.clone());
                    }
                    svc = svc.answer_handler(op.id.clone(), move |r: crate::server::RpcRequest| {
                        let out =
                            validate::rpc_checked(op, &r.params, r.validation, &r.outcome, output)
                                .and_then(|input| answers.answer_conformed(&op.id, &input))
                                .map(|answer| match answer {
                                    AnswerOf::Stateful(v) => RpcAnswer::Value(v),
                                    // Rendered once per operation (JSON and XML), shared.
                                    AnswerOf::Stateless(c) => RpcAnswer::Prepared(c.rpc()),
                                });
                        std::future::ready(out)
                    });
                }
                self.recorder.wrap_rpc(svc).verifier(verifier).into_router()
            }
            Protocol::HuaweiRest => {
                let mut svc = RestService::new(self.code_prefix.clone());
                for op in &schema.operations {
                    let answers = self.answers.clone();
                    svc = svc.route(
                        &op.method,
                        &op.path,
                        op.id.clone(),
                        op.success_status,
                        move |r: crate::server::RestRequest| {
                            let out =
                                validate::rest_checked(op, &r, r.validation, &r.outcome, output)
                                    .and_then(|input| answers.answer_conformed(&op.id, &input))
                                    .map(|answer| {
                                        match (&op.response, answer) {
                                            (None, _) => RestResponse::default(),
                                            (Some(_), AnswerOf::Stateful(body)) => RestResponse {
                                                body: Some(body),
                                                ..RestResponse::default()
                                            },
                                            // The stateless answer's bytes, shared (no copy per request).
                                            (Some(_), AnswerOf::Stateless(c)) => RestResponse {
                                                raw: Some(c.json.clone()),
                                                ..RestResponse::default()
                                            },
                                        }
                                    });
                            std::future::ready(out)
                        },
                    );
                }
                self.recorder
                    .wrap_rest(svc)
                    .verifier(verifier)
                    .into_router()
            }
        };
        service
            .merge(self.recorder.admin_router())
            .merge(super::page::router(
                &self.recorder,
                &self.answers,
                self.openapi,
            ))
    }
}

/// Several mocked services behind one listener.
#[derive(Clone)]
pub struct Mount {
    services: Arc<Vec<(String, Router)>>,
}

impl std::fmt::Debug for Mount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.services.iter().map(|(n, _)| n))
            .finish()
    }
}

impl Mount {
    /// Services by name (`mse`, `dms-kafka`), each with its router.
    pub fn new(services: Vec<(String, Router)>) -> Self {
        Self {
            services: Arc::new(services),
        }
    }

    /// One router dispatching by host label, then by path prefix; a lone service also answers
    /// every other request.
    pub fn into_router(self) -> Router {
        Router::new().fallback(move |req: Request<Body>| {
            let mount = self.clone();
            async move { mount.dispatch(req).await }
        })
    }

    async fn dispatch(&self, mut req: Request<Body>) -> Response {
        // The service, and the length of a path prefix naming it (read in place: nothing is
        // copied unless a prefix is removed).
        let chosen = {
            let host = req
                .headers()
                .get("host")
                .and_then(|h| h.to_str().ok())
                .or_else(|| req.uri().authority().map(|a| a.as_str()))
                .unwrap_or_default();
            let label = host.split(['.', ':']).next().unwrap_or_default();
            match self.services.iter().position(|(n, _)| n == label) {
                Some(i) => Some((i, None)),
                None => {
                    let path = req.uri().path();
                    let first = path.trim_start_matches('/').split('/').next().unwrap_or("");
                    match self.services.iter().position(|(n, _)| n == first) {
                        Some(i) => Some((
                            i,
                            Some(path.len() - path.trim_start_matches('/').len() + first.len()),
                        )),
                        None if self.services.len() == 1 => Some((0, None)),
                        None => None,
                    }
                }
            }
        };
        if let Some((_, Some(prefix))) = chosen {
            let rest = &req.uri().path()[prefix..];
            let rest = if rest.is_empty() { "/" } else { rest };
            let pq = match req.uri().query() {
                Some(q) => format!("{rest}?{q}"),
                None => rest.to_owned(),
            };
            if let Ok(uri) = pq.parse::<Uri>() {
                *req.uri_mut() = uri;
            }
        }
        let chosen = chosen.map(|(i, _)| self.services[i].1.clone());
        match chosen {
            Some(router) => match router.oneshot(req).await {
                Ok(r) => r,
                Err(never) => match never {},
            },
            None => {
                let names: Vec<&str> = self.services.iter().map(|(n, _)| n.as_str()).collect();
                let e = ApiError::api_not_found(req.method().as_str(), req.uri().path());
                let body = serde_json::json!({
                    "error_code": "APIGEN.0404",
                    "error_msg": format!(
                        "{}; this mock serves {} by host (`<service>.localhost`) or path prefix (`/<service>/…`)",
                        e.message,
                        names.join(", ")
                    ),
                });
                let mut resp = crate::server::errors::json_response(&body);
                *resp.status_mut() = axum::http::StatusCode::NOT_FOUND;
                resp
            }
        }
    }
}
