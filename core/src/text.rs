//! Splits of `str`s at an ASCII separator by a byte search.
//!
//! `str::rsplit_once(char)` instantiates core's generic char searcher (a few
//! hundred bytes of flash per pattern type on a Cortex-M); the separators
//! here are all ASCII, for which a byte search finds the same place.

/// `s.rsplit_once(sep)` for an ASCII `sep`: the text before and after its
/// last occurrence.
pub(crate) fn rsplit_once_ascii(s: &str, sep: u8) -> Option<(&str, &str)> {
    debug_assert!(sep.is_ascii());
    let at = s.bytes().rposition(|b| b == sep)?;
    // An ASCII byte is a whole character: both sides are on char boundaries.
    Some((s.get(..at)?, s.get(at + 1..)?))
}

#[cfg(test)]
mod tests {
    use super::*;

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
