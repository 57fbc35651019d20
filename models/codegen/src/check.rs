//! Consistency checks on a (possibly trimmed) model: every reference resolves and
//! every request-URI label has its `location: uri` member and the reverse.

use crate::model::{KindIr, ServiceIr, member_flag};

/// `{Label}` / `{Label+}` names in a request URI or host prefix.
pub fn uri_labels(template: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else { break };
        out.push(after[..close].trim_end_matches('+'));
        rest = &after[close + 1..];
    }
    out
}

/// Every problem found, one line each; empty when the model is consistent.
pub fn check_service(svc: &ServiceIr) -> Vec<String> {
    let mut problems = Vec::new();
    let name = &svc.name;
    for shape in svc.shapes.values() {
        for target in shape.targets() {
            if !svc.shapes.contains_key(target) {
                problems.push(format!(
                    "{name}: shape {} refers to missing shape {target}",
                    shape.name
                ));
            }
        }
        if let KindIr::Structure {
            members,
            payload: Some(p),
        } = &shape.kind
            && *p >= members.len()
        {
            problems.push(format!(
                "{name}: shape {} payload index out of range",
                shape.name
            ));
        }
    }
    for op in svc.operations.values() {
        for r in op.shape_refs() {
            if !svc.shapes.contains_key(r) {
                problems.push(format!(
                    "{name}: operation {} refers to missing shape {r}",
                    op.name
                ));
            }
        }
        for e in &op.errors {
            if svc.shapes.get(e).is_some_and(|s| {
                s.error.is_none() && s.flags & crate::model::shape_flag::EXCEPTION == 0
            }) {
                problems.push(format!(
                    "{name}: operation {} error {e} is not an exception",
                    op.name
                ));
            }
        }
        let input = op.input.as_ref().and_then(|i| svc.shapes.get(i));
        let members = input.map(|s| s.members()).unwrap_or(&[]);
        let labels = uri_labels(&op.request_uri);
        for label in &labels {
            let found = members.iter().any(|m| {
                m.location == "Uri" && m.location_name.as_deref().unwrap_or(&m.name) == *label
            });
            if !found {
                problems.push(format!(
                    "{name}: operation {} URI label {{{label}}} has no location=uri member",
                    op.name
                ));
            }
        }
        for m in members.iter().filter(|m| m.location == "Uri") {
            let wire = m.location_name.as_deref().unwrap_or(&m.name);
            if !labels.contains(&wire) {
                problems.push(format!(
                    "{name}: operation {} member {} (uri {wire}) is not in {}",
                    op.name, m.name, op.request_uri
                ));
            }
        }
        if let Some(prefix) = &op.host_prefix {
            for label in uri_labels(prefix) {
                let found = members
                    .iter()
                    .any(|m| m.flags & member_flag::HOST_LABEL != 0 && m.name == label);
                if !found {
                    problems.push(format!(
                        "{name}: operation {} host prefix label {{{label}}} has no hostLabel member",
                        op.name
                    ));
                }
            }
        }
    }
    problems
}
