//! The blocking face of the resource engine (`stratus_core::resource`,
//! feature `resources`): the same resources and collections, each call run
//! to completion on this thread.
//!
//! ```no_run
//! use serde_json::json;
//! use stratus_core::client::Session;
//! use stratus_transport_std::resources::ServiceResource;
//! # fn demo(client: &dyn stratus_core::resource::Caller) -> Result<(), stratus_core::resource::ResourceError> {
//! let ec2 = ServiceResource::new(client, stratus_models::resources("ec2").unwrap());
//! let instance = ec2
//!     .action("create_instances", json!({"ImageId": "ami-12c6146b", "MinCount": 1, "MaxCount": 1}))?
//!     .into_resources()
//!     .remove(0);
//! println!("{} runs {}", instance.id(), instance.get("image_id")?);
//! instance.action("stop", json!({}))?;
//! # Ok(()) }
//! ```

use serde_json::Value;
use stratus_core::resource::model::ResourceService;
use stratus_core::resource::{self as engine, Caller, ResourceError};

/// A resource whose calls block; derefs to the engine's
/// [`Resource`](engine::Resource) for identifiers and data.
#[derive(Clone, Debug)]
pub struct Resource<'c>(pub engine::Resource<'c>);

/// The service resource (`boto3.resource("s3")`), blocking.
pub type ServiceResource<'c> = Resource<'c>;

impl<'c> std::ops::Deref for Resource<'c> {
    type Target = engine::Resource<'c>;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

/// What an action gives back, with blocking resources.
#[derive(Debug)]
pub enum ActionResult<'c> {
    /// The response (or its `path`), as botocore's parsed dict.
    Response(Value),
    /// One resource.
    Resource(Resource<'c>),
    /// Several resources.
    Resources(Vec<Resource<'c>>),
    /// No resource (an identifier was missing from the response).
    Nothing,
}

impl<'c> From<engine::ActionResult<'c>> for ActionResult<'c> {
    fn from(r: engine::ActionResult<'c>) -> Self {
        match r {
            engine::ActionResult::Response(v) => ActionResult::Response(v),
            engine::ActionResult::Resource(r) => ActionResult::Resource(Resource(r)),
            engine::ActionResult::Resources(rs) => {
                ActionResult::Resources(rs.into_iter().map(Resource).collect())
            }
            engine::ActionResult::Nothing => ActionResult::Nothing,
        }
    }
}

impl<'c> ActionResult<'c> {
    /// The resources made (one, many or none).
    pub fn into_resources(self) -> Vec<Resource<'c>> {
        match self {
            ActionResult::Resource(r) => vec![r],
            ActionResult::Resources(rs) => rs,
            ActionResult::Response(_) | ActionResult::Nothing => Vec::new(),
        }
    }

    /// The response, when the action makes no resources.
    pub fn into_response(self) -> Option<Value> {
        match self {
            ActionResult::Response(v) => Some(v),
            _ => None,
        }
    }
}

fn wait<F: core::future::Future>(f: F) -> F::Output {
    embassy_futures::block_on(f)
}

impl<'c> Resource<'c> {
    /// The service resource of `service`, calling through `client`.
    pub fn new(client: &'c dyn Caller, service: &'static ResourceService) -> Self {
        Resource(engine::Resource::service(client, service))
    }

    /// The first identifier as text (`instance.id`, `bucket.name`), empty
    /// for the service resource.
    pub fn id(&self) -> String {
        self.0
            .model()
            .identifiers
            .first()
            .and_then(|i| self.0.identifier_str(i.name))
            .unwrap_or_default()
    }

    /// Runs `load` (boto3's `load()`).
    pub fn load(&self) -> Result<(), ResourceError> {
        wait(self.0.load())
    }

    /// Loads again (boto3's `reload()`).
    pub fn reload(&self) -> Result<(), ResourceError> {
        wait(self.0.reload())
    }

    /// Attribute `name` (`image_id`), loaded on first use.
    pub fn get(&self, name: &str) -> Result<Value, ResourceError> {
        wait(self.0.get(name))
    }

    /// Runs action `name` with `params`.
    pub fn action(&self, name: &str, params: Value) -> Result<ActionResult<'c>, ResourceError> {
        wait(self.0.action(name, params)).map(ActionResult::from)
    }

    /// Runs resource waiter `name` (`wait_until_running`) with `params`
    /// (botocore's `WaiterConfig` among them), sleeping this thread between
    /// attempts; returns the attempts made.
    pub fn wait_until(&self, name: &str, params: Value) -> Result<u32, ResourceError> {
        wait(self.0.wait_until(name, params))
    }

    /// Reference `name` (`vpc`).
    pub fn reference(&self, name: &str) -> Result<ActionResult<'c>, ResourceError> {
        wait(self.0.reference(name)).map(ActionResult::from)
    }

    /// Sub-resource `name` with the caller's identifiers (`Bucket("b")`).
    pub fn subresource(&self, name: &str, args: &[&str]) -> Result<Resource<'c>, ResourceError> {
        self.0.subresource(name, args).map(Resource)
    }

    /// Collection `name` (`objects`).
    pub fn collection(&self, name: &str) -> Result<Collection<'c>, ResourceError> {
        self.0.collection(name).map(Collection)
    }
}

/// A collection whose pages are fetched on this thread.
#[derive(Clone, Debug)]
pub struct Collection<'c>(pub engine::Collection<'c>);

impl<'c> Collection<'c> {
    /// Every resource (boto3's `all()`).
    pub fn all(&self) -> Self {
        Collection(self.0.all())
    }

    /// Narrowed by request parameters.
    pub fn filter(&self, params: Value) -> Result<Self, ResourceError> {
        self.0.filter(params).map(Collection)
    }

    /// At most `n` resources.
    pub fn limit(&self, n: usize) -> Self {
        Collection(self.0.limit(n))
    }

    /// Pages of `n` items.
    pub fn page_size(&self, n: usize) -> Self {
        Collection(self.0.page_size(n))
    }

    /// The pages, each fetched when the iterator reaches it.
    pub fn pages(
        &self,
    ) -> impl Iterator<Item = Result<Vec<Resource<'c>>, ResourceError>> + use<'c> {
        let mut pages = self.0.pages();
        std::iter::from_fn(move || {
            wait(pages.next_page()).map(|p| p.map(|rs| rs.into_iter().map(Resource).collect()))
        })
    }

    /// Every resource of every page, in order.
    pub fn items(&self) -> Result<Vec<Resource<'c>>, ResourceError> {
        wait(self.0.items()).map(|rs| rs.into_iter().map(Resource).collect())
    }

    /// Batch action `name` (`delete`), one call per page.
    pub fn batch(&self, name: &str, params: Value) -> Result<Vec<Value>, ResourceError> {
        wait(self.0.batch(name, params))
    }
}
