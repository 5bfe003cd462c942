//! Inference of the stateful mock's plans: which operations create, list, describe, update
//! and delete the same resource, from the spec's operation names (Alibaba RPC) or paths
//! (Huawei REST). The result is data for `apigen_runtime::mock::Stateful` and a table in the
//! mock crate's README.
//!
//! RPC: `Create<X>` establishes resource `x`; `Delete`/`Remove<X>`, `Update`/`Modify<X>…`,
//! `Get`/`Describe`/`Query<X>[Detail]` and `List<X>s`/`Get<X>List`/`Describe<X>s` join it. The
//! id is the parameter the create and the delete (or describe) share but the list does not;
//! the scope is the parameters the list requires and the create also takes (`InstanceId`).
//!
//! REST: `POST` on a collection path creates, `GET` on it lists, and `GET`/`PUT`/`DELETE` on
//! the path plus one placeholder describe, update and delete (paths compared by their literal
//! segments, so `/v2/{engine}/{project_id}/instances` and `/v2/{project_id}/instances` are the
//! same collection); the scope is the placeholders every collection path shares.

use std::collections::BTreeMap;

use apigen_runtime::schema::{Action, ErrorAnswer, Lifecycle, Paging, Plan};

use crate::spec::model::{ErrorCode, Field, Method, Operation, Pagination, Spec, TypeExpr};
use crate::spec::path::PathTemplate;

/// The plan of every operation taking part in a resource, by operation id.
pub fn infer(spec: &Spec) -> BTreeMap<String, Plan> {
    infer_with(spec, crate::protocol::of(spec))
}

/// [`infer`] with explicit protocol rules.
pub(crate) fn infer_with(
    spec: &Spec,
    protocol: &dyn crate::protocol::ProtocolRules,
) -> BTreeMap<String, Plan> {
    let roles: Vec<(usize, String, Action)> = protocol.stateful_roles(spec);
    let mut by_resource: BTreeMap<&str, Vec<(usize, Action)>> = BTreeMap::new();
    for (i, r, a) in &roles {
        by_resource.entry(r.as_str()).or_default().push((*i, *a));
    }
    let mut plans = BTreeMap::new();
    for (resource, members) in by_resource {
        let find = |a: Action| {
            members
                .iter()
                .find(|(_, x)| *x == a)
                .map(|(i, _)| &spec.operations[*i])
        };
        let Some(create) = find(Action::Create) else {
            continue;
        };
        if find(Action::List).is_none() && find(Action::Get).is_none() {
            continue;
        }
        let list = find(Action::List);
        let (id, scope, id_out) = protocol.resource_identity(create, list, &members, spec);
        // Describes, updates and deletes name the resource by the member the create takes, or
        // else by the one its answer returns the new id in (`Result.AppId` → `AppId`).
        let key = id.clone().or_else(|| {
            id_out
                .as_ref()
                .map(|o| o.rsplit('.').next().unwrap_or(o).to_owned())
        });
        // A create that answers no id at all: the id member every describe, update and delete
        // takes and the listed items show (`AlarmRuleId`) holds the generated one.
        let id_field = if key.is_none() {
            listed_id(spec, &members, list, &scope)
        } else {
            None
        };
        let key = key.or_else(|| id_field.clone());
        for (i, action) in &members {
            let op = &spec.operations[*i];
            let needs_id = matches!(action, Action::Get | Action::Update | Action::Delete);
            let own_id = if needs_id {
                protocol.member_id(op, key.as_ref())
            } else {
                id.clone()
            };
            if needs_id && !own_id.as_ref().is_some_and(|k| takes(op, k)) {
                continue;
            }
            let plan = Plan {
                id: match action {
                    Action::Create => id.clone().filter(|k| takes(op, k)),
                    Action::List => None,
                    _ => own_id,
                },
                id_out: (*action == Action::Create)
                    .then(|| id_out.clone())
                    .flatten(),
                id_field: (*action == Action::Create)
                    .then(|| id_field.clone())
                    .flatten(),
                scope: scope.iter().filter(|k| takes(op, k)).cloned().collect(),
                items: (*action == Action::List)
                    .then(|| response_fields(op).and_then(|f| items_path(f, spec, op)))
                    .flatten(),
                total: (*action == Action::List)
                    .then(|| response_fields(op).and_then(total_field))
                    .flatten(),
                ..Plan::new(resource.to_owned(), *action)
            };
            plans.insert(op.id.clone(), plan);
        }
    }
    // A list or describe without the create has nothing to show: keep complete resources only.
    for (op_id, plan) in plans.iter_mut() {
        if let Some(op) = spec.operations.iter().find(|o| &o.id == op_id) {
            if plan.action == Action::List {
                plan.paging = op.pagination.as_ref().and_then(|p| paging(p, op));
            }
        }
    }
    enrich(spec, &mut plans);
    list_filters(spec, &mut plans);
    plans
}

/// The members a list filters its items by: optional scalars or lists of them (not paging, not
/// scope) named like a member of the listed items that the create or an update sends, or the
/// status member of a lifecycle. (A member only the documented example fills filters nothing a client chose.)
pub(crate) fn list_filters(spec: &Spec, plans: &mut BTreeMap<String, Plan>) {
    let creates: BTreeMap<String, String> = plans
        .iter()
        .filter(|(_, p)| p.action == Action::Create)
        .map(|(op, p)| (p.resource.clone(), op.clone()))
        .collect();
    let mut updates: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (op, p) in plans.iter().filter(|(_, p)| p.action == Action::Update) {
        updates
            .entry(p.resource.clone())
            .or_default()
            .push(op.clone());
    }
    for (op_id, plan) in plans.iter_mut() {
        if plan.action != Action::List {
            continue;
        }
        let (Some(op), Some(items)) = (
            spec.operations.iter().find(|o| &o.id == op_id),
            plan.items.as_deref(),
        ) else {
            continue;
        };
        let Some(create) = creates
            .get(&plan.resource)
            .and_then(|c| spec.operations.iter().find(|o| &o.id == c))
        else {
            continue;
        };
        // Members a client sets: the create's, and the updates' (MSE names a cluster with
        // `ClusterAliasName` through UpdateCluster only).
        let setters: Vec<&Operation> = std::iter::once(create)
            .chain(
                updates
                    .get(&plan.resource)
                    .into_iter()
                    .flatten()
                    .filter_map(|u| spec.operations.iter().find(|o| &o.id == u)),
            )
            .collect();
        let Some(shown) = item_fields(op, items) else {
            continue;
        };
        let paging: Vec<String> = apigen_runtime::mock::stateful::page_members(plan, 0, 1)
            .into_iter()
            .map(|(k, _)| k)
            .chain(match &plan.paging {
                Some(Paging::Marker { marker, .. }) => Some(marker.clone()),
                _ => None,
            })
            .collect();
        let status = plan.lifecycle.as_ref().map(|l| norm(&l.field));
        for p in params(op) {
            // A list of values (`InstanceId.N` of GetInstanceList) lists the items holding any.
            let values = matches!(&p.ty, TypeExpr::Array(t) if t.is_scalar());
            if p.required
                || !(p.ty.is_scalar() || values)
                || paging.contains(&p.name)
                || plan.scope.contains(&p.name)
            {
                continue;
            }
            let k = norm(&p.name);
            let Some(item) = shown.iter().find(|f| norm(&f.name) == k) else {
                continue;
            };
            let sent = setters.iter().any(|o| {
                params(o)
                    .chain(o.body.iter().flat_map(|b| b.fields.iter()))
                    .any(|c| norm(&c.name) == k)
            });
            if sent || status.as_deref() == Some(k.as_str()) {
                plan.filters.insert(p.name.clone(), item.name.clone());
                if let Some(switch) = fuzzy_match(op, p) {
                    plan.fuzzy.insert(p.name.clone(), switch);
                }
            }
        }
    }
}

/// Whether filter `p` of list `op` matches part of the member, as the document says: its own
/// description ("集群名字，支持模糊匹配", "fuzzy") gives `Some(None)`; a switch member
/// `exact_match_<p>` whose description says the match is fuzzy unless it is true ("默认为
/// “false”，表示模糊匹配") gives `Some(Some(switch))`.
fn fuzzy_match(op: &Operation, p: &Field) -> Option<Option<String>> {
    let says_fuzzy = |f: &Field| {
        let d = f.description.to_lowercase();
        ["模糊", "fuzzy", "partial match"]
            .iter()
            .any(|w| d.contains(w))
    };
    let switch = params(op).find(|s| {
        let n = norm(&s.name);
        n.strip_prefix("exactmatch")
            .or_else(|| n.strip_prefix("exact"))
            .is_some_and(|rest| rest == norm(&p.name))
            && says_fuzzy(s)
    });
    match switch {
        Some(s) => Some(Some(s.name.clone())),
        None => says_fuzzy(p).then_some(None),
    }
}

/// The id member every by-id operation of a resource takes (not a scope) and its listed items
/// show.
fn listed_id(
    spec: &Spec,
    members: &[(usize, Action)],
    list: Option<&Operation>,
    scope: &[String],
) -> Option<String> {
    let list = list?;
    let items = response_fields(list).and_then(|f| items_path(f, spec, list))?;
    let shown: Vec<String> = item_fields(list, &items)?
        .iter()
        .map(|f| norm(&f.name))
        .collect();
    let by_id: Vec<&Operation> = members
        .iter()
        .filter(|(_, a)| matches!(a, Action::Delete | Action::Get | Action::Update))
        .map(|(i, _)| &spec.operations[*i])
        .collect();
    let first = by_id.first()?;
    params(first).map(|p| p.name.clone()).find(|n| {
        norm(n).ends_with("id")
            && !scope.contains(n)
            && shown.contains(&norm(n))
            && by_id.iter().all(|o| takes(o, n))
    })
}

fn norm(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .collect::<String>()
        .to_lowercase()
}

/// `(operation index, resource, action)` from Alibaba action names.
pub(crate) fn rpc_roles(spec: &Spec) -> Vec<(usize, String, Action)> {
    const VERBS: &[(&str, Action)] = &[
        ("Create", Action::Create),
        ("Add", Action::Create),
        ("Delete", Action::Delete),
        ("Remove", Action::Delete),
        ("Update", Action::Update),
        ("Modify", Action::Update),
        ("List", Action::List),
        ("Describe", Action::Get),
        ("Query", Action::Get),
        ("Get", Action::Get),
    ];
    let parsed: Vec<(usize, String, Action)> = spec
        .operations
        .iter()
        .enumerate()
        .filter_map(|(i, op)| {
            let (verb, action) = VERBS.iter().find(|(v, _)| op.id.starts_with(v))?;
            let mut noun = op.id[verb.len()..].to_owned();
            let mut action = *action;
            for suffix in ["List", "s"] {
                if action != Action::Create
                    && noun.ends_with(suffix)
                    && noun.len() > suffix.len() + 1
                {
                    noun.truncate(noun.len() - suffix.len());
                    if action == Action::Get {
                        action = Action::List;
                    }
                }
            }
            for suffix in ["Detail", "Details"] {
                if let Some(n) = noun.strip_suffix(suffix) {
                    noun = n.to_owned();
                }
            }
            Some((i, norm(&noun), action))
        })
        .collect();
    let resources: Vec<&str> = parsed
        .iter()
        .filter(|(_, _, a)| *a == Action::Create)
        .map(|(_, n, _)| n.as_str())
        .collect();
    let mut matched: Vec<(bool, usize, String, Action)> = parsed
        .iter()
        .filter_map(|(i, noun, action)| {
            // An exact name wins; otherwise `ModifyTopicRemark` changes a topic,
            // `GetConsumerList` lists consumer groups and `ListAppEnvironment` (the parent's
            // name before the resource's) lists environments.
            if let Some(r) = resources.iter().find(|r| noun == *r) {
                return Some((false, *i, (*r).to_owned(), *action));
            }
            let under_parent = |r: &str| {
                noun.strip_suffix(r)
                    .is_some_and(|parent| resources.contains(&parent))
            };
            let r = resources
                .iter()
                .filter(|r| match action {
                    Action::Create => false,
                    Action::Update => noun.starts_with(*r) || under_parent(r),
                    Action::List => r.starts_with(noun.as_str()) || under_parent(r),
                    _ => under_parent(r),
                })
                .max_by_key(|r| r.len())?;
            Some((true, *i, (*r).to_owned(), *action))
        })
        .collect();
    // Exact names first: `ListClusterNode`, not `ListAvailableClusterNode`, lists cluster nodes.
    matched.sort_by_key(|(inexact, ..)| *inexact);
    matched.into_iter().map(|(_, i, r, a)| (i, r, a)).collect()
}

fn params(op: &Operation) -> impl Iterator<Item = &Field> {
    op.parameters.iter()
}

fn takes(op: &Operation, name: &str) -> bool {
    params(op).any(|p| p.name == name)
        || op
            .body
            .as_ref()
            .is_some_and(|b| b.fields.iter().any(|f| f.name == name))
}

/// `(id, scope, id_out)` of an RPC resource.
pub(crate) fn rpc_identity(
    create: &Operation,
    list: Option<&Operation>,
    members: &[(usize, Action)],
    spec: &Spec,
) -> (Option<String>, Vec<String>, Option<String>) {
    // A member the list requires scopes the resource (`InstanceId`); one it merely filters by
    // may still name it.
    let in_list = |n: &str| list.is_some_and(|l| params(l).any(|p| p.name == n && p.required));
    let by_id: Vec<&Operation> = members
        .iter()
        .filter(|(_, a)| matches!(a, Action::Delete | Action::Get | Action::Update))
        .map(|(i, _)| &spec.operations[*i])
        .collect();
    // The parameter naming the resource: `Topic`, `<X>Name`/`<X>Id`, then `Name`/`Path`-like
    // ones, then other ids; never one the list also takes (that is a scope).
    let noun = norm(&create.id)
        .trim_start_matches("create")
        .trim_start_matches("add")
        .to_owned();
    let rank = |n: &str| {
        let k = norm(n);
        if k == noun || k == format!("{noun}name") || k == format!("{noun}id") {
            4
        } else if k == "name" || k == "path" || k.ends_with("name") {
            3
        } else if k.ends_with("id") {
            2
        } else {
            1
        }
    };
    // The describes and deletes require it (an update may take other members optionally);
    // only updates: they require it.
    let naming: Vec<&Operation> = members
        .iter()
        .filter(|(_, a)| matches!(a, Action::Delete | Action::Get))
        .map(|(i, _)| &spec.operations[*i])
        .collect();
    let naming = if naming.is_empty() {
        by_id.clone()
    } else {
        naming
    };
    let requires = |o: &Operation, n: &str| params(o).any(|p| p.name == n && p.required);
    let id = params(create)
        .filter(|p| p.ty.is_scalar())
        .map(|p| p.name.as_str())
        .filter(|n| !in_list(n) && naming.iter().any(|o| requires(o, n)))
        .max_by_key(|n| (rank(n), std::cmp::Reverse(n.len())))
        .map(str::to_owned);
    let scope = list
        .map(|l| {
            params(l)
                .filter(|p| p.required && takes(create, &p.name))
                .map(|p| p.name.clone())
                .collect()
        })
        .unwrap_or_default();
    // A create without a naming parameter returns the id in a member named like it, at the top
    // or in the one object the answer wraps its result in (`Result.AppId`): the one the
    // describe, update or delete takes first, then `<noun>Id`, then any other id.
    let id_out = match &id {
        Some(_) => None,
        None => response_fields(create).and_then(|fs| {
            let mut candidates: Vec<(String, &str)> = Vec::new();
            for f in fs {
                if f.ty.is_scalar() {
                    candidates.push((f.name.clone(), f.name.as_str()));
                } else if let Some(inner) = object_fields(f, create) {
                    candidates.extend(
                        inner
                            .iter()
                            .filter(|i| i.ty.is_scalar())
                            .map(|i| (format!("{}.{}", f.name, i.name), i.name.as_str())),
                    );
                }
            }
            candidates
                .into_iter()
                .filter(|(_, n)| {
                    let k = norm(n);
                    k.ends_with("id") && k != "requestid" && !in_list(n)
                })
                .enumerate()
                .max_by_key(|(i, (_, n))| {
                    (
                        by_id.iter().any(|o| takes(o, n)),
                        norm(n) == format!("{noun}id"),
                        std::cmp::Reverse(*i),
                    )
                })
                .map(|(_, (path, _))| path)
        }),
    };
    (id, scope, id_out)
}

fn literal_key(path: &str) -> (String, bool) {
    let t = PathTemplate::new(path);
    let ends_with_param = t.segments().last().is_some_and(|s| s.is_placeholder());
    let lits: Vec<&str> = t
        .segments()
        .filter(|s| !s.is_placeholder())
        .map(|s| s.0)
        .collect();
    (lits.join("/"), ends_with_param)
}

/// The placeholders that are whole segments of the route.
fn placeholders(path: &str) -> Vec<String> {
    PathTemplate::new(path)
        .segments()
        .filter_map(|s| s.placeholder())
        .map(str::to_owned)
        .collect()
}

pub(crate) fn last_placeholder(path: &str) -> Option<String> {
    placeholders(path).pop()
}

/// `(operation index, resource, action)` from REST methods and paths.
pub(crate) fn rest_roles(spec: &Spec) -> Vec<(usize, String, Action)> {
    spec.operations
        .iter()
        .enumerate()
        .filter_map(|(i, op)| {
            if op.path.contains('?') {
                return None;
            }
            let (key, item) = literal_key(&op.path);
            let action = match (op.method, item) {
                (Method::Post, false) => Action::Create,
                (Method::Get, false) => Action::List,
                (Method::Get, true) => Action::Get,
                (Method::Put | Method::Patch, true) => Action::Update,
                (Method::Delete, true) => Action::Delete,
                _ => return None,
            };
            Some((i, key, action))
        })
        .collect()
}

/// `(id, scope, id_out)` of a REST resource.
pub(crate) fn rest_identity(
    create: &Operation,
    members: &[(usize, Action)],
    spec: &Spec,
) -> (Option<String>, Vec<String>, Option<String>) {
    let collection_paths: Vec<Vec<String>> = members
        .iter()
        .map(|(i, a)| {
            let mut ph = placeholders(&spec.operations[*i].path);
            if matches!(a, Action::Get | Action::Update | Action::Delete) {
                ph.pop();
            }
            ph
        })
        .collect();
    let scope: Vec<String> = collection_paths
        .first()
        .map(|first| {
            first
                .iter()
                .filter(|p| collection_paths.iter().all(|c| c.contains(p)))
                .cloned()
                .collect()
        })
        .unwrap_or_default();
    let item_id = members
        .iter()
        .find(|(_, a)| matches!(a, Action::Get | Action::Delete | Action::Update))
        .and_then(|(i, _)| last_placeholder(&spec.operations[*i].path));
    // The new id comes back in the member named like the item placeholder, or `id` (at the
    // top, or in the one object the answer wraps the resource in: CSE's `kie.id`).
    let id_out = response_fields(create).and_then(|fs| {
        let wanted = item_id.as_deref().map(norm);
        let find = |fs: &[Field]| {
            fs.iter()
                .find(|f| f.ty.is_scalar() && Some(norm(&f.name)) == wanted)
                .or_else(|| {
                    fs.iter()
                        .find(|f| f.ty.is_scalar() && norm(&f.name) == "id")
                })
                .map(|f| f.name.clone())
        };
        find(fs).or_else(|| {
            let objects: Vec<(&Field, &[Field])> = fs
                .iter()
                .filter_map(|f| Some((f, object_fields(f, create)?)))
                .collect();
            match objects.as_slice() {
                [(f, inner)] => find(inner).map(|k| format!("{}.{k}", f.name)),
                _ => None,
            }
        })
    });
    // A create whose request carries the member the answer names the resource by (a topic's
    // `id`) takes the client's choice of identity.
    let id = item_id.filter(|k| takes(create, k)).or_else(|| {
        id_out.clone().filter(|k| {
            create
                .body
                .as_ref()
                .is_some_and(|b| b.fields.iter().any(|f| &f.name == k && f.required))
        })
    });
    (id, scope, id_out)
}

/// The members of an object-typed field (inline, or a named type of `op`).
fn object_fields<'o>(f: &'o Field, op: &'o Operation) -> Option<&'o [Field]> {
    match &f.ty {
        TypeExpr::Object if !f.fields.is_empty() => Some(&f.fields),
        TypeExpr::Named(n) => op.types.get(n).map(|t| t.fields.as_slice()),
        _ => None,
    }
}

/// Where a list answers its items, its total and how it pages.
pub(crate) fn list_shape(
    spec: &Spec,
    op: &Operation,
) -> (Option<String>, Option<String>, Option<Paging>) {
    (
        response_fields(op).and_then(|f| items_path(f, spec, op)),
        response_fields(op).and_then(total_field),
        op.pagination.as_ref().and_then(|p| paging(p, op)),
    )
}

/// Where a describe answers the resource: the body, or the one object member holding the id
/// (Alibaba's `Data`).
pub(crate) fn describe_target(plan: &Plan, op: &Operation) -> Option<String> {
    let id = norm(plan.id.as_deref()?);
    let fields = response_fields(op)?;
    // The resource itself: its id member by the request's name, or a plain `id` (a CSE engine
    // is described with `id`, `name`, `status` at the top and a nested `cceSpec`).
    if fields.iter().any(|f| norm(&f.name) == id || f.name == "id") {
        return None;
    }
    fields
        .iter()
        .find(|f| {
            object_fields(f, op).is_some_and(|inner| inner.iter().any(|i| norm(&i.name) == id))
        })
        .map(|f| f.name.clone())
}

fn response_fields(op: &Operation) -> Option<&[Field]> {
    op.responses
        .iter()
        .find(|r| (200..300).contains(&r.status))
        .and_then(|r| r.body.as_ref())
        .map(|b| b.fields.as_slice())
}

/// Dotted path of the first list in a response (top level first, then one object down).
fn items_path(fields: &[Field], spec: &Spec, op: &Operation) -> Option<String> {
    let _ = spec;
    let here = |f: &Field| match (&f.ty, &f.list_wrapper) {
        (TypeExpr::Array(_), Some(w)) => Some(format!("{}.{w}", f.name)),
        (TypeExpr::Array(_), None) => Some(f.name.clone()),
        _ => None,
    };
    if let Some(p) = fields.iter().find_map(here) {
        return Some(p);
    }
    fields.iter().find_map(|f| {
        let inner: &[Field] = match &f.ty {
            TypeExpr::Object => &f.fields,
            TypeExpr::Named(n) => op.types.get(n).map(|t| t.fields.as_slice())?,
            _ => return None,
        };
        inner
            .iter()
            .find_map(here)
            .map(|p| format!("{}.{p}", f.name))
    })
}

fn total_field(fields: &[Field]) -> Option<String> {
    fields
        .iter()
        .find(|f| {
            let n = norm(&f.name);
            matches!(f.ty, TypeExpr::Integer | TypeExpr::Long)
                && !n.starts_with("page")
                && (n.contains("total") || n.ends_with("count") || n.ends_with("num"))
        })
        .map(|f| f.name.clone())
}

/// The runtime's paging of a list operation from the spec's `pagination`.
fn paging(p: &Pagination, op: &Operation) -> Option<Paging> {
    let default_size = |name: &str| {
        params(op)
            .find(|f| f.name == name)
            .and_then(|f| match f.default.as_ref()? {
                serde_json::Value::Number(n) => n.as_u64(),
                serde_json::Value::String(s) => s.trim().parse().ok(),
                _ => None,
            })
    };
    let has = |name: &str| takes(op, name);
    Some(match p {
        Pagination::PageNumber { page, size, .. } if has(page) && has(size) => Paging::PageNumber {
            page: page.clone(),
            size: size.clone(),
            default_size: default_size(size),
        },
        Pagination::OffsetLimit { offset, limit, .. } if has(offset) && has(limit) => {
            Paging::OffsetLimit {
                offset: offset.clone(),
                limit: limit.clone(),
                default_size: default_size(limit),
                zero_is_all: params(op)
                    .find(|f| f.name == *limit)
                    .is_some_and(|f| zero_is_all(&f.description)),
            }
        }
        Pagination::Marker {
            marker,
            next_marker,
            limit,
            ..
        } if has(marker) => Paging::Marker {
            marker: marker.clone(),
            next_marker: next_marker.clone(),
            limit: limit.clone().filter(|l| has(l)),
            default_size: limit.as_deref().and_then(default_size),
        },
        _ => return None,
    })
}

/// Whether a limit's description makes 0 "everything on one page" (CSE `QueryNacosNamespace`:
/// "0 indicates that all results are displayed on one page"; the Chinese documents'
/// "0表示不分页", 0 means no paging).
fn zero_is_all(description: &str) -> bool {
    let d = description.to_ascii_lowercase();
    d.contains("0表示不分页")
        || [
            "0 indicates that all",
            "0 means all",
            "0 indicates all",
            "0 returns all",
        ]
        .iter()
        .any(|p| d.contains(p))
}

/// The noun of a resource as the documents' error messages write it (`topic`, `instance`,
/// `microservice`), normalised.
fn resource_noun(resource: &str) -> String {
    let last = norm(resource.rsplit('/').next().unwrap_or(resource));
    last.strip_suffix("s")
        .filter(|n| n.len() > 2)
        .map(str::to_owned)
        .unwrap_or(last)
}

/// The error codes an operation may answer: its own table first, then the document's.
fn candidate_errors<'s>(spec: &'s Spec, op: &'s Operation) -> impl Iterator<Item = &'s ErrorCode> {
    op.errors.iter().chain(spec.service.error_codes.iter())
}

fn answer_of(e: &ErrorCode) -> ErrorAnswer {
    ErrorAnswer {
        status: e.status.filter(|s| (400..500).contains(s)).unwrap_or(400),
        code: e.code.clone(),
        message: e.message.clone(),
    }
}

/// The documented 4xx error whose message says `what` (one of the phrases) about `noun`, and
/// not about another resource's (`engine instance` is not a microservice instance): a status of
/// `prefer` first, then the message naming the noun earliest, then document order.
fn documented_error(
    spec: &Spec,
    op: &Operation,
    noun: &str,
    others: &[String],
    phrases: &[&str],
    prefer: u16,
) -> Option<ErrorAnswer> {
    candidate_errors(spec, op)
        .filter(|e| e.status.is_none_or(|s| (400..500).contains(&s)))
        .filter_map(|e| {
            let m = e.message.to_lowercase();
            let n = norm(&m);
            let at = n.find(noun)?;
            let about_other = others
                .iter()
                .any(|o| o != noun && !noun.contains(o.as_str()) && n[..at].contains(o.as_str()));
            (phrases.iter().any(|p| m.contains(p)) && !about_other).then_some((
                e.status != Some(prefer),
                at,
                e,
            ))
        })
        .enumerate()
        .min_by_key(|(i, (other_status, at, _))| (*other_status, *at, *i))
        .map(|(_, (_, _, e))| answer_of(e))
}

const CONFLICT: &[&str] = &["already exist", "duplicate", "exists already"];
const NOT_FOUND: &[&str] = &[
    "does not exist",
    "not exist",
    "not found",
    "failed to find",
    "no such",
];

/// Conflicts, not-found errors, unique names, id formats and lifecycles, from the document's
/// error tables, examples and status enums.
fn enrich(spec: &Spec, plans: &mut BTreeMap<String, Plan>) {
    let op_of = |id: &str| spec.operations.iter().find(|o| o.id == id);
    let resources: Vec<String> = plans
        .values()
        .map(|p| p.resource.clone())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let nouns: Vec<String> = resources.iter().map(|r| resource_noun(r)).collect();
    for resource in resources {
        let noun = resource_noun(&resource);
        let members: Vec<String> = plans
            .iter()
            .filter(|(_, p)| p.resource == resource)
            .map(|(k, _)| k.clone())
            .collect();
        let lifecycle = members
            .iter()
            .filter_map(|m| Some((plans.get(m)?, op_of(m)?)))
            .filter(|(p, _)| matches!(p.action, Action::Get | Action::List))
            .find_map(|(p, op)| status_lifecycle(p, op));
        for m in &members {
            let (Some(op), Some(plan)) = (op_of(m), plans.get_mut(m)) else {
                continue;
            };
            match plan.action {
                Action::Create => {
                    plan.conflict = documented_error(spec, op, &noun, &nouns, CONFLICT, 409);
                    // "This instance name already exists.": names are unique too.
                    if plan.id.is_none()
                        && takes(op, "name")
                        && plan
                            .conflict
                            .as_ref()
                            .is_some_and(|c| c.message.to_lowercase().contains("name"))
                    {
                        plan.unique = vec!["name".to_owned()];
                    }
                    plan.id_format = plan.id_out.as_ref().and_then(|k| example_id(op, k));
                }
                Action::Get | Action::Update | Action::Delete => {
                    plan.not_found = documented_error(spec, op, &noun, &nouns, NOT_FOUND, 404);
                    if plan.action == Action::Get {
                        plan.target = describe_target(plan, op);
                    }
                }
                Action::List => {}
            }
            plan.lifecycle = lifecycle.clone();
        }
    }
}

/// The documented create answer's id value (the format fresh ids take).
/// (A dotted `member` is followed into objects; a number is its digits, and a numeric member
/// without an example gets digits too, so a generated id fits the client's `long`.)
fn example_id(op: &Operation, member: &str) -> Option<String> {
    let example = op
        .responses
        .iter()
        .filter(|r| (200..300).contains(&r.status))
        .flat_map(|r| r.examples.iter())
        .find_map(|e| {
            let v = member
                .split('.')
                .try_fold(e.json.as_ref()?, |cur, k| cur.get(k))?;
            match v {
                serde_json::Value::String(s) => Some(s.clone()),
                serde_json::Value::Number(n) => Some(n.to_string()),
                _ => None,
            }
        })
        .filter(|s| !s.is_empty() && s.len() <= 128);
    example.or_else(|| {
        let mut fields = response_fields(op)?;
        let mut segs = member.split('.').peekable();
        while let Some(seg) = segs.next() {
            let f = fields.iter().find(|f| f.name == seg)?;
            if segs.peek().is_none() {
                return matches!(f.ty, TypeExpr::Integer | TypeExpr::Long)
                    .then(|| "100000000".to_owned());
            }
            fields = object_fields(f, op)?;
        }
        None
    })
}

/// A status member with a documented enum of pending and final states, in the described or
/// listed item.
fn status_lifecycle(plan: &Plan, op: &Operation) -> Option<Lifecycle> {
    let fields: &[Field] = match plan.action {
        Action::List => item_fields(op, plan.items.as_deref()?)?,
        _ => response_fields(op)?,
    };
    const PENDING: &[&str] = &[
        "creating",
        "beingdeployed",
        "deploying",
        "starting",
        "building",
        "initializing",
    ];
    const READY: &[&str] = &["running", "available", "active", "up"];
    const DELETING: &[&str] = &["deleting", "beingdeleted"];
    const FAILED: &[&str] = &["error", "faulty", "failed", "createfailed"];
    fields.iter().find_map(|f| {
        let n = norm(&f.name);
        if !(n == "status" || n == "state" || n.ends_with("status")) || f.enum_values.is_empty() {
            return None;
        }
        let value = |v: &crate::spec::model::EnumValue| match f.ty {
            TypeExpr::Integer | TypeExpr::Long => v
                .value
                .parse::<i64>()
                .map(serde_json::Value::from)
                .unwrap_or_else(|_| v.value.clone().into()),
            _ => v.value.clone().into(),
        };
        let says = |v: &crate::spec::model::EnumValue, words: &[&str]| {
            words.contains(&norm(&v.value).as_str())
                || words.contains(&norm(&v.description).as_str())
        };
        let pending: Vec<serde_json::Value> = f
            .enum_values
            .iter()
            .filter(|v| says(v, PENDING))
            .map(value)
            .collect();
        let ready = f.enum_values.iter().find(|v| says(v, READY)).map(value)?;
        if pending.is_empty() {
            return None;
        }
        // `CreateFailed`, `DeleteFailed`, `Error` ("The node is faulty."): states a waiter stops at.
        let failed = f
            .enum_values
            .iter()
            .filter(|v| {
                let (n, d) = (norm(&v.value), norm(&v.description));
                n.ends_with("failed")
                    || FAILED.contains(&n.as_str())
                    || FAILED.contains(&d.as_str())
            })
            .map(value)
            .collect();
        Some(Lifecycle {
            field: f.name.clone(),
            pending,
            ready,
            deleting: f.enum_values.iter().find(|v| says(v, DELETING)).map(value),
            failed,
        })
    })
}

/// The fields of one listed item at dotted `items` (through a named item type).
fn item_fields<'o>(op: &'o Operation, items: &str) -> Option<&'o [Field]> {
    let mut fields = response_fields(op)?;
    let mut segs = items.split('.').peekable();
    while let Some(seg) = segs.next() {
        let f = fields.iter().find(|f| f.name == seg)?;
        let inner = match &f.ty {
            TypeExpr::Array(inner) => inner.as_ref(),
            t => t,
        };
        fields = match inner {
            TypeExpr::Named(n) => op.types.get(n).map(|t| t.fields.as_slice())?,
            _ => f.fields.as_slice(),
        };
        // An Alibaba wrapper (`TopicList.TopicVO`) names the list's items one level down.
        if f.list_wrapper.as_deref() == segs.peek().copied() {
            segs.next();
        }
    }
    Some(fields)
}
