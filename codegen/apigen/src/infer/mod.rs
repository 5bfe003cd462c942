//! Inference over a spec that no single operation states: which operations create, list,
//! describe, update and delete the same resource (the stateful mock's plans), settled by the
//! reviewed resource files (`specs/resources/<service>.yaml`). `emit::lower` runs it once per
//! spec; emitters read the result from the lowered model.

pub mod resources;
pub mod stateful;

pub use resources::{plans_for, Resources};
pub use stateful::infer;
