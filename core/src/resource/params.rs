//! Request parameters from a resource: boto3's `build_param_structure`, the
//! reverse of a JMESPath (`InstanceIds[0]`, `Delete.Objects[*].Key`,
//! `Filters[0].Values[]`), building nested objects and lists.

use alloc::string::{String, ToString};
use alloc::vec::Vec;
use serde_json::{Map, Value};

/// Why a target could not be built.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct TargetError(pub String);

/// Sets `value` at `target` inside `params` (an object), creating objects
/// and lists on the way, as boto3 does:
///
/// * `a.b` — object members;
/// * `a[3]` — list element 3 (the list grows with `{}`s);
/// * `a[]` — a new element at the end;
/// * `a[*]` — element `index` (a batch action's resource position), or the
///   end without one.
///
/// The index of one part carries to the next `[*]` part, as in boto3.
pub(crate) fn set_target(
    params: &mut Value,
    target: &str,
    value: Value,
    mut index: Option<usize>,
) -> Result<(), TargetError> {
    let parts: Vec<&str> = target.split('.').collect();
    let mut pos = params;
    for (i, part) in parts.iter().enumerate() {
        let last = i + 1 == parts.len();
        let obj = as_object(pos, target)?;
        match part
            .strip_suffix(']')
            .and_then(|p| crate::text::rsplit_once_ascii(p, b'['))
        {
            Some((name, inner)) => {
                match inner {
                    "" => index = None,
                    "*" => {}
                    n => {
                        index = Some(n.parse().map_err(|_| {
                            TargetError(alloc::format!("bad index `[{n}]` in `{target}`"))
                        })?)
                    }
                }
                let slot = obj.entry(name.to_string()).or_insert(Value::Null);
                if !slot.is_array() {
                    *slot = Value::Array(Vec::new());
                }
                let Value::Array(list) = slot else {
                    return Err(TargetError(target.to_string()));
                };
                let at = index.unwrap_or(list.len());
                while list.len() <= at {
                    list.push(Value::Object(Map::new()));
                }
                let Some(element) = list.get_mut(at) else {
                    return Err(TargetError(target.to_string()));
                };
                if last {
                    *element = value;
                    return Ok(());
                }
                pos = element;
            }
            None => {
                if last {
                    obj.insert(part.to_string(), value);
                    return Ok(());
                }
                pos = obj
                    .entry(part.to_string())
                    .or_insert_with(|| Value::Object(Map::new()));
            }
        }
    }
    Ok(())
}

fn as_object<'v>(
    v: &'v mut Value,
    target: &str,
) -> Result<&'v mut Map<String, Value>, TargetError> {
    if v.is_null() {
        *v = Value::Object(Map::new());
    }
    v.as_object_mut().ok_or_else(|| {
        TargetError(alloc::format!(
            "`{target}` goes through a value that is not an object"
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn builds_like_boto3() {
        // The examples of boto3's build_param_structure docstring.
        let mut p = json!({});
        set_target(&mut p, "test[0]", json!(1), None).unwrap();
        set_target(&mut p, "foo.bar[0].baz", json!("hello world"), None).unwrap();
        assert_eq!(
            p,
            json!({"test": [1], "foo": {"bar": [{"baz": "hello world"}]}})
        );
        // `[]` appends; `[*]` takes the batch index.
        let mut p = json!({});
        set_target(&mut p, "Ids[]", json!("a"), None).unwrap();
        set_target(&mut p, "Ids[]", json!("b"), None).unwrap();
        set_target(&mut p, "Delete.Objects[*].Key", json!("k1"), Some(1)).unwrap();
        assert_eq!(
            p,
            json!({"Ids": ["a", "b"], "Delete": {"Objects": [{}, {"Key": "k1"}]}})
        );
        assert!(set_target(&mut p, "Ids[x]", json!(1), None).is_err());
        assert!(set_target(&mut json!({"a": 1}), "a.b", json!(1), None).is_err());
    }
}
