//! [`HeapBuffers`]: a call's [`Workspace`] owned on the heap, sized at run
//! time (feature `alloc`), for hosts, the owned-JSON faces and the
//! resource engine.

use alloc::vec;
use alloc::vec::Vec;

use super::{HEADER_BYTES, SCRATCH_BYTES, URL_BYTES, Workspace};

/// A call's buffers on the heap: request and response sized by the caller,
/// headers, URL and scratch at the core's sizes ([`HEADER_BYTES`],
/// [`URL_BYTES`], [`SCRATCH_BYTES`]) unless [`HeapBuffers::with_head_room`]
/// widens them.
///
/// ```
/// use stratus_core::client::HeapBuffers;
/// let mut bufs = HeapBuffers::new(64 * 1024, 1024 * 1024);
/// let ws = bufs.workspace();
/// assert_eq!(ws.response.len(), 1024 * 1024);
/// ```
#[derive(Clone, Debug)]
pub struct HeapBuffers {
    request: Vec<u8>,
    response: Vec<u8>,
    headers: Vec<u8>,
    url: Vec<u8>,
    scratch: Vec<u8>,
}

impl HeapBuffers {
    /// Buffers for requests of up to `request` bytes (serialized body
    /// included) and responses of up to `response` bytes (head and body).
    pub fn new(request: usize, response: usize) -> Self {
        HeapBuffers {
            request: vec![0; request],
            response: vec![0; response],
            headers: vec![0; HEADER_BYTES],
            url: vec![0; URL_BYTES],
            scratch: vec![0; SCRATCH_BYTES],
        }
    }

    /// The same with the header, URL and scratch buffers `factor` times the
    /// core's sizes (long keys, many headers).
    pub fn with_head_room(mut self, factor: usize) -> Self {
        let factor = factor.max(1);
        self.headers = vec![0; HEADER_BYTES.saturating_mul(factor)];
        self.url = vec![0; URL_BYTES.saturating_mul(factor)];
        self.scratch = vec![0; SCRATCH_BYTES.saturating_mul(factor)];
        self
    }

    /// The buffers lent to one call.
    pub fn workspace(&mut self) -> Workspace<'_> {
        Workspace {
            request: &mut self.request,
            response: &mut self.response,
            headers: &mut self.headers,
            url: &mut self.url,
            scratch: &mut self.scratch,
        }
    }
}
