//! Waiters: where the stateful plans know a resource's describe operation and the lifecycle of
//! its status member (inferred from the status enum of the describe or list response, or
//! settled by the service's reviewed resource file `specs/resources/<service>.yaml`), the
//! client gets `wait_until_<resource>_<state>` (polls the describe until the final state of a
//! created resource, stops at its failure states) and, where the document names the describe's
//! not-found error, `wait_until_<resource>_deleted`. The loop itself is the runtime's
//! (`apigen_runtime::waiter`); the generated code only names the facts.
//!
//! The mock crate gets `tests/waiters.rs`: each waiter run through the generated client against
//! the stateful mock with a lifecycle clock of a few hundred milliseconds.

use std::collections::BTreeMap;

use apigen_runtime::schema::{Action, Lifecycle, Plan};
use heck::{ToShoutySnakeCase, ToSnakeCase};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

use super::lower::{OperationModel, ServiceModel};
use super::models::doc_lines;
use crate::spec::model::Spec;

/// One waiter of a client.
#[derive(Debug, Clone, PartialEq)]
pub struct WaiterDef {
    /// `instance_running`, `instance_deleted`.
    pub name: String,
    /// The resource (`v2/instances`).
    pub resource: String,
    /// The describe operation polled (`ShowInstance`).
    pub describe: String,
    /// The describe's request member naming the resource (`instance_id`).
    pub id: String,
    /// The create operation of the resource, if it has one (for the mock's test).
    pub create: Option<String>,
    /// Dotted wire path of the status in the describe's answer (`status`, `data.status`).
    pub field: String,
    /// Values that end the wait successfully (JSON text of non-strings); empty for a deletion.
    pub success: Vec<String>,
    /// Values at which the wait fails.
    pub failure: Vec<String>,
    /// The describe's documented not-found code(s).
    pub not_found: Vec<String>,
    /// Ends when the describe answers not-found.
    pub gone: bool,
    /// The lifecycle the values come from.
    pub lifecycle: Lifecycle,
    /// Where the facts come from, for the rustdoc.
    pub source: String,
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn norm(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .collect::<String>()
        .to_lowercase()
}

/// `v2/instances` → `instance`, `v2/enginemgr/engines` → `engine`.
fn noun(resource: &str) -> String {
    let last = resource.rsplit('/').next().unwrap_or(resource);
    let last = match last.strip_suffix('s') {
        Some(s) if s.len() > 2 && !s.ends_with('s') && !s.ends_with('u') => s,
        _ => last,
    };
    last.to_snake_case()
}

/// `ShowInstanceV1` → `instance_v1` (the describe's name without its verb).
fn op_noun(op: &str) -> String {
    let rest = ["Show", "Describe", "Get", "Query", "List"]
        .iter()
        .find_map(|v| op.strip_prefix(v).filter(|r| !r.is_empty()))
        .unwrap_or(op);
    rest.to_snake_case()
}

/// `RUNNING` → `running`, `Available` → `available`; a number gives `ready`.
fn state_name(v: &Value) -> String {
    match v {
        Value::String(s) if s.chars().any(|c| c.is_alphabetic()) => {
            let n = s.to_snake_case();
            if n.is_empty() {
                "ready".into()
            } else {
                n
            }
        }
        _ => "ready".into(),
    }
}

/// The waiters of `spec` given its stateful `plans` (inferred and settled).
pub fn lower(spec: &Spec, plans: &BTreeMap<String, Plan>) -> Vec<WaiterDef> {
    let inferred = crate::infer::infer(spec);
    let resource_file = format!("specs/resources/{}.yaml", spec.service.name);
    let mut by_resource: BTreeMap<&str, Vec<(&String, &Plan)>> = BTreeMap::new();
    for (op, p) in plans {
        by_resource.entry(&p.resource).or_default().push((op, p));
    }
    // (noun, describe, lifecycle, …) per resource with a describe and a lifecycle.
    let mut found = Vec::new();
    for (resource, members) in &by_resource {
        let Some((describe, get)) = members
            .iter()
            .find(|(_, p)| p.action == Action::Get && p.lifecycle.is_some() && p.id.is_some())
        else {
            continue;
        };
        if !spec.operations.iter().any(|o| &o.id == *describe) {
            continue;
        }
        let Some(lifecycle) = get.lifecycle.clone() else {
            continue;
        };
        let create = members
            .iter()
            .find(|(_, p)| p.action == Action::Create)
            .map(|(op, _)| (*op).clone());
        let source =
            if inferred.get(*describe).and_then(|p| p.lifecycle.as_ref()) == Some(&lifecycle) {
                "inferred from the status enum in the document's tables".to_owned()
            } else {
                format!("settled by the reviewed `{resource_file}` (evidence there)")
            };
        found.push((
            noun(resource),
            resource.to_string(),
            (*describe).clone(),
            get,
            lifecycle,
            create,
            source,
        ));
    }
    let mut out = Vec::new();
    for (noun, resource, describe, get, lifecycle, create, source) in &found {
        let shared = found.iter().filter(|f| &f.0 == noun).count() > 1;
        let noun = if shared {
            op_noun(describe)
        } else {
            noun.clone()
        };
        let field = match get.target.as_deref() {
            Some(t) if !t.is_empty() => format!("{t}.{}", lifecycle.field),
            _ => lifecycle.field.clone(),
        };
        let (deleting, creating): (Vec<&Value>, Vec<&Value>) = lifecycle
            .failed
            .iter()
            .partition(|v| norm(&text(v)).contains("delet"));
        let not_found: Vec<String> = get.not_found.iter().map(|e| e.code.clone()).collect();
        let def = |name: String, gone: bool| WaiterDef {
            name,
            resource: resource.clone(),
            describe: describe.clone(),
            id: get.id.clone().unwrap_or_default(),
            create: create.clone(),
            field: field.clone(),
            success: if gone {
                Vec::new()
            } else {
                vec![text(&lifecycle.ready)]
            },
            failure: if gone { &deleting } else { &creating }
                .iter()
                .map(|v| text(v))
                .collect(),
            not_found: not_found.clone(),
            gone,
            lifecycle: lifecycle.clone(),
            source: source.clone(),
        };
        out.push(def(
            format!("{noun}_{}", state_name(&lifecycle.ready)),
            false,
        ));
        if !not_found.is_empty() {
            out.push(def(format!("{noun}_deleted"), true));
        }
    }
    out
}

fn quoted(values: &[String]) -> String {
    values
        .iter()
        .map(|v| format!("`{v}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The client's `waiters` module (one `Waiter` constant each) and its `wait_until_*` methods.
pub fn client_items(sm: &ServiceModel) -> (TokenStream, Vec<TokenStream>) {
    let defs = &sm.waiters;
    if defs.is_empty() {
        return (quote! {}, Vec::new());
    }
    let models_crate = &sm.names.models_crate;
    let mut consts = Vec::new();
    let mut methods = Vec::new();
    for d in defs {
        let Some(OperationModel {
            method_ident: method,
            module,
            request,
            response,
            ..
        }) = sm.operations.iter().find(|o| o.op.id == d.describe)
        else {
            continue;
        };
        let constant = format_ident!("{}", d.name.to_shouty_snake_case());
        let (name, field) = (&d.name, &d.field);
        let (success, failure, not_found) = (&d.success, &d.failure, &d.not_found);
        let failure_doc = if d.failure.is_empty() {
            "No documented state ends it early.".to_owned()
        } else {
            format!("Fails at once on {}.", quoted(&d.failure))
        };
        let const_doc = doc_lines(&if d.gone {
            format!(
                "`{}` is gone: [`{}`](crate::Client::{method}) answers {}. {failure_doc} \
                 The status is `{field}`; its values are {}.",
                d.resource,
                d.describe,
                quoted(&d.not_found),
                d.source
            )
        } else {
            format!(
                "`{}` is {}: `{field}` of the [`{}`](crate::Client::{method}) answer. \
                 {failure_doc} The values are {}.",
                d.resource,
                quoted(&d.success),
                d.describe,
                d.source
            )
        });
        consts.push(quote! {
            #const_doc
            pub const #constant: Waiter = Waiter {
                name: #name,
                field: #field,
                success: &[#(#success),*],
                failure: &[#(#failure),*],
                not_found: &[#(#not_found),*],
            };
        });
        let m = format_ident!("wait_until_{}", d.name);
        let pending: Vec<String> = d.lifecycle.pending.iter().map(text).collect();
        let method_doc = doc_lines(&if d.gone {
            format!(
                "Waits until the `{}` resource that `request` names is gone: calls \
                 [`Client::{method}`] until it answers {} (a deleted resource may show {} first).\n\n\
                 {failure_doc} Gives up with `WaitError::TimedOut` after `config.timeout`; any \
                 other error of the call ends the wait with `WaitError::Call`. See \
                 [`waiters::{constant}`] for where the facts come from.",
                d.resource,
                quoted(&d.not_found),
                d.lifecycle
                    .deleting
                    .as_ref()
                    .map(|v| format!("`{}`", text(v)))
                    .unwrap_or_else(|| "its last state".into()),
            )
        } else {
            format!(
                "Waits until the `{}` resource that `request` names is {}: calls \
                 [`Client::{method}`] at once, then with growing, jittered delays \
                 (`config.min_delay` doubling up to `config.max_delay`), and returns the first \
                 answer whose `{field}` is {} (a new resource is {} first).\n\n\
                 {failure_doc} Gives up with `WaitError::TimedOut` after `config.timeout`; an \
                 error of the call (after the client's retries), a not-found included, ends the \
                 wait with `WaitError::Call`. See [`waiters::{constant}`] for where the facts \
                 come from.",
                d.resource,
                quoted(&d.success),
                quoted(&d.success),
                if pending.is_empty() {
                    "in another state".to_owned()
                } else {
                    quoted(&pending)
                },
            )
        });
        let req = quote! { #models_crate::#module::#request };
        methods.push(if d.gone {
            quote! {
                #method_doc
                pub async fn #m(&self, request: &#req, config: &WaiterConfig) -> Result<(), WaitError> {
                    apigen_runtime::waiter::wait_until_gone(&waiters::#constant, config, || self.#method(request)).await
                }
            }
        } else {
            let resp = quote! { #models_crate::#module::#response };
            quote! {
                #method_doc
                pub async fn #m(&self, request: &#req, config: &WaiterConfig) -> Result<#resp, WaitError> {
                    apigen_runtime::waiter::wait(&waiters::#constant, config, || self.#method(request)).await
                }
            }
        });
    }
    let module = quote! {
        /// What the `wait_until_*` methods of [`Client`] poll for: the status member of a
        /// describe answer and the values that end the wait (`apigen_runtime::waiter`).
        pub mod waiters {
            use apigen_runtime::Waiter;

            #(#consts)*
        }
    };
    (module, methods)
}

/// `tests/waiters.rs` of the mock crate: every waiter of a resource the mock can create, through
/// the generated client against the stateful mock whose lifecycle states last 300 ms each: the
/// first poll sees a pending state (a zero timeout gives up with it), the waiter then ends in
/// the final state; a deletion waiter ends once the describe answers not-found.
pub fn emit_test(sm: &ServiceModel) -> Option<TokenStream> {
    let (plans, defs) = (&sm.plans, &sm.waiters);
    let mock_crate = format_ident!("{}_mock", sm.names.service.replace('-', "_"));
    let client_crate = &sm.names.client_crate;
    let mock = format_ident!("{}", sm.names.mock_name);
    let protocol = sm.protocol;
    let input = protocol.case_tokens().decode_json;
    let credentials = protocol.test_credentials(
        quote! { apigen_runtime::Credentials::access_key("waiter-key", "waiter-secret") },
    );
    let names = |op: &str| {
        let o = sm.operations.iter().find(|o| o.op.id == op)?;
        let (module, request) = (&o.module, &o.request);
        Some((o.method_ident.clone(), quote! { #module::#request }))
    };
    let mut tests = Vec::new();
    for ready in defs.iter().filter(|d| !d.gone) {
        let Some(create_op) = &ready.create else {
            continue;
        };
        let create = &plans[create_op];
        if create.id.is_none() && create.id_out.is_none() {
            continue;
        }
        let (Some((create_m, create_req)), Some((_, describe_req))) =
            (names(create_op), names(&ready.describe))
        else {
            continue;
        };
        let describe = &ready.describe;
        let key = &ready.id;
        let wait = format_ident!("wait_until_{}", ready.name);
        let constant = format_ident!("{}", ready.name.to_shouty_snake_case());
        // A resource with no pending state is final at once: nothing to wait for.
        let Some(first_seen) = ready.lifecycle.pending.first().map(text) else {
            continue;
        };
        let ready_value = &ready.success[0];
        let deleted = defs
            .iter()
            .find(|d| d.gone && d.resource == ready.resource)
            .and_then(|d| {
                let (delete_op, delete) = plans
                    .iter()
                    .find(|(_, p)| p.resource == d.resource && p.action == Action::Delete)?;
                let delete_key = delete.id.clone()?;
                let (delete_m, delete_req) = names(delete_op)?;
                let wait_gone = format_ident!("wait_until_{}", d.name);
                let (describe_m, _) = names(describe)?;
                Some(quote! {
                    let r: #delete_req = scoped(#delete_op, &create.scope, &created_in, Some((#delete_key, &id)));
                    client.#delete_m(&r).await.unwrap_or_else(|e| panic!("{}: {e}", #delete_op));
                    client.#wait_gone(&describe, &config).await.unwrap_or_else(|e| panic!("{e}"));
                    let gone = client.#describe_m(&describe).await.expect_err("deleted");
                    assert!(#client_crate::waiters::#constant.is_not_found(&gone), "{gone}");
                })
            });
        let name = format_ident!("{wait}_passes_the_pending_states_on_the_mock");
        tests.push(quote! {
            #[tokio::test]
            async fn #name() {
                use #client_crate::models::*;
                use #client_crate::RegionalClient;
                let engine = Stateful::new(plans(), 11).with_lifecycle(LifecycleClock::uniform(STEP));
                let mock = #mock::new().with_state(engine);
                let server = mock
                    .start(Some(apigen_runtime::server::Verifier::new("waiter-key", "waiter-secret")))
                    .await
                    .unwrap();
                let client = #client_crate::Client::from_endpoint(&server.base_url, #credentials).unwrap();
                let plans = plans();
                let create = &plans[#create_op];
                let created_in = input(#create_op);
                let r: #create_req = scoped(#create_op, &[], &created_in, None);
                let created = serde_json::to_value(client.#create_m(&r).await.unwrap()).unwrap();
                let id = create
                    .id
                    .as_ref()
                    .and_then(|k| created_in.get(k).cloned())
                    .or_else(|| create.id_out.as_ref().and_then(|k| created.get(k).cloned()))
                    .expect("the create names the resource");
                let describe: #describe_req = scoped(#describe, &create.scope, &created_in, Some((#key, &id)));
                // Right after the create: pending, so a waiter out of time gives up with it.
                let early = client
                    .#wait(&describe, &WaiterConfig::with_timeout(Duration::ZERO))
                    .await
                    .expect_err("not ready yet");
                match early {
                    WaitError::TimedOut { polls, last_state, .. } => {
                        assert_eq!(polls, 1);
                        assert_eq!(last_state.as_deref(), Some(#first_seen));
                    }
                    other => panic!("{other}"),
                }
                let config = WaiterConfig::with_timeout(Duration::from_secs(20))
                    .delays(Duration::from_millis(20), Duration::from_millis(100));
                let done = client.#wait(&describe, &config).await.unwrap_or_else(|e| panic!("{e}"));
                let done = serde_json::to_value(done).unwrap();
                assert_eq!(
                    #client_crate::waiters::#constant.classify(&done),
                    State::Success,
                    "{} is {}: {done}", #describe, #ready_value
                );
                #deleted
            }
        });
    }
    if tests.is_empty() {
        return None;
    }
    Some(quote! {
        use std::time::Duration;

        use apigen_runtime::mock::{LifecycleClock, Stateful};
        use apigen_runtime::server::validate;
        use apigen_runtime::waiter::{State, WaitError, WaiterConfig};
        use #mock_crate::{plans, server, #mock};
        use serde_json::{Map, Value};

        /// How long each lifecycle state of the mock lasts.
        const STEP: Duration = Duration::from_millis(300);

        /// The checked request of `op` from the round-trip cases, as the model's serde form.
        fn input(op_id: &str) -> Map<String, Value> {
            let cases: Vec<Value> = serde_json::from_str(include_str!("cases.json")).unwrap();
            let case = cases.iter().find(|c| c["op"] == op_id).unwrap();
            let op = server::schema().operation(op_id).unwrap();
            let v = { #input }.unwrap_or_else(|e| panic!("{op_id}: {e}"));
            v.as_object().cloned().unwrap()
        }

        /// The request of `op` from the round-trip cases, sharing the create's `scope` values
        /// and naming the resource by `id` when given.
        fn scoped<T: serde::de::DeserializeOwned>(
            op: &str,
            scope: &[String],
            created_in: &Map<String, Value>,
            id: Option<(&str, &Value)>,
        ) -> T {
            let mut m = input(op);
            for k in scope {
                if let Some(v) = created_in.get(k) {
                    m.insert(k.clone(), v.clone());
                }
            }
            if let Some((k, v)) = id {
                m.insert(k.to_owned(), v.clone());
            }
            validate::into_model(op, Value::Object(m)).unwrap_or_else(|e| panic!("{op}: {e}"))
        }

        #(#tests)*
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_from_resources_and_states() {
        assert_eq!(noun("v2/instances"), "instance");
        assert_eq!(noun("v2/enginemgr/engines"), "engine");
        assert_eq!(noun("v4/registry/microservices/instances"), "instance");
        assert_eq!(noun("consumergroup"), "consumergroup");
        assert_eq!(noun("status"), "status");
        assert_eq!(op_noun("ShowInstanceV1"), "instance_v1");
        assert_eq!(
            op_noun("QueryMicroserviceEngineDetails"),
            "microservice_engine_details"
        );
        assert_eq!(state_name(&Value::from("RUNNING")), "running");
        assert_eq!(state_name(&Value::from("Available")), "available");
        assert_eq!(state_name(&Value::from(5)), "ready");
    }
}
