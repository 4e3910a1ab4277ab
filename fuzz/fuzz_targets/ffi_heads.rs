//! The C ABI's response, header-block and configured request parsers (the
//! `ffi` target covers the default `sb_parse_request`): under a config
//! drawn from the input and built through the `sb_parser_config_*` setters,
//! `sb_parse_response(_with_config)`, `sb_parse_headers(_with_config)`,
//! `sb_parse_request_with_config` and `sb_parser_config_parse_response` /
//! `_headers` agree with the Rust parser pointer for pointer (every span
//! points at the same bytes of the caller's buffer), return -1 / -2 (or the
//! error code, offset and status) exactly when it fails / is partial, leave
//! their scalar outputs untouched then (the header array may hold spans of
//! the input), and give the same answer incrementally
//! (`last_len`) as the Rust incremental call.
#![no_main]

use std::ffi::{c_char, c_int};
use std::ptr;

use libfuzzer_sys::fuzz_target;
use springbok::parse::{sb_header_block, sb_response};
use springbok::pico::{
    sb_parse_headers, sb_parse_headers_with_config, sb_parse_request_with_config, sb_parse_response,
    sb_parse_response_with_config,
};
use springbok::{sb_error, sb_header, sb_parser_config, sb_result};
use springbok_fuzz::{c_config, config, take};
use springbok_parser::{Header, ParserConfig, Status, EMPTY_HEADER};

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

/// After a failure: the header array may hold headers parsed before it
/// (picohttpparser's contract, `ffi/README.md`), each a span of the input;
/// every other entry is as the caller left it.
fn only_input_spans(buf: &[u8], headers: &[sb_header]) {
    let range = buf.as_ptr_range();
    let inside = |p: *const c_char, n: usize| {
        let p = p.cast::<u8>();
        range.start <= p && p <= range.end && n <= range.end as usize - p as usize
    };
    for h in headers {
        let unset = h.name.is_null() && h.name_len == 7 && h.value.is_null() && h.value_len == 7;
        let name_ok = (h.name.is_null() && h.name_len == 0) || inside(h.name, h.name_len);
        assert!(unset || (name_ok && inside(h.value, h.value_len)));
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
            only_input_spans(buf, &headers);
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
            only_input_spans(buf, &headers);
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
            only_input_spans(buf, &headers);
        }
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
        }
        Ok(Status::Partial) => {
            assert_eq!(code, sb_result::Partial);
            assert_eq!((out.head_len, out.num_headers), (7, 7));
            only_input_spans(buf, &headers);
        }
        Err(e) => {
            assert!(code != sb_result::Ok && code != sb_result::Partial);
            assert_eq!((out.head_len, out.num_headers), (7, 7));
            check_error(code, &err, Some(e));
            only_input_spans(buf, &headers);
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
            only_input_spans(buf, &headers);
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
