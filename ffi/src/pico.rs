//! The picohttpparser-compatible layer: `sb_header` is laid out exactly like
//! `struct phr_header`, and the calls here have the signatures and return
//! conventions of `phr_parse_request`, `phr_parse_response` and
//! `phr_parse_headers`.
//!
//! Differences from picohttpparser, all documented in `ffi/README.md`:
//! parsing is strict RFC 9112 unless a `_with_config` variant is given a
//! lenient config; on -1 and -2 nothing is written (picohttpparser fills in
//! what it parsed so far); obs-fold continuation values are trimmed;
//! NULL pointers and bad lengths return -1 instead of crashing.

use std::ffi::{c_char, c_int};
use std::mem::MaybeUninit;

use springbok_parser::{ParserConfig, Status};

use crate::config::sb_parser_config;
use springbok_parser::Error;

use crate::failure::Failure;
use crate::parse;
use crate::ptr::{guard, try_mut, try_out, try_out_slice, try_ref, try_slice, ArgError};

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

/// picohttpparser's return value for an outcome: the head length, -2 for
/// partial, -1 for any error (including a head longer than `INT_MAX`).
fn pico_ret(r: Result<Status<usize>, Failure<Error>>) -> c_int {
    match r {
        Ok(Status::Complete(n)) => c_int::try_from(n).unwrap_or(-1),
        Ok(Status::Partial) => -2,
        Err(_) => -1,
    }
}

/// Reads the in/out header count and its storage.
///
/// # Safety
/// `num_headers` must be NULL or point to an initialised `size_t`;
/// `headers` must be NULL or point to `*num_headers` writable `sb_header`s.
unsafe fn header_storage<'a>(
    headers: *mut sb_header,
    num_headers: *mut usize,
) -> Result<(&'a mut usize, &'a mut [MaybeUninit<sb_header>]), ArgError> {
    // SAFETY: forwarded from the caller.
    let count = unsafe { try_mut(num_headers) }?;
    // SAFETY: forwarded from the caller.
    let storage = unsafe { try_out_slice(headers, *count) }?;
    Ok((count, storage))
}

#[allow(clippy::too_many_arguments)]
fn request(
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
) -> Result<Status<usize>, Failure<Error>> {
    // SAFETY: the caller of the export promises picohttpparser's contract:
    // `buf` holds `len` readable bytes, each output pointer is writable, and
    // `headers` holds `*num_headers` writable entries; none alias.
    let (buf, outs, (count, storage)) = unsafe {
        let buf = try_slice(buf.cast::<u8>(), len)?;
        let outs =
            (try_out(method)?, try_out(method_len)?, try_out(path)?, try_out(path_len)?, try_out(minor_version)?);
        (buf, outs, header_storage(headers, num_headers)?)
    };
    Ok(match parse::request(config, buf, last_len, storage)? {
        Status::Complete(r) => {
            let (m, ml, p, pl, v) = outs;
            m.write(r.method.as_ptr().cast());
            ml.write(r.method.len());
            p.write(r.target.as_ptr().cast());
            pl.write(r.target.len());
            v.write(c_int::from(r.minor_version));
            *count = r.num_headers;
            Status::Complete(r.head_len)
        }
        Status::Partial => Status::Partial,
    })
}

#[allow(clippy::too_many_arguments)]
fn response(
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
) -> Result<Status<usize>, Failure<Error>> {
    // SAFETY: as in `request`: picohttpparser's contract on every pointer.
    let (buf, outs, (count, storage)) = unsafe {
        let buf = try_slice(buf.cast::<u8>(), len)?;
        let outs = (try_out(minor_version)?, try_out(status)?, try_out(msg)?, try_out(msg_len)?);
        (buf, outs, header_storage(headers, num_headers)?)
    };
    Ok(match parse::response(config, buf, last_len, storage)? {
        Status::Complete(r) => {
            let (v, s, m, ml) = outs;
            v.write(c_int::from(r.minor_version));
            s.write(c_int::from(r.status));
            m.write(r.reason.as_ptr().cast());
            ml.write(r.reason.len());
            *count = r.num_headers;
            Status::Complete(r.head_len)
        }
        Status::Partial => Status::Partial,
    })
}

fn headers_block(
    config: &ParserConfig,
    buf: *const c_char,
    len: usize,
    headers: *mut sb_header,
    num_headers: *mut usize,
    last_len: usize,
) -> Result<Status<usize>, Failure<Error>> {
    // SAFETY: as in `request`: picohttpparser's contract on every pointer.
    let (buf, (count, storage)) = unsafe { (try_slice(buf.cast::<u8>(), len)?, header_storage(headers, num_headers)?) };
    Ok(match parse::block(config, buf, last_len, storage)? {
        Status::Complete(b) => {
            *count = b.num_headers;
            Status::Complete(b.len)
        }
        Status::Partial => Status::Partial,
    })
}

/// The config behind a `_with_config` call.
///
/// # Safety
/// `config` must be NULL or a live `sb_parser_config`.
unsafe fn config_ref<'a>(config: *const sb_parser_config) -> Result<&'a ParserConfig, Failure<Error>> {
    // SAFETY: forwarded from the caller.
    Ok(&unsafe { try_ref(config) }?.inner)
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
/// `INT_MAX`. On -1 and -2 nothing is written: unlike picohttpparser,
/// partial results are not reported. Use `sb_parser_config_parse_request`
/// to learn why a head was refused.
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
    guard(-1, || {
        pico_ret(request(
            &STRICT,
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
        ))
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
    guard(-1, || {
        // SAFETY: `config` is NULL or a live config (the export's contract).
        pico_ret(unsafe { config_ref(config) }.and_then(|config| {
            request(config, buf, len, method, method_len, path, path_len, minor_version, headers, num_headers, last_len)
        }))
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
    guard(-1, || {
        pico_ret(response(&STRICT, buf, len, minor_version, status, msg, msg_len, headers, num_headers, last_len))
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
    guard(-1, || {
        // SAFETY: `config` is NULL or a live config (the export's contract).
        pico_ret(unsafe { config_ref(config) }.and_then(|config| {
            response(config, buf, len, minor_version, status, msg, msg_len, headers, num_headers, last_len)
        }))
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
    guard(-1, || pico_ret(headers_block(&STRICT, buf, len, headers, num_headers, last_len)))
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
    guard(-1, || {
        // SAFETY: `config` is NULL or a live config (the export's contract).
        pico_ret(
            unsafe { config_ref(config) }
                .and_then(|config| headers_block(config, buf, len, headers, num_headers, last_len)),
        )
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
    fn request_round_trip_and_nothing_written_on_failure() {
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
        assert!(m.is_null() && v == -1 && n == 4 && hs[0].name.is_null());
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
