//! What both builds share for TLS: the buffer sizes and the root the
//! server's chain must lead to.

/// Receive window of the TCP socket.
pub const SOCKET_RX: usize = 4096;
/// Send window of the TCP socket.
pub const SOCKET_TX: usize = 2048;
/// embedded-tls's record buffer for reading: the largest record a server
/// may send (16 KiB of data plus overhead).
pub const TLS_RX: usize = 16_640;
/// embedded-tls's record buffer for writing (the ClientHello, then records
/// of request bytes).
pub const TLS_TX: usize = 2048;

/// Amazon Root CA 1 (RSA 2048), DER: the root of the RSA chains most AWS
/// service endpoints serve.
pub static AMAZON_ROOT_CA_1: &[u8] = include_bytes!("../certs/amazon-root-ca-1.der");

/// Amazon Root CA 3 (ECDSA P-256), DER: the root of the ECDSA chains some
/// AWS endpoints offer (AWS IoT's ATS endpoints).
pub static AMAZON_ROOT_CA_3: &[u8] = include_bytes!("../certs/amazon-root-ca-3.der");

/// The roots a server's chain may lead to: an endpoint shows an RSA or an
/// ECDSA chain depending on what it has and what the client offers.
pub static AMAZON_ROOTS: &[&[u8]] = &[AMAZON_ROOT_CA_1, AMAZON_ROOT_CA_3];
