//! [`Params`]: the caller's input seen through the edits handlers made.
//!
//! botocore hands `provide-client-params` and `before-parameter-build`
//! handlers the parameter dict to change in place. Here the caller's input is
//! borrowed and never copied; handlers record edits to top-level members
//! (set, replace, unset), and the serializer reads the input through them.
//! Text a handler sets is copied into a small fixed buffer, so handlers need
//! not keep it alive.
//!
//! ```
//! use stratus_core::client::Params;
//! use stratus_core::model::{StructValue, Value};
//! # use stratus_core::model::*;
//! # static SHAPES: [Shape; 2] = [
//! #     Shape { name: "In", kind: ShapeKind::Structure { members: &MEMBERS, payload: None }, flags: ShapeFlags::EMPTY, error: None, limits: None, timestamp_format: None, xml: None },
//! #     Shape { name: "S", kind: ShapeKind::String { enum_values: &[] }, flags: ShapeFlags::EMPTY, error: None, limits: None, timestamp_format: None, xml: None },
//! # ];
//! # static MEMBERS: [Member; 1] = [Member { name: "StreamName", location_name: None, target: ShapeId(1), location: Location::Body, flags: MemberFlags::EMPTY, extra: None }];
//! # static MODEL: ServiceModel = ServiceModel { name: "k", metadata: ServiceMetadata { protocol: Protocol::Json, protocols: &[Protocol::Json], api_version: "1", endpoint_prefix: "k", signing_name: "k", service_id: "K", target_prefix: None, json_version: None, xml_namespace: None, global_endpoint: None, signature_version: SignatureVersion::V4, auth: &[AuthScheme::SigV4], aws_query_compatible: false, checksum_format: None }, operations: &[], shapes: &SHAPES };
//! struct In<'a>(Option<&'a str>);
//! impl StructValue for In<'_> {
//!     fn member(&self, i: usize) -> Option<Value<'_>> { if i == 0 { self.0.map(Value::Str) } else { None } }
//! }
//! let input = In(Some("old"));
//! let mut params = Params::new(&MODEL, MODEL.shape(ShapeId(0)), &input);
//! params.set_str("StreamName", "new").unwrap();
//! assert!(matches!(params.get("StreamName"), Some(Value::Str("new"))));
//! params.unset("StreamName").unwrap();
//! assert!(params.get("StreamName").is_none());
//! ```

use core::fmt;

use crate::model::{ServiceModel, Shape, StructValue, Value};
use crate::time::Timestamp;

/// Most member edits one call may carry.
pub const MAX_PARAM_EDITS: usize = 8;
/// Bytes of text (strings and blobs) handlers may set on one call.
pub const PARAM_TEXT_CAPACITY: usize = 256;

/// Why a parameter edit was refused.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum ParamError {
    /// The input shape has no member of that name.
    UnknownMember,
    /// More than [`MAX_PARAM_EDITS`] edits, or more than
    /// [`PARAM_TEXT_CAPACITY`] bytes of text.
    Full,
    /// This build has no event handlers (the `handlers` feature of
    /// stratus-core is off), so it reads the input as given and takes no
    /// edits.
    HandlersDisabled,
}

impl fmt::Display for ParamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ParamError::UnknownMember => "the operation's input has no such member",
            ParamError::Full => "too many parameter edits for the fixed edit buffer",
            ParamError::HandlersDisabled => {
                "parameter edits left out of this build (stratus-core feature `handlers`)"
            }
        })
    }
}

#[derive(Clone, Copy)]
enum Edit {
    Unset,
    Bool(bool),
    Int(i64),
    Float(f64),
    Timestamp(Timestamp),
    Str(usize, usize),
    Blob(usize, usize),
    Static(Value<'static>),
}

/// The call's input plus handler edits. See the [module docs](self).
pub struct Params<'b> {
    model: &'static ServiceModel,
    shape: Option<&'static Shape>,
    base: &'b dyn StructValue,
    edits: heapless::Vec<(usize, Edit), MAX_PARAM_EDITS>,
    text: heapless::Vec<u8, PARAM_TEXT_CAPACITY>,
}

impl fmt::Debug for Params<'_> {
    // Values may be sensitive: which members were edited, not their values.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Params")
            .field("shape", &self.shape.map(|s| s.name))
            .field("edits", &self.edits.len())
            .finish()
    }
}

impl<'b> Params<'b> {
    /// `input` (of structure `shape` in `model`) with no edits.
    pub fn new(
        model: &'static ServiceModel,
        shape: Option<&'static Shape>,
        input: &'b dyn StructValue,
    ) -> Self {
        Params {
            model,
            shape,
            base: input,
            edits: heapless::Vec::new(),
            text: heapless::Vec::new(),
        }
    }

    /// The service the input belongs to.
    pub fn model(&self) -> &'static ServiceModel {
        self.model
    }

    /// The input structure's shape (`None` for operations without input).
    pub fn shape(&self) -> Option<&'static Shape> {
        self.shape
    }

    /// The index of member `name` in the input shape.
    pub fn index_of(&self, name: &str) -> Option<usize> {
        self.shape?.members().iter().position(|m| m.name == name)
    }

    /// Member `name` as the serializer will see it.
    pub fn get(&self, name: &str) -> Option<Value<'_>> {
        self.member(self.index_of(name)?)
    }

    /// The index of the member an edit names, if this build takes edits.
    fn editable(&self, name: &str) -> Result<usize, ParamError> {
        if !crate::features::HANDLERS {
            return Err(ParamError::HandlersDisabled);
        }
        self.index_of(name).ok_or(ParamError::UnknownMember)
    }

    fn edit(&mut self, name: &str, edit: Edit) -> Result<(), ParamError> {
        let i = self.editable(name)?;
        if let Some(slot) = self.edits.iter_mut().find(|(j, _)| *j == i) {
            slot.1 = edit;
            return Ok(());
        }
        self.edits.push((i, edit)).map_err(|_| ParamError::Full)
    }

    fn keep_text(&mut self, bytes: &[u8]) -> Result<(usize, usize), ParamError> {
        let start = self.text.len();
        self.text
            .extend_from_slice(bytes)
            .map_err(|_| ParamError::Full)?;
        Ok((start, self.text.len()))
    }

    /// Sets member `name` to the text `value` (copied).
    pub fn set_str(&mut self, name: &str, value: &str) -> Result<(), ParamError> {
        self.editable(name)?;
        let (s, e) = self.keep_text(value.as_bytes())?;
        self.edit(name, Edit::Str(s, e))
    }

    /// Sets blob member `name` to `value` (copied).
    pub fn set_blob(&mut self, name: &str, value: &[u8]) -> Result<(), ParamError> {
        self.editable(name)?;
        let (s, e) = self.keep_text(value)?;
        self.edit(name, Edit::Blob(s, e))
    }

    /// Sets boolean member `name`.
    pub fn set_bool(&mut self, name: &str, value: bool) -> Result<(), ParamError> {
        self.edit(name, Edit::Bool(value))
    }

    /// Sets integer member `name`.
    pub fn set_int(&mut self, name: &str, value: i64) -> Result<(), ParamError> {
        self.edit(name, Edit::Int(value))
    }

    /// Sets float member `name`.
    pub fn set_float(&mut self, name: &str, value: f64) -> Result<(), ParamError> {
        self.edit(name, Edit::Float(value))
    }

    /// Sets timestamp member `name`.
    pub fn set_timestamp(&mut self, name: &str, value: Timestamp) -> Result<(), ParamError> {
        self.edit(name, Edit::Timestamp(value))
    }

    /// Sets member `name` to any value that lives for the program (a
    /// structure or list in a `static`, for instance).
    pub fn set_value(&mut self, name: &str, value: Value<'static>) -> Result<(), ParamError> {
        self.edit(name, Edit::Static(value))
    }

    /// Leaves member `name` unset.
    pub fn unset(&mut self, name: &str) -> Result<(), ParamError> {
        self.edit(name, Edit::Unset)
    }

    /// Whether any handler edited the input.
    pub fn is_edited(&self) -> bool {
        !self.edits.is_empty()
    }
}

impl StructValue for Params<'_> {
    fn member(&self, index: usize) -> Option<Value<'_>> {
        // Without handlers no edit is ever recorded (`edit` refuses).
        if !crate::features::HANDLERS {
            return self.base.member(index);
        }
        let Some((_, edit)) = self.edits.iter().find(|(i, _)| *i == index) else {
            return self.base.member(index);
        };
        let text = |s: usize, e: usize| self.text.get(s..e).unwrap_or(&[]);
        match *edit {
            Edit::Unset => None,
            Edit::Bool(b) => Some(Value::Bool(b)),
            Edit::Int(i) => Some(Value::Int(i)),
            Edit::Float(x) => Some(Value::Float(x)),
            Edit::Timestamp(t) => Some(Value::Timestamp(t)),
            Edit::Str(s, e) => core::str::from_utf8(text(s, e)).ok().map(Value::Str),
            Edit::Blob(s, e) => Some(Value::Blob(text(s, e))),
            Edit::Static(v) => Some(v),
        }
    }
}
