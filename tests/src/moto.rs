//! A moto server of the test's own, checking every SigV4 signature.
//!
//! [`Moto::start`] picks a free port on 127.0.0.1, starts `moto_server` with
//! `INITIAL_NO_AUTH_ACTION_COUNT=4`, waits until it accepts connections, and
//! runs `tests/oracle/moto_setup.py`, which spends those four unchecked calls
//! on an IAM user, an allow-all policy, its attachment and an access key.
//! From then on moto checks the signature of every request. Dropping the
//! value stops the server.

use std::io::Read as _;
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running, signature-checking moto server and the access key made on it.
#[derive(Debug)]
pub struct Moto {
    child: Child,
    /// The port it listens on (127.0.0.1).
    pub port: u16,
    /// `http://127.0.0.1:<port>` (or `https://localhost:<port>` with TLS).
    pub endpoint: String,
    /// The IAM user's access key id.
    pub access_key_id: String,
    /// The IAM user's secret key.
    pub secret_access_key: String,
}

/// TLS settings for [`Moto::start_tls`]: the server's certificate and key
/// (PEM files) and the CA that signed them, for the setup script.
#[derive(Clone, Debug)]
pub struct MotoTls {
    /// Server certificate chain (PEM).
    pub cert: PathBuf,
    /// Server private key (PEM).
    pub key: PathBuf,
    /// The CA certificate the setup script trusts (PEM).
    pub ca: PathBuf,
}

fn free_port() -> Result<u16, String> {
    let l = TcpListener::bind("127.0.0.1:0").map_err(|e| format!("no free port: {e}"))?;
    l.local_addr()
        .map(|a| a.port())
        .map_err(|e| format!("no free port: {e}"))
}

fn moto_server() -> String {
    std::env::var("STRATUS_MOTO_SERVER").unwrap_or_else(|_| "moto_server".into())
}

impl Moto {
    /// Starts a plain-HTTP server.
    pub fn start() -> Result<Moto, String> {
        Self::launch(None, true)
    }

    /// Starts a server speaking TLS with `tls`'s certificate.
    pub fn start_tls(tls: &MotoTls) -> Result<Moto, String> {
        Self::launch(Some(tls), true)
    }

    /// Starts a plain-HTTP server that checks no signature (moto's default),
    /// for what moto cannot check: its signature check reads an
    /// `Authorization` header, so it fails every presigned URL with a 500.
    /// The key fields are empty.
    pub fn start_unchecked() -> Result<Moto, String> {
        Self::launch(None, false)
    }

    fn launch(tls: Option<&MotoTls>, checked: bool) -> Result<Moto, String> {
        let port = free_port()?;
        let mut cmd = Command::new(moto_server());
        cmd.args(["-H", "127.0.0.1", "-p", &port.to_string()]);
        if checked {
            cmd.env("INITIAL_NO_AUTH_ACTION_COUNT", "4");
        }
        cmd.env("AWS_EC2_METADATA_DISABLED", "true")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        if let Some(t) = tls {
            cmd.arg("-c").arg(&t.cert).arg("-k").arg(&t.key);
        }
        let mut child = cmd
            .spawn()
            .map_err(|e| format!("cannot start moto_server (run `cargo xtask setup`): {e}"))?;
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if TcpStream::connect(("127.0.0.1", port)).is_ok() {
                break;
            }
            if let Ok(Some(status)) = child.try_wait() {
                let mut err = String::new();
                if let Some(mut e) = child.stderr.take() {
                    let _ = e.read_to_string(&mut err);
                }
                return Err(format!("moto_server exited ({status}): {err}"));
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                return Err("moto_server did not listen within 60 s".into());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        // Its log goes nowhere from now on (a full pipe would stall it).
        drop(child.stderr.take());
        let endpoint = match tls {
            Some(_) => format!("https://localhost:{port}"),
            None => format!("http://127.0.0.1:{port}"),
        };
        if !checked {
            return Ok(Moto {
                child,
                port,
                endpoint,
                access_key_id: String::new(),
                secret_access_key: String::new(),
            });
        }
        let mut setup = crate::python();
        setup
            .arg(crate::workspace_root().join("tests/oracle/moto_setup.py"))
            .arg(&endpoint);
        if let Some(t) = tls {
            setup.env("STRATUS_MOTO_CA", &t.ca);
        }
        let out = setup
            .output()
            .map_err(|e| format!("moto setup did not run: {e}"))?;
        if !out.status.success() {
            let _ = child.kill();
            return Err(format!(
                "moto setup failed: {}",
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        let key: serde_json::Value = serde_json::from_slice(&out.stdout)
            .map_err(|e| format!("moto setup printed no key: {e}"))?;
        let field = |k: &str| key[k].as_str().map(str::to_string).unwrap_or_default();
        Ok(Moto {
            child,
            port,
            endpoint,
            access_key_id: field("AccessKeyId"),
            secret_access_key: field("SecretAccessKey"),
        })
    }

    /// Starts a signature-checking server speaking TLS with `tls`'s
    /// certificate, listening on `bind`: an address of the network
    /// namespace this process runs in (a TAP device's kernel side), not
    /// loopback. The endpoint names `host` (which the certificate must name,
    /// and the client must resolve to `bind`); the setup script connects by
    /// address, so the certificate must also hold `bind` as an IP SAN.
    pub fn start_in_netns(
        bind: std::net::IpAddr,
        host: &str,
        tls: &MotoTls,
    ) -> Result<Moto, String> {
        let port = TcpListener::bind((bind, 0))
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .map_err(|e| format!("no free port on {bind}: {e}"))?;
        let mut child = Command::new(moto_server())
            .args(["-H", &bind.to_string(), "-p", &port.to_string()])
            .arg("-c")
            .arg(&tls.cert)
            .arg("-k")
            .arg(&tls.key)
            .env("INITIAL_NO_AUTH_ACTION_COUNT", "4")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start moto_server (run `cargo xtask setup`): {e}"))?;
        let deadline = Instant::now() + Duration::from_secs(60);
        while TcpStream::connect((bind, port)).is_err() {
            if let Ok(Some(status)) = child.try_wait() {
                return Err(format!("moto_server exited ({status})"));
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "moto_server did not listen on {bind}:{port} within 60 s"
                ));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let by_address = format!("https://{bind}:{port}");
        let out = crate::python()
            .arg(crate::workspace_root().join("tests/oracle/moto_setup.py"))
            .arg(&by_address)
            .env("STRATUS_MOTO_CA", &tls.ca)
            .output();
        let key = match out {
            Ok(out) if out.status.success() => {
                serde_json::from_slice::<serde_json::Value>(&out.stdout)
                    .map_err(|e| format!("moto setup printed no key: {e}"))
            }
            Ok(out) => Err(format!(
                "moto setup failed: {}",
                String::from_utf8_lossy(&out.stderr)
            )),
            Err(e) => Err(format!("moto setup did not run: {e}")),
        };
        let key = match key {
            Ok(key) => key,
            Err(e) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(e);
            }
        };
        let field = |k: &str| key[k].as_str().map(str::to_string).unwrap_or_default();
        Ok(Moto {
            child,
            port,
            endpoint: format!("https://{host}:{port}"),
            access_key_id: field("AccessKeyId"),
            secret_access_key: field("SecretAccessKey"),
        })
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

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
