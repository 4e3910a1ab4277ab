//! urlencoded parsing in both modes: never panics, the pairs it yields are
//! the raw pairs decoded by the component decoders (`decode`, and
//! `decode_into` into an input-sized buffer; `decode_keep_plus` differs only
//! in `+`), decoding into one buffer (parse_buffered, as bytes and as UTF-8
//! text) gives the same pairs, the C iterator gives them too (one at a time
//! and in batches, with and without SB_URLENCODED_UTF8), they survive a
//! build -> parse round trip in the WHATWG style, and without limits
//! nothing fails.
#![no_main]

use std::borrow::Cow;
use std::ptr;

use libfuzzer_sys::fuzz_target;
use springbok::sb_result;
use springbok::urlencoded::{
    sb_urlencoded_pair, sb_urlencoded_pairs_free, sb_urlencoded_pairs_new, sb_urlencoded_pairs_next,
    sb_urlencoded_pairs_next_batch, SB_URLENCODED_PERL, SB_URLENCODED_UTF8, SB_URLENCODED_WHATWG,
};
use springbok_form_urlencoded::{
    build, decode, decode_into, decode_keep_plus, parse, parse_buffered, parse_raw, Mode, Options, Style,
};

type Pair = (Vec<u8>, Vec<u8>);

/// The C iterator's pairs: one call each (`batch` 0) or `batch` at a time.
fn c_pairs(input: &[u8], mode: u32, options: &Options, batch: usize) -> Vec<Pair> {
    let mut it = ptr::null_mut();
    // SAFETY: `input` outlives the iterator, which is freed below; the
    // outputs are live locals.
    unsafe {
        let r = sb_urlencoded_pairs_new(
            input.as_ptr().cast(),
            input.len(),
            mode,
            options.get_max_pairs(),
            options.get_max_input_bytes(),
            &mut it,
            ptr::null_mut(),
        );
        assert_eq!(r, sb_result::Ok);
        let mut spans: Vec<sb_urlencoded_pair> = Vec::new();
        let empty = sb_urlencoded_pair { key: ptr::null(), key_len: 0, value: ptr::null(), value_len: 0 };
        if batch == 0 {
            let mut p = empty;
            while sb_urlencoded_pairs_next(it, &mut p) == sb_result::Ok {
                spans.push(p);
            }
        } else {
            let mut buf = vec![empty; batch];
            let mut n = 0;
            while sb_urlencoded_pairs_next_batch(it, buf.as_mut_ptr(), batch, &mut n) == sb_result::Ok {
                assert!((1..=batch).contains(&n));
                spans.extend_from_slice(&buf[..n]);
            }
            assert_eq!(n, 0);
        }
        // Every span is still valid: read them all only now.
        let pairs = spans
            .iter()
            .map(|p| {
                (
                    std::slice::from_raw_parts(p.key.cast::<u8>(), p.key_len).to_vec(),
                    std::slice::from_raw_parts(p.value.cast::<u8>(), p.value_len).to_vec(),
                )
            })
            .collect();
        sb_urlencoded_pairs_free(it);
        pairs
    }
}

fn lossy(b: &[u8]) -> Vec<u8> {
    String::from_utf8_lossy(b).into_owned().into_bytes()
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, input)) = data.split_first() else { return };
    let options = if mode & 1 == 0 { Options::new() } else { Options::perl() };
    let options = if mode & 2 == 0 { options } else { options.max_pairs(usize::from(mode >> 2)) };
    let Ok(pairs) = parse(input, &options) else {
        // A limit error is the only error, and the raw splitter agrees.
        assert!(parse_raw(input, &options).is_err());
        return;
    };
    let pairs: Vec<_> = pairs.collect();
    let raw: Vec<_> = parse_raw(input, &options).unwrap().collect();
    assert_eq!(pairs.len(), raw.len());
    for ((k, v), (rk, rv)) in pairs.iter().zip(&raw) {
        for (decoded, raw) in [(k, rk), (v, rv)] {
            assert_eq!(decoded.as_ref(), decode(raw).as_ref());
            let mut out = vec![0u8; raw.len()];
            let n = decode_into(raw, &mut out).expect("an input-sized buffer suffices");
            assert_eq!(&out[..n], decoded.as_ref());
            let spaced: Vec<u8> = decode_keep_plus(raw).iter().map(|&b| if b == b'+' { b' ' } else { b }).collect();
            if !raw.windows(3).any(|w| w.eq_ignore_ascii_case(b"%2b")) {
                assert_eq!(&spaced[..], decoded.as_ref());
            }
        }
    }
    assert!(parse(input, &Options::unlimited().mode(options.get_mode())).is_ok());
    let owned: Vec<Pair> = pairs.iter().map(|(k, v)| (k.to_vec(), v.to_vec())).collect();

    let mut buf = Vec::new();
    let buffered: Vec<Pair> =
        parse_buffered(input, &options, &mut buf).unwrap().map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
    assert_eq!(buffered, owned);
    let text: Vec<Pair> = parse_buffered(input, &options, &mut buf)
        .unwrap()
        .utf8()
        .map(|(k, v): (Cow<str>, Cow<str>)| (k.into_owned().into_bytes(), v.into_owned().into_bytes()))
        .collect();
    let replaced: Vec<Pair> = owned.iter().map(|(k, v)| (lossy(k), lossy(v))).collect();
    assert_eq!(text, replaced);

    let c_mode = if options.get_mode() == Mode::Perl { SB_URLENCODED_PERL } else { SB_URLENCODED_WHATWG };
    let batch = usize::from(mode >> 5);
    assert_eq!(c_pairs(input, c_mode, &options, batch), owned);
    assert_eq!(c_pairs(input, c_mode | SB_URLENCODED_UTF8, &options, batch), replaced);

    for style in [Style::Whatwg, Style::Perl, Style::PerlXs] {
        let built = build(pairs.iter().map(|(k, v)| (k.as_ref(), v.as_ref())), style);
        assert!(built.bytes().all(|b| b.is_ascii_graphic()), "{built:?}");
        let again: Vec<_> = parse(built.as_bytes(), &Options::new().max_pairs(usize::MAX)).unwrap().collect();
        // WHATWG parsing skips empty pieces, which building never produces
        // except for an empty key and value ("=").
        assert_eq!(again, pairs, "style {style:?}: {built:?}");
    }
});
