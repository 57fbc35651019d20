//! Small HTTP requests for the credentials endpoints (container, instance
//! metadata, IoT) over any [`Transport`].

use std::net::IpAddr;

use stratus_core::client::{HttpRequest, Timeouts, Transport};

use super::HttpError;

/// Bytes of response kept for a credentials endpoint's answer.
pub(crate) const RESPONSE_BYTES: usize = 16 * 1024;

/// An `http(s)://host[:port]/path?query` URL.
#[derive(Clone, PartialEq, Eq, Debug)]
pub(crate) struct Url {
    pub scheme: String,
    /// The host, without brackets for IPv6 literals, lower-cased.
    pub host: String,
    pub port: Option<u16>,
    /// Path and query, at least `/`.
    pub target: String,
}

impl Url {
    pub(crate) fn parse(text: &str) -> Result<Url, HttpError> {
        let bad = || HttpError::InvalidUrl(text.to_string());
        let (scheme, rest) = text.split_once("://").ok_or_else(bad)?;
        let scheme = scheme.to_ascii_lowercase();
        if scheme != "http" && scheme != "https" {
            return Err(bad());
        }
        let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let (authority, target) = rest.split_at(end);
        if authority.contains('@') {
            return Err(bad());
        }
        let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
            let close = v6.find(']').ok_or_else(bad)?;
            let host = &v6[..close];
            host.parse::<std::net::Ipv6Addr>().map_err(|_| bad())?;
            let after = &v6[close + 1..];
            let port = match after.strip_prefix(':') {
                Some(p) => Some(p.parse::<u16>().map_err(|_| bad())?),
                None if after.is_empty() => None,
                None => return Err(bad()),
            };
            (host, port)
        } else {
            match authority.split_once(':') {
                Some((h, p)) => (h, Some(p.parse::<u16>().map_err(|_| bad())?)),
                None => (authority, None),
            }
        };
        if host.is_empty()
            || host
                .chars()
                .any(|c| c.is_whitespace() || c.is_control() || c == '\\')
        {
            return Err(bad());
        }
        let target = target.split('#').next().unwrap_or("");
        let target = if target.is_empty() {
            "/".to_string()
        } else if target.starts_with('?') {
            format!("/{target}")
        } else {
            target.to_string()
        };
        if target.chars().any(|c| c.is_control() || c == ' ') {
            return Err(bad());
        }
        Ok(Url {
            scheme,
            host: host.to_ascii_lowercase(),
            port,
            target,
        })
    }

    /// The `Host` header: the host (bracketed for IPv6) and a port other
    /// than the scheme's.
    pub(crate) fn host_header(&self) -> String {
        let host = if self.host.contains(':') {
            format!("[{}]", self.host)
        } else {
            self.host.clone()
        };
        match self.port {
            Some(p) => format!("{host}:{p}"),
            None => host,
        }
    }

    /// Whether the host is a loopback address (`127.0.0.0/8`, `::1`).
    pub(crate) fn is_loopback(&self) -> bool {
        self.host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
    }
}

/// A response read whole.
pub(crate) struct Reply {
    pub status: u16,
    pub body: Vec<u8>,
}

impl Reply {
    /// The body's start as text, for error messages.
    pub(crate) fn excerpt(&self) -> String {
        let end = self.body.len().min(200);
        String::from_utf8_lossy(&self.body[..end]).into_owned()
    }

    pub(crate) fn status_error(&self) -> HttpError {
        HttpError::Status {
            status: self.status,
            body: self.excerpt(),
        }
    }
}

/// Sends `method url` with `headers` (`Host` is added) and reads the reply.
pub(crate) async fn send<T: Transport + ?Sized>(
    transport: &T,
    method: &str,
    url: &Url,
    headers: &[(&str, &str)],
    timeouts: Timeouts,
) -> Result<Reply, HttpError> {
    let host = url.host_header();
    let mut all: Vec<(&str, &str)> = Vec::with_capacity(headers.len() + 1);
    all.push(("Host", host.as_str()));
    all.extend_from_slice(headers);
    let request = HttpRequest {
        method,
        scheme: &url.scheme,
        host: &url.host,
        port: url.port,
        target: &url.target,
        headers: all.as_slice().into(),
        body: b"",
        timeouts,
    };
    let mut buf = vec![0u8; RESPONSE_BYTES];
    let raw = transport
        .send(&request, &mut buf)
        .await
        .map_err(HttpError::Transport)?;
    let view = raw.view(&buf);
    Ok(Reply {
        status: view.status,
        body: view.body.to_vec(),
    })
}

/// The string field `name` of a JSON object.
pub(crate) fn field<'a>(
    json: &'a serde_json::Value,
    name: &'static str,
) -> Result<&'a str, HttpError> {
    json.get(name)
        .and_then(serde_json::Value::as_str)
        .ok_or(HttpError::MissingField(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        let u = Url::parse("http://127.0.0.1:8080/creds?x=1").unwrap();
        assert_eq!(
            (u.host.as_str(), u.port, u.target.as_str()),
            ("127.0.0.1", Some(8080), "/creds?x=1")
        );
        assert!(u.is_loopback());
        let u = Url::parse("http://[::1]:99").unwrap();
        assert_eq!((u.host.as_str(), u.target.as_str()), ("::1", "/"));
        assert_eq!(u.host_header(), "[::1]:99");
        assert!(u.is_loopback());
        let u = Url::parse("HTTPS://LocalHost/x").unwrap();
        assert_eq!((u.scheme.as_str(), u.host.as_str()), ("https", "localhost"));
        assert!(!u.is_loopback());
        for bad in [
            "ftp://x/",
            "http://",
            "http://a:b/",
            "http://[::1/",
            "127.0.0.1:80/x",
            "http://u@h/",
            "http://h/a b",
        ] {
            assert!(Url::parse(bad).is_err(), "{bad}");
        }
    }
}
