//! The INI dialect botocore reads: Python's `configparser.RawConfigParser`
//! with its defaults, plus botocore's one level of nested blocks.
//!
//! No published crate reads this dialect as Python does (indented
//! continuation lines that become nested `s3 =` blocks, `:` as a second
//! delimiter, no inline comments, a `DEFAULT` section inherited by every
//! other, duplicate sections and keys refused), so this small parser follows
//! `configparser._read` rule by rule:
//!
//! * a line whose stripped text starts with `#` or `;` is a comment; a `#`
//!   later on a line is part of the value;
//! * `[name]` starts a section (the name runs to the line's last `]`);
//! * `key = value` or `key: value` sets a key, split at the first `=` or `:`;
//!   keys are lower-cased, keys and values stripped;
//! * a line indented deeper than the key's line continues its value (blank
//!   lines inside are kept, comments dropped); a value that starts on the
//!   next line (`s3 =` followed by indented `key = value` lines) is a nested
//!   block, split at the first `=` of each line;
//! * text before the first section, a line without a delimiter, an empty key,
//!   a section or key seen twice, or bytes that are not UTF-8 are errors that
//!   name the line.
//!
//! ```
//! use stratus_transport_std::config::ini::{parse, Value};
//! let text = "[default]\nregion = eu-west-1\ns3 =\n  addressing_style = path\n";
//! let file = parse(text.as_bytes()).unwrap();
//! let default = file.section("default").unwrap();
//! assert_eq!(default.get("region"), Some(&Value::Text("eu-west-1".into())));
//! assert_eq!(default.nested("s3").unwrap().get("addressing_style").map(String::as_str), Some("path"));
//! ```

use std::collections::BTreeMap;
use std::fmt;

/// A key's value: text, or a nested block of `key = value` lines. (Its
/// `Debug` shows the text: print [`Section`]s, which hide secret keys.)
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Value {
    /// A plain value (continuation lines joined with `\n`).
    Text(String),
    /// A nested block (`s3 =` followed by indented lines). Its keys keep their
    /// case, as botocore's.
    Nested(BTreeMap<String, String>),
}

impl Value {
    /// The text, when the value is not a nested block.
    pub fn as_text(&self) -> Option<&str> {
        match self {
            Value::Text(t) => Some(t),
            Value::Nested(_) => None,
        }
    }
}

/// One section: its keys in a map (lower-cased names).
///
/// `Debug` shows every key but hides the values of secret ones (any key
/// holding `secret`, `token` or `password`).
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Section {
    entries: BTreeMap<String, Value>,
}

/// Whether a key's value must not be shown.
fn is_secret(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    ["secret", "token", "password"]
        .iter()
        .any(|s| k.contains(s))
}

impl fmt::Debug for Section {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut map = f.debug_map();
        for (k, v) in &self.entries {
            match v {
                Value::Text(_) if is_secret(k) => map.entry(k, &"** redacted **"),
                Value::Text(t) => map.entry(k, t),
                Value::Nested(m) => map.entry(
                    k,
                    &m.iter()
                        .map(|(nk, nv)| {
                            (
                                nk.as_str(),
                                if is_secret(nk) {
                                    "** redacted **"
                                } else {
                                    nv.as_str()
                                },
                            )
                        })
                        .collect::<BTreeMap<_, _>>(),
                ),
            };
        }
        map.finish()
    }
}

impl Section {
    /// The value of `key` (lower-case).
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.entries.get(key)
    }

    /// The text value of `key`; `None` when absent or nested.
    pub fn text(&self, key: &str) -> Option<&str> {
        self.entries.get(key).and_then(Value::as_text)
    }

    /// The nested block under `key`; `None` when absent or plain text.
    pub fn nested(&self, key: &str) -> Option<&BTreeMap<String, String>> {
        match self.entries.get(key) {
            Some(Value::Nested(m)) => Some(m),
            _ => None,
        }
    }

    /// Whether `key` is present.
    pub fn contains(&self, key: &str) -> bool {
        self.entries.contains_key(key)
    }

    /// The keys and values, sorted by key.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.entries.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// How many keys the section holds.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the section holds no key.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Sets `key` (replacing what was there): for merging files.
    pub fn insert(&mut self, key: String, value: Value) {
        self.entries.insert(key, value);
    }
}

/// A parsed file: sections in file order (`DEFAULT` folded into each).
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct IniFile {
    sections: Vec<(String, Section)>,
}

impl IniFile {
    /// The section named `name` (case-sensitive, as configparser's).
    pub fn section(&self, name: &str) -> Option<&Section> {
        self.sections
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, s)| s)
    }

    /// The sections in file order.
    pub fn sections(&self) -> impl Iterator<Item = (&str, &Section)> {
        self.sections.iter().map(|(n, s)| (n.as_str(), s))
    }
}

/// Why a file could not be parsed; the line is 1-based.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum IniError {
    /// The bytes are not UTF-8 (Python's `UnicodeDecodeError`).
    NotUtf8 {
        /// The line holding the first bad byte.
        line: usize,
    },
    /// A key line comes before any `[section]`.
    MissingSectionHeader {
        /// The line.
        line: usize,
    },
    /// A line is neither a section, a `key = value` nor a continuation.
    NoDelimiter {
        /// The line.
        line: usize,
    },
    /// A line starts with its delimiter: the key is empty.
    EmptyKey {
        /// The line.
        line: usize,
    },
    /// A section appears twice in one file.
    DuplicateSection {
        /// The line of the second header.
        line: usize,
        /// The section.
        section: String,
    },
    /// A key appears twice in one section.
    DuplicateKey {
        /// The line of the second key.
        line: usize,
        /// The section.
        section: String,
        /// The key.
        key: String,
    },
    /// A line of a nested block has no `=`.
    NestedNoEquals {
        /// The line.
        line: usize,
        /// The key the block belongs to.
        key: String,
    },
}

impl IniError {
    /// The 1-based line the error is on.
    pub fn line(&self) -> usize {
        match self {
            IniError::NotUtf8 { line }
            | IniError::MissingSectionHeader { line }
            | IniError::NoDelimiter { line }
            | IniError::EmptyKey { line }
            | IniError::DuplicateSection { line, .. }
            | IniError::DuplicateKey { line, .. }
            | IniError::NestedNoEquals { line, .. } => *line,
        }
    }
}

impl fmt::Display for IniError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IniError::NotUtf8 { .. } => f.write_str("the file is not valid UTF-8"),
            IniError::MissingSectionHeader { .. } => {
                f.write_str("a setting comes before any [section] header")
            }
            IniError::NoDelimiter { .. } => {
                f.write_str("expected `key = value`, a [section] header or a comment")
            }
            IniError::EmptyKey { .. } => f.write_str("the line has a value but no key"),
            IniError::DuplicateSection { section, .. } => {
                write!(f, "section [{section}] appears twice")
            }
            IniError::DuplicateKey { section, key, .. } => {
                write!(f, "key `{key}` appears twice in section [{section}]")
            }
            IniError::NestedNoEquals { key, .. } => write!(
                f,
                "the nested block under `{key}` has a line without `key = value`"
            ),
        }
    }
}

/// Python's `str.isspace` for one character (it counts the ASCII information
/// separators, which Rust's `char::is_whitespace` does not).
fn py_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

fn py_strip(s: &str) -> &str {
    s.trim_matches(py_space)
}

/// Splits bytes into lines as Python's universal newlines do (`\n`, `\r\n`,
/// `\r`), checking UTF-8 line by line so the error names the line.
fn lines(bytes: &[u8]) -> Result<Vec<&str>, IniError> {
    let mut ranges = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => {
                ranges.push((start, i));
                i += 1;
                start = i;
            }
            b'\r' => {
                ranges.push((start, i));
                i += if bytes.get(i + 1) == Some(&b'\n') {
                    2
                } else {
                    1
                };
                start = i;
            }
            _ => i += 1,
        }
    }
    if start < bytes.len() {
        ranges.push((start, bytes.len()));
    }
    ranges
        .into_iter()
        .enumerate()
        .map(|(n, (from, to))| {
            std::str::from_utf8(&bytes[from..to]).map_err(|_| IniError::NotUtf8 { line: n + 1 })
        })
        .collect()
}

/// A value being read: its lines and the line numbers they came from.
struct Pending {
    key: String,
    parts: Vec<(usize, String)>,
}

struct RawSection {
    name: String,
    entries: Vec<Pending>,
}

/// The name of a `[section]` line, as configparser's `\[(?P<header>.+)\]`
/// matches the stripped line.
fn header(value: &str) -> Option<&str> {
    let rest = value.strip_prefix('[')?;
    let close = rest.rfind(']')?;
    let name = &rest[..close];
    (!name.is_empty()).then_some(name)
}

/// Parses a whole file. See the [module docs](self).
pub fn parse(bytes: &[u8]) -> Result<IniFile, IniError> {
    let lines = lines(bytes)?;
    let mut sections: Vec<RawSection> = Vec::new();
    let mut defaults: Vec<Pending> = Vec::new();
    // Which of the two is being filled: None before any header,
    // Some(None) for DEFAULT, Some(Some(i)) for sections[i].
    let mut current: Option<Option<usize>> = None;
    let mut has_key = false;
    let mut indent_level = 0usize;
    for (index, raw) in lines.iter().enumerate() {
        let line_no = index + 1;
        let stripped = py_strip(raw);
        let is_comment = stripped.starts_with('#') || stripped.starts_with(';');
        let value = if is_comment { "" } else { stripped };
        let target: Option<&mut Vec<Pending>> = match current {
            None => None,
            Some(None) => Some(&mut defaults),
            Some(Some(i)) => Some(&mut sections[i].entries),
        };
        if value.is_empty() {
            // A blank line (not a comment) inside a value is kept.
            if let Some(p) = target
                .filter(|_| !is_comment && has_key)
                .and_then(|t| t.last_mut())
            {
                p.parts.push((line_no, String::new()));
            }
            continue;
        }
        let cur_indent = raw.chars().take_while(|c| py_space(*c)).count();
        if let Some(t) = target.filter(|_| has_key && cur_indent > indent_level) {
            if let Some(p) = t.last_mut() {
                p.parts.push((line_no, value.to_string()));
            }
            continue;
        }
        indent_level = cur_indent;
        if let Some(name) = header(value) {
            if name == "DEFAULT" {
                current = Some(None);
            } else if sections.iter().any(|s| s.name == name) {
                return Err(IniError::DuplicateSection {
                    line: line_no,
                    section: name.to_string(),
                });
            } else {
                sections.push(RawSection {
                    name: name.to_string(),
                    entries: Vec::new(),
                });
                current = Some(Some(sections.len() - 1));
            }
            has_key = false;
            continue;
        }
        let (section_name, entries) = match current {
            None => return Err(IniError::MissingSectionHeader { line: line_no }),
            Some(None) => ("DEFAULT", &mut defaults),
            Some(Some(i)) => {
                let s = &mut sections[i];
                (s.name.as_str(), &mut s.entries)
            }
        };
        let Some(at) = value.find(['=', ':']) else {
            return Err(IniError::NoDelimiter { line: line_no });
        };
        let key = py_strip(&value[..at]).to_lowercase();
        if key.is_empty() {
            return Err(IniError::EmptyKey { line: line_no });
        }
        if entries.iter().any(|p| p.key == key) {
            return Err(IniError::DuplicateKey {
                line: line_no,
                section: section_name.to_string(),
                key,
            });
        }
        let first = py_strip(&value[at + 1..]).to_string();
        entries.push(Pending {
            key,
            parts: vec![(line_no, first)],
        });
        has_key = true;
    }

    let defaults = finish(defaults)?;
    let mut out = IniFile::default();
    for raw in sections {
        let mut section = finish(raw.entries)?;
        for (k, v) in &defaults.entries {
            section
                .entries
                .entry(k.clone())
                .or_insert_with(|| v.clone());
        }
        out.sections.push((raw.name, section));
    }
    Ok(out)
}

/// Joins each value's lines (trailing blank lines dropped, as configparser's
/// `rstrip`) and reads nested blocks.
fn finish(entries: Vec<Pending>) -> Result<Section, IniError> {
    let mut section = Section::default();
    for p in entries {
        let joined: Vec<&str> = p.parts.iter().map(|(_, s)| s.as_str()).collect();
        let text = joined.join("\n");
        let text = text.trim_end_matches(py_space);
        let value = if text.starts_with('\n') {
            let mut nested = BTreeMap::new();
            for (line, part) in p.parts.iter().skip(1) {
                let part = py_strip(part);
                if part.is_empty() {
                    continue;
                }
                let Some((k, v)) = part.split_once('=') else {
                    return Err(IniError::NestedNoEquals {
                        line: *line,
                        key: p.key.clone(),
                    });
                };
                nested.insert(py_strip(k).to_string(), py_strip(v).to_string());
            }
            Value::Nested(nested)
        } else {
            Value::Text(text.to_string())
        };
        section.entries.insert(p.key, value);
    }
    Ok(section)
}

/// Splits `s` into words as Python's `shlex.split` (POSIX mode) does: blanks
/// separate words, `'…'` quotes literally, `"…"` quotes with `\"` and `\\`
/// escapes, a backslash outside quotes escapes the next character. `None`
/// for an unclosed quote or a trailing backslash (Python's `ValueError`).
///
/// ```
/// use stratus_transport_std::config::ini::shlex_split;
/// assert_eq!(shlex_split(r#"profile "my dev""#).unwrap(), ["profile", "my dev"]);
/// assert_eq!(shlex_split("a '' b\\ c").unwrap(), ["a", "", "b c"]);
/// assert!(shlex_split("unclosed 'quote").is_none());
/// ```
pub fn shlex_split(s: &str) -> Option<Vec<String>> {
    #[derive(PartialEq)]
    enum State {
        Blank,
        Word,
        Single,
        Double,
    }
    let mut words = Vec::new();
    let mut word = String::new();
    let mut state = State::Blank;
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match state {
            State::Blank | State::Word => match c {
                ' ' | '\t' | '\r' | '\n' => {
                    if state == State::Word {
                        words.push(std::mem::take(&mut word));
                        state = State::Blank;
                    }
                }
                '\\' => {
                    word.push(chars.next()?);
                    state = State::Word;
                }
                '\'' => state = State::Single,
                '"' => state = State::Double,
                _ => {
                    word.push(c);
                    state = State::Word;
                }
            },
            State::Single => match c {
                '\'' => state = State::Word,
                _ => word.push(c),
            },
            State::Double => match c {
                '"' => state = State::Word,
                '\\' => {
                    let next = chars.next()?;
                    if next != '"' && next != '\\' {
                        word.push('\\');
                    }
                    word.push(next);
                }
                _ => word.push(c),
            },
        }
    }
    match state {
        State::Single | State::Double => None,
        State::Word => {
            words.push(word);
            Some(words)
        }
        State::Blank => Some(words),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(file: &IniFile, section: &str, key: &str) -> Option<String> {
        file.section(section)?.text(key).map(str::to_string)
    }

    #[test]
    fn configparser_rules() {
        let src = "# comment\n; other\n[default]\nRegion = us-west-2 # not a comment\n\
                   output: json\nmulti = a\n  b\n\n  c\n\n[profile x]\ns3 =\n  # skipped\n  addressing_style = path\n\n  Max_Conc = 4=5\n";
        let f = parse(src.as_bytes()).unwrap();
        assert_eq!(
            text(&f, "default", "region").as_deref(),
            Some("us-west-2 # not a comment")
        );
        assert_eq!(text(&f, "default", "output").as_deref(), Some("json"));
        assert_eq!(text(&f, "default", "multi").as_deref(), Some("a\nb\n\nc"));
        let s3 = f.section("profile x").unwrap().nested("s3").unwrap();
        assert_eq!(s3.get("addressing_style").unwrap(), "path");
        assert_eq!(s3.get("Max_Conc").unwrap(), "4=5");
    }

    #[test]
    fn default_section_is_inherited() {
        let f = parse(b"[DEFAULT]\nregion = a\nx = 1\n[one]\nregion = b\n[two]\n").unwrap();
        assert_eq!(text(&f, "one", "region").as_deref(), Some("b"));
        assert_eq!(text(&f, "one", "x").as_deref(), Some("1"));
        assert_eq!(text(&f, "two", "region").as_deref(), Some("a"));
        assert!(f.section("DEFAULT").is_none());
    }

    #[test]
    fn errors_name_the_line() {
        let cases: [(&[u8], IniError); 6] = [
            (b"region = x\n", IniError::MissingSectionHeader { line: 1 }),
            (b"[a]\nok = 1\njunk\n", IniError::NoDelimiter { line: 3 }),
            (b"[a]\n= v\n", IniError::EmptyKey { line: 2 }),
            (
                b"[a]\n[b]\n[a]\n",
                IniError::DuplicateSection {
                    line: 3,
                    section: "a".into(),
                },
            ),
            (
                b"[a]\nk = 1\nK = 2\n",
                IniError::DuplicateKey {
                    line: 3,
                    section: "a".into(),
                    key: "k".into(),
                },
            ),
            (
                b"[a]\ns3 =\n  ok = 1\n  bad: 2\n",
                IniError::NestedNoEquals {
                    line: 4,
                    key: "s3".into(),
                },
            ),
        ];
        for (src, want) in cases {
            assert_eq!(parse(src), Err(want));
        }
        assert_eq!(
            parse(b"[a]\nk = \xff\n"),
            Err(IniError::NotUtf8 { line: 2 })
        );
    }

    #[test]
    fn headers_and_newlines() {
        let f = parse(b"[a] trailing\r\nk=1\r[b]c]\n").unwrap();
        assert_eq!(text(&f, "a", "k").as_deref(), Some("1"));
        assert!(f.section("b]c").is_some());
    }

    #[test]
    fn shlex() {
        assert_eq!(
            shlex_split(r#"cmd --x "a \"b\" \n" 'c d'e"#).unwrap(),
            ["cmd", "--x", "a \"b\" \\n", "c de"]
        );
        assert!(shlex_split("trailing\\").is_none());
        assert_eq!(shlex_split("  ").unwrap(), Vec::<String>::new());
    }
}
