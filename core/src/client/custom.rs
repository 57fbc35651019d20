//! Custom operations: names a `creating-client-class` handler adds to a
//! client's dynamic interface, as boto3 adds `upload_file` to S3.
//!
//! A custom operation runs a model operation of the same service, after its
//! `prepare` function has set parameters (without a heap, an operation cannot
//! be an arbitrary closure; composing several calls is the caller's loop).
//!
//! ```
//! use stratus_core::client::{CustomOperation, CustomOperations, Params};
//! fn text_record(p: &mut Params<'_>) {
//!     let _ = p.set_str("PartitionKey", "text");
//! }
//! let mut ops = CustomOperations::new();
//! ops.add(CustomOperation { name: "put_text", target: "PutRecord", prepare: Some(text_record) }).unwrap();
//! assert_eq!(ops.get("put_text").map(|o| o.target), Some("PutRecord"));
//! ```

use super::params::Params;

/// Most custom operations one client holds.
pub const MAX_CUSTOM_OPERATIONS: usize = 8;

/// One custom operation.
#[derive(Clone, Copy, Debug)]
pub struct CustomOperation {
    /// The name callers use, e.g. `put_text`.
    pub name: &'static str,
    /// The model operation it runs, e.g. `PutRecord`.
    pub target: &'static str,
    /// Sets parameters before `provide-client-params`.
    pub prepare: Option<fn(&mut Params<'_>)>,
}

/// The table is full ([`MAX_CUSTOM_OPERATIONS`]).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct CustomOperationsFull;

/// A client's custom operations.
#[derive(Clone, Debug, Default)]
pub struct CustomOperations(heapless::Vec<CustomOperation, MAX_CUSTOM_OPERATIONS>);

impl CustomOperations {
    /// No custom operations.
    pub const fn new() -> Self {
        CustomOperations(heapless::Vec::new())
    }

    /// Adds `op`, replacing one of the same name.
    pub fn add(&mut self, op: CustomOperation) -> Result<(), CustomOperationsFull> {
        if let Some(slot) = self.0.iter_mut().find(|o| o.name == op.name) {
            *slot = op;
            return Ok(());
        }
        self.0.push(op).map_err(|_| CustomOperationsFull)
    }

    /// The custom operation called `name`.
    pub fn get(&self, name: &str) -> Option<&CustomOperation> {
        self.0.iter().find(|o| o.name == name)
    }

    /// All custom operations.
    pub fn iter(&self) -> impl Iterator<Item = &CustomOperation> {
        self.0.iter()
    }
}
