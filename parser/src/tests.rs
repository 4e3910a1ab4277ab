//! Unit tests: one per grammar rule, error kind, leniency flag and limit.

use crate::*;
use std::vec::Vec;

type Owned = (Vec<u8>, Vec<u8>, u8, Vec<(Vec<u8>, Vec<u8>)>, usize);

fn owned_headers(h: &[Header<'_>]) -> Vec<(Vec<u8>, Vec<u8>)> {
    h.iter().map(|h| (h.name.to_vec(), h.value.to_vec())).collect()
}

/// Parses a request with `config` and owned results, for easy comparison.
fn req_with(config: &ParserConfig, buf: &[u8]) -> Result<Status<Owned>, Error> {
    let mut headers = [EMPTY_HEADER; 16];
    Ok(match config.parse_request(buf, 0, &mut headers)? {
        Status::Complete(r) => Status::Complete((
            r.method.to_vec(),
            r.target.to_vec(),
            r.minor_version,
            owned_headers(r.headers),
            r.head_len,
        )),
        Status::Partial => Status::Partial,
    })
}

fn req(buf: &[u8]) -> Result<Status<Owned>, Error> {
    req_with(&ParserConfig::new(), buf)
}

fn req_err(config: &ParserConfig, buf: &[u8]) -> (ErrorKind, usize) {
    match req_with(config, buf) {
        Err(e) => (e.kind(), e.offset()),
        Ok(s) => panic!("expected an error for {:?}, got {:?}", std::string::String::from_utf8_lossy(buf), s),
    }
}

fn strict_err(buf: &[u8]) -> (ErrorKind, usize) {
    req_err(&ParserConfig::new(), buf)
}

fn complete(buf: &[u8]) -> Owned {
    match req(buf) {
        Ok(Status::Complete(o)) => o,
        other => {
            panic!("expected a complete request for {:?}, got {other:?}", std::string::String::from_utf8_lossy(buf))
        }
    }
}

fn with(f: impl FnOnce(&mut ParserConfig)) -> ParserConfig {
    let mut c = ParserConfig::new();
    f(&mut c);
    c
}

fn cat(parts: &[&[u8]]) -> Vec<u8> {
    parts.concat()
}

// ----- request line -------------------------------------------------------

#[test]
fn simple_request_is_parsed_zero_copy() {
    let buf = b"GET /a?b=c HTTP/1.1\r\nHost: example.com\r\nX-Empty:\r\n\r\nBODY";
    let mut headers = [EMPTY_HEADER; 4];
    let r = parse_request(buf, &mut headers).unwrap().complete().unwrap();
    assert_eq!(r.method, b"GET");
    assert_eq!(r.target, b"/a?b=c");
    assert_eq!(r.minor_version, 1);
    assert_eq!(r.headers, &[Header { name: b"Host", value: b"example.com" }, Header { name: b"X-Empty", value: b"" }]);
    assert_eq!(&buf[r.head_len..], b"BODY");
    // Zero-copy: the slices point into the input.
    assert!(buf.as_ptr_range().contains(&r.target.as_ptr()));
}

#[test]
fn http_1_0_is_minor_version_0() {
    assert_eq!(complete(b"GET / HTTP/1.0\r\n\r\n").2, 0);
}

#[test]
fn every_prefix_of_a_valid_request_is_partial() {
    let buf = b"POST /x%20y HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\n";
    for k in 0..buf.len() {
        assert_eq!(req(&buf[..k]), Ok(Status::Partial), "prefix {k}");
    }
    assert_eq!(complete(buf).4, buf.len());
}

#[test]
fn method_rejects_every_non_tchar_byte() {
    for b in 0u8..=255 {
        if crate::class::is(b, crate::class::TCHAR) || b == b' ' {
            continue;
        }
        let buf = cat(&[b"G", &[b], b"T / HTTP/1.1\r\n\r\n"]);
        assert_eq!(strict_err(&buf), (ErrorKind::Method, 1), "byte {b:#x}");
    }
}

#[test]
fn empty_method_is_rejected() {
    assert_eq!(strict_err(b" / HTTP/1.1\r\n\r\n"), (ErrorKind::Method, 0));
}

#[test]
fn strict_target_rejects_every_byte_outside_rfc3986() {
    for b in 0u8..=255 {
        if crate::class::is(b, crate::class::TARGET) {
            assert!(req(&cat(&[b"GET /a", &[b], b"b HTTP/1.1\r\n\r\n"])).unwrap().is_complete());
            continue;
        }
        let buf = cat(&[b"GET /a", &[b], b"b HTTP/1.1\r\n\r\n"]);
        let expected = match b {
            // SP ends the target; what follows is not a version.
            b' ' => (ErrorKind::Version, 7),
            // `%` must be followed by two hex digits.
            b'%' => (ErrorKind::Target, 8),
            // A line end right after the target: no version.
            b'\r' | b'\n' => (ErrorKind::Version, 6),
            _ => (ErrorKind::Target, 6),
        };
        assert_eq!(strict_err(&buf), expected, "byte {b:#x}");
    }
}

#[test]
fn loose_target_accepts_vchar_and_obs_text_only() {
    let loose = with(|c| c.allow_loose_target = true);
    for b in 0u8..=255 {
        let buf = cat(&[b"GET /a", &[b], b"b HTTP/1.1\r\n\r\n"]);
        let accepted = req_with(&loose, &buf).map(|s| s.is_complete()).unwrap_or(false);
        assert_eq!(accepted, b.is_ascii_graphic() || b >= 0x80, "byte {b:#x}");
    }
    // Loose mode does not check escapes.
    assert!(req_with(&loose, b"GET /%zz HTTP/1.1\r\n\r\n").unwrap().is_complete());
}

#[test]
fn percent_escapes_need_two_hex_digits() {
    assert_eq!(complete(b"GET /a%2Fb%c3%A9 HTTP/1.1\r\n\r\n").1, b"/a%2Fb%c3%A9");
    assert_eq!(strict_err(b"GET /%G0 HTTP/1.1\r\n\r\n"), (ErrorKind::Target, 6));
    assert_eq!(strict_err(b"GET /%0G HTTP/1.1\r\n\r\n"), (ErrorKind::Target, 7));
    assert_eq!(strict_err(b"GET /%2 HTTP/1.1\r\n\r\n"), (ErrorKind::Target, 7));
    // A `%` at the end of the buffer waits for more input.
    assert_eq!(req(b"GET /%"), Ok(Status::Partial));
    assert_eq!(req(b"GET /%4"), Ok(Status::Partial));
}

#[test]
fn empty_target_is_a_space_error() {
    assert_eq!(strict_err(b"GET  HTTP/1.1\r\n\r\n"), (ErrorKind::StartLineSpace, 4));
}

#[test]
fn target_length_limit() {
    let config = with(|c| c.max_target_len = 10);
    let ok = cat(&[b"GET /", &[b'a'; 9], b" HTTP/1.1\r\n\r\n"]);
    assert!(req_with(&config, &ok).unwrap().is_complete());
    let long = cat(&[b"GET /", &[b'a'; 10], b" HTTP/1.1\r\n\r\n"]);
    assert_eq!(req_err(&config, &long), (ErrorKind::TargetTooLong, 4));
    // Detected before the head is complete, so a server can answer 414 early.
    assert_eq!(req_err(&config, &long[..16]), (ErrorKind::TargetTooLong, 4));
    assert_eq!(ErrorKind::TargetTooLong.status(), 414);
}

#[test]
fn one_space_between_request_line_parts() {
    assert_eq!(strict_err(b"GET  / HTTP/1.1\r\n\r\n"), (ErrorKind::StartLineSpace, 4));
    assert_eq!(strict_err(b"GET /  HTTP/1.1\r\n\r\n"), (ErrorKind::StartLineSpace, 6));
    assert_eq!(strict_err(b"GET / HTTP/1.1 \r\n\r\n"), (ErrorKind::StartLineSpace, 14));
    assert_eq!(strict_err(b"GET\t/ HTTP/1.1\r\n\r\n"), (ErrorKind::Method, 3));
}

#[test]
fn allow_multiple_spaces_flag() {
    let config = with(|c| c.allow_multiple_spaces = true);
    let r = req_with(&config, b"GET   /x   HTTP/1.1\r\n\r\n").unwrap().complete().unwrap();
    assert_eq!((r.0.as_slice(), r.1.as_slice()), (&b"GET"[..], &b"/x"[..]));
    // Trailing spaces after the version are still an error.
    assert_eq!(req_err(&config, b"GET / HTTP/1.1 \r\n\r\n").0, ErrorKind::StartLineSpace);
}

#[test]
fn versions() {
    // A higher minor version is processed as 1.1 (RFC 9110 §6.2).
    assert_eq!(complete(b"GET / HTTP/1.2\r\n\r\n").2, 1);
    assert_eq!(strict_err(b"GET / HTTP/2.0\r\n\r\n"), (ErrorKind::UnsupportedVersion, 6));
    assert_eq!(strict_err(b"GET / HTTP/0.9\r\n\r\n"), (ErrorKind::UnsupportedVersion, 6));
    assert_eq!(ErrorKind::UnsupportedVersion.status(), 505);
    assert_eq!(strict_err(b"GET / HTTP/1.10\r\n\r\n"), (ErrorKind::Version, 14));
    assert_eq!(strict_err(b"GET / http/1.1\r\n\r\n"), (ErrorKind::Version, 6));
    assert_eq!(strict_err(b"GET / HTTP/1,1\r\n\r\n"), (ErrorKind::Version, 12));
    assert_eq!(strict_err(b"GET / HTTP/x.1\r\n\r\n"), (ErrorKind::Version, 11));
    assert_eq!(strict_err(b"GET /\r\n\r\n"), (ErrorKind::Version, 5));
    // A wrong byte fails at once, before the rest arrives.
    assert_eq!(strict_err(b"GET / HTTX"), (ErrorKind::Version, 9));
}

#[test]
fn version_rejects_every_control_byte() {
    for b in (0u8..0x20).chain([0x7f]).chain(0x80..=0xff) {
        let buf = cat(&[b"GET / HTTP/1", &[b], b"1\r\n\r\n"]);
        assert_eq!(strict_err(&buf), (ErrorKind::Version, 12), "byte {b:#x}");
    }
}

#[test]
fn leading_empty_lines_flag() {
    assert_eq!(strict_err(b"\r\nGET / HTTP/1.1\r\n\r\n"), (ErrorKind::LeadingEmptyLine, 0));
    let config = with(|c| c.allow_leading_empty_lines = true);
    let r = req_with(&config, b"\r\n\r\nGET / HTTP/1.1\r\n\r\n").unwrap().complete().unwrap();
    assert_eq!(r.4, 22);
    let many = cat(&[&b"\r\n".repeat(MAX_LEADING_EMPTY_LINES), b"GET / HTTP/1.1\r\n\r\n"]);
    assert!(req_with(&config, &many).unwrap().is_complete());
    let too_many = cat(&[&b"\r\n".repeat(MAX_LEADING_EMPTY_LINES + 1), b"GET / HTTP/1.1\r\n\r\n"]);
    assert_eq!(req_err(&config, &too_many).0, ErrorKind::LeadingEmptyLine);
}

// ----- line endings -------------------------------------------------------

#[test]
fn bare_lf_is_rejected_unless_allowed() {
    assert_eq!(strict_err(b"GET / HTTP/1.1\nHost: a\r\n\r\n"), (ErrorKind::BareLf, 14));
    assert_eq!(strict_err(b"GET / HTTP/1.1\r\nHost: a\n\r\n"), (ErrorKind::BareLf, 23));
    assert_eq!(strict_err(b"GET / HTTP/1.1\r\nHost: a\r\n\n"), (ErrorKind::BareLf, 25));
    let config = with(|c| c.allow_bare_lf = true);
    let r = req_with(&config, b"GET / HTTP/1.1\nHost: a\n\nrest").unwrap().complete().unwrap();
    assert_eq!(r.3, [(b"Host".to_vec(), b"a".to_vec())]);
    assert_eq!(r.4, 24);
}

#[test]
fn bare_cr_is_always_rejected() {
    let lenient = ParserConfig::picohttpparser_compatible();
    for config in [ParserConfig::new(), lenient] {
        assert_eq!(req_err(&config, b"GET / HTTP/1.1\rHost: a\r\n\r\n"), (ErrorKind::BareCr, 14));
        assert_eq!(req_err(&config, b"GET / HTTP/1.1\r\nHost: a\rb\r\n\r\n"), (ErrorKind::BareCr, 23));
        assert_eq!(req_err(&config, b"GET / HTTP/1.1\r\nHost: a\r\n\rx"), (ErrorKind::BareCr, 25));
    }
}

// ----- headers ------------------------------------------------------------

#[test]
fn header_name_rejects_every_non_tchar_byte() {
    for b in 0u8..=255 {
        if crate::class::is(b, crate::class::TCHAR) || b == b':' {
            continue;
        }
        let buf = cat(&[b"GET / HTTP/1.1\r\nX", &[b], b"Y: v\r\n\r\n"]);
        assert_eq!(strict_err(&buf), (ErrorKind::HeaderName, 17), "byte {b:#x}");
    }
}

#[test]
fn empty_header_name_is_rejected() {
    assert_eq!(strict_err(b"GET / HTTP/1.1\r\n: v\r\n\r\n"), (ErrorKind::HeaderName, 16));
}

#[test]
fn whitespace_before_colon_is_rejected() {
    assert_eq!(strict_err(b"GET / HTTP/1.1\r\nHost : a\r\n\r\n"), (ErrorKind::SpaceBeforeColon, 20));
    assert_eq!(strict_err(b"GET / HTTP/1.1\r\nHost\t \t: a\r\n\r\n"), (ErrorKind::SpaceBeforeColon, 20));
    // A space inside a name is a bad name, not a space before the colon.
    assert_eq!(strict_err(b"GET / HTTP/1.1\r\nBad Name: a\r\n\r\n"), (ErrorKind::HeaderName, 19));
    // Which one it is waits for the byte after the whitespace.
    assert_eq!(req(b"GET / HTTP/1.1\r\nHost  "), Ok(Status::Partial));
}

#[test]
fn header_value_rejects_every_control_byte_but_htab() {
    for b in 0u8..=255 {
        let buf = cat(&[b"GET / HTTP/1.1\r\nX: a", &[b], b"b\r\n\r\n"]);
        let result = req(&buf);
        if b == b'\t' || b >= 0x20 && b != 0x7f {
            let r = result.unwrap().complete().unwrap();
            assert_eq!(r.3[0].1, [b'a', b, b'b'], "byte {b:#x}");
            continue;
        }
        let expected = match b {
            b'\r' => (ErrorKind::BareCr, 20),
            b'\n' => (ErrorKind::BareLf, 20),
            _ => (ErrorKind::HeaderValue, 20),
        };
        assert_eq!(result.map(|_| ()).unwrap_err(), Error::new(expected.0, expected.1), "byte {b:#x}");
    }
}

#[test]
fn header_value_whitespace_is_trimmed() {
    let r = complete(b"GET / HTTP/1.1\r\nA: \t a \t b\t \r\nB:\r\nC:   \r\n\r\n");
    assert_eq!(r.3[0].1, b"a \t b");
    assert_eq!(r.3[1].1, b"");
    assert_eq!(r.3[2].1, b"");
}

#[test]
fn whitespace_before_first_header() {
    let buf = b"GET / HTTP/1.1\r\n Host: evil\r\nHost: a\r\n\r\n";
    assert_eq!(strict_err(buf), (ErrorKind::WhitespaceBeforeFirstHeader, 16));
    let config = with(|c| c.allow_whitespace_before_first_header = true);
    let r = req_with(&config, buf).unwrap().complete().unwrap();
    assert_eq!(r.3, [(b"Host".to_vec(), b"a".to_vec())]);
}

#[test]
fn obs_fold_modes() {
    let buf = b"GET / HTTP/1.1\r\nA: one\r\n  two \r\n\tthree\r\nB: x\r\n\r\n";
    assert_eq!(strict_err(buf), (ErrorKind::ObsFold, 24));

    let continuation = with(|c| c.obs_fold = ObsFold::Continuation);
    let r = req_with(&continuation, buf).unwrap().complete().unwrap();
    let names: Vec<&[u8]> = r.3.iter().map(|h| h.0.as_slice()).collect();
    let values: Vec<&[u8]> = r.3.iter().map(|h| h.1.as_slice()).collect();
    assert_eq!(names, [&b"A"[..], b"", b"", b"B"]);
    assert_eq!(values, [&b"one"[..], b"two", b"three", b"x"]);

    let span = with(|c| c.obs_fold = ObsFold::Span);
    let r = req_with(&span, buf).unwrap().complete().unwrap();
    assert_eq!(r.3[0].1, b"one\r\n  two \r\n\tthree");
    assert_eq!(r.3[1], (b"B".to_vec(), b"x".to_vec()));
    let pieces: Vec<&[u8]> = unfold(&r.3[0].1).collect();
    assert_eq!(pieces, [&b"one"[..], b"two", b"three"]);
    // A fold after an empty first line starts the value there.
    let r = req_with(&span, b"GET / HTTP/1.1\r\nA:\r\n x\r\n\r\n").unwrap().complete().unwrap();
    assert_eq!(r.3[0].1, b"x");
}

#[test]
fn obs_fold_respects_value_limit_in_span_mode() {
    let config = with(|c| {
        c.obs_fold = ObsFold::Span;
        c.max_value_len = 8;
    });
    assert!(req_with(&config, b"GET / HTTP/1.1\r\nA: abc\r\n d\r\n\r\n").unwrap().is_complete());
    assert_eq!(req_err(&config, b"GET / HTTP/1.1\r\nA: abcd\r\n efgh\r\n\r\n"), (ErrorKind::HeaderValueTooLong, 19));
}

#[test]
fn ignore_invalid_headers_skips_bad_lines_only() {
    let config = with(|c| c.ignore_invalid_headers = true);
    let buf = b"GET / HTTP/1.1\r\nGood: 1\r\nBad Name: x\r\nBad@Name: y\r\nV: a\x01b\r\nHost : z\r\nAlso: 2\r\n\r\n";
    let r = req_with(&config, buf).unwrap().complete().unwrap();
    assert_eq!(r.3, [(b"Good".to_vec(), b"1".to_vec()), (b"Also".to_vec(), b"2".to_vec())]);
    // Line endings and limits still apply.
    assert_eq!(req_err(&config, b"GET / HTTP/1.1\r\nBad Name: x\ry\r\n\r\n").0, ErrorKind::BareCr);
    assert_eq!(req_err(&config, b"GET / HTTP/1.1\r\nBad Name: x\n\r\n").0, ErrorKind::BareLf);
    let small = with(|c| {
        c.ignore_invalid_headers = true;
        c.max_name_len = 2;
    });
    assert_eq!(req_err(&small, b"GET / HTTP/1.1\r\nLong: x\r\n\r\n").0, ErrorKind::HeaderNameTooLong);
}

#[test]
fn too_many_headers() {
    let buf = b"GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n";
    let mut two = [EMPTY_HEADER; 2];
    let e = parse_request(buf, &mut two).unwrap_err();
    assert_eq!((e.kind(), e.offset(), e.status()), (ErrorKind::TooManyHeaders, 28, 431));
    let mut three = [EMPTY_HEADER; 3];
    assert_eq!(parse_request(buf, &mut three).unwrap().complete().unwrap().headers.len(), 3);
    let mut none: [Header<'_>; 0] = [];
    assert!(parse_request(b"GET / HTTP/1.1\r\n\r\n", &mut none).unwrap().is_complete());
}

#[test]
fn name_and_value_length_limits() {
    let config = with(|c| {
        c.max_name_len = 4;
        c.max_value_len = 3;
    });
    assert!(req_with(&config, b"GET / HTTP/1.1\r\nAbcd: xyz\r\n\r\n").unwrap().is_complete());
    assert_eq!(req_err(&config, b"GET / HTTP/1.1\r\nAbcde: x\r\n\r\n"), (ErrorKind::HeaderNameTooLong, 16));
    assert_eq!(req_err(&config, b"GET / HTTP/1.1\r\nA: wxyz\r\n\r\n"), (ErrorKind::HeaderValueTooLong, 19));
    // Detected on a partial buffer too.
    assert_eq!(req_err(&config, b"GET / HTTP/1.1\r\nAbcde").0, ErrorKind::HeaderNameTooLong);
    assert_eq!(req_err(&config, b"GET / HTTP/1.1\r\nA: wxyz").0, ErrorKind::HeaderValueTooLong);
    assert_eq!(ErrorKind::HeaderNameTooLong.status(), 431);
    assert_eq!(ErrorKind::HeaderValueTooLong.status(), 431);
}

#[test]
fn head_size_limit() {
    let buf = b"GET / HTTP/1.1\r\nHost: a\r\n\r\n";
    let exact = with(|c| c.max_head_bytes = buf.len());
    assert!(req_with(&exact, buf).unwrap().is_complete());
    let smaller = with(|c| c.max_head_bytes = buf.len() - 1);
    assert_eq!(req_err(&smaller, buf), (ErrorKind::HeadTooLarge, buf.len() - 1));
    // A partial head that has reached the limit fails, with or without last_len.
    let mut headers = [EMPTY_HEADER; 4];
    let e = smaller.parse_request(&buf[..buf.len() - 1], 10, &mut headers).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::HeadTooLarge);
    assert_eq!(e.status(), 431);
    // The body after a complete head does not count.
    let with_body = cat(&[buf, &[b'x'; 100]]);
    assert!(req_with(&exact, &with_body).unwrap().is_complete());
}

#[test]
fn default_limits_are_pumas() {
    let c = ParserConfig::default();
    assert_eq!(
        (c.max_head_bytes, c.max_target_len, c.max_name_len, c.max_value_len),
        (112 * 1024, 12 * 1024, 256, 80 * 1024)
    );
    assert_eq!(c, ParserConfig::new());
}

#[test]
fn error_display_names_kind_and_offset() {
    let e = Error::new(ErrorKind::HeaderValue, 42);
    assert_eq!(std::format!("{e}"), "invalid header value at byte 42");
}

// ----- responses ----------------------------------------------------------

/// (minor version, code, reason, header count, head length)
type OwnedResponse = (u8, u16, Vec<u8>, usize, usize);

fn resp_with(config: &ParserConfig, buf: &[u8]) -> Result<Status<OwnedResponse>, Error> {
    let mut headers = [EMPTY_HEADER; 8];
    Ok(match config.parse_response(buf, 0, &mut headers)? {
        Status::Complete(r) => {
            Status::Complete((r.minor_version, r.code, r.reason.to_vec(), r.headers.len(), r.head_len))
        }
        Status::Partial => Status::Partial,
    })
}

fn resp_err(config: &ParserConfig, buf: &[u8]) -> (ErrorKind, usize) {
    let e = resp_with(config, buf).map(|_| ()).unwrap_err();
    (e.kind(), e.offset())
}

#[test]
fn responses() {
    let strict = ParserConfig::new();
    let r = resp_with(&strict, b"HTTP/1.1 404 Not Found\r\nA: b\r\n\r\n").unwrap().complete().unwrap();
    assert_eq!(r, (1, 404, b"Not Found".to_vec(), 1, 32));
    let r = resp_with(&strict, b"HTTP/1.0 200 \r\n\r\n").unwrap().complete().unwrap();
    assert_eq!(r, (0, 200, b"".to_vec(), 0, 17));
    let r = resp_with(&strict, b"HTTP/1.1 999 \xe9t\xe9\r\n\r\n").unwrap().complete().unwrap();
    assert_eq!(r.2, b"\xe9t\xe9");
    let ok = b"HTTP/1.1 200 OK\r\n\r\n";
    for k in 0..ok.len() {
        assert_eq!(resp_with(&strict, &ok[..k]), Ok(Status::Partial));
    }
}

#[test]
fn response_errors() {
    let strict = ParserConfig::new();
    assert_eq!(resp_err(&strict, b"HTTP/1.1 200\r\n\r\n"), (ErrorKind::StatusCode, 12));
    assert_eq!(resp_err(&strict, b"HTTP/1.1 099 x\r\n\r\n"), (ErrorKind::StatusCode, 9));
    assert_eq!(resp_err(&strict, b"HTTP/1.1 2x0 x\r\n\r\n"), (ErrorKind::StatusCode, 10));
    assert_eq!(resp_err(&strict, b"HTTP/1.1 2000 x\r\n\r\n"), (ErrorKind::StatusCode, 12));
    assert_eq!(resp_err(&strict, b"HTTP/1.1  200 x\r\n\r\n"), (ErrorKind::StartLineSpace, 9));
    assert_eq!(resp_err(&strict, b"HTTP/1.1 200 O\x01K\r\n\r\n"), (ErrorKind::Reason, 14));
    assert_eq!(resp_err(&strict, b"HTTP/1.1 200 O\x7fK\r\n\r\n"), (ErrorKind::Reason, 14));
    assert_eq!(resp_err(&strict, b"HTTP/3.0 200 OK\r\n\r\n"), (ErrorKind::UnsupportedVersion, 0));
    assert_eq!(resp_err(&strict, b"HTTP/1.1\t200 OK\r\n\r\n"), (ErrorKind::Version, 8));
    assert_eq!(resp_err(&strict, b"\r\nHTTP/1.1 200 OK\r\n\r\n"), (ErrorKind::LeadingEmptyLine, 0));
    let lenient = with(|c| {
        c.allow_missing_reason_space = true;
        c.allow_multiple_spaces = true;
    });
    assert_eq!(resp_with(&lenient, b"HTTP/1.1 200\r\n\r\n").unwrap().complete().unwrap().2, b"");
    assert_eq!(resp_with(&lenient, b"HTTP/1.1   200   OK\r\n\r\n").unwrap().complete().unwrap().2, b"OK");
}

// ----- header blocks ------------------------------------------------------

#[test]
fn header_blocks() {
    let mut headers = [EMPTY_HEADER; 4];
    let b = parse_headers(b"\r\nrest", &mut headers).unwrap().complete().unwrap();
    assert_eq!((b.headers.len(), b.len), (0, 2));
    let b = parse_headers(b"Content-Disposition: form-data; name=\"a\"\r\n\r\ndata", &mut headers)
        .unwrap()
        .complete()
        .unwrap();
    assert_eq!(b.headers[0].value, b"form-data; name=\"a\"");
    assert_eq!(b.len, 44);
    assert_eq!(parse_headers(b"A: b\r\n", &mut headers), Ok(Status::Partial));
    assert_eq!(
        parse_headers(b" A: b\r\n\r\n", &mut headers).unwrap_err().kind(),
        ErrorKind::WhitespaceBeforeFirstHeader
    );
    // An empty block arriving in pieces completes despite last_len.
    let config = ParserConfig::new();
    assert_eq!(config.parse_headers(b"\r", 0, &mut headers), Ok(Status::Partial));
    assert!(config.parse_headers(b"\r\n", 1, &mut headers).unwrap().is_complete());
}

// ----- storage variants and incremental parsing ---------------------------

#[test]
fn uninit_storage_gives_the_same_result() {
    let buf = b"GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\n\r\n";
    let mut init = [EMPTY_HEADER; 4];
    let mut uninit = [core::mem::MaybeUninit::uninit(); 4];
    let config = ParserConfig::new();
    let a = config.parse_request(buf, 0, &mut init).unwrap();
    let b = config.parse_request_uninit(buf, 0, &mut uninit).unwrap();
    assert_eq!(a, b);
    let resp = b"HTTP/1.1 200 OK\r\nA: 1\r\n\r\n";
    let mut init = [EMPTY_HEADER; 4];
    let mut uninit = [core::mem::MaybeUninit::uninit(); 4];
    assert_eq!(
        config.parse_response(resp, 0, &mut init).unwrap(),
        config.parse_response_uninit(resp, 0, &mut uninit).unwrap()
    );
    let mut init = [EMPTY_HEADER; 4];
    let mut uninit = [core::mem::MaybeUninit::uninit(); 4];
    assert_eq!(
        config.parse_headers(&resp[17..], 0, &mut init).unwrap(),
        config.parse_headers_uninit(&resp[17..], 0, &mut uninit).unwrap()
    );
    let mut small = [core::mem::MaybeUninit::uninit(); 1];
    assert_eq!(config.parse_request_uninit(buf, 0, &mut small).unwrap_err().kind(), ErrorKind::TooManyHeaders);
}

/// Uninitialised storage takes every path the initialised one takes: the
/// fast path, the grammar from the start line or from a header line in the
/// middle of the head, partial heads, errors and full storage; for requests
/// and responses alike.
#[test]
fn uninit_storage_agrees_on_every_path() {
    let mut lenient = ParserConfig::new();
    lenient.allow_multiple_spaces = true;
    lenient.obs_fold = ObsFold::Continuation;
    let heads: [&[u8]; 7] = [
        b"GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\n\r\n",
        b"GET / HTTP/1.1\r\nA: 1\r\nB:\t2\r\nC: 3\r\n\r\n",
        b"GET  /  HTTP/1.1\r\nA: 1\r\n\r\n",
        b"GET / HTTP/1.1\r\nA: 1\r\n folded\r\nB: 2\r\n\r\n",
        b"GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\n",
        b"GET / HTTP/1.1\r\nA: 1\r\nB 2\r\n\r\n",
        b"GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\n",
    ];
    for config in [ParserConfig::new(), lenient] {
        for head in heads {
            // The same header lines after a status line.
            let line_end = head.iter().position(|&b| b == b'\n').unwrap() + 1;
            let status_lines: [&[u8]; 2] = [b"HTTP/1.1 200 OK\r\n", b"HTTP/1.1  200  OK\r\n"];
            for cap in [0, 1, 2, 3, 8] {
                let mut init = std::vec![EMPTY_HEADER; cap];
                let mut uninit = std::vec![core::mem::MaybeUninit::uninit(); cap];
                assert_eq!(
                    config.parse_request(head, 0, &mut init),
                    config.parse_request_uninit(head, 0, &mut uninit),
                    "{} with {cap} slots",
                    head.escape_ascii()
                );
                for status_line in status_lines {
                    let response = [status_line, &head[line_end..]].concat();
                    let mut init = std::vec![EMPTY_HEADER; cap];
                    let mut uninit = std::vec![core::mem::MaybeUninit::uninit(); cap];
                    assert_eq!(
                        config.parse_response(&response, 0, &mut init),
                        config.parse_response_uninit(&response, 0, &mut uninit),
                        "{} with {cap} slots",
                        response.escape_ascii()
                    );
                }
            }
        }
    }
}

fn feed_byte_at_a_time(config: &ParserConfig, buf: &[u8]) -> (Result<Status<usize>, Error>, usize) {
    work::take();
    let mut last_len = 0;
    for k in 1..=buf.len() {
        let mut headers = [EMPTY_HEADER; 64];
        match config.parse_request(&buf[..k], last_len, &mut headers) {
            Ok(Status::Partial) => last_len = k,
            Ok(Status::Complete(r)) => return (Ok(Status::Complete(r.head_len)), work::take()),
            Err(e) => return (Err(e), work::take()),
        }
    }
    (Ok(Status::Partial), work::take())
}

#[test]
fn byte_at_a_time_feeding_is_linear() {
    let mut buf = std::vec::Vec::from(&b"GET /a/long/path?with=query HTTP/1.1\r\n"[..]);
    for i in 0..40 {
        buf.extend_from_slice(std::format!("X-Header-{i}: some value that is not short {i}\r\n").as_bytes());
    }
    buf.extend_from_slice(b"\r\n");
    let n = buf.len();
    let (result, scanned) = feed_byte_at_a_time(&ParserConfig::new(), &buf);
    assert_eq!(result, Ok(Status::Complete(n)));
    // The completeness check looks at each byte at most three times (the two
    // bytes before `last_len` are looked at again), and the head is parsed
    // once when complete. Without last_len this is n²/2 ≈ 1.7 M.
    assert!(scanned <= 4 * n + 16, "scanned {scanned} bytes for a {n}-byte head");

    // Without the hint the same feeding is quadratic: the counter notices.
    work::take();
    for k in 1..=n {
        let mut headers = [EMPTY_HEADER; 64];
        let _ = ParserConfig::new().parse_request(&buf[..k], 0, &mut headers);
    }
    assert!(work::take() > n * n / 4);
}

#[test]
fn last_len_gives_the_same_results_at_every_split() {
    let buf = b"POST /p HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n";
    let config = ParserConfig::new();
    let mut headers = [EMPTY_HEADER; 8];
    let whole = config.parse_request(buf, 0, &mut headers).unwrap().complete().unwrap().head_len;
    for k in 1..buf.len() {
        let mut h = [EMPTY_HEADER; 8];
        assert_eq!(config.parse_request(&buf[..k], 0, &mut h), Ok(Status::Partial));
        let mut h = [EMPTY_HEADER; 8];
        let r = config.parse_request(buf, k, &mut h).unwrap().complete().unwrap();
        assert_eq!(r.head_len, whole);
    }
    // A last_len beyond the buffer is treated as a fresh parse.
    let mut h = [EMPTY_HEADER; 8];
    assert!(config.parse_request(buf, buf.len() + 10, &mut h).unwrap().is_complete());
}

#[test]
fn incremental_errors_are_found_once_the_head_ends() {
    let buf = b"GET / HTTP/1.1\r\nBad\x01: x\r\n\r\n";
    let (result, _) = feed_byte_at_a_time(&ParserConfig::new(), buf);
    assert_eq!(result.unwrap_err().kind(), ErrorKind::HeaderName);
}

#[test]
fn a_bare_lf_fails_when_it_arrives_as_in_a_whole_parse() {
    // With last_len, a head that cannot be complete yet is not reparsed;
    // a strict parse must still fail at the bare LF as soon as it is in the
    // buffer (not only once a head end arrives), as a whole parse does.
    for buf in [&b"GET / HTTP/1.1\n"[..], b"GET / HTTP/1.1\r\nHost: a\n", b"GET / HTTP/1.1\r\nX: y\nZ"] {
        let mut headers = [EMPTY_HEADER; 8];
        let whole = ParserConfig::new().parse_request(buf, 0, &mut headers).unwrap_err();
        assert_eq!(whole.kind(), ErrorKind::BareLf, "{buf:?}");
        let (fed, _) = feed_byte_at_a_time(&ParserConfig::new(), buf);
        assert_eq!(fed.unwrap_err(), whole, "{buf:?}");
    }
    // Where bare LF is allowed, the same bytes are a head still arriving.
    let lenient = with(|c| c.allow_bare_lf = true);
    assert_eq!(feed_byte_at_a_time(&lenient, b"GET / HTTP/1.1\r\nHost: a\n").0, Ok(Status::Partial));
}

#[test]
fn leading_empty_lines_fed_slowly_stay_bounded() {
    let config = with(|c| c.allow_leading_empty_lines = true);
    let buf = cat(&[&b"\r\n".repeat(MAX_LEADING_EMPTY_LINES), b"GET / HTTP/1.1\r\n\r\n"]);
    work::take();
    let mut last_len = 0;
    let mut done = false;
    for k in 1..=buf.len() {
        let mut headers = [EMPTY_HEADER; 4];
        match config.parse_request(&buf[..k], last_len, &mut headers).unwrap() {
            Status::Partial => last_len = k,
            Status::Complete(_) => done = true,
        }
    }
    assert!(done);
    let n = buf.len();
    assert!(work::take() <= 4 * n + MAX_LEADING_EMPTY_LINES * n);
}
