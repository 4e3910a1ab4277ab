//! springbok-form-urlencoded vs the `form_urlencoded` crate, same inputs, same run.
//!
//! Every iteration parses the whole input and consumes every decoded key and value
//! (`parsers.rs` has each parser):
//! - `springbok`: our `parse` (the limit check included), pairs as `Cow<[u8]>`;
//! - `springbok_utf8`: the same plus `String::from_utf8_lossy` on each key and value, i.e. the
//!   exact output type `form_urlencoded` produces (`Cow<str>`, lossy UTF-8);
//! - `form_urlencoded`: `form_urlencoded::parse`, pairs as `Cow<str>`.
//!
//! `serde_urlencoded` is left out: it is `form_urlencoded` plus deserialization into owned
//! types, so it measures serde, not parsing.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use springbok_form_urlencoded::parse;

#[path = "inputs.rs"]
mod inputs;
#[path = "parsers.rs"]
mod parsers;

fn bench_parse(c: &mut Criterion) {
    let opts = parsers::options();
    for (name, input) in &inputs::all() {
        // The inputs are what they say they are.
        assert_eq!(parse(input.as_bytes(), &opts).unwrap().count(), form_urlencoded::parse(input.as_bytes()).count());
        let mut group = c.benchmark_group(format!("parse/{name}"));
        group.throughput(Throughput::Bytes(input.len() as u64));
        let bytes = input.as_bytes();
        for parser in parsers::NAMES {
            let run = parsers::by_name(parser).expect("a parser of NAMES");
            group.bench_with_input(BenchmarkId::from_parameter(parser), bytes, |b, i| {
                b.iter(|| run(black_box(i), &opts))
            });
        }
        group.finish();
    }
}

criterion_group!(benches, bench_parse);
criterion_main!(benches);
