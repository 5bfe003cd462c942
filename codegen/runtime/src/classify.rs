//! Response classifiers: whether a successful HTTP answer reports a failure in its body.
//!
//! HTTP error statuses are errors for every protocol (the executor turns them into
//! [`crate::Error::Service`]); a classifier looks at the 2xx answers. A generated client names
//! its protocol's classifier once (`RESPONSES`) and passes it to [`crate::Client::execute`].

use crate::error::{alibaba_in_band_error, ServiceError};

/// Finds a failure a service reports inside a successful HTTP answer.
pub trait ResponseClassifier: Send + Sync {
    /// The service error `body` (answered with HTTP `status`) reports, if any.
    fn failure(&self, status: u16, body: &[u8]) -> Option<ServiceError>;
}

/// Failures are HTTP error statuses only (Huawei REST): a 2xx answer is a success.
#[derive(Debug, Clone, Copy, Default)]
pub struct HttpStatus;

impl ResponseClassifier for HttpStatus {
    fn failure(&self, _status: u16, _body: &[u8]) -> Option<ServiceError> {
        None
    }
}

/// Alibaba RPC: an HTTP 200 body with `"Success": false`, or a numeric `Code` other than
/// `0`/`200`, is a failure (see [`alibaba_in_band_error`]).
#[derive(Debug, Clone, Copy, Default)]
pub struct AlibabaInBand;

impl ResponseClassifier for AlibabaInBand {
    fn failure(&self, status: u16, body: &[u8]) -> Option<ServiceError> {
        alibaba_in_band_error(status, body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifiers_differ_only_on_in_band_failures() {
        let body = br#"{"Success":false,"Code":"Forbidden","Message":"no"}"#;
        assert!(HttpStatus.failure(200, body).is_none());
        let e = AlibabaInBand.failure(200, body).expect("in-band failure");
        assert_eq!(e.code.as_deref(), Some("Forbidden"));
        assert!(AlibabaInBand.failure(200, br#"{"Success":true}"#).is_none());
    }
}
