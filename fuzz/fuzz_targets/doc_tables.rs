//! Fuzz target `doc_tables`: see `apigen_fuzz::doc_tables`.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| apigen_fuzz::doc_tables(data));
