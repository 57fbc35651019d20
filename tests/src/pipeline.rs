//! Test doubles for the call pipeline: a scripted transport, a recorder of
//! events, and a transport that checks request times like a service does.

use std::cell::RefCell;
use std::collections::VecDeque;

use stratus_core::client::{
    Event, Handler, HttpRequest, RawResponse, ResponseWriter, Transport, TransportError,
};

/// One scripted answer.
#[derive(Clone, Debug)]
pub enum Scripted {
    /// A response: status, headers, body.
    Response(u16, Vec<(String, String)>, Vec<u8>),
    /// A transport failure.
    Fail(TransportError),
}

impl Scripted {
    /// A response with a body and no headers.
    pub fn status(status: u16, body: &[u8]) -> Self {
        Scripted::Response(status, Vec::new(), body.to_vec())
    }

    /// A JSON-protocol error response.
    pub fn json_error(status: u16, code: &str) -> Self {
        Scripted::Response(
            status,
            vec![("Content-Type".into(), "application/x-amz-json-1.1".into())],
            format!(r#"{{"__type":"{code}","message":"scripted"}}"#).into_bytes(),
        )
    }
}

/// What the transport saw of one request.
#[derive(Clone, Debug)]
pub struct Sent {
    /// Method.
    pub method: String,
    /// Host.
    pub host: String,
    /// Path and query.
    pub target: String,
    /// Headers as sent.
    pub headers: Vec<(String, String)>,
    /// Body.
    pub body: Vec<u8>,
}

impl Sent {
    /// The first header called `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// A transport that answers from a script and records every request.
#[derive(Debug, Default)]
pub struct ScriptedTransport {
    script: RefCell<VecDeque<Scripted>>,
    sent: RefCell<Vec<Sent>>,
}

impl ScriptedTransport {
    /// A transport answering with `script`, in order.
    pub fn new(script: impl IntoIterator<Item = Scripted>) -> Self {
        ScriptedTransport {
            script: RefCell::new(script.into_iter().collect()),
            sent: RefCell::new(Vec::new()),
        }
    }

    /// The requests sent so far.
    pub fn sent(&self) -> Vec<Sent> {
        self.sent.borrow().clone()
    }

    /// Answers not used.
    pub fn remaining(&self) -> usize {
        self.script.borrow().len()
    }
}

/// Writes a scripted response into `buf`.
pub fn write_response(
    buf: &mut [u8],
    status: u16,
    headers: &[(String, String)],
    body: &[u8],
) -> Result<RawResponse, TransportError> {
    let mut w = ResponseWriter::new(buf, status);
    for (n, v) in headers {
        w.header(n, v)
            .map_err(|_| TransportError::ResponseTooLarge)?;
    }
    w.body(body).map_err(|_| TransportError::ResponseTooLarge)
}

impl Transport for ScriptedTransport {
    async fn send(
        &self,
        request: &HttpRequest<'_>,
        buf: &mut [u8],
    ) -> Result<RawResponse, TransportError> {
        self.sent.borrow_mut().push(Sent {
            method: request.method.into(),
            host: request.host.into(),
            target: request.target.into(),
            headers: request
                .headers
                .iter()
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect(),
            body: request.body.to_vec(),
        });
        let next = self.script.borrow_mut().pop_front();
        match next {
            Some(Scripted::Response(status, headers, body)) => {
                write_response(buf, status, &headers, &body)
            }
            Some(Scripted::Fail(e)) => Err(e),
            None => Err(TransportError::Connect),
        }
    }
}

/// A handler that records the name of every event it sees, prefixed with
/// its label when it has one (`label|event`).
#[derive(Debug, Default)]
pub struct Recorder {
    label: Option<String>,
    seen: RefCell<Vec<String>>,
}

impl Recorder {
    /// A recorder writing bare event names.
    pub fn new() -> Self {
        Recorder::default()
    }

    /// A recorder writing `label|event`.
    pub fn labelled(label: &str) -> Self {
        Recorder {
            label: Some(label.into()),
            seen: RefCell::new(Vec::new()),
        }
    }

    /// The events seen.
    pub fn seen(&self) -> Vec<String> {
        self.seen.borrow().clone()
    }
}

impl Handler for Recorder {
    fn handle(&self, event: &mut Event<'_, '_>) {
        let name = event.name.to_string();
        self.seen.borrow_mut().push(match &self.label {
            Some(l) => format!("{l}|{name}"),
            None => name,
        });
    }
}

/// A shared log several labelled handlers append to, in call order.
#[derive(Debug, Default)]
pub struct SharedLog(pub RefCell<Vec<String>>);

/// A handler appending `label|event` to a [`SharedLog`].
#[derive(Debug)]
pub struct LogTo<'l> {
    /// The label.
    pub label: String,
    /// The log.
    pub log: &'l SharedLog,
}

impl Handler for LogTo<'_> {
    fn handle(&self, event: &mut Event<'_, '_>) {
        self.log
            .0
            .borrow_mut()
            .push(format!("{}|{}", self.label, event.name));
    }
}
