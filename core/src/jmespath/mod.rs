//! JMESPath compiled at build time, evaluated over a parsed response without a
//! heap.
//!
//! botocore's paginators, waiters and boto3's resource paths name response
//! values with JMESPath expressions (`NextMarker || Contents[-1].Key`,
//! `Reservations[].Instances[].State.Name`, `length(Images[]) > \`0\``).
//! stratus does not parse that text at run time: the generator
//! (`stratus_codegen::jmespath::compile`) turns each expression into an
//! [`Expr`] tree of `&'static` data, and [`search`] walks it over a response
//! [`Node`](crate::model::view::Node) and its shape.
//!
//! Results are [`Value`]s. Values read from the response stay nodes (their
//! text is not copied); a list built by a projection or a flatten (`a[].b`,
//! `a[?x == 'y']`, `a.*`) is a lazy [`Value::List`] that is re-evaluated each
//! time it is walked with [`Value::for_each`], so nothing is collected.
//!
//! ```
//! use stratus_core::format::json::JsonReader;
//! use stratus_core::jmespath::{search, Comparator, Expr, Literal, Value};
//! use stratus_core::model::*;
//! # const fn member(name: &'static str, target: u16) -> Member {
//! #     Member { name, location_name: None, target: ShapeId(target), location: Location::Body,
//! #              flags: MemberFlags::EMPTY, extra: None }
//! # }
//! # const fn shape(name: &'static str, kind: ShapeKind) -> Shape {
//! #     Shape { name, kind, flags: ShapeFlags::EMPTY, error: None, limits: None,
//! #             timestamp_format: None, xml: None }
//! # }
//! # static OUT: [Member; 1] = [member("Instances", 1)];
//! # static ITEM: Member = member("member", 2);
//! # static INSTANCE: [Member; 2] = [member("InstanceId", 3), member("State", 3)];
//! # static SHAPES: [Shape; 4] = [
//! #     shape("Out", ShapeKind::Structure { members: &OUT, payload: None }),
//! #     shape("List", ShapeKind::List { member: &ITEM }),
//! #     shape("Instance", ShapeKind::Structure { members: &INSTANCE, payload: None }),
//! #     shape("String", ShapeKind::String { enum_values: &[] }),
//! # ];
//! # static MODEL: ServiceModel = ServiceModel {
//! #     name: "demo",
//! #     metadata: ServiceMetadata {
//! #         protocol: Protocol::Json, protocols: &[Protocol::Json], api_version: "2020-01-01",
//! #         endpoint_prefix: "demo", signing_name: "demo", service_id: "Demo",
//! #         target_prefix: Some("Demo"), json_version: Some("1.1"), xml_namespace: None,
//! #         global_endpoint: None, signature_version: SignatureVersion::V4,
//! #         auth: &[AuthScheme::SigV4], aws_query_compatible: false, checksum_format: None,
//! #     },
//! #     operations: &[], shapes: &SHAPES,
//! # };
//! // What `stratus_codegen::jmespath::compile("Instances[?State == 'running'].InstanceId")`
//! // writes as source:
//! static RUNNING_IDS: Expr = Expr::Filter(
//!     &Expr::Field("Instances"),
//!     &Expr::Compare(Comparator::Eq, &Expr::Field("State"), &Expr::Literal(Literal::Str("running"))),
//!     &Expr::Field("InstanceId"),
//! );
//! let body = br#"{"Instances": [{"InstanceId": "i-1", "State": "running"},
//!                               {"InstanceId": "i-2", "State": "stopped"},
//!                               {"InstanceId": "i-3", "State": "running"}]}"#;
//! let reader = JsonReader::default();
//! let root = Value::root(reader.root(body).unwrap(), &SHAPES[0], &MODEL);
//! let ids = search(&RUNNING_IDS, root).unwrap();
//! let mut seen = heapless::Vec::<&str, 4>::new();
//! ids.for_each(&mut |id| {
//!     seen.push(id.text().unwrap().unwrap().raw()).unwrap();
//!     Ok(core::ops::ControlFlow::Continue(()))
//! }).unwrap();
//! assert_eq!(seen, ["i-1", "i-3"]);
//! assert_eq!(ids.length().unwrap(), Some(2));
//! ```

mod eval;

pub use eval::{EvalError, Typed, Value, search};

/// A compiled JMESPath expression, as `stratus_codegen::jmespath` writes it.
///
/// The variants follow the AST of the reference implementation (the Python
/// `jmespath` package botocore uses): a chain `a.b.c` is nested
/// [`Sub`](Expr::Sub)s, `a[0][1]` nested [`Index`](Expr::Index)es, and a
/// projection holds the expression applied to each element on its right.
#[derive(Debug, PartialEq)]
pub enum Expr {
    /// `@`: the current value.
    Identity,
    /// `name` or `"name"`: a member of a structure or an entry of a map.
    Field(&'static str),
    /// `left.right`: `right` applied to the value of `left`.
    Sub(&'static Expr, &'static Expr),
    /// `left[i]`: the `i`-th element of a list (negative counts from the end).
    Index(&'static Expr, i64),
    /// `left[]` before a projection: the list with nested lists spliced in.
    Flatten(&'static Expr),
    /// `left[*].right`, `left[].right`: `right` of each element of the list
    /// `left`, nulls left out.
    Projection(&'static Expr, &'static Expr),
    /// `left.*.right`: `right` of each value of the object `left`.
    ValueProjection(&'static Expr, &'static Expr),
    /// `left[?cond].right`: `right` of each element of `left` for which `cond`
    /// is true (fields: left, condition, right).
    Filter(&'static Expr, &'static Expr, &'static Expr),
    /// `left <op> right`.
    Compare(Comparator, &'static Expr, &'static Expr),
    /// `left || right`.
    Or(&'static Expr, &'static Expr),
    /// `left && right`.
    And(&'static Expr, &'static Expr),
    /// `!expr`.
    Not(&'static Expr),
    /// `` `json` `` or `'raw'`.
    Literal(Literal),
    /// `name(args…)`.
    Function(Function, &'static [Expr]),
    /// `left | right`: `right` applied to the whole result of `left`.
    Pipe(&'static Expr, &'static Expr),
}

/// A comparison operator.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Comparator {
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

/// A literal value: `` `0` ``, `` `true` ``, `` `null` ``, `'text'`.
#[derive(Clone, Copy, PartialEq, Debug)]
pub enum Literal {
    /// `null`
    Null,
    /// `true` / `false`
    Bool(bool),
    /// A whole number.
    Int(i64),
    /// A number with a fraction or exponent.
    Float(f64),
    /// A string.
    Str(&'static str),
}

/// A built-in function the compiler accepts.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Function {
    /// `length(string | array | object)`: characters, elements or entries.
    Length,
    /// `contains(array | string, search)`: an equal element or a substring.
    Contains,
}

impl Function {
    /// The function's JMESPath name.
    pub const fn name(self) -> &'static str {
        match self {
            Function::Length => "length",
            Function::Contains => "contains",
        }
    }
}
