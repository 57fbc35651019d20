//! Dynamic input: JSON text (as the CLI's `--cli-input-json` gives it) read
//! against a structure shape, presented through the same
//! [`StructValue`] / [`ListValue`] / [`MapValue`] seam as generated inputs, so
//! one protocol serializer serves both.
//!
//! # Design
//!
//! The seam hands out borrowed values — `Value::Struct(&dyn StructValue)`,
//! `Value::Str(&str)`, `Value::Blob(&[u8])` — and `StructValue::member` cannot
//! fail. So [`JsonInput::new`] does all checking up front, in one walk of the
//! text against the shape (unknown members, wrong types, bad numbers, base64 and
//! timestamps all fail there, with the byte offset), and leaves behind only what
//! cannot be borrowed from the text:
//!
//! * one [`InputNode`] per structure, list and map, in a caller-provided
//!   [`InputSlots`] array (capacity in the type; the slots are `OnceCell`s, so
//!   nodes can point at their descendants without `unsafe`);
//! * decoded bytes of blobs (base64 in the text) and of strings and map keys
//!   written with JSON escapes, in a caller-provided scratch buffer.
//!
//! Member lookups then re-scan the object text (O(n) per lookup, no heap) and
//! parse numbers and timestamps again on each read. `value.rs` is unchanged.
//!
//! Keys are model member names (botocore's input dicts), not `locationName`s.
//! `null` for a structure member means "not set"; `null` list items and map
//! values are refused (the seam has no way to say "null element").
//! A `jsonvalue` member takes any JSON value and reads as
//! [`Value::Document`] of its text (botocore `json.dumps` whatever it is given).

use core::cell::OnceCell;
use core::fmt;

use super::reader::{key_is, string_inner};
use super::scan::{Items, Pairs, whole_value};
use crate::format::number::{parse_float, parse_int, parse_special_float};
use crate::format::timestamp::{from_epoch_f64, parse_any, parse_epoch_text};
use crate::model::view::{Blob, BlobEncoding, DecodeError, Escape, Text};
use crate::model::{
    ListValue, MapValue, MemberFlags, ServiceModel, Shape, ShapeId, ShapeKind, StructValue, Value,
};
use crate::time::Timestamp;

/// Deepest nesting of structures, lists and maps accepted in input.
pub const MAX_INPUT_DEPTH: usize = 64;

/// What is wrong with a dynamic input.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum InputErrorKind {
    /// The text is not valid JSON (or nests deeper than [`MAX_INPUT_DEPTH`]).
    Malformed,
    /// An object key names no member of its structure.
    UnknownMember,
    /// A value has another JSON type than its shape needs.
    WrongType,
    /// A number does not parse or does not fit.
    BadNumber,
    /// A blob's base64 text is invalid.
    BadBase64,
    /// A timestamp is neither epoch seconds nor an ISO 8601 / RFC 822 text.
    BadTimestamp,
    /// A string escape is invalid (e.g. a lone surrogate).
    BadEscape,
    /// More structures, lists, maps and decoded strings than [`InputSlots`] holds.
    OutOfSlots,
    /// The scratch buffer is too small for the decoded blobs and strings.
    ScratchFull,
    /// The shape id is not a structure of the model.
    NotAStructure,
}

/// A dynamic-input error and where in the text it was found.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct InputError {
    /// What is wrong.
    pub kind: InputErrorKind,
    /// Byte offset in the input text of the offending key or value.
    pub offset: usize,
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.kind {
            InputErrorKind::Malformed => "input is not valid JSON",
            InputErrorKind::UnknownMember => "unknown member name",
            InputErrorKind::WrongType => "value has the wrong JSON type for its shape",
            InputErrorKind::BadNumber => "invalid number",
            InputErrorKind::BadBase64 => "invalid base64 blob",
            InputErrorKind::BadTimestamp => "invalid timestamp",
            InputErrorKind::BadEscape => "invalid string escape",
            InputErrorKind::OutOfSlots => "input has more nested values than slots",
            InputErrorKind::ScratchFull => "scratch buffer too small for decoded values",
            InputErrorKind::NotAStructure => "shape is not a structure of the model",
        };
        write!(f, "{what} at byte {}", self.offset)
    }
}

/// What a slot holds.
#[derive(Clone, Copy)]
enum Slot<'a> {
    /// A structure, list or map: its text, shape and descendants.
    Container {
        span: &'a str,
        shape: &'static Shape,
        model: &'static ServiceModel,
        desc: &'a [OnceCell<InputNode<'a>>],
    },
    /// A string (or map key) token whose escapes were decoded.
    Text { span: &'a str, text: &'a str },
    /// A base64 string token, decoded.
    Bytes { span: &'a str, bytes: &'a [u8] },
}

/// One structure, list or map of a dynamic input (or a decoded string or blob
/// inside one). Implements the value seam traits.
#[derive(Clone, Copy)]
pub struct InputNode<'a>(Slot<'a>);

impl fmt::Debug for InputNode<'_> {
    // Input may hold secrets: say only what the node is.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Slot::Container { shape, span, .. } => {
                write!(f, "InputNode({}, {} bytes)", shape.name, span.len())
            }
            Slot::Text { text, .. } => write!(f, "InputNode(text, {} bytes)", text.len()),
            Slot::Bytes { bytes, .. } => write!(f, "InputNode(blob, {} bytes)", bytes.len()),
        }
    }
}

/// `N` slots for the nodes of one dynamic input.
///
/// ```
/// use stratus_core::format::json::InputSlots;
/// let slots: InputSlots<'_, 16> = InputSlots::new();
/// assert_eq!(slots.used(), 0);
/// ```
pub struct InputSlots<'a, const N: usize>([OnceCell<InputNode<'a>>; N]);

impl<const N: usize> Default for InputSlots<'_, N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize> fmt::Debug for InputSlots<'_, N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "InputSlots({}/{N} used)", self.used())
    }
}

impl<'a, const N: usize> InputSlots<'a, N> {
    /// `N` empty slots.
    pub const fn new() -> Self {
        InputSlots([const { OnceCell::new() }; N])
    }

    /// Number of filled slots.
    pub fn used(&self) -> usize {
        self.0.iter().filter(|c| c.get().is_some()).count()
    }
}

/// A dynamic input: JSON text checked against a structure shape.
///
/// ```
/// use stratus_core::format::json::{InputSlots, JsonInput};
/// use stratus_core::model::*;
/// # static MEMBERS: [Member; 2] = [
/// #     Member { name: "Data", location_name: None, target: ShapeId(0), location: Location::Body, flags: MemberFlags::EMPTY, extra: None },
/// #     Member { name: "StreamName", location_name: None, target: ShapeId(2), location: Location::Body, flags: MemberFlags::EMPTY, extra: None },
/// # ];
/// # const fn shape(name: &'static str, kind: ShapeKind) -> Shape {
/// #     Shape { name, kind, flags: ShapeFlags::EMPTY, error: None, limits: None, timestamp_format: None, xml: None }
/// # }
/// # static SHAPES: [Shape; 3] = [
/// #     shape("Data", ShapeKind::Blob),
/// #     shape("PutRecordInput", ShapeKind::Structure { members: &MEMBERS, payload: None }),
/// #     shape("StreamName", ShapeKind::String { enum_values: &[] }),
/// # ];
/// # static MODEL: ServiceModel = ServiceModel {
/// #     name: "kinesis",
/// #     metadata: ServiceMetadata { protocol: Protocol::Json, protocols: &[Protocol::Json], api_version: "2013-12-02",
/// #         endpoint_prefix: "kinesis", signing_name: "kinesis", service_id: "Kinesis", target_prefix: None,
/// #         json_version: Some("1.1"), xml_namespace: None, global_endpoint: None,
/// #         signature_version: SignatureVersion::V4, auth: &[], aws_query_compatible: false, checksum_format: None },
/// #     operations: &[], shapes: &SHAPES,
/// # };
/// let slots: InputSlots<'_, 8> = InputSlots::new();
/// let mut scratch = [0u8; 64];
/// let text = r#"{"StreamName": "s\u00e9", "Data": "aGk="}"#;
/// let input = JsonInput::new(text, &MODEL, ShapeId(1), &slots, &mut scratch).unwrap();
/// match (input.member(0), input.member(1)) {
///     (Some(Value::Blob(b)), Some(Value::Str(s))) => assert_eq!((b, s), (&b"hi"[..], "sé")),
///     _ => panic!("both members are set"),
/// }
/// let (other, mut scratch) = (InputSlots::<'_, 8>::new(), [0u8; 8]);
/// let err = JsonInput::new(r#"{"Bogus": 1}"#, &MODEL, ShapeId(1), &other, &mut scratch).unwrap_err();
/// assert_eq!(err.kind, stratus_core::format::json::InputErrorKind::UnknownMember);
/// ```
#[derive(Clone, Copy, Debug)]
pub struct JsonInput<'a> {
    root: &'a InputNode<'a>,
}

impl<'a> JsonInput<'a> {
    /// Checks `text` against the structure `shape` of `model`, filling `slots`
    /// and `scratch` with what cannot be borrowed from the text.
    ///
    /// Slots already filled (by an earlier input) are skipped, so one
    /// [`InputSlots`] can hold several inputs. The slots stay borrowed as long
    /// as the input lives: declare them next to the call, one array per input
    /// (or per batch of inputs).
    pub fn new<const N: usize>(
        text: &'a str,
        model: &'static ServiceModel,
        shape: ShapeId,
        slots: &'a InputSlots<'a, N>,
        scratch: &'a mut [u8],
    ) -> Result<Self, InputError> {
        let err = |kind, offset| InputError { kind, offset };
        let shape = model
            .shape(shape)
            .filter(|s| matches!(s.kind, ShapeKind::Structure { .. }))
            .ok_or(err(InputErrorKind::NotAStructure, 0))?;
        let (s, e) =
            whole_value(text.as_bytes(), MAX_INPUT_DEPTH).map_err(|d| err(kind_of(d), 0))?;
        let free = slots.0.iter().position(|c| c.get().is_none()).unwrap_or(N);
        let cells = slots.0.get(free..).unwrap_or(&[]);
        let mut scratch = scratch;
        let mut b = Builder {
            text,
            model,
            scratch: &mut scratch,
        };
        b.value((s, e), shape, cells, 0)?;
        match cells.first().and_then(OnceCell::get) {
            Some(root) => Ok(JsonInput { root }),
            None => Err(err(InputErrorKind::WrongType, s)),
        }
    }

    /// The top-level structure node.
    pub fn node(&self) -> &'a InputNode<'a> {
        self.root
    }
}

impl StructValue for JsonInput<'_> {
    fn member(&self, index: usize) -> Option<Value<'_>> {
        self.root.member(index)
    }
}

fn kind_of(e: DecodeError) -> InputErrorKind {
    match e {
        DecodeError::BadEscape | DecodeError::XmlDisabled => InputErrorKind::BadEscape,
        DecodeError::BadNumber | DecodeError::FloatDisabled => InputErrorKind::BadNumber,
        DecodeError::BadBase64 => InputErrorKind::BadBase64,
        DecodeError::BadTimestamp => InputErrorKind::BadTimestamp,
        DecodeError::BufferTooSmall => InputErrorKind::ScratchFull,
        DecodeError::WrongType => InputErrorKind::WrongType,
        DecodeError::Malformed => InputErrorKind::Malformed,
    }
}

/// Offset of `inner` within `outer` (both from the same text).
fn offset_in(outer: &str, inner: &str) -> usize {
    (inner.as_ptr() as usize).wrapping_sub(outer.as_ptr() as usize)
}

struct Builder<'a, 's> {
    text: &'a str,
    model: &'static ServiceModel,
    scratch: &'s mut &'a mut [u8],
}

impl<'a> Builder<'a, '_> {
    fn span(&self, (s, e): (usize, usize)) -> Result<&'a str, InputError> {
        self.text.get(s..e).ok_or(InputError {
            kind: InputErrorKind::Malformed,
            offset: s,
        })
    }

    fn target(&self, id: ShapeId, at: usize) -> Result<&'static Shape, InputError> {
        self.model.shape(id).ok_or(InputError {
            kind: InputErrorKind::NotAStructure,
            offset: at,
        })
    }

    /// Takes `n` bytes of scratch (after `fill` wrote them at its front).
    fn take_scratch(
        &mut self,
        fill: impl FnOnce(&mut [u8]) -> Result<usize, DecodeError>,
        at: usize,
    ) -> Result<&'a [u8], InputError> {
        let buf = core::mem::take(self.scratch);
        let n = match fill(buf) {
            Ok(n) => n,
            Err(e) => {
                *self.scratch = buf;
                return Err(InputError {
                    kind: kind_of(e),
                    offset: at,
                });
            }
        };
        if n > buf.len() {
            *self.scratch = buf;
            return Err(InputError {
                kind: InputErrorKind::ScratchFull,
                offset: at,
            });
        }
        let (used, rest) = buf.split_at_mut(n);
        *self.scratch = rest;
        Ok(used)
    }

    /// Puts `node` into the first slot of `cells`.
    fn put(
        cells: &'a [OnceCell<InputNode<'a>>],
        node: InputNode<'a>,
        at: usize,
    ) -> Result<(), InputError> {
        cells
            .first()
            .ok_or(InputError {
                kind: InputErrorKind::OutOfSlots,
                offset: at,
            })?
            .set(node)
            .map_err(|_| InputError {
                kind: InputErrorKind::OutOfSlots,
                offset: at,
            })
    }

    /// A string token whose escapes are decoded into scratch, as a Text slot.
    fn decoded_text(
        &mut self,
        token: &'a str,
        cells: &'a [OnceCell<InputNode<'a>>],
    ) -> Result<usize, InputError> {
        let at = offset_in(self.text, token);
        let inner = string_inner(token.as_bytes()).map_err(|e| InputError {
            kind: kind_of(e),
            offset: at,
        })?;
        let bytes = self.take_scratch(
            |buf| {
                Text::new(inner, Escape::Json)
                    .decode_into(buf)
                    .map(str::len)
            },
            at,
        )?;
        let text = core::str::from_utf8(bytes).map_err(|_| InputError {
            kind: InputErrorKind::BadEscape,
            offset: at,
        })?;
        Self::put(cells, InputNode(Slot::Text { span: token, text }), at)?;
        Ok(1)
    }

    /// Checks the value at `span` against `shape`; returns the slots used.
    fn value(
        &mut self,
        span: (usize, usize),
        shape: &'static Shape,
        cells: &'a [OnceCell<InputNode<'a>>],
        depth: usize,
    ) -> Result<usize, InputError> {
        let token = self.span(span)?;
        let at = span.0;
        let err = |kind| InputError { kind, offset: at };
        let first = token.as_bytes().first().copied().unwrap_or(b' ');
        if first == b'n' {
            return Ok(0); // null: unset
        }
        if depth > MAX_INPUT_DEPTH {
            return Err(err(InputErrorKind::Malformed));
        }
        match shape.kind {
            ShapeKind::Structure { members, .. } => {
                let mut pairs = Pairs::new(token.as_bytes(), MAX_INPUT_DEPTH)
                    .map_err(|_| err(InputErrorKind::WrongType))?;
                let mut used = 1;
                while let Some(p) = pairs.next_pair().map_err(|e| err(kind_of(e)))? {
                    let key = token.as_bytes().get(p.key.0..p.key.1).unwrap_or(&[]);
                    let key_at = at + p.key.0;
                    let m = members
                        .iter()
                        .find(|m| key_is(key, m.name))
                        .ok_or(InputError {
                            kind: InputErrorKind::UnknownMember,
                            offset: key_at,
                        })?;
                    if m.flags.contains(MemberFlags::JSON_VALUE) {
                        // Any JSON value (already checked by the pair walk):
                        // presented as a document, as botocore json.dumps it.
                        continue;
                    }
                    let target = self.target(m.target, key_at)?;
                    let sub = cells.get(used..).unwrap_or(&[]);
                    used += self.value((at + p.value.0, at + p.value.1), target, sub, depth + 1)?;
                }
                self.container(token, shape, cells, used)
            }
            ShapeKind::List { member } => {
                let mut items = Items::new(token.as_bytes(), MAX_INPUT_DEPTH)
                    .map_err(|_| err(InputErrorKind::WrongType))?;
                let target = self.target(member.target, at)?;
                let mut used = 1;
                while let Some((s, e)) = items.next_item().map_err(|e| err(kind_of(e)))? {
                    if token.as_bytes().get(s) == Some(&b'n') {
                        return Err(InputError {
                            kind: InputErrorKind::WrongType,
                            offset: at + s,
                        });
                    }
                    let sub = cells.get(used..).unwrap_or(&[]);
                    used += self.value((at + s, at + e), target, sub, depth + 1)?;
                }
                self.container(token, shape, cells, used)
            }
            ShapeKind::Map { value, .. } => {
                let mut pairs = Pairs::new(token.as_bytes(), MAX_INPUT_DEPTH)
                    .map_err(|_| err(InputErrorKind::WrongType))?;
                let target = self.target(value.target, at)?;
                let mut used = 1;
                while let Some(p) = pairs.next_pair().map_err(|e| err(kind_of(e)))? {
                    let key = self.span((at + p.key.0, at + p.key.1))?;
                    if key.contains('\\') {
                        let sub = cells.get(used..).unwrap_or(&[]);
                        used += self.decoded_text(key, sub)?;
                    }
                    if token.as_bytes().get(p.value.0) == Some(&b'n') {
                        return Err(InputError {
                            kind: InputErrorKind::WrongType,
                            offset: at + p.value.0,
                        });
                    }
                    let sub = cells.get(used..).unwrap_or(&[]);
                    used += self.value((at + p.value.0, at + p.value.1), target, sub, depth + 1)?;
                }
                self.container(token, shape, cells, used)
            }
            _ => {
                scalar(token, shape, None).map_err(|e| err(kind_of(e)))?;
                match shape.kind {
                    ShapeKind::String { .. } if token.contains('\\') => {
                        self.decoded_text(token, cells)
                    }
                    ShapeKind::Blob => {
                        let inner = string_inner(token.as_bytes()).map_err(|e| err(kind_of(e)))?;
                        let blob = Blob::new(inner.as_bytes(), BlobEncoding::Base64);
                        let bytes =
                            self.take_scratch(|buf| blob.decode_into(buf).map(<[u8]>::len), at)?;
                        Self::put(cells, InputNode(Slot::Bytes { span: token, bytes }), at)?;
                        Ok(1)
                    }
                    _ => Ok(0),
                }
            }
        }
    }

    fn container(
        &self,
        span: &'a str,
        shape: &'static Shape,
        cells: &'a [OnceCell<InputNode<'a>>],
        used: usize,
    ) -> Result<usize, InputError> {
        let at = offset_in(self.text, span);
        let desc = cells.get(1..used).ok_or(InputError {
            kind: InputErrorKind::OutOfSlots,
            offset: at,
        })?;
        let node = InputNode(Slot::Container {
            span,
            shape,
            model: self.model,
            desc,
        });
        Self::put(cells, node, at)?;
        Ok(used)
    }
}

/// Reads the scalar token `token` as `shape` says; `decoded` supplies strings
/// and blobs that live in scratch. Text that needs scratch but has none reads
/// as `Str` of the raw text only when it has no escapes.
fn scalar<'a>(
    token: &'a str,
    shape: &'static Shape,
    decoded: Option<&InputNode<'a>>,
) -> Result<Value<'a>, DecodeError> {
    let b = token.as_bytes();
    let first = b.first().copied().unwrap_or(b' ');
    let is_string = first == b'"';
    let is_number = first == b'-' || first.is_ascii_digit();
    match shape.kind {
        ShapeKind::String { .. } if is_string => match decoded.map(|n| n.0) {
            Some(Slot::Text { text, .. }) => Ok(Value::Str(text)),
            _ => {
                let inner = string_inner(b)?;
                if inner.contains('\\') {
                    // Checked here, stored by the builder.
                    Text::new(inner, Escape::Json)
                        .chars()
                        .try_for_each(|c| c.map(drop))?;
                }
                Ok(Value::Str(inner))
            }
        },
        ShapeKind::Blob if is_string => match decoded.map(|n| n.0) {
            Some(Slot::Bytes { bytes, .. }) => Ok(Value::Blob(bytes)),
            _ => {
                let inner = string_inner(b)?;
                if inner.len() % 4 != 0 || inner.contains('\\') {
                    return Err(DecodeError::BadBase64);
                }
                Ok(Value::Blob(&[]))
            }
        },
        ShapeKind::Integer | ShapeKind::Long if is_number => parse_int(token)
            .map(Value::Int)
            .ok_or(DecodeError::BadNumber),
        ShapeKind::Float | ShapeKind::Double if is_number => parse_float(token)
            .map(Value::Float)
            .ok_or(DecodeError::BadNumber),
        ShapeKind::Float | ShapeKind::Double if is_string => parse_special_float(string_inner(b)?)
            .map(Value::Float)
            .ok_or(DecodeError::BadNumber),
        ShapeKind::Boolean if matches!(first, b't' | b'f') => Ok(Value::Bool(first == b't')),
        ShapeKind::Timestamp if is_number => epoch(token).map(Value::Timestamp),
        ShapeKind::Timestamp if is_string => parse_any(string_inner(b)?)
            .map(Value::Timestamp)
            .map_err(|_| DecodeError::BadTimestamp),
        ShapeKind::Document => Ok(Value::Document(token)),
        _ => Err(DecodeError::WrongType),
    }
}

fn epoch(token: &str) -> Result<Timestamp, DecodeError> {
    let t = if token.contains(['e', 'E']) {
        parse_float(token)
            .ok_or(DecodeError::BadTimestamp)
            .and_then(|x| from_epoch_f64(x).map_err(|_| DecodeError::BadTimestamp))?
    } else {
        parse_epoch_text(token).map_err(|_| DecodeError::BadTimestamp)?
    };
    Ok(t)
}

impl<'a> InputNode<'a> {
    /// The node among this node's descendants whose token starts where `token` does.
    fn find(&self, token: &str) -> Option<&'a InputNode<'a>> {
        let Slot::Container { desc, .. } = self.0 else {
            return None;
        };
        desc.iter().filter_map(OnceCell::get).find(|n| {
            let span = match n.0 {
                Slot::Container { span, .. }
                | Slot::Text { span, .. }
                | Slot::Bytes { span, .. } => span,
            };
            span.as_ptr() == token.as_ptr()
        })
    }

    /// The value of `token`, read as `shape`.
    fn value_of(&self, token: &'a str, shape: &'static Shape) -> Option<Value<'a>> {
        if token.starts_with('n') {
            return None;
        }
        match shape.kind {
            ShapeKind::Structure { .. } => self
                .find(token)
                .map(|n| Value::Struct(n as &dyn StructValue)),
            ShapeKind::List { .. } => self.find(token).map(|n| Value::List(n as &dyn ListValue)),
            ShapeKind::Map { .. } => self.find(token).map(|n| Value::Map(n as &dyn MapValue)),
            _ => scalar(token, shape, self.find(token)).ok(),
        }
    }

    fn container(&self) -> Option<(&'a str, &'static Shape, &'static ServiceModel)> {
        match self.0 {
            Slot::Container {
                span, shape, model, ..
            } => Some((span, shape, model)),
            _ => None,
        }
    }
}

impl StructValue for InputNode<'_> {
    fn member(&self, index: usize) -> Option<Value<'_>> {
        let (span, shape, model) = self.container()?;
        let member = shape.members().get(index)?;
        let mut pairs = Pairs::new(span.as_bytes(), MAX_INPUT_DEPTH).ok()?;
        let mut found = None;
        while let Ok(Some(p)) = pairs.next_pair() {
            if key_is(span.as_bytes().get(p.key.0..p.key.1)?, member.name) {
                found = Some(p.value);
            }
        }
        let (s, e) = found?;
        let token = span.get(s..e)?;
        if member.flags.contains(MemberFlags::JSON_VALUE) {
            return (!token.starts_with('n')).then_some(Value::Document(token));
        }
        self.value_of(token, model.shape(member.target)?)
    }
}

impl ListValue for InputNode<'_> {
    fn len(&self) -> usize {
        let Some((span, _, _)) = self.container() else {
            return 0;
        };
        let Ok(mut items) = Items::new(span.as_bytes(), MAX_INPUT_DEPTH) else {
            return 0;
        };
        let mut n = 0;
        while let Ok(Some(_)) = items.next_item() {
            n += 1;
        }
        n
    }

    fn get(&self, i: usize) -> Option<Value<'_>> {
        let (span, shape, model) = self.container()?;
        let ShapeKind::List { member } = shape.kind else {
            return None;
        };
        let mut items = Items::new(span.as_bytes(), MAX_INPUT_DEPTH).ok()?;
        let mut k = 0;
        while let Ok(Some((s, e))) = items.next_item() {
            if k == i {
                return self.value_of(span.get(s..e)?, model.shape(member.target)?);
            }
            k += 1;
        }
        None
    }
}

impl MapValue for InputNode<'_> {
    fn len(&self) -> usize {
        let Some((span, _, _)) = self.container() else {
            return 0;
        };
        let Ok(mut pairs) = Pairs::new(span.as_bytes(), MAX_INPUT_DEPTH) else {
            return 0;
        };
        let mut n = 0;
        while let Ok(Some(_)) = pairs.next_pair() {
            n += 1;
        }
        n
    }

    fn entry(&self, i: usize) -> Option<(&str, Value<'_>)> {
        let (span, shape, model) = self.container()?;
        let ShapeKind::Map { value, .. } = shape.kind else {
            return None;
        };
        let mut pairs = Pairs::new(span.as_bytes(), MAX_INPUT_DEPTH).ok()?;
        let mut k = 0;
        while let Ok(Some(p)) = pairs.next_pair() {
            if k == i {
                let key_token = span.get(p.key.0..p.key.1)?;
                let key = match self.find(key_token).map(|n| n.0) {
                    Some(Slot::Text { text, .. }) => text,
                    _ => string_inner(key_token.as_bytes()).ok()?,
                };
                let v =
                    self.value_of(span.get(p.value.0..p.value.1)?, model.shape(value.target)?)?;
                return Some((key, v));
            }
            k += 1;
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::sample::{MODEL, ids, walk_input};

    const SAMPLE: &str = r#"{
        "Name": "caf\u00e9 \"q\"", "Data": "aGVsbG8=", "Count": 7, "Size": -9000000000,
        "Ratio": "Infinity", "Enabled": false, "When": "2013-05-24T00:00:00Z",
        "Tags": {"k\u00e9": "v", "plain": "w"}, "Items": ["a", "b\n"],
        "Nested": {"Name": "inner", "When": 1369353600.25, "Children": [{"Count": 1}, {"Count": 2}]},
        "Doc": {"any": [1, "thing"]}, "Renamed": null
    }"#;

    #[test]
    fn presents_json_text_as_struct_value() {
        let slots: InputSlots<'_, 16> = InputSlots::new();
        let mut scratch = [0u8; 64];
        let input = JsonInput::new(SAMPLE, &MODEL, ids::SAMPLE, &slots, &mut scratch).unwrap();
        let s = |i| input.member(i);
        assert!(matches!(s(0), Some(Value::Str("café \"q\""))));
        assert!(matches!(s(1), Some(Value::Blob(b"hello"))));
        assert!(matches!(s(2), Some(Value::Int(7))));
        assert!(matches!(s(3), Some(Value::Int(-9_000_000_000))));
        assert!(matches!(s(4), Some(Value::Float(x)) if x == f64::INFINITY));
        assert!(matches!(s(5), Some(Value::Bool(false))));
        assert!(matches!(s(6), Some(Value::Timestamp(t)) if t.secs == 1_369_353_600));
        let Some(Value::Map(tags)) = s(7) else {
            panic!("Tags is a map")
        };
        assert_eq!(tags.len(), 2);
        assert!(matches!(tags.entry(0), Some(("ké", Value::Str("v")))));
        assert!(matches!(tags.entry(1), Some(("plain", Value::Str("w")))));
        assert!(tags.entry(2).is_none());
        let Some(Value::List(items)) = s(8) else {
            panic!("Items is a list")
        };
        assert_eq!(items.len(), 2);
        assert!(matches!(items.get(1), Some(Value::Str("b\n"))));
        assert!(s(9).is_none() && s(10).is_none());
        let Some(Value::Struct(nested)) = s(11) else {
            panic!("Nested is a structure")
        };
        assert!(matches!(nested.member(6), Some(Value::Timestamp(t)) if t.nanos == 250_000_000));
        let Some(Value::List(children)) = nested.member(12) else {
            panic!("Children")
        };
        let Some(Value::Struct(second)) = children.get(1) else {
            panic!("a Sample")
        };
        assert!(matches!(second.member(2), Some(Value::Int(2))));
        assert!(matches!(s(14), Some(Value::Document(d)) if d == r#"{"any": [1, "thing"]}"#));
        assert!(s(15).is_none(), "null is unset");
        assert!(s(16).is_none(), "past the members");
        let shape = MODEL.shape(ids::SAMPLE).unwrap();
        assert_eq!(walk_input(&input, shape, 16), 18);
        // 1 root + 2 escaped strings (Name, Items[1]) + blob + Tags + escaped key
        // + Items + Nested + Children + 2 children + Doc is not a container.
        assert_eq!(slots.used(), 11);
    }

    #[test]
    fn bad_input_names_what_and_where() {
        let cases: &[(&str, InputErrorKind, usize)] = &[
            (r#"{"Nme": 1}"#, InputErrorKind::UnknownMember, 1),
            (r#"{"Count": "7"}"#, InputErrorKind::WrongType, 10),
            (r#"{"Count": 7.5}"#, InputErrorKind::BadNumber, 10),
            (r#"{"Data": "aGk"}"#, InputErrorKind::BadBase64, 9),
            (r#"{"Data": "a!k="}"#, InputErrorKind::BadBase64, 9),
            (r#"{"When": "noon"}"#, InputErrorKind::BadTimestamp, 9),
            (r#"{"Name": "\ud800"}"#, InputErrorKind::BadEscape, 9),
            (r#"{"Items": [null]}"#, InputErrorKind::WrongType, 11),
            (r#"{"Tags": {"a": 1}}"#, InputErrorKind::WrongType, 15),
            (r#"{"Nested": []}"#, InputErrorKind::WrongType, 11),
            (r#"{"Name": "x""#, InputErrorKind::Malformed, 0),
            (r#"[]"#, InputErrorKind::WrongType, 0),
        ];
        for (text, kind, offset) in cases {
            let slots: InputSlots<'_, 8> = InputSlots::new();
            let mut scratch = [0u8; 16];
            let e = JsonInput::new(text, &MODEL, ids::SAMPLE, &slots, &mut scratch).unwrap_err();
            assert_eq!((e.kind, e.offset), (*kind, *offset), "{text}");
        }
        let slots: InputSlots<'_, 2> = InputSlots::new();
        let mut scratch = [0u8; 16];
        let e = JsonInput::new(
            r#"{"Items": [], "Tags": {}}"#,
            &MODEL,
            ids::SAMPLE,
            &slots,
            &mut scratch,
        );
        assert_eq!(e.unwrap_err().kind, InputErrorKind::OutOfSlots);
        let slots: InputSlots<'_, 4> = InputSlots::new();
        let mut scratch = [0u8; 4];
        let e = JsonInput::new(
            r#"{"Data": "aGVsbG8="}"#,
            &MODEL,
            ids::SAMPLE,
            &slots,
            &mut scratch,
        );
        assert_eq!(e.unwrap_err().kind, InputErrorKind::ScratchFull);
        let mut scratch = [0u8; 4];
        let e = JsonInput::new("{}", &MODEL, ids::BLOB, &slots, &mut scratch);
        assert_eq!(e.unwrap_err().kind, InputErrorKind::NotAStructure);
    }
}
