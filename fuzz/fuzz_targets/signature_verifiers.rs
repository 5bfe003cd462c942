//! Fuzz target `signature_verifiers`: see `apigen_fuzz::signature_verifiers`.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| apigen_fuzz::signature_verifiers(data));
