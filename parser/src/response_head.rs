//! Response head serialization: status, reason and a flat header list to
//! `HTTP/1.1 200 OK\r\nname: value\r\n…\r\n`, into a caller buffer or as a
//! list of slices for `writev`.
//!
//! [`ResponseHead::new`] validates everything once — status `100..=999`,
//! the reason phrase (HTAB / SP / VCHAR / obs-text), names (`tchar`+), values
//! (no CR, LF or NUL: header injection; no other control byte either) — and
//! computes the exact length. After that, [`ResponseHead::write`] and
//! [`ResponseHead::fill_iovecs`] cannot fail except for a short output, and
//! the concatenation of the iovecs is byte for byte the buffer form.
//!
//! Rules, each documented on the item that applies it:
//! - No reason given: the RFC 9110 phrase for the code ([`default_reason`]);
//!   an unknown code gets an empty reason, still with its SP
//!   (`HTTP/1.1 599 \r\n`), the form RFC 9112 §4 requires.
//! - Status 1xx, 204 and 304 never carry `Content-Length` or
//!   `Transfer-Encoding` (RFC 9110 §8.6, RFC 9112 §6.1): such headers are
//!   left out and counted in [`ResponseHead::dropped`].
//! - Rack 2 multi-value headers (`"a\nb"`), with
//!   [`ResponseOptions::split_newlines`]: one header line per piece.
//!
//! ```
//! use springbok_parser::response_head::{ResponseHead, ResponseOptions};
//! use springbok_parser::Header;
//!
//! let headers = [
//!     Header { name: b"Content-Type", value: b"text/plain" },
//!     Header { name: b"Content-Length", value: b"5" },
//! ];
//! let head = ResponseHead::new(200, None, &headers, &ResponseOptions::new()).unwrap();
//! let mut buf = [0u8; 128];
//! let n = head.write(&mut buf).unwrap();
//! assert_eq!(&buf[..n], b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\n");
//! assert_eq!(n, head.encoded_len());
//!
//! // The same bytes as slices, for writev.
//! let mut iov: [&[u8]; 16] = [&[]; 16];
//! let count = head.fill_iovecs(&mut iov).unwrap();
//! assert_eq!(iov[..count].concat(), &buf[..n]);
//! ```

use core::fmt;

use crate::class::{is, TCHAR, VALUE};
use crate::Header;

/// The HTTP version written in the status line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum HttpVersion {
    /// `HTTP/1.0`.
    Http10,
    /// `HTTP/1.1`.
    #[default]
    Http11,
}

/// How to serialize.
///
/// ```
/// use springbok_parser::response_head::{HttpVersion, ResponseOptions};
///
/// let mut options = ResponseOptions::rack2();
/// options.version = HttpVersion::Http10;
/// assert!(options.split_newlines);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub struct ResponseOptions {
    /// The status line's version. Default: `HTTP/1.1`.
    pub version: HttpVersion,
    /// Rack 2: a value containing LF is several values, one header line
    /// each, split as Ruby's `String#split("\n")` splits (what Puma does):
    /// empty pieces in the middle are kept, trailing ones dropped, so
    /// `"a\n\nb\n"` gives lines `a`, ``, `b`, a value of only LFs gives no
    /// line at all, and an empty value gives one empty line. Each piece is
    /// then validated like any value (CR and NUL are still rejected). When
    /// `false` an LF is header injection, rejected. Rack 3 array values are
    /// simply repeated pairs in the flat list. Default: `false`.
    pub split_newlines: bool,
}

impl ResponseOptions {
    /// `HTTP/1.1`, LF in a value rejected.
    pub const fn new() -> ResponseOptions {
        ResponseOptions { version: HttpVersion::Http11, split_newlines: false }
    }

    /// `HTTP/1.1`, Rack 2 `"\n"`-joined values split into lines.
    pub const fn rack2() -> ResponseOptions {
        ResponseOptions { version: HttpVersion::Http11, split_newlines: true }
    }
}

/// What was wrong with the response head's input.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ResponseHeadErrorKind {
    /// The status code is not in `100..=999`.
    Status,
    /// The reason phrase contains a byte other than HTAB, SP, VCHAR or
    /// obs-text.
    Reason,
    /// A header name is empty or contains a byte that is not a `tchar`.
    HeaderName,
    /// A header value contains CR, LF (without
    /// [`split_newlines`](ResponseOptions::split_newlines)) or NUL: header
    /// injection.
    HeaderInjection,
    /// A header value contains another control byte (not HTAB) or DEL,
    /// which RFC 9110 §5.5 does not allow in a field value.
    HeaderValue,
}

/// A validation error: its kind, the index of the offending header (for
/// header errors) and the byte offset in the reason, name or value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ResponseHeadError {
    kind: ResponseHeadErrorKind,
    header: Option<usize>,
    offset: usize,
}

impl ResponseHeadError {
    /// What was wrong.
    pub const fn kind(&self) -> ResponseHeadErrorKind {
        self.kind
    }

    /// The index in the header list of the offending header, for
    /// [`HeaderName`](ResponseHeadErrorKind::HeaderName),
    /// [`HeaderInjection`](ResponseHeadErrorKind::HeaderInjection) and
    /// [`HeaderValue`](ResponseHeadErrorKind::HeaderValue).
    pub const fn header(&self) -> Option<usize> {
        self.header
    }

    /// The offset of the offending byte in the reason, name or value (0 for
    /// a bad status code or an empty name).
    pub const fn offset(&self) -> usize {
        self.offset
    }
}

impl fmt::Display for ResponseHeadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.kind {
            ResponseHeadErrorKind::Status => return f.write_str("status code out of 100..=999"),
            ResponseHeadErrorKind::Reason => return write!(f, "invalid byte in reason phrase at {}", self.offset),
            ResponseHeadErrorKind::HeaderName => "invalid header name",
            ResponseHeadErrorKind::HeaderInjection => "CR, LF or NUL in header value",
            ResponseHeadErrorKind::HeaderValue => "control byte in header value",
        };
        write!(f, "{what} (header {}, byte {})", self.header.unwrap_or(0), self.offset)
    }
}

impl core::error::Error for ResponseHeadError {}

/// The output buffer or iovec array is shorter than `needed`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct BufferTooSmall {
    /// The length needed (bytes for [`ResponseHead::write`], slices for
    /// [`ResponseHead::fill_iovecs`]).
    pub needed: usize,
}

impl fmt::Display for BufferTooSmall {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "output too small: {} needed", self.needed)
    }
}

impl core::error::Error for BufferTooSmall {}

/// The reason phrase RFC 9110 §15 gives a status code, plus the codes
/// registered by RFC 6585 (428, 429, 431, 511), RFC 8297 (103) and
/// RFC 7725 (451), which servers send routinely. `None` for any other code.
///
/// ```
/// use springbok_parser::response_head::default_reason;
/// assert_eq!(default_reason(404), Some("Not Found"));
/// assert_eq!(default_reason(413), Some("Content Too Large"));
/// assert_eq!(default_reason(599), None);
/// ```
pub const fn default_reason(status: u16) -> Option<&'static str> {
    Some(match status {
        100 => "Continue",
        101 => "Switching Protocols",
        103 => "Early Hints",
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        203 => "Non-Authoritative Information",
        204 => "No Content",
        205 => "Reset Content",
        206 => "Partial Content",
        300 => "Multiple Choices",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        304 => "Not Modified",
        305 => "Use Proxy",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        402 => "Payment Required",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        406 => "Not Acceptable",
        407 => "Proxy Authentication Required",
        408 => "Request Timeout",
        409 => "Conflict",
        410 => "Gone",
        411 => "Length Required",
        412 => "Precondition Failed",
        413 => "Content Too Large",
        414 => "URI Too Long",
        415 => "Unsupported Media Type",
        416 => "Range Not Satisfiable",
        417 => "Expectation Failed",
        421 => "Misdirected Request",
        422 => "Unprocessable Content",
        426 => "Upgrade Required",
        428 => "Precondition Required",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        451 => "Unavailable For Legal Reasons",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        505 => "HTTP Version Not Supported",
        511 => "Network Authentication Required",
        _ => return None,
    })
}

/// `"100 101 102 … 999 "`: the code and its SP for every status, so the
/// status line borrows `'static` bytes.
static CODES: [u8; 900 * 4] = codes();

const fn codes() -> [u8; 900 * 4] {
    let mut out = [0u8; 900 * 4];
    let mut i = 0;
    while i < 900 {
        let code = i + 100;
        out[i * 4] = b'0' + (code / 100) as u8;
        out[i * 4 + 1] = b'0' + (code / 10 % 10) as u8;
        out[i * 4 + 2] = b'0' + (code % 10) as u8;
        out[i * 4 + 3] = b' ';
        i += 1;
    }
    out
}

/// The header lines one value becomes.
fn lines(value: &[u8], split: bool) -> impl Iterator<Item = &[u8]> {
    let (value, none) = if !split || value.is_empty() {
        (value, false)
    } else {
        let end = value.iter().rposition(|&b| b != b'\n').map_or(0, |i| i + 1);
        (&value[..end], end == 0)
    };
    value.split(move |&b| split && b == b'\n').filter(move |_| !none)
}

/// Whether a header is left out for a status without body framing.
fn framing_header(name: &[u8]) -> bool {
    name.eq_ignore_ascii_case(b"content-length") || name.eq_ignore_ascii_case(b"transfer-encoding")
}

/// A validated response head, ready to serialize.
#[derive(Clone, Copy, Debug)]
pub struct ResponseHead<'x> {
    version: HttpVersion,
    status: u16,
    reason: &'x [u8],
    headers: &'x [Header<'x>],
    split: bool,
    no_framing: bool,
    len: usize,
    pieces: usize,
    dropped: usize,
}

impl<'x> ResponseHead<'x> {
    /// Validates a response head: `status` in `100..=999`, `reason` (or
    /// the [`default_reason`], or empty), and the flat `headers` list, in
    /// order (repeated names are repeated lines).
    ///
    /// For status 1xx, 204 and 304, headers named `Content-Length` or
    /// `Transfer-Encoding` (any case) are validated but not written; their
    /// number is [`dropped`](Self::dropped), so a server can log an app
    /// that sent them.
    ///
    /// ```
    /// use springbok_parser::response_head::{ResponseHead, ResponseHeadErrorKind, ResponseOptions};
    /// use springbok_parser::Header;
    ///
    /// let evil = [Header { name: b"Location", value: b"/x\r\nSet-Cookie: a=b" }];
    /// let err = ResponseHead::new(302, None, &evil, &ResponseOptions::new()).unwrap_err();
    /// assert_eq!((err.kind(), err.header(), err.offset()), (ResponseHeadErrorKind::HeaderInjection, Some(0), 2));
    ///
    /// let headers = [Header { name: b"Content-Length", value: b"0" }, Header { name: b"ETag", value: b"\"1\"" }];
    /// let head = ResponseHead::new(304, None, &headers, &ResponseOptions::new()).unwrap();
    /// assert_eq!(head.dropped(), 1);
    /// let mut buf = [0u8; 64];
    /// let n = head.write(&mut buf).unwrap();
    /// assert_eq!(&buf[..n], b"HTTP/1.1 304 Not Modified\r\nETag: \"1\"\r\n\r\n");
    /// ```
    pub fn new(
        status: u16,
        reason: Option<&'x [u8]>,
        headers: &'x [Header<'x>],
        options: &ResponseOptions,
    ) -> Result<ResponseHead<'x>, ResponseHeadError> {
        if !(100..=999).contains(&status) {
            return Err(ResponseHeadError { kind: ResponseHeadErrorKind::Status, header: None, offset: 0 });
        }
        let reason = match reason {
            Some(r) => {
                if let Some(offset) = r.iter().position(|&b| !is(b, VALUE)) {
                    return Err(ResponseHeadError { kind: ResponseHeadErrorKind::Reason, header: None, offset });
                }
                r
            }
            None => match default_reason(status) {
                Some(r) => r.as_bytes(),
                None => b"",
            },
        };
        let split = options.split_newlines;
        for (i, h) in headers.iter().enumerate() {
            let bad_name = if h.name.is_empty() { Some(0) } else { h.name.iter().position(|&b| !is(b, TCHAR)) };
            if let Some(offset) = bad_name {
                return Err(ResponseHeadError { kind: ResponseHeadErrorKind::HeaderName, header: Some(i), offset });
            }
            for (offset, &b) in h.value.iter().enumerate() {
                let kind = match b {
                    b'\n' if split => continue,
                    b'\r' | b'\n' | 0 => ResponseHeadErrorKind::HeaderInjection,
                    _ if !is(b, VALUE) => ResponseHeadErrorKind::HeaderValue,
                    _ => continue,
                };
                return Err(ResponseHeadError { kind, header: Some(i), offset });
            }
        }
        let mut head = ResponseHead {
            version: options.version,
            status,
            reason,
            headers,
            split,
            no_framing: status < 200 || status == 204 || status == 304,
            len: 0,
            pieces: 0,
            dropped: 0,
        };
        let (mut len, mut pieces) = (0, 0);
        head.for_each_piece(|p| {
            len += p.len();
            pieces += 1;
        });
        head.len = len;
        head.pieces = pieces;
        if head.no_framing {
            head.dropped = headers.iter().filter(|h| framing_header(h.name)).count();
        }
        Ok(head)
    }

    /// The serialized length in bytes: the buffer size
    /// [`write`](Self::write) needs.
    pub fn encoded_len(&self) -> usize {
        self.len
    }

    /// The number of slices [`fill_iovecs`](Self::fill_iovecs) writes.
    pub fn iovec_count(&self) -> usize {
        self.pieces
    }

    /// How many `Content-Length`/`Transfer-Encoding` headers were left out
    /// because the status (1xx, 204, 304) has no body framing.
    pub fn dropped(&self) -> usize {
        self.dropped
    }

    /// The reason phrase that is written (given, default, or empty).
    pub fn reason(&self) -> &'x [u8] {
        self.reason
    }

    /// Writes the head to the start of `buf`; returns its length
    /// ([`encoded_len`](Self::encoded_len)). Nothing is written when `buf`
    /// is too short.
    pub fn write(&self, buf: &mut [u8]) -> Result<usize, BufferTooSmall> {
        let out = buf.get_mut(..self.len).ok_or(BufferTooSmall { needed: self.len })?;
        let mut pos = 0;
        self.for_each_piece(|p| {
            out[pos..pos + p.len()].copy_from_slice(p);
            pos += p.len();
        });
        Ok(pos)
    }

    /// Fills the start of `out` with slices whose concatenation is the
    /// head, for `writev`; returns how many ([`iovec_count`](Self::iovec_count)).
    /// The slices borrow the inputs and static tables: nothing is copied.
    /// Nothing is written when `out` is too short.
    ///
    /// ```
    /// use springbok_parser::response_head::{ResponseHead, ResponseOptions};
    /// use springbok_parser::Header;
    ///
    /// let headers = [Header { name: b"Set-Cookie", value: b"a=1\nb=2" }];
    /// let head = ResponseHead::new(200, Some(b"Fine"), &headers, &ResponseOptions::rack2()).unwrap();
    /// let mut iov: [&[u8]; 16] = [&[]; 16];
    /// assert_eq!(head.iovec_count(), 13);
    /// let n = head.fill_iovecs(&mut iov).unwrap();
    /// assert_eq!(iov[..n].concat(), b"HTTP/1.1 200 Fine\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\n\r\n");
    /// ```
    pub fn fill_iovecs(&self, out: &mut [&'x [u8]]) -> Result<usize, BufferTooSmall> {
        let out = out.get_mut(..self.pieces).ok_or(BufferTooSmall { needed: self.pieces })?;
        let mut n = 0;
        self.for_each_piece(|p| {
            out[n] = p;
            n += 1;
        });
        Ok(n)
    }

    /// The head as a sequence of non-empty slices.
    fn for_each_piece(&self, mut f: impl FnMut(&'x [u8])) {
        f(match self.version {
            HttpVersion::Http10 => b"HTTP/1.0 ",
            HttpVersion::Http11 => b"HTTP/1.1 ",
        });
        let i = usize::from(self.status - 100) * 4;
        f(&CODES[i..i + 4]);
        if !self.reason.is_empty() {
            f(self.reason);
        }
        f(b"\r\n");
        for h in self.headers {
            if self.no_framing && framing_header(h.name) {
                continue;
            }
            for line in lines(h.value, self.split) {
                f(h.name);
                f(b": ");
                if !line.is_empty() {
                    f(line);
                }
                f(b"\r\n");
            }
        }
        f(b"\r\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::vec::Vec;

    #[test]
    fn codes_table() {
        for status in 100u16..=999 {
            let i = usize::from(status - 100) * 4;
            assert_eq!(&CODES[i..i + 4], std::format!("{status} ").as_bytes());
        }
    }

    #[test]
    fn ruby_split_rules() {
        let l = |v: &'static [u8]| lines(v, true).collect::<Vec<_>>();
        assert_eq!(l(b"a\n\nb\n\n"), [&b"a"[..], b"", b"b"]);
        assert_eq!(l(b"\n\n"), Vec::<&[u8]>::new());
        assert_eq!(l(b""), [&b""[..]]);
        assert_eq!(l(b"\na"), [&b""[..], b"a"]);
        assert_eq!(lines(b"a\nb", false).collect::<Vec<_>>(), [&b"a\nb"[..]]);
    }

    #[test]
    fn reasons_are_valid_phrases() {
        for status in 100u16..=999 {
            if let Some(r) = default_reason(status) {
                assert!(!r.is_empty() && r.bytes().all(|b| is(b, VALUE)));
            }
        }
    }
}
