//! A moto server of the caller's own, checking every SigV4 signature: what
//! stratus's live tests (`stratus_tests::moto`) and `cargo xtask demo` start.
//!
//! [`MotoServer::start`] picks a free port, starts `moto_server` with
//! `INITIAL_NO_AUTH_ACTION_COUNT=4`, waits until it accepts connections, and
//! runs `tests/oracle/moto_setup.py`, which spends those four unchecked calls
//! on an IAM user, an allow-all policy, its attachment and an access key.
//! From then on moto checks the signature of every request. Dropping the
//! value (or [`MotoServer::stop`]) ends the server.
//!
//! `STRATUS_MOTO_SERVER` names the `moto_server` program (default: the one
//! on `PATH`), `STRATUS_PYTHON` the Python that runs the setup script
//! (default `python3`).
//!
//! ```no_run
//! use stratus_moto::{Launch, MotoServer};
//! let moto = MotoServer::start(&Launch::loopback())?;
//! println!("{} (key {})", moto.endpoint, moto.access_key_id);
//! # Ok::<(), stratus_moto::MotoError>(())
//! ```
#![warn(missing_docs)]

use std::fmt;
use std::io::{self, Read as _};
use std::net::{IpAddr, Ipv4Addr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// How long moto may take to listen after it was started.
const LISTEN_TIMEOUT: Duration = Duration::from_secs(60);

/// TLS settings: the server's certificate and key (PEM files) and the CA
/// that signed them, which the setup script trusts.
#[derive(Clone, Debug)]
pub struct MotoTls {
    /// Server certificate chain (PEM).
    pub cert: PathBuf,
    /// Server private key (PEM).
    pub key: PathBuf,
    /// The CA certificate the setup script trusts (PEM).
    pub ca: PathBuf,
}

/// Where and how to start a server.
#[derive(Clone, Debug)]
pub struct Launch<'a> {
    /// The address it listens on (127.0.0.1, or an address of the network
    /// namespace the process runs in).
    pub bind: IpAddr,
    /// TLS, or plain HTTP.
    pub tls: Option<&'a MotoTls>,
    /// Whether signatures are checked (an IAM user and key made first).
    /// Unchecked servers are for what moto cannot check (presigned URLs);
    /// their key fields are empty.
    pub checked: bool,
    /// The host named in the endpoint URL. `None`: `localhost` with TLS, the
    /// bind address without. When set, the setup script connects by address
    /// instead (so a TLS certificate must also hold `bind` as an IP SAN).
    pub host: Option<&'a str>,
}

impl Launch<'_> {
    /// A plain-HTTP, signature-checking server on 127.0.0.1.
    pub fn loopback() -> Self {
        Launch {
            bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
            tls: None,
            checked: true,
            host: None,
        }
    }
}

/// Why a server could not be started.
#[derive(Debug)]
pub enum MotoError {
    /// No free port could be bound on the address.
    NoFreePort {
        /// The address tried.
        bind: IpAddr,
        /// The operating system's reason.
        source: io::Error,
    },
    /// `moto_server` could not be started (not installed: `cargo xtask setup`).
    Spawn(io::Error),
    /// `moto_server` exited before it listened.
    Exited {
        /// How it exited.
        status: ExitStatus,
        /// What it wrote to stderr.
        stderr: String,
    },
    /// `moto_server` did not listen within the timeout.
    NotListening {
        /// The address and port waited for.
        address: String,
        /// The time waited.
        waited: Duration,
    },
    /// The setup script could not be started.
    SetupNotRun(io::Error),
    /// The setup script failed.
    SetupFailed {
        /// How it exited.
        status: ExitStatus,
        /// What it wrote to stderr.
        stderr: String,
    },
    /// The setup script printed no access key.
    NoKey(String),
}

impl fmt::Display for MotoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MotoError::NoFreePort { bind, source } => write!(f, "no free port on {bind}: {source}"),
            MotoError::Spawn(e) => {
                write!(f, "cannot start moto_server (run `cargo xtask setup`): {e}")
            }
            MotoError::Exited { status, stderr } => {
                write!(f, "moto_server exited ({status}): {stderr}")
            }
            MotoError::NotListening { address, waited } => write!(
                f,
                "moto_server did not listen on {address} within {} s",
                waited.as_secs()
            ),
            MotoError::SetupNotRun(e) => write!(f, "moto setup did not run: {e}"),
            MotoError::SetupFailed { status, stderr } => {
                write!(f, "moto setup failed ({status}): {stderr}")
            }
            MotoError::NoKey(why) => write!(f, "moto setup printed no key: {why}"),
        }
    }
}

impl std::error::Error for MotoError {}

/// A running moto server and the access key made on it.
pub struct MotoServer {
    child: Child,
    /// The port it listens on.
    pub port: u16,
    /// `http://127.0.0.1:<port>` (or `https://<host>:<port>` with TLS).
    pub endpoint: String,
    /// The IAM user's access key id (empty when unchecked).
    pub access_key_id: String,
    /// The IAM user's secret key (empty when unchecked).
    pub secret_access_key: String,
}

impl fmt::Debug for MotoServer {
    // The secret stays out of logs.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MotoServer")
            .field("pid", &self.child.id())
            .field("endpoint", &self.endpoint)
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"<redacted>")
            .finish()
    }
}

/// The `tests/oracle/` folder holding `moto_setup.py`.
pub fn oracle_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../oracle")
}

/// A Python command that can reach no real account: `STRATUS_PYTHON` (default
/// `python3`), no instance-metadata lookups, no shared config or credentials
/// files, no profile or session token from the caller's environment.
pub fn python() -> Command {
    let mut cmd =
        Command::new(std::env::var("STRATUS_PYTHON").unwrap_or_else(|_| "python3".into()));
    cmd.env("AWS_EC2_METADATA_DISABLED", "true")
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_SESSION_TOKEN")
        .env("AWS_CONFIG_FILE", "/dev/null")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
        .env("PYTHONDONTWRITEBYTECODE", "1");
    cmd
}

fn moto_server() -> String {
    std::env::var("STRATUS_MOTO_SERVER").unwrap_or_else(|_| "moto_server".into())
}

fn free_port(bind: IpAddr) -> Result<u16, MotoError> {
    TcpListener::bind((bind, 0))
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|source| MotoError::NoFreePort { bind, source })
}

impl MotoServer {
    /// Starts a server as `launch` says and, when it checks signatures,
    /// makes its access key.
    pub fn start(launch: &Launch<'_>) -> Result<MotoServer, MotoError> {
        let port = free_port(launch.bind)?;
        let mut cmd = Command::new(moto_server());
        cmd.args(["-H", &launch.bind.to_string(), "-p", &port.to_string()]);
        if let Some(t) = launch.tls {
            cmd.arg("-c").arg(&t.cert).arg("-k").arg(&t.key);
        }
        if launch.checked {
            cmd.env("INITIAL_NO_AUTH_ACTION_COUNT", "4");
        }
        cmd.env("AWS_EC2_METADATA_DISABLED", "true")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        let child = cmd.spawn().map_err(MotoError::Spawn)?;
        let mut server = MotoServer {
            child,
            port,
            endpoint: String::new(),
            access_key_id: String::new(),
            secret_access_key: String::new(),
        };
        // From here on, dropping `server` on an error ends the process.
        server.wait_listening(launch.bind)?;
        let bind = match launch.bind {
            IpAddr::V6(a) => format!("[{a}]"),
            IpAddr::V4(a) => a.to_string(),
        };
        let scheme = if launch.tls.is_some() {
            "https"
        } else {
            "http"
        };
        let host = match (launch.host, launch.tls) {
            (Some(h), _) => h.to_string(),
            (None, Some(_)) => "localhost".to_string(),
            (None, None) => bind.clone(),
        };
        server.endpoint = format!("{scheme}://{host}:{port}");
        if !launch.checked {
            return Ok(server);
        }
        let setup_url = match launch.host {
            Some(_) => format!("{scheme}://{bind}:{port}"),
            None => server.endpoint.clone(),
        };
        let mut setup = python();
        setup
            .arg(oracle_dir().join("moto_setup.py"))
            .arg(&setup_url);
        if let Some(t) = launch.tls {
            setup.env("STRATUS_MOTO_CA", &t.ca);
        }
        let out = setup.output().map_err(MotoError::SetupNotRun)?;
        if !out.status.success() {
            return Err(MotoError::SetupFailed {
                status: out.status,
                stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            });
        }
        let key: serde_json::Value =
            serde_json::from_slice(&out.stdout).map_err(|e| MotoError::NoKey(e.to_string()))?;
        let field = |k: &str| {
            key[k]
                .as_str()
                .map(str::to_string)
                .ok_or_else(|| MotoError::NoKey(format!("no {k}")))
        };
        server.access_key_id = field("AccessKeyId")?;
        server.secret_access_key = field("SecretAccessKey")?;
        Ok(server)
    }

    fn wait_listening(&mut self, bind: IpAddr) -> Result<(), MotoError> {
        let deadline = Instant::now() + LISTEN_TIMEOUT;
        while TcpStream::connect((bind, self.port)).is_err() {
            if let Ok(Some(status)) = self.child.try_wait() {
                let mut stderr = String::new();
                if let Some(mut e) = self.child.stderr.take() {
                    let _ = e.read_to_string(&mut stderr);
                }
                return Err(MotoError::Exited { status, stderr });
            }
            if Instant::now() > deadline {
                return Err(MotoError::NotListening {
                    address: format!("{bind}:{}", self.port),
                    waited: LISTEN_TIMEOUT,
                });
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        // Its log goes nowhere from now on (a full pipe would stall it).
        drop(self.child.stderr.take());
        Ok(())
    }

    /// The server's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Ends the server and waits for it (also done on drop).
    pub fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for MotoServer {
    fn drop(&mut self) {
        self.stop();
    }
}
