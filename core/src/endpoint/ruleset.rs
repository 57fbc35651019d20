//! A compiled rule set: header checks and parameter metadata.

use super::error::EvalError;
use super::format as f;
use super::reader::{Cursor, Strings};

/// A compiled endpoint rule set (bytes from the `stratus-codegen` encoder).
///
/// Construction checks the magic and the string table; the rules themselves
/// are checked as they are walked, so corrupt bytes give
/// [`EvalError::Corrupt`], never a panic.
#[derive(Clone, Copy, Debug)]
pub struct RuleSet<'a> {
    pub(crate) bytes: &'a [u8],
    pub(crate) strings: Strings<'a>,
    pub(crate) params_at: usize,
    pub(crate) param_count: usize,
    pub(crate) slot_count: usize,
    pub(crate) root_at: usize,
}

/// The declared type of a parameter.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum ParamType {
    /// A string.
    String,
    /// A boolean.
    Boolean,
    /// An array of strings.
    StringArray,
}

/// A parameter the rule set declares.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Param<'a> {
    /// The parameter name (`Region`, `UseFIPS`, `Bucket`, …).
    pub name: &'a str,
    /// Its type.
    pub ty: ParamType,
    /// The built-in it is bound to (`AWS::Region`, `SDK::Endpoint`, …), if any.
    pub built_in: Option<&'a str>,
    /// Whether the rule set requires a value.
    pub required: bool,
    /// Whether the rule set gives a default.
    pub has_default: bool,
}

impl<'a> RuleSet<'a> {
    /// Checks the header, string table and parameter list of a compiled rule set.
    pub fn new(bytes: &'a [u8]) -> Result<Self, EvalError> {
        if bytes.get(..4) != Some(&f::RULES_MAGIC[..]) {
            return Err(EvalError::BadMagic);
        }
        let mut cur = Cursor::at(bytes, 4);
        let strings = Strings::read(&mut cur)?;
        let param_count = cur.usize()?;
        let params_at = cur.pos();
        for _ in 0..param_count {
            read_param(&strings, &mut cur)?;
        }
        let slot_count = cur.usize()?;
        if slot_count < param_count {
            return Err(EvalError::Corrupt);
        }
        Ok(RuleSet {
            bytes,
            strings,
            params_at,
            param_count,
            slot_count,
            root_at: cur.pos(),
        })
    }

    /// Variable slots evaluation needs (parameters plus bound names); the
    /// `SLOTS` of [`resolve`](Self::resolve) must be at least this.
    pub fn slots_needed(&self) -> usize {
        self.slot_count
    }

    /// The declared parameters, in rule-set order.
    pub fn params(&self) -> impl Iterator<Item = Param<'a>> + use<'a> {
        let strings = self.strings;
        let mut cur = Cursor::at(self.bytes, self.params_at);
        (0..self.param_count)
            .map_while(move |_| read_param(&strings, &mut cur).ok().map(|(p, _)| p))
    }

    /// Parameter `index`.
    pub fn param(&self, index: usize) -> Option<Param<'a>> {
        self.params().nth(index)
    }

    /// The name of the parameter bound to a built-in (e.g. `AWS::Region`).
    pub fn param_for_built_in(&self, built_in: &str) -> Option<&'a str> {
        self.params()
            .find(|p| p.built_in == Some(built_in))
            .map(|p| p.name)
    }
}

/// Reads one parameter; returns it and the cursor offset of its default.
pub(crate) fn read_param<'a>(
    strings: &Strings<'a>,
    cur: &mut Cursor<'a>,
) -> Result<(Param<'a>, Option<usize>), EvalError> {
    let name = strings.read_str(cur)?;
    let ty = match cur.u8()? {
        f::TYPE_STRING => ParamType::String,
        f::TYPE_BOOLEAN => ParamType::Boolean,
        f::TYPE_STRING_ARRAY => ParamType::StringArray,
        _ => return Err(EvalError::Corrupt),
    };
    let flags = cur.u8()?;
    let built_in = if flags & f::FLAG_BUILTIN != 0 {
        Some(strings.read_str(cur)?)
    } else {
        None
    };
    let default = if flags & f::FLAG_DEFAULT != 0 {
        let at = cur.pos();
        skip_literal(cur)?;
        Some(at)
    } else {
        None
    };
    let param = Param {
        name,
        ty,
        built_in,
        required: flags & f::FLAG_REQUIRED != 0,
        has_default: default.is_some(),
    };
    Ok((param, default))
}

/// Steps over a literal default (`FALSE`, `TRUE`, `STR`, `LIST`).
fn skip_literal(cur: &mut Cursor<'_>) -> Result<(), EvalError> {
    match cur.u8()? {
        f::FALSE | f::TRUE => Ok(()),
        f::STR | f::INT => cur.varint().map(drop),
        f::LIST => {
            let end = cur.end_of_len()?;
            cur.jump(end)
        }
        _ => Err(EvalError::Corrupt),
    }
}
