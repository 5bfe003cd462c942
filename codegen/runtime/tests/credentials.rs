//! Every credential provider against fake services on 127.0.0.1 (metadata services, STS, IAM),
//! the cache (expiry, refresh, one refresh under concurrency), the vendors' default chains over
//! a temporary HOME, a user's own provider in a client, and the Huawei project id lookup.

mod fake;

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use apigen_runtime::clock::UtcTime;
use apigen_runtime::credentials::{
    alibaba, huawei, provide_credentials_fn, CachedProvider, ChainProvider, CredentialsError,
    CredentialsFuture, Environment, ProvideCredentials, ProviderContext, SharedCredentialsProvider,
};
use apigen_runtime::rest::RestRequest;
use apigen_runtime::sign::verify::{verify_alibaba_v1, verify_huawei, VerifyConfig};
use apigen_runtime::sign::SignInput;
use apigen_runtime::{Client, ClientConfig, Credentials, Endpoint, Error, SignatureScheme};
use fake::{answer, expiry_in, ok, start};

fn env(pairs: &[(&str, &str)]) -> Environment {
    Environment::from_pairs(
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect::<Vec<_>>(),
    )
}

fn ctx(pairs: &[(&str, &str)]) -> ProviderContext {
    ProviderContext::new().with_env(env(pairs))
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn key(c: &Credentials) -> (&str, &str, Option<&str>) {
    let k = c.access_key.as_ref().expect("access key");
    (&k.id, &k.secret, k.security_token.as_deref())
}

fn sts_answer(id: &str, expires_in: i64) -> String {
    format!(
        r#"{{"RequestId":"r","Credentials":{{"AccessKeyId":"{id}","AccessKeySecret":"stssecret","SecurityToken":"ststoken","Expiration":"{}"}}}}"#,
        expiry_in(expires_in)
    )
}

/// A fake Alibaba STS that verifies the v1 signature of `AssumeRole` against `secrets`.
async fn alibaba_sts(secrets: &'static [(&'static str, &'static str)]) -> fake::Fake {
    start(move |s| {
        let mut params = s.query.clone();
        params.extend(s.form());
        let action = params.iter().find(|(k, _)| k == "Action").map(|(_, v)| v.as_str());
        match action {
            Some("AssumeRole") => {
                let lookup = |id: &str| {
                    secrets
                        .iter()
                        .find(|(k, _)| *k == id)
                        .map(|(_, v)| v.to_string())
                };
                match verify_alibaba_v1(
                    &s.method,
                    &params,
                    lookup,
                    UtcTime::now(),
                    &VerifyConfig::default(),
                    None,
                ) {
                    Ok(v) => ok(sts_answer(&format!("STS.{}", v.access_key_id), 3600)),
                    Err(e) => answer(
                        400,
                        serde_json::json!({"Code": "SignatureDoesNotMatch", "Message": e.to_string()})
                            .to_string(),
                    ),
                }
            }
            Some("AssumeRoleWithOIDC") => {
                let token = params.iter().find(|(k, _)| k == "OIDCToken").map(|(_, v)| v.clone());
                if params.iter().any(|(k, _)| k == "Signature") {
                    return answer(400, r#"{"Code":"Unexpected signature"}"#);
                }
                ok(sts_answer(&format!("STS.oidc.{}", token.unwrap_or_default()), 3600))
            }
            _ => answer(404, r#"{"Code":"InvalidAction"}"#),
        }
    })
    .await
}

// ----------------------------------------------------------------------------------- Alibaba

#[tokio::test]
async fn alibaba_env_provider_reads_the_sdk_variables() {
    let p = alibaba::EnvProvider::new(&ctx(&[
        ("ALIBABA_CLOUD_ACCESS_KEY_ID", "LTAIenv"),
        ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "s"),
        ("ALIBABA_CLOUD_SECURITY_TOKEN", "t"),
    ]));
    let c = p.provide_credentials().await.unwrap();
    assert_eq!(key(&c), ("LTAIenv", "s", Some("t")));
    let none = alibaba::EnvProvider::new(&ctx(&[("ALIBABA_CLOUD_ACCESS_KEY_ID", "x")]));
    assert!(matches!(
        none.provide_credentials().await,
        Err(Error::Credentials(_))
    ));
}

#[tokio::test]
async fn alibaba_ini_profile_access_key_and_ram_role_arn_against_fake_sts() {
    static SECRETS: &[(&str, &str)] = &[("LTAIsource", "sourcesecret")];
    let sts = alibaba_sts(SECRETS).await;
    let home = tempfile::tempdir().unwrap();
    write(
        &home.path().join(".alibabacloud/credentials"),
        "[default]\ntype = access_key\naccess_key_id = LTAIplain\naccess_key_secret = plainsecret # comment\n\n\
         [role]\ntype = ram_role_arn\naccess_key_id = LTAIsource\naccess_key_secret = sourcesecret\n\
         role_arn = acs:ram::1:role/r\nrole_session_name = sess\n",
    );
    let h = home.path().to_str().unwrap();
    let c = alibaba::ProfileProvider::new(&ctx(&[("HOME", h)]))
        .provide_credentials()
        .await
        .unwrap();
    assert_eq!(key(&c), ("LTAIplain", "plainsecret", None));

    let cx = ctx(&[("HOME", h), ("ALIBABA_CLOUD_PROFILE", "role")]).with_sts_endpoint(&sts.url);
    let c = alibaba::ProfileProvider::new(&cx)
        .provide_credentials()
        .await
        .unwrap();
    assert_eq!(key(&c), ("STS.LTAIsource", "stssecret", Some("ststoken")));
    assert!(c.expires_at.unwrap() > SystemTime::now() + Duration::from_secs(3000));
    let seen = &sts.requests()[0];
    assert_eq!(seen.method, "GET");
    assert_eq!(seen.query("RoleArn"), Some("acs:ram::1:role/r"));
    assert_eq!(seen.query("RoleSessionName"), Some("sess"));
    assert_eq!(seen.query("Version"), Some("2015-04-01"));

    // A wrong source secret is refused by the (verifying) fake STS, and the error says so.
    write(
        &home.path().join(".alibabacloud/credentials"),
        "[default]\ntype = ram_role_arn\naccess_key_id = LTAIsource\naccess_key_secret = wrong\nrole_arn = acs:ram::1:role/r\n",
    );
    let err = alibaba::ProfileProvider::new(&ctx(&[("HOME", h)]).with_sts_endpoint(&sts.url))
        .provide_credentials()
        .await
        .unwrap_err();
    assert!(err.to_string().contains("SignatureDoesNotMatch"), "{err}");

    let unsupported = tempfile::tempdir().unwrap();
    write(
        &unsupported.path().join(".alibabacloud/credentials.ini"),
        "[default]\ntype = bearer\n",
    );
    let err =
        alibaba::ProfileProvider::new(&ctx(&[("HOME", unsupported.path().to_str().unwrap())]))
            .provide_credentials()
            .await
            .unwrap_err();
    assert!(err.to_string().contains("unsupported type"), "{err}");
}

#[tokio::test]
async fn alibaba_cli_config_modes() {
    static SECRETS: &[(&str, &str)] = &[("LTAIcli", "clisecret"), ("STS.LTAIcli", "stssecret")];
    let sts = alibaba_sts(SECRETS).await;
    let home = tempfile::tempdir().unwrap();
    write(
        &home.path().join(".aliyun/config.json"),
        r#"{"current": "ak", "profiles": [
            {"name": "ak", "mode": "AK", "access_key_id": "LTAIcli", "access_key_secret": "clisecret"},
            {"name": "sts", "mode": "StsToken", "access_key_id": "STS.x", "access_key_secret": "s", "sts_token": "tok"},
            {"name": "role", "mode": "RamRoleArn", "access_key_id": "LTAIcli", "access_key_secret": "clisecret",
             "ram_role_arn": "acs:ram::1:role/a", "ram_session_name": "cli", "expired_seconds": 900},
            {"name": "chained", "mode": "ChainableRamRoleArn", "source_profile": "role", "ram_role_arn": "acs:ram::1:role/b"},
            {"name": "sso", "mode": "CloudSSO"}
        ]}"#,
    );
    let h = home.path().to_str().unwrap();
    let get = |profile: &'static str| {
        let cx = if profile.is_empty() {
            ctx(&[("HOME", h)])
        } else {
            ctx(&[("HOME", h), ("ALIBABA_CLOUD_PROFILE", profile)])
        }
        .with_sts_endpoint(&sts.url);
        async move {
            alibaba::CliProfileProvider::new(&cx)
                .provide_credentials()
                .await
        }
    };
    assert_eq!(key(&get("").await.unwrap()), ("LTAIcli", "clisecret", None));
    assert_eq!(key(&get("sts").await.unwrap()), ("STS.x", "s", Some("tok")));
    assert_eq!(key(&get("role").await.unwrap()).0, "STS.LTAIcli");
    assert_eq!(sts.requests()[0].query("DurationSeconds"), Some("900"));
    // The chained role is assumed with the first role's temporary keys.
    assert_eq!(key(&get("chained").await.unwrap()).0, "STS.STS.LTAIcli");
    let last = sts.requests().last().unwrap().clone();
    assert_eq!(last.query("RoleArn"), Some("acs:ram::1:role/b"));
    assert_eq!(last.query("SecurityToken"), Some("ststoken"));
    let err = get("sso").await.unwrap_err().to_string();
    assert!(err.contains("not supported"), "{err}");
    // The error is typed: the source, the file, and what is wrong with which profile.
    let config = home.path().join(".aliyun/config.json");
    let profile_error = |e: Error| match e {
        Error::Credentials(CredentialsError::Profile {
            provider: "cli_profile",
            path,
            source,
        }) if path == config => source,
        other => panic!("{other:?}"),
    };
    assert_eq!(
        profile_error(get("sso").await.unwrap_err()),
        alibaba::ProfileError::UnsupportedMode {
            profile: "sso".into(),
            mode: "CloudSSO".into()
        }
    );
    assert_eq!(
        profile_error(get("nobody").await.unwrap_err()),
        alibaba::ProfileError::NoProfile {
            profile: "nobody".into()
        }
    );
    write(
        &config,
        r#"{"current": "half", "profiles": [{"name": "half", "mode": "AK", "access_key_id": "LTAIcli"}]}"#,
    );
    let e = get("").await.unwrap_err();
    assert_eq!(
        e.to_string(),
        format!(
            "credentials: cli_profile: {}: profile \"half\" has no access_key_secret",
            config.display()
        )
    );
    assert!(matches!(
        profile_error(e),
        alibaba::ProfileError::Missing {
            member: "access_key_secret",
            ..
        }
    ));
    let off = alibaba::CliProfileProvider::new(&ctx(&[
        ("HOME", h),
        ("ALIBABA_CLOUD_CLI_PROFILE_DISABLED", "true"),
    ]));
    assert!(off.provide_credentials().await.is_err());
}

fn ecs_metadata(token_supported: bool) -> impl Fn(&fake::Seen) -> fake::Answer + Send + Sync {
    move |s| match (s.method.as_str(), s.path.as_str()) {
        ("PUT", "/latest/api/token") if token_supported => {
            assert_eq!(
                s.header("x-aliyun-ecs-metadata-token-ttl-seconds"),
                Some("21600")
            );
            ok("imds-token")
        }
        ("PUT", _) => answer(404, "not found"),
        ("GET", path) => {
            if token_supported && s.header("x-aliyun-ecs-metadata-token") != Some("imds-token") {
                return answer(401, "token required");
            }
            match path {
                "/latest/meta-data/ram/security-credentials/" => ok("EcsRole"),
                "/latest/meta-data/ram/security-credentials/EcsRole" => ok(format!(
                    r#"{{"AccessKeyId":"STS.ecs","AccessKeySecret":"ecssecret","Expiration":"{}","SecurityToken":"ecstoken","LastUpdated":"x","Code":"Success"}}"#,
                    expiry_in(6 * 3600)
                )),
                _ => answer(404, "no such role"),
            }
        }
        _ => answer(405, ""),
    }
}

#[tokio::test]
async fn alibaba_ecs_ram_role_with_imdsv2_token_and_v1_fallback() {
    let md = start(ecs_metadata(true)).await;
    let cx = ctx(&[]).with_metadata_endpoint(&md.url);
    let c = alibaba::EcsRamRoleProvider::new(&cx)
        .provide_credentials()
        .await
        .unwrap();
    assert_eq!(key(&c), ("STS.ecs", "ecssecret", Some("ecstoken")));
    let paths: Vec<String> = md
        .requests()
        .iter()
        .map(|s| format!("{} {}", s.method, s.path))
        .collect();
    assert_eq!(
        paths,
        [
            "PUT /latest/api/token",
            "GET /latest/meta-data/ram/security-credentials/",
            "GET /latest/meta-data/ram/security-credentials/EcsRole"
        ]
    );
    // A role named by ALIBABA_CLOUD_ECS_METADATA skips the role lookup.
    let named = start(ecs_metadata(true)).await;
    alibaba::EcsRamRoleProvider::new(
        &ctx(&[("ALIBABA_CLOUD_ECS_METADATA", "EcsRole")]).with_metadata_endpoint(&named.url),
    )
    .provide_credentials()
    .await
    .unwrap();
    assert_eq!(named.requests().len(), 2);

    // No token service: IMDSv1 unless disabled.
    let v1 = start(ecs_metadata(false)).await;
    let c = alibaba::EcsRamRoleProvider::new(&ctx(&[]).with_metadata_endpoint(&v1.url))
        .provide_credentials()
        .await
        .unwrap();
    assert_eq!(key(&c).0, "STS.ecs");
    let err = alibaba::EcsRamRoleProvider::new(
        &ctx(&[("ALIBABA_CLOUD_IMDSV1_DISABLED", "true")]).with_metadata_endpoint(&v1.url),
    )
    .provide_credentials()
    .await
    .unwrap_err();
    assert!(err.to_string().contains("metadata token"), "{err}");
}

#[tokio::test]
async fn alibaba_oidc_role_arn_reads_the_token_file_each_refresh() {
    let sts = alibaba_sts(&[]).await;
    let dir = tempfile::tempdir().unwrap();
    let token = dir.path().join("token");
    std::fs::write(&token, "jwt-1\n").unwrap();
    let t = token.to_str().unwrap();
    let cx = ctx(&[
        ("ALIBABA_CLOUD_ROLE_ARN", "acs:ram::1:role/rrsa"),
        (
            "ALIBABA_CLOUD_OIDC_PROVIDER_ARN",
            "acs:ram::1:oidc-provider/ack",
        ),
        ("ALIBABA_CLOUD_OIDC_TOKEN_FILE", t),
    ])
    .with_sts_endpoint(&sts.url);
    let p = alibaba::OidcRoleArnProvider::from_env(&cx);
    assert_eq!(
        key(&p.provide_credentials().await.unwrap()).0,
        "STS.oidc.jwt-1"
    );
    std::fs::write(&token, "jwt-2").unwrap();
    assert_eq!(
        key(&p.provide_credentials().await.unwrap()).0,
        "STS.oidc.jwt-2"
    );
    let s = &sts.requests()[0];
    assert_eq!(s.method, "POST");
    assert_eq!(s.query("Action"), Some("AssumeRoleWithOIDC"));
    let form = s.form();
    assert!(form.contains(&(
        "OIDCProviderArn".into(),
        "acs:ram::1:oidc-provider/ack".into()
    )));
    assert!(form.contains(&("RoleArn".into(), "acs:ram::1:role/rrsa".into())));
    // And the default chain picks it (second, after the environment keys).
    let chain = alibaba::default_chain_with(&cx);
    assert_eq!(chain.provider_names()[..2], ["env", "oidc_role_arn"]);
    chain.provide().await.unwrap();
    assert_eq!(chain.last_used(), Some("oidc_role_arn"));
}

#[tokio::test]
async fn alibaba_credentials_uri() {
    let srv = start(|s| {
        assert_eq!(s.query("role"), Some("app"));
        ok(format!(
            r#"{{"Code":"Success","AccessKeyId":"STS.uri","AccessKeySecret":"u","SecurityToken":"t","Expiration":"{}"}}"#,
            expiry_in(900)
        ))
    })
    .await;
    let uri = format!("{}/creds?role=app", srv.url);
    let cx = ctx(&[
        ("ALIBABA_CLOUD_CREDENTIALS_URI", uri.as_str()),
        ("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true"),
        ("ALIBABA_CLOUD_CLI_PROFILE_DISABLED", "true"),
    ]);
    let chain = alibaba::default_chain_with(&cx);
    assert_eq!(
        chain.provider_names(),
        ["env", "cli_profile", "profile", "credentials_uri"]
    );
    assert_eq!(key(&chain.provide().await.unwrap()).0, "STS.uri");
    assert_eq!(srv.requests()[0].path, "/creds");
    let bad = start(|_| ok(r#"{"Code":"Failed"}"#)).await;
    let err = alibaba::UriProvider::new(&cx, &bad.url)
        .provide_credentials()
        .await
        .unwrap_err();
    assert!(err.to_string().contains("Success"), "{err}");
}

#[tokio::test]
async fn alibaba_default_chain_order_env_then_cli_then_ini() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path().to_str().unwrap();
    write(
        &home.path().join(".alibabacloud/credentials"),
        "[default]\ntype = access_key\naccess_key_id = LTAIini\naccess_key_secret = s\n",
    );
    let base = [("HOME", h), ("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true")];
    let chain = alibaba::default_chain_with(&ctx(&base));
    assert_eq!(chain.provider_names(), ["env", "cli_profile", "profile"]);
    assert_eq!(key(&chain.provide().await.unwrap()).0, "LTAIini");
    write(
        &home.path().join(".aliyun/config.json"),
        r#"{"current":"p","profiles":[{"name":"p","mode":"AK","access_key_id":"LTAIcli","access_key_secret":"s"}]}"#,
    );
    let chain = alibaba::default_chain_with(&ctx(&base));
    assert_eq!(key(&chain.provide().await.unwrap()).0, "LTAIcli");
    let mut with_env = base.to_vec();
    with_env.extend([
        ("ALIBABA_CLOUD_ACCESS_KEY_ID", "LTAIenv"),
        ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "s"),
    ]);
    let chain = alibaba::default_chain_with(&ctx(&with_env));
    assert_eq!(key(&chain.provide().await.unwrap()).0, "LTAIenv");
    // Nothing anywhere: one error naming every provider.
    let empty = tempfile::tempdir().unwrap();
    let chain = alibaba::default_chain_with(&ctx(&[
        ("HOME", empty.path().to_str().unwrap()),
        ("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true"),
    ]));
    let err = chain.provide().await.unwrap_err();
    let text = err.to_string();
    for name in ["env:", "cli_profile:", "profile:"] {
        assert!(text.contains(name), "{text}");
    }
    // Typed: every source tried, in order, each with its own error naming it.
    let Error::Credentials(
        e @ CredentialsError::Chain {
            chain: "Alibaba Cloud default",
            tried,
        },
    ) = &err
    else {
        panic!("{err:?}")
    };
    assert_eq!(
        e.tried().collect::<Vec<_>>(),
        ["env", "cli_profile", "profile"]
    );
    // The environment names no source of its own (the variables say it); the files do.
    assert!(
        matches!(&tried[0].1, Error::Credentials(CredentialsError::Environment { required, or: None }) if required[0] == "ALIBABA_CLOUD_ACCESS_KEY_ID")
            && tried[0]
                .1
                .to_string()
                .contains("set ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET"),
        "{tried:?}"
    );
    for (name, why) in &tried[1..] {
        match why {
            Error::Credentials(CredentialsError::Source { provider, .. }) => {
                assert_eq!(provider, name)
            }
            other => panic!("{name}: {other:?}"),
        }
    }
    assert!(
        text.starts_with("credentials: no provider of the Alibaba Cloud default chain has credentials (env: credentials: set ALIBABA_CLOUD_ACCESS_KEY_ID"),
        "{text}"
    );
}

// ------------------------------------------------------------------------------------ Huawei

#[tokio::test]
async fn huawei_env_and_profile() {
    let c = huawei::EnvProvider::new(&ctx(&[
        ("HUAWEICLOUD_SDK_AK", "HWAK"),
        ("HUAWEICLOUD_SDK_SK", "HWSK"),
        ("HUAWEICLOUD_SDK_PROJECT_ID", "p1"),
        ("HUAWEICLOUD_SDK_DOMAIN_ID", "d1"),
    ]))
    .provide_credentials()
    .await
    .unwrap();
    assert_eq!(key(&c), ("HWAK", "HWSK", None));
    assert_eq!(
        (c.project_id.as_deref(), c.domain_id.as_deref()),
        (Some("p1"), Some("d1"))
    );

    let home = tempfile::tempdir().unwrap();
    write(
        &home.path().join(".huaweicloud/credentials"),
        "[basic]\nak = PAK\nsk = PSK\nproject_id = pp\n\n[global]\nak = GAK\nsk = GSK\ndomain_id = dd\n",
    );
    let h = home.path().to_str().unwrap();
    let c = huawei::ProfileProvider::new(&ctx(&[("HOME", h)]), huawei::Scope::Project)
        .provide_credentials()
        .await
        .unwrap();
    assert_eq!((key(&c).0, c.project_id.as_deref()), ("PAK", Some("pp")));
    let c = huawei::ProfileProvider::new(&ctx(&[("HOME", h)]), huawei::Scope::Domain)
        .provide_credentials()
        .await
        .unwrap();
    assert_eq!((key(&c).0, c.domain_id.as_deref()), ("GAK", Some("dd")));
    let elsewhere = home.path().join("elsewhere.ini");
    write(&elsewhere, "[basic]\nak = EAK\nsk = ESK\n");
    let c = huawei::ProfileProvider::new(
        &ctx(&[(
            "HUAWEICLOUD_SDK_CREDENTIALS_FILE",
            elsewhere.to_str().unwrap(),
        )]),
        huawei::Scope::Project,
    )
    .provide_credentials()
    .await
    .unwrap();
    assert_eq!(key(&c).0, "EAK");
}

fn huawei_credential(id: &str, expires_in: i64) -> String {
    let t = UtcTime(UtcTime::now().0 + expires_in);
    // The metadata service writes microseconds: 2024-05-01T08:00:00.000000Z.
    let stamp = format!("{}.000000Z", t.iso8601().trim_end_matches('Z'));
    format!(
        r#"{{"credential":{{"access":"{id}","secret":"hwsecret","securitytoken":"hwtoken","expires_at":"{stamp}"}}}}"#
    )
}

#[tokio::test]
async fn huawei_metadata_security_key_with_token() {
    let md = start(|s| match (s.method.as_str(), s.path.as_str()) {
        ("PUT", "/meta-data/latest/api/token") => {
            assert_eq!(s.header("x-metadata-token-ttl-seconds"), Some("21600"));
            ok("md-token")
        }
        ("GET", "/openstack/latest/securitykey")
            if s.header("x-metadata-token") == Some("md-token") =>
        {
            ok(huawei_credential("HWTMP", 3600))
        }
        _ => answer(401, "unauthorized"),
    })
    .await;
    let c = huawei::MetadataProvider::new(
        &ctx(&[("HUAWEICLOUD_SDK_PROJECT_ID", "p-md")]).with_metadata_endpoint(&md.url),
    )
    .provide_credentials()
    .await
    .unwrap();
    assert_eq!(key(&c), ("HWTMP", "hwsecret", Some("hwtoken")));
    assert_eq!(c.project_id.as_deref(), Some("p-md"));
    let left = c
        .expires_at
        .unwrap()
        .duration_since(SystemTime::now())
        .unwrap();
    assert!(
        left > Duration::from_secs(3500) && left <= Duration::from_secs(3600),
        "{left:?}"
    );
    // A metadata service without tokens (404 on PUT) is asked without one.
    let v1 = start(|s| match s.method.as_str() {
        "PUT" => answer(404, ""),
        _ => ok(huawei_credential("HWV1", 3600)),
    })
    .await;
    let c = huawei::MetadataProvider::new(&ctx(&[]).with_metadata_endpoint(&v1.url))
        .provide_credentials()
        .await
        .unwrap();
    assert_eq!(key(&c).0, "HWV1");
}

#[tokio::test]
async fn huawei_idp_token_file_exchanged_through_iam() {
    let iam = start(|s| match s.path.as_str() {
        "/v3.0/OS-AUTH/id-token/tokens" => {
            assert_eq!(s.header("x-idp-id"), Some("my-idp"));
            assert_eq!(s.json()["auth"]["id_token"]["id"], "id-jwt");
            ok("{}").header("X-Subject-Token", "unscoped-token")
        }
        "/v3.0/OS-CREDENTIAL/securitytokens" => {
            let b = s.json();
            assert_eq!(b["auth"]["identity"]["token"]["id"], "unscoped-token");
            assert_eq!(b["auth"]["identity"]["token"]["duration_seconds"], 21600);
            ok(huawei_credential("HWFED", 21600))
        }
        _ => answer(404, ""),
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("id_token");
    std::fs::write(&file, "id-jwt\n").unwrap();
    let cx = ctx(&[
        ("HUAWEICLOUD_SDK_IDP_ID", "my-idp"),
        ("HUAWEICLOUD_SDK_ID_TOKEN_FILE", file.to_str().unwrap()),
        ("HUAWEICLOUD_SDK_PROJECT_ID", "pf"),
        ("HUAWEICLOUD_SDK_IAM_ENDPOINT", iam.url.as_str()),
    ]);
    let c = huawei::EnvProvider::new(&cx)
        .provide_credentials()
        .await
        .unwrap();
    assert_eq!((key(&c).0, c.project_id.as_deref()), ("HWFED", Some("pf")));
    assert_eq!(iam.requests().len(), 2);
}

#[tokio::test]
async fn huawei_oidc_sts_and_pod_identity() {
    let sts = start(|s| {
        assert_eq!(s.path, "/v5/agencies/assume-with-oidc");
        let b = s.json();
        assert_eq!(b["provider_urn"], "urn:p");
        assert_eq!(b["agency_urn"], "urn:a");
        assert_eq!(b["id_token"], "oidc-jwt");
        assert_eq!(b["agency_session_name"], "oidc-sts-session");
        ok(huawei_credential("HWOIDC", 3600).replace("\"credential\"", "\"credentials\""))
    })
    .await;
    let cx = ctx(&[
        ("HUAWEICLOUD_OIDC_PROVIDER_URN", "urn:p"),
        ("HUAWEICLOUD_OIDC_AGENCY_URN", "urn:a"),
        ("HUAWEICLOUD_OIDC_ID_TOKEN", "oidc-jwt"),
        ("HUAWEICLOUD_SDK_STS_ENDPOINT", sts.url.as_str()),
    ]);
    let chain = huawei::default_chain_with(&cx, huawei::Scope::Project);
    assert_eq!(
        chain.provider_names(),
        ["oidc_sts", "env", "profile", "metadata", "pod_identity"]
    );
    assert_eq!(key(&chain.provide().await.unwrap()).0, "HWOIDC");

    let pod = start(|s| {
        assert_eq!(
            (s.method.as_str(), s.path.as_str()),
            ("POST", "/v1/credentials")
        );
        assert_eq!(s.header("authorization"), Some("pod-token"));
        ok(huawei_credential("HWPOD", 3600))
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("t");
    std::fs::write(&file, "pod-token").unwrap();
    let uri = format!("{}/v1/credentials", pod.url);
    let c = huawei::PodIdentityProvider::from_env(&ctx(&[
        ("HC_CONTAINER_CREDENTIALS_FULL_URI", uri.as_str()),
        (
            "HC_CONTAINER_AUTHORIZATION_TOKEN_FILE",
            file.to_str().unwrap(),
        ),
    ]))
    .provide_credentials()
    .await
    .unwrap();
    assert_eq!(key(&c).0, "HWPOD");
}

// ------------------------------------------------------------------------------------- cache

#[derive(Debug)]
struct Counting {
    calls: Arc<AtomicUsize>,
    lifetime: Duration,
    now: Arc<Mutex<SystemTime>>,
    delay: Duration,
}

impl ProvideCredentials for Counting {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        Box::pin(async move {
            tokio::time::sleep(self.delay).await;
            let n = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
            let now = *self.now.lock().unwrap();
            let mut c =
                Credentials::temporary(format!("K{n}"), "s", "t", Some(now + self.lifetime));
            if self.lifetime.is_zero() {
                c.expires_at = None;
            }
            Ok(c)
        })
    }
}

#[tokio::test]
async fn cache_refreshes_before_expiry_and_keeps_static_credentials() {
    let t0 = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    let now = Arc::new(Mutex::new(t0));
    let calls = Arc::new(AtomicUsize::new(0));
    let clock = now.clone();
    let cache = CachedProvider::wrap(Counting {
        calls: calls.clone(),
        lifetime: Duration::from_secs(3600),
        now: now.clone(),
        delay: Duration::ZERO,
    })
    .with_clock(move || *clock.lock().unwrap());
    assert_eq!(key(&cache.provide().await.unwrap()).0, "K1");
    *now.lock().unwrap() = t0 + Duration::from_secs(44 * 60);
    assert_eq!(
        key(&cache.provide().await.unwrap()).0,
        "K1",
        "fresh until 15 min before expiry"
    );
    *now.lock().unwrap() = t0 + Duration::from_secs(46 * 60);
    assert_eq!(
        key(&cache.provide().await.unwrap()).0,
        "K2",
        "refreshed 15 min before expiry"
    );
    assert_eq!(calls.load(Ordering::SeqCst), 2);

    // Short-lived credentials: the margin shrinks to half the lifetime.
    let calls = Arc::new(AtomicUsize::new(0));
    let clock = now.clone();
    let short = CachedProvider::wrap(Counting {
        calls: calls.clone(),
        lifetime: Duration::from_secs(600),
        now: now.clone(),
        delay: Duration::ZERO,
    })
    .with_clock(move || *clock.lock().unwrap());
    let t1 = *now.lock().unwrap();
    short.provide().await.unwrap();
    *now.lock().unwrap() = t1 + Duration::from_secs(290);
    short.provide().await.unwrap();
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    *now.lock().unwrap() = t1 + Duration::from_secs(310);
    short.provide().await.unwrap();
    assert_eq!(calls.load(Ordering::SeqCst), 2);

    // No expiry: fetched once.
    let calls = Arc::new(AtomicUsize::new(0));
    let forever = CachedProvider::wrap(Counting {
        calls: calls.clone(),
        lifetime: Duration::ZERO,
        now: now.clone(),
        delay: Duration::ZERO,
    });
    for _ in 0..3 {
        forever.provide().await.unwrap();
    }
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_callers_share_one_refresh() {
    let calls = Arc::new(AtomicUsize::new(0));
    let cache = Arc::new(CachedProvider::wrap(Counting {
        calls: calls.clone(),
        lifetime: Duration::from_secs(3600),
        now: Arc::new(Mutex::new(SystemTime::now())),
        delay: Duration::from_millis(30),
    }));
    let tasks: Vec<_> = (0..16)
        .map(|_| {
            let c = cache.clone();
            tokio::spawn(async move { c.provide().await.unwrap() })
        })
        .collect();
    for t in tasks {
        assert_eq!(key(&t.await.unwrap()).0, "K1");
    }
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn failed_refresh_keeps_unexpired_credentials() {
    let t0 = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    let now = Arc::new(Mutex::new(t0));
    let fail = Arc::new(AtomicUsize::new(0));
    let f = fail.clone();
    let n = now.clone();
    let provider = provide_credentials_fn(move || {
        let failing = f.load(Ordering::SeqCst) > 0;
        let at = *n.lock().unwrap();
        async move {
            if failing {
                Err(Error::Credentials(CredentialsError::Source {
                    provider: "metadata".into(),
                    reason: "service down".into(),
                }))
            } else {
                Ok(Credentials::temporary(
                    "K",
                    "s",
                    "t",
                    Some(at + Duration::from_secs(3600)),
                ))
            }
        }
    });
    let clock = now.clone();
    let cache = CachedProvider::wrap(provider).with_clock(move || *clock.lock().unwrap());
    cache.provide().await.unwrap();
    fail.store(1, Ordering::SeqCst);
    *now.lock().unwrap() = t0 + Duration::from_secs(50 * 60);
    assert_eq!(
        key(&cache.provide().await.unwrap()).0,
        "K",
        "stale but valid"
    );
    *now.lock().unwrap() = t0 + Duration::from_secs(61 * 60);
    assert!(
        cache.provide().await.is_err(),
        "expired: the error surfaces"
    );
}

// ------------------------------------------------------------------------------------ client

/// A user's own provider, plugged into a client: every attempt is signed with its keys, and
/// expiring keys are fetched again.
#[tokio::test]
async fn a_users_provider_signs_client_calls_and_is_refreshed() {
    let svc = start(|s| {
        let mut params = s.query.clone();
        params.extend(s.form());
        match verify_alibaba_v1(
            &s.method,
            &params,
            |id| id.starts_with("VAULT").then(|| "vault-secret".to_owned()),
            UtcTime::now(),
            &VerifyConfig::default(),
            None,
        ) {
            Ok(_) => ok(r#"{"RequestId":"ok","Success":true}"#),
            Err(e) => answer(
                400,
                serde_json::json!({"Code": "IncompleteSignature", "Message": e.to_string()})
                    .to_string(),
            ),
        }
    })
    .await;
    let calls = Arc::new(AtomicUsize::new(0));
    let c2 = calls.clone();
    let vault = provide_credentials_fn(move || {
        let n = c2.fetch_add(1, Ordering::SeqCst) + 1;
        async move {
            // Expire within the refresh margin: fetched for every call.
            let mut c = Credentials::access_key(format!("VAULT{n}"), "vault-secret");
            c.expires_at = Some(SystemTime::now() + Duration::from_secs(60));
            Ok(c)
        }
    });
    let client = Client::new(ClientConfig::new(
        Endpoint::from_url(&svc.url).unwrap(),
        SharedCredentialsProvider::new(vault),
        SignatureScheme::AlibabaV1,
    ))
    .unwrap();
    for _ in 0..2 {
        let req =
            apigen_runtime::rpc::RpcRequest::new("DescribeThings", "2020-01-01").into_prepared();
        client.send(req).await.unwrap();
    }
    let ids: Vec<String> = svc
        .requests()
        .iter()
        .map(|s| {
            let mut p = s.query.clone();
            p.extend(s.form());
            p.into_iter().find(|(k, _)| k == "AccessKeyId").unwrap().1
        })
        .collect();
    assert_eq!(ids.len(), 2);
    assert!(ids.iter().all(|i| i.starts_with("VAULT")));
    assert_eq!(
        calls.load(Ordering::SeqCst),
        1,
        "60 s keys: margin 30 s, still fresh"
    );
}

/// Huawei: no project id → `GET /v3/projects?name=<region>` on IAM (signed), once per key and
/// region; the id then fills `{project_id}` and `X-Project-Id`.
#[tokio::test]
async fn huawei_project_id_looked_up_through_iam_once() {
    let iam = start(|s| {
        let input = SignInput {
            method: &s.method,
            host: s.header("host").unwrap_or_default(),
            path: &s.path,
            query: &s.query,
            headers: &s.headers,
            body: &s.body,
        };
        if let Err(e) = verify_huawei(
            &input,
            |ak| (ak == "HWAK").then(|| "HWSK".to_owned()),
            UtcTime::now(),
            &VerifyConfig::default(),
            None,
        ) {
            return answer(
                401,
                serde_json::json!({"error_code": "APIGW.0301", "error_msg": e.to_string()})
                    .to_string(),
            );
        }
        match s.query("name") {
            Some("cn-north-4") => ok(r#"{"projects":[{"id":"0a1b2c","name":"cn-north-4"}]}"#)
                .header("X-IAM-Trace-Id", "trace-1"),
            Some("two") => ok(r#"{"projects":[{"id":"a"},{"id":"b"}]}"#),
            _ => ok(r#"{"projects":[]}"#),
        }
    })
    .await;
    let svc = start(|s| {
        ok(format!(
            r#"{{"path":"{}","header":"{}"}}"#,
            s.path,
            s.header("x-project-id").unwrap_or("")
        ))
    })
    .await;
    let client_for = |region: &str| {
        let mut config = ClientConfig::new(
            Endpoint::from_url(&svc.url).unwrap(),
            Credentials::access_key("HWAK", "HWSK"),
            SignatureScheme::HuaweiAkSk,
        )
        .with_region(region);
        config.iam_endpoint = Some(iam.url.clone());
        Client::new(config).unwrap()
    };
    let list = || {
        RestRequest::new("ListInstances", "GET", "/v2/{project_id}/instances")
            .into_prepared()
            .unwrap()
    };
    let client = client_for("cn-north-4");
    for _ in 0..2 {
        let v: serde_json::Value = client.send(list()).await.unwrap().json().unwrap();
        assert_eq!(v["path"], "/v2/0a1b2c/instances");
        assert_eq!(v["header"], "0a1b2c");
    }
    assert_eq!(iam.count("/v3/projects"), 1, "cached per region");
    // A request without {project_id} does not need the lookup.
    let plain = client_for("cn-north-1");
    plain
        .send(
            RestRequest::new("ListFlavors", "GET", "/v2/flavors")
                .into_prepared()
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(iam.count("/v3/projects"), 1);
    let err = client_for("two")
        .send(list())
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("several projects") && err.contains("a, b"),
        "{err}"
    );
    let err = client_for("nowhere")
        .send(list())
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("knows no project"), "{err}");
    // An explicit project id skips IAM.
    let before = iam.count("/v3/projects");
    let mut config = ClientConfig::new(
        Endpoint::from_url(&svc.url).unwrap(),
        Credentials::access_key("HWAK", "HWSK").with_project_id("given"),
        SignatureScheme::HuaweiAkSk,
    )
    .with_region("cn-north-4");
    config.iam_endpoint = Some(iam.url.clone());
    let v: serde_json::Value = Client::new(config)
        .unwrap()
        .send(list())
        .await
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(v["path"], "/v2/given/instances");
    assert_eq!(iam.count("/v3/projects"), before);
}

/// Huawei global service (`GlobalCredentials`): no domain id → `GET /v3/auth/domains` on IAM
/// (signed), once per access key even for concurrent first calls; the id is then sent as
/// `X-Domain-Id`, signed like the SDK signs it (every header), fills `{domain_id}`, and no
/// `X-Project-Id` goes out.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn huawei_global_domain_id_looked_up_through_iam_once() {
    fn verified(s: &fake::Seen) -> Result<(), String> {
        let input = SignInput {
            method: &s.method,
            host: s.header("host").unwrap_or_default(),
            path: &s.path,
            query: &s.query,
            headers: &s.headers,
            body: &s.body,
        };
        verify_huawei(
            &input,
            |ak| (ak == "HWAK").then(|| "HWSK".to_owned()),
            UtcTime::now(),
            &VerifyConfig::default(),
            None,
        )
        .map(|_| ())
        .map_err(|e| e.to_string())
    }
    let iam = start(|s| match verified(s) {
        Err(e) => answer(401, serde_json::json!({"error_msg": e}).to_string()),
        Ok(()) if s.header("x-domain-id").is_some() => answer(400, "lookup sent a domain id"),
        Ok(()) => ok(r#"{"domains":[{"id":"d0m41n","name":"acct"}]}"#),
    })
    .await;
    let svc = start(|s| {
        let signed = s
            .header("authorization")
            .and_then(|a| a.split("SignedHeaders=").nth(1))
            .and_then(|h| h.split(',').next())
            .unwrap_or_default()
            .to_owned();
        ok(serde_json::json!({
            "path": s.path,
            "domain": s.header("x-domain-id"),
            "project": s.header("x-project-id"),
            "signed": signed,
            "verified": verified(s).err(),
        })
        .to_string())
    })
    .await;
    let client = |credentials: Credentials| {
        let mut config = ClientConfig::new(
            Endpoint::from_url(&svc.url).unwrap(),
            credentials,
            SignatureScheme::HuaweiAkSk,
        )
        .with_region("cn-north-4")
        .with_scope(huawei::Scope::Domain);
        config.iam_endpoint = Some(iam.url.clone());
        Client::new(config).unwrap()
    };
    let get = || {
        RestRequest::new("ShowDomainQuota", "GET", "/v3/domains/{domain_id}/quota")
            .into_prepared()
            .unwrap()
    };
    // A project id from the environment is not a global service's business.
    let global = client(Credentials::access_key("HWAK", "HWSK").with_project_id("p1"));
    let calls = (0..6).map(|_| {
        let c = global.clone();
        tokio::spawn(async move { c.send(get()).await.unwrap().json::<serde_json::Value>() })
    });
    for v in futures_util::future::join_all(calls).await {
        let v = v.unwrap().unwrap();
        assert_eq!(v["path"], "/v3/domains/d0m41n/quota");
        assert_eq!(v["domain"], "d0m41n");
        assert_eq!(v["project"], serde_json::Value::Null);
        assert_eq!(v["verified"], serde_json::Value::Null, "{v}");
        assert!(
            v["signed"]
                .as_str()
                .unwrap()
                .split(';')
                .any(|h| h == "x-domain-id"),
            "{v}"
        );
    }
    assert_eq!(
        iam.count("/v3/auth/domains"),
        1,
        "one lookup for concurrent first calls"
    );
    global.send(get()).await.unwrap();
    assert_eq!(iam.count("/v3/auth/domains"), 1, "cached");
    // A given domain id skips IAM; a regional client never sends one.
    let given = client(Credentials::access_key("HWAK", "HWSK").with_domain_id("mine"));
    let v: serde_json::Value = given.send(get()).await.unwrap().json().unwrap();
    assert_eq!(v["domain"], "mine");
    assert_eq!(iam.count("/v3/auth/domains"), 1);
    let mut config = ClientConfig::new(
        Endpoint::from_url(&svc.url).unwrap(),
        Credentials::access_key("HWAK", "HWSK")
            .with_domain_id("mine")
            .with_project_id("p1"),
        SignatureScheme::HuaweiAkSk,
    );
    config.iam_endpoint = Some(iam.url.clone());
    let regional = Client::new(config).unwrap();
    let v: serde_json::Value = regional
        .send(
            RestRequest::new("ListInstances", "GET", "/v2/{project_id}/instances")
                .into_prepared()
                .unwrap(),
        )
        .await
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(
        (v["project"].as_str(), v["domain"].as_str()),
        (Some("p1"), None)
    );
}

/// A domain lookup that finds no single domain fails with what to set.
#[tokio::test]
async fn huawei_domain_lookup_needs_exactly_one_domain() {
    let iam = start(|_| ok(r#"{"domains":[]}"#)).await;
    let mut config = ClientConfig::new(
        Endpoint::from_url(&iam.url).unwrap(),
        Credentials::access_key("HWAK", "HWSK"),
        SignatureScheme::HuaweiAkSk,
    )
    .with_scope(huawei::Scope::Domain);
    config.iam_endpoint = Some(iam.url.clone());
    let err = Client::new(config)
        .unwrap()
        .send(
            RestRequest::new("ListThings", "GET", "/v1/things")
                .into_prepared()
                .unwrap(),
        )
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("lists 0 domains") && err.contains("HUAWEICLOUD_SDK_DOMAIN_ID"),
        "{err}"
    );
}

#[tokio::test]
async fn chain_reuses_the_provider_that_answered() {
    let a_calls = Arc::new(AtomicUsize::new(0));
    let a2 = a_calls.clone();
    let chain = ChainProvider::new("test")
        .with(
            "first",
            provide_credentials_fn(move || {
                a2.fetch_add(1, Ordering::SeqCst);
                async {
                    Err(Error::Credentials(CredentialsError::Source {
                        provider: "first".into(),
                        reason: "not here".into(),
                    }))
                }
            }),
        )
        .with("second", Credentials::access_key("B", "s"));
    assert_eq!(key(&chain.provide().await.unwrap()).0, "B");
    assert_eq!(key(&chain.provide().await.unwrap()).0, "B");
    assert_eq!(
        a_calls.load(Ordering::SeqCst),
        1,
        "second call went straight to `second`"
    );
    assert_eq!(chain.last_used(), Some("second"));
}
