//! Differential test against `multer` on generated bodies: the same parts
//! (name, filename, content type, data) for every chunking.

use std::convert::Infallible;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures_util::stream::Stream;
use proptest::prelude::*;
use springbok_multipart::{BuildError, Builder, Event, Limits, Parser};

/// A stream that hands out `chunk`-sized pieces, returning `Pending` (and
/// waking itself) before each one, as a socket would: so multer really
/// sees the body piece by piece.
struct Chunked {
    body: Vec<u8>,
    at: usize,
    chunk: usize,
    ready: bool,
}

impl Stream for Chunked {
    type Item = Result<Bytes, Infallible>;
    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        // Pending before every item, the end included: multer 3.1 fails a
        // body whose first boundary arrives in the same poll as the end of
        // the stream ("incomplete multipart stream").
        if !self.ready {
            self.ready = true;
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
        self.ready = false;
        if self.at >= self.body.len() {
            return Poll::Ready(None);
        }
        let end = (self.at + self.chunk).min(self.body.len());
        let piece = Bytes::copy_from_slice(&self.body[self.at..end]);
        self.at = end;
        Poll::Ready(Some(Ok(piece)))
    }
}

type Parsed = Vec<(Option<String>, Option<String>, Option<String>, Vec<u8>)>;

fn with_multer(boundary: &str, body: &[u8], chunk: usize) -> Parsed {
    let stream = Chunked { body: body.to_vec(), at: 0, chunk, ready: false };
    futures_executor::block_on(async move {
        let mut m = multer::Multipart::new(stream, boundary);
        let mut out = Vec::new();
        while let Some(mut f) = m.next_field().await.unwrap() {
            let meta = (
                f.name().map(str::to_owned),
                f.file_name().map(str::to_owned),
                f.content_type().map(|m| m.to_string()),
            );
            let mut data = Vec::new();
            while let Some(c) = f.chunk().await.unwrap() {
                data.extend_from_slice(&c);
            }
            out.push((meta.0, meta.1, meta.2, data));
        }
        out
    })
}

fn with_springbok(boundary: &str, body: &[u8], chunk: usize) -> Parsed {
    let mut p = Parser::new(boundary.as_bytes(), Limits::default()).unwrap();
    let mut out: Parsed = Vec::new();
    let s = |v: Option<&[u8]>| v.map(|v| String::from_utf8(v.to_vec()).unwrap());
    for piece in body.chunks(chunk) {
        let mut rest = piece;
        loop {
            let (n, ev) = p.feed(rest).unwrap();
            rest = &rest[n..];
            match ev {
                Event::PartStart(part) => out.push((
                    s(part.name().as_deref()),
                    s(part.filename().as_deref()),
                    s(part.content_type()),
                    Vec::new(),
                )),
                Event::Data(d) => out.last_mut().unwrap().3.extend_from_slice(d),
                Event::PartEnd => {}
                Event::NeedMore => break,
                Event::End if rest.is_empty() => break,
                Event::End => {}
            }
        }
    }
    p.finish().unwrap();
    out
}

fn boundary_strategy() -> impl Strategy<Value = String> {
    "[0-9a-zA-Z'()+_,./:=?-]{1,30}"
}

fn data_strategy(boundary: String) -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        Just(b"\r\n".to_vec()),
        Just(b"\r".to_vec()),
        Just(b"--".to_vec()),
        (0..=boundary.len()).prop_map(move |n| format!("\r\n--{}", &boundary[..n]).into_bytes()),
        prop::collection::vec(any::<u8>(), 0..64),
    ];
    prop::collection::vec(piece, 0..10).prop_map(|v| v.concat())
}

type Spec = (String, Option<String>, Option<&'static str>, Vec<u8>);

fn parts_strategy() -> impl Strategy<Value = (String, Vec<Spec>)> {
    boundary_strategy().prop_flat_map(|b| {
        let part = (
            "[a-z0-9_]{1,8}",
            prop::option::of("[a-zA-Z0-9_. ]{1,12}"),
            prop::option::of(prop::sample::select(vec!["text/plain", "image/png"])),
            data_strategy(b.clone()),
        );
        (Just(b), prop::collection::vec(part, 1..5))
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn same_parts_as_multer((b, parts) in parts_strategy(), chunk in 1usize..300) {
        let mut w = Builder::new(b.as_bytes()).unwrap();
        for (name, filename, ct, data) in &parts {
            let r = match filename {
                Some(f) => w.file(name.as_bytes(), f.as_bytes(), ct.map(str::as_bytes), data).map(|_| ()),
                None => w.field(name.as_bytes(), data).map(|_| ()),
            };
            match r {
                Ok(()) => {}
                Err(BuildError::DataContainsBoundary) => return Ok(()),
                Err(e) => panic!("{e}"),
            }
        }
        let body = w.finish();
        let ours = with_springbok(&b, &body, chunk);
        let theirs = with_multer(&b, &body, chunk);
        prop_assert_eq!(&ours, &theirs);
        prop_assert_eq!(ours.len(), parts.len());
        // And the same as the whole body in one piece.
        prop_assert_eq!(&with_springbok(&b, &body, body.len()), &theirs);
    }
}

#[test]
fn browser_body_matches_multer() {
    let b = "----WebKitFormBoundary7MA4YWxkTrZu0gW";
    let body = format!(
        "--{b}\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nHello\r\n\
         --{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.bin\"\r\n\
         Content-Type: application/octet-stream\r\n\r\n\x00\x01\r\n--\r\n--{b}--\r\n"
    );
    for chunk in [1, 3, 64, body.len()] {
        assert_eq!(with_springbok(b, body.as_bytes(), chunk), with_multer(b, body.as_bytes(), chunk));
    }
}
