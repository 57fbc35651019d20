//! boto3's resources and collections (feature `resources`, which needs a
//! heap): a dynamic engine over the static resource tables
//! `stratus-codegen` emits from boto3's `resources-1.json`
//! (`stratus_models::<service>::resources::RESOURCES`).
//!
//! * [`Resource::service`] is the service resource (`boto3.resource("ec2")`);
//!   [`Resource::subresource`] makes resources from identifiers
//!   (`ec2.Instance("i-1")`), [`Resource::action`] runs actions
//!   (`create_instances`, `stop`) and turns responses into resources.
//! * Attributes ([`Resource::get`]) load lazily through the resource's
//!   `load` request; [`Resource::reload`] refreshes them. References
//!   ([`Resource::reference`]) follow identifiers in the data.
//! * [`Collection`]s (`bucket.objects`) take `all`, `filter`, `limit`,
//!   `page_size`, walk [`Pages`] and run batch actions (`delete`). As
//!   boto3's, they page through the operation's paginator when the service
//!   has one ([`ResourceService::paginators`](model::ResourceService),
//!   botocore's `can_paginate`), sending `page_size` as its limit key;
//!   otherwise they make one call.
//!
//! Values are `serde_json::Value`s in botocore's parsed-dict form (what
//! [`CallOutput::write_json`](crate::client::CallOutput::write_json)
//! writes). Model paths (`Reservations[0].Instances[0]`) run on the
//! compiled JMESPath of [`crate::jmespath`]. The engine calls through the
//! [`Caller`] trait, which every [`Client`](crate::client::Client)
//! implements, so it runs over any transport; `stratus-transport-std` has a
//! blocking face.
//!
//! ```
//! use serde_json::json;
//! use stratus_core::resource::{Caller, LocalFuture, Resource, ResourceError};
//! use stratus_core::resource::model::*;
//! # use stratus_core::client::test_support::DEMO;
//! // A resource model with one resource, `Thing`, identified by `Name`.
//! static SERVICE: ResourceService = ResourceService {
//!     service: "demo",
//!     root: ResourceModel { name: "ServiceResource", identifiers: &[], shape: None, attributes: &[],
//!         load: None, actions: &[], batch_actions: &[], collections: &[], waiters: &[],
//!         has: &[Related { name: "Thing", python_name: "Thing", kind: RelatedKind::Subresource,
//!             resource: ResponseResource { type_name: "Thing", path: None,
//!                 identifiers: &[ResourceIdentifier { target: "Name", source: IdentifierSource::Input }] } }] },
//!     resources: &[ResourceModel { name: "Thing",
//!         identifiers: &[Identifier { name: "Name", python_name: "name", member_name: None }],
//!         shape: None, attributes: &[], load: None, actions: &[], batch_actions: &[], has: &[],
//!         collections: &[], waiters: &[] }],
//!     paginators: &[], waiters: &[],
//! };
//! struct Offline;
//! impl Caller for Offline {
//!     fn model(&self) -> &'static stratus_core::model::ServiceModel { &DEMO }
//!     fn call_json<'s>(&'s self, operation: &'static str, _: &'s serde_json::Value)
//!         -> LocalFuture<'s, Result<serde_json::Value, ResourceError>> {
//!         Box::pin(async move { Err(ResourceError::UnknownOperation { operation }) })
//!     }
//! }
//! let root = Resource::service(&Offline, &SERVICE);
//! let thing = root.subresource("Thing", &["t-1"]).unwrap();
//! assert_eq!(thing.identifier("name"), Some(&json!("t-1")));
//! // No load request: its attributes cannot be known.
//! let err = embassy_futures::block_on(thing.load()).unwrap_err();
//! assert_eq!(err, ResourceError::CannotLoad { resource: "Thing" });
//! ```

mod caller;
mod collection;
mod error;
pub mod model;
mod paging;
mod params;
mod path;
#[allow(clippy::module_inception)]
mod resource;

pub use caller::{Caller, LocalFuture, REQUEST_BYTES, RESPONSE_BYTES};
pub use collection::{Collection, Pages};
pub use error::ResourceError;
pub use resource::{ActionResult, Resource};
