//! The picohttpparser-compatible layer: `sb_header` is laid out exactly like
//! `struct phr_header`, and the calls here have the signatures and return
//! conventions of `phr_parse_request`, `phr_parse_response` and
//! `phr_parse_headers`.
//!
//! Each call is one layer, as picohttpparser's are: check the arguments
//! (a compare each), run the parser once, straight into the caller's
//! `sb_header` array ([`FromHeader`]), and let its sink write the scalar
//! outputs and make the return value inside the parser's backend function
//! ([`HeadSink`]).
//!
//! Differences from picohttpparser, all documented in `ffi/README.md`:
//! parsing is strict RFC 9112 unless a `_with_config` variant is given a
//! lenient config; on -1 and -2 no scalar output and not `*num_headers`
//! is written (picohttpparser fills in what it parsed so far; the header
//! array may have been written, as picohttpparser's is); obs-fold
//! continuation values are trimmed; NULL pointers and bad lengths return -1
//! instead of crashing.

use std::ffi::{c_char, c_int};
use std::mem::MaybeUninit;

use springbok_parser::{Error, FromHeader, HeadSink, Header, ParserConfig, RequestLine, StatusLine};

use crate::config::sb_parser_config;
use crate::ptr::{
    guard, mut_unchecked, out_slice_unchecked, oversized, slice_unchecked, try_mut, try_out, try_out_slice, try_ref,
    try_slice, unusable,
};

/// One header field, laid out exactly like picohttpparser's
/// `struct phr_header`. Both spans point into the caller's input buffer and
/// are valid as long as it is (Springbok never copies). `name` is NULL (and
/// `name_len` 0) for an obs-fold continuation line, which only a config with
/// `SB_PARSER_OBS_FOLD_CONTINUATION` produces; `value` is never NULL after a
/// successful parse, even when `value_len` is 0.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct sb_header {
    /// The field name as sent (not case-folded), or NULL for a continuation.
    pub name: *const c_char,
    /// Length of `name` in bytes.
    pub name_len: usize,
    /// The field value without surrounding whitespace.
    pub value: *const c_char,
    /// Length of `value` in bytes.
    pub value_len: usize,
}

/// The parser writes headers straight into the caller's array.
impl<'b> FromHeader<'b> for sb_header {
    #[inline(always)]
    fn from_header(h: Header<'b>) -> Self {
        sb_header {
            name: h.name.as_ptr().cast(),
            name_len: h.name.len(),
            value: h.value.as_ptr().cast(),
            value_len: h.value.len(),
        }
    }

    /// A continuation line's name is NULL.
    #[inline(always)]
    fn from_continuation(h: Header<'b>) -> Self {
        sb_header { name: std::ptr::null(), name_len: 0, value: h.value.as_ptr().cast(), value_len: h.value.len() }
    }
}

/// picohttpparser's return value for a complete head of `head_len` bytes:
/// the length, or -1 for a head longer than `INT_MAX`.
#[inline(always)]
fn head_len_ret(head_len: usize) -> Option<c_int> {
    c_int::try_from(head_len).ok()
}

/// The arguments every picohttpparser-shaped call has, checked: the input,
/// the header storage and its in/out count.
struct Common<'a> {
    buf: &'a [u8],
    headers: &'a mut [MaybeUninit<sb_header>],
    num_headers: &'a mut usize,
}

/// Whether the common arguments pass the first check: `others` is the OR
/// of [`unusable`] over the call's other output pointers. `false` sends
/// the call to [`checked`]: a NULL or misaligned pointer, `buf` NULL, a
/// length too large, or `last_len > len`.
///
/// # Safety
/// As [`checked`].
#[inline(always)]
unsafe fn fast_ok(
    buf: *const c_char,
    len: usize,
    last_len: usize,
    headers: *mut sb_header,
    num_headers: *mut usize,
    others: usize,
) -> bool {
    let refused = others | unusable(num_headers) | unusable(headers) | oversized::<u8>(len);
    // SAFETY: `num_headers` is non-NULL and aligned when `refused` is 0
    // (read only then) and points to a `size_t` (the caller's contract).
    refused == 0 && !buf.is_null() && last_len <= len && oversized::<sb_header>(unsafe { *num_headers }) == 0
}

/// The common arguments after [`fast_ok`].
///
/// # Safety
/// [`fast_ok`] returned `true` for them, and the caller's contract holds
/// (as [`checked`]).
#[inline(always)]
unsafe fn fast<'a>(buf: *const c_char, len: usize, headers: *mut sb_header, num_headers: *mut usize) -> Common<'a> {
    // SAFETY: `buf` is non-NULL and points to `len` readable bytes, no more
    // than `isize::MAX`; `headers` is non-NULL, aligned and points to
    // `*num_headers` writable entries, no more than `isize::MAX` bytes;
    // `num_headers` is non-NULL and aligned; none aliases another (the
    // caller's contract and `fast_ok`).
    unsafe {
        let num_headers = mut_unchecked(num_headers);
        Common {
            buf: slice_unchecked(buf.cast::<u8>(), len),
            headers: out_slice_unchecked(headers, *num_headers),
            num_headers,
        }
    }
}

/// The common arguments checked one by one, for a call the first check
/// sent here. `None` (the call returns -1) when an argument is refused: a
/// NULL pointer (`buf` may be NULL when `len` is 0, `headers` when
/// `*num_headers` is 0), a misaligned one, `len` or `*num_headers` beyond
/// what a Rust slice can hold, or `last_len > len`. `others_ok` says
/// whether the call's other outputs passed their own checks.
///
/// # Safety
/// `buf` must be NULL or point to `len` readable bytes; `num_headers`
/// NULL or point to a `size_t`; `headers` NULL or point to
/// `*num_headers` writable entries; none aliasing another or the outputs.
unsafe fn checked<'a>(
    buf: *const c_char,
    len: usize,
    last_len: usize,
    headers: *mut sb_header,
    num_headers: *mut usize,
    others_ok: bool,
) -> Option<Common<'a>> {
    if !others_ok || last_len > len {
        return None;
    }
    // SAFETY: forwarded from the caller.
    unsafe {
        let num_headers = try_mut(num_headers).ok()?;
        let buf = try_slice(buf.cast::<u8>(), len).ok()?;
        let headers = try_out_slice(headers, *num_headers).ok()?;
        Some(Common { buf, headers, num_headers })
    }
}

/// `phr_parse_request`'s outputs beside the headers, as the caller passed
/// them. The export gathers them in one struct before it checks anything:
/// the parse's sink ([`RequestSink`]) and the exact checks of a refused call
/// both take it by reference, so its stores come first and free the
/// argument registers for the checks (no callee-saved registers to save),
/// and a refused call passes one pointer instead of six.
#[derive(Clone, Copy)]
struct RequestPtrs {
    method: *mut *const c_char,
    method_len: *mut usize,
    path: *mut *const c_char,
    path_len: *mut usize,
    minor_version: *mut c_int,
    num_headers: *mut usize,
}

impl RequestPtrs {
    /// The OR of [`unusable`] over the outputs other than `num_headers`.
    #[inline(always)]
    fn unusable(&self) -> usize {
        unusable(self.method)
            | unusable(self.method_len)
            | unusable(self.path)
            | unusable(self.path_len)
            | unusable(self.minor_version)
    }

    /// Whether each output other than `num_headers` is non-NULL and
    /// aligned, checked one by one.
    ///
    /// # Safety
    /// Each pointer must be NULL or point to a writable value of its type.
    unsafe fn usable(&self) -> bool {
        // SAFETY: forwarded from the caller.
        unsafe {
            try_out(self.method).is_ok()
                && try_out(self.method_len).is_ok()
                && try_out(self.path).is_ok()
                && try_out(self.path_len).is_ok()
                && try_out(self.minor_version).is_ok()
        }
    }
}

/// [`RequestPtrs`] that passed the checks, as the parse's sink: it writes
/// them on success.
///
/// Invariant: every pointer is non-NULL, aligned and points to a writable
/// value of its type that nothing else accesses while the sink lives.
struct RequestSink<'a>(&'a RequestPtrs);

impl<'a> RequestSink<'a> {
    /// # Safety
    /// `ptrs` must satisfy the invariant of [`RequestSink`].
    #[inline(always)]
    unsafe fn new(ptrs: &'a RequestPtrs) -> Self {
        RequestSink(ptrs)
    }
}

impl<'b> HeadSink<RequestLine<'b>> for RequestSink<'_> {
    type Output = c_int;

    #[inline(always)]
    fn complete(self, line: RequestLine<'b>, num_headers: usize, head_len: usize) -> c_int {
        let Some(ret) = head_len_ret(head_len) else { return -1 };
        let p = self.0;
        // SAFETY: each pointer is non-NULL, aligned, writable and not
        // accessed otherwise (the invariant of `RequestSink`).
        unsafe {
            p.method.write(line.method.as_ptr().cast());
            p.method_len.write(line.method.len());
            p.path.write(line.target.as_ptr().cast());
            p.path_len.write(line.target.len());
            p.minor_version.write(c_int::from(line.minor_version));
            p.num_headers.write(num_headers);
        }
        ret
    }

    #[inline(always)]
    fn partial(self) -> c_int {
        -2
    }

    #[inline(always)]
    fn invalid(self, _: Error) -> c_int {
        -1
    }
}

/// `phr_parse_response`'s outputs beside the headers, as the caller passed
/// them; see [`RequestPtrs`].
#[derive(Clone, Copy)]
struct ResponsePtrs {
    minor_version: *mut c_int,
    status: *mut c_int,
    msg: *mut *const c_char,
    msg_len: *mut usize,
    num_headers: *mut usize,
}

impl ResponsePtrs {
    /// The OR of [`unusable`] over the outputs other than `num_headers`.
    #[inline(always)]
    fn unusable(&self) -> usize {
        unusable(self.minor_version) | unusable(self.status) | unusable(self.msg) | unusable(self.msg_len)
    }

    /// Whether each output other than `num_headers` is non-NULL and
    /// aligned, checked one by one.
    ///
    /// # Safety
    /// Each pointer must be NULL or point to a writable value of its type.
    unsafe fn usable(&self) -> bool {
        // SAFETY: forwarded from the caller.
        unsafe {
            try_out(self.minor_version).is_ok()
                && try_out(self.status).is_ok()
                && try_out(self.msg).is_ok()
                && try_out(self.msg_len).is_ok()
        }
    }
}

/// [`ResponsePtrs`] that passed the checks, as the parse's sink.
///
/// Invariant: as [`RequestSink`]'s.
struct ResponseSink<'a>(&'a ResponsePtrs);

impl<'a> ResponseSink<'a> {
    /// # Safety
    /// `ptrs` must satisfy the invariant of [`ResponseSink`].
    #[inline(always)]
    unsafe fn new(ptrs: &'a ResponsePtrs) -> Self {
        ResponseSink(ptrs)
    }
}

impl<'b> HeadSink<StatusLine<'b>> for ResponseSink<'_> {
    type Output = c_int;

    #[inline(always)]
    fn complete(self, line: StatusLine<'b>, num_headers: usize, head_len: usize) -> c_int {
        let Some(ret) = head_len_ret(head_len) else { return -1 };
        let p = self.0;
        // SAFETY: each pointer is non-NULL, aligned, writable and not
        // accessed otherwise (the invariant of `ResponseSink`).
        unsafe {
            p.minor_version.write(c_int::from(line.minor_version));
            p.status.write(c_int::from(line.code));
            p.msg.write(line.reason.as_ptr().cast());
            p.msg_len.write(line.reason.len());
            p.num_headers.write(num_headers);
        }
        ret
    }

    #[inline(always)]
    fn partial(self) -> c_int {
        -2
    }

    #[inline(always)]
    fn invalid(self, _: Error) -> c_int {
        -1
    }
}

/// `phr_parse_headers`'s one output beside the headers: the count.
struct BlockOut<'a> {
    num_headers: &'a mut usize,
}

impl HeadSink<()> for BlockOut<'_> {
    type Output = c_int;

    #[inline(always)]
    fn complete(self, _: (), num_headers: usize, len: usize) -> c_int {
        let Some(ret) = head_len_ret(len) else { return -1 };
        *self.num_headers = num_headers;
        ret
    }

    #[inline(always)]
    fn partial(self) -> c_int {
        -2
    }

    #[inline(always)]
    fn invalid(self, _: Error) -> c_int {
        -1
    }
}

/// `sb_parse_request` with `config`: the arguments checked, one parse.
///
/// # Safety
/// picohttpparser's contract: `buf` NULL or `len` readable bytes, each
/// output NULL or writable, `headers` NULL or `*num_headers` writable
/// entries; none aliasing another or the input.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
unsafe fn request(
    config: &ParserConfig,
    buf: *const c_char,
    len: usize,
    method: *mut *const c_char,
    method_len: *mut usize,
    path: *mut *const c_char,
    path_len: *mut usize,
    minor_version: *mut c_int,
    headers: *mut sb_header,
    num_headers: *mut usize,
    last_len: usize,
) -> c_int {
    let ptrs = RequestPtrs { method, method_len, path, path_len, minor_version, num_headers };
    // SAFETY: forwarded from the caller.
    if !unsafe { fast_ok(buf, len, last_len, headers, num_headers, ptrs.unusable()) } {
        // SAFETY: forwarded from the caller.
        return unsafe { request_checked(buf, len, last_len, headers, &ptrs, config) };
    }
    // SAFETY: `fast_ok` passed; the caller's contract.
    let c = unsafe { fast(buf, len, headers, num_headers) };
    // SAFETY: each output is non-NULL and aligned (`fast_ok` checked) and
    // writable, with no other access during the call (the caller's
    // contract; `c` keeps no reference to `*num_headers` past here).
    let sink = unsafe { RequestSink::new(&ptrs) };
    config.parse_request_into(c.buf, last_len, c.headers, sink)
}

/// [`request`] for a call its first check refused: the exact checks, then
/// the same parse.
///
/// # Safety
/// As [`request`].
#[cold]
#[inline(never)]
unsafe fn request_checked(
    buf: *const c_char,
    len: usize,
    last_len: usize,
    headers: *mut sb_header,
    ptrs: &RequestPtrs,
    config: &ParserConfig,
) -> c_int {
    // SAFETY: forwarded from the caller.
    if !unsafe { ptrs.usable() } {
        return -1;
    }
    // SAFETY: forwarded from the caller.
    let Some(c) = (unsafe { checked(buf, len, last_len, headers, ptrs.num_headers, true) }) else {
        return -1;
    };
    let Common { buf, headers, .. } = c;
    // SAFETY: every output passed its exact check (`usable`, and `checked`
    // for `num_headers`) and is writable, with no other access during the
    // call (the caller's contract).
    let sink = unsafe { RequestSink::new(ptrs) };
    config.parse_request_into(buf, last_len, headers, sink)
}

/// `sb_parse_response` with `config`; see [`request`].
///
/// # Safety
/// As [`request`].
#[allow(clippy::too_many_arguments)]
#[inline(always)]
unsafe fn response(
    config: &ParserConfig,
    buf: *const c_char,
    len: usize,
    minor_version: *mut c_int,
    status: *mut c_int,
    msg: *mut *const c_char,
    msg_len: *mut usize,
    headers: *mut sb_header,
    num_headers: *mut usize,
    last_len: usize,
) -> c_int {
    let ptrs = ResponsePtrs { minor_version, status, msg, msg_len, num_headers };
    // SAFETY: forwarded from the caller.
    if !unsafe { fast_ok(buf, len, last_len, headers, num_headers, ptrs.unusable()) } {
        // SAFETY: forwarded from the caller.
        return unsafe { response_checked(buf, len, last_len, headers, &ptrs, config) };
    }
    // SAFETY: `fast_ok` passed; the caller's contract.
    let c = unsafe { fast(buf, len, headers, num_headers) };
    // SAFETY: as in `request`.
    let sink = unsafe { ResponseSink::new(&ptrs) };
    config.parse_response_into(c.buf, last_len, c.headers, sink)
}

/// [`response`] for a call its first check refused; see
/// [`request_checked`].
///
/// # Safety
/// As [`request`].
#[cold]
#[inline(never)]
unsafe fn response_checked(
    buf: *const c_char,
    len: usize,
    last_len: usize,
    headers: *mut sb_header,
    ptrs: &ResponsePtrs,
    config: &ParserConfig,
) -> c_int {
    // SAFETY: forwarded from the caller.
    if !unsafe { ptrs.usable() } {
        return -1;
    }
    // SAFETY: forwarded from the caller.
    let Some(c) = (unsafe { checked(buf, len, last_len, headers, ptrs.num_headers, true) }) else {
        return -1;
    };
    let Common { buf, headers, .. } = c;
    // SAFETY: as in `request_checked`.
    let sink = unsafe { ResponseSink::new(ptrs) };
    config.parse_response_into(buf, last_len, headers, sink)
}

/// `sb_parse_headers` with `config`; see [`request`].
///
/// # Safety
/// As [`request`].
#[inline(always)]
unsafe fn block(
    config: &ParserConfig,
    buf: *const c_char,
    len: usize,
    headers: *mut sb_header,
    num_headers: *mut usize,
    last_len: usize,
) -> c_int {
    // SAFETY: forwarded from the caller.
    if !unsafe { fast_ok(buf, len, last_len, headers, num_headers, 0) } {
        // SAFETY: forwarded from the caller.
        return unsafe { block_checked(buf, len, headers, num_headers, last_len, config) };
    }
    // SAFETY: `fast_ok` passed; the caller's contract.
    let c = unsafe { fast(buf, len, headers, num_headers) };
    config.parse_headers_into(c.buf, last_len, c.headers, BlockOut { num_headers: c.num_headers })
}

/// [`block`] for a call its first check refused; see [`request_checked`].
///
/// # Safety
/// As [`request`].
#[cold]
#[inline(never)]
unsafe fn block_checked(
    buf: *const c_char,
    len: usize,
    headers: *mut sb_header,
    num_headers: *mut usize,
    last_len: usize,
    config: &ParserConfig,
) -> c_int {
    // SAFETY: forwarded from the caller.
    let Some(c) = (unsafe { checked(buf, len, last_len, headers, num_headers, true) }) else {
        return -1;
    };
    config.parse_headers_into(c.buf, last_len, c.headers, BlockOut { num_headers: c.num_headers })
}

/// The config behind a `_with_config` call, or `None` for NULL (or a
/// misaligned pointer).
///
/// # Safety
/// `config` must be NULL or a live `sb_parser_config`.
#[inline(always)]
unsafe fn config_ref<'a>(config: *const sb_parser_config) -> Option<&'a ParserConfig> {
    // SAFETY: forwarded from the caller.
    Some(&unsafe { try_ref(config) }.ok()?.inner)
}

const STRICT: ParserConfig = ParserConfig::new();

/// Parses an HTTP/1.x request head, strictly (RFC 9112), with the signature
/// and return convention of picohttpparser's `phr_parse_request`.
///
/// `buf`/`len` is the data received so far. `last_len` is `len` at the
/// previous call for this request that returned -2, or 0: with it, a head
/// that arrives a few bytes at a time is not rescanned from the start.
/// `*num_headers` is the capacity of `headers` on entry.
///
/// Returns the length of the head (the body starts at `buf + ret`) and sets
/// `*method`/`*method_len`, `*path`/`*path_len` (spans of `buf`),
/// `*minor_version` (0 or 1), `headers[0..n]` and `*num_headers = n`.
/// Returns -2 when the head is incomplete and -1 when it is invalid, has more
/// than `*num_headers` headers or breaks a default limit, or when an
/// argument is NULL (`buf` may be NULL only when `len` is 0; `headers` only
/// when `*num_headers` is 0), `last_len > len`, or the head is longer than
/// `INT_MAX`. On -1 and -2 no scalar output and not `*num_headers` is
/// written: unlike picohttpparser, partial results are not reported. As
/// with picohttpparser, the entries of `headers` may have been written
/// (with spans of `buf`), never past `*num_headers`. Use
/// `sb_parser_config_parse_request` to learn why a head was refused.
///
/// # Safety
/// `buf` must be NULL or point to `len` readable bytes; every other pointer
/// must be NULL or valid for its type, `headers` for `*num_headers`
/// entries; outputs must not overlap each other or the input.
#[no_mangle]
pub unsafe extern "C" fn sb_parse_request(
    buf: *const c_char,
    len: usize,
    method: *mut *const c_char,
    method_len: *mut usize,
    path: *mut *const c_char,
    path_len: *mut usize,
    minor_version: *mut c_int,
    headers: *mut sb_header,
    num_headers: *mut usize,
    last_len: usize,
) -> c_int {
    // SAFETY: the export's contract is `request`'s.
    guard(-1, || unsafe {
        request(&STRICT, buf, len, method, method_len, path, path_len, minor_version, headers, num_headers, last_len)
    })
}

/// `sb_parse_request` with the leniencies and limits of `config` (for
/// instance `SB_PARSER_PICOHTTPPARSER` for picohttpparser's behaviour).
/// A NULL `config` returns -1.
///
/// # Safety
/// `buf` must be NULL or point to `len` readable bytes; every other pointer
/// must be NULL or valid for its type, `headers` for `*num_headers`
/// entries; outputs must not overlap each other or the input. `config` must
/// be NULL or a live config.
#[no_mangle]
pub unsafe extern "C" fn sb_parse_request_with_config(
    config: *const sb_parser_config,
    buf: *const c_char,
    len: usize,
    method: *mut *const c_char,
    method_len: *mut usize,
    path: *mut *const c_char,
    path_len: *mut usize,
    minor_version: *mut c_int,
    headers: *mut sb_header,
    num_headers: *mut usize,
    last_len: usize,
) -> c_int {
    // SAFETY: `config` is NULL or a live config; the rest is `request`'s
    // contract (the export's).
    guard(-1, || unsafe {
        match config_ref(config) {
            Some(config) => request(
                config,
                buf,
                len,
                method,
                method_len,
                path,
                path_len,
                minor_version,
                headers,
                num_headers,
                last_len,
            ),
            None => -1,
        }
    })
}

/// Parses an HTTP/1.x response head, strictly, with the signature and
/// return convention of picohttpparser's `phr_parse_response`. On success
/// sets `*minor_version`, `*status` (100–999), `*msg`/`*msg_len` (the reason
/// phrase, possibly empty), the headers and `*num_headers`; otherwise as
/// `sb_parse_request`.
///
/// # Safety
/// `buf` must be NULL or point to `len` readable bytes; every other pointer
/// must be NULL or valid for its type, `headers` for `*num_headers`
/// entries; outputs must not overlap each other or the input.
#[no_mangle]
pub unsafe extern "C" fn sb_parse_response(
    buf: *const c_char,
    len: usize,
    minor_version: *mut c_int,
    status: *mut c_int,
    msg: *mut *const c_char,
    msg_len: *mut usize,
    headers: *mut sb_header,
    num_headers: *mut usize,
    last_len: usize,
) -> c_int {
    // SAFETY: the export's contract is `response`'s.
    guard(-1, || unsafe {
        response(&STRICT, buf, len, minor_version, status, msg, msg_len, headers, num_headers, last_len)
    })
}

/// `sb_parse_response` with the leniencies and limits of `config`. A NULL
/// `config` returns -1.
///
/// # Safety
/// `buf` must be NULL or point to `len` readable bytes; every other pointer
/// must be NULL or valid for its type, `headers` for `*num_headers`
/// entries; outputs must not overlap each other or the input. `config` must
/// be NULL or a live config.
#[no_mangle]
pub unsafe extern "C" fn sb_parse_response_with_config(
    config: *const sb_parser_config,
    buf: *const c_char,
    len: usize,
    minor_version: *mut c_int,
    status: *mut c_int,
    msg: *mut *const c_char,
    msg_len: *mut usize,
    headers: *mut sb_header,
    num_headers: *mut usize,
    last_len: usize,
) -> c_int {
    // SAFETY: `config` is NULL or a live config; the rest is `response`'s
    // contract (the export's).
    guard(-1, || unsafe {
        match config_ref(config) {
            Some(config) => {
                response(config, buf, len, minor_version, status, msg, msg_len, headers, num_headers, last_len)
            }
            None => -1,
        }
    })
}

/// Parses a bare header block (header lines ended by an empty line, as in
/// chunked trailers and multipart part heads), strictly, with the signature
/// and return convention of picohttpparser's `phr_parse_headers`. Returns
/// the block's length including the empty line; `"\r\n"` alone is a valid
/// empty block.
///
/// # Safety
/// `buf` must be NULL or point to `len` readable bytes; every other pointer
/// must be NULL or valid for its type, `headers` for `*num_headers`
/// entries; outputs must not overlap each other or the input.
#[no_mangle]
pub unsafe extern "C" fn sb_parse_headers(
    buf: *const c_char,
    len: usize,
    headers: *mut sb_header,
    num_headers: *mut usize,
    last_len: usize,
) -> c_int {
    // SAFETY: the export's contract is `block`'s.
    guard(-1, || unsafe { block(&STRICT, buf, len, headers, num_headers, last_len) })
}

/// `sb_parse_headers` with the leniencies and limits of `config`. A NULL
/// `config` returns -1.
///
/// # Safety
/// `buf` must be NULL or point to `len` readable bytes; every other pointer
/// must be NULL or valid for its type, `headers` for `*num_headers`
/// entries; outputs must not overlap each other or the input. `config` must
/// be NULL or a live config.
#[no_mangle]
pub unsafe extern "C" fn sb_parse_headers_with_config(
    config: *const sb_parser_config,
    buf: *const c_char,
    len: usize,
    headers: *mut sb_header,
    num_headers: *mut usize,
    last_len: usize,
) -> c_int {
    // SAFETY: `config` is NULL or a live config; the rest is `block`'s
    // contract (the export's).
    guard(-1, || unsafe {
        match config_ref(config) {
            Some(config) => block(config, buf, len, headers, num_headers, last_len),
            None => -1,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::mem::{align_of, offset_of, size_of};
    use std::ptr::null;

    /// `struct phr_header` as picohttpparser declares it.
    #[repr(C)]
    struct PhrHeader {
        name: *const c_char,
        name_len: usize,
        value: *const c_char,
        value_len: usize,
    }

    #[test]
    fn sb_header_has_the_layout_of_phr_header() {
        assert_eq!(size_of::<sb_header>(), size_of::<PhrHeader>());
        assert_eq!(size_of::<sb_header>(), 4 * size_of::<usize>());
        assert_eq!(align_of::<sb_header>(), align_of::<PhrHeader>());
        assert_eq!(offset_of!(sb_header, name), offset_of!(PhrHeader, name));
        assert_eq!(offset_of!(sb_header, name_len), offset_of!(PhrHeader, name_len));
        assert_eq!(offset_of!(sb_header, value), offset_of!(PhrHeader, value));
        assert_eq!(offset_of!(sb_header, value_len), offset_of!(PhrHeader, value_len));
        assert_eq!(offset_of!(sb_header, value_len), 3 * size_of::<usize>());
    }

    fn span(p: *const c_char, n: usize) -> Vec<u8> {
        // SAFETY: spans returned by a successful parse point into the test's
        // live buffer.
        unsafe { std::slice::from_raw_parts(p.cast::<u8>(), n) }.to_vec()
    }

    #[test]
    fn request_round_trip_and_no_scalar_output_on_failure() {
        let req = b"GET /a HTTP/1.1\r\nHost: x\r\n\r\nbody";
        let (mut m, mut ml, mut p, mut pl, mut v) = (null(), 0usize, null(), 0usize, -1);
        let mut hs = [sb_header { name: null(), name_len: 0, value: null(), value_len: 0 }; 4];
        let mut n = hs.len();
        let call = |len: usize, m: &mut _, ml: &mut _, p: &mut _, pl: &mut _, v: &mut _, hs: &mut [sb_header], n| {
            // SAFETY: `req` has at least `len` bytes; the outputs are live
            // locals and `hs` has `*n` entries.
            unsafe { sb_parse_request(req.as_ptr().cast(), len, m, ml, p, pl, v, hs.as_mut_ptr(), n, 0) }
        };
        assert_eq!(call(10, &mut m, &mut ml, &mut p, &mut pl, &mut v, &mut hs, &mut n), -2);
        assert!(m.is_null() && ml == 0 && p.is_null() && v == -1 && n == 4);
        assert_eq!(call(req.len(), &mut m, &mut ml, &mut p, &mut pl, &mut v, &mut hs, &mut n), 28);
        assert_eq!((span(m, ml), span(p, pl), v, n), (b"GET".to_vec(), b"/a".to_vec(), 1, 1));
        assert_eq!(
            (span(hs[0].name, hs[0].name_len), span(hs[0].value, hs[0].value_len)),
            (b"Host".to_vec(), b"x".to_vec())
        );
        // NULL output pointers are refused before anything is parsed.
        // SAFETY: as above, with one output NULL, which the call checks.
        let r = unsafe {
            sb_parse_request(
                req.as_ptr().cast(),
                req.len(),
                std::ptr::null_mut(),
                &mut ml,
                &mut p,
                &mut pl,
                &mut v,
                hs.as_mut_ptr(),
                &mut n,
                0,
            )
        };
        assert_eq!(r, -1);
    }
}
