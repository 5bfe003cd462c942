//! Whole-document checks of the produced specs, section-level tests on small inline
//! fragments, and snapshots.
use super::*;
use crate::extract::corrections::CorrectionsFile;
use crate::spec::model::Operation;

/// Run the extractor (with corrections) on a fragment or on a document of the repository.
fn run(text: &str) -> (Spec, Vec<String>) {
    let kind = DocKind::detect(text).unwrap_or(DocKind::Alikafka);
    let doc = Document::new(text);
    let mut d = Diagnostics::default();
    let spec = extract(&doc, kind, &mut d);
    (spec, d.items.iter().map(|x| x.to_string()).collect())
}

fn repo() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The three documents extracted with their corrections, as `apigen extract` does.
fn corrected(doc: &str, service: &str) -> Spec {
    let root = repo();
    let text = std::fs::read_to_string(root.join("specs/sources").join(doc)).expect("document");
    let corr_path = root
        .join("specs/corrections")
        .join(format!("{service}.yaml"));
    let corr_text = std::fs::read_to_string(&corr_path).expect("corrections");
    let file = CorrectionsFile::parse("c", &corr_text).expect("corrections parse");
    let ex = crate::extract::extract(doc, &text, Some(("c", &file))).expect("extract");
    assert!(
        ex.stale.is_empty(),
        "{service}: stale corrections: {:?}",
        ex.stale
    );
    ex.spec
}

const DOCS: &[(&str, &str, usize)] = &[
    ("alibaba-mse-api-20210223.txt", "mse", 30),
    (
        "alibaba-retailcloud-jushita-openapi-20200220.txt",
        "retailcloud",
        66,
    ),
    ("alibaba-alikafka-api-20201111.txt", "alikafka", 33),
];

fn count_fields(fields: &[Field]) -> usize {
    fields.iter().map(|f| 1 + count_fields(&f.fields)).sum()
}

/// Every JSON response example not marked `mismatch` fits its response shape, and every
/// request example sends only documented parameters — after corrections.
#[test]
fn corrected_specs_agree_with_their_examples() {
    for (doc, service, ops) in DOCS {
        let spec = corrected(doc, service);
        assert_eq!(spec.operations.len(), *ops, "{service}");
        let mut problems = Vec::new();
        for op in &spec.operations {
            let resp = op.success_response().expect("200");
            let fields = &resp.body.as_ref().expect("body").fields;
            for ex in resp.examples.iter().filter(|e| e.mismatch.is_none()) {
                if let Some(v) = &ex.json {
                    for p in checks::example_problems(fields, v) {
                        problems.push(format!("{service} {} L{}: {p}", op.id, ex.line));
                    }
                }
            }
            for ex in op.request_examples.iter().filter(|e| e.mismatch.is_none()) {
                let names: Vec<String> = ex.params.keys().cloned().collect();
                let mut f = Vec::new();
                checks::request_names(
                    &op.parameters,
                    &spec.service.common_parameters,
                    &names,
                    ex.line as usize,
                    &mut f,
                );
                problems.extend(
                    f.into_iter()
                        .map(|f| format!("{service} {} L{}: {}", op.id, ex.line, f.message)),
                );
            }
        }
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }
}

/// Row-count completeness against SURVEY Appendix A: every request row is a parameter
/// (or the Action row, or a repeat-list member) and every response row a field (or a
/// wrapper/note row).
#[test]
fn every_table_row_lands_in_the_spec() {
    for (doc, service, _) in DOCS {
        let text =
            std::fs::read_to_string(repo().join("specs/sources").join(doc)).expect("document");
        let (spec, _) = run(&text);
        let d = Document::new(&text);
        let tables = d.tables();
        let sections = sections::operations(&d, &tables);
        for (s, op) in sections.iter().zip(&spec.operations) {
            let in_span = |l: usize| l > s.heading.line && l <= s.end;
            let req_rows: usize = tables
                .iter()
                .filter(|t| in_span(t.header_line) && sections::is_request_table(t))
                .map(|t| t.rows.len())
                .sum();
            let resp_rows: Vec<&Row> = tables
                .iter()
                .filter(|t| in_span(t.header_line) && sections::is_response_table(t))
                .flat_map(|t| t.rows.iter())
                .collect();
            let special = resp_rows
                .iter()
                .filter(|r| {
                    r.cell(Some(1)).is_empty()
                        && r.cell(Some(2)).is_empty()
                        && (r.cell(Some(3)).is_empty() || !IDENT.is_match(r.cell(Some(0))))
                })
                .count();
            let params = count_fields(&op.parameters)
                - op.parameters
                    .iter()
                    .filter(|p| !p.fields.is_empty())
                    .count();
            let action = usize::from(op.request_examples.is_empty() || req_rows > params);
            assert!(
                params + action >= req_rows && params <= req_rows,
                "{service} {}: {req_rows} request rows, {params} parameters",
                op.id
            );
            let fields = count_fields(
                &op.success_response()
                    .and_then(|r| r.body.as_ref())
                    .map(|b| b.fields.clone())
                    .unwrap_or_default(),
            );
            assert_eq!(
                fields + special,
                resp_rows.len(),
                "{service} {}: response rows vs fields",
                op.id
            );
        }
    }
}

fn op<'a>(spec: &'a Spec, id: &str) -> &'a Operation {
    spec.operation(id)
        .unwrap_or_else(|| panic!("no operation {id}"))
}

const MSE_FRAGMENT: &str = "微服务引擎\n\n文档版本：20210223\n\n# 6.实例管理\n\n## 6.1. CreateZnode\n\n调用CreateZnode接口创建Zookeeper数据节点。\n\n### 请求参数\n\n名称\t类型\t是否必选\t示例值\t描述\nAction\tString\t是\tCreateZnode\t系统规定参数。\nClusterid\tString\t否\tmse-09k1q11****\t集群ID。\n\n### 返回数据\n\n名称\t类型\t示例值\t描述\nData\tStruct\t\t数据概览。\nData\tString\tcluster\t节点数据。\nPath\tString\t/\t节点路径。\nErrorCode\tString\tmse-100-000\t错误码。\n\n名称\t类型\t示例值\t描述\nSuccess\tBoolean\ttrue\t请求结果。\n\n### 请求示例\n\n```\nhttp(s)://[Endpoint]/?Action=CreateZnode\n&ClusterId=mse-09k1q11****\n&<公共请求参数>\n```\n\n#### JSON 格式\n\n```\n{\n  \"Data\": {\n    \"Path\": \"/\",\n```\n\n```\n    \"Data\": \"cluster\"\n  },\n  \"ErrorCode\": \"mse-100-000\",\n  \"Success\": true\n}\n```\n";

#[test]
fn fragment_operation_with_split_fence_and_slip() {
    let (spec, diags) = run(MSE_FRAGMENT);
    assert_eq!(spec.operations.len(), 1);
    let o = op(&spec, "CreateZnode");
    assert_eq!(o.group, "实例管理");
    assert_eq!(o.method, Method::Get);
    assert_eq!(o.parameters.len(), 1, "the Action row is not a parameter");
    let ex = &o.responses[0].examples[0];
    assert_eq!(
        ex.json.as_ref().and_then(|j| j.get("Success")),
        Some(&Value::Bool(true)),
        "split fences joined"
    );
    assert!(
        diags
            .iter()
            .any(|d| d.starts_with("15: warning") && d.contains("Clusterid")),
        "{diags:?}"
    );
    insta::assert_yaml_snapshot!("mse_fragment_operation", o);
}

const KAFKA_FRAGMENT: &str = "Message Queue for Apache\nKafka\n\nDocument Version: 20201111\n\n# 10.Instances\n\n## 10.5. GetInstanceList\n\nYou can call this operation to query instances.\n\n## Request parameters\n\nParameter\tType\tRequired\tExample\tDescription\nAction\tString\tYes\tGetInstanceList\tThe operation.\nRegionId\tString\tYes\tcn-hangzhou\tThe region.\nInstanceId.N\tRepeatList\tNo\talikafka_post-1\tThe ID of instance N.\nTag.N.Key\tString\tNo\ttest\tThe key of tag N.\n\nParameter\tType\tRequired\tExample\tDescription\nTag.N.Value\tString\tNo\ttest\tThe value of tag N.\n\n## Response parameters\n\nParameter\tType\tExample\tDescription\nCode\tInteger\t200\tThe status code.\nInstanceList\tArray\t\tThe instances.\nInstanceId\tString\talikafka_post-1\tThe ID.\nZoneld\tString\tzonei\tThe zone.\nTags\tArray\t\tThe tags.\nTagVO\t\t\t\nKey\tString\ttest\tThe key.\nRequestId\tString\tr\tThe request ID.\n\n## Examples\n\n```\nhttp(s)://[Endpoint]/? Action=GetInstanceList\n&RegionId=cn-hangzhou\n&<Common request parameters>\n```\n\nJSON format\n\n```\n{\n  \"GetInstanceListResponse\": {\n    \"Code\": 200,\n    \"RequestId\": \"r\",\n    \"InstanceList\": {\"InstanceVO\": [{\"InstanceId\": \"alikafka_post-1\", \"ZoneId\": \"zonei\", \"Tags\": {\"TagVO\": [{\"Key\": \"test\"}]}}]}\n  }\n}\n```\n";

#[test]
fn fragment_kafka_lists_wrappers_and_envelope() {
    let (spec, diags) = run(KAFKA_FRAGMENT);
    let o = op(&spec, "GetInstanceList");
    let fields = &o.responses[0].body.as_ref().unwrap().fields;
    let list = fields.iter().find(|f| f.name == "InstanceList").unwrap();
    assert_eq!(list.list_wrapper.as_deref(), Some("InstanceVO"));
    assert_eq!(
        list.fields
            .iter()
            .map(|f| f.name.as_str())
            .collect::<Vec<_>>(),
        vec!["InstanceId", "Zoneld", "Tags"]
    );
    assert_eq!(list.fields[2].list_wrapper.as_deref(), Some("TagVO"));
    assert_eq!(fields.last().unwrap().name, "RequestId");
    assert!(
        diags
            .iter()
            .any(|d| d.contains("Zoneld") && d.contains("warning")),
        "{diags:?}"
    );
    assert!(
        diags.iter().any(|d| d.contains("GetInstanceListResponse")),
        "{diags:?}"
    );
    insta::assert_yaml_snapshot!("kafka_fragment_parameters", &o.parameters);
    insta::assert_yaml_snapshot!("kafka_fragment_response_fields", fields);
}

#[test]
fn service_facts_from_front_matter() {
    let text = "微服务引擎\n\n文档版本：20210223\n\n## 2.调用方式\n\n- Endpoint：MSE的API服务接入地址为 *mse.[RegionId].aliyuncs.com*。\n- Version：要使用的API版本，MSE的API版本是 *2019-05-31*。\n\n## 3. 签名机制\n\nSignatureMethod HMAC-SHA1 SignatureVersion 1.0\n\n## 4. 公共参数\n\n名称\t类型\t是否必须\t描述\nVersion\tString\t是\tAPI版本号。取值： <i>2019-05-31</i>\n\n## 公共返回参数\n\ntext\n\n# 6.实例管理\n\n## 6.1. X\n\n名称\t类型\t是否必选\t示例值\t描述\nAction\tString\t是\tX\tx\n";
    let (spec, _) = run(text);
    let s = &spec.service;
    assert_eq!(s.product_code.as_deref(), Some("mse"));
    assert_eq!(s.endpoint.as_deref(), Some("mse.{region_id}.aliyuncs.com"));
    assert_eq!(s.api_versions, vec!["2019-05-31"]);
    assert_eq!(s.source.revision, "20210223");
    assert!(
        matches!(&s.auth[0], AuthScheme::AlibabaSignatureV1 { section: Some(r) } if r.section == "3")
    );
    // The common-response chapter prints no error body: no error format is claimed.
    assert_eq!(s.error_format, None);
    assert_eq!(s.common_parameters.len(), 1);
    // One that names the error body's fields states the format.
    let (spec, _) = run(&text.replace(
        "## 公共返回参数\n\ntext\n",
        "## 公共返回参数\n\n错误返回：\n\n```\n{\"RequestId\": \"x\", \"Code\": \"c\", \"Message\": \"m\"}\n```\n",
    ));
    assert_eq!(
        spec.service
            .error_format
            .as_ref()
            .and_then(|e| e.section.as_ref())
            .map(|r| r.section.as_str()),
        Some("4")
    );
}

#[test]
fn garbage_does_not_panic() {
    for text in [
        "",
        "\t\t\n```\n{",
        "## 1.1. X\n\n名称\t类型\t是否必选\t示例值\t描述\n\t\t\t\t\n```\n<a></b>\n```\n",
        "## 1.1. Ü\n\nÜ\tä",
    ] {
        let _ = run(text);
    }
}

/// Totals against SURVEY §2.5/§3.5/§5.5: request rows minus `Action` rows are parameters
/// (repeat-list members counted singly); response rows minus the note row (retailcloud) and
/// the 10 XML wrapper rows (alikafka) are fields.
#[test]
fn totals_match_survey() {
    let expected = [(143, 355), (284, 752), (168, 242)];
    for ((doc, service, _), (params, fields)) in DOCS.iter().zip(expected) {
        let text =
            std::fs::read_to_string(repo().join("specs/sources").join(doc)).expect("document");
        let (spec, _) = run(&text);
        let p: usize = spec
            .operations
            .iter()
            .flat_map(|o| &o.parameters)
            .map(|p| p.fields.len().max(1))
            .sum();
        let n: usize = spec
            .operations
            .iter()
            .filter_map(|o| o.success_response().and_then(|r| r.body.as_ref()))
            .map(|b| count_fields(&b.fields))
            .sum();
        assert_eq!((p, n), (params, fields), "{service}");
    }
}
