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
mod field;
pub mod framing;
mod grammar;
mod head;
pub mod response_head;
mod scan;
pub mod simd;
mod storage;
#[cfg(test)]
mod strictness_tests;
#[cfg(test)]
mod tests;
mod uri;

use core::mem::MaybeUninit;

pub use config::{ObsFold, ParserConfig, MAX_LEADING_EMPTY_LINES};
pub use error::{Error, ErrorKind};
pub use grammar::{RequestLine, StatusLine};
use head::{Slices, Sunk};
pub use storage::FromHeader;

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

/// Where a parse into header storage of the caller's own layout
/// ([`ParserConfig::parse_request_into`] and its twins) hands its outcome:
/// the sink writes it where the caller wants it and returns what the
/// caller wants back. It runs inside the parser's backend function, so an
/// outcome written straight to its destination is never stored and loaded
/// back on the way (the C ABI writes its output pointers and returns
/// picohttpparser's `int` this way).
///
/// `L` is the start line: [`RequestLine`], [`StatusLine`], or `()` for a
/// header block. Exactly one method is called, once.
pub trait HeadSink<L> {
    /// What the parse returns.
    type Output;

    /// A complete head: its start line, how many header slots were filled
    /// (the first `num_headers`), and its length in bytes including the
    /// final empty line.
    fn complete(self, line: L, num_headers: usize, head_len: usize) -> Self::Output;

    /// The buffer ends before the head does: read more and call again.
    fn partial(self) -> Self::Output;

    /// The head is invalid (or has more headers than slots).
    fn invalid(self, error: Error) -> Self::Output;
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

impl ParserConfig {
    /// Parses a request head from the start of `buf` into `headers`.
    ///
    /// `last_len` is the length `buf` had at the previous call that returned
    /// [`Status::Partial`] for this same request, or 0 for the first call:
    /// with it, a call on a buffer that still cannot hold a whole head looks
    /// only at the new bytes. A request with more headers than
    /// `headers.len()` fails with [`ErrorKind::TooManyHeaders`].
    #[inline]
    pub fn parse_request<'b, 'h>(
        &self,
        buf: &'b [u8],
        last_len: usize,
        headers: &'h mut [Header<'b>],
    ) -> Result<Status<Request<'b, 'h>>, Error> {
        head::parse::<_, RequestLine<'b>, _>(self, buf, last_len, headers, Slices)
    }

    /// [`parse_request`](Self::parse_request) into storage that need not be
    /// initialised (no `[EMPTY_HEADER; N]` fill on every request).
    #[inline]
    pub fn parse_request_uninit<'b, 'h>(
        &self,
        buf: &'b [u8],
        last_len: usize,
        headers: &'h mut [MaybeUninit<Header<'b>>],
    ) -> Result<Status<Request<'b, 'h>>, Error> {
        head::parse::<_, RequestLine<'b>, _>(self, buf, last_len, headers, Slices)
    }

    /// Parses a response head from the start of `buf` into `headers`;
    /// `last_len` as for [`parse_request`](Self::parse_request).
    #[inline]
    pub fn parse_response<'b, 'h>(
        &self,
        buf: &'b [u8],
        last_len: usize,
        headers: &'h mut [Header<'b>],
    ) -> Result<Status<Response<'b, 'h>>, Error> {
        head::parse::<_, StatusLine<'b>, _>(self, buf, last_len, headers, Slices)
    }

    /// [`parse_response`](Self::parse_response) into storage that need not
    /// be initialised.
    #[inline]
    pub fn parse_response_uninit<'b, 'h>(
        &self,
        buf: &'b [u8],
        last_len: usize,
        headers: &'h mut [MaybeUninit<Header<'b>>],
    ) -> Result<Status<Response<'b, 'h>>, Error> {
        head::parse::<_, StatusLine<'b>, _>(self, buf, last_len, headers, Slices)
    }

    /// Parses a bare header block — header lines ended by an empty line, no
    /// start line — as found in chunked trailers and multipart part heads.
    /// An empty block (`"\r\n"`) is valid and has no headers.
    /// [`max_head_bytes`](ParserConfig::max_head_bytes) bounds the block.
    #[inline]
    pub fn parse_headers<'b, 'h>(
        &self,
        buf: &'b [u8],
        last_len: usize,
        headers: &'h mut [Header<'b>],
    ) -> Result<Status<HeaderBlock<'b, 'h>>, Error> {
        head::parse::<_, head::NoLine, _>(self, buf, last_len, headers, Slices)
    }

    /// [`parse_headers`](Self::parse_headers) into storage that need not be
    /// initialised.
    #[inline]
    pub fn parse_headers_uninit<'b, 'h>(
        &self,
        buf: &'b [u8],
        last_len: usize,
        headers: &'h mut [MaybeUninit<Header<'b>>],
    ) -> Result<Status<HeaderBlock<'b, 'h>>, Error> {
        head::parse::<_, head::NoLine, _>(self, buf, last_len, headers, Slices)
    }

    /// [`parse_request`](Self::parse_request) into header storage of
    /// another layout: the parser writes each header as
    /// [`S::from_header`](FromHeader::from_header) makes it and tells
    /// `sink` the outcome, whose answer it returns. On a partial or invalid
    /// head, some slots may have been written.
    ///
    /// ```
    /// use std::mem::MaybeUninit;
    /// use springbok_parser::{Error, FromHeader, HeadSink, Header, ParserConfig, RequestLine};
    ///
    /// /// Keeps header names only.
    /// #[derive(Clone, Copy)]
    /// struct Name<'b>(&'b [u8]);
    ///
    /// impl<'b> FromHeader<'b> for Name<'b> {
    ///     fn from_header(header: Header<'b>) -> Self {
    ///         Name(header.name)
    ///     }
    /// }
    ///
    /// /// Answers the method and the header count, or `None`.
    /// struct Summary;
    ///
    /// impl<'b> HeadSink<RequestLine<'b>> for Summary {
    ///     type Output = Option<(&'b [u8], usize)>;
    ///     fn complete(self, line: RequestLine<'b>, num_headers: usize, _: usize) -> Self::Output {
    ///         Some((line.method, num_headers))
    ///     }
    ///     fn partial(self) -> Self::Output {
    ///         None
    ///     }
    ///     fn invalid(self, _: Error) -> Self::Output {
    ///         None
    ///     }
    /// }
    ///
    /// let buf = b"GET / HTTP/1.1\r\nHost: a\r\nAccept: */*\r\n\r\n";
    /// let mut names = [MaybeUninit::<Name>::uninit(); 3];
    /// let parsed = ParserConfig::new().parse_request_into(buf, 0, &mut names, Summary);
    /// assert_eq!(parsed, Some((&b"GET"[..], 2)));
    /// // SAFETY: `complete` said that the first two slots were written.
    /// let (first, second) = unsafe { (names[0].assume_init(), names[1].assume_init()) };
    /// assert_eq!((first.0, second.0), (&b"Host"[..], &b"Accept"[..]));
    /// ```
    #[inline(always)]
    pub fn parse_request_into<'b, S: FromHeader<'b>, K: HeadSink<RequestLine<'b>>>(
        &self,
        buf: &'b [u8],
        last_len: usize,
        headers: &mut [MaybeUninit<S>],
        sink: K,
    ) -> K::Output {
        head::parse::<_, RequestLine<'b>, _>(self, buf, last_len, headers, Sunk(sink))
    }

    /// [`parse_response`](Self::parse_response) into header storage of any
    /// layout; see [`parse_request_into`](Self::parse_request_into).
    #[inline(always)]
    pub fn parse_response_into<'b, S: FromHeader<'b>, K: HeadSink<StatusLine<'b>>>(
        &self,
        buf: &'b [u8],
        last_len: usize,
        headers: &mut [MaybeUninit<S>],
        sink: K,
    ) -> K::Output {
        head::parse::<_, StatusLine<'b>, _>(self, buf, last_len, headers, Sunk(sink))
    }

    /// [`parse_headers`](Self::parse_headers) into header storage of any
    /// layout; see [`parse_request_into`](Self::parse_request_into). The
    /// sink's start line is `()`.
    #[inline(always)]
    pub fn parse_headers_into<'b, S: FromHeader<'b>, K: HeadSink<()>>(
        &self,
        buf: &'b [u8],
        last_len: usize,
        headers: &mut [MaybeUninit<S>],
        sink: K,
    ) -> K::Output {
        head::parse::<_, head::NoLine, _>(self, buf, last_len, headers, Sunk(sink))
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
