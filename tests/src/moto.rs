//! A moto server of the test's own, checking every SigV4 signature; the
//! launching is `stratus-moto`'s (`tests/moto/`), shared with `cargo xtask demo`.
//!
//! [`Moto::start`] picks a free port on 127.0.0.1, starts `moto_server` with
//! `INITIAL_NO_AUTH_ACTION_COUNT=4`, waits until it accepts connections, and
//! runs `tests/oracle/moto_setup.py`, which spends those four unchecked calls
//! on an IAM user, an allow-all policy, its attachment and an access key.
//! From then on moto checks the signature of every request. Dropping the
//! value stops the server.

use std::net::IpAddr;
use std::ops::Deref;

pub use stratus_moto::MotoTls;
use stratus_moto::{Launch, MotoServer};

/// A running, signature-checking moto server and the access key made on it
/// (its fields: [`MotoServer`]'s `port`, `endpoint`, `access_key_id`,
/// `secret_access_key`).
#[derive(Debug)]
pub struct Moto(MotoServer);

impl Deref for Moto {
    type Target = MotoServer;
    fn deref(&self) -> &MotoServer {
        &self.0
    }
}

impl Moto {
    /// Starts a plain-HTTP server.
    pub fn start() -> Result<Moto, String> {
        Self::launch(Launch::loopback())
    }

    /// Starts a server speaking TLS with `tls`'s certificate.
    pub fn start_tls(tls: &MotoTls) -> Result<Moto, String> {
        Self::launch(Launch {
            tls: Some(tls),
            ..Launch::loopback()
        })
    }

    /// Starts a plain-HTTP server that checks no signature (moto's default),
    /// for what moto cannot check: its signature check reads an
    /// `Authorization` header, so it fails every presigned URL with a 500.
    /// The key fields are empty.
    pub fn start_unchecked() -> Result<Moto, String> {
        Self::launch(Launch {
            checked: false,
            ..Launch::loopback()
        })
    }

    /// Starts a signature-checking server speaking TLS with `tls`'s
    /// certificate, listening on `bind`: an address of the network
    /// namespace this process runs in (a TAP device's kernel side), not
    /// loopback. The endpoint names `host` (which the certificate must name,
    /// and the client must resolve to `bind`); the setup script connects by
    /// address, so the certificate must also hold `bind` as an IP SAN.
    pub fn start_in_netns(bind: IpAddr, host: &str, tls: &MotoTls) -> Result<Moto, String> {
        Self::launch(Launch {
            bind,
            tls: Some(tls),
            checked: true,
            host: Some(host),
        })
    }

    fn launch(launch: Launch<'_>) -> Result<Moto, String> {
        MotoServer::start(&launch)
            .map(Moto)
            .map_err(|e| e.to_string())
    }

    /// Runs `python3 -c script` with this server's endpoint and key in the
    /// environment (`STRATUS_MOTO_ENDPOINT`, `AWS_ACCESS_KEY_ID`,
    /// `AWS_SECRET_ACCESS_KEY`), for checks done with boto3.
    pub fn python(&self, script: &str) -> Result<String, String> {
        let out = crate::python()
            .args(["-c", script])
            .env("STRATUS_MOTO_ENDPOINT", &self.endpoint)
            .env("AWS_ACCESS_KEY_ID", &self.access_key_id)
            .env("AWS_SECRET_ACCESS_KEY", &self.secret_access_key)
            .output()
            .map_err(|e| e.to_string())?;
        if out.status.success() {
            Ok(String::from_utf8_lossy(&out.stdout).into_owned())
        } else {
            Err(String::from_utf8_lossy(&out.stderr).into_owned())
        }
    }
}
