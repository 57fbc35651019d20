//! Model paths over owned JSON: the value is written as JSON, read back with
//! the core's JSON reader (members found by their member names, as in
//! botocore's parsed dict) and searched with the compiled JMESPath of
//! [`crate::jmespath`]; the result is copied out as owned JSON.

use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::ops::ControlFlow;

use serde_json::Value;

use super::ResourceError;
use super::model::Path;
use crate::format::json::JsonReader;
use crate::jmespath::{self, EvalError};
use crate::model::{ServiceModel, Shape};

/// `path` over `json`, a value of `shape` in `model`.
pub(crate) fn search(
    path: Path,
    json: &Value,
    shape: &'static Shape,
    model: &'static ServiceModel,
) -> Result<Value, ResourceError> {
    let fail = |reason: String| ResourceError::Path {
        path: path.text,
        reason,
    };
    let expr = path
        .expr
        .ok_or_else(|| fail("the compiled JMESPath does not support this expression".into()))?;
    if json.is_null() {
        return Ok(Value::Null);
    }
    let text = serde_json::to_vec(json).map_err(|e| fail(e.to_string()))?;
    let reader = JsonReader::by_member_name();
    let root = reader.root(&text).map_err(|e| fail(e.to_string()))?;
    let found = jmespath::search(expr, jmespath::Value::root(root, shape, model))
        .map_err(|e| fail(e.to_string()))?;
    owned(&found).map_err(|e| fail(e.to_string()))
}

/// An evaluator result as owned JSON.
fn owned(v: &jmespath::Value<'_>) -> Result<Value, EvalError> {
    Ok(match v {
        jmespath::Value::Null => Value::Null,
        jmespath::Value::Bool(b) => Value::Bool(*b),
        jmespath::Value::Int(i) => Value::from(*i),
        jmespath::Value::Float(f) => Value::from(*f),
        jmespath::Value::Str(s) => Value::from(*s),
        // The reader's nodes are spans of the JSON text just written.
        jmespath::Value::Node(t) => serde_json::from_slice(t.node.raw())
            .map_err(|_| EvalError::Decode(crate::model::view::DecodeError::Malformed))?,
        jmespath::Value::List(..) => {
            let mut items = Vec::new();
            let _walked = v.for_each(&mut |item| {
                items.push(owned(&item)?);
                Ok(ControlFlow::Continue(()))
            })?;
            Value::Array(items)
        }
    })
}
