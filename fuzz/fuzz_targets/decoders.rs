#![no_main]
//! Fuzz target `decoders`: see `wxlive_tests::fuzz::decoders`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| wxlive_tests::fuzz::decoders(data));
