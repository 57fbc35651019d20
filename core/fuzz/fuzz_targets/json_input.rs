//! Arbitrary text as dynamic JSON input against the sample `Sample` structure;
//! when accepted, every value is read back through the value seam. Must never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use stratus_core::format::json::{InputSlots, JsonInput};
use stratus_core::format::sample::{MODEL, ids, walk_input};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = core::str::from_utf8(data) else {
        return;
    };
    let slots: InputSlots<'_, 64> = InputSlots::new();
    let mut scratch = [0u8; 512];
    let Ok(input) = JsonInput::new(text, &MODEL, ids::SAMPLE, &slots, &mut scratch) else {
        return;
    };
    if let Some(shape) = MODEL.shape(ids::SAMPLE) {
        let _ = walk_input(&input, shape, 32);
    }
});
