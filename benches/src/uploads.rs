//! The multipart inputs of `benches/suite` and the Rust adapters that parse
//! them: Springbok's `springbok_multipart::Parser` against `multer`, both fed
//! the body in 64 KiB pieces (as a socket would hand it over).
//!
//! `multipart/benches/multipart.rs` has more shapes (4 KiB pieces,
//! adversarial bodies); these two are the ones every language's suite entry
//! parses.

use std::convert::Infallible;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures_util::stream::Stream;
use springbok_multipart::{Event, Limits, Parser};

/// The boundary of both bodies (a browser's).
pub const BOUNDARY: &str = "----WebKitFormBoundary7MA4YWxkTrZu0gW";

/// The size of the pieces the bodies are fed in.
pub const PIECE: usize = 64 * 1024;

/// Number of fields of the small-fields body.
pub const FIELDS: usize = 1000;

/// Size of the file of the upload body.
pub const FILE_BYTES: usize = 10 << 20;

/// Deterministic pseudo-random bytes (xorshift), like compressed file data.
pub fn random_bytes(n: usize) -> Vec<u8> {
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

fn part(out: &mut Vec<u8>, headers: &[&str], data: &[u8]) {
    out.extend_from_slice(format!("--{BOUNDARY}\r\n").as_bytes());
    for h in headers {
        out.extend_from_slice(h.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice(data);
    out.extend_from_slice(b"\r\n");
}

fn close(out: &mut Vec<u8>) {
    out.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
}

/// `n` small text fields, `field_0=value number 0 of the form`, ….
pub fn fields_body(n: usize) -> Vec<u8> {
    let mut out = Vec::new();
    for i in 0..n {
        let disposition = format!("Content-Disposition: form-data; name=\"field_{i}\"");
        part(&mut out, &[&disposition], format!("value number {i} of the form").as_bytes());
    }
    close(&mut out);
    out
}

/// One file part (`upload`, `big.bin`, `application/octet-stream`) of
/// `len` pseudo-random bytes.
pub fn file_body(len: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(len + 256);
    let headers = [
        "Content-Disposition: form-data; name=\"upload\"; filename=\"big.bin\"",
        "Content-Type: application/octet-stream",
    ];
    part(&mut out, &headers, &random_bytes(len));
    close(&mut out);
    out
}

/// Limits that admit both bodies whole.
pub fn limits() -> Limits {
    let mut l = Limits::default();
    l.max_total_bytes = u64::MAX;
    l
}

/// A part as both adapters report it, for the agreement check.
#[derive(Debug, PartialEq, Eq)]
pub struct PartSeen {
    /// The `name` parameter.
    pub name: Option<Vec<u8>>,
    /// The `filename` parameter.
    pub filename: Option<Vec<u8>>,
    /// The part's data.
    pub data: Vec<u8>,
}

/// Springbok: `body` fed in [`PIECE`]-sized pieces; every event handled.
/// Returns the data bytes plus the name bytes seen (a checksum of the work).
#[inline]
pub fn springbok(body: &[u8]) -> usize {
    let mut seen = 0;
    springbok_events(body, |ev| match ev {
        Event::Data(d) => seen += d.len(),
        Event::PartStart(p) => seen += p.name().map_or(0, |n| n.len()),
        _ => {}
    });
    seen
}

/// Springbok's parts, for the agreement check.
pub fn springbok_parts(body: &[u8]) -> Vec<PartSeen> {
    let mut parts: Vec<PartSeen> = Vec::new();
    springbok_events(body, |ev| match ev {
        Event::PartStart(p) => parts.push(PartSeen {
            name: p.name().map(|n| n.into_owned()),
            filename: p.filename().map(|n| n.into_owned()),
            data: Vec::new(),
        }),
        Event::Data(d) => parts.last_mut().expect("data inside a part").data.extend_from_slice(d),
        _ => {}
    });
    parts
}

fn springbok_events(body: &[u8], mut on: impl FnMut(Event<'_>)) {
    let mut p = Parser::new(BOUNDARY.as_bytes(), limits()).expect("valid boundary");
    for piece in body.chunks(PIECE) {
        let mut rest = piece;
        loop {
            let (n, ev) = p.feed(rest).expect("a valid body");
            rest = &rest[n..];
            match ev {
                Event::NeedMore => break,
                Event::End if rest.is_empty() => break,
                ev => on(ev),
            }
        }
    }
    p.finish().expect("a complete body");
}

/// Hands out pre-split pieces, `Pending` before each one as a socket would.
struct Pieces {
    pieces: Vec<Bytes>,
    at: usize,
    ready: bool,
}

impl Stream for Pieces {
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
        if self.at >= self.pieces.len() {
            return Poll::Ready(None);
        }
        self.at += 1;
        Poll::Ready(Some(Ok(self.pieces[self.at - 1].clone())))
    }
}

/// `body` split into [`PIECE`]-sized `Bytes`, as multer takes it (made
/// before timing: a server receives its pieces in buffers of its own).
pub fn pieces(body: &[u8]) -> Vec<Bytes> {
    body.chunks(PIECE).map(Bytes::copy_from_slice).collect()
}

/// multer: the same pieces through its stream interface. Returns what
/// [`springbok`] returns.
#[inline]
pub fn multer(pieces: &[Bytes]) -> usize {
    let mut seen = 0;
    multer_fields(pieces, |name, _, chunk| {
        seen += chunk.map_or(name.map_or(0, str::len), <[u8]>::len);
    });
    seen
}

/// multer's parts, for the agreement check.
pub fn multer_parts(pieces: &[Bytes]) -> Vec<PartSeen> {
    let mut parts: Vec<PartSeen> = Vec::new();
    multer_fields(pieces, |name, filename, chunk| match chunk {
        None => parts.push(PartSeen {
            name: name.map(|n| n.as_bytes().to_vec()),
            filename: filename.map(|n| n.as_bytes().to_vec()),
            data: Vec::new(),
        }),
        Some(c) => parts.last_mut().expect("data inside a part").data.extend_from_slice(c),
    });
    parts
}

/// Calls `on(name, filename, None)` at each part's start and
/// `on(name, filename, Some(chunk))` for each piece of its data.
fn multer_fields(pieces: &[Bytes], mut on: impl FnMut(Option<&str>, Option<&str>, Option<&[u8]>)) {
    let stream = Pieces { pieces: pieces.to_vec(), at: 0, ready: false };
    futures_executor::block_on(async move {
        let mut m = multer::Multipart::new(stream, BOUNDARY);
        while let Some(mut f) = m.next_field().await.expect("a valid body") {
            let (name, filename) = (f.name().map(str::to_owned), f.file_name().map(str::to_owned));
            on(name.as_deref(), filename.as_deref(), None);
            while let Some(c) = f.chunk().await.expect("a valid body") {
                on(name.as_deref(), filename.as_deref(), Some(&c));
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_never_contains_the_delimiter() {
        let data = random_bytes(FILE_BYTES);
        let delim = format!("\r\n--{BOUNDARY}");
        assert!(memchr::memmem::find(&data, delim.as_bytes()).is_none());
    }

    #[test]
    fn both_parsers_agree() {
        for (body, parts) in [(fields_body(FIELDS), FIELDS), (file_body(FILE_BYTES), 1)] {
            let ours = springbok_parts(&body);
            assert_eq!(ours.len(), parts);
            assert_eq!(ours, multer_parts(&pieces(&body)));
            assert_eq!(springbok(&body), multer(&pieces(&body)));
        }
    }
}
