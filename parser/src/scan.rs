//! Field scanners: each returns the length of the run of bytes at the start
//! of its input that belong to one byte class.
//!
//! Together with the block classifiers of [`crate::simd`] (used by the
//! header fast path, [`crate::head`]) these are the only loops that touch
//! every byte of a head: the parser logic calls [`token_run`],
//! [`target_run`] and [`value_run`] and nothing else per byte.
//! Each runs a short inline prologue, then the kernel of the backend chosen
//! once per process ([`crate::simd::dispatch`]): AVX2, SSE4.2-class or NEON
//! vector kernels, or the scalar code (unrolled table lookups, SWAR words
//! for values). Every implementation is checked against [`crate::class`]
//! for every byte value in the tests below and in `simd::tests`.

use crate::class::{self, TARGET, TARGET_LOOSE, TCHAR};
use crate::simd::dispatch::{self, Field};
use crate::simd::{scalar, Backend};

// Every scanner starts with an inline scalar prologue over the first 8 bytes
// (two groups of four table lookups, or one exact SWAR word for values) and
// only calls the backend's kernel for the rest when the run is longer than
// that. Short fields (`a: b`, `Host`, most names) then cost a few
// instructions and well-predicted branches, with no call and no vector
// set-up; long fields pay the call once.

/// Runs the short-field prologue of the table-driven scanners: returns the length of
/// the run of `mask` bytes in the first four bytes of `s`, or `None` when all
/// four belong and the run may go on.
#[inline(always)]
fn prologue4(s: &[u8; 4], mask: u8) -> Option<usize> {
    if s.iter().fold(true, |ok, &b| ok & class::is(b, mask)) {
        return None;
    }
    s.iter().position(|&b| !class::is(b, mask))
}

/// Returns the length of the leading run of `tchar` bytes (methods, header
/// names).
#[inline(always)]
pub(crate) fn token_run(s: &[u8]) -> usize {
    token_run_in(s, dispatch::active())
}

/// [`token_run`] with the backend given: for loops that read it once, or
/// [`Backend::Scalar`] to force the scalar code. `backend` must be what
/// [`dispatch::active`] returned, or `Scalar` (the dispatch trusts it).
#[inline(always)]
pub(crate) fn token_run_in(s: &[u8], backend: Backend) -> usize {
    // Prologue: two lookups settle one-byte names (`a: b`) without a call;
    // every longer name costs two predictable branches more.
    match s {
        [a, ..] if !class::is(*a, TCHAR) => 0,
        [_, b, ..] if !class::is(*b, TCHAR) => 1,
        [_, _, rest @ ..] => 2 + dispatch::scan(backend, Field::Token, rest),
        _ => s.len(),
    }
}

/// Returns the length of the leading run of request-target bytes: the
/// strict RFC 3986 set (which excludes `%`, so the caller can check escapes), or the loose
/// `VCHAR / obs-text` set.
#[inline(always)]
pub(crate) fn target_run(s: &[u8], loose: bool) -> usize {
    let mask = if loose { TARGET_LOOSE } else { TARGET };
    let Some(head) = s.first_chunk::<4>() else {
        return if loose { scalar::target_loose_run(s) } else { scalar::target_strict_run(s) };
    };
    match prologue4(head, mask) {
        None if loose => 4 + dispatch::scan(dispatch::active(), Field::TargetLoose, &s[4..]),
        None => 4 + dispatch::scan(dispatch::active(), Field::TargetStrict, &s[4..]),
        Some(n) => n,
    }
}

/// Returns the length of the leading run of field-value bytes (HTAB, SP,
/// VCHAR, obs-text): the run ends at CR, LF, any other control byte, or
/// DEL.
#[inline(always)]
pub(crate) fn value_run(s: &[u8]) -> usize {
    value_run_in(s, dispatch::active())
}

/// [`value_run`] with the backend given. `backend` must be what
/// [`dispatch::active`] returned, or [`Backend::Scalar`] (the dispatch
/// trusts it).
#[inline(always)]
pub(crate) fn value_run_in(s: &[u8], backend: Backend) -> usize {
    // On x86-64 the value class needs only SSE2 (always present), so the
    // prologue is one inline 16-byte vector step for the vector backends.
    #[cfg(target_arch = "x86_64")]
    if backend != Backend::Scalar {
        return match s.first_chunk::<16>() {
            Some(head) => match crate::simd::sse2_value_mask(head) {
                0 => 16 + dispatch::scan(backend, Field::Value, &s[16..]),
                m => m.trailing_zeros() as usize,
            },
            None => scalar::value_run(s),
        };
    }
    match s.first_chunk::<8>() {
        Some(head) => match scalar::value_stop_mask(u64::from_le_bytes(*head)) {
            0 => 8 + dispatch::scan(backend, Field::Value, &s[8..]),
            m => (m.trailing_zeros() / 8) as usize,
        },
        None => scalar::value_run(s),
    }
}

/// The portable implementation: the [`Backend::Scalar`] backend, and the
/// tail of the vector kernels for slices shorter than one vector.
#[cfg(test)]
mod tests {
    use super::*;
    use crate::class::{self, TARGET, TARGET_LOOSE, TCHAR, VALUE};
    use crate::simd::scalar::value_stop_mask;
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
