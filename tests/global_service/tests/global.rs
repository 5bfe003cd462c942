//! A global Huawei service called the way a user would: the generated client of the IAM-like
//! fixture (tests/corpus/global-iam.yaml, `service.endpoints.global: true`) against two of its
//! generated mocks on 127.0.0.1, both verifying every signature: one stands in for IAM (where
//! the client looks the account's domain id up), the other for the service.

use iamlet_client::credentials::huawei::Scope;
use iamlet_client::models::create_user::{CreateUserBody, CreateUserRequest, User};
use iamlet_client::models::show_domain_quota::ShowDomainQuotaRequest;
use iamlet_client::{Client, Credentials, RegionalClient};
use iamlet_mock::server::Verifier;
use iamlet_mock::IamletMock;

/// The header names the `Authorization` header says were signed.
fn signed_headers(headers: &[(String, String)]) -> Vec<String> {
    let auth = header(headers, "authorization").expect("a signed request");
    let list = auth.split("SignedHeaders=").nth(1).expect("SignedHeaders");
    let list = list.split(',').next().unwrap_or_default();
    list.split(';').map(str::to_owned).collect()
}

fn header<'h>(headers: &'h [(String, String)], name: &str) -> Option<&'h str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

#[tokio::test]
async fn a_global_client_looks_the_domain_up_once_and_sends_it_signed() {
    let iam = IamletMock::new();
    let iam_server = iam
        .start(Some(Verifier::new("HWAK", "HWSK")))
        .await
        .expect("IAM mock starts");
    let service = IamletMock::new();
    let service_server = service
        .start(Some(Verifier::new("HWAK", "HWSK")))
        .await
        .expect("service mock starts");

    assert_eq!(
        Client::SCOPE,
        Scope::Domain,
        "the spec says the service is global"
    );
    // No domain id given; a project id (from the environment, say) is not a global service's.
    let credentials = Credentials::access_key("HWAK", "HWSK").with_project_id("p-1");
    let mut config =
        Client::config_for_endpoint(&service_server.base_url, credentials).expect("settings");
    config.iam_endpoint = Some(iam_server.base_url.clone());
    let client = Client::new(config).expect("client");

    // Two first calls at once share one lookup.
    let quota = ShowDomainQuotaRequest::new();
    let user = CreateUserRequest::new(CreateUserBody::new(User::new("accountid", "username")));
    let (quota_answer, user_answer) =
        tokio::join!(client.show_domain_quota(&quota), client.create_user(&user));
    let quotas = quota_answer
        .expect("ShowDomainQuota")
        .quotas
        .expect("quotas");
    assert_eq!(quotas.resources[0].quota, Some(50));
    let created = user_answer.expect("CreateUser").user.expect("user");
    assert_eq!(created.id.as_deref(), Some("u5er"));
    client.show_domain_quota(&quota).await.expect("again");

    // IAM answered the lookup once (signed, without a domain id of its own); the service never.
    assert_eq!(iam.recorder().count("KeystoneListAuthDomains"), 1);
    assert_eq!(service.recorder().count("KeystoneListAuthDomains"), 0);
    let lookup = iam.recorder().last("KeystoneListAuthDomains").unwrap();
    assert_eq!(header(&lookup.headers, "x-domain-id"), None);
    assert!(header(&lookup.headers, "authorization").is_some());

    // Every service call carries the looked-up domain id, signed, and no project id; the
    // `{domain_id}` of the path is filled with it.
    let calls = service.recorder().requests();
    assert_eq!(calls.len(), 3, "{calls:?}");
    for call in &calls {
        assert_eq!(
            header(&call.headers, "x-domain-id"),
            Some("d0m41n"),
            "{call:?}"
        );
        assert_eq!(header(&call.headers, "x-project-id"), None, "{call:?}");
        assert!(
            signed_headers(&call.headers)
                .iter()
                .any(|h| h == "x-domain-id"),
            "{call:?}"
        );
        assert!(!call.path.contains("p-1"), "{}", call.path);
    }
    let paths: Vec<&str> = calls.iter().map(|c| c.path.as_str()).collect();
    assert!(
        paths.contains(&"/v3.0/OS-QUOTA/domains/d0m41n"),
        "{paths:?}"
    );
    assert!(paths.contains(&"/v3.0/OS-USER/users"), "{paths:?}");
}
