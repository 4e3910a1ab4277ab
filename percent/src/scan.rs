//! Jumping to the next byte that needs decoding: a plain loop for short inputs (no call, no
//! SIMD setup), `memchr` for longer ones.

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
