//! The rules-engine standard library on plain text: host labels, S3 bucket
//! names, IP literals, substrings, URLs and ARNs.
//!
//! Semantics follow botocore 1.43.11's `botocore/endpoint_provider.py` (the
//! reference the endpoint tests were written against), restricted to ASCII where
//! Python's regular expressions would also accept Unicode digits or word
//! characters. Functions return positions into their input rather than new
//! strings, so nothing here allocates.

use core::ops::Range;

/// `isValidHostLabel`: 1 to 63 ASCII letters, digits or hyphens, not starting
/// or ending with a hyphen. With `allow_subdomains`, every dot-separated label
/// must be valid (so empty labels are not).
///
/// ```
/// use stratus_core::endpoint::functions::is_valid_host_label;
/// assert!(is_valid_host_label("us-east-1", false));
/// assert!(!is_valid_host_label("a.b", false));
/// assert!(is_valid_host_label("a.b", true));
/// assert!(!is_valid_host_label("-a", false));
/// ```
pub fn is_valid_host_label(value: &str, allow_subdomains: bool) -> bool {
    if allow_subdomains {
        value.split('.').all(single_label)
    } else {
        single_label(value)
    }
}

fn single_label(label: &str) -> bool {
    let b = label.as_bytes();
    (1..=63).contains(&b.len())
        && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'-')
        && b.first() != Some(&b'-')
        && b.last() != Some(&b'-')
}

/// `aws.isVirtualHostableS3Bucket`: a bucket name usable as a host label: at
/// least 3 characters, no upper case, not an IPv4 address, and a valid host
/// label (per dot-separated label with `allow_subdomains`).
///
/// ```
/// use stratus_core::endpoint::functions::is_virtual_hostable_s3_bucket;
/// assert!(is_virtual_hostable_s3_bucket("my-bucket", false));
/// assert!(!is_virtual_hostable_s3_bucket("My-Bucket", false));
/// assert!(!is_virtual_hostable_s3_bucket("192.168.1.1", true));
/// assert!(is_virtual_hostable_s3_bucket("a.b.c", true));
/// ```
pub fn is_virtual_hostable_s3_bucket(value: &str, allow_subdomains: bool) -> bool {
    value.chars().count() >= 3
        && !value.chars().any(char::is_uppercase)
        && !is_ipv4(value)
        && is_valid_host_label(value, allow_subdomains)
}

/// Dotted-quad shape as botocore checks it: four groups of 1 to 3 ASCII digits
/// (values are not range-checked, as in botocore's `IPV4_RE`).
///
/// ```
/// use stratus_core::endpoint::functions::is_ipv4;
/// assert!(is_ipv4("127.0.0.1"));
/// assert!(is_ipv4("999.0.0.1"));
/// assert!(!is_ipv4("1.2.3"));
/// ```
pub fn is_ipv4(value: &str) -> bool {
    let mut groups = 0;
    for part in value.split('.') {
        groups += 1;
        if groups > 4 || !(1..=3).contains(&part.len()) || !part.bytes().all(|c| c.is_ascii_digit())
        {
            return false;
        }
    }
    groups == 4
}

/// An IPv6 address (RFC 4291 text forms, optionally ending in a dotted quad)
/// followed by an optional zone id (`%25eth0` or `%eth0`), as botocore's
/// `IPV6_ADDRZ_RE` accepts between brackets.
///
/// ```
/// use stratus_core::endpoint::functions::is_ipv6_with_zone;
/// assert!(is_ipv6_with_zone("::1"));
/// assert!(is_ipv6_with_zone("fe80::1%25en0"));
/// assert!(is_ipv6_with_zone("1:2:3:4:5:6:1.2.3.4"));
/// assert!(!is_ipv6_with_zone("1:2:3:4:5:6:7:8:9"));
/// assert!(!is_ipv6_with_zone("example.com"));
/// ```
pub fn is_ipv6_with_zone(value: &str) -> bool {
    let (addr, zone) = match value.split_once('%') {
        Some((addr, zone)) => (addr, Some(zone)),
        None => (value, None),
    };
    if let Some(zone) = zone
        && !is_zone_id(zone.as_bytes())
    {
        return false;
    }
    is_ipv6(addr)
}

fn is_zone_id(z: &[u8]) -> bool {
    if z.is_empty() {
        return false;
    }
    let mut i = 0;
    while let Some(&c) = z.get(i) {
        if c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'!' | b'-' | b'~') {
            i += 1;
        } else if c == b'%'
            && z.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
            && z.get(i + 2).is_some_and(u8::is_ascii_hexdigit)
        {
            i += 3;
        } else {
            return false;
        }
    }
    true
}

/// Counts the 16-bit groups of one side of `::`, allowing a trailing dotted
/// quad (two groups) only where `quad_ok`.
fn ipv6_groups(side: &str, quad_ok: bool) -> Option<usize> {
    if side.is_empty() {
        return Some(0);
    }
    let mut n = 0;
    let mut parts = side.split(':').peekable();
    while let Some(part) = parts.next() {
        let last = parts.peek().is_none();
        if last && quad_ok && part.contains('.') {
            if !is_ipv4(part) {
                return None;
            }
            n += 2;
        } else if (1..=4).contains(&part.len()) && part.bytes().all(|c| c.is_ascii_hexdigit()) {
            n += 1;
        } else {
            return None;
        }
    }
    Some(n)
}

/// Where `::` first is. (A byte search: `str::find("::")` would link core's
/// substring searcher and its panic formatting into a device's firmware.)
fn double_colon(s: &str) -> Option<usize> {
    s.as_bytes().windows(2).position(|w| w == b"::")
}

fn is_ipv6(addr: &str) -> bool {
    match double_colon(addr) {
        Some(i) => {
            let (Some(head), Some(tail)) = (addr.get(..i), addr.get(i + 2..)) else {
                return false;
            };
            if double_colon(tail).is_some() {
                return false;
            }
            match (ipv6_groups(head, false), ipv6_groups(tail, true)) {
                (Some(h), Some(t)) => h + t <= 7,
                _ => false,
            }
        }
        None => ipv6_groups(addr, true) == Some(8),
    }
}

/// `substring(value, start, stop, reverse)`: the byte range of the substring,
/// or `None` when `start >= stop`, the value is shorter than `stop` or not ASCII.
/// With `reverse`, positions count from the end.
///
/// ```
/// use stratus_core::endpoint::functions::substring;
/// assert_eq!(substring("abcdef", 0, 4, false), Some(0..4));
/// assert_eq!(substring("abcdef", 0, 4, true), Some(2..6));
/// assert_eq!(substring("abc", 0, 4, false), None);
/// ```
pub fn substring(value: &str, start: usize, stop: usize, reverse: bool) -> Option<Range<usize>> {
    let len = value.len();
    if start >= stop || len < stop || !value.is_ascii() {
        return None;
    }
    Some(if reverse {
        len - stop..len - start
    } else {
        start..stop
    })
}

/// Whether `uriEncode` leaves the byte as is (RFC 3986 unreserved).
pub fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~')
}

/// Whether `quote()` (as used for a URL's normalized path) leaves the byte as is.
pub fn is_path_safe(b: u8) -> bool {
    is_unreserved(b) || b == b'/'
}

/// Upper-case hex digits for percent-encoding.
pub const HEX_UPPER: &[u8; 16] = b"0123456789ABCDEF";

/// The URL scheme `parseURL` accepts.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Scheme {
    /// `http`
    Http,
    /// `https`
    Https,
}

impl Scheme {
    /// The scheme in lower case.
    pub fn as_str(self) -> &'static str {
        match self {
            Scheme::Http => "http",
            Scheme::Https => "https",
        }
    }
}

/// The pieces `parseURL` yields, as byte ranges of the input.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct UrlParts {
    /// `http` or `https` (matched without regard to case).
    pub scheme: Scheme,
    /// Start and end of the authority (`host[:port]`, possibly with user info).
    pub authority: (u32, u32),
    /// Start and end of the path (without `;params`, query or fragment).
    pub path: (u32, u32),
    /// Whether the host is an IPv4 or bracketed IPv6 literal.
    pub is_ip: bool,
}

fn span(r: Range<usize>) -> Option<(u32, u32)> {
    Some((u32::try_from(r.start).ok()?, u32::try_from(r.end).ok()?))
}

/// `parseURL`: split an `http`/`https` URL the way Python's `urlparse` does,
/// rejecting URLs with a query, a bad port or unbalanced IPv6 brackets.
///
/// ```
/// use stratus_core::endpoint::functions::{parse_url, Scheme};
/// let u = parse_url("https://example.com:8443/a/b").unwrap();
/// assert_eq!(u.scheme, Scheme::Https);
/// assert_eq!(u.authority, (8, 24));
/// assert_eq!(u.path, (24, 28));
/// assert!(!u.is_ip);
/// assert!(parse_url("https://example.com/?q=1").is_none());
/// assert!(parse_url("ftp://example.com").is_none());
/// assert!(parse_url("http://[::1]:80/").unwrap().is_ip);
/// ```
pub fn parse_url(value: &str) -> Option<UrlParts> {
    // Python strips surrounding C0/space and drops tab/CR/LF before parsing;
    // such input is not a usable endpoint, so it is refused here.
    if value.bytes().any(|c| c <= b' ' || c == 0x7f) {
        return None;
    }
    // Checked slicing throughout (`get`): the offsets come from searches, but
    // indexing would link core's panic formatting into a device's firmware.
    let colon = value.find(':')?;
    let scheme_text = value.get(..colon)?;
    let scheme = if scheme_text.eq_ignore_ascii_case("https") {
        Scheme::Https
    } else if scheme_text.eq_ignore_ascii_case("http") {
        Scheme::Http
    } else {
        return None;
    };
    let rest_start = colon + 1;
    let rest = value.get(rest_start..)?;
    let (authority, after) = if let Some(stripped) = rest.strip_prefix("//") {
        let a0 = rest_start + 2;
        let end = stripped.find(['/', '?', '#']).unwrap_or(stripped.len());
        (a0..a0 + end, a0 + end)
    } else {
        (rest_start..rest_start, rest_start)
    };
    let tail = value.get(after..)?;
    let path_end_rel = tail.find(['?', '#']).unwrap_or(tail.len());
    let fragment = tail.find('#').unwrap_or(tail.len());
    if let Some(q) = tail.get(..fragment)?.find('?')
        && q + 1 < fragment
    {
        return None; // a non-empty query
    }
    let path_text = tail.get(..path_end_rel)?;
    // urlparse moves `;params` after the last '/' out of the path.
    let search_from = path_text.rfind('/').unwrap_or(0);
    let path_len = match path_text.get(search_from..)?.find(';') {
        Some(i) => search_from + i,
        None => path_text.len(),
    };
    let netloc = value.get(authority.clone())?;
    let host = host_of(netloc)?;
    let is_ip = match host {
        Host::Bracketed(h) => is_ipv6_with_zone(h),
        Host::Plain(h) => is_ipv4(h),
    };
    Some(UrlParts {
        scheme,
        authority: span(authority)?,
        path: span(after..after + path_len)?,
        is_ip,
    })
}

enum Host<'a> {
    Plain(&'a str),
    Bracketed(&'a str),
}

/// The host of an authority after Python's checks: balanced brackets, bracketed
/// hosts that are IPv6 literals (or `v…` future forms), and a numeric port in
/// range. `None` where Python would raise.
fn host_of(netloc: &str) -> Option<Host<'_>> {
    if netloc.contains('[') != netloc.contains(']') {
        return None;
    }
    let hostinfo = crate::text::rsplit_once_ascii(netloc, b'@').map_or(netloc, |(_, h)| h);
    let (host, port) = if let Some((_, bracketed)) = hostinfo.split_once('[') {
        let (inside, after) = bracketed.split_once(']')?;
        if !(is_ipv6_with_zone(inside) || inside.starts_with('v')) {
            return None;
        }
        let port = after.split_once(':').map_or("", |(_, p)| p);
        (Host::Bracketed(inside), port)
    } else {
        let (h, p) = hostinfo.split_once(':').unwrap_or((hostinfo, ""));
        (Host::Plain(h), p)
    };
    if !port.is_empty() {
        if !port.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        let digits = port.trim_start_matches('0');
        if digits.len() > 5 || digits.parse::<u32>().is_ok_and(|p| p > 65_535) {
            return None;
        }
    }
    Some(host)
}

/// The pieces `aws.parseArn` yields: the input's colon positions.
///
/// `arn:partition:service:region:account:resource` — the resource keeps any
/// further colons.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct ArnParts {
    colons: [u32; 5],
    len: u32,
}

/// A field of a parsed ARN.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum ArnField {
    /// `partition`
    Partition,
    /// `service`
    Service,
    /// `region`
    Region,
    /// `accountId`
    AccountId,
    /// The whole resource (before splitting into `resourceId`).
    Resource,
}

impl ArnParts {
    /// Byte range of a field in the ARN text.
    pub fn field(&self, f: ArnField) -> Range<usize> {
        let i = match f {
            ArnField::Partition => 0,
            ArnField::Service => 1,
            ArnField::Region => 2,
            ArnField::AccountId => 3,
            ArnField::Resource => 4,
        };
        let start = self.colons[i] as usize + 1;
        let end = self.colons.get(i + 1).map_or(self.len, |c| *c) as usize;
        start..end
    }
}

/// `aws.parseArn`: `None` unless the value starts with `arn:`, has six
/// colon-separated parts and non-empty partition, service and resource.
///
/// ```
/// use stratus_core::endpoint::functions::{parse_arn, ArnField};
/// let arn = "arn:aws:s3:us-west-2:123456789012:accesspoint:myendpoint";
/// let p = parse_arn(arn).unwrap();
/// assert_eq!(&arn[p.field(ArnField::Service)], "s3");
/// assert_eq!(&arn[p.field(ArnField::Resource)], "accesspoint:myendpoint");
/// assert!(parse_arn("arn:aws:s3:::").is_none());
/// ```
pub fn parse_arn(value: &str) -> Option<ArnParts> {
    if !value.starts_with("arn:") {
        return None;
    }
    let len = u32::try_from(value.len()).ok()?;
    let mut colons = [0u32; 5];
    let mut found = 0;
    for (i, b) in value.bytes().enumerate() {
        if b == b':' {
            *colons.get_mut(found)? = u32::try_from(i).ok()?;
            found += 1;
            if found == 5 {
                break;
            }
        }
    }
    if found < 5 {
        return None;
    }
    let parts = ArnParts { colons, len };
    let nonempty = |f| !parts.field(f).is_empty();
    (nonempty(ArnField::Partition) && nonempty(ArnField::Service) && nonempty(ArnField::Resource))
        .then_some(parts)
}

/// Item `index` of an ARN resource split on `:` and `/` (`resourceId[index]`),
/// as a byte range of `resource`.
///
/// ```
/// use stratus_core::endpoint::functions::resource_id;
/// let r = "accesspoint/my:endpoint";
/// assert_eq!(resource_id(r, 2).map(|x| &r[x]), Some("endpoint"));
/// assert_eq!(resource_id(r, 3), None);
/// ```
pub fn resource_id(resource: &str, index: usize) -> Option<Range<usize>> {
    let mut start = 0;
    let mut n = 0;
    for (i, b) in resource.bytes().enumerate() {
        if b == b':' || b == b'/' {
            if n == index {
                return Some(start..i);
            }
            n += 1;
            start = i + 1;
        }
    }
    (n == index).then_some(start..resource.len())
}
