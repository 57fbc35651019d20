//! How a collection asks for its next page, as boto3's `ResourceCollection`
//! does: when the client `can_paginate` the listing operation (the service's
//! `paginators-1.json` has it), pages follow the paginator's tokens, and
//! `page_size` is sent as its `limit_key`; otherwise the collection makes one
//! call. The tokens are read from the page's parsed JSON with the
//! paginator's compiled expressions (`NextMarker || Contents[-1].Key`).

use alloc::vec::Vec;

use serde_json::Value;

use super::ResourceError;
use super::model::{Path, ResourceService};
use crate::model::{ServiceModel, Shape};
use crate::paginate::{PaginationError, Paginator};

/// The paging of one listing operation.
pub(crate) struct Pager {
    operation: &'static str,
    paginator: Option<&'static Paginator>,
    model: &'static ServiceModel,
    output: Option<&'static Shape>,
}

impl Pager {
    /// The pager of `operation`: its paginator in `service`, if it has one.
    pub(crate) fn new(
        service: &'static ResourceService,
        model: &'static ServiceModel,
        operation: &'static str,
    ) -> Self {
        Pager {
            operation,
            paginator: service.paginators.iter().find(|p| p.operation == operation),
            model,
            output: model.operation(operation).and_then(|o| model.output_of(o)),
        }
    }

    fn refuse(&self, error: PaginationError) -> ResourceError {
        ResourceError::Pagination {
            operation: self.operation,
            error,
        }
    }

    /// Sets the page size (the paginator's `limit_key`) and the tokens of the
    /// page asked for (`token`: the values of the paginator's `input_token`
    /// members, in order) in `params`. Without a paginator, `page_size` is
    /// not sent, as boto3 does not.
    pub(crate) fn prepare(
        &self,
        params: &mut Value,
        page_size: Option<usize>,
        token: Option<&Value>,
    ) -> Result<(), ResourceError> {
        let Some(paginator) = self.paginator else {
            return Ok(());
        };
        let Some(params) = params.as_object_mut() else {
            return Err(self.refuse(PaginationError::BadInput));
        };
        if let Some(n) = page_size {
            let key = paginator
                .limit_key
                .ok_or_else(|| self.refuse(PaginationError::NoLimitKey))?;
            params.insert(key.into(), Value::from(n));
        }
        if let Some(Value::Array(values)) = token {
            for (name, value) in paginator.input_token.iter().zip(values) {
                if !value.is_null() {
                    params.insert((*name).into(), value.clone());
                }
            }
        }
        Ok(())
    }

    /// The tokens of the page after `response` (the page `current` fetched),
    /// if there is one: none without a paginator, when every output token
    /// is null or `more_results` is false; the same tokens twice are
    /// botocore's `PaginationError`.
    pub(crate) fn next_token(
        &self,
        response: &Value,
        current: Option<&Value>,
    ) -> Result<Option<Value>, ResourceError> {
        let (Some(paginator), Some(shape)) = (self.paginator, self.output) else {
            return Ok(None);
        };
        let search = |text: &'static str, expr| {
            super::path::search(
                Path {
                    text,
                    expr: Some(expr),
                },
                response,
                shape,
                self.model,
            )
        };
        if let Some(more) = paginator.more_results
            && !truthy(&search(more.text, &more.expr)?)
        {
            return Ok(None);
        }
        let mut tokens = Vec::with_capacity(paginator.output_token.len());
        for key in paginator.output_token {
            tokens.push(search(key.text, &key.expr)?);
        }
        if tokens.iter().all(Value::is_null) {
            return Ok(None);
        }
        let next = Value::Array(tokens);
        if current == Some(&next) {
            return Err(self.refuse(PaginationError::SameTokenTwice));
        }
        Ok(Some(next))
    }
}

/// JMESPath truthiness: false, null, and empty strings, lists and objects
/// are false.
fn truthy(v: &Value) -> bool {
    match v {
        Value::Null | Value::Bool(false) => false,
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
        _ => true,
    }
}
