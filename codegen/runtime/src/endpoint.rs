//! Service endpoints: from a region, or an explicit URL.

use crate::error::Error;

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
            .ok_or_else(|| Error::InvalidRequest(format!("endpoint {url:?} has no scheme")))?;
        let scheme = scheme.to_ascii_lowercase();
        if scheme != "http" && scheme != "https" {
            return Err(Error::InvalidRequest(format!(
                "endpoint {url:?}: scheme must be http or https"
            )));
        }
        let (host, path) = match rest.find('/') {
            Some(i) => rest.split_at(i),
            None => (rest, ""),
        };
        if host.is_empty() || host.contains(['?', '#', '@', ' ']) {
            return Err(Error::InvalidRequest(format!("endpoint {url:?}: bad host")));
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
