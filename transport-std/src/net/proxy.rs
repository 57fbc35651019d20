//! Proxies: `HTTPS_PROXY` tunnels https through `CONNECT`, `HTTP_PROXY`
//! forwards plain http requests (absolute-form target), `NO_PROXY` names the
//! hosts reached directly. The rules are Python's `urllib.request`
//! (`getproxies_environment`, `proxy_bypass_environment`), which botocore
//! uses.

use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use super::BuildError;

/// One proxy: `http://[user:password@]host[:port]`.
#[derive(Clone, PartialEq, Eq)]
pub struct Proxy {
    host: String,
    port: u16,
    /// `Basic <base64(user:password)>`, ready to send.
    authorization: Option<String>,
}

impl fmt::Debug for Proxy {
    // The credentials are secret.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Proxy")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("credentials", &self.authorization.is_some())
            .finish()
    }
}

impl Proxy {
    /// Reads a proxy URL: `http://host:port`, with optional percent-encoded
    /// `user:password@`; no scheme means `http` (as `urllib` does); the port
    /// defaults to 80. A proxy reached over TLS (`https://`) or SOCKS is
    /// refused.
    ///
    /// ```
    /// use stratus_transport_std::net::Proxy;
    /// let p = Proxy::parse("http://me:p%40ss@127.0.0.1:3128/").unwrap();
    /// assert_eq!((p.host(), p.port(), p.has_credentials()), ("127.0.0.1", 3128, true));
    /// assert!(!format!("{p:?}").contains("p@ss"));
    /// assert!(Proxy::parse("socks5://127.0.0.1:1080").is_err());
    /// ```
    pub fn parse(url: &str) -> Result<Proxy, BuildError> {
        let bad = |reason| BuildError::ProxyUrl { reason };
        let url = url.trim();
        let rest = match url.split_once("://") {
            Some((scheme, rest)) if scheme.eq_ignore_ascii_case("http") => rest,
            Some((scheme, _)) if scheme.eq_ignore_ascii_case("https") => {
                return Err(bad("proxies reached over TLS (https://) are not supported"));
            }
            Some(_) => return Err(bad("only http:// proxies are supported")),
            None => url,
        };
        let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
        let (userinfo, hostport) = match authority.rsplit_once('@') {
            Some((u, h)) => (Some(u), h),
            None => (None, authority),
        };
        let (host, port) = if let Some(v6) = hostport.strip_prefix('[') {
            let (host, after) = v6.split_once(']').ok_or(bad("unclosed '[' in the host"))?;
            (host, after.strip_prefix(':'))
        } else {
            match hostport.rsplit_once(':') {
                Some((h, p)) => (h, Some(p)),
                None => (hostport, None),
            }
        };
        if host.is_empty() || host.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(bad("the proxy URL has no host"));
        }
        let port = match port {
            None | Some("") => 80,
            Some(p) => p
                .parse()
                .map_err(|_| bad("the proxy port is not a number"))?,
        };
        let authorization = userinfo
            .map(|u| {
                let decoded = percent_encoding::percent_decode_str(u)
                    .decode_utf8()
                    .map_err(|_| bad("the proxy credentials are not UTF-8"))?;
                let pair = if decoded.contains(':') {
                    decoded.into_owned()
                } else {
                    format!("{decoded}:")
                };
                Ok(format!("Basic {}", STANDARD.encode(pair)))
            })
            .transpose()?;
        Ok(Proxy {
            host: host.to_string(),
            port,
            authorization,
        })
    }

    /// The proxy's host.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// The proxy's port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Whether the URL carried credentials (sent as `Proxy-Authorization`).
    pub fn has_credentials(&self) -> bool {
        self.authorization.is_some()
    }

    pub(crate) fn authorization(&self) -> Option<&str> {
        self.authorization.as_deref()
    }
}

/// Hosts reached without a proxy: `NO_PROXY`'s comma list. An entry matches
/// the host itself and its subdomains (`example.com` and `.example.com` both
/// match `a.example.com`), or `host:port`; `*` matches every host.
///
/// ```
/// use stratus_transport_std::net::NoProxy;
/// let n = NoProxy::parse("localhost, .internal.example,10.0.0.1, db:5432");
/// assert!(n.matches("localhost", 443));
/// assert!(n.matches("s3.internal.example", 443));
/// assert!(n.matches("internal.example", 80));
/// assert!(!n.matches("notinternal.example", 80));
/// assert!(n.matches("db", 5432) && !n.matches("db", 5433));
/// assert!(NoProxy::parse("*").matches("anything", 1));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NoProxy {
    all: bool,
    entries: Vec<String>,
}

impl NoProxy {
    /// Reads a `NO_PROXY` value.
    pub fn parse(list: &str) -> NoProxy {
        let mut n = NoProxy::default();
        for entry in list.split(',') {
            let entry = entry.trim();
            if entry == "*" {
                n.all = true;
            } else {
                let entry = entry.trim_start_matches('.').to_ascii_lowercase();
                if !entry.is_empty() {
                    n.entries.push(entry);
                }
            }
        }
        n
    }

    /// Whether `host` (port `port`) is reached directly.
    pub fn matches(&self, host: &str, port: u16) -> bool {
        if self.all {
            return true;
        }
        let host = host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_ascii_lowercase();
        let with_port = format!("{host}:{port}");
        self.entries.iter().any(|e| {
            [&host, &with_port].iter().any(|h| {
                *h == e || (h.ends_with(e.as_str()) && h[..h.len() - e.len()].ends_with('.'))
            })
        })
    }
}

/// Which proxies a transport uses.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProxySettings {
    /// For `https` endpoints (a `CONNECT` tunnel).
    pub https: Option<Proxy>,
    /// For `http` endpoints (requests forwarded in absolute form).
    pub http: Option<Proxy>,
    /// Hosts reached directly.
    pub no_proxy: NoProxy,
}

impl ProxySettings {
    /// No proxy.
    pub fn none() -> Self {
        Self::default()
    }

    /// From the environment: `https_proxy` / `HTTPS_PROXY`, `http_proxy` /
    /// `HTTP_PROXY`, `no_proxy` / `NO_PROXY` (the lower-case name wins, as in
    /// Python; empty values are unset).
    pub fn from_env() -> Result<Self, BuildError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// As [`from_env`](Self::from_env), reading variables through `var`.
    pub fn from_lookup(var: impl Fn(&str) -> Option<String>) -> Result<Self, BuildError> {
        let get = |lower: &str| {
            var(lower)
                .filter(|v| !v.trim().is_empty())
                .or_else(|| var(&lower.to_ascii_uppercase()).filter(|v| !v.trim().is_empty()))
        };
        let parse = |name: &'static str| {
            get(name)
                .map(|v| {
                    Proxy::parse(&v).map_err(|e| match e {
                        BuildError::ProxyUrl { reason } => {
                            BuildError::ProxyVariable { name, reason }
                        }
                        other => other,
                    })
                })
                .transpose()
        };
        Ok(ProxySettings {
            https: parse("https_proxy")?,
            http: parse("http_proxy")?,
            no_proxy: get("no_proxy")
                .map(|v| NoProxy::parse(&v))
                .unwrap_or_default(),
        })
    }

    /// The proxy for a `scheme` request to `host:port`, if any.
    pub fn for_target(&self, scheme: &str, host: &str, port: u16) -> Option<&Proxy> {
        let proxy = if scheme == "https" {
            self.https.as_ref()
        } else {
            self.http.as_ref()
        }?;
        (!self.no_proxy.matches(host, port)).then_some(proxy)
    }
}
