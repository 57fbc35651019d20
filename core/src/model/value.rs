//! The one-engine seam for requests: protocol serializers walk a
//! `&dyn StructValue`, whether it is a generated typed input or a dynamic value
//! built at run time, and read each member as a [`Value`].
//!
//! Member indices are positions in the structure shape's
//! [`members`](super::Shape::members) table.
//!
//! ```
//! use stratus_core::model::{AsValue, ListValue, StructValue, Value};
//!
//! struct Entry<'a> { key: &'a str, size: Option<i64> }
//! impl StructValue for Entry<'_> {
//!     fn member(&self, index: usize) -> Option<Value<'_>> {
//!         match index {
//!             0 => Some(Value::Str(self.key)),
//!             1 => self.size.map(Value::Int),
//!             _ => None,
//!         }
//!     }
//! }
//! impl AsValue for Entry<'_> {
//!     fn as_value(&self) -> Value<'_> { Value::Struct(self) }
//! }
//!
//! let entries: &[Entry] = &[Entry { key: "a", size: None }];
//! assert_eq!(ListValue::len(&entries), 1);
//! match entries.get(0).map(|e| e.member(0)) {
//!     Some(Some(Value::Str(k))) => assert_eq!(k, "a"),
//!     _ => panic!("member 0 is the key"),
//! }
//! ```

use crate::time::Timestamp;

/// A JSON document passed through as text (`document` shapes and `jsonvalue`
/// members); the caller vouches that it is valid JSON.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct RawJson<'a>(pub &'a str);

/// One member's value as a serializer sees it.
#[derive(Clone, Copy)]
pub enum Value<'a> {
    /// `boolean`.
    Bool(bool),
    /// `integer` / `long`.
    Int(i64),
    /// `float` / `double`.
    Float(f64),
    /// `string` (enums as their wire text).
    Str(&'a str),
    /// `blob`.
    Blob(&'a [u8]),
    /// `timestamp`.
    Timestamp(Timestamp),
    /// A JSON document, as text.
    Document(&'a str),
    /// `structure`.
    Struct(&'a dyn StructValue),
    /// `list`.
    List(&'a dyn ListValue),
    /// `map`.
    Map(&'a dyn MapValue),
}

impl core::fmt::Debug for Value<'_> {
    // Values may be secret (`sensitive` shapes): Debug says only what kind it is.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            Value::Bool(_) => "Value::Bool(..)",
            Value::Int(_) => "Value::Int(..)",
            Value::Float(_) => "Value::Float(..)",
            Value::Str(_) => "Value::Str(..)",
            Value::Blob(_) => "Value::Blob(..)",
            Value::Timestamp(_) => "Value::Timestamp(..)",
            Value::Document(_) => "Value::Document(..)",
            Value::Struct(_) => "Value::Struct(..)",
            Value::List(_) => "Value::List(..)",
            Value::Map(_) => "Value::Map(..)",
        })
    }
}

/// A structure's members by index (position in the shape's member table).
pub trait StructValue {
    /// The value of member `index`, or `None` when it is unset or out of range.
    fn member(&self, index: usize) -> Option<Value<'_>>;
}

/// A structure with no member set: the input of an operation that has no
/// input shape, or an input left empty.
///
/// ```
/// use stratus_core::model::{NoMembers, StructValue};
/// assert!(NoMembers.member(0).is_none());
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct NoMembers;

impl StructValue for NoMembers {
    fn member(&self, _: usize) -> Option<Value<'_>> {
        None
    }
}

/// A list's elements.
pub trait ListValue {
    /// Number of elements.
    fn len(&self) -> usize;
    /// Whether there are no elements.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Element `i`, or `None` past the end.
    fn get(&self, i: usize) -> Option<Value<'_>>;
}

/// A map's entries, in order.
pub trait MapValue {
    /// Number of entries.
    fn len(&self) -> usize;
    /// Whether there are no entries.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Entry `i` as (key, value), or `None` past the end.
    fn entry(&self, i: usize) -> Option<(&str, Value<'_>)>;
}

/// A typed element that can be seen as a [`Value`] (list elements, map values).
pub trait AsValue {
    /// This element as a value.
    fn as_value(&self) -> Value<'_>;
}

/// A typed map key that reads as text (strings and string enums).
pub trait MapKey {
    /// The key's wire text.
    fn key_str(&self) -> &str;
}

macro_rules! as_value_by_copy {
    ($($t:ty => $v:ident($conv:expr)),* $(,)?) => {
        $(impl AsValue for $t {
            fn as_value(&self) -> Value<'_> {
                let f: fn($t) -> _ = $conv;
                Value::$v(f(*self))
            }
        })*
    };
}

as_value_by_copy! {
    bool => Bool(|b| b),
    i32 => Int(i64::from),
    i64 => Int(|i| i),
    f32 => Float(f64::from),
    f64 => Float(|x| x),
    Timestamp => Timestamp(|t| t),
}

impl AsValue for &str {
    fn as_value(&self) -> Value<'_> {
        Value::Str(self)
    }
}

impl AsValue for &[u8] {
    fn as_value(&self) -> Value<'_> {
        Value::Blob(self)
    }
}

impl AsValue for RawJson<'_> {
    fn as_value(&self) -> Value<'_> {
        Value::Document(self.0)
    }
}

impl<T: AsValue> AsValue for &[T] {
    fn as_value(&self) -> Value<'_> {
        Value::List(self)
    }
}

impl<K: MapKey, V: AsValue> AsValue for &[(K, V)] {
    fn as_value(&self) -> Value<'_> {
        Value::Map(self)
    }
}

impl<T: AsValue> ListValue for &[T] {
    fn len(&self) -> usize {
        <[T]>::len(self)
    }
    fn get(&self, i: usize) -> Option<Value<'_>> {
        <[T]>::get(self, i).map(AsValue::as_value)
    }
}

impl<K: MapKey, V: AsValue> MapValue for &[(K, V)] {
    fn len(&self) -> usize {
        <[(K, V)]>::len(self)
    }
    fn entry(&self, i: usize) -> Option<(&str, Value<'_>)> {
        <[(K, V)]>::get(self, i).map(|(k, v)| (k.key_str(), v.as_value()))
    }
}

impl MapKey for &str {
    fn key_str(&self) -> &str {
        self
    }
}
