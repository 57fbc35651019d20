//! Arbitrary responses (status, headers, body) through the `ec2` response
//! parser: output or error, typed view and JSON writer. Must never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

mod parse_common;

fuzz_target!(|data: &[u8]| {
    parse_common::run(&parse_common::MODELS[4], data, None);
});
