//! The urlencoded inputs of `benches/suite` and the Rust adapters that parse
//! them: Springbok's `springbok_form_urlencoded::parse` against the
//! `form_urlencoded` crate.
//!
//! `form_urlencoded` yields `Cow<str>` (lossy UTF-8), so Springbok's adapter
//! turns its byte pairs into the same type: both do the same work.

use std::borrow::Cow;
use std::hint::black_box;

use springbok_form_urlencoded::Options;

/// The 72-byte query of `form-urlencoded/benches/parse.rs` (and of the Perl
/// and Python benchmarks before the suite).
pub const QUERY_72: &str = "foo=bar&bar=baz&q=HTTP%3A%3ARequest%3A%3ACommon&ie=UTF-8&sourceid=chrome";

/// Number of pairs of the large form.
pub const MANY_PAIRS: usize = 20_000;

/// Deterministic filler text made of `[a-z0-9]` (as in
/// `form-urlencoded/benches/parse.rs`).
fn filler(len: usize, seed: usize) -> String {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    (0..len).map(|i| ALPHABET[(i * 7 + seed * 13 + i / 5) % ALPHABET.len()] as char).collect()
}

/// `n` pairs shaped like form-urlencoded's 1,000-pair bench: keys `k00000`…,
/// values of words joined by `+`, an escaped comma and slash in every fourth
/// pair. No `;`, no empty pair and no bad `%`, so the Perl-mode, WHATWG and
/// Rack parsers all read it the same way.
pub fn pairs(n: usize) -> String {
    let pairs: Vec<String> = (0..n)
        .map(|i| {
            let value = match i % 4 {
                0 => format!("{}+{}+{}", filler(16, i), filler(20, i + 1), filler(12, i + 2)),
                1 => format!("{}%2C{}%2F{}", filler(18, i), filler(17, i + 1), filler(10, i + 2)),
                _ => filler(50, i),
            };
            format!("k{i:05}={value}")
        })
        .collect();
    pairs.join("&")
}

/// Options that admit the large form (the default pair limit is 4,096).
pub fn options() -> Options {
    Options::new().max_pairs(1 << 20).max_input_bytes(64 << 20)
}

/// Springbok: every pair decoded and turned into lossy UTF-8, as
/// `form_urlencoded` yields it. Returns the number of pairs.
#[inline]
pub fn springbok(input: &[u8], opts: &Options) -> usize {
    let mut n = 0;
    for (k, v) in springbok_form_urlencoded::parse(input, opts).expect("within the limits") {
        black_box(lossy(k));
        black_box(lossy(v));
        n += 1;
    }
    n
}

/// The `form_urlencoded` crate: every pair decoded. Returns the number of
/// pairs.
#[inline]
pub fn form_urlencoded(input: &[u8]) -> usize {
    let mut n = 0;
    for (k, v) in form_urlencoded::parse(input) {
        black_box(k);
        black_box(v);
        n += 1;
    }
    n
}

/// Springbok's pairs, owned, for the agreement check.
pub fn springbok_pairs(input: &[u8], opts: &Options) -> Vec<(String, String)> {
    springbok_form_urlencoded::parse(input, opts)
        .expect("within the limits")
        .map(|(k, v)| (lossy(k).into_owned(), lossy(v).into_owned()))
        .collect()
}

/// `form_urlencoded`'s pairs, owned, for the agreement check.
pub fn form_urlencoded_pairs(input: &[u8]) -> Vec<(String, String)> {
    form_urlencoded::parse(input).map(|(k, v)| (k.into_owned(), v.into_owned())).collect()
}

/// `String::from_utf8_lossy` for a `Cow<[u8]>`, reusing an owned buffer
/// when it is valid UTF-8 (what `form_urlencoded` does with its decoded
/// bytes).
fn lossy(bytes: Cow<'_, [u8]>) -> Cow<'_, str> {
    match bytes {
        Cow::Borrowed(b) => String::from_utf8_lossy(b),
        Cow::Owned(v) => match String::from_utf8(v) {
            Ok(s) => Cow::Owned(s),
            Err(e) => Cow::Owned(String::from_utf8_lossy(e.as_bytes()).into_owned()),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_inputs_are_what_they_say() {
        assert_eq!(QUERY_72.len(), 72);
        let big = pairs(MANY_PAIRS);
        assert_eq!(springbok(big.as_bytes(), &options()), MANY_PAIRS);
        assert!(!big.contains(';') && !big.contains("&&"));
    }

    #[test]
    fn both_parsers_agree() {
        for input in [QUERY_72.to_string(), pairs(MANY_PAIRS)] {
            let ours = springbok_pairs(input.as_bytes(), &options());
            assert_eq!(ours, form_urlencoded_pairs(input.as_bytes()));
            assert_eq!(springbok(input.as_bytes(), &options()), form_urlencoded(input.as_bytes()));
        }
    }
}
