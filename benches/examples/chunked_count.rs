//! Decodes a 1 MiB chunked body in a loop, for instruction counting:
//!
//! ```sh
//! cargo build --release -p springbok-benches --example chunked_count --no-default-features
//! valgrind --tool=callgrind --callgrind-out-file=/dev/null target/release/examples/chunked_count springbok 16 10
//! ```
//!
//! Arguments: decoder (`springbok`, `picohttpparser`, or `restore`, which
//! only restores the encoded input as every iteration does), chunk size,
//! iterations. Instructions per chunk = the difference between two
//! iteration counts, minus `restore`'s, divided by the chunks decoded.

use std::hint::black_box;

use springbok_benches::chunked::{encode, pico, springbok};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, decoder, size, iters] = args.as_slice() else {
        eprintln!("usage: chunked_count DECODER CHUNK_SIZE ITERATIONS");
        std::process::exit(2);
    };
    let size: usize = size.parse().expect("chunk size");
    let iters: usize = iters.parse().expect("iterations");
    let encoded = encode(size);
    let mut buf = encoded.clone();
    let mut total = 0;
    for _ in 0..iters {
        buf.copy_from_slice(&encoded);
        total += match decoder.as_str() {
            "springbok" => springbok(black_box(&mut buf)),
            "picohttpparser" => pico(black_box(&mut buf)),
            "restore" => black_box(&mut buf).len(),
            _ => panic!("unknown decoder {decoder}"),
        };
    }
    println!("{decoder} 1 MiB in {size}-byte chunks: {total} bytes");
}
