//! The wire description (`apigen_runtime::schema`) of a spec's operations, carried by the
//! server and mock crates as `src/schema.json`: parameters as the request models see them
//! (transport headers left out), types with nesting, enums, limits, and response shapes.

use apigen_runtime::schema::{
    BodySchema, FieldShape, Kind, OperationSchema, ParamEncoding, ParamLocation, ParamSchema,
    ServiceSchema, Shape,
};

use super::lower::{OperationModel, ServiceModel};
use crate::spec::model::{Constraints, Encoding, Field, Location, Operation, TypeExpr};

/// The schema of every operation of `spec`.
pub fn service_schema(sm: &ServiceModel) -> ServiceSchema {
    let spec = sm.spec;
    ServiceSchema {
        service: spec.service.name.clone(),
        protocol: sm.protocol.wire(),
        version: spec
            .service
            .api_versions
            .first()
            .cloned()
            .unwrap_or_default(),
        operations: sm.operations.iter().map(operation).collect(),
    }
}

/// The JSON text written to `src/schema.json` (stable key order, one trailing newline).
pub fn to_json(schema: &ServiceSchema) -> String {
    let mut s = serde_json::to_string_pretty(schema).unwrap_or_default();
    s.push('\n');
    s
}

/// The first documented 2xx status, or 200.
pub fn success_status(op: &Operation) -> u16 {
    op.responses
        .iter()
        .map(|r| r.status)
        .find(|s| (200..300).contains(s))
        .unwrap_or(200)
}

fn operation(o: &OperationModel) -> OperationSchema {
    let (op, model) = (o.op, &o.model);
    let params = model
        .params
        .iter()
        .map(|(_, p)| ParamSchema {
            name: p.name.clone(),
            key: None,
            location: match p.location {
                Some(Location::Path) => ParamLocation::Path,
                Some(Location::Header) => ParamLocation::Header,
                Some(Location::Form | Location::File) => ParamLocation::Form,
                _ => ParamLocation::Query,
            },
            // A path segment is always there; models make `project_id` optional only because
            // the client can fill it in.
            required: p.required || p.location == Some(Location::Path),
            encoding: p.encoding.map(|e| match e {
                Encoding::RepeatList => ParamEncoding::RepeatList,
                Encoding::Json => ParamEncoding::Json,
                Encoding::Csv => ParamEncoding::Csv,
            }),
            line: p.line,
            shape: field_shape(p),
        })
        .collect();
    let body = match (&op.body, &model.body) {
        (Some(b), Some(key)) => Some(BodySchema {
            key: key.trim_start_matches("r#").to_owned(),
            content_type: b.content_type.clone(),
            required: b.required,
            shape: type_shape(&b.ty, &b.fields, &[], &Constraints::default(), None),
        }),
        _ => None,
    };
    let status = success_status(op);
    let response = op
        .responses
        .iter()
        .find(|r| r.status == status)
        .and_then(|r| r.body.as_ref())
        .map(|b| type_shape(&b.ty, &b.fields, &[], &Constraints::default(), None));
    OperationSchema {
        id: op.id.clone(),
        method: op.method.as_str().to_owned(),
        path: op.path.clone(),
        // Another product's operation answers under that product's version.
        version: op.product.as_ref().and(op.version.clone()),
        params,
        body,
        success_status: status,
        response,
        types: op
            .types
            .iter()
            .map(|(name, t)| {
                let shape = type_shape(
                    &TypeExpr::Object,
                    &t.fields,
                    &[],
                    &Constraints::default(),
                    None,
                );
                (name.clone(), shape)
            })
            .collect(),
    }
}

fn field_shape(f: &Field) -> Shape {
    let enums: Vec<String> = f.enum_values.iter().map(|v| v.value.clone()).collect();
    let mut shape = type_shape(
        &f.ty,
        &f.fields,
        &enums,
        &f.constraints,
        f.list_wrapper.clone(),
    );
    shape.example = f.example.as_deref().and_then(|e| typed_example(e, &f.ty));
    shape
}

fn member(f: &Field) -> FieldShape {
    FieldShape {
        name: f.name.clone(),
        required: f.required,
        line: f.line,
        shape: field_shape(f),
    }
}

/// The shape of `ty`; `fields` describe the innermost object, `enums` and the scalar limits the
/// innermost scalar (the document states them per row, for the element of a list).
fn type_shape(
    ty: &TypeExpr,
    fields: &[Field],
    enums: &[String],
    c: &Constraints,
    list_wrapper: Option<String>,
) -> Shape {
    let scalar = |kind: Kind| Shape {
        kind,
        enum_values: enums.to_vec(),
        limits: c.of_value(),
        ..Shape::default()
    };
    match ty {
        TypeExpr::String => scalar(Kind::String),
        TypeExpr::Integer => scalar(Kind::Integer),
        TypeExpr::Long => scalar(Kind::Long),
        TypeExpr::Number => scalar(Kind::Number),
        TypeExpr::Boolean => scalar(Kind::Boolean),
        TypeExpr::Any => Shape::of(Kind::Any),
        TypeExpr::File => Shape::of(Kind::File),
        TypeExpr::Object => Shape {
            kind: Kind::Object,
            fields: fields.iter().map(member).collect(),
            ..Shape::default()
        },
        TypeExpr::Named(n) => Shape {
            kind: Kind::Ref,
            reference: Some(n.clone()),
            ..Shape::default()
        },
        TypeExpr::Array(inner) => Shape {
            kind: Kind::Array,
            items: Some(Box::new(type_shape(inner, fields, enums, c, None))),
            limits: c.of_list(),
            list_wrapper,
            ..Shape::default()
        },
        TypeExpr::Map(inner) => Shape {
            kind: Kind::Map,
            items: Some(Box::new(type_shape(inner, fields, enums, c, None))),
            ..Shape::default()
        },
    }
}

/// A table's example text as a JSON value of the field's type, when it reads as one.
fn typed_example(text: &str, ty: &TypeExpr) -> Option<serde_json::Value> {
    let t = text.trim();
    if t.is_empty() {
        return None;
    }
    match ty {
        TypeExpr::String => Some(serde_json::Value::String(t.to_owned())),
        TypeExpr::Integer | TypeExpr::Long => t.parse::<i64>().ok().map(Into::into),
        TypeExpr::Number => t
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map(serde_json::Value::Number),
        TypeExpr::Boolean => match t.to_ascii_lowercase().as_str() {
            "true" => Some(true.into()),
            "false" => Some(false.into()),
            _ => None,
        },
        _ => None,
    }
}
