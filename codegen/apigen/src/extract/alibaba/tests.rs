//! Whole-section tests on small inline fragments, and snapshots.
use super::*;
