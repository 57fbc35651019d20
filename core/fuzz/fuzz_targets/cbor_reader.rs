//! Arbitrary bytes through the CBOR reader (after joining indefinite-length
//! strings into scratch), walked against the sample shape table. Must never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use stratus_core::format::cbor::{CborReader, join_chunked_strings};
use stratus_core::format::sample::{MODEL, ids, walk_node};

fuzz_target!(|data: &[u8]| {
    let mut scratch = [0u8; 4096];
    let reader = CborReader::new(32);
    let Ok(body) = join_chunked_strings(data, &mut scratch, 32) else {
        return;
    };
    let Ok(root) = reader.root(body) else { return };
    for id in [ids::SAMPLE, ids::PUT_RECORD_OUTPUT] {
        if let Some(shape) = MODEL.shape(id) {
            let _ = walk_node(&root, shape, 32);
        }
    }
});
