//! The chunked decoder against picohttpparser's `phr_decode_chunked` and a
//! plain memcpy of the same bytes: a 1 MiB body in 4 KiB chunks and in
//! 16-byte chunks, decoded in place (only the decode is timed; restoring
//! the encoded input is setup).

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use springbok_parser::chunked::{ChunkedConfig, ChunkedDecoder};

const BODY: usize = 1 << 20;

/// `BODY` bytes of data in chunks of `size`, then the last chunk.
fn encode(size: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(BODY + BODY / size * 8 + 8);
    let mut left = BODY;
    let mut byte = 0u8;
    while left > 0 {
        let n = left.min(size);
        out.extend_from_slice(format!("{n:x}\r\n").as_bytes());
        out.extend((0..n).map(|_| {
            byte = byte.wrapping_add(1);
            byte
        }));
        out.extend_from_slice(b"\r\n");
        left -= n;
    }
    out.extend_from_slice(b"0\r\n\r\n");
    out
}

fn springbok(buf: &mut [u8]) -> usize {
    let mut config = ChunkedConfig::new();
    // 16-byte chunks are framing-heavy by design here; lift the guard so
    // both decoders do the same work.
    config.max_overhead = u64::MAX;
    let mut decoder = ChunkedDecoder::new(config);
    let d = decoder.decode(buf).expect("valid body");
    assert!(d.complete);
    d.data
}

fn pico(buf: &mut [u8]) -> usize {
    // SAFETY: phr_chunked_decoder is plain data whose all-zero value is the
    // initial state (as `struct phr_chunked_decoder d = {0}` in C).
    let mut decoder: picohttpparser_sys::phr_chunked_decoder = unsafe { std::mem::zeroed() };
    decoder.consume_trailer = 1;
    let mut size = buf.len();
    // SAFETY: `buf` is `size` writable bytes and `decoder` is initialised.
    let ret = unsafe { picohttpparser_sys::phr_decode_chunked(&mut decoder, buf.as_mut_ptr().cast(), &mut size) };
    assert!(ret >= 0, "pico returned {ret}");
    size
}

fn bench(c: &mut Criterion) {
    for size in [4096usize, 16] {
        let encoded = encode(size);
        // Both decoders agree before anything is timed.
        let (mut a, mut b) = (encoded.clone(), encoded.clone());
        let (na, nb) = (springbok(&mut a), pico(&mut b));
        assert_eq!((na, &a[..na]), (nb, &b[..nb]));
        assert_eq!(na, BODY);

        let mut group = c.benchmark_group(format!("chunked/1MiB_in_{size}B_chunks"));
        group.throughput(Throughput::Bytes(encoded.len() as u64));
        group.bench_function("springbok", |bench| {
            bench.iter_batched_ref(|| encoded.clone(), |buf| black_box(springbok(buf)), BatchSize::LargeInput)
        });
        group.bench_function("picohttpparser", |bench| {
            bench.iter_batched_ref(|| encoded.clone(), |buf| black_box(pico(buf)), BatchSize::LargeInput)
        });
        let mut dst = vec![0u8; encoded.len()];
        group.bench_function("memcpy", |bench| {
            bench.iter(|| {
                dst.copy_from_slice(black_box(&encoded));
                black_box(&dst);
            })
        });
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
