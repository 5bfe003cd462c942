//! Stateful mocks: create, list, describe, update and delete operations of one resource see each
//! other's effects through a [`Store`].
//!
//! Which operation does what to which resource is not decided here: `apigen` infers it from the
//! spec's operation names and paths and writes one [`Plan`] per operation into the mock crate
//! (`src/stateful.json`, listed in its README). Answers keep the documented example's form: a
//! listed item is the example's first item with the stored values written over the members they
//! share, so a resource created with `CreateTopic {Topic, Remark}` appears in `GetTopicList` as a
//! `TopicVO` with that `Topic` and `Remark` and the example's other members.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::Store;
pub use crate::schema::{Action, Plan};
use crate::server::ApiError;

/// The stateful engine of one mock: the plans and the store.
#[derive(Debug, Clone)]
pub struct Stateful {
    plans: BTreeMap<String, Plan>,
    store: Store,
}

impl Stateful {
    /// An engine with these plans and an empty store (ids seeded by `seed`).
    pub fn new(plans: BTreeMap<String, Plan>, seed: u64) -> Self {
        Self {
            plans,
            store: Store::new(seed),
        }
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
        let scope = scope_key(plan, &fields);
        let kind = format!("{}{scope}", plan.resource);
        let named = plan
            .id
            .as_ref()
            .and_then(|k| fields.get(k))
            .and_then(id_text);
        let mut body = default();
        match plan.action {
            Action::Create => {
                let id = named.unwrap_or_else(|| self.store.new_id(&plan.resource));
                let mut record = fields.clone();
                if let Some(k) = plan.id.as_ref().or(plan.id_out.as_ref()) {
                    record.insert(k.clone(), Value::String(id.clone()));
                }
                if let Some(out) = &plan.id_out {
                    record.insert(out.clone(), Value::String(id.clone()));
                    set_path(&mut body, out, Value::String(id.clone()));
                }
                self.store.put(&kind, &id, Value::Object(record));
            }
            Action::List => {
                let records = self.store.list(&kind);
                if let Some(path) = &plan.items {
                    let template = get_path(&body, path)
                        .and_then(|v| v.as_array())
                        .and_then(|a| a.first())
                        .cloned()
                        .unwrap_or(Value::Object(Map::new()));
                    let items: Vec<Value> = records.iter().map(|r| overlay(&template, r)).collect();
                    set_path(&mut body, path, Value::Array(items));
                }
                if let Some(path) = &plan.total {
                    set_path(&mut body, path, Value::from(records.len()));
                }
            }
            Action::Get | Action::Update | Action::Delete => {
                let id = named.ok_or_else(|| {
                    ApiError::missing_parameter(plan.id.as_deref().unwrap_or("id"))
                })?;
                let Some(record) = self.store.get(&kind, &id) else {
                    return Err(not_found(&plan.resource, &id));
                };
                match plan.action {
                    Action::Delete => {
                        self.store.remove(&kind, &id);
                    }
                    Action::Update => {
                        self.store
                            .update(&kind, &id, &Value::Object(fields.clone()));
                    }
                    _ => {
                        let path = plan.target.as_deref().unwrap_or("");
                        let current = get_path(&body, path).cloned().unwrap_or(Value::Null);
                        set_path(&mut body, path, overlay(&current, &record));
                    }
                }
            }
        }
        Ok(Some(body))
    }
}

/// 404 `ResourceNotFound` (rendered in the service's vendor format).
fn not_found(resource: &str, id: &str) -> ApiError {
    ApiError::service(
        404,
        "ResourceNotFound",
        format!("The {resource} {id:?} does not exist."),
    )
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

fn scope_key(plan: &Plan, fields: &Map<String, Value>) -> String {
    plan.scope
        .iter()
        .map(|k| format!("/{}", fields.get(k).and_then(id_text).unwrap_or_default()))
        .collect()
}

fn id_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// `template` with the members it shares with `record` (compared ignoring case and `_`)
/// replaced by the record's values; an empty template or one that is not an object gives the
/// record.
fn overlay(template: &Value, record: &Value) -> Value {
    let (Value::Object(t), Value::Object(r)) = (template, record) else {
        return record.clone();
    };
    if t.is_empty() {
        return record.clone();
    }
    let norm = |k: &str| k.replace('_', "").to_ascii_lowercase();
    let mut out = t.clone();
    for (k, v) in r {
        let key = t
            .keys()
            .find(|tk| norm(tk) == norm(k))
            .cloned()
            .unwrap_or_else(|| k.clone());
        // Keep the template's type for scalars the record holds as text (`"3"` for `3`).
        let v = match (t.get(&key), v) {
            (Some(Value::Number(_)), Value::String(s)) => s
                .parse::<i64>()
                .map(Value::from)
                .unwrap_or_else(|_| v.clone()),
            _ => v.clone(),
        };
        if t.contains_key(&key) {
            out.insert(key, v);
        }
    }
    Value::Object(out)
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn plans() -> BTreeMap<String, Plan> {
        let plan = |action, id: Option<&str>| Plan {
            resource: "topic".into(),
            action,
            id: id.map(str::to_owned),
            id_out: None,
            scope: vec!["InstanceId".into()],
            items: Some("TopicList.TopicVO".into()),
            total: Some("Total".into()),
            target: None,
        };
        [
            ("CreateTopic", plan(Action::Create, Some("Topic"))),
            ("GetTopicList", plan(Action::List, None)),
            ("ModifyTopicRemark", plan(Action::Update, Some("Topic"))),
            ("DeleteTopic", plan(Action::Delete, Some("Topic"))),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect()
    }

    #[test]
    fn created_resources_are_listed_updated_and_deleted_within_their_scope() {
        let st = Stateful::new(plans(), 1);
        let list_example = || {
            json!({"Total": 9, "TopicList": {"TopicVO": [
                {"Topic": "example", "Remark": "r", "PartitionNum": 12, "InstanceId": "x"}]}})
        };
        let create = |topic: &str, inst: &str| {
            st.apply(
                "CreateTopic",
                &json!({"InstanceId": inst, "Topic": topic, "Remark": "made", "PartitionNum": "6"}),
                || json!({"Code": 200}),
            )
            .unwrap()
            .unwrap()
        };
        assert_eq!(create("a", "i-1"), json!({"Code": 200}));
        create("b", "i-1");
        create("c", "i-2");
        let list = st
            .apply("GetTopicList", &json!({"InstanceId": "i-1"}), list_example)
            .unwrap()
            .unwrap();
        assert_eq!(list["Total"], 2);
        let items = list["TopicList"]["TopicVO"].as_array().unwrap();
        assert_eq!(items[0]["Topic"], "a");
        assert_eq!(items[0]["Remark"], "made");
        assert_eq!(
            items[0]["PartitionNum"], 6,
            "the example's number type is kept"
        );
        assert_eq!(items[0]["InstanceId"], "i-1");
        st.apply(
            "ModifyTopicRemark",
            &json!({"InstanceId": "i-1", "Topic": "a", "Remark": "new"}),
            || json!({}),
        )
        .unwrap();
        st.apply(
            "DeleteTopic",
            &json!({"InstanceId": "i-1", "Topic": "b"}),
            || json!({}),
        )
        .unwrap();
        let list = st
            .apply("GetTopicList", &json!({"InstanceId": "i-1"}), list_example)
            .unwrap()
            .unwrap();
        assert_eq!(list["Total"], 1);
        assert_eq!(list["TopicList"]["TopicVO"][0]["Remark"], "new");
        let e = st
            .apply(
                "DeleteTopic",
                &json!({"InstanceId": "i-1", "Topic": "b"}),
                || json!({}),
            )
            .unwrap_err();
        assert_eq!((e.status, e.code.as_str()), (404, "ResourceNotFound"));
        assert!(st
            .apply("Other", &json!({}), || json!({}))
            .unwrap()
            .is_none());
    }

    #[test]
    fn rest_creates_return_a_fresh_id_that_get_and_delete_accept() {
        let plan = |action, id: Option<&str>, id_out: Option<&str>| Plan {
            resource: "instances".into(),
            action,
            id: id.map(str::to_owned),
            id_out: id_out.map(str::to_owned),
            scope: vec!["project_id".into()],
            items: Some("instances".into()),
            total: Some("instance_num".into()),
            target: None,
        };
        let st = Stateful::new(
            [
                ("Create", plan(Action::Create, None, Some("instance_id"))),
                ("Show", plan(Action::Get, Some("instance_id"), None)),
                ("Delete", plan(Action::Delete, Some("instance_id"), None)),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect(),
            5,
        );
        let created = st
            .apply(
                "Create",
                &json!({"project_id": "p", "body": {"name": "k1", "engine": "kafka"}}),
                || json!({"instance_id": "example"}),
            )
            .unwrap()
            .unwrap();
        let id = created["instance_id"].as_str().unwrap().to_owned();
        assert!(id.starts_with("instances-"));
        let shown = st
            .apply(
                "Show",
                &json!({"project_id": "p", "instance_id": id}),
                || json!({"name": "doc", "instance_id": "doc", "status": "RUNNING"}),
            )
            .unwrap()
            .unwrap();
        assert_eq!(
            shown,
            json!({"name": "k1", "instance_id": id, "status": "RUNNING"})
        );
        st.apply(
            "Delete",
            &json!({"project_id": "p", "instance_id": id}),
            || json!({}),
        )
        .unwrap();
        let e = st
            .apply(
                "Show",
                &json!({"project_id": "p", "instance_id": id}),
                || json!({}),
            )
            .unwrap_err();
        assert_eq!(e.status, 404);
    }
}
