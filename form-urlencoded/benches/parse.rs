//! springbok-form-urlencoded vs the `form_urlencoded` crate, same inputs, same run.
//!
//! Every iteration parses the whole input and consumes every decoded key and value:
//! - `springbok`: our `parse` with the default `Options` (so the limit check is included),
//!   pairs as `Cow<[u8]>`;
//! - `springbok_utf8`: the same plus `String::from_utf8_lossy` on each key and value, i.e. the
//!   exact output type `form_urlencoded` produces (`Cow<str>`, lossy UTF-8);
//! - `form_urlencoded`: `form_urlencoded::parse`, pairs as `Cow<str>`.
//!
//! `serde_urlencoded` is left out: it is `form_urlencoded` plus deserialization into owned
//! types, so it measures serde, not parsing.

use std::borrow::Cow;
use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use springbok_form_urlencoded::{parse, Options};

const SEED: &str = "foo=bar&bar=baz&q=HTTP%3A%3ARequest%3A%3ACommon&ie=UTF-8&sourceid=chrome";

/// Deterministic filler text made of `[a-z0-9]`.
fn filler(len: usize, seed: usize) -> String {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    (0..len).map(|i| ALPHABET[(i * 7 + seed * 13 + i / 5) % ALPHABET.len()] as char).collect()
}

/// Pads with `&z=…` filler until exactly `len` bytes.
fn pad_to(mut s: String, len: usize) -> String {
    if s.len() + 3 < len {
        let n = len - s.len() - 3;
        s.push_str("&z=");
        s.push_str(&filler(n, 99));
    }
    s.truncate(len);
    s
}

/// 4 KiB, 32 fields of ~120 unescaped bytes.
fn unescaped_4k() -> String {
    let s: Vec<String> = (0..32).map(|i| format!("field_{i}={}", filler(116, i))).collect();
    pad_to(s.join("&"), 4096)
}

/// 64 KiB, 4 fields of 16 KiB unescaped values (the "long unescaped values" case).
fn long_values_64k() -> String {
    let s: Vec<String> = (0..4).map(|i| format!("v{i}={}", filler(16 * 1024, i))).collect();
    pad_to(s.join("&"), 64 * 1024)
}

/// 64 KiB, exactly 1,000 pairs: words joined by `+`, an escaped comma or slash now and then.
fn thousand_pairs_64k() -> String {
    let pairs: Vec<String> = (0..1000)
        .map(|i| {
            let value = match i % 4 {
                0 => format!("{}+{}+{}", filler(16, i), filler(20, i + 1), filler(12, i + 2)),
                1 => format!("{}%2C{}%2F{}", filler(18, i), filler(17, i + 1), filler(10, i + 2)),
                _ => filler(50, i),
            };
            format!("k{i:04}={value}")
        })
        .collect();
    let mut s = pairs.join("&");
    // Widen the last value so the form is exactly 64 KiB, still 1,000 pairs.
    let missing = 64 * 1024 - s.len();
    s.push_str(&filler(missing, 7));
    s
}

/// ~4 KiB of percent-encoded UTF-8 (Japanese, Cyrillic, accents), 16 fields.
fn escaped_utf8() -> String {
    let text = "日本語のテキスト、Кириллица и ещё, café crème brûlée ";
    let value: String = form_urlencoded::byte_serialize(text.repeat(2).as_bytes()).collect();
    let pairs: Vec<String> = (0..16).map(|i| format!("%E5%90%8D{i}={value}")).collect();
    pairs.join("&")
}

fn springbok(input: &[u8], opts: &Options) {
    for (k, v) in parse(input, opts).unwrap() {
        black_box(k);
        black_box(v);
    }
}

fn springbok_utf8(input: &[u8], opts: &Options) {
    for (k, v) in parse(input, opts).unwrap() {
        black_box(lossy(k));
        black_box(lossy(v));
    }
}

/// `String::from_utf8_lossy` for a `Cow<[u8]>`, reusing an owned buffer when it is valid UTF-8
/// (what `form_urlencoded` does with its decoded bytes).
fn lossy(bytes: Cow<'_, [u8]>) -> Cow<'_, str> {
    match bytes {
        Cow::Borrowed(b) => String::from_utf8_lossy(b),
        Cow::Owned(v) => match String::from_utf8(v) {
            Ok(s) => Cow::Owned(s),
            Err(e) => Cow::Owned(String::from_utf8_lossy(e.as_bytes()).into_owned()),
        },
    }
}

fn form_urlencoded_crate(input: &[u8]) {
    for (k, v) in form_urlencoded::parse(input) {
        black_box(k);
        black_box(v);
    }
}

fn bench_parse(c: &mut Criterion) {
    let inputs = [
        ("seed_query", SEED.to_string()),
        ("unescaped_4k", unescaped_4k()),
        ("long_values_64k", long_values_64k()),
        ("1000_pairs_64k", thousand_pairs_64k()),
        ("escaped_utf8", escaped_utf8()),
    ];
    let opts = Options::new();
    for (name, input) in &inputs {
        // The inputs are what they say they are.
        assert_eq!(parse(input.as_bytes(), &opts).unwrap().count(), form_urlencoded::parse(input.as_bytes()).count());
        let mut group = c.benchmark_group(format!("parse/{name}"));
        group.throughput(Throughput::Bytes(input.len() as u64));
        let bytes = input.as_bytes();
        group.bench_with_input(BenchmarkId::from_parameter("springbok"), bytes, |b, i| {
            b.iter(|| springbok(black_box(i), &opts))
        });
        group.bench_with_input(BenchmarkId::from_parameter("springbok_utf8"), bytes, |b, i| {
            b.iter(|| springbok_utf8(black_box(i), &opts))
        });
        group.bench_with_input(BenchmarkId::from_parameter("form_urlencoded"), bytes, |b, i| {
            b.iter(|| form_urlencoded_crate(black_box(i)))
        });
        group.finish();
    }
}

criterion_group!(benches, bench_parse);
criterion_main!(benches);
