//! Start lines: the request line, the status line, and a header block's
//! none, each in its common form for the fast path and by the general
//! grammar for the rest.

use crate::config::ParserConfig;
use crate::grammar::{self, RequestLine, StatusLine, Step};
use crate::scan;
use crate::simd::Cpu;
use crate::Header;

/// A start line the fast path takes in its common form: the request line,
/// the status line, or a header block's none ([`NoLine`]). The fast path
/// and the general grammar work for each (`super::fast_head`,
/// `super::general_head`).
pub(crate) trait StartLine<'b>: Sized {
    /// Whether the head is a bare header block ([`NoLine`]), which may be
    /// empty: its first byte can start the empty line that ends it.
    const BLOCK: bool = false;

    /// Whether the line is a status line, for the response-only leniencies.
    const RESPONSE: bool = false;

    /// The entry point's result for a complete head with this line.
    type Head<'h>
    where
        'b: 'h;

    /// The line as a [`crate::HeadSink`] is told it: [`RequestLine`],
    /// [`StatusLine`] or `()`.
    type Public;

    /// Returns the common form of the line at the start of `buf` and the position
    /// after it, or `None` for anything else (including a line cut short),
    /// which the general grammar then takes from the start.
    fn parse_common<B: Cpu>(cpu: B, buf: &'b [u8], config: &ParserConfig) -> Option<(Self, usize)>;

    /// Returns the line by the general grammar, with every leniency and error.
    fn parse_general(buf: &'b [u8], config: &ParserConfig) -> Step<(Self, usize)>;

    /// Returns the result for a head of `head_len` bytes with this line and
    /// `headers`.
    fn into_head<'h>(self, headers: &'h [Header<'b>], head_len: usize) -> Self::Head<'h>
    where
        'b: 'h;

    /// Returns the line's public form.
    fn into_public(self) -> Self::Public;
}

impl<'b> StartLine<'b> for RequestLine<'b> {
    type Head<'h>
        = crate::Request<'b, 'h>
    where
        'b: 'h;

    type Public = Self;

    #[inline(always)]
    fn parse_common<B: Cpu>(cpu: B, buf: &'b [u8], config: &ParserConfig) -> Option<(Self, usize)> {
        common_request_line(cpu, buf, config)
    }

    fn parse_general(buf: &'b [u8], config: &ParserConfig) -> Step<(Self, usize)> {
        grammar::request_line(buf, config)
    }

    #[inline(always)]
    fn into_head<'h>(self, headers: &'h [Header<'b>], head_len: usize) -> Self::Head<'h>
    where
        'b: 'h,
    {
        crate::Request {
            method: self.method,
            target: self.target,
            minor_version: self.minor_version,
            headers,
            head_len,
        }
    }

    #[inline(always)]
    fn into_public(self) -> Self::Public {
        self
    }
}

impl<'b> StartLine<'b> for StatusLine<'b> {
    const RESPONSE: bool = true;

    type Head<'h>
        = crate::Response<'b, 'h>
    where
        'b: 'h;

    type Public = Self;

    #[inline(always)]
    fn parse_common<B: Cpu>(cpu: B, buf: &'b [u8], config: &ParserConfig) -> Option<(Self, usize)> {
        common_status_line(cpu, buf, config)
    }

    fn parse_general(buf: &'b [u8], config: &ParserConfig) -> Step<(Self, usize)> {
        grammar::status_line(buf, config)
    }

    #[inline(always)]
    fn into_head<'h>(self, headers: &'h [Header<'b>], head_len: usize) -> Self::Head<'h>
    where
        'b: 'h,
    {
        crate::Response { minor_version: self.minor_version, code: self.code, reason: self.reason, headers, head_len }
    }

    #[inline(always)]
    fn into_public(self) -> Self::Public {
        self
    }
}

/// The start line of a bare header block (chunked trailers, multipart part
/// heads): none. The block's header lines start at its first byte.
pub(crate) struct NoLine;

impl<'b> StartLine<'b> for NoLine {
    const BLOCK: bool = true;

    type Head<'h>
        = crate::HeaderBlock<'b, 'h>
    where
        'b: 'h;

    type Public = ();

    #[inline(always)]
    fn parse_common<B: Cpu>(_: B, _: &'b [u8], _: &ParserConfig) -> Option<(Self, usize)> {
        Some((NoLine, 0))
    }

    fn parse_general(_: &'b [u8], _: &ParserConfig) -> Step<(Self, usize)> {
        Ok(Some((NoLine, 0)))
    }

    #[inline(always)]
    fn into_head<'h>(self, headers: &'h [Header<'b>], len: usize) -> Self::Head<'h>
    where
        'b: 'h,
    {
        crate::HeaderBlock { headers, len }
    }

    #[inline(always)]
    fn into_public(self) -> Self::Public {}
}

/// Returns the minor version of `HTTP/1.0` or `HTTP/1.1` as 8 bytes, or `None` for
/// anything else: one word compare, as the two differ only in the last
/// byte's lowest bit.
#[inline(always)]
fn version_1x(version: &[u8; 8]) -> Option<u8> {
    let diff = u64::from_le_bytes(*version) ^ u64::from_le_bytes(*b"HTTP/1.0");
    if diff & !(1 << 56) != 0 {
        return None;
    }
    Some((diff >> 56) as u8)
}

/// Returns the common request line (`method SP target SP HTTP/1.1 CRLF`, or 1.0,
/// with a single space each, a method other than CONNECT and an
/// origin-form target, strict or loose as configured), or `None` for
/// anything else (including a line cut short).
#[inline(always)]
fn common_request_line<'b, B: Cpu>(cpu: B, buf: &'b [u8], config: &ParserConfig) -> Option<(RequestLine<'b>, usize)> {
    // `GET ` as one 4-byte compare (a `b"GET "` pattern compiles to four
    // byte compares); other methods by their scan.
    let (method, after) = match buf.split_first_chunk::<4>() {
        Some((get, after)) if *get == *b"GET " => (&buf[..3], after),
        // CONNECT's authority-form target is the grammar's.
        _ if buf.starts_with(b"CONNECT ") => return None,
        _ => match buf.split_at_checked(scan::token_run_in(buf, B::BACKEND))? {
            (method @ [_, ..], [b' ', after @ ..]) => (method, after),
            _ => return None,
        },
    };
    let target_start = method.len() + 1;
    // Only origin-form here: the other forms depend on the method.
    let [b'/', ..] = after else { return None };
    // The target and what follows its SP.
    let (target_len, tail) = match after.split_first_chunk::<2>() {
        // `/` alone settles it without a scan (one 2-byte compare).
        Some((slash_sp, tail)) if *slash_sp == *b"/ " => (1, tail),
        _ => {
            let mut n = 0;
            loop {
                n += cpu.target_run(&after[n..], config.allow_loose_target);
                match after.get(n..)? {
                    [b' ', tail @ ..] => break (n, tail),
                    // Strict targets stop at `%` (outside the strict class)
                    // for the escape to be checked.
                    [b'%', h1, h2, ..]
                        if !config.allow_loose_target && h1.is_ascii_hexdigit() && h2.is_ascii_hexdigit() =>
                    {
                        n += 3
                    }
                    _ => return None,
                }
            }
        }
    };
    if target_len == 0 || target_len > config.max_target_len {
        return None;
    }
    let target = after.get(..target_len)?;
    // The version as one 8-byte word compare, the line end as one 2-byte,
    // after one length check.
    let version_eol = tail.first_chunk::<10>()?;
    let minor_version = version_1x(version_eol.first_chunk::<8>()?)?;
    if version_eol[8..] != *b"\r\n" {
        return None;
    }
    Some((RequestLine { method, target, minor_version }, target_start + target_len + 11))
}

/// Returns the common status line (`HTTP/1.1 SP status-code SP reason-phrase
/// CRLF`, or 1.0, with a code of at least 100), or `None` for anything else
/// (including a line cut short). Where the configuration allows runs of SP,
/// which the grammar skips before the reason phrase, a reason phrase that
/// starts with SP is left to the grammar.
#[inline(always)]
fn common_status_line<'b, B: Cpu>(_: B, buf: &'b [u8], config: &ParserConfig) -> Option<(StatusLine<'b>, usize)> {
    let (version, rest) = buf.split_first_chunk::<8>()?;
    let minor_version = version_1x(version)?;
    // A first digit of 1 to 9 is the grammar's "at least 100".
    let (&[b' ', d0 @ b'1'..=b'9', d1 @ b'0'..=b'9', d2 @ b'0'..=b'9', b' '], rest) = rest.split_first_chunk::<5>()?
    else {
        return None;
    };
    if config.allow_multiple_spaces && rest.first() == Some(&b' ') {
        return None;
    }
    // The run the grammar measures (its 16-byte SSE2 first step answers
    // the common short phrases at once).
    let reason_len = scan::value_run_in(rest, B::BACKEND);
    if rest.get(reason_len..reason_len + 2) != Some(b"\r\n") {
        return None;
    }
    let code = u16::from(d0 - b'0') * 100 + u16::from(d1 - b'0') * 10 + u16::from(d2 - b'0');
    Some((StatusLine { minor_version, code, reason: &rest[..reason_len] }, 13 + reason_len + 2))
}
