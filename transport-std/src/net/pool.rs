//! Idle connections kept for reuse, per route, bounded in number and age.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::conn::Conn;

/// Where a connection goes: the endpoint (direct or through a tunnel) or,
/// for plain http through a proxy, the proxy.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub(crate) struct Route {
    pub scheme: &'static str,
    pub host: String,
    pub port: u16,
    /// The proxy the connection passes through, if any.
    pub via: Option<(String, u16)>,
}

struct Idle {
    route: Route,
    conn: Conn,
    since: Instant,
}

/// A bounded set of idle connections.
pub(crate) struct Pool {
    idle: Mutex<Vec<Idle>>,
    per_route: usize,
    total: usize,
    max_age: Duration,
}

impl Pool {
    pub(crate) fn new(per_route: usize, total: usize, max_age: Duration) -> Pool {
        Pool {
            idle: Mutex::new(Vec::new()),
            per_route,
            total,
            max_age,
        }
    }

    /// The most recently used idle connection for `route` that still looks
    /// open; stale ones are dropped on the way.
    pub(crate) fn take(&self, route: &Route) -> Option<Conn> {
        let mut idle = self.idle.lock().ok()?;
        let now = Instant::now();
        idle.retain(|i| now.duration_since(i.since) < self.max_age);
        while let Some(at) = idle.iter().rposition(|i| &i.route == route) {
            let candidate = idle.remove(at);
            if candidate.conn.looks_open() {
                return Some(candidate.conn);
            }
        }
        None
    }

    /// Keeps `conn` for reuse, dropping the oldest when full.
    pub(crate) fn put(&self, route: Route, conn: Conn) {
        if self.per_route == 0 || self.total == 0 {
            return;
        }
        let Ok(mut idle) = self.idle.lock() else {
            return;
        };
        if idle.iter().filter(|i| i.route == route).count() >= self.per_route
            && let Some(at) = idle.iter().position(|i| i.route == route)
        {
            idle.remove(at);
        }
        if idle.len() >= self.total {
            idle.remove(0);
        }
        idle.push(Idle {
            route,
            conn,
            since: Instant::now(),
        });
    }

    /// Idle connections held now.
    pub(crate) fn len(&self) -> usize {
        self.idle.lock().map_or(0, |i| i.len())
    }

    /// Drops every idle connection.
    pub(crate) fn clear(&self) {
        if let Ok(mut idle) = self.idle.lock() {
            idle.clear();
        }
    }
}
