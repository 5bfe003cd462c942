//! Wire-level differential test support: requests recorded from the vendors' official SDKs
//! (`tests/wire/<service>.json`, written by `scripts/record-wire.sh`) replayed against a
//! generated client's `encode::<op>` functions.
//!
//! For each recorded request the logical request (`input`, wire names of the spec) is decoded
//! into the client's request model and encoded, then signed with the SDK's own timestamp and
//! nonce, and compared part by part with what the SDK sent: method, path, query and form
//! parameters (names and values, as multisets), JSON body (as JSON values), content type and
//! the signed header set. Two signature checks: our signer, run over the SDK's own request,
//! must reproduce the SDK's signature (the canonicalisation agrees), and where the requests
//! agree in everything signed, the client's signature must equal the SDK's.
//!
//! Differences are returned as data; [`Report::check_expected`] compares them with the
//! reviewed list in `tests/wire/expected-differences.json` (each entry argued there), failing on
//! any difference not listed and on any entry that no longer matches.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::{Map, Value};

use crate::clock::UtcTime;
use crate::credentials::Credentials;
use crate::request::{sign_request, PreparedRequest, SignContext};
use crate::rpc::parse_form;
use crate::schema::Protocol;
use crate::sign::{alibaba_v1, alibaba_v3, huawei, percent_decode, SignInput, SignatureScheme};

/// One service's recorded SDK requests.
#[derive(Debug, Clone, Deserialize)]
pub struct Fixture {
    /// Service name (`mse`, `cse`, …).
    pub service: String,
    /// The SDK package and release that sent the requests.
    pub sdk: String,
    /// Its core/runtime package and release.
    #[serde(default)]
    pub runtime: String,
    /// Credentials the SDK signed with.
    pub credentials: FixtureCredentials,
    /// One entry per operation shared by the spec and the SDK.
    pub operations: Vec<RecordedOperation>,
}

/// The recording's credentials.
#[derive(Debug, Clone, Deserialize)]
pub struct FixtureCredentials {
    /// AccessKey id.
    pub access_key_id: String,
    /// AccessKey secret.
    pub secret: String,
    /// Huawei project id.
    #[serde(default)]
    pub project_id: Option<String>,
}

/// The requests the SDK sent for one logical request of one operation.
#[derive(Debug, Clone, Deserialize)]
pub struct RecordedOperation {
    /// Operation id of the spec.
    pub op: String,
    /// SDK method that sent it (absent when sent through the SDK's generic call).
    #[serde(default)]
    pub sdk_method: Option<String>,
    /// `call_api` when the SDK release lacks the operation.
    #[serde(default)]
    pub via: Option<String>,
    /// The logical request, keyed by the spec's wire names (body under its key).
    pub input: Map<String, Value>,
    /// Spec parameters the SDK model cannot carry (not part of the comparison).
    #[serde(default)]
    pub spec_only: Vec<String>,
    /// SDK fields the spec lacks (not part of the comparison).
    #[serde(default)]
    pub sdk_only: Vec<String>,
    /// Captured requests by signer (`v3`, `v1`, `huawei`).
    pub requests: BTreeMap<String, RecordedRequest>,
}

/// One captured HTTP request.
#[derive(Debug, Clone, Deserialize)]
pub struct RecordedRequest {
    /// Method.
    pub method: String,
    /// Path as sent (escaped).
    pub path: String,
    /// Query string as sent (escaped, no `?`).
    #[serde(default)]
    pub query: String,
    /// Headers, lower-case names.
    pub headers: BTreeMap<String, String>,
    /// Body as UTF-8 text.
    #[serde(default)]
    pub body: Option<String>,
    /// Body, base64, when it is not UTF-8.
    #[serde(default)]
    pub body_base64: Option<String>,
}

impl RecordedRequest {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(String::as_str)
    }

    fn body_bytes(&self) -> Vec<u8> {
        self.body.clone().unwrap_or_default().into_bytes()
    }

    fn query_pairs(&self) -> Vec<(String, String)> {
        parse_query(&self.query)
    }

    fn header_pairs(&self) -> Vec<(String, String)> {
        self.headers
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    }
}

/// One way the client's request differs from the SDK's.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Difference {
    /// Service.
    pub service: String,
    /// Operation id.
    pub op: String,
    /// Signer the request was recorded with (`v3`, `v1`, `huawei`).
    pub signer: String,
    /// What differs: `model`, `encode`, `method`, `path`, `placement`, `parameter-missing`,
    /// `parameter-extra`, `parameter-value`, `value-case` (same value but for ASCII case),
    /// `json-text` (same JSON, other text), `body`, `content-type`, `signed-header-missing`,
    /// `signed-header-extra`, `header-value`, `signer`, `signature`.
    pub class: &'static str,
    /// The parameter, header or body member concerned (or `-`).
    pub key: String,
    /// What the SDK sent and what the client sends.
    pub detail: String,
}

impl std::fmt::Display for Difference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {} [{}] {} {}: {}",
            self.service, self.op, self.signer, self.class, self.key, self.detail
        )
    }
}

/// Encodes the logical request of operation `op` with the generated client (`None`: the client
/// has no such operation).
pub type EncodeFn<'a> = dyn Fn(&str, Value) -> Option<Result<PreparedRequest, EncodeError>> + 'a;

/// Why the client could not encode a recorded request (a difference of class `model` or
/// `encode` in the report).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EncodeError {
    /// The recorded input does not decode into the client's request model.
    #[error("model: {0}")]
    Model(#[source] serde_json::Error),
    /// The client's encoder refused the request.
    #[error("encode: {0}")]
    Encode(#[source] crate::Error),
}

impl EncodeError {
    /// The report's class of the difference: `model` or `encode`.
    pub fn class(&self) -> &'static str {
        match self {
            EncodeError::Model(_) => "model",
            EncodeError::Encode(_) => "encode",
        }
    }
}

/// A recording or a reviewed list of differences that cannot be read, or differences the list
/// does not account for.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WireError {
    /// The service's recording is missing or unreadable.
    #[error("{}: {source} (record it with scripts/record-wire.sh)", path.display())]
    Recording {
        /// `tests/wire/<service>.json`.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The reviewed list is missing or unreadable.
    #[error("{}: {source}", path.display())]
    Read {
        /// The list.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// A recording or the reviewed list is not the JSON it should be.
    #[error("{}: {source}", path.display())]
    Json {
        /// The file.
        path: PathBuf,
        /// Where (line, column) and why.
        #[source]
        source: serde_json::Error,
    },
    /// Differences the reviewed list does not cover, or entries of it that match nothing.
    #[error(
        "{service}: the client's requests differ from {sdk} other than {} lists:\n{problems}",
        list.display()
    )]
    Unexpected {
        /// The service.
        service: String,
        /// The SDK release.
        sdk: String,
        /// The reviewed list.
        list: PathBuf,
        /// One line per problem (`  not listed: …`, `  listed but not found (stale): …`).
        problems: String,
    },
}

/// Decodes `input` into the request model `R` and encodes it with `encode` (what a generated
/// `tests/wire.rs` calls per operation).
pub fn encode_with<R: serde::de::DeserializeOwned>(
    input: Value,
    encode: fn(&R) -> Result<PreparedRequest, crate::Error>,
) -> Result<PreparedRequest, EncodeError> {
    let request: R = serde_json::from_value(input).map_err(EncodeError::Model)?;
    encode(&request).map_err(EncodeError::Encode)
}

/// What one service's replay found.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Service.
    pub service: String,
    /// SDK release.
    pub sdk: String,
    /// Operations compared.
    pub operations: usize,
    /// Of those, sent through the SDK's generic call.
    pub generic: usize,
    /// Requests compared (operations × signers).
    pub requests: usize,
    /// Requests identical in everything compared (signature included).
    pub identical: usize,
    /// Requests whose signature the client reproduces (the SDK's client-identification headers
    /// added): identical canonical requests.
    pub same_signature: usize,
    /// Every difference.
    pub differences: Vec<Difference>,
    /// Spec parameters the SDK's request models cannot carry (`op.name`): not sent by either
    /// side, so not compared.
    pub spec_only: Vec<String>,
    /// Fields of the SDK's request models the spec lacks.
    pub sdk_only: usize,
}

/// Reads `dir/<service>.json` and compares every recorded request with `encode`'s.
pub fn replay_service(
    dir: &Path,
    service: &str,
    encode: &EncodeFn<'_>,
) -> Result<Report, WireError> {
    let path = dir.join(format!("{service}.json"));
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(source) => return Err(WireError::Recording { path, source }),
    };
    let fixture: Fixture = match serde_json::from_str(&text) {
        Ok(f) => f,
        Err(source) => return Err(WireError::Json { path, source }),
    };
    Ok(replay(&fixture, encode))
}

/// Compares every recorded request of `fixture` with `encode`'s.
pub fn replay(fixture: &Fixture, encode: &EncodeFn<'_>) -> Report {
    let mut report = Report {
        service: fixture.service.clone(),
        sdk: fixture.sdk.clone(),
        ..Report::default()
    };
    let creds = Credentials::access_key(
        fixture.credentials.access_key_id.clone(),
        fixture.credentials.secret.clone(),
    );
    let creds = match &fixture.credentials.project_id {
        Some(p) => creds.with_project_id(p.clone()),
        None => creds,
    };
    for rec in &fixture.operations {
        report.operations += 1;
        if rec.via.is_some() {
            report.generic += 1;
        }
        report
            .spec_only
            .extend(rec.spec_only.iter().map(|p| format!("{}.{p}", rec.op)));
        report.sdk_only += rec.sdk_only.len();
        for (signer, sdk) in &rec.requests {
            report.requests += 1;
            let mut found = Vec::new();
            let mut diff = |class: &'static str, key: &str, detail: String| {
                found.push(Difference {
                    service: fixture.service.clone(),
                    op: rec.op.clone(),
                    signer: signer.clone(),
                    class,
                    key: key.to_owned(),
                    detail,
                });
            };
            let ours = match encode(&rec.op, Value::Object(rec.input.clone())) {
                None => {
                    diff("encode", "-", "the client has no such operation".into());
                    None
                }
                Some(Err(e)) => {
                    diff(e.class(), "-", e.to_string());
                    None
                }
                Some(Ok(r)) => Some(r),
            };
            check_sdk_signature(signer, sdk, &creds, &mut diff);
            if let Some(ours) = ours {
                if compare(signer, sdk, ours, &creds, &mut diff) {
                    report.same_signature += 1;
                }
            }
            if found.is_empty() {
                report.identical += 1;
            }
            report.differences.extend(found);
        }
    }
    report
}

fn scheme_of(signer: &str) -> SignatureScheme {
    match signer {
        "v1" => SignatureScheme::AlibabaV1,
        "v3" => SignatureScheme::AlibabaV3,
        _ => SignatureScheme::HuaweiAkSk,
    }
}

/// Our signer over the SDK's own request must reproduce the SDK's signature.
fn check_sdk_signature(
    signer: &str,
    sdk: &RecordedRequest,
    creds: &Credentials,
    diff: &mut impl FnMut(&'static str, &str, String),
) {
    let Some(ak) = creds.access_key.as_ref() else {
        return;
    };
    let query = sdk.query_pairs();
    let headers = sdk.header_pairs();
    let body = sdk.body_bytes();
    let (sent, computed) = match signer {
        "v1" => {
            let sent = query
                .iter()
                .find(|(k, _)| k == alibaba_v1::SIGNATURE_PARAM)
                .map(|(_, v)| v.clone())
                .unwrap_or_default();
            let form = if is_form(sdk.header("content-type")) {
                parse_form(&String::from_utf8_lossy(&body))
            } else {
                Vec::new()
            };
            let s = alibaba_v1::sign(&sdk.method, query.iter().chain(form.iter()), &ak.secret);
            (sent, s.signature)
        }
        "v3" => {
            let Some(auth) = sdk
                .header("authorization")
                .and_then(alibaba_v3::parse_authorization)
            else {
                diff(
                    "signer",
                    "authorization",
                    "the SDK sent no V3 Authorization".into(),
                );
                return;
            };
            let names: BTreeSet<&str> = auth.signed_headers.split(';').collect();
            let input = sign_input(sdk, &query, &headers, &body);
            let s = alibaba_v3::sign_by(&input, &ak.id, &ak.secret, |h| names.contains(h));
            (auth.signature, s.signature)
        }
        _ => {
            let Some(auth) = sdk
                .header("authorization")
                .and_then(huawei::parse_authorization)
            else {
                diff(
                    "signer",
                    "authorization",
                    "the SDK sent no SDK-HMAC-SHA256 Authorization".into(),
                );
                return;
            };
            let names: BTreeSet<&str> = auth.signed_headers.split(';').collect();
            let input = sign_input(sdk, &query, &headers, &body);
            let s = huawei::sign_by(&input, &ak.id, &ak.secret, |h| names.contains(h));
            (auth.signature, s.signature)
        }
    };
    if sent != computed {
        diff(
            "signer",
            "signature",
            format!("our signer over the SDK's request gives {computed}, the SDK sent {sent}"),
        );
    }
}

fn sign_input<'a>(
    sdk: &'a RecordedRequest,
    query: &'a [(String, String)],
    headers: &'a [(String, String)],
    body: &'a [u8],
) -> SignInput<'a> {
    SignInput {
        method: &sdk.method,
        host: sdk.header("host").unwrap_or_default(),
        path: &sdk.path,
        query,
        headers,
        body,
    }
}

fn is_form(content_type: Option<&str>) -> bool {
    content_type.is_some_and(|c| c.starts_with("application/x-www-form-urlencoded"))
}

fn is_json(content_type: Option<&str>) -> bool {
    content_type.is_some_and(|c| c.starts_with("application/json"))
}

/// A query string's pairs, decoded as the RPC gateway and our server decode them (`+` is a
/// space: tea writes spaces in query values as `+` and signs them as `%20`).
fn parse_query(q: &str) -> Vec<(String, String)> {
    parse_form(q)
}

/// The time and nonce the SDK signed with.
fn sdk_time_and_nonce(signer: &str, sdk: &RecordedRequest) -> (UtcTime, String) {
    let query = sdk.query_pairs();
    let q = |name: &str| {
        query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    let (time, nonce) = match signer {
        "v1" => (
            q("Timestamp").and_then(|t| UtcTime::parse_iso8601(&t)),
            q("SignatureNonce"),
        ),
        "v3" => (
            sdk.header("x-acs-date").and_then(UtcTime::parse_iso8601),
            sdk.header("x-acs-signature-nonce").map(str::to_owned),
        ),
        _ => (
            sdk.header("x-sdk-date").and_then(UtcTime::parse_basic),
            None,
        ),
    };
    (time.unwrap_or(UtcTime(0)), nonce.unwrap_or_default())
}

fn compare(
    signer: &str,
    sdk: &RecordedRequest,
    mut ours: PreparedRequest,
    creds: &Credentials,
    diff: &mut impl FnMut(&'static str, &str, String),
) -> bool {
    let (time, nonce) = sdk_time_and_nonce(signer, sdk);
    let host = sdk.header("host").unwrap_or_default().to_owned();
    let protocol = ours.protocol.family();
    if let Err(e) = sign_request(
        &mut ours,
        &SignContext {
            scheme: scheme_of(signer),
            credentials: creds,
            host: &host,
            base_path: "",
            time,
            nonce: &nonce,
        },
    ) {
        diff("encode", "-", format!("signing failed: {e}"));
        return false;
    }
    let mut other = 0usize;
    let mut note = |class: &'static str, key: &str, detail: String| {
        other += 1;
        diff(class, key, detail);
    };
    if ours.method != sdk.method {
        note(
            "method",
            "-",
            format!("SDK sends {}, client sends {}", sdk.method, ours.method),
        );
    }
    if percent_decode(&ours.path) != percent_decode(&sdk.path) {
        note(
            "path",
            "-",
            format!("SDK sends {}, client sends {}", sdk.path, ours.path),
        );
    }
    let our_ct = crate::sign::header(&ours.headers, "content-type").map(str::to_owned);
    let sdk_ct = sdk.header("content-type").map(str::to_owned);
    let sdk_body = sdk.body_bytes();
    // Parameters: query, plus a form body (RPC POST): as multisets of (name, value).
    let signature_param = |k: &str| signer == "v1" && k == alibaba_v1::SIGNATURE_PARAM;
    let sdk_query: Vec<(String, String)> = sdk
        .query_pairs()
        .into_iter()
        .filter(|(k, _)| !signature_param(k))
        .collect();
    let our_query: Vec<(String, String)> = ours
        .query
        .iter()
        .filter(|(k, _)| !signature_param(k))
        .cloned()
        .collect();
    let sdk_form = if is_form(sdk_ct.as_deref()) {
        parse_form(&String::from_utf8_lossy(&sdk_body))
    } else {
        Vec::new()
    };
    let our_form = if is_form(our_ct.as_deref()) {
        parse_form(&String::from_utf8_lossy(&ours.body))
    } else {
        Vec::new()
    };
    // RPC: where the parameters go (query or form body) is compared once, as `placement`; the
    // body, its content type and the signed content-type header follow from it.
    let mut placed_apart = false;
    if protocol == Protocol::AlibabaRpc {
        // The RPC gateway reads query and form alike; where each side puts the operation
        // parameters is compared once, their names and values over both.
        let place =
            |q: &[(String, String)], f: &[(String, String)]| match (q.is_empty(), f.is_empty()) {
                (_, true) => "query",
                (true, false) => "form",
                (false, false) => "query+form",
            };
        let ops_only = |v: &[(String, String)]| -> Vec<(String, String)> {
            v.iter()
                .filter(|(k, _)| !crate::rpc::is_common_param(k))
                .cloned()
                .collect()
        };
        let (sp, op) = (
            place(&ops_only(&sdk_query), &ops_only(&sdk_form)),
            place(&ops_only(&our_query), &ops_only(&our_form)),
        );
        if sp != op && !(ops_only(&sdk_query).is_empty() && ops_only(&sdk_form).is_empty()) {
            placed_apart = true;
            note(
                "placement",
                "-",
                format!("SDK sends the operation parameters in the {sp}, client in the {op}"),
            );
        }
        let all = |q: Vec<(String, String)>, f: Vec<(String, String)>| {
            q.into_iter().chain(f).collect::<Vec<_>>()
        };
        compare_params(
            &all(sdk_query, sdk_form),
            &all(our_query, our_form),
            &mut note,
        );
    } else {
        compare_params(&sdk_query, &our_query, &mut note);
        compare_params(&sdk_form, &our_form, &mut note);
    }
    // Bodies other than forms.
    if !placed_apart && (!is_form(sdk_ct.as_deref()) || !is_form(our_ct.as_deref())) {
        let (sdk_empty, our_empty) = (sdk_body.is_empty(), ours.body.is_empty());
        if is_json(sdk_ct.as_deref()) || is_json(our_ct.as_deref()) {
            let parse = |b: &[u8]| -> Option<Value> {
                if b.is_empty() {
                    None
                } else {
                    serde_json::from_slice(b).ok()
                }
            };
            let (a, b) = (parse(&sdk_body), parse(&ours.body));
            match (&a, &b) {
                (None, None) => {}
                (Some(a), Some(b)) => compare_json("", a, b, &mut note),
                _ => note(
                    "body",
                    "-",
                    format!(
                        "SDK sends {}, client sends {}",
                        String::from_utf8_lossy(&sdk_body),
                        String::from_utf8_lossy(&ours.body)
                    ),
                ),
            }
        } else if !is_form(sdk_ct.as_deref())
            && !is_form(our_ct.as_deref())
            && sdk_body != ours.body
        {
            let (sdk_parts, our_parts) = (
                multipart_parts(sdk_ct.as_deref(), &sdk_body),
                multipart_parts(our_ct.as_deref(), &ours.body),
            );
            if let (Some(a), Some(b)) = (sdk_parts, our_parts) {
                // Boundaries are random; the parts (name, file name, type, bytes) must agree.
                for part in a.iter().filter(|p| !b.contains(p)) {
                    note(
                        "multipart",
                        &part.name,
                        format!("SDK sends {part}, client does not"),
                    );
                }
                for part in b.iter().filter(|p| !a.contains(p)) {
                    note(
                        "multipart",
                        &part.name,
                        format!("client sends {part}, SDK does not"),
                    );
                }
            } else {
                note(
                    "body",
                    "-",
                    format!(
                        "SDK sends {} bytes, client sends {} bytes",
                        sdk_body.len(),
                        ours.body.len()
                    ),
                );
            }
        } else if sdk_empty != our_empty {
            note(
                "body",
                "-",
                format!(
                    "SDK sends {:?}, client sends {:?}",
                    String::from_utf8_lossy(&sdk_body),
                    String::from_utf8_lossy(&ours.body)
                ),
            );
        }
    }
    // Content type, without multipart boundaries.
    let media = |c: &Option<String>| {
        c.as_deref().map(|c| {
            if c.starts_with("multipart/") {
                c.split(';').next().unwrap_or(c).trim().to_owned()
            } else {
                c.to_owned()
            }
        })
    };
    let body_sent = !sdk_body.is_empty() || !ours.body.is_empty();
    if body_sent && !placed_apart && media(&sdk_ct) != media(&our_ct) {
        note(
            "content-type",
            "content-type",
            format!(
                "SDK sends {}, client sends {}",
                sdk_ct.as_deref().unwrap_or("none"),
                our_ct.as_deref().unwrap_or("none")
            ),
        );
    }
    // Signed headers and their values.
    let signed_of = |auth: Option<&str>| -> Option<BTreeSet<String>> {
        let auth = auth?;
        let list = match signer {
            "v3" => alibaba_v3::parse_authorization(auth)?.signed_headers,
            "huawei" => huawei::parse_authorization(auth)?.signed_headers,
            _ => return None,
        };
        Some(list.split(';').map(str::to_owned).collect())
    };
    let sdk_signed = signed_of(sdk.header("authorization")).unwrap_or_default();
    let our_signed =
        signed_of(crate::sign::header(&ours.headers, "authorization")).unwrap_or_default();
    let follows_placement = |h: &str| placed_apart && h == "content-type";
    for h in sdk_signed.difference(&our_signed) {
        if follows_placement(h) {
            continue;
        }
        note(
            "signed-header-missing",
            h,
            format!("SDK signs {h}: {}", sdk.header(h).unwrap_or_default()),
        );
    }
    for h in our_signed.difference(&sdk_signed) {
        if follows_placement(h) {
            continue;
        }
        note(
            "signed-header-extra",
            h,
            format!(
                "client signs {h}: {}",
                crate::sign::header(&ours.headers, h).unwrap_or_default()
            ),
        );
    }
    for h in sdk_signed.intersection(&our_signed) {
        if h == "content-type" || h == "x-acs-content-sha256" || h == "x-sdk-content-sha256" {
            continue; // compared with the body above
        }
        let (a, b) = (
            sdk.header(h).unwrap_or_default(),
            crate::sign::header(&ours.headers, h).unwrap_or_default(),
        );
        if a != b {
            note(
                "header-value",
                h,
                format!("SDK sends {a:?}, client sends {b:?}"),
            );
        }
    }
    // The signature itself, where everything it covers agrees. Headers the SDK signs that the
    // client does not send at all (its User-Agent, Accept, …) are added to the client's request
    // first: with them the client's canonical request must be the SDK's, byte for byte.
    let unsent: Vec<&String> = sdk_signed
        .difference(&our_signed)
        .filter(|h| crate::sign::header(&ours.headers, h).is_none())
        .collect();
    if other - unsent.len() > 0 {
        return false;
    }
    let Some(ak) = creds.access_key.as_ref() else {
        return false;
    };
    let (a, b) = match signer {
        "v1" => (
            sdk.query_pairs()
                .into_iter()
                .find(|(k, _)| k == alibaba_v1::SIGNATURE_PARAM)
                .map(|(_, v)| v),
            ours.query
                .iter()
                .find(|(k, _)| k == alibaba_v1::SIGNATURE_PARAM)
                .map(|(_, v)| v.clone()),
        ),
        _ => {
            let mut headers = ours.headers.clone();
            for h in &unsent {
                headers.push(((*h).clone(), sdk.header(h).unwrap_or_default().to_owned()));
            }
            // Bodies found equal above (JSON as values, multipart part by part) differ in bytes
            // the encoders choose freely (whitespace, boundaries): sign the SDK's bytes.
            let body = if ours.body == sdk_body {
                &ours.body
            } else {
                &sdk_body
            };
            if body == &sdk_body {
                for (k, v) in headers.iter_mut() {
                    if k.eq_ignore_ascii_case("content-type") {
                        if let Some(ct) = &sdk_ct {
                            *v = ct.clone();
                        }
                    } else if k.eq_ignore_ascii_case("x-acs-content-sha256") {
                        *v = crate::sign::sha256_hex(&sdk_body);
                    }
                }
            }
            let input = SignInput {
                method: &ours.method,
                host: &host,
                path: &ours.path,
                query: &ours.query,
                headers: &headers,
                body,
            };
            let signed = |h: &str| sdk_signed.contains(h);
            let ours_sig = if signer == "v3" {
                alibaba_v3::sign_by(&input, &ak.id, &ak.secret, signed).signature
            } else {
                huawei::sign_by(&input, &ak.id, &ak.secret, signed).signature
            };
            let sdk_sig = sdk.header("authorization").and_then(|a| {
                if signer == "v3" {
                    alibaba_v3::parse_authorization(a).map(|x| x.signature)
                } else {
                    huawei::parse_authorization(a).map(|x| x.signature)
                }
            });
            (sdk_sig, Some(ours_sig))
        }
    };
    if a != b {
        diff(
            "signature",
            "-",
            format!("SDK signature {a:?}, client signature {b:?}"),
        );
        return false;
    }
    true
}

/// One part of a multipart/form-data body.
#[derive(Debug, Clone, PartialEq, Eq)]
struct FormPart {
    name: String,
    filename: Option<String>,
    content_type: Option<String>,
    data: Vec<u8>,
}

impl std::fmt::Display for FormPart {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "part {:?} (file {:?}, {:?}, {} bytes: {:?})",
            self.name,
            self.filename,
            self.content_type,
            self.data.len(),
            String::from_utf8_lossy(&self.data)
        )
    }
}

/// The parts of a multipart/form-data body (`None` when it is not one).
fn multipart_parts(content_type: Option<&str>, body: &[u8]) -> Option<Vec<FormPart>> {
    let ct = content_type?;
    if !ct.starts_with("multipart/") {
        return None;
    }
    let boundary = ct
        .split(';')
        .find_map(|p| p.trim().strip_prefix("boundary="))?
        .trim_matches('"');
    let delim = format!("--{boundary}");
    let mut parts = Vec::new();
    let positions = find_all(body, delim.as_bytes());
    for w in positions.windows(2) {
        let chunk = &body[w[0] + delim.len()..w[1]];
        let chunk = chunk.strip_prefix(b"\r\n").unwrap_or(chunk);
        let chunk = chunk.strip_suffix(b"\r\n").unwrap_or(chunk);
        let split = find_all(chunk, b"\r\n\r\n").first().copied()?;
        let head = String::from_utf8_lossy(&chunk[..split]);
        let mut part = FormPart {
            name: String::new(),
            filename: None,
            content_type: None,
            data: chunk[split + 4..].to_vec(),
        };
        for line in head.split("\r\n") {
            let lower = line.to_ascii_lowercase();
            if lower.starts_with("content-disposition:") {
                for attr in line.split(';').skip(1) {
                    let (k, v) = attr.trim().split_once('=').unwrap_or((attr.trim(), ""));
                    let v = v.trim_matches('"').to_owned();
                    match k {
                        "name" => part.name = v,
                        "filename" => part.filename = Some(v),
                        _ => {}
                    }
                }
            } else if lower.starts_with("content-type:") {
                part.content_type = Some(line["content-type:".len()..].trim().to_owned());
            }
        }
        parts.push(part);
    }
    Some(parts)
}

fn find_all(hay: &[u8], needle: &[u8]) -> Vec<usize> {
    if needle.is_empty() || hay.len() < needle.len() {
        return Vec::new();
    }
    (0..=hay.len() - needle.len())
        .filter(|&i| &hay[i..i + needle.len()] == needle)
        .collect()
}

fn compare_params(
    sdk: &[(String, String)],
    ours: &[(String, String)],
    note: &mut impl FnMut(&'static str, &str, String),
) {
    let group = |v: &[(String, String)]| {
        let mut m: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (k, val) in v {
            m.entry(k.clone()).or_default().push(val.clone());
        }
        for vals in m.values_mut() {
            vals.sort();
        }
        m
    };
    let (a, b) = (group(sdk), group(ours));
    for (k, va) in &a {
        match b.get(k) {
            None => note(
                "parameter-missing",
                &param_key(k),
                format!("SDK sends {k}={}, client does not", va.join("|")),
            ),
            Some(vb) if vb != va => {
                let same_json = va.len() == 1
                    && vb.len() == 1
                    && matches!(
                        (
                            serde_json::from_str::<Value>(&va[0]),
                            serde_json::from_str::<Value>(&vb[0])
                        ),
                        (Ok(x @ (Value::Object(_) | Value::Array(_))), Ok(y)) if x == y
                    );
                let same_but_case = va.len() == vb.len()
                    && va.iter().zip(vb).all(|(x, y)| x.eq_ignore_ascii_case(y));
                let class = if same_json {
                    "json-text"
                } else if same_but_case {
                    "value-case"
                } else {
                    "parameter-value"
                };
                note(
                    class,
                    &param_key(k),
                    format!(
                        "SDK sends {k}={}, client sends {k}={}",
                        va.join("|"),
                        vb.join("|")
                    ),
                );
            }
            Some(_) => {}
        }
    }
    for (k, vb) in &b {
        if !a.contains_key(k) {
            note(
                "parameter-extra",
                &param_key(k),
                format!("client sends {k}={}, SDK does not", vb.join("|")),
            );
        }
    }
}

/// `Tag.1.Key` → `Tag.N.Key`: one key per repeat-list member, whatever the index.
fn param_key(k: &str) -> String {
    k.split('.')
        .map(|s| {
            if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
                "N"
            } else {
                s
            }
        })
        .collect::<Vec<_>>()
        .join(".")
}

fn compare_json(at: &str, a: &Value, b: &Value, note: &mut impl FnMut(&'static str, &str, String)) {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for (k, va) in x {
                let p = format!("{at}/{k}");
                match y.get(k) {
                    None => note("body", &p, format!("SDK sends {p}={va}, client does not")),
                    Some(vb) => compare_json(&p, va, vb, note),
                }
            }
            for (k, vb) in y {
                if !x.contains_key(k) {
                    let p = format!("{at}/{k}");
                    note("body", &p, format!("client sends {p}={vb}, SDK does not"));
                }
            }
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (va, vb) in x.iter().zip(y) {
                compare_json(&format!("{at}/N"), va, vb, note);
            }
        }
        (Value::Number(x), Value::Number(y)) if x.as_f64() == y.as_f64() => {}
        _ if a == b => {}
        _ => {
            let p = if at.is_empty() { "/" } else { at };
            note(
                "body",
                p,
                format!("SDK sends {p}={a}, client sends {p}={b}"),
            );
        }
    }
}

/// A reviewed, argued difference (`tests/wire/expected-differences.json`).
#[derive(Debug, Clone, Deserialize)]
pub struct ExpectedDifference {
    /// Service, or `*`.
    pub service: String,
    /// Difference class.
    pub class: String,
    /// Parameter/header/member key, or `*`.
    #[serde(default = "star")]
    pub key: String,
    /// Operations, or `["*"]`.
    #[serde(default = "stars")]
    pub ops: Vec<String>,
    /// Signers, or `["*"]`.
    #[serde(default = "stars")]
    pub signers: Vec<String>,
    /// Why the client may differ here (document line, SDK release).
    pub reason: String,
    /// What is about to remove the difference (a correction under review elsewhere): such an
    /// entry may stop matching without failing the test; it is reported instead.
    #[serde(default)]
    pub pending_fix: Option<String>,
}

fn star() -> String {
    "*".into()
}

fn stars() -> Vec<String> {
    vec!["*".into()]
}

impl ExpectedDifference {
    fn specificity(&self) -> usize {
        let named = |v: &[String]| !v.iter().any(|s| s == "*");
        usize::from(self.key != "*")
            + usize::from(named(&self.ops))
            + usize::from(named(&self.signers))
    }

    /// Whether this entry covers `d`.
    pub fn covers(&self, d: &Difference) -> bool {
        let any = |v: &[String], x: &str| v.iter().any(|s| s == "*" || s == x);
        (self.service == "*" || self.service == d.service)
            && self.class == d.class
            && (self.key == "*" || self.key == d.key)
            && any(&self.ops, &d.op)
            && any(&self.signers, &d.signer)
    }
}

impl Report {
    /// Reads the reviewed list and fails (with every problem) when a difference is not listed
    /// or a listed entry of this service matches nothing.
    pub fn check_expected(&self, expected_path: &Path) -> Result<(), WireError> {
        let path = || expected_path.to_owned();
        let text = std::fs::read_to_string(expected_path).map_err(|source| WireError::Read {
            path: path(),
            source,
        })?;
        let expected: Vec<ExpectedDifference> =
            serde_json::from_str(&text).map_err(|source| WireError::Json {
                path: path(),
                source,
            })?;
        let mut out = String::new();
        let mut used = vec![false; expected.len()];
        for d in &self.differences {
            // The most specific entry that covers it (a named key or operation beats `*`).
            let best = expected
                .iter()
                .enumerate()
                .filter(|(_, e)| e.covers(d))
                .max_by_key(|(i, e)| (e.specificity(), std::cmp::Reverse(*i)));
            match best {
                Some((i, _)) => used[i] = true,
                None => {
                    let _ = writeln!(out, "  not listed: {d}");
                }
            }
        }
        for (e, used) in expected.iter().zip(used) {
            if !used && e.service == self.service && e.pending_fix.is_some() {
                println!(
                    "note: {} {} {} {:?} no longer differs ({}): remove the entry",
                    e.service,
                    e.class,
                    e.key,
                    e.ops,
                    e.pending_fix.as_deref().unwrap_or_default()
                );
            } else if !used && e.service == self.service {
                let _ = writeln!(
                    out,
                    "  listed but not found (stale): {} {} {} {:?} {:?}",
                    e.service, e.class, e.key, e.ops, e.signers
                );
            }
        }
        if out.is_empty() {
            Ok(())
        } else {
            Err(WireError::Unexpected {
                service: self.service.clone(),
                sdk: self.sdk.clone(),
                list: path(),
                problems: out,
            })
        }
    }

    /// One line: operations, requests, identical ones, differences by class.
    pub fn summary(&self) -> String {
        let mut by_class: BTreeMap<&str, usize> = BTreeMap::new();
        for d in &self.differences {
            *by_class.entry(d.class).or_default() += 1;
        }
        let classes: Vec<String> = by_class.iter().map(|(k, v)| format!("{k} {v}")).collect();
        format!(
            "{}: {} operations ({} through the generic call), {} requests, {} identical, {} with the SDK's signature; spec parameters the SDK lacks: {}; SDK fields the spec lacks: {}; differences: {}",
            self.service,
            self.operations,
            self.generic,
            self.requests,
            self.identical,
            self.same_signature,
            if self.spec_only.is_empty() {
                "none".to_owned()
            } else {
                self.spec_only.join(", ")
            },
            self.sdk_only,
            if classes.is_empty() {
                "none".to_owned()
            } else {
                classes.join(", ")
            }
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rest::{Multipart, RestRequest};
    use crate::rpc::{encode_pairs, RpcRequest};

    const AK: &str = "ak";
    const SK: &str = "sk";

    fn creds() -> Credentials {
        Credentials::access_key(AK, SK).with_project_id("p1")
    }

    /// What an SDK would have recorded: `req` signed (our signer, checked against the SDKs by
    /// the fixtures), as captured on the wire.
    fn recorded(mut req: PreparedRequest, scheme: SignatureScheme) -> RecordedRequest {
        let creds = creds();
        sign_request(
            &mut req,
            &SignContext {
                scheme,
                credentials: &creds,
                host: "wire.test",
                base_path: "",
                time: UtcTime::parse_iso8601("2026-01-02T03:04:05Z").unwrap(),
                nonce: "n-1",
            },
        )
        .unwrap();
        let mut headers: BTreeMap<String, String> = req
            .headers
            .iter()
            .map(|(k, v)| (k.to_ascii_lowercase(), v.clone()))
            .collect();
        headers.insert("host".into(), "wire.test".into());
        RecordedRequest {
            method: req.method.to_string(),
            path: req.path.clone(),
            query: encode_pairs(&req.query),
            headers,
            body: Some(String::from_utf8(req.body.clone()).unwrap()),
            body_base64: None,
        }
    }

    fn fixture(op: &str, signer: &str, sdk: RecordedRequest) -> Fixture {
        Fixture {
            service: "svc".into(),
            sdk: "sdk 1.0".into(),
            runtime: String::new(),
            credentials: FixtureCredentials {
                access_key_id: AK.into(),
                secret: SK.into(),
                project_id: Some("p1".into()),
            },
            operations: vec![RecordedOperation {
                op: op.into(),
                sdk_method: None,
                via: None,
                input: Map::new(),
                spec_only: vec![],
                sdk_only: vec![],
                requests: BTreeMap::from([(signer.to_owned(), sdk)]),
            }],
        }
    }

    fn tag_resources(tag_value: &str) -> PreparedRequest {
        RpcRequest::new("TagResources", "2019-09-16")
            .param("RegionId", "cn-hangzhou")
            .flat(
                "Tag",
                &serde_json::json!([{"Key": "env", "Value": tag_value}]),
            )
            .unwrap()
            .into_prepared()
    }

    fn classes(r: &Report) -> Vec<(&'static str, String)> {
        r.differences
            .iter()
            .map(|d| (d.class, d.key.clone()))
            .collect()
    }

    #[test]
    fn the_same_request_has_no_difference_and_the_sdks_signature() {
        for (signer, scheme) in [
            ("v1", SignatureScheme::AlibabaV1),
            ("v3", SignatureScheme::AlibabaV3),
        ] {
            let f = fixture(
                "TagResources",
                signer,
                recorded(tag_resources("prod"), scheme),
            );
            let r = replay(&f, &|_, _| Some(Ok(tag_resources("prod"))));
            assert_eq!(classes(&r), vec![], "{signer}");
            assert_eq!((r.identical, r.same_signature), (1, 1), "{signer}");
        }
    }

    #[test]
    fn parameter_differences_are_found_by_name_and_value() {
        let sdk = recorded(tag_resources("prod"), SignatureScheme::AlibabaV3);
        let r = replay(&fixture("TagResources", "v3", sdk.clone()), &|_, _| {
            Some(Ok(tag_resources("test")))
        });
        assert_eq!(classes(&r), vec![("parameter-value", "Tag.N.Value".into())]);
        assert_eq!(r.same_signature, 0);
        let r = replay(&fixture("TagResources", "v3", sdk), &|_, _| {
            Some(Ok(RpcRequest::new("TagResources", "2019-09-16")
                .param("RegionId", "cn-hangzhou")
                .param("Region", "x")
                .into_prepared()))
        });
        let mut got = classes(&r);
        got.sort();
        assert_eq!(
            got,
            vec![
                ("parameter-extra", "Region".into()),
                ("parameter-missing", "Tag.N.Key".into()),
                ("parameter-missing", "Tag.N.Value".into()),
            ]
        );
    }

    #[test]
    fn a_rest_request_without_the_sdks_content_type_is_a_signed_header_difference() {
        let get = || {
            RestRequest::new("ShowInstance", "GET", "/v2/{project_id}/instances/{id}")
                .path("id", "i-1")
                .into_prepared()
                .unwrap()
        };
        let sdk = recorded(get(), SignatureScheme::HuaweiAkSk);
        assert_eq!(sdk.header("content-type"), Some("application/json"));
        let r = replay(&fixture("ShowInstance", "huawei", sdk.clone()), &|_, _| {
            Some(Ok(get()))
        });
        assert_eq!(classes(&r), vec![]);
        // Before the fix: no Content-Type on bodyless requests.
        let r = replay(&fixture("ShowInstance", "huawei", sdk), &|_, _| {
            let mut old = get();
            old.content_type = None;
            Some(Ok(old))
        });
        assert_eq!(
            classes(&r),
            vec![("signed-header-missing", "content-type".into())]
        );
    }

    #[test]
    fn json_bodies_compare_as_values_and_multipart_bodies_by_part() {
        let post = |body: Value| {
            RestRequest::new("Create", "POST", "/v2/x")
                .json(&body)
                .unwrap()
                .into_prepared()
                .unwrap()
        };
        let spaced = "{\"a\": 1, \"b\": [true]}".to_owned();
        let mut resigned = recorded(
            post(serde_json::json!({"a": 1, "b": [true]})),
            SignatureScheme::HuaweiAkSk,
        );
        resigned.body = Some(spaced);
        let mut input = resigned.clone();
        let q = input.query_pairs();
        let h = input.header_pairs();
        let body = input.body_bytes();
        let s = huawei::sign(&sign_input(&input, &q, &h, &body), AK, SK);
        input
            .headers
            .insert("authorization".into(), s.authorization);
        let r = replay(&fixture("Create", "huawei", input.clone()), &|_, _| {
            Some(Ok(post(serde_json::json!({"b": [true], "a": 1.0}))))
        });
        assert_eq!(classes(&r), vec![]);
        assert_eq!(r.same_signature, 1);
        let r = replay(&fixture("Create", "huawei", input), &|_, _| {
            Some(Ok(post(serde_json::json!({"a": 1, "c": [true]}))))
        });
        let mut got = classes(&r);
        got.sort();
        assert_eq!(got, vec![("body", "/b".into()), ("body", "/c".into())]);

        let upload = |boundary: &str, data: &str| {
            RestRequest::new("Upload", "POST", "/v1/f")
                .multipart(Multipart::with_boundary(boundary).file(
                    "f",
                    "a.json",
                    "application/json",
                    data.as_bytes().to_vec(),
                ))
                .into_prepared()
                .unwrap()
        };
        let sdk = recorded(upload("B1", "{}"), SignatureScheme::HuaweiAkSk);
        let r = replay(&fixture("Upload", "huawei", sdk.clone()), &|_, _| {
            Some(Ok(upload("B2", "{}")))
        });
        assert_eq!(classes(&r), vec![]);
        let r = replay(&fixture("Upload", "huawei", sdk), &|_, _| {
            Some(Ok(upload("B2", "[]")))
        });
        assert_eq!(
            classes(&r),
            vec![("multipart", "f".into()), ("multipart", "f".into())]
        );
    }

    #[test]
    fn a_signature_our_signer_cannot_reproduce_is_reported() {
        let mut sdk = recorded(tag_resources("prod"), SignatureScheme::AlibabaV1);
        sdk.query = sdk.query.replace("Signature=", "Signature=x");
        let r = replay(&fixture("TagResources", "v1", sdk), &|_, _| {
            Some(Ok(tag_resources("prod")))
        });
        assert!(classes(&r).contains(&("signer", "signature".into())));
        assert!(classes(&r).contains(&("signature", "-".into())));
    }

    #[test]
    fn listed_differences_pass_unlisted_and_stale_ones_fail() {
        let sdk = recorded(tag_resources("prod"), SignatureScheme::AlibabaV3);
        let r = replay(&fixture("TagResources", "v3", sdk), &|_, _| {
            Some(Ok(tag_resources("test")))
        });
        let dir = std::env::temp_dir().join(format!("apigen-wire-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("expected.json");
        let write = |v: Value| std::fs::write(&path, v.to_string()).unwrap();
        write(
            serde_json::json!([{"service": "svc", "class": "parameter-value", "key": "Tag.N.Value", "ops": ["TagResources"], "reason": "r"}]),
        );
        assert!(r.check_expected(&path).is_ok());
        write(serde_json::json!([]));
        let e = r.check_expected(&path).unwrap_err();
        assert!(
            matches!(&e, WireError::Unexpected { service, problems, .. } if service == "svc" && problems.contains("not listed")),
            "{e:?}"
        );
        assert!(e.to_string().starts_with(&format!(
            "svc: the client's requests differ from sdk 1.0 other than {} lists:\n  not listed: svc TagResources",
            path.display()
        )));
        write(serde_json::json!([
            {"service": "svc", "class": "parameter-value", "reason": "r"},
            {"service": "svc", "class": "method", "reason": "gone"}
        ]));
        assert!(r
            .check_expected(&path)
            .unwrap_err()
            .to_string()
            .contains("stale"));
        write(serde_json::json!([
            {"service": "svc", "class": "parameter-value", "reason": "r"},
            {"service": "svc", "class": "method", "reason": "fixed soon", "pending_fix": "a correction"}
        ]));
        assert!(r.check_expected(&path).is_ok());
        std::fs::write(&path, "[{\"service\": 1}]").unwrap();
        let e = r.check_expected(&path).unwrap_err();
        assert!(
            matches!(&e, WireError::Json { path: p, source } if p == &path && source.line() == 1),
            "{e:?}"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// A recording that is missing or not JSON names the file (and how to record it); an
    /// input the client's model refuses is a `model` difference, an encoder's refusal an
    /// `encode` one, each with the typed cause.
    #[test]
    fn unreadable_recordings_and_refused_inputs() {
        use std::error::Error as _;
        let dir = tempfile::tempdir().unwrap();
        let none = |_: &str, _: Value| None;
        let e = replay_service(dir.path(), "svc", &none).unwrap_err();
        assert!(
            matches!(&e, WireError::Recording { path, .. } if path == &dir.path().join("svc.json"))
        );
        assert!(
            e.to_string()
                .ends_with("(record it with scripts/record-wire.sh)"),
            "{e}"
        );
        assert_eq!(
            e.source()
                .and_then(|s| s.downcast_ref::<std::io::Error>())
                .map(|s| s.kind()),
            Some(std::io::ErrorKind::NotFound)
        );
        std::fs::write(dir.path().join("svc.json"), "{}").unwrap();
        let e = replay_service(dir.path(), "svc", &none).unwrap_err();
        assert!(matches!(e, WireError::Json { .. }), "{e:?}");

        #[derive(serde::Deserialize)]
        struct Req {
            #[serde(rename = "Size")]
            _size: u32,
        }
        fn refuse(_: &Req) -> Result<PreparedRequest, crate::Error> {
            Err(crate::Error::InvalidRequest(
                crate::RequestError::EmptyRegion,
            ))
        }
        let f = fixture(
            "TagResources",
            "v3",
            recorded(tag_resources("prod"), SignatureScheme::AlibabaV3),
        );
        let model = replay(&f, &|_, _| {
            Some(encode_with(serde_json::json!({"Size": "big"}), refuse))
        });
        let encode = replay(&f, &|_, _| {
            Some(encode_with(serde_json::json!({"Size": 1}), refuse))
        });
        let first = |r: &Report| {
            let d = &r.differences[0];
            (d.class, d.detail.clone())
        };
        let (class, detail) = first(&model);
        assert_eq!(class, "model");
        assert!(
            detail.starts_with("model: invalid type: string \"big\""),
            "{detail}"
        );
        assert_eq!(
            first(&encode),
            (
                "encode",
                "encode: invalid request: empty region id".to_owned()
            )
        );
    }

    #[test]
    fn repeat_list_indexes_fold_into_one_key() {
        assert_eq!(param_key("Tag.12.Key"), "Tag.N.Key");
        assert_eq!(param_key("ResourceId.1"), "ResourceId.N");
        assert_eq!(param_key("PageSize"), "PageSize");
    }
}
