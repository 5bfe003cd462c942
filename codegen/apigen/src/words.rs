//! Small word rules shared by the extractor and diff: API version segments and naive English
//! singulars of path segments and names.

/// Whether a path segment is an API version (`v2`, `v1.0`).
pub fn is_version(s: &str) -> bool {
    let Some(rest) = s.strip_prefix('v') else {
        return false;
    };
    !rest.is_empty()
        && rest.starts_with(|c: char| c.is_ascii_digit())
        && rest.chars().all(|c| c.is_ascii_digit() || c == '.')
}

/// Naive English singular (`instances` → `instance`, `policies` → `policy`, `addresses` →
/// `address`); `class`, `status` and words of three letters or fewer (`ids`) stay.
pub fn singular(w: &str) -> String {
    if w.ends_with("ss") || w.ends_with("us") || w.chars().count() <= 3 {
        return w.to_owned();
    }
    if let Some(stem) = w.strip_suffix("ies") {
        return format!("{stem}y");
    }
    let stem = if ["sses", "xes", "ches", "shes"]
        .iter()
        .any(|e| w.ends_with(e))
    {
        w.strip_suffix("es")
    } else {
        w.strip_suffix('s')
    };
    stem.unwrap_or(w).to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_and_singulars() {
        assert!(is_version("v2") && is_version("v1.0"));
        assert!(!is_version("v") && !is_version("v.1") && !is_version("vpc"));
        for (plural, one) in [
            ("instances", "instance"),
            ("policies", "policy"),
            ("addresses", "address"),
            ("topics", "topic"),
            ("class", "class"),
            ("status", "status"),
            ("ids", "ids"),
            ("acls", "acl"),
        ] {
            assert_eq!(singular(plural), one, "{plural}");
        }
    }
}
