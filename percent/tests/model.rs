//! Property tests: the decoders agree with a byte-by-byte reference model, every entry point
//! agrees with the others, and encoding round-trips through decoding for every set.

use proptest::prelude::*;
use springbok_percent::{
    decode, decode_in_place, decode_into, decode_into_uninit, decode_strict, decode_strict_in_place,
    decode_strict_into, encode, encode_into, encode_into_uninit, encoded_len, needs_decoding, validate_strict,
    EncodeSet, ErrorKind, Plus,
};
use std::borrow::Cow;

/// The rules, written as plainly as possible.
fn model(input: &[u8], plus: Plus, strict: bool) -> Result<Vec<u8>, (ErrorKind, usize)> {
    let hex = |b: Option<&u8>| b.and_then(|&c| (c as char).to_digit(16));
    let mut out = Vec::new();
    let mut i = 0;
    while i < input.len() {
        match input[i] {
            b'%' => match (hex(input.get(i + 1)), hex(input.get(i + 2))) {
                (Some(h), Some(l)) => {
                    out.push((h * 16 + l) as u8);
                    i += 3;
                }
                _ if strict => {
                    let follow = &input[i + 1..input.len().min(i + 3)];
                    let kind = if follow.iter().all(u8::is_ascii_hexdigit) {
                        ErrorKind::Truncated
                    } else {
                        ErrorKind::InvalidHex
                    };
                    return Err((kind, i));
                }
                _ => {
                    out.push(b'%');
                    i += 1;
                }
            },
            b'+' if plus == Plus::Space => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    Ok(out)
}

/// Bytes that make escapes likely: `%`, `+`, hex digits, near-misses, anything.
fn interesting_bytes() -> impl Strategy<Value = Vec<u8>> {
    let byte = prop_oneof![
        3 => Just(b'%'),
        1 => Just(b'+'),
        4 => prop::sample::select(b"0123456789abcdefABCDEFgG".to_vec()),
        2 => any::<u8>(),
    ];
    prop::collection::vec(byte, 0..48)
}

fn plus() -> impl Strategy<Value = Plus> {
    prop_oneof![Just(Plus::Literal), Just(Plus::Space)]
}

fn sets() -> [EncodeSet; 4] {
    [
        EncodeSet::WHATWG_FORM,
        EncodeSet::WWW_FORM_URLENCODED,
        EncodeSet::WWW_FORM_URLENCODED_XS,
        EncodeSet::RFC3986_UNRESERVED,
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2048))]

    #[test]
    fn lenient_matches_model(input in interesting_bytes(), plus in plus()) {
        let expected = model(&input, plus, false).unwrap();
        let mut out = vec![0u8; input.len()];
        let n = decode_into(&input, &mut out, plus).unwrap();
        prop_assert_eq!(&out[..n], &expected[..]);

        let mut buf = input.clone();
        let n = decode_in_place(&mut buf, plus);
        prop_assert_eq!(&buf[..n], &expected[..]);

        let cow = decode(&input, plus);
        prop_assert_eq!(matches!(cow, Cow::Borrowed(_)), !needs_decoding(&input, plus));
        prop_assert_eq!(&cow[..], &expected[..]);
    }

    #[test]
    fn strict_matches_model(input in interesting_bytes(), plus in plus()) {
        let expected = model(&input, plus, true);
        let mut out = vec![0u8; input.len()];
        let got = decode_strict_into(&input, &mut out, plus)
            .map(|n| out[..n].to_vec())
            .map_err(|e| (e.kind(), e.offset()));
        prop_assert_eq!(&got, &expected);

        let mut buf = input.clone();
        let got = decode_strict_in_place(&mut buf, plus)
            .map(|n| buf[..n].to_vec())
            .map_err(|e| (e.kind(), e.offset()));
        prop_assert_eq!(&got, &expected);

        let got = decode_strict(&input, plus)
            .map(|c| c.into_owned())
            .map_err(|e| (e.kind(), e.offset()));
        prop_assert_eq!(&got, &expected);

        let valid = validate_strict(&input).map_err(|e| (e.kind(), e.offset()));
        prop_assert_eq!(valid, model(&input, Plus::Literal, true).map(|_| ()));
    }

    /// `decode_into_uninit` is `decode_into`'s word loop on uninitialised memory: it takes any
    /// room of at least the input's length and gives the model's length; less is refused. (Its
    /// bytes are `decode_into`'s, checked above; reading them back would need `unsafe`.)
    #[test]
    fn decode_into_uninit_needs_the_input_length(input in interesting_bytes(), plus in plus(), room in 0usize..48) {
        let expected = model(&input, plus, false).unwrap();
        let mut out = vec![core::mem::MaybeUninit::<u8>::uninit(); room];
        let want = (room >= input.len()).then_some(expected.len());
        prop_assert_eq!(decode_into_uninit(&input, &mut out, plus), want);
    }

    #[test]
    fn short_output_fails_exactly_when_the_result_does_not_fit(
        input in interesting_bytes(), plus in plus(), room in 0usize..48,
    ) {
        let expected = model(&input, plus, false).unwrap();
        let mut out = vec![0u8; room];
        match decode_into(&input, &mut out, plus) {
            Ok(n) => prop_assert_eq!(&out[..n], &expected[..]),
            Err(e) => {
                prop_assert!(expected.len() > room);
                prop_assert_eq!(e.kind(), ErrorKind::OutputTooSmall);
                // Decoding the input before the reported offset fits in the buffer.
                prop_assert!(model(&input[..e.offset()], plus, false).unwrap().len() <= room);
            }
        }
    }

    #[test]
    fn encode_round_trips_for_every_set(input in prop::collection::vec(any::<u8>(), 0..48)) {
        for set in sets() {
            let plus = if set.space_as_plus() { Plus::Space } else { Plus::Literal };
            let encoded = encode(&input, &set);
            prop_assert_eq!(encoded.len(), encoded_len(&input, &set));
            prop_assert_eq!(matches!(encoded, Cow::Borrowed(_)), input.iter().all(|&b| set.keeps(b)));
            for (i, &b) in encoded.as_bytes().iter().enumerate() {
                let is_hex_of_escape = i >= 1 && (encoded.as_bytes()[i - 1] == b'%'
                    || (i >= 2 && encoded.as_bytes()[i - 2] == b'%'));
                prop_assert!(set.keeps(b) || b == b'%' || (b == b'+' && set.space_as_plus())
                    || (is_hex_of_escape && (b.is_ascii_digit() || (b'A'..=b'F').contains(&b))),
                    "unexpected byte {:?} in {:?}", b as char, encoded);
            }
            prop_assert_eq!(model(encoded.as_bytes(), plus, true), Ok(input.clone()));

            let mut out = vec![0u8; input.len() * 3];
            let n = encode_into(&input, &mut out, &set).unwrap();
            prop_assert_eq!(&out[..n], encoded.as_bytes());
        }
    }

    /// The single pass (room for the worst case) and the checked loop (any smaller room) write
    /// the same bytes, and a room below the encoded length is an error naming that length.
    #[test]
    fn encode_into_agrees_at_every_room(input in prop::collection::vec(any::<u8>(), 0..40), slack in 0usize..4) {
        for set in sets() {
            let expected = encode(&input, &set).into_owned();
            for room in 0..=input.len() * 3 + slack {
                let mut out = vec![0xA5u8; room];
                match encode_into(&input, &mut out, &set) {
                    Ok(n) => {
                        prop_assert!(room >= expected.len());
                        prop_assert_eq!(&out[..n], expected.as_bytes());
                        prop_assert!(out[n..].iter().all(|&b| b == 0xA5), "written past the encoding");
                    }
                    Err(e) => {
                        prop_assert!(room < expected.len());
                        prop_assert_eq!(e.needed, expected.len());
                    }
                }
                // The same generic code as `encode_into` (whose bytes are checked above); the
                // slots cannot be read without `unsafe`, so only the outcome is compared.
                let mut slots = vec![core::mem::MaybeUninit::<u8>::uninit(); room];
                let want = if room >= expected.len() { Ok(expected.len()) } else { Err(expected.len()) };
                prop_assert_eq!(encode_into_uninit(&input, &mut slots, &set).map_err(|e| e.needed), want);
            }
        }
    }
}

#[test]
fn sets_keep_exactly_what_they_document() {
    let kept = |set: &EncodeSet| -> Vec<u8> { (0..=255u8).filter(|&b| set.keeps(b)).collect() };
    let alnum: Vec<u8> = (0..=255u8).filter(u8::is_ascii_alphanumeric).collect();
    let with = |extra: &[u8]| {
        let mut v = alnum.clone();
        v.extend_from_slice(extra);
        v.sort_unstable();
        v
    };
    assert_eq!(kept(&EncodeSet::WHATWG_FORM), with(b"*-._"));
    assert_eq!(kept(&EncodeSet::WWW_FORM_URLENCODED), with(b"-._~"));
    assert_eq!(kept(&EncodeSet::WWW_FORM_URLENCODED_XS), with(b"-._~!'()*"));
    assert_eq!(kept(&EncodeSet::RFC3986_UNRESERVED), with(b"-._~"));
    assert_eq!(encode(b" ", &EncodeSet::WHATWG_FORM), "+");
    assert_eq!(encode(b" ", &EncodeSet::WWW_FORM_URLENCODED), "+");
    assert_eq!(encode(b" ", &EncodeSet::RFC3986_UNRESERVED), "%20");
    assert_eq!(encode(b"+", &EncodeSet::RFC3986_UNRESERVED), "%2B");
    // A custom set can never keep `%`, nor `+`/space when spaces are pluses.
    let set = EncodeSet::new(b"%+ a\xff", b"", true);
    assert_eq!(kept(&set), b"a".to_vec());
}
