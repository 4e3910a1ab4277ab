//! Folded part headers: an error by default, unfolded with
//! `Options::unfold_headers`; every body at every split.

mod common;

use common::{data, run_all_splits, run_all_splits_with, start, Ev};
use springbok_multipart::{ErrorKind, Event, Limits, Options, Parser};

fn unfolding() -> Options {
    let mut o = Options::default();
    o.unfold_headers = true;
    o
}

const FOLDED: &[u8] = b"--b\r\nContent-Disposition: form-data;\r\n name=\"a\";\r\n\t  filename=\"x y.txt\"\r\n\
    X-Other: one\r\n  two \t\r\n\tthree\r\nContent-Type: text/plain\r\n\r\nbody\r\n--b--";

#[test]
fn off_by_default_a_fold_is_an_error_at_the_fold() {
    assert!(!Options::default().unfold_headers);
    let e = run_all_splits(b"b", Limits::default(), FOLDED).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::PartHeaders);
    assert_eq!(e.header_error().unwrap().kind(), springbok_parser::ErrorKind::ObsFold);
    // The continuation line starts after "--b\r\n" and the first line.
    assert_eq!(e.offset(), 5 + "Content-Disposition: form-data;\r\n".len() as u64);
}

#[test]
fn each_fold_becomes_one_space() {
    let v = run_all_splits_with(b"b", Limits::default(), unfolding(), FOLDED).unwrap();
    assert_eq!(
        v,
        vec![
            start(&[
                ("Content-Disposition", "form-data; name=\"a\"; filename=\"x y.txt\""),
                ("X-Other", "one two three"),
                ("Content-Type", "text/plain"),
            ]),
            data(b"body"),
            Ev::PartEnd,
            Ev::End,
        ]
    );
    // Unfolded bodies without folds are unchanged.
    let plain = b"--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nv\r\n--b--";
    assert_eq!(
        run_all_splits_with(b"b", Limits::default(), unfolding(), plain).unwrap(),
        run_all_splits(b"b", Limits::default(), plain).unwrap()
    );
}

#[test]
fn part_accessors_see_unfolded_values_raw_headers_keep_the_folds() {
    let mut p = Parser::with_options(b"b", Limits::default(), unfolding()).unwrap();
    let (n, ev) = p.feed(FOLDED).unwrap();
    let Event::PartStart(part) = ev else { panic!("{ev:?}") };
    assert_eq!(part.name().as_deref(), Some(&b"a"[..]));
    assert_eq!(part.filename().as_deref(), Some(&b"x y.txt"[..]));
    assert!(part.is_file());
    assert_eq!(part.content_type(), Some(&b"text/plain"[..]));
    assert_eq!(part.header(b"x-other"), Some(&b"one two three"[..]));
    let cd = part.content_disposition().unwrap();
    assert_eq!(cd.filename().as_deref(), Some(&b"x y.txt"[..]));
    assert_eq!(part.raw_headers(), &FOLDED[5..n]);
    // The header buffer holds the raw block and the unfolded copies.
    assert!(p.buffered_bytes() <= 2 + 2 * (n - 5));
}

#[test]
fn a_fold_inside_a_quoted_value_and_filename_star() {
    let body =
        b"--b\r\nContent-Disposition: form-data; name=\"long\r\n name\";\r\n filename*=UTF-8''%C3%A9\r\n\r\n\r\n--b--";
    let mut p = Parser::with_options(b"b", Limits::default(), unfolding()).unwrap();
    let (_, ev) = p.feed(body).unwrap();
    let Event::PartStart(part) = ev else { panic!("{ev:?}") };
    assert_eq!(part.name().as_deref(), Some(&b"long name"[..]));
    assert_eq!(part.filename_star().unwrap().value, "é");
    run_all_splits_with(b"b", Limits::default(), unfolding(), body).unwrap();
}

/// An error in an unfolded `Content-Disposition` is reported at its byte in
/// the body, not in the unfolded copy.
#[test]
fn errors_in_unfolded_values_point_into_the_body() {
    // The stray byte `x` after the quoted name, on the continuation line.
    let body = b"--b\r\nContent-Disposition: form-data;\r\n  name=\"a\"x\r\n\r\n\r\n--b--";
    let e = run_all_splits_with(b"b", Limits::default(), unfolding(), body).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::MalformedContentDisposition);
    assert_eq!(body[e.offset() as usize], b'x');
    // A `;` missing before the fold: the error is at the next parameter.
    let body = b"--b\r\nContent-Disposition: form-data\r\n name=a\r\n\r\n\r\n--b--";
    let e = run_all_splits_with(b"b", Limits::default(), unfolding(), body).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::MalformedContentDisposition);
    assert_eq!(&body[e.offset() as usize..e.offset() as usize + 6], b"name=a");
}

#[test]
fn limits_apply_to_the_raw_block() {
    let mut l = Limits::default();
    // FOLDED's block runs from 5 to the empty line.
    let end = FOLDED.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
    l.max_header_bytes = end - 5;
    run_all_splits_with(b"b", l, unfolding(), FOLDED).unwrap();
    l.max_header_bytes -= 1;
    let e = run_all_splits_with(b"b", l, unfolding(), FOLDED).unwrap_err();
    assert_eq!((e.kind(), e.offset()), (ErrorKind::HeaderTooLarge, end as u64 - 1));
    // Continuation lines are not headers of their own.
    let mut l = Limits::default();
    l.max_headers = 3;
    run_all_splits_with(b"b", l, unfolding(), FOLDED).unwrap();
    l.max_headers = 2;
    assert_eq!(run_all_splits_with(b"b", l, unfolding(), FOLDED).unwrap_err().kind(), ErrorKind::TooManyHeaders);
}

#[test]
fn a_fold_before_the_first_header_is_still_an_error() {
    let body = b"--b\r\n Content-Disposition: form-data; name=a\r\n\r\n\r\n--b--";
    let e = run_all_splits_with(b"b", Limits::default(), unfolding(), body).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::PartHeaders);
}
