#![no_main]
//! Fuzz target `callback`: see `wxlive_tests::fuzz::callback`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| wxlive_tests::fuzz::callback(data));
