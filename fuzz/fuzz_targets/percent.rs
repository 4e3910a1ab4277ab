//! springbok-percent, the workspace's one percent decoder and encoder:
//! * every lenient decoder (`decode`, `decode_into`, `decode_in_place`,
//!   `decode_append`) gives the same bytes, never longer than the input,
//!   borrowed exactly when `needs_decoding` says nothing changes, and
//!   `decode_into` reports a too-small buffer rather than truncating;
//! * every strict decoder and `validate_strict` agree on success (with the
//!   lenient result) and on the error (kind and offset of the first bad
//!   `%`);
//! * encoding with a set drawn from the input (or a named one) keeps
//!   exactly the set's bytes, `encoded_len` is exact, `encode_into` fails
//!   one byte short, `encode_append` appends the same, and decoding the
//!   output (with `+` as space when the set writes it) gives the input back.
#![no_main]

use std::borrow::Cow;

use libfuzzer_sys::fuzz_target;
use springbok_fuzz::take;
use springbok_percent::{
    decode, decode_append, decode_in_place, decode_into, decode_strict, decode_strict_in_place, decode_strict_into,
    encode, encode_append, encode_into, encoded_len, hex_value, needs_decoding, validate_strict, EncodeSet, Plus,
};

fn decoders(input: &[u8], plus: Plus) {
    let cow = decode(input, plus);
    assert_eq!(matches!(cow, Cow::Borrowed(_)), !needs_decoding(input, plus));
    let lenient = cow.into_owned();
    assert!(lenient.len() <= input.len());
    let mut out = vec![0u8; input.len()];
    let n = decode_into(input, &mut out, plus).expect("an output as long as the input suffices");
    assert_eq!(&out[..n], &lenient[..]);
    if n > 0 {
        assert!(decode_into(input, &mut out[..n - 1], plus).is_err(), "a short output must fail, not truncate");
    }
    let mut buf = input.to_vec();
    let n = decode_in_place(&mut buf, plus);
    assert_eq!(&buf[..n], &lenient[..]);
    let mut appended = b"prefix".to_vec();
    decode_append(input, plus, &mut appended);
    assert_eq!(&appended[6..], &lenient[..]);

    let strict = decode_strict(input, plus).map(Cow::into_owned);
    let mut out = vec![0u8; input.len()];
    let into = decode_strict_into(input, &mut out, plus).map(|n| out[..n].to_vec());
    let mut buf = input.to_vec();
    let in_place = decode_strict_in_place(&mut buf, plus).map(|n| buf[..n].to_vec());
    let valid = validate_strict(input);
    let key = |r: &Result<Vec<u8>, springbok_percent::DecodeError>| r.clone().map_err(|e| (e.kind(), e.offset()));
    assert_eq!(key(&strict), key(&into));
    assert_eq!(key(&strict), key(&in_place));
    assert_eq!(key(&strict).err(), valid.err().map(|e| (e.kind(), e.offset())));
    match &strict {
        // Where every escape is valid, strict and lenient decoding agree.
        Ok(s) => assert_eq!(s, &lenient),
        Err(e) => {
            let at = e.offset();
            assert_eq!(input.get(at), Some(&b'%'));
            // It is the first bad escape: the input before it is valid.
            assert!(validate_strict(&input[..at]).is_ok());
            let escape_ok =
                input.len() >= at + 3 && hex_value(input[at + 1]).is_some() && hex_value(input[at + 2]).is_some();
            assert!(!escape_ok);
        }
    }
}

fn encoders(input: &[u8], set: &EncodeSet) {
    let plus = set.space_as_plus();
    let encoded = encode(input, set);
    assert_eq!(encoded.len(), encoded_len(input, set));
    assert_eq!(matches!(encoded, Cow::Borrowed(_)), input.iter().all(|&b| set.keeps(b)));
    assert!(encoded.bytes().all(|b| b.is_ascii_graphic() || (b == b' ' && set.keeps(b' '))));
    // What is kept is exactly the set's bytes.
    let mut expected = String::new();
    for &b in input {
        if plus && b == b' ' {
            expected.push('+');
        } else if set.keeps(b) {
            expected.push(char::from(b));
        } else {
            expected.push_str(&format!("%{b:02X}"));
        }
    }
    assert_eq!(encoded, expected);
    let mut out = vec![0u8; encoded.len()];
    assert_eq!(encode_into(input, &mut out, set), Ok(encoded.len()));
    assert_eq!(out, encoded.as_bytes());
    if !encoded.is_empty() {
        assert!(encode_into(input, &mut out[..encoded.len() - 1], set).is_err());
    }
    let mut appended = String::from("x=");
    encode_append(input, set, &mut appended);
    assert_eq!(&appended[2..], encoded);
    let back = decode_strict(encoded.as_bytes(), if plus { Plus::Space } else { Plus::Literal })
        .expect("an encoder writes valid escapes");
    assert_eq!(back, input);
}

fuzz_target!(|data: &[u8]| {
    let ([mode, a, b], input) = take::<3>(data);
    decoders(input, Plus::Literal);
    decoders(input, Plus::Space);
    let plus = mode & 1 != 0;
    // A set from two bytes: the printable ASCII byte `c` is kept when bit
    // `(c * 7 + a) % 16` of `b`'s pattern is on.
    let keep: Vec<u8> = (0x20u8..0x7f)
        .filter(|c| (u16::from(b) | u16::from(b) << 8) >> ((u16::from(*c) * 7 + u16::from(a)) % 16) & 1 == 1)
        .collect();
    let sets = [
        EncodeSet::WHATWG_FORM,
        EncodeSet::WWW_FORM_URLENCODED,
        EncodeSet::WWW_FORM_URLENCODED_XS,
        EncodeSet::RFC3986_UNRESERVED,
        EncodeSet::new(&keep, b"", plus),
    ];
    encoders(input, &sets[usize::from(mode >> 1) % sets.len()]);
});
