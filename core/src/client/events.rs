//! botocore's event system without a heap: named events, handlers matched by
//! dotted patterns, and two kinds of registry.
//!
//! An event is named `<event>.<service-id>.<Operation>` (service ids
//! hyphenised and lower-cased as botocore does: `IoT Data Plane` →
//! `iot-data-plane`). A handler registered for `after-call`,
//! `after-call.lambda`, `after-call.lambda.GetPolicy`, `after-call.*.GetPolicy`
//! or `*` sees `after-call.lambda.GetPolicy`: a pattern matches when each of
//! its segments equals the event's segment at that place or is `*`, and the
//! pattern has no more segments than the event.
//!
//! The order is botocore's (its prefix trie): handlers of a pattern with a `*`
//! where another has a name come first, then longer patterns before their
//! prefixes; within one pattern the [`Order::First`] handlers, then
//! [`Order::Normal`], then [`Order::Last`], each in registration order (the
//! static registry before the session's, the session's before the client's).
//!
//! Handlers live in two places, neither on the heap:
//! - a **static registry**: a `static` array of [`StaticHandler`]s (fn
//!   pointers, in flash), given to the client when it is made;
//! - a **runtime registry** ([`Registry`]) of fixed capacity, one per session
//!   and one per client, holding `&dyn Handler` borrowed for the registry's
//!   life (so handlers may keep state in cells).
//!
//! ```
//! use stratus_core::client::events::{Event, EventKind, EventName, Order, Registry, StaticHandler};
//! use core::cell::Cell;
//!
//! fn count_static(_: &mut Event<'_, '_>) {}
//! static STATIC: [StaticHandler; 1] = [StaticHandler::new("before-send", count_static)];
//!
//! let seen = Cell::new(0);
//! let counter = |_: &mut Event<'_, '_>| seen.set(seen.get() + 1);
//! let registry: Registry<'_, 4> = Registry::new();
//! registry.register("after-call.kinesis", &counter, Order::Normal, Some("count")).unwrap();
//! // A unique id registers once.
//! assert!(!registry.register("after-call.kinesis", &counter, Order::Normal, Some("count")).unwrap());
//! let name = EventName::new(EventKind::AfterCall, "kinesis", Some("PutRecord"));
//! assert_eq!(registry.matching(&name).count(), 1);
//! assert!(StaticHandler::matches(&STATIC[0], &EventName::new(EventKind::BeforeSend, "s3", Some("GetObject"))));
//! ```

use core::cell::{Cell, RefCell};
use core::cmp::Ordering;
use core::fmt;

use super::data::EventData;

/// The events of a call, in the order botocore emits them.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum EventKind {
    /// `creating-client-class.<service>`: a client is being made.
    CreatingClientClass,
    /// `provide-client-params`: the first look at the caller's parameters.
    ProvideClientParams,
    /// `before-parameter-build`: parameters may still be rewritten.
    BeforeParameterBuild,
    /// `before-endpoint-resolution.<service>`: the endpoint built-ins.
    BeforeEndpointResolution,
    /// `before-call`: a handler may answer here and nothing is sent.
    BeforeCall,
    /// `request-created`: the request of one attempt, before signing.
    RequestCreated,
    /// `choose-signer`: which signer (or none) signs this attempt.
    ChooseSigner,
    /// `before-sign`: the last edit before the signature is taken.
    BeforeSign,
    /// `before-send`: the signed request; a handler may answer instead.
    BeforeSend,
    /// `before-parse`: the raw response, before it is parsed.
    BeforeParse,
    /// `response-received`: the response (or transport failure) of an attempt.
    ResponseReceived,
    /// `needs-retry`: whether to try again, and after how long.
    NeedsRetry,
    /// `after-call`: the parsed result; handlers may change it.
    AfterCall,
    /// `after-call-error`: the call failed without a response.
    AfterCallError,
}

impl EventKind {
    /// The event's botocore name, e.g. `before-call`.
    pub const fn as_str(self) -> &'static str {
        match self {
            EventKind::CreatingClientClass => "creating-client-class",
            EventKind::ProvideClientParams => "provide-client-params",
            EventKind::BeforeParameterBuild => "before-parameter-build",
            EventKind::BeforeEndpointResolution => "before-endpoint-resolution",
            EventKind::BeforeCall => "before-call",
            EventKind::RequestCreated => "request-created",
            EventKind::ChooseSigner => "choose-signer",
            EventKind::BeforeSign => "before-sign",
            EventKind::BeforeSend => "before-send",
            EventKind::BeforeParse => "before-parse",
            EventKind::ResponseReceived => "response-received",
            EventKind::NeedsRetry => "needs-retry",
            EventKind::AfterCall => "after-call",
            EventKind::AfterCallError => "after-call-error",
        }
    }

    /// Whether botocore names this event without the operation
    /// (`creating-client-class.<service>`, `before-endpoint-resolution.<service>`).
    pub const fn is_service_level(self) -> bool {
        matches!(
            self,
            EventKind::CreatingClientClass | EventKind::BeforeEndpointResolution
        )
    }
}

/// Capacity of a hyphenised service id ([`ServiceId`]).
pub const SERVICE_ID_CAPACITY: usize = 64;

/// A service id as event names carry it: lower case, spaces as hyphens.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct ServiceId(heapless::String<SERVICE_ID_CAPACITY>);

impl ServiceId {
    /// botocore's `ServiceId.hyphenize()` of `service_id` (`IoT Data Plane` →
    /// `iot-data-plane`); ids longer than [`SERVICE_ID_CAPACITY`] are cut.
    pub fn hyphenize(service_id: &str) -> Self {
        let mut out = heapless::String::new();
        for c in service_id.chars() {
            let c = if c == ' ' {
                '-'
            } else {
                c.to_ascii_lowercase()
            };
            if out.push(c).is_err() {
                break;
            }
        }
        ServiceId(out)
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The full name of one emitted event.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct EventName<'a> {
    /// Which event.
    pub kind: EventKind,
    /// The hyphenised service id, e.g. `kinesis`.
    pub service: &'a str,
    /// The operation, e.g. `PutRecord` (absent for service-level events).
    pub operation: Option<&'a str>,
}

impl<'a> EventName<'a> {
    /// An event name; `operation` is dropped for service-level kinds.
    pub fn new(kind: EventKind, service: &'a str, operation: Option<&'a str>) -> Self {
        let operation = if kind.is_service_level() {
            None
        } else {
            operation
        };
        EventName {
            kind,
            service,
            operation,
        }
    }

    /// Segment `i` of the dotted name (0: event, 1: service, 2: operation).
    fn segment(&self, i: usize) -> Option<&'a str> {
        match i {
            0 => Some(self.kind.as_str()),
            1 => Some(self.service),
            2 => self.operation,
            _ => None,
        }
    }

    /// Number of dotted segments.
    fn segments(&self) -> usize {
        if self.operation.is_some() { 3 } else { 2 }
    }
}

impl fmt::Display for EventName<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.kind.as_str(), self.service)?;
        if let Some(op) = self.operation {
            write!(f, ".{op}")?;
        }
        Ok(())
    }
}

/// Whether `pattern` (e.g. `after-call.*.GetPolicy`) matches `name`.
pub fn pattern_matches(pattern: &str, name: &EventName<'_>) -> bool {
    let mut count = 0;
    for (i, part) in pattern.split('.').enumerate() {
        count += 1;
        match name.segment(i) {
            Some(seg) if part == "*" || part == seg => {}
            _ => return false,
        }
    }
    count <= name.segments() && !pattern.is_empty()
}

/// botocore's order between two patterns that both match: `Less` when the
/// handlers of `a` run before those of `b`.
fn pattern_order(a: &str, b: &str) -> Ordering {
    let (mut ia, mut ib) = (a.split('.'), b.split('.'));
    loop {
        match (ia.next(), ib.next()) {
            (Some(x), Some(y)) if x == y => {}
            // Both match the same event, so one of them is the wildcard: the
            // trie visits the named branch first and runs handlers in reverse
            // visiting order.
            (Some(x), Some(_)) => {
                return if x == "*" {
                    Ordering::Less
                } else {
                    Ordering::Greater
                };
            }
            // The longer pattern's handlers run first.
            (Some(_), None) => return Ordering::Less,
            (None, Some(_)) => return Ordering::Greater,
            (None, None) => return Ordering::Equal,
        }
    }
}

/// Where within its pattern a handler runs.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Order {
    /// botocore's `register_first`.
    First,
    /// botocore's `register`.
    #[default]
    Normal,
    /// botocore's `register_last`.
    Last,
}

/// Something that handles events.
///
/// Implemented for every `Fn(&mut Event)`: plain functions and closures. A
/// handler acts on the event through [`Event::data`]; see [`EventData`] for
/// what each event lets it do.
pub trait Handler {
    /// Handles one event.
    fn handle(&self, event: &mut Event<'_, '_>);
}

impl<F: Fn(&mut Event<'_, '_>)> Handler for F {
    fn handle(&self, event: &mut Event<'_, '_>) {
        self(event)
    }
}

/// One emitted event: its name and what handlers may read and change.
pub struct Event<'e, 'b> {
    /// The event's name.
    pub name: EventName<'e>,
    /// The event's data.
    pub data: EventData<'e, 'b>,
    failure: Option<&'static str>,
}

impl<'e, 'b> Event<'e, 'b> {
    /// An event about to be emitted.
    pub fn new(name: EventName<'e>, data: EventData<'e, 'b>) -> Self {
        Event {
            name,
            data,
            failure: None,
        }
    }

    /// Fails the call with `reason` (botocore's handlers raise): no further
    /// handler runs and the call returns
    /// [`CallError::Handler`](super::CallError::Handler).
    pub fn fail(&mut self, reason: &'static str) {
        if self.failure.is_none() {
            self.failure = Some(reason);
        }
    }

    /// Why a handler failed the call, if one did.
    pub fn failure(&self) -> Option<&'static str> {
        self.failure
    }
}

impl fmt::Debug for Event<'_, '_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Event").field("name", &self.name).finish()
    }
}

/// A handler in flash: a pattern, an order, an optional unique id and a fn.
#[derive(Clone, Copy)]
pub struct StaticHandler {
    /// The pattern, e.g. `after-call.lambda.GetPolicy`.
    pub pattern: &'static str,
    /// Where within its pattern it runs.
    pub order: Order,
    /// botocore's `unique_id` (informational for static handlers).
    pub unique_id: Option<&'static str>,
    /// The handler.
    pub handler: fn(&mut Event<'_, '_>),
}

impl StaticHandler {
    /// A normal-order handler for `pattern`.
    pub const fn new(pattern: &'static str, handler: fn(&mut Event<'_, '_>)) -> Self {
        StaticHandler {
            pattern,
            order: Order::Normal,
            unique_id: None,
            handler,
        }
    }

    /// The same handler at `order`.
    pub const fn with_order(self, order: Order) -> Self {
        StaticHandler { order, ..self }
    }

    /// Whether this handler's pattern matches `name`.
    pub fn matches(&self, name: &EventName<'_>) -> bool {
        pattern_matches(self.pattern, name)
    }
}

impl fmt::Debug for StaticHandler {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StaticHandler")
            .field("pattern", &self.pattern)
            .field("order", &self.order)
            .finish()
    }
}

/// Why a runtime registration failed.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum RegistryError {
    /// The registry holds as many handlers as its capacity.
    Full,
    /// The pattern is empty or has an empty segment.
    BadPattern,
    /// The registry is being read by an event in progress (a handler tried
    /// to change the registry it was called from).
    Busy,
}

impl fmt::Display for RegistryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            RegistryError::Full => "the handler registry is full",
            RegistryError::BadPattern => "an event pattern has an empty segment",
            RegistryError::Busy => "the handler registry is in use by an event being emitted",
        })
    }
}

struct Entry<'h> {
    pattern: &'h str,
    order: Order,
    unique_id: Option<&'h str>,
    seq: u32,
    handler: &'h dyn Handler,
}

/// A runtime registry of at most `N` handlers, borrowed for `'h`.
pub struct Registry<'h, const N: usize> {
    entries: RefCell<heapless::Vec<Entry<'h>, N>>,
    seq: Cell<u32>,
}

impl<const N: usize> Default for Registry<'_, N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize> fmt::Debug for Registry<'_, N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let len = self.entries.try_borrow().map(|e| e.len()).ok();
        f.debug_struct("Registry")
            .field("handlers", &len)
            .field("capacity", &N)
            .finish()
    }
}

impl<'h, const N: usize> Registry<'h, N> {
    /// An empty registry.
    pub const fn new() -> Self {
        Registry {
            entries: RefCell::new(heapless::Vec::new()),
            seq: Cell::new(0),
        }
    }

    /// Registers `handler` for `pattern` at `order`. With a `unique_id`
    /// already present, nothing changes and `Ok(false)` is returned (botocore's
    /// `unique_id`).
    pub fn register(
        &self,
        pattern: &'h str,
        handler: &'h dyn Handler,
        order: Order,
        unique_id: Option<&'h str>,
    ) -> Result<bool, RegistryError> {
        if pattern.is_empty() || pattern.split('.').any(str::is_empty) {
            return Err(RegistryError::BadPattern);
        }
        let mut entries = self
            .entries
            .try_borrow_mut()
            .map_err(|_| RegistryError::Busy)?;
        if let Some(id) = unique_id
            && entries.iter().any(|e| e.unique_id == Some(id))
        {
            return Ok(false);
        }
        let seq = self.seq.get();
        entries
            .push(Entry {
                pattern,
                order,
                unique_id,
                seq,
                handler,
            })
            .map_err(|_| RegistryError::Full)?;
        self.seq.set(seq.wrapping_add(1));
        Ok(true)
    }

    /// Removes the handler registered under `unique_id`; `Ok(true)` if one was.
    pub fn unregister_id(&self, unique_id: &str) -> Result<bool, RegistryError> {
        self.remove_where(|e| e.unique_id == Some(unique_id))
    }

    /// Removes `handler` from `pattern` (compared by address); `Ok(true)` if
    /// it was registered there.
    pub fn unregister(&self, pattern: &str, handler: &dyn Handler) -> Result<bool, RegistryError> {
        self.remove_where(|e| {
            e.pattern == pattern && core::ptr::addr_eq(e.handler as *const _, handler as *const _)
        })
    }

    fn remove_where(&self, pred: impl Fn(&Entry<'h>) -> bool) -> Result<bool, RegistryError> {
        let mut entries = self
            .entries
            .try_borrow_mut()
            .map_err(|_| RegistryError::Busy)?;
        match entries.iter().position(pred) {
            Some(i) => {
                entries.remove(i);
                Ok(true)
            }
            None => Ok(false),
        }
    }

    /// Number of handlers registered.
    pub fn len(&self) -> usize {
        self.entries.try_borrow().map_or(0, |e| e.len())
    }

    /// Whether no handler is registered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The handlers whose pattern matches `name` (registration order).
    pub fn matching<'s>(
        &'s self,
        name: &'s EventName<'_>,
    ) -> impl Iterator<Item = &'h dyn Handler> + 's {
        let mut found: heapless::Vec<&'h dyn Handler, N> = heapless::Vec::new();
        if let Ok(entries) = self.entries.try_borrow() {
            for e in entries.iter().filter(|e| pattern_matches(e.pattern, name)) {
                let _ = found.push(e.handler);
            }
        }
        found.into_iter()
    }
}

/// A source of runtime handlers the pipeline reads: [`Registry`] of any capacity.
pub trait HandlerSet {
    /// Adds every handler matching `name` to `out`, tagged with `source`.
    fn collect<'m>(
        &'m self,
        name: &EventName<'_>,
        source: u8,
        out: &mut Matches<'m>,
    ) -> Result<(), TooManyHandlers>;

    /// Whether the set holds no handler at all. A build without the
    /// `handlers` feature refuses calls of a client whose sets are not all
    /// empty; a set that cannot tell keeps this default, `false`.
    fn is_empty(&self) -> bool {
        false
    }
}

impl<const N: usize> HandlerSet for Registry<'_, N> {
    fn collect<'m>(
        &'m self,
        name: &EventName<'_>,
        source: u8,
        out: &mut Matches<'m>,
    ) -> Result<(), TooManyHandlers> {
        let Ok(entries) = self.entries.try_borrow() else {
            return Ok(());
        };
        for e in entries.iter().filter(|e| pattern_matches(e.pattern, name)) {
            out.push(Match {
                pattern: e.pattern,
                order: e.order,
                source,
                seq: e.seq,
                handler: Callable::Dyn(e.handler),
            })?;
        }
        Ok(())
    }

    fn is_empty(&self) -> bool {
        Registry::is_empty(self)
    }
}

/// Most handlers one event may run ([`Matches`]).
pub const MAX_MATCHES: usize = 32;

/// More than [`MAX_MATCHES`] handlers matched one event.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct TooManyHandlers;

impl fmt::Display for TooManyHandlers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "more than {MAX_MATCHES} handlers match one event")
    }
}

#[derive(Clone, Copy)]
enum Callable<'h> {
    Fn(fn(&mut Event<'_, '_>)),
    Dyn(&'h dyn Handler),
}

struct Match<'h> {
    pattern: &'h str,
    order: Order,
    source: u8,
    seq: u32,
    handler: Callable<'h>,
}

/// The order handlers run in: botocore's pattern order, then the
/// registration's order, source and sequence.
fn match_order(a: &Match<'_>, b: &Match<'_>) -> Ordering {
    pattern_order(a.pattern, b.pattern)
        .then(a.order.cmp(&b.order))
        .then(a.source.cmp(&b.source))
        .then(a.seq.cmp(&b.seq))
}

/// The handlers one event runs, gathered from every registry and sorted.
pub struct Matches<'h>(heapless::Vec<Match<'h>, MAX_MATCHES>);

impl<'h> Matches<'h> {
    fn push(&mut self, m: Match<'h>) -> Result<(), TooManyHandlers> {
        self.0.push(m).map_err(|_| TooManyHandlers)
    }

    /// Gathers the handlers for `name`: the static ones, then each runtime set.
    pub(crate) fn gather(
        name: &EventName<'_>,
        statics: &'h [StaticHandler],
        sets: &[&'h dyn HandlerSet],
    ) -> Result<Self, TooManyHandlers> {
        let mut m = Matches(heapless::Vec::new());
        for (seq, h) in statics.iter().enumerate() {
            if h.matches(name) {
                m.push(Match {
                    pattern: h.pattern,
                    order: h.order,
                    source: 0,
                    seq: u32::try_from(seq).unwrap_or(u32::MAX),
                    handler: Callable::Fn(h.handler),
                })?;
            }
        }
        for (i, set) in sets.iter().enumerate() {
            let source = u8::try_from(i + 1).unwrap_or(u8::MAX);
            set.collect(name, source, &mut m)?;
        }
        // An insertion sort: a few handlers at most, and `core`'s sorts are
        // kilobytes of flash each. (source, seq) is unique, so no two
        // matches compare equal and the order is the one a sort would give.
        let list = &mut m.0;
        for i in 1..list.len() {
            let mut j = i;
            while let (Some(a), Some(b)) = (j.checked_sub(1).and_then(|k| list.get(k)), list.get(j))
            {
                if match_order(a, b) != Ordering::Greater {
                    break;
                }
                list.swap(j - 1, j);
                j -= 1;
            }
        }
        Ok(m)
    }

    /// Runs the handlers in order until `stop` says the event is answered.
    pub(crate) fn run(&self, event: &mut Event<'_, '_>, stop: impl Fn(&Event<'_, '_>) -> bool) {
        for m in self.0.iter() {
            match m.handler {
                Callable::Fn(f) => f(event),
                Callable::Dyn(h) => h.handle(event),
            }
            if event.failure.is_some() || stop(event) {
                break;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_match_as_botocore_prefixes() {
        let n = EventName::new(EventKind::AfterCall, "lambda", Some("GetPolicy"));
        for p in [
            "*",
            "after-call",
            "after-call.lambda",
            "after-call.lambda.GetPolicy",
            "after-call.*.GetPolicy",
            "*.lambda",
        ] {
            assert!(pattern_matches(p, &n), "{p}");
        }
        for p in [
            "before-call",
            "after-call.s3",
            "after-call.lambda.GetPolicy.x",
            "after-call.lambda.Get",
            "",
        ] {
            assert!(!pattern_matches(p, &n), "{p}");
        }
        let svc = EventName::new(EventKind::BeforeEndpointResolution, "s3", Some("GetObject"));
        assert_eq!(svc.operation, None);
        assert!(!pattern_matches(
            "before-endpoint-resolution.s3.GetObject",
            &svc
        ));
    }

    #[test]
    fn order_is_wildcards_then_longest_then_sections() {
        // botocore: for a.b.c with handlers on a, a.b, a.*, a.b.c and *, the
        // trie gives *, a.*, a.b.c, a.b, a.
        let mut ps = [
            "after-call",
            "after-call.lambda",
            "after-call.*",
            "after-call.lambda.GetPolicy",
            "*",
        ];
        ps.sort_by(|a, b| pattern_order(a, b));
        assert_eq!(
            ps,
            [
                "*",
                "after-call.*",
                "after-call.lambda.GetPolicy",
                "after-call.lambda",
                "after-call"
            ]
        );
    }

    #[test]
    fn registry_ids_unregister_and_capacity() {
        let h = |_: &mut Event<'_, '_>| {};
        let g = |_: &mut Event<'_, '_>| {};
        let r: Registry<'_, 2> = Registry::new();
        assert_eq!(r.register("a", &h, Order::Normal, Some("x")), Ok(true));
        assert_eq!(r.register("b", &g, Order::Normal, Some("x")), Ok(false));
        assert_eq!(r.register("b", &g, Order::Normal, None), Ok(true));
        assert_eq!(
            r.register("c", &g, Order::Normal, None),
            Err(RegistryError::Full)
        );
        assert_eq!(
            r.register("a..b", &g, Order::Normal, None),
            Err(RegistryError::BadPattern)
        );
        assert_eq!(r.unregister("b", &h), Ok(false));
        assert_eq!(r.unregister("b", &g), Ok(true));
        assert_eq!(r.unregister_id("x"), Ok(true));
        assert!(r.is_empty());
    }

    #[test]
    fn hyphenizes_service_ids() {
        assert_eq!(
            ServiceId::hyphenize("IoT Data Plane").as_str(),
            "iot-data-plane"
        );
        assert_eq!(ServiceId::hyphenize("Lambda").as_str(), "lambda");
    }
}
