//! Runs every golden vector in `tests/vectors/*.json` through the pure signers and checks each
//! step: canonical form (v1: canonicalized query; V3/Huawei: canonical request), string to
//! sign, signature and (V3/Huawei) the `Authorization` header. Each vector then goes through
//! the matching verifier, and a one-byte change of its signature must be rejected.

use std::path::PathBuf;

use apigen_runtime::clock::UtcTime;
use apigen_runtime::sign::verify::{self, VerifyConfig};
use apigen_runtime::sign::{alibaba_v1, alibaba_v3, huawei, SignInput};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
struct Vector {
    id: String,
    scheme: String,
    source: String,
    method: String,
    host: String,
    path: String,
    query: Vec<(String, String)>,
    headers: Vec<(String, String)>,
    body: String,
    access_key_id: String,
    access_key_secret: String,
    canonical: String,
    string_to_sign: String,
    signature: String,
    #[serde(default)]
    authorization: Option<String>,
    #[serde(default)]
    document_claims_signature: Option<String>,
}

fn load() -> Vec<Vector> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/vectors");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
        .iter()
        .map(|p| {
            let text = std::fs::read_to_string(p).unwrap();
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
        })
        .collect()
}

fn tamper(sig: &str) -> String {
    let mut chars: Vec<char> = sig.chars().collect();
    chars[0] = if chars[0] == 'a' { 'b' } else { 'a' };
    chars.into_iter().collect()
}

#[test]
fn golden_vectors() {
    let vectors = load();
    let mut counts = std::collections::BTreeMap::<String, usize>::new();
    for v in &vectors {
        assert!(
            !v.source.is_empty(),
            "{}: vectors must name their source",
            v.id
        );
        let lookup = |ak: &str| (ak == v.access_key_id).then(|| v.access_key_secret.clone());
        match v.scheme.as_str() {
            "alibaba_v1" => {
                let s = alibaba_v1::sign(&v.method, &v.query, &v.access_key_secret);
                assert_eq!(s.canonical_query, v.canonical, "{}: canonical query", v.id);
                assert_eq!(
                    s.string_to_sign, v.string_to_sign,
                    "{}: string to sign",
                    v.id
                );
                assert_eq!(s.signature, v.signature, "{}: signature", v.id);
                if let Some(claimed) = &v.document_claims_signature {
                    assert_ne!(
                        &s.signature, claimed,
                        "{}: the document's claim is wrong",
                        v.id
                    );
                }
                let ts = v.query.iter().find(|(k, _)| k == "Timestamp").unwrap();
                let now = UtcTime::parse_iso8601(&ts.1).unwrap();
                let mut params = v.query.clone();
                params.push(("Signature".into(), s.signature.clone()));
                verify::verify_alibaba_v1(
                    &v.method,
                    &params,
                    lookup,
                    now,
                    &VerifyConfig::default(),
                    None,
                )
                .unwrap_or_else(|e| panic!("{}: verify: {e}", v.id));
                params.last_mut().unwrap().1 = tamper(&s.signature);
                assert!(verify::verify_alibaba_v1(
                    &v.method,
                    &params,
                    lookup,
                    now,
                    &VerifyConfig::default(),
                    None
                )
                .is_err());
            }
            "alibaba_v3" | "huawei" => {
                let mut input = SignInput {
                    method: &v.method,
                    host: &v.host,
                    path: &v.path,
                    query: &v.query,
                    headers: &v.headers,
                    body: v.body.as_bytes(),
                };
                let (canonical, sts, sig, auth) = if v.scheme == "alibaba_v3" {
                    let s = alibaba_v3::sign(&input, &v.access_key_id, &v.access_key_secret);
                    (
                        s.canonical_request,
                        s.string_to_sign,
                        s.signature,
                        s.authorization,
                    )
                } else {
                    let s = huawei::sign(&input, &v.access_key_id, &v.access_key_secret);
                    (
                        s.canonical_request,
                        s.string_to_sign,
                        s.signature,
                        s.authorization,
                    )
                };
                assert_eq!(canonical, v.canonical, "{}: canonical request", v.id);
                assert_eq!(sts, v.string_to_sign, "{}: string to sign", v.id);
                assert_eq!(sig, v.signature, "{}: signature", v.id);
                assert_eq!(
                    Some(&auth),
                    v.authorization.as_ref(),
                    "{}: Authorization",
                    v.id
                );

                let mut headers = v.headers.clone();
                headers.push(("Authorization".into(), auth.clone()));
                input.headers = &headers;
                let date = apigen_runtime::sign::header(&headers, "x-acs-date")
                    .and_then(UtcTime::parse_iso8601)
                    .or_else(|| {
                        apigen_runtime::sign::header(&headers, "x-sdk-date")
                            .and_then(UtcTime::parse_basic)
                    })
                    .unwrap();
                let cfg = VerifyConfig::default();
                verify::verify_any(&input, &[], lookup, date, &cfg, None)
                    .unwrap_or_else(|e| panic!("{}: verify: {e}", v.id));
                let mut bad_headers = v.headers.clone();
                bad_headers.push(("Authorization".into(), auth.replace(&sig, &tamper(&sig))));
                input.headers = &bad_headers;
                assert!(verify::verify_any(&input, &[], lookup, date, &cfg, None).is_err());
            }
            other => panic!("{}: unknown scheme {other}", v.id),
        }
        *counts.entry(v.scheme.clone()).or_default() += 1;
    }
    for scheme in ["alibaba_v1", "alibaba_v3", "huawei"] {
        assert!(
            counts.get(scheme).copied().unwrap_or(0) >= 3,
            "{scheme}: too few vectors ({counts:?})"
        );
    }
    println!("{} golden vectors: {counts:?}", vectors.len());
}
