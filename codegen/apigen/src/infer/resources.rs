//! The reviewed resource file of a service (`specs/resources/<service>.yaml`): what the
//! stateful mock's inference cannot know from names, paths and tables — which body member is a
//! resource's identity, which documented error a conflict answers, which status values a
//! resource passes through — each entry with its evidence (`reason`), as corrections carry
//! theirs. Inference stays the default; an entry only settles the points it names.
//!
//! ```yaml
//! service: dms-kafka
//! resources:
//! - resource: v2/instances/topics        # as the mock crate's README lists it
//!   reason: "L3146: the create answers `name` (v2) for the `id` sent; L3388 deletes by name"
//!   operations:                          # operations the inference did not join
//!     DeleteInstanceTopics: {action: delete, id: topics}
//!   id: id                               # the create's request member naming the resource
//!   key: [LabelValue]                    # further members naming it with `id` (a tuple)
//!   renames: {id: name}                  # request member -> member of listed/described items
//!   unique: [name]                       # members two resources may not share
//!   conflict: DMS.10240017               # error codes from the document's tables
//!   not_found: DMS.10540401
//!   busy: DMS.00400026
//!   lifecycle: {field: status, pending: [CREATING], ready: RUNNING, deleting: DELETING}
//! - resource: instance                   # not inferred: declared by its operations
//!   reason: "…"
//!   operations:
//!     CreatePrePayOrder: {action: create}
//!     GetInstanceList: {action: list}
//!     DeleteInstance: {action: delete, id: InstanceId}
//!   scope: [RegionId]                    # members that scope a declared resource
//!   listed_id: InstanceId                # the listed member holding the generated id
//!   id_out: Result.DeployOrderId         # or the create's answer member holding it
//!   id_format: alikafka_post-cn-mp919o4v  # an example of a generated id
//! - resource: acl
//!   reason: "…"
//!   remove: true                         # not a resource the service stores
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use apigen_runtime::schema::{Action, ErrorAnswer, Lifecycle, Plan};
use serde::Deserialize;

use crate::spec::model::{Operation, Spec};

/// A parsed resource file.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Resources {
    /// The service the file is for (must match the spec).
    pub service: String,
    /// One entry per resource it settles.
    #[serde(default)]
    pub resources: Vec<Entry>,
}

/// What the file settles about one resource.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// The inferred resource name.
    pub resource: String,
    /// The evidence: document lines, tables, examples.
    pub reason: String,
    /// The inferred plans are not a resource: drop them.
    #[serde(default)]
    pub remove: bool,
    /// Operations to join, with their role and the request member naming the resource.
    #[serde(default)]
    pub operations: BTreeMap<String, Joined>,
    /// The create's request member naming the resource (client-chosen identity).
    #[serde(default)]
    pub id: Option<String>,
    /// Further request members naming the resource together with its id (a composite
    /// identity); every operation of the resource but the list must take them.
    #[serde(default)]
    pub key: Vec<String>,
    /// The create's answer member holding the new id (dotted: `Result.DeployOrderId`).
    #[serde(default)]
    pub id_out: Option<String>,
    /// The member of listed items holding a generated id the create does not answer.
    #[serde(default)]
    pub listed_id: Option<String>,
    /// An example of a generated id (its letters, digits and separators are kept as classes).
    #[serde(default)]
    pub id_format: Option<String>,
    /// Request members that scope a declared resource (`InstanceId`, `RegionId`).
    #[serde(default)]
    pub scope: Vec<String>,
    /// Request member → member of described and listed items.
    #[serde(default)]
    pub renames: BTreeMap<String, String>,
    /// Members whose values must be unique within the scope.
    #[serde(default)]
    pub unique: Option<Vec<String>>,
    /// Error code answered to a duplicate create.
    #[serde(default)]
    pub conflict: Option<String>,
    /// Error code answered for a missing id.
    #[serde(default)]
    pub not_found: Option<String>,
    /// Error code answered to an update or delete of a resource not in its final state.
    #[serde(default)]
    pub busy: Option<String>,
    /// The status member and its states.
    #[serde(default)]
    pub lifecycle: Option<Lifecycle>,
}

/// An operation joined to a resource.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Joined {
    /// Its role.
    pub action: Action,
    /// The request member naming the resource (an array of ids deletes each).
    #[serde(default)]
    pub id: Option<String>,
}

/// Where the resource file of the spec at `spec_path` lives: `resources/<name>.yaml` beside
/// it (`specs/dms-kafka.yaml` → `specs/resources/dms-kafka.yaml`).
pub fn path_for(spec_path: &Path) -> PathBuf {
    let dir = spec_path.parent().unwrap_or(Path::new(""));
    let name = spec_path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    dir.join("resources").join(name)
}

/// Why a resource file cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ResourcesError {
    #[error(transparent)]
    Io(#[from] crate::error::IoError),
    /// Not YAML, or not a resource file; with line and column where the parser knows them.
    #[error("{file}{}: {source}", match .location { Some((l, c)) => format!(":{l}:{c}"), None => String::new() })]
    Parse {
        file: String,
        location: Option<(usize, usize)>,
        source: yaml_serde::Error,
    },
    #[error("{file}: resource {resource:?}: every entry needs its evidence in `reason`")]
    NoReason { file: String, resource: String },
    /// The file does not fit the spec (a stale entry).
    #[error("{file}: {source}")]
    Apply { file: String, source: ApplyError },
}

/// Why a resource file's entries do not fit the spec they are applied to.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApplyError {
    #[error("resource file is for service {file:?}, the spec is {spec:?}")]
    WrongService { file: String, spec: String },
    #[error("resource {resource:?}: {problem}")]
    Entry {
        resource: String,
        problem: EntryProblem,
    },
}

/// What an entry names that the spec (or the inference) does not have.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EntryProblem {
    #[error("no such inferred resource (stale entry?)")]
    NoResource,
    #[error("error code {0:?} is not in the document's tables")]
    NoErrorCode(String),
    #[error("no operation {0:?}")]
    NoOperation(String),
    #[error("{operation} takes no member {member:?}")]
    TakesNo { operation: String, member: String },
    #[error("{operation} answers no member {member:?}")]
    AnswersNo { operation: String, member: String },
}

impl Resources {
    /// Reads and parses the file at `path`; `Ok(None)` when there is none.
    pub fn load(path: &Path) -> Result<Option<Self>, ResourcesError> {
        let text = match crate::error::read(path) {
            Ok(t) => t,
            Err(e) if e.is_not_found() => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        Self::parse(&path.display().to_string(), &text).map(Some)
    }

    /// Parses the text of a resource file (`file` names it in errors).
    pub fn parse(file: &str, text: &str) -> Result<Self, ResourcesError> {
        let r: Self = yaml_serde::from_str(text).map_err(|source| ResourcesError::Parse {
            file: file.to_string(),
            location: source.location().map(|l| (l.line(), l.column())),
            source,
        })?;
        for e in &r.resources {
            if e.reason.trim().is_empty() {
                return Err(ResourcesError::NoReason {
                    file: file.to_string(),
                    resource: e.resource.clone(),
                });
            }
        }
        Ok(r)
    }

    /// Applies the entries to the inferred `plans` of `spec`; an entry naming a resource,
    /// operation or error code the spec does not have is an error (a stale entry, as for
    /// corrections).
    pub fn apply(&self, spec: &Spec, plans: &mut BTreeMap<String, Plan>) -> Result<(), ApplyError> {
        if self.service != spec.service.name {
            return Err(ApplyError::WrongService {
                file: self.service.clone(),
                spec: spec.service.name.clone(),
            });
        }
        for e in &self.resources {
            let ctx = |problem: EntryProblem| ApplyError::Entry {
                resource: e.resource.clone(),
                problem,
            };
            let takes_no = |operation: &str, member: &str| {
                ctx(EntryProblem::TakesNo {
                    operation: operation.to_string(),
                    member: member.to_string(),
                })
            };
            // A resource the inference did not find is declared by the operations it joins,
            // a create among them (`CreatePrePayOrder` makes an Alibaba Kafka instance).
            let declared = e
                .operations
                .values()
                .any(|j| j.action == Action::Create)
                .then(|| Plan {
                    scope: e.scope.clone(),
                    ..Plan::new(e.resource.clone(), Action::Create)
                });
            let template = plans
                .values()
                .find(|p| p.resource == e.resource)
                .cloned()
                .or(declared)
                .ok_or_else(|| ctx(EntryProblem::NoResource))?;
            if e.remove {
                plans.retain(|_, p| p.resource != e.resource);
                continue;
            }
            let error = |code: &Option<String>| -> Result<Option<ErrorAnswer>, ApplyError> {
                let Some(code) = code else { return Ok(None) };
                find_error(spec, code)
                    .map(Some)
                    .ok_or_else(|| ctx(EntryProblem::NoErrorCode(code.clone())))
            };
            let (conflict, not_found, busy) =
                (error(&e.conflict)?, error(&e.not_found)?, error(&e.busy)?);
            for (op_id, joined) in &e.operations {
                let op = spec
                    .operations
                    .iter()
                    .find(|o| &o.id == op_id)
                    .ok_or_else(|| ctx(EntryProblem::NoOperation(op_id.clone())))?;
                if let Some(id) = &joined.id {
                    if !takes(op, id) {
                        return Err(takes_no(op_id, id));
                    }
                }
                // The template's resource-wide members (scope, renames, errors, lifecycle);
                // the rest is the operation's own.
                let mut plan = Plan {
                    id: joined.id.clone(),
                    scope: template.scope.clone(),
                    target: template.target.clone(),
                    renames: template.renames.clone(),
                    not_found: template.not_found.clone(),
                    busy: template.busy.clone(),
                    lifecycle: template.lifecycle.clone(),
                    ..Plan::new(template.resource.clone(), joined.action)
                };
                plan.scope.retain(|k| takes(op, k));
                if plan.action == Action::List {
                    (plan.items, plan.total, plan.paging) = super::stateful::list_shape(spec, op);
                }
                if plan.action == Action::Get {
                    plan.target = super::stateful::describe_target(&plan, op);
                }
                plans.insert(op_id.clone(), plan);
            }
            for (op_id, plan) in plans.iter_mut().filter(|(_, p)| p.resource == e.resource) {
                let op = spec.operations.iter().find(|o| &o.id == op_id);
                if plan.action == Action::Create {
                    if let Some(id) = &e.id {
                        if !op.is_some_and(|o| takes(o, id)) {
                            return Err(takes_no(op_id, id));
                        }
                        plan.id = Some(id.clone());
                    }
                    if let Some(k) = &e.listed_id {
                        plan.id_field = Some(k.clone());
                    }
                    if let Some(k) = &e.id_out {
                        if !op.is_some_and(|o| answers(o, k)) {
                            return Err(ctx(EntryProblem::AnswersNo {
                                operation: op_id.clone(),
                                member: k.clone(),
                            }));
                        }
                        plan.id_out = Some(k.clone());
                    }
                    if let Some(f) = &e.id_format {
                        plan.id_format = Some(f.clone());
                    }
                    if let Some(u) = &e.unique {
                        plan.unique = u.clone();
                    }
                    if conflict.is_some() {
                        plan.conflict = conflict.clone();
                    }
                } else if plan.action != Action::List {
                    if not_found.is_some() {
                        plan.not_found = not_found.clone();
                    }
                    if busy.is_some() && matches!(plan.action, Action::Update | Action::Delete) {
                        plan.busy = busy.clone();
                    }
                }
                if !e.key.is_empty() && plan.action != Action::List {
                    if let Some(k) = e.key.iter().find(|k| !op.is_some_and(|o| takes(o, k))) {
                        return Err(takes_no(op_id, k));
                    }
                    plan.key = e.key.clone();
                    // The members of the identity do not scope it.
                    plan.scope.retain(|s| !e.key.contains(s));
                }
                if !e.renames.is_empty() {
                    plan.renames = e.renames.clone();
                }
                if e.lifecycle.is_some() {
                    plan.lifecycle = e.lifecycle.clone();
                }
            }
        }
        Ok(())
    }
}

fn takes(op: &Operation, name: &str) -> bool {
    op.parameters.iter().any(|p| p.name == name)
        || op
            .body
            .as_ref()
            .is_some_and(|b| b.fields.iter().any(|f| f.name == name))
}

/// Whether the success answer of `op` has the member at dotted `path`.
fn answers(op: &Operation, path: &str) -> bool {
    let Some(mut fields) = op
        .responses
        .iter()
        .find(|r| (200..300).contains(&r.status))
        .and_then(|r| r.body.as_ref())
        .map(|b| b.fields.as_slice())
    else {
        return false;
    };
    let mut segs = path.split('.').peekable();
    while let Some(seg) = segs.next() {
        let Some(f) = fields.iter().find(|f| f.name == seg) else {
            return false;
        };
        if segs.peek().is_none() {
            return true;
        }
        fields = match &f.ty {
            crate::spec::model::TypeExpr::Named(n) => match op.types.get(n) {
                Some(t) => &t.fields,
                None => return false,
            },
            _ => &f.fields,
        };
    }
    false
}

/// The documented error with this code (operation tables first, then the document's).
fn find_error(spec: &Spec, code: &str) -> Option<ErrorAnswer> {
    spec.operations
        .iter()
        .flat_map(|o| o.errors.iter())
        .chain(spec.service.error_codes.iter())
        .find(|e| e.code == code)
        .map(|e| ErrorAnswer {
            status: e.status.filter(|s| (400..500).contains(s)).unwrap_or(400),
            code: e.code.clone(),
            message: e.message.clone(),
        })
}

/// The stateful plans of the spec at `spec_path`: inferred, then settled by its resource file.
pub fn plans_for(spec_path: &Path, spec: &Spec) -> Result<BTreeMap<String, Plan>, ResourcesError> {
    let mut plans = super::stateful::infer(spec);
    let path = path_for(spec_path);
    if let Some(r) = Resources::load(&path)? {
        r.apply(spec, &mut plans)
            .map_err(|source| ResourcesError::Apply {
                file: path.display().to_string(),
                source,
            })?;
        // Joined lists and reviewed lifecycles filter too.
        super::stateful::list_filters(spec, &mut plans);
    }
    Ok(plans)
}
