//! One test (or a few) per parsing rule; every body is also checked under
//! 1-byte and odd splits by `run_all_splits`.

mod common;

use common::{data, run, run_all_splits, run_sizes, start, Ev};
use springbok_multipart::{ErrorKind, Event, Limits, Parser};

const CD_A: (&str, &str) = ("Content-Disposition", "form-data; name=\"a\"");

fn ok(body: &[u8]) -> Vec<Ev> {
    run_all_splits(b"b0und", Limits::default(), body).unwrap()
}

fn err(body: &[u8]) -> ErrorKind {
    run_all_splits(b"b0und", Limits::default(), body).unwrap_err().kind()
}

#[test]
fn two_parts() {
    let body = b"--b0und\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nhello\r\n\
        --b0und\r\nContent-Disposition: form-data; name=\"f\"; filename=\"x\"\r\nContent-Type: text/plain\r\n\r\n\
        line1\r\nline2\r\n--b0und--\r\n";
    assert_eq!(
        ok(body),
        vec![
            start(&[CD_A]),
            data(b"hello"),
            Ev::PartEnd,
            start(&[("Content-Disposition", "form-data; name=\"f\"; filename=\"x\""), ("Content-Type", "text/plain")]),
            data(b"line1\r\nline2"),
            Ev::PartEnd,
            Ev::End
        ]
    );
}

#[test]
fn crlf_before_boundary_belongs_to_delimiter() {
    let body = b"--b0und\r\n\r\n\r\n\r\n--b0und--";
    assert_eq!(ok(body), vec![start(&[]), data(b"\r\n"), Ev::PartEnd, Ev::End]);
    // Empty data: no data event at all.
    let body = b"--b0und\r\n\r\n\r\n--b0und--";
    assert_eq!(ok(body), vec![start(&[]), Ev::PartEnd, Ev::End]);
}

#[test]
fn preamble_and_epilogue_are_ignored() {
    let body = b"This is the preamble.\r\n--b0und-ish\r\nstill preamble\r\n--b0und\r\n\r\nx\r\n--b0und--\r\nepilogue --b0und\r\n";
    assert_eq!(ok(body), vec![start(&[]), data(b"x"), Ev::PartEnd, Ev::End]);
    // A CRLF (empty preamble) before the first boundary.
    let body = b"\r\n--b0und\r\n\r\nx\r\n--b0und--";
    assert_eq!(ok(body), vec![start(&[]), data(b"x"), Ev::PartEnd, Ev::End]);
    // The first boundary must start a line.
    let body = b"x--b0und\r\n\r\ny\r\n--b0und\r\n\r\nz\r\n--b0und--";
    assert_eq!(ok(body), vec![start(&[]), data(b"z"), Ev::PartEnd, Ev::End]);
}

#[test]
fn transport_padding() {
    let body = b"--b0und \t \r\n\r\nx\r\n--b0und\t\r\n\r\ny\r\n--b0und-- \t\r\n";
    assert_eq!(ok(body), vec![start(&[]), data(b"x"), Ev::PartEnd, start(&[]), data(b"y"), Ev::PartEnd, Ev::End]);
}

#[test]
fn boundary_like_data_is_data() {
    // Not followed by padding/CRLF or `--`: data, including a lone `-`.
    let body = b"--b0und\r\n\r\n1\r\n--b0undX2\r\n--b0und-3\r\n--b0und-\r\n--b0un\r\n--\r\n\r\n--b0und--";
    assert_eq!(
        ok(body),
        vec![start(&[]), data(b"1\r\n--b0undX2\r\n--b0und-3\r\n--b0und-\r\n--b0un\r\n--\r\n"), Ev::PartEnd, Ev::End]
    );
    // A boundary that is a prefix of a longer one in the data.
    let body = b"--b0und\r\n\r\n\r\n--b0und2\r\n--b0und--";
    assert_eq!(ok(body), vec![start(&[]), data(b"\r\n--b0und2"), Ev::PartEnd, Ev::End]);
    // LF alone is not a line break for delimiters.
    let body = b"--b0und\r\n\r\nx\n--b0und\r\n--b0und--";
    assert_eq!(ok(body), vec![start(&[]), data(b"x\n--b0und"), Ev::PartEnd, Ev::End]);
}

#[test]
fn committed_delimiter_needs_crlf() {
    assert_eq!(err(b"--b0und\r\n\r\nx\r\n--b0und \tX\r\n"), ErrorKind::MalformedDelimiter);
    assert_eq!(err(b"--b0und\r\n\r\nx\r\n--b0und\rX"), ErrorKind::MalformedDelimiter);
    assert_eq!(err(b"--b0und\n\r\nx\r\n--b0und--"), ErrorKind::MalformedDelimiter);
    assert_eq!(err(b"--b0und\r\n\r\nx\r\n--b0und\n"), ErrorKind::MalformedDelimiter);
    assert_eq!(err(b"--b0und \n"), ErrorKind::MalformedDelimiter);
}

#[test]
fn empty_form_and_truncation() {
    assert_eq!(ok(b"--b0und--\r\n"), vec![Ev::End]);
    assert_eq!(ok(b"--b0und--"), vec![Ev::End]);
    assert_eq!(err(b""), ErrorKind::Truncated);
    assert_eq!(err(b"--b0und\r\n\r\nabc"), ErrorKind::Truncated);
    assert_eq!(err(b"--b0und\r\n\r\nabc\r\n--b0und"), ErrorKind::Truncated);
    assert_eq!(err(b"--b0und\r\nX: y\r\n"), ErrorKind::Truncated);
}

#[test]
fn part_headers_use_the_strict_header_block_parser() {
    let e = run(b"b0und", b"--b0und\r\nX : y\r\n\r\n\r\n--b0und--").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::PartHeaders);
    assert_eq!(e.header_error().unwrap().kind(), springbok_parser::ErrorKind::SpaceBeforeColon);
    assert_eq!(e.offset(), 9 + 1);
    // obs-fold and bare LF are rejected.
    assert_eq!(err(b"--b0und\r\nX: y\r\n z\r\n\r\n\r\n--b0und--"), ErrorKind::PartHeaders);
    assert_eq!(err(b"--b0und\r\nX: y\nZ: w\r\n\r\n\r\n--b0und--"), ErrorKind::PartHeaders);
    // Values are trimmed, names kept as sent.
    let v = ok(b"--b0und\r\ncontent-TYPE:   a/b  \r\nX-Other: 1\r\n\r\n\r\n--b0und--");
    assert_eq!(v[0], start(&[("content-TYPE", "a/b"), ("X-Other", "1")]));
}

#[test]
fn part_accessors() {
    let body = b"--b0und\r\nContent-Disposition: form-data; name=\"up%22\"; filename=\"C:\\a\\b.txt\"; filename*=UTF-8''%C3%A9\r\n\
        content-type: image/png\r\nContent-Transfer-Encoding: base64\r\n\r\naGk=\r\n--b0und--";
    let mut p = Parser::new(b"b0und", Limits::default()).unwrap();
    let (n, ev) = p.feed(body).unwrap();
    let Event::PartStart(part) = ev else { panic!("{ev:?}") };
    assert_eq!(part.index(), 0);
    assert!(part.is_file());
    assert_eq!(part.name().unwrap().as_ref(), b"up\"");
    assert_eq!(part.filename().unwrap().as_ref(), b"C:\\a\\b.txt");
    assert_eq!(part.content_disposition().unwrap().filename_star().unwrap().value, "é");
    assert_eq!(part.content_type(), Some(&b"image/png"[..]));
    assert_eq!(part.content_transfer_encoding(), Some(&b"base64"[..]));
    assert_eq!(part.header(b"CONTENT-TYPE"), Some(&b"image/png"[..]));
    assert_eq!(part.headers().len(), 3);
    assert!(part.raw_headers().ends_with(b"base64\r\n\r\n"));
    // CTE is passed through: the data is not decoded.
    let (_, ev) = p.feed(&body[n..]).unwrap();
    assert!(matches!(ev, Event::Data(b"aGk=")));
}

#[test]
fn duplicate_and_malformed_part_headers() {
    let dup = b"--b0und\r\nContent-Type: a/b\r\ncontent-type: c/d\r\n\r\n\r\n--b0und--";
    assert_eq!(err(dup), ErrorKind::DuplicatePartHeader);
    let dup = b"--b0und\r\nContent-Disposition: form-data; name=a\r\nContent-Disposition: form-data; name=b\r\n\r\n\r\n--b0und--";
    assert_eq!(err(dup), ErrorKind::DuplicatePartHeader);
    let bad = b"--b0und\r\nContent-Disposition: form-data; name=\"a\r\n\r\n\r\n--b0und--";
    let e = run(b"b0und", bad).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::MalformedContentDisposition);
    // Offset: "--b0und\r\n" (9) + "Content-Disposition: " (21) + the value's
    // end (18), where the closing quote is missing.
    assert_eq!(e.offset(), 9 + 21 + 18);
}

#[test]
fn field_vs_file_is_from_the_disposition() {
    let mut limits = Limits::default();
    limits.max_field_bytes = 4;
    let field = b"--b0und\r\nContent-Disposition: form-data; name=a\r\n\r\n12345\r\n--b0und--";
    let e = run_sizes(b"b0und", limits, field, &[3]).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::FieldTooLarge);
    let file = b"--b0und\r\nContent-Disposition: form-data; name=a; filename=b\r\n\r\n12345\r\n--b0und--";
    assert!(run_all_splits(b"b0und", limits, file).is_ok());
    let file_star = b"--b0und\r\nContent-Disposition: form-data; name=a; filename*=UTF-8''b\r\n\r\n12345\r\n--b0und--";
    assert!(run_all_splits(b"b0und", limits, file_star).is_ok());
    let exact = b"--b0und\r\nContent-Disposition: form-data; name=a\r\n\r\n1234\r\n--b0und--";
    assert!(run_all_splits(b"b0und", limits, exact).is_ok());
}

#[test]
fn data_borrows_from_input_and_hold_back_is_bounded() {
    let boundary = b"0123456789";
    let mut p = Parser::new(boundary, Limits::default()).unwrap();
    let head = b"--0123456789\r\n\r\n";
    let (n, ev) = p.feed(head).unwrap();
    assert_eq!(n, head.len());
    assert!(matches!(ev, Event::PartStart(_)));
    // A chunk ending with the longest possible delimiter prefix.
    let chunk = b"some data\r\n--012345678";
    let (n, ev) = p.feed(chunk).unwrap();
    assert_eq!(n, chunk.len());
    let Event::Data(d) = ev else { panic!() };
    assert_eq!(d, b"some data");
    assert_eq!(d.as_ptr(), chunk.as_ptr(), "data borrows from the input");
    assert_eq!(p.buffered_bytes(), boundary.len() + 3);
    // It was data after all: handed back from the parser, then the rest.
    let (n, ev) = p.feed(b"X more").unwrap();
    assert_eq!(n, 0);
    assert!(matches!(ev, Event::Data(b"\r\n--012345678")));
    let (n, ev) = p.feed(b"X more").unwrap();
    assert_eq!(n, 6);
    assert!(matches!(ev, Event::Data(b"X more")));
    assert_eq!(p.buffered_bytes(), 0);
}

#[test]
fn errors_are_sticky_and_offsets_count_from_the_body() {
    let mut p = Parser::new(b"b0und", Limits::default()).unwrap();
    let body = b"--b0und\r\n\r\nab\r\n--b0und \tX";
    let mut rest = &body[..];
    let e = loop {
        match p.feed(rest) {
            Ok((n, _)) => rest = &rest[n..],
            Err(e) => break e,
        }
    };
    assert_eq!(e.kind(), ErrorKind::MalformedDelimiter);
    assert_eq!(e.offset(), body.len() as u64 - 1);
    assert_eq!(p.feed(b"more").unwrap_err(), e);
    assert_eq!(p.finish().unwrap_err(), e);
}

#[test]
fn end_comes_once_then_epilogue_is_consumed() {
    let mut p = Parser::new(b"b0und", Limits::default()).unwrap();
    // `End` right after the close delimiter, before the epilogue.
    let (n, ev) = p.feed(b"--b0und--\r\n").unwrap();
    assert_eq!(n, 9);
    assert!(matches!(ev, Event::End));
    assert!(p.is_done());
    let (n, ev) = p.feed(b"\r\n").unwrap();
    assert_eq!(n, 2);
    assert!(matches!(ev, Event::NeedMore));
    let (n, ev) = p.feed(b"trailing").unwrap();
    assert_eq!(n, 8);
    assert!(matches!(ev, Event::NeedMore));
    assert_eq!(p.position(), 19);
    p.finish().unwrap();
}

#[test]
fn invalid_boundary_rejected_by_parser() {
    for b in [&b""[..], b"a b ", b"a\r", &[b'a'; 71]] {
        assert_eq!(Parser::new(b, Limits::default()).unwrap_err().kind(), ErrorKind::InvalidBoundary);
    }
    assert!(Parser::new(&[b'a'; 70], Limits::default()).is_ok());
}

#[test]
fn boundary_with_spaces_and_punctuation() {
    let b = b"'()+_,-./:=? x";
    let mut body = b"--".to_vec();
    body.extend_from_slice(b);
    body.extend_from_slice(b"\r\n\r\nv\r\n--");
    body.extend_from_slice(b);
    body.extend_from_slice(b"--");
    let v = run_all_splits(b, Limits::default(), &body).unwrap();
    assert_eq!(v, vec![start(&[]), data(b"v"), Ev::PartEnd, Ev::End]);
}

/// `End` is reported once, right after the close delimiter, whatever the
/// split; the epilogue after it is consumed and still bounded.
#[test]
fn end_comes_once_before_the_epilogue_and_the_epilogue_stays_bounded() {
    use springbok_multipart::{Event, Limits, Parser};
    let mut body = b"--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nx\r\n--b--".to_vec();
    body.extend_from_slice(&[b'e'; 100]);
    let mut limits = Limits::default();
    limits.max_epilogue_bytes = 50;
    for chunk in [1, 7, body.len()] {
        let mut parser = Parser::new(b"b", limits).unwrap();
        let (mut ends, mut error) = (0, None);
        'feed: for piece in body.chunks(chunk) {
            let mut rest = piece;
            loop {
                match parser.feed(rest) {
                    Err(e) => {
                        error = Some(e.kind());
                        break 'feed;
                    }
                    Ok((n, event)) => {
                        if matches!(event, Event::End) {
                            ends += 1;
                        }
                        if matches!(event, Event::NeedMore) {
                            break;
                        }
                        rest = &rest[n..];
                    }
                }
            }
        }
        assert_eq!(ends, 1, "chunk size {chunk}");
        assert_eq!(error, Some(springbok_multipart::ErrorKind::EpilogueTooLarge), "chunk size {chunk}");
    }
}
