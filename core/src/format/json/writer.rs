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

use super::scan::{self, Items, MAX_DEPTH_LIMIT, Pairs};
use crate::format::number::{
    parse_float, special_float_name, write_base64, write_int, write_py_float,
};
use crate::format::sink::{Sink, WriteError};
use crate::model::view::{Escape, Text};

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

    /// A JSON document given as text, printed again in this writer's style the
    /// way `json.dumps(json.loads(text))` prints it: the writer's separators,
    /// strings re-escaped with `ensure_ascii`, fractional numbers as Python's
    /// `repr` of the float, whole numbers as written. botocore does this to a
    /// `jsonvalue` member (compact, then base64) and to document members.
    /// Text that is not one JSON value (nested at most
    /// [`MAX_DEPTH_LIMIT`](super::MAX_DEPTH_LIMIT) deep) is
    /// [`WriteError::Unrepresentable`].
    ///
    /// ```
    /// use stratus_core::format::{json::{JsonStyle, JsonWriter}, SliceSink};
    /// let mut buf = [0u8; 64];
    /// let mut w = JsonWriter::new(SliceSink::new(&mut buf), JsonStyle::Compact);
    /// w.document(r#" {"Foo": ["Bar", 1.50, "caf\u00e9", true]} "#).unwrap();
    /// assert_eq!(w.into_sink().written(), br#"{"Foo":["Bar",1.5,"caf\u00e9",true]}"#);
    /// ```
    pub fn document(&mut self, json: &str) -> Result<(), WriteError> {
        let (s, e) = scan::whole_value(json.as_bytes(), MAX_DEPTH_LIMIT)
            .map_err(|_| WriteError::Unrepresentable)?;
        self.document_value(json.get(s..e).unwrap_or(""))
    }

    /// One validated value token of a document.
    fn document_value(&mut self, token: &str) -> Result<(), WriteError> {
        let bad = |_| WriteError::Unrepresentable;
        let b = token.as_bytes();
        let part = |(s, e): (usize, usize)| token.get(s..e).ok_or(WriteError::Unrepresentable);
        match b.first().copied() {
            Some(b'{') => {
                self.begin_object()?;
                let mut pairs = Pairs::new(b, MAX_DEPTH_LIMIT).map_err(bad)?;
                while let Some(p) = pairs.next_pair().map_err(bad)? {
                    self.before_value()?;
                    write_string_token(&mut self.sink, part(p.key)?)?;
                    self.need_comma = false;
                    self.sink.write_str(self.style.separators().1)?;
                    self.document_value(part(p.value)?)?;
                }
                self.end_object()
            }
            Some(b'[') => {
                self.begin_array()?;
                let mut items = Items::new(b, MAX_DEPTH_LIMIT).map_err(bad)?;
                while let Some(span) = items.next_item().map_err(bad)? {
                    self.document_value(part(span)?)?;
                }
                self.end_array()
            }
            Some(b'"') => {
                self.before_value()?;
                write_string_token(&mut self.sink, token)
            }
            Some(b't' | b'f' | b'n') => self.raw(token),
            _ if token.contains(['.', 'e', 'E']) => {
                let x = parse_float(token).ok_or(WriteError::Unrepresentable)?;
                self.before_value()?;
                match x {
                    f64::INFINITY => self.sink.write_str("Infinity"),
                    f64::NEG_INFINITY => self.sink.write_str("-Infinity"),
                    _ => write_py_float(&mut self.sink, x),
                }
            }
            // Python reads `-0` as the integer 0.
            _ if token == "-0" => self.raw("0"),
            _ => self.raw(token),
        }
    }
}

/// Writes the JSON string token `token` (quotes included, escapes as sent)
/// escaped again as `json.dumps` escapes it.
fn write_string_token<S: Sink + ?Sized>(sink: &mut S, token: &str) -> Result<(), WriteError> {
    let inner = token
        .strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .ok_or(WriteError::Unrepresentable)?;
    if !inner.contains('\\') {
        return write_escaped(sink, inner);
    }
    sink.write_str("\"")?;
    for c in Text::new(inner, Escape::Json).chars() {
        let c = c.map_err(|_| WriteError::Unrepresentable)?;
        let mut utf8 = [0u8; 4];
        write_escaped_run(sink, c.encode_utf8(&mut utf8))?;
    }
    sink.write_str("\"")
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
    write_escaped_run(sink, s)?;
    sink.write_str("\"")
}

/// `s` escaped with `ensure_ascii=True`, without the quotes.
pub(crate) fn write_escaped_run<S: Sink + ?Sized>(sink: &mut S, s: &str) -> Result<(), WriteError> {
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
    sink.write_bytes(bytes.get(plain_from..).unwrap_or(&[]))
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

    /// Expected bytes: Python 3 `json.dumps(json.loads(text))` in each style.
    #[test]
    fn documents_print_as_json_dumps_of_json_loads() {
        let cases: [(&str, &str, &str); 5] = [
            (
                r#"{"a": [1, 2.50, -0, 1e2, "\u00e9\n", {"b": null}], "c": true}"#,
                r#"{"a":[1,2.5,0,100.0,"\u00e9\n",{"b":null}],"c":true}"#,
                r#"{"a": [1, 2.5, 0, 100.0, "\u00e9\n", {"b": null}], "c": true}"#,
            ),
            (r#" "x\"y" "#, r#""x\"y""#, r#""x\"y""#),
            ("[]", "[]", "[]"),
            (" {} ", "{}", "{}"),
            ("-1.5E-3", "-0.0015", "-0.0015"),
        ];
        let mut buf = [0u8; 96];
        for (text, compact, python) in cases {
            for (style, want) in [(JsonStyle::Compact, compact), (JsonStyle::Python, python)] {
                let n = dumps(|w| w.document(text).unwrap(), style, &mut buf);
                assert_eq!(core::str::from_utf8(&buf[..n]).unwrap(), want, "{text}");
            }
        }
        for bad in ["", "{", "[1,]", "1 2", r#"{"a" 1}"#, r#""\x""#] {
            let mut w = JsonWriter::new(SliceSink::new(&mut buf), JsonStyle::Compact);
            assert_eq!(w.document(bad), Err(WriteError::Unrepresentable), "{bad}");
        }
    }

    #[test]
    fn full_buffer_is_an_error() {
        let mut buf = [0u8; 5];
        let mut w = JsonWriter::new(SliceSink::new(&mut buf), JsonStyle::Compact);
        assert_eq!(w.string("abcdef"), Err(WriteError::Full));
    }
}
