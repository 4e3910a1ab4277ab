//! Request-head, response-head and header-block parsing: Springbok vs
//! httparse vs picohttpparser, same inputs, same run. Group names are the
//! workload, function names the parser, the parameter the header count or
//! field length; `benches/report` turns the results into a table and a
//! chart.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use springbok_benches::{
    block_workloads, httparse, httparse_block, httparse_response, pico, pico_block, pico_response, pico_storage,
    response_workloads, springbok, springbok_block, springbok_response, workloads, MAX_HEADERS,
};

/// Benchmarks every workload of `$workloads`, one criterion group per
/// workload name, with the three parsers' adapters for that kind of input
/// (request heads, response heads or header blocks). A macro rather than a
/// function, so that each adapter is called directly, as in `count`.
macro_rules! bench_groups {
    ($c:expr, $config:expr, $workloads:expr, $springbok:path, $httparse:path, $pico:path) => {{
        let workloads = $workloads;
        let mut names: Vec<&str> = workloads.iter().map(|w| w.0).collect();
        names.dedup();
        for name in names {
            let mut g = $c.benchmark_group(name);
            for (_, n, buf) in workloads.iter().filter(|w| w.0 == name) {
                g.throughput(Throughput::Bytes(buf.len() as u64));
                let buf = buf.as_slice();
                let mut sh = [springbok_parser::EMPTY_HEADER; MAX_HEADERS];
                g.bench_function(BenchmarkId::new("springbok", n), |b| {
                    b.iter(|| $springbok($config, black_box(buf), &mut sh).expect("valid"))
                });
                let mut hh = [::httparse::EMPTY_HEADER; MAX_HEADERS];
                g.bench_function(BenchmarkId::new("httparse", n), |b| {
                    b.iter(|| $httparse(black_box(buf), &mut hh).expect("valid"))
                });
                let mut ph = pico_storage();
                g.bench_function(BenchmarkId::new("picohttpparser", n), |b| {
                    b.iter(|| $pico(black_box(buf), &mut ph).expect("valid"))
                });
            }
            g.finish();
        }
    }};
}

fn parse(c: &mut Criterion) {
    let config = springbok_parser::ParserConfig::new();
    bench_groups!(c, &config, workloads(), springbok, httparse, pico);
    bench_groups!(c, &config, response_workloads(), springbok_response, httparse_response, pico_response);
    bench_groups!(c, &config, block_workloads(), springbok_block, httparse_block, pico_block);
}

criterion_group!(benches, parse);
criterion_main!(benches);
