//! The size baseline (`--no-default-features`): everything the firmware has
//! but stratus. The reading is written as it is over TLS to a collector, so
//! the network stack, DNS, the socket and embedded-tls (the same cipher
//! suite, signature schemes and buffer sizes as stratus-transport-embassy
//! uses, and its certificate verifier, `tls::ServerVerifier`, trusting the
//! same roots) are linked as in the real firmware; the difference between
//! the two builds is stratus's share without TLS. Not meant to be flashed
//! for anything else.

use defmt::{info, warn};
use embassy_net::dns::DnsQueryType;
use embassy_net::tcp::TcpSocket;
use embassy_net::{IpEndpoint, Stack};
use embassy_stm32::peripherals::RNG;
use embassy_stm32::rng::Rng;
use embassy_time::{Duration, with_timeout};
use embedded_tls::{
    Aes128GcmSha256, CryptoProvider, TlsConfig, TlsConnection, TlsContext, TlsError, TlsVerifier,
};
use rand_core::CryptoRngCore;
use static_cell::ConstStaticCell;
use stratus_transport_embassy::tls::{ServerVerifier, Trust};

use crate::tls;

/// `STRATUS_COLLECTOR_HOST`: where the baseline sends readings.
const HOST: &str = match option_env!("STRATUS_COLLECTOR_HOST") {
    Some(host) => host,
    None => "collector.invalid",
};
const PORT: u16 = 443;

struct Buffers {
    rx: [u8; tls::SOCKET_RX],
    tx: [u8; tls::SOCKET_TX],
    tls_rx: [u8; tls::TLS_RX],
    tls_tx: [u8; tls::TLS_TX],
    reply: [u8; 256],
}

static BUFFERS: ConstStaticCell<Buffers> = ConstStaticCell::new(Buffers {
    rx: [0; tls::SOCKET_RX],
    tx: [0; tls::SOCKET_TX],
    tls_rx: [0; tls::TLS_RX],
    tls_tx: [0; tls::TLS_TX],
    reply: [0; 256],
});

struct Provider<'a> {
    rng: &'a mut Rng<'static, RNG>,
    verifier: ServerVerifier<'a>,
}

impl CryptoProvider for Provider<'_> {
    type CipherSuite = Aes128GcmSha256;
    type Signature = p256::ecdsa::DerSignature;

    fn rng(&mut self) -> impl CryptoRngCore {
        &mut *self.rng
    }

    fn verifier(&mut self) -> Result<&mut impl TlsVerifier<Aes128GcmSha256>, TlsError> {
        Ok(&mut self.verifier)
    }
}

/// A TLS collector reached by name.
pub struct Collector {
    stack: Stack<'static>,
    rng: Rng<'static, RNG>,
    buffers: &'static mut Buffers,
}

impl Collector {
    pub fn new(stack: Stack<'static>, rng: Rng<'static, RNG>) -> Option<Self> {
        Some(Collector {
            stack,
            rng,
            buffers: BUFFERS.try_take()?,
        })
    }

    /// Sends `payload` on a new TLS connection and reads one reply.
    pub async fn send(&mut self, payload: &[u8]) {
        let Buffers {
            rx,
            tx,
            tls_rx,
            tls_tx,
            reply,
        } = &mut *self.buffers;
        let address = match self.stack.dns_query(HOST, DnsQueryType::A).await {
            Ok(list) => match list.first() {
                Some(a) => *a,
                None => return warn!("{} has no address", HOST),
            },
            Err(e) => return warn!("resolving {}: {}", HOST, e),
        };
        let mut socket = TcpSocket::new(self.stack, rx, tx);
        let timeout = Duration::from_secs(10);
        match with_timeout(timeout, socket.connect(IpEndpoint::new(address, PORT))).await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => return warn!("connecting: {}", e),
            Err(_) => return warn!("connecting timed out"),
        }
        let config = TlsConfig::new()
            .enable_rsa_signatures()
            .with_server_name(HOST);
        let mut provider = Provider {
            rng: &mut self.rng,
            verifier: ServerVerifier::new(Trust::AnyCa(tls::AMAZON_ROOTS), HOST),
        };
        let mut session: TlsConnection<'_, _, Aes128GcmSha256> =
            TlsConnection::new(&mut socket, tls_rx, tls_tx);
        let opened = with_timeout(
            timeout,
            session.open(TlsContext::new(&config, &mut provider)),
        );
        match opened.await {
            Ok(Ok(())) => {}
            Ok(Err(_)) => return warn!("the TLS handshake failed"),
            Err(_) => return warn!("the TLS handshake timed out"),
        }
        let mut rest = payload;
        while !rest.is_empty() {
            match session.write(rest).await {
                Ok(0) | Err(_) => return warn!("the collector closed the connection"),
                Ok(n) => rest = rest.get(n..).unwrap_or(&[]),
            }
        }
        if session.flush().await.is_err() {
            return warn!("the collector closed the connection");
        }
        match with_timeout(timeout, session.read(reply)).await {
            Ok(Ok(n)) => info!("collector replied {} bytes", n),
            Ok(Err(_)) => warn!("reading the reply failed"),
            Err(_) => warn!("no reply"),
        }
        if session.close().await.is_err() {
            warn!("closing the TLS session failed");
        }
    }
}
