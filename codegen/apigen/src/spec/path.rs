//! An operation's path template (`/v2/{project_id}/instances/{instance_id}?engine=kafka`):
//! the one reader of `{name}` placeholders for validation, the stateful inference, the OpenAPI
//! export, diff and the client's example tests.

use std::fmt;

/// A path template as the spec writes it, maybe with a query (`?engine=kafka`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PathTemplate<'a> {
    text: &'a str,
}

/// What is wrong with a path template's placeholders.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PathError {
    #[error("unbalanced `}}` in path `{0}`")]
    Unbalanced(String),
    #[error("unclosed `{{` in path `{0}`")]
    Unclosed(String),
    #[error("bad placeholder `{{{name}}}` in path `{path}`")]
    BadPlaceholder { name: String, path: String },
}

/// One `/`-separated segment of the route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Segment<'a>(pub &'a str);

impl<'a> Segment<'a> {
    /// The placeholder's name when the whole segment is one (`{instance_id}`).
    pub fn placeholder(self) -> Option<&'a str> {
        self.0.strip_prefix('{').and_then(|s| s.strip_suffix('}'))
    }

    /// Whether the segment is (or starts) a placeholder.
    pub fn is_placeholder(self) -> bool {
        self.0.starts_with('{')
    }
}

impl<'a> PathTemplate<'a> {
    pub fn new(text: &'a str) -> Self {
        PathTemplate { text }
    }

    /// The template as written.
    pub fn as_str(&self) -> &'a str {
        self.text
    }

    /// The template without its query (`/v1.0/{project_id}/instances`).
    pub fn route(&self) -> &'a str {
        self.text.split('?').next().unwrap_or("")
    }

    /// Every placeholder name in order (the query's too), checked: each `{` closed, no `}`
    /// outside a placeholder, names non-empty and not nested.
    pub fn checked_placeholders(&self) -> Result<Vec<&'a str>, PathError> {
        let path = self.text;
        let mut out = Vec::new();
        let mut rest = path;
        while let Some(open) = rest.find(['{', '}']) {
            if rest[open..].starts_with('}') {
                return Err(PathError::Unbalanced(path.to_owned()));
            }
            let after = &rest[open + 1..];
            let close = after
                .find('}')
                .ok_or_else(|| PathError::Unclosed(path.to_owned()))?;
            let name = &after[..close];
            if name.is_empty() || name.contains('{') {
                return Err(PathError::BadPlaceholder {
                    name: name.to_owned(),
                    path: path.to_owned(),
                });
            }
            out.push(name);
            rest = &after[close + 1..];
        }
        Ok(out)
    }

    /// The placeholder names of `text` in order, read leniently: each `{…}` pair counts, an
    /// unclosed `{` ends the reading (what a loose document may hold; validation reports it).
    fn placeholders_in(text: &'a str) -> Vec<&'a str> {
        let mut out = Vec::new();
        let mut rest = text;
        while let Some(start) = rest.find('{') {
            let after = &rest[start + 1..];
            let Some(end) = after.find('}') else { break };
            out.push(&after[..end]);
            rest = &after[end + 1..];
        }
        out
    }

    /// The placeholder names in order, query included, read leniently.
    pub fn placeholders(&self) -> Vec<&'a str> {
        Self::placeholders_in(self.text)
    }

    /// The placeholder names of the route (query left out), read leniently.
    pub fn route_placeholders(&self) -> Vec<&'a str> {
        Self::placeholders_in(self.route())
    }

    /// The route's non-empty segments.
    pub fn segments(&self) -> impl Iterator<Item = Segment<'a>> {
        self.route()
            .split('/')
            .filter(|s| !s.is_empty())
            .map(Segment)
    }

    /// The route with placeholder names erased, whitespace dropped and trailing `/` trimmed
    /// (`/v2/{project_id}/instances/{id}?x=1` → `/v2/{}/instances/{}`): two templates that
    /// differ only in names address the same resource.
    pub fn normalized(&self) -> String {
        let route = self.route();
        let mut out = String::with_capacity(route.len());
        let mut in_param = false;
        for c in route.chars().filter(|c| !c.is_whitespace()) {
            match c {
                '{' => {
                    in_param = true;
                    out.push_str("{}");
                }
                '}' => in_param = false,
                c if !in_param => out.push(c),
                _ => {}
            }
        }
        while out.len() > 1 && out.ends_with('/') {
            out.pop();
        }
        out
    }

    /// The placeholder values of a concrete `path` this template matches segment by segment
    /// (`None`: it does not match, or a placeholder's segment is empty).
    pub fn match_path(&self, path: &'a str) -> Option<Vec<(&'a str, &'a str)>> {
        let t: Vec<&str> = self.text.split('/').collect();
        let p: Vec<&str> = path.split('/').collect();
        if t.len() != p.len() {
            return None;
        }
        let mut out = Vec::new();
        for (ts, ps) in t.iter().zip(&p) {
            if let Some(name) = Segment(ts).placeholder() {
                if ps.is_empty() {
                    return None;
                }
                out.push((name, *ps));
            } else if ts != ps {
                return None;
            }
        }
        Some(out)
    }
}

impl fmt::Display for PathTemplate<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_checked_and_lenient() {
        let t = PathTemplate::new("/v2/{project_id}/x/{id}?engine={engine}");
        assert_eq!(
            t.checked_placeholders().unwrap(),
            ["project_id", "id", "engine"]
        );
        assert_eq!(t.placeholders(), ["project_id", "id", "engine"]);
        assert_eq!(t.route_placeholders(), ["project_id", "id"]);
        assert_eq!(t.route(), "/v2/{project_id}/x/{id}");
        let bad = |p: &str| PathTemplate::new(p).checked_placeholders().unwrap_err();
        assert!(matches!(bad("/v2/{project_id"), PathError::Unclosed(_)));
        assert!(matches!(bad("/v2/a}"), PathError::Unbalanced(_)));
        assert!(matches!(bad("/v2/{}"), PathError::BadPlaceholder { .. }));
        assert_eq!(
            bad("/v2/{a{b}").to_string(),
            "bad placeholder `{a{b}` in path `/v2/{a{b}`"
        );
        // Lenient: an unclosed `{` ends the reading.
        assert_eq!(PathTemplate::new("/v2/{a}/{b").placeholders(), ["a"]);
    }

    #[test]
    fn segments_normal_form_and_matching() {
        let t = PathTemplate::new("/v2/{project_id}/instances/{instance_id}");
        let segs: Vec<_> = t.segments().collect();
        assert_eq!(segs.len(), 4);
        assert_eq!(segs[1].placeholder(), Some("project_id"));
        assert_eq!(segs[2].placeholder(), None);
        assert_eq!(t.normalized(), "/v2/{}/instances/{}");
        assert_eq!(
            PathTemplate::new("/v2/ {pid}/ instances/").normalized(),
            "/v2/{}/instances"
        );
        assert_eq!(
            t.match_path("/v2/p1/instances/i9"),
            Some(vec![("project_id", "p1"), ("instance_id", "i9")])
        );
        assert_eq!(t.match_path("/v2/p1/instances/"), None);
        assert_eq!(t.match_path("/v2/p1/topics/i9"), None);
    }
}
