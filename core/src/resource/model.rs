//! The static tables of boto3's resource models (`resources-1.json`), as
//! `stratus-codegen` emits them per service (feature `resources` of
//! `stratus-models`). Plain data: nothing here allocates.
//!
//! Names keep the model's spelling (`Instance`, `CreateInstances`); each
//! action, reference, collection and waiter also carries the name boto3 gives
//! its Python attribute (`create_instances`, `vpc`, `instances`,
//! `wait_until_running`), so either spelling finds it.

use crate::jmespath::Expr;

/// A JMESPath expression of the model (`Reservations[].Instances[]`): its
/// text, and the expression `stratus_codegen::jmespath` compiled from it
/// (`None` when the compiler refuses it, e.g. a multi-select list; using such
/// a path is a [`ResourceError::Path`](super::ResourceError::Path)).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Path {
    /// The expression as the model wrote it.
    pub text: &'static str,
    /// The compiled expression.
    pub expr: Option<&'static Expr>,
}

/// One service's resource model: its service resource and its resources.
#[derive(Debug)]
pub struct ResourceService {
    /// The botocore service name (`ec2`).
    pub service: &'static str,
    /// The service resource (`ec2 = boto3.resource("ec2")`): no identifiers.
    pub root: ResourceModel,
    /// The resources, sorted by name.
    pub resources: &'static [ResourceModel],
    /// The service's paginators (`<service>::PAGINATORS`): a collection whose
    /// operation has one pages through it, as boto3's `can_paginate` says.
    pub paginators: &'static [crate::paginate::Paginator],
    /// The service's waiters (`<service>::WAITERS`), which resource waiters
    /// (`wait_until_running`) name.
    pub waiters: &'static [crate::waiter::Waiter],
}

impl ResourceService {
    /// The resource named `name` (`Instance`).
    pub fn resource(&self, name: &str) -> Option<&'static ResourceModel> {
        self.resources
            .binary_search_by(|r| r.name.cmp(name))
            .ok()
            .and_then(|i| self.resources.get(i))
    }
}

/// One resource (or the service resource): what identifies it, how it loads,
/// what it can do and what it leads to.
#[derive(Debug)]
pub struct ResourceModel {
    /// The model's name (`Instance`; `ServiceResource` for the root).
    pub name: &'static str,
    /// Identifiers, in the order the constructor takes them.
    pub identifiers: &'static [Identifier],
    /// The output shape its data has (`Instance`), if any.
    pub shape: Option<&'static str>,
    /// The attributes from `shape`: `(python name, member name)`; members
    /// whose python name is an identifier's are left out, as boto3 does.
    pub attributes: &'static [(&'static str, &'static str)],
    /// How `load` / `reload` fetch the data, if the resource can load.
    pub load: Option<&'static Load>,
    /// Actions (`Stop`).
    pub actions: &'static [Action],
    /// Batch actions, run on a collection of this resource (`Delete`).
    pub batch_actions: &'static [Action],
    /// `has`: references (identifiers from data) and sub-resources.
    pub has: &'static [Related],
    /// `hasMany`: collections.
    pub collections: &'static [CollectionModel],
    /// Resource waiters (`Running`).
    pub waiters: &'static [ResourceWaiter],
}

/// A find by model name or python name over a table.
pub(crate) fn find<'t, T>(
    items: &'t [T],
    name: &str,
    names: impl Fn(&T) -> (&'static str, &'static str),
) -> Option<&'t T> {
    items.iter().find(|i| {
        let (model, python) = names(i);
        model == name || python == name
    })
}

impl ResourceModel {
    /// The action called `name` (`Stop` or `stop`).
    pub fn action(&self, name: &str) -> Option<&'static Action> {
        find(self.actions, name, |a| (a.name, a.python_name))
    }

    /// The batch action called `name` (`Delete` or `delete`).
    pub fn batch_action(&self, name: &str) -> Option<&'static Action> {
        find(self.batch_actions, name, |a| (a.name, a.python_name))
    }

    /// The reference or sub-resource called `name` (`Vpc` / `vpc`, `Object`).
    pub fn related(&self, name: &str) -> Option<&'static Related> {
        find(self.has, name, |r| (r.name, r.python_name))
    }

    /// The collection called `name` (`Instances` / `instances`).
    pub fn collection(&self, name: &str) -> Option<&'static CollectionModel> {
        find(self.collections, name, |c| (c.name, c.python_name))
    }

    /// The waiter called `name` (`Running`, `wait_until_running`).
    pub fn waiter(&self, name: &str) -> Option<&'static ResourceWaiter> {
        find(self.waiters, name, |w| (w.name, w.python_name))
    }

    /// The member behind attribute `name` (`image_id` or `ImageId`).
    pub fn attribute(&self, name: &str) -> Option<&'static str> {
        self.attributes
            .iter()
            .find(|(python, member)| *python == name || *member == name)
            .map(|(_, member)| *member)
    }
}

/// One identifier of a resource.
#[derive(Debug)]
pub struct Identifier {
    /// Its name (`Id`).
    pub name: &'static str,
    /// Its python name (`id`).
    pub python_name: &'static str,
    /// The data member holding the same value, if the model names one.
    pub member_name: Option<&'static str>,
}

/// `load`: the request and where the data sits in the response.
#[derive(Debug)]
pub struct Load {
    /// The request.
    pub request: Request,
    /// The data's path in the response (`Reservations[0].Instances[0]`).
    pub path: Path,
}

/// An operation call with parameters filled from the resource.
#[derive(Debug)]
pub struct Request {
    /// The operation (`DescribeInstances`).
    pub operation: &'static str,
    /// Parameters the resource fills in.
    pub params: &'static [Param],
}

/// One request parameter the resource fills in.
#[derive(Debug)]
pub struct Param {
    /// Where it goes (`InstanceIds[0]`, `Delete.Objects[*].Key`): boto3's
    /// reverse-JMESPath target.
    pub target: &'static str,
    /// Where its value comes from.
    pub source: ParamSource,
}

/// Where a request parameter's value comes from.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ParamSource {
    /// The resource's identifier of this name.
    Identifier(&'static str),
    /// A path into the resource's data (loaded first if needed).
    Data(Path),
    /// A constant string.
    String(&'static str),
    /// A constant integer.
    Integer(i64),
    /// A constant boolean.
    Boolean(bool),
    /// Given by the caller.
    Input,
}

/// An action (or batch action): a request, and what its response becomes.
#[derive(Debug)]
pub struct Action {
    /// The model's name (`CreateInstances`).
    pub name: &'static str,
    /// boto3's method name (`create_instances`).
    pub python_name: &'static str,
    /// The request.
    pub request: Request,
    /// Resources the response makes, if any.
    pub resource: Option<ResponseResource>,
    /// Without `resource`: the part of the response returned, if not all.
    pub path: Option<Path>,
}

/// Resources made from a response (or from a resource's data).
#[derive(Debug)]
pub struct ResponseResource {
    /// The resource type (`Instance`).
    pub type_name: &'static str,
    /// How each identifier is found.
    pub identifiers: &'static [ResourceIdentifier],
    /// Where each resource's data sits, if the response carries it.
    pub path: Option<Path>,
}

/// How one identifier of a made resource is found.
#[derive(Debug)]
pub struct ResourceIdentifier {
    /// The identifier of the made resource (`Id`).
    pub target: &'static str,
    /// Where its value comes from.
    pub source: IdentifierSource,
}

/// Where a made resource's identifier comes from.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum IdentifierSource {
    /// A path into the response.
    Response(Path),
    /// A path into the request's parameters.
    RequestParameter(Path),
    /// The parent resource's identifier of this name.
    Identifier(&'static str),
    /// A path into the parent's data (loaded first if needed).
    Data(Path),
    /// Given by the caller (a sub-resource's argument).
    Input,
}

/// What a `has` entry is, as boto3 sorts them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RelatedKind {
    /// An identifier comes from the parent's data (`instance.vpc`).
    Reference,
    /// Identifiers come from the parent and the caller (`bucket.Object(key)`).
    Subresource,
}

/// A `has` entry: a reference or a sub-resource.
#[derive(Debug)]
pub struct Related {
    /// The model's name (`Vpc`, `Object`).
    pub name: &'static str,
    /// boto3's attribute name (`vpc` for references, `Object` for sub-resources).
    pub python_name: &'static str,
    /// Reference or sub-resource.
    pub kind: RelatedKind,
    /// The resource it leads to.
    pub resource: ResponseResource,
}

/// A `hasMany` entry: a collection.
#[derive(Debug)]
pub struct CollectionModel {
    /// The model's name (`Instances`).
    pub name: &'static str,
    /// boto3's attribute name (`instances`).
    pub python_name: &'static str,
    /// The listing request.
    pub request: Request,
    /// The resources each page makes.
    pub resource: ResponseResource,
}

/// A resource waiter (`instance.wait_until_running()`).
#[derive(Debug)]
pub struct ResourceWaiter {
    /// The model's name (`Running`).
    pub name: &'static str,
    /// boto3's method name (`wait_until_running`).
    pub python_name: &'static str,
    /// The client waiter it runs (`InstanceRunning`).
    pub waiter_name: &'static str,
    /// Parameters filled from the resource.
    pub params: &'static [Param],
    /// The data's path in the waiter's last response, if the model gives one.
    pub path: Option<Path>,
}
