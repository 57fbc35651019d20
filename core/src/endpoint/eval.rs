//! The rule walker: evaluates conditions, binds names, and renders the
//! matching endpoint or error into the caller's buffer.
//!
//! Scoping follows botocore: names bound by a rule's conditions are visible to
//! its sub-rules and dropped when the rule does not match. Here that is a stack:
//! each rule remembers the undo-log length and scratch fill level on entry and
//! returns to them on the way out.

use super::error::EvalError;
use super::format as f;
use super::functions::{self as func, ArnField, ArnParts, UrlParts};
use super::output::{self, Endpoint, Map, Outcome};
use super::partition::{OutputValue, Partitions};
use super::reader::Cursor;
use super::ruleset::{ParamType, RuleSet, read_param};
use super::scratch::{Scratch, Text};
use super::{ParamValue, Params};

/// How deep rules and expressions may nest (bounds stack use on arbitrary bytes).
pub const MAX_DEPTH: usize = 48;

/// A runtime value.
#[derive(Clone, Copy, Debug)]
enum Value<'a> {
    Unset,
    Bool(bool),
    Int(u32),
    Str(Text<'a>),
    /// A caller-given string array.
    Strings(&'a [&'a str]),
    /// A `LIST` literal in the rule bytes (offset of its tag).
    EncodedList(u32),
    /// A partition record (offset in the partition blob).
    Partition(u32),
    Arn(Text<'a>, ArnParts),
    /// `resourceId` of an ARN: the resource text, to be split on `:` and `/`.
    ArnResource(Text<'a>),
    Url(Text<'a>, UrlParts),
}

impl Value<'_> {
    /// botocore's condition test: only `false` and unset fail.
    fn passes(&self) -> bool {
        !matches!(self, Value::Unset | Value::Bool(false))
    }
}

/// Where the matched rule's output sits in the buffer.
enum Found {
    Endpoint {
        url: (usize, usize),
        headers: usize,
        properties: Option<usize>,
    },
    Error((usize, usize)),
}

pub(crate) struct Eval<'a, 'b, const N: usize> {
    rules: RuleSet<'a>,
    partitions: Partitions<'a>,
    slots: [Value<'a>; N],
    undo: [u16; N],
    undo_len: usize,
    buf: Scratch<'b>,
}

pub(crate) fn resolve<'a, 'b, P: Params<'a> + ?Sized, const N: usize>(
    rules: RuleSet<'a>,
    partitions: Partitions<'a>,
    params: &P,
    buf: &'b mut [u8],
) -> Result<Outcome<'b>, EvalError> {
    if rules.slot_count > N || rules.slot_count > usize::from(u16::MAX) {
        return Err(EvalError::TooManySlots {
            needed: rules.slot_count,
            capacity: N,
        });
    }
    let mut ev = Eval {
        rules,
        partitions,
        slots: [Value::Unset; N],
        undo: [0; N],
        undo_len: 0,
        buf: Scratch::new(buf),
    };
    ev.bind_params(params)?;
    let mut cur = Cursor::at(rules.bytes, rules.root_at);
    let found = ev.rule(&mut cur, 0)?.ok_or(EvalError::NoRuleMatched)?;
    let bytes = ev.buf.finish();
    let text = |(start, len): (usize, usize)| -> Result<&'b str, EvalError> {
        let b = bytes.get(start..start + len).ok_or(EvalError::Corrupt)?;
        core::str::from_utf8(b).map_err(|_| EvalError::Corrupt)
    };
    Ok(match found {
        Found::Error(msg) => Outcome::Error(text(msg)?),
        Found::Endpoint {
            url,
            headers,
            properties,
        } => Outcome::Endpoint(Endpoint {
            url: text(url)?,
            headers: output::map_at(bytes, headers).ok_or(EvalError::Corrupt)?,
            properties: match properties {
                Some(at) => output::map_at(bytes, at).ok_or(EvalError::Corrupt)?,
                None => Map::EMPTY,
            },
        }),
    })
}

fn pos32(p: usize) -> Result<u32, EvalError> {
    u32::try_from(p).map_err(|_| EvalError::Corrupt)
}

impl<'a, const N: usize> Eval<'a, '_, N> {
    fn bind_params<P: Params<'a> + ?Sized>(&mut self, params: &P) -> Result<(), EvalError> {
        let mut cur = Cursor::at(self.rules.bytes, self.rules.params_at);
        for index in 0..self.rules.param_count {
            let (param, default) = read_param(&self.rules.strings, &mut cur)?;
            let value = match (params.get(param.name), param.ty) {
                (Some(ParamValue::Str(s)), ParamType::String) => Value::Str(Text::Borrowed(s)),
                (Some(ParamValue::Bool(b)), ParamType::Boolean) => Value::Bool(b),
                (Some(ParamValue::StrArray(a)), ParamType::StringArray) => Value::Strings(a),
                (Some(_), _) => return Err(EvalError::ParameterType { index }),
                (None, _) => match default {
                    Some(at) => self.expr(&mut Cursor::at(self.rules.bytes, at), 0)?,
                    None if param.required => return Err(EvalError::MissingParameter { index }),
                    None => Value::Unset,
                },
            };
            *self.slots.get_mut(index).ok_or(EvalError::Corrupt)? = value;
        }
        Ok(())
    }

    fn restore(&mut self, undo_mark: usize, buf_mark: usize) {
        while self.undo_len > undo_mark {
            self.undo_len -= 1;
            if let Some(&slot) = self.undo.get(self.undo_len)
                && let Some(s) = self.slots.get_mut(usize::from(slot))
            {
                *s = Value::Unset;
            }
        }
        self.buf.truncate(buf_mark);
    }

    fn rule(&mut self, cur: &mut Cursor<'a>, depth: usize) -> Result<Option<Found>, EvalError> {
        if depth > MAX_DEPTH {
            return Err(EvalError::TooDeep);
        }
        let kind = cur.u8()?;
        let end = cur.end_of_len()?;
        let (undo_mark, buf_mark) = (self.undo_len, self.buf.len());
        let conditions = cur.usize()?;
        for _ in 0..conditions {
            if !self.expr(cur, depth + 1)?.passes() {
                self.restore(undo_mark, buf_mark);
                cur.jump(end)?;
                return Ok(None);
            }
        }
        let found = match kind {
            f::RULE_TREE => {
                let n = cur.usize()?;
                let mut found = None;
                for _ in 0..n {
                    found = self.rule(cur, depth + 1)?;
                    if found.is_some() {
                        break;
                    }
                }
                found
            }
            f::RULE_ENDPOINT => Some(self.endpoint(cur, depth + 1)?),
            f::RULE_ERROR => {
                let mark = self.buf.len();
                let msg = self.text_expr(cur, depth + 1)?;
                self.settle(mark, msg)?;
                Some(Found::Error((mark, msg.len())))
            }
            _ => return Err(EvalError::Corrupt),
        };
        if found.is_none() {
            self.restore(undo_mark, buf_mark);
            cur.jump(end)?;
        }
        Ok(found)
    }

    fn endpoint(&mut self, cur: &mut Cursor<'a>, depth: usize) -> Result<Found, EvalError> {
        let url_at = self.buf.len();
        let url = self.text_expr(cur, depth)?;
        self.settle(url_at, url)?;
        let url = (url_at, url.len());
        let properties = match cur.u8()? {
            0 => None,
            1 => {
                let at = self.buf.len();
                self.render_property(cur, depth)?;
                Some(at)
            }
            _ => return Err(EvalError::Corrupt),
        };
        // headers: MAP of name -> LIST of STR
        let headers = self.buf.len();
        let n = cur.varint()?;
        let map_body = self.open_container(f::MAP, n)?;
        for _ in 0..n {
            let name = self.rules.strings.read_str(cur)?;
            self.push_key(name)?;
            let m = cur.varint()?;
            let list_body = self.open_container(f::LIST, m)?;
            for _ in 0..m {
                let len_at = self.open_str()?;
                let v = self.text_expr(cur, depth)?;
                self.settle(len_at + 4, v)?;
                self.close(len_at)?;
            }
            self.close(list_body)?;
        }
        self.close(map_body)?;
        Ok(Found::Endpoint {
            url,
            headers,
            properties,
        })
    }

    // ---- output encoding -------------------------------------------------

    /// Writes a container tag, a length placeholder and the count; returns the
    /// placeholder's offset for [`close`](Self::close).
    fn open_container(&mut self, tag: u8, count: u32) -> Result<usize, EvalError> {
        self.buf.push_byte(tag)?;
        let at = self.buf.len();
        self.buf.push(&[0; 4])?;
        self.buf.push_varint(count)?;
        Ok(at)
    }

    /// Writes a `STR` tag and length placeholder; the text follows it.
    fn open_str(&mut self) -> Result<usize, EvalError> {
        self.buf.push_byte(f::STR)?;
        let at = self.buf.len();
        self.buf.push(&[0; 4])?;
        Ok(at)
    }

    /// Patches the length placeholder at `at` to cover what followed it.
    fn close(&mut self, at: usize) -> Result<(), EvalError> {
        let len = self
            .buf
            .len()
            .checked_sub(at + 4)
            .ok_or(EvalError::Corrupt)?;
        self.buf.patch_u32(at, pos32(len)?)
    }

    fn push_key(&mut self, key: &str) -> Result<(), EvalError> {
        self.buf.push_varint(pos32(key.len())?)?;
        self.buf.push(key.as_bytes())
    }

    /// Makes the buffer end with `t` placed at `mark`, dropping whatever was
    /// written after `mark` while computing it.
    fn settle(&mut self, mark: usize, t: Text<'a>) -> Result<(), EvalError> {
        self.buf.settle(mark, t)
    }

    fn render_property(&mut self, cur: &mut Cursor<'a>, depth: usize) -> Result<(), EvalError> {
        if depth > MAX_DEPTH {
            return Err(EvalError::TooDeep);
        }
        match cur.u8()? {
            tag @ (f::FALSE | f::TRUE) => self.buf.push_byte(tag),
            f::INT => {
                let v = cur.varint()?;
                self.buf.push_byte(f::INT)?;
                self.buf.push_varint(v)
            }
            f::STR => {
                let s = self.rules.strings.read_str(cur)?;
                let at = self.open_str()?;
                self.buf.push(s.as_bytes())?;
                self.close(at)
            }
            f::TEMPLATE => {
                let at = self.open_str()?;
                let t = self.template(cur, depth)?;
                self.settle(at + 4, t)?;
                self.close(at)
            }
            f::LIST => {
                let _end = cur.end_of_len()?;
                let n = cur.varint()?;
                let at = self.open_container(f::LIST, n)?;
                for _ in 0..n {
                    self.render_property(cur, depth + 1)?;
                }
                self.close(at)
            }
            f::MAP => {
                let _end = cur.end_of_len()?;
                let n = cur.varint()?;
                let at = self.open_container(f::MAP, n)?;
                for _ in 0..n {
                    let key = self.rules.strings.read_str(cur)?;
                    self.push_key(key)?;
                    self.render_property(cur, depth + 1)?;
                }
                self.close(at)
            }
            _ => Err(EvalError::Corrupt),
        }
    }

    // ---- expressions -------------------------------------------------------

    fn text_expr(&mut self, cur: &mut Cursor<'a>, depth: usize) -> Result<Text<'a>, EvalError> {
        match self.expr(cur, depth)? {
            Value::Str(t) => Ok(t),
            _ => Err(EvalError::TemplateValue),
        }
    }

    fn expr(&mut self, cur: &mut Cursor<'a>, depth: usize) -> Result<Value<'a>, EvalError> {
        if depth > MAX_DEPTH {
            return Err(EvalError::TooDeep);
        }
        let at = cur.pos();
        Ok(match cur.u8()? {
            f::FALSE => Value::Bool(false),
            f::TRUE => Value::Bool(true),
            f::INT => Value::Int(cur.varint()?),
            f::STR => Value::Str(Text::Borrowed(self.rules.strings.read_str(cur)?)),
            f::TEMPLATE => Value::Str(self.template(cur, depth)?),
            f::REF => {
                let slot = cur.usize()?;
                *self.slots.get(slot).ok_or(EvalError::Corrupt)?
            }
            f::CALL => self.call(cur, depth)?,
            f::CALL_ASSIGN => {
                let slot = cur.usize()?;
                let v = self.call(cur, depth)?;
                let s = self.slots.get_mut(slot).ok_or(EvalError::Corrupt)?;
                if !matches!(s, Value::Unset) {
                    return Err(EvalError::Reassigned);
                }
                *s = v;
                let u = self
                    .undo
                    .get_mut(self.undo_len)
                    .ok_or(EvalError::TooManySlots {
                        needed: self.undo_len + 1,
                        capacity: N,
                    })?;
                *u = u16::try_from(slot).map_err(|_| EvalError::Corrupt)?;
                self.undo_len += 1;
                v
            }
            f::LIST => {
                let end = cur.end_of_len()?;
                cur.jump(end)?;
                Value::EncodedList(pos32(at)?)
            }
            _ => return Err(EvalError::Corrupt),
        })
    }

    fn template(&mut self, cur: &mut Cursor<'a>, depth: usize) -> Result<Text<'a>, EvalError> {
        let end = cur.end_of_len()?;
        let mark = self.buf.len();
        let parts = cur.usize()?;
        for _ in 0..parts {
            match cur.u8()? {
                f::PART_LITERAL => {
                    let s = self.rules.strings.read_str(cur)?;
                    self.buf.push(s.as_bytes())?;
                }
                f::PART_REF => {
                    let part_at = self.buf.len();
                    let slot = cur.usize()?;
                    let v = *self.slots.get(slot).ok_or(EvalError::Corrupt)?;
                    let v = self.path(v, cur, depth)?;
                    match v {
                        Value::Str(t) => self.settle(part_at, t)?,
                        _ => return Err(EvalError::TemplateValue),
                    }
                }
                _ => return Err(EvalError::Corrupt),
            }
        }
        cur.jump(end)?;
        self.buf.text_since(mark)
    }

    fn call(&mut self, cur: &mut Cursor<'a>, depth: usize) -> Result<Value<'a>, EvalError> {
        let id = cur.u8()?;
        let argc = usize::from(cur.u8()?);
        if id == f::FN_GET_ATTR {
            if argc != 2 {
                return Err(EvalError::Corrupt);
            }
            let v = self.expr(cur, depth + 1)?;
            if cur.u8()? != f::PATH {
                return Err(EvalError::Corrupt);
            }
            let end = cur.end_of_len()?;
            let v = self.path(v, cur, depth)?;
            cur.jump(end)?;
            return Ok(v);
        }
        let mut args = [Value::Unset; f::MAX_ARGS];
        if argc > f::MAX_ARGS {
            return Err(EvalError::Corrupt);
        }
        for a in args.iter_mut().take(argc) {
            *a = self.expr(cur, depth + 1)?;
        }
        let wrong = EvalError::TypeMismatch { function: id };
        let expected = f::FUNCTIONS
            .iter()
            .find(|(_, fid, _)| *fid == id)
            .map(|e| usize::from(e.2));
        if expected != Some(argc) {
            return Err(EvalError::Corrupt);
        }
        let [a0, a1, a2, a3] = args;
        Ok(match id {
            f::FN_IS_SET => Value::Bool(!matches!(a0, Value::Unset)),
            f::FN_NOT => Value::Bool(!self.truthy(&a0)?),
            f::FN_BOOLEAN_EQUALS => match (a0, a1) {
                (Value::Bool(x), Value::Bool(y)) => Value::Bool(x == y),
                _ => return Err(wrong),
            },
            f::FN_STRING_EQUALS => match (a0, a1) {
                (Value::Str(x), Value::Str(y)) => {
                    Value::Bool(self.buf.str(&x)? == self.buf.str(&y)?)
                }
                _ => return Err(wrong),
            },
            f::FN_SUBSTRING => match (a0, a1, a2, a3) {
                (Value::Str(t), Value::Int(start), Value::Int(stop), Value::Bool(rev)) => {
                    let s = self.buf.str(&t)?;
                    match func::substring(s, start as usize, stop as usize, rev) {
                        Some(r) => Value::Str(t.slice(r.start, r.end)?),
                        None => Value::Unset,
                    }
                }
                _ => return Err(wrong),
            },
            f::FN_IS_VALID_HOST_LABEL | f::FN_IS_VIRTUAL_HOSTABLE_S3_BUCKET => match (a0, a1) {
                (Value::Unset, _) => Value::Bool(false),
                (Value::Str(t), Value::Bool(sub)) => {
                    let s = self.buf.str(&t)?;
                    Value::Bool(if id == f::FN_IS_VALID_HOST_LABEL {
                        func::is_valid_host_label(s, sub)
                    } else {
                        func::is_virtual_hostable_s3_bucket(s, sub)
                    })
                }
                _ => return Err(wrong),
            },
            f::FN_PARSE_URL => match a0 {
                Value::Unset => Value::Unset,
                Value::Str(t) => match func::parse_url(self.buf.str(&t)?) {
                    Some(parts) => Value::Url(t, parts),
                    None => Value::Unset,
                },
                _ => return Err(wrong),
            },
            f::FN_URI_ENCODE => match a0 {
                Value::Unset => Value::Unset,
                Value::Str(t) => Value::Str(self.uri_encode(t)?),
                _ => return Err(wrong),
            },
            f::FN_PARTITION => {
                let rec = match a0 {
                    Value::Unset => self.partitions.lookup(None)?,
                    Value::Str(t) => {
                        let region = self.buf.str(&t)?;
                        self.partitions.lookup(Some(region))?
                    }
                    _ => return Err(wrong),
                };
                Value::Partition(rec)
            }
            f::FN_PARSE_ARN => match a0 {
                Value::Unset => Value::Unset,
                Value::Str(t) => match func::parse_arn(self.buf.str(&t)?) {
                    Some(parts) => Value::Arn(t, parts),
                    None => Value::Unset,
                },
                _ => return Err(wrong),
            },
            _ => return Err(EvalError::Corrupt),
        })
    }

    /// Python truthiness, as botocore's `not` uses it.
    fn truthy(&self, v: &Value<'a>) -> Result<bool, EvalError> {
        Ok(match v {
            Value::Unset => false,
            Value::Bool(b) => *b,
            Value::Int(i) => *i != 0,
            Value::Str(t) => t.len() != 0,
            Value::Strings(a) => !a.is_empty(),
            Value::EncodedList(at) => {
                let mut cur = Cursor::at(self.rules.bytes, *at as usize);
                cur.u8()?;
                cur.end_of_len()?;
                cur.usize()? != 0
            }
            Value::Partition(_) | Value::Arn(..) | Value::Url(..) => true,
            Value::ArnResource(_) => true,
        })
    }

    /// Applies a `PATH` body (`n seg{n}`) at the cursor to `v`.
    fn path(
        &mut self,
        mut v: Value<'a>,
        cur: &mut Cursor<'a>,
        depth: usize,
    ) -> Result<Value<'a>, EvalError> {
        if depth > MAX_DEPTH {
            return Err(EvalError::TooDeep);
        }
        let segs = cur.usize()?;
        for _ in 0..segs {
            v = match cur.u8()? {
                f::SEG_FIELD => {
                    let name = self.rules.strings.read_str(cur)?;
                    self.field(v, name)?
                }
                f::SEG_INDEX => {
                    let i = cur.usize()?;
                    self.index(v, i)?
                }
                _ => return Err(EvalError::Corrupt),
            };
        }
        Ok(v)
    }

    fn field(&mut self, v: Value<'a>, name: &str) -> Result<Value<'a>, EvalError> {
        Ok(match v {
            Value::Partition(rec) => match self.partitions.output(rec, name)? {
                Some(OutputValue::Bool(b)) => Value::Bool(b),
                Some(OutputValue::Str(s)) => Value::Str(Text::Borrowed(s)),
                None => Value::Unset,
            },
            Value::Arn(t, parts) => {
                let field = match name {
                    "partition" => ArnField::Partition,
                    "service" => ArnField::Service,
                    "region" => ArnField::Region,
                    "accountId" => ArnField::AccountId,
                    "resourceId" => ArnField::Resource,
                    _ => return Ok(Value::Unset),
                };
                let r = parts.field(field);
                let sub = t.slice(r.start, r.end)?;
                if field == ArnField::Resource {
                    Value::ArnResource(sub)
                } else {
                    Value::Str(sub)
                }
            }
            Value::Url(t, parts) => match name {
                "scheme" => Value::Str(Text::Borrowed(parts.scheme.as_str())),
                "authority" => {
                    Value::Str(t.slice(parts.authority.0 as usize, parts.authority.1 as usize)?)
                }
                "path" => Value::Str(t.slice(parts.path.0 as usize, parts.path.1 as usize)?),
                "normalizedPath" => {
                    let path = t.slice(parts.path.0 as usize, parts.path.1 as usize)?;
                    Value::Str(self.normalized_path(path)?)
                }
                "isIp" => Value::Bool(parts.is_ip),
                _ => Value::Unset,
            },
            _ => Value::Unset,
        })
    }

    fn index(&self, v: Value<'a>, i: usize) -> Result<Value<'a>, EvalError> {
        Ok(match v {
            Value::Strings(a) => a
                .get(i)
                .map_or(Value::Unset, |s| Value::Str(Text::Borrowed(s))),
            Value::EncodedList(at) => {
                let mut cur = Cursor::at(self.rules.bytes, at as usize);
                cur.u8()?;
                cur.end_of_len()?;
                let n = cur.usize()?;
                let mut out = Value::Unset;
                for k in 0..n.min(i.saturating_add(1)) {
                    if cur.u8()? != f::STR {
                        return Err(EvalError::Corrupt);
                    }
                    let s = self.rules.strings.read_str(&mut cur)?;
                    if k == i {
                        out = Value::Str(Text::Borrowed(s));
                    }
                }
                out
            }
            Value::ArnResource(t) => {
                let s = self.buf.str(&t)?;
                match func::resource_id(s, i) {
                    Some(r) => Value::Str(t.slice(r.start, r.end)?),
                    None => Value::Unset,
                }
            }
            _ => Value::Unset,
        })
    }

    fn push_escaped(&mut self, b: u8, safe: fn(u8) -> bool) -> Result<(), EvalError> {
        if safe(b) {
            self.buf.push_byte(b)
        } else {
            let hex = func::HEX_UPPER;
            self.buf
                .push(&[b'%', hex[usize::from(b >> 4)], hex[usize::from(b & 0x0f)]])
        }
    }

    fn uri_encode(&mut self, t: Text<'a>) -> Result<Text<'a>, EvalError> {
        let mark = self.buf.len();
        for i in 0..t.len() {
            let b = self.buf.byte(&t, i).ok_or(EvalError::Corrupt)?;
            self.push_escaped(b, func::is_unreserved)?;
        }
        self.buf.text_since(mark)
    }

    /// botocore's `normalizedPath`: dot segments and empty segments removed,
    /// percent-encoded with `/` kept, always ending in `/`.
    fn normalized_path(&mut self, path: Text<'a>) -> Result<Text<'a>, EvalError> {
        let mark = self.buf.len();
        let n = path.len();
        let byte = |s: &Self, i: usize| s.buf.byte(&path, i).ok_or(EvalError::Corrupt);
        if n == 0 {
            self.buf.push_byte(b'/')?;
            return self.buf.text_since(mark);
        }
        if byte(self, 0)? == b'/' {
            self.buf.push_byte(b'/')?;
        }
        let base = self.buf.len();
        let mut count = 0usize;
        let mut i = 0;
        while i <= n {
            let mut j = i;
            while j < n && byte(self, j)? != b'/' {
                j += 1;
            }
            let seg_len = j - i;
            let is_dot = seg_len == 1 && byte(self, i)? == b'.';
            let is_dotdot = seg_len == 2 && byte(self, i)? == b'.' && byte(self, i + 1)? == b'.';
            if seg_len == 0 || is_dot {
            } else if is_dotdot {
                if count > 0 {
                    let mut k = self.buf.len();
                    let mut cut = base;
                    while k > base {
                        k -= 1;
                        if self.buf.raw(k) == Some(b'/') {
                            cut = k;
                            break;
                        }
                    }
                    self.buf.truncate(cut);
                    count -= 1;
                }
            } else {
                if count > 0 {
                    self.buf.push_byte(b'/')?;
                }
                for k in i..j {
                    let b = byte(self, k)?;
                    self.push_escaped(b, func::is_unreserved)?;
                }
                count += 1;
            }
            i = j + 1;
        }
        if byte(self, n - 1)? == b'/' && count > 0 {
            self.buf.push_byte(b'/')?;
        }
        let last = self.buf.len().checked_sub(1).and_then(|k| self.buf.raw(k));
        if last != Some(b'/') || self.buf.len() == mark {
            self.buf.push_byte(b'/')?;
        }
        self.buf.text_since(mark)
    }
}
