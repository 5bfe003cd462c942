//! `specs/spec.schema.json` is the schema generated from the model; it must be current.
//! Regenerate with `cargo run -p apigen -- schema -o specs/spec.schema.json`.

use apigen::spec::schema::json_schema;
use std::path::Path;

fn checked_in() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../specs/spec.schema.json");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn checked_in_schema_is_current() {
    assert!(
        checked_in() == json_schema(),
        "specs/spec.schema.json is stale: run `cargo run -p apigen -- schema -o specs/spec.schema.json`"
    );
}

#[test]
fn schema_describes_the_model() {
    let schema: serde_json::Value = serde_json::from_str(&json_schema()).unwrap();
    assert_eq!(schema["title"], "Spec");
    assert_eq!(
        schema["required"],
        serde_json::json!(["format", "operations", "service"])
    );
    // deny_unknown_fields becomes additionalProperties: false, so editors flag typos.
    assert_eq!(schema["additionalProperties"], false);
    let defs = schema["definitions"].as_object().unwrap();
    for name in [
        "Operation",
        "Field",
        "TypeExpr",
        "Example",
        "Body",
        "Response",
        "TypeDef",
    ] {
        assert!(defs.contains_key(name), "no definition {name}");
    }
    assert_eq!(defs["Field"]["additionalProperties"], false);
    // The TypeExpr pattern accepts what TypeExpr::parse accepts, and not the broken one.
    let pattern = regex::Regex::new(defs["TypeExpr"]["pattern"].as_str().unwrap()).unwrap();
    for ok in ["string", "array<map<Tag>>", "KieConfigs"] {
        assert!(pattern.is_match(ok), "{ok}");
        assert!(apigen::spec::model::TypeExpr::parse(ok).is_ok());
    }
    for bad in ["array<", "a b", "<x>"] {
        assert!(!pattern.is_match(bad), "{bad}");
        assert!(apigen::spec::model::TypeExpr::parse(bad).is_err(), "{bad}");
    }
}
