//! The wire description of a service's operations that generated server and mock crates carry
//! (`src/schema.json`, written by `apigen generate` from the spec).
//!
//! It holds what a server needs to read and check a request without compiling one validator per
//! operation — parameter locations, types, nesting, required flags, enums and constraints — and
//! what a mock needs to answer — success status and response shapes. Keeping it as data (parsed
//! once at start-up) rather than as generated Rust keeps the server crates cheap to compile; the
//! checks themselves live in [`crate::server::validate`] and are tested once, here.
//!
//! The format is apigen's own; `apigen` serializes these types and the runtime deserializes them,
//! so both sides share one definition.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Every operation of one service.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServiceSchema {
    /// Service name (`alikafka`).
    pub service: String,
    /// Protocol family.
    pub protocol: Protocol,
    /// API version (RPC `Version`; for REST, informative).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub version: String,
    /// Operations in spec order.
    pub operations: Vec<OperationSchema>,
}

impl ServiceSchema {
    /// Parses the JSON text of a schema file.
    pub fn from_json(text: &str) -> Result<Self, serde_json::Error> {
        serde_json::from_str(text)
    }

    /// The operation with this id.
    pub fn operation(&self, id: &str) -> Option<&OperationSchema> {
        self.operations.iter().find(|o| o.id == id)
    }
}

/// Protocol family of a service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Protocol {
    /// Alibaba RPC (`Action` dispatch on `/`).
    AlibabaRpc,
    /// Huawei REST (one route per method and path).
    HuaweiRest,
}

/// One operation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OperationSchema {
    /// Action (RPC) or operation name (REST).
    pub id: String,
    /// HTTP method the spec records.
    pub method: String,
    /// Path template (`/` for RPC).
    pub path: String,
    /// RPC `Version` of this operation when it is not the service's (an operation of another
    /// product the document prints, e.g. CloudMonitor's in the Alibaba Kafka document).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Non-body parameters, in spec order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub params: Vec<ParamSchema>,
    /// The request body, when the operation takes one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<BodySchema>,
    /// The first documented 2xx status (200 when none is documented).
    pub success_status: u16,
    /// Shape of the success response body; `None` for an empty body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response: Option<Shape>,
    /// Named object types referenced by [`Kind::Ref`] shapes.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub types: BTreeMap<String, Shape>,
}

/// Where a parameter travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ParamLocation {
    /// Query string (RPC parameters may also come in a form body).
    Query,
    /// Path placeholder.
    Path,
    /// HTTP header.
    Header,
    /// Form body field.
    Form,
}

/// How a parameter is encoded beyond its type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ParamEncoding {
    /// `Name.1`, `Name.1.Key`.
    RepeatList,
    /// A JSON document sent as a string.
    Json,
    /// A list sent as one comma-separated string.
    Csv,
}

/// One non-body parameter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParamSchema {
    /// Wire name (the base name of a repeat list).
    pub name: String,
    /// Key of the member in the request model's serde form (usually the wire name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// Location.
    #[serde(rename = "in")]
    pub location: ParamLocation,
    /// Whether the request must carry it.
    #[serde(default, skip_serializing_if = "is_false")]
    pub required: bool,
    /// Wire encoding, when not plain.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encoding: Option<ParamEncoding>,
    /// Line of the document's table row (named by validation faults).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    /// Type, enum and constraints.
    #[serde(flatten)]
    pub shape: Shape,
}

impl ParamSchema {
    /// The member key in the request model.
    pub fn key(&self) -> &str {
        self.key.as_deref().unwrap_or(&self.name)
    }
}

/// The request body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BodySchema {
    /// Key of the body member in the request model's serde form (`body`).
    pub key: String,
    /// Media type (`application/json`, `multipart/form-data`).
    pub content_type: String,
    /// Whether a body must be sent.
    #[serde(default, skip_serializing_if = "is_false")]
    pub required: bool,
    /// Shape of the body.
    #[serde(flatten)]
    pub shape: Shape,
}

/// The type of a value with its documented enum and constraints.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Shape {
    /// Kind of value.
    #[serde(rename = "type")]
    pub kind: Kind,
    /// Members of an object.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldShape>,
    /// Element of an array, value of a map.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub items: Option<Box<Shape>>,
    /// Name of the type in [`OperationSchema::types`] (for [`Kind::Ref`]).
    #[serde(rename = "ref", default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    /// Documented values (compared as text).
    #[serde(rename = "enum", default, skip_serializing_if = "Vec::is_empty")]
    pub enum_values: Vec<String>,
    /// Stated limits.
    #[serde(default, skip_serializing_if = "Limits::is_empty")]
    pub limits: Limits,
    /// For lists the vendor wraps in an element (`{"InstanceVO": [...]}`): that element's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub list_wrapper: Option<String>,
    /// Example value printed in the document (used by mocks for generated answers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub example: Option<serde_json::Value>,
}

impl Shape {
    /// A shape of this kind with nothing else.
    pub fn of(kind: Kind) -> Self {
        Self {
            kind,
            ..Self::default()
        }
    }
}

/// An object member.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldShape {
    /// Wire name.
    pub name: String,
    /// Whether it must be present.
    #[serde(default, skip_serializing_if = "is_false")]
    pub required: bool,
    /// Line of the document's table row (named by validation faults).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    /// Its shape.
    #[serde(flatten)]
    pub shape: Shape,
}

/// Kinds of values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// Text.
    #[default]
    String,
    /// 32-bit integer.
    Integer,
    /// 64-bit integer.
    Long,
    /// Floating-point number.
    Number,
    /// `true` / `false`.
    Boolean,
    /// Object with [`Shape::fields`] (free-form when it has none).
    Object,
    /// Any JSON value.
    Any,
    /// A file part of a multipart body.
    File,
    /// Array of [`Shape::items`].
    Array,
    /// String-keyed map of [`Shape::items`].
    Map,
    /// A named type ([`Shape::reference`]).
    Ref,
}

/// Limits a document states: a spec's `constraints` and, without `pattern` (the runtime does
/// not check it), a wire schema's `limits`. One type for both, so they cannot drift apart.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(
    feature = "json-schema",
    derive(schemars::JsonSchema),
    schemars(rename = "Constraints")
)]
#[serde(deny_unknown_fields)]
pub struct Limits {
    /// Fewest characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_length: Option<u64>,
    /// Most characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_length: Option<u64>,
    /// Smallest value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minimum: Option<f64>,
    /// Largest value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maximum: Option<f64>,
    /// Fewest list items.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_items: Option<u64>,
    /// Most list items.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_items: Option<u64>,
    /// Regular expression the value must match (spec only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
}

impl Limits {
    /// Whether no limit is stated.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    /// The limits of a single value on the wire: length and range.
    pub fn of_value(&self) -> Self {
        Self {
            min_length: self.min_length,
            max_length: self.max_length,
            minimum: self.minimum,
            maximum: self.maximum,
            ..Self::default()
        }
    }

    /// The limits of a list on the wire: its item counts.
    pub fn of_list(&self) -> Self {
        Self {
            min_items: self.min_items,
            max_items: self.max_items,
            ..Self::default()
        }
    }
}

// Stateful mocks (`crate::mock::stateful`): the plan `apigen` infers per operation.

/// What an operation does to a resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    /// Adds a resource.
    Create,
    /// Lists the resources.
    List,
    /// Describes one resource.
    Get,
    /// Changes one resource.
    Update,
    /// Removes one resource.
    Delete,
}

/// The inferred role of one operation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    /// Resource kind (`topic`, `instances`).
    pub resource: String,
    /// What the operation does.
    pub action: Action,
    /// Request member naming the resource (`Topic`, `instance_id`); for a create without one, a
    /// fresh id is made.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Further request members that name the resource together with `id` (a composite
    /// identity: an Alibaba Kafka ACL is its operation type and pattern type within its user
    /// and resource, a retailcloud node label its key and value). Duplicates, describes and
    /// deletes go by the whole tuple.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub key: Vec<String>,
    /// Create: the response member that returns the new id (`instance_id`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_out: Option<String>,
    /// Create: the member of described and listed items that holds a generated id the create
    /// does not answer (MSE's `AlarmRuleId`): clients learn it from the list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_field: Option<String>,
    /// Request members that scope the resource (`InstanceId` for topics): resources are only
    /// seen by calls with the same values.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scope: Vec<String>,
    /// List: dotted path of the response array (`TopicList.TopicVO`, `instances`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub items: Option<String>,
    /// List: dotted path of the response total (`Total`, `instance_num`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total: Option<String>,
    /// Get: dotted path of the described object in the response (empty: the body itself).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// List: how the request pages through the items (the spec's `pagination`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paging: Option<Paging>,
    /// List: request members that filter the items (`name`, `status`, `EnvType`) → the item
    /// member they match. A list that sends one answers (and counts) only the items whose
    /// member has that value.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub filters: BTreeMap<String, String>,
    /// List: filters (keys of `filters`) the document says match part of the member
    /// ("模糊匹配": the item's member contains the value), each with the request member that asks
    /// for an exact match instead when it is `true` (`exact_match_name`), if there is one.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub fuzzy: BTreeMap<String, Option<String>>,
    /// Request member → response member, for members the two shapes name differently (a Huawei
    /// topic is created with `id` and listed with `name`). Members with the same name (ignoring
    /// case and `_`) map without an entry.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub renames: BTreeMap<String, String>,
    /// Create: request members whose values must be unique within the scope besides the id (an
    /// instance `name`); a second create with the same value is a conflict.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unique: Vec<String>,
    /// Create: the document's error for an id (or unique member) that exists already.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conflict: Option<ErrorAnswer>,
    /// Get, update, delete: the document's error for an id that does not exist.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_found: Option<ErrorAnswer>,
    /// Update, delete: the document's error for a resource not in its final state (still being
    /// created, or being deleted).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub busy: Option<ErrorAnswer>,
    /// The resource's status member and the states it passes through.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lifecycle: Option<Lifecycle>,
    /// Create: the documented format of a generated id (an example value; its letters, digits
    /// and separators are kept as classes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_format: Option<String>,
}

impl Plan {
    /// The plan of an operation that does `action` to `resource`, knowing nothing else yet (no
    /// id, scope, list shape, errors or lifecycle).
    pub fn new(resource: impl Into<String>, action: Action) -> Self {
        Self {
            resource: resource.into(),
            action,
            id: None,
            key: Vec::new(),
            id_out: None,
            id_field: None,
            scope: Vec::new(),
            items: None,
            total: None,
            target: None,
            paging: None,
            filters: BTreeMap::new(),
            fuzzy: BTreeMap::new(),
            renames: BTreeMap::new(),
            unique: Vec::new(),
            conflict: None,
            not_found: None,
            busy: None,
            lifecycle: None,
            id_format: None,
        }
    }
}

/// How a list operation pages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "style")]
pub enum Paging {
    /// Page number (from 1) and page size.
    PageNumber {
        /// Request member of the page number (`CurrentPage`, `PageNum`).
        page: String,
        /// Request member of the page size.
        size: String,
        /// The documented default page size.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        default_size: Option<u64>,
    },
    /// Item offset (from 0) and limit.
    OffsetLimit {
        /// Request member of the offset.
        offset: String,
        /// Request member of the limit.
        limit: String,
        /// The documented default limit.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        default_size: Option<u64>,
        /// A limit of 0 answers every item from the offset on one page, where the document
        /// says so (CSE `QueryNacosNamespace`: "0 indicates that all results are displayed on
        /// one page"); elsewhere 0 is refused.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        zero_is_all: bool,
    },
    /// An opaque marker naming where the next page starts.
    Marker {
        /// Request member carrying the marker.
        marker: String,
        /// Response member (dotted) answering the next marker; empty or absent at the end.
        next_marker: String,
        /// Request member of the page size.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        limit: Option<String>,
        /// The documented default page size.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        default_size: Option<u64>,
    },
}

/// A documented error answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorAnswer {
    /// HTTP status.
    pub status: u16,
    /// Vendor error code (`DMS.00400060`, `SVCSTG.00400107`).
    pub code: String,
    /// Message as documented.
    pub message: String,
}

/// The status member of a resource and the values it takes over its life.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lifecycle {
    /// Member of the described or listed item holding the status (`status`, `ServiceStatus`).
    pub field: String,
    /// States a new resource passes through, in order, before `ready` (`CREATING`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pending: Vec<Value>,
    /// The final state of a created resource (`RUNNING`, `Available`, `5`).
    pub ready: Value,
    /// The state of a resource being deleted, shown until it is gone (`DELETING`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deleting: Option<Value>,
    /// States from which the resource does not reach `ready` (or, for those naming a deletion,
    /// go away) by itself (`CreateFailed`, `FAULTY`): generated waiters stop at them. The mock
    /// never enters them on its own.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub failed: Vec<Value>,
}

fn is_false(b: &bool) -> bool {
    !*b
}
