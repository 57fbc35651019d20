//! Arbitrary bytes through the event-stream message decoder: every message of
//! the buffer, every header of each message and the payload are walked, and the
//! decoder's length bookkeeping is checked. Must never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use stratus_core::format::eventstream::{MIN_MESSAGE_LEN, Message, Messages};

fuzz_target!(|data: &[u8]| {
    let mut consumed = 0usize;
    let mut messages = Messages::new(data);
    for message in messages.by_ref() {
        let Ok(message) = message else { break };
        let mut headers = 0usize;
        for header in message.headers() {
            assert_eq!(message.header(header.name), Some(header.value));
            let _ = (header.value.as_int(), header.value.as_str());
            headers += 1;
        }
        let _ = (message.message_type(), message.event_type(), headers);
        let (again, used) = Message::decode(data.get(consumed..).unwrap_or(&[]))
            .expect("a decoded message decodes again");
        assert_eq!(again, message);
        assert!(used >= MIN_MESSAGE_LEN);
        assert!(message.payload().len() <= used);
        consumed += used;
    }
    assert_eq!(data.len() - messages.remaining().len(), consumed);
});
