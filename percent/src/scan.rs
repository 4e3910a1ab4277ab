//! Jumping to the next byte that needs decoding: a plain loop for short inputs (no call, no
//! SIMD setup), `memchr` for longer ones; and the word-at-a-time byte test the decoder and
//! springbok-form-urlencoded's splitter share.

use crate::Plus;

/// Below this many bytes a scalar loop beats `memchr`'s dispatch and vector setup.
const SHORT: usize = 16;

/// Offset (in `hay`) of the next `%`, or of the next `%` or `+` when `+` means a space.
#[inline]
pub(crate) fn next_special(hay: &[u8], plus: Plus) -> Option<usize> {
    match plus {
        Plus::Literal if hay.len() < SHORT => hay.iter().position(|&b| b == b'%'),
        Plus::Literal => memchr::memchr(b'%', hay),
        Plus::Space if hay.len() < SHORT => hay.iter().position(|&b| b == b'%' || b == b'+'),
        Plus::Space => memchr::memchr2(b'%', b'+', hay),
    }
}

const LO: u64 = u64::from_le_bytes([0x01; 8]);
const HI: u64 = u64::from_le_bytes([0x80; 8]);

/// The bytes of the 8-byte word `w` equal to `b`: the high bit of each such byte set, every
/// other bit clear (exact: no carry crosses a byte). Used to scan 8 bytes at a time, e.g.
/// `eq_bytes(u64::from_le_bytes(chunk), b'%') != 0`.
///
/// ```
/// use springbok_percent::eq_bytes;
/// let w = u64::from_le_bytes(*b"a%b%cdef");
/// assert_eq!(eq_bytes(w, b'%'), 0x80 << 8 | 0x80 << 24);
/// ```
#[inline(always)]
pub fn eq_bytes(w: u64, b: u8) -> u64 {
    let x = w ^ (LO * u64::from(b));
    !(((x & !HI) + !HI) | x) & HI
}
