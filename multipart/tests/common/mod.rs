//! Shared test helpers: drive a parser over a body with a given chunking and
//! record its events, with consecutive data pieces joined.
#![allow(dead_code)]

use springbok_multipart::{Error, Event, Limits, Options, Parser};

/// An owned, normalized event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ev {
    Start(Vec<(Vec<u8>, Vec<u8>)>),
    Data(Vec<u8>),
    PartEnd,
    End,
}

/// Feeds `body` in chunks of the sizes `sizes` yields (cycled; 0 is taken
/// as 1), records events, then calls `finish`.
pub fn run_sizes(boundary: &[u8], limits: Limits, body: &[u8], sizes: &[usize]) -> Result<Vec<Ev>, Error> {
    run_sizes_with(boundary, limits, Options::default(), body, sizes)
}

/// [`run_sizes`] with parser options.
pub fn run_sizes_with(
    boundary: &[u8],
    limits: Limits,
    options: Options,
    body: &[u8],
    sizes: &[usize],
) -> Result<Vec<Ev>, Error> {
    let (events, outcome) = run_events_with(boundary, limits, options, body, sizes);
    outcome.map(|()| events)
}

/// The events, and the outcome: on an error, the events before it too.
pub fn run_events_with(
    boundary: &[u8],
    limits: Limits,
    options: Options,
    body: &[u8],
    sizes: &[usize],
) -> (Vec<Ev>, Result<(), Error>) {
    let mut out = Vec::new();
    let outcome = (|| {
        let mut p = Parser::with_options(boundary, limits, options)?;
        let mut at = 0;
        let mut k = 0;
        while at < body.len() {
            let n = sizes[k % sizes.len()].max(1).min(body.len() - at);
            k += 1;
            feed_all(&mut p, &body[at..at + n], &mut out)?;
            at += n;
        }
        // An empty feed must be harmless.
        feed_all(&mut p, &[], &mut out)?;
        p.finish()
    })();
    (out, outcome)
}

/// Feeds one chunk completely.
pub fn feed_all(p: &mut Parser, chunk: &[u8], out: &mut Vec<Ev>) -> Result<(), Error> {
    let mut rest = chunk;
    let mut guard = 0usize;
    loop {
        guard += 1;
        assert!(guard < 4 * chunk.len() + 16, "no progress");
        let (n, ev) = p.feed(rest)?;
        assert!(n <= rest.len());
        let stop = matches!(ev, Event::NeedMore) || (matches!(ev, Event::End) && n == rest.len());
        if matches!(ev, Event::NeedMore) {
            assert_eq!(n, rest.len(), "NeedMore must consume everything");
        }
        push(out, ev);
        rest = &rest[n..];
        if stop {
            return Ok(());
        }
    }
}

fn push(out: &mut Vec<Ev>, ev: Event<'_>) {
    match ev {
        Event::PartStart(p) => out.push(Ev::Start(p.headers().map(|(n, v)| (n.to_vec(), v.to_vec())).collect())),
        Event::Data(d) => {
            assert!(!d.is_empty(), "empty data event");
            if let Some(Ev::Data(prev)) = out.last_mut() {
                prev.extend_from_slice(d);
            } else {
                out.push(Ev::Data(d.to_vec()));
            }
        }
        Event::PartEnd => out.push(Ev::PartEnd),
        Event::End => {
            if out.last() != Some(&Ev::End) {
                out.push(Ev::End)
            }
        }
        Event::NeedMore => {}
    }
}

/// Whole body in one feed.
pub fn run(boundary: &[u8], body: &[u8]) -> Result<Vec<Ev>, Error> {
    run_sizes(boundary, Limits::default(), body, &[usize::MAX])
}

/// The same body must give the same result — the same events, and the
/// same error with the same offset after the same events — for one feed, for
/// every split into two pieces, for pieces of 1 to 8 bytes and for a few
/// uneven patterns; returns that result.
pub fn run_all_splits(boundary: &[u8], limits: Limits, body: &[u8]) -> Result<Vec<Ev>, Error> {
    run_all_splits_with(boundary, limits, Options::default(), body)
}

/// [`run_all_splits`] with parser options.
pub fn run_all_splits_with(boundary: &[u8], limits: Limits, options: Options, body: &[u8]) -> Result<Vec<Ev>, Error> {
    let run = |sizes: &[usize]| run_events_with(boundary, limits, options, body, sizes);
    let whole = run(&[usize::MAX]);
    let check = |r: (Vec<Ev>, Result<(), Error>), what: &dyn Fn() -> String| {
        assert_eq!(r.1, whole.1, "{}: outcome (error kind and offset)", what());
        assert_eq!(r.0, whole.0, "{}: events", what());
    };
    // Every two-piece split (bodies in these tests are small; cap the
    // quadratic sweep for the few large ones).
    let step = body.len().div_ceil(2048).max(1);
    for k in (1..body.len()).step_by(step) {
        check(run(&[k, usize::MAX]), &|| format!("split at {k}"));
    }
    for size in 1..=8 {
        check(run(&[size]), &|| format!("{size}-byte pieces"));
    }
    for sizes in [&[3usize, 1, 7][..], &[5, 11, 2], &[1, 64]] {
        check(run(sizes), &|| format!("pieces {sizes:?}"));
    }
    let (events, outcome) = whole;
    outcome.map(|()| events)
}

pub fn start(headers: &[(&str, &str)]) -> Ev {
    Ev::Start(headers.iter().map(|(n, v)| (n.as_bytes().to_vec(), v.as_bytes().to_vec())).collect())
}

pub fn data(d: &[u8]) -> Ev {
    Ev::Data(d.to_vec())
}
