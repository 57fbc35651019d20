//! Arbitrary bytes through the XML response reader, walked against the sample
//! shape table (wrapped and flattened lists and maps, attributes). Must never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use stratus_core::format::sample::{MODEL, ids, walk_node};
use stratus_core::format::xml::XmlReader;

fuzz_target!(|data: &[u8]| {
    let reader = XmlReader::new(&MODEL, 32);
    let Ok(root) = reader.root(data) else { return };
    for id in [ids::SAMPLE, ids::PUT_RECORD_OUTPUT] {
        if let Some(shape) = MODEL.shape(id) {
            let _ = walk_node(&root, shape, 32);
        }
    }
});
