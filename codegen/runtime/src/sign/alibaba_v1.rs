//! Alibaba Cloud RPC signature version 1.0 (`SignatureMethod=HMAC-SHA1`).
//!
//! As documented in the MSE and Alibaba Kafka API references ("签名机制" / "Request signatures"):
//! 1. sort every request parameter except `Signature` by name, percent-encode names and values per
//!    RFC 3986 and join them as `name=value` with `&` (the canonicalized query string);
//! 2. `StringToSign = METHOD + "&" + percentEncode("/") + "&" + percentEncode(canonicalized)`;
//! 3. `Signature = Base64(HMAC-SHA1(secret + "&", StringToSign))`, sent as the `Signature`
//!    parameter.
//!
//! Parameters carried in a form body (POST) are signed together with the query parameters.

use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha1::Sha1;

use super::percent_encode_into;
use crate::clock::UtcTime;

/// Every step of a v1 signature, for golden tests and debugging.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct V1Signature {
    /// The canonicalized query string (sorted, encoded `name=value` pairs joined by `&`).
    pub canonical_query: String,
    /// `METHOD&%2F&percentEncode(canonical_query)`.
    pub string_to_sign: String,
    /// Base64 HMAC-SHA1 signature (not URL-encoded).
    pub signature: String,
}

/// The parameter carrying the signature.
pub const SIGNATURE_PARAM: &str = "Signature";

/// The parameters signature v1 adds to a request (what a verifier or an API description
/// treats as the scheme's, not the operation's).
pub const SCHEME_PARAMS: &[&str] = &[
    "AccessKeyId",
    "Signature",
    "SignatureMethod",
    "SignatureVersion",
    "SignatureNonce",
    "SignatureType",
    "Timestamp",
];

/// The common parameters a v1-signed RPC request carries besides `Action`, `Version` and `Format`:
/// `AccessKeyId`, `SignatureMethod`, `SignatureVersion`, `SignatureNonce`, `Timestamp` and, for
/// STS credentials, `SecurityToken`.
pub fn common_params(
    access_key_id: &str,
    security_token: Option<&str>,
    time: UtcTime,
    nonce: &str,
) -> Vec<(String, String)> {
    let mut p = vec![
        ("AccessKeyId".to_owned(), access_key_id.to_owned()),
        ("SignatureMethod".to_owned(), "HMAC-SHA1".to_owned()),
        ("SignatureVersion".to_owned(), "1.0".to_owned()),
        ("SignatureNonce".to_owned(), nonce.to_owned()),
        ("Timestamp".to_owned(), time.iso8601()),
    ];
    if let Some(token) = security_token {
        p.push(("SecurityToken".to_owned(), token.to_owned()));
    }
    p
}

/// Builds the canonicalized query string from all parameters (any `Signature` is skipped;
/// see [`super::canonical_query`]).
pub fn canonical_query<'a, I>(params: I) -> String
where
    I: IntoIterator<Item = &'a (String, String)>,
{
    super::canonical_query(params.into_iter().filter(|(k, _)| k != SIGNATURE_PARAM))
}

/// `METHOD&%2F&percentEncode(canonical_query)`.
pub fn string_to_sign(method: &str, canonical_query: &str) -> String {
    let mut s = String::with_capacity(method.len() + 4 + canonical_query.len() * 5 / 4);
    s.push_str(method);
    s.push_str("&%2F&");
    percent_encode_into(&mut s, canonical_query);
    s
}

/// `Base64(HMAC-SHA1(secret + "&", string_to_sign))`.
pub fn signature(access_key_secret: &str, string_to_sign: &str) -> String {
    let mut mac = Hmac::<Sha1>::new_from_slice(format!("{access_key_secret}&").as_bytes())
        .expect("HMAC takes any key length");
    mac.update(string_to_sign.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// Signs `params` (query and form parameters together) for `method`.
pub fn sign<'a, I>(method: &str, params: I, access_key_secret: &str) -> V1Signature
where
    I: IntoIterator<Item = &'a (String, String)>,
{
    let canonical_query = canonical_query(params);
    let string_to_sign = string_to_sign(method, &canonical_query);
    let signature = signature(access_key_secret, &string_to_sign);
    V1Signature {
        canonical_query,
        string_to_sign,
        signature,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(q: &str) -> Vec<(String, String)> {
        q.split('&')
            .map(|kv| {
                let (k, v) = kv.split_once('=').unwrap();
                (k.to_owned(), v.to_owned())
            })
            .collect()
    }

    /// Worked example of the MSE reference ("签名机制", alibaba-mse-api-20210223.txt L255-273):
    /// DescribeRegions, AccessKey `testid`/`testsecret`. The document does not name the method;
    /// the printed signature holds for GET (and only for GET).
    #[test]
    fn mse_document_example_is_get() {
        let p = params("Timestamp=2016-02-23T12:46:24Z&Format=XML&AccessKeyId=testid&Action=DescribeRegions&SignatureMethod=HMAC-SHA1&SignatureNonce=3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf&Version=2014-05-26&SignatureVersion=1.0");
        let s = sign("GET", &p, "testsecret");
        assert_eq!(
            s.string_to_sign,
            "GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeRegions%26Format%3DXML%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf%26SignatureVersion%3D1.0%26Timestamp%3D2016-02-23T12%253A46%253A24Z%26Version%3D2014-05-26"
        );
        assert_eq!(s.signature, "OLeaidS1JvxuMvnyHOwuJ+uX5qY=");
        assert_ne!(sign("POST", &p, "testsecret").signature, s.signature);
    }

    /// The Alibaba Kafka reference (alibaba-alikafka-api-20201111.txt L500-529) is WRONG: it signs
    /// `POST` + `Action=GetInstanceList` but prints the MSE/DescribeRegions GET value
    /// `OLeaidS1JvxuMvnyHOwuJ+uX5qY=`, and its printed string to sign uses raw `&` separators.
    /// The correct POST signature of its parameters is `5YSSssLAsjKVdv1z0eV3A2a8zaY=`.
    #[test]
    fn alikafka_document_example_is_wrong() {
        let p = params("Timestamp=2016-02-23T12:46:24Z&Format=XML&AccessKeyId=testid&Action=GetInstanceList&SignatureMethod=HMAC-SHA1&SignatureNonce=3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf&Version=2014-05-26&SignatureVersion=1.0");
        let post = sign("POST", &p, "testsecret");
        assert_eq!(post.signature, "5YSSssLAsjKVdv1z0eV3A2a8zaY=");
        assert_ne!(post.signature, "OLeaidS1JvxuMvnyHOwuJ+uX5qY=");
        // Nor is the claimed value right for GET: it belongs to DescribeRegions, not GetInstanceList.
        assert_ne!(
            sign("GET", &p, "testsecret").signature,
            "OLeaidS1JvxuMvnyHOwuJ+uX5qY="
        );
        // The document's string to sign (L515-517, line breaks removed) is not what the algorithm
        // gives: its pair separators are raw `&` instead of `%26`.
        let printed = "POST&%2F&AccessKeyId%3Dtestid&Action%3DGetInstanceList&Format%3DXML&SignatureMethod%3DHMAC-SHA1&SignatureNonce%3D3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf&SignatureVersion%3D1.0&Timestamp%3D2016-02-23T12%253A46%253A24Z&Version%3D2014-05-26";
        assert_ne!(post.string_to_sign, printed);
        assert_eq!(
            post.string_to_sign,
            printed.replace("&", "%26").replacen("%26", "&", 2)
        );
        assert_eq!(
            signature("testsecret", printed),
            "Jc4mal7trInaPhatvcR74heafqQ="
        );
    }

    #[test]
    fn encodes_space_star_tilde_and_utf8() {
        let p = vec![
            ("b".to_owned(), "a b*c~".to_owned()),
            ("a".to_owned(), "杭州".to_owned()),
            ("Signature".to_owned(), "ignored".to_owned()),
        ];
        assert_eq!(canonical_query(&p), "a=%E6%9D%AD%E5%B7%9E&b=a%20b%2Ac~");
    }
}
