//! The C ABI entry points, called as a C program would: the
//! picohttpparser-compatible parsers agree with the Rust parser pointer
//! for pointer, write no scalar output on failure (and no header but spans
//! of the input), and the C chunked decoder is split-invariant; a config
//! with any set of `SB_PARSER_*` flags parses and frames as the Rust crate
//! does with the same leniencies (`SB_FRAMING_REQUIRE_HOST` too), and a
//! decoder started by `sb_chunked_decoder_init` decodes with its config's
//! limits. Each C decoding call matches the Rust decoder's, with the error
//! detail of `sb_decode_chunked_with_error` and `sb_decode_chunked_is_in_data`;
//! `sb_framing_request_body` matches the Rust call; the fused
//! `sb_parser_config_parse_request_env` gives what parse + `sb_env_flatten`
//! give; `sb_version` is the ffi package's version.
#![no_main]

use std::ffi::CStr;
use std::os::raw::{c_char, c_int};
use std::ptr;

use libfuzzer_sys::fuzz_target;
use springbok::chunked::{
    sb_chunked_config_free, sb_chunked_config_new, sb_chunked_config_set_max_body_bytes,
    sb_chunked_config_set_max_extension_len, sb_chunked_config_set_max_overhead,
    sb_chunked_config_set_max_trailer_bytes, sb_chunked_decoder_init, sb_decode_chunked, sb_decode_chunked_is_in_data,
    sb_decode_chunked_with_error,
};
use springbok::config::{self as c, sb_parser_config_free, sb_parser_config_new, sb_parser_config_set_flags};
use springbok::env::{
    sb_env_flatten, sb_env_pair, sb_env_sizes, SB_ENV_RACK, SB_ENV_UNDERSCORES_ALLOW, SB_ENV_UNDERSCORES_REJECT,
};
use springbok::framing::{
    sb_framing_keep_alive, sb_framing_request_body, sb_framing_request_info, sb_framing_request_info_with_flags,
    SB_FRAMING_REQUIRE_HOST,
};
use springbok::parse::{sb_parser_config_parse_request, sb_request};
use springbok::request_env::sb_parser_config_parse_request_env;
use springbok::{sb_chunked_decoder, sb_header, sb_request_info, sb_result, sb_version};
use springbok_fuzz::{assert_same_framing, chunked_code, take, UNWRITTEN_BODY, UNWRITTEN_ERROR};
use springbok_parser::chunked::{ChunkedConfig, ChunkedDecoder, Trailers};
use springbok_parser::framing::FramingConfig;
use springbok_parser::{ObsFold, ParserConfig, Status, EMPTY_HEADER};

const NO_HEADER: sb_header = sb_header { name: ptr::null(), name_len: 0, value: ptr::null(), value_len: 0 };
const PAIR: sb_env_pair = sb_env_pair { key: ptr::null(), key_len: 0, value: ptr::null(), value_len: 0 };

fn request(buf: &[u8]) {
    let (mut method, mut method_len, mut path, mut path_len) = (ptr::null::<c_char>(), 7usize, ptr::null(), 7usize);
    let mut minor: c_int = -7;
    let mut headers = [NO_HEADER; 16];
    let mut num_headers = headers.len();
    // SAFETY: every pointer is valid for its type; `headers` holds
    // `num_headers` entries; `buf` is `buf.len()` readable bytes.
    let ret = unsafe {
        springbok::pico::sb_parse_request(
            buf.as_ptr().cast(),
            buf.len(),
            &mut method,
            &mut method_len,
            &mut path,
            &mut path_len,
            &mut minor,
            headers.as_mut_ptr(),
            &mut num_headers,
            0,
        )
    };
    let mut rust_headers = [EMPTY_HEADER; 16];
    match ParserConfig::new().parse_request(buf, 0, &mut rust_headers) {
        Ok(Status::Complete(r)) => {
            assert_eq!(ret as usize, r.head_len);
            assert_eq!((method as *const u8, method_len), (r.method.as_ptr(), r.method.len()));
            assert_eq!((path as *const u8, path_len), (r.target.as_ptr(), r.target.len()));
            assert_eq!(minor, c_int::from(r.minor_version));
            assert_eq!(num_headers, r.headers.len());
            for (c, h) in headers.iter().zip(r.headers) {
                assert_eq!((c.name as *const u8, c.name_len), (h.name.as_ptr(), h.name.len()));
                assert_eq!((c.value as *const u8, c.value_len), (h.value.as_ptr(), h.value.len()));
            }
        }
        other => {
            assert_eq!(ret, if matches!(other, Ok(Status::Partial)) { -2 } else { -1 });
            // The scalar outputs and the count are written only on success;
            // the header array may hold headers parsed before the failure
            // (picohttpparser's contract), each a span of the input.
            assert!(method.is_null() && method_len == 7 && path.is_null() && minor == -7);
            assert_eq!(num_headers, headers.len());
            let range = buf.as_ptr_range();
            let inside = |p: *const c_char, n: usize| {
                let p = p.cast::<u8>();
                range.start <= p && p <= range.end && n <= range.end as usize - p as usize
            };
            for h in &headers {
                let unwritten = h.name.is_null() && h.name_len == 0 && h.value.is_null() && h.value_len == 0;
                assert!(unwritten || (inside(h.name, h.name_len) && inside(h.value, h.value_len)));
            }
        }
    }
}

/// Runs the C chunked decoder over `input` cut at `cuts`, each call checked
/// against the Rust decoder fed the same pieces: the same return and
/// decoded bytes, `*bufsz` unchanged on -1, with `with_error` the error
/// detail of `sb_decode_chunked_with_error` (written on -1 only), and
/// `sb_decode_chunked_is_in_data` before and after every call. Returns
/// (decoded bytes, final return value).
fn chunked(input: &[u8], cuts: &[usize], consume_trailer: bool, with_error: bool) -> (Vec<u8>, isize) {
    let mut decoder = sb_chunked_decoder::zeroed();
    decoder.consume_trailer = c_char::from(consume_trailer);
    let mut config = ChunkedConfig::new();
    config.trailers = if consume_trailer { Trailers::Discard } else { Trailers::Leave };
    let mut rust = ChunkedDecoder::new(config);
    // SAFETY: NULL and a zero-filled decoder are both allowed.
    unsafe {
        assert_eq!(sb_decode_chunked_is_in_data(ptr::null_mut()), 0);
        assert_eq!(sb_decode_chunked_is_in_data(&mut decoder), 0);
    }
    let mut out = Vec::new();
    let mut start = 0;
    for &end in cuts.iter().chain(std::iter::once(&input.len())) {
        let end = end.clamp(start, input.len());
        let mut buf = input[start..end].to_vec();
        let mut rust_buf = buf.clone();
        start = end;
        let mut size = buf.len();
        let mut err = UNWRITTEN_ERROR;
        // SAFETY: `decoder` is a zero-initialised decoder used only here;
        // `buf` holds `size` writable bytes; `err` is writable.
        let (ret, in_data) = unsafe {
            let b = buf.as_mut_ptr().cast();
            let ret = if with_error {
                sb_decode_chunked_with_error(&mut decoder, b, &mut size, &mut err)
            } else {
                sb_decode_chunked(&mut decoder, b, &mut size)
            };
            (ret, sb_decode_chunked_is_in_data(&mut decoder))
        };
        let rust_result = rust.decode(&mut rust_buf);
        assert_eq!(in_data, c_int::from(rust.is_in_data()));
        match rust_result {
            Ok(d) => {
                assert_eq!(ret, if d.complete { (d.trailer + d.leftover) as isize } else { -2 });
                assert_eq!(&buf[..size], &rust_buf[..d.data]);
                assert_eq!((err.kind, err.offset, err.status), (UNWRITTEN_ERROR.kind, 7, 7));
            }
            Err(e) => {
                assert_eq!((ret, size), (-1, buf.len()));
                let want = if with_error {
                    (chunked_code(e.kind()), e.offset(), e.status(), usize::MAX)
                } else {
                    (UNWRITTEN_ERROR.kind, 7, 7, 7)
                };
                assert_eq!((err.kind, err.offset, err.status, err.header), want);
                // After an error, what earlier calls decoded is moot.
                return (Vec::new(), -1);
            }
        }
        out.extend_from_slice(&buf[..size]);
        if ret >= 0 {
            // Leftover bytes: those of this call plus everything not fed.
            return (out, ret + (input.len() - start) as isize);
        }
    }
    (out, -2)
}

/// `sb_version`: never NULL, the same static string each call, and the
/// version of the `springbok-ffi` package it is built from.
fn version() {
    let (a, b) = (sb_version(), sb_version());
    assert!(!a.is_null() && a == b);
    // SAFETY: `sb_version` returns a static NUL-terminated string.
    let v = unsafe { CStr::from_ptr(a) };
    assert_eq!(v.to_str(), Ok(env!("SPRINGBOK_FFI_VERSION")));
}

/// The Rust configuration `SB_PARSER_*` flags stand for.
fn rust_config(flags: u32) -> ParserConfig {
    let on = |bit: u32| flags & bit != 0;
    let mut r = ParserConfig::new();
    r.allow_bare_lf = on(c::SB_PARSER_ALLOW_BARE_LF);
    r.obs_fold = if on(c::SB_PARSER_OBS_FOLD_CONTINUATION) {
        ObsFold::Continuation
    } else if on(c::SB_PARSER_OBS_FOLD_SPAN) {
        ObsFold::Span
    } else {
        ObsFold::Reject
    };
    r.allow_multiple_spaces = on(c::SB_PARSER_ALLOW_MULTIPLE_SPACES);
    r.allow_leading_empty_lines = on(c::SB_PARSER_ALLOW_LEADING_EMPTY_LINES);
    r.allow_whitespace_before_first_header = on(c::SB_PARSER_ALLOW_WHITESPACE_BEFORE_FIRST_HEADER);
    r.ignore_invalid_headers = on(c::SB_PARSER_IGNORE_INVALID_HEADERS);
    r.allow_loose_target = on(c::SB_PARSER_ALLOW_LOOSE_TARGET);
    r.allow_missing_reason_space = on(c::SB_PARSER_ALLOW_MISSING_REASON_SPACE);
    r.allow_leading_empty_lines_in_responses = on(c::SB_PARSER_ALLOW_LEADING_EMPTY_LINES_IN_RESPONSES);
    r.allow_space_before_colon_in_responses = on(c::SB_PARSER_ALLOW_SPACE_BEFORE_COLON_IN_RESPONSES);
    r.allow_asterisk_form_any_method = on(c::SB_PARSER_ALLOW_ASTERISK_FORM_ANY_METHOD);
    r
}

/// A request parsed and framed through a C config with `flags` (the 12
/// defined bits, never both obs-fold modes) against the Rust crate.
fn configured(input: &[u8], flags: u32, framing_flags: u32) {
    let mut flags = flags & ((1 << 12) - 1);
    if flags & c::SB_PARSER_OBS_FOLD_CONTINUATION != 0 {
        flags &= !c::SB_PARSER_OBS_FOLD_SPAN;
    }
    let mut headers = [NO_HEADER; 16];
    // SAFETY: a config from `sb_parser_config_new`, freed once at the end;
    // every other pointer is a live local; `input` is readable.
    let (parsed, framed, plain_keep_alive, request_body) = unsafe {
        let config = sb_parser_config_new();
        assert_eq!(sb_parser_config_set_flags(config, flags), sb_result::Ok);
        let mut req = std::mem::MaybeUninit::<sb_request>::uninit();
        let r = sb_parser_config_parse_request(
            config,
            input.as_ptr().cast(),
            input.len(),
            0,
            headers.as_mut_ptr(),
            headers.len(),
            req.as_mut_ptr(),
            ptr::null_mut(),
        );
        sb_parser_config_free(config);
        let parsed = (r == sb_result::Ok).then(|| req.assume_init());
        let framed = parsed.map(|req| {
            let mut info = std::mem::MaybeUninit::<sb_request_info>::uninit();
            let f = sb_framing_request_info_with_flags(
                &req,
                headers.as_ptr(),
                framing_flags,
                info.as_mut_ptr(),
                ptr::null_mut(),
            );
            (f == sb_result::Ok).then(|| {
                let info = info.assume_init();
                (info.body.content_length, info.keep_alive, info.connect)
            })
        });
        // The entry points without flags: `sb_framing_request_info` is
        // `_with_flags` with 0, `sb_framing_keep_alive` the Rust function.
        let plain = parsed.map(|req| {
            let info_of = |f: sb_result, info: std::mem::MaybeUninit<sb_request_info>| {
                (f == sb_result::Ok).then(|| {
                    let info = info.assume_init();
                    (info.body.content_length, info.keep_alive, info.connect)
                })
            };
            let mut a = std::mem::MaybeUninit::<sb_request_info>::uninit();
            let fa = sb_framing_request_info(&req, headers.as_ptr(), a.as_mut_ptr(), ptr::null_mut());
            let mut b = std::mem::MaybeUninit::<sb_request_info>::uninit();
            let fb = sb_framing_request_info_with_flags(&req, headers.as_ptr(), 0, b.as_mut_ptr(), ptr::null_mut());
            assert_eq!(fa, fb);
            assert_eq!(info_of(fa, a), info_of(fb, b));
            let mut keep_alive = false;
            let k = sb_framing_keep_alive(req.minor_version, headers.as_ptr(), req.num_headers, &mut keep_alive);
            assert_eq!(k, sb_result::Ok);
            keep_alive
        });
        // The body framing from the version and headers alone.
        let request_body = parsed.map(|req| {
            let (mut body, mut err) = (UNWRITTEN_BODY, UNWRITTEN_ERROR);
            let hs = headers.as_ptr();
            let code = sb_framing_request_body(req.minor_version, hs, req.num_headers, &mut body, &mut err);
            // A version other than 0 and 1 and a NULL output are argument
            // errors, which write no error detail.
            let (mut b2, mut e2) = (UNWRITTEN_BODY, UNWRITTEN_ERROR);
            let bad_version = sb_framing_request_body(2, hs, req.num_headers, &mut b2, &mut e2);
            assert_eq!(bad_version, sb_result::InvalidArgument);
            let null_out = sb_framing_request_body(req.minor_version, hs, req.num_headers, ptr::null_mut(), &mut e2);
            assert_eq!(null_out, sb_result::NullArgument);
            assert_eq!((b2.content_length, e2.offset, e2.status), (7, 7, 7));
            (code, body, err)
        });
        (parsed, framed, plain, request_body)
    };
    let mut rust_headers = [EMPTY_HEADER; 16];
    match rust_config(flags).parse_request(input, 0, &mut rust_headers) {
        Ok(Status::Complete(r)) => {
            let c = parsed.expect("the C config parses what the Rust config does");
            assert_eq!(
                (c.head_len, c.num_headers, c.minor_version),
                (r.head_len, r.headers.len(), i32::from(r.minor_version))
            );
            let mut fc = FramingConfig::new();
            fc.require_host = framing_flags & SB_FRAMING_REQUIRE_HOST != 0;
            let rust = fc.request_info(&r).ok().map(|i| {
                let n = match i.body {
                    springbok_parser::framing::Body::ContentLength(n) => n,
                    _ => 0,
                };
                (n, i.keep_alive, i.connect)
            });
            assert_eq!(framed.flatten(), rust);
            assert_eq!(plain_keep_alive, Some(springbok_parser::framing::keep_alive(r.minor_version, r.headers)));
            let (code, body, err) = request_body.expect("parsed");
            assert_same_framing(code, &body, &err, springbok_parser::framing::request_body(r.minor_version, r.headers));
        }
        _ => assert!(parsed.is_none()),
    }
}

/// `sb_parser_config_parse_request_env` against the two calls it fuses
/// (`sb_parser_config_parse_request` + `sb_env_flatten`) with the same
/// config and env flags: the same result, error detail, request, sizes and
/// pairs (as bytes).
fn fused_env(input: &[u8], flags: u32, env_flags: u32) {
    let mut flags = flags & ((1 << 12) - 1);
    if flags & c::SB_PARSER_OBS_FOLD_CONTINUATION != 0 {
        flags &= !c::SB_PARSER_OBS_FOLD_SPAN;
    }
    let mut headers = [NO_HEADER; 16];
    let (mut p1, mut p2) = ([PAIR; 40], [PAIR; 40]);
    let (mut a1, mut a2) = ([0 as c_char; 2048], [0 as c_char; 2048]);
    let (mut s1, mut s2) = (sb_env_sizes { pairs: 0, arena: 0 }, sb_env_sizes { pairs: 0, arena: 0 });
    let (mut e1, mut e2) = (UNWRITTEN_ERROR, UNWRITTEN_ERROR);
    // SAFETY: a config from `sb_parser_config_new`, freed once at the end;
    // every other pointer is a live local of the length passed with it;
    // `input` is readable.
    unsafe {
        let config = sb_parser_config_new();
        assert_eq!(sb_parser_config_set_flags(config, flags), sb_result::Ok);
        let mut r1 = std::mem::MaybeUninit::<sb_request>::uninit();
        let mut c1 = sb_parser_config_parse_request(
            config,
            input.as_ptr().cast(),
            input.len(),
            0,
            headers.as_mut_ptr(),
            headers.len(),
            r1.as_mut_ptr(),
            &mut e1,
        );
        if c1 == sb_result::Ok {
            c1 = sb_env_flatten(
                env_flags,
                r1.as_ptr(),
                headers.as_ptr(),
                p1.as_mut_ptr(),
                p1.len(),
                a1.as_mut_ptr(),
                a1.len(),
                &mut s1,
                &mut e1,
            );
        }
        let mut r2 = std::mem::MaybeUninit::<sb_request>::uninit();
        let c2 = sb_parser_config_parse_request_env(
            config,
            env_flags,
            input.as_ptr().cast(),
            input.len(),
            0,
            headers.len(),
            p2.as_mut_ptr(),
            p2.len(),
            a2.as_mut_ptr(),
            a2.len(),
            r2.as_mut_ptr(),
            &mut s2,
            &mut e2,
        );
        sb_parser_config_free(config);
        assert_eq!(c1, c2, "{input:?}");
        if c1 == sb_result::Ok {
            let (r1, r2) = (r1.assume_init(), r2.assume_init());
            assert_eq!(
                (r1.head_len, r1.num_headers, r1.minor_version),
                (r2.head_len, r2.num_headers, r2.minor_version)
            );
            assert_eq!((s1.pairs, s1.arena), (s2.pairs, s2.arena));
            let bytes = |p: *const c_char, n: usize| std::slice::from_raw_parts(p.cast::<u8>(), n).to_vec();
            for (x, y) in p1.iter().zip(&p2).take(s1.pairs) {
                assert_eq!(bytes(x.key, x.key_len), bytes(y.key, y.key_len));
                assert_eq!(bytes(x.value, x.value_len), bytes(y.value, y.value_len));
            }
        } else if c1 != sb_result::Partial && c1 != sb_result::BufferTooSmall {
            assert_eq!((e1.kind, e1.offset, e1.status, e1.header), (e2.kind, e2.offset, e2.status, e2.header));
        }
    }
}

/// The C decoder started with limits from `l` against the Rust decoder with
/// the same limits: the same decoded bytes and return, in one call.
fn limited_chunked(input: &[u8], l: [u8; 4], consume_trailer: bool) {
    let limits = [u64::from(l[0]) + 1, u64::from(l[1]) + 1, u64::from(l[2]) + 1, u64::from(l[3]) + 1];
    let mut buf = input.to_vec();
    let mut size = buf.len();
    // SAFETY: a config from `sb_chunked_config_new`, freed once; `decoder`
    // is initialised by `sb_chunked_decoder_init`; `buf` holds `size`
    // writable bytes.
    let ret = unsafe {
        let config = sb_chunked_config_new();
        assert_eq!(sb_chunked_config_set_max_body_bytes(config, limits[0]), sb_result::Ok);
        assert_eq!(sb_chunked_config_set_max_extension_len(config, limits[1] as usize), sb_result::Ok);
        assert_eq!(sb_chunked_config_set_max_overhead(config, limits[2]), sb_result::Ok);
        assert_eq!(sb_chunked_config_set_max_trailer_bytes(config, limits[3] as usize), sb_result::Ok);
        let mut decoder = sb_chunked_decoder::zeroed();
        assert_eq!(sb_chunked_decoder_init(&mut decoder, config), sb_result::Ok);
        sb_chunked_config_free(config);
        decoder.consume_trailer = c_char::from(consume_trailer);
        sb_decode_chunked(&mut decoder, buf.as_mut_ptr().cast(), &mut size)
    };
    let mut rust = ChunkedConfig::new();
    rust.max_body_bytes = limits[0];
    rust.max_extension_len = limits[1] as usize;
    rust.max_overhead = limits[2];
    rust.max_trailer_bytes = limits[3] as usize;
    rust.trailers = if consume_trailer { Trailers::Discard } else { Trailers::Leave };
    let mut rbuf = input.to_vec();
    match ChunkedDecoder::new(rust).decode(&mut rbuf) {
        Err(_) => assert_eq!(ret, -1),
        Ok(d) => {
            assert_eq!(ret, if d.complete { (d.trailer + d.leftover) as isize } else { -2 });
            assert_eq!(&buf[..size], &rbuf[..d.data]);
        }
    }
}

fuzz_target!(|data: &[u8]| {
    version();
    let ([mode, a, b, f0, f1, l0, l1, l2, l3], input) = take::<9>(data);
    request(input);
    configured(input, u32::from(f0) | u32::from(f1) << 8, u32::from(mode >> 1) & 1);
    // Env flags: a flavour and an underscore policy (never both policies).
    let env_flags =
        [0, SB_ENV_RACK, SB_ENV_UNDERSCORES_ALLOW, SB_ENV_RACK | SB_ENV_UNDERSCORES_REJECT][usize::from(mode >> 3) & 3];
    fused_env(input, u32::from(f0) | u32::from(f1) << 8, env_flags);
    let n = input.len();
    let mut cuts = [usize::from(a) * n / 256, usize::from(b) * n / 256];
    cuts.sort_unstable();
    let (consume, with_error) = (mode & 1 != 0, mode & 4 != 0);
    assert_eq!(chunked(input, &cuts, consume, with_error), chunked(input, &[], consume, !with_error));
    limited_chunked(input, [l0, l1, l2, l3], consume);
});
