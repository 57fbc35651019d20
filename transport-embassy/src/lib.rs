//! # stratus-transport-embassy
//!
//! stratus on microcontrollers: an async [`Transport`](stratus_core::client::Transport)
//! over an embassy-net TCP socket, with TLS 1.3 through embedded-tls, and
//! [`EmbassyClock`] for the pipeline's wall time and timers. `no_std`, no
//! heap: every buffer is sized at compile time ([`Resources`]) and lent by
//! the caller.
//!
//! HTTP/1.1 is `stratus_core::http`'s: the head from `write_head`, the
//! response read by `ResponseReader` in the caller's response buffer.
//!
//! ```no_run
//! use embassy_net::Stack;
//! use stratus_core::client::{Buffers, Client, ClientConfig};
//! use stratus_core::credentials::{Credentials, StaticCredentials};
//! use stratus_transport_embassy::tls::{TlsSettings, Trust};
//! use stratus_transport_embassy::{EmbassyClock, EmbassyTransport, Resources};
//!
//! // The CA that signed the endpoint's certificate (DER), e.g. Amazon Root CA 3.
//! static CA: &[u8] = &[];
//!
//! async fn put(stack: Stack<'static>, rng: impl rand_core::RngCore + rand_core::CryptoRng,
//!              entry: &'static stratus_core::client::ServiceEntry,
//!              input: &dyn stratus_core::model::StructValue) {
//!     // Socket windows of 4 KiB, TLS records up to 16 KiB in, 4 KiB out.
//!     let mut resources: Resources<4096, 4096, 16640, 4096> = Resources::new();
//!     let transport = EmbassyTransport::new(stack, &mut resources, rng)
//!         .with_tls(TlsSettings::new(Trust::Ca(CA)));
//!     let creds = StaticCredentials::new(Credentials::new("AKID", "SECRET", None, None).unwrap());
//!     let client = Client::new(entry, ClientConfig::default().region("eu-west-1"),
//!                              &transport, &creds, EmbassyClock::new());
//!     let mut bufs: Buffers<2048, 4096> = Buffers::new();
//!     match client.call("PutRecord", input, bufs.workspace()).await {
//!         Ok(out) => { let _status = out.status(); }
//!         Err(_e) => { /* a typed error: transport, service, … */ }
//!     }
//! }
//! ```
//!
//! ## Features
//!
//! | feature | gives |
//! |---|---|
//! | `client-identity` (default) | [`tls::ClientIdentity`]: a client certificate for mutual TLS (AWS IoT); links ECDSA P-256 signing, about 5 KB of flash. A device with static keys leaves it out (`default-features = false`); a server that asks for a certificate then gets none and refuses the handshake, `CertificateError::Refused`. |
//! | `defmt` | connection events (host, port, error kinds — never headers, bodies or keys) logged through defmt; without it nothing is logged |
//! | `ipv6` | IPv6 addresses and AAAA look-ups |
//! | `rsa` (default) | RSA server certificates (2048 to 4096 bits): chains signed with RSA PKCS #1 v1.5 and the handshake's RSA-PSS signature, checked without a heap (crypto-bigint). Most AWS endpoints serve RSA chains; without it only ECDSA servers can be reached. About 25 KB of flash on a Cortex-M7 (measured on the firmware's baseline; SHA-384/512 included, both integer sizes) and, during a handshake, about 13 KB of stack for keys up to 2048 bits, 25 KB above. |
//! | `plain-http` (default) | `http://` URLs: plain HTTP/1.1, the connection kept open for the next request to the same host and port. Without it an `http` request is `TransportError::Unsupported` and only `https` is linked, about 3 KB less flash on a Cortex-M. |
//! | `p384` | EC P-384 keys in server chains and as the server's key |
#![no_std]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod fmt;

mod clock;
mod der;
#[cfg(feature = "rsa")]
mod rsa;
mod session;
pub mod tls;
mod transport;
mod verify;

pub use clock::EmbassyClock;
pub use session::TlsSession;
pub use stratus_core as core;
pub use transport::{EmbassyTransport, MAX_HOST, Resources, Stats};
