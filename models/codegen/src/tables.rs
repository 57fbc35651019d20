//! Emits a service's static tables (`stratus_core::model` values) as Rust source.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write;

use crate::model::{BoundIr, ContextIr, KindIr, MemberIr, ServiceIr, XmlNs};

/// Shape name → index in the sorted shape array.
pub type ShapeIndex = BTreeMap<String, u16>;

/// Builds the index; shapes are already sorted by name (a `BTreeMap`).
pub fn shape_index(svc: &ServiceIr) -> ShapeIndex {
    svc.shapes
        .keys()
        .enumerate()
        .map(|(i, n)| (n.clone(), i as u16))
        .collect()
}

fn lit(s: &str) -> String {
    format!("{s:?}")
}

fn opt_lit(s: Option<&str>) -> String {
    match s {
        Some(s) => format!("Some({s:?})"),
        None => "None".to_string(),
    }
}

fn ns_lit(ns: &XmlNs) -> String {
    format!(
        "XmlNamespace {{ prefix: {}, uri: {} }}",
        opt_lit(ns.prefix.as_deref()),
        lit(&ns.uri)
    )
}

fn bound_lit(b: Option<BoundIr>) -> String {
    match b {
        None => "None".into(),
        Some(BoundIr::Int(i)) => format!("Some(Bound::Int({i}))"),
        Some(BoundIr::Float(f)) => format!("Some(Bound::Float({f:?}))"),
    }
}

/// Out-of-line statics shared by identical values (limits, error info, extras).
#[derive(Default)]
struct Pool {
    items: Vec<String>,
    seen: HashMap<String, String>,
}

impl Pool {
    /// Returns a static's name holding `ty = value`, emitting it once.
    fn intern(&mut self, prefix: &str, ty: &str, value: String) -> String {
        let key = format!("{ty}={value}");
        if let Some(n) = self.seen.get(&key) {
            return n.clone();
        }
        let name = format!("{prefix}{}", self.seen.len());
        self.items.push(format!("static {name}: {ty} = {value};\n"));
        self.seen.insert(key, name.clone());
        name
    }
}

fn member_lit(m: &MemberIr, idx: &ShapeIndex, pool: &mut Pool) -> String {
    let extra = if m.xml_namespace.is_some()
        || m.query_name.is_some()
        || m.context_param.is_some()
        || m.timestamp_format.is_some()
    {
        let value = format!(
            "MemberExtra {{ xml_namespace: {}, query_name: {}, context_param: {}, timestamp_format: {} }}",
            m.xml_namespace
                .as_ref()
                .map_or("None".into(), |n| format!("Some({})", ns_lit(n))),
            opt_lit(m.query_name.as_deref()),
            opt_lit(m.context_param.as_deref()),
            m.timestamp_format
                .map_or("None".into(), |f| format!("Some(TimestampFormat::{f})")),
        );
        format!("Some(&{})", pool.intern("MX", "MemberExtra", value))
    } else {
        "None".into()
    };
    format!(
        "Member {{ name: {}, location_name: {}, target: ShapeId({}), location: Location::{}, flags: MemberFlags({}), extra: {} }}",
        lit(&m.name),
        opt_lit(m.location_name.as_deref()),
        idx.get(&m.target).copied().unwrap_or(u16::MAX),
        m.location,
        m.flags,
        extra
    )
}

/// The `tables` module source for a (trimmed) service.
pub fn emit_tables(svc: &ServiceIr) -> String {
    let idx = shape_index(svc);
    let mut pool = Pool::default();
    let mut parts = String::new();
    let mut shapes = String::new();
    for (i, shape) in svc.shapes.values().enumerate() {
        let kind = match &shape.kind {
            KindIr::Structure { members, payload } => {
                let body: Vec<String> = members
                    .iter()
                    .map(|m| member_lit(m, &idx, &mut pool))
                    .collect();
                let _ = writeln!(
                    parts,
                    "pub(super) static M{i}: [Member; {}] = [{}];",
                    members.len(),
                    body.join(", ")
                );
                format!(
                    "ShapeKind::Structure {{ members: &M{i}, payload: {} }}",
                    payload.map_or("None".into(), |p| format!("Some({p})"))
                )
            }
            KindIr::List(m) => {
                let _ = writeln!(
                    parts,
                    "pub(super) static L{i}: Member = {};",
                    member_lit(m, &idx, &mut pool)
                );
                format!("ShapeKind::List {{ member: &L{i} }}")
            }
            KindIr::Map(k, v) => {
                let _ = writeln!(
                    parts,
                    "pub(super) static K{i}: Member = {};",
                    member_lit(k, &idx, &mut pool)
                );
                let _ = writeln!(
                    parts,
                    "pub(super) static V{i}: Member = {};",
                    member_lit(v, &idx, &mut pool)
                );
                format!("ShapeKind::Map {{ key: &K{i}, value: &V{i} }}")
            }
            KindIr::String(values) => {
                let vals: Vec<String> = values.iter().map(|v| lit(v)).collect();
                format!(
                    "ShapeKind::String {{ enum_values: &[{}] }}",
                    vals.join(", ")
                )
            }
            KindIr::Scalar(v) if *v == "String" => "ShapeKind::String { enum_values: &[] }".into(),
            KindIr::Scalar(v) => format!("ShapeKind::{v}"),
            KindIr::Document => "ShapeKind::Document".into(),
        };
        let error = shape
            .error
            .as_ref()
            .map_or("None".into(), |(code, status, sender)| {
                let v = format!(
                    "ErrorInfo {{ code: {}, http_status: {status}, sender_fault: {sender} }}",
                    opt_lit(code.as_deref())
                );
                format!("Some(&{})", pool.intern("ER", "ErrorInfo", v))
            });
        let limits = shape.limits.map_or("None".into(), |(min, max)| {
            let v = format!(
                "Limits {{ min: {}, max: {} }}",
                bound_lit(min),
                bound_lit(max)
            );
            format!("Some(&{})", pool.intern("LM", "Limits", v))
        });
        let xml = if shape.location_name.is_some() || shape.xml_namespace.is_some() {
            let v = format!(
                "ShapeXml {{ location_name: {}, namespace: {} }}",
                opt_lit(shape.location_name.as_deref()),
                shape
                    .xml_namespace
                    .as_ref()
                    .map_or("None".into(), |n| format!("Some({})", ns_lit(n)))
            );
            format!("Some(&{})", pool.intern("SX", "ShapeXml", v))
        } else {
            "None".into()
        };
        let _ = writeln!(
            shapes,
            "    Shape {{ name: {}, kind: {kind}, flags: ShapeFlags({}), error: {error}, limits: {limits}, timestamp_format: {}, xml: {xml} }},",
            lit(&shape.name),
            shape.flags,
            shape
                .timestamp_format
                .map_or("None".into(), |f| format!("Some(TimestampFormat::{f})")),
        );
    }
    let sid = |n: &Option<String>| {
        n.as_ref()
            .and_then(|n| idx.get(n))
            .map_or("None".into(), |i| format!("Some(ShapeId({i}))"))
    };
    let mut ops = String::new();
    for op in svc.operations.values() {
        let errors: Vec<String> = op
            .errors
            .iter()
            .filter_map(|e| idx.get(e))
            .map(|i| format!("ShapeId({i})"))
            .collect();
        let auth: Vec<String> = op.auth.iter().map(|a| format!("AuthScheme::{a}")).collect();
        let has_traits = op.has_traits();
        let traits = if has_traits {
            let checksum = op.http_checksum.as_ref().map_or("None".into(), |c| {
                let algs: Vec<String> = c
                    .response_algorithms
                    .iter()
                    .map(|a| format!("ChecksumAlgorithm::{a}"))
                    .collect();
                format!(
                    "Some(HttpChecksum {{ request_checksum_required: {}, request_algorithm_member: {}, request_validation_mode_member: {}, response_algorithms: &[{}] }})",
                    c.required,
                    opt_lit(c.algorithm_member.as_deref()),
                    opt_lit(c.validation_member.as_deref()),
                    algs.join(", ")
                )
            });
            let enc: Vec<String> = op
                .request_compression
                .iter()
                .map(|e| format!("Encoding::{e}"))
                .collect();
            let scp: Vec<String> = op
                .static_context_params
                .iter()
                .map(|(n, v)| {
                    let v = match v {
                        ContextIr::Bool(b) => format!("ContextValue::Bool({b})"),
                        ContextIr::Str(s) => format!("ContextValue::Str({})", lit(s)),
                    };
                    format!("StaticContextParam {{ name: {}, value: {v} }}", lit(n))
                })
                .collect();
            let ocp: Vec<String> = op
                .operation_context_params
                .iter()
                .map(|(n, p)| {
                    format!(
                        "OperationContextParam {{ name: {}, path: {} }}",
                        lit(n),
                        lit(p)
                    )
                })
                .collect();
            let v = format!(
                "OperationTraits {{ http_checksum: {checksum}, request_compression: &[{}], static_context_params: &[{}], operation_context_params: &[{}], input_location_name: {}, input_xml_namespace: {} }}",
                enc.join(", "),
                scp.join(", "),
                ocp.join(", "),
                opt_lit(op.input_location_name.as_deref()),
                op.input_xml_namespace
                    .as_ref()
                    .map_or("None".into(), |n| format!("Some({})", ns_lit(n))),
            );
            format!("Some(&{})", pool.intern("OT", "OperationTraits", v))
        } else {
            "None".into()
        };
        let _ = writeln!(
            ops,
            "    Operation {{ name: {}, snake_name: {}, cli_name: {}, http_method: HttpMethod::{}, request_uri: {}, response_code: {}, host_prefix: {}, input: {}, output: {}, errors: &[{}], auth: &[{}], flags: OperationFlags({}), traits: {traits} }},",
            lit(&op.name),
            lit(&op.snake_name),
            lit(&op.cli_name),
            op.method,
            lit(&op.request_uri),
            op.response_code,
            opt_lit(op.host_prefix.as_deref()),
            sid(&op.input),
            sid(&op.output),
            errors.join(", "),
            auth.join(", "),
            op.flags,
        );
    }
    let m = &svc.metadata;
    let protocols: Vec<String> = m
        .protocols
        .iter()
        .map(|p| format!("Protocol::{p}"))
        .collect();
    let auth: Vec<String> = m.auth.iter().map(|a| format!("AuthScheme::{a}")).collect();
    let mut out = String::new();
    out.push_str(
        "#![allow(non_upper_case_globals, clippy::all)]\nuse ::stratus_core::model::*;\n\n",
    );
    let _ = writeln!(
        out,
        "/// The `{name}` service model.\npub static MODEL: ServiceModel = ServiceModel {{ name: {}, metadata: ServiceMetadata {{ protocol: Protocol::{}, protocols: &[{}], api_version: {}, endpoint_prefix: {}, signing_name: {}, service_id: {}, target_prefix: {}, json_version: {}, xml_namespace: {}, global_endpoint: {}, signature_version: SignatureVersion::{}, auth: &[{}], aws_query_compatible: {}, checksum_format: {} }}, operations: &OPERATIONS, shapes: &SHAPES }};\n",
        lit(&svc.name),
        m.protocol,
        protocols.join(", "),
        lit(&m.api_version),
        lit(&m.endpoint_prefix),
        lit(&m.signing_name),
        lit(&m.service_id),
        opt_lit(m.target_prefix.as_deref()),
        opt_lit(m.json_version.as_deref()),
        opt_lit(m.xml_namespace.as_deref()),
        opt_lit(m.global_endpoint.as_deref()),
        m.signature_version,
        auth.join(", "),
        m.aws_query_compatible,
        opt_lit(m.checksum_format.as_deref()),
        name = svc.name,
    );
    let _ = writeln!(
        out,
        "pub(super) static OPERATIONS: [Operation; {}] = [\n{ops}];\n",
        svc.operations.len()
    );
    let _ = writeln!(
        out,
        "pub(super) static SHAPES: [Shape; {}] = [\n{shapes}];\n",
        svc.shapes.len()
    );
    out.push_str(&parts);
    for item in &pool.items {
        out.push_str(item);
    }
    out
}
