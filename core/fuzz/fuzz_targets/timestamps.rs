//! Arbitrary text through the timestamp readers (every response's `Date`
//! header goes through `parse_rfc822` for clock skew; timestamp members
//! through `parse_any`). Must never panic, and a time read back from what
//! the writers wrote must be the time written (RFC 822 at whole seconds).
#![no_main]

use libfuzzer_sys::fuzz_target;
use stratus_core::format::SliceSink;
use stratus_core::format::timestamp::{
    Precision, parse_any, parse_epoch_text, parse_iso8601, parse_rfc822, write_iso8601,
    write_rfc822,
};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = core::str::from_utf8(data) else {
        return;
    };
    let _ = parse_rfc822(text);
    let _ = parse_iso8601(text);
    let _ = parse_epoch_text(text);
    let Ok(t) = parse_any(text) else { return };
    let mut buf = [0u8; 64];
    let mut sink = SliceSink::new(&mut buf);
    if write_rfc822(&mut sink, t).is_ok() {
        let written = core::str::from_utf8(sink.written()).expect("ASCII");
        let back = parse_rfc822(written).expect("its own RFC 822 text");
        assert_eq!(back.secs, t.secs, "{written}");
    }
    let mut buf = [0u8; 64];
    let mut sink = SliceSink::new(&mut buf);
    if write_iso8601(&mut sink, t, Precision::Micros).is_ok() {
        let written = core::str::from_utf8(sink.written()).expect("ASCII");
        let back = parse_iso8601(written).expect("its own ISO 8601 text");
        assert_eq!(
            (back.secs, back.nanos / 1000),
            (t.secs, t.nanos / 1000),
            "{written}"
        );
    }
});
