//! Bodies of the fuzz targets. Each takes arbitrary bytes and must neither panic nor break
//! the property it states. The fuzz binaries (`fuzz_targets/*.rs`) call them under libFuzzer;
//! `tests/fuzz_smoke.rs` includes this file and runs every body over its seed corpus
//! (`fuzz/corpus/<target>/`) and the crash regressions (`fuzz/regressions/<target>/`), so the
//! normal test suite exercises them without a fuzzer.

use apigen::extract::{self, tables::Document};
use apigen::spec::{load, validate};
use apigen_runtime::clock::UtcTime;
use apigen_runtime::rpc::{encode_pairs, parse_form};
use apigen_runtime::schema::ServiceSchema;
use apigen_runtime::server::params::Params;
use apigen_runtime::server::validate as checks;
use apigen_runtime::sign::verify::{
    verify_alibaba_v1, verify_alibaba_v3, verify_any, verify_huawei, ReplayCache, VerifyConfig,
};
use apigen_runtime::sign::{alibaba_v1, alibaba_v3, huawei, SignInput};

/// Titles that make `DocKind::detect` recognise each document; the first input byte picks
/// one (or none), so mutated inputs reach every extractor, not only the "unknown" exit.
const TITLES: [&str; 6] = [
    "微服务引擎",
    "聚石塔",
    "Message Queue for Apache Kafka",
    "Cloud Service Engine",
    "分布式消息服务 Kafka",
    "",
];

/// `doc_tables`: the document table parser (`Document::tables`, `fences`) and the whole
/// extractor on arbitrary text. Property: no panic; table line numbers stay in the document.
pub fn doc_tables(data: &[u8]) {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let title = TITLES[usize::from(pick) % TITLES.len()];
    let text = format!("{title}\n{}", String::from_utf8_lossy(rest));
    let doc = Document::new(&text);
    for t in doc.tables() {
        assert!(t.end_line() <= doc.len().max(1) + 1, "table past the end");
    }
    let _ = doc.fences();
    let _ = extract::extract("fuzz.txt", &text, None);
}

/// `spec_loader`: YAML → spec (`load_str`: parse, shape, validation) on arbitrary bytes, and
/// for any text that has the spec's shape, the validators and the OpenAPI export.
/// Property: no panic.
pub fn spec_loader(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = load::load_str("fuzz.yaml", text);
    if let Ok(spec) = load::parse_str("fuzz.yaml", text) {
        let problems = validate::validate(&spec);
        let _ = load::locate_problems("fuzz.yaml", text, &problems);
        let _ = apigen::emit::openapi::to_json_string(&apigen::emit::openapi::export(
            &apigen::emit::lower::lower_inferred(&spec),
        ));
        let _ = load::to_yaml(&spec);
    }
}

/// `rpc_decoder`: the RPC query/form decoder (`rpc::parse_form`) and the server's typed
/// reading of the decoded parameters (`server::params::Params`: scalars, repeat lists,
/// flattened structures, JSON strings), then the spec-driven check of generated servers
/// (`server::validate::rpc_input`). Properties: no panic (nor stack overflow), and
/// encoding the decoded pairs and decoding again gives the same pairs.
pub fn rpc_decoder(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let pairs = parse_form(&text);
    let again = parse_form(&encode_pairs(&pairs));
    assert_eq!(again, pairs, "decode(encode(pairs)) != pairs");

    let params = Params(pairs);
    // Every name and every dotted prefix of a name, as a generated handler would ask.
    let mut names: Vec<&str> = Vec::new();
    for (k, _) in params.0.iter().take(16) {
        names.push(k);
        for (i, c) in k.char_indices().take(64) {
            if c == '.' {
                names.push(&k[..i]);
            }
        }
    }
    for name in names {
        let _ = params.get(name);
        let _ = params.contains(name);
        let _ = params.required::<i64>(name);
        let _ = params.optional::<f64>(name);
        let _ = params.optional::<bool>(name);
        let _ = params.list::<u32>(name);
        let _ = params.list::<String>(name);
        let _ = params.flat::<serde_json::Value>(name);
        let _ = params.json::<serde_json::Value>(name);
    }

    // The generated servers' spec-driven check of the same parameters: retailcloud's schema
    // (repeat lists of objects, JSON-string parameters, enums, limits), against the operation
    // the input names in `Action`, else one picked by the input's length.
    let ops = &retailcloud_schema().operations;
    let op = params
        .get("Action")
        .and_then(|a| ops.iter().find(|o| o.id == a))
        .unwrap_or(&ops[data.len() % ops.len()]);
    if let Ok(v) = checks::rpc_input(op, &params) {
        assert!(v.is_object(), "checked input is an object");
    }
}

fn retailcloud_schema() -> &'static ServiceSchema {
    static SCHEMA: std::sync::OnceLock<ServiceSchema> = std::sync::OnceLock::new();
    SCHEMA.get_or_init(|| {
        ServiceSchema::from_json(include_str!(
            "../../generated/retailcloud-server/src/schema.json"
        ))
        .expect("the generated schema parses")
    })
}

const AK: &str = "fuzz-ak";
const SK: &str = "fuzz-secret";
/// The fixed "now" of the verifiers (2020-09-13T12:26:40Z); seeds are signed at this time.
pub const NOW: UtcTime = UtcTime(1_600_000_000);

/// A request as the verifiers see it, parsed from fuzz bytes:
/// `METHOD\nhost\n/path\nquery-string\nName: value\n…\n\nbody`.
pub struct FuzzRequest {
    pub method: String,
    pub host: String,
    pub path: String,
    pub query: Vec<(String, String)>,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl FuzzRequest {
    pub fn parse(data: &[u8]) -> FuzzRequest {
        let (head, body) = match data.windows(2).position(|w| w == b"\n\n") {
            Some(i) => (&data[..i], data[i + 2..].to_vec()),
            None => (data, Vec::new()),
        };
        let head = String::from_utf8_lossy(head);
        let mut lines = head.split('\n');
        let mut next = || lines.next().unwrap_or("").to_string();
        let method = next();
        let host = next();
        let path = next();
        let query = parse_form(&next());
        let headers = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
            .collect();
        FuzzRequest {
            method,
            host,
            path,
            query,
            headers,
            body,
        }
    }

    /// The bytes `parse` reads back as this request (used to write seeds).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut s = format!(
            "{}\n{}\n{}\n{}\n",
            self.method,
            self.host,
            self.path,
            encode_pairs(&self.query)
        );
        for (k, v) in &self.headers {
            s.push_str(&format!("{k}: {v}\n"));
        }
        s.push('\n');
        let mut out = s.into_bytes();
        out.extend_from_slice(&self.body);
        out
    }

    /// The request as the signers and verifiers take it.
    pub fn input(&self) -> SignInput<'_> {
        SignInput {
            method: &self.method,
            host: &self.host,
            path: &self.path,
            query: &self.query,
            headers: &self.headers,
            body: &self.body,
        }
    }
}

fn lookup(ak: &str) -> Option<String> {
    (ak == AK).then(|| SK.to_string())
}

/// An HTTP header name (RFC 9110 token); other names cannot be sent, so the round-trip
/// properties below only cover these.
fn is_token(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// `signature_verifiers`: every verifier on an arbitrary request (no panic), then the
/// round trip: the request signed by the runtime's signers must verify.
pub fn signature_verifiers(data: &[u8]) {
    let req = FuzzRequest::parse(data);
    let cfg = VerifyConfig::default();
    let cache = ReplayCache::new(16, std::time::Duration::from_secs(60));
    let input = req.input();
    let form = parse_form(&String::from_utf8_lossy(&req.body));
    let mut all = req.query.clone();
    all.extend(form.iter().cloned());
    let _ = verify_alibaba_v1(&req.method, &all, lookup, NOW, &cfg, Some(&cache));
    let _ = verify_alibaba_v3(&input, lookup, NOW, &cfg, Some(&cache));
    let _ = verify_huawei(&input, lookup, NOW, &cfg, Some(&cache));
    let _ = verify_any(&input, &form, lookup, NOW, &cfg, Some(&cache));

    // Round trips, on requests the signers are meant for: a method and header names that
    // are HTTP tokens, a path starting with `/`.
    if !is_token(&req.method) || !req.path.starts_with('/') {
        return;
    }
    let method = req.method.to_ascii_uppercase();

    // Alibaba v1: the operation's parameters plus the common ones, signed.
    const V1_COMMON: [&str; 7] = [
        "AccessKeyId",
        "SignatureMethod",
        "SignatureVersion",
        "SignatureNonce",
        "Timestamp",
        "Signature",
        "SecurityToken",
    ];
    if !req
        .query
        .iter()
        .any(|(k, _)| V1_COMMON.contains(&k.as_str()))
    {
        let mut params = req.query.clone();
        params.extend(alibaba_v1::common_params(AK, None, NOW, "nonce-1"));
        let s = alibaba_v1::sign(&method, &params, SK);
        params.push(("Signature".to_string(), s.signature));
        let r = verify_alibaba_v1(&method, &params, lookup, NOW, &cfg, None);
        assert!(r.is_ok(), "v1 round trip: {r:?}");
    }

    let headers_ok = req.headers.iter().all(|(k, _)| {
        let l = k.to_ascii_lowercase();
        is_token(k)
            && l != "authorization"
            && l != "host"
            && !l.starts_with("x-acs-")
            && !l.starts_with("x-sdk-")
            && !l.starts_with("x-project-id")
            && !l.starts_with("x-security-token")
    });
    if !headers_ok {
        return;
    }
    // Alibaba V3 (ACS3-HMAC-SHA256).
    let mut headers = alibaba_v3::prepare_headers(
        &req.host,
        "FuzzAction",
        "2020-01-01",
        &req.body,
        None,
        NOW,
        "nonce-3",
    );
    headers.extend(req.headers.iter().cloned());
    let signed = SignInput {
        method: &method,
        headers: &headers,
        ..req.input()
    };
    let s = alibaba_v3::sign(&signed, AK, SK);
    headers.push(("Authorization".to_string(), s.authorization));
    let signed = SignInput {
        method: &method,
        headers: &headers,
        ..req.input()
    };
    let r = verify_alibaba_v3(&signed, lookup, NOW, &cfg, None);
    assert!(r.is_ok(), "V3 round trip: {r:?}");

    // Huawei SDK-HMAC-SHA256.
    let mut headers = huawei::prepare_headers(
        &req.host,
        Some("application/json"),
        req.body.len(),
        huawei::ScopeIds::default(),
        None,
        NOW,
    );
    headers.extend(req.headers.iter().cloned());
    let signed = SignInput {
        method: &method,
        headers: &headers,
        ..req.input()
    };
    let s = huawei::sign(&signed, AK, SK);
    headers.push(("Authorization".to_string(), s.authorization));
    let signed = SignInput {
        method: &method,
        headers: &headers,
        ..req.input()
    };
    let r = verify_huawei(&signed, lookup, NOW, &cfg, None);
    assert!(r.is_ok(), "Huawei round trip: {r:?}");
}
