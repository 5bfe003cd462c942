//! Service endpoints: from a region (through the service's [`EndpointTable`]), or an explicit
//! URL.
//!
//! Resolution of a region, in order (the vendors' SDKs' order, plus the caller's overrides):
//!
//! 1. a per-region override given to [`EndpointResolver::region_override`];
//! 2. the host the table lists for the region — on every network, as the official SDKs do
//!    (Alibaba's generated clients consult `_endpoint_map` before the network, Huawei's region
//!    files have one host per region);
//! 3. the table's rule for regions not listed: `{region_id}` is the region, `{network}` is empty
//!    on [`Network::Public`] and `-<network>` on another (Alibaba's `regional`/`central` endpoint
//!    rules, `<product>-vpc.<region>.aliyuncs.com`). A rule without `{network}` serves the
//!    public network only; asking for another is an error.
//!
//! Huawei's SDKs refuse a region their region file does not list; here such a region gets the
//! rule (`<service>.<region>.myhuaweicloud.com`), so a region newer than the spec still works.

use crate::error::{Error, RequestError};
use std::collections::BTreeMap;
use std::fmt;

/// The network a client reaches the service over.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub enum Network {
    /// The public internet (the default).
    #[default]
    Public,
    /// Inside the vendor's VPC (Alibaba: `<product>-vpc.<region>.aliyuncs.com`).
    Vpc,
    /// Any other network name the vendor's endpoint rule takes (`share`, `ipv6`, …), passed
    /// through as the official SDKs pass their `network` setting.
    Named(String),
}

impl Network {
    /// The vendor's name of the network (`public`, `vpc`, …).
    pub fn as_str(&self) -> &str {
        match self {
            Network::Public => "public",
            Network::Vpc => "vpc",
            Network::Named(n) => n,
        }
    }

    /// The network named `name` (`public` and the empty name are [`Network::Public`]).
    pub fn from_name(name: &str) -> Self {
        match name {
            "" | "public" => Network::Public,
            "vpc" => Network::Vpc,
            other => Network::Named(other.to_owned()),
        }
    }

    fn is_public(&self) -> bool {
        self.as_str().is_empty() || self.as_str() == "public"
    }
}

impl fmt::Display for Network {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where one service is served: the host of each listed region and the rule for the others.
/// Generated clients carry one as `ENDPOINTS`, emitted from the spec's `service.endpoints`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EndpointTable {
    /// Service name, for messages.
    pub service: &'static str,
    /// Host template for regions not listed (`{region_id}`, `{network}`; see the module docs).
    pub rule: &'static str,
    /// `(region, host)` of every listed region, sorted by region.
    pub regions: &'static [(&'static str, &'static str)],
}

impl EndpointTable {
    /// The host listed for `region`, if any.
    pub fn listed(&self, region: &str) -> Option<&'static str> {
        self.regions
            .binary_search_by(|(r, _)| (*r).cmp(region))
            .ok()
            .map(|i| self.regions[i].1)
    }

    /// The regions the table lists, sorted.
    pub fn region_ids(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.regions.iter().map(|(r, _)| *r)
    }

    /// Whether the service has endpoints for networks other than the public one.
    pub fn has_network_variants(&self) -> bool {
        self.rule.contains("{network}")
    }

    /// The host for `region` on the public network. Never fails: a region that is empty or not
    /// a region id gives a host that fails at the first call; [`EndpointTable::host`] checks.
    pub fn public_host(&self, region: &str) -> String {
        match self.listed(region) {
            Some(host) => host.to_owned(),
            None => self.apply_rule(region, &Network::Public),
        }
    }

    /// The host for `region` on `network` (see the module docs for the order).
    pub fn host(&self, region: &str, network: &Network) -> Result<String, Error> {
        check_region(region)?;
        if !network.is_public() {
            if !self.has_network_variants() {
                return Err(RequestError::Network {
                    service: self.service.to_string(),
                    network: network.clone(),
                }
                .into());
            }
            check_region(network.as_str()).map_err(|_| RequestError::NetworkName {
                name: network.as_str().to_owned(),
            })?;
        }
        Ok(match self.listed(region) {
            Some(host) => host.to_owned(),
            None => self.apply_rule(region, network),
        })
    }

    fn apply_rule(&self, region: &str, network: &Network) -> String {
        let network = match network.is_public() {
            true => String::new(),
            false => format!("-{}", network.as_str()),
        };
        self.rule
            .replace("{region_id}", region)
            .replace("{network}", &network)
    }
}

/// A region id as the vendors write them: letters, digits, `-` and `_`, not empty.
fn check_region(region: &str) -> Result<(), Error> {
    if region.is_empty() {
        return Err(RequestError::EmptyRegion.into());
    }
    if !region
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return Err(RequestError::Region {
            region: region.to_owned(),
        }
        .into());
    }
    Ok(())
}

/// Resolves regions of one service to endpoints: the network to use, and per-region overrides
/// that win over the table. Built by a generated client's `Client::endpoints()`.
#[derive(Debug, Clone)]
pub struct EndpointResolver {
    table: &'static EndpointTable,
    network: Network,
    overrides: BTreeMap<String, Endpoint>,
}

impl EndpointResolver {
    /// Public network, no overrides.
    pub fn new(table: &'static EndpointTable) -> Self {
        Self {
            table,
            network: Network::Public,
            overrides: BTreeMap::new(),
        }
    }

    /// Use `network` (e.g. [`Network::Vpc`]) for regions not overridden.
    pub fn network(mut self, network: Network) -> Self {
        self.network = network;
        self
    }

    /// Send requests for `region` to `endpoint` instead (a proxy, a private endpoint, a region
    /// the table does not know yet).
    pub fn region_override(mut self, region: impl Into<String>, endpoint: Endpoint) -> Self {
        self.overrides.insert(region.into(), endpoint);
        self
    }

    /// The table this resolver reads.
    pub fn table(&self) -> &'static EndpointTable {
        self.table
    }

    /// The endpoint for `region`: its override, else the table's host on the chosen network.
    pub fn resolve(&self, region: &str) -> Result<Endpoint, Error> {
        if let Some(e) = self.overrides.get(region) {
            return Ok(e.clone());
        }
        Ok(Endpoint::https(self.table.host(region, &self.network)?))
    }
}

/// Where requests go: scheme, host (with port if any) and a base path prefix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// `https` or `http`.
    pub scheme: String,
    /// Host name, with `:port` when not the scheme's default.
    pub host: String,
    /// Path prefix without a trailing `/` (usually empty).
    pub base_path: String,
}

impl Endpoint {
    /// Alibaba Cloud regional endpoint `https://<product>.<region>.aliyuncs.com`
    /// (e.g. `alikafka.cn-hangzhou.aliyuncs.com`, `mse.cn-hangzhou.aliyuncs.com`).
    pub fn alibaba(product: &str, region: &str) -> Self {
        Self::https(format!("{product}.{region}.aliyuncs.com"))
    }

    /// Huawei Cloud regional endpoint `https://<service>.<region>.myhuaweicloud.com`
    /// (e.g. `cse.cn-north-4.myhuaweicloud.com`, `dms.cn-north-4.myhuaweicloud.com`).
    pub fn huawei(service: &str, region: &str) -> Self {
        Self::https(format!("{service}.{region}.myhuaweicloud.com"))
    }

    /// An HTTPS endpoint on `host`.
    pub fn https(host: impl Into<String>) -> Self {
        Self {
            scheme: "https".into(),
            host: host.into(),
            base_path: String::new(),
        }
    }

    /// Parses an explicit URL such as `https://host:8443/prefix` or `http://127.0.0.1:9000`.
    pub fn from_url(url: &str) -> Result<Self, Error> {
        let (scheme, rest) = url
            .split_once("://")
            .ok_or_else(|| RequestError::NoScheme {
                url: url.to_owned(),
            })?;
        let scheme = scheme.to_ascii_lowercase();
        if scheme != "http" && scheme != "https" {
            return Err(RequestError::Scheme {
                url: url.to_owned(),
            }
            .into());
        }
        let (host, path) = match rest.find('/') {
            Some(i) => rest.split_at(i),
            None => (rest, ""),
        };
        if host.is_empty() || host.contains(['?', '#', '@', ' ']) {
            return Err(RequestError::Host {
                url: url.to_owned(),
            }
            .into());
        }
        Ok(Self {
            scheme,
            host: host.to_owned(),
            base_path: path.trim_end_matches('/').to_owned(),
        })
    }

    /// The URL of `path` (which starts with `/`) on this endpoint, without a query.
    pub fn url(&self, path: &str) -> String {
        format!("{}://{}{}{}", self.scheme, self.host, self.base_path, path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static ALIBABA: EndpointTable = EndpointTable {
        service: "demo",
        rule: "demo{network}.{region_id}.aliyuncs.com",
        regions: &[
            ("ap-southeast-1", "demo.ap-southeast-1.aliyuncs.com"),
            ("cn-hangzhou", "demo.aliyuncs.com"),
        ],
    };
    static HUAWEI: EndpointTable = EndpointTable {
        service: "dms",
        rule: "dms.{region_id}.myhuaweicloud.com",
        regions: &[("eu-west-101", "dms.eu-west-101.myhuaweicloud.eu")],
    };

    #[test]
    fn listed_regions_win_on_every_network_then_the_rule() {
        assert_eq!(ALIBABA.public_host("cn-hangzhou"), "demo.aliyuncs.com");
        assert_eq!(
            ALIBABA.host("cn-hangzhou", &Network::Vpc).unwrap(),
            "demo.aliyuncs.com"
        );
        assert_eq!(
            ALIBABA.public_host("eu-central-1"),
            "demo.eu-central-1.aliyuncs.com"
        );
        assert_eq!(
            ALIBABA.host("eu-central-1", &Network::Vpc).unwrap(),
            "demo-vpc.eu-central-1.aliyuncs.com"
        );
        assert_eq!(
            ALIBABA
                .host("eu-central-1", &Network::from_name("share"))
                .unwrap(),
            "demo-share.eu-central-1.aliyuncs.com"
        );
        assert_eq!(
            ALIBABA
                .host("eu-central-1", &Network::from_name("public"))
                .unwrap(),
            "demo.eu-central-1.aliyuncs.com"
        );
        assert_eq!(
            HUAWEI.public_host("eu-west-101"),
            "dms.eu-west-101.myhuaweicloud.eu"
        );
        // Unlisted Huawei regions get the rule (the SDK would refuse them).
        assert_eq!(
            HUAWEI.public_host("cn-north-99"),
            "dms.cn-north-99.myhuaweicloud.com"
        );
        assert_eq!(
            ALIBABA.region_ids().collect::<Vec<_>>(),
            ["ap-southeast-1", "cn-hangzhou"]
        );
    }

    #[test]
    fn bad_regions_and_networks_are_errors() {
        assert!(HUAWEI.host("cn-north-4", &Network::Vpc).is_err());
        assert!(HUAWEI.host("eu-west-101", &Network::Vpc).is_err());
        assert!(ALIBABA.host("", &Network::Public).is_err());
        assert!(ALIBABA
            .host("cn-hangzhou.evil.com/x", &Network::Public)
            .is_err());
        assert!(ALIBABA
            .host("cn-hangzhou", &Network::Named("a.b".into()))
            .is_err());
    }

    #[test]
    fn overrides_win_over_the_table() {
        let r = EndpointResolver::new(&ALIBABA)
            .network(Network::Vpc)
            .region_override(
                "cn-hangzhou",
                Endpoint::from_url("http://127.0.0.1:9").unwrap(),
            );
        assert_eq!(r.resolve("cn-hangzhou").unwrap().host, "127.0.0.1:9");
        assert_eq!(
            r.resolve("cn-beijing").unwrap().url("/"),
            "https://demo-vpc.cn-beijing.aliyuncs.com/"
        );
        assert!(EndpointResolver::new(&HUAWEI)
            .network(Network::Vpc)
            .resolve("cn-north-4")
            .is_err());
    }

    #[test]
    fn regional_and_explicit_endpoints() {
        assert_eq!(
            Endpoint::alibaba("alikafka", "cn-hangzhou").url("/"),
            "https://alikafka.cn-hangzhou.aliyuncs.com/"
        );
        assert_eq!(
            Endpoint::huawei("cse", "cn-north-4").host,
            "cse.cn-north-4.myhuaweicloud.com"
        );
        let e = Endpoint::from_url("http://127.0.0.1:9000/base/").unwrap();
        assert_eq!(e.host, "127.0.0.1:9000");
        assert_eq!(e.url("/v2/x"), "http://127.0.0.1:9000/base/v2/x");
        assert!(Endpoint::from_url("ftp://x").is_err());
        assert!(Endpoint::from_url("no-scheme").is_err());
    }
}
