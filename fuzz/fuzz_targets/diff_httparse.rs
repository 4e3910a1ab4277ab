//! Differential: whatever strict Springbok accepts, httparse accepts with
//! the same method, target, version, headers and head length (Springbok is
//! stricter, never looser); the same for responses, with the same status
//! code and reason phrase; and for bare header blocks, with the same block
//! length and headers. The one exception: Springbok processes `HTTP/1.2` to
//! `HTTP/1.9` as HTTP/1.1 (RFC 9110 §6.2), which httparse refuses, so
//! httparse reads such a head with its version written as `HTTP/1.1`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use springbok_parser::{Header, ParserConfig, Status, EMPTY_HEADER};

fuzz_target!(|buf: &[u8]| {
    request(buf);
    response(buf);
    block(buf);
});

/// `buf` with the version at `at` written as `HTTP/1.1` when it is
/// `HTTP/1.2` to `HTTP/1.9`.
fn as_1_1(buf: &[u8], at: usize) -> Vec<u8> {
    let mut out = buf.to_vec();
    if let Some(v @ [b'H', b'T', b'T', b'P', b'/', b'1', b'.', b'2'..=b'9']) = out.get_mut(at..at + 8) {
        v[7] = b'1';
    }
    out
}

fn request(buf: &[u8]) {
    let mut headers = [EMPTY_HEADER; 32];
    let Ok(Status::Complete(ours)) = ParserConfig::new().parse_request(buf, 0, &mut headers) else { return };
    let mut theirs_headers = [httparse::EMPTY_HEADER; 32];
    let mut theirs = httparse::Request::new(&mut theirs_headers);
    let buf = &as_1_1(buf, ours.method.len() + ours.target.len() + 2);
    match theirs.parse(buf) {
        Ok(httparse::Status::Complete(len)) => {
            assert_eq!(len, ours.head_len);
            assert_eq!(theirs.method.map(str::as_bytes), Some(ours.method));
            assert_eq!(theirs.path.map(str::as_bytes), Some(ours.target));
            assert_eq!(theirs.version, Some(ours.minor_version));
            same_headers(theirs.headers, ours.headers);
        }
        other => panic!("springbok accepted what httparse called {other:?}"),
    }
}

fn response(buf: &[u8]) {
    let mut headers = [EMPTY_HEADER; 32];
    let Ok(Status::Complete(ours)) = ParserConfig::new().parse_response(buf, 0, &mut headers) else { return };
    let mut theirs_headers = [httparse::EMPTY_HEADER; 32];
    let mut theirs = httparse::Response::new(&mut theirs_headers);
    let buf = &as_1_1(buf, 0);
    match theirs.parse(buf) {
        Ok(httparse::Status::Complete(len)) => {
            assert_eq!(len, ours.head_len);
            assert_eq!(theirs.version, Some(ours.minor_version));
            assert_eq!(theirs.code, Some(ours.code));
            // httparse gives an empty reason for one with obs-text (any
            // byte from 0x80 on, even in valid UTF-8), which Springbok
            // returns as sent.
            if ours.reason.is_ascii() {
                assert_eq!(theirs.reason.map(str::as_bytes), Some(ours.reason));
            } else {
                assert_eq!(theirs.reason, Some(""));
            }
            same_headers(theirs.headers, ours.headers);
        }
        other => panic!("springbok accepted a response httparse called {other:?}"),
    }
}

fn block(buf: &[u8]) {
    let mut headers = [EMPTY_HEADER; 32];
    let Ok(Status::Complete(ours)) = ParserConfig::new().parse_headers(buf, 0, &mut headers) else { return };
    let mut theirs_headers = [httparse::EMPTY_HEADER; 32];
    match httparse::parse_headers(buf, &mut theirs_headers) {
        Ok(httparse::Status::Complete((len, theirs))) => {
            assert_eq!(len, ours.len);
            same_headers(theirs, ours.headers);
        }
        other => panic!("springbok accepted a header block httparse called {other:?}"),
    }
}

/// httparse stored the same headers as Springbok, name for name and value
/// for value.
fn same_headers(theirs: &[httparse::Header<'_>], ours: &[Header<'_>]) {
    assert_eq!(theirs.len(), ours.len());
    for (a, b) in theirs.iter().zip(ours) {
        assert_eq!((a.name.as_bytes(), a.value), (b.name, b.value));
    }
}
