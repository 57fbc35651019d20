//! The operation part of a presigned URL's query, as botocore's
//! `SigV4QueryAuth` rebuilds it: the URL's own query (read as `parse_qs`
//! reads it, the first value of a repeated name kept), then the body's
//! parameters moved into the query (a form body pair by pair, a JSON body
//! member by member), each name and value percent-encoded as botocore's
//! `percent_encode` does.

use core::fmt;

use crate::format::json::{Pairs, skip_ws, whole_value};
use crate::model::view::{Escape, Text};
use crate::sigv4::post::PostError;
use crate::sigv4::{SigningError, Sink};

/// Why a request cannot be presigned as botocore presigns it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum PresignError {
    /// The body is not a JSON object (an XML, CBOR or blob payload):
    /// botocore's `json.loads` fails on it too, so there is no URL.
    BodyNotJsonObject,
    /// Member `index` of the JSON body (counted from 0) is an object, a
    /// list, a boolean, a float or null: botocore writes Python's `repr` of
    /// it into the URL, which no service reads; only strings and integers
    /// move into a query.
    MemberNotQueryable {
        /// Position of the member in the body.
        index: usize,
    },
    /// The URL does not fit the workspace's scratch buffer (or the operation
    /// query the URL buffer).
    UrlTooLong,
    /// The S3 POST policy could not be made.
    Post(PostError),
}

impl fmt::Display for PresignError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PresignError::BodyNotJsonObject => f.write_str(
                "the request body is not a JSON object, so it cannot move into a presigned URL's query",
            ),
            PresignError::MemberNotQueryable { index } => write!(
                f,
                "member {index} of the request body is not a string or an integer, so it cannot move into a presigned URL's query"
            ),
            PresignError::UrlTooLong => f.write_str("the presigned URL does not fit its buffer"),
            PresignError::Post(e) => write!(f, "{e}"),
        }
    }
}

impl From<SigningError> for PresignError {
    fn from(_: SigningError) -> Self {
        PresignError::UrlTooLong
    }
}

/// Where the body's parameters come from.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum BodyForm {
    /// `name=value&...` (query and ec2 protocols).
    Form,
    /// A JSON object (json, rest-json; anything else fails as in botocore).
    Json,
}

/// Writes the URL's `query` then `body`'s parameters into `out`, joined by
/// `&`; says whether anything was written.
pub(crate) fn write_operation_query<S: Sink + ?Sized>(
    out: &mut S,
    query: &str,
    body: &[u8],
    form: BodyForm,
) -> Result<bool, PresignError> {
    let mut w = PairWriter {
        out,
        written: false,
    };
    for (i, pair) in form_pairs(query).enumerate() {
        let name = pair_name(pair);
        let repeated = form_pairs(query)
            .take(i)
            .any(|p| form_decoded_eq(pair_name(p), name));
        if !repeated {
            w.form_pair(pair)?;
        }
    }
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(w.written);
    }
    match form {
        BodyForm::Form => {
            let text = core::str::from_utf8(body).map_err(|_| PresignError::BodyNotJsonObject)?;
            for pair in form_pairs(text) {
                w.form_pair(pair)?;
            }
        }
        BodyForm::Json => w.json_members(body)?,
    }
    Ok(w.written)
}

fn form_pairs(text: &str) -> impl Iterator<Item = &str> {
    text.split('&').filter(|p| !p.is_empty())
}

fn pair_name(pair: &str) -> &str {
    pair.split_once('=').map_or(pair, |(n, _)| n)
}

struct PairWriter<'s, S: ?Sized> {
    out: &'s mut S,
    written: bool,
}

impl<S: Sink + ?Sized> PairWriter<'_, S> {
    fn separator(&mut self) -> Result<(), PresignError> {
        if self.written {
            self.out.put(b"&")?;
        }
        self.written = true;
        Ok(())
    }

    /// A `name=value` pair of a form or a URL query (`name` alone means an
    /// empty value).
    fn form_pair(&mut self, pair: &str) -> Result<(), PresignError> {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        self.separator()?;
        reencode(self.out, name)?;
        self.out.put(b"=")?;
        reencode(self.out, value)?;
        Ok(())
    }

    fn json_members(&mut self, body: &[u8]) -> Result<(), PresignError> {
        let not_object = |_| PresignError::BodyNotJsonObject;
        let (start, end) = whole_value(body, 64).map_err(not_object)?;
        let object = body.get(start..end).unwrap_or(&[]);
        let mut pairs = Pairs::new(object, 64).map_err(not_object)?;
        let mut index = 0;
        while let Some(pair) = pairs.next_pair().map_err(not_object)? {
            let span = |(s, e): (usize, usize)| object.get(s..e).unwrap_or(&[]);
            let key = span(pair.key);
            let value = span(pair.value);
            let value = value.get(skip_ws(value, 0)..).unwrap_or(&[]);
            let bad = PresignError::MemberNotQueryable { index };
            let key_text = json_string(key).ok_or(bad)?;
            self.separator()?;
            put_decoded(self.out, key_text)?;
            self.out.put(b"=")?;
            if let Some(text) = json_string(value) {
                put_decoded(self.out, text)?;
            } else if is_integer(value) {
                self.out.put(value)?;
            } else {
                return Err(bad);
            }
            index += 1;
        }
        Ok(())
    }
}

/// The text inside a JSON string literal.
fn json_string(raw: &[u8]) -> Option<Text<'_>> {
    let inner = raw.strip_prefix(b"\"")?.strip_suffix(b"\"")?;
    Some(Text::new(core::str::from_utf8(inner).ok()?, Escape::Json))
}

/// A JSON number without fraction or exponent (Python's `str` of it is the
/// same digits).
fn is_integer(raw: &[u8]) -> bool {
    let digits = raw.strip_prefix(b"-").unwrap_or(raw);
    !digits.is_empty() && digits.iter().all(u8::is_ascii_digit)
}

/// Writes a JSON string's characters percent-encoded.
fn put_decoded<S: Sink + ?Sized>(out: &mut S, text: Text<'_>) -> Result<(), PresignError> {
    for c in text.chars() {
        let c = c.map_err(|_| PresignError::BodyNotJsonObject)?;
        let mut utf8 = [0u8; 4];
        put_encoded(out, c.encode_utf8(&mut utf8).as_bytes())?;
    }
    Ok(())
}

/// Whether two form-encoded names decode to the same text.
fn form_decoded_eq(a: &str, b: &str) -> bool {
    FormDecoded::new(a).eq(FormDecoded::new(b))
}

/// Form-decodes `text` (`+` is a space, `%XX` a byte; a `%` without two hex
/// digits stays) and writes it percent-encoded.
fn reencode<S: Sink + ?Sized>(out: &mut S, text: &str) -> Result<(), PresignError> {
    for b in FormDecoded::new(text) {
        put_encoded(out, &[b])?;
    }
    Ok(())
}

fn put_encoded<S: Sink + ?Sized>(out: &mut S, bytes: &[u8]) -> Result<(), PresignError> {
    Ok(crate::sigv4::put_percent_encoded(out, bytes, false)?)
}

/// The bytes of form-encoded text.
struct FormDecoded<'a> {
    rest: &'a [u8],
}

impl<'a> FormDecoded<'a> {
    fn new(text: &'a str) -> Self {
        FormDecoded {
            rest: text.as_bytes(),
        }
    }
}

impl Iterator for FormDecoded<'_> {
    type Item = u8;
    fn next(&mut self) -> Option<u8> {
        let (&b, rest) = self.rest.split_first()?;
        self.rest = rest;
        match b {
            b'+' => Some(b' '),
            b'%' => {
                let hex = |i: usize| rest.get(i).and_then(|c| (*c as char).to_digit(16));
                match (hex(0), hex(1)) {
                    (Some(h), Some(l)) => {
                        self.rest = rest.get(2..).unwrap_or(&[]);
                        Some((h * 16 + l) as u8)
                    }
                    _ => Some(b'%'),
                }
            }
            _ => Some(b),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sigv4::SliceWriter;

    fn run(query: &str, body: &str, form: BodyForm) -> Result<String, PresignError> {
        let mut buf = [0u8; 512];
        let mut w = SliceWriter::new(&mut buf);
        write_operation_query(&mut w, query, body.as_bytes(), form)?;
        Ok(w.as_str().to_string())
    }

    extern crate std;
    use std::string::{String, ToString};

    #[test]
    fn url_query_reads_as_parse_qs() {
        assert_eq!(run("uploads", "", BodyForm::Json).unwrap(), "uploads=");
        assert_eq!(
            run("a=1&b=x+y%2f~&a=2", "", BodyForm::Json).unwrap(),
            "a=1&b=x%20y%2F~"
        );
        assert_eq!(run("p=100%", "", BodyForm::Json).unwrap(), "p=100%25");
    }

    #[test]
    fn bodies_move_into_the_query() {
        assert_eq!(
            run(
                "",
                "Action=DescribeRegions&RegionName.1=eu-west-1",
                BodyForm::Form
            )
            .unwrap(),
            "Action=DescribeRegions&RegionName.1=eu-west-1"
        );
        assert_eq!(
            run(
                "q=1",
                r#"{"Limit": 5, "Name": "x y\u00e9\""}"#,
                BodyForm::Json
            )
            .unwrap(),
            "q=1&Limit=5&Name=x%20y%C3%A9%22"
        );
        assert_eq!(run("", "{}", BodyForm::Json).unwrap(), "");
        assert_eq!(
            run("", r#"{"A": "x", "B": {"c": 1}}"#, BodyForm::Json),
            Err(PresignError::MemberNotQueryable { index: 1 })
        );
        assert_eq!(
            run("", r#"{"A": 1.5}"#, BodyForm::Json),
            Err(PresignError::MemberNotQueryable { index: 0 })
        );
        assert_eq!(
            run("", "<a/>", BodyForm::Json),
            Err(PresignError::BodyNotJsonObject)
        );
        assert_eq!(
            run("", "[1]", BodyForm::Json),
            Err(PresignError::BodyNotJsonObject)
        );
    }
}
