//! Emits typed Rust shapes for a (trimmed) service: borrowed input structs that
//! implement `StructValue`, string enums, zero-copy output views that implement
//! `FromNode`, and one error enum per operation.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::fmt::Write;

use crate::model::{KindIr, MemberIr, ServiceIr, ShapeIr, member_flag, shape_flag};
use crate::names::{field_name, type_name, unique, variant_name};
use crate::tables::{ShapeIndex, shape_index};

const CORE: &str = "::stratus_core::model";
const OPT: &str = "::core::option::Option";
const RES: &str = "::core::result::Result";

struct Ctx<'a> {
    svc: &'a ServiceIr,
    idx: ShapeIndex,
    /// Shape name → Rust type name (unique in the service).
    names: BTreeMap<String, String>,
}

impl Ctx<'_> {
    fn shape(&self, name: &str) -> Option<&ShapeIr> {
        self.svc.shapes.get(name)
    }

    fn ty(&self, name: &str) -> &str {
        self.names.get(name).map_or("()", String::as_str)
    }

    fn is_enum(&self, name: &str) -> bool {
        matches!(self.shape(name).map(|s| &s.kind), Some(KindIr::String(v)) if !v.is_empty())
    }

    /// Whether the input form of `name` borrows (needs `<'a>`).
    fn input_borrows(&self, name: &str) -> bool {
        match self.shape(name).map(|s| &s.kind) {
            Some(KindIr::Structure { members, .. }) => {
                members.iter().any(|m| self.input_member_borrows(m))
            }
            Some(KindIr::Scalar(k)) => matches!(*k, "Blob" | "String"),
            Some(_) => true,
            None => false,
        }
    }

    fn input_member_borrows(&self, m: &MemberIr) -> bool {
        match self.shape(&m.target).map(|s| &s.kind) {
            Some(KindIr::Structure { .. }) => true,
            _ => m.flags & member_flag::JSON_VALUE != 0 || self.input_borrows(&m.target),
        }
    }

    fn named(&self, name: &str, borrows: bool, prefix: &str) -> String {
        if borrows {
            format!("{prefix}{}<'a>", self.ty(name))
        } else {
            format!("{prefix}{}", self.ty(name))
        }
    }

    /// The input element type of shape `name` (by value).
    fn input_value_ty(&self, name: &str, json_value: bool, prefix: &str) -> String {
        let Some(shape) = self.shape(name) else {
            return "()".into();
        };
        if json_value {
            return format!("{CORE}::RawJson<'a>");
        }
        match &shape.kind {
            KindIr::Structure { .. } => self.named(name, self.input_borrows(name), prefix),
            KindIr::List(m) => format!(
                "&'a [{}]",
                self.input_value_ty(&m.target, m.flags & member_flag::JSON_VALUE != 0, prefix)
            ),
            KindIr::Map(k, v) => format!(
                "&'a [({}, {})]",
                self.input_value_ty(&k.target, false, prefix),
                self.input_value_ty(&v.target, v.flags & member_flag::JSON_VALUE != 0, prefix)
            ),
            KindIr::String(v) if !v.is_empty() => format!("{prefix}{}<'a>", self.ty(name)),
            KindIr::String(_) => "&'a str".into(),
            KindIr::Document => format!("{CORE}::RawJson<'a>"),
            KindIr::Scalar(k) => scalar_ty(k).into(),
        }
    }

    /// Output (view) type of shape `name`; `lazy` wraps structures.
    fn output_ty(&self, name: &str, lazy: bool) -> String {
        let Some(shape) = self.shape(name) else {
            return "()".into();
        };
        match &shape.kind {
            KindIr::Structure { .. } if lazy => {
                format!("{CORE}::view::Lazy<'a, {}<'a>>", self.ty(name))
            }
            KindIr::Structure { .. } => format!("{}<'a>", self.ty(name)),
            KindIr::List(m) => format!(
                "{CORE}::view::ListView<'a, {}>",
                self.output_ty(&m.target, false)
            ),
            KindIr::Map(_, v) => format!(
                "{CORE}::view::MapView<'a, {}>",
                self.output_ty(&v.target, false)
            ),
            KindIr::String(v) if !v.is_empty() => format!("super::types::{}<'a>", self.ty(name)),
            KindIr::String(_) => format!("{CORE}::view::Text<'a>"),
            KindIr::Document => format!("{CORE}::RawJson<'a>"),
            KindIr::Scalar("Blob") => format!("{CORE}::view::Blob<'a>"),
            KindIr::Scalar("String") => format!("{CORE}::view::Text<'a>"),
            KindIr::Scalar(k) => scalar_ty(k).into(),
        }
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
        "Timestamp" => "::stratus_core::time::Timestamp",
        "Blob" => "&'a [u8]",
        _ => "&'a str",
    }
}

/// Shapes reachable from `roots` through members, list members and map parts.
pub(crate) fn reach<'a>(
    svc: &'a ServiceIr,
    roots: impl Iterator<Item = &'a str>,
) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut stack: Vec<&str> = roots.collect();
    while let Some(n) = stack.pop() {
        if let Some(s) = svc.shapes.get(n)
            && seen.insert(n.to_string())
        {
            stack.extend(s.targets());
        }
    }
    seen
}

/// Field names of a structure's members, unique within it.
pub(crate) fn field_names(members: &[MemberIr]) -> Vec<String> {
    let mut taken: HashSet<String> = ["__node".to_string()].into_iter().collect();
    members
        .iter()
        .map(|m| unique(field_name(&m.name), &mut taken))
        .collect()
}

pub(crate) fn doc(text: &str) -> String {
    format!("#[doc = {text:?}]\n")
}

/// The `types`, `output` and `errors` modules' source for a (trimmed) service.
pub fn emit_types(svc: &ServiceIr) -> String {
    let mut taken = HashSet::new();
    let names = svc
        .shapes
        .keys()
        .map(|n| (n.clone(), unique(type_name(n), &mut taken)))
        .collect();
    let cx = Ctx {
        svc,
        idx: shape_index(svc),
        names,
    };
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
    let mut out = String::new();
    out.push_str("/// Borrowed request structures and string enums.\npub mod types {\n#![allow(unused_imports, unreachable_patterns, clippy::all)]\n");
    for (name, shape) in &svc.shapes {
        match &shape.kind {
            KindIr::String(values)
                if !values.is_empty() && (inputs.contains(name) || outputs.contains(name)) =>
            {
                emit_enum(&cx, &mut out, name, values);
            }
            KindIr::Structure { members, .. } if inputs.contains(name) => {
                emit_input_struct(&cx, &mut out, name, members);
            }
            _ => {}
        }
    }
    out.push_str("}\n\n/// Zero-copy response structures, decoded from the response buffer.\npub mod output {\n#![allow(unused_imports, clippy::all)]\n");
    let lazy = lazy_edges(svc, &outputs);
    for (name, shape) in &svc.shapes {
        if let KindIr::Structure { members, .. } = &shape.kind
            && outputs.contains(name)
        {
            emit_output_struct(&cx, &mut out, name, members, &lazy);
        }
    }
    out.push_str("}\n\n/// One error enum per operation: its modeled exceptions, or `Unmodeled`.\npub mod errors {\n#![allow(unreachable_patterns, clippy::all)]\n");
    for op in svc.operations.values() {
        emit_error_enum(&cx, &mut out, &op.name, &op.errors);
    }
    out.push_str("}\n");
    out
}

fn emit_enum(cx: &Ctx, out: &mut String, name: &str, values: &[String]) {
    let ty = cx.ty(name);
    let mut taken: HashSet<String> = ["Unknown".to_string()].into_iter().collect();
    let variants: Vec<String> = values
        .iter()
        .map(|v| unique(variant_name(v), &mut taken))
        .collect();
    out.push_str(&doc(&format!(
        "The `{name}` string enum; `Unknown` keeps values this model does not list."
    )));
    let _ = writeln!(
        out,
        "#[derive(Clone, Copy, PartialEq, Eq, Debug)]\npub enum {ty}<'a> {{"
    );
    for (v, wire) in variants.iter().zip(values) {
        out.push_str(&doc(&format!("`{wire}`")));
        let _ = writeln!(out, "    {v},");
    }
    out.push_str("    /// A value not in the model (kept as it came, still escaped in responses).\n    Unknown(&'a str),\n}\n");
    let _ = writeln!(
        out,
        "impl<'a> {ty}<'a> {{\n    /// The wire values this model lists.\n    pub const VALUES: &'static [&'static str] = &[{}];",
        values
            .iter()
            .map(|v| format!("{v:?}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    out.push_str(
        "    /// The wire text.\n    pub fn as_str(&self) -> &'a str {\n        match self {\n",
    );
    for (v, wire) in variants.iter().zip(values) {
        let _ = writeln!(out, "            Self::{v} => {wire:?},");
    }
    out.push_str("            Self::Unknown(s) => s,\n        }\n    }\n    /// The variant for wire text `s`.\n    pub fn from_wire(s: &'a str) -> Self {\n        match s {\n");
    for (v, wire) in variants.iter().zip(values) {
        let _ = writeln!(out, "            {wire:?} => Self::{v},");
    }
    out.push_str("            other => Self::Unknown(other),\n        }\n    }\n}\n");
    let _ = writeln!(
        out,
        "impl {CORE}::AsValue for {ty}<'_> {{ fn as_value(&self) -> {CORE}::Value<'_> {{ {CORE}::Value::Str(self.as_str()) }} }}\n\
         impl {CORE}::MapKey for {ty}<'_> {{ fn key_str(&self) -> &str {{ self.as_str() }} }}\n\
         impl<'a> {CORE}::view::FromNode<'a> for {ty}<'a> {{\n    fn from_node(node: {CORE}::view::Node<'a>) -> {RES}<Self, {CORE}::view::DecodeError> {{\n        let text = node.text()?;\n        Ok(match text.as_plain() {{ Some(s) => Self::from_wire(s), None => Self::Unknown(text.raw()) }})\n    }}\n}}\n"
    );
}

/// How `v` (a `&T` for the member's type) becomes a `Value`.
fn value_expr(cx: &Ctx, m: &MemberIr) -> String {
    if m.flags & member_flag::JSON_VALUE != 0 {
        return format!("{CORE}::Value::Document(v.0)");
    }
    let Some(shape) = cx.shape(&m.target) else {
        return format!("{CORE}::Value::Bool(false)");
    };
    match &shape.kind {
        KindIr::Structure { .. } => format!("{CORE}::Value::Struct(*v)"),
        KindIr::List(_) => format!("{CORE}::Value::List(v)"),
        KindIr::Map(..) => format!("{CORE}::Value::Map(v)"),
        KindIr::String(e) if !e.is_empty() => format!("{CORE}::Value::Str(v.as_str())"),
        KindIr::String(_) | KindIr::Scalar("String") => format!("{CORE}::Value::Str(v)"),
        KindIr::Document => format!("{CORE}::Value::Document(v.0)"),
        KindIr::Scalar("Integer") => format!("{CORE}::Value::Int(i64::from(*v))"),
        KindIr::Scalar("Long") => format!("{CORE}::Value::Int(*v)"),
        KindIr::Scalar("Float") => format!("{CORE}::Value::Float(f64::from(*v))"),
        KindIr::Scalar("Double") => format!("{CORE}::Value::Float(*v)"),
        KindIr::Scalar("Boolean") => format!("{CORE}::Value::Bool(*v)"),
        KindIr::Scalar("Timestamp") => format!("{CORE}::Value::Timestamp(*v)"),
        KindIr::Scalar(_) => format!("{CORE}::Value::Blob(v)"),
    }
}

fn emit_input_struct(cx: &Ctx, out: &mut String, name: &str, members: &[MemberIr]) {
    let ty = cx.ty(name);
    let borrows = cx.input_borrows(name);
    let lt = if borrows { "<'a>" } else { "" };
    let fields = field_names(members);
    let mut default_ok = true;
    out.push_str(&doc(&format!(
        "The `{name}` structure of `{}`, borrowed for a request.",
        cx.svc.name
    )));
    let _ = writeln!(out, "#[derive(Clone, Copy)]\npub struct {ty}{lt} {{");
    for (m, f) in members.iter().zip(&fields) {
        let json = m.flags & member_flag::JSON_VALUE != 0;
        let is_struct = matches!(
            cx.shape(&m.target).map(|s| &s.kind),
            Some(KindIr::Structure { .. })
        ) && !json;
        let base = if is_struct {
            format!("&'a {}", cx.input_value_ty(&m.target, false, ""))
        } else {
            cx.input_value_ty(&m.target, json, "")
        };
        let required = m.flags & member_flag::REQUIRED != 0;
        if required
            && (is_struct
                || json
                || cx.is_enum(&m.target)
                || matches!(cx.shape(&m.target).map(|s| &s.kind), Some(KindIr::Document)))
        {
            default_ok = false;
        }
        let field_ty = if required {
            base
        } else {
            format!("{OPT}<{base}>")
        };
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
    }
    out.push_str("}\n");
    if default_ok {
        let _ = writeln!(
            out,
            "impl{lt} ::core::default::Default for {ty}{lt} {{ fn default() -> Self {{ Self {{ {} }} }} }}",
            members
                .iter()
                .zip(&fields)
                .map(|(_, f)| format!("{f}: ::core::default::Default::default()"))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    // Debug that never prints `sensitive` values.
    let _ = writeln!(
        out,
        "impl{lt} ::core::fmt::Debug for {ty}{lt} {{\n    fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {{\n        f.debug_struct({name:?})"
    );
    for (m, f) in members.iter().zip(&fields) {
        if cx.sensitive(m) {
            let _ = writeln!(out, "            .field({:?}, &\"<redacted>\")", m.name);
        } else {
            let _ = writeln!(out, "            .field({:?}, &self.{f})", m.name);
        }
    }
    out.push_str("            .finish()\n    }\n}\n");
    let id = cx.idx.get(name).copied().unwrap_or(u16::MAX);
    let _ = writeln!(
        out,
        "impl{lt} {ty}{lt} {{\n    /// This structure's shape in the service's tables.\n    pub const SHAPE: {CORE}::ShapeId = {CORE}::ShapeId({id});\n    /// The service model the shape belongs to.\n    pub fn service() -> &'static {CORE}::ServiceModel {{ &super::tables::MODEL }}\n}}"
    );
    let _ = writeln!(
        out,
        "impl{lt} {CORE}::StructValue for {ty}{lt} {{\n    fn member(&self, index: usize) -> {OPT}<{CORE}::Value<'_>> {{\n        match index {{"
    );
    for (i, (m, f)) in members.iter().zip(&fields).enumerate() {
        let conv = value_expr(cx, m);
        if m.flags & member_flag::REQUIRED != 0 {
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
        "impl{lt} {CORE}::AsValue for {ty}{lt} {{ fn as_value(&self) -> {CORE}::Value<'_> {{ {CORE}::Value::Struct(self) }} }}\n"
    );
}

/// `(struct, member)` pairs whose nested structure must be `Lazy` to break a cycle.
fn lazy_edges(svc: &ServiceIr, outputs: &BTreeSet<String>) -> HashSet<(String, String)> {
    let direct = |n: &str| -> Vec<String> {
        svc.shapes
            .get(n)
            .map(|s| {
                s.members()
                    .iter()
                    .filter(|m| {
                        matches!(
                            svc.shapes.get(&m.target).map(|t| &t.kind),
                            Some(KindIr::Structure { .. })
                        )
                    })
                    .map(|m| m.target.clone())
                    .collect()
            })
            .unwrap_or_default()
    };
    let reaches = |from: &str, to: &str| -> bool {
        let mut seen = HashSet::new();
        let mut stack = vec![from.to_string()];
        while let Some(n) = stack.pop() {
            if n == to {
                return true;
            }
            if seen.insert(n.clone()) {
                stack.extend(direct(&n));
            }
        }
        false
    };
    let mut lazy = HashSet::new();
    for s in outputs {
        for m in svc.shapes.get(s).map(|x| x.members()).unwrap_or(&[]) {
            if matches!(
                svc.shapes.get(&m.target).map(|t| &t.kind),
                Some(KindIr::Structure { .. })
            ) && reaches(&m.target, s)
            {
                lazy.insert((s.clone(), m.name.clone()));
            }
        }
    }
    lazy
}

fn emit_output_struct(
    cx: &Ctx,
    out: &mut String,
    name: &str,
    members: &[MemberIr],
    lazy: &HashSet<(String, String)>,
) {
    let ty = cx.ty(name);
    let fields = field_names(members);
    let id = cx.idx.get(name).copied().unwrap_or(u16::MAX);
    out.push_str(&doc(&format!(
        "The `{name}` structure of `{}`, viewed in the response buffer.",
        cx.svc.name
    )));
    let _ = writeln!(out, "#[derive(Clone, Copy)]\npub struct {ty}<'a> {{");
    for (m, f) in members.iter().zip(&fields) {
        let is_lazy = lazy.contains(&(name.to_string(), m.name.clone()));
        let t = if m.flags & member_flag::JSON_VALUE != 0 {
            format!("{CORE}::RawJson<'a>")
        } else {
            cx.output_ty(&m.target, is_lazy)
        };
        out.push_str(&doc(&format!("`{}`.", m.name)));
        let _ = writeln!(out, "    pub {f}: {OPT}<{t}>,");
    }
    let _ = writeln!(out, "    __node: {CORE}::view::Node<'a>,\n}}");
    let _ = writeln!(
        out,
        "impl<'a> {ty}<'a> {{\n    /// The node this structure was decoded from.\n    pub fn node(&self) -> {CORE}::view::Node<'a> {{ self.__node }}\n    /// This structure's shape in the service's tables.\n    pub const SHAPE: {CORE}::ShapeId = {CORE}::ShapeId({id});\n}}"
    );
    let _ = writeln!(
        out,
        "impl ::core::fmt::Debug for {ty}<'_> {{\n    fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {{\n        f.debug_struct({name:?})"
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
        "impl<'a> {CORE}::view::FromNode<'a> for {ty}<'a> {{\n    fn from_node(node: {CORE}::view::Node<'a>) -> {RES}<Self, {CORE}::view::DecodeError> {{"
    );
    if !members.is_empty() {
        let _ = writeln!(out, "        let m = &super::tables::M{id};");
    }
    out.push_str("        Ok(Self {\n");
    for (i, (m, f)) in members.iter().zip(&fields).enumerate() {
        let ts = cx
            .shape(&m.target)
            .filter(|s| matches!(s.kind, KindIr::Scalar("Timestamp")));
        match ts {
            Some(s) => {
                // The member's own timestampFormat wins over the shape's.
                let fmt = m
                    .timestamp_format
                    .or(s.timestamp_format)
                    .map_or("None".into(), |f| {
                        format!("Some({CORE}::TimestampFormat::{f})")
                    });
                let _ = writeln!(
                    out,
                    "            {f}: node.timestamp_member(&m[{i}], {fmt})?,"
                );
            }
            None => {
                let _ = writeln!(out, "            {f}: node.decode_member(&m[{i}])?,");
            }
        }
    }
    out.push_str("            __node: node,\n        })\n    }\n}\n\n");
}

fn emit_error_enum(cx: &Ctx, out: &mut String, op: &str, errors: &[String]) {
    let ty = format!("{}Error", crate::names::type_name(op));
    out.push_str(&doc(&format!("Errors of `{op}`.")));
    let _ = writeln!(out, "#[derive(Clone, Copy, Debug)]\npub enum {ty}<'a> {{");
    let mut seen = HashSet::new();
    let errs: Vec<&String> = errors
        .iter()
        .filter(|e| cx.shape(e).is_some() && seen.insert(e.as_str()))
        .collect();
    for e in &errs {
        out.push_str(&doc(&format!("`{e}`.")));
        let _ = writeln!(out, "    {0}(super::output::{0}<'a>),", cx.ty(e));
    }
    let _ = writeln!(
        out,
        "    /// An error code this model does not list for the operation.\n    Unmodeled {{\n        /// The error code.\n        code: &'a str,\n        /// The error message, if the response has one.\n        message: {OPT}<{CORE}::view::Text<'a>>,\n    }},\n}}"
    );
    let _ = writeln!(
        out,
        "impl<'a> {ty}<'a> {{\n    /// Decodes the error whose wire code is `code` from its body `node`.\n    pub fn from_code(code: &'a str, node: {CORE}::view::Node<'a>, message: {OPT}<{CORE}::view::Text<'a>>) -> {RES}<Self, {CORE}::view::DecodeError> {{\n        let _ = &node;\n        match code {{"
    );
    for e in &errs {
        let code = cx
            .shape(e)
            .and_then(|s| s.error.as_ref())
            .and_then(|(c, _, _)| c.clone())
            .unwrap_or_else(|| (*e).clone());
        let _ = writeln!(
            out,
            "            {code:?} => Ok(Self::{0}({CORE}::view::FromNode::from_node(node)?)),",
            cx.ty(e)
        );
    }
    out.push_str("            _ => Ok(Self::Unmodeled { code, message }),\n        }\n    }\n    /// The wire error code.\n    pub fn code(&self) -> &'a str {\n        match self {\n");
    for e in &errs {
        let code = cx
            .shape(e)
            .and_then(|s| s.error.as_ref())
            .and_then(|(c, _, _)| c.clone())
            .unwrap_or_else(|| (*e).clone());
        let _ = writeln!(out, "            Self::{}(_) => {code:?},", cx.ty(e));
    }
    out.push_str("            Self::Unmodeled { code, .. } => code,\n        }\n    }\n}\n\n");
}
