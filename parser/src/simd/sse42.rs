//! The SSE4.2-class backend: 16-byte SSSE3 kernels (SSE2 and `pshufb`), on
//! x86 CPUs with SSE4.2, all of which have SSSE3. No PCMPESTRI: its latency
//! loses to scalar code on short fields.
//!
//! Each kernel loads a whole vector, classifies every byte at once into a
//! "stop" mask (one bit per byte that is *not* in the class), and returns the
//! position of the first set bit. Set membership:
//!
//! * `tchar` and the strict target set use a nibble lookup: two `pshufb`
//!   lookups indexed by the low and high nibble of each byte give bit sets
//!   whose intersection is non-empty exactly for class members (tables
//!   computed from [`crate::class`] at compile time, see
//!   [`super::NibbleLut`]);
//! * values and the loose target set are ranges: unsigned `min` compares
//!   plus equality with HTAB/DEL.
//!
//! Loads never leave the slice: vector steps run while a whole vector fits,
//! the last partial vector is handled by an overlapping load that ends at the
//! slice end, and a slice shorter than one vector goes to the scalar code.

#[cfg(feature = "std")]
extern crate std;

#[cfg(target_arch = "x86")]
use core::arch::x86::*;
#[cfg(target_arch = "x86_64")]
use core::arch::x86_64::*;

use super::{
    padded_masks, scalar, skip_plain_blocks, Backend, Cpu, NibbleLut, HEAD_CTL_LIFT, HEAD_LUT, TARGET_LUT, TCHAR_LUT,
};

/// The SSE4.2 backend's token: a value exists only on a CPU with SSE4.2
/// and SSSE3.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Sse42(());

/// Returns whether the CPU has SSE4.2 and SSSE3 (runtime detection).
#[cfg(feature = "std")]
fn detected() -> bool {
    std::is_x86_feature_detected!("sse4.2") && std::is_x86_feature_detected!("ssse3")
}

/// Returns whether the crate is compiled for SSE4.2 and SSSE3.
#[cfg(not(feature = "std"))]
fn detected() -> bool {
    cfg!(all(target_feature = "sse4.2", target_feature = "ssse3"))
}

// SAFETY: `new` makes a value only after detecting SSE4.2 and SSSE3, and
// `new_unchecked`'s callers guarantee them; the backend's function enables
// SSE2 and SSSE3.
unsafe impl Cpu for Sse42 {
    const BACKEND: Backend = Backend::Sse42;
    const EARLY_BLOCK: bool = true;

    fn new() -> Option<Self> {
        detected().then_some(Sse42(()))
    }

    #[inline(always)]
    unsafe fn new_unchecked() -> Self {
        Sse42(())
    }

    module_kernels!(classify_short);

    #[inline(always)]
    fn skip_plain(self, buf: &[u8], from: usize) -> usize {
        // SAFETY: `self` proves SSE2 (and more).
        unsafe { skip_plain(buf, from) }
    }
}

/// Generates one 16-byte kernel: `$stop` maps a loaded `__m128i` to a vector
/// with `0xFF` in every lane that ends the run.
macro_rules! sse42_kernel {
    ($(#[$doc:meta])* $name:ident, $fallback:expr, |$v:ident| $stop:expr) => {
        $(#[$doc])*
        ///
        /// # Safety
        /// The CPU must support SSSE3 (and SSE2).
        #[inline]
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

/// Returns 16-byte nibble-table classification: `0xFF` where the byte is *not* in
/// the class described by `lut`.
///
/// # Safety
/// The CPU must support SSSE3.
#[inline]
#[target_feature(enable = "sse2,ssse3")]
unsafe fn lut_stop(v: __m128i, lut: &NibbleLut) -> __m128i {
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

sse42_kernel!(
    /// `tchar` run, 16 bytes at a time.
    token_run, scalar::token_run, |v| lut_stop(v, &TCHAR_LUT)
);
sse42_kernel!(
    /// Strict request-target run, 16 bytes at a time.
    target_strict_run, scalar::target_strict_run, |v| lut_stop(v, &TARGET_LUT)
);
sse42_kernel!(
    /// Loose request-target run (stops at CTL, SP, DEL), 16 bytes at a time.
    target_loose_run, scalar::target_loose_run, |v| _mm_or_si128(
        _mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8(0x20)), v),
        _mm_cmpeq_epi8(v, _mm_set1_epi8(0x7f))
    )
);
sse42_kernel!(
    /// Field-value run (stops at CTL but HTAB, and DEL), 16 bytes at a time.
    value_run, scalar::value_run, |v| _mm_or_si128(
        _mm_andnot_si128(
            _mm_cmpeq_epi8(v, _mm_set1_epi8(0x09)),
            _mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8(0x1f)), v)
        ),
        _mm_cmpeq_epi8(v, _mm_set1_epi8(0x7f))
    )
);

/// Returns the `(not_tchar, ctl)` masks of 64 bytes: four 16-byte
/// quarters, one pair of nibble lookups each (see [`HEAD_LUT`]).
///
/// # Safety
/// The CPU must support SSSE3.
#[inline]
#[target_feature(enable = "sse2,ssse3")]
unsafe fn classify(block: &[u8; 64]) -> (u64, u64) {
    let (mut not_tchar, mut ctl) = (0u64, 0u64);
    let mut rest: &[u8] = block;
    let mut at = 0;
    while let Some((quarter, tail)) = rest.split_first_chunk::<16>() {
        // SAFETY: the caller guarantees SSSE3.
        let (n, c) = unsafe { classify16(quarter) };
        not_tchar |= u64::from(n) << at;
        ctl |= u64::from(c) << at;
        (rest, at) = (tail, at + 16);
    }
    (not_tchar, ctl)
}

/// Returns `(not_tchar, ctl)` masks of 16 bytes.
///
/// # Safety
/// The CPU must support SSSE3.
#[inline]
#[target_feature(enable = "sse2,ssse3")]
unsafe fn classify16(bytes: &[u8; 16]) -> (u16, u16) {
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

/// [`Cpu::classify_short`] from 16-byte chunks: every whole chunk from
/// the start, then the last 16 bytes (overlapping the chunk before: both
/// give the same bits there). `buf` is 16 to 63 bytes long.
///
/// # Safety
/// The CPU must support SSSE3.
#[inline]
#[target_feature(enable = "sse2,ssse3")]
pub(crate) unsafe fn classify_short(buf: &[u8]) -> (u64, u64) {
    let len = buf.len();
    let past_end = !0u64 << len;
    let (mut not_tchar, mut ctl) = (past_end, past_end);
    let mut rest = buf;
    let mut at = 0;
    while let Some((chunk, tail)) = rest.split_first_chunk::<16>() {
        // SAFETY: the caller guarantees SSSE3.
        let (n, c) = unsafe { classify16(chunk) };
        not_tchar |= u64::from(n) << at;
        ctl |= u64::from(c) << at;
        (rest, at) = (tail, at + 16);
    }
    if let (false, Some(last)) = (rest.is_empty(), buf.last_chunk::<16>()) {
        // SAFETY: the caller guarantees SSSE3.
        let (n, c) = unsafe { classify16(last) };
        not_tchar |= u64::from(n) << (len - 16);
        ctl |= u64::from(c) << (len - 16);
    }
    (not_tchar, ctl)
}

/// [`Cpu::skip_plain`] with SSE2 only: a byte is a control byte or DEL when
/// it is at most 0x1F (its unsigned minimum with 0x1F is itself) or 0x7F.
/// A function of its own: inline, the 703-byte request ran slower with
/// this backend.
///
/// # Safety
/// The CPU must support SSE2.
#[inline(never)]
#[target_feature(enable = "sse2")]
unsafe fn skip_plain(buf: &[u8], from: usize) -> usize {
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
