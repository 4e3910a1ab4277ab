//! Splitting the input into pieces and pieces into raw (still encoded) key and value slices,
//! per [`Mode`], noting on the way whether each one needs decoding.
//!
//! One pass over each piece, 16 bytes at a time (SSE2 on x86-64, a table elsewhere; 8 bytes at
//! a time in a word for the last ones): a block's special bytes (separator, `=`, `%`, `+`) come
//! out as one mask, whose bits are then taken in order, so a piece costs a few operations a
//! block and a few a special byte. Once a value has run 32 bytes without
//! ending, `memchr` takes over to find the next separator (and `%`/`+`) at vector speed.

use springbok_percent::eq_bytes;

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

/// Bytes of a value scanned a word at a time before `memchr` takes over.
const SCALAR_RUN: usize = 32;

/// High bit set in exactly the special bytes of `w`: `&`, `=`, `%`, `+`, and `;` in Perl mode.
#[inline(always)]
fn specials(w: u64, perl: bool) -> u64 {
    let m = eq_bytes(w, b'&') | eq_bytes(w, b'=') | eq_bytes(w, b'%');
    if perl {
        // `+` (0x2B) and `;` (0x3B) differ only in 0x10: one comparison finds both.
        m | eq_bytes(w | u64::from_le_bytes([0x10; 8]), b';')
    } else {
        m | eq_bytes(w, b'+')
    }
}

/// Bit `k` set when `block[k]` is a special byte (`&`, `=`, `%`, `+`, and `;` in Perl mode), and
/// the same for `%` and `+` alone: 16 bytes in a few SSE2 instructions (part of every x86-64
/// CPU).
#[cfg(target_arch = "x86_64")]
#[allow(unsafe_code)]
#[inline(always)]
fn specials16(block: &[u8; 16], perl: bool) -> (u32, u32) {
    use core::arch::x86_64::{_mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8};
    // SAFETY: SSE2 is enabled on every x86-64 target, and the unaligned load reads exactly the
    // 16 bytes of `block`.
    #[allow(unused_unsafe)]
    unsafe {
        let v = _mm_loadu_si128(block.as_ptr().cast());
        let eq = |b: u8| _mm_cmpeq_epi8(v, _mm_set1_epi8(b as i8));
        let dec = _mm_or_si128(eq(b'%'), eq(b'+'));
        let mut m = _mm_or_si128(_mm_or_si128(eq(b'&'), eq(b'=')), dec);
        if perl {
            m = _mm_or_si128(m, eq(b';'));
        }
        (_mm_movemask_epi8(m) as u32 & 0xFFFF, _mm_movemask_epi8(dec) as u32 & 0xFFFF)
    }
}

/// [`specials16`] elsewhere: one table lookup a byte.
#[cfg(not(target_arch = "x86_64"))]
#[inline(always)]
fn specials16(block: &[u8; 16], perl: bool) -> (u32, u32) {
    specials16_table(block, perl)
}

/// [`specials16`] from the class tables (the reference for the SSE2 version's tests).
#[cfg(any(test, not(target_arch = "x86_64")))]
#[inline(always)]
fn specials16_table(block: &[u8; 16], perl: bool) -> (u32, u32) {
    let class = if perl { &PERL_CLASS } else { &WHATWG_CLASS };
    block.iter().enumerate().fold((0, 0), |(m, d), (k, &b)| {
        let c = class[usize::from(b)];
        (m | u32::from(c != 0) << k, d | u32::from(c == DEC) << k)
    })
}

/// Where a piece's scan is: in the key, or in the value after the `=` at this offset.
#[derive(Clone, Copy)]
struct Scan {
    eq: Option<usize>,
    key_needs_decoding: bool,
    value_needs_decoding: bool,
}

impl Scan {
    /// Takes the special byte of class `class` at `i`; returns `true` at a separator.
    #[inline(always)]
    fn take(&mut self, class: u8, i: usize) -> bool {
        match (class, self.eq) {
            (SEP, _) => return true,
            (EQ, None) => self.eq = Some(i),
            (EQ, Some(_)) => {}
            (_, None) => self.key_needs_decoding = true,
            (_, Some(_)) => self.value_needs_decoding = true,
        }
        false
    }
}

/// One raw (undecoded) pair and whether each part contains a `%` or `+`, from
/// [`RawPairs::next_piece`]. A part that does not is its own decoding.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RawPiece<'a> {
    /// The key as sent, a slice of the input.
    pub key: &'a [u8],
    /// The value as sent, a slice of the input (empty when the piece has no `=`).
    pub value: &'a [u8],
    /// Whether `key` contains a `%` or `+`.
    pub key_needs_decoding: bool,
    /// Whether `value` contains a `%` or `+`.
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

    /// Splits `input` from where an earlier iterator stopped: `rest` and `finished` as
    /// [`into_rest`](Self::into_rest) gave them (or the whole input and `input.is_empty()` to
    /// start). For callers that keep the position themselves between calls, such as a C ABI
    /// cursor; no limit is checked here ([`parse_raw`](crate::parse_raw) checks them once for
    /// the whole input).
    ///
    /// ```
    /// use springbok_form_urlencoded::{parse_raw, Mode, Options, RawPairs};
    /// let mut raw = parse_raw(b"a=1;b=2;", &Options::perl()).unwrap();
    /// raw.next();
    /// let (rest, finished) = raw.into_rest();
    /// let later: Vec<_> = RawPairs::resume(rest, Mode::Perl, finished).collect();
    /// assert_eq!(later, [(&b"b"[..], &b"2"[..]), (&b""[..], &b""[..])]);
    /// ```
    #[inline]
    pub fn resume(rest: &'a [u8], mode: Mode, finished: bool) -> Self {
        RawPairs { rest, mode, done: finished }
    }

    /// The input not yet split, and whether no piece is left (in Perl mode an empty rest after
    /// a separator is still one empty piece): what [`resume`](Self::resume) takes.
    #[inline]
    pub fn into_rest(self) -> (&'a [u8], bool) {
        (self.rest, self.done)
    }

    /// How many input bytes are left after the last piece (they bound the decoded length of
    /// every piece still to come).
    #[inline]
    pub fn rest_len(&self) -> usize {
        self.rest.len()
    }

    /// The next piece, split at its first `=`, with what its parts need: the split and the
    /// scan for `%` and `+` are one pass, so a caller decoding into a buffer of its own need not
    /// look at a part again to know that it is its own decoding.
    ///
    /// ```
    /// use springbok_form_urlencoded::{parse_raw, Options};
    /// let mut raw = parse_raw(b"a=b+c&d", &Options::new()).unwrap();
    /// let piece = raw.next_piece().unwrap();
    /// assert_eq!((piece.key, piece.value, piece.key_needs_decoding, piece.value_needs_decoding), (&b"a"[..], &b"b+c"[..], false, true));
    /// ```
    #[inline]
    pub fn next_piece(&mut self) -> Option<RawPiece<'a>> {
        self.next_piece_inline()
    }

    /// [`next_piece`](Self::next_piece), inlined into this crate's decoding iterators: the
    /// piece then stays in registers.
    #[inline(always)]
    pub(crate) fn next_piece_inline(&mut self) -> Option<RawPiece<'a>> {
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
        let mut scan = Scan { eq: None, key_needs_decoding: false, value_needs_decoding: false };
        let end = self.piece_end(bytes, class, perl, &mut scan);
        let Scan { eq, key_needs_decoding, value_needs_decoding } = scan;
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
        Some(RawPiece { key, value, key_needs_decoding, value_needs_decoding })
    }

    /// The offset of the separator that ends the piece at the start of `bytes` (or its length),
    /// with `scan` told every special byte before it.
    #[inline(always)]
    fn piece_end(&self, bytes: &[u8], class: &[u8; 256], perl: bool, scan: &mut Scan) -> usize {
        let mut i = 0;
        while let Some(block) = bytes.get(i..).and_then(<[u8]>::first_chunk::<16>) {
            let (mut m, dec) = specials16(block, perl);
            while m != 0 {
                // Once the value is known to need decoding, its `%` and `+` change nothing.
                if scan.value_needs_decoding {
                    m &= !dec;
                    if m == 0 {
                        break;
                    }
                }
                let j = i + m.trailing_zeros() as usize;
                if scan.take(class[usize::from(bytes[j])], j) {
                    return j;
                }
                m &= m - 1;
            }
            i += 16;
            if let Some(eq) = scan.eq {
                if i - eq > SCALAR_RUN && i < bytes.len() {
                    let (end, dec) = self.long_value_end(&bytes[i..]);
                    scan.value_needs_decoding |= dec;
                    return i + end;
                }
            }
        }
        // The last 8 to 15 bytes of the input.
        while let Some(word) = bytes.get(i..).and_then(<[u8]>::first_chunk::<8>) {
            let mut m = specials(u64::from_le_bytes(*word), perl);
            while m != 0 {
                let j = i + (m.trailing_zeros() / 8) as usize;
                if scan.take(class[usize::from(bytes[j])], j) {
                    return j;
                }
                m &= m - 1;
            }
            i += 8;
            if let Some(eq) = scan.eq {
                if i - eq > SCALAR_RUN && i < bytes.len() {
                    let (end, dec) = self.long_value_end(&bytes[i..]);
                    scan.value_needs_decoding |= dec;
                    return i + end;
                }
            }
        }
        while let Some(&b) = bytes.get(i) {
            let c = class[usize::from(b)];
            if c != 0 && scan.take(c, i) {
                return i;
            }
            i += 1;
        }
        i
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The block scan agrees with the class tables for every byte value at every position, and
    /// on blocks of many specials.
    #[test]
    fn specials16_matches_the_class_tables() {
        for perl in [false, true] {
            for b in 0..=255u8 {
                for k in 0..16 {
                    let mut block = [b'a'; 16];
                    block[k] = b;
                    assert_eq!(specials16(&block, perl), specials16_table(&block, perl), "{b:#04x} at {k}");
                }
            }
            const BYTES: &[u8] = b"&=%+; a\x80\xff";
            let mut seed = 7u32;
            for _ in 0..10_000 {
                let mut block = [0u8; 16];
                for x in &mut block {
                    seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                    *x = BYTES[(seed >> 16) as usize % BYTES.len()];
                }
                assert_eq!(specials16(&block, perl), specials16_table(&block, perl), "{block:?}");
            }
        }
    }
}
