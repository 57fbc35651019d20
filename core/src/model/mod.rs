//! Service models as static tables: what botocore loads from JSON at run time,
//! compiled ahead of time (by `stratus-codegen`) into `&'static` data in flash.
//!
//! A [`ServiceModel`] holds the [`ServiceMetadata`], the [`Operation`]s sorted by
//! name and the [`Shape`]s sorted by name; shapes refer to each other by
//! [`ShapeId`], an index into that array. Every lookup runs on the tables as
//! they are: no parsing, no allocation, no lazy initialisation.
//!
//! ```
//! use stratus_core::model::*;
//!
//! static SHAPES: [Shape; 1] = [Shape {
//!     name: "StreamName",
//!     kind: ShapeKind::String { enum_values: &[] },
//!     flags: ShapeFlags::EMPTY,
//!     error: None,
//!     limits: None,
//!     timestamp_format: None,
//!     xml: None,
//! }];
//! static OPERATIONS: [Operation; 1] = [Operation {
//!     name: "DescribeStream",
//!     snake_name: "describe_stream",
//!     cli_name: "describe-stream",
//!     http_method: HttpMethod::Post,
//!     request_uri: "/",
//!     response_code: 200,
//!     host_prefix: None,
//!     input: None,
//!     output: None,
//!     errors: &[],
//!     auth: &[AuthScheme::SigV4],
//!     flags: OperationFlags::EMPTY,
//!     traits: None,
//! }];
//! static MODEL: ServiceModel = ServiceModel {
//!     name: "kinesis",
//!     metadata: ServiceMetadata {
//!         protocol: Protocol::Json,
//!         protocols: &[Protocol::Json],
//!         api_version: "2013-12-02",
//!         endpoint_prefix: "kinesis",
//!         signing_name: "kinesis",
//!         service_id: "Kinesis",
//!         target_prefix: Some("Kinesis_20131202"),
//!         json_version: Some("1.1"),
//!         xml_namespace: None,
//!         global_endpoint: None,
//!         signature_version: SignatureVersion::V4,
//!         auth: &[AuthScheme::SigV4],
//!         aws_query_compatible: false,
//!         checksum_format: None,
//!     },
//!     operations: &OPERATIONS,
//!     shapes: &SHAPES,
//! };
//!
//! let op = MODEL.operation("describe-stream").unwrap();
//! assert_eq!(op.name, "DescribeStream");
//! assert_eq!(MODEL.shape_by_name("StreamName").map(|(id, _)| id), Some(ShapeId(0)));
//! ```

mod metadata;
mod operation;
#[cfg(feature = "alloc")]
pub mod owned;
mod shape;
pub mod value;
pub mod view;

pub use metadata::{AuthScheme, Protocol, ServiceMetadata, SignatureVersion};
pub use operation::{
    ChecksumAlgorithm, ContextValue, Encoding, HttpChecksum, HttpMethod, Operation,
    OperationContextParam, OperationFlags, OperationTraits, StaticContextParam,
};
#[cfg(feature = "alloc")]
pub use owned::RawJsonBuf;
pub use shape::{
    Bound, ErrorInfo, Limits, Location, Member, MemberExtra, MemberFlags, Shape, ShapeFlags,
    ShapeId, ShapeKind, ShapeXml, TimestampFormat, XmlNamespace,
};
pub use value::{AsValue, ListValue, MapKey, MapValue, NoMembers, RawJson, StructValue, Value};

/// One service: metadata, operations (sorted by name) and shapes (sorted by name).
#[derive(Debug)]
pub struct ServiceModel {
    /// botocore's service name, e.g. `kinesis`, `iot-data`.
    pub name: &'static str,
    /// The `metadata` block.
    pub metadata: ServiceMetadata,
    /// Operations, sorted by [`Operation::name`].
    pub operations: &'static [Operation],
    /// Shapes, sorted by [`Shape::name`]; [`ShapeId`] indexes this.
    pub shapes: &'static [Shape],
}

impl ServiceModel {
    /// The operation called `name` in any of its three spellings: `PutRecord`,
    /// `put_record` or `put-record`.
    ///
    /// The model name is found by binary search; the snake and CLI forms by a
    /// scan (they do not sort like the model names).
    pub fn operation(&self, name: &str) -> Option<&'static Operation> {
        let ops = self.operations;
        if let Ok(i) = ops.binary_search_by(|op| op.name.cmp(name)) {
            return ops.get(i);
        }
        ops.iter()
            .find(|op| op.snake_name == name || op.cli_name == name)
    }

    /// All operations, sorted by model name.
    pub fn operations(&self) -> impl Iterator<Item = &'static Operation> + use<> {
        self.operations.iter()
    }

    /// The shape with id `id`; `None` if the id is not from this model.
    pub fn shape(&self, id: ShapeId) -> Option<&'static Shape> {
        self.shapes.get(id.index())
    }

    /// The shape named `name` (binary search), with its id.
    pub fn shape_by_name(&self, name: &str) -> Option<(ShapeId, &'static Shape)> {
        let i = self.shapes.binary_search_by(|s| s.name.cmp(name)).ok()?;
        let shape = self.shapes.get(i)?;
        Some((ShapeId(u16::try_from(i).ok()?), shape))
    }

    /// The input shape of `op`, if it has one.
    pub fn input_of(&self, op: &Operation) -> Option<&'static Shape> {
        op.input.and_then(|id| self.shape(id))
    }

    /// The output shape of `op`, if it has one.
    pub fn output_of(&self, op: &Operation) -> Option<&'static Shape> {
        op.output.and_then(|id| self.shape(id))
    }

    /// The exception of `op` whose wire code is `code`.
    pub fn error_of(&self, op: &Operation, code: &str) -> Option<&'static Shape> {
        op.errors
            .iter()
            .filter_map(|id| self.shape(*id))
            .find(|s| s.error_code() == code)
    }
}
