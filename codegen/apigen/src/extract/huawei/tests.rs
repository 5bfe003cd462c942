//! Tests of the Huawei extractor on small inline fragments.
