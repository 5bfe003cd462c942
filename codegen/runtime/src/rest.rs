//! REST encoding: path templating with escaping, query arrays, JSON and multipart bodies.

use std::borrow::Cow;
use std::fmt::Display;

use serde::Serialize;

use crate::error::Error;
use crate::param::Param;
use crate::request::PreparedRequest;
use crate::sign::percent_encode;

/// How a list-valued query parameter is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArrayStyle {
    /// `name=a&name=b` (Huawei's default).
    Repeat,
    /// `name=a,b`.
    Comma,
}

/// What identifies one REST operation, for [`RestRequest::encode`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RestOperation {
    /// Operation name (tracing and errors).
    pub id: &'static str,
    /// HTTP method, upper case.
    pub method: &'static str,
    /// Path template (`/v2/{project_id}/instances/{instance_id}`).
    pub path: &'static str,
}

/// Where a REST parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum In {
    /// A `{name}` of the path template, escaped as one segment (`/` included).
    Path,
    /// The query string.
    Query,
    /// A header.
    Header,
}

/// A value serialised as a JSON body (any `Serialize` type).
pub trait JsonBody {
    /// The body bytes.
    fn to_json(&self) -> serde_json::Result<Vec<u8>>;
}

impl<T: Serialize> JsonBody for T {
    fn to_json(&self) -> serde_json::Result<Vec<u8>> {
        serde_json::to_vec(self)
    }
}

/// The body of a REST call.
pub enum Body<'a> {
    /// No body of its own (`Content-Type: application/json` all the same, see
    /// [`RestRequest::into_prepared`]).
    Empty,
    /// A JSON body.
    Json(&'a dyn JsonBody),
    /// A `multipart/form-data` body.
    Multipart(Multipart),
}

impl std::fmt::Debug for Body<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Body::Empty => f.write_str("Empty"),
            Body::Json(_) => f.write_str("Json(..)"),
            Body::Multipart(m) => f.debug_tuple("Multipart").field(m).finish(),
        }
    }
}

/// Builder of one REST call.
#[derive(Debug, Clone)]
pub struct RestRequest {
    operation: Cow<'static, str>,
    method: Cow<'static, str>,
    template: Cow<'static, str>,
    path_params: Vec<(String, String)>,
    req: PreparedRequest,
}

impl RestRequest {
    /// A call of `method` on a path template such as `/v2/{project_id}/instances/{instance_id}`.
    pub fn new(
        operation: impl Into<Cow<'static, str>>,
        method: impl Into<Cow<'static, str>>,
        template: impl Into<Cow<'static, str>>,
    ) -> Self {
        let operation = operation.into();
        let method = method.into();
        Self {
            req: PreparedRequest::new(operation.clone(), method.clone(), String::new()),
            operation,
            method,
            template: template.into(),
            path_params: Vec::new(),
        }
    }

    /// The request of `op` with `params` (location, wire name and value, in order) and `body`:
    /// what a generated encoder calls, once (see [`crate::param`]).
    pub fn encode(
        op: RestOperation,
        params: &[(In, &str, &dyn Param)],
        body: Body<'_>,
    ) -> Result<PreparedRequest, Error> {
        let mut q = RestRequest::new(op.id, op.method, op.path);
        let mut path = Vec::new();
        for (at, name, value) in params {
            let out = match at {
                In::Path => &mut path,
                In::Query => &mut q.req.query,
                In::Header => &mut q.req.headers,
            };
            value.write(name, out)?;
        }
        q.path_params = path;
        match body {
            Body::Empty => {}
            Body::Json(b) => {
                q.req.body = b
                    .to_json()
                    .map_err(|e| Error::InvalidRequest(format!("{}: body: {e}", q.operation)))?;
                q.req.content_type = Some("application/json".to_owned());
            }
            Body::Multipart(form) => q = q.multipart(form),
        }
        q.into_prepared()
    }

    /// Binds `{name}` in the template; the value is escaped as one path segment (`/` included).
    pub fn path(mut self, name: &'static str, value: impl Display) -> Self {
        self.path_params.push((name.to_owned(), value.to_string()));
        self
    }

    /// Adds a query parameter.
    pub fn query(mut self, name: &str, value: impl Display) -> Self {
        self.req.query.push((name.to_owned(), value.to_string()));
        self
    }

    /// Adds a query parameter when present.
    pub fn query_opt<V: Display>(self, name: &str, value: Option<V>) -> Self {
        match value {
            Some(v) => self.query(name, v),
            None => self,
        }
    }

    /// Adds a list-valued query parameter (nothing for an empty list).
    pub fn query_array<I, V>(mut self, name: &str, values: I, style: ArrayStyle) -> Self
    where
        I: IntoIterator<Item = V>,
        V: Display,
    {
        match style {
            ArrayStyle::Repeat => {
                for v in values {
                    self.req.query.push((name.to_owned(), v.to_string()));
                }
            }
            ArrayStyle::Comma => {
                let joined: Vec<String> = values.into_iter().map(|v| v.to_string()).collect();
                if !joined.is_empty() {
                    self.req.query.push((name.to_owned(), joined.join(",")));
                }
            }
        }
        self
    }

    /// Adds a header.
    pub fn header(mut self, name: &str, value: impl Display) -> Self {
        self.req.headers.push((name.to_owned(), value.to_string()));
        self
    }

    /// Adds a header when present.
    pub fn header_opt<V: Display>(self, name: &str, value: Option<V>) -> Self {
        match value {
            Some(v) => self.header(name, v),
            None => self,
        }
    }

    /// Sets a JSON body.
    pub fn json(mut self, body: &impl Serialize) -> Result<Self, Error> {
        self.req.body = serde_json::to_vec(body)
            .map_err(|e| Error::InvalidRequest(format!("{}: body: {e}", self.operation)))?;
        self.req.content_type = Some("application/json".to_owned());
        Ok(self)
    }

    /// Sets a multipart/form-data body.
    pub fn multipart(mut self, form: Multipart) -> Self {
        let (ct, body) = form.encode();
        self.req.content_type = Some(ct);
        self.req.body = body;
        self
    }

    /// Overrides whether the call may be retried (defaults from the method).
    pub fn idempotent(mut self, yes: bool) -> Self {
        self.req.idempotent = yes;
        self
    }

    /// Renders the path and finishes the builder; fails when a placeholder is unbound.
    ///
    /// A request without a body still gets `Content-Type: application/json`: the Huawei
    /// documents make the header mandatory with that default (CSE and DMS Kafka "common request
    /// headers"), and the official SDKs send and sign it on every request, `GET` included.
    pub fn into_prepared(mut self) -> Result<PreparedRequest, Error> {
        if self.req.content_type.is_none() {
            self.req.content_type = Some(DEFAULT_CONTENT_TYPE.to_owned());
        }
        self.req.path = render_path(&self.template, &self.path_params).map_err(|e| {
            Error::InvalidRequest(format!("{} {}: {e}", self.method, self.operation))
        })?;
        Ok(self.req)
    }
}

/// `Content-Type` of REST requests that set no body of their own.
pub const DEFAULT_CONTENT_TYPE: &str = "application/json";

/// The Huawei project-id placeholder, left in a rendered path when the request does not set it
/// (`{` is always escaped in values, so it cannot be confused with one).
pub const PROJECT_ID_PLACEHOLDER: &str = "{project_id}";

/// The Huawei domain-id placeholder of global services, left like [`PROJECT_ID_PLACEHOLDER`].
pub const DOMAIN_ID_PLACEHOLDER: &str = "{domain_id}";

/// A path template [`render_path`] cannot fill.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PathError {
    /// A `{` without its `}`.
    #[error("unclosed placeholder in {template:?}")]
    Unclosed {
        /// The template.
        template: String,
    },
    /// A placeholder the request gives no value for.
    #[error("path parameter {name} is not set")]
    Unset {
        /// The placeholder's name (`instance_id`).
        name: String,
    },
    /// A placeholder given the empty value (the path would lose a segment).
    #[error("path parameter {name} is empty")]
    Empty {
        /// The placeholder's name.
        name: String,
    },
}

/// Substitutes `{name}` placeholders with escaped values; an unset `{project_id}` or
/// `{domain_id}` stays for [`crate::request::sign_request`] to fill from the credentials.
pub fn render_path<N: AsRef<str>>(
    template: &str,
    params: &[(N, String)],
) -> Result<String, PathError> {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let close = after.find('}').ok_or_else(|| PathError::Unclosed {
            template: template.to_owned(),
        })?;
        let name = after[..close].trim();
        let Some(value) = params
            .iter()
            .find(|(n, _)| n.as_ref() == name)
            .map(|(_, v)| v)
        else {
            if name == "project_id" || name == "domain_id" {
                // Filled from the credentials when the request is signed.
                out.push('{');
                out.push_str(name);
                out.push('}');
                rest = &after[close + 1..];
                continue;
            }
            return Err(PathError::Unset {
                name: name.to_owned(),
            });
        };
        if value.is_empty() {
            return Err(PathError::Empty {
                name: name.to_owned(),
            });
        }
        out.push_str(&percent_encode(value));
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// One part of a multipart body.
#[derive(Debug, Clone)]
pub struct Part {
    name: String,
    filename: Option<String>,
    content_type: Option<String>,
    data: Vec<u8>,
}

/// A multipart/form-data body (file parameters), built in memory so it can be signed.
#[derive(Debug, Clone)]
pub struct Multipart {
    boundary: String,
    parts: Vec<Part>,
}

impl Default for Multipart {
    fn default() -> Self {
        Self::new()
    }
}

impl Multipart {
    /// An empty form with a random boundary.
    pub fn new() -> Self {
        Self::with_boundary(format!(
            "apigen-{:016x}{:016x}",
            fastrand::u64(..),
            fastrand::u64(..)
        ))
    }

    /// An empty form with a fixed boundary (tests).
    pub fn with_boundary(boundary: impl Into<String>) -> Self {
        Self {
            boundary: boundary.into(),
            parts: Vec::new(),
        }
    }

    /// Adds a text field.
    pub fn text(mut self, name: &str, value: impl Display) -> Self {
        self.parts.push(Part {
            name: name.to_owned(),
            filename: None,
            content_type: None,
            data: value.to_string().into_bytes(),
        });
        self
    }

    /// Adds a file field.
    pub fn file(
        mut self,
        name: &str,
        filename: &str,
        content_type: &str,
        data: impl Into<Vec<u8>>,
    ) -> Self {
        self.parts.push(Part {
            name: name.to_owned(),
            filename: Some(filename.to_owned()),
            content_type: Some(content_type.to_owned()),
            data: data.into(),
        });
        self
    }

    /// Adds a [`crate::File`] field.
    pub fn file_part(self, name: &str, file: &crate::File) -> Self {
        self.file(name, &file.filename, &file.content_type, file.data.clone())
    }

    /// `(content type, body bytes)`.
    pub fn encode(&self) -> (String, Vec<u8>) {
        // Quotes and line breaks would end the header value early; escape them as browsers do.
        fn quote(s: &str) -> String {
            s.replace('"', "%22")
                .replace('\r', "%0D")
                .replace('\n', "%0A")
        }
        let mut body = Vec::new();
        for p in &self.parts {
            body.extend_from_slice(format!("--{}\r\n", self.boundary).as_bytes());
            let mut disp = format!(
                "Content-Disposition: form-data; name=\"{}\"",
                quote(&p.name)
            );
            if let Some(f) = &p.filename {
                disp.push_str(&format!("; filename=\"{}\"", quote(f)));
            }
            body.extend_from_slice(disp.as_bytes());
            body.extend_from_slice(b"\r\n");
            if let Some(ct) = &p.content_type {
                body.extend_from_slice(format!("Content-Type: {ct}\r\n").as_bytes());
            }
            body.extend_from_slice(b"\r\n");
            body.extend_from_slice(&p.data);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{}--\r\n", self.boundary).as_bytes());
        (
            format!("multipart/form-data; boundary={}", self.boundary),
            body,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_templating_escapes_segments() {
        let r = RestRequest::new(
            "ShowInstance",
            "GET",
            "/v2/{project_id}/instances/{instance_id}",
        )
        .path("project_id", "p1")
        .path("instance_id", "a/b c")
        .query_array("tags", ["x", "y z"], ArrayStyle::Repeat)
        .query_array("ids", [1, 2], ArrayStyle::Comma)
        .query_opt("limit", Some(10))
        .into_prepared()
        .unwrap();
        assert_eq!(r.path, "/v2/p1/instances/a%2Fb%20c");
        assert_eq!(r.query_string(), "tags=x&tags=y%20z&ids=1%2C2&limit=10");
        assert!(r.idempotent);
        // Bodyless requests carry the documented default content type, as the SDKs send it.
        assert_eq!(r.content_type.as_deref(), Some("application/json"));
        assert!(r.body.is_empty());
        let missing = RestRequest::new("X", "GET", "/v2/{instance_id}").into_prepared();
        assert!(matches!(missing, Err(Error::InvalidRequest(m)) if m.contains("instance_id")));
        // An unset project id waits for the credentials.
        let deferred = RestRequest::new("X", "GET", "/v2/{project_id}/things")
            .into_prepared()
            .unwrap();
        assert_eq!(deferred.path, "/v2/{project_id}/things");
        assert!(render_path::<&str>("/v2/{oops", &[]).is_err());
    }

    /// Each way a path parameter can be bad is its own kind, naming the parameter, with the
    /// text the request error carries.
    #[test]
    fn bad_path_parameters_name_the_parameter() {
        let t = "/v2/{project_id}/instances/{ instance_id }/topics";
        assert_eq!(
            render_path::<&str>(t, &[]),
            Err(PathError::Unset {
                name: "instance_id".into()
            })
        );
        let empty = render_path(t, &[("instance_id", String::new())]).unwrap_err();
        assert_eq!(
            empty,
            PathError::Empty {
                name: "instance_id".into()
            }
        );
        assert_eq!(empty.to_string(), "path parameter instance_id is empty");
        assert_eq!(
            render_path("/v2/{oops", &[("oops", "x".into())])
                .unwrap_err()
                .to_string(),
            "unclosed placeholder in \"/v2/{oops\""
        );
        let err = RestRequest::new("ShowTopic", "GET", t)
            .path("instance_id", "")
            .into_prepared()
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid request: GET ShowTopic: path parameter instance_id is empty"
        );
    }

    #[test]
    fn json_and_multipart_bodies() {
        let r = RestRequest::new("Create", "POST", "/v2/x")
            .json(&serde_json::json!({"name": "k"}))
            .unwrap()
            .into_prepared()
            .unwrap();
        assert_eq!(r.body, br#"{"name":"k"}"#);
        assert_eq!(r.content_type.as_deref(), Some("application/json"));
        assert!(!r.idempotent);
        let (ct, body) = Multipart::with_boundary("B")
            .text("desc", "hi")
            .file("file", "a\"b.txt", "text/plain", b"data".to_vec())
            .encode();
        assert_eq!(ct, "multipart/form-data; boundary=B");
        assert_eq!(
            String::from_utf8(body).unwrap(),
            "--B\r\nContent-Disposition: form-data; name=\"desc\"\r\n\r\nhi\r\n--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a%22b.txt\"\r\nContent-Type: text/plain\r\n\r\ndata\r\n--B--\r\n"
        );
    }
}
