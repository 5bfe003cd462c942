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

use apigen_runtime::schema::{Action, Plan};

use crate::spec::model::{Field, Method, Operation, Spec, TypeExpr};

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
        for (i, action) in &members {
            let op = &spec.operations[*i];
            let needs_id = matches!(action, Action::Get | Action::Update | Action::Delete);
            let own_id = if needs_id {
                protocol.member_id(op, id.as_ref())
            } else {
                id.clone()
            };
            if needs_id && !own_id.as_ref().is_some_and(|k| takes(op, k)) {
                continue;
            }
            let plan = Plan {
                resource: resource.to_owned(),
                action: *action,
                id: match action {
                    Action::Create => id.clone().filter(|k| takes(op, k)),
                    Action::List => None,
                    _ => own_id,
                },
                id_out: (*action == Action::Create)
                    .then(|| id_out.clone())
                    .flatten(),
                scope: scope.iter().filter(|k| takes(op, k)).cloned().collect(),
                items: (*action == Action::List)
                    .then(|| response_fields(op).and_then(|f| items_path(f, spec, op)))
                    .flatten(),
                total: (*action == Action::List)
                    .then(|| response_fields(op).and_then(total_field))
                    .flatten(),
                target: None,
            };
            plans.insert(op.id.clone(), plan);
        }
    }
    // A list or describe without the create has nothing to show: keep complete resources only.
    plans
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
    parsed
        .iter()
        .filter_map(|(i, noun, action)| {
            // An exact name wins; otherwise `ModifyTopicRemark` changes a topic and
            // `GetConsumerList` lists consumer groups.
            let matched = resources.iter().find(|r| noun == *r).or_else(|| {
                resources
                    .iter()
                    .filter(|r| match action {
                        Action::Update => noun.starts_with(*r),
                        Action::List => r.starts_with(noun.as_str()),
                        _ => false,
                    })
                    .max_by_key(|r| r.len())
            })?;
            Some((*i, (*matched).to_owned(), *action))
        })
        .collect()
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
    let in_list = |n: &str| list.is_some_and(|l| takes(l, n));
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
    let id = params(create)
        .filter(|p| p.ty.is_scalar())
        .map(|p| p.name.as_str())
        .filter(|n| !in_list(n) && by_id.iter().any(|o| takes(o, n)))
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
    // A create without a naming parameter returns the id in a member named like it.
    let id_out = match &id {
        Some(_) => None,
        None => response_fields(create).and_then(|fs| {
            fs.iter()
                .find(|f| {
                    f.ty.is_scalar()
                        && norm(&f.name).ends_with("id")
                        && norm(&f.name) != "requestid"
                })
                .map(|f| f.name.clone())
        }),
    };
    (id, scope, id_out)
}

fn literal_key(path: &str) -> (String, bool) {
    let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let ends_with_param = segs.last().is_some_and(|s| s.starts_with('{'));
    let lits: Vec<&str> = segs
        .iter()
        .copied()
        .filter(|s| !s.starts_with('{'))
        .collect();
    (lits.join("/"), ends_with_param)
}

fn placeholders(path: &str) -> Vec<String> {
    path.split('/')
        .filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
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
    // The new id comes back in the member named like the item placeholder, or `id`.
    let id_out = response_fields(create).and_then(|fs| {
        let wanted = item_id.as_deref().map(norm);
        fs.iter()
            .find(|f| f.ty.is_scalar() && Some(norm(&f.name)) == wanted)
            .or_else(|| {
                fs.iter()
                    .find(|f| f.ty.is_scalar() && norm(&f.name) == "id")
            })
            .map(|f| f.name.clone())
    });
    let id = item_id.filter(|k| takes(create, k));
    (id, scope, id_out)
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

/// Markdown table of the inferred plans, for the mock crate's README.
pub fn table(plans: &BTreeMap<String, Plan>) -> String {
    if plans.is_empty() {
        return "No resource has both a create and a list or describe operation in the spec, so \
                `--stateful` changes nothing for this service.\n"
            .to_owned();
    }
    let mut rows: Vec<(&str, &str, &Plan)> = plans
        .iter()
        .map(|(op, p)| (p.resource.as_str(), op.as_str(), p))
        .collect();
    rows.sort_by_key(|(r, op, p)| (*r, p.action as u8, *op));
    let mut out = String::from(
        "| resource | operation | role | id | scope | list at |\n|---|---|---|---|---|---|\n",
    );
    for (r, op, p) in rows {
        let role = match p.action {
            Action::Create => "create",
            Action::List => "list",
            Action::Get => "describe",
            Action::Update => "update",
            Action::Delete => "delete",
        };
        let id =
            p.id.clone()
                .or_else(|| p.id_out.as_ref().map(|o| format!("new, answered in `{o}`")))
                .map(|s| {
                    if s.starts_with("new") {
                        s
                    } else {
                        format!("`{s}`")
                    }
                })
                .unwrap_or_default();
        out.push_str(&format!(
            "| `{r}` | `{op}` | {role} | {id} | {} | {} |\n",
            p.scope
                .iter()
                .map(|s| format!("`{s}`"))
                .collect::<Vec<_>>()
                .join(", "),
            p.items
                .as_deref()
                .map(|s| format!("`{s}`"))
                .unwrap_or_default()
        ));
    }
    out
}
