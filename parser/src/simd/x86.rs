//! x86-64 kernels: 16-byte SSSE3 ("SSE4.2-class") and 32/64-byte AVX2.
//!
//! Each kernel loads a whole vector, classifies every byte at once into a
//! "stop" mask (one bit per byte that is *not* in the class), and returns the
//! position of the first set bit (`tzcnt`). No kernel compares byte by byte
//! and none uses PCMPESTRI. Set membership:
//!
//! * `tchar` and the strict target set use a nibble lookup: two `pshufb`
//!   lookups indexed by the low and high nibble of each byte give bit sets
//!   whose intersection is non-empty exactly for class members (tables built
//!   from [`crate::class::CLASS`] at compile time, see [`super::NibbleLut`]);
//! * values and the loose target set are ranges: unsigned `min` compares
//!   plus equality with HTAB/DEL.
//!
//! Loads never leave the slice: vector steps run while a whole vector fits,
//! the last partial vector is handled by an overlapping load that ends at the
//! slice end, and a slice shorter than one vector goes to the scalar code.

#[cfg(target_arch = "x86")]
use core::arch::x86::*;
#[cfg(target_arch = "x86_64")]
use core::arch::x86_64::*;

use super::{Classify, NibbleLut, HEAD_CTL_BITS, HEAD_LUT, HEAD_TCHAR_BITS, TARGET_LUT, TCHAR_LUT};
use crate::scan::scalar;

/// Generates one 16-byte kernel: `$stop` maps a loaded `__m128i` to a vector
/// with `0xFF` in every lane that ends the run.
macro_rules! sse_kernel {
    ($(#[$doc:meta])* $name:ident, $fallback:expr, |$v:ident| $stop:expr) => {
        $(#[$doc])*
        ///
        /// # Safety
        /// The CPU must support SSSE3 (and SSE2).
        #[target_feature(enable = "sse2,ssse3")]
        pub(crate) unsafe fn $name(s: &[u8]) -> usize {
            let len = s.len();
            if len < 16 {
                return $fallback(s);
            }
            let p = s.as_ptr();
            let mut i = 0;
            // SAFETY: every load reads 16 bytes starting at `p + i` with
            // `i + 16 <= len`, or at `p + len - 16` with `len >= 16`: always
            // inside `s`. Unaligned loads (`loadu`) have no alignment
            // requirement. The arithmetic intrinsics need SSE2/SSSE3, which
            // the caller guarantees.
            #[allow(unused_unsafe)]
            unsafe {
                while i + 16 <= len {
                    let $v = _mm_loadu_si128(p.add(i).cast());
                    let m = _mm_movemask_epi8($stop) as u32;
                    if m != 0 {
                        return i + m.trailing_zeros() as usize;
                    }
                    i += 16;
                }
                if i == len {
                    return len;
                }
                // The last `len - i` (< 16) bytes: load the final 16 bytes of
                // the slice and drop the lanes already checked.
                let $v = _mm_loadu_si128(p.add(len - 16).cast());
                let m = (_mm_movemask_epi8($stop) as u32) >> (16 - (len - i));
                if m != 0 {
                    i + m.trailing_zeros() as usize
                } else {
                    len
                }
            }
        }
    };
}

/// Generates one AVX2 kernel: 32 bytes first (short fields), then 64-byte
/// blocks, then 32, then an overlapping final load; slices shorter than 32
/// bytes go to the 16-byte kernel `$short`.
macro_rules! avx2_kernel {
    ($(#[$doc:meta])* $name:ident, $short:expr, |$v:ident| $stop:expr) => {
        $(#[$doc])*
        ///
        /// # Safety
        /// The CPU must support AVX2.
        #[target_feature(enable = "avx2")]
        pub(crate) unsafe fn $name(s: &[u8]) -> usize {
            let len = s.len();
            if len < 32 {
                // SAFETY: AVX2 implies SSSE3.
                return unsafe { $short(s) };
            }
            let p = s.as_ptr();
            // SAFETY: every load reads 32 bytes at `p + i` with
            // `i + 32 <= len` (or 64 with `i + 64 <= len`), or the final 32
            // bytes of `s` (`len >= 32`): always inside `s`; `loadu` has no
            // alignment requirement. AVX2 is guaranteed by the caller.
            #[allow(unused_unsafe)]
            unsafe {
                let $v = _mm256_loadu_si256(p.cast());
                let m = _mm256_movemask_epi8($stop) as u32;
                if m != 0 {
                    return m.trailing_zeros() as usize;
                }
                let mut i = 32;
                while i + 64 <= len {
                    let a = {
                        let $v = _mm256_loadu_si256(p.add(i).cast());
                        _mm256_movemask_epi8($stop) as u32
                    };
                    let b = {
                        let $v = _mm256_loadu_si256(p.add(i + 32).cast());
                        _mm256_movemask_epi8($stop) as u32
                    };
                    let m = u64::from(a) | (u64::from(b) << 32);
                    if m != 0 {
                        return i + m.trailing_zeros() as usize;
                    }
                    i += 64;
                }
                if i + 32 <= len {
                    let $v = _mm256_loadu_si256(p.add(i).cast());
                    let m = _mm256_movemask_epi8($stop) as u32;
                    if m != 0 {
                        return i + m.trailing_zeros() as usize;
                    }
                    i += 32;
                }
                if i == len {
                    return len;
                }
                let $v = _mm256_loadu_si256(p.add(len - 32).cast());
                let m = (_mm256_movemask_epi8($stop) as u32) >> (32 - (len - i));
                if m != 0 {
                    i + m.trailing_zeros() as usize
                } else {
                    len
                }
            }
        }
    };
}

/// 16-byte nibble-table classification: `0xFF` where the byte is *not* in
/// the class described by `lut`.
///
/// # Safety
/// The CPU must support SSSE3.
#[inline]
#[target_feature(enable = "sse2,ssse3")]
unsafe fn lut_stop_128(v: __m128i, lut: &NibbleLut) -> __m128i {
    // SAFETY: the loads read the two 16-byte arrays of `lut`; SSSE3 is
    // guaranteed by the caller.
    #[allow(unused_unsafe)]
    unsafe {
        let lo = _mm_loadu_si128(lut.lo.as_ptr().cast());
        let hi = _mm_loadu_si128(lut.hi.as_ptr().cast());
        // Bytes >= 0x80 have bit 7 set, so `pshufb` returns 0 for them: not
        // in the class (both tables only hold ASCII classes).
        let a = _mm_shuffle_epi8(lo, v);
        let hn = _mm_and_si128(_mm_srli_epi16(v, 4), _mm_set1_epi8(0x0f));
        let b = _mm_shuffle_epi8(hi, hn);
        _mm_cmpeq_epi8(_mm_and_si128(a, b), _mm_setzero_si128())
    }
}

/// 32-byte nibble-table classification, as [`lut_stop_128`].
///
/// # Safety
/// The CPU must support AVX2.
#[inline]
#[target_feature(enable = "avx2")]
unsafe fn lut_stop_256(v: __m256i, lut: &NibbleLut) -> __m256i {
    // SAFETY: the loads read the two 16-byte arrays of `lut`; AVX2 is
    // guaranteed by the caller.
    #[allow(unused_unsafe)]
    unsafe {
        let lo = _mm256_broadcastsi128_si256(_mm_loadu_si128(lut.lo.as_ptr().cast()));
        let hi = _mm256_broadcastsi128_si256(_mm_loadu_si128(lut.hi.as_ptr().cast()));
        let a = _mm256_shuffle_epi8(lo, v);
        let hn = _mm256_and_si256(_mm256_srli_epi16(v, 4), _mm256_set1_epi8(0x0f));
        let b = _mm256_shuffle_epi8(hi, hn);
        _mm256_cmpeq_epi8(_mm256_and_si256(a, b), _mm256_setzero_si256())
    }
}

sse_kernel!(
    /// `tchar` run, 16 bytes at a time.
    sse_token_run, scalar::token_run, |v| lut_stop_128(v, &TCHAR_LUT)
);
sse_kernel!(
    /// Strict request-target run, 16 bytes at a time.
    sse_target_run, scalar::target_strict_run, |v| lut_stop_128(v, &TARGET_LUT)
);
sse_kernel!(
    /// Loose request-target run (stops at CTL, SP, DEL), 16 bytes at a time.
    sse_target_loose_run, scalar::target_loose_run, |v| _mm_or_si128(
        _mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8(0x20)), v),
        _mm_cmpeq_epi8(v, _mm_set1_epi8(0x7f))
    )
);
sse_kernel!(
    /// Field-value run (stops at CTL but HTAB, and DEL), 16 bytes at a time.
    sse_value_run, scalar::value_run, |v| _mm_or_si128(
        _mm_andnot_si128(
            _mm_cmpeq_epi8(v, _mm_set1_epi8(0x09)),
            _mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8(0x1f)), v)
        ),
        _mm_cmpeq_epi8(v, _mm_set1_epi8(0x7f))
    )
);

avx2_kernel!(
    /// `tchar` run, 32/64 bytes at a time.
    avx2_token_run, sse_token_run, |v| lut_stop_256(v, &TCHAR_LUT)
);
avx2_kernel!(
    /// Strict request-target run, 32/64 bytes at a time.
    avx2_target_run, sse_target_run, |v| lut_stop_256(v, &TARGET_LUT)
);
avx2_kernel!(
    /// Loose request-target run, 32/64 bytes at a time.
    avx2_target_loose_run, sse_target_loose_run, |v| _mm256_or_si256(
        _mm256_cmpeq_epi8(_mm256_min_epu8(v, _mm256_set1_epi8(0x20)), v),
        _mm256_cmpeq_epi8(v, _mm256_set1_epi8(0x7f))
    )
);
avx2_kernel!(
    /// Field-value run, 32/64 bytes at a time.
    avx2_value_run, sse_value_run, |v| _mm256_or_si256(
        _mm256_andnot_si256(
            _mm256_cmpeq_epi8(v, _mm256_set1_epi8(0x09)),
            _mm256_cmpeq_epi8(_mm256_min_epu8(v, _mm256_set1_epi8(0x1f)), v)
        ),
        _mm256_cmpeq_epi8(v, _mm256_set1_epi8(0x7f))
    )
);

/// Stop mask (bit `k` set when byte `k` ends a field value) of 16 bytes,
/// with SSE2 only: part of the x86-64 baseline, so this is inlined into the
/// scanners' prologue without a call or a feature check.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
pub(crate) fn sse2_value_mask(head: &[u8; 16]) -> u32 {
    // SAFETY: SSE2 is enabled on every x86-64 target; the unaligned load
    // reads exactly the 16 bytes of `head`.
    #[allow(unused_unsafe)]
    unsafe {
        let v = _mm_loadu_si128(head.as_ptr().cast());
        let stop = _mm_or_si128(
            _mm_andnot_si128(
                _mm_cmpeq_epi8(v, _mm_set1_epi8(0x09)),
                _mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8(0x1f)), v),
            ),
            _mm_cmpeq_epi8(v, _mm_set1_epi8(0x7f)),
        );
        _mm_movemask_epi8(stop) as u32
    }
}

/// [`Classify`] with AVX2: two 32-byte halves, one pair of nibble lookups
/// each (see [`HEAD_LUT`]).
pub(crate) struct Avx2Blocks;

impl Classify for Avx2Blocks {
    /// # Safety
    /// The CPU must support AVX2.
    #[inline(always)]
    unsafe fn classify(block: &[u8; 64]) -> (u64, u64) {
        // SAFETY: the caller guarantees AVX2.
        unsafe { avx2_classify(block) }
    }
}

/// [`Classify`] with SSSE3 (the `Sse42` backend): four 16-byte quarters.
pub(crate) struct SsseBlocks;

impl Classify for SsseBlocks {
    /// # Safety
    /// The CPU must support SSSE3.
    #[inline(always)]
    unsafe fn classify(block: &[u8; 64]) -> (u64, u64) {
        // SAFETY: the caller guarantees SSSE3.
        unsafe { ssse3_classify(block) }
    }
}

/// `(not_tchar, ctl)` masks of 64 bytes, 32 at a time.
///
/// # Safety
/// The CPU must support AVX2.
#[inline]
#[target_feature(enable = "avx2")]
unsafe fn avx2_classify(block: &[u8; 64]) -> (u64, u64) {
    // SAFETY: the loads read the two 16-byte tables of `HEAD_LUT` and the two
    // 32-byte halves of `block`, all in bounds (`loadu` needs no alignment);
    // AVX2 is guaranteed by the caller.
    #[allow(unused_unsafe)]
    unsafe {
        let lo = _mm256_broadcastsi128_si256(_mm_loadu_si128(HEAD_LUT.lo.as_ptr().cast()));
        let hi = _mm256_broadcastsi128_si256(_mm_loadu_si128(HEAD_LUT.hi.as_ptr().cast()));
        let nibble = _mm256_set1_epi8(0x0f);
        let tchar_bits = _mm256_set1_epi8(HEAD_TCHAR_BITS as i8);
        let ctl_bits = _mm256_set1_epi8(HEAD_CTL_BITS as i8);
        let mut masks = [(0u32, 0u32); 2];
        for (half, m) in masks.iter_mut().enumerate() {
            let v = _mm256_loadu_si256(block.as_ptr().add(32 * half).cast());
            let c = _mm256_and_si256(
                _mm256_shuffle_epi8(lo, v),
                _mm256_shuffle_epi8(hi, _mm256_and_si256(_mm256_srli_epi16(v, 4), nibble)),
            );
            let not_tchar = _mm256_cmpeq_epi8(_mm256_and_si256(c, tchar_bits), _mm256_setzero_si256());
            let ok = _mm256_cmpeq_epi8(_mm256_and_si256(c, ctl_bits), _mm256_setzero_si256());
            *m = (_mm256_movemask_epi8(not_tchar) as u32, !(_mm256_movemask_epi8(ok) as u32));
        }
        (u64::from(masks[0].0) | u64::from(masks[1].0) << 32, u64::from(masks[0].1) | u64::from(masks[1].1) << 32)
    }
}

/// `(not_tchar, ctl)` masks of 64 bytes, 16 at a time.
///
/// # Safety
/// The CPU must support SSSE3.
#[inline]
#[target_feature(enable = "sse2,ssse3")]
unsafe fn ssse3_classify(block: &[u8; 64]) -> (u64, u64) {
    // SAFETY: the loads read the two 16-byte tables of `HEAD_LUT` and the
    // four 16-byte quarters of `block`, all in bounds (`loadu` needs no
    // alignment); SSSE3 is guaranteed by the caller.
    #[allow(unused_unsafe)]
    unsafe {
        let lo = _mm_loadu_si128(HEAD_LUT.lo.as_ptr().cast());
        let hi = _mm_loadu_si128(HEAD_LUT.hi.as_ptr().cast());
        let nibble = _mm_set1_epi8(0x0f);
        let tchar_bits = _mm_set1_epi8(HEAD_TCHAR_BITS as i8);
        let ctl_bits = _mm_set1_epi8(HEAD_CTL_BITS as i8);
        let (mut not_tchar, mut ctl) = (0u64, 0u64);
        for quarter in 0..4 {
            let v = _mm_loadu_si128(block.as_ptr().add(16 * quarter).cast());
            let c = _mm_and_si128(
                _mm_shuffle_epi8(lo, v),
                _mm_shuffle_epi8(hi, _mm_and_si128(_mm_srli_epi16(v, 4), nibble)),
            );
            let t = _mm_cmpeq_epi8(_mm_and_si128(c, tchar_bits), _mm_setzero_si128());
            let ok = _mm_cmpeq_epi8(_mm_and_si128(c, ctl_bits), _mm_setzero_si128());
            not_tchar |= u64::from(_mm_movemask_epi8(t) as u16) << (16 * quarter);
            ctl |= u64::from(!(_mm_movemask_epi8(ok) as u16)) << (16 * quarter);
        }
        (not_tchar, ctl)
    }
}
