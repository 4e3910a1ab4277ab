//! The portable backend: lookups in [`crate::class`]'s table, four at a
//! time, and 8-byte SWAR words for field values. It is the fallback where no
//! vector backend runs, and the tail of the vector kernels for slices
//! shorter than one vector.

use super::{skip_plain_blocks, Backend, Cpu};
use crate::class::{self, TARGET, TARGET_LOOSE, TCHAR, VALUE};

/// The scalar backend's token: it runs on every CPU.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Scalar;

// SAFETY: the scalar backend needs no CPU feature.
unsafe impl Cpu for Scalar {
    const BACKEND: Backend = Backend::Scalar;
    const CLASSIFIES: bool = false;

    fn new() -> Option<Self> {
        Some(Scalar)
    }

    #[inline(always)]
    unsafe fn new_unchecked() -> Self {
        Scalar
    }

    module_kernels!();

    #[inline(always)]
    fn skip_plain(self, buf: &[u8], from: usize) -> usize {
        skip_plain_blocks(buf, from, has_ctl)
    }
}

/// Returns the `(not_tchar, ctl)` masks of `block`, byte by byte from
/// [`crate::class`]: the reference the vector classifiers are tested
/// against. The header loop scans fields instead ([`Cpu::CLASSIFIES`]).
pub(crate) fn classify(block: &[u8; 64]) -> (u64, u64) {
    let (mut not_tchar, mut ctl) = (0u64, 0u64);
    for (k, &b) in block.iter().enumerate() {
        if !class::is(b, TCHAR) {
            not_tchar |= 1 << k;
        }
        if class::is_ctl(b) {
            ctl |= 1 << k;
        }
    }
    (not_tchar, ctl)
}

/// Returns whether `block` holds a control byte or DEL, byte by byte.
pub(crate) fn has_ctl(block: &[u8; 64]) -> bool {
    block.iter().any(|&b| class::is_ctl(b))
}

/// Returns length of the leading run of bytes in `s` whose class intersects `mask`.
#[inline(always)]
fn class_run(s: &[u8], mask: u8) -> usize {
    let mut i = 0;
    // Four lookups per iteration: the branch on their conjunction predicts
    // well on typical field lengths and halves loop overhead.
    while i + 4 <= s.len() {
        let ok =
            class::is(s[i], mask) & class::is(s[i + 1], mask) & class::is(s[i + 2], mask) & class::is(s[i + 3], mask);
        if !ok {
            break;
        }
        i += 4;
    }
    while i < s.len() && class::is(s[i], mask) {
        i += 1;
    }
    i
}

/// Returns length of the leading run of `tchar` bytes (methods, header names).
#[inline]
pub(crate) fn token_run(s: &[u8]) -> usize {
    class_run(s, TCHAR)
}

/// Returns length of the leading run of strict request-target bytes (RFC 3986,
/// without `%`).
#[inline]
pub(crate) fn target_strict_run(s: &[u8]) -> usize {
    class_run(s, TARGET)
}

/// Returns length of the leading run of loose request-target bytes (`VCHAR /
/// obs-text`).
#[inline]
pub(crate) fn target_loose_run(s: &[u8]) -> usize {
    class_run(s, TARGET_LOOSE)
}

const LO: u64 = 0x0101_0101_0101_0101;
const HI: u64 = 0x8080_8080_8080_8080;
const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;

/// Returns bit 7 of each byte where the byte of `w` equals 0, and nothing else:
/// exact per byte (no carry crosses a byte, unlike the classic
/// `(x - 0x01..) & !x & 0x80..` test).
#[inline(always)]
fn zero_bytes(x: u64) -> u64 {
    !(((x & LOW7) + LOW7) | x) & HI
}

/// Returns bit 7 of each byte of the little-endian word `w` that is not a
/// field-value byte (a control byte other than HTAB, or DEL), and
/// nothing else: exact per byte, so the first stop is at
/// `trailing_zeros / 8`.
#[inline(always)]
pub(crate) fn value_stop_mask(w: u64) -> u64 {
    // (b & 0x7F) + 0x60 has bit 7 set iff (b & 0x7F) >= 0x20; or-ing `w`
    // adds b >= 0x80. Bit 7 stays clear exactly for b < 0x20.
    let below_space = !(((w & LOW7) + LO * 0x60) | w) & HI;
    let tab = zero_bytes(w ^ (LO * 0x09));
    let del = zero_bytes(w ^ (LO * 0x7f));
    (below_space & !tab) | del
}

/// Returns length of the leading run of field-value bytes (HTAB, SP, VCHAR,
/// obs-text): the run ends at CR, LF, any other control byte, or DEL.
#[inline]
pub(crate) fn value_run(s: &[u8]) -> usize {
    let mut i = 0;
    while let Some(chunk) = s.get(i..i + 8) {
        let w = u64::from_le_bytes(chunk.try_into().expect("8-byte chunk"));
        let m = value_stop_mask(w);
        if m != 0 {
            return i + (m.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while i < s.len() && class::is(s[i], VALUE) {
        i += 1;
    }
    i
}
