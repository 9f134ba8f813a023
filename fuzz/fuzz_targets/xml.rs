#![no_main]
//! Fuzz target `xml`: see `wxlive_tests::fuzz::xml`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| wxlive_tests::fuzz::xml(data));
