//! Every generated client resolves every region the official SDKs list to the SDK's host.
//!
//! `tests/interop/sdk-endpoints.json` holds, per (service, region, network), the host the
//! official SDK itself resolves (written by `tests/interop/sdk_endpoints.py` from the pinned SDK
//! releases; `scripts/sdk-interop.sh` checks it is current). Public-network entries go through
//! `Client::config_for_region(region, credentials).endpoint`, the others through
//! `Client::endpoints().network(..).resolve(region)`.

use apigen_runtime::{Credentials, Endpoint, EndpointResolver, Network, RegionalClient};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

struct Service {
    config_for_region: fn(&str, Credentials) -> apigen_runtime::ClientConfig,
    endpoints: fn() -> EndpointResolver,
}

fn services() -> BTreeMap<&'static str, Service> {
    macro_rules! svc {
        ($($m:ident)::+, $name:literal) => {
            (
                $name,
                Service {
                    config_for_region: |r, c| $($m)::+::Client::config_for_region(r, c),
                    endpoints: $($m)::+::Client::endpoints,
                },
            )
        };
    }
    BTreeMap::from([
        svc!(mse_client, "mse"),
        svc!(retailcloud_client, "retailcloud"),
        svc!(alikafka_client, "alikafka"),
        // The document's CloudMonitor operations: their own client, CloudMonitor's endpoints.
        svc!(alikafka_client::cms, "alikafka/cms"),
        svc!(cse_client, "cse"),
        svc!(dms_kafka_client, "dms-kafka"),
    ])
}

fn fixture() -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/interop/sdk-endpoints.json");
    let text = std::fs::read_to_string(&path).expect("tests/interop/sdk-endpoints.json");
    serde_json::from_str(&text).expect("fixture is JSON")
}

#[test]
fn every_region_the_sdks_list_resolves_to_the_sdks_host() {
    let services = services();
    let data = fixture();
    let entries = data["endpoints"].as_array().expect("endpoints list");
    let mut checked: BTreeMap<&str, usize> = BTreeMap::new();
    let mut wrong = Vec::new();
    for e in entries {
        let (service, region, network, host) = (
            e["service"].as_str().unwrap(),
            e["region"].as_str().unwrap(),
            e["network"].as_str().unwrap(),
            e["host"].as_str().unwrap(),
        );
        let svc = services
            .get(service)
            .unwrap_or_else(|| panic!("fixture names unknown service {service}"));
        let got = match Network::from_name(network) {
            Network::Public => {
                let config =
                    (svc.config_for_region)(region, Credentials::access_key("id", "secret"));
                assert_eq!(config.endpoint.scheme, "https");
                config.endpoint.host
            }
            other => match (svc.endpoints)().network(other).resolve(region) {
                Ok(e) => e.host,
                Err(err) => format!("error: {err}"),
            },
        };
        if got != host {
            wrong.push(format!(
                "{service} {region} ({network}): SDK {host}, client {got}"
            ));
        }
        *checked.entry(service).or_default() += 1;
    }
    assert!(
        wrong.is_empty(),
        "{} of {} differ:\n{}",
        wrong.len(),
        entries.len(),
        wrong.join("\n")
    );
    // Every service is covered, each by more than a handful of regions.
    for name in services.keys() {
        assert!(
            checked.get(name).copied().unwrap_or(0) >= 20,
            "{name}: {checked:?}"
        );
    }
}

#[test]
fn the_listed_regions_are_the_sdks() {
    // What a client lists (`ENDPOINTS.region_ids()`) covers every region the SDK's own data
    // lists for it (Huawei's region files; Alibaba's endpoint maps, where the service has one).
    let data = fixture();
    let listed: BTreeMap<&str, Vec<&str>> = [
        (
            "retailcloud",
            retailcloud_client::ENDPOINTS.region_ids().collect(),
        ),
        ("cse", cse_client::ENDPOINTS.region_ids().collect()),
        (
            "dms-kafka",
            dms_kafka_client::ENDPOINTS.region_ids().collect(),
        ),
    ]
    .into();
    for e in data["endpoints"].as_array().unwrap() {
        let service = e["service"].as_str().unwrap();
        let region = e["region"].as_str().unwrap();
        if let Some(regions) = listed.get(service) {
            let own_map = service != "retailcloud" || e["host"] == "retailcloud.aliyuncs.com";
            if own_map {
                assert!(
                    regions.contains(&region),
                    "{service} does not list {region}"
                );
            }
        }
    }
}

#[test]
fn explicit_endpoints_and_overrides_win() {
    let creds = || Credentials::access_key("id", "secret");
    let c =
        retailcloud_client::Client::config_for_endpoint("http://127.0.0.1:9000", creds()).unwrap();
    assert_eq!(c.endpoint.host, "127.0.0.1:9000");
    let proxy = Endpoint::from_url("https://kafka-proxy.internal:8443").unwrap();
    let r = dms_kafka_client::Client::endpoints().region_override("eu-west-101", proxy.clone());
    assert_eq!(r.resolve("eu-west-101").unwrap(), proxy);
    assert_eq!(
        r.resolve("cn-north-4").unwrap().host,
        "dms.cn-north-4.myhuaweicloud.com"
    );
    // Huawei has no network variants; Alibaba's unlisted regions get `-vpc`.
    assert!(dms_kafka_client::Client::endpoints()
        .network(Network::Vpc)
        .resolve("cn-north-4")
        .is_err());
    assert_eq!(
        mse_client::Client::endpoints()
            .network(Network::Vpc)
            .resolve("cn-hangzhou")
            .unwrap()
            .host,
        "mse-vpc.cn-hangzhou.aliyuncs.com"
    );
    // Checked resolution refuses what is not a region id; the config stays usable.
    assert!(mse_client::Client::endpoints()
        .resolve("cn-hangzhou/evil")
        .is_err());
    let vpc = mse_client::Client::endpoints().network(Network::Vpc);
    let config = mse_client::Client::config_with_endpoints(&vpc, "cn-shanghai", creds()).unwrap();
    assert_eq!(config.region.as_deref(), Some("cn-shanghai"));
    assert!(mse_client::Client::config_with_endpoints(&vpc, "", creds()).is_err());
    assert_eq!(
        config.endpoint.url("/"),
        "https://mse-vpc.cn-shanghai.aliyuncs.com/"
    );
}
