//! A small JSON tokenizer over byte spans: finds where a value ends, validating
//! it on the way with a bounded nesting depth, and walks object pairs and array
//! items without building anything.
//!
//! Why not `serde-json-core`: it deserializes into typed values through serde
//! and hands back copies; a protocol view needs the *spans* of values (to
//! borrow text, to pass documents through untouched and to find a member by
//! its wire name without knowing the whole type up front). Span walking is a
//! few hundred lines and keeps every step visible.

use crate::model::view::DecodeError;

/// The deepest nesting any JSON walker here accepts.
pub const MAX_DEPTH_LIMIT: usize = 128;

/// Index of the first non-whitespace byte at or after `i`.
pub(crate) fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while matches!(b.get(i), Some(b' ' | b'\t' | b'\n' | b'\r')) {
        i += 1;
    }
    i
}

/// `b[i]` is `"`; returns the index after the closing quote.
pub(crate) fn string_end(b: &[u8], i: usize) -> Result<usize, DecodeError> {
    if b.get(i) != Some(&b'"') {
        return Err(DecodeError::Malformed);
    }
    let mut i = i + 1;
    loop {
        match b.get(i) {
            None => return Err(DecodeError::Malformed),
            Some(b'"') => return Ok(i + 1),
            Some(b'\\') => match b.get(i + 1) {
                Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => i += 2,
                Some(b'u') => {
                    let hex = b.get(i + 2..i + 6).ok_or(DecodeError::Malformed)?;
                    if !hex.iter().all(u8::is_ascii_hexdigit) {
                        return Err(DecodeError::BadEscape);
                    }
                    i += 6;
                }
                Some(_) => return Err(DecodeError::BadEscape),
                None => return Err(DecodeError::Malformed),
            },
            Some(c) if *c < 0x20 => return Err(DecodeError::Malformed),
            Some(_) => i += 1,
        }
    }
}

fn digits_end(b: &[u8], mut i: usize) -> usize {
    while b.get(i).is_some_and(u8::is_ascii_digit) {
        i += 1;
    }
    i
}

/// `b[i]` starts a number; returns the index after it (JSON number grammar).
pub(crate) fn number_end(b: &[u8], mut i: usize) -> Result<usize, DecodeError> {
    if b.get(i) == Some(&b'-') {
        i += 1;
    }
    match b.get(i) {
        Some(b'0') => i += 1,
        Some(b'1'..=b'9') => i = digits_end(b, i),
        _ => return Err(DecodeError::Malformed),
    }
    if b.get(i) == Some(&b'.') {
        let j = digits_end(b, i + 1);
        if j == i + 1 {
            return Err(DecodeError::Malformed);
        }
        i = j;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        let j = digits_end(b, i);
        if j == i {
            return Err(DecodeError::Malformed);
        }
        i = j;
    }
    Ok(i)
}

fn literal_end(b: &[u8], i: usize, word: &[u8]) -> Result<usize, DecodeError> {
    let end = i + word.len();
    if b.get(i..end) == Some(word) {
        Ok(end)
    } else {
        Err(DecodeError::Malformed)
    }
}

/// Reads `"key" :` at `i` (after whitespace); returns the key span and the index after `:`.
fn key_colon(b: &[u8], i: usize) -> Result<(usize, usize, usize), DecodeError> {
    let start = skip_ws(b, i);
    let end = string_end(b, start)?;
    let colon = skip_ws(b, end);
    if b.get(colon) != Some(&b':') {
        return Err(DecodeError::Malformed);
    }
    Ok((start, end, colon + 1))
}

/// A stack of open containers as bits (1 = object), at most 128 deep.
struct Stack {
    bits: u128,
    depth: usize,
    max: usize,
}

impl Stack {
    fn push(&mut self, object: bool) -> Result<(), DecodeError> {
        if self.depth >= self.max {
            return Err(DecodeError::Malformed);
        }
        self.bits = (self.bits << 1) | u128::from(object);
        self.depth += 1;
        Ok(())
    }
    fn pop(&mut self) {
        self.bits >>= 1;
        self.depth -= 1;
    }
    fn top_is_object(&self) -> bool {
        self.bits & 1 == 1
    }
}

/// The value starting at `i` (after whitespace) ends where the result says;
/// the whole value is checked against JSON's grammar, nested at most `max_depth` deep.
pub(crate) fn value_end(b: &[u8], i: usize, max_depth: usize) -> Result<usize, DecodeError> {
    let mut stack = Stack {
        bits: 0,
        depth: 0,
        max: max_depth.min(MAX_DEPTH_LIMIT),
    };
    let mut i = skip_ws(b, i);
    loop {
        // A value starts at i.
        match b.get(i) {
            Some(b'{') => {
                stack.push(true)?;
                let j = skip_ws(b, i + 1);
                if b.get(j) == Some(&b'}') {
                    stack.pop();
                    i = j + 1;
                } else {
                    let (_, _, after) = key_colon(b, j)?;
                    i = skip_ws(b, after);
                    continue;
                }
            }
            Some(b'[') => {
                stack.push(false)?;
                let j = skip_ws(b, i + 1);
                if b.get(j) == Some(&b']') {
                    stack.pop();
                    i = j + 1;
                } else {
                    i = j;
                    continue;
                }
            }
            Some(b'"') => i = string_end(b, i)?,
            Some(b't') => i = literal_end(b, i, b"true")?,
            Some(b'f') => i = literal_end(b, i, b"false")?,
            Some(b'n') => i = literal_end(b, i, b"null")?,
            Some(b'-' | b'0'..=b'9') => i = number_end(b, i)?,
            _ => return Err(DecodeError::Malformed),
        }
        // After a value: close containers or move to the next element.
        loop {
            if stack.depth == 0 {
                return Ok(i);
            }
            let j = skip_ws(b, i);
            let object = stack.top_is_object();
            match b.get(j) {
                Some(b',') if object => {
                    let (_, _, after) = key_colon(b, j + 1)?;
                    i = skip_ws(b, after);
                    break;
                }
                Some(b',') => {
                    i = skip_ws(b, j + 1);
                    break;
                }
                Some(b'}') if object => {
                    stack.pop();
                    i = j + 1;
                }
                Some(b']') if !object => {
                    stack.pop();
                    i = j + 1;
                }
                _ => return Err(DecodeError::Malformed),
            }
        }
    }
}

/// Walks the members of the object `obj` (a validated object span), pair by pair.
pub(crate) struct Pairs<'a> {
    b: &'a [u8],
    i: usize,
    started: bool,
    max_depth: usize,
}

/// One object member: spans of the key (with quotes) and the value.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Pair {
    pub key: (usize, usize),
    pub value: (usize, usize),
}

impl<'a> Pairs<'a> {
    /// Pairs of the object `b` (must start with `{`).
    pub(crate) fn new(b: &'a [u8], max_depth: usize) -> Result<Self, DecodeError> {
        if b.first() != Some(&b'{') {
            return Err(DecodeError::WrongType);
        }
        Ok(Pairs {
            b,
            i: 1,
            started: false,
            max_depth,
        })
    }

    /// Resumes after a pair that ended at `i`.
    pub(crate) fn resume(b: &'a [u8], i: usize, max_depth: usize) -> Self {
        Pairs {
            b,
            i,
            started: true,
            max_depth,
        }
    }

    /// The next pair, or `None` at `}`.
    pub(crate) fn next_pair(&mut self) -> Result<Option<Pair>, DecodeError> {
        let mut j = skip_ws(self.b, self.i);
        match self.b.get(j) {
            Some(b'}') => return Ok(None),
            Some(b',') if self.started => j += 1,
            _ if !self.started => {}
            _ => return Err(DecodeError::Malformed),
        }
        let (ks, ke, after) = key_colon(self.b, j)?;
        let vs = skip_ws(self.b, after);
        let ve = value_end(self.b, vs, self.max_depth)?;
        self.i = ve;
        self.started = true;
        Ok(Some(Pair {
            key: (ks, ke),
            value: (vs, ve),
        }))
    }

    /// Where the walk stands (to resume later).
    pub(crate) fn position(&self) -> usize {
        self.i
    }
}

/// Walks the items of the array `b` (must start with `[`).
pub(crate) struct Items<'a> {
    b: &'a [u8],
    i: usize,
    started: bool,
    max_depth: usize,
}

impl<'a> Items<'a> {
    /// Items of the array `b`.
    pub(crate) fn new(b: &'a [u8], max_depth: usize) -> Result<Self, DecodeError> {
        if b.first() != Some(&b'[') {
            return Err(DecodeError::WrongType);
        }
        Ok(Items {
            b,
            i: 1,
            started: false,
            max_depth,
        })
    }

    /// Resumes after an item that ended at `i`.
    pub(crate) fn resume(b: &'a [u8], i: usize, max_depth: usize) -> Self {
        Items {
            b,
            i,
            started: true,
            max_depth,
        }
    }

    /// The next item's span, or `None` at `]`.
    pub(crate) fn next_item(&mut self) -> Result<Option<(usize, usize)>, DecodeError> {
        let mut j = skip_ws(self.b, self.i);
        match self.b.get(j) {
            Some(b']') => return Ok(None),
            Some(b',') if self.started => j += 1,
            _ if !self.started => {}
            _ => return Err(DecodeError::Malformed),
        }
        let vs = skip_ws(self.b, j);
        let ve = value_end(self.b, vs, self.max_depth)?;
        self.i = ve;
        self.started = true;
        Ok(Some((vs, ve)))
    }

    /// Where the walk stands.
    pub(crate) fn position(&self) -> usize {
        self.i
    }
}

/// Checks that `body` is one JSON value with only whitespace around it; returns its span.
pub(crate) fn whole_value(body: &[u8], max_depth: usize) -> Result<(usize, usize), DecodeError> {
    let start = skip_ws(body, 0);
    let end = value_end(body, start, max_depth)?;
    if skip_ws(body, end) != body.len() {
        return Err(DecodeError::Malformed);
    }
    Ok((start, end))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_value_ends_and_rejects_bad_json() {
        let ok: &[&str] = &[
            "0",
            "-1.5e+3",
            "\"a\\u00e9\\n\"",
            "true",
            "null",
            "[]",
            "{}",
            "[1,[2,{\"a\":[]}],3]",
            "{ \"a\" : { \"b\" : [ true , false ] } }",
        ];
        for s in ok {
            assert_eq!(whole_value(s.as_bytes(), 64), Ok((0, s.len())), "{s}");
        }
        let bad: &[&str] = &[
            "",
            "01",
            "-",
            "1.",
            "1e",
            "[1,]",
            "{\"a\":1,}",
            "{\"a\" 1}",
            "[1 2]",
            "{1:2}",
            "\"abc",
            "\"\\x\"",
            "\"\\u12\"",
            "tru",
            "[}",
            "{]",
            "[[]",
            "\"\u{1}\"",
            "1 2",
        ];
        for s in bad {
            assert!(whole_value(s.as_bytes(), 64).is_err(), "{s:?} should fail");
        }
    }

    #[test]
    fn depth_is_bounded() {
        let mut deep = [b'['; 300];
        deep[150..].fill(b']');
        let deep = &deep[..300];
        assert_eq!(whole_value(deep, 200), Err(DecodeError::Malformed));
        assert!(whole_value(&deep[100..200], 128).is_ok());
        assert!(whole_value(&deep[100..200], 49).is_err());
    }
}
