//! Parameter validation before a request is built, with botocore's
//! `ParamValidator` rules: required members present, each value of the kind
//! its shape wants, `min` lengths (strings, lists, maps) and `min` values
//! (numbers), host labels at least one character, unions with exactly one
//! member set. Like botocore it does not check `max` or enum values.
//!
//! The first problem found is returned, naming the member path the way the
//! input is written: `Records[3].PartitionKey: required`, `Tags.env: …`.
//! [`SerializeOptions::validate`](crate::protocol::serialize::SerializeOptions)
//! turns it off.

use core::fmt::{self, Write as _};

use crate::model::{
    Bound, MemberFlags, ServiceModel, Shape, ShapeFlags, ShapeKind, StructValue, Value,
};

/// Longest member path kept in an error; longer paths end in `…`.
pub const MAX_PATH: usize = 96;

/// Deepest nesting validated.
const MAX_DEPTH: usize = 64;

/// What is wrong with a member.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum ValidationErrorKind {
    /// A required member is unset.
    Required,
    /// The value's kind does not match the shape (e.g. a list for a string).
    WrongType,
    /// Shorter than the shape's `min` length (strings, blobs, lists, maps).
    TooShort,
    /// Below the shape's `min` value (numbers).
    BelowMin,
    /// A union with no member set.
    EmptyUnion,
    /// A union with more than one member set.
    UnionHasMany,
    /// Nesting deeper than the validator follows.
    TooDeep,
}

impl ValidationErrorKind {
    fn text(self) -> &'static str {
        match self {
            ValidationErrorKind::Required => "required",
            ValidationErrorKind::WrongType => "invalid type",
            ValidationErrorKind::TooShort => "invalid length (below min)",
            ValidationErrorKind::BelowMin => "invalid range (below min)",
            ValidationErrorKind::EmptyUnion => "union has no member set",
            ValidationErrorKind::UnionHasMany => "union has more than one member set",
            ValidationErrorKind::TooDeep => "nested too deeply",
        }
    }
}

/// A validation failure: the member path and what is wrong.
///
/// ```
/// use stratus_core::protocol::validate::{ValidationError, ValidationErrorKind};
/// let e = ValidationError::new("Records[3].PartitionKey", ValidationErrorKind::Required);
/// assert_eq!(e.to_string(), "Records[3].PartitionKey: required");
/// ```
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ValidationError {
    /// Member path, e.g. `Records[3].PartitionKey` (empty for the input itself).
    pub path: heapless::String<MAX_PATH>,
    /// What is wrong.
    pub kind: ValidationErrorKind,
}

#[cfg(feature = "defmt")]
impl defmt::Format for ValidationError {
    fn format(&self, f: defmt::Formatter<'_>) {
        defmt::write!(f, "{}: {}", self.path.as_str(), self.kind)
    }
}

impl ValidationError {
    /// An error at `path` (truncated to [`MAX_PATH`]).
    pub fn new(path: &str, kind: ValidationErrorKind) -> Self {
        let mut p = heapless::String::new();
        push_clipped(&mut p, path);
        ValidationError { path: p, kind }
    }
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.kind.text())
    }
}

fn push_clipped(p: &mut heapless::String<MAX_PATH>, s: &str) {
    for c in s.chars() {
        if p.push(c).is_err() {
            // Keep room for the ellipsis.
            while p.len() > MAX_PATH - 3 {
                p.pop();
            }
            let _ = p.push('…');
            return;
        }
    }
}

type Path = heapless::String<MAX_PATH>;

fn fail(path: &Path, kind: ValidationErrorKind) -> Result<(), ValidationError> {
    Err(ValidationError {
        path: path.clone(),
        kind,
    })
}

fn below(min: Option<Bound>, n: f64) -> bool {
    match min {
        Some(Bound::Int(m)) => n < m as f64,
        Some(Bound::Float(m)) => n < m,
        None => false,
    }
}

/// Validates `input` against the structure `shape` of `model`.
pub fn validate(
    model: &ServiceModel,
    shape: &Shape,
    input: &dyn StructValue,
) -> Result<(), ValidationError> {
    let mut path = Path::new();
    check_struct(model, shape, input, &mut path, 0)
}

fn check_struct(
    model: &ServiceModel,
    shape: &Shape,
    sv: &dyn StructValue,
    path: &mut Path,
    depth: usize,
) -> Result<(), ValidationError> {
    if depth > MAX_DEPTH {
        return fail(path, ValidationErrorKind::TooDeep);
    }
    let members = shape.members();
    if shape.flags.contains(ShapeFlags::UNION) {
        match (0..members.len())
            .filter(|i| sv.member(*i).is_some())
            .count()
        {
            0 => return fail(path, ValidationErrorKind::EmptyUnion),
            1 => {}
            _ => return fail(path, ValidationErrorKind::UnionHasMany),
        }
    }
    let base = path.len();
    for (i, m) in members.iter().enumerate() {
        let v = sv.member(i);
        let _ = if base == 0 {
            path.push_str(m.name)
        } else {
            write!(path, ".{}", m.name).map_err(|_| ())
        };
        match v {
            None if m.flags.contains(MemberFlags::REQUIRED) => {
                return fail(path, ValidationErrorKind::Required);
            }
            None => {}
            Some(v) => {
                let t = model.shape(m.target);
                if let Some(t) = t {
                    if m.flags.contains(MemberFlags::HOST_LABEL)
                        && t.limits.is_none()
                        && matches!(v, Value::Str(""))
                    {
                        return fail(path, ValidationErrorKind::TooShort);
                    }
                    check_value(model, t, v, path, depth + 1)?;
                }
            }
        }
        path.truncate(base);
    }
    Ok(())
}

fn check_value(
    model: &ServiceModel,
    shape: &Shape,
    v: Value<'_>,
    path: &mut Path,
    depth: usize,
) -> Result<(), ValidationError> {
    if depth > MAX_DEPTH {
        return fail(path, ValidationErrorKind::TooDeep);
    }
    let min = shape.limits.and_then(|l| l.min);
    let base = path.len();
    match (&shape.kind, v) {
        (ShapeKind::Structure { .. }, Value::Struct(sv)) => {
            check_struct(model, shape, sv, path, depth)?;
        }
        (ShapeKind::List { member }, Value::List(lv)) => {
            if below(min, lv.len() as f64) {
                return fail(path, ValidationErrorKind::TooShort);
            }
            let Some(t) = model.shape(member.target) else {
                return Ok(());
            };
            for i in 0..lv.len() {
                if let Some(e) = lv.get(i) {
                    let _ = write!(path, "[{i}]");
                    check_value(model, t, e, path, depth + 1)?;
                    path.truncate(base);
                }
            }
        }
        (ShapeKind::Map { value, .. }, Value::Map(mv)) => {
            if below(min, mv.len() as f64) {
                return fail(path, ValidationErrorKind::TooShort);
            }
            let Some(t) = model.shape(value.target) else {
                return Ok(());
            };
            for i in 0..mv.len() {
                if let Some((k, e)) = mv.entry(i) {
                    let _ = path.push('.');
                    push_clipped(path, k);
                    check_value(model, t, e, path, depth + 1)?;
                    path.truncate(base);
                }
            }
        }
        (ShapeKind::String { .. }, Value::Str(s)) => {
            if below(min, s.chars().count() as f64) {
                return fail(path, ValidationErrorKind::TooShort);
            }
        }
        (ShapeKind::Blob, Value::Blob(b)) => {
            if below(min, b.len() as f64) {
                return fail(path, ValidationErrorKind::TooShort);
            }
        }
        (ShapeKind::Blob, Value::Str(_)) => {}
        (ShapeKind::Integer | ShapeKind::Long, Value::Int(n)) => {
            if below(min, n as f64) {
                return fail(path, ValidationErrorKind::BelowMin);
            }
        }
        (ShapeKind::Float | ShapeKind::Double, Value::Float(x)) => {
            if below(min, x) {
                return fail(path, ValidationErrorKind::BelowMin);
            }
        }
        (ShapeKind::Float | ShapeKind::Double, Value::Int(n)) => {
            if below(min, n as f64) {
                return fail(path, ValidationErrorKind::BelowMin);
            }
        }
        (ShapeKind::Boolean, Value::Bool(_))
        | (ShapeKind::Timestamp, Value::Timestamp(_))
        | (ShapeKind::Document, _)
        | (_, Value::Document(_)) => {}
        _ => return fail(path, ValidationErrorKind::WrongType),
    }
    Ok(())
}
