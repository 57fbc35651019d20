//! Emits a service's owned forms (compiled only with `stratus-models`'
//! `alloc` feature): module `<service>::owned` with one owned structure per
//! structure the typed shapes cover and one owned string enum per enum.
//!
//! Mapping: `string` → `String`, `blob` → `Vec<u8>`, `list` → `Vec<T>`, `map` →
//! `Vec<(K, V)>` in wire order, documents / `jsonvalue` → `RawJsonBuf`, enums →
//! owned enums with `Unknown(String)`, nested structures by value, or `Box`ed
//! where structures recurse directly. Members are `Option` except the required
//! members of structures that only appear in requests (like the borrowed
//! inputs); anything a response can carry is `Option`, as in the views.
//!
//! Every owned structure implements `StructValue` (the serializers' seam) and,
//! when a response can carry it, `FromNode` (decoding every text, blob, list and
//! map); the borrowed view gains `decode_owned()` and `TryFrom`.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::fmt::Write;

use crate::model::{KindIr, MemberIr, ServiceIr, ShapeIr, member_flag, shape_flag};
use crate::names::{type_name, unique, variant_name};
use crate::tables::shape_index;
use crate::types::{doc, field_names, reach};

const CORE: &str = "::stratus_core::model";
const OPT: &str = "::core::option::Option";
const RES: &str = "::core::result::Result";
const VEC: &str = "::alloc::vec::Vec";
const STRING: &str = "::alloc::string::String";
const DECODE: &str = "::stratus_core::model::view::DecodeError";

struct Owned<'a> {
    svc: &'a ServiceIr,
    /// Shape name → Rust type name, as `types` and `output` name them.
    names: BTreeMap<String, String>,
    /// Structures reachable from a response (outputs and errors).
    outputs: &'a BTreeSet<String>,
    /// `(structure, member)` pairs held in a `Box` to break direct recursion.
    boxed: HashSet<(String, String)>,
}

impl Owned<'_> {
    fn shape(&self, name: &str) -> Option<&ShapeIr> {
        self.svc.shapes.get(name)
    }

    fn ty(&self, name: &str) -> &str {
        self.names.get(name).map_or("()", String::as_str)
    }

    /// The owned Rust type of shape `name`.
    fn owned_ty(&self, name: &str, json_value: bool) -> String {
        if json_value {
            return format!("{CORE}::RawJsonBuf");
        }
        let Some(shape) = self.shape(name) else {
            return "()".into();
        };
        match &shape.kind {
            KindIr::Structure { .. } => self.ty(name).to_string(),
            KindIr::List(m) => format!(
                "{VEC}<{}>",
                self.owned_ty(&m.target, m.flags & member_flag::JSON_VALUE != 0)
            ),
            KindIr::Map(k, v) => format!(
                "{VEC}<({}, {})>",
                self.owned_ty(&k.target, false),
                self.owned_ty(&v.target, v.flags & member_flag::JSON_VALUE != 0)
            ),
            KindIr::String(v) if !v.is_empty() => self.ty(name).to_string(),
            KindIr::String(_) | KindIr::Scalar("String") => STRING.into(),
            KindIr::Document => format!("{CORE}::RawJsonBuf"),
            KindIr::Scalar("Blob") => format!("{VEC}<u8>"),
            KindIr::Scalar(k) => scalar_ty(k).into(),
        }
    }

    /// How `v` (a `&T` for the member's owned type) becomes a `Value`.
    fn value_expr(&self, m: &MemberIr, boxed: bool) -> String {
        if m.flags & member_flag::JSON_VALUE != 0 {
            return format!("{CORE}::Value::Document(v.0.as_str())");
        }
        let Some(shape) = self.shape(&m.target) else {
            return format!("{CORE}::Value::Bool(false)");
        };
        match &shape.kind {
            KindIr::Structure { .. } if boxed => format!("{CORE}::Value::Struct(&**v)"),
            KindIr::Structure { .. } => format!("{CORE}::Value::Struct(v)"),
            KindIr::List(_) => format!("{CORE}::Value::List(v)"),
            KindIr::Map(..) => format!("{CORE}::Value::Map(v)"),
            KindIr::String(_) if self.is_enum(&m.target) => {
                format!("{CORE}::Value::Str(v.as_str())")
            }
            KindIr::String(_) | KindIr::Scalar("String") => {
                format!("{CORE}::Value::Str(v.as_str())")
            }
            KindIr::Document => format!("{CORE}::Value::Document(v.0.as_str())"),
            KindIr::Scalar("Blob") => format!("{CORE}::Value::Blob(v.as_slice())"),
            KindIr::Scalar("Integer") => format!("{CORE}::Value::Int(i64::from(*v))"),
            KindIr::Scalar("Long") => format!("{CORE}::Value::Int(*v)"),
            KindIr::Scalar("Float") => format!("{CORE}::Value::Float(f64::from(*v))"),
            KindIr::Scalar("Double") => format!("{CORE}::Value::Float(*v)"),
            KindIr::Scalar("Boolean") => format!("{CORE}::Value::Bool(*v)"),
            KindIr::Scalar(_) => format!("{CORE}::Value::Timestamp(*v)"),
        }
    }

    fn is_enum(&self, name: &str) -> bool {
        matches!(self.shape(name).map(|s| &s.kind), Some(KindIr::String(v)) if !v.is_empty())
    }

    fn is_struct(&self, name: &str) -> bool {
        matches!(
            self.shape(name).map(|s| &s.kind),
            Some(KindIr::Structure { .. })
        )
    }

    fn sensitive(&self, m: &MemberIr) -> bool {
        self.shape(&m.target)
            .is_some_and(|s| s.flags & shape_flag::SENSITIVE != 0)
    }
}

fn scalar_ty(kind: &str) -> &'static str {
    match kind {
        "Integer" => "i32",
        "Long" => "i64",
        "Float" => "f32",
        "Double" => "f64",
        "Boolean" => "bool",
        _ => "::stratus_core::time::Timestamp",
    }
}

/// `(structure, member)` edges that close a cycle of direct structure members
/// (lists and maps already break cycles: a `Vec` has a fixed size).
fn box_edges(svc: &ServiceIr) -> HashSet<(String, String)> {
    let direct = |n: &str| -> Vec<&str> {
        svc.shapes.get(n).map_or_else(Vec::new, |s| {
            s.members()
                .iter()
                .filter(|m| {
                    matches!(
                        svc.shapes.get(&m.target).map(|t| &t.kind),
                        Some(KindIr::Structure { .. })
                    )
                })
                .map(|m| m.target.as_str())
                .collect()
        })
    };
    let reaches = |from: &str, to: &str| -> bool {
        let mut seen = HashSet::new();
        let mut stack = vec![from];
        while let Some(n) = stack.pop() {
            if n == to {
                return true;
            }
            if seen.insert(n) {
                stack.extend(direct(n));
            }
        }
        false
    };
    let mut boxed = HashSet::new();
    for (name, shape) in &svc.shapes {
        for m in shape.members() {
            if direct(name).contains(&m.target.as_str()) && reaches(&m.target, name) {
                boxed.insert((name.clone(), m.name.clone()));
            }
        }
    }
    boxed
}

/// The `owned` module of a (trimmed) service, wrapped in `#[cfg(feature = "alloc")]`.
pub fn emit_owned(svc: &ServiceIr) -> String {
    let mut taken = HashSet::new();
    let names = svc
        .shapes
        .keys()
        .map(|n| (n.clone(), unique(type_name(n), &mut taken)))
        .collect();
    let inputs = reach(
        svc,
        svc.operations.values().filter_map(|o| o.input.as_deref()),
    );
    let outputs = reach(
        svc,
        svc.operations
            .values()
            .flat_map(|o| o.output.iter().chain(o.errors.iter()))
            .map(String::as_str),
    );
    let cx = Owned {
        svc,
        names,
        outputs: &outputs,
        boxed: box_edges(svc),
    };
    let idx = shape_index(svc);
    let mut out = format!(
        "/// Owned forms of `{0}`'s structures and enums (feature `alloc`): built by\n\
         /// hand for requests (they implement `StructValue`, so the same serializers\n\
         /// take them) or decoded from a response view with `decode_owned()` /\n\
         /// `TryFrom`, every text unescaped and every blob decoded.\n\
         #[cfg(feature = \"alloc\")]\npub mod owned {{\n#![allow(unused_imports, unreachable_patterns, clippy::all)]\n",
        svc.name
    );
    for (name, shape) in &svc.shapes {
        let used = inputs.contains(name) || outputs.contains(name);
        match &shape.kind {
            KindIr::String(values) if !values.is_empty() && used => {
                emit_enum(&cx, &mut out, name, values);
            }
            KindIr::Structure { members, .. } if used => {
                let id = idx.get(name).copied().unwrap_or(u16::MAX);
                emit_struct(&cx, &mut out, name, members, id);
            }
            _ => {}
        }
    }
    out.push_str("}\n");
    out
}

fn emit_enum(cx: &Owned, out: &mut String, name: &str, values: &[String]) {
    let ty = cx.ty(name);
    let mut taken: HashSet<String> = ["Unknown".to_string()].into_iter().collect();
    let variants: Vec<String> = values
        .iter()
        .map(|v| unique(variant_name(v), &mut taken))
        .collect();
    out.push_str(&doc(&format!(
        "The `{name}` string enum, owned; `Unknown` keeps (decoded) values this model does not list."
    )));
    let _ = writeln!(
        out,
        "#[derive(Clone, PartialEq, Eq, Hash, Debug)]\npub enum {ty} {{"
    );
    for (v, wire) in variants.iter().zip(values) {
        out.push_str(&doc(&format!("`{wire}`")));
        let _ = writeln!(out, "    {v},");
    }
    let _ = writeln!(
        out,
        "    /// A value not in the model.\n    Unknown({STRING}),\n}}\nimpl {ty} {{\n    /// The wire text.\n    pub fn as_str(&self) -> &str {{\n        match self {{"
    );
    for (v, wire) in variants.iter().zip(values) {
        let _ = writeln!(out, "            Self::{v} => {wire:?},");
    }
    out.push_str("            Self::Unknown(s) => s,\n        }\n    }\n    /// The variant for wire text `s`.\n    pub fn from_wire(s: &str) -> Self {\n        match s {\n");
    for (v, wire) in variants.iter().zip(values) {
        let _ = writeln!(out, "            {wire:?} => Self::{v},");
    }
    let _ = writeln!(
        out,
        "            other => Self::Unknown(other.into()),\n        }}\n    }}\n}}\n\
         impl ::core::convert::From<super::types::{ty}<'_>> for {ty} {{\n    fn from(v: super::types::{ty}<'_>) -> Self {{ Self::from_wire(v.as_str()) }}\n}}\n\
         impl {CORE}::AsValue for {ty} {{ fn as_value(&self) -> {CORE}::Value<'_> {{ {CORE}::Value::Str(self.as_str()) }} }}\n\
         impl {CORE}::MapKey for {ty} {{ fn key_str(&self) -> &str {{ self.as_str() }} }}\n\
         impl<'a> {CORE}::view::FromNode<'a> for {ty} {{\n    fn from_node(node: {CORE}::view::Node<'a>) -> {RES}<Self, {DECODE}> {{\n        let text = node.text()?;\n        Ok(match text.as_plain() {{ Some(s) => Self::from_wire(s), None => Self::from_wire(&text.to_decoded_string()?) }})\n    }}\n}}\n"
    );
}

fn emit_struct(cx: &Owned, out: &mut String, name: &str, members: &[MemberIr], id: u16) {
    let ty = cx.ty(name);
    let fields = field_names(members);
    let in_response = cx.outputs.contains(name);
    let mut default_ok = true;
    out.push_str(&doc(&format!(
        "The `{name}` structure of `{}`, owned.",
        cx.svc.name
    )));
    let _ = writeln!(out, "#[derive(Clone, PartialEq)]\npub struct {ty} {{");
    let mut kinds = Vec::new();
    for (m, f) in members.iter().zip(&fields) {
        let json = m.flags & member_flag::JSON_VALUE != 0;
        let boxed = cx.boxed.contains(&(name.to_string(), m.name.clone()));
        let mut base = cx.owned_ty(&m.target, json);
        if boxed {
            base = format!("::alloc::boxed::Box<{base}>");
        }
        let required = m.flags & member_flag::REQUIRED != 0;
        let bare = required && !in_response;
        if bare && (cx.is_struct(&m.target) || cx.is_enum(&m.target)) {
            default_ok = false;
        }
        let field_ty = if bare { base } else { format!("{OPT}<{base}>") };
        out.push_str(&doc(&format!(
            "`{}`{}{}.",
            m.name,
            if required { " (required)" } else { "" },
            if m.location == "Body" {
                String::new()
            } else {
                format!(", sent in the {}", m.location)
            }
        )));
        let _ = writeln!(out, "    pub {f}: {field_ty},");
        kinds.push((bare, boxed));
    }
    out.push_str("}\n");
    if default_ok {
        let _ = writeln!(
            out,
            "impl ::core::default::Default for {ty} {{ fn default() -> Self {{ Self {{ {} }} }} }}",
            fields
                .iter()
                .map(|f| format!("{f}: ::core::default::Default::default()"))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    // Debug that never prints `sensitive` values.
    let _ = writeln!(
        out,
        "impl ::core::fmt::Debug for {ty} {{\n    fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {{\n        f.debug_struct({name:?})"
    );
    for (m, f) in members.iter().zip(&fields) {
        if cx.sensitive(m) {
            let _ = writeln!(out, "            .field({:?}, &\"<redacted>\")", m.name);
        } else {
            let _ = writeln!(out, "            .field({:?}, &self.{f})", m.name);
        }
    }
    out.push_str("            .finish()\n    }\n}\n");
    let _ = writeln!(
        out,
        "impl {ty} {{\n    /// This structure's shape in the service's tables.\n    pub const SHAPE: {CORE}::ShapeId = {CORE}::ShapeId({id});\n}}\n\
         impl {CORE}::StructValue for {ty} {{\n    fn member(&self, index: usize) -> {OPT}<{CORE}::Value<'_>> {{\n        match index {{"
    );
    for (i, ((m, f), (bare, boxed))) in members.iter().zip(&fields).zip(&kinds).enumerate() {
        let conv = cx.value_expr(m, *boxed);
        if *bare {
            let _ = writeln!(
                out,
                "            {i} => {{ let v = &self.{f}; Some({conv}) }}"
            );
        } else {
            let _ = writeln!(out, "            {i} => self.{f}.as_ref().map(|v| {conv}),");
        }
    }
    out.push_str("            _ => None,\n        }\n    }\n}\n");
    let _ = writeln!(
        out,
        "impl {CORE}::AsValue for {ty} {{ fn as_value(&self) -> {CORE}::Value<'_> {{ {CORE}::Value::Struct(self) }} }}"
    );
    if in_response {
        emit_decode(cx, out, ty, members, &fields, &kinds, id);
    }
    out.push('\n');
}

/// `FromNode` for an owned structure a response can carry (all members
/// `Option`), and the view's `decode_owned()` / `TryFrom`.
fn emit_decode(
    cx: &Owned,
    out: &mut String,
    ty: &str,
    members: &[MemberIr],
    fields: &[String],
    kinds: &[(bool, bool)],
    id: u16,
) {
    let _ = writeln!(
        out,
        "impl<'a> {CORE}::view::FromNode<'a> for {ty} {{\n    fn from_node(node: {CORE}::view::Node<'a>) -> {RES}<Self, {DECODE}> {{"
    );
    if members.is_empty() {
        out.push_str("        let _ = node;\n");
    } else {
        let _ = writeln!(out, "        let m = &super::tables::M{id};");
    }
    out.push_str("        Ok(Self {\n");
    for (i, ((m, f), (_, boxed))) in members.iter().zip(fields).zip(kinds).enumerate() {
        let ts = cx
            .shape(&m.target)
            .filter(|s| matches!(s.kind, KindIr::Scalar("Timestamp")));
        let expr = match ts {
            Some(s) => {
                // The member's own timestampFormat wins over the shape's, as in the views.
                let fmt = m
                    .timestamp_format
                    .or(s.timestamp_format)
                    .map_or("None".into(), |f| {
                        format!("Some({CORE}::TimestampFormat::{f})")
                    });
                format!("node.timestamp_member(&m[{i}], {fmt})?")
            }
            None if *boxed => format!(
                "node.decode_member::<{}>(&m[{i}])?.map(::alloc::boxed::Box::new)",
                cx.ty(&m.target)
            ),
            None => format!("node.decode_member(&m[{i}])?"),
        };
        let _ = writeln!(out, "            {f}: {expr},");
    }
    out.push_str("        })\n    }\n}\n");
    let _ = writeln!(
        out,
        "impl<'a> super::output::{ty}<'a> {{\n    /// Decodes every member into the owned [`{ty}`]: text unescaped, blobs\n    /// decoded, lists and maps collected; bad data gives a `DecodeError`.\n    pub fn decode_owned(&self) -> {RES}<{ty}, {DECODE}> {{ {CORE}::view::FromNode::from_node(self.node()) }}\n}}\n\
         impl<'a> ::core::convert::TryFrom<super::output::{ty}<'a>> for {ty} {{\n    type Error = {DECODE};\n    fn try_from(view: super::output::{ty}<'a>) -> {RES}<Self, Self::Error> {{ view.decode_owned() }}\n}}"
    );
}
