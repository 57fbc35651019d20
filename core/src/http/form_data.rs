//! A `multipart/form-data` body (RFC 7578) made of text fields and one file,
//! pulled piece by piece as a [`BodySource`]: the form of an S3 presigned
//! POST (the fields, then the file last, as S3 wants it) sent by any
//! transport without holding the body whole.

use core::fmt;

use super::body::{BodySource, SourceError};

/// Why a form cannot be built.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum FormError {
    /// The boundary is empty, longer than 70 characters, or holds a
    /// character RFC 2046 does not allow in one.
    BadBoundary,
    /// A field name, the file's field name, its file name or its content
    /// type holds `"`, CR, LF or NUL (position of the field, `usize::MAX`
    /// for the file part).
    BadName {
        /// Index of the field, or `usize::MAX` for the file part.
        field: usize,
    },
    /// A field's value contains the boundary (index of the field).
    BoundaryInValue {
        /// Index of the field.
        field: usize,
    },
    /// The file source does not know its length.
    UnknownFileLength,
}

impl fmt::Display for FormError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FormError::BadBoundary => f.write_str("the multipart boundary is not a valid one"),
            FormError::BadName { field: usize::MAX } => {
                f.write_str("the file part's name, file name or type holds a quote or a line break")
            }
            FormError::BadName { field } => {
                write!(f, "form field {field}'s name holds a quote or a line break")
            }
            FormError::BoundaryInValue { field } => {
                write!(f, "form field {field}'s value contains the boundary")
            }
            FormError::UnknownFileLength => f.write_str("the file's length must be known"),
        }
    }
}

/// The file part of a form.
#[derive(Debug)]
pub struct FormFile<'a, F> {
    /// Its field name (`file` for S3).
    pub name: &'a str,
    /// The file name sent (S3 puts it where the key says `${filename}`).
    pub filename: &'a str,
    /// Its `Content-Type`.
    pub content_type: &'a str,
    /// Its bytes; the length must be known.
    pub source: F,
}

/// Where the writer stands.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Stage {
    Field,
    FileHead,
    FileBody,
    Tail,
    Done,
}

/// A `multipart/form-data` body: `fields` in order, then `file`.
///
/// ```
/// use stratus_core::http::{BodySource, SliceSource};
/// use stratus_core::http::form_data::{FormData, FormFile};
///
/// let fields = [("key", "a.txt"), ("acl", "private")];
/// let file = FormFile { name: "file", filename: "a.txt", content_type: "text/plain",
///     source: SliceSource::new(b"hello") };
/// let mut form = FormData::new("XyZ", fields.iter().copied(), file).unwrap();
/// assert_eq!(form.content_type().as_str(), "multipart/form-data; boundary=XyZ");
/// let mut buf = [0u8; 512];
/// let mut n = 0;
/// loop {
///     let got = form.read(&mut buf[n..n + 7]).unwrap(); // any piece size works
///     if got == 0 { break; }
///     n += got;
/// }
/// assert_eq!(Some(n as u64), form.length());
/// assert!(buf[..n].ends_with(b"hello\r\n--XyZ--\r\n"));
/// ```
#[derive(Debug)]
pub struct FormData<'a, I, F> {
    boundary: &'a str,
    fields: I,
    current: Option<(&'a str, &'a str)>,
    file: FormFile<'a, F>,
    stage: Stage,
    segment: usize,
    offset: usize,
    length: u64,
}

/// Longest boundary RFC 2046 allows.
pub const MAX_BOUNDARY: usize = 70;

fn boundary_ok(b: &str) -> bool {
    !b.is_empty()
        && b.len() <= MAX_BOUNDARY
        && !b.ends_with(' ')
        && b.bytes()
            .all(|c| c.is_ascii_alphanumeric() || b"'()+_,-./:=? ".contains(&c))
}

fn name_ok(n: &str) -> bool {
    !n.bytes().any(|c| matches!(c, b'"' | b'\r' | b'\n' | 0))
}

impl<'a, I, F> FormData<'a, I, F>
where
    I: Iterator<Item = (&'a str, &'a str)> + Clone,
    F: BodySource,
{
    /// A form with `fields` then `file`, parts separated by `boundary`
    /// (1 to 70 of RFC 2046's characters; it must not occur in any value or
    /// in the file).
    pub fn new(boundary: &'a str, fields: I, file: FormFile<'a, F>) -> Result<Self, FormError> {
        if !boundary_ok(boundary) {
            return Err(FormError::BadBoundary);
        }
        if ![file.name, file.filename, file.content_type]
            .iter()
            .all(|n| name_ok(n))
        {
            return Err(FormError::BadName { field: usize::MAX });
        }
        let file_len = file.source.length().ok_or(FormError::UnknownFileLength)?;
        let mut length = file_len;
        for (i, (name, value)) in fields.clone().enumerate() {
            if !name_ok(name) {
                return Err(FormError::BadName { field: i });
            }
            if contains(value.as_bytes(), boundary.as_bytes()) {
                return Err(FormError::BoundaryInValue { field: i });
            }
            length += field_segments(boundary, name, value)
                .iter()
                .map(|s| s.len() as u64)
                .sum::<u64>();
        }
        length += file_head(boundary, &file)
            .iter()
            .chain(tail(boundary).iter())
            .map(|s| s.len() as u64)
            .sum::<u64>();
        let mut fields = fields;
        let current = fields.next();
        Ok(FormData {
            boundary,
            fields,
            current,
            stage: if current.is_some() {
                Stage::Field
            } else {
                Stage::FileHead
            },
            file,
            segment: 0,
            offset: 0,
            length,
        })
    }

    /// The request's `Content-Type` header value.
    pub fn content_type(&self) -> heapless::String<{ 30 + MAX_BOUNDARY }> {
        let mut out = heapless::String::new();
        // Fits: the boundary is at most MAX_BOUNDARY bytes.
        let _ = out.push_str("multipart/form-data; boundary=");
        let _ = out.push_str(self.boundary);
        out
    }

    /// The text segment the writer stands in, if it is in one.
    fn segment_text(&self) -> Option<&'a str> {
        let i = self.segment;
        match self.stage {
            Stage::Field => {
                let (n, v) = self.current?;
                field_segments(self.boundary, n, v).get(i).copied()
            }
            Stage::FileHead => file_head(self.boundary, &self.file).get(i).copied(),
            Stage::Tail => tail(self.boundary).get(i).copied(),
            Stage::FileBody | Stage::Done => None,
        }
    }

    /// Moves past a finished segment list to the next stage.
    fn next_stage(&mut self) {
        self.segment = 0;
        self.offset = 0;
        self.stage = match self.stage {
            Stage::Field => {
                self.current = self.fields.next();
                if self.current.is_some() {
                    Stage::Field
                } else {
                    Stage::FileHead
                }
            }
            Stage::FileHead => Stage::FileBody,
            Stage::FileBody => Stage::Tail,
            Stage::Tail | Stage::Done => Stage::Done,
        };
    }
}

impl<'a, I, F> BodySource for FormData<'a, I, F>
where
    I: Iterator<Item = (&'a str, &'a str)> + Clone,
    F: BodySource,
{
    fn read(&mut self, buf: &mut [u8]) -> Result<usize, SourceError> {
        let mut n = 0;
        while n < buf.len() && self.stage != Stage::Done {
            let rest = buf.get_mut(n..).unwrap_or(&mut []);
            if self.stage == Stage::FileBody {
                let got = self.file.source.read(rest)?;
                if got == 0 {
                    self.next_stage();
                }
                n += got;
                continue;
            }
            match self.segment_text() {
                Some(text) => {
                    let left = text.as_bytes().get(self.offset..).unwrap_or(&[]);
                    let k = left.len().min(rest.len());
                    rest.get_mut(..k)
                        .unwrap_or(&mut [])
                        .copy_from_slice(left.get(..k).unwrap_or(&[]));
                    n += k;
                    self.offset += k;
                    if self.offset >= text.len() {
                        self.segment += 1;
                        self.offset = 0;
                    }
                }
                None => self.next_stage(),
            }
        }
        Ok(n)
    }

    fn length(&self) -> Option<u64> {
        Some(self.length)
    }
}

fn field_segments<'a>(boundary: &'a str, name: &'a str, value: &'a str) -> [&'a str; 7] {
    [
        "--",
        boundary,
        "\r\nContent-Disposition: form-data; name=\"",
        name,
        "\"\r\n\r\n",
        value,
        "\r\n",
    ]
}

fn file_head<'a, F>(boundary: &'a str, file: &FormFile<'a, F>) -> [&'a str; 9] {
    [
        "--",
        boundary,
        "\r\nContent-Disposition: form-data; name=\"",
        file.name,
        "\"; filename=\"",
        file.filename,
        "\"\r\nContent-Type: ",
        file.content_type,
        "\r\n\r\n",
    ]
}

fn tail(boundary: &str) -> [&str; 3] {
    ["\r\n--", boundary, "--\r\n"]
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && hay.windows(needle.len()).any(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::SliceSource;

    fn drain<B: BodySource>(b: &mut B, piece: usize, out: &mut [u8]) -> usize {
        let mut n = 0;
        loop {
            let end = (n + piece).min(out.len());
            let got = b.read(&mut out[n..end]).unwrap();
            if got == 0 {
                return n;
            }
            n += got;
        }
    }

    #[test]
    fn same_bytes_for_every_piece_size() {
        let fields = [("key", "k/${filename}"), ("policy", "eyJ9")];
        let want: &[u8] = b"--b0\r\nContent-Disposition: form-data; name=\"key\"\r\n\r\nk/${filename}\r\n\
--b0\r\nContent-Disposition: form-data; name=\"policy\"\r\n\r\neyJ9\r\n\
--b0\r\nContent-Disposition: form-data; name=\"file\"; filename=\"r.json\"\r\nContent-Type: application/json\r\n\r\n\
{}\r\n--b0--\r\n";
        for piece in 1..40 {
            let file = FormFile {
                name: "file",
                filename: "r.json",
                content_type: "application/json",
                source: SliceSource::new(b"{}"),
            };
            let mut form = FormData::new("b0", fields.iter().copied(), file).unwrap();
            assert_eq!(form.length(), Some(want.len() as u64));
            let mut out = [0u8; 512];
            let n = drain(&mut form, piece, &mut out);
            assert_eq!(&out[..n], want, "piece {piece}");
        }
    }

    #[test]
    fn refuses_bad_input() {
        let file = || FormFile {
            name: "file",
            filename: "a",
            content_type: "text/plain",
            source: SliceSource::new(b""),
        };
        let none: [(&str, &str); 0] = [];
        assert_eq!(
            FormData::new("", none.iter().copied(), file()).err(),
            Some(FormError::BadBoundary)
        );
        assert_eq!(
            FormData::new("a\"b", none.iter().copied(), file()).err(),
            Some(FormError::BadBoundary)
        );
        let f = [("ok", "v"), ("x\r\ny", "v")];
        assert_eq!(
            FormData::new("b", f.iter().copied(), file()).err(),
            Some(FormError::BadName { field: 1 })
        );
        let f = [("ok", "a--bound-b")];
        assert_eq!(
            FormData::new("bound", f.iter().copied(), file()).err(),
            Some(FormError::BoundaryInValue { field: 0 })
        );
        let mut bad = file();
        bad.filename = "a\"b";
        assert_eq!(
            FormData::new("b", none.iter().copied(), bad).err(),
            Some(FormError::BadName { field: usize::MAX })
        );
        let mut form = FormData::new("b", none.iter().copied(), file()).unwrap();
        let want: &[u8] =
            b"--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a\"\r\n\
Content-Type: text/plain\r\n\r\n\r\n--b--\r\n";
        let mut out = [0u8; 256];
        let n = drain(&mut form, 5, &mut out);
        assert_eq!(&out[..n], want);
        assert_eq!(form.length(), Some(want.len() as u64));
    }
}
