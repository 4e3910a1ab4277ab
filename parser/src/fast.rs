//! The fast path: the common request line, status line and header lines,
//! parsed with as little work per field as possible.
//!
//! Most heads a server sees are `METHOD SP target SP HTTP/1.x CRLF` followed
//! by `name ":" SP value CRLF` lines, with nothing the strict grammar
//! rejects and no leniency to apply; most a client sees start with
//! `HTTP/1.x SP 3DIGIT SP reason CRLF`. This module recognises exactly those
//! lines and hands anything else — a line cut short, an error, HTAB or extra
//! whitespace, an obs-fold, a limit reached — to [`crate::grammar`] from the
//! start of that line, which then does what it would have done on its own.
//! So the fast path never changes a result, only how soon it is reached (the
//! tests run every input through both paths and under every backend).
//!
//! Header lines are walked with a [`Stops`] finder. With a vector backend that
//! is [`BlockStops`]: each 64-byte block of the head is classified once into
//! two bit masks (bytes that end a name, bytes that end a value), so a field
//! costs a shift and a trailing-zero count however short it is, and no vector
//! set-up per field. Both ends of a line that ends in its block come from one
//! shift of each mask ([`Stops::line_ends`]), so the value's end does not wait
//! for the name's. A line of the usual shape (`": "`, no OWS at the value's
//! ends) is taken apart by fixed offsets from one slice ([`plain_line`]); any
//! other goes to an out-of-line function ([`other_line`]), which leaves the
//! loop's registers to the usual one. A value that fills a whole block is a
//! long one: the blocks after that with no control byte are passed over on a
//! cheaper test ([`Classify::skip_plain`]), without their masks.
//!
//! A head shorter than a block has its own finder inline, [`ShortStops`]:
//! its masks cover the whole buffer, so a query is two shifts, with no
//! block to test for and none to load.
//!
//! The first block is classified before the first line, at an address that
//! does not wait for the start line's end ([`BlockStops::new_at`], and on
//! x86 [`BlockStops::new_near`]): the CPU classifies it while it parses the
//! start line, rather than after.
//!
//! A backend's part is its [`Kernels`] (the target scanner and the header
//! loop). [`with_active`] runs a [`Job`] generic over them in a function
//! compiled with the active backend's target features, so a whole
//! `parse_request`, `parse_response` or `parse_headers` call — head-size limit,
//! start line ([`StartLine`]; [`NoLine`] for a header block), header lines,
//! result — checks the backend once and runs in one function (the header loop
//! aside, which has one of its own for its registers, but for a few short
//! header lines). The entry points skip the `Job` struct for the x86 backends,
//! whose functions they call with the head's parts as arguments (`parse_head`
//! in the crate's root). The general grammar's fallbacks are out of line, and
//! return the caller's result type: the fast path's values go straight into the
//! result, not through a temporary that either path could have filled.

use core::marker::PhantomData;

use crate::config::{ObsFold, ParserConfig};
use crate::error::{Error, ErrorKind};
use crate::grammar::{self, RequestLine, StatusLine, Step};
use crate::scan;
use crate::simd::{self, Backend, Classify};
use crate::sink::{Free, Sink, Slot};
use crate::Header;

/// Finds where header names and values end.
pub(crate) trait Stops {
    /// The first byte at or after `from` that is not a `tchar`, or the
    /// buffer's length. `from` is at most the buffer's length and never
    /// decreases between calls.
    fn name_end(&mut self, from: usize) -> usize;

    /// The first control byte or DEL at or after `from`, or the buffer's
    /// length. An implementation may also stop at HTAB (the caller then
    /// leaves the line to the general grammar). `from` is at most the
    /// buffer's length and never decreases.
    fn value_end(&mut self, from: usize) -> usize;

    /// Both ends of a header line that starts at `from`: its name's end
    /// ([`Stops::name_end`]), and [`Stops::value_end`] from there (where
    /// the value ends when the name ends with a colon, which is a value
    /// byte). `from` is at most the buffer's length and never decreases.
    #[inline(always)]
    fn line_ends(&mut self, from: usize) -> (usize, usize) {
        let name_end = self.name_end(from);
        (name_end, self.value_end(name_end))
    }
}

/// [`Stops`] with the scalar scanners, for [`Backend::Scalar`].
pub(crate) struct ScalarStops<'b> {
    buf: &'b [u8],
}

impl<'b> ScalarStops<'b> {
    /// A finder over `buf`.
    pub(crate) fn new(buf: &'b [u8]) -> Self {
        ScalarStops { buf }
    }
}

impl Stops for ScalarStops<'_> {
    #[inline(always)]
    fn name_end(&mut self, from: usize) -> usize {
        self.buf.get(from..).map_or(from, |s| from + scan::token_run_in(s, Backend::Scalar))
    }

    #[inline(always)]
    fn value_end(&mut self, from: usize) -> usize {
        self.buf.get(from..).map_or(from, |s| from + scan::scalar::value_run(s))
    }
}

/// [`Stops`] over a buffer shorter than a block, classified whole when it
/// is made: every query is a shift and a trailing-zero count of a mask,
/// with no block to test for or load. A position past the buffer's end is
/// set in both masks, so a query from at most the buffer's length always
/// finds a bit. The inline header loop takes it for heads under 64 bytes
/// (small requests and responses, which have no use for the loading code
/// of [`BlockStops`] and the vector constants it keeps in registers).
pub(crate) struct ShortStops {
    /// As [`BlockStops::not_tchar`], for the whole buffer.
    not_tchar: u64,
    /// As [`BlockStops::ctl`], for the whole buffer.
    ctl: u64,
}

impl ShortStops {
    /// A finder over `buf`, which must be shorter than a block (or the
    /// masks cover only its first 64 bytes: the queries' results are
    /// then wrong, though still within `from..=from + 64`).
    ///
    /// # Safety
    /// The CPU must support `C`'s instructions ([`Classify::classify`]).
    #[inline(always)]
    pub(crate) unsafe fn new<C: Classify>(buf: &[u8]) -> Self {
        debug_assert!(buf.len() < 64);
        // SAFETY: the caller guarantees that the CPU supports `C`.
        let (not_tchar, ctl) = unsafe { C::classify_short(buf) };
        ShortStops { not_tchar, ctl }
    }

    /// The first set bit of `mask` at or after `from`, which is at most
    /// the buffer's length, below 64.
    #[inline(always)]
    fn next(from: usize, mask: u64) -> usize {
        debug_assert!(from < 64);
        from + mask.wrapping_shr(from as u32).trailing_zeros() as usize
    }
}

impl Stops for ShortStops {
    #[inline(always)]
    fn name_end(&mut self, from: usize) -> usize {
        Self::next(from, self.not_tchar)
    }

    #[inline(always)]
    fn value_end(&mut self, from: usize) -> usize {
        Self::next(from, self.ctl)
    }

    /// Both from `from`: a control byte is not a `tchar`, so the name ends
    /// at or before the value.
    #[inline(always)]
    fn line_ends(&mut self, from: usize) -> (usize, usize) {
        (Self::next(from, self.not_tchar), Self::next(from, self.ctl))
    }
}

/// [`Stops`] over 64-byte blocks classified by `C`: the masks of the block
/// at `base` answer every query inside it; a query past it classifies the
/// 64 bytes from there.
pub(crate) struct BlockStops<'b, C> {
    buf: &'b [u8],
    /// Where the current block starts: a block past the buffer's end until
    /// the first query classifies one (see [`BlockStops::new`]).
    base: usize,
    /// Bit `k`: `buf[base + k]` is not a `tchar` (or, in a buffer shorter
    /// than a block, is past its end).
    not_tchar: u64,
    /// Bit `k`: `buf[base + k]` is a control byte or DEL (or past the end).
    ctl: u64,
    classifier: PhantomData<C>,
}

impl<'b, C: Classify> BlockStops<'b, C> {
    /// A finder over `buf`. A buffer shorter than a block is classified
    /// here, whole; in a longer one no block is classified until the first
    /// query, which then classifies the block at the query's position
    /// ([`BlockStops::new_at`] and [`BlockStops::new_near`] classify one
    /// at once).
    ///
    /// # Safety
    /// The CPU must support `C`'s instructions ([`Classify::classify`]).
    #[inline(always)]
    pub(crate) unsafe fn new(buf: &'b [u8]) -> Self {
        if buf.len() < 64 {
            // Heads under 64 bytes are common (small responses, short
            // requests). Classified here, in the caller's function with its
            // target features, the classifier is inlined; every query then
            // lands in this one block, so `load` never sees the buffer.
            // SAFETY: the caller guarantees that the CPU supports `C`.
            let (not_tchar, ctl) = unsafe { C::classify_short(buf) };
            return BlockStops { buf, base: 0, not_tchar, ctl, classifier: PhantomData };
        }
        // A base past the buffer by a block puts every position outside the
        // current (empty) block.
        BlockStops { buf, base: buf.len() + 64, not_tchar: 0, ctl: 0, classifier: PhantomData }
    }

    /// A finder over `buf` with the block that holds `at` classified
    /// already, as the first query at `at` would: for the header loop
    /// inline in a job, where at most [`INLINE_AFTER_LINE_MAX`] bytes
    /// follow a start line, or [`INLINE_BLOCK_MAX`] hold a header block.
    /// After a start line the block is then the buffer's last 64 bytes,
    /// whose address depends on the buffer's length alone, so the CPU
    /// classifies it while it is still parsing the start line.
    ///
    /// # Safety
    /// The CPU must support `C`'s instructions ([`Classify::classify`]).
    #[inline(always)]
    pub(crate) unsafe fn new_at(buf: &'b [u8], at: usize) -> Self {
        if buf.len() < 64 {
            // SAFETY: passed on from the caller.
            return unsafe { Self::new(buf) };
        }
        let mut stops = BlockStops { buf, base: 0, not_tchar: 0, ctl: 0, classifier: PhantomData };
        if buf.len().wrapping_sub(at) <= 64 {
            // Its caller's own test after a start line: the address comes
            // from the length alone, whatever the compiler knows of `at`.
            stops.load(buf.len() - 64);
        } else {
            stops.load(at);
        }
        stops
    }

    /// A finder over `buf` for header lines from `at`, for the header
    /// loop's own function: the block at 0, or at 64, is classified
    /// already when it holds `at` (most start lines are shorter than 128
    /// bytes); past that, the first query classifies the block at `at`.
    ///
    /// The block's address is a constant, picked by a branch on `at`, not
    /// computed from it. `at` is where the start line ends, known only
    /// after its scans; the CPU predicts the branch and classifies the
    /// block meanwhile, where a block at `at` would wait for them. (The
    /// block starts up to 63 bytes before `at`, so a head takes a block
    /// more at times: the 10-header realistic request runs about 40
    /// instructions more, in about 5% less time, with AVX2.)
    ///
    /// # Safety
    /// The CPU must support `C`'s instructions ([`Classify::classify`]).
    #[inline(always)]
    // The NEON loop does not use it (see `lines_neon`); the tests do.
    #[cfg_attr(not(any(target_arch = "x86_64", target_arch = "x86")), allow(dead_code))]
    pub(crate) unsafe fn new_near(buf: &'b [u8], at: usize) -> Self {
        // SAFETY: passed on from the caller.
        let mut stops = unsafe { Self::new(buf) };
        if buf.len() >= 64 {
            // Each arm loads from a constant: the branch picks the block,
            // and the address does not depend on `at`.
            if at < 64 {
                stops.load(0);
            } else if at < 128 {
                stops.load(64);
            }
        }
        stops
    }

    /// Classifies the block that starts at `at`, or, near the end of the
    /// buffer, its last 64 bytes (which cover `at` and the rest of the
    /// buffer: the next query past them is at the end). A buffer shorter
    /// than a block was classified whole by [`BlockStops::new`], so no query
    /// comes here for it; should one, the buffer is classified again, out
    /// of line, by [`Classify::classify_short`] (every position past its
    /// end a stop for names and values alike).
    #[inline(always)]
    fn load(&mut self, at: usize) {
        // The block at `at`, or the last one: one compare of `at` with the
        // last block's start, which a buffer of a block or more has.
        let block = self.buf.len().checked_sub(64).and_then(|last| {
            let base = at.min(last);
            Some((base, self.buf[base..].first_chunk::<64>()?))
        });
        let Some((base, block)) = block else {
            self.base = 0;
            // SAFETY: `new`'s caller guaranteed that the CPU supports `C`.
            (self.not_tchar, self.ctl) = unsafe { short_masks::<C>(self.buf) };
            return;
        };
        self.base = base;
        // SAFETY: `new`'s caller guaranteed that the CPU supports `C`.
        (self.not_tchar, self.ctl) = unsafe { C::classify(block) };
    }

    /// The first set bit at or after `from` in the mask `pick` selects
    /// (with `skip`, as in [`BlockStops::next_in_blocks`]).
    #[inline(always)]
    fn next(&mut self, from: usize, pick: fn(&Self) -> u64, skip: bool) -> usize {
        let off = from.wrapping_sub(self.base);
        let start = if off < 64 {
            let m = pick(self) >> off;
            if m != 0 {
                return from + m.trailing_zeros() as usize;
            }
            self.base + 64
        } else {
            from
        };
        self.next_in_blocks(start, pick, skip)
    }

    /// [`BlockStops::next`] for a `from` past the current block: classifies
    /// the block at `from`, and the ones after it until a bit is set. With
    /// `skip` (a value's end, not a name's), a block with no bit set shows
    /// a long value, whose next blocks with no control byte are passed over
    /// by [`Classify::skip_plain`], without their masks.
    #[inline(always)]
    fn next_in_blocks(&mut self, mut from: usize, pick: fn(&Self) -> u64, skip: bool) -> usize {
        loop {
            if from >= self.buf.len() {
                return self.buf.len();
            }
            self.load(from);
            // `load` puts `from` in the block.
            let off = from - self.base;
            debug_assert!(off < 64);
            let m = pick(self).wrapping_shr(off as u32);
            if m != 0 {
                return from + m.trailing_zeros() as usize;
            }
            from = self.base + 64;
            if skip {
                // SAFETY: `new`'s caller guaranteed that the CPU supports
                // `C`.
                from = unsafe { C::skip_plain(self.buf, from) };
            }
        }
    }
}

/// [`BlockStops::load`] for a buffer shorter than a block (which
/// [`BlockStops::new`] has classified already): out of the loop's way.
///
/// # Safety
/// The CPU must support `C`'s instructions.
#[cold]
#[inline(never)]
unsafe fn short_masks<C: Classify>(buf: &[u8]) -> (u64, u64) {
    // SAFETY: the caller guarantees that the CPU supports `C`.
    unsafe { C::classify_short(buf) }
}

impl<C: Classify> Stops for BlockStops<'_, C> {
    #[inline(always)]
    fn name_end(&mut self, from: usize) -> usize {
        self.next(from, |s| s.not_tchar, false)
    }

    #[inline(always)]
    fn value_end(&mut self, from: usize) -> usize {
        self.next(from, |s| s.ctl, true)
    }

    /// A line that ends in the current block takes both ends from the same
    /// shift of the two masks, so the value's end does not wait for the
    /// name's: a short line is otherwise two dependent searches in a row,
    /// and a run of them (`a: b` lines) is bound by their latency, not by
    /// the number of instructions.
    #[inline(always)]
    fn line_ends(&mut self, from: usize) -> (usize, usize) {
        let mut off = from.wrapping_sub(self.base);
        if off >= 64 {
            if from >= self.buf.len() {
                return (from, from);
            }
            self.load(from);
            // `load` puts `from` in the block.
            off = from - self.base;
        }
        debug_assert!(off < 64);
        let names = self.not_tchar.wrapping_shr(off as u32);
        let ctl = self.ctl.wrapping_shr(off as u32);
        if ctl != 0 {
            // A control byte is not a `tchar` (and a position past the end
            // is set in both masks), so `names` has a bit set.
            debug_assert!(names != 0);
            return (from + names.trailing_zeros() as usize, from + ctl.trailing_zeros() as usize);
        }
        if names != 0 {
            // The name ends in this block, and the value after it does not:
            // the value's end from the next block on.
            let name_end = from + names.trailing_zeros() as usize;
            return (name_end, self.next_in_blocks(self.base + 64, |s| s.ctl, true));
        }
        let name_end = self.next_in_blocks(self.base + 64, |s| s.not_tchar, false);
        (name_end, self.value_end(name_end))
    }
}

/// What the fast path takes from one backend: the request-target scanner
/// and the header-line loop. [`with_active`] runs a [`Job`] with the active
/// backend's kernels inside one function compiled with that backend's
/// target features, so a request line and its header lines share one call
/// and one backend check.
pub(crate) trait Kernels {
    /// The length of the run of request-target bytes at the start of `s`:
    /// the strict set (which excludes `%`), or the loose one when `loose`.
    ///
    /// # Safety
    /// The CPU must support the backend's instructions.
    unsafe fn target_run(s: &[u8], loose: bool) -> usize;

    /// [`header_loop`] with this backend's [`Stops`], from `pos`, pushing
    /// into `free`.
    ///
    /// # Safety
    /// The CPU must support the backend's instructions.
    unsafe fn header_loop<'b, 's, T: Slot<'b>>(
        buf: &'b [u8],
        pos: usize,
        config: &ParserConfig,
        free: Free<'s, T>,
    ) -> (Stop, Free<'s, T>);

    /// [`Kernels::header_loop`] inline in the caller, which must be compiled
    /// with the backend's target features (a [`Job`]'s `run`): for a few
    /// short header lines (see [`INLINE_BLOCK_MAX`]), this saves the loop
    /// function's entry and exit. A vector backend's version classifies a
    /// buffer under a block whole ([`ShortStops`]), or else the block that
    /// holds `pos` first ([`BlockStops::new_at`]); its loop function
    /// runs the same loop, out of line (on x86 from the block at 0 or 64,
    /// [`BlockStops::new_near`]). By default, and for the scalar backend
    /// (slower inline), the loop's own function.
    ///
    /// # Safety
    /// The CPU must support the backend's instructions.
    #[inline(always)]
    unsafe fn header_loop_inline<'b, 's, T: Slot<'b>>(
        buf: &'b [u8],
        pos: usize,
        config: &ParserConfig,
        free: Free<'s, T>,
    ) -> (Stop, Free<'s, T>) {
        // SAFETY: passed on from the caller.
        unsafe { Self::header_loop(buf, pos, config, free) }
    }
}

/// Implements [`Kernels`] for a backend from its strict and loose target
/// kernels, its header-loop function and, for the inline header loop, its
/// block classifier (for [`ShortStops`] under a block, [`BlockStops`]
/// from a block on). Each needs the backend's CPU features, which the
/// callers of [`Kernels`] guarantee.
macro_rules! impl_kernels {
    ($(#[$attr:meta])* $backend:ty: $strict:path, $loose:path, $lines:path $(, inline: $blocks:ty)?) => {
        $(#[$attr])*
        impl Kernels for $backend {
            #[inline(always)]
            unsafe fn target_run(s: &[u8], loose: bool) -> usize {
                // SAFETY: the caller guarantees the backend's CPU features.
                #[allow(unused_unsafe)]
                unsafe {
                    if loose {
                        $loose(s)
                    } else {
                        $strict(s)
                    }
                }
            }

            #[inline(always)]
            unsafe fn header_loop<'b, 's, T: Slot<'b>>(
                buf: &'b [u8],
                pos: usize,
                config: &ParserConfig,
                free: Free<'s, T>,
            ) -> (Stop, Free<'s, T>) {
                // SAFETY: the caller guarantees the backend's CPU features.
                #[allow(unused_unsafe)]
                unsafe {
                    $lines(buf, pos, config, free)
                }
            }

            $(
            #[inline(always)]
            unsafe fn header_loop_inline<'b, 's, T: Slot<'b>>(
                buf: &'b [u8],
                pos: usize,
                config: &ParserConfig,
                free: Free<'s, T>,
            ) -> (Stop, Free<'s, T>) {
                // SAFETY (both): the caller guarantees the backend's CPU
                // features.
                if buf.len() < 64 {
                    let mut stops = unsafe { ShortStops::new::<$blocks>(buf) };
                    header_loop(buf, pos, config, free, &mut stops)
                } else {
                    let mut stops = unsafe { BlockStops::<$blocks>::new_at(buf, pos) };
                    header_loop(buf, pos, config, free, &mut stops)
                }
            }
            )?
        }
    };
}

impl_kernels!(
    #[cfg(any(target_arch = "x86_64", target_arch = "x86"))]
    simd::x86::Avx2Blocks: simd::x86::avx2_target_run, simd::x86::avx2_target_loose_run, lines_avx2,
    inline: simd::x86::Avx2Blocks
);
impl_kernels!(
    #[cfg(any(target_arch = "x86_64", target_arch = "x86"))]
    simd::x86::SsseBlocks: simd::x86::sse_target_run, simd::x86::sse_target_loose_run, lines_ssse3,
    inline: simd::x86::SsseBlocks
);
impl_kernels!(
    #[cfg(all(target_arch = "aarch64", target_feature = "neon"))]
    simd::neon::NeonBlocks: simd::neon::target_run, simd::neon::target_loose_run, lines_neon,
    inline: simd::neon::NeonBlocks
);

/// The scalar [`Kernels`], for [`Backend::Scalar`].
pub(crate) struct ScalarKernels;

impl_kernels!(ScalarKernels: scan::scalar::target_strict_run, scan::scalar::target_loose_run, lines_scalar);

/// Work done with one backend's [`Kernels`], run by [`with_active`].
pub(crate) trait Job {
    /// What the work returns.
    type Output;

    /// Does the work with `K`.
    ///
    /// # Safety
    /// The CPU must support `K`'s backend.
    unsafe fn run<K: Kernels>(&mut self) -> Self::Output;
}

/// Runs `job` with the active backend's [`Kernels`], in a function compiled
/// with that backend's target features.
#[inline(always)]
pub(crate) fn with_active<J: Job>(mut job: J) -> J::Output {
    // The usual backend by one compare and a predicted branch; a `match`
    // alone compiles to a jump table, an indirect jump for every head.
    #[cfg(any(target_arch = "x86_64", target_arch = "x86"))]
    if simd::chosen() == Some(Backend::Avx2) {
        // SAFETY: `active` chooses `Avx2` only when the CPU has AVX2, BMI1
        // and BMI2.
        return unsafe { run_avx2(&mut job) };
    }
    // The other backends (AVX2 returned above).
    match simd::chosen() {
        #[cfg(any(target_arch = "x86_64", target_arch = "x86"))]
        // SAFETY: `active` chooses `Sse42` only when the CPU has SSE4.2 and
        // SSSE3.
        Some(Backend::Sse42) => unsafe { run_ssse3(&mut job) },
        #[cfg(all(target_arch = "aarch64", target_feature = "neon"))]
        Some(Backend::Neon) => run_neon(&mut job),
        Some(_) => run_scalar(&mut job),
        None => with_first_choice(job),
    }
}

/// [`with_active`] before the backend is chosen: chooses it, then runs
/// `job`. Out of line, so that the common path saves no registers for it.
#[cold]
#[inline(never)]
fn with_first_choice<J: Job>(job: J) -> J::Output {
    simd::active();
    with_active(job)
}

/// [`Job::run`] with the AVX2 kernels.
///
/// # Safety
/// The CPU must support AVX2, BMI1 and BMI2.
#[cfg(any(target_arch = "x86_64", target_arch = "x86"))]
#[target_feature(enable = "avx2,bmi1,bmi2")]
unsafe fn run_avx2<J: Job>(job: &mut J) -> J::Output {
    // SAFETY: passed on from the caller.
    unsafe { job.run::<simd::x86::Avx2Blocks>() }
}

/// [`Job::run`] with the SSSE3 kernels.
///
/// # Safety
/// The CPU must support SSSE3.
#[cfg(any(target_arch = "x86_64", target_arch = "x86"))]
#[target_feature(enable = "sse2,ssse3")]
unsafe fn run_ssse3<J: Job>(job: &mut J) -> J::Output {
    // SAFETY: passed on from the caller.
    unsafe { job.run::<simd::x86::SsseBlocks>() }
}

/// [`Job::run`] with the NEON kernels.
#[cfg(all(target_arch = "aarch64", target_feature = "neon"))]
#[inline(never)]
fn run_neon<J: Job>(job: &mut J) -> J::Output {
    // SAFETY: NEON is baseline where this compiles.
    unsafe { job.run::<simd::neon::NeonBlocks>() }
}

/// [`Job::run`] with the scalar kernels.
#[inline(never)]
fn run_scalar<J: Job>(job: &mut J) -> J::Output {
    // SAFETY: the scalar kernels need no CPU feature.
    unsafe { job.run::<ScalarKernels>() }
}

/// A start line the fast path takes in its common form: the request line,
/// the status line, or a header block's none ([`NoLine`]). [`head`] and
/// [`general_head`] work for each.
pub(crate) trait StartLine<'b>: Sized {
    /// Whether the head is a bare header block ([`NoLine`]), which may be
    /// empty: its first byte can start the empty line that ends it.
    const BLOCK: bool = false;

    /// The entry point's result for a complete head with this line.
    type Head<'h>
    where
        'b: 'h;

    /// The common form of the line at the start of `buf` and the position
    /// after it, or `None` for anything else (including a line cut short),
    /// which the general grammar then takes from the start.
    ///
    /// # Safety
    /// The CPU must support `K`'s backend.
    unsafe fn common<K: Kernels>(buf: &'b [u8], config: &ParserConfig) -> Option<(Self, usize)>;

    /// The line by the general grammar, with every leniency and error.
    fn general(buf: &'b [u8], config: &ParserConfig) -> Step<(Self, usize)>;

    /// The result for a head of `head_len` bytes with this line and
    /// `headers`.
    fn with<'h>(self, headers: &'h [Header<'b>], head_len: usize) -> Self::Head<'h>
    where
        'b: 'h;
}

impl<'b> StartLine<'b> for RequestLine<'b> {
    type Head<'h>
        = crate::Request<'b, 'h>
    where
        'b: 'h;

    #[inline(always)]
    unsafe fn common<K: Kernels>(buf: &'b [u8], config: &ParserConfig) -> Option<(Self, usize)> {
        // SAFETY: passed on from the caller.
        unsafe { common_request_line::<K>(buf, config) }
    }

    fn general(buf: &'b [u8], config: &ParserConfig) -> Step<(Self, usize)> {
        grammar::request_line(buf, config)
    }

    #[inline(always)]
    fn with<'h>(self, headers: &'h [Header<'b>], head_len: usize) -> Self::Head<'h>
    where
        'b: 'h,
    {
        crate::Request {
            method: self.method,
            target: self.target,
            minor_version: self.minor_version,
            headers,
            head_len,
        }
    }
}

impl<'b> StartLine<'b> for StatusLine<'b> {
    type Head<'h>
        = crate::Response<'b, 'h>
    where
        'b: 'h;

    #[inline(always)]
    unsafe fn common<K: Kernels>(buf: &'b [u8], config: &ParserConfig) -> Option<(Self, usize)> {
        common_status_line(buf, config)
    }

    fn general(buf: &'b [u8], config: &ParserConfig) -> Step<(Self, usize)> {
        grammar::status_line(buf, config)
    }

    #[inline(always)]
    fn with<'h>(self, headers: &'h [Header<'b>], head_len: usize) -> Self::Head<'h>
    where
        'b: 'h,
    {
        crate::Response { minor_version: self.minor_version, code: self.code, reason: self.reason, headers, head_len }
    }
}

/// The start line of a bare header block (chunked trailers, multipart part
/// heads): none. The block's header lines start at its first byte.
pub(crate) struct NoLine;

impl<'b> StartLine<'b> for NoLine {
    const BLOCK: bool = true;

    type Head<'h>
        = crate::HeaderBlock<'b, 'h>
    where
        'b: 'h;

    #[inline(always)]
    unsafe fn common<K: Kernels>(_: &'b [u8], _: &ParserConfig) -> Option<(Self, usize)> {
        Some((NoLine, 0))
    }

    fn general(_: &'b [u8], _: &ParserConfig) -> Step<(Self, usize)> {
        Ok(Some((NoLine, 0)))
    }

    #[inline(always)]
    fn with<'h>(self, headers: &'h [Header<'b>], len: usize) -> Self::Head<'h>
    where
        'b: 'h,
    {
        crate::HeaderBlock { headers, len }
    }
}

/// A head with `K`'s kernels, as far as the fast path takes it: the common
/// start line, then the header lines as by [`header_lines`] up to the first
/// line for the general grammar.
///
/// # Safety
/// The CPU must support `K`'s backend.
#[inline(always)]
pub(crate) unsafe fn head<'b, K: Kernels, L: StartLine<'b>, S: Sink<'b>>(
    buf: &'b [u8],
    config: &ParserConfig,
    sink: &mut S,
) -> HeadSoFar<L> {
    // SAFETY (all three): the caller guarantees that the CPU supports `K`.
    let Some((line, pos)) = (unsafe { L::common::<K>(buf, config) }) else {
        return HeadSoFar::Line;
    };
    // Short header lines run inline in the job (see `INLINE_BLOCK_MAX`).
    let stop = if L::BLOCK {
        unsafe { fast_lines::<K, S, INLINE_BLOCK_MAX>(buf, pos, config, sink) }
    } else {
        unsafe { fast_lines::<K, S, INLINE_AFTER_LINE_MAX>(buf, pos, config, sink) }
    };
    match stop {
        Stop::End(end) => HeadSoFar::Head(line, end),
        Stop::Full(at) => HeadSoFar::Full(at),
        Stop::Other(at) => HeadSoFar::Rest(line, at, at == pos),
    }
}

/// How far [`head`] got with a head whose start line is an `L`. Its caller
/// builds its result from [`HeadSoFar::Head`] and hands every other case to
/// [`general_head`], out of the fast path's way.
pub(crate) enum HeadSoFar<L> {
    /// The whole head: its start line and the position after it.
    Head(L, usize),
    /// A header line with no slot left for it, at this position.
    Full(usize),
    /// A start line for the general grammar.
    Line,
    /// After this start line, a header line for the general grammar at
    /// this position; `true` if no header line came before it.
    Rest(L, usize, bool),
}

/// A head's result from where [`head`] stopped (`so_far`): for
/// [`HeadSoFar::Line`] the general grammar's start line and then the header
/// lines as usual, for [`HeadSoFar::Rest`] the general grammar's header
/// lines from where the fast path stopped, for [`HeadSoFar::Full`] the
/// error.
pub(crate) fn general_head<'b, L: StartLine<'b>, S: Sink<'b>>(
    buf: &'b [u8],
    config: &ParserConfig,
    sink: &mut S,
    so_far: HeadSoFar<L>,
) -> Step<(L, usize)> {
    match so_far {
        HeadSoFar::Head(line, end) => Ok(Some((line, end))),
        HeadSoFar::Full(at) => Err(Error::new(ErrorKind::TooManyHeaders, at)),
        HeadSoFar::Line => {
            let (line, pos) = grammar::need!(L::general(buf, config)?);
            let end = grammar::need!(header_lines(buf, pos, config, sink)?);
            Ok(Some((line, end)))
        }
        HeadSoFar::Rest(line, at, first) => {
            let end = grammar::need!(grammar::header_lines(buf, at, config, sink, first)?);
            Ok(Some((line, end)))
        }
    }
}

/// The minor version of `HTTP/1.0` or `HTTP/1.1` as 8 bytes, or `None` for
/// anything else: one word compare, as the two differ only in the last
/// byte's lowest bit.
#[inline(always)]
fn version_1x(version: &[u8; 8]) -> Option<u8> {
    let diff = u64::from_le_bytes(*version) ^ u64::from_le_bytes(*b"HTTP/1.0");
    if diff & !(1 << 56) != 0 {
        return None;
    }
    Some((diff >> 56) as u8)
}

/// The common request line (`method SP target SP HTTP/1.1 CRLF`, or 1.0,
/// with a single space each, a method other than CONNECT and an
/// origin-form target, strict or loose as configured), or `None` for
/// anything else (including a line cut short).
///
/// # Safety
/// The CPU must support `K`'s backend.
#[inline(always)]
unsafe fn common_request_line<'b, K: Kernels>(
    buf: &'b [u8],
    config: &ParserConfig,
) -> Option<(RequestLine<'b>, usize)> {
    // `GET ` as one 4-byte compare (a `b"GET "` pattern compiles to four
    // byte compares); other methods by their scan.
    let (method, after) = match buf.split_first_chunk::<4>() {
        Some((get, after)) if *get == *b"GET " => (&buf[..3], after),
        // CONNECT's authority-form target is the grammar's.
        _ if buf.starts_with(b"CONNECT ") => return None,
        _ => match buf.split_at_checked(scan::token_run(buf))? {
            (method @ [_, ..], [b' ', after @ ..]) => (method, after),
            _ => return None,
        },
    };
    let target_start = method.len() + 1;
    // The target and what follows its SP.
    let (target_len, tail) = match after.split_first_chunk::<2>() {
        // `/` alone settles it without a scan (one 2-byte compare).
        Some((slash_sp, tail)) if *slash_sp == *b"/ " => (1, tail),
        _ => {
            let mut n = 0;
            loop {
                // SAFETY: the caller guarantees that the CPU supports `K`.
                n += unsafe { K::target_run(&after[n..], config.allow_loose_target) };
                match after.get(n..)? {
                    // Only origin-form here (the other forms depend on the
                    // method), so never an empty target either.
                    [b' ', tail @ ..] if after[0] == b'/' => break (n, tail),
                    // Strict targets stop at `%` (outside the strict class)
                    // for the escape to be checked.
                    [b'%', h1, h2, ..]
                        if !config.allow_loose_target && h1.is_ascii_hexdigit() && h2.is_ascii_hexdigit() =>
                    {
                        n += 3
                    }
                    _ => return None,
                }
            }
        }
    };
    if target_len > config.max_target_len {
        return None;
    }
    let target = after.get(..target_len)?;
    // The version as one 8-byte word compare, the line end as one 2-byte,
    // after one length check.
    let version_eol = tail.first_chunk::<10>()?;
    let minor_version = version_1x(version_eol.first_chunk::<8>()?)?;
    if version_eol[8..] != *b"\r\n" {
        return None;
    }
    Some((RequestLine { method, target, minor_version }, target_start + target_len + 11))
}

/// The common status line (`HTTP/1.1 SP status-code SP reason-phrase
/// CRLF`, or 1.0, with a code of at least 100), or `None` for anything else
/// (including a line cut short). Where the configuration allows runs of SP,
/// which the grammar skips before the reason phrase, a reason phrase that
/// starts with SP is left to the grammar.
#[inline(always)]
fn common_status_line<'b>(buf: &'b [u8], config: &ParserConfig) -> Option<(StatusLine<'b>, usize)> {
    let (version, rest) = buf.split_first_chunk::<8>()?;
    let minor_version = version_1x(version)?;
    // A first digit of 1 to 9 is the grammar's "at least 100".
    let (&[b' ', d0 @ b'1'..=b'9', d1 @ b'0'..=b'9', d2 @ b'0'..=b'9', b' '], rest) = rest.split_first_chunk::<5>()?
    else {
        return None;
    };
    if config.allow_multiple_spaces && rest.first() == Some(&b' ') {
        return None;
    }
    // The run the grammar measures (its 16-byte SSE2 first step answers
    // the common short phrases at once).
    let reason_len = scan::value_run(rest);
    if rest.get(reason_len..reason_len + 2) != Some(b"\r\n") {
        return None;
    }
    let code = u16::from(d0 - b'0') * 100 + u16::from(d1 - b'0') * 10 + u16::from(d2 - b'0');
    Some((StatusLine { minor_version, code, reason: &rest[..reason_len] }, 13 + reason_len + 2))
}

/// Header lines from `pos` up to and including the empty line that ends the
/// head; returns the position after it. Common lines take the fast loop of
/// the active backend, the rest [`grammar::header_lines`].
#[inline(always)]
pub(crate) fn header_lines<'b, S: Sink<'b>>(
    buf: &'b [u8],
    pos: usize,
    config: &ParserConfig,
    sink: &mut S,
) -> Step<usize> {
    with_active(HeaderLines { buf, pos, config, sink })
}

/// [`header_lines`] as a [`Job`].
struct HeaderLines<'b, 'c, 's, S> {
    buf: &'b [u8],
    pos: usize,
    config: &'c ParserConfig,
    sink: &'s mut S,
}

impl<'b, S: Sink<'b>> Job for HeaderLines<'b, '_, '_, S> {
    type Output = Step<usize>;

    #[inline(always)]
    unsafe fn run<K: Kernels>(&mut self) -> Self::Output {
        let HeaderLines { buf, pos, config, ref mut sink } = *self;
        let sink: &mut S = sink;
        // A limit of 0: never inline (at least one byte follows `pos` when
        // the loop runs), as the general grammar's start line came first.
        // SAFETY: the caller guarantees that the CPU supports `K`.
        match unsafe { fast_lines::<K, S, 0>(buf, pos, config, sink) } {
            Stop::End(end) => Ok(Some(end)),
            Stop::Full(at) => Err(Error::new(ErrorKind::TooManyHeaders, at)),
            Stop::Other(at) => grammar::header_lines(buf, at, config, sink, at == pos),
        }
    }
}

/// The longest buffer, from its first header line on, for which a header
/// block's job runs the header loop inline (the buffer holds the block and
/// whatever the caller passed after it). Longer blocks have more lines,
/// which run faster in the loop's own function, with its registers (the
/// 10-header benchmark block took 8% longer inline with the SSSE3 backend,
/// 1% with AVX2).
const INLINE_BLOCK_MAX: usize = 128;

/// [`INLINE_BLOCK_MAX`] for the header lines after a request or status
/// line, whose values compete with the loop's for registers. Inline, a
/// request with one `Host` line took 6% less time (AVX2), and one with no
/// header line 4% more, though it returns before the loop (its job saves
/// more registers). A limit of 128 measured no better than 64 at first,
/// and worse with [`ShortStops`] (b4a901f): the request with two realistic
/// headers took 10% more time, the one with one `Host` line 18% more
/// (with 5 more instructions: its path did not change, the job
/// function's code around it did).
const INLINE_AFTER_LINE_MAX: usize = 64;

/// The fast path's part of the header lines from `pos`: where they stopped.
/// [`Stop::Other`] at `pos` itself when the configuration or the buffer
/// leaves them all to the general grammar. Up to `INLINE_MAX` bytes from
/// `pos` to the buffer's end, the header loop runs inline
/// ([`Kernels::header_loop_inline`]), not in its own function.
///
/// # Safety
/// The CPU must support `K`'s backend.
#[inline(always)]
unsafe fn fast_lines<'b, K: Kernels, S: Sink<'b>, const INLINE_MAX: usize>(
    buf: &'b [u8],
    pos: usize,
    config: &ParserConfig,
    sink: &mut S,
) -> Stop {
    if buf.get(pos..).and_then(|s| s.first_chunk::<2>()) == Some(b"\r\n") {
        return Stop::End(pos + 2);
    }
    if config.obs_fold == ObsFold::Span || pos >= buf.len() {
        return Stop::Other(pos);
    }
    sink.batch(
        #[inline(always)]
        // SAFETY: the caller guarantees that the CPU supports `K`.
        |free| unsafe {
            if buf.len() - pos <= INLINE_MAX {
                K::header_loop_inline(buf, pos, config, free)
            } else {
                K::header_loop(buf, pos, config, free)
            }
        },
    )
}

/// [`header_loop`] with AVX2 blocks, from the block at 0 or 64
/// ([`BlockStops::new_near`]). A function of its own, called once per
/// head: the loop's values then have the registers to themselves. (rustc
/// 1.95 does not pass `#[inline(never)]` on to LLVM for a
/// `#[target_feature]` function; LLVM keeps this one, and [`lines_ssse3`],
/// out of line for their size, which the profiles of the `count` example
/// show. A compiler that inlined them would change the loop's registers.)
///
/// # Safety
/// The CPU must support AVX2, BMI1 and BMI2.
#[cfg(any(target_arch = "x86_64", target_arch = "x86"))]
#[inline(never)]
#[target_feature(enable = "avx2,bmi1,bmi2")]
unsafe fn lines_avx2<'b, 's, T: Slot<'b>>(
    buf: &'b [u8],
    pos: usize,
    config: &ParserConfig,
    free: Free<'s, T>,
) -> (Stop, Free<'s, T>) {
    // SAFETY: the caller guarantees AVX2.
    let mut stops = unsafe { BlockStops::<simd::x86::Avx2Blocks>::new_near(buf, pos) };
    header_loop(buf, pos, config, free, &mut stops)
}

/// [`header_loop`] with SSSE3 blocks.
///
/// # Safety
/// The CPU must support SSSE3.
#[cfg(any(target_arch = "x86_64", target_arch = "x86"))]
#[inline(never)]
#[target_feature(enable = "sse2,ssse3")]
unsafe fn lines_ssse3<'b, 's, T: Slot<'b>>(
    buf: &'b [u8],
    pos: usize,
    config: &ParserConfig,
    free: Free<'s, T>,
) -> (Stop, Free<'s, T>) {
    // SAFETY: the caller guarantees SSSE3.
    let mut stops = unsafe { BlockStops::<simd::x86::SsseBlocks>::new_near(buf, pos) };
    header_loop(buf, pos, config, free, &mut stops)
}

/// [`header_loop`] with NEON blocks.
#[cfg(all(target_arch = "aarch64", target_feature = "neon"))]
#[inline(never)]
fn lines_neon<'b, 's, T: Slot<'b>>(
    buf: &'b [u8],
    pos: usize,
    config: &ParserConfig,
    free: Free<'s, T>,
) -> (Stop, Free<'s, T>) {
    // From the block at `pos`, classified in the first query: no
    // `new_near` here. It trades instructions for a shorter wait, measured
    // only on x86; on aarch64 it counted 6% more instructions for the
    // 10-header realistic request (`benches/aarch64-count`), and there is
    // no aarch64 machine here to time it on.
    // SAFETY: NEON is baseline where this compiles.
    let mut stops = unsafe { BlockStops::<simd::neon::NeonBlocks>::new(buf) };
    header_loop(buf, pos, config, free, &mut stops)
}

/// [`header_loop`] with the scalar field scanners.
#[inline(never)]
fn lines_scalar<'b, 's, T: Slot<'b>>(
    buf: &'b [u8],
    pos: usize,
    config: &ParserConfig,
    free: Free<'s, T>,
) -> (Stop, Free<'s, T>) {
    header_loop(buf, pos, config, free, &mut ScalarStops::new(buf))
}

/// The loop over common header lines: `name ":" [SP] value CRLF` with a
/// non-empty name, value bytes only, and both within their limits. Stops at
/// the empty line that ends the head, at a header with no slot left, or at
/// the first other line (for [`grammar::header_lines`]).
#[inline(always)]
fn header_loop<'b, 's, T: Slot<'b>, F: Stops>(
    buf: &'b [u8],
    mut pos: usize,
    config: &ParserConfig,
    mut slots: Free<'s, T>,
    stops: &mut F,
) -> (Stop, Free<'s, T>) {
    // One limit for the hot path: a line no longer than both limits has a
    // name and a value within theirs. (Read once, too: the stores to the
    // header slots could alias `config` for all the compiler knows.)
    let line_limit = config.max_name_len.min(config.max_value_len);
    let stop = loop {
        let (name_end, value_end) = stops.line_ends(pos);
        // An empty name: the empty line that ends the head, or a line for
        // the grammar.
        if name_end <= pos {
            if buf.get(pos..).and_then(|s| s.first_chunk::<2>()) == Some(b"\r\n") {
                break Stop::End(pos + 2);
            }
            break Stop::Other(pos);
        }
        if let Some(header) = plain_line(buf, pos, name_end, value_end) {
            // (A plain value has no leading OWS to leave out of its length.)
            if value_end - pos > line_limit && !within_limits(header.name, header.value, config) {
                break Stop::Other(pos);
            }
            if !slots.push(header) {
                break Stop::Full(pos);
            }
            pos = value_end + 2;
            continue;
        }
        let header = match other_line(buf, pos, name_end, value_end, config) {
            Ok(header) => header,
            Err(stop) => break stop,
        };
        if !slots.push(header) {
            break Stop::Full(pos);
        }
        pos = value_end + 2;
    };
    (stop, slots)
}

/// The header on the line from `pos` when it has the usual shape: a
/// non-empty name, `": "`, a value that neither starts nor ends with OWS,
/// and CRLF. `name_end` and `value_end` are the line's stops
/// ([`Stops::line_ends`]). Any other line is `None`, for [`other_line`].
/// The caller checks the limits.
///
/// Everything is taken from one slice, `pos..value_end + 2`, split at the
/// name's end and then by fixed lengths at both ends, so that its length
/// bounds every index: written with positions in `buf` instead
/// (`buf[name_end]`, `buf[value_end..]`), the compiler kept a bounds
/// check for each, as it cannot tell that the positions are in order.
#[inline(always)]
fn plain_line(buf: &[u8], pos: usize, name_end: usize, value_end: usize) -> Option<Header<'_>> {
    let line = buf.get(pos..value_end.wrapping_add(2))?;
    let (name, rest) = line.split_at_checked(name_end.wrapping_sub(pos))?;
    let (colon_sp, rest) = rest.split_first_chunk::<2>()?;
    let (value, crlf) = rest.split_last_chunk::<2>()?;
    let (&first, &last) = (value.first()?, value.last()?);
    let plain = !name.is_empty()
        && *colon_sp == *b": "
        && *crlf == *b"\r\n"
        // A value holds no control byte but HTAB, so its ends are OWS
        // exactly when they are at most SP.
        && (first > b' ') & (last > b' ');
    plain.then_some(Header { name, value })
}

/// [`header_loop`]'s line when [`plain_line`] does not take it: the header
/// on a line with other OWS, or the reason the loop stops there. Out of
/// line, so that the loop's registers serve the usual shape.
#[cold]
#[inline(never)]
fn other_line<'b>(
    buf: &'b [u8],
    pos: usize,
    name_end: usize,
    value_end: usize,
    config: &ParserConfig,
) -> Result<Header<'b>, Stop> {
    // No colon after the name: a line for the grammar. (`name_end` is
    // never below `pos`; `<=` tells the compiler so, which spares a bounds
    // check on the name below.)
    if name_end <= pos || buf.get(name_end) != Some(&b':') {
        return Err(Stop::Other(pos));
    }
    // `pos < name_end < buf.len()` from the checks above. The value and
    // the line end as parts of what follows the colon: no position past
    // the buffer's end to rule out on its own.
    let (name, after_colon) = (&buf[pos..name_end], &buf[name_end + 1..]);
    let Some((raw, line_end)) = after_colon.split_at_checked(value_end.wrapping_sub(name_end + 1)) else {
        return Err(Stop::Other(pos));
    };
    if line_end.first_chunk::<2>() != Some(b"\r\n") {
        return Err(Stop::Other(pos));
    }
    if !within_limits(name, raw, config) {
        return Err(Stop::Other(pos));
    }
    Ok(Header { name, value: grammar::trim_ows(raw) })
}

/// Whether a header line's name and value are within their limits.
/// `raw` is everything between the colon and the line end; its length is
/// measured as the grammar measures it, from the first byte that is not
/// OWS, trailing OWS included.
#[cold]
#[inline(never)]
fn within_limits(name: &[u8], raw: &[u8], config: &ParserConfig) -> bool {
    let leading = raw.iter().take_while(|&&b| b == b' ' || b == b'\t').count();
    name.len() <= config.max_name_len && raw.len() - leading <= config.max_value_len
}

/// Where [`header_loop`] stopped.
pub(crate) enum Stop {
    /// After the empty line that ends the head, at this position.
    End(usize),
    /// At a header line with no slot left for it.
    Full(usize),
    /// At a line for the general grammar.
    Other(usize),
}

#[cfg(test)]
mod tests {
    //! The fast path against the general grammar: every input, every
    //! configuration, the same result (including errors and partial
    //! results, and the headers pushed before them). The whole suite runs
    //! again under every backend (`simd::tests`), so this covers each
    //! [`Stops`] implementation.

    use super::*;
    use crate::sink::Slots;
    use proptest::prelude::*;
    use std::string::ToString;
    use std::vec::Vec;

    type Lines<'b> = (Result<Option<usize>, Error>, Vec<Header<'b>>);

    fn fast_lines<'b>(buf: &'b [u8], pos: usize, config: &ParserConfig, cap: usize) -> Lines<'b> {
        let mut storage = std::vec![crate::EMPTY_HEADER; cap];
        let mut sink = Slots::new(&mut storage);
        let r = header_lines(buf, pos, config, &mut sink);
        (r, sink.into_filled().to_vec())
    }

    fn general_lines<'b>(buf: &'b [u8], pos: usize, config: &ParserConfig, cap: usize) -> Lines<'b> {
        let mut storage = std::vec![crate::EMPTY_HEADER; cap];
        let mut sink = Slots::new(&mut storage);
        let r = grammar::header_lines(buf, pos, config, &mut sink, true);
        (r, sink.into_filled().to_vec())
    }

    /// A start line as a value tests can compare.
    trait Key<'b>: StartLine<'b> {
        type K: PartialEq + core::fmt::Debug;
        fn key(&self) -> Self::K;
    }

    impl<'b> Key<'b> for RequestLine<'b> {
        type K = (&'b [u8], &'b [u8], u8);
        fn key(&self) -> Self::K {
            (self.method, self.target, self.minor_version)
        }
    }

    impl<'b> Key<'b> for StatusLine<'b> {
        type K = (u8, u16, &'b [u8]);
        fn key(&self) -> Self::K {
            (self.minor_version, self.code, self.reason)
        }
    }

    impl Key<'_> for NoLine {
        type K = ();
        fn key(&self) -> Self::K {}
    }

    type Line<K> = Result<Option<(K, usize)>, Error>;

    /// A kind of start line, for tests generic over it at every lifetime.
    trait Kind {
        type Line<'b>: Key<'b>;
    }

    /// Request heads.
    struct Requests;

    impl Kind for Requests {
        type Line<'b> = RequestLine<'b>;
    }

    /// Response heads.
    struct Responses;

    impl Kind for Responses {
        type Line<'b> = StatusLine<'b>;
    }

    fn flatten<'b, L: Key<'b>>(r: Step<(L, usize)>) -> Line<L::K> {
        r.map(|o| o.map(|(l, p)| (l.key(), p)))
    }

    /// The configurations compared: strict, lenient, and tight limits.
    fn configs() -> Vec<ParserConfig> {
        let mut lenient = ParserConfig::picohttpparser_compatible();
        lenient.allow_bare_lf = true;
        lenient.allow_whitespace_before_first_header = true;
        let mut skipping = ParserConfig::new();
        skipping.ignore_invalid_headers = true;
        skipping.obs_fold = ObsFold::Continuation;
        let mut loose = ParserConfig::new();
        loose.allow_loose_target = true;
        loose.allow_multiple_spaces = true;
        let mut span = ParserConfig::new();
        span.obs_fold = ObsFold::Span;
        let mut tight = ParserConfig::new();
        tight.max_name_len = 4;
        tight.max_value_len = 6;
        tight.max_target_len = 5;
        std::vec![ParserConfig::new(), lenient, skipping, loose, span, tight]
    }

    /// The start line alone, through the fast path of the active backend.
    struct LineOnly<'b, 'c, L> {
        buf: &'b [u8],
        config: &'c ParserConfig,
        line: PhantomData<L>,
    }

    impl<'b, L: StartLine<'b>> Job for LineOnly<'b, '_, L> {
        type Output = Step<(L, usize)>;

        unsafe fn run<K: Kernels>(&mut self) -> Self::Output {
            // SAFETY: passed on from the caller.
            match unsafe { L::common::<K>(self.buf, self.config) } {
                Some(line) => Ok(Some(line)),
                None => L::general(self.buf, self.config),
            }
        }
    }

    /// The whole head through [`head`] with the active backend.
    struct WholeHead<'b, 'c, 's, S, L> {
        buf: &'b [u8],
        config: &'c ParserConfig,
        sink: &'s mut S,
        line: PhantomData<L>,
    }

    impl<'b, S: Sink<'b>, L: StartLine<'b>> Job for WholeHead<'b, '_, '_, S, L> {
        type Output = Step<(L, usize)>;

        unsafe fn run<K: Kernels>(&mut self) -> Self::Output {
            // SAFETY: passed on from the caller.
            let so_far = unsafe { head::<K, L, S>(self.buf, self.config, self.sink) };
            general_head(self.buf, self.config, self.sink, so_far)
        }
    }

    type Head<'b, K> = (Line<K>, Vec<Header<'b>>);

    fn fast_head<'b, L: Key<'b>>(buf: &'b [u8], config: &ParserConfig, cap: usize) -> Head<'b, L::K> {
        let mut storage = std::vec![crate::EMPTY_HEADER; cap];
        let mut sink = Slots::new(&mut storage);
        let r = flatten(with_active(WholeHead::<_, L> { buf, config, sink: &mut sink, line: PhantomData }));
        (r, sink.into_filled().to_vec())
    }

    fn grammar_head<'b, L: Key<'b>>(buf: &'b [u8], config: &ParserConfig, cap: usize) -> Head<'b, L::K> {
        let mut storage = std::vec![crate::EMPTY_HEADER; cap];
        let mut sink = Slots::new(&mut storage);
        let r = L::general(buf, config).and_then(|line| match line {
            Some((line, pos)) => Ok(grammar::header_lines(buf, pos, config, &mut sink, true)?.map(|end| (line, end))),
            None => Ok(None),
        });
        (flatten(r), sink.into_filled().to_vec())
    }

    /// `buf` as a head with an `F` start line, through the fast path and
    /// through the grammar alone, under every configuration: the start
    /// line alone, the whole head, and the header lines from the start and
    /// after the start line.
    fn check_as<F: Kind>(buf: &[u8]) {
        for config in configs() {
            let fast = flatten(with_active(LineOnly::<F::Line<'_>> { buf, config: &config, line: PhantomData }));
            let general = flatten(<F::Line<'_>>::general(buf, &config));
            assert_eq!(fast, general, "start line of {:?}", buf.escape_ascii().to_string());
            for cap in [2, 64] {
                assert_eq!(
                    fast_head::<F::Line<'_>>(buf, &config, cap),
                    grammar_head::<F::Line<'_>>(buf, &config, cap),
                    "head {:?}, capacity {cap}",
                    buf.escape_ascii().to_string()
                );
            }
            // The input as a header block, through the whole-head path
            // `parse_headers` takes.
            for cap in [2, 64] {
                assert_eq!(
                    fast_head::<NoLine>(buf, &config, cap),
                    grammar_head::<NoLine>(buf, &config, cap),
                    "header block {:?}, capacity {cap}",
                    buf.escape_ascii().to_string()
                );
            }
            // Header lines from the start (a header block) and after the
            // start line when there is one.
            let mut starts = std::vec![0];
            if let Ok(Some((.., p))) = general {
                starts.push(p);
            }
            for pos in starts {
                for cap in [2, 64] {
                    assert_eq!(
                        fast_lines(buf, pos, &config, cap),
                        general_lines(buf, pos, &config, cap),
                        "header lines of {:?} from {pos}, capacity {cap}",
                        buf.escape_ascii().to_string()
                    );
                }
            }
        }
    }

    /// `buf` as a request head ([`check_as`]).
    fn check(buf: &[u8]) {
        check_as::<Requests>(buf);
    }

    /// `buf` as a response head ([`check_as`]).
    fn check_response(buf: &[u8]) {
        check_as::<Responses>(buf);
    }

    /// Pieces of heads, good and bad, that random concatenations are made of.
    const PIECES: &[&[u8]] = &[
        b"GET",
        b"POST",
        b" ",
        b"  ",
        b"/",
        b"/a/b.html",
        b"?q=1&r",
        b"%2F",
        b"%zz",
        b"%2",
        b"HTTP/1.1",
        b"HTTP/1.0",
        b"HTTP/2.0",
        b"\r\n",
        b"\r\n\r\n",
        b"\n",
        b"\r",
        b"\t",
        b":",
        b": ",
        b"Host",
        b"Content-Length",
        b"a",
        b"x-y-z",
        b"value with spaces",
        b"\xc3\xa9",
        b"\x7f",
        b"\x00",
        b"\x0b",
        b"abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmnop",
    ];

    /// Request-line parts, good and bad.
    const METHODS: &[&[u8]] = &[b"GET", b"POST", b"", b"G T", b"OPTIONS", b"\r\nGET"];
    const SEPARATORS: &[&[u8]] = &[b" ", b" ", b"  ", b"", b"\t"];
    const TARGET_PIECES: &[&[u8]] =
        &[b"/", b"a", b"%2F", b"%zz", b"%2", b"%", b"?x=1", b"\x7f", b"\t", b"\xc3\xa9", b"*", b"\""];
    const VERSIONS: &[&[u8]] =
        &[b"HTTP/1.1", b"HTTP/1.0", b"HTTP/1.2", b"HTTP/2.0", b"HTTP/1.", b"HTTX/1.1", b"http/1.1"];
    /// Status-line parts, good and bad.
    const CODES: &[&[u8]] = &[b"200", b"404", b"100", b"999", b"099", b"000", b"20", b"2000", b"abc", b"1a0"];
    const REASON_PIECES: &[&[u8]] = &[b"OK", b"Not Found", b" ", b"\t", b"\x7f", b"\x00", b"\xc3\xa9", b"a b"];
    const LINE_ENDS: &[&[u8]] = &[b"\r\n", b"\r\n", b"\n", b"\r", b" \r\n", b"", b"\r\r"];

    #[test]
    fn common_heads_agree() {
        check(b"GET / HTTP/1.1\r\n\r\n");
        check(b"GET /a%20b?c HTTP/1.0\r\nHost: x\r\na:b\r\nc:  d \r\ne:\r\nf: \r\n\r\n");
        check(b"GET / HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n");
        check(b"GET / HTTP/1.1\r\nA: \tb\t\r\n\r\n");
        check(b"GET / HTTP/1.1\r\nA: b\r\nB: c\r\nC: d\r\n\r\n");
        // Values at the tight configuration's limit (6) with OWS around
        // them: the limit counts trailing OWS but not leading OWS.
        for value in
            [&b"bcdefg"[..], b"bcdef ", b"bcdef  ", b"bcd   ", b"bcd\t\t\t\t", b"  bcdefg", b" \tbcdef ", b"\tb c d"]
        {
            check(&[b"GET / HTTP/1.1\r\nAbc:".as_slice(), value, b"\r\n\r\n"].concat());
            check(&[b"GET / HTTP/1.1\r\nAbc: ".as_slice(), value, b"\r\nB: c\r\n\r\n"].concat());
        }
        let long: Vec<u8> =
            [b"GET / HTTP/1.1\r\n".as_slice(), &[b"Name: value\r\n".as_slice(); 20].concat(), b"\r\n"].concat();
        for k in 0..=long.len() {
            check(&long[..k]);
        }
    }

    #[test]
    fn common_responses_agree() {
        check_response(b"HTTP/1.1 200 OK\r\n\r\n");
        check_response(b"HTTP/1.0 404 Not Found\r\nContent-Length: 0\r\n\r\n");
        check_response(b"HTTP/1.1 204 \r\n\r\n");
        check_response(b"HTTP/1.1 204\r\n\r\n");
        check_response(b"HTTP/1.1 200  OK\r\n\r\n");
        check_response(b"HTTP/1.1  200 OK\r\n\r\n");
        check_response(b"HTTP/1.1 200 OK \r\nA: b\r\n\r\n");
        check_response(b"HTTP/1.1 200 \tOK\t\r\n\r\n");
        check_response(b"HTTP/1.1 099 Low\r\n\r\n");
        check_response(b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n\r\n");
        check_response(b"HTTP/1.1 999 \xc3\xa9\r\n\r\n");
        check_response(b"HTTP/1.1 200 OK\nA: b\n\n");
        check_response(b"HTTP/1.1 200 OK\r\nA: b\r\n folded\r\n\r\n");
        check_response(b"HTTP/1.2 200 OK\r\n\r\n");
        check_response(
            b"HTTP/1.1 200 a reason phrase long enough to cross a block of sixty-four bytes\r\nA: b\r\n\r\n",
        );
        let long: Vec<u8> =
            [b"HTTP/1.1 200 OK\r\n".as_slice(), &[b"Name: value\r\n".as_slice(); 20].concat(), b"\r\n"].concat();
        for k in 0..=long.len() {
            check_response(&long[..k]);
        }
        // Every byte the status line's fast path must refuse, at every
        // position of the line.
        let line = b"HTTP/1.1 200 OK\r\nA: b\r\n\r\n";
        for stop in [0x00, 0x7f, b'\r', b'\n', b'\t', b' ', b'0', b'9', b'a', 0xc3] {
            for at in 0..17 {
                let mut buf = line.to_vec();
                buf[at] = stop;
                check_response(&buf);
            }
        }
    }

    /// A byte the fast path must stop at (or hand over), at every position
    /// of a head whose names and values cross 64-byte block boundaries at
    /// many offsets: no stop may be skipped where a search moves on to the
    /// next block.
    #[test]
    fn a_stop_at_every_position_across_blocks() {
        let mut head = b"GET / HTTP/1.1\r\n".to_vec();
        for (name_len, value_len) in [(1, 1), (7, 50), (30, 64), (3, 100), (61, 2), (12, 130)] {
            head.extend(core::iter::repeat(b'n').take(name_len));
            head.extend_from_slice(b": ");
            head.extend(core::iter::repeat(b'v').take(value_len));
            head.extend_from_slice(b"\r\n");
        }
        head.extend_from_slice(b"\r\n");
        for stop in [0x00, 0x7f, b'\r', b'\n', b'\t', 0x0b, b':', b' '] {
            for at in 16..head.len() - 2 {
                let mut buf = head.clone();
                buf[at] = stop;
                check(&buf);
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn fast_path_agrees_with_the_grammar(picks in proptest::collection::vec(0..PIECES.len(), 0..40)) {
            let buf: Vec<u8> = picks.iter().flat_map(|&i| PIECES[i].iter().copied()).collect();
            check(&buf);
        }

        #[test]
        fn request_lines_agree(
            method in prop::sample::select(METHODS),
            sep1 in prop::sample::select(SEPARATORS),
            target in proptest::collection::vec(prop::sample::select(TARGET_PIECES), 0..6),
            sep2 in prop::sample::select(SEPARATORS),
            version in prop::sample::select(VERSIONS),
            eol in prop::sample::select(LINE_ENDS),
            cut in any::<prop::sample::Index>(),
        ) {
            let buf = [method, sep1, &target.concat(), sep2, version, eol, b"Host: a\r\n\r\n"].concat();
            check(&buf);
            check(&buf[..cut.index(buf.len() + 1)]);
        }

        #[test]
        fn status_lines_agree(
            version in prop::sample::select(VERSIONS),
            sep1 in prop::sample::select(SEPARATORS),
            code in prop::sample::select(CODES),
            sep2 in prop::sample::select(SEPARATORS),
            reason in proptest::collection::vec(prop::sample::select(REASON_PIECES), 0..5),
            eol in prop::sample::select(LINE_ENDS),
            cut in any::<prop::sample::Index>(),
        ) {
            let buf = [version, sep1, code, sep2, &reason.concat(), eol, b"Content-Length: 0\r\n\r\n"].concat();
            check_response(&buf);
            check_response(&buf[..cut.index(buf.len() + 1)]);
        }

        #[test]
        fn fast_path_agrees_on_well_formed_heads(
            names in proptest::collection::vec("[A-Za-z0-9!#$%&'*+.^_`|~-]{1,70}", 0..12),
            values in proptest::collection::vec("[ -~\t]{0,90}", 12),
            response in any::<bool>(),
            cut in any::<prop::sample::Index>(),
        ) {
            let start: &[u8] = if response { b"HTTP/1.1 200 OK\r\n" } else { b"GET /index.html HTTP/1.1\r\n" };
            let mut buf = start.to_vec();
            for (n, v) in names.iter().zip(&values) {
                buf.extend_from_slice(n.as_bytes());
                buf.extend_from_slice(b": ");
                buf.extend_from_slice(v.as_bytes());
                buf.extend_from_slice(b"\r\n");
            }
            buf.extend_from_slice(b"\r\n");
            let check = if response { check_response } else { check };
            check(&buf);
            check(&buf[..cut.index(buf.len() + 1)]);
        }
    }
}
