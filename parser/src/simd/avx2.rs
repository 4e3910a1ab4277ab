//! The AVX2 backend: 32-byte kernels with a 64-byte loop for long fields,
//! on x86 CPUs with AVX2, BMI1 and BMI2 (`tzcnt`, `shrx` in the header
//! loop). Intel's and AMD's AVX2 CPUs have all three, but a hypervisor may
//! hide the BMI ones, so all three are checked.
//!
//! The kernels classify as those of `sse42.rs` do, 32 bytes at a time;
//! slices shorter than 32 bytes go to the 16-byte kernels.

#[cfg(feature = "std")]
extern crate std;

#[cfg(target_arch = "x86")]
use core::arch::x86::*;
#[cfg(target_arch = "x86_64")]
use core::arch::x86_64::*;

use super::{
    padded_masks, skip_plain_blocks, sse42, Backend, Cpu, NibbleLut, HEAD_CTL_LIFT, HEAD_LUT, TARGET_LUT, TCHAR_LUT,
};

/// The AVX2 backend's token: a value exists only on a CPU with AVX2, BMI1
/// and BMI2.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Avx2(());

/// Returns whether the CPU has AVX2, BMI1 and BMI2 (runtime detection).
#[cfg(feature = "std")]
fn detected() -> bool {
    std::is_x86_feature_detected!("avx2")
        && std::is_x86_feature_detected!("bmi1")
        && std::is_x86_feature_detected!("bmi2")
}

/// Returns whether the crate is compiled for AVX2, BMI1 and BMI2.
#[cfg(not(feature = "std"))]
fn detected() -> bool {
    cfg!(all(target_feature = "avx2", target_feature = "bmi1", target_feature = "bmi2"))
}

// SAFETY: `new` makes a value only after detecting AVX2, BMI1 and BMI2, and
// `new_unchecked`'s callers guarantee them; the backend's function enables
// the same three.
unsafe impl Cpu for Avx2 {
    const BACKEND: Backend = Backend::Avx2;
    const EARLY_BLOCK: bool = true;

    fn new() -> Option<Self> {
        detected().then_some(Avx2(()))
    }

    #[inline(always)]
    unsafe fn new_unchecked() -> Self {
        Avx2(())
    }

    module_kernels!();

    /// Classifies the first 32 bytes and the last 32 (overlapping: both give the same
    /// bits there), or 16-byte chunks for a buffer of 16 to 31 bytes.
    #[inline(always)]
    fn classify_short(self, buf: &[u8]) -> (u64, u64) {
        let len = buf.len();
        match (buf.first_chunk::<32>(), buf.last_chunk::<32>()) {
            (Some(first), Some(last)) if len < 64 => {
                // SAFETY: `self` proves AVX2.
                let ((n0, c0), (n1, c1)) = unsafe { (classify32(first), classify32(last)) };
                let past_end = !0u64 << len;
                let shift = len - 32;
                (u64::from(n0) | u64::from(n1) << shift | past_end, u64::from(c0) | u64::from(c1) << shift | past_end)
            }
            // SAFETY: AVX2 implies SSSE3.
            _ if (16..64).contains(&len) => unsafe { sse42::classify_short(buf) },
            _ => padded_masks(self, buf),
        }
    }

    /// Inlined into the header loop: out of line, the 703-byte request ran
    /// slower. (`#[inline(always)]` also makes the body available to the
    /// loops other crates instantiate, such as the C ABI's.)
    #[inline(always)]
    fn skip_plain(self, buf: &[u8], from: usize) -> usize {
        // SAFETY: `self` proves AVX2.
        unsafe { skip_plain(buf, from) }
    }
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

/// Returns 32-byte nibble-table classification: `0xFF` where the byte is *not* in
/// the class described by `lut` (see `sse42.rs`).
///
/// # Safety
/// The CPU must support AVX2.
#[inline]
#[target_feature(enable = "avx2")]
unsafe fn lut_stop(v: __m256i, lut: &NibbleLut) -> __m256i {
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

avx2_kernel!(
    /// `tchar` run, 32/64 bytes at a time.
    token_run, sse42::token_run, |v| lut_stop(v, &TCHAR_LUT)
);
avx2_kernel!(
    /// Strict request-target run, 32/64 bytes at a time.
    target_strict_run, sse42::target_strict_run, |v| lut_stop(v, &TARGET_LUT)
);
avx2_kernel!(
    /// Loose request-target run, 32/64 bytes at a time.
    target_loose_run, sse42::target_loose_run, |v| _mm256_or_si256(
        _mm256_cmpeq_epi8(_mm256_min_epu8(v, _mm256_set1_epi8(0x20)), v),
        _mm256_cmpeq_epi8(v, _mm256_set1_epi8(0x7f))
    )
);
avx2_kernel!(
    /// Field-value run, 32/64 bytes at a time.
    value_run, sse42::value_run, |v| _mm256_or_si256(
        _mm256_andnot_si256(
            _mm256_cmpeq_epi8(v, _mm256_set1_epi8(0x09)),
            _mm256_cmpeq_epi8(_mm256_min_epu8(v, _mm256_set1_epi8(0x1f)), v)
        ),
        _mm256_cmpeq_epi8(v, _mm256_set1_epi8(0x7f))
    )
);

/// Returns the `(not_tchar, ctl)` masks of 64 bytes: two 32-byte halves,
/// one pair of nibble lookups each (see [`HEAD_LUT`]).
///
/// # Safety
/// The CPU must support AVX2.
#[inline]
#[target_feature(enable = "avx2")]
unsafe fn classify(block: &[u8; 64]) -> (u64, u64) {
    let (mut not_tchar, mut ctl) = (0u64, 0u64);
    let mut rest: &[u8] = block;
    let mut at = 0;
    while let Some((half, tail)) = rest.split_first_chunk::<32>() {
        // SAFETY: the caller guarantees AVX2.
        let (n, c) = unsafe { classify32(half) };
        not_tchar |= u64::from(n) << at;
        ctl |= u64::from(c) << at;
        (rest, at) = (tail, at + 32);
    }
    (not_tchar, ctl)
}

/// [`Cpu::skip_plain`] with AVX2: a byte is a control byte or DEL when
/// it is at most 0x1F (its unsigned minimum with 0x1F is itself) or 0x7F.
///
/// # Safety
/// The CPU must support AVX2.
#[inline]
#[target_feature(enable = "avx2")]
unsafe fn skip_plain(buf: &[u8], from: usize) -> usize {
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

/// Returns `(not_tchar, ctl)` masks of 32 bytes.
///
/// # Safety
/// The CPU must support AVX2.
#[inline]
#[target_feature(enable = "avx2")]
unsafe fn classify32(bytes: &[u8; 32]) -> (u32, u32) {
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
