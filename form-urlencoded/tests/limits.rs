//! Limits: accepted exactly at the limit, an error one past it, never a truncation.

use springbok_form_urlencoded::{parse, parse_raw, Error, Mode, Options};

fn count(input: &[u8], opts: &Options) -> Result<usize, Error> {
    parse(input, opts).map(|pairs| pairs.count())
}

#[test]
fn max_pairs_whatwg_at_and_past_the_limit() {
    let opts = Options::new().max_pairs(3);
    assert_eq!(count(b"a=1&b=2&c=3", &opts), Ok(3));
    assert_eq!(count(b"a=1&b=2&c=3&d=4", &opts), Err(Error::TooManyPairs { limit: 3, offset: 12 }));
}

#[test]
fn max_pairs_whatwg_ignores_empty_pieces() {
    // Seven `&` but two pairs: the exact count is used, not the separator count.
    let opts = Options::new().max_pairs(2);
    assert_eq!(count(b"a&&&&&&&b", &opts), Ok(2));
    assert_eq!(count(b"a&&&&&&&b&&c", &opts), Err(Error::TooManyPairs { limit: 2, offset: 11 }));
    assert_eq!(count(b"&&&&&&&&", &Options::new().max_pairs(0)), Ok(0));
}

#[test]
fn max_pairs_perl_counts_empty_pairs() {
    let opts = Options::perl().max_pairs(2);
    assert_eq!(count(b"&", &opts), Ok(2));
    assert_eq!(count(b"&&", &opts), Err(Error::TooManyPairs { limit: 2, offset: 2 }));
    assert_eq!(count(b"a=1;b=2; c=3", &opts), Err(Error::TooManyPairs { limit: 2, offset: 8 }));
    assert_eq!(count(b"", &Options::perl().max_pairs(0)), Ok(0));
    assert_eq!(count(b" ", &Options::perl().max_pairs(0)), Err(Error::TooManyPairs { limit: 0, offset: 0 }));
}

#[test]
fn max_pairs_zero_whatwg() {
    let opts = Options::new().max_pairs(0);
    assert_eq!(count(b"", &opts), Ok(0));
    assert_eq!(count(b"&a", &opts), Err(Error::TooManyPairs { limit: 0, offset: 1 }));
}

#[test]
fn max_input_bytes_at_and_past_the_limit() {
    for mode in [Mode::Whatwg, Mode::Perl] {
        let opts = Options::new().mode(mode).max_input_bytes(7);
        assert_eq!(count(b"a=1&b=2", &opts), Ok(2));
        assert_eq!(count(b"a=1&b=22", &opts), Err(Error::InputTooLong { len: 8, limit: 7 }));
        assert!(parse_raw(b"a=1&b=22", &opts).is_err());
    }
}

#[test]
fn default_limits_are_documented_values() {
    let opts = Options::default();
    assert_eq!(opts.get_max_pairs(), 4096);
    assert_eq!(opts.get_max_input_bytes(), 4 << 20);
    assert_eq!(opts.get_mode(), Mode::Whatwg);
    let many = "a&".repeat(4097);
    assert_eq!(count(many.as_bytes(), &opts), Err(Error::TooManyPairs { limit: 4096, offset: 8192 }));
    assert_eq!(count(&many.as_bytes()[..8192], &opts), Ok(4096));
}

#[test]
fn errors_display() {
    assert_eq!(
        Error::TooManyPairs { limit: 2, offset: 8 }.to_string(),
        "form input has more than 2 pairs (pair 3 starts at byte 8)"
    );
    assert_eq!(
        Error::InputTooLong { len: 8, limit: 7 }.to_string(),
        "form input of 8 bytes exceeds the limit of 7 bytes"
    );
}
