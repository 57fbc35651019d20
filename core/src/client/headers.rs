//! [`HeaderBlock`]: a request's headers in one caller-given buffer, editable
//! by handlers without a heap.
//!
//! Each header is stored as `name length (u16 LE) | value length (u16 LE) |
//! name | value`, in send order.
//!
//! ```
//! use stratus_core::client::HeaderBlock;
//! let mut buf = [0u8; 128];
//! let mut h = HeaderBlock::new(&mut buf);
//! h.append("Content-Type", "application/json").unwrap();
//! h.append("X-Custom", "1").unwrap();
//! h.set("x-custom", "2").unwrap();
//! assert_eq!(h.get("X-CUSTOM"), Some("2"));
//! assert!(h.remove("content-type"));
//! assert_eq!(h.iter().count(), 1);
//! ```

use core::fmt;

/// The header buffer is full (or a name or value is longer than 65535 bytes).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct HeadersFull;

impl fmt::Display for HeadersFull {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the request's header buffer is full")
    }
}

/// A request's headers in one caller-given buffer, editable by handlers
/// without a heap (name and value lengths, then the bytes, in send order).
pub struct HeaderBlock<'b> {
    buf: &'b mut [u8],
    len: usize,
}

impl fmt::Debug for HeaderBlock<'_> {
    // Values may be secret (Authorization, tokens): names only.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter().map(|(n, _)| n)).finish()
    }
}

/// Reads the entry at `at`: (name, value, next offset).
fn entry(buf: &[u8], at: usize) -> Option<(&str, &str, usize)> {
    let head = buf.get(at..at + 4)?;
    let nl = usize::from(u16::from_le_bytes([*head.first()?, *head.get(1)?]));
    let vl = usize::from(u16::from_le_bytes([*head.get(2)?, *head.get(3)?]));
    let name = buf.get(at + 4..at + 4 + nl)?;
    let value = buf.get(at + 4 + nl..at + 4 + nl + vl)?;
    Some((
        core::str::from_utf8(name).ok()?,
        core::str::from_utf8(value).ok()?,
        at + 4 + nl + vl,
    ))
}

impl<'b> HeaderBlock<'b> {
    /// An empty block over `buf`.
    pub fn new(buf: &'b mut [u8]) -> Self {
        HeaderBlock { buf, len: 0 }
    }

    /// Adds `name: value` after the others (repeats allowed).
    pub fn append(&mut self, name: &str, value: &str) -> Result<(), HeadersFull> {
        let [n0, n1] = u16::try_from(name.len())
            .map_err(|_| HeadersFull)?
            .to_le_bytes();
        let [v0, v1] = u16::try_from(value.len())
            .map_err(|_| HeadersFull)?
            .to_le_bytes();
        // Piece by piece into the free space; the block ends where it did
        // until all of the entry fits.
        let mut at = self.len;
        for piece in [&[n0, n1, v0, v1][..], name.as_bytes(), value.as_bytes()] {
            let end = at + piece.len();
            let dst = self.buf.get_mut(at..end).ok_or(HeadersFull)?;
            crate::text::copy_bytes(dst, piece);
            at = end;
        }
        self.len = at;
        Ok(())
    }

    /// Replaces every `name` header (case-insensitive) with one `name: value`.
    pub fn set(&mut self, name: &str, value: &str) -> Result<(), HeadersFull> {
        while self.remove(name) {}
        self.append(name, value)
    }

    /// Removes the first header called `name` (case-insensitive); `true` if
    /// there was one.
    pub fn remove(&mut self, name: &str) -> bool {
        let used = self.buf.get(..self.len).unwrap_or(&[]);
        let mut at = 0;
        let mut found = None;
        while let Some((n, _, next)) = entry(used, at) {
            if n.eq_ignore_ascii_case(name) {
                found = Some((at, next));
                break;
            }
            at = next;
        }
        let Some((start, next)) = found else {
            return false;
        };
        self.buf.copy_within(next..self.len, start);
        self.len -= next - start;
        true
    }

    /// The first value of `name` (case-insensitive).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    }

    /// `(name, value)` pairs in send order.
    pub fn iter(&self) -> HeaderIter<'_> {
        HeaderList::from(self).iter()
    }

    /// Number of headers.
    pub fn len(&self) -> usize {
        self.iter().count()
    }

    /// Whether there are no headers.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// A mark to [`truncate`](Self::truncate) back to.
    pub fn mark(&self) -> usize {
        self.len
    }

    /// Drops every header added after `mark`.
    pub fn truncate(&mut self, mark: usize) {
        self.len = self.len.min(mark);
    }
}

/// Headers as `(name, value)` pairs in order, read in place from whatever
/// holds them: a slice of pairs, a [`HeaderBlock`]'s entries (a request's
/// headers as the transport reads them, so a call does not copy them into a
/// list that would live in its future while the transport runs), or the
/// header lines of an HTTP/1.1 response head as they arrived
/// ([`from_http_lines`](Self::from_http_lines)), so a response keeps its
/// headers in its buffer and not in a fixed-size list of slices.
///
/// ```
/// use stratus_core::client::{HeaderBlock, HeaderList};
/// let pairs = [("Host", "example.com"), ("X-Custom", "1")];
/// let list = HeaderList::from(&pairs[..]);
/// assert_eq!(list.get("host"), Some("example.com"));
///
/// let mut buf = [0u8; 64];
/// let mut block = HeaderBlock::new(&mut buf);
/// block.append("Host", "example.com").unwrap();
/// block.append("X-Custom", "1").unwrap();
/// let from_block = HeaderList::from(&block);
/// assert!(from_block.iter().eq(list.iter()));
/// assert_eq!(from_block.len(), 2);
/// ```
#[derive(Clone, Copy)]
pub struct HeaderList<'a>(ListRepr<'a>);

#[derive(Clone, Copy)]
enum ListRepr<'a> {
    Pairs(&'a [(&'a str, &'a str)]),
    /// A block's used bytes, in its entry format.
    Block(&'a [u8]),
    /// `name: value` lines ended by CRLF (or LF).
    Lines(&'a [u8]),
}

impl<'a> HeaderList<'a> {
    /// No headers.
    pub const EMPTY: HeaderList<'static> = HeaderList(ListRepr::Pairs(&[]));

    /// `(name, value)` pairs in send order.
    pub fn iter(&self) -> HeaderIter<'a> {
        self.iter_from(0)
    }

    /// The pairs from a [`HeaderIter::position`] on: a reader that walks the
    /// headers across calls resumes where it stopped instead of counting
    /// from the first again.
    pub(crate) fn iter_from(&self, position: usize) -> HeaderIter<'a> {
        HeaderIter {
            repr: self.0,
            at: position,
        }
    }

    /// The header lines of an HTTP/1.1 head — `name: value`, each ended by
    /// CRLF or LF (the last one's end may be left off) — read in place.
    /// Whitespace around a value is not part of it; a line without a colon
    /// is a header with an empty value, a name or value that is not UTF-8 is
    /// read as empty. (Heads from [`ResponseReader`](crate::http::ResponseReader)
    /// were checked by httparse before they get here.)
    ///
    /// ```
    /// use stratus_core::client::HeaderList;
    /// let head = b"Content-Type: text/plain\r\nx-amz-request-id:  abc \r\nETag: \"1\"";
    /// let list = HeaderList::from_http_lines(head);
    /// assert_eq!(list.get("x-amz-request-id"), Some("abc"));
    /// assert_eq!(list.iter().last(), Some(("ETag", "\"1\"")));
    /// assert_eq!(list.len(), 3);
    /// ```
    pub const fn from_http_lines(lines: &'a [u8]) -> Self {
        HeaderList(ListRepr::Lines(lines))
    }

    /// Number of headers.
    pub fn len(&self) -> usize {
        match self.0 {
            ListRepr::Pairs(p) => p.len(),
            ListRepr::Block(_) | ListRepr::Lines(_) => self.iter().count(),
        }
    }

    /// Whether there are no headers.
    pub fn is_empty(&self) -> bool {
        self.iter().next().is_none()
    }

    /// The first value of `name` (case-insensitive).
    pub fn get(&self, name: &str) -> Option<&'a str> {
        self.iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    }
}

impl fmt::Debug for HeaderList<'_> {
    // Values may be secret (Authorization, tokens): names only.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter().map(|(n, _)| n)).finish()
    }
}

impl Default for HeaderList<'_> {
    /// No headers.
    fn default() -> Self {
        HeaderList::EMPTY
    }
}

impl<'a> From<&'a [(&'a str, &'a str)]> for HeaderList<'a> {
    fn from(pairs: &'a [(&'a str, &'a str)]) -> Self {
        HeaderList(ListRepr::Pairs(pairs))
    }
}

impl<'a, const N: usize> From<&'a [(&'a str, &'a str); N]> for HeaderList<'a> {
    fn from(pairs: &'a [(&'a str, &'a str); N]) -> Self {
        HeaderList(ListRepr::Pairs(pairs))
    }
}

impl<'a> From<&'a HeaderBlock<'_>> for HeaderList<'a> {
    fn from(block: &'a HeaderBlock<'_>) -> Self {
        HeaderList(ListRepr::Block(block.buf.get(..block.len).unwrap_or(&[])))
    }
}

impl<'a> IntoIterator for &HeaderList<'a> {
    type Item = (&'a str, &'a str);
    type IntoIter = HeaderIter<'a>;
    fn into_iter(self) -> HeaderIter<'a> {
        self.iter()
    }
}

/// The iterator of [`HeaderList::iter`].
#[derive(Clone)]
pub struct HeaderIter<'a> {
    repr: ListRepr<'a>,
    /// An index into pairs, a byte offset into a block or lines.
    at: usize,
}

impl HeaderIter<'_> {
    /// Where the next pair is, for [`HeaderList::iter_from`].
    pub(crate) fn position(&self) -> usize {
        self.at
    }
}

impl<'a> Iterator for HeaderIter<'a> {
    type Item = (&'a str, &'a str);
    fn next(&mut self) -> Option<(&'a str, &'a str)> {
        match self.repr {
            ListRepr::Pairs(p) => {
                let item = *p.get(self.at)?;
                self.at += 1;
                Some(item)
            }
            ListRepr::Block(used) => {
                let (n, v, next) = entry(used, self.at)?;
                self.at = next;
                Some((n, v))
            }
            ListRepr::Lines(lines) => {
                let rest = lines.get(self.at..).filter(|r| !r.is_empty())?;
                let (line, next) = match rest.iter().position(|&b| b == b'\n') {
                    Some(i) => (&rest[..i], self.at + i + 1),
                    None => (rest, lines.len()),
                };
                self.at = next;
                Some(http_line(line))
            }
        }
    }
}

/// One `name: value` header line (its line end removed) as text.
fn http_line(line: &[u8]) -> (&str, &str) {
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let (name, value) = match line.iter().position(|&b| b == b':') {
        Some(i) => (
            line.get(..i).unwrap_or(&[]),
            line.get(i + 1..).unwrap_or(&[]),
        ),
        None => (line, &[][..]),
    };
    (trimmed_text(name), trimmed_text(value))
}

fn trimmed_text(bytes: &[u8]) -> &str {
    core::str::from_utf8(bytes.trim_ascii()).unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_keep_order_and_refuse_overflow() {
        let mut buf = [0u8; 40];
        let mut h = HeaderBlock::new(&mut buf);
        h.append("a", "1").unwrap();
        h.append("b", "2").unwrap();
        h.append("a", "3").unwrap();
        let m = h.mark();
        h.append("c", "4").unwrap();
        h.truncate(m);
        assert!(h.remove("A"));
        {
            let got: heapless::Vec<(&str, &str), 4> = h.iter().collect();
            assert_eq!(got.as_slice(), &[("b", "2"), ("a", "3")]);
        }
        assert_eq!(
            h.append("long", "0123456789012345678901234567890"),
            Err(HeadersFull)
        );
        assert_eq!(h.len(), 2);
    }

    #[test]
    fn http_lines_read_in_place() {
        let head = b"A: 1\r\nb:2\nC:\t x y \r\nno-colon\r\nD: \xff\r\nE: :\r\n";
        let got: heapless::Vec<(&str, &str), 8> =
            HeaderList::from_http_lines(head).iter().collect();
        assert_eq!(
            got.as_slice(),
            &[
                ("A", "1"),
                ("b", "2"),
                ("C", "x y"),
                ("no-colon", ""),
                ("D", ""),
                ("E", ":")
            ]
        );
        assert!(HeaderList::from_http_lines(b"").is_empty());
        assert_eq!(HeaderList::from_http_lines(b"x: 1").get("X"), Some("1"));
    }
}
