//! TLS 1.3 through embedded-tls: who the server must be ([`Trust`]), who we
//! are for mutual TLS ([`ClientIdentity`]), and the verifier that checks it
//! without a heap.
//!
//! The server is always verified; there is no setting that turns it off.
//! Two ways, both heap-free:
//!
//! * [`Trust::Ca`] — the server's chain must lead to this CA certificate
//!   (DER), and the leaf must name the host connected to (its DNS
//!   subjectAltNames; its common name only when it has none). The chain's
//!   signatures are checked by embedded-tls's `rustpki` verifier: ECDSA P-256
//!   (and P-384 with the `p384` feature). Validity dates are checked against
//!   [`EmbassyClock`](crate::EmbassyClock)'s wall time once it is set, not
//!   before. RSA chains need embedded-tls's `rsa` feature, which needs a heap:
//!   not offered here.
//! * [`Trust::PinnedKey`] / [`Trust::PinnedCertificate`] — the leaf's
//!   SubjectPublicKeyInfo (or whole certificate) must have this SHA-256; the
//!   host name and dates are not looked at (the pin says who the server is).
//!   The handshake signature is checked with the pinned key (P-256).
//!
//! Either way, the server's `CertificateVerify` signature over the handshake
//! is checked, so a server showing someone else's certificate fails.
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

use embedded_tls::pki::CertVerifier;
use embedded_tls::{
    Aes128GcmSha256, Certificate, CertificateRef, CertificateVerifyRef, CryptoProvider,
    SignatureScheme, TlsCipherSuite, TlsError, TlsVerifier,
};
use p256::ecdsa::signature::Verifier as _;
use rand_core::{CryptoRng, CryptoRngCore, RngCore};
use sha2::{Digest, Sha256};
use stratus_core::client::{CertificateError, TransportError};

use crate::clock::{TlsWallClock, wall_now};
use crate::der;

/// The cipher suite the transport offers (TLS_AES_128_GCM_SHA256, which
/// every TLS 1.3 server must support).
pub(crate) type Suite = Aes128GcmSha256;

/// Bytes kept of the server's certificate chain while the handshake is
/// checked (CA mode).
pub const MAX_CHAIN_BYTES: usize = 4096;

/// Who the server must be. See the [module docs](self).
#[derive(Clone, Copy)]
pub enum Trust<'a> {
    /// The chain must lead to this CA certificate (DER) and the leaf must
    /// name the host.
    Ca(&'a [u8]),
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

/// The verifier of one handshake; `failed` says which check refused the
/// server (embedded-tls carries only its own error out of a verifier).
pub(crate) struct Verifier<'a> {
    kind: Kind<'a>,
    pub(crate) failed: Option<CertificateError>,
}

// Without a heap the CA verifier (it keeps the chain, MAX_CHAIN_BYTES) cannot
// be boxed; the verifier lives on the stack for one handshake only.
#[allow(clippy::large_enum_variant)]
enum Kind<'a> {
    Ca {
        inner: CertVerifier<'a, Suite, TlsWallClock, MAX_CHAIN_BYTES>,
        host: &'a str,
    },
    Pin {
        pin: Pin,
        /// The pinned leaf's EC point and the transcript up to it.
        checked: Option<(heapless::Vec<u8, 97>, Sha256)>,
    },
}

#[derive(Clone, Copy)]
enum Pin {
    Key([u8; 32]),
    Certificate([u8; 32]),
}

/// Compares without stopping at the first difference.
fn same(a: &[u8; 32], b: &[u8]) -> bool {
    b.len() == 32 && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

impl<'a> Verifier<'a> {
    pub(crate) fn new(trust: Trust<'a>, host: &'a str) -> Self {
        let kind = match trust {
            Trust::Ca(ca) => Kind::Ca {
                inner: CertVerifier::new(Certificate::X509(ca)),
                host,
            },
            Trust::PinnedKey(h) => Kind::Pin {
                pin: Pin::Key(h),
                checked: None,
            },
            Trust::PinnedCertificate(h) => Kind::Pin {
                pin: Pin::Certificate(h),
                checked: None,
            },
        };
        Verifier { kind, failed: None }
    }

    fn fail(&mut self, kind: CertificateError) -> TlsError {
        self.failed = Some(kind);
        TlsError::InvalidCertificate
    }
}

/// Checks what embedded-tls's CA verifier folds into one error: the name
/// and the dates, so a failure can be told by kind.
fn check_leaf(leaf: &[u8], host: &str) -> Result<(), CertificateError> {
    let fields = der::certificate(leaf).ok_or(CertificateError::Other)?;
    let named = match fields.alt_names {
        Some(names) => der::dns_names(names).any(|n| der::name_matches(n, host.as_bytes())),
        // No subjectAltName: embedded-tls falls back to the common name.
        None => true,
    };
    if !named {
        return Err(CertificateError::NameMismatch);
    }
    if let Some(now) = wall_now() {
        let (from, until) = fields.validity;
        if from.is_some_and(|t| now < t) || until.is_some_and(|t| now > t) {
            return Err(CertificateError::Expired);
        }
    }
    Ok(())
}

impl TlsVerifier<Suite> for Verifier<'_> {
    fn set_hostname_verification(&mut self, hostname: &str) -> Result<(), TlsError> {
        match &mut self.kind {
            Kind::Ca { inner, .. } => {
                TlsVerifier::<Suite>::set_hostname_verification(inner, hostname)
            }
            Kind::Pin { .. } => Ok(()),
        }
    }

    fn verify_certificate(
        &mut self,
        transcript: &<Suite as TlsCipherSuite>::Hash,
        cert: CertificateRef,
    ) -> Result<(), TlsError> {
        let leaf = match cert.entries.first() {
            Some(embedded_tls::CertificateEntryRef::X509(der)) => *der,
            _ => return Err(self.fail(CertificateError::Other)),
        };
        let outcome = match &mut self.kind {
            Kind::Ca { inner, host } => match check_leaf(leaf, host) {
                Err(kind) => Err(kind),
                Ok(()) => match inner.verify_certificate(transcript, cert) {
                    Ok(()) => Ok(()),
                    Err(TlsError::OutOfMemory | TlsError::InsufficientSpace) => {
                        Err(CertificateError::Other)
                    }
                    Err(_) => Err(CertificateError::UnknownIssuer),
                },
            },
            Kind::Pin { pin, checked } => match der::certificate(leaf) {
                None => Err(CertificateError::Other),
                Some(fields) => {
                    let ok = match pin {
                        Pin::Key(h) => same(h, &Sha256::digest(fields.spki)),
                        Pin::Certificate(h) => same(h, &Sha256::digest(leaf)),
                    };
                    match heapless::Vec::from_slice(fields.public_key) {
                        Ok(key) if ok => {
                            *checked = Some((key, transcript.clone()));
                            Ok(())
                        }
                        Ok(_) => Err(CertificateError::UnknownIssuer),
                        Err(()) => Err(CertificateError::Other),
                    }
                }
            },
        };
        outcome.map_err(|kind| self.fail(kind))
    }

    fn verify_signature(&mut self, verify: CertificateVerifyRef) -> Result<(), TlsError> {
        match &mut self.kind {
            Kind::Ca { inner, .. } => inner.verify_signature(verify),
            Kind::Pin { checked, .. } => {
                let (key, transcript) = checked.take().ok_or(TlsError::InvalidHandshake)?;
                if verify.signature_scheme != SignatureScheme::EcdsaSecp256r1Sha256 {
                    return Err(TlsError::InvalidSignatureScheme);
                }
                let mut message: heapless::Vec<u8, 130> = heapless::Vec::new();
                let _ = message.resize(64, b' ');
                let _ = message.extend_from_slice(b"TLS 1.3, server CertificateVerify\x00");
                let _ = message.extend_from_slice(&transcript.finalize());
                let key = p256::ecdsa::VerifyingKey::from_sec1_bytes(&key)
                    .map_err(|_| TlsError::InvalidSignatureScheme)?;
                let signature = p256::ecdsa::Signature::from_der(verify.signature)
                    .map_err(|_| TlsError::InvalidSignature)?;
                key.verify(&message, &signature)
                    .map_err(|_| TlsError::InvalidSignature)
            }
        }
    }
}

/// The crypto provider of one handshake: the RNG, the verifier and the
/// client identity.
pub(crate) struct Provider<'p, 'a, R> {
    pub rng: &'p mut R,
    pub verifier: Verifier<'a>,
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
            SignatureScheme,
        ),
        TlsError,
    > {
        let identity = self.identity.ok_or(TlsError::InvalidPrivateKey)?;
        Ok((identity.key.clone(), SignatureScheme::EcdsaSecp256r1Sha256))
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
