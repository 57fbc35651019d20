//! Bounds-checked reading of compiled blobs: a cursor and the string table.
//!
//! Every read returns [`EvalError::Corrupt`] instead of panicking when the bytes
//! run out or a number does not fit, so arbitrary bytes are safe to walk.

use super::error::EvalError;

/// A read position in a blob.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Cursor<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    /// A cursor at `pos` in `bytes`.
    pub(crate) fn at(bytes: &'a [u8], pos: usize) -> Self {
        Cursor { bytes, pos }
    }

    /// The current offset.
    pub(crate) fn pos(&self) -> usize {
        self.pos
    }

    /// One byte.
    pub(crate) fn u8(&mut self) -> Result<u8, EvalError> {
        let b = *self.bytes.get(self.pos).ok_or(EvalError::Corrupt)?;
        self.pos += 1;
        Ok(b)
    }

    /// An unsigned LEB128 number of at most 32 bits.
    pub(crate) fn varint(&mut self) -> Result<u32, EvalError> {
        let mut value: u32 = 0;
        for shift in [0u32, 7, 14, 21, 28] {
            let b = self.u8()?;
            let bits = u32::from(b & 0x7f);
            if shift == 28 && bits > 0x0f {
                return Err(EvalError::Corrupt);
            }
            value |= bits << shift;
            if b & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err(EvalError::Corrupt)
    }

    /// A varint used as a length or index.
    pub(crate) fn usize(&mut self) -> Result<usize, EvalError> {
        usize::try_from(self.varint()?).map_err(|_| EvalError::Corrupt)
    }

    /// `n` raw bytes.
    pub(crate) fn bytes(&mut self, n: usize) -> Result<&'a [u8], EvalError> {
        let end = self.pos.checked_add(n).ok_or(EvalError::Corrupt)?;
        let out = self.bytes.get(self.pos..end).ok_or(EvalError::Corrupt)?;
        self.pos = end;
        Ok(out)
    }

    /// Reads a varint length and returns the offset just past that many bytes,
    /// checked to lie inside the blob.
    pub(crate) fn end_of_len(&mut self) -> Result<usize, EvalError> {
        let len = self.usize()?;
        let end = self.pos.checked_add(len).ok_or(EvalError::Corrupt)?;
        if end > self.bytes.len() {
            return Err(EvalError::Corrupt);
        }
        Ok(end)
    }

    /// Moves to `end`, which must not lie before the current position.
    pub(crate) fn jump(&mut self, end: usize) -> Result<(), EvalError> {
        if end < self.pos || end > self.bytes.len() {
            return Err(EvalError::Corrupt);
        }
        self.pos = end;
        Ok(())
    }
}

/// The string table at the head of a blob.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Strings<'a> {
    count: usize,
    width: usize,
    offsets: &'a [u8],
    data: &'a str,
}

impl<'a> Strings<'a> {
    /// Reads the table at the cursor and leaves the cursor after it.
    pub(crate) fn read(cur: &mut Cursor<'a>) -> Result<Self, EvalError> {
        let count = cur.usize()?;
        let width = usize::from(cur.u8()?);
        if width != 2 && width != 4 {
            return Err(EvalError::Corrupt);
        }
        let table_len = count
            .checked_add(1)
            .and_then(|n| n.checked_mul(width))
            .ok_or(EvalError::Corrupt)?;
        let offsets = cur.bytes(table_len)?;
        let mut table = Strings {
            count,
            width,
            offsets,
            data: "",
        };
        let data_len = table.offset(count)?;
        let data = cur.bytes(data_len)?;
        table.data = core::str::from_utf8(data).map_err(|_| EvalError::Corrupt)?;
        Ok(table)
    }

    fn offset(&self, i: usize) -> Result<usize, EvalError> {
        let start = i.checked_mul(self.width).ok_or(EvalError::Corrupt)?;
        let raw = self
            .offsets
            .get(start..start + self.width)
            .ok_or(EvalError::Corrupt)?;
        let mut v: u32 = 0;
        for (k, b) in raw.iter().enumerate() {
            v |= u32::from(*b) << (8 * k);
        }
        usize::try_from(v).map_err(|_| EvalError::Corrupt)
    }

    /// String `i`.
    pub(crate) fn get(&self, i: usize) -> Result<&'a str, EvalError> {
        if i >= self.count {
            return Err(EvalError::Corrupt);
        }
        let (a, b) = (self.offset(i)?, self.offset(i + 1)?);
        self.data.get(a..b).ok_or(EvalError::Corrupt)
    }

    /// Reads a string index at the cursor and returns the string.
    pub(crate) fn read_str(&self, cur: &mut Cursor<'a>) -> Result<&'a str, EvalError> {
        self.get(cur.usize()?)
    }
}
