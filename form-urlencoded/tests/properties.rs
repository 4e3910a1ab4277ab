//! Property tests: parsing agrees with a plain reference model (splitting, decoding and limits),
//! `parse(build(pairs)) == pairs` in every style and mode, and WHATWG mode agrees with the
//! `form_urlencoded` crate.

use proptest::prelude::*;
use springbok_form_urlencoded::{build, parse, Error, Mode, Options, RawPairs, Style};

type Pair = (Vec<u8>, Vec<u8>);

/// Form decoding written plainly: `+` → space, `%XX` → byte, anything else as is.
fn model_decode(s: &[u8]) -> Vec<u8> {
    let hex = |b: Option<&u8>| b.and_then(|&c| (c as char).to_digit(16));
    let mut out = Vec::new();
    let mut i = 0;
    while i < s.len() {
        match (s[i], hex(s.get(i + 1)), hex(s.get(i + 2))) {
            (b'%', Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
            (b'+', _, _) => out.push(b' '),
            (b, _, _) => out.push(b),
        }
        i += 1;
    }
    out
}

/// The splitting rules written plainly; each pair with the offset where its piece starts.
fn model(input: &[u8], mode: Mode) -> Vec<(usize, Pair)> {
    if input.is_empty() {
        return Vec::new();
    }
    let is_sep = |b: &u8| *b == b'&' || (mode == Mode::Perl && *b == b';');
    let mut out = Vec::new();
    let mut start = 0;
    for piece in input.split(is_sep) {
        let offset = start;
        start += piece.len() + 1;
        if mode == Mode::Whatwg && piece.is_empty() {
            continue;
        }
        let piece = match (mode, piece.first()) {
            (Mode::Perl, Some(b' ')) => &piece[1..],
            _ => piece,
        };
        let (k, v) = match piece.iter().position(|&b| b == b'=') {
            Some(i) => (&piece[..i], &piece[i + 1..]),
            None => (piece, &[][..]),
        };
        out.push((offset, (model_decode(k), model_decode(v))));
    }
    out
}

fn collect(input: &[u8], opts: &Options) -> Result<Vec<Pair>, Error> {
    parse(input, opts).map(|it| it.map(|(k, v)| (k.into_owned(), v.into_owned())).collect())
}

/// Inputs dense in separators, `=`, escapes, spaces and odd bytes.
fn form_bytes() -> impl Strategy<Value = Vec<u8>> {
    let byte = prop_oneof![
        3 => prop::sample::select(b"&;= +%".to_vec()),
        2 => prop::sample::select(b"0123456789abcdefABCDEFGgz".to_vec()),
        1 => any::<u8>(),
    ];
    prop::collection::vec(byte, 0..40)
}

/// Longer inputs: runs of plain bytes (up to 80, so values cross the scanner's switch to
/// `memchr` at 32) between special bytes.
fn long_form_bytes() -> impl Strategy<Value = Vec<u8>> {
    let chunk = prop_oneof![
        2 => prop::collection::vec(prop::sample::select(b"abcXYZ019;".to_vec()), 0..80),
        3 => prop::sample::select(b"&;= +%".to_vec()).prop_map(|b| vec![b]),
        1 => prop::sample::select(vec![&b"%41"[..], b"%zz", b"%4", b"&&", b"; "]).prop_map(<[u8]>::to_vec),
    ];
    prop::collection::vec(chunk, 0..12).prop_map(|c| c.concat())
}

fn mode() -> impl Strategy<Value = Mode> {
    prop_oneof![Just(Mode::Whatwg), Just(Mode::Perl)]
}

fn pairs() -> impl Strategy<Value = Vec<Pair>> {
    let component = prop::collection::vec(
        prop_oneof![
            2 => prop::sample::select(b"&;= +%*~!'()-._aZ9".to_vec()),
            1 => any::<u8>(),
        ],
        0..12,
    );
    prop::collection::vec((component.clone(), component), 0..8)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2048))]

    #[test]
    fn parse_matches_model(input in form_bytes(), mode in mode()) {
        let expected: Vec<Pair> = model(&input, mode).into_iter().map(|(_, p)| p).collect();
        prop_assert_eq!(collect(&input, &Options::unlimited().mode(mode)), Ok(expected));
    }

    #[test]
    fn parse_matches_model_on_long_values(input in long_form_bytes(), mode in mode()) {
        let expected: Vec<Pair> = model(&input, mode).into_iter().map(|(_, p)| p).collect();
        prop_assert_eq!(collect(&input, &Options::unlimited().mode(mode)), Ok(expected));
        let raw: Vec<(&[u8], &[u8])> =
            springbok_form_urlencoded::parse_raw(&input, &Options::unlimited().mode(mode)).unwrap().collect();
        prop_assert_eq!(raw.len(), model(&input, mode).len());
    }

    /// Stopping after any number of pieces and resuming from `into_rest` gives the same pieces
    /// (with their needs-decoding flags) as one uninterrupted iteration.
    #[test]
    fn resume_continues_where_the_iterator_stopped(input in form_bytes(), mode in mode(), stop in 0usize..8) {
        let opts = Options::unlimited().mode(mode);
        let mut whole = springbok_form_urlencoded::parse_raw(&input, &opts).unwrap();
        let all: Vec<_> = std::iter::from_fn(|| whole.next_piece()).collect();
        let mut first = springbok_form_urlencoded::parse_raw(&input, &opts).unwrap();
        let mut pieces: Vec<_> = std::iter::from_fn(|| first.next_piece()).take(stop).collect();
        let (rest, finished) = first.into_rest();
        let mut resumed = RawPairs::resume(rest, mode, finished);
        pieces.extend(std::iter::from_fn(|| resumed.next_piece()));
        prop_assert_eq!(pieces, all);
    }

    /// Decoding into one buffer changes no pair; as text, each part is the lossy UTF-8 of the
    /// bytes (a reused buffer too), and in WHATWG mode exactly what `form_urlencoded` gives.
    #[test]
    fn buffered_pairs_match_model(
        short in form_bytes(),
        long in long_form_bytes(),
        utf8 in prop::collection::vec(prop::sample::select(vec!["é", "日本", "%C3%A9", "%E6%97", "%FF", "\u{fffd}", "a&b", "=", "+"]), 0..8),
        mode in mode(),
    ) {
        let mut buf = b"stale".to_vec();
        for input in [short, long, utf8.concat().into_bytes()] {
            let opts = Options::unlimited().mode(mode);
            let expected: Vec<Pair> = model(&input, mode).into_iter().map(|(_, p)| p).collect();
            let bytes: Vec<Pair> = springbok_form_urlencoded::parse_buffered(&input, &opts, &mut buf)
                .unwrap()
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect();
            prop_assert_eq!(&bytes, &expected);
            let lossy = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
            let text: Vec<(String, String)> = springbok_form_urlencoded::parse_buffered(&input, &opts, &mut buf)
                .unwrap()
                .utf8()
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect();
            let expected_text: Vec<(String, String)> = expected.iter().map(|(k, v)| (lossy(k), lossy(v))).collect();
            prop_assert_eq!(&text, &expected_text);
            if mode == Mode::Whatwg {
                let theirs: Vec<(String, String)> =
                    form_urlencoded::parse(&input).map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
                prop_assert_eq!(&text, &theirs);
            }
        }
    }

    #[test]
    fn whatwg_matches_form_urlencoded_crate_on_long_values(input in long_form_bytes()) {
        let ours: Vec<(String, String)> = parse(&input, &Options::unlimited())
            .unwrap()
            .map(|(k, v)| (String::from_utf8_lossy(&k).into_owned(), String::from_utf8_lossy(&v).into_owned()))
            .collect();
        let theirs: Vec<(String, String)> = form_urlencoded::parse(&input)
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        prop_assert_eq!(ours, theirs);
    }

    #[test]
    fn pair_limit_matches_model(input in form_bytes(), mode in mode(), limit in 0usize..12) {
        let model = model(&input, mode);
        let got = collect(&input, &Options::unlimited().mode(mode).max_pairs(limit));
        if model.len() <= limit {
            prop_assert_eq!(got.map(|v| v.len()), Ok(model.len()));
        } else {
            prop_assert_eq!(got, Err(Error::TooManyPairs { limit, offset: model[limit].0 }));
        }
    }

    #[test]
    fn byte_limit(input in form_bytes(), limit in 0usize..40) {
        let got = collect(&input, &Options::unlimited().max_input_bytes(limit));
        if input.len() <= limit {
            prop_assert!(got.is_ok());
        } else {
            prop_assert_eq!(got, Err(Error::InputTooLong { len: input.len(), limit }));
        }
    }

    #[test]
    fn parse_of_build_round_trips(pairs in pairs()) {
        for style in [Style::Whatwg, Style::Perl, Style::PerlXs] {
            let built = build(pairs.iter().map(|(k, v)| (k, v)), style);
            for mode in [Mode::Whatwg, Mode::Perl] {
                let parsed = collect(built.as_bytes(), &Options::unlimited().mode(mode));
                prop_assert_eq!(parsed, Ok(pairs.clone()), "style {:?} mode {:?}: {:?}", style, mode, built);
            }
        }
    }

    /// WHATWG mode against the `form_urlencoded` crate, which returns lossily UTF-8-decoded
    /// strings: our decoded bytes, lossily converted, must be equal.
    #[test]
    fn whatwg_matches_form_urlencoded_crate(input in form_bytes()) {
        let ours: Vec<(String, String)> = parse(&input, &Options::unlimited())
            .unwrap()
            .map(|(k, v)| (String::from_utf8_lossy(&k).into_owned(), String::from_utf8_lossy(&v).into_owned()))
            .collect();
        let theirs: Vec<(String, String)> = form_urlencoded::parse(&input)
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        prop_assert_eq!(ours, theirs);
    }

    #[test]
    fn whatwg_build_matches_form_urlencoded_crate(pairs in prop::collection::vec((".{0,8}", ".{0,8}"), 0..6)) {
        let ours = build(pairs.iter().map(|(k, v)| (k, v)), Style::Whatwg);
        let theirs = form_urlencoded::Serializer::new(String::new()).extend_pairs(&pairs).finish();
        prop_assert_eq!(ours, theirs);
    }
}

#[test]
fn the_model_itself_follows_the_documented_examples() {
    // Guards the reference model against sharing a mistake with the implementation.
    let m = |s: &str, mode| -> Vec<Pair> { model(s.as_bytes(), mode).into_iter().map(|(_, p)| p).collect() };
    assert_eq!(m("&", Mode::Perl), vec![(vec![], vec![]), (vec![], vec![])]);
    assert_eq!(m("&", Mode::Whatwg), Vec::<Pair>::new());
    assert_eq!(m("a=1; b", Mode::Perl), vec![(b"a".to_vec(), b"1".to_vec()), (b"b".to_vec(), vec![])]);
    assert_eq!(model_decode(b"%2B+%zz%4"), b"+ %zz%4".to_vec());
}
