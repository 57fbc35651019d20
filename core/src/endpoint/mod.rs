//! Endpoint resolution: AWS endpoint rule sets (rules engine v1.0) compiled to
//! static bytes, walked by a `no_std`, heap-free evaluator.
//!
//! A service's `endpoint-rule-set-1.json` and the shared `partitions.json` are
//! compiled by `stratus-codegen` (its `endpoints` module) into the byte format
//! described in [`format`]. At run time:
//!
//! 1. [`RuleSet::new`] and [`Partitions::new`] check the blobs' headers;
//! 2. [`RuleSet::resolve`] binds the parameters you pass (by rule-set name:
//!    `Region`, `UseFIPS`, `Bucket`, …), applies defaults, walks the rules and
//!    writes the result into a buffer you provide;
//! 3. the [`Outcome`] is either an [`Endpoint`] (URL, properties such as
//!    `authSchemes`, headers) or the rule set's error message.
//!
//! Nothing allocates: variable bindings live in an array of `SLOTS` entries
//! and every string built (templates like `https://{Region}.{PartitionResult#dnsSuffix}`,
//! `uriEncode`, normalized paths) goes into the caller's buffer; too small a
//! buffer or too few slots give [`EvalError::BufferTooSmall`] /
//! [`EvalError::TooManySlots`].
//!
//! ```
//! # fn demo(rules: &'static [u8], partitions: &'static [u8]) -> Result<(), stratus_core::endpoint::EvalError> {
//! use stratus_core::endpoint::{Outcome, ParamValue, Partitions, RuleSet};
//! let rules = RuleSet::new(rules)?;
//! let partitions = Partitions::new(partitions)?;
//! let params = [("Region", ParamValue::Str("eu-west-1")), ("UseFIPS", ParamValue::Bool(false))];
//! let mut buf = [0u8; 1024];
//! match rules.resolve::<_, 32>(&partitions, &params[..], &mut buf)? {
//!     Outcome::Endpoint(ep) => {
//!         let _url = ep.url();
//!         for scheme in ep.auth_schemes() {
//!             let _ = (scheme.name, scheme.signing_name, scheme.signing_region);
//!         }
//!     }
//!     Outcome::Error(message) => { let _ = message; }
//! }
//! # Ok(()) }
//! ```
//!
//! Semantics follow botocore 1.43.11 (`botocore/endpoint_provider.py`), which
//! the conformance suite (`endpoint-tests-1.json` of every service) checks.

mod error;
mod eval;
pub mod format;
pub mod functions;
mod output;
mod partition;
mod reader;
mod ruleset;
mod scratch;
#[cfg(test)]
mod tests;

pub use error::EvalError;
pub use eval::MAX_DEPTH;
pub use output::{AuthScheme, Endpoint, List, Map, Outcome, Property};
pub use partition::Partitions;
pub use ruleset::{Param, ParamType, RuleSet};

/// A parameter value given to the evaluator.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ParamValue<'a> {
    /// For `string` parameters.
    Str(&'a str),
    /// For `boolean` parameters.
    Bool(bool),
    /// For `stringArray` parameters.
    StrArray(&'a [&'a str]),
}

/// Where the evaluator looks up parameter values by rule-set name.
///
/// Implemented for slices and arrays of `(name, value)` pairs; generated
/// per-service parameter structs can implement it directly.
pub trait Params<'a> {
    /// The value given for `name`, if any.
    fn get(&self, name: &str) -> Option<ParamValue<'a>>;
}

impl<'a> Params<'a> for [(&str, ParamValue<'a>)] {
    fn get(&self, name: &str) -> Option<ParamValue<'a>> {
        self.iter().find(|(n, _)| *n == name).map(|(_, v)| *v)
    }
}

impl<'a, const K: usize> Params<'a> for [(&str, ParamValue<'a>); K] {
    fn get(&self, name: &str) -> Option<ParamValue<'a>> {
        Params::get(&self[..], name)
    }
}

impl<'r> RuleSet<'r> {
    /// Resolves an endpoint for `params`, writing strings into `buf`.
    ///
    /// `SLOTS` bounds the variables the rule set may bind (see
    /// [`slots_needed`](Self::slots_needed); 48 covers every botocore 1.43.11
    /// rule set). The returned views borrow `buf`.
    pub fn resolve<'a, 'b, P, const SLOTS: usize>(
        &self,
        partitions: &Partitions<'a>,
        params: &P,
        buf: &'b mut [u8],
    ) -> Result<Outcome<'b>, EvalError>
    where
        'r: 'a,
        P: Params<'a> + ?Sized,
    {
        eval::resolve::<P, SLOTS>(*self, *partitions, params, buf)
    }
}
