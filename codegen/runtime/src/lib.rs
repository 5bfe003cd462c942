//! Shared runtime of the apigen-generated Alibaba Cloud and Huawei Cloud crates.
//!
//! * [`sign`]: Alibaba RPC v1 (`HMAC-SHA1`), Alibaba V3 (`ACS3-HMAC-SHA256`) and Huawei AK/SK
//!   (`SDK-HMAC-SHA256`) signers as pure functions exposing every step, and their verifiers
//!   (timestamp skew, nonce replay) for server and mock crates;
//! * [`rpc`] / [`rest`]: request encoding; [`request`]: the prepared request and signing it;
//! * [`signer`]: one [`Signer`] per scheme (what it adds to a request);
//! * [`credentials`], [`endpoint`]: configuration from arguments or the environment;
//! * [`classify`]: whether a 2xx answer reports a failure (Alibaba in-band errors);
//! * [`error`]: the one error type; [`retry`]: backoff policy; [`decode`]: tolerant serde
//!   helpers; [`paginate`]: paged operations as streams;
//! * [`schema`]: the wire description of a service's operations that server and mock crates
//!   carry (parameters, types, constraints, response shapes);
//! * [`client`] (feature `client`, on by default): the reqwest executor with tracing spans;
//!   [`waiter`]: polling a describe operation until a resource reaches a state;
//! * `server` (feature `server`): axum front doors for generated server stubs (Alibaba RPC,
//!   Huawei REST), vendor-format errors, signature verification, graceful shutdown;
//! * [`wire`]: replaying requests recorded from the vendors' official SDKs against generated
//!   clients' encoders (the wire-level differential test);
//! * `mock` (feature `mock`): request recorder, per-operation overrides and a seeded value
//!   generator for generated mock crates.

#![warn(missing_docs)]

/// This release of the runtime (generated crates depend on it; `apigen generate` writes it
/// into their manifests).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

pub mod classify;
pub mod clock;
pub mod codec;
pub mod credentials;
pub mod decode;
pub mod endpoint;
pub mod error;
pub mod examples;
pub mod file;
pub mod loose;
pub mod paginate;
pub mod param;
pub mod request;
pub mod rest;
pub mod retry;
pub mod rpc;
pub mod schema;
pub mod sign;
pub mod signer;
pub mod wire;

#[cfg(feature = "client")]
pub mod client;

#[cfg(feature = "client")]
pub mod waiter;

#[cfg(feature = "server")]
pub mod server;

#[cfg(feature = "mock")]
pub mod mock;

pub use classify::ResponseClassifier;
/// serde, for bounds in generated crates that do not depend on it directly.
pub use serde;
#[doc(hidden)]
pub use serde_json;

pub use credentials::{AccessKey, Credentials};
pub use endpoint::{Endpoint, EndpointResolver, EndpointTable, Network};
pub use error::{Error, ServiceError};
pub use file::File;
pub use param::Param;
pub use request::{PreparedRequest, RequestProtocol};
pub use retry::RetryPolicy;
pub use sign::SignatureScheme;
pub use signer::Signer;

#[cfg(feature = "client")]
pub use client::{
    AttemptInfo, BodyOnly, Call, CallOptions, CallOutput, Client, ClientConfig, Interceptor,
    Output, RegionalClient, Response, Transport, WithOutput,
};
#[cfg(feature = "client")]
pub use waiter::{WaitError, Waiter, WaiterConfig};
