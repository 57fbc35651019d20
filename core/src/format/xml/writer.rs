//! A streaming XML writer producing what botocore's rest-xml serializer does
//! with `ElementTree.tostring(root, encoding='utf-8')`:
//!
//! * no XML declaration (ElementTree omits it for UTF-8);
//! * text escapes `&`, `<`, `>`; attribute values also `"`, and `\n`, `\r`,
//!   `\t` as `&#10;`, `&#13;`, `&#09;`; other characters are written as UTF-8;
//! * an element with no children and no (or empty) text is `<Name />`.
//!
//! As with the JSON writer, nesting is the caller's responsibility: [`end`]
//! takes the element name rather than keeping a stack.
//!
//! [`end`]: XmlWriter::end

use crate::format::number::{special_float_name, write_base64, write_int, write_py_float};
use crate::format::sink::{Sink, WriteError};

/// Writes XML elements into a [`Sink`].
///
/// ```
/// use stratus_core::format::{xml::XmlWriter, SliceSink};
/// let mut buf = [0u8; 96];
/// let mut w = XmlWriter::new(SliceSink::new(&mut buf));
/// w.start("Tagging").unwrap();
/// w.attr("xmlns", "http://s3.amazonaws.com/doc/2006-03-01/").unwrap();
/// w.start("Key").unwrap();
/// w.text("a<b").unwrap();
/// w.end("Key").unwrap();
/// w.start("Empty").unwrap();
/// w.end("Empty").unwrap();
/// w.end("Tagging").unwrap();
/// assert_eq!(
///     w.into_sink().written(),
///     br#"<Tagging xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Key>a&lt;b</Key><Empty /></Tagging>"#
/// );
/// ```
#[derive(Debug)]
pub struct XmlWriter<S: Sink> {
    sink: S,
    /// A start tag is written up to its attributes and not yet closed by `>`.
    open_tag: bool,
}

/// `(character, entity)` escapes of element text (`ElementTree._escape_cdata`).
const TEXT_ESCAPES: [(char, &str); 3] = [('&', "&amp;"), ('<', "&lt;"), ('>', "&gt;")];

/// Escapes of attribute values (`ElementTree._escape_attrib`).
const ATTR_ESCAPES: [(char, &str); 7] = [
    ('&', "&amp;"),
    ('<', "&lt;"),
    ('>', "&gt;"),
    ('"', "&quot;"),
    ('\r', "&#13;"),
    ('\n', "&#10;"),
    ('\t', "&#09;"),
];

fn write_escaped<S: Sink + ?Sized>(
    sink: &mut S,
    s: &str,
    table: &[(char, &str)],
) -> Result<(), WriteError> {
    let mut from = 0;
    for (i, c) in s.char_indices() {
        if let Some((_, esc)) = table.iter().find(|(t, _)| *t == c) {
            sink.write_str(s.get(from..i).unwrap_or(""))?;
            sink.write_str(esc)?;
            from = i + c.len_utf8();
        }
    }
    sink.write_str(s.get(from..).unwrap_or(""))
}

impl<S: Sink> XmlWriter<S> {
    /// A writer into `sink`.
    pub fn new(sink: S) -> Self {
        XmlWriter {
            sink,
            open_tag: false,
        }
    }

    /// Gives the sink back.
    pub fn into_sink(self) -> S {
        self.sink
    }

    fn close_start_tag(&mut self) -> Result<(), WriteError> {
        if self.open_tag {
            self.open_tag = false;
            self.sink.write_str(">")?;
        }
        Ok(())
    }

    /// Opens element `name`; attributes may follow until content is written.
    pub fn start(&mut self, name: &str) -> Result<(), WriteError> {
        self.close_start_tag()?;
        self.sink.write_str("<")?;
        self.sink.write_str(name)?;
        self.open_tag = true;
        Ok(())
    }

    /// An attribute of the element just started.
    pub fn attr(&mut self, name: &str, value: &str) -> Result<(), WriteError> {
        if !self.open_tag {
            return Err(WriteError::Unrepresentable);
        }
        self.sink.write_str(" ")?;
        self.sink.write_str(name)?;
        self.sink.write_str("=\"")?;
        write_escaped(&mut self.sink, value, &ATTR_ESCAPES)?;
        self.sink.write_str("\"")
    }

    /// Escaped text content; empty text writes nothing (as ElementTree).
    pub fn text(&mut self, s: &str) -> Result<(), WriteError> {
        if s.is_empty() {
            return Ok(());
        }
        self.close_start_tag()?;
        write_escaped(&mut self.sink, s, &TEXT_ESCAPES)
    }

    /// A whole number as text.
    pub fn int(&mut self, n: i64) -> Result<(), WriteError> {
        self.close_start_tag()?;
        write_int(&mut self.sink, n)
    }

    /// A float as `str(float)`; non-finite as `NaN` / `Infinity` / `-Infinity`.
    pub fn float(&mut self, x: f64) -> Result<(), WriteError> {
        self.close_start_tag()?;
        match special_float_name(x) {
            Some(name) => self.sink.write_str(name),
            None => write_py_float(&mut self.sink, x),
        }
    }

    /// `true` / `false`.
    pub fn bool(&mut self, b: bool) -> Result<(), WriteError> {
        self.text(if b { "true" } else { "false" })
    }

    /// Bytes as base64 text (empty bytes leave the element empty).
    pub fn base64(&mut self, bytes: &[u8]) -> Result<(), WriteError> {
        if bytes.is_empty() {
            return Ok(());
        }
        self.close_start_tag()?;
        write_base64(&mut self.sink, bytes)
    }

    /// Closes element `name` (`<name />` when it has no content).
    pub fn end(&mut self, name: &str) -> Result<(), WriteError> {
        if self.open_tag {
            self.open_tag = false;
            return self.sink.write_str(" />");
        }
        self.sink.write_str("</")?;
        self.sink.write_str(name)?;
        self.sink.write_str(">")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::SliceSink;

    /// Expected bytes are Python 3's `ElementTree.tostring(root, encoding='utf-8')`.
    #[test]
    fn matches_element_tree() {
        let mut buf = [0u8; 256];
        let mut w = XmlWriter::new(SliceSink::new(&mut buf));
        w.start("R").unwrap();
        w.attr("x", "a\"b<&>\n\r\t'é").unwrap();
        w.start("C").unwrap();
        w.text("a\"b<&>\n\r\t'é]]>").unwrap();
        w.end("C").unwrap();
        w.start("E").unwrap();
        w.text("").unwrap();
        w.end("E").unwrap();
        w.start("F").unwrap();
        w.float(1e16).unwrap();
        w.end("F").unwrap();
        w.start("G").unwrap();
        w.float(f64::NEG_INFINITY).unwrap();
        w.end("G").unwrap();
        w.start("B").unwrap();
        w.bool(false).unwrap();
        w.end("B").unwrap();
        w.start("D").unwrap();
        w.base64(b"hi").unwrap();
        w.end("D").unwrap();
        w.start("I").unwrap();
        w.int(-5).unwrap();
        w.end("I").unwrap();
        w.end("R").unwrap();
        let want = "<R x=\"a&quot;b&lt;&amp;&gt;&#10;&#13;&#09;'é\"><C>a\"b&lt;&amp;&gt;\n\r\t'é]]&gt;</C><E /><F>1e+16</F><G>-Infinity</G><B>false</B><D>aGk=</D><I>-5</I></R>";
        assert_eq!(core::str::from_utf8(w.into_sink().written()).unwrap(), want);
    }

    #[test]
    fn attribute_after_content_is_refused() {
        let mut buf = [0u8; 16];
        let mut w = XmlWriter::new(SliceSink::new(&mut buf));
        w.start("a").unwrap();
        w.text("x").unwrap();
        assert_eq!(w.attr("k", "v"), Err(WriteError::Unrepresentable));
    }
}
