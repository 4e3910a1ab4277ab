//! One test per decoding rule, on both strictnesses.

use springbok_percent::{
    decode, decode_append, decode_in_place, decode_into, decode_strict, decode_strict_in_place, decode_strict_into,
    needs_decoding, validate_strict, DecodeError, ErrorKind, Plus,
};
use std::borrow::Cow;

fn lenient(input: &[u8], plus: Plus) -> Vec<u8> {
    let mut out = vec![0u8; input.len()];
    let n = decode_into(input, &mut out, plus).unwrap();
    out.truncate(n);
    out
}

fn strict(input: &[u8]) -> Result<Vec<u8>, (ErrorKind, usize)> {
    let mut out = vec![0u8; input.len()];
    decode_strict_into(input, &mut out, Plus::Literal).map(|n| out[..n].to_vec()).map_err(|e| (e.kind(), e.offset()))
}

#[test]
fn escapes_decode_in_both_cases() {
    assert_eq!(lenient(b"%41%4a%4A%7e", Plus::Literal), b"AJJ~");
    assert_eq!(strict(b"%41%4a%4A%7e"), Ok(b"AJJ~".to_vec()));
}

#[test]
fn percent_at_end() {
    assert_eq!(lenient(b"ab%", Plus::Literal), b"ab%");
    assert_eq!(strict(b"ab%"), Err((ErrorKind::Truncated, 2)));
}

#[test]
fn one_hex_digit_at_end_is_truncated() {
    assert_eq!(lenient(b"a%2", Plus::Literal), b"a%2");
    assert_eq!(strict(b"a%2"), Err((ErrorKind::Truncated, 1)));
}

#[test]
fn non_hex_after_percent() {
    assert_eq!(lenient(b"%G0", Plus::Literal), b"%G0");
    assert_eq!(strict(b"%G0"), Err((ErrorKind::InvalidHex, 0)));
    assert_eq!(lenient(b"%0G", Plus::Literal), b"%0G");
    assert_eq!(strict(b"x%0G"), Err((ErrorKind::InvalidHex, 1)));
    // One byte left and it is not a hex digit: invalid, not merely truncated.
    assert_eq!(strict(b"%G"), Err((ErrorKind::InvalidHex, 0)));
}

#[test]
fn invalid_percent_does_not_swallow_a_following_escape() {
    assert_eq!(lenient(b"%%41", Plus::Literal), b"%A");
    assert_eq!(lenient(b"%4%41", Plus::Literal), b"%4A");
    assert_eq!(strict(b"%%41"), Err((ErrorKind::InvalidHex, 0)));
}

#[test]
fn decoded_percent_is_not_decoded_again() {
    assert_eq!(lenient(b"%2541", Plus::Literal), b"%41");
}

#[test]
fn plus_is_literal_or_space_and_escaped_plus_stays_plus() {
    assert_eq!(lenient(b"a+b%2B", Plus::Literal), b"a+b+");
    assert_eq!(lenient(b"a+b%2B", Plus::Space), b"a b+");
    assert_eq!(lenient(b"++", Plus::Space), b"  ");
}

#[test]
fn nul_and_non_utf8_bytes_are_preserved() {
    let input = b"\0a\xff%00%FF\xc3";
    assert_eq!(lenient(input, Plus::Space), b"\0a\xff\0\xff\xc3");
    assert_eq!(strict(input), Ok(b"\0a\xff\0\xff\xc3".to_vec()));
}

#[test]
fn first_error_is_reported() {
    assert_eq!(strict(b"/a%20/%zz/%"), Err((ErrorKind::InvalidHex, 6)));
    assert_eq!(validate_strict(b"/a%20/%zz/%").map_err(|e| e.offset()), Err(6));
    assert_eq!(validate_strict(b"/a%20/b"), Ok(()));
}

#[test]
fn in_place_matches_into() {
    let mut buf = *b"a%20b+%zz%41";
    let n = decode_in_place(&mut buf, Plus::Space);
    assert_eq!(&buf[..n], b"a b %zzA");
    let mut buf = *b"/x%2Fy";
    let n = decode_strict_in_place(&mut buf, Plus::Literal).unwrap();
    assert_eq!(&buf[..n], b"/x/y");
    let mut buf = *b"/x%2";
    let e = decode_strict_in_place(&mut buf, Plus::Literal).unwrap_err();
    assert_eq!((e.kind(), e.offset()), (ErrorKind::Truncated, 2));
}

#[test]
fn output_too_small_is_an_error_with_the_offset() {
    let mut out = [0u8; 4];
    // "abcdef" needs 6 bytes: bytes 0..4 fit, byte 4 does not.
    let e = decode_into(b"abcdef", &mut out, Plus::Literal).unwrap_err();
    assert_eq!((e.kind(), e.offset()), (ErrorKind::OutputTooSmall, 4));
    // "%41%42%43%44%45" decodes to 5 bytes: the 5th comes from offset 12.
    let e = decode_into(b"%41%42%43%44%45", &mut out, Plus::Literal).unwrap_err();
    assert_eq!((e.kind(), e.offset()), (ErrorKind::OutputTooSmall, 12));
    // Exactly enough room is fine.
    assert_eq!(decode_into(b"%41%42%43%44", &mut out, Plus::Literal), Ok(4));
    assert_eq!(out, *b"ABCD");
}

#[test]
fn cow_is_borrowed_only_when_nothing_to_decode() {
    assert!(matches!(decode(b"abc", Plus::Space), Cow::Borrowed(_)));
    assert!(matches!(decode(b"a+c", Plus::Literal), Cow::Borrowed(_)));
    assert!(matches!(decode(b"a+c", Plus::Space), Cow::Owned(_)));
    assert!(matches!(decode_strict(b"abc", Plus::Literal), Ok(Cow::Borrowed(_))));
    assert_eq!(decode_strict(b"a%zz", Plus::Literal).map_err(|e: DecodeError| e.offset()), Err(1));
    assert!(needs_decoding(b"%", Plus::Literal));
    assert!(!needs_decoding(b"+", Plus::Literal));
}

#[test]
fn append_keeps_existing_content() {
    let mut v = b"x".to_vec();
    decode_append(b"%79+", Plus::Space, &mut v);
    assert_eq!(v, b"xy ");
}

#[test]
fn error_display_names_the_offset() {
    let e = decode_strict(b"ab%", Plus::Literal).unwrap_err();
    assert_eq!(e.to_string(), "truncated percent-escape at byte 2");
}
