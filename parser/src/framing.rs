//! Body framing and connection semantics of a parsed head (RFC 9112 §6,
//! §9.3; RFC 9110 §7.6.1, §7.8, §10.1.1): how long the body is, whether the
//! connection stays open, `Expect: 100-continue`, and `Upgrade`.
//!
//! The framing decision is where request smuggling happens, so every
//! ambiguous combination is an error here rather than a guess: a
//! Transfer-Encoding next to a Content-Length, a request whose last transfer
//! coding is not `chunked`, `chunked` twice or with parameters, Content-Length
//! values that are empty, signed, non-numeric, overflowing or in conflict,
//! and Transfer-Encoding in an HTTP/1.0 message.
//!
//! ```
//! use springbok_parser::{parse_request, framing::{self, Body}, EMPTY_HEADER};
//!
//! let buf = b"POST /upload HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n";
//! let mut headers = [EMPTY_HEADER; 8];
//! let req = parse_request(buf, &mut headers).unwrap().complete().unwrap();
//! let info = framing::request_info(&req).unwrap();
//! assert_eq!(info.body, Body::Chunked);
//! assert!(info.keep_alive);
//!
//! let smuggle = b"POST / HTTP/1.1\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n";
//! let req = parse_request(smuggle, &mut headers).unwrap().complete().unwrap();
//! let err = framing::request_body(req.minor_version, req.headers).unwrap_err();
//! assert_eq!(err.kind(), framing::FramingErrorKind::TransferEncodingWithContentLength);
//! assert_eq!(err.status(), 400);
//! ```

use core::fmt;

use crate::class::{self, TCHAR};
use crate::{Header, Request};

/// How the body of a message is delimited.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Body {
    /// No body: a request without Content-Length or Transfer-Encoding, or a
    /// response that cannot have one (1xx, 204, 304, a reply to HEAD, a 2xx
    /// reply to CONNECT).
    None,
    /// Exactly this many bytes follow the head.
    ContentLength(u64),
    /// The chunked transfer coding: decode with
    /// [`ChunkedDecoder`](crate::chunked::ChunkedDecoder).
    Chunked,
    /// A response body that ends when the server closes the connection.
    UntilClose,
}

/// Why the framing of a message could not be decided.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FramingErrorKind {
    /// Both Transfer-Encoding and Content-Length are present (RFC 9112 §6.3:
    /// "ought to be handled as an error"; the classic smuggling vector).
    TransferEncodingWithContentLength,
    /// A request's final transfer coding is not `chunked`, so its length
    /// cannot be determined (RFC 9112 §6.3: respond 400 and close).
    ChunkedNotFinal,
    /// `chunked` is listed more than once (RFC 9112 §6.1 forbids it).
    ChunkedTwice,
    /// `chunked` has parameters (it defines none).
    ChunkedWithParameters,
    /// A Transfer-Encoding value that is empty or not a list of codings.
    InvalidTransferEncoding,
    /// A request uses a transfer coding other than `chunked`, which this
    /// library does not decode (RFC 9112 §6.1: respond 501).
    UnsupportedTransferCoding,
    /// Transfer-Encoding in an HTTP/1.0 message: its framing is faulty
    /// (RFC 9112 §6.1).
    TransferEncodingInHttp10,
    /// A Content-Length value that is empty or not `1*DIGIT` (signs,
    /// spaces inside, hex, …).
    InvalidContentLength,
    /// A Content-Length larger than `u64::MAX`.
    ContentLengthOverflow,
    /// Content-Length values that differ (`5, 6`, or two header lines with
    /// different values). A list of one repeated value (`5, 5`) is accepted,
    /// as RFC 9112 §6.3 allows.
    ConflictingContentLength,
}

impl FramingErrorKind {
    /// The status a server should answer with: 501 for an unsupported
    /// transfer coding, 400 otherwise.
    pub const fn status(self) -> u16 {
        match self {
            FramingErrorKind::UnsupportedTransferCoding => 501,
            _ => 400,
        }
    }

    /// A short, human-readable description.
    pub const fn description(self) -> &'static str {
        match self {
            FramingErrorKind::TransferEncodingWithContentLength => "Transfer-Encoding with Content-Length",
            FramingErrorKind::ChunkedNotFinal => "final transfer coding is not chunked",
            FramingErrorKind::ChunkedTwice => "chunked applied more than once",
            FramingErrorKind::ChunkedWithParameters => "chunked with parameters",
            FramingErrorKind::InvalidTransferEncoding => "invalid Transfer-Encoding",
            FramingErrorKind::UnsupportedTransferCoding => "unsupported transfer coding",
            FramingErrorKind::TransferEncodingInHttp10 => "Transfer-Encoding in HTTP/1.0",
            FramingErrorKind::InvalidContentLength => "invalid Content-Length",
            FramingErrorKind::ContentLengthOverflow => "Content-Length overflows",
            FramingErrorKind::ConflictingContentLength => "conflicting Content-Length values",
        }
    }
}

/// A framing error: its kind and the index (in the header list) of the
/// header that decided it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FramingError {
    kind: FramingErrorKind,
    header: usize,
}

impl FramingError {
    /// What was wrong.
    pub const fn kind(&self) -> FramingErrorKind {
        self.kind
    }

    /// Index of the offending header in the list given.
    pub const fn header_index(&self) -> usize {
        self.header
    }

    /// Shorthand for `self.kind().status()`.
    pub const fn status(&self) -> u16 {
        self.kind.status()
    }
}

impl fmt::Display for FramingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (header {})", self.kind.description(), self.header)
    }
}

impl core::error::Error for FramingError {}

fn fail<T>(kind: FramingErrorKind, header: usize) -> Result<T, FramingError> {
    Err(FramingError { kind, header })
}

/// The elements of a comma-separated list (RFC 9110 §5.6.1), OWS-trimmed,
/// empty elements skipped.
fn list(value: &[u8]) -> impl Iterator<Item = &[u8]> {
    value.split(|&b| b == b',').map(trim_ows).filter(|e| !e.is_empty())
}

fn trim_ows(mut s: &[u8]) -> &[u8] {
    while let [b' ' | b'\t', rest @ ..] = s {
        s = rest;
    }
    while let [rest @ .., b' ' | b'\t'] = s {
        s = rest;
    }
    s
}

fn is_token(s: &[u8]) -> bool {
    !s.is_empty() && s.iter().all(|&b| class::is(b, TCHAR))
}

/// What the Transfer-Encoding and Content-Length headers say.
#[derive(Default)]
struct LengthHeaders {
    /// Index of the first Transfer-Encoding header.
    te: Option<usize>,
    /// Whether the last coding listed is `chunked`.
    chunked_last: bool,
    /// Index of a header listing a coding other than `chunked`.
    other_coding: Option<usize>,
    /// The Content-Length value and the index of its first header.
    content_length: Option<(u64, usize)>,
}

fn length_headers(headers: &[Header<'_>]) -> Result<LengthHeaders, FramingError> {
    let mut out = LengthHeaders::default();
    let mut chunked_seen = false;
    for (i, h) in headers.iter().enumerate() {
        if h.name.eq_ignore_ascii_case(b"transfer-encoding") {
            out.te.get_or_insert(i);
            let mut any = false;
            for coding in list(h.value) {
                any = true;
                let (name, params) = match coding.iter().position(|&b| b == b';') {
                    Some(semi) => (trim_ows(&coding[..semi]), Some(&coding[semi..])),
                    None => (coding, None),
                };
                if !is_token(name) {
                    return fail(FramingErrorKind::InvalidTransferEncoding, i);
                }
                if name.eq_ignore_ascii_case(b"chunked") {
                    if params.is_some() {
                        return fail(FramingErrorKind::ChunkedWithParameters, i);
                    }
                    if chunked_seen {
                        return fail(FramingErrorKind::ChunkedTwice, i);
                    }
                    chunked_seen = true;
                    out.chunked_last = true;
                } else {
                    out.chunked_last = false;
                    out.other_coding.get_or_insert(i);
                }
            }
            if !any {
                return fail(FramingErrorKind::InvalidTransferEncoding, i);
            }
        } else if h.name.eq_ignore_ascii_case(b"content-length") {
            let mut any = false;
            for element in h.value.split(|&b| b == b',').map(trim_ows) {
                any = true;
                let n = parse_content_length(element).map_err(|kind| FramingError { kind, header: i })?;
                match out.content_length {
                    Some((m, _)) if m != n => return fail(FramingErrorKind::ConflictingContentLength, i),
                    Some(_) => {}
                    None => out.content_length = Some((n, i)),
                }
            }
            if !any {
                return fail(FramingErrorKind::InvalidContentLength, i);
            }
        }
    }
    Ok(out)
}

/// `Content-Length = 1*DIGIT`, as a `u64`.
fn parse_content_length(digits: &[u8]) -> Result<u64, FramingErrorKind> {
    if digits.is_empty() {
        return Err(FramingErrorKind::InvalidContentLength);
    }
    let mut n: u64 = 0;
    for &d in digits {
        if !d.is_ascii_digit() {
            return Err(FramingErrorKind::InvalidContentLength);
        }
        n = n
            .checked_mul(10)
            .and_then(|n| n.checked_add(u64::from(d - b'0')))
            .ok_or(FramingErrorKind::ContentLengthOverflow)?;
    }
    Ok(n)
}

/// The body framing of a request (RFC 9112 §6.3).
pub fn request_body(minor_version: u8, headers: &[Header<'_>]) -> Result<Body, FramingError> {
    let h = length_headers(headers)?;
    let Some(te) = h.te else {
        return Ok(match h.content_length {
            Some((n, _)) => Body::ContentLength(n),
            None => Body::None,
        });
    };
    if minor_version == 0 {
        return fail(FramingErrorKind::TransferEncodingInHttp10, te);
    }
    if let Some((_, cl)) = h.content_length {
        return fail(FramingErrorKind::TransferEncodingWithContentLength, cl.max(te));
    }
    if !h.chunked_last {
        return fail(FramingErrorKind::ChunkedNotFinal, te);
    }
    if let Some(other) = h.other_coding {
        return fail(FramingErrorKind::UnsupportedTransferCoding, other);
    }
    Ok(Body::Chunked)
}

/// The body framing of a response (RFC 9112 §6.3) to a request with
/// `request_method`.
pub fn response_body(
    minor_version: u8,
    code: u16,
    headers: &[Header<'_>],
    request_method: &[u8],
) -> Result<Body, FramingError> {
    if request_method == b"HEAD"
        || (100..200).contains(&code)
        || code == 204
        || code == 304
        || (request_method == b"CONNECT" && (200..300).contains(&code))
    {
        return Ok(Body::None);
    }
    let h = length_headers(headers)?;
    let Some(te) = h.te else {
        return Ok(match h.content_length {
            Some((n, _)) => Body::ContentLength(n),
            None => Body::UntilClose,
        });
    };
    if minor_version == 0 {
        return fail(FramingErrorKind::TransferEncodingInHttp10, te);
    }
    if let Some((_, cl)) = h.content_length {
        return fail(FramingErrorKind::TransferEncodingWithContentLength, cl.max(te));
    }
    Ok(if h.chunked_last { Body::Chunked } else { Body::UntilClose })
}

/// Connection options named in the Connection headers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ConnectionTokens {
    /// `close` is listed.
    pub close: bool,
    /// `keep-alive` is listed.
    pub keep_alive: bool,
    /// `upgrade` is listed.
    pub upgrade: bool,
}

/// Reads every Connection header's token list (case-insensitive).
pub fn connection_tokens(headers: &[Header<'_>]) -> ConnectionTokens {
    let mut t = ConnectionTokens::default();
    for h in headers.iter().filter(|h| h.name.eq_ignore_ascii_case(b"connection")) {
        for token in list(h.value) {
            if token.eq_ignore_ascii_case(b"close") {
                t.close = true;
            } else if token.eq_ignore_ascii_case(b"keep-alive") {
                t.keep_alive = true;
            } else if token.eq_ignore_ascii_case(b"upgrade") {
                t.upgrade = true;
            }
        }
    }
    t
}

/// Whether the connection may carry another message after this one, from
/// the version and Connection headers alone (RFC 9112 §9.3): HTTP/1.1
/// unless `close`; HTTP/1.0 only with `keep-alive` and without `close`.
pub fn keep_alive(minor_version: u8, headers: &[Header<'_>]) -> bool {
    let t = connection_tokens(headers);
    !t.close && (minor_version >= 1 || t.keep_alive)
}

/// What a request's Expect header asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Expect {
    /// No expectation (or an HTTP/1.0 request, whose expectations a server
    /// must ignore, RFC 9110 §10.1.1).
    None,
    /// `100-continue`: send `100 Continue` before reading the body.
    Continue,
    /// Some other expectation: a server should answer `417`.
    Other,
}

/// Everything a server needs to decide after reading a request head.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RequestInfo<'b> {
    /// How the body is delimited.
    pub body: Body,
    /// Whether the connection may be reused after this request.
    pub keep_alive: bool,
    /// What the Expect header asks for.
    pub expect: Expect,
    /// The Upgrade header's value when the request asks to switch protocols
    /// (`Connection: upgrade` and an Upgrade header, HTTP/1.1 only: RFC 9110
    /// §7.8 says to ignore Upgrade in HTTP/1.0).
    pub upgrade: Option<&'b [u8]>,
    /// The method is CONNECT: after a 2xx the connection is a tunnel.
    pub connect: bool,
}

/// Framing, keep-alive, Expect and Upgrade of a parsed request.
pub fn request_info<'b>(req: &Request<'b, '_>) -> Result<RequestInfo<'b>, FramingError> {
    let body = request_body(req.minor_version, req.headers)?;
    let tokens = connection_tokens(req.headers);
    let http11 = req.minor_version >= 1;
    let mut expect = Expect::None;
    let mut upgrade = None;
    for h in req.headers {
        if http11 && h.name.eq_ignore_ascii_case(b"expect") {
            expect = if h.value.eq_ignore_ascii_case(b"100-continue") && expect != Expect::Other {
                Expect::Continue
            } else {
                Expect::Other
            };
        } else if http11 && tokens.upgrade && h.name.eq_ignore_ascii_case(b"upgrade") && upgrade.is_none() {
            upgrade = Some(h.value);
        }
    }
    Ok(RequestInfo {
        body,
        keep_alive: !tokens.close && (http11 || tokens.keep_alive),
        expect,
        upgrade,
        connect: req.method == b"CONNECT",
    })
}
