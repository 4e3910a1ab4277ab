//! The multipart parser fed at random splits yields the same events (and
//! the same error) as when fed the whole body at once.
#![no_main]

use libfuzzer_sys::fuzz_target;
use springbok_fuzz::take;
use springbok_multipart::{Event, Limits, Parser};

/// Feeds `body` in pieces cut at `cuts`; returns a log of the events, data
/// merged, ending with the outcome.
fn run(body: &[u8], cuts: &[usize]) -> Vec<String> {
    let mut limits = Limits::default();
    limits.max_preamble_bytes = 256;
    limits.max_epilogue_bytes = 256;
    let mut parser = Parser::new(b"boundary", limits).unwrap();
    let mut log = Vec::new();
    let mut data = Vec::new();
    let mut start = 0;
    for &end in cuts.iter().chain(std::iter::once(&body.len())) {
        let end = end.clamp(start, body.len());
        let mut rest = &body[start..end];
        start = end;
        loop {
            match parser.feed(rest) {
                Err(e) => {
                    log.push(format!("error {:?}", e.kind()));
                    return log;
                }
                Ok((consumed, event)) => {
                    assert!(consumed <= rest.len());
                    match event {
                        Event::Data(d) => data.extend_from_slice(d),
                        Event::NeedMore => {
                            assert_eq!(consumed, rest.len());
                            break;
                        }
                        other => {
                            if !data.is_empty() {
                                log.push(format!("data {:?}", std::mem::take(&mut data)));
                            }
                            let done = matches!(other, Event::End);
                            log.push(match other {
                                Event::PartStart(p) => format!("start {:?} {:?}", p.raw_headers(), p.filename()),
                                e => format!("{e:?}"),
                            });
                            if done {
                                return log;
                            }
                        }
                    }
                    rest = &rest[consumed..];
                }
            }
        }
    }
    if !data.is_empty() {
        log.push(format!("data {data:?}"));
    }
    log.push(format!("finish {:?}", parser.finish().map_err(|e| e.kind())));
    log
}

fuzz_target!(|data: &[u8]| {
    let ([a, b, c], body) = take::<3>(data);
    let n = body.len();
    let mut cuts: Vec<usize> = [a, b, c].iter().map(|&x| usize::from(x) * n / 256).collect();
    cuts.sort_unstable();
    assert_eq!(run(body, &cuts), run(body, &[]));
});
