//! The caller's byte buffer, used as a stack for strings built while rules are
//! evaluated and, at the end, for the resolved endpoint.
//!
//! Strings living here are named by position ([`Text::Scratch`]) rather than
//! borrowed, so new strings can be appended while old ones stay readable. A
//! rule that does not match gives its space back by truncating to a mark.

use super::error::EvalError;

/// A string value: borrowed from the compiled blobs or the caller's parameters,
/// or built in the scratch buffer.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Text<'a> {
    Borrowed(&'a str),
    Scratch { start: u32, len: u32 },
}

impl<'a> Text<'a> {
    /// Byte length.
    pub(crate) fn len(&self) -> usize {
        match self {
            Text::Borrowed(s) => s.len(),
            Text::Scratch { len, .. } => *len as usize,
        }
    }

    /// The sub-text at byte range `a..b` (which the caller checked lies on
    /// character boundaries of this text).
    pub(crate) fn slice(&self, a: usize, b: usize) -> Result<Text<'a>, EvalError> {
        if a > b || b > self.len() {
            return Err(EvalError::Corrupt);
        }
        Ok(match self {
            Text::Borrowed(s) => Text::Borrowed(s.get(a..b).ok_or(EvalError::Corrupt)?),
            Text::Scratch { start, .. } => Text::Scratch {
                start: start + a as u32,
                len: (b - a) as u32,
            },
        })
    }
}

/// The scratch buffer with its fill level.
pub(crate) struct Scratch<'b> {
    bytes: &'b mut [u8],
    len: usize,
}

impl<'b> Scratch<'b> {
    pub(crate) fn new(bytes: &'b mut [u8]) -> Self {
        Scratch { bytes, len: 0 }
    }

    /// The fill level, usable as a mark to [`truncate`](Self::truncate) to.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    pub(crate) fn truncate(&mut self, mark: usize) {
        if mark < self.len {
            self.len = mark;
        }
    }

    pub(crate) fn push(&mut self, data: &[u8]) -> Result<(), EvalError> {
        let end = self
            .len
            .checked_add(data.len())
            .ok_or(EvalError::BufferTooSmall)?;
        self.bytes
            .get_mut(self.len..end)
            .ok_or(EvalError::BufferTooSmall)?
            .copy_from_slice(data);
        self.len = end;
        Ok(())
    }

    pub(crate) fn push_byte(&mut self, b: u8) -> Result<(), EvalError> {
        self.push(&[b])
    }

    /// Writes `v` as an unsigned LEB128 varint.
    pub(crate) fn push_varint(&mut self, mut v: u32) -> Result<(), EvalError> {
        loop {
            let byte = (v & 0x7f) as u8;
            v >>= 7;
            if v == 0 {
                return self.push_byte(byte);
            }
            self.push_byte(byte | 0x80)?;
        }
    }

    /// Overwrites four bytes at `at` with `v` (little-endian).
    pub(crate) fn patch_u32(&mut self, at: usize, v: u32) -> Result<(), EvalError> {
        let end = at.checked_add(4).ok_or(EvalError::Corrupt)?;
        if end > self.len {
            return Err(EvalError::Corrupt);
        }
        self.bytes
            .get_mut(at..end)
            .ok_or(EvalError::Corrupt)?
            .copy_from_slice(&v.to_le_bytes());
        Ok(())
    }

    /// The text as a `&str` (valid while the buffer is not written).
    pub(crate) fn str<'s>(&'s self, t: &Text<'s>) -> Result<&'s str, EvalError> {
        match *t {
            Text::Borrowed(s) => Ok(s),
            Text::Scratch { start, len } => {
                let (start, len) = (start as usize, len as usize);
                let end = start.checked_add(len).ok_or(EvalError::Corrupt)?;
                if end > self.len {
                    return Err(EvalError::Corrupt);
                }
                let bytes = self.bytes.get(start..end).ok_or(EvalError::Corrupt)?;
                core::str::from_utf8(bytes).map_err(|_| EvalError::Corrupt)
            }
        }
    }

    /// Byte `i` of a text, for transforms that write while reading.
    pub(crate) fn byte(&self, t: &Text<'_>, i: usize) -> Option<u8> {
        match *t {
            Text::Borrowed(s) => s.as_bytes().get(i).copied(),
            Text::Scratch { start, len } => {
                if i >= len as usize || start as usize + i >= self.len {
                    return None;
                }
                self.bytes.get(start as usize + i).copied()
            }
        }
    }

    /// Byte `i` of the filled part.
    pub(crate) fn raw(&self, i: usize) -> Option<u8> {
        if i < self.len {
            self.bytes.get(i).copied()
        } else {
            None
        }
    }

    /// Makes the filled part end with `t` starting at `mark`, dropping whatever
    /// was written after `mark` (typically while computing `t`).
    pub(crate) fn settle(&mut self, mark: usize, t: Text<'_>) -> Result<(), EvalError> {
        if mark > self.len {
            return Err(EvalError::Corrupt);
        }
        match t {
            Text::Borrowed(s) => {
                self.len = mark;
                self.push(s.as_bytes())
            }
            Text::Scratch { start, len } => {
                let (start, len) = (start as usize, len as usize);
                let src_end = start.checked_add(len).ok_or(EvalError::Corrupt)?;
                if src_end > self.len {
                    return Err(EvalError::Corrupt);
                }
                let end = mark.checked_add(len).ok_or(EvalError::BufferTooSmall)?;
                if end > self.bytes.len() {
                    return Err(EvalError::BufferTooSmall);
                }
                self.bytes.copy_within(start..src_end, mark);
                self.len = end;
                Ok(())
            }
        }
    }

    /// Text made of the bytes written since `mark`.
    pub(crate) fn text_since(&self, mark: usize) -> Result<Text<'static>, EvalError> {
        let start = u32::try_from(mark).map_err(|_| EvalError::BufferTooSmall)?;
        let len =
            u32::try_from(self.len.saturating_sub(mark)).map_err(|_| EvalError::BufferTooSmall)?;
        Ok(Text::Scratch { start, len })
    }

    /// Ends writing, handing the filled part to the output views.
    pub(crate) fn finish(self) -> &'b [u8] {
        let Scratch { bytes, len } = self;
        let bytes: &'b [u8] = bytes;
        bytes.get(..len).unwrap_or_default()
    }
}
