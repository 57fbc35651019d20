//! botocore's "sdk extras": `<stem>.sdk-extras.json` files beside a model whose
//! `merge` object botocore's loader deep-merges into the model when it loads it
//! (for example the `SourceRegion` members of rds, docdb and neptune, or s3's
//! `Expires` shape). The import applies them the same way, so the committed
//! model is the one botocore uses.

use serde_json::{Map, Value};

/// The extras type botocore loads by default (`<stem>.<type>-extras.json`).
pub const EXTRAS_TYPE: &str = "sdk";

/// The stem of the extras file for model `stem`.
pub fn extras_stem(stem: &str) -> String {
    format!("{stem}.{EXTRAS_TYPE}-extras")
}

/// Why an extras file could not be applied.
#[derive(Debug, PartialEq, Eq)]
pub enum ExtrasError {
    /// The extras file's top level is not an object.
    NotAnObject,
    /// Its `merge` value is not an object.
    MergeNotAnObject,
}

/// Applies one loaded extras file to `model`: deep-merges its `merge` object,
/// if it has one (botocore ignores extras without one).
pub fn apply(model: &mut Map<String, Value>, extras: &Value) -> Result<(), ExtrasError> {
    let extras = extras.as_object().ok_or(ExtrasError::NotAnObject)?;
    match extras.get("merge") {
        None => Ok(()),
        Some(Value::Object(merge)) => {
            deep_merge(model, merge);
            Ok(())
        }
        Some(_) => Err(ExtrasError::MergeNotAnObject),
    }
}

/// Merges `extra` into `base` as botocore does: an object merges into an
/// existing object key by key; anything else (lists included) replaces the
/// old value. A replaced key keeps its place; a new key goes last.
pub fn deep_merge(base: &mut Map<String, Value>, extra: &Map<String, Value>) {
    for (key, value) in extra {
        match (base.get_mut(key), value) {
            (Some(Value::Object(old)), Value::Object(new)) => deep_merge(old, new),
            _ => {
                // `insert` on an existing key keeps its position.
                base.insert(key.clone(), value.clone());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn object(value: Value) -> Map<String, Value> {
        match value {
            Value::Object(map) => map,
            _ => panic!("not an object"),
        }
    }

    #[test]
    fn merge_recurses_into_objects_and_replaces_the_rest() {
        let mut model = object(json!({
            "metadata": {"serviceId": "Old", "protocol": "json"},
            "shapes": {"A": {"type": "structure", "members": {"X": {"shape": "S"}}}},
            "list": [1, 2]
        }));
        let extras = json!({
            "version": 1.0,
            "merge": {
                "metadata": {"serviceId": "New"},
                "shapes": {
                    "A": {"members": {"SourceRegion": {"shape": "String"}}},
                    "Expires": {"type": "timestamp"}
                },
                "list": [3]
            }
        });
        apply(&mut model, &extras).unwrap();
        assert_eq!(
            serde_json::to_string(&model).unwrap(),
            serde_json::to_string(&json!({
                "metadata": {"serviceId": "New", "protocol": "json"},
                "shapes": {
                    "A": {"type": "structure", "members": {"X": {"shape": "S"}, "SourceRegion": {"shape": "String"}}},
                    "Expires": {"type": "timestamp"}
                },
                "list": [3]
            }))
            .unwrap()
        );
    }

    #[test]
    fn extras_without_merge_change_nothing_and_bad_ones_are_errors() {
        let mut model = object(json!({"a": 1}));
        apply(&mut model, &json!({"version": 1.0})).unwrap();
        assert_eq!(Value::Object(model.clone()), json!({"a": 1}));
        assert_eq!(apply(&mut model, &json!([])), Err(ExtrasError::NotAnObject));
        assert_eq!(
            apply(&mut model, &json!({"merge": 3})),
            Err(ExtrasError::MergeNotAnObject)
        );
    }

    #[test]
    fn extras_stem_is_botocores_name() {
        assert_eq!(extras_stem("paginators-1"), "paginators-1.sdk-extras");
    }
}
