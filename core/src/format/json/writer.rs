//! A streaming JSON writer that produces the bytes botocore's `json.dumps` does.
//!
//! botocore writes request bodies with `json.dumps(body)`: `ensure_ascii=True`
//! (every non-ASCII character as `\uXXXX` in lowercase hex, astral characters as
//! surrogate pairs, DEL and controls escaped too) and the default separators
//! `", "` and `": "`; `jsonvalue` members use `separators=(',', ':')`. Both are a
//! [`JsonStyle`]. Floats print as Python's `repr` ([`write_py_float`]); botocore
//! turns non-finite floats into the strings `"NaN"`, `"Infinity"`, `"-Infinity"`.
//!
//! The writer does not check that calls nest properly: serializers drive it from
//! the model, so a mismatch is a bug in the caller, not bad input.

use crate::format::number::{special_float_name, write_base64, write_int, write_py_float};
use crate::format::sink::{Sink, WriteError};

/// Separators between items and after keys.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum JsonStyle {
    /// `json.dumps` defaults: `", "` and `": "` (request bodies).
    Python,
    /// `separators=(',', ':')` (`jsonvalue` headers, CLI output compact form).
    Compact,
}

impl JsonStyle {
    fn separators(self) -> (&'static str, &'static str) {
        match self {
            JsonStyle::Python => (", ", ": "),
            JsonStyle::Compact => (",", ":"),
        }
    }
}

/// Writes one JSON value into a [`Sink`].
///
/// ```
/// use stratus_core::format::{json::{JsonStyle, JsonWriter}, SliceSink};
/// let mut buf = [0u8; 64];
/// let mut w = JsonWriter::new(SliceSink::new(&mut buf), JsonStyle::Python);
/// w.begin_object().unwrap();
/// w.key("StreamName").unwrap();
/// w.string("café").unwrap();
/// w.key("Data").unwrap();
/// w.base64(b"hi").unwrap();
/// w.end_object().unwrap();
/// assert_eq!(w.into_sink().written(), br#"{"StreamName": "caf\u00e9", "Data": "aGk="}"#);
/// ```
#[derive(Debug)]
pub struct JsonWriter<S: Sink> {
    sink: S,
    style: JsonStyle,
    need_comma: bool,
}

impl<S: Sink> JsonWriter<S> {
    /// A writer into `sink` with separators in `style`.
    pub fn new(sink: S, style: JsonStyle) -> Self {
        JsonWriter {
            sink,
            style,
            need_comma: false,
        }
    }

    /// Gives the sink back.
    pub fn into_sink(self) -> S {
        self.sink
    }

    /// The sink, to inspect progress.
    pub fn sink(&self) -> &S {
        &self.sink
    }

    fn before_value(&mut self) -> Result<(), WriteError> {
        if self.need_comma {
            self.sink.write_str(self.style.separators().0)?;
        }
        self.need_comma = true;
        Ok(())
    }

    /// `{`
    pub fn begin_object(&mut self) -> Result<(), WriteError> {
        self.before_value()?;
        self.need_comma = false;
        self.sink.write_str("{")
    }

    /// `}`
    pub fn end_object(&mut self) -> Result<(), WriteError> {
        self.need_comma = true;
        self.sink.write_str("}")
    }

    /// `[`
    pub fn begin_array(&mut self) -> Result<(), WriteError> {
        self.before_value()?;
        self.need_comma = false;
        self.sink.write_str("[")
    }

    /// `]`
    pub fn end_array(&mut self) -> Result<(), WriteError> {
        self.need_comma = true;
        self.sink.write_str("]")
    }

    /// An object key and its separator; the value follows.
    pub fn key(&mut self, key: &str) -> Result<(), WriteError> {
        self.before_value()?;
        write_escaped(&mut self.sink, key)?;
        self.need_comma = false;
        self.sink.write_str(self.style.separators().1)
    }

    /// A string, escaped as `json.dumps` does.
    pub fn string(&mut self, s: &str) -> Result<(), WriteError> {
        self.before_value()?;
        write_escaped(&mut self.sink, s)
    }

    /// Bytes as a base64 string (blobs).
    pub fn base64(&mut self, bytes: &[u8]) -> Result<(), WriteError> {
        self.before_value()?;
        self.sink.write_str("\"")?;
        write_base64(&mut self.sink, bytes)?;
        self.sink.write_str("\"")
    }

    /// A whole number.
    pub fn int(&mut self, n: i64) -> Result<(), WriteError> {
        self.before_value()?;
        write_int(&mut self.sink, n)
    }

    /// A float as Python's `repr`; non-finite values as botocore's strings.
    pub fn float(&mut self, x: f64) -> Result<(), WriteError> {
        self.before_value()?;
        if let Some(name) = special_float_name(x) {
            self.sink.write_str("\"")?;
            self.sink.write_str(name)?;
            return self.sink.write_str("\"");
        }
        write_py_float(&mut self.sink, x)
    }

    /// `true` / `false`.
    pub fn bool(&mut self, b: bool) -> Result<(), WriteError> {
        self.before_value()?;
        self.sink.write_str(if b { "true" } else { "false" })
    }

    /// `null`.
    pub fn null(&mut self) -> Result<(), WriteError> {
        self.before_value()?;
        self.sink.write_str("null")
    }

    /// Already-serialized JSON (a document), written as is.
    pub fn raw(&mut self, json: &str) -> Result<(), WriteError> {
        self.before_value()?;
        self.sink.write_str(json)
    }
}

/// `(character, escape)` for the characters with a short escape in `json.dumps`.
const SHORT_ESCAPES: [(u8, &str); 7] = [
    (b'"', "\\\""),
    (b'\\', "\\\\"),
    (b'\n', "\\n"),
    (b'\r', "\\r"),
    (b'\t', "\\t"),
    (0x08, "\\b"),
    (0x0c, "\\f"),
];

const HEX: &[u8; 16] = b"0123456789abcdef";

fn write_unit<S: Sink + ?Sized>(sink: &mut S, unit: u16) -> Result<(), WriteError> {
    let h = |shift: u16| HEX[usize::from((unit >> shift) & 0xf)];
    sink.write_bytes(&[b'\\', b'u', h(12), h(8), h(4), h(0)])
}

/// Writes `s` as a quoted JSON string with `ensure_ascii=True` escaping.
pub fn write_escaped<S: Sink + ?Sized>(sink: &mut S, s: &str) -> Result<(), WriteError> {
    sink.write_str("\"")?;
    let bytes = s.as_bytes();
    let mut plain_from = 0;
    for (i, c) in s.char_indices() {
        let plain = (' '..='~').contains(&c) && c != '"' && c != '\\';
        if plain {
            continue;
        }
        sink.write_bytes(bytes.get(plain_from..i).unwrap_or(&[]))?;
        plain_from = i + c.len_utf8();
        if let Some((_, esc)) = SHORT_ESCAPES
            .iter()
            .find(|(b, _)| u32::from(*b) == u32::from(c))
        {
            sink.write_str(esc)?;
            continue;
        }
        let mut units = [0u16; 2];
        for unit in c.encode_utf16(&mut units).iter() {
            write_unit(sink, *unit)?;
        }
    }
    sink.write_bytes(bytes.get(plain_from..).unwrap_or(&[]))?;
    sink.write_str("\"")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::SliceSink;

    fn dumps(
        f: impl FnOnce(&mut JsonWriter<SliceSink<'_>>),
        style: JsonStyle,
        out: &mut [u8],
    ) -> usize {
        let mut w = JsonWriter::new(SliceSink::new(out), style);
        f(&mut w);
        w.into_sink().len()
    }

    /// The expected bytes are `json.dumps(...)` output from Python 3.
    #[test]
    fn matches_json_dumps() {
        let mut buf = [0u8; 256];
        let n = dumps(
            |w| {
                w.begin_object().unwrap();
                w.key("a").unwrap();
                w.string("é\u{1F600}\u{7f}\u{1}\n/<>&\"\\\u{8}\u{c}\t\r")
                    .unwrap();
                w.key("b").unwrap();
                w.begin_array().unwrap();
                for x in [1.0, 1e16, 1.5e-7, -0.0] {
                    w.float(x).unwrap();
                }
                w.int(-3).unwrap();
                w.bool(true).unwrap();
                w.null().unwrap();
                w.end_array().unwrap();
                w.key("c").unwrap();
                w.begin_object().unwrap();
                w.end_object().unwrap();
                w.key("d").unwrap();
                w.begin_array().unwrap();
                w.end_array().unwrap();
                w.key("e").unwrap();
                w.float(f64::NAN).unwrap();
                w.end_object().unwrap();
            },
            JsonStyle::Python,
            &mut buf,
        );
        let want = r#"{"a": "\u00e9\ud83d\ude00\u007f\u0001\n/<>&\"\\\b\f\t\r", "b": [1.0, 1e+16, 1.5e-07, -0.0, -3, true, null], "c": {}, "d": [], "e": "NaN"}"#;
        assert_eq!(core::str::from_utf8(&buf[..n]).unwrap(), want);

        let n = dumps(
            |w| {
                w.begin_array().unwrap();
                w.begin_object().unwrap();
                w.key("k").unwrap();
                w.raw("{\"x\": 1}").unwrap();
                w.end_object().unwrap();
                w.base64(b"").unwrap();
                w.end_array().unwrap();
            },
            JsonStyle::Compact,
            &mut buf,
        );
        assert_eq!(&buf[..n], br#"[{"k":{"x": 1}},""]"#);
    }

    #[test]
    fn full_buffer_is_an_error() {
        let mut buf = [0u8; 5];
        let mut w = JsonWriter::new(SliceSink::new(&mut buf), JsonStyle::Compact);
        assert_eq!(w.string("abcdef"), Err(WriteError::Full));
    }
}
