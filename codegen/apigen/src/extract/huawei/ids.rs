//! Operation ids: stable PascalCase names that never use section numbers, so they
//! survive a new revision that renumbers chapters.
//!
//! Rule:
//! * English title (ASCII letters): words of the title, PascalCased; articles (`a`, `an`,
//!   `the`) dropped; a leading gerund becomes the base verb (`Importing kie Configurations`
//!   → `ImportKieConfigurations`, `Querying the Flavor List of a Microservice Engine` →
//!   `QueryFlavorListOfMicroserviceEngine`).
//! * Other titles (Chinese): verb from the method and the path, nouns from the literal
//!   path segments after the version (parameters and the version dropped):
//!   `GET …/{id}` → `Show`, `GET …/things` → `List`, `POST` → `Create`, `PUT` → `Update`,
//!   `DELETE` → `Delete`; a final segment that is itself a verb (`delete`, `batch-delete`,
//!   `action`, `modify`, `reassign`, `extend`, `reset-…`) becomes the verb instead.
//!   A segment followed by a parameter is named by the parameter (`kafka/{instance_id}`
//!   → `Instance`, `users/{user_name}` → `User`); the last segment of a `Create` is made
//!   singular (`POST /v2/{project_id}/instances/{instance_id}/topics` → `CreateInstanceTopic`).
//! * Historical pages (DMS chapter "历史 API") get the suffix `V1`.
//! * Still not unique: `_2`, `_3` … in document order (with a diagnostic).

use crate::spec::model::Method;
use crate::words::{is_version, singular};
use heck::ToUpperCamelCase;

/// Id from an English title.
pub fn id_from_title(title: &str) -> Option<String> {
    let words: Vec<&str> = title
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    if words.is_empty() || !title.is_ascii() {
        return None;
    }
    let mut out = String::new();
    for (i, w) in words.iter().enumerate() {
        let lower = w.to_ascii_lowercase();
        if matches!(lower.as_str(), "a" | "an" | "the") {
            continue;
        }
        let w = if i == 0 { base_verb(w) } else { w.to_string() };
        let mut cs = w.chars();
        if let Some(f) = cs.next() {
            out.extend(f.to_uppercase());
            out.push_str(cs.as_str());
        }
    }
    Some(out)
}

/// `Querying` → `Query`, `Creating` → `Create`, `Importing` → `Import`.
pub fn base_verb(word: &str) -> String {
    let Some(stem) = word.strip_suffix("ing") else {
        return word.to_string();
    };
    if stem.len() < 2 {
        return word.to_string();
    }
    let lower = stem.to_ascii_lowercase();
    // A silent `e` was dropped before `-ing` after these endings (creat-e, delet-e,
    // updat-e, upgrad-e, chang-e, configur-e, enabl-e); `-ting`/`-ding` after a vowel
    // pair (`obtaining`, `loading`) keep the stem.
    let vowels = |c: char| "aeiou".contains(c);
    let chars: Vec<char> = lower.chars().collect();
    let n = chars.len();
    let needs_e = (n >= 3
        && matches!(chars[n - 1], 't' | 'd' | 'v' | 'z' | 'c' | 'r' | 'l' | 's')
        && vowels(chars[n - 2])
        && !lower.ends_with("ter")
        && !lower.ends_with("der")
        && !lower.ends_with("port"))
        || lower.ends_with("ang")
        || lower.ends_with("bl");
    if needs_e {
        format!("{stem}e")
    } else {
        stem.to_string()
    }
}

/// Id from method and path (for titles that are not English).
pub fn id_from_path(method: Method, path: &str) -> String {
    let path = path.split('?').next().unwrap_or(path);
    let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    // Drop everything up to and including the first version segment.
    let start = segs
        .iter()
        .position(|s| is_version(s))
        .map(|i| i + 1)
        .unwrap_or(0);
    let segs = &segs[start.min(segs.len())..];
    // (noun, followed by a parameter)
    let mut nouns: Vec<(String, bool)> = Vec::new();
    for (i, s) in segs.iter().enumerate() {
        if s.starts_with('{') || is_version(s) {
            continue;
        }
        match segs
            .get(i + 1)
            .and_then(|n| n.strip_prefix('{'))
            .and_then(|n| n.strip_suffix('}'))
        {
            // The parameter names the entity (`kafka/{instance_id}` → `instance`).
            Some(param) => nouns.push((entity(param).unwrap_or_else(|| singular(s)), true)),
            None => nouns.push((s.to_string(), false)),
        }
    }
    let ends_with_param = segs.last().is_some_and(|s| s.starts_with('{'));
    let mut verb = match method {
        Method::Get if ends_with_param => "Show".to_string(),
        Method::Get => "List".to_string(),
        Method::Post => "Create".to_string(),
        Method::Put | Method::Patch => "Update".to_string(),
        Method::Delete => "Delete".to_string(),
        Method::Head | Method::Options => method.as_str().to_upper_camel_case(),
    };
    if method != Method::Get && !ends_with_param {
        if let Some((last, _)) = nouns.last() {
            let l = last.to_ascii_lowercase();
            let action = [
                "delete",
                "batch-delete",
                "action",
                "modify",
                "reassign",
                "extend",
                "create",
            ];
            if action.contains(&l.as_str()) || l.starts_with("reset-") {
                verb = l.to_upper_camel_case();
                nouns.pop();
            }
        }
    }
    // `Create` makes one: its final collection segment is singular.
    let create = verb == "Create";
    let n = nouns.len();
    let mut out = verb;
    for (i, (s, _)) in nouns.iter().enumerate() {
        let word = if create && i + 1 == n {
            singular(s)
        } else {
            s.clone()
        };
        out.push_str(&word.to_upper_camel_case());
    }
    out
}

/// `instance_id` → `instance`, `user_name` → `user`, `topic` → `topic`.
fn entity(param: &str) -> Option<String> {
    let p = param.trim();
    let base = ["_id", "_name", "Id", "Name"]
        .iter()
        .find_map(|s| p.strip_suffix(s))
        .unwrap_or(p);
    (!base.is_empty() && base.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
        .then(|| base.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_titles() {
        assert_eq!(
            id_from_title("Importing kie Configurations").unwrap(),
            "ImportKieConfigurations"
        );
        assert_eq!(
            id_from_title("Querying the Flavor List of a Microservice Engine").unwrap(),
            "QueryFlavorListOfMicroserviceEngine"
        );
        assert_eq!(
            id_from_title("Creating a Microservice Engine").unwrap(),
            "CreateMicroserviceEngine"
        );
        assert_eq!(
            id_from_title("Deleting the nacos Namespace").unwrap(),
            "DeleteNacosNamespace"
        );
        assert_eq!(
            id_from_title("Obtaining the User Token").unwrap(),
            "ObtainUserToken"
        );
        assert_eq!(
            id_from_title("Changing Specifications").unwrap(),
            "ChangeSpecifications"
        );
        assert_eq!(
            id_from_title("Upgrading a Microservice Engine").unwrap(),
            "UpgradeMicroserviceEngine"
        );
        assert_eq!(id_from_title("Updating Details").unwrap(), "UpdateDetails");
        assert_eq!(
            id_from_title("Registering an Instance").unwrap(),
            "RegisterInstance"
        );
        assert_eq!(
            id_from_title("Sending Heartbeat Information").unwrap(),
            "SendHeartbeatInformation"
        );
        assert_eq!(
            id_from_title("Exporting kie Configurations").unwrap(),
            "ExportKieConfigurations"
        );
        assert_eq!(
            id_from_title("Querying a Microservice Instance Based on service_id").unwrap(),
            "QueryMicroserviceInstanceBasedOnServiceId"
        );
        assert!(id_from_title("创建实例").is_none());
    }

    #[test]
    fn chinese_titles_from_path() {
        assert_eq!(
            id_from_path(
                Method::Post,
                "/v2/{project_id}/instances/{instance_id}/topics"
            ),
            "CreateInstanceTopic"
        );
        assert_eq!(
            id_from_path(Method::Get, "/v2/{project_id}/instances"),
            "ListInstances"
        );
        assert_eq!(
            id_from_path(Method::Get, "/v2/{project_id}/instances/{instance_id}"),
            "ShowInstance"
        );
        assert_eq!(
            id_from_path(Method::Post, "/v2/{engine}/{project_id}/instances"),
            "CreateInstance"
        );
        assert_eq!(
            id_from_path(
                Method::Post,
                "/v2/{project_id}/instances/{instance_id}/topics/delete"
            ),
            "DeleteInstanceTopics"
        );
        assert_eq!(
            id_from_path(Method::Get, "/v1.0/{project_id}/instances?engine={engine}"),
            "ListInstances"
        );
        assert_eq!(
            id_from_path(Method::Get, "/v2/available-zones"),
            "ListAvailableZones"
        );
        assert_eq!(
            id_from_path(
                Method::Post,
                "/v2/{project_id}/instances/{instance_id}/groups/batch-delete"
            ),
            "BatchDeleteInstanceGroups"
        );
        assert_eq!(
            id_from_path(Method::Get, "/v2/{project_id}/kafka/{instance_id}/tags"),
            "ListInstanceTags"
        );
        assert_eq!(
            id_from_path(Method::Get, "/v2/{project_id}/kafka/tags"),
            "ListKafkaTags"
        );
        assert_eq!(
            id_from_path(
                Method::Put,
                "/v2/{project_id}/instances/{instance_id}/users"
            ),
            "UpdateInstanceUsers"
        );
        assert_eq!(
            id_from_path(
                Method::Put,
                "/v2/{project_id}/instances/{instance_id}/users/{user_name}"
            ),
            "UpdateInstanceUser"
        );
    }
}
