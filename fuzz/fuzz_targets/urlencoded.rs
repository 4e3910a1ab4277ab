//! urlencoded parsing in both modes: never panics, and the pairs it yields
//! survive a build -> parse round trip in the WHATWG style.
#![no_main]

use libfuzzer_sys::fuzz_target;
use springbok_form_urlencoded::{build, parse, parse_raw, Options, Style};

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
    assert_eq!(pairs.len(), parse_raw(input, &options).unwrap().count());
    for style in [Style::Whatwg, Style::Perl, Style::PerlXs] {
        let built = build(pairs.iter().map(|(k, v)| (k.as_ref(), v.as_ref())), style);
        assert!(built.bytes().all(|b| b.is_ascii_graphic()), "{built:?}");
        let again: Vec<_> = parse(built.as_bytes(), &Options::new().max_pairs(usize::MAX)).unwrap().collect();
        // WHATWG parsing skips empty pieces, which building never produces
        // except for an empty key and value ("=").
        assert_eq!(again, pairs, "style {style:?}: {built:?}");
    }
});
