//! Parses one benchmark input in a loop, for instruction counting:
//!
//! ```sh
//! cargo build --release -p springbok-form-urlencoded --example form_count
//! valgrind --tool=callgrind --callgrind-out-file=/dev/null target/release/examples/form_count springbok_utf8 seed_query 1000
//! ```
//!
//! Arguments: parser (`springbok`, `springbok_utf8`, `form_urlencoded`),
//! input (as in the criterion bench: `seed_query`, `escaped_utf8`,
//! `20000_pairs`, ...), iterations. Instructions per parse = the difference
//! between two iteration counts divided by the difference of the counts.

use std::hint::black_box;

#[path = "../benches/inputs.rs"]
mod inputs;
#[path = "../benches/parsers.rs"]
mod parsers;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, parser, name, iters] = args.as_slice() else {
        eprintln!("usage: form_count PARSER INPUT ITERATIONS");
        std::process::exit(2);
    };
    let iters: usize = iters.parse().expect("iterations");
    let (_, input) = inputs::all().into_iter().find(|(n, _)| n == name).expect("no such input");
    let Some(run) = parsers::by_name(parser) else {
        eprintln!("unknown parser {parser}: one of {:?}", parsers::NAMES);
        std::process::exit(2);
    };
    let opts = parsers::options();
    for _ in 0..iters {
        run(black_box(input.as_bytes()), &opts);
    }
}
