//! Writes the benchmarks' inputs to files, so that other benchmarks parse
//! byte-identical input:
//!
//! ```sh
//! cargo run --release -p springbok-benches --example workloads -- DIR
//! ```
//!
//! One file per request workload, `DIR/<group>-<parameter>.http`, e.g.
//! `headers-10.http` for the realistic request with 10 headers (the Perl
//! binding's `bench/bench.pl --verify-inputs` and `benches/c` read these);
//! and the corpus of `benches/suite` (`springbok_benches::corpus`): its
//! request, form and multipart inputs and `DIR/manifest.json`, which lists
//! them.

use std::path::PathBuf;

fn main() -> std::io::Result<()> {
    let dir = PathBuf::from(std::env::args().nth(1).expect("usage: workloads DIR"));
    std::fs::create_dir_all(&dir)?;
    for (group, param, bytes) in springbok_benches::workloads() {
        std::fs::write(dir.join(format!("{group}-{param}.http")), bytes)?;
    }
    springbok_benches::corpus::write(&dir)
}
