//! The four clients, built from the default session (botocore's credential
//! chain and shared config) with `--region` / `--endpoint-url` over it, and
//! the one call helper that times every call and turns its errors into
//! [`GatewayError`]s.

use std::cell::RefCell;
use std::fmt;
use std::time::{Duration, Instant};

use stratus_core::client::{CallError, CallOutput, Client, ServiceEntry, Workspace};
use stratus_core::http::BodySource;
use stratus_core::model::StructValue;
use stratus_core::model::view::Text;
use stratus_core::protocol::parse::Parsed;
use stratus_transport_std::SystemClock;
use stratus_transport_std::blocking;
use stratus_transport_std::config::Env;
use stratus_transport_std::default_session::{DefaultChain, DefaultSession, session_from};
use stratus_transport_std::net::StdTransport;

use crate::stats::Stats;

/// A client of the session.
pub type Svc<'s> = Client<'s, &'s StdTransport, &'s DefaultChain, SystemClock>;

/// Why the gateway stopped.
#[derive(Debug)]
pub enum GatewayError {
    /// The shared config, the environment or the command line is not usable.
    Settings(String),
    /// No region: none given and none configured.
    NoRegion,
    /// No credentials could be found or fetched.
    Credentials(String),
    /// The service refused a call (after the retries the config allows).
    Service {
        /// `kinesis PutRecords`, …
        operation: String,
        /// HTTP status.
        status: u16,
        /// The service's error code.
        code: String,
        /// The service's message.
        message: String,
    },
    /// A call failed before the service answered (network, signing, …).
    Call {
        /// `kinesis PutRecords`, …
        operation: String,
        /// What went wrong.
        error: String,
    },
    /// A response could not be read.
    Response {
        /// `kinesis PutRecords`, …
        operation: String,
        /// What was wrong with it.
        error: String,
    },
    /// Records kept failing in `PutRecords` after every re-send.
    RecordsNotAccepted {
        /// Records still not accepted.
        count: usize,
        /// Rounds of re-sending tried.
        rounds: u32,
        /// The last error code Kinesis gave for one of them.
        last_code: String,
    },
    /// The stream did not become `ACTIVE` in time.
    StreamNotActive {
        /// Its status when the wait ended.
        status: String,
        /// How long was waited.
        waited: Duration,
    },
}

impl fmt::Display for GatewayError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GatewayError::Settings(why) => write!(f, "settings: {why}"),
            GatewayError::NoRegion => f.write_str(
                "no region: pass --region or set AWS_REGION (or region in ~/.aws/config)",
            ),
            GatewayError::Credentials(why) => write!(f, "no credentials: {why}"),
            GatewayError::Service {
                operation,
                status,
                code,
                message,
            } => write!(f, "{operation}: {code} (HTTP {status}): {message}"),
            GatewayError::Call { operation, error } => write!(f, "{operation}: {error}"),
            GatewayError::Response { operation, error } => {
                write!(f, "{operation}: cannot read the response: {error}")
            }
            GatewayError::RecordsNotAccepted {
                count,
                rounds,
                last_code,
            } => write!(
                f,
                "kinesis PutRecords: {count} records still refused after {rounds} rounds ({last_code})"
            ),
            GatewayError::StreamNotActive { status, waited } => write!(
                f,
                "the stream is {status} after {} s, not ACTIVE",
                waited.as_secs()
            ),
        }
    }
}

impl std::error::Error for GatewayError {}

/// A text member as a `String` (escapes decoded; undecodable characters dropped).
pub fn text(t: Option<Text<'_>>) -> String {
    t.map(|t| t.chars().filter_map(Result::ok).collect())
        .unwrap_or_default()
}

/// The session, its transport, and where calls go.
pub struct Setup {
    session: DefaultSession,
    transport: std::sync::Arc<StdTransport>,
    region: String,
    endpoint_url: Option<String>,
    env: Env,
}

impl Setup {
    /// The default session from the process environment, with `region`
    /// and `endpoint_url` over the configured ones.
    pub fn new(region: Option<&str>, endpoint_url: Option<&str>) -> Result<Self, GatewayError> {
        let env = Env::process();
        let (session, transport, config) =
            session_from(env.clone(), None).map_err(|e| GatewayError::Settings(e.to_string()))?;
        let region = match region.filter(|r| !r.is_empty()) {
            Some(r) => r.to_string(),
            None => config
                .region_opt()
                .map_err(|e| GatewayError::Settings(e.to_string()))?
                .ok_or(GatewayError::NoRegion)?,
        };
        if let Some(url) = endpoint_url {
            let ok = (url.starts_with("http://") || url.starts_with("https://"))
                && url
                    .split_once("://")
                    .is_some_and(|(_, rest)| !rest.is_empty() && !rest.starts_with('/'));
            if !ok {
                return Err(GatewayError::Settings(format!(
                    "invalid --endpoint-url {url:?}: give a URL such as http://127.0.0.1:5000"
                )));
            }
        }
        Ok(Setup {
            session,
            transport,
            region,
            endpoint_url: endpoint_url.map(str::to_string),
            env,
        })
    }

    /// The region calls go to.
    pub fn region(&self) -> &str {
        &self.region
    }

    /// Where calls go: the endpoint URL, or `AWS (<region>)`.
    pub fn target(&self) -> String {
        match &self.endpoint_url {
            Some(url) => url.clone(),
            None => format!("AWS ({})", self.region),
        }
    }

    /// The clients.
    pub fn clients(&self) -> Result<Aws<'_>, GatewayError> {
        let shared = stratus_transport_std::config::SharedConfig::load(self.env.clone(), None)
            .map_err(|e| GatewayError::Settings(e.to_string()))?;
        let client = |entry: &'static ServiceEntry| -> Result<Svc<'_>, GatewayError> {
            let mut config = shared
                .client_config(entry.model.name)
                .map_err(|e| GatewayError::Settings(e.to_string()))?
                .region(&self.region);
            if let Some(url) = &self.endpoint_url {
                config = config.endpoint_url(url);
            }
            self.session
                .client_for(entry, config, &*self.transport, SystemClock)
                .map_err(|e| GatewayError::Settings(format!("{}: {e}", entry.model.name)))
        };
        Ok(Aws {
            session: &self.session,
            kinesis: client(&stratus_models::kinesis::ENTRY)?,
            cloudwatch: client(&stratus_models::cloudwatch::ENTRY)?,
            iot_data: client(&stratus_models::iot_data::ENTRY)?,
            s3: client(&stratus_models::s3::ENTRY)?,
            stats: RefCell::new(Stats::default()),
        })
    }
}

/// The clients the gateway calls, and what their calls measured.
pub struct Aws<'s> {
    session: &'s DefaultSession,
    /// Kinesis.
    pub kinesis: Svc<'s>,
    /// CloudWatch (json, as botocore 1.43.11 speaks it).
    pub cloudwatch: Svc<'s>,
    /// IoT Data.
    pub iot_data: Svc<'s>,
    /// S3.
    pub s3: Svc<'s>,
    /// Every call's figures.
    pub stats: RefCell<Stats>,
}

impl<'s> Aws<'s> {
    /// Calls `op` with `input`; `payload` is the bytes of data it carries.
    pub fn call<'w>(
        &self,
        client: &Svc<'s>,
        op: &str,
        input: &dyn StructValue,
        payload: u64,
        ws: Workspace<'w>,
    ) -> Result<CallOutput<'w>, GatewayError> {
        let started = Instant::now();
        let result = blocking::call(client, op, input, ws);
        self.finish(client, op, started, payload, result)
    }

    /// Calls `op` with its streaming payload pulled from `body`, signed as
    /// aws-chunked in `chunk`-sized chunks.
    pub fn call_streaming<'w>(
        &self,
        client: &Svc<'s>,
        op: &str,
        input: &dyn StructValue,
        body: &mut dyn BodySource,
        chunk: &mut [u8],
        ws: Workspace<'w>,
    ) -> Result<CallOutput<'w>, GatewayError> {
        let payload = body.length().unwrap_or(0);
        let started = Instant::now();
        let result = blocking::block_on(client.call_streaming(op, input, body, chunk, ws));
        self.finish(client, op, started, payload, result)
    }

    fn finish<'w>(
        &self,
        client: &Svc<'s>,
        op: &str,
        started: Instant,
        payload: u64,
        result: Result<CallOutput<'w>, CallError<'w>>,
    ) -> Result<CallOutput<'w>, GatewayError> {
        let latency = started.elapsed();
        let operation = format!("{} {op}", client.service().model.name);
        let mut stats = self.stats.borrow_mut();
        match result {
            Ok(out) => {
                stats.record(&operation, latency, out.attempts(), payload, true);
                Ok(out)
            }
            Err(CallError::Service(out)) => {
                stats.record(&operation, latency, out.attempts(), 0, false);
                let (mut code, mut message) = (String::new(), String::new());
                if let Ok(Parsed::Error(e)) = out.parser().parse() {
                    code = e.code.to_string();
                    message = text(e.message);
                }
                Err(GatewayError::Service {
                    operation,
                    status: out.response().status,
                    code,
                    message,
                })
            }
            Err(CallError::Credentials(e)) => {
                stats.record(&operation, latency, 1, 0, false);
                Err(GatewayError::Credentials(
                    self.session
                        .credentials()
                        .last_error()
                        .map_or_else(|| e.to_string(), |full| full.to_string()),
                ))
            }
            Err(CallError::NoRegion) => Err(GatewayError::NoRegion),
            Err(e) => {
                stats.record(&operation, latency, 1, 0, false);
                Err(GatewayError::Call {
                    operation,
                    error: e.to_string(),
                })
            }
        }
    }
}

/// Decodes a call's output as `T` (a generated output view).
pub fn decode<'a, T: stratus_core::model::view::FromNode<'a>>(
    operation: &str,
    parser: &'a stratus_core::protocol::parse::ResponseParser<'a>,
) -> Result<T, GatewayError> {
    let bad = |error: String| GatewayError::Response {
        operation: operation.to_string(),
        error,
    };
    let out = parser.output().map_err(|e| bad(e.to_string()))?;
    T::from_node(out.node).map_err(|e| bad(e.to_string()))
}
