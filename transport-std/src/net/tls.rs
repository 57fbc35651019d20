//! What the transport trusts and presents over TLS: root certificates (the
//! Mozilla set from `webpki-roots` by default, the platform's on request, plus
//! any CA bundle given) and, for mutual TLS, a client certificate and key.
//! Certificates are always verified.

use std::fmt;
use std::io;
use std::path::Path;
use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::{AlertDescription, ClientConfig, RootCertStore};
use stratus_core::client::{CertificateError, TransportError};

use super::BuildError;

/// TLS settings of a [`StdTransport`](super::StdTransport).
///
/// ```
/// use stratus_transport_std::net::TlsSettings;
/// let ca = "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n";
/// assert!(TlsSettings::new().with_ca_pem(ca.as_bytes()).is_err());
/// let settings = TlsSettings::new(); // the Mozilla roots from webpki-roots
/// assert!(settings.client_config().is_ok());
/// ```
#[derive(Clone)]
pub struct TlsSettings {
    webpki_roots: bool,
    platform_roots: bool,
    extra_roots: Vec<CertificateDer<'static>>,
    client_auth: Option<ClientAuth>,
}

#[derive(Clone)]
struct ClientAuth {
    chain: Vec<CertificateDer<'static>>,
    key: Arc<PrivateKeyDer<'static>>,
}

impl fmt::Debug for TlsSettings {
    // The client key is secret: say whether there is one, nothing more.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TlsSettings")
            .field("webpki_roots", &self.webpki_roots)
            .field("platform_roots", &self.platform_roots)
            .field("extra_roots", &self.extra_roots.len())
            .field(
                "client_certificates",
                &self.client_auth.as_ref().map_or(0, |a| a.chain.len()),
            )
            .finish()
    }
}

impl Default for TlsSettings {
    fn default() -> Self {
        Self::new()
    }
}

impl TlsSettings {
    /// Trust the Mozilla root set (`webpki-roots`); no client certificate.
    pub fn new() -> Self {
        TlsSettings {
            webpki_roots: true,
            platform_roots: false,
            extra_roots: Vec::new(),
            client_auth: None,
        }
    }

    /// The settings of [`new`](Self::new), unchanged.
    pub(crate) fn is_mozilla_only(&self) -> bool {
        self.webpki_roots
            && !self.platform_roots
            && self.extra_roots.is_empty()
            && self.client_auth.is_none()
    }

    /// Also trust the platform's roots (`rustls-native-certs`; the feature
    /// `platform-roots`). Read when the client configuration is built.
    #[cfg(feature = "platform-roots")]
    pub fn with_platform_roots(mut self) -> Self {
        self.platform_roots = true;
        self
    }

    /// Do not trust the Mozilla roots: only the CA bundles given (and the
    /// platform's, if asked for).
    pub fn without_webpki_roots(mut self) -> Self {
        self.webpki_roots = false;
        self
    }

    /// Also trust the certificates of a PEM bundle.
    pub fn with_ca_pem(mut self, pem: &[u8]) -> Result<Self, BuildError> {
        let certs = certificates(pem, "CA bundle")?;
        // Check each now, so a bad bundle fails here rather than at connect.
        let mut store = RootCertStore::empty();
        for cert in &certs {
            store
                .add(cert.clone())
                .map_err(|e| BuildError::Tls(e.to_string()))?;
        }
        self.extra_roots.extend(certs);
        Ok(self)
    }

    /// Also trust the certificates of a PEM file (botocore's `ca_bundle`,
    /// `AWS_CA_BUNDLE`).
    pub fn with_ca_file(self, path: impl AsRef<Path>) -> Result<Self, BuildError> {
        let pem = read(path.as_ref())?;
        self.with_ca_pem(&pem)
    }

    /// Present this certificate chain (PEM, leaf first) and private key (PEM:
    /// PKCS#8, PKCS#1 or SEC1) when the server asks for one (mutual TLS, as
    /// the AWS IoT credentials endpoint does).
    pub fn with_client_auth(
        mut self,
        cert_chain_pem: &[u8],
        key_pem: &[u8],
    ) -> Result<Self, BuildError> {
        let chain = certificates(cert_chain_pem, "client certificate chain")?;
        let key = PrivateKeyDer::from_pem_slice(key_pem).map_err(|e| match e {
            rustls::pki_types::pem::Error::NoItemsFound => BuildError::NoPrivateKey,
            _ => BuildError::BadPem {
                what: "client private key",
            },
        })?;
        self.client_auth = Some(ClientAuth {
            chain,
            key: Arc::new(key),
        });
        // Check that rustls takes the pair (a key not matching the leaf is
        // refused here, not at the first handshake).
        self.client_config()?;
        Ok(self)
    }

    /// As [`with_client_auth`](Self::with_client_auth), from PEM files.
    pub fn with_client_auth_files(
        self,
        cert_chain: impl AsRef<Path>,
        key: impl AsRef<Path>,
    ) -> Result<Self, BuildError> {
        let chain = read(cert_chain.as_ref())?;
        let key = read(key.as_ref())?;
        self.with_client_auth(&chain, &key)
    }

    /// Whether a client certificate is set.
    pub fn has_client_auth(&self) -> bool {
        self.client_auth.is_some()
    }

    /// The rustls client configuration (ring provider, TLS 1.2 and 1.3).
    pub fn client_config(&self) -> Result<Arc<ClientConfig>, BuildError> {
        let mut roots = RootCertStore::empty();
        if self.webpki_roots {
            roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
        }
        #[cfg(feature = "platform-roots")]
        if self.platform_roots {
            let found = rustls_native_certs::load_native_certs();
            if found.certs.is_empty()
                && let Some(e) = found.errors.first()
            {
                return Err(BuildError::PlatformRoots(e.to_string()));
            }
            roots.add_parsable_certificates(found.certs);
        }
        for cert in &self.extra_roots {
            roots
                .add(cert.clone())
                .map_err(|e| BuildError::Tls(e.to_string()))?;
        }
        if roots.is_empty() {
            return Err(BuildError::NoRoots);
        }
        let builder =
            ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
                .with_safe_default_protocol_versions()
                .map_err(|e| BuildError::Tls(e.to_string()))?
                .with_root_certificates(roots);
        let config = match &self.client_auth {
            None => builder.with_no_client_auth(),
            Some(auth) => builder
                .with_client_auth_cert(auth.chain.clone(), auth.key.clone_key())
                .map_err(|e| BuildError::Tls(e.to_string()))?,
        };
        Ok(Arc::new(config))
    }
}

fn read(path: &Path) -> Result<Vec<u8>, BuildError> {
    std::fs::read(path).map_err(|error| BuildError::ReadFile {
        path: path.to_path_buf(),
        error: error.kind(),
    })
}

fn certificates(
    pem: &[u8],
    what: &'static str,
) -> Result<Vec<CertificateDer<'static>>, BuildError> {
    let certs = CertificateDer::pem_slice_iter(pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|_| BuildError::BadPem { what })?;
    if certs.is_empty() {
        return Err(BuildError::NoCertificates { what });
    }
    Ok(certs)
}

/// The transport error an I/O error of a TLS stream stands for, if it
/// carries a rustls error.
pub(crate) fn tls_error(e: &io::Error) -> Option<TransportError> {
    let inner = e.get_ref()?.downcast_ref::<rustls::Error>()?;
    Some(from_rustls(inner))
}

/// How a rustls error reaches the caller: certificate failures by kind.
pub(crate) fn from_rustls(e: &rustls::Error) -> TransportError {
    use rustls::CertificateError as C;
    let cert = |c| TransportError::Certificate(c);
    match e {
        rustls::Error::InvalidCertificate(c) => cert(match c {
            C::UnknownIssuer => CertificateError::UnknownIssuer,
            C::NotValidForName | C::NotValidForNameContext { .. } => CertificateError::NameMismatch,
            C::Expired
            | C::ExpiredContext { .. }
            | C::NotValidYet
            | C::NotValidYetContext { .. } => CertificateError::Expired,
            _ => CertificateError::Other,
        }),
        rustls::Error::AlertReceived(
            AlertDescription::CertificateRequired
            | AlertDescription::BadCertificate
            | AlertDescription::UnknownCA
            | AlertDescription::CertificateUnknown
            | AlertDescription::UnsupportedCertificate
            | AlertDescription::CertificateRevoked
            | AlertDescription::CertificateExpired
            | AlertDescription::AccessDenied,
        ) => cert(CertificateError::Refused),
        _ => TransportError::Tls,
    }
}
