//! The chunked decoder fed at random splits must give the one-shot result.
#![no_main]

use libfuzzer_sys::fuzz_target;
use springbok_fuzz::take;
use springbok_parser::chunked::{ChunkedConfig, ChunkedDecoder, Trailers};

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
});
