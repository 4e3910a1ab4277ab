//! The message loop behind `HttpRequestParser` and `HttpResponseParser`:
//! it buffers a head until the parser crate says it is complete, asks the
//! framing rules how the body is delimited, passes the body through (the
//! chunked decoder for chunked bodies) and calls the protocol's callbacks
//! in httptools' order. Every decision about the bytes is the parser
//! crate's; this module only sequences the calls.

use std::mem::MaybeUninit;
use std::sync::atomic::{AtomicBool, AtomicU16, AtomicU8, Ordering::Relaxed};
use std::sync::Mutex;

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyList, PyTuple};
use springbok_parser::chunked::{ChunkedConfig, ChunkedDecoder, Trailers};
use springbok_parser::framing::{self, Body};
use springbok_parser::{Header, ParserConfig, Status};

use super::errors::{Class, Failure, HttpParserCallbackError, HttpParserUpgrade};

mod chunked;
use crate::callback::Callback;
use crate::intern::{self, NameCache};
use chunked::Chunk;

/// Most header lines in one head (and in one trailer section). llhttp has
/// no such limit; more is an error ("too many headers", HTTP 431).
pub(crate) const MAX_HEADERS: usize = 256;

/// Requests or responses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Request,
    Response,
}

/// The protocol object's callbacks, looked up once when the parser is made
/// (httptools does the same: a callback added later is not seen).
pub(crate) struct Callbacks {
    pub(crate) message_begin: Option<Callback>,
    pub(crate) url: Option<Callback>,
    pub(crate) status: Option<Callback>,
    pub(crate) header: Option<Callback>,
    /// Springbok's extension: `on_headers(list)` takes every header of a
    /// head (or trailer section) at once, as `(lower-cased name, value)`
    /// pairs, instead of one `on_header` call each.
    pub(crate) headers: Option<Callback>,
    pub(crate) headers_complete: Option<Callback>,
    pub(crate) body: Option<Callback>,
    pub(crate) message_complete: Option<Callback>,
    pub(crate) chunk_header: Option<Callback>,
    pub(crate) chunk_complete: Option<Callback>,
}

impl Callbacks {
    pub(crate) fn of(protocol: &Bound<'_, PyAny>, kind: Kind) -> PyResult<Callbacks> {
        let get = |name: &str| -> PyResult<Option<Callback>> {
            match protocol.getattr(name) {
                Ok(v) => Callback::new(v),
                Err(e) if e.is_instance_of::<pyo3::exceptions::PyAttributeError>(protocol.py()) => Ok(None),
                Err(e) => Err(e),
            }
        };
        Ok(Callbacks {
            message_begin: get("on_message_begin")?,
            url: if kind == Kind::Request { get("on_url")? } else { None },
            status: if kind == Kind::Response { get("on_status")? } else { None },
            header: get("on_header")?,
            headers: get("on_headers")?,
            headers_complete: get("on_headers_complete")?,
            body: get("on_body")?,
            message_complete: get("on_message_complete")?,
            chunk_header: get("on_chunk_header")?,
            chunk_complete: get("on_chunk_complete")?,
        })
    }

    /// Every callback, for the garbage collector.
    pub(crate) fn all(&self) -> [&Option<Callback>; 10] {
        [
            &self.headers,
            &self.message_begin,
            &self.url,
            &self.status,
            &self.header,
            &self.headers_complete,
            &self.body,
            &self.message_complete,
            &self.chunk_header,
            &self.chunk_complete,
        ]
    }
}

/// What the getters report. It lives outside the machine's lock because
/// callbacks call the getters while `feed_data` runs (uvicorn's
/// `on_headers_complete` does).
#[derive(Default)]
pub(crate) struct Info {
    pub(crate) major: AtomicU8,
    pub(crate) minor: AtomicU8,
    pub(crate) status: AtomicU16,
    pub(crate) keep_alive: AtomicBool,
    pub(crate) upgrade: AtomicBool,
    /// The request asks for `100 Continue` (HTTP/1.1 and `Expect:
    /// 100-continue` only, RFC 9110 §10.1.1).
    pub(crate) expect_continue: AtomicBool,
    pub(crate) method: Mutex<Option<Py<PyBytes>>>,
}

/// Where in the stream the machine is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// Between messages.
    Start,
    /// In a head; its bytes so far are in `Machine::head`.
    Head,
    /// In a Content-Length body: this many bytes to go.
    Length(u64),
    /// In a chunked body.
    Chunked(Chunk),
    /// In a response body that ends when the connection does.
    UntilClose,
    /// After a message that closes the connection.
    Closed,
}

/// The parser's state between `feed_data` calls.
pub(crate) struct Machine {
    kind: Kind,
    pub(crate) config: ParserConfig,
    pub(crate) chunked: ChunkedConfig,
    /// httptools' `lenient_data_after_close`: ignore bytes after a message
    /// that closes the connection instead of failing.
    pub(crate) lenient_data_after_close: bool,
    state: State,
    /// on_message_begin has been called for the message in `Head`.
    begun: bool,
    /// The current message leaves the connection open.
    keep_alive: bool,
    head: Vec<u8>,
    last_len: usize,
    decoder: ChunkedDecoder,
    trailer: Vec<u8>,
    trailer_last: usize,
    scratch: Vec<u8>,
    /// Header names this connection sent before (see [`NameCache`]).
    names: NameCache,
    failure: Option<Failure>,
}

/// How a `feed_data` call ends early: an error to raise, or an upgrade.
pub(crate) enum Stop {
    Err(PyErr),
    Upgrade(usize),
}

impl From<PyErr> for Stop {
    fn from(e: PyErr) -> Stop {
        Stop::Err(e)
    }
}

fn call0(py: Python<'_>, cb: &Option<Callback>) -> PyResult<()> {
    match cb {
        Some(cb) => cb.call0(py),
        None => Ok(()),
    }
}

fn call_bytes(py: Python<'_>, cb: &Option<Callback>, data: &[u8]) -> PyResult<()> {
    match cb {
        Some(cb) => cb.call1(py, PyBytes::new(py, data).into_any()),
        None => Ok(()),
    }
}

/// Calls `on_headers` with every header, or `on_header` for each; names
/// interned.
fn call_headers(py: Python<'_>, cb: &Callbacks, cache: &mut NameCache, headers: &[Header<'_>]) -> PyResult<()> {
    let names = intern::headers(py);
    if let Some(bulk) = &cb.headers {
        let list = PyList::empty(py);
        let mut lower = [0u8; 64];
        for h in headers {
            let name = match lower.get_mut(..h.name.len()) {
                Some(buf) => {
                    buf.copy_from_slice(h.name);
                    buf.make_ascii_lowercase();
                    cache.bytes(py, names, buf)
                }
                None => PyBytes::new(py, &h.name.to_ascii_lowercase()),
            };
            list.append(PyTuple::new(py, [name, PyBytes::new(py, h.value)])?)?;
        }
        bulk.call1(py, list.into_any())?;
    } else if let Some(cb) = &cb.header {
        for h in headers {
            cb.call2(py, cache.bytes(py, names, h.name).into_any(), PyBytes::new(py, h.value).into_any())?;
        }
    }
    Ok(())
}

impl Machine {
    pub(crate) fn new(kind: Kind) -> Machine {
        let mut config = ParserConfig::new();
        // RFC 9112 §2.2: a server SHOULD ignore at least one empty line
        // before a request-line; llhttp skips any number between messages.
        config.allow_leading_empty_lines = true;
        let mut chunked = ChunkedConfig::new();
        // The trailer section is parsed here, with the header-block parser,
        // so that its fields can go to on_header.
        chunked.trailers = Trailers::Leave;
        Machine {
            kind,
            config,
            chunked,
            lenient_data_after_close: false,
            state: State::Start,
            begun: false,
            keep_alive: false,
            head: Vec::new(),
            last_len: 0,
            decoder: ChunkedDecoder::new(chunked),
            trailer: Vec::new(),
            trailer_last: 0,
            scratch: Vec::new(),
            names: NameCache::new(),
            failure: None,
        }
    }

    /// Records a failure (every later call raises it again) and returns the
    /// exception to raise now.
    fn fail(&mut self, failure: Failure) -> Stop {
        let err = failure.to_err();
        self.failure = Some(failure);
        self.head = Vec::new();
        self.trailer = Vec::new();
        self.scratch = Vec::new();
        Stop::Err(err)
    }

    /// A callback raised `cause`: fail with HttpParserCallbackError whose
    /// `__context__` is `cause`.
    fn fail_callback(&mut self, py: Python<'_>, name: &str, cause: PyErr) -> Stop {
        let message = format!("`{name}` callback error");
        self.fail(Failure::new(Class::Callback, message.clone()));
        let err = HttpParserCallbackError::new_err(message);
        err.set_context(py, Some(cause));
        Stop::Err(err)
    }

    /// Feeds `input`: calls the callbacks for everything it completes.
    pub(crate) fn feed(&mut self, py: Python<'_>, cb: &Callbacks, info: &Info, input: &[u8]) -> Result<(), Stop> {
        if let Some(f) = &self.failure {
            return Err(Stop::Err(f.to_err()));
        }
        let mut pos = 0;
        while pos < input.len() {
            pos = match self.state {
                State::Start => {
                    self.state = State::Head;
                    self.begun = false;
                    pos
                }
                State::Head => self.head_step(py, cb, info, input, pos)?,
                State::Length(left) => {
                    let n = (input.len() - pos).min(usize::try_from(left).unwrap_or(usize::MAX));
                    if let Err(e) = call_bytes(py, &cb.body, &input[pos..pos + n]) {
                        return Err(self.fail_callback(py, "on_body", e));
                    }
                    let left = left - n as u64;
                    self.state = State::Length(left);
                    if left == 0 {
                        self.message_complete(py, cb)?;
                    }
                    pos + n
                }
                State::Chunked(chunk) => self.chunked_step(py, cb, chunk, input, pos)?,
                State::UntilClose => {
                    if let Err(e) = call_bytes(py, &cb.body, &input[pos..]) {
                        return Err(self.fail_callback(py, "on_body", e));
                    }
                    input.len()
                }
                State::Closed => {
                    if self.lenient_data_after_close {
                        input.len()
                    } else {
                        return Err(self.fail(Failure::new(
                            Class::Parser,
                            "data after the end of a message that closes the connection",
                        )));
                    }
                }
            };
        }
        Ok(())
    }

    /// Calls on_message_begin once the message's first byte that is not
    /// part of the empty lines allowed before it has arrived.
    fn maybe_begin(&mut self, py: Python<'_>, cb: &Callbacks, info: &Info, new: &[u8]) -> Result<(), Stop> {
        if self.begun || new.iter().all(|&b| b == b'\r' || b == b'\n') {
            return Ok(());
        }
        self.begun = true;
        info.upgrade.store(false, Relaxed);
        if let Err(e) = call0(py, &cb.message_begin) {
            return Err(self.fail_callback(py, "on_message_begin", e));
        }
        Ok(())
    }

    /// Parses the head with `input[pos..]` added; returns the position after
    /// what it consumed.
    fn head_step(
        &mut self,
        py: Python<'_>,
        cb: &Callbacks,
        info: &Info,
        input: &[u8],
        pos: usize,
    ) -> Result<usize, Stop> {
        let avail = &input[pos..];
        self.maybe_begin(py, cb, info, avail)?;
        let mut head = std::mem::take(&mut self.head);
        let old = head.len();
        let (buf, last_len): (&[u8], usize) = if old == 0 {
            (avail, 0)
        } else {
            // The parser looks at no more than the head-size limit.
            let take = avail.len().min(self.config.max_head_bytes.saturating_sub(old).max(1));
            head.extend_from_slice(&avail[..take]);
            (&head, self.last_len)
        };
        let result = self.head_parsed(py, cb, info, buf, last_len);
        let consumed = match result {
            Ok(Some(head_len)) => {
                head.clear();
                self.head = head;
                head_len - old
            }
            Ok(None) => {
                let used = if old == 0 {
                    head.extend_from_slice(avail);
                    avail.len()
                } else {
                    head.len() - old
                };
                self.last_len = head.len();
                self.head = head;
                used
            }
            Err(Stop::Upgrade(head_len)) => {
                head.clear();
                self.head = head;
                return Err(Stop::Upgrade(pos + head_len - old));
            }
            Err(e) => return Err(e),
        };
        Ok(pos + consumed)
    }

    /// Parses `buf`; when the head is complete, runs its callbacks and
    /// returns its length.
    fn head_parsed(
        &mut self,
        py: Python<'_>,
        cb: &Callbacks,
        info: &Info,
        buf: &[u8],
        last_len: usize,
    ) -> Result<Option<usize>, Stop> {
        let mut storage = [const { MaybeUninit::<Header<'_>>::uninit() }; MAX_HEADERS];
        match self.kind {
            Kind::Request => match self.config.parse_request_uninit(buf, last_len, &mut storage) {
                Ok(Status::Complete(req)) => {
                    let ri = framing::request_info(&req).map_err(|e| self.fail(Failure::framing(e)))?;
                    info.major.store(1, Relaxed);
                    info.minor.store(req.minor_version, Relaxed);
                    *info.method.lock().unwrap_or_else(|p| p.into_inner()) =
                        Some(intern::methods(py).bytes(py, req.method).unbind());
                    info.keep_alive.store(ri.keep_alive, Relaxed);
                    info.expect_continue.store(ri.expect == framing::Expect::Continue, Relaxed);
                    let upgrade = ri.upgrade.is_some() || ri.connect;
                    if let Err(e) = call_bytes(py, &cb.url, req.target) {
                        return Err(self.fail_callback(py, "on_url", e));
                    }
                    self.headers_done(py, cb, info, req.headers, upgrade, ri.keep_alive, ri.body, req.head_len)?;
                    Ok(Some(req.head_len))
                }
                Ok(Status::Partial) => Ok(None),
                Err(e) => Err(self.fail(Failure::head(e))),
            },
            Kind::Response => match self.config.parse_response_uninit(buf, last_len, &mut storage) {
                Ok(Status::Complete(resp)) => {
                    let body = framing::response_body(resp.minor_version, resp.code, resp.headers, b"")
                        .map_err(|e| self.fail(Failure::framing(e)))?;
                    let keep_alive = framing::keep_alive(resp.minor_version, resp.headers) && body != Body::UntilClose;
                    info.major.store(1, Relaxed);
                    info.minor.store(resp.minor_version, Relaxed);
                    info.status.store(resp.code, Relaxed);
                    info.keep_alive.store(keep_alive, Relaxed);
                    if let Err(e) = call_bytes(py, &cb.status, resp.reason) {
                        return Err(self.fail_callback(py, "on_status", e));
                    }
                    // llhttp's rule: a 101 that names the new protocol.
                    let upgrade = resp.code == 101
                        && framing::connection_tokens(resp.headers).upgrade
                        && resp.headers.iter().any(|h| h.name.eq_ignore_ascii_case(b"upgrade"));
                    self.headers_done(py, cb, info, resp.headers, upgrade, keep_alive, body, resp.head_len)?;
                    Ok(Some(resp.head_len))
                }
                Ok(Status::Partial) => Ok(None),
                Err(e) => Err(self.fail(Failure::head(e))),
            },
        }
    }

    /// The headers' callbacks, on_headers_complete, and the body state.
    #[allow(clippy::too_many_arguments)]
    fn headers_done(
        &mut self,
        py: Python<'_>,
        cb: &Callbacks,
        info: &Info,
        headers: &[Header<'_>],
        upgrade: bool,
        keep_alive: bool,
        body: Body,
        head_len: usize,
    ) -> Result<(), Stop> {
        if let Err(e) = call_headers(py, cb, &mut self.names, headers) {
            return Err(self.fail_callback(py, "on_header", e));
        }
        info.upgrade.store(upgrade, Relaxed);
        self.keep_alive = keep_alive;
        if let Err(e) = call0(py, &cb.headers_complete) {
            return Err(self.fail_callback(py, "on_headers_complete", e));
        }
        if upgrade {
            // The rest of the stream is another protocol: no body here.
            self.message_complete(py, cb)?;
            self.state = State::Start;
            return Err(Stop::Upgrade(head_len));
        }
        match body {
            Body::None | Body::ContentLength(0) => self.message_complete(py, cb)?,
            Body::ContentLength(n) => self.state = State::Length(n),
            Body::Chunked => {
                self.decoder = ChunkedDecoder::new(self.chunked);
                self.state = State::Chunked(Chunk::Framing);
            }
            Body::UntilClose => self.state = State::UntilClose,
        }
        Ok(())
    }

    fn message_complete(&mut self, py: Python<'_>, cb: &Callbacks) -> Result<(), Stop> {
        self.state = if self.keep_alive { State::Start } else { State::Closed };
        if let Err(e) = call0(py, &cb.message_complete) {
            return Err(self.fail_callback(py, "on_message_complete", e));
        }
        Ok(())
    }
}

/// Raises the HttpParserUpgrade for an upgrade at `offset`.
pub(crate) fn upgrade_err(offset: usize) -> PyErr {
    HttpParserUpgrade::new_err((offset,))
}
