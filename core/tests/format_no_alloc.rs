//! The wire-format layer allocates nothing: a Kinesis PutRecord-sized request
//! is written (typed and dynamic input) and its response read, under a counting
//! global allocator that counts only while this thread is measuring.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicUsize, Ordering};

use stratus_core::format::json::{InputSlots, JsonInput, JsonReader, JsonStyle, JsonWriter};
use stratus_core::format::sample::{MODEL, ids};
use stratus_core::format::{Sink, SliceSink, WriteError};
use stratus_core::model::view::Text;
use stratus_core::model::{Shape, ShapeKind, StructValue, Value};

struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    static MEASURING: Cell<bool> = const { Cell::new(false) };
}

fn note() {
    if MEASURING.with(Cell::get) {
        ALLOCATIONS.fetch_add(1, Ordering::SeqCst);
    }
}

// SAFETY: defers to the system allocator; only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note();
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note();
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Allocations made by `f` on this thread.
fn allocations_in<R>(f: impl FnOnce() -> R) -> (usize, R) {
    let before = ALLOCATIONS.load(Ordering::SeqCst);
    MEASURING.with(|m| m.set(true));
    let r = f();
    MEASURING.with(|m| m.set(false));
    (ALLOCATIONS.load(Ordering::SeqCst) - before, r)
}

/// The json protocol's body rule for flat structures of strings and blobs,
/// enough to push a PutRecord through the writer.
fn write_struct<S: Sink>(
    w: &mut JsonWriter<S>,
    v: &dyn StructValue,
    shape: &Shape,
) -> Result<(), WriteError> {
    w.begin_object()?;
    for (i, m) in shape.members().iter().enumerate() {
        match v.member(i) {
            Some(Value::Str(s)) => {
                w.key(m.wire_name())?;
                w.string(s)?;
            }
            Some(Value::Blob(b)) => {
                w.key(m.wire_name())?;
                w.base64(b)?;
            }
            Some(_) => return Err(WriteError::Unrepresentable),
            None => {}
        }
    }
    w.end_object()
}

/// A typed PutRecordInput (members in model order).
struct PutRecord<'a> {
    data: &'a [u8],
    partition_key: &'a str,
    stream_name: &'a str,
}

impl StructValue for PutRecord<'_> {
    fn member(&self, index: usize) -> Option<Value<'_>> {
        match index {
            0 => Some(Value::Blob(self.data)),
            2 => Some(Value::Str(self.partition_key)),
            5 => Some(Value::Str(self.stream_name)),
            _ => None,
        }
    }
}

#[test]
fn put_record_round_trip_allocates_nothing() {
    let shape = MODEL
        .shape(ids::PUT_RECORD_INPUT)
        .expect("sample model has PutRecordInput");
    assert!(matches!(shape.kind, ShapeKind::Structure { .. }));
    let payload = [0x5au8; 1024]; // a 1 KiB record
    let typed = PutRecord {
        data: &payload,
        partition_key: "partition-\u{e9}",
        stream_name: "sensor-stream",
    };
    let mut typed_body = [0u8; 2048];
    let mut dynamic_body = [0u8; 2048];
    let mut text_buf = [0u8; 2048];

    // The dynamic input text is prepared outside the measured region.
    let input_text = {
        let mut w = JsonWriter::new(SliceSink::new(&mut text_buf), JsonStyle::Python);
        write_struct(&mut w, &typed, shape).expect("input text fits");
        let n = w.into_sink().len();
        std::str::from_utf8(&text_buf[..n])
            .expect("JSON text is UTF-8")
            .to_owned()
    };
    let response = br#"{"EncryptionType":"KMS","SequenceNumber":"49546986683135544286507457936321625675700192471156785154","ShardId":"shardId-000000000001"}"#;

    let (count, (typed_len, dynamic_len, shard_ok)) = allocations_in(|| {
        let mut w = JsonWriter::new(SliceSink::new(&mut typed_body), JsonStyle::Python);
        write_struct(&mut w, &typed, shape).expect("typed body fits");
        let typed_len = w.into_sink().len();

        let slots: InputSlots<'_, 4> = InputSlots::new();
        let mut scratch = [0u8; 1100];
        let input = JsonInput::new(
            &input_text,
            &MODEL,
            ids::PUT_RECORD_INPUT,
            &slots,
            &mut scratch,
        )
        .expect("input matches PutRecordInput");
        let mut w = JsonWriter::new(SliceSink::new(&mut dynamic_body), JsonStyle::Python);
        write_struct(&mut w, &input, shape).expect("dynamic body fits");
        let dynamic_len = w.into_sink().len();

        let reader = JsonReader::default();
        let root = reader.root(response).expect("response parses");
        let out = MODEL.shape(ids::PUT_RECORD_OUTPUT).expect("output shape");
        let shard: Text<'_> = root
            .decode_member(&out.members()[2])
            .expect("ShardId decodes")
            .expect("ShardId present");
        (typed_len, dynamic_len, shard.eq_str("shardId-000000000001"))
    });

    assert!(shard_ok);
    assert_eq!(
        &typed_body[..typed_len],
        &dynamic_body[..dynamic_len],
        "typed and dynamic input give the same bytes"
    );
    println!(
        "PutRecord request {typed_len} bytes (typed and dynamic), response {} bytes: {count} heap allocations",
        response.len()
    );
    assert_eq!(count, 0, "the format layer must not allocate");

    // The counter works: a Vec allocates inside the measured region.
    let (count, _) = allocations_in(|| Vec::<u8>::with_capacity(8));
    assert_eq!(count, 1);
}
