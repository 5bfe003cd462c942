//! Stateful mocks: create, list, describe, update and delete operations of one resource see
//! each other's effects through a [`Store`], as the service's would.
//!
//! Which operation does what to which resource is not decided here: `apigen` infers it from the
//! spec (names, paths, paging, error tables, status enums), applies the service's reviewed
//! resource file (`specs/resources/<service>.yaml`) and writes one [`Plan`] per operation into
//! the mock crate (`src/stateful.json`, listed in its README). This engine only follows plans, so
//! it serves any spec the same way.
//!
//! What a client sees:
//! * identity: the request member the plan names (`Topic`, a body `id`) when the client sends
//!   it, else a fresh id in the documented format (`8959ab1c-…`), answered in the create's
//!   response member (`instance_id`);
//! * reflection: a described or listed item is the documented example's item with the stored
//!   request members written over the members they share (by name, ignoring case and `_`, or as
//!   the plan renames them: `id` → `name`);
//! * paging: page number/size, offset/limit and marker requests get exactly their window, with
//!   the total of the store at that moment;
//! * errors: a second create of an id (or of a unique member such as an instance name) is the
//!   document's conflict error, a describe/update/delete of a missing id its not-found error
//!   (vendor-shaped 409/404 when the document lists none);
//! * lifecycles: a resource with a status member passes through its pending states on the
//!   [`LifecycleClock`] before its final one, and through its deleting state before it is gone;
//! * every operation is one critical section of the store, so parallel clients see a
//!   linearizable history; with [`Stateful::persist_to`] the state survives restarts.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

pub use crate::schema::{Action, ErrorAnswer, Lifecycle, Paging, Plan};
use crate::server::ApiError;

/// How long each lifecycle state lasts: zero (`instant`, the default) shows every resource in
/// its final state at once; otherwise each pending state (and the deleting state) lasts the
/// resource's delay.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LifecycleClock {
    default: Duration,
    per_resource: BTreeMap<String, Duration>,
}

impl LifecycleClock {
    /// The delay of one state in `realistic` mode.
    pub const REALISTIC: Duration = Duration::from_secs(3);

    /// Every resource in its final state at once.
    pub fn instant() -> Self {
        Self::default()
    }

    /// Each state lasts `delay`.
    pub fn uniform(delay: Duration) -> Self {
        Self {
            default: delay,
            per_resource: BTreeMap::new(),
        }
    }

    /// Each state of `resource` lasts `delay`.
    pub fn with(mut self, resource: &str, delay: Duration) -> Self {
        self.per_resource.insert(resource.to_owned(), delay);
        self
    }

    /// Parses `instant`, `realistic`, a duration (`500ms`, `2s`) or a comma-separated list of
    /// those and `resource=duration` entries (`instant,v2/instances=2s`).
    pub fn parse(text: &str) -> Result<Self, ClockError> {
        let mut out = Self::default();
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            match part.rsplit_once('=') {
                Some((resource, d)) => {
                    out.per_resource
                        .insert(resource.trim().to_owned(), parse_duration(d.trim())?);
                }
                None => {
                    out.default = match part {
                        "instant" => Duration::ZERO,
                        "realistic" => Self::REALISTIC,
                        d => parse_duration(d)?,
                    }
                }
            }
        }
        Ok(out)
    }

    /// The delay of one state of `resource`.
    pub fn delay(&self, resource: &str) -> Duration {
        self.per_resource
            .get(resource)
            .copied()
            .unwrap_or(self.default)
    }
}

/// A lifecycle clock ([`LifecycleClock::parse`]) with a part that is not a duration.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("expected a duration such as 500ms or 2s, got {text:?}")]
pub struct ClockError {
    /// The part that is not a duration (`2h`, `fast`, `-1s`).
    pub text: String,
}

/// A mock state file ([`Stateful::persist_to`]) that cannot be read or is not one.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StateFileError {
    /// The file exists but cannot be read.
    #[error("{}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The file is not a state a mock wrote.
    #[error("{}: not a mock state file: {source}", path.display())]
    NotStateFile {
        /// The file.
        path: PathBuf,
        /// Where and why it does not parse (line and column).
        #[source]
        source: serde_json::Error,
    },
}

fn parse_duration(text: &str) -> Result<Duration, ClockError> {
    let bad = || ClockError {
        text: text.to_owned(),
    };
    let (num, unit) = text
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .map_or((text, "s"), |i| text.split_at(i));
    let n: f64 = num.parse().map_err(|_| bad())?;
    let secs = match unit {
        "ms" => n / 1000.0,
        "s" => n,
        "m" | "min" => n * 60.0,
        _ => return Err(bad()),
    };
    if !secs.is_finite() || !(0.0..=86_400.0).contains(&secs) {
        return Err(bad());
    }
    Ok(Duration::from_secs_f64(secs))
}

/// The stateful engine of one mock: the plans, the store and the lifecycle clock.
#[derive(Debug, Clone)]
pub struct Stateful {
    plans: Arc<BTreeMap<String, Plan>>,
    store: Store,
    clock: LifecycleClock,
}

impl Stateful {
    /// An engine with these plans and an empty store (ids seeded by `seed`), every resource
    /// final at once.
    pub fn new(plans: BTreeMap<String, Plan>, seed: u64) -> Self {
        Self {
            plans: Arc::new(plans),
            store: Store::new(seed),
            clock: LifecycleClock::instant(),
        }
    }

    /// The engine a mock binary's command line asks for: `None` without `--stateful`; the
    /// `--lifecycle` clock and the `--state` file otherwise (a bad value is an error to print).
    pub fn from_cli(
        plans: BTreeMap<String, Plan>,
        args: &crate::server::cli::CliArgs,
    ) -> Result<Option<Self>, crate::server::cli::CliError> {
        use crate::server::cli::CliError;
        if !args.stateful {
            return Ok(None);
        }
        let clock = match &args.lifecycle {
            Some(text) => LifecycleClock::parse(text).map_err(CliError::Lifecycle)?,
            None => LifecycleClock::instant(),
        };
        let mut engine = Self::new(plans, args.seed).with_lifecycle(clock);
        if let Some(path) = &args.state {
            engine = engine.persist_to(path).map_err(CliError::State)?;
        }
        Ok(Some(engine))
    }

    /// The same engine with lifecycle states lasting as `clock` says.
    pub fn with_lifecycle(mut self, clock: LifecycleClock) -> Self {
        self.clock = clock;
        self
    }

    /// Loads the state from `path` when it exists and writes it back there (atomically: a
    /// temporary file renamed over it) after every change.
    pub fn persist_to(mut self, path: impl Into<PathBuf>) -> Result<Self, StateFileError> {
        self.store = self.store.persisted(path.into())?;
        Ok(self)
    }

    /// The store (tests inspect it).
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The plans, by operation.
    pub fn plans(&self) -> &BTreeMap<String, Plan> {
        &self.plans
    }

    /// Applies `operation` to the store and gives its answer, built on `default()` (the
    /// documented example); `None` when the operation has no plan.
    pub fn apply(
        &self,
        operation: &str,
        input: &Value,
        default: impl FnOnce() -> Value,
    ) -> Result<Option<Value>, ApiError> {
        let Some(plan) = self.plans.get(operation) else {
            return Ok(None);
        };
        let fields = flatten_input(input);
        let kind = format!("{}{}", plan.resource, scope_key(plan, &fields));
        let now = self.store.now_ms();
        let step = self.clock.delay(&plan.resource).as_millis() as u64;
        let mut body = default();
        match plan.action {
            Action::Create => self.create(plan, &kind, fields, now, step, &mut body)?,
            Action::List => self.list(plan, &kind, &fields, now, &mut body)?,
            Action::Get | Action::Update | Action::Delete => {
                let ids: Vec<String> = match plan.id.as_ref().and_then(|k| fields.get(k)) {
                    Some(_) if !plan.key.is_empty() => {
                        composite_id(plan, &fields).map_err(|k| ApiError::missing_parameter(&k))?
                    }
                    Some(Value::Array(items)) => items.iter().filter_map(id_text).collect(),
                    Some(v) => id_text(v).into_iter().collect(),
                    None => Vec::new(),
                };
                if ids.is_empty() {
                    return Err(ApiError::missing_parameter(
                        plan.id.as_deref().unwrap_or("id"),
                    ));
                }
                // A describe or delete that does not take the create's scope (retailcloud's
                // DeleteDeployConfig takes the SchemaId only) finds the resource in any scope.
                let kind = self.store.kind_of(&plan.resource, &kind, &ids[0]);
                let kind = kind.as_str();
                match plan.action {
                    Action::Delete => {
                        let deleting = plan.lifecycle.as_ref().and_then(|l| l.deleting.as_ref());
                        let linger = if deleting.is_some() { step } else { 0 };
                        self.store
                            .delete(kind, &ids, now, linger, plan.busy.is_some())
                            .map_err(|e| self.refusal(plan, e))?;
                    }
                    Action::Update => {
                        let mut patch = fields.clone();
                        for k in plan.scope.iter().chain(plan.id.iter()) {
                            patch.remove(k);
                        }
                        apply_renames(plan, &mut patch);
                        let record = self
                            .store
                            .update(kind, &ids[0], patch, now, plan.busy.is_some())
                            .map_err(|e| self.refusal(plan, e))?;
                        let view = self.view(plan, &record, now);
                        body = overlay_existing(&body, &view);
                    }
                    _ => {
                        let record = self
                            .store
                            .get(kind, &ids[0], now)
                            .ok_or_else(|| self.refusal(plan, Refusal::Missing(ids[0].clone())))?;
                        let view = self.view(plan, &record, now);
                        let path = plan.target.as_deref().unwrap_or("");
                        let current = get_path(&body, path).cloned().unwrap_or(Value::Null);
                        set_path(&mut body, path, overlay(&current, &view));
                    }
                }
            }
        }
        Ok(Some(body))
    }

    fn create(
        &self,
        plan: &Plan,
        kind: &str,
        fields: Map<String, Value>,
        now: u64,
        step: u64,
        body: &mut Value,
    ) -> Result<(), ApiError> {
        let named = match plan.key.is_empty() {
            true => plan
                .id
                .as_ref()
                .and_then(|k| fields.get(k))
                .and_then(id_text),
            false => composite_id(plan, &fields)
                .map_err(|k| ApiError::missing_parameter(&k))?
                .pop(),
        };
        let mut record = fields;
        let unique: Vec<(String, Value)> = plan
            .unique
            .iter()
            .filter_map(|k| Some((k.clone(), record.get(k)?.clone())))
            .collect();
        let states = plan.lifecycle.as_ref().map_or(0, |l| l.pending.len()) as u64;
        let template = plan.id_format.as_deref();
        let id = self
            .store
            .create(
                kind,
                named,
                |rng| shaped_id(template, &plan.resource, rng),
                &unique,
                now,
                (step, states * step),
                |id| {
                    // A dotted answer member (`kie.id`) names the resource's own `id`.
                    // (A composite identity is the request's own members, kept as sent.)
                    let own_id = plan.id.iter().filter(|_| plan.key.is_empty());
                    for k in own_id.chain(&plan.id_out).chain(&plan.id_field) {
                        let own = k.rsplit('.').next().unwrap_or(k);
                        record.insert(own.to_owned(), Value::String(id.to_owned()));
                    }
                    apply_renames(plan, &mut record);
                    Value::Object(std::mem::take(&mut record))
                },
            )
            .map_err(|e| self.refusal(plan, e))?;
        if let Some(out) = &plan.id_out {
            // A client-chosen name does not stand where the answer has a number.
            let like = get_path(body, out).cloned().unwrap_or(Value::Null);
            set_path(body, out, fit(&like, &Value::String(id.clone())));
        }
        if let Some(record) = self.store.get(kind, &id, now) {
            let view = self.view(plan, &record, now);
            *body = overlay_existing(body, &view);
        }
        Ok(())
    }

    fn list(
        &self,
        plan: &Plan,
        kind: &str,
        fields: &Map<String, Value>,
        now: u64,
        body: &mut Value,
    ) -> Result<(), ApiError> {
        // A paging member the client sends must be a page the service can answer: a whole
        // number, at least 1 (pages and sizes) or 0 (offsets), within the 32-bit `Integer` the
        // documents type it as (and echo it back as). Anything else is the vendor's 400, as the
        // live services refuse it, not a silently different page. Absent (or blank) members get
        // the documented default.
        let number = |k: &str, min: i64| paging_number(fields, k, min);
        let (window, echo) = match &plan.paging {
            None => (Window::All, Vec::new()),
            Some(Paging::PageNumber {
                page,
                size,
                default_size,
            }) => {
                let n = number(page, 1)?.unwrap_or(1);
                let s = number(size, 1)?.or(*default_size).unwrap_or(10).max(1);
                (
                    Window::Offset {
                        start: (n - 1).saturating_mul(s),
                        len: s,
                    },
                    vec![(page.clone(), n), (size.clone(), s)],
                )
            }
            Some(Paging::OffsetLimit {
                offset,
                limit,
                default_size,
                zero_is_all,
            }) => {
                let o = number(offset, 0)?.unwrap_or(0);
                let l = number(limit, i64::from(!zero_is_all))?
                    .or(*default_size)
                    .unwrap_or(10);
                // 0 is a limit only where the document makes it "all on one page".
                let len = if l == 0 { u64::MAX } else { l };
                (
                    Window::Offset { start: o, len },
                    vec![(offset.clone(), o), (limit.clone(), l)],
                )
            }
            Some(Paging::Marker {
                marker,
                limit,
                default_size,
                ..
            }) => {
                let after = match fields.get(marker).and_then(id_text) {
                    None => 0,
                    Some(m) => m.parse::<u64>().map_err(|_| {
                        ApiError::invalid_parameter(
                            marker,
                            format!("{marker} is not a marker this service gave"),
                        )
                    })?,
                };
                let l = match limit {
                    Some(k) => number(k, 1)?,
                    None => None,
                }
                .or(*default_size)
                .unwrap_or(10)
                .max(1);
                (Window::From { seq: after, len: l }, Vec::new())
            }
        };
        let template = plan
            .items
            .as_ref()
            .and_then(|path| get_path(body, path))
            .and_then(|v| v.as_array())
            .and_then(|a| a.first())
            .cloned()
            .unwrap_or(Value::Object(Map::new()));
        // Filters compare what the client would see: the listed item, lifecycle state included.
        // A fuzzy filter matches items whose member contains the value, unless its switch
        // (`exact_match_name`) is `true`.
        // A list of values (`InstanceId.N`) matches an item holding any of them.
        let wanted: Vec<(&str, Vec<String>, bool)> = plan
            .filters
            .iter()
            .filter_map(|(k, item)| {
                let fuzzy = plan.fuzzy.get(k).is_some_and(|switch| {
                    switch
                        .as_ref()
                        .and_then(|s| fields.get(s))
                        .and_then(id_text)
                        .is_none_or(|t| !t.trim().eq_ignore_ascii_case("true"))
                });
                let values: Vec<String> = match fields.get(k)? {
                    Value::Array(items) => items.iter().filter_map(id_text).collect(),
                    v => id_text(v).into_iter().collect(),
                };
                (!values.is_empty()).then_some((item.as_str(), values, fuzzy))
            })
            .collect();
        let page = self.store.page_where(kind, now, window, |r| {
            if wanted.is_empty() {
                return true;
            }
            let item = overlay(&template, &self.view(plan, r, now));
            wanted.iter().all(|(member, values, fuzzy)| {
                item_field(&item, member)
                    .and_then(id_text)
                    .is_some_and(|x| {
                        values.iter().any(|v| {
                            if *fuzzy {
                                x.contains(v.as_str())
                            } else {
                                &x == v
                            }
                        })
                    })
            })
        });
        if let Some(path) = &plan.items {
            let items: Vec<Value> = page
                .records
                .iter()
                .map(|r| overlay(&template, &self.view(plan, r, now)))
                .collect();
            set_path(body, path, Value::Array(items));
        }
        if let Some(path) = &plan.total {
            set_path(body, path, Value::from(page.total));
        }
        if let Some(Paging::Marker { next_marker, .. }) = &plan.paging {
            let next = page.next.map(|s| s.to_string()).unwrap_or_default();
            set_path(body, next_marker, Value::String(next));
        }
        // Echo the page the answer holds where the example has members of those names.
        if let Value::Object(top) = body {
            for (k, v) in echo {
                if let Some(slot) = top.get_mut(&k) {
                    *slot = match slot {
                        Value::String(_) => Value::String(v.to_string()),
                        _ => Value::from(v),
                    };
                }
            }
        }
        Ok(())
    }

    /// The stored record as a client sees it now: its lifecycle state filled in.
    fn view(&self, plan: &Plan, record: &Record, now: u64) -> Value {
        let mut v = record.value.clone();
        if let (Some(l), Value::Object(m)) = (&plan.lifecycle, &mut v) {
            m.insert(l.field.clone(), record.state(l, now));
        }
        v
    }

    fn refusal(&self, plan: &Plan, why: Refusal) -> ApiError {
        let resource = noun(&plan.resource);
        let why = match why {
            Refusal::Exists(id) => Refusal::Exists(id.replace(KEY_SEPARATOR, ", ")),
            Refusal::Missing(id) => Refusal::Missing(id.replace(KEY_SEPARATOR, ", ")),
            Refusal::Busy(id) => Refusal::Busy(id.replace(KEY_SEPARATOR, ", ")),
        };
        let from = |e: &ErrorAnswer| ApiError::service(e.status, e.code.clone(), e.message.clone());
        match why {
            Refusal::Exists(id) => plan.conflict.as_ref().map(from).unwrap_or_else(|| {
                ApiError::service(
                    409,
                    "ResourceAlreadyExists",
                    format!("The {resource} {id:?} already exists."),
                )
            }),
            Refusal::Missing(id) => plan.not_found.as_ref().map(from).unwrap_or_else(|| {
                ApiError::service(
                    404,
                    "ResourceNotFound",
                    format!("The {resource} {id:?} does not exist."),
                )
            }),
            Refusal::Busy(id) => plan.busy.as_ref().map(from).unwrap_or_else(|| {
                ApiError::service(
                    409,
                    "IncorrectResourceStatus",
                    format!("The {resource} {id:?} is not in a state that allows this operation."),
                )
            }),
        }
    }
}

/// Sets the paging members of a list request `input` (the request model's serde form) of `op`
/// to the page starting at item `start` holding `size` items — or, for markers, the first page
/// — as the member's type asks (the documents type some numbers as strings), and drops the
/// list's filter members (a request case's example values would hide what was created).
pub fn set_page(
    plan: &Plan,
    op: Option<&crate::schema::OperationSchema>,
    input: &mut Map<String, Value>,
    start: u64,
    size: u64,
) {
    let put = |input: &mut Map<String, Value>, k: &str, n: u64| {
        let textual = op
            .and_then(|o| o.params.iter().find(|p| p.key() == k || p.name == k))
            .map(|p| p.shape.kind == crate::schema::Kind::String)
            .unwrap_or_else(|| matches!(input.get(k), Some(Value::String(_))));
        let v = if textual {
            Value::String(n.to_string())
        } else {
            Value::from(n)
        };
        input.insert(k.to_owned(), v);
    };
    if let Some(Paging::Marker { marker, .. }) = &plan.paging {
        input.remove(marker);
    }
    for k in plan.filters.keys() {
        input.remove(k);
    }
    for (k, v) in page_members(plan, start, size) {
        put(input, &k, v.as_u64().unwrap_or_default());
    }
}

/// The paging members of a list request for the page starting at item `start` holding `size`
/// items (for markers, the first page's limit).
pub fn page_members(plan: &Plan, start: u64, size: u64) -> Vec<(String, Value)> {
    match &plan.paging {
        Some(Paging::PageNumber { page, size: s, .. }) => vec![
            (page.clone(), Value::from(start / size.max(1) + 1)),
            (s.clone(), Value::from(size)),
        ],
        Some(Paging::OffsetLimit { offset, limit, .. }) => vec![
            (offset.clone(), Value::from(start)),
            (limit.clone(), Value::from(size)),
        ],
        Some(Paging::Marker { limit, .. }) => limit
            .iter()
            .map(|l| (l.clone(), Value::from(size)))
            .collect(),
        None => Vec::new(),
    }
}

/// `v2/instances/topics` → `topics`, for messages.
fn noun(resource: &str) -> &str {
    resource.rsplit('/').next().unwrap_or(resource)
}

/// A fresh id shaped like `template` (each letter, digit and hex digit replaced by a random one
/// of its class, separators kept), or `resource-xxxxxxxx`.
fn shaped_id(template: Option<&str>, resource: &str, rng: &mut fastrand::Rng) -> String {
    const HEX: &[u8] = b"0123456789abcdef";
    // A template with few letters and digits (an example id `0`) would run out of ids: it is
    // widened to eight of them.
    let widened;
    let template = match template {
        Some(t) if t.chars().filter(char::is_ascii_alphanumeric).count() < 8 => {
            let numeric = !t.is_empty() && t.chars().all(|c| c.is_ascii_digit());
            let pad = 8 - t.chars().filter(char::is_ascii_alphanumeric).count();
            widened = if numeric {
                format!("{}{}", "1".repeat(pad), t)
            } else if t.is_empty() {
                String::new()
            } else {
                format!("{t}-{}", "a".repeat(pad))
            };
            Some(widened.as_str())
        }
        t => t,
    };
    match template.filter(|t| !t.is_empty() && t.len() <= 128) {
        // A numeric id (a `long` in the client) never starts with 0, which its number would drop.
        Some(t) if t.chars().all(|c| c.is_ascii_digit()) => t
            .chars()
            .enumerate()
            .map(|(i, _)| (b'0' + rng.u8(u8::from(i == 0)..10)) as char)
            .collect(),
        Some(t) => t
            .chars()
            .map(|c| match c {
                'a'..='f' => HEX[rng.usize(10..16)] as char,
                'g'..='z' => rng.lowercase(),
                'A'..='Z' => rng.uppercase(),
                '0'..='9' => HEX[rng.usize(..10)] as char,
                c => c,
            })
            .collect(),
        None => format!("{}-{:08x}", noun(resource), rng.u32(..)),
    }
}

/// Writes each renamed request member under its response name too; a dotted name places it
/// in an object (`CodePath` → `ContainerCodePath.CodePath`).
fn apply_renames(plan: &Plan, record: &mut Map<String, Value>) {
    for (from, to) in &plan.renames {
        let Some(v) = record.get(from).cloned() else {
            continue;
        };
        match to.split_once('.') {
            None => {
                record.insert(to.clone(), v);
            }
            Some((top, rest)) => {
                let slot = record
                    .entry(top.to_owned())
                    .or_insert_with(|| Value::Object(Map::new()));
                set_path(slot, rest, v);
            }
        }
    }
}

/// The request's members with the body's members merged in (REST bodies hold the resource).
fn flatten_input(input: &Value) -> Map<String, Value> {
    let mut out = Map::new();
    if let Value::Object(m) = input {
        for (k, v) in m {
            if let (true, Value::Object(body)) = (k == "body", v) {
                for (bk, bv) in body {
                    out.entry(bk.clone()).or_insert_with(|| bv.clone());
                }
            } else {
                out.insert(k.clone(), v.clone());
            }
        }
    }
    out
}

/// What joins the members of a composite identity in the store's ids (no document's value
/// holds it).
pub const KEY_SEPARATOR: char = '\u{1f}';

/// The store id of a resource with a composite identity (`plan.id` and `plan.key` values,
/// joined by [`KEY_SEPARATOR`]), or the first member the request lacks.
fn composite_id(plan: &Plan, fields: &Map<String, Value>) -> Result<Vec<String>, String> {
    let mut parts = Vec::new();
    for k in plan.id.iter().chain(&plan.key) {
        parts.push(fields.get(k).and_then(id_text).ok_or_else(|| k.clone())?);
    }
    Ok(vec![parts.join(&KEY_SEPARATOR.to_string())])
}

/// The scope values of a request, each after a `|` (resource names hold `/`).
fn scope_key(plan: &Plan, fields: &Map<String, Value>) -> String {
    plan.scope
        .iter()
        .map(|k| format!("|{}", fields.get(k).and_then(id_text).unwrap_or_default()))
        .collect()
}

/// The paging member `k` of a list request: `None` when absent or blank; the vendor's 400 when
/// it is no whole number, below `min` or beyond the 32-bit `Integer` the documents type paging
/// members as.
fn paging_number(fields: &Map<String, Value>, k: &str, min: i64) -> Result<Option<u64>, ApiError> {
    let text = match fields.get(k) {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::String(s)) if s.trim().is_empty() => return Ok(None),
        Some(Value::String(s)) => s.trim().to_owned(),
        Some(v) => v.to_string(),
    };
    let n: i64 = text
        .parse()
        .map_err(|_| ApiError::invalid_parameter(k, format!("{text:?} is not a whole number")))?;
    if n < min {
        return Err(ApiError::invalid_parameter(
            k,
            format!("{n} is below the minimum {min}"),
        ));
    }
    if n > i64::from(i32::MAX) {
        return Err(ApiError::invalid_parameter(
            k,
            format!("{n} is above the maximum {}", i32::MAX),
        ));
    }
    Ok(Some(n as u64))
}

fn id_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn norm(k: &str) -> String {
    k.replace(['_', '-'], "").to_ascii_lowercase()
}

/// A member of an item, by name ignoring case and `_`.
fn item_field<'v>(item: &'v Value, key: &str) -> Option<&'v Value> {
    let m = item.as_object()?;
    m.get(key).or_else(|| {
        let want = norm(key);
        m.iter().find(|(k, _)| norm(k) == want).map(|(_, v)| v)
    })
}

/// `template` with the members it shares with `record` (compared ignoring case and `_`)
/// replaced by the record's values; an empty template or one that is not an object gives the
/// record.
fn overlay(template: &Value, record: &Value) -> Value {
    let (Value::Object(t), Value::Object(_)) = (template, record) else {
        // A list of scalars (or an answer that is no object) keeps its documented form.
        return match template {
            Value::Null => record.clone(),
            _ => template.clone(),
        };
    };
    if t.is_empty() {
        return record.clone();
    }
    overlay_existing(template, record)
}

/// `template` with the members it shares with `record` replaced (a template that is not an
/// object is kept).
fn overlay_existing(template: &Value, record: &Value) -> Value {
    let (Value::Object(t), Value::Object(r)) = (template, record) else {
        return template.clone();
    };
    let by_norm: BTreeMap<String, &String> = t.keys().map(|k| (norm(k), k)).collect();
    let mut out = t.clone();
    for (k, v) in r {
        let Some(key) = t
            .get_key_value(k)
            .map(|(k, _)| k)
            .or_else(|| by_norm.get(&norm(k)).copied())
        else {
            continue;
        };
        let v = fit(&t[key], v);
        out.insert(key.clone(), v);
    }
    Value::Object(out)
}

/// `v` in the form of the example value `like`: numbers and booleans the request held as text
/// become numbers and booleans, and the other way round.
fn fit(like: &Value, v: &Value) -> Value {
    match (like, v) {
        (Value::Number(_), Value::String(s)) => s
            .trim()
            .parse::<i64>()
            .map(Value::from)
            .or_else(|_| s.trim().parse::<f64>().map(Value::from))
            // Text that is no number (an id where the example has a number) cannot stand there.
            .unwrap_or_else(|_| like.clone()),
        (Value::Bool(_), Value::String(s)) => match s.as_str() {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            _ => like.clone(),
        },
        (Value::String(_), Value::Number(n)) => Value::String(n.to_string()),
        (Value::String(_), Value::Bool(b)) => Value::String(b.to_string()),
        (Value::Object(_), Value::Object(_)) => overlay_existing(like, v),
        (Value::Array(l), Value::Array(r)) => match l.first() {
            Some(first) if r.iter().all(|x| kin(first, x)) => {
                Value::Array(r.iter().map(|x| fit(first, x)).collect())
            }
            Some(_) => like.clone(),
            None => v.clone(),
        },
        // Members of the same name but another kind (an object sent where the answer has
        // text): the answer keeps its documented form.
        (Value::Object(_) | Value::Array(_), _) | (_, Value::Object(_) | Value::Array(_))
            if std::mem::discriminant(like) != std::mem::discriminant(v) =>
        {
            like.clone()
        }
        _ => v.clone(),
    }
}

/// Whether `v` can stand where the example has `like` (objects for objects, lists for lists,
/// scalars for scalars).
fn kin(like: &Value, v: &Value) -> bool {
    let class = |x: &Value| match x {
        Value::Object(_) => 0,
        Value::Array(_) => 1,
        Value::Null => 3,
        _ => 2,
    };
    class(like) == class(v) || class(like) == 3 || class(v) == 3
}

fn get_path<'v>(v: &'v Value, path: &str) -> Option<&'v Value> {
    if path.is_empty() {
        return Some(v);
    }
    path.split('.').try_fold(v, |cur, k| cur.get(k))
}

fn set_path(v: &mut Value, path: &str, new: Value) {
    if path.is_empty() {
        *v = new;
        return;
    }
    let mut cur = v;
    for k in path.split('.') {
        if !cur.is_object() {
            *cur = Value::Object(Map::new());
        }
        let Value::Object(m) = cur else { return };
        cur = m.entry(k.to_owned()).or_insert(Value::Null);
    }
    *cur = new;
}

/// Why the store refused an operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The id (or a unique member) is taken.
    Exists(String),
    /// No such id.
    Missing(String),
    /// The resource is still being created or already being deleted.
    Busy(String),
}

/// One stored resource.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// Creation order (also the marker of the page starting at it).
    pub seq: u64,
    /// The stored members.
    pub value: Value,
    /// When it was created (Unix milliseconds).
    pub born: u64,
    /// How long each pending lifecycle state lasts (milliseconds).
    #[serde(default)]
    pub step: u64,
    /// When it reaches its final state (Unix milliseconds).
    #[serde(default)]
    pub ready: u64,
    /// When it was first deleted and when it is gone, if it is being deleted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dying: Option<(u64, u64)>,
}

impl Record {
    fn gone(&self, now: u64) -> bool {
        self.dying.is_some_and(|(_, gone)| now >= gone)
    }

    /// Whether it is in its final state (created, not being deleted).
    pub fn settled(&self, now: u64) -> bool {
        self.dying.is_none() && now >= self.ready
    }

    /// The lifecycle state at `now`.
    pub fn state(&self, l: &Lifecycle, now: u64) -> Value {
        if self.dying.is_some() {
            return l.deleting.clone().unwrap_or_else(|| l.ready.clone());
        }
        if self.step == 0 || now >= self.ready {
            return l.ready.clone();
        }
        let i = (now.saturating_sub(self.born) / self.step) as usize;
        l.pending.get(i).cloned().unwrap_or_else(|| l.ready.clone())
    }
}

/// Which records a list answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Window {
    /// Every record.
    All,
    /// `len` records from position `start`.
    Offset {
        /// Position of the first record (from 0).
        start: u64,
        /// Most records answered.
        len: u64,
    },
    /// `len` records from the first whose sequence number is at least `seq`.
    From {
        /// The marker.
        seq: u64,
        /// Most records answered.
        len: u64,
    },
}

/// One page of a list.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    /// The records in the window, in creation order.
    pub records: Vec<Record>,
    /// Every record of the kind at that moment.
    pub total: usize,
    /// The marker of the next page, when there is one.
    pub next: Option<u64>,
}

/// An in-memory resource store: per kind (resource and scope values) the resources in creation
/// order, keyed by id. Every method is one critical section, so concurrent clients see a
/// linearizable history. Cheap to clone (shared).
#[derive(Debug, Clone)]
pub struct Store {
    inner: Arc<Mutex<StoreInner>>,
    /// Milliseconds added to the system clock (tests move time forward with [`Store::advance`]).
    offset: Arc<AtomicU64>,
    persist: Option<Arc<Persist>>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Kind {
    /// Sequence number → id.
    order: BTreeMap<u64, String>,
    /// Id → record.
    items: BTreeMap<String, Record>,
    /// How many records are being deleted (so creates and deletes purge in O(1) when none is).
    #[serde(skip)]
    lingering: usize,
}

#[derive(Debug, Serialize, Deserialize)]
struct StoreInner {
    kinds: BTreeMap<String, Kind>,
    next_seq: u64,
    #[serde(skip, default = "fresh_rng")]
    rng: fastrand::Rng,
    #[serde(skip)]
    version: u64,
}

fn fresh_rng() -> fastrand::Rng {
    fastrand::Rng::with_seed(0)
}

#[derive(Debug)]
struct Persist {
    path: PathBuf,
    /// The version last written (a slower writer never overwrites a newer state).
    written: Mutex<u64>,
}

impl Store {
    /// An empty store whose generated ids come from `seed`.
    pub fn new(seed: u64) -> Self {
        Self {
            inner: Arc::new(Mutex::new(StoreInner {
                kinds: BTreeMap::new(),
                next_seq: 1,
                rng: fastrand::Rng::with_seed(seed),
                version: 0,
            })),
            offset: Arc::new(AtomicU64::new(0)),
            persist: None,
        }
    }

    fn persisted(mut self, path: PathBuf) -> Result<Self, StateFileError> {
        match std::fs::read_to_string(&path) {
            Ok(text) => {
                let mut loaded: StoreInner = match serde_json::from_str(&text) {
                    Ok(loaded) => loaded,
                    Err(source) => return Err(StateFileError::NotStateFile { path, source }),
                };
                for k in loaded.kinds.values_mut() {
                    k.lingering = k.items.values().filter(|r| r.dying.is_some()).count();
                }
                let mut g = self.lock();
                loaded.rng = std::mem::replace(&mut g.rng, fresh_rng());
                *g = loaded;
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(source) => return Err(StateFileError::Read { path, source }),
        }
        self.persist = Some(Arc::new(Persist {
            path,
            written: Mutex::new(0),
        }));
        Ok(self)
    }

    fn lock(&self) -> MutexGuard<'_, StoreInner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The store's clock: Unix milliseconds, plus what [`Store::advance`] added.
    pub fn now_ms(&self) -> u64 {
        let sys = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as u64);
        sys.saturating_add(self.offset.load(Ordering::Relaxed))
    }

    /// Moves the store's clock forward (tests of lifecycles without waiting).
    pub fn advance(&self, by: Duration) {
        self.offset
            .fetch_add(by.as_millis() as u64, Ordering::Relaxed);
    }

    /// After a change: writes the state when persistence is on.
    fn changed(&self, mut g: MutexGuard<'_, StoreInner>) {
        g.version += 1;
        let Some(p) = &self.persist else { return };
        let version = g.version;
        let text = serde_json::to_string(&*g).unwrap_or_default();
        drop(g);
        let mut written = p.written.lock().unwrap_or_else(|e| e.into_inner());
        if *written >= version {
            return;
        }
        match write_atomically(&p.path, text.as_bytes()) {
            Ok(()) => *written = version,
            Err(e) => tracing::warn!("mock state not saved to {}: {e}", p.path.display()),
        }
    }

    /// Creates a resource of `kind`: with id `named`, or a fresh one from `fresh` (retried
    /// until unused); `Exists` when the id, or a resource with the same `unique` member values,
    /// is there. `timing` is the lifecycle step and the time until the resource is ready (both
    /// milliseconds); `value` builds the stored members from the id. Returns the id.
    #[allow(clippy::too_many_arguments)]
    pub fn create(
        &self,
        kind: &str,
        named: Option<String>,
        mut fresh: impl FnMut(&mut fastrand::Rng) -> String,
        unique: &[(String, Value)],
        now: u64,
        timing: (u64, u64),
        value: impl FnOnce(&str) -> Value,
    ) -> Result<String, Refusal> {
        let mut g = self.lock();
        let g2 = &mut *g;
        let k = g2.kinds.entry(kind.to_owned()).or_default();
        purge(k, now);
        let id = match named {
            Some(id) => {
                if k.items.contains_key(&id) {
                    return Err(Refusal::Exists(id));
                }
                id
            }
            None => {
                let mut tries = 0u32;
                loop {
                    let mut id = fresh(&mut g2.rng);
                    tries += 1;
                    if tries > 64 {
                        // The format is nearly used up: keep its shape, add the sequence number.
                        id = format!("{id}{}", g2.next_seq);
                    }
                    if !k.items.contains_key(&id) {
                        break id;
                    }
                }
            }
        };
        let taken = unique.iter().find(|(name, v)| {
            k.items
                .values()
                .any(|r| r.value.get(name).is_some_and(|x| x == v))
        });
        if let Some((_, v)) = taken {
            return Err(Refusal::Exists(id_text(v).unwrap_or_else(|| v.to_string())));
        }
        let seq = g2.next_seq;
        g2.next_seq += 1;
        let (step, until_ready) = timing;
        let record = Record {
            seq,
            value: value(&id),
            born: now,
            step,
            ready: now.saturating_add(until_ready),
            dying: None,
        };
        k.order.insert(seq, id.clone());
        k.items.insert(id.clone(), record);
        self.changed(g);
        Ok(id)
    }

    /// The kind holding `id`: `kind` when it does, else another scope of `resource` that does
    /// (the first, in order), else `kind`.
    pub fn kind_of(&self, resource: &str, kind: &str, id: &str) -> String {
        let g = self.lock();
        let holds = |k: &Kind| k.items.contains_key(id);
        if g.kinds.get(kind).is_some_and(holds) {
            return kind.to_owned();
        }
        let scoped = format!("{resource}|");
        g.kinds
            .iter()
            .find(|(name, k)| (name.as_str() == resource || name.starts_with(&scoped)) && holds(k))
            .map_or_else(|| kind.to_owned(), |(name, _)| name.clone())
    }

    /// Resource `id` of `kind` (one being deleted included, until it is gone).
    pub fn get(&self, kind: &str, id: &str, now: u64) -> Option<Record> {
        let g = self.lock();
        let r = g.kinds.get(kind)?.items.get(id)?;
        (!r.gone(now)).then(|| r.clone())
    }

    /// Merges `patch` into resource `id`; with `strict`, refuses one not yet settled.
    pub fn update(
        &self,
        kind: &str,
        id: &str,
        patch: Map<String, Value>,
        now: u64,
        strict: bool,
    ) -> Result<Record, Refusal> {
        let mut g = self.lock();
        let Some(r) = g
            .kinds
            .get_mut(kind)
            .and_then(|k| k.items.get_mut(id))
            .filter(|r| !r.gone(now))
        else {
            return Err(Refusal::Missing(id.to_owned()));
        };
        if strict && !r.settled(now) {
            return Err(Refusal::Busy(id.to_owned()));
        }
        if let Value::Object(target) = &mut r.value {
            for (k, v) in patch {
                target.insert(k, v);
            }
        }
        let out = r.clone();
        self.changed(g);
        Ok(out)
    }

    /// Deletes every resource of `ids` (all or none: `Missing` names the first absent one).
    /// With `linger` > 0 each stays, being deleted, that many milliseconds. With `strict`, a
    /// resource not yet settled is refused.
    pub fn delete(
        &self,
        kind: &str,
        ids: &[String],
        now: u64,
        linger: u64,
        strict: bool,
    ) -> Result<(), Refusal> {
        let mut g = self.lock();
        let Some(k) = g.kinds.get_mut(kind) else {
            return Err(Refusal::Missing(ids[0].clone()));
        };
        purge(k, now);
        for id in ids {
            match k.items.get(id) {
                None => return Err(Refusal::Missing(id.clone())),
                Some(r) if strict && !r.settled(now) => return Err(Refusal::Busy(id.clone())),
                Some(_) => {}
            }
        }
        for id in ids {
            if linger == 0 {
                if let Some(r) = k.items.remove(id) {
                    k.order.remove(&r.seq);
                }
            } else if let Some(r) = k.items.get_mut(id) {
                if r.dying.is_none() {
                    r.dying = Some((now, now.saturating_add(linger)));
                    k.lingering += 1;
                }
            }
        }
        self.changed(g);
        Ok(())
    }

    /// The records of `kind` in `window`, with the total at that moment.
    pub fn page(&self, kind: &str, now: u64, window: Window) -> Page {
        self.page_where(kind, now, window, |_| true)
    }

    /// [`Store::page`] of the records `keep` accepts (the total counts those only).
    pub fn page_where(
        &self,
        kind: &str,
        now: u64,
        window: Window,
        keep: impl Fn(&Record) -> bool,
    ) -> Page {
        let g = self.lock();
        let Some(k) = g.kinds.get(kind) else {
            return Page {
                records: Vec::new(),
                total: 0,
                next: None,
            };
        };
        let live = k
            .order
            .values()
            .filter_map(|id| k.items.get(id))
            .filter(|r| !r.gone(now) && keep(r));
        let total = live.clone().count();
        let (records, next) = match window {
            Window::All => (live.cloned().collect(), None),
            Window::Offset { start, len } => {
                let start = usize::try_from(start).unwrap_or(usize::MAX);
                let len = usize::try_from(len).unwrap_or(usize::MAX);
                let mut it = live.skip(start);
                let page: Vec<Record> = it.by_ref().take(len).cloned().collect();
                (page, it.next().map(|r| r.seq))
            }
            Window::From { seq, len } => {
                let len = usize::try_from(len).unwrap_or(usize::MAX);
                let mut it = live.filter(|r| r.seq >= seq);
                let page: Vec<Record> = it.by_ref().take(len).cloned().collect();
                (page, it.next().map(|r| r.seq))
            }
        };
        Page {
            records,
            total,
            next,
        }
    }

    /// Every live record of `kind`, in creation order.
    pub fn list(&self, kind: &str) -> Vec<Record> {
        self.page(kind, self.now_ms(), Window::All).records
    }

    /// The kinds that hold records (resource and scope values).
    pub fn kinds(&self) -> Vec<String> {
        self.lock()
            .kinds
            .iter()
            .filter(|(_, k)| !k.items.is_empty())
            .map(|(n, _)| n.clone())
            .collect()
    }

    /// Forgets every resource.
    pub fn clear(&self) {
        let mut g = self.lock();
        g.kinds.clear();
        self.changed(g);
    }
}

/// Drops the records whose deletion has run its course.
fn purge(k: &mut Kind, now: u64) {
    if k.lingering == 0 {
        return;
    }
    let gone: Vec<(String, u64)> = k
        .items
        .iter()
        .filter(|(_, r)| r.gone(now))
        .map(|(id, r)| (id.clone(), r.seq))
        .collect();
    for (id, seq) in gone {
        k.items.remove(&id);
        k.order.remove(&seq);
        k.lingering = k.lingering.saturating_sub(1);
    }
}

/// Writes `bytes` to `path` through a temporary file in the same directory renamed over it, so
/// a reader (or a crash) never sees half a file.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "state".to_owned());
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let mut f = std::fs::File::create(&tmp)?;
    f.write_all(bytes)?;
    f.sync_all()?;
    drop(f);
    std::fs::rename(&tmp, path)
}

#[cfg(test)]
mod tests;
