//! Vectorised field scanners and head classifiers, one backend per file,
//! and the choice of backend.
//!
//! The parser's per-byte work is three field scanners (see `scan.rs`): the
//! run of `tchar` bytes (methods, header names), of request-target bytes and
//! of field-value bytes. Each has a scalar implementation (table lookups and
//! SWAR words) and vector kernels that classify 16, 32 or 64 bytes at once
//! into a bit mask and find the end of the run with one trailing-zero count:
//!
//! | backend | file | where | field scans | head blocks |
//! |---|---|---|---|---|
//! | [`Backend::Avx2`] | `avx2.rs` | x86-64 with AVX2, BMI1 and BMI2 (runtime detection) | 32/64 B | 2 × 32 B |
//! | [`Backend::Sse42`] | `sse42.rs` | x86-64 with SSE4.2/SSSE3 (runtime detection) | 16 B | 4 × 16 B |
//! | [`Backend::Neon`] | `neon.rs` | aarch64 (NEON is baseline) | 16 B | 4 × 16 B |
//! | [`Backend::Scalar`] | `scalar.rs` | everywhere | 4 B table / 8 B SWAR | none: field scans |
//!
//! Header lines take a different route (`head/`): each vector backend turns
//! each 64-byte block of the head into two bit masks at once (bytes that end
//! a name, bytes that end a value), and the header loop walks them with
//! shifts and trailing-zero counts, so a short field pays no vector set-up
//! of its own.
//!
//! Each backend is a capability token, a `Cpu` type whose value proves that
//! the CPU runs its instructions (`dispatch.rs`), so its kernels are safe
//! methods and `unsafe` stays in this module. The backend is chosen once,
//! on first use, and cached in an atomic: with the default `std` feature by
//! runtime CPU feature detection (no `-C target-cpu=native` needed), without
//! it from the target features the crate is compiled with. The
//! `SPRINGBOK_BACKEND` environment variable (`scalar`, `sse4.2`, `avx2`,
//! `neon`; `std` feature only), read at that first use, selects a slower
//! available backend instead, for testing and benchmarking; an unavailable
//! choice is ignored.
//!
//! Every kernel and classifier is tested against the scalar byte-class
//! table for all 256 byte values at every position and alignment, on random
//! buffers, and next to a guard page; the parser's whole test suite runs
//! under each available backend.

use crate::class::{self, TARGET, TCHAR};

/// The methods of a [`Cpu`] impl that call the backend module's functions
/// of the same names: the four field kernels and the block classifier, and
/// with `classify_short` that one too, for buffers of 16 to 63 bytes (a
/// zero-padded copy, [`padded_masks`], for the others). The x86 ones are
/// `unsafe` (`#[target_feature]`); the token's value makes the call sound.
macro_rules! module_kernels {
    (classify_short) => {
        module_kernels!();

        #[inline(always)]
        fn classify_short(self, buf: &[u8]) -> (u64, u64) {
            if (16..64).contains(&buf.len()) {
                // SAFETY: as for the kernels above.
                #[allow(unused_unsafe)]
                unsafe {
                    classify_short(buf)
                }
            } else {
                padded_masks(self, buf)
            }
        }
    };
    () => {
        module_kernels! {
            token_run(s: &[u8]) -> usize;
            target_strict_run(s: &[u8]) -> usize;
            target_loose_run(s: &[u8]) -> usize;
            value_run(s: &[u8]) -> usize;
            classify(block: &[u8; 64]) -> (u64, u64);
        }
    };
    ($($name:ident($arg:ident: $ty:ty) -> $ret:ty;)+) => {
        $(
        #[inline(always)]
        fn $name(self, $arg: $ty) -> $ret {
            // SAFETY: `self` proves that the CPU runs this backend, whose
            // target features the function needs (if any).
            #[allow(unused_unsafe)]
            unsafe {
                $name($arg)
            }
        }
        )+
    };
}

#[cfg(any(target_arch = "x86_64", target_arch = "x86"))]
mod avx2;
pub(crate) mod dispatch;
#[cfg(all(target_arch = "aarch64", target_feature = "neon"))]
mod neon;
pub(crate) mod scalar;
#[cfg(any(target_arch = "x86_64", target_arch = "x86"))]
mod sse42;

pub(crate) use dispatch::Cpu;

/// A scanner implementation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Backend {
    /// Table lookups and 8-byte SWAR words; available everywhere.
    Scalar = 1,
    /// 16-byte SSE2/SSSE3 kernels (`pshufb` nibble tables), on x86 CPUs with
    /// SSE4.2 (every such CPU has SSSE3). No PCMPESTRI: its latency loses to
    /// scalar code on short fields.
    Sse42 = 2,
    /// 32-byte AVX2 kernels with a 64-byte loop for long fields, on x86
    /// CPUs with AVX2, BMI1 and BMI2 (Intel's and AMD's AVX2 CPUs have all
    /// three).
    Avx2 = 3,
    /// 16-byte NEON kernels on aarch64.
    Neon = 4,
}

impl Backend {
    /// Every backend, slowest first.
    pub const ALL: [Backend; 4] = [Backend::Scalar, Backend::Sse42, Backend::Avx2, Backend::Neon];

    /// Returns the name used by `SPRINGBOK_BACKEND`: `scalar`, `sse4.2`, `avx2`,
    /// `neon`.
    pub fn name(self) -> &'static str {
        match self {
            Backend::Scalar => "scalar",
            Backend::Sse42 => "sse4.2",
            Backend::Avx2 => "avx2",
            Backend::Neon => "neon",
        }
    }

    /// Whether this backend can run on this CPU (runtime detection with the
    /// `std` feature, compile-time target features without it).
    pub fn is_available(self) -> bool {
        dispatch::available(self)
    }

    /// Returns the backend whose discriminant is `b`.
    #[inline(always)]
    fn from_u8(b: u8) -> Option<Backend> {
        Some(match b {
            1 => Backend::Scalar,
            2 => Backend::Sse42,
            3 => Backend::Avx2,
            4 => Backend::Neon,
            _ => return None,
        })
    }
}

/// Returns the backend the field scanners use in this process.
pub fn backend() -> Backend {
    dispatch::active()
}

/// Makes the scanners use `b` from now on, if it is available; returns
/// whether it is. For tests and benchmarks comparing backends: every backend
/// gives the same results, only the speed differs.
#[doc(hidden)]
pub fn force_backend(b: Backend) -> bool {
    dispatch::force(b)
}

/// A byte class as two 16-entry tables for a nibble lookup (`pshufb`/`tbl`):
/// a byte `b` is in the class iff `lo[b & 15] & hi[b >> 4] != 0`. Entry
/// `hi[h]` is the bit `1 << h` for the high nibbles 0–7 and 0 for 8–15;
/// `lo[l]` holds the bits of the high nibbles `h` for which `h * 16 + l` is in
/// the class. Only ASCII classes fit (`tchar`, the strict target set).
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct NibbleLut {
    pub(crate) lo: [u8; 16],
    pub(crate) hi: [u8; 16],
}

impl NibbleLut {
    /// Returns the entry a vector lookup gives for `b`: 0 for bytes with the
    /// top bit set, whose index a `pshufb` (or an out-of-range `tbl`) turns
    /// into 0.
    const fn entry(&self, b: u8) -> u8 {
        if b >= 0x80 {
            0
        } else {
            self.lo[(b & 15) as usize] & self.hi[(b >> 4) as usize]
        }
    }
}

/// Returns the nibble tables of the ASCII class `class`, computed from
/// [`crate::class`] at compile time.
const fn nibble_lut(class: u8) -> NibbleLut {
    let mut lut = NibbleLut { lo: [0; 16], hi: [0; 16] };
    let mut h = 0;
    while h < 8 {
        lut.hi[h] = 1 << h;
        let mut l = 0;
        while l < 16 {
            if class::is_const((h * 16 + l) as u8, class) {
                lut.lo[l] |= 1 << h;
            }
            l += 1;
        }
        h += 1;
    }
    lut
}

/// What a nibble table's bits mean, for the compile-time checks below.
#[derive(Clone, Copy)]
enum Meaning {
    /// Membership of the [`crate::class`] classes in the mask.
    Class(u8),
    /// A control byte or DEL ([`class::is_ctl`]).
    Ctl,
}

/// Returns whether `bits` of `lut`'s entries mean `meaning` for every byte
/// value.
const fn lut_agrees(lut: &NibbleLut, bits: u8, meaning: Meaning) -> bool {
    let mut b = 0;
    while b < 256 {
        let expected = match meaning {
            Meaning::Class(mask) => class::is_const(b as u8, mask),
            Meaning::Ctl => class::is_ctl(b as u8),
        };
        if (lut.entry(b as u8) & bits != 0) != expected {
            return false;
        }
        b += 1;
    }
    true
}

/// Nibble tables of `tchar`.
pub(crate) static TCHAR_LUT: NibbleLut = nibble_lut(TCHAR);
/// Nibble tables of the strict request-target set.
pub(crate) static TARGET_LUT: NibbleLut = nibble_lut(TARGET);

// A class with a byte >= 0x80 would not fit the tables: a compile error.
const _: () = assert!(lut_agrees(&nibble_lut(TCHAR), !0, Meaning::Class(TCHAR)));
const _: () = assert!(lut_agrees(&nibble_lut(TARGET), !0, Meaning::Class(TARGET)));

/// The head classifier's two nibble tables (`pshufb`/`tbl`), which answer
/// two questions about each byte at once. For `c = lo[b & 15] & hi[b >> 4]`
/// (0 for bytes >= 0x80, whose high nibble indexes a zero entry):
///
/// * bits 0–5 (one per high nibble 2–7): `c & 0x3F != 0` iff `b` is a
///   `tchar`;
/// * bit 6 (high nibbles 0 and 1, every low nibble) and bit 7 (high nibble 7,
///   low nibble 15): `c & 0xC0 != 0` iff `b` is a control byte or DEL, which
///   ends a field value.
///
/// HTAB is a control byte, so it ends a value here although values may hold
/// it: a block scan treats it as a stop and the parser's general path takes
/// such (rare) lines. Both answers are computed from [`crate::class`] and
/// checked against it at compile time.
///
/// A `const`, not a `static`: the header loop is generic over the header
/// storage, so a caller's crate (the C ABI's, for `sb_header`) compiles it,
/// and there a `static` of this crate is an opaque symbol, whose tables the
/// loop loads and broadcasts again for every block; a `const`'s values are
/// known wherever it is used, so the tables stay in registers.
pub(crate) const HEAD_LUT: NibbleLut = head_lut();

/// Bits of [`HEAD_LUT`] entries that mean "`tchar`".
pub(crate) const HEAD_TCHAR_BITS: u8 = 0x3f;
/// Bits of [`HEAD_LUT`] entries that mean "control byte or DEL".
pub(crate) const HEAD_CTL_BITS: u8 = 0xc0;
/// Added (wrapping) to a [`HEAD_LUT`] entry, sets its top bit exactly for
/// control bytes and DEL, whose entries are `0x40` and `0x80` (no `tchar`
/// bits); every other entry is at most `0x3F`. So the x86 classifiers get
/// the control mask from one add and a `movemask`, and the names' mask as
/// "entry is 0, or control".
pub(crate) const HEAD_CTL_LIFT: u8 = 0x40;

/// Returns [`HEAD_LUT`]: `tchar` one bit per high nibble from 2 (`tchar`s
/// are printable); control bytes as whole high nibbles (bit 6, every low
/// nibble), and the rest of them (DEL) by their own nibbles (bit 7).
const fn head_lut() -> NibbleLut {
    let mut lut = NibbleLut { lo: [0; 16], hi: [0; 16] };
    let mut l = 0;
    while l < 16 {
        lut.lo[l] |= 0x40;
        l += 1;
    }
    let mut h = 0;
    while h < 8 {
        let mut whole = true;
        let mut l = 0;
        while l < 16 {
            whole &= class::is_ctl((h * 16 + l) as u8);
            l += 1;
        }
        if whole {
            lut.hi[h] |= 0x40;
        }
        let mut l = 0;
        while l < 16 {
            let b = (h * 16 + l) as u8;
            if h >= 2 && class::is_const(b, TCHAR) {
                lut.hi[h] |= 1 << (h - 2);
                lut.lo[l] |= 1 << (h - 2);
            }
            if !whole && class::is_ctl(b) {
                lut.hi[h] |= 0x80;
                lut.lo[l] |= 0x80;
            }
            l += 1;
        }
        h += 1;
    }
    lut
}

// Both answers of the head tables, and the x86 classifiers' shortcuts, for
// every byte value: a table that disagrees with `class.rs` (a `tchar` below
// 0x20, a second stray control byte whose nibbles cross DEL's) is a compile
// error.
const _: () = assert!(lut_agrees(&head_lut(), HEAD_TCHAR_BITS, Meaning::Class(TCHAR)));
const _: () = assert!(lut_agrees(&head_lut(), HEAD_CTL_BITS, Meaning::Ctl));
const _: () = assert!(head_shortcuts_hold());

/// Returns whether the x86 classifiers' shortcuts hold for every byte: the
/// lifted entry's top bit is "control byte", and "entry is 0, or control"
/// is "not a `tchar`".
const fn head_shortcuts_hold() -> bool {
    let lut = head_lut();
    let mut b = 0;
    while b < 256 {
        let c = lut.entry(b as u8);
        let (ctl, tchar) = (class::is_ctl(b as u8), class::is_const(b as u8, TCHAR));
        let lifted = c.wrapping_add(HEAD_CTL_LIFT) & 0x80 != 0;
        if lifted != ctl || (c == 0 || ctl) == tchar {
            return false;
        }
        b += 1;
    }
    true
}

/// [`Cpu::skip_plain`] with `has_ctl` as the test of a block, which each
/// backend's implementation inlines into its own function.
#[inline(always)]
pub(crate) fn skip_plain_blocks(buf: &[u8], mut from: usize, has_ctl: impl Fn(&[u8; 64]) -> bool) -> usize {
    // One compare a block, with the start of the buffer's last block.
    let Some(last) = buf.len().checked_sub(64) else {
        return from;
    };
    while from <= last {
        match buf[from..].first_chunk::<64>() {
            Some(block) if !has_ctl(block) => from += 64,
            _ => break,
        }
    }
    from
}

/// [`Cpu::classify_short`] from a zero-padded copy of `buf` (at most 64
/// bytes of it are used).
#[cold]
#[inline(never)]
pub(crate) fn padded_masks<B: Cpu>(cpu: B, buf: &[u8]) -> (u64, u64) {
    let mut copy = [0u8; 64];
    let n = buf.len().min(64);
    copy[..n].copy_from_slice(&buf[..n]);
    cpu.classify(&copy)
}

/// Returns the stop mask (bit `k` set when byte `k` ends a field value) of
/// 16 bytes, with SSE2 only: part of the x86-64 baseline, so the scanners'
/// prologue inlines it with no call and no feature check, whatever the
/// backend.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
pub(crate) fn sse2_value_mask(head: &[u8; 16]) -> u32 {
    use core::arch::x86_64::*;
    // SAFETY: SSE2 is enabled on every x86-64 target; the unaligned load
    // reads exactly the 16 bytes of `head`.
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

/// The index of the first byte of `s` that is `a`, `b` or `c`. For the
/// short strings the env splits (request targets), where `memchr`'s set-up
/// costs more than the search: 16 bytes a step with SSE2 on x86-64 (part of
/// its baseline: no feature check), [`find_any3_scalar`] elsewhere.
#[inline]
pub(crate) fn find_any3(s: &[u8], a: u8, b: u8, c: u8) -> Option<usize> {
    #[cfg(target_arch = "x86_64")]
    {
        let mut at = 0;
        while let Some(chunk) = s.get(at..).and_then(<[u8]>::first_chunk::<16>) {
            let m = sse2_eq3_mask(chunk, a, b, c);
            if m != 0 {
                return Some(at + m.trailing_zeros() as usize);
            }
            at += 16;
        }
        if at == s.len() {
            return None;
        }
        if let Some(start) = s.len().checked_sub(16) {
            // The last 16 bytes, without the ones already searched.
            let last = s[start..].first_chunk::<16>()?;
            let m = sse2_eq3_mask(last, a, b, c) >> (at - start);
            return (m != 0).then(|| at + m.trailing_zeros() as usize);
        }
        find_any3_scalar(s, a, b, c)
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        find_any3_scalar(s, a, b, c)
    }
}

/// [`find_any3`], a byte at a time: the definition it is tested against.
#[inline]
pub(crate) fn find_any3_scalar(s: &[u8], a: u8, b: u8, c: u8) -> Option<usize> {
    s.iter().position(|&x| x == a || x == b || x == c)
}

/// Bit `k` set when byte `k` of `chunk` is `a`, `b` or `c`.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn sse2_eq3_mask(chunk: &[u8; 16], a: u8, b: u8, c: u8) -> u32 {
    use core::arch::x86_64::*;
    // SAFETY: SSE2 is enabled on every x86-64 target; the unaligned load
    // reads exactly the 16 bytes of `chunk`.
    unsafe {
        let v = _mm_loadu_si128(chunk.as_ptr().cast());
        let eq = |x: u8| _mm_cmpeq_epi8(v, _mm_set1_epi8(x as i8));
        _mm_movemask_epi8(_mm_or_si128(_mm_or_si128(eq(a), eq(b)), eq(c))) as u32
    }
}

#[cfg(test)]
mod tests;
