//! Waiters (`waiters-2.json`) as botocore's `waiter.py` runs them: call an
//! operation every `delay` seconds until an acceptor says success or failure,
//! or the attempts run out.
//!
//! A [`Waiter`] is generated data (`<service>::WAITERS`); [`Waiter::check`]
//! matches one response against its acceptors in order; the drivers
//! (`stratus_transport_std::blocking::wait`, or a loop over
//! [`Client::call`](crate::client::Client::call) and a
//! [`Timer`](crate::client::Timer)) call, check and sleep.

use core::fmt;

use crate::jmespath::{EvalError, Value, search};
use crate::paginate::Key;
use crate::protocol::parse::Output;

/// What an acceptor decides when it matches.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum WaiterState {
    /// The wait is over: the resource is in the wanted state.
    Success,
    /// The wait is over: the resource can no longer reach it.
    Failure,
    /// Call again after the delay.
    Retry,
}

/// An acceptor's `expected` value.
#[derive(Clone, Copy, PartialEq, Debug)]
pub enum Expected {
    /// A string.
    Str(&'static str),
    /// A whole number.
    Int(i64),
    /// A boolean.
    Bool(bool),
}

/// How an acceptor looks at a response.
#[derive(Debug)]
pub enum Matcher {
    /// `path`: the expression's result equals `expected`.
    Path(Key, Expected),
    /// `pathAll`: the result is a non-empty list whose every element equals `expected`.
    PathAll(Key, Expected),
    /// `pathAny`: the result is a list with an element equal to `expected`.
    PathAny(Key, Expected),
    /// `status`: the HTTP status code.
    Status(u16),
    /// `error` with a code: the call failed with this error code.
    ErrorCode(&'static str),
    /// `error` with `true` (any error) or `false` (no error).
    AnyError(bool),
}

/// One acceptor: a matcher and the state it leads to.
#[derive(Debug)]
pub struct Acceptor {
    /// The state when the matcher matches.
    pub state: WaiterState,
    /// The matcher.
    pub matcher: Matcher,
}

/// One waiter of a service model.
#[derive(Debug)]
pub struct Waiter {
    /// botocore's name (`InstanceRunning`).
    pub name: &'static str,
    /// The operation it calls (`DescribeInstances`).
    pub operation: &'static str,
    /// Seconds between attempts.
    pub delay: u32,
    /// Attempts before giving up.
    pub max_attempts: u32,
    /// Acceptors, matched in order.
    pub acceptors: &'static [Acceptor],
}

/// What one response was: a parsed output or a service error.
#[derive(Clone, Copy, Debug)]
pub enum Outcome<'a, 'o> {
    /// A success response and its HTTP status.
    Output(&'o Output<'a>, u16),
    /// A service error: its code and HTTP status.
    Error(&'o str, u16),
}

/// Why a wait ended without success (botocore's `WaiterError` reasons).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum WaitError {
    /// An acceptor with the failure state matched (`Waiter encountered a terminal failure state`).
    FailureState {
        /// Index of the acceptor that matched.
        acceptor: usize,
    },
    /// The attempts ran out (`Max attempts exceeded`).
    MaxAttempts {
        /// Attempts made.
        attempts: u32,
        /// The acceptor botocore's message explains (`Previously accepted
        /// state: …`): the one the last attempt matched, else the last one
        /// when an earlier attempt matched; `None` when none ever matched.
        explain: Option<usize>,
    },
    /// The call failed with an error no acceptor expects (`Unexpected error encountered`).
    UnexpectedError,
    /// An acceptor's expression could not be evaluated.
    Eval(EvalError),
}

impl fmt::Display for WaitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WaitError::FailureState { acceptor } => write!(
                f,
                "waiter encountered a terminal failure state (acceptor {acceptor} matched)"
            ),
            WaitError::MaxAttempts { attempts, .. } => {
                write!(f, "max attempts exceeded ({attempts} attempts)")
            }
            WaitError::UnexpectedError => f.write_str("unexpected error encountered"),
            WaitError::Eval(e) => write!(f, "waiter expression: {e}"),
        }
    }
}

impl From<EvalError> for WaitError {
    fn from(e: EvalError) -> Self {
        WaitError::Eval(e)
    }
}

fn expected_eq(v: &Value<'_>, e: Expected) -> Result<bool, EvalError> {
    let want = match e {
        Expected::Str(s) => Value::Str(s),
        Expected::Int(i) => Value::Int(i),
        Expected::Bool(b) => Value::Bool(b),
    };
    v.equals(&want)
}

impl Matcher {
    /// Whether this matcher matches `outcome`.
    pub fn matches(&'static self, outcome: &Outcome<'_, '_>) -> Result<bool, EvalError> {
        let root = match outcome {
            Outcome::Output(out, _) => match out.shape {
                Some(shape) => Some(Value::root(out.node, shape, out.model)),
                None => Some(Value::Null),
            },
            Outcome::Error(..) => None,
        };
        match (self, root) {
            (Matcher::Status(code), _) => Ok(match outcome {
                Outcome::Output(_, s) | Outcome::Error(_, s) => code == s,
            }),
            (Matcher::ErrorCode(code), _) => {
                Ok(matches!(outcome, Outcome::Error(c, _) if c == code))
            }
            (Matcher::AnyError(any), _) => Ok(matches!(outcome, Outcome::Error(..)) == *any),
            (Matcher::Path(k, e), Some(root)) => expected_eq(&search(&k.expr, root)?, *e),
            (Matcher::PathAll(k, e), Some(root)) => {
                let v = search(&k.expr, root)?;
                if !v.is_list() || v.length()? == Some(0) {
                    return Ok(false);
                }
                let mut all = true;
                let _ = v.for_each(&mut |x| {
                    all = expected_eq(&x, *e)?;
                    Ok(if all {
                        core::ops::ControlFlow::Continue(())
                    } else {
                        core::ops::ControlFlow::Break(())
                    })
                })?;
                Ok(all)
            }
            (Matcher::PathAny(k, e), Some(root)) => {
                let v = search(&k.expr, root)?;
                let mut any = false;
                let _ = v.for_each(&mut |x| {
                    any = expected_eq(&x, *e)?;
                    Ok(if any {
                        core::ops::ControlFlow::Break(())
                    } else {
                        core::ops::ControlFlow::Continue(())
                    })
                })?;
                Ok(any)
            }
            _ => Ok(false),
        }
    }
}

impl Acceptor {
    /// botocore's `explanation` of the acceptor, as its `WaiterError`
    /// messages quote it.
    pub fn explanation(&self) -> Explanation<'_> {
        Explanation(self)
    }
}

/// [`Acceptor::explanation`]'s text.
#[derive(Debug)]
pub struct Explanation<'a>(&'a Acceptor);

/// An expected value as Python's `str` writes it.
struct PyStr(Expected);

impl fmt::Display for PyStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Expected::Str(s) => f.write_str(s),
            Expected::Int(i) => write!(f, "{i}"),
            Expected::Bool(true) => f.write_str("True"),
            Expected::Bool(false) => f.write_str("False"),
        }
    }
}

impl fmt::Display for Explanation<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0.matcher {
            Matcher::Path(k, e) => write!(
                f,
                "For expression \"{}\" we matched expected path: \"{}\"",
                k.text,
                PyStr(*e)
            ),
            Matcher::PathAll(k, e) => write!(
                f,
                "For expression \"{}\" all members matched expected path: \"{}\"",
                k.text,
                PyStr(*e)
            ),
            Matcher::PathAny(k, e) => write!(
                f,
                "For expression \"{}\" we matched expected path: \"{}\" at least once",
                k.text,
                PyStr(*e)
            ),
            Matcher::Status(code) => write!(f, "Matched expected HTTP status code: {code}"),
            Matcher::ErrorCode(code) => write!(f, "Matched expected service error code: {code}"),
            Matcher::AnyError(b) => write!(
                f,
                "Matched expected service error code: {}",
                PyStr(Expected::Bool(*b))
            ),
        }
    }
}

impl Waiter {
    /// The state the first matching acceptor gives `outcome`, with its
    /// index; `None` when none matches (botocore then retries a success
    /// response and fails on an error response).
    pub fn check(
        &'static self,
        outcome: &Outcome<'_, '_>,
    ) -> Result<Option<(usize, WaiterState)>, EvalError> {
        for (i, a) in self.acceptors.iter().enumerate() {
            if a.matcher.matches(outcome)? {
                return Ok(Some((i, a.state)));
            }
        }
        Ok(None)
    }

    /// What one attempt's `outcome` means for the wait: `Ok(true)` done,
    /// `Ok(false)` try again, or the error ending it (`attempt` counts from 1;
    /// `max_attempts` overrides the model's when set; `matched` carries
    /// whether any attempt so far matched an acceptor, start with `false`).
    pub fn step(
        &'static self,
        outcome: &Outcome<'_, '_>,
        attempt: u32,
        max_attempts: Option<u32>,
        matched: &mut bool,
    ) -> Result<bool, WaitError> {
        let found = self.check(outcome)?;
        let explain = match found {
            Some((i, _)) => Some(i),
            None if *matched => self.acceptors.len().checked_sub(1),
            None => None,
        };
        *matched |= found.is_some();
        match found {
            Some((_, WaiterState::Success)) => return Ok(true),
            Some((i, WaiterState::Failure)) => return Err(WaitError::FailureState { acceptor: i }),
            None if matches!(outcome, Outcome::Error(..)) => {
                return Err(WaitError::UnexpectedError);
            }
            _ => {}
        }
        if attempt >= max_attempts.unwrap_or(self.max_attempts) {
            return Err(WaitError::MaxAttempts {
                attempts: attempt,
                explain,
            });
        }
        Ok(false)
    }
}
