//! Text helpers: splits of `str`s at an ASCII separator by a byte search,
//! and whitespace as Python's `str` methods see it.
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
    text.trim_matches(is_py_space)
}

/// The words of `text`, as `str.split()` with no separator gives them.
pub(crate) fn py_words(text: &str) -> impl Iterator<Item = &str> {
    text.split(is_py_space).filter(|w| !w.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pythons_whitespace_is_unicodes_plus_the_ascii_separators() {
        for c in (0..=0x10_FFFF).filter_map(char::from_u32) {
            let expected = c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c);
            assert_eq!(is_py_space(c), expected, "U+{:04X}", u32::from(c));
        }
        assert_eq!(py_strip("\u{1e} 42\u{a0}\n"), "42");
        let words: heapless::Vec<&str, 4> = py_words(" a\u{2003}b \t\u{1f}c ").collect();
        assert_eq!(words, ["a", "b", "c"]);
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
