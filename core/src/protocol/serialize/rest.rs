//! The HTTP bindings shared by `rest-json` and `rest-xml` (botocore's
//! `BaseRestSerializer`): URI labels, query string, headers, prefix headers and
//! the payload; plus the host prefix every protocol expands.

use crate::features::{Disabled, REQUEST_DOCUMENTS};
use crate::format::Sink;
use crate::format::WriteError;
use crate::format::number::write_base64;
use crate::format::timestamp::Precision;
use crate::model::{
    Location, Member, MemberFlags, Protocol, Shape, ShapeKind, StructValue, TimestampFormat, Value,
};
use crate::text::{find_ascii, split_ascii};

use super::out::{Out, PercentEncode, Span, ts_format, write_scalar_text};
use super::{BodyRef, Ctx, Fault, Parts, json, top_member, wire_name, xml};

pub(super) fn serialize<'b>(
    cx: &mut Ctx<'_>,
    input: &'b dyn StructValue,
    out: &mut Out<'b>,
) -> Result<Parts<'b>, Fault> {
    let Some(shape) = cx.model.input_of(cx.op) else {
        let t0 = out.pos();
        out.write_str(cx.op.request_uri)?;
        return Ok(Parts {
            target: out.since(t0),
            body: BodyRef::Empty,
        });
    };
    let t0 = out.pos();
    render_uri(cx, shape, input, out)?;
    write_query(cx, shape, input, out)?;
    let target = out.since(t0);
    write_headers(cx, shape, input, out)?;
    let (body, streaming) = write_payload(cx, shape, input, out)?;
    let has_body = match body {
        BodyRef::Empty => false,
        BodyRef::Written(s) => !s.is_empty(),
        BodyRef::Payload(p) => !p.is_empty(),
    };
    if cx.protocol == Protocol::RestJson
        && !streaming
        && has_body
        && !cx.has_header(out, "Content-Type")
    {
        cx.header(
            out,
            "Content-Type",
            |o| Ok(o.write_str("application/json")?),
        )?;
    }
    Ok(Parts { target, body })
}

/// `requestUri` with each `{Label}` replaced by its member's value,
/// percent-encoded (`{Label+}` keeps `/`).
fn render_uri(
    cx: &Ctx<'_>,
    shape: &'static Shape,
    input: &dyn StructValue,
    out: &mut Out<'_>,
) -> Result<(), Fault> {
    let mut rest = cx.op.request_uri;
    while let Some(open) = find_ascii(rest, b'{') {
        out.write_str(rest.get(..open).unwrap_or(""))?;
        let after = rest.get(open + 1..).unwrap_or("");
        let close = find_ascii(after, b'}').ok_or(Fault::BadModel)?;
        let label = after.get(..close).unwrap_or("");
        rest = after.get(close + 1..).unwrap_or("");
        let (name, greedy) = match label.strip_suffix('+') {
            Some(n) => (n, true),
            None => (label, false),
        };
        let (i, m) = shape
            .members()
            .iter()
            .enumerate()
            .find(|(_, m)| m.location == Location::Uri && m.wire_name() == name)
            .ok_or(Fault::BadModel)?;
        let v = top_member(input, i, m, cx.token).ok_or(Fault::MissingUriLabel(m.name))?;
        let t = cx.target(m)?;
        let mut enc = PercentEncode {
            inner: out,
            keep_slash: greedy,
        };
        let format = ts_format(Some(m), t, TimestampFormat::Iso8601);
        write_scalar_text(&mut enc, v, format, cx.precision)?;
    }
    out.write_str(rest)?;
    Ok(())
}

/// One `key=value` pair of the query string, both percent-encoded; the
/// value as text (timestamps in `format`, ISO 8601 unless the model says).
/// One instance for every member kind, list element and map entry.
fn query_pair(
    cx: &Ctx<'_>,
    out: &mut Out<'_>,
    first: &mut bool,
    key: &str,
    (value, member, shape): (Value<'_>, &Member, &'static Shape),
) -> Result<(), Fault> {
    out.write_str(if *first { "?" } else { "&" })?;
    *first = false;
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
    let format = ts_format(Some(member), shape, TimestampFormat::Iso8601);
    write_scalar_text(&mut enc, value, format, cx.precision)
}

fn write_query(
    cx: &Ctx<'_>,
    shape: &'static Shape,
    input: &dyn StructValue,
    out: &mut Out<'_>,
) -> Result<(), Fault> {
    let mut first = !cx.op.request_uri.contains('?');
    for (i, m) in shape.members().iter().enumerate() {
        if m.location != Location::QueryString {
            continue;
        }
        let Some(v) = top_member(input, i, m, cx.token) else {
            continue;
        };
        let t = cx.target(m)?;
        let key = m.wire_name();
        match (v, &t.kind) {
            (Value::List(lv), ShapeKind::List { member }) => {
                let et = cx.target(member)?;
                for j in 0..lv.len() {
                    if let Some(e) = lv.get(j) {
                        query_pair(cx, out, &mut first, key, (e, member, et))?;
                    }
                }
            }
            (Value::Map(mv), ShapeKind::Map { value: vm, .. }) => {
                let vt = cx.target(vm)?;
                for j in 0..mv.len() {
                    let Some((k, e)) = mv.entry(j) else { continue };
                    if named_query_param_set(cx, shape, input, k) {
                        // A modelled query member of the same name is sent instead.
                        continue;
                    }
                    match (e, &vt.kind) {
                        (Value::List(lv), ShapeKind::List { member }) => {
                            let et = cx.target(member)?;
                            for n in 0..lv.len() {
                                if let Some(x) = lv.get(n) {
                                    query_pair(cx, out, &mut first, k, (x, member, et))?;
                                }
                            }
                        }
                        _ => query_pair(cx, out, &mut first, k, (e, vm, vt))?,
                    }
                }
            }
            _ => query_pair(cx, out, &mut first, key, (v, m, t))?,
        }
    }
    Ok(())
}

/// Whether a `querystring` member (not a map) with wire name `key` is set.
fn named_query_param_set(
    cx: &Ctx<'_>,
    shape: &'static Shape,
    input: &dyn StructValue,
    key: &str,
) -> bool {
    shape.members().iter().enumerate().any(|(i, m)| {
        m.location == Location::QueryString
            && m.wire_name() == key
            && !matches!(
                top_member(input, i, m, cx.token),
                None | Some(Value::Map(_))
            )
    })
}

/// Base64-encodes what is written through it (buffers up to two bytes).
struct Base64Sink<'s, S: Sink + ?Sized> {
    inner: &'s mut S,
    pending: [u8; 3],
    n: usize,
}

impl<S: Sink + ?Sized> Sink for Base64Sink<'_, S> {
    fn write_bytes(&mut self, bytes: &[u8]) -> Result<(), WriteError> {
        for &b in bytes {
            if let Some(slot) = self.pending.get_mut(self.n) {
                *slot = b;
            }
            self.n += 1;
            if self.n == 3 {
                write_base64(self.inner, &self.pending)?;
                self.n = 0;
            }
        }
        Ok(())
    }
}

impl<S: Sink + ?Sized> Base64Sink<'_, S> {
    fn finish(self) -> Result<(), WriteError> {
        write_base64(self.inner, self.pending.get(..self.n).unwrap_or(&[]))
    }
}

/// A header value: lists joined by `,` (strings quoted when they hold `"` or
/// `,`), `jsonvalue` as base64 of compact JSON, timestamps in RFC 822 (or the
/// shape's format) in whole seconds, other scalars as text.
fn header_value(
    cx: &Ctx<'_>,
    m: Option<&Member>,
    t: &'static Shape,
    v: Value<'_>,
    out: &mut Out<'_>,
) -> Result<(), Fault> {
    let m_flags = m.map_or(MemberFlags::EMPTY, |m| m.flags);
    match (v, &t.kind) {
        (Value::List(lv), ShapeKind::List { member }) => {
            let et = cx.target(member)?;
            let mut first = true;
            for j in 0..lv.len() {
                let Some(e) = lv.get(j) else { continue };
                if !first {
                    out.write_str(",")?;
                }
                first = false;
                match e {
                    Value::Str(s) if s.contains('"') || s.contains(',') => {
                        out.write_str("\"")?;
                        let mut parts = split_ascii(s, b'"');
                        if let Some(p) = parts.next() {
                            out.write_str(p)?;
                        }
                        for p in parts {
                            out.write_str("\\\"")?;
                            out.write_str(p)?;
                        }
                        out.write_str("\"")?;
                    }
                    _ => header_value(cx, Some(member), et, e, out)?,
                }
            }
            Ok(())
        }
        _ if m_flags.contains(MemberFlags::JSON_VALUE) && !REQUEST_DOCUMENTS => {
            Err(Fault::Disabled(Disabled::RequestDocuments))
        }
        _ if m_flags.contains(MemberFlags::JSON_VALUE) => {
            let mut b64 = Base64Sink {
                inner: out,
                pending: [0; 3],
                n: 0,
            };
            json::write_compact(cx, &mut b64, t, v)?;
            Ok(b64.finish()?)
        }
        (Value::Timestamp(ts), _) => {
            let whole = crate::time::Timestamp {
                secs: ts.secs,
                nanos: 0,
            };
            let format = ts_format(m, t, TimestampFormat::Rfc822);
            write_scalar_text(out, Value::Timestamp(whole), format, Precision::Micros)
        }
        _ => write_scalar_text(out, v, TimestampFormat::Rfc822, cx.precision),
    }
}

fn write_headers(
    cx: &mut Ctx<'_>,
    shape: &'static Shape,
    input: &dyn StructValue,
    out: &mut Out<'_>,
) -> Result<(), Fault> {
    for (i, m) in shape.members().iter().enumerate() {
        let Some(v) = top_member(input, i, m, cx.token) else {
            continue;
        };
        let t = cx.target(m)?;
        match m.location {
            Location::Header => {
                if let Value::List(lv) = v
                    && lv.is_empty()
                {
                    continue;
                }
                let ctx: &Ctx<'_> = cx;
                let (n0, name) = (out.pos(), m.wire_name());
                out.write_str(name)?;
                let name_span = out.since(n0);
                let v0 = out.pos();
                header_value(ctx, Some(m), t, v, out)?;
                let value_span = out.since(v0);
                push(cx, name_span, value_span)?;
            }
            Location::Headers => {
                let Value::Map(mv) = v else {
                    return Err(Fault::WrongKind(m.name));
                };
                for j in 0..mv.len() {
                    let Some((k, e)) = mv.entry(j) else { continue };
                    let n0 = out.pos();
                    out.write_str(m.wire_name())?;
                    out.write_str(k)?;
                    let name_span = out.since(n0);
                    let v0 = out.pos();
                    let f = match &t.kind {
                        ShapeKind::Map { value: vm, .. } => {
                            ts_format(Some(vm), cx.target(vm)?, TimestampFormat::Rfc822)
                        }
                        _ => TimestampFormat::Rfc822,
                    };
                    write_scalar_text(out, e, f, cx.precision)?;
                    let value_span = out.since(v0);
                    push(cx, name_span, value_span)?;
                }
            }
            _ => {}
        }
    }
    Ok(())
}

fn push(cx: &mut Ctx<'_>, name: Span, value: Span) -> Result<(), Fault> {
    cx.headers
        .push((name, value))
        .map_err(|_| Fault::TooManyHeaders)
}

/// The body: a blob / string payload borrowed from the input; a structure
/// payload or the body members serialized; `{}` (rest-json) when the input
/// has body members but none is set. Returns whether the payload streams.
fn write_payload<'b>(
    cx: &Ctx<'_>,
    shape: &'static Shape,
    input: &'b dyn StructValue,
    out: &mut Out<'b>,
) -> Result<(BodyRef<'b>, bool), Fault> {
    // Without `proto-rest-xml` only rest-json reaches here (the caller checked),
    // and the XML writer is not linked.
    let json = !cfg!(feature = "proto-rest-xml") || cx.protocol == Protocol::RestJson;
    if let (
        Some(pm),
        ShapeKind::Structure {
            payload: Some(p), ..
        },
    ) = (shape.payload(), &shape.kind)
    {
        let t = cx.target(pm)?;
        let value = input.member(usize::from(*p));
        if matches!(t.kind, ShapeKind::Blob | ShapeKind::String { .. }) {
            let body = match value {
                Some(Value::Blob(b)) => BodyRef::Payload(b),
                Some(Value::Str(s)) => BodyRef::Payload(s.as_bytes()),
                Some(_) => return Err(Fault::WrongKind(pm.name)),
                None => BodyRef::Empty,
            };
            return Ok((body, true));
        }
        let body = match value {
            Some(v) if json => BodyRef::Written(json::write_body(cx, out, t, v)?),
            Some(v) => BodyRef::Written(xml::write_root(
                cx,
                out,
                wire_name(pm, t),
                pm.xml_namespace(),
                t,
                v,
                None,
            )?),
            None if json => {
                let b0 = out.pos();
                out.write_str("{}")?;
                BodyRef::Written(out.since(b0))
            }
            None => BodyRef::Empty,
        };
        return Ok((body, false));
    }
    let members = shape.members();
    let any_set = members
        .iter()
        .enumerate()
        .any(|(i, m)| m.location == Location::Body && top_member(input, i, m, cx.token).is_some());
    let body = if any_set {
        let b0 = out.pos();
        if json {
            json::write_top(cx, out, shape, input, |l| l == Location::Body)?;
        } else {
            // The input reference's traits win over the shape's, as in
            // botocore's `OperationModel.input_shape`.
            let root = cx
                .op
                .input_location_name()
                .or(shape.xml.and_then(|x| x.location_name))
                .unwrap_or(shape.name);
            xml::write_root(
                cx,
                out,
                root,
                cx.op.input_xml_namespace(),
                shape,
                Value::Struct(input),
                Some(cx.token),
            )?;
        }
        BodyRef::Written(out.since(b0))
    } else if json && members.iter().any(|m| m.location == Location::Body) {
        let b0 = out.pos();
        out.write_str("{}")?;
        BodyRef::Written(out.since(b0))
    } else {
        BodyRef::Empty
    };
    Ok((body, false))
}

/// `endpoint.hostPrefix` with each `{Member}` replaced by its `hostLabel`
/// member's value, which must match `[A-Za-z0-9.-]+`. A build without
/// `host-prefix` refuses an operation that has one.
pub(super) fn host_prefix(
    cx: &mut Ctx<'_>,
    input: &dyn StructValue,
    out: &mut Out<'_>,
) -> Result<Option<Span>, Fault> {
    let Some(template) = cx.op.host_prefix else {
        return Ok(None);
    };
    if !crate::features::HOST_PREFIX {
        return Err(Fault::Disabled(Disabled::HostPrefix));
    }
    let shape = cx.model.input_of(cx.op);
    let p0 = out.pos();
    let mut rest = template;
    while let Some(open) = find_ascii(rest, b'{') {
        out.write_str(rest.get(..open).unwrap_or(""))?;
        let after = rest.get(open + 1..).unwrap_or("");
        let close = find_ascii(after, b'}').ok_or(Fault::BadModel)?;
        let name = after.get(..close).unwrap_or("");
        rest = after.get(close + 1..).unwrap_or("");
        let (i, m) = shape.and_then(|s| s.member(name)).ok_or(Fault::BadModel)?;
        let ok_char = |c: char| c.is_ascii_alphanumeric() || c == '.' || c == '-';
        match top_member(input, i, m, cx.token) {
            Some(Value::Str(s)) if !s.is_empty() && s.chars().all(ok_char) => out.write_str(s)?,
            _ => return Err(Fault::InvalidHostLabel(m.name)),
        }
    }
    out.write_str(rest)?;
    Ok(Some(out.since(p0)))
}
