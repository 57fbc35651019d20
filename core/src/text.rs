//! Text and byte helpers: splits of `str`s at an ASCII separator by a byte
//! search, whitespace as Python's `str` methods see it, and a short-copy
//! routine.
//!
//! `str::rsplit_once(char)` instantiates core's generic char searcher (a few
//! hundred bytes of flash per pattern type on a Cortex-M); the separators
//! here are all ASCII, for which a byte search finds the same place.
//!
//! Text botocore reads with `str.split()`, `str.strip()`, `int()` or
//! `float()` is cut at Python's whitespace: `str.isspace()`, which is
//! Unicode's `White_Space` property (what [`char::is_whitespace`] tests)
//! plus the four ASCII information separators U+001C..U+001F. Written as one
//! match, it also keeps core's Unicode whitespace table out of the build.

/// The longest prefix of `s` that is at most `max` bytes long and ends on a
/// character boundary.
pub(crate) fn prefix_within(s: &str, max: usize) -> &str {
    let mut end = s.len().min(max);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s.get(..end).unwrap_or("")
}

/// `s.find(sep)` for an ASCII `sep`: the byte offset of its first occurrence.
pub(crate) fn find_ascii(s: &str, sep: u8) -> Option<usize> {
    debug_assert!(sep.is_ascii());
    s.bytes().position(|b| b == sep)
}

/// `s.split_once(sep)` for an ASCII `sep`: the text before and after its
/// first occurrence.
pub(crate) fn split_once_ascii(s: &str, sep: u8) -> Option<(&str, &str)> {
    let at = find_ascii(s, sep)?;
    // An ASCII byte is a whole character: both sides are on char boundaries.
    Some((s.get(..at)?, s.get(at + 1..)?))
}

/// `s.split(sep)` for an ASCII `sep`: the pieces between its occurrences.
pub(crate) fn split_ascii(s: &str, sep: u8) -> SplitAscii<'_> {
    SplitAscii { rest: Some(s), sep }
}

/// The iterator [`split_ascii`] returns.
#[derive(Clone)]
pub(crate) struct SplitAscii<'a> {
    rest: Option<&'a str>,
    sep: u8,
}

impl<'a> Iterator for SplitAscii<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let rest = self.rest?;
        match split_once_ascii(rest, self.sep) {
            Some((piece, tail)) => {
                self.rest = Some(tail);
                Some(piece)
            }
            None => {
                self.rest = None;
                Some(rest)
            }
        }
    }
}

/// `s.rsplit_once(sep)` for an ASCII `sep`: the text before and after its
/// last occurrence.
pub(crate) fn rsplit_once_ascii(s: &str, sep: u8) -> Option<(&str, &str)> {
    debug_assert!(sep.is_ascii());
    let at = s.bytes().rposition(|b| b == sep)?;
    // An ASCII byte is a whole character: both sides are on char boundaries.
    Some((s.get(..at)?, s.get(at + 1..)?))
}

/// Whether Python's `str.isspace()` holds for `c`.
pub(crate) fn is_py_space(c: char) -> bool {
    matches!(
        c,
        '\t'..='\r'
            | '\u{1c}'..=' '
            | '\u{85}'
            | '\u{a0}'
            | '\u{1680}'
            | '\u{2000}'..='\u{200a}'
            | '\u{2028}'
            | '\u{2029}'
            | '\u{202f}'
            | '\u{205f}'
            | '\u{3000}'
    )
}

/// `text` without leading and trailing whitespace, as `str.strip()` gives it.
pub(crate) fn py_strip(text: &str) -> &str {
    let mut words = PyWords { text, at: 0 };
    let Some((start, mut end)) = words.next_span() else {
        return "";
    };
    while let Some((_, e)) = words.next_span() {
        end = e;
    }
    text.get(start..end).unwrap_or("")
}

/// The words of `text`, as `str.split()` with no separator gives them.
pub(crate) fn py_words(text: &str) -> PyWords<'_> {
    PyWords { text, at: 0 }
}

/// The iterator [`py_words`] returns. A scan by hand rather than
/// `str::split(is_py_space)`, whose generic predicate searcher cost the
/// firmware 120 bytes of flash more.
pub(crate) struct PyWords<'a> {
    text: &'a str,
    at: usize,
}

impl PyWords<'_> {
    /// The byte range of the next word.
    fn next_span(&mut self) -> Option<(usize, usize)> {
        let rest = self.text.get(self.at..)?;
        let start = self.at + first_where(rest, false)?;
        let word = self.text.get(start..)?;
        let end = start + first_where(word, true).unwrap_or(word.len());
        self.at = end;
        Some((start, end))
    }
}

impl<'a> Iterator for PyWords<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let (start, end) = self.next_span()?;
        self.text.get(start..end)
    }
}

/// The offset of the first character of `s` that is (`space`) or is not
/// (`!space`) whitespace.
fn first_where(s: &str, space: bool) -> Option<usize> {
    s.char_indices()
        .find(|&(_, c)| is_py_space(c) == space)
        .map(|(i, _)| i)
}

/// Copies `src` into `dst` (of the same length; otherwise nothing is copied).
/// Up to 64 bytes go as two overlapping fixed-size moves instead of a call to
/// `memcpy`: most pieces of canonical text are that short.
#[inline]
pub(crate) fn copy_bytes(dst: &mut [u8], src: &[u8]) {
    #[inline]
    fn two<const W: usize>(dst: &mut [u8], src: &[u8]) {
        let n = src.len();
        if let (Some(d), Some(s)) = (dst.get_mut(..W), src.get(..W)) {
            d.copy_from_slice(s);
        }
        if let (Some(d), Some(s)) = (dst.get_mut(n - W..), src.get(n - W..))
            && d.len() == W
        {
            d.copy_from_slice(s);
        }
    }
    let n = src.len();
    if dst.len() != n {
        return;
    }
    match n {
        0 => {}
        1..=3 => dst.iter_mut().zip(src).for_each(|(d, s)| *d = *s),
        4..=7 => two::<4>(dst, src),
        8..=15 => two::<8>(dst, src),
        16..=31 => two::<16>(dst, src),
        32..=64 => two::<32>(dst, src),
        _ => dst.copy_from_slice(src),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copy_bytes_every_length() {
        let src: [u8; 80] = core::array::from_fn(|i| i as u8 + 1);
        for n in 0..=80 {
            let mut dst = [0u8; 80];
            copy_bytes(&mut dst[..n], &src[..n]);
            assert_eq!(&dst[..n], &src[..n]);
            assert!(dst[n..].iter().all(|&b| b == 0));
        }
    }

    #[test]
    fn pythons_whitespace_is_unicodes_plus_the_ascii_separators() {
        for c in (0..=0x10_FFFF).filter_map(char::from_u32) {
            let expected = c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c);
            assert_eq!(is_py_space(c), expected, "U+{:04X}", u32::from(c));
        }
        let cases = [
            "",
            " ",
            "a",
            " a ",
            "\u{1e} 42\u{a0}\n",
            " a\u{2003}b \t\u{1f}c ",
            "é ü",
            "  x  y",
            "\u{3000}",
            "a\u{85}\u{85}b\u{200b}c ",
        ];
        for text in cases {
            let strip = |c: char| c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c);
            assert_eq!(py_strip(text), text.trim_matches(strip), "{text:?}");
            let split = text.split(strip).filter(|w| !w.is_empty());
            assert!(py_words(text).eq(split), "{text:?}");
        }
    }

    #[test]
    fn agrees_with_the_str_methods() {
        for s in [
            "", "#", "##", "a#b", "a#b#c", "abc", "#abc", "abc#", "é#ü", "ü#", "a::b", "[::1]:80",
        ] {
            for sep in [b'#', b':', b'@', b'['] {
                let c = char::from(sep);
                assert_eq!(find_ascii(s, sep), s.find(c), "{s:?} {sep}");
                assert_eq!(split_once_ascii(s, sep), s.split_once(c), "{s:?} {sep}");
                assert!(split_ascii(s, sep).eq(s.split(c)), "{s:?} {sep}");
            }
        }
    }

    #[test]
    fn prefixes_end_on_character_boundaries() {
        let s = "aé€😀";
        let cut: [&str; 12] = [
            "",
            "a",
            "a",
            "aé",
            "aé",
            "aé",
            "aé€",
            "aé€",
            "aé€",
            "aé€",
            "aé€😀",
            "aé€😀",
        ];
        for (max, want) in cut.iter().enumerate() {
            assert_eq!(prefix_within(s, max), *want, "{max}");
        }
    }

    #[test]
    fn agrees_with_rsplit_once() {
        for s in [
            "", "#", "a#b", "a#b#c", "abc", "#abc", "abc#", "é#ü", "ü#", "a::b", "[::1]:80",
        ] {
            for sep in [b'#', b':', b'@', b'['] {
                assert_eq!(
                    rsplit_once_ascii(s, sep),
                    s.rsplit_once(char::from(sep)),
                    "{s:?} {sep}"
                );
            }
        }
    }
}
