//! The Rust entry of `benches/suite`: times Springbok against its Rust peers
//! on every input of the suite's corpus and prints the samples as JSON.
//!
//! ```sh
//! cargo run --release -p springbok-benches --bin suite -- --write-corpus DIR
//! cargo run --release -p springbok-benches --bin suite -- DIR [--repeats N] [--seconds S]
//! ```
//!
//! A binary rather than an example so that a release build of it does not
//! compile the crate's dev-dependencies (criterion): `scripts/test-all`
//! builds it for the smoke run.
//!
//! Requests: `springbok_parser::parse_request` against httparse and
//! picohttpparser (`picohttpparser-sys`, SSE4.2 build); forms:
//! `springbok_form_urlencoded::parse` (pairs as lossy UTF-8) against
//! `form_urlencoded`; multipart: `springbok_multipart::Parser` against
//! multer, in 64 KiB pieces. Each input is read from `DIR` and must be the
//! bytes `springbok_benches::corpus` generates; every parser must read it
//! the same way (`springbok_benches::agree`) before anything is timed.
//!
//! Each repeat times one batch of each parser, the order reversed every
//! other repeat; a batch takes about `--seconds` (default 0.1) of the
//! thread's CPU time, which is what is measured. The output
//! has, per input, every parser's ns per operation in each repeat: the
//! suite takes the medians and the ratios.

use std::hint::black_box;

use springbok_benches::corpus::{self, Input, Kind};
use springbok_benches::{agree, forms, httparse, pico, pico_storage, springbok, uploads, MAX_HEADERS};

/// A batch runner: runs its operation `n` times and returns a checksum.
type Batch<'a> = Box<dyn FnMut(usize) -> usize + 'a>;

/// This thread's CPU time in seconds (`CLOCK_THREAD_CPUTIME_ID`): on a
/// shared machine wall time mostly measures the scheduler, CPU time the work.
fn cpu_now() -> f64 {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `ts` is a valid, writable timespec for the call's duration.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    assert_eq!(rc, 0, "clock_gettime(CLOCK_THREAD_CPUTIME_ID)");
    ts.tv_sec as f64 + ts.tv_nsec as f64 * 1e-9
}

/// CPU seconds of one batch of `n`.
fn run(batch: &mut Batch<'_>, n: usize) -> f64 {
    let start = cpu_now();
    black_box(batch(n));
    cpu_now() - start
}

/// ns per operation of one batch of `n`.
fn time(batch: &mut Batch<'_>, n: usize) -> f64 {
    run(batch, n) * 1e9 / n as f64
}

/// A batch size that lasts about `seconds` (at least 1 operation).
fn calibrate(batch: &mut Batch<'_>, seconds: f64) -> usize {
    let mut n = 1;
    loop {
        let elapsed = run(batch, n);
        if elapsed >= seconds / 8.0 || n >= 1 << 30 {
            return ((n as f64 * seconds / elapsed.max(1e-9)) as usize).max(1);
        }
        n *= 4;
    }
}

/// The parsers of one input: `(name, batch)`, Springbok first.
fn batches(input: &Input) -> Vec<(&'static str, Batch<'_>)> {
    let buf = input.bytes.as_slice();
    match input.kind {
        Kind::Request => {
            let config = springbok_parser::ParserConfig::new();
            let mut sh = [springbok_parser::EMPTY_HEADER; MAX_HEADERS];
            let mut hh = [::httparse::EMPTY_HEADER; MAX_HEADERS];
            let mut ph = pico_storage();
            vec![
                (
                    "springbok_parser::parse_request",
                    Box::new(move |n| {
                        (0..n).map(|_| springbok(&config, black_box(buf), &mut sh).expect("valid").0).sum()
                    }),
                ),
                (
                    "httparse",
                    Box::new(move |n| (0..n).map(|_| httparse(black_box(buf), &mut hh).expect("valid").0).sum()),
                ),
                (
                    "picohttpparser-sys (SSE4.2)",
                    Box::new(move |n| (0..n).map(|_| pico(black_box(buf), &mut ph).expect("valid").0).sum()),
                ),
            ]
        }
        Kind::Form => {
            let opts = forms::options();
            vec![
                (
                    "springbok_form_urlencoded::parse (UTF-8 pairs)",
                    Box::new(move |n| (0..n).map(|_| forms::springbok(black_box(buf), &opts)).sum()),
                ),
                (
                    "form_urlencoded::parse",
                    Box::new(move |n| (0..n).map(|_| forms::form_urlencoded(black_box(buf))).sum()),
                ),
            ]
        }
        Kind::Multipart => {
            let pieces = uploads::pieces(buf);
            vec![
                (
                    "springbok_multipart::Parser",
                    Box::new(move |n| (0..n).map(|_| uploads::springbok(black_box(buf))).sum()),
                ),
                ("multer", Box::new(move |n| (0..n).map(|_| uploads::multer(black_box(&pieces))).sum())),
            ]
        }
    }
}

fn group(kind: Kind) -> &'static str {
    match kind {
        Kind::Request => "requests",
        Kind::Form => "forms",
        Kind::Multipart => "multipart",
    }
}

fn samples(ns: &[f64]) -> String {
    let v: Vec<String> = ns.iter().map(|x| format!("{x:.3}")).collect();
    format!("[{}]", v.join(", "))
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let [flag, dir] = args.as_slice() {
        if flag == "--write-corpus" {
            if let Err(e) = corpus::write(std::path::Path::new(dir)) {
                eprintln!("{dir}: {e}");
                std::process::exit(1);
            }
            return;
        }
    }
    let mut dir = None;
    let (mut repeats, mut seconds) = (5usize, 0.1f64);
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--repeats" => repeats = it.next().and_then(|v| v.parse().ok()).expect("--repeats N"),
            "--seconds" => seconds = it.next().and_then(|v| v.parse().ok()).expect("--seconds S"),
            _ if dir.is_none() => dir = Some(std::path::PathBuf::from(a)),
            _ => {
                eprintln!("usage: suite CORPUS_DIR [--repeats N] [--seconds S] | suite --write-corpus DIR");
                std::process::exit(2);
            }
        }
    }
    let dir = dir.expect("usage: suite CORPUS_DIR [--repeats N] [--seconds S] | suite --write-corpus DIR");
    let mut rows = Vec::new();
    for input in corpus::inputs() {
        let on_disk = std::fs::read(dir.join(input.file())).unwrap_or_else(|e| panic!("{}: {e}", input.file()));
        if on_disk != input.bytes {
            eprintln!("{}: not the bytes springbok_benches::corpus generates (a stale corpus?)", input.file());
            std::process::exit(1);
        }
        if let Err(e) = agree::check(&input) {
            eprintln!("the parsers disagree: {e}");
            std::process::exit(1);
        }
        let mut parsers = batches(&input);
        let sizes: Vec<usize> = parsers.iter_mut().map(|(_, b)| calibrate(b, seconds)).collect();
        let mut ns = vec![Vec::with_capacity(repeats); parsers.len()];
        for r in 0..repeats {
            let mut order: Vec<usize> = (0..parsers.len()).collect();
            if r % 2 == 1 {
                order.reverse();
            }
            for i in order {
                ns[i].push(time(&mut parsers[i].1, sizes[i]));
            }
        }
        let peers: Vec<String> = parsers[1..]
            .iter()
            .zip(&ns[1..])
            .map(|((name, _), ns)| format!("{{\"name\": \"{name}\", \"ns\": {}}}", samples(ns)))
            .collect();
        rows.push(format!(
            "{{\"group\": \"{}\", \"input\": \"{}\", \"checked\": true, \"springbok\": {{\"name\": \"{}\", \"ns\": {}}}, \"peers\": [{}]}}",
            group(input.kind),
            input.name,
            parsers[0].0,
            samples(&ns[0]),
            peers.join(", ")
        ));
        eprintln!("rust: {} timed", input.name);
    }
    println!(
        "{{\"language\": \"rust\", \"versions\": \"springbok-parser backend {:?}; httparse 1.10; picohttpparser-sys 1.0 (SSE4.2); form_urlencoded 1.2; multer 3.1\", \"repeats\": {repeats}, \"rows\": [\n{}\n]}}",
        springbok_parser::simd::backend(),
        rows.join(",\n")
    );
}
