//! [`Collection`]: boto3's `ResourceCollection` — the resources a listing
//! operation yields, narrowed by `filter`, `limit` and `page_size`, walked
//! page by page, and batch actions over them.

use alloc::string::{String, ToString};
use alloc::vec::Vec;

use serde_json::{Map, Value};

use super::ResourceError;
use super::model::CollectionModel;
use super::resource::{Resource, update};

/// A collection of a resource (`bucket.objects`, `ec2.instances`). Builders
/// return new collections, as boto3's do; nothing is called until pages
/// are asked for.
#[derive(Clone, Debug)]
pub struct Collection<'c> {
    parent: Resource<'c>,
    model: &'static CollectionModel,
    params: Map<String, Value>,
    limit: Option<usize>,
    page_size: Option<usize>,
}

/// boto3's `merge_dicts(a, b, append_lists=True)`: objects merge member by
/// member, lists append, anything else is replaced.
fn merge(into: &mut Map<String, Value>, from: Map<String, Value>) {
    for (k, v) in from {
        match (into.get_mut(&k), v) {
            (Some(Value::Object(a)), Value::Object(b)) => merge(a, b),
            (Some(Value::Array(a)), Value::Array(b)) => a.extend(b),
            (_, v) => {
                into.insert(k, v);
            }
        }
    }
}

impl<'c> Collection<'c> {
    pub(crate) fn new(parent: Resource<'c>, model: &'static CollectionModel) -> Self {
        Collection {
            parent,
            model,
            params: Map::new(),
            limit: None,
            page_size: None,
        }
    }

    /// The collection's model.
    pub fn model(&self) -> &'static CollectionModel {
        self.model
    }

    /// Every resource (the same collection; boto3's `all()`).
    pub fn all(&self) -> Self {
        self.clone()
    }

    /// The collection narrowed by request parameters (`{"Prefix": "a/"}`),
    /// merged into earlier ones (lists appended).
    pub fn filter(&self, params: Value) -> Result<Self, ResourceError> {
        let Value::Object(params) = params else {
            return Err(ResourceError::BadParams {
                operation: self.model.request.operation,
                reason: "filter parameters are not a JSON object".into(),
            });
        };
        let mut out = self.clone();
        merge(&mut out.params, params);
        Ok(out)
    }

    /// At most `n` resources.
    pub fn limit(&self, n: usize) -> Self {
        Collection {
            limit: Some(n),
            ..self.clone()
        }
    }

    /// Asks the service for pages of `n` items: the paginator's limit key
    /// (`MaxKeys`) is set to `n`. Fetching fails with
    /// [`ResourceError::Pagination`] when the paginator has no limit key;
    /// an operation without a paginator makes one call and ignores it.
    pub fn page_size(&self, n: usize) -> Self {
        Collection {
            page_size: Some(n),
            ..self.clone()
        }
    }

    /// The pages, fetched one at a time by [`Pages::next_page`].
    pub fn pages(&self) -> Pages<'c> {
        Pages {
            collection: self.clone(),
            token: Some(None),
            count: 0,
        }
    }

    /// Every resource of every page (up to the limit).
    pub async fn items(&self) -> Result<Vec<Resource<'c>>, ResourceError> {
        let mut out = Vec::new();
        let mut pages = self.pages();
        while let Some(page) = pages.next_page().await {
            out.extend(page?);
        }
        Ok(out)
    }

    /// Runs batch action `name` (`delete`) once per page, with the
    /// parameters each resource of the page fills in at its position, plus
    /// `params`; the responses, one per page (none when the collection is
    /// empty).
    pub async fn batch(&self, name: &str, params: Value) -> Result<Vec<Value>, ResourceError> {
        let service = self.parent.resource_service();
        let target = service
            .resource(self.model.resource.type_name)
            .ok_or_else(|| ResourceError::UnknownResource {
                name: self.model.resource.type_name.to_string(),
            })?;
        let action = target
            .batch_action(name)
            .ok_or_else(|| ResourceError::UnknownName {
                resource: target.name,
                kind: "batch action",
                name: name.to_string(),
            })?;
        let op = action.request.operation;
        let mut responses = Vec::new();
        let mut pages = self.pages();
        while let Some(page) = pages.next_page().await {
            let page = page?;
            let mut request = Value::Object(Map::new());
            for (i, resource) in page.iter().enumerate() {
                resource.ensure_for(&action.request).await?;
                resource.fill_params(&action.request, &mut request, Some(i))?;
            }
            if request.as_object().is_some_and(Map::is_empty) {
                break;
            }
            update(&mut request, params.clone(), op)?;
            let response = self.parent.caller().call_json(op, &request).await?;
            let result = self.parent.respond(action, op, &request, response)?;
            responses.push(result.into_response().unwrap_or(Value::Null));
        }
        Ok(responses)
    }
}

/// A collection's pages, fetched as they are asked for.
#[derive(Debug)]
pub struct Pages<'c> {
    collection: Collection<'c>,
    /// `Some(None)`: the first page is next; `Some(Some(t))`: the page after
    /// token `t`; `None`: done.
    token: Option<Option<Value>>,
    count: usize,
}

impl<'c> Pages<'c> {
    /// The next page's resources; `None` after the last page (or the limit).
    pub async fn next_page(&mut self) -> Option<Result<Vec<Resource<'c>>, ResourceError>> {
        let token = self.token.take()?;
        match self.fetch(token).await {
            Ok((mut page, next)) => {
                if let Some(limit) = self.collection.limit {
                    page.truncate(limit.saturating_sub(self.count));
                    if self.count + page.len() >= limit {
                        self.token = None;
                        self.count += page.len();
                        return Some(Ok(page));
                    }
                }
                self.count += page.len();
                self.token = next.map(Some);
                Some(Ok(page))
            }
            Err(e) => Some(Err(e)),
        }
    }

    /// One page: the resources and the next page's token, if any.
    async fn fetch(
        &self,
        token: Option<Value>,
    ) -> Result<(Vec<Resource<'c>>, Option<Value>), ResourceError> {
        let c = &self.collection;
        let request = &c.model.request;
        let op = request.operation;
        c.parent.ensure_for(request).await?;
        let mut params = Value::Object(Map::new());
        c.parent.fill_params(request, &mut params, None)?;
        if let Some(p) = params.as_object_mut() {
            merge(p, c.params.clone());
        }
        let pager =
            super::paging::Pager::new(c.parent.resource_service(), c.parent.caller().model(), op);
        pager.prepare(&mut params, c.page_size, token.as_ref())?;
        let response = c.parent.caller().call_json(op, &params).await?;
        let next = pager.next_token(&response, token.as_ref())?;
        let shape = {
            let m = c.parent.caller().model();
            m.operation(op).and_then(|o| m.output_of(o))
        };
        let made = c
            .parent
            .make(&c.model.resource, Some(op), &params, &response, shape)?;
        Ok((made.into_resources(), next))
    }
}
