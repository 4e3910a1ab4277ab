//! The extended head parsing calls (`sb_parser_config_parse_*`): `sb_result`
//! codes, `sb_error` detail, the parsed head in one struct. Like the
//! picohttpparser-shaped calls (`pico.rs`) they are one layer: the
//! arguments checked with a compare each (the exact code of a refused
//! argument is worked out off the hot path), one parse straight into the
//! caller's `sb_header` array, and a sink that writes the result inside
//! the parser's backend function.

use std::ffi::{c_char, c_int};
use std::mem::MaybeUninit;

use springbok_parser::{Error, HeadSink, ParserConfig, RequestLine, StatusLine};

use crate::config::sb_parser_config;
use crate::error::{sb_error, sb_result};
use crate::failure::Detail;
use crate::pico::sb_header;
use crate::ptr::{
    guard, misaligned, out_slice_unchecked, out_unchecked, oversized, slice_unchecked, try_out, try_out_opt,
    try_out_slice, try_ref, try_slice, unusable, ArgError,
};

impl Detail for Error {
    fn detail(&self) -> sb_error {
        sb_error::from_parse(*self)
    }
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

/// An extended call's outputs: the head on success, the error detail
/// (when asked for) on an invalid input. `T` is `sb_request`,
/// `sb_response` or `sb_header_block`.
struct Outputs<'a, T> {
    out: &'a mut MaybeUninit<T>,
    out_error: Option<&'a mut MaybeUninit<sb_error>>,
}

impl<T> Outputs<'_, T> {
    /// Writes `value` and returns `SB_RESULT_OK`.
    #[inline(always)]
    fn ok(self, value: T) -> sb_result {
        self.out.write(value);
        sb_result::Ok
    }

    /// Writes the detail of `error` (when asked for) and returns its code.
    #[cold]
    #[inline(never)]
    fn invalid(self, error: Error) -> sb_result {
        error.detail().report(self.out_error)
    }
}

impl<'b> HeadSink<RequestLine<'b>> for Outputs<'_, sb_request> {
    type Output = sb_result;

    #[inline(always)]
    fn complete(self, line: RequestLine<'b>, num_headers: usize, head_len: usize) -> sb_result {
        self.ok(sb_request {
            method: line.method.as_ptr().cast(),
            method_len: line.method.len(),
            target: line.target.as_ptr().cast(),
            target_len: line.target.len(),
            minor_version: c_int::from(line.minor_version),
            num_headers,
            head_len,
        })
    }

    #[inline(always)]
    fn partial(self) -> sb_result {
        sb_result::Partial
    }

    #[inline(always)]
    fn invalid(self, error: Error) -> sb_result {
        Outputs::invalid(self, error)
    }
}

impl<'b> HeadSink<StatusLine<'b>> for Outputs<'_, sb_response> {
    type Output = sb_result;

    #[inline(always)]
    fn complete(self, line: StatusLine<'b>, num_headers: usize, head_len: usize) -> sb_result {
        self.ok(sb_response {
            minor_version: c_int::from(line.minor_version),
            status: c_int::from(line.code),
            reason: line.reason.as_ptr().cast(),
            reason_len: line.reason.len(),
            num_headers,
            head_len,
        })
    }

    #[inline(always)]
    fn partial(self) -> sb_result {
        sb_result::Partial
    }

    #[inline(always)]
    fn invalid(self, error: Error) -> sb_result {
        Outputs::invalid(self, error)
    }
}

impl HeadSink<()> for Outputs<'_, sb_header_block> {
    type Output = sb_result;

    #[inline(always)]
    fn complete(self, _: (), num_headers: usize, len: usize) -> sb_result {
        self.ok(sb_header_block { num_headers, len })
    }

    #[inline(always)]
    fn partial(self) -> sb_result {
        sb_result::Partial
    }

    #[inline(always)]
    fn invalid(self, error: Error) -> sb_result {
        Outputs::invalid(self, error)
    }
}

/// The three heads an extended call parses, by the struct it writes.
trait Head: Sized {
    /// Parses the head with `config` into `headers`, writing `outputs`.
    fn parse(
        config: &ParserConfig,
        buf: &[u8],
        last_len: usize,
        headers: &mut [MaybeUninit<sb_header>],
        outputs: Outputs<'_, Self>,
    ) -> sb_result;
}

impl Head for sb_request {
    #[inline(always)]
    fn parse(
        config: &ParserConfig,
        buf: &[u8],
        last_len: usize,
        headers: &mut [MaybeUninit<sb_header>],
        outputs: Outputs<'_, Self>,
    ) -> sb_result {
        config.parse_request_into(buf, last_len, headers, outputs)
    }
}

impl Head for sb_response {
    #[inline(always)]
    fn parse(
        config: &ParserConfig,
        buf: &[u8],
        last_len: usize,
        headers: &mut [MaybeUninit<sb_header>],
        outputs: Outputs<'_, Self>,
    ) -> sb_result {
        config.parse_response_into(buf, last_len, headers, outputs)
    }
}

impl Head for sb_header_block {
    #[inline(always)]
    fn parse(
        config: &ParserConfig,
        buf: &[u8],
        last_len: usize,
        headers: &mut [MaybeUninit<sb_header>],
        outputs: Outputs<'_, Self>,
    ) -> sb_result {
        config.parse_headers_into(buf, last_len, headers, outputs)
    }
}

/// An extended parse call: its arguments checked with one test of them
/// all (anything that test does not pass goes to [`parse_checked`]), then
/// one parse.
///
/// # Safety
/// `config` NULL or live; `buf` NULL or `len` readable bytes; `headers`
/// NULL or `headers_len` writable entries; `out` and `out_error` NULL or
/// writable; none aliasing another.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
unsafe fn parse<T: Head>(
    config: *const sb_parser_config,
    buf: *const c_char,
    len: usize,
    last_len: usize,
    headers: *mut sb_header,
    headers_len: usize,
    out: *mut T,
    out_error: *mut sb_error,
) -> sb_result {
    let refused = unusable(config)
        | unusable(headers)
        | unusable(out)
        | misaligned(out_error)
        | oversized::<u8>(len)
        | oversized::<sb_header>(headers_len);
    if refused != 0 || buf.is_null() || last_len > len {
        // SAFETY: forwarded from the caller.
        return unsafe { parse_checked(config, buf, len, last_len, headers, headers_len, out, out_error) };
    }
    // SAFETY: `config`, `buf`, `headers` and `out` are non-NULL and aligned,
    // the lengths fit in a slice (checked above); `out_error` is NULL or
    // aligned; the caller guarantees the rest: a live config, `len`
    // readable bytes, `headers_len` writable entries, writable outputs, no
    // aliasing.
    unsafe {
        let outputs = Outputs {
            out: out_unchecked(out),
            out_error: if out_error.is_null() { None } else { Some(out_unchecked(out_error)) },
        };
        T::parse(
            &(*config).inner,
            slice_unchecked(buf.cast::<u8>(), len),
            last_len,
            out_slice_unchecked(headers, headers_len),
            outputs,
        )
    }
}

/// [`parse`] for a call its first test sent here: each argument checked in
/// turn (config, input, headers, outputs, then `last_len`), and the code of
/// the first one refused, or the parse.
///
/// # Safety
/// As [`parse`].
#[allow(clippy::too_many_arguments)]
#[cold]
#[inline(never)]
unsafe fn parse_checked<T: Head>(
    config: *const sb_parser_config,
    buf: *const c_char,
    len: usize,
    last_len: usize,
    headers: *mut sb_header,
    headers_len: usize,
    out: *mut T,
    out_error: *mut sb_error,
) -> sb_result {
    // SAFETY: forwarded from the caller.
    let checked = unsafe {
        (|| {
            let config = &try_ref(config)?.inner;
            let buf = try_slice(buf.cast::<u8>(), len)?;
            let headers = try_out_slice(headers, headers_len)?;
            let outputs = Outputs { out: try_out(out)?, out_error: try_out_opt(out_error)? };
            if last_len > len {
                return Err(ArgError::Invalid);
            }
            Ok((config, buf, headers, outputs))
        })()
    };
    match checked {
        Ok((config, buf, headers, outputs)) => T::parse(config, buf, last_len, headers, outputs),
        Err(e) => e.into(),
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
/// `last_len > len`). Only `SB_RESULT_OK` writes `*out_request`; only a
/// head error writes `*out_error`. The header array is written as the
/// head is parsed: after a failure its first `headers_len` entries may
/// hold headers (spans of `buf`) seen before it.
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
    // SAFETY: the export's contract: live config, readable input, writable
    // outputs, no aliasing.
    guard(sb_result::Panic, || unsafe {
        parse(config, buf, len, last_len, headers, headers_len, out_request, out_error)
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
    // SAFETY: the export's contract: live config, readable input, writable
    // outputs, no aliasing.
    guard(sb_result::Panic, || unsafe {
        parse(config, buf, len, last_len, headers, headers_len, out_response, out_error)
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
    // SAFETY: the export's contract: live config, readable input, writable
    // outputs, no aliasing.
    guard(sb_result::Panic, || unsafe { parse(config, buf, len, last_len, headers, headers_len, out_block, out_error) })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{sb_parser_config_free, sb_parser_config_new};

    #[test]
    fn many_headers() {
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
