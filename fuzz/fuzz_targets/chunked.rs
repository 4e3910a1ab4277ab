//! The chunked decoder fed at random splits must give the one-shot result,
//! and a discarded trailer section must pass or fail as a kept one does.
#![no_main]

use libfuzzer_sys::fuzz_target;
use springbok_fuzz::take;
use springbok_parser::chunked::{ChunkedConfig, ChunkedDecoder, ChunkedErrorKind, Trailers};

/// Feeds `input` in pieces; returns (body, trailer section, leftover, or the
/// error kind) as a comparable string.
fn feed(mut config: ChunkedConfig, input: &[u8], cuts: &[usize]) -> String {
    config.max_overhead = 256;
    let mut decoder = ChunkedDecoder::new(config);
    let mut body = Vec::new();
    let mut pending = Vec::new();
    let mut start = 0;
    for &end in cuts.iter().chain(std::iter::once(&input.len())) {
        let end = end.clamp(start, input.len());
        let mut buf = std::mem::take(&mut pending);
        buf.extend_from_slice(&input[start..end]);
        start = end;
        match decoder.decode(&mut buf) {
            Err(e) => return format!("error {:?}", e.kind()),
            Ok(d) => {
                assert!(d.data + d.trailer + d.leftover <= buf.len());
                body.extend_from_slice(&buf[..d.data]);
                if d.complete {
                    let mut rest = buf[d.data + d.trailer..d.data + d.trailer + d.leftover].to_vec();
                    rest.extend_from_slice(&input[start..]);
                    return format!("done {body:?} {:?} {rest:?}", &buf[d.data..d.data + d.trailer]);
                }
                pending = buf[d.data..d.data + d.trailer].to_vec();
            }
        }
    }
    format!("partial {body:?} {pending:?}")
}

fuzz_target!(|data: &[u8]| {
    let ([mode, a, b, c], input) = take::<4>(data);
    let mut config = ChunkedConfig::new();
    config.trailers = [Trailers::Keep, Trailers::Discard, Trailers::Leave][usize::from(mode % 3)];
    let n = input.len();
    let mut cuts: Vec<usize> = [a, b, c].iter().map(|&x| usize::from(x) * n / 256).collect();
    cuts.sort_unstable();
    let (split, whole) = (feed(config, input, &cuts), feed(config, input, &[]));
    // Identical, except that an invalid trailer section that has not ended
    // yet is still partial when it arrives in pieces (its parse waits for
    // the end of the block, as the head parser does with `last_len`).
    if split != whole {
        assert!(split.starts_with("partial") && whole == "error InvalidTrailers", "{split} vs {whole}");
    }
    // A discarded trailer section is held to the rules of a kept one: both
    // end the message with the same body and leftover, or neither does; a
    // kept section that is invalid is invalid discarded too.
    let (kept, discarded) = (outcome(config, Trailers::Keep, input), outcome(config, Trailers::Discard, input));
    // (A kept section is too large as soon as the buffer holds the limit
    // without its end; a discarded one at the byte past the limit.)
    match (&kept, &discarded) {
        (Some(Ok(k)), Some(Ok(d))) => assert_eq!(k, d),
        (Some(Ok(_)), _) | (_, Some(Ok(_))) => panic!("kept {kept:?} vs discarded {discarded:?}"),
        (Some(Err(ChunkedErrorKind::TrailersTooLarge)), None) => {}
        (Some(Err(_)), d) => assert!(matches!(d, Some(Err(_))), "kept {kept:?} vs discarded {discarded:?}"),
        _ => {}
    }
});

/// One call over the whole input with `trailers`: the body and the bytes
/// after the message, an error, or `None` when the message has not ended.
fn outcome(
    mut config: ChunkedConfig,
    trailers: Trailers,
    input: &[u8],
) -> Option<Result<(Vec<u8>, Vec<u8>), ChunkedErrorKind>> {
    config.trailers = trailers;
    config.max_overhead = 256;
    let mut buf = input.to_vec();
    match ChunkedDecoder::new(config).decode(&mut buf) {
        Err(e) => Some(Err(e.kind())),
        Ok(d) if d.complete => {
            let rest = buf[d.data + d.trailer..d.data + d.trailer + d.leftover].to_vec();
            Some(Ok((buf[..d.data].to_vec(), rest)))
        }
        Ok(_) => None,
    }
}
