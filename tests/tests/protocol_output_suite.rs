//! botocore's protocol output suites (`tests/unit/protocols/output` and
//! `legacy/output` of the botocore 1.43.11 sdist), run through
//! `stratus_core::protocol::parse` the way botocore's `test_protocols.py` runs
//! them through its parsers.
//!
//! Per case: the suite's `metadata` and `shapes` plus the case's `given`
//! operation become a service model (`parse_service` → `leak_service`); the
//! case's response is parsed; the result is written as JSON by the dynamic face
//! (`Parsed::write_json`) and compared with the expected `result` (or, for error
//! cases, `{"Error": {"Code", "Message"}}` plus the expected `error` members)
//! semantically, with botocore's normalisation: blobs compared as their UTF-8
//! text, timestamps as epoch seconds, special floats as strings, numbers by
//! value.
//!
//! Cases on botocore's `protocol-tests-ignore-list.json` are skipped as botocore
//! skips them. Cases listed in `tests/protocol-output-known-failures.txt` are
//! expected to fail (each with its reason); the test fails if one of them
//! passes, so the list only shrinks.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde_json::{Map, Value};
use stratus_codegen::model::parse_service;
use stratus_codegen::runtime::leak_service;
use stratus_core::format::Sink;
use stratus_core::format::WriteError;
use stratus_core::model::ShapeFlags;
use stratus_core::protocol::parse::{Response, ResponseParser};

/// A growable sink for the test (the core writes into any `Sink`).
struct VecSink(Vec<u8>);

impl Sink for VecSink {
    fn write_bytes(&mut self, bytes: &[u8]) -> Result<(), WriteError> {
        self.0.extend_from_slice(bytes);
        Ok(())
    }
}

const KNOWN_FAILURES: &str = "tests/protocol-output-known-failures.txt";

#[derive(Default)]
struct Tally {
    passed: usize,
    failed: usize,
    known: usize,
    skipped: usize,
}

struct IgnoreList {
    suites: BTreeSet<(String, String)>,
    cases: BTreeSet<(String, String)>,
}

impl IgnoreList {
    fn load(dir: &Path) -> IgnoreList {
        let text = std::fs::read_to_string(dir.join("protocol-tests-ignore-list.json"))
            .expect("read ignore list");
        let doc: Value = serde_json::from_str(&text).expect("ignore list is JSON");
        let mut list = IgnoreList {
            suites: BTreeSet::new(),
            cases: BTreeSet::new(),
        };
        let mut add = |scope: &str, v: Option<&Value>| {
            let Some(v) = v else { return };
            for s in v["suites"].as_array().into_iter().flatten() {
                list.suites
                    .insert((scope.to_string(), s.as_str().unwrap_or("").to_string()));
            }
            for c in v["cases"].as_array().into_iter().flatten() {
                list.cases
                    .insert((scope.to_string(), c.as_str().unwrap_or("").to_string()));
            }
        };
        add("*", doc["general"].get("output"));
        if let Some(protocols) = doc["protocols"].as_object() {
            for (p, v) in protocols {
                add(p, v.get("output"));
            }
        }
        list
    }

    /// botocore's `_should_ignore_test` for the output direction.
    fn ignores(&self, protocol: &str, suite: &str, case_id: Option<&str>) -> bool {
        ["*", protocol].iter().any(|scope| {
            self.suites
                .contains(&(scope.to_string(), suite.to_string()))
                || case_id
                    .is_some_and(|id| self.cases.contains(&(scope.to_string(), id.to_string())))
        })
    }
}

/// Known failures: `file<TAB>suite:case<TAB>reason` lines.
fn known_failures(root: &Path) -> BTreeMap<(String, String), String> {
    let text = std::fs::read_to_string(root.join(KNOWN_FAILURES)).unwrap_or_default();
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .filter_map(|l| {
            let mut parts = l.splitn(3, '\t');
            Some((
                (parts.next()?.to_string(), parts.next()?.to_string()),
                parts.next().unwrap_or("").to_string(),
            ))
        })
        .collect()
}

/// Blob members: base64 in our JSON, UTF-8 text in botocore's fixed-up dict.
fn decode_blobs(v: &mut Value, shape: &str, shapes: &Map<String, Value>) {
    let Some(s) = shapes.get(shape) else { return };
    match (s["type"].as_str().unwrap_or(""), v) {
        ("blob", Value::String(text)) => {
            let bytes = base64_decode(text);
            *text = String::from_utf8_lossy(&bytes).into_owned();
        }
        // An event stream is a list of `{"<EventType>": {…}}` objects.
        ("structure", Value::Array(events)) if s["eventstream"] == true => {
            for event in events {
                decode_blobs(event, shape, shapes);
            }
        }
        ("structure", Value::Object(obj)) => {
            if let Some(members) = s["members"].as_object() {
                for (name, m) in members {
                    if let (Some(child), Some(target)) = (obj.get_mut(name), m["shape"].as_str()) {
                        decode_blobs(child, target, shapes);
                    }
                }
            }
        }
        ("list", Value::Array(items)) => {
            if let Some(target) = s["member"]["shape"].as_str() {
                for item in items {
                    decode_blobs(item, target, shapes);
                }
            }
        }
        ("map", Value::Object(obj)) => {
            if let Some(target) = s["value"]["shape"].as_str() {
                for (_, item) in obj.iter_mut() {
                    decode_blobs(item, target, shapes);
                }
            }
        }
        _ => {}
    }
}

fn base64_decode(text: &str) -> Vec<u8> {
    let digit = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    };
    let clean: Vec<u8> = text.bytes().filter(|&c| digit(c).is_some()).collect();
    let mut out = Vec::new();
    for chunk in clean.chunks(4) {
        let mut acc = 0u32;
        for &c in chunk {
            acc = (acc << 6) | digit(c).unwrap_or(0);
        }
        acc <<= 6 * (4 - chunk.len() as u32);
        let b = acc.to_be_bytes();
        out.extend_from_slice(&b[1..chunk.len()]);
    }
    out
}

/// Semantic equality: numbers by value, objects by key set.
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            x.as_f64().zip(y.as_f64()).is_some_and(|(x, y)| x == y)
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

/// botocore merges a target shape's own `location` / `locationName` into the
/// member's serialization (the legacy suites put `"location": "header"` on the
/// shape); the model loader reads them from the member only, so copy them there.
fn hoist_shape_locations(shapes: &mut Map<String, Value>) {
    let located: BTreeMap<String, Value> = shapes
        .iter()
        .filter(|(_, s)| s.get("location").is_some())
        .map(|(n, s)| (n.clone(), s.clone()))
        .collect();
    for shape in shapes.values_mut() {
        let Some(members) = shape.get_mut("members").and_then(Value::as_object_mut) else {
            continue;
        };
        for member in members.values_mut() {
            let Some(target) = member["shape"].as_str().and_then(|t| located.get(t)) else {
                continue;
            };
            let Some(m) = member.as_object_mut() else {
                continue;
            };
            for key in ["location", "locationName"] {
                if let Some(v) = target.get(key) {
                    m.entry(key).or_insert_with(|| v.clone());
                }
            }
        }
    }
}

enum Outcome {
    Pass,
    Fail(String),
}

fn run_case(suite: &Value, case: &Value, protocol: &str) -> Outcome {
    let op_name = case["given"]["name"].as_str().unwrap_or("OperationName");
    let mut doc = suite.clone();
    let obj = doc.as_object_mut().expect("suite is an object");
    obj.remove("cases");
    // The suites carry only the metadata their protocol needs; fill what the
    // model loader requires with neutral values (none changes parsing).
    if let Some(meta) = obj.get_mut("metadata").and_then(Value::as_object_mut) {
        for (k, v) in [
            ("signatureVersion", "v4"),
            ("apiVersion", "2020-01-01"),
            ("endpointPrefix", "protocoltest"),
            ("serviceId", "ProtocolTest"),
        ] {
            meta.entry(k).or_insert_with(|| Value::String(v.into()));
        }
    }
    // botocore's OperationModel reads a missing `http` as POST /; the legacy
    // `character` type is a string to every botocore parser
    // (`_handle_character = _handle_string`).
    let mut given = case["given"].clone();
    if let Some(g) = given.as_object_mut() {
        g.entry("http")
            .or_insert_with(|| serde_json::json!({"method": "POST", "requestUri": "/"}));
    }
    if let Some(shapes) = obj.get_mut("shapes").and_then(Value::as_object_mut) {
        for shape in shapes.values_mut() {
            if shape["type"] == "character" {
                shape["type"] = Value::String("string".into());
            }
        }
        hoist_shape_locations(shapes);
    }
    let mut ops = Map::new();
    ops.insert(op_name.to_string(), given);
    obj.insert("operations".into(), Value::Object(ops));
    let ir = match parse_service("protocol-test", &doc) {
        Ok(ir) => ir,
        Err(e) => return Outcome::Fail(format!("model does not load: {e}")),
    };
    let model = leak_service(&ir);
    let Some(op) = model.operation(op_name) else {
        return Outcome::Fail("operation missing from model".into());
    };
    let resp = &case["response"];
    let status = resp["status_code"].as_u64().unwrap_or(200) as u16;
    let headers: Vec<(String, String)> = resp["headers"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap_or("").to_string()))
        .collect();
    let header_refs: Vec<(&str, &str)> = headers
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    // botocore's runner hands event-stream bodies over base64-decoded
    // (`MockRawResponse`), as it does CBOR bodies.
    let event_stream = model.output_of(op).is_some_and(|out| {
        out.members().iter().any(|m| {
            model
                .shape(m.target)
                .is_some_and(|s| s.flags.contains(ShapeFlags::EVENT_STREAM))
        })
    });
    let body: Vec<u8> = match resp["body"].as_str() {
        Some(b) if protocol == "smithy-rpc-v2-cbor" || event_stream => base64_decode(b),
        Some(b) => b.as_bytes().to_vec(),
        None if protocol == "query" => b"<xml/>".to_vec(),
        None => Vec::new(),
    };
    let mut scratch = vec![0u8; body.len()];
    let body: &[u8] = if protocol == "smithy-rpc-v2-cbor" && !body.is_empty() {
        match stratus_core::format::cbor::join_chunked_strings(&body, &mut scratch, 64) {
            Ok(joined) => joined,
            Err(e) => return Outcome::Fail(format!("CBOR body does not check: {e}")),
        }
    } else {
        &body
    };
    let parser = ResponseParser::new(
        model,
        op,
        Response {
            status,
            headers: header_refs.as_slice().into(),
            body,
        },
    );
    let parsed = match parser.parse() {
        Ok(p) => p,
        Err(e) => return Outcome::Fail(format!("parse error: {e}")),
    };
    let mut sink = VecSink(Vec::new());
    if let Err(e) = parsed.write_json(&mut sink) {
        return Outcome::Fail(format!("write_json: {e}"));
    }
    let text = String::from_utf8_lossy(&sink.0).into_owned();
    let mut actual: Value = match serde_json::from_str(&text) {
        Ok(v) => v,
        Err(e) => return Outcome::Fail(format!("our JSON does not parse ({e}): {text}")),
    };
    let shapes = suite["shapes"].as_object().cloned().unwrap_or_default();
    let expected = if let Some(err) = case.get("error") {
        let mut e = Map::new();
        let mut inner = Map::new();
        inner.insert(
            "Code".into(),
            case.get("errorCode").cloned().unwrap_or("".into()),
        );
        inner.insert(
            "Message".into(),
            case.get("errorMessage").cloned().unwrap_or("".into()),
        );
        e.insert("Error".into(), Value::Object(inner));
        for (k, v) in err.as_object().into_iter().flatten() {
            e.insert(k.clone(), v.clone());
        }
        if let Some(shape) = parsed_error_shape(&parsed) {
            decode_blobs(&mut actual, shape, &shapes);
        }
        Value::Object(e)
    } else {
        if let Some(out) = case["given"]["output"]["shape"].as_str() {
            decode_blobs(&mut actual, out, &shapes);
        }
        case["result"].clone()
    };
    if same(&actual, &expected) {
        Outcome::Pass
    } else {
        Outcome::Fail(format!("expected {expected}\n      actual   {actual}"))
    }
}

fn parsed_error_shape(p: &stratus_core::protocol::parse::Parsed<'_>) -> Option<&'static str> {
    match p {
        stratus_core::protocol::parse::Parsed::Error(e) => e.shape.map(|s| s.name),
        _ => None,
    }
}

#[test]
fn botocore_output_suites() {
    let sdist = stratus_tests::sdist_dir().unwrap_or_else(|e| panic!("{e}"));
    let root = stratus_tests::workspace_root();
    let dir = sdist.join("tests/unit/protocols");
    let ignore = IgnoreList::load(&dir);
    let known = known_failures(&root);
    let mut files: Vec<String> = Vec::new();
    for sub in ["output", "legacy/output"] {
        let mut names: Vec<String> = std::fs::read_dir(dir.join(sub))
            .expect("suite folder")
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".json"))
            .map(|n| format!("{sub}/{n}"))
            .collect();
        names.sort();
        files.extend(names);
    }
    let mut tally: BTreeMap<String, Tally> = BTreeMap::new();
    let mut failures = Vec::new();
    let mut now_passing = Vec::new();
    let mut seen_known = BTreeSet::new();
    for file in &files {
        let text = std::fs::read_to_string(dir.join(file)).expect("read suite");
        let suites: Vec<Value> = serde_json::from_str(&text).expect("suite is JSON");
        let basename = file.rsplit('/').next().unwrap_or(file);
        let ignore_name = basename.trim_end_matches(".json");
        for (si, suite) in suites.iter().enumerate() {
            let protocol = suite["metadata"]["protocol"]
                .as_str()
                .unwrap_or("?")
                .to_string();
            let description = suite["description"].as_str().unwrap_or("");
            for (ci, case) in suite["cases"].as_array().into_iter().flatten().enumerate() {
                if case.get("response").is_none() {
                    continue;
                }
                let t = tally.entry(protocol.clone()).or_default();
                let id = case["id"].as_str();
                let label = format!("{file} {si}:{ci} {}", id.unwrap_or(description));
                if ignore.ignores(ignore_name, description, id) {
                    t.skipped += 1;
                    println!("skip  {label}: on botocore's protocol-tests-ignore-list.json");
                    continue;
                }
                let key = (file.clone(), format!("{si}:{ci}"));
                let listed = known.get(&key);
                if listed.is_some() {
                    seen_known.insert(key.clone());
                }
                match (run_case(suite, case, &protocol), listed) {
                    (Outcome::Pass, None) => t.passed += 1,
                    (Outcome::Pass, Some(_)) => {
                        t.passed += 1;
                        now_passing.push(label);
                    }
                    (Outcome::Fail(why), Some(reason)) => {
                        t.known += 1;
                        println!("known {label}: {reason}\n      ({why})");
                    }
                    (Outcome::Fail(why), None) => {
                        t.failed += 1;
                        failures.push(format!("{label}\n      {why}"));
                    }
                }
            }
        }
    }
    println!(
        "\n{:<20} {:>7} {:>7} {:>7} {:>8}",
        "protocol", "passed", "failed", "known", "skipped"
    );
    let mut total = Tally::default();
    for (p, t) in &tally {
        println!(
            "{p:<20} {:>7} {:>7} {:>7} {:>8}",
            t.passed, t.failed, t.known, t.skipped
        );
        total.passed += t.passed;
        total.failed += t.failed;
        total.known += t.known;
        total.skipped += t.skipped;
    }
    println!(
        "{:<20} {:>7} {:>7} {:>7} {:>8}",
        "total", total.passed, total.failed, total.known, total.skipped
    );
    let stale: Vec<_> = known.keys().filter(|k| !seen_known.contains(*k)).collect();
    for f in &failures {
        println!("FAIL  {f}");
    }
    assert!(
        stale.is_empty(),
        "{KNOWN_FAILURES} names cases that do not exist: {stale:?}"
    );
    assert!(
        now_passing.is_empty(),
        "listed as known failures but now pass (remove them from {KNOWN_FAILURES}): {now_passing:#?}"
    );
    assert!(failures.is_empty(), "{} output cases fail", failures.len());
    assert!(total.passed > 0, "no case ran");
}
