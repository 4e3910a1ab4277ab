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
    assert_eq!(d.max_file_bytes, u64::MAX);
    assert_eq!(d.max_files, 128);
    assert_eq!(d.max_fields, 4096);
    assert_eq!(d.max_total_bytes, 64 * 1024 * 1024);
    assert_eq!(d, Limits::DEFAULT);
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

const FILE_CD: &[u8] = b"Content-Disposition: form-data; name=f; filename=a.txt\r\n";
const STAR_CD: &[u8] = b"Content-Disposition: form-data; name=f; filename*=UTF-8''a.txt\r\n";
const FIELD_CD: &[u8] = b"Content-Disposition: form-data; name=f\r\n";

/// A body of parts, each `(disposition line, data)`, and the offset where
/// each part's header block starts.
fn body_of(parts: &[(&[u8], &[u8])]) -> (Vec<u8>, Vec<u64>) {
    let mut v = Vec::new();
    let mut starts = Vec::new();
    for (cd, data) in parts {
        v.extend_from_slice(b"--lim\r\n");
        starts.push(v.len() as u64);
        v.extend_from_slice(cd);
        v.extend_from_slice(b"\r\n");
        v.extend_from_slice(data);
        v.extend_from_slice(b"\r\n");
    }
    v.extend_from_slice(b"--lim--");
    (v, starts)
}

#[test]
fn max_file_bytes() {
    let mut l = Limits::default();
    l.max_file_bytes = 6;
    // Fields are not files: a longer field is fine.
    l.max_field_bytes = 100;
    for cd in [FILE_CD, STAR_CD] {
        let data_at = (7 + cd.len() + 2) as u64;
        let (at, _) = body_of(&[(FIELD_CD, b"0123456789"), (cd, b"012345")]);
        let (past, _) = body_of(&[(cd, b"0123456")]);
        let (far, _) = body_of(&[(cd, b"0123456789\r\n--li\r\n--lim-x")]);
        check(l, &at, &past, &far, ErrorKind::FileTooLarge, data_at + 6);
        // Held-back near-delimiters count as file data too.
        let (held, _) = body_of(&[(cd, b"\r\n--li-")]);
        let e = run_all_splits(B, l, &held).unwrap_err();
        assert_eq!((e.kind(), e.offset(), e.status()), (ErrorKind::FileTooLarge, data_at + 6, 413));
    }
    // And files are not fields.
    let mut l = Limits::default();
    l.max_field_bytes = 2;
    run_all_splits(B, l, &body_of(&[(FILE_CD, b"0123456789")]).0).unwrap();
}

#[test]
fn max_files() {
    let mut l = Limits::default();
    l.max_files = 2;
    // Fields in between do not count.
    let (at, _) = body_of(&[(FILE_CD, b"a"), (FIELD_CD, b"b"), (STAR_CD, b"c"), (FIELD_CD, b"d")]);
    let (past, starts) = body_of(&[(FILE_CD, b"a"), (FIELD_CD, b"b"), (STAR_CD, b"c"), (FILE_CD, b"d")]);
    let (far, far_starts) =
        body_of(&[(FILE_CD, b"a"), (STAR_CD, b"b"), (FILE_CD, b"c"), (FILE_CD, b"d"), (FILE_CD, b"")]);
    // The error is at the third file's header block.
    check(l, &at, &past, &past, ErrorKind::TooManyFiles, starts[3]);
    let e = run_all_splits(B, l, &far).unwrap_err();
    assert_eq!((e.kind(), e.offset(), e.status()), (ErrorKind::TooManyFiles, far_starts[2], 400));
    l.max_files = 0;
    let e = run_all_splits(B, l, &at).unwrap_err();
    assert_eq!((e.kind(), e.offset()), (ErrorKind::TooManyFiles, 7));
}

#[test]
fn max_fields() {
    let mut l = Limits::default();
    l.max_fields = 2;
    // Files in between do not count; a part without Content-Disposition is a field.
    let (at, _) = body_of(&[(FIELD_CD, b"a"), (FILE_CD, b"b"), (b"", b"c"), (STAR_CD, b"d")]);
    let (past, starts) = body_of(&[(FIELD_CD, b"a"), (FILE_CD, b"b"), (b"", b"c"), (FIELD_CD, b"d")]);
    let (far, far_starts) = body_of(&[(FIELD_CD, b"a"), (FIELD_CD, b"b"), (FIELD_CD, b"c"), (FIELD_CD, b"d")]);
    check(l, &at, &past, &past, ErrorKind::TooManyFields, starts[3]);
    let e = run_all_splits(B, l, &far).unwrap_err();
    assert_eq!((e.kind(), e.offset(), e.status()), (ErrorKind::TooManyFields, far_starts[2], 400));
    // max_parts is checked first, at the same place.
    l.max_parts = 3;
    let e = run_all_splits(B, l, &past).unwrap_err();
    assert_eq!((e.kind(), e.offset()), (ErrorKind::TooManyParts, starts[3]));
}

/// A part's data crossing its size limit: every byte before the first byte
/// past it is handed out, then the error comes — the same at every split,
/// so a file sink holds the same bytes however the body arrived.
#[test]
fn data_before_a_size_error_is_the_bytes_within_the_limit() {
    for (cd, kind) in [(FIELD_CD, ErrorKind::FieldTooLarge), (FILE_CD, ErrorKind::FileTooLarge)] {
        let mut l = Limits::default();
        l.max_field_bytes = 6;
        l.max_file_bytes = 6;
        // Plain data, and held-back near-delimiters crossing the limit.
        for data in [&b"0123456789"[..], b"0123\r\n--li\r\n--lim-X", b"\r\n--l\r\n--lim-"] {
            let (body, starts) = body_of(&[(cd, data)]);
            for sizes in [&[usize::MAX][..], &[1], &[5, 3]] {
                let (events, outcome) = common::run_events_with(B, l, Default::default(), &body, sizes);
                let e = outcome.unwrap_err();
                let data_at = starts[0] + cd.len() as u64 + 2;
                assert_eq!((e.kind(), e.offset()), (kind, data_at + 6));
                assert_eq!(events.last(), Some(&common::data(&data[..6])), "{sizes:?}");
            }
        }
    }
}
