//! The chunked decoder: rules, limits, trailer modes, and split-invariance.

use proptest::prelude::*;
use springbok_parser::chunked::{ChunkedConfig, ChunkedDecoder, ChunkedErrorKind, Decoded, Trailers};
use springbok_parser::EMPTY_HEADER;

fn config(trailers: Trailers) -> ChunkedConfig {
    let mut c = ChunkedConfig::new();
    c.trailers = trailers;
    c
}

/// A decoded message: (body, kept trailer section, bytes after the message).
type Triple = (Vec<u8>, Vec<u8>, Vec<u8>);

/// Result of feeding `input` in pieces cut at `cuts`: the decoded message,
/// `None` if the input ends before the message does, or the error kind.
fn feed(config: ChunkedConfig, input: &[u8], cuts: &[usize]) -> Result<Option<Triple>, ChunkedErrorKind> {
    let mut decoder = ChunkedDecoder::new(config);
    let mut body = Vec::new();
    let mut pending: Vec<u8> = Vec::new();
    let mut bounds: Vec<usize> = cuts.iter().copied().filter(|&c| c < input.len()).collect();
    bounds.sort_unstable();
    bounds.push(input.len());
    let mut start = 0;
    for end in bounds {
        let mut buf = std::mem::take(&mut pending);
        buf.extend_from_slice(&input[start..end]);
        start = end;
        let Decoded { data, trailer, leftover, complete } = decoder.decode(&mut buf).map_err(|e| e.kind())?;
        body.extend_from_slice(&buf[..data]);
        if complete {
            let t = buf[data..data + trailer].to_vec();
            let mut rest = buf[data + trailer..data + trailer + leftover].to_vec();
            rest.extend_from_slice(&input[start..]);
            return Ok(Some((body, t, rest)));
        }
        pending = buf[data..data + trailer].to_vec();
    }
    Ok(None)
}

/// [`feed`] with the error's offset in `input` as well as its kind.
fn feed_at(config: ChunkedConfig, input: &[u8], cuts: &[usize]) -> Result<Option<Triple>, (ChunkedErrorKind, usize)> {
    let mut decoder = ChunkedDecoder::new(config);
    let mut body = Vec::new();
    let mut pending: Vec<u8> = Vec::new();
    let mut bounds: Vec<usize> = cuts.iter().copied().filter(|&c| c < input.len()).collect();
    bounds.sort_unstable();
    bounds.push(input.len());
    let mut start = 0;
    for end in bounds {
        // This call's buffer starts `pending.len()` bytes before `start`.
        let base = start - pending.len();
        let mut buf = std::mem::take(&mut pending);
        buf.extend_from_slice(&input[start..end]);
        start = end;
        let Decoded { data, trailer, leftover, complete } =
            decoder.decode(&mut buf).map_err(|e| (e.kind(), base + e.offset()))?;
        body.extend_from_slice(&buf[..data]);
        if complete {
            let t = buf[data..data + trailer].to_vec();
            let mut rest = buf[data + trailer..data + trailer + leftover].to_vec();
            rest.extend_from_slice(&input[start..]);
            return Ok(Some((body, t, rest)));
        }
        pending = buf[data..data + trailer].to_vec();
    }
    Ok(None)
}

fn whole(input: &[u8]) -> Result<Option<Triple>, ChunkedErrorKind> {
    feed(ChunkedConfig::new(), input, &[])
}

/// The decoded message, which must be complete.
fn done(input: &[u8]) -> Triple {
    whole(input).unwrap().expect("complete message")
}

fn err(input: &[u8]) -> ChunkedErrorKind {
    whole(input).unwrap_err()
}

#[test]
fn decodes_chunks_and_reports_leftover() {
    let (body, trailer, rest) = done(b"3\r\nabc\r\nA\r\n0123456789\r\n0\r\n\r\nGET /");
    assert_eq!(body, b"abc0123456789");
    assert_eq!(trailer, b"\r\n");
    assert_eq!(rest, b"GET /");
}

#[test]
fn hex_sizes_any_case_and_leading_zeros() {
    assert_eq!(done(b"00a\r\n0123456789\r\n0\r\n\r\n").0.len(), 10);
    assert_eq!(done(b"A\r\n0123456789\r\n000\r\n\r\n").0.len(), 10);
}

#[test]
fn invalid_sizes() {
    assert_eq!(err(b"\r\n"), ChunkedErrorKind::InvalidChunkSize);
    assert_eq!(err(b"g\r\n"), ChunkedErrorKind::InvalidChunkSize);
    assert_eq!(err(b"-1\r\n"), ChunkedErrorKind::InvalidChunkSize);
    assert_eq!(err(b"0x5\r\n"), ChunkedErrorKind::InvalidChunkSize);
    assert_eq!(err(b";a\r\n"), ChunkedErrorKind::InvalidChunkSize);
}

#[test]
fn size_overflow_is_an_error() {
    assert_eq!(err(b"0FFFFFFFFFFFFFFF\r\n"), ChunkedErrorKind::BodyTooLarge); // fits, but exceeds the body limit
    let mut c = ChunkedConfig::new();
    c.max_body_bytes = u64::MAX;
    assert_eq!(feed(c, b"FFFFFFFFFFFFFFFF\r\n", &[]), Ok(None)); // valid, waits for the data
    assert_eq!(err(b"10000000000000000\r\n"), ChunkedErrorKind::ChunkSizeOverflow);
}

#[test]
fn crlf_is_required_after_size_line() {
    assert_eq!(err(b"3\nabc\r\n0\r\n\r\n"), ChunkedErrorKind::InvalidChunkSize);
    assert_eq!(err(b"3\rabc\r\n0\r\n\r\n"), ChunkedErrorKind::InvalidLineEnding);
    assert_eq!(err(b"3;a\nabc\r\n0\r\n\r\n"), ChunkedErrorKind::InvalidExtension);
}

#[test]
fn crlf_is_required_after_data() {
    assert_eq!(err(b"3\r\nabc\n0\r\n\r\n"), ChunkedErrorKind::MissingDataCrlf);
    assert_eq!(err(b"3\r\nabcd\r\n0\r\n\r\n"), ChunkedErrorKind::MissingDataCrlf);
    assert_eq!(err(b"3\r\nabc\rx0\r\n\r\n"), ChunkedErrorKind::MissingDataCrlf);
}

#[test]
fn extensions_follow_the_grammar() {
    for ok in [
        &b"3;a\r\nabc\r\n0\r\n\r\n"[..],
        b"3;a=b\r\nabc\r\n0\r\n\r\n",
        b"3 ; a = b ; c\r\nabc\r\n0\r\n\r\n",
        b"3;a=\"q \\\" ;=\"\r\nabc\r\n0\r\n\r\n",
        b"3;a=\"x\";b\r\nabc\r\n0;last\r\n\r\n",
        b"3\t;a\r\nabc\r\n0\r\n\r\n",
    ] {
        assert_eq!(done(ok).0, b"abc", "{:?}", String::from_utf8_lossy(ok));
    }
    for bad in [
        &b"3;\r\nabc\r\n0\r\n\r\n"[..],
        b"3 \r\nabc\r\n0\r\n\r\n",
        b"3;a=\r\nabc\r\n0\r\n\r\n",
        b"3;a=b \r\nabc\r\n0\r\n\r\n",
        b"3;a b\r\nabc\r\n0\r\n\r\n",
        b"3;a=\"unterminated\r\nabc\r\n0\r\n\r\n",
        b"3;a=\"x\"y\r\nabc\r\n0\r\n\r\n",
        b"3;a=b\x01\r\nabc\r\n0\r\n\r\n",
        b"3;@\r\nabc\r\n0\r\n\r\n",
    ] {
        assert_eq!(whole(bad).unwrap_err(), ChunkedErrorKind::InvalidExtension, "{:?}", String::from_utf8_lossy(bad));
    }
}

#[test]
fn extension_length_limit() {
    let mut c = ChunkedConfig::new();
    c.max_extension_len = 8;
    assert!(feed(c, b"3;abcdefg\r\nabc\r\n0\r\n\r\n", &[]).unwrap().is_some());
    assert_eq!(feed(c, b"3;abcdefgh\r\nabc\r\n0\r\n\r\n", &[]).unwrap_err(), ChunkedErrorKind::ExtensionTooLong);
}

#[test]
fn body_size_limit() {
    let mut c = ChunkedConfig::new();
    c.max_body_bytes = 5;
    assert!(feed(c, b"2\r\nab\r\n3\r\ncde\r\n0\r\n\r\n", &[]).unwrap().is_some());
    let e = ChunkedDecoder::new(c).decode(&mut b"2\r\nab\r\n4\r\ncdef\r\n0\r\n\r\n".to_vec()).unwrap_err();
    assert_eq!((e.kind(), e.status()), (ChunkedErrorKind::BodyTooLarge, 413));
}

#[test]
fn tiny_chunk_floods_trip_the_overhead_guard() {
    let flood = b"1\r\nx\r\n".repeat(10_000);
    let mut input = flood.clone();
    input.extend_from_slice(b"0\r\n\r\n");
    assert_eq!(err(&input), ChunkedErrorKind::ExcessiveOverhead);
    // The same bytes in large chunks are fine.
    let mut big = format!("{:x}\r\n", 10_000).into_bytes();
    big.extend(std::iter::repeat_n(b'x', 10_000));
    big.extend_from_slice(b"\r\n0\r\n\r\n");
    assert_eq!(done(&big).0.len(), 10_000);
    // And the guard is a setting.
    let mut c = ChunkedConfig::new();
    c.max_overhead = u64::MAX;
    assert_eq!(feed(c, &input, &[]).unwrap().unwrap().0.len(), 10_000);
}

#[test]
fn trailers_are_kept_and_parsed() {
    let input = b"3\r\nabc\r\n0\r\nExpires: never\r\nX-Sum: 1\r\n\r\nNEXT";
    let (body, trailer, rest) = done(input);
    assert_eq!((body.as_slice(), rest.as_slice()), (&b"abc"[..], &b"NEXT"[..]));
    assert_eq!(trailer, b"Expires: never\r\nX-Sum: 1\r\n\r\n");
    let decoder = ChunkedDecoder::new(ChunkedConfig::new());
    let mut headers = [EMPTY_HEADER; 4];
    let fields = decoder.trailers(&trailer, &mut headers).unwrap();
    assert_eq!(fields[1].name, b"X-Sum");
}

#[test]
fn invalid_trailers_are_rejected_with_the_parser_error() {
    let mut buf = b"0\r\nBad Name: x\r\n\r\n".to_vec();
    let e = ChunkedDecoder::new(ChunkedConfig::new()).decode(&mut buf).unwrap_err();
    assert_eq!(e.kind(), ChunkedErrorKind::InvalidTrailers);
    assert_eq!(e.trailer_error().unwrap().kind(), springbok_parser::ErrorKind::HeaderName);
    assert_eq!(e.offset(), 6);
    assert_eq!(err(b"0\r\nA: b\n\r\n"), ChunkedErrorKind::InvalidTrailers);
}

#[test]
fn a_bare_lf_in_a_trailer_fails_at_every_split() {
    // Fed a byte at a time, the kept trailer section is reparsed only once
    // a section end may have arrived; a bare LF must still fail on arrival,
    // at the offset a whole-buffer decode reports.
    for mode in [Trailers::Keep, Trailers::Discard] {
        let input = b"0\r\n*\n";
        let cuts: Vec<usize> = (1..input.len()).collect();
        let whole = feed_at(config(mode), input, &[]);
        assert!(
            matches!(whole, Err((ChunkedErrorKind::InvalidTrailers | ChunkedErrorKind::InvalidLineEnding, 4))),
            "{whole:?}"
        );
        assert_eq!(feed_at(config(mode), input, &cuts), whole, "{mode:?}");
    }
}

#[test]
fn trailer_size_limit() {
    let mut c = ChunkedConfig::new();
    c.max_trailer_bytes = 16;
    for mode in [Trailers::Keep, Trailers::Discard] {
        c.trailers = mode;
        assert!(feed(c, b"0\r\nA: 123456789\r\n\r\n", &[]).unwrap().is_some());
        assert_eq!(feed(c, b"0\r\nA: 1234567890\r\n\r\n", &[]).unwrap_err(), ChunkedErrorKind::TrailersTooLarge);
    }
}

#[test]
fn discard_mode_checks_the_section_without_keeping_it() {
    let c = config(Trailers::Discard);
    let (body, trailer, rest) = feed(c, b"1\r\nz\r\n0\r\nA-Thing: at all\r\n\r\nNEXT", &[]).unwrap().unwrap();
    assert_eq!((body, trailer, rest), (b"z".to_vec(), vec![], b"NEXT".to_vec()));
    // The same header-block rules as a kept section (the unit tests compare
    // the two modes over many sections).
    assert_eq!(feed(c, b"0\r\nAny thing: at all\r\n\r\n", &[]).unwrap_err(), ChunkedErrorKind::InvalidTrailers);
    assert_eq!(feed(c, b"0\r\nA: b\n\r\n", &[]).unwrap_err(), ChunkedErrorKind::InvalidLineEnding);
    assert_eq!(feed(c, b"0\r\nA: b\rc\r\n\r\n", &[]).unwrap_err(), ChunkedErrorKind::InvalidLineEnding);
    assert_eq!(feed(c, b"0\r\n\rx", &[]).unwrap_err(), ChunkedErrorKind::InvalidLineEnding);
}

#[test]
fn leave_mode_stops_at_the_trailer_section() {
    let (body, trailer, rest) = feed(config(Trailers::Leave), b"1\r\nz\r\n0\r\nA: b\r\n\r\n", &[]).unwrap().unwrap();
    assert_eq!((body, trailer, rest), (b"z".to_vec(), vec![], b"A: b\r\n\r\n".to_vec()));
}

#[test]
fn decoder_is_poisoned_after_an_error() {
    let mut d = ChunkedDecoder::new(ChunkedConfig::new());
    assert!(d.decode(&mut b"x".to_vec()).is_err());
    assert_eq!(d.decode(&mut b"0\r\n\r\n".to_vec()).unwrap_err().kind(), ChunkedErrorKind::AfterError);
}

#[test]
fn in_data_state_is_reported() {
    let mut d = ChunkedDecoder::new(ChunkedConfig::new());
    let r = d.decode(&mut b"5\r\nab".to_vec()).unwrap();
    assert_eq!((r.data, r.complete), (2, false));
    assert!(d.is_in_data());
    assert_eq!(d.body_len(), 5);
}

/// A chunked encoding of `body` cut into `sizes`, with extensions and
/// trailers, for the split property.
fn encode(body: &[u8], sizes: &[usize], exts: bool, trailers: &[(String, String)]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut rest = body;
    let mut i = 0;
    while !rest.is_empty() {
        let n = sizes.get(i).copied().unwrap_or(7).clamp(1, rest.len());
        i += 1;
        out.extend_from_slice(format!("{n:x}").as_bytes());
        if exts && i % 2 == 0 {
            out.extend_from_slice(b";name=\"v\\\"al\" ; flag");
        }
        out.extend_from_slice(b"\r\n");
        out.extend_from_slice(&rest[..n]);
        out.extend_from_slice(b"\r\n");
        rest = &rest[n..];
    }
    out.extend_from_slice(b"0\r\n");
    for (n, v) in trailers {
        out.extend_from_slice(format!("{n}: {v}\r\n").as_bytes());
    }
    out.extend_from_slice(b"\r\n");
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn any_split_decodes_the_same(
        body in proptest::collection::vec(any::<u8>(), 0..600),
        sizes in proptest::collection::vec(1usize..100, 0..20),
        exts in any::<bool>(),
        trailers in proptest::collection::vec(("[A-Za-z][A-Za-z0-9-]{0,8}", "[ -~]{0,12}"), 0..3),
        tail in proptest::collection::vec(any::<u8>(), 0..10),
        cuts in proptest::collection::vec(any::<prop::sample::Index>(), 0..12),
        mode in 0usize..3,
    ) {
        let trailers: Vec<(String, String)> = trailers.into_iter().map(|(n, v)| (n, v.trim().to_string())).collect();
        let mut input = encode(&body, &sizes, exts, &trailers);
        let msg_len = input.len();
        input.extend_from_slice(&tail);
        let mode = [Trailers::Keep, Trailers::Discard, Trailers::Leave][mode];
        let cuts: Vec<usize> = cuts.iter().map(|i| i.index(input.len() + 1)).collect();
        let one = feed(config(mode), &input, &[]).unwrap().expect("complete");
        let split = feed(config(mode), &input, &cuts).unwrap().expect("complete");
        prop_assert_eq!(&one, &split);
        prop_assert_eq!(&one.0, &body);
        let section_start = msg_len - trailers.iter().map(|(n, v)| n.len() + v.len() + 4).sum::<usize>() - 2;
        match mode {
            Trailers::Keep => {
                prop_assert_eq!(&one.1[..], &input[section_start..msg_len]);
                prop_assert_eq!(&one.2, &tail);
            }
            Trailers::Discard => prop_assert_eq!(&one.2, &tail),
            Trailers::Leave => prop_assert_eq!(&one.2[..], &input[section_start..]),
        }
    }

    #[test]
    fn byte_at_a_time_equals_whole(body in proptest::collection::vec(any::<u8>(), 0..200),
                                   sizes in proptest::collection::vec(1usize..20, 0..10)) {
        let input = encode(&body, &sizes, true, &[("X-T".into(), "v".into())]);
        let cuts: Vec<usize> = (1..input.len()).collect();
        prop_assert_eq!(feed(ChunkedConfig::new(), &input, &cuts), whole(&input));
    }

    /// Whole chunks in one buffer take a fast path, one byte at a time
    /// never does: on encodings with a byte changed, inserted or removed,
    /// and under tight limits, both give the same body, or the same error
    /// at the same offset. The input is followed by an empty line: fed in
    /// pieces, a kept trailer section is parsed once its end may have
    /// arrived (as a head is, see `parse_request`'s `last_len`), so an edit
    /// that leaves the section open would otherwise compare an error found
    /// early in the whole buffer with a section still arriving.
    #[test]
    fn fast_path_changes_no_result(
        body in proptest::collection::vec(any::<u8>(), 0..300),
        sizes in proptest::collection::vec(1usize..40, 0..12),
        exts in any::<bool>(),
        edit in proptest::option::of((any::<prop::sample::Index>(), any::<u8>(), 0usize..3)),
        max_body in proptest::option::of(0u64..400),
        max_overhead in proptest::option::of(0u64..60),
        mode in 0usize..3,
    ) {
        let mut input = encode(&body, &sizes, exts, &[]);
        if let Some((at, byte, how)) = edit {
            let i = at.index(input.len());
            match how {
                0 => input[i] = byte,
                1 => input.insert(i, byte),
                _ => { input.remove(i); }
            }
        }
        input.extend_from_slice(b"\r\n\r\n");
        let mut config = config([Trailers::Keep, Trailers::Discard, Trailers::Leave][mode]);
        config.max_body_bytes = max_body.unwrap_or(config.max_body_bytes);
        config.max_overhead = max_overhead.unwrap_or(config.max_overhead);
        let cuts: Vec<usize> = (1..input.len()).collect();
        prop_assert_eq!(feed_at(config, &input, &[]), feed_at(config, &input, &cuts));
    }

    #[test]
    fn arbitrary_input_never_panics(input in proptest::collection::vec(any::<u8>(), 0..200),
                                    cuts in proptest::collection::vec(any::<prop::sample::Index>(), 0..5),
                                    mode in 0usize..3) {
        let cuts: Vec<usize> = cuts.iter().map(|i| i.index(input.len() + 1)).collect();
        let mode = [Trailers::Keep, Trailers::Discard, Trailers::Leave][mode];
        let _ = feed(config(mode), &input, &cuts);
    }
}
