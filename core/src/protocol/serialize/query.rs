//! `query` and `ec2` bodies: `Action`, `Version` and the input flattened into
//! dotted, form-encoded keys, as botocore's `QuerySerializer` and
//! `EC2Serializer` do (member names from `locationName`, or for ec2 `queryName`
//! / the capitalised `locationName`; lists as `.member.N` or ec2's `.N`; maps
//! as `.entry.N.key` / `.entry.N.value`).

use core::fmt::Write as _;

use crate::format::Sink;
use crate::model::{Member, Protocol, Shape, ShapeKind, StructValue, TimestampFormat, Value};

use super::out::{Out, PercentEncode, ts_format, write_scalar_text};
use super::{BodyRef, Ctx, Fault, MAX_DEPTH, Parts, is_flattened, top_member};

/// Longest dotted key built while flattening.
const MAX_KEY: usize = 512;

type Key = heapless::String<MAX_KEY>;

pub(super) fn serialize<'b>(
    cx: &mut Ctx<'_>,
    input: &dyn StructValue,
    out: &mut Out<'b>,
) -> Result<Parts<'b>, Fault> {
    let t0 = out.pos();
    out.write_str(cx.op.request_uri)?;
    let target = out.since(t0);
    cx.header(out, "Content-Type", |o| {
        Ok(o.write_str("application/x-www-form-urlencoded; charset=utf-8")?)
    })?;
    let b0 = out.pos();
    out.write_str("Action=")?;
    PercentEncode {
        inner: &mut *out,
        keep_slash: false,
    }
    .write_str(cx.op.name)?;
    out.write_str("&Version=")?;
    PercentEncode {
        inner: &mut *out,
        keep_slash: false,
    }
    .write_str(cx.model.metadata.api_version)?;
    if let Some(shape) = cx.model.input_of(cx.op) {
        let mut key = Key::new();
        for (i, m) in shape.members().iter().enumerate() {
            if let Some(v) = top_member(input, i, m, cx.token) {
                let t = cx.target(m)?;
                let q = Q {
                    cx,
                    ec2: cx.protocol == Protocol::Ec2,
                };
                q.push_name(&mut key, q.name(m, t, m.name))?;
                q.value(out, &mut key, Some(m), t, v, 1)?;
                key.clear();
            }
        }
    }
    Ok(Parts {
        target,
        body: BodyRef::Written(out.since(b0)),
    })
}

struct Q<'c, 'o> {
    cx: &'c Ctx<'o>,
    ec2: bool,
}

fn too_long<T>(_: T) -> Fault {
    Fault::Unrepresentable
}

impl Q<'_, '_> {
    /// `_get_serialized_name`: query uses `locationName`; ec2 prefers
    /// `queryName`, then `locationName` with its first letter capitalised.
    fn name(&self, m: &Member, t: &Shape, default: &'static str) -> NameRef {
        let loc = m.location_name.or(t.xml.and_then(|x| x.location_name));
        if self.ec2 {
            if let Some(q) = m.query_name() {
                return NameRef::Plain(q);
            }
            return match loc {
                Some(l) => NameRef::Capitalised(l),
                None => NameRef::Plain(default),
            };
        }
        NameRef::Plain(loc.unwrap_or(default))
    }

    /// Appends `.name` (or `name` at the top) to `key`.
    fn push_name(&self, key: &mut Key, name: NameRef) -> Result<(), Fault> {
        if !key.is_empty() {
            key.push('.').map_err(too_long)?;
        }
        match name {
            NameRef::Plain(n) => key.push_str(n).map_err(too_long),
            NameRef::Capitalised(n) => {
                let mut chars = n.chars();
                if let Some(c) = chars.next() {
                    for u in c.to_uppercase() {
                        key.push(u).map_err(too_long)?;
                    }
                }
                key.push_str(chars.as_str()).map_err(too_long)
            }
        }
    }

    fn pair(
        &self,
        out: &mut Out<'_>,
        key: &str,
        v: Value<'_>,
        m: Option<&Member>,
        t: &Shape,
    ) -> Result<(), Fault> {
        out.write_str("&")?;
        PercentEncode {
            inner: &mut *out,
            keep_slash: false,
        }
        .write_str(key)?;
        out.write_str("=")?;
        let mut enc = PercentEncode {
            inner: out,
            keep_slash: false,
        };
        let format = ts_format(m, t, TimestampFormat::Iso8601);
        write_scalar_text(&mut enc, v, format, self.cx.precision)
    }

    fn value(
        &self,
        out: &mut Out<'_>,
        key: &mut Key,
        member: Option<&Member>,
        t: &'static Shape,
        v: Value<'_>,
        depth: usize,
    ) -> Result<(), Fault> {
        if depth > MAX_DEPTH {
            return Err(Fault::TooDeep);
        }
        let base = key.len();
        match (v, &t.kind) {
            (Value::Struct(sv), ShapeKind::Structure { members, .. }) => {
                for (i, m) in members.iter().enumerate() {
                    if let Some(mv) = sv.member(i) {
                        let mt = self.cx.target(m)?;
                        self.push_name(key, self.name(m, mt, m.name))?;
                        self.value(out, key, Some(m), mt, mv, depth + 1)?;
                        key.truncate(base);
                    }
                }
            }
            (Value::List(lv), ShapeKind::List { member: im }) => {
                let it = self.cx.target(im)?;
                if lv.is_empty() {
                    if !self.ec2 {
                        self.pair(out, key, Value::Str(""), Some(im), it)?;
                    }
                    return Ok(());
                }
                if self.ec2 {
                    // `prefix.N`
                } else if member.is_some_and(|m| is_flattened(m, t)) {
                    // Flattened: the item's locationName replaces the last segment.
                    if let Some(n) = im.location_name.or(it.xml.and_then(|x| x.location_name)) {
                        let cut = key.rfind('.').map_or(0, |p| p + 1);
                        key.truncate(cut);
                        key.push_str(n).map_err(too_long)?;
                    }
                } else {
                    let n = im
                        .location_name
                        .or(it.xml.and_then(|x| x.location_name))
                        .unwrap_or("member");
                    self.push_name(key, NameRef::Plain(n))?;
                }
                let list_base = key.len();
                for j in 0..lv.len() {
                    if let Some(e) = lv.get(j) {
                        write!(key, ".{}", j + 1).map_err(too_long)?;
                        self.value(out, key, Some(im), it, e, depth + 1)?;
                        key.truncate(list_base);
                    }
                }
                key.truncate(base);
            }
            (Value::Map(mv), ShapeKind::Map { key: km, value: vm }) => {
                let (kt, vt) = (self.cx.target(km)?, self.cx.target(vm)?);
                if !member.is_some_and(|m| is_flattened(m, t)) {
                    key.push_str(".entry").map_err(too_long)?;
                }
                let map_base = key.len();
                for j in 0..mv.len() {
                    let Some((k, e)) = mv.entry(j) else { continue };
                    write!(key, ".{}", j + 1).map_err(too_long)?;
                    let entry_base = key.len();
                    self.push_name(key, self.name(km, kt, "key"))?;
                    self.pair(out, key, Value::Str(k), Some(km), kt)?;
                    key.truncate(entry_base);
                    self.push_name(key, self.name(vm, vt, "value"))?;
                    self.value(out, key, Some(vm), vt, e, depth + 1)?;
                    key.truncate(map_base);
                }
                key.truncate(base);
            }
            (Value::Struct(_) | Value::List(_) | Value::Map(_), _) => {
                return Err(Fault::WrongKind(t.name));
            }
            (scalar, _) => self.pair(out, key, scalar, member, t)?,
        }
        Ok(())
    }
}

/// A member name, as written or with its first letter capitalised (ec2).
#[derive(Clone, Copy)]
enum NameRef {
    Plain(&'static str),
    Capitalised(&'static str),
}
