//! Each limit: at the limit is accepted, one past it is the error.

mod common;

use common::run_all_splits;
use springbok_multipart::{ErrorKind, Limits};

const B: &[u8] = b"lim";

/// `at_limit` parses; `past` (one byte over) fails with `kind` at `offset`,
/// the first byte past the limit, at every split; and so does `far_past`
/// (many bytes over), whose offending byte is the same one.
fn check(limits: Limits, at_limit: &[u8], past: &[u8], far_past: &[u8], kind: ErrorKind, offset: u64) {
    run_all_splits(B, limits, at_limit).unwrap_or_else(|e| panic!("at limit: {e}"));
    for body in [past, far_past] {
        let e = run_all_splits(B, limits, body).unwrap_err();
        assert_eq!((e.kind(), e.offset()), (kind, offset), "{:?}", String::from_utf8_lossy(body));
    }
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
    // The fourth part's header block starts after 3 parts of 12 bytes and "--lim\r\n".
    check(l, &parts(3), &parts(4), &parts(9), ErrorKind::TooManyParts, 3 * 12 + 7);
}

#[test]
fn max_header_bytes() {
    let mut l = Limits::default();
    // Block "X: 12345\r\n\r\n" is 12 bytes, starting at 7.
    l.max_header_bytes = 12;
    check(
        l,
        b"--lim\r\nX: 12345\r\n\r\nd\r\n--lim--",
        b"--lim\r\nX: 123456\r\n\r\nd\r\n--lim--",
        b"--lim\r\nX: 123456789012345\r\n\r\nd\r\n--lim--",
        ErrorKind::HeaderTooLarge,
        7 + 12,
    );
    // Transport padding is bounded by the same number.
    l.max_header_bytes = 4;
    check(
        l,
        b"--lim    \r\n\r\n\r\n--lim--",
        b"--lim     \r\n\r\n\r\n--lim--",
        b"--lim \t \t \t \t \t \t \t \r\n\r\n\r\n--lim--",
        ErrorKind::HeaderTooLarge,
        5 + 4,
    );
}

#[test]
fn max_headers() {
    let mut l = Limits::default();
    l.max_headers = 2;
    check(
        l,
        b"--lim\r\nA: 1\r\nB: 2\r\n\r\nd\r\n--lim--",
        b"--lim\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\nd\r\n--lim--",
        b"--lim\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\nE: 5\r\n\r\nd\r\n--lim--",
        ErrorKind::TooManyHeaders,
        // The third line starts at 7 + 6 + 6.
        7 + 12,
    );
}

#[test]
fn max_preamble_bytes() {
    let mut l = Limits::default();
    l.max_preamble_bytes = 5;
    // "12345" then the CRLF that belongs to the delimiter.
    check(l, b"12345\r\n--lim--", b"123456\r\n--lim--", b"123456789abcdef\r\n--lim--", ErrorKind::PreambleTooLarge, 5);
    // Near-delimiters in the preamble count as preamble, also when they
    // were held back across feeds before turning out not to be one.
    l.max_preamble_bytes = 8;
    check(
        l,
        b"\r\n--limX\r\n--lim--",
        b"\r\n--lim-X\r\n--lim--",
        b"\r\n--lim-X\r\n--li\r\n--lim--",
        ErrorKind::PreambleTooLarge,
        8,
    );
    check(
        l,
        b"--limX12\r\n--lim--",
        b"--limX123\r\n--lim--",
        b"--limX123\r\n--lX\r\n--lim--",
        ErrorKind::PreambleTooLarge,
        8,
    );
}

#[test]
fn max_epilogue_bytes() {
    let mut l = Limits::default();
    l.max_epilogue_bytes = 4;
    // The epilogue starts at 7, right after the close delimiter.
    check(l, b"--lim--\r\nab", b"--lim--\r\nabc", b"--lim--\r\nabcdefghijklmnop", ErrorKind::EpilogueTooLarge, 7 + 4);
}

#[test]
fn max_field_bytes_counts_held_back_bytes() {
    let mut l = Limits::default();
    l.max_field_bytes = 6;
    // The data starts at 9; the held-back near-delimiters are data.
    check(
        l,
        b"--lim\r\n\r\n\r\n--li\r\n--lim--",
        b"--lim\r\n\r\n\r\n--li-\r\n--lim--",
        b"--lim\r\n\r\n\r\n--lim-x\r\n--li\r\n--lim--",
        ErrorKind::FieldTooLarge,
        9 + 6,
    );
    check(
        l,
        b"--lim\r\n\r\n\r\n--lX\r\n--lim--",
        b"--lim\r\n\r\n\r\n--limX\r\n--lim--",
        b"--lim\r\n\r\n0123456789abcdef\r\n--lim--",
        ErrorKind::FieldTooLarge,
        9 + 6,
    );
}

#[test]
fn max_total_bytes() {
    let body = parts(2);
    let mut l = Limits::default();
    l.max_total_bytes = body.len() as u64;
    let mut longer = body.clone();
    longer.push(b'\n');
    let mut much_longer = body.clone();
    much_longer.extend_from_slice(&[b'e'; 100]);
    check(l, &body, &longer, &much_longer, ErrorKind::BodyTooLarge, body.len() as u64);
}

/// The total limit is decided at the byte past it, not when a feed would
/// carry the body past it: an error before that byte wins at every split.
#[test]
fn an_error_before_the_total_limit_wins_at_every_split() {
    let mut l = Limits::default();
    l.max_total_bytes = 10;
    let e = run_all_splits(B, l, b"--lim x\r\n\r\nsome data past the limit\r\n--lim--").unwrap_err();
    assert_eq!((e.kind(), e.offset()), (ErrorKind::MalformedDelimiter, 6));
    // Events before the limit come out as without it.
    let e = run_all_splits(B, l, b"--lim\r\n\r\nabcdefgh\r\n--lim--").unwrap_err();
    assert_eq!((e.kind(), e.offset()), (ErrorKind::BodyTooLarge, 10));
}

/// The three cases: boundary `B`, limit 5. The error's offset is the
/// first byte past the limit whatever the split (`run_all_splits` compares
/// offsets across splits; these pin the value).
#[test]
fn size_limit_offsets_are_the_first_byte_past_the_limit() {
    let mut l = Limits::default();
    l.max_field_bytes = 5;
    let body = b"--B\r\nContent-Disposition: form-data; name=f\r\n\r\nabcdefghij\r\n--B--";
    let e = run_all_splits(b"B", l, body).unwrap_err();
    assert_eq!((e.kind(), e.offset()), (ErrorKind::FieldTooLarge, 52));

    let mut l = Limits::default();
    l.max_preamble_bytes = 5;
    let body = b"abcdefghij\r\n--B\r\nContent-Disposition: form-data; name=f\r\n\r\nx\r\n--B--";
    let e = run_all_splits(b"B", l, body).unwrap_err();
    assert_eq!((e.kind(), e.offset()), (ErrorKind::PreambleTooLarge, 5));

    let mut l = Limits::default();
    l.max_epilogue_bytes = 5;
    let body = b"--B\r\nContent-Disposition: form-data; name=f\r\n\r\nx\r\n--B--abcdefghij";
    let e = run_all_splits(b"B", l, body).unwrap_err();
    assert_eq!((e.kind(), e.offset()), (ErrorKind::EpilogueTooLarge, 60));
}
