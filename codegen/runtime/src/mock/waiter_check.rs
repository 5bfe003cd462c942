//! The lifecycle acceptance of a generated waiter, run by each mock crate's generated
//! `tests/waiters.rs` through the generated client against the stateful mock whose lifecycle
//! states last [`WaiterCheck::step`] each:
//!
//! 1. the create (its request case) makes a resource; its id is the member the client sent,
//!    the one the answer holds, or (a create that answers none, Alibaba Kafka's
//!    `CreatePrePayOrder`) the newest one the list shows; a waiter polling a list gets a
//!    neighbour created first, which it must not confuse with its resource;
//! 2. the waiter with no time left polls once and gives up with the first pending state;
//! 3. the waiter with time ends with an answer the waiter classifies as its success;
//! 4. with [`Created::deleted`]: the delete, then the deletion waiter ends, and the describe
//!    answers the documented not-found code (a list filtered by the id no longer holds it).
//!
//! The generated test only names the waiter and its operations and maps each operation to its
//! typed client method (`call`), so what runs is the client a user calls.

use std::collections::BTreeMap;
use std::future::Future;
use std::time::Duration;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::error::Error;
use crate::schema::{Action, Kind, Plan, ServiceSchema};
use crate::waiter::{State, WaitError, Waiter, WaiterConfig};

/// A typed call's answer as JSON with wire names (what [`Waiter::classify`] reads).
pub fn json<T: Serialize, E>(r: Result<T, E>) -> Result<Value, E> {
    r.map(|t| serde_json::to_value(t).unwrap_or(Value::Null))
}

/// What one waiter test names.
pub struct WaiterCheck<'a> {
    /// The mock's stateful plans.
    pub plans: &'a BTreeMap<String, Plan>,
    /// The service's wire schema (which members are lists).
    pub schema: &'a ServiceSchema,
    /// The checked request case of an operation, as the model's serde form.
    pub input: &'a dyn Fn(&str) -> Map<String, Value>,
    /// The create operation.
    pub create: &'static str,
    /// The operation the waiter polls (a describe, or a list filtered by `id`).
    pub describe: &'static str,
    /// The polled operation's member naming the resource.
    pub id: &'static str,
    /// The delete operation (empty: none).
    pub delete: &'static str,
    /// How long each lifecycle state of the mock lasts.
    pub step: Duration,
}

/// A resource the check created and waited for.
pub struct Created<'c, 'a> {
    check: &'c WaiterCheck<'a>,
    created_in: Map<String, Value>,
    id: Value,
}

impl WaiterCheck<'_> {
    /// Steps 1–3 (see the module docs); panics naming what went wrong.
    pub async fn ready<C, CF, W, WF>(&self, waiter: &Waiter, call: &C, wait: W) -> Created<'_, '_>
    where
        C: Fn(&'static str, Map<String, Value>) -> CF,
        CF: Future<Output = Result<Value, Error>>,
        W: Fn(Map<String, Value>, WaiterConfig) -> WF,
        WF: Future<Output = Result<Value, WaitError>>,
    {
        let create = &self.plans[self.create];
        let created_in = (self.input)(self.create);
        let by_list = self
            .plans
            .get(self.describe)
            .is_some_and(|p| p.action == Action::List);
        if by_list {
            // A neighbour in the same list: the waiters must look at their resource only (a
            // list not filtered by the id would keep the deletion waiter waiting).
            call(self.create, created_in.clone())
                .await
                .unwrap_or_else(|e| panic!("{} (a neighbour): {e}", self.create));
        }
        let created = call(self.create, created_in.clone())
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", self.create));
        let mut id = create
            .id
            .as_ref()
            .and_then(|k| created_in.get(k).cloned())
            .or_else(|| {
                create
                    .id_out
                    .as_ref()
                    .and_then(|k| at(&created, k).cloned())
            });
        if id.is_none() {
            // The create answers no id: a client learns it from the list, newest last.
            id = self.listed_id(create, &created_in, call).await;
        }
        let id = id.unwrap_or_else(|| panic!("{} names no resource", self.create));
        let this = Created {
            check: self,
            created_in,
            id,
        };
        let describe = this.request(self.describe, self.id);
        // Right after the create: pending, so a waiter out of time gives up with it.
        let first = &create.lifecycle.as_ref().expect("a lifecycle").pending[0];
        assert!(
            waiter.retry.contains(&text(first).as_str()),
            "{}: the mock's first state {first} is not among the waiter's documented pending \
             states {:?}",
            waiter.name,
            waiter.retry
        );
        match wait(describe.clone(), WaiterConfig::with_timeout(Duration::ZERO)).await {
            Err(WaitError::TimedOut {
                polls, last_state, ..
            }) => {
                assert_eq!(polls, 1, "{}", waiter.name);
                assert_eq!(last_state, Some(text(first)), "{}", waiter.name);
            }
            other => panic!(
                "{}: not pending right after the create: {other:?}",
                waiter.name
            ),
        }
        let done = wait(describe, self.config())
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            waiter.classify(&done),
            State::Success,
            "{}: {} is {:?}: {done}",
            waiter.name,
            self.describe,
            waiter.success
        );
        this
    }

    fn config(&self) -> WaiterConfig {
        WaiterConfig::with_timeout(self.step.saturating_mul(60))
            .delays(self.step / 15, self.step / 3)
    }

    /// The id member of the newest item the list of the create's resource shows.
    async fn listed_id<C, CF>(
        &self,
        create: &Plan,
        created_in: &Map<String, Value>,
        call: &C,
    ) -> Option<Value>
    where
        C: Fn(&'static str, Map<String, Value>) -> CF,
        CF: Future<Output = Result<Value, Error>>,
    {
        let field = create.id_field.as_deref()?;
        // The polled list (the waiters of a resource without a describe poll its list).
        let op = self.describe;
        let list = self
            .plans
            .get(op)
            .filter(|p| p.resource == create.resource && p.action == Action::List)?;
        let mut m = (self.input)(op);
        crate::mock::stateful::set_page(list, self.schema.operation(op), &mut m, 0, 50);
        for k in &create.scope {
            if let Some(v) = created_in.get(k) {
                m.insert(k.clone(), v.clone());
            }
        }
        let answer = call(op, m).await.unwrap_or_else(|e| panic!("{op}: {e}"));
        let items = match at(&answer, list.items.as_deref()?)? {
            Value::Array(items) => items.clone(),
            one => vec![one.clone()],
        };
        items.last()?.get(field).cloned()
    }
}

impl Created<'_, '_> {
    /// The request case of `op` sharing the create's scope values and naming the resource by
    /// member `key` (in a one-item list where the member is a list).
    fn request(&self, op: &str, key: &str) -> Map<String, Value> {
        let check = self.check;
        let mut m = (check.input)(op);
        if let Some(p) = check.plans.get(op) {
            crate::mock::stateful::set_page(p, check.schema.operation(op), &mut m, 0, 50);
        }
        let scope = &check.plans[check.create].scope;
        for k in scope {
            if let Some(v) = self.created_in.get(k) {
                m.insert(k.clone(), v.clone());
            }
        }
        let listed = check.schema.operation(op).is_some_and(|o| {
            o.params
                .iter()
                .any(|p| p.name == key && p.shape.kind == Kind::Array)
        });
        let id = if listed {
            Value::Array(vec![self.id.clone()])
        } else {
            self.id.clone()
        };
        m.insert(key.to_owned(), id);
        m
    }

    /// Step 4 (see the module docs): deletes the resource and waits with `wait_gone` (the
    /// client's deletion waiter `gone`) until it is gone.
    pub async fn deleted<C, CF, G, GF>(&self, gone: &Waiter, call: &C, wait_gone: G)
    where
        C: Fn(&'static str, Map<String, Value>) -> CF,
        CF: Future<Output = Result<Value, Error>>,
        G: Fn(Map<String, Value>, WaiterConfig) -> GF,
        GF: Future<Output = Result<(), WaitError>>,
    {
        let check = self.check;
        let key = check.plans[check.delete]
            .id
            .as_deref()
            .unwrap_or_else(|| panic!("{} names no resource", check.delete));
        call(check.delete, self.request(check.delete, key))
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", check.delete));
        let describe = self.request(check.describe, check.id);
        wait_gone(describe.clone(), check.config())
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        match call(check.describe, describe).await {
            Err(e) => assert!(gone.is_not_found(&e), "{}: {e}", gone.name),
            Ok(answer) if gone.lists() => assert_eq!(
                gone.classify(&answer),
                State::Pending(None),
                "{}: still listed: {answer}",
                gone.name
            ),
            Ok(answer) => panic!("{}: still described: {answer}", gone.name),
        }
    }
}

/// The member at dotted `path`.
fn at<'v>(v: &'v Value, path: &str) -> Option<&'v Value> {
    path.split('.').try_fold(v, |cur, k| cur.get(k))
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}
