//! One HTTP/1.1 connection: read a head, read its body into the app's
//! exchange, write the response with one `writev`, and again (keep-alive
//! and pipelining), until the connection closes.
//!
//! The connection is driven by readiness events and never blocks: each
//! call to [`Conn::drive`] reads, parses and writes until the socket would
//! block or the turn's budget is spent, so one busy client cannot starve
//! the worker's other connections.

use std::io;
use std::mem::MaybeUninit;
use std::time::{Duration, Instant};

use springbok_parser::chunked::{ChunkedConfig, ChunkedDecoder};
use springbok_parser::framing::{Body as Framing, Expect, FramingConfig};
use springbok_parser::{Header, ParserConfig, Status};

use crate::app::{has_body, App, Exchange, Response, Start};
use crate::clock::DateCache;
use crate::config::{Config, MAX_HEADERS_LIMIT};
use crate::net::Stream;
use crate::output::Output;

/// Initial size of a connection's input buffer.
const INITIAL_BUFFER: usize = 4096;
/// An input buffer grown past this is given back once it is empty.
const SHRINK_ABOVE: usize = 64 * 1024;
/// Size of the worker's body read buffer.
pub const SCRATCH: usize = 1024 * 1024;
/// Unsent output beyond which no more pipelined requests are processed
/// until the client reads.
const OUT_HIGH_WATER: usize = 256 * 1024;
/// Steps (one read, or one request) per turn before other connections get
/// theirs.
const TURN_BUDGET: u32 = 64;
/// Body bytes read per turn before other connections get theirs.
const TURN_BYTES: usize = 4 * SCRATCH;
/// How long a closing connection's input is read and discarded after the
/// final response, so that unread input does not turn the close into a
/// reset that destroys the response.
const LINGER: Duration = Duration::from_secs(2);
/// While a worker drains, a connection idle this long (or the keep-alive
/// timeout, if shorter) is closed.
pub const DRAIN_IDLE: Duration = Duration::from_secs(1);

/// What a worker's connections share.
pub struct Ctx {
    pub config: Config,
    pub parser: ParserConfig,
    /// RFC 9112 §3.2's Host rules, the missing Host included.
    pub framing: FramingConfig,
    pub chunked: ChunkedConfig,
    pub app: App,
    pub date: DateCache,
    /// The time of the current event-loop turn.
    pub now: Instant,
    /// The body read buffer.
    pub scratch: Vec<u8>,
    /// No more keep-alive: the worker is stopping.
    pub draining: bool,
    /// Responses written by this worker.
    pub served: u64,
}

impl Ctx {
    pub fn new(config: Config, app: App) -> Ctx {
        let mut parser = ParserConfig::new();
        parser.max_head_bytes = config.max_head_bytes;
        parser.max_target_len = config.max_target_bytes;
        parser.max_name_len = config.max_header_name_bytes;
        parser.max_value_len = config.max_header_value_bytes;
        let mut framing = FramingConfig::new();
        framing.require_host = true;
        let mut chunked = ChunkedConfig::new();
        chunked.max_body_bytes = config.max_body_bytes;
        chunked.trailers = springbok_parser::chunked::Trailers::Discard;
        Ctx {
            config,
            parser,
            framing,
            chunked,
            app,
            date: DateCache::new(),
            now: Instant::now(),
            scratch: vec![0; SCRATCH],
            draining: false,
            served: 0,
        }
    }
}

/// What the worker should do with a connection after [`Conn::drive`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flow {
    /// Wait for the next readiness event.
    Wait,
    /// Work is left (the turn's budget ran out): drive again soon.
    Again,
    /// Close it.
    Close,
}

/// The outcome of one step.
enum Step {
    /// Something was done; go on.
    Progress,
    /// The socket would block.
    Blocked,
    /// The connection is finished.
    Done,
}

/// How a request body is delimited.
enum BodyReader {
    Length(u64),
    Chunked(ChunkedDecoder),
}

/// A request whose body is being read.
struct InBody {
    exchange: Exchange,
    reader: BodyReader,
    reply: Reply,
}

/// How to write the response of the current request.
#[derive(Clone, Debug)]
struct Reply {
    keep_alive: bool,
    head_request: bool,
    http10: bool,
    /// `METHOD target` for the access log.
    log: Option<String>,
}

enum Phase {
    /// Waiting for a request head.
    Head,
    /// Reading a request body.
    Body(Box<InBody>),
    /// The last response is queued: send it, then close gracefully.
    Closing,
}

/// A parsed head, owned.
struct Ready {
    head_len: usize,
    start: Start,
    body: Framing,
    has_body: bool,
    expect_continue: bool,
    reply: Reply,
}

/// The outcome of parsing the buffered input.
enum Parsed {
    Partial,
    Bad(u16, String),
    Request(Box<Ready>),
}

/// A connection.
pub struct Conn {
    stream: Stream,
    /// Input; the unprocessed bytes are `buf[start..end]`.
    buf: Vec<u8>,
    start: usize,
    end: usize,
    /// The parser's `last_len` hint for the head being received.
    last_len: usize,
    phase: Phase,
    output: Output,
    /// The last read took less than it could: the socket is empty until
    /// the next readable event (so no read just to see `EAGAIN`).
    drained: bool,
    /// When the current wait began: accept, the last response, the first
    /// byte of a head, the last body progress, or the start of closing.
    since: Instant,
    /// No request completed yet (an idle fresh connection gets the head
    /// timeout, not the keep-alive one).
    fresh: bool,
    /// The write side was shut down (closing).
    shut: bool,
    /// Body bytes read in this turn.
    turn_bytes: usize,
}

impl Conn {
    pub fn new(stream: Stream, now: Instant) -> Conn {
        Conn {
            stream,
            buf: vec![0; INITIAL_BUFFER],
            start: 0,
            end: 0,
            last_len: 0,
            phase: Phase::Head,
            output: Output::default(),
            drained: false,
            since: now,
            fresh: true,
            shut: false,
            turn_bytes: 0,
        }
    }

    pub fn stream_mut(&mut self) -> &mut Stream {
        &mut self.stream
    }

    /// A readable event arrived: there may be input again.
    pub fn readable(&mut self) {
        self.drained = false;
    }

    /// Reads, parses, answers and writes until the socket would block or
    /// the turn's budget is spent.
    pub fn drive(&mut self, cx: &mut Ctx) -> Flow {
        let flow = self.steps(cx);
        // Responses staged for pipelined requests go out together.
        self.output.write_staged(&mut self.stream, cx.date.value(), cx.now);
        if self.output.broken {
            Flow::Close
        } else {
            flow
        }
    }

    fn steps(&mut self, cx: &mut Ctx) -> Flow {
        self.turn_bytes = 0;
        for _ in 0..TURN_BUDGET {
            if self.output.broken {
                return Flow::Close;
            }
            if self.turn_bytes >= TURN_BYTES {
                break;
            }
            if self.output.queued() > 0 {
                match self.output.flush(&mut self.stream, cx.now) {
                    Err(_) => return Flow::Close,
                    Ok(false) if matches!(self.phase, Phase::Closing) => return Flow::Wait,
                    Ok(false) if self.output.queued() >= OUT_HIGH_WATER => return Flow::Wait,
                    Ok(_) => {}
                }
            }
            let step = match self.phase {
                Phase::Head => self.head_step(cx),
                Phase::Body(_) => self.body_step(cx),
                Phase::Closing => self.closing_step(cx),
            };
            match step {
                Step::Progress => {}
                Step::Blocked => return Flow::Wait,
                Step::Done => return Flow::Close,
            }
        }
        Flow::Again
    }

    /// One read into `buf`, unless the last read showed the socket empty.
    fn recv(stream: &mut Stream, drained: &mut bool, buf: &mut [u8]) -> io::Result<usize> {
        if *drained {
            return Err(io::ErrorKind::WouldBlock.into());
        }
        let n = stream.read(buf)?;
        *drained = n > 0 && n < buf.len();
        Ok(n)
    }

    /// When this connection times out.
    pub fn deadline(&self, cx: &Ctx) -> Instant {
        let c = &cx.config;
        let phase = match self.phase {
            Phase::Head if self.start < self.end => self.since + c.head_timeout,
            Phase::Head if cx.draining => self.since + c.keepalive_timeout.min(DRAIN_IDLE),
            Phase::Head if self.fresh => self.since + c.head_timeout,
            Phase::Head => self.since + c.keepalive_timeout,
            Phase::Body(_) => self.since + c.body_timeout,
            Phase::Closing => self.since + LINGER,
        };
        match self.output.stalled_since {
            Some(w) => phase.min(w + c.write_timeout),
            None => phase,
        }
    }

    /// The deadline passed: a head or body not received in time gets 408;
    /// an idle, stuck or closing connection is closed.
    pub fn expire(&mut self, cx: &mut Ctx) -> Flow {
        if self.output.stalled_since.is_some_and(|w| cx.now >= w + cx.config.write_timeout) {
            return Flow::Close;
        }
        match self.phase {
            Phase::Head if self.start < self.end => {
                self.fail(cx, 408, "the request head did not arrive in time");
                self.drive(cx)
            }
            Phase::Body(_) => {
                self.fail(cx, 408, "the request body did not arrive in time");
                self.drive(cx)
            }
            _ => Flow::Close,
        }
    }

    /// Makes room for and reads more input into `buf[end..]`, at most
    /// `limit` bytes of buffer in all.
    fn read_input(&mut self, limit: usize) -> io::Result<usize> {
        if self.start > 0 {
            self.buf.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.start = 0;
        }
        if self.end == self.buf.len() {
            let grown = (self.buf.len() * 2).min(limit.max(self.end + 1));
            self.buf.resize(grown.max(self.end + 1), 0);
        }
        Self::recv(&mut self.stream, &mut self.drained, &mut self.buf[self.end..])
    }

    fn head_step(&mut self, cx: &mut Ctx) -> Step {
        if self.start < self.end {
            match self.parse_head(cx) {
                Parsed::Partial => {}
                Parsed::Bad(status, detail) => {
                    self.fail(cx, status, &detail);
                    return Step::Progress;
                }
                Parsed::Request(ready) => {
                    self.on_head(cx, *ready);
                    return Step::Progress;
                }
            }
        }
        // A head longer than the limit is reported by the parser once the
        // buffer reaches it: no need to read further.
        let limit = cx.parser.max_head_bytes + 1;
        match self.read_input(limit) {
            Ok(0) => Step::Done,
            Ok(n) => {
                if self.end == self.start && !self.fresh {
                    // The first byte of a request on a kept-alive
                    // connection: its head timeout starts now.
                    self.since = cx.now;
                }
                self.end += n;
                Step::Progress
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => Step::Blocked,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => Step::Progress,
            Err(_) => Step::Done,
        }
    }

    /// Parses the buffered head and asks the app what to do with it.
    fn parse_head(&mut self, cx: &mut Ctx) -> Parsed {
        let input = &self.buf[self.start..self.end];
        let mut storage = [const { MaybeUninit::<Header<'_>>::uninit() }; MAX_HEADERS_LIMIT];
        let headers = &mut storage[..cx.config.max_headers];
        let req = match cx.parser.parse_request_uninit(input, self.last_len, headers) {
            Ok(Status::Complete(req)) => req,
            Ok(Status::Partial) => {
                self.last_len = input.len();
                return Parsed::Partial;
            }
            Err(e) => return Parsed::Bad(e.status(), e.to_string()),
        };
        let info = match cx.framing.request_info(&req) {
            Ok(info) => info,
            Err(e) => return Parsed::Bad(e.status(), e.to_string()),
        };
        if info.expect == Expect::Other {
            return Parsed::Bad(417, "only 100-continue is supported in Expect".into());
        }
        if let Framing::ContentLength(n) = info.body {
            if n > cx.config.max_body_bytes {
                return Parsed::Bad(413, format!("body of {n} bytes is larger than --max-body-bytes"));
            }
        }
        let reply = Reply {
            keep_alive: info.keep_alive,
            head_request: req.method == b"HEAD",
            http10: req.minor_version == 0,
            log: cx
                .config
                .access_log
                .then(|| format!("{} {}", String::from_utf8_lossy(req.method), String::from_utf8_lossy(req.target))),
        };
        Parsed::Request(Box::new(Ready {
            head_len: req.head_len,
            start: cx.app.start(&req, &info),
            body: info.body,
            has_body: has_body(&info),
            expect_continue: info.expect == Expect::Continue,
            reply,
        }))
    }

    fn on_head(&mut self, cx: &mut Ctx, ready: Ready) {
        self.start += ready.head_len;
        self.last_len = 0;
        self.since = cx.now;
        let exchange = match ready.start {
            Start::Reject(mut response) => {
                response.close |= ready.has_body;
                self.respond(cx, response, ready.reply);
                return;
            }
            Start::Exchange(exchange) => exchange,
        };
        let reader = match ready.body {
            Framing::ContentLength(n) if n > 0 => BodyReader::Length(n),
            Framing::Chunked => BodyReader::Chunked(ChunkedDecoder::new(cx.chunked)),
            _ => {
                self.respond(cx, exchange.finish(), ready.reply);
                return;
            }
        };
        if ready.expect_continue && self.start == self.end {
            self.output.stage_raw(b"HTTP/1.1 100 Continue\r\n\r\n");
        }
        self.phase = Phase::Body(Box::new(InBody { exchange, reader, reply: ready.reply }));
    }

    fn body_step(&mut self, cx: &mut Ctx) -> Step {
        let Phase::Body(body) = &mut self.phase else { return Step::Progress };
        let mut complete = false;
        let error;
        if self.start < self.end {
            // Body bytes that came with the head (or after a chunk).
            match &mut body.reader {
                BodyReader::Length(remaining) => {
                    let n = (*remaining).min((self.end - self.start) as u64) as usize;
                    error = body.exchange.body(&self.buf[self.start..self.start + n]).err();
                    self.start += n;
                    *remaining -= n as u64;
                    complete = *remaining == 0;
                }
                BodyReader::Chunked(decoder) => match decoder.decode(&mut self.buf[self.start..self.end]) {
                    Ok(d) => {
                        error = body.exchange.body(&self.buf[self.start..self.start + d.data]).err();
                        if d.complete {
                            complete = true;
                            self.start += d.data + d.trailer;
                            self.end = self.start + d.leftover;
                        } else {
                            self.start = self.end;
                        }
                    }
                    Err(e) => error = Some(Response::error(e.status(), &format!("chunked body: {e:?}"))),
                },
            }
        } else {
            let want = match &body.reader {
                BodyReader::Length(remaining) => (*remaining).min(SCRATCH as u64) as usize,
                BodyReader::Chunked(_) => SCRATCH,
            };
            let n = match Self::recv(&mut self.stream, &mut self.drained, &mut cx.scratch[..want]) {
                Ok(0) => return Step::Done,
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Step::Blocked,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => return Step::Progress,
                Err(_) => return Step::Done,
            };
            self.since = cx.now;
            self.turn_bytes += n;
            match &mut body.reader {
                BodyReader::Length(remaining) => {
                    error = body.exchange.body(&cx.scratch[..n]).err();
                    *remaining -= n as u64;
                    complete = *remaining == 0;
                }
                BodyReader::Chunked(decoder) => match decoder.decode(&mut cx.scratch[..n]) {
                    Ok(d) => {
                        error = body.exchange.body(&cx.scratch[..d.data]).err();
                        if d.complete {
                            complete = true;
                            // What follows the body is the next request.
                            let rest = &cx.scratch[d.data + d.trailer..d.data + d.trailer + d.leftover];
                            self.start = 0;
                            self.end = 0;
                            if self.buf.len() < rest.len() {
                                self.buf.resize(rest.len(), 0);
                            }
                            self.buf[..rest.len()].copy_from_slice(rest);
                            self.end = rest.len();
                        }
                    }
                    Err(e) => error = Some(Response::error(e.status(), &format!("chunked body: {e:?}"))),
                },
            }
        }
        if let Some(response) = error {
            let Phase::Body(body) = std::mem::replace(&mut self.phase, Phase::Closing) else { unreachable!() };
            self.respond(cx, response, body.reply);
        } else if complete {
            let Phase::Body(body) = std::mem::replace(&mut self.phase, Phase::Head) else { unreachable!() };
            let InBody { exchange, reply, .. } = *body;
            self.respond(cx, exchange.finish(), reply);
        }
        Step::Progress
    }

    fn closing_step(&mut self, cx: &mut Ctx) -> Step {
        self.output.write_staged(&mut self.stream, cx.date.value(), cx.now);
        if self.output.queued() > 0 {
            return Step::Blocked;
        }
        if !self.shut {
            self.shut = true;
            if self.stream.shutdown_write().is_err() {
                return Step::Done;
            }
        }
        match Self::recv(&mut self.stream, &mut self.drained, &mut cx.scratch) {
            Ok(0) => Step::Done,
            Ok(_) => Step::Progress,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => Step::Blocked,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => Step::Progress,
            Err(_) => Step::Done,
        }
    }

    /// Answers a request that cannot be served with `status` and closes.
    fn fail(&mut self, cx: &mut Ctx, status: u16, detail: &str) {
        let reply = match std::mem::replace(&mut self.phase, Phase::Head) {
            Phase::Body(body) => body.reply,
            _ => Reply { keep_alive: false, head_request: false, http10: false, log: None },
        };
        self.respond(cx, Response::error(status, detail), reply);
    }

    /// Stages `response` (written when the buffered requests are
    /// answered, see [`Output`]) and moves on to the next request, or to
    /// closing.
    fn respond(&mut self, cx: &mut Ctx, response: Response, reply: Reply) {
        let close = response.close || !reply.keep_alive || cx.draining;
        if let Some(line) = reply.log {
            crate::log!("{line} {} {}", response.status, response.body.as_bytes().len());
        }
        let full = self.output.stage(response, close, reply.http10 && !close, reply.head_request);
        if full {
            self.output.write_staged(&mut self.stream, cx.date.value(), cx.now);
        }
        cx.served += 1;
        self.since = cx.now;
        self.fresh = false;
        self.phase = if close { Phase::Closing } else { Phase::Head };
        if self.start == self.end && self.buf.len() > SHRINK_ABOVE {
            // One large head does not keep its buffer for the connection's life.
            self.buf = vec![0; INITIAL_BUFFER];
            self.start = 0;
            self.end = 0;
        }
    }
}
