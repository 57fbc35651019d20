//! How a collection asks for its next page. boto3 pages a collection with
//! the operation's paginator when `can_paginate` says so; stratus's
//! paginators have not landed yet, so every collection makes one call
//! (its first page) and `page_size` is not sent.

use serde_json::Value;

use super::ResourceError;
use crate::model::ServiceModel;

/// The paging of one listing operation.
pub(crate) struct Pager;

impl Pager {
    /// The pager of `operation` of `model`.
    pub(crate) fn new(_model: &'static ServiceModel, _operation: &'static str) -> Self {
        Pager
    }

    /// Sets the page size and the token of the page asked for in `params`.
    pub(crate) fn prepare(
        &self,
        _params: &mut Value,
        _page_size: Option<usize>,
        _token: Option<&Value>,
    ) {
    }

    /// The token of the page after `response`, if there is one.
    pub(crate) fn next_token(&self, _response: &Value) -> Result<Option<Value>, ResourceError> {
        Ok(None)
    }
}
