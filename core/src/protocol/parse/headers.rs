//! Reading modelled values out of response headers, as botocore's
//! `BaseRestParser` does: names compare case-insensitively, lists are split on
//! commas and trimmed, numbers and booleans are read from the text, timestamps
//! in any form botocore's default parser accepts.

use crate::format::number::{parse_float, parse_int, parse_special_float};
use crate::model::view::{Blob, BlobEncoding, DecodeError, Escape, Scalar, ScalarKind, Text};
use crate::text::py_strip;

/// Whether `name` starts with `prefix`, ignoring ASCII case; the rest of the name.
pub(crate) fn strip_prefix_ignore_case<'a>(name: &'a str, prefix: &str) -> Option<&'a str> {
    let head = name.get(..prefix.len())?;
    if head.eq_ignore_ascii_case(prefix) {
        name.get(prefix.len()..)
    } else {
        None
    }
}

/// The comma-separated item after byte `cursor` of `value`, trimmed, advancing
/// `cursor` past its comma. `None` once the text is used up.
pub(crate) fn next_list_item<'a>(value: &'a str, cursor: &mut usize) -> Option<&'a str> {
    if *cursor > value.len() {
        return None;
    }
    let rest = value.get(*cursor..)?;
    let (item, used) = match crate::text::find_ascii(rest, b',') {
        Some(i) => (rest.get(..i)?, i + 1),
        None => (rest, rest.len() + 1),
    };
    *cursor += used;
    Some(py_strip(item))
}

/// Reads the header text `value` as `kind`; `xml_bool` selects rest-xml's
/// boolean rule (exactly `true`) over rest-json's (`true` in any case).
pub(crate) fn scalar<'a>(
    value: &'a str,
    kind: ScalarKind,
    xml_bool: bool,
) -> Result<Scalar<'a>, DecodeError> {
    let trimmed = py_strip(value);
    match kind {
        ScalarKind::Text => Ok(Scalar::Text(Text::new(value, Escape::None))),
        ScalarKind::Int => parse_int(trimmed)
            .map(Scalar::Int)
            .ok_or(DecodeError::BadNumber),
        ScalarKind::Float if !crate::format::number::FLOAT => Err(DecodeError::FloatDisabled),
        ScalarKind::Float => parse_special_float(trimmed)
            .or_else(|| parse_float(trimmed))
            .map(Scalar::Float)
            .ok_or(DecodeError::BadNumber),
        ScalarKind::Bool => Ok(Scalar::Bool(if xml_bool {
            value == "true"
        } else {
            value.eq_ignore_ascii_case("true")
        })),
        ScalarKind::Blob => Ok(Scalar::Blob(Blob::new(
            trimmed.as_bytes(),
            BlobEncoding::Base64,
        ))),
        // Read by `Reader::timestamp` (`RawTimestamp::Text` of the trimmed value).
        ScalarKind::Timestamp(_) => Err(DecodeError::WrongType),
        // A `jsonvalue` header is base64 of JSON text: it cannot be handed out
        // borrowed. The JSON writer decodes it as it streams.
        ScalarKind::Document => Err(DecodeError::WrongType),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_split_on_commas_and_trim() {
        let mut cursor = 0;
        let mut got: heapless::Vec<&str, 8> = heapless::Vec::new();
        while let Some(item) = next_list_item(" a, b ,,c", &mut cursor) {
            got.push(item).unwrap();
        }
        assert_eq!(got.as_slice(), &["a", "b", "", "c"]);
        let mut cursor = 0;
        assert_eq!(next_list_item("", &mut cursor), Some(""));
        assert_eq!(next_list_item("", &mut cursor), None);
    }

    #[test]
    fn scalars_and_names() {
        assert_eq!(strip_prefix_ignore_case("X-Meta-a", "x-meta-"), Some("a"));
        assert_eq!(strip_prefix_ignore_case("X-M", "x-meta-"), None);
        assert!(matches!(
            scalar(" 12 ", ScalarKind::Int, false),
            Ok(Scalar::Int(12))
        ));
        assert!(matches!(
            scalar("x", ScalarKind::Int, false),
            Err(DecodeError::BadNumber)
        ));
        assert!(matches!(
            scalar("TRUE", ScalarKind::Bool, false),
            Ok(Scalar::Bool(true))
        ));
        assert!(matches!(
            scalar("TRUE", ScalarKind::Bool, true),
            Ok(Scalar::Bool(false))
        ));
        assert!(
            matches!(scalar("-Infinity", ScalarKind::Float, false), Ok(Scalar::Float(x)) if x == f64::NEG_INFINITY)
        );
        // Timestamps are the reader's `timestamp`, not a scalar.
        let t = scalar(
            "Mon, 16 Dec 2019 23:48:18 GMT",
            ScalarKind::Timestamp(None),
            false,
        );
        assert!(matches!(t, Err(DecodeError::WrongType)));
    }
}
