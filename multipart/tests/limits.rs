//! Each limit: at the limit is accepted, one past it is the error.

mod common;

use common::run_all_splits;
use springbok_multipart::{ErrorKind, Limits};

const B: &[u8] = b"lim";

fn check(limits: Limits, at_limit: &[u8], past: &[u8], kind: ErrorKind) {
    run_all_splits(B, limits, at_limit).unwrap_or_else(|e| panic!("at limit: {e}"));
    let e = run_all_splits(B, limits, past).unwrap_err();
    assert_eq!(e.kind(), kind);
}

fn parts(n: usize) -> Vec<u8> {
    let mut v = Vec::new();
    for _ in 0..n {
        v.extend_from_slice(b"--lim\r\n\r\nx\r\n");
    }
    v.extend_from_slice(b"--lim--");
    v
}

#[test]
fn defaults_are_bounded() {
    let d = Limits::default();
    assert_eq!(d.max_parts, 4096);
    assert_eq!(d.max_header_bytes, 16 * 1024);
    assert_eq!(d.max_headers, 16);
    assert_eq!(d.max_preamble_bytes, 32 * 1024);
    assert_eq!(d.max_epilogue_bytes, 32 * 1024);
    assert_eq!(d.max_field_bytes, 1024 * 1024);
    assert_eq!(d.max_total_bytes, 64 * 1024 * 1024);
}

#[test]
fn max_parts() {
    let mut l = Limits::default();
    l.max_parts = 3;
    check(l, &parts(3), &parts(4), ErrorKind::TooManyParts);
}

#[test]
fn max_header_bytes() {
    let mut l = Limits::default();
    // Block "X: 12345\r\n\r\n" is 12 bytes.
    l.max_header_bytes = 12;
    check(
        l,
        b"--lim\r\nX: 12345\r\n\r\nd\r\n--lim--",
        b"--lim\r\nX: 123456\r\n\r\nd\r\n--lim--",
        ErrorKind::HeaderTooLarge,
    );
    // Transport padding counts too.
    l.max_header_bytes = 4;
    check(l, b"--lim    \r\n\r\n\r\n--lim--", b"--lim     \r\n\r\n\r\n--lim--", ErrorKind::HeaderTooLarge);
}

#[test]
fn max_headers() {
    let mut l = Limits::default();
    l.max_headers = 2;
    check(
        l,
        b"--lim\r\nA: 1\r\nB: 2\r\n\r\nd\r\n--lim--",
        b"--lim\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\nd\r\n--lim--",
        ErrorKind::TooManyHeaders,
    );
}

#[test]
fn max_preamble_bytes() {
    let mut l = Limits::default();
    l.max_preamble_bytes = 5;
    // "12345" then the CRLF that belongs to the delimiter.
    check(l, b"12345\r\n--lim--", b"123456\r\n--lim--", ErrorKind::PreambleTooLarge);
    // Near-delimiters in the preamble count as preamble.
    l.max_preamble_bytes = 8;
    check(l, b"\r\n--limX\r\n--lim--", b"\r\n--lim-X\r\n--lim--", ErrorKind::PreambleTooLarge);
    check(l, b"--limX12\r\n--lim--", b"--limX123\r\n--lim--", ErrorKind::PreambleTooLarge);
}

#[test]
fn max_epilogue_bytes() {
    let mut l = Limits::default();
    l.max_epilogue_bytes = 4;
    check(l, b"--lim--\r\nab", b"--lim--\r\nabc", ErrorKind::EpilogueTooLarge);
}

#[test]
fn max_field_bytes_counts_held_back_bytes() {
    let mut l = Limits::default();
    l.max_field_bytes = 6;
    check(l, b"--lim\r\n\r\n\r\n--li\r\n--lim--", b"--lim\r\n\r\n\r\n--li-\r\n--lim--", ErrorKind::FieldTooLarge);
    check(l, b"--lim\r\n\r\n\r\n--lX\r\n--lim--", b"--lim\r\n\r\n\r\n--limX\r\n--lim--", ErrorKind::FieldTooLarge);
}

#[test]
fn max_total_bytes() {
    let body = parts(2);
    let mut l = Limits::default();
    l.max_total_bytes = body.len() as u64;
    let mut longer = body.clone();
    longer.push(b'\n');
    check(l, &body, &longer, ErrorKind::BodyTooLarge);
}
