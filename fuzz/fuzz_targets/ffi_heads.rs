//! The C ABI's response, header-block and configured request parsers (the
//! `ffi` target covers the default `sb_parse_request`): under a config
//! drawn from the input and built through the `sb_parser_config_*` setters,
//! `sb_parse_response(_with_config)`, `sb_parse_headers(_with_config)`,
//! `sb_parse_request_with_config` and `sb_parser_config_parse_response` /
//! `_headers` agree with the Rust parser pointer for pointer (every span
//! points at the same bytes of the caller's buffer), return -1 / -2 (or the
//! error code, offset and status) exactly when it fails / is partial, leave
//! their outputs untouched then, and give the same answer incrementally
//! (`last_len`) as the Rust incremental call. A parsed response's C headers
//! frame through `sb_framing_response_body` as through the Rust call.
#![no_main]

use std::ffi::{c_char, c_int};
use std::ptr;

use libfuzzer_sys::fuzz_target;
use springbok::framing::sb_framing_response_body;
use springbok::parse::{sb_header_block, sb_response};
use springbok::pico::{
    sb_parse_headers, sb_parse_headers_with_config, sb_parse_request_with_config, sb_parse_response,
    sb_parse_response_with_config,
};
use springbok::{sb_error, sb_header, sb_parser_config, sb_result};
use springbok_fuzz::{assert_same_framing, c_config, config, take, UNWRITTEN_BODY, UNWRITTEN_ERROR};
use springbok_parser::framing;
use springbok_parser::{Header, ParserConfig, Response, Status, EMPTY_HEADER};

const N: usize = 16;
const UNSET: sb_header = sb_header { name: ptr::null(), name_len: 7, value: ptr::null(), value_len: 7 };

/// The C headers are the Rust headers, span for span.
fn same_headers(c: &[sb_header], rust: &[Header<'_>]) {
    assert_eq!(c.len(), rust.len());
    for (c, h) in c.iter().zip(rust) {
        // An obs-fold continuation line has a NULL name in C.
        let name = if c.name.is_null() { ptr::null() } else { h.name.as_ptr() };
        if !c.name.is_null() {
            assert_eq!((c.name.cast::<u8>(), c.name_len), (name, h.name.len()));
        } else {
            assert!(h.name.is_empty() && c.name_len == 0);
        }
        assert_eq!((c.value.cast::<u8>(), c.value_len), (h.value.as_ptr(), h.value.len()));
    }
}

/// The pico-style return value of a Rust result: head length, -2, -1.
fn pico_ret<T>(r: &Result<Status<T>, springbok_parser::Error>, len: impl Fn(&T) -> usize) -> c_int {
    match r {
        Ok(Status::Complete(v)) => len(v) as c_int,
        Ok(Status::Partial) => -2,
        Err(_) => -1,
    }
}

/// The header array after a failure: the C ABI writes it as the head is
/// parsed (picohttpparser's contract), so each entry is either unwritten
/// or a header seen before the failure, whose spans lie inside `buf` (an
/// obs-fold continuation line has a NULL name of length 0).
fn only_spans_of(buf: &[u8], headers: &[sb_header]) {
    let range = buf.as_ptr_range();
    let inside = |p: *const c_char, n: usize| {
        let p = p.cast::<u8>();
        range.start <= p && p <= range.end && n <= range.end as usize - p as usize
    };
    for h in headers {
        let unwritten = h.name.is_null() && h.name_len == 7 && h.value.is_null() && h.value_len == 7;
        let name_ok = (h.name.is_null() && h.name_len == 0) || inside(h.name, h.name_len);
        assert!(unwritten || (name_ok && inside(h.value, h.value_len)), "{h:?}");
    }
}

/// `sb_parse_response` (default config when `cc` is NULL) vs Rust.
fn pico_response(cc: *const sb_parser_config, rc: &ParserConfig, buf: &[u8], last_len: usize) {
    let (mut minor, mut status, mut msg, mut msg_len) = (-7, -7, ptr::null::<c_char>(), 7usize);
    let mut headers = [UNSET; N];
    let mut n = N;
    // SAFETY: every pointer is valid for its type; `headers` holds `n`
    // entries; `buf` is readable; `cc` is NULL or a live config.
    let ret = unsafe {
        if cc.is_null() {
            sb_parse_response(
                buf.as_ptr().cast(),
                buf.len(),
                &mut minor,
                &mut status,
                &mut msg,
                &mut msg_len,
                headers.as_mut_ptr(),
                &mut n,
                last_len,
            )
        } else {
            sb_parse_response_with_config(
                cc,
                buf.as_ptr().cast(),
                buf.len(),
                &mut minor,
                &mut status,
                &mut msg,
                &mut msg_len,
                headers.as_mut_ptr(),
                &mut n,
                last_len,
            )
        }
    };
    let mut rh = [EMPTY_HEADER; N];
    let r = rc.parse_response(buf, last_len, &mut rh);
    assert_eq!(ret, pico_ret(&r, |v| v.head_len));
    match r {
        Ok(Status::Complete(v)) => {
            assert_eq!((minor, status), (c_int::from(v.minor_version), c_int::from(v.code)));
            assert_eq!((msg.cast::<u8>(), msg_len), (v.reason.as_ptr(), v.reason.len()));
            same_headers(&headers[..n], v.headers);
        }
        _ => {
            assert!(minor == -7 && status == -7 && msg.is_null() && msg_len == 7 && n == N);
            only_spans_of(buf, &headers);
        }
    }
}

/// `sb_parse_headers` (default config when `cc` is NULL) vs Rust.
fn pico_headers(cc: *const sb_parser_config, rc: &ParserConfig, buf: &[u8], last_len: usize) {
    let mut headers = [UNSET; N];
    let mut n = N;
    // SAFETY: as in `pico_response`.
    let ret = unsafe {
        if cc.is_null() {
            sb_parse_headers(buf.as_ptr().cast(), buf.len(), headers.as_mut_ptr(), &mut n, last_len)
        } else {
            sb_parse_headers_with_config(cc, buf.as_ptr().cast(), buf.len(), headers.as_mut_ptr(), &mut n, last_len)
        }
    };
    let mut rh = [EMPTY_HEADER; N];
    let r = rc.parse_headers(buf, last_len, &mut rh);
    assert_eq!(ret, pico_ret(&r, |v| v.len));
    match r {
        Ok(Status::Complete(v)) => same_headers(&headers[..n], v.headers),
        _ => {
            assert_eq!(n, N);
            only_spans_of(buf, &headers);
        }
    }
}

/// `sb_parse_request_with_config` vs Rust.
fn pico_request(cc: *const sb_parser_config, rc: &ParserConfig, buf: &[u8], last_len: usize) {
    let (mut method, mut method_len, mut path, mut path_len) = (ptr::null::<c_char>(), 7usize, ptr::null(), 7usize);
    let mut minor = -7;
    let mut headers = [UNSET; N];
    let mut n = N;
    // SAFETY: as in `pico_response`.
    let ret = unsafe {
        sb_parse_request_with_config(
            cc,
            buf.as_ptr().cast(),
            buf.len(),
            &mut method,
            &mut method_len,
            &mut path,
            &mut path_len,
            &mut minor,
            headers.as_mut_ptr(),
            &mut n,
            last_len,
        )
    };
    let mut rh = [EMPTY_HEADER; N];
    let r = rc.parse_request(buf, last_len, &mut rh);
    assert_eq!(ret, pico_ret(&r, |v| v.head_len));
    match r {
        Ok(Status::Complete(v)) => {
            assert_eq!((method.cast::<u8>(), method_len), (v.method.as_ptr(), v.method.len()));
            assert_eq!((path.cast::<u8>(), path_len), (v.target.as_ptr(), v.target.len()));
            assert_eq!(minor, c_int::from(v.minor_version));
            same_headers(&headers[..n], v.headers);
        }
        _ => {
            assert!(method.is_null() && method_len == 7 && path.is_null() && minor == -7 && n == N);
            only_spans_of(buf, &headers);
        }
    }
}

/// `sb_framing_response_body` on a parsed response's C headers, with no
/// method and with GET, HEAD and CONNECT, against `framing::response_body`;
/// a status outside 100–999 or a version other than 0 and 1 is an argument
/// error, which writes nothing.
fn response_framing(headers: &[sb_header], v: &Response<'_, '_>) {
    let call = |minor: c_int, status: c_int, method: &[u8]| {
        let m = if method.is_empty() { ptr::null() } else { method.as_ptr().cast::<c_char>() };
        let (mut body, mut err) = (UNWRITTEN_BODY, UNWRITTEN_ERROR);
        // SAFETY: `headers` are spans of the input, still alive; `m` is
        // NULL with length 0 or `method.len()` readable bytes; the outputs
        // are writable.
        let code = unsafe {
            sb_framing_response_body(
                minor,
                status,
                headers.as_ptr(),
                headers.len(),
                m,
                method.len(),
                &mut body,
                &mut err,
            )
        };
        (code, body, err)
    };
    let (minor, status) = (c_int::from(v.minor_version), c_int::from(v.code));
    for method in [&b""[..], b"GET", b"HEAD", b"CONNECT"] {
        let (code, body, err) = call(minor, status, method);
        if (100..=999).contains(&v.code) {
            let rust = framing::response_body(v.minor_version, v.code, v.headers, method);
            assert_same_framing(code, &body, &err, rust);
        } else {
            assert_eq!((code, body.content_length, err.offset), (sb_result::InvalidArgument, 7, 7));
        }
    }
    for (minor, status) in [(2, status), (-1, status), (minor, 99), (minor, 1000), (minor, -200)] {
        let (code, body, err) = call(minor, status, b"GET");
        assert_eq!((code, body.content_length, err.offset), (sb_result::InvalidArgument, 7, 7));
    }
}

/// The extended calls: `sb_parser_config_parse_response` / `_headers`, with
/// the error detail.
fn extended(cc: *const sb_parser_config, rc: &ParserConfig, buf: &[u8], last_len: usize) {
    let no_error = sb_error { kind: sb_result::Ok, offset: 7, status: 7, header: 7 };
    let check_error = |code: sb_result, err: &sb_error, r: Option<springbok_parser::Error>| match r {
        Some(e) => {
            assert_eq!((err.kind, err.offset, err.status), (code, e.offset(), e.status()));
        }
        None => assert!(err.offset == 7 && err.status == 7),
    };
    // Responses.
    let mut headers = [UNSET; N];
    let mut out: sb_response =
        sb_response { minor_version: -7, status: -7, reason: ptr::null(), reason_len: 7, num_headers: 7, head_len: 7 };
    let mut err = no_error;
    // SAFETY: as in `pico_response`; `out` and `err` are writable.
    let code = unsafe {
        springbok::parse::sb_parser_config_parse_response(
            cc,
            buf.as_ptr().cast(),
            buf.len(),
            last_len,
            headers.as_mut_ptr(),
            N,
            &mut out,
            &mut err,
        )
    };
    let mut rh = [EMPTY_HEADER; N];
    match rc.parse_response(buf, last_len, &mut rh) {
        Ok(Status::Complete(v)) => {
            assert_eq!(code, sb_result::Ok);
            assert_eq!((out.minor_version, out.status), (c_int::from(v.minor_version), c_int::from(v.code)));
            assert_eq!((out.reason.cast::<u8>(), out.reason_len), (v.reason.as_ptr(), v.reason.len()));
            assert_eq!((out.num_headers, out.head_len), (v.headers.len(), v.head_len));
            same_headers(&headers[..out.num_headers], v.headers);
            check_error(code, &err, None);
            response_framing(&headers[..out.num_headers], &v);
        }
        Ok(Status::Partial) => {
            assert_eq!(code, sb_result::Partial);
            assert_eq!((out.head_len, out.num_headers), (7, 7));
            only_spans_of(buf, &headers);
        }
        Err(e) => {
            assert!(code != sb_result::Ok && code != sb_result::Partial);
            assert_eq!((out.head_len, out.num_headers), (7, 7));
            check_error(code, &err, Some(e));
            only_spans_of(buf, &headers);
        }
    }
    // Header blocks.
    let mut headers = [UNSET; N];
    let mut out = sb_header_block { num_headers: 7, len: 7 };
    let mut err = no_error;
    // SAFETY: as above.
    let code = unsafe {
        springbok::parse::sb_parser_config_parse_headers(
            cc,
            buf.as_ptr().cast(),
            buf.len(),
            last_len,
            headers.as_mut_ptr(),
            N,
            &mut out,
            &mut err,
        )
    };
    let mut rh = [EMPTY_HEADER; N];
    match rc.parse_headers(buf, last_len, &mut rh) {
        Ok(Status::Complete(v)) => {
            assert_eq!(code, sb_result::Ok);
            assert_eq!((out.num_headers, out.len), (v.headers.len(), v.len));
            same_headers(&headers[..out.num_headers], v.headers);
        }
        Ok(Status::Partial) => assert_eq!((code, out.len), (sb_result::Partial, 7)),
        Err(e) => {
            assert_eq!(out.len, 7);
            check_error(code, &err, Some(e));
            only_spans_of(buf, &headers);
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let ([flags, limits, which, split], buf) = take::<4>(data);
    let mut rc = config(flags, limits);
    // The C setters refuse 0.
    rc.max_target_len = rc.max_target_len.max(1);
    rc.max_name_len = rc.max_name_len.max(1);
    rc.max_value_len = rc.max_value_len.max(1);
    let cc = c_config(&rc);
    // The whole buffer at once, then (if a prefix is partial) incrementally.
    let k = usize::from(split) * buf.len() / 256;
    let prefix_partial = matches!(rc.parse_response(&buf[..k], 0, &mut [EMPTY_HEADER; N]), Ok(Status::Partial))
        && matches!(rc.parse_headers(&buf[..k], 0, &mut [EMPTY_HEADER; N]), Ok(Status::Partial))
        && matches!(rc.parse_request(&buf[..k], 0, &mut [EMPTY_HEADER; N]), Ok(Status::Partial));
    for last_len in [0].into_iter().chain(prefix_partial.then_some(k)) {
        match which % 3 {
            0 => {
                pico_response(cc, &rc, buf, last_len);
                pico_response(ptr::null(), &ParserConfig::new(), buf, last_len);
            }
            1 => {
                pico_headers(cc, &rc, buf, last_len);
                pico_headers(ptr::null(), &ParserConfig::new(), buf, last_len);
            }
            _ => pico_request(cc, &rc, buf, last_len),
        }
        extended(cc, &rc, buf, last_len);
    }
    // SAFETY: `cc` came from c_config and is freed once.
    unsafe { springbok::config::sb_parser_config_free(cc) };
});
