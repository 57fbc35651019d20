//! JSON: a writer that matches botocore's bytes, a zero-copy response
//! [`Reader`](crate::model::view::Reader), and dynamic input read against a shape.
//!
//! * [`JsonWriter`] — streaming, into any [`Sink`](super::Sink).
//! * [`JsonReader`] — json 1.0/1.1 and rest-json response bodies.
//! * [`JsonInput`] — JSON text as a [`StructValue`](crate::model::StructValue).

mod input;
mod reader;
mod scan;
mod writer;

pub use input::{InputError, InputErrorKind, InputNode, InputSlots, JsonInput, MAX_INPUT_DEPTH};
pub use reader::{JsonReader, TAG_ARRAY, TAG_BOOL, TAG_NULL, TAG_NUMBER, TAG_OBJECT, TAG_STRING};
pub use scan::MAX_DEPTH_LIMIT;
pub(crate) use scan::{Pairs, skip_ws, whole_value};
pub(crate) use writer::write_escaped_run;
pub use writer::{JsonStyle, JsonWriter, write_escaped};

/// Checks that `text` is one well-formed JSON value (surrounding whitespace
/// allowed), nesting at most [`MAX_INPUT_DEPTH`] deep.
///
/// ```
/// use stratus_core::format::json::validate;
/// assert!(validate(br#" {"a": [1, 2]} "#).is_ok());
/// assert!(validate(b"{").is_err());
/// ```
pub fn validate(text: &[u8]) -> Result<(), crate::model::view::DecodeError> {
    scan::whole_value(text, MAX_INPUT_DEPTH).map(|_| ())
}
