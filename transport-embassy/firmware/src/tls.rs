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

/// Amazon Root CA 3 (ECDSA P-256), DER: the root of the ECDSA chains AWS
/// endpoints serve. embedded-tls verifies ECDSA chains only (P-256 here),
/// so an endpoint that offers only an RSA certificate fails the handshake,
/// reported as a certificate error.
pub static AMAZON_ROOT_CA_3: &[u8] = include_bytes!("../certs/amazon-root-ca-3.der");
