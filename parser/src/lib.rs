//! A strict, zero-copy, incremental HTTP/1.1 parser in the picohttpparser
//! mould.
//!
//! `springbok-parser` parses a request head, a response head, or a bare
//! header block (trailers, multipart part headers) from a byte slice into
//! header storage the caller provides. It never allocates and never copies:
//! every method, target, name and value is a slice of the input.
//!
//! * **Strict by default.** [`ParserConfig::new`] follows RFC 9112 to the
//!   letter: CRLF line endings, one SP between start-line parts, `HTTP/1.0`
//!   and `HTTP/1.1` only (`HTTP/1.2` to `HTTP/1.9` processed as 1.1, as
//!   RFC 9110 §6.2 says), a request-target whose form fits the method,
//!   `tchar` header names with no whitespace before the colon, no obs-fold,
//!   no control bytes anywhere. Each leniency peers have
//!   is a named flag on [`ParserConfig`], documented with the peer it
//!   matches.
//! * **Precise errors.** An [`Error`] carries an [`ErrorKind`] and the byte
//!   offset; [`ErrorKind::status`] says whether to answer 400, 414, 431 or
//!   505.
//! * **Bounded.** Head size, target length, name and value length are limits
//!   on [`ParserConfig`]; the header count is the length of the storage.
//! * **Incremental.** Pass the previous buffer length as `last_len` (as with
//!   picohttpparser) and a head that arrives a byte at a time is still
//!   parsed in linear time: until the end of the head has arrived, only the
//!   new bytes are looked at.
//!
//! # Example
//!
//! ```
//! use springbok_parser::{parse_request, Status, EMPTY_HEADER};
//!
//! let buf = b"GET /index.html?q=1 HTTP/1.1\r\nHost: example.com\r\nAccept: */*\r\n\r\nbody";
//! let mut headers = [EMPTY_HEADER; 16];
//! match parse_request(buf, &mut headers) {
//!     Ok(Status::Complete(req)) => {
//!         assert_eq!(req.method, b"GET");
//!         assert_eq!(req.target, b"/index.html?q=1");
//!         assert_eq!(req.minor_version, 1);
//!         assert_eq!(req.headers[0].name, b"Host");
//!         assert_eq!(req.headers[0].value, b"example.com");
//!         assert_eq!(&buf[req.head_len..], b"body");
//!     }
//!     Ok(Status::Partial) => { /* read more, call again with last_len */ }
//!     Err(e) => panic!("answer {} ({e})", e.status()),
//! }
//! ```
//!
//! # Reading from a socket
//!
//! ```
//! use springbok_parser::{ParserConfig, Status, EMPTY_HEADER};
//!
//! let config = ParserConfig::new();
//! let packets: [&[u8]; 3] = [b"GET / HT", b"TP/1.1\r\nHost: a\r", b"\n\r\n"];
//! let mut buf = Vec::new();
//! let mut last_len = 0;
//! for packet in packets {
//!     buf.extend_from_slice(packet);
//!     let mut headers = [EMPTY_HEADER; 32];
//!     match config.parse_request(&buf, last_len, &mut headers) {
//!         Ok(Status::Complete(req)) => {
//!             assert_eq!(req.head_len, buf.len());
//!             break;
//!         }
//!         Ok(Status::Partial) => last_len = buf.len(),
//!         Err(e) => panic!("{e}"),
//!     }
//! }
//! ```
#![no_std]
#![deny(missing_docs)]
#![deny(unsafe_op_in_unsafe_fn)]

#[cfg(test)]
extern crate std;

pub mod chunked;
mod class;
mod config;
pub mod env;
mod error;
mod fast;
mod field;
pub mod framing;
mod grammar;
pub mod response_head;
mod scan;
pub mod simd;
mod sink;
#[cfg(test)]
mod strictness_tests;
#[cfg(test)]
mod tests;
mod uri;

use core::marker::PhantomData;
use core::mem::MaybeUninit;

pub use config::{ObsFold, ParserConfig, MAX_LEADING_EMPTY_LINES};
pub use error::{Error, ErrorKind};
use fast::StartLine;
use grammar::{RequestLine, StatusLine, Step};
use sink::{Slot, Slots};

/// One header field: name and value, both slices of the parsed buffer.
///
/// The value has its leading and trailing whitespace removed. A header with
/// an empty name is an obs-fold continuation line, produced only with
/// [`ObsFold::Continuation`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Header<'b> {
    /// The field name, as sent (not case-folded).
    pub name: &'b [u8],
    /// The field value, without surrounding whitespace.
    pub value: &'b [u8],
}

/// An empty header, for initialising header storage:
/// `[EMPTY_HEADER; 64]`.
pub const EMPTY_HEADER: Header<'static> = Header { name: b"", value: b"" };

/// The result of a successful parse call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status<T> {
    /// The head is complete.
    Complete(T),
    /// The buffer ends before the head does: read more and call again.
    Partial,
}

impl<T> Status<T> {
    /// Whether this is [`Status::Complete`].
    pub fn is_complete(&self) -> bool {
        matches!(self, Status::Complete(_))
    }

    /// The complete value, or `None` when partial.
    pub fn complete(self) -> Option<T> {
        match self {
            Status::Complete(t) => Some(t),
            Status::Partial => None,
        }
    }
}

/// A parsed request head.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Request<'b, 'h> {
    /// The method token, e.g. `GET`.
    pub method: &'b [u8],
    /// The request-target exactly as sent, e.g. `/search?q=1`, in a form
    /// that fits the method (RFC 9112 §3.2).
    pub target: &'b [u8],
    /// `0` for HTTP/1.0, `1` for HTTP/1.1 and for HTTP/1.2 to HTTP/1.9,
    /// which are processed as HTTP/1.1 (RFC 9110 §6.2).
    pub minor_version: u8,
    /// The headers, in order.
    pub headers: &'h [Header<'b>],
    /// Length of the head in bytes, including the final empty line: the body
    /// (or the next pipelined request) starts at `buf[head_len..]`.
    pub head_len: usize,
}

/// A parsed response head.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Response<'b, 'h> {
    /// `0` for HTTP/1.0, `1` for HTTP/1.1 and for HTTP/1.2 to HTTP/1.9,
    /// which are processed as HTTP/1.1 (RFC 9110 §6.2).
    pub minor_version: u8,
    /// The status code, `100..=999`.
    pub code: u16,
    /// The reason phrase as sent (possibly empty).
    pub reason: &'b [u8],
    /// The headers, in order.
    pub headers: &'h [Header<'b>],
    /// Length of the head in bytes, including the final empty line.
    pub head_len: usize,
}

/// A parsed header block (trailers, multipart part headers).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HeaderBlock<'b, 'h> {
    /// The headers, in order.
    pub headers: &'h [Header<'b>],
    /// Length of the block in bytes, including the final empty line.
    pub len: usize,
}

#[cfg(test)]
pub(crate) mod work {
    //! Test-only accounting of bytes looked at by the entry points, to prove
    //! that incremental parsing is linear.
    use core::cell::Cell;
    std::thread_local!(static SCANNED: Cell<usize> = const { Cell::new(0) });
    pub(crate) fn add(n: usize) {
        SCANNED.with(|c| c.set(c.get() + n));
    }
    pub(crate) fn take() -> usize {
        SCANNED.with(|c| c.replace(0))
    }
}

/// [`ParserConfig::parse_request`], [`ParserConfig::parse_response`] and
/// [`ParserConfig::parse_headers`] as a [`fast::Job`]: the whole call, from
/// the head-size limit to the result, in one function per backend. `L` is
/// the start line ([`fast::NoLine`] for a header block).
struct ParseHead<'c, 'b, 'h, T, L> {
    config: &'c ParserConfig,
    buf: &'b [u8],
    last_len: usize,
    slots: &'h mut [T],
    line: PhantomData<L>,
}

impl<'c, 'b, 'h, T, L> ParseHead<'c, 'b, 'h, T, L> {
    /// The job of parsing the head in `buf` into `slots`.
    fn new(config: &'c ParserConfig, buf: &'b [u8], last_len: usize, slots: &'h mut [T]) -> Self {
        ParseHead { config, buf, last_len, slots, line: PhantomData }
    }
}

/// Parses the head in `buf` into `slots` with the active backend: the
/// entry points' one call.
///
/// The parts go to the backend's function as arguments, in registers.
/// Through [`fast::with_active`] the job is a struct that the caller
/// stores and the backend's function loads again, six words each way on
/// every head, and the backend is picked by a jump table. (With AVX2 this
/// took 2 to 8% off heads of at most one header line, in A/B runs of the
/// `count` example.)
#[inline(always)]
fn parse_head<'b: 'h, 'h, T: Slot<'b>, L: Line<'b>>(
    config: &ParserConfig,
    buf: &'b [u8],
    last_len: usize,
    slots: &'h mut [T],
) -> Result<Status<L::Head<'h>>, Error> {
    #[cfg(any(target_arch = "x86_64", target_arch = "x86"))]
    match simd::chosen() {
        // SAFETY: `simd::active` chooses `Avx2` only when the CPU has AVX2,
        // BMI1 and BMI2.
        Some(simd::Backend::Avx2) => return unsafe { parse_head_avx2::<T, L>(config, buf, last_len, slots) },
        // SAFETY: `simd::active` chooses `Sse42` only when the CPU has
        // SSE4.2 and SSSE3.
        Some(simd::Backend::Sse42) => return unsafe { parse_head_ssse3::<T, L>(config, buf, last_len, slots) },
        _ => {}
    }
    // NEON (baseline where it compiles), scalar, or no choice yet.
    fast::with_active(ParseHead::<_, L>::new(config, buf, last_len, slots))
}

/// Defines [`parse_head`]'s function for one x86 backend: the job run with
/// `$kernels`, compiled with `$features`.
macro_rules! parse_head_with {
    ($name:ident, $kernels:ty, $features:literal, $cpu:literal) => {
        #[doc = concat!("[`parse_head`] with the ", $cpu, " kernels.")]
        ///
        /// # Safety
        #[doc = concat!("The CPU must support ", $cpu, ".")]
        #[cfg(any(target_arch = "x86_64", target_arch = "x86"))]
        #[target_feature(enable = $features)]
        unsafe fn $name<'b: 'h, 'h, T: Slot<'b>, L: Line<'b>>(
            config: &ParserConfig,
            buf: &'b [u8],
            last_len: usize,
            slots: &'h mut [T],
        ) -> Result<Status<L::Head<'h>>, Error> {
            use fast::Job;
            // SAFETY: passed on from the caller.
            unsafe { ParseHead::<_, L>::new(config, buf, last_len, slots).run::<$kernels>() }
        }
    };
}

parse_head_with!(parse_head_avx2, simd::x86::Avx2Blocks, "avx2,bmi1,bmi2", "AVX2, BMI1 and BMI2");
parse_head_with!(parse_head_ssse3, simd::x86::SsseBlocks, "sse2,ssse3", "SSSE3");

/// A [`StartLine`] and whether it starts a response, for the
/// response-only leniencies.
trait Line<'b>: StartLine<'b> {
    /// The line is a status line.
    const RESPONSE: bool;
}

impl<'b> Line<'b> for RequestLine<'b> {
    const RESPONSE: bool = false;
}

impl<'b> Line<'b> for StatusLine<'b> {
    const RESPONSE: bool = true;
}

impl<'b> Line<'b> for fast::NoLine {
    const RESPONSE: bool = false;
}

impl<'b: 'h, 'h, T: Slot<'b>, L: Line<'b>> fast::Job for ParseHead<'_, 'b, 'h, T, L> {
    type Output = Result<Status<L::Head<'h>>, Error>;

    #[inline(always)]
    unsafe fn run<K: fast::Kernels>(&mut self) -> Self::Output {
        let (config, buf, last_len) = (self.config, self.buf, self.last_len);
        let slots = core::mem::take(&mut self.slots);
        let Some((head, over_limit)) = config.limit(buf, last_len, L::BLOCK) else {
            return Ok(Status::Partial);
        };
        let mut sink = Slots::new(slots);
        // SAFETY: the caller guarantees that the CPU supports `K`.
        match unsafe { fast::head::<K, L, _>(head, config, &mut sink) } {
            fast::HeadSoFar::Head(line, head_len) => Ok(Status::Complete(line.with(sink.into_filled(), head_len))),
            so_far => config.finish_head(head, over_limit, sink, so_far),
        }
    }
}

impl ParserConfig {
    /// The part of `buf` to parse under this configuration's head-size
    /// limit, and whether `buf` reached the limit; `None` while `last_len`
    /// shows that the head cannot be complete yet.
    #[inline(always)]
    fn limit<'b>(&self, buf: &'b [u8], last_len: usize, block: bool) -> Option<(&'b [u8], bool)> {
        let limited = &buf[..buf.len().min(self.max_head_bytes)];
        let over_limit = buf.len() >= self.max_head_bytes;
        if last_len != 0 && last_len < limited.len() {
            // A head end (`\n\n` or `\n\r\n`) not seen before must end in a
            // new byte, so its LF is at `last_len - 2` or later.
            let from = last_len.saturating_sub(2);
            #[cfg(test)]
            work::add(limited.len() - from);
            if !over_limit && !grammar::may_be_complete(limited, from, block) {
                return None;
            }
        }
        #[cfg(test)]
        work::add(limited.len());
        Some((limited, over_limit))
    }

    /// The entry points' result for a parsing step's: a head not complete
    /// is partial, or too large when `buf` reached the limit.
    #[inline(always)]
    fn status<T>(&self, step: Step<T>, over_limit: bool) -> Result<Status<T>, Error> {
        match step? {
            Some(t) => Ok(Status::Complete(t)),
            None if over_limit => Err(Error::new(ErrorKind::HeadTooLarge, self.max_head_bytes)),
            None => Ok(Status::Partial),
        }
    }

    /// [`parse_request`](Self::parse_request),
    /// [`parse_response`](Self::parse_response) or
    /// [`parse_headers`](Self::parse_headers) where the fast path stopped
    /// short of the head's end (see [`fast::general_head`]).
    #[cold]
    #[inline(never)]
    fn finish_head<'b: 'h, 'h, T: Slot<'b>, L: Line<'b>>(
        &self,
        head: &'b [u8],
        over_limit: bool,
        mut sink: Slots<'h, T>,
        so_far: fast::HeadSoFar<L>,
    ) -> Result<Status<L::Head<'h>>, Error> {
        // The header grammar is shared with requests and header blocks: a
        // copy marked for a response lets it apply the response-only
        // leniency. (Lines with whitespace before a colon always come here,
        // never through the fast path.)
        let marked;
        let config = if L::RESPONSE && self.allow_space_before_colon_in_responses {
            marked = ParserConfig { in_response: true, ..*self };
            &marked
        } else {
            self
        };
        let step = fast::general_head(head, config, &mut sink, so_far);
        Ok(match self.status(step, over_limit)? {
            Status::Complete((line, head_len)) => Status::Complete(line.with(sink.into_filled(), head_len)),
            Status::Partial => Status::Partial,
        })
    }

    /// Parses a request head from the start of `buf` into `headers`.
    ///
    /// `last_len` is the length `buf` had at the previous call that returned
    /// [`Status::Partial`] for this same request, or 0 for the first call:
    /// with it, a call on a buffer that still cannot hold a whole head looks
    /// only at the new bytes. A request with more headers than
    /// `headers.len()` fails with [`ErrorKind::TooManyHeaders`].
    pub fn parse_request<'b, 'h>(
        &self,
        buf: &'b [u8],
        last_len: usize,
        headers: &'h mut [Header<'b>],
    ) -> Result<Status<Request<'b, 'h>>, Error> {
        parse_head::<_, RequestLine<'b>>(self, buf, last_len, headers)
    }

    /// [`parse_request`](Self::parse_request) into storage that need not be
    /// initialised (no `[EMPTY_HEADER; N]` fill on every request).
    pub fn parse_request_uninit<'b, 'h>(
        &self,
        buf: &'b [u8],
        last_len: usize,
        headers: &'h mut [MaybeUninit<Header<'b>>],
    ) -> Result<Status<Request<'b, 'h>>, Error> {
        parse_head::<_, RequestLine<'b>>(self, buf, last_len, headers)
    }

    /// Parses a response head from the start of `buf` into `headers`;
    /// `last_len` as for [`parse_request`](Self::parse_request).
    pub fn parse_response<'b, 'h>(
        &self,
        buf: &'b [u8],
        last_len: usize,
        headers: &'h mut [Header<'b>],
    ) -> Result<Status<Response<'b, 'h>>, Error> {
        parse_head::<_, StatusLine<'b>>(self, buf, last_len, headers)
    }

    /// [`parse_response`](Self::parse_response) into storage that need not
    /// be initialised.
    pub fn parse_response_uninit<'b, 'h>(
        &self,
        buf: &'b [u8],
        last_len: usize,
        headers: &'h mut [MaybeUninit<Header<'b>>],
    ) -> Result<Status<Response<'b, 'h>>, Error> {
        parse_head::<_, StatusLine<'b>>(self, buf, last_len, headers)
    }

    /// Parses a bare header block — header lines ended by an empty line, no
    /// start line — as found in chunked trailers and multipart part heads.
    /// An empty block (`"\r\n"`) is valid and has no headers.
    /// [`max_head_bytes`](ParserConfig::max_head_bytes) bounds the block.
    pub fn parse_headers<'b, 'h>(
        &self,
        buf: &'b [u8],
        last_len: usize,
        headers: &'h mut [Header<'b>],
    ) -> Result<Status<HeaderBlock<'b, 'h>>, Error> {
        parse_head::<_, fast::NoLine>(self, buf, last_len, headers)
    }

    /// [`parse_headers`](Self::parse_headers) into storage that need not be
    /// initialised.
    pub fn parse_headers_uninit<'b, 'h>(
        &self,
        buf: &'b [u8],
        last_len: usize,
        headers: &'h mut [MaybeUninit<Header<'b>>],
    ) -> Result<Status<HeaderBlock<'b, 'h>>, Error> {
        parse_head::<_, fast::NoLine>(self, buf, last_len, headers)
    }
}

/// Parses a request head with the strict default [`ParserConfig`], in one
/// go (`last_len` 0). See [`ParserConfig::parse_request`].
pub fn parse_request<'b, 'h>(buf: &'b [u8], headers: &'h mut [Header<'b>]) -> Result<Status<Request<'b, 'h>>, Error> {
    ParserConfig::new().parse_request(buf, 0, headers)
}

/// Parses a response head with the strict default [`ParserConfig`]. See
/// [`ParserConfig::parse_response`].
pub fn parse_response<'b, 'h>(buf: &'b [u8], headers: &'h mut [Header<'b>]) -> Result<Status<Response<'b, 'h>>, Error> {
    ParserConfig::new().parse_response(buf, 0, headers)
}

/// Parses a header block with the strict default [`ParserConfig`]. See
/// [`ParserConfig::parse_headers`].
pub fn parse_headers<'b, 'h>(
    buf: &'b [u8],
    headers: &'h mut [Header<'b>],
) -> Result<Status<HeaderBlock<'b, 'h>>, Error> {
    ParserConfig::new().parse_headers(buf, 0, headers)
}

/// Splits a header value parsed with [`ObsFold::Span`] at its folds: the
/// pieces, with the whitespace around each fold removed, are what RFC 9112
/// §5.2 says to join with one SP each. A value without folds yields itself.
///
/// ```
/// use springbok_parser::unfold;
///
/// let pieces: Vec<&[u8]> = unfold(b"first,\r\n  second").collect();
/// assert_eq!(pieces, [&b"first,"[..], b"second"]);
/// ```
pub fn unfold(value: &[u8]) -> Unfold<'_> {
    Unfold { rest: Some(value) }
}

/// Iterator returned by [`unfold`].
#[derive(Clone, Debug)]
pub struct Unfold<'a> {
    rest: Option<&'a [u8]>,
}

impl<'a> Iterator for Unfold<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        let rest = self.rest?;
        let (piece, after) = match memchr::memchr(b'\n', rest) {
            Some(lf) => (&rest[..lf], Some(&rest[lf + 1..])),
            None => (rest, None),
        };
        self.rest = after;
        Some(trim(piece))
    }
}

fn trim(mut s: &[u8]) -> &[u8] {
    while let [b' ' | b'\t' | b'\r', rest @ ..] = s {
        s = rest;
    }
    while let [rest @ .., b' ' | b'\t' | b'\r'] = s {
        s = rest;
    }
    s
}
