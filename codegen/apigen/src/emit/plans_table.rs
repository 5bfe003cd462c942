//! The stateful plans as a Markdown table, for the mock crate's README.

use std::collections::BTreeMap;

use apigen_runtime::schema::{Action, Paging, Plan};

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
        "| resource | operation | role | id | scope | list at | paging | errors | lifecycle |\n|---|---|---|---|---|---|---|---|---|\n",
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
                .or_else(|| p.id_field.as_ref().map(|o| format!("new, listed as `{o}`")))
                .map(|s| {
                    if s.starts_with("new") {
                        s
                    } else {
                        // A composite identity: every member of the tuple.
                        std::iter::once(&s)
                            .chain(&p.key)
                            .map(|k| format!("`{k}`"))
                            .collect::<Vec<_>>()
                            .join(" + ")
                    }
                })
                .unwrap_or_default();
        let paging = match &p.paging {
            Some(Paging::PageNumber { page, size, .. }) => format!("`{page}`/`{size}`"),
            Some(Paging::OffsetLimit {
                offset,
                limit,
                zero_is_all,
                ..
            }) => {
                let zero = if *zero_is_all { " (0: all)" } else { "" };
                format!("`{offset}`/`{limit}`{zero}")
            }
            Some(Paging::Marker { marker, .. }) => format!("marker `{marker}`"),
            None => String::new(),
        };
        let errors = [
            ("conflict", &p.conflict),
            ("missing", &p.not_found),
            ("busy", &p.busy),
        ]
        .iter()
        .filter_map(|(what, e)| {
            e.as_ref()
                .map(|e| format!("{what}: {} `{}`", e.status, e.code))
        })
        .collect::<Vec<_>>()
        .join("; ");
        let lifecycle = p
            .lifecycle
            .as_ref()
            .map(|l| {
                let mut states: Vec<String> = l.pending.iter().map(|v| v.to_string()).collect();
                states.push(l.ready.to_string());
                states.extend(l.deleting.iter().map(|v| v.to_string()));
                format!("`{}`: {}", l.field, states.join(" → "))
            })
            .unwrap_or_default();
        out.push_str(&format!(
            "| `{r}` | `{op}` | {role} | {id} | {} | {} | {paging} | {errors} | {lifecycle} |\n",
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
