//! The parsers compared, shared by the criterion bench (`parse.rs`) and the
//! instruction-count example (`examples/count.rs`). Each parses the whole
//! input and consumes every key and value.

use std::borrow::Cow;
use std::hint::black_box;

use springbok_form_urlencoded::{parse, parse_buffered, Options};

/// The options every Springbok parser gets: the defaults, with a pair limit
/// high enough for the largest input (the check still runs).
pub fn options() -> Options {
    Options::new().max_pairs(20_000)
}

/// The parsers, by their names in the bench ids.
pub const NAMES: [&str; 3] = ["springbok", "springbok_utf8", "form_urlencoded"];

/// A parser by its name in the bench ids.
pub fn by_name(name: &str) -> Option<fn(&[u8], &Options)> {
    Some(match name {
        "springbok" => springbok,
        "springbok_utf8" => springbok_utf8,
        "springbok_lossy" => springbok_lossy,
        "form_urlencoded" => form_urlencoded_crate,
        _ => return None,
    })
}

pub fn springbok(input: &[u8], opts: &Options) {
    for (k, v) in parse(input, opts).unwrap() {
        black_box(k);
        black_box(v);
    }
}

pub fn springbok_utf8(input: &[u8], opts: &Options) {
    // A buffer per form: at most one allocation for a form, as a caller that does not keep
    // its buffer gets.
    let mut buf = Vec::new();
    for (k, v) in parse_buffered(input, opts, &mut buf).unwrap().utf8() {
        black_box(k);
        black_box(v);
    }
}

/// `springbok_utf8` before `parse_buffered`: `parse`, then `String::from_utf8_lossy` on each
/// part.
pub fn springbok_lossy(input: &[u8], opts: &Options) {
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

pub fn form_urlencoded_crate(input: &[u8], _: &Options) {
    for (k, v) in form_urlencoded::parse(input) {
        black_box(k);
        black_box(v);
    }
}
