//! TLS 1.3 through embedded-tls: who the server must be ([`Trust`]), who we
//! are for mutual TLS ([`ClientIdentity`]), and the verifier that checks it
//! without a heap.
//!
//! The server is always verified; there is no setting that turns it off.
//! Two ways, both heap-free:
//!
//! * [`Trust::Ca`] — the server's chain must lead to this CA certificate
//!   (DER): each certificate signed by the next one up, which must be a CA
//!   (basicConstraints) named as its issuer; intermediates in any order.
//!   The leaf must name the host connected to in its subjectAltName (a DNS
//!   name, or an IP address when connecting to one; the common name is not
//!   used, as in browsers). Validity dates are checked against
//!   [`EmbassyClock`](crate::EmbassyClock)'s wall time once it is set, not
//!   before. Keys: EC P-256, RSA 2048–4096 bits (feature `rsa`, on by
//!   default; most AWS endpoints serve RSA chains), EC P-384 (feature
//!   `p384`). The chain is checked by this crate, not by embedded-tls's
//!   `rustpki` verifier: that one needs a heap for RSA, keeps a copy of the
//!   chain (4 KiB) during the handshake, and does not check that issuers
//!   are CAs. An issuer whose keyUsage lacks `keyCertSign` is refused too.
//!   Not checked: extended key usage, path-length and name constraints,
//!   and revocation.
//! * [`Trust::PinnedKey`] / [`Trust::PinnedCertificate`] — the leaf's
//!   SubjectPublicKeyInfo (or whole certificate) must have this SHA-256; the
//!   host name and dates are not looked at (the pin says who the server is).
//!
//! Either way, the server's `CertificateVerify` signature over the handshake
//! is checked with the leaf's key (ECDSA on the key's curve, or RSA-PSS),
//! so a server showing someone else's certificate fails.
//!
//! A [`ClientIdentity`] (a certificate and its EC P-256 key) is presented
//! when the server asks for one; it needs the `client-identity` feature (on
//! by default), which links ECDSA signing.
//!
//! ```
//! use stratus_transport_embassy::tls::{ClientIdentity, TlsSettings, Trust};
//! const CA_DER: &[u8] = &[0x30, 0x00]; // the CA certificate, DER
//! let settings = TlsSettings::new(Trust::Ca(CA_DER));
//! let pinned = TlsSettings::new(Trust::PinnedKey([0u8; 32]));
//! // A client key that is not an EC P-256 key is refused up front.
//! assert!(ClientIdentity::new(CA_DER, &[0x30, 0x00]).is_err());
//! # let _ = (settings, pinned);
//! ```

use core::fmt;

use embedded_tls::{
    Aes128GcmSha256, Certificate, CertificateRef, CertificateVerifyRef, CryptoProvider,
    TlsCipherSuite, TlsError, TlsVerifier,
};
use rand_core::{CryptoRng, CryptoRngCore, RngCore};
use sha2::{Digest, Sha256};
use stratus_core::client::{CertificateError, TransportError};

use crate::clock::wall_now;
use crate::{der, verify};

/// The cipher suite the transport offers (TLS_AES_128_GCM_SHA256, which
/// every TLS 1.3 server must support).
pub(crate) type Suite = Aes128GcmSha256;

/// Who the server must be. See the [module docs](self).
#[derive(Clone, Copy)]
pub enum Trust<'a> {
    /// The chain must lead to this CA certificate (DER) and the leaf must
    /// name the host.
    Ca(&'a [u8]),
    /// The chain must lead to one of these CA certificates (DER) and the
    /// leaf must name the host: for endpoints that may show either an RSA
    /// or an ECDSA chain (AWS's Amazon Root CA 1 and 3).
    AnyCa(&'a [&'a [u8]]),
    /// The SHA-256 of the leaf certificate's SubjectPublicKeyInfo (DER), as
    /// `openssl x509 -pubkey -noout | openssl pkey -pubin -outform der |
    /// sha256sum` prints it.
    PinnedKey([u8; 32]),
    /// The SHA-256 of the whole leaf certificate (DER).
    PinnedCertificate([u8; 32]),
}

impl fmt::Debug for Trust<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Trust::Ca(der) => write!(f, "Ca({} bytes)", der.len()),
            Trust::AnyCa(list) => write!(f, "AnyCa({} certificates)", list.len()),
            Trust::PinnedKey(_) => f.write_str("PinnedKey"),
            Trust::PinnedCertificate(_) => f.write_str("PinnedCertificate"),
        }
    }
}

#[cfg(feature = "defmt")]
impl defmt::Format for Trust<'_> {
    fn format(&self, f: defmt::Formatter<'_>) {
        match self {
            Trust::Ca(der) => defmt::write!(f, "Ca({} bytes)", der.len()),
            Trust::AnyCa(list) => defmt::write!(f, "AnyCa({} certificates)", list.len()),
            Trust::PinnedKey(_) => defmt::write!(f, "PinnedKey"),
            Trust::PinnedCertificate(_) => defmt::write!(f, "PinnedCertificate"),
        }
    }
}

/// Why a client identity was refused.
#[cfg(feature = "client-identity")]
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum IdentityError {
    /// The key is not an EC P-256 private key in SEC1 or PKCS#8 DER.
    Key,
    /// The certificate is not a DER X.509 certificate.
    Certificate,
}

#[cfg(feature = "client-identity")]
impl fmt::Display for IdentityError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            IdentityError::Key => {
                "the client key is not an EC P-256 private key (SEC1 or PKCS#8 DER)"
            }
            IdentityError::Certificate => "the client certificate is not DER X.509",
        })
    }
}

/// A client certificate and its key, for mutual TLS (AWS IoT). The key must
/// be EC P-256 (embedded-tls signs with ECDSA P-256 only). Needs the
/// `client-identity` feature.
#[cfg(feature = "client-identity")]
#[derive(Clone)]
pub struct ClientIdentity<'a> {
    cert: &'a [u8],
    key: p256::ecdsa::SigningKey,
}

#[cfg(feature = "client-identity")]
impl fmt::Debug for ClientIdentity<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientIdentity")
            .field("cert_bytes", &self.cert.len())
            .field("key", &"<redacted>")
            .finish()
    }
}

#[cfg(all(feature = "defmt", feature = "client-identity"))]
impl defmt::Format for ClientIdentity<'_> {
    fn format(&self, f: defmt::Formatter<'_>) {
        defmt::write!(f, "ClientIdentity({} bytes, key redacted)", self.cert.len())
    }
}

#[cfg(feature = "client-identity")]
impl<'a> ClientIdentity<'a> {
    /// The certificate (DER) and its private key (SEC1 `EC PRIVATE KEY` or
    /// PKCS#8 `PRIVATE KEY`, DER).
    pub fn new(cert_der: &'a [u8], key_der: &[u8]) -> Result<Self, IdentityError> {
        der::certificate(cert_der).ok_or(IdentityError::Certificate)?;
        let scalar = der::ec_private_scalar(key_der).ok_or(IdentityError::Key)?;
        let key = p256::ecdsa::SigningKey::from_slice(scalar).map_err(|_| IdentityError::Key)?;
        Ok(ClientIdentity {
            cert: cert_der,
            key,
        })
    }
}

/// TLS settings: whom to trust, and who we are.
#[derive(Clone, Debug)]
pub struct TlsSettings<'a> {
    pub(crate) trust: Trust<'a>,
    #[cfg(feature = "client-identity")]
    pub(crate) identity: Option<ClientIdentity<'a>>,
}

impl<'a> TlsSettings<'a> {
    /// Verify servers by `trust`; no client certificate.
    pub fn new(trust: Trust<'a>) -> Self {
        TlsSettings {
            trust,
            #[cfg(feature = "client-identity")]
            identity: None,
        }
    }

    /// Present `identity` when the server asks for a certificate.
    #[cfg(feature = "client-identity")]
    pub fn with_identity(mut self, identity: ClientIdentity<'a>) -> Self {
        self.identity = Some(identity);
        self
    }
}

/// The server check of one handshake, as [`Trust`] says: the transport
/// runs one per TLS connection. Public for code that drives embedded-tls
/// itself (the firmware's size baseline does, so that both builds verify
/// alike).
///
/// ```
/// use stratus_transport_embassy::tls::{ServerVerifier, Trust};
/// const CA_DER: &[u8] = &[0x30, 0x00]; // the CA certificate, DER
/// let verifier = ServerVerifier::new(Trust::Ca(CA_DER), "kinesis.eu-west-1.amazonaws.com");
/// // Nothing refused yet: no handshake has run.
/// assert_eq!(verifier.failure(), None);
/// ```
pub struct ServerVerifier<'a> {
    trust: Trust<'a>,
    host: &'a str,
    /// The accepted leaf's SubjectPublicKeyInfo and the transcript up to
    /// it, for the handshake signature that follows.
    checked: Option<(heapless::Vec<u8, MAX_SPKI>, Sha256)>,
    failed: Option<CertificateError>,
}

impl fmt::Debug for ServerVerifier<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServerVerifier")
            .field("trust", &self.trust)
            .field("host", &self.host)
            .field("failed", &self.failed)
            .finish()
    }
}

/// The largest leaf SubjectPublicKeyInfo kept: an RSA-4096 key with the
/// `rsa` feature, a P-384 point without.
#[cfg(feature = "rsa")]
const MAX_SPKI: usize = 600;
#[cfg(not(feature = "rsa"))]
const MAX_SPKI: usize = 128;

/// Compares without stopping at the first difference.
fn same(a: &[u8; 32], b: &[u8]) -> bool {
    b.len() == 32 && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

impl<'a> ServerVerifier<'a> {
    /// Checks the server at `host` (a name, or an address) as `trust` says.
    pub fn new(trust: Trust<'a>, host: &'a str) -> Self {
        ServerVerifier {
            trust,
            host,
            checked: None,
            failed: None,
        }
    }

    /// Which certificate check refused the server, if one did (embedded-tls
    /// reports only `InvalidCertificate`).
    pub fn failure(&self) -> Option<CertificateError> {
        self.failed
    }

    fn fail(&mut self, kind: CertificateError) -> TlsError {
        self.failed = Some(kind);
        TlsError::InvalidCertificate
    }

    /// Whether the server's certificate is who [`Trust`] says it must be.
    fn accept<'c>(&self, cert: &CertificateRef<'c>) -> Result<&'c [u8], CertificateError> {
        let Some(embedded_tls::CertificateEntryRef::X509(leaf)) = cert.entries.first() else {
            return Err(CertificateError::Other);
        };
        let fields = der::certificate(leaf).ok_or(CertificateError::Other)?;
        if verify::key(fields.spki).is_none() {
            // A key of a kind this build cannot check signatures with.
            return Err(CertificateError::Other);
        }
        let pinned = |pin: &[u8; 32], bytes: &[u8]| {
            if same(pin, &Sha256::digest(bytes)) {
                Ok(())
            } else {
                Err(CertificateError::UnknownIssuer)
            }
        };
        match self.trust {
            // The chain first: nothing an untrusted certificate says counts.
            Trust::Ca(ca) => {
                verify::chain(&[ca], &cert.entries, wall_now())?;
                check_leaf(&fields, self.host)?;
            }
            Trust::AnyCa(cas) => {
                verify::chain(cas, &cert.entries, wall_now())?;
                check_leaf(&fields, self.host)?;
            }
            Trust::PinnedKey(pin) => pinned(&pin, fields.spki)?,
            Trust::PinnedCertificate(pin) => pinned(&pin, leaf)?,
        }
        Ok(fields.spki)
    }
}

/// Checks the leaf's name and dates: it must name `host` in its
/// subjectAltName (a DNS name, or an IP address when `host` is one; the
/// common name is not used, as in browsers) and be in its validity period
/// once the wall time is known.
fn check_leaf(fields: &der::CertFields<'_>, host: &str) -> Result<(), CertificateError> {
    let names = fields.alt_names.unwrap_or(&[]);
    let bare = crate::transport::bare_host(host);
    // The transport's own literal reader: `core::net`'s would link both
    // address parsers into every firmware.
    let named = match crate::transport::ip_literal(bare) {
        Some(Ok(embassy_net::IpAddress::Ipv4(ip))) => {
            der::names_of(names, der::IP_ADDRESS).any(|n| n == ip.octets())
        }
        #[cfg(feature = "ipv6")]
        Some(Ok(embassy_net::IpAddress::Ipv6(ip))) => {
            der::names_of(names, der::IP_ADDRESS).any(|n| n == ip.octets())
        }
        // An address this build does not read names no certificate.
        Some(Err(_)) => false,
        None => der::names_of(names, der::DNS_NAME).any(|n| der::name_matches(n, bare.as_bytes())),
    };
    if !named {
        return Err(CertificateError::NameMismatch);
    }
    if verify::expired(fields, wall_now()) {
        return Err(CertificateError::Expired);
    }
    Ok(())
}

impl TlsVerifier<Aes128GcmSha256> for ServerVerifier<'_> {
    fn set_hostname_verification(&mut self, _hostname: &str) -> Result<(), TlsError> {
        // The host is checked against the leaf in `verify_certificate`.
        Ok(())
    }

    fn verify_certificate(
        &mut self,
        transcript: &<Suite as TlsCipherSuite>::Hash,
        cert: CertificateRef,
    ) -> Result<(), TlsError> {
        let kept = self
            .accept(&cert)
            .and_then(|spki| heapless::Vec::from_slice(spki).map_err(|()| CertificateError::Other));
        match kept {
            Ok(spki) => {
                self.checked = Some((spki, transcript.clone()));
                Ok(())
            }
            Err(kind) => Err(self.fail(kind)),
        }
    }

    fn verify_signature(&mut self, verify: CertificateVerifyRef) -> Result<(), TlsError> {
        let (spki, transcript) = self.checked.take().ok_or(TlsError::InvalidHandshake)?;
        let key = verify::key(&spki).ok_or(TlsError::InvalidSignatureScheme)?;
        // RFC 8446 section 4.4.3: 64 spaces, the context string, a zero
        // byte, then the transcript hash.
        let mut message = [b' '; 64 + 34 + 32];
        message[64..98].copy_from_slice(b"TLS 1.3, server CertificateVerify\x00");
        message[98..].copy_from_slice(&transcript.finalize());
        if verify::handshake(&key, verify.signature_scheme, &message, verify.signature) {
            Ok(())
        } else {
            Err(TlsError::InvalidSignature)
        }
    }
}

/// The crypto provider of one handshake: the RNG, the verifier and the
/// client identity.
pub(crate) struct Provider<'p, 'a, R> {
    pub rng: &'p mut R,
    pub verifier: ServerVerifier<'a>,
    #[cfg(feature = "client-identity")]
    pub identity: Option<&'p ClientIdentity<'a>>,
    /// The server asked for a client certificate.
    pub cert_requested: bool,
}

impl<R: RngCore + CryptoRng> CryptoProvider for Provider<'_, '_, R> {
    type CipherSuite = Suite;
    type Signature = p256::ecdsa::DerSignature;

    fn rng(&mut self) -> impl CryptoRngCore {
        &mut *self.rng
    }

    fn verifier(&mut self) -> Result<&mut impl TlsVerifier<Suite>, TlsError> {
        Ok(&mut self.verifier)
    }

    #[cfg(feature = "client-identity")]
    fn signer(
        &mut self,
    ) -> Result<
        (
            impl p256::ecdsa::signature::SignerMut<Self::Signature>,
            embedded_tls::SignatureScheme,
        ),
        TlsError,
    > {
        let identity = self.identity.ok_or(TlsError::InvalidPrivateKey)?;
        Ok((
            identity.key.clone(),
            embedded_tls::SignatureScheme::EcdsaSecp256r1Sha256,
        ))
    }

    fn client_cert(&mut self) -> Option<Certificate<impl AsRef<[u8]>>> {
        self.cert_requested = true;
        #[cfg(feature = "client-identity")]
        return self.identity.map(|i| Certificate::X509(i.cert));
        #[cfg(not(feature = "client-identity"))]
        None::<Certificate<&[u8]>>
    }
}

/// A TLS failure as the pipeline sees it; `note` is the certificate check
/// that failed, if one did.
pub(crate) fn tls_error(e: TlsError, note: Option<CertificateError>) -> TransportError {
    use embedded_tls::alert::AlertDescription as A;
    match e {
        _ if note.is_some() => TransportError::Certificate(note.unwrap_or(CertificateError::Other)),
        TlsError::InvalidCertificate | TlsError::InvalidSignature => {
            TransportError::Certificate(CertificateError::Other)
        }
        // The server refused our certificate (or its absence).
        TlsError::HandshakeAborted(_, A::BadCertificate)
        | TlsError::HandshakeAborted(_, A::CertificateRequired)
        | TlsError::HandshakeAborted(_, A::UnknownCa)
        | TlsError::HandshakeAborted(_, A::CertificateUnknown)
        | TlsError::HandshakeAborted(_, A::UnsupportedCertificate)
        | TlsError::HandshakeAborted(_, A::CertificateExpired)
        | TlsError::HandshakeAborted(_, A::CertificateRevoked) => {
            TransportError::Certificate(CertificateError::Refused)
        }
        TlsError::Io(_) | TlsError::ConnectionClosed => TransportError::ConnectionClosed,
        _ => TransportError::Tls,
    }
}

#[cfg(test)]
mod tests {
    extern crate std;

    use std::string::ToString;
    use std::vec::Vec;

    use rcgen::{CertificateParams, KeyPair};
    use stratus_core::client::CertificateError;

    use super::check_leaf;
    use crate::der;

    fn leaf(sans: &[&str]) -> Vec<u8> {
        let key = KeyPair::generate().unwrap();
        let params =
            CertificateParams::new(sans.iter().map(|s| s.to_string()).collect::<Vec<_>>()).unwrap();
        params.self_signed(&key).unwrap().der().to_vec()
    }

    #[test]
    fn the_leaf_names_the_host_by_dns_name_or_address() {
        let der = leaf(&["iot.test", "*.kinesis.test", "10.1.2.3"]);
        let fields = der::certificate(&der).unwrap();
        for host in ["iot.test", "a.kinesis.test", "10.1.2.3", "IOT.test"] {
            assert_eq!(check_leaf(&fields, host), Ok(()), "{host}");
        }
        // Another name, another address, an address spelled as a name only
        // matches an IP entry, an IPv6 literal this build cannot match.
        for host in [
            "other.test",
            "a.b.kinesis.test",
            "10.1.2.4",
            "010.1.2.3",
            "[::1]",
        ] {
            assert_eq!(
                check_leaf(&fields, host),
                Err(CertificateError::NameMismatch),
                "{host}"
            );
        }
    }

    #[test]
    fn a_leaf_without_subject_alt_names_names_no_host() {
        let der = leaf(&[]);
        let fields = der::certificate(&der).unwrap();
        assert_eq!(
            check_leaf(&fields, "rcgen self signed cert"),
            Err(CertificateError::NameMismatch)
        );
    }
}
