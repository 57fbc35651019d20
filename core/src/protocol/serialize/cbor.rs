//! `smithy-rpc-v2-cbor`: `POST /service/{targetPrefix}/operation/{Name}` with a
//! CBOR body, as botocore's `RpcV2CBORSerializer` writes it (definite lengths,
//! `float` as single precision, timestamps as tag 1 with integer seconds).

use crate::format::Sink;
use crate::format::cbor::CborWriter;
use crate::model::{Shape, ShapeKind, StructValue, Value};

use super::out::Out;
use super::{BodyRef, Ctx, Fault, MAX_DEPTH, Parts, top_member, wire_name};

pub(super) fn serialize<'b>(
    cx: &mut Ctx<'_>,
    input: &dyn StructValue,
    out: &mut Out<'b>,
) -> Result<Parts<'b>, Fault> {
    let t0 = out.pos();
    out.write_str("/service/")?;
    out.write_str(cx.model.metadata.target_prefix.unwrap_or(""))?;
    out.write_str("/operation/")?;
    out.write_str(cx.op.name)?;
    let target = out.since(t0);
    let b0 = out.pos();
    if let Some(shape) = cx.model.input_of(cx.op) {
        let mut w = CborWriter::new(&mut *out);
        let members = shape.members();
        let set = members
            .iter()
            .enumerate()
            .filter(|(i, m)| top_member(input, *i, m, cx.token).is_some())
            .count();
        w.map(set as u64)?;
        for (i, m) in members.iter().enumerate() {
            if let Some(v) = top_member(input, i, m, cx.token) {
                let t = cx.target(m)?;
                w.str(wire_name(m, t))?;
                value(cx, &mut w, t, v, 1)?;
            }
        }
    }
    let body = out.since(b0);
    cx.header(out, "smithy-protocol", |o| Ok(o.write_str("rpc-v2-cbor")?))?;
    if cx.model.metadata.aws_query_compatible {
        cx.header(out, "x-amzn-query-mode", |o| Ok(o.write_str("true")?))?;
    }
    cx.header(out, "Accept", |o| Ok(o.write_str("application/cbor")?))?;
    if !body.is_empty() {
        cx.header(
            out,
            "Content-Type",
            |o| Ok(o.write_str("application/cbor")?),
        )?;
    }
    Ok(Parts {
        target,
        body: if body.is_empty() {
            BodyRef::Empty
        } else {
            BodyRef::Written(body)
        },
    })
}

fn value<S: Sink>(
    cx: &Ctx<'_>,
    w: &mut CborWriter<S>,
    shape: &'static Shape,
    v: Value<'_>,
    depth: usize,
) -> Result<(), Fault> {
    if depth > MAX_DEPTH {
        return Err(Fault::TooDeep);
    }
    match (v, &shape.kind) {
        (Value::Struct(sv), ShapeKind::Structure { members, .. }) => {
            let set = (0..members.len())
                .filter(|i| sv.member(*i).is_some())
                .count();
            w.map(set as u64)?;
            for (i, m) in members.iter().enumerate() {
                if let Some(mv) = sv.member(i) {
                    let t = cx.target(m)?;
                    w.str(wire_name(m, t))?;
                    value(cx, w, t, mv, depth + 1)?;
                }
            }
        }
        (Value::List(lv), ShapeKind::List { member }) => {
            let t = cx.target(member)?;
            w.array(lv.len() as u64)?;
            for j in 0..lv.len() {
                match lv.get(j) {
                    Some(e) => value(cx, w, t, e, depth + 1)?,
                    None => w.null()?,
                }
            }
        }
        (Value::Map(mv), ShapeKind::Map { value: vm, .. }) => {
            let t = cx.target(vm)?;
            w.map(mv.len() as u64)?;
            for j in 0..mv.len() {
                if let Some((k, e)) = mv.entry(j) {
                    w.str(k)?;
                    value(cx, w, t, e, depth + 1)?;
                }
            }
        }
        (Value::Str(s) | Value::Document(s), _) => w.str(s)?,
        (Value::Blob(b), _) => w.bytes(b)?,
        (Value::Int(n), _) => w.int(n)?,
        (Value::Bool(b), _) => w.bool(b)?,
        (Value::Float(x), ShapeKind::Float) => w.float32(x as f32)?,
        (Value::Float(x), _) => w.float64(x)?,
        (Value::Timestamp(_), _) if !crate::features::REQUEST_TIMESTAMPS => {
            return Err(Fault::Disabled(
                crate::features::Disabled::RequestTimestamps,
            ));
        }
        (Value::Timestamp(t), _) => w.timestamp(crate::time::Timestamp {
            secs: t.secs,
            nanos: 0,
        })?,
        (Value::Struct(_) | Value::List(_) | Value::Map(_), _) => {
            return Err(Fault::WrongKind(shape.name));
        }
    }
    Ok(())
}
