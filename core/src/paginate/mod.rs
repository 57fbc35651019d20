//! Paginators (`paginators-1.json`) as botocore's `paginate.py` runs them,
//! one page at a time, with the state in the caller's buffer.
//!
//! A [`Paginator`] is generated data (`<service>::PAGINATORS`). A
//! [`PageState`] follows one pagination: [`PageState::input`] writes the next
//! request's JSON input (the caller's input with the tokens and the page size
//! set), the caller makes the call, and [`PageState::after_page`] reads the
//! next tokens from the parsed page and says which items of the primary result
//! key belong to the page (`MaxItems` and a `StartingToken`'s
//! `boto_truncate_amount` cut pages). [`PageState::resume_token`] is
//! botocore's `resume_token`: base64 of the JSON token dict, byte for byte.

use core::fmt;

use crate::format::json::JsonReader;
use crate::format::{Sink, SliceSink, WriteError};
use crate::jmespath::{EvalError, Expr, Value, search};
use crate::model::view::{Blob, BlobEncoding, DecodeError, Reader as _};
use crate::protocol::parse::{Output, ToJsonError};

#[cfg(feature = "alloc")]
pub mod full;

/// A JMESPath expression of a paginator with its text (the key botocore
/// builds full results under).
#[derive(Debug)]
pub struct Key {
    /// The expression as the model writes it (`Contents`, `DistributionList.Items`).
    pub text: &'static str,
    /// The compiled expression.
    pub expr: Expr,
}

/// One paginator of a service model.
#[derive(Debug)]
pub struct Paginator {
    /// The operation it pages (`ListObjectsV2`).
    pub operation: &'static str,
    /// Input members that take the tokens (`input_token`).
    pub input_token: &'static [&'static str],
    /// Where each next token is in the output (`output_token`, same order).
    pub output_token: &'static [Key],
    /// The input member that sets the page size (`limit_key`).
    pub limit_key: Option<&'static str>,
    /// Whether more pages follow (`more_results`).
    pub more_results: Option<&'static Key>,
    /// The lists pages are made of (`result_key`); the first is the primary.
    pub result_key: &'static [Key],
    /// Members taken once, from the first page (`non_aggregate_keys`).
    pub non_aggregate_keys: &'static [Key],
}

/// botocore's `PaginationConfig`.
#[derive(Clone, Copy, Debug, Default)]
pub struct PaginationConfig<'a> {
    /// Stop after this many items of the primary result key (`MaxItems`).
    pub max_items: Option<usize>,
    /// Ask for this many items per page (`PageSize`, into `limit_key`).
    pub page_size: Option<u32>,
    /// Resume from a previous [`PageState::resume_token`] (`StartingToken`).
    pub starting_token: Option<&'a str>,
}

/// Why pagination stopped with an error.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum PaginationError {
    /// The service has no paginator for the operation.
    NoPaginator,
    /// The starting token is not base64 of a JSON object of this paginator's tokens.
    BadStartingToken,
    /// The caller's input is not a JSON object.
    BadInput,
    /// The state or input buffer is too small for the tokens.
    BufferTooSmall,
    /// The service sent the same next token twice (botocore's `PaginationError`).
    SameTokenTwice,
    /// An expression could not be evaluated over a page.
    Eval(EvalError),
    /// A token could not be written as JSON.
    Token(ToJsonError),
    /// `PageSize` is set but the paginator has no `limit_key`.
    NoLimitKey,
}

impl fmt::Display for PaginationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PaginationError::NoPaginator => f.write_str("the operation has no paginator"),
            PaginationError::BadStartingToken => f.write_str("the starting token is invalid"),
            PaginationError::BadInput => f.write_str("the input is not a JSON object"),
            PaginationError::BufferTooSmall => f.write_str("pagination buffer too small"),
            PaginationError::SameTokenTwice => {
                f.write_str("the same next token was received twice")
            }
            PaginationError::Eval(e) => write!(f, "paginator expression: {e}"),
            PaginationError::Token(e) => write!(f, "next token: {e}"),
            PaginationError::NoLimitKey => {
                f.write_str("PageSize given but the paginator has no limit key")
            }
        }
    }
}

impl From<EvalError> for PaginationError {
    fn from(e: EvalError) -> Self {
        PaginationError::Eval(e)
    }
}

impl From<WriteError> for PaginationError {
    fn from(_: WriteError) -> Self {
        PaginationError::BufferTooSmall
    }
}

/// What [`PageState::after_page`] says about the page just read.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Page {
    /// Items of the primary result key to leave out at the front (the
    /// starting token's `boto_truncate_amount`, first page only).
    pub skip: usize,
    /// Items to keep after `skip` (`None`: all the rest).
    pub take: Option<usize>,
    /// Whether another page should be requested.
    pub more: bool,
    /// Whether this is the first page of a pagination resumed from a
    /// `StartingToken`: botocore blanks its secondary result keys (lists
    /// and strings emptied, numbers kept), which the previous run had
    /// already returned with the page it cut.
    pub resumed: bool,
}

/// Separates token values in the state buffer (JSON text holds no raw NUL).
const SEP: u8 = 0;

/// The state of one pagination, kept in a caller buffer: the current and the
/// previous token values (JSON text, `null` for none), the items counted so
/// far, and the truncation of the first page.
pub struct PageState<'b> {
    paginator: &'static Paginator,
    config_max: Option<usize>,
    page_size: Option<u32>,
    buf: &'b mut [u8],
    /// `buf[..cur]` holds the current tokens, NUL separated.
    cur: usize,
    total: usize,
    first: bool,
    /// Whether a starting token was given.
    resumed: bool,
    starting_truncation: usize,
    /// Items kept of the last page when MaxItems cut it (boto_truncate_amount).
    truncated: Option<usize>,
    done: bool,
}

impl fmt::Debug for PageState<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PageState")
            .field("operation", &self.paginator.operation)
            .field("total", &self.total)
            .field("done", &self.done)
            .finish()
    }
}

/// Writes `json` (compact) as Python's `json.dumps` spaces it: `", "` and `": "`.
fn write_py_spaced(sink: &mut dyn Sink, json: &[u8]) -> Result<(), WriteError> {
    let (mut in_str, mut esc) = (false, false);
    for &b in json {
        if !in_str && b == b' ' {
            continue;
        }
        sink.write_bytes(&[b])?;
        if in_str {
            match (esc, b) {
                (true, _) => esc = false,
                (false, b'\\') => esc = true,
                (false, b'"') => in_str = false,
                _ => {}
            }
        } else if b == b'"' {
            in_str = true;
        } else if b == b',' || b == b':' {
            sink.write_bytes(b" ")?;
        }
    }
    Ok(())
}

impl<'b> PageState<'b> {
    /// Starts a pagination of `paginator` with `config`, its state in `buf`
    /// (twice the largest token's JSON plus a few bytes).
    pub fn new(
        paginator: &'static Paginator,
        config: &PaginationConfig<'_>,
        buf: &'b mut [u8],
    ) -> Result<Self, PaginationError> {
        if config.page_size.is_some() && paginator.limit_key.is_none() {
            return Err(PaginationError::NoLimitKey);
        }
        let mut state = PageState {
            paginator,
            config_max: config.max_items,
            page_size: config.page_size,
            buf,
            cur: 0,
            total: 0,
            first: true,
            resumed: config.starting_token.is_some(),
            starting_truncation: 0,
            truncated: None,
            done: false,
        };
        match config.starting_token {
            Some(token) => state.parse_starting_token(token)?,
            None => {
                let mut sink = SliceSink::new(&mut *state.buf);
                for _ in paginator.input_token {
                    sink.write_bytes(b"null")?;
                    sink.write_bytes(&[SEP])?;
                }
                state.cur = sink.written().len();
            }
        }
        Ok(state)
    }

    fn parse_starting_token(&mut self, token: &str) -> Result<(), PaginationError> {
        let bad = PaginationError::BadStartingToken;
        let len = self.buf.len();
        let half = len / 2;
        let (out, scratch) = self.buf.split_at_mut(half);
        let json = Blob::new(token.as_bytes(), BlobEncoding::Base64)
            .decode_into(scratch)
            .map_err(|_| bad)?;
        let reader = JsonReader::default();
        let root = reader.root(json).map_err(|_| bad)?;
        if root.raw().first() != Some(&b'{') {
            return Err(bad);
        }
        let mut sink = SliceSink::new(out);
        for name in self.paginator.input_token {
            let mut cursor = 0;
            let mut value: &[u8] = b"null";
            while let Some((k, v)) = reader.next_entry(&root, &mut cursor).map_err(|_| bad)? {
                if k.text().map_err(|_| bad)?.eq_str(name) {
                    value = v.raw();
                }
            }
            sink.write_bytes(value)?;
            sink.write_bytes(&[SEP])?;
        }
        let mut cursor = 0;
        while let Some((k, v)) = reader.next_entry(&root, &mut cursor).map_err(|_| bad)? {
            if k.text().map_err(|_| bad)?.eq_str("boto_truncate_amount") {
                let n = core::str::from_utf8(v.raw()).map_err(|_| bad)?;
                self.starting_truncation = n.parse().map_err(|_| bad)?;
            }
        }
        self.cur = sink.written().len();
        Ok(())
    }

    fn tokens(&self, range: core::ops::Range<usize>) -> impl Iterator<Item = &[u8]> {
        self.buf
            .get(range)
            .unwrap_or(&[])
            .split(|b| *b == SEP)
            .take(self.paginator.input_token.len())
    }

    /// The paginator this state follows.
    pub fn paginator(&self) -> &'static Paginator {
        self.paginator
    }

    /// Whether the last page has been read.
    pub fn is_done(&self) -> bool {
        self.done
    }

    /// Items of the primary result key handed out so far.
    pub fn total_items(&self) -> usize {
        self.total
    }

    /// Writes the next request's input into `out`: `input` (a JSON object)
    /// with each non-null token and the page size set.
    pub fn input<'o>(&self, input: &str, out: &'o mut [u8]) -> Result<&'o str, PaginationError> {
        let body = input.trim();
        let inner = body
            .strip_prefix('{')
            .and_then(|b| b.strip_suffix('}'))
            .ok_or(PaginationError::BadInput)?;
        let mut sink = SliceSink::new(out);
        sink.write_bytes(b"{")?;
        sink.write_bytes(inner.as_bytes())?;
        let mut comma = !inner.trim().is_empty();
        let mut put = |sink: &mut SliceSink<'_>, name: &str, value: &[u8]| {
            if comma {
                sink.write_bytes(b",")?;
            }
            comma = true;
            crate::format::json::write_escaped(sink, name)?;
            sink.write_bytes(b":")?;
            sink.write_bytes(value)
        };
        for (name, value) in self
            .paginator
            .input_token
            .iter()
            .zip(self.tokens(0..self.cur))
        {
            if value != b"null" && value != b"\"None\"" {
                put(&mut sink, name, value)?;
            }
        }
        if let (Some(size), Some(key)) = (self.page_size, self.paginator.limit_key) {
            let mut n = heapless::String::<12>::new();
            let _ = fmt::write(&mut n, format_args!("{size}"));
            put(&mut sink, key, n.as_bytes())?;
        }
        sink.write_bytes(b"}")?;
        let len = sink.written().len();
        let written = out.get(..len).ok_or(PaginationError::BufferTooSmall)?;
        core::str::from_utf8(written).map_err(|_| PaginationError::BadInput)
    }

    /// Reads the page `output` (the parsed result of the request
    /// [`input`](Self::input) wrote): which items belong to the page and
    /// whether to go on; the next tokens are kept.
    pub fn after_page(&mut self, output: &Output<'_>) -> Result<Page, PaginationError> {
        let Some(shape) = output.shape else {
            self.done = true;
            return Ok(Page {
                skip: 0,
                take: None,
                more: false,
                resumed: false,
            });
        };
        let root = Value::root(output.node, shape, output.model);
        let (skip, resumed) = if self.first {
            (self.starting_truncation, self.resumed)
        } else {
            (0, false)
        };
        self.first = false;
        let primary = match self.paginator.result_key.first() {
            Some(k) => search(&k.expr, root)?.length()?.unwrap_or(0),
            None => 0,
        };
        let available = primary.saturating_sub(skip);
        if let Some(max) = self.config_max
            && self.total + available > max
        {
            let keep = max - self.total;
            self.truncated = Some(keep + skip);
            self.total = max;
            self.done = true;
            return Ok(Page {
                skip,
                take: Some(keep),
                more: false,
                resumed,
            });
        }
        self.total += available;
        // The next tokens go after the current ones, which become the previous.
        let (cur, rest) = self.buf.split_at_mut(self.cur);
        let mut sink = SliceSink::new(rest);
        let mut all_null = true;
        for key in self.paginator.output_token {
            let v = search(&key.expr, root)?;
            let start = sink.written().len();
            write_value(&mut sink, &v)?;
            all_null &= sink.written().get(start..) == Some(b"null");
            sink.write_bytes(&[SEP])?;
        }
        let next_len = sink.written().len();
        let same = rest.get(..next_len) == Some(&*cur);
        let more_flag = match self.paginator.more_results {
            Some(k) => search(&k.expr, root)?.is_truthy()?,
            None => true,
        };
        // The new tokens to the front.
        if let Some(both) = self.buf.get_mut(..self.cur + next_len) {
            both.rotate_left(self.cur);
        }
        self.cur = next_len;
        let done = all_null || !more_flag || self.config_max.is_some_and(|max| self.total == max);
        if !done && same {
            return Err(PaginationError::SameTokenTwice);
        }
        self.done = done;
        Ok(Page {
            skip,
            take: None,
            more: !done,
            resumed,
        })
    }

    /// botocore's `resume_token` after the pages read: `None` when the
    /// pagination ran to its end; base64 of `{"<input token>": …,
    /// "boto_truncate_amount": n}` when `MaxItems` cut a page, of the next
    /// tokens when it ended on a page boundary.
    pub fn resume_token<'o>(&self, out: &'o mut [u8]) -> Result<Option<&'o str>, PaginationError> {
        if !self.done {
            return Ok(None);
        }
        let range = match self.truncated {
            // The tokens that fetched the cut page: the previous ones.
            Some(_) => 0..self.cur,
            None if self.config_max.is_some_and(|m| self.total == m) => 0..self.cur,
            None => return Ok(None),
        };
        if self.truncated.is_none() && self.tokens(range.clone()).all(|t| t == b"null") {
            return Ok(None);
        }
        let mut json = [0u8; 1024];
        let mut sink = SliceSink::new(&mut json);
        sink.write_bytes(b"{")?;
        for (i, (name, value)) in self
            .paginator
            .input_token
            .iter()
            .zip(self.tokens(range))
            .enumerate()
        {
            if i > 0 {
                sink.write_bytes(b", ")?;
            }
            crate::format::json::write_escaped(&mut sink, name)?;
            sink.write_bytes(b": ")?;
            write_py_spaced(&mut sink, value)?;
        }
        if let Some(n) = self.truncated {
            let mut s = heapless::String::<48>::new();
            let _ = fmt::write(&mut s, format_args!(", \"boto_truncate_amount\": {n}"));
            sink.write_bytes(s.as_bytes())?;
        }
        sink.write_bytes(b"}")?;
        let len = sink.written().len();
        let mut b64 = SliceSink::new(out);
        crate::format::number::write_base64(&mut b64, json.get(..len).unwrap_or(&[]))?;
        let n = b64.written().len();
        Ok(out.get(..n).and_then(|s| core::str::from_utf8(s).ok()))
    }
}

/// Writes a token value as compact JSON.
fn write_value(sink: &mut dyn Sink, v: &Value<'_>) -> Result<(), PaginationError> {
    match v {
        Value::Null => sink.write_bytes(b"null")?,
        Value::Node(t) => Output {
            node: t.node,
            shape: Some(t.shape),
            model: t.model,
        }
        .write_json(&mut FmtOrSlice(sink))
        .map_err(PaginationError::Token)?,
        Value::Str(s) => crate::format::json::write_escaped(sink, s)?,
        Value::Bool(b) => sink.write_bytes(if *b { b"true" } else { b"false" })?,
        Value::Int(i) => crate::format::number::write_int(sink, *i)?,
        Value::Float(x) => crate::format::number::write_py_float(sink, *x)?,
        Value::List(..) => {
            return Err(PaginationError::Token(ToJsonError::Decode(
                DecodeError::WrongType,
            )));
        }
    }
    Ok(())
}

/// A `dyn Sink` as a sized one.
struct FmtOrSlice<'s>(&'s mut dyn Sink);

impl Sink for FmtOrSlice<'_> {
    fn write_bytes(&mut self, bytes: &[u8]) -> Result<(), WriteError> {
        self.0.write_bytes(bytes)
    }
}
