//! Decoding one key or value, with the workspace's single decoder (`springbok-percent`).

use std::borrow::Cow;

use springbok_percent::{DecodeError, Plus};

/// Decodes one form component: `+` → space, `%XX` → byte, invalid escapes kept literally.
/// Borrowed when there is nothing to decode.
///
/// ```
/// use springbok_form_urlencoded::decode;
/// assert_eq!(decode(b"a+b%2B%zz"), &b"a b+%zz"[..]);
/// ```
#[inline]
pub fn decode(input: &[u8]) -> Cow<'_, [u8]> {
    springbok_percent::decode(input, Plus::Space)
}

/// Decodes `%XX` only, keeping `+` as `+` (a URL query component outside a form).
///
/// ```
/// use springbok_form_urlencoded::decode_keep_plus;
/// assert_eq!(decode_keep_plus(b"a+b%20"), &b"a+b "[..]);
/// ```
#[inline]
pub fn decode_keep_plus(input: &[u8]) -> Cow<'_, [u8]> {
    springbok_percent::decode(input, Plus::Literal)
}

/// Decodes one form component into a caller buffer without allocating; returns the decoded
/// length. `out.len() >= input.len()` always suffices; a shorter buffer that turns out too small
/// gives a [`DecodeError`] of kind
/// [`OutputTooSmall`](springbok_percent::ErrorKind::OutputTooSmall).
///
/// ```
/// use springbok_form_urlencoded::decode_into;
/// let mut buf = [0u8; 8];
/// let n = decode_into(b"x+%79", &mut buf).unwrap();
/// assert_eq!(&buf[..n], b"x y");
/// ```
#[inline]
pub fn decode_into(input: &[u8], out: &mut [u8]) -> Result<usize, DecodeError> {
    springbok_percent::decode_into(input, out, Plus::Space)
}

/// [`decode_into`] into memory that need not be initialised, at least as long as `input`:
/// the decoded length, or `None` (nothing written) when `out` is shorter than `input`.
///
/// ```
/// use std::mem::MaybeUninit;
/// use springbok_form_urlencoded::decode_into_uninit;
/// let mut buf = [MaybeUninit::<u8>::uninit(); 5];
/// assert_eq!(decode_into_uninit(b"x+%79", &mut buf), Some(3));
/// ```
#[inline]
pub fn decode_into_uninit(input: &[u8], out: &mut [std::mem::MaybeUninit<u8>]) -> Option<usize> {
    springbok_percent::decode_into_uninit(input, out, Plus::Space)
}
