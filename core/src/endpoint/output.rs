//! The resolved endpoint: URL, properties and headers, as views over the
//! caller's buffer.
//!
//! Properties are kept generic (a JSON-like tree of maps, lists, strings,
//! booleans and integers) so every property a rule set returns is available;
//! [`Endpoint::auth_schemes`] reads the `authSchemes` list the signer needs.
//!
//! Encoding in the buffer: `FALSE | TRUE | INT varint | STR u32-len bytes |
//! LIST u32-len n item{n} | MAP u32-len n (klen key item){n}`.

use super::format as f;
use super::reader::Cursor;

/// What a rule set resolved to.
#[derive(Clone, Copy, Debug)]
pub enum Outcome<'b> {
    /// An endpoint rule matched.
    Endpoint(Endpoint<'b>),
    /// An error rule matched; the rule set's message.
    Error(&'b str),
}

/// A resolved endpoint.
#[derive(Clone, Copy, Debug)]
pub struct Endpoint<'b> {
    pub(crate) url: &'b str,
    pub(crate) properties: Map<'b>,
    pub(crate) headers: Map<'b>,
}

impl<'b> Endpoint<'b> {
    /// The endpoint URL, e.g. `https://kinesis.us-east-1.amazonaws.com`.
    pub fn url(&self) -> &'b str {
        self.url
    }

    /// All properties (empty map when the rule gave none).
    pub fn properties(&self) -> Map<'b> {
        self.properties
    }

    /// Headers to add: each name maps to a list of string values.
    pub fn headers(&self) -> Map<'b> {
        self.headers
    }

    /// The `authSchemes` property, one entry per scheme, in rule order.
    pub fn auth_schemes(&self) -> impl Iterator<Item = AuthScheme<'b>> + use<'b> {
        let list = match self.properties.get("authSchemes") {
            Some(Property::List(l)) => l,
            _ => List::EMPTY,
        };
        list.iter().filter_map(|p| match p {
            Property::Map(m) => AuthScheme::from_map(m),
            _ => None,
        })
    }
}

/// One entry of `authSchemes`.
#[derive(Clone, Copy, Debug)]
pub struct AuthScheme<'b> {
    /// `sigv4`, `sigv4a`, `sigv4-s3express`, …
    pub name: &'b str,
    /// The service name to sign for.
    pub signing_name: Option<&'b str>,
    /// The region to sign for (SigV4).
    pub signing_region: Option<&'b str>,
    /// The region set to sign for (SigV4a).
    pub signing_region_set: Option<List<'b>>,
    /// Whether the path must not be URI-encoded twice (S3).
    pub disable_double_encoding: Option<bool>,
    /// The whole entry, for fields not named above.
    pub raw: Map<'b>,
}

impl<'b> AuthScheme<'b> {
    fn from_map(m: Map<'b>) -> Option<Self> {
        let s = |k| match m.get(k) {
            Some(Property::Str(s)) => Some(s),
            _ => None,
        };
        Some(AuthScheme {
            name: s("name")?,
            signing_name: s("signingName"),
            signing_region: s("signingRegion"),
            signing_region_set: match m.get("signingRegionSet") {
                Some(Property::List(l)) => Some(l),
                _ => None,
            },
            disable_double_encoding: match m.get("disableDoubleEncoding") {
                Some(Property::Bool(b)) => Some(b),
                _ => None,
            },
            raw: m,
        })
    }
}

/// A property value.
#[derive(Clone, Copy, Debug)]
pub enum Property<'b> {
    /// `true` / `false`
    Bool(bool),
    /// A non-negative integer.
    Int(u32),
    /// A string.
    Str(&'b str),
    /// A list.
    List(List<'b>),
    /// A map with string keys.
    Map(Map<'b>),
}

/// A list of properties.
#[derive(Clone, Copy, Debug)]
pub struct List<'b> {
    count: usize,
    items: &'b [u8],
}

/// A map from string keys to properties, in rule order.
#[derive(Clone, Copy, Debug)]
pub struct Map<'b> {
    count: usize,
    items: &'b [u8],
}

impl<'b> List<'b> {
    const EMPTY: List<'static> = List {
        count: 0,
        items: &[],
    };

    /// Number of items.
    pub fn len(&self) -> usize {
        self.count
    }

    /// Whether there are no items.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The items in order.
    pub fn iter(&self) -> impl Iterator<Item = Property<'b>> + use<'b> {
        let mut cur = Cursor::at(self.items, 0);
        let count = self.count;
        (0..count).map_while(move |_| read_property(&mut cur))
    }

    /// Item `i`.
    pub fn get(&self, i: usize) -> Option<Property<'b>> {
        self.iter().nth(i)
    }
}

impl<'b> Map<'b> {
    pub(crate) const EMPTY: Map<'static> = Map {
        count: 0,
        items: &[],
    };

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.count
    }

    /// Whether there are no entries.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The entries in order.
    pub fn iter(&self) -> impl Iterator<Item = (&'b str, Property<'b>)> + use<'b> {
        let mut cur = Cursor::at(self.items, 0);
        let count = self.count;
        (0..count).map_while(move |_| {
            let klen = cur.usize().ok()?;
            let key = core::str::from_utf8(cur.bytes(klen).ok()?).ok()?;
            Some((key, read_property(&mut cur)?))
        })
    }

    /// The value under `key`.
    pub fn get(&self, key: &str) -> Option<Property<'b>> {
        self.iter().find(|(k, _)| *k == key).map(|(_, v)| v)
    }
}

/// Reads the map written at `pos` in `bytes` (used by the evaluator).
pub(crate) fn map_at(bytes: &[u8], pos: usize) -> Option<Map<'_>> {
    match read_property(&mut Cursor::at(bytes, pos))? {
        Property::Map(m) => Some(m),
        _ => None,
    }
}

fn read_property<'b>(cur: &mut Cursor<'b>) -> Option<Property<'b>> {
    Some(match cur.u8().ok()? {
        f::FALSE => Property::Bool(false),
        f::TRUE => Property::Bool(true),
        f::INT => Property::Int(cur.varint().ok()?),
        f::STR => {
            let len = cur.bytes(4).ok()?;
            let len = u32::from_le_bytes(len.try_into().ok()?) as usize;
            Property::Str(core::str::from_utf8(cur.bytes(len).ok()?).ok()?)
        }
        tag @ (f::LIST | f::MAP) => {
            let len = cur.bytes(4).ok()?;
            let len = u32::from_le_bytes(len.try_into().ok()?) as usize;
            let body = cur.bytes(len).ok()?;
            let mut inner = Cursor::at(body, 0);
            let count = inner.usize().ok()?;
            let items = body.get(inner.pos()..)?;
            if tag == f::LIST {
                Property::List(List { count, items })
            } else {
                Property::Map(Map { count, items })
            }
        }
        _ => return None,
    })
}
