//! aarch64 NEON kernels, 16 bytes at a time.
//!
//! NEON is part of the aarch64 baseline (this module is only compiled when
//! the `neon` target feature is enabled, as it is on every aarch64 Linux,
//! macOS and Windows target), so no runtime detection is needed. The
//! classification is the one of the x86 kernels: `tbl` nibble lookups for
//! `tchar` and the strict target set, unsigned compares for the rest. NEON has
//! no `movemask`; the stop vector is narrowed with `shrn #4` into a 64-bit
//! word holding four bits per byte, whose trailing-zero count divided by four
//! is the first stop position.
//!
//! Loads never leave the slice: whole 16-byte steps, then one overlapping load
//! ending at the slice end; slices shorter than 16 bytes go to the scalar
//! code.

use core::arch::aarch64::*;

use super::{
    padded_masks, scalar, skip_plain_blocks, Backend, Cpu, NibbleLut, HEAD_CTL_BITS, HEAD_LUT, HEAD_TCHAR_BITS,
    TARGET_LUT, TCHAR_LUT,
};

/// The NEON backend's token: NEON is baseline where this module compiles.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Neon(());

// SAFETY: this module compiles only with the `neon` target feature, which
// every value then has.
unsafe impl Cpu for Neon {
    const BACKEND: Backend = Backend::Neon;

    fn new() -> Option<Self> {
        Some(Neon(()))
    }

    #[inline(always)]
    unsafe fn new_unchecked() -> Self {
        Neon(())
    }

    module_kernels!(classify_short);

    /// Inline: a call would make the header loop save and restore its
    /// vector constants around it (aarch64 keeps only the low halves of
    /// eight vector registers across calls).
    #[inline(always)]
    fn skip_plain(self, buf: &[u8], from: usize) -> usize {
        skip_plain(buf, from)
    }
}

/// Returns four bits per byte: nibble `k` of the result is `0xF` when lane `k` of
/// `stop` is `0xFF`.
#[inline(always)]
fn nibble_mask(stop: uint8x16_t) -> u64 {
    // SAFETY: NEON is enabled for this module (see the module `cfg`).
    #[allow(unused_unsafe)]
    unsafe {
        vget_lane_u64::<0>(vreinterpret_u64_u8(vshrn_n_u16::<4>(vreinterpretq_u16_u8(stop))))
    }
}

#[inline(always)]
fn lut_stop(v: uint8x16_t, lut: &NibbleLut) -> uint8x16_t {
    // SAFETY: NEON is enabled for this module; the loads read the two
    // 16-byte arrays of `lut`.
    #[allow(unused_unsafe)]
    unsafe {
        let lo = vld1q_u8(lut.lo.as_ptr());
        let hi = vld1q_u8(lut.hi.as_ptr());
        let a = vqtbl1q_u8(lo, vandq_u8(v, vdupq_n_u8(0x0f)));
        let b = vqtbl1q_u8(hi, vshrq_n_u8::<4>(v));
        vceqq_u8(vandq_u8(a, b), vdupq_n_u8(0))
    }
}

macro_rules! neon_kernel {
    ($(#[$doc:meta])* $name:ident, $fallback:expr, |$v:ident| $stop:expr) => {
        $(#[$doc])*
        pub(crate) fn $name(s: &[u8]) -> usize {
            let len = s.len();
            if len < 16 {
                return $fallback(s);
            }
            let p = s.as_ptr();
            let mut i = 0;
            // SAFETY: every load reads 16 bytes at `p + i` with
            // `i + 16 <= len`, or the final 16 bytes of `s` (`len >= 16`):
            // always inside `s`. `vld1q_u8` has no alignment requirement.
            #[allow(unused_unsafe)]
            unsafe {
                while i + 16 <= len {
                    let $v = vld1q_u8(p.add(i));
                    let m = nibble_mask($stop);
                    if m != 0 {
                        return i + (m.trailing_zeros() / 4) as usize;
                    }
                    i += 16;
                }
                if i == len {
                    return len;
                }
                let $v = vld1q_u8(p.add(len - 16));
                let m = nibble_mask($stop) >> (4 * (16 - (len - i)));
                if m != 0 {
                    i + (m.trailing_zeros() / 4) as usize
                } else {
                    len
                }
            }
        }
    };
}

neon_kernel!(
    /// `tchar` run.
    token_run, scalar::token_run, |v| lut_stop(v, &TCHAR_LUT)
);
neon_kernel!(
    /// Strict request-target run.
    target_strict_run, scalar::target_strict_run, |v| lut_stop(v, &TARGET_LUT)
);
neon_kernel!(
    /// Loose request-target run (stops at CTL, SP, DEL).
    target_loose_run, scalar::target_loose_run, |v| vorrq_u8(
        vcleq_u8(v, vdupq_n_u8(0x20)),
        vceqq_u8(v, vdupq_n_u8(0x7f))
    )
);
neon_kernel!(
    /// Field-value run (stops at CTL but HTAB, and DEL).
    value_run, scalar::value_run, |v| vorrq_u8(
        vbicq_u8(vcleq_u8(v, vdupq_n_u8(0x1f)), vceqq_u8(v, vdupq_n_u8(0x09))),
        vceqq_u8(v, vdupq_n_u8(0x7f))
    )
);

/// [`Cpu::skip_plain`] with NEON: a byte is a control byte or DEL when
/// it is at most 0x1F or is 0x7F.
#[inline(always)]
fn skip_plain(buf: &[u8], from: usize) -> usize {
    skip_plain_blocks(buf, from, |block| {
        // SAFETY: NEON is enabled for this module; the load reads the 64
        // bytes of `block`.
        #[allow(unused_unsafe)]
        unsafe {
            let v = vld1q_u8_x4(block.as_ptr());
            let ctl = |x: uint8x16_t| vorrq_u8(vcleq_u8(x, vdupq_n_u8(0x1f)), vceqq_u8(x, vdupq_n_u8(0x7f)));
            vmaxvq_u8(vorrq_u8(vorrq_u8(ctl(v.0), ctl(v.1)), vorrq_u8(ctl(v.2), ctl(v.3)))) != 0
        }
    })
}

/// Returns the bit mask of 64 lanes (each `0xFF` or 0) that `vld4q_u8` loaded:
/// bit `4 * k + j` of the result is lane `k` of `v.j`, which is byte
/// `4 * k + j` of the block, so the bits are in the bytes' order.
///
/// Each shift-right-and-insert keeps the top bits of its first operand and
/// fills the rest from the second, shifted: after the four of them, byte `k`
/// holds lane `k` of `v.3, v.2, v.1, v.0` (top to bottom) twice over, and
/// the narrowing shift packs the nibbles of two bytes into one.
#[inline(always)]
fn mask64(v: uint8x16x4_t) -> u64 {
    // SAFETY: NEON is enabled for this module; register operations only.
    #[allow(unused_unsafe)]
    unsafe {
        let t0 = vsriq_n_u8::<1>(v.1, v.0);
        let t1 = vsriq_n_u8::<1>(v.3, v.2);
        let t2 = vsriq_n_u8::<2>(t1, t0);
        let t3 = vsriq_n_u8::<4>(t2, t2);
        vget_lane_u64::<0>(vreinterpret_u64_u8(vshrn_n_u16::<4>(vreinterpretq_u16_u8(t3))))
    }
}

/// Returns `(not_tchar, ctl)` masks of `buf`, 16 to 63 bytes, with every bit from
/// its length on set (zero bytes past it are stops in both masks). The
/// zero-padded block is built in registers: the whole 16-byte chunks, then
/// the rest of `buf` taken from its last 16 bytes by a `tbl` that shifts
/// them down (its out-of-range indexes give the zeros after them), then zero
/// chunks.
#[inline(always)]
fn classify_short(buf: &[u8]) -> (u64, u64) {
    const IOTA: [u8; 16] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15];
    let len = buf.len();
    debug_assert!((16..64).contains(&len));
    let whole = len / 16;
    // SAFETY: NEON is enabled for this module. Each load reads 16 bytes of
    // `buf`: a chunk `16 * k .. 16 * k + 16` with `k < whole = len / 16`, or
    // the last 16 (`len >= 16`); and the 16 bytes of `IOTA`.
    #[allow(unused_unsafe)]
    unsafe {
        let last = vld1q_u8(buf.as_ptr().add(len - 16));
        // Lane `i` of the partial chunk is byte `16 * whole + i` of `buf`,
        // lane `i + shift` of `last`; an index of 16 or more gives 0.
        let shift = (16 * whole + 16 - len) as u8;
        let partial = vqtbl1q_u8(last, vaddq_u8(vld1q_u8(IOTA.as_ptr()), vdupq_n_u8(shift)));
        let quarter = |k: usize| match k.cmp(&whole) {
            core::cmp::Ordering::Less => vld1q_u8(buf.as_ptr().add(16 * k)),
            core::cmp::Ordering::Equal => partial,
            core::cmp::Ordering::Greater => vdupq_n_u8(0),
        };
        // The quarters in order, deinterleaved as `vld4q_u8` would have
        // loaded them from memory, for `mask64`.
        let (q0, q1, q2, q3) = (quarter(0), quarter(1), quarter(2), quarter(3));
        let (a, b) = (vuzp1q_u8(q0, q1), vuzp2q_u8(q0, q1));
        let (c, d) = (vuzp1q_u8(q2, q3), vuzp2q_u8(q2, q3));
        classify_deinterleaved(uint8x16x4_t(vuzp1q_u8(a, c), vuzp1q_u8(b, d), vuzp2q_u8(a, c), vuzp2q_u8(b, d)))
    }
}

/// Returns the `(not_tchar, ctl)` masks of 64 bytes, loaded deinterleaved
/// into four vectors (`ld4`), one pair of `tbl` nibble lookups each (see
/// [`HEAD_LUT`]), narrowed to bit masks by shifts and inserts (NEON has no
/// `movemask`).
#[inline(always)]
fn classify(block: &[u8; 64]) -> (u64, u64) {
    // SAFETY: NEON is enabled for this module; the load reads the 64 bytes
    // of `block`.
    #[allow(unused_unsafe)]
    unsafe {
        // The classes are per byte, so the deinterleaved order does not
        // matter until `mask64`, which undoes it.
        classify_deinterleaved(vld4q_u8(block.as_ptr()))
    }
}

/// Returns `(not_tchar, ctl)` masks of 64 bytes deinterleaved as by `vld4q_u8`.
#[inline(always)]
fn classify_deinterleaved(v: uint8x16x4_t) -> (u64, u64) {
    // SAFETY: NEON is enabled for this module; the loads read the two
    // 16-byte tables of `HEAD_LUT`.
    #[allow(unused_unsafe)]
    unsafe {
        let lo = vld1q_u8(HEAD_LUT.lo.as_ptr());
        let hi = vld1q_u8(HEAD_LUT.hi.as_ptr());
        let class =
            |x: uint8x16_t| vandq_u8(vqtbl1q_u8(lo, vandq_u8(x, vdupq_n_u8(0x0f))), vqtbl1q_u8(hi, vshrq_n_u8::<4>(x)));
        let c = [class(v.0), class(v.1), class(v.2), class(v.3)];
        let test = |bits: u8| {
            let b = vdupq_n_u8(bits);
            uint8x16x4_t(vtstq_u8(c[0], b), vtstq_u8(c[1], b), vtstq_u8(c[2], b), vtstq_u8(c[3], b))
        };
        (!mask64(test(HEAD_TCHAR_BITS)), mask64(test(HEAD_CTL_BITS)))
    }
}
