//! The delimiter search is linear: 10 MiB of data full of partial
//! delimiters, split so that chunks end inside them, is examined about once,
//! with a bounded number of calls per chunk. A scanner that rescanned its
//! carry-over plus the new chunk, or restarted the search after each
//! partial match, would blow these bounds.

use springbok_multipart::{Event, Limits, Parser};

const BOUNDARY: &[u8] = b"----------------------------boundary1234567890abcdef";

/// 10 MiB of data made of delimiter prefixes of every length, none complete.
fn adversarial_data() -> Vec<u8> {
    let mut delim = b"\r\n--".to_vec();
    delim.extend_from_slice(BOUNDARY);
    let mut data = Vec::with_capacity(10 << 20);
    let mut n = 1;
    while data.len() < 10 << 20 {
        data.extend_from_slice(&delim[..n]);
        data.push(b'x');
        n = n % (delim.len() - 1) + 1;
    }
    data
}

fn body(data: &[u8]) -> Vec<u8> {
    let mut body = b"--".to_vec();
    body.extend_from_slice(BOUNDARY);
    body.extend_from_slice(b"\r\nContent-Disposition: form-data; name=\"f\"; filename=\"f\"\r\n\r\n");
    body.extend_from_slice(data);
    body.extend_from_slice(b"\r\n--");
    body.extend_from_slice(BOUNDARY);
    body.extend_from_slice(b"--\r\n");
    body
}

/// Returns (data bytes seen, calls to feed, chunks fed, bytes examined).
fn parse(body: &[u8], sizes: &[usize]) -> (usize, usize, usize, u64) {
    let mut limits = Limits::default();
    limits.max_total_bytes = u64::MAX;
    let mut p = Parser::new(BOUNDARY, limits).unwrap();
    let (mut data, mut calls, mut chunks, mut at) = (0, 0, 0, 0);
    while at < body.len() {
        let n = sizes[chunks % sizes.len()].min(body.len() - at);
        chunks += 1;
        let mut rest = &body[at..at + n];
        at += n;
        loop {
            calls += 1;
            let (used, ev) = p.feed(rest).unwrap();
            rest = &rest[used..];
            match ev {
                Event::Data(d) => data += d.len(),
                Event::NeedMore => break,
                Event::End if rest.is_empty() => break,
                _ => {}
            }
        }
    }
    p.finish().unwrap();
    (data, calls, chunks, p.bytes_examined())
}

#[test]
fn ten_mib_of_partial_delimiters_is_linear() {
    let data = adversarial_data();
    let body = body(&data);
    let dlen = BOUNDARY.len() as u64 + 4;
    // Chunk sizes that are not multiples of the fragment period, so chunks
    // end inside fragments all the time.
    for sizes in [&[4096usize][..], &[65536], &[4093, 17, 1000, 60001], &[61]] {
        let (seen, calls, chunks, examined) = parse(&body, sizes);
        assert_eq!(seen, data.len(), "{sizes:?}");
        let bound = body.len() as u64 + 2 * dlen * chunks as u64;
        assert!(examined <= bound, "{sizes:?}: examined {examined} > {bound}");
        // Per chunk: held-back bytes handed back, the chunk's data, NeedMore;
        // plus a few calls for the part boundaries.
        assert!(calls <= 3 * chunks + 8, "{sizes:?}: {calls} calls for {chunks} chunks");
    }
}

#[test]
fn one_byte_feeds_are_linear() {
    let data = &adversarial_data()[..256 * 1024];
    let body = body(data);
    let dlen = BOUNDARY.len() as u64 + 4;
    let (seen, calls, chunks, examined) = parse(&body, &[1]);
    assert_eq!(seen, data.len());
    assert_eq!(chunks, body.len());
    let bound = body.len() as u64 + 2 * dlen * chunks as u64;
    assert!(examined <= bound);
    // Stronger: with one-byte feeds each byte is compared a constant number
    // of times, not once per byte held back.
    assert!(examined <= 3 * body.len() as u64, "examined {examined}");
    assert!(calls <= 3 * chunks + 8);
}

#[test]
fn many_parts_in_one_chunk_are_examined_once() {
    // A delimiter found early in a long chunk: only the bytes up to its end
    // were searched. (Counting the whole rest of the chunk each time made a
    // chunk of many small parts count quadratically; the fuzz target's
    // bound found it.)
    let mut body = Vec::new();
    for _ in 0..2000 {
        body.extend_from_slice(b"--");
        body.extend_from_slice(BOUNDARY);
        body.extend_from_slice(b"\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\nvalue\r\n");
    }
    body.extend_from_slice(b"--");
    body.extend_from_slice(BOUNDARY);
    body.extend_from_slice(b"--\r\n");
    let dlen = BOUNDARY.len() as u64 + 4;
    let (seen, _, chunks, examined) = parse(&body, &[body.len()]);
    assert_eq!((seen, chunks), (2000 * 5, 1));
    let bound = body.len() as u64 + 2 * dlen * chunks as u64;
    assert!(examined <= bound, "examined {examined} > {bound}");
}
