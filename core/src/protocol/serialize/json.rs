//! JSON bodies (`json` 1.0 / 1.1 and `rest-json`), as botocore's
//! `JSONSerializer` builds them and `json.dumps` prints them.

use crate::features::{Disabled, REQUEST_DOCUMENTS};
use crate::format::Sink;
use crate::format::json::{JsonStyle, JsonWriter};
use crate::model::{Location, Member, Shape, ShapeKind, StructValue, TimestampFormat, Value};

use super::out::{Out, Span, timestamp_text, ts_format};
use super::{BodyRef, Ctx, Fault, MAX_DEPTH, Parts, top_member, wire_name};

/// `json` protocol: `POST /` (or the model's URI), `X-Amz-Target`, a JSON body
/// (`{}` when there is no input).
pub(super) fn serialize_rpc<'b>(
    cx: &mut Ctx<'_>,
    input: &dyn StructValue,
    out: &mut Out<'b>,
) -> Result<Parts<'b>, Fault> {
    let t0 = out.pos();
    out.write_str(cx.op.request_uri)?;
    let target = out.since(t0);
    let meta = &cx.model.metadata;
    let op_name = cx.op.name;
    let prefix = meta.target_prefix.unwrap_or("");
    cx.header(out, "X-Amz-Target", |o| {
        o.write_str(prefix)?;
        o.write_str(".")?;
        Ok(o.write_str(op_name)?)
    })?;
    let version = meta.json_version.unwrap_or("1.0");
    cx.header(out, "Content-Type", |o| {
        o.write_str("application/x-amz-json-")?;
        Ok(o.write_str(version)?)
    })?;
    if meta.aws_query_compatible {
        cx.header(out, "x-amzn-query-mode", |o| Ok(o.write_str("true")?))?;
    }
    let b0 = out.pos();
    match cx.model.input_of(cx.op) {
        Some(shape) => write_top(cx, out, shape, input, |_| true)?,
        None => out.write_str("{}")?,
    }
    Ok(Parts {
        target,
        body: BodyRef::Written(out.since(b0)),
    })
}

/// Writes the top-level structure `shape` of `input`, keeping members for which
/// `keep` holds (rest-json keeps only body members).
pub(super) fn write_top(
    cx: &Ctx<'_>,
    out: &mut Out<'_>,
    shape: &'static Shape,
    input: &dyn StructValue,
    keep: impl Fn(Location) -> bool,
) -> Result<(), Fault> {
    let mut w = JsonWriter::new(&mut *out as &mut dyn Sink, JsonStyle::Python);
    w.begin_object()?;
    for (i, m) in shape.members().iter().enumerate() {
        if !keep(m.location) {
            continue;
        }
        if let Some(v) = top_member(input, i, m, cx.token) {
            let t = cx.target(m)?;
            w.key(wire_name(m, t))?;
            write_value(cx, &mut w, Some(m), t, v, 1)?;
        }
    }
    w.end_object()?;
    Ok(())
}

/// Writes one value of shape `shape`.
///
/// One instance for every sink (`dyn`): the body and a `jsonvalue` header's
/// base64 both write through it, so a device links the walk once.
pub(super) fn write_value(
    cx: &Ctx<'_>,
    w: &mut JsonWriter<&mut dyn Sink>,
    member: Option<&Member>,
    shape: &'static Shape,
    value: Value<'_>,
    depth: usize,
) -> Result<(), Fault> {
    if depth > MAX_DEPTH {
        return Err(Fault::TooDeep);
    }
    match (value, &shape.kind) {
        (Value::Document(_), _) if !REQUEST_DOCUMENTS => {
            return Err(Fault::Disabled(Disabled::RequestDocuments));
        }
        (Value::Document(doc), _) => w.document(doc)?,
        (Value::Struct(sv), ShapeKind::Structure { members, .. }) => {
            w.begin_object()?;
            for (i, m) in members.iter().enumerate() {
                if let Some(v) = sv.member(i) {
                    let t = cx.target(m)?;
                    w.key(wire_name(m, t))?;
                    write_value(cx, w, Some(m), t, v, depth + 1)?;
                }
            }
            w.end_object()?;
        }
        (Value::List(lv), ShapeKind::List { member }) => {
            let t = cx.target(member)?;
            w.begin_array()?;
            for i in 0..lv.len() {
                match lv.get(i) {
                    Some(v) => write_value(cx, w, Some(member), t, v, depth + 1)?,
                    None => w.null()?,
                }
            }
            w.end_array()?;
        }
        (Value::Map(mv), ShapeKind::Map { value: vm, .. }) => {
            let t = cx.target(vm)?;
            w.begin_object()?;
            for i in 0..mv.len() {
                if let Some((k, v)) = mv.entry(i) {
                    w.key(k)?;
                    write_value(cx, w, Some(vm), t, v, depth + 1)?;
                }
            }
            w.end_object()?;
        }
        (Value::Str(s), _) => w.string(s)?,
        (Value::Int(n), _) => w.int(n)?,
        (Value::Float(x), _) => w.float(x)?,
        (Value::Bool(b), _) => w.bool(b)?,
        (Value::Blob(b), _) => w.base64(b)?,
        (Value::Timestamp(t), _) => {
            let format = ts_format(member, shape, TimestampFormat::UnixTimestamp);
            let mut tmp = [0u8; 48];
            let text = timestamp_text(&mut tmp, t, format, cx.precision)?;
            if format == TimestampFormat::UnixTimestamp {
                w.raw(text)?;
            } else {
                w.string(text)?;
            }
        }
        (Value::Struct(_) | Value::List(_) | Value::Map(_), _) => {
            return Err(Fault::WrongKind(shape.name));
        }
    }
    Ok(())
}

/// Writes `value` of shape `shape` as a whole JSON body (rest-json payloads).
pub(super) fn write_body(
    cx: &Ctx<'_>,
    out: &mut Out<'_>,
    shape: &'static Shape,
    value: Value<'_>,
) -> Result<Span, Fault> {
    let b0 = out.pos();
    let mut w = JsonWriter::new(&mut *out as &mut dyn Sink, JsonStyle::Python);
    write_value(cx, &mut w, None, shape, value, 0)?;
    Ok(out.since(b0))
}

/// Writes `value` as compact JSON (`jsonvalue` headers).
pub(super) fn write_compact(
    cx: &Ctx<'_>,
    sink: &mut dyn Sink,
    shape: &'static Shape,
    value: Value<'_>,
) -> Result<(), Fault> {
    let mut w = JsonWriter::new(sink, JsonStyle::Compact);
    write_value(cx, &mut w, None, shape, value, 0)
}
