//! Percent-encoding with documented byte sets.

use core::mem::MaybeUninit;

use crate::error::OutputTooSmall;
use crate::hex::UPPER_HEX;
use crate::slot::{put_all, Slot};

#[cfg(feature = "alloc")]
use alloc::{borrow::Cow, string::String};

/// Which bytes an encoder writes as themselves; every other byte becomes `%XX` (upper-case hex),
/// except a space when [`space_as_plus`](EncodeSet::space_as_plus) is set, which becomes `+`.
///
/// | set | kept as is | space | where it comes from |
/// | --- | --- | --- | --- |
/// | [`WHATWG_FORM`](EncodeSet::WHATWG_FORM) | `A-Za-z0-9*-._` | `+` | WHATWG URL Standard, `application/x-www-form-urlencoded` serializer (what browsers and Rust's `form_urlencoded` write) |
/// | [`WWW_FORM_URLENCODED`](EncodeSet::WWW_FORM_URLENCODED) | `A-Za-z0-9-._~` (RFC 3986 unreserved) | `+` | Perl WWW::Form::UrlEncoded's `build_urlencoded` (documented; the pure-Perl build) |
/// | [`WWW_FORM_URLENCODED_XS`](EncodeSet::WWW_FORM_URLENCODED_XS) | `A-Za-z0-9-._~!'()*` (RFC 2396 unreserved) | `+` | WWW::Form::UrlEncoded::XS 0.28's `build_urlencoded` (observed) |
/// | [`RFC3986_UNRESERVED`](EncodeSet::RFC3986_UNRESERVED) | `A-Za-z0-9-._~` | `%20` | RFC 3986 §2.3: safe in any URI component |
///
/// `%` is always encoded (otherwise the output could not be decoded back), and so is `+` when
/// spaces are written as `+`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EncodeSet {
    keep: [bool; 256],
    space_as_plus: bool,
    /// What each byte becomes, for the single-pass encoder: up to three output bytes in the low
    /// three bytes (little-endian), their count in the top byte.
    out: [u32; 256],
}

const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

impl EncodeSet {
    /// WHATWG `application/x-www-form-urlencoded` serializer: keeps ASCII alphanumerics and
    /// `*-._`, writes a space as `+`.
    pub const WHATWG_FORM: EncodeSet = EncodeSet::new(ALNUM, b"*-._", true);

    /// Perl WWW::Form::UrlEncoded `build_urlencoded` as documented (and as its pure-Perl
    /// implementation does): keeps the RFC 3986 unreserved set `A-Za-z0-9-._~`, writes a space
    /// as `+`.
    pub const WWW_FORM_URLENCODED: EncodeSet = EncodeSet::new(ALNUM, b"-._~", true);

    /// WWW::Form::UrlEncoded::XS (0.28, Debian's) `build_urlencoded`: also keeps `!'()*`, i.e.
    /// the RFC 2396 unreserved set `A-Za-z0-9-_.!~*'()`; a space is `+`.
    pub const WWW_FORM_URLENCODED_XS: EncodeSet = EncodeSet::new(ALNUM, b"-._~!'()*", true);

    /// RFC 3986 unreserved set `A-Za-z0-9-._~`; a space is `%20`. Safe in a path segment or a
    /// query component.
    pub const RFC3986_UNRESERVED: EncodeSet = EncodeSet::new(ALNUM, b"-._~", false);

    /// A set keeping the bytes of `keep` and of `also_keep` (two lists so that constants can
    /// combine a common base with extras).
    ///
    /// Non-ASCII bytes and `%` are never kept; with `space_as_plus`, `+` is never kept either
    /// (and a space is written as `+` whatever the lists say).
    ///
    /// ```
    /// use springbok_percent::EncodeSet;
    /// let set = EncodeSet::new(b"abc", b"/%", false);
    /// assert!(set.keeps(b'/') && !set.keeps(b'%') && !set.keeps(b'd'));
    /// ```
    pub const fn new(keep: &[u8], also_keep: &[u8], space_as_plus: bool) -> EncodeSet {
        let mut table = [false; 256];
        let mut i = 0;
        while i < keep.len() + also_keep.len() {
            let b = if i < keep.len() { keep[i] } else { also_keep[i - keep.len()] };
            let forbidden = b >= 0x80 || b == b'%' || (space_as_plus && (b == b'+' || b == b' '));
            if !forbidden {
                table[b as usize] = true;
            }
            i += 1;
        }
        let mut out = [0u32; 256];
        let mut b = 0;
        while b < 256 {
            out[b] = if table[b] {
                1 << 24 | b as u32
            } else if b == b' ' as usize && space_as_plus {
                1 << 24 | b'+' as u32
            } else {
                3 << 24 | (UPPER_HEX[b & 0xF] as u32) << 16 | (UPPER_HEX[b >> 4] as u32) << 8 | b'%' as u32
            };
            b += 1;
        }
        EncodeSet { keep: table, space_as_plus, out }
    }

    /// Whether `byte` is written as itself.
    #[inline]
    pub const fn keeps(&self, byte: u8) -> bool {
        self.keep[byte as usize]
    }

    /// Whether a space is written as `+` (otherwise as `%20`, unless kept).
    #[inline]
    pub const fn space_as_plus(&self) -> bool {
        self.space_as_plus
    }

    /// Length of the run of kept bytes at the start of `input`.
    #[cfg(feature = "alloc")]
    #[inline]
    fn kept_prefix(&self, input: &[u8]) -> usize {
        input.iter().position(|&b| !self.keep[b as usize]).unwrap_or(input.len())
    }

    /// The encoding of one byte that is not kept: `+` or `%XX`.
    #[inline]
    fn escape(&self, byte: u8) -> ([u8; 3], usize) {
        if byte == b' ' && self.space_as_plus {
            ([b'+', 0, 0], 1)
        } else {
            ([b'%', UPPER_HEX[(byte >> 4) as usize], UPPER_HEX[(byte & 0xF) as usize]], 3)
        }
    }
}

/// The length of `input` once encoded with `set`.
///
/// ```
/// use springbok_percent::{encoded_len, EncodeSet};
/// assert_eq!(encoded_len(b"a b/", &EncodeSet::WHATWG_FORM), 6); // a+b%2F
/// ```
pub fn encoded_len(input: &[u8], set: &EncodeSet) -> usize {
    input.iter().map(|&b| (set.out[usize::from(b)] >> 24) as usize).sum()
}

/// Encodes `input` into `out` with `set`; returns the encoded length (at most
/// `3 * input.len()`). Only `out[..n]` is written on success; on error `out` holds an
/// unspecified prefix.
///
/// When `out` has room for the worst case (`3 * input.len()` bytes) the input is read once;
/// otherwise the exact length is checked as the output is written.
///
/// ```
/// use springbok_percent::{encode_into, EncodeSet};
/// let mut out = [0u8; 16];
/// let n = encode_into("é ~".as_bytes(), &mut out, &EncodeSet::RFC3986_UNRESERVED).unwrap();
/// assert_eq!(&out[..n], b"%C3%A9%20~");
/// assert_eq!(encode_into(b"a b", &mut out[..2], &EncodeSet::WHATWG_FORM).unwrap_err().needed, 3);
/// ```
#[inline(always)]
pub fn encode_into(input: &[u8], out: &mut [u8], set: &EncodeSet) -> Result<usize, OutputTooSmall> {
    encode_slots(input, out, set)
}

/// [`encode_into`] into memory that need not be initialised (a buffer about to be filled, as
/// an FFI caller's): `out[..n]` is written, and nothing else.
///
/// ```
/// use core::mem::MaybeUninit;
/// use springbok_percent::{encode_into_uninit, EncodeSet};
/// let mut out = [MaybeUninit::<u8>::uninit(); 9];
/// assert_eq!(encode_into_uninit(b"a b/", &mut out, &EncodeSet::WHATWG_FORM), Ok(6));
/// ```
#[inline(always)]
pub fn encode_into_uninit(input: &[u8], out: &mut [MaybeUninit<u8>], set: &EncodeSet) -> Result<usize, OutputTooSmall> {
    encode_slots(input, out, set)
}

#[inline(always)]
fn encode_slots<T: Slot>(input: &[u8], out: &mut [T], set: &EncodeSet) -> Result<usize, OutputTooSmall> {
    match input.len().checked_mul(3) {
        Some(worst) if out.len() >= worst => Ok(encode_worst_case(input, &mut out[..worst], set)),
        _ => encode_checked(input, out, set),
    }
}

/// The single pass of [`encode_into`] into `out`, at least `3 * input.len()` bytes long: eight
/// bytes that are all kept are copied as one word; any other byte's encoding comes from one
/// table entry. Byte `i`'s encoding starts at most at `3 * i`, so the writes always fit.
#[inline(always)]
fn encode_worst_case<T: Slot>(input: &[u8], out: &mut [T], set: &EncodeSet) -> usize {
    // `last` is the furthest a three-byte encoding may start; the position is clamped to it (a
    // no-op, see above) so that the writes need no bounds check.
    let Some(last) = out.len().checked_sub(3) else { return 0 };
    let mut w = 0;
    let mut words = input.chunks_exact(8);
    for word in &mut words {
        if word.iter().fold(true, |all, &b| all & set.keep[usize::from(b)]) {
            if let Some(dst) = out.get_mut(w..).and_then(<[T]>::first_chunk_mut::<8>) {
                put_all(dst, word);
            }
            w += 8;
        } else {
            for &b in word {
                w = set.put(b, out, w.min(last));
            }
        }
    }
    for &b in words.remainder() {
        w = set.put(b, out, w.min(last));
    }
    w
}

/// [`encode_into`] into a buffer that may be too small: every write is checked.
#[inline(never)]
fn encode_checked<T: Slot>(input: &[u8], out: &mut [T], set: &EncodeSet) -> Result<usize, OutputTooSmall> {
    let too_small = || OutputTooSmall { needed: encoded_len(input, set) };
    let mut w = 0;
    for &b in input {
        let (bytes, n) = if set.keeps(b) { ([b, 0, 0], 1) } else { set.escape(b) };
        let dst = out.get_mut(w..w + n).ok_or_else(too_small)?;
        put_all(dst, &bytes[..n]);
        w += n;
    }
    Ok(w)
}

impl EncodeSet {
    /// Writes `byte`'s encoding at `out[w..]`, where three bytes must fit; returns the write
    /// position after it.
    #[inline(always)]
    fn put<T: Slot>(&self, byte: u8, out: &mut [T], w: usize) -> usize {
        let e = self.out[usize::from(byte)];
        let dst = &mut out[w..w + 3];
        dst[0].set(e as u8);
        if e >> 24 == 1 {
            w + 1
        } else {
            dst[1].set((e >> 8) as u8);
            dst[2].set((e >> 16) as u8);
            w + 3
        }
    }
}

/// Encodes `input` with `set`, appending to `out`.
///
/// ```
/// use springbok_percent::{encode_append, EncodeSet};
/// let mut s = String::from("q=");
/// encode_append("a b&c".as_bytes(), &EncodeSet::WHATWG_FORM, &mut s);
/// assert_eq!(s, "q=a+b%26c");
/// ```
#[cfg(feature = "alloc")]
pub fn encode_append(input: &[u8], set: &EncodeSet, out: &mut String) {
    out.reserve(input.len());
    let mut r = 0;
    while r < input.len() {
        let run = set.kept_prefix(&input[r..]);
        // Kept bytes are ASCII (see `EncodeSet::new`), so `char::from` is exact.
        out.extend(input[r..r + run].iter().map(|&b| char::from(b)));
        r += run;
        if let Some(&b) = input.get(r) {
            let (bytes, n) = set.escape(b);
            out.extend(bytes[..n].iter().map(|&b| char::from(b)));
            r += 1;
        }
    }
}

/// Encodes `input` with `set`: borrowed when every byte is kept.
///
/// ```
/// use std::borrow::Cow;
/// use springbok_percent::{encode, EncodeSet};
/// assert!(matches!(encode(b"abc", &EncodeSet::WHATWG_FORM), Cow::Borrowed("abc")));
/// assert_eq!(encode(b"a~b", &EncodeSet::WHATWG_FORM), "a%7Eb");
/// assert_eq!(encode(b"a~b", &EncodeSet::WWW_FORM_URLENCODED), "a~b");
/// ```
#[cfg(feature = "alloc")]
pub fn encode<'a>(input: &'a [u8], set: &EncodeSet) -> Cow<'a, str> {
    if set.kept_prefix(input) == input.len() {
        if let Ok(s) = core::str::from_utf8(input) {
            return Cow::Borrowed(s);
        }
    }
    let mut out = String::with_capacity(input.len() + input.len() / 2);
    encode_append(input, set, &mut out);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The single-pass table gives every byte the encoding `escape` and `keeps` describe.
    #[test]
    fn table_matches_keep_and_escape_for_every_byte() {
        for set in [
            EncodeSet::WHATWG_FORM,
            EncodeSet::WWW_FORM_URLENCODED,
            EncodeSet::WWW_FORM_URLENCODED_XS,
            EncodeSet::RFC3986_UNRESERVED,
        ] {
            for b in 0..=255u8 {
                let (bytes, n) = if set.keeps(b) { ([b, 0, 0], 1) } else { set.escape(b) };
                let e = set.out[usize::from(b)];
                assert_eq!((e >> 24) as usize, n, "{b:#04x}");
                assert_eq!(&e.to_le_bytes()[..n], &bytes[..n], "{b:#04x}");
            }
        }
    }

    /// The worst-case pass is exact at its tightest: every byte escaped, the last one ending at
    /// the buffer's end.
    #[test]
    fn worst_case_fills_the_buffer_exactly() {
        let input = [0u8, 0xFF, b'%', b'+'];
        let mut out = [0u8; 12];
        assert_eq!(encode_into(&input, &mut out, &EncodeSet::WHATWG_FORM), Ok(12));
        assert_eq!(&out, b"%00%FF%25%2B");
        assert_eq!(encode_into(b"", &mut [], &EncodeSet::WHATWG_FORM), Ok(0));
    }
}
