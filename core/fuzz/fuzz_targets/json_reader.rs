//! Arbitrary bytes through the JSON response reader, walked against the sample
//! shape table: every member, item, entry and scalar is decoded. Must never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use stratus_core::format::json::JsonReader;
use stratus_core::format::sample::{MODEL, ids, walk_node};

fuzz_target!(|data: &[u8]| {
    let reader = JsonReader::new(64);
    let Ok(root) = reader.root(data) else { return };
    for id in [ids::SAMPLE, ids::PUT_RECORD_OUTPUT] {
        if let Some(shape) = MODEL.shape(id) {
            let _ = walk_node(&root, shape, 32);
        }
    }
});
