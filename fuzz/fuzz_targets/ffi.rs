//! The C ABI entry points, called as a C program would: the
//! picohttpparser-compatible parsers agree with the Rust parser pointer
//! for pointer, write no scalar output on failure (and no header but spans
//! of the input), and the C chunked decoder is split-invariant.
#![no_main]

use std::os::raw::{c_char, c_int};
use std::ptr;

use libfuzzer_sys::fuzz_target;
use springbok::{sb_chunked_decoder, sb_header};
use springbok_fuzz::take;
use springbok_parser::{ParserConfig, Status, EMPTY_HEADER};

const NO_HEADER: sb_header = sb_header { name: ptr::null(), name_len: 0, value: ptr::null(), value_len: 0 };

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

/// Runs the C chunked decoder over `input` cut at `cuts`: (decoded bytes,
/// final return value).
fn chunked(input: &[u8], cuts: &[usize], consume_trailer: bool) -> (Vec<u8>, isize) {
    let mut decoder = sb_chunked_decoder {
        consume_trailer: c_char::from(consume_trailer),
        _started: 0,
        _private: [0; springbok::chunked::SB_CHUNKED_DECODER_PRIVATE_WORDS],
    };
    let mut out = Vec::new();
    let mut start = 0;
    for &end in cuts.iter().chain(std::iter::once(&input.len())) {
        let end = end.clamp(start, input.len());
        let mut buf = input[start..end].to_vec();
        start = end;
        let mut size = buf.len();
        // SAFETY: `decoder` is a zero-initialised decoder used only here;
        // `buf` holds `size` writable bytes.
        let ret = unsafe { springbok::chunked::sb_decode_chunked(&mut decoder, buf.as_mut_ptr().cast(), &mut size) };
        if ret == -1 {
            // After an error, what earlier calls decoded is moot.
            return (Vec::new(), -1);
        }
        out.extend_from_slice(&buf[..size]);
        if ret >= 0 {
            // Leftover bytes: those of this call plus everything not fed.
            return (out, ret + (input.len() - start) as isize);
        }
    }
    (out, -2)
}

fuzz_target!(|data: &[u8]| {
    let ([mode, a, b], input) = take::<3>(data);
    request(input);
    let n = input.len();
    let mut cuts = [usize::from(a) * n / 256, usize::from(b) * n / 256];
    cuts.sort_unstable();
    let consume = mode & 1 != 0;
    assert_eq!(chunked(input, &cuts, consume), chunked(input, &[], consume));
});
