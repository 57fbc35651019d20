//! [`Resource`]: one resource (or the service resource) with its
//! identifiers, its lazily loaded data, its actions, references,
//! sub-resources, collections and waiters — boto3's `ServiceResource`
//! semantics over the static tables of [`model`](super::model).

use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::cell::RefCell;
use core::fmt;

use serde_json::{Map, Value};

use super::ResourceError;
use super::caller::Caller;
use super::collection::Collection;
use super::model::{
    Action, IdentifierSource, ParamSource, RelatedKind, Request, ResourceModel, ResourceService,
    ResponseResource,
};
use super::params::set_target;
use super::path::search;
use crate::client::paging::WaitConfig;
use crate::model::Shape;

/// A resource: its type, identifiers and (once loaded) data, bound to a
/// client. The service resource is a `Resource` without identifiers.
///
/// Attributes load lazily: the first [`get`](Self::get) of a resource without
/// data runs its `load` request, as boto3 does; [`reload`](Self::reload)
/// fetches again.
pub struct Resource<'c> {
    caller: &'c dyn Caller,
    service: &'static ResourceService,
    model: &'static ResourceModel,
    identifiers: Vec<Value>,
    data: RefCell<Option<Value>>,
}

impl Clone for Resource<'_> {
    fn clone(&self) -> Self {
        Resource {
            caller: self.caller,
            service: self.service,
            model: self.model,
            identifiers: self.identifiers.clone(),
            data: RefCell::new(self.data.borrow().clone()),
        }
    }
}

impl fmt::Debug for Resource<'_> {
    // Identifiers name things (ids, names, URLs); data is left out: it can
    // hold anything the service returns.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Resource");
        d.field("service", &self.service.service)
            .field("type", &self.model.name);
        for (id, v) in self.model.identifiers.iter().zip(&self.identifiers) {
            d.field(id.python_name, v);
        }
        d.field("loaded", &self.data.borrow().is_some()).finish()
    }
}

/// What an action gives back.
#[derive(Debug)]
pub enum ActionResult<'c> {
    /// The response (or the part the action's `path` names), as botocore's
    /// parsed dict.
    Response(Value),
    /// One resource made from the response.
    Resource(Resource<'c>),
    /// Resources made from a list in the response.
    Resources(Vec<Resource<'c>>),
    /// The response named no resource (an identifier was missing).
    Nothing,
}

impl<'c> ActionResult<'c> {
    /// The resources made, as a list (one, many or none).
    pub fn into_resources(self) -> Vec<Resource<'c>> {
        match self {
            ActionResult::Resource(r) => alloc::vec![r],
            ActionResult::Resources(rs) => rs,
            ActionResult::Response(_) | ActionResult::Nothing => Vec::new(),
        }
    }

    /// The raw response, when the action makes no resources.
    pub fn into_response(self) -> Option<Value> {
        match self {
            ActionResult::Response(v) => Some(v),
            _ => None,
        }
    }
}

/// Whether an identifier value is one a resource can carry.
fn is_identifier(v: &Value) -> bool {
    v.is_string() || v.is_number()
}

impl<'c> Resource<'c> {
    /// The service resource of `service` (`boto3.resource("ec2")`), calling
    /// through `caller` (a [`Client`](crate::client::Client) of the same
    /// service).
    pub fn service(caller: &'c dyn Caller, service: &'static ResourceService) -> Self {
        Resource {
            caller,
            service,
            model: &service.root,
            identifiers: Vec::new(),
            data: RefCell::new(None),
        }
    }

    /// A resource of type `type_name` with `identifiers` in the model's order
    /// (`ec2.Instance("i-1")`), without data.
    pub fn new(
        caller: &'c dyn Caller,
        service: &'static ResourceService,
        type_name: &str,
        identifiers: Vec<Value>,
    ) -> Result<Self, ResourceError> {
        let model = service
            .resource(type_name)
            .ok_or_else(|| ResourceError::UnknownResource {
                name: type_name.to_string(),
            })?;
        if identifiers.len() != model.identifiers.len() {
            return Err(ResourceError::Identifiers {
                resource: model.name,
                expected: model.identifiers.len(),
                given: identifiers.len(),
            });
        }
        if let Some((id, _)) = model
            .identifiers
            .iter()
            .zip(&identifiers)
            .find(|(_, v)| !is_identifier(v))
        {
            return Err(ResourceError::BadIdentifier {
                resource: model.name,
                identifier: id.name,
            });
        }
        Ok(Resource {
            caller,
            service,
            model,
            identifiers,
            data: RefCell::new(None),
        })
    }

    /// The resource's type name (`Instance`; `ServiceResource`).
    pub fn type_name(&self) -> &'static str {
        self.model.name
    }

    /// The resource's model.
    pub fn model(&self) -> &'static ResourceModel {
        self.model
    }

    /// The client the resource calls through.
    pub fn caller(&self) -> &'c dyn Caller {
        self.caller
    }

    /// The identifier called `name` (`Id` or `id`).
    pub fn identifier(&self, name: &str) -> Option<&Value> {
        self.model
            .identifiers
            .iter()
            .position(|i| i.name == name || i.python_name == name)
            .and_then(|i| self.identifiers.get(i))
    }

    /// The identifier called `name` as text (numbers written out).
    pub fn identifier_str(&self, name: &str) -> Option<String> {
        self.identifier(name).map(|v| match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        })
    }

    /// The identifiers, `(name, value)` in the model's order.
    pub fn identifiers(&self) -> impl Iterator<Item = (&'static str, &Value)> {
        self.model
            .identifiers
            .iter()
            .map(|i| i.name)
            .zip(self.identifiers.iter())
    }

    /// The data loaded (or given by the response that made the resource).
    pub fn data(&self) -> Option<Value> {
        self.data.borrow().clone()
    }

    fn shape(&self) -> Option<&'static Shape> {
        self.model
            .shape
            .and_then(|s| self.caller.model().shape_by_name(s))
            .map(|(_, shape)| shape)
    }

    fn operation(&self, name: &'static str) -> Result<(), ResourceError> {
        self.caller
            .model()
            .operation(name)
            .map(|_| ())
            .ok_or(ResourceError::UnknownOperation { operation: name })
    }

    fn output_shape(&self, op: &'static str) -> Option<&'static Shape> {
        let m = self.caller.model();
        m.operation(op).and_then(|o| m.output_of(o))
    }

    fn input_shape(&self, op: &'static str) -> Option<&'static Shape> {
        let m = self.caller.model();
        m.operation(op).and_then(|o| m.input_of(o))
    }

    fn unknown(&self, kind: &'static str, name: &str) -> ResourceError {
        ResourceError::UnknownName {
            resource: self.model.name,
            kind,
            name: name.to_string(),
        }
    }

    /// Runs the resource's `load` request and keeps the data it names
    /// (boto3's `load()`); [`ResourceError::CannotLoad`] without one.
    pub async fn load(&self) -> Result<(), ResourceError> {
        let load = self.model.load.ok_or(ResourceError::CannotLoad {
            resource: self.model.name,
        })?;
        let op = load.request.operation;
        self.operation(op)?;
        let mut params = Value::Object(Map::new());
        self.fill_params(&load.request, &mut params, None)?;
        let response = self.caller.call_json(op, &params).await?;
        let data = match self.output_shape(op) {
            Some(shape) => search(load.path, &response, shape, self.caller.model())?,
            None => Value::Null,
        };
        *self.data.borrow_mut() = Some(data);
        Ok(())
    }

    /// Loads again (boto3's `reload()`).
    pub async fn reload(&self) -> Result<(), ResourceError> {
        self.load().await
    }

    /// Loads when there is no data yet.
    async fn ensure_loaded(&self) -> Result<(), ResourceError> {
        if self.data.borrow().is_none() {
            self.load().await?;
        }
        Ok(())
    }

    /// Attribute `name` (`image_id` or `ImageId`), loading first if the
    /// resource has no data; `Null` when the data lacks it. Identifiers are
    /// found too (`id`).
    pub async fn get(&self, name: &str) -> Result<Value, ResourceError> {
        if let Some(v) = self.identifier(name) {
            return Ok(v.clone());
        }
        let member = self
            .model
            .attribute(name)
            .ok_or_else(|| self.unknown("attribute", name))?;
        self.ensure_loaded().await?;
        Ok(self
            .data
            .borrow()
            .as_ref()
            .and_then(|d| d.get(member))
            .cloned()
            .unwrap_or(Value::Null))
    }

    /// `path` over the data (which must be loaded).
    fn data_member(&self, path: super::model::Path) -> Result<Value, ResourceError> {
        let data = self.data.borrow();
        let data = data.as_ref().ok_or(ResourceError::CannotLoad {
            resource: self.model.name,
        })?;
        match self.shape() {
            Some(shape) => search(path, data, shape, self.caller.model()),
            None => Err(ResourceError::Path {
                path: path.text,
                reason: "the resource has no shape".into(),
            }),
        }
    }

    /// Loads first when a parameter of `request` reads the data.
    pub(crate) async fn ensure_for(&self, request: &Request) -> Result<(), ResourceError> {
        if request
            .params
            .iter()
            .any(|p| matches!(p.source, ParamSource::Data(_)))
        {
            self.ensure_loaded().await?;
        }
        Ok(())
    }

    /// boto3's `create_request_parameters`: the parameters the resource
    /// fills in, into `params`, at list position `index` for batches.
    pub(crate) fn fill_params(
        &self,
        request: &Request,
        params: &mut Value,
        index: Option<usize>,
    ) -> Result<(), ResourceError> {
        for p in request.params {
            let value = match p.source {
                ParamSource::Identifier(name) => self
                    .identifier(name)
                    .cloned()
                    .ok_or_else(|| self.unknown("identifier", name))?,
                ParamSource::Data(path) => self.data_member(path)?,
                ParamSource::String(s) => Value::from(s),
                ParamSource::Integer(i) => Value::from(i),
                ParamSource::Boolean(b) => Value::from(b),
                ParamSource::Input => continue,
            };
            set_target(params, p.target, value, index).map_err(|e| ResourceError::BadParams {
                operation: request.operation,
                reason: e.0,
            })?;
        }
        Ok(())
    }

    /// Runs action `name` (`stop`, `create_instances`) with the caller's
    /// `params` (a JSON object; its members replace the ones the resource
    /// fills in, as boto3's `params.update`).
    pub async fn action(
        &self,
        name: &str,
        params: Value,
    ) -> Result<ActionResult<'c>, ResourceError> {
        let action = self
            .model
            .action(name)
            .ok_or_else(|| self.unknown("action", name))?;
        self.run(action, params).await
    }

    async fn run(
        &self,
        action: &'static Action,
        extra: Value,
    ) -> Result<ActionResult<'c>, ResourceError> {
        let op = action.request.operation;
        self.operation(op)?;
        self.ensure_for(&action.request).await?;
        let mut params = Value::Object(Map::new());
        self.fill_params(&action.request, &mut params, None)?;
        update(&mut params, extra, op)?;
        let response = self.caller.call_json(op, &params).await?;
        self.respond(action, op, &params, response)
    }

    /// What an action's response becomes: resources, or the response (or
    /// its `path`).
    pub(crate) fn respond(
        &self,
        action: &'static Action,
        op: &'static str,
        params: &Value,
        response: Value,
    ) -> Result<ActionResult<'c>, ResourceError> {
        let shape = self.output_shape(op);
        match &action.resource {
            Some(rr) => self.make(rr, Some(op), params, &response, shape),
            None => match (action.path, shape) {
                (Some(path), Some(shape)) if path.text != "$" => Ok(ActionResult::Response(
                    search(path, &response, shape, self.caller.model())?,
                )),
                _ => Ok(ActionResult::Response(response)),
            },
        }
    }

    /// boto3's `ResourceHandler`: the resources `rr` makes from `response`
    /// (of shape `shape`), the request `params` and this resource.
    pub(crate) fn make(
        &self,
        rr: &'static ResponseResource,
        op: Option<&'static str>,
        params: &Value,
        response: &Value,
        shape: Option<&'static Shape>,
    ) -> Result<ActionResult<'c>, ResourceError> {
        let target =
            self.service
                .resource(rr.type_name)
                .ok_or_else(|| ResourceError::UnknownResource {
                    name: rr.type_name.to_string(),
                })?;
        let model = self.caller.model();
        let in_response = |path: super::model::Path| match shape {
            Some(shape) => search(path, response, shape, model),
            None => Ok(Value::Null),
        };
        let found = rr.path.map(in_response).transpose()?;
        let mut ids: Vec<(&'static str, Value)> = Vec::new();
        for rid in rr.identifiers {
            let value = match rid.source {
                IdentifierSource::Response(path) => in_response(path)?,
                IdentifierSource::RequestParameter(path) => {
                    match op.and_then(|op| self.input_shape(op)) {
                        Some(shape) => search(path, params, shape, model)?,
                        None => Value::Null,
                    }
                }
                IdentifierSource::Identifier(name) => self
                    .identifier(name)
                    .cloned()
                    .ok_or_else(|| self.unknown("identifier", name))?,
                IdentifierSource::Data(path) => self.data_member(path)?,
                IdentifierSource::Input => continue,
            };
            ids.push((rid.target, value));
        }
        let build =
            |i: Option<usize>, data: Option<Value>| -> Result<Resource<'c>, ResourceError> {
                let mut values = Vec::new();
                for id in target.identifiers {
                    let v = ids
                        .iter()
                        .find(|(t, _)| *t == id.name)
                        .map(|(_, v)| match (v, i) {
                            (Value::Array(list), Some(i)) => {
                                list.get(i).cloned().unwrap_or(Value::Null)
                            }
                            (v, _) => v.clone(),
                        })
                        .unwrap_or(Value::Null);
                    values.push(v);
                }
                let r = Resource::new(self.caller, self.service, target.name, values)?;
                *r.data.borrow_mut() = data.filter(|d| !d.is_null());
                Ok(r)
            };
        let plural = ids.iter().find_map(|(_, v)| v.as_array().map(Vec::len));
        if let Some(n) = plural {
            let items = found.as_ref().and_then(Value::as_array);
            let mut out = Vec::with_capacity(n);
            for i in 0..n {
                out.push(build(Some(i), items.and_then(|l| l.get(i)).cloned())?);
            }
            return Ok(ActionResult::Resources(out));
        }
        if ids.iter().any(|(_, v)| v.is_null()) {
            return Ok(ActionResult::Nothing);
        }
        Ok(ActionResult::Resource(build(None, found)?))
    }

    /// Reference `name` (`vpc`): the resource(s) the data names, loading
    /// first if needed; [`ActionResult::Nothing`] when the data has no such
    /// identifier.
    pub async fn reference(&self, name: &str) -> Result<ActionResult<'c>, ResourceError> {
        let related = self
            .model
            .related(name)
            .filter(|r| r.kind == RelatedKind::Reference)
            .ok_or_else(|| self.unknown("reference", name))?;
        self.ensure_loaded().await?;
        let data = self.data().unwrap_or(Value::Null);
        self.make(&related.resource, None, &Value::Null, &data, self.shape())
    }

    /// Sub-resource `name` (`Object`, `Instance`) with the caller's
    /// identifiers `args` in order; the others come from this resource
    /// (`bucket.Object("key")`, `ec2.Instance("i-1")`).
    pub fn subresource(&self, name: &str, args: &[&str]) -> Result<Resource<'c>, ResourceError> {
        let related = self
            .model
            .related(name)
            .filter(|r| r.kind == RelatedKind::Subresource)
            .ok_or_else(|| self.unknown("sub-resource", name))?;
        let rr = &related.resource;
        let target =
            self.service
                .resource(rr.type_name)
                .ok_or_else(|| ResourceError::UnknownResource {
                    name: rr.type_name.to_string(),
                })?;
        let inputs = rr
            .identifiers
            .iter()
            .filter(|i| i.source == IdentifierSource::Input)
            .count();
        if inputs != args.len() {
            return Err(ResourceError::Identifiers {
                resource: target.name,
                expected: inputs,
                given: args.len(),
            });
        }
        let mut args = args.iter();
        let mut ids: Vec<(&'static str, Value)> = Vec::new();
        for rid in rr.identifiers {
            let v = match rid.source {
                IdentifierSource::Input => Value::from(*args.next().unwrap_or(&"")),
                IdentifierSource::Identifier(n) => self
                    .identifier(n)
                    .cloned()
                    .ok_or_else(|| self.unknown("identifier", n))?,
                _ => self.data_member_or_null(rid.source),
            };
            ids.push((rid.target, v));
        }
        let values = target
            .identifiers
            .iter()
            .map(|id| {
                ids.iter()
                    .find(|(t, _)| *t == id.name)
                    .map(|(_, v)| v.clone())
                    .unwrap_or(Value::Null)
            })
            .collect();
        Resource::new(self.caller, self.service, target.name, values)
    }

    fn data_member_or_null(&self, source: IdentifierSource) -> Value {
        match source {
            IdentifierSource::Data(path) => self.data_member(path).unwrap_or(Value::Null),
            _ => Value::Null,
        }
    }

    /// Runs resource waiter `name` (`Running` or `wait_until_running`), as
    /// boto3's `instance.wait_until_running(**kwargs)`: the client waiter
    /// the model names (`InstanceRunning`), with parameters built from the
    /// resource's identifiers and the caller's `params` merged over them.
    /// `params` may hold botocore's `WaiterConfig` (`{"Delay": 1,
    /// "MaxAttempts": 10}`, seconds as any number), which is not sent.
    /// Returns the attempts made; the resource's data is left as it was (as
    /// boto3's, which does not reload).
    pub async fn wait_until(&self, name: &str, params: Value) -> Result<u32, ResourceError> {
        let model = self
            .model
            .waiter(name)
            .ok_or_else(|| self.unknown("waiter", name))?;
        let waiter = self
            .service
            .waiters
            .iter()
            .find(|w| w.name == model.waiter_name)
            .ok_or_else(|| ResourceError::Waiter {
                waiter: model.waiter_name,
                reason: "the service has no such client waiter".into(),
            })?;
        let request = Request {
            operation: waiter.operation,
            params: model.params,
        };
        self.operation(request.operation)?;
        self.ensure_for(&request).await?;
        let mut params_out = Value::Object(Map::new());
        self.fill_params(&request, &mut params_out, None)?;
        update(&mut params_out, params, request.operation)?;
        let config = waiter_config(&mut params_out, request.operation)?;
        self.caller.wait(waiter, &params_out, config).await
    }

    /// Collection `name` (`instances`, `objects`) of this resource.
    pub fn collection(&self, name: &str) -> Result<Collection<'c>, ResourceError> {
        let model = self
            .model
            .collection(name)
            .ok_or_else(|| self.unknown("collection", name))?;
        Ok(Collection::new(self.clone(), model))
    }

    /// The resource's service model of resources.
    pub(crate) fn resource_service(&self) -> &'static ResourceService {
        self.service
    }
}

/// botocore's `WaiterConfig` parameter, taken out of `params`: `Delay`
/// (seconds, any number) and `MaxAttempts`; other keys are ignored, as
/// botocore does.
pub(crate) fn waiter_config(
    params: &mut Value,
    operation: &'static str,
) -> Result<WaitConfig, ResourceError> {
    let bad = |reason: &str| ResourceError::BadParams {
        operation,
        reason: reason.into(),
    };
    let Some(config) = params
        .as_object_mut()
        .and_then(|p| p.remove("WaiterConfig"))
    else {
        return Ok(WaitConfig::default());
    };
    let Value::Object(config) = config else {
        return Err(bad("WaiterConfig is not an object"));
    };
    let mut out = WaitConfig::default();
    for (key, value) in config {
        match key.as_str() {
            "Delay" => {
                let secs = value
                    .as_f64()
                    .filter(|s| s.is_finite() && *s >= 0.0)
                    .ok_or_else(|| bad("WaiterConfig.Delay is not a number of seconds"))?;
                // Whole milliseconds; `as` saturates beyond u64.
                out.delay_ms = Some((secs * 1000.0) as u64);
            }
            "MaxAttempts" => {
                let n = value
                    .as_u64()
                    .and_then(|n| u32::try_from(n).ok())
                    .ok_or_else(|| bad("WaiterConfig.MaxAttempts is not a whole number"))?;
                out.max_attempts = Some(n);
            }
            // botocore reads only these two.
            _ => {}
        }
    }
    Ok(out)
}

/// boto3's `params.update(kwargs)`: the caller's members replace the filled ones.
pub(crate) fn update(
    params: &mut Value,
    extra: Value,
    operation: &'static str,
) -> Result<(), ResourceError> {
    let extra = match extra {
        Value::Null => return Ok(()),
        Value::Object(map) => map,
        _ => {
            return Err(ResourceError::BadParams {
                operation,
                reason: "the parameters are not a JSON object".into(),
            });
        }
    };
    if let Some(p) = params.as_object_mut() {
        p.extend(extra);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use alloc::boxed::Box;
    use core::cell::RefCell;

    use serde_json::{Value, json};

    use super::super::caller::{Caller, LocalFuture};
    use super::super::model::*;
    use super::*;
    use crate::client::test_support::DEMO;
    use crate::waiter::{Acceptor, Matcher, Waiter, WaiterState};

    static PINGED: Waiter = Waiter {
        name: "Pinged",
        operation: "Ping",
        delay: 15,
        max_attempts: 40,
        acceptors: &[Acceptor {
            state: WaiterState::Success,
            matcher: Matcher::AnyError(false),
        }],
    };

    static SERVICE: ResourceService = ResourceService {
        service: "demo",
        root: ResourceModel {
            name: "ServiceResource",
            identifiers: &[],
            shape: None,
            attributes: &[],
            load: None,
            actions: &[],
            batch_actions: &[],
            has: &[],
            collections: &[],
            waiters: &[],
        },
        resources: &[ResourceModel {
            name: "Thing",
            identifiers: &[Identifier {
                name: "Name",
                python_name: "name",
                member_name: None,
            }],
            shape: None,
            attributes: &[],
            load: None,
            actions: &[],
            batch_actions: &[],
            has: &[],
            collections: &[],
            waiters: &[
                ResourceWaiter {
                    name: "Pinged",
                    python_name: "wait_until_pinged",
                    waiter_name: "Pinged",
                    params: &[Param {
                        target: "Names[0]",
                        source: ParamSource::Identifier("Name"),
                    }],
                    path: None,
                },
                ResourceWaiter {
                    name: "Gone",
                    python_name: "wait_until_gone",
                    waiter_name: "Gone",
                    params: &[],
                    path: None,
                },
            ],
        }],
        paginators: &[],
        waiters: core::slice::from_ref(&PINGED),
    };

    /// Records what each wait was asked for.
    #[derive(Default)]
    struct Recorder(RefCell<Vec<(&'static str, Value, WaitConfig)>>);

    impl Caller for Recorder {
        fn model(&self) -> &'static crate::model::ServiceModel {
            &DEMO
        }
        fn call_json<'s>(
            &'s self,
            operation: &'static str,
            _: &'s Value,
        ) -> LocalFuture<'s, Result<Value, ResourceError>> {
            Box::pin(async move { Err(ResourceError::UnknownOperation { operation }) })
        }
        fn wait<'s>(
            &'s self,
            waiter: &'static Waiter,
            params: &'s Value,
            config: WaitConfig,
        ) -> LocalFuture<'s, Result<u32, ResourceError>> {
            self.0
                .borrow_mut()
                .push((waiter.name, params.clone(), config));
            Box::pin(async { Ok(1) })
        }
    }

    fn thing(caller: &dyn Caller) -> Resource<'_> {
        Resource::new(caller, &SERVICE, "Thing", alloc::vec![json!("t-1")]).unwrap()
    }

    #[test]
    fn waiter_params_come_from_identifiers_and_the_caller() {
        let rec = Recorder::default();
        let t = thing(&rec);
        let run = |name, params| embassy_futures::block_on(t.wait_until(name, params));
        assert_eq!(run("wait_until_pinged", json!({})), Ok(1));
        assert_eq!(
            run(
                "Pinged",
                json!({"Extra": true, "WaiterConfig": {"Delay": 0.25, "MaxAttempts": 3, "Other": 1}})
            ),
            Ok(1)
        );
        let seen = rec.0.borrow();
        assert_eq!(seen.len(), 2);
        assert_eq!(seen[0].0, "Pinged");
        assert_eq!(seen[0].1, json!({"Names": ["t-1"]}));
        assert_eq!((seen[0].2.delay_ms, seen[0].2.max_attempts), (None, None));
        // WaiterConfig is taken out, not sent; Delay is in seconds.
        assert_eq!(seen[1].1, json!({"Names": ["t-1"], "Extra": true}));
        assert_eq!(
            (seen[1].2.delay_ms, seen[1].2.max_attempts),
            (Some(250), Some(3))
        );
    }

    #[test]
    fn bad_waiters_and_configs_are_typed_errors() {
        let rec = Recorder::default();
        let t = thing(&rec);
        let run = |name, params| embassy_futures::block_on(t.wait_until(name, params));
        assert!(matches!(
            run("wait_until_running", json!({})),
            Err(ResourceError::UnknownName { kind: "waiter", .. })
        ));
        assert_eq!(
            run("Gone", json!({})),
            Err(ResourceError::Waiter {
                waiter: "Gone",
                reason: "the service has no such client waiter".into()
            })
        );
        for config in [json!(1), json!({"Delay": -1}), json!({"MaxAttempts": "3"})] {
            assert!(
                matches!(
                    run("Pinged", json!({ "WaiterConfig": config })),
                    Err(ResourceError::BadParams {
                        operation: "Ping",
                        ..
                    })
                ),
                "{config}"
            );
        }
        assert!(matches!(
            run("Pinged", json!([1])),
            Err(ResourceError::BadParams { .. })
        ));
        assert!(rec.0.borrow().is_empty(), "nothing waited");
        // A caller without waiters refuses, typed.
        struct NoWaits;
        impl Caller for NoWaits {
            fn model(&self) -> &'static crate::model::ServiceModel {
                &DEMO
            }
            fn call_json<'s>(
                &'s self,
                operation: &'static str,
                _: &'s Value,
            ) -> LocalFuture<'s, Result<Value, ResourceError>> {
                Box::pin(async move { Err(ResourceError::UnknownOperation { operation }) })
            }
        }
        let t = thing(&NoWaits);
        assert!(matches!(
            embassy_futures::block_on(t.wait_until("Pinged", json!({}))),
            Err(ResourceError::Waiter {
                waiter: "Pinged",
                ..
            })
        ));
    }
}
