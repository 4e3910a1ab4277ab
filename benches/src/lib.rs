//! Shared inputs and parser adapters for the Springbok benchmarks.
//!
//! Every workload is run through three parsers on the same bytes in the same
//! process: Springbok (strict default configuration), `httparse` (default
//! configuration) and picohttpparser (`picohttpparser-sys`, built with its
//! SSE4.2 feature). Each adapter does the same work: parse the whole request
//! head, response head or header block into caller-provided header storage
//! and return its length and header count. The unit tests below check that
//! the three agree on every input, so a speed-up can never come from doing
//! less.

use core::ffi::c_char;

pub mod chunked {
    //! The chunked-body workload: a 1 MiB body in chunks of one size,
    //! decoded in place by Springbok and by picohttpparser.

    use springbok_parser::chunked::{ChunkedConfig, ChunkedDecoder};

    /// The decoded body's length.
    pub const BODY: usize = 1 << 20;

    /// `BODY` bytes of data in chunks of `size`, then the last chunk.
    pub fn encode(size: usize) -> Vec<u8> {
        let mut out = Vec::with_capacity(BODY + BODY / size * 8 + 8);
        let mut left = BODY;
        let mut byte = 0u8;
        while left > 0 {
            let n = left.min(size);
            out.extend_from_slice(format!("{n:x}\r\n").as_bytes());
            out.extend((0..n).map(|_| {
                byte = byte.wrapping_add(1);
                byte
            }));
            out.extend_from_slice(b"\r\n");
            left -= n;
        }
        out.extend_from_slice(b"0\r\n\r\n");
        out
    }

    /// Springbok's decoder over the whole of `buf`, in place: the decoded
    /// length.
    pub fn springbok(buf: &mut [u8]) -> usize {
        let mut config = ChunkedConfig::new();
        // 16-byte chunks are framing-heavy by design here; lift the guard so
        // both decoders do the same work.
        config.max_overhead = u64::MAX;
        let mut decoder = ChunkedDecoder::new(config);
        let d = decoder.decode(buf).expect("valid body");
        assert!(d.complete);
        d.data
    }

    /// picohttpparser's `phr_decode_chunked` over the whole of `buf`, in
    /// place, trailers consumed: the decoded length.
    pub fn pico(buf: &mut [u8]) -> usize {
        // SAFETY: phr_chunked_decoder is plain data whose all-zero value is
        // the initial state (as `struct phr_chunked_decoder d = {0}` in C).
        let mut decoder: picohttpparser_sys::phr_chunked_decoder = unsafe { std::mem::zeroed() };
        decoder.consume_trailer = 1;
        let mut size = buf.len();
        // SAFETY: `buf` is `size` writable bytes and `decoder` is
        // initialised.
        let ret = unsafe { picohttpparser_sys::phr_decode_chunked(&mut decoder, buf.as_mut_ptr().cast(), &mut size) };
        assert!(ret >= 0, "pico returned {ret}");
        size
    }
}

/// Header storage length used by every adapter (the largest workload has 128
/// headers).
pub const MAX_HEADERS: usize = 128;

/// picohttpparser's `bench.c` request: 703 bytes, 9 headers.
pub const PICO_BENCH_REQUEST: &[u8] = b"GET /wp-content/uploads/2010/03/hello-kitty-darth-vader-pink.jpg HTTP/1.1\r\n\
Host: www.kittyhell.com\r\n\
User-Agent: Mozilla/5.0 (Macintosh; U; Intel Mac OS X 10.6; ja-JP-mac; rv:1.9.2.3) Gecko/20100401 Firefox/3.6.3 Pathtraq/0.9\r\n\
Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8\r\n\
Accept-Language: ja,en-us;q=0.7,en;q=0.3\r\n\
Accept-Encoding: gzip,deflate\r\n\
Accept-Charset: Shift_JIS,utf-8;q=0.7,*;q=0.7\r\n\
Keep-Alive: 115\r\n\
Connection: keep-alive\r\n\
Cookie: wp_ozh_wsa_visits=2; wp_ozh_wsa_visit_lasttime=xxxxxxxxxx; __utma=xxxxxxxxx.xxxxxxxxxx.xxxxxxxxxx.xxxxxxxxxx.xxxxxxxxxx.x; __utmz=xxxxxxxxx.xxxxxxxxxx.x.x.utmccn=(referral)|utmcsr=reader.livedoor.com|utmcct=/reader/|utmcmd=referral\r\n\
\r\n";

/// Header counts of the realistic header-count suite.
pub const HEADER_COUNTS: [usize; 8] = [0, 1, 2, 4, 10, 20, 50, 100];

/// Header counts of httparse's `a: b` suite.
pub const TINY_COUNTS: [usize; 5] = [1, 8, 32, 64, 128];

/// Field lengths of the long-field suite.
pub const FIELD_LENGTHS: [usize; 7] = [1, 16, 64, 256, 1024, 2048, 4096];

/// Realistic header lines, in the order a browser behind a proxy sends them.
const REALISTIC: [&str; 20] = [
    "Host: www.example.com",
    "User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
    "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "Accept-Language: en-US,en;q=0.5",
    "Accept-Encoding: gzip, deflate, br, zstd",
    "Connection: keep-alive",
    "Upgrade-Insecure-Requests: 1",
    "Sec-Fetch-Dest: document",
    "Sec-Fetch-Mode: navigate",
    "Sec-Fetch-Site: none",
    "Sec-Fetch-User: ?1",
    "Priority: u=0, i",
    "Cookie: session=8f14e45fceea167a5a36dedd4bea2543; theme=dark; consent=yes",
    "Cache-Control: max-age=0",
    "X-Forwarded-For: 203.0.113.195, 70.41.3.18, 150.172.238.178",
    "X-Forwarded-Proto: https",
    "X-Real-IP: 203.0.113.195",
    "Referer: https://www.example.com/articles/2024/05/springbok-migration.html",
    "If-None-Match: \"33a64df551425fcc55e4d42a148795d9f25f89d4\"",
    "If-Modified-Since: Wed, 21 Oct 2015 07:28:00 GMT",
];

/// A realistic `GET` request with `n` headers: the first 20 are the lines of
/// a browser request behind a proxy, the rest are tracing/custom headers of
/// similar shape.
pub fn realistic_request(n: usize) -> Vec<u8> {
    let mut out = b"GET /articles/2024/05/springbok-migration.html?ref=home&utm_source=feed HTTP/1.1\r\n".to_vec();
    for i in 0..n {
        if let Some(line) = REALISTIC.get(i) {
            out.extend_from_slice(line.as_bytes());
        } else {
            let line = format!("X-Custom-Header-{i}: v{i}-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7");
            out.extend_from_slice(line.as_bytes());
        }
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"\r\n");
    out
}

/// httparse's tiny-header request: `GET / HTTP/1.1` with `a: b` × `n`.
pub fn tiny_request(n: usize) -> Vec<u8> {
    let mut out = b"GET / HTTP/1.1\r\n".to_vec();
    for _ in 0..n {
        out.extend_from_slice(b"a: b\r\n");
    }
    out.extend_from_slice(b"\r\n");
    out
}

/// A request whose target is `/` followed by `len - 1` target bytes (`len`
/// bytes in all), with one `Host` header.
pub fn long_target_request(len: usize) -> Vec<u8> {
    let alphabet = b"abcdefghijklmnopqrstuvwxyz0123456789/-._~=&?";
    let mut out = b"GET /".to_vec();
    out.extend((1..len).map(|i| alphabet[i % alphabet.len()]));
    out.extend_from_slice(b" HTTP/1.1\r\nHost: www.example.com\r\n\r\n");
    out
}

/// A request with a `Host` header and one `X-Long` header whose value is
/// `len` bytes of printable ASCII (including spaces and punctuation).
pub fn long_value_request(len: usize) -> Vec<u8> {
    let alphabet = b"abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ 0123456789;=,/()\"";
    let mut out = b"GET / HTTP/1.1\r\nHost: www.example.com\r\nX-Long: ".to_vec();
    out.extend((0..len).map(|i| if i == 0 { b'v' } else { alphabet[i % alphabet.len()] }));
    // The value must not end in whitespace (OWS is trimmed, which every
    // parser does differently): end it in a letter.
    if let Some(last) = out.last_mut() {
        if *last == b' ' {
            *last = b'z';
        }
    }
    out.extend_from_slice(b"\r\n\r\n");
    out
}

/// Springbok, strict default configuration: `(head_len, header_count)`, or
/// `None` when the input is not a complete valid head.
#[inline]
pub fn springbok<'b>(
    config: &springbok_parser::ParserConfig,
    buf: &'b [u8],
    headers: &mut [springbok_parser::Header<'b>],
) -> Option<(usize, usize)> {
    match config.parse_request(buf, 0, headers) {
        Ok(springbok_parser::Status::Complete(req)) => Some((req.head_len, req.headers.len())),
        _ => None,
    }
}

/// httparse, default configuration: `(head_len, header_count)`.
#[inline]
pub fn httparse<'b>(buf: &'b [u8], headers: &mut [httparse::Header<'b>]) -> Option<(usize, usize)> {
    let mut req = httparse::Request::new(headers);
    match req.parse(buf) {
        Ok(httparse::Status::Complete(len)) => Some((len, req.headers.len())),
        _ => None,
    }
}

/// Empty picohttpparser header storage.
pub fn pico_storage() -> [picohttpparser_sys::phr_header; MAX_HEADERS] {
    [picohttpparser_sys::phr_header::default(); MAX_HEADERS]
}

/// picohttpparser's `phr_parse_request` (`last_len` 0): `(head_len,
/// header_count)`.
#[inline]
pub fn pico(buf: &[u8], headers: &mut [picohttpparser_sys::phr_header]) -> Option<(usize, usize)> {
    let mut method: *const c_char = core::ptr::null();
    let mut method_len = 0;
    let mut path: *const c_char = core::ptr::null();
    let mut path_len = 0;
    let mut minor = 0;
    let mut num_headers = headers.len();
    // SAFETY: `buf` is valid for `buf.len()` bytes; `headers` is valid for
    // writes of `num_headers` entries; the out-parameters are live locals.
    // picohttpparser reads only within `buf` and writes at most
    // `num_headers` headers.
    let ret = unsafe {
        picohttpparser_sys::phr_parse_request(
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
    usize::try_from(ret).ok().map(|len| (len, num_headers))
}

/// Response header lines of a typical server, in the order the first `n` of
/// them are used.
const RESPONSE_HEADERS: [&str; 10] = [
    "Date: Mon, 23 Nov 2026 12:00:00 GMT",
    "Server: nginx/1.25.3",
    "Content-Type: text/html; charset=utf-8",
    "Content-Length: 12345",
    "Connection: keep-alive",
    "Cache-Control: max-age=0, private, must-revalidate",
    "ETag: \"33a64df551425fcc55e4d42a148795d9f25f89d4\"",
    "Vary: Accept-Encoding",
    "X-Frame-Options: SAMEORIGIN",
    "Strict-Transport-Security: max-age=31536000; includeSubDomains",
];

/// Header counts of the response suite.
pub const RESPONSE_COUNTS: [usize; 4] = [0, 1, 4, 10];

/// A `200 OK` response head with the first `n` (at most 10) header lines of
/// a typical server.
pub fn response(n: usize) -> Vec<u8> {
    let mut out = b"HTTP/1.1 200 OK\r\n".to_vec();
    for line in RESPONSE_HEADERS.iter().take(n) {
        out.extend_from_slice(line.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"\r\n");
    out
}

/// Springbok's `parse_response`, strict default configuration:
/// `(head_len, header_count)`.
#[inline]
pub fn springbok_response<'b>(
    config: &springbok_parser::ParserConfig,
    buf: &'b [u8],
    headers: &mut [springbok_parser::Header<'b>],
) -> Option<(usize, usize)> {
    match config.parse_response(buf, 0, headers) {
        Ok(springbok_parser::Status::Complete(resp)) => Some((resp.head_len, resp.headers.len())),
        _ => None,
    }
}

/// httparse's `Response::parse`, default configuration: `(head_len,
/// header_count)`.
#[inline]
pub fn httparse_response<'b>(buf: &'b [u8], headers: &mut [httparse::Header<'b>]) -> Option<(usize, usize)> {
    let mut resp = httparse::Response::new(headers);
    match resp.parse(buf) {
        Ok(httparse::Status::Complete(len)) => Some((len, resp.headers.len())),
        _ => None,
    }
}

/// picohttpparser's `phr_parse_response` (`last_len` 0): `(head_len,
/// header_count)`.
#[inline]
pub fn pico_response(buf: &[u8], headers: &mut [picohttpparser_sys::phr_header]) -> Option<(usize, usize)> {
    let mut minor = 0;
    let mut status = 0;
    let mut msg: *const c_char = core::ptr::null();
    let mut msg_len = 0;
    let mut num_headers = headers.len();
    // SAFETY: as in `pico`: `buf` is valid for `buf.len()` bytes, `headers`
    // for writes of `num_headers` entries, and the out-parameters are live
    // locals.
    let ret = unsafe {
        picohttpparser_sys::phr_parse_response(
            buf.as_ptr().cast(),
            buf.len(),
            &mut minor,
            &mut status,
            &mut msg,
            &mut msg_len,
            headers.as_mut_ptr(),
            &mut num_headers,
            0,
        )
    };
    usize::try_from(ret).ok().map(|len| (len, num_headers))
}

/// Every response workload: `(group, parameter, response)`, the group being
/// `responses`.
pub fn response_workloads() -> Vec<(&'static str, usize, Vec<u8>)> {
    RESPONSE_COUNTS.iter().map(|&n| ("responses", n, response(n))).collect()
}

/// Header lines of a MIME part: a `multipart/form-data` part head first
/// (`Content-Disposition`, `Content-Type`), then what other MIME parts and
/// chunked trailers carry.
const BLOCK_HEADERS: [&str; 10] = [
    "Content-Disposition: form-data; name=\"upload\"; filename=\"springbok-report.pdf\"",
    "Content-Type: application/pdf",
    "Content-Transfer-Encoding: binary",
    "Content-ID: <part1.springbok@example.com>",
    "Content-Language: en-US",
    "Content-Location: https://www.example.com/uploads/springbok-report.pdf",
    "Content-MD5: Q2hlY2sgSW50ZWdyaXR5IQ==",
    "X-Upload-Id: 4bf92f3577b34da6a3ce929d0e0e4736",
    "Server-Timing: db;dur=53, app;dur=47.2",
    "X-Checksum-SHA256: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
];

/// Header counts of the header-block suite: a part head of one or two
/// headers, and longer blocks.
pub const BLOCK_COUNTS: [usize; 4] = [1, 2, 4, 10];

/// A bare header block (no start line) with the first `n` (at most 10)
/// lines of a MIME part, ended by an empty line.
pub fn header_block(n: usize) -> Vec<u8> {
    let mut out = Vec::new();
    for line in BLOCK_HEADERS.iter().take(n) {
        out.extend_from_slice(line.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"\r\n");
    out
}

/// Springbok's `parse_headers`, strict default configuration: `(block_len,
/// header_count)`.
#[inline]
pub fn springbok_block<'b>(
    config: &springbok_parser::ParserConfig,
    buf: &'b [u8],
    headers: &mut [springbok_parser::Header<'b>],
) -> Option<(usize, usize)> {
    match config.parse_headers(buf, 0, headers) {
        Ok(springbok_parser::Status::Complete(block)) => Some((block.len, block.headers.len())),
        _ => None,
    }
}

/// httparse's `parse_headers`, default configuration: `(block_len,
/// header_count)`.
#[inline]
pub fn httparse_block<'b>(buf: &'b [u8], headers: &mut [httparse::Header<'b>]) -> Option<(usize, usize)> {
    match httparse::parse_headers(buf, headers) {
        Ok(httparse::Status::Complete((len, parsed))) => Some((len, parsed.len())),
        _ => None,
    }
}

/// picohttpparser's `phr_parse_headers` (`last_len` 0): `(block_len,
/// header_count)`.
#[inline]
pub fn pico_block(buf: &[u8], headers: &mut [picohttpparser_sys::phr_header]) -> Option<(usize, usize)> {
    let mut num_headers = headers.len();
    // SAFETY: as in `pico`: `buf` is valid for `buf.len()` bytes, `headers`
    // for writes of `num_headers` entries, and `num_headers` is a live
    // local.
    let ret = unsafe {
        picohttpparser_sys::phr_parse_headers(buf.as_ptr().cast(), buf.len(), headers.as_mut_ptr(), &mut num_headers, 0)
    };
    usize::try_from(ret).ok().map(|len| (len, num_headers))
}

/// Every header-block workload: `(group, parameter, block)`, the group
/// being `header_blocks`.
pub fn block_workloads() -> Vec<(&'static str, usize, Vec<u8>)> {
    BLOCK_COUNTS.iter().map(|&n| ("header_blocks", n, header_block(n))).collect()
}

pub mod agree;
pub mod corpus;
pub mod forms;
pub mod uploads;

/// Every workload of the suite: `(group, parameter, request)`.
pub fn workloads() -> Vec<(&'static str, usize, Vec<u8>)> {
    let mut w = vec![("pico_bench", PICO_BENCH_REQUEST.len(), PICO_BENCH_REQUEST.to_vec())];
    w.extend(HEADER_COUNTS.iter().map(|&n| ("headers", n, realistic_request(n))));
    w.extend(TINY_COUNTS.iter().map(|&n| ("tiny_headers", n, tiny_request(n))));
    w.extend(FIELD_LENGTHS.iter().map(|&n| ("long_target", n, long_target_request(n))));
    w.extend(FIELD_LENGTHS.iter().map(|&n| ("long_value", n, long_value_request(n))));
    w
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pico_request_is_703_bytes_with_9_headers() {
        assert_eq!(PICO_BENCH_REQUEST.len(), 703);
        let mut h = pico_storage();
        assert_eq!(pico(PICO_BENCH_REQUEST, &mut h), Some((703, 9)));
    }

    /// The headers Springbok stored (`ours`) are the first ones httparse
    /// and picohttpparser stored, name for name and value for value.
    fn assert_same_headers(
        what: &str,
        ours: &[springbok_parser::Header<'_>],
        theirs: &[httparse::Header<'_>],
        pico: &[picohttpparser_sys::phr_header],
    ) {
        for (i, h) in ours.iter().enumerate() {
            assert_eq!((h.name, h.value), (theirs[i].name.as_bytes(), theirs[i].value), "{what} header {i}");
            // SAFETY: picohttpparser set these pointers into the parsed
            // buffer, which outlives this call, with these lengths.
            let (pn, pv) = unsafe {
                (
                    core::slice::from_raw_parts(pico[i].name.cast::<u8>(), pico[i].name_len),
                    core::slice::from_raw_parts(pico[i].value.cast::<u8>(), pico[i].value_len),
                )
            };
            assert_eq!((h.name, h.value), (pn, pv), "{what} header {i}");
        }
    }

    /// The same for responses: the whole head, every header, and the same
    /// status code and reason phrase.
    #[test]
    fn all_parsers_agree_on_every_response() {
        let config = springbok_parser::ParserConfig::new();
        for (group, n, buf) in response_workloads() {
            let mut sh = [springbok_parser::EMPTY_HEADER; MAX_HEADERS];
            let mut hh = [httparse::EMPTY_HEADER; MAX_HEADERS];
            let mut ph = pico_storage();
            let s = springbok_response(&config, &buf, &mut sh);
            assert_eq!(s, Some((buf.len(), n)), "{group}/{n}");
            assert_eq!(s, httparse_response(&buf, &mut hh), "{group}/{n}");
            assert_eq!(s, pico_response(&buf, &mut ph), "{group}/{n}");
            assert_same_headers(&format!("{group}/{n}"), &sh[..n], &hh, &ph);
            let mut sh = [springbok_parser::EMPTY_HEADER; MAX_HEADERS];
            let r = springbok_parser::parse_response(&buf, &mut sh).unwrap().complete().unwrap();
            let mut hh = [httparse::EMPTY_HEADER; MAX_HEADERS];
            let mut h = httparse::Response::new(&mut hh);
            h.parse(&buf).unwrap();
            assert_eq!((Some(r.code), Some(r.reason)), (h.code, h.reason.map(str::as_bytes)), "{group}/{n}");
        }
    }

    /// The same for header blocks: the whole block and every header.
    #[test]
    fn all_parsers_agree_on_every_header_block() {
        let config = springbok_parser::ParserConfig::new();
        for (group, n, buf) in block_workloads() {
            let mut sh = [springbok_parser::EMPTY_HEADER; MAX_HEADERS];
            let mut hh = [httparse::EMPTY_HEADER; MAX_HEADERS];
            let mut ph = pico_storage();
            let s = springbok_block(&config, &buf, &mut sh);
            assert_eq!(s, Some((buf.len(), n)), "{group}/{n}");
            assert_eq!(s, httparse_block(&buf, &mut hh), "{group}/{n}");
            assert_eq!(s, pico_block(&buf, &mut ph), "{group}/{n}");
            assert_same_headers(&format!("{group}/{n}"), &sh[..n], &hh, &ph);
        }
    }

    /// The three parsers do the same work on every workload: the whole head,
    /// every header stored, the same values.
    #[test]
    fn all_parsers_agree_on_every_workload() {
        let config = springbok_parser::ParserConfig::new();
        for (group, n, buf) in workloads() {
            let mut sh = [springbok_parser::EMPTY_HEADER; MAX_HEADERS];
            let mut hh = [httparse::EMPTY_HEADER; MAX_HEADERS];
            let mut ph = pico_storage();
            let s = springbok(&config, &buf, &mut sh);
            assert!(s.is_some(), "{group}/{n}");
            assert_eq!(s, httparse(&buf, &mut hh), "{group}/{n}");
            assert_eq!(s, pico(&buf, &mut ph), "{group}/{n}");
            let count = s.unwrap().1;
            assert_same_headers(&format!("{group}/{n}"), &sh[..count], &hh, &ph);
            if group == "headers" || group == "tiny_headers" {
                assert_eq!(count, n, "{group}/{n}");
            }
            if group == "long_target" {
                assert_eq!(buf[4..].iter().position(|&b| b == b' '), Some(n), "target length");
            }
        }
    }
}
