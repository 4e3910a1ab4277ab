//! Springbok's multipart parser vs `multer` and a bare `memchr::memmem`
//! scan, on the same bytes in the same run.
//!
//! Workloads: a 10 MiB file part and 1,000 small fields, fed in 4 KiB and
//! 64 KiB chunks; adversarial shapes (file data that is all CRLF, data full
//! of `\r\n--boundar` fragments, a 1 MiB junk preamble).

use std::convert::Infallible;
use std::hint::black_box;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use futures_util::stream::Stream;
use springbok_multipart::{Builder, Event, Limits, Parser};

const BOUNDARY: &str = "----WebKitFormBoundary7MA4YWxkTrZu0gW";

/// Deterministic pseudo-random bytes (xorshift), like compressed file data.
fn random_bytes(n: usize) -> Vec<u8> {
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}

fn file_body(data: &[u8]) -> Vec<u8> {
    let mut b = Builder::new(BOUNDARY.as_bytes()).unwrap();
    b.file(b"upload", b"big.bin", Some(b"application/octet-stream"), data).unwrap();
    b.finish()
}

fn fields_body(n: usize) -> Vec<u8> {
    let mut b = Builder::new(BOUNDARY.as_bytes()).unwrap();
    for i in 0..n {
        let name = format!("field_{i}");
        let value = format!("value number {i} of the form");
        b.field(name.as_bytes(), value.as_bytes()).unwrap();
    }
    b.finish()
}

fn limits() -> Limits {
    let mut l = Limits::default();
    l.max_total_bytes = u64::MAX;
    l.max_preamble_bytes = 2 << 20;
    l.max_field_bytes = u64::MAX;
    l
}

/// Parses `body` fed in `chunk`-sized pieces; returns data bytes seen.
fn springbok(body: &[u8], chunk: usize) -> usize {
    let mut p = Parser::new(BOUNDARY.as_bytes(), limits()).unwrap();
    let mut seen = 0;
    for piece in body.chunks(chunk) {
        let mut rest = piece;
        loop {
            let (n, ev) = p.feed(rest).unwrap();
            rest = &rest[n..];
            match ev {
                Event::Data(d) => seen += d.len(),
                Event::PartStart(part) => seen += part.name().map_or(0, |n| n.len()),
                Event::NeedMore => break,
                Event::End if rest.is_empty() => break,
                _ => {}
            }
        }
    }
    p.finish().unwrap();
    seen
}

/// Hands out pre-split chunks, `Pending` before each one as a socket would.
struct Chunked {
    chunks: Vec<Bytes>,
    at: usize,
    ready: bool,
}

impl Stream for Chunked {
    type Item = Result<Bytes, Infallible>;
    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        // Pending before the end too: multer 3.1 fails a body whose first
        // boundary arrives in the same poll as the end of the stream.
        if !self.ready {
            self.ready = true;
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
        self.ready = false;
        if self.at >= self.chunks.len() {
            return Poll::Ready(None);
        }
        self.at += 1;
        Poll::Ready(Some(Ok(self.chunks[self.at - 1].clone())))
    }
}

fn split(body: &[u8], chunk: usize) -> Vec<Bytes> {
    body.chunks(chunk).map(Bytes::copy_from_slice).collect()
}

fn multer(chunks: &[Bytes]) -> usize {
    let stream = Chunked { chunks: chunks.to_vec(), at: 0, ready: false };
    futures_executor::block_on(async move {
        let mut m = multer::Multipart::new(stream, BOUNDARY);
        let mut seen = 0;
        while let Some(mut f) = m.next_field().await.unwrap() {
            seen += f.name().map_or(0, str::len);
            while let Some(c) = f.chunk().await.unwrap() {
                seen += c.len();
            }
        }
        seen
    })
}

/// The floor: one `memmem` pass over the same bytes for the delimiter.
fn memmem_scan(finder: &memchr::memmem::Finder<'_>, body: &[u8]) -> usize {
    finder.find_iter(body).count()
}

fn compare(c: &mut Criterion, group: &str, body: &[u8], with_multer: bool) {
    let delim = format!("\r\n--{BOUNDARY}");
    let finder = memchr::memmem::Finder::new(delim.as_bytes());
    let mut g = c.benchmark_group(group);
    g.throughput(Throughput::Bytes(body.len() as u64));
    g.bench_function("memmem", |b| b.iter(|| memmem_scan(&finder, black_box(body))));
    for (label, chunk) in [("4KiB", 4096), ("64KiB", 65536)] {
        g.bench_with_input(BenchmarkId::new("springbok", label), &chunk, |b, &chunk| {
            b.iter(|| springbok(black_box(body), chunk))
        });
        if with_multer {
            let chunks = split(body, chunk);
            g.bench_with_input(BenchmarkId::new("multer", label), &chunks, |b, chunks| {
                b.iter(|| multer(black_box(chunks)))
            });
        }
    }
    g.finish();
}

fn upload(c: &mut Criterion) {
    let body = file_body(&random_bytes(10 << 20));
    assert_eq!(springbok(&body, 4096), springbok(&body, body.len()));
    assert_eq!(springbok(&body, 4096), multer(&split(&body, 4096)));
    compare(c, "upload_10MiB", &body, true);
}

fn fields(c: &mut Criterion) {
    let body = fields_body(1000);
    assert_eq!(springbok(&body, 4096), multer(&split(&body, 4096)));
    compare(c, "fields_1000", &body, true);
}

fn adversarial(c: &mut Criterion) {
    // File data that is all CRLF.
    let crlf = b"\r\n".repeat(2 << 20);
    compare(c, "adv_crlf_4MiB", &file_body(&crlf), false);

    // Data full of delimiter fragments (`\r\n--` + a boundary prefix).
    let delim = format!("\r\n--{BOUNDARY}");
    let frag = &delim.as_bytes()[..delim.len() - 1];
    let mut data = Vec::with_capacity(4 << 20);
    while data.len() < 4 << 20 {
        data.extend_from_slice(frag);
        data.push(b'x');
    }
    compare(c, "adv_fragments_4MiB", &file_body(&data), false);

    // A 1 MiB junk preamble (random bytes, so with scattered CRs) before a
    // small part.
    let mut body = random_bytes(1 << 20);
    body.extend_from_slice(b"\r\n");
    let mut b = Builder::new(BOUNDARY.as_bytes()).unwrap();
    b.field(b"a", b"b").unwrap();
    body.extend_from_slice(&b.finish());
    compare(c, "adv_preamble_1MiB", &body, false);
}

criterion_group!(benches, upload, fields, adversarial);
criterion_main!(benches);
