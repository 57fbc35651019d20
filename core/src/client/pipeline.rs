//! [`Client`] and the call itself (see the [module docs](super)).

use core::cell::RefCell;
use core::fmt::Write as _;

mod presign;
pub use presign::{PresignOptions, PresignedPost};

use super::config::{ClientConfig, SignatureVersionChoice};
use super::custom::{CustomOperation, CustomOperations};
use super::data::{EventData, Reply, Request, SignerChoice};
use super::endpoint::{self, Builtins, CallParams, EndpointError, UrlParts};
use super::events::{
    Event, EventKind, EventName, Handler, HandlerSet, Matches, Order, Registry, RegistryError,
    ServiceId, StaticHandler,
};
use super::headers::{HeaderBlock, HeaderList};
use super::output::{CallError, CallOutput};
use super::params::Params;
use super::skew::Skew;
use super::streaming::AwsChunkedBody;
use super::transport::{HttpRequest, RawResponse, Timer, Transport, TransportError};
use super::{ServiceEntry, Workspace};
use crate::credentials::{Credentials, ProvideCredentials};
use crate::endpoint::{Partitions, RuleSet};
use crate::features::{self, Disabled};
use crate::format::number::{DECIMAL_DIGITS, decimal};
use crate::http::BodySource;
use crate::model::{Operation, OperationFlags, StructValue};
use crate::protocol::parse::ResponseParser;
use crate::protocol::serialize::{self, CompressionConfig, SerializeOptions, TokenSource};
use crate::retry::{
    AttemptOutcome, CallRetry, Decision, ModeledRetry, RetryState, SeededJitter, StopReason,
};
use crate::sigv4::{
    self, ChunkSigner, SignableBody, SignableRequest, SigningKeyCache, SigningParams,
    SigningSettings, aws_chunked_encoded_len,
};
use crate::time::Clock;

/// Handlers a client's own registry holds.
pub const CLIENT_HANDLERS: usize = 16;
/// Most request headers signed and sent.
const MAX_SEND_HEADERS: usize = 48;

/// A client for one service: config, transport, credentials, clock, handlers
/// and retry state. See the [module docs](super).
///
/// `T` sends, `C` provides credentials, `K` tells wall time ([`Clock`]) and
/// monotonic time and sleeps ([`Timer`]).
pub struct Client<'a, T, C, K> {
    entry: &'static ServiceEntry,
    service_id: ServiceId,
    config: ClientConfig,
    builtins: Builtins,
    rules: Option<RuleSet<'static>>,
    partitions: Option<Partitions<'static>>,
    transport: T,
    credentials: C,
    clock: K,
    statics: &'static [StaticHandler],
    session_handlers: Option<&'a dyn HandlerSet>,
    handlers: Registry<'a, CLIENT_HANDLERS>,
    retry: RetryState,
    skew: Skew,
    keys: RefCell<SigningKeyCache>,
    jitter: RefCell<SeededJitter>,
    custom: CustomOperations,
    tokens: Option<&'a dyn TokenSource>,
}

impl<T, C, K> core::fmt::Debug for Client<'_, T, C, K> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Client")
            .field("service", &self.entry.model.name)
            .field("config", &self.config)
            .field("handlers", &self.handlers)
            .finish()
    }
}

/// How one attempt ended.
enum Attempt {
    Response(RawResponse),
    Failed(TransportError),
}

/// The buffers [`Client::start`] works in. The request it makes lives in the
/// first three (the serialized body, the headers, and the URL, whose rest is
/// the signing space); the response buffer (for a `before-call` reply) and
/// the scratch space are only lent.
struct StartSpace<'r, 't> {
    request: &'r mut [u8],
    headers: &'r mut [u8],
    url: &'r mut [u8],
    response: &'t mut [u8],
    scratch: &'t mut [u8],
}

/// How a call goes on after [`Client::start`].
enum Start<'r> {
    /// A `before-call` handler answered: nothing is sent.
    Answered(RawResponse),
    /// The request to send; its headers up to `base` are what every attempt
    /// starts from.
    Send {
        request: Request<'r>,
        base: usize,
        target: &'r Target,
        signing: &'r mut [u8],
    },
}

/// A call's retry state across its attempts.
struct Retrying {
    /// The retry rules' own count and tokens.
    call: CallRetry,
    /// Whether the one retry after a clock-skew error was made.
    skew_retried: bool,
}

impl<'a, T: Transport, C: ProvideCredentials, K: Clock + Timer> Client<'a, T, C, K> {
    /// A client for `entry` with `config`, sending through `transport`,
    /// signing with `credentials`, timed by `clock`. Sessions make clients
    /// with their handlers and defaults ([`Session::client`](super::Session::client)).
    pub fn new(
        entry: &'static ServiceEntry,
        config: ClientConfig,
        transport: T,
        credentials: C,
        clock: K,
    ) -> Self {
        // Without the rules engine the entries carry no rule set; a constant
        // test keeps the rule-set reader out of such builds.
        let rules = entry
            .endpoint_rules
            .filter(|_| cfg!(feature = "endpoint-rules"))
            .and_then(|b| RuleSet::new(b).ok());
        let retry = RetryState::new(config.retries, entry.legacy_retry).started_at(clock.now_ms());
        let seed = clock.now_ms() ^ 0x5DEE_CE66_D1CE_4E5B;
        Client {
            entry,
            service_id: ServiceId::hyphenize(entry.model.metadata.service_id),
            builtins: Builtins::from_config(&config),
            config,
            rules,
            partitions: None,
            transport,
            credentials,
            clock,
            statics: &[],
            session_handlers: None,
            handlers: Registry::new(),
            retry,
            skew: Skew::new(),
            keys: RefCell::new(SigningKeyCache::new()),
            jitter: RefCell::new(SeededJitter::new(seed)),
            custom: CustomOperations::new(),
            tokens: None,
        }
    }

    /// With the compiled `partitions.json` (`stratus_models::PARTITIONS`),
    /// which the endpoint rules need.
    pub fn with_partitions(mut self, partitions: &'static [u8]) -> Self {
        self.partitions = Partitions::new(partitions).ok();
        self
    }

    /// With handlers in flash (run before every runtime handler of the same
    /// pattern and order).
    pub fn with_static_handlers(mut self, handlers: &'static [StaticHandler]) -> Self {
        self.statics = handlers;
        self
    }

    /// With a session's handlers (see [`Session`](super::Session)).
    pub fn with_session_handlers(mut self, handlers: &'a dyn HandlerSet) -> Self {
        self.session_handlers = Some(handlers);
        self
    }

    /// With these custom operations (from `creating-client-class`).
    pub fn with_custom_operations(mut self, custom: CustomOperations) -> Self {
        self.custom = custom;
        self
    }

    /// With a source of idempotency tokens and invocation ids.
    pub fn with_tokens(mut self, tokens: &'a dyn TokenSource) -> Self {
        self.tokens = Some(tokens);
        self
    }

    /// With the retry jitter drawn from `seed` (tests; devices seed it from
    /// their RNG).
    pub fn with_jitter_seed(self, seed: u64) -> Self {
        self.jitter.replace(SeededJitter::new(seed));
        self
    }

    /// Registers a handler on this client (see [`Registry::register`]).
    ///
    /// A build without the `handlers` feature keeps the handler but runs
    /// none: the client's calls fail with
    /// [`Disabled::Handlers`](crate::features::Disabled::Handlers).
    pub fn register(
        &self,
        pattern: &'a str,
        handler: &'a dyn Handler,
        order: Order,
        unique_id: Option<&'a str>,
    ) -> Result<bool, RegistryError> {
        self.handlers.register(pattern, handler, order, unique_id)
    }

    /// This client's handler registry.
    pub fn handlers(&self) -> &Registry<'a, CLIENT_HANDLERS> {
        &self.handlers
    }

    /// The service.
    pub fn service(&self) -> &'static ServiceEntry {
        self.entry
    }

    /// The client's clock and timer (what retries and waiters sleep on).
    pub fn clock(&self) -> &K {
        &self.clock
    }

    /// The client's config.
    pub fn config(&self) -> &ClientConfig {
        &self.config
    }

    /// The client's custom operations.
    pub fn custom_operations(&self) -> &CustomOperations {
        &self.custom
    }

    /// The retry state (quota, rate limiter).
    pub fn retry_state(&self) -> &RetryState {
        &self.retry
    }

    /// The clock-skew correction.
    pub fn skew(&self) -> &Skew {
        &self.skew
    }

    /// The transport.
    pub fn transport(&self) -> &T {
        &self.transport
    }

    fn event_name(&self, kind: EventKind, op: &'static str) -> EventName<'_> {
        EventName::new(kind, self.service_id.as_str(), Some(op))
    }

    /// Runs the handlers for `event` until `answered` holds.
    ///
    /// Without the `handlers` feature no client that reaches a dispatch has
    /// any handler (`params` refused it), so there is nothing to run. The
    /// check is inlined so that the compiler sees every event succeed and
    /// drops the events and their error paths from the call.
    #[inline]
    fn dispatch(
        &self,
        event: &mut Event<'_, '_>,
        answered: fn(&Event<'_, '_>) -> bool,
    ) -> Result<(), EventFailure> {
        if !features::HANDLERS {
            return Ok(());
        }
        self.run_handlers(event, answered)
    }

    /// [`Self::dispatch`]'s work. Out of line: a call emits a dozen events,
    /// and inlined at each the gathering and ordering of handlers would be
    /// copied a dozen times.
    #[inline(never)]
    fn run_handlers(
        &self,
        event: &mut Event<'_, '_>,
        answered: fn(&Event<'_, '_>) -> bool,
    ) -> Result<(), EventFailure> {
        let own: &dyn HandlerSet = &self.handlers;
        let matches = match self.session_handlers {
            Some(s) => Matches::gather(&event.name, self.statics, &[s, own]),
            None => Matches::gather(&event.name, self.statics, &[own]),
        }
        .map_err(EventFailure::Handlers)?;
        matches.run(event, answered);
        match event.failure() {
            Some(reason) => Err(EventFailure::Handler {
                event: event.name.kind,
                reason,
            }),
            None => Ok(()),
        }
    }

    /// Emits an event whose data the pipeline does not read back.
    #[inline]
    fn emit(
        &self,
        kind: EventKind,
        op: &'static str,
        data: EventData<'_, '_>,
    ) -> Result<(), EventFailure> {
        if !features::HANDLERS {
            return Ok(());
        }
        self.emit_to_handlers(kind, op, data)
    }

    /// [`Self::emit`]'s work, out of line for the reason `run_handlers` is.
    #[inline(never)]
    fn emit_to_handlers(
        &self,
        kind: EventKind,
        op: &'static str,
        data: EventData<'_, '_>,
    ) -> Result<(), EventFailure> {
        let mut event = Event::new(self.event_name(kind, op), data);
        self.dispatch(&mut event, |_| false)
    }

    /// Calls `operation` (`PutRecord`, `put_record`, `put-record`, or a custom
    /// operation) with `input`, using the buffers of `ws`.
    ///
    /// An `async fn` in effect; written as a function returning the call's
    /// future so no wrapper future is built around it (a wrapper's poll would
    /// move the whole call's state through the stack to start it).
    pub fn call<'w>(
        &self,
        operation: &str,
        input: &dyn StructValue,
        ws: Workspace<'w>,
    ) -> impl Future<Output = Result<CallOutput<'w>, CallError<'w>>> {
        self.call_inner(operation, input, NoStream, ws)
    }

    /// Calls `operation` with its streaming payload (S3 `PutObject`'s or
    /// `UploadPart`'s `Body`) pulled from `body` instead of `input` (leave
    /// the member unset there), sent as S3's signed `aws-chunked` upload in
    /// chunks of `chunk.len()` bytes (S3 wants at least 8 KiB): the payload is
    /// never held whole. `body.length()` must be known.
    ///
    /// A pulled body cannot be pulled again, so the call makes one attempt
    /// (no retries, no skew re-send); no flexible checksum is added (the
    /// payload is not known before it is sent). The transport must implement
    /// [`Transport::send_body`].
    ///
    /// Like [`call`](Self::call), a function returning the call's future.
    pub fn call_streaming<'w, 's>(
        &self,
        operation: &str,
        input: &dyn StructValue,
        body: &'s mut (dyn BodySource + 's),
        chunk: &'s mut [u8],
        ws: Workspace<'w>,
    ) -> impl Future<Output = Result<CallOutput<'w>, CallError<'w>>> {
        let stream = match (body.length(), chunk.is_empty()) {
            (None, _) => Err(StreamingError::UnknownLength),
            (Some(_), true) => Err(StreamingError::EmptyChunkBuffer),
            (Some(length), false) => Ok(Streaming {
                body,
                chunk,
                length,
            }),
        };
        self.call_inner(operation, input, stream, ws)
    }

    async fn call_inner<'w, S: StreamSlot>(
        &self,
        operation: &str,
        input: &dyn StructValue,
        mut stream: S,
        ws: Workspace<'w>,
    ) -> Result<CallOutput<'w>, CallError<'w>> {
        if let Some(refused) = stream.refused() {
            return Err(CallError::Streaming(refused));
        }
        let model = self.entry.model;
        let Workspace {
            request: req_buf,
            response: resp_buf,
            headers: header_buf,
            url: url_buf,
            scratch,
        } = ws;
        self.retry.check_features().map_err(CallError::Disabled)?;
        let (op, params) = self.params(operation, input)?;
        let mut target = None;
        let started = self.start(
            op,
            &params,
            stream.peek().is_some(),
            StartSpace {
                request: req_buf,
                headers: header_buf,
                url: &mut *url_buf,
                response: &mut *resp_buf,
                scratch: &mut *scratch,
            },
            &mut target,
        );
        let start = match started {
            Ok(start) => start,
            Err(refused) => return Err(refused.into_error(url_buf)),
        };

        let (raw, attempts) = match start {
            Start::Answered(raw) => (raw, 0),
            Start::Send {
                mut request,
                base,
                target,
                signing,
            } => {
                let (outcome, attempts) = self
                    .attempts(
                        op,
                        &mut request,
                        base,
                        target,
                        AttemptSpace {
                            signing,
                            response: &mut *resp_buf,
                        },
                        &mut stream,
                    )
                    .await?;
                match outcome {
                    Attempt::Response(raw) => (raw, attempts),
                    Attempt::Failed(error) => {
                        self.emit(
                            EventKind::AfterCallError,
                            op.name,
                            EventData::AfterCallError(error.failure()),
                        )?;
                        return Err(CallError::Transport { error, attempts });
                    }
                }
            }
        };

        // 6. after-call.
        let view = raw.view(resp_buf);
        let mut output = CallOutput::new(model, op, view, scratch, attempts);
        let status = output.status();
        self.emit(
            EventKind::AfterCall,
            op.name,
            EventData::AfterCall {
                status,
                result: &mut output,
            },
        )?;
        if status >= 300 {
            return Err(CallError::Service(output));
        }
        Ok(output)
    }

    /// Steps 1 to 4 of a call: the operation and its input, the endpoint
    /// and the serialized request, `before-call` (whose handler may answer),
    /// and the request with its headers, ready for the attempts. Out of line,
    /// so its buffers (the serializer's header list, the endpoint's output)
    /// take stack only while it runs, not in every poll of the call, under
    /// the transport's frames. `target` receives the endpoint the request
    /// borrows its signing region and name from.
    #[inline(never)]
    fn start<'r>(
        &self,
        op: &'static Operation,
        params: &'r Params<'_>,
        streamed: bool,
        space: StartSpace<'r, '_>,
        target: &'r mut Option<Target>,
    ) -> Result<Start<'r>, Refused> {
        let StartSpace {
            request: req_buf,
            headers: header_buf,
            url: url_buf,
            response: resp_buf,
            scratch,
        } = space;
        let purpose = if streamed {
            Prepared::Streamed
        } else {
            Prepared::Whole
        };
        let (resolved, endpoint_headers, serialized) =
            self.prepare(op, params, purpose, req_buf, url_buf, scratch)?;

        // 4. before-call: a handler may answer.
        let mut event = Event::new(
            self.event_name(EventKind::BeforeCall, op.name),
            EventData::BeforeCall {
                params,
                reply: Reply::new(resp_buf),
            },
        );
        self.dispatch(&mut event, answered_before_call)?;
        if let EventData::BeforeCall { mut reply, .. } = event.data
            && let Some(raw) = reply.take()
        {
            return Ok(Start::Answered(raw));
        }

        let target = target.insert(resolved);
        let (url_text, signing) = url_buf.split_at_mut(target.used);
        let url_text: &str = core::str::from_utf8(url_text).unwrap_or("");
        let (host, path) = url_text
            .split_at_checked(target.host_len)
            .unwrap_or((url_text, ""));
        let mut headers = HeaderBlock::new(header_buf);
        for (n, v) in serialized.headers() {
            headers.append(n, v).map_err(CallError::Headers)?;
        }
        let body = serialized.body();
        self.base_headers(&mut headers, op, endpoint_headers)?;
        let base = headers.mark();
        let request = target.request(op.http_method, host, path, headers, body);
        Ok(Start::Send {
            request,
            base,
            target,
            signing,
        })
    }

    /// Step 1 of a call: the operation `name` names (through a custom
    /// operation, whose `prepare` runs first), and the input after the
    /// parameter events. In a build without the `handlers` feature a client
    /// that was given handlers is refused here, before anything is sent.
    fn params<'i>(
        &self,
        name: &str,
        input: &'i dyn StructValue,
    ) -> Result<(&'static Operation, Params<'i>), CallError<'static>> {
        if !features::HANDLERS && self.has_handlers() {
            return Err(CallError::Disabled(Disabled::Handlers));
        }
        let model = self.entry.model;
        let (op, custom) = self.operation(name)?;
        let mut params = Params::new(model, model.input_of(op), input);
        if let Some(prepare) = custom.and_then(|c| c.prepare) {
            prepare(&mut params);
        }
        self.param_events(op, &mut params)?;
        Ok((op, params))
    }

    /// Whether any handler could run for this client's events: its own, its
    /// session's or static ones.
    fn has_handlers(&self) -> bool {
        !self.statics.is_empty()
            || !self.handlers.is_empty()
            || self.session_handlers.is_some_and(|s| !s.is_empty())
    }

    /// The signer an attempt starts with, before `choose-signer`.
    fn default_signer(&self, op: &Operation, target: &Target) -> SignerChoice {
        if self.config.signature_version == SignatureVersionChoice::Unsigned
            || op.is_unsigned()
            || target.unsigned_by_endpoint
        {
            SignerChoice::Unsigned
        } else {
            SignerChoice::SigV4
        }
    }

    /// The model operation `name` names, and the custom operation it came
    /// through, if any.
    fn operation(
        &self,
        name: &str,
    ) -> Result<(&'static Operation, Option<CustomOperation>), CallError<'static>> {
        let custom = self.custom.get(name).copied();
        let op_name = custom.map_or(name, |c| c.target);
        let op = self
            .entry
            .model
            .operation(op_name)
            .ok_or(CallError::UnknownOperation)?;
        Ok((op, custom))
    }

    /// Step 1 of a call: `provide-client-params` and `before-parameter-build`.
    fn param_events(
        &self,
        op: &'static Operation,
        params: &mut Params<'_>,
    ) -> Result<(), CallError<'static>> {
        for kind in [
            EventKind::ProvideClientParams,
            EventKind::BeforeParameterBuild,
        ] {
            let data = match kind {
                EventKind::ProvideClientParams => EventData::ProvideClientParams(&mut *params),
                _ => EventData::BeforeParameterBuild(&mut *params),
            };
            self.emit(kind, op.name, data)?;
        }
        Ok(())
    }

    /// Steps 2 and 3 of a call: the endpoint, the serialized request (in
    /// `req_buf`) and its host and target (in `url`).
    // Out of line: inlined into the call's state machine it doubled its
    // moves of the endpoint (about 6 KB of flash on a Cortex-M).
    #[inline(never)]
    fn prepare<'b>(
        &self,
        op: &'static Operation,
        params: &'b Params<'_>,
        purpose: Prepared,
        req_buf: &'b mut [u8],
        url: &mut [u8],
        scratch: &mut [u8],
    ) -> Result<(Target, EndpointHeaders, serialize::SerializedRequest<'b>), Refused> {
        let model = self.entry.model;
        // A copy for the handlers to edit; without handlers, the client's own.
        let mut edited;
        let builtins = if features::HANDLERS {
            edited = self.builtins.clone();
            self.emit(
                EventKind::BeforeEndpointResolution,
                op.name,
                EventData::BeforeEndpointResolution(&mut edited),
            )?;
            &edited
        } else {
            &self.builtins
        };
        let (mut target, endpoint, endpoint_headers) =
            self.resolve_endpoint(op, builtins, params, scratch, url)?;
        let mut opts = SerializeOptions::client();
        opts.validate = self.config.parameter_validation;
        opts.tokens = self.tokens;
        opts.compression = Some(CompressionConfig {
            min_size: self.config.request_min_compression_size_bytes as usize,
            disabled: self.config.disable_request_compression,
        });
        match purpose {
            Prepared::Whole => {}
            // The payload is not in the request: a checksum of it cannot be
            // taken before sending.
            Prepared::Streamed => opts.checksum = None,
            // botocore neither checksums nor compresses a presigned request.
            Prepared::Presigned => {
                opts.checksum = None;
                opts.compression = None;
            }
        }
        let serialized = serialize::serialize(model, op, params, &opts, req_buf)
            .map_err(CallError::Serialize)?;
        join_url(&mut target, endpoint, &serialized, model.name, op, url)?;
        Ok((target, endpoint_headers, serialized))
    }

    /// Resolves the endpoint: its URL's parts borrow the rules' output in
    /// `scratch` or the configured URL in `builtins`, and are written
    /// straight into the URL buffer by [`join_url`] (an endpoint-rule
    /// refusal leaves its message at the start of `url`).
    fn resolve_endpoint<'s>(
        &self,
        op: &'static Operation,
        builtins: &'s Builtins,
        params: &Params<'_>,
        scratch: &'s mut [u8],
        url: &mut [u8],
    ) -> Result<(Target, UrlParts<'s>, EndpointHeaders), Refused> {
        let model = self.entry.model;
        let mut target = Target::default();
        let mut headers = EndpointHeaders::new();
        let region = builtins.region.as_deref();
        let resolved;
        let url_parts: UrlParts<'_> = match (self.rules, self.partitions) {
            (Some(rules), Some(partitions)) if crate::features::ENDPOINT_RULES => {
                let call_params = CallParams {
                    rules,
                    builtins,
                    op,
                    shape: model.input_of(op),
                    input: params,
                };
                resolved = match endpoint::resolve(rules, &partitions, &call_params, scratch)
                    .map_err(CallError::Endpoint)?
                {
                    Ok(r) => r,
                    Err(message) => {
                        if region.is_none() && builtins.endpoint.is_none() {
                            return Err(CallError::NoRegion.into());
                        }
                        return Err(Refused::rule(message, url));
                    }
                };
                target.unsigned_by_endpoint = resolved.unsigned;
                target.disable_double_encoding = resolved.disable_double_encoding;
                let _ = target
                    .signing_name
                    .push_str(resolved.signing_name.unwrap_or(model.metadata.signing_name));
                let _ = target
                    .signing_region
                    .push_str(resolved.signing_region.or(region).unwrap_or(""));
                for (name, values) in resolved.endpoint.headers().iter() {
                    let crate::endpoint::Property::List(list) = values else {
                        continue;
                    };
                    for v in list.iter() {
                        if let crate::endpoint::Property::Str(v) = v {
                            let (mut n, mut t) = (heapless::String::new(), heapless::String::new());
                            n.push_str(name)
                                .and_then(|_| t.push_str(v))
                                .and_then(|_| headers.push((n, t)).map_err(|_| ()))
                                .map_err(|_| CallError::Endpoint(EndpointError::TooLong))?;
                        }
                    }
                }
                resolved.url
            }
            _ => {
                let url =
                    builtins
                        .endpoint
                        .as_deref()
                        .ok_or(if crate::features::ENDPOINT_RULES {
                            CallError::Endpoint(EndpointError::NoRules)
                        } else {
                            CallError::Disabled(crate::features::Disabled::EndpointRules)
                        })?;
                let _ = target.signing_name.push_str(model.metadata.signing_name);
                let _ = target
                    .signing_region
                    .push_str(region.ok_or(CallError::NoRegion)?);
                endpoint::split_url(url).map_err(CallError::Endpoint)?
            }
        };
        if target.signing_region.is_empty() {
            return Err(CallError::NoRegion.into());
        }
        target.scheme = url_parts.scheme;
        target.port = url_parts.port;
        Ok((target, url_parts, headers))
    }

    /// The headers every attempt starts from, after the serializer's.
    fn base_headers(
        &self,
        headers: &mut HeaderBlock<'_>,
        op: &'static Operation,
        endpoint_headers: EndpointHeaders,
    ) -> Result<(), CallError<'static>> {
        let mut ua: heapless::String<160> = heapless::String::new();
        let extra = self.config.user_agent_extra.as_str();
        for part in [
            concat!("stratus/", env!("CARGO_PKG_VERSION"), " md/"),
            op.name,
            if extra.is_empty() { "" } else { " " },
            extra,
        ] {
            // As `write!` did: what does not fit is left out.
            if ua.push_str(part).is_err() {
                break;
            }
        }
        headers.set("User-Agent", &ua).map_err(CallError::Headers)?;
        for (n, v) in &endpoint_headers {
            headers.append(n, v).map_err(CallError::Headers)?;
        }
        Ok(())
    }

    /// The attempt loop: sign, send, parse the status, ask `needs-retry`.
    async fn attempts<'w, S: StreamSlot>(
        &self,
        op: &'static Operation,
        request: &mut Request<'_>,
        base: usize,
        target: &Target,
        space: AttemptSpace<'_>,
        stream: &mut S,
    ) -> Result<(Attempt, u32), CallError<'w>> {
        let AttemptSpace {
            signing: sig_space,
            response: resp_buf,
        } = space;
        let mut retrying = Retrying {
            call: CallRetry::new(),
            skew_retried: false,
        };
        let mut attempt = 0u32;
        loop {
            attempt += 1;
            let wait = self.retry.before_send(self.clock.now_ms());
            if wait > 0 {
                self.clock.sleep_ms(wait).await;
            }
            request.headers.truncate(base);
            self.emit(
                EventKind::RequestCreated,
                op.name,
                EventData::RequestCreated(request),
            )?;
            let mut signer = self.default_signer(op, target);
            self.emit(
                EventKind::ChooseSigner,
                op.name,
                EventData::ChooseSigner(&mut signer),
            )?;
            self.emit(
                EventKind::BeforeSign,
                op.name,
                EventData::BeforeSign(request),
            )?;
            let chunks = self
                .sign(op, request, signer, target, sig_space, &*stream)
                .await?;

            // The event in a block and no tuple matched across the send:
            // neither is kept in the call's future while the transport runs.
            let replied = {
                let mut event = Event::new(
                    self.event_name(EventKind::BeforeSend, op.name),
                    EventData::BeforeSend {
                        request,
                        reply: Reply::new(&mut *resp_buf),
                    },
                );
                self.dispatch(&mut event, answered_before_send)?;
                match event.data {
                    EventData::BeforeSend { mut reply, .. } => reply.take(),
                    _ => None,
                }
            };
            let outcome = if let Some(raw) = replied {
                Attempt::Response(raw)
            } else {
                if stream.peek().is_some() && chunks.is_none() {
                    return Err(CallError::Streaming(StreamingError::Unsigned));
                }
                self.send(request, target, stream, chunks, resp_buf).await
            };

            let decision = self.judge(
                op,
                attempt,
                &outcome,
                resp_buf,
                &mut retrying,
                stream.peek().is_some(),
            )?;
            match decision {
                // Whatever a handler said, a pulled body cannot be re-sent.
                Decision::Retry { .. } if stream.peek().is_some() => return Ok((outcome, attempt)),
                Decision::Retry { delay_ms } => {
                    if delay_ms > 0 {
                        self.clock.sleep_ms(delay_ms).await;
                    }
                }
                Decision::Stop(StopReason::Crc32Mismatch | StopReason::BadCrc32Header) => {
                    return Ok((Attempt::Failed(TransportError::Malformed), attempt));
                }
                Decision::Stop(_) => return Ok((outcome, attempt)),
            }
        }
    }

    /// What the retry rules, the clock-skew check and the `needs-retry`
    /// handlers make of one attempt's outcome (the `before-parse` and
    /// `response-received` events first). Out of line, so the response's
    /// reading takes stack only while it runs, not under the transport.
    #[inline(never)]
    fn judge<'w>(
        &self,
        op: &'static Operation,
        attempt: u32,
        outcome: &Attempt,
        resp_buf: &[u8],
        retrying: &mut Retrying,
        pulled: bool,
    ) -> Result<Decision, CallError<'w>> {
        // Read what the retry rules need, then let handlers look.
        let mono = self.clock.now_ms();
        let mut code: heapless::String<64> = heapless::String::new();
        let mut status = 0u16;
        let mut skewed = false;
        let view;
        let retry_outcome = match outcome {
            Attempt::Response(raw) => {
                view = raw.view(resp_buf);
                self.emit(
                    EventKind::BeforeParse,
                    op.name,
                    EventData::BeforeParse(&view),
                )?;
                let parser = ResponseParser::new(self.entry.model, op, view.as_response());
                status = parser.status();
                if let Some(c) = super::output::error_code_of(&parser) {
                    code = c;
                }
                let code_opt = (!code.is_empty()).then_some(code.as_str());
                skewed = self
                    .skew
                    .observe(self.clock.now(), mono, view.header("date"), code_opt);
                self.emit(
                    EventKind::ResponseReceived,
                    op.name,
                    EventData::ResponseReceived(Ok(&view)),
                )?;
                AttemptOutcome::Response {
                    status,
                    code: code_opt,
                    modeled: code_opt
                        .and_then(|c| ModeledRetry::from_model(self.entry.model, op, c)),
                    crc32_header: view.header("x-amz-crc32"),
                    body: view.body,
                }
            }
            Attempt::Failed(e) => {
                self.emit(
                    EventKind::ResponseReceived,
                    op.name,
                    EventData::ResponseReceived(Err(e.failure())),
                )?;
                AttemptOutcome::Transport(e.failure())
            }
        };
        let mut decision: Option<Decision> = None;
        {
            let mut event = Event::new(
                self.event_name(EventKind::NeedsRetry, op.name),
                EventData::NeedsRetry {
                    attempt,
                    outcome: &retry_outcome,
                    decision: &mut decision,
                },
            );
            self.dispatch(&mut event, answered_needs_retry)?;
        }
        let decision = match decision {
            Some(d) => d,
            // A pulled body cannot be pulled again.
            None if pulled => Decision::Stop(StopReason::NotRetryable),
            None if skewed && !retrying.skew_retried => {
                retrying.skew_retried = true;
                Decision::Retry { delay_ms: 0 }
            }
            None => self.retry.decide(
                &mut retrying.call,
                &retry_outcome,
                &mut *self.jitter.borrow_mut(),
            ),
        };
        // botocore's adaptive limiter hears of every response after the
        // retry decision, unless the decision raised (a bad CRC32 header).
        if decision != Decision::Stop(StopReason::BadCrc32Header) {
            self.retry
                .after_response(mono, status != 0 && RetryState::is_throttle(&retry_outcome));
        }
        Ok(decision)
    }

    /// Signs the attempt (or not), adding `Host` and the signature headers.
    async fn sign<'w, S: StreamSlot>(
        &self,
        op: &'static Operation,
        request: &mut Request<'_>,
        signer: SignerChoice,
        target: &Target,
        sig_space: &mut [u8],
        stream: &S,
    ) -> Result<Option<S::Signer>, CallError<'w>> {
        let host = host_header(target.scheme, request.host, request.port);
        request
            .headers
            .set("Host", &host)
            .map_err(CallError::Headers)?;
        if signer == SignerChoice::Unsigned {
            return Ok(None);
        }
        // Lent, not copied: the credentials are 2 KB with a session token's room.
        self.credentials
            .with_credentials(|credentials| {
                self.sign_now(op, request, target, sig_space, stream, credentials)
            })
            .await
            .map_err(CallError::Credentials)?
    }

    /// The synchronous part of [`sign`](Self::sign): headers, the canonical
    /// request, the signature. Out of line, so its buffers (the header list,
    /// the staged values) take stack only while it runs, not in every frame
    /// of the call's poll, which the transport's frames are added to.
    #[inline(never)]
    fn sign_now<'w, S: StreamSlot>(
        &self,
        op: &'static Operation,
        request: &mut Request<'_>,
        target: &Target,
        sig_space: &mut [u8],
        stream: &S,
        credentials: &Credentials,
    ) -> Result<Option<S::Signer>, CallError<'w>> {
        let s3 = is_s3(self.entry.model.name);
        let settings = signing_settings(s3, target);
        let https = target.scheme == "https";
        let has_checksum = request.headers.iter().any(|(n, _)| {
            n.eq_ignore_ascii_case("content-md5")
                || n.len() > 15
                    && n.get(..15)
                        .is_some_and(|p| p.eq_ignore_ascii_case("x-amz-checksum-"))
        });
        let unsigned_body =
            https && (op.flags.contains(OperationFlags::UNSIGNED_PAYLOAD) || (s3 && has_checksum));
        if let Some(stream) = stream.peek() {
            if !s3 {
                return Err(CallError::Streaming(StreamingError::NotS3));
            }
            let encoded = aws_chunked_encoded_len(stream.length, stream.chunk as u64)
                .ok_or(CallError::Streaming(StreamingError::TooLong))?;
            let mut n: heapless::String<24> = heapless::String::new();
            let _ = write!(n, "{}", stream.length);
            request
                .headers
                .set("x-amz-decoded-content-length", &n)
                .map_err(CallError::Headers)?;
            n.clear();
            let _ = write!(n, "{encoded}");
            request
                .headers
                .set("Content-Length", &n)
                .map_err(CallError::Headers)?;
            let mut encoding: heapless::String<128> = heapless::String::new();
            let _ = encoding.push_str("aws-chunked");
            if let Some(other) = request.headers.get("Content-Encoding") {
                let _ = encoding.push(',');
                let _ = encoding.push_str(other);
            }
            request
                .headers
                .set("Content-Encoding", &encoding)
                .map_err(CallError::Headers)?;
        }
        let (path, query) =
            crate::text::split_once_ascii(request.target, b'?').unwrap_or((request.target, ""));
        let time = self.skew.now(self.clock.now(), self.clock.now_ms());
        let mut staged = HeaderBlock::new(sig_space);
        let chunk_signer;
        {
            let list = header_list(&request.headers)?;
            let signable = SignableRequest {
                method: request.method.as_str(),
                path,
                query,
                headers: &list,
                body: if stream.peek().is_some() {
                    SignableBody::StreamingAwsChunked
                } else if unsigned_body {
                    SignableBody::Unsigned
                } else {
                    SignableBody::Bytes(request.body)
                },
            };
            let params = SigningParams {
                credentials,
                region: request.signing_region,
                service: request.signing_name,
                time,
                settings,
            };
            let mut keys = self.keys.borrow_mut();
            let out = sigv4::sign_in_headers(&signable, &params, &mut keys)
                .map_err(CallError::Signing)?;
            chunk_signer = S::chunk_signer(&params, &out, &mut keys);
            let mut text = [0u8; sigv4::AUTHORIZATION_CAPACITY + 64];
            for (name, value) in out.headers() {
                let Ok(text) = value.write_into(&mut text) else {
                    // The session token is longer than the staging buffer:
                    // copy it straight from the credentials.
                    if name == "x-amz-security-token"
                        && let Some(t) = credentials.session_token()
                    {
                        staged.append(name, t).map_err(|_| staging_full())?;
                        continue;
                    }
                    return Err(CallError::Headers(super::HeadersFull));
                };
                staged.append(name, text).map_err(|_| staging_full())?;
            }
        }
        for (n, v) in staged.iter() {
            request.headers.set(n, v).map_err(CallError::Headers)?;
        }
        Ok(chunk_signer)
    }

    /// Sends the attempt: its body from memory, or streamed as signed
    /// aws-chunked when the call has a stream (and `chunks` its signer).
    async fn send<S: StreamSlot>(
        &self,
        request: &Request<'_>,
        target: &Target,
        stream: &mut S,
        chunks: Option<S::Signer>,
        resp_buf: &mut [u8],
    ) -> Attempt {
        let streamed = stream.peek().is_some() && chunks.is_some();
        let http = HttpRequest {
            method: request.method.as_str(),
            scheme: target.scheme,
            host: request.host,
            port: request.port,
            target: request.target,
            headers: HeaderList::from(&request.headers),
            body: if streamed { &[] } else { request.body },
            timeouts: self.config.timeouts,
        };
        match stream.send(&self.transport, &http, chunks, resp_buf).await {
            Ok(raw) => Attempt::Response(raw),
            Err(e) => Attempt::Failed(e),
        }
    }
}

/// S3 and S3 Control: their own SigV4 rules and bucket addressing.
fn is_s3(service: &str) -> bool {
    service == "s3" || service == "s3control"
}

/// The SigV4 rules for a service: S3's or everyone else's, without path
/// normalisation and double encoding when the endpoint's auth scheme says so.
fn signing_settings(s3: bool, target: &Target) -> SigningSettings {
    let mut settings = if s3 {
        SigningSettings::s3()
    } else {
        SigningSettings::for_service()
    };
    if target.disable_double_encoding {
        settings.double_encode_path = false;
        settings.normalize_path = false;
    }
    settings
}

/// The request's headers as the signer and the transport take them.
fn header_list<'r>(
    headers: &'r HeaderBlock<'_>,
) -> Result<heapless::Vec<(&'r str, &'r str), MAX_SEND_HEADERS>, CallError<'static>> {
    let mut list = heapless::Vec::new();
    for h in headers.iter() {
        list.push(h)
            .map_err(|_| CallError::Headers(super::HeadersFull))?;
    }
    Ok(list)
}

/// The `Host` header for `host`: with the port when it is not the scheme's.
fn host_header(scheme: &str, host: &str, port: Option<u16>) -> heapless::String<300> {
    let mut out: heapless::String<300> = super::bounded(host);
    let default_port = if scheme == "https" { 443 } else { 80 };
    if let Some(p) = port.filter(|p| *p != default_port) {
        let mut digits = [0u8; DECIMAL_DIGITS];
        let digits = decimal(u64::from(p), &mut digits);
        // Only ASCII digits.
        let port = core::str::from_utf8(digits).unwrap_or("");
        let _ = out.push_str(":").and_then(|_| out.push_str(port));
    }
    out
}

/// The signature headers are staged in the URL buffer after the URL: it is
/// too small for both.
fn staging_full() -> CallError<'static> {
    CallError::WorkspaceTooSmall {
        buffer: "url",
        holds: "the request's host and path, then the signature headers (Authorization, session token) being added",
    }
}

/// Why [`Client::prepare`] stopped: an error, or the endpoint rules'
/// refusal, whose message it left at the start of the URL buffer (so the
/// caller's [`CallError::EndpointRule`] borrows it from the workspace instead
/// of every `?` on the way moving a copy).
enum Refused {
    Call(CallError<'static>),
    Rule { len: usize },
}

impl Refused {
    /// Copies `message` to the start of `url` (cut at a character boundary
    /// when `url` is shorter).
    fn rule(message: &str, url: &mut [u8]) -> Self {
        let kept = crate::text::prefix_within(message, url.len());
        if let Some(dst) = url.get_mut(..kept.len()) {
            dst.copy_from_slice(kept.as_bytes());
        }
        Refused::Rule { len: kept.len() }
    }

    /// The call's error; a rule's message is read from `url`.
    fn into_error(self, url: &[u8]) -> CallError<'_> {
        match self {
            Refused::Call(e) => e,
            Refused::Rule { len } => CallError::EndpointRule(
                url.get(..len)
                    .and_then(|m| core::str::from_utf8(m).ok())
                    .unwrap_or(""),
            ),
        }
    }
}

impl From<CallError<'static>> for Refused {
    fn from(e: CallError<'static>) -> Self {
        Refused::Call(e)
    }
}

impl From<EventFailure> for Refused {
    fn from(f: EventFailure) -> Self {
        Refused::Call(f.into())
    }
}

/// Why an event's dispatch failed the call: a few bytes, so each of the
/// dozen `?`s after an event moves this, not a whole [`CallError`].
#[derive(Clone, Copy)]
enum EventFailure {
    /// Too many handlers matched.
    Handlers(super::events::TooManyHandlers),
    /// A handler failed the call.
    Handler {
        event: EventKind,
        reason: &'static str,
    },
}

impl From<EventFailure> for CallError<'_> {
    fn from(f: EventFailure) -> Self {
        match f {
            EventFailure::Handlers(e) => CallError::Handlers(e),
            EventFailure::Handler { event, reason } => CallError::Handler { event, reason },
        }
    }
}

fn answered_before_call(e: &Event<'_, '_>) -> bool {
    matches!(&e.data, EventData::BeforeCall { reply, .. } if reply.is_set())
}

fn answered_before_send(e: &Event<'_, '_>) -> bool {
    matches!(&e.data, EventData::BeforeSend { reply, .. } if reply.is_set())
}

fn answered_needs_retry(e: &Event<'_, '_>) -> bool {
    matches!(&e.data, EventData::NeedsRetry { decision, .. } if decision.is_some())
}

/// The buffers an attempt writes: staged signature headers and the response.
struct AttemptSpace<'a> {
    signing: &'a mut [u8],
    response: &'a mut [u8],
}

/// A streamed payload: the source, the chunk buffer and the length.
struct Streaming<'s> {
    body: &'s mut dyn BodySource,
    chunk: &'s mut [u8],
    length: u64,
}

/// What the signer needs of a streamed payload: its length and chunk size.
#[derive(Clone, Copy)]
struct StreamShape {
    length: u64,
    chunk: usize,
}

/// A call's streamed payload, as a type: [`NoStream`] for
/// [`Client::call`], a [`Streaming`] for [`Client::call_streaming`]. The
/// pipeline is generic over it, so `call`'s instance of the state machine
/// knows it has no stream and holds none of the `aws-chunked` code (on the
/// Cortex-M firmware, which never streams: 4.7 KB of flash and 624 B of
/// the call's future).
trait StreamSlot {
    /// What signs the chunks: a [`ChunkSigner`], or nothing (an empty type,
    /// so `call`'s future keeps no room for one).
    type Signer;
    /// The payload's length and chunk size.
    fn peek(&self) -> Option<StreamShape>;
    /// The chunk signer, seeded by the request's signature.
    fn chunk_signer(
        params: &SigningParams<'_>,
        seed: &sigv4::SigningOutput<'_>,
        keys: &mut SigningKeyCache,
    ) -> Option<Self::Signer>;
    /// Sends `http` through `transport`, with the payload streamed as
    /// signed `aws-chunked` when there is one and a signer (`chunks`). A
    /// method of the slot, so that a call without a stream has no
    /// `send_body` in its future: an await in a state machine is linked
    /// even where it is never reached.
    async fn send<T: Transport>(
        &mut self,
        transport: &T,
        http: &HttpRequest<'_>,
        chunks: Option<Self::Signer>,
        resp_buf: &mut [u8],
    ) -> Result<RawResponse, TransportError>;
    /// Why the payload cannot be streamed, if it cannot.
    fn refused(&self) -> Option<StreamingError> {
        None
    }
}

/// No streamed payload.
struct NoStream;

impl StreamSlot for NoStream {
    type Signer = core::convert::Infallible;
    #[inline(always)]
    fn chunk_signer(
        _: &SigningParams<'_>,
        _: &sigv4::SigningOutput<'_>,
        _: &mut SigningKeyCache,
    ) -> Option<Self::Signer> {
        None
    }
    async fn send<T: Transport>(
        &mut self,
        transport: &T,
        http: &HttpRequest<'_>,
        _: Option<Self::Signer>,
        resp_buf: &mut [u8],
    ) -> Result<RawResponse, TransportError> {
        transport.send(http, resp_buf).await
    }
    #[inline(always)]
    fn peek(&self) -> Option<StreamShape> {
        None
    }
}

/// A payload checked by [`Client::call_streaming`]: the call refuses it
/// before anything else when the check failed.
impl StreamSlot for Result<Streaming<'_>, StreamingError> {
    type Signer = ChunkSigner;
    fn chunk_signer(
        params: &SigningParams<'_>,
        seed: &sigv4::SigningOutput<'_>,
        keys: &mut SigningKeyCache,
    ) -> Option<Self::Signer> {
        Some(ChunkSigner::from_params(params, seed, keys))
    }
    async fn send<T: Transport>(
        &mut self,
        transport: &T,
        http: &HttpRequest<'_>,
        chunks: Option<Self::Signer>,
        resp_buf: &mut [u8],
    ) -> Result<RawResponse, TransportError> {
        match (self.as_mut().ok(), chunks) {
            (Some(s), Some(signer)) => {
                let mut body = AwsChunkedBody::new(&mut *s.body, signer, &mut *s.chunk);
                transport.send_body(http, &mut body, resp_buf).await
            }
            _ => transport.send(http, resp_buf).await,
        }
    }
    fn peek(&self) -> Option<StreamShape> {
        let s = self.as_ref().ok()?;
        Some(StreamShape {
            length: s.length,
            chunk: s.chunk.len(),
        })
    }
    fn refused(&self) -> Option<StreamingError> {
        self.as_ref().err().copied()
    }
}

/// Why a streamed call could not be made.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum StreamingError {
    /// The body source does not know its length.
    UnknownLength,
    /// The chunk buffer is empty.
    EmptyChunkBuffer,
    /// Signed `aws-chunked` uploads are S3's; this service takes no stream.
    NotS3,
    /// The call is not signed, so there is no seed for chunk signatures.
    Unsigned,
    /// The encoded length overflows.
    TooLong,
}

impl core::fmt::Display for StreamingError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            StreamingError::UnknownLength => "a streamed body must know its length",
            StreamingError::EmptyChunkBuffer => "the chunk buffer is empty",
            StreamingError::NotS3 => "only S3 takes signed aws-chunked uploads",
            StreamingError::Unsigned => "a streamed upload must be signed",
            StreamingError::TooLong => "the streamed body is too long",
        })
    }
}

/// What a request is prepared for.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Prepared {
    /// A call with its whole body.
    Whole,
    /// A call whose payload is streamed.
    Streamed,
    /// A presigned URL or POST.
    Presigned,
}

/// Where a call goes, resolved once per call: what the attempts need (the
/// host and target are in the URL buffer by then). Kept small: it lives in
/// the call's future across every send.
#[derive(Default)]
struct Target {
    scheme: &'static str,
    port: Option<u16>,
    /// Bytes of the URL buffer holding the host (prefix applied).
    host_len: usize,
    /// Bytes of the URL buffer used (host, then path and query).
    used: usize,
    signing_name: heapless::String<64>,
    signing_region: heapless::String<64>,
    unsigned_by_endpoint: bool,
    disable_double_encoding: bool,
}

/// Headers the endpoint rules add to every attempt: none without the rules
/// engine, so that build carries no room for them (and no code to copy them).
type EndpointHeaders = heapless::Vec<
    (heapless::String<64>, heapless::String<128>),
    {
        if crate::features::ENDPOINT_RULES {
            4
        } else {
            0
        }
    },
>;

impl Target {
    /// The request to `host` and `path` (the URL buffer's halves) with
    /// `headers` and `body`, signed for this target's region and name.
    fn request<'b>(
        &'b self,
        method: crate::model::HttpMethod,
        host: &'b str,
        path: &'b str,
        headers: HeaderBlock<'b>,
        body: &'b [u8],
    ) -> Request<'b> {
        Request {
            method,
            scheme: self.scheme,
            host,
            port: self.port,
            target: path,
            headers,
            body,
            signing_region: self.signing_region.as_str(),
            signing_name: self.signing_name.as_str(),
        }
    }
}

/// Writes host (with the serialized host prefix) and then the request
/// target into `url`, joining the endpoint's path and the serialized path as
/// botocore's `_urljoin` does. S3 paths lose their leading `/{Bucket}`: the
/// rule set already put the bucket in the host or the endpoint path (botocore
/// strips it from the model the same way).
fn join_url(
    target: &mut Target,
    endpoint: UrlParts<'_>,
    serialized: &serialize::SerializedRequest<'_>,
    service: &str,
    op: &Operation,
    url: &mut [u8],
) -> Result<(), CallError<'static>> {
    let mut w = UrlWriter { buf: url, at: 0 };
    if let Some(prefix) = serialized.host_prefix() {
        w.push(prefix)?;
    }
    w.push(endpoint.host)?;
    target.host_len = w.at;
    let mut path = serialized.path();
    if is_s3(service) && op.request_uri.starts_with("/{Bucket}") {
        let rest = path.strip_prefix('/').unwrap_or(path);
        path = crate::text::find_ascii(rest, b'/').map_or("", |i| rest.get(i..).unwrap_or(""));
    }
    let base = endpoint.path;
    if path.is_empty() || path == "/" {
        w.push(if base.is_empty() { "/" } else { base })?;
    } else if base.ends_with('/') && path.starts_with('/') {
        w.push(base.get(..base.len() - 1).unwrap_or(""))?;
        w.push(path)?;
    } else {
        w.push(base)?;
        w.push(path)?;
    }
    let query = serialized.query();
    if !query.is_empty() {
        w.push("?")?;
        w.push(query)?;
    }
    target.used = w.at;
    Ok(())
}

struct UrlWriter<'u> {
    buf: &'u mut [u8],
    at: usize,
}

impl UrlWriter<'_> {
    fn push(&mut self, s: &str) -> Result<(), CallError<'static>> {
        let end = self.at + s.len();
        self.buf
            .get_mut(self.at..end)
            .ok_or(CallError::Endpoint(EndpointError::TooLong))?
            .copy_from_slice(s.as_bytes());
        self.at = end;
        Ok(())
    }
}
