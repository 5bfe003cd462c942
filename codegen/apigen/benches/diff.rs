//! Diff speed: two versions of a full spec. Uses the checked-in `specs/*.yaml` (each
//! against a copy with every tenth operation edited) when present, and always a large
//! synthetic spec (300 operations, nested named types) against an edited copy.
use apigen::diff;
use apigen::spec::{load, model::*};
use criterion::{criterion_group, criterion_main, Criterion};
use std::collections::BTreeMap;
use std::path::PathBuf;

fn field(name: String, ty: TypeExpr, required: bool) -> Field {
    let mut f = Field::new(name, ty);
    f.required = required;
    f.description = "描述 description text of a realistic length, 取值范围 1~64.".into();
    f
}

/// A REST service of `ops` operations, each with path/query parameters, a body, and a
/// response with two levels of named types.
fn synthetic(ops: usize) -> Spec {
    let operations = (0..ops)
        .map(|i| {
            let mut parameters = vec![
                field("project_id".into(), TypeExpr::String, true),
                field("instance_id".into(), TypeExpr::String, true),
            ];
            for p in &mut parameters {
                p.location = Some(Location::Path);
            }
            for q in 0..8 {
                let mut f = field(format!("q{q}"), TypeExpr::Integer, q % 3 == 0);
                f.location = Some(Location::Query);
                f.constraints.maximum = Some(100.0);
                parameters.push(f);
            }
            let body_fields = (0..15)
                .map(|b| {
                    let mut f = field(format!("b{b}"), TypeExpr::String, b % 2 == 0);
                    f.enum_values = (0..4)
                        .map(|e| EnumValue {
                            value: format!("V{e}"),
                            description: String::new(),
                        })
                        .collect();
                    f
                })
                .collect();
            let mut resp_fields: Vec<Field> = (0..20)
                .map(|r| field(format!("r{r}"), TypeExpr::String, false))
                .collect();
            resp_fields.push(field(
                "items".into(),
                TypeExpr::array(TypeExpr::Named("Item".into())),
                false,
            ));
            let mut types = BTreeMap::new();
            let mut item_fields: Vec<Field> = (0..15)
                .map(|r| field(format!("i{r}"), TypeExpr::Long, false))
                .collect();
            item_fields.push(field(
                "detail".into(),
                TypeExpr::Named("Detail".into()),
                false,
            ));
            types.insert(
                "Item".to_string(),
                TypeDef {
                    description: String::new(),
                    source: None,
                    fields: item_fields,
                },
            );
            types.insert(
                "Detail".to_string(),
                TypeDef {
                    description: String::new(),
                    source: None,
                    fields: (0..10)
                        .map(|r| field(format!("d{r}"), TypeExpr::Boolean, false))
                        .collect(),
                },
            );
            let body = |fields| Body {
                content_type: "application/json".into(),
                ty: TypeExpr::Object,
                required: true,
                description: String::new(),
                fields,
            };
            Operation {
                id: format!("Op{i}"),
                title: format!("操作 {i}"),
                source: SourceRef {
                    section: format!("5.{}.{}", i / 10, i % 10),
                    line: 100 + i as u32 * 50,
                },
                description: "Does something.".into(),
                restrictions: String::new(),
                method: Method::Post,
                path: format!("/v2/{{project_id}}/instances/{{instance_id}}/r{i}"),
                version: None,
                product: None,
                group: String::new(),
                deprecated: false,
                replaced_by: None,
                pagination: None,
                parameters,
                body: Some(body(body_fields)),
                responses: vec![
                    Response {
                        status: 200,
                        description: String::new(),
                        headers: Vec::new(),
                        body: Some(body(resp_fields)),
                        examples: Vec::new(),
                    },
                    Response {
                        status: 400,
                        description: String::new(),
                        headers: Vec::new(),
                        body: None,
                        examples: Vec::new(),
                    },
                ],
                types,
                request_examples: Vec::new(),
                errors: Vec::new(),
            }
        })
        .collect();
    Spec {
        format: FORMAT_VERSION,
        service: Service {
            name: "synthetic".into(),
            title: "Synthetic".into(),
            vendor: Vendor::Huawei,
            protocol: Protocol::HuaweiRest,
            product_code: None,
            api_versions: vec!["v2".into()],
            endpoint: Some("{endpoint}".into()),
            endpoints: None,
            products: Vec::new(),
            auth: vec![AuthScheme::HuaweiToken { section: None }],
            common_parameters: Vec::new(),
            error_format: None,
            error_codes: Vec::new(),
            status_codes: Vec::new(),
            source: Source {
                document: "synthetic.txt".into(),
                title: "Synthetic".into(),
                revision: "1".into(),
                sha256: String::new(),
                corrections: None,
            },
            external_facts: Vec::new(),
        },
        operations,
    }
}

/// Every tenth operation edited: a parameter made required, a field retyped, one added.
fn edited(spec: &Spec) -> Spec {
    let mut new = spec.clone();
    for op in new.operations.iter_mut().step_by(10) {
        if let Some(p) = op.parameters.last_mut() {
            p.required = !p.required;
        }
        if let Some(f) = op
            .responses
            .first_mut()
            .and_then(|r| r.body.as_mut())
            .and_then(|b| b.fields.first_mut())
        {
            f.ty = TypeExpr::Integer;
        }
        op.parameters
            .push(Field::new("added_in_new_version", TypeExpr::String));
    }
    new.operations.reverse();
    new
}

fn bench(c: &mut Criterion) {
    let old = synthetic(300);
    let new = edited(&old);
    c.bench_function("diff synthetic 300-operation spec", |b| {
        b.iter(|| std::hint::black_box(diff::diff(&old, &new)))
    });
    let specs = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../specs");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&specs)
        .map(|d| {
            d.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    let real: Vec<(Spec, Spec)> = files
        .iter()
        .filter_map(|p| load::parse_file(p).ok())
        .map(|s| {
            let e = edited(&s);
            (s, e)
        })
        .collect();
    if !real.is_empty() {
        c.bench_function("diff every checked-in spec against an edited copy", |b| {
            b.iter(|| {
                for (old, new) in &real {
                    std::hint::black_box(diff::diff(old, new));
                }
            })
        });
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
