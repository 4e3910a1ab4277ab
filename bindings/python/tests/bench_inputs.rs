//! The Python benchmark's inputs (bench/inputs.py) are the Rust benches'
//! (springbok-benches), byte for byte, so that their figures compare.

use std::path::PathBuf;
use std::process::Command;

#[test]
fn python_bench_inputs_equal_the_rust_benches() {
    let here = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let out = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("python-bench-inputs");
    let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
    let status = Command::new(&python)
        .arg(here.join("bench/inputs.py"))
        .arg(&out)
        .status()
        .unwrap_or_else(|e| panic!("cannot run {python}: {e}"));
    assert!(status.success(), "bench/inputs.py failed");
    let read = |name: &str| std::fs::read(out.join(name)).unwrap();
    assert_eq!(read("pico_bench.http"), springbok_benches::PICO_BENCH_REQUEST);
    for n in springbok_benches::HEADER_COUNTS {
        assert_eq!(read(&format!("realistic_{n}.http")), springbok_benches::realistic_request(n), "{n} headers");
    }
}
