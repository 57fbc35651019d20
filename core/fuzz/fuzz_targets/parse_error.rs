//! Arbitrary error responses through every protocol's error parser (code,
//! message, query-compatible header, exception members), plus S3's
//! 200-with-an-error rule. The first byte picks the protocol. Must never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

mod parse_common;

fuzz_target!(|data: &[u8]| {
    let Some((pick, rest)) = data.split_first() else { return };
    let models = &parse_common::MODELS;
    let model = &models[usize::from(*pick) % models.len()];
    let status = if model.name == "s3" { 200 } else { 400 + u16::from(*pick >> 4) * 7 };
    parse_common::run(model, rest, Some(status));
});
