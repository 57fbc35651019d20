//! Shapes and their members: the type system of a service model, as indices into
//! one static array per service.

/// A shape's position in its service's [`ServiceModel::shapes`](super::ServiceModel::shapes).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct ShapeId(pub u16);

impl ShapeId {
    /// The index into the shape array.
    pub const fn index(self) -> usize {
        self.0 as usize
    }
}

/// How a timestamp is written on the wire (`timestampFormat`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum TimestampFormat {
    /// `iso8601`, e.g. `2013-05-24T00:00:00Z`.
    Iso8601,
    /// `rfc822`, e.g. `Fri, 24 May 2013 00:00:00 GMT`.
    Rfc822,
    /// `unixTimestamp`: seconds since the epoch, possibly fractional.
    UnixTimestamp,
}

/// An XML namespace (`xmlNamespace`): a URI and an optional prefix.
#[derive(Debug)]
pub struct XmlNamespace {
    /// `prefix`, e.g. `xsi`.
    pub prefix: Option<&'static str>,
    /// `uri`.
    pub uri: &'static str,
}

/// A numeric bound from `min` / `max`.
#[derive(Clone, Copy, PartialEq, Debug)]
pub enum Bound {
    /// A whole-number bound (a length for strings, lists, maps and blobs).
    Int(i64),
    /// A fractional bound on a `double` / `float`.
    Float(f64),
}

/// `min` / `max` of a shape: a length for strings, blobs, lists and maps; a value
/// range for numbers.
#[derive(Debug)]
pub struct Limits {
    /// `min`.
    pub min: Option<Bound>,
    /// `max`.
    pub max: Option<Bound>,
}

/// An error shape's `error` trait.
#[derive(Debug)]
pub struct ErrorInfo {
    /// `error.code` when it differs from the shape name (query protocols).
    pub code: Option<&'static str>,
    /// `error.httpStatusCode` (0 when the model gives none).
    pub http_status: u16,
    /// `error.senderFault`: the caller is at fault (true) or the service (false).
    pub sender_fault: bool,
}

/// Rarely present XML facts of a shape, kept out of line to keep [`Shape`] small.
#[derive(Debug)]
pub struct ShapeXml {
    /// Shape-level `locationName` (element name of a payload structure).
    pub location_name: Option<&'static str>,
    /// Shape-level `xmlNamespace`.
    pub namespace: Option<XmlNamespace>,
}

macro_rules! flag_set {
    ($(#[$doc:meta])* $name:ident { $($(#[$fdoc:meta])* $flag:ident = $bit:expr,)* }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, Default, Debug)]
        #[cfg_attr(feature = "defmt", derive(defmt::Format))]
        pub struct $name(pub u16);

        impl $name {
            $($(#[$fdoc])* pub const $flag: $name = $name(1 << $bit);)*

            /// No flag set.
            pub const EMPTY: $name = $name(0);

            /// Whether every flag of `other` is set.
            pub const fn contains(self, other: $name) -> bool {
                self.0 & other.0 == other.0
            }

            /// The union of both sets.
            pub const fn with(self, other: $name) -> $name {
                $name(self.0 | other.0)
            }
        }
    };
}
pub(crate) use flag_set;

flag_set! {
    /// Boolean traits of a [`Shape`], one bit each.
    ShapeFlags {
        /// `union`: exactly one member is set.
        UNION = 0,
        /// `exception`: an error shape.
        EXCEPTION = 1,
        /// `fault`: a server-side error.
        FAULT = 2,
        /// `streaming`: a blob sent or received as a stream.
        STREAMING = 3,
        /// `eventstream`: a union of events delivered as a stream.
        EVENT_STREAM = 4,
        /// `event`: one event of an event stream.
        EVENT = 5,
        /// `requiresLength`: a streaming blob whose length must be known.
        REQUIRES_LENGTH = 6,
        /// `sensitive`: never log the value.
        SENSITIVE = 7,
        /// `flattened` (XML lists and maps without a wrapper element).
        FLATTENED = 8,
        /// `wrapper` (query output wrapped in an extra element).
        WRAPPER = 9,
        /// `sparse`: list / map entries may be null.
        SPARSE = 10,
        /// `retryable`: the error may be retried.
        RETRYABLE = 11,
        /// `retryable.throttling`: the error is throttling.
        THROTTLING = 12,
        /// `deprecated`.
        DEPRECATED = 13,
    }
}

flag_set! {
    /// Boolean traits of a [`Member`], one bit each.
    MemberFlags {
        /// Listed in the structure's `required`.
        REQUIRED = 0,
        /// `idempotencyToken`: filled with a fresh token when absent.
        IDEMPOTENCY_TOKEN = 1,
        /// `jsonvalue`: a JSON document sent as a (base64'd header) string.
        JSON_VALUE = 2,
        /// `hostLabel`: substituted into the operation's host prefix.
        HOST_LABEL = 3,
        /// `xmlAttribute`: written as an XML attribute.
        XML_ATTRIBUTE = 4,
        /// `flattened` on the member.
        FLATTENED = 5,
        /// `eventpayload`: the event's payload member.
        EVENT_PAYLOAD = 6,
        /// `streaming` on the member.
        STREAMING = 7,
        /// `deprecated`.
        DEPRECATED = 8,
        /// `eventheader`: an event member carried in an event-stream message header.
        EVENT_HEADER = 9,
    }
}

/// Where a member travels in the HTTP message (`location`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Location {
    /// In the body (no `location`), or the payload when it is the structure's `payload`.
    Body,
    /// `uri`: a `{Label}` of the request URI.
    Uri,
    /// `querystring`.
    QueryString,
    /// `header`: one header named by `locationName`.
    Header,
    /// `headers`: a map spread over headers starting with the `locationName` prefix.
    Headers,
    /// `statusCode`: the response's HTTP status.
    StatusCode,
}

/// Rarely present traits of a member, kept out of line to keep [`Member`] small.
#[derive(Debug)]
pub struct MemberExtra {
    /// `xmlNamespace`.
    pub xml_namespace: Option<XmlNamespace>,
    /// `queryName` (ec2 protocol).
    pub query_name: Option<&'static str>,
    /// `contextParam.name`: endpoint-rule parameter this member feeds.
    pub context_param: Option<&'static str>,
    /// `timestampFormat` set on the member reference; it overrides the target
    /// shape's (botocore merges member traits over the shape's).
    pub timestamp_format: Option<TimestampFormat>,
}

/// One member of a structure, or the member / key / value of a list or map.
#[derive(Debug)]
pub struct Member {
    /// The member name, e.g. `StreamName` (`member`, `key`, `value` for list and map parts).
    pub name: &'static str,
    /// `locationName`: the wire name (JSON key, XML element, header, query or URI label).
    pub location_name: Option<&'static str>,
    /// The shape of the value.
    pub target: ShapeId,
    /// `location`.
    pub location: Location,
    /// Boolean traits.
    pub flags: MemberFlags,
    /// Rare traits, when any is present.
    pub extra: Option<&'static MemberExtra>,
}

impl Member {
    /// A body member named `name` of shape `target`, with no wire name or
    /// other traits: the start of a hand-written table (tests, samples).
    ///
    /// ```
    /// use stratus_core::model::{Location, Member, ShapeId};
    /// let m = Member::new("StreamName", ShapeId(3));
    /// assert_eq!((m.wire_name(), m.location), ("StreamName", Location::Body));
    /// ```
    pub const fn new(name: &'static str, target: ShapeId) -> Member {
        Member {
            name,
            location_name: None,
            target,
            location: Location::Body,
            flags: MemberFlags::EMPTY,
            extra: None,
        }
    }

    /// The name on the wire: `locationName` if present, else the member name.
    pub fn wire_name(&self) -> &'static str {
        self.location_name.unwrap_or(self.name)
    }

    /// Whether the member is in the structure's `required` list.
    pub fn is_required(&self) -> bool {
        self.flags.contains(MemberFlags::REQUIRED)
    }

    /// `xmlNamespace`, if any.
    pub fn xml_namespace(&self) -> Option<&'static XmlNamespace> {
        self.extra.and_then(|e| e.xml_namespace.as_ref())
    }

    /// `queryName`, if any.
    pub fn query_name(&self) -> Option<&'static str> {
        self.extra.and_then(|e| e.query_name)
    }

    /// `contextParam.name`, if any.
    pub fn context_param(&self) -> Option<&'static str> {
        self.extra.and_then(|e| e.context_param)
    }

    /// The `timestampFormat` that applies to this member's value of shape
    /// `target`: the member's own if set, else the shape's (botocore merges the
    /// member reference's traits over the target shape's).
    pub fn timestamp_format(&self, target: &Shape) -> Option<TimestampFormat> {
        self.extra
            .and_then(|e| e.timestamp_format)
            .or(target.timestamp_format)
    }
}

/// What kind of value a shape holds, with its parts.
#[derive(Debug)]
pub enum ShapeKind {
    /// `structure` (also unions, exceptions and events; see [`ShapeFlags`]).
    Structure {
        /// Members in model order; [`StructValue`](super::StructValue) indexes them.
        members: &'static [Member],
        /// Index into `members` of the `payload` member, if any.
        payload: Option<u16>,
    },
    /// `list`.
    List {
        /// The element member (its `locationName` names XML items).
        member: &'static Member,
    },
    /// `map`.
    Map {
        /// The key member.
        key: &'static Member,
        /// The value member.
        value: &'static Member,
    },
    /// `string`, possibly an enum.
    String {
        /// `enum` values; empty when the string is free-form.
        enum_values: &'static [&'static str],
    },
    /// `integer` (32-bit).
    Integer,
    /// `long` (64-bit).
    Long,
    /// `float` (32-bit).
    Float,
    /// `double` (64-bit).
    Double,
    /// `boolean`.
    Boolean,
    /// `blob`: bytes (base64 in text protocols).
    Blob,
    /// `timestamp`.
    Timestamp,
    /// A `structure` with `document: true`: untyped JSON.
    Document,
}

/// One shape of a service model.
#[derive(Debug)]
pub struct Shape {
    /// The model's shape name, e.g. `PutRecordInput`.
    pub name: &'static str,
    /// Type and parts.
    pub kind: ShapeKind,
    /// Boolean traits.
    pub flags: ShapeFlags,
    /// `error` trait of exceptions.
    pub error: Option<&'static ErrorInfo>,
    /// `min` / `max`.
    pub limits: Option<&'static Limits>,
    /// `timestampFormat`.
    pub timestamp_format: Option<TimestampFormat>,
    /// Shape-level XML facts.
    pub xml: Option<&'static ShapeXml>,
}

impl Shape {
    /// A shape named `name` of `kind`, with no traits: the start of a
    /// hand-written table (tests, samples).
    ///
    /// ```
    /// use stratus_core::model::{Shape, ShapeKind};
    /// let s = Shape::new("Time", ShapeKind::Timestamp);
    /// assert!(s.members().is_empty() && s.timestamp_format.is_none());
    /// ```
    pub const fn new(name: &'static str, kind: ShapeKind) -> Shape {
        Shape {
            name,
            kind,
            flags: ShapeFlags::EMPTY,
            error: None,
            limits: None,
            timestamp_format: None,
            xml: None,
        }
    }

    /// Members of a structure; empty for other kinds.
    pub fn members(&self) -> &'static [Member] {
        match self.kind {
            ShapeKind::Structure { members, .. } => members,
            _ => &[],
        }
    }

    /// The member named `name` (model name), with its index.
    pub fn member(&self, name: &str) -> Option<(usize, &'static Member)> {
        self.members()
            .iter()
            .enumerate()
            .find(|(_, m)| m.name == name)
    }

    /// The body member whose wire name (`locationName` or name) is `wire`, with its index.
    pub fn member_by_wire_name(&self, wire: &str) -> Option<(usize, &'static Member)> {
        self.members()
            .iter()
            .enumerate()
            .find(|(_, m)| m.wire_name() == wire)
    }

    /// The `payload` member, if the structure names one.
    pub fn payload(&self) -> Option<&'static Member> {
        match self.kind {
            ShapeKind::Structure {
                members,
                payload: Some(i),
            } => members.get(i as usize),
            _ => None,
        }
    }

    /// `enum` values of a string shape; empty otherwise.
    pub fn enum_values(&self) -> &'static [&'static str] {
        match self.kind {
            ShapeKind::String { enum_values } => enum_values,
            _ => &[],
        }
    }

    /// Whether the shape has the `exception` trait.
    pub fn is_exception(&self) -> bool {
        self.flags.contains(ShapeFlags::EXCEPTION)
    }

    /// The error code a response carries for this exception: `error.code` or the name.
    pub fn error_code(&self) -> &'static str {
        self.error.and_then(|e| e.code).unwrap_or(self.name)
    }
}
