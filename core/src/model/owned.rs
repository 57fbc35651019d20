//! Owned forms (feature `alloc`): the [`value`](super::value) and
//! [`view`](super::view) traits for `String`, `Vec<u8>`, `Vec<T>` and
//! `Vec<(K, V)>`, so generated owned structures go through the same
//! serializers as borrowed ones and decode straight from a response node.
//!
//! `Vec<u8>` is a blob, `Vec<(K, V)>` a map in entry order, any other `Vec<T>`
//! a list; a JSON document held as text is a [`RawJsonBuf`].
//!
//! ```
//! use stratus_core::model::{AsValue, ListValue, Value};
//! let tags: Vec<String> = vec!["a".into(), "b".into()];
//! assert_eq!(ListValue::len(&tags), 2);
//! assert!(matches!(tags.as_value(), Value::List(_)));
//! let data: Vec<u8> = b"hi".to_vec();
//! assert!(matches!(data.as_value(), Value::Blob(b"hi")));
//! ```

use alloc::string::String;
use alloc::vec::Vec;

use super::value::{AsValue, ListValue, MapKey, MapValue, Value};
use super::view::{Blob, DecodeError, FromNode, Node, Scalar, ScalarKind, Text};

/// A JSON document owned as text (`document` shapes and `jsonvalue` members);
/// the owned form of [`RawJson`](super::RawJson).
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct RawJsonBuf(pub String);

impl Text<'_> {
    /// The decoded text, unescaped into a new `String`.
    ///
    /// ```
    /// use stratus_core::model::view::{Escape, Text};
    /// let t = Text::new(r"a\nb", Escape::Json);
    /// assert_eq!(t.to_decoded_string().unwrap(), "a\nb");
    /// assert!(Text::new(r"\q", Escape::Json).to_decoded_string().is_err());
    /// ```
    pub fn to_decoded_string(&self) -> Result<String, DecodeError> {
        match self.as_plain() {
            Some(plain) => Ok(String::from(plain)),
            None => self.chars().collect(),
        }
    }
}

impl Blob<'_> {
    /// The decoded bytes in a new `Vec`.
    ///
    /// ```
    /// use stratus_core::model::view::{Blob, BlobEncoding};
    /// let b = Blob::new(b"aGVsbG8=", BlobEncoding::Base64);
    /// assert_eq!(b.to_decoded_vec().unwrap(), b"hello");
    /// assert!(Blob::new(b"a*==", BlobEncoding::Base64).to_decoded_vec().is_err());
    /// ```
    pub fn to_decoded_vec(&self) -> Result<Vec<u8>, DecodeError> {
        // Decoded bytes never outnumber the raw ones (base64 shrinks).
        let mut buf = alloc::vec![0u8; self.raw().len()];
        let len = self.decode_into(&mut buf)?.len();
        buf.truncate(len);
        Ok(buf)
    }
}

impl AsValue for String {
    fn as_value(&self) -> Value<'_> {
        Value::Str(self)
    }
}

impl MapKey for String {
    fn key_str(&self) -> &str {
        self
    }
}

impl AsValue for Vec<u8> {
    fn as_value(&self) -> Value<'_> {
        Value::Blob(self)
    }
}

impl AsValue for RawJsonBuf {
    fn as_value(&self) -> Value<'_> {
        Value::Document(&self.0)
    }
}

impl<T: AsValue> AsValue for Vec<T> {
    fn as_value(&self) -> Value<'_> {
        Value::List(self)
    }
}

impl<T: AsValue> ListValue for Vec<T> {
    fn len(&self) -> usize {
        <[T]>::len(self)
    }
    fn get(&self, i: usize) -> Option<Value<'_>> {
        <[T]>::get(self, i).map(AsValue::as_value)
    }
}

impl<K: MapKey, V: AsValue> AsValue for Vec<(K, V)> {
    fn as_value(&self) -> Value<'_> {
        Value::Map(self)
    }
}

impl<K: MapKey, V: AsValue> MapValue for Vec<(K, V)> {
    fn len(&self) -> usize {
        <[(K, V)]>::len(self)
    }
    fn entry(&self, i: usize) -> Option<(&str, Value<'_>)> {
        <[(K, V)]>::get(self, i).map(|(k, v)| (k.key_str(), v.as_value()))
    }
}

impl<'a> FromNode<'a> for String {
    fn from_node(node: Node<'a>) -> Result<Self, DecodeError> {
        node.text()?.to_decoded_string()
    }
}

impl<'a> FromNode<'a> for Vec<u8> {
    fn from_node(node: Node<'a>) -> Result<Self, DecodeError> {
        match node.scalar(ScalarKind::Blob)? {
            Scalar::Blob(b) => b.to_decoded_vec(),
            _ => Err(DecodeError::WrongType),
        }
    }
}

impl<'a> FromNode<'a> for RawJsonBuf {
    fn from_node(node: Node<'a>) -> Result<Self, DecodeError> {
        match node.scalar(ScalarKind::Document)? {
            Scalar::Document(d) => Ok(RawJsonBuf(String::from(d))),
            _ => Err(DecodeError::WrongType),
        }
    }
}

impl<'a, T: FromNode<'a>> FromNode<'a> for Vec<T> {
    fn from_node(node: Node<'a>) -> Result<Self, DecodeError> {
        let reader = node.reader();
        let mut cursor = 0;
        let mut items = Vec::new();
        while let Some(item) = reader.next_item(&node, &mut cursor)? {
            items.push(T::from_node(item)?);
        }
        Ok(items)
    }
}

impl<'a, K: FromNode<'a>, V: FromNode<'a>> FromNode<'a> for Vec<(K, V)> {
    fn from_node(node: Node<'a>) -> Result<Self, DecodeError> {
        let reader = node.reader();
        let mut cursor = 0;
        let mut entries = Vec::new();
        while let Some((k, v)) = reader.next_entry(&node, &mut cursor)? {
            entries.push((K::from_node(k)?, V::from_node(v)?));
        }
        Ok(entries)
    }
}
