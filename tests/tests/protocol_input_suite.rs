//! botocore 1.43.11's protocol input suites (`tests/unit/protocols/input` and
//! `legacy/input` in the sdist) run through `stratus_core::protocol::serialize`.
//!
//! Each case's suite model is built with `stratus_codegen::model::parse_service`
//! and `runtime::leak_service`; its `params` become a dynamic
//! `format::json::JsonInput` (the same `StructValue` seam typed inputs use).
//! The request is compared as botocore's `test_protocols.py` compares it:
//! method, URI (path + query), the expected headers (with its per-protocol
//! Content-Type and list-header adjustments), `forbidHeaders`, the host when
//! given, and the body — JSON semantically, XML after `ET.canonicalize`
//! (one batched python call), CBOR decoded, query / ec2 byte for byte.
//!
//! Cases on botocore's `protocol-tests-ignore-list.json` are skipped as its
//! runner skips them. Cases not passing yet are listed, with a reason, in
//! `tests/protocol-input-known-failures.txt`; the test fails if a case fails
//! that is not listed, or if a listed case now passes (so the list only shrinks).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde_json::{Map, Value as Json, json};
use stratus_codegen::model::{KindIr, ServiceIr, parse_service};
use stratus_codegen::runtime::leak_service;
use stratus_core::format::json::{InputSlots, JsonInput};
use stratus_core::protocol::serialize::{FixedToken, SerializeOptions, serialize};

const TOKEN: &[u8; 36] = b"00000000-0000-4000-8000-000000000000";

struct Case {
    file: String,
    key: String,
    protocol: String,
}

#[derive(Default)]
struct Tally {
    passed: usize,
    failed: usize,
    skipped: usize,
}

fn b64(bytes: &[u8]) -> String {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut s = String::new();
    for c in bytes.chunks(3) {
        let n = (u32::from(c[0]) << 16)
            | (u32::from(*c.get(1).unwrap_or(&0)) << 8)
            | u32::from(*c.get(2).unwrap_or(&0));
        for (i, shift) in [18, 12, 6, 0].iter().enumerate() {
            if i <= c.len() {
                s.push(A[((n >> shift) & 63) as usize] as char);
            } else {
                s.push('=');
            }
        }
    }
    s
}

fn b64_decode(s: &str) -> Vec<u8> {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::new();
    let (mut acc, mut bits) = (0u32, 0);
    for ch in s.bytes().filter(|c| *c != b'=' && !c.is_ascii_whitespace()) {
        let Some(v) = A.iter().position(|a| *a == ch) else {
            continue;
        };
        acc = (acc << 6) | v as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    out
}

/// botocore takes blob params as text and encodes them as UTF-8; JsonInput
/// takes blobs as base64. Rewrites blob strings to base64, walking the IR.
fn blobs_to_base64(ir: &ServiceIr, shape: &str, v: &mut Json) {
    let Some(s) = ir.shapes.get(shape) else {
        return;
    };
    match (&s.kind, v) {
        (KindIr::Scalar("Blob"), v @ Json::String(_)) => {
            let text = v.as_str().unwrap_or("").to_string();
            *v = Json::String(b64(text.as_bytes()));
        }
        (KindIr::Structure { members, .. }, Json::Object(o)) => {
            for m in members {
                if let Some(x) = o.get_mut(&m.name) {
                    blobs_to_base64(ir, &m.target, x);
                }
            }
        }
        (KindIr::List(m), Json::Array(a)) => {
            for x in a {
                blobs_to_base64(ir, &m.target, x);
            }
        }
        (KindIr::Map(_, vm), Json::Object(o)) => {
            for (_, x) in o.iter_mut() {
                blobs_to_base64(ir, &vm.target, x);
            }
        }
        _ => {}
    }
}

/// A tiny CBOR decoder to compare bodies as values (as botocore's runner does).
fn cbor(b: &[u8], pos: &mut usize) -> Result<Json, String> {
    let ib = *b.get(*pos).ok_or("truncated")?;
    *pos += 1;
    let (major, info) = (ib >> 5, ib & 31);
    let mut arg = |info: u8| -> Result<Option<u64>, String> {
        let n = match info {
            0..=23 => return Ok(Some(u64::from(info))),
            24 => 1,
            25 => 2,
            26 => 4,
            27 => 8,
            31 => return Ok(None),
            _ => return Err("bad info".into()),
        };
        let bytes = b.get(*pos..*pos + n).ok_or("truncated")?;
        *pos += n;
        Ok(Some(
            bytes.iter().fold(0u64, |a, x| (a << 8) | u64::from(*x)),
        ))
    };
    Ok(match major {
        0 => json!(arg(info)?.ok_or("indef int")?),
        1 => json!(-1 - arg(info)?.ok_or("indef int")? as i64),
        2 | 3 => {
            let mut data = Vec::new();
            match arg(info)? {
                Some(n) => {
                    data.extend_from_slice(b.get(*pos..*pos + n as usize).ok_or("truncated")?);
                    *pos += n as usize;
                }
                None => {
                    while b.get(*pos) != Some(&0xff) {
                        match cbor(b, pos)? {
                            Json::String(s) if major == 3 => data.extend_from_slice(s.as_bytes()),
                            Json::String(s) => data.extend(b64_decode(&s)),
                            _ => return Err("bad chunk".into()),
                        }
                    }
                    *pos += 1;
                }
            }
            if major == 3 {
                Json::String(String::from_utf8(data).map_err(|e| e.to_string())?)
            } else {
                Json::String(b64(&data))
            }
        }
        4 => {
            let mut a = Vec::new();
            match arg(info)? {
                Some(n) => {
                    for _ in 0..n {
                        a.push(cbor(b, pos)?);
                    }
                }
                None => {
                    while b.get(*pos) != Some(&0xff) {
                        a.push(cbor(b, pos)?);
                    }
                    *pos += 1;
                }
            }
            Json::Array(a)
        }
        5 => {
            let mut o = Map::new();
            let n = arg(info)?;
            let mut i = 0;
            loop {
                match n {
                    Some(n) if i >= n => break,
                    None if b.get(*pos) == Some(&0xff) => {
                        *pos += 1;
                        break;
                    }
                    _ => {}
                }
                let k = match cbor(b, pos)? {
                    Json::String(s) => s,
                    other => other.to_string(),
                };
                o.insert(k, cbor(b, pos)?);
                i += 1;
            }
            Json::Object(o)
        }
        6 => {
            arg(info)?;
            let v = cbor(b, pos)?;
            json!({ "tag": v })
        }
        _ => match info {
            20 => json!(false),
            21 => json!(true),
            22 | 23 => Json::Null,
            25 => {
                let h = arg(info)?.ok_or("half")? as u16;
                let f = half_to_f64(h);
                float_json(f)
            }
            26 => float_json(f64::from(f32::from_bits(arg(info)?.ok_or("f32")? as u32))),
            27 => float_json(f64::from_bits(arg(info)?.ok_or("f64")?)),
            _ => return Err(format!("simple {info}")),
        },
    })
}

fn half_to_f64(h: u16) -> f64 {
    let exp = (h >> 10) & 0x1f;
    let frac = f64::from(h & 0x3ff);
    let sign = if h & 0x8000 != 0 { -1.0 } else { 1.0 };
    sign * match exp {
        0 => frac * 2f64.powi(-24),
        31 if frac == 0.0 => f64::INFINITY,
        31 => f64::NAN,
        e => (1.0 + frac / 1024.0) * 2f64.powi(i32::from(e) - 15),
    }
}

fn float_json(f: f64) -> Json {
    if f.is_nan() {
        json!("NaN")
    } else if f.is_infinite() {
        json!(if f > 0.0 { "Infinity" } else { "-Infinity" })
    } else {
        json!(f)
    }
}

fn cbor_value(b: &[u8]) -> Result<Json, String> {
    let mut pos = 0;
    let v = cbor(b, &mut pos)?;
    // Compare numbers as floats: integer vs float encodings of the same number are equal.
    Ok(normalise_numbers(v))
}

fn normalise_numbers(v: Json) -> Json {
    match v {
        Json::Number(n) => n.as_f64().map_or(Json::Number(n), |f| json!(f)),
        Json::Array(a) => Json::Array(a.into_iter().map(normalise_numbers).collect()),
        Json::Object(o) => Json::Object(
            o.into_iter()
                .map(|(k, v)| (k, normalise_numbers(v)))
                .collect(),
        ),
        other => other,
    }
}

fn ignore_list(dir: &Path) -> Json {
    let text = std::fs::read_to_string(dir.join("protocol-tests-ignore-list.json"))
        .expect("protocol-tests-ignore-list.json");
    serde_json::from_str(&text).expect("ignore list is JSON")
}

/// `_should_ignore_test(protocol, "input", suite, case)`.
fn ignored(list: &Json, protocol: &str, suite: &str, id: Option<&str>) -> bool {
    let has = |v: &Json, key: &str, what: Option<&str>| {
        what.is_some_and(|w| {
            v.get(key)
                .and_then(Json::as_array)
                .is_some_and(|a| a.iter().any(|x| x.as_str() == Some(w)))
        })
    };
    let general = &list["general"]["input"];
    if has(general, "suites", Some(suite)) || has(general, "cases", id) {
        return true;
    }
    let p = &list["protocols"][protocol]["input"];
    has(p, "suites", Some(suite)) || has(p, "cases", id)
}

/// Fills what `parse_service` needs and the suites leave out.
fn service_doc(suite: &Json, case: &Json) -> Json {
    let mut meta = suite["metadata"].clone();
    let m = meta.as_object_mut().expect("metadata object");
    for (k, v) in [
        ("apiVersion", "2014-01-01"),
        ("endpointPrefix", "service"),
        ("serviceId", "Service"),
        ("signatureVersion", "v4"),
    ] {
        m.entry(k).or_insert(json!(v));
    }
    let name = case["given"]["name"].as_str().unwrap_or("OperationName");
    let mut given = case["given"].clone();
    // botocore defaults a missing method to POST and the legacy suites omit
    // `requestUri` for `POST /` operations.
    if given.get("http").is_none() {
        given["http"] = json!({});
    }
    if let Some(http) = given["http"].as_object_mut() {
        http.entry("method").or_insert(json!("POST"));
        http.entry("requestUri").or_insert(json!("/"));
    }
    let mut shapes = suite.get("shapes").cloned().unwrap_or(json!({}));
    // botocore resolves the operation's input reference into the shape: traits
    // on the reference (legacy suites put `payload`, `locationName`,
    // `xmlNamespace` there) apply to the input shape.
    if let Some(input) = given.get("input").and_then(Json::as_object)
        && let Some(target) = input.get("shape").and_then(Json::as_str)
        && let Some(shape) = shapes.get_mut(target).and_then(Json::as_object_mut)
    {
        for (k, v) in input.iter().filter(|(k, _)| k.as_str() != "shape") {
            shape.insert(k.clone(), v.clone());
        }
    }
    json!({
        "metadata": meta,
        "shapes": shapes,
        "operations": { name: given },
    })
}

struct Xml {
    key: String,
    actual: String,
    expected: String,
}

/// `ET.canonicalize(x, strip_text=True)` of both sides, in one python process.
fn xml_equal(pairs: &[Xml]) -> BTreeMap<String, bool> {
    let script = r#"
import json, sys, xml.etree.ElementTree as ET
out = {}
for p in json.load(sys.stdin):
    def c(x):
        try:
            return ET.canonicalize(x, strip_text=True)
        except ET.ParseError:
            return None
    a, e = c(p["actual"]), c(p["expected"])
    out[p["key"]] = (a == e) if (a is not None and e is not None) else (p["actual"] == p["expected"])
print(json.dumps(out))
"#;
    let input: Vec<Json> = pairs
        .iter()
        .map(|p| json!({"key": p.key, "actual": p.actual, "expected": p.expected}))
        .collect();
    let mut oracle = stratus_tests::python();
    oracle.args(["-c", script]);
    let input = serde_json::to_string(&input).expect("json");
    let out = stratus_tests::oracle_json(oracle, input.as_bytes(), "the XML oracle");
    serde_json::from_value::<BTreeMap<String, bool>>(out).expect("python prints a JSON map")
}

/// Runs one case; `Err` says why it fails. XML bodies are queued, not compared.
fn run_case(
    suite: &Json,
    case: &Json,
    file_protocol: &str,
    key: &str,
    xml: &mut Vec<Xml>,
) -> Result<(), String> {
    let doc = service_doc(suite, case);
    let ir = parse_service("service", &doc).map_err(|e| format!("model: {e}"))?;
    let model = leak_service(&ir);
    let name = case["given"]["name"].as_str().unwrap_or("OperationName");
    let op = model.operation(name).ok_or("operation missing")?;
    let protocol = suite["metadata"]["protocol"].as_str().unwrap_or("");
    let mut params = case["params"].clone();
    let input_shape = case["given"]["input"]["shape"].as_str();
    if let Some(s) = input_shape {
        blobs_to_base64(&ir, s, &mut params);
    }
    let text = serde_json::to_string(&params).map_err(|e| e.to_string())?;
    let slots: InputSlots<'_, 512> = InputSlots::new();
    let mut scratch = vec![0u8; 1 << 16];
    let tokens = FixedToken(*TOKEN);
    let opts = SerializeOptions {
        validate: false,
        tokens: Some(&tokens),
        ..SerializeOptions::default()
    };
    let mut buf = vec![0u8; 1 << 18];
    struct NoInput;
    impl stratus_core::model::StructValue for NoInput {
        fn member(&self, _: usize) -> Option<stratus_core::model::Value<'_>> {
            None
        }
    }
    let dynamic;
    let input: &dyn stratus_core::model::StructValue = match op.input {
        Some(id) => {
            dynamic = JsonInput::new(&text, model, id, &slots, &mut scratch)
                .map_err(|e| format!("dynamic input: {e}"))?;
            &dynamic
        }
        None => &NoInput,
    };
    let req =
        serialize(model, op, input, &opts, &mut buf).map_err(|e| format!("serialize: {e}"))?;
    let want = &case["serialized"];

    if let Some(m) = want.get("method").and_then(Json::as_str)
        && m != req.method.as_str()
    {
        return Err(format!("method {} != {m}", req.method.as_str()));
    }
    let uri = want.get("uri").and_then(Json::as_str).unwrap_or("");
    if req.target() != uri {
        return Err(format!("URI {:?} != {uri:?}", req.target()));
    }
    // Headers, adjusted as _assert_expected_headers_in_request does.
    let mut expected: Vec<(String, String)> = want
        .get("headers")
        .and_then(Json::as_object)
        .map(|o| {
            o.iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or("").to_string()))
                .collect()
        })
        .unwrap_or_default();
    let list_headers: BTreeSet<String> = input_shape
        .and_then(|s| ir.shapes.get(s))
        .map(|s| {
            s.members()
                .iter()
                .filter(|m| m.location == "Header")
                .filter(|m| {
                    matches!(
                        ir.shapes.get(&m.target).map(|t| &t.kind),
                        Some(KindIr::List(_))
                    )
                })
                .filter_map(|m| m.location_name.clone())
                .map(|n| n.to_ascii_lowercase())
                .collect()
        })
        .unwrap_or_default();
    // _clean_list_header_values also joins timestamp lists on the actual side.
    let timestamp_list_headers: BTreeSet<String> = input_shape
        .and_then(|s| ir.shapes.get(s))
        .map(|s| {
            s.members()
                .iter()
                .filter(|m| m.location == "Header")
                .filter(|m| match ir.shapes.get(&m.target).map(|t| &t.kind) {
                    Some(KindIr::List(item)) => matches!(
                        ir.shapes.get(&item.target).map(|t| &t.kind),
                        Some(KindIr::Scalar("Timestamp"))
                    ),
                    _ => false,
                })
                .filter_map(|m| m.location_name.clone())
                .map(|n| n.to_ascii_lowercase())
                .collect()
        })
        .unwrap_or_default();
    let ct = |e: &Vec<(String, String)>| {
        e.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("Content-Type"))
            .map(|(_, v)| v.clone())
    };
    match protocol {
        "query" | "ec2" => {
            let c = ct(&expected).unwrap_or_default();
            if !c.contains("charset=utf-8") {
                expected.retain(|(k, _)| !k.eq_ignore_ascii_case("Content-Type"));
                expected.push(("Content-Type".into(), format!("{c}; charset=utf-8")));
            }
        }
        "rest-xml" => expected.retain(|(k, _)| !k.eq_ignore_ascii_case("Content-Type")),
        "rest-json" if ct(&expected).is_some_and(|c| c != "application/json") => {
            expected.retain(|(k, _)| !k.eq_ignore_ascii_case("Content-Type"));
        }
        _ => {}
    }
    for (k, v) in &expected {
        let mut v = v.clone();
        if list_headers.contains(&k.to_ascii_lowercase()) {
            v = v.replace(", ", ",");
        }
        let actual = req.header(k).map(|a| {
            if timestamp_list_headers.contains(&k.to_ascii_lowercase()) {
                a.replace(", ", ",")
            } else {
                a.to_string()
            }
        });
        match actual {
            Some(a) if a == v => {}
            Some(a) => return Err(format!("header {k}: {a:?} != {v:?}")),
            None => return Err(format!("header {k} missing (want {v:?})")),
        }
    }
    if let Some(forbid) = want.get("forbidHeaders").and_then(Json::as_array) {
        for h in forbid.iter().filter_map(Json::as_str) {
            if req.header(h).is_some() {
                return Err(format!("forbidden header {h} present"));
            }
        }
    }
    if let Some(host) = want.get("host").and_then(Json::as_str) {
        let endpoint = suite
            .get("clientEndpoint")
            .and_then(Json::as_str)
            .unwrap_or("https://example.com");
        let netloc = endpoint
            .split_once("://")
            .map_or(endpoint, |(_, r)| r)
            .split('/')
            .next()
            .unwrap_or("");
        let actual = format!("{}{netloc}", req.host_prefix().unwrap_or(""));
        if actual != host {
            return Err(format!("host {actual:?} != {host:?}"));
        }
    }
    let body = req.body();
    if protocol == "smithy-rpc-v2-cbor" && !body.is_empty() {
        let want_b = b64_decode(want.get("body").and_then(Json::as_str).unwrap_or(""));
        let (a, e) = (cbor_value(body)?, cbor_value(&want_b)?);
        if a != e {
            return Err(format!("CBOR body {a} != {e}"));
        }
    } else if let Some(expected_body) = want.get("body").and_then(Json::as_str) {
        let actual = String::from_utf8_lossy(body).to_string();
        match protocol {
            "json" | "rest-json" => {
                let parsed = (
                    serde_json::from_str::<Json>(&actual),
                    serde_json::from_str::<Json>(expected_body),
                );
                match parsed {
                    (Ok(a), Ok(e)) if a == e => {}
                    (Ok(a), Ok(e)) => return Err(format!("JSON body {a} != {e}")),
                    _ if protocol == "rest-json" && actual == expected_body => {}
                    _ => return Err(format!("body {actual:?} != {expected_body:?}")),
                }
            }
            "rest-xml" => xml.push(Xml {
                key: key.to_string(),
                actual,
                expected: expected_body.to_string(),
            }),
            _ => {
                if actual != expected_body {
                    return Err(format!("body {actual:?} != {expected_body:?}"));
                }
            }
        }
    }
    let _ = file_protocol;
    Ok(())
}

#[test]
fn protocol_input_suites() {
    let sdist = stratus_tests::sdist_dir().expect("botocore sdist");
    let dir = sdist.join("tests/unit/protocols");
    let ignore = ignore_list(&dir);
    let known_path =
        stratus_tests::workspace_root().join("tests/protocol-input-known-failures.txt");
    let known_text = std::fs::read_to_string(&known_path).unwrap_or_default();
    let known: BTreeMap<String, String> = known_text
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .filter_map(|l| {
            let mut parts = l.splitn(2, '\t');
            Some((
                parts.next()?.to_string(),
                parts.next().unwrap_or("").to_string(),
            ))
        })
        .collect();

    let mut tally: BTreeMap<String, Tally> = BTreeMap::new();
    let mut failures: BTreeMap<String, (Case, String)> = BTreeMap::new();
    let mut passed: Vec<Case> = Vec::new();
    let mut skipped: Vec<(String, String)> = Vec::new();
    let mut xml = Vec::new();
    let mut cases_by_key: BTreeMap<String, Case> = BTreeMap::new();
    for sub in ["input", "legacy/input"] {
        let mut files: Vec<_> = std::fs::read_dir(dir.join(sub))
            .expect("suite folder")
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        files.sort();
        for path in files {
            let base = path
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or("")
                .to_string();
            let file = format!("{sub}/{base}.json");
            let suites: Vec<Json> =
                serde_json::from_str(&std::fs::read_to_string(&path).expect("read suite"))
                    .expect("suite JSON");
            for (si, suite) in suites.iter().enumerate() {
                let desc = suite["description"].as_str().unwrap_or("");
                let protocol = suite["metadata"]["protocol"]
                    .as_str()
                    .unwrap_or("?")
                    .to_string();
                for (ci, case) in suite["cases"].as_array().into_iter().flatten().enumerate() {
                    if case.get("params").is_none() {
                        continue;
                    }
                    let id = case.get("id").and_then(Json::as_str);
                    let key = format!("{file} {si}:{ci} {}", id.unwrap_or(desc));
                    let t = tally.entry(protocol.clone()).or_default();
                    if ignored(&ignore, &base, desc, id) {
                        t.skipped += 1;
                        skipped.push((key, "on botocore's protocol-tests-ignore-list.json".into()));
                        continue;
                    }
                    let c = Case {
                        file: file.clone(),
                        key: key.clone(),
                        protocol: protocol.clone(),
                    };
                    match run_case(suite, case, &base, &key, &mut xml) {
                        Ok(()) => {
                            cases_by_key.insert(key.clone(), c);
                        }
                        Err(why) => {
                            failures.insert(key.clone(), (c, why));
                        }
                    }
                }
            }
        }
    }
    for (key, ok) in xml_equal(&xml) {
        if !ok && let Some(c) = cases_by_key.remove(&key) {
            let pair = xml.iter().find(|x| x.key == key);
            let why = pair.map_or(String::new(), |p| {
                format!("XML body {:?} != {:?}", p.actual, p.expected)
            });
            failures.insert(key, (c, why));
        }
    }
    passed.extend(cases_by_key.into_values());

    let mut unexpected = Vec::new();
    let mut now_passing = Vec::new();
    for c in &passed {
        tally.entry(c.protocol.clone()).or_default().passed += 1;
        if known.contains_key(&c.key) {
            now_passing.push(c.key.clone());
        }
    }
    for (key, (c, why)) in &failures {
        tally.entry(c.protocol.clone()).or_default().failed += 1;
        if !known.contains_key(key) {
            unexpected.push(format!("{key}\n    {why}"));
        }
        let _ = &c.file;
    }
    println!(
        "{:<20} {:>7} {:>7} {:>8}",
        "protocol", "passed", "failed", "skipped"
    );
    for (p, t) in &tally {
        println!("{p:<20} {:>7} {:>7} {:>8}", t.passed, t.failed, t.skipped);
    }
    let total = tally.values().fold((0, 0, 0), |a, t| {
        (a.0 + t.passed, a.1 + t.failed, a.2 + t.skipped)
    });
    println!(
        "{:<20} {:>7} {:>7} {:>8}",
        "total", total.0, total.1, total.2
    );
    for (k, why) in &skipped {
        println!("skipped: {k} — {why}");
    }
    for (k, (_, why)) in &failures {
        if let Some(reason) = known.get(k) {
            println!("known failure: {k} — {reason}\n    now: {why}");
        }
    }
    assert!(
        unexpected.is_empty(),
        "{} failing cases are not in {}:\n{}",
        unexpected.len(),
        known_path.display(),
        unexpected.join("\n")
    );
    assert!(
        now_passing.is_empty(),
        "these cases pass now; remove them from the known-failures list:\n{}",
        now_passing.join("\n")
    );
}
