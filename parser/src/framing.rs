//! Body framing and connection semantics of a parsed head (RFC 9112 §6,
//! §9.3; RFC 9110 §7.6.1, §7.8, §10.1.1): how long the body is, whether the
//! connection stays open, `Expect: 100-continue`, and `Upgrade`.
//!
//! The framing decision is where request smuggling happens, so every
//! ambiguous combination is an error here rather than a guess: a
//! Transfer-Encoding next to a Content-Length, a request whose last transfer
//! coding is not `chunked`, `chunked` twice or with parameters, Content-Length
//! values that are empty, signed, non-numeric, overflowing or in conflict,
//! Transfer-Encoding in an HTTP/1.0 message, and a CONNECT request with a
//! body. [`FramingConfig::request_info`] also holds a request to RFC 9112
//! §3.2's Host rules (one Host, with a valid value; optionally, a Host at
//! all in HTTP/1.1).
//!
//! A parser configured to accept obsolete line folding reports a folded
//! field as one value with its raw folds or as nameless continuation
//! headers; either way every field is read here as RFC 9112 §5.2 says, each
//! fold replaced by SP: `Content-Length: 5` folded onto a line `0` is the
//! invalid `5 0`, and `Connection: keep-alive,` folded onto `close` closes.
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
use crate::{field, uri, Header, Request};

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
    /// More than one Host header (RFC 9112 §3.2: a server MUST answer 400).
    MultipleHost,
    /// A Host value that is not `uri-host [ ":" port ]` (RFC 9110 §7.2,
    /// RFC 3986 §3.2.2; RFC 9112 §3.2: a server MUST answer 400).
    InvalidHost,
    /// No Host header in an HTTP/1.1 request, with
    /// [`FramingConfig::require_host`] (RFC 9112 §3.2). The error's
    /// [`header_index`](FramingError::header_index) is `usize::MAX`.
    MissingHost,
    /// A CONNECT request with Transfer-Encoding or a non-zero
    /// Content-Length: it has no content (RFC 9110 §9.3.6).
    ConnectWithBody,
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
            FramingErrorKind::MultipleHost => "more than one Host header",
            FramingErrorKind::InvalidHost => "invalid Host value",
            FramingErrorKind::MissingHost => "no Host header",
            FramingErrorKind::ConnectWithBody => "CONNECT request with a body",
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

    /// Index of the offending header in the list given (`usize::MAX` for
    /// [`FramingErrorKind::MissingHost`]).
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
        match self.header {
            usize::MAX => f.write_str(self.kind.description()),
            header => write!(f, "{} (header {header})", self.kind.description()),
        }
    }
}

impl core::error::Error for FramingError {}

fn fail<T>(kind: FramingErrorKind, header: usize) -> Result<T, FramingError> {
    Err(FramingError { kind, header })
}

fn is_token(s: &[u8]) -> bool {
    !s.is_empty() && s.iter().all(|&b| class::is(b, TCHAR))
}

/// The header names the framing pass reads.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Name {
    Host,
    Expect,
    Upgrade,
    Connection,
    ContentLength,
    TransferEncoding,
    Other,
}

impl Name {
    /// Which one `name` is (ASCII case-insensitive), by its length first.
    fn of(name: &[u8]) -> Name {
        let (want, known): (&[u8], Name) = match name.len() {
            4 => (b"host", Name::Host),
            6 => (b"expect", Name::Expect),
            7 => (b"upgrade", Name::Upgrade),
            10 => (b"connection", Name::Connection),
            14 => (b"content-length", Name::ContentLength),
            17 => (b"transfer-encoding", Name::TransferEncoding),
            _ => return Name::Other,
        };
        if name.eq_ignore_ascii_case(want) {
            known
        } else {
            Name::Other
        }
    }
}

/// What the Transfer-Encoding and Content-Length headers say. Each field is
/// read unfolded ([`field`]): `Content-Length: 5` continued by a fold line
/// `0` is the invalid `5 0`.
#[derive(Default)]
struct LengthHeaders {
    /// Index of the first Transfer-Encoding header.
    te: Option<usize>,
    /// Whether the last coding listed is `chunked`.
    chunked_last: bool,
    /// Whether `chunked` was listed before.
    chunked_seen: bool,
    /// Index of a header listing a coding other than `chunked` (or, in a
    /// response, something that is not a coding).
    other_coding: Option<usize>,
    /// The Content-Length value and the index of its first header.
    content_length: Option<(u64, usize)>,
}

impl LengthHeaders {
    /// Reads the header at `i` if it is one of the two. A response's
    /// Transfer-Encoding that is not a list of codings only means that
    /// `chunked` is not its final coding (read until close); a request's
    /// is an error.
    fn add(&mut self, name: Name, headers: &[Header<'_>], i: usize, request: bool) -> Result<(), FramingError> {
        match name {
            Name::TransferEncoding => self.transfer_encoding(headers, i, request),
            Name::ContentLength => self.content_length(headers, i),
            _ => Ok(()),
        }
    }

    fn transfer_encoding(&mut self, headers: &[Header<'_>], i: usize, request: bool) -> Result<(), FramingError> {
        self.te.get_or_insert(i);
        let mut any = false;
        for element in field::elements(headers, i).filter(|e| !e.is_empty()) {
            any = true;
            match coding(element) {
                Some((name, params)) if name.eq_ignore_ascii_case(b"chunked") => {
                    if params {
                        return fail(FramingErrorKind::ChunkedWithParameters, i);
                    }
                    if self.chunked_seen {
                        return fail(FramingErrorKind::ChunkedTwice, i);
                    }
                    self.chunked_seen = true;
                    self.chunked_last = true;
                }
                Some(_) => {
                    self.chunked_last = false;
                    self.other_coding.get_or_insert(i);
                }
                None if request => return fail(FramingErrorKind::InvalidTransferEncoding, i),
                None => {
                    self.chunked_last = false;
                    self.other_coding.get_or_insert(i);
                }
            }
        }
        if !any {
            if request {
                return fail(FramingErrorKind::InvalidTransferEncoding, i);
            }
            self.chunked_last = false;
        }
        Ok(())
    }

    fn content_length(&mut self, headers: &[Header<'_>], i: usize) -> Result<(), FramingError> {
        for element in field::elements(headers, i) {
            // A fold inside an element is an SP inside the number.
            let digits = element.whole().unwrap_or(b" ");
            let n = parse_content_length(digits).map_err(|kind| FramingError { kind, header: i })?;
            match self.content_length {
                Some((m, _)) if m != n => return fail(FramingErrorKind::ConflictingContentLength, i),
                Some(_) => {}
                None => self.content_length = Some((n, i)),
            }
        }
        Ok(())
    }

    /// The framing of a request with these headers (RFC 9112 §6.3).
    fn request_body(&self, minor_version: u8) -> Result<Body, FramingError> {
        let Some(te) = self.te else {
            return Ok(match self.content_length {
                Some((n, _)) => Body::ContentLength(n),
                None => Body::None,
            });
        };
        if minor_version == 0 {
            return fail(FramingErrorKind::TransferEncodingInHttp10, te);
        }
        if let Some((_, cl)) = self.content_length {
            return fail(FramingErrorKind::TransferEncodingWithContentLength, cl.max(te));
        }
        if !self.chunked_last {
            return fail(FramingErrorKind::ChunkedNotFinal, te);
        }
        if let Some(other) = self.other_coding {
            return fail(FramingErrorKind::UnsupportedTransferCoding, other);
        }
        Ok(Body::Chunked)
    }
}

/// A transfer coding's name and whether it has parameters, or `None` when
/// the element is not `token *( OWS ";" ... )`. A fold inside the name is
/// an SP inside it; a fold just before the `;` is OWS.
fn coding(element: field::Element<'_>) -> Option<(&[u8], bool)> {
    let (name, params) = match memchr::memchr(b';', element.head) {
        Some(semi) => (field::trim_ows(&element.head[..semi]), true),
        None => match element.folded {
            None => (element.head, false),
            Some(b';') => (element.head, true),
            Some(_) => return None,
        },
    };
    is_token(name).then_some((name, params))
}

fn length_headers(headers: &[Header<'_>], request: bool) -> Result<LengthHeaders, FramingError> {
    let mut out = LengthHeaders::default();
    for (i, h) in headers.iter().enumerate() {
        out.add(Name::of(h.name), headers, i, request)?;
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

/// The body framing of a request (RFC 9112 §6.3). The rules that need the
/// method and the Host field (CONNECT, Host) are
/// [`FramingConfig::request_info`]'s.
pub fn request_body(minor_version: u8, headers: &[Header<'_>]) -> Result<Body, FramingError> {
    length_headers(headers, true)?.request_body(minor_version)
}

/// The body framing of a response (RFC 9112 §6.3) to a request with
/// `request_method`. A Transfer-Encoding whose final coding is not
/// `chunked` — another coding, or a value that is not a list of codings —
/// means the body runs until the server closes the connection.
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
    let h = length_headers(headers, false)?;
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

impl ConnectionTokens {
    /// Adds the tokens of the Connection field whose first line is
    /// `headers[i]`, read unfolded.
    fn add(&mut self, headers: &[Header<'_>], i: usize) {
        // A fold inside an element makes it no token at all.
        for token in field::elements(headers, i).filter_map(|e| e.whole()) {
            if token.eq_ignore_ascii_case(b"close") {
                self.close = true;
            } else if token.eq_ignore_ascii_case(b"keep-alive") {
                self.keep_alive = true;
            } else if token.eq_ignore_ascii_case(b"upgrade") {
                self.upgrade = true;
            }
        }
    }
}

/// Reads every Connection header's token list (case-insensitive), each
/// field unfolded: `Connection: keep-alive,` continued by a fold line
/// `close` lists `close`.
pub fn connection_tokens(headers: &[Header<'_>]) -> ConnectionTokens {
    let mut t = ConnectionTokens::default();
    for (i, h) in headers.iter().enumerate() {
        if Name::of(h.name) == Name::Connection {
            t.add(headers, i);
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
    /// §7.8 says to ignore Upgrade in HTTP/1.0). It is the header's value as
    /// parsed: with [`ObsFold::Span`](crate::ObsFold::Span) raw folds may be
    /// inside it ([`unfold`](crate::unfold) splits them), with
    /// [`ObsFold::Continuation`](crate::ObsFold::Continuation) nameless
    /// headers after it may continue it.
    pub upgrade: Option<&'b [u8]>,
    /// The method is CONNECT: after a 2xx the connection is a tunnel.
    pub connect: bool,
}

/// Which of the request checks that are off by default
/// [`FramingConfig::request_info`] makes.
///
/// ```
/// use springbok_parser::{parse_request, framing::{FramingConfig, FramingErrorKind}, EMPTY_HEADER};
///
/// let mut headers = [EMPTY_HEADER; 4];
/// let req = parse_request(b"GET / HTTP/1.1\r\n\r\n", &mut headers).unwrap().complete().unwrap();
/// assert!(FramingConfig::new().request_info(&req).is_ok());
/// let mut server = FramingConfig::new();
/// server.require_host = true;
/// assert_eq!(server.request_info(&req).unwrap_err().kind(), FramingErrorKind::MissingHost);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct FramingConfig {
    /// Reject an HTTP/1.1 request without a Host header with
    /// [`FramingErrorKind::MissingHost`], as RFC 9112 §3.2 says a server
    /// MUST (400). Off by default because many clients' and peers' test
    /// requests omit Host and the library serves more than origin servers;
    /// a server should turn it on. (More than one Host, or an invalid one,
    /// is always rejected.) Default: `false`.
    pub require_host: bool,
}

impl FramingConfig {
    /// The default checks: every MUST of RFC 9112 §3.2 and §6 but the
    /// missing Host.
    pub const fn new() -> FramingConfig {
        FramingConfig { require_host: false }
    }

    /// Framing, keep-alive, Expect and Upgrade of a parsed request, in one
    /// pass over its headers, with the rules about its Host field and its
    /// method:
    ///
    /// * more than one Host header is [`FramingErrorKind::MultipleHost`],
    ///   a Host value that is not `uri-host [ ":" port ]` (RFC 9110 §7.2;
    ///   empty is valid) [`FramingErrorKind::InvalidHost`], and, with
    ///   [`require_host`](Self::require_host), no Host in an HTTP/1.1
    ///   request [`FramingErrorKind::MissingHost`] (RFC 9112 §3.2);
    /// * a CONNECT request with a Transfer-Encoding, or with a
    ///   Content-Length other than 0, is
    ///   [`FramingErrorKind::ConnectWithBody`] (RFC 9110 §9.3.6: it has no
    ///   content; a proxy would take the tunnel's first bytes as its body);
    /// * then the body framing as [`request_body`] decides it.
    ///
    /// Every field is read unfolded (RFC 9112 §5.2) when the parser accepted
    /// obs-fold.
    pub fn request_info<'b>(&self, req: &Request<'b, '_>) -> Result<RequestInfo<'b>, FramingError> {
        let headers = req.headers;
        let http11 = req.minor_version >= 1;
        let mut lengths = LengthHeaders::default();
        let mut tokens = ConnectionTokens::default();
        let mut host = None;
        let mut expect = Expect::None;
        let mut upgrade = None;
        for (i, h) in headers.iter().enumerate() {
            match Name::of(h.name) {
                Name::Host => {
                    if host.is_some() {
                        return fail(FramingErrorKind::MultipleHost, i);
                    }
                    host = Some(i);
                    if !field::single(headers, i).is_some_and(uri::is_host_port) {
                        return fail(FramingErrorKind::InvalidHost, i);
                    }
                }
                Name::Expect if http11 => {
                    expect = match expect {
                        Expect::None | Expect::Continue if field::is(headers, i, b"100-continue") => Expect::Continue,
                        _ => Expect::Other,
                    };
                }
                Name::Upgrade if upgrade.is_none() => upgrade = Some(h.value),
                Name::Connection => tokens.add(headers, i),
                name => lengths.add(name, headers, i, true)?,
            }
        }
        if self.require_host && http11 && host.is_none() {
            return fail(FramingErrorKind::MissingHost, usize::MAX);
        }
        let connect = req.method == b"CONNECT";
        if connect {
            if let Some(te) = lengths.te {
                return fail(FramingErrorKind::ConnectWithBody, te);
            }
            if let Some((1.., cl)) = lengths.content_length {
                return fail(FramingErrorKind::ConnectWithBody, cl);
            }
        }
        Ok(RequestInfo {
            body: lengths.request_body(req.minor_version)?,
            keep_alive: !tokens.close && (http11 || tokens.keep_alive),
            expect,
            upgrade: upgrade.filter(|_| http11 && tokens.upgrade),
            connect,
        })
    }
}

/// [`FramingConfig::request_info`] with the default checks.
pub fn request_info<'b>(req: &Request<'b, '_>) -> Result<RequestInfo<'b>, FramingError> {
    FramingConfig::new().request_info(req)
}
