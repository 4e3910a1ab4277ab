//! Runs one parser on one workload in a loop, for instruction counting:
//!
//! ```sh
//! cargo build --release -p springbok-benches --example count
//! valgrind --tool=callgrind --callgrind-out-file=/dev/null target/release/examples/count springbok pico_bench 703 10000
//! ```
//!
//! Arguments: parser (`springbok`, `httparse`, `picohttpparser`, or
//! `sb_parse` for the C ABI's `sb_parse_request` / `_response` /
//! `_headers`, called through their exports as C calls them), group and
//! parameter of a workload (as in the criterion benchmark ids), iterations.
//! `sb_parse` minus `springbok` is what the C entry adds to the Rust call.
//! Instructions per request = the difference between two iteration counts
//! divided by the difference of the counts (cancels start-up).

use std::ffi::{c_char, c_int};
use std::hint::black_box;

use springbok::sb_header;

use springbok_benches::{
    block_workloads, httparse, httparse_block, httparse_response, pico, pico_block, pico_response, pico_storage,
    response_workloads, springbok, springbok_block, springbok_response, workloads, MAX_HEADERS,
};

/// What a workload's bytes are, and so which call of each parser takes them.
#[derive(Clone, Copy)]
enum Kind {
    Request,
    Response,
    Block,
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, parser, group, param, iters] = args.as_slice() else {
        eprintln!("usage: count PARSER GROUP PARAM ITERATIONS");
        std::process::exit(2);
    };
    let param: usize = param.parse().expect("parameter");
    let iters: usize = iters.parse().expect("iterations");
    let kind = match group.as_str() {
        "responses" => Kind::Response,
        "header_blocks" => Kind::Block,
        _ => Kind::Request,
    };
    let (_, _, buf) = workloads()
        .into_iter()
        .chain(response_workloads())
        .chain(block_workloads())
        .find(|w| w.0 == group && w.1 == param)
        .expect("no such workload");
    let buf = buf.as_slice();
    let config = springbok_parser::ParserConfig::new();
    let mut sh = [springbok_parser::EMPTY_HEADER; MAX_HEADERS];
    let mut hh = [::httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut ph = pico_storage();
    let mut ch =
        [sb_header { name: std::ptr::null(), name_len: 0, value: std::ptr::null(), value_len: 0 }; MAX_HEADERS];
    let mut total = 0;
    let start = std::time::Instant::now();
    for _ in 0..iters {
        let r = match (parser.as_str(), kind) {
            ("springbok", Kind::Request) => springbok(&config, black_box(buf), &mut sh),
            ("httparse", Kind::Request) => httparse(black_box(buf), &mut hh),
            ("picohttpparser", Kind::Request) => pico(black_box(buf), &mut ph),
            ("springbok", Kind::Response) => springbok_response(&config, black_box(buf), &mut sh),
            ("httparse", Kind::Response) => httparse_response(black_box(buf), &mut hh),
            ("picohttpparser", Kind::Response) => pico_response(black_box(buf), &mut ph),
            ("sb_parse", Kind::Request) => c_request(black_box(buf), &mut ch),
            ("sb_parse", Kind::Response) => c_response(black_box(buf), &mut ch),
            ("sb_parse", Kind::Block) => c_block(black_box(buf), &mut ch),
            ("springbok", Kind::Block) => springbok_block(&config, black_box(buf), &mut sh),
            ("httparse", Kind::Block) => httparse_block(black_box(buf), &mut hh),
            ("picohttpparser", Kind::Block) => pico_block(black_box(buf), &mut ph),
            _ => panic!("unknown parser {parser}"),
        };
        total += r.expect("valid").0;
    }
    let ns = start.elapsed().as_nanos() as f64 / iters.max(1) as f64;
    println!(
        "{parser} {group}/{param}: {ns:.1} ns/request ({total} bytes; backend {:?})",
        springbok_parser::simd::backend()
    );
}

/// `sb_parse_request` (strict, `last_len` 0): `(head_len, header_count)`.
fn c_request(buf: &[u8], headers: &mut [sb_header]) -> Option<(usize, usize)> {
    let (mut method, mut method_len, mut path, mut path_len) = (std::ptr::null::<c_char>(), 0, std::ptr::null(), 0);
    let mut minor: c_int = 0;
    let mut num_headers = headers.len();
    // SAFETY: `buf` is `buf.len()` readable bytes, `headers` has
    // `num_headers` writable entries, the outputs are live locals.
    let ret = unsafe {
        springbok::pico::sb_parse_request(
            buf.as_ptr().cast(),
            buf.len(),
            &mut method,
            &mut method_len,
            &mut path,
            &mut path_len,
            &mut minor,
            headers.as_mut_ptr(),
            &mut num_headers,
            0,
        )
    };
    usize::try_from(ret).ok().map(|len| (len, num_headers))
}

/// `sb_parse_response` (strict, `last_len` 0): `(head_len, header_count)`.
fn c_response(buf: &[u8], headers: &mut [sb_header]) -> Option<(usize, usize)> {
    let (mut minor, mut status, mut msg, mut msg_len): (c_int, c_int, *const c_char, usize) =
        (0, 0, std::ptr::null(), 0);
    let mut num_headers = headers.len();
    // SAFETY: as in `c_request`.
    let ret = unsafe {
        springbok::pico::sb_parse_response(
            buf.as_ptr().cast(),
            buf.len(),
            &mut minor,
            &mut status,
            &mut msg,
            &mut msg_len,
            headers.as_mut_ptr(),
            &mut num_headers,
            0,
        )
    };
    usize::try_from(ret).ok().map(|len| (len, num_headers))
}

/// `sb_parse_headers` (strict, `last_len` 0): `(block_len, header_count)`.
fn c_block(buf: &[u8], headers: &mut [sb_header]) -> Option<(usize, usize)> {
    let mut num_headers = headers.len();
    // SAFETY: as in `c_request`.
    let ret = unsafe {
        springbok::pico::sb_parse_headers(buf.as_ptr().cast(), buf.len(), headers.as_mut_ptr(), &mut num_headers, 0)
    };
    usize::try_from(ret).ok().map(|len| (len, num_headers))
}
