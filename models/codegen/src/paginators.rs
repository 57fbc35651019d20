//! `paginators-1.json` and `waiters-2.json` to static
//! `stratus_core::paginate::Paginator` and `stratus_core::waiter::Waiter`
//! tables, their JMESPath compiled by [`jmespath`](crate::jmespath).

use std::fmt::Write as _;
use std::path::Path;

use serde_json::Value;

use crate::error::{GenError, model_err};
use crate::jmespath;
use crate::model::ServiceIr;

/// A `Key { text, expr }` literal for `expr`.
fn key(svc: &str, what: &str, expr: &str) -> Result<String, GenError> {
    let src = jmespath::compile(expr).map_err(|e| model_err(svc, format!("{what}: {e}")))?;
    Ok(format!(
        "::stratus_core::paginate::Key {{ text: {expr:?}, expr: {src} }}"
    ))
}

/// A string or a list of strings as a list.
fn strings(v: &Value) -> Vec<&str> {
    match v {
        Value::String(s) => vec![s.as_str()],
        Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

fn has_op(svc: &ServiceIr, name: &str) -> bool {
    svc.operations.values().any(|o| o.name == name)
}

/// The `PAGINATORS` static of `svc` and how many it holds.
pub fn emit_paginators(models_dir: &Path, svc: &ServiceIr) -> Result<(String, usize), GenError> {
    let doc = crate::read_json_if_present(&models_dir.join(&svc.name).join("paginators-1.json"))?;
    let mut items = Vec::new();
    let empty = serde_json::Map::new();
    let all = doc
        .as_ref()
        .and_then(|d| d["pagination"].as_object())
        .unwrap_or(&empty);
    for (op, cfg) in all {
        if !has_op(svc, op) {
            continue;
        }
        let what = format!("paginator {op}");
        let keys = |field: &str| -> Result<String, GenError> {
            let list: Result<Vec<String>, GenError> = strings(&cfg[field])
                .into_iter()
                .map(|e| key(&svc.name, &what, e))
                .collect();
            Ok(format!("&[{}]", list?.join(", ")))
        };
        let more = match cfg["more_results"].as_str() {
            Some(e) => format!("Some(&{})", key(&svc.name, &what, e)?),
            None => "None".into(),
        };
        let limit = match cfg["limit_key"].as_str() {
            Some(k) => format!("Some({k:?})"),
            None => "None".into(),
        };
        items.push(format!(
            "::stratus_core::paginate::Paginator {{ operation: {op:?}, input_token: &{:?}, output_token: {}, limit_key: {limit}, more_results: {more}, result_key: {}, non_aggregate_keys: {} }}",
            strings(&cfg["input_token"]),
            keys("output_token")?,
            keys("result_key")?,
            keys("non_aggregate_keys")?,
        ));
    }
    let mut src = String::new();
    let _ = writeln!(
        src,
        "/// `{}`'s paginators (botocore's `paginators-1.json`), by operation.\npub static PAGINATORS: &[::stratus_core::paginate::Paginator] = &[\n{}\n];",
        svc.name,
        items.join(",\n")
    );
    Ok((src, items.len()))
}

fn expected(svc: &str, what: &str, v: &Value) -> Result<String, GenError> {
    let e = "::stratus_core::waiter::Expected";
    Ok(match v {
        Value::String(s) => format!("{e}::Str({s:?})"),
        Value::Bool(b) => format!("{e}::Bool({b})"),
        Value::Number(n) => match n.as_i64() {
            Some(i) => format!("{e}::Int({i})"),
            None => return Err(model_err(svc, format!("{what}: expected {n} is not whole"))),
        },
        other => {
            return Err(model_err(
                svc,
                format!("{what}: expected {other} unsupported"),
            ));
        }
    })
}

/// The `WAITERS` static of `svc` and how many it holds.
pub fn emit_waiters(models_dir: &Path, svc: &ServiceIr) -> Result<(String, usize), GenError> {
    let doc = crate::read_json_if_present(&models_dir.join(&svc.name).join("waiters-2.json"))?;
    let empty = serde_json::Map::new();
    let all = doc
        .as_ref()
        .and_then(|d| d["waiters"].as_object())
        .unwrap_or(&empty);
    let mut items = Vec::new();
    let m = "::stratus_core::waiter::Matcher";
    for (name, cfg) in all {
        let op = cfg["operation"].as_str().unwrap_or_default();
        if !has_op(svc, op) {
            continue;
        }
        let what = format!("waiter {name}");
        let mut acceptors = Vec::new();
        for a in cfg["acceptors"].as_array().into_iter().flatten() {
            let state = match a["state"].as_str() {
                Some("success") => "Success",
                Some("failure") => "Failure",
                Some("retry") => "Retry",
                other => return Err(model_err(&svc.name, format!("{what}: state {other:?}"))),
            };
            let exp = &a["expected"];
            let path = |kind: &str| -> Result<String, GenError> {
                let arg = a["argument"].as_str().unwrap_or_default();
                Ok(format!(
                    "{m}::{kind}({}, {})",
                    key(&svc.name, &what, arg)?,
                    expected(&svc.name, &what, exp)?
                ))
            };
            let matcher = match a["matcher"].as_str() {
                Some("path") => path("Path")?,
                Some("pathAll") => path("PathAll")?,
                Some("pathAny") => path("PathAny")?,
                Some("status") => format!("{m}::Status({})", exp.as_u64().unwrap_or(0)),
                Some("error") => match exp {
                    Value::String(code) => format!("{m}::ErrorCode({code:?})"),
                    Value::Bool(b) => format!("{m}::AnyError({b})"),
                    other => {
                        return Err(model_err(&svc.name, format!("{what}: error {other}")));
                    }
                },
                other => return Err(model_err(&svc.name, format!("{what}: matcher {other:?}"))),
            };
            acceptors.push(format!(
                "::stratus_core::waiter::Acceptor {{ state: ::stratus_core::waiter::WaiterState::{state}, matcher: {matcher} }}"
            ));
        }
        items.push(format!(
            "::stratus_core::waiter::Waiter {{ name: {name:?}, operation: {op:?}, delay: {}, max_attempts: {}, acceptors: &[{}] }}",
            cfg["delay"].as_u64().unwrap_or(15),
            cfg["maxAttempts"].as_u64().unwrap_or(40),
            acceptors.join(", ")
        ));
    }
    let mut src = String::new();
    let _ = writeln!(
        src,
        "/// `{}`'s waiters (botocore's `waiters-2.json`), by name.\npub static WAITERS: &[::stratus_core::waiter::Waiter] = &[\n{}\n];",
        svc.name,
        items.join(",\n")
    );
    Ok((src, items.len()))
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_paginator_and_waiter_in_the_models_generates() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../data");
        let (mut pages, mut waits) = (0, 0);
        for name in crate::all_services(&dir).unwrap() {
            let svc = crate::load_service(&dir, &name).unwrap();
            pages += super::emit_paginators(&dir, &svc).unwrap().1;
            waits += super::emit_waiters(&dir, &svc).unwrap().1;
        }
        println!("generated {pages} paginators and {waits} waiters");
        assert_eq!((pages, waits), (3112, 363));
    }
}
