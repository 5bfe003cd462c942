//! The stateful acceptance run against a running stateful mock (feature `mock` with `client`):
//! what the generated mock crates' `tests/stateful.rs` run, over HTTP, for every resource their
//! plans name — as a client that creates in parallel, pages, repeats itself and deletes what is
//! not there would.
//!
//! Per resource: seven creates sent at once (distinct names where the client names it) all
//! succeed; paging through the list three at a time yields each created id exactly once, with
//! the total the store holds; every describe shows the members the create sent; an update is
//! reflected; a duplicate create gets the plan's conflict answer; every delete succeeds, after
//! which the list is empty and a second delete or a describe gets the not-found answer (the
//! document's code and status where the plan carries them); then the race of parallel clients.
//!
//! [`check_resources_through`] runs the same through a generated client (a [`Caller`]), and also
//! reads every paged list through the client's own page stream.

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;

use serde_json::{Map, Value};

use super::conformance::{text, Input, Run};
use super::stateful::{page_members, Action, Paging, Plan, KEY_SEPARATOR};
use crate::schema::{OperationSchema, ServiceSchema};

/// A failed call as a client sees it: the HTTP status and vendor code of a service error, or
/// status 0 for a failure on the client's side (a request that does not fit the model, an
/// answer the client cannot decode, a transport error).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallError {
    /// HTTP status (0: the call failed before or after the service answered).
    pub status: u16,
    /// The vendor error code the client read.
    pub code: Option<String>,
    /// What went wrong.
    pub message: String,
}

impl CallError {
    /// A failure on the client's side.
    pub fn client(message: impl Into<String>) -> Self {
        Self {
            status: 0,
            code: None,
            message: message.into(),
        }
    }
}

impl From<crate::Error> for CallError {
    fn from(e: crate::Error) -> Self {
        match e.as_service() {
            Some(s) => Self {
                status: s.status,
                code: s.code.clone(),
                message: s.message.clone().unwrap_or_default(),
            },
            None => Self::client(e.to_string()),
        }
    }
}

/// A boxed future of one call through a [`Caller`].
pub type Call<'a, T> = Pin<Box<dyn Future<Output = Result<T, CallError>> + 'a>>;

/// Calls a service's operations by id with the request model's serde form, answering the
/// response model's serde form: what a generated client's typed methods do, behind one
/// object-safe face so that the acceptance run stays in the runtime.
pub trait Caller: Sync {
    /// Calls `op` with the request model `input` (its serde form).
    fn call<'a>(&'a self, op: &'a str, input: Value) -> Call<'a, Value>;

    /// Reads the pages of the paged list `op` through the client's own page stream, starting
    /// at the page `input` names: at most `limit` pages (one more tells a stream that does not
    /// end). `None` when the client has no page stream for `op`.
    fn pages<'a>(&'a self, op: &'a str, input: Value, limit: usize)
        -> Option<Call<'a, Vec<Value>>>;
}

/// The request model `T` of `op` from its serde form (for generated [`Caller`]s).
pub fn model<T: serde::de::DeserializeOwned>(op: &str, input: Value) -> Result<T, CallError> {
    serde_json::from_value(input)
        .map_err(|e| CallError::client(format!("{op}: the request does not fit the model: {e}")))
}

/// The serde form of a client's answer (for generated [`Caller`]s).
pub fn answer<T: serde::Serialize>(r: Result<T, crate::Error>) -> Result<Value, CallError> {
    serde_json::to_value(r?).map_err(|e| CallError::client(format!("the answer: {e}")))
}

/// Up to `limit + 1` pages of a client's page stream, each as its serde form (for generated
/// [`Caller`]s); the first error ends the read.
pub async fn collect_pages<T: serde::Serialize>(
    stream: impl futures_core::Stream<Item = Result<T, crate::Error>>,
    limit: usize,
) -> Result<Vec<Value>, CallError> {
    use futures_util::StreamExt;
    let mut stream = std::pin::pin!(stream);
    let mut out = Vec::new();
    while out.len() <= limit {
        let Some(page) = stream.next().await else {
            break;
        };
        out.push(answer(page)?);
    }
    Ok(out)
}

/// The request model (serde form) of a check's request.
fn to_model(op: &OperationSchema, input: &Input) -> Result<Value, CallError> {
    let checked = match input {
        Input::Rpc(pairs) => {
            crate::server::validate::rpc_input(op, &crate::server::Params(pairs.clone()))
        }
        Input::Rest(m) => {
            // The check keys members by wire name; the model by `key`.
            let mut wire = m.clone();
            for p in &op.params {
                if let Some(v) = wire.remove(p.key()) {
                    wire.insert(p.name.clone(), v);
                }
            }
            crate::server::validate::value_input(op, &wire)
        }
    };
    checked.map_err(|e| CallError::client(format!("{}: the request is not valid: {e:?}", op.id)))
}

/// A check's request sent over raw HTTP (`via` none) or through the client's typed method,
/// as the status and body the checks read (a client error as `{"Code", "Message"}`).
async fn send(
    run: &Run<'_>,
    via: Option<&dyn Caller>,
    op: &OperationSchema,
    input: &Input,
) -> (u16, Value) {
    let Some(caller) = via else {
        return run.send(op, input).await;
    };
    let answer = match to_model(op, input) {
        Ok(model) => caller.call(&op.id, model).await,
        Err(e) => Err(e),
    };
    match answer {
        Ok(v) => (200, v),
        Err(e) => (e.status, refusal(&e)),
    }
}

fn refusal(e: &CallError) -> Value {
    let mut body = Map::new();
    if let Some(c) = &e.code {
        body.insert("Code".into(), Value::String(c.clone()));
    }
    body.insert("Message".into(), Value::String(e.message.clone()));
    Value::Object(body)
}

/// How many resources each check creates.
const N: usize = 7;
/// The page size of a list read whole (more than the check ever creates).
const FULL: u64 = 20;
/// The page size the check pages with.
const PAGE: u64 = 3;

/// Runs the checks against the stateful mock at `base_url` (no signature verification, the
/// instant lifecycle clock: a resource with a deleting state is gone once its delete answered)
/// and returns how many resources were exercised, or every broken expectation.
pub async fn check_resources(
    base_url: &str,
    schema: &ServiceSchema,
    plans: &BTreeMap<String, Plan>,
    cases_json: &str,
) -> Result<usize, Vec<String>> {
    check(base_url, None, schema, plans, cases_json).await
}

/// [`check_resources`] with every call made through `client` (a generated client's typed
/// methods behind a [`Caller`]), and every paged list also read through the client's own page
/// stream: all items over several pages exactly once and the stream ends, alone and while
/// other clients create and delete.
pub async fn check_resources_through(
    client: &dyn Caller,
    schema: &ServiceSchema,
    plans: &BTreeMap<String, Plan>,
    cases_json: &str,
) -> Result<usize, Vec<String>> {
    check("", Some(client), schema, plans, cases_json).await
}

/// Runs every resource with a lifecycle through its states against the stateful mock at
/// `base_url` whose engine keeps `store` and lasts `step` a state (no signature verification):
/// moving the store's clock with [`super::Store::advance`], never waiting. A new resource shows
/// each pending state in order, then its final one; while pending, an update or delete the plan
/// refuses as busy gets the documented answer; a delete shows the deleting state until `step`
/// passed, after which the resource is gone from describe and list. Returns how many resources
/// were run through their lifecycle.
pub async fn check_lifecycles(
    base_url: &str,
    schema: &ServiceSchema,
    plans: &BTreeMap<String, Plan>,
    cases_json: &str,
    store: &super::Store,
    step: std::time::Duration,
) -> Result<usize, Vec<String>> {
    let (mut run, cases) = Run::new(base_url, schema, cases_json)?;
    let resources = by_resource(&mut run, schema, plans);
    let mut exercised = 0;
    for (resource, ops) in &resources {
        let mut check = Check {
            run: &run,
            via: None,
            cases: &cases,
            resource,
            ops,
            problems: Vec::new(),
        };
        if check.lifecycle(store, step).await {
            exercised += 1;
        }
        run.problems.append(&mut check.problems);
    }
    if run.problems.is_empty() {
        Ok(exercised)
    } else {
        Err(run.problems)
    }
}

/// The plans by resource and action (the first plan of each action), and a problem for a plan
/// of an operation the schema lacks.
fn by_resource<'s>(
    run: &mut Run<'_>,
    schema: &'s ServiceSchema,
    plans: &'s BTreeMap<String, Plan>,
) -> BTreeMap<&'s str, BTreeMap<Action, (&'s OperationSchema, &'s Plan)>> {
    let mut resources: BTreeMap<&str, BTreeMap<Action, (&OperationSchema, &Plan)>> =
        BTreeMap::new();
    for (op_id, plan) in plans {
        let Some(op) = schema.operation(op_id) else {
            run.problems
                .push(format!("plan of unknown operation {op_id}"));
            continue;
        };
        resources
            .entry(plan.resource.as_str())
            .or_default()
            .entry(plan.action)
            .or_insert((op, plan));
    }
    resources
}

async fn check(
    base_url: &str,
    via: Option<&dyn Caller>,
    schema: &ServiceSchema,
    plans: &BTreeMap<String, Plan>,
    cases_json: &str,
) -> Result<usize, Vec<String>> {
    let (mut run, cases) = Run::new(base_url, schema, cases_json)?;
    let resources = by_resource(&mut run, schema, plans);
    let mut exercised = 0;
    for (resource, ops) in &resources {
        let mut check = Check {
            run: &run,
            via,
            cases: &cases,
            resource,
            ops,
            problems: Vec::new(),
        };
        if check.all().await {
            exercised += 1;
        }
        run.problems.append(&mut check.problems);
    }
    if run.problems.is_empty() {
        Ok(exercised)
    } else {
        Err(run.problems)
    }
}

struct Check<'a> {
    run: &'a Run<'a>,
    via: Option<&'a dyn Caller>,
    cases: &'a [Value],
    resource: &'a str,
    ops: &'a BTreeMap<Action, (&'a OperationSchema, &'a Plan)>,
    problems: Vec<String>,
}

impl Check<'_> {
    fn fail(&mut self, what: String) {
        self.problems.push(format!("{}: {what}", self.resource));
    }

    fn input(&self, op: &OperationSchema) -> Option<Input> {
        let case = self.cases.iter().find(|c| c["op"] == op.id.as_str())?;
        self.run.valid_input(op, case).ok()
    }

    /// The list's request case without its filters (the example's values would hide what the
    /// check created).
    fn list_input(&self, op: &OperationSchema, plan: &Plan) -> Option<Input> {
        let input = self.input(op)?;
        Some(match input {
            Input::Rpc(pairs) => Input::Rpc(
                pairs
                    .into_iter()
                    .filter(|(k, _)| !plan.filters.contains_key(k))
                    .collect(),
            ),
            Input::Rest(mut m) => {
                m.retain(|k, _| !plan.filters.contains_key(k));
                Input::Rest(m)
            }
        })
    }

    /// The list's unfiltered request within `scope`, asking for one page of up to `FULL`.
    fn full_list_input(
        &self,
        op: &OperationSchema,
        plan: &Plan,
        scope: &[(String, Value)],
    ) -> Option<Input> {
        let mut input = self.list_input(op, plan)?;
        for (k, v) in scope {
            input = with(op, &input, k, v.clone());
        }
        for (k, v) in page_members(plan, 0, FULL) {
            input = with(op, &input, &k, v);
        }
        Some(input)
    }

    /// Each filter of the list: filtering by the value the creates sent answers exactly the
    /// resources created with it (and counts them), filtering by a value none was created with
    /// answers none.
    async fn filters(
        &mut self,
        create_op: &OperationSchema,
        sent: &[Input],
        scope: &[(String, Value)],
    ) {
        let Some(&(list_op, list)) = self.ops.get(&Action::List) else {
            return;
        };
        for (k, item) in &list.filters {
            let Some(v) = sent
                .first()
                .and_then(|i| {
                    members(i, create_op)
                        .into_iter()
                        .find(|(c, _)| norm(c) == norm(k))
                })
                .map(|(_, v)| v)
                .filter(|v| !text(v).is_empty())
            else {
                continue;
            };
            let Some(input) = self.full_list_input(list_op, list, scope) else {
                return;
            };
            // A fuzzy filter (`name` of DMS Kafka instances) also lists the items whose member
            // contains the value: by a part of it, every one created with that part; with its
            // switch (`exact_match_name=true`) only exact matches.
            let fuzzy = list.fuzzy.get(k);
            let v_text = text(&v);
            let part: String = v_text
                .chars()
                .take(v_text.chars().count().saturating_sub(2).max(1))
                .collect();
            let mut probes = vec![(v_text.clone(), fuzzy.is_some(), None)];
            if let Some(switch) = fuzzy {
                probes.push((part.clone(), true, None));
                if let Some(switch) = switch {
                    probes.push((part.clone(), false, Some(switch)));
                    probes.push((v_text.clone(), false, Some(switch)));
                }
            }
            for (wanted, contains, switch) in probes {
                let matches = |x: &str| {
                    if contains {
                        x.contains(wanted.as_str())
                    } else {
                        x == wanted
                    }
                };
                let matching = sent
                    .iter()
                    .filter(|i| {
                        members(i, create_op)
                            .into_iter()
                            .any(|(c, x)| norm(&c) == norm(k) && matches(&text(&x)))
                    })
                    .count();
                let mut filtered = with(list_op, &input, k, Value::String(wanted.clone()));
                if !is_text(list_op, k) {
                    filtered = with(list_op, &input, k, v.clone());
                }
                if let Some(s) = switch {
                    filtered = with(list_op, &filtered, s, Value::String("true".into()));
                }
                let asked = match switch {
                    Some(s) => format!("{k} = {wanted} ({s} = true)"),
                    None => format!("{k} = {wanted}"),
                };
                let (status, body) = send(self.run, self.via, list_op, &filtered).await;
                if !(200..300).contains(&status) {
                    self.fail(format!(
                        "list filtered by {asked} ({}): {status} {body}",
                        list_op.id
                    ));
                    continue;
                }
                let items = items_at(&body, list.items.as_deref().unwrap_or(""));
                let off = items
                    .iter()
                    .filter(|i| !field(i, item).map(text).is_some_and(|x| matches(&x)))
                    .count();
                if items.len() != matching || off > 0 {
                    let how = if contains { "containing it" } else { "with it" };
                    self.fail(format!(
                        "{} filtered by {asked} lists {} items ({off} with another {item}), {matching} were created {how}",
                        list_op.id,
                        items.len()
                    ));
                }
                if !is_text(list_op, k) {
                    break;
                }
            }
            if is_text(list_op, k) {
                let none = with(list_op, &input, k, Value::String("apigen-no-such".into()));
                let (_, body) = send(self.run, self.via, list_op, &none).await;
                let n = items_at(&body, list.items.as_deref().unwrap_or("")).len();
                if n != 0 {
                    self.fail(format!(
                        "{} filtered by {k} = \"apigen-no-such\" lists {n} items",
                        list_op.id
                    ));
                }
            }
        }
    }

    /// The whole sequence; `false` when the resource could not be created at all.
    async fn all(&mut self) -> bool {
        let Some(&(create_op, create)) = self.ops.get(&Action::Create) else {
            return false;
        };
        let Some(base) = self.input(create_op) else {
            self.fail(format!("no request case for {}", create_op.id));
            return false;
        };
        // N creates at once, each with its own name where the client names it.
        let n = creatable(create_op, create);
        let inputs: Vec<Input> = (0..n)
            .map(|k| variant(create_op, create, &base, k))
            .collect();
        let sent = futures_util::future::join_all(
            inputs
                .iter()
                .map(|i| send(self.run, self.via, create_op, i)),
        )
        .await;
        let mut ids = Vec::new();
        for (k, (status, body)) in sent.iter().enumerate() {
            if !(200..300).contains(status) {
                self.fail(format!("create #{k} ({}): {status} {body}", create_op.id));
                continue;
            }
            let id = identity(create_op, create, &inputs[k]).or_else(|| {
                create
                    .id_out
                    .as_ref()
                    .and_then(|m| path(body, m))
                    .and_then(id_text)
            });
            ids.push(id);
        }
        if ids.len() != n {
            return false;
        }
        let scope: Vec<(String, Value)> = create
            .scope
            .iter()
            .filter_map(|k| Some((k.clone(), member(create_op, &base, k)?)))
            .collect();
        // A second create of a name (or unique member) the store holds is a conflict.
        if create.id.is_some() || !create.unique.is_empty() {
            let (status, body) = send(self.run, self.via, create_op, &inputs[0]).await;
            self.expect_refusal(
                "a duplicate create",
                create
                    .conflict
                    .as_ref()
                    .map(|e| (e.status, e.code.as_str())),
                409,
                status,
                &body,
            );
        }
        let mut known: Vec<String> = ids.iter().flatten().cloned().collect();
        if known.is_empty() && create.id_field.is_some() {
            // The create answers no id: a client learns the new ones from the list.
            known = self.listed_ids(&scope, create).await;
        }
        let identified = known.len() == n;
        self.list_pages(&scope, create, &known, n).await;
        self.bad_pages(&scope).await;
        self.stream_pages(&scope, create, &known, n).await;
        self.listed_reflect(create_op, create, &scope, &inputs, &ids)
            .await;
        self.filters(create_op, &inputs, &scope).await;
        // Describe shows what the create sent.
        if let Some(&(get_op, get)) = self.ops.get(&Action::Get) {
            for (k, id) in ids.iter().enumerate() {
                let Some(id) = id else { continue };
                let Some((status, body)) = self.by_id(get_op, get, &scope, id).await else {
                    break;
                };
                if !(200..300).contains(&status) {
                    self.fail(format!("describe {id} ({}): {status} {body}", get_op.id));
                    continue;
                }
                let shown = path(&body, get.target.as_deref().unwrap_or("")).cloned();
                if !shown.as_ref().is_some_and(Value::is_object) {
                    // Through a client: the answer model lost the object the mock described.
                    self.fail(format!(
                        "describe {id} ({}) shows no object at `{}`: {body}",
                        get_op.id,
                        get.target.as_deref().unwrap_or("")
                    ));
                    continue;
                }
                // The described object is this resource: its id member (or `id`) shows the id.
                let key = get.id.as_deref().unwrap_or("id");
                let shown_id = shown
                    .as_ref()
                    .and_then(|s| field(s, key).or_else(|| field(s, "id")))
                    .and_then(id_text);
                if shown_id.as_ref().is_some_and(|s| s != id) {
                    self.fail(format!(
                        "describe {id} ({}) shows the id {shown_id:?}",
                        get_op.id
                    ));
                }
                self.expect_reflected(create_op, create, &inputs[k], shown.as_ref(), "describe");
            }
        }
        // An update is reflected in the describe (or the list).
        if let (Some(&(update_op, update)), Some(Some(id))) =
            (self.ops.get(&Action::Update), ids.first())
        {
            self.update(update_op, update, &scope, id).await;
        }
        let Some(&(delete_op, delete)) = self.ops.get(&Action::Delete) else {
            return true;
        };
        if !identified {
            // The creates named no id the check can delete by.
            self.fail(format!("{} answers no id to delete by", create_op.id));
            return true;
        }
        for id in &known {
            if let Some((status, body)) = self.by_id(delete_op, delete, &scope, id).await {
                if !(200..300).contains(&status) {
                    self.fail(format!("delete {id} ({}): {status} {body}", delete_op.id));
                }
            }
        }
        self.list_pages(&scope, create, &[], 0).await;
        self.contend(create_op, create, delete_op, delete, &base, &scope)
            .await;
        if self.ops.contains_key(&Action::List) && n == N {
            self.race(create_op, create, delete_op, delete, &base, &scope)
                .await;
        }
        let missing = delete
            .not_found
            .as_ref()
            .map(|e| (e.status, e.code.as_str()));
        if let Some(id) = known.first() {
            if let Some((status, body)) = self.by_id(delete_op, delete, &scope, id).await {
                self.expect_refusal("a second delete", missing, 404, status, &body);
            }
        }
        if let Some(&(get_op, get)) = self.ops.get(&Action::Get) {
            let missing = get.not_found.as_ref().map(|e| (e.status, e.code.as_str()));
            // An id never made, of the member's type (a `long` id gets digits).
            let never = if get.id.as_deref().is_some_and(|k| is_number(get_op, k)) {
                "987654321987"
            } else {
                "apigen-missing"
            };
            for id in known.first().into_iter().chain([never.to_owned()].iter()) {
                if let Some((status, body)) = self.by_id(get_op, get, &scope, id).await {
                    self.expect_refusal("describing a missing id", missing, 404, status, &body);
                }
            }
        }
        true
    }

    /// Parallel clients: `N` resources created, then their deletes, `N` new creates and
    /// page reads all sent at once. Every page read meanwhile holds distinct items, no more
    /// than asked, each one of the resources that existed; afterwards paging yields exactly
    /// the new ones. The store ends empty again.
    async fn race(
        &mut self,
        create_op: &OperationSchema,
        create: &Plan,
        delete_op: &OperationSchema,
        delete: &Plan,
        base: &Input,
        scope: &[(String, Value)],
    ) {
        let Some(&(list_op, list)) = self.ops.get(&Action::List) else {
            return;
        };
        let Some(mut list_in) = self.list_input(list_op, list) else {
            return;
        };
        for (k, v) in scope {
            list_in = with(list_op, &list_in, k, v.clone());
        }
        let id_of = |i: &Input, body: &Value| {
            identity(create_op, create, i).or_else(|| {
                create
                    .id_out
                    .as_ref()
                    .and_then(|m| path(body, m))
                    .and_then(id_text)
            })
        };
        let first: Vec<Input> = (0..N)
            .map(|k| variant(create_op, create, base, k))
            .collect();
        let second: Vec<Input> = (N..2 * N)
            .map(|k| variant(create_op, create, base, k))
            .collect();
        let mut old = Vec::new();
        for i in &first {
            let (status, body) = send(self.run, self.via, create_op, i).await;
            if !(200..300).contains(&status) {
                self.fail(format!("race: create ({}): {status} {body}", create_op.id));
                return;
            }
            old.extend(id_of(i, &body));
        }
        if old.len() != N && create.id_field.is_some() {
            old = self.listed_ids(scope, create).await;
        }
        if old.len() != N {
            return;
        }
        let mut deletes = Vec::new();
        for id in &old {
            let Some(mut input) = self.input(delete_op) else {
                return;
            };
            for (k, v) in scope {
                input = with(delete_op, &input, k, v.clone());
            }
            let Some(input) = named(delete_op, delete, input, id) else {
                return;
            };
            deletes.push(input);
        }
        let pages: Vec<Input> = (0..N as u64)
            .map(|k| {
                let mut input = list_in.clone();
                for (m, v) in page_members(list, (k % 3) * PAGE, PAGE) {
                    input = with(list_op, &input, &m, v);
                }
                input
            })
            .collect();
        // At most both generations are listed at once.
        let stream_limit = 2 * N / PAGE as usize + 2;
        let stream = self.page_stream(list_op, list, &list_in, stream_limit);
        let (run, via) = (self.run, self.via);
        let (created, deleted, mut listed, streamed) = tokio::join!(
            futures_util::future::join_all(second.iter().map(|i| send(run, via, create_op, i))),
            futures_util::future::join_all(deletes.iter().map(|i| send(run, via, delete_op, i))),
            futures_util::future::join_all(pages.iter().map(|i| send(run, via, list_op, i))),
            async {
                match stream {
                    Some(read) => Some(read.await),
                    None => None,
                }
            },
        );
        // The pages a client's page stream read meanwhile are held to the same rules.
        match streamed {
            Some(Ok(read)) => {
                if read.len() > stream_limit {
                    self.fail(format!(
                        "race: the page stream of {} does not end after {stream_limit} pages",
                        list_op.id
                    ));
                }
                listed.extend(read.into_iter().map(|p| (200, p)));
            }
            Some(Err(e)) => self.fail(format!(
                "race: the page stream of {}: {} {}",
                list_op.id,
                e.status,
                refusal(&e)
            )),
            None => {}
        }
        let mut new = Vec::new();
        for (i, (status, body)) in second.iter().zip(&created) {
            if !(200..300).contains(status) {
                self.fail(format!("race: create ({}): {status} {body}", create_op.id));
            }
            new.extend(id_of(i, body));
        }
        for (status, body) in &deleted {
            if !(200..300).contains(status) {
                self.fail(format!("race: delete ({}): {status} {body}", delete_op.id));
            }
        }
        let item_key = id_member(create, list);
        let paged = list.paging.is_some();
        for (status, body) in &listed {
            if !(200..300).contains(status) {
                self.fail(format!("race: list ({}): {status} {body}", list_op.id));
                continue;
            }
            let items = items_at(body, list.items.as_deref().unwrap_or(""));
            if paged && items.len() as u64 > PAGE {
                self.fail(format!(
                    "race: a page of {PAGE} from {} holds {} items",
                    list_op.id,
                    items.len()
                ));
            }
            let Some(keys) = &item_key else { continue };
            let shown: Vec<String> = items.iter().filter_map(|i| item_id(i, keys)).collect();
            let mut distinct = shown.clone();
            distinct.sort();
            distinct.dedup();
            if distinct.len() != shown.len() {
                self.fail(format!(
                    "race: a page of {} repeats an item: {shown:?}",
                    list_op.id
                ));
            }
            let known_ids = old.len() == N && (new.len() == N || create.id_field.is_some());
            if known_ids && create.id_field.is_none() {
                if let Some(stray) = shown.iter().find(|s| !old.contains(s) && !new.contains(s)) {
                    self.fail(format!("race: {} lists {stray}, never created", list_op.id));
                }
            }
        }
        if new.len() != N && create.id_field.is_some() {
            new = self.listed_ids(scope, create).await;
        }
        self.list_pages(scope, create, &new, N).await;
        for id in &new {
            if let Some((status, body)) = self.by_id(delete_op, delete, scope, id).await {
                if !(200..300).contains(&status) {
                    self.fail(format!(
                        "race: delete {id} ({}): {status} {body}",
                        delete_op.id
                    ));
                }
            }
        }
        self.list_pages(scope, create, &[], 0).await;
    }

    /// Clients contending for one resource, from an empty store. Where the client names it
    /// (or one of its members must be unique): `N` identical creates sent at once make exactly
    /// one resource, every other create getting the conflict answer, and the list shows it
    /// once. For every resource: `N` deletes of it sent at once with as many describes —
    /// exactly one delete succeeds, the other deletes get the not-found answer, every describe
    /// shows it or answers not-found, and afterwards it is gone. Where the client names it:
    /// rounds of its create, delete and describe sent together — whatever order the store ran
    /// them in, a delete succeeds only after the create, and the resource is there afterwards
    /// exactly when the delete came first (and was refused), the list agreeing.
    async fn contend(
        &mut self,
        create_op: &OperationSchema,
        create: &Plan,
        delete_op: &OperationSchema,
        delete: &Plan,
        base: &Input,
        scope: &[(String, Value)],
    ) {
        let (run, via) = (self.run, self.via);
        let one = variant(create_op, create, base, 3 * N);
        let named = identity(create_op, create, &one);
        let conflict = create
            .conflict
            .as_ref()
            .map(|e| (e.status, e.code.as_str()));
        let missing = delete
            .not_found
            .as_ref()
            .map(|e| (e.status, e.code.as_str()));
        let id_of = |body: &Value| {
            named.clone().or_else(|| {
                create
                    .id_out
                    .as_ref()
                    .and_then(|m| path(body, m))
                    .and_then(id_text)
            })
        };
        // Identical creates at once.
        let id = if create.id.is_some() || !create.unique.is_empty() {
            let answers =
                futures_util::future::join_all((0..N).map(|_| send(run, via, create_op, &one)))
                    .await;
            let won: Vec<&(u16, Value)> = answers
                .iter()
                .filter(|(status, _)| (200..300).contains(status))
                .collect();
            if won.len() != 1 {
                self.fail(format!(
                    "{N} identical creates sent at once ({}): {} succeeded, want exactly 1",
                    create_op.id,
                    won.len()
                ));
            }
            for (status, body) in answers.iter().filter(|(s, _)| !(200..300).contains(s)) {
                self.expect_refusal(
                    "a create racing an identical one",
                    conflict,
                    409,
                    *status,
                    body,
                );
            }
            let Some((_, body)) = won.first() else { return };
            id_of(body)
        } else {
            let (status, body) = send(run, via, create_op, &one).await;
            if !(200..300).contains(&status) {
                self.fail(format!("create ({}): {status} {body}", create_op.id));
                return;
            }
            id_of(&body)
        };
        let id = match id {
            Some(id) => id,
            None if create.id_field.is_some() => match self.listed_ids(scope, create).await.pop() {
                Some(id) => id,
                None => return,
            },
            None => return,
        };
        self.list_pages(scope, create, std::slice::from_ref(&id), 1)
            .await;
        // Deletes and describes of it at once.
        let get = self.ops.get(&Action::Get).copied();
        let Some(del_in) = self.by_id_input(delete_op, delete, scope, &id) else {
            return;
        };
        let get_in = get.and_then(|(op, plan)| Some((op, self.by_id_input(op, plan, scope, &id)?)));
        let get_missing =
            get.and_then(|(_, g)| g.not_found.as_ref().map(|e| (e.status, e.code.as_str())));
        let (deleted, described) = tokio::join!(
            futures_util::future::join_all((0..N).map(|_| send(run, via, delete_op, &del_in))),
            futures_util::future::join_all(
                get_in
                    .iter()
                    .flat_map(|(op, input)| (0..N).map(move |_| send(run, via, op, input)))
            ),
        );
        let ok = deleted
            .iter()
            .filter(|(status, _)| (200..300).contains(status))
            .count();
        if ok != 1 {
            self.fail(format!(
                "{N} deletes of {id} sent at once ({}): {ok} succeeded, want exactly 1",
                delete_op.id
            ));
        }
        for (status, body) in deleted.iter().filter(|(s, _)| !(200..300).contains(s)) {
            self.expect_refusal("a delete racing another", missing, 404, *status, body);
        }
        for (status, body) in described.iter().filter(|(s, _)| !(200..300).contains(s)) {
            self.expect_refusal("a describe racing deletes", get_missing, 404, *status, body);
        }
        if let Some((op, input)) = &get_in {
            let (status, body) = send(run, via, op, input).await;
            self.expect_refusal(
                "describing a resource deleted in a race",
                get_missing,
                404,
                status,
                &body,
            );
        }
        self.list_pages(scope, create, &[], 0).await;
        // Create, delete and describe of one name at once.
        let (Some(name), Some((get_op, get_in))) = (&named, &get_in) else {
            return;
        };
        for round in 0..3 {
            let (created, deleted, described) = tokio::join!(
                send(run, via, create_op, &one),
                send(run, via, delete_op, &del_in),
                send(run, via, get_op, get_in),
            );
            let made = (200..300).contains(&created.0);
            let gone = (200..300).contains(&deleted.0);
            if !made {
                self.fail(format!(
                    "round {round}: create of {name} racing its delete ({}): {} {}",
                    create_op.id, created.0, created.1
                ));
            }
            if !gone {
                self.expect_refusal(
                    "a delete racing its create",
                    missing,
                    404,
                    deleted.0,
                    &deleted.1,
                );
            }
            if !(200..300).contains(&described.0) {
                self.expect_refusal(
                    "a describe racing a create and a delete",
                    get_missing,
                    404,
                    described.0,
                    &described.1,
                );
            }
            let (status, body) = send(run, via, get_op, get_in).await;
            let there = (200..300).contains(&status);
            if there != (made && !gone) {
                self.fail(format!(
                    "round {round}: create {} and delete {} of {name} at once, then describe {status} {body}",
                    created.0, deleted.0
                ));
            }
            let left: Vec<String> = if there {
                vec![name.clone()]
            } else {
                Vec::new()
            };
            self.list_pages(scope, create, &left, left.len()).await;
            if there {
                let (status, body) = send(run, via, delete_op, &del_in).await;
                if !(200..300).contains(&status) {
                    self.fail(format!("delete {name} ({}): {status} {body}", delete_op.id));
                    return;
                }
            }
        }
    }

    /// One resource through its lifecycle on the store's clock (see [`check_lifecycles`]);
    /// `false` when it has none or could not be created.
    async fn lifecycle(&mut self, store: &super::Store, step: std::time::Duration) -> bool {
        let Some(&(create_op, create)) = self.ops.get(&Action::Create) else {
            return false;
        };
        let seen_by = [Action::Get, Action::List]
            .iter()
            .find_map(|a| self.ops.get(a).filter(|(_, p)| p.lifecycle.is_some()))
            .copied();
        let Some(life) = create
            .lifecycle
            .as_ref()
            .or_else(|| seen_by.and_then(|(_, p)| p.lifecycle.as_ref()))
        else {
            return false;
        };
        let Some(base) = self.input(create_op) else {
            self.fail(format!("no request case for {}", create_op.id));
            return false;
        };
        let scope: Vec<(String, Value)> = create
            .scope
            .iter()
            .filter_map(|k| Some((k.clone(), member(create_op, &base, k)?)))
            .collect();
        let one = variant(create_op, create, &base, 4 * N);
        let (status, body) = send(self.run, self.via, create_op, &one).await;
        if !(200..300).contains(&status) {
            self.fail(format!("create ({}): {status} {body}", create_op.id));
            return false;
        }
        let id = identity(create_op, create, &one).or_else(|| {
            create
                .id_out
                .as_ref()
                .and_then(|m| path(&body, m))
                .and_then(id_text)
        });
        let id = match id {
            Some(id) => id,
            None => match self.listed_ids(&scope, create).await.pop() {
                Some(id) => id,
                None => {
                    self.fail(format!("{} answers no id to follow", create_op.id));
                    return false;
                }
            },
        };
        let Some((seen_op, seen_plan)) = seen_by else {
            self.fail(format!(
                "{id}: no describe or list shows the lifecycle member `{}`",
                life.field
            ));
            return false;
        };
        let mut expected: Vec<Value> = life.pending.clone();
        expected.push(life.ready.clone());
        for (i, want) in expected.iter().enumerate() {
            let shown = self
                .state_of(seen_op, seen_plan, create, &scope, &id, &life.field)
                .await;
            if shown.as_ref().map(text) != Some(text(want)) {
                self.fail(format!(
                    "{id} after {i} steps of its lifecycle: {} shows {} = {shown:?}, want {want}",
                    seen_op.id, life.field
                ));
            }
            if i == 0 && i + 1 < expected.len() {
                self.busy_refusals(&scope, &id).await;
            }
            if i + 1 < expected.len() {
                store.advance(step);
            }
        }
        let Some(&(delete_op, delete)) = self.ops.get(&Action::Delete) else {
            return true;
        };
        let Some((status, body)) = self.by_id(delete_op, delete, &scope, &id).await else {
            return true;
        };
        if !(200..300).contains(&status) {
            self.fail(format!("delete {id} ({}): {status} {body}", delete_op.id));
            return true;
        }
        if let Some(deleting) = &life.deleting {
            let shown = self
                .state_of(seen_op, seen_plan, create, &scope, &id, &life.field)
                .await;
            if shown.as_ref().map(text) != Some(text(deleting)) {
                self.fail(format!(
                    "{id} just deleted: {} shows {} = {shown:?}, want {deleting}",
                    seen_op.id, life.field
                ));
            }
            store.advance(step);
        }
        if let Some(shown) = self
            .state_of(seen_op, seen_plan, create, &scope, &id, &life.field)
            .await
        {
            self.fail(format!(
                "{id} deleted and its deletion run: {} still shows it ({} = {shown})",
                seen_op.id, life.field
            ));
        }
        self.list_pages(&scope, create, &[], 0).await;
        true
    }

    /// While `id` is pending: an update or delete whose plan refuses a resource not yet final
    /// gets the documented answer, and leaves the resource as it was.
    async fn busy_refusals(&mut self, scope: &[(String, Value)], id: &str) {
        for action in [Action::Update, Action::Delete] {
            let Some(&(op, plan)) = self.ops.get(&action) else {
                continue;
            };
            let Some(busy) = &plan.busy else { continue };
            let Some((status, body)) = self.by_id(op, plan, scope, id).await else {
                continue;
            };
            self.expect_refusal(
                &format!("{} of {id} while it is pending", op.id),
                Some((busy.status, busy.code.as_str())),
                409,
                status,
                &body,
            );
        }
    }

    /// The lifecycle member `field` of resource `id` as the describe `op` (or the list) shows
    /// it; `None` when it is not there.
    async fn state_of(
        &mut self,
        op: &OperationSchema,
        plan: &Plan,
        create: &Plan,
        scope: &[(String, Value)],
        id: &str,
        field_name: &str,
    ) -> Option<Value> {
        let item = if plan.action == Action::Get {
            let (status, body) = self.by_id(op, plan, scope, id).await?;
            if !(200..300).contains(&status) {
                return None;
            }
            path(&body, plan.target.as_deref().unwrap_or("")).cloned()?
        } else {
            let input = self.full_list_input(op, plan, scope)?;
            let (_, body) = send(self.run, self.via, op, &input).await;
            let key = id_member(create, plan)?;
            items_at(&body, plan.items.as_deref().unwrap_or(""))
                .into_iter()
                .find(|i| item_id(i, &key).as_deref() == Some(id))?
        };
        Some(field(&item, field_name).cloned().unwrap_or(Value::Null))
    }

    /// The request of `op` for the resource `id` within `scope` (see [`Check::by_id`]).
    fn by_id_input(
        &mut self,
        op: &OperationSchema,
        plan: &Plan,
        scope: &[(String, Value)],
        id: &str,
    ) -> Option<Input> {
        let Some(mut input) = self.input(op) else {
            self.fail(format!("no request case for {}", op.id));
            return None;
        };
        for (k, v) in scope {
            input = with(op, &input, k, v.clone());
        }
        named(op, plan, input, id)
    }

    /// The ids every listed item shows (one page of up to `FULL`).
    async fn listed_ids(&mut self, scope: &[(String, Value)], create: &Plan) -> Vec<String> {
        let Some(&(list_op, list)) = self.ops.get(&Action::List) else {
            return Vec::new();
        };
        let Some(input) = self.full_list_input(list_op, list, scope) else {
            return Vec::new();
        };
        let (_, body) = send(self.run, self.via, list_op, &input).await;
        let Some(key) = id_member(create, list) else {
            return Vec::new();
        };
        items_at(&body, list.items.as_deref().unwrap_or(""))
            .iter()
            .filter_map(|i| item_id(i, &key))
            .collect()
    }

    /// Pages through the list: every id of `want` exactly once, `count` items in all, and the
    /// total the answer reports.
    async fn list_pages(
        &mut self,
        scope: &[(String, Value)],
        create: &Plan,
        want: &[String],
        count: usize,
    ) {
        let Some(&(list_op, list)) = self.ops.get(&Action::List) else {
            return;
        };
        let Some(base) = self.list_input(list_op, list) else {
            self.fail(format!("no request case for {}", list_op.id));
            return;
        };
        let mut base = base;
        for (k, v) in scope {
            base = with(list_op, &base, k, v.clone());
        }
        let item_key = id_member(create, list);
        let mut seen: Vec<Option<String>> = Vec::new();
        let mut start = 0u64;
        let mut marker: Option<String> = None;
        for _ in 0..=(N as u64 / PAGE + 2) {
            let mut input = base.clone();
            for (k, v) in page_members(list, start, PAGE) {
                input = with(list_op, &input, &k, v);
            }
            if let (Some(Paging::Marker { marker: m, .. }), Some(at)) = (&list.paging, &marker) {
                input = with(list_op, &input, m, Value::String(at.clone()));
            }
            let (status, body) = send(self.run, self.via, list_op, &input).await;
            if !(200..300).contains(&status) {
                self.fail(format!("list ({}): {status} {body}", list_op.id));
                return;
            }
            let items = items_at(&body, list.items.as_deref().unwrap_or(""));
            if let Some(t) = &list.total {
                let total = path(&body, t).and_then(|v| id_text(v)?.parse::<usize>().ok());
                if total != Some(count) {
                    self.fail(format!(
                        "{} reports total {total:?}, the store holds {count}",
                        list_op.id
                    ));
                }
            }
            let got = items.len() as u64;
            seen.extend(
                items
                    .iter()
                    .map(|i| item_key.as_deref().and_then(|keys| item_id(i, keys))),
            );
            match &list.paging {
                None => break,
                Some(Paging::Marker { next_marker, .. }) => {
                    marker = path(&body, next_marker).and_then(id_text);
                    if marker.is_none() {
                        break;
                    }
                }
                Some(_) => {
                    if got < PAGE {
                        break;
                    }
                    start += PAGE;
                }
            }
        }
        if matches!(
            list.paging,
            Some(Paging::PageNumber { .. } | Paging::OffsetLimit { .. })
        ) {
            // A page past the end: no items, and still the store's total.
            let past = (count as u64 / PAGE + 2) * PAGE;
            let mut input = base.clone();
            for (k, v) in page_members(list, past, PAGE) {
                input = with(list_op, &input, &k, v);
            }
            let (status, body) = send(self.run, self.via, list_op, &input).await;
            let items = items_at(&body, list.items.as_deref().unwrap_or(""));
            let total = list
                .total
                .as_ref()
                .map(|t| path(&body, t).and_then(|v| id_text(v)?.parse::<usize>().ok()));
            if !(200..300).contains(&status)
                || !items.is_empty()
                || total.is_some_and(|t| t != Some(count))
            {
                self.fail(format!(
                    "{} past the end (from item {past}, {count} held): {status}, {} items, total {:?}",
                    list_op.id,
                    items.len(),
                    total.flatten()
                ));
            }
        }
        if seen.len() != count {
            self.fail(format!(
                "paging {} by {PAGE} gave {} items, the store holds {count}",
                list_op.id,
                seen.len()
            ));
        }
        // Compare ids where every listed item shows one.
        let all_named = seen.iter().all(Option::is_some);
        if item_key.is_some() && all_named && want.len() == count {
            let mut got: Vec<String> = seen.into_iter().flatten().collect();
            got.sort();
            let mut want = want.to_vec();
            want.sort();
            if got != want {
                self.fail(format!("{} lists {got:?}, created {want:?}", list_op.id));
            }
        }
    }

    /// Pages the service cannot answer, over HTTP (a client's typed members cannot send some of
    /// them): a page size of 0, -1, beyond the 32-bit `Integer` the documents type it as, or
    /// no number, and a page number below the first or an offset below 0 — each the vendor's
    /// 400, its error code in the vendor's member, never a 200 with another page nor a 5xx.
    async fn bad_pages(&mut self, scope: &[(String, Value)]) {
        let Some(&(list_op, list)) = self.ops.get(&Action::List) else {
            return;
        };
        if self.via.is_some() {
            return;
        }
        let Some(base) = self.full_list_input(list_op, list, scope) else {
            return;
        };
        let (first, size, zero_is_all) = match &list.paging {
            Some(Paging::PageNumber { page, size, .. }) => (Some((page, "0")), Some(size), false),
            Some(Paging::OffsetLimit {
                offset,
                limit,
                zero_is_all,
                ..
            }) => (Some((offset, "-1")), Some(limit), *zero_is_all),
            Some(Paging::Marker { limit, .. }) => (None, limit.as_ref(), false),
            None => return,
        };
        let mut bad: Vec<(&String, &str)> = first.into_iter().collect();
        if let Some(size) = size {
            // A size of 0 is a page where the document says so: every item at once, as many
            // as a page of `FULL` holds.
            if zero_is_all {
                let items = list.items.as_deref().unwrap_or("");
                let (_, body) = send(self.run, None, list_op, &base).await;
                let full = items_at(&body, items).len();
                let zero = with(list_op, &base, size, Value::String("0".to_owned()));
                let (status, body) = send(self.run, None, list_op, &zero).await;
                let n = items_at(&body, items).len();
                if status != 200 || n != full || n == 0 {
                    self.fail(format!(
                        "{} with {size} = 0: {status} with {n} items, want all {full} on one page",
                        list_op.id
                    ));
                }
            }
            for v in ["0", "-1", "2147483648", "abc"] {
                if !(zero_is_all && v == "0") {
                    bad.push((size, v));
                }
            }
        }
        for (member, v) in bad {
            let input = with(list_op, &base, member, Value::String(v.to_owned()));
            let (status, body) = send(self.run, None, list_op, &input).await;
            let code = ["Code", "error_code", "code", "errorCode"]
                .iter()
                .find_map(|k| body.get(*k))
                .map(text)
                .filter(|c| !c.is_empty());
            if status != 400 || code.is_none() {
                self.fail(format!(
                    "{} with {member} = {v}: {status} {body}, want the vendor's 400",
                    list_op.id
                ));
            }
        }
    }

    /// Reads the list through the client's page stream, `PAGE` items a page: every id of
    /// `want` exactly once, `count` items in all, no page longer than asked, and the stream
    /// ends.
    async fn stream_pages(
        &mut self,
        scope: &[(String, Value)],
        create: &Plan,
        want: &[String],
        count: usize,
    ) {
        let Some(&(list_op, list)) = self.ops.get(&Action::List) else {
            return;
        };
        let Some(mut base) = self.list_input(list_op, list) else {
            return;
        };
        for (k, v) in scope {
            base = with(list_op, &base, k, v.clone());
        }
        let limit = count / PAGE as usize + 2;
        let Some(read) = self.page_stream(list_op, list, &base, limit) else {
            return;
        };
        let pages = match read.await {
            Ok(p) => p,
            Err(e) => {
                self.fail(format!(
                    "the page stream of {}: {} {}",
                    list_op.id,
                    e.status,
                    refusal(&e)
                ));
                return;
            }
        };
        if pages.len() > limit {
            self.fail(format!(
                "the page stream of {} over {count} items does not end after {limit} pages of {PAGE}",
                list_op.id
            ));
        }
        let item_key = id_member(create, list);
        let mut seen: Vec<Option<String>> = Vec::new();
        for page in &pages {
            let items = items_at(page, list.items.as_deref().unwrap_or(""));
            if items.len() as u64 > PAGE {
                self.fail(format!(
                    "a page of {PAGE} from the page stream of {} holds {} items",
                    list_op.id,
                    items.len()
                ));
            }
            seen.extend(
                items
                    .iter()
                    .map(|i| item_key.as_deref().and_then(|keys| item_id(i, keys))),
            );
        }
        if seen.len() != count {
            self.fail(format!(
                "the page stream of {} (pages of {PAGE}) gave {} items, the store holds {count}",
                list_op.id,
                seen.len()
            ));
        }
        if item_key.is_some() && seen.iter().all(Option::is_some) && want.len() == count {
            let mut got: Vec<String> = seen.into_iter().flatten().collect();
            got.sort();
            let mut want = want.to_vec();
            want.sort();
            if got != want {
                self.fail(format!(
                    "the page stream of {} lists {got:?}, created {want:?}",
                    list_op.id
                ));
            }
        }
    }

    /// Every listed item shows the members its create sent (found by the id it shows).
    async fn listed_reflect(
        &mut self,
        create_op: &OperationSchema,
        create: &Plan,
        scope: &[(String, Value)],
        inputs: &[Input],
        ids: &[Option<String>],
    ) {
        let Some(&(list_op, list)) = self.ops.get(&Action::List) else {
            return;
        };
        let Some(key) = id_member(create, list) else {
            return;
        };
        let Some(input) = self.full_list_input(list_op, list, scope) else {
            return;
        };
        let (status, body) = send(self.run, self.via, list_op, &input).await;
        if !(200..300).contains(&status) {
            return;
        }
        for item in items_at(&body, list.items.as_deref().unwrap_or("")) {
            let Some(id) = item_id(&item, &key) else {
                continue;
            };
            if let Some(k) = ids.iter().position(|i| i.as_deref() == Some(id.as_str())) {
                self.expect_reflected(create_op, create, &inputs[k], Some(&item), "the list item");
            }
        }
    }

    /// Sends `op` for the resource `id` (an array of one for batch deletes).
    async fn by_id(
        &mut self,
        op: &OperationSchema,
        plan: &Plan,
        scope: &[(String, Value)],
        id: &str,
    ) -> Option<(u16, Value)> {
        let Some(mut input) = self.input(op) else {
            self.fail(format!("no request case for {}", op.id));
            return None;
        };
        for (k, v) in scope {
            input = with(op, &input, k, v.clone());
        }
        let input = named(op, plan, input, id)?;
        Some(send(self.run, self.via, op, &input).await)
    }

    async fn update(
        &mut self,
        op: &OperationSchema,
        plan: &Plan,
        scope: &[(String, Value)],
        id: &str,
    ) {
        let Some(mut input) = self.input(op) else {
            return;
        };
        // A text member the update sends and the describe or list shows.
        let shown = self.shown_members().await;
        let listed_by = self
            .ops
            .get(&Action::Create)
            .zip(self.ops.get(&Action::List))
            .and_then(|(c, l)| id_member(c.1, l.1));
        if !self.ops.contains_key(&Action::Get)
            && !listed_by.is_some_and(|keys| keys.iter().all(|k| shown.contains(&norm(k))))
        {
            // Listed items do not show the id: the update cannot be observed.
            return;
        }
        let skip: Vec<&str> = plan
            .scope
            .iter()
            .chain(plan.id.iter())
            .map(String::as_str)
            .collect();
        let Some(name) = members(&input, op)
            .into_iter()
            .filter(|(k, v)| v.is_string() && !skip.contains(&k.as_str()) && is_text(op, k))
            .map(|(k, _)| k)
            .find(|k| shown.contains(&norm(&target_name(plan, k))))
        else {
            return;
        };
        input = with(op, &input, &name, Value::String("apigen-updated".into()));
        for (k, v) in scope {
            input = with(op, &input, k, v.clone());
        }
        if let Some(key) = plan.id.as_deref() {
            input = with(op, &input, key, Value::String(id.to_owned()));
        }
        let (status, body) = send(self.run, self.via, op, &input).await;
        if !(200..300).contains(&status) {
            self.fail(format!("update {id} ({}): {status} {body}", op.id));
            return;
        }
        let after = self.view_of(id, scope).await;
        let want = norm(&target_name(plan, &name));
        let got = after
            .as_ref()
            .and_then(|v| v.as_object())
            .and_then(|m| m.iter().find(|(k, _)| norm(k) == want))
            .map(|(_, v)| v.clone());
        if got != Some(Value::String("apigen-updated".into())) {
            self.fail(format!(
                "{} set {name} to \"apigen-updated\", then it shows {got:?}",
                op.id
            ));
        }
    }

    /// The members (normalised) a describe or listed item shows for this resource.
    async fn shown_members(&mut self) -> Vec<String> {
        let from = |v: &Value| -> Vec<String> {
            v.as_object()
                .map(|m| m.keys().map(|k| norm(k)).collect())
                .unwrap_or_default()
        };
        if let Some(&(get_op, get)) = self.ops.get(&Action::Get) {
            if let Some(case) = self.cases.iter().find(|c| c["op"] == get_op.id.as_str()) {
                if let Some(r) = case.get("response") {
                    return from(path(r, get.target.as_deref().unwrap_or("")).unwrap_or(r));
                }
            }
        }
        if let Some(&(list_op, list)) = self.ops.get(&Action::List) {
            if let Some(case) = self.cases.iter().find(|c| c["op"] == list_op.id.as_str()) {
                if let Some(first) = case
                    .get("response")
                    .map(|r| items_at(r, list.items.as_deref().unwrap_or("")))
                    .and_then(|i| i.first().cloned())
                {
                    return from(&first);
                }
            }
        }
        Vec::new()
    }

    /// The resource `id` as the describe (or else the list) shows it.
    async fn view_of(&mut self, id: &str, scope: &[(String, Value)]) -> Option<Value> {
        if let Some(&(get_op, get)) = self.ops.get(&Action::Get) {
            let (status, body) = self.by_id(get_op, get, scope, id).await?;
            return (200..300)
                .contains(&status)
                .then(|| path(&body, get.target.as_deref().unwrap_or("")).cloned())
                .flatten();
        }
        let &(list_op, list) = self.ops.get(&Action::List)?;
        let &(_, create) = self.ops.get(&Action::Create)?;
        let input = self.full_list_input(list_op, list, scope)?;
        let (_, body) = send(self.run, self.via, list_op, &input).await;
        let key = id_member(create, list)?;
        items_at(&body, list.items.as_deref().unwrap_or(""))
            .into_iter()
            .find(|i| item_id(i, &key).as_deref() == Some(id))
    }

    /// The text members the create sent are shown (by name, or as the plan renames them).
    fn expect_reflected(
        &mut self,
        op: &OperationSchema,
        plan: &Plan,
        sent: &Input,
        shown: Option<&Value>,
        what: &str,
    ) {
        let Some(Value::Object(shown)) = shown else {
            return;
        };
        let by_norm: BTreeMap<String, &Value> = shown.iter().map(|(k, v)| (norm(k), v)).collect();
        for (k, v) in members(sent, op) {
            let Value::String(s) = &v else { continue };
            if plan.scope.contains(&k) || s.is_empty() {
                continue;
            }
            let Some(got) = by_norm.get(&norm(&target_name(plan, &k))) else {
                continue;
            };
            // RPC requests carry every member as text; answers type them (`3`, `true`).
            if text(got) != *s {
                self.fail(format!("{what} shows {k} = {got}, the create sent {s:?}"));
            }
        }
    }

    fn expect_refusal(
        &mut self,
        what: &str,
        documented: Option<(u16, &str)>,
        fallback: u16,
        status: u16,
        body: &Value,
    ) {
        let want_status = documented.map_or(fallback, |(s, _)| s);
        let code = ["Code", "error_code", "code", "errorCode"]
            .iter()
            .find_map(|k| body.get(*k))
            .map(text);
        let code_ok = documented.is_none_or(|(_, c)| code.as_deref() == Some(c));
        if status != want_status || !code_ok {
            self.fail(format!(
                "{what}: got {status} {body}, want {want_status} {}",
                documented.map_or("", |(_, c)| c)
            ));
        }
    }
}

impl<'a> Check<'a> {
    /// The read of a paged list through the client's page stream (none over raw HTTP or for an
    /// unpaged list), `PAGE` items a page from the first, at most `limit` pages (and one more).
    fn page_stream(
        &self,
        list_op: &'a OperationSchema,
        list: &Plan,
        input: &Input,
        limit: usize,
    ) -> Option<Call<'a, Vec<Value>>> {
        let caller = self.via?;
        list.paging.as_ref()?;
        let mut input = input.clone();
        for (k, v) in page_members(list, 0, PAGE) {
            input = with(list_op, &input, &k, v);
        }
        Some(match to_model(list_op, &input) {
            Ok(m) => caller.pages(&list_op.id, m, limit).unwrap_or_else(|| {
                let e =
                    CallError::client(format!("the client has no page stream for {}", list_op.id));
                Box::pin(async move { Err(e) })
            }),
            Err(e) => Box::pin(async move { Err(e) }),
        })
    }
}

/// The create's request `k`: the client-chosen name (and unique members) made distinct — the
/// `k`-th documented value of an enum member, a made-up name where the case sends none.
fn variant(op: &OperationSchema, plan: &Plan, base: &Input, k: usize) -> Input {
    let mut out = base.clone();
    // The members of a composite identity count through their enums' combinations (an ACL:
    // Write/Read × LITERAL/PREFIXED), the first fastest.
    let mut stride = 1;
    for key in plan.id.iter().chain(&plan.key).chain(plan.unique.iter()) {
        let choices = enum_of(op, key);
        let v = if !choices.is_empty() {
            let v = choices[(k / stride) % choices.len()].clone();
            stride *= choices.len();
            v
        } else {
            match member(op, base, key) {
                Some(Value::String(s)) if !s.is_empty() => {
                    let stem: String = s
                        .chars()
                        .take(s.chars().count().saturating_sub(2).max(1))
                        .collect();
                    format!("{stem}{k:02}")
                }
                Some(_) => continue,
                None => format!("apigen{k:02}"),
            }
        };
        out = with(op, &out, key, Value::String(v));
    }
    out
}

/// How many distinct resources the check can create: an enum identity has as many as values.
fn creatable(op: &OperationSchema, plan: &Plan) -> usize {
    // Every member of the identity an enum: as many as their combinations.
    let sizes: Vec<usize> = plan
        .id
        .iter()
        .chain(&plan.key)
        .map(|k| enum_of(op, k).len())
        .collect();
    match sizes.iter().all(|n| *n > 0) && !sizes.is_empty() {
        true => sizes.iter().product::<usize>().min(N),
        false => N,
    }
}

/// The shape of member `key` of `op`: a parameter, else a field of the body.
fn member_shape<'o>(op: &'o OperationSchema, key: &str) -> Option<&'o crate::schema::Shape> {
    op.params
        .iter()
        .find(|p| p.name == key)
        .map(|p| &p.shape)
        .or_else(|| {
            op.body
                .as_ref()?
                .shape
                .fields
                .iter()
                .find(|f| f.name == key)
                .map(|f| &f.shape)
        })
}

/// Whether member `key` of `op` is typed as free text (no enum).
fn is_text(op: &OperationSchema, key: &str) -> bool {
    member_shape(op, key)
        .is_some_and(|s| s.kind == crate::schema::Kind::String && s.enum_values.is_empty())
}

/// Whether member `key` of `op` is typed as a number.
fn is_number(op: &OperationSchema, key: &str) -> bool {
    use crate::schema::Kind;
    member_shape(op, key)
        .is_some_and(|s| matches!(s.kind, Kind::Integer | Kind::Long | Kind::Number))
}

/// The documented values of member `key` of `op`, if it is an enum.
fn enum_of(op: &OperationSchema, key: &str) -> Vec<String> {
    op.params
        .iter()
        .find(|p| p.name == key)
        .map(|p| p.shape.enum_values.clone())
        .or_else(|| {
            let body = op.body.as_ref()?;
            body.shape
                .fields
                .iter()
                .find(|f| f.name == key)
                .map(|f| f.shape.enum_values.clone())
        })
        .unwrap_or_default()
}

/// The member of listed items holding the id.
/// The members of a listed item that name it: the create's id member (as the item names it),
/// then the rest of a composite identity.
fn id_member(create: &Plan, list: &Plan) -> Option<Vec<String>> {
    let key = create
        .id
        .as_ref()
        .or(create.id_out.as_ref())
        .or(create.id_field.as_ref())?;
    // A dotted answer member (`Result.AppId`) is the item's own `AppId`.
    let key = key.rsplit('.').next().unwrap_or(key);
    let listed = |k: &str| {
        create
            .renames
            .get(k)
            .or_else(|| list.renames.get(k))
            .map_or(k, String::as_str)
            .to_owned()
    };
    Some(
        std::iter::once(key)
            .chain(create.key.iter().map(String::as_str))
            .map(listed)
            .collect(),
    )
}

/// The id a listed item shows: its members `keys` (see [`id_member`]) joined as the store
/// joins a composite identity.
fn item_id(item: &Value, keys: &[String]) -> Option<String> {
    let parts: Option<Vec<String>> = keys
        .iter()
        .map(|k| field(item, k).and_then(id_text))
        .collect();
    Some(parts?.join(&KEY_SEPARATOR.to_string()))
}

/// The id of the resource `input` creates when the client names it: the id member's value,
/// or the values of a composite identity joined as the store joins them.
fn identity(op: &OperationSchema, plan: &Plan, input: &Input) -> Option<String> {
    let parts: Option<Vec<String>> = plan
        .id
        .iter()
        .chain(&plan.key)
        .map(|k| member(op, input, k).as_ref().and_then(id_text))
        .collect();
    parts
        .filter(|p| !p.is_empty())
        .map(|p| p.join(&KEY_SEPARATOR.to_string()))
}

/// `input` of a by-id operation naming resource `id` (a composite one by each of its
/// members; a batch member by a one-item list).
fn named(op: &OperationSchema, plan: &Plan, input: Input, id: &str) -> Option<Input> {
    let key = plan.id.as_deref()?;
    if !plan.key.is_empty() {
        let parts: Vec<&str> = id.split(KEY_SEPARATOR).collect();
        let members = std::iter::once(key).chain(plan.key.iter().map(String::as_str));
        return Some(members.zip(parts).fold(input, |i, (k, v)| {
            with(op, &i, k, Value::String(v.to_owned()))
        }));
    }
    let batch = matches!(member(op, &input, key), Some(Value::Array(_)));
    let v = Value::String(id.to_owned());
    let v = if batch { Value::Array(vec![v]) } else { v };
    Some(with(op, &input, key, v))
}

fn target_name(plan: &Plan, k: &str) -> String {
    plan.renames.get(k).cloned().unwrap_or_else(|| k.to_owned())
}

fn norm(k: &str) -> String {
    k.replace(['_', '-'], "").to_ascii_lowercase()
}

fn id_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn path<'v>(v: &'v Value, p: &str) -> Option<&'v Value> {
    if p.is_empty() {
        return Some(v);
    }
    p.split('.').try_fold(v, |cur, k| cur.get(k))
}

/// A member of an item, by name ignoring case and `_`.
fn field<'v>(item: &'v Value, key: &str) -> Option<&'v Value> {
    let want = norm(key);
    item.as_object()?
        .iter()
        .find(|(k, _)| norm(k) == want)
        .map(|(_, v)| v)
}

/// The items at `p` (through a one-member wrapper object).
fn items_at(v: &Value, p: &str) -> Vec<Value> {
    match path(v, p) {
        Some(Value::Array(a)) => a.clone(),
        Some(Value::Object(m)) if m.len() == 1 => m
            .values()
            .next()
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default(),
        _ => Vec::new(),
    }
}

/// The request's members: RPC parameters, or REST parameters and body members.
fn members(input: &Input, op: &OperationSchema) -> Vec<(String, Value)> {
    match input {
        Input::Rpc(pairs) => pairs
            .iter()
            .map(|(k, v)| (k.clone(), Value::String(v.clone())))
            .collect(),
        Input::Rest(m) => {
            let mut out: Vec<(String, Value)> = m
                .iter()
                .filter(|(k, _)| op.body.as_ref().is_none_or(|b| &b.key != *k))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            if let Some(Value::Object(body)) = op.body.as_ref().and_then(|b| m.get(&b.key)) {
                out.extend(body.iter().map(|(k, v)| (k.clone(), v.clone())));
            }
            out
        }
    }
}

fn member(op: &OperationSchema, input: &Input, key: &str) -> Option<Value> {
    members(input, op)
        .into_iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v)
}

/// `input` with member `key` set to `v` (a parameter where the operation has one, else a body
/// member).
fn with(op: &OperationSchema, input: &Input, key: &str, v: Value) -> Input {
    match input {
        Input::Rpc(pairs) => {
            let prefix = format!("{key}.");
            let mut out: Vec<(String, String)> = pairs
                .iter()
                .filter(|(k, _)| k != key && !k.starts_with(&prefix))
                .cloned()
                .collect();
            match &v {
                Value::Array(items) => out.extend(
                    items
                        .iter()
                        .enumerate()
                        .map(|(i, x)| (format!("{key}.{}", i + 1), text(x))),
                ),
                v => out.push((key.to_owned(), text(v))),
            }
            Input::Rpc(out)
        }
        Input::Rest(m) => {
            let mut m: Map<String, Value> = m.clone();
            let is_param = op.params.iter().any(|p| p.name == key);
            match op.body.as_ref().filter(|_| !is_param) {
                Some(b) => {
                    let body = m
                        .entry(b.key.clone())
                        .or_insert_with(|| Value::Object(Map::new()));
                    if let Value::Object(body) = body {
                        body.insert(key.to_owned(), v);
                    }
                }
                None => {
                    m.insert(key.to_owned(), v);
                }
            }
            Input::Rest(m)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_endless_page_stream_is_cut_one_page_past_the_limit() {
        let endless = futures_util::stream::repeat_with(|| Ok::<_, crate::Error>(vec![1, 2, 3]));
        let pages = futures_util::FutureExt::now_or_never(collect_pages(endless, 4))
            .expect("ready")
            .expect("pages");
        assert_eq!(
            pages.len(),
            5,
            "one more than the limit tells it does not end"
        );
    }

    #[test]
    fn a_service_error_keeps_its_status_and_code() {
        let e = crate::Error::Service(crate::error::ServiceError {
            status: 409,
            code: Some("TopicAlreadyExist".into()),
            message: Some("exists".into()),
            request_id: None,
            retry_after: None,
            body_excerpt: String::new(),
        });
        let c = CallError::from(e);
        assert_eq!(
            (c.status, c.code.as_deref()),
            (409, Some("TopicAlreadyExist"))
        );
        assert_eq!(refusal(&c)["Code"], "TopicAlreadyExist");
        let d = CallError::from(crate::Error::decode(200, "bad", b"{"));
        assert_eq!(
            (d.status, d.code),
            (0, None),
            "a decode failure is the client's"
        );
    }
}
