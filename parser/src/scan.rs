//! Field scanners: each returns the length of the run of bytes at the start
//! of its input that belong to one byte class.
//!
//! These are the only loops that touch every byte of a head, and the single
//! place where faster kernels plug in: the parser logic calls
//! [`token_run`], [`target_run`] and [`value_run`] and nothing else per byte.
//! Today's implementation is scalar table lookups (unrolled) with a SWAR
//! fast path for values; each is checked against [`crate::class`] for every
//! byte value in the tests below.

use crate::class::{self, TARGET, TARGET_LOOSE, TCHAR, VALUE};

/// Length of the leading run of bytes in `s` whose class intersects `mask`.
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

/// Length of the leading run of `tchar` bytes (methods, header names).
#[inline]
pub(crate) fn token_run(s: &[u8]) -> usize {
    class_run(s, TCHAR)
}

/// Length of the leading run of request-target bytes: the strict RFC 3986
/// set (which excludes `%`, so the caller can check escapes), or the loose
/// `VCHAR / obs-text` set.
#[inline]
pub(crate) fn target_run(s: &[u8], loose: bool) -> usize {
    class_run(s, if loose { TARGET_LOOSE } else { TARGET })
}

const LO: u64 = 0x0101_0101_0101_0101;
const HI: u64 = 0x8080_8080_8080_8080;

/// Whether any byte of the little-endian word `w` might not be a value byte:
/// exact for "no byte is < 0x20 and no byte is 0x7F"; HTAB (allowed) also
/// trips it, and the caller re-checks the word byte by byte.
#[inline(always)]
fn word_may_stop(w: u64) -> bool {
    // A byte b < 0x20 makes (b - 0x20) borrow into bit 7 while !b has bit 7
    // set (b < 0x80); the classic "has byte less than n" test, exact as a
    // whole-word predicate.
    let below_space = w.wrapping_sub(LO * 0x20) & !w & HI;
    // A byte equal to 0x7F becomes zero after the xor.
    let x = w ^ (LO * 0x7f);
    let del = x.wrapping_sub(LO) & !x & HI;
    (below_space | del) != 0
}

/// Length of the leading run of field-value bytes (HTAB, SP, VCHAR,
/// obs-text): the run ends at CR, LF, any other control byte, or DEL.
#[inline]
pub(crate) fn value_run(s: &[u8]) -> usize {
    let mut i = 0;
    while let Some(chunk) = s.get(i..i + 8) {
        let w = u64::from_le_bytes(chunk.try_into().expect("8-byte chunk"));
        if word_may_stop(w) {
            // Something in this word is a control byte or HTAB: settle it
            // byte by byte, then carry on with whole words.
            for (j, &b) in chunk.iter().enumerate() {
                if !class::is(b, VALUE) {
                    return i + j;
                }
            }
        }
        i += 8;
    }
    while i < s.len() && class::is(s[i], VALUE) {
        i += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;
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

    #[test]
    fn swar_word_test_is_exact_for_every_byte_in_every_lane() {
        for lane in 0..8 {
            for b in 0u8..=255 {
                let mut bytes = [b'a'; 8];
                bytes[lane] = b;
                let w = u64::from_le_bytes(bytes);
                let expect = b < 0x20 || b == 0x7f;
                assert_eq!(word_may_stop(w), expect, "byte {b:#x} lane {lane}");
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
