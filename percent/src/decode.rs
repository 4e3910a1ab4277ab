//! Percent-decoding: strict or WHATWG-lenient, `+` literal or space, into a caller buffer,
//! in place, or (feature `alloc`) into a `Cow`/`Vec`.
//!
//! One loop ([`decode_loop`]) serves every entry point; what differs is where the output goes
//! ([`Target`]) and what an invalid escape does ([`Policy`]).

use core::convert::Infallible;

use crate::error::{DecodeError, ErrorKind};
use crate::hex::{escape_at, escaped_byte, Escape};
use crate::scan::{eq_bytes, next_special};
use crate::slot::{put_all, Slot};

use core::mem::MaybeUninit;

#[cfg(feature = "alloc")]
use alloc::{borrow::Cow, vec::Vec};

/// What a `+` in the input means.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Plus {
    /// `+` is a literal plus sign (URL paths, RFC 3986).
    #[default]
    Literal,
    /// `+` is a space (`application/x-www-form-urlencoded`). It is replaced in the same pass as
    /// the escapes, so `%2B` still decodes to `+`.
    Space,
}

/// Where decoded bytes go. `input()` is read only at or after the read position, which is never
/// behind the write position, so an in-place target can read and write one buffer.
trait Target {
    type Error;
    fn input(&self) -> &[u8];
    /// Emit `input()[from..to]` unchanged.
    fn copy(&mut self, from: usize, to: usize) -> Result<(), Self::Error>;
    /// Emit one decoded byte; `at` is the input offset it comes from.
    fn push(&mut self, byte: u8, at: usize) -> Result<(), Self::Error>;
}

/// What an invalid or truncated escape does.
trait Policy {
    type Error;
    /// `Ok(())` keeps the `%` literally; `Err` stops decoding.
    fn invalid(kind: ErrorKind, at: usize) -> Result<(), Self::Error>;
}

/// WHATWG: an invalid escape is kept literally.
struct Lenient;
impl Policy for Lenient {
    type Error = Infallible;
    #[inline(always)]
    fn invalid(_: ErrorKind, _: usize) -> Result<(), Infallible> {
        Ok(())
    }
}

/// Strict: an invalid escape is an error at the offset of its `%`.
struct Strict;
impl Policy for Strict {
    type Error = DecodeError;
    #[inline(always)]
    fn invalid(kind: ErrorKind, at: usize) -> Result<(), DecodeError> {
        Err(DecodeError::new(kind, at))
    }
}

impl From<Infallible> for DecodeError {
    fn from(never: Infallible) -> Self {
        match never {}
    }
}

/// Decoding from one slice into another.
struct IntoSlice<'i, 'o> {
    input: &'i [u8],
    out: &'o mut [u8],
    len: usize,
}

impl Target for IntoSlice<'_, '_> {
    type Error = DecodeError;
    #[inline(always)]
    fn input(&self) -> &[u8] {
        self.input
    }
    #[inline(always)]
    fn copy(&mut self, from: usize, to: usize) -> Result<(), DecodeError> {
        let end = self.len + (to - from);
        match self.out.get_mut(self.len..end) {
            Some(dst) => {
                dst.copy_from_slice(&self.input[from..to]);
                self.len = end;
                Ok(())
            }
            None => Err(DecodeError::new(ErrorKind::OutputTooSmall, from + (self.out.len() - self.len))),
        }
    }
    #[inline(always)]
    fn push(&mut self, byte: u8, at: usize) -> Result<(), DecodeError> {
        match self.out.get_mut(self.len) {
            Some(dst) => {
                *dst = byte;
                self.len += 1;
                Ok(())
            }
            None => Err(DecodeError::new(ErrorKind::OutputTooSmall, at)),
        }
    }
}

/// Decoding a buffer onto itself (the write position never passes the read position).
struct InPlace<'b> {
    buf: &'b mut [u8],
    len: usize,
}

impl Target for InPlace<'_> {
    type Error = Infallible;
    #[inline(always)]
    fn input(&self) -> &[u8] {
        self.buf
    }
    #[inline(always)]
    fn copy(&mut self, from: usize, to: usize) -> Result<(), Infallible> {
        if from != self.len {
            self.buf.copy_within(from..to, self.len);
        }
        self.len += to - from;
        Ok(())
    }
    #[inline(always)]
    fn push(&mut self, byte: u8, _: usize) -> Result<(), Infallible> {
        self.buf[self.len] = byte;
        self.len += 1;
        Ok(())
    }
}

/// Decoding onto the end of a `Vec`.
#[cfg(feature = "alloc")]
struct IntoVec<'i, 'o> {
    input: &'i [u8],
    out: &'o mut Vec<u8>,
}

#[cfg(feature = "alloc")]
impl Target for IntoVec<'_, '_> {
    type Error = Infallible;
    #[inline(always)]
    fn input(&self) -> &[u8] {
        self.input
    }
    #[inline(always)]
    fn copy(&mut self, from: usize, to: usize) -> Result<(), Infallible> {
        self.out.extend_from_slice(&self.input[from..to]);
        Ok(())
    }
    #[inline(always)]
    fn push(&mut self, byte: u8, _: usize) -> Result<(), Infallible> {
        self.out.push(byte);
        Ok(())
    }
}

/// The decoder: `memchr` to the next `%` (or `+`), copy the run before it, then decode the run of
/// consecutive escapes byte by byte before going back to `memchr`.
#[inline(always)]
fn decode_loop<T, P, E>(t: &mut T, plus: Plus) -> Result<(), E>
where
    T: Target,
    P: Policy,
    E: From<T::Error> + From<P::Error>,
{
    let len = t.input().len();
    let mut r = 0;
    while let Some(i) = next_special(&t.input()[r..], plus) {
        let at = r + i;
        t.copy(r, at)?;
        r = at;
        loop {
            match t.input().get(r) {
                Some(b'+') if plus == Plus::Space => {
                    t.push(b' ', r)?;
                    r += 1;
                }
                Some(b'%') => {
                    let step = match escape_at(t.input(), r) {
                        Escape::Byte(b) => {
                            t.push(b, r)?;
                            3
                        }
                        Escape::InvalidHex => {
                            P::invalid(ErrorKind::InvalidHex, r)?;
                            t.push(b'%', r)?;
                            1
                        }
                        Escape::Truncated => {
                            P::invalid(ErrorKind::Truncated, r)?;
                            t.push(b'%', r)?;
                            1
                        }
                    };
                    r += step;
                }
                _ => break,
            }
        }
    }
    t.copy(r, len)?;
    Ok(())
}

/// Whether `input` contains anything a decoder would change: a `%`, or a `+` when
/// `plus` is [`Plus::Space`]. When it returns `false`, the input is its own decoding.
///
/// ```
/// use springbok_percent::{needs_decoding, Plus};
/// assert!(!needs_decoding(b"a+b", Plus::Literal));
/// assert!(needs_decoding(b"a+b", Plus::Space));
/// ```
#[inline]
pub fn needs_decoding(input: &[u8], plus: Plus) -> bool {
    next_special(input, plus).is_some()
}

/// Lenient (WHATWG) decoding of `input` into `out`; returns the decoded length.
///
/// A `%` not followed by two hex digits is copied literally. The only error is
/// [`ErrorKind::OutputTooSmall`], which cannot happen when `out.len() >= input.len()`.
///
/// ```
/// use springbok_percent::{decode_into, Plus};
/// let mut out = [0u8; 16];
/// let n = decode_into(b"%41%g1+%", &mut out, Plus::Literal).unwrap();
/// assert_eq!(&out[..n], b"A%g1+%");
/// ```
///
/// With `out.len() >= input.len()` it decodes 8 bytes at a time and may leave bytes of the
/// input in `out` past the decoded length (up to `input.len()`); with a shorter `out`, nothing
/// past the decoded length is written.
#[inline]
pub fn decode_into(input: &[u8], out: &mut [u8], plus: Plus) -> Result<usize, DecodeError> {
    if out.len() >= input.len() {
        return Ok(decode_words(input, out, plus));
    }
    let mut t = IntoSlice { input, out, len: 0 };
    decode_loop::<_, Lenient, DecodeError>(&mut t, plus)?;
    Ok(t.len)
}

/// Lenient decoding into an `out` at least as long as `input`, 8 bytes at a time: each word is
/// stored whole with its `+` turned into spaces (when `plus` says so), and the output position
/// moves past its bytes before the first `%`, where one escape is decoded. Small forms and long
/// runs alike cost a few operations a word, and no call to `memcpy`.
#[inline]
fn decode_words<T: Slot>(input: &[u8], out: &mut [T], plus: Plus) -> usize {
    let (mut r, mut w) = (0, 0);
    // `w <= r` throughout, so `out` (as long as `input`) has a word of room whenever the input
    // has a word left.
    while let (Some(word), Some(dst)) =
        (input.get(r..).and_then(<[u8]>::first_chunk::<8>), out.get_mut(w..).and_then(<[T]>::first_chunk_mut::<8>))
    {
        let word = u64::from_le_bytes(*word);
        let spaces = match plus {
            // `+` (0x2B) and SP (0x20) differ in 0x0B.
            Plus::Space => (eq_bytes(word, b'+') >> 7) * 0x0B,
            Plus::Literal => 0,
        };
        put_all(dst, &(word ^ spaces).to_le_bytes());
        let pct = eq_bytes(word, b'%');
        if pct == 0 {
            r += 8;
            w += 8;
            continue;
        }
        let before = (pct.trailing_zeros() / 8) as usize;
        r += before;
        w += before;
        // The escape, and any that follow it at once (encoded UTF-8 is runs of them), three
        // bytes read and one test each.
        while let Some(&[b'%', hi, lo]) = input.get(r..).and_then(<[u8]>::first_chunk::<3>) {
            let Some(byte) = escaped_byte(hi, lo) else { break };
            out[w].set(byte);
            w += 1;
            r += 3;
        }
        // A `%` that starts no valid escape stays as it is.
        if input.get(r) == Some(&b'%') {
            out[w].set(b'%');
            w += 1;
            r += 1;
        }
    }
    // The last few bytes, one at a time.
    while let Some(&b) = input.get(r) {
        let (byte, step) = match b {
            b'+' if plus == Plus::Space => (b' ', 1),
            b'%' => match escape_at(input, r) {
                Escape::Byte(b) => (b, 3),
                Escape::InvalidHex | Escape::Truncated => (b'%', 1),
            },
            b => (b, 1),
        };
        out[w].set(byte);
        w += 1;
        r += step;
    }
    w
}

/// Lenient (WHATWG) decoding of `input` into memory that need not be initialised (a buffer
/// about to be filled, as an FFI caller's), at least as long as `input`: returns the decoded
/// length `n`; `out[..n]` holds the decoding (bytes up to `input.len()` may be written too), or
/// `None`, with nothing written, when `out` is shorter than `input`.
///
/// ```
/// use core::mem::MaybeUninit;
/// use springbok_percent::{decode_into_uninit, Plus};
/// let mut out = [MaybeUninit::<u8>::uninit(); 8];
/// assert_eq!(decode_into_uninit(b"a+b%21", &mut out, Plus::Space), Some(4));
/// assert_eq!(decode_into_uninit(b"a+b%21", &mut out[..5], Plus::Space), None);
/// ```
#[inline]
pub fn decode_into_uninit(input: &[u8], out: &mut [MaybeUninit<u8>], plus: Plus) -> Option<usize> {
    (out.len() >= input.len()).then(|| decode_words(input, out, plus))
}

/// Strict decoding of `input` into `out`; returns the decoded length.
///
/// A `%` not followed by two hex digits is an error ([`ErrorKind::InvalidHex`] or
/// [`ErrorKind::Truncated`]) whose offset is that of the `%`. On error the content of `out` is
/// unspecified (a prefix may have been written).
///
/// ```
/// use springbok_percent::{decode_strict_into, ErrorKind, Plus};
/// let mut out = [0u8; 16];
/// let n = decode_strict_into(b"/a%2Fb", &mut out, Plus::Literal).unwrap();
/// assert_eq!(&out[..n], b"/a/b");
/// let e = decode_strict_into(b"/a%G0", &mut out, Plus::Literal).unwrap_err();
/// assert_eq!((e.kind(), e.offset()), (ErrorKind::InvalidHex, 2));
/// ```
#[inline]
pub fn decode_strict_into(input: &[u8], out: &mut [u8], plus: Plus) -> Result<usize, DecodeError> {
    let mut t = IntoSlice { input, out, len: 0 };
    decode_loop::<_, Strict, DecodeError>(&mut t, plus)?;
    Ok(t.len)
}

/// Lenient (WHATWG) decoding of `buf` onto itself; returns the decoded length (the decoded
/// bytes are `buf[..n]`, the rest of `buf` is left unspecified).
///
/// ```
/// use springbok_percent::{decode_in_place, Plus};
/// let mut buf = *b"a+b%21%";
/// let n = decode_in_place(&mut buf, Plus::Space);
/// assert_eq!(&buf[..n], b"a b!%");
/// ```
#[inline]
pub fn decode_in_place(buf: &mut [u8], plus: Plus) -> usize {
    let mut t = InPlace { buf, len: 0 };
    match decode_loop::<_, Lenient, Infallible>(&mut t, plus) {
        Ok(()) => t.len,
        Err(never) => match never {},
    }
}

/// Strict decoding of `buf` onto itself; returns the decoded length.
///
/// On error (offset of the bad `%`, as in [`decode_strict_into`]) `buf` is partially rewritten:
/// keep a copy, or call [`validate_strict`] first, if the original is still needed.
///
/// ```
/// use springbok_percent::{decode_strict_in_place, Plus};
/// let mut buf = *b"/caf%C3%A9";
/// let n = decode_strict_in_place(&mut buf, Plus::Literal).unwrap();
/// assert_eq!(&buf[..n], "/café".as_bytes());
/// ```
#[inline]
pub fn decode_strict_in_place(buf: &mut [u8], plus: Plus) -> Result<usize, DecodeError> {
    let mut t = InPlace { buf, len: 0 };
    decode_loop::<_, Strict, DecodeError>(&mut t, plus)?;
    Ok(t.len)
}

/// Checks that every `%` in `input` starts a valid `%XX` escape, without writing anything.
/// Returns the first error, exactly as [`decode_strict_into`] would report it.
///
/// ```
/// use springbok_percent::{validate_strict, ErrorKind};
/// assert!(validate_strict(b"/a%20b").is_ok());
/// assert_eq!(validate_strict(b"/a%2").unwrap_err().kind(), ErrorKind::Truncated);
/// ```
pub fn validate_strict(input: &[u8]) -> Result<(), DecodeError> {
    let mut r = 0;
    while let Some(i) = memchr::memchr(b'%', &input[r..]) {
        let at = r + i;
        match escape_at(input, at) {
            Escape::Byte(_) => r = at + 3,
            Escape::InvalidHex => return Err(DecodeError::new(ErrorKind::InvalidHex, at)),
            Escape::Truncated => return Err(DecodeError::new(ErrorKind::Truncated, at)),
        }
    }
    Ok(())
}

/// Lenient (WHATWG) decoding into a `Cow`: borrowed when there is nothing to decode.
///
/// ```
/// use std::borrow::Cow;
/// use springbok_percent::{decode, Plus};
/// assert!(matches!(decode(b"plain", Plus::Space), Cow::Borrowed(b"plain")));
/// assert_eq!(decode(b"a+b%2B", Plus::Space), &b"a b+"[..]);
/// ```
#[cfg(feature = "alloc")]
#[inline]
pub fn decode(input: &[u8], plus: Plus) -> Cow<'_, [u8]> {
    match next_special(input, plus) {
        None => Cow::Borrowed(input),
        Some(_) => {
            let mut out = Vec::with_capacity(input.len());
            decode_append(input, plus, &mut out);
            Cow::Owned(out)
        }
    }
}

/// Strict decoding into a `Cow`: borrowed when there is nothing to decode.
///
/// ```
/// use springbok_percent::{decode_strict, Plus};
/// assert_eq!(decode_strict(b"a%20b", Plus::Literal).unwrap(), &b"a b"[..]);
/// assert_eq!(decode_strict(b"a%2", Plus::Literal).unwrap_err().offset(), 1);
/// ```
#[cfg(feature = "alloc")]
pub fn decode_strict(input: &[u8], plus: Plus) -> Result<Cow<'_, [u8]>, DecodeError> {
    match next_special(input, plus) {
        None => Ok(Cow::Borrowed(input)),
        Some(_) => {
            let mut out = Vec::with_capacity(input.len());
            let mut t = IntoVec { input, out: &mut out };
            decode_loop::<_, Strict, DecodeError>(&mut t, plus)?;
            Ok(Cow::Owned(out))
        }
    }
}

/// Lenient (WHATWG) decoding of `input`, appended to `out`.
///
/// ```
/// use springbok_percent::{decode_append, Plus};
/// let mut out = b"k=".to_vec();
/// decode_append(b"%76", Plus::Literal, &mut out);
/// assert_eq!(out, b"k=v");
/// ```
#[cfg(feature = "alloc")]
pub fn decode_append(input: &[u8], plus: Plus, out: &mut Vec<u8>) {
    out.reserve(input.len());
    let mut t = IntoVec { input, out };
    match decode_loop::<_, Lenient, Infallible>(&mut t, plus) {
        Ok(()) => {}
        Err(never) => match never {},
    }
}
