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

use super::{padded_masks, skip_plain_blocks, Classify, NibbleLut, HEAD_CTL_LIFT, HEAD_LUT, TARGET_LUT, TCHAR_LUT};
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

    /// # Safety
    /// The CPU must support AVX2.
    unsafe fn skip_plain(buf: &[u8], from: usize) -> usize {
        // SAFETY: the caller guarantees AVX2.
        unsafe { avx2_skip_plain(buf, from) }
    }

    /// The first 32 bytes and the last 32 (overlapping: both give the same
    /// bits there), or 16-byte chunks for a buffer of 16 to 31 bytes.
    ///
    /// # Safety
    /// The CPU must support AVX2.
    #[inline(always)]
    unsafe fn classify_short(buf: &[u8]) -> (u64, u64) {
        let len = buf.len();
        match (buf.first_chunk::<32>(), buf.last_chunk::<32>()) {
            (Some(first), Some(last)) if len < 64 => {
                // SAFETY: the caller guarantees AVX2.
                let ((n0, c0), (n1, c1)) = unsafe { (avx2_classify32(first), avx2_classify32(last)) };
                let past_end = !0u64 << len;
                let shift = len - 32;
                (u64::from(n0) | u64::from(n1) << shift | past_end, u64::from(c0) | u64::from(c1) << shift | past_end)
            }
            // SAFETY: AVX2 implies SSSE3.
            _ if (16..64).contains(&len) => unsafe { ssse3_classify_short(buf) },
            // SAFETY: the caller guarantees AVX2.
            _ => unsafe { padded_masks::<Self>(buf) },
        }
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

    /// With SSE2 only.
    ///
    /// # Safety
    /// The CPU must support SSE2.
    unsafe fn skip_plain(buf: &[u8], from: usize) -> usize {
        // SAFETY: the caller guarantees SSE2 (and more).
        unsafe { sse2_skip_plain(buf, from) }
    }

    /// 16-byte chunks, the last one overlapping the one before.
    ///
    /// # Safety
    /// The CPU must support SSSE3.
    #[inline(always)]
    unsafe fn classify_short(buf: &[u8]) -> (u64, u64) {
        if (16..64).contains(&buf.len()) {
            // SAFETY: the caller guarantees SSSE3.
            unsafe { ssse3_classify_short(buf) }
        } else {
            // SAFETY: the caller guarantees SSSE3.
            unsafe { padded_masks::<Self>(buf) }
        }
    }
}

/// `(not_tchar, ctl)` masks of 64 bytes, 32 at a time.
///
/// # Safety
/// The CPU must support AVX2.
#[inline]
#[target_feature(enable = "avx2")]
unsafe fn avx2_classify(block: &[u8; 64]) -> (u64, u64) {
    let (mut not_tchar, mut ctl) = (0u64, 0u64);
    let mut rest: &[u8] = block;
    let mut at = 0;
    while let Some((half, tail)) = rest.split_first_chunk::<32>() {
        // SAFETY: the caller guarantees AVX2.
        let (n, c) = unsafe { avx2_classify32(half) };
        not_tchar |= u64::from(n) << at;
        ctl |= u64::from(c) << at;
        (rest, at) = (tail, at + 32);
    }
    (not_tchar, ctl)
}

/// [`Classify::skip_plain`] with AVX2: a byte is a control byte or DEL when
/// it is at most 0x1F (its unsigned minimum with 0x1F is itself) or 0x7F.
///
/// # Safety
/// The CPU must support AVX2.
#[inline]
#[target_feature(enable = "avx2")]
unsafe fn avx2_skip_plain(buf: &[u8], from: usize) -> usize {
    skip_plain_blocks(buf, from, |block| {
        // SAFETY: the two loads read the 64 bytes of `block` (`loadu`
        // needs no alignment); AVX2 is enabled in this function.
        #[allow(unused_unsafe)]
        unsafe {
            let ctl = |v: __m256i| {
                _mm256_or_si256(
                    _mm256_cmpeq_epi8(_mm256_min_epu8(v, _mm256_set1_epi8(0x1f)), v),
                    _mm256_cmpeq_epi8(v, _mm256_set1_epi8(0x7f)),
                )
            };
            let a = ctl(_mm256_loadu_si256(block.as_ptr().cast()));
            let b = ctl(_mm256_loadu_si256(block.as_ptr().add(32).cast()));
            let any = _mm256_or_si256(a, b);
            _mm256_testz_si256(any, any) == 0
        }
    })
}

/// [`Classify::skip_plain`] with SSE2, as [`avx2_skip_plain`].
///
/// # Safety
/// The CPU must support SSE2.
#[inline(never)]
#[target_feature(enable = "sse2")]
unsafe fn sse2_skip_plain(buf: &[u8], from: usize) -> usize {
    skip_plain_blocks(buf, from, |block| {
        // SAFETY: the four loads read the 64 bytes of `block` (`loadu`
        // needs no alignment); SSE2 is enabled in this function.
        #[allow(unused_unsafe)]
        unsafe {
            let ctl = |k: usize| {
                let v = _mm_loadu_si128(block.as_ptr().add(16 * k).cast());
                _mm_or_si128(
                    _mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8(0x1f)), v),
                    _mm_cmpeq_epi8(v, _mm_set1_epi8(0x7f)),
                )
            };
            let any = _mm_or_si128(_mm_or_si128(ctl(0), ctl(1)), _mm_or_si128(ctl(2), ctl(3)));
            _mm_movemask_epi8(any) != 0
        }
    })
}

/// `(not_tchar, ctl)` masks of 32 bytes.
///
/// # Safety
/// The CPU must support AVX2.
#[inline]
#[target_feature(enable = "avx2")]
unsafe fn avx2_classify32(bytes: &[u8; 32]) -> (u32, u32) {
    // SAFETY: the loads read the two 16-byte tables of `HEAD_LUT` and the 32
    // bytes of `bytes`, all in bounds (`loadu` needs no alignment); AVX2 is
    // guaranteed by the caller.
    #[allow(unused_unsafe)]
    unsafe {
        let lo = _mm256_broadcastsi128_si256(_mm_loadu_si128(HEAD_LUT.lo.as_ptr().cast()));
        let hi = _mm256_broadcastsi128_si256(_mm_loadu_si128(HEAD_LUT.hi.as_ptr().cast()));
        let v = _mm256_loadu_si256(bytes.as_ptr().cast());
        let c = _mm256_and_si256(
            _mm256_shuffle_epi8(lo, v),
            _mm256_shuffle_epi8(hi, _mm256_and_si256(_mm256_srli_epi16(v, 4), _mm256_set1_epi8(0x0f))),
        );
        // See `HEAD_CTL_LIFT`: an entry is 0 for a byte that is neither a
        // `tchar` nor a control byte, and lifted into the top bit for a
        // control byte.
        let zero = _mm256_movemask_epi8(_mm256_cmpeq_epi8(c, _mm256_setzero_si256())) as u32;
        let ctl = _mm256_movemask_epi8(_mm256_add_epi8(c, _mm256_set1_epi8(HEAD_CTL_LIFT as i8))) as u32;
        (zero | ctl, ctl)
    }
}

/// `(not_tchar, ctl)` masks of 64 bytes, 16 at a time.
///
/// # Safety
/// The CPU must support SSSE3.
#[inline]
#[target_feature(enable = "sse2,ssse3")]
unsafe fn ssse3_classify(block: &[u8; 64]) -> (u64, u64) {
    let (mut not_tchar, mut ctl) = (0u64, 0u64);
    let mut rest: &[u8] = block;
    let mut at = 0;
    while let Some((quarter, tail)) = rest.split_first_chunk::<16>() {
        // SAFETY: the caller guarantees SSSE3.
        let (n, c) = unsafe { ssse3_classify16(quarter) };
        not_tchar |= u64::from(n) << at;
        ctl |= u64::from(c) << at;
        (rest, at) = (tail, at + 16);
    }
    (not_tchar, ctl)
}

/// `(not_tchar, ctl)` masks of 16 bytes.
///
/// # Safety
/// The CPU must support SSSE3.
#[inline]
#[target_feature(enable = "sse2,ssse3")]
unsafe fn ssse3_classify16(bytes: &[u8; 16]) -> (u16, u16) {
    // SAFETY: the loads read the two 16-byte tables of `HEAD_LUT` and the 16
    // bytes of `bytes`, all in bounds (`loadu` needs no alignment); SSSE3 is
    // guaranteed by the caller.
    #[allow(unused_unsafe)]
    unsafe {
        let lo = _mm_loadu_si128(HEAD_LUT.lo.as_ptr().cast());
        let hi = _mm_loadu_si128(HEAD_LUT.hi.as_ptr().cast());
        let v = _mm_loadu_si128(bytes.as_ptr().cast());
        let c = _mm_and_si128(
            _mm_shuffle_epi8(lo, v),
            _mm_shuffle_epi8(hi, _mm_and_si128(_mm_srli_epi16(v, 4), _mm_set1_epi8(0x0f))),
        );
        // As in `avx2_classify32`.
        let zero = _mm_movemask_epi8(_mm_cmpeq_epi8(c, _mm_setzero_si128())) as u16;
        let ctl = _mm_movemask_epi8(_mm_add_epi8(c, _mm_set1_epi8(HEAD_CTL_LIFT as i8))) as u16;
        (zero | ctl, ctl)
    }
}

/// [`Classify::classify_short`] from 16-byte chunks: every whole chunk from
/// the start, then the last 16 bytes (overlapping the chunk before: both
/// give the same bits there). `buf` is 16 to 63 bytes long.
///
/// # Safety
/// The CPU must support SSSE3.
#[inline]
#[target_feature(enable = "sse2,ssse3")]
unsafe fn ssse3_classify_short(buf: &[u8]) -> (u64, u64) {
    let len = buf.len();
    let past_end = !0u64 << len;
    let (mut not_tchar, mut ctl) = (past_end, past_end);
    let mut rest = buf;
    let mut at = 0;
    while let Some((chunk, tail)) = rest.split_first_chunk::<16>() {
        // SAFETY: the caller guarantees SSSE3.
        let (n, c) = unsafe { ssse3_classify16(chunk) };
        not_tchar |= u64::from(n) << at;
        ctl |= u64::from(c) << at;
        (rest, at) = (tail, at + 16);
    }
    if let (false, Some(last)) = (rest.is_empty(), buf.last_chunk::<16>()) {
        // SAFETY: the caller guarantees SSSE3.
        let (n, c) = unsafe { ssse3_classify16(last) };
        not_tchar |= u64::from(n) << (len - 16);
        ctl |= u64::from(c) << (len - 16);
    }
    (not_tchar, ctl)
}
