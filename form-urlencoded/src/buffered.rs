//! Pairs decoded into one buffer, as bytes or as UTF-8 text: a form allocates at most once (a
//! caller that keeps the buffer for the next form, not at all).

use std::borrow::Cow;

use springbok_percent::Plus;

use crate::split::{RawPairs, RawPiece};
use crate::{limits, Error, Options};

/// Iterator over decoded `(key, value)` pairs whose decoded parts share one buffer; returned by
/// [`parse_buffered`].
///
/// A key or value is borrowed from the input when it contains no `+` and no `%`, otherwise from
/// the buffer, which the first such part sizes once to the rest of the input (decoding never
/// makes a part longer). Every item stays valid for `'a`, after the next one too.
#[derive(Debug)]
pub struct BufferedPairs<'a> {
    input: &'a [u8],
    raw: RawPairs<'a>,
    /// The caller's buffer, until the first part that needs decoding takes it.
    buf: Option<&'a mut Vec<u8>>,
    /// The part of the buffer not decoded into yet.
    free: &'a mut [u8],
}

impl<'a> BufferedPairs<'a> {
    /// The pairs as UTF-8 text, [`form_urlencoded`'s] output type: a part that is valid UTF-8 is
    /// borrowed (from the input or the buffer), one that is not has each invalid sequence
    /// replaced by U+FFFD (owned). Each part is checked right after it is split and decoded,
    /// while its bytes are in cache.
    ///
    /// [`form_urlencoded`'s]: https://docs.rs/form_urlencoded
    pub fn utf8(self) -> Utf8Pairs<'a> {
        // One check of the whole input: when it passes, a part that needs no decoding is text
        // as it is, a slice of this one (the separators and `=` are ASCII, so every part starts
        // and ends on a character boundary).
        let text = core::str::from_utf8(self.input).ok();
        Utf8Pairs { pairs: self, text }
    }

    /// `raw` decoded: itself when it needs no decoding, else its decoding in the buffer. `rest`
    /// is how many input bytes there are from `raw`'s start on: they bound every later part.
    #[inline]
    fn part(&mut self, raw: &'a [u8], needs_decoding: bool, rest: usize) -> Cow<'a, [u8]> {
        if !needs_decoding {
            return Cow::Borrowed(raw);
        }
        if let Some(buf) = self.buf.take() {
            buf.clear();
            buf.resize(rest, 0);
            self.free = buf.as_mut_slice();
        }
        let free = core::mem::take(&mut self.free);
        match springbok_percent::decode_into(raw, free, Plus::Space) {
            Ok(n) => {
                let (decoded, after) = free.split_at_mut(n);
                self.free = after;
                Cow::Borrowed(decoded)
            }
            // Not reached: the buffer holds the rest of the input, and decoding shrinks.
            Err(_) => {
                let mut out = Vec::with_capacity(raw.len());
                springbok_percent::decode_append(raw, Plus::Space, &mut out);
                Cow::Owned(out)
            }
        }
    }
}

impl<'a> Iterator for BufferedPairs<'a> {
    type Item = (Cow<'a, [u8]>, Cow<'a, [u8]>);

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        let RawPiece { key, value, key_needs_decoding, value_needs_decoding } = self.raw.next_piece_inline()?;
        // This pair's key and value and the input after them hold every part still to come.
        let after = self.raw.rest_len();
        let key = self.part(key, key_needs_decoding, key.len() + value.len() + after);
        let value = self.part(value, value_needs_decoding, value.len() + after);
        Some((key, value))
    }
}

impl core::iter::FusedIterator for BufferedPairs<'_> {}

/// Iterator over decoded pairs as UTF-8 text; returned by [`BufferedPairs::utf8`].
#[derive(Debug)]
pub struct Utf8Pairs<'a> {
    pairs: BufferedPairs<'a>,
    /// The input, when it is UTF-8.
    text: Option<&'a str>,
}

impl<'a> Utf8Pairs<'a> {
    /// One part as text: with nothing to decode, its slice of the input's text (when the input
    /// is UTF-8); else its decoding, checked on its own.
    #[inline(always)]
    fn part(&mut self, raw: &'a [u8], needs_decoding: bool, rest: usize) -> Cow<'a, str> {
        if !needs_decoding {
            if let Some(text) = self.text {
                // `raw` is a slice of the input: its offset there.
                let offset = raw.as_ptr() as usize - self.pairs.input.as_ptr() as usize;
                if let Some(s) = text.get(offset..offset + raw.len()) {
                    return Cow::Borrowed(s);
                }
            }
        }
        text(self.pairs.part(raw, needs_decoding, rest))
    }
}

impl<'a> Iterator for Utf8Pairs<'a> {
    type Item = (Cow<'a, str>, Cow<'a, str>);

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        let RawPiece { key, value, key_needs_decoding, value_needs_decoding } = self.pairs.raw.next_piece_inline()?;
        let after = self.pairs.raw.rest_len();
        let key = self.part(key, key_needs_decoding, key.len() + value.len() + after);
        let value = self.part(value, value_needs_decoding, value.len() + after);
        Some((key, value))
    }
}

impl core::iter::FusedIterator for Utf8Pairs<'_> {}

/// `bytes` as text, borrowed when it is UTF-8.
#[inline]
fn text(bytes: Cow<'_, [u8]>) -> Cow<'_, str> {
    match bytes {
        Cow::Borrowed(b) => match core::str::from_utf8(b) {
            Ok(s) => Cow::Borrowed(s),
            Err(_) => Cow::Owned(String::from_utf8_lossy(b).into_owned()),
        },
        Cow::Owned(v) => match String::from_utf8(v) {
            Ok(s) => Cow::Owned(s),
            Err(e) => Cow::Owned(String::from_utf8_lossy(e.as_bytes()).into_owned()),
        },
    }
}

/// Parses `input` into decoded pairs, after checking the limits of `opts`, decoding into `buf`
/// (its content is replaced; keep it for the next form to allocate nothing).
///
/// ```
/// use springbok_form_urlencoded::{parse_buffered, Options};
///
/// let mut buf = Vec::new();
/// let pairs: Vec<_> = parse_buffered(b"q=caf%C3%A9+au+lait&x=%FF", &Options::new(), &mut buf).unwrap().utf8().collect();
/// assert_eq!(pairs[0], ("q".into(), "café au lait".into()));
/// assert_eq!(pairs[1], ("x".into(), "\u{FFFD}".into()));
/// ```
pub fn parse_buffered<'a>(input: &'a [u8], opts: &Options, buf: &'a mut Vec<u8>) -> Result<BufferedPairs<'a>, Error> {
    limits::check(input, opts)?;
    Ok(BufferedPairs { input, raw: RawPairs::new(input, opts.get_mode()), buf: Some(buf), free: &mut [] })
}
