//! Fuzz target `rpc_decoder`: see `apigen_fuzz::rpc_decoder`.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| apigen_fuzz::rpc_decoder(data));
