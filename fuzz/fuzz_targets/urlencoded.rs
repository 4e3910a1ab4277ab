//! urlencoded parsing in both modes: never panics, the pairs it yields are
//! the raw pairs decoded by the component decoders (`decode`, and
//! `decode_into` into an input-sized buffer; `decode_keep_plus` differs only
//! in `+`), and they survive a build -> parse round trip in the WHATWG
//! style; without limits nothing fails.
#![no_main]

use libfuzzer_sys::fuzz_target;
use springbok_form_urlencoded::{build, decode, decode_into, decode_keep_plus, parse, parse_raw, Options, Style};

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
    for style in [Style::Whatwg, Style::Perl, Style::PerlXs] {
        let built = build(pairs.iter().map(|(k, v)| (k.as_ref(), v.as_ref())), style);
        assert!(built.bytes().all(|b| b.is_ascii_graphic()), "{built:?}");
        let again: Vec<_> = parse(built.as_bytes(), &Options::new().max_pairs(usize::MAX)).unwrap().collect();
        // WHATWG parsing skips empty pieces, which building never produces
        // except for an empty key and value ("=").
        assert_eq!(again, pairs, "style {style:?}: {built:?}");
    }
});
