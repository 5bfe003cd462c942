//! What the generated mocks answer where a document's JSON example disagrees with its own
//! table (the spec marks the example `mismatch`): not the example — decoded into the
//! all-optional response type, its unknown keys vanished and the documented fields never
//! appeared (issue 10: the official SDKs decoded answers without the fields their users read)
//! — but the table's generated value with the example's values where they fit.
//!
//! Runs the emitters' data (`examples.json`, `mismatched.json`, `schema.json`) of the checked-in
//! specs through the runtime's `Answers`, as the generated mock crates do.

use std::collections::BTreeMap;
use std::path::PathBuf;

use apigen::emit::lower::lower_inferred;
use apigen::emit::{mock, schema};
use apigen::spec::load;
use apigen_runtime::mock::Answers;
use apigen_runtime::schema::ServiceSchema;
use serde_json::Value;

fn answers(service: &str) -> (apigen::spec::model::Spec, Answers) {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("../../specs/{service}.yaml"));
    let spec = load::load_file(&path).expect("spec loads");
    let wire = schema::to_json(&schema::service_schema(&lower_inferred(&spec)));
    let schema: &'static ServiceSchema = Box::leak(Box::new(
        ServiceSchema::from_json(&wire).expect("schema parses"),
    ));
    let examples: BTreeMap<String, Value> =
        serde_json::from_str(&mock::examples_json(&spec)).expect("examples.json");
    let mismatched: BTreeMap<String, Value> =
        serde_json::from_str(&mock::mismatched_json(&spec)).expect("mismatched.json");
    let answers = Answers::new(schema, examples, 0).with_mismatched(mismatched);
    (spec, answers)
}

/// The top-level members of the operation's success body, as the table lists them.
fn table_members(spec: &apigen::spec::model::Spec, op: &str) -> Vec<String> {
    let op = spec
        .operations
        .iter()
        .find(|o| o.id == op)
        .expect("operation");
    let status = schema::success_status(op);
    let body = op
        .responses
        .iter()
        .find(|r| r.status == status)
        .and_then(|r| r.body.as_ref())
        .expect("success body");
    body.fields.iter().map(|f| f.name.clone()).collect()
}

/// The cases issue 10 found, one per document and layout of the disagreement.
#[test]
fn mismatched_examples_are_answered_with_every_member_of_their_table() {
    let cases: &[(&str, &str)] = &[
        ("mse", "CreateCluster"),             // `Instanceld` in the example
        ("retailcloud", "DescribeDatabases"), // table PascalCase, example camelCase
        ("retailcloud", "ListSlbAPs"),
        ("dms-kafka", "ShowInstanceGroup"), // `group: null`, its members at the top level
        ("cse", "CreateConfiguration"),
    ];
    for (service, op) in cases {
        let (spec, answers) = answers(service);
        let o = spec.operations.iter().find(|o| o.id == *op).unwrap();
        assert!(
            mock::response_example(o).is_none(),
            "{service} {op}: a mismatched example must not be answered as it is"
        );
        let documented = mock::mismatched_example(o).expect("the mismatched example is kept");
        let body = answers.default_body(op);
        let obj = body
            .as_object()
            .unwrap_or_else(|| panic!("{service} {op}: {body}"));
        for member in table_members(&spec, op) {
            let v = obj.get(&member);
            assert!(
                v.is_some_and(|v| !v.is_null()),
                "{service} {op}: table member {member} missing from the answer {body}"
            );
        }
        // The example's values stay wherever the example and the table agree on a key.
        if let Some(doc) = documented.as_object() {
            for (k, v) in doc {
                if let (Some(answered), true) =
                    (obj.get(k), !v.is_object() && !v.is_array() && !v.is_null())
                {
                    assert_eq!(answered, v, "{service} {op}: {k} is documented as {v}");
                }
            }
        }
    }
}

/// Operations whose example fits their table answer exactly that example, as before.
#[test]
fn fitting_examples_are_answered_as_documented() {
    let (spec, answers) = answers("alikafka");
    let mut checked = 0;
    for op in &spec.operations {
        if let Some(example) = mock::response_example(op) {
            assert_eq!(&answers.default_body(&op.id), example, "{}", op.id);
            checked += 1;
        }
    }
    assert!(checked > 20, "only {checked} documented examples");
}

/// CSE QueryUniqueServiceOrSchemaIDOfMicroservice: the table marks serviceId and schemaId (and
/// the microservice keys) mandatory, the NOTE under `type` (L6028) makes each set mandatory
/// only for its `type`, and the document's own example request (L6059) sends
/// `type=microservice&appld=default&serviceName=service&version=1.0.0`. The mock rejected it.
#[test]
fn the_documents_own_example_request_is_accepted() {
    use apigen_runtime::server::params::Params;
    use apigen_runtime::server::rest::RestRequest;
    use apigen_runtime::server::validate;

    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../specs/cse.yaml");
    let spec = load::load_file(&path).expect("spec loads");
    let op_id = "QueryUniqueServiceOrSchemaIDOfMicroservice";
    let op = spec.operations.iter().find(|o| o.id == op_id).unwrap();
    let target = op.request_examples[0]
        .target
        .as_deref()
        .expect("example target");
    let query: Vec<(String, String)> = target
        .split_once('?')
        .map(|(_, q)| q)
        .unwrap_or("")
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    assert!(
        query
            .iter()
            .any(|(k, v)| k == "type" && v == "microservice"),
        "{target}"
    );
    let wire = schema::to_json(&schema::service_schema(&lower_inferred(&spec)));
    let schema = ServiceSchema::from_json(&wire).unwrap();
    let op_schema = schema.operation(op_id).unwrap();
    let req = RestRequest {
        operation: op_id.to_owned(),
        method: "GET".to_owned(),
        path: "/v4/p/registry/existence".to_owned(),
        path_params: vec![("project_id".to_owned(), "p".to_owned())],
        query: Params(query),
        headers: vec![],
        body: Default::default(),
        json: None,
        parts: vec![],
        request_id: "r".to_owned(),
        verified: None,
        validation: Default::default(),
        outcome: Default::default(),
        received: Default::default(),
    };
    if let Err(e) = validate::rest_input(op_schema, &req) {
        panic!("the document's example request is rejected: {e:?}");
    }
}

/// Where the document and the official SDK (the live service) disagree on a response shape,
/// a reviewed correction settles it and the mock answers the shape the SDK decodes: alikafka
/// GetInstanceList `UpgradeServiceDetailInfo` (table `Array`, the document's XML and JSON
/// examples and alibabacloud-alikafka20190916 2.16.0 an object; answered as a list, the SDK's
/// body decoded to nothing) and MSE QueryMonitor `Data` (2021 text a string, the current SDK
/// a list).
#[test]
fn answers_have_the_shapes_the_sdks_decode() {
    let (_, alikafka) = answers("alikafka");
    let body = alikafka.default_body("GetInstanceList");
    let vo = &body["InstanceList"]["InstanceVO"];
    let first = if vo.is_array() { &vo[0] } else { vo };
    assert!(
        first["UpgradeServiceDetailInfo"].is_object(),
        "UpgradeServiceDetailInfo: {}",
        first["UpgradeServiceDetailInfo"]
    );
    assert_eq!(
        first["UpgradeServiceDetailInfo"]["Current2OpenSourceVersion"],
        "2.2.0"
    );
    let (_, mse) = answers("mse");
    let body = mse.default_body("QueryMonitor");
    assert!(
        body["Data"].is_array(),
        "QueryMonitor Data: {}",
        body["Data"]
    );
    assert!(body["RequestId"].is_string(), "{body}");
}
