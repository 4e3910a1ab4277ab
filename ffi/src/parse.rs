//! Head parsing into C header storage, shared by the picohttpparser-shaped
//! calls, and the extended calls (`sb_parser_config_parse_*`) with
//! `sb_result` codes and `sb_error` detail.

use std::ffi::{c_char, c_int};
use std::mem::MaybeUninit;

use springbok_parser::{Error, Header, ParserConfig, Status};

use crate::config::sb_parser_config;
use crate::error::{sb_error, sb_result};
use crate::failure::{finish, Detail, Failure};
use crate::pico::sb_header;
use crate::ptr::{guard, try_out, try_out_opt, try_out_slice, try_ref, try_slice, ArgError};
use crate::scratch::Scratch;

impl Detail for Error {
    fn detail(&self) -> sb_error {
        sb_error::from_parse(*self)
    }
}

/// Header slots parsed into before they are copied to the caller's
/// `sb_header` array (whose layout differs from `Header`'s): on the stack
/// for up to this many headers, on the heap beyond. Copying also means the
/// caller's array is written only when the parse succeeds.
const STACK_SLOTS: usize = 128;

/// Scratch header slots for a parse.
type Slots<'b> = Scratch<Header<'b>, STACK_SLOTS>;

/// Returns scratch slots for as many headers as the caller has room for,
/// but no more than `buf` can hold (every header line takes at least two
/// bytes), so a huge `*num_headers` costs nothing and the too-many-headers
/// check is unchanged.
fn slots<'s, 'b>(scratch: &'s mut Slots<'b>, room: usize, buf_len: usize) -> &'s mut [MaybeUninit<Header<'b>>] {
    scratch.uninit(room.min(buf_len / 2 + 1))
}

/// Copies parsed headers to the caller's storage. `out` is at least as long
/// as `parsed` (the scratch storage was sized from it).
fn copy_headers(parsed: &[Header<'_>], out: &mut [MaybeUninit<sb_header>]) {
    for (h, slot) in parsed.iter().zip(out.iter_mut()) {
        let name = if h.name.is_empty() { std::ptr::null() } else { h.name.as_ptr().cast() };
        slot.write(sb_header {
            name,
            name_len: h.name.len(),
            value: h.value.as_ptr().cast(),
            value_len: h.value.len(),
        });
    }
}

fn check_last_len(len: usize, last_len: usize) -> Result<(), Failure<Error>> {
    if last_len > len {
        Err(Failure::Arg(ArgError::Invalid))
    } else {
        Ok(())
    }
}

pub(crate) struct ParsedRequest<'b> {
    pub method: &'b [u8],
    pub target: &'b [u8],
    pub minor_version: u8,
    pub num_headers: usize,
    pub head_len: usize,
}

pub(crate) struct ParsedResponse<'b> {
    pub minor_version: u8,
    pub status: u16,
    pub reason: &'b [u8],
    pub num_headers: usize,
    pub head_len: usize,
}

pub(crate) struct ParsedBlock {
    pub num_headers: usize,
    pub len: usize,
}

/// Parses a request head from `buf`, writing its headers to `out` only when
/// it is complete.
pub(crate) fn request<'b>(
    config: &ParserConfig,
    buf: &'b [u8],
    last_len: usize,
    out: &mut [MaybeUninit<sb_header>],
) -> Result<Status<ParsedRequest<'b>>, Failure<Error>> {
    check_last_len(buf.len(), last_len)?;
    let mut scratch = Slots::new();
    let slots = slots(&mut scratch, out.len(), buf.len());
    Ok(match config.parse_request_uninit(buf, last_len, slots)? {
        Status::Complete(r) => {
            copy_headers(r.headers, out);
            Status::Complete(ParsedRequest {
                method: r.method,
                target: r.target,
                minor_version: r.minor_version,
                num_headers: r.headers.len(),
                head_len: r.head_len,
            })
        }
        Status::Partial => Status::Partial,
    })
}

/// Parses a response head; see [`request`].
pub(crate) fn response<'b>(
    config: &ParserConfig,
    buf: &'b [u8],
    last_len: usize,
    out: &mut [MaybeUninit<sb_header>],
) -> Result<Status<ParsedResponse<'b>>, Failure<Error>> {
    check_last_len(buf.len(), last_len)?;
    let mut scratch = Slots::new();
    let slots = slots(&mut scratch, out.len(), buf.len());
    Ok(match config.parse_response_uninit(buf, last_len, slots)? {
        Status::Complete(r) => {
            copy_headers(r.headers, out);
            Status::Complete(ParsedResponse {
                minor_version: r.minor_version,
                status: r.code,
                reason: r.reason,
                num_headers: r.headers.len(),
                head_len: r.head_len,
            })
        }
        Status::Partial => Status::Partial,
    })
}

/// Parses a bare header block; see [`request`].
pub(crate) fn block(
    config: &ParserConfig,
    buf: &[u8],
    last_len: usize,
    out: &mut [MaybeUninit<sb_header>],
) -> Result<Status<ParsedBlock>, Failure<Error>> {
    check_last_len(buf.len(), last_len)?;
    let mut scratch = Slots::new();
    let slots = slots(&mut scratch, out.len(), buf.len());
    Ok(match config.parse_headers_uninit(buf, last_len, slots)? {
        Status::Complete(b) => {
            copy_headers(b.headers, out);
            Status::Complete(ParsedBlock { num_headers: b.headers.len(), len: b.len })
        }
        Status::Partial => Status::Partial,
    })
}

/// A parsed request head, written by `sb_parser_config_parse_request` on
/// success. `method` and `target` point into the caller's input buffer and
/// are valid as long as it is.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct sb_request {
    /// The method token, e.g. `GET` (not NUL-terminated).
    pub method: *const c_char,
    /// Length of `method` in bytes.
    pub method_len: usize,
    /// The request-target exactly as sent, e.g. `/search?q=1`.
    pub target: *const c_char,
    /// Length of `target` in bytes.
    pub target_len: usize,
    /// 0 for HTTP/1.0, 1 for HTTP/1.1.
    pub minor_version: c_int,
    /// How many entries of the caller's header array were filled.
    pub num_headers: usize,
    /// Length of the head including the empty line that ends it: the body
    /// (or the next pipelined request) starts at `buf + head_len`.
    pub head_len: usize,
}

/// A parsed response head, written by `sb_parser_config_parse_response` on
/// success. `reason` points into the caller's input buffer.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct sb_response {
    /// 0 for HTTP/1.0, 1 for HTTP/1.1.
    pub minor_version: c_int,
    /// The status code, 100–999.
    pub status: c_int,
    /// The reason phrase as sent, possibly empty (never NULL).
    pub reason: *const c_char,
    /// Length of `reason` in bytes.
    pub reason_len: usize,
    /// How many entries of the caller's header array were filled.
    pub num_headers: usize,
    /// Length of the head including the empty line that ends it.
    pub head_len: usize,
}

/// A parsed header block, written by `sb_parser_config_parse_headers` on
/// success.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct sb_header_block {
    /// How many entries of the caller's header array were filled.
    pub num_headers: usize,
    /// Length of the block including the empty line that ends it.
    pub len: usize,
}

/// Returns the complete value of a parse, made by `f`, or
/// [`Failure::Partial`].
fn complete<P, T>(r: Result<Status<P>, Failure<Error>>, f: impl FnOnce(P) -> T) -> Result<T, Failure<Error, T>> {
    match r {
        Ok(Status::Complete(p)) => Ok(f(p)),
        Ok(Status::Partial) => Err(Failure::Partial),
        Err(e) => Err(e.widen()),
    }
}

/// The common arguments of the extended parse calls, checked.
struct Args<'a, T> {
    config: &'a ParserConfig,
    buf: &'a [u8],
    headers: &'a mut [MaybeUninit<sb_header>],
    out: &'a mut MaybeUninit<T>,
    out_error: Option<&'a mut MaybeUninit<sb_error>>,
}

/// # Safety
/// `config` NULL or live; `buf` NULL or `len` readable bytes; `headers`
/// NULL or `headers_len` writable entries; `out` and `out_error` NULL or
/// writable; none aliasing another.
unsafe fn args<'a, T>(
    config: *const sb_parser_config,
    buf: *const c_char,
    len: usize,
    headers: *mut sb_header,
    headers_len: usize,
    out: *mut T,
    out_error: *mut sb_error,
) -> Result<Args<'a, T>, ArgError> {
    // SAFETY: forwarded from the caller.
    unsafe {
        Ok(Args {
            config: &try_ref(config)?.inner,
            buf: try_slice(buf.cast::<u8>(), len)?,
            headers: try_out_slice(headers, headers_len)?,
            out: try_out(out)?,
            out_error: try_out_opt(out_error)?,
        })
    }
}

/// Parses a request head from `buf`/`len` with `config`.
///
/// `last_len` is `len` at the previous call for this request that returned
/// `SB_RESULT_PARTIAL`, or 0. `headers`/`headers_len` is caller storage for
/// the headers (a request with more headers fails with
/// `SB_RESULT_TOO_MANY_HEADERS`); it may be NULL when `headers_len` is 0.
///
/// Returns `SB_RESULT_OK` and writes `*out_request` and
/// `headers[0..out_request->num_headers]`; or `SB_RESULT_PARTIAL`; or a head
/// error code (100–199) and, if `out_error` is not NULL, `*out_error`; or
/// `SB_RESULT_NULL_ARGUMENT` / `SB_RESULT_INVALID_ARGUMENT` (including
/// `last_len > len`). Only `SB_RESULT_OK` writes `*out_request` and
/// `headers`; only a head error writes `*out_error`.
///
/// # Safety
/// `config` must be NULL or a live config; `buf` NULL or `len` readable
/// bytes; `headers` NULL or `headers_len` writable entries; the outputs NULL
/// or writable, not overlapping each other or the input.
#[no_mangle]
pub unsafe extern "C" fn sb_parser_config_parse_request(
    config: *const sb_parser_config,
    buf: *const c_char,
    len: usize,
    last_len: usize,
    headers: *mut sb_header,
    headers_len: usize,
    out_request: *mut sb_request,
    out_error: *mut sb_error,
) -> sb_result {
    guard(sb_result::Panic, || {
        // SAFETY: the export's contract: live config, readable input,
        // writable outputs, no aliasing.
        let a = match unsafe { args(config, buf, len, headers, headers_len, out_request, out_error) } {
            Ok(a) => a,
            Err(e) => return e.into(),
        };
        let r = complete(request(a.config, a.buf, last_len, a.headers), |r| sb_request {
            method: r.method.as_ptr().cast(),
            method_len: r.method.len(),
            target: r.target.as_ptr().cast(),
            target_len: r.target.len(),
            minor_version: c_int::from(r.minor_version),
            num_headers: r.num_headers,
            head_len: r.head_len,
        });
        finish(r, a.out, a.out_error)
    })
}

/// Parses a response head from `buf`/`len` with `config`, writing
/// `*out_response`; arguments and results as for
/// `sb_parser_config_parse_request`.
///
/// # Safety
/// `config` must be NULL or a live config; `buf` NULL or `len` readable
/// bytes; `headers` NULL or `headers_len` writable entries; the outputs NULL
/// or writable, not overlapping each other or the input.
#[no_mangle]
pub unsafe extern "C" fn sb_parser_config_parse_response(
    config: *const sb_parser_config,
    buf: *const c_char,
    len: usize,
    last_len: usize,
    headers: *mut sb_header,
    headers_len: usize,
    out_response: *mut sb_response,
    out_error: *mut sb_error,
) -> sb_result {
    guard(sb_result::Panic, || {
        // SAFETY: the export's contract: live config, readable input,
        // writable outputs, no aliasing.
        let a = match unsafe { args(config, buf, len, headers, headers_len, out_response, out_error) } {
            Ok(a) => a,
            Err(e) => return e.into(),
        };
        let r = complete(response(a.config, a.buf, last_len, a.headers), |r| sb_response {
            minor_version: c_int::from(r.minor_version),
            status: c_int::from(r.status),
            reason: r.reason.as_ptr().cast(),
            reason_len: r.reason.len(),
            num_headers: r.num_headers,
            head_len: r.head_len,
        });
        finish(r, a.out, a.out_error)
    })
}

/// Parses a bare header block (trailers, multipart part heads) from
/// `buf`/`len` with `config`, writing `*out_block`; arguments and results as
/// for `sb_parser_config_parse_request`. The config's `max_head_bytes`
/// bounds the block.
///
/// # Safety
/// `config` must be NULL or a live config; `buf` NULL or `len` readable
/// bytes; `headers` NULL or `headers_len` writable entries; the outputs NULL
/// or writable, not overlapping each other or the input.
#[no_mangle]
pub unsafe extern "C" fn sb_parser_config_parse_headers(
    config: *const sb_parser_config,
    buf: *const c_char,
    len: usize,
    last_len: usize,
    headers: *mut sb_header,
    headers_len: usize,
    out_block: *mut sb_header_block,
    out_error: *mut sb_error,
) -> sb_result {
    guard(sb_result::Panic, || {
        // SAFETY: the export's contract: live config, readable input,
        // writable outputs, no aliasing.
        let a = match unsafe { args(config, buf, len, headers, headers_len, out_block, out_error) } {
            Ok(a) => a,
            Err(e) => return e.into(),
        };
        let r = complete(block(a.config, a.buf, last_len, a.headers), |b| sb_header_block {
            num_headers: b.num_headers,
            len: b.len,
        });
        finish(r, a.out, a.out_error)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{sb_parser_config_free, sb_parser_config_new};

    #[test]
    fn scratch_is_bounded_by_the_input() {
        let mut s = Slots::new();
        assert_eq!(slots(&mut s, usize::MAX, 10).len(), 6);
        assert_eq!(slots(&mut s, 3, 1000).len(), 3);
        assert_eq!(slots(&mut s, 1000, 1000).len(), 501);
        assert_eq!(slots(&mut s, 0, 1000).len(), 0);
    }

    #[test]
    fn many_headers_beyond_the_stack_slots() {
        let mut req = b"GET / HTTP/1.1\r\n".to_vec();
        for i in 0..300 {
            req.extend_from_slice(format!("h{i}: v{i}\r\n").as_bytes());
        }
        req.extend_from_slice(b"\r\n");
        let empty = sb_header { name: std::ptr::null(), name_len: 0, value: std::ptr::null(), value_len: 0 };
        let c = sb_parser_config_new();
        let mut hs = vec![empty; 300];
        let mut out = MaybeUninit::<sb_request>::uninit();
        let mut err = MaybeUninit::<sb_error>::uninit();
        // SAFETY: `c` is live, `req` has `req.len()` bytes, `hs` has at least
        // the entries passed, the outputs are live locals (or NULL, checked).
        let r = unsafe {
            sb_parser_config_parse_request(
                c,
                req.as_ptr().cast(),
                req.len(),
                0,
                hs.as_mut_ptr(),
                hs.len(),
                out.as_mut_ptr(),
                err.as_mut_ptr(),
            )
        };
        assert_eq!(r, sb_result::Ok);
        // SAFETY: written on `Ok`.
        let out = unsafe { out.assume_init() };
        assert_eq!((out.num_headers, out.head_len), (300, req.len()));
        assert_eq!(hs[299].value_len, 4);
        // SAFETY: `c` is live, `req` has `req.len()` bytes, `hs` has at least
        // the entries passed, the outputs are live locals (or NULL, checked).
        let r = unsafe {
            sb_parser_config_parse_request(
                c,
                req.as_ptr().cast(),
                req.len(),
                0,
                hs.as_mut_ptr(),
                299,
                std::ptr::null_mut(),
                err.as_mut_ptr(),
            )
        };
        assert_eq!(r, sb_result::NullArgument);
        let mut out = MaybeUninit::<sb_request>::uninit();
        // SAFETY: `c` is live, `req` has `req.len()` bytes, `hs` has at least
        // the entries passed, the outputs are live locals (or NULL, checked).
        let r = unsafe {
            sb_parser_config_parse_request(
                c,
                req.as_ptr().cast(),
                req.len(),
                0,
                hs.as_mut_ptr(),
                299,
                out.as_mut_ptr(),
                err.as_mut_ptr(),
            )
        };
        assert_eq!(r, sb_result::TooManyHeaders);
        // SAFETY: written on a head error.
        let err = unsafe { err.assume_init() };
        assert_eq!((err.kind, err.status), (sb_result::TooManyHeaders, 431));
        // SAFETY: `c` came from `sb_parser_config_new` and is freed once.
        unsafe { sb_parser_config_free(c) };
    }
}
