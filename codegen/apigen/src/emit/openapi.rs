//! Spec → OpenAPI 3.1 document (`apigen openapi`, `openapi/<service>.json`).
//!
//! The export carries everything the spec holds that OpenAPI can say, and the rest as `x-`
//! extensions. Choices tools should know about:
//!
//! - **Alibaba RPC operations** all live on `/` with `?Action=X&Version=Y`, which OpenAPI
//!   cannot tell apart (a path is matched without its query). Each RPC operation is exported
//!   on the pseudo-path `/rpc/<Version>/<Action>` with the spec's method, its parameters in
//!   the query, and `x-alibaba-action` / `x-alibaba-version` naming the real call. The mock
//!   servers are to accept this route besides `/?Action=` (with the parameters in the query
//!   or, on `POST`, a form body); a real Alibaba endpoint does not, so a client of the real
//!   service sends `Action` and `Version` as query parameters instead.
//! - **Repeat lists** (`Tag.1.Key=…`) are `style: form, explode: true` arrays marked
//!   `x-alibaba-repeat-list: true`; a plain OpenAPI tool sends `Tag=a&Tag=b`, which the mock
//!   is to accept on the `/rpc/` route too. `Json`-encoded parameters use
//!   `content: application/json`, CSV lists `style: form, explode: false`.
//! - **Request schemas are strict, response schemas lenient.** Requests say what a client
//!   should send: exact types, `required`, enums and constraints. Responses say what the
//!   vendors actually send, with the same tolerance as the spec's example checker
//!   (`spec::validate::check_examples`): numbers and booleans may arrive as strings
//!   (`type: [integer, string]` with a `pattern` for the string form), strings as numbers,
//!   any member may be `null` or missing, and a one-element list may arrive as its element
//!   (Alibaba's XML-to-JSON conversion). Response enums are listed as `x-enum`, not
//!   enforced (documented examples use placeholders such as `string`). Unknown members are rejected in both directions
//!   (`additionalProperties: false`) because the spec's tables are meant to be complete.
//! - **Named types** are scoped per operation in the spec (the same name means different
//!   fields in different operations), so components are named `<OperationId>.<Type>`
//!   (request form) and `<OperationId>.<Type>.Response` (lenient form), each emitted only
//!   when referenced.
//! - **Examples** keep the document's values: parameter `example`s are converted to the
//!   parameter's type when they parse (else kept as `x-example`); response examples keep
//!   their JSON; an example the spec marks as not matching its tables carries `x-mismatch`
//!   and is left out of validation; XML examples are under `application/xml` without a
//!   schema.
//! - **Errors**: `components.schemas.Error` from `service.error_format` (or, when the document
//!   describes none, the vendor gateway's body, marked `x-gateway-default`: the mocks answer
//!   it), the service's error codes as `x-error-codes`; every operation has a `default`
//!   response with that body, and a response per status its own error codes name. An error
//!   status the tables describe keeps its members but not `additionalProperties: false`:
//!   gateways add their own (Huawei's `request_id`).
//! - **Parameters left to other parts of the document**: the signature V1 query parameters
//!   (`AccessKeyId`, `Signature`, …) and Huawei's `X-Auth-Token` are carried by the security
//!   schemes, which are alternatives (a V3- or AK/SK-signed request has none of them);
//!   `Accept`, `Content-Type`, `Authorization` (which OpenAPI ignores as header parameters),
//!   `Content-Length` and `Host` are the HTTP stack's. The header names are listed under
//!   `x-header-parameters`. A header example that is not visible ASCII (document prose) is
//!   kept as `x-example`.

use super::lower::ServiceModel;
use crate::protocol::ProtocolRules;
use crate::spec::model::{
    AuthScheme, Body, Encoding, ErrorFormat, Example, ExampleFormat, Field, Location, Method,
    Operation, Response, SourceRef, Spec, TypeExpr,
};
use crate::spec::path::PathTemplate;
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, BTreeSet, VecDeque};

/// The OpenAPI version written.
pub const OPENAPI_VERSION: &str = "3.1.0";

/// Patterns the string forms of integers, numbers and booleans match in a lenient (response)
/// schema: the runtime's one tolerance policy (`apigen_runtime::loose`).
use apigen_runtime::loose::{
    BOOLEAN_PATTERN as BOOL_STRING, INTEGER_PATTERN as INT_STRING, NUMBER_PATTERN as NUMBER_STRING,
};
/// Common parameters the `AlibabaSignatureV1` security scheme carries (not exported as
/// operation parameters).
use apigen_runtime::sign::alibaba_v1::SCHEME_PARAMS as SIGNATURE_V1_PARAMS;

/// Which side of the wire a schema describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Mode {
    /// What a client sends: strict.
    Request,
    /// What a server sends: lenient, as the vendors are.
    Response,
}

/// The OpenAPI 3.1 document of a spec. Deterministic: the same spec gives the same value,
/// with keys in a fixed order.
pub fn export(sm: &ServiceModel) -> Value {
    Exporter::new(sm).document()
}

/// The document as written to `openapi/<service>.json`: pretty JSON, two-space indent,
/// final newline.
pub fn to_json_string(doc: &Value) -> String {
    let mut s = serde_json::to_string_pretty(doc).unwrap_or_default();
    s.push('\n');
    s
}

/// Header parameters OpenAPI ignores (`Accept`, `Content-Type`, `Authorization`) and those
/// the HTTP stack computes (`Content-Length`, `Host`): the runtime's transport headers
/// ([`apigen_runtime::request::TRANSPORT_HEADERS`]) and `Authorization`, which OpenAPI
/// describes as a security scheme.
fn is_transport_header(name: &str) -> bool {
    apigen_runtime::request::is_transport_header(name) || name.eq_ignore_ascii_case("authorization")
}

/// Component name of a named type of an operation.
fn component_name(op: &str, ty: &str, mode: Mode) -> String {
    match mode {
        Mode::Request => format!("{op}.{ty}"),
        Mode::Response => format!("{op}.{ty}.Response"),
    }
}

fn insert(v: &mut Value, key: &str, value: Value) {
    if let Value::Object(m) = v {
        m.insert(key.to_string(), value);
    }
}

fn source_value(s: &SourceRef) -> Value {
    let mut m = Map::new();
    if !s.section.is_empty() {
        m.insert("section".into(), json!(s.section));
    }
    m.insert("line".into(), json!(s.line));
    Value::Object(m)
}

struct Exporter<'a> {
    spec: &'a Spec,
    protocol: &'static dyn ProtocolRules,
    /// Named types referenced so far and not yet emitted: (operation index, type, mode).
    pending: VecDeque<(usize, String, Mode)>,
    seen: BTreeSet<(usize, String, Mode)>,
}

impl<'a> Exporter<'a> {
    fn new(sm: &ServiceModel<'a>) -> Self {
        Exporter {
            spec: sm.spec,
            protocol: sm.protocol,
            pending: VecDeque::new(),
            seen: BTreeSet::new(),
        }
    }

    fn protocol(&self) -> &'static dyn ProtocolRules {
        self.protocol
    }

    fn has_signature_v1(&self) -> bool {
        self.spec
            .service
            .auth
            .iter()
            .any(|a| matches!(a, AuthScheme::AlibabaSignatureV1 { .. }))
    }

    /// Header parameters not exported as parameters (named under `x-header-parameters`):
    /// transport headers ([`is_transport_header`]), the protocol's authentication headers
    /// (Huawei: `X-Auth-Token`, the IAM token; Huawei Cloud takes a token or an AK/SK
    /// signature, and a signed request has none) and `X-Auth-Token` under a `HuaweiToken` scheme.
    fn omitted_header(&self, name: &str) -> bool {
        is_transport_header(name)
            || self
                .protocol()
                .auth_headers()
                .iter()
                .any(|h| h.eq_ignore_ascii_case(name))
            || (name.eq_ignore_ascii_case("X-Auth-Token")
                && (self
                    .spec
                    .service
                    .auth
                    .iter()
                    .any(|a| matches!(a, AuthScheme::HuaweiToken { .. }))))
    }

    /// The error body: the document's, else the one the vendor's gateway answers (the
    /// mock servers answer it too), so every operation documents its 4xx answers.
    fn error_format(&self) -> Option<ErrorFormat> {
        if let Some(ef) = &self.spec.service.error_format {
            return Some(ef.clone());
        }
        let fields = self.protocol().gateway_error_fields();
        Some(ErrorFormat {
            code_field: fields.code.into(),
            message_field: fields.message.into(),
            request_id_field: Some(fields.request_id.into()),
            example: None,
            section: None,
        })
    }

    fn document(mut self) -> Value {
        let spec = self.spec;
        let mut doc = Map::new();
        doc.insert("openapi".into(), json!(OPENAPI_VERSION));
        doc.insert("info".into(), self.info());
        if let Some(servers) = self.servers() {
            doc.insert("servers".into(), servers);
        }
        let schemes = self.security_schemes();
        if !schemes.is_empty() {
            let any_of: Vec<Value> = schemes
                .keys()
                .map(|k| {
                    let mut m = Map::new();
                    m.insert(k.clone(), json!([]));
                    Value::Object(m)
                })
                .collect();
            doc.insert("security".into(), Value::Array(any_of));
        }
        let mut tags: Vec<&str> = Vec::new();
        for op in &spec.operations {
            if !op.group.is_empty() && !tags.contains(&op.group.as_str()) {
                tags.push(&op.group);
            }
        }
        if !tags.is_empty() {
            doc.insert(
                "tags".into(),
                Value::Array(tags.iter().map(|t| json!({ "name": t })).collect()),
            );
        }
        let mut paths = Map::new();
        for (i, op) in spec.operations.iter().enumerate() {
            let path = self.path_of(op);
            let item = self.operation(i, op);
            let entry = paths
                .entry(path)
                .or_insert_with(|| Value::Object(Map::new()));
            insert(entry, &method_key(op.method), item);
        }
        doc.insert("paths".into(), Value::Object(paths));

        let mut components = Map::new();
        let mut schemas = Map::new();
        if let Some(err) = self.error_schema() {
            schemas.insert("Error".into(), err);
        }
        let mut named: Vec<(String, Value)> = Vec::new();
        while let Some((i, name, mode)) = self.pending.pop_front() {
            let op = &spec.operations[i];
            let Some(def) = op.types.get(&name) else {
                continue;
            };
            let mut s = self.object_schema(i, &def.fields, mode);
            if !def.description.is_empty() {
                insert(&mut s, "description", json!(def.description));
            }
            if let Some(src) = &def.source {
                insert(&mut s, "x-source", source_value(src));
            }
            named.push((component_name(&op.id, &name, mode), s));
        }
        // Sorted so the order does not depend on which operation referenced a type first.
        named.sort_by(|a, b| a.0.cmp(&b.0));
        schemas.extend(named);
        if !schemas.is_empty() {
            components.insert("schemas".into(), Value::Object(schemas));
        }
        if self.error_format().is_some() {
            let mut responses = Map::new();
            responses.insert(
                "Error".into(),
                json!({
                    "description": "Error response (the service's error body).",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
                }),
            );
            components.insert("responses".into(), Value::Object(responses));
        }
        if !schemes.is_empty() {
            components.insert("securitySchemes".into(), Value::Object(schemes));
        }
        if !components.is_empty() {
            doc.insert("components".into(), Value::Object(components));
        }
        if !spec.service.error_codes.is_empty() {
            doc.insert(
                "x-error-codes".into(),
                serde_json::to_value(&spec.service.error_codes).unwrap_or(Value::Null),
            );
        }
        if !spec.service.status_codes.is_empty() {
            doc.insert(
                "x-status-codes".into(),
                serde_json::to_value(&spec.service.status_codes).unwrap_or(Value::Null),
            );
        }
        Value::Object(doc)
    }

    fn info(&self) -> Value {
        let s = &self.spec.service;
        let version = if s.api_versions.is_empty() {
            s.source.revision.clone()
        } else {
            s.api_versions.join(", ")
        };
        let mut info = Map::new();
        info.insert("title".into(), json!(s.title));
        info.insert("version".into(), json!(version));
        info.insert(
            "description".into(),
            json!(format!(
                "Exported by apigen from `{}` (revision {}). Generated; do not edit.",
                s.source.document, s.source.revision
            )),
        );
        info.insert("x-service".into(), json!(s.name));
        info.insert(
            "x-vendor".into(),
            serde_json::to_value(s.vendor).unwrap_or(Value::Null),
        );
        info.insert(
            "x-protocol".into(),
            serde_json::to_value(s.protocol).unwrap_or(Value::Null),
        );
        if let Some(p) = &s.product_code {
            info.insert("x-product-code".into(), json!(p));
        }
        info.insert(
            "x-source".into(),
            serde_json::to_value(&s.source).unwrap_or(Value::Null),
        );
        if !s.external_facts.is_empty() {
            info.insert(
                "x-external-facts".into(),
                serde_json::to_value(&s.external_facts).unwrap_or(Value::Null),
            );
        }
        Value::Object(info)
    }

    /// From `service.endpoints` when the spec has them: the public rule
    /// (`https://mse.{region_id}.aliyuncs.com`), then each listed host the rule does not give,
    /// naming its regions. Else `https://<endpoint>`. Variables default to the example of a
    /// parameter of the same name (`RegionId` for `region_id`), else a listed region, else the
    /// name.
    fn servers(&self) -> Option<Value> {
        let Some(e) = &self.spec.service.endpoints else {
            let endpoint = self.spec.service.endpoint.as_deref()?;
            return Some(json!([self.server(endpoint, None)]));
        };
        Some(self.servers_of(e))
    }

    /// The servers of an endpoint table: its public rule, then each listed host the rule does
    /// not give.
    fn servers_of(&self, e: &crate::spec::model::Endpoints) -> Value {
        let rule = e.rule.replace("{network}", "");
        let mut servers = vec![self.server(&rule, e.regions.keys().next().map(String::as_str))];
        let mut others: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for (region, host) in &e.regions {
            if *host != rule.replace("{region_id}", region) {
                others.entry(host).or_default().push(region);
            }
        }
        for (host, regions) in others {
            let mut server = Map::new();
            server.insert("url".into(), json!(format!("https://{host}")));
            server.insert(
                "description".into(),
                json!(format!("Regions {}.", regions.join(", "))),
            );
            servers.push(Value::Object(server));
        }
        Value::Array(servers)
    }

    fn server(&self, endpoint: &str, region: Option<&str>) -> Value {
        let mut vars = Map::new();
        let mut rest = endpoint;
        while let Some(start) = rest.find('{') {
            let after = &rest[start + 1..];
            let Some(end) = after.find('}') else { break };
            let name = &after[..end];
            let default = self
                .parameter_example(name)
                .or_else(|| region.filter(|_| name == "region_id").map(str::to_string))
                .unwrap_or_else(|| name.to_string());
            vars.insert(
                name.to_string(),
                json!({"default": default, "description": format!("`{name}` of the endpoint `{endpoint}`.")}),
            );
            rest = &after[end + 1..];
        }
        let mut server = Map::new();
        server.insert("url".into(), json!(format!("https://{endpoint}")));
        if !vars.is_empty() {
            server.insert("variables".into(), Value::Object(vars));
        }
        Value::Object(server)
    }

    fn parameter_example(&self, var: &str) -> Option<String> {
        let norm = |s: &str| s.replace(['_', '-'], "").to_ascii_lowercase();
        let want = norm(var);
        self.spec
            .operations
            .iter()
            .flat_map(|o| &o.parameters)
            .chain(&self.spec.service.common_parameters)
            .find(|f| norm(&f.name) == want && f.example.is_some())
            .and_then(|f| f.example.clone())
    }

    fn security_schemes(&self) -> Map<String, Value> {
        let mut m = Map::new();
        let at = |s: &Option<SourceRef>| {
            s.as_ref()
                .map(|s| {
                    format!(
                        " Documented in section {} (line {}).",
                        if s.section.is_empty() {
                            "?"
                        } else {
                            &s.section
                        },
                        s.line
                    )
                })
                .unwrap_or_default()
        };
        for a in &self.spec.service.auth {
            let (name, mut scheme, section) = match a {
                AuthScheme::AlibabaSignatureV1 { section } => (
                    "AlibabaSignatureV1",
                    json!({"type": "apiKey", "in": "query", "name": "Signature",
                        "description": "Alibaba Cloud RPC signature V1: HMAC-SHA1 over the canonicalised query \
                        (`AccessKeyId`, `SignatureMethod=HMAC-SHA1`, `SignatureVersion=1.0`, `SignatureNonce`, \
                        `Timestamp` are sent with it). Not a static key: each request is signed."}),
                    section,
                ),
                AuthScheme::AlibabaSignatureV3 { section } => (
                    "AlibabaSignatureV3",
                    json!({"type": "apiKey", "in": "header", "name": "Authorization",
                        "description": "Alibaba Cloud ACS3-HMAC-SHA256 signature in `Authorization` \
                        (with `x-acs-date`, `x-acs-signature-nonce`, `x-acs-content-sha256`). Each request is signed."}),
                    section,
                ),
                AuthScheme::HuaweiAkSk { section } => (
                    "HuaweiAkSk",
                    json!({"type": "apiKey", "in": "header", "name": "Authorization",
                        "description": "Huawei Cloud AK/SK signature: `Authorization: SDK-HMAC-SHA256 Access=…, \
                        SignedHeaders=…, Signature=…` with `X-Sdk-Date`. Each request is signed."}),
                    section,
                ),
                AuthScheme::HuaweiToken { section } => (
                    "HuaweiToken",
                    json!({"type": "apiKey", "in": "header", "name": "X-Auth-Token",
                        "description": "IAM user token in `X-Auth-Token`."}),
                    section,
                ),
                AuthScheme::Bearer { section } => (
                    "Bearer",
                    json!({"type": "http", "scheme": "bearer",
                        "description": "`Authorization: Bearer <token>` issued by the engine itself."}),
                    section,
                ),
            };
            let extra = at(section);
            if let Some(Value::String(d)) = scheme.get_mut("description") {
                d.push_str(&extra);
            }
            m.insert(name.to_string(), scheme);
        }
        m
    }

    fn rpc_version(&self, op: &Operation) -> String {
        op.version
            .clone()
            .or_else(|| self.spec.service.api_versions.first().cloned())
            .unwrap_or_else(|| "unversioned".to_string())
    }

    fn path_of(&self, op: &Operation) -> String {
        self.protocol().openapi_path(op, &self.rpc_version(op))
    }

    fn operation(&mut self, i: usize, op: &Operation) -> Value {
        let mut m = Map::new();
        if !op.group.is_empty() {
            m.insert("tags".into(), json!([op.group]));
        }
        m.insert("summary".into(), json!(op.title));
        // Restrictions read as their own paragraph of the description (tools show only
        // `description`).
        let description = match (op.description.is_empty(), op.restrictions.is_empty()) {
            (_, true) => op.description.clone(),
            (true, false) => format!("**Restrictions**\n\n{}", op.restrictions),
            (false, false) => format!(
                "{}\n\n**Restrictions**\n\n{}",
                op.description, op.restrictions
            ),
        };
        if !description.is_empty() {
            m.insert("description".into(), json!(description));
        }
        m.insert("operationId".into(), json!(op.id));
        // Another product's operation (CloudMonitor's in the Kafka document) is served by it.
        if let Some(p) = self.spec.product_of(op) {
            m.insert("servers".into(), self.servers_of(&p.endpoints));
            m.insert("x-product".into(), json!(p.code));
        }

        // Parameters: the operation's own first, then the service's common ones it does not
        // redefine (OpenAPI forbids two parameters with the same name and location).
        let mut params = Vec::new();
        let mut taken: Vec<(String, Location)> = Vec::new();
        let key = |f: &Field, loc: Location| {
            let n = if loc == Location::Header {
                f.name.to_ascii_lowercase()
            } else {
                f.name.clone()
            };
            (n, loc)
        };
        let mut form_fields: Vec<&Field> = Vec::new();
        let mut transport: Vec<Value> = Vec::new();
        for f in &op.parameters {
            let loc = f.location.unwrap_or(Location::Query);
            match loc {
                Location::Form | Location::File | Location::Body => form_fields.push(f),
                // OpenAPI ignores these header parameters (the request body's media type, the
                // response's and the security schemes say them), and tools that do not would
                // demand them on every request.
                Location::Header if self.omitted_header(&f.name) => {
                    transport.push(json!(f.name));
                }
                _ => {
                    let k = key(f, loc);
                    if taken.contains(&k) {
                        continue;
                    }
                    taken.push(k);
                    params.push(self.parameter(i, f, loc));
                }
            }
        }
        for f in &self.spec.service.common_parameters {
            let loc = f.location.unwrap_or(Location::Query);
            // RPC: Action and Version are in the pseudo-path (see the module doc).
            if self
                .protocol()
                .path_carried_params()
                .contains(&f.name.as_str())
            {
                continue;
            }
            // The signature V1 parameters belong to the `AlibabaSignatureV1` security scheme,
            // one of two alternatives: a V3-signed request carries none of them, so as
            // operation parameters (required, with enums) they would misdescribe it.
            if self.has_signature_v1() && SIGNATURE_V1_PARAMS.contains(&f.name.as_str()) {
                continue;
            }
            if !matches!(loc, Location::Query | Location::Header | Location::Path) {
                continue;
            }
            if loc == Location::Header && self.omitted_header(&f.name) {
                transport.push(json!(f.name));
                continue;
            }
            let k = key(f, loc);
            if taken.contains(&k) {
                continue;
            }
            taken.push(k);
            let mut p = self.parameter(i, f, loc);
            insert(&mut p, "x-common-parameter", json!(true));
            params.push(p);
        }
        // Every `{name}` in the exported path must be a path parameter.
        let path = self.path_of(op);
        for name in PathTemplate::new(&path).placeholders() {
            let name = name.to_owned();
            if !taken.contains(&(name.clone(), Location::Path)) {
                params.push(json!({
                    "name": name, "in": "path", "required": true,
                    "schema": {"type": "string"},
                    "description": "Path variable the document's tables do not describe.",
                    "x-undocumented": true
                }));
                taken.push((name, Location::Path));
            }
        }
        if !params.is_empty() {
            m.insert("parameters".into(), Value::Array(params));
        }
        if !transport.is_empty() {
            m.insert("x-header-parameters".into(), Value::Array(transport));
        }

        if let Some(body) = self.request_body(i, op, &form_fields) {
            m.insert("requestBody".into(), body);
        }
        m.insert("responses".into(), self.responses(i, op));
        if op.deprecated {
            m.insert("deprecated".into(), json!(true));
        }
        if let Some(r) = &op.replaced_by {
            m.insert("x-replaced-by".into(), json!(r));
        }
        m.insert("x-source".into(), source_value(&op.source));
        for (k, v) in self
            .protocol()
            .openapi_extensions(op, &self.rpc_version(op))
        {
            m.insert(k.into(), v);
        }
        if let Some(p) = &op.pagination {
            m.insert(
                "x-pagination".into(),
                serde_json::to_value(p).unwrap_or(Value::Null),
            );
        }
        let http: Vec<Value> = op
            .request_examples
            .iter()
            .filter(|e| e.format != ExampleFormat::Json)
            .map(|e| serde_json::to_value(e).unwrap_or(Value::Null))
            .collect();
        if !http.is_empty() {
            m.insert("x-request-examples".into(), Value::Array(http));
        }
        if !op.errors.is_empty() {
            m.insert(
                "x-error-codes".into(),
                serde_json::to_value(&op.errors).unwrap_or(Value::Null),
            );
        }
        Value::Object(m)
    }

    fn parameter(&mut self, i: usize, f: &Field, loc: Location) -> Value {
        let mut p = Map::new();
        p.insert("name".into(), json!(f.name));
        p.insert("in".into(), json!(loc.as_str()));
        if !f.description.is_empty() {
            p.insert("description".into(), json!(f.description));
        }
        if f.required || loc == Location::Path {
            p.insert("required".into(), json!(true));
        }
        if f.deprecated {
            p.insert("deprecated".into(), json!(true));
        }
        let mut schema = self.field_schema(i, f, Mode::Request);
        // The parameter carries the description and example; not repeated in its schema.
        if let Value::Object(m) = &mut schema {
            for k in ["description", "examples", "x-example"] {
                m.shift_remove(k);
            }
        }
        match f.encoding {
            Some(Encoding::Json) => {
                p.insert(
                    "content".into(),
                    json!({"application/json": {"schema": schema}}),
                );
            }
            Some(Encoding::RepeatList) => {
                p.insert("style".into(), json!("form"));
                p.insert("explode".into(), json!(true));
                p.insert("schema".into(), schema);
                p.insert("x-alibaba-repeat-list".into(), json!(true));
            }
            Some(Encoding::Csv) => {
                p.insert("style".into(), json!("form"));
                p.insert("explode".into(), json!(false));
                p.insert("schema".into(), schema);
            }
            None => {
                p.insert("schema".into(), schema);
            }
        }
        if let Some(ex) = &f.example {
            // A header value is visible ASCII (RFC 9110); a document's prose such as a Chinese
            // note in front of a token is no example a client could send.
            let sendable = loc != Location::Header || ex.bytes().all(|b| (0x20..0x7f).contains(&b));
            match typed_example(ex, &f.ty) {
                Some(v) if f.encoding.is_none() && sendable => {
                    p.insert("example".into(), v);
                }
                _ => {
                    p.insert("x-example".into(), json!(ex));
                }
            }
        }
        Value::Object(p)
    }

    fn request_body(&mut self, i: usize, op: &Operation, form: &[&Field]) -> Option<Value> {
        let mut content = Map::new();
        let mut required = false;
        let mut description = String::new();
        if let Some(b) = &op.body {
            required = b.required;
            description = b.description.clone();
            let mut media = Map::new();
            media.insert("schema".into(), self.body_schema(i, b, Mode::Request));
            let examples = self.examples(&op.request_examples, ExampleFormat::Json);
            if !examples.is_empty() {
                media.insert("examples".into(), Value::Object(examples));
            }
            content.insert(b.content_type.clone(), Value::Object(media));
        }
        if !form.is_empty() {
            // Form and file parameters travel as one multipart body.
            let fields: Vec<Field> = form.iter().map(|f| (*f).clone()).collect();
            let schema = self.object_schema(i, &fields, Mode::Request);
            required |= form.iter().any(|f| f.required);
            match content.get_mut("multipart/form-data") {
                Some(Value::Object(media)) => {
                    let existing = media.remove("schema").unwrap_or(json!({}));
                    media.insert("schema".into(), json!({"allOf": [existing, schema]}));
                }
                _ => {
                    content.insert("multipart/form-data".into(), json!({ "schema": schema }));
                }
            }
        }
        if content.is_empty() {
            return None;
        }
        let mut m = Map::new();
        if !description.is_empty() {
            m.insert("description".into(), json!(description));
        }
        m.insert("content".into(), Value::Object(content));
        if required {
            m.insert("required".into(), json!(true));
        }
        Some(Value::Object(m))
    }

    fn responses(&mut self, i: usize, op: &Operation) -> Value {
        let mut m = Map::new();
        for r in &op.responses {
            m.insert(r.status.to_string(), self.response(i, r));
        }
        if self.error_format().is_some() {
            // Statuses the operation's own error codes name, when the tables list no body.
            let mut statuses: Vec<u16> = op.errors.iter().filter_map(|e| e.status).collect();
            statuses.sort_unstable();
            statuses.dedup();
            for s in statuses {
                let k = s.to_string();
                if (400..600).contains(&s) && !m.contains_key(&k) {
                    m.insert(k, json!({"$ref": "#/components/responses/Error"}));
                }
            }
            m.insert(
                "default".into(),
                json!({"$ref": "#/components/responses/Error"}),
            );
        }
        if m.is_empty() {
            m.insert(
                "default".into(),
                json!({"description": "The document describes no response."}),
            );
        }
        Value::Object(m)
    }

    fn status_description(&self, status: u16) -> String {
        self.spec
            .service
            .status_codes
            .iter()
            .find(|s| s.status == status)
            .map(|s| {
                if s.message.is_empty() {
                    s.description.clone()
                } else {
                    s.message.clone()
                }
            })
            .filter(|d| !d.is_empty())
            .unwrap_or_else(|| format!("HTTP {status}"))
    }

    fn response(&mut self, i: usize, r: &Response) -> Value {
        let mut m = Map::new();
        let description = if r.description.is_empty() {
            self.status_description(r.status)
        } else {
            r.description.clone()
        };
        m.insert("description".into(), json!(description));
        if !r.headers.is_empty() {
            let mut h = Map::new();
            for f in &r.headers {
                let mut hm = Map::new();
                if !f.description.is_empty() {
                    hm.insert("description".into(), json!(f.description));
                }
                hm.insert("schema".into(), self.field_schema(i, f, Mode::Response));
                h.insert(f.name.clone(), Value::Object(hm));
            }
            m.insert("headers".into(), Value::Object(h));
        }
        let mut content = Map::new();
        if let Some(b) = &r.body {
            let mut media = Map::new();
            let mut schema = self.body_schema(i, b, Mode::Response);
            if r.status >= 400 {
                // An error table lists the service's members; the gateway in front of it adds
                // its own (Huawei's `request_id`), so an error body is open like `Error`.
                if let Some(o) = schema.as_object_mut() {
                    o.remove("additionalProperties");
                }
            }
            media.insert("schema".into(), schema);
            let examples = self.examples(&r.examples, ExampleFormat::Json);
            if !examples.is_empty() {
                media.insert("examples".into(), Value::Object(examples));
            }
            content.insert(b.content_type.clone(), Value::Object(media));
        } else {
            let examples = self.examples(&r.examples, ExampleFormat::Json);
            if !examples.is_empty() {
                content.insert(
                    "application/json".into(),
                    json!({ "examples": Value::Object(examples) }),
                );
            }
        }
        let xml = self.examples(&r.examples, ExampleFormat::Xml);
        if !xml.is_empty() {
            content.insert(
                "application/xml".into(),
                json!({ "examples": Value::Object(xml) }),
            );
        }
        if !content.is_empty() {
            m.insert("content".into(), Value::Object(content));
        }
        Value::Object(m)
    }

    /// Example Objects for the examples of one format, keyed by line (unique per document).
    fn examples(&self, examples: &[Example], format: ExampleFormat) -> Map<String, Value> {
        let mut out = Map::new();
        for e in examples.iter().filter(|e| e.format == format) {
            let mut m = Map::new();
            if !e.title.is_empty() {
                m.insert("summary".into(), json!(e.title));
            }
            match (&e.json, &e.raw) {
                (Some(v), _) => {
                    m.insert("value".into(), v.clone());
                }
                (None, Some(raw)) if format == ExampleFormat::Xml => {
                    m.insert("value".into(), json!(raw));
                }
                (None, Some(raw)) => {
                    m.insert(
                        "description".into(),
                        json!("As printed; the text is not valid JSON."),
                    );
                    m.insert("x-unparsed".into(), json!(raw));
                }
                (None, None) => {}
            }
            m.insert("x-source-line".into(), json!(e.line));
            if let Some(why) = &e.mismatch {
                m.insert("x-mismatch".into(), json!(why));
            }
            out.insert(format!("line-{}", e.line), Value::Object(m));
        }
        out
    }

    fn body_schema(&mut self, i: usize, b: &Body, mode: Mode) -> Value {
        let mut s = self.type_schema(i, &b.ty, &b.fields, None, mode);
        if !b.description.is_empty() {
            insert(&mut s, "description", json!(b.description));
        }
        s
    }

    fn field_schema(&mut self, i: usize, f: &Field, mode: Mode) -> Value {
        let mut s = self.type_schema(i, &f.ty, &f.fields, f.list_wrapper.as_deref(), mode);
        let Value::Object(m) = &mut s else {
            return s;
        };
        if !f.description.is_empty() {
            m.insert("description".into(), json!(f.description));
        }
        if f.deprecated {
            m.insert("deprecated".into(), json!(true));
        }
        if let Some(d) = &f.default {
            m.insert("default".into(), d.clone());
        }
        // Enums and value constraints apply to a scalar, or to the elements of a list of
        // scalars.
        let mut kw = Map::new();
        if !f.enum_values.is_empty() {
            // Requests: the values a client may send, typed. Responses: the documented
            // values as `x-enum` only; vendors' examples and servers stray from them
            // (placeholders such as `string`, booleans for `"true"`), and the spec's
            // example checker does not hold responses to them either.
            let element = f.ty.element();
            let values: Vec<Value> = f
                .enum_values
                .iter()
                .map(|e| typed_example(&e.value, element).unwrap_or_else(|| json!(e.value)))
                .collect();
            let key = match mode {
                Mode::Request => "enum",
                Mode::Response => "x-enum",
            };
            kw.insert(key.into(), Value::Array(values));
            if f.enum_values.iter().any(|e| !e.description.is_empty()) {
                let d: Map<String, Value> = f
                    .enum_values
                    .iter()
                    .map(|e| (e.value.clone(), json!(e.description)))
                    .collect();
                kw.insert("x-enum-descriptions".into(), Value::Object(d));
            }
        }
        let c = &f.constraints;
        if let Some(v) = c.min_length {
            kw.insert("minLength".into(), json!(v));
        }
        if let Some(v) = c.max_length {
            kw.insert("maxLength".into(), json!(v));
        }
        if let Some(v) = c.minimum {
            kw.insert("minimum".into(), number(v));
        }
        if let Some(v) = c.maximum {
            kw.insert("maximum".into(), number(v));
        }
        if let Some(p) = &c.pattern {
            kw.insert("pattern".into(), json!(p));
        }
        if !kw.is_empty() {
            if f.ty.is_scalar() {
                m.extend(kw);
            } else if let Some(targets) = element_schemas(m, &f.ty, f.list_wrapper.as_deref()) {
                for t in targets {
                    t.extend(kw.clone());
                }
            } else {
                // Nothing scalar to constrain (an object, a nested list): keep the facts.
                m.insert("x-constraints".into(), Value::Object(kw));
            }
        }
        if f.ty.kind() == "array" && f.list_wrapper.is_none() {
            if let Some(v) = c.min_items {
                m.insert("minItems".into(), json!(v));
            }
            if let Some(v) = c.max_items {
                m.insert("maxItems".into(), json!(v));
            }
        }
        if !f.doc_type.is_empty() {
            m.insert("x-doc-type".into(), json!(f.doc_type));
        }
        if let Some(ex) = &f.example {
            match typed_example(ex, &f.ty) {
                Some(v) => {
                    m.insert("examples".into(), json!([v]));
                }
                None => {
                    m.insert("x-example".into(), json!(ex));
                }
            }
        }
        s
    }

    fn object_schema(&mut self, i: usize, fields: &[Field], mode: Mode) -> Value {
        let mut m = Map::new();
        m.insert(
            "type".into(),
            match mode {
                Mode::Request => json!("object"),
                Mode::Response => json!(["object", "null"]),
            },
        );
        if fields.is_empty() {
            return Value::Object(m);
        }
        let mut props = Map::new();
        let mut required = Vec::new();
        for f in fields {
            if props.contains_key(&f.name) {
                continue;
            }
            props.insert(f.name.clone(), self.field_schema(i, f, mode));
            if f.required && mode == Mode::Request {
                required.push(json!(f.name));
            }
        }
        m.insert("properties".into(), Value::Object(props));
        if !required.is_empty() {
            m.insert("required".into(), Value::Array(required));
        }
        m.insert("additionalProperties".into(), json!(false));
        Value::Object(m)
    }

    fn named_ref(&mut self, i: usize, name: &str, mode: Mode) -> Value {
        let op = &self.spec.operations[i];
        if !op.types.contains_key(name) {
            // Validation reports unknown type names; export a free-form value.
            return json!({"x-unknown-type": name});
        }
        let key = (i, name.to_string(), mode);
        if self.seen.insert(key.clone()) {
            self.pending.push_back(key);
        }
        // The response form of a component already admits `null`.
        let target = component_name(&op.id, name, mode);
        json!({ "$ref": format!("#/components/schemas/{target}") })
    }

    fn type_schema(
        &mut self,
        i: usize,
        ty: &TypeExpr,
        fields: &[Field],
        wrapper: Option<&str>,
        mode: Mode,
    ) -> Value {
        let lenient = mode == Mode::Response;
        match ty {
            TypeExpr::String if lenient => json!({"type": ["string", "number", "boolean", "null"]}),
            TypeExpr::String => json!({"type": "string"}),
            TypeExpr::Integer | TypeExpr::Long => {
                let format = if *ty == TypeExpr::Long {
                    "int64"
                } else {
                    "int32"
                };
                if lenient {
                    json!({"type": ["integer", "string", "null"], "format": format, "pattern": INT_STRING})
                } else {
                    json!({"type": "integer", "format": format})
                }
            }
            TypeExpr::Number if lenient => {
                json!({"type": ["number", "string", "null"], "pattern": NUMBER_STRING})
            }
            TypeExpr::Number => json!({"type": "number"}),
            TypeExpr::Boolean if lenient => {
                json!({"type": ["boolean", "string", "null"], "pattern": BOOL_STRING})
            }
            TypeExpr::Boolean => json!({"type": "boolean"}),
            TypeExpr::Object => self.object_schema(i, fields, mode),
            TypeExpr::Any => json!({}),
            TypeExpr::File => json!({"type": "string", "format": "binary"}),
            TypeExpr::Named(n) => self.named_ref(i, n, mode),
            TypeExpr::Map(inner) => {
                let v = self.type_schema(i, inner, fields, None, mode);
                let t = if lenient {
                    json!(["object", "null"])
                } else {
                    json!("object")
                };
                json!({"type": t, "additionalProperties": v})
            }
            TypeExpr::Array(inner) => {
                let list = self.list_schema(i, inner, fields, wrapper.is_some(), mode);
                match wrapper {
                    // `{"<wrapper>": [...]}` around the list (Alibaba's XML heritage).
                    Some(w) => {
                        let t = if lenient {
                            json!(["object", "null"])
                        } else {
                            json!("object")
                        };
                        let mut props = Map::new();
                        props.insert(w.to_string(), list);
                        json!({"type": t, "properties": props, "additionalProperties": false, "x-list-wrapper": w})
                    }
                    None => list,
                }
            }
        }
    }

    /// A list. Responses also accept the single element in place of a one-element list, as
    /// the spec's example checker does.
    fn list_schema(
        &mut self,
        i: usize,
        inner: &TypeExpr,
        fields: &[Field],
        wrapped: bool,
        mode: Mode,
    ) -> Value {
        let item = self.type_schema(i, inner, fields, None, mode);
        if mode == Mode::Request {
            return json!({"type": "array", "items": item});
        }
        let element_ok = matches!(
            inner,
            TypeExpr::Object | TypeExpr::Named(_) | TypeExpr::Map(_) | TypeExpr::Any
        ) || wrapped
            || inner.is_scalar();
        if element_ok {
            json!({"anyOf": [{"type": ["array", "null"], "items": item.clone()}, item]})
        } else {
            json!({"type": ["array", "null"], "items": item})
        }
    }

    fn error_schema(&self) -> Option<Value> {
        let svc = &self.spec.service;
        let ef = self.error_format()?;
        let lenient = || json!({"type": ["string", "number", "null"]});
        let mut props = Map::new();
        props.insert(ef.code_field.clone(), lenient());
        props.insert(ef.message_field.clone(), lenient());
        if let Some(r) = &ef.request_id_field {
            props.insert(r.clone(), lenient());
        }
        let mut m = Map::new();
        m.insert("type".into(), json!("object"));
        m.insert(
            "description".into(),
            json!(format!(
                "Error body: the code in `{}`, the message in `{}`{}. Other members may be present.",
                ef.code_field,
                ef.message_field,
                ef.request_id_field
                    .as_ref()
                    .map(|r| format!(", the request id in `{r}`"))
                    .unwrap_or_default()
            )),
        );
        m.insert("properties".into(), Value::Object(props));
        if let Some(ex) = &ef.example {
            m.insert("examples".into(), json!([ex]));
        }
        if let Some(s) = &ef.section {
            m.insert("x-source".into(), source_value(s));
        } else if svc.error_format.is_none() {
            m.insert("x-gateway-default".into(), json!(true));
        }
        if !svc.error_codes.is_empty() {
            let codes: Vec<Value> = svc.error_codes.iter().map(|c| json!(c.code)).collect();
            m.insert("x-error-codes".into(), Value::Array(codes));
        }
        Some(Value::Object(m))
    }
}

/// The element schemas of a list of scalars inside a field's schema `m` (the array's
/// `items`, and in a lenient schema also the single-element alternative), or `None` when the
/// field is not a list of scalars.
fn element_schemas<'m>(
    m: &'m mut Map<String, Value>,
    ty: &TypeExpr,
    wrapper: Option<&str>,
) -> Option<Vec<&'m mut Map<String, Value>>> {
    let TypeExpr::Array(inner) = ty else {
        return None;
    };
    if !inner.is_scalar() {
        return None;
    }
    let list = match wrapper {
        Some(w) => m.get_mut("properties")?.get_mut(w)?.as_object_mut()?,
        None => m,
    };
    if list.contains_key("items") {
        return list.get_mut("items")?.as_object_mut().map(|i| vec![i]);
    }
    let Some(Value::Array(alternatives)) = list.get_mut("anyOf") else {
        return None;
    };
    let mut out = Vec::new();
    for alt in alternatives.iter_mut().filter_map(Value::as_object_mut) {
        if alt.contains_key("items") {
            out.extend(alt.get_mut("items").and_then(Value::as_object_mut));
        } else {
            out.push(alt);
        }
    }
    Some(out)
}

/// A JSON number for a constraint bound: an integer when it is one.
fn number(v: f64) -> Value {
    if v.fract() == 0.0 && v.abs() < 9.0e15 {
        json!(v as i64)
    } else {
        json!(v)
    }
}

/// The printed example as a value of the field's type, or `None` when it does not parse.
fn typed_example(s: &str, ty: &TypeExpr) -> Option<Value> {
    let t = s.trim();
    match ty {
        TypeExpr::String => Some(json!(s)),
        TypeExpr::Integer | TypeExpr::Long => t.parse::<i64>().ok().map(|n| json!(n)),
        TypeExpr::Number => t.parse::<f64>().ok().filter(|f| f.is_finite()).map(|f| {
            if f.fract() == 0.0 {
                number(f)
            } else {
                json!(f)
            }
        }),
        TypeExpr::Boolean => match t.to_ascii_lowercase().as_str() {
            "true" => Some(json!(true)),
            "false" => Some(json!(false)),
            _ => None,
        },
        _ => None,
    }
}

/// The HTTP method's OpenAPI key (`get`, `post`, …).
pub fn method_key(m: Method) -> String {
    m.as_str().to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A lenient schema's string patterns accept exactly the strings the runtime's policy table
    /// accepts.
    #[test]
    fn lenient_patterns_follow_the_policy_table() {
        use apigen_runtime::loose::CASES;
        for &(expected, json, accepted) in CASES {
            let (Some(pattern), Value::String(s)) =
                (expected.pattern(), serde_json::from_str(json).unwrap())
            else {
                continue;
            };
            let re = regex::Regex::new(pattern).unwrap();
            assert_eq!(
                re.is_match(&s),
                accepted,
                "{expected:?} {json} against {pattern}"
            );
        }
    }
    use crate::spec::load;

    /// The export of a spec lowered without a resource file.
    fn export(spec: &Spec) -> Value {
        super::export(&crate::emit::lower::lower_inferred(spec))
    }

    const HEAD: &str = "format: 1
service:
  name: t
  title: T
  vendor: alibaba
  protocol: alibaba-rpc
  api_versions: ['2020-01-01']
  endpoint: t.{region_id}.aliyuncs.com
  auth:
  - kind: alibaba-signature-v1
  common_parameters:
  - {name: Action, in: query, type: string, required: true}
  - {name: Version, in: query, type: string, required: true}
  - {name: RegionId, in: query, type: string, example: cn-test}
  error_format: {code_field: Code, message_field: Message, request_id_field: RequestId}
  error_codes:
  - {status: 404, code: NotFound}
  source: {document: d.txt, title: T, revision: '1', sha256: x}
";

    fn spec(ops: &str) -> Spec {
        load::parse_str("t.yaml", &format!("{HEAD}operations:\n{ops}")).expect("test spec parses")
    }

    fn at<'v>(v: &'v Value, pointer: &str) -> &'v Value {
        v.pointer(pointer)
            .unwrap_or_else(|| panic!("no {pointer} in {v:#}"))
    }

    /// What a schemathesis run against the mocks needs the export to say (scripts/schemathesis.sh).
    #[test]
    fn security_and_transport_parameters_stay_out_and_errors_are_documented() {
        let with = |head: &str, ops: &str| {
            export(&load::parse_str("t.yaml", &format!("{head}operations:\n{ops}")).unwrap())
        };
        // Signature V1 parameters belong to the security scheme; RegionId stays.
        let head = HEAD.replace(
            "  - {name: RegionId,",
            "  - {name: AccessKeyId, in: query, type: string, required: true}\n  - {name: SignatureMethod, in: query, type: string, required: true, enum: [{value: HMAC-SHA1}]}\n  - {name: RegionId,",
        );
        let ops = "- id: A
  title: A
  source: {line: 1}
  method: GET
  path: /
  parameters:
  - {name: Accept, in: header, type: string, required: true}
  - {name: Content-Length, in: header, type: string, example: '3495'}
  - {name: X-Note, in: header, type: string, example: '注: token'}
  responses:
  - status: 200
    body: {content_type: application/json, type: object, fields: [{name: N, type: integer}]}
  - status: 400
    body: {content_type: application/json, type: object, fields: [{name: Code, type: string}]}
";
        let doc = with(&head, ops);
        let op = at(&doc, "/paths/~1rpc~12020-01-01~1A/get");
        let names: Vec<&str> = op["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["X-Note", "RegionId"], "{op:#}");
        assert_eq!(
            op["x-header-parameters"],
            json!(["Accept", "Content-Length"])
        );
        // Header text must be visible ASCII: prose is kept as x-example only.
        assert!(op["parameters"][0].get("example").is_none());
        assert_eq!(op["parameters"][0]["x-example"], "注: token");
        // A success body is closed, an error body open (gateways add members).
        let body = |s: &str| &op["responses"][s]["content"]["application/json"]["schema"];
        assert_eq!(body("200")["additionalProperties"], false);
        assert!(body("400").get("additionalProperties").is_none(), "{op:#}");

        // Without a documented error body, the gateway's is exported (the mocks answer it).
        let doc = with(
            &HEAD.replace(
                "  error_format: {code_field: Code, message_field: Message, request_id_field: RequestId}\n",
                "",
            ),
            ops,
        );
        let err = at(&doc, "/components/schemas/Error");
        assert_eq!(err["x-gateway-default"], true);
        assert!(
            err["properties"]["Code"].is_object() && err["properties"]["RequestId"].is_object()
        );
        assert_eq!(
            at(
                &doc,
                "/paths/~1rpc~12020-01-01~1A/get/responses/default/$ref"
            ),
            "#/components/responses/Error"
        );
    }

    #[test]
    fn rpc_operations_get_a_pseudo_path_with_action_and_version() {
        let doc = export(&spec(
            "- id: DescribeThing
  title: DescribeThing
  source: {line: 10}
  method: GET
  path: /
  parameters:
  - {name: Tag, in: query, type: 'array<string>', encoding: repeat-list}
  - {name: Filter, in: query, type: object, encoding: json}
  - {name: Size, in: query, type: integer, example: '10', enum: [{value: '10', description: ten}]}
",
        ));
        let op = at(&doc, "/paths/~1rpc~12020-01-01~1DescribeThing/get");
        assert_eq!(op["x-alibaba-action"], "DescribeThing");
        assert_eq!(op["x-alibaba-version"], "2020-01-01");
        let names: Vec<&str> = op["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["name"].as_str().unwrap())
            .collect();
        // Action and Version are in the path, not parameters.
        assert_eq!(names, ["Tag", "Filter", "Size", "RegionId"]);
        let tag = &op["parameters"][0];
        assert_eq!(tag["style"], "form");
        assert_eq!(tag["explode"], true);
        assert_eq!(tag["x-alibaba-repeat-list"], true);
        assert!(op["parameters"][1]["content"]["application/json"].is_object());
        let size = &op["parameters"][2];
        assert_eq!(size["example"], 10);
        assert_eq!(size["schema"]["enum"], json!([10]));
        assert_eq!(size["schema"]["x-enum-descriptions"], json!({"10": "ten"}));
        assert_eq!(
            at(&doc, "/servers/0/variables/region_id/default"),
            "cn-test"
        );
        // The error code's status gets the shared error response.
        assert_eq!(
            op["responses"]["default"]["$ref"],
            "#/components/responses/Error"
        );
    }

    #[test]
    fn same_type_name_in_two_operations_gives_two_components() {
        let doc = export(&spec(
            "- id: A
  title: A
  source: {line: 1}
  method: POST
  path: /
  responses:
  - status: 200
    body: {content_type: application/json, type: object, fields: [{name: X, type: Item}]}
  types:
    Item: {fields: [{name: a, type: string}]}
- id: B
  title: B
  source: {line: 2}
  method: POST
  path: /
  responses:
  - status: 200
    body: {content_type: application/json, type: object, fields: [{name: X, type: 'array<Item>'}]}
  types:
    Item: {fields: [{name: b, type: integer}]}
",
        ));
        let schemas = at(&doc, "/components/schemas");
        assert!(schemas["A.Item.Response"]["properties"]["a"].is_object());
        assert!(schemas["B.Item.Response"]["properties"]["b"].is_object());
        // Request forms are emitted only when a request uses the type.
        assert!(schemas.get("A.Item").is_none());
    }

    #[test]
    fn responses_are_lenient_requests_strict() {
        let doc = export(&spec(
            "- id: A
  title: A
  source: {line: 1}
  method: POST
  path: /
  parameters:
  - {name: N, in: query, type: integer, required: true}
  responses:
  - status: 200
    body:
      content_type: application/json
      type: object
      fields:
      - {name: N, type: integer}
      - {name: L, type: 'array<object>', list_wrapper: Item, fields: [{name: k, type: boolean}]}
",
        ));
        let op = at(&doc, "/paths/~1rpc~12020-01-01~1A/post");
        assert_eq!(op["parameters"][0]["schema"]["type"], "integer");
        assert_eq!(op["parameters"][0]["required"], true);
        let props = &op["responses"]["200"]["content"]["application/json"]["schema"]["properties"];
        assert_eq!(props["N"]["type"], json!(["integer", "string", "null"]));
        assert_eq!(props["N"]["pattern"], INT_STRING);
        let wrapped = &props["L"]["properties"]["Item"]["anyOf"];
        assert_eq!(wrapped[0]["type"], json!(["array", "null"]));
        assert_eq!(
            wrapped[1]["properties"]["k"]["type"],
            json!(["boolean", "string", "null"])
        );
    }

    #[test]
    fn rest_path_variables_without_a_table_row_are_declared() {
        let text = HEAD
            .replace("alibaba-rpc", "huawei-rest")
            .replace("alibaba\n", "huawei\n")
            + "operations:
- id: Get
  title: Get
  source: {line: 1}
  method: GET
  path: /v1/{project_id}/x/{id}
  parameters:
  - {name: id, in: path, type: string, required: true}
  - {name: upload, in: file, type: file, required: true}
";
        let doc = export(&load::parse_str("t.yaml", &text).unwrap());
        let op = at(&doc, "/paths/~1v1~1{project_id}~1x~1{id}/get");
        let p = op["parameters"].as_array().unwrap();
        assert!(p
            .iter()
            .any(|p| p["name"] == "project_id" && p["x-undocumented"] == true));
        let body = &op["requestBody"]["content"]["multipart/form-data"]["schema"];
        assert_eq!(body["properties"]["upload"]["format"], "binary");
        assert_eq!(body["required"], json!(["upload"]));
    }

    #[test]
    fn enums_and_constraints_of_a_list_apply_to_its_elements() {
        let doc = export(&spec(
            "- id: A
  title: A
  source: {line: 1}
  method: GET
  path: /
  parameters:
  - name: Kind
    in: query
    type: 'array<string>'
    encoding: repeat-list
    enum: [{value: a}, {value: b}]
    constraints: {max_length: 8, max_items: 3}
  responses:
  - status: 200
    body:
      content_type: application/json
      type: object
      fields:
      - {name: K, type: 'array<string>', enum: [{value: a}]}
",
        ));
        let op = at(&doc, "/paths/~1rpc~12020-01-01~1A/get");
        let schema = &op["parameters"][0]["schema"];
        assert_eq!(schema["maxItems"], 3);
        assert_eq!(schema["items"]["enum"], json!(["a", "b"]));
        assert_eq!(schema["items"]["maxLength"], 8);
        let k = &op["responses"]["200"]["content"]["application/json"]["schema"]["properties"]["K"];
        assert_eq!(k["anyOf"][0]["items"]["x-enum"], json!(["a"]));
        assert_eq!(k["anyOf"][1]["x-enum"], json!(["a"]));
    }

    #[test]
    fn output_is_deterministic() {
        let s = spec("- {id: A, title: A, source: {line: 1}, method: GET, path: /}\n");
        assert_eq!(to_json_string(&export(&s)), to_json_string(&export(&s)));
        assert!(to_json_string(&export(&s)).ends_with("}\n"));
    }
}
