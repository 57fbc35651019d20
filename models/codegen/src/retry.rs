//! Compiles botocore's `_retry.json` (the legacy retry rules) into one static
//! `stratus_core::retry::LegacyRules` per service.
//!
//! The rules of a service are built as botocore 1.43.11 builds them when it
//! registers legacy retries for a client (`client._register_legacy_retries`,
//! `translate.build_retry_config`, `retryhandler.create_checker_from_retry_config`):
//!
//! * the `__default__` entry, with its `{"$ref": name}` values replaced by
//!   `definitions[name]`;
//! * merged with the entry keyed by the service's `endpointPrefix` (refs
//!   resolved the same way): nested objects merge key by key, anything else
//!   is replaced, and a key new to an object goes at its end;
//! * policies: the merged `__default__.policies` in order, then the
//!   `policies` of the merged entry named by the endpoint prefix, if any
//!   (botocore passes the endpoint prefix where an operation name would go);
//! * `max_attempts` and `delay` from the merged `__default__`.
//!
//! The client's `max_attempts` is applied at run time (`RetryConfig`).
//!
//! ```
//! let doc = serde_json::json!({
//!     "retry": {
//!         "__default__": {
//!             "max_attempts": 5,
//!             "delay": {"type": "exponential", "base": "rand", "growth_factor": 2},
//!             "policies": {"server": {"$ref": "server"}}
//!         },
//!         "kinesis": {"__default__": {"policies": {"limit": {"applies_when": {"response": {
//!             "service_error_code": "LimitExceededException", "http_status_code": 400}}}}}}
//!     },
//!     "definitions": {"server": {"applies_when": {"response": {"http_status_code": 500}}}}
//! });
//! let rules = stratus_codegen::retry::legacy_rules(&doc, "kinesis", "kinesis").unwrap();
//! assert_eq!(rules.max_attempts, 5);
//! assert_eq!(rules.policies.len(), 2);
//! assert!(stratus_codegen::retry::emit(&rules).contains("LimitExceededException"));
//! ```

use std::fmt::Write as _;
use std::path::Path;

use serde_json::{Map, Value};

use crate::error::{GenError, model_err};
use crate::model::ServiceIr;

/// The one socket-error group botocore knows (`retryhandler.EXCEPTION_MAP`).
const GENERAL_CONNECTION_ERROR: &str = "GENERAL_CONNECTION_ERROR";
/// The one CRC32 header the core's `AttemptOutcome` carries.
const CRC32_HEADER: &str = "x-amz-crc32";

/// A service's legacy retry rules, ready to emit.
#[derive(Clone, Debug, PartialEq)]
pub struct LegacyRulesIr {
    /// botocore service name.
    pub service: String,
    /// `endpointPrefix`.
    pub endpoint_prefix: String,
    /// Most attempts, the first included.
    pub max_attempts: u32,
    /// `None` for `"rand"`, else the fixed base in seconds.
    pub base: Option<f64>,
    /// `growth_factor`.
    pub growth_factor: f64,
    /// `(name, applies_when)` in botocore's order.
    pub policies: Vec<(String, PolicyIr)>,
}

/// One policy's `applies_when`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PolicyIr {
    /// `service_error_code` with `http_status_code`.
    ErrorCode(u16, String),
    /// `http_status_code` alone.
    Status(u16),
    /// `crc32body`.
    Crc32Body,
    /// `socket_errors: ["GENERAL_CONNECTION_ERROR"]`.
    SocketErrors,
}

/// Replaces every `{"$ref": name}` object inside `value` by `definitions[name]`
/// (not itself searched for refs, as in botocore).
fn resolve_refs(value: &mut Value, definitions: &Map<String, Value>) -> Result<(), String> {
    let Value::Object(map) = value else {
        return Ok(());
    };
    for (_, v) in map.iter_mut() {
        let Value::Object(inner) = v else { continue };
        if inner.len() == 1
            && let Some(name) = inner.get("$ref")
        {
            let name = name.as_str().ok_or("a $ref that is not a string")?;
            *v = definitions
                .get(name)
                .cloned()
                .ok_or_else(|| format!("$ref to unknown definition {name:?}"))?;
        } else {
            resolve_refs(v, definitions)?;
        }
    }
    Ok(())
}

/// botocore's `utils.merge_dicts(into, from)` (without list appending).
fn merge(into: &mut Map<String, Value>, from: &Map<String, Value>) {
    for (k, v) in from {
        match (into.get_mut(k), v) {
            (Some(Value::Object(a)), Value::Object(b)) => merge(a, b),
            _ => {
                into.insert(k.clone(), v.clone());
            }
        }
    }
}

fn status_of(response: &Map<String, Value>, at: &str) -> Result<u16, String> {
    response
        .get("http_status_code")
        .and_then(Value::as_u64)
        .and_then(|n| u16::try_from(n).ok())
        .ok_or_else(|| format!("{at}: http_status_code missing or not a status"))
}

fn policy(name: &str, value: &Value) -> Result<PolicyIr, String> {
    let at = format!("policy {name:?}");
    let applies = value
        .get("applies_when")
        .and_then(Value::as_object)
        .ok_or_else(|| format!("{at}: no applies_when"))?;
    if applies.contains_key("response") && applies.contains_key("socket_errors") {
        return Err(format!("{at}: both response and socket_errors"));
    }
    if let Some(response) = applies.get("response") {
        let response = response
            .as_object()
            .ok_or_else(|| format!("{at}: response is not an object"))?;
        if let Some(code) = response.get("service_error_code") {
            let code = code
                .as_str()
                .ok_or_else(|| format!("{at}: service_error_code is not a string"))?;
            if response.contains_key("crc32body") {
                return Err(format!("{at}: crc32body beside service_error_code"));
            }
            Ok(PolicyIr::ErrorCode(
                status_of(response, &at)?,
                code.to_string(),
            ))
        } else if response.contains_key("http_status_code") {
            if response.contains_key("crc32body") {
                return Err(format!("{at}: crc32body beside http_status_code"));
            }
            Ok(PolicyIr::Status(status_of(response, &at)?))
        } else if let Some(header) = response.get("crc32body") {
            match header.as_str() {
                Some(h) if h.eq_ignore_ascii_case(CRC32_HEADER) => Ok(PolicyIr::Crc32Body),
                _ => Err(format!("{at}: crc32body header other than {CRC32_HEADER}")),
            }
        } else {
            Err(format!("{at}: unknown response policy"))
        }
    } else if let Some(errors) = applies.get("socket_errors") {
        let errors = errors
            .as_array()
            .ok_or_else(|| format!("{at}: socket_errors is not a list"))?;
        for e in errors {
            if e.as_str() != Some(GENERAL_CONNECTION_ERROR) {
                return Err(format!("{at}: unknown socket error group {e}"));
            }
        }
        Ok(PolicyIr::SocketErrors)
    } else {
        Err(format!(
            "{at}: applies_when has neither response nor socket_errors"
        ))
    }
}

fn policies_of(entry: &Value, at: &str) -> Result<Vec<(String, PolicyIr)>, String> {
    let Some(policies) = entry.get("policies") else {
        return Ok(Vec::new());
    };
    let policies = policies
        .as_object()
        .ok_or_else(|| format!("{at}.policies is not an object"))?;
    policies
        .iter()
        .map(|(name, v)| Ok((name.clone(), policy(name, v)?)))
        .collect()
}

/// The legacy rules of the service `service` (endpoint prefix
/// `endpoint_prefix`) from a parsed `_retry.json`. See the module docs.
pub fn legacy_rules(
    doc: &Value,
    service: &str,
    endpoint_prefix: &str,
) -> Result<LegacyRulesIr, String> {
    let empty = Map::new();
    let retry = doc
        .get("retry")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let definitions = doc
        .get("definitions")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let mut service_entry = retry
        .get(endpoint_prefix)
        .cloned()
        .unwrap_or_else(|| Value::Object(Map::new()));
    resolve_refs(&mut service_entry, definitions)?;
    let mut merged = Value::Object(Map::from_iter([(
        "__default__".to_string(),
        retry
            .get("__default__")
            .cloned()
            .unwrap_or_else(|| Value::Object(Map::new())),
    )]));
    resolve_refs(&mut merged, definitions)?;
    let Value::Object(merged) = &mut merged else {
        return Err("unreachable: merged rules are not an object".into());
    };
    let Value::Object(service_entry) = &service_entry else {
        return Err(format!("retry.{endpoint_prefix} is not an object"));
    };
    merge(merged, service_entry);

    let default = merged.get("__default__").ok_or("no __default__ entry")?;
    let max_attempts = default
        .get("max_attempts")
        .and_then(Value::as_u64)
        .and_then(|n| u32::try_from(n).ok())
        .ok_or("__default__.max_attempts missing or not a count")?;
    let delay = default.get("delay").ok_or("__default__.delay missing")?;
    if delay.get("type").and_then(Value::as_str) != Some("exponential") {
        return Err("__default__.delay.type is not \"exponential\"".into());
    }
    let base = match delay.get("base") {
        Some(Value::String(s)) if s == "rand" => None,
        Some(v) => match v.as_f64() {
            Some(b) if b > 0.0 && b.is_finite() => Some(b),
            _ => return Err(format!("__default__.delay.base {v} is not \"rand\" or > 0")),
        },
        None => return Err("__default__.delay.base missing".into()),
    };
    let growth_factor = delay
        .get("growth_factor")
        .and_then(Value::as_f64)
        .filter(|g| g.is_finite())
        .ok_or("__default__.delay.growth_factor missing or not a number")?;

    let mut policies = policies_of(default, "__default__")?;
    if let Some(op) = merged.get(endpoint_prefix).filter(|v| !v.is_null()) {
        if op.get("policies").is_none() {
            return Err(format!("retry entry {endpoint_prefix:?} has no policies"));
        }
        policies.extend(policies_of(op, endpoint_prefix)?);
    }
    Ok(LegacyRulesIr {
        service: service.to_string(),
        endpoint_prefix: endpoint_prefix.to_string(),
        max_attempts,
        base,
        growth_factor,
        policies,
    })
}

/// Rules for a models directory without `_retry.json`: botocore then registers
/// no legacy retry handler, so nothing is retried.
fn no_rules(service: &str, endpoint_prefix: &str) -> LegacyRulesIr {
    LegacyRulesIr {
        service: service.to_string(),
        endpoint_prefix: endpoint_prefix.to_string(),
        max_attempts: 1,
        base: None,
        growth_factor: 2.0,
        policies: Vec::new(),
    }
}

/// Rust source of the `LEGACY_RETRY` static for `rules`.
pub fn emit(rules: &LegacyRulesIr) -> String {
    const R: &str = "::stratus_core::retry";
    let base = match rules.base {
        None => format!("{R}::DelayBase::Rand"),
        Some(b) => format!("{R}::DelayBase::Seconds({b:?})"),
    };
    let mut policies = String::new();
    for (name, p) in &rules.policies {
        let when = match p {
            PolicyIr::ErrorCode(status, code) => {
                format!("{R}::AppliesWhen::ErrorCode {{ status: {status}, code: {code:?} }}")
            }
            PolicyIr::Status(status) => format!("{R}::AppliesWhen::Status({status})"),
            PolicyIr::Crc32Body => format!("{R}::AppliesWhen::Crc32Body"),
            PolicyIr::SocketErrors => format!("{R}::AppliesWhen::SocketErrors"),
        };
        let _ = writeln!(
            policies,
            "        {R}::LegacyPolicy {{ name: {name:?}, when: {when} }},"
        );
    }
    format!(
        "/// `{service}`'s legacy retry rules (botocore's `_retry.json`, `__default__` merged with `{prefix}`).\n\
         pub static LEGACY_RETRY: {R}::LegacyRules = {R}::LegacyRules {{\n    service: {service:?},\n    endpoint_prefix: {prefix:?},\n    max_attempts: {max},\n    delay: {R}::LegacyDelay {{ base: {base}, growth_factor: {growth:?} }},\n    policies: &[\n{policies}    ],\n}};\n",
        service = rules.service,
        prefix = rules.endpoint_prefix,
        max = rules.max_attempts,
        growth = rules.growth_factor,
    )
}

/// The `LEGACY_RETRY` static of `svc`, from `<models_dir>/_retry.json`.
pub fn emit_legacy_retry(models_dir: &Path, svc: &ServiceIr) -> Result<String, GenError> {
    let path = models_dir.join("_retry.json");
    let prefix = &svc.metadata.endpoint_prefix;
    let Some(doc) = crate::read_json_if_present(&path)? else {
        return Ok(emit(&no_rules(&svc.name, prefix)));
    };
    let rules = legacy_rules(&doc, &svc.name, prefix)
        .map_err(|p| model_err(&svc.name, format!("_retry.json: {p}")))?;
    Ok(emit(&rules))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc() -> Value {
        json!({
            "definitions": {
                "tmr": {"applies_when": {"response": {"http_status_code": 429}}},
                "sock": {"applies_when": {"socket_errors": ["GENERAL_CONNECTION_ERROR"]}}
            },
            "retry": {
                "__default__": {
                    "max_attempts": 5,
                    "delay": {"type": "exponential", "base": "rand", "growth_factor": 2},
                    "policies": {"sock": {"$ref": "sock"}, "too_many_requests": {"$ref": "tmr"}}
                },
                "org": {"__default__": {"policies": {"too_many_requests": {"applies_when": {
                    "response": {"service_error_code": "TooManyRequestsException", "http_status_code": 400}}}}}},
                "ddb": {
                    "__default__": {
                        "max_attempts": 10,
                        "delay": {"type": "exponential", "base": 0.05, "growth_factor": 2},
                        "policies": {"crc32": {"applies_when": {"response": {"crc32body": "x-amz-crc32"}}}}
                    },
                    "ddb": {"policies": {"extra": {"applies_when": {"response": {"http_status_code": 418}}}}}
                }
            }
        })
    }

    #[test]
    fn default_only() {
        let r = legacy_rules(&doc(), "x", "x").unwrap();
        assert_eq!(r.max_attempts, 5);
        assert_eq!(r.base, None);
        assert_eq!(
            r.policies,
            vec![
                ("sock".to_string(), PolicyIr::SocketErrors),
                ("too_many_requests".to_string(), PolicyIr::Status(429)),
            ]
        );
    }

    #[test]
    fn redefined_policy_merges_in_place() {
        // botocore merges the service's object into the default's: the status
        // is replaced, the code added, the position kept.
        let r = legacy_rules(&doc(), "organizations", "org").unwrap();
        assert_eq!(
            r.policies[1],
            (
                "too_many_requests".to_string(),
                PolicyIr::ErrorCode(400, "TooManyRequestsException".into())
            )
        );
        assert_eq!(r.policies.len(), 2);
    }

    #[test]
    fn service_overrides_and_prefix_entry() {
        let r = legacy_rules(&doc(), "dynamodb", "ddb").unwrap();
        assert_eq!(r.max_attempts, 10);
        assert_eq!(r.base, Some(0.05));
        let names: Vec<&str> = r.policies.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["sock", "too_many_requests", "crc32", "extra"]);
        let src = emit(&r);
        assert!(src.contains("DelayBase::Seconds(0.05)"), "{src}");
        assert!(src.contains("AppliesWhen::Crc32Body"), "{src}");
    }

    #[test]
    fn every_entry_of_the_real_file_compiles() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../data/_retry.json");
        let doc: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let prefixes: Vec<&String> = doc["retry"].as_object().unwrap().keys().collect();
        assert!(prefixes.len() > 5);
        for prefix in prefixes {
            let r = legacy_rules(&doc, prefix, prefix).unwrap_or_else(|e| panic!("{prefix}: {e}"));
            assert!(r.policies.len() >= 12, "{prefix}");
        }
    }

    #[test]
    fn rejects_what_botocore_cannot_run() {
        let mut d = doc();
        d["retry"]["__default__"]["delay"]["type"] = json!("linear");
        assert!(legacy_rules(&d, "x", "x").is_err());
        let mut d = doc();
        d["retry"]["__default__"]["policies"]["bad"] =
            json!({"applies_when": {"socket_errors": ["OTHER"]}});
        assert!(legacy_rules(&d, "x", "x").is_err());
        let mut d = doc();
        d["retry"]["__default__"]["policies"]["bad"] = json!({"$ref": "missing"});
        assert!(legacy_rules(&d, "x", "x").is_err());
        let mut d = doc();
        d["retry"]["__default__"]["delay"]["base"] = json!(0);
        assert!(legacy_rules(&d, "x", "x").is_err());
    }
}
