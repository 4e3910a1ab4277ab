//! Response head serialization: one test per rule, and properties — the
//! buffer and iovec forms agree, every head round-trips through the crate's
//! response parser, and no input ever smuggles CR, LF or NUL into a line.

use proptest::prelude::*;
use springbok_parser::response_head::{
    default_reason, BufferTooSmall, HttpVersion, ResponseHead, ResponseHeadErrorKind, ResponseOptions,
};
use springbok_parser::{Header, ParserConfig, Status, EMPTY_HEADER};

fn h<'a>(name: &'a str, value: &'a [u8]) -> Header<'a> {
    Header { name: name.as_bytes(), value }
}

/// Serializes both ways, checks they agree and that the sizes are exact.
fn render(head: &ResponseHead<'_>) -> Vec<u8> {
    let mut buf = vec![0u8; head.encoded_len()];
    assert_eq!(head.write(&mut buf), Ok(head.encoded_len()));
    if head.encoded_len() > 0 {
        let mut short = vec![0u8; head.encoded_len() - 1];
        assert_eq!(head.write(&mut short), Err(BufferTooSmall { needed: head.encoded_len() }));
    }
    let mut iov: Vec<&[u8]> = vec![&[]; head.iovec_count()];
    assert_eq!(head.fill_iovecs(&mut iov), Ok(head.iovec_count()));
    assert!(iov.iter().all(|s| !s.is_empty()));
    assert_eq!(iov.concat(), buf);
    let mut few: Vec<&[u8]> = vec![&[]; head.iovec_count() - 1];
    assert_eq!(head.fill_iovecs(&mut few), Err(BufferTooSmall { needed: head.iovec_count() }));
    buf
}

fn ser(status: u16, reason: Option<&[u8]>, headers: &[Header<'_>], options: &ResponseOptions) -> Vec<u8> {
    render(&ResponseHead::new(status, reason, headers, options).unwrap())
}

fn err(
    status: u16,
    reason: Option<&[u8]>,
    headers: &[Header<'_>],
    options: &ResponseOptions,
) -> (ResponseHeadErrorKind, Option<usize>, usize) {
    let e = ResponseHead::new(status, reason, headers, options).unwrap_err();
    (e.kind(), e.header(), e.offset())
}

#[test]
fn default_reason_phrases() {
    let o = ResponseOptions::new();
    assert_eq!(ser(200, None, &[], &o), b"HTTP/1.1 200 OK\r\n\r\n");
    assert_eq!(ser(404, None, &[], &o), b"HTTP/1.1 404 Not Found\r\n\r\n");
    assert_eq!(ser(431, None, &[], &o), b"HTTP/1.1 431 Request Header Fields Too Large\r\n\r\n");
    assert_eq!(default_reason(418), None);
}

#[test]
fn unknown_code_gets_empty_reason_with_its_space() {
    let o = ResponseOptions::new();
    assert_eq!(ser(599, None, &[], &o), b"HTTP/1.1 599 \r\n\r\n");
    assert_eq!(ser(200, Some(b""), &[], &o), b"HTTP/1.1 200 \r\n\r\n");
    assert_eq!(ser(999, Some(b"Custom \tphrase \xff"), &[], &o), b"HTTP/1.1 999 Custom \tphrase \xff\r\n\r\n");
}

#[test]
fn status_must_be_100_to_999() {
    let o = ResponseOptions::new();
    for status in [0, 99, 1000, u16::MAX] {
        assert_eq!(err(status, None, &[], &o), (ResponseHeadErrorKind::Status, None, 0));
    }
    assert!(ResponseHead::new(100, None, &[], &o).is_ok());
    assert!(ResponseHead::new(999, None, &[], &o).is_ok());
}

#[test]
fn reason_validated() {
    let o = ResponseOptions::new();
    for (reason, offset) in [(&b"O\rK"[..], 1), (b"OK\n", 2), (b"\0", 0), (b"a\x7f", 1), (b"a\x01", 1)] {
        assert_eq!(err(200, Some(reason), &[], &o), (ResponseHeadErrorKind::Reason, None, offset));
    }
}

#[test]
fn version_selectable() {
    let mut o = ResponseOptions::new();
    o.version = HttpVersion::Http10;
    assert_eq!(ser(200, None, &[h("A", b"b")], &o), b"HTTP/1.0 200 OK\r\nA: b\r\n\r\n");
    assert_eq!(HttpVersion::default(), HttpVersion::Http11);
}

#[test]
fn names_must_be_tokens() {
    let o = ResponseOptions::new();
    for (name, offset) in [("", 0), ("Bad Name", 3), ("Colon:", 5), ("Ünï", 0), ("a\r\nb", 1), ("(x)", 0)] {
        let headers = [h("Ok", b"1"), h(name, b"v")];
        assert_eq!(err(200, None, &headers, &o), (ResponseHeadErrorKind::HeaderName, Some(1), offset), "{name:?}");
    }
    assert!(ResponseHead::new(200, None, &[h("!#$%&'*+-.^_`|~09azAZ", b"v")], &o).is_ok());
}

#[test]
fn values_with_cr_lf_nul_rejected_as_injection() {
    let o = ResponseOptions::new();
    for (value, offset) in [(&b"a\r\nSet-Cookie: x"[..], 1), (b"ab\n", 2), (b"\0", 0), (b"a\rb", 1)] {
        let headers = [h("X", b"ok"), h("Y", b"ok"), h("Z", value)];
        assert_eq!(err(200, None, &headers, &o), (ResponseHeadErrorKind::HeaderInjection, Some(2), offset));
    }
}

#[test]
fn values_with_other_controls_rejected() {
    let o = ResponseOptions::new();
    for (value, offset) in [(&b"a\x01"[..], 1), (b"\x7f", 0), (b"a\x1bb", 1)] {
        assert_eq!(err(200, None, &[h("X", value)], &o), (ResponseHeadErrorKind::HeaderValue, Some(0), offset));
    }
    // HTAB, SP and obs-text are field content.
    assert_eq!(ser(200, None, &[h("X", b"a\tb c\x80\xff")], &o), b"HTTP/1.1 200 OK\r\nX: a\tb c\x80\xff\r\n\r\n");
}

#[test]
fn repeated_names_are_repeated_lines() {
    let headers = [h("Set-Cookie", b"a=1"), h("Set-Cookie", b"b=2"), h("X", b"")];
    assert_eq!(
        ser(200, None, &headers, &ResponseOptions::new()),
        b"HTTP/1.1 200 OK\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\nX: \r\n\r\n"
    );
}

#[test]
fn rack2_newline_values_become_lines() {
    let o = ResponseOptions::rack2();
    assert_eq!(
        ser(200, None, &[h("Set-Cookie", b"a=1\nb=2\n\nc=3\n")], &o),
        b"HTTP/1.1 200 OK\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\nSet-Cookie: \r\nSet-Cookie: c=3\r\n\r\n"
    );
    assert_eq!(ser(200, None, &[h("X", b"\n\n"), h("Y", b"")], &o), b"HTTP/1.1 200 OK\r\nY: \r\n\r\n");
    // Pieces are still validated: CR and NUL are injection, offsets are in the whole value.
    assert_eq!(err(200, None, &[h("X", b"a\nb\r\nc")], &o), (ResponseHeadErrorKind::HeaderInjection, Some(0), 3));
    assert_eq!(err(200, None, &[h("X", b"a\n\0")], &o), (ResponseHeadErrorKind::HeaderInjection, Some(0), 2));
}

#[test]
fn no_framing_headers_for_1xx_204_304() {
    let headers = [
        h("Content-Length", b"10"),
        h("X", b"1"),
        h("transfer-encoding", b"chunked"),
        h("Content-Type", b"t"),
        h("CONTENT-LENGTH", b"10"),
    ];
    for status in [100, 101, 103, 199, 204, 304] {
        let head = ResponseHead::new(status, Some(b"R"), &headers, &ResponseOptions::new()).unwrap();
        assert_eq!(head.dropped(), 3, "{status}");
        let out = render(&head);
        assert_eq!(out, format!("HTTP/1.1 {status} R\r\nX: 1\r\nContent-Type: t\r\n\r\n").as_bytes());
    }
    for status in [200, 205, 299, 303, 305, 404] {
        let head = ResponseHead::new(status, None, &headers, &ResponseOptions::new()).unwrap();
        assert_eq!(head.dropped(), 0, "{status}");
        assert_eq!(render(&head).windows(14).filter(|w| w.eq_ignore_ascii_case(b"content-length")).count(), 2);
    }
    // Dropped headers are still validated.
    let bad = [h("Content-Length", b"1\r\n")];
    assert_eq!(err(204, None, &bad, &ResponseOptions::new()).0, ResponseHeadErrorKind::HeaderInjection);
}

#[test]
fn error_display() {
    let e = ResponseHead::new(200, None, &[h("X", b"\r")], &ResponseOptions::new()).unwrap_err();
    assert_eq!(e.to_string(), "CR, LF or NUL in header value (header 0, byte 0)");
}

// ---------------------------------------------------------------------------
// Properties

const TCHAR: &[u8] = b"!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

const FRAMING_NAMES: &[&[u8]] = &[b"Content-Length", b"transfer-encoding", b"Set-Cookie"];

fn name() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        4 => proptest::collection::vec(proptest::sample::select(TCHAR), 1..12),
        1 => proptest::sample::select(FRAMING_NAMES)
            .prop_map(|n| n.to_vec()),
    ]
}

/// Field content bytes, and LF when `lf`.
fn value(lf: bool) -> impl Strategy<Value = Vec<u8>> {
    let byte = prop_oneof![
        8 => 0x21u8..0x7f,
        2 => Just(b' '),
        1 => Just(b'\t'),
        1 => 0x80u8..=0xff,
        (if lf { 2 } else { 0 }) => Just(b'\n'),
    ];
    proptest::collection::vec(byte, 0..16)
}

fn trim(v: &[u8]) -> &[u8] {
    let start = v.iter().position(|&b| b != b' ' && b != b'\t').unwrap_or(v.len());
    let end = v.iter().rposition(|&b| b != b' ' && b != b'\t').map_or(start, |i| i + 1);
    &v[start..end]
}

/// What the parser should see: one (name, trimmed value) per emitted line.
fn expected_lines(status: u16, headers: &[(Vec<u8>, Vec<u8>)], split: bool) -> Vec<(Vec<u8>, Vec<u8>)> {
    let no_framing = status < 200 || status == 204 || status == 304;
    let mut out = Vec::new();
    for (n, v) in headers {
        if no_framing && (n.eq_ignore_ascii_case(b"content-length") || n.eq_ignore_ascii_case(b"transfer-encoding")) {
            continue;
        }
        if !split || v.is_empty() {
            out.push((n.clone(), trim(v).to_vec()));
            continue;
        }
        let end = v.iter().rposition(|&b| b != b'\n').map_or(0, |i| i + 1);
        if end > 0 {
            out.extend(v[..end].split(|&b| b == b'\n').map(|p| (n.clone(), trim(p).to_vec())));
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1024, ..ProptestConfig::default() })]

    #[test]
    fn round_trips_through_the_response_parser(
        status in 100u16..=999,
        reason in proptest::option::of(value(false)),
        headers in proptest::collection::vec((name(), value(true)), 0..12),
        v10 in any::<bool>(),
        split in any::<bool>(),
    ) {
        let headers: Vec<_> = if split {
            headers
        } else {
            headers.into_iter().map(|(n, v)| (n, v.into_iter().filter(|&b| b != b'\n').collect())).collect()
        };
        let flat: Vec<Header<'_>> = headers.iter().map(|(n, v)| Header { name: n, value: v }).collect();
        let mut options = if split { ResponseOptions::rack2() } else { ResponseOptions::new() };
        options.version = if v10 { HttpVersion::Http10 } else { HttpVersion::Http11 };
        let head = ResponseHead::new(status, reason.as_deref(), &flat, &options).unwrap();
        let bytes = render(&head);

        let mut parsed = [EMPTY_HEADER; 256];
        let resp = match ParserConfig::new().parse_response(&bytes, 0, &mut parsed) {
            Ok(Status::Complete(r)) => r,
            other => panic!("{other:?} for {:?}", String::from_utf8_lossy(&bytes)),
        };
        prop_assert_eq!(resp.head_len, bytes.len());
        prop_assert_eq!(resp.code, status);
        prop_assert_eq!(resp.minor_version, if v10 { 0 } else { 1 });
        let want_reason: &[u8] = match &reason {
            Some(r) => r,
            None => default_reason(status).unwrap_or("").as_bytes(),
        };
        prop_assert_eq!(resp.reason, want_reason);
        let got: Vec<(Vec<u8>, Vec<u8>)> = resp.headers.iter().map(|h| (h.name.to_vec(), h.value.to_vec())).collect();
        prop_assert_eq!(got, expected_lines(status, &headers, split));
    }

    #[test]
    fn no_injection_from_any_bytes(
        reason in proptest::option::of(proptest::collection::vec(any::<u8>(), 0..8)),
        headers in proptest::collection::vec(
            (proptest::collection::vec(any::<u8>(), 0..6), proptest::collection::vec(any::<u8>(), 0..12)),
            0..6,
        ),
        split in any::<bool>(),
    ) {
        let flat: Vec<Header<'_>> = headers.iter().map(|(n, v)| Header { name: n, value: v }).collect();
        let options = if split { ResponseOptions::rack2() } else { ResponseOptions::new() };
        let Ok(head) = ResponseHead::new(200, reason.as_deref(), &flat, &options) else { return Ok(()) };
        let bytes = render(&head);
        let mut parsed = [EMPTY_HEADER; 128];
        let resp = ParserConfig::new().parse_response(&bytes, 0, &mut parsed).unwrap().complete().unwrap();
        prop_assert_eq!(resp.head_len, bytes.len());
        prop_assert_eq!(resp.headers.len(), expected_lines(200, &headers, split).len());
        for h in resp.headers {
            prop_assert!(!h.name.iter().chain(h.value).any(|b| matches!(b, b'\r' | b'\n' | 0)));
            prop_assert!(headers.iter().any(|(n, _)| n.as_slice() == h.name));
        }
        prop_assert!(!resp.reason.iter().any(|b| matches!(b, b'\r' | b'\n' | 0)));
    }
}
