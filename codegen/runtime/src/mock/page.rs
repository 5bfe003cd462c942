//! The mock's page at `/_apigen/`: recorded requests (filterable by operation, status and
//! validation failures, each failure with its document line), per-operation hit counts, the
//! stateful store, and the service's OpenAPI document rendered for reading.
//!
//! The page is static HTML, CSS and JavaScript embedded in the runtime (`templates/mock-page/`,
//! no network: nothing is fetched from anywhere but the mock). It reads the JSON endpoints
//! beside it, with relative URLs so it also works under a path prefix (`/alikafka/_apigen/`
//! when `apigen mock` serves several services on one port):
//!
//! * `GET /_apigen/requests`: the records (see [`super::Recorded`]), with `status` and
//!   `violations`;
//! * `GET /_apigen/stats`: service, protocol, validation mode, operation ids and hit counts;
//! * `GET /_apigen/state`: the stateful store (`{kind: [members…]}`), `null` when stateless;
//! * `GET /_apigen/openapi.json`: the OpenAPI document, when the mock carries one.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde_json::{json, Map, Value};

use super::{Answers, Mock};
use crate::server::errors::{json_response, set_header};

/// Path of the page.
pub const PAGE: &str = "/_apigen/";
/// Path of the hit counts.
pub const STATS: &str = "/_apigen/stats";
/// Path of the stateful store's content.
pub const STATE: &str = "/_apigen/state";
/// Path of the OpenAPI document.
pub const OPENAPI: &str = "/_apigen/openapi.json";

const INDEX_HTML: &str = include_str!("../../templates/mock-page/index.html");
const PAGE_JS: &str = include_str!("../../templates/mock-page/page.js");
const PAGE_CSS: &str = include_str!("../../templates/mock-page/page.css");

fn text(body: &'static str, content_type: &'static str) -> Response {
    let mut r = body.into_response();
    set_header(&mut r, "content-type", content_type);
    set_header(&mut r, "cache-control", "no-store");
    r
}

/// What the mock's hit counts and settings look like to the page.
pub fn stats(recorder: &Mock, answers: &Answers) -> Value {
    let schema = answers.schema();
    let counts: Map<String, Value> = schema
        .operations
        .iter()
        .map(|o| (o.id.clone(), json!(recorder.count(&o.id))))
        .collect();
    json!({
        "service": schema.service,
        "protocol": schema.protocol,
        "version": schema.version,
        "validation": recorder.validation(),
        "stateful": answers.state().is_some(),
        "operations": schema.operations.iter().map(|o| json!({
            "id": o.id, "method": o.method, "path": o.path,
        })).collect::<Vec<_>>(),
        "counts": counts,
        "recorded": recorder.requests().len(),
    })
}

/// The stateful store's live records by kind, or `null` when the mock is stateless.
pub fn state(answers: &Answers) -> Value {
    let Some(st) = answers.state() else {
        return Value::Null;
    };
    let store = st.store();
    let kinds: Map<String, Value> = store
        .kinds()
        .into_iter()
        .map(|k| {
            let items: Vec<Value> = store.list(&k).into_iter().map(|r| r.value).collect();
            (k, Value::Array(items))
        })
        .collect();
    Value::Object(kinds)
}

/// The page and its JSON endpoints (merge beside [`Mock::admin_router`]). `openapi` is the
/// OpenAPI document's JSON text, when the mock carries one.
pub fn router(recorder: &Mock, answers: &Answers, openapi: Option<&'static str>) -> Router {
    let (r1, a1) = (recorder.clone(), answers.clone());
    let a2 = answers.clone();
    let index = || async { text(INDEX_HTML, "text/html; charset=utf-8") };
    Router::new()
        .route(PAGE, get(index))
        .route(
            "/_apigen",
            get(|| async {
                let mut r = StatusCode::PERMANENT_REDIRECT.into_response();
                set_header(&mut r, "location", "_apigen/");
                r
            }),
        )
        .route(
            "/_apigen/page.js",
            get(|| async { text(PAGE_JS, "text/javascript; charset=utf-8") }),
        )
        .route(
            "/_apigen/page.css",
            get(|| async { text(PAGE_CSS, "text/css; charset=utf-8") }),
        )
        .route(
            STATS,
            get(move || {
                let v = stats(&r1, &a1);
                async move { json_response(&v) }
            }),
        )
        .route(
            STATE,
            get(move || {
                let v = state(&a2);
                async move { json_response(&v) }
            }),
        )
        .route(
            OPENAPI,
            get(move || async move {
                match openapi {
                    Some(d) => {
                        let mut r = d.into_response();
                        set_header(&mut r, "content-type", "application/json");
                        r
                    }
                    None => {
                        let mut r = json_response(&Value::Null);
                        *r.status_mut() = StatusCode::NOT_FOUND;
                        r
                    }
                }
            }),
        )
}
