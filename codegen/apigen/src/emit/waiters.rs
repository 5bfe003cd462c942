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
use crate::spec::model::{EnumValue, Field, Spec};

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
    /// Values the resource shows first (the lifecycle's pending states; a deletion's deleting
    /// state).
    pub retry: Vec<String>,
    /// What the resource is called in the docs (`instance`, `engine`).
    pub noun: String,
    /// The document's words for status values that are codes (`5` → `Running`).
    pub labels: BTreeMap<String, String>,
    /// The describe's documented not-found code(s).
    pub not_found: Vec<String>,
    /// Ends when the describe answers not-found (or, `by_list`, no longer lists it).
    pub gone: bool,
    /// The service has no describe: `describe` is a list filtered by `id` (Alibaba Kafka's
    /// `GetInstanceList` by `InstanceId`), `field` runs through its items.
    pub by_list: bool,
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

/// The list of a resource that has no describe, when it filters by the resource's id (the
/// member the create names it by, or the one its deletes and updates take): the plan, with
/// that filter as its id.
fn listed_by_id(members: &[(&String, &Plan)]) -> Option<(String, Plan, bool)> {
    let (op, list) = members
        .iter()
        .find(|(_, p)| p.action == Action::List && p.lifecycle.is_some() && p.items.is_some())?;
    let key = members
        .iter()
        .find(|(_, p)| p.action == Action::Create)
        .and_then(|(_, p)| p.id.clone().or_else(|| p.id_field.clone()))
        .or_else(|| {
            members
                .iter()
                .find(|(_, p)| matches!(p.action, Action::Delete | Action::Update))
                .and_then(|(_, p)| p.id.clone())
        })?;
    let (filter, _) = list
        .filters
        .iter()
        .find(|(_, item)| norm(item) == norm(&key))?;
    let mut plan = (*list).clone();
    plan.id = Some(filter.clone());
    Some(((*op).clone(), plan, true))
}

/// `RUNNING` → `running`, `Available` → `available`; a number by the word the document's enum
/// gives it (`5` "Running" → `running`), else `ready`.
fn state_name(spec: &Spec, describe: &str, l: &Lifecycle) -> String {
    state_word(&l.ready, status_enum(spec, describe, &l.field))
}

fn state_word(v: &Value, values: Option<&[EnumValue]>) -> String {
    let word = |s: &str| {
        let n = s.to_snake_case();
        (!n.is_empty() && n.is_ascii() && n.split('_').count() <= 2).then_some(n)
    };
    match v {
        Value::String(s) if s.chars().any(|c| c.is_alphabetic()) => word(s),
        v => values
            .and_then(|values| values.iter().find(|e| e.value == text(v)))
            .and_then(|e| word(e.description.trim_end_matches('.'))),
    }
    .unwrap_or_else(|| "ready".into())
}

/// The documented values of the status member `field` in the answer of `op` (at any depth).
fn status_enum<'s>(spec: &'s Spec, op: &str, field: &str) -> Option<&'s [EnumValue]> {
    fn find<'f>(fields: &'f [Field], field: &str) -> Option<&'f Field> {
        fields
            .iter()
            .find(|f| f.name == field && !f.enum_values.is_empty())
            .or_else(|| fields.iter().find_map(|f| find(&f.fields, field)))
    }
    let op = spec.operations.iter().find(|o| o.id == op)?;
    op.responses
        .iter()
        .filter_map(|r| r.body.as_ref())
        .find_map(|b| find(&b.fields, field))
        .or_else(|| op.types.values().find_map(|t| find(&t.fields, field)))
        .map(|f| f.enum_values.as_slice())
}

/// The waiters of `spec` given its stateful `plans` (inferred and settled).
pub fn lower(spec: &Spec, plans: &BTreeMap<String, Plan>) -> Vec<WaiterDef> {
    let inferred = crate::infer::infer(spec);
    let resource_file = format!("specs/resources/{}.yaml", spec.service.name);
    let mut by_resource: BTreeMap<&str, Vec<(&String, &Plan)>> = BTreeMap::new();
    for (op, p) in plans {
        by_resource.entry(&p.resource).or_default().push((op, p));
    }
    // (noun, describe, lifecycle, …) per resource with a describe (or a list filtered by its
    // id) and a lifecycle.
    let mut found = Vec::new();
    for (resource, members) in &by_resource {
        let described = members
            .iter()
            .find(|(_, p)| p.action == Action::Get && p.lifecycle.is_some() && p.id.is_some())
            .map(|(op, p)| ((*op).clone(), (*p).clone(), false));
        let Some((describe, get, by_list)) = described.or_else(|| listed_by_id(members)) else {
            continue;
        };
        let describe = &describe;
        if !spec.operations.iter().any(|o| &o.id == describe) {
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
            if inferred.get(describe).and_then(|p| p.lifecycle.as_ref()) == Some(&lifecycle) {
                "inferred from the status enum in the document's tables".to_owned()
            } else {
                format!("settled by the reviewed `{resource_file}` (evidence there)")
            };
        let ready_name = state_name(spec, describe, &lifecycle);
        // Words for values that are codes (`5` "Running"), as the enum of the status member
        // gives them in the describe's answer, else in another answer of the resource (the
        // list's).
        let labels: BTreeMap<String, String> = std::iter::once(describe)
            .chain(members.iter().map(|(op, _)| *op))
            .find_map(|op| status_enum(spec, op, &lifecycle.field))
            .unwrap_or_default()
            .iter()
            .filter(|e| !e.value.chars().any(char::is_alphabetic))
            .filter(|e| !e.description.trim().is_empty())
            .map(|e| {
                let d = e.description.trim().trim_end_matches('.');
                (e.value.clone(), d.to_owned())
            })
            .collect();
        found.push((
            noun(resource),
            resource.to_string(),
            describe.clone(),
            get,
            lifecycle,
            create,
            source,
            (by_list, ready_name, labels),
        ));
    }
    let mut out = Vec::new();
    for (noun, resource, describe, get, lifecycle, create, source, (by_list, ready_name, labels)) in
        &found
    {
        let shared = found.iter().filter(|f| &f.0 == noun).count() > 1;
        let noun = if shared {
            op_noun(describe)
        } else {
            noun.clone()
        };
        let field = match (by_list, get.target.as_deref(), get.items.as_deref()) {
            (true, _, Some(items)) => format!("{items}[].{}", lifecycle.field),
            (false, Some(t), _) if !t.is_empty() => format!("{t}.{}", lifecycle.field),
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
            retry: if gone {
                lifecycle.deleting.iter().map(text).collect()
            } else {
                lifecycle.pending.iter().map(text).collect()
            },
            noun: noun.replace('_', " "),
            labels: labels.clone(),
            not_found: not_found.clone(),
            gone,
            by_list: *by_list,
            lifecycle: lifecycle.clone(),
            source: source.clone(),
        };
        out.push(def(format!("{noun}_{ready_name}"), false));
        if !not_found.is_empty() || *by_list {
            out.push(def(format!("{noun}_deleted"), true));
        }
    }
    out
}

/// The quoted values, each with the document's word for it, joined by `, ` and `conj`:
/// `` `0` (To be deployed), `1` (Being deployed) `` or `` `2` or `4` ``.
fn values(d: &WaiterDef, values: &[String], conj: &str) -> String {
    let one = |v: &String| match d.labels.get(v) {
        Some(word) => format!("`{v}` ({word})"),
        None => format!("`{v}`"),
    };
    match values {
        [] => String::new(),
        [only] => one(only),
        [init @ .., last] => format!(
            "{} {conj} {}",
            init.iter().map(one).collect::<Vec<_>>().join(", "),
            one(last)
        ),
    }
}

/// `` `DMS.00404022` `` or `` `A`, `B` ``.
fn quoted(values: &[String]) -> String {
    values
        .iter()
        .map(|v| format!("`{v}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The client's `waiters` module (one `Waiter` constant each, documented with the facts) and
/// its `wait_until_*` methods: one line each handing the describe call to the runtime's loop.
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
        let retry = &d.retry;
        let fails = if d.failure.is_empty() {
            "no documented state ends it early".to_owned()
        } else {
            format!(
                "{} ends it at once ([`WaitError::Failed`])",
                values(d, &d.failure, "or")
            )
        };
        let polled = if d.by_list {
            format!(
                "[`Client::{method}`] (`{}`) with `request`, filtered by `{}` (the service has \
                 no describe),",
                d.describe, d.id
            )
        } else {
            format!("[`Client::{method}`] (`{}`) with `request`", d.describe)
        };
        let first = if d.retry.is_empty() {
            String::new()
        } else {
            format!(", which is {} first", values(d, &d.retry, "then"))
        };
        let what = if d.resource == d.noun {
            format!("the {}", d.noun)
        } else {
            format!("the {} (`{}`)", d.noun, d.resource)
        };
        let tail = format!(
            "The acceptors are [`waiters::{constant}`], the values {}; delays and timeout come \
             from `config` (`apigen_runtime::waiter` documents the loop: transient errors keep it \
             polling, others end it with [`WaitError::Call`]).",
            d.source
        );
        let states = |lead: &str| {
            let mut parts = Vec::new();
            if !d.retry.is_empty() {
                parts.push(format!("{lead} {} first", values(d, &d.retry, "then")));
            }
            if !d.failure.is_empty() {
                parts.push(format!("fails on {}", values(d, &d.failure, "or")));
            }
            if parts.is_empty() {
                String::new()
            } else {
                let mut text = parts.join("; ") + ".";
                text[..1].make_ascii_uppercase();
                format!(" {text}")
            }
        };
        let (method_doc, const_doc) = if d.gone {
            let gone = if d.by_list {
                "until the list no longer holds it".to_owned()
            } else {
                format!("until it answers {}", quoted(&d.not_found))
            };
            (
                format!(
                    "Waits until {what} is gone: polls {polled} {gone} (reading `{field}` of \
                     the answers meanwhile{first}); {fails}.\n\n{tail}"
                ),
                format!(
                    "`{}` gone: {}.{}",
                    d.resource,
                    if d.by_list {
                        format!("`{}` filtered by its id lists nothing", d.describe)
                    } else {
                        format!("`{}` answers {}", d.describe, quoted(&d.not_found))
                    },
                    states("It is")
                ),
            )
        } else {
            let success = values(d, &d.success, "and");
            (
                format!(
                    "Waits until {what} is {success}: polls {polled} and reads `{field}` of \
                     the answer{first}; {fails}. Returns the first answer in {success}.\n\n{tail}"
                ),
                format!(
                    "`{}` is {success}: `{field}` of the `{}` answer.{}",
                    d.resource,
                    d.describe,
                    states("It is")
                ),
            )
        };
        let (method_doc, const_doc) = (doc_lines(&method_doc), doc_lines(&const_doc));
        consts.push(quote! {
            #const_doc
            pub const #constant: Waiter = Waiter {
                name: #name,
                field: #field,
                success: &[#(#success),*],
                failure: &[#(#failure),*],
                retry: &[#(#retry),*],
                not_found: &[#(#not_found),*],
            };
        });
        let m = format_ident!("wait_until_{}", d.name);
        let req = quote! { #models_crate::#module::#request };
        methods.push(if d.gone {
            quote! {
                #method_doc
                pub fn #m<'a>(&'a self, request: &'a #req, config: &'a WaiterConfig) -> impl std::future::Future<Output = Result<(), WaitError>> + 'a {
                    apigen_runtime::waiter::wait_until_gone(&waiters::#constant, config, move || self.#method(request))
                }
            }
        } else {
            let resp = quote! { #models_crate::#module::#response };
            quote! {
                #method_doc
                pub fn #m<'a>(&'a self, request: &'a #req, config: &'a WaiterConfig) -> impl std::future::Future<Output = Result<#resp, WaitError>> + 'a {
                    apigen_runtime::waiter::wait(&waiters::#constant, config, move || self.#method(request))
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

/// `tests/waiters.rs` of the mock crate: every waiter of a resource the mock can create, run
/// by `apigen_runtime::mock::waiter_check` through the generated client against the stateful
/// mock whose lifecycle states last 300 ms each. The generated part only names the waiter and
/// its operations and maps each to its typed method.
pub fn emit_test(sm: &ServiceModel) -> Option<TokenStream> {
    let (plans, defs) = (&sm.plans, &sm.waiters);
    let mock_crate = format_ident!("{}_mock", sm.names.service.replace('-', "_"));
    let client_crate = &sm.names.client_crate;
    let mock = format_ident!("{}", sm.names.mock_name);
    let credentials = sm
        .protocol
        .test_credentials(quote! { testing::credentials() });
    let method = |op: &str| {
        sm.operations
            .iter()
            .find(|o| o.op.id == op)
            .map(|o| o.method_ident.clone())
    };
    let mut tests = Vec::new();
    for ready in defs.iter().filter(|d| !d.gone) {
        let Some(create_op) = &ready.create else {
            continue;
        };
        let create = &plans[create_op];
        if create.id.is_none() && create.id_out.is_none() && create.id_field.is_none() {
            continue;
        }
        // A resource with no pending state is final at once: nothing to wait for.
        if ready.lifecycle.pending.is_empty() {
            continue;
        }
        let gone = defs.iter().find(|d| d.gone && d.resource == ready.resource);
        let delete = gone.and_then(|_| {
            plans
                .iter()
                .find(|(_, p)| {
                    p.resource == ready.resource && p.action == Action::Delete && p.id.is_some()
                })
                .map(|(op, _)| op.clone())
        });
        let describe = &ready.describe;
        let mut ops: Vec<&String> = vec![create_op, describe];
        ops.extend(delete.as_ref());
        let Some(arms) = ops
            .iter()
            .map(|op| {
                let m = method(op)?;
                Some(quote! { #op => json(client.#m(&model(op, m)).await) })
            })
            .collect::<Option<Vec<_>>>()
        else {
            continue;
        };
        let wait = format_ident!("wait_until_{}", ready.name);
        let constant = format_ident!("{}", ready.name.to_shouty_snake_case());
        let (id, delete_op) = (&ready.id, delete.as_deref().unwrap_or(""));
        let deleted = match (gone, &delete) {
            (Some(g), Some(_)) => {
                let wait_gone = format_ident!("wait_until_{}", g.name);
                let gone_constant = format_ident!("{}", g.name.to_shouty_snake_case());
                quote! {
                    created
                        .deleted(&#client_crate::waiters::#gone_constant, &call, |m, c| async move {
                            client.#wait_gone(&model(#describe, m), &c).await
                        })
                        .await;
                }
            }
            _ => quote! {},
        };
        let ready_call = quote! {
            check
                .ready(&#client_crate::waiters::#constant, &call, |m, c| async move {
                    json(client.#wait(&model(#describe, m), &c).await)
                })
                .await
        };
        // Without a deletion waiter the created resource stays.
        let run = if deleted.is_empty() {
            quote! { #ready_call; }
        } else {
            quote! {
                let created = #ready_call;
                #deleted
            }
        };
        let name = format_ident!("{wait}_passes_the_pending_states_on_the_mock");
        tests.push(quote! {
            #[tokio::test]
            async fn #name() {
                let (_server, client, cases) = start().await;
                let client = &client;
                let call = |op: &'static str, m: Map<String, Value>| async move {
                    match op {
                        #(#arms,)*
                        other => unreachable!("{other}"),
                    }
                };
                let check = WaiterCheck {
                    plans: &plans(),
                    schema: server::schema(),
                    input: &|op| cases.input(op),
                    create: #create_op,
                    describe: #describe,
                    id: #id,
                    delete: #delete_op,
                    step: STEP,
                };
                #run
            }
        });
    }
    if tests.is_empty() {
        return None;
    }
    Some(quote! {
        use std::time::Duration;

        use apigen_runtime::mock::testing::{self, model, Cases};
        use apigen_runtime::mock::waiter_check::{json, WaiterCheck};
        use apigen_runtime::server::TestServer;
        use #mock_crate::{plans, server, #mock};
        use serde_json::{Map, Value};

        /// How long each lifecycle state of the mock lasts.
        const STEP: Duration = Duration::from_millis(300);

        /// The stateful mock with lifecycle states of `STEP` each, a client of it, and the
        /// round-trip cases ([`testing::start_stateful`]).
        async fn start() -> (TestServer, #client_crate::Client, Cases<'static>) {
            testing::start_stateful(
                plans(),
                STEP,
                |engine, verifier| #mock::new().with_state(engine).router(Some(verifier)),
                #credentials,
                server::schema(),
                include_str!("cases.json"),
            )
            .await
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
        assert_eq!(state_word(&Value::from("RUNNING"), None), "running");
        assert_eq!(state_word(&Value::from("Available"), None), "available");
        assert_eq!(state_word(&Value::from(5), None), "ready");
        let documented = [
            EnumValue {
                value: "1".into(),
                description: "Being deployed".into(),
            },
            EnumValue {
                value: "5".into(),
                description: "Running".into(),
            },
        ];
        assert_eq!(state_word(&Value::from(5), Some(&documented)), "running");
        assert_eq!(state_word(&Value::from(7), Some(&documented)), "ready");
    }
}
