//! Differential test of the compiled JMESPath against the Python `jmespath`
//! package botocore uses: every distinct expression of every paginator
//! (`output_token`, `result_key`, `more_results`, `non_aggregate_keys`) and
//! waiter acceptor in `models/data` is compiled by `stratus_codegen::jmespath`,
//! evaluated by `stratus_core::jmespath` over sample responses of its
//! operation's output shape, and compared with `jmespath.search` over the same
//! response as botocore's dict (the core's own JSON writer output).
//!
//! Samples are random but seeded; their strings come from the shape's enum
//! values and the literals of the expressions and waiter `expected` values, so
//! filters and comparisons match sometimes and fail sometimes.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write as _;

use serde_json::Value as Json;
use stratus_codegen::jmespath;
use stratus_core::format::FmtSink;
use stratus_core::format::json::JsonReader;
use stratus_core::jmespath::{Value, search};
use stratus_core::model::{ServiceModel, Shape, ShapeFlags, ShapeKind};
use stratus_core::protocol::parse::Output;

/// Sample responses per operation.
const SAMPLES: u64 = 4;
/// Deepest structure nesting a sample fills in.
const MAX_SAMPLE_DEPTH: usize = 7;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

fn json_str(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

/// A sample body of `shape`, keyed by wire names as the JSON reader finds them.
fn sample(
    out: &mut String,
    model: &'static ServiceModel,
    shape: &'static Shape,
    rng: &mut Rng,
    words: &[String],
    depth: usize,
) {
    match shape.kind {
        ShapeKind::Structure { members, .. } => {
            out.push('{');
            let mut first = true;
            for m in members {
                let Some(target) = model.shape(m.target) else {
                    continue;
                };
                let nested = matches!(
                    target.kind,
                    ShapeKind::Structure { .. } | ShapeKind::List { .. } | ShapeKind::Map { .. }
                );
                if target.flags.contains(ShapeFlags::EVENT_STREAM)
                    || (nested && depth >= MAX_SAMPLE_DEPTH)
                    || rng.below(5) == 0
                {
                    continue;
                }
                if !first {
                    out.push(',');
                }
                first = false;
                let _ = write!(out, "{}:", json_str(m.wire_name()));
                sample(out, model, target, rng, words, depth + 1);
            }
            out.push('}');
        }
        ShapeKind::List { member } => {
            out.push('[');
            if let Some(item) = model.shape(member.target) {
                for i in 0..rng.below(4) {
                    if i > 0 {
                        out.push(',');
                    }
                    sample(out, model, item, rng, words, depth + 1);
                }
            }
            out.push(']');
        }
        ShapeKind::Map { value, .. } => {
            out.push('{');
            if let Some(v) = model.shape(value.target) {
                for i in 0..rng.below(3) {
                    if i > 0 {
                        out.push(',');
                    }
                    let _ = write!(out, "\"k{i}\":");
                    sample(out, model, v, rng, words, depth + 1);
                }
            }
            out.push('}');
        }
        ShapeKind::String { enum_values } => {
            let pick = rng.below(10);
            let s = if !enum_values.is_empty() && pick < 4 {
                enum_values[rng.below(enum_values.len() as u64) as usize].to_string()
            } else if !words.is_empty() && pick < 8 {
                words[rng.below(words.len() as u64) as usize].clone()
            } else if pick == 8 {
                String::new()
            } else {
                format!("s{}", rng.below(3))
            };
            out.push_str(&json_str(&s));
        }
        ShapeKind::Integer | ShapeKind::Long => {
            let _ = write!(out, "{}", rng.below(4));
        }
        ShapeKind::Float | ShapeKind::Double => {
            let _ = write!(out, "{}.5", rng.below(3));
        }
        ShapeKind::Boolean => out.push_str(if rng.below(2) == 0 { "true" } else { "false" }),
        ShapeKind::Timestamp => out.push_str("1700000000"),
        ShapeKind::Blob => out.push_str("\"aGk=\""),
        ShapeKind::Document => out.push_str("{\"a\":1}"),
    }
}

/// String literals and string `expected` values: words samples use.
fn literal_words(v: &Json, into: &mut Vec<String>) {
    let re = |s: &str, q: char, into: &mut Vec<String>| {
        for (i, part) in s.split(q).enumerate() {
            if i % 2 == 1 {
                into.push(part.trim_matches('"').to_string());
            }
        }
    };
    if let Some(s) = v.as_str() {
        re(s, '\'', into);
        re(s, '`', into);
    }
}

fn node_json(out: &Output<'_>) -> String {
    let mut sink = FmtSink(String::new());
    match out.write_json(&mut sink) {
        Ok(()) => sink.0,
        Err(e) => format!("{{\"__error__\": \"{e}\"}}"),
    }
}

/// The stratus result as JSON text (an error as `{"__error__": …}`).
fn value_json(v: &Value<'_>) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Float(x) => x.to_string(),
        Value::Str(s) => json_str(s),
        Value::Node(t) => node_json(&Output {
            node: t.node,
            shape: Some(t.shape),
            model: t.model,
        }),
        Value::List(..) => {
            let mut parts = Vec::new();
            let walk = v.for_each(&mut |item| {
                parts.push(value_json(&item));
                Ok(std::ops::ControlFlow::Continue(()))
            });
            match walk {
                Ok(_) => format!("[{}]", parts.join(",")),
                Err(e) => format!("{{\"__error__\": \"{e}\"}}"),
            }
        }
    }
}

/// Numbers compared as f64 (botocore's ints and floats print differently).
fn same(a: &Json, b: &Json) -> bool {
    match (a, b) {
        (Json::Number(x), Json::Number(y)) => x.as_f64() == y.as_f64(),
        (Json::Array(x), Json::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same(x, y))
        }
        (Json::Object(x), Json::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

struct Case {
    service: String,
    expr: String,
    data: String,
    ours: String,
}

#[test]
fn model_expressions_agree_with_python_jmespath() {
    let root = stratus_tests::workspace_root().join("models/data");
    let mut cases = Vec::new();
    let mut skipped = Vec::new();
    let mut distinct = std::collections::BTreeSet::new();
    for service in stratus_codegen::all_services(&root).unwrap() {
        // operation -> (expressions, words)
        let mut by_op: BTreeMap<String, (Vec<String>, Vec<String>)> = BTreeMap::new();
        let read = |f: &str| -> Option<Json> {
            let text = std::fs::read_to_string(root.join(&service).join(f)).ok()?;
            serde_json::from_str(&text).ok()
        };
        if let Some(p) = read("paginators-1.json") {
            for (op, cfg) in p["pagination"].as_object().into_iter().flatten() {
                let entry = by_op.entry(op.clone()).or_default();
                for key in [
                    "output_token",
                    "result_key",
                    "more_results",
                    "non_aggregate_keys",
                ] {
                    let v = &cfg[key];
                    let list = v.as_array().cloned().unwrap_or_else(|| vec![v.clone()]);
                    for e in list.iter().filter_map(Json::as_str) {
                        entry.0.push(e.to_string());
                    }
                }
            }
        }
        if let Some(w) = read("waiters-2.json") {
            for (_, cfg) in w["waiters"].as_object().into_iter().flatten() {
                let op = cfg["operation"].as_str().unwrap_or_default().to_string();
                let entry = by_op.entry(op).or_default();
                for a in cfg["acceptors"].as_array().into_iter().flatten() {
                    if let Some(arg) = a["argument"].as_str() {
                        entry.0.push(arg.to_string());
                        literal_words(&a["argument"], &mut entry.1);
                        if let Some(s) = a["expected"].as_str() {
                            entry.1.push(s.to_string());
                        }
                    }
                }
            }
        }
        by_op.retain(|_, (exprs, _)| !exprs.is_empty());
        if by_op.is_empty() {
            continue;
        }
        let ir = stratus_codegen::load_service(&root, &service).unwrap();
        let model: &'static ServiceModel = stratus_codegen::runtime::leak_service(&ir);
        for (op_name, (mut exprs, words)) in by_op {
            exprs.sort();
            exprs.dedup();
            let Some(op) = model.operation(&op_name) else {
                skipped.push(format!("{service}.{op_name}: operation not in the model"));
                continue;
            };
            let Some(shape) = model.output_of(op) else {
                skipped.push(format!("{service}.{op_name}: operation has no output"));
                continue;
            };
            let compiled: Vec<_> = exprs
                .iter()
                .map(|e| {
                    distinct.insert(e.clone());
                    (
                        e,
                        jmespath::parse(e)
                            .unwrap_or_else(|err| panic!("{err}"))
                            .leak(),
                    )
                })
                .collect();
            for seed in 0..SAMPLES {
                let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ ((seed + 1) * 0x1234_5678));
                let mut body = String::new();
                sample(&mut body, model, shape, &mut rng, &words, 0);
                let reader = JsonReader::default();
                let node = reader.root(body.as_bytes()).unwrap();
                let data = node_json(&Output {
                    node,
                    shape: Some(shape),
                    model,
                });
                for (text, expr) in &compiled {
                    let ours = match search(expr, Value::root(node, shape, model)) {
                        Ok(v) => value_json(&v),
                        Err(e) => format!("{{\"__error__\": \"{e}\"}}"),
                    };
                    cases.push(Case {
                        service: service.clone(),
                        expr: (*text).clone(),
                        data: data.clone(),
                        ours,
                    });
                }
            }
        }
    }
    let dir = std::env::temp_dir().join(format!("stratus-jmespath-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let input = dir.join("cases.json");
    let payload: Vec<(&str, &str)> = cases
        .iter()
        .map(|c| (c.expr.as_str(), c.data.as_str()))
        .collect();
    std::fs::write(&input, serde_json::to_string(&payload).unwrap()).unwrap();
    let script = r#"
import json, sys, jmespath
out = []
for expr, data in json.load(open(sys.argv[1])):
    try:
        out.append(jmespath.search(expr, json.loads(data)))
    except Exception as e:
        out.append({"__error__": type(e).__name__})
json.dump(out, sys.stdout)
"#;
    let result = stratus_tests::python()
        .arg("-c")
        .arg(script)
        .arg(&input)
        .output()
        .unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        result.status.success(),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
    let theirs: Vec<Json> = serde_json::from_slice(&result.stdout).unwrap();
    assert_eq!(theirs.len(), cases.len());
    let mut failures = Vec::new();
    let mut non_null = 0;
    for (case, want) in cases.iter().zip(&theirs) {
        if !(want.is_null() || want == &Json::Array(vec![]) || want == &Json::Bool(false)) {
            non_null += 1;
        }
        let ours: Json = serde_json::from_str(&case.ours)
            .unwrap_or_else(|e| panic!("{}: {e}: {}", case.expr, case.ours));
        let agree = match (ours.get("__error__"), want.get("__error__")) {
            (Some(_), Some(_)) => true,
            _ => same(&ours, want),
        };
        if !agree {
            failures.push(format!(
                "{}: `{}` stratus {} python {}\n  data {}",
                case.service, case.expr, case.ours, want, case.data
            ));
        }
    }
    let _ = std::io::stdout().flush();
    println!(
        "jmespath oracle: {} distinct expressions, {} cases ({} with a non-empty result), {} agree, {} differ",
        distinct.len(),
        cases.len(),
        non_null,
        cases.len() - failures.len(),
        failures.len()
    );
    for s in &skipped {
        println!("skipped: {s}");
    }
    for f in failures.iter().take(20) {
        println!("DIFF {f}");
    }
    assert!(failures.is_empty(), "{} cases differ", failures.len());
}
