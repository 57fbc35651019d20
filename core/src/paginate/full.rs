//! Pages as owned JSON (feature `alloc`): the items of a page
//! ([`page_items`], botocore's `result_key_iters`) and the merged result of
//! all pages ([`FullResult`], botocore's `build_full_result`, what the aws
//! CLI's `--paginate` prints).
//!
//! Values are `serde_json::Value`s as the aws CLI prints them: timestamps
//! ISO 8601 unless another [`TimestampStyle`] is asked for, blobs base64.

use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt;
use core::ops::ControlFlow;

use serde_json::{Map, Value as Json};

use super::{Page, PaginationError, Paginator};
use crate::format::FmtSink;
use crate::jmespath::{Value, search};
use crate::protocol::parse::{Output, TimestampStyle, ToJsonError};

/// Why a page could not be made owned JSON.
#[derive(Debug)]
pub enum OwnedError {
    /// A paginator expression failed over the page.
    Pagination(PaginationError),
    /// The page's values could not be written as JSON.
    Json(ToJsonError),
    /// The JSON written did not read back (a bug if it happens).
    Reread(String),
}

impl fmt::Display for OwnedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OwnedError::Pagination(e) => write!(f, "{e}"),
            OwnedError::Json(e) => write!(f, "cannot write a page as JSON: {e}"),
            OwnedError::Reread(e) => write!(f, "a page's JSON does not read back: {e}"),
        }
    }
}

impl core::error::Error for OwnedError {}

impl From<PaginationError> for OwnedError {
    fn from(e: PaginationError) -> Self {
        OwnedError::Pagination(e)
    }
}

/// An evaluator value as owned JSON, timestamps in `style`.
pub fn owned(v: &Value<'_>, style: TimestampStyle) -> Result<Json, OwnedError> {
    let eval = |e| OwnedError::Pagination(PaginationError::Eval(e));
    Ok(match v {
        Value::Null => Json::Null,
        Value::Bool(b) => Json::Bool(*b),
        Value::Int(i) => Json::from(*i),
        Value::Float(x) => Json::from(*x),
        Value::Str(s) => Json::from(*s),
        Value::Node(t) => {
            let mut sink = FmtSink(String::new());
            Output {
                node: t.node,
                shape: Some(t.shape),
                model: t.model,
            }
            .write_json_styled(&mut sink, style)
            .map_err(OwnedError::Json)?;
            serde_json::from_str(&sink.0).map_err(|e| OwnedError::Reread(e.to_string()))?
        }
        Value::List(..) => {
            let mut items = Vec::new();
            let mut failed = None;
            let _walked = v
                .for_each(&mut |x| {
                    match owned(&x, style) {
                        Ok(j) => items.push(j),
                        Err(e) => {
                            failed = Some(e);
                            return Ok(ControlFlow::Break(()));
                        }
                    }
                    Ok(ControlFlow::Continue(()))
                })
                .map_err(eval)?;
            if let Some(e) = failed {
                return Err(e);
            }
            Json::Array(items)
        }
    })
}

/// The value of result key `index` of `paginator` in `output`, with the
/// page's cuts applied as botocore's page iterator applies them: the primary
/// key's item window (`skip`, `take`); on the first page of a resumed
/// pagination, the secondary keys blanked (lists and strings emptied,
/// numbers kept, anything else null).
fn result_value(
    paginator: &Paginator,
    index: usize,
    output: &Output<'_>,
    page: Page,
    style: TimestampStyle,
) -> Result<Json, OwnedError> {
    let (Some(key), Some(shape)) = (paginator.result_key.get(index), output.shape) else {
        return Ok(Json::Null);
    };
    let root = Value::root(output.node, shape, output.model);
    let found = search(&key.expr, root).map_err(PaginationError::Eval)?;
    let mut v = owned(&found, style)?;
    if index == 0 {
        let take = page.take.unwrap_or(usize::MAX);
        match &mut v {
            Json::Array(items) => {
                *items = items.drain(..).skip(page.skip).take(take).collect();
            }
            Json::String(s) => {
                *s = s.chars().skip(page.skip).take(take).collect();
            }
            // botocore sets a primary key that is neither a list nor a
            // string to null on a resumed first page.
            other if page.resumed => *other = Json::Null,
            _ => {}
        }
    } else if page.resumed {
        v = match v {
            Json::Array(_) => Json::Array(Vec::new()),
            Json::String(_) => Json::String(String::new()),
            n @ Json::Number(_) => n,
            _ => Json::Null,
        };
    }
    Ok(v)
}

/// The items of a page's primary result key that belong to it (botocore's
/// `result_key_iters()[0]`, what `for item in paginator.paginate(...)
/// .search(result_key)` yields): the window of [`Page`] applied.
///
/// ```
/// # fn demo(paginator: &stratus_core::paginate::Paginator,
/// #         output: &stratus_core::protocol::parse::Output<'_>,
/// #         page: stratus_core::paginate::Page) {
/// use stratus_core::paginate::full::page_items;
/// use stratus_core::protocol::parse::TimestampStyle;
/// for item in page_items(paginator, output, page, TimestampStyle::Iso8601).unwrap() {
///     println!("{item}");
/// }
/// # }
/// ```
pub fn page_items(
    paginator: &Paginator,
    output: &Output<'_>,
    page: Page,
    style: TimestampStyle,
) -> Result<Vec<Json>, OwnedError> {
    Ok(match result_value(paginator, 0, output, page, style)? {
        Json::Array(items) => items,
        Json::Null => Vec::new(),
        // A string or object primary key is one item, as botocore's
        // `search` yields a non-list result directly.
        other => alloc::vec![other],
    })
}

/// `expression`'s value in `doc` when it is a dotted path (what botocore's
/// `set_value_from_jmespath` supports).
fn get_path_mut<'j>(doc: &'j mut Map<String, Json>, expression: &str) -> Option<&'j mut Json> {
    let mut parts = expression.split('.');
    let first = doc.get_mut(parts.next()?)?;
    parts
        .try_fold(first, |d, k| d.get_mut(k))
        .filter(|v| !v.is_null())
}

/// botocore's `set_value_from_jmespath`: sets a dotted path, making objects.
fn set_path(doc: &mut Map<String, Json>, expression: &str, value: Json) {
    let mut parts = expression.split('.').peekable();
    let mut map = doc;
    while let Some(k) = parts.next() {
        if parts.peek().is_none() {
            map.insert(k.to_string(), value);
            return;
        }
        let entry = map
            .entry(k.to_string())
            .or_insert_with(|| Json::Object(Map::new()));
        if !entry.is_object() {
            *entry = Json::Object(Map::new());
        }
        let Json::Object(next) = entry else { return };
        map = next;
    }
}

/// botocore's `merge_dicts`: `extra`'s members into `into`, objects merged.
fn merge(into: &mut Map<String, Json>, extra: Map<String, Json>) {
    for (k, v) in extra {
        match (into.get_mut(&k), v) {
            (Some(Json::Object(a)), Json::Object(b)) => merge(a, b),
            (_, v) => {
                into.insert(k, v);
            }
        }
    }
}

/// botocore's `build_full_result`, page by page: the result keys of every
/// page merged (lists extended, strings joined, numbers added), the
/// non-aggregate keys of the first page, and `NextToken` when `MaxItems`
/// left more.
///
/// ```
/// # fn demo(paginator: &'static stratus_core::paginate::Paginator,
/// #         pages: &[(stratus_core::protocol::parse::Output<'_>, stratus_core::paginate::Page)]) {
/// use stratus_core::paginate::full::FullResult;
/// let mut full = FullResult::new(paginator);
/// for (output, page) in pages {
///     full.add_page(output, *page).unwrap();
/// }
/// let json = full.finish(None);
/// # let _ = json;
/// # }
/// ```
#[derive(Debug)]
pub struct FullResult {
    paginator: &'static Paginator,
    style: TimestampStyle,
    complete: Map<String, Json>,
    non_aggregate: Option<Map<String, Json>>,
}

impl FullResult {
    /// An empty result for `paginator`, timestamps ISO 8601 (as the aws CLI prints them).
    pub fn new(paginator: &'static Paginator) -> Self {
        FullResult {
            paginator,
            style: TimestampStyle::Iso8601,
            complete: Map::new(),
            non_aggregate: None,
        }
    }

    /// The same with timestamps written in `style`.
    pub fn with_timestamps(mut self, style: TimestampStyle) -> Self {
        self.style = style;
        self
    }

    /// Adds one page with what [`PageState::after_page`](super::PageState::after_page) said of it.
    pub fn add_page(&mut self, output: &Output<'_>, page: Page) -> Result<(), OwnedError> {
        let Some(shape) = output.shape else {
            return Ok(());
        };
        if self.non_aggregate.is_none() {
            let root = Value::root(output.node, shape, output.model);
            let mut map = Map::new();
            for key in self.paginator.non_aggregate_keys {
                let found = search(&key.expr, root).map_err(PaginationError::Eval)?;
                set_path(&mut map, key.text, owned(&found, self.style)?);
            }
            self.non_aggregate = Some(map);
        }
        for (i, key) in self.paginator.result_key.iter().enumerate() {
            let v = result_value(self.paginator, i, output, page, self.style)?;
            if v.is_null() {
                continue;
            }
            // Merged in place: a copy of the growing list per page would
            // make a long pagination quadratic.
            match (get_path_mut(&mut self.complete, key.text), v) {
                (None, v) => set_path(&mut self.complete, key.text, v),
                (Some(Json::Array(old)), Json::Array(new)) => old.extend(new),
                (Some(Json::String(old)), Json::String(new)) => old.push_str(&new),
                (Some(Json::Number(old)), Json::Number(new)) => {
                    let sum = match (old.as_i64(), new.as_i64()) {
                        (Some(a), Some(b)) => Json::from(a.saturating_add(b)),
                        _ => Json::from(old.as_f64().unwrap_or(0.0) + new.as_f64().unwrap_or(0.0)),
                    };
                    if let Json::Number(n) = sum {
                        *old = n;
                    }
                }
                // botocore leaves other combinations as they were.
                (Some(_), _) => {}
            }
        }
        Ok(())
    }

    /// The full result, `resume_token` (when pagination stopped early) as `NextToken`.
    pub fn finish(mut self, resume_token: Option<&str>) -> Json {
        if let Some(extra) = self.non_aggregate.take() {
            merge(&mut self.complete, extra);
        }
        if let Some(t) = resume_token {
            self.complete.insert("NextToken".into(), Json::from(t));
        }
        Json::Object(self.complete)
    }
}
