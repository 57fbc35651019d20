//! Why endpoint resolution could not produce an answer.
//!
//! An error *rule* of the rule set (for example "Invalid Configuration: FIPS and
//! custom endpoint are not supported") is not an [`EvalError`]: it is a normal
//! [`Outcome::Error`](super::Outcome::Error). These are failures of the inputs,
//! the compiled bytes or the caller's buffers.

use core::fmt;

/// A failure to evaluate a rule set.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum EvalError {
    /// The compiled bytes are malformed: truncated, out of range or of an
    /// unknown kind.
    Corrupt,
    /// The blob does not start with the expected magic and version.
    BadMagic,
    /// A required parameter has no value and no default.
    MissingParameter {
        /// Index of the parameter in the rule set (see `RuleSet::param`).
        index: usize,
    },
    /// A parameter was given a value of the wrong type.
    ParameterType {
        /// Index of the parameter in the rule set.
        index: usize,
    },
    /// A function got an argument of a type it does not accept (for example
    /// `stringEquals` on an unset value).
    TypeMismatch {
        /// Byte id of the function (see `format::FUNCTIONS`).
        function: u8,
    },
    /// A template referenced a value that is unset or not text.
    TemplateValue,
    /// An `assign` tried to rebind a name already bound in scope.
    Reassigned,
    /// The rule set needs more variable slots than the evaluator was given.
    TooManySlots {
        /// Slots the rule set needs.
        needed: usize,
        /// Slots available.
        capacity: usize,
    },
    /// The caller's output buffer is too small for the strings built.
    BufferTooSmall,
    /// Rules or expressions nest deeper than the evaluator allows.
    TooDeep,
    /// A partition regular expression needed more steps than allowed.
    RegexBudget,
    /// No rule matched (a well-formed rule set always ends in an error rule).
    NoRuleMatched,
}

impl fmt::Display for EvalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EvalError::Corrupt => f.write_str("compiled endpoint rules are corrupt"),
            EvalError::BadMagic => f.write_str("not a compiled endpoint blob of this version"),
            EvalError::MissingParameter { index } => {
                write!(f, "required endpoint parameter #{index} has no value")
            }
            EvalError::ParameterType { index } => {
                write!(f, "endpoint parameter #{index} has the wrong type")
            }
            EvalError::TypeMismatch { function } => {
                write!(
                    f,
                    "endpoint function #{function} got an argument of the wrong type"
                )
            }
            EvalError::TemplateValue => {
                f.write_str("endpoint template references an unset or non-text value")
            }
            EvalError::Reassigned => f.write_str("endpoint rule rebinds a name already in scope"),
            EvalError::TooManySlots { needed, capacity } => write!(
                f,
                "endpoint rule set needs {needed} variable slots, evaluator has {capacity}"
            ),
            EvalError::BufferTooSmall => f.write_str("endpoint output buffer too small"),
            EvalError::TooDeep => f.write_str("endpoint rules nest too deeply"),
            EvalError::RegexBudget => f.write_str("partition region pattern too costly"),
            EvalError::NoRuleMatched => f.write_str("no endpoint rule matched the parameters"),
        }
    }
}
