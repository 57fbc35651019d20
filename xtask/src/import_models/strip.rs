//! Removing prose from the models, one rule per model file.
//!
//! Keys are only removed from *schema objects*: objects whose keys are the
//! format's own field names. Objects whose keys are names chosen by a service
//! (shape names, member names, parameter names, …) are *name maps* and are
//! never stripped, because a name can collide with a prose key: launch-wizard
//! has members called `documentationUrl`, dozens of services have members
//! called `description`. *Opaque* values (free-form data such as an endpoint's
//! `properties` or a waiter's `expected` value) are kept as they are.

use serde_json::Value;

/// How one model file is stripped.
#[derive(Debug)]
pub struct StripRule {
    /// The file's stem (`service-2`, `waiters-2`, …).
    pub stem: &'static str,
    /// Keys removed from every schema object in the file.
    pub prose: &'static [&'static str],
    /// Keys of schema objects whose value is a name map.
    pub name_maps: &'static [&'static str],
    /// Keys of schema objects whose value is kept untouched.
    pub opaque: &'static [&'static str],
}

/// The rules for every file the import writes. A file without a rule is an
/// error in the import, not a silent pass-through.
pub const RULES: &[StripRule] = &[
    // Docs on the service, operations, shapes and member references; a
    // deprecation's message (the `deprecated` flag and `deprecatedSince` date
    // stay). `documentationUrl` occurs in no schema object of 1.43.11 but is
    // prose wherever it would.
    StripRule {
        stem: "service-2",
        prose: &["documentation", "documentationUrl", "deprecatedMessage"],
        name_maps: &[
            "operations",
            "shapes",
            "members",
            "clientContextParams",
            "staticContextParams",
            "operationContextParams",
        ],
        // Example requests in a few old API versions: data, left whole.
        opaque: &["examples"],
    },
    // Docs on parameters and rules; `error` rule messages are behaviour and stay.
    StripRule {
        stem: "endpoint-rule-set-1",
        prose: &["documentation"],
        name_maps: &["parameters"],
        opaque: &["properties", "headers"],
    },
    // A waiter's `description`.
    StripRule {
        stem: "waiters-2",
        prose: &["description", "documentation"],
        name_maps: &["waiters"],
        opaque: &["expected"],
    },
    StripRule {
        stem: "paginators-1",
        prose: &["documentation"],
        name_maps: &["pagination"],
        opaque: &[],
    },
    // boto3 resource models carry no prose.
    StripRule {
        stem: "resources-1",
        prose: &[],
        name_maps: &[],
        opaque: &[],
    },
    // Region `description`s are display names (facts) and stay.
    StripRule {
        stem: "partitions",
        prose: &[],
        name_maps: &[],
        opaque: &[],
    },
    StripRule {
        stem: "_retry",
        prose: &[],
        name_maps: &[],
        opaque: &[],
    },
    // The top-level `documentation` object describing each defaults mode.
    StripRule {
        stem: "sdk-default-configuration",
        prose: &["documentation"],
        name_maps: &["modes"],
        opaque: &[],
    },
];

/// The rule for `stem`, if the import knows the file.
pub fn rule_for(stem: &str) -> Option<&'static StripRule> {
    RULES.iter().find(|rule| rule.stem == stem)
}

impl StripRule {
    /// Removes the prose keys from `value`, whose top level is a schema object.
    /// Returns how many keys were removed.
    pub fn strip(&self, value: &mut Value) -> usize {
        self.strip_schema(value)
    }

    fn strip_schema(&self, value: &mut Value) -> usize {
        match value {
            Value::Object(map) => {
                let before = map.len();
                // `retain` keeps the order of the remaining keys.
                map.retain(|key, _| !self.prose.contains(&key.as_str()));
                let mut removed = before - map.len();
                for (key, child) in map.iter_mut() {
                    let key = key.as_str();
                    if self.opaque.contains(&key) {
                        continue;
                    }
                    removed += if self.name_maps.contains(&key) {
                        self.strip_name_map(child)
                    } else {
                        self.strip_schema(child)
                    };
                }
                removed
            }
            Value::Array(items) => items.iter_mut().map(|item| self.strip_schema(item)).sum(),
            _ => 0,
        }
    }

    fn strip_name_map(&self, value: &mut Value) -> usize {
        match value {
            Value::Object(map) => map.values_mut().map(|child| self.strip_schema(child)).sum(),
            // Not a map after all (a list of names, say): nothing is a key here.
            other => self.strip_schema(other),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn rule(stem: &str) -> &'static StripRule {
        rule_for(stem).unwrap()
    }

    #[test]
    fn service_docs_go_and_member_names_stay() {
        let mut model = json!({
            "version": "2.0",
            "metadata": {"apiVersion": "2018-05-10", "serviceId": "X"},
            "operations": {
                "Get": {
                    "name": "Get",
                    "input": {"shape": "GetIn", "documentation": "in"},
                    "errors": [{"shape": "Boom", "documentation": "boom"}],
                    "documentation": "<p>Gets.</p>",
                    "deprecated": true,
                    "deprecatedMessage": "use Fetch",
                    "deprecatedSince": "2024-01-01",
                    "staticContextParams": {"documentation": {"value": true}}
                }
            },
            "shapes": {
                "documentation": {"type": "string", "documentation": "a shape named so"},
                "GetIn": {
                    "type": "structure",
                    "members": {
                        "documentationUrl": {"shape": "S", "documentation": "x"},
                        "description": {"shape": "S"}
                    },
                    "documentation": "y"
                },
                "L": {"type": "list", "member": {"shape": "S", "documentation": "z"}}
            },
            "documentation": "top"
        });
        let removed = rule("service-2").strip(&mut model);
        assert_eq!(removed, 9);
        assert_eq!(
            model,
            json!({
                "version": "2.0",
                "metadata": {"apiVersion": "2018-05-10", "serviceId": "X"},
                "operations": {
                    "Get": {
                        "name": "Get",
                        "input": {"shape": "GetIn"},
                        "errors": [{"shape": "Boom"}],
                        "deprecated": true,
                        "deprecatedSince": "2024-01-01",
                        "staticContextParams": {"documentation": {"value": true}}
                    }
                },
                "shapes": {
                    "documentation": {"type": "string"},
                    "GetIn": {
                        "type": "structure",
                        "members": {
                            "documentationUrl": {"shape": "S"},
                            "description": {"shape": "S"}
                        }
                    },
                    "L": {"type": "list", "member": {"shape": "S"}}
                }
            })
        );
    }

    #[test]
    fn stripping_keeps_key_order() {
        let mut model: Value =
            serde_json::from_str(r#"{"z":1,"documentation":"d","a":2,"m":{"y":1,"b":2}}"#).unwrap();
        rule("service-2").strip(&mut model);
        assert_eq!(
            serde_json::to_string(&model).unwrap(),
            r#"{"z":1,"a":2,"m":{"y":1,"b":2}}"#
        );
    }

    #[test]
    fn rule_set_docs_go_and_opaque_properties_stay() {
        let mut rules = json!({
            "version": "1.0",
            "parameters": {
                "Region": {"builtIn": "AWS::Region", "required": false, "documentation": "r", "type": "String"}
            },
            "rules": [{
                "conditions": [],
                "rules": [{"conditions": [], "error": "Invalid Configuration", "type": "error", "documentation": "e"}],
                "type": "tree",
                "documentation": "t"
            }, {
                "conditions": [],
                "endpoint": {"url": "https://x", "properties": {"documentation": 1}, "headers": {}},
                "type": "endpoint"
            }]
        });
        assert_eq!(rule("endpoint-rule-set-1").strip(&mut rules), 3);
        assert_eq!(rules["parameters"]["Region"].get("documentation"), None);
        assert_eq!(
            rules["rules"][0]["rules"][0]["error"],
            "Invalid Configuration"
        );
        assert_eq!(
            rules["rules"][1]["endpoint"]["properties"]["documentation"],
            1
        );
    }

    #[test]
    fn waiter_descriptions_go_but_expected_values_stay() {
        let mut waiters = json!({
            "version": 2,
            "waiters": {
                "description": {
                    "delay": 5, "operation": "Describe", "maxAttempts": 40,
                    "description": "Wait until ...",
                    "acceptors": [{"expected": {"description": "kept"}, "matcher": "path", "state": "success", "argument": "a"}]
                }
            }
        });
        assert_eq!(rule("waiters-2").strip(&mut waiters), 1);
        assert_eq!(waiters["waiters"]["description"].get("description"), None);
        assert_eq!(
            waiters["waiters"]["description"]["acceptors"][0]["expected"]["description"],
            "kept"
        );
    }

    #[test]
    fn files_without_prose_are_untouched() {
        let original = json!({"partitions": [{"id": "aws", "regions": {"us-east-1": {"description": "US East (N. Virginia)"}}}], "version": "1.1"});
        let mut copy = original.clone();
        assert_eq!(rule("partitions").strip(&mut copy), 0);
        assert_eq!(copy, original);
    }
}
