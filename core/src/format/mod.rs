//! Wire formats under the protocols: JSON, XML and CBOR writers and zero-copy
//! readers, without a heap.
//!
//! Writers stream into a [`Sink`] (a caller's buffer, a `heapless::Vec`, any
//! `core::fmt::Write`, or a byte counter) and produce the bytes botocore
//! produces. Readers implement [`view::Reader`](crate::model::view::Reader)
//! over the response buffer: they check the body once, bound its nesting, and
//! then walk spans on demand, returning a typed
//! [`DecodeError`](crate::model::view::DecodeError) on anything malformed,
//! truncated or too deep — never panicking.
//!
//! | format | writer | reader | notes |
//! |---|---|---|---|
//! | JSON | [`json::JsonWriter`] | [`json::JsonReader`] | plus [`json::JsonInput`], dynamic input |
//! | XML | [`xml::XmlWriter`] | [`xml::XmlReader`] | reader on `xmlparser` |
//! | CBOR | [`cbor::CborWriter`] | [`cbor::CborReader`] | on `minicbor` |

pub mod cbor;
pub mod eventstream;
pub mod json;
pub mod number;
pub mod sample;
mod sink;
pub mod timestamp;
pub mod xml;

pub(crate) use sink::write_fmt;
pub use sink::{CountingSink, FmtSink, Sink, SliceSink, WriteError};
