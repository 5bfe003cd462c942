//! Fuzz target `spec_loader`: see `apigen_fuzz::spec_loader`.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| apigen_fuzz::spec_loader(data));
