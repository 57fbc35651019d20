//! Services and operations by name, near matches for names that miss, and
//! the text of `stratus <service>` and `stratus <service> <operation> --help`.

use std::fmt::Write as _;

use stratus_core::client::ServiceEntry;
use stratus_core::model::{
    Location, Member, MemberFlags, Operation, Protocol, ServiceModel, Shape, ShapeFlags, ShapeKind,
};

use super::CliError;

/// Most near matches an error lists.
const MAX_NEAR: usize = 5;
/// Deepest nesting `--help` expands.
const MAX_HELP_DEPTH: usize = 3;
/// Most enum values `--help` shows for one member.
const MAX_ENUM_SHOWN: usize = 8;

/// The compiled-in services, by botocore's name.
pub fn services() -> impl Iterator<Item = &'static ServiceEntry> {
    stratus_models::CATALOG.iter().copied()
}

/// The compiled-in service botocore calls `name`, or an error naming the
/// nearest names.
///
/// ```
/// # #[cfg(feature = "services")] {
/// use stratus_transport_std::cli::{catalog, CliError};
/// assert_eq!(catalog::service("kinesis").unwrap().model.name, "kinesis");
/// match catalog::service("kinesys") {
///     Err(CliError::UnknownService { near, .. }) => assert_eq!(near, ["kinesis"]),
///     other => panic!("{other:?}"),
/// }
/// # }
/// ```
pub fn service(name: &str) -> Result<&'static ServiceEntry, CliError> {
    if let Some(e) = services().find(|e| e.model.name == name) {
        return Ok(e);
    }
    let lower = name.to_ascii_lowercase();
    if let Some(e) = services().find(|e| e.model.name == lower) {
        return Ok(e);
    }
    Err(CliError::UnknownService {
        name: name.to_string(),
        near: near(name, services().map(|e| e.model.name)),
    })
}

/// The operation of `entry` called `name` (`PutRecord`, `put-record` or
/// `put_record`), or an error naming the nearest operations (CLI names).
pub fn operation(entry: &ServiceEntry, name: &str) -> Result<&'static Operation, CliError> {
    let model = entry.model;
    if let Some(op) = model.operation(name) {
        return Ok(op);
    }
    // `putrecord`, `PUT-RECORD`: the same letters in another case or without separators.
    let squash = |s: &str| {
        s.chars()
            .filter(|c| *c != '-' && *c != '_')
            .map(|c| c.to_ascii_lowercase())
            .collect::<String>()
    };
    let wanted = squash(name);
    if let Some(op) = model.operations().find(|op| squash(op.name) == wanted) {
        return Ok(op);
    }
    Err(CliError::UnknownOperation {
        service: model.name,
        name: name.to_string(),
        near: near(name, model.operations().map(|op| op.cli_name)),
    })
}

/// Levenshtein distance between `a` and `b` (by chars, case-insensitive).
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().map(|c| c.to_ascii_lowercase()).collect();
    let b: Vec<char> = b.chars().map(|c| c.to_ascii_lowercase()).collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut diag = row.first().copied().unwrap_or(0);
        if let Some(first) = row.first_mut() {
            *first = i + 1;
        }
        for (j, cb) in b.iter().enumerate() {
            let above = row.get(j + 1).copied().unwrap_or(usize::MAX);
            let left = row.get(j).copied().unwrap_or(usize::MAX);
            let cost = diag + usize::from(ca != cb);
            diag = above;
            if let Some(slot) = row.get_mut(j + 1) {
                *slot = cost
                    .min(above.saturating_add(1))
                    .min(left.saturating_add(1));
            }
        }
    }
    row.last().copied().unwrap_or(0)
}

/// The candidates closest to `name`: within an edit distance of a third of
/// its length (at least 2), or containing it (or contained in it) when it
/// has 3 or more characters; nearest first, at most [`MAX_NEAR`].
fn near(name: &str, candidates: impl Iterator<Item = &'static str>) -> Vec<&'static str> {
    let wanted = name.to_ascii_lowercase().replace('_', "-");
    let limit = (wanted.chars().count() / 3).max(2);
    let mut scored: Vec<(usize, &'static str)> = candidates
        .filter_map(|c| {
            let d = distance(&wanted, c);
            let contains = wanted.len() >= 3 && (c.contains(wanted.as_str()) || wanted.contains(c));
            (d <= limit || contains).then_some((d, c))
        })
        .collect();
    scored.sort();
    scored.into_iter().take(MAX_NEAR).map(|(_, c)| c).collect()
}

/// `stratus <service>`: the service's operations, CLI names, one a line.
pub fn list_operations(entry: &ServiceEntry) -> String {
    let mut names: Vec<&str> = entry.model.operations().map(|op| op.cli_name).collect();
    names.sort_unstable();
    let mut text = String::new();
    for n in names {
        text.push_str(n);
        text.push('\n');
    }
    text
}

/// The waiters of `entry`'s service as the aws CLI names them
/// (`table-exists`), one a line after a `Waiters` heading; empty when it has none.
pub fn list_waiters(entry: &ServiceEntry) -> String {
    let waiters = stratus_models::waiters(entry.model.name).unwrap_or(&[]);
    if waiters.is_empty() {
        return String::new();
    }
    let mut names: Vec<String> = waiters.iter().map(|w| cli_waiter_name(w.name)).collect();
    names.sort_unstable();
    let mut text = String::from("\nWaiters (`wait <waiter>`):\n");
    for n in names {
        text.push_str(&n);
        text.push('\n');
    }
    text
}

/// The aws CLI's name of a waiter: `InstanceRunning` → `instance-running`.
pub fn cli_waiter_name(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('-');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// The waiter named `name` (`instance-running`, `InstanceRunning` or
/// `instance_running`) of `entry`'s service.
pub fn waiter(
    entry: &ServiceEntry,
    name: &str,
) -> Result<&'static stratus_core::waiter::Waiter, CliError> {
    let squash = |s: &str| -> String {
        s.chars()
            .filter(|c| *c != '-' && *c != '_')
            .map(|c| c.to_ascii_lowercase())
            .collect()
    };
    let want = squash(name);
    let waiters = stratus_models::waiters(entry.model.name).unwrap_or(&[]);
    waiters
        .iter()
        .find(|w| squash(w.name) == want)
        .ok_or_else(|| {
            CliError::Usage(format!(
                "{} has no waiter {name:?} (`stratus {}` lists its waiters)",
                entry.model.name, entry.model.name
            ))
        })
}

/// The names of the compiled-in services, one a line.
pub fn list_services() -> String {
    let mut text = String::new();
    for e in services() {
        text.push_str(e.model.name);
        text.push('\n');
    }
    text
}

/// What a shape is, in words: `string`, `list of string`, `structure Tag`, …
pub fn type_name(model: &ServiceModel, shape: &Shape) -> String {
    let target = |m: &Member| {
        model
            .shape(m.target)
            .map_or_else(|| "?".to_string(), |s| type_name(model, s))
    };
    match shape.kind {
        ShapeKind::Structure { .. } if shape.flags.contains(ShapeFlags::UNION) => {
            format!("union {}", shape.name)
        }
        ShapeKind::Structure { .. } => format!("structure {}", shape.name),
        ShapeKind::List { member } => format!("list of {}", target(member)),
        ShapeKind::Map { key, value } => format!("map of {} to {}", target(key), target(value)),
        ShapeKind::String { .. } => "string".into(),
        ShapeKind::Integer => "integer".into(),
        ShapeKind::Long => "long".into(),
        ShapeKind::Float => "float".into(),
        ShapeKind::Double => "double".into(),
        ShapeKind::Boolean => "boolean".into(),
        ShapeKind::Blob if shape.flags.contains(ShapeFlags::STREAMING) => {
            "blob (base64, streaming)".into()
        }
        ShapeKind::Blob => "blob (base64)".into(),
        ShapeKind::Timestamp => "timestamp".into(),
        ShapeKind::Document => "document (any JSON)".into(),
    }
}

/// Where a member travels, for REST protocols: `uri {Bucket}`,
/// `header Content-Type`, `query prefix`, `headers x-amz-meta-*`, `payload`.
fn location(member: &Member, payload: bool) -> Option<String> {
    let wire = member.wire_name();
    Some(match member.location {
        Location::Uri => format!("uri {{{wire}}}"),
        Location::QueryString => format!("query {wire}"),
        Location::Header => format!("header {wire}"),
        Location::Headers => format!("headers {wire}*"),
        Location::StatusCode => "status code".into(),
        Location::Body if payload => "payload".into(),
        Location::Body => "body".into(),
    })
}

fn is_rest(model: &ServiceModel) -> bool {
    matches!(
        stratus_core::protocol::resolved_protocol(&model.metadata),
        Protocol::RestJson | Protocol::RestXml
    )
}

/// `stratus <service> <operation> --help`: the operation's input members,
/// their types, which are required, and (REST protocols) where each travels.
pub fn describe_operation(entry: &ServiceEntry, op: &Operation) -> String {
    let model = entry.model;
    let mut text = String::new();
    let _ = writeln!(
        text,
        "Usage: stratus {} {} [--input JSON | --input @FILE] [OPTIONS]\n",
        model.name, op.cli_name
    );
    let _ = writeln!(
        text,
        "{} ({} protocol, {} {})",
        op.name,
        stratus_core::protocol::resolved_protocol(&model.metadata).name(),
        op.http_method.as_str(),
        op.request_uri
    );
    let Some(input) = model.input_of(op).filter(|s| !s.members().is_empty()) else {
        let _ = writeln!(text, "\nThis operation takes no input.");
        return text;
    };
    let _ = writeln!(
        text,
        "\nInput members ({}; keys of --input; blobs as base64 text, timestamps as ISO 8601 or epoch seconds):",
        input.name
    );
    let mut rows: Vec<Row> = Vec::new();
    let mut path = vec![input.name];
    members_rows(model, input, 0, is_rest(model), &mut path, &mut rows);
    let width = |f: fn(&Row) -> &str| rows.iter().map(|r| f(r).chars().count()).max().unwrap_or(0);
    let (w0, w1, w2) = (width(|r| &r.name), width(|r| &r.ty), width(|r| r.req));
    for r in &rows {
        let line = format!(
            "  {:<w0$}  {:<w1$}  {:<w2$}  {}",
            r.name, r.ty, r.req, r.location
        );
        let _ = writeln!(text, "{}", line.trim_end());
        if let Some(note) = &r.note {
            let _ = writeln!(text, "  {:<w0$}    {note}", "");
        }
    }
    text
}

/// One member in `--help`.
struct Row {
    /// The name, indented by depth.
    name: String,
    /// [`type_name`].
    ty: String,
    /// `required` or empty.
    req: &'static str,
    /// Where it travels (REST protocols, top level), or empty.
    location: String,
    /// A line under the row: an enum's values.
    note: Option<String>,
}

/// One row per member of `shape` (and, indented, of the structures under it
/// not yet in `path`, the structures already expanded).
fn members_rows(
    model: &ServiceModel,
    shape: &'static Shape,
    depth: usize,
    rest: bool,
    path: &mut Vec<&'static str>,
    rows: &mut Vec<Row>,
) {
    let payload = match shape.kind {
        ShapeKind::Structure { payload, .. } => payload.map(usize::from),
        _ => None,
    };
    for (i, m) in shape.members().iter().enumerate() {
        let Some(target) = model.shape(m.target) else {
            continue;
        };
        let mut ty = type_name(model, target);
        let mut note = None;
        if let ShapeKind::String { enum_values } = target.kind
            && !enum_values.is_empty()
        {
            let shown: Vec<&str> = enum_values.iter().copied().take(MAX_ENUM_SHOWN).collect();
            let more = enum_values.len() - shown.len();
            let more = if more > 0 {
                format!(" (and {more} more)")
            } else {
                String::new()
            };
            note = Some(format!("one of: {}{more}", shown.join(", ")));
        }
        if m.flags.contains(MemberFlags::JSON_VALUE) {
            ty = "JSON value".into();
        }
        let location = if rest && depth == 0 {
            location(m, payload == Some(i)).unwrap_or_default()
        } else {
            String::new()
        };
        rows.push(Row {
            name: format!("{}{}", "  ".repeat(depth), m.name),
            ty,
            req: if m.is_required() { "required" } else { "" },
            location,
            note,
        });
        // Expand the structure under this member (through lists and maps).
        let mut inner = target;
        loop {
            match inner.kind {
                ShapeKind::List { member } => match model.shape(member.target) {
                    Some(s) => inner = s,
                    None => break,
                },
                ShapeKind::Map { value, .. } => match model.shape(value.target) {
                    Some(s) => inner = s,
                    None => break,
                },
                _ => break,
            }
        }
        let expandable = matches!(inner.kind, ShapeKind::Structure { .. })
            && !inner.members().is_empty()
            && depth + 1 < MAX_HELP_DEPTH
            && !path.contains(&inner.name);
        if expandable {
            // Each structure is expanded once, where it first appears.
            path.push(inner.name);
            members_rows(model, inner, depth + 1, rest, path, rows);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        assert_eq!(distance("kinesis", "kinesis"), 0);
        assert_eq!(distance("kinesys", "kinesis"), 1);
        assert_eq!(distance("", "abc"), 3);
        assert_eq!(distance("put-recrod", "put-record"), 2);
    }
}
