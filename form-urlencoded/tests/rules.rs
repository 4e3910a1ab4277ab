//! One test per parsing rule, in both modes.

use springbok_form_urlencoded::{parse, Mode, Options};
use std::borrow::Cow;

type Pair = (Vec<u8>, Vec<u8>);

fn parse_mode(input: &[u8], mode: Mode) -> Vec<Pair> {
    parse(input, &Options::unlimited().mode(mode)).unwrap().map(|(k, v)| (k.into_owned(), v.into_owned())).collect()
}

fn whatwg(input: &str) -> Vec<Pair> {
    parse_mode(input.as_bytes(), Mode::Whatwg)
}

fn perl(input: &str) -> Vec<Pair> {
    parse_mode(input.as_bytes(), Mode::Perl)
}

/// `p(&[("a", "b")])` → owned pairs, for comparisons.
fn p(pairs: &[(&str, &str)]) -> Vec<Pair> {
    pairs.iter().map(|(k, v)| (k.as_bytes().to_vec(), v.as_bytes().to_vec())).collect()
}

#[test]
fn percent_at_end_is_kept() {
    for mode in [Mode::Whatwg, Mode::Perl] {
        assert_eq!(parse_mode(b"a=%", mode), p(&[("a", "%")]));
        assert_eq!(parse_mode(b"a%=b", mode), p(&[("a%", "b")]));
    }
}

#[test]
fn non_hex_escape_is_kept() {
    for mode in [Mode::Whatwg, Mode::Perl] {
        assert_eq!(parse_mode(b"a=%G0", mode), p(&[("a", "%G0")]));
        assert_eq!(parse_mode(b"a=%0G%41", mode), p(&[("a", "%0GA")]));
    }
}

#[test]
fn truncated_escape_is_kept() {
    for mode in [Mode::Whatwg, Mode::Perl] {
        assert_eq!(parse_mode(b"a=%2", mode), p(&[("a", "%2")]));
        assert_eq!(parse_mode(b"a=%2&b=1", mode), p(&[("a", "%2"), ("b", "1")]));
    }
}

#[test]
fn plus_is_space_in_keys_and_values_and_escaped_plus_is_plus() {
    for mode in [Mode::Whatwg, Mode::Perl] {
        assert_eq!(parse_mode(b"a+b=c+d", mode), p(&[("a b", "c d")]));
        assert_eq!(parse_mode(b"a%2Bb=%2b", mode), p(&[("a+b", "+")]));
        assert_eq!(parse_mode(b"+=+", mode), p(&[(" ", " ")]));
    }
}

#[test]
fn escapes_decode_in_either_case() {
    assert_eq!(whatwg("q=HTTP%3A%3aRequest%3A%3ACommon"), p(&[("q", "HTTP::Request::Common")]));
    assert_eq!(whatwg("%61=%62"), p(&[("a", "b")]));
}

#[test]
fn only_the_first_equals_splits() {
    for mode in [Mode::Whatwg, Mode::Perl] {
        assert_eq!(parse_mode(b"a=b=c", mode), p(&[("a", "b=c")]));
        assert_eq!(parse_mode(b"a==b", mode), p(&[("a", "=b")]));
        assert_eq!(parse_mode(b"a%3D=1", mode), p(&[("a=", "1")]));
    }
}

#[test]
fn double_ampersand() {
    assert_eq!(whatwg("a=1&&b=2"), p(&[("a", "1"), ("b", "2")]));
    assert_eq!(whatwg("&&"), p(&[]));
    assert_eq!(perl("a=1&&b=2"), p(&[("a", "1"), ("", ""), ("b", "2")]));
    assert_eq!(perl("&&"), p(&[("", ""), ("", ""), ("", "")]));
}

#[test]
fn semicolon_is_data_in_whatwg_and_a_separator_in_perl() {
    assert_eq!(whatwg("a=1;b=2"), p(&[("a", "1;b=2")]));
    assert_eq!(perl("a=1;b=2"), p(&[("a", "1"), ("b", "2")]));
    assert_eq!(whatwg(";"), p(&[(";", "")]));
    assert_eq!(perl(";"), p(&[("", ""), ("", "")]));
}

#[test]
fn trailing_separator() {
    assert_eq!(whatwg("a=b&"), p(&[("a", "b")]));
    assert_eq!(perl("a=b&"), p(&[("a", "b"), ("", "")]));
    assert_eq!(perl("a=b;"), p(&[("a", "b"), ("", "")]));
}

#[test]
fn lone_ampersand() {
    assert_eq!(whatwg("&"), p(&[]));
    assert_eq!(perl("&"), p(&[("", ""), ("", "")]));
}

#[test]
fn space_after_separator() {
    assert_eq!(whatwg("a=1; b=2"), p(&[("a", "1; b=2")]));
    assert_eq!(whatwg("a=1& b=2"), p(&[("a", "1"), (" b", "2")]));
    assert_eq!(perl("a=1; b=2"), p(&[("a", "1"), ("b", "2")]));
    assert_eq!(perl("a=1& b=2"), p(&[("a", "1"), ("b", "2")]));
    // Only one space is dropped.
    assert_eq!(perl("a=1;  b=2"), p(&[("a", "1"), (" b", "2")]));
    // An escaped or `+` space is data, not the dropped space.
    assert_eq!(perl("a=1;+b=2"), p(&[("a", "1"), (" b", "2")]));
    assert_eq!(perl("a=1;%20b=2"), p(&[("a", "1"), (" b", "2")]));
}

#[test]
fn perl_drops_a_leading_space_of_the_input_too() {
    // As WWW::Form::UrlEncoded::XS 0.28 and its documented rule 3.1 do.
    assert_eq!(perl(" a=b"), p(&[("a", "b")]));
    assert_eq!(perl(" "), p(&[("", "")]));
    assert_eq!(whatwg(" a=b"), p(&[(" a", "b")]));
}

#[test]
fn missing_equals_gives_an_empty_value() {
    for mode in [Mode::Whatwg, Mode::Perl] {
        assert_eq!(parse_mode(b"a&b=1", mode), p(&[("a", ""), ("b", "1")]));
        assert_eq!(parse_mode(b"=", mode), p(&[("", "")]));
        assert_eq!(parse_mode(b"=x", mode), p(&[("", "x")]));
    }
}

#[test]
fn empty_input_has_no_pairs() {
    assert_eq!(whatwg(""), p(&[]));
    assert_eq!(perl(""), p(&[]));
}

#[test]
fn nul_and_non_utf8_bytes_are_preserved() {
    for mode in [Mode::Whatwg, Mode::Perl] {
        let got = parse_mode(b"a\0=\xff%00\xc3&%FF=%C3%28", mode);
        assert_eq!(got, vec![(b"a\0".to_vec(), b"\xff\0\xc3".to_vec()), (b"\xff".to_vec(), b"\xc3(".to_vec())]);
    }
}

#[test]
fn borrowed_unless_something_decodes() {
    let input = b"plain=value&k=a+b&%41=x";
    let pairs: Vec<_> = parse(input, &Options::new()).unwrap().collect();
    assert!(matches!(pairs[0], (Cow::Borrowed(b"plain"), Cow::Borrowed(b"value"))));
    assert!(matches!(pairs[1], (Cow::Borrowed(b"k"), Cow::Owned(_))));
    assert!(matches!(pairs[2], (Cow::Owned(_), Cow::Borrowed(b"x"))));
    // Borrowed slices point into the input.
    let Cow::Borrowed(v) = &pairs[0].1 else { unreachable!() };
    assert_eq!(v.as_ptr(), input[6..].as_ptr());
}

/// The test data table of WWW::Form::UrlEncoded's documentation, checked in Perl mode.
#[test]
fn perl_documented_test_data() {
    let table: &[(&str, &[&str])] = &[
        ("a=b&c=d", &["a", "b", "c", "d"]),
        ("a=b;c=d", &["a", "b", "c", "d"]),
        ("a=1&b=2;c=3", &["a", "1", "b", "2", "c", "3"]),
        ("a==b&c==d", &["a", "=b", "c", "=d"]),
        ("a=b& c=d", &["a", "b", "c", "d"]),
        ("a=b; c=d", &["a", "b", "c", "d"]),
        ("a=b; c =d", &["a", "b", "c ", "d"]),
        ("a=b;c= d ", &["a", "b", "c", " d "]),
        ("a=b&+c=d", &["a", "b", " c", "d"]),
        ("a=b&+c+=d", &["a", "b", " c ", "d"]),
        ("a=b&c=+d+", &["a", "b", "c", " d "]),
        ("a=b&%20c=d", &["a", "b", " c", "d"]),
        ("a=b&%20c%20=d", &["a", "b", " c ", "d"]),
        ("a=b&c=%20d%20", &["a", "b", "c", " d "]),
        ("a&c=d", &["a", "", "c", "d"]),
        ("a=b&=d", &["a", "b", "", "d"]),
        ("a=b&=", &["a", "b", "", ""]),
        ("&", &["", "", "", ""]),
        ("=", &["", ""]),
        ("", &[]),
    ];
    for (input, flat) in table {
        let expected: Vec<Pair> =
            flat.chunks(2).map(|kv| (kv[0].as_bytes().to_vec(), kv[1].as_bytes().to_vec())).collect();
        assert_eq!(perl(input), expected, "input {input:?}");
    }
}
