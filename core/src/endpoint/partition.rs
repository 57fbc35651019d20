//! The compiled partition table (`partitions.json`) and `aws.partition`.
//!
//! Each partition carries its id, its region pattern compiled to a few match
//! ops (see [`format`](super::format)), its known regions and its outputs
//! (`dnsSuffix`, `supportsFIPS`, …). Lookup follows botocore: the first
//! partition listing the region or whose pattern matches it, else the first.

use super::error::EvalError;
use super::format as f;
use super::reader::{Cursor, Strings};

/// Most steps the region matcher may take before giving up.
const REGEX_STEP_BUDGET: u32 = 20_000;
/// Most ops a region pattern may have (bounds the matcher's recursion).
const REGEX_MAX_OPS: usize = 32;

/// A compiled partition table, validated on construction.
///
/// ```
/// # fn demo(bytes: &'static [u8]) -> Result<(), stratus_core::endpoint::EvalError> {
/// use stratus_core::endpoint::Partitions;
/// let partitions = Partitions::new(bytes)?;
/// # Ok(()) }
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Partitions<'a> {
    bytes: &'a [u8],
    strings: Strings<'a>,
    /// Offset of the first partition record.
    first: usize,
    count: usize,
}

/// A value in a partition's outputs.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum OutputValue<'a> {
    Bool(bool),
    Str(&'a str),
}

impl<'a> Partitions<'a> {
    /// Checks the header and string table of a compiled partition table.
    pub fn new(bytes: &'a [u8]) -> Result<Self, EvalError> {
        if bytes.get(..4) != Some(&f::PARTITIONS_MAGIC[..]) {
            return Err(EvalError::BadMagic);
        }
        let mut cur = Cursor::at(bytes, 4);
        let strings = Strings::read(&mut cur)?;
        let count = cur.usize()?;
        if count == 0 {
            return Err(EvalError::Corrupt);
        }
        Ok(Partitions {
            bytes,
            strings,
            first: cur.pos(),
            count,
        })
    }

    /// The number of partitions.
    pub fn len(&self) -> usize {
        self.count
    }

    /// Whether the table is empty (never, for a valid table).
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The id of the partition `aws.partition` picks for `region` (`None`
    /// picks the first partition, as botocore does).
    ///
    /// ```
    /// # fn demo(p: stratus_core::endpoint::Partitions<'_>) -> Result<(), stratus_core::endpoint::EvalError> {
    /// assert_eq!(p.partition_id(Some("cn-north-1"))?, "aws-cn");
    /// # Ok(()) }
    /// ```
    pub fn partition_id(&self, region: Option<&str>) -> Result<&'a str, EvalError> {
        let rec = self.lookup(region)?;
        self.id(rec)
    }

    /// Calls `f` with each region `partitions.json` lists for the partition
    /// `partition_id` (`aws`, `aws-cn`, …), in file order; returns how many.
    /// An unknown partition lists none.
    pub fn for_each_region(
        &self,
        partition_id: &str,
        mut f: impl FnMut(&'a str),
    ) -> Result<usize, EvalError> {
        let mut cur = Cursor::at(self.bytes, self.first);
        for _ in 0..self.count {
            let end = cur.end_of_len()?;
            let id = self.strings.read_str(&mut cur)?;
            if id != partition_id {
                cur.jump(end)?;
                continue;
            }
            let rx_end = cur.end_of_len()?;
            cur.jump(rx_end)?;
            let n_regions = cur.usize()?;
            for _ in 0..n_regions {
                f(self.strings.read_str(&mut cur)?);
            }
            return Ok(n_regions);
        }
        Ok(0)
    }

    /// Offset of the partition record for `region`.
    pub(crate) fn lookup(&self, region: Option<&str>) -> Result<u32, EvalError> {
        let mut cur = Cursor::at(self.bytes, self.first);
        let first = self.first;
        if let Some(region) = region {
            for _ in 0..self.count {
                let start = cur.pos();
                let end = cur.end_of_len()?;
                let _id = self.strings.read_str(&mut cur)?;
                let rx_end = cur.end_of_len()?;
                let rx = self
                    .bytes
                    .get(cur.pos()..rx_end)
                    .ok_or(EvalError::Corrupt)?;
                cur.jump(rx_end)?;
                let n_regions = cur.usize()?;
                let mut listed = false;
                for _ in 0..n_regions {
                    listed |= self.strings.read_str(&mut cur)? == region;
                }
                if listed || regex_match(rx, region.as_bytes())? {
                    return offset(start);
                }
                cur.jump(end)?;
            }
        }
        offset(first)
    }

    fn id(&self, rec: u32) -> Result<&'a str, EvalError> {
        let mut cur = Cursor::at(self.bytes, rec as usize);
        let _end = cur.end_of_len()?;
        self.strings.read_str(&mut cur)
    }

    /// Output `key` of the partition record at `rec`; `name` is the id.
    pub(crate) fn output(&self, rec: u32, key: &str) -> Result<Option<OutputValue<'a>>, EvalError> {
        let mut cur = Cursor::at(self.bytes, rec as usize);
        let _end = cur.end_of_len()?;
        let id = self.strings.read_str(&mut cur)?;
        if key == "name" {
            return Ok(Some(OutputValue::Str(id)));
        }
        let rx_end = cur.end_of_len()?;
        cur.jump(rx_end)?;
        let n_regions = cur.usize()?;
        for _ in 0..n_regions {
            cur.usize()?;
        }
        let n = cur.usize()?;
        for _ in 0..n {
            let k = self.strings.read_str(&mut cur)?;
            let v = match cur.u8()? {
                f::FALSE => OutputValue::Bool(false),
                f::TRUE => OutputValue::Bool(true),
                f::STR => OutputValue::Str(self.strings.read_str(&mut cur)?),
                _ => return Err(EvalError::Corrupt),
            };
            if k == key {
                return Ok(Some(v));
            }
        }
        Ok(None)
    }
}

fn offset(pos: usize) -> Result<u32, EvalError> {
    u32::try_from(pos).map_err(|_| EvalError::Corrupt)
}

/// One decoded region-pattern op.
#[derive(Clone, Copy)]
enum Op<'a> {
    Literal(&'a [u8]),
    /// Alternatives: the raw `n (len bytes){n}` list.
    Alt(usize, &'a [u8]),
    Class {
        digit: bool,
        plus: bool,
    },
}

/// Decodes up to [`REGEX_MAX_OPS`] ops.
fn decode_ops<'a>(
    rx: &'a [u8],
    ops: &mut [Option<Op<'a>>; REGEX_MAX_OPS],
) -> Result<usize, EvalError> {
    let mut cur = Cursor::at(rx, 0);
    let mut n = 0;
    while cur.pos() < rx.len() {
        let op = match cur.u8()? {
            f::RX_LITERAL => {
                let len = cur.usize()?;
                Op::Literal(cur.bytes(len)?)
            }
            f::RX_ALT => {
                let count = cur.usize()?;
                let start = cur.pos();
                for _ in 0..count {
                    let len = cur.usize()?;
                    cur.bytes(len)?;
                }
                Op::Alt(count, rx.get(start..cur.pos()).ok_or(EvalError::Corrupt)?)
            }
            f::RX_WORD => Op::Class {
                digit: false,
                plus: false,
            },
            f::RX_DIGIT => Op::Class {
                digit: true,
                plus: false,
            },
            f::RX_WORD_PLUS => Op::Class {
                digit: false,
                plus: true,
            },
            f::RX_DIGIT_PLUS => Op::Class {
                digit: true,
                plus: true,
            },
            _ => return Err(EvalError::Corrupt),
        };
        *ops.get_mut(n).ok_or(EvalError::Corrupt)? = Some(op);
        n += 1;
    }
    Ok(n)
}

/// Whether the compiled pattern matches all of `text` (patterns are anchored).
pub(crate) fn regex_match(rx: &[u8], text: &[u8]) -> Result<bool, EvalError> {
    let mut ops = [None; REGEX_MAX_OPS];
    let n = decode_ops(rx, &mut ops)?;
    let mut budget = REGEX_STEP_BUDGET;
    match_from(ops.get(..n).ok_or(EvalError::Corrupt)?, text, &mut budget)
}

fn in_class(c: u8, digit: bool) -> bool {
    if digit {
        c.is_ascii_digit()
    } else {
        c.is_ascii_alphanumeric() || c == b'_'
    }
}

fn match_from(ops: &[Option<Op<'_>>], text: &[u8], budget: &mut u32) -> Result<bool, EvalError> {
    *budget = budget.checked_sub(1).ok_or(EvalError::RegexBudget)?;
    let Some((first, rest)) = ops.split_first() else {
        return Ok(text.is_empty());
    };
    match first.ok_or(EvalError::Corrupt)? {
        Op::Literal(lit) => match text.strip_prefix(lit) {
            Some(t) => match_from(rest, t, budget),
            None => Ok(false),
        },
        Op::Alt(count, list) => {
            let mut cur = Cursor::at(list, 0);
            for _ in 0..count {
                let len = cur.usize()?;
                let alt = cur.bytes(len)?;
                if let Some(t) = text.strip_prefix(alt)
                    && match_from(rest, t, budget)?
                {
                    return Ok(true);
                }
            }
            Ok(false)
        }
        Op::Class { digit, plus } => {
            let run = text.iter().take_while(|c| in_class(**c, digit)).count();
            let min = 1;
            let max = if plus { run } else { run.min(1) };
            let mut k = max;
            while k >= min {
                if match_from(rest, text.get(k..).unwrap_or_default(), budget)? {
                    return Ok(true);
                }
                k -= 1;
            }
            Ok(false)
        }
    }
}
