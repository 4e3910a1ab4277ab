//! One test per known multipart denial of service, showing the shape is
//! bounded here: by a limit that turns it into an error early, and by work
//! and memory that stay proportional to the input.

mod common;

use common::feed_all;
use springbok_multipart::{boundary, ErrorKind, Event, Limits, Parser, MAX_CONTENT_TYPE_LEN};

/// Feeds `body` in `chunk`-sized pieces until an error or the end; returns
/// the error (if any), the largest `buffered_bytes` seen, and the parser.
fn drive(b: &[u8], limits: Limits, body: &[u8], chunk: usize) -> (Option<springbok_multipart::Error>, usize, Parser) {
    let mut p = Parser::new(b, limits).unwrap();
    let mut max_buf = 0;
    let mut events = Vec::new();
    for c in body.chunks(chunk) {
        let r = feed_all(&mut p, c, &mut events);
        max_buf = max_buf.max(p.buffered_bytes());
        events.clear();
        if let Err(e) = r {
            return (Some(e), max_buf, p);
        }
    }
    (p.finish().err(), max_buf, p)
}

/// python-multipart CVE-2024-24762: a crafted `Content-Type` (and
/// `Content-Disposition`) made its option-parsing regex backtrack.
/// Here `Content-Type` values are cut off at 4 KiB before any parsing, and
/// `Content-Disposition` is bounded by the part-header limit; both parsers
/// are single forward passes.
#[test]
fn cve_2024_24762_python_multipart_options_redos() {
    let mut v = b"multipart/form-data; boundary=x".to_vec();
    while v.len() < 1 << 20 {
        v.extend_from_slice(b"; a=\"\\\\\\\"");
    }
    assert_eq!(boundary(&v).unwrap_err().kind(), ErrorKind::ContentTypeTooLong);
    // The most hostile value that is still parsed: many parameters and
    // quoted-pairs, up to the length limit.
    let mut v = b"multipart/form-data".to_vec();
    while v.len() + 12 < MAX_CONTENT_TYPE_LEN - 16 {
        v.extend_from_slice(b";a=\"\\\"\\\\;\"  ");
    }
    v.extend_from_slice(b";boundary=ok");
    assert!(v.len() <= MAX_CONTENT_TYPE_LEN);
    assert_eq!(boundary(&v).unwrap(), b"ok");

    // A 1 MiB Content-Disposition value is stopped at the header limit.
    let mut body = b"--x\r\nContent-Disposition: form-data".to_vec();
    while body.len() < 1 << 20 {
        body.extend_from_slice(b"; name=\"\\\\\"");
    }
    let limits = Limits::default();
    let (e, max_buf, p) = drive(b"x", limits, &body, 4096);
    assert_eq!(e.unwrap().kind(), ErrorKind::HeaderTooLarge);
    assert!(max_buf <= limits.max_header_bytes + 2);
    assert!(p.position() <= (limits.max_header_bytes + 4096) as u64);
}

/// python-multipart CVE-2024-53981: every CR or LF before the first or after
/// the last boundary was handled one at a time (with a log line each).
/// Here the preamble and epilogue are skipped by the bulk delimiter search
/// and bounded by their limits.
#[test]
fn cve_2024_53981_python_multipart_crlf_preamble_epilogue() {
    let crlf = b"\r\n".repeat(512 * 1024); // 1 MiB
    let limits = Limits::default();

    let (e, max_buf, p) = drive(b"x", limits, &crlf, 65536);
    assert_eq!(e.unwrap().kind(), ErrorKind::PreambleTooLarge);
    assert!(p.position() <= limits.max_preamble_bytes + 65536);
    assert!(max_buf <= 4);

    let mut body = b"--x--".to_vec();
    body.extend_from_slice(&crlf);
    let (e, _, p) = drive(b"x", limits, &body, 65536);
    assert_eq!(e.unwrap().kind(), ErrorKind::EpilogueTooLarge);
    assert!(p.position() <= limits.max_epilogue_bytes + 65536);

    // With the limit raised, the work is one pass: about one byte examined
    // per byte, and one call per chunk.
    let mut big = limits;
    big.max_preamble_bytes = u64::MAX;
    let mut body = crlf.clone();
    body.extend_from_slice(b"\r\n--x--");
    let mut p = Parser::new(b"x", big).unwrap();
    let mut calls = 0;
    for c in body.chunks(65536) {
        let mut rest = c;
        loop {
            calls += 1;
            let (n, ev) = p.feed(rest).unwrap();
            rest = &rest[n..];
            if matches!(ev, Event::NeedMore | Event::End) && rest.is_empty() {
                break;
            }
        }
    }
    p.finish().unwrap();
    assert!(calls <= body.len() / 65536 + 4, "{calls} calls");
    // Per call, at most one delimiter length (5 here) is looked at again
    // for the carry-over and once more for the tail.
    let feeds = body.len().div_ceil(65536) as u64;
    let bound = body.len() as u64 + 2 * 5 * feeds;
    assert!(p.bytes_examined() <= bound, "{} > {bound}", p.bytes_examined());
}

/// Rack CVE-2023-27530: no limit on the number of parts (each one a file
/// and objects). Here file parts are limited (128 by default, Rack's fix) and
/// so are parts (4096), and the error comes as soon as a limit is passed.
#[test]
fn cve_2023_27530_rack_too_many_parts() {
    let part: &[u8] = b"--x\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a\"\r\n\r\n\r\n";
    let mut body = part.repeat(10_000);
    body.extend_from_slice(b"--x--");
    let limits = Limits::default();
    let (e, max_buf, p) = drive(b"x", limits, &body, 8192);
    let e = e.unwrap();
    assert_eq!(e.kind(), ErrorKind::TooManyFiles);
    assert_eq!(p.part_count(), limits.max_files + 1);
    // At the header block of file 129.
    assert_eq!(e.offset(), (limits.max_files * part.len() + 5) as u64);
    assert!(max_buf <= part.len());
    // With the file limit out of the way, the part limit stops it.
    let mut limits = Limits::default();
    limits.max_files = usize::MAX;
    let (e, max_buf, p) = drive(b"x", limits, &body, 8192);
    let e = e.unwrap();
    assert_eq!(e.kind(), ErrorKind::TooManyParts);
    assert_eq!(p.part_count(), limits.max_parts);
    assert_eq!(e.offset(), (limits.max_parts * part.len() + 5) as u64);
    assert!(max_buf <= part.len());
}

/// dicer/busboy CVE-2022-24434: a part header line starting with whitespace
/// crashed dicer's header parser. Here part headers go through the strict
/// header-block parser, and it is an error value.
#[test]
fn cve_2022_24434_dicer_header_starting_with_whitespace() {
    let b = b"----WebKitFormBoundaryoo6vortfDzBsDiro";
    let mut body = b"--".to_vec();
    body.extend_from_slice(b);
    body.extend_from_slice(b"\r\n Content-Disposition: form-data; name=\"bildbeschreibung\"\r\n\r\n\r\n--");
    body.extend_from_slice(b);
    body.extend_from_slice(b"--");
    for chunk in [1, 7, body.len()] {
        let (e, _, _) = drive(b, Limits::default(), &body, chunk);
        let e = e.unwrap();
        assert_eq!(e.kind(), ErrorKind::PartHeaders);
        assert!(e.header_error().is_some());
    }
    // A continuation line after a header is obs-fold: also an error.
    let body = b"--x\r\nA: b\r\n\tc\r\n\r\n\r\n--x--";
    let (e, _, _) = drive(b"x", Limits::default(), body, 3);
    assert_eq!(e.unwrap().kind(), ErrorKind::PartHeaders);
}

/// Go CVE-2023-24536: many parts with many headers cost far more CPU and
/// memory than their size suggested. Here one part's headers are held at a
/// time, bounded in count and bytes, and the part count is bounded too.
#[test]
fn cve_2023_24536_go_many_parts_many_headers() {
    let limits = Limits::default();
    // Within the header-count limit: memory stays one header block.
    let mut part = b"--x\r\n".to_vec();
    for i in 0..limits.max_headers {
        part.extend_from_slice(format!("X-H{i}: v\r\n").as_bytes());
    }
    part.extend_from_slice(b"\r\n\r\n");
    let mut body = part.repeat(limits.max_parts);
    body.extend_from_slice(b"--x--");
    let (e, max_buf, p) = drive(b"x", limits, &body, 4096);
    assert!(e.is_none(), "{e:?}");
    assert_eq!(p.part_count(), limits.max_parts);
    assert!(max_buf <= part.len(), "{max_buf}");

    // One header more than allowed is an error at the first part.
    let mut part = b"--x\r\n".to_vec();
    for i in 0..=limits.max_headers {
        part.extend_from_slice(format!("X-H{i}: v\r\n").as_bytes());
    }
    part.extend_from_slice(b"\r\n\r\n");
    let body = part.repeat(1000);
    let (e, _, p) = drive(b"x", limits, &body, 4096);
    assert_eq!(e.unwrap().kind(), ErrorKind::TooManyHeaders);
    assert_eq!(p.part_count(), 1);

    // And one part more than allowed is an error.
    let mut body = b"--x\r\nA: 1\r\n\r\n\r\n".repeat(limits.max_parts + 1);
    body.extend_from_slice(b"--x--");
    let (e, _, _) = drive(b"x", limits, &body, 4096);
    assert_eq!(e.unwrap().kind(), ErrorKind::TooManyParts);
}
