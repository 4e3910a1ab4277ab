//! The chunked decoder against picohttpparser's `phr_decode_chunked` and a
//! plain memcpy of the same bytes: a 1 MiB body in 4 KiB chunks and in
//! 16-byte chunks, decoded in place (only the decode is timed; restoring
//! the encoded input is setup).

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use springbok_benches::chunked::{encode, pico, springbok, BODY};

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
