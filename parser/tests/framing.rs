//! Body framing: one test per smuggling rule, named for it, plus keep-alive,
//! Expect and Upgrade.

use springbok_parser::framing::{
    self, connection_tokens, keep_alive, request_body, response_body, Body, Expect, FramingErrorKind,
};
use springbok_parser::{Header, ParserConfig, Status, EMPTY_HEADER};

fn h<'a>(pairs: &[(&'a str, &'a str)]) -> Vec<Header<'a>> {
    pairs.iter().map(|(n, v)| Header { name: n.as_bytes(), value: v.as_bytes() }).collect()
}

fn req11(pairs: &[(&str, &str)]) -> Result<Body, FramingErrorKind> {
    request_body(1, &h(pairs)).map_err(|e| e.kind())
}

#[test]
fn no_length_headers_means_no_body() {
    assert_eq!(req11(&[("Host", "a")]), Ok(Body::None));
}

#[test]
fn content_length_is_the_body_length() {
    assert_eq!(req11(&[("Content-Length", "42")]), Ok(Body::ContentLength(42)));
    assert_eq!(req11(&[("content-length", "0")]), Ok(Body::ContentLength(0)));
    assert_eq!(req11(&[("Content-Length", "007")]), Ok(Body::ContentLength(7)));
    assert_eq!(req11(&[("Content-Length", "18446744073709551615")]), Ok(Body::ContentLength(u64::MAX)));
}

#[test]
fn transfer_encoding_with_content_length_is_rejected() {
    assert_eq!(
        req11(&[("Content-Length", "5"), ("Transfer-Encoding", "chunked")]),
        Err(FramingErrorKind::TransferEncodingWithContentLength)
    );
    assert_eq!(
        req11(&[("Transfer-Encoding", "chunked"), ("Content-Length", "5")]),
        Err(FramingErrorKind::TransferEncodingWithContentLength)
    );
    let r = response_body(1, 200, &h(&[("Transfer-Encoding", "chunked"), ("Content-Length", "5")]), b"GET");
    assert_eq!(r.unwrap_err().kind(), FramingErrorKind::TransferEncodingWithContentLength);
}

#[test]
fn request_whose_final_coding_is_not_chunked_is_rejected() {
    assert_eq!(req11(&[("Transfer-Encoding", "gzip")]), Err(FramingErrorKind::ChunkedNotFinal));
    assert_eq!(req11(&[("Transfer-Encoding", "chunked, gzip")]), Err(FramingErrorKind::ChunkedNotFinal));
    assert_eq!(
        req11(&[("Transfer-Encoding", "chunked"), ("Transfer-Encoding", "identity")]),
        Err(FramingErrorKind::ChunkedNotFinal)
    );
}

#[test]
fn chunked_twice_is_rejected() {
    assert_eq!(req11(&[("Transfer-Encoding", "chunked, chunked")]), Err(FramingErrorKind::ChunkedTwice));
    assert_eq!(
        req11(&[("Transfer-Encoding", "chunked"), ("Transfer-Encoding", "Chunked")]),
        Err(FramingErrorKind::ChunkedTwice)
    );
}

#[test]
fn chunked_with_parameters_is_rejected() {
    assert_eq!(req11(&[("Transfer-Encoding", "chunked;q=1")]), Err(FramingErrorKind::ChunkedWithParameters));
    assert_eq!(req11(&[("Transfer-Encoding", "chunked ; x")]), Err(FramingErrorKind::ChunkedWithParameters));
}

#[test]
fn invalid_transfer_encoding_is_rejected() {
    assert_eq!(req11(&[("Transfer-Encoding", "")]), Err(FramingErrorKind::InvalidTransferEncoding));
    assert_eq!(req11(&[("Transfer-Encoding", " , ")]), Err(FramingErrorKind::InvalidTransferEncoding));
    assert_eq!(req11(&[("Transfer-Encoding", "chun\"ked")]), Err(FramingErrorKind::InvalidTransferEncoding));
    assert_eq!(req11(&[("Transfer-Encoding", "chunked x")]), Err(FramingErrorKind::InvalidTransferEncoding));
}

#[test]
fn chunked_is_case_insensitive_and_lists_may_have_empty_elements() {
    assert_eq!(req11(&[("transfer-encoding", "CHUNKED")]), Ok(Body::Chunked));
    assert_eq!(req11(&[("Transfer-Encoding", ", chunked ,")]), Ok(Body::Chunked));
}

#[test]
fn other_request_codings_are_unsupported_501() {
    let e = request_body(1, &h(&[("Transfer-Encoding", "gzip, chunked")])).unwrap_err();
    assert_eq!((e.kind(), e.status()), (FramingErrorKind::UnsupportedTransferCoding, 501));
}

#[test]
fn transfer_encoding_in_http_1_0_is_faulty() {
    let e = request_body(0, &h(&[("Transfer-Encoding", "chunked")])).unwrap_err();
    assert_eq!(e.kind(), FramingErrorKind::TransferEncodingInHttp10);
    let e = response_body(0, 200, &h(&[("Transfer-Encoding", "chunked")]), b"GET").unwrap_err();
    assert_eq!(e.kind(), FramingErrorKind::TransferEncodingInHttp10);
}

#[test]
fn invalid_content_length_is_rejected() {
    for bad in ["", "+5", "-5", "5a", "0x10", "5 5", "1.0", " ", "٣"] {
        assert_eq!(req11(&[("Content-Length", bad)]), Err(FramingErrorKind::InvalidContentLength), "{bad:?}");
    }
}

#[test]
fn overflowing_content_length_is_rejected() {
    assert_eq!(req11(&[("Content-Length", "18446744073709551616")]), Err(FramingErrorKind::ContentLengthOverflow));
    assert_eq!(req11(&[("Content-Length", "99999999999999999999999")]), Err(FramingErrorKind::ContentLengthOverflow));
}

#[test]
fn conflicting_content_lengths_are_rejected() {
    assert_eq!(req11(&[("Content-Length", "5, 6")]), Err(FramingErrorKind::ConflictingContentLength));
    assert_eq!(
        req11(&[("Content-Length", "5"), ("Content-Length", "6")]),
        Err(FramingErrorKind::ConflictingContentLength)
    );
    let e = request_body(1, &h(&[("Content-Length", "5"), ("Host", "a"), ("Content-Length", "6")])).unwrap_err();
    assert_eq!(e.header_index(), 2);
}

#[test]
fn repeated_identical_content_length_is_the_one_tolerated_duplicate() {
    assert_eq!(req11(&[("Content-Length", "5, 5")]), Ok(Body::ContentLength(5)));
    assert_eq!(req11(&[("Content-Length", "5"), ("Content-Length", "5")]), Ok(Body::ContentLength(5)));
    // ...but an empty element in the list is not a value.
    assert_eq!(req11(&[("Content-Length", "5,")]), Err(FramingErrorKind::InvalidContentLength));
}

#[test]
fn responses_without_bodies() {
    let cl = h(&[("Content-Length", "10")]);
    for code in [100, 101, 199, 204, 304] {
        assert_eq!(response_body(1, code, &cl, b"GET"), Ok(Body::None), "{code}");
    }
    assert_eq!(response_body(1, 200, &cl, b"HEAD"), Ok(Body::None));
    assert_eq!(response_body(1, 200, &[], b"CONNECT"), Ok(Body::None));
    assert_eq!(response_body(1, 407, &cl, b"CONNECT"), Ok(Body::ContentLength(10)));
}

#[test]
fn response_framing() {
    assert_eq!(response_body(1, 200, &[], b"GET"), Ok(Body::UntilClose));
    assert_eq!(response_body(1, 200, &h(&[("Content-Length", "3")]), b"GET"), Ok(Body::ContentLength(3)));
    assert_eq!(response_body(1, 200, &h(&[("Transfer-Encoding", "chunked")]), b"GET"), Ok(Body::Chunked));
    // A response's non-chunked final coding means "read until close".
    assert_eq!(response_body(1, 200, &h(&[("Transfer-Encoding", "gzip")]), b"GET"), Ok(Body::UntilClose));
    assert_eq!(
        response_body(1, 200, &h(&[("Transfer-Encoding", "chunked, chunked")]), b"GET").unwrap_err().kind(),
        FramingErrorKind::ChunkedTwice
    );
}

#[test]
fn keep_alive_rules() {
    assert!(keep_alive(1, &[]));
    assert!(!keep_alive(1, &h(&[("Connection", "close")])));
    assert!(!keep_alive(1, &h(&[("Connection", "Upgrade, CLOSE")])));
    assert!(!keep_alive(0, &[]));
    assert!(keep_alive(0, &h(&[("Connection", "keep-alive")])));
    assert!(!keep_alive(0, &h(&[("Connection", "keep-alive"), ("Connection", "close")])));
    let t = connection_tokens(&h(&[("Connection", "keep-alive ,upgrade")]));
    assert!(t.keep_alive && t.upgrade && !t.close);
}

fn info_of(buf: &[u8]) -> framing::RequestInfo<'_> {
    let mut headers = [EMPTY_HEADER; 8];
    let req = ParserConfig::new().parse_request(buf, 0, &mut headers).unwrap();
    let Status::Complete(req) = req else { panic!("partial") };
    framing::request_info(&req).unwrap()
}

#[test]
fn expect_100_continue() {
    assert_eq!(
        info_of(b"POST / HTTP/1.1\r\nExpect: 100-Continue\r\nContent-Length: 1\r\n\r\n").expect,
        Expect::Continue
    );
    assert_eq!(info_of(b"POST / HTTP/1.1\r\nExpect: something\r\n\r\n").expect, Expect::Other);
    // HTTP/1.0 expectations are ignored (RFC 9110 §10.1.1).
    assert_eq!(info_of(b"POST / HTTP/1.0\r\nExpect: 100-continue\r\n\r\n").expect, Expect::None);
    assert_eq!(info_of(b"GET / HTTP/1.1\r\n\r\n").expect, Expect::None);
}

#[test]
fn upgrade_detection() {
    let i = info_of(b"GET /ws HTTP/1.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n");
    assert_eq!(i.upgrade, Some(&b"websocket"[..]));
    // Upgrade without the Connection token, or in HTTP/1.0, is ignored.
    assert_eq!(info_of(b"GET / HTTP/1.1\r\nUpgrade: websocket\r\n\r\n").upgrade, None);
    assert_eq!(info_of(b"GET / HTTP/1.0\r\nConnection: upgrade\r\nUpgrade: h2c\r\n\r\n").upgrade, None);
    let c = info_of(b"CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n");
    assert!(c.connect && c.keep_alive);
}
