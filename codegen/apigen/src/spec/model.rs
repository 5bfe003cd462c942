//! The spec model (IR): the one typed description of a service that every emitter reads.
//!
//! A spec is written to and read from YAML (`specs/<service>.yaml`). Field order in the
//! structs is the order in the YAML file; maps are ordered (`BTreeMap`/`IndexMap`) so the
//! same input always gives the same bytes. Optional and empty members are skipped when
//! serialising, so a spec file shows only what the document says.

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// Version of the spec format itself; bumped when the YAML layout changes incompatibly.
pub const FORMAT_VERSION: u32 = 1;

fn is_false(b: &bool) -> bool {
    !*b
}

/// One service: everything one vendor document describes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    /// Spec format version (see `FORMAT_VERSION`).
    pub format: u32,
    pub service: Service,
    /// Operations in document order.
    pub operations: Vec<Operation>,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Vendor {
    Alibaba,
    Huawei,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
pub enum Protocol {
    /// Alibaba Cloud RPC: `GET|POST /?Action=X&Version=Y&...`, signed query or form.
    #[serde(rename = "alibaba-rpc")]
    AlibabaRpc,
    /// Huawei Cloud REST: one method and path per operation, JSON bodies.
    #[serde(rename = "huawei-rest")]
    HuaweiRest,
}

/// Service-wide facts: identity, endpoint, auth, common parameters, errors, provenance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Service {
    /// Stable short name, used for file and crate names (`mse`, `alikafka`, `cse`, ...).
    pub name: String,
    /// Product title as printed in the document.
    pub title: String,
    pub vendor: Vendor,
    pub protocol: Protocol,
    /// Vendor product code (`mse`, `alikafka`, `retailcloud`); Huawei: service code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product_code: Option<String>,
    /// API versions the document states (RPC `Version` values, or REST path versions).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub api_versions: Vec<String>,
    /// Endpoint host pattern, e.g. `mse.{region_id}.aliyuncs.com` or `{endpoint}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint: Option<String>,
    /// Where the service is served, per region, and the rule for regions not listed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoints: Option<Endpoints>,
    /// Other products whose operations the document prints (Alibaba Kafka's chapter of
    /// CloudMonitor operations): each with its own code, API version and endpoints. An
    /// operation of such a product names it in `product`; clients send it to the product's
    /// endpoint with the product's `Version`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub products: Vec<Product>,
    /// Authentication schemes the document describes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub auth: Vec<AuthScheme>,
    /// Parameters every request carries (Alibaba common parameters, Huawei common headers).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub common_parameters: Vec<Field>,
    /// Shape of an error response body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_format: Option<ErrorFormat>,
    /// Error codes listed by the document (appendix or per-operation tables).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub error_codes: Vec<ErrorCode>,
    /// HTTP status codes listed by the document's appendix, with their meaning.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub status_codes: Vec<StatusCode>,
    pub source: Source,
    /// Facts the document does not state, supplied by a correction marked `external`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub external_facts: Vec<ExternalFact>,
}

/// Another product documented inside this service's document, called as that product.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Product {
    /// Product code (`cms`): the operations' `product`, and the client module's name.
    pub code: String,
    /// Product name (`CloudMonitor`).
    pub title: String,
    /// The chapter (`group`) whose operations belong to the product.
    pub group: String,
    /// The product's API version, sent as `Version` by its operations.
    pub api_version: String,
    /// Where the product is served.
    pub endpoints: Endpoints,
}

/// Where the service is served: the host of each listed region, and the rule for the others.
///
/// Resolution (in the generated clients, `apigen_runtime::EndpointTable`) follows the vendors'
/// SDKs: a listed region gets its host on every network; any other region gets `rule`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Endpoints {
    /// Host template for regions not in `regions`: `{region_id}` is the region; `{network}` is
    /// empty on the public network and `-<network>` on another (`mse{network}.{region_id}.aliyuncs.com`
    /// gives `mse-vpc.cn-hangzhou.aliyuncs.com` on `vpc`). Without `{network}` the rule serves
    /// the public network only.
    pub rule: String,
    /// Host of each listed region (region id → host name, no scheme).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub regions: BTreeMap<String, String>,
    /// Where the document states them (its endpoint table or sentence).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<SourceRef>,
    /// A global service (Huawei: IAM, BSS, …): requests carry the account's domain id
    /// (`X-Domain-Id`, the SDK's `GlobalCredentials`) instead of a project id, and the
    /// generated client looks it up through IAM when none is given. Absent: regional.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub global: bool,
}

/// Provenance of a spec: which document, which revision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// Path of the document relative to the repository root (`specs/sources/...`).
    pub document: String,
    /// Title line(s) of the document.
    pub title: String,
    /// Document revision as printed (e.g. `20210223`, `Issue 01 (2026-01-06)`).
    pub revision: String,
    /// SHA-256 of the document text, so a spec can tell which text it came from.
    pub sha256: String,
    /// Corrections file applied, relative to the repository root.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub corrections: Option<String>,
}

/// A fact supplied from outside the document (a correction marked `external`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExternalFact {
    /// What was set, e.g. `service.product_code`.
    pub subject: String,
    pub value: String,
    /// Where the fact comes from.
    pub source: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case", tag = "kind", deny_unknown_fields)]
pub enum AuthScheme {
    /// Alibaba RPC signature v1: HMAC-SHA1 over the canonicalised query.
    AlibabaSignatureV1 {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        section: Option<SourceRef>,
    },
    /// Alibaba ACS3-HMAC-SHA256 (the current SDKs' signature).
    AlibabaSignatureV3 {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        section: Option<SourceRef>,
    },
    /// Huawei AK/SK signing (`SDK-HMAC-SHA256`, `X-Sdk-Date`).
    HuaweiAkSk {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        section: Option<SourceRef>,
    },
    /// IAM token in `X-Auth-Token`.
    HuaweiToken {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        section: Option<SourceRef>,
    },
    /// `Authorization: Bearer <token>` issued by the engine itself.
    Bearer {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        section: Option<SourceRef>,
    },
}

/// Which body fields carry the error code, message and request id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ErrorFormat {
    pub code_field: String,
    pub message_field: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id_field: Option<String>,
    /// Documented example of an error body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub example: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub section: Option<SourceRef>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ErrorCode {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    pub code: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub message: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub solution: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusCode {
    pub status: u16,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub message: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
}

/// A pointer back into the source document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SourceRef {
    /// Section number as printed (`6.1`, `5.3.12`, `7.1.1.6`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub section: String,
    /// 1-based line of the document where the section (or row) starts.
    pub line: u32,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "UPPERCASE")]
pub enum Method {
    Get,
    Post,
    Put,
    Delete,
    Patch,
    Head,
    Options,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Delete => "DELETE",
            Method::Patch => "PATCH",
            Method::Head => "HEAD",
            Method::Options => "OPTIONS",
        }
    }
    pub fn parse(s: &str) -> Option<Method> {
        Some(match s.trim().to_ascii_uppercase().as_str() {
            "GET" => Method::Get,
            "POST" => Method::Post,
            "PUT" => Method::Put,
            "DELETE" => Method::Delete,
            "PATCH" => Method::Patch,
            "HEAD" => Method::Head,
            "OPTIONS" => Method::Options,
            _ => return None,
        })
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One API operation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Operation {
    /// Stable identifier: the Action name (RPC) or a PascalCase name derived from the
    /// title (REST), unique within the spec.
    pub id: String,
    /// Title as printed in the document heading.
    pub title: String,
    /// Where the operation is described.
    pub source: SourceRef,
    /// One-paragraph description from the document.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// Usage restrictions the document states in their own subsection after the
    /// description (CSE's "Restrictions"); empty when there is none or it says "None".
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub restrictions: String,
    /// HTTP method. RPC operations accept GET and POST; the spec records the one the
    /// document shows (POST where it is silent).
    pub method: Method,
    /// Path template (`/` for RPC; `/v2/{project_id}/instances` for REST).
    pub path: String,
    /// API version of this operation when it differs per operation (RPC `Version`, or
    /// the REST path's version segment).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Code of the other product (`service.products`) this operation belongs to; absent
    /// for the service's own operations.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product: Option<String>,
    /// Group (chapter) the operation belongs to, as printed.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub group: String,
    /// Marked deprecated or historical by the document (Huawei Kafka's V1 chapter).
    #[serde(default, skip_serializing_if = "is_false")]
    pub deprecated: bool,
    /// The operation the document names as replacement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replaced_by: Option<String>,
    /// Pagination style when the operation is paged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pagination: Option<Pagination>,
    /// Non-body request parameters (path, query, header, form, file).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parameters: Vec<Field>,
    /// Request body, when the operation takes one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<Body>,
    /// Responses by status code, in document order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub responses: Vec<Response>,
    /// Named object types local to this operation (Huawei's `Table 5-6 GetKieConfigs`).
    /// Scoped per operation because the same name carries different fields elsewhere.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub types: BTreeMap<String, TypeDef>,
    /// Documented request examples.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub request_examples: Vec<Example>,
    /// Error codes the operation's own section lists.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ErrorCode>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case", tag = "style", deny_unknown_fields)]
pub enum Pagination {
    /// `PageNumber`/`PageSize`-style (or `CurrentPage`).
    PageNumber {
        page: String,
        size: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        total: Option<String>,
        /// Response field (dotted) holding the items.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        items: Option<String>,
    },
    /// `offset`/`limit`-style.
    OffsetLimit {
        offset: String,
        limit: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        total: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        items: Option<String>,
    },
    /// Marker/NextToken style.
    Marker {
        marker: String,
        next_marker: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        limit: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        items: Option<String>,
    },
}

/// A request body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Body {
    /// Media type (`application/json`, `multipart/form-data`).
    pub content_type: String,
    /// Shape of the body: usually `object` with `fields`, sometimes `array<X>`.
    #[serde(rename = "type")]
    pub ty: TypeExpr,
    #[serde(default, skip_serializing_if = "is_false")]
    pub required: bool,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// Members of the body object (or of the array's items).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<Field>,
}

/// One documented response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Response {
    pub status: u16,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub headers: Vec<Field>,
    /// Response body; `None` when the document lists the status without a body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<Body>,
    /// Documented examples of this response.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub examples: Vec<Example>,
}

/// A named object type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TypeDef {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// Where the type's table starts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<SourceRef>,
    pub fields: Vec<Field>,
}

/// Where a request parameter travels.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Location {
    Query,
    Path,
    Header,
    Body,
    Form,
    File,
}

impl Location {
    pub fn as_str(self) -> &'static str {
        match self {
            Location::Query => "query",
            Location::Path => "path",
            Location::Header => "header",
            Location::Body => "body",
            Location::Form => "form",
            Location::File => "file",
        }
    }
}

/// How a parameter is encoded on the wire beyond its type.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Encoding {
    /// Alibaba repeat list: `Name.1`, `Name.2` (scalars) or `Name.1.Key` (objects).
    RepeatList,
    /// The value is a JSON document sent as a string (Alibaba `Json` type).
    Json,
    /// A list sent as one comma-separated string.
    Csv,
}

/// A parameter or a member of an object.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Field {
    /// Wire name (for repeat lists the base name: `Tag` for `Tag.N.Key`).
    pub name: String,
    /// Location, for request parameters only.
    #[serde(rename = "in", default, skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    #[serde(rename = "type")]
    pub ty: TypeExpr,
    #[serde(default, skip_serializing_if = "is_false")]
    pub required: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encoding: Option<Encoding>,
    /// For lists the document shows wrapped in an XML-style element
    /// (`"InstanceList": {"InstanceVO": [...]}`): the wrapper element's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub list_wrapper: Option<String>,
    /// Members, when `type` is `object`/`array<object>`/`map<object>` defined inline.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<Field>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<serde_json::Value>,
    #[serde(rename = "enum", default, skip_serializing_if = "Vec::is_empty")]
    pub enum_values: Vec<EnumValue>,
    #[serde(default, skip_serializing_if = "Constraints::is_empty")]
    pub constraints: Constraints,
    /// Example value as printed in the table.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub example: Option<String>,
    /// Description in the document's language, HTML removed.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    #[serde(default, skip_serializing_if = "is_false")]
    pub deprecated: bool,
    /// Type as printed in the table (`Array of GetKieConfigs objects`, `RepeatList`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub doc_type: String,
    /// Line of the table row in the document.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
}

impl Field {
    pub fn new(name: impl Into<String>, ty: TypeExpr) -> Field {
        Field {
            name: name.into(),
            location: None,
            ty,
            required: false,
            encoding: None,
            list_wrapper: None,
            fields: Vec::new(),
            default: None,
            enum_values: Vec::new(),
            constraints: Constraints::default(),
            example: None,
            description: String::new(),
            deprecated: false,
            doc_type: String::new(),
            line: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EnumValue {
    pub value: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
}

/// Constraints the document's text states: the runtime's limits type, so the spec and the wire
/// schema cannot drift apart (`emit::schema` takes the wire's part of them).
pub type Constraints = apigen_runtime::schema::Limits;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum ExampleFormat {
    Json,
    Xml,
    /// A request line or query string (`http(s)://[Endpoint]/?Action=...`).
    Http,
    Text,
}

/// A documented example.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Example {
    pub format: ExampleFormat,
    /// Line of the example's first fence in the document.
    pub line: u32,
    /// Short title printed before the example, if any.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub title: String,
    /// For HTTP examples: the method the example shows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<Method>,
    /// For HTTP examples: the path (and query) the example shows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// For HTTP examples: query or form parameters, in the order shown.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub params: IndexMap<String, String>,
    /// Parsed JSON (the body, for a request example with one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub json: Option<serde_json::Value>,
    /// The text as printed, when it could not be parsed (or for XML).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub raw: Option<String>,
    /// Why the example is not checked against the tables (from a correction).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mismatch: Option<String>,
}

/// A type expression, written as a string in YAML:
/// `string`, `integer`, `long`, `number`, `boolean`, `object`, `any`, `file`,
/// `array<T>`, `map<T>`, or the name of a type in the operation's `types`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TypeExpr {
    String,
    Integer,
    Long,
    Number,
    Boolean,
    /// An object: members in `fields`, or free-form when it has none.
    Object,
    /// Any JSON value.
    Any,
    File,
    Array(Box<TypeExpr>),
    Map(Box<TypeExpr>),
    /// A named type from the operation's `types`.
    Named(String),
}

impl TypeExpr {
    pub fn array(inner: TypeExpr) -> TypeExpr {
        TypeExpr::Array(Box::new(inner))
    }
    pub fn map(inner: TypeExpr) -> TypeExpr {
        TypeExpr::Map(Box::new(inner))
    }

    /// The coarse kind used by `apigen inspect`.
    pub fn kind(&self) -> &'static str {
        match self {
            TypeExpr::String => "string",
            TypeExpr::Integer => "integer",
            TypeExpr::Long => "long",
            TypeExpr::Number => "number",
            TypeExpr::Boolean => "boolean",
            TypeExpr::Object | TypeExpr::Named(_) | TypeExpr::Any => "object",
            TypeExpr::File => "file",
            TypeExpr::Array(_) => "array",
            TypeExpr::Map(_) => "map",
        }
    }

    /// Innermost element type of nested arrays/maps.
    pub fn element(&self) -> &TypeExpr {
        match self {
            TypeExpr::Array(t) | TypeExpr::Map(t) => t.element(),
            t => t,
        }
    }

    pub fn is_scalar(&self) -> bool {
        matches!(
            self,
            TypeExpr::String
                | TypeExpr::Integer
                | TypeExpr::Long
                | TypeExpr::Number
                | TypeExpr::Boolean
        )
    }

    /// Parse the YAML spelling. Errors name what was expected.
    pub fn parse(s: &str) -> Result<TypeExpr, TypeExprError> {
        let s = s.trim();
        if let Some(inner) = s.strip_prefix("array<").and_then(|r| r.strip_suffix('>')) {
            return Ok(TypeExpr::array(TypeExpr::parse(inner)?));
        }
        if let Some(inner) = s.strip_prefix("map<").and_then(|r| r.strip_suffix('>')) {
            return Ok(TypeExpr::map(TypeExpr::parse(inner)?));
        }
        Ok(match s {
            "string" => TypeExpr::String,
            "integer" => TypeExpr::Integer,
            "long" => TypeExpr::Long,
            "number" => TypeExpr::Number,
            "boolean" => TypeExpr::Boolean,
            "object" => TypeExpr::Object,
            "any" => TypeExpr::Any,
            "file" => TypeExpr::File,
            name if !name.is_empty()
                && name
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.') =>
            {
                TypeExpr::Named(name.to_string())
            }
            other => return Err(TypeExprError(other.to_string())),
        })
    }
}

/// A type spelling [`TypeExpr::parse`] does not know (what it found).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "expected a type (string, integer, long, number, boolean, object, any, file, array<T>, \
     map<T> or a type name), found `{0}`"
)]
pub struct TypeExprError(pub String);

impl fmt::Display for TypeExpr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TypeExpr::String => f.write_str("string"),
            TypeExpr::Integer => f.write_str("integer"),
            TypeExpr::Long => f.write_str("long"),
            TypeExpr::Number => f.write_str("number"),
            TypeExpr::Boolean => f.write_str("boolean"),
            TypeExpr::Object => f.write_str("object"),
            TypeExpr::Any => f.write_str("any"),
            TypeExpr::File => f.write_str("file"),
            TypeExpr::Array(t) => write!(f, "array<{t}>"),
            TypeExpr::Map(t) => write!(f, "map<{t}>"),
            TypeExpr::Named(n) => f.write_str(n),
        }
    }
}

impl Serialize for TypeExpr {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for TypeExpr {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        TypeExpr::parse(&s).map_err(serde::de::Error::custom)
    }
}

impl JsonSchema for TypeExpr {
    fn schema_name() -> String {
        "TypeExpr".into()
    }
    fn json_schema(_: &mut schemars::gen::SchemaGenerator) -> schemars::schema::Schema {
        use schemars::schema::*;
        SchemaObject {
            instance_type: Some(InstanceType::String.into()),
            metadata: Some(Box::new(Metadata {
                description: Some(
                    "string, integer, long, number, boolean, object, any, file, array<T>, map<T>, \
                     or the name of a type in the operation's `types`"
                        .into(),
                ),
                ..Default::default()
            })),
            string: Some(Box::new(StringValidation {
                pattern: Some(r"^((array|map)<)*[A-Za-z_][A-Za-z0-9_.\-]*>*$".into()),
                ..Default::default()
            })),
            ..Default::default()
        }
        .into()
    }
}

impl Spec {
    /// The other product `op` belongs to, if any.
    pub fn product_of(&self, op: &Operation) -> Option<&Product> {
        let code = op.product.as_deref()?;
        self.service.products.iter().find(|p| p.code == code)
    }

    pub fn operation(&self, id: &str) -> Option<&Operation> {
        self.operations.iter().find(|o| o.id == id)
    }
}

impl Operation {
    /// The operation's path template (`{name}` placeholders, maybe a query).
    pub fn path_template(&self) -> super::path::PathTemplate<'_> {
        super::path::PathTemplate::new(&self.path)
    }

    /// The first 2xx response.
    pub fn success_response(&self) -> Option<&Response> {
        self.responses
            .iter()
            .find(|r| (200..300).contains(&r.status))
    }
}
