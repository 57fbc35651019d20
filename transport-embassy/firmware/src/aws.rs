//! The two stratus clients and the calls the loop makes: Kinesis `PutRecord`
//! and IoT Data `Publish`, each outcome logged, none fatal.

use defmt::{error, info, warn};
use embassy_net::Stack;
use embassy_stm32::peripherals::RNG;
use embassy_stm32::rng::Rng;
use static_cell::{ConstStaticCell, StaticCell};
use stratus_core::client::{CallError, CallOutput, Client, ClientConfig, Workspace};
use stratus_core::credentials::{Credentials, StaticCredentials};
use stratus_core::model::view::FromNode;
use stratus_core::retry::{RetryConfig, RetryMode};
use stratus_models::{iot_data, kinesis};
use stratus_transport_embassy::tls::{TlsSettings, Trust};
use stratus_transport_embassy::{EmbassyClock, EmbassyTransport, Resources};

use crate::{settings, tls};

/// The buffers of one call, sized for these two operations (a PutRecord of a
/// reading signs about 460 bytes of headers, its body is about 200 bytes;
/// the IoT Data URL with the escaped topic about 100): the core's
/// `Buffers` type has 8 KiB of fixed header, URL and scratch space, more
/// than these calls use.
pub struct CallBuffers {
    request: [u8; 1024],
    response: [u8; 2048],
    headers: [u8; 1024],
    url: [u8; 512],
    scratch: [u8; 768],
}

impl CallBuffers {
    const fn new() -> Self {
        CallBuffers {
            request: [0; 1024],
            response: [0; 2048],
            headers: [0; 1024],
            url: [0; 512],
            scratch: [0; 768],
        }
    }

    fn workspace(&mut self) -> Workspace<'_> {
        Workspace {
            request: &mut self.request,
            response: &mut self.response,
            headers: &mut self.headers,
            url: &mut self.url,
            scratch: &mut self.scratch,
        }
    }
}

/// The buffers every call borrows, one call at a time: in `.bss`, not on a
/// stack.
static BUFFERS: ConstStaticCell<CallBuffers> = ConstStaticCell::new(CallBuffers::new());
static CREDENTIALS: StaticCell<StaticCredentials> = StaticCell::new();
/// The transport's socket windows and TLS record buffers.
static RESOURCES: ConstStaticCell<
    Resources<{ tls::SOCKET_RX }, { tls::SOCKET_TX }, { tls::TLS_RX }, { tls::TLS_TX }>,
> = ConstStaticCell::new(Resources::new());
static TRANSPORT: StaticCell<Transport> = StaticCell::new();
/// The clients: in `.bss` too, so the main task's future holds a reference,
/// not two clients, and its poll never moves them through its stack frame.
static UPLINK: StaticCell<Uplink> = StaticCell::new();

type Transport = EmbassyTransport<'static, Rng<'static, RNG>>;
type AwsClient = Client<'static, &'static Transport, &'static StaticCredentials, EmbassyClock>;

/// Why the uplink could not be made.
#[derive(defmt::Format)]
pub enum SetupError {
    /// No keys were given at build time.
    NoKeys,
    /// The keys given at build time were refused (empty or too long).
    BadKeys(stratus_core::credentials::CredentialsError),
    /// Made twice.
    AlreadyMade,
}

/// Both clients and the buffers their calls share.
pub struct Uplink {
    kinesis: AwsClient,
    iot: AwsClient,
    buffers: &'static mut CallBuffers,
}

/// The endpoint URL a client is given: the one set at build time; else, in
/// a build without the endpoint rules engine,
/// `https://<prefix>.<region>.amazonaws.com` (what the rules give in the
/// `aws` partition; other partitions' endpoints are set at build time);
/// else none, and the rules resolve it.
fn endpoint(set: Option<&str>, prefix: &str) -> Option<heapless::String<128>> {
    let parts = match set {
        Some(set) => [set, "", "", "", ""],
        None if cfg!(feature = "endpoint-rules") => return None,
        None => ["https://", prefix, ".", settings::REGION, ".amazonaws.com"],
    };
    let mut url = heapless::String::new();
    for part in parts {
        if url.push_str(part).is_err() {
            // Without an endpoint the calls fail with a typed error.
            error!("the {} endpoint URL is longer than 128 bytes", prefix);
            return None;
        }
    }
    Some(url)
}

fn config(endpoint: Option<&str>) -> ClientConfig {
    let config = ClientConfig::default()
        .region(settings::REGION)
        .user_agent_extra("stratus-firmware")
        .retries(RetryConfig {
            mode: RetryMode::Standard,
            max_attempts: None,
        });
    match endpoint {
        Some(url) => config.endpoint_url(url),
        None => config,
    }
}

impl Uplink {
    /// The clients, sending over `stack` (TLS keys from `rng`) with the keys
    /// given at build time. Out of line: what it builds on its way to the
    /// static cell takes stack only while it runs, not in every poll of the
    /// main task.
    #[inline(never)]
    pub fn new(
        stack: Stack<'static>,
        rng: Rng<'static, RNG>,
    ) -> Result<&'static mut Self, SetupError> {
        let (Some(id), Some(secret)) = (settings::ACCESS_KEY_ID, settings::SECRET_ACCESS_KEY)
        else {
            return Err(SetupError::NoKeys);
        };
        let keys = Credentials::new(id, secret, settings::SESSION_TOKEN, None)
            .map_err(SetupError::BadKeys)?;
        let credentials = CREDENTIALS
            .try_init(StaticCredentials::new(keys))
            .ok_or(SetupError::AlreadyMade)?;
        let buffers = BUFFERS.try_take().ok_or(SetupError::AlreadyMade)?;
        let resources = RESOURCES.try_take().ok_or(SetupError::AlreadyMade)?;
        let transport = EmbassyTransport::new(stack, resources, rng)
            .with_tls(TlsSettings::new(Trust::AnyCa(tls::AMAZON_ROOTS)));
        let transport = &*TRANSPORT
            .try_init(transport)
            .ok_or(SetupError::AlreadyMade)?;
        let client = |entry, endpoint: Option<heapless::String<128>>| {
            let client = Client::new(
                entry,
                config(endpoint.as_deref()),
                transport,
                &*credentials,
                EmbassyClock::new(),
            );
            if cfg!(feature = "endpoint-rules") {
                client.with_partitions(&stratus_models::PARTITIONS)
            } else {
                client
            }
        };
        UPLINK
            .try_init(Uplink {
                kinesis: client(
                    &kinesis::ENTRY,
                    endpoint(settings::KINESIS_ENDPOINT, "kinesis"),
                ),
                iot: client(
                    &iot_data::ENTRY,
                    endpoint(settings::IOT_DATA_ENDPOINT, "data-ats.iot"),
                ),
                buffers,
            })
            .ok_or(SetupError::AlreadyMade)
    }

    /// Writes `payload` to the Kinesis stream, keyed by `partition_key`.
    pub async fn put_record(&mut self, partition_key: &str, payload: &[u8]) {
        let input = kinesis::types::PutRecordInput {
            stream_name: Some(settings::STREAM),
            data: payload,
            partition_key,
            ..Default::default()
        };
        match self
            .kinesis
            .call("PutRecord", &input, self.buffers.workspace())
            .await
        {
            Ok(out) => put_record_done(&out),
            Err(e) => report("kinesis PutRecord", &e),
        }
    }

    /// Publishes `payload` on the IoT topic (QoS 1).
    pub async fn publish(&mut self, payload: &[u8]) {
        let input = iot_data::types::PublishRequest {
            topic: settings::TOPIC,
            qos: Some(1),
            payload: Some(payload),
            ..Default::default()
        };
        match self
            .iot
            .call("Publish", &input, self.buffers.workspace())
            .await
        {
            Ok(out) => info!(
                "iot-data Publish: {} after {} attempt(s)",
                out.status(),
                out.attempts()
            ),
            Err(e) => report("iot-data Publish", &e),
        }
    }
}

fn put_record_done(out: &CallOutput<'_>) {
    let parser = out.parser();
    let record = parser
        .output()
        .ok()
        .and_then(|o| kinesis::output::PutRecordOutput::from_node(o.node).ok());
    let mut shard = [0u8; 64];
    let mut sequence = [0u8; 64];
    let (shard, sequence) = match record {
        Some(r) => (
            r.shard_id
                .and_then(|t| t.decode_into(&mut shard).ok())
                .unwrap_or("?"),
            r.sequence_number
                .and_then(|t| t.decode_into(&mut sequence).ok())
                .unwrap_or("?"),
        ),
        None => ("?", "?"),
    };
    info!(
        "kinesis PutRecord: {} after {} attempt(s), shard {}, sequence {}",
        out.status(),
        out.attempts(),
        shard,
        sequence
    );
}

/// Logs a failed call; the loop goes on.
///
/// What can go wrong at run time on a working device (the service's
/// answer, the network, the credentials, a malformed response) is logged
/// in full. The other failures are faults of the build or its settings
/// (a buffer too small, a left-out feature, a bad endpoint URL): they are
/// logged by kind: formatting every detail of every error type costs about
/// 1.2 KB of flash. The same call on a host (the `stratus` CLI, the tests)
/// prints the whole error.
fn report(call: &str, e: &CallError<'_>) {
    match e {
        CallError::Service(out) => {
            let code = out.error_code();
            error!(
                "{}: the service answered {} ({}) after {} attempt(s)",
                call,
                out.status(),
                code.as_deref().unwrap_or("no error code"),
                out.attempts()
            )
        }
        CallError::Transport { error, attempts } => {
            warn!("{}: {} after {} attempt(s)", call, error, attempts)
        }
        CallError::Credentials(e) => error!("{}: credentials: {}", call, e),
        CallError::Parse(e) => error!("{}: parsing the response: {}", call, e),
        other => error!("{}: {} error", call, other.kind()),
    }
}
