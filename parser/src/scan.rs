//! Field scanners: each returns the length of the run of bytes at the start
//! of its input that belong to one byte class.
//!
//! Together with the block classifiers of [`crate::simd`] (used by the
//! header fast path, [`crate::fast`]) these are the only loops that touch
//! every byte of a head: the parser logic calls [`token_run`],
//! [`target_run`] and [`value_run`] and nothing else per byte.
//! Each dispatches to the backend chosen once per process
//! ([`crate::simd`]): AVX2, SSE4.2-class or NEON vector kernels, or the
//! [`scalar`] code here (unrolled table lookups, SWAR words for values).
//! Every implementation is checked against [`crate::class`] for every byte
//! value in the tests below and in `simd::tests`.

use crate::class::{self, TARGET, TARGET_LOOSE, TCHAR};
use crate::simd::{self, Backend};

/// Runs the kernel of the active backend on `$s`.
macro_rules! dispatch {
    ($s:expr, $scalar:path, $x86_sse:ident, $x86_avx2:ident, $neon:ident) => {
        dispatch!(in simd::active(); $s, $scalar, $x86_sse, $x86_avx2, $neon)
    };
    (in $backend:expr; $s:expr, $scalar:path, $x86_sse:ident, $x86_avx2:ident, $neon:ident) => {{
        let s: &[u8] = $s;
        match $backend {
            #[cfg(any(target_arch = "x86_64", target_arch = "x86"))]
            // SAFETY: `active` returns `Avx2` only when the CPU has AVX2.
            Backend::Avx2 => unsafe { simd::x86::$x86_avx2(s) },
            #[cfg(any(target_arch = "x86_64", target_arch = "x86"))]
            // SAFETY: `active` returns `Sse42` only when the CPU has SSE4.2
            // and SSSE3.
            Backend::Sse42 => unsafe { simd::x86::$x86_sse(s) },
            #[cfg(all(target_arch = "aarch64", target_feature = "neon"))]
            Backend::Neon => simd::neon::$neon(s),
            _ => $scalar(s),
        }
    }};
}

// Every scanner starts with an inline scalar prologue over the first 8 bytes
// (two groups of four table lookups, or one exact SWAR word for values) and
// only calls the backend's kernel for the rest when the run is longer than
// that. Short fields (`a: b`, `Host`, most names) then cost a few
// instructions and well-predicted branches, with no call and no vector
// set-up; long fields pay the call once.

/// The short-field prologue of the table-driven scanners: the length of
/// the run of `mask` bytes in the first four bytes of `s`, or `None` when all
/// four belong and the run may go on.
#[inline(always)]
fn prologue4(s: &[u8; 4], mask: u8) -> Option<usize> {
    if s.iter().fold(true, |ok, &b| ok & class::is(b, mask)) {
        return None;
    }
    s.iter().position(|&b| !class::is(b, mask))
}

/// Length of the leading run of `tchar` bytes (methods, header names).
#[inline(always)]
pub(crate) fn token_run(s: &[u8]) -> usize {
    token_run_in(s, simd::active())
}

/// [`token_run`] with the backend given: for loops that read it once, or
/// [`Backend::Scalar`] to force the scalar code. `backend` must be what
/// [`simd::active`] returned, or `Scalar` (the dispatch trusts it).
#[inline(always)]
pub(crate) fn token_run_in(s: &[u8], backend: Backend) -> usize {
    // Prologue: two lookups settle one-byte names (`a: b`) without a call;
    // every longer name costs two predictable branches more.
    match s {
        [a, ..] if !class::is(*a, TCHAR) => 0,
        [_, b, ..] if !class::is(*b, TCHAR) => 1,
        [_, _, rest @ ..] => {
            2 + dispatch!(in backend; rest, scalar::token_run, sse_token_run, avx2_token_run, token_run)
        }
        _ => s.len(),
    }
}

/// Length of the leading run of request-target bytes: the strict RFC 3986
/// set (which excludes `%`, so the caller can check escapes), or the loose
/// `VCHAR / obs-text` set.
#[inline(always)]
pub(crate) fn target_run(s: &[u8], loose: bool) -> usize {
    let mask = if loose { TARGET_LOOSE } else { TARGET };
    let Some(head) = s.first_chunk::<4>() else {
        return if loose { scalar::target_loose_run(s) } else { scalar::target_strict_run(s) };
    };
    match prologue4(head, mask) {
        None if loose => {
            4 + dispatch!(
                &s[4..],
                scalar::target_loose_run,
                sse_target_loose_run,
                avx2_target_loose_run,
                target_loose_run
            )
        }
        None => 4 + dispatch!(&s[4..], scalar::target_strict_run, sse_target_run, avx2_target_run, target_run),
        Some(n) => n,
    }
}

/// Length of the leading run of field-value bytes (HTAB, SP, VCHAR,
/// obs-text): the run ends at CR, LF, any other control byte, or DEL.
#[inline(always)]
pub(crate) fn value_run(s: &[u8]) -> usize {
    value_run_in(s, simd::active())
}

/// [`value_run`] with the backend given. `backend` must be what
/// [`simd::active`] returned, or [`Backend::Scalar`] (the dispatch trusts
/// it).
#[inline(always)]
fn value_run_in(s: &[u8], backend: Backend) -> usize {
    // On x86-64 the value class needs only SSE2 (always present), so the
    // prologue is one inline 16-byte vector step for the vector backends.
    #[cfg(target_arch = "x86_64")]
    if backend != Backend::Scalar {
        return match s.first_chunk::<16>() {
            Some(head) => match simd::x86::sse2_value_mask(head) {
                0 => 16 + dispatch!(in backend; &s[16..], scalar::value_run, sse_value_run, avx2_value_run, value_run),
                m => m.trailing_zeros() as usize,
            },
            None => scalar::value_run(s),
        };
    }
    match s.first_chunk::<8>() {
        Some(head) => match scalar::value_stop_mask(u64::from_le_bytes(*head)) {
            0 => 8 + dispatch!(in backend; &s[8..], scalar::value_run, sse_value_run, avx2_value_run, value_run),
            m => (m.trailing_zeros() / 8) as usize,
        },
        None => scalar::value_run(s),
    }
}

/// The portable implementation: the [`Backend::Scalar`] backend, and the
/// tail of the vector kernels for slices shorter than one vector.
pub(crate) mod scalar {
    use crate::class::{self, TARGET, TARGET_LOOSE, TCHAR, VALUE};

    /// Length of the leading run of bytes in `s` whose class intersects `mask`.
    #[inline(always)]
    fn class_run(s: &[u8], mask: u8) -> usize {
        let mut i = 0;
        // Four lookups per iteration: the branch on their conjunction predicts
        // well on typical field lengths and halves loop overhead.
        while i + 4 <= s.len() {
            let ok = class::is(s[i], mask)
                & class::is(s[i + 1], mask)
                & class::is(s[i + 2], mask)
                & class::is(s[i + 3], mask);
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

    /// Length of the leading run of `tchar` bytes (methods, header names).
    #[inline]
    pub(crate) fn token_run(s: &[u8]) -> usize {
        class_run(s, TCHAR)
    }

    /// Length of the leading run of strict request-target bytes (RFC 3986,
    /// without `%`).
    #[inline]
    pub(crate) fn target_strict_run(s: &[u8]) -> usize {
        class_run(s, TARGET)
    }

    /// Length of the leading run of loose request-target bytes (`VCHAR /
    /// obs-text`).
    #[inline]
    pub(crate) fn target_loose_run(s: &[u8]) -> usize {
        class_run(s, TARGET_LOOSE)
    }

    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;

    /// Bit 7 of each byte where the byte of `w` equals 0, and nothing else:
    /// exact per byte (no carry crosses a byte, unlike the classic
    /// `(x - 0x01..) & !x & 0x80..` test).
    #[inline(always)]
    fn zero_bytes(x: u64) -> u64 {
        !(((x & LOW7) + LOW7) | x) & HI
    }

    /// Bit 7 of each byte of the little-endian word `w` that is not a
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

    /// Length of the leading run of field-value bytes (HTAB, SP, VCHAR,
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
}

#[cfg(test)]
mod tests {
    use super::scalar::value_stop_mask;
    use super::*;
    use crate::class::{self, TARGET, TARGET_LOOSE, TCHAR, VALUE};
    use proptest::prelude::*;
    extern crate std;
    use std::vec::Vec;

    fn reference(s: &[u8], mask: u8) -> usize {
        s.iter().position(|&b| !class::is(b, mask)).unwrap_or(s.len())
    }

    /// Every byte value, at every position of buffers of every length up to
    /// 40 (covering the unrolled and SWAR loops and their tails), surrounded
    /// by bytes that belong to the class.
    #[test]
    fn scanners_agree_with_table_for_every_byte_at_every_position() {
        type Scan = fn(&[u8]) -> usize;
        let scanners: [(Scan, u8, u8); 4] = [
            (token_run, TCHAR, b'a'),
            (|s| target_run(s, false), TARGET, b'a'),
            (|s| target_run(s, true), TARGET_LOOSE, b'a'),
            (value_run, VALUE, b'a'),
        ];
        for (scan, mask, filler) in scanners {
            for len in 0..40 {
                for pos in 0..len {
                    for b in 0u8..=255 {
                        let mut buf = std::vec![filler; len];
                        buf[pos] = b;
                        assert_eq!(scan(&buf), reference(&buf, mask), "byte {b:#x} at {pos} of {len}");
                    }
                }
            }
        }
    }

    /// The SWAR value mask is exact for every byte value in every lane,
    /// next to every kind of neighbour (in-class, stop, HTAB, obs-text), so
    /// no borrow or carry leaks between lanes.
    #[test]
    fn swar_value_mask_is_exact_for_every_byte_in_every_lane() {
        for neighbour in [b'a', 0x00, 0x09, 0x1f, 0x20, 0x7f, 0x80, 0xff] {
            for lane in 0..8 {
                for b in 0u8..=255 {
                    let mut bytes = [neighbour; 8];
                    bytes[lane] = b;
                    let m = value_stop_mask(u64::from_le_bytes(bytes));
                    for (k, &x) in bytes.iter().enumerate() {
                        let stop = !class::is(x, VALUE);
                        assert_eq!(
                            m >> (8 * k) & 0xff,
                            if stop { 0x80 } else { 0 },
                            "byte {b:#x} lane {lane} next to {neighbour:#x}"
                        );
                    }
                }
            }
        }
    }

    proptest! {
        #[test]
        fn scanners_agree_with_table_on_random_buffers(buf in proptest::collection::vec(any::<u8>(), 0..200),
                                                       start in 0usize..8) {
            let s: &[u8] = if start < buf.len() { &buf[start..] } else { &[] };
            prop_assert_eq!(token_run(s), reference(s, TCHAR));
            prop_assert_eq!(target_run(s, false), reference(s, TARGET));
            prop_assert_eq!(target_run(s, true), reference(s, TARGET_LOOSE));
            prop_assert_eq!(value_run(s), reference(s, VALUE));
        }

        #[test]
        fn value_run_on_mostly_valid_buffers(mut buf in proptest::collection::vec(0x20u8..0x7f, 0..200),
                                             bad in proptest::collection::vec((any::<usize>(), prop_oneof![0u8..0x20, Just(0x7f)]), 0..3)) {
            for (at, b) in bad {
                if !buf.is_empty() {
                    let n = buf.len();
                    buf[at % n] = b;
                }
            }
            let v: Vec<u8> = buf;
            prop_assert_eq!(value_run(&v), reference(&v, VALUE));
        }
    }
}
