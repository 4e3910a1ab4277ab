//! Property tests: any split of a body (including one byte at a time) gives
//! the same events; a body written by `Builder` parses back to what was
//! written; arbitrary bytes never panic and are split-independent.

mod common;

use common::{run_sizes, Ev};
use proptest::prelude::*;
use springbok_multipart::collect::{Collector, DEFAULT_MAX_FIELD_MEMORY};
use springbok_multipart::{BuildError, Builder, Limits};

const BCHARS: &[u8] = b"0123456789abcXYZ'()+_,-./:=? ";

fn boundary_strategy() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(prop::sample::select(BCHARS), 1..24).prop_map(|mut b| {
        if b.last() == Some(&b' ') {
            *b.last_mut().unwrap() = b'z';
        }
        b
    })
}

/// Data made of pieces that look like delimiters: CR, LF, dashes, prefixes
/// of the boundary, and ordinary bytes.
fn data_strategy(boundary: Vec<u8>) -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        Just(b"\r".to_vec()),
        Just(b"\n".to_vec()),
        Just(b"-".to_vec()),
        Just(b"\r\n--".to_vec()),
        (0..=boundary.len()).prop_map(move |n| {
            let mut v = b"\r\n--".to_vec();
            v.extend_from_slice(&boundary[..n]);
            v
        }),
        any::<u8>().prop_map(|b| vec![b]),
        prop::collection::vec(any::<u8>(), 0..40),
    ];
    prop::collection::vec(piece, 0..12).prop_map(|v| v.concat())
}

#[derive(Clone, Debug)]
struct PartSpec {
    name: Vec<u8>,
    filename: Option<Vec<u8>>,
    content_type: Option<Vec<u8>>,
    data: Vec<u8>,
}

fn name_strategy() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(
        prop_oneof![prop::sample::select(&b"abz19_ \\%"[..]), Just(b'"'), Just(b'\r'), Just(b'\n'), 0x80u8..=0xff],
        0..10,
    )
}

fn body_strategy() -> impl Strategy<Value = (Vec<u8>, Vec<PartSpec>)> {
    boundary_strategy().prop_flat_map(|b| {
        let part = (
            name_strategy(),
            prop::option::of(name_strategy()),
            prop::option::of(prop::sample::select(vec![b"text/plain".to_vec(), b"application/octet-stream".to_vec()])),
            data_strategy(b.clone()),
        )
            .prop_map(|(name, filename, content_type, data)| PartSpec { name, filename, content_type, data });
        (Just(b), prop::collection::vec(part, 0..5))
    })
}

/// Writes the parts; `None` if the data happens to contain the delimiter.
fn build(b: &[u8], parts: &[PartSpec]) -> Option<Vec<u8>> {
    let mut w = Builder::new(b).unwrap();
    for p in parts {
        let r = match &p.filename {
            Some(f) => w.file(&p.name, f, p.content_type.as_deref(), &p.data),
            None => w.field(&p.name, &p.data).map(|_| ()).and(Ok(&mut w)),
        };
        match r {
            Ok(_) => {}
            Err(BuildError::DataContainsBoundary) => return None,
            Err(e) => panic!("{e}"),
        }
    }
    Some(w.finish())
}

fn limits() -> Limits {
    let mut l = Limits::default();
    l.max_preamble_bytes = 1 << 20;
    l
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn any_split_same_events((b, parts) in body_strategy(), sizes in prop::collection::vec(1usize..64, 1..8)) {
        let Some(body) = build(&b, &parts) else { return Ok(()) };
        let whole = run_sizes(&b, limits(), &body, &[usize::MAX]).unwrap();
        prop_assert_eq!(&run_sizes(&b, limits(), &body, &sizes).unwrap(), &whole);
        prop_assert_eq!(&run_sizes(&b, limits(), &body, &[1]).unwrap(), &whole);
        // The data round-trips.
        let datas: Vec<Vec<u8>> = parts.iter().map(|p| p.data.clone()).collect();
        let mut got = Vec::new();
        for ev in &whole {
            match ev {
                Ev::Start(_) => got.push(Vec::new()),
                Ev::Data(d) => got.last_mut().unwrap().extend_from_slice(d),
                _ => {}
            }
        }
        prop_assert_eq!(got, datas);
        prop_assert_eq!(whole.last(), Some(&Ev::End));
    }

    #[test]
    fn build_collect_round_trip((b, parts) in body_strategy(), chunk in 1usize..200) {
        let Some(body) = build(&b, &parts) else { return Ok(()) };
        let mut c = Collector::new(&b, limits(), DEFAULT_MAX_FIELD_MEMORY, Vec::<Vec<u8>>::new()).unwrap();
        for piece in body.chunks(chunk) {
            c.feed(piece).unwrap();
        }
        let (form, files) = c.finish().unwrap();
        let (fparts, vparts): (Vec<_>, Vec<_>) = parts.iter().partition(|p| p.filename.is_some());
        prop_assert_eq!(form.fields.len(), vparts.len());
        for (f, p) in form.fields.iter().zip(&vparts) {
            prop_assert_eq!(&f.name, &p.name);
            prop_assert_eq!(&f.value, &p.data);
        }
        prop_assert_eq!(form.files.len(), fparts.len());
        for ((info, data), p) in form.files.iter().zip(&files).zip(&fparts) {
            prop_assert_eq!(&info.name, &p.name);
            prop_assert_eq!(&info.filename, &p.filename);
            prop_assert_eq!(&info.content_type, &p.content_type);
            prop_assert_eq!(data, &p.data);
            prop_assert_eq!(info.size, p.data.len() as u64);
        }
    }

    /// Arbitrary (mostly malformed) input: never a panic, and the outcome
    /// (events, or the error with its offset) does not depend on the split.
    #[test]
    fn arbitrary_input_split_independent(
        b in boundary_strategy(),
        pieces in prop::collection::vec(prop_oneof![
            Just(b"\r\n".to_vec()), Just(b"--".to_vec()), Just(b" ".to_vec()),
            Just(b"Content-Disposition: form-data; name=\"a\"; filename=\"b\"\r\n".to_vec()),
            Just(b"Content-Disposition: form-data; name=\"a\"\r\n".to_vec()),
            Just(b"X: y\r\n".to_vec()), prop::collection::vec(any::<u8>(), 0..8),
        ], 0..20),
        use_boundary in prop::collection::vec(any::<bool>(), 20),
        sizes in prop::collection::vec(1usize..16, 1..6),
    ) {
        let mut body = Vec::new();
        for (i, p) in pieces.iter().enumerate() {
            if use_boundary[i] {
                body.extend_from_slice(b"--");
                body.extend_from_slice(&b);
            }
            body.extend_from_slice(p);
        }
        let mut l = Limits::default();
        l.max_headers = 3;
        l.max_header_bytes = 64;
        l.max_field_bytes = 40;
        l.max_preamble_bytes = 30;
        l.max_epilogue_bytes = 20;
        l.max_total_bytes = 150;
        l.max_file_bytes = 25;
        l.max_files = 2;
        l.max_fields = 3;
        let whole = run_sizes(&b, l, &body, &[usize::MAX]);
        for s in [&sizes[..], &[1]] {
            let r = run_sizes(&b, l, &body, s);
            match (&whole, &r) {
                (Ok(x), Ok(y)) => prop_assert_eq!(x, y),
                // The same kind at the same offset.
                (Err(x), Err(y)) => prop_assert_eq!(x, y),
                _ => prop_assert!(false, "{:?} vs {:?}", whole, r),
            }
        }
    }
}
