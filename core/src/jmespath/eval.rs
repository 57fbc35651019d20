//! The evaluator: [`search`] walks an [`Expr`] over a response node, as the
//! reference implementation's tree interpreter does, without collecting.

use core::cmp::Ordering;
use core::fmt;
use core::ops::ControlFlow;

use super::{Comparator, Expr, Function, Literal};
use crate::model::view::{DecodeError, Escape, Node, Scalar, ScalarKind, Text};
use crate::model::{ServiceModel, Shape, ShapeFlags, ShapeKind};
use crate::protocol::parse::is_null_node;

/// Deepest nesting of values [`Value::equals`] compares.
const MAX_EQ_DEPTH: usize = 32;

/// Why an expression could not be evaluated.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum EvalError {
    /// A value in the response could not be read.
    Decode(DecodeError),
    /// A member refers to a shape the model does not have.
    UnknownShape,
    /// A projection applies to the elements of another projection's result
    /// (`(a[*].b[*])[*]`): it would need a heap to hold the inner list.
    NestedProjection,
    /// A function got an argument of a type it does not take (`length(`5`)`),
    /// as the reference implementation's type check refuses it.
    InvalidArgument(Function),
    /// Values nest deeper than the evaluator compares.
    TooDeep,
}

impl fmt::Display for EvalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EvalError::Decode(e) => write!(f, "cannot read response value: {e}"),
            EvalError::UnknownShape => f.write_str("member refers to an unknown shape"),
            EvalError::NestedProjection => {
                f.write_str("a projection over another projection's elements is not supported")
            }
            EvalError::InvalidArgument(func) => {
                write!(f, "invalid argument type for {}()", func.name())
            }
            EvalError::TooDeep => f.write_str("values nest too deeply to compare"),
        }
    }
}

impl From<DecodeError> for EvalError {
    fn from(e: DecodeError) -> Self {
        EvalError::Decode(e)
    }
}

/// A node of the response together with its shape and service model.
#[derive(Clone, Copy, Debug)]
pub struct Typed<'a> {
    /// The value in the response.
    pub node: Node<'a>,
    /// Its shape.
    pub shape: &'static Shape,
    /// The model the shape belongs to (to follow members to their shapes).
    pub model: &'static ServiceModel,
}

/// What an expression yields.
#[derive(Clone, Copy, Debug)]
pub enum Value<'a> {
    /// `null`: absent members, out-of-range indexes, failed comparisons.
    Null,
    /// A boolean computed by the expression (a comparison, `!`, a literal).
    Bool(bool),
    /// A whole number computed by the expression (`length`, a literal).
    Int(i64),
    /// A fractional literal.
    Float(f64),
    /// A string literal.
    Str(&'static str),
    /// A value of the response: structure, list, map or scalar.
    Node(Typed<'a>),
    /// A list built by a projection or flatten, re-evaluated (from its
    /// expression and the value it applies to) each time it is walked.
    List(&'static Expr, Typed<'a>),
}

/// Evaluates `expr` over `value` (usually [`Value::root`]).
pub fn search<'a>(expr: &'static Expr, value: Value<'a>) -> Result<Value<'a>, EvalError> {
    eval(expr, &value)
}

/// The callback [`Value::for_each`] hands each element to.
type Each<'f, 'a> = &'f mut dyn FnMut(Value<'a>) -> Result<ControlFlow<()>, EvalError>;

/// One step of a walk: go on or stop.
type Flow = Result<ControlFlow<()>, EvalError>;

const GO_ON: Flow = Ok(ControlFlow::Continue(()));

fn typed<'a>(node: Node<'a>, shape: &'static Shape, model: &'static ServiceModel) -> Value<'a> {
    if is_null_node(&node) {
        Value::Null
    } else {
        Value::Node(Typed { node, shape, model })
    }
}

impl<'a> Typed<'a> {
    fn target(&self, member: &'static crate::model::Member) -> Result<&'static Shape, EvalError> {
        self.model
            .shape(member.target)
            .ok_or(EvalError::UnknownShape)
    }

    fn child(&self, node: Node<'a>, shape: &'static Shape) -> Value<'a> {
        typed(node, shape, self.model)
    }

    fn is_object(&self) -> bool {
        match self.shape.kind {
            ShapeKind::Map { .. } => true,
            ShapeKind::Structure { .. } => !self.shape.flags.contains(ShapeFlags::EVENT_STREAM),
            _ => false,
        }
    }

    /// Each `(key, value)` of a structure (members present) or map.
    fn entries(
        &self,
        f: &mut dyn FnMut(Text<'a>, Value<'a>) -> Flow,
    ) -> Result<ControlFlow<()>, EvalError> {
        match self.shape.kind {
            ShapeKind::Structure { members, .. } if self.is_object() => {
                for m in members {
                    if let Some(n) = self.node.member(m)? {
                        let v = self.child(n, self.target(m)?);
                        if !matches!(v, Value::Null)
                            && f(Text::new(m.name, Escape::None), v)?.is_break()
                        {
                            return Ok(ControlFlow::Break(()));
                        }
                    }
                }
            }
            ShapeKind::Map { value, .. } => {
                let value_shape = self.target(value)?;
                let reader = self.node.reader();
                let mut cursor = 0;
                while let Some((k, v)) = reader.next_entry(&self.node, &mut cursor)? {
                    if f(k.text()?, self.child(v, value_shape))?.is_break() {
                        return Ok(ControlFlow::Break(()));
                    }
                }
            }
            _ => {}
        }
        GO_ON
    }

    /// The member or entry whose name is `key`.
    fn field(&self, key: Text<'_>) -> Result<Value<'a>, EvalError> {
        match self.shape.kind {
            ShapeKind::Structure { members, .. } if self.is_object() => {
                let Some(m) = members.iter().find(|m| key.eq_str(m.name)) else {
                    return Ok(Value::Null);
                };
                Ok(match self.node.member(m)? {
                    Some(n) => self.child(n, self.target(m)?),
                    None => Value::Null,
                })
            }
            ShapeKind::Map { .. } => {
                let mut found = Value::Null;
                let _ = self.entries(&mut |k, v| {
                    if text_eq(k, key)? {
                        found = v;
                        return Ok(ControlFlow::Break(()));
                    }
                    GO_ON
                })?;
                Ok(found)
            }
            _ => Ok(Value::Null),
        }
    }
}

impl<'a> Value<'a> {
    /// The top of a response: `node` of shape `shape` in `model` (an
    /// [`Output`](crate::protocol::parse::Output)'s node and shape).
    pub fn root(node: Node<'a>, shape: &'static Shape, model: &'static ServiceModel) -> Self {
        typed(node, shape, model)
    }

    /// The response node, when the value is one.
    pub fn as_typed(&self) -> Option<Typed<'a>> {
        match self {
            Value::Node(t) => Some(*t),
            _ => None,
        }
    }

    /// Whether the value is `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// Whether the value is a list (a response list or a projection).
    pub fn is_list(&self) -> bool {
        match self {
            Value::List(..) => true,
            Value::Node(t) => matches!(t.shape.kind, ShapeKind::List { .. }),
            _ => false,
        }
    }

    /// Whether the value is an object (a structure or map of the response).
    pub fn is_object(&self) -> bool {
        matches!(self, Value::Node(t) if t.is_object())
    }

    /// The value as text, when it is a string (still escaped as in the response).
    pub fn text(&self) -> Result<Option<Text<'a>>, EvalError> {
        match self {
            Value::Str(s) => Ok(Some(Text::new(s, Escape::None))),
            Value::Node(t) if matches!(t.shape.kind, ShapeKind::String { .. }) => {
                Ok(Some(t.node.text()?))
            }
            _ => Ok(None),
        }
    }

    /// Hands each element of a list to `f` until it breaks; a value that is
    /// not a list has no elements.
    pub fn for_each(&self, f: Each<'_, 'a>) -> Result<ControlFlow<()>, EvalError> {
        match self {
            Value::List(expr, base) => lazy_items(expr, &Value::Node(*base), f),
            Value::Node(t) => {
                let ShapeKind::List { member } = t.shape.kind else {
                    return GO_ON;
                };
                let item_shape = t.target(member)?;
                let reader = t.node.reader();
                let mut cursor = 0;
                while let Some(n) = reader.next_item(&t.node, &mut cursor)? {
                    if f(t.child(n, item_shape))?.is_break() {
                        return Ok(ControlFlow::Break(()));
                    }
                }
                GO_ON
            }
            _ => GO_ON,
        }
    }

    /// `length()`: characters of a string, elements of a list, entries of an
    /// object; `None` for other values.
    pub fn length(&self) -> Result<Option<usize>, EvalError> {
        if let Some(t) = self.text()? {
            let mut n = 0;
            for c in t.chars() {
                c?;
                n += 1;
            }
            return Ok(Some(n));
        }
        let mut n = 0usize;
        if self.is_list() {
            let _ = self.for_each(&mut |_| {
                n += 1;
                GO_ON
            })?;
        } else if let Value::Node(t) = self
            && t.is_object()
        {
            let _ = t.entries(&mut |_, _| {
                n += 1;
                GO_ON
            })?;
        } else {
            return Ok(None);
        }
        Ok(Some(n))
    }

    /// JMESPath truth: `null`, `false`, `""`, `[]` and `{}` are false.
    pub fn is_truthy(&self) -> Result<bool, EvalError> {
        Ok(match self {
            Value::Null => false,
            Value::Bool(b) => *b,
            Value::Int(_) | Value::Float(_) => true,
            Value::Str(s) => !s.is_empty(),
            Value::List(..) => self.length()? != Some(0),
            Value::Node(t) => match t.shape.kind {
                ShapeKind::String { .. } => !t.node.text()?.raw().is_empty(),
                ShapeKind::Boolean => {
                    matches!(t.node.scalar(ScalarKind::Bool)?, Scalar::Bool(true))
                }
                ShapeKind::List { .. } | ShapeKind::Map { .. } | ShapeKind::Structure { .. } => {
                    self.length()? != Some(0)
                }
                _ => true,
            },
        })
    }

    /// JMESPath equality (`==`): same type and same value, lists and objects
    /// compared element by element.
    pub fn equals(&self, other: &Value<'a>) -> Result<bool, EvalError> {
        equals(self, other, 0)
    }

    fn atom(&self) -> Result<Atom<'a>, EvalError> {
        Ok(match self {
            Value::Null => Atom::Null,
            Value::Bool(b) => Atom::Bool(*b),
            Value::Int(i) => Atom::Int(*i),
            Value::Float(x) => Atom::Float(*x),
            Value::Str(s) => Atom::Text(Text::new(s, Escape::None)),
            Value::List(..) => Atom::List,
            Value::Node(t) => match t.shape.kind {
                ShapeKind::String { .. } => Atom::Text(t.node.text()?),
                ShapeKind::Boolean => match t.node.scalar(ScalarKind::Bool)? {
                    Scalar::Bool(b) => Atom::Bool(b),
                    _ => return Err(DecodeError::WrongType.into()),
                },
                ShapeKind::Integer | ShapeKind::Long => match t.node.scalar(ScalarKind::Int)? {
                    Scalar::Int(i) => Atom::Int(i),
                    _ => return Err(DecodeError::WrongType.into()),
                },
                ShapeKind::Float | ShapeKind::Double => match t.node.scalar(ScalarKind::Float)? {
                    Scalar::Float(x) => Atom::Float(x),
                    _ => return Err(DecodeError::WrongType.into()),
                },
                ShapeKind::List { .. } => Atom::List,
                _ if t.is_object() => Atom::Object,
                _ => Atom::Other,
            },
        })
    }

    /// The `i`-th element of a list (negative counts from the end).
    fn nth(&self, i: i64) -> Result<Value<'a>, EvalError> {
        if !self.is_list() {
            return Ok(Value::Null);
        }
        let want = if i < 0 {
            let len = self.length()?.unwrap_or(0) as i64;
            if len + i < 0 {
                return Ok(Value::Null);
            }
            len + i
        } else {
            i
        };
        let (mut at, mut found) = (0i64, Value::Null);
        let _ = self.for_each(&mut |v| {
            if at == want {
                found = v;
                return Ok(ControlFlow::Break(()));
            }
            at += 1;
            GO_ON
        })?;
        Ok(found)
    }
}

/// A value reduced to what comparisons look at.
#[derive(Clone, Copy)]
enum Atom<'a> {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Text(Text<'a>),
    List,
    Object,
    /// Timestamps, blobs, documents: equal to nothing the models compare with.
    Other,
}

impl Atom<'_> {
    fn number(&self) -> Option<f64> {
        match self {
            Atom::Int(i) => Some(*i as f64),
            Atom::Float(x) => Some(*x),
            _ => None,
        }
    }
}

fn text_eq(a: Text<'_>, b: Text<'_>) -> Result<bool, EvalError> {
    if let (Some(x), Some(y)) = (a.as_plain(), b.as_plain()) {
        return Ok(x == y);
    }
    let mut bc = b.chars();
    for c in a.chars() {
        match bc.next() {
            Some(d) if d? == c? => {}
            _ => return Ok(false),
        }
    }
    Ok(bc.next().is_none())
}

fn text_contains(hay: Text<'_>, needle: Text<'_>) -> Result<bool, EvalError> {
    let mut start = hay.chars();
    loop {
        let mut h = start.clone();
        let mut n = needle.chars();
        let matched = loop {
            let Some(c) = n.next() else { break true };
            match h.next() {
                Some(d) if d? == c? => {}
                _ => break false,
            }
        };
        if matched {
            return Ok(true);
        }
        match start.next() {
            Some(c) => {
                c?;
            }
            None => return Ok(false),
        }
    }
}

fn equals<'a>(a: &Value<'a>, b: &Value<'a>, depth: usize) -> Result<bool, EvalError> {
    if depth > MAX_EQ_DEPTH {
        return Err(EvalError::TooDeep);
    }
    Ok(match (a.atom()?, b.atom()?) {
        (Atom::Null, Atom::Null) => true,
        (Atom::Bool(x), Atom::Bool(y)) => x == y,
        (Atom::Int(x), Atom::Int(y)) => x == y,
        (x @ (Atom::Int(_) | Atom::Float(_)), y @ (Atom::Int(_) | Atom::Float(_))) => {
            x.number() == y.number()
        }
        (Atom::Text(x), Atom::Text(y)) => text_eq(x, y)?,
        (Atom::List, Atom::List) => {
            let len = a.length()?;
            if len != b.length()? {
                return Ok(false);
            }
            let mut i = 0i64;
            let mut same = true;
            let _ = a.for_each(&mut |x| {
                if !equals(&x, &b.nth(i)?, depth + 1)? {
                    same = false;
                    return Ok(ControlFlow::Break(()));
                }
                i += 1;
                GO_ON
            })?;
            same
        }
        (Atom::Object, Atom::Object) => {
            let (Value::Node(x), Value::Node(y)) = (a, b) else {
                return Ok(false);
            };
            if a.length()? != b.length()? {
                return Ok(false);
            }
            let mut same = true;
            let _ = x.entries(&mut |k, v| {
                if !equals(&v, &y.field(k)?, depth + 1)? {
                    same = false;
                    return Ok(ControlFlow::Break(()));
                }
                GO_ON
            })?;
            same
        }
        _ => false,
    })
}

fn compare<'a>(op: Comparator, a: &Value<'a>, b: &Value<'a>) -> Result<Value<'a>, EvalError> {
    let ordered = |accept: fn(Ordering) -> bool| -> Result<Value<'a>, EvalError> {
        let order = match (a.atom()?, b.atom()?) {
            (Atom::Int(x), Atom::Int(y)) => Some(x.cmp(&y)),
            (x, y) => match (x.number(), y.number()) {
                (Some(x), Some(y)) => x.partial_cmp(&y),
                _ => return Ok(Value::Null),
            },
        };
        Ok(Value::Bool(order.is_some_and(accept)))
    };
    match op {
        Comparator::Eq => Ok(Value::Bool(a.equals(b)?)),
        Comparator::Ne => Ok(Value::Bool(!a.equals(b)?)),
        Comparator::Lt => ordered(Ordering::is_lt),
        Comparator::Le => ordered(Ordering::is_le),
        Comparator::Gt => ordered(Ordering::is_gt),
        Comparator::Ge => ordered(Ordering::is_ge),
    }
}

fn call<'a>(func: Function, args: &'static [Expr], v: &Value<'a>) -> Result<Value<'a>, EvalError> {
    let bad = EvalError::InvalidArgument(func);
    let arg = |i: usize| -> Result<Value<'a>, EvalError> { eval(args.get(i).ok_or(bad)?, v) };
    match func {
        Function::Length => {
            let n = arg(0)?.length()?.ok_or(bad)?;
            Ok(Value::Int(i64::try_from(n).unwrap_or(i64::MAX)))
        }
        Function::Contains => {
            let (subject, needle) = (arg(0)?, arg(1)?);
            if subject.is_list() {
                let mut found = false;
                let _ = subject.for_each(&mut |x| {
                    found = x.equals(&needle)?;
                    Ok(if found {
                        ControlFlow::Break(())
                    } else {
                        ControlFlow::Continue(())
                    })
                })?;
                return Ok(Value::Bool(found));
            }
            match (subject.text()?, needle.text()?) {
                (Some(hay), Some(n)) => Ok(Value::Bool(text_contains(hay, n)?)),
                _ => Err(bad),
            }
        }
    }
}

fn literal<'a>(l: &Literal) -> Value<'a> {
    match *l {
        Literal::Null => Value::Null,
        Literal::Bool(b) => Value::Bool(b),
        Literal::Int(i) => Value::Int(i),
        Literal::Float(x) => Value::Float(x),
        Literal::Str(s) => Value::Str(s),
    }
}

fn field<'a>(v: &Value<'a>, name: &'static str) -> Result<Value<'a>, EvalError> {
    match v {
        Value::Node(t) => t.field(Text::new(name, Escape::None)),
        _ => Ok(Value::Null),
    }
}

/// A projection or flatten over `v`, kept as its expression and `v`.
fn lazy<'a>(expr: &'static Expr, v: &Value<'a>) -> Result<Value<'a>, EvalError> {
    match v {
        Value::Node(t) => Ok(Value::List(expr, *t)),
        _ => Err(EvalError::NestedProjection),
    }
}

fn eval<'a>(expr: &'static Expr, v: &Value<'a>) -> Result<Value<'a>, EvalError> {
    match expr {
        Expr::Identity => Ok(*v),
        Expr::Field(name) => field(v, name),
        Expr::Sub(left, right) | Expr::Pipe(left, right) => eval(right, &eval(left, v)?),
        Expr::Index(left, i) => eval(left, v)?.nth(*i),
        Expr::Flatten(left) | Expr::Projection(left, _) | Expr::Filter(left, _, _) => {
            if eval(left, v)?.is_list() {
                lazy(expr, v)
            } else {
                Ok(Value::Null)
            }
        }
        Expr::ValueProjection(left, _) => {
            if eval(left, v)?.is_object() {
                lazy(expr, v)
            } else {
                Ok(Value::Null)
            }
        }
        Expr::Compare(op, left, right) => compare(*op, &eval(left, v)?, &eval(right, v)?),
        Expr::Or(left, right) => {
            let l = eval(left, v)?;
            if l.is_truthy()? {
                Ok(l)
            } else {
                eval(right, v)
            }
        }
        Expr::And(left, right) => {
            let l = eval(left, v)?;
            if l.is_truthy()? {
                eval(right, v)
            } else {
                Ok(l)
            }
        }
        Expr::Not(inner) => Ok(Value::Bool(!eval(inner, v)?.is_truthy()?)),
        Expr::Literal(l) => Ok(literal(l)),
        Expr::Function(func, args) => call(*func, args, v),
    }
}

/// Each element of the lazy list `expr` over `base`.
fn lazy_items<'a>(expr: &'static Expr, base: &Value<'a>, f: Each<'_, 'a>) -> Flow {
    let project = |right: &'static Expr, e: Value<'a>, f: Each<'_, 'a>| -> Flow {
        match eval(right, &e)? {
            Value::Null => GO_ON,
            x => f(x),
        }
    };
    match expr {
        Expr::Flatten(left) => eval(left, base)?.for_each(&mut |e| {
            if e.is_list() { e.for_each(f) } else { f(e) }
        }),
        Expr::Projection(left, right) => eval(left, base)?.for_each(&mut |e| project(right, e, f)),
        Expr::Filter(left, cond, right) => eval(left, base)?.for_each(&mut |e| {
            if eval(cond, &e)?.is_truthy()? {
                project(right, e, f)
            } else {
                GO_ON
            }
        }),
        Expr::ValueProjection(left, right) => match eval(left, base)? {
            Value::Node(t) => t.entries(&mut |_, e| project(right, e, f)),
            _ => GO_ON,
        },
        _ => GO_ON,
    }
}
