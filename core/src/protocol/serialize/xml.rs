//! `rest-xml` bodies, as botocore's `RestXMLSerializer` builds them with
//! ElementTree: element names from `locationName`, `xmlNamespace` as `xmlns`
//! attributes, `xmlAttribute` members as attributes, flattened lists and maps
//! without wrappers, timestamps ISO 8601 unless the shape says otherwise.

use crate::format::xml::XmlWriter;
use crate::format::{Sink, SliceSink};
use crate::model::{
    Location, Member, MemberFlags, Shape, ShapeKind, StructValue, TimestampFormat, Value,
    XmlNamespace,
};

use super::out::{Out, Span, timestamp_text, ts_format, write_scalar_text};
use super::{Ctx, Fault, MAX_DEPTH, is_flattened, top_member, wire_name};

/// Writes the root element `name` for `value` of `shape`. With `top` set, the
/// value is the operation input: only body members are written and unset
/// idempotency tokens take the given token.
pub(super) fn write_root(
    cx: &Ctx<'_>,
    out: &mut Out<'_>,
    name: &str,
    ns: Option<&XmlNamespace>,
    shape: &'static Shape,
    value: Value<'_>,
    top: Option<Option<&str>>,
) -> Result<Span, Fault> {
    let b0 = out.pos();
    let mut w = XmlWriter::new(&mut *out);
    let ns = ns.or(shape.xml.and_then(|x| x.namespace.as_ref()));
    match (top, value) {
        (Some(token), Value::Struct(sv)) => {
            write_struct(cx, &mut w, name, ns, shape, sv, token, true, 0)?
        }
        _ => write_elem(cx, &mut w, name, ns, None, shape, value, 0)?,
    }
    Ok(out.since(b0))
}

fn add_ns<S: Sink>(w: &mut XmlWriter<S>, ns: Option<&XmlNamespace>) -> Result<(), Fault> {
    if let Some(ns) = ns {
        match ns.prefix {
            Some(p) if !p.is_empty() => {
                let mut buf = [0u8; 64];
                let mut s = SliceSink::new(&mut buf);
                s.write_str("xmlns:")?;
                s.write_str(p)?;
                let name =
                    core::str::from_utf8(s.into_written()).map_err(|_| Fault::Unrepresentable)?;
                w.attr(name, ns.uri)?;
            }
            _ => w.attr("xmlns", ns.uri)?,
        }
    }
    Ok(())
}

/// The namespace that applies to a member: its own, else its target shape's.
fn member_ns(m: &Member, t: &'static Shape) -> Option<&'static XmlNamespace> {
    m.xml_namespace()
        .or(t.xml.and_then(|x| x.namespace.as_ref()))
}

#[allow(clippy::too_many_arguments)]
fn write_struct<S: Sink>(
    cx: &Ctx<'_>,
    w: &mut XmlWriter<S>,
    name: &str,
    ns: Option<&XmlNamespace>,
    shape: &'static Shape,
    sv: &dyn StructValue,
    token: Option<&str>,
    top: bool,
    depth: usize,
) -> Result<(), Fault> {
    let get = |i: usize, m: &Member| {
        if top {
            top_member(sv, i, m, token)
        } else {
            sv.member(i)
        }
    };
    let keep = |m: &Member| !top || m.location == Location::Body;
    w.start(name)?;
    add_ns(w, ns)?;
    for (i, m) in shape.members().iter().enumerate() {
        if !keep(m) || !m.flags.contains(MemberFlags::XML_ATTRIBUTE) {
            continue;
        }
        if let Some(v) = get(i, m) {
            let t = cx.target(m)?;
            let mut buf = [0u8; 256];
            let mut s = SliceSink::new(&mut buf);
            let format = ts_format(Some(m), t, TimestampFormat::Iso8601);
            write_scalar_text(&mut s, v, format, cx.precision)?;
            let text =
                core::str::from_utf8(s.into_written()).map_err(|_| Fault::Unrepresentable)?;
            w.attr(wire_name(m, t), text)?;
        }
    }
    for (i, m) in shape.members().iter().enumerate() {
        if !keep(m) || m.flags.contains(MemberFlags::XML_ATTRIBUTE) {
            continue;
        }
        if let Some(v) = get(i, m) {
            let t = cx.target(m)?;
            write_elem(
                cx,
                w,
                wire_name(m, t),
                member_ns(m, t),
                Some(m),
                t,
                v,
                depth + 1,
            )?;
        }
    }
    w.end(name)?;
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn write_elem<S: Sink>(
    cx: &Ctx<'_>,
    w: &mut XmlWriter<S>,
    name: &str,
    ns: Option<&XmlNamespace>,
    member: Option<&Member>,
    shape: &'static Shape,
    value: Value<'_>,
    depth: usize,
) -> Result<(), Fault> {
    if depth > MAX_DEPTH {
        return Err(Fault::TooDeep);
    }
    let flattened = match member {
        Some(m) => is_flattened(m, shape),
        None => shape.flags.contains(crate::model::ShapeFlags::FLATTENED),
    };
    match (value, &shape.kind) {
        (Value::Struct(sv), ShapeKind::Structure { .. }) => {
            write_struct(cx, w, name, ns, shape, sv, None, false, depth)
        }
        (Value::List(lv), ShapeKind::List { member: im }) => {
            let it = cx.target(im)?;
            let item_ns = member_ns(im, it);
            if flattened {
                for j in 0..lv.len() {
                    if let Some(v) = lv.get(j) {
                        write_elem(cx, w, name, item_ns, Some(im), it, v, depth + 1)?;
                    }
                }
                return Ok(());
            }
            w.start(name)?;
            add_ns(w, ns)?;
            let item_name = im
                .location_name
                .or(it.xml.and_then(|x| x.location_name))
                .unwrap_or("member");
            for j in 0..lv.len() {
                if let Some(v) = lv.get(j) {
                    write_elem(cx, w, item_name, item_ns, Some(im), it, v, depth + 1)?;
                }
            }
            Ok(w.end(name)?)
        }
        (Value::Map(mv), ShapeKind::Map { key: km, value: vm }) => {
            let (kt, vt) = (cx.target(km)?, cx.target(vm)?);
            let key_name = km.location_name.unwrap_or("key");
            let value_name = vm.location_name.unwrap_or("value");
            let entry = if flattened { name } else { "entry" };
            if !flattened {
                w.start(name)?;
                add_ns(w, ns)?;
            }
            for j in 0..mv.len() {
                let Some((k, v)) = mv.entry(j) else { continue };
                w.start(entry)?;
                write_elem(
                    cx,
                    w,
                    key_name,
                    member_ns(km, kt),
                    Some(km),
                    kt,
                    Value::Str(k),
                    depth + 1,
                )?;
                write_elem(
                    cx,
                    w,
                    value_name,
                    member_ns(vm, vt),
                    Some(vm),
                    vt,
                    v,
                    depth + 1,
                )?;
                w.end(entry)?;
            }
            if !flattened {
                w.end(name)?;
            }
            Ok(())
        }
        (Value::Struct(_) | Value::List(_) | Value::Map(_), _) => Err(Fault::WrongKind(shape.name)),
        (scalar, _) => {
            w.start(name)?;
            add_ns(w, ns)?;
            match scalar {
                Value::Str(s) | Value::Document(s) => w.text(s)?,
                Value::Int(n) => w.int(n)?,
                Value::Float(x) => w.float(x)?,
                Value::Bool(b) => w.bool(b)?,
                Value::Blob(b) => w.base64(b)?,
                Value::Timestamp(t) => {
                    let format = ts_format(member, shape, TimestampFormat::Iso8601);
                    let mut tmp = [0u8; 48];
                    w.text(timestamp_text(&mut tmp, t, format, cx.precision)?)?;
                }
                Value::Struct(_) | Value::List(_) | Value::Map(_) => {}
            }
            Ok(w.end(name)?)
        }
    }
}
