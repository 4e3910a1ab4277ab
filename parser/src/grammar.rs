//! The head grammar: start lines and header lines, written once and shared
//! by the request, response and header-block parsers.
//!
//! Every function takes the buffer and a position and returns a [`Step`]:
//! `Ok(Some(next))` when its element is complete, `Ok(None)` when the buffer
//! ends before the element does (more input may complete it), or `Err` with
//! the offset of the first offending byte. Nothing here allocates or copies.

use crate::config::{ObsFold, ParserConfig, MAX_LEADING_EMPTY_LINES};
use crate::error::{Error, ErrorKind};
use crate::scan;
use crate::storage::{Slot, Storage};
use crate::{uri, Header};

/// Outcome of one parsing step: complete, partial (`None`) or an error.
pub(crate) type Step<T> = Result<Option<T>, Error>;

/// Returns `Ok(None)` from the enclosing function when `$e` is `None`.
macro_rules! need {
    ($e:expr) => {
        match $e {
            Some(v) => v,
            None => return Ok(None),
        }
    };
}
pub(crate) use need;

#[inline(always)]
fn err<T>(kind: ErrorKind, offset: usize) -> Step<T> {
    Err(Error::new(kind, offset))
}

/// Consumes a line ending at `pos`: CRLF, or LF alone when allowed. Any other
/// byte is an error of kind `other`.
#[inline(always)]
pub(crate) fn eol(buf: &[u8], pos: usize, config: &ParserConfig, other: ErrorKind) -> Step<usize> {
    match buf.get(pos) {
        None => Ok(None),
        Some(b'\r') => match buf.get(pos + 1) {
            None => Ok(None),
            Some(b'\n') => Ok(Some(pos + 2)),
            Some(_) => err(ErrorKind::BareCr, pos),
        },
        Some(b'\n') if config.allow_bare_lf => Ok(Some(pos + 1)),
        Some(b'\n') => err(ErrorKind::BareLf, pos),
        Some(_) => err(other, pos),
    }
}

/// Consumes the single SP at `pos` that separates start-line parts, and with
/// [`ParserConfig::allow_multiple_spaces`] any SPs after it.
#[inline(always)]
fn separator(buf: &[u8], pos: usize, config: &ParserConfig, other: ErrorKind) -> Step<usize> {
    match buf.get(pos) {
        None => return Ok(None),
        Some(b' ') => {}
        Some(_) => return err(other, pos),
    }
    let mut p = pos + 1;
    match buf.get(p) {
        None => Ok(None),
        Some(b' ') if config.allow_multiple_spaces => {
            while buf.get(p) == Some(&b' ') {
                p += 1;
            }
            Ok(if p == buf.len() { None } else { Some(p) })
        }
        Some(b' ') => err(ErrorKind::StartLineSpace, p),
        Some(_) => Ok(Some(p)),
    }
}

/// `HTTP-version = "HTTP/" DIGIT "." DIGIT`. Checks the bytes available so
/// far, so `HTTX` fails at once. Returns the minor version the message is
/// processed as and the position after the version: `HTTP/1.2` to
/// `HTTP/1.9` are processed as HTTP/1.1, as RFC 9110 §6.2 says a recipient
/// SHOULD. Another major version is unsupported (505) when the version is
/// well-formed, which takes the byte after it: `HTTP/2.0` followed by a line
/// end or SP is, `HTTP/2.01` is not (400).
#[inline(always)]
pub(crate) fn version(buf: &[u8], pos: usize) -> Step<(u8, usize)> {
    // The two common versions, checked as one 8-byte comparison each.
    match buf.get(pos..).and_then(|s| s.first_chunk::<8>()) {
        Some(b"HTTP/1.1") => return Ok(Some((1, pos + 8))),
        Some(b"HTTP/1.0") => return Ok(Some((0, pos + 8))),
        _ => {}
    }
    let avail = &buf[pos..buf.len().min(pos + 8)];
    for (i, &b) in avail.iter().enumerate() {
        let ok = match i {
            0..=4 => b == b"HTTP/"[i],
            6 => b == b'.',
            _ => b.is_ascii_digit(),
        };
        if !ok {
            return err(ErrorKind::Version, pos + i);
        }
    }
    if avail.len() < 8 {
        return Ok(None);
    }
    if avail[5] != b'1' {
        return match buf.get(pos + 8) {
            None => Ok(None),
            Some(b'\r' | b'\n' | b' ') => err(ErrorKind::UnsupportedVersion, pos),
            Some(_) => err(ErrorKind::Version, pos + 8),
        };
    }
    // `HTTP/1.2` and up: a digit after it (`HTTP/1.32`) is the caller's
    // error at the line end, as after `HTTP/1.1`.
    Ok(Some((1, pos + 8)))
}

/// The position after the empty lines before a start line: up to
/// [`MAX_LEADING_EMPTY_LINES`] of them when `allowed`, else none.
fn leading_empty_lines(buf: &[u8], config: &ParserConfig, allowed: bool) -> Step<usize> {
    let mut pos = 0;
    let mut empty_lines = 0;
    while matches!(buf.get(pos), Some(b'\r' | b'\n')) {
        if !allowed || empty_lines == MAX_LEADING_EMPTY_LINES {
            return err(ErrorKind::LeadingEmptyLine, pos);
        }
        pos = need!(eol(buf, pos, config, ErrorKind::LeadingEmptyLine)?);
        empty_lines += 1;
    }
    Ok(Some(pos))
}

/// A parsed request line: what a parse into foreign header storage
/// ([`ParserConfig::parse_request_into`]) reports beside the header count.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RequestLine<'b> {
    /// The method token, e.g. `GET`.
    pub method: &'b [u8],
    /// The request-target exactly as sent.
    pub target: &'b [u8],
    /// `0` for HTTP/1.0, `1` for HTTP/1.1.
    pub minor_version: u8,
}

/// `request-line = method SP request-target SP HTTP-version CRLF`, after
/// any leading empty lines the configuration allows. Returns the line and
/// the position of the first header line.
pub(crate) fn request_line<'b>(buf: &'b [u8], config: &ParserConfig) -> Step<(RequestLine<'b>, usize)> {
    let mut pos = need!(leading_empty_lines(buf, config, config.allow_leading_empty_lines)?);

    // method = token; `GET` settles it without a scan.
    let method_start = pos;
    pos += match buf.get(pos..) {
        Some([b'G', b'E', b'T', b' ', ..]) => 3,
        _ => scan::token_run(&buf[pos..]),
    };
    match buf.get(pos) {
        None => return Ok(None),
        Some(b' ') if pos > method_start => {}
        Some(_) => return err(ErrorKind::Method, pos),
    }
    let method = &buf[method_start..pos];
    pos = need!(separator(buf, pos, config, ErrorKind::Method)?);

    // request-target: runs of the accepted class, with `%XX` checked in
    // strict mode (the strict class excludes `%` so the run stops there).
    let target_start = pos;
    // Whether the strict scan took an IP literal (`[2001:db8::1]`): the
    // form check then makes sure it is the host.
    let mut bracket = false;
    loop {
        pos += scan::target_run(&buf[pos..], config.allow_loose_target);
        if pos - target_start > config.max_target_len {
            return err(ErrorKind::TargetTooLong, target_start);
        }
        match buf.get(pos) {
            None => return Ok(None),
            Some(b'%') if !config.allow_loose_target => {
                for i in 1..3 {
                    match buf.get(pos + i) {
                        None => return Ok(None),
                        Some(h) if h.is_ascii_hexdigit() => {}
                        Some(_) => return err(ErrorKind::Target, pos + i),
                    }
                }
                pos += 3;
            }
            // `[` and `]` are outside the strict class: only an IP literal
            // (RFC 3986 §3.2.2) may hold them.
            Some(b'[') if !config.allow_loose_target => {
                let inner = &buf[pos + 1..];
                let room = (target_start + config.max_target_len + 1).saturating_sub(pos);
                let len = inner.iter().take(room).take_while(|&&b| uri::is_ip_literal_byte(b)).count();
                if pos + 1 + len - target_start > config.max_target_len {
                    return err(ErrorKind::TargetTooLong, target_start);
                }
                match inner.get(len) {
                    None => return Ok(None),
                    Some(b']') if uri::is_ip_literal(&buf[pos..pos + len + 2]) => {}
                    // A bracket that does not open a valid literal.
                    Some(_) => return err(ErrorKind::Target, pos),
                }
                pos += len + 2;
                bracket = true;
            }
            Some(_) => break,
        }
    }
    match buf[pos] {
        b' ' if pos > target_start => {}
        // `GET\r\n` or `GET /\r\n` (HTTP/0.9 style): the version is missing.
        b'\r' | b'\n' if pos > target_start => return err(ErrorKind::Version, pos),
        b' ' => return err(ErrorKind::StartLineSpace, pos),
        _ => return err(ErrorKind::Target, pos),
    }
    let target = &buf[target_start..pos];
    if let Err(kind) = uri::check_target(method, target, config, bracket) {
        return err(kind, target_start);
    }
    pos = need!(separator(buf, pos, config, ErrorKind::Target)?);

    let (minor_version, after) = need!(version(buf, pos)?);
    let kind = if buf.get(after) == Some(&b' ') { ErrorKind::StartLineSpace } else { ErrorKind::Version };
    pos = need!(eol(buf, after, config, kind)?);
    Ok(Some((RequestLine { method, target, minor_version }, pos)))
}

/// A parsed status line: what a parse into foreign header storage
/// ([`ParserConfig::parse_response_into`]) reports beside the header count.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StatusLine<'b> {
    /// `0` for HTTP/1.0, `1` for HTTP/1.1.
    pub minor_version: u8,
    /// The status code, `100..=999`.
    pub code: u16,
    /// The reason phrase as sent (possibly empty).
    pub reason: &'b [u8],
}

/// `status-line = HTTP-version SP status-code SP [ reason-phrase ] CRLF`,
/// after any leading empty lines the configuration allows.
pub(crate) fn status_line<'b>(buf: &'b [u8], config: &ParserConfig) -> Step<(StatusLine<'b>, usize)> {
    let start = need!(leading_empty_lines(buf, config, config.allow_leading_empty_lines_in_responses)?);
    let (minor_version, mut pos) = need!(version(buf, start)?);
    pos = need!(separator(buf, pos, config, ErrorKind::Version)?);

    let mut code: u16 = 0;
    for i in 0..3 {
        match buf.get(pos + i) {
            None => return Ok(None),
            Some(d) if d.is_ascii_digit() => code = code * 10 + u16::from(d - b'0'),
            Some(_) => return err(ErrorKind::StatusCode, pos + i),
        }
    }
    if code < 100 {
        return err(ErrorKind::StatusCode, pos);
    }
    pos += 3;

    let reason_start = match buf.get(pos) {
        None => return Ok(None),
        Some(b' ') => {
            let mut p = pos + 1;
            if config.allow_multiple_spaces {
                while buf.get(p) == Some(&b' ') {
                    p += 1;
                }
            }
            p
        }
        Some(b'\r' | b'\n') if config.allow_missing_reason_space => pos,
        Some(_) => return err(ErrorKind::StatusCode, pos),
    };
    let reason_end = reason_start + scan::value_run(&buf[reason_start.min(buf.len())..]);
    let next = need!(eol(buf, reason_end, config, ErrorKind::Reason)?);
    let reason = &buf[reason_start..reason_end];
    Ok(Some((StatusLine { minor_version, code, reason }, next)))
}

/// Position after the line that starts at `pos`, without looking at its
/// content beyond line-ending rules: used to skip lines the configuration
/// says to ignore. A CR inside the line that does not precede its LF is
/// still an error.
fn skip_line(buf: &[u8], pos: usize, config: &ParserConfig) -> Step<usize> {
    let lf = pos + need!(memchr::memchr(b'\n', &buf[pos..]));
    if let Some(cr) = memchr::memchr(b'\r', &buf[pos..lf]) {
        if pos + cr + 1 != lf {
            return err(ErrorKind::BareCr, pos + cr);
        }
        return Ok(Some(lf + 1));
    }
    if !config.allow_bare_lf {
        return err(ErrorKind::BareLf, lf);
    }
    Ok(Some(lf + 1))
}

/// One field value: `OWS field-value OWS` up to the line end. Returns the
/// trimmed value's bounds and the position after the line ending.
#[inline(always)]
fn value_line(buf: &[u8], pos: usize, config: &ParserConfig) -> Step<(usize, usize, usize)> {
    let mut start = pos;
    while matches!(buf.get(start), Some(b' ' | b'\t')) {
        start += 1;
    }
    let mut end = start + scan::value_run(&buf[start.min(buf.len())..]);
    if end - start > config.max_value_len {
        return err(ErrorKind::HeaderValueTooLong, start);
    }
    let next = need!(eol(buf, end, config, ErrorKind::HeaderValue)?);
    while end > start && matches!(buf[end - 1], b' ' | b'\t') {
        end -= 1;
    }
    Ok(Some((start, end, next)))
}

/// Whether an error lets [`ParserConfig::ignore_invalid_headers`] skip the
/// line: bad bytes in a name or value, yes; limits and line endings, no.
fn skippable(e: &Error) -> bool {
    matches!(e.kind(), ErrorKind::HeaderName | ErrorKind::SpaceBeforeColon | ErrorKind::HeaderValue)
}

/// One `field-name ":" OWS field-value OWS CRLF` line (plus, with
/// [`ObsFold::Span`], its continuation lines) starting at `pos`. In a
/// response with
/// [`allow_space_before_colon_in_responses`](ParserConfig::allow_space_before_colon_in_responses),
/// whitespace may come between the name and the colon.
#[inline(always)]
fn header_line<'b>(buf: &'b [u8], pos: usize, config: &ParserConfig) -> Step<(Header<'b>, usize)> {
    let name_end = pos + scan::token_run(&buf[pos..]);
    if name_end - pos > config.max_name_len {
        return err(ErrorKind::HeaderNameTooLong, pos);
    }
    let mut colon = name_end;
    match buf.get(name_end) {
        None => return Ok(None),
        Some(b':') if name_end > pos => {}
        Some(b' ' | b'\t') if name_end > pos => {
            // `Name : v` is whitespace before the colon; `Bad Name: v` is a
            // space inside a name.
            let mut p = name_end;
            while matches!(buf.get(p), Some(b' ' | b'\t')) {
                p += 1;
            }
            match buf.get(p) {
                None => return Ok(None),
                Some(b':') if config.in_response && config.allow_space_before_colon_in_responses => {
                    colon = p;
                }
                Some(b':') => return err(ErrorKind::SpaceBeforeColon, name_end),
                Some(_) => return err(ErrorKind::HeaderName, name_end),
            }
        }
        Some(_) => return err(ErrorKind::HeaderName, name_end),
    }
    let (mut start, mut end, mut next) = need!(value_line(buf, colon + 1, config)?);
    if config.obs_fold == ObsFold::Span {
        // Absorb continuation lines into this value; an empty first line
        // makes the span start at the first non-empty continuation.
        while matches!(need!(buf.get(next)), b' ' | b'\t') {
            let (s, e, n) = need!(value_line(buf, next, config)?);
            if s < e {
                if start == end {
                    start = s;
                }
                end = e;
            }
            if end - start > config.max_value_len {
                return err(ErrorKind::HeaderValueTooLong, start);
            }
            next = n;
        }
    }
    Ok(Some((Header { name: &buf[pos..name_end], value: &buf[start..end] }, next)))
}

/// `s` without its leading and trailing SP and HTAB bytes.
#[cold]
#[inline(never)]
pub(crate) fn trim_ows(mut s: &[u8]) -> &[u8] {
    while let [b' ' | b'\t', tail @ ..] = s {
        s = tail;
    }
    while let [init @ .., b' ' | b'\t'] = s {
        s = init;
    }
    s
}

/// Header lines from `pos` up to and including the empty line that ends the
/// head, in every case: leniencies, errors, partial input. Returns the
/// position after that empty line. `first`: no header line has been seen
/// yet (the fast path in [`crate::head`] may have taken some).
#[inline(never)]
pub(crate) fn header_lines<'b, T: Slot<'b>>(
    buf: &'b [u8],
    mut pos: usize,
    config: &ParserConfig,
    headers: &mut Storage<'_, T>,
    mut first: bool,
) -> Step<usize> {
    // `first`: before any header line, a whitespace-led line is not a fold.
    // The previous header was skipped as invalid: its folds go with it.
    let mut skipped = false;
    loop {
        match *need!(buf.get(pos)) {
            b'\r' | b'\n' => return eol(buf, pos, config, ErrorKind::HeaderName),
            b' ' | b'\t' if first => {
                if !config.allow_whitespace_before_first_header {
                    return err(ErrorKind::WhitespaceBeforeFirstHeader, pos);
                }
                pos = need!(skip_line(buf, pos, config)?);
            }
            b' ' | b'\t' => match config.obs_fold {
                // Span folds are absorbed by `header_line`; one seen here
                // follows a skipped header.
                ObsFold::Span if skipped => pos = need!(skip_line(buf, pos, config)?),
                ObsFold::Continuation if skipped => pos = need!(skip_line(buf, pos, config)?),
                ObsFold::Continuation => {
                    let (start, end, next) = need!(value_line(buf, pos, config)?);
                    if !headers.push_continuation(Header { name: &buf[pos..pos], value: &buf[start..end] }) {
                        return err(ErrorKind::TooManyHeaders, pos);
                    }
                    pos = next;
                }
                ObsFold::Reject | ObsFold::Span => return err(ErrorKind::ObsFold, pos),
            },
            _ => {
                first = false;
                match header_line(buf, pos, config) {
                    Ok(Some((header, next))) => {
                        if !headers.push(header) {
                            return err(ErrorKind::TooManyHeaders, pos);
                        }
                        skipped = false;
                        pos = next;
                    }
                    Ok(None) => return Ok(None),
                    Err(e) if config.ignore_invalid_headers && skippable(&e) => {
                        skipped = true;
                        pos = need!(skip_line(buf, pos, config)?);
                    }
                    Err(e) => return Err(e),
                }
            }
        }
    }
}

/// Whether `buf[from..]` contains the end of a head: an LF followed by an
/// empty line (CRLF, or LF alone — a strict parse then reports the bare LF).
/// Used by the incremental entry points to skip reparsing a head that cannot
/// be complete yet; `block_start` makes position 0 count as a line start
/// (a header block may be empty). With `bare_lf_fails` (a configuration
/// without `allow_bare_lf`), an LF not preceded by CR also answers true: the
/// parse fails there, and it must fail when that byte arrives, as it does
/// for a buffer parsed whole, not when a head end arrives later.
pub(crate) fn may_be_complete(buf: &[u8], from: usize, block_start: bool, bare_lf_fails: bool) -> bool {
    if block_start && matches!(buf.first(), Some(b'\r' | b'\n')) {
        return true;
    }
    let mut i = from;
    while let Some(off) = memchr::memchr(b'\n', &buf[i..]) {
        let lf = i + off;
        if bare_lf_fails && (lf == 0 || buf[lf - 1] != b'\r') {
            return true;
        }
        match buf.get(lf + 1) {
            Some(b'\n') | None => return buf.get(lf + 1).is_some(),
            Some(b'\r') => match buf.get(lf + 2) {
                Some(b'\n') => return true,
                None => return false,
                Some(_) => {}
            },
            Some(_) => {}
        }
        i = lf + 1;
    }
    false
}
