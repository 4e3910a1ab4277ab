//! The finders: where header names and values end, for the header loop.
//!
//! [`ScalarStops`] runs the scalar field scanners (the scalar backend).
//! The vector backends classify 64-byte blocks of the head once into two
//! bit masks (bytes that end a name, bytes that end a value), so a field
//! costs a shift and a trailing-zero count however short it is, and no
//! vector set-up per field: [`BlockStops`] block by block, [`ShortStops`]
//! for a head shorter than a block, whose masks cover it whole.

use crate::scan;
use crate::simd::{Backend, Cpu};

/// Finds where header names and values end.
pub(crate) trait Stops {
    /// Returns the first byte at or after `from` that is not a `tchar`, or the
    /// buffer's length. `from` is at most the buffer's length and never
    /// decreases between calls.
    fn name_end(&mut self, from: usize) -> usize;

    /// Returns the first control byte or DEL at or after `from`, or the buffer's
    /// length. An implementation may also stop at HTAB (the caller then
    /// leaves the line to the general grammar). `from` is at most the
    /// buffer's length and never decreases.
    fn value_end(&mut self, from: usize) -> usize;

    /// Returns both ends of a header line that starts at `from`: its name's end
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
    /// Returns a finder over `buf`.
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
        self.buf.get(from..).map_or(from, |s| from + crate::simd::scalar::value_run(s))
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
    /// Returns a finder over `buf`, classified by `cpu`. `buf` must be
    /// shorter than a block (or the masks cover only its first 64 bytes:
    /// the queries' results are then wrong, though still within
    /// `from..=from + 64`).
    #[inline(always)]
    pub(crate) fn new<B: Cpu>(cpu: B, buf: &[u8]) -> Self {
        debug_assert!(buf.len() < 64);
        let (not_tchar, ctl) = cpu.classify_short(buf);
        ShortStops { not_tchar, ctl }
    }

    /// Returns the first set bit of `mask` at or after `from`, which is at most
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

    /// Returns both from `from`: a control byte is not a `tchar`, so the name ends
    /// at or before the value.
    #[inline(always)]
    fn line_ends(&mut self, from: usize) -> (usize, usize) {
        (Self::next(from, self.not_tchar), Self::next(from, self.ctl))
    }
}

/// [`Stops`] over 64-byte blocks classified by `B`: the masks of the block
/// at `base` answer every query inside it; a query past it classifies the
/// 64 bytes from there.
pub(crate) struct BlockStops<'b, B> {
    buf: &'b [u8],
    /// Where the current block starts: a block past the buffer's end until
    /// the first query classifies one (see [`BlockStops::new`]).
    base: usize,
    /// Bit `k`: `buf[base + k]` is not a `tchar` (or, in a buffer shorter
    /// than a block, is past its end).
    not_tchar: u64,
    /// Bit `k`: `buf[base + k]` is a control byte or DEL (or past the end).
    ctl: u64,
    /// The backend that classifies the blocks.
    cpu: B,
}

impl<'b, B: Cpu> BlockStops<'b, B> {
    /// Returns a finder over `buf`. A buffer shorter than a block is classified
    /// here, whole; in a longer one no block is classified until the first
    /// query, which then classifies the block at the query's position
    /// ([`BlockStops::new_at`] and [`BlockStops::new_near`] classify one
    /// at once).
    #[inline(always)]
    pub(crate) fn new(cpu: B, buf: &'b [u8]) -> Self {
        if buf.len() < 64 {
            // Heads under 64 bytes are common (small responses, short
            // requests). Classified here, in the caller's function with its
            // target features, the classifier is inlined; every query then
            // lands in this one block, so `load` never sees the buffer.
            let (not_tchar, ctl) = cpu.classify_short(buf);
            return BlockStops { buf, base: 0, not_tchar, ctl, cpu };
        }
        // A base past the buffer by a block puts every position outside the
        // current (empty) block.
        BlockStops { buf, base: buf.len() + 64, not_tchar: 0, ctl: 0, cpu }
    }

    /// Returns a finder over `buf` with the block that holds `at` classified
    /// already, as the first query at `at` would: for the header loop
    /// inline in a head's routine, where at most
    /// [`INLINE_AFTER_LINE_MAX`](super::lines::INLINE_AFTER_LINE_MAX) bytes
    /// follow a start line, or
    /// [`INLINE_BLOCK_MAX`](super::lines::INLINE_BLOCK_MAX) hold a header
    /// block.
    /// After a start line the block is then the buffer's last 64 bytes,
    /// whose address depends on the buffer's length alone, so the CPU
    /// classifies it while it is still parsing the start line.
    #[inline(always)]
    pub(crate) fn new_at(cpu: B, buf: &'b [u8], at: usize) -> Self {
        if buf.len() < 64 {
            return Self::new(cpu, buf);
        }
        let mut stops = BlockStops { buf, base: 0, not_tchar: 0, ctl: 0, cpu };
        if buf.len().wrapping_sub(at) <= 64 {
            // Its caller's own test after a start line: the address comes
            // from the length alone, whatever the compiler knows of `at`.
            stops.load(buf.len() - 64);
        } else {
            stops.load(at);
        }
        stops
    }

    /// Returns a finder over `buf` for header lines from `at`, for the header
    /// loop's own function: the block at 0, or at 64, is classified
    /// already when it holds `at` (most start lines are shorter than 128
    /// bytes); past that, the first query classifies the block at `at`.
    ///
    /// The block's address is a constant, picked by a branch on `at`, not
    /// computed from it. `at` is where the start line ends, known only
    /// after its scans; the CPU predicts the branch and classifies the
    /// block meanwhile, where a block at `at` would wait for them. The
    /// block starts up to 63 bytes before `at`, so a head takes a block
    /// more at times: more instructions, less time (measured with AVX2).
    #[inline(always)]
    pub(crate) fn new_near(cpu: B, buf: &'b [u8], at: usize) -> Self {
        let mut stops = Self::new(cpu, buf);
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
    /// of line, by [`Cpu::classify_short`] (every position past its end a
    /// stop for names and values alike).
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
            (self.not_tchar, self.ctl) = short_masks(self.cpu, self.buf);
            return;
        };
        self.base = base;
        (self.not_tchar, self.ctl) = self.cpu.classify(block);
    }

    /// Returns the first set bit at or after `from` in the mask `pick` selects
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
    /// by [`Cpu::skip_plain`], without their masks.
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
                from = self.cpu.skip_plain(self.buf, from);
            }
        }
    }
}

/// [`BlockStops::load`] for a buffer shorter than a block (which
/// [`BlockStops::new`] has classified already): out of the loop's way.
#[cold]
#[inline(never)]
fn short_masks<B: Cpu>(cpu: B, buf: &[u8]) -> (u64, u64) {
    cpu.classify_short(buf)
}

impl<B: Cpu> Stops for BlockStops<'_, B> {
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
