//! CBOR for smithy-rpc-v2-cbor: a writer making botocore's encoding choices and
//! a zero-copy reader, both on `minicbor` without `alloc`.
//!
//! Indefinite-length (chunked) strings cannot be borrowed as one slice, so
//! [`join_chunked_strings`] rewrites a body that has any into a caller scratch
//! buffer once, up front (and returns the body untouched when it has none).

mod reader;
mod scan;
mod writer;

pub use reader::CborReader;
pub use scan::{MAX_CBOR_DEPTH, join_chunked_strings};
pub use writer::{CborWriter, SinkWriter};
