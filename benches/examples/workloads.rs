//! Writes the request workloads of the benchmarks to files, so that other
//! benchmarks (the Perl binding's `bench/bench.pl --verify-inputs`) can check
//! they parse byte-identical inputs:
//!
//! ```sh
//! cargo run --release -p springbok-benches --example workloads -- DIR
//! ```
//!
//! One file per workload, `DIR/<group>-<parameter>.http`, e.g.
//! `headers-10.http` for the realistic request with 10 headers.

use std::path::PathBuf;

fn main() -> std::io::Result<()> {
    let dir = PathBuf::from(std::env::args().nth(1).expect("usage: workloads DIR"));
    std::fs::create_dir_all(&dir)?;
    for (group, param, bytes) in springbok_benches::workloads() {
        std::fs::write(dir.join(format!("{group}-{param}.http")), bytes)?;
    }
    Ok(())
}
