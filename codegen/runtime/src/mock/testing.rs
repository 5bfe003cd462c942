//! What the generated mock crates' `tests/stateful.rs` and `tests/waiters.rs` share (feature
//! `mock` with `client`): the round-trip cases (`tests/cases.json`) read once, requests built
//! from them, a mock started with signatures verified and a client of it, and the run that
//! checks every inferred resource against the stateful answers. The generated tests name only
//! what is specific to their service: the mock, the client, the typed methods and the counts.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::stateful::set_page;
use super::{Answers, LifecycleClock, Stateful};
use crate::client::RegionalClient;
use crate::credentials::Credentials;
use crate::schema::{Action, Plan, Protocol, ServiceSchema};
use crate::server::{spawn_test_server, validate, Params, Router, TestServer, Verifier};

/// The access key id the mock verifies and the test client signs with.
pub const KEY_ID: &str = "mock-test-key";
/// Its secret.
pub const SECRET: &str = "mock-test-secret";

/// A mock crate's round-trip cases: per operation `op` and its valid request, as `params`
/// (RPC wire pairs) or `input` (REST members by wire name).
#[derive(Debug, Clone)]
pub struct Cases<'s> {
    schema: &'s ServiceSchema,
    cases: Vec<Value>,
}

impl<'s> Cases<'s> {
    /// The cases of `cases_json` (`tests/cases.json`) for the service of `schema`; panics when
    /// the text is no JSON list (the file is generated next to the test).
    pub fn new(schema: &'s ServiceSchema, cases_json: &str) -> Self {
        let cases = serde_json::from_str(cases_json)
            .unwrap_or_else(|e| panic!("cases.json does not parse: {e}"));
        Self { schema, cases }
    }

    /// The checked request of `op_id` from its case, as the model's serde form; panics naming
    /// the operation when it has no case or the case does not pass the request checks.
    pub fn input(&self, op_id: &str) -> Map<String, Value> {
        let case = self
            .cases
            .iter()
            .find(|c| c["op"] == op_id)
            .unwrap_or_else(|| panic!("{op_id}: no round-trip case"));
        let op = self
            .schema
            .operation(op_id)
            .unwrap_or_else(|| panic!("{op_id}: not in the schema"));
        let checked = match self.schema.protocol {
            Protocol::AlibabaRpc => {
                let pairs: Vec<(String, String)> = serde_json::from_value(case["params"].clone())
                    .unwrap_or_else(|e| panic!("{op_id}: params: {e}"));
                validate::rpc_input(op, &Params(pairs))
            }
            Protocol::HuaweiRest => {
                let wire = case["input"].as_object().cloned().unwrap_or_default();
                validate::value_input(op, &wire)
            }
        };
        match checked.unwrap_or_else(|e| panic!("{op_id}: {e}")) {
            Value::Object(m) => m,
            other => panic!("{op_id}: the request is no object: {other}"),
        }
    }

    /// The request of `op` from its case (serde form), sharing the create's `scope` values
    /// (`InstanceId`, `project_id`, …) and the rest of a composite identity where `op` names
    /// the resource by it, naming the resource by `id` when given, on the first page of 50: as
    /// the typed request model `T` (or its serde form, `T` = `Map<String, Value>`); panics
    /// naming `op` when it does not fit.
    pub fn scoped<T: serde::de::DeserializeOwned>(
        &self,
        plans: &BTreeMap<String, Plan>,
        op: &str,
        scope: &[String],
        created_in: &Map<String, Value>,
        id: Option<(&str, &Value)>,
    ) -> T {
        let mut m = self.input(op);
        let key = plans.get(op).map_or(&[][..], |p| p.key.as_slice());
        for k in scope.iter().chain(key) {
            if let Some(v) = created_in.get(k) {
                m.insert(k.clone(), v.clone());
            }
        }
        if let Some((k, v)) = id {
            m.insert(k.to_owned(), v.clone());
        }
        if let Some(p) = plans.get(op) {
            set_page(p, self.schema.operation(op), &mut m, 0, 50);
        }
        model(op, m)
    }
}

/// The typed request model `T` of `op` from its serde form; panics naming `op` when it does not
/// fit.
pub fn model<T: serde::de::DeserializeOwned>(op: &str, m: Map<String, Value>) -> T {
    validate::into_model(op, Value::Object(m)).unwrap_or_else(|e| panic!("{op}: {e}"))
}

/// The member at the dotted path `p` of `v` (`Data.Topics`).
pub fn path<'v>(v: &'v Value, p: &str) -> Option<&'v Value> {
    p.split('.').try_fold(v, |cur, k| cur.get(k))
}

/// The id a create's answer gives its resource: the member of the request named by the plan's
/// `id`, else the answer's `id_out` member.
pub fn created_id(
    create: &Plan,
    created_in: &Map<String, Value>,
    created: &Value,
) -> Option<Value> {
    create
        .id
        .as_ref()
        .and_then(|k| created_in.get(k).cloned())
        .or_else(|| create.id_out.as_ref().and_then(|k| created.get(k).cloned()))
}

/// What a mock started for a signed client verifies: [`KEY_ID`] and [`SECRET`].
pub fn verifier() -> Verifier {
    Verifier::new(KEY_ID, SECRET)
}

/// The access key [`verifier`] accepts (a Huawei client adds a project id).
pub fn credentials() -> Credentials {
    Credentials::access_key(KEY_ID, SECRET)
}

/// A client `C` of the mock `server` with `credentials`; panics when it cannot be built.
pub fn client_of<C: RegionalClient>(server: &TestServer, credentials: Credentials) -> C {
    C::from_endpoint(&server.base_url, credentials).expect("client")
}

/// The seed of the stateful engine [`start_stateful`] starts.
pub const STATEFUL_SEED: u64 = 11;

/// What a mock crate's `tests/waiters.rs` starts each test with: the stateful mock of `plans`
/// whose lifecycle states last `step` each (engine seeded [`STATEFUL_SEED`]), served with
/// [`verifier`]'s signatures checked, a client `C` of it signed with `credentials`, and the
/// round-trip cases of `cases_json` for `schema`. `router` makes the mock's router from the
/// engine and the verifier (the generated mock's `with_state(engine).router(Some(verifier))`);
/// panics when the mock cannot start.
pub async fn start_stateful<C: RegionalClient>(
    plans: BTreeMap<String, Plan>,
    step: std::time::Duration,
    router: impl FnOnce(Stateful, Verifier) -> Router,
    credentials: Credentials,
    schema: &'static ServiceSchema,
    cases_json: &str,
) -> (TestServer, C, Cases<'static>) {
    let engine = Stateful::new(plans, STATEFUL_SEED).with_lifecycle(LifecycleClock::uniform(step));
    let running = spawn_test_server(router(engine, verifier()))
        .await
        .expect("mock starts");
    let client = client_of(&running, credentials);
    (running, client, Cases::new(schema, cases_json))
}

/// Every inferred resource with a create and a list, created, listed, described, deleted and
/// listed again through the stateful answers of a fresh mock from `answers` each, with the
/// cases' requests: the list shows the created resource once and the deleted one no more, the
/// describe answers after the create, and a second delete gets the documented not-found
/// status. Returns the resources exercised; panics naming the first broken expectation.
pub fn own_effects(
    plans: &BTreeMap<String, Plan>,
    cases: &Cases<'_>,
    answers: impl Fn() -> Answers,
) -> Vec<String> {
    let mut exercised = Vec::new();
    for (list_op, list) in plans
        .iter()
        .filter(|(_, p)| p.action == Action::List && p.items.is_some())
    {
        let of = |a: Action| -> Option<(&String, &Plan)> {
            plans
                .iter()
                .find(|(_, p)| p.resource == list.resource && p.action == a)
        };
        let (create_op, create) = of(Action::Create).expect("a listed resource has a create");
        let answers = answers();
        let created_in = cases.input(create_op);
        let created: Value = answers.answer(create_op, &created_in).unwrap();
        let id = created_id(create, &created_in, &created);
        let scoped =
            |op: &str| cases.scoped::<Map<_, _>>(plans, op, &create.scope, &created_in, None);
        let count = |answers: &Answers| {
            let listed: Value = answers.answer(list_op, &scoped(list_op)).unwrap();
            path(&listed, list.items.as_deref().unwrap_or_default())
                .and_then(Value::as_array)
                .map_or(0, Vec::len)
        };
        assert_eq!(count(&answers), 1, "{create_op} then {list_op}");
        let by_id = |a: Action| {
            of(a).and_then(|(op, plan)| {
                let key = plan.id.clone()?;
                let mut m = scoped(op);
                m.insert(key, id.clone()?);
                Some((op.clone(), m))
            })
        };
        if let Some((get_op, get_in)) = by_id(Action::Get) {
            assert!(
                answers.answer::<_, Value>(&get_op, &get_in).is_ok(),
                "{get_op} after {create_op}"
            );
        }
        if let Some((delete_op, delete_in)) = by_id(Action::Delete) {
            answers.answer::<_, Value>(&delete_op, &delete_in).unwrap();
            assert_eq!(count(&answers), 0, "{delete_op} then {list_op}");
            let again = answers
                .answer::<_, Value>(&delete_op, &delete_in)
                .unwrap_err();
            let want = plans[&delete_op]
                .not_found
                .as_ref()
                .map_or(404, |e| e.status);
            assert_eq!(again.status, want, "{delete_op} twice");
        }
        exercised.push(list.resource.clone());
    }
    exercised.dedup();
    exercised
}
