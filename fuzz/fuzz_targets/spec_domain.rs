#![no_main]
//! Fuzz target `spec_domain`: see `wxlive_tests::fuzz::spec_domain`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| wxlive_tests::fuzz::spec_domain(data));
