//! Request- and response-head parsing: Springbok vs httparse vs
//! picohttpparser, same inputs, same run. Group names are the workload,
//! function names the parser, the parameter the header count or field
//! length; `benches/report` turns the results into a table and a chart.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use springbok_benches::{
    httparse, httparse_response, pico, pico_response, pico_storage, response_workloads, springbok, springbok_response,
    workloads, MAX_HEADERS,
};

fn parse(c: &mut Criterion) {
    let config = springbok_parser::ParserConfig::new();
    let workloads = workloads();
    let mut names: Vec<&str> = workloads.iter().map(|w| w.0).collect();
    names.dedup();
    for name in names {
        let mut g = c.benchmark_group(name);
        for (_, n, buf) in workloads.iter().filter(|w| w.0 == name) {
            g.throughput(Throughput::Bytes(buf.len() as u64));
            let buf = buf.as_slice();
            let mut sh = [springbok_parser::EMPTY_HEADER; MAX_HEADERS];
            g.bench_function(BenchmarkId::new("springbok", n), |b| {
                b.iter(|| springbok(&config, black_box(buf), &mut sh).expect("valid"))
            });
            let mut hh = [::httparse::EMPTY_HEADER; MAX_HEADERS];
            g.bench_function(BenchmarkId::new("httparse", n), |b| {
                b.iter(|| httparse(black_box(buf), &mut hh).expect("valid"))
            });
            let mut ph = pico_storage();
            g.bench_function(BenchmarkId::new("picohttpparser", n), |b| {
                b.iter(|| pico(black_box(buf), &mut ph).expect("valid"))
            });
        }
        g.finish();
    }
    let mut g = c.benchmark_group("responses");
    for (_, n, buf) in response_workloads() {
        g.throughput(Throughput::Bytes(buf.len() as u64));
        let buf = buf.as_slice();
        let mut sh = [springbok_parser::EMPTY_HEADER; MAX_HEADERS];
        g.bench_function(BenchmarkId::new("springbok", n), |b| {
            b.iter(|| springbok_response(&config, black_box(buf), &mut sh).expect("valid"))
        });
        let mut hh = [::httparse::EMPTY_HEADER; MAX_HEADERS];
        g.bench_function(BenchmarkId::new("httparse", n), |b| {
            b.iter(|| httparse_response(black_box(buf), &mut hh).expect("valid"))
        });
        let mut ph = pico_storage();
        g.bench_function(BenchmarkId::new("picohttpparser", n), |b| {
            b.iter(|| pico_response(black_box(buf), &mut ph).expect("valid"))
        });
    }
    g.finish();
}

criterion_group!(benches, parse);
criterion_main!(benches);
