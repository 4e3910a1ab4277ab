//! The strictness rules and leniencies of issue 25, one test per rule:
//! folded framing fields read unfolded, IP-literal targets, the Host rules,
//! target forms against methods, CONNECT without a body, higher minor
//! versions, the response-only leniencies and discarded trailers.
//!
//! Like the rest of the crate's unit tests these run again under every
//! SIMD backend (`simd::tests::full_test_suite_runs_under_every_backend`).
//! Each head goes through the parser three ways: whole (the fast path
//! where the line is common), a byte at a time with `last_len` (every
//! partial prefix), and with bare-LF line ends under `allow_bare_lf` (the
//! general grammar throughout); all three must agree.

use crate::chunked::{ChunkedConfig, ChunkedDecoder, ChunkedErrorKind, Trailers};
use crate::env::{EnvConfig, EMPTY_PAIR};
use crate::framing::{self, Body, Expect, FramingConfig, FramingErrorKind};
use crate::*;
use std::format;
use std::string::String;
use std::vec::Vec;

/// The three obs-fold modes.
const FOLDS: [ObsFold; 3] = [ObsFold::Reject, ObsFold::Continuation, ObsFold::Span];

fn config(fold: ObsFold) -> ParserConfig {
    let mut c = ParserConfig::new();
    c.obs_fold = fold;
    c
}

fn show(buf: &[u8]) -> String {
    String::from_utf8_lossy(buf).into_owned()
}

/// `buf` with every CRLF turned into a bare LF.
fn bare_lf(buf: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(buf.len());
    let mut i = 0;
    while i < buf.len() {
        if buf[i..].starts_with(b"\r\n") {
            i += 1;
        }
        out.push(buf[i]);
        i += 1;
    }
    out
}

/// What a parse call returned, owned: the start line's facts and the
/// head's length, or the error.
#[derive(Debug, PartialEq, Eq)]
enum Parsed {
    Request(Vec<u8>, Vec<u8>, u8, usize),
    Response(u8, u16, Vec<u8>, usize),
    Error(ErrorKind),
    Partial,
}

fn parse_req(config: &ParserConfig, buf: &[u8], last_len: usize) -> Parsed {
    let mut h = [EMPTY_HEADER; 16];
    match config.parse_request(buf, last_len, &mut h) {
        Ok(Status::Complete(r)) => Parsed::Request(r.method.into(), r.target.into(), r.minor_version, r.head_len),
        Ok(Status::Partial) => Parsed::Partial,
        Err(e) => Parsed::Error(e.kind()),
    }
}

fn parse_resp(config: &ParserConfig, buf: &[u8], last_len: usize) -> Parsed {
    let mut h = [EMPTY_HEADER; 16];
    match config.parse_response(buf, last_len, &mut h) {
        Ok(Status::Complete(r)) => Parsed::Response(r.minor_version, r.code, r.reason.into(), r.head_len),
        Ok(Status::Partial) => Parsed::Partial,
        Err(e) => Parsed::Error(e.kind()),
    }
}

/// The result for the complete head `buf`, checked to be the same whole, a
/// byte at a time, and with bare LFs through the general grammar (the
/// head length aside, which the bare LFs shorten).
fn through_every_path(config: &ParserConfig, buf: &[u8], parse: fn(&ParserConfig, &[u8], usize) -> Parsed) -> Parsed {
    let whole = parse(config, buf, 0);
    let mut last_len = 0;
    let mut fed = Parsed::Partial;
    for end in 1..=buf.len() {
        fed = parse(config, &buf[..end], last_len);
        if fed != Parsed::Partial {
            break;
        }
        last_len = end;
    }
    assert_eq!(fed, whole, "a byte at a time: {:?}", show(buf));
    let mut lf_config = *config;
    lf_config.allow_bare_lf = true;
    let general = match parse(&lf_config, &bare_lf(buf), 0) {
        Parsed::Request(m, t, v, _) => Parsed::Request(m, t, v, h_len(&whole)),
        Parsed::Response(v, c, r, _) => Parsed::Response(v, c, r, h_len(&whole)),
        other => other,
    };
    assert_eq!(general, whole, "general grammar: {:?}", show(buf));
    whole
}

fn h_len(p: &Parsed) -> usize {
    match p {
        Parsed::Request(.., n) | Parsed::Response(.., n) => *n,
        _ => 0,
    }
}

fn request(config: &ParserConfig, buf: &[u8]) -> Parsed {
    through_every_path(config, buf, parse_req)
}

fn response(config: &ParserConfig, buf: &[u8]) -> Parsed {
    through_every_path(config, buf, parse_resp)
}

/// The request line `line` with a Host header, in every fold mode: its
/// error, or `None` when it parses (with `line`'s target as the target).
fn line_result(line: &str, flags: impl Fn(&mut ParserConfig)) -> Option<ErrorKind> {
    let buf = format!("{line}\r\nHost: a\r\n\r\n");
    let mut first = None;
    for fold in FOLDS {
        let mut c = config(fold);
        flags(&mut c);
        let got = match request(&c, buf.as_bytes()) {
            Parsed::Request(m, t, _, _) => {
                let mut parts = line.split(' ');
                assert_eq!(show(&m), parts.next().unwrap());
                assert_eq!(show(&t), parts.next().unwrap());
                None
            }
            Parsed::Error(k) => Some(k),
            Parsed::Partial | Parsed::Response(..) => panic!("{line}: not a request result"),
        };
        assert_eq!(*first.get_or_insert(got), got, "{line}: fold mode {fold:?} differs");
    }
    first.unwrap()
}

fn strict_line(line: &str) -> Option<ErrorKind> {
    line_result(line, |_| {})
}

// ----- row 1: folded framing fields are read unfolded ---------------------

/// `request_info` of `buf` parsed with `fold`.
fn info_with(fold: ObsFold, buf: &[u8]) -> Result<framing::RequestInfo<'_>, FramingErrorKind> {
    let mut h = [EMPTY_HEADER; 16];
    let req = config(fold).parse_request(buf, 0, &mut h).unwrap().complete().unwrap();
    let info = framing::request_info(&req).map_err(|e| e.kind());
    // The body rules alone say the same.
    if let Ok(i) = info {
        assert_eq!(framing::request_body(req.minor_version, req.headers), Ok(i.body));
    }
    info
}

/// The two modes that accept folds.
const FOLDING: [ObsFold; 2] = [ObsFold::Continuation, ObsFold::Span];

#[test]
fn folded_content_length_is_read_unfolded() {
    let cases: [(&[u8], Result<Body, FramingErrorKind>); 6] = [
        (b"Content-Length: 5\r\n 0", Err(FramingErrorKind::InvalidContentLength)),
        (b"Content-Length: 5\r\n\t0", Err(FramingErrorKind::InvalidContentLength)),
        (b"Content-Length: 5,\r\n 5", Ok(Body::ContentLength(5))),
        (b"Content-Length: 5,\r\n 6", Err(FramingErrorKind::ConflictingContentLength)),
        (b"Content-Length:\r\n 5", Ok(Body::ContentLength(5))),
        (b"Content-Length: 5\r\n ,", Err(FramingErrorKind::InvalidContentLength)),
    ];
    for (field, want) in cases {
        let buf = [b"POST / HTTP/1.1\r\nHost: a\r\n", field, b"\r\n\r\nhello"].concat();
        for fold in FOLDING {
            assert_eq!(info_with(fold, &buf).map(|i| i.body), want, "{fold:?} {:?}", show(field));
        }
        assert_eq!(
            config(ObsFold::Reject).parse_request(&buf, 0, &mut [EMPTY_HEADER; 8]).unwrap_err().kind(),
            ErrorKind::ObsFold
        );
    }
}

#[test]
fn folded_transfer_encoding_is_read_unfolded() {
    let requests: [(&[u8], Result<Body, FramingErrorKind>); 6] = [
        (b"Transfer-Encoding: chunked\r\n abc", Err(FramingErrorKind::InvalidTransferEncoding)),
        (b"Transfer-Encoding: chunked\r\n ,gzip", Err(FramingErrorKind::ChunkedNotFinal)),
        (b"Transfer-Encoding: chunked\r\n ;x=1", Err(FramingErrorKind::ChunkedWithParameters)),
        (b"Transfer-Encoding: gzip,\r\n chunked", Err(FramingErrorKind::UnsupportedTransferCoding)),
        (b"Transfer-Encoding: chun\r\n ked", Err(FramingErrorKind::InvalidTransferEncoding)),
        (b"Transfer-Encoding:\r\n chunked", Ok(Body::Chunked)),
    ];
    for (field, want) in requests {
        let buf = [b"POST / HTTP/1.1\r\nHost: a\r\n", field, b"\r\n\r\n"].concat();
        for fold in FOLDING {
            assert_eq!(info_with(fold, &buf).map(|i| i.body), want, "{fold:?} {:?}", show(field));
        }
    }
    // In a response, a final coding that is not `chunked`, or no list of
    // codings at all, means reading until close.
    let responses: [(&[u8], Body); 4] = [
        (b"Transfer-Encoding: chunked\r\n ,gzip", Body::UntilClose),
        (b"Transfer-Encoding: chunked\r\n abc", Body::UntilClose),
        (b"Transfer-Encoding: gzip,\r\n chunked", Body::Chunked),
        (b"Transfer-Encoding: chunked abc", Body::UntilClose),
    ];
    for (field, want) in responses {
        let buf = [b"HTTP/1.1 200 OK\r\n", field, b"\r\n\r\n"].concat();
        for fold in FOLDS {
            let mut h = [EMPTY_HEADER; 8];
            let Ok(Status::Complete(r)) = config(fold).parse_response(&buf, 0, &mut h) else {
                assert_eq!(fold, ObsFold::Reject);
                continue;
            };
            assert_eq!(
                framing::response_body(r.minor_version, r.code, r.headers, b"GET"),
                Ok(want),
                "{fold:?} {:?}",
                show(field)
            );
        }
    }
}

#[test]
fn folded_connection_tokens_are_seen() {
    for fold in FOLDING {
        let close = info_with(fold, b"GET / HTTP/1.1\r\nHost: a\r\nConnection: keep-alive,\r\n close\r\n\r\n").unwrap();
        assert!(!close.keep_alive, "{fold:?}");
        let close10 = info_with(fold, b"GET / HTTP/1.0\r\nConnection: keep-alive,\r\n close\r\n\r\n").unwrap();
        assert!(!close10.keep_alive, "{fold:?}");
        let kept10 = info_with(fold, b"GET / HTTP/1.0\r\nConnection: x,\r\n keep-alive\r\n\r\n").unwrap();
        assert!(kept10.keep_alive, "{fold:?}");
        // A fold inside a token makes it none: `clo se`.
        let split = info_with(fold, b"GET / HTTP/1.1\r\nConnection: clo\r\n se\r\n\r\n").unwrap();
        assert!(split.keep_alive, "{fold:?}");
        let up = b"GET / HTTP/1.1\r\nHost: a\r\nConnection: keep-alive,\r\n upgrade\r\nUpgrade: websocket\r\n\r\n";
        assert_eq!(info_with(fold, up).unwrap().upgrade, Some(&b"websocket"[..]), "{fold:?}");
        // The tokens alone, as `keep_alive` reads them.
        let mut h = [EMPTY_HEADER; 8];
        let req = config(fold).parse_request(up, 0, &mut h).unwrap().complete().unwrap();
        assert!(framing::connection_tokens(req.headers).upgrade);
        assert!(framing::keep_alive(1, req.headers));
    }
}

#[test]
fn folded_host_and_expect_are_read_unfolded() {
    for fold in FOLDING {
        let host = info_with(fold, b"GET / HTTP/1.1\r\nHost: a\r\n b\r\n\r\n");
        assert_eq!(host.unwrap_err(), FramingErrorKind::InvalidHost, "{fold:?}");
        let expect = info_with(fold, b"POST / HTTP/1.1\r\nHost: a\r\nExpect: 100-\r\n continue\r\n\r\n").unwrap();
        assert_eq!(expect.expect, Expect::Other, "{fold:?}");
        let empty_first = info_with(fold, b"GET / HTTP/1.1\r\nHost:\r\n a\r\n\r\n").unwrap();
        assert_eq!(empty_first.body, Body::None, "{fold:?}");
    }
}

#[test]
fn env_reads_folded_framing_fields_unfolded() {
    for fold in FOLDING {
        let buf = b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n 0\r\nConnection: keep-alive,\r\n close\r\n\r\n";
        let mut h = [EMPTY_HEADER; 16];
        let req = config(fold).parse_request(buf, 0, &mut h).unwrap().complete().unwrap();
        let mut pairs = [EMPTY_PAIR; EnvConfig::max_pairs(16)];
        let mut arena = [0u8; 256];
        let env = EnvConfig::psgi().flatten(&req, &mut pairs, &mut arena).unwrap();
        let get = |k: &[u8]| env.iter().find(|p| p.key == k).map(|p| p.value);
        assert_eq!(get(b"CONTENT_LENGTH"), Some(&b"5 0"[..]), "{fold:?}");
        assert_eq!(get(b"HTTP_CONNECTION"), Some(&b"keep-alive, close"[..]), "{fold:?}");
    }
}

// ----- row 2: IP-literal targets --------------------------------------------

#[test]
fn ip_literal_targets_are_accepted() {
    for line in [
        "GET http://[2001:db8::1]/ HTTP/1.1",
        "CONNECT [2001:db8::1]:443 HTTP/1.1",
        "GET http://[2001:db8::1]:8080/a?b=x HTTP/1.1",
        "GET http://[::ffff:192.0.2.1] HTTP/1.1",
        "GET http://u:p@[::1]:80/ HTTP/1.1",
        "OPTIONS http://[v1.fe80::a+en1]/ HTTP/1.1",
        "CONNECT [::1]:1 HTTP/1.1",
    ] {
        assert_eq!(strict_line(line), None, "{line}");
        assert_eq!(line_result(line, |c| c.allow_loose_target = true), None, "loose: {line}");
    }
}

#[test]
fn ip_literals_elsewhere_or_malformed_are_rejected() {
    for line in [
        "GET /[::1] HTTP/1.1",
        "GET /a?[::1] HTTP/1.1",
        "GET http://[::1/ HTTP/1.1",
        "GET http://[::g]/ HTTP/1.1",
        "GET http://[1:2]/ HTTP/1.1",
        "GET http://[::1]x/ HTTP/1.1",
        "GET http://a/[::1] HTTP/1.1",
        "GET http://[::1][::2]/ HTTP/1.1",
        "GET http://a]/ HTTP/1.1",
        "GET http://[fe80::1%25en0]/ HTTP/1.1",
    ] {
        assert_eq!(strict_line(line), Some(ErrorKind::Target), "{line}");
    }
    // A CONNECT target that is no valid host:port does not fit CONNECT.
    for line in
        ["CONNECT [::1] HTTP/1.1", "CONNECT [::1]:x HTTP/1.1", "CONNECT [::1]: HTTP/1.1", "CONNECT x[::1]:80 HTTP/1.1"]
    {
        assert_eq!(strict_line(line), Some(ErrorKind::TargetForm), "{line}");
    }
    // An unterminated literal waits for more input, within the limit.
    assert_eq!(parse_req(&ParserConfig::new(), b"GET http://[::1", 0), Parsed::Partial);
    let mut tight = ParserConfig::new();
    tight.max_target_len = 12;
    assert_eq!(parse_req(&tight, b"GET http://[::1:2:3:4", 0), Parsed::Error(ErrorKind::TargetTooLong));
}

// ----- row 3: Host ----------------------------------------------------------

type Decided = Result<(), (FramingErrorKind, usize, u16)>;

/// `request_info` under `framing_config` of `buf` parsed with `fold`.
fn decide(fold: ObsFold, buf: &[u8], framing_config: FramingConfig) -> Decided {
    let mut h = [EMPTY_HEADER; 16];
    let req = config(fold).parse_request(buf, 0, &mut h).unwrap().complete().unwrap();
    framing_config.request_info(&req).map(|_| ()).map_err(|e| (e.kind(), e.header_index(), e.status()))
}

/// [`decide`], the same in every fold mode.
fn info_of(buf: &[u8], framing_config: FramingConfig) -> Decided {
    let strict = decide(ObsFold::Reject, buf, framing_config);
    for fold in FOLDING {
        assert_eq!(decide(fold, buf, framing_config), strict, "{fold:?}: {:?}", show(buf));
    }
    strict
}

#[test]
fn more_than_one_host_is_rejected() {
    let got = info_of(b"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", FramingConfig::new());
    assert_eq!(got, Err((FramingErrorKind::MultipleHost, 1, 400)));
    let same = info_of(b"GET / HTTP/1.0\r\nhost: a\r\nX: y\r\nHOST: a\r\n\r\n", FramingConfig::new());
    assert_eq!(same, Err((FramingErrorKind::MultipleHost, 2, 400)));
}

#[test]
fn invalid_host_values_are_rejected() {
    for bad in ["a b", "a/b", "a@b", "a:b", "\u{ff}a\u{ff}", "a:80:80", "[::1", "[::1]:x", "a%2", "a?b", "a#b"] {
        let buf = [b"GET / HTTP/1.1\r\nHost: ", bad.as_bytes(), b"\r\n\r\n"].concat();
        assert_eq!(info_of(&buf, FramingConfig::new()), Err((FramingErrorKind::InvalidHost, 0, 400)), "{bad:?}");
    }
    let raw = b"GET / HTTP/1.1\r\nHost: \xffa\xff\r\n\r\n";
    assert_eq!(info_of(raw, FramingConfig::new()), Err((FramingErrorKind::InvalidHost, 0, 400)));
    for good in ["", "a", "a.example:8080", "[2001:db8::1]:443", "127.0.0.1", "xn--bcher-kva.example", "a:"] {
        let buf = [b"GET / HTTP/1.1\r\nHost: ", good.as_bytes(), b"\r\n\r\n"].concat();
        assert_eq!(info_of(&buf, FramingConfig::new()), Ok(()), "{good:?}");
    }
}

#[test]
fn missing_host_is_rejected_only_when_required() {
    let mut server = FramingConfig::new();
    server.require_host = true;
    let no_host = b"GET / HTTP/1.1\r\nX: y\r\n\r\n";
    assert_eq!(info_of(no_host, FramingConfig::new()), Ok(()));
    assert_eq!(info_of(no_host, server), Err((FramingErrorKind::MissingHost, usize::MAX, 400)));
    let mut h = [EMPTY_HEADER; 4];
    let req = parse_request(no_host, &mut h).unwrap().complete().unwrap();
    assert_eq!(std::format!("{}", server.request_info(&req).unwrap_err()), "no Host header");
    let two = parse_request(b"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", &mut h).unwrap().complete().unwrap();
    assert_eq!(std::format!("{}", server.request_info(&two).unwrap_err()), "more than one Host header (header 1)");
    // HTTP/1.0 has no Host requirement.
    assert_eq!(info_of(b"GET / HTTP/1.0\r\n\r\n", server), Ok(()));
    assert_eq!(info_of(b"GET / HTTP/1.1\r\nHost: a\r\n\r\n", server), Ok(()));
    assert_eq!(
        framing::request_info(&Request { method: b"GET", target: b"/", minor_version: 1, headers: &[], head_len: 0 })
            .map(|i| i.body),
        Ok(Body::None)
    );
}

// ----- row 4: the target's form fits the method ------------------------------

#[test]
fn target_form_must_fit_the_method() {
    for line in [
        "GET a/b HTTP/1.1",
        "DELETE * HTTP/1.1",
        "GET ! HTTP/1.1",
        "GET * HTTP/1.1",
        "M-SEARCH * HTTP/1.1",
        "POST a.example HTTP/1.1",
        "GET 1http://a/ HTTP/1.1",
        "GET :a HTTP/1.1",
        "CONNECT / HTTP/1.1",
        "CONNECT /a:443 HTTP/1.1",
        "CONNECT * HTTP/1.1",
        "CONNECT http://a.example:443/ HTTP/1.1",
    ] {
        assert_eq!(strict_line(line), Some(ErrorKind::TargetForm), "{line}");
        assert_eq!(line_result(line, |c| c.allow_loose_target = true), Some(ErrorKind::TargetForm), "loose: {line}");
    }
    for line in [
        "GET / HTTP/1.1",
        "GET /a/b?c HTTP/1.1",
        "OPTIONS * HTTP/1.1",
        "OPTIONS / HTTP/1.1",
        "GET http://a.example/x HTTP/1.1",
        "GET https://a.example HTTP/1.1",
        "POST urn:a:b HTTP/1.1",
        "CONNECT a.example:443 HTTP/1.1",
        "CONNECT 192.0.2.1:80 HTTP/1.1",
    ] {
        assert_eq!(strict_line(line), None, "{line}");
    }
    // CONNECT takes a valid host:port and nothing else.
    for line in
        ["CONNECT a.example HTTP/1.1", "CONNECT :443 HTTP/1.1", "CONNECT a@b:443 HTTP/1.1", "CONNECT a:44x HTTP/1.1"]
    {
        assert_eq!(strict_line(line), Some(ErrorKind::TargetForm), "{line}");
        assert_eq!(line_result(line, |c| c.allow_loose_target = true), Some(ErrorKind::TargetForm), "loose: {line}");
    }
    // Malformed absolute-form authorities are invalid targets.
    for line in ["GET http://a:1:2/ HTTP/1.1", "GET http://u@v@a/ HTTP/1.1", "GET http://[::1]@a/ HTTP/1.1"] {
        assert_eq!(strict_line(line), Some(ErrorKind::Target), "{line}");
    }
    assert_eq!(ErrorKind::TargetForm.status(), 400);
}

#[test]
fn asterisk_form_for_any_method_is_a_named_flag() {
    let ssdp = |c: &mut ParserConfig| c.allow_asterisk_form_any_method = true;
    assert_eq!(line_result("M-SEARCH * HTTP/1.1", ssdp), None);
    assert_eq!(line_result("NOTIFY * HTTP/1.1", ssdp), None);
    // Still not a CONNECT target, and only the lone `*`.
    assert_eq!(line_result("CONNECT * HTTP/1.1", ssdp), Some(ErrorKind::TargetForm));
    assert_eq!(line_result("M-SEARCH ** HTTP/1.1", ssdp), Some(ErrorKind::TargetForm));
    assert!(!ParserConfig::new().allow_asterisk_form_any_method);
}

#[test]
fn the_error_points_at_the_target() {
    let mut h = [EMPTY_HEADER; 4];
    let e = ParserConfig::new().parse_request(b"DELETE * HTTP/1.1\r\n\r\n", 0, &mut h).unwrap_err();
    assert_eq!((e.kind(), e.offset()), (ErrorKind::TargetForm, 7));
    let e = ParserConfig::new().parse_request(b"CONNECT / HTTP/1.1\r\n\r\n", 0, &mut h).unwrap_err();
    assert_eq!((e.kind(), e.offset()), (ErrorKind::TargetForm, 8));
}

// ----- row 5: CONNECT has no body ---------------------------------------------

#[test]
fn connect_with_a_body_is_rejected() {
    let cl = b"CONNECT a.example:443 HTTP/1.1\r\nHost: a.example:443\r\nContent-Length: 10\r\n\r\n";
    assert_eq!(info_of(cl, FramingConfig::new()), Err((FramingErrorKind::ConnectWithBody, 1, 400)));
    let te = b"CONNECT a.example:443 HTTP/1.1\r\nHost: a.example:443\r\nTransfer-Encoding: chunked\r\n\r\n";
    assert_eq!(info_of(te, FramingConfig::new()), Err((FramingErrorKind::ConnectWithBody, 1, 400)));
    let zero = b"CONNECT a.example:443 HTTP/1.1\r\nHost: a.example:443\r\nContent-Length: 0\r\n\r\n";
    assert_eq!(info_of(zero, FramingConfig::new()), Ok(()));
    for fold in FOLDING {
        let folded = b"CONNECT a:1 HTTP/1.1\r\nHost: a:1\r\nContent-Length: 0\r\n 1\r\n\r\n";
        assert_eq!(info_with(fold, folded).unwrap_err(), FramingErrorKind::InvalidContentLength);
    }
    let plain = info_with(ObsFold::Reject, b"CONNECT a:1 HTTP/1.1\r\nHost: a:1\r\n\r\n").unwrap();
    assert!(plain.connect && plain.body == Body::None);
}

// ----- row 6: versions ----------------------------------------------------------

#[test]
fn higher_minor_versions_are_processed_as_1_1() {
    for v in 2..=9 {
        let buf = format!("GET / HTTP/1.{v}\r\nHost: a\r\n\r\n");
        for fold in FOLDS {
            let want = Parsed::Request(b"GET".into(), b"/".into(), 1, buf.len());
            assert_eq!(request(&config(fold), buf.as_bytes()), want);
        }
        let resp = format!("HTTP/1.{v} 200 OK\r\n\r\n");
        assert_eq!(response(&ParserConfig::new(), resp.as_bytes()), Parsed::Response(1, 200, b"OK".into(), 19));
    }
    let mut h = [EMPTY_HEADER; 4];
    let req = parse_request(b"GET / HTTP/1.2\r\n\r\n", &mut h).unwrap().complete().unwrap();
    assert!(framing::request_info(&req).unwrap().keep_alive);
}

#[test]
fn malformed_versions_are_400_and_other_majors_505() {
    let strict = ParserConfig::new();
    for (line, want) in [
        ("GET / HTTP/1.32", ErrorKind::Version),
        ("GET / HTTP/1.10", ErrorKind::Version),
        ("GET / HTTP/2.01", ErrorKind::Version),
        ("GET / HTTP/2.0x", ErrorKind::Version),
        ("GET / HTTP/2.0", ErrorKind::UnsupportedVersion),
        ("GET / HTTP/3.9", ErrorKind::UnsupportedVersion),
        ("GET / HTTP/0.9", ErrorKind::UnsupportedVersion),
    ] {
        let buf = format!("{line}\r\n\r\n");
        assert_eq!(request(&strict, buf.as_bytes()), Parsed::Error(want), "{line}");
    }
    for (line, want) in [
        ("HTTP/1.32 200 OK", ErrorKind::Version),
        ("HTTP/2.0 200 OK", ErrorKind::UnsupportedVersion),
        ("HTTP/2.00 200 OK", ErrorKind::Version),
    ] {
        let buf = format!("{line}\r\n\r\n");
        assert_eq!(response(&strict, buf.as_bytes()), Parsed::Error(want), "{line}");
    }
    assert_eq!(ErrorKind::Version.status(), 400);
    assert_eq!(ErrorKind::UnsupportedVersion.status(), 505);
}

// ----- leniencies: responses only ------------------------------------------------

#[test]
fn empty_lines_before_a_status_line_are_a_named_flag() {
    let buf = b"\r\n\r\nHTTP/1.1 200 OK\r\nA: b\r\n\r\n";
    assert_eq!(response(&ParserConfig::new(), buf), Parsed::Error(ErrorKind::LeadingEmptyLine));
    let mut c = ParserConfig::new();
    c.allow_leading_empty_lines_in_responses = true;
    assert_eq!(response(&c, buf), Parsed::Response(1, 200, b"OK".into(), buf.len()));
    // The request flag is another one.
    let mut req_flag = ParserConfig::new();
    req_flag.allow_leading_empty_lines = true;
    assert_eq!(response(&req_flag, buf), Parsed::Error(ErrorKind::LeadingEmptyLine));
    let many = [&b"\r\n".repeat(MAX_LEADING_EMPTY_LINES + 1)[..], b"HTTP/1.1 200 OK\r\n\r\n"].concat();
    assert_eq!(response(&c, &many), Parsed::Error(ErrorKind::LeadingEmptyLine));
    let mut lf = c;
    lf.allow_bare_lf = true;
    let lf_buf = b"\n\nHTTP/1.1 204 No Content\n\n";
    assert_eq!(parse_resp(&lf, lf_buf, 0), Parsed::Response(1, 204, b"No Content".into(), lf_buf.len()));
}

#[test]
fn space_before_colon_is_a_named_flag_for_responses_only() {
    let mut c = ParserConfig::new();
    c.allow_space_before_colon_in_responses = true;
    for fold in FOLDS {
        c.obs_fold = fold;
        let buf = b"HTTP/1.1 200 OK\r\nContent-Length \t: 5\r\nA: b\r\n\r\n";
        let mut h = [EMPTY_HEADER; 4];
        let r = c.parse_response(buf, 0, &mut h).unwrap().complete().unwrap();
        assert_eq!(r.headers, &[Header { name: b"Content-Length", value: b"5" }, Header { name: b"A", value: b"b" }]);
        assert_eq!(framing::response_body(1, 200, r.headers, b"GET"), Ok(Body::ContentLength(5)));
        let mut u = [const { core::mem::MaybeUninit::uninit() }; 4];
        assert_eq!(c.parse_response_uninit(buf, 0, &mut u).unwrap().complete().unwrap().headers.len(), 2);
        // Never in a request or a header block.
        let req = b"POST / HTTP/1.1\r\nContent-Length : 5\r\n\r\n";
        assert_eq!(c.parse_request(req, 0, &mut h).unwrap_err().kind(), ErrorKind::SpaceBeforeColon);
        assert_eq!(c.parse_headers(b"A : b\r\n\r\n", 0, &mut h).unwrap_err().kind(), ErrorKind::SpaceBeforeColon);
        // Whitespace inside a name is still no name.
        assert_eq!(
            c.parse_response(b"HTTP/1.1 200 OK\r\nA b: c\r\n\r\n", 0, &mut h).unwrap_err().kind(),
            ErrorKind::HeaderName
        );
    }
    let strict = b"HTTP/1.1 200 OK\r\nA : b\r\n\r\n";
    assert_eq!(response(&ParserConfig::new(), strict), Parsed::Error(ErrorKind::SpaceBeforeColon));
    assert!(matches!(response(&c, strict), Parsed::Response(1, 200, _, 26)));
}

// ----- consume_trailer: a discarded trailer section is checked ---------------------

/// What [`chunked`] found: the bytes after the message, or the error with
/// the trailer parser's error.
type Decoded = Result<Vec<u8>, (ChunkedErrorKind, Option<(ErrorKind, usize)>)>;

/// The bytes after the message when decoding `input` fed in pieces of
/// `step` bytes, or the first error with the trailer parser's error.
fn chunked(mode: Trailers, input: &[u8], step: usize) -> Decoded {
    let mut c = ChunkedConfig::new();
    c.trailers = mode;
    let mut d = ChunkedDecoder::new(c);
    let mut pending = Vec::new();
    for (i, piece) in input.chunks(step).enumerate() {
        let mut buf = core::mem::take(&mut pending);
        buf.extend_from_slice(piece);
        match d.decode(&mut buf) {
            Ok(r) if r.complete => {
                let mut after = buf[r.data + r.trailer..r.data + r.trailer + r.leftover].to_vec();
                after.extend_from_slice(&input[((i + 1) * step).min(input.len())..]);
                return Ok(after);
            }
            Ok(r) => pending = buf[r.data..r.data + r.trailer].to_vec(),
            Err(e) => return Err((e.kind(), e.trailer_error().map(|t| (t.kind(), t.offset())))),
        }
    }
    Ok(Vec::new())
}

#[test]
fn discarded_trailers_are_checked_as_kept_ones_are() {
    let name_256 = [&b"N".repeat(256)[..], b": v\r\n\r\n"].concat();
    let name_257 = [&b"N".repeat(257)[..], b": v\r\n\r\n"].concat();
    let fields_64 = [&b"A: b\r\n".repeat(64)[..], b"\r\n"].concat();
    let fields_65 = [&b"A: b\r\n".repeat(65)[..], b"\r\n"].concat();
    let sections: [&[u8]; 18] = [
        b"\r\n",
        b"A: b\r\nC:\r\nD: \xff\tx \r\n\r\n",
        b"Any thing: at all\r\n\r\n",
        b"A : b\r\n\r\n",
        b" A: b\r\n\r\n",
        b"A: b\r\n c\r\n\r\n",
        b"A\r\n\r\n",
        b": b\r\n\r\n",
        b"A: b\x01\r\n\r\n",
        b"A: b\x7f\r\n\r\n",
        b"(A): b\r\n\r\n",
        b"A:b\r\nB\t: c\r\n\r\n",
        b"A:b\r\nB \tc: d\r\n\r\n",
        &name_256,
        &name_257,
        &fields_64,
        &fields_65,
        b"\xe9: b\r\n\r\n",
    ];
    for section in sections {
        let input = [b"3\r\nabc\r\n0\r\n", section, b"NEXT"].concat();
        let kept = chunked(Trailers::Keep, &input, input.len());
        for step in [1, 2, 7, input.len()] {
            let discarded = chunked(Trailers::Discard, &input, step);
            assert_eq!(discarded, kept, "{:?} in pieces of {step}", show(section));
            assert_eq!(chunked(Trailers::Keep, &input, step), kept, "kept, pieces of {step}");
        }
    }
    assert_eq!(
        chunked(Trailers::Discard, b"0\r\nAny thing: at all\r\n\r\n", 1).unwrap_err().0,
        ChunkedErrorKind::InvalidTrailers
    );
    assert_eq!(chunked(Trailers::Discard, &[b"0\r\n", &fields_64[..], b"X"].concat(), 3), Ok(b"X".to_vec()));
}
