//! Splitting the input into pieces and pieces into raw (still encoded) key and value slices,
//! per [`Mode`], noting on the way whether each one needs decoding.
//!
//! One pass over each piece with a byte-class table (short keys and values, the common case, cost
//! no function call); once a value has run 32 bytes without a special byte, `memchr` takes over
//! to find the next separator (and `%`/`+`) at vector speed.

use crate::Mode;

/// Byte classes.
const SEP: u8 = 1;
const EQ: u8 = 2;
const DEC: u8 = 4;

const fn class_table(semicolon_separates: bool) -> [u8; 256] {
    let mut t = [0u8; 256];
    t[b'&' as usize] = SEP;
    if semicolon_separates {
        t[b';' as usize] = SEP;
    }
    t[b'=' as usize] = EQ;
    t[b'%' as usize] = DEC;
    t[b'+' as usize] = DEC;
    t
}

static WHATWG_CLASS: [u8; 256] = class_table(false);
static PERL_CLASS: [u8; 256] = class_table(true);

/// Bytes of a value scanned without `memchr` (8 at a time) before switching to it.
const SCALAR_RUN: usize = 32;

const LO: u64 = u64::from_le_bytes([0x01; 8]);
const HI: u64 = u64::from_le_bytes([0x80; 8]);

/// High bit set in each byte of `w` equal to `b`; the lowest set bit is always a true match
/// (borrows only create false positives above a true match).
#[inline(always)]
fn eq_mask(w: u64, b: u8) -> u64 {
    let x = w ^ (LO * u64::from(b));
    x.wrapping_sub(LO) & !x & HI
}

/// Offset of the first byte in `bytes[i..bound]` whose class is not 0 (separator, `=`, `%`,
/// `+`), or `bound` if there is none; 8 bytes at a time, then byte by byte.
#[inline(always)]
fn find_special(bytes: &[u8], mut i: usize, bound: usize, class: &[u8; 256], perl: bool) -> usize {
    while i + 8 <= bound {
        let Some(chunk) = bytes.get(i..).and_then(<[u8]>::first_chunk::<8>) else {
            break;
        };
        let w = u64::from_le_bytes(*chunk);
        let mut m = eq_mask(w, b'&') | eq_mask(w, b'=') | eq_mask(w, b'%') | eq_mask(w, b'+');
        if perl {
            m |= eq_mask(w, b';');
        }
        if m != 0 {
            return i + (m.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while i < bound && class[bytes[i] as usize] == 0 {
        i += 1;
    }
    i
}

/// One raw pair and whether its parts contain `%` or `+`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Piece<'a> {
    pub key: &'a [u8],
    pub value: &'a [u8],
    pub key_needs_decoding: bool,
    pub value_needs_decoding: bool,
}

/// Iterator over the raw, undecoded `(key, value)` slices of a form, borrowed from the input.
///
/// Returned by [`parse_raw`](crate::parse_raw); [`Pairs`](crate::Pairs) decodes these. Useful
/// to decode into caller buffers (see [`decode_into`](crate::decode_into)), or strictly with
/// [`springbok_percent::decode_strict_into`] for callers that must reject a bad `%` (as Rack
/// does).
#[derive(Clone, Debug)]
pub struct RawPairs<'a> {
    rest: &'a [u8],
    mode: Mode,
    /// No piece is left (in Perl mode a trailing separator still leaves one empty piece).
    done: bool,
}

impl<'a> RawPairs<'a> {
    pub(crate) fn new(input: &'a [u8], mode: Mode) -> Self {
        RawPairs { rest: input, mode, done: input.is_empty() }
    }

    /// The next piece, split at its first `=`.
    #[inline]
    pub(crate) fn next_piece(&mut self) -> Option<Piece<'a>> {
        let class = match self.mode {
            Mode::Whatwg => {
                // Skip empty pieces.
                let skip = self.rest.iter().take_while(|&&b| b == b'&').count();
                self.rest = &self.rest[skip..];
                if self.rest.is_empty() {
                    self.done = true;
                }
                &WHATWG_CLASS
            }
            Mode::Perl => {
                if let Some(rest) = self.rest.strip_prefix(b" ") {
                    self.rest = rest;
                }
                &PERL_CLASS
            }
        };
        if self.done {
            return None;
        }
        let bytes = self.rest;
        let perl = self.mode == Mode::Perl;
        let mut key_needs_decoding = false;
        let mut value_needs_decoding = false;
        let mut i = 0;
        // Key: up to the first `=` or separator.
        let eq = loop {
            i = find_special(bytes, i, bytes.len(), class, perl);
            match bytes.get(i).map(|&b| class[b as usize]) {
                None | Some(SEP) => break None,
                Some(EQ) => break Some(i),
                Some(_) => {
                    key_needs_decoding = true;
                    i += 1;
                }
            }
        };
        let end = match eq {
            None => i,
            Some(eq) => {
                // Value: up to the next separator; `memchr` past the first `SCALAR_RUN` bytes.
                i = eq + 1;
                let bound = bytes.len().min(i + SCALAR_RUN);
                loop {
                    i = find_special(bytes, i, bound, class, perl);
                    match bytes.get(i).map(|&b| class[b as usize]) {
                        None | Some(SEP) => break i,
                        Some(0) => {
                            let (end, dec) = self.long_value_end(&bytes[i..]);
                            value_needs_decoding |= dec;
                            break i + end;
                        }
                        Some(EQ) => i += 1,
                        Some(_) => {
                            value_needs_decoding = true;
                            i += 1;
                        }
                    }
                    if i >= bound && i < bytes.len() {
                        let (end, dec) = self.long_value_end(&bytes[i..]);
                        value_needs_decoding |= dec;
                        break i + end;
                    }
                }
            }
        };
        let (key, value) = match eq {
            Some(eq) => (&bytes[..eq], &bytes[eq + 1..end]),
            None => (&bytes[..end], &bytes[end..end]),
        };
        match bytes.get(end) {
            // A separator: a piece follows (possibly empty, which Perl mode keeps).
            Some(_) => self.rest = &bytes[end + 1..],
            None => {
                self.rest = &[];
                self.done = true;
            }
        }
        Some(Piece { key, value, key_needs_decoding, value_needs_decoding })
    }

    /// For the rest of a long value: the offset of the separator ending it (or `hay.len()`), and
    /// whether a `%` or `+` comes before it.
    #[inline]
    fn long_value_end(&self, hay: &[u8]) -> (usize, bool) {
        match self.mode {
            Mode::Whatwg => match memchr::memchr3(b'&', b'%', b'+', hay) {
                None => (hay.len(), false),
                Some(j) if hay[j] == b'&' => (j, false),
                Some(j) => (memchr::memchr(b'&', &hay[j..]).map_or(hay.len(), |k| j + k), true),
            },
            Mode::Perl => {
                let end = memchr::memchr2(b'&', b';', hay).unwrap_or(hay.len());
                (end, memchr::memchr2(b'%', b'+', &hay[..end]).is_some())
            }
        }
    }
}

impl<'a> Iterator for RawPairs<'a> {
    type Item = (&'a [u8], &'a [u8]);

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        self.next_piece().map(|p| (p.key, p.value))
    }
}

impl core::iter::FusedIterator for RawPairs<'_> {}
