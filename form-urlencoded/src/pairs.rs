//! The decoded pairs iterator and the `parse` entry points.

use std::borrow::Cow;

use springbok_percent::Plus;

use crate::split::RawPairs;
use crate::{limits, Error, Options};

/// Iterator over decoded `(key, value)` pairs; returned by [`parse`].
///
/// A key or value is [`Cow::Borrowed`] from the input when it contains no `+` and no `%`,
/// otherwise [`Cow::Owned`] with `+` → space and `%XX` decoded (invalid escapes kept
/// literally). Bytes, not strings: NUL and invalid UTF-8 are preserved.
#[derive(Clone, Debug)]
pub struct Pairs<'a> {
    raw: RawPairs<'a>,
}

impl<'a> Iterator for Pairs<'a> {
    type Item = (Cow<'a, [u8]>, Cow<'a, [u8]>);

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        let piece = self.raw.next_piece_inline()?;
        Some((decode_if(piece.key, piece.key_needs_decoding), decode_if(piece.value, piece.value_needs_decoding)))
    }
}

impl core::iter::FusedIterator for Pairs<'_> {}

/// Borrows `raw` unless the scanner saw a `%` or `+` in it.
#[inline]
fn decode_if(raw: &[u8], needs_decoding: bool) -> Cow<'_, [u8]> {
    if needs_decoding {
        let mut out = Vec::with_capacity(raw.len());
        springbok_percent::decode_append(raw, Plus::Space, &mut out);
        Cow::Owned(out)
    } else {
        Cow::Borrowed(raw)
    }
}

/// Parses `input` into decoded pairs, after checking the limits of `opts`.
///
/// ```
/// use springbok_form_urlencoded::{parse, Error, Options};
/// let pairs: Vec<_> = parse(b"q=a+b%21&&flag", &Options::new()).unwrap().collect();
/// assert_eq!(pairs, [(&b"q"[..], &b"a b!"[..]), (b"flag", b"")].map(|(k, v)| (k.into(), v.into())));
///
/// let err = parse(b"a=1&b=2&c=3", &Options::new().max_pairs(2)).unwrap_err();
/// assert_eq!(err, Error::TooManyPairs { limit: 2, offset: 8 });
/// ```
pub fn parse<'a>(input: &'a [u8], opts: &Options) -> Result<Pairs<'a>, Error> {
    Ok(Pairs { raw: parse_raw(input, opts)? })
}

/// Splits `input` into raw (undecoded) `(key, value)` slices, after checking the limits.
///
/// ```
/// use springbok_form_urlencoded::{parse_raw, Options};
/// let raw: Vec<_> = parse_raw(b"a=1;+b=%32", &Options::perl()).unwrap().collect();
/// assert_eq!(raw, [(&b"a"[..], &b"1"[..]), (b"+b", b"%32")]);
/// ```
pub fn parse_raw<'a>(input: &'a [u8], opts: &Options) -> Result<RawPairs<'a>, Error> {
    limits::check(input, opts)?;
    Ok(RawPairs::new(input, opts.get_mode()))
}
